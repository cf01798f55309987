//! Turning provider JSON (userinfo, introspection, verified JWT claims) into an [`Identity`].
//! The issuer of an identity is always the trusted issuer that answered, never a field of the
//! JSON it sent.

use domain::Identity;
use serde_json::Value;

use crate::failure::LookupFailure;

/// Userinfo wins; only a missing `sub` is taken from the verified token.
pub(crate) fn merge_identity(mut info: Value, token: &Value) -> Value {
    if let (Some(i), Some(sub)) = (info.as_object_mut(), token.get("sub")) {
        i.entry("sub").or_insert_with(|| sub.clone());
    }
    info
}

/// Userinfo fields win; missing ones come from `fallback`.
pub(crate) fn merge(mut primary: Value, fallback: &Value) -> Value {
    if let (Some(p), Some(f)) = (primary.as_object_mut(), fallback.as_object()) {
        for (k, v) in f {
            p.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    primary
}

/// The identity `issuer` (the trusted issuer that answered) vouches for. Any `iss` in `info`
/// is ignored: an issuer cannot speak for another.
pub(crate) fn identity_from(info: &Value, issuer: &str) -> Result<Identity, LookupFailure> {
    let sub = info.get("sub").and_then(Value::as_str).ok_or_else(LookupFailure::undetermined)?;
    let entitlements = match info.get("eduperson_entitlement") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let email_verified = match info.get("email_verified") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    };
    Ok(Identity {
        sub: sub.to_owned(),
        iss: issuer.to_owned(),
        email: info.get("email").and_then(Value::as_str).map(str::to_owned),
        email_verified,
        entitlements,
        api_key: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_names_the_answering_issuer_and_reads_entitlements() {
        let info = serde_json::json!({"sub": "u1", "iss": "https://other", "email": "a@b",
                                      "email_verified": true, "eduperson_entitlement": ["x"]});
        let id = identity_from(&info, "https://op").unwrap();
        assert_eq!(
            (id.iss.as_str(), id.entitlements.len(), id.email_verified),
            ("https://op", 1, Some(true))
        );
    }

    #[test]
    fn only_the_subject_falls_back_to_the_token() {
        let info = serde_json::json!({"email": "a@b"});
        let token = serde_json::json!({"sub": "u1", "iss": "https://op", "eduperson_entitlement": ["admin"]});
        let merged = merge_identity(info, &token);
        assert_eq!(merged, serde_json::json!({"sub": "u1", "email": "a@b"}));
    }
}
