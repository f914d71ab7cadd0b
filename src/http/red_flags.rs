//! `/red-flags`: signs that back pain may have a serious cause, with the
//! question to ask and what to do.

use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, PageParams, list_response};
use super::schema::Snomed;
use super::state::Snapshot;
use crate::catalog::{self, Urgency};

/// A combination that raises a red flag's urgency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Escalation {
    /// Condition ids that, all present, trigger it.
    pub conditions: Vec<String>,
    /// Other red-flag ids that, all present, trigger it.
    pub red_flags: Vec<String>,
    /// The age from which it applies, if age matters.
    pub min_age: Option<u8>,
    /// The raised urgency.
    pub urgency: Urgency,
    /// Why the combination is more serious.
    pub reason: String,
}

/// A sign that back pain may have a serious cause.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedFlag {
    /// Stable kebab-case id.
    #[schema(example = "saddle-numbness")]
    pub id: String,
    /// Plain name.
    pub name: String,
    /// The serious cause it may point to.
    #[schema(example = "cauda equina syndrome")]
    pub group: String,
    /// A yes/no question a person can answer about themselves.
    pub question: String,
    /// Urgency on its own.
    pub urgency: Urgency,
    /// What to do, in plain words.
    pub action: String,
    /// Combinations that make it more urgent.
    pub escalation: Vec<Escalation>,
    /// SNOMED CT concepts for this entry, only verified ones; EHR records
    /// coded with them map to it (CDS Hooks). Often empty.
    pub snomed: Vec<Snomed>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
}

impl From<&catalog::RedFlag> for RedFlag {
    fn from(f: &catalog::RedFlag) -> Self {
        Self {
            id: f.id.clone(),
            name: f.name.clone(),
            group: f.group.clone(),
            question: f.question.clone(),
            urgency: f.urgency,
            action: f.action.clone(),
            escalation: f
                .escalation
                .iter()
                .map(|e| Escalation {
                    conditions: e.conditions.clone(),
                    red_flags: e.red_flags.clone(),
                    min_age: e.min_age,
                    urgency: e.urgency,
                    reason: e.reason.clone(),
                })
                .collect(),
            snomed: f.snomed.iter().map(Snomed::from).collect(),
            sources: f.sources.clone(),
        }
    }
}

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
pub async fn list(
    Snapshot(catalog): Snapshot,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let window = params.window()?;
    Ok(window.respond(&catalog, catalog.red_flags_json().iter()))
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
pub async fn get(
    Snapshot(catalog): Snapshot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    catalog
        .red_flag_json(&id)
        .map(|json| page::json(&catalog, json.clone()))
        .ok_or_else(|| ApiError::not_found("red flag", &id))
}
