//! Production hardening: the middleware stack, safe reloads and a battery
//! of hostile input, each answered with a problem and the server still up.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use axum::routing::get;
use backcare::catalog::Catalog;
use backcare::http::{AppState, Settings, middleware};
use tower::ServiceExt;

use crate::helpers::{TestApp, fixture_copy, repo_root};

fn state() -> AppState {
    AppState::new(Catalog::embedded().unwrap())
}

/// A router with test-only routes behind the real middleware stack.
fn stack(settings: &Settings) -> Router {
    let state = state();
    let routes = Router::new()
        .route(
            "/boom",
            get(|| async {
                // A handler bug as it would happen in real code: an index out of range.
                let empty: Vec<&'static str> = Vec::new();
                empty[std::hint::black_box(0)]
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "done"
            }),
        )
        .route("/healthz", get(|| async { "ok" }));
    middleware::apply(routes, &state, settings).with_state(state)
}

async fn call(router: &Router, request: Request<Body>) -> crate::helpers::TestResponse {
    let app = TestApp::from_router(router.clone());
    app.request(request).await
}

#[tokio::test]
async fn a_panic_is_a_500_problem_and_the_stack_keeps_serving() {
    let router = stack(&Settings::default());
    let response = call(&router, Request::get("/boom").body(Body::empty()).unwrap()).await;
    let problem = response.problem(500);
    assert!(
        !problem["detail"]
            .as_str()
            .unwrap()
            .contains("index out of bounds"),
        "panic text stays in the log"
    );
    let again = call(&router, Request::get("/slow").body(Body::empty()).unwrap()).await;
    assert_eq!(again.status, 200);
}

#[tokio::test]
async fn a_slow_request_times_out_with_a_503_problem() {
    let settings = Settings {
        request_timeout: Duration::from_millis(50),
        ..Settings::default()
    };
    let response = call(
        &stack(&settings),
        Request::get("/slow").body(Body::empty()).unwrap(),
    )
    .await;
    response.problem(503);
    assert!(response.header("retry-after").is_some());
}

