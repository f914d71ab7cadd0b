//! The middleware stack, configured in one place: request ids, the request
//! log, metrics, security headers, compression, CORS, load shedding,
//! timeouts and panic recovery. Every refusal is a problem+json body.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::AppState;
use super::error::ApiError;

/// The request id header, accepted from clients or generated.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Limits and policies for the public listener.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest request body, in bytes (413 above it).
    pub body_limit: usize,
    /// How long a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Requests served at once; more are answered 503 at once rather than queued.
    pub concurrency_limit: usize,
    /// Origins allowed to call the API from a browser; none by default.
    pub cors_origins: Vec<HeaderValue>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: super::BODY_LIMIT,
            request_timeout: Duration::from_secs(10),
            concurrency_limit: 1024,
            cors_origins: Vec::new(),
        }
    }
}

fn route_of(request: &Request) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str)
}

/// Counts the request in the metrics, by route template and final status.
async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // MatchedPath is reference counted: cloning it does not copy the route.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let started = Instant::now();
    state.metrics.start();
    let response = next.run(request).await;
    state.metrics.finish(
        route.as_ref().map_or("<unmatched>", MatchedPath::as_str),
        method.as_str(),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Answers 503 at once when the service is saturated, so overload degrades
/// into quick refusals instead of an unbounded queue.
async fn shed(
    State((state, permits)): State<(AppState, Arc<Semaphore>)>,
    request: Request,
    next: Next,
) -> Response {
    match permits.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => {
            state.metrics.shed();
            ApiError::overloaded().into_response()
        }
    }
}

/// Bounds how long a request may take.
async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::timed_out(limit).into_response(),
    }
}

/// Security headers for a JSON API; the docs page gets the relaxed policy
/// Swagger UI needs (its own scripts, inline styles, data: images).
async fn security_headers(request: Request, next: Next) -> Response {
    let docs = request.uri().path().starts_with("/docs");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let csp = if docs {
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; frame-ancestors 'none'"
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    response
}

/// A panic in a handler becomes a logged 500 with a problem body; the
/// connection and the server survive.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    tracing::error!(panic = %detail, "handler panicked");
    ApiError::internal().into_response()
}

/// Wraps `router` in the whole stack. Layers listed later run first.
pub fn apply(router: Router<AppState>, state: &AppState, settings: &Settings) -> Router<AppState> {
    let permits = Arc::new(Semaphore::new(settings.concurrency_limit));
    let mut router = router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(
            settings.request_timeout,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(
            (state.clone(), permits),
            shed,
        ));
    if !settings.cors_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(settings.cors_origins.clone()))
                .allow_methods([Method::GET, Method::HEAD, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::IF_NONE_MATCH, REQUEST_ID])
                .expose_headers([header::ETAG, REQUEST_ID])
                .max_age(Duration::from_secs(600)),
        );
    }
    router
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                // The span names the route template and request id, never the
                // raw URI: query strings and bodies may carry health data.
                .make_span_with(|request: &Request| {
                    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), route = route_of(request), request_id = id)
                })
                .on_request(())
                .on_response(|response: &Response, latency: Duration, _: &tracing::Span| {
                    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "response");
                })
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}
