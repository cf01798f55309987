//! `/results`: upload, query, tag, hide and claim benchmark results; `/users/self/results`.

use domain::{
    api_key::Scope,
    filter::parse_filter,
    result::{BenchmarkResult, ResultFilter, ResultSort},
    service::Upload,
};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    AppState,
    body::{BodySpec, Field, FieldKind, contains_nul, ids, string},
    error::{ApiError, ApiResult, field_error},
    extract::{Auth, BodySchema, IdPath, JsonBody, QueryArgs, QuerySpec},
    idempotency::IdempotencyHeader,
    params::{Kind, PAGE, PER_PAGE, Param, Query, SORT_NONE, TERMS, UPLOAD_AFTER, UPLOAD_BEFORE, sort_by},
    reply::{Reply, datetime},
    routes::{
        claims::ClaimOut,
        dto::{BenchmarkOut, FlavorOut, SiteOut},
        tags::TagOut,
        users::UserOut,
    },
    wire::{JsonObject, NaiveUtc},
};

/// The Result representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Result")]
pub struct ResultOut {
    benchmark: BenchmarkOut,
    /// START execution datetime of the result (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    execution_datetime: NaiveUtc,
    flavor: FlavorOut,
    /// UUID resource unique identification
    #[openapi(example = "77e88a60-5d33-43d3-b802-27273278489e")]
    id: Uuid,
    json: JsonObject,
    site: SiteOut,
    tags: Vec<TagOut>,
    /// Upload datetime of the referred resource (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    upload_datetime: NaiveUtc,
}

impl From<BenchmarkResult> for ResultOut {
    fn from(r: BenchmarkResult) -> Self {
        Self {
            id: r.id.uuid(),
            upload_datetime: datetime(&r.upload_datetime),
            execution_datetime: datetime(&r.execution_datetime),
            benchmark: r.benchmark.into(),
            site: r.site.into(),
            flavor: r.flavor.into(),
            tags: r.tags.into_iter().map(TagOut::from).collect(),
            json: JsonObject(r.json),
        }
    }
}

const RESULTS_SORT: &str = "Order to return the results (coma separated).<br>Generic fields: [id,execution_datetime,upload_datetime].<br>Benchmark fields: [benchmark_id,benchmark_name].<br>Site fields: [site_id,site_name,site_address].<br>Flavor fields: [flavor_id,flavor_name].<br>Custom json fields using 'json' and '.' as json field delimiter.";
pub(super) const TAGS_IDS: Param = Param::opt("tags_ids", Kind::UuidList, "UUID tags unique identifications");

/// `GET /results` and `GET /users/self/results` parameters.
pub struct ListResultsQuery;
impl QuerySpec for ListResultsQuery {
    const PARAMS: &'static [Param] = &[
        UPLOAD_BEFORE,
        UPLOAD_AFTER,
        PER_PAGE,
        PAGE,
        Param::opt("execution_before", Kind::Date, "Results executed before date (ISO8601)"),
        Param::opt("execution_after", Kind::Date, "Results executed after date (ISO8601)"),
        Param::opt("benchmark_id", Kind::Uuid, "UUID benchmark unique identification"),
        Param::opt("site_id", Kind::Uuid, "UUID site unique identification"),
        Param::opt("flavor_id", Kind::Uuid, "UUID flavor unique identification"),
        TAGS_IDS,
        Param::opt("filters", Kind::StrList, "List of filter conditions (space separated)")
            .with_default("[]"),
        sort_by("\"+execution_datetime\"", RESULTS_SORT),
    ];
}

/// `GET /results:search` parameters.
pub struct SearchResultsQuery;
impl QuerySpec for SearchResultsQuery {
    const PARAMS: &'static [Param] = &[TERMS, SORT_NONE, UPLOAD_BEFORE, UPLOAD_AFTER, PER_PAGE, PAGE];
}

/// `POST /results` parameters: the upload's context.
pub struct CreateResultQuery;
impl QuerySpec for CreateResultQuery {
    const PARAMS: &'static [Param] = &[
        Param::req(
            "execution_datetime",
            Kind::DateTime,
            "START execution datetime and timezone of the result",
        ),
        Param::req("benchmark_id", Kind::Uuid, "UUID benchmark unique identification"),
        Param::req("flavor_id", Kind::Uuid, "UUID flavor unique identification"),
        TAGS_IDS.with_default("[]"),
    ];
}

/// The free-form result document (`Json`).
pub struct ResultDocument;
impl BodySchema for ResultDocument {
    const SPEC: BodySpec = BodySpec { component: "Json", fields: &[], ignored: &[] };
}

