//! `POST /benchmarks/{benchmark_id}:validate` (issue 11): a dry run of the upload's JSON Schema
//! check, so that a benchmark author can test a harness before uploading. Public.

use paperclip::actix::{api_v2_operation, web};
use serde_json::Value;

use super::ResultDocument;
use crate::{
    AppState,
    body::contains_nul,
    error::{ApiResult, field_error},
    extract::{IdPath, JsonBody},
    reply::Reply,
};

/// (Public) Checks a result document against a benchmark's JSON Schema without storing it.
#[api_v2_operation(
    operation_id = "ValidateResult",
    summary = "(Public) Check a result against a benchmark's JSON Schema.",
    description = "A dry run of the JSON Schema check of `POST /results`, with the same limits: 204 when the document would be accepted, otherwise the upload's 422 body (`error` and `path`). The benchmark may be in any status; 404 when it does not exist. Nothing is stored and no registration is needed.",
    tags(benchmarks)
)]
pub async fn validate_result(
    state: web::Data<AppState>,
    IdPath(benchmark_id): IdPath<domain::benchmark::Benchmark>,
    body: JsonBody<ResultDocument>,
) -> ApiResult<Reply> {
    let (document, document_bytes) = body.result_document()?;
    let json = Value::Object(document);
    if contains_nul(&json) {
        return Err(field_error("json", "_schema", "Invalid input: NUL characters are not allowed."));
    }
    state.results.validate(benchmark_id, json, document_bytes).await?;
    Ok(Reply::no_content())
}

/// Registers the route; it must come before the benchmarks' `/benchmarks/{benchmark_id}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/benchmarks/{benchmark_id}:validate").route(web::post().to(validate_result)));
}
