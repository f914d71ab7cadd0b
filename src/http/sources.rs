//! `/sources`: the publications every catalog entry cites.

use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, PageParams, list_response};
use super::state::Snapshot;
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

list_response!(
    /// A page of sources.
    SourceList of Source
);

/// List sources
///
/// Every publication the catalog cites, in id order.
#[utoipa::path(
    get, path = "/sources", operation_id = "listSources", tag = "sources",
    params(PageParams),
    responses(
        (status = 200, description = "A page of sources", body = SourceList),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "An unknown or invalid parameter", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub async fn list(
    Snapshot(catalog): Snapshot,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let window = params.window()?;
    Ok(window.respond(&catalog, catalog.sources_json().iter()))
}

/// Get a source
///
/// One publication by id.
#[utoipa::path(
    get, path = "/sources/{id}", operation_id = "getSource", tag = "sources",
    params(("id" = String, Path, description = "Source id", example = "nice-ng59")),
    responses(
        (status = 200, description = "The source", body = Source),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "The id is not valid UTF-8", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No source with this id", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub async fn get(
    Snapshot(catalog): Snapshot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    catalog
        .source_json(&id)
        .map(|json| page::json(&catalog, json.clone()))
        .ok_or_else(|| ApiError::not_found("source", &id))
}
