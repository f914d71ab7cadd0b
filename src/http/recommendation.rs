//! `POST /recommendation`: parse and check the person's situation at the
//! edge, then let the engine decide.

use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::answer;
use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{JsonBody, kind_of, parse_json};
use super::state::Snapshot;
use crate::catalog::{Catalog, Equipment, Position};
use crate::engine::{
    self, Bothersomeness, Duration, Goal, MassageAccess, PainArea, Person, Recommendation,
};

/// The most ids or values any list in the request may hold.
const MAX_LIST: usize = 64;

/// The pain itself.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PainInput {
    /// How long it has lasted.
    pub duration: Duration,
    /// 0 (none) to 10 (worst imaginable).
    #[schema(minimum = 0, maximum = 10)]
    pub intensity: u8,
    /// Where it hurts; at least one.
    #[schema(min_items = 1, max_items = 64)]
    pub areas: Vec<PainArea>,
}

/// What fits the person's life. Every field is optional.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// Minutes a day for exercise, 5 to 120 (default 10).
    #[schema(minimum = 5, maximum = 120, default = 10)]
    pub minutes_per_day: Option<u8>,
    /// Equipment the person has (default: nothing beyond the floor and their body).
    #[schema(max_items = 64)]
    pub equipment: Option<Vec<Equipment>>,
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
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBackInput {
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

/// A person's situation. Unknown fields are rejected, so a misspelt field
/// is never silently ignored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationRequest {
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
    #[schema(minimum = 0, maximum = 120)]
    pub age: Option<u8>,
    /// Time, equipment and access to massage.
    pub preferences: Option<PreferencesInput>,
    /// STarT Back answers, for risk stratification.
    pub start_back: Option<StartBackInput>,
}

