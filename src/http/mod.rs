//! The HTTP layer: thin handlers, wire types, problem+json errors and the
//! OpenAPI document. Handlers convert at the edge and leave decisions to the
//! catalog and the engine.

mod caching;
mod conditions;
pub mod error;
mod exercises;
pub mod extract;
mod health;
mod openapi;
mod page;
mod recommendation;
mod red_flags;
mod schema;
mod sources;
mod techniques;

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::catalog::Catalog;
pub use error::{ApiError, FieldError, Problem};
pub use openapi::{openapi, openapi_json};

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The catalog being served.
    pub catalog: Arc<Catalog>,
}

impl AppState {
    /// State serving `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        Self {
            catalog: Arc::new(catalog),
        }
    }
}

/// Every documented route, with its OpenAPI operations.
fn api_routes(state: &AppState) -> OpenApiRouter<AppState> {
    let catalog = OpenApiRouter::new()
        .routes(routes!(conditions::list))
        .routes(routes!(conditions::get))
        .routes(routes!(red_flags::list))
        .routes(routes!(red_flags::get))
        .routes(routes!(techniques::list))
        .routes(routes!(techniques::get))
        .routes(routes!(exercises::list))
        .routes(routes!(exercises::get))
        .routes(routes!(sources::list))
        .routes(routes!(sources::get))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caching::conditional_get,
        ));
    OpenApiRouter::with_openapi(openapi::ApiDoc::root())
        .merge(catalog)
        .routes(routes!(recommendation::recommend))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
}

/// The whole application: the API, its docs, problem+json fallbacks and the
/// request log.
pub fn app(state: AppState) -> Router {
    let (api, spec) = api_routes(&state).split_for_parts();
    let docs = utoipa_swagger_ui::SwaggerUi::new("/docs").url("/openapi.json", spec);
    Router::new()
        .merge(api)
        .merge(docs)
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(
            TraceLayer::new_for_http()
                // The span names the route template, never the raw URI: query
                // strings and bodies may carry health data.
                .make_span_with(|request: &Request| {
                    let route = request
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("<unmatched>", MatchedPath::as_str);
                    tracing::info_span!("request", method = %request.method(), route)
                })
                .on_request(())
                .on_response(
                    |response: &axum::response::Response,
                     latency: std::time::Duration,
                     _: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "response"
                        );
                    },
                )
                .on_failure(()),
        )
        .with_state(state)
}

/// The OpenAPI document the routes describe (without serving anything).
pub(crate) fn spec() -> utoipa::openapi::OpenApi {
    let state = AppState {
        catalog: Arc::new(Catalog::empty()),
    };
    api_routes(&state).into_openapi()
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::no_route(uri.path())
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    // The method router adds the `Allow` header itself.
    ApiError::method_not_allowed(method.as_str(), uri.path())
}
