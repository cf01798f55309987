//! Sending requests and the error bodies the API answers with.

use reqwest::{Method, RequestBuilder, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::TestApp;

/// Sends and decodes (an empty body decodes to `Value::Null`).
pub async fn send(req: RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, body)
}

/// A response kept whole: status, headers and the body as text.
#[derive(Debug)]
pub struct RawResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body text (empty when there is none).
    pub text: String,
}

impl RawResponse {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body decoded as JSON (`Value::Null` when empty).
    ///
    /// # Panics
    /// When the body is not JSON.
    pub fn json(&self) -> Value {
        if self.text.is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// Sends and keeps status, headers and text.
///
/// # Panics
/// When the request cannot be sent.
pub async fn send_raw(req: RequestBuilder) -> RawResponse {
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    RawResponse { status, headers, text }
}

/// `{"code": c, "status": "<reason>"}`.
pub fn bare(code: u16) -> Value {
    let status = StatusCode::from_u16(code).expect("status code");
    json!({"code": code, "status": status.canonical_reason().unwrap_or_default()})
}

/// A handler error: `{"code": c, "status": "<reason>", "errors": {"error": msg}}`.
pub fn handler_error(code: u16, msg: &str) -> Value {
    let mut body = bare(code);
    body["errors"] = json!({"error": msg});
    body
}

/// A 422 validation error at `location` (`query` or `json`) with `errors`.
pub fn validation_error(location: &str, errors: Value) -> Value {
    json!({"code": 422, "status": "Unprocessable Entity", "errors": {location: errors}})
}

/// The flaat 401 body.
pub fn unauthenticated(description: &str) -> Value {
    json!({"error": "Unauthenticated", "error_description": description})
}

impl TestApp {
    /// The flaat 403 body for `sub` (issued by the mock provider) failing `requirement`
    /// (`is_registered` or `is_admin`).
    pub fn forbidden(&self, sub: &str, requirement: &str) -> Value {
        forbidden(sub, &self.oidc.issuer(), requirement)
    }

    /// Sends a request built on `self.request` with an optional bearer token, keeping headers.
    pub async fn raw(&self, method: Method, path: &str, token: Option<&str>) -> RawResponse {
        let mut req = self.request(method, path);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        send_raw(req).await
    }
}

/// The flaat 403 body for `sub@iss` failing `requirement`.
pub fn forbidden(sub: &str, iss: &str, requirement: &str) -> Value {
    json!({
        "error": "Forbidden",
        "error_description": format!("User {sub}@{iss} does not meet requirements"),
        "error_details": format!("Evaluation of: {requirement}"),
    })
}
