//! The HTTP layer: thin handlers, wire types, problem+json errors and the
//! OpenAPI document. Handlers convert at the edge and leave decisions to the
//! catalog and the engine.

mod caching;
pub mod cds;
mod conditions;
pub mod error;
mod exercises;
pub mod extract;
mod grammar;
mod health;
pub mod metrics;
pub mod middleware;
mod openapi;
mod page;
mod pages;
mod recommendation;
mod red_flags;
mod schema;
mod serialise;
pub mod serve;
mod sources;
mod state;
mod techniques;
pub mod wire;

use axum::Router;
use axum::http::Method;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::catalog::Catalog;
pub use error::{ApiError, FieldError, Problem};
pub use middleware::Settings;
pub use openapi::{openapi, openapi_json};
pub use recommendation::parse_person;
pub use state::{AppState, Limits};

/// The largest request body accepted by default, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The largest CDS Hooks call accepted, in bytes: FHIR resources are
/// verbose, and a patient's conditions can outgrow the default limit.
pub const CDS_BODY_LIMIT: usize = 1024 * 1024;

/// The body limit of the route at `path`: the CDS Hooks routes take at
/// least [`CDS_BODY_LIMIT`], every other route `configured`. The guard
/// reads bodies up to it; the extractors apply the same rule.
pub(crate) fn body_limit_of(path: &str, configured: usize) -> usize {
    if path.starts_with("/cds-services/") {
        configured.max(CDS_BODY_LIMIT)
    } else {
        configured
    }
}

/// Every documented route, with its OpenAPI operations.
fn api_routes() -> OpenApiRouter<AppState> {
    let catalog = OpenApiRouter::new()
        .routes(routes!(conditions::list))
        .routes(routes!(conditions::get))
        .routes(routes!(red_flags::list))
        .routes(routes!(red_flags::get))
        .routes(routes!(techniques::list))
        .routes(routes!(techniques::get))
        .routes(routes!(exercises::list))
        .routes(routes!(exercises::get))
        .routes(routes!(exercises::illustration))
        .routes(routes!(sources::list))
        .routes(routes!(sources::get));
    let cds = OpenApiRouter::new()
        .routes(routes!(cds::discovery))
        .routes(routes!(cds::call))
        .routes(routes!(cds::feedback));
    OpenApiRouter::with_openapi(openapi::ApiDoc::root())
        .merge(catalog)
        .merge(cds)
        .routes(routes!(recommendation::recommend))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
}

/// The whole application with default settings.
pub fn app(state: AppState) -> Router {
    app_with(state, &Settings::default())
}

/// The whole application: the API, its docs, problem+json fallbacks and the
/// middleware stack configured by `settings`.
pub fn app_with(state: AppState, settings: &Settings) -> Router {
    let (api, _) = api_routes().split_for_parts();
    // The UI only points at the document; the document itself is served
    // here, written once like every other body (see `serialise`).
    let docs = utoipa_swagger_ui::SwaggerUi::new("/docs")
        .config(utoipa_swagger_ui::Config::from(OPENAPI_PATH));
    let router = Router::new()
        .merge(api)
        .merge(docs)
        .route(OPENAPI_PATH, axum::routing::get(openapi_document))
        .route(pages::STYLESHEET_PATH, axum::routing::get(stylesheet))
        .route(pages::ICON_PATH, axum::routing::get(icon))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    let state = state.with_limits(state::Limits {
        body_limit: settings.body_limit,
        public_url: settings.public_url.clone(),
        cds_auth: settings.cds_auth.clone(),
    });
    middleware::apply(router, &state, settings).with_state(state)
}

/// The admin listener's routes: Prometheus metrics, never on the public port.
pub fn admin(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            axum::routing::get(
                |axum::extract::State(state): axum::extract::State<AppState>| async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        state.metrics().render(state.catalog().catalog()),
                    )
                },
            ),
        )
        .fallback(not_found)
        .with_state(state)
}

/// The OpenAPI document the routes describe, with the embedded catalog's
/// ids listed where the API takes them, real examples, the pages' HTML
/// responses and the rules utoipa cannot derive.
pub(crate) fn spec() -> serde_json::Value {
    let mut spec = api_routes().into_openapi();
    cds::auth::document(&mut spec);
    let mut doc = serde_json::to_value(spec).expect("the document serialises");
    if let Ok(catalog) = Catalog::embedded() {
        openapi::with_catalog_ids(&mut doc, &catalog);
        openapi::with_examples(&mut doc, &catalog);
        openapi::with_pages(&mut doc);
    }
    openapi::with_rules(&mut doc);
    doc
}

/// Where the OpenAPI document is served, and where the docs page reads it.
const OPENAPI_PATH: &str = "/openapi.json";

/// The OpenAPI document, as compact JSON.
async fn openapi_document() -> axum::response::Response {
    serialise::json_body(bytes::Bytes::from_static(openapi::served_json()))
}

/// The pages' stylesheet: compiled in, so it changes only with the binary.
async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        pages::STYLESHEET,
    )
}

/// The pages' icon.
async fn icon() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        pages::ICON,
    )
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::no_route(uri.path())
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    // The method router adds the `Allow` header itself.
    ApiError::method_not_allowed(method.as_str(), uri.path())
}
