//! Reading JWTs: the unverified peek at `iss` (to pick a trusted issuer, never to contact an
//! untrusted one) and verification against a JWKS.

use base64::Engine;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde_json::Value;

/// Whether the token looks like a JWT, and its unverified claims if so.
pub(crate) fn peek_claims(token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let (_, payload, _, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else {
        return None;
    };
    decode_header(token).ok()?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.is_object().then_some(claims)
}

/// Why a JWT did not verify.
#[derive(Debug)]
pub(crate) enum VerifyError {
    /// The `kid` is not in the key set (the set may need a refresh).
    UnknownKey,
    /// Any other failure, with its text.
    Invalid(String),
}

/// Verifies signature and expiry (audience is not checked, as in the original).
pub(crate) fn verify(token: &str, jwks: &JwkSet) -> Result<Value, VerifyError> {
    let header = decode_header(token).map_err(|e| VerifyError::Invalid(e.to_string()))?;
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid).ok_or(VerifyError::UnknownKey)?,
        None => jwks.keys.first().ok_or(VerifyError::UnknownKey)?,
    };
    let key = DecodingKey::from_jwk(jwk).map_err(|e| VerifyError::Invalid(e.to_string()))?;
    let mut validation = Validation::new(header.alg);
    validation.validate_aud = false;
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "iss"]);
    decode::<Value>(token, &key, &validation)
        .map(|d| d.claims)
        .map_err(|e| VerifyError::Invalid(e.to_string()))
}