/// The fields each request object accepts; a unit test keeps them equal to
/// the documented schema.
pub(crate) const REQUEST_FIELDS: [&str; 6] = [
    "pain",
    "conditions",
    "red_flags",
    "age",
    "preferences",
    "start_back",
];
pub(crate) const PAIN_FIELDS: [&str; 3] = ["duration", "intensity", "areas"];
pub(crate) const PREFERENCE_FIELDS: [&str; 5] = [
    "minutes_per_day",
    "equipment",
    "avoid_positions",
    "massage_access",
    "goal",
];
pub(crate) const START_BACK_FIELDS: [&str; 9] = [
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

/// Walks the request, collecting every problem instead of stopping at the
/// first, so a client can fix them all in one go.
struct Walker<'c> {
    catalog: &'c Catalog,
    errors: Vec<FieldError>,
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

impl<'c> Walker<'c> {
    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// The object at `path`, with unknown keys reported. Null counts as absent.
    fn object<'v>(
        &mut self,
        v: &'v Value,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = v else {
            self.error(
                if path.is_empty() { "body" } else { path },
                format!("must be an object, not {}", kind_of(v)),
            );
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.error(
                    join(path, key),
                    format!("unknown field; expected one of: {}", allowed.join(", ")),
                );
            }
        }
        Some(map)
    }

    fn integer(&mut self, v: &Value, path: &str, lo: u64, hi: u64) -> Option<u8> {
        // JSON does not tell 9 from 9.0, and JSON Schema counts both as
        // integers; a fraction is still an error.
        let whole = v.as_u64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        });
        match whole {
            Some(n) if (lo..=hi).contains(&n) => u8::try_from(n).ok(),
            Some(n) => {
                self.error(path, format!("{n} is outside {lo}..={hi}"));
                None
            }
            None if v.is_number() => {
                self.error(path, format!("must be a whole number from {lo} to {hi}"));
                None
            }
            None => {
                self.error(
                    path,
                    format!(
                        "must be a whole number from {lo} to {hi}, not {}",
                        kind_of(v)
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.error(path, format!("must be true or false, not {}", kind_of(v)));
        }
        b
    }

    fn vocab<T: std::str::FromStr<Err = String>>(&mut self, v: &Value, path: &str) -> Option<T> {
        match v.as_str() {
            Some(s) => s.parse().map_err(|e: String| self.error(path, e)).ok(),
            None => {
                self.error(path, format!("must be a string, not {}", kind_of(v)));
                None
            }
        }
    }

    /// A list whose items `item` checks; sorted and without repeats, so the
    /// same request in any order gives the same answer.
    fn list<T: Ord>(
        &mut self,
        v: &Value,
        path: &str,
        mut item: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Vec<T> {
        let Value::Array(items) = v else {
            self.error(path, format!("must be an array, not {}", kind_of(v)));
            return Vec::new();
        };
        if items.len() > MAX_LIST {
            self.error(
                path,
                format!(
                    "{} entries is more than the limit of {MAX_LIST}",
                    items.len()
                ),
            );
            return Vec::new();
        }
        let mut out: Vec<T> = items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| item(self, x, &format!("{path}[{i}]")))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn ids(
        &mut self,
        v: &Value,
        path: &str,
        kind: &str,
        exists: impl Fn(&Catalog, &str) -> bool,
    ) -> Vec<String> {
        self.list(v, path, |w, x, at| match x.as_str() {
            Some(id) if exists(w.catalog, id) => Some(id.to_owned()),
            Some(id) => {
                w.error(
                    at,
                    format!("no {kind} with id `{id}`; see GET /{kind}s", kind = kind),
                );
                None
            }
            None => {
                w.error(
                    at,
                    format!("must be a {kind} id string, not {}", kind_of(x)),
                );
                None
            }
        })
    }

    fn required<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        path: &str,
        field: &str,
    ) -> Option<&'v Value> {
        match map.get(field) {
            None | Some(Value::Null) => {
                self.error(join(path, field), "is required");
                None
            }
            some => some,
        }
    }

    fn person(&mut self, body: &Value) -> Option<Person> {
        let map = self.object(body, "", &REQUEST_FIELDS)?;
        let pain = self.required(map, "", "pain").and_then(|p| self.pain(p));
        let present = |field: &str| map.get(field).filter(|v| !v.is_null());
        let conditions = present("conditions")
            .map(|v| {
                self.ids(v, "conditions", "condition", |c, id| {
                    c.condition(id).is_some()
                })
            })
            .unwrap_or_default();
        let red_flags = present("red_flags")
            .map(|v| self.ids(v, "red_flags", "red-flag", |c, id| c.red_flag(id).is_some()))
            .unwrap_or_default();
        let age = present("age").and_then(|v| self.integer(v, "age", 0, 120));
        let preferences = present("preferences")
            .map(|v| self.preferences(v))
            .unwrap_or_default();
        let start_back = present("start_back").and_then(|v| self.start_back(v));
        if !self.errors.is_empty() {
            return None;
        }
        Some(Person {
            pain: pain?,
            conditions,
            red_flags,
            age,
            preferences: preferences.unwrap_or_default(),
            start_back,
        })
    }

    fn pain(&mut self, v: &Value) -> Option<engine::Pain> {
        let map = self.object(v, "pain", &PAIN_FIELDS)?;
        let duration = self
            .required(map, "pain", "duration")
            .and_then(|d| self.vocab(d, "pain.duration"));
        let intensity = self
            .required(map, "pain", "intensity")
            .and_then(|i| self.integer(i, "pain.intensity", 0, 10));
        let areas = self
            .required(map, "pain", "areas")
            .map(|a| self.list(a, "pain.areas", |w, x, at| w.vocab::<PainArea>(x, at)));
        if areas.as_ref().is_some_and(Vec::is_empty)
            && map
                .get("areas")
                .is_some_and(|a| a.as_array().is_some_and(Vec::is_empty))
        {
            self.error("pain.areas", "must name at least one area");
        }
        Some(engine::Pain {
            duration: duration?,
            intensity: Some(intensity?),
            areas: areas.filter(|a| !a.is_empty())?,
        })
    }

    fn preferences(&mut self, v: &Value) -> Option<engine::Preferences> {
        let map = self.object(v, "preferences", &PREFERENCE_FIELDS)?;
        let mut p = engine::Preferences::default();
        let at = |f: &str| map.get(f).filter(|v| !v.is_null());
        // Every field is checked even after one fails, so all problems are named.
        if let Some(m) = at("minutes_per_day")
            .and_then(|m| self.integer(m, "preferences.minutes_per_day", 5, 120))
        {
            p.minutes_per_day = m;
        }
        if let Some(e) = at("equipment") {
            p.equipment = self.list(e, "preferences.equipment", |w, x, at| {
                w.vocab::<Equipment>(x, at)
            });
            // `none` is what the default already means.
            p.equipment.retain(|e| *e != Equipment::None);
        }
        if let Some(a) = at("avoid_positions") {
            p.avoid_positions = self.list(a, "preferences.avoid_positions", |w, x, at| {
                w.vocab::<Position>(x, at)
            });
        }
        if let Some(m) =
            at("massage_access").and_then(|m| self.vocab(m, "preferences.massage_access"))
        {
            p.massage_access = m;
        }
        if let Some(g) = at("goal").and_then(|g| self.vocab(g, "preferences.goal")) {
            p.goal = g;
        }
        Some(p)
    }

    fn start_back(&mut self, v: &Value) -> Option<engine::StartBackAnswers> {
        let map = self.object(v, "start_back", &START_BACK_FIELDS)?;
        let mut flags = [false; 8];
        let mut ok = true;
        for (i, field) in START_BACK_FIELDS[..8].iter().enumerate() {
            match self.required(map, "start_back", field) {
                Some(x) => match self.boolean(x, &join("start_back", field)) {
                    Some(b) => flags[i] = b,
                    None => ok = false,
                },
                None => ok = false,
            }
        }
        let bothersomeness = self
            .required(map, "start_back", "bothersomeness")
            .and_then(|b| self.vocab::<Bothersomeness>(b, "start_back.bothersomeness"));
        let [
            leg_pain,
            shoulder_or_neck_pain,
            walked_short_distances_only,
            dressed_slowly,
            not_safe_to_be_active,
            worrying_thoughts,
            pain_terrible_never_better,
            no_enjoyment,
        ] = flags;
        (ok).then_some(engine::StartBackAnswers {
            leg_pain,
            shoulder_or_neck_pain,
            walked_short_distances_only,
            dressed_slowly,
            not_safe_to_be_active,
            worrying_thoughts,
            pain_terrible_never_better,
            no_enjoyment,
            bothersomeness: bothersomeness?,
        })
    }
}

