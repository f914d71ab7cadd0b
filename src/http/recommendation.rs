//! `POST /recommendation`: parse and check the person's situation at the
//! edge, then let the engine decide.

use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{JsonBody, Query, WantsHtml, parse_json};
use super::grammar::{Bounded, Grammar};
use super::serialise;
use super::state::Snapshot;
use crate::catalog::{Catalog, Equipment, Position};
use crate::engine::{
    self, Bothersomeness, Duration, Felt, Goal, MassageAccess, PainArea, Person, Recommendation,
};
use crate::json::objects_only;

/// The most ids or values any list in the request may hold.
const MAX_LIST: usize = 64;

/// The pain itself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub(super) struct PainInput {
    /// How long it has lasted.
    pub duration: Duration,
    /// 0 (none) to 10 (worst imaginable).
    pub intensity: Bounded<0, 10>,
    /// Where it hurts; at least one.
    #[schema(min_items = 1, max_items = 64)]
    pub areas: Vec<PainArea>,
}

/// What fits the person's life. Every field is optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub(super) struct PreferencesInput {
    /// Minutes a day for exercise, 5 to 120 (default 10).
    #[schema(default = 10)]
    pub minutes_per_day: Option<Bounded<5, 120>>,
    /// Extra equipment the person has, such as a foam roller, massage
    /// ball, yoga block or handheld massager. The floor, a wall, a chair
    /// and a towel or cushion are assumed to be at hand unless listed in
    /// `lacks`.
    #[schema(max_items = 64)]
    pub equipment: Option<Vec<Equipment>>,
    /// Household items the person does not have (`wall`, `chair`,
    /// `towel`); exercises needing them are left out without comment.
    #[schema(max_items = 64)]
    pub lacks: Option<Vec<Equipment>>,
    /// Technique ids from `GET /techniques` the person asked about: those
    /// advised against are then explained in `avoid` even when nothing else
    /// in their situation brings them up.
    #[schema(max_items = 64)]
    pub asked_about: Option<Vec<String>>,
    /// Positions the person cannot or will not get into, e.g. every floor
    /// position for someone who cannot get down to the floor.
    #[schema(max_items = 64)]
    pub avoid_positions: Option<Vec<Position>>,
    /// What massage the person can get (default `professional`).
    pub massage_access: Option<MassageAccess>,
    /// What the person wants most (default `both`).
    pub goal: Option<Goal>,
}

/// STarT Back Screening Tool answers, by item meaning, about the last two
/// weeks. Keele University's tool is not meant as a standalone online
/// screen, and commercial use needs Keele's permission; this API names the
/// items by meaning and does not reproduce their wording.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub(super) struct StartBackInput {
    /// Item 1: pain has spread down the leg(s).
    pub leg_pain: bool,
    /// Item 2: pain in the shoulder or neck as well.
    pub shoulder_or_neck_pain: bool,
    /// Item 3: walked only short distances because of the pain.
    pub walked_short_distances_only: bool,
    /// Item 4: dressed more slowly than usual because of the pain.
    pub dressed_slowly: bool,
    /// Item 5: feels it is not safe for them to be physically active.
    pub not_safe_to_be_active: bool,
    /// Item 6: worrying thoughts a lot of the time.
    pub worrying_thoughts: bool,
    /// Item 7: feels the pain is terrible and will never get better.
    pub pain_terrible_never_better: bool,
    /// Item 8: has not enjoyed the things they usually enjoy.
    pub no_enjoyment: bool,
    /// Item 9: how bothersome the pain has been.
    pub bothersomeness: Bothersomeness,
}

/// How one exercise of last week's plan went.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub(super) struct ItemReportInput {
    /// The exercise id, from last week's `routine`.
    pub exercise_id: String,
    /// Days it was done last week, 0 to 7.
    pub days_done: Bounded<0, 7>,
    /// How it felt.
    pub felt: Felt,
}

/// Last week's report, kept by the app and sent back: the service stores
/// nothing. The plan adapts: easy items step up, painful ones step down or
/// are swapped, items not done are made simpler or shorter, and the
/// explanation says what changed and why. Every safety rule and the time
/// budget still hold.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub(super) struct WeekReportInput {
    /// Pain a week ago, 0 to 10; with today's `pain.intensity` it tells
    /// whether the pain is worse (then nothing steps up).
    pub pain: Option<Bounded<0, 10>>,
    /// How each exercise went.
    #[schema(max_items = 64)]
    pub items: Vec<ItemReportInput>,
}

