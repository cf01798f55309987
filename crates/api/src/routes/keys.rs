//! `/users/self/keys`: API keys for unattended uploaders. Only an OIDC token manages keys (a
//! key cannot create, list or revoke keys).

use chrono::{DateTime, Utc};
use domain::api_key::{ApiKey, IssuedKey, KeyRequest, Scope};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{
    AppState,
    body::BodySpec,
    error::{ApiError, ApiResult},
    extract::{Auth, BodySchema, IdPath, JsonBody},
    reply::{Reply, datetime},
    wire::NaiveUtc,
};

/// An API key, without its secret.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ApiKey")]
pub struct ApiKeyOut {
    /// When the key was created (naive UTC)
    created_at: NaiveUtc,
    /// When the key stops working (naive UTC); absent when it never expires
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<NaiveUtc>,
    /// Key identifier
    id: Uuid,
    /// When the key was last used, to the minute (naive UTC); absent when never used
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used: Option<NaiveUtc>,
    /// The owner's label for the key
    #[openapi(example = "nightly-ci")]
    name: String,
    /// What the key may do: results:write, results:read, claims:write
    scopes: Vec<String>,
}

impl From<ApiKey> for ApiKeyOut {
    fn from(key: ApiKey) -> Self {
        Self {
            created_at: datetime(&key.created_at),
            expires_at: key.expires_at.as_ref().map(datetime),
            id: key.id,
            last_used: key.last_used.as_ref().map(datetime),
            name: key.name,
            scopes: key.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        }
    }
}

/// A new API key with its secret, which is shown only in this answer.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ApiKeyCreated")]
pub struct ApiKeyCreatedOut {
    /// When the key was created (naive UTC)
    created_at: NaiveUtc,
    /// When the key stops working (naive UTC); absent when it never expires
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<NaiveUtc>,
    /// Key identifier
    id: Uuid,
    /// The owner's label for the key
    #[openapi(example = "nightly-ci")]
    name: String,
    /// What the key may do: results:write, results:read, claims:write
    scopes: Vec<String>,
    /// The bearer secret (`epk_` and 64 hex digits); it cannot be shown again
    #[openapi(example = "epk_3f1c0d5e9a7b4c2d8e6f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d")]
    secret: String,
}

impl From<IssuedKey> for ApiKeyCreatedOut {
    fn from(issued: IssuedKey) -> Self {
        let key = ApiKeyOut::from(issued.key);
        Self {
            created_at: key.created_at,
            expires_at: key.expires_at,
            id: key.id,
            name: key.name,
            scopes: key.scopes,
            secret: issued.secret,
        }
    }
}

/// The body of `POST /users/self/keys`.
#[derive(Apiv2Schema)]
#[openapi(rename = "CreateApiKey")]
pub struct CreateApiKeyIn {
    /// When the key stops working: ISO 8601 with a time zone, in the future; never when absent
    #[openapi(example = "2027-01-01T00:00:00Z")]
    pub expires_at: Option<String>,
    /// A label for the key, 1 to 100 characters
    #[openapi(example = "nightly-ci")]
    pub name: String,
    /// At least one of results:write, results:read, claims:write
    pub scopes: Vec<String>,
}

/// Documents the body; [`key_request`] validates it (a list of scopes is no `FieldKind`).
impl BodySchema for CreateApiKeyIn {
    const SPEC: BodySpec = BodySpec { component: "CreateApiKey", fields: &[], ignored: &[] };
}

/// The key request in `body`, with marshmallow-style messages per field.
fn key_request(body: Map<String, Value>) -> ApiResult<KeyRequest> {
    let mut errors = Map::new();
    let mut name = None;
    let mut scopes = None;
    let mut expires_at = None;
    for (field, value) in body {
        match (field.as_str(), value) {
            ("name", Value::String(s)) if !s.contains('\0') => name = Some(s),
            ("name", _) => drop(errors.insert(field, json!(["Not a valid string."]))),
            ("scopes", Value::Array(items)) => match scope_list(&items) {
                Ok(list) => scopes = Some(list),
                Err(e) => drop(errors.insert(field, e)),
            },
            ("scopes", _) => drop(errors.insert(field, json!(["Not a valid list."]))),
            ("expires_at", Value::String(s)) => match DateTime::parse_from_rfc3339(&s) {
                Ok(at) => expires_at = Some(at.with_timezone(&Utc)),
                Err(_) => drop(errors.insert(field, json!(["Not a valid datetime."]))),
            },
            ("expires_at", _) => drop(errors.insert(field, json!(["Not a valid datetime."]))),
            _ => drop(errors.insert(field, json!(["Unknown field."]))),
        }
    }
    for required in ["name", "scopes"] {
        let present = if required == "name" { name.is_some() } else { scopes.is_some() };
        if !present && !errors.contains_key(required) {
            errors.insert(required.into(), json!(["Missing data for required field."]));
        }
    }
    match (name, scopes) {
        (Some(name), Some(scopes)) if errors.is_empty() => Ok(KeyRequest { name, scopes, expires_at }),
        _ => Err(ApiError::Validation { location: "json", errors }),
    }
}

fn scope_list(items: &[Value]) -> Result<Vec<Scope>, Value> {
    let mut errors = Map::new();
    let mut scopes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(Scope::parse) {
            Some(scope) => scopes.push(scope),
            None => drop(errors.insert(
                i.to_string(),
                json!(["Must be one of: results:write, results:read, claims:write."]),
            )),
        }
    }
    if errors.is_empty() { Ok(scopes) } else { Err(Value::Object(errors)) }
}

/// (Users) Create an API key.
#[api_v2_operation(
    operation_id = "CreateApiKey",
    summary = "(Users) Create an API key.",
    description = "Use this method to create an API key for unattended uploads (cron jobs, CI pipelines). The key works as a bearer token for the operations its scopes allow, never as an admin. The secret is returned only in this answer; only its hash is stored. Requires an OIDC token: a key cannot create keys.",
    tags(users)
)]
pub async fn create_key(
    state: web::Data<AppState>,
    auth: Auth,
    body: JsonBody<CreateApiKeyIn>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let request = key_request(body.object()?)?;
    Ok(Reply::created(&ApiKeyCreatedOut::from(state.keys.create(&user, request).await?)))
}

/// (Users) The caller's API keys.
#[api_v2_operation(
    operation_id = "ListApiKeys",
    summary = "(Users) List your API keys.",
    description = "Use this method to list your API keys, oldest first, without their secrets, with when each was last used.",
    tags(users)
)]
pub async fn list_keys(state: web::Data<AppState>, auth: Auth) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let keys: Vec<ApiKeyOut> = state.keys.list(&user).await?.into_iter().map(ApiKeyOut::from).collect();
    Ok(Reply::ok(&keys))
}

/// (Users) Revoke an API key.
#[api_v2_operation(
    operation_id = "DeleteApiKey",
    summary = "(Users) Revoke an API key.",
    description = "Use this method to revoke one of your API keys: it is refused from the next request on.",
    tags(users)
)]
pub async fn delete_key(
    state: web::Data<AppState>,
    IdPath(id): IdPath<domain::api_key::ApiKey>,
    auth: Auth,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    state.keys.revoke(&user, id.uuid()).await?;
    Ok(Reply::no_content())
}

/// Registers the `/users/self/keys` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/users/self/keys").route(web::get().to(list_keys)).route(web::post().to(create_key)),
    )
    .service(web::resource("/users/self/keys/{key_id}").route(web::delete().to(delete_key)));
}
