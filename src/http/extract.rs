//! Extractors that answer bad input with our problem+json errors instead of
//! axum's plain-text rejections.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::AppState;
use super::error::{ApiError, FieldError};

/// Query parameters, parsed strictly: unknown parameters, repeated
/// parameters and bad values are 400s naming the parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

/// Pulls the parameter out of a serde message such as "unknown field `x`",
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

/// Whether the client prefers an HTML page to JSON (see
/// [`super::pages::wants_html`]), read from the request's `Accept` without
/// copying its headers.
#[derive(Debug, Clone, Copy)]
pub struct WantsHtml(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for WantsHtml {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(super::pages::wants_html(&parts.headers)))
    }
}

/// The request's `Host` header, taken without copying the other headers;
/// `None` when there is none or more than one (RFC 9112 calls two a bad
/// request, and neither can be trusted to name this server).
#[derive(Debug, Clone)]
pub struct RequestHost(pub Option<axum::http::HeaderValue>);

impl<S: Send + Sync> FromRequestParts<S> for RequestHost {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut hosts = parts.headers.get_all(header::HOST).iter();
        Ok(Self(match (hosts.next(), hosts.next()) {
            (Some(host), None) => Some(host.clone()),
            _ => None,
        }))
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
    // Bodies are read as sent; a compressed one would be read as bytes
    // that are not JSON, or, decompressed, could be far over the limit.
    if req
        .headers()
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .any(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"))
    {
        return Err(ApiError::unsupported_encoding());
    }
    // A declared length over the limit is refused before the body is
    // polled, so a client sending `Expect: 100-continue` gets the 413
    // instead of `100 Continue` and never sends the body.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::payload_too_large(limit));
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

/// A JSON value parsed with duplicate object keys rejected: `serde_json` keeps
/// the last of two equal keys, which would silently ignore the first.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let Strict(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// Parses the body as JSON: syntax errors are 400, duplicate keys 422.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    match serde_json::from_slice::<Strict>(bytes) {
        Ok(Strict(v)) => Ok(v),
        Err(e) if e.is_data() => {
            let message = e.to_string();
            let field = message.split('`').nth(1).unwrap_or("body").to_owned();
            Err(ApiError::invalid_body(vec![FieldError::new(
                field, message,
            )]))
        }
        Err(e) if e.is_eof() => Err(ApiError::malformed_body(format!(
            "the JSON body ends too early: {e}"
        ))),
        Err(e) => Err(ApiError::malformed_body(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// What a JSON value is, for error messages ("must be a string, not a number").
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