/// `CreateClaim` body.
pub struct CreateClaimBody;
impl BodySchema for CreateClaimBody {
    const SPEC: BodySpec = BodySpec {
        component: "CreateClaim",
        fields: &[Field { name: "message", kind: FieldKind::Str, required: true }],
        ignored: &[],
    };
}

/// `TagsIds` body.
pub struct TagsIdsBody;
impl BodySchema for TagsIdsBody {
    const SPEC: BodySpec = BodySpec {
        component: "TagsIds",
        fields: &[Field { name: "tags_ids", kind: FieldKind::UuidList, required: false }],
        ignored: &[],
    };
}

/// The filters of a validated `/results` query.
pub(super) fn result_filter(q: &Query) -> ApiResult<ResultFilter> {
    let filters = q.strs("filters").iter().map(|f| parse_filter(f)).collect::<Result<Vec<_>, _>>()?;
    Ok(ResultFilter {
        owner: None,
        benchmark_id: q.id("benchmark_id"),
        site_id: q.id("site_id"),
        flavor_id: q.id("flavor_id"),
        tags_ids: q.ids("tags_ids"),
        uploaded: q.uploaded(),
        executed: q.executed(),
        filters,
        terms: q.strs("terms"),
    })
}

async fn list(state: &AppState, filter: ResultFilter, q: &Query) -> ApiResult<Reply> {
    let sort = q.sort::<ResultSort>()?;
    Ok(Reply::page(state.results.list(&filter, &sort, q.page()).await?, ResultOut::from))
}

/// (Public) Filter and list results.
#[api_v2_operation(
    operation_id = "ListResults",
    summary = "(Public) Filter and list results.",
    description = "Use this method to get a list of results filtered according to your\nrequirements, including filters on values inside the result: `filters=<path.separated.by.dots> <operator> <value>` with the operators ==, >, <, >= and <=.",
    tags(results)
)]
pub async fn list_results(
    state: web::Data<AppState>,
    query: QueryArgs<ListResultsQuery>,
) -> ApiResult<Reply> {
    let q = query.parse()?;
    list(&state, result_filter(&q)?, &q).await
}

/// (Public) Search results.
#[api_v2_operation(
    operation_id = "SearchResults",
    summary = "(Public) Filter and list results.",
    description = "Use this method to get a list of results based on a general search\nof terms in the benchmark name (image:tag), site name and address, flavor name, or tag names.",
    tags(results)
)]
pub async fn search_results(
    state: web::Data<AppState>,
    query: QueryArgs<SearchResultsQuery>,
) -> ApiResult<Reply> {
    let q = query.parse()?;
    list(
        &state,
        ResultFilter { terms: q.strs("terms"), uploaded: q.uploaded(), ..ResultFilter::default() },
        &q,
    )
    .await
}

/// (Users) Upload a result.
#[api_v2_operation(
    operation_id = "CreateResult",
    summary = "(Users) Upload a new result.",
    description = "Use this method to create a new result in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated result (if succeeds).\n\nThe uploaded result must pass the benchmark JSON Schema to be\naccepted, otherwise 422 UnprocessableEntity is produced.\nIn addition, an execution_datetime must be provided in order to indicate\nthe time when the benchmark was executed. It should be in ISO8601\nformat and include the timezone.\n\nWith an `Idempotency-Key` header, a retry of the same request within\n24 hours answers the first result again and stores nothing.",
    tags(results)
)]
pub async fn create_result(
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyHeader,
    query: QueryArgs<CreateResultQuery>,
    body: JsonBody<ResultDocument>,
) -> ApiResult<Reply> {
    let user = auth.user_with_scope(&state, Scope::ResultsWrite).await?;
    let q = query.parse()?;
    let (document, document_bytes) = body.result_document()?;
    let key = key.parse()?;
    let json = Value::Object(document);
    if contains_nul(&json) {
        return Err(field_error("json", "_schema", "Invalid input: NUL characters are not allowed."));
    }
    let (Some(execution), Some(benchmark_id), Some(flavor_id)) =
        (q.datetime("execution_datetime"), q.id("benchmark_id"), q.id("flavor_id"))
    else {
        return Err(ApiError::Bare(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY));
    };
    let upload =
        Upload { execution, benchmark_id, flavor_id, tags_ids: q.ids("tags_ids"), json, document_bytes };
    Ok(Reply::created(&ResultOut::from(state.results.upload_with_key(&user, upload, key).await?)))
}

/// (Public) One result, hidden or not.
#[api_v2_operation(
    operation_id = "GetResult",
    summary = "(Public) Retrieve result details.",
    description = "Use this method to retrieve a specific result from the database.",
    tags(results)
)]
pub async fn get_result(state: web::Data<AppState>, IdPath(id): IdPath<BenchmarkResult>) -> ApiResult<Reply> {
    Ok(Reply::ok(&ResultOut::from(state.results.get(id).await?)))
}

