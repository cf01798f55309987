//! Sending requests and the error bodies the API answers with.

use reqwest::{
    Method, RequestBuilder, StatusCode,
    header::{CONTENT_TYPE, HeaderMap},
};
use serde_json::{Value, json};

use super::TestApp;
use crate::conformance::{self, Exchange};

/// Sends and decodes (an empty body decodes to `Value::Null`). The response is checked
/// against the served OpenAPI document ([`crate::conformance`]).
pub async fn send(req: RequestBuilder) -> (StatusCode, Value) {
    let resp = send_raw(req).await;
    let body = if resp.text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&resp.text).unwrap_or(Value::String(resp.text))
    };
    (resp.status, body)
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

/// Sends and keeps status, headers and text; the response is checked against the served
/// OpenAPI document ([`crate::conformance`]).
///
/// # Panics
/// When the request cannot be sent, or the response does not conform.
pub async fn send_raw(req: RequestBuilder) -> RawResponse {
    execute(req).await.expect("request")
}

/// Like [`send_raw`], with transport errors returned (for tests that expect some).
///
/// # Errors
/// When the request cannot be sent or the body not read.
///
/// # Panics
/// When the response does not conform to the served document.
pub async fn execute(req: RequestBuilder) -> reqwest::Result<RawResponse> {
    let (client, request) = req.build_split();
    let request = request?;
    let method = request.method().clone();
    let origin = request.url().origin().ascii_serialization();
    let script_name = request.headers().get("X-Script-Name").and_then(|v| v.to_str().ok());
    let path = conformance::routed_path(request.url().path(), script_name);
    let resp = client.execute(request).await?;
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = resp.bytes().await?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    conformance::check(&origin, Exchange { method: &method, path: &path, status, content_type, body: &body });
    Ok(RawResponse { status, headers, text: String::from_utf8_lossy(&body).into_owned() })
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
