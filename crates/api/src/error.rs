//! The one mapping from errors to HTTP: statuses and the original's three body shapes
//! (contract §2.7). Causes of 500s go to the log, never to the client.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use domain::{DomainError, query::SortError};
use paperclip::actix::Apiv2Schema;
use serde_json::{Map, Value, json};

use domain::filter::FilterSyntaxError;

use crate::wire::JsonObject;

const FILTER_EXAMPLE: &str = "filters=machine.cpu.count%20%3E%205";

/// Every error body. Most errors carry `code` and `status`, plus `errors` (validation messages,
/// or the handler's `error`) or `message` (a text, or an object for `sort_by` and unknown
/// filter operator errors). Authentication failures (401) and missing registration or admin
/// rights (403) carry `error`, `error_description` and, on 403, `error_details` instead.
///
/// This type is the OpenAPI component `Error` (its first paragraph above is the published
/// description), with every member of every shape optional. The bodies themselves are JSON
/// maps built by [`ApiError`] and [`bare_body`]; the HTTP test suites check every one they
/// receive against this schema. `message` is published as text or object by
/// `openapi::components`, since paperclip's schema model has no `anyOf`.
#[derive(Apiv2Schema)]
#[openapi(rename = "Error")]
pub struct ErrorBody {
    /// HTTP status code
    pub code: Option<u64>,
    /// Authentication error name: `Unauthenticated` (401) or `Forbidden` (403)
    pub error: Option<String>,
    /// Why authentication or authorization failed
    pub error_description: Option<String>,
    /// The requirement that was not met, e.g. `Evaluation of: is_admin`
    pub error_details: Option<String>,
    /// Errors: messages by location (`query`, `json`) and field, or a handler's `error`
    pub errors: Option<JsonObject>,
    /// Error message: a text, or an object with details (`sort_by` and filter operator errors)
    pub message: Option<JsonObject>,
    /// HTTP reason phrase
    pub status: Option<String>,
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A use case failed.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Query or body validation (marshmallow-style messages under `errors.<location>`).
    #[error("validation failed in {location}")]
    Validation {
        /// `query` or `json`.
        location: &'static str,
        /// Field name to messages.
        errors: Map<String, Value>,
    },
    /// The body is not JSON.
    #[error("invalid JSON body")]
    BadJson,
    /// `sort_by` refused.
    #[error("bad sort")]
    Sort(SortError),
    /// A JSON filter could not be parsed.
    #[error("bad filter")]
    Filter(FilterSyntaxError),
    /// A bare `{code,status}` answer (unknown route, wrong method).
    #[error("{0}")]
    Bare(StatusCode),
}

impl From<SortError> for ApiError {
    fn from(e: SortError) -> Self {
        ApiError::Sort(e)
    }
}

impl From<FilterSyntaxError> for ApiError {
    fn from(e: FilterSyntaxError) -> Self {
        ApiError::Filter(e)
    }
}

/// `{"code": c, "status": "<reason phrase>"}`.
pub fn bare_body(status: StatusCode) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("code".into(), json!(status.as_u16()));
    map.insert("status".into(), json!(status.canonical_reason().unwrap_or("Error")));
    map
}

/// A bare response.
pub fn bare(status: StatusCode) -> HttpResponse {
    HttpResponse::build(status).json(Value::Object(bare_body(status)))
}

fn with(status: StatusCode, key: &str, value: Value) -> (StatusCode, Value) {
    let mut map = bare_body(status);
    map.insert(key.into(), value);
    (status, Value::Object(map))
}

