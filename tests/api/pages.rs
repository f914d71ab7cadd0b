//! Pages for people: the same URLs answer HTML to browsers and JSON to
//! everyone else, and a recommendation can be a printable handout.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

use crate::helpers::TestApp;

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn get_as(app: &TestApp, uri: &str, accept: Option<&str>) -> crate::helpers::TestResponse {
    let mut request = Request::get(uri);
    if let Some(a) = accept {
        request = request.header("accept", a);
    }
    app.request(request.body(Body::empty()).unwrap()).await
}

fn text(r: &crate::helpers::TestResponse) -> String {
    String::from_utf8(r.body.clone()).unwrap()
}

#[tokio::test]
async fn browsers_get_pages_and_api_clients_json() {
    let app = TestApp::embedded();
    for uri in [
        "/exercises/cat-cow",
        "/conditions/sciatica",
        "/red-flags/saddle-numbness",
        "/exercises",
        "/conditions",
        "/red-flags",
        "/exercises?area=hips",
    ] {
        let page = get_as(&app, uri, Some(BROWSER)).await;
        assert_eq!(page.status, 200, "{uri}");
        assert!(
            page.header("content-type")
                .unwrap()
                .starts_with("text/html"),
            "{uri}"
        );
        assert_eq!(page.header("vary"), Some("Accept"), "{uri}");
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'none'")
                && !csp.contains("unsafe")
                && !csp.contains("script-src"),
            "{csp}"
        );
        let html = text(&page);
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"en\">"),
            "{uri}"
        );
        assert!(
            html.contains("name=\"viewport\""),
            "{uri}: readable on a phone"
        );
        assert!(!html.contains("<script"), "{uri}: no scripts");
        for accept in [None, Some("*/*"), Some("application/json")] {
            let json = get_as(&app, uri, accept).await;
            assert_eq!(
                json.header("content-type"),
                Some("application/json"),
                "{uri} {accept:?}"
            );
            assert_eq!(json.header("vary"), Some("Accept"), "{uri}");
            assert_ne!(
                json.header("etag"),
                page.header("etag"),
                "{uri}: HTML and JSON are different representations"
            );
        }
        // The page's own ETag revalidates it.
        let mut again = Request::get(uri).header("accept", BROWSER);
        again = again.header("if-none-match", page.header("etag").unwrap());
        assert_eq!(
            app.request(again.body(Body::empty()).unwrap()).await.status,
            304,
            "{uri}"
        );
    }
    let missing = get_as(&app, "/exercises/no-such", Some(BROWSER)).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn an_exercise_page_holds_what_a_person_needs() {
    let app = TestApp::embedded();
    let e = app.get("/exercises/knee-to-chest").await.json();
    let html = text(&get_as(&app, "/exercises/knee-to-chest", Some(BROWSER)).await);
    assert!(
        html.contains("/exercises/knee-to-chest/illustration.svg"),
        "illustration"
    );
    for step in e["steps"].as_array().unwrap() {
        let step = step
            .as_str()
            .unwrap()
            .replace('\'', "&#39;")
            .replace('"', "&quot;");
        assert!(
            html.contains(&step) || html.contains(&step.replace("&#39;", "'")),
            "step {step}"
        );
    }
    for field in ["feel", "benefit"] {
        assert!(html.contains(e[field].as_str().unwrap()), "{field}");
    }
    for v in e["harder"]
        .as_array()
        .unwrap()
        .iter()
        .chain(e["easier"].as_array().unwrap())
    {
        assert!(
            html.contains(&format!("href=\"/exercises/{}\"", v.as_str().unwrap())),
            "variant link {v}"
        );
    }
    // Keyed cautions say who they are for.
    assert!(html.contains("For osteoporosis"), "keyed caution labelled");
    assert!(html.contains("Sources"));
    // List pages link to entity pages.
    let list = text(&get_as(&app, "/exercises", Some(BROWSER)).await);
    assert!(list.contains("href=\"/exercises/cat-cow\""));
}

#[tokio::test]
async fn a_recommendation_is_a_printable_handout_when_a_browser_asks() {
    let app = TestApp::embedded();
    let body = json!({"pain": {"duration": "chronic", "intensity": 4, "areas": ["lower_back", "hips"]},
        "conditions": ["prolonged-sitting"], "preferences": {"minutes_per_day": 15}});
    let plan = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            body.to_string(),
        )
        .await
        .json();
    let request = Request::post("/recommendation")
        .header("content-type", "application/json")
        .header("accept", BROWSER)
        .body(Body::from(body.to_string()))
        .unwrap();
    let r = app.request(request).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(
        r.header("cache-control"),
        Some("no-store"),
        "a person's plan is never cached"
    );
    let html = text(&r);
    assert!(
        html.contains(plan["triage"]["message"].as_str().unwrap()),
        "triage first"
    );
    let triage_at = html
        .find(plan["triage"]["message"].as_str().unwrap())
        .unwrap();
    for s in plan["routine"]["sessions"].as_array().unwrap() {
        for i in s["items"].as_array().unwrap() {
            let name = i["name"].as_str().unwrap();
            let at = html.find(name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(at > triage_at, "{name} before the triage message");
            assert!(html.contains(&format!(
                "/exercises/{}/illustration.svg",
                i["exercise_id"].as_str().unwrap()
            )));
        }
    }
    assert!(html.contains("When to stop and get help") && html.contains("Sources"));
    // Nothing from the request goes into a URL.
    for href in html
        .split("href=\"")
        .skip(1)
        .chain(html.split("src=\"").skip(1))
    {
        let url = href.split('"').next().unwrap();
        assert!(!url.contains('?'), "a URL with a query: {url}");
    }
    // An urgent answer is a handout that says only what to do now.
    let urgent = json!({"pain": {"duration": "acute", "intensity": 8, "areas": ["lower_back"]}, "red_flags": ["saddle-numbness"]});
    let request = Request::post("/recommendation")
        .header("content-type", "application/json")
        .header("accept", "text/html")
        .body(Body::from(urgent.to_string()))
        .unwrap();
    let html = text(&app.request(request).await);
    assert!(
        html.contains("Emergency") && !html.contains("Every day"),
        "no plan in an emergency handout"
    );
}

/// The README shows an illustration; it is the service's own, so a change
/// to the pose or the renderer rewrites it here and fails until committed.
#[tokio::test]
async fn the_readme_illustration_is_the_one_the_service_draws() {
    let app = TestApp::embedded();
    let served = app.get("/exercises/cat-cow/illustration.svg").await;
    assert_eq!(served.status, 200);
    let path = crate::helpers::repo_root().join("docs/images/cat-cow.svg");
    let committed = std::fs::read(&path).unwrap_or_default();
    if committed != served.body {
        std::fs::write(&path, &served.body).unwrap();
        panic!("docs/images/cat-cow.svg was out of date and has been rewritten; commit it");
    }
}
