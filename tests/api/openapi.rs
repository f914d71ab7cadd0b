//! The committed OpenAPI document is what the code generates.

use crate::helpers::{TestApp, repo_root};

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