impl ApiError {
    fn status_and_body(&self) -> (StatusCode, Value) {
        use StatusCode as S;
        match self {
            ApiError::Domain(e) => match e {
                DomainError::Unauthenticated(a) => {
                    (S::UNAUTHORIZED, json!({"error": "Unauthenticated", "error_description": a.0}))
                }
                DomainError::AccessDenied { who, requirement } => (
                    S::FORBIDDEN,
                    json!({
                        "error": "Forbidden",
                        "error_description": format!("User {who} does not meet requirements"),
                        "error_details": format!("Evaluation of: {requirement}"),
                    }),
                ),
                DomainError::Forbidden => (S::FORBIDDEN, Value::Object(bare_body(S::FORBIDDEN))),
                DomainError::NotFound(m) => with(S::NOT_FOUND, "errors", json!({"error": m.to_string()})),
                DomainError::Conflict(m) => with(S::CONFLICT, "errors", json!({"error": m.to_string()})),
                DomainError::Invalid(m) => with(S::UNPROCESSABLE_ENTITY, "errors", json!({"error": m})),
                DomainError::SchemaViolation { error, path } => {
                    with(S::UNPROCESSABLE_ENTITY, "errors", json!({"error": error, "path": path}))
                }
                DomainError::ItemsRefused { total, errors } => {
                    let items: Vec<Value> = errors
                        .iter()
                        .map(|e| match &e.path {
                            Some(path) => json!({"index": e.index, "error": e.error, "path": path}),
                            None => json!({"index": e.index, "error": e.error}),
                        })
                        .collect();
                    let (status, mut body) =
                        with(S::UNPROCESSABLE_ENTITY, "errors", json!({"results": items}));
                    body["message"] =
                        json!(format!("{} of {total} results refused; nothing was stored", errors.len()));
                    (status, body)
                }
                DomainError::PageOutOfRange => (S::NOT_FOUND, Value::Object(bare_body(S::NOT_FOUND))),
                DomainError::Unavailable(_) => with(
                    S::SERVICE_UNAVAILABLE,
                    "message",
                    json!("The database is unavailable, try again later"),
                ),
                DomainError::Internal(_) => {
                    (S::INTERNAL_SERVER_ERROR, Value::Object(bare_body(S::INTERNAL_SERVER_ERROR)))
                }
            },
            ApiError::Validation { location, errors } => {
                with(S::UNPROCESSABLE_ENTITY, "errors", json!({ *location: errors }))
            }
            ApiError::BadJson => with(S::BAD_REQUEST, "errors", json!({"json": ["Invalid JSON body."]})),
            ApiError::Sort(SortError::UnexpectedField(name)) => with(
                S::UNPROCESSABLE_ENTITY,
                "message",
                json!({"KeyError": format!("Unexpected field '{name}'"), "hint": "Use ',' to separate fields"}),
            ),
            ApiError::Sort(SortError::UnknownOperator(op)) => with(
                S::UNPROCESSABLE_ENTITY,
                "message",
                json!({"KeyError": format!("Unknown order operator '{op}'"), "hint": "Use '+'(asc) or '-'(desc) before sort field"}),
            ),
            ApiError::Filter(FilterSyntaxError::TokenCount { filter, reason }) => with(
                S::UNPROCESSABLE_ENTITY,
                "errors",
                json!({"filter": filter, "reason": [reason], "hint": "Probably missing spaces (%20)", "example": FILTER_EXAMPLE}),
            ),
            ApiError::Filter(FilterSyntaxError::UnknownOperator { filter, op }) => with(
                S::UNPROCESSABLE_ENTITY,
                "message",
                json!({
                    "filter": filter,
                    "reason": [format!("Unknown filter operator: '{op}'")],
                    "hint": "Use only one of ['==', '>', '<', '>=', '<=']",
                    "example": FILTER_EXAMPLE,
                }),
            ),
            ApiError::Bare(status) => (*status, Value::Object(bare_body(*status))),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status_and_body().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, body) = self.status_and_body();
        match self {
            ApiError::Domain(DomainError::Internal(cause)) => {
                tracing::error!(error = %cause, "internal error: {cause}");
            }
            ApiError::Domain(DomainError::Unavailable(cause)) => {
                tracing::warn!(error = %cause, "database unavailable: {cause}");
            }
            _ => {}
        }
        let mut resp = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            resp.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header(("Retry-After", RETRY_AFTER_SECONDS));
        }
        resp.json(body)
    }
}

impl paperclip::v2::schema::Apiv2Errors for ApiError {}

/// `Retry-After` of a 503: a restarted database or a freed pool is usually back within seconds.
const RETRY_AFTER_SECONDS: &str = "2";

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;

/// A single field validation error.
pub fn field_error(location: &'static str, field: &str, message: &str) -> ApiError {
    let mut errors = Map::new();
    errors.insert(field.into(), json!([message]));
    ApiError::Validation { location, errors }
}
