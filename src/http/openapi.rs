//! The OpenAPI root: info, tags and the shared error schema. Paths come from
//! the `#[utoipa::path]` attributes on the handlers.

use std::sync::OnceLock;

use serde_json::Value;
use utoipa::OpenApi;

use super::error::{FieldError, Problem};
use super::grammar::Schemas;

/// The document's root.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "backcare",
        version = "0.1.0",
        description = "Back-pain self-care: is self-care safe for this person, and if so massage, stretching or both, and exactly what.\n\nThe catalog endpoints serve the content the decisions rest on: conditions, red flags, techniques, exercises and the sources every entry cites. Every error is an RFC 9457 `application/problem+json` body. Every catalog response carries an ETag (the catalog version) and honours `If-None-Match`.\n\nThis service gives general self-care information, not a diagnosis; it never suggests medicines.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "backcare team", url = "https://backcare.dev")
    ),
    servers((url = "/", description = "This service")),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "conditions", description = "Kinds of back pain, situations that cause it, and modifiers that change what is safe."),
        (name = "red-flags", description = "Signs of a serious cause, each with a screening question and what to do."),
        (name = "techniques", description = "Massage, self-massage, stretching methods and adjuncts, including those guidelines advise against."),
        (name = "exercises", description = "Stretches, mobility, strength and self-massage exercises with steps and doses."),
        (name = "recommendation", description = "The decision engine: is self-care safe, and if so massage, stretching or both, and exactly what."),
        (name = "sources", description = "The publications every entry cites."),
        (name = "cds-hooks", description = "HL7 CDS Hooks 2.0 for EHRs: discovery, the `back-pain-relief` patient-view service (FHIR R4 Conditions coded in SNOMED CT in, cards out) and card feedback."),
        (name = "health", description = "Liveness and readiness probes."),
    )
)]
pub(super) struct ApiDoc;

impl ApiDoc {
    pub(super) fn root() -> utoipa::openapi::OpenApi {
        <Self as OpenApi>::openapi()
    }
}

/// Lists the catalog's condition, red-flag, technique and exercise ids as
/// the allowed values wherever the API takes them, so clients and generated
/// tests know the valid ids. They describe the embedded content; a `--content` directory
/// with other ids is answered by the same rules (unknown ids are named in a
/// 400 or 422), and this document is regenerated whenever content changes.
pub(super) fn with_catalog_ids(doc: &mut Value, catalog: &crate::catalog::Catalog) {
    let conditions: Vec<&str> = catalog.conditions.iter().map(|c| c.id.as_str()).collect();
    let red_flags: Vec<&str> = catalog.red_flags.iter().map(|f| f.id.as_str()).collect();
    for path in ["/exercises", "/techniques"] {
        if let Some(params) = doc.pointer_mut(&format!(
            "/paths/{}/get/parameters",
            path.replace('/', "~1")
        )) && let Some(params) = params.as_array_mut()
        {
            for p in params.iter_mut().filter(|p| p["name"] == "condition") {
                p["schema"]["enum"] = serde_json::json!(conditions);
            }
        }
    }
    let techniques: Vec<&str> = catalog.techniques.iter().map(|t| t.id.as_str()).collect();
    let exercises: Vec<&str> = catalog.exercises.iter().map(|e| e.id.as_str()).collect();
    let schemas = "/components/schemas";
    for (at, ids) in [
        (
            "RecommendationRequest/properties/conditions/items",
            &conditions,
        ),
        (
            "RecommendationRequest/properties/red_flags/items",
            &red_flags,
        ),
        ("PreferencesInput/properties/asked_about/items", &techniques),
        ("ItemReportInput/properties/exercise_id", &exercises),
    ] {
        if let Some(schema) = doc.pointer_mut(&format!("{schemas}/{at}")) {
            schema["enum"] = serde_json::json!(ids);
        }
    }
}

