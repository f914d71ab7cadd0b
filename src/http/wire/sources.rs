//! Wire types of `/sources`: what the API writes for each entry.

use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{self, SourceKind};

/// A publication that catalog entries rest on.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "nice-ng59",
    "title": "Low back pain and sciatica in over 16s: assessment and management (NG59)",
    "authors": null,
    "publisher": "National Institute for Health and Care Excellence (NICE)",
    "year": 2016,
    "kind": "guideline",
    "url": "https://www.nice.org.uk/guidance/ng59",
    "summary": "UK guideline: manual therapy only alongside exercise; do not offer TENS, belts or traction."
}))]
pub struct Source {
    /// Stable kebab-case id.
    pub id: String,
    /// The publication's title.
    pub title: String,
    /// Authors as the publication names them, when it names any.
    pub authors: Option<String>,
    /// Publisher, journal or organisation.
    pub publisher: String,
    /// Year of publication, when known.
    pub year: Option<u16>,
    /// The kind of publication.
    pub kind: SourceKind,
    /// Where to read it, when known.
    pub url: Option<String>,
    /// What the catalog takes from it.
    pub summary: String,
}

impl From<&catalog::Source> for Source {
    fn from(s: &catalog::Source) -> Self {
        Self {
            id: s.id.clone(),
            title: s.title.clone(),
            authors: s.authors.clone(),
            publisher: s.publisher.clone(),
            year: s.year,
            kind: s.kind,
            url: s.url.clone(),
            summary: s.summary.clone(),
        }
    }
}
