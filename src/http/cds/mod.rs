//! HL7 CDS Hooks 2.0: the same engine, as cards in a clinician's EHR.
//!
//! - `GET /cds-services`: discovery, one `patient-view` service.
//! - `POST /cds-services/back-pain-relief`: checks the call, has the EHR
//!   layer ([`crate::ehr`]) read the prefetched FHIR R4 resources and decide
//!   whether the chart concerns back pain, runs the engine, answers with a
//!   card ([`cards`]).
//! - `POST /cds-services/back-pain-relief/feedback`: counts outcomes.

pub mod cards;
pub mod wire;

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{LargeJsonBody, kind_of, parse_json};
use super::state::{AppState, Snapshot};
use crate::catalog::Catalog;
use crate::ehr::fhir::{self, Reader};
use crate::ehr::{self, Date, Record, dates};
use crate::engine;
use wire::{CdsResponse, Feedback, FeedbackReceipt, Service, Services};

/// The service id, the last segment of its URL.
pub const SERVICE_ID: &str = "back-pain-relief";

/// The one hook this service answers.
pub const HOOK: &str = "patient-view";

const CALL_FIELDS: [&str; 7] = [
    "hook",
    "hookInstance",
    "fhirServer",
    "fhirAuthorization",
    "context",
    "prefetch",
    "extension",
];
const CONTEXT_FIELDS: [&str; 3] = ["userId", "patientId", "encounterId"];
const FEEDBACK_ITEM_FIELDS: [&str; 5] = [
    "card",
    "outcome",
    "acceptedSuggestions",
    "overrideReason",
    "outcomeTimestamp",
];

/// The discovery document.
#[utoipa::path(
    get,
    path = "/cds-services",
    tag = "cds-hooks",
    summary = "CDS Hooks discovery",
    description = "Lists the `back-pain-relief` service for the `patient-view` hook and the FHIR queries the EHR should prefetch: the patient, their active Conditions, and STarT Back questionnaire responses (`questionnaire` = `urn:backcare:questionnaire:start-back`, items `1` to `8` as `valueBoolean`, item `9` as a `valueCoding` bothersomeness code).\n\nSTarT Back is Keele University's tool. Keele says it is not meant as a standalone online screen and that commercial use needs its permission; this service describes what each item means and never reproduces the questions' wording.",
    responses((status = 200, description = "The services", body = Services)),
)]
pub async fn discovery() -> Json<Services> {
    let prefetch = BTreeMap::from([
        ("patient", "Patient/{{context.patientId}}"),
        (
            "conditions",
            "Condition?patient={{context.patientId}}&clinical-status=active",
        ),
        (
            "startBack",
            "QuestionnaireResponse?subject={{context.patientId}}&questionnaire=urn:backcare:questionnaire:start-back&status=completed",
        ),
    ]);
    Json(Services {
        services: vec![Service {
            hook: HOOK,
            id: SERVICE_ID,
            title: "Back pain self-care",
            description: "Screens the patient's record for back-pain red flags and, when self-care is safe, suggests massage, stretching or both with a routine and doses, following NICE NG59. Conditions are read from SNOMED CT codes; STarT Back risk shapes the plan.",
            prefetch,
            usage_requirements: "Send the prefetch (the service never calls the FHIR server). Conditions must be coded in SNOMED CT to be used; others are listed on the card as not used.",
        }],
    })
}

