//! One input grammar for every JSON body: the wire types are the
//! declaration. serde parses a valid body straight into them; their
//! OpenAPI schema, derived from the same types, is what an invalid body is
//! checked against, so that every shape problem (a wrong type, an unknown
//! or missing field, a value out of range or not in its vocabulary, a list
//! too long or too short) is reported at once, in the same words for every
//! endpoint. A range is stated once, as a [`Bounded`] type: its
//! deserialiser enforces it and its schema documents it.
//!
//! The walker handles the JSON Schema that utoipa writes for our types
//! (`$ref`, `oneOf` with null, `type`, `enum`, `properties`, `required`,
//! `additionalProperties: false`, `items`, `minItems`, `maxItems`,
//! `minimum`, `maximum`); a JSON Schema crate would add a regex engine and
//! an HTTP client for `$ref`s we never follow, and word errors its own way.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, schema::KnownFormat, schema::SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

use super::error::FieldError;
use super::extract::kind_of;

/// A whole number from `LO` to `HI`: the one place a range is written.
/// JSON does not tell `9` from `9.0`, and JSON Schema counts both as
/// integers, so a whole float is accepted; a fraction is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Bounded<const LO: u8, const HI: u8>(pub u8);

impl<const LO: u8, const HI: u8> Bounded<LO, HI> {
    /// The value.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de, const LO: u8, const HI: u8> Deserialize<'de> for Bounded<LO, HI> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Whole<const LO: u8, const HI: u8>;
        impl<const LO: u8, const HI: u8> Visitor<'_> for Whole<LO, HI> {
            type Value = Bounded<LO, HI>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "a whole number from {LO} to {HI}")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                match u8::try_from(n) {
                    Ok(v) if (LO..=HI).contains(&v) => Ok(Bounded(v)),
                    _ => Err(E::custom(format!("{n} is outside {LO}..={HI}"))),
                }
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!("{n} is outside {LO}..={HI}"))),
                }
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
                if f.fract() == 0.0 && (0.0..=f64::from(u8::MAX)).contains(&f) {
                    self.visit_u64(f as u64)
                } else {
                    Err(E::custom(format!(
                        "must be a whole number from {LO} to {HI}"
                    )))
                }
            }
        }
        d.deserialize_any(Whole::<LO, HI>)
    }
}

impl<const LO: u8, const HI: u8> PartialSchema for Bounded<LO, HI> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(LO))
            .maximum(Some(HI))
            .into()
    }
}

impl<const LO: u8, const HI: u8> ToSchema for Bounded<LO, HI> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Bounded{LO}To{HI}"))
    }
}

/// The schema of one wire type with every schema it refers to, as JSON.
#[derive(Debug)]
pub(crate) struct Grammar {
    root: Value,
    defs: BTreeMap<String, Value>,
}

impl Grammar {
    /// The grammar of `T`, from its derived schema.
    pub(crate) fn of<T: ToSchema>() -> Self {
        let mut schemas = Vec::new();
        T::schemas(&mut schemas);
        let as_json = |s: &RefOr<Schema>| serde_json::to_value(s).expect("schemas serialise");
        let mut defs: BTreeMap<String, Value> = schemas
            .iter()
            .map(|(name, s)| (name.clone(), as_json(s)))
            .collect();
        defs.insert(T::name().into_owned(), as_json(&T::schema()));
        Self {
            root: as_json(&T::schema()),
            defs,
        }
    }

