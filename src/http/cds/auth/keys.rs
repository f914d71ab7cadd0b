//! The keys each trusted CDS client (an EHR) signs with: one JWK Set per
//! issuer, read from a local file at start-up.
//!
//! CDS Hooks 2.0 lets the EHR name a `jku` URL for its keys, or exchange
//! them with the service in advance. This service does the latter only: it
//! never fetches keys over the network, so a token cannot point it at a
//! key of the attacker's choosing, and a request never waits on another
//! server. A `jku` in a token header is ignored. New keys are deployed by
//! updating the file and restarting.

use std::path::Path;

use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyOperations, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey};

/// The largest JWK Set file read, in bytes: a handful of public keys is a
/// few kilobytes.
const MAX_FILE: u64 = 256 * 1024;

/// The smallest RSA modulus accepted, in bits (NIST SP 800-57).
const MIN_RSA_BITS: usize = 2048;

/// The RSA algorithms: the JWK's own `alg` narrows a key to one of them.
const RSA: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

/// One verification key.
#[derive(Debug)]
pub struct Key {
    /// The `kid` tokens name it by.
    pub kid: String,
    /// The algorithms this key verifies: those of its key type and curve,
    /// or only its JWK's `alg` when it has one.
    pub algorithms: Vec<Algorithm>,
    /// The key itself.
    pub decoding: DecodingKey,
}

/// A trusted issuer: the `iss` its tokens carry and its keys.
#[derive(Debug)]
pub struct Issuer {
    /// The exact `iss` value.
    pub iss: String,
    /// Its keys, each with a distinct `kid`.
    pub keys: Vec<Key>,
}

