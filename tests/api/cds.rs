//! CDS Hooks: discovery, each card type, SNOMED CT mapping, STarT Back,
//! missing prefetch, malformed calls and feedback. Requests follow the
//! shape of the CDS Hooks 2.0 specification's own patient-view example.

use axum::body::Body;
use axum::http::{Method, Request};
use backcare::catalog::{Catalog, Snomed};
use backcare::ehr::Date;
use backcare::http::AppState;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const PATIENT: &str = "1288992";
const SERVICE: &str = "/cds-services/back-pain-relief";

/// A FHIR date `days` ago.
fn days_ago(days: i64) -> String {
    let d = Date::from_days(Date::today().days() - days);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// A Condition for the patient, coded in SNOMED CT.
fn condition(code: &str, display: &str, onset: Option<String>) -> Value {
    let mut c = json!({
        "resourceType": "Condition",
        "id": format!("c-{code}"),
        "subject": {"reference": format!("Patient/{PATIENT}")},
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}], "text": display}
    });
    if let Some(onset) = onset {
        c["onsetDateTime"] = json!(onset);
    }
    c
}

/// The specification's patient-view example, with our prefetch.
fn call(conditions: Vec<Value>, birth_date: &str) -> Value {
    json!({
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "http://hooks.smarthealthit.org:9080",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": PATIENT, "encounterId": "89284"},
        "prefetch": {
            "patient": {"resourceType": "Patient", "gender": "male", "birthDate": birth_date, "id": PATIENT, "active": true},
            "conditions": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": conditions.into_iter().map(|c| json!({"resource": c})).collect::<Vec<_>>()
            }
        }
    })
}