/// A stack that serves one request at a time, with that one slot held by a
/// slow request in flight; the handle yields the slow request's status.
async fn one_slot_taken() -> (Router, tokio::task::JoinHandle<axum::http::StatusCode>) {
    let settings = Settings {
        concurrency_limit: 1,
        ..Settings::default()
    };
    let router = stack(&settings);
    let first = tokio::spawn({
        let router = router.clone();
        async move {
            router
                .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
                .await
                .unwrap()
                .status()
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    (router, first)
}

#[tokio::test]
async fn saturation_sheds_load_with_503_and_retry_after() {
    let (router, first) = one_slot_taken().await;
    let second = call(&router, Request::get("/slow").body(Body::empty()).unwrap()).await;
    second.problem(503);
    assert_eq!(second.header("retry-after"), Some("1"));
    assert_eq!(first.await.unwrap(), 200, "the request in flight finishes");
}

#[tokio::test]
async fn the_body_limit_is_configurable_and_answered_413() {
    let settings = Settings {
        body_limit: 100,
        ..Settings::default()
    };
    let app = TestApp::from_router(backcare::http::app_with(state(), &settings));
    let body = format!(
        "{{\"pain\": {{\"duration\": \"acute\", \"intensity\": 1, \"areas\": [\"leg\"]}}, \"x\": \"{}\"}}",
        "a".repeat(200)
    );
    let problem = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            body,
        )
        .await
        .problem(413);
    assert!(problem["detail"].as_str().unwrap().contains("100 bytes"));
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::embedded();
    let given = app
        .request(
            Request::get("/healthz")
                .header("x-request-id", "trace-42")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(given.header("x-request-id"), Some("trace-42"));
    let made = app.get("/healthz").await;
    let id = made.header("x-request-id").expect("an id is generated");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let next = app.get("/healthz").await;
    assert_ne!(next.header("x-request-id"), Some(id), "ids are unique");
    let flood = "x".repeat(500);
    let replaced = app
        .request(
            Request::get("/healthz")
                .header("x-request-id", flood.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        replaced.header("x-request-id").map(str::len),
        Some(32),
        "an over-long id is replaced, not echoed into the logs"
    );
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::embedded();
    for encoding in ["gzip", "br"] {
        let response = app
            .request(
                Request::get("/exercises?limit=20")
                    .header(header::ACCEPT_ENCODING, encoding)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(response.header("content-encoding"), Some(encoding));
    }
    assert_eq!(
        app.get("/exercises?limit=20")
            .await
            .header("content-encoding"),
        None
    );
}

#[tokio::test]
async fn security_headers_and_a_relaxed_policy_only_for_docs() {
    let app = TestApp::embedded();
    let api = app.get("/exercises").await;
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        api.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
    let docs = app.get("/docs/").await;
    assert!(
        docs.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    let error = app.get("/nope").await;
    assert_eq!(error.header("cache-control"), Some("no-store"));
    assert_eq!(error.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let settings = Settings {
        cors_origins: vec!["https://app.example".parse().unwrap()],
        ..Settings::default()
    };
    let app = TestApp::from_router(backcare::http::app_with(state(), &settings));
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/recommendation")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .body(Body::empty())
            .unwrap()
    };
    let allowed = app.request(preflight("https://app.example")).await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let refused = app.request(preflight("https://evil.example")).await;
    assert_eq!(refused.header("access-control-allow-origin"), None);
    let default = TestApp::embedded();
    let none = default
        .request(
            Request::get("/exercises")
                .header(header::ORIGIN, "https://app.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        none.header("access-control-allow-origin"),
        None,
        "no CORS unless configured"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let state = state();
    let app = TestApp::from_router(backcare::http::app_with(
        state.clone(),
        &Settings::default(),
    ));
    app.get("/exercises/cat-cow").await;
    app.get("/exercises/nope").await;
    let admin = TestApp::from_router(backcare::http::admin(state));
    let text = String::from_utf8(admin.get("/metrics").await.body).unwrap();
    for line in [
        "backcare_http_requests_total{route=\"/exercises/{id}\",method=\"GET\",status=\"200\"} 1",
        "backcare_http_requests_total{route=\"/exercises/{id}\",method=\"GET\",status=\"404\"} 1",
        "backcare_http_requests_in_flight 0",
        "backcare_catalog_entities{kind=\"exercises\"}",
        "backcare_http_request_duration_seconds_count{route=\"/exercises/{id}\"} 2",
        "backcare_build_info{version=\"",
    ] {
        assert!(text.contains(line), "missing {line} in:\n{text}");
    }
    // Process metrics with values an operator can trust: memory in bytes
    // well above a page, descriptors open now, a start time after 2020.
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("missing {name} in:\n{text}"))
            .parse()
            .unwrap()
    };
    assert!(value("process_resident_memory_bytes") > 1e6);
    assert!(value("process_open_fds") >= 3.0);
    assert!(value("process_max_fds") >= value("process_open_fds"));
    assert!(value("process_cpu_seconds_total") > 0.0);
    assert!(value("process_start_time_seconds") > 1.6e9);
    assert_eq!(
        app.get("/metrics").await.status,
        404,
        "metrics are not on the public router"
    );
}

#[tokio::test]
async fn made_up_methods_count_as_other_and_add_no_series() {
    let state = state();
    let app = TestApp::from_router(backcare::http::app_with(
        state.clone(),
        &Settings::default(),
    ));
    let admin = TestApp::from_router(backcare::http::admin(state));
    let send = |method: &str, uri: &str| {
        Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(uri)
            .body(Body::empty())
            .unwrap()
    };
    app.request(send("GET", "/exercises")).await;
    let before = admin.get("/metrics").await.body.len();
    for i in 0..500 {
        app.request(send(&format!("MADEUP{i}"), "/exercises")).await;
        app.request(send(&format!("MADEUP{i}"), &format!("/nowhere/{i}")))
            .await;
    }
    let text = String::from_utf8(admin.get("/metrics").await.body).unwrap();
    assert!(!text.contains("MADEUP"), "a made-up method became a label");
    assert!(!text.contains("/nowhere"), "a raw path became a label");
    for line in [
        "backcare_http_requests_total{route=\"/exercises\",method=\"other\",status=\"405\"} 500",
        "backcare_http_requests_total{route=\"<unmatched>\",method=\"other\",status=\"404\"} 500",
    ] {
        assert!(text.contains(line), "missing {line} in:\n{text}");
    }
    // Two new series (one per route) and a histogram for `<unmatched>`, not
    // a thousand series.
    assert!(
        text.len() < before + 2_000,
        "metrics grew from {before} to {} bytes",
        text.len()
    );
}

#[tokio::test]
async fn reload_swaps_good_content_and_keeps_serving_on_bad() {
    let dir = content_copy("reload");
    let state = AppState::new(backcare::content::load(Some(&dir)).unwrap());
    let app = TestApp::from_router(backcare::http::app_with(
        state.clone(),
        &Settings::default(),
    ));
    let before = app.get("/readyz").await.json()["catalog_version"].clone();
    let tag_before = app
        .get("/exercises/cat-cow")
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    // Served twice, so the page is assembled once and kept.
    let list = "/exercises?area=lower_back&kind=mobility";
    let minutes_in_list = |body: serde_json::Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "cat-cow")
            .map(|x| x["minutes"].clone())
    };
    assert_eq!(minutes_in_list(app.get(list).await.json()), Some(2.into()));
    assert_eq!(minutes_in_list(app.get(list).await.json()), Some(2.into()));

    // A good edit is swapped in: new version, new ETag, new content.
    let path = dir.join("exercises/cat-cow.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"minutes\": 2", "\"minutes\": 3", 1)).unwrap();
    let version = backcare::content::reload(&state, &dir).expect("good content reloads");
    let after = app.get("/readyz").await.json()["catalog_version"].clone();
    assert_ne!(before, after);
    assert_eq!(after, version);
    let cat_cow = app.get("/exercises/cat-cow").await;
    assert_ne!(cat_cow.header("etag").unwrap(), tag_before);
    assert_eq!(cat_cow.json()["minutes"], 3);
    assert_eq!(
        minutes_in_list(app.get(list).await.json()),
        Some(3.into()),
        "a list page kept for the old catalog was served after a reload"
    );

    // A bad edit is refused; the previous catalog is still served.
    std::fs::write(dir.join("exercises/broken.json"), "{not json").unwrap();
    assert!(backcare::content::reload(&state, &dir).is_err());
    assert_eq!(app.get("/readyz").await.json()["catalog_version"], after);
    assert_eq!(app.get("/exercises/cat-cow").await.status, 200);
    assert_eq!(state.metrics().reloads(), (1, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_racing_reloads_never_fail() {
    let dir = content_copy("reload-race");
    let state = AppState::new(backcare::content::load(Some(&dir)).unwrap());
    let app = Arc::new(TestApp::from_router(backcare::http::app_with(
        state.clone(),
        &Settings::default(),
    )));
    let total = app.get("/exercises?limit=500").await.json()["total"].clone();
    let reloader = {
        let (state, dir) = (state.clone(), dir.clone());
        tokio::task::spawn_blocking(move || {
            for i in 0..20 {
                if i % 3 == 0 {
                    std::fs::write(dir.join("exercises/broken.json"), "{").unwrap();
                } else {
                    let _ = std::fs::remove_file(dir.join("exercises/broken.json"));
                }
                let _ = backcare::content::reload(&state, &dir);
            }
        })
    };
    let body = serde_json::json!({"pain": {"duration": "chronic", "intensity": 4, "areas": ["lower_back"]}, "conditions": ["sciatica"]}).to_string();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (app, body, total) = (app.clone(), body.clone(), total.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..25 {
                let r = app
                    .send(
                        Method::POST,
                        "/recommendation",
                        Some("application/json"),
                        body.clone(),
                    )
                    .await;
                assert_eq!(r.status, 200);
                let e = app.get("/exercises?limit=500").await;
                assert_eq!(e.status, 200);
                let etag = e.header("etag").unwrap().trim_matches('"').to_owned();
                assert_eq!(
                    e.json()["total"],
                    total,
                    "every answer comes from a whole, valid catalog"
                );
                assert!(!etag.is_empty());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    reloader.await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch copy of the real content (over the fixture files) to edit and reload.
fn content_copy(name: &str) -> std::path::PathBuf {
    let dir = fixture_copy(name);
    for kind in [
        "sources",
        "conditions",
        "red-flags",
        "techniques",
        "exercises",
        "escalations",
        "education",
        "policy",
    ] {
        copy_kind(&repo_root().join("content").join(kind), &dir.join(kind));
    }
    dir
}

fn copy_kind(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[tokio::test]
async fn hostile_input_gets_problems_and_the_server_keeps_serving() {
    let app = TestApp::embedded();
    let json = Some("application/json");
    let post = |ct: Option<&'static str>, body: Vec<u8>| {
        app.send(Method::POST, "/recommendation", ct, body)
    };
    let valid = r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}}"#;
    let cases: Vec<(&str, Option<&'static str>, Vec<u8>, u16)> = vec![
        ("truncated", json, valid.as_bytes()[..20].to_vec(), 400),
        ("trailing garbage", json, format!("{valid} x").into_bytes(), 400),
        ("empty", json, vec![], 400),
        ("invalid utf-8", json, b"{\"pain\": \"\xff\xfe\"}".to_vec(), 400),
        ("deep nesting", json, format!("{}{}", "{\"a\":".repeat(3000), "}".repeat(3000)).into_bytes(), 400),
        ("wrong type", json, br#"{"pain": [1, 2, 3]}"#.to_vec(), 422),
        ("huge number", json, br#"{"pain": {"duration": "acute", "intensity": 1e999, "areas": ["leg"]}}"#.to_vec(), 400),
        ("negative", json, br#"{"pain": {"duration": "acute", "intensity": -1, "areas": ["leg"]}}"#.to_vec(), 422),
        ("long string", json, format!(r#"{{"pain": {{"duration": "{}", "intensity": 1, "areas": ["leg"]}}}}"#, "a".repeat(50_000)).into_bytes(), 422),
        ("many ids", json, format!(r#"{{"pain": {{"duration": "acute", "intensity": 1, "areas": ["leg"]}}, "conditions": [{}]}}"#, vec!["\"sciatica\""; 1000].join(",")).into_bytes(), 422),
        ("unknown field", json, br#"{"pain": {"duration": "acute", "intensity": 1, "areas": ["leg"], "severity": 9}}"#.to_vec(), 422),
        ("duplicate keys", json, br#"{"pain": {"duration": "acute", "duration": "chronic", "intensity": 1, "areas": ["leg"]}}"#.to_vec(), 422),
        ("null body", json, b"null".to_vec(), 422),
        ("xml", Some("application/xml"), b"<pain/>".to_vec(), 415),
        ("form", Some("application/x-www-form-urlencoded"), b"pain=1".to_vec(), 415),
    ];
    for (name, ct, body, status) in cases {
        let response = post(ct, body).await;
        assert_eq!(
            response.status.as_u16(),
            status,
            "{name}: {}",
            String::from_utf8_lossy(&response.body)
        );
        response.problem(status);
    }
    for uri in [
        "/exercises/..%2F..%2Fetc%2Fpasswd",
        "/exercises/%2e%2e",
        "/sources/%00",
        &format!("/exercises/{}", "a".repeat(5000)),
    ] {
        let response = app.get(uri).await;
        assert!(
            response.status == 404 || response.status == 400,
            "{uri}: {}",
            response.status
        );
        response.problem(response.status.as_u16());
    }
    let long_query = format!("/exercises?q={}", "x".repeat(20_000));
    app.get(&long_query).await.problem(400);
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        app.send(method, "/recommendation", json, valid)
            .await
            .problem(405);
    }
    assert_eq!(
        app.send(Method::POST, "/recommendation", json, valid)
            .await
            .status,
        200,
        "still serving"
    );
}

/// Run in a child process by the test below: the panic hook is global, and
/// replacing it in this process would hide other tests' failure messages.
#[test]
#[ignore = "run by panics_are_logged_in_one_line_without_their_message"]
fn panic_hook_child() {
    if std::env::var_os("BACKCARE_PANIC_CHILD").is_none() {
        return;
    }
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    middleware::log_panics();
    let _ = std::panic::catch_unwind(|| {
        let secret = std::hint::black_box("patient-name-from-a-request");
        panic!("bad value {secret}");
    });
}

#[test]
fn panics_are_logged_in_one_line_without_their_message() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hardening::panic_hook_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("BACKCARE_PANIC_CHILD", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !stderr.contains("patient-name-from-a-request"),
        "the panic message reached the log: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("panicked")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let line: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(line["level"], "ERROR");
    assert!(
        line["fields"]["location"]
            .as_str()
            .unwrap()
            .contains("tests/api/hardening.rs:"),
        "{line}"
    );
}

#[tokio::test]
async fn thousands_of_bad_fields_get_a_small_bounded_problem() {
    let app = TestApp::embedded();
    let unknown: Vec<String> = (0..5000).map(|i| format!("\"f{i:04}\": 0")).collect();
    let body = format!(
        r#"{{"pain": {{"duration": "acute", "intensity": 3, "areas": ["leg"]}}, {}}}"#,
        unknown.join(", ")
    );
    let response = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            body,
        )
        .await;
    let problem = response.problem(422);
    assert!(
        response.body.len() < 16 * 1024,
        "{} bytes",
        response.body.len()
    );
    assert_eq!(problem["errors"].as_array().unwrap().len(), 50);
    assert_eq!(problem["omitted_errors"], 4950);
    assert!(
        problem["detail"].as_str().unwrap().starts_with("5000 "),
        "{}",
        problem["detail"]
    );

    // A CDS call near its 1 MiB limit: 5,000 unknown fields with long names.
    let mut call = serde_json::json!({
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"patientId": "1"},
    });
    for i in 0..5000 {
        call[format!("{}{i}", "x".repeat(180))] = serde_json::json!("y".repeat(10));
    }
    let body = call.to_string();
    assert!(body.len() > 900 * 1024);
    let response = app
        .send(
            Method::POST,
            "/cds-services/back-pain-relief",
            Some("application/json"),
            body,
        )
        .await;
    let problem = response.problem(400);
    assert!(
        response.body.len() < 16 * 1024,
        "{} bytes",
        response.body.len()
    );
    assert_eq!(problem["omitted_errors"], 4950);
    let small = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "x": 1}"#,
        )
        .await
        .problem(422);
    assert!(small.get("omitted_errors").is_none(), "{small}");
}

#[tokio::test]
async fn a_record_with_thousands_of_conditions_gets_a_bounded_card() {
    let app = TestApp::embedded();
    let mut entries = vec![serde_json::json!({"resource": {
        "resourceType": "Condition", "subject": {"reference": "Patient/1"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "279039007", "display": "Low back pain"}]}
    }})];
    for i in 0..1200 {
        entries.push(serde_json::json!({"resource": {
            "resourceType": "Condition", "subject": {"reference": "Patient/1"},
            "code": {"text": format!("uncoded {i} {}", "t".repeat(150))}
        }}));
        entries.push(serde_json::json!({"resource": {
            "resourceType": "Condition", "subject": {"reference": "Patient/1"},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": format!("{}", 100_000_000 + i), "display": "d".repeat(150)}]}
        }}));
    }
    let mut prefetch =
        serde_json::json!({"conditions": {"resourceType": "Bundle", "entry": entries}});
    for i in 0..2000 {
        prefetch[format!("extra{i}")] = serde_json::json!({"resourceType": "Observation"});
    }
    let call = serde_json::json!({
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"patientId": "1"},
        "prefetch": prefetch,
    });
    let response = app
        .send(
            Method::POST,
            "/cds-services/back-pain-relief",
            Some("application/json"),
            call.to_string(),
        )
        .await;
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert!(
        response.body.len() < 16 * 1024,
        "{} bytes",
        response.body.len()
    );
    let detail = response.json()["cards"][0]["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("and 1180 more"), "{detail}");
    assert!(detail.contains("1980 more note(s) left out"), "{detail}");
}

/// A body that records whether anything ever read it.
fn watched_body(polled: &Arc<std::sync::atomic::AtomicBool>) -> Body {
    use http_body_util::BodyExt;
    let polled = polled.clone();
    Body::new(
        http_body_util::Full::new(bytes::Bytes::from_static(b"{}")).map_frame(move |frame| {
            polled.store(true, std::sync::atomic::Ordering::SeqCst);
            frame
        }),
    )
}

#[tokio::test]
async fn expect_continue_over_the_limit_is_413_unread_and_other_expectations_417() {
    let app = TestApp::embedded();
    let polled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for (uri, declared) in [
        ("/recommendation", 64 * 1024 + 1),
        ("/cds-services/back-pain-relief", 10_000_000),
    ] {
        let response = app
            .request(
                Request::post(uri)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::EXPECT, "100-continue")
                    .header(header::CONTENT_LENGTH, declared)
                    .body(watched_body(&polled))
                    .unwrap(),
            )
            .await;
        response.problem(413);
    }
    // hyper sends `100 Continue` only when the body is first read.
    assert!(
        !polled.load(std::sync::atomic::Ordering::SeqCst),
        "the body was read, so the client was told to send it"
    );
    let response = app
        .request(
            Request::post("/recommendation")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::EXPECT, "something-else")
                .body(watched_body(&polled))
                .unwrap(),
        )
        .await;
    response.problem(417);
    assert!(!polled.load(std::sync::atomic::Ordering::SeqCst));
    let ok = app
        .request(
            Request::post("/recommendation")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::EXPECT, "100-Continue")
                .body(Body::from(
                    r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}}"#,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(ok.status, 200, "a body within the limit is read as usual");
}

#[tokio::test]
async fn a_compressed_body_is_415() {
    let app = TestApp::embedded();
    let valid = r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}}"#;
    for encoding in ["gzip", "br", "deflate", "zstd", "identity, gzip"] {
        let problem = app
            .request(
                Request::post("/recommendation")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::CONTENT_ENCODING, encoding)
                    .body(Body::from(valid))
                    .unwrap(),
            )
            .await
            .problem(415);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("Content-Encoding"),
            "{encoding}: {problem}"
        );
    }
    let identity = app
        .request(
            Request::post("/recommendation")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_ENCODING, "identity")
                .body(Body::from(valid))
                .unwrap(),
        )
        .await;
    assert_eq!(identity.status, 200);
}

#[tokio::test]
async fn cors_preflight_answers_carry_the_security_headers() {
    let settings = Settings {
        cors_origins: vec!["https://app.example".parse().unwrap()],
        ..Settings::default()
    };
    let app = TestApp::from_router(backcare::http::app_with(state(), &settings));
    let preflight = app
        .request(
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/recommendation")
                .header(header::ORIGIN, "https://app.example")
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(preflight.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(preflight.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        preflight.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
    let docs = app.get("/docs/").await;
    assert!(
        docs.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'"),
        "the docs page keeps its own policy"
    );
}

#[tokio::test]
async fn request_ids_do_not_count_requests() {
    let app = TestApp::embedded();
    let mut ids = Vec::new();
    for _ in 0..64 {
        let id = app
            .get("/healthz")
            .await
            .header("x-request-id")
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 32, "{id}");
        ids.push(u128::from_str_radix(&id, 16).unwrap());
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "ids are unique");
    for pair in ids.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        // A counter, even behind a fixed prefix, shows as ids a small step
        // apart that share their leading digits.
        assert!(a.abs_diff(b) > 1 << 64, "{a:032x} then {b:032x}");
        assert_ne!(a >> 64, b >> 64, "{a:032x} then {b:032x}");
    }
}

#[tokio::test]
async fn probes_are_never_shed() {
    let (router, first) = one_slot_taken().await;
    call(&router, Request::get("/slow").body(Body::empty()).unwrap())
        .await
        .problem(503);
    let probe = call(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(probe.status, 200, "a busy replica is still alive");
    assert_eq!(first.await.unwrap(), 200);
}

mod listener {
    //! The public listener over real sockets: slow and idle clients, the
    //! connection cap, admission after the body, and the drain.

    use std::net::SocketAddr;
    use std::time::{Duration, Instant};

    use backcare::http::serve::{ServeSettings, Stopped, serve};
    use backcare::http::{AppState, Settings};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    struct Server {
        addr: SocketAddr,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        done: tokio::task::JoinHandle<Stopped>,
        state: AppState,
    }

    async fn start(settings: Settings, serving: ServeSettings) -> Server {
        let state = super::state();
        let app = backcare::http::app_with(state.clone(), &settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let done = tokio::spawn(serve(listener, app, state.clone(), serving, async move {
            let _ = stopped.await;
        }));
        Server {
            addr,
            stop: Some(stop),
            done,
            state,
        }
    }

    fn quick() -> ServeSettings {
        ServeSettings {
            header_timeout: Duration::from_millis(300),
            idle_timeout: Duration::from_millis(600),
            idle_timeout_when_full: Duration::from_millis(200),
            max_connections: 64,
            drain_delay: Duration::from_millis(0),
            shutdown_timeout: Duration::from_secs(2),
        }
    }

    /// Reads one response: its status and body.
    async fn response(stream: &mut TcpStream) -> (u16, String) {
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
                .await
                .expect("a response within 5 s")
                .unwrap();
            assert!(n > 0, "closed before a whole response: {bytes:?}");
            bytes.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_owned)
                    })
                    .map_or(0, |n| n.trim().parse::<usize>().unwrap());
                if body.len() >= length {
                    let status = head[9..12].parse().unwrap();
                    return (status, body[..length].to_owned());
                }
            }
        }
    }

    /// How long until the server closes `stream`, reading and dropping
    /// anything it sends first.
    async fn closed_after(stream: &mut TcpStream) -> Duration {
        let started = Instant::now();
        let mut chunk = [0u8; 1024];
        loop {
            match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await {
                Ok(Ok(0) | Err(_)) => return started.elapsed(),
                Ok(Ok(_)) => {}
                Err(_) => panic!("still open after 5 s"),
            }
        }
    }

    const GET_HEALTHZ: &str = "GET /healthz HTTP/1.1\r\nhost: test\r\n\r\n";

    /// `backcare healthcheck` (for a distroless image's HEALTHCHECK) is
    /// true exactly while the server answers /readyz with 200.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_healthcheck_command_asks_readyz() {
        let server = start(Settings::default(), quick()).await;
        let addr = server.addr;
        let check = move || backcare::health::check(addr, Duration::from_secs(2));
        assert_eq!(tokio::task::spawn_blocking(check).await.unwrap(), Ok(()));
        let mut unspecified = addr;
        unspecified.set_ip(std::net::Ipv4Addr::UNSPECIFIED.into());
        let on_loopback = move || backcare::health::check(unspecified, Duration::from_secs(2));
        assert_eq!(
            tokio::task::spawn_blocking(on_loopback).await.unwrap(),
            Ok(()),
            "0.0.0.0 is asked on loopback"
        );
        drop(server);
        let closed: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let refused = move || backcare::health::check(closed, Duration::from_millis(500));
        assert!(tokio::task::spawn_blocking(refused).await.unwrap().is_err());
    }

    #[tokio::test]
    async fn slow_heads_idle_connections_and_slow_bodies_are_timed_out() {
        let settings = Settings {
            body_timeout: Duration::from_millis(300),
            ..Settings::default()
        };
        let server = start(settings, quick()).await;

        // A head sent in part, then nothing.
        let mut slow = TcpStream::connect(server.addr).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: test\r\n")
            .await
            .unwrap();
        let waited = closed_after(&mut slow).await;
        assert!(waited < Duration::from_secs(2), "{waited:?}");

        // A connection that never sends a byte.
        let mut silent = TcpStream::connect(server.addr).await.unwrap();
        let waited = closed_after(&mut silent).await;
        assert!(waited < Duration::from_secs(2), "{waited:?}");

        // Keep-alive: served, then closed after the idle timeout, not the
        // shorter header timeout.
        let mut idle = TcpStream::connect(server.addr).await.unwrap();
        idle.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
        assert_eq!(response(&mut idle).await.0, 200);
        let waited = closed_after(&mut idle).await;
        assert!(
            waited >= Duration::from_millis(500) && waited < Duration::from_secs(3),
            "closed after {waited:?}; the idle timeout is 600 ms"
        );

        // A body that stops halfway is a 408 problem.
        let mut body = TcpStream::connect(server.addr).await.unwrap();
        body.write_all(
            b"POST /recommendation HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"pain\":",
        )
        .await
        .unwrap();
        let (status, problem) = response(&mut body).await;
        assert_eq!(status, 408, "{problem}");
        assert!(problem.contains("body-timeout"), "{problem}");
    }

    #[tokio::test]
    async fn connections_over_the_cap_get_a_503_and_the_cap_frees_up() {
        let serving = ServeSettings {
            max_connections: 2,
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            ..quick()
        };
        let server = start(Settings::default(), serving).await;
        let mut first = TcpStream::connect(server.addr).await.unwrap();
        first.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
        assert_eq!(response(&mut first).await.0, 200);
        let second = TcpStream::connect(server.addr).await.unwrap();
        let mut third = TcpStream::connect(server.addr).await.unwrap();
        let (status, problem) = response(&mut third).await;
        assert_eq!(status, 503, "{problem}");
        assert!(problem.contains("overloaded"), "{problem}");
        closed_after(&mut third).await;
        drop(second);
        drop(first);
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let mut again = TcpStream::connect(server.addr).await.unwrap();
            again.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
            if response(&mut again).await.0 == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "the cap never freed up");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let metrics = server
            .state
            .metrics()
            .render(server.state.catalog().catalog());
        assert!(
            metrics.contains("backcare_http_connections_refused_total 1"),
            "{metrics}"
        );
    }

    /// Once the connection limit is reached, connections with no request
    /// in progress are closed after the short full-house idle timeout, so
    /// a newcomer gets in within moments instead of after the long idle
    /// timeout; a request still arriving on another connection is not cut.
    #[tokio::test]
    async fn at_the_cap_idle_connections_make_room_and_requests_in_progress_finish() {
        let serving = ServeSettings {
            max_connections: 3,
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(30),
            idle_timeout_when_full: Duration::from_millis(200),
            ..quick()
        };
        let server = start(Settings::default(), serving).await;
        let mut idle = Vec::new();
        for _ in 0..2 {
            let mut c = TcpStream::connect(server.addr).await.unwrap();
            c.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
            assert_eq!(response(&mut c).await.0, 200);
            idle.push(c);
        }
        let body = r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}}"#;
        let mut arriving = TcpStream::connect(server.addr).await.unwrap();
        arriving
            .write_all(
                format!(
                    "POST /recommendation HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
                    body.len(),
                    &body[..10]
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut refused = TcpStream::connect(server.addr).await.unwrap();
        assert_eq!(response(&mut refused).await.0, 503);
        for c in &mut idle {
            let waited = closed_after(c).await;
            assert!(
                waited < Duration::from_secs(2),
                "idle connection kept {waited:?}"
            );
        }
        // A newcomer is served now, long before the 30 s idle timeout.
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let mut again = TcpStream::connect(server.addr).await.unwrap();
            again.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
            if response(&mut again).await.0 == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "no room was made");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The request whose body was still arriving was left alone.
        arriving.write_all(&body.as_bytes()[10..]).await.unwrap();
        assert_eq!(response(&mut arriving).await.0, 200);
    }

    /// A request head longer than the buffer allows is answered 431 and
    /// the connection closed at once, however much more the client sends:
    /// a connection holds at most that much of a head in memory.
    #[tokio::test]
    async fn a_head_longer_than_the_buffer_is_refused_at_once() {
        let serving = ServeSettings {
            header_timeout: Duration::from_secs(10),
            ..quick()
        };
        let server = start(Settings::default(), serving).await;
        let mut c = TcpStream::connect(server.addr).await.unwrap();
        let mut head = b"GET /healthz HTTP/1.1\r\nhost: test\r\nx-filler: ".to_vec();
        head.resize(backcare::http::serve::MAX_HEAD_BYTES + 16 * 1024, b'a');
        // The server may close while the tail is still being written.
        let _ = c.write_all(&head).await;
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(2), c.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "still open 2 s after an over-long head");
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 431"), "{text}");
        // Just under the limit is still a request.
        let mut ok = TcpStream::connect(server.addr).await.unwrap();
        let mut head = b"GET /healthz HTTP/1.1\r\nhost: test\r\nx-filler: ".to_vec();
        head.resize(backcare::http::serve::MAX_HEAD_BYTES - 1024, b'a');
        head.extend_from_slice(b"\r\n\r\n");
        ok.write_all(&head).await.unwrap();
        assert_eq!(response(&mut ok).await.0, 200);
    }

    #[tokio::test]
    async fn a_request_counts_against_the_limit_only_once_its_body_has_arrived() {
        let settings = Settings {
            concurrency_limit: 1,
            ..Settings::default()
        };
        let serving = ServeSettings {
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            ..quick()
        };
        let server = start(settings, serving).await;
        let body = r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}}"#;
        let head = format!(
            "POST /recommendation HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let mut slow = TcpStream::connect(server.addr).await.unwrap();
        slow.write_all(head.as_bytes()).await.unwrap();
        slow.write_all(&body.as_bytes()[..10]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut fast = TcpStream::connect(server.addr).await.unwrap();
        fast.write_all(format!("{head}{body}").as_bytes())
            .await
            .unwrap();
        let (status, answer) = response(&mut fast).await;
        assert_eq!(status, 200, "a slow upload held the only slot: {answer}");
        slow.write_all(&body.as_bytes()[10..]).await.unwrap();
        assert_eq!(response(&mut slow).await.0, 200);
    }

    #[tokio::test]
    async fn on_stop_the_service_is_not_ready_but_serves_for_the_drain_delay() {
        let serving = ServeSettings {
            drain_delay: Duration::from_millis(500),
            header_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            ..quick()
        };
        let mut server = start(Settings::default(), serving).await;
        let mut kept = TcpStream::connect(server.addr).await.unwrap();
        kept.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
        assert_eq!(response(&mut kept).await.0, 200);
        let stopped_at = Instant::now();
        server.stop.take().unwrap().send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut probe = TcpStream::connect(server.addr).await.unwrap();
        probe
            .write_all(b"GET /readyz HTTP/1.1\r\nhost: test\r\n\r\n")
            .await
            .unwrap();
        let (status, problem) = response(&mut probe).await;
        assert_eq!(status, 503, "{problem}");
        assert!(problem.contains("draining"), "{problem}");
        probe.write_all(GET_HEALTHZ.as_bytes()).await.unwrap();
        assert_eq!(response(&mut probe).await.0, 200, "still serving");
        // Then idle connections are closed and the listener is gone.
        let waited = closed_after(&mut kept).await;
        assert!(
            stopped_at.elapsed() >= Duration::from_millis(450),
            "{waited:?}"
        );
        assert_eq!(server.done.await.unwrap(), Stopped::Drained);
        assert!(TcpStream::connect(server.addr).await.is_err());
    }
}
