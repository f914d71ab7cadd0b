//! Finding and reading content files in a directory, including the layout
//! a Kubernetes ConfigMap volume has:
//!
//! ```text
//! /content/conditions/            one ConfigMap volume per kind
//!   ..2026_01_02_03_04_05.123/    the current files
//!   ..data -> ..2026_01_02_...    swapped atomically on update
//!   sciatica.json -> ..data/sciatica.json
//! ```
//!
//! Names starting with `.` are never content and are skipped. A symbolic
//! link is followed only when it resolves inside the content directory, so
//! content cannot pull in `/etc/passwd` and a link loop is an error, not a
//! hang. Only the kind folders and the files directly in them are looked
//! at: nothing is walked recursively.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{ContentFile, KINDS, LoadError, POLICY_DIR, Problem};

/// The largest content file read, in bytes; larger ones are a problem.
/// The largest real entity is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A content file found below the root, not yet read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// Path relative to the content root, with `/` separators.
    pub rel: String,
    /// Where it really is, with every link resolved.
    pub resolved: PathBuf,
    /// Its size in bytes.
    pub len: u64,
    /// When it was last modified.
    pub modified: SystemTime,
}

/// Whether `name` is hidden: `..data`, `..2026_…` and editor files.
fn hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// `path` with every link resolved, if that stays inside `root` (itself
/// resolved); `Err` says why not.
fn inside(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let resolved = std::fs::canonicalize(path).map_err(|e| format!("cannot resolve link: {e}"))?;
    if resolved.starts_with(root) {
        Ok(resolved)
    } else {
        Err("links outside the content directory; not followed".to_owned())
    }
}

/// Lists the content files in the kind folders below `root`, with the
/// entries that cannot be content (wrong extension, unknown folder, links
/// leaving the directory, too large) as problems.
pub fn find_files(root: &Path) -> Result<(Vec<Found>, Vec<Problem>), LoadError> {
    let io = |source| LoadError::Io {
        path: root.to_owned(),
        source,
    };
    let real_root = std::fs::canonicalize(root).map_err(io)?;
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&real_root).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if hidden(&name) {
            continue;
        }
        let folder = match inside(&real_root, &entry.path()) {
            Ok(folder) => folder,
            Err(message) => {
                problems.push(Problem::new(&name, "", message));
                continue;
            }
        };
        if !folder.is_dir() {
            // Top-level files are authoring notes (README and the like).
            continue;
        }
        if !KINDS.contains(&name.as_str()) && name != POLICY_DIR {
            problems.push(Problem::new(
                &format!("{name}/"),
                "",
                format!(
                    "unknown content folder; expected one of: {}",
                    KINDS.join(", ")
                ),
            ));
            continue;
        }
        for file in std::fs::read_dir(&folder).map_err(io)? {
            let file = file.map_err(io)?;
            let file_name = file.file_name().to_string_lossy().into_owned();
            if hidden(&file_name) {
                continue;
            }
            let rel = format!("{name}/{file_name}");
            let resolved = match inside(&real_root, &file.path()) {
                Ok(resolved) => resolved,
                Err(message) => {
                    problems.push(Problem::new(&rel, "", message));
                    continue;
                }
            };
            let meta = match std::fs::metadata(&resolved) {
                Ok(meta) => meta,
                Err(e) => {
                    problems.push(Problem::new(&rel, "", format!("cannot read file: {e}")));
                    continue;
                }
            };
            if !rel.ends_with(".json") || !meta.is_file() {
                problems.push(Problem::new(&rel, "", "not a .json content file"));
                continue;
            }
            found.push(Found {
                rel,
                resolved,
                len: meta.len(),
                modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            });
        }
    }
    found.sort();
    Ok((found, problems))
}

/// Reads every file in the kind folders below `root`. Files that cannot be
/// content (wrong extension, not UTF-8, unknown folder, over
/// [`MAX_FILE_BYTES`], a link leaving the directory) become problems so
/// they are reported with everything else.
pub fn read_dir(root: &Path) -> Result<(Vec<ContentFile>, Vec<Problem>), LoadError> {
    let (found, mut problems) = find_files(root)?;
    let mut files = Vec::with_capacity(found.len());
    for f in found {
        let too_large = || {
            Problem::new(
                &f.rel,
                "",
                format!("file is over the limit of {MAX_FILE_BYTES} bytes for a content file"),
            )
        };
        if f.len > MAX_FILE_BYTES {
            problems.push(too_large());
            continue;
        }
        // Read at most one byte past the limit: the file may have grown
        // since it was listed.
        let mut bytes = Vec::with_capacity(usize::try_from(f.len).unwrap_or(0));
        let read = std::fs::File::open(&f.resolved)
            .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
        match read {
            Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => problems.push(too_large()),
            Ok(_) => match String::from_utf8(bytes) {
                Ok(text) => files.push(ContentFile { path: f.rel, text }),
                Err(_) => problems.push(Problem::new(&f.rel, "", "file is not valid UTF-8")),
            },
            Err(e) => problems.push(Problem::new(&f.rel, "", format!("cannot read file: {e}"))),
        }
    }
    Ok((files, problems))
}
