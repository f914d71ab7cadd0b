//! `/red-flags`: signs that back pain may have a serious cause, with the
//! question to ask and what to do.

use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, PageParams, list_response};
use super::pages;
use super::schema::Snomed;
use super::state::Snapshot;
use crate::catalog::{self, Urgency};

/// An escalation rule that names this red flag: a combination of signs
/// that raises the urgency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Escalation {
    /// The escalation rule's id.
    pub rule: String,
    /// Its clauses: each holds when at least `at_least` of its signs are
    /// present (all of them when `at_least` is null); the rule fires when
    /// every clause holds.
    pub when: Vec<Clause>,
    /// Condition ids among the rule's signs.
    pub conditions: Vec<String>,
    /// Other red-flag ids among the rule's signs.
    pub red_flags: Vec<String>,
    /// The youngest age of an age band among the rule's signs, if age matters.
    pub min_age: Option<u8>,
    /// The raised urgency.
    pub urgency: Urgency,
    /// Why the combination is more serious.
    pub reason: String,
    /// What to do when it fires.
    pub action: String,
}

/// One clause of an escalation rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct Clause {
    /// Sign ids: red-flag, condition or age-band ids.
    pub of: Vec<String>,
    /// How many must be present; all of them when null.
    pub at_least: Option<u8>,
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
    /// Escalation rules that name it: combinations that make it more urgent.
    pub escalation: Vec<Escalation>,
    /// SNOMED CT concepts for this entry, only verified ones; EHR records
    /// coded with them map to it (CDS Hooks). Often empty.
    pub snomed: Vec<Snomed>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
}

impl RedFlag {
    /// The wire form of `f`, with the escalation rules of `catalog` that name it.
    pub fn new(catalog: &catalog::Catalog, f: &catalog::RedFlag) -> Self {
        let escalation = catalog
            .escalations
            .iter()
            .filter(|r| r.when.iter().any(|c| c.of.contains(&f.id)))
            .map(|r| {
                let signs = || r.when.iter().flat_map(|c| &c.of).filter(|s| **s != f.id);
                Escalation {
                    rule: r.id.clone(),
                    when: r
                        .when
                        .iter()
                        .map(|c| Clause {
                            of: c.of.clone(),
                            at_least: c.at_least,
                        })
                        .collect(),
                    conditions: signs()
                        .filter(|s| catalog.condition(s).is_some())
                        .cloned()
                        .collect(),
                    red_flags: signs()
                        .filter(|s| catalog.red_flag(s).is_some())
                        .cloned()
                        .collect(),
                    min_age: catalog
                        .policy
                        .age_bands
                        .iter()
                        .filter(|b| signs().any(|s| *s == b.id))
                        .filter_map(|b| b.min_age)
                        .min(),
                    urgency: r.urgency,
                    reason: r.reason.clone(),
                    action: r.action.clone(),
                }
            })
            .collect();
        Self {
            id: f.id.clone(),
            name: f.name.clone(),
            group: f.group.clone(),
            question: f.question.clone(),
            urgency: f.urgency,
            action: f.action.clone(),
            escalation,
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
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let window = params.window()?;
    if pages::wants_html(&headers) {
        let entries: Vec<(&str, &str, &str)> = catalog
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
        return Ok(pages::page(&catalog, markup));
    }
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
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if pages::wants_html(&headers) {
        let entry = catalog
            .red_flag(&id)
            .ok_or_else(|| ApiError::not_found("red flag", &id))?;
        return Ok(pages::page(&catalog, pages::red_flag_page(&catalog, entry)));
    }
    catalog
        .red_flag_json(&id)
        .map(|json| page::json(&catalog, json.clone()))
        .ok_or_else(|| ApiError::not_found("red flag", &id))
}