/// The fast path for a valid body: one typed parse straight into the wire
/// types, then the same range, size and id checks the walker makes. Any
/// doubt (a parse error, a value out of range, an unknown id, even `9.0`
/// for `9`) answers `None` and the walker decides, so the walker alone
/// defines what is accepted and every error message comes from it; a unit
/// test holds the two paths to the same answers.
///
/// It exists because a valid request is the common case: it skips building
/// a `serde_json::Value` tree and walking it (about a microsecond a request).
fn parse_valid(catalog: &Catalog, bytes: &[u8]) -> Option<Person> {
    let request: RecommendationRequest = serde_json::from_slice(bytes).ok()?;
    let pain = request.pain;
    if pain.intensity > 10 || pain.areas.is_empty() {
        return None;
    }
    if request.age.is_some_and(|age| age > 120) {
        return None;
    }
    let ids = |list: Option<Vec<String>>, exists: &dyn Fn(&str) -> bool| {
        let list = list.unwrap_or_default();
        if !list.iter().all(|id| exists(id)) {
            return None;
        }
        sorted(list)
    };
    let conditions = ids(request.conditions, &|id| catalog.condition(id).is_some())?;
    let red_flags = ids(request.red_flags, &|id| catalog.red_flag(id).is_some())?;
    let mut preferences = engine::Preferences::default();
    if let Some(p) = request.preferences {
        if let Some(m) = p.minutes_per_day {
            if !(5..=120).contains(&m) {
                return None;
            }
            preferences.minutes_per_day = m;
        }
        if let Some(equipment) = p.equipment {
            preferences.equipment = sorted(equipment)?;
            preferences.equipment.retain(|e| *e != Equipment::None);
        }
        if let Some(positions) = p.avoid_positions {
            preferences.avoid_positions = sorted(positions)?;
        }
        preferences.massage_access = p.massage_access.unwrap_or(preferences.massage_access);
        preferences.goal = p.goal.unwrap_or(preferences.goal);
    }
    Some(Person {
        pain: engine::Pain {
            duration: pain.duration,
            intensity: Some(pain.intensity),
            areas: sorted(pain.areas)?,
        },
        conditions,
        red_flags,
        age: request.age,
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
    })
}

