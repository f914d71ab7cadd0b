//! Liveness and readiness probes.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::error::{ApiError, PROBLEM_JSON, Problem};
use super::serialise::json_response;

/// The process is up.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Alive {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The catalog is loaded and being served.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ready", "catalog_version": "9f86d081884c7d65",
    "counts": {"conditions": 22, "exercises": 30, "red-flags": 16, "sources": 15, "techniques": 18}}))]
pub(super) struct Ready {
    /// Always `ready`.
    pub status: &'static str,
    /// The fingerprint of the content being served; it is also the ETag of
    /// every catalog response.
    pub catalog_version: String,
    /// Entities per kind.
    pub counts: BTreeMap<&'static str, usize>,
}

/// Probes are never cached: a stale "ready" would hide an outage.
fn no_store<T: IntoResponse>(body: T) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        body,
    )
}

/// Liveness
///
/// Answers 200 while the process can serve requests.
#[utoipa::path(get, path = "/healthz", operation_id = "checkLiveness", tag = "health",
    responses((status = 200, description = "Alive", body = Alive)))]
pub(super) async fn healthz() -> impl IntoResponse {
    no_store(json_response(&Alive { status: "ok" }))
}

/// Readiness
///
/// Answers 200 once the catalog is loaded, with its version and counts; 503
/// once the service is stopping, while it still serves for the drain delay.
#[utoipa::path(get, path = "/readyz", operation_id = "checkReadiness", tag = "health",
    responses(
        (status = 200, description = "Ready, with the catalog served", body = Ready),
        (status = 503, description = "Shutting down: send new work elsewhere", body = Problem, content_type = PROBLEM_JSON),
    ))]
pub(super) async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    if state.is_draining() {
        return ApiError::draining().into_response();
    }
    let served = state.catalog();
    let catalog = served.catalog();
    no_store(json_response(&Ready {
        status: "ready",
        catalog_version: catalog.version.clone(),
        counts: catalog.counts().into_iter().collect(),
    }))
    .into_response()
}