/// A person's situation. Unknown fields are rejected, so a misspelt field
/// is never silently ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub(super) struct RecommendationRequest {
    /// The pain (required).
    pub pain: PainInput,
    /// Condition ids from `GET /conditions` (default none).
    #[schema(max_items = 64)]
    pub conditions: Option<Vec<String>>,
    /// Red-flag ids from `GET /red-flags` that the person answered yes to
    /// (default none).
    #[schema(max_items = 64)]
    pub red_flags: Option<Vec<String>>,
    /// Age in years, 0 to 120.
    pub age: Option<Bounded<0, 120>>,
    /// Time, equipment and access to massage.
    pub preferences: Option<PreferencesInput>,
    /// STarT Back answers, for risk stratification.
    pub start_back: Option<StartBackInput>,
    /// Last week's report, to adapt the plan.
    pub last_week: Option<WeekReportInput>,
}

/// How much of the answer to send.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum View {
    /// Everything, with `explanation` and `avoid`.
    #[default]
    Full,
    /// What an app renders: no `explanation` and no `avoid`.
    Compact,
}

/// Query parameters of `POST /recommendation`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct RecommendationParams {
    /// `full` (default) or `compact`: the compact answer leaves out
    /// `explanation` and `avoid`, for apps that only render the plan.
    pub view: Option<View>,
}

/// The compact answer: the plan as an app renders it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CompactRecommendation<'a> {
    /// Red-flag screening: always first.
    pub triage: &'a engine::Triage<'a>,
    /// The main approach.
    pub approach: engine::PlanApproach,
    /// Massage to get or do, or null.
    pub massage: &'a Option<engine::MassagePlan<'a>>,
    /// Supporting techniques.
    pub adjuncts: &'a [engine::TechniquePick<'a>],
    /// The daily routine, or null.
    pub routine: &'a Option<engine::Routine<'a>>,
    /// The daily walking goal, or null.
    pub activity: &'a Option<engine::ActivityPlan<'a>>,
    /// Short messages for this person.
    pub education: &'a [engine::EducationItem<'a>],
    /// What to watch for.
    pub cautions: &'a [engine::Caution<'a>],
    /// STarT Back stratification, when answers were given.
    pub start_back: &'a Option<engine::StartBackResult>,
    /// The catalog version the answer was built from.
    pub catalog_version: &'a str,
}

impl<'a> From<&'a Recommendation<'a>> for CompactRecommendation<'a> {
    fn from(r: &'a Recommendation<'a>) -> Self {
        Self {
            triage: &r.triage,
            approach: r.approach,
            massage: &r.massage,
            adjuncts: &r.adjuncts,
            routine: &r.routine,
            activity: &r.activity,
            education: &r.education,
            cautions: &r.cautions,
            start_back: &r.start_back,
            catalog_version: r.catalog_version,
        }
    }
}

objects_only!(
    PainInput,
    PreferencesInput,
    StartBackInput,
    ItemReportInput,
    WeekReportInput,
    RecommendationRequest
);

/// The grammar of a request body, from its wire types.
fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(Grammar::of::<RecommendationRequest>)
}

/// Where a request names catalog ids: (field path, id, kind).
type IdSite<'a> = (String, &'a str, &'static str);

/// Every catalog id a typed request names, with where it is.
fn typed_ids(r: &RecommendationRequest) -> Vec<IdSite<'_>> {
    fn list<'a>(
        out: &mut Vec<IdSite<'a>>,
        field: &str,
        kind: &'static str,
        ids: Option<&'a [String]>,
    ) {
        for (i, id) in ids.unwrap_or_default().iter().enumerate() {
            out.push((format!("{field}[{i}]"), id.as_str(), kind));
        }
    }
    let mut out = Vec::new();
    list(&mut out, "conditions", "condition", r.conditions.as_deref());
    list(&mut out, "red_flags", "red-flag", r.red_flags.as_deref());
    let asked = r
        .preferences
        .as_ref()
        .and_then(|p| p.asked_about.as_deref());
    list(&mut out, "preferences.asked_about", "technique", asked);
    for (i, item) in r.last_week.iter().flat_map(|w| &w.items).enumerate() {
        out.push((
            format!("last_week.items[{i}].exercise_id"),
            item.exercise_id.as_str(),
            "exercise",
        ));
    }
    out
}

