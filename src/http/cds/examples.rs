//! The CDS Hooks operations' examples in the OpenAPI document: a
//! `patient-view` call as an EHR sends it, the feedback a clinician's EHR
//! sends on its card, and the answers this service's own code gives to
//! them, computed from the catalog when the document is built. Swagger UI
//! and generated clients then show real cards, and a test posts the call
//! example to the app and expects exactly the documented answer, but for
//! the card's id, which is fresh on every call.
//!
//! The call is chosen so that its answer does not depend on the day it is
//! computed: the back pain's onset lies far enough back that it stays
//! chronic, and the Patient carries no `birthDate` (the card would state an
//! age, which changes every year and would change the committed document
//! with it).

use serde_json::{Value, json};

use super::cards::{OVERRIDE_REASONS, OVERRIDE_SYSTEM};
use super::{HOOK, read_feedback};
use crate::catalog::Catalog;
use crate::ehr::Date;
use crate::ehr::fhir::{SNOMED, START_BACK_QUESTIONNAIRE};

/// The `--public-url` the example answer's card links are built on (a
/// reserved example domain: links in a live answer start with the
/// server's own URL).
pub const PUBLIC_URL: &str = "https://backcare.example";

/// The card id of the example answer, which the feedback examples name.
/// A live server issues a fresh id for every card, tagged with its own key
/// (see [`super::card_id`]), so it refuses feedback naming this one; send
/// feedback with the `uuid` of a card it returned.
pub const CARD_ID: &str = "5f0c3a2e-8b1d-4c6a-9e7f-2a4b6c8d0e1f";

/// The patient of the call example.
const PATIENT: &str = "1288992";

/// The name of the call example, and of its answer.
pub const CALL: &str = "chronic low back pain";

/// A Condition of the example patient, active and confirmed, coded in
/// SNOMED CT.
fn condition(id: &str, code: &str, display: &str, onset: &str) -> Value {
    json!({
        "resourceType": "Condition",
        "id": id,
        "subject": {"reference": format!("Patient/{PATIENT}")},
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "active"
        }]},
        "verificationStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "code": "confirmed"
        }]},
        "code": {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": display},
        "onsetDateTime": onset
    })
}

/// A search-set Bundle of `resources`, as an EHR answers a prefetch query.
fn bundle(resources: Vec<Value>) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": resources.len(),
        "entry": resources.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()
    })
}

/// The call example: a `patient-view` call for a patient with chronic low
/// back pain (and hypertension, which this service does not use), with the
/// three prefetch entries discovery asks for. The STarT Back answers give a
/// medium risk: four items agreed, one of them psychosocial, and the pain
/// moderately bothersome. Items are numbered, never worded: Keele
/// University's wording is not reproduced.
pub fn call() -> Value {
    let agreed = [true, false, true, true, false, true, false, false];
    let mut items: Vec<Value> = agreed
        .iter()
        .zip(1..)
        .map(|(yes, n): (&bool, u8)| {
            json!({"linkId": n.to_string(), "answer": [{"valueBoolean": yes}]})
        })
        .collect();
    items.push(json!({"linkId": "9", "answer": [{"valueCoding": {"code": "moderately"}}]}));
    json!({
        "hook": HOOK,
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "https://ehr.example/fhir",
        "context": {
            "userId": "Practitioner/example",
            "patientId": PATIENT,
            "encounterId": "89284"
        },
        "prefetch": {
            "patient": {
                "resourceType": "Patient",
                "id": PATIENT,
                "active": true,
                "gender": "female"
            },
            "conditions": bundle(vec![
                condition("lbp-1", "279039007", "Low back pain (finding)", "2025-09-15"),
                condition("htn-1", "38341003", "Hypertensive disorder, systemic arterial (disorder)", "2019-04-02"),
            ]),
            "startBack": bundle(vec![json!({
                "resourceType": "QuestionnaireResponse",
                "id": "sb-1",
                "questionnaire": START_BACK_QUESTIONNAIRE,
                "status": "completed",
                "subject": {"reference": format!("Patient/{PATIENT}")},
                "authored": "2025-11-17T09:30:00Z",
                "item": items
            })])
        }
    })
}

