//! HL7 CDS Hooks 2.0: the same engine, as cards in a clinician's EHR.
//!
//! - `GET /cds-services`: discovery, one `patient-view` service.
//! - `POST /cds-services/back-pain-relief`: checks the call, has the EHR
//!   layer ([`crate::ehr`]) read the prefetched FHIR R4 resources and decide
//!   whether the chart concerns back pain, runs the engine, answers with a
//!   card ([`cards`]).
//! - `POST /cds-services/back-pain-relief/feedback`: counts outcomes.

pub mod auth;
pub mod card_id;
pub mod cards;
pub mod examples;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::extract::State;
use axum::http::HeaderValue;
use serde::Deserialize;
use serde_json::Value;

use super::error::{ApiError, FieldError, PROBLEM_JSON, Problem};
use super::extract::{LargeJsonBody, RequestHost, parse_json};
use super::grammar::Grammar;
use super::serialise::json_response;
use super::state::{AppState, Snapshot};
use crate::catalog::Catalog;
use crate::ehr::fhir::{self, Prefetch, Reader, Resource};
use crate::ehr::{self, Date, Record};
use crate::engine;
use wire::{CdsRequest, CdsResponse, Feedback, FeedbackReceipt, Outcome, Service, Services};

/// The service id, the last segment of its URL.
pub const SERVICE_ID: &str = "back-pain-relief";

/// The one hook this service answers.
pub const HOOK: &str = "patient-view";

/// The discovery document.
#[utoipa::path(
    get,
    path = "/cds-services",
    operation_id = "listCdsServices",
    tag = "cds-hooks",
    summary = "CDS Hooks discovery",
    description = "Lists the `back-pain-relief` service for the `patient-view` hook and the FHIR queries the EHR should prefetch: the patient, their active Conditions, and STarT Back questionnaire responses (`questionnaire` = `urn:backcare:questionnaire:start-back`, items `1` to `8` as `valueBoolean`, item `9` as a `valueCoding` bothersomeness code).\n\nSTarT Back is Keele University's tool. Keele says it is not meant as a standalone online screen and that commercial use needs its permission; this service describes what each item means and never reproduces the questions' wording.",
    responses((status = 200, description = "The services", body = Services)),
)]
pub async fn discovery(_: auth::Authorized) -> axum::response::Response {
    json_response(&services())
}

/// The services this endpoint offers: the discovery answer, and the
/// OpenAPI document's example of it.
pub fn services() -> Services {
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
    Services {
        services: vec![Service {
            hook: HOOK,
            id: SERVICE_ID,
            title: "Back pain self-care",
            description: "Screens the patient's record for back-pain red flags and, when self-care is safe, suggests massage, stretching or both with a routine and doses, following NICE NG59. Conditions are read from SNOMED CT codes; STarT Back risk shapes the plan.",
            prefetch,
            usage_requirements: "Send the prefetch (the service never calls the FHIR server). Conditions must be coded in SNOMED CT to be used; others are listed on the card as not used.",
        }],
    }
}

