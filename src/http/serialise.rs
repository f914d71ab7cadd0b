//! Every JSON response body is written by one function, [`to_vec`], so one
//! serialiser decides the bytes a client reads: recommendations and CDS
//! answers, problem+json bodies (including the listener's canned 503), the
//! probes, the catalog's entities (serialised once per catalog; list pages
//! join those bytes in an envelope of three integers) and the served
//! OpenAPI document.
//!
//! It is sonic-rs rather than `serde_json`: the same compact bytes for
//! these types, with strings escaped by SIMD instead of a byte at a time
//! (2.4 us for a typical recommendation against `serde_json`'s 4.5 us,
//! `edge/serialise_typical`). `serde_json` stays where JSON is a value
//! rather than a body: building the OpenAPI document and its schemas, and
//! reading requests.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Bytes reserved for an answer's JSON: a typical recommendation is 6-7 KB
/// and a CDS response 3-4 KB, so neither is copied through a series of ever
/// larger buffers as sonic-rs's own `to_vec` (starting at 128 bytes) would.
/// Bodies kept for long, like the catalog's, are shrunk by their keeper.
const CAPACITY: usize = 8 * 1024;

/// `value`'s compact JSON.
///
/// Panics if `value`'s `Serialize` fails, which for the service's types is
/// a bug: their maps have string keys and non-finite numbers become `null`,
/// as with `serde_json`.
pub(crate) fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    let mut body = Vec::with_capacity(CAPACITY);
    sonic_rs::to_writer(&mut body, value).expect("response bodies always serialise");
    body
}

/// A 200 with `value`'s JSON.
pub(super) fn json_response<T: Serialize>(value: &T) -> Response {
    json_body(to_vec(value))
}

/// A 200 with this JSON body.
pub(super) fn json_body(body: impl Into<axum::body::Body>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::error::{ApiError, FieldError};

    /// The served OpenAPI document (maps, integers, long descriptions) is
    /// byte for byte what `serde_json` writes, so it stays the committed
    /// document compacted.
    #[test]
    fn the_openapi_document_is_written_as_serde_json_would() {
        let document = crate::http::openapi();
        assert_eq!(to_vec(document), serde_json::to_vec(document).unwrap());
    }

    /// Problem bodies carry request text: quotes, backslashes, control
    /// characters, non-ASCII and `</script>` are escaped as `serde_json`
    /// escapes them.
    #[test]
    fn problems_are_written_as_serde_json_would() {
        let awkward = "a \"quoted\" \\ back\u{1}slash\ttab\nline \u{7f} é 日本 🦀 </script>";
        let mut errors: Vec<FieldError> = (0..60)
            .map(|i| FieldError::new(format!("items[{i}]"), awkward))
            .collect();
        errors.push(FieldError::new(awkward, ""));
        for error in [
            ApiError::not_found("exercise", awkward),
            ApiError::bad_parameters(errors.clone()),
            ApiError::invalid_body(errors).with_omitted(7),
            ApiError::overloaded(),
            ApiError::internal(),
        ] {
            let problem = error.problem();
            assert_eq!(to_vec(&problem), serde_json::to_vec(&problem).unwrap());
        }
    }
}
