//! `/reports`: the admins' submit list (claims are added by the results work).

use domain::submit::{SubmitFilter, SubmitSort};
use paperclip::actix::{api_v2_operation, web};

use crate::{
    AppState,
    error::ApiResult,
    extract::{Auth, QueryArgs, QuerySpec},
    params::{Kind, PAGE, PER_PAGE, Param, UPLOAD_AFTER, UPLOAD_BEFORE, sort_by},
    reply::Reply,
    routes::dto::SubmitOut,
};

/// `GET /reports/submits` parameters.
pub struct ListSubmitsQuery;
impl QuerySpec for ListSubmitsQuery {
    const PARAMS: &'static [Param] = &[
        UPLOAD_BEFORE,
        UPLOAD_AFTER,
        PER_PAGE,
        PAGE,
        Param::opt("resource_type", Kind::ResourceType, "Resource type discriminator"),
        sort_by(
            "\"+resource_type\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [resource_type]",
        ),
    ];
}

/// (Admins) Filter and list submits.
#[api_v2_operation(
    operation_id = "ListSubmits",
    summary = "(Admins) Filter and list submits.",
    description = "Use this method to get a list of submits filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered submits (if succeeds).",
    tags(reports)
)]
pub async fn list_submits(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<ListSubmitsQuery>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let q = query.parse()?;
    let sort = q.sort::<SubmitSort>()?;
    let filter = SubmitFilter { resource_type: q.resource_type(), uploaded: q.uploaded() };
    Ok(Reply::page(state.catalog.list_submits(&admin, &filter, &sort, q.page()).await?, SubmitOut::from))
}

/// Registers the `/reports` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/reports/submits").route(web::get().to(list_submits)));
}
