//! Claims: `/reports/claims` (admin), `/results/{id}/claims` (owner or admin) and
//! `/users/self/claims`.

use domain::{
    ClaimId, Id,
    claim::{Claim, ClaimFilter, ClaimSort},
    result::BenchmarkResult,
};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    AppState,
    error::ApiResult,
    extract::{Auth, IdPath, QueryArgs},
    params::{Query, sort_by},
    reply::{Reply, datetime},
    routes::{NoQuery, moderated::moderated_list_query, users::UserOut},
    wire::NaiveUtc,
};

/// The Claim representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Claim")]
pub struct ClaimOut {
    /// UUID resource unique identification
    #[openapi(example = "77e88a60-5d33-43d3-b802-27273278489e")]
    id: Uuid,
    /// Why the result is claimed
    #[openapi(example = "The resource uses negative time")]
    message: String,
    /// UUID of the claimed result; absent when that result no longer exists
    #[openapi(example = "3ddd146f-c2c6-487e-ac40-df1dbb971b2c")]
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_id: Option<Uuid>,
    /// Resource type discriminator
    #[openapi(example = "result")]
    resource_type: ClaimType,
    /// Upload datetime of the referred resource (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    upload_datetime: NaiveUtc,
    uploader: UserOut,
}

/// What a claim is about (`resource_type`): always a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Apiv2Schema)]
#[serde(rename_all = "lowercase")]
pub enum ClaimType {
    /// A benchmark result.
    Result,
}

impl From<Claim> for ClaimOut {
    fn from(c: Claim) -> Self {
        Self {
            id: c.id.uuid(),
            message: c.message,
            resource_type: ClaimType::Result,
            resource_id: c.result_id.map(Id::uuid),
            upload_datetime: datetime(&c.upload_datetime),
            uploader: c.uploader.into(),
        }
    }
}

moderated_list_query!(
    /// Claim list parameters (all three lists).
    ListClaimsQuery: [
        sort_by(
            "\"+upload_datetime\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,status,upload_datetime]<br>Specific fields: [resource_type]",
        ),
    ]
);

fn filter(q: &Query) -> ClaimFilter {
    ClaimFilter { status: q.status(), uploaded: q.uploaded(), ..ClaimFilter::default() }
}

/// (Admins) Filter and list claims (default: approved ones, Q3).
#[api_v2_operation(
    operation_id = "ListClaims",
    summary = "(Admins) Filter and lists claims.",
    description = "Use this method to get a list of claims filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered claims (if succeeds).",
    tags(reports)
)]
pub async fn list_claims(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<ListClaimsQuery>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let q = query.parse()?;
    let sort = q.sort::<ClaimSort>()?;
    Ok(Reply::page(state.results.list_claims(&admin, &filter(&q), &sort, q.page()).await?, ClaimOut::from))
}

/// (Admins) One claim, in any status.
#[api_v2_operation(
    operation_id = "GetClaim",
    summary = "(Admins) Retrieve claim details.",
    description = "Use this method to retrieve a specific claim from the database.",
    tags(reports)
)]
pub async fn get_claim(
    state: web::Data<AppState>,
    IdPath(id): IdPath<Claim>,
    auth: Auth,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    Ok(Reply::ok(&ClaimOut::from(state.results.claim_by_id(&admin, id).await?)))
}

async fn decide(
    state: &AppState,
    id: ClaimId,
    auth: &Auth,
    query: &QueryArgs<NoQuery>,
    approve: bool,
) -> ApiResult<Reply> {
    let admin = auth.admin(state).await?;
    query.parse()?;
    state.results.decide_claim(&admin, id, approve).await?;
    Ok(Reply::no_content())
}

/// (Admins) Approve a claim: the result stays hidden.
#[api_v2_operation(
    operation_id = "ApproveClaim",
    summary = "(Admin) Accept an existing claim.",
    description = "Use this method to approve an specific resource submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
    tags(reports)
)]
pub async fn approve_claim(
    state: web::Data<AppState>,
    IdPath(id): IdPath<Claim>,
    auth: Auth,
    query: QueryArgs<NoQuery>,
) -> ApiResult<Reply> {
    decide(&state, id, &auth, &query, true).await
}

/// (Admins) Reject a claim: the result is shown again when no other claim is pending (Q1).
#[api_v2_operation(
    operation_id = "RejectClaim",
    summary = "(Admin) Refuse an existing claim.",
    description = "Use this method to reject an specific resource submitted by an user.\nIt is a custom method, as side effect, it removes the resource and\nthe submit report associated as it is no longer needed.",
    tags(reports)
)]
pub async fn reject_claim(
    state: web::Data<AppState>,
    IdPath(id): IdPath<Claim>,
    auth: Auth,
    query: QueryArgs<NoQuery>,
) -> ApiResult<Reply> {
    decide(&state, id, &auth, &query, false).await
}

/// (Owner or Admin) The claims of a result.
#[api_v2_operation(
    operation_id = "ListResultClaims",
    summary = "(Owner or Admins) Returns the result claims.",
    description = "Use this method to retrieve all the result claims.",
    tags(results)
)]
pub async fn list_result_claims(
    state: web::Data<AppState>,
    IdPath(id): IdPath<BenchmarkResult>,
    auth: Auth,
    query: QueryArgs<ListClaimsQuery>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let q = query.parse()?;
    let sort = q.sort::<ClaimSort>()?;
    Ok(Reply::page(state.results.claims_of(&user, id, filter(&q), &sort, q.page()).await?, ClaimOut::from))
}

/// (Users) The claims the caller made.
#[api_v2_operation(
    operation_id = "ListUserClaims",
    summary = "(Users) Return your uploaded pending claims.",
    description = "Use this method to retrieve all the claims uploaded by your user.",
    tags(users)
)]
pub async fn list_user_claims(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<ListClaimsQuery>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let q = query.parse()?;
    let sort = q.sort::<ClaimSort>()?;
    Ok(Reply::page(state.results.own_claims(&user, filter(&q), &sort, q.page()).await?, ClaimOut::from))
}

/// Registers the claim routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/reports/claims").route(web::get().to(list_claims)))
        .service(web::resource("/reports/claims/{report_id}:approve").route(web::post().to(approve_claim)))
        .service(web::resource("/reports/claims/{report_id}:reject").route(web::post().to(reject_claim)))
        .service(web::resource("/reports/claims/{report_id}").route(web::get().to(get_claim)))
        .service(web::resource("/users/self/claims").route(web::get().to(list_user_claims)));
}
