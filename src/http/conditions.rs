//! `/conditions`: kinds of back pain, situations that cause it, and modifiers
//! that change what is safe.

use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, PageParams, list_response};
use super::pages;
use super::schema::{KeyedCaution, Snomed};
use super::state::Snapshot;
use crate::catalog::{self, Approach, ConditionCategory, Difficulty, MassageRole, Pressure, Slot};

/// The approach that helps a condition most, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Helps {
    /// `massage`, `stretching` or `combined`.
    pub approach: Approach,
    /// Why, in plain words.
    pub why: String,
}

/// How a condition changes the plan the engine builds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Modifiers {
    /// Whether massage is allowed, only supporting, or excluded.
    pub massage: MassageRole,
    /// Why massage is limited, when it is.
    pub massage_reason: Option<String>,
    /// The firmest massage pressure that is safe.
    pub max_pressure: Option<Pressure>,
    /// The hardest exercises that are sensible.
    pub max_difficulty: Option<Difficulty>,
    /// Whether only pregnancy-safe exercises may be used.
    pub pregnancy_safe_only: bool,
    /// How often professional massage suits, when it has a rhythm.
    pub massage_frequency: Option<String>,
    /// Times of day the routine favours.
    pub preferred_slots: Vec<Slot>,
}

/// A kind of back pain, a situation that causes it, or a modifier that
/// changes what is safe.
#[derive(Debug, Serialize, ToSchema)]
pub struct Condition {
    /// Stable kebab-case id.
    #[schema(example = "sciatica")]
    pub id: String,
    /// Plain name.
    #[schema(example = "Sciatica")]
    pub name: String,
    /// Plain-language summary.
    pub summary: String,
    /// Presentation, situation or modifier.
    pub category: ConditionCategory,
    /// Typical symptoms or signs.
    pub symptoms: Vec<String>,
    /// The approach that helps most, and why.
    pub helps: Helps,
    /// What to be careful about.
    pub cautions: Vec<String>,
    /// The same cautions with who each is for.
    pub caution_details: Vec<KeyedCaution>,
    /// How the condition changes the plan.
    pub modifiers: Modifiers,
    /// SNOMED CT concepts for this entry, only verified ones; EHR records
    /// coded with them map to it (CDS Hooks). Often empty.
    pub snomed: Vec<Snomed>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
}

impl From<&catalog::Condition> for Condition {
    fn from(c: &catalog::Condition) -> Self {
        let m = &c.modifiers;
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            summary: c.summary.clone(),
            category: c.category,
            symptoms: c.symptoms.clone(),
            helps: Helps {
                approach: c.helps.approach,
                why: c.helps.why.clone(),
            },
            cautions: c.cautions.iter().map(|n| n.text.clone()).collect(),
            caution_details: c.cautions.iter().map(KeyedCaution::from).collect(),
            modifiers: Modifiers {
                massage: m.massage,
                massage_reason: m.massage_reason.clone(),
                max_pressure: m.max_pressure,
                max_difficulty: m.max_difficulty,
                pregnancy_safe_only: m.pregnancy_safe_only,
                massage_frequency: m.massage_frequency.clone(),
                preferred_slots: m.preferred_slots.clone(),
            },
            snomed: c.snomed.iter().map(Snomed::from).collect(),
            sources: c.sources.clone(),
        }
    }
}

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
pub async fn list(
    Snapshot(catalog): Snapshot,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let window = params.window()?;
    if pages::wants_html(&headers) {
        let entries: Vec<(&str, &str, &str)> = catalog
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
        return Ok(pages::page(&catalog, markup));
    }
    Ok(window.respond(&catalog, catalog.conditions_json().iter()))
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
pub async fn get(
    Snapshot(catalog): Snapshot,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if pages::wants_html(&headers) {
        let entry = catalog
            .condition(&id)
            .ok_or_else(|| ApiError::not_found("condition", &id))?;
        return Ok(pages::page(
            &catalog,
            pages::condition_page(&catalog, entry),
        ));
    }
    catalog
        .condition_json(&id)
        .map(|json| page::json(&catalog, json.clone()))
        .ok_or_else(|| ApiError::not_found("condition", &id))
}
