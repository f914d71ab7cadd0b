//! A recommendation's JSON, written by hand.
//!
//! The answer is mostly catalog text (ids, names, doses, reasons), and the
//! generic serde path spent most of its time on that text: every key and
//! every string went through an escaper one call at a time. Here keys are
//! literals and a string is copied whole unless it holds a character JSON
//! must escape, which catalog text almost never does. The bytes are exactly
//! serde_json's for the same value: `tests::matches_serde_json` checks the
//! seed answers and a proptest in `recommendation` checks random people.
//! The derived `Serialize` stays, for the OpenAPI schema and that check.

use crate::engine::{
    Avoided, Caution, FiredFlag, MassagePlan, Recommendation, Routine, RoutineItem, Session,
    StartBackResult, Step, TechniquePick, Triage,
};

/// Bytes reserved for a recommendation's JSON: a typical answer is 6-7 KB,
/// so it is written without growing the buffer.
const CAPACITY: usize = 8 * 1024;

/// The JSON of `answer`, byte for byte what serde_json writes.
pub fn recommendation_json(answer: &Recommendation<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(CAPACITY);
    recommendation(&mut out, answer);
    out
}

fn recommendation(out: &mut Vec<u8>, r: &Recommendation<'_>) {
    out.extend_from_slice(b"{\"triage\":");
    triage(out, &r.triage);
    out.extend_from_slice(b",\"approach\":");
    string(out, r.approach.as_str());
    out.extend_from_slice(b",\"massage\":");
    option(out, r.massage.as_ref(), massage);
    out.extend_from_slice(b",\"adjuncts\":");
    list(out, &r.adjuncts, technique);
    out.extend_from_slice(b",\"routine\":");
    option(out, r.routine.as_ref(), routine);
    out.extend_from_slice(b",\"avoid\":");
    list(out, &r.avoid, avoided);
    out.extend_from_slice(b",\"cautions\":");
    list(out, &r.cautions, caution);
    out.extend_from_slice(b",\"explanation\":");
    list(out, &r.explanation, step);
    out.extend_from_slice(b",\"start_back\":");
    option(out, r.start_back.as_ref(), start_back);
    out.extend_from_slice(b",\"catalog_version\":");
    string(out, r.catalog_version);
    out.push(b'}');
}

fn triage(out: &mut Vec<u8>, t: &Triage<'_>) {
    out.extend_from_slice(b"{\"level\":");
    string(out, t.level.as_str());
    out.extend_from_slice(b",\"message\":");
    string(out, &t.message);
    out.extend_from_slice(b",\"flags\":");
    list(out, &t.flags, flag);
    out.push(b'}');
}

fn flag(out: &mut Vec<u8>, f: &FiredFlag<'_>) {
    out.extend_from_slice(b"{\"id\":");
    string(out, f.id);
    out.extend_from_slice(b",\"name\":");
    string(out, f.name);
    out.extend_from_slice(b",\"urgency\":");
    string(out, f.urgency.as_str());
    out.extend_from_slice(b",\"action\":");
    string(out, f.action);
    out.extend_from_slice(b",\"escalated_because\":");
    option(out, f.escalated_because.as_deref(), string);
    out.push(b'}');
}

fn massage(out: &mut Vec<u8>, m: &MassagePlan<'_>) {
    out.extend_from_slice(b"{\"techniques\":");
    list(out, &m.techniques, technique);
    out.extend_from_slice(b",\"self_massage\":");
    list(out, &m.self_massage, technique);
    out.push(b'}');
}

fn technique(out: &mut Vec<u8>, t: &TechniquePick<'_>) {
    out.extend_from_slice(b"{\"technique_id\":");
    string(out, t.technique_id);
    out.extend_from_slice(b",\"name\":");
    string(out, t.name);
    out.extend_from_slice(b",\"pressure\":");
    option(out, t.pressure.map(|p| p.as_str()), string);
    out.extend_from_slice(b",\"frequency\":");
    string(out, &t.frequency);
    out.extend_from_slice(b",\"reason\":");
    string(out, &t.reason);
    out.push(b'}');
}

fn routine(out: &mut Vec<u8>, r: &Routine<'_>) {
    out.extend_from_slice(b"{\"total_minutes\":");
    number(out, r.total_minutes);
    out.extend_from_slice(b",\"sessions\":");
    list(out, &r.sessions, session);
    out.push(b'}');
}

fn session(out: &mut Vec<u8>, s: &Session<'_>) {
    out.extend_from_slice(b"{\"slot\":");
    string(out, s.slot.as_str());
    out.extend_from_slice(b",\"items\":");
    list(out, &s.items, item);
    out.push(b'}');
}

fn item(out: &mut Vec<u8>, i: &RoutineItem<'_>) {
    out.extend_from_slice(b"{\"exercise_id\":");
    string(out, i.exercise_id);
    out.extend_from_slice(b",\"name\":");
    string(out, i.name);
    out.extend_from_slice(b",\"dose\":");
    string(out, i.dose);
    out.extend_from_slice(b",\"minutes\":");
    number(out, i.minutes.into());
    out.extend_from_slice(b",\"reason\":");
    string(out, &i.reason);
    out.push(b'}');
}

fn avoided(out: &mut Vec<u8>, a: &Avoided<'_>) {
    out.extend_from_slice(b"{\"kind\":");
    string(out, a.kind);
    out.extend_from_slice(b",\"id\":");
    string(out, a.id);
    out.extend_from_slice(b",\"name\":");
    string(out, a.name);
    out.extend_from_slice(b",\"reason\":");
    string(out, &a.reason);
    out.extend_from_slice(b",\"because\":");
    strings(out, &a.because);
    out.push(b'}');
}

fn caution(out: &mut Vec<u8>, c: &Caution<'_>) {
    out.extend_from_slice(b"{\"text\":");
    string(out, &c.text);
    out.extend_from_slice(b",\"from\":");
    string(out, c.from);
    out.push(b'}');
}

fn step(out: &mut Vec<u8>, s: &Step<'_>) {
    out.extend_from_slice(b"{\"rule\":");
    string(out, s.rule);
    out.extend_from_slice(b",\"decision\":");
    string(out, &s.decision);
    out.extend_from_slice(b",\"catalog_ids\":");
    strings(out, &s.catalog_ids);
    out.extend_from_slice(b",\"source_ids\":");
    strings(out, &s.source_ids);
    out.push(b'}');
}

fn start_back(out: &mut Vec<u8>, s: &StartBackResult) {
    out.extend_from_slice(b"{\"score\":");
    number(out, s.score.into());
    out.extend_from_slice(b",\"psychosocial_score\":");
    number(out, s.psychosocial_score.into());
    out.extend_from_slice(b",\"risk\":");
    string(out, s.risk.as_str());
    out.extend_from_slice(b",\"pathway\":");
    string(out, &s.pathway);
    out.push(b'}');
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
