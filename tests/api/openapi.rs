//! The committed OpenAPI document is what the code generates, and its CDS
//! Hooks examples are what the service answers.

use axum::http::Method;
use backcare::catalog::Catalog;
use backcare::http::cds;
use backcare::http::{AppState, Settings, app_with};
use serde_json::Value;

use crate::helpers::{TestApp, repo_root, without_cds_auth};

/// Like rust-analyzer's `ensure_file_contents`: rewrite the committed file and
/// fail, so a local `cargo test` both fixes the drift and says to commit it.
#[test]
fn committed_openapi_matches_the_code() {
    let path = repo_root().join("openapi/openapi.json");
    let generated = format!("{}\n", backcare::http::openapi_json());
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        panic!(
            "openapi/openapi.json was out of date and has been regenerated; review and commit it \
             (or run `cargo run -- openapi > openapi/openapi.json`)"
        );
    }
}

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let app = TestApp::fixture();
    let served = app.get("/openapi.json").await.json();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("openapi/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(served, committed);
    assert_eq!(served["openapi"], "3.1.0");
}

#[test]
fn every_operation_documents_its_errors_and_a_summary() {
    let spec: serde_json::Value = serde_json::from_str(backcare::http::openapi_json()).unwrap();
    let mut operation_ids = std::collections::BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            assert!(
                operation_ids.insert(id.to_owned()),
                "{method} {path}: operationId {id} is not unique"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path}: no summary"
            );
            assert!(
                op["description"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path}: no description"
            );
            let responses = op["responses"].as_object().unwrap();
            for (status, response) in responses {
                if status.starts_with('4') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status}: errors must be documented as problem+json"
                    );
                }
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path}: no 404");
            } else if op["parameters"].as_array().is_some_and(|p| !p.is_empty()) {
                assert!(responses.contains_key("400"), "{method} {path}: no 400");
            }
        }
    }
}

/// The app as the CDS examples were computed: the embedded catalog, card
/// links on the examples' public URL, and no token checking (the examples
/// document the bodies; `cds_security.rs` tests the tokens).
fn cds_example_app() -> TestApp {
    let settings = Settings {
        public_url: Some(cds::examples::PUBLIC_URL.to_owned()),
        ..without_cds_auth()
    };
    let catalog = Catalog::embedded().expect("the embedded content is valid");
    TestApp::from_router(app_with(AppState::new(catalog), &settings))
}

/// The values of an OpenAPI media object's `examples`, by name.
fn examples_at(media: &Value) -> Vec<(String, Value)> {
    media["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, ex)| (name.clone(), ex["value"].clone()))
        .collect()
}

async fn post_json(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let answer = app
        .send(
            Method::POST,
            path,
            Some("application/json"),
            body.to_string(),
        )
        .await;
    (answer.status.as_u16(), answer.json())
}

/// Every CDS Hooks operation documents an example of its request body (when
/// it takes one) and of its 200 answer, and the examples are what the code
/// answers: discovery exactly; the call example exactly, but for the card's
/// id, which is fresh on every call and must be one this service issued;
/// the call with another patient's Condition, the documented 400; the feedback examples as written get the documented 400 (their card id
/// is the example answer's, which this process did not issue), and on the
/// card the call just got, the documented 200 receipt.
#[tokio::test]
async fn cds_examples_are_what_the_service_answers() {
    let app = cds_example_app();
    let spec = app.get("/openapi.json").await.json();
    let cds: Vec<(&String, &Value)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.starts_with("/cds-services"))
        .collect();
    assert_eq!(cds.len(), 3, "discovery, the call and feedback");
    for (path, item) in &cds {
        for (method, op) in item.as_object().unwrap() {
            let request = &op["requestBody"]["content"]["application/json"];
            if !op["requestBody"].is_null() {
                assert!(
                    !examples_at(request).is_empty(),
                    "{method} {path}: no request example"
                );
            }
            let ok = &op["responses"]["200"]["content"]["application/json"];
            assert!(
                !examples_at(ok).is_empty(),
                "{method} {path}: no 200 example"
            );
        }
    }
    let op = |path: &str, method: &str| spec["paths"][path][method].clone();
    let body_examples = |op: &Value| examples_at(&op["requestBody"]["content"]["application/json"]);
    let answers = |op: &Value, status: &str, ctype: &str| {
        examples_at(&op["responses"][status]["content"][ctype])
    };

    let discovery = op("/cds-services", "get");
    let served = app.get("/cds-services").await;
    assert_eq!(served.status, 200);
    assert_eq!(
        vec![served.json()],
        answers(&discovery, "200", "application/json")
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
    );

    let service = "/cds-services/back-pain-relief";
    let call = op(service, "post");
    let documented = answers(&call, "200", "application/json");
    let mut card = None;
    for (name, body) in body_examples(&call) {
        let expected = &documented
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no 200 example named {name:?}"))
            .1;
        let (status, mut got) = post_json(&app, service, &body).await;
        assert_eq!(status, 200, "{name}: {got}");
        for (got, expected) in got["cards"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .zip(expected["cards"].as_array().unwrap())
        {
            let id = got["uuid"].as_str().unwrap().to_owned();
            assert!(cds::card_id::issued(&id), "{name}: card id {id}");
            assert_ne!(got["uuid"], expected["uuid"], "{name}: ids are fresh");
            got["uuid"] = expected["uuid"].clone();
            card.get_or_insert(id);
        }
        assert_eq!(&got, expected, "{name}: the answer is not the example");
    }
    let (status, got) = post_json(&app, service, &cds::examples::another_patients_call()).await;
    assert_eq!(status, 400, "{got}");
    assert_eq!(
        answers(&call, "400", "application/problem+json"),
        [("another patient's condition".to_owned(), got)]
    );

    assert!(card.is_some(), "the call example gets a card");
    // A card counts once, so each example is sent about a card of its own.
    let call_example = body_examples(&call)
        .into_iter()
        .next()
        .expect("a call example")
        .1;
    let feedback_path = format!("{service}/feedback");
    let feedback = op(&feedback_path, "post");
    let receipts = answers(&feedback, "200", "application/json");
    let refusals: Vec<Value> = answers(&feedback, "400", "application/problem+json")
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    for (name, body) in body_examples(&feedback) {
        let (status, got) = post_json(&app, &feedback_path, &body).await;
        assert_eq!(status, 400, "{name} as written: {got}");
        assert!(refusals.contains(&got), "{name} as written: {got}");
        let (_, answer) = post_json(&app, service, &call_example).await;
        let card = answer["cards"][0]["uuid"]
            .as_str()
            .expect("the call example gets a card")
            .to_owned();
        let ours = cds::examples::naming(&body, &card);
        let (status, got) = post_json(&app, &feedback_path, &ours).await;
        assert_eq!(status, 200, "{name}: {got}");
        assert!(
            receipts.iter().any(|(n, v)| *n == name && *v == got),
            "{name}: {got} is not the documented receipt"
        );
    }
}