/// A list sorted and without repeats, as the walker makes it; `None` when
/// it is over the size limit.
fn sorted<T: Ord>(mut list: Vec<T>) -> Option<Vec<T>> {
    if list.len() > MAX_LIST {
        return None;
    }
    list.sort();
    list.dedup();
    Some(list)
}

/// Checks a request body against the catalog, naming every problem.
pub fn parse_person(catalog: &Catalog, bytes: &[u8]) -> Result<Person, ApiError> {
    match parse_valid(catalog, bytes) {
        Some(person) => Ok(person),
        None => parse_walked(catalog, bytes),
    }
}

/// The walker's answer: the person, or every problem with the body.
fn parse_walked(catalog: &Catalog, bytes: &[u8]) -> Result<Person, ApiError> {
    let value = parse_json(bytes)?;
    let mut walker = Walker {
        catalog,
        errors: Vec::new(),
    };
    match walker.person(&value) {
        Some(person) if walker.errors.is_empty() => Ok(person),
        _ => Err(ApiError::invalid_body(walker.errors)),
    }
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
        (status = 200, description = "The recommendation", body = Recommendation),
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
pub async fn recommend(
    Snapshot(catalog): Snapshot,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let person = parse_person(&catalog, &body)?;
    let answer = engine::recommend(&catalog, &person);
    Ok(answer::json_response(&answer))
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

        /// Whatever the fast path accepts, the walker accepts as the same
        /// person: the fast path never widens what is valid.
        #[test]
        fn fast_path_agrees_with_the_walker(body in body()) {
            let catalog = catalog();
            let bytes = serde_json::to_vec(&body).expect("serialises");
            if let Some(fast) = parse_valid(catalog, &bytes) {
                let walked = parse_walked(catalog, &bytes);
                prop_assert!(walked.is_ok(), "walker refused what the fast path took: {body}");
                if let Ok(walked) = walked {
                    prop_assert_eq!(format!("{fast:?}"), format!("{walked:?}"));
                }
            }
        }
    }

    /// The fast path takes ordinary valid bodies (so it is not silently
    /// bypassed), and leaves duplicate keys and `9.0` to the walker.
    #[test]
    fn fast_path_takes_valid_bodies_and_leaves_doubts_to_the_walker() {
        let catalog = catalog();
        let typical = br#"{"pain":{"duration":"chronic","intensity":4,"areas":["hips","lower_back","hips"]},"conditions":["prolonged-sitting","poor-posture"],"age":38,"preferences":{"minutes_per_day":15,"equipment":["chair","none"],"goal":"long_term"},"start_back":{"leg_pain":true,"shoulder_or_neck_pain":false,"walked_short_distances_only":true,"dressed_slowly":false,"not_safe_to_be_active":true,"worrying_thoughts":true,"pain_terrible_never_better":false,"no_enjoyment":true,"bothersomeness":"very_much"}}"#;
        let fast = parse_valid(catalog, typical).expect("the fast path takes a valid body");
        assert_eq!(
            format!("{fast:?}"),
            parse_walked(catalog, typical)
                .map_or_else(|_| "refused".to_owned(), |p| format!("{p:?}"))
        );
        let duplicate =
            br#"{"pain":{"duration":"acute","intensity":4,"intensity":5,"areas":["leg"]}}"#;
        assert!(parse_valid(catalog, duplicate).is_none());
        assert!(parse_person(catalog, duplicate).is_err());
        let whole_float = br#"{"pain":{"duration":"acute","intensity":4.0,"areas":["leg"]}}"#;
        assert!(parse_valid(catalog, whole_float).is_none());
        assert!(parse_person(catalog, whole_float).is_ok());
    }

    /// The walker's field lists and the documented schema must agree.
    #[test]
    fn documented_fields_are_the_accepted_fields() {
        crate::http::openapi::assert_documented_fields(&[
            ("RecommendationRequest", &REQUEST_FIELDS[..]),
            ("PainInput", &PAIN_FIELDS[..]),
            ("PreferencesInput", &PREFERENCE_FIELDS[..]),
            ("StartBackInput", &START_BACK_FIELDS[..]),
        ]);
    }
}
