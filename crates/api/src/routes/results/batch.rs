//! `POST /results:batch`: many uploads in one request and one transaction. Each item carries
//! what `POST /results` takes in its query (`benchmark_id`, `flavor_id`, `execution_datetime`,
//! `tags_ids`) and body (`json`), and gets the same checks; the answer lists every failing
//! item with its index.

use domain::{
    DomainError, ItemError,
    api_key::Scope,
    service::{MAX_BATCH_ITEMS, Upload},
};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::ResultOut;
use crate::{
    AppState,
    body::{self, BodySpec, Field, FieldKind, contains_nul},
    error::{ApiError, ApiResult},
    extract::{Auth, BodySchema, JsonBody},
    idempotency::IdempotencyHeader,
    limits::RequestLimits,
    params::parse_datetime,
    reply::Reply,
};

/// The body of `POST /results:batch` (its schema is the `ResultsBatch` component).
pub struct ResultsBatchBody;
impl BodySchema for ResultsBatchBody {
    const SPEC: BodySpec = BodySpec { component: "ResultsBatch", fields: &[], ignored: &[] };
}

/// The fields of one item.
const ITEM: BodySpec = BodySpec {
    component: "ResultsBatchItem",
    fields: &[
        Field { name: "benchmark_id", kind: FieldKind::Str, required: true },
        Field { name: "flavor_id", kind: FieldKind::Str, required: true },
        Field { name: "execution_datetime", kind: FieldKind::Str, required: true },
        Field { name: "tags_ids", kind: FieldKind::UuidList, required: false },
        Field { name: "json", kind: FieldKind::Object, required: true },
    ],
    ignored: &[],
};

/// The answer of `POST /results:batch`: the stored results, in the order sent.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ResultsCreated")]
pub struct ResultsCreatedOut {
    /// The stored results, in the order of the request's items
    results: Vec<ResultOut>,
}

/// The items of the body: a validation error for the envelope, or every malformed item.
fn parse_items(
    mut body: Map<String, Value>,
    limits: &RequestLimits,
    body_bytes: usize,
) -> ApiResult<Vec<Upload>> {
    let mut envelope = Map::new();
    for name in body.keys().filter(|k| *k != "results") {
        envelope.insert(name.clone(), json!(["Unknown field."]));
    }
    let items = match body.remove("results") {
        None => {
            envelope.insert("results".into(), json!(["Missing data for required field."]));
            None
        }
        Some(Value::Array(items)) if (1..=MAX_BATCH_ITEMS).contains(&items.len()) => Some(items),
        Some(Value::Array(_)) => {
            envelope.insert(
                "results".into(),
                json!([format!("Length must be between 1 and {MAX_BATCH_ITEMS}.")]),
            );
            None
        }
        Some(_) => {
            envelope.insert("results".into(), json!(["Not a valid list."]));
            None
        }
    };
    let Some(items) = items.filter(|_| envelope.is_empty()) else {
        return Err(ApiError::Validation { location: "json", errors: envelope });
    };
    let (total, share) = (items.len(), body_bytes / items.len());
    let (mut uploads, mut errors) = (Vec::with_capacity(total), Vec::new());
    for (index, item) in items.into_iter().enumerate() {
        match parse_item(item, limits, share) {
            Ok(upload) => uploads.push(upload),
            Err((path, error)) => errors.push(ItemError { index, error, path: Some(path) }),
        }
    }
    if errors.is_empty() { Ok(uploads) } else { Err(DomainError::ItemsRefused { total, errors }.into()) }
}

/// One item, or the field that is wrong and why.
fn parse_item(item: Value, limits: &RequestLimits, share: usize) -> Result<Upload, (String, String)> {
    let Value::Object(object) = item else {
        return Err(("_schema".into(), "Invalid input type.".into()));
    };
    let mut fields = body::validate(object, &ITEM, limits).map_err(|e| match e {
        ApiError::Validation { errors, .. } => errors
            .into_iter()
            .next()
            .map(|(field, messages)| (field, first_message(&messages)))
            .unwrap_or_default(),
        other => ("_schema".into(), other.to_string()),
    })?;
    let uuid = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| (name.to_owned(), "Not a valid UUID.".to_owned()))
    };
    let (benchmark_id, flavor_id) = (uuid("benchmark_id")?, uuid("flavor_id")?);
    let execution = fields
        .get("execution_datetime")
        .and_then(Value::as_str)
        .and_then(parse_datetime)
        .ok_or_else(|| ("execution_datetime".to_owned(), "Not a valid datetime.".to_owned()))?;
    let tags_ids = body::ids(&fields, "tags_ids").unwrap_or_default();
    let json = fields.remove("json").unwrap_or_default();
    if contains_nul(&json) {
        return Err(("json".into(), "Invalid input: NUL characters are not allowed.".into()));
    }
    if depth(&json) > limits.max_result_depth {
        return Err((
            "json".into(),
            format!("Nested deeper than maximum depth {}.", limits.max_result_depth),
        ));
    }
    let document_bytes = if share > limits.max_result_bytes / 2 { json.to_string().len() } else { share };
    if document_bytes > limits.max_result_bytes {
        return Err(("json".into(), format!("Larger than maximum size {} bytes.", limits.max_result_bytes)));
    }
    Ok(Upload {
        execution,
        benchmark_id: benchmark_id.into(),
        flavor_id: flavor_id.into(),
        tags_ids,
        json,
        document_bytes,
    })
}

/// The first text of a field's messages (a list, or an object of lists for list items).
fn first_message(messages: &Value) -> String {
    match messages {
        Value::String(s) => s.clone(),
        Value::Array(list) => list.first().map(first_message).unwrap_or_default(),
        Value::Object(map) => map.values().next().map(first_message).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// The nesting depth of a parsed document (the document itself is 1).
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// (Users) Upload many results at once.
#[api_v2_operation(
    operation_id = "CreateResults",
    summary = "(Users) Upload many results at once.",
    description = "Use this method to store up to 1000 results in one request and one\ntransaction: all of them or none. Each item takes what `POST /results`\ntakes in its query (`benchmark_id`, `flavor_id`, `execution_datetime`\nwith timezone, `tags_ids`) and body (`json`), and gets the same checks.\nThe answer lists the stored results in the order sent. When items fail,\nnothing is stored and the 422 answer lists every failing item under\n`errors.results` with its `index` (from 0), `error` and `path`.\n\nWith an `Idempotency-Key` header, a retry of the same request within\n24 hours answers the first results again and stores nothing.",
    tags(results)
)]
pub async fn create_results(
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyHeader,
    body: JsonBody<ResultsBatchBody>,
) -> ApiResult<Reply> {
    let user = auth.user_with_scope(&state, Scope::ResultsWrite).await?;
    let (object, bytes) = body.object_and_size()?;
    let uploads = parse_items(object, body.limits(), bytes)?;
    let key = key.parse()?;
    let stored = state.results.upload_batch(&user, uploads, key).await?;
    Ok(Reply::created(&ResultsCreatedOut { results: stored.into_iter().map(ResultOut::from).collect() }))
}
