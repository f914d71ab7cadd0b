//! `/exercises`: stretches, mobility, strength and self-massage exercises
//! with steps, doses and who they suit.

use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{Path, Query};
use super::page::{self, Window, list_response};
use super::pages;
use super::schema::{AvoidIf, KeyedCaution};
use super::state::Snapshot;
use crate::catalog::{
    self, Area, Difficulty, Equipment, ExerciseFilter, ExerciseKind, Position, PregnancySafety,
    Slot, StretchType,
};

/// The longest text query accepted, in characters.
const MAX_QUERY_CHARS: usize = 100;

/// How much of an exercise to do.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dose {
    /// Seconds to hold each stretch, for held exercises.
    pub hold_seconds: Option<u16>,
    /// Repetitions per set, for moving exercises.
    pub reps: Option<u16>,
    /// Number of sets.
    pub sets: u8,
    /// Whether the dose is for each side.
    pub per_side: bool,
}

impl From<&catalog::Dose> for Dose {
    fn from(d: &catalog::Dose) -> Self {
        Self {
            hold_seconds: d.hold_seconds,
            reps: d.reps,
            sets: d.sets,
            per_side: d.per_side,
        }
    }
}

/// Whether an exercise suits pregnancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pregnancy {
    /// `safe`, `modify` (with the note's change) or `avoid`.
    pub status: PregnancySafety,
    /// How to change it, or why to avoid it.
    pub note: Option<String>,
}

/// Where an exercise's picture is, and on what terms it may be reused.
#[derive(Debug, Serialize, ToSchema)]
pub struct Illustration {
    /// The picture: an SVG stick figure in its start and end positions.
    #[schema(example = "/exercises/piriformis-stretch/illustration.svg")]
    pub url: String,
    /// The picture's licence: the project's own, as it is drawn from the
    /// catalog's content by the service.
    #[schema(example = "MIT")]
    pub licence: &'static str,
    /// Who made it.
    #[schema(example = "backcare contributors")]
    pub author: &'static str,
}

/// Who draws the illustrations: they are generated from content that the
/// project's contributors write.
const ILLUSTRATION_AUTHOR: &str = "backcare contributors";

impl Illustration {
    fn of(id: &str) -> Self {
        Self {
            url: format!("/exercises/{id}/illustration.svg"),
            licence: env!("CARGO_PKG_LICENSE"),
            author: ILLUSTRATION_AUTHOR,
        }
    }
}

/// A stretch, mobility, strength or self-massage exercise.
#[derive(Debug, Serialize, ToSchema)]
pub struct Exercise {
    /// Stable kebab-case id.
    #[schema(example = "piriformis-stretch")]
    pub id: String,
    /// Plain name.
    #[schema(example = "Piriformis stretch")]
    pub name: String,
    /// Other names people use for it.
    pub aliases: Vec<String>,
    /// Plain-language summary.
    pub summary: String,
    /// What it does for the person, in a sentence.
    pub benefit: String,
    /// How it should feel, and what means ease off.
    pub feel: String,
    /// What it mainly works; a routine never holds two with one target.
    pub target: String,
    /// What it mainly does.
    pub kind: ExerciseKind,
    /// The way of stretching, for stretches.
    pub stretch_type: Option<StretchType>,
    /// Body areas it works on.
    pub areas: Vec<Area>,
    /// Body position.
    pub position: Position,
    /// Equipment it needs (`none` alone when it needs nothing).
    pub equipment: Vec<Equipment>,
    /// Technique ids whose method it uses; it inherits their exclusions.
    pub applies: Vec<String>,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// What to do, in order.
    pub steps: Vec<String>,
    /// How much to do.
    pub dose: Dose,
    /// Estimated minutes for the whole dose, both sides included.
    pub minutes: u8,
    /// Best times to do it.
    pub best_time: Vec<Slot>,
    /// Condition ids it suits.
    pub suitable_for: Vec<String>,
    /// Conditions and red flags that rule it out.
    pub avoid_if: AvoidIf,
    /// Pregnancy suitability.
    pub pregnancy: Pregnancy,
    /// What to be careful about: every caution's text, for everyone and
    /// for some conditions alike.
    pub cautions: Vec<String>,
    /// The same cautions with who each is for: a person is shown those
    /// with empty lists and those naming one of their conditions or flags.
    pub caution_details: Vec<KeyedCaution>,
    /// Common mistakes.
    pub common_mistakes: Vec<String>,
    /// Easier variations (exercise ids).
    pub easier: Vec<String>,
    /// Harder variations (exercise ids).
    pub harder: Vec<String>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
    /// A picture of the exercise.
    pub illustration: Illustration,
}