/// Runs the engine for the patient in view.
#[utoipa::path(
    post,
    path = "/cds-services/back-pain-relief",
    operation_id = "callBackPainRelief",
    tag = "cds-hooks",
    summary = "Call the back-pain-relief service",
    description = "Answers a `patient-view` call with at most one card. Red flags in the record (SNOMED CT codes the catalog's red flags carry, such as cauda equina syndrome) give a `critical` card (emergency or urgent) or a `warning` card (see a clinician); otherwise an `info` card whose markdown `detail` gives the approach, the routine with doses, the cautions, the STarT Back tier, and what the record did and did not tell the service (unknown codes, uncoded conditions, assumptions). Its `links` open the red flags and exercises in this service.\n\nNo card (an empty list) when the record's conditions include nothing about back pain. Missing prefetch is not an error: the card is then the general plan and says so. Pain intensity is never in the record, so plans are kept gentle. Durations come from onset dates (ACP 2017: under 4 weeks acute, 4 to 12 subacute, beyond chronic).\n\nSTarT Back is Keele University's tool. Keele says it is not meant as a standalone online screen and that commercial use needs its permission; this service describes what each item means and never reproduces the questions' wording.",
    request_body(content = wire::CdsRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Zero or one card", body = CdsResponse),
        (status = 400, description = "Not a valid patient-view call (the schema states every rule but two), or prefetched resources that belong to another patient or are dated in the future (a birth date also no more than 130 years back): every problem is listed", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "The body is over 1 MiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "The body is not sent as `application/json`, or is sent compressed (`Content-Encoding`)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub async fn call(
    _: auth::Authorized,
    Snapshot(served): Snapshot,
    State(state): State<AppState>,
    RequestHost(host): RequestHost,
    LargeJsonBody(body): LargeJsonBody,
) -> Result<axum::response::Response, ApiError> {
    let base = state
        .limits()
        .public_url
        .clone()
        .or_else(|| base_from_host(host.as_ref()?));
    let answer = answer(
        served.catalog(),
        &body,
        Date::today(),
        base.as_deref(),
        card_id::issue,
    )?;
    for card in &answer.cards {
        state.metrics().cds_card(card.indicator);
    }
    Ok(json_response(&answer))
}

/// The answer to the call `body` on `today`: the handler's whole work but
/// for authentication and metrics, so the OpenAPI document's example answer
/// is computed by the same code. Links are built on `base`; `card_id` names
/// the card, when there is one.
pub fn answer(
    catalog: &Catalog,
    body: &[u8],
    today: Date,
    base: Option<&str>,
    card_id: impl FnOnce() -> String,
) -> Result<CdsResponse, ApiError> {
    let record = read_call(catalog, body, today)?;
    // Decided before the engine runs: a chart with nothing about back pain
    // costs no recommendation.
    if !ehr::is_relevant(catalog, &record) {
        return Ok(CdsResponse { cards: Vec::new() });
    }
    let person = ehr::person(&record);
    let recommendation = engine::recommend(catalog, &person);
    let card = cards::card(catalog, &recommendation, &person, &record, base, card_id());
    Ok(CdsResponse { cards: vec![card] })
}

/// Counts clinicians' responses to cards.
#[utoipa::path(
    post,
    path = "/cds-services/back-pain-relief/feedback",
    operation_id = "sendCardFeedback",
    tag = "cds-hooks",
    summary = "Feedback on cards",
    description = "Counts each entry's outcome (`accepted` or `overridden`) and, for overrides, the reason code when it is one of the card's `overrideReasons` (others count as `other`). A card counts once: its first entry is counted, and later entries about it, in the same call or a later one, are received but not counted (the last 65,536 cards counted are remembered, by each replica). Counts appear in the admin metrics; `userComment` is free text that may identify a patient and is never stored.",
    request_body(content = Feedback, content_type = "application/json"),
    responses(
        (status = 200, description = "Received; `counted` says how many entries were a card's first", body = FeedbackReceipt),
        (status = 400, description = "Not valid CDS Hooks feedback, or feedback on a card this service did not issue: every problem is listed", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "The body is over 1 MiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "The body is not sent as `application/json`, or is sent compressed (`Content-Encoding`)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub async fn feedback(
    _: auth::Authorized,
    State(state): State<AppState>,
    LargeJsonBody(body): LargeJsonBody,
) -> Result<axum::response::Response, ApiError> {
    let entries = read_feedback(&body, card_id::issued)?;
    let counted = entries
        .iter()
        .filter(|entry| {
            card_id::number(&entry.card).is_some_and(|card| {
                state
                    .metrics()
                    .cds_feedback(card, entry.outcome.as_str(), entry.reason.as_deref())
            })
        })
        .count();
    Ok(json_response(&FeedbackReceipt {
        received: entries.len(),
        counted,
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

/// `http://host` from the request's `Host`, when it is a plain host name
/// or address with at most a valid port (anything else could inject markup
/// into card links, or name no server at all).
fn base_from_host(host: &HeaderValue) -> Option<String> {
    let host = host.to_str().ok()?;
    (host.len() <= 255 && is_plain_host(host)).then(|| format!("http://{host}"))
}

/// Whether `host` is `name`, `name:port`, `[v6]` or `[v6]:port`, where a
/// name is letters, digits, `-` and `.`, and a port is 1 to 65535.
fn is_plain_host(host: &str) -> bool {
    let (name_ok, port) = match host.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((address, rest)) => (
                !address.is_empty()
                    && address
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.'),
                match rest {
                    "" => None,
                    _ => Some(rest.strip_prefix(':').unwrap_or("")),
                },
            ),
            None => (false, None),
        },
        None => {
            let (name, port) = match host.split_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (host, None),
            };
            (
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
                port,
            )
        }
    };
    let port_ok = port.is_none_or(|p| {
        (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    name_ok && port_ok
}

/// The grammar of a call, from its wire types and their rules.
fn call_grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::with_rules::<CdsRequest>(wire::rules))
}

/// The grammar of feedback.
fn feedback_grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::with_rules::<Feedback>(wire::rules))
}

/// The problems the EHR layer found, as the API reports them.
fn field_errors(problems: Vec<ehr::Problem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| FieldError::new(p.field, p.message))
        .collect()
}

/// A typed call read by the EHR layer.
fn read_typed(catalog: &Catalog, call: &CdsRequest, today: Date) -> Result<Record, ApiError> {
    fhir::read(
        catalog,
        call.context.patient_id.as_str(),
        call.fhir_server.as_deref(),
        call.prefetch.as_ref(),
        today,
    )
    .map_err(|problems| ApiError::bad_cds_request(field_errors(problems)))
}

/// Checks a call and has the EHR layer read its prefetch into a record.
///
/// A valid call, the common case, is parsed once straight into the wire
/// types and the EHR layer's resources. Anything else is read as JSON and
/// checked against the grammar (every shape problem), and each prefetch
/// entry of the right shape is read by the EHR layer (resources of another
/// patient, dates in the future), so one answer names every problem.
pub fn read_call(catalog: &Catalog, body: &[u8], today: Date) -> Result<Record, ApiError> {
    if let Ok(call) = serde_json::from_slice::<CdsRequest>(body) {
        return read_typed(catalog, &call, today);
    }
    let mut value = parse_json(body).map_err(as_bad_request)?;
    let mut errors = call_grammar().check(&value);
    // Taken out to be read resource by resource, by type: the one-pass
    // parse above refuses a few prefetches the schema accepts (see
    // `Resource::from_value`).
    let prefetch = value
        .as_object_mut()
        .and_then(|call| call.remove("prefetch"))
        .filter(|p| !p.is_null());
    if errors.is_empty() {
        // The grammar and serde agree (a proptest holds them to it); this
        // names what serde saw if they ever do not.
        let disagree = |e: String| ApiError::bad_cds_request(vec![FieldError::new("body", e)]);
        let mut call = <CdsRequest as Deserialize>::deserialize(&value)
            .map_err(|e| disagree(e.to_string()))?;
        if let Some(prefetch) = &prefetch {
            let read = Prefetch::from_value(prefetch);
            call.prefetch = Some(read.ok_or_else(|| disagree("prefetch: unreadable".into()))?);
        }
        return read_typed(catalog, &call, today);
    }
    let patient = value
        .pointer("/context/patientId")
        .and_then(Value::as_str)
        .filter(|id| fhir::is_fhir_id(id));
    if let Some(patient) = patient {
        let server = value.get("fhirServer").and_then(Value::as_str);
        let mut reader = Reader::new(catalog, patient, server, today);
        for (key, entry) in prefetch.iter().filter_map(Value::as_object).flatten() {
            if entry.is_null() {
                reader.entry(key, None);
            } else if let Some(resource) = Resource::from_value(entry, true) {
                reader.entry(key, Some(&resource));
            }
        }
        if let Err(problems) = reader.finish() {
            errors.extend(field_errors(problems));
        }
    }
    Err(ApiError::bad_cds_request(errors))
}

/// One feedback entry, as far as it is counted.
#[derive(Debug)]
struct Entry {
    /// The card's id.
    card: String,
    /// What the clinician did with it.
    outcome: Outcome,
    /// The override reason's code.
    reason: Option<String>,
}

/// Each entry's card, outcome and override reason's code.
fn outcomes(feedback: Feedback) -> Vec<Entry> {
    feedback
        .feedback
        .into_iter()
        .map(|item| Entry {
            card: item.card.0,
            outcome: item.outcome,
            reason: item.override_reason.and_then(|r| r.reason).map(|r| r.code),
        })
        .collect()
}

/// Entries naming a card this service did not issue: the grammar checks a
/// card id's form, `issued` (the handler's is [`card_id::issued`]) whether
/// this service made it.
fn unissued(value: &Value, issued: fn(&str) -> bool) -> Vec<FieldError> {
    value
        .get("feedback")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, item)| {
            let card = item.get("card")?.as_str()?;
            (wire::is_uuid(card) && !issued(card)).then(|| {
                FieldError::new(
                    format!("feedback[{i}].card"),
                    "is not the id of a card this service issued",
                )
            })
        })
        .collect()
}

/// Checks feedback, returning each entry's card, outcome and override reason.
/// Which card ids this service issued is `issued`'s to say: the handler
/// asks [`card_id::issued`]; the document's examples, built without the
/// card key, say it of the example card or of none.
fn read_feedback(body: &[u8], issued: fn(&str) -> bool) -> Result<Vec<Entry>, ApiError> {
    if let Ok(feedback) = serde_json::from_slice::<Feedback>(body)
        && feedback.within_rules()
        && feedback.feedback.iter().all(|item| issued(&item.card.0))
    {
        return Ok(outcomes(feedback));
    }
    let value = parse_json(body).map_err(as_bad_request)?;
    let mut errors = feedback_grammar().check(&value);
    errors.extend(unissued(&value, issued));
    if !errors.is_empty() {
        return Err(ApiError::bad_cds_request(errors));
    }
    match <Feedback as Deserialize>::deserialize(&value) {
        Ok(feedback) if feedback.within_rules() => Ok(outcomes(feedback)),
        Ok(_) => Err(ApiError::bad_cds_request(vec![FieldError::new(
            "feedback",
            "breaks a rule of its schema",
        )])),
        Err(e) => Err(ApiError::bad_cds_request(vec![FieldError::new(
            "body",
            e.to_string(),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Card links are built only on a plain host with a valid port.
    #[test]
    fn links_are_built_only_on_a_plain_host() {
        for good in [
            "backcare.test",
            "backcare.test:8080",
            "localhost:1",
            "10.0.0.2:65535",
            "[::1]",
            "[fe80::1]:8443",
        ] {
            let base = base_from_host(&HeaderValue::from_static(good));
            assert_eq!(base, Some(format!("http://{good}")), "{good}");
        }
        for bad in [
            "",
            "evil.example:99999",
            "evil.example:0",
            "evil.example:",
            "evil.example:80:80",
            "evil.example:+80",
            ":8080",
            "a](javascript:alert(1))",
            "x/<script>",
            "user@host",
            "a b",
            "%65vil",
            "under_score",
            "[::1",
            "[]:80",
            "[::1]x",
            "[::1]:99999",
            "[<b>]",
        ] {
            assert_eq!(
                base_from_host(&HeaderValue::from_static(bad)),
                None,
                "{bad:?}"
            );
        }
    }

    /// Loaded once: thousands of proptest cases share it.
    fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::LazyLock<Catalog> =
            std::sync::LazyLock::new(|| Catalog::embedded().expect("embedded content is valid"));
        &CATALOG
    }

    /// Mostly one of `valid`, now and then one of `invalid` (or a value of
    /// the wrong kind), so most generated bodies are valid and the rest
    /// have a problem or two.
    fn mostly(valid: Vec<Value>, invalid: Vec<Value>) -> BoxedStrategy<Value> {
        // Arrays of fields and one-key objects are how serde's derive would
        // read a struct and an enum if let.
        let wrong_kind = vec![
            json!(5),
            json!("x"),
            json!({}),
            json!([]),
            json!(true),
            json!([null, null]),
            json!([null, null, null, null, null, null, null]),
            json!({"accepted": null}),
            json!({"patient-view": null}),
        ];
        prop_oneof![
            30 => prop::sample::select(valid),
            1 => prop::sample::select(invalid.into_iter().chain(wrong_kind).collect::<Vec<_>>()),
        ]
        .boxed()
    }

    fn texts(texts: &[&str]) -> Vec<Value> {
        texts.iter().map(|t| json!(t)).collect()
    }

    fn reference() -> BoxedStrategy<Value> {
        mostly(
            vec![
                json!({"reference": "Patient/p1"}),
                json!({"reference": "Patient/p1/_history/3"}),
                json!({}),
                json!({"reference": null, "display": "x"}),
            ],
            vec![json!({"reference": "Patient/p2"}), json!({"reference": 5})],
        )
    }

    fn concept() -> BoxedStrategy<Value> {
        mostly(
            vec![
                json!({"coding": [{"system": fhir::SNOMED, "code": "279039007", "display": "Low back pain"}]}),
                json!({"coding": [{"system": fhir::SNOMED, "code": "192970008"}]}),
                json!({"coding": [{"system": fhir::SNOMED, "code": "38341003"}], "text": "t"}),
                json!({"coding": [{"code": "resolved"}]}),
                json!({"coding": [{"code": "active", "system": "http://x"}]}),
                json!({"coding": null, "text": "ICD-10 only"}),
            ],
            vec![
                json!({"coding": "279039007"}),
                json!({"coding": [5]}),
                json!({"text": 5}),
                json!({"coding": [{"system": 5}]}),
            ],
        )
    }

    fn date() -> BoxedStrategy<Value> {
        mostly(
            texts(&[
                "2020-01-01",
                "2020",
                "2020-03",
                "2024-02-29",
                "1960-06-30",
                "2020-01-01T10:00:00Z",
            ]),
            texts(&[
                "2020-02-30",
                "9999-12-31",
                "1850-01-01",
                "2020-01-01T10:00",
                "next year",
                "+999",
            ]),
        )
    }

    fn items() -> BoxedStrategy<Value> {
        let item = (
            1u8..=9,
            prop_oneof![12 => Just(true), 1 => Just(false)],
            prop::option::weighted(0.97, Just(())),
        )
            .prop_map(|(n, right, linked)| {
                let answer = match (n, right) {
                    (1..=8, true) => json!([{"valueBoolean": n % 2 == 0}]),
                    (9, true) => json!([{"valueCoding": {"code": "slightly", "system": "urn:x"}}]),
                    (1..=8, false) => json!([{"valueCoding": {"code": "slightly"}}]),
                    _ => json!([{"valueCoding": {"code": "x"}}]),
                };
                let mut item = json!({"answer": answer});
                if linked.is_some() {
                    item["linkId"] = json!(n.to_string());
                }
                item
            });
        prop_oneof![
            12 => prop::collection::vec(item, 0..10).prop_map(Value::from),
            1 => prop::sample::select(vec![json!([{"linkId": "0", "answer": []}]), json!([{"linkId": "1", "answer": [5]}]), json!(5)]),
        ]
        .boxed()
    }

    /// A resource near one the service reads: a type, and read fields of
    /// any type's, right and now and then wrong.
    fn resource(depth: u32) -> BoxedStrategy<Value> {
        let kind = mostly(
            texts(&[
                "Condition",
                "Condition",
                "Condition",
                "Patient",
                "QuestionnaireResponse",
                "QuestionnaireResponse",
                "Bundle",
                "Observation",
                "OperationOutcome",
            ]),
            vec![json!("0"), json!(""), Value::Null],
        );
        let entry = if depth == 0 {
            mostly(vec![json!([]), Value::Null], vec![json!([{}])])
        } else {
            prop_oneof![
                12 => prop::collection::vec(resource(depth - 1), 0..4).prop_map(|rs| {
                    Value::from(rs.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>())
                }),
                1 => prop::sample::select(vec![json!([{}]), json!([5]), json!([{"resource": null}]), json!(5)]),
            ]
            .boxed()
        };
        let field = prop_oneof![
            reference().prop_map(|v| ("subject", v)),
            concept().prop_map(|v| ("code", v)),
            concept().prop_map(|v| ("clinicalStatus", v)),
            concept().prop_map(|v| ("verificationStatus", v)),
            date().prop_map(|v| ("onsetDateTime", v)),
            date().prop_map(|v| ("recordedDate", v)),
            date().prop_map(|d| ("onsetPeriod", json!({"start": d}))),
            date().prop_map(|v| ("birthDate", v)),
            date().prop_map(|v| ("authored", v)),
            mostly(texts(&["p1"]), vec![json!("p2"), json!(5)]).prop_map(|v| ("id", v)),
            mostly(
                texts(&[
                    fhir::START_BACK_QUESTIONNAIRE,
                    fhir::START_BACK_QUESTIONNAIRE,
                    "urn:other"
                ]),
                vec![]
            )
            .prop_map(|v| ("questionnaire", v)),
            mostly(texts(&["completed", "amended", "in-progress"]), vec![])
                .prop_map(|v| ("status", v)),
            items().prop_map(|v| ("item", v)),
            entry.prop_map(|v| ("entry", v)),
            prop::sample::select(vec![json!(5), json!("x"), json!({"a": [1]})])
                .prop_map(|v| ("unread", v)),
        ];
        (kind, prop::collection::vec(field, 0..6))
            .prop_map(|(kind, fields)| {
                let mut r = serde_json::Map::new();
                if !kind.is_null() {
                    r.insert("resourceType".into(), kind);
                }
                for (k, v) in fields {
                    r.insert(k.into(), v);
                }
                Value::Object(r)
            })
            .boxed()
    }

    /// Calls near valid ones: the envelope mostly right, the prefetch
    /// drawn from [`resource`].
    fn call() -> impl Strategy<Value = Value> {
        let entry = prop_oneof![20 => resource(2), 1 => Just(Value::Null), 1 => Just(json!(5))];
        let prefetch = prop_oneof![
            12 => prop::collection::btree_map(
                prop::sample::select(vec!["patient", "conditions", "startBack", "x.y"]),
                entry,
                0..4,
            )
            .prop_map(|m| json!(m)),
            1 => Just(Value::Null),
            1 => Just(json!(5)),
        ];
        let hook = mostly(texts(&["patient-view"]), texts(&["order-select"]));
        let instance = mostly(
            texts(&[
                "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                "D1577C69-DFBE-44AD-BA6D-3E05E953B2EA",
            ]),
            texts(&["not-a-uuid", ""]),
        );
        let context = mostly(
            vec![
                json!({"patientId": "p1", "userId": "Practitioner/1"}),
                json!({"patientId": "p1", "encounterId": null}),
            ],
            vec![
                json!({"patientId": ""}),
                json!({"patientId": "p1", "extra": 1}),
                json!({"patientId": "p1", "userId": 5}),
            ],
        );
        let server = mostly(vec![json!("https://ehr.example/fhir"), Value::Null], vec![]);
        let extra = mostly(
            vec![
                Value::Null,
                json!({"fhirAuthorization": {"token": "t"}}),
                json!({"extension": null}),
            ],
            vec![json!({"surprise": 1}), json!({"extension": 5})],
        );
        (hook, instance, context, server, prefetch, extra).prop_map(
            |(hook, instance, context, server, prefetch, extra)| {
                let mut call = serde_json::Map::new();
                for (k, v) in [
                    ("hook", hook),
                    ("hookInstance", instance),
                    ("context", context),
                    ("fhirServer", server),
                    ("prefetch", prefetch),
                ] {
                    call.insert(k.into(), v);
                }
                if let Value::Object(extra) = extra {
                    call.extend(extra);
                }
                Value::Object(call)
            },
        )
    }

    /// The call read the exact way, as `read_call` does when the grammar
    /// finds nothing.
    fn exactly(call: &Value) -> Option<CdsRequest> {
        let mut envelope = call.clone();
        let prefetch = envelope.as_object_mut()?.remove("prefetch");
        let mut typed = <CdsRequest as Deserialize>::deserialize(&envelope).ok()?;
        if let Some(p) = prefetch.filter(|p| !p.is_null()) {
            typed.prefetch = Some(Prefetch::from_value(&p)?);
        }
        Some(typed)
    }

    /// One card id this service issued, shared by every case.
    fn issued_card() -> &'static str {
        static CARD: std::sync::LazyLock<String> = std::sync::LazyLock::new(card_id::issue);
        &CARD
    }

    fn feedback() -> impl Strategy<Value = Value> {
        let reason = mostly(
            vec![
                Value::Null,
                json!({}),
                json!({"userComment": "x"}),
                json!({"reason": null}),
                json!({"reason": {"code": "patient-declined", "system": "urn:backcare:cds:override-reason"}}),
            ],
            vec![
                json!({"reason": {"code": ""}}),
                json!({"reason": {"code": 5}}),
                json!({"reason": {}}),
                json!({"reason": {"code": "x", "extra": 1}}),
            ],
        );
        let item = (
            mostly(
                texts(&["accepted", "overridden", "overridden"]),
                texts(&["ignored"]),
            ),
            reason,
            mostly(
                texts(&[
                    "2026-11-21T10:00:00Z",
                    "2024-02-29",
                    "2026-11-21T10:00:00.5+14:00",
                ]),
                texts(&["2026-02-29", "2026-11-21T10:00:00"]),
            ),
            mostly(
                vec![Value::Null, json!([{"id": "a"}])],
                vec![json!([{"id": ""}]), json!([5])],
            ),
            mostly(
                texts(&[issued_card()]),
                // A well-formed id this service did not issue.
                texts(&["x", "9d7e2a1c-0b5f-4c3e-8a21-3f6b7c9d0e12"]),
            ),
        )
            .prop_map(|(outcome, reason, at, accepted, card)| {
                json!({"card": card, "outcome": outcome, "outcomeTimestamp": at,
                       "overrideReason": reason, "acceptedSuggestions": accepted})
            });
        prop_oneof![
            20 => prop::collection::vec(item, 0..4).prop_map(|items| json!({"feedback": items})),
            1 => Just(json!({"feedback": vec![json!({"card": "9d7e2a1c-0b5f-4c3e-8a21-3f6b7c9d0e12", "outcome": "accepted", "outcomeTimestamp": "2026-11-21"}); 101]})),
            1 => Just(json!({"feedback": [], "x": 1})),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// The typed parse and the grammar agree: a call the one-pass parse
        /// takes has no problem in the grammar's eyes; the grammar finds no
        /// problem exactly when the call reads the exact way; and both
        /// ways read it into the same record or the same problems.
        #[test]
        fn typed_calls_agree_with_the_grammar(call in call()) {
            let bytes = serde_json::to_vec(&call).expect("serialises");
            let fast = serde_json::from_slice::<CdsRequest>(&bytes).ok();
            let exact = exactly(&call);
            let problems = call_grammar().check(&call);
            prop_assert_eq!(exact.is_some(), problems.is_empty(), "{} -> {:?}", call, problems);
            if let Some(fast) = &fast {
                prop_assert!(problems.is_empty(), "{} taken, but {:?}", call, problems);
                let today = Date::today();
                let a = read_typed(catalog(), fast, today).map_err(|e| format!("{e:?}"));
                let b = read_typed(catalog(), exact.as_ref().expect("exact"), today)
                    .map_err(|e| format!("{e:?}"));
                prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
            }
            // Whatever the path, never a panic, and every refusal a 400.
            if let Err(e) = read_call(catalog(), &bytes, Date::today()) {
                prop_assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
            }
        }

        /// Feedback: the typed parse with its rules and the grammar agree.
        #[test]
        fn typed_feedback_agrees_with_the_grammar(body in feedback()) {
            let bytes = serde_json::to_vec(&body).expect("serialises");
            let typed = serde_json::from_slice::<Feedback>(&bytes).ok().filter(Feedback::within_rules);
            let problems = feedback_grammar().check(&body);
            prop_assert_eq!(typed.is_some(), problems.is_empty(), "{} -> {:?}", body, problems);
            // Well-formed feedback is still refused for a card this service
            // did not issue.
            let foreign = unissued(&body, card_id::issued);
            prop_assert_eq!(
                read_feedback(&bytes, card_id::issued).is_ok(),
                problems.is_empty() && foreign.is_empty()
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The whole reader: any text in any string field of a call is read,
        /// refused or noted, never a panic.
        #[test]
        fn cds_calls_with_any_field_text_never_panic(
            texts in proptest::collection::vec(crate::ehr::dates::tests::any_text(), 8),
        ) {
            let call = json!({
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
            let bytes = serde_json::to_vec(&call).expect("serialises");
            let _ = read_call(catalog(), &bytes, Date::today());
        }
    }

    /// A rule that utoipa cannot derive reads as what made it apply.
    #[test]
    fn rule_problems_say_why_the_rule_applied() {
        let body = json!({"feedback": [{"card": "9d7e2a1c-0b5f-4c3e-8a21-3f6b7c9d0e12",
            "outcome": "accepted", "outcomeTimestamp": "2026-11-21",
            "overrideReason": {"reason": {"code": "patient-declined"}}}]});
        let problems = feedback_grammar().check(&body);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "feedback[0].overrideReason.reason");
        assert_eq!(
            problems[0].message,
            "must be null, not an object (when `outcome` is `accepted`)"
        );
        let call = json!({"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {"patientId": "p1"},
            "prefetch": {"odd": {"resourceType": "0"}, "c": {"resourceType": "Condition", "code": 5}}});
        let problems = call_grammar().check(&call);
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "prefetch.c.code",
                    "must be an object, not a number (when `resourceType` is `Condition`)"
                ),
                (
                    "prefetch.odd.resourceType",
                    "`0` is not a FHIR resource type"
                ),
            ]
        );
    }
}
