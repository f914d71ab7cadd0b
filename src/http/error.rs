//! The one error type of the API, answered as RFC 9457 `application/problem+json`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

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
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem details body. Every 4xx and 5xx answer has this shape.
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
    /// Every offending field, parameter or id, when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
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
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Adds the offending fields.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
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

    /// The offending fields, if any.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
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
        }
    }
}

/// "2 invalid fields: a (…); b (…)": a detail line that names every offender.
fn summarise(what: &str, errors: &[FieldError]) -> String {
    let list: Vec<String> = errors
        .iter()
        .map(|e| format!("`{}`: {}", e.field, e.message))
        .collect();
    match errors.len() {
        0 => format!("{what}s"),
        1 => format!("{what} {}", list[0]),
        n => format!("{n} {what}s: {}", list.join("; ")),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).expect("problem bodies always serialise");
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        // Errors depend on the request, never cache them.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
