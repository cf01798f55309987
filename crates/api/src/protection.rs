//! `PROTECTION_LEVEL`: who may read. `WRITEONLY` (the original's behaviour) leaves reads
//! public; `ALL` makes every read require a valid OIDC token or an API key with `results:read`
//! (private deployments). Writes need authentication at every level, checked by their
//! handlers. The health probes, `/metrics`, the OpenAPI document and Swagger UI stay open: they
//! carry no data, and clients need the document to learn how to authenticate.
//!
//! The check runs before the response caches, so that a cached page is never served to an
//! anonymous caller; the identity it resolves is handed to the handler ([`ResolvedIdentity`]),
//! so a token is resolved once per request.

use std::str::FromStr;

use actix_web::{
    Error, HttpMessage, ResponseError,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web,
};

use crate::{
    AppState,
    error::ApiError,
    extract::{ResolvedIdentity, resolve_bearer},
};

/// Who may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProtectionLevel {
    /// Reads are public; writes need a token (the original's behaviour).
    #[default]
    WriteOnly,
    /// Every endpoint, reads included, needs a valid token or key.
    All,
}

impl FromStr for ProtectionLevel {
    type Err = String;

    /// `WRITEONLY` or `ALL`, in any case.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.to_ascii_uppercase().as_str() {
            "WRITEONLY" => Ok(Self::WriteOnly),
            "ALL" => Ok(Self::All),
            _ => Err(format!("{value:?} is neither WRITEONLY nor ALL")),
        }
    }
}

/// Paths any caller may read at every level.
fn is_open(path: &str) -> bool {
    matches!(path, "/" | "/api-spec.json" | "/metrics" | "/health/live" | "/health/ready")
        || path == "/swagger-ui"
        || path.starts_with("/swagger-ui/")
}

/// Middleware: with [`ProtectionLevel::All`], a read of anything but the open paths needs a
/// valid token or a key with `results:read` (401 or 403 in the flaat shape otherwise).
///
/// # Errors
/// Those of the wrapped service.
pub async fn protect(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let level = req.app_data::<ProtectionLevel>().copied().unwrap_or_default();
    if level == ProtectionLevel::WriteOnly || req.method() != Method::GET || is_open(req.path()) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    let header = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let checked = match resolve_bearer(header.as_deref(), &state).await {
        Ok(who) => state.access.reader(&who).map(|()| who).map_err(ApiError::from),
        Err(refused) => Err(refused),
    };
    match checked {
        Ok(who) => {
            req.extensions_mut().insert(ResolvedIdentity(who));
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        Err(refused) => Ok(req.into_response(refused.error_response()).map_into_right_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_in_any_case_and_docs_stay_open() {
        assert_eq!("writeonly".parse(), Ok(ProtectionLevel::WriteOnly));
        assert_eq!("ALL".parse(), Ok(ProtectionLevel::All));
        assert!("none".parse::<ProtectionLevel>().is_err());
        assert!(is_open("/swagger-ui/index.html") && is_open("/health/ready") && !is_open("/results"));
    }
}
