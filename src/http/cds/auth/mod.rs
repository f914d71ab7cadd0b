//! CDS Hooks 2.0 authentication: every call to `/cds-services` carries
//! `Authorization: Bearer <JWT>` signed by a trusted EHR for exactly the
//! endpoint it calls ([`token`]), with keys from local JWK Set files
//! ([`keys`]) and a bounded record of used token ids ([`replay`]).
//!
//! Secure by default: with no issuers configured every CDS call is
//! refused; `--cds-auth off` turns checking off for local development.
//! Every refusal is the same 401 problem with `WWW-Authenticate: Bearer`,
//! so a client learns nothing about which check failed; the metrics count
//! why, from a closed set of reasons. Nothing of the token is ever logged.
//!
//! The handlers take [`Authorized`] as their first argument, and the
//! OpenAPI security scheme and 401 answers are added to the CDS operations
//! here ([`document`]) rather than on each handler, so the handlers stay
//! as they were apart from that one argument.

pub mod keys;
pub mod replay;
pub mod token;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, ObjectBuilder, OpenApi, Ref, ResponseBuilder, Type,
};

use crate::http::error::{ApiError, PROBLEM_JSON};
use crate::http::state::AppState;
pub use token::{Failure, Verifier};

/// Whether and how CDS Hooks calls are authenticated.
#[derive(Debug)]
pub enum CdsAuth {
    /// Every call needs a valid token from one of the verifier's issuers.
    Required(Verifier),
    /// No checking: for local development only.
    Off,
}

impl Default for CdsAuth {
    /// Required, with no issuers: every CDS call is refused until issuers
    /// are configured.
    fn default() -> Self {
        CdsAuth::Required(Verifier::new(Vec::new()))
    }
}

/// The name of the security scheme in the OpenAPI document.
pub const SCHEME: &str = "cdsHooksJwt";

/// A CDS Hooks request whose bearer token checked out (or that came while
/// checking is off). As a handler argument it refuses the request with a
/// 401 before the body is read.
#[derive(Debug, Clone, Copy)]
pub struct Authorized;

impl FromRequestParts<AppState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let limits = state.limits();
        let verifier = match &*limits.cds_auth {
            CdsAuth::Off => return Ok(Authorized),
            CdsAuth::Required(verifier) => verifier,
        };
        // The audience is the endpoint as the EHR knows it, so it comes
        // from the configured public URL, never from the request's Host
        // (which the caller chooses). Without one nothing can match.
        let audience = limits
            .public_url
            .as_deref()
            .map(|base| format!("{base}{}", parts.uri.path()));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let values = parts
            .headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .map(|v| v.as_bytes());
        let result = match &audience {
            Some(audience) => verifier.verify(values, audience, now),
            None if parts.headers.contains_key(header::AUTHORIZATION) => Err(Failure::Claims),
            None => Err(Failure::Missing),
        };
        result.map(|()| Authorized).map_err(|failure| {
            state.metrics().cds_auth_failure(failure.label());
            // The reason only: never the token, its header or its claims.
            tracing::debug!(reason = failure.label(), "CDS Hooks call refused");
            ApiError::unauthorized()
        })
    }
}

/// Adds the bearer security scheme to `spec` and, on every `/cds-services`
/// operation, the security requirement and the 401 answer.
pub fn document(spec: &mut OpenApi) {
    let components = spec.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        SCHEME.to_owned(),
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "CDS Hooks 2.0 client authentication: a JWT signed by a trusted EHR (ES384 or RS384 recommended; ES256, RS256, RS512 and PS256-PS512 accepted; `none` and HMAC refused), with header `typ` `JWT` and a `kid` naming a key in the issuer's JWK Set (exchanged in advance; `jku` is not fetched). Claims: `iss` a configured issuer, `aud` the absolute URL of the endpoint called, `exp` and `iat` (60 s clock skew; at most 5 minutes apart), and a `jti` used only once.",
                ))
                .build(),
        ),
    );
    let unauthorized = ResponseBuilder::new()
        .description("No valid bearer token: missing, malformed, not signed by a trusted EHR, not for this endpoint, expired or replayed (the answer does not say which)")
        .header(
            "WWW-Authenticate",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some("`Bearer`"))
                .build(),
        )
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    let requirement = SecurityRequirement::new(SCHEME, Vec::<String>::new());
    for (path, item) in spec.paths.paths.iter_mut() {
        if path != "/cds-services" && !path.starts_with("/cds-services/") {
            continue;
        }
        for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
            operation.security = Some(vec![requirement.clone()]);
            operation
                .responses
                .responses
                .insert("401".to_owned(), unauthorized.clone().into());
        }
    }
}
