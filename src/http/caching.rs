//! Conditional GETs: every catalog response is versioned by the catalog, so
//! the catalog version is a strong validator for all of them.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// How long clients and caches may reuse a catalog response before
/// revalidating; short, because content can be reloaded.
const CACHE_CONTROL: &str = "public, max-age=300";

/// The ETag for the current catalog.
pub fn etag(version: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("catalog versions are hex digits")
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks
/// for this header), or is `*`.
fn matches(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    let tag = tag.to_str().unwrap_or_default();
    headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        value
            .to_str()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .any(|candidate| {
                candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == tag
            })
    })
}

/// Runs the handler and stamps a successful answer with the ETag and cache
/// policy, or answers 304 when the client already has this version. The
/// handler runs first so that a bad request is a 400 even with a matching tag.
pub async fn conditional_get(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    // Take the catalog once: the handler answers from this same snapshot, so
    // the ETag always describes the body even when a reload lands mid-request.
    let catalog = state.catalog();
    let tag = etag(&catalog.version);
    let fresh = matches(request.headers(), &tag);
    let mut request = request;
    request
        .extensions_mut()
        .insert(super::state::Snapshot(catalog));
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        response
    };
    response.headers_mut().insert(header::ETAG, tag);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    response
}
