//! The catalog endpoints: lists, items, filters, pagination and caching.

use serde_json::Value;

use crate::helpers::TestApp;

const KINDS: [&str; 5] = [
    "conditions",
    "red-flags",
    "techniques",
    "exercises",
    "sources",
];

#[tokio::test]
async fn every_list_has_the_envelope_and_sorted_items() {
    let app = TestApp::embedded();
    for kind in KINDS {
        let response = app.get(&format!("/{kind}")).await;
        let ids = response.ids();
        let body = response.json();
        assert_eq!(body["limit"], 50, "{kind}");
        assert_eq!(body["offset"], 0, "{kind}");
        let total = body["total"].as_u64().unwrap() as usize;
        assert!(total > 0, "{kind} is empty");
        assert_eq!(ids.len(), total.min(50), "{kind}");
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{kind} items are not in id order");
    }
}

#[tokio::test]
async fn every_listed_item_answers_by_id_with_the_same_body() {
    let app = TestApp::embedded();
    for kind in KINDS {
        let list = app.get(&format!("/{kind}?limit=500")).await.json();
        for item in list["items"].as_array().unwrap() {
            let id = item["id"].as_str().unwrap();
            let one = app.get(&format!("/{kind}/{id}")).await;
            assert_eq!(one.status, 200, "/{kind}/{id}");
            assert_eq!(
                &one.json(),
                item,
                "/{kind}/{id} differs from its list entry"
            );
        }
    }
}

#[tokio::test]
async fn pagination_edges() {
    let app = TestApp::embedded();
    let all = app.get("/exercises?limit=500").await.ids();
    let total = all.len();
    assert!(total >= 3);

    let cases: Vec<(String, Vec<String>)> = vec![
        ("limit=1".into(), all[..1].to_vec()),
        ("limit=2&offset=1".into(), all[1..3].to_vec()),
        (format!("offset={}", total - 1), all[total - 1..].to_vec()),
        (format!("offset={total}"), vec![]),
        ("offset=100000".into(), vec![]),
    ];
    for (query, expected) in cases {
        let response = app.get(&format!("/exercises?{query}")).await;
        assert_eq!(response.ids(), expected, "?{query}");
        assert_eq!(
            response.json()["total"],
            total,
            "?{query}: total counts all matches, not the page"
        );
    }
    let body = app.get("/exercises?limit=500").await.json();
    assert_eq!(body["limit"], 500);

    for bad in [
        "limit=0",
        "limit=501",
        "limit=-1",
        "limit=abc",
        "offset=-3",
        "offset=1.5",
        "limit=",
    ] {
        let problem = app.get(&format!("/exercises?{bad}")).await.problem(400);
        let field = bad.split('=').next().unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "?{bad}: {problem}");
    }
}

#[tokio::test]
async fn exercise_filters_return_only_matching_items() {
    let app = TestApp::embedded();
    type Check = fn(&Value) -> bool;
    let cases: Vec<(&str, Check)> = vec![
        ("area=hips", |e| {
            e["areas"].as_array().unwrap().iter().any(|a| a == "hips")
        }),
        ("area=lower_back", |e| {
            e["areas"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "lower_back")
        }),
        ("position=seated_chair", |e| e["position"] == "seated_chair"),
        ("position=standing", |e| e["position"] == "standing"),
        ("equipment=none", |e| {
            e["equipment"] == serde_json::json!(["none"])
        }),
        ("equipment=chair", |e| {
            e["equipment"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q == "chair")
        }),
        ("kind=strength", |e| e["kind"] == "strength"),
        ("kind=stretch", |e| e["kind"] == "stretch"),
        ("pregnancy_safe=true", |e| {
            e["pregnancy"]["status"] != "avoid"
        }),
        ("pregnancy_safe=false", |e| {
            e["pregnancy"]["status"] == "avoid"
        }),
        ("condition=sciatica", |e| {
            e["suitable_for"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "sciatica")
        }),
        ("condition=pregnancy&position=standing", |e| {
            e["position"] == "standing"
                && e["suitable_for"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == "pregnancy")
        }),
    ];
    let all = app.get("/exercises?limit=500").await.json();
    // Twice over: the second round is served from kept list pages, which
    // must still be each query's own page.
    for (query, check) in cases.iter().chain(&cases) {
        let body = app
            .get(&format!("/exercises?{query}&limit=500"))
            .await
            .json();
        let items = body["items"].as_array().unwrap();
        let expected = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| check(e))
            .count();
        assert!(
            items.iter().all(check),
            "?{query} returned a non-matching item"
        );
        assert_eq!(items.len(), expected, "?{query} missed matching items");
        if !query.starts_with("pregnancy_safe=false") {
            assert!(expected > 0, "?{query}: the catalog should have matches");
        }
    }
}

#[tokio::test]
async fn technique_filters_return_only_matching_items() {
    let app = TestApp::embedded();
    for modality in ["massage", "self-massage", "stretching", "adjunct"] {
        let body = app
            .get(&format!("/techniques?modality={modality}"))
            .await
            .json();
        let items = body["items"].as_array().unwrap();
        assert!(!items.is_empty(), "no {modality} techniques");
        assert!(items.iter().all(|t| t["modality"] == modality));
    }
    let body = app.get("/techniques?condition=muscle-spasm").await.json();
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|t| {
        t["best_for"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "muscle-spasm")
    }));
    let problem = app.get("/techniques?modality=reiki").await.problem(400);
    assert_eq!(problem["errors"][0]["field"], "modality");
}

