//! `/exercises`: stretches, mobility, strength and self-massage exercises
//! with steps, doses and who they suit.

use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query, WantsHtml};
use super::page::{self, Window, list_response};
use super::pages;
use super::state::Snapshot;
use super::wire::exercises::*;
use crate::catalog::{self, Area, Equipment, ExerciseFilter, ExerciseKind, Position};

/// The longest text query accepted, in characters.
const MAX_QUERY_CHARS: usize = 100;

list_response!(
    /// A page of exercises.
    ExerciseList of Exercise
);

/// Filters and pagination for listing exercises. Filters combine with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ExerciseParams {
    /// Only exercises suitable for this condition id.
    #[param(example = "sciatica")]
    pub condition: Option<String>,
    /// Only exercises working this body area.
    #[param(inline)]
    pub area: Option<Area>,
    /// Only exercises that use this equipment (`none`: exercises that need nothing).
    #[param(inline)]
    pub equipment: Option<Equipment>,
    /// Only exercises done in this position.
    #[param(inline)]
    pub position: Option<Position>,
    /// Only exercises of this kind.
    #[param(inline)]
    pub kind: Option<ExerciseKind>,
    /// `true`: exercises that may be done in pregnancy (as described, or with
    /// the change in `pregnancy.note`); `false`: the others.
    pub pregnancy_safe: Option<bool>,
    /// Text search over names, aliases and summaries: case-insensitive, every
    /// word must match, and a typo or two is forgiven in longer words. Results
    /// come best match first; a query with no letters or digits matches
    /// nothing. 1 to 100 characters.
    #[param(example = "hamstrng", min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// How many items to return, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<u32>,
    /// How many matching items to skip, 0 to 1000000 (default 0).
    #[param(minimum = 0, maximum = 1000000, default = 0)]
    pub offset: Option<u32>,
}

/// List exercises
///
/// Exercises in id order (best match first with `q`), optionally filtered.
#[utoipa::path(
    get, path = "/exercises", operation_id = "listExercises", tag = "exercises",
    params(ExerciseParams),
    responses(
        (status = 200, description = "A page of exercises", body = ExerciseList),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "An unknown parameter, value or condition id", body = Problem, content_type = PROBLEM_JSON,
            example = json!({"type": "https://backcare.dev/problems/invalid-parameters", "title": "Invalid request parameters", "status": 400,
                "detail": "invalid request parameter `area`: unknown variant `lower-back`, expected one of `lower_back`, `mid_back`, ...",
                "errors": [{"field": "area", "message": "unknown variant `lower-back`, expected one of `lower_back`, `mid_back`, ..."}]})),
    )
)]
pub(super) async fn list(
    Snapshot(served): Snapshot,
    Query(params): Query<ExerciseParams>,
    WantsHtml(html): WantsHtml,
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
    if let Some(q) = &params.q {
        let chars = q.chars().count();
        if q.is_empty() {
            errors.push(FieldError::new(
                "q",
                "must not be empty; leave it out to list everything",
            ));
        } else if chars > MAX_QUERY_CHARS {
            errors.push(FieldError::new(
                "q",
                format!("{chars} characters is over the limit of {MAX_QUERY_CHARS}"),
            ));
        }
    }
    let window = window.check(errors)?;
    let filter = ExerciseFilter {
        condition: params.condition.as_deref(),
        area: params.area,
        equipment: params.equipment,
        position: params.position,
        kind: params.kind,
        pregnancy_safe: params.pregnancy_safe,
        q: params.q.as_deref(),
    };
    if html {
        let found = served.catalog().find_exercises(&filter);
        let entries: Vec<(&str, &str, &str)> = found
            .iter()
            .skip(window.offset)
            .take(window.limit)
            .map(|e| (e.id.as_str(), e.name.as_str(), e.benefit.as_str()))
            .collect();
        let markup = pages::list_page(
            "Exercises",
            "Stretches, gentle movement, strength work and self-massage, each with steps, a dose and what to watch for.",
            "/exercises",
            &entries,
        );
        return Ok(pages::page(&served, markup));
    }
    // Free text is never a cache key: a person may type anything in it.
    let key = params.q.is_none().then(|| super::state::PageKey {
        condition: filter
            .condition
            .and_then(|c| served.catalog().condition(c))
            .map(|c| catalog::position(&served.catalog().conditions, c)),
        area: filter.area,
        equipment: filter.equipment,
        position: filter.position,
        kind: filter.kind,
        pregnancy_safe: filter.pregnancy_safe,
        limit: window.limit,
        offset: window.offset,
    });
    if let Some(page) = key.as_ref().and_then(|k| served.exercise_pages().get(k)) {
        return Ok(page::json(&served, page));
    }
    let found = served.catalog().find_exercises(&filter);
    let page = window.body(found.iter().map(|x| served.json_of_exercise(x)));
    if let Some(key) = key {
        served.exercise_pages().insert(key, &page);
    }
    Ok(page::json(&served, page))
}

/// Get an exercise
///
/// One exercise by id, with steps, dose, cautions and variations.
#[utoipa::path(
    get, path = "/exercises/{id}", operation_id = "getExercise", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", example = "piriformis-stretch")),
    responses(
        (status = 200, description = "The exercise", body = Exercise),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "The id is not valid UTF-8", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No exercise with this id", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn get(
    Snapshot(served): Snapshot,
    Path(id): Path<String>,
    WantsHtml(html): WantsHtml,
) -> Result<Response, ApiError> {
    if html {
        let e = served
            .catalog()
            .exercise(&id)
            .ok_or_else(|| ApiError::not_found("exercise", &id))?;
        return Ok(pages::page(
            &served,
            pages::exercise_page(served.catalog(), e),
        ));
    }
    served
        .exercise_json(&id)
        .map(|json| page::json(&served, json.clone()))
        .ok_or_else(|| ApiError::not_found("exercise", &id))
}

/// The media type of exercise illustrations.
const SVG: &str = "image/svg+xml";

/// Get an exercise's illustration
///
/// An SVG picture of the exercise: a stick figure in its start position
/// and, beside it, its end position over a ghost of the start, with an
/// arrow showing the movement. Its `<title>` is the exercise's name and its
/// `<desc>` says what each position shows. Drawn from the exercise's pose
/// in the catalog, so it changes only when the catalog does.
#[utoipa::path(
    get, path = "/exercises/{id}/illustration.svg", operation_id = "getExerciseIllustration", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", example = "piriformis-stretch")),
    responses(
        (status = 200, description = "The picture", body = String, content_type = "image/svg+xml"),
        (status = 304, description = "Not modified: the client's copy (If-None-Match) is current"),
        (status = 400, description = "The id is not valid UTF-8", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No exercise with this id", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn illustration(
    Snapshot(served): Snapshot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    served
        .illustration_svg(&id)
        .map(|svg| page::cached(&served, SVG, svg.clone()))
        .ok_or_else(|| ApiError::not_found("exercise", &id))
}