/// Every catalog id an untyped body names where the grammar expects one.
fn value_ids(v: &Value) -> Vec<IdSite<'_>> {
    fn strings<'a>(
        out: &mut Vec<IdSite<'a>>,
        field: &str,
        kind: &'static str,
        list: Option<&'a Value>,
    ) {
        for (i, id) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(id) = id.as_str() {
                out.push((format!("{field}[{i}]"), id, kind));
            }
        }
    }
    let mut out = Vec::new();
    strings(&mut out, "conditions", "condition", v.get("conditions"));
    strings(&mut out, "red_flags", "red-flag", v.get("red_flags"));
    let asked = v.get("preferences").and_then(|p| p.get("asked_about"));
    strings(&mut out, "preferences.asked_about", "technique", asked);
    let items = v.pointer("/last_week/items").and_then(Value::as_array);
    for (i, item) in items.into_iter().flatten().enumerate() {
        if let Some(id) = item.get("exercise_id").and_then(Value::as_str) {
            out.push((format!("last_week.items[{i}].exercise_id"), id, "exercise"));
        }
    }
    out
}

/// A problem for each id the catalog lacks.
fn unknown_ids(catalog: &Catalog, sites: Vec<IdSite<'_>>) -> Vec<FieldError> {
    sites
        .into_iter()
        .filter(|(_, id, kind)| match *kind {
            "condition" => catalog.condition(id).is_none(),
            "red-flag" => catalog.red_flag(id).is_none(),
            "technique" => catalog.technique(id).is_none(),
            _ => catalog.exercise(id).is_none(),
        })
        .map(|(field, id, kind)| {
            FieldError::new(field, format!("no {kind} with id `{id}`; see GET /{kind}s"))
        })
        .collect()
}

/// Whether every list in the typed request is within [`MAX_LIST`]; the
/// schema states the same limit (`maxItems`), which a unit test holds
/// equal, and the grammar words the error when it is not.
fn within_limits(request: &RecommendationRequest) -> bool {
    let prefs = request.preferences.as_ref();
    [
        request.pain.areas.len(),
        request.conditions.as_ref().map_or(0, Vec::len),
        request.red_flags.as_ref().map_or(0, Vec::len),
        prefs.and_then(|p| p.equipment.as_ref()).map_or(0, Vec::len),
        prefs
            .and_then(|p| p.avoid_positions.as_ref())
            .map_or(0, Vec::len),
    ]
    .iter()
    .all(|n| *n <= MAX_LIST)
        && !request.pain.areas.is_empty()
}

/// The engine's person from a checked request: lists sorted and without
/// repeats, so the same request in any order gives the same answer, and
/// `none` equipment dropped, since it is what the default means.
fn person(request: RecommendationRequest) -> Person {
    fn sorted<T: Ord>(mut list: Vec<T>) -> Vec<T> {
        list.sort();
        list.dedup();
        list
    }
    let mut preferences = engine::Preferences::default();
    if let Some(p) = request.preferences {
        if let Some(m) = p.minutes_per_day {
            preferences.minutes_per_day = m.get();
        }
        if let Some(equipment) = p.equipment {
            preferences.equipment = sorted(equipment);
            preferences.equipment.retain(|e| *e != Equipment::None);
        }
        if let Some(positions) = p.avoid_positions {
            preferences.avoid_positions = sorted(positions);
        }
        if let Some(lacks) = p.lacks {
            preferences.lacks = sorted(lacks);
        }
        if let Some(asked) = p.asked_about {
            preferences.asked_about = sorted(asked);
        }
        preferences.massage_access = p.massage_access.unwrap_or(preferences.massage_access);
        preferences.goal = p.goal.unwrap_or(preferences.goal);
    }
    Person {
        pain: engine::Pain {
            duration: request.pain.duration,
            intensity: Some(request.pain.intensity.get()),
            areas: sorted(request.pain.areas),
        },
        conditions: sorted(request.conditions.unwrap_or_default()),
        red_flags: sorted(request.red_flags.unwrap_or_default()),
        age: request.age.map(Bounded::get),
        preferences,
        start_back: request.start_back.map(|s| engine::StartBackAnswers {
            leg_pain: s.leg_pain,
            shoulder_or_neck_pain: s.shoulder_or_neck_pain,
            walked_short_distances_only: s.walked_short_distances_only,
            dressed_slowly: s.dressed_slowly,
            not_safe_to_be_active: s.not_safe_to_be_active,
            worrying_thoughts: s.worrying_thoughts,
            pain_terrible_never_better: s.pain_terrible_never_better,
            no_enjoyment: s.no_enjoyment,
            bothersomeness: s.bothersomeness,
        }),
        last_week: request.last_week.map(|w| engine::WeekReport {
            pain_then: w.pain.map(Bounded::get),
            items: sorted(
                w.items
                    .into_iter()
                    .map(|i| engine::ItemReport {
                        exercise_id: i.exercise_id,
                        days_done: i.days_done.get(),
                        felt: i.felt,
                    })
                    .collect(),
            ),
        }),
    }
}

