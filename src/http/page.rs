//! Pagination shared by every list endpoint.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, FieldError};
use super::state::Served;

/// Items per page when the client does not say.
pub(super) const DEFAULT_LIMIT: u32 = 50;
/// The most items a page may hold.
pub(super) const MAX_LIMIT: u32 = 500;
/// The largest offset accepted; far beyond any catalog, and it keeps the
/// number inside every client's 32-bit integers.
pub(super) const MAX_OFFSET: u32 = 1_000_000;

/// Pagination parameters, for lists that have no filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct PageParams {
    /// How many items to return, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<u32>,
    /// How many matching items to skip, 0 to 1000000 (default 0).
    #[param(minimum = 0, maximum = 1000000, default = 0)]
    pub offset: Option<u32>,
}

/// A checked page window.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    /// Items per page.
    pub limit: usize,
    /// Items skipped.
    pub offset: usize,
}

impl Window {
    /// Checks `limit` and `offset` against their ranges; `errors` collects the problem so
    /// it is reported together with any filter problems.
    pub(super) fn new(
        limit: Option<u32>,
        offset: Option<u32>,
        errors: &mut Vec<FieldError>,
    ) -> Self {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(FieldError::new(
                "limit",
                format!("{limit} is outside 1..={MAX_LIMIT}"),
            ));
        }
        let offset = offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            errors.push(FieldError::new(
                "offset",
                format!("{offset} is above the maximum of {MAX_OFFSET}"),
            ));
        }
        Self {
            limit: limit.clamp(1, MAX_LIMIT) as usize,
            offset: offset.min(MAX_OFFSET) as usize,
        }
    }

    /// Fails with every collected problem, if any.
    pub(super) fn check(self, errors: Vec<FieldError>) -> Result<Self, ApiError> {
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(ApiError::bad_parameters(errors))
        }
    }

    /// The list response for the page of `items` (each already JSON) that
    /// this window selects: `{"items": [...], "total", "limit", "offset"}`.
    pub(super) fn respond<'a>(
        self,
        catalog: &Served,
        items: impl ExactSizeIterator<Item = &'a Bytes>,
    ) -> Response {
        json(catalog, self.body(items))
    }

    /// The list JSON for the page of `items` this window selects.
    pub(super) fn body<'a>(self, items: impl ExactSizeIterator<Item = &'a Bytes>) -> Bytes {
        let total = items.len();
        let page: Vec<&Bytes> = items.skip(self.offset).take(self.limit).collect();
        let mut body = Vec::with_capacity(page.iter().map(|b| b.len() + 1).sum::<usize>() + 64);
        body.extend_from_slice(b"{\"items\":[");
        for (i, item) in page.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(item);
        }
        let tail = format!(
            "],\"total\":{total},\"limit\":{},\"offset\":{}}}",
            self.limit, self.offset
        );
        body.extend_from_slice(tail.as_bytes());
        Bytes::from(body)
    }
}

impl PageParams {
    /// The checked window.
    pub(super) fn window(&self) -> Result<Window, ApiError> {
        let mut errors = Vec::new();
        Window::new(self.limit, self.offset, &mut errors).check(errors)
    }
}

/// A catalog response from bytes serialised ahead of time, stamped with
/// the catalog's ETag and cache policy (the guard answers 304 when the
/// client already has this version).
pub(super) fn json(catalog: &Served, body: Bytes) -> Response {
    cached(catalog, "application/json", body)
}

/// A catalog response of any media type, stamped like [`json`].
pub(super) fn cached(catalog: &Served, content_type: &'static str, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    // Room for these and the guard's security headers and request id, so
    // the map is allocated once rather than grown on the way out.
    headers.reserve(super::middleware::RESPONSE_HEADERS);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ETAG, catalog.etag().clone());
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(super::caching::CACHE_CONTROL),
    );
    // The same URL answers HTML to browsers (see `pages`).
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// Declares a list response type: `{items, total, limit, offset}`.
macro_rules! list_response {
    ($(#[$meta:meta])* $name:ident of $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub(crate) struct $name {
            /// The items on this page, in a stable order.
            pub(crate) items: Vec<$item>,
            /// How many items match, across all pages.
            pub(crate) total: usize,
            /// The page size used.
            pub(crate) limit: usize,
            /// How many matching items were skipped.
            pub(crate) offset: usize,
        }
    };
}
pub(crate) use list_response;
