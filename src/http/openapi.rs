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
        license(name = "MIT"),
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
/// the allowed values wherever the API takes them, so clients and generated tests know the
/// valid ids. They describe the embedded content; a `--content` directory
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

/// The OpenAPI document as pretty JSON, built once.
pub fn openapi_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_string_pretty(openapi()).expect("the OpenAPI document serialises")
    })
}
