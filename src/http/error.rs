//! The one error type of the API, answered as RFC 9457 `application/problem+json`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The most problems an answer lists; the rest are counted in
/// `omitted_errors`. A body with thousands of bad fields would otherwise
/// get an answer many times its own size.
pub const MAX_ERRORS: usize = 50;

/// The longest `field` kept, in bytes; longer ones are cut with `…`.
const MAX_FIELD: usize = 100;

/// The longest `message` kept, in bytes; longer ones are cut with `…`.
/// Messages quote request values, which may be huge.
const MAX_MESSAGE: usize = 200;

/// The longest `detail` kept, in bytes.
const MAX_TEXT: usize = 500;

/// The offenders `detail` names before "and N more".
const DETAIL_NAMES: usize = 5;

/// `text` cut to at most `max` bytes at a character boundary, with `…`
/// appended when anything was cut.
pub fn bounded(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max.saturating_sub('…'.len_utf8());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// One offending input: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"field": "limit", "message": "600 is above the maximum of 500"}))]
pub struct FieldError {
    /// Where the problem is: a query parameter, a path parameter, or a JSON
    /// pointer-like path into the request body (`pain.intensity`).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`; a field over 100 bytes or a message over
    /// 200 is cut, ending in `…`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: bounded(field.into(), MAX_FIELD),
            message: bounded(message.into(), MAX_MESSAGE),
        }
    }
}

/// An RFC 9457 problem details body. Every 4xx and 5xx answer has this shape.
///
/// Answers are bounded whatever the request: `errors` lists at most the
/// first 50 problems found, and `omitted_errors` counts the rest; `detail`
/// names at most five of them; a `field` is cut at 100 bytes, a `message`
/// at 200 and `detail` at 500, each ending in `…` when cut.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://backcare.dev/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "no exercise with id `cat-cw`"
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, fixed summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, in plain words.
    pub detail: String,
    /// The offending fields, parameters or ids, when there are any: the
    /// first 50 found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 50)]
    pub errors: Vec<FieldError>,
    /// How many further problems were found and left out of `errors`;
    /// absent when `errors` lists them all.
    #[serde(skip_serializing_if = "is_zero")]
    #[schema(minimum = 1)]
    pub omitted_errors: usize,
}

/// An error answer. Construct it with the named constructors so that each
/// kind of problem always has the same status, type and title.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    /// Problems found beyond [`MAX_ERRORS`].
    omitted: usize,
}

impl ApiError {
    fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            slug,
            title,
            detail: bounded(detail.into(), MAX_TEXT),
            errors: Vec::new(),
            omitted: 0,
        }
    }

    /// Adds the offending fields: the first [`MAX_ERRORS`] are kept, the
    /// rest only counted.
    pub fn with_errors(mut self, mut errors: Vec<FieldError>) -> Self {
        self.omitted = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        self.errors = errors;
        self
    }

    /// Counts `n` further problems that were found but not kept.
    pub fn with_omitted(mut self, n: usize) -> Self {
        self.omitted += n;
        self
    }

    /// 404: no entity of `kind` with `id`.
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no {kind} with id `{id}`"),
        )
    }

    /// 404: no route at this path.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no resource at `{path}`; see /docs for the API"),
        )
    }

    /// 400: query or path parameters are invalid.
    pub fn bad_parameters(errors: Vec<FieldError>) -> Self {
        let detail = summarise("invalid request parameter", &errors);
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameters",
            "Invalid request parameters",
            detail,
        )
        .with_errors(errors)
    }

    /// 400: the body is not well-formed JSON.
    pub fn malformed_body(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-body",
            "Malformed request body",
            detail,
        )
    }

    /// 400: a CDS Hooks request the service cannot read. CDS Hooks clients
    /// expect 400 for every malformed call, so content problems that are a
    /// 422 elsewhere in this API are a 400 here.
    pub fn bad_cds_request(errors: Vec<FieldError>) -> Self {
        let detail = summarise("invalid field", &errors);
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-cds-request",
            "Invalid CDS Hooks request",
            detail,
        )
        .with_errors(errors)
    }

    /// The offending fields, if any (at most [`MAX_ERRORS`]).
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// How many problems were found beyond those in [`ApiError::errors`].
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// 422: the body is JSON but its content is invalid.
    pub fn invalid_body(errors: Vec<FieldError>) -> Self {
        let detail = summarise("invalid field", &errors);
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-body",
            "Invalid request body",
            detail,
        )
        .with_errors(errors)
    }

    /// 415: the body is not `application/json`.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "the request body must be sent with `Content-Type: application/json`",
        )
    }

    /// 415: the body is sent with a `Content-Encoding` this service does
    /// not decode.
    pub fn unsupported_encoding() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "the request body must be sent without a `Content-Encoding` (or as `identity`); compressed bodies are not accepted",
        )
    }

    /// 417: an `Expect` other than `100-continue`.
    pub fn expectation_failed() -> Self {
        Self::new(
            StatusCode::EXPECTATION_FAILED,
            "expectation-failed",
            "Expectation failed",
            "the only `Expect` this service meets is `100-continue`",
        )
    }

    /// 413: the body is over the size limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            format!("the request body is larger than the limit of {limit} bytes"),
        )
    }

    /// 405: the path exists but not with this method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            format!(
                "`{method}` is not allowed on `{path}`; the `Allow` header lists the methods that are"
            ),
        )
    }

    /// 401: a CDS Hooks call without a valid bearer token. The detail is
    /// the same whichever check failed, so a forger learns nothing; the
    /// reason is counted in the metrics.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "this endpoint needs a valid bearer token from a CDS client this service trusts",
        )
    }

    /// 503: too many requests in flight; try again shortly.
    pub fn overloaded() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Service overloaded",
            "the service is handling as many requests as it can; retry in a second",
        )
    }

    /// 503: the request took longer than the limit.
    pub fn timed_out(limit: std::time::Duration) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Request timed out",
            format!(
                "the request took longer than {} s and was stopped; retry later",
                limit.as_secs_f64()
            ),
        )
    }

    /// 408: the request body did not arrive in time.
    pub fn body_timed_out(limit: std::time::Duration) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            "Request body timed out",
            format!(
                "the request body did not arrive within {} s",
                limit.as_secs_f64()
            ),
        )
    }

    /// 503: the service is shutting down and no longer ready.
    pub fn draining() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "draining",
            "Shutting down",
            "this replica is shutting down and takes no new work; another replica will answer",
        )
    }

    /// 500: something failed on our side. The detail stays generic; the cause
    /// goes to the log by the caller.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
            "the service failed to answer this request; it has been logged",
        )
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://backcare.dev/problems/{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            omitted_errors: self.omitted,
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// "2 invalid fields: `a`: …; `b`: …": a detail line that names the first
/// few offenders and counts the rest.
fn summarise(what: &str, errors: &[FieldError]) -> String {
    let list: Vec<String> = errors
        .iter()
        .take(DETAIL_NAMES)
        .map(|e| bounded(format!("`{}`: {}", e.field, e.message), MAX_TEXT / 6))
        .collect();
    match errors.len() {
        0 => format!("{what}s"),
        1 => format!("{what} {}", list[0]),
        n if n <= DETAIL_NAMES => format!("{n} {what}s: {}", list.join("; ")),
        n => format!(
            "{n} {what}s: {}; and {} more",
            list.join("; "),
            n - DETAIL_NAMES
        ),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = super::serialise::to_vec(&self.problem());
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        // Errors depend on the request, never cache them.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
