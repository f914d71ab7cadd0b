//! One input grammar for every JSON body: the wire types are the
//! declaration. serde parses a valid body straight into them; their
//! OpenAPI schema, derived from the same types, is what an invalid body is
//! checked against, so that every shape problem (a wrong type, an unknown
//! or missing field, a value out of range, not in its vocabulary or not of
//! its pattern, a list too long or too short) is reported at once, in the
//! same words for every endpoint. A range is stated once, as a [`Bounded`]
//! type: its deserialiser enforces it and its schema documents it.
//!
//! The walker handles the JSON Schema 2020-12 that utoipa writes for our
//! types (`$ref`, `oneOf` with null, `type`, `enum`, `const`,
//! `properties`, `required`, `additionalProperties` (`false` or a schema),
//! `items`, `minItems`, `maxItems`, `minimum`, `maximum`, `minLength`,
//! `maxLength`, `pattern`) and what [`Grammar::with_rules`] adds where
//! utoipa cannot (`allOf`, `if`/`then`/`else`). A pattern failure is worded
//! with the schema's `title` ("`x` is not a UUID"); a failure under `then`
//! says what made the rule apply ("when `outcome` is `accepted`").
//!
//! A JSON Schema crate would bring its own HTTP client for `$ref`s we never
//! follow and word errors its own way; the one thing it would bring that we
//! need, a regular-expression engine, is the `regex` crate, whose engine
//! was already built into the service for log filters.

use std::borrow::Cow;
use std::collections::BTreeMap;

use regex::Regex;
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
pub(super) struct Bounded<const LO: u8, const HI: u8>(pub u8);

