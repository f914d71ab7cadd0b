//! `/techniques`: ways of massaging, stretching or supporting either,
//! including the ones guidelines say not to use.

use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, Window, list_response};
use super::state::Snapshot;
use super::wire::techniques::*;
use crate::catalog::{Modality, TechniqueFilter};

list_response!(
    /// A page of techniques.
    TechniqueList of Technique
);

/// Filters and pagination for listing techniques.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct TechniqueParams {
    /// Only techniques of this modality.
    #[param(inline)]
    pub modality: Option<Modality>,
    /// Only techniques best for this condition id.
    #[param(example = "muscle-spasm")]
    pub condition: Option<String>,
    /// How many items to return, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<u32>,
    /// How many matching items to skip, 0 to 1000000 (default 0).
    #[param(minimum = 0, maximum = 1000000, default = 0)]
    pub offset: Option<u32>,
}

/// List techniques
///
/// Techniques in id order, optionally filtered. Entries whose `status` is
/// `not-recommended` (TENS, support belts, traction) are listed so apps can
/// say why; the engine never suggests them.
#[utoipa::path(
    get, path = "/techniques", operation_id = "listTechniques", tag = "techniques",
    params(TechniqueParams),
    responses(
        (status = 200, description = "A page of techniques", body = TechniqueList),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "An unknown parameter, value or condition id", body = Problem, content_type = PROBLEM_JSON,
            example = json!({"type": "https://backcare.dev/problems/invalid-parameters", "title": "Invalid request parameters", "status": 400,
                "detail": "invalid request parameter `condition`: no condition with id `sciatca`",
                "errors": [{"field": "condition", "message": "no condition with id `sciatca`"}]})),
    )
)]
pub(super) async fn list(
    Snapshot(served): Snapshot,
    Query(params): Query<TechniqueParams>,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let window = Window::new(params.limit, params.offset, &mut errors);
    if let Some(c) = &params.condition
        && served.catalog().condition(c).is_none()
    {
        errors.push(FieldError::new(
            "condition",
            format!("no condition with id `{c}`"),
        ));
    }
    let window = window.check(errors)?;
    let filter = TechniqueFilter {
        modality: params.modality,
        condition: params.condition.as_deref(),
    };
    let found = served.catalog().find_techniques(&filter);
    Ok(window.respond(
        &served,
        found.iter().map(|x| {
            served
                .technique_json(&x.id)
                .expect("every catalog entity is serialised")
        }),
    ))
}

/// Get a technique
///
/// One technique by id.
#[utoipa::path(
    get, path = "/techniques/{id}", operation_id = "getTechnique", tag = "techniques",
    params(("id" = String, Path, description = "Technique id", example = "trigger-point-therapy")),
    responses(
        (status = 200, description = "The technique", body = Technique),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "The id is not valid UTF-8", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No technique with this id", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn get(
    Snapshot(served): Snapshot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    served
        .technique_json(&id)
        .map(|json| page::json(&served, json.clone()))
        .ok_or_else(|| ApiError::not_found("technique", &id))
}
