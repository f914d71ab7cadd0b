//! How request bodies are read into types, beyond serde's derive: a struct
//! from a JSON object only. serde's derived `Deserialize` also takes an
//! array of the fields in order (`[null, 1]` for `{"a": null, "b": 1}`),
//! which no schema of this API allows, so the typed parse of a body would
//! take what its grammar refuses.
//!
//! A struct opts in with `#[serde(remote = "Self")]`, which makes the
//! derived code an inherent `deserialize` instead of the trait's, and
//! [`objects_only!`], which implements the trait by handing that code the
//! fields of an object, and nothing else.

/// Implements `Deserialize` for each listed struct from a JSON object only,
/// through the struct's derived code (`#[serde(remote = "Self")]`).
macro_rules! objects_only {
    ($($t:ident),+ $(,)?) => { $(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $t;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<$t, A::Error> {
                        // The inherent, derived reader: the trait's is this one.
                        $t::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                d.deserialize_map(Fields)
            }
        }
    )+ };
}
pub(crate) use objects_only;

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(remote = "Self", deny_unknown_fields)]
    struct Pair {
        a: Option<u8>,
        b: Option<u8>,
    }
    objects_only!(Pair);

    #[test]
    fn a_struct_is_read_from_an_object_and_never_from_an_array() {
        let pair: Pair = serde_json::from_str(r#"{"b": 1}"#).unwrap();
        assert_eq!(
            pair,
            Pair {
                a: None,
                b: Some(1)
            }
        );
        assert!(serde_json::from_str::<Pair>("[null, 1]").is_err());
        assert!(serde_json::from_str::<Pair>(r#"{"c": 1}"#).is_err());
        let value = serde_json::json!([null, 1]);
        assert!(<Pair as Deserialize>::deserialize(&value).is_err());
        let value = serde_json::json!({"a": 2});
        assert_eq!(
            <Pair as Deserialize>::deserialize(&value).unwrap().a,
            Some(2)
        );
    }
}
