//! Conditional GETs: every catalog response is versioned by the catalog, so
//! the catalog version is a strong validator for all of them. Handlers
//! stamp the ETag; the middleware guard answers 304 through
//! [`not_modified`].

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How long clients and caches may reuse a catalog response before
/// revalidating; short, because content can be reloaded.
pub(super) const CACHE_CONTROL: &str = "public, max-age=300";

/// The ETag for the current catalog.
pub(super) fn etag(version: &str) -> HeaderValue {
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

/// The 304 for a request whose `If-None-Match` names the ETag of the 200
/// answer the handler produced, or the answer itself. The handler runs
/// first, so a bad request is a 400 even with a matching tag, and the tag
/// always describes the catalog snapshot the handler answered from.
pub(super) fn not_modified(if_none_match: Option<&HeaderMap>, response: Response) -> Response {
    let Some(request_headers) = if_none_match else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let Some(tag) = response.headers().get(header::ETAG) else {
        return response;
    };
    if !matches(request_headers, tag) {
        return response;
    }
    let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
    for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        if let Some(value) = response.headers().get(&name) {
            not_modified.headers_mut().insert(name, value.clone());
        }
    }
    not_modified
}
