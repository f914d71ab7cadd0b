//! Checking one CDS Hooks bearer token (CDS Hooks 2.0, "Trusting CDS
//! Clients"): a JWT signed by a trusted EHR for exactly the endpoint called.
//!
//! Signatures and the standard claims are checked by `jsonwebtoken` with
//! RustCrypto backends; the checks it has no option for (`typ`, `kid`,
//! `iat`, the lifetime cap, `jti` and replay) are here. The order matters
//! for what an attacker can do: nothing from the token is trusted, and
//! nothing is recorded, before its signature is verified with a key of
//! the issuer it names.

use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;

use super::keys::Issuer;
use super::replay::{Refused, ReplayCache};

/// Seconds of clock difference tolerated between the EHR and this service.
pub const CLOCK_SKEW: u64 = 60;

/// The longest token lifetime (`exp - iat`) accepted, in seconds. CDS
/// Hooks advises EHRs to set `exp` no more than 5 minutes ahead.
pub const MAX_LIFETIME: u64 = 300;

/// The longest bearer token read, in bytes; a CDS Hooks JWT is well under
/// 2 KiB even with an RSA-4096 signature.
pub const MAX_TOKEN: usize = 8 * 1024;

/// The longest `jti` kept, in bytes, so the replay cache's size is bounded
/// in bytes as well as entries.
pub const MAX_JTI: usize = 256;

/// Entries the replay cache keeps at most: with 5-minute tokens, room for
/// over 200 calls a second to one replica.
pub const REPLAY_CAPACITY: usize = 65_536;

/// The signing algorithms accepted: asymmetric only. `none` and the HMAC
/// family are refused (an HMAC "verified" with a public key is the classic
/// algorithm-confusion forgery); ES512 is not offered by `jsonwebtoken`,
/// and CDS Hooks recommends ES384 and RS384.
const ACCEPTED: [Algorithm; 8] = [
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

/// Why a token was refused: the metric label, from a closed set. The
/// client is never told which: every refusal is the same 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No `Authorization` header.
    Missing,
    /// Not a bearer JWT this service can read: scheme, shape, encoding,
    /// header fields, or a refused algorithm.
    Malformed,
    /// No key of the issuer has the token's `kid` and algorithm, or the
    /// signature does not verify.
    Signature,
    /// Signed, but a claim is wrong or missing: `aud`, `exp`, `iat`,
    /// lifetime, `jti`.
    Claims,
    /// A `jti` already used (or no room to remember one more).
    Replay,
    /// The `iss` is not a configured issuer.
    Issuer,
}

impl Failure {
    /// The metric label (`metrics::CDS_AUTH_REASONS` lists them all).
    pub fn label(self) -> &'static str {
        match self {
            Failure::Missing => "missing",
            Failure::Malformed => "malformed",
            Failure::Signature => "signature",
            Failure::Claims => "claims",
            Failure::Replay => "replay",
            Failure::Issuer => "issuer",
        }
    }
}

/// The trusted issuers and the `jti` values they have used.
#[derive(Debug)]
pub struct Verifier {
    issuers: Vec<Issuer>,
    replay: ReplayCache,
}

/// The claims read after the signature has been verified; types are
/// checked by hand so a wrong type is a claims failure, not a parse error.
#[derive(Deserialize)]
struct Claims {
    exp: Option<Value>,
    iat: Option<Value>,
    jti: Option<Value>,
}

/// The one claim read before verification, to pick the issuer's keys.
#[derive(Deserialize)]
struct Unverified {
    iss: Option<Value>,
}

impl Verifier {
    /// A verifier trusting `issuers`; with none, every token is refused.
    pub fn new(issuers: Vec<Issuer>) -> Self {
        Self {
            issuers,
            replay: ReplayCache::new(REPLAY_CAPACITY),
        }
    }

    /// The trusted issuers.
    pub fn issuers(&self) -> &[Issuer] {
        &self.issuers
    }

    /// The replay cache (for its figures).
    pub fn replay_cache(&self) -> &ReplayCache {
        &self.replay
    }