#[tokio::test]
async fn text_search_forgives_typos_and_ranks_names_first() {
    let app = TestApp::embedded();
    let cases = [
        ("hamstring", "supine-hamstring-stretch"),
        ("HAMSTRING", "supine-hamstring-stretch"),
        ("hamstrng", "supine-hamstring-stretch"),
        ("piriformis", "piriformis-stretch"),
        ("pirifromis", "piriformis-stretch"),
        ("balasana", "childs-pose"),
        ("cat cow", "cat-cow"),
        ("figure four", "piriformis-stretch"),
        ("brid dog", "bird-dog"),
    ];
    for (q, expected) in cases {
        let ids = app
            .get(&format!("/exercises?q={}", q.replace(' ', "+")))
            .await
            .ids();
        assert!(
            ids.contains(&expected.to_owned()),
            "q={q} should find {expected}, got {ids:?}"
        );
    }
    for nonsense in ["zzzzqqqq", "%21%21", "%C3%97%C3%B8"] {
        let ids = app.get(&format!("/exercises?q={nonsense}")).await.ids();
        assert!(ids.is_empty(), "q={nonsense} matched {ids:?}");
    }
    let ids = app.get("/exercises?q=piriformis").await.ids();
    assert_eq!(
        ids.first().map(String::as_str),
        Some("piriformis-stretch"),
        "name matches rank first"
    );
}

#[tokio::test]
async fn unknown_filter_values_and_parameters_are_400_naming_them() {
    let app = TestApp::embedded();
    let cases = [
        ("/exercises?area=lower-back", "area"),
        ("/exercises?equipment=dumbbell", "equipment"),
        ("/exercises?position=upside_down", "position"),
        ("/exercises?kind=cardio", "kind"),
        ("/exercises?pregnancy_safe=maybe", "pregnancy_safe"),
        ("/exercises?condition=sciatca", "condition"),
        ("/exercises?q=", "q"),
        ("/exercises?colour=red", "colour"),
        ("/exercises?area=hips&area=leg", "area"),
        ("/techniques?condition=nope", "condition"),
        ("/conditions?sort=name", "sort"),
        ("/sources?page=2", "page"),
        ("/red-flags?limit=1000", "limit"),
    ];
    for (uri, field) in cases {
        let problem = app.get(uri).await.problem(400);
        let errors = problem["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{uri}: no errors list"));
        assert!(
            errors.iter().any(|e| e["field"] == field),
            "{uri} should name {field}: {problem}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{uri}: detail should name {field}"
        );
    }
    let long = "a".repeat(101);
    app.get(&format!("/exercises?q={long}")).await.problem(400);
}

#[tokio::test]
async fn every_get_carries_an_etag_and_honours_if_none_match() {
    let app = TestApp::fixture();
    let tag = format!("\"{}\"", app.catalog_version);
    for uri in [
        "/conditions",
        "/conditions/desk-stiffness",
        "/exercises?q=reach",
        "/techniques/gentle-massage",
        "/sources",
        "/red-flags/numb-saddle",
    ] {
        let first = app.get(uri).await;
        assert_eq!(first.status, 200, "{uri}");
        assert_eq!(first.header("etag"), Some(tag.as_str()), "{uri}");
        assert!(
            first
                .header("cache-control")
                .is_some_and(|c| c.contains("max-age")),
            "{uri}"
        );

        for matching in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"other\", {tag}"),
            "*".to_owned(),
        ] {
            let again = app
                .request(
                    axum::http::Request::get(uri)
                        .header("if-none-match", &matching)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(again.status, 304, "{uri} with If-None-Match {matching}");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), Some(tag.as_str()));
        }
        let stale = app
            .request(
                axum::http::Request::get(uri)
                    .header("if-none-match", "\"stale\"")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(stale.status, 200, "{uri} with a stale tag");
    }
    // A bad request stays a 400 even when the tag matches.
    let bad = app
        .request(
            axum::http::Request::get("/exercises?area=nowhere")
                .header("if-none-match", &tag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    bad.problem(400);
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::embedded();
    let alive = app.get("/healthz").await;
    assert_eq!(alive.status, 200);
    assert_eq!(alive.json()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.header("cache-control"), Some("no-store"));
    let body = ready.json();
    assert_eq!(body["catalog_version"], app.catalog_version);
    for kind in KINDS {
        let listed = app.get(&format!("/{kind}")).await.json()["total"].clone();
        assert_eq!(body["counts"][kind], listed, "readyz count for {kind}");
    }
}

#[tokio::test]
async fn docs_are_served_without_the_network() {
    let app = TestApp::fixture();
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    assert!(html.contains("swagger-ui"), "the docs page is Swagger UI");
    assert!(
        !html.contains("unpkg.com") && !html.contains("cdn."),
        "the docs page must not load from a CDN"
    );
    let init = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(init.status, 200);
    assert!(String::from_utf8_lossy(&init.body).contains("/openapi.json"));
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(
        bundle.status, 200,
        "the Swagger UI bundle is vendored into the binary"
    );
}

#[tokio::test]
async fn text_search_folds_accents_soft_hyphens_and_width() {
    let app = TestApp::embedded();
    for q in [
        "ham%C2%ADstring",
        "hamstr%C3%AFng",
        "hamstri%CC%88ng",
        "%EF%BD%88amstring",
    ] {
        let r = app.get(&format!("/exercises?q={q}")).await.json();
        let ids: Vec<&str> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert!(
            ids.iter().any(|id| id.contains("hamstring")),
            "{q}: {ids:?}"
        );
    }
    // A very long query is answered (nothing matches), not slowly refused.
    let long = "a".repeat(100);
    let r = app.get(&format!("/exercises?q={long}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["total"], 0);
}
