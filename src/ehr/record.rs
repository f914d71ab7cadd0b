//! What a chart told the service, and what it did not: the reader's
//! result, which the person is built from and the card reports; and the
//! problems that stop a chart being read.

use crate::catalog::{Duration, SnomedKind};
use crate::engine::StartBackAnswers;

/// A catalog entry a record's code mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The SNOMED CT code in the record.
    pub code: String,
    /// The catalog's display term for it.
    pub display: String,
    /// A condition or a red flag.
    pub kind: SnomedKind,
    /// The catalog id.
    pub id: String,
}

/// What the prefetch told us, and what it did not.
#[derive(Debug, Default)]
pub struct Record {
    /// Age in whole years, from `Patient.birthDate`.
    pub age: Option<u8>,
    /// Catalog condition ids, sorted, without repeats.
    pub conditions: Vec<String>,
    /// Catalog red-flag ids, sorted, without repeats.
    pub red_flags: Vec<String>,
    /// Each code that mapped, in record order.
    pub mapped: Vec<Mapped>,
    /// SNOMED CT codes the catalog does not know: (code, display).
    pub unknown_codes: Vec<(String, String)>,
    /// Active conditions with no SNOMED CT coding, by their text.
    pub uncoded: Vec<String>,
    /// Conditions skipped because they are resolved, inactive, refuted or
    /// entered in error.
    pub not_active: usize,
    /// How long the back pain has lasted, and how we know.
    pub duration: Option<(Duration, String)>,
    /// Whether any Condition list was in the prefetch at all.
    pub has_conditions: bool,
    /// Whether a Patient resource was in the prefetch.
    pub has_patient: bool,
    /// The newest completed STarT Back questionnaire response.
    pub start_back: Option<(StartBackAnswers, Option<String>)>,
    /// Prefetch entries and resources not used, and why.
    pub notes: Vec<String>,
}

/// A problem with the prefetch: where it is, as a path into the call
/// (`prefetch.patient.birthDate`), and what is wrong, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the problem is.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem at `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
