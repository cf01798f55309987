//! `/benchmarks`: the moderated catalog of benchmark images and their result schemas.

use domain::{
    access::Admin,
    benchmark::{BENCHMARK_SORT_FIELDS, BenchmarkDraft, BenchmarkFilter},
    mail::ItemKind,
    service::Decision,
};
use paperclip::actix::{api_v2_operation, web};
use serde_json::{Map, Value};

use crate::{
    AppState,
    body::{BodySpec, Field, FieldKind, string},
    error::ApiResult,
    extract::{Auth, BodySchema, IdPath, JsonBody, QueryArgs, QuerySpec},
    params::{
        Kind, PAGE, PER_PAGE, Param, Query, SORT_NONE, STATUS, TERMS, UPLOAD_AFTER, UPLOAD_BEFORE,
        list_params, sort_by,
    },
    reply::Reply,
    routes::{NoQuery, dto::BenchmarkOut},
};

/// `GET /benchmarks` parameters.
pub struct ListBenchmarksQuery;
impl QuerySpec for ListBenchmarksQuery {
    const PARAMS: &'static [Param] = &[
        STATUS,
        UPLOAD_BEFORE,
        UPLOAD_AFTER,
        PER_PAGE,
        PAGE,
        Param::opt("docker_image", Kind::Str, "String with a docker hub container name"),
        Param::opt("docker_tag", Kind::Str, "String with a docker hub container tag"),
        sort_by(
            "\"+docker_image\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [docker_image,docker_tag]",
        ),
    ];
}

/// `GET /benchmarks:search` parameters.
pub struct SearchBenchmarksQuery;
impl QuerySpec for SearchBenchmarksQuery {
    const PARAMS: &'static [Param] = &[TERMS, SORT_NONE, STATUS, UPLOAD_BEFORE, UPLOAD_AFTER, PER_PAGE, PAGE];
}

const FIELDS: &[Field] = &[
    Field { name: "docker_image", kind: FieldKind::Str, required: true },
    Field { name: "docker_tag", kind: FieldKind::Str, required: true },
    Field { name: "url", kind: FieldKind::Str, required: true },
    Field { name: "json_schema", kind: FieldKind::Object, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
];

/// `CreateBenchmark` body.
pub struct CreateBenchmarkBody;
impl BodySchema for CreateBenchmarkBody {
    const SPEC: BodySpec = BodySpec { component: "CreateBenchmark", fields: FIELDS, ignored: &[] };
}

/// `Benchmark` body of PUT (read-only fields accepted and ignored, Q8).
pub struct BenchmarkBody;
impl BodySchema for BenchmarkBody {
    const SPEC: BodySpec =
        BodySpec { component: "Benchmark", fields: FIELDS, ignored: &["id", "upload_datetime"] };
}

fn draft(body: &Map<String, Value>) -> BenchmarkDraft {
    BenchmarkDraft {
        docker_image: string(body, "docker_image").unwrap_or_default(),
        docker_tag: string(body, "docker_tag").unwrap_or_default(),
        url: string(body, "url").unwrap_or_default(),
        json_schema: body.get("json_schema").cloned().unwrap_or_default(),
        description: string(body, "description"),
    }
}

async fn list(state: &AppState, q: Query) -> ApiResult<Reply> {
    let params = list_params(&q, BENCHMARK_SORT_FIELDS)?;
    let filter = BenchmarkFilter { docker_image: q.str("docker_image"), docker_tag: q.str("docker_tag") };
    Ok(Reply::page(state.catalog.list_benchmarks(&filter, &params).await?, BenchmarkOut::from))
}

/// (Public) Filter and list benchmarks.
#[api_v2_operation(
    operation_id = "ListBenchmarks",
    summary = "(Public) Filter and list benchmarks.",
    description = "Use this method to get a list of benchmarks filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered benchmarks (if succeeds).",
    tags(benchmarks)
)]
pub async fn list_benchmarks(
    state: web::Data<AppState>,
    query: QueryArgs<ListBenchmarksQuery>,
) -> ApiResult<Reply> {
    list(&state, query.parse()?).await
}

/// (Public) Search benchmarks.
#[api_v2_operation(
    operation_id = "SearchBenchmarks",
    summary = "(Public) Filter and list benchmarks.",
    description = "Use this method to get a list of benchmarks based on a general search\nof terms in the 'docker_image', 'docker_tag' or 'description' fields.",
    tags(benchmarks)
)]
pub async fn search_benchmarks(
    state: web::Data<AppState>,
    query: QueryArgs<SearchBenchmarksQuery>,
) -> ApiResult<Reply> {
    list(&state, query.parse()?).await
}