    /// Every shape problem with `value`.
    pub(crate) fn check(&self, value: &Value) -> Vec<FieldError> {
        let mut out = Vec::new();
        self.walk(&self.root, value, "", &mut out);
        out
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        // A chain of references ends at a definition; a dangling one
        // accepts anything rather than refusing a valid body.
        for _ in 0..8 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.rsplit('/').next().and_then(|n| self.defs.get(n)) {
                    Some(next) => s = next,
                    None => return &Value::Null,
                },
                None => return s,
            }
        }
        s
    }

    fn walk(&self, schema: &Value, v: &Value, path: &str, out: &mut Vec<FieldError>) {
        let schema = self.resolve(schema);
        if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
            if v.is_null()
                && options
                    .iter()
                    .any(|o| self.resolve(o).get("type") == Some(&Value::from("null")))
            {
                return;
            }
            // Our oneOfs are "null or T": check against the non-null one.
            for option in options {
                let o = self.resolve(option);
                if o.get("type") != Some(&Value::from("null")) {
                    return self.walk(o, v, path, out);
                }
            }
            return;
        }
        let types = types_of(schema);
        if v.is_null() && types.contains(&"null") {
            return;
        }
        let at = || {
            if path.is_empty() {
                "body".to_owned()
            } else {
                path.to_owned()
            }
        };
        let kind = types.iter().copied().find(|t| *t != "null");
        let (lo, hi) = (schema.get("minimum"), schema.get("maximum"));
        match kind {
            Some("object") => {
                let Value::Object(map) = v else {
                    return out.push(FieldError::new(
                        at(),
                        format!("must be an object, not {}", kind_of(v)),
                    ));
                };
                self.object(schema, map, path, out);
            }
            Some("array") => {
                let Value::Array(items) = v else {
                    return out.push(FieldError::new(
                        at(),
                        format!("must be an array, not {}", kind_of(v)),
                    ));
                };
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                    && items.len() as u64 > max
                {
                    // Items past the limit are not checked one by one: a
                    // huge list must not make a huge answer.
                    return out.push(FieldError::new(
                        at(),
                        format!("{} entries is more than the limit of {max}", items.len()),
                    ));
                }
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                    && (items.len() as u64) < min
                {
                    out.push(FieldError::new(
                        at(),
                        format!(
                            "must have at least {min} entr{}",
                            if min == 1 { "y" } else { "ies" }
                        ),
                    ));
                }
                if let Some(item) = schema.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        self.walk(item, x, &format!("{path}[{i}]"), out);
                    }
                }
            }
            Some("integer") => {
                let range = match (lo.and_then(Value::as_i64), hi.and_then(Value::as_i64)) {
                    (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
                    _ => String::new(),
                };
                let whole = v
                    .as_i64()
                    .map(|n| n as f64)
                    .or_else(|| v.as_u64().map(|n| n as f64))
                    .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0));
                match whole {
                    Some(n) => self.range(schema, n, path, out),
                    None if v.is_number() => out.push(FieldError::new(
                        at(),
                        format!("must be a whole number{range}"),
                    )),
                    None => out.push(FieldError::new(
                        at(),
                        format!("must be a whole number{range}, not {}", kind_of(v)),
                    )),
                }
            }
            Some("number") => match v.as_f64() {
                Some(n) => self.range(schema, n, path, out),
                None => out.push(FieldError::new(
                    at(),
                    format!("must be a number, not {}", kind_of(v)),
                )),
            },
            Some("boolean") if !v.is_boolean() => out.push(FieldError::new(
                at(),
                format!("must be true or false, not {}", kind_of(v)),
            )),
            Some("string") => match v.as_str() {
                None => out.push(FieldError::new(
                    at(),
                    format!("must be a string, not {}", kind_of(v)),
                )),
                Some(s) => {
                    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                        && !allowed.iter().any(|a| a.as_str() == Some(s))
                    {
                        let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                        out.push(FieldError::new(
                            at(),
                            format!("`{s}` is not one of: {}", list.join(", ")),
                        ));
                    }
                    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                        && s.chars().count() as u64 > max
                    {
                        out.push(FieldError::new(
                            at(),
                            format!("is longer than {max} characters"),
                        ));
                    }
                }
            },
            _ => {}
        }
    }

    fn range(&self, schema: &Value, n: f64, path: &str, out: &mut Vec<FieldError>) {
        let lo = schema.get("minimum").and_then(Value::as_f64);
        let hi = schema.get("maximum").and_then(Value::as_f64);
        let outside = lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi);
        if outside {
            let bound = |b: Option<f64>| b.map_or(String::new(), |b| format!("{b}"));
            out.push(FieldError::new(
                path,
                format!("{n} is outside {}..={}", bound(lo), bound(hi)),
            ));
        }
    }

    fn object(
        &self,
        schema: &Value,
        map: &serde_json::Map<String, Value>,
        path: &str,
        out: &mut Vec<FieldError>,
    ) {
        let empty = serde_json::Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let join = |field: &str| {
            if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            }
        };
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for field in required.iter().filter_map(Value::as_str) {
                if map.get(field).is_none_or(Value::is_null) {
                    out.push(FieldError::new(join(field), "is required"));
                }
            }
        }
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (key, value) in map {
            match properties.get(key) {
                Some(field) => self.walk(field, value, &join(key), out),
                None if closed => {
                    let names: Vec<&str> = properties.keys().map(String::as_str).collect();
                    out.push(FieldError::new(
                        join(key),
                        format!("unknown field; expected one of: {}", names.join(", ")),
                    ));
                }
                None => {}
            }
        }
    }
}

/// The `type` of a schema as a list (`"integer"` or `["integer", "null"]`).
fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        level: Bounded<0, 10>,
        on: Option<bool>,
    }

    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        #[schema(max_items = 3, min_items = 1)]
        names: Vec<String>,
        later: Option<Bounded<5, 120>>,
    }

    #[test]
    fn every_shape_problem_is_reported_at_once() {
        let g = Grammar::of::<Outer>();
        let problems = g.check(&json!({
            "inner": {"level": 11, "on": "yes", "extra": 1},
            "names": [],
            "later": 2.5,
            "other": null
        }));
        let got: Vec<(String, String)> =
            problems.into_iter().map(|e| (e.field, e.message)).collect();
        let want = [
            ("inner.extra", "unknown field; expected one of: level, on"),
            ("inner.level", "11 is outside 0..=10"),
            ("inner.on", "must be true or false, not a string"),
            ("later", "must be a whole number from 5 to 120"),
            ("names", "must have at least 1 entry"),
            (
                "other",
                "unknown field; expected one of: inner, later, names",
            ),
        ];
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(f, m)| ((*f).to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(got_sorted, want, "{got:?}");
    }

    #[test]
    fn a_valid_body_has_no_problems_and_parses_to_the_same_values() {
        let g = Grammar::of::<Outer>();
        let body = json!({"inner": {"level": 9.0}, "names": ["a"], "later": null});
        assert!(g.check(&body).is_empty());
        let parsed: Outer = serde_json::from_value(body).unwrap();
        assert_eq!(parsed.inner.level.get(), 9);
    }

    #[test]
    fn bounded_refuses_what_its_schema_refuses() {
        for (text, ok) in [
            ("0", true),
            ("10", true),
            ("11", false),
            ("-1", false),
            ("4.0", true),
            ("4.5", false),
            ("\"4\"", false),
        ] {
            let parsed = serde_json::from_str::<Bounded<0, 10>>(text);
            assert_eq!(parsed.is_ok(), ok, "{text}");
            let value: Value = serde_json::from_str(text).unwrap();
            let g = Grammar::of::<Bounded<0, 10>>();
            assert_eq!(g.check(&value).is_empty(), ok, "{text}");
        }
    }
}
