//! `/sources`: the publications every catalog entry cites.

use axum::response::Response;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, PageParams, list_response};
use super::state::Snapshot;
use super::wire::sources::*;

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
pub(super) async fn list(
    Snapshot(served): Snapshot,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let window = params.window()?;
    Ok(window.respond(&served, served.sources_json().iter()))
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
pub(super) async fn get(
    Snapshot(served): Snapshot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    served
        .source_json(&id)
        .map(|json| page::json(&served, json.clone()))
        .ok_or_else(|| ApiError::not_found("source", &id))
}
