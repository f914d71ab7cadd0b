//! Extractors that answer bad input with our problem+json errors instead of
//! axum's plain-text rejections.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::{ApiError, FieldError};

/// Query parameters, parsed strictly: unknown parameters, repeated
/// parameters and bad values are 400s naming the parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

/// Pulls the parameter a serde message names (`unknown field `x``) out of it,
/// because serde reports struct-level errors at the struct, not the field.
fn named_field(message: &str) -> Option<&str> {
    let rest = message.split_once('`')?.1;
    Some(rest.split_once('`')?.0)
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| {
                let path = err.path().to_string();
                let inner = err.into_inner().to_string();
                let error = if path == "." {
                    let field = named_field(&inner).unwrap_or("query").to_owned();
                    let message = if inner.starts_with("unknown field") {
                        format!("unknown parameter; {}", inner.replace("field", "parameter"))
                    } else if inner.starts_with("duplicate field") {
                        "given more than once".to_owned()
                    } else {
                        inner
                    };
                    FieldError::new(field, message)
                } else {
                    FieldError::new(path, inner)
                };
                ApiError::bad_parameters(vec![error])
            })
    }
}

/// Path parameters with a problem+json rejection.
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|rejection: PathRejection| {
                ApiError::bad_parameters(vec![FieldError::new("path", rejection.body_text())])
            })
    }
}

/// The raw body of a JSON request: the content type is checked and the size
/// limit applied, but parsing is left to the caller so it can report every
/// problem at once.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Bytes);

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The raw body of a CDS Hooks call: as [`JsonBody`], with a limit of at
/// least [`super::CDS_BODY_LIMIT`].
#[derive(Debug, Clone)]
pub struct LargeJsonBody(pub Bytes);

/// Checks the content type and reads the body up to `limit` bytes.
async fn read_json(req: Request, limit: usize) -> Result<Bytes, ApiError> {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json);
    if !json {
        return Err(ApiError::unsupported_media_type());
    }
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<LengthLimitError>() => Err(ApiError::payload_too_large(limit)),
        Err(err) => Err(ApiError::malformed_body(format!(
            "could not read the request body: {err}"
        ))),
    }
}

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        read_json(req, state.limits().body_limit)
            .await
            .map(JsonBody)
    }
}

impl FromRequest<AppState> for LargeJsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let limit = state.limits().body_limit.max(super::CDS_BODY_LIMIT);
        read_json(req, limit).await.map(LargeJsonBody)
    }
}
