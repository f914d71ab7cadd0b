//! Every error is RFC 9457 problem+json, including the router's own.

use axum::http::Method;

use crate::helpers::TestApp;

#[tokio::test]
async fn unknown_ids_are_404_naming_the_id() {
    let app = TestApp::fixture();
    for (uri, kind) in [
        ("/conditions/nope", "condition"),
        ("/red-flags/nope", "red flag"),
        ("/techniques/nope", "technique"),
        ("/exercises/nope", "exercise"),
        ("/sources/nope", "source"),
        ("/exercises/..%2F..%2Fetc%2Fpasswd", "exercise"),
    ] {
        let problem = app.get(uri).await.problem(404);
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(kind), "{uri}: {detail}");
    }
}

#[tokio::test]
async fn unknown_routes_are_404_problems() {
    let app = TestApp::fixture();
    for uri in ["/", "/nope", "/exercises/a/b", "/EXERCISES"] {
        let problem = app.get(uri).await.problem(404);
        assert_eq!(
            problem["type"], "https://backcare.dev/problems/not-found",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn wrong_methods_are_405_problems_with_allow() {
    let app = TestApp::fixture();
    for (method, uri) in [
        (Method::POST, "/exercises"),
        (Method::DELETE, "/exercises/chair-reach"),
        (Method::PUT, "/conditions"),
        (Method::PATCH, "/healthz"),
    ] {
        let response = app.send(method.clone(), uri, None, "").await;
        response.problem(405);
        let allow = response
            .header("allow")
            .unwrap_or_else(|| panic!("{method} {uri}: no Allow header"));
        assert!(allow.contains("GET"), "{method} {uri}: Allow is {allow}");
    }
}

#[tokio::test]
async fn errors_are_never_cached() {
    let app = TestApp::fixture();
    for uri in ["/nope", "/exercises/nope", "/exercises?area=nowhere"] {
        let response = app.get(uri).await;
        assert_eq!(response.header("cache-control"), Some("no-store"), "{uri}");
        assert!(
            response.header("etag").is_none(),
            "{uri}: errors carry no ETag"
        );
    }
}
