//! Answers' JSON bodies. A recommendation is written by hand; other
//! answers (CDS cards) go through sonic-rs.
//!
//! The recommendation is mostly catalog text (ids, names, doses, reasons),
//! and the generic serde path spent most of its time on that text: every key
//! and every string went through an escaper one call at a time. Here keys
//! are literals and a string is copied whole unless it holds a character
//! JSON must escape, which catalog text almost never does. The bytes are
//! exactly serde_json's for the same value: the unit tests below check the
//! escapes, `recommendation::tests` the seed answers, and a proptest
//! (`properties::written_answers_are_serde_json`) random people. The
//! derived `Serialize` stays, for the OpenAPI schema and those checks.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use crate::engine::{
    Avoided, Caution, FiredFlag, MassagePlan, Recommendation, Routine, RoutineItem, Session,
    StartBackResult, Step, TechniquePick, Triage,
};

/// Bytes reserved for an answer's JSON: a typical recommendation is 6-7 KB
/// and a CDS response 3-4 KB, so neither is copied through a series of ever
/// larger buffers as axum's `Json` (starting at 128 bytes) would.
const CAPACITY: usize = 8 * 1024;

/// The JSON of `answer`, byte for byte what serde_json writes.
pub fn recommendation_json(answer: &Recommendation<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(CAPACITY);
    recommendation(&mut out, answer);
    out
}

/// A 200 with `value`'s JSON, written by sonic-rs: the same bytes as
/// serde_json, with strings escaped by SIMD instead of a byte at a time.
pub(super) fn json_response<T: Serialize>(value: &T) -> Response {
    let mut body = Vec::with_capacity(CAPACITY);
    match sonic_rs::to_writer(&mut body, value) {
        Ok(()) => json_body(body),
        Err(err) => {
            tracing::error!(error = %err, "a response failed to serialise");
            ApiError::internal().into_response()
        }
    }
}

