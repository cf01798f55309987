//! Every response the HTTP suites receive, checked against the OpenAPI document the server
//! serves (`GET /api-spec.json`).
//!
//! [`crate::spawn_app`] fetches the document of each server it starts and registers it under
//! the server's address; the shared client ([`crate::app::send`], [`crate::app::send_raw`],
//! [`crate::app::execute`]) hands every exchange with a registered server to [`check`], which
//! fails the test on a violation. For the operation the request reached (path template, method;
//! HEAD is GET without a body) the status must be documented (an error status may fall back to
//! `default`) and the body must be valid against the documented schema, formats included; a
//! documented answer without content must have no body. A request that reaches no documented
//! operation (unknown path, method not served, malformed id) must be answered with an error
//! status and an `Error` body.
//!
//! Exempt, explicitly: the paths in [`EXEMPT_PATHS`] (the document itself, the Swagger UI, and
//! the routes suites add with `spawn_app_with_routes`), `OPTIONS` (answered from the document's
//! paths by the protocol layer, contract §2.1) and `304 Not Modified` without a body (the answer
//! to a conditional GET; OpenAPI documents leave it out, as the original's does).

mod draft4;
#[cfg(test)]
mod tests;

use std::{
    collections::HashMap,
    hash::{DefaultHasher, Hash, Hasher},
    sync::{Arc, LazyLock, Mutex},
};

use jsonschema::Validator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Paths served outside the document: exact paths, and folders (ending in `/`) with all below.
/// `/metrics` is the Prometheus text exposition (docs/operations.md), not part of the API.
pub const EXEMPT_PATHS: [&str; 5] = ["/", "/api-spec.json", "/metrics", "/swagger-ui/", "/test-only/"];

/// One exchange as the server saw it.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// Request method.
    pub method: &'a Method,
    /// Request path below the server's prefix, without the query.
    pub path: &'a str,
    /// Response status.
    pub status: StatusCode,
    /// Response `Content-Type`, if any.
    pub content_type: Option<&'a str>,
    /// Response body.
    pub body: &'a [u8],
}