impl<const LO: u8, const HI: u8> Bounded<LO, HI> {
    /// The value.
    pub(super) fn get(self) -> u8 {
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

/// The schema of one wire type with every schema it refers to, as JSON,
/// and the regular expressions of its patterns, compiled once.
#[derive(Debug)]
pub(crate) struct Grammar {
    root: Value,
    defs: BTreeMap<String, Value>,
    patterns: BTreeMap<String, Regex>,
}

/// Schemas by component name, as rules edit them.
pub(crate) type Schemas = BTreeMap<String, Value>;

impl Grammar {
    /// The grammar of `T`, from its derived schema.
    pub(crate) fn of<T: ToSchema>() -> Self {
        Self::with_rules::<T>(|_| {})
    }

    /// The grammar of `T` with `rules` applied to its schemas: what JSON
    /// Schema states and utoipa cannot derive (`if`/`then`). The published
    /// document gets the same rules, so both say the same.
    pub(crate) fn with_rules<T: ToSchema>(rules: fn(&mut Schemas)) -> Self {
        let mut schemas = Vec::new();
        T::schemas(&mut schemas);
        let mut defs: Schemas = schemas
            .iter()
            .map(|(name, s)| (name.clone(), as_json(s)))
            .collect();
        let name = T::name().into_owned();
        defs.insert(name.clone(), as_json(&T::schema()));
        rules(&mut defs);
        let mut patterns = BTreeMap::new();
        for schema in defs.values() {
            compile_patterns(schema, &mut patterns);
        }
        Self {
            root: serde_json::json!({ "$ref": format!("#/components/schemas/{name}") }),
            defs,
            patterns,
        }
    }

    /// Every shape problem with `value`.
    pub(crate) fn check(&self, value: &Value) -> Vec<FieldError> {
        let mut out = Vec::new();
        self.walk(&self.root, value, "", None, &mut out);
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

    /// Whether `v` has no problem under `schema` (an `if`).
    fn matches(&self, schema: &Value, v: &Value, path: &str) -> bool {
        let mut scratch = Vec::new();
        self.walk(schema, v, path, None, &mut scratch);
        scratch.is_empty()
    }

    fn walk(
        &self,
        schema: &Value,
        v: &Value,
        path: &str,
        when: Option<&str>,
        out: &mut Vec<FieldError>,
    ) {
        let schema = self.resolve(schema);
        let fail = |out: &mut Vec<FieldError>, message: String| problem(out, path, when, message);
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
                    return self.walk(o, v, path, when, out);
                }
            }
            return;
        }
        let types = types_of(schema);
        if v.is_null() && types.contains(&"null") {
            return;
        }
        let range = match (
            schema.get("minimum").and_then(Value::as_i64),
            schema.get("maximum").and_then(Value::as_i64),
        ) {
            (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
            _ => String::new(),
        };
        let wrong = match types.iter().copied().find(|t| *t != "null") {
            None if !types.is_empty() && !v.is_null() => Some("must be null".to_owned()),
            Some("object") if !v.is_object() => Some("must be an object".to_owned()),
            Some("array") if !v.is_array() => Some("must be an array".to_owned()),
            Some("string") if !v.is_string() => Some("must be a string".to_owned()),
            Some("boolean") if !v.is_boolean() => Some("must be true or false".to_owned()),
            Some("number") if !v.is_number() => Some("must be a number".to_owned()),
            Some("integer") if v.is_number() && whole(v).is_none() => {
                return fail(out, format!("must be a whole number{range}"));
            }
            Some("integer") if !v.is_number() => Some(format!("must be a whole number{range}")),
            _ => None,
        };
        if let Some(wrong) = wrong {
            return fail(out, format!("{wrong}, not {}", kind_of(v)));
        }
        match v {
            Value::Object(map) => self.object(schema, map, path, when, out),
            Value::Array(items) => {
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                    && items.len() as u64 > max
                {
                    // Items past the limit are not checked one by one: a
                    // huge list must not make a huge answer.
                    return fail(
                        out,
                        format!("{} entries is more than the limit of {max}", items.len()),
                    );
                }
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                    && (items.len() as u64) < min
                {
                    let entries = if min == 1 { "entry" } else { "entries" };
                    fail(out, format!("must have at least {min} {entries}"));
                }
                if let Some(item) = schema.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        self.walk(item, x, &format!("{path}[{i}]"), when, out);
                    }
                }
            }
            Value::String(s) => self.string(schema, s, path, when, out),
            Value::Number(_) => {
                if let Some(n) = whole(v).or_else(|| v.as_f64()) {
                    let lo = schema.get("minimum").and_then(Value::as_f64);
                    let hi = schema.get("maximum").and_then(Value::as_f64);
                    if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
                        let bound = |b: Option<f64>| b.map_or(String::new(), |b| format!("{b}"));
                        fail(out, format!("{n} is outside {}..={}", bound(lo), bound(hi)));
                    }
                }
            }
            _ => {}
        }
        if let Some(c) = schema.get("const")
            && v != c
        {
            fail(out, format!("must be `{}`", shown(c)));
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.walk(part, v, path, when, out);
        }
        if let Some(condition) = schema.get("if") {
            if self.matches(condition, v, path) {
                if let Some(then) = schema.get("then") {
                    let because = because(self.resolve(condition), v);
                    self.walk(then, v, path, because.as_deref().or(when), out);
                }
            } else if let Some(otherwise) = schema.get("else") {
                self.walk(otherwise, v, path, when, out);
            }
        }
    }

    fn string(
        &self,
        schema: &Value,
        s: &str,
        path: &str,
        when: Option<&str>,
        out: &mut Vec<FieldError>,
    ) {
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.iter().any(|a| a.as_str() == Some(s))
        {
            let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            problem(
                out,
                path,
                when,
                format!("`{s}` is not one of: {}", list.join(", ")),
            );
        }
        let chars = || s.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && chars() < min
        {
            let message = if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("is shorter than {min} characters")
            };
            problem(out, path, when, message);
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && chars() > max
        {
            problem(out, path, when, format!("is longer than {max} characters"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            // Every pattern was compiled with the grammar; a missing one
            // would be a schema built after it, which cannot happen.
            let refused = self.patterns.get(pattern).is_some_and(|re| !re.is_match(s));
            if refused {
                let message = match schema.get("title").and_then(Value::as_str) {
                    Some(title) => format!("`{s}` is not a {title}"),
                    None => format!("`{s}` does not match the pattern `{pattern}`"),
                };
                problem(out, path, when, message);
            }
        }
    }

    fn object(
        &self,
        schema: &Value,
        map: &serde_json::Map<String, Value>,
        path: &str,
        when: Option<&str>,
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
        let additional = schema.get("additionalProperties");
        // Unknown fields first: a misspelt field explains the missing one
        // reported after it.
        if additional == Some(&Value::Bool(false)) {
            let names: Vec<&str> = properties.keys().map(String::as_str).collect();
            for key in map.keys().filter(|k| !properties.contains_key(*k)) {
                problem(
                    out,
                    &join(key),
                    when,
                    format!("unknown field; expected one of: {}", names.join(", ")),
                );
            }
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for field in &required {
            if map.get(*field).is_none_or(Value::is_null) {
                problem(out, &join(field), when, "is required".to_owned());
            }
        }
        for (key, value) in map {
            match properties.get(key) {
                // A required null was reported as missing just above.
                Some(_) if value.is_null() && required.contains(&key.as_str()) => {}
                Some(field) => self.walk(field, value, &join(key), when, out),
                None => match additional {
                    Some(rest) if rest.is_object() => {
                        self.walk(rest, value, &join(key), when, out);
                    }
                    _ => {}
                },
            }
        }
    }
}

/// The schema as JSON.
fn as_json(s: &RefOr<Schema>) -> Value {
    serde_json::to_value(s).expect("schemas serialise")
}

/// Compiles every `pattern` in `schema` into `out`.
fn compile_patterns(schema: &Value, out: &mut BTreeMap<String, Regex>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get("pattern")
                && !out.contains_key(p)
            {
                let re = Regex::new(p).unwrap_or_else(|e| panic!("pattern `{p}`: {e}"));
                out.insert(p.clone(), re);
            }
            for v in map.values() {
                compile_patterns(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| compile_patterns(v, out)),
        _ => {}
    }
}

/// A problem at `path` (`body` at the top), saying why its rule applied.
fn problem(out: &mut Vec<FieldError>, path: &str, when: Option<&str>, message: String) {
    let field = if path.is_empty() { "body" } else { path };
    let message = match when {
        Some(when) => format!("{message} (when {when})"),
        None => message,
    };
    out.push(FieldError::new(field, message));
}

/// What an `if` that held saw: "`outcome` is `accepted`".
fn because(condition: &Value, v: &Value) -> Option<String> {
    let properties = condition.get("properties")?.as_object()?;
    let seen: Vec<String> = properties
        .keys()
        .filter_map(|k| Some(format!("`{k}` is `{}`", shown(v.get(k)?))))
        .collect();
    (!seen.is_empty()).then(|| seen.join(" and "))
}

/// A JSON value in a message: strings without their quotes.
fn shown(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// `v` as a whole number, when it is one (`9.0` is: JSON does not tell).
fn whole(v: &Value) -> Option<f64> {
    v.as_i64()
        .map(|n| n as f64)
        .or_else(|| v.as_u64().map(|n| n as f64))
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0))
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

    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Ruled {
        kind: String,
        code: Option<String>,
        extra: Option<std::collections::BTreeMap<String, Inner>>,
    }

    /// What utoipa cannot derive, as a rule would add it.
    fn ruled(defs: &mut Schemas) {
        let ruled = defs.get_mut("Ruled").unwrap();
        ruled["properties"]["kind"]["pattern"] = json!("^[a-z]+$");
        ruled["properties"]["kind"]["title"] = json!("lower-case word");
        ruled["properties"]["code"]["minLength"] = json!(1);
        ruled["allOf"] = json!([{
            "if": {"required": ["kind"], "properties": {"kind": {"const": "fixed"}}},
            "then": {"properties": {"code": {"type": "null"}}},
            "else": {"required": ["code"]}
        }]);
    }

    #[test]
    fn patterns_lengths_and_conditions_are_checked_and_say_why() {
        let g = Grammar::with_rules::<Ruled>(ruled);
        let problems = |v: Value| -> Vec<(String, String)> {
            g.check(&v)
                .into_iter()
                .map(|e| (e.field, e.message))
                .collect()
        };
        let p = |f: &str, m: &str| (f.to_owned(), m.to_owned());
        assert_eq!(problems(json!({"kind": "word", "code": "c"})), []);
        assert_eq!(problems(json!({"kind": "fixed"})), []);
        assert_eq!(
            problems(json!({"kind": "Word", "code": ""})),
            [
                p("code", "must not be empty"),
                p("kind", "`Word` is not a lower-case word"),
            ]
        );
        assert_eq!(
            problems(json!({"kind": "fixed", "code": "c"})),
            [p(
                "code",
                "must be null, not a string (when `kind` is `fixed`)"
            )]
        );
        assert_eq!(
            problems(json!({"kind": "word"})),
            [p("code", "is required")]
        );
        // Unknown fields come first; a required null is reported once;
        // `additionalProperties` schemas check every value.
        assert_eq!(
            problems(json!({"kind": null, "zzz": 1, "code": "c",
                "extra": {"a": {"level": 3}, "b": {"level": 11}}})),
            [
                p("zzz", "unknown field; expected one of: code, extra, kind"),
                p("kind", "is required"),
                p("extra.b.level", "11 is outside 0..=10"),
            ]
        );
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