    /// Checks the `Authorization` header value(s) of a request to the
    /// endpoint whose absolute URL is `audience`, at `now` (seconds since
    /// the epoch). On success the token's `jti` is recorded.
    pub fn verify<'h>(
        &self,
        mut authorization: impl Iterator<Item = &'h [u8]>,
        audience: &str,
        now: u64,
    ) -> Result<(), Failure> {
        let value = authorization.next().ok_or(Failure::Missing)?;
        if authorization.next().is_some() {
            return Err(Failure::Malformed);
        }
        let token = bearer_token(value).ok_or(Failure::Malformed)?;
        let header = jsonwebtoken::decode_header(token).map_err(|_| Failure::Malformed)?;
        if !ACCEPTED.contains(&header.alg)
            || !header
                .typ
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("JWT"))
        {
            return Err(Failure::Malformed);
        }
        let kid = header
            .kid
            .as_deref()
            .filter(|k| !k.is_empty())
            .ok_or(Failure::Malformed)?;
        let unverified: Unverified = jsonwebtoken::dangerous::insecure_decode_claims(token)
            .map_err(|_| Failure::Malformed)?;
        let (index, issuer) = match unverified.iss {
            Some(Value::String(iss)) => self
                .issuers
                .iter()
                .enumerate()
                .find(|(_, i)| i.iss == iss)
                .ok_or(Failure::Issuer)?,
            _ => return Err(Failure::Issuer),
        };
        let key = issuer
            .key(kid)
            .filter(|k| k.algorithms.contains(&header.alg))
            .ok_or(Failure::Signature)?;

        let mut validation = Validation::new(header.alg);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.set_issuer(&[&issuer.iss]);
        validation.set_audience(&[audience]);
        // Time is checked below, against the caller's clock, with the rest.
        validation.validate_exp = false;
        validation.validate_nbf = true;
        validation.leeway = CLOCK_SKEW;
        let claims = jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .map_err(|e| classify(e.kind()))?
            .claims;

        let exp = seconds(claims.exp.as_ref()).ok_or(Failure::Claims)?;
        let iat = seconds(claims.iat.as_ref()).ok_or(Failure::Claims)?;
        let fresh = exp.saturating_add(CLOCK_SKEW) >= now
            && iat <= now.saturating_add(CLOCK_SKEW)
            && exp >= iat
            && exp - iat <= MAX_LIFETIME;
        if !fresh {
            return Err(Failure::Claims);
        }
        let jti = match &claims.jti {
            Some(Value::String(jti)) if !jti.is_empty() && jti.len() <= MAX_JTI => jti,
            _ => return Err(Failure::Claims),
        };
        self.replay
            .record(index, jti, exp.saturating_add(CLOCK_SKEW), now)
            .map_err(|refused| {
                if refused == Refused::Full {
                    tracing::warn!(
                        capacity = self.replay.capacity(),
                        "CDS Hooks replay cache is full of unexpired tokens; refusing calls until some expire"
                    );
                }
                Failure::Replay
            })
    }
}

/// The token of a `Bearer` credential: the scheme is case-insensitive
/// (RFC 9110), the token is a JWS compact serialisation (base64url and
/// dots) of bounded length.
fn bearer_token(value: &[u8]) -> Option<&str> {
    let (scheme, token) = value.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") || token.is_empty() || token.len() > MAX_TOKEN {
        return None;
    }
    token
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
        .then(|| std::str::from_utf8(token).ok())
        .flatten()
}

/// A NumericDate claim as whole seconds; fractions are allowed by RFC 7519.
fn seconds(value: Option<&Value>) -> Option<u64> {
    let n = value?.as_number()?;
    if let Some(n) = n.as_u64() {
        return Some(n);
    }
    let f = n.as_f64()?;
    // The cast saturates; anything near u64::MAX fails the lifetime check.
    (f.is_finite() && f >= 0.0).then_some(f as u64)
}

/// Which failure a `jsonwebtoken` error is. The header and payload were
/// already decoded, so an encoding error here is in the signature.
fn classify(kind: &jsonwebtoken::errors::ErrorKind) -> Failure {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::InvalidToken => Failure::Malformed,
        K::MissingRequiredClaim(_)
        | K::InvalidClaimFormat(_)
        | K::ExpiredSignature
        | K::ImmatureSignature
        | K::InvalidAudience
        | K::InvalidIssuer
        | K::InvalidSubject
        | K::Json(_)
        | K::Utf8(_) => Failure::Claims,
        _ => Failure::Signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_strictly() {
        assert_eq!(bearer_token(b"Bearer a.b.c"), Some("a.b.c"));
        assert_eq!(bearer_token(b"bearer a-_.b"), Some("a-_.b"));
        for bad in [
            &b"Bearer "[..],
            b"Bearer",
            b"Basic a.b.c",
            b"Bearer  a.b.c",
            b"Bearer a.b.c ",
            b"Bearer a+b/c=",
            b"Bearer \xff",
            b"Token a.b.c",
        ] {
            assert_eq!(bearer_token(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        let long = format!("Bearer {}", "a".repeat(MAX_TOKEN + 1));
        assert_eq!(bearer_token(long.as_bytes()), None);
    }

    #[test]
    fn numeric_dates_may_have_fractions_but_not_signs_or_text() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert_eq!(seconds(Some(&v("1700000000"))), Some(1_700_000_000));
        assert_eq!(seconds(Some(&v("1700000000.75"))), Some(1_700_000_000));
        assert_eq!(seconds(Some(&v("-1"))), None);
        assert_eq!(seconds(Some(&v("\"1700000000\""))), None);
        assert_eq!(seconds(None), None);
    }

    #[test]
    fn no_issuers_refuse_everything_and_no_header_is_missing() {
        let verifier = Verifier::new(Vec::new());
        let aud = "https://backcare.example/cds-services";
        assert_eq!(
            verifier.verify(std::iter::empty(), aud, 0),
            Err(Failure::Missing)
        );
        let two = [&b"Bearer a.b.c"[..], b"Bearer a.b.c"];
        assert_eq!(
            verifier.verify(two.into_iter(), aud, 0),
            Err(Failure::Malformed)
        );
    }
}