/// A served OpenAPI document with the validators compiled from it so far.
pub struct ServedSpec {
    document: Value,
    /// `components.schemas` as JSON Schema draft 4.
    schemas: Value,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl ServedSpec {
    /// Wraps a served document.
    pub fn new(document: Value) -> Self {
        let schemas = draft4::schemas_by_name(&document["components"]["schemas"]);
        ServedSpec { document, schemas, validators: Mutex::new(HashMap::new()) }
    }

    /// Checks one exchange; the error says what is wrong, for which operation, with the body.
    ///
    /// # Errors
    /// When the response is not what the document declares for the request.
    pub fn check(&self, exchange: Exchange<'_>) -> Result<(), String> {
        let Exchange { method, status, .. } = exchange;
        let routed = routed(exchange.path);
        let path = routed.as_str();
        if is_exempt(path) || method == Method::OPTIONS || is_bodiless_not_modified(exchange) {
            return Ok(());
        }
        let documented = if method == Method::HEAD { Method::GET } else { method.clone() };
        let operation = self.template(path).and_then(|template| {
            let operation = self.document["paths"][template].get(documented.as_str().to_lowercase())?;
            Some((template, operation))
        });
        let Some((template, operation)) = operation else {
            let what = format!("{method} {path} (no documented operation) answered {status}");
            if status.as_u16() < 400 {
                return Err(format!("{what}: only an error status may answer it"));
            }
            return self.check_body(
                exchange,
                &what,
                "#/components/schemas/Error",
                &json!({"$ref": "#/components/schemas/Error"}),
            );
        };
        let what = format!("{method} {template} answered {status} (request path {path})");
        let responses = &operation["responses"];
        let response = match responses.get(status.as_str()) {
            Some(response) => (status.as_str(), response),
            None if status.as_u16() >= 400 && responses.get("default").is_some() => {
                ("default", &responses["default"])
            }
            None => return Err(format!("{what}: the status is not documented")),
        };
        let resolved = self.resolve(response.1);
        match resolved.pointer("/content/application~1json/schema") {
            Some(schema) => {
                let key = format!("{} {template} {}", documented.as_str(), response.0);
                self.check_body(exchange, &what, &key, schema)
            }
            None => match resolved.get("content").and_then(Value::as_object) {
                // Other media types (CSV, NDJSON downloads): the type must be a declared one.
                Some(content) => {
                    let media = exchange.content_type.and_then(|ct| ct.split(';').next()).map(str::trim);
                    if media.is_some_and(|m| content.contains_key(m)) {
                        Ok(())
                    } else {
                        let declared: Vec<&String> = content.keys().collect();
                        Err(format!("{what}: Content-Type {media:?} is not one of {declared:?}"))
                    }
                }
                None if exchange.body.is_empty() => Ok(()),
                None => {
                    Err(format!("{what}: a body where the document declares none: {}", text(exchange.body)))
                }
            },
        }
    }

    /// The path template `path` is an instance of (at most one: a `{name}` stands for a UUID
    /// only, so `/x/{id}` does not match `/x/<id>:verb`).
    fn template(&self, path: &str) -> Option<&str> {
        self.document["paths"].as_object()?.keys().find(|t| matches_template(t, path)).map(String::as_str)
    }

    fn resolve<'a>(&'a self, response: &'a Value) -> &'a Value {
        match response.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                self.document.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null)
            }
            None => response,
        }
    }

    /// The body must be JSON (`application/json`) valid against `schema` (cached as `key`).
    fn check_body(
        &self,
        exchange: Exchange<'_>,
        what: &str,
        key: &str,
        schema: &Value,
    ) -> Result<(), String> {
        if exchange.method == Method::HEAD {
            return if exchange.body.is_empty() { Ok(()) } else { Err(format!("{what}: HEAD with a body")) };
        }
        if !exchange.content_type.is_some_and(|ct| ct.starts_with("application/json")) {
            return Err(format!(
                "{what}: Content-Type {:?} instead of application/json",
                exchange.content_type
            ));
        }
        let instance: Value = serde_json::from_slice(exchange.body)
            .map_err(|e| format!("{what}: the body is not JSON ({e}): {}", text(exchange.body)))?;
        let validator = self.validator(key, schema)?;
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("  - {e} at {}", e.instance_path())).collect();
        if errors.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{what}: the body violates the served document:\n{}\nbody: {instance}",
            errors.join("\n")
        ))
    }

    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<Validator>, String> {
        let mut validators = self.validators.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(validator) = validators.get(key) {
            return Ok(validator.clone());
        }
        let root = json!({"allOf": [draft4::to_draft4(schema)], "components": {"schemas": self.schemas}});
        // Draft 4 has no `uuid` format; OpenAPI's is the hyphenated form the server writes.
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .with_format("uuid", is_hyphenated_uuid)
            .build(&root)
            .map_err(|e| format!("the served schema of {key} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        validators.insert(key.to_owned(), validator.clone());
        Ok(validator)
    }
}

fn is_exempt(path: &str) -> bool {
    EXEMPT_PATHS.iter().any(|exempt| match exempt.strip_suffix('/').filter(|folder| !folder.is_empty()) {
        Some(folder) => path == folder || path.starts_with(exempt),
        None => path == *exempt,
    })
}

fn is_bodiless_not_modified(exchange: Exchange<'_>) -> bool {
    exchange.status == StatusCode::NOT_MODIFIED && exchange.body.is_empty()
}

/// The path as the server routes it: percent-escapes decoded (but `%2F` and `%25`, which
/// stay escaped) and `//` merged into `/`.
fn routed(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes.get(i + 1..i + 3).and_then(|hex| std::str::from_utf8(hex).ok());
        match escaped.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
            Some(byte) if bytes[i] == b'%' && byte != b'/' && byte != b'%' => {
                decoded.push(byte);
                i += 3;
            }
            _ => {
                if !(bytes[i] == b'/' && decoded.last() == Some(&b'/')) {
                    decoded.push(bytes[i]);
                }
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Whether `path` is an instance of `template`; a `{name}` stands for a hyphenated UUID (the
/// server matches no route for anything else there).
fn matches_template(template: &str, path: &str) -> bool {
    let (mut template, mut path) = (template.split('/'), path.split('/'));
    loop {
        match (template.next(), path.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if segment_matches(t, p) => {}
            _ => return false,
        }
    }
}

fn segment_matches(template: &str, segment: &str) -> bool {
    let Some((before, rest)) = template.split_once('{') else { return template == segment };
    let after = rest.split_once('}').map_or("", |(_, after)| after);
    segment.strip_prefix(before).and_then(|s| s.strip_suffix(after)).is_some_and(is_hyphenated_uuid)
}

/// A UUID in the hyphenated form (any case), the only one the server writes and routes.
fn is_hyphenated_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::parse_str(text).is_ok()
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// Served documents by server address (`http://127.0.0.1:<port>`); servers serving the same
/// document share one [`ServedSpec`], and so its compiled validators.
static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Registry {
    by_address: HashMap<String, Arc<ServedSpec>>,
    by_content: HashMap<u64, Arc<ServedSpec>>,
}

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fetches the document `address` serves and checks every later response from it.
///
/// # Panics
/// When the document cannot be fetched.
pub async fn register(address: &str) {
    let url = format!("{address}/api-spec.json");
    let response = reqwest::get(&url).await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let document: Value = response.json().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let mut hasher = DefaultHasher::new();
    document["paths"].to_string().hash(&mut hasher);
    document["components"].to_string().hash(&mut hasher);
    let content = hasher.finish();
    let mut registry = registry();
    let spec =
        registry.by_content.entry(content).or_insert_with(|| Arc::new(ServedSpec::new(document))).clone();
    registry.by_address.insert(address.to_owned(), spec);
}

/// Stops checking responses from `address` (its server is gone; the port may be reused).
pub fn unregister(address: &str) {
    registry().by_address.remove(address);
}

/// The path the server routes: `url_path` below the `X-Script-Name` prefix when the request
/// sent one and the path starts with it (contract §2.1).
pub fn routed_path(url_path: &str, script_name: Option<&str>) -> String {
    let prefix = script_name.unwrap_or_default().trim_end_matches('/');
    match url_path.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() => {
            if rest.is_empty() {
                "/".to_owned()
            } else {
                rest.to_owned()
            }
        }
        _ => url_path.to_owned(),
    }
}

/// Checks a response from `origin` (scheme, host and port) to a request for `path` (below the
/// `X-Script-Name` prefix, if the request sent one); responses from unregistered origins (the
/// loopback mocks) pass.
///
/// # Panics
/// On a violation, with its description.
pub fn check(origin: &str, exchange: Exchange<'_>) {
    let spec = registry().by_address.get(origin).cloned();
    if let Some(spec) = spec
        && let Err(violation) = spec.check(exchange)
    {
        panic!("response does not conform to the served OpenAPI document: {violation}");
    }
}