/// Puts a real answer, computed from `catalog`, as the example of every
/// catalog, health and recommendation 200 response, so Swagger UI and
/// generated clients show real data rather than placeholders: an entity for
/// each `GET /{kind}/{id}` (the id the path's example names), the first two
/// items of each list, and the engine's answer to each request example of
/// `POST /recommendation`; and the CDS Hooks operations' requests and
/// answers ([`super::cds::examples`]). The document is regenerated whenever
/// the content changes, so the examples never go stale.
pub(super) fn with_examples(doc: &mut Value, catalog: &crate::catalog::Catalog) {
    use serde_json::json;

    use super::wire;

    fn page(items: Vec<Value>, total: usize) -> Value {
        json!({"items": items, "total": total, "limit": 2, "offset": 0})
    }
    fn two<T>(items: &[T], wire: impl Fn(&T) -> Value) -> Value {
        page(items.iter().take(2).map(wire).collect(), items.len())
    }
    let one = |kind: &str, id: &str| -> Option<Value> {
        Some(match kind {
            "conditions" => json!(wire::conditions::Condition::from(catalog.condition(id)?)),
            "red-flags" => json!(wire::red_flags::RedFlag::new(
                catalog,
                catalog.red_flag(id)?
            )),
            "techniques" => json!(wire::techniques::Technique::from(catalog.technique(id)?)),
            "exercises" => json!(wire::exercises::Exercise::from(catalog.exercise(id)?)),
            "sources" => json!(wire::sources::Source::from(catalog.source(id)?)),
            _ => return None,
        })
    };
    let lists = [
        (
            "conditions",
            two(&catalog.conditions, |c| {
                json!(wire::conditions::Condition::from(c))
            }),
        ),
        (
            "red-flags",
            two(&catalog.red_flags, |f| {
                json!(wire::red_flags::RedFlag::new(catalog, f))
            }),
        ),
        (
            "techniques",
            two(&catalog.techniques, |t| {
                json!(wire::techniques::Technique::from(t))
            }),
        ),
        (
            "exercises",
            two(&catalog.exercises, |e| {
                json!(wire::exercises::Exercise::from(e))
            }),
        ),
        (
            "sources",
            two(&catalog.sources, |s| json!(wire::sources::Source::from(s))),
        ),
    ];
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let pointer = format!("/paths/{}", path.replace('~', "~0").replace('/', "~1"));
        let Some(ops) = doc.pointer_mut(&pointer) else {
            continue;
        };
        let kind = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        for (method, op) in ops.as_object_mut().into_iter().flatten() {
            let examples: Vec<(String, Value)> = match (method.as_str(), path.as_str()) {
                ("get", "/healthz") => vec![("alive".into(), json!({"status": "ok"}))],
                ("get", "/readyz") => vec![(
                    "ready".into(),
                    json!({"status": "ready", "catalog_version": catalog.version,
                        "counts": catalog.counts().iter().map(|(k, n)| ((*k).to_owned(), json!(n))).collect::<serde_json::Map<_, _>>()}),
                )],
                ("post", "/recommendation") => {
                    op["requestBody"]["content"]["application/json"]["examples"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter_map(|(name, ex)| {
                            let body = serde_json::to_vec(&ex["value"]).ok()?;
                            let person =
                                super::recommendation::parse_person(catalog, &body).ok()?;
                            let answer = crate::engine::recommend(catalog, &person);
                            Some((name.clone(), json!(answer)))
                        })
                        .collect()
                }
                ("get", p) if p.ends_with("/{id}") => op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["name"] == "id")
                    .and_then(|p| p["example"].as_str())
                    .and_then(|id| one(&kind, id))
                    .map(|v| vec![("example".into(), v)])
                    .unwrap_or_default(),
                ("get", p) if p == format!("/{kind}") => lists
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map(|(_, v)| vec![("first page".into(), v.clone())])
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if examples.is_empty() {
                continue;
            }
            if let Some(media) = op.pointer_mut("/responses/200/content/application~1json") {
                let map: serde_json::Map<String, Value> = examples
                    .into_iter()
                    .map(|(name, value)| (name, json!({"value": value})))
                    .collect();
                media["examples"] = Value::Object(map);
            }
        }
    }
    super::cds::examples::document(doc, catalog);
}

/// Lists the `text/html` answer beside the JSON of every resource that has
/// a page (an exercise, a condition, a red flag and their lists) and of
/// `POST /recommendation` (the printable handout), so clients know what a
/// browser's `Accept` gets.
pub(super) fn with_pages(doc: &mut Value) {
    use serde_json::json;
    let pages = [
        (
            "/exercises",
            "get",
            "The list as a page with links, when the client prefers `text/html` (a browser).",
        ),
        (
            "/exercises/{id}",
            "get",
            "The exercise as a page (illustration, steps, dose, how it should feel, cautions, common mistakes, easier and harder versions, sources), when the client prefers `text/html`.",
        ),
        (
            "/conditions",
            "get",
            "The list as a page with links, when the client prefers `text/html`.",
        ),
        (
            "/conditions/{id}",
            "get",
            "The condition as a page, when the client prefers `text/html`.",
        ),
        (
            "/red-flags",
            "get",
            "The list as a page with links, when the client prefers `text/html`.",
        ),
        (
            "/red-flags/{id}",
            "get",
            "The red flag as a page, with what to do and the combinations that make it more urgent, when the client prefers `text/html`.",
        ),
        (
            "/recommendation",
            "post",
            "The plan as a printable handout (A4 or Letter), when the client prefers `text/html`; never cached.",
        ),
    ];
    for (path, method, description) in pages {
        let pointer = format!(
            "/paths/{}/{method}/responses/200/content",
            path.replace('/', "~1")
        );
        if let Some(content) = doc.pointer_mut(&pointer) {
            content["text/html"] =
                json!({"schema": {"type": "string", "description": description}});
        }
    }
}

/// Adds the rules utoipa cannot derive (`if`/`then`, the schemas they name)
/// to the document's components: the same function the request grammars
/// apply, so the document states what the service checks.
pub(super) fn with_rules(doc: &mut Value) {
    let Some(Value::Object(components)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut schemas: Schemas = std::mem::take(components).into_iter().collect();
    super::cds::wire::rules(&mut schemas);
    *components = schemas.into_iter().collect();
}

/// The OpenAPI document of the whole API, built once. It is JSON rather
/// than utoipa's type, which cannot hold `if`/`then`.
pub fn openapi() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(super::spec)
}

/// The OpenAPI document as served at `/openapi.json`: compact JSON, built
/// once rather than per request.
pub(super) fn served_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| super::serialise::to_vec(openapi()))
}

/// The OpenAPI document as pretty JSON, built once.
pub fn openapi_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_string_pretty(openapi()).expect("the OpenAPI document serialises")
    })
}
