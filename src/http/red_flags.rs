//! `/red-flags`: signs that back pain may have a serious cause, with the
//! question to ask and what to do.

use axum::response::Response;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query, WantsHtml};
use super::page::{self, PageParams, list_response};
use super::pages;
use super::state::Snapshot;
use super::wire::red_flags::*;

list_response!(
    /// A page of red flags.
    RedFlagList of RedFlag
);

/// List red flags
///
/// Every red flag in id order. Apps ask each `question` before offering
/// self-care and send the ones answered yes to `POST /recommendation`.
#[utoipa::path(
    get, path = "/red-flags", operation_id = "listRedFlags", tag = "red-flags",
    params(PageParams),
    responses(
        (status = 200, description = "A page of red flags", body = RedFlagList),
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
            .red_flags
            .iter()
            .skip(window.offset)
            .take(window.limit)
            .map(|x| (x.id.as_str(), x.name.as_str(), x.question.as_str()))
            .collect();
        let markup = pages::list_page(
            "Warning signs",
            "Signs that back pain may have a serious cause, each with what to do.",
            "/red-flags",
            &entries,
        );
        return Ok(pages::page(&served, markup));
    }
    Ok(window.respond(&served, served.red_flags_json().iter()))
}

/// Get a red flag
///
/// One red flag by id.
#[utoipa::path(
    get, path = "/red-flags/{id}", operation_id = "getRedFlag", tag = "red-flags",
    params(("id" = String, Path, description = "Red-flag id", example = "saddle-numbness")),
    responses(
        (status = 200, description = "The red flag", body = RedFlag),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "The id is not valid UTF-8", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No red flag with this id", body = Problem, content_type = PROBLEM_JSON),
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
            .red_flag(&id)
            .ok_or_else(|| ApiError::not_found("red flag", &id))?;
        return Ok(pages::page(
            &served,
            pages::red_flag_page(served.catalog(), entry),
        ));
    }
    served
        .red_flag_json(&id)
        .map(|json| page::json(&served, json.clone()))
        .ok_or_else(|| ApiError::not_found("red flag", &id))
}