/// Runs the engine for the patient in view.
#[utoipa::path(
    post,
    path = "/cds-services/back-pain-relief",
    tag = "cds-hooks",
    summary = "Call the back-pain-relief service",
    description = "Answers a `patient-view` call with at most one card. Red flags in the record (SNOMED CT codes the catalog's red flags carry, such as cauda equina syndrome) give a `critical` card (emergency or urgent) or a `warning` card (see a clinician); otherwise an `info` card whose markdown `detail` gives the approach, the routine with doses, the cautions, the STarT Back tier, and what the record did and did not tell the service (unknown codes, uncoded conditions, assumptions). Its `links` open the red flags and exercises in this service.\n\nNo card (an empty list) when the record's conditions include nothing about back pain. Missing prefetch is not an error: the card is then the general plan and says so. Pain intensity is never in the record, so plans are kept gentle. Durations come from onset dates (ACP 2017: under 4 weeks acute, 4 to 12 subacute, beyond chronic).\n\nSTarT Back is Keele University's tool. Keele says it is not meant as a standalone online screen and that commercial use needs its permission; this service describes what each item means and never reproduces the questions' wording.",
    request_body(content = wire::CdsRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Zero or one card", body = CdsResponse),
        (status = 400, description = "Not a valid patient-view call, or prefetched resources that are malformed or belong to another patient: every problem is listed", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "The body is over 1 MiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "The body is not sent as `application/json`, or is sent compressed (`Content-Encoding`)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub async fn call(
    Snapshot(catalog): Snapshot,
    State(state): State<AppState>,
    headers: HeaderMap,
    LargeJsonBody(body): LargeJsonBody,
) -> Result<axum::response::Response, ApiError> {
    let value = parse_json(&body).map_err(as_bad_request)?;
    let record = read_call(&catalog, &value, Date::today())?;
    // Decided before the engine runs: a chart with nothing about back pain
    // costs no recommendation.
    if !ehr::is_relevant(&catalog, &record) {
        return Ok(super::answer::json_response(&CdsResponse {
            cards: Vec::new(),
        }));
    }
    let person = ehr::person(&record);
    let recommendation = engine::recommend(&catalog, &person);
    let base = state
        .limits()
        .public_url
        .clone()
        .or_else(|| base_from_host(&headers));
    let card = cards::card(
        &catalog,
        &recommendation,
        &person,
        &record,
        base.as_deref(),
        card_uuid(),
    );
    state.metrics().cds_card(card.indicator);
    Ok(super::answer::json_response(&CdsResponse {
        cards: vec![card],
    }))
}

/// Counts clinicians' responses to cards.
#[utoipa::path(
    post,
    path = "/cds-services/back-pain-relief/feedback",
    tag = "cds-hooks",
    summary = "Feedback on cards",
    description = "Counts each entry's outcome (`accepted` or `overridden`) and, for overrides, the reason code when it is one of the card's `overrideReasons` (others count as `other`). Counts appear in the admin metrics; `userComment` is free text that may identify a patient and is never stored.",
    request_body(content = Feedback, content_type = "application/json"),
    responses(
        (status = 200, description = "Counted", body = FeedbackReceipt),
        (status = 400, description = "Not valid CDS Hooks feedback: every problem is listed", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "The body is over 1 MiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "The body is not sent as `application/json`, or is sent compressed (`Content-Encoding`)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub async fn feedback(
    State(state): State<AppState>,
    LargeJsonBody(body): LargeJsonBody,
) -> Result<Json<FeedbackReceipt>, ApiError> {
    let value = parse_json(&body).map_err(as_bad_request)?;
    let outcomes = read_feedback(&value)?;
    for (outcome, reason) in &outcomes {
        state.metrics().cds_feedback(outcome, reason.as_deref());
    }
    Ok(Json(FeedbackReceipt {
        received: outcomes.len(),
    }))
}

/// CDS Hooks clients expect 400 for every malformed call.
fn as_bad_request(error: ApiError) -> ApiError {
    if error.status() == axum::http::StatusCode::UNPROCESSABLE_ENTITY {
        ApiError::bad_cds_request(error.errors().to_vec()).with_omitted(error.omitted())
    } else {
        error
    }
}

/// `http://host` from the request, when the host is a plain host name or
/// address (anything else could inject markup into card links).
fn base_from_host(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    plain.then(|| format!("http://{host}"))
}

/// A random (version 4 layout) UUID for a card, from std's randomly keyed
/// hasher: no extra crate and no system call per card.
fn card_uuid() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let state = RandomState::new();
    let hi = state.hash_one(n);
    let lo = state.hash_one(!n);
    let bytes = ((u128::from(hi) << 64) | u128::from(lo)) & !(0xF000 << 64) & !(0xC << 60);
    let bytes = bytes | (0x4000 << 64) | (0x8 << 60);
    let hex = format!("{bytes:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Unknown keys of `map`, as errors under `path`.
fn unknown(map: &Map<String, Value>, path: &str, allowed: &[&str], errors: &mut Vec<FieldError>) {
    for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
        let field = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        errors.push(FieldError::new(
            field,
            format!("unknown field; expected one of: {}", allowed.join(", ")),
        ));
    }
}

/// A required string field.
fn string<'v>(
    map: &'v Map<String, Value>,
    field: &str,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'v str> {
    let at = if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    };
    match map.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
        Some(Value::String(_)) => {
            errors.push(FieldError::new(at, "must not be empty"));
            None
        }
        None | Some(Value::Null) => {
            errors.push(FieldError::new(at, "is required"));
            None
        }
        Some(other) => {
            errors.push(FieldError::new(
                at,
                format!("must be a string, not {}", kind_of(other)),
            ));
            None
        }
    }
}

/// An optional field that must have the right JSON type when present.
fn optional(map: &Map<String, Value>, field: &str, object: bool, errors: &mut Vec<FieldError>) {
    match map.get(field) {
        None | Some(Value::Null) => {}
        Some(Value::Object(_)) if object => {}
        Some(Value::String(_)) if !object => {}
        Some(other) => errors.push(FieldError::new(
            field,
            format!(
                "must be {}, not {}",
                if object { "an object" } else { "a string" },
                kind_of(other)
            ),
        )),
    }
}

/// Checks the call and has the EHR layer read its prefetch into a record.
pub fn read_call(catalog: &Catalog, body: &Value, today: Date) -> Result<Record, ApiError> {
    let mut errors = Vec::new();
    let Value::Object(map) = body else {
        return Err(ApiError::bad_cds_request(vec![FieldError::new(
            "body",
            format!("must be an object, not {}", kind_of(body)),
        )]));
    };
    unknown(map, "", &CALL_FIELDS, &mut errors);
    if let Some(hook) = string(map, "hook", "", &mut errors)
        && hook != HOOK
    {
        errors.push(FieldError::new(
            "hook",
            format!("`{hook}`: this service answers only `{HOOK}`"),
        ));
    }
    if let Some(instance) = string(map, "hookInstance", "", &mut errors)
        && !is_uuid(instance)
    {
        errors.push(FieldError::new("hookInstance", "must be a UUID"));
    }
    optional(map, "fhirServer", false, &mut errors);
    optional(map, "fhirAuthorization", true, &mut errors);
    optional(map, "extension", true, &mut errors);
    let patient_id = match map.get("context") {
        Some(Value::Object(context)) => {
            unknown(context, "context", &CONTEXT_FIELDS, &mut errors);
            for field in ["userId", "encounterId"] {
                if let Some(v) = context
                    .get(field)
                    .filter(|v| !v.is_string() && !v.is_null())
                {
                    errors.push(FieldError::new(
                        format!("context.{field}"),
                        format!("must be a string, not {}", kind_of(v)),
                    ));
                }
            }
            let id = string(context, "patientId", "context", &mut errors);
            if let Some(id) = id
                && !fhir::is_fhir_id(id)
            {
                errors.push(FieldError::new(
                    "context.patientId",
                    "must be a FHIR id: 1 to 64 letters, digits, `-` or `.`",
                ));
            }
            id
        }
        None | Some(Value::Null) => {
            errors.push(FieldError::new("context", "is required"));
            None
        }
        Some(other) => {
            errors.push(FieldError::new(
                "context",
                format!("must be an object, not {}", kind_of(other)),
            ));
            None
        }
    };
    let server = map.get("fhirServer").and_then(Value::as_str);
    let mut reader = Reader::new(catalog, patient_id.unwrap_or_default(), server, today);
    match map.get("prefetch") {
        None | Some(Value::Null) => {}
        Some(Value::Object(prefetch)) => {
            for (key, value) in prefetch {
                reader.entry(key, value);
            }
        }
        Some(other) => errors.push(FieldError::new(
            "prefetch",
            format!("must be an object, not {}", kind_of(other)),
        )),
    }
    if patient_id.is_some() {
        errors.extend(
            reader
                .errors
                .drain(..)
                .map(|p| FieldError::new(p.field, p.message)),
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_cds_request(errors));
    }
    Ok(reader.finish())
}

/// The override reason's code, checking the shape of the whole reason.
fn override_reason(v: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let r = match v {
        None | Some(Value::Null) => return None,
        Some(Value::Object(r)) => r,
        Some(other) => {
            errors.push(FieldError::new(
                path,
                format!("must be an object, not {}", kind_of(other)),
            ));
            return None;
        }
    };
    unknown(r, path, &["reason", "userComment"], errors);
    if let Some(v) = r
        .get("userComment")
        .filter(|v| !v.is_null() && !v.is_string())
    {
        errors.push(FieldError::new(
            format!("{path}.userComment"),
            format!("must be a string, not {}", kind_of(v)),
        ));
    }
    let at = format!("{path}.reason");
    match r.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::Object(coding)) => {
            unknown(coding, &at, &["system", "code", "display"], errors);
            for field in ["system", "display"] {
                if let Some(v) = coding.get(field).filter(|v| !v.is_null() && !v.is_string()) {
                    errors.push(FieldError::new(
                        format!("{at}.{field}"),
                        format!("must be a string, not {}", kind_of(v)),
                    ));
                }
            }
            string(coding, "code", &at, errors).map(str::to_owned)
        }
        Some(other) => {
            errors.push(FieldError::new(
                at,
                format!("must be an object, not {}", kind_of(other)),
            ));
            None
        }
    }
}

