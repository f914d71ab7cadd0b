//! `/conditions`: kinds of back pain, situations that cause it, and modifiers
//! that change what is safe.

use axum::response::Response;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query, WantsHtml};
use super::page::{self, PageParams, list_response};
use super::pages;
use super::state::Snapshot;
use super::wire::conditions::*;

list_response!(
    /// A page of conditions.
    ConditionList of Condition
);

/// List conditions
///
/// Every condition in id order: presentations (kinds of back pain),
/// situations (what causes or shapes it) and modifiers (what changes safety).
#[utoipa::path(
    get, path = "/conditions", operation_id = "listConditions", tag = "conditions",
    params(PageParams),
    responses(
        (status = 200, description = "A page of conditions", body = ConditionList),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "An unknown or invalid parameter", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn list(
    Snapshot(served): Snapshot,
    Query(params): Query<PageParams>,
    WantsHtml(html): WantsHtml,
) -> Result<Response, ApiError> {
    let window = params.window()?;
    if html {
        let entries: Vec<(&str, &str, &str)> = served
            .catalog()
            .conditions
            .iter()
            .skip(window.offset)
            .take(window.limit)
            .map(|x| (x.id.as_str(), x.name.as_str(), x.summary.as_str()))
            .collect();
        let markup = pages::list_page(
            "Conditions",
            "Kinds of back pain, situations that cause it, and things that change what is safe.",
            "/conditions",
            &entries,
        );
        return Ok(pages::page(&served, markup));
    }
    Ok(window.respond(&served, served.conditions_json().iter()))
}

/// Get a condition
///
/// One condition by id.
#[utoipa::path(
    get, path = "/conditions/{id}", operation_id = "getCondition", tag = "conditions",
    params(("id" = String, Path, description = "Condition id", example = "sciatica")),
    responses(
        (status = 200, description = "The condition", body = Condition),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "The id is not valid UTF-8", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No condition with this id", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn get(
    Snapshot(served): Snapshot,
    Path(id): Path<String>,
    WantsHtml(html): WantsHtml,
) -> Result<Response, ApiError> {
    if html {
        let entry = served
            .catalog()
            .condition(&id)
            .ok_or_else(|| ApiError::not_found("condition", &id))?;
        return Ok(pages::page(
            &served,
            pages::condition_page(served.catalog(), entry),
        ));
    }
    served
        .condition_json(&id)
        .map(|json| page::json(&served, json.clone()))
        .ok_or_else(|| ApiError::not_found("condition", &id))
}