/// (Users) Submit a benchmark.
#[api_v2_operation(
    operation_id = "CreateBenchmark",
    summary = "(Users) Upload a new benchmark.",
    description = "Use this method to create a new benchmarks in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated benchmark (if succeeds).\n\nNote: Benchmark use JSON Schemas to implement results validation.",
    tags(benchmarks)
)]
pub async fn create_benchmark(
    state: web::Data<AppState>,
    auth: Auth,
    body: JsonBody<CreateBenchmarkBody>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let fields = body.fields()?;
    Ok(Reply::created(&BenchmarkOut::from(state.catalog.create_benchmark(&user, draft(&fields)).await?)))
}

/// (Public) One benchmark, in any status.
#[api_v2_operation(
    operation_id = "GetBenchmark",
    summary = "(Public) Retrieve benchmark details.",
    description = "Use this method to retrieve a specific benchmark from the database.",
    tags(benchmarks)
)]
pub async fn get_benchmark(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    query: QueryArgs<NoQuery>,
) -> ApiResult<Reply> {
    query.parse()?;
    Ok(Reply::ok(&BenchmarkOut::from(state.catalog.benchmark(id).await?)))
}

/// (Admins) Update a benchmark.
#[api_v2_operation(
    operation_id = "UpdateBenchmark",
    summary = "(Admins) Implement JSON Put for benchmarks.",
    description = "Use this method to update a specific benchmark from the database.",
    tags(benchmarks)
)]
pub async fn update_benchmark(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    body: JsonBody<BenchmarkBody>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let fields = body.fields()?;
    state.catalog.update_benchmark(&admin, id, draft(&fields)).await?;
    Ok(Reply::no_content())
}

async fn admin_action(state: &AppState, auth: &Auth, query: &QueryArgs<NoQuery>) -> ApiResult<Admin> {
    let admin = auth.admin(state).await?;
    query.parse()?;
    Ok(admin)
}

/// (Admins) Delete a benchmark and its results.
#[api_v2_operation(
    operation_id = "DeleteBenchmark",
    summary = "(Admins) Delete an existing benchmark.",
    description = "Use this method to delete a specific benchmark from the database.",
    tags(benchmarks)
)]
pub async fn delete_benchmark(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    query: QueryArgs<NoQuery>,
) -> ApiResult<Reply> {
    let admin = admin_action(&state, &auth, &query).await?;
    state.catalog.delete(&admin, ItemKind::Benchmark, id).await?;
    Ok(Reply::no_content())
}

/// (Admins) Approve a benchmark.
#[api_v2_operation(
    operation_id = "ApproveBenchmark",
    summary = "(Admins) Approve a benchmark to include it on default list methods.",
    description = "Use this method to approve an specific benchmark submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
    tags(benchmarks)
)]
pub async fn approve_benchmark(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    query: QueryArgs<NoQuery>,
) -> ApiResult<Reply> {
    let admin = admin_action(&state, &auth, &query).await?;
    state.catalog.decide(&admin, ItemKind::Benchmark, id, Decision::Approve).await?;
    Ok(Reply::no_content())
}

/// (Admins) Reject a benchmark.
#[api_v2_operation(
    operation_id = "RejectBenchmark",
    summary = "(Admins) Reject a benchmark to safe delete it.",
    description = "Use this method instead of DELETE as it raises 422 in case the\nresource was already approved.",
    tags(benchmarks)
)]
pub async fn reject_benchmark(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    query: QueryArgs<NoQuery>,
) -> ApiResult<Reply> {
    let admin = admin_action(&state, &auth, &query).await?;
    state.catalog.decide(&admin, ItemKind::Benchmark, id, Decision::Reject).await?;
    Ok(Reply::no_content())
}

/// Registers the `/benchmarks` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/benchmarks")
            .route(web::get().to(list_benchmarks))
            .route(web::post().to(create_benchmark)),
    )
    .service(web::resource("/benchmarks:search").route(web::get().to(search_benchmarks)))
    .service(web::resource("/benchmarks/{benchmark_id}:approve").route(web::post().to(approve_benchmark)))
    .service(web::resource("/benchmarks/{benchmark_id}:reject").route(web::post().to(reject_benchmark)))
    .service(
        web::resource("/benchmarks/{benchmark_id}")
            .route(web::get().to(get_benchmark))
            .route(web::put().to(update_benchmark))
            .route(web::delete().to(delete_benchmark)),
    );
}