/// The feedback examples, by name: the call example's card accepted, and
/// overridden with one of its override reasons.
pub fn feedback() -> Vec<(&'static str, Value)> {
    let (code, display) = OVERRIDE_REASONS[2];
    vec![
        (
            "accepted",
            json!({"feedback": [{
                "card": CARD_ID,
                "outcome": "accepted",
                "outcomeTimestamp": "2025-11-17T09:41:07Z"
            }]}),
        ),
        (
            "overridden",
            json!({"feedback": [{
                "card": CARD_ID,
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"system": OVERRIDE_SYSTEM, "code": code, "display": display},
                    "userComment": "Wants to talk it over at the next visit"
                },
                "outcomeTimestamp": "2025-11-17T09:41:07Z"
            }]}),
        ),
    ]
}

/// The call example with its second Condition another patient's: the
/// document's example of a call refused rather than mixing records.
pub fn another_patients_call() -> Value {
    let mut call = call();
    call["prefetch"]["conditions"]["entry"][1]["resource"]["subject"]["reference"] =
        json!("Patient/5521");
    call
}

/// `feedback` naming `card` instead of the example's card.
pub fn naming(feedback: &Value, card: &str) -> Value {
    let mut feedback = feedback.clone();
    for item in feedback["feedback"].as_array_mut().into_iter().flatten() {
        item["card"] = json!(card);
    }
    feedback
}

/// The example answer to [`call`] on `today`, or why it was refused.
pub fn answer(catalog: &Catalog, today: Date) -> Result<Value, Value> {
    let body = serde_json::to_vec(&call()).expect("JSON serialises");
    super::answer(catalog, &body, today, Some(PUBLIC_URL), || {
        CARD_ID.to_owned()
    })
    .map(|answer| json!(answer))
    .map_err(|e| json!(e.problem()))
}

/// `{name: {"summary": …, "value": …}}`, an OpenAPI examples map.
fn examples<'a>(items: impl IntoIterator<Item = (&'a str, &'a str, Value)>) -> Value {
    Value::Object(
        items
            .into_iter()
            .map(|(name, summary, value)| {
                (name.to_owned(), json!({"summary": summary, "value": value}))
            })
            .collect(),
    )
}

/// Puts the examples on the CDS Hooks operations of `doc`: discovery's
/// answer, the call and its answer, a call refused for mixing records
/// ([`another_patients_call`]), the feedback examples with the receipt for
/// each (as counted when the example's card is one the service issued), and
/// the refusal a live server gives the feedback examples as written.
pub(crate) fn document(doc: &mut Value, catalog: &Catalog) {
    let media = |doc: &mut Value, path: &str, at: &str, examples: Value| {
        let pointer = format!("/paths/{}/post/{at}", path.replace('/', "~1"));
        if let Some(media) = doc.pointer_mut(&pointer) {
            media["examples"] = examples;
        }
    };
    if let Some(media) =
        doc.pointer_mut("/paths/~1cds-services/get/responses/200/content/application~1json")
    {
        media["examples"] = examples([(
            "services",
            "This service's discovery document",
            json!(super::services()),
        )]);
    }
    let service = format!("/cds-services/{}", super::SERVICE_ID);
    let today = Date::today();
    let json_body = "requestBody/content/application~1json";
    let ok = "responses/200/content/application~1json";
    let refused = "responses/400/content/application~1problem+json";
    if let Ok(answer) = answer(catalog, today) {
        media(
            doc,
            &service,
            json_body,
            examples([(
                CALL,
                "A patient-view call: the Patient (no birth date, so the card states no age), active Conditions and a STarT Back response",
                call(),
            )]),
        );
        let summary = format!(
            "The card for that call, links on `--public-url` {PUBLIC_URL} (a live card has an id of its own)"
        );
        media(
            doc,
            &service,
            ok,
            examples([(CALL, summary.as_str(), answer)]),
        );
    }
    let mixed = serde_json::to_vec(&another_patients_call()).expect("JSON serialises");
    if let Err(problem) = super::read_call(catalog, &mixed, today) {
        media(
            doc,
            &service,
            refused,
            examples([(
                "another patient's condition",
                "The call example with one Condition of another patient: refused, not mixed in",
                json!(problem.problem()),
            )]),
        );
    }
    let feedback_path = format!("{service}/feedback");
    let sent = feedback();
    let receipts: Vec<(&str, &str, Value)> = sent
        .iter()
        .filter_map(|(name, body)| {
            let counted = read_feedback(&serde_json::to_vec(body).ok()?, is_example_card).ok()?;
            let receipt = json!(super::wire::FeedbackReceipt {
                received: counted.len(),
                counted: counted.len(),
            });
            Some((
                *name,
                "Counted, when the card is one this service issued",
                receipt,
            ))
        })
        .collect();
    if receipts.len() == sent.len() {
        let summaries = [
            "The clinician accepted the card",
            "The clinician overrode the card, giving one of its reasons",
        ];
        media(
            doc,
            &feedback_path,
            json_body,
            examples(
                sent.iter()
                    .zip(summaries)
                    .map(|((name, body), summary)| (*name, summary, body.clone())),
            ),
        );
        media(doc, &feedback_path, ok, examples(receipts));
    }
    // A live server did not issue the example's card id: its tag is not
    // one the server's key makes (bar a 58-bit guess).
    if let Some((_, body)) = sent.first()
        && let Err(problem) =
            read_feedback(&serde_json::to_vec(body).expect("JSON serialises"), |_| {
                false
            })
    {
        media(
            doc,
            &feedback_path,
            refused,
            examples([(
                "a card this service did not issue",
                "A feedback example as written: its card id is not one a live server issued",
                json!(problem.problem()),
            )]),
        );
    }
}

