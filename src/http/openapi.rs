//! The OpenAPI root: info, tags and the shared error schema. Paths come from
//! the `#[utoipa::path]` attributes on the handlers.

use std::sync::OnceLock;

use utoipa::OpenApi;

use super::error::{FieldError, Problem};

/// The document's root.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "backcare",
        version = "0.1.0",
        description = "Back-pain self-care: is self-care safe for this person, and if so massage, stretching or both, and exactly what.\n\nThe catalog endpoints serve the content the decisions rest on: conditions, red flags, techniques, exercises and the sources every entry cites. Every error is an RFC 9457 `application/problem+json` body. Every catalog response carries an ETag (the catalog version) and honours `If-None-Match`.\n\nThis service gives general self-care information, not a diagnosis; it never suggests medicines.",
        license(name = "MIT")
    ),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "conditions", description = "Kinds of back pain, situations that cause it, and modifiers that change what is safe."),
        (name = "red-flags", description = "Signs of a serious cause, each with a screening question and what to do."),
        (name = "techniques", description = "Massage, self-massage, stretching methods and adjuncts, including those guidelines advise against."),
        (name = "exercises", description = "Stretches, mobility, strength and self-massage exercises with steps and doses."),
        (name = "recommendation", description = "The decision engine: is self-care safe, and if so massage, stretching or both, and exactly what."),
        (name = "sources", description = "The publications every entry cites."),
        (name = "health", description = "Liveness and readiness probes."),
    )
)]
pub(super) struct ApiDoc;

impl ApiDoc {
    pub(super) fn root() -> utoipa::openapi::OpenApi {
        <Self as OpenApi>::openapi()
    }
}

/// The OpenAPI document of the whole API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    super::spec()
}

/// The OpenAPI document as pretty JSON, built once.
pub fn openapi_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serialises")
    })
}
