//! `cargo bench --bench engine`: one recommendation, typical and worst case,
//! through the engine alone (no HTTP, no JSON); then whole requests through
//! the application's router and middleware in process (no sockets), which
//! shows what the stack adds on top of the engine.
#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use backcare::catalog::{Catalog, Equipment};
use backcare::engine::{
    Duration, Goal, MassageAccess, Pain, PainArea, Person, Preferences, recommend,
};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

// The same allocator as the service binary, so the figures are the service's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn typical() -> Person {
    Person {
        pain: Pain {
            duration: Duration::Chronic,
            intensity: Some(4),
            areas: vec![PainArea::LowerBack, PainArea::Hips],
        },
        conditions: vec!["poor-posture".into(), "prolonged-sitting".into()],
        red_flags: vec![],
        age: Some(38),
        preferences: Preferences {
            minutes_per_day: 15,
            equipment: vec![Equipment::Chair],
            ..Preferences::default()
        },
        start_back: None,
        last_week: None,
    }
}

/// Every condition that does not exclude the rest, a see-a-clinician flag,
/// all equipment and a long budget: the most candidates to filter and rank.
fn worst_case(catalog: &Catalog) -> Person {
    Person {
        pain: Pain {
            duration: Duration::Subacute,
            intensity: Some(5),
            areas: PainArea::ALL.to_vec(),
        },
        conditions: catalog.conditions.iter().map(|c| c.id.clone()).collect(),
        red_flags: vec!["night-pain".into(), "leg-numbness".into()],
        age: Some(60),
        preferences: Preferences {
            minutes_per_day: 120,
            equipment: Equipment::ALL.to_vec(),
            avoid_positions: vec![],
            massage_access: MassageAccess::Professional,
            goal: Goal::Both,
            ..Preferences::default()
        },
        start_back: None,
        last_week: None,
    }
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded().expect("embedded content is valid");
    let typical = typical();
    let worst = worst_case(&catalog);
    c.bench_function("recommend/typical", |b| {
        b.iter(|| recommend(black_box(&catalog), black_box(&typical)))
    });
    c.bench_function("recommend/worst_case", |b| {
        b.iter(|| recommend(black_box(&catalog), black_box(&worst)))
    });
}

const TYPICAL_BODY: &str = r#"{"pain":{"duration":"chronic","intensity":4,"areas":["lower_back","hips"]},"conditions":["prolonged-sitting","poor-posture"],"age":38,"preferences":{"minutes_per_day":15,"equipment":["chair"],"goal":"long_term"}}"#;

/// A CDS Hooks call with a Patient and two Conditions, one of them about
/// back pain.
fn cds_body() -> String {
    serde_json::json!({
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": "1288992"},
        "prefetch": {
            "patient": {"resourceType": "Patient", "id": "1288992", "birthDate": "1965-12-23"},
            "conditions": {"resourceType": "Bundle", "type": "searchset", "entry": [
                {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/1288992"},
                    "clinicalStatus": {"coding": [{"code": "active"}]},
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "278860009"}]},
                    "onsetDateTime": "2026-01-10"}},
                {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/1288992"},
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]}}}
            ]}
        }
    })
    .to_string()
}

fn bench_router(c: &mut Criterion) {
    use axum::body::Body;
    use axum::http::Request;
    use backcare::http::cds::auth::CdsAuth;
    use backcare::http::{AppState, Settings, app_with};
    use tower::ServiceExt;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the runtime starts");
    let catalog = Catalog::embedded().expect("embedded content is valid");
    // Without CDS Hooks authentication: the CDS figure is the service's own
    // work, not a 401 (a token check adds one signature verification).
    let settings = Settings {
        cds_auth: std::sync::Arc::new(CdsAuth::Off),
        ..Settings::default()
    };
    let router = app_with(AppState::new(catalog), &settings);
    let call = |request: Request<Body>| {
        let router = router.clone();
        runtime.block_on(async move {
            let response = router.oneshot(request).await.expect("infallible");
            axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("the body is readable")
        })
    };
    c.bench_function("router/get_exercise", |b| {
        b.iter(|| {
            call(
                Request::get("/exercises/cat-cow")
                    .body(Body::empty())
                    .expect("a valid request"),
            )
        })
    });
    // A 100-letter query: lengths rule every catalog word out before any
    // edit distance is computed.
    let long_q = format!("/exercises?q={}", "a".repeat(100));
    c.bench_function("router/search_long_query", |b| {
        b.iter(|| {
            call(
                Request::get(long_q.as_str())
                    .body(Body::empty())
                    .expect("a valid request"),
            )
        })
    });
    c.bench_function("router/list_exercises_lower_back", |b| {
        b.iter(|| {
            call(
                Request::get("/exercises?area=lower_back")
                    .body(Body::empty())
                    .expect("a valid request"),
            )
        })
    });
    let cds_call = cds_body();
    c.bench_function("router/cds_patient_view", |b| {
        b.iter(|| {
            call(
                Request::post("/cds-services/back-pain-relief")
                    .header("content-type", "application/json")
                    .header("host", "localhost:8080")
                    .body(Body::from(cds_call.clone()))
                    .expect("a valid request"),
            )
        })
    });
    c.bench_function("router/post_recommendation_typical", |b| {
        b.iter(|| {
            call(
                Request::post("/recommendation")
                    .header("content-type", "application/json")
                    .body(Body::from(TYPICAL_BODY))
                    .expect("a valid request"),
            )
        })
    });
}

/// The two edges of `POST /recommendation` around the engine: checking the
/// body into a `Person`, and serialising the answer; and reading a CDS
/// Hooks call into a record.
fn bench_edges(c: &mut Criterion) {
    let catalog = Catalog::embedded().expect("embedded content is valid");
    c.bench_function("edge/parse_typical", |b| {
        b.iter(|| {
            backcare::http::parse_person(black_box(&catalog), black_box(TYPICAL_BODY.as_bytes()))
        })
    });
    let cds_call = cds_body();
    let today = backcare::ehr::Date::today();
    c.bench_function("edge/cds_read_call", |b| {
        b.iter(|| {
            backcare::http::cds::read_call(
                black_box(&catalog),
                black_box(cds_call.as_bytes()),
                today,
            )
        })
    });
    let person = typical();
    let answer = recommend(&catalog, &person);
    c.bench_function("edge/serialise_typical", |b| {
        b.iter(|| sonic_rs::to_vec(black_box(&answer)))
    });
}

criterion_group!(benches, bench, bench_router, bench_edges);
criterion_main!(benches);