/// (Admins) Hide a result (soft delete).
#[api_v2_operation(
    operation_id = "DeleteResult",
    summary = "(Admin) Delete an existing result.",
    description = "Use this method to delete a specific result from the database.",
    tags(results)
)]
pub async fn delete_result(
    state: web::Data<AppState>,
    IdPath(id): IdPath<BenchmarkResult>,
    auth: Auth,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.results.hide(&admin, id).await?;
    Ok(Reply::no_content())
}

/// (Users) Claim a result.
#[api_v2_operation(
    operation_id = "ClaimReport",
    summary = "(Users) Report a result.",
    description = "Use this method to create a report for a specific result so the\nadministrators are aware of issues. The reported result is hidden\nfrom generic responses until the issue is corrected and approved\nby the administrators.",
    tags(results)
)]
pub async fn claim_report(
    state: web::Data<AppState>,
    IdPath(id): IdPath<BenchmarkResult>,
    auth: Auth,
    body: JsonBody<CreateClaimBody>,
) -> ApiResult<Reply> {
    let user = auth.user_with_scope(&state, Scope::ClaimsWrite).await?;
    let fields = body.fields()?;
    let claim = state.results.claim(&user, id, string(&fields, "message").unwrap_or_default()).await?;
    Ok(Reply::created(&ClaimOut::from(claim)))
}

/// (Owner or Admin) Replace the tags of a result.
#[api_v2_operation(
    operation_id = "UpdateResult",
    summary = "(Owner or Admin) Update an existing result tags.",
    description = "Use this method to update tags on a specific result from the database.",
    tags(results)
)]
pub async fn update_result(
    state: web::Data<AppState>,
    IdPath(id): IdPath<BenchmarkResult>,
    auth: Auth,
    body: JsonBody<TagsIdsBody>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let fields = body.fields()?;
    state.results.set_tags(&user, id, ids(&fields, "tags_ids")).await?;
    Ok(Reply::no_content())
}

/// (Admins) The uploader of a result.
#[api_v2_operation(
    operation_id = "ResultUploader",
    summary = "(Admins) Retrieve result uploader.",
    description = "Use this method to retrieve the uploader of a specific result\nfrom the database.",
    tags(results)
)]
pub async fn result_uploader(
    state: web::Data<AppState>,
    IdPath(id): IdPath<BenchmarkResult>,
    auth: Auth,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    Ok(Reply::ok(&UserOut::from(state.results.uploader(&admin, id).await?)))
}

/// (Users) The caller's results, hidden ones included, with the `/results` filters (Q4).
#[api_v2_operation(
    operation_id = "ListUserResults",
    summary = "(Users) Return your uploaded results.",
    description = "Use this method to retrieve all the results uploaded by your user, including the ones hidden by claims.",
    tags(users)
)]
pub async fn list_user_results(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<ListResultsQuery>,
) -> ApiResult<Reply> {
    let user = auth.user_with_scope(&state, Scope::ResultsRead).await?;
    let q = query.parse()?;
    let sort = q.sort::<ResultSort>()?;
    let page = state.results.own_results(&user, result_filter(&q)?, &sort, q.page()).await?;
    Ok(Reply::page(page, ResultOut::from))
}

/// Registers the `/results` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/results").route(web::get().to(list_results)).route(web::post().to(create_result)),
    )
    .service(web::resource("/results:batch").route(web::post().to(batch::create_results)))
    .service(web::resource("/results:search").route(web::get().to(search_results)))
    .service(web::resource("/results:export").route(web::get().to(export::export_results)))
    .service(web::resource("/results:stats").route(web::get().to(stats::get_result_stats)))
    .service(web::resource("/results:ranking").route(web::get().to(ranking::rank_results)))
    .service(web::resource("/results/{result_id}:claim").route(web::post().to(claim_report)))
    .service(
        web::resource("/results/{result_id}")
            .route(web::get().to(get_result))
            .route(web::delete().to(delete_result)),
    )
    .service(web::resource("/results/{result_id}/tags").route(web::put().to(update_result)))
    .service(
        web::resource("/results/{result_id}/claims")
            .route(web::get().to(crate::routes::claims::list_result_claims)),
    )
    .service(web::resource("/results/{result_id}/uploader").route(web::get().to(result_uploader)))
    .service(web::resource("/users/self/results").route(web::get().to(list_user_results)));
}

mod batch;
mod columns;
pub mod export;
mod export_lines;
mod ranking;
mod stats;

pub use ranking::{RankingEntryOut, RankingOut};
pub use stats::{GroupOut, StatsOut};
#[cfg(test)]
mod tests;
pub mod validate;

pub use batch::{ResultsBatchBody, ResultsCreatedOut};