/// Checks feedback, returning each entry's outcome and override reason.
fn read_feedback(body: &Value) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let mut errors = Vec::new();
    let items = match body {
        Value::Object(map) => {
            unknown(map, "", &["feedback"], &mut errors);
            match map.get("feedback") {
                Some(Value::Array(items)) if !items.is_empty() => items.as_slice(),
                Some(Value::Array(_)) => {
                    errors.push(FieldError::new("feedback", "must not be empty"));
                    &[]
                }
                None | Some(Value::Null) => {
                    errors.push(FieldError::new("feedback", "is required"));
                    &[]
                }
                Some(other) => {
                    errors.push(FieldError::new(
                        "feedback",
                        format!("must be an array, not {}", kind_of(other)),
                    ));
                    &[]
                }
            }
        }
        other => {
            errors.push(FieldError::new(
                "body",
                format!("must be an object, not {}", kind_of(other)),
            ));
            &[]
        }
    };
    if items.len() > 100 {
        return Err(ApiError::bad_cds_request(vec![FieldError::new(
            "feedback",
            format!("{} entries is more than the limit of 100", items.len()),
        )]));
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("feedback[{i}]");
        let Value::Object(map) = item else {
            errors.push(FieldError::new(
                path,
                format!("must be an object, not {}", kind_of(item)),
            ));
            continue;
        };
        unknown(map, &path, &FEEDBACK_ITEM_FIELDS, &mut errors);
        if let Some(card) = string(map, "card", &path, &mut errors)
            && !is_uuid(card)
        {
            errors.push(FieldError::new(
                format!("{path}.card"),
                "must be a card's UUID",
            ));
        }
        if let Some(at) = string(map, "outcomeTimestamp", &path, &mut errors)
            && !dates::is_date_time(at)
        {
            errors.push(FieldError::new(
                format!("{path}.outcomeTimestamp"),
                format!("`{at}` is not a FHIR instant"),
            ));
        }
        match map.get("acceptedSuggestions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(suggestions)) => {
                for (j, s) in suggestions.iter().enumerate() {
                    let at = format!("{path}.acceptedSuggestions[{j}]");
                    match s {
                        Value::Object(s) => {
                            unknown(s, &at, &["id"], &mut errors);
                            string(s, "id", &at, &mut errors);
                        }
                        other => errors.push(FieldError::new(
                            at,
                            format!("must be an object, not {}", kind_of(other)),
                        )),
                    }
                }
            }
            Some(other) => errors.push(FieldError::new(
                format!("{path}.acceptedSuggestions"),
                format!("must be an array, not {}", kind_of(other)),
            )),
        }
        let reason = override_reason(
            map.get("overrideReason"),
            &format!("{path}.overrideReason"),
            &mut errors,
        );
        match string(map, "outcome", &path, &mut errors) {
            Some("accepted") => {
                if reason.is_some() {
                    errors.push(FieldError::new(
                        format!("{path}.overrideReason"),
                        "only an `overridden` outcome has an override reason",
                    ));
                }
                out.push(("accepted".to_owned(), None));
            }
            Some("overridden") => out.push(("overridden".to_owned(), reason)),
            Some(other) => errors.push(FieldError::new(
                format!("{path}.outcome"),
                format!("`{other}` is not `accepted` or `overridden`"),
            )),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::bad_cds_request(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field lists the handlers accept and the documented schemas agree.
    #[test]
    fn documented_fields_are_the_accepted_fields() {
        crate::http::openapi::assert_documented_fields(&[
            ("CdsRequest", &CALL_FIELDS[..]),
            ("PatientViewContext", &CONTEXT_FIELDS[..]),
            ("FeedbackItem", &FEEDBACK_ITEM_FIELDS[..]),
        ]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// The whole reader: any text in any string field of a call is read,
        /// refused or noted, never a panic.
        #[test]
        fn cds_calls_with_any_field_text_never_panic(
            texts in proptest::collection::vec(crate::ehr::dates::tests::any_text(), 8),
        ) {
            let call = serde_json::json!({
                "hook": "patient-view",
                "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                "fhirServer": texts[0],
                "context": {"patientId": "p1"},
                "prefetch": {
                    "patient": {"resourceType": "Patient", "id": "p1", "birthDate": texts[1]},
                    "conditions": {"resourceType": "Bundle", "entry": [{"resource": {
                        "resourceType": "Condition",
                        "subject": {"reference": texts[2]},
                        "onsetDateTime": texts[3],
                        "code": {"coding": [{"system": "http://snomed.info/sct", "code": texts[4], "display": texts[5]}], "text": texts[6]}
                    }}]},
                    "startBack": {"resourceType": "QuestionnaireResponse",
                        "questionnaire": "urn:backcare:questionnaire:start-back", "status": "completed",
                        "subject": {"reference": "Patient/p1"}, "authored": texts[7],
                        "item": [{"linkId": texts[4], "answer": [{"valueBoolean": true}]}]}
                }
            });
            let _ = read_call(catalog(), &call, Date::today());
        }
    }

    /// Loaded once: thousands of proptest cases share it.
    fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::LazyLock<Catalog> =
            std::sync::LazyLock::new(|| Catalog::embedded().expect("embedded content is valid"));
        &CATALOG
    }

    /// The documented `outcomeTimestamp` pattern is the one the EHR
    /// layer's parser is held to.
    #[test]
    fn the_documented_timestamp_pattern_is_the_parser_s() {
        let spec = serde_json::to_value(crate::http::openapi()).expect("serialises");
        let documented =
            &spec["components"]["schemas"]["FeedbackItem"]["properties"]["outcomeTimestamp"];
        assert_eq!(
            documented["pattern"],
            format!("^{}$", dates::TIMESTAMP_PATTERN)
        );
    }

    #[test]
    fn card_ids_are_version_4_uuids_and_differ() {
        let (a, b) = (card_uuid(), card_uuid());
        assert!(is_uuid(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(&a[14..15], "4", "{a}");
        assert!("89ab".contains(&a[19..20]), "{a}");
    }
}