impl From<&catalog::Exercise> for Exercise {
    fn from(e: &catalog::Exercise) -> Self {
        Self {
            id: e.id.clone(),
            name: e.name.clone(),
            aliases: e.aliases.clone(),
            summary: e.summary.clone(),
            benefit: e.benefit.clone(),
            feel: e.feel.clone(),
            target: e.target.clone(),
            kind: e.kind,
            stretch_type: e.stretch_type,
            areas: e.areas.clone(),
            position: e.position,
            equipment: e.equipment.clone(),
            applies: e.applies.clone(),
            difficulty: e.difficulty,
            steps: e.steps.clone(),
            dose: (&e.dose).into(),
            minutes: e.minutes,
            best_time: e.best_time.clone(),
            suitable_for: e.suitable_for.clone(),
            avoid_if: (&e.avoid_if).into(),
            pregnancy: Pregnancy {
                status: e.pregnancy.status,
                note: e.pregnancy.note.clone(),
            },
            cautions: e.cautions.iter().map(|c| c.text.clone()).collect(),
            caution_details: e.cautions.iter().map(KeyedCaution::from).collect(),
            common_mistakes: e.common_mistakes.clone(),
            easier: e.easier.clone(),
            harder: e.harder.clone(),
            sources: e.sources.clone(),
            illustration: Illustration::of(&e.id),
        }
    }
}

list_response!(
    /// A page of exercises.
    ExerciseList of Exercise
);

/// Filters and pagination for listing exercises. Filters combine with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExerciseParams {
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
pub async fn list(
    Snapshot(catalog): Snapshot,
    Query(params): Query<ExerciseParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let window = Window::new(params.limit, params.offset, &mut errors);
    if let Some(c) = &params.condition
        && catalog.condition(c).is_none()
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
    if pages::wants_html(&headers) {
        let found = catalog.find_exercises(&filter);
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
        return Ok(pages::page(&catalog, markup));
    }
    // Free text is never a cache key: a person may type anything in it.
    let key = params.q.is_none().then(|| PageKey {
        condition: filter
            .condition
            .and_then(|c| catalog.condition(c))
            .map(|c| catalog::position(&catalog.conditions, c)),
        area: filter.area,
        equipment: filter.equipment,
        position: filter.position,
        kind: filter.kind,
        pregnancy_safe: filter.pregnancy_safe,
        limit: window.limit,
        offset: window.offset,
    });
    if let Some(page) = key.as_ref().and_then(|k| catalog.exercise_pages().get(k)) {
        return Ok(page::json(&catalog, page));
    }
    let found = catalog.find_exercises(&filter);
    let page = window.body(found.iter().map(|x| catalog.json_of_exercise(x)));
    if let Some(key) = key {
        catalog.exercise_pages().insert(key, &page);
    }
    Ok(page::json(&catalog, page))
}

/// A checked exercise list query without free text: what a cached page is
/// kept under (the condition as its catalog position).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    condition: Option<usize>,
    area: Option<Area>,
    equipment: Option<Equipment>,
    position: Option<Position>,
    kind: Option<ExerciseKind>,
    pregnancy_safe: Option<bool>,
    limit: usize,
    offset: usize,
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
pub async fn get(
    Snapshot(catalog): Snapshot,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if pages::wants_html(&headers) {
        let e = catalog
            .exercise(&id)
            .ok_or_else(|| ApiError::not_found("exercise", &id))?;
        return Ok(pages::page(&catalog, pages::exercise_page(&catalog, e)));
    }
    catalog
        .exercise_json(&id)
        .map(|json| page::json(&catalog, json.clone()))
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
pub async fn illustration(
    Snapshot(catalog): Snapshot,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    catalog
        .illustration_svg(&id)
        .map(|svg| page::cached(&catalog, SVG, svg.clone()))
        .ok_or_else(|| ApiError::not_found("exercise", &id))
}