/// The fields a problem names, in order.
fn fields_of(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

async fn cards(app: &TestApp, body: &Value) -> Vec<Value> {
    // Links are absolute, built from the Host the EHR called.
    let request = Request::post(SERVICE)
        .header("host", "backcare.test:8080")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.request(request).await;
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let cards = response.json()["cards"].as_array().unwrap().clone();
    for card in &cards {
        check_card(card);
    }
    cards
}

/// The specification's required card fields and values.
fn check_card(card: &Value) {
    let summary = card["summary"].as_str().unwrap();
    assert!(
        !summary.is_empty() && summary.chars().count() < 140,
        "{summary}"
    );
    assert!(["info", "warning", "critical"].contains(&card["indicator"].as_str().unwrap()));
    assert!(!card["source"]["label"].as_str().unwrap().is_empty());
    let uuid = card["uuid"].as_str().unwrap();
    assert_eq!(uuid.len(), 36, "{uuid}");
    for link in card["links"].as_array().unwrap() {
        assert_eq!(link["type"], "absolute");
        assert!(
            link["url"]
                .as_str()
                .unwrap()
                .starts_with("http://backcare.test:8080/"),
            "{link}"
        );
        assert!(!link["label"].as_str().unwrap().is_empty());
    }
    for reason in card["overrideReasons"].as_array().unwrap() {
        assert!(reason["code"].is_string() && reason["system"].is_string());
    }
}

#[tokio::test]
async fn discovery_lists_the_patient_view_service_and_its_prefetch() {
    let app = TestApp::embedded();
    let body = app.get("/cds-services").await.json();
    let services = body["services"].as_array().unwrap();
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!(s["hook"], "patient-view");
    assert_eq!(s["id"], "back-pain-relief");
    assert!(!s["title"].as_str().unwrap().is_empty());
    assert!(!s["description"].as_str().unwrap().is_empty());
    let conditions = s["prefetch"]["conditions"].as_str().unwrap();
    assert!(conditions.starts_with("Condition?patient={{context.patientId}}"));
    assert!(conditions.contains("clinical-status=active"));
    assert_eq!(s["prefetch"]["patient"], "Patient/{{context.patientId}}");
}

#[tokio::test]
async fn a_back_pain_record_gets_an_info_card_with_the_routine() {
    let app = TestApp::embedded();
    let body = call(
        vec![
            condition("278860009", "Chronic low back pain", None),
            condition("38341003", "Hypertensive disorder", None),
            json!({"resourceType": "Condition", "subject": {"reference": format!("Patient/{PATIENT}")},
                   "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "M54.5"}], "text": "Low back pain, ICD-10 only"}}),
        ],
        // Born on 1 January sixty years ago: 60 on any day of this year,
        // so the expected age holds whenever the test runs.
        &format!("{}-01-01", backcare::ehr::dates::Date::today().year - 60),
    );
    let cards = cards(&app, &body).await;
    assert_eq!(cards.len(), 1);
    let card = &cards[0];
    assert_eq!(card["indicator"], "info");
    let detail = card["detail"].as_str().unwrap();
    for expected in [
        "### Routine",
        "min)",
        "### Cautions",
        "SNOMED CT 278860009",
        "Non-specific low back pain",
        "Duration: chronic",
        "unknown to this service: SNOMED CT 38341003",
        "no SNOMED CT code: Low back pain, ICD-10 only",
        "Age: 60",
        "Assumed: 10 minutes a day",
    ] {
        assert!(
            detail.contains(expected),
            "missing {expected:?} in:\n{detail}"
        );
    }
    // Every link opens in this service.
    let links = card["links"].as_array().unwrap();
    assert!(!links.is_empty());
    for link in links {
        let url = link["url"].as_str().unwrap();
        let path = url
            .split_once("/exercises/")
            .map(|(_, id)| format!("/exercises/{id}"));
        let path = path.expect("info cards link exercises");
        assert_eq!(app.get(&path).await.status, 200, "{url}");
    }
    assert!(card["source"]["label"].as_str().unwrap().contains("NG59"));
}

/// Links are built on the Host only when it names one plain server: two
/// Host headers, a port out of range or a host with markup give a card
/// without links rather than links to somewhere else.
#[tokio::test]
async fn card_links_need_one_plain_host() {
    let app = TestApp::embedded();
    let body = call(
        vec![condition("278860009", "Chronic low back pain", None)],
        "1966-01-01",
    );
    let links = |hosts: &'static [&'static str]| {
        let app = &app;
        let body = body.to_string();
        async move {
            let mut request = Request::post(SERVICE).header("content-type", "application/json");
            for host in hosts {
                request = request.header("host", *host);
            }
            let response = app.request(request.body(Body::from(body)).unwrap()).await;
            assert_eq!(response.status, 200, "{hosts:?}");
            response.json()["cards"][0]["links"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert!(links(&["backcare.test:8080"]).await > 0);
    for hosts in [
        &["backcare.test", "evil.example"][..],
        &["evil.example:99999"],
        &["evil.example:"],
        &["x/<script>"],
    ] {
        assert_eq!(links(hosts).await, 0, "{hosts:?}");
    }
}

#[tokio::test]
async fn onset_dates_set_the_duration() {
    let app = TestApp::embedded();
    for (days, expected) in [(10, "acute"), (40, "subacute"), (200, "chronic")] {
        let body = call(
            vec![condition(
                "279039007",
                "Low back pain",
                Some(days_ago(days)),
            )],
            "1980-01-01",
        );
        let detail = cards(&app, &body).await[0]["detail"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            detail.contains(&format!("Duration: {expected}, from onsetDateTime")),
            "{days} days: {detail}"
        );
    }
}

#[tokio::test]
async fn cauda_equina_in_the_record_is_a_critical_card_without_a_plan() {
    let app = TestApp::embedded();
    let body = call(
        vec![condition("192970008", "Cauda equina syndrome", None)],
        "1970-05-01",
    );
    let cards = cards(&app, &body).await;
    let card = &cards[0];
    assert_eq!(card["indicator"], "critical");
    assert!(card["summary"].as_str().unwrap().contains("emergency"));
    let detail = card["detail"].as_str().unwrap();
    assert!(detail.contains("emergency department"), "{detail}");
    assert!(
        !detail.contains("### Routine"),
        "no plan with a red flag: {detail}"
    );
    // Nothing describes a plan that is not there.
    for planless in ["the plan below", "the plan is kept gentle", "Assumed:"] {
        assert!(!detail.contains(planless), "{planless}: {detail}");
    }
    let links = card["links"].as_array().unwrap();
    assert!(!links.is_empty());
    assert!(
        links
            .iter()
            .all(|l| l["url"].as_str().unwrap().contains("/red-flags/"))
    );
}

#[tokio::test]
async fn a_see_clinician_flag_is_a_warning_card_with_the_action() {
    // The embedded content codes no see-a-clinician flag (the reference
    // verifies no code for one), so this catalog gives leg numbness the
    // sciatica concept.
    let mut catalog = Catalog::embedded().unwrap();
    let flag = catalog
        .red_flags
        .iter_mut()
        .find(|f| f.id == "leg-numbness")
        .unwrap();
    flag.snomed.push(Snomed {
        code: "23056005".into(),
        display: "Sciatica".into(),
        min_weeks: None,
    });
    let action = flag.action.clone();
    let app = TestApp::with(catalog);
    let body = call(vec![condition("23056005", "Sciatica", None)], "1970-05-01");
    let card = &cards(&app, &body).await[0];
    assert_eq!(card["indicator"], "warning");
    let detail = card["detail"].as_str().unwrap();
    assert!(detail.contains(&action), "{detail}");
    assert!(
        detail.contains("### Routine"),
        "a gentle plan meanwhile: {detail}"
    );
}

#[tokio::test]
async fn a_child_gets_a_warning_card_and_no_plan() {
    let app = TestApp::embedded();
    let body = call(
        vec![condition("279039007", "Low back pain", None)],
        &days_ago(12 * 365),
    );
    let card = &cards(&app, &body).await[0];
    assert_eq!(card["indicator"], "warning");
    let detail = card["detail"].as_str().unwrap();
    assert!(!detail.contains("### Routine"));
    for planless in ["the plan below", "the plan is kept gentle", "Assumed:"] {
        assert!(!detail.contains(planless), "{planless}: {detail}");
    }
    // No flag fired: the summary names the age, never an empty list.
    let summary = card["summary"].as_str().unwrap();
    assert_eq!(
        summary,
        "Back pain: patient under 16 - assess before any self-care plan"
    );
}

#[tokio::test]
async fn start_back_answers_set_the_tier_shown_on_the_card() {
    let app = TestApp::embedded();
    let mut body = call(
        vec![condition("279039007", "Low back pain", None)],
        "1980-01-01",
    );
    let item =
        |n: u8, yes: bool| json!({"linkId": n.to_string(), "answer": [{"valueBoolean": yes}]});
    let mut items: Vec<Value> = (1..=8).map(|n| item(n, n != 2)).collect();
    items.push(json!({"linkId": "9", "answer": [{"valueCoding": {"code": "extremely"}}]}));
    body["prefetch"]["startBack"] = json!({
        "resourceType": "Bundle", "type": "searchset",
        "entry": [{"resource": {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": "urn:backcare:questionnaire:start-back",
            "status": "completed",
            "subject": {"reference": format!("Patient/{PATIENT}")},
            "authored": "2026-11-01",
            "item": items
        }}]
    });
    let card = &cards(&app, &body).await[0];
    assert_eq!(card["indicator"], "info");
    assert!(
        card["summary"]
            .as_str()
            .unwrap()
            .contains("STarT Back high risk"),
        "{}",
        card["summary"]
    );
    let detail = card["detail"].as_str().unwrap();
    assert!(
        detail.contains("high risk (score 8/9, psychosocial 5/5)"),
        "{detail}"
    );
    assert!(detail.contains("psychologically informed"), "{detail}");
}

#[tokio::test]
async fn missing_prefetch_is_answered_with_the_general_plan() {
    let app = TestApp::embedded();
    let mut body = call(vec![], "1980-01-01");
    body.as_object_mut().unwrap().remove("prefetch");
    let general = cards(&app, &body).await;
    assert_eq!(general.len(), 1);
    assert!(
        general[0]["detail"]
            .as_str()
            .unwrap()
            .contains("prefetch missing")
    );
    // A prefetch key the EHR could not fill is null: also not an error.
    let mut body = call(vec![], "1980-01-01");
    body["prefetch"]["conditions"] = Value::Null;
    let detail = cards(&app, &body).await[0]["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.contains("`prefetch.conditions` was empty"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_record_without_back_pain_gets_no_card_and_inactive_conditions_are_skipped() {
    let app = TestApp::embedded();
    let body = call(
        vec![condition("38341003", "Hypertensive disorder", None)],
        "1980-01-01",
    );
    assert!(cards(&app, &body).await.is_empty());
    let mut resolved = condition("192970008", "Cauda equina syndrome", None);
    resolved["clinicalStatus"]["coding"][0]["code"] = json!("resolved");
    let body = call(vec![resolved], "1980-01-01");
    assert!(
        cards(&app, &body).await.is_empty(),
        "a resolved condition fires nothing"
    );
}

#[tokio::test]
async fn malformed_calls_are_400_problems_naming_the_field() {
    let app = TestApp::embedded();
    let send = |body: String| app.send(Method::POST, SERVICE, Some("application/json"), body);
    send("{\"hook\": ".into()).await.problem(400);

    let mut wrong = call(vec![], "1980-01-01");
    wrong["hook"] = json!("order-select");
    wrong["hookInstance"] = json!("not-a-uuid");
    wrong["surprise"] = json!(1);
    let problem = send(wrong.to_string()).await.problem(400);
    let fields = fields_of(&problem);
    assert_eq!(fields, ["surprise", "hook", "hookInstance"]);

    let mut no_context = call(vec![], "1980-01-01");
    no_context.as_object_mut().unwrap().remove("context");
    let problem = send(no_context.to_string()).await.problem(400);
    assert_eq!(problem["errors"][0]["field"], "context");

    // Another patient's record must never shape this patient's card.
    let mut other = condition("279039007", "Low back pain", None);
    other["subject"]["reference"] = json!("Patient/someone-else");
    let problem = send(call(vec![other], "1980-01-01").to_string())
        .await
        .problem(400);
    assert_eq!(
        problem["errors"][0]["field"],
        "prefetch.conditions.entry[0].resource.subject.reference"
    );

    let mut broken = call(vec![], "1980-01-01");
    broken["prefetch"]["conditions"]["entry"] =
        json!([{"resource": {"resourceType": "Condition", "code": {"coding": "279039007"}}}]);
    broken["prefetch"]["patient"]["birthDate"] = json!("next year");
    broken["prefetch"]["odd"] = json!({"resourceType": ""});
    let problem = send(broken.to_string()).await.problem(400);
    let fields = fields_of(&problem);
    assert!(
        fields.contains(&"prefetch.conditions.entry[0].resource.code.coding"),
        "{fields:?}"
    );
    assert!(fields.contains(&"prefetch.patient.birthDate"), "{fields:?}");
    assert!(fields.contains(&"prefetch.odd.resourceType"), "{fields:?}");

    let response = app
        .send(Method::POST, SERVICE, Some("text/plain"), "{}")
        .await;
    response.problem(415);
    assert_eq!(app.get(SERVICE).await.status, 405);
    assert_eq!(
        app.send(
            Method::POST,
            "/cds-services/unknown",
            Some("application/json"),
            "{}"
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn feedback_is_counted_by_outcome_and_reason() {
    let state = AppState::new(Catalog::embedded().unwrap());
    let app = TestApp::from_router(backcare::http::app_with(
        state.clone(),
        &crate::helpers::without_cds_auth(),
    ));
    let card = backcare::http::cds::card_id::issue();
    let other = backcare::http::cds::card_id::issue();
    let body = json!({"feedback": [
        {"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-11-21T10:00:00Z"},
        {"card": other, "outcome": "overridden", "outcomeTimestamp": "2026-11-21T10:01:00Z",
         "overrideReason": {"reason": {"code": "patient-declined", "system": "urn:backcare:cds:override-reason"},
                            "userComment": "prefers to wait"}}
    ]});
    let response = app
        .send(
            Method::POST,
            &format!("{SERVICE}/feedback"),
            Some("application/json"),
            body.to_string(),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["received"], 2);
    assert_eq!(response.json()["counted"], 2);
    let admin = TestApp::from_router(backcare::http::admin(state));
    let text = String::from_utf8(admin.get("/metrics").await.body).unwrap();
    for line in [
        "backcare_cds_feedback_total{outcome=\"accepted\",reason=\"\"} 1",
        "backcare_cds_feedback_total{outcome=\"overridden\",reason=\"patient-declined\"} 1",
    ] {
        assert!(text.contains(line), "missing {line}");
    }
    assert!(
        !text.contains("prefers to wait"),
        "comments are never stored"
    );

    let bad = json!({"feedback": [{"card": card, "outcome": "ignored", "outcomeTimestamp": "2026-11-21T10:00:00Z"}]});
    let problem = app
        .send(
            Method::POST,
            &format!("{SERVICE}/feedback"),
            Some("application/json"),
            bad.to_string(),
        )
        .await
        .problem(400);
    assert_eq!(problem["errors"][0]["field"], "feedback[0].outcome");
}

/// One card counts once, however it is sent again: twice in one call, in
/// a later call, in capitals, or with the other outcome. The metrics
/// cannot be inflated from a single real card.
#[tokio::test]
async fn a_card_counts_once_however_often_its_feedback_is_sent() {
    let state = AppState::new(Catalog::embedded().unwrap());
    let app = TestApp::from_router(backcare::http::app_with(
        state.clone(),
        &crate::helpers::without_cds_auth(),
    ));
    let card = backcare::http::cds::card_id::issue();
    let accepted = |card: &str| json!({"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-11-21T10:00:00Z"});
    let overridden = json!({"card": card, "outcome": "overridden", "outcomeTimestamp": "2026-11-21T10:01:00Z",
        "overrideReason": {"reason": {"code": "patient-declined", "system": "urn:backcare:cds:override-reason"}}});
    let send = |body: Value| {
        let app = &app;
        async move {
            let response = app
                .send(
                    Method::POST,
                    &format!("{SERVICE}/feedback"),
                    Some("application/json"),
                    body.to_string(),
                )
                .await;
            assert_eq!(response.status, 200);
            let receipt = response.json();
            (receipt["received"].clone(), receipt["counted"].clone())
        }
    };
    let hundred: Vec<Value> = (0..100).map(|_| accepted(&card)).collect();
    assert_eq!(
        send(json!({"feedback": hundred})).await,
        (json!(100), json!(1))
    );
    assert_eq!(
        send(json!({"feedback": [accepted(&card)]})).await,
        (json!(1), json!(0))
    );
    assert_eq!(
        send(json!({"feedback": [accepted(&card.to_uppercase())]})).await,
        (json!(1), json!(0))
    );
    assert_eq!(
        send(json!({"feedback": [overridden]})).await,
        (json!(1), json!(0))
    );
    let admin = TestApp::from_router(backcare::http::admin(state));
    let text = String::from_utf8(admin.get("/metrics").await.body).unwrap();
    assert!(
        text.contains("backcare_cds_feedback_total{outcome=\"accepted\",reason=\"\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "backcare_cds_feedback_total{outcome=\"overridden\",reason=\"patient-declined\"} 0\n"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_feedback_timestamp_with_a_multi_byte_zone_is_a_400_not_a_panic() {
    let app = TestApp::embedded();
    let card = backcare::http::cds::card_id::issue();
    for at in [
        "2026-11-21T10:00:00+0é:0",
        "2026-11-21T10:00:00+00é0",
        "2026-11-21T10:00:00+0é:00",
        "2026-11-21T10:00:00-00:0é",
        "2026-11-21T10:00:00+€:00",
        "2026-11-21T1é:00:00Z",
        "２０２６-11-21",
    ] {
        let body =
            json!({"feedback": [{"card": card, "outcome": "accepted", "outcomeTimestamp": at}]});
        let problem = app
            .send(
                Method::POST,
                &format!("{SERVICE}/feedback"),
                Some("application/json"),
                body.to_string(),
            )
            .await
            .problem(400);
        assert_eq!(
            problem["errors"][0]["field"], "feedback[0].outcomeTimestamp",
            "{at}"
        );
    }
}

#[tokio::test]
async fn impossible_dates_are_refused_not_read_as_real() {
    let app = TestApp::embedded();
    let send = |body: Value| {
        app.send(
            Method::POST,
            SERVICE,
            Some("application/json"),
            body.to_string(),
        )
    };
    for (birth, why) in [
        ("+999", "a sign is not a year"),
        ("0000-01-01", "there is no year 0"),
        ("1850-01-01", "older than anyone alive"),
        ("9999-12-31", "in the future"),
        ("1980-01-01T00:00:00Z", "a birth date is a date"),
    ] {
        let problem = send(call(vec![], birth)).await.problem(400);
        assert_eq!(fields_of(&problem), ["prefetch.patient.birthDate"], "{why}");
    }
    let problem = send(call(
        vec![condition(
            "279039007",
            "Low back pain",
            Some("9999-12-31".into()),
        )],
        "1980-01-01",
    ))
    .await
    .problem(400);
    assert_eq!(
        fields_of(&problem),
        ["prefetch.conditions.entry[0].resource.onsetDateTime"],
        "an onset in the future cannot make the pain acute"
    );
}

#[tokio::test]
async fn versioned_patient_references_are_the_patient_and_subjectless_conditions_are_not_used() {
    let app = TestApp::embedded();
    let mut versioned = condition("192970008", "Cauda equina syndrome", None);
    versioned["subject"]["reference"] = json!(format!("Patient/{PATIENT}/_history/2"));
    let card = &cards(&app, &call(vec![versioned], "1970-05-01")).await[0];
    assert_eq!(card["indicator"], "critical", "{card}");

    let mut absolute = condition("192970008", "Cauda equina syndrome", None);
    absolute["subject"]["reference"] = json!(format!(
        "http://hooks.smarthealthit.org:9080/Patient/{PATIENT}"
    ));
    let card = &cards(&app, &call(vec![absolute], "1970-05-01")).await[0];
    assert_eq!(card["indicator"], "critical", "on the call's fhirServer");

    for other in [
        format!("xPatient/{PATIENT}"),
        format!("https://elsewhere.example/Patient/{PATIENT}"),
        format!("Group/{PATIENT}"),
    ] {
        let mut c = condition("279039007", "Low back pain", None);
        c["subject"]["reference"] = json!(other);
        app.send(
            Method::POST,
            SERVICE,
            Some("application/json"),
            call(vec![c], "1970-05-01").to_string(),
        )
        .await
        .problem(400);
    }

    let mut nobody = condition("192970008", "Cauda equina syndrome", None);
    nobody.as_object_mut().unwrap().remove("subject");
    // Born 1990: no age sign of its own, so only the conditions speak.
    let body = call(
        vec![nobody, condition("279039007", "Low back pain", None)],
        "1990-05-01",
    );
    let card = &cards(&app, &body).await[0];
    assert_eq!(
        card["indicator"], "info",
        "a Condition naming nobody must not fire a red flag"
    );
    let detail = card["detail"].as_str().unwrap();
    assert!(detail.contains("names no subject: not used"), "{detail}");
}

#[tokio::test]
async fn record_text_cannot_inject_markdown_into_a_card() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let app = TestApp::embedded();
    let nasty = [
        "# Heading\n## Another\n\n---",
        "[click](javascript:alert(1))",
        "![pixel](https://evil.example/p.png)",
        "<img src=x onerror=alert(1)> &amp; <script>",
        "see www.evil.example or mail me@evil.example, https://evil.example",
        "`code` *emph* _u_ | a | b |\r\n- item\u{2028}> quote",
    ];
    let mut conditions = vec![condition("279039007", "Low back pain", None)];
    for (i, text) in nasty.iter().enumerate() {
        conditions.push(json!({"resourceType": "Condition", "subject": {"reference": format!("Patient/{PATIENT}")},
            "code": {"text": text}}));
        conditions.push(json!({"resourceType": "Condition", "subject": {"reference": format!("Patient/{PATIENT}")},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": format!("<b>{i}</b>"), "display": text}]}}));
    }
    let mut body = call(conditions, "1980-01-01");
    body["prefetch"]["x`](javascript:alert(1))\n# H"] = json!({"resourceType": "Observation"});
    let detail = cards(&app, &body).await[0]["detail"]
        .as_str()
        .unwrap()
        .to_owned();

    let ours = ["Massage", "Routine", "Cautions", "From the record"];
    let mut heading = None::<String>;
    let mut text = String::new();
    for event in Parser::new_ext(&detail, Options::all()) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(pulldown_cmark::TagEnd::Heading(_)) => {
                let h = heading.take().unwrap();
                assert!(
                    ours.iter().any(|o| h.starts_with(o)),
                    "a heading from the record: {h:?}\n{detail}"
                );
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                panic!("a link or image to {dest_url} in:\n{detail}")
            }
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML {h:?} in:\n{detail}"),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                text.push_str(&t);
            }
            _ => {}
        }
    }
    // GitHub Flavored Markdown links bare URLs, addresses and www. by itself.
    for bare in ["://", "www.", "@evil"] {
        assert!(!text.contains(bare), "`{bare}` left linkable in:\n{detail}");
    }
    assert!(
        !detail.contains("<b>"),
        "a code that is not digits was pasted in"
    );
    assert!(
        text.contains("[click](javascript\\:alert(1))")
            || text.contains("[click](javascript:alert(1))"),
        "record text is shown as text:\n{text}"
    );
    assert!(text.contains("a code that is not a SNOMED CT id"), "{text}");
}