/// A 200 with this JSON body.
pub(super) fn json_body(body: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Writes a JSON object: each key as a literal, then its value written by
/// the statement beside it, in the order given (the order of the type's
/// fields, as serde writes them).
macro_rules! object {
    ($out:ident, $first:literal => $write_first:expr $(, $key:literal => $write:expr)* $(,)?) => {{
        $out.extend_from_slice(concat!("{\"", $first, "\":").as_bytes());
        $write_first;
        $(
            $out.extend_from_slice(concat!(",\"", $key, "\":").as_bytes());
            $write;
        )*
        $out.push(b'}');
    }};
}

fn recommendation(out: &mut Vec<u8>, r: &Recommendation<'_>) {
    object!(out,
        "triage" => triage(out, &r.triage),
        "approach" => string(out, r.approach.as_str()),
        "massage" => option(out, r.massage.as_ref(), massage),
        "adjuncts" => list(out, &r.adjuncts, technique),
        "routine" => option(out, r.routine.as_ref(), routine),
        "avoid" => list(out, &r.avoid, avoided),
        "cautions" => list(out, &r.cautions, caution),
        "explanation" => list(out, &r.explanation, step),
        "start_back" => option(out, r.start_back.as_ref(), start_back),
        "catalog_version" => string(out, r.catalog_version),
    );
}

fn triage(out: &mut Vec<u8>, t: &Triage<'_>) {
    object!(out,
        "level" => string(out, t.level.as_str()),
        "message" => string(out, &t.message),
        "flags" => list(out, &t.flags, flag),
    );
}

fn flag(out: &mut Vec<u8>, f: &FiredFlag<'_>) {
    object!(out,
        "id" => string(out, f.id),
        "name" => string(out, f.name),
        "urgency" => string(out, f.urgency.as_str()),
        "action" => string(out, f.action),
        "escalated_because" => option(out, f.escalated_because.as_deref(), string),
    );
}

fn massage(out: &mut Vec<u8>, m: &MassagePlan<'_>) {
    object!(out,
        "techniques" => list(out, &m.techniques, technique),
        "self_massage" => list(out, &m.self_massage, technique),
    );
}

fn technique(out: &mut Vec<u8>, t: &TechniquePick<'_>) {
    object!(out,
        "technique_id" => string(out, t.technique_id),
        "name" => string(out, t.name),
        "pressure" => option(out, t.pressure.map(|p| p.as_str()), string),
        "frequency" => string(out, &t.frequency),
        "reason" => string(out, &t.reason),
    );
}

fn routine(out: &mut Vec<u8>, r: &Routine<'_>) {
    object!(out,
        "total_minutes" => number(out, r.total_minutes),
        "sessions" => list(out, &r.sessions, session),
    );
}

fn session(out: &mut Vec<u8>, s: &Session<'_>) {
    object!(out,
        "slot" => string(out, s.slot.as_str()),
        "items" => list(out, &s.items, item),
    );
}

fn item(out: &mut Vec<u8>, i: &RoutineItem<'_>) {
    object!(out,
        "exercise_id" => string(out, i.exercise_id),
        "name" => string(out, i.name),
        "dose" => string(out, i.dose),
        "minutes" => number(out, i.minutes.into()),
        "reason" => string(out, &i.reason),
    );
}

fn avoided(out: &mut Vec<u8>, a: &Avoided<'_>) {
    object!(out,
        "kind" => string(out, a.kind),
        "id" => string(out, a.id),
        "name" => string(out, a.name),
        "reason" => string(out, &a.reason),
        "because" => strings(out, &a.because),
    );
}

fn caution(out: &mut Vec<u8>, c: &Caution<'_>) {
    object!(out,
        "text" => string(out, &c.text),
        "from" => string(out, c.from),
    );
}

fn step(out: &mut Vec<u8>, s: &Step<'_>) {
    object!(out,
        "rule" => string(out, s.rule),
        "decision" => string(out, &s.decision),
        "catalog_ids" => strings(out, &s.catalog_ids),
        "source_ids" => strings(out, &s.source_ids),
    );
}

fn start_back(out: &mut Vec<u8>, s: &StartBackResult) {
    object!(out,
        "score" => number(out, s.score.into()),
        "psychosocial_score" => number(out, s.psychosocial_score.into()),
        "risk" => string(out, s.risk.as_str()),
        "pathway" => string(out, &s.pathway),
    );
}

/// `[a,b,…]`, each element written by `each`.
fn list<T>(out: &mut Vec<u8>, items: &[T], each: fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

fn strings(out: &mut Vec<u8>, items: &[&str]) {
    list(out, items, |out, s| string(out, s));
}

/// The value, or `null`.
fn option<T>(out: &mut Vec<u8>, value: Option<T>, write: fn(&mut Vec<u8>, T)) {
    match value {
        Some(v) => write(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

fn number(out: &mut Vec<u8>, n: u16) {
    let mut digits = [0u8; 5];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        // `n % 10` is below 10, so the cast keeps every bit.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Whether JSON must escape this byte: quote, backslash or a control
/// character. Bytes of multi-byte UTF-8 characters are all above 0x7f, so
/// they pass as they are, as serde_json leaves them.
const fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether no byte needs escaping. Nearly every string is clean, so this
/// scan is most of the cost of writing one. There is no early exit: a plain
/// fold over the bytes becomes vector instructions, and measured faster
/// than stopping at the first hit, eight-byte bit tricks, or a byte loop
/// for short strings (`cargo bench --bench engine -- edge/serialise`).
fn is_clean(bytes: &[u8]) -> bool {
    !bytes.iter().fold(false, |any, b| any | needs_escape(*b))
}

/// A JSON string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.push(b'"');
    if is_clean(bytes) {
        out.extend_from_slice(bytes);
    } else {
        escaped(out, bytes);
    }
    out.push(b'"');
}

#[cold]
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut clean_from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&bytes[clean_from..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
        }
        clean_from = i + 1;
    }
    out.extend_from_slice(&bytes[clean_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character class JSON treats specially comes out as serde_json
    /// writes it.
    #[test]
    fn strings_escape_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "quote \" and backslash \\",
            "lines\nand\rtabs\tbell\u{7}\u{8}\u{c}\u{1f}",
            "non-ASCII: café, 30 °C, – dash, \u{7f} delete",
            "\"",
            "\\\\",
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(
                String::from_utf8(out).expect("utf-8"),
                serde_json::to_string(s).expect("serialises"),
                "for {s:?}"
            );
        }
    }

    #[test]
    fn numbers_are_written_in_full() {
        for n in [0u16, 7, 10, 99, 100, 1234, u16::MAX] {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