/// Whether `id` is [`CARD_ID`]: the cards "issued" when the document's
/// receipts are computed. Building the document never touches the card
/// key, which `--cds-card-key-file` may still have to set.
fn is_example_card(id: &str) -> bool {
    id.eq_ignore_ascii_case(CARD_ID)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded().expect("embedded content is valid")
    }

    /// The call example is taken by the one-pass parse (so by the grammar
    /// too) and gets an info card built from all three prefetch entries.
    #[test]
    fn the_call_example_is_a_valid_call_that_gets_a_card() {
        let body = serde_json::to_vec(&call()).unwrap();
        assert!(serde_json::from_slice::<super::super::CdsRequest>(&body).is_ok());
        assert!(super::super::call_grammar().check(&call()).is_empty());
        let answer = answer(&catalog(), Date::today()).expect("the example is answered");
        let cards = answer["cards"].as_array().unwrap();
        assert_eq!(cards.len(), 1, "{answer}");
        let card = &cards[0];
        assert_eq!(card["indicator"], "info", "{card}");
        assert_eq!(card["uuid"], CARD_ID);
        let detail = card["detail"].as_str().unwrap();
        for expected in [
            "STarT Back:** medium risk",
            "SNOMED CT 279039007",
            "unknown to this service: SNOMED CT 38341003",
            "Duration: chronic, from onsetDateTime 2025-09-15",
            "Age: not in the record",
        ] {
            assert!(detail.contains(expected), "{expected:?} in:\n{detail}");
        }
        assert!(!card["links"].as_array().unwrap().is_empty());
        for link in card["links"].as_array().unwrap() {
            assert!(
                link["url"].as_str().unwrap().starts_with(PUBLIC_URL),
                "{link}"
            );
        }
    }

    /// The committed document holds the answer: it must be the same
    /// whatever day it is computed on.
    #[test]
    fn the_example_answer_does_not_depend_on_the_day() {
        let catalog = catalog();
        let today = Date::today();
        let now = answer(&catalog, today).unwrap();
        for years in [1, 7, 40] {
            let later = Date::from_days(today.days() + 365 * years + 11);
            assert_eq!(answer(&catalog, later).unwrap(), now, "{years} years on");
        }
    }

    /// Feedback on a card issued under the card key is counted, as the
    /// document's receipts say; as written (the example's card id) it is
    /// refused, which the document shows as the 400 example.
    #[test]
    fn feedback_examples_count_on_issued_cards_only() {
        use super::super::card_id;
        for (name, body) in feedback() {
            let ours = naming(&body, &card_id::issue());
            let counted = read_feedback(&serde_json::to_vec(&ours).unwrap(), card_id::issued);
            assert_eq!(counted.map(|c| c.len()).ok(), Some(1), "{name}");
            let as_example = read_feedback(&serde_json::to_vec(&body).unwrap(), is_example_card);
            assert_eq!(as_example.map(|c| c.len()).ok(), Some(1), "{name}");
            let refused =
                read_feedback(&serde_json::to_vec(&body).unwrap(), card_id::issued).unwrap_err();
            assert_eq!(refused.errors()[0].field, "feedback[0].card", "{name}");
        }
    }
}