/// Checks a request body against the catalog, naming every problem.
///
/// A valid body, the common case, is parsed once straight into the wire
/// types. Anything else is read as JSON and checked against the grammar
/// (every shape problem) and the catalog (every unknown id), so a client
/// fixes them all in one go.
pub fn parse_person(catalog: &Catalog, bytes: &[u8]) -> Result<Person, ApiError> {
    if let Ok(request) = serde_json::from_slice::<RecommendationRequest>(bytes)
        && within_limits(&request)
    {
        let errors = unknown_ids(catalog, typed_ids(&request));
        return if errors.is_empty() {
            Ok(person(request))
        } else {
            Err(ApiError::invalid_body(errors))
        };
    }
    let value = parse_json(bytes)?;
    let mut errors = grammar().check(&value);
    errors.extend(unknown_ids(catalog, value_ids(&value)));
    if errors.is_empty() {
        // The grammar and serde agree (a proptest holds them to it); this
        // names what serde saw if they ever do not.
        return match serde_json::from_value::<RecommendationRequest>(value) {
            Ok(request) => Ok(person(request)),
            Err(e) => Err(ApiError::invalid_body(vec![FieldError::new(
                "body",
                e.to_string(),
            )])),
        };
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    Err(ApiError::invalid_body(errors))
}

/// Get a recommendation
///
/// Screens red flags first, then picks massage, stretching or both and
/// builds a routine that fits the person's time, equipment, positions and
/// conditions. Every decision is listed in `explanation` with the catalog
/// entries and sources behind it. The same request always gives the same
/// answer. This is self-care information, not a diagnosis; it never
/// suggests medicines.
///
/// STarT Back: Keele University's tool is not meant as a standalone online
/// screen, and commercial use needs Keele's permission; items are named by
/// meaning only.
#[utoipa::path(
    post, path = "/recommendation", operation_id = "recommend", tag = "recommendation",
    request_body(content = RecommendationRequest, content_type = "application/json", examples(
        ("desk worker" = (summary = "Chronic low back pain from long hours sitting", value = json!({
            "pain": {"duration": "chronic", "intensity": 4, "areas": ["lower_back", "hips"]},
            "conditions": ["prolonged-sitting", "poor-posture"],
            "age": 38,
            "preferences": {"minutes_per_day": 15, "equipment": ["chair"], "goal": "long_term"}
        }))),
        ("acute spasm" = (summary = "A sudden spasm this week", value = json!({
            "pain": {"duration": "acute", "intensity": 6, "areas": ["lower_back"]},
            "conditions": ["muscle-spasm"]
        }))),
        ("pregnancy" = (summary = "Pregnant, cannot get down to the floor", value = json!({
            "pain": {"duration": "subacute", "intensity": 5, "areas": ["lower_back", "hips"]},
            "conditions": ["pregnancy"],
            "preferences": {"avoid_positions": ["supine", "prone", "kneeling", "seated_floor", "side_lying"], "equipment": ["chair", "wall"]}
        }))),
        ("emergency" = (summary = "Saddle numbness: no plan, emergency care", value = json!({
            "pain": {"duration": "acute", "intensity": 8, "areas": ["lower_back", "leg"]},
            "red_flags": ["saddle-numbness"]
        }))),
    )),
    responses(
        (status = 200, description = "The recommendation", body = Recommendation<'static>),
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = PROBLEM_JSON,
            example = json!({"type": "https://backcare.dev/problems/malformed-body", "title": "Malformed request body", "status": 400,
                "detail": "the body is not valid JSON: expected `,` or `}` at line 1 column 18"})),
        (status = 413, description = "The body is over 64 KiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "Unknown fields or ids, missing or out-of-range values: every one is listed", body = Problem, content_type = PROBLEM_JSON,
            example = json!({"type": "https://backcare.dev/problems/invalid-body", "title": "Invalid request body", "status": 422,
                "detail": "2 invalid fields: `pain.intensity`: 11 is outside 0..=10; `red_flags[0]`: no red-flag with id `sadle-numbness`; see GET /red-flags",
                "errors": [{"field": "pain.intensity", "message": "11 is outside 0..=10"},
                           {"field": "red_flags[0]", "message": "no red-flag with id `sadle-numbness`; see GET /red-flags"}]})),
    )
)]
pub(super) async fn recommend(
    Snapshot(served): Snapshot,
    Query(params): Query<RecommendationParams>,
    WantsHtml(html): WantsHtml,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let catalog = served.catalog();
    let person = parse_person(catalog, &body)?;
    let answer = engine::recommend(catalog, &person);
    if html {
        // A person's plan: never stored by a cache.
        let markup = super::pages::handout(catalog, &answer);
        return Ok((
            [
                (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (axum::http::header::CACHE_CONTROL, "no-store"),
                (axum::http::header::VARY, "Accept"),
            ],
            markup.into_string(),
        )
            .into_response());
    }
    Ok(match params.view.unwrap_or_default() {
        View::Full => serialise::json_response(&answer),
        View::Compact => serialise::json_response(&CompactRecommendation::from(&answer)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Loaded once: thousands of proptest cases share it.
    fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::LazyLock<Catalog> =
            std::sync::LazyLock::new(|| Catalog::embedded().expect("embedded content is valid"));
        &CATALOG
    }

    /// Values that are valid somewhere in a request, or nearly so: every
    /// spelling the request accepts, ids, edge numbers (`9.0`, out of
    /// range), nulls and wrong kinds.
    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            prop_oneof![
                Just(0u64),
                Just(4),
                Just(5),
                Just(10),
                Just(11),
                Just(120),
                Just(121),
                Just(300)
            ]
            .prop_map(Value::from),
            Just(json!(9.0)),
            Just(json!(4.5)),
            Just(json!(-1)),
            prop_oneof![
                "chronic",
                "acute",
                "subacute",
                "lower_back",
                "hips",
                "leg",
                "none",
                "chair",
                "wall",
                "supine",
                "prone",
                "self",
                "professional",
                "long_term",
                "both",
                "very_much",
                "slightly",
                "sciatica",
                "pregnancy",
                "prolonged-sitting",
                "night-pain",
                "saddle-numbness",
                "nonsense",
                ""
            ]
            .prop_map(Value::from),
        ]
    }

    fn list() -> impl Strategy<Value = Value> {
        prop::collection::vec(leaf(), 0..4).prop_map(Value::from)
    }

    const REQUEST_FIELDS: [&str; 6] = [
        "pain",
        "conditions",
        "red_flags",
        "age",
        "preferences",
        "start_back",
    ];
    const PAIN_FIELDS: [&str; 3] = ["duration", "intensity", "areas"];
    const PREFERENCE_FIELDS: [&str; 5] = [
        "minutes_per_day",
        "equipment",
        "avoid_positions",
        "massage_access",
        "goal",
    ];
    const START_BACK_FIELDS: [&str; 9] = [
        "leg_pain",
        "shoulder_or_neck_pain",
        "walked_short_distances_only",
        "dressed_slowly",
        "not_safe_to_be_active",
        "worrying_thoughts",
        "pain_terrible_never_better",
        "no_enjoyment",
        "bothersomeness",
    ];

    fn object(fields: &'static [&'static str]) -> impl Strategy<Value = Value> {
        let key = prop_oneof![4 => prop::sample::select(fields), 1 => prop::sample::select(&["pain", "typo"][..])];
        prop::collection::vec((key, prop_oneof![leaf(), list()]), 0..fields.len() + 2).prop_map(
            |pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        )
    }

    /// Bodies close to valid ones: a valid pain object most of the time,
    /// other fields drawn at random.
    fn body() -> impl Strategy<Value = Value> {
        let pain = prop_oneof![
            3 => (prop::sample::select(&["acute", "subacute", "chronic"][..]), 0u64..=11,
                  prop::collection::vec(prop::sample::select(&["lower_back", "hips", "leg", "neck"][..]), 0..4))
                .prop_map(|(d, i, a)| json!({"duration": d, "intensity": i, "areas": a})),
            1 => object(&PAIN_FIELDS),
        ];
        (
            pain,
            object(&REQUEST_FIELDS),
            object(&PREFERENCE_FIELDS),
            object(&START_BACK_FIELDS),
        )
            .prop_map(|(pain, mut top, preferences, start_back)| {
                let map = top.as_object_mut().expect("an object");
                map.insert("pain".into(), pain);
                if map.contains_key("preferences") {
                    map.insert("preferences".into(), preferences);
                }
                if map.contains_key("start_back") {
                    map.insert("start_back".into(), start_back);
                }
                top
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The typed parse and the grammar agree: a body serde takes has no
        /// problem in the grammar's eyes, and a body the grammar finds no
        /// problem with is taken, as the same person.
        #[test]
        fn typed_parse_agrees_with_the_grammar(body in body()) {
            let catalog = catalog();
            let bytes = serde_json::to_vec(&body).expect("serialises");
            let typed = serde_json::from_slice::<RecommendationRequest>(&bytes)
                .ok()
                .filter(within_limits)
                .filter(|r| unknown_ids(catalog, typed_ids(r)).is_empty());
            let mut problems = grammar().check(&body);
            problems.extend(unknown_ids(catalog, value_ids(&body)));
            prop_assert_eq!(typed.is_some(), problems.is_empty(), "{} -> {:?}", body, problems);
            if let Some(request) = typed {
                let answer = parse_person(catalog, &bytes).map(|p| format!("{p:?}"));
                prop_assert_eq!(Ok(format!("{:?}", person(request))), answer.map_err(|e| format!("{e:?}")));
            } else {
                prop_assert!(parse_person(catalog, &bytes).is_err());
            }
        }
    }

    /// Ordinary valid bodies, duplicate keys and whole floats.
    #[test]
    fn valid_bodies_duplicates_and_whole_floats() {
        let catalog = catalog();
        let typical = br#"{"pain":{"duration":"chronic","intensity":4,"areas":["hips","lower_back","hips"]},"conditions":["prolonged-sitting","poor-posture"],"age":38,"preferences":{"minutes_per_day":15,"equipment":["chair","none"],"goal":"long_term"},"start_back":{"leg_pain":true,"shoulder_or_neck_pain":false,"walked_short_distances_only":true,"dressed_slowly":false,"not_safe_to_be_active":true,"worrying_thoughts":true,"pain_terrible_never_better":false,"no_enjoyment":true,"bothersomeness":"very_much"}}"#;
        let p = parse_person(catalog, typical).expect("a valid body");
        assert_eq!(p.pain.areas.len(), 2, "sorted and without repeats");
        assert!(
            p.preferences
                .equipment
                .iter()
                .all(|e| *e != Equipment::None)
        );
        let duplicate =
            br#"{"pain":{"duration":"acute","intensity":4,"intensity":5,"areas":["leg"]}}"#;
        assert!(parse_person(catalog, duplicate).is_err());
        let whole_float = br#"{"pain":{"duration":"acute","intensity":4.0,"areas":["leg"]}}"#;
        assert!(parse_person(catalog, whole_float).is_ok());
    }

    /// serde's derive would read a struct from an array of its fields and
    /// an enum from a one-key object; the typed parse takes neither, as
    /// the grammar does not.
    #[test]
    fn objects_and_values_are_read_as_the_schema_writes_them() {
        let catalog = catalog();
        for body in [
            json!({"pain": ["acute", 4, ["leg"]]}),
            json!({"pain": {"duration": {"acute": null}, "intensity": 4, "areas": ["leg"]}}),
            json!({"pain": {"duration": "acute", "intensity": 4, "areas": ["leg"]}, "preferences": [null, null, null, null, null, null, null]}),
        ] {
            let bytes = serde_json::to_vec(&body).unwrap();
            assert!(
                serde_json::from_slice::<RecommendationRequest>(&bytes).is_err(),
                "{body}"
            );
            assert!(!grammar().check(&body).is_empty(), "{body}");
            assert!(parse_person(catalog, &bytes).is_err(), "{body}");
        }
    }

    /// The one list limit the typed parse checks is the one the schema states.
    #[test]
    fn every_list_limit_in_the_schema_is_max_list() {
        let spec = serde_json::to_string(&crate::http::openapi()).expect("serialises");
        for (at, _) in spec.match_indices("\"maxItems\":") {
            let rest = &spec[at + 11..];
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            assert!(
                n == MAX_LIST.to_string() || n == "50" || n == "100",
                "maxItems {n}"
            );
        }
    }
}
