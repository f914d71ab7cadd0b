//! What is wrong with content: each problem located by file and field, and
//! why a catalog could not be loaded. Its own module, because the loader,
//! the validator and the file reader all report problems and none of them
//! should import another for that.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with the content, located by file and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the content root.
    pub file: String,
    /// The field path inside the file (`steps[2]`), or empty for the whole file.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.field, self.message)
        }
    }
}

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The content directory itself could not be read.
    #[error("cannot read content directory {path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The content was read but is invalid; every problem is listed.
    #[error("{} content problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}