impl Issuer {
    /// Reads the JWK Set at `path` for issuer `iss`. Every key must be a
    /// public signing key this service can verify with; anything else is
    /// an error, so a mistake in the file is found at start-up, not by
    /// refused calls.
    pub fn from_file(iss: &str, path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let size = std::fs::metadata(path)
            .map_err(|e| format!("{shown}: {e}"))?
            .len();
        if size > MAX_FILE {
            return Err(format!(
                "{shown}: {size} bytes is more than a JWK Set needs (limit {MAX_FILE})"
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        Self::from_json(iss, &text).map_err(|e| format!("{shown}: {e}"))
    }

    /// Reads a JWK Set given as JSON text for issuer `iss`.
    pub fn from_json(iss: &str, text: &str) -> Result<Self, String> {
        if iss.is_empty() {
            return Err("the issuer is empty".to_owned());
        }
        let raw: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        // Private parts in a key file mean it was exported wrongly; the
        // file is then a secret lying around, so refuse to use it.
        if let Some(keys) = raw.get("keys").and_then(|k| k.as_array())
            && keys.iter().any(|k| k.get("d").is_some())
        {
            return Err("a key has private parts (`d`); only public keys belong here".to_owned());
        }
        let set: JwkSet = serde_json::from_value(raw).map_err(|e| format!("not a JWK Set: {e}"))?;
        if set.keys.is_empty() {
            return Err("the JWK Set has no keys".to_owned());
        }
        let mut keys: Vec<Key> = Vec::with_capacity(set.keys.len());
        for (i, jwk) in set.keys.iter().enumerate() {
            let key = key(jwk).map_err(|e| format!("keys[{i}]: {e}"))?;
            if keys.iter().any(|k| k.kid == key.kid) {
                return Err(format!("keys[{i}]: kid `{}` is used twice", key.kid));
            }
            keys.push(key);
        }
        Ok(Self {
            iss: iss.to_owned(),
            keys,
        })
    }

    /// The key with this `kid`.
    pub fn key(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

/// One JWK as a verification key, or why it cannot be one.
fn key(jwk: &Jwk) -> Result<Key, String> {
    let kid = match jwk.common.key_id.as_deref() {
        Some(kid) if !kid.is_empty() => kid.to_owned(),
        _ => return Err("no `kid`: tokens pick their key by it".to_owned()),
    };
    if let Some(usage) = &jwk.common.public_key_use
        && *usage != PublicKeyUse::Signature
    {
        return Err(format!("`{kid}`: `use` is not `sig`"));
    }
    if let Some(ops) = &jwk.common.key_operations
        && !ops.contains(&KeyOperations::Verify)
    {
        return Err(format!("`{kid}`: `key_ops` does not include `verify`"));
    }
    let family: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            // jsonwebtoken has no ES512; refusing the key here says so at
            // start-up rather than by refusing every token signed with it.
            _ => {
                return Err(format!(
                    "`{kid}`: only P-256 (ES256) and P-384 (ES384) curves are supported"
                ));
            }
        },
        AlgorithmParameters::RSA(rsa) => {
            let modulus = base64_len(&rsa.n) * 8;
            if modulus < MIN_RSA_BITS {
                return Err(format!(
                    "`{kid}`: an RSA key of about {modulus} bits is under {MIN_RSA_BITS}"
                ));
            }
            RSA.to_vec()
        }
        AlgorithmParameters::OctetKey(_) => {
            return Err(format!(
                "`{kid}`: a shared secret (`oct`); CDS Hooks clients sign with asymmetric keys"
            ));
        }
        _ => {
            return Err(format!(
                "`{kid}`: unsupported key type; use EC (P-256, P-384) or RSA"
            ));
        }
    };
    let algorithms = match jwk.common.key_algorithm {
        None => family,
        Some(alg) => {
            let named = Algorithm::try_from(alg).ok().filter(|a| family.contains(a));
            vec![named.ok_or_else(|| format!("`{kid}`: `alg` does not fit the key type"))?]
        }
    };
    let decoding = DecodingKey::from_jwk(jwk).map_err(|e| format!("`{kid}`: {e}"))?;
    Ok(Key {
        kid,
        algorithms,
        decoding,
    })
}

/// The decoded length of unpadded base64url text, in bytes, leading zero
/// bytes included (a rough size check needs no more).
fn base64_len(text: &str) -> usize {
    text.trim_end_matches('=').len() * 3 / 4
}

/// Parses `ISS=PATH` as given to `--cds-issuer`. The issuer is everything
/// before the first `=`, so a path may contain one and an issuer may not.
pub fn parse_issuer_arg(arg: &str) -> Result<(String, std::path::PathBuf), String> {
    match arg.split_once('=') {
        Some((iss, path)) if !iss.trim().is_empty() && !path.trim().is_empty() => {
            Ok((iss.trim().to_owned(), path.trim().into()))
        }
        _ => Err(format!(
            "`{arg}` is not ISSUER=PATH (the issuer's `iss` and its JWK Set file)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The public half of tests/fixtures/keys/other-es384.
    const P384: &str = r#"{"kty":"EC","crv":"P-384","kid":"a",
        "x":"f4aVcHxS-gaRZJLQ1HPyu07yJ6K5K_rLiDmkEFBEXCN40ZqhrVf2-sTJi-Xdx9nt",
        "y":"z8TeoryXnuVdNM8KIosJvpsKq73psEcp-6iGTHKvwsmX9FuAK_nhAikpIND7qSS4"}"#;

    #[test]
    fn keys_are_checked_at_load() {
        let set = |keys: &str| format!(r#"{{"keys": [{keys}]}}"#);
        let ok = Issuer::from_json("https://ehr.example", &set(P384)).unwrap();
        assert_eq!(ok.key("a").unwrap().algorithms, vec![Algorithm::ES384]);
        assert!(ok.key("b").is_none());
        for (keys, expected) in [
            ("", "no keys"),
            (r#"{"kty":"oct","k":"c2VjcmV0","kid":"s"}"#, "shared secret"),
            (&P384.replace(r#""kid":"a","#, ""), "no `kid`"),
            (
                &P384.replace(r#""kid":"a""#, r#""kid":"a","alg":"RS256""#),
                "`alg`",
            ),
            (
                &P384.replace(r#""kid":"a""#, r#""kid":"a","use":"enc""#),
                "`use`",
            ),
            (
                &P384.replace(r#""kid":"a""#, r#""kid":"a","d":"x""#),
                "private",
            ),
            (&format!("{P384},{P384}"), "used twice"),
            (
                r#"{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}"#,
                "under 2048",
            ),
        ] {
            let err = Issuer::from_json("https://ehr.example", &set(keys)).unwrap_err();
            assert!(err.contains(expected), "{keys}: {err}");
        }
    }

    #[test]
    fn issuer_arguments_split_at_the_first_equals_sign() {
        let (iss, path) = parse_issuer_arg("https://ehr.example/fhir=/etc/k=1.json").unwrap();
        assert_eq!(iss, "https://ehr.example/fhir");
        assert_eq!(path, std::path::PathBuf::from("/etc/k=1.json"));
        assert!(parse_issuer_arg("https://ehr.example").is_err());
        assert!(parse_issuer_arg("=/etc/k.json").is_err());
    }
}
