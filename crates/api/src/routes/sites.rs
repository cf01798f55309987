//! `/sites` and the flavors under a site.

use domain::{
    flavor::{FLAVOR_SORT_FIELDS, FlavorDraft, FlavorFilter},
    mail::ItemKind,
    service::Decision,
    site::{SITE_SORT_FIELDS, SiteDraft, SiteFilter},
};
use paperclip::actix::{api_v2_operation, web};
use serde_json::{Map, Value};
use uuid::Uuid;

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
    routes::{
        dto::{FlavorOut, SiteOut},
        flavors::FLAVOR_FIELDS,
    },
};

/// `GET /sites` parameters.
pub struct ListSitesQuery;
impl QuerySpec for ListSitesQuery {
    const PARAMS: &'static [Param] = &[
        STATUS,
        UPLOAD_BEFORE,
        UPLOAD_AFTER,
        PER_PAGE,
        PAGE,
        Param::opt("name", Kind::Str, "String with human readable institution identification"),
        Param::opt("address", Kind::Str, "String with place where a site is located"),
        sort_by(
            "\"+name\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [name,address]",
        ),
    ];
}

/// `GET /sites:search` and `GET /sites/{id}/flavors:search` parameters.
pub struct SearchModeratedQuery;
impl QuerySpec for SearchModeratedQuery {
    const PARAMS: &'static [Param] = &[TERMS, SORT_NONE, STATUS, UPLOAD_BEFORE, UPLOAD_AFTER, PER_PAGE, PAGE];
}

/// `GET /sites/{id}/flavors` parameters.
pub struct ListFlavorsQuery;
impl QuerySpec for ListFlavorsQuery {
    const PARAMS: &'static [Param] = &[
        STATUS,
        UPLOAD_BEFORE,
        UPLOAD_AFTER,
        PER_PAGE,
        PAGE,
        Param::opt("name", Kind::Str, "String with virtual hardware template identification"),
        sort_by(
            "\"+name\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [name]",
        ),
    ];
}

const SITE_FIELDS: &[Field] = &[
    Field { name: "name", kind: FieldKind::Str, required: true },
    Field { name: "address", kind: FieldKind::Str, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
];

/// `CreateSite` body.
pub struct CreateSiteBody;
impl BodySchema for CreateSiteBody {
    const SPEC: BodySpec = BodySpec { component: "CreateSite", fields: SITE_FIELDS, ignored: &[] };
}

/// `Site` body of PUT (read-only fields accepted and ignored, Q8).
pub struct SiteBody;
impl BodySchema for SiteBody {
    const SPEC: BodySpec =
        BodySpec { component: "Site", fields: SITE_FIELDS, ignored: &["id", "upload_datetime"] };
}

/// `CreateFlavor` body.
pub struct CreateFlavorBody;
impl BodySchema for CreateFlavorBody {
    const SPEC: BodySpec = BodySpec { component: "CreateFlavor", fields: FLAVOR_FIELDS, ignored: &[] };
}

fn site_draft(body: &Map<String, Value>) -> SiteDraft {
    SiteDraft {
        name: string(body, "name").unwrap_or_default(),
        address: string(body, "address").unwrap_or_default(),
        description: string(body, "description"),
    }
}

async fn list(state: &AppState, q: Query) -> ApiResult<Reply> {
    let params = list_params(&q, SITE_SORT_FIELDS)?;
    let filter = SiteFilter { name: q.str("name"), address: q.str("address") };
    Ok(Reply::page(state.catalog.list_sites(&filter, &params).await?, SiteOut::from))
}

async fn flavors(state: &AppState, site_id: Uuid, q: Query) -> ApiResult<Reply> {
    let params = list_params(&q, FLAVOR_SORT_FIELDS)?;
    let filter = FlavorFilter { site_id, name: q.str("name") };
    Ok(Reply::page(state.catalog.list_flavors(&filter, &params).await?, FlavorOut::from))
}

/// (Public) Filter and list sites.
#[api_v2_operation(
    operation_id = "ListSites",
    summary = "(Public) Filter and list sites.",
    description = "Use this method to get a list of sites filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered sites (if succeeds).",
    tags(sites)
)]
pub async fn list_sites(state: web::Data<AppState>, query: QueryArgs<ListSitesQuery>) -> ApiResult<Reply> {
    list(&state, query.parse()?).await
}

/// (Public) Search sites.
#[api_v2_operation(
    operation_id = "SearchSites",
    summary = "(Public) Filter and list sites.",
    description = "Use this method to get a list of sites based on a general search\nof terms in the 'name', 'address' or 'description' fields.",
    tags(sites)
)]
pub async fn search_sites(
    state: web::Data<AppState>,
    query: QueryArgs<SearchModeratedQuery>,
) -> ApiResult<Reply> {
    list(&state, query.parse()?).await
}

/// (Users) Submit a site.
#[api_v2_operation(
    operation_id = "CreateSite",
    summary = "(Users) Upload a new site.",
    description = "Use this method to create a new site in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated site (if succeeds).",
    tags(sites)
)]
pub async fn create_site(
    state: web::Data<AppState>,
    auth: Auth,
    body: JsonBody<CreateSiteBody>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let fields = body.fields()?;
    Ok(Reply::created(&SiteOut::from(state.catalog.create_site(&user, site_draft(&fields)).await?)))
}

/// (Public) One site, in any status.
#[api_v2_operation(
    operation_id = "GetSite",
    summary = "(Public) Retrieve site details.",
    description = "Use this method to retrieve a specific site from the database.",
    tags(sites)
)]
pub async fn get_site(state: web::Data<AppState>, IdPath(id): IdPath) -> ApiResult<Reply> {
    Ok(Reply::ok(&SiteOut::from(state.catalog.site(id).await?)))
}

/// (Admins) Update a site.
#[api_v2_operation(
    operation_id = "UpdateSite",
    summary = "(Admins) Update an existing site.",
    description = "Use this method to update a specific site from the database.",
    tags(sites)
)]
pub async fn update_site(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    body: JsonBody<SiteBody>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let fields = body.fields()?;
    state.catalog.update_site(&admin, id, site_draft(&fields)).await?;
    Ok(Reply::no_content())
}

/// (Admins) Delete a site with its flavors and results.
#[api_v2_operation(
    operation_id = "DeleteSite",
    summary = "(Admins) Delete an existing site.",
    description = "Use this method to delete a specific site from the database.",
    tags(sites)
)]
pub async fn delete_site(state: web::Data<AppState>, IdPath(id): IdPath, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.catalog.delete(&admin, ItemKind::Site, id).await?;
    Ok(Reply::no_content())
}

/// (Admins) Approve a site.
#[api_v2_operation(
    operation_id = "ApproveSite",
    summary = "(Admins) Approve a site to include it on default list methods.",
    description = "Use this method to approve an specific site submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
    tags(sites)
)]
pub async fn approve_site(state: web::Data<AppState>, IdPath(id): IdPath, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.catalog.decide(&admin, ItemKind::Site, id, Decision::Approve).await?;
    Ok(Reply::no_content())
}

/// (Admins) Reject a site.
#[api_v2_operation(
    operation_id = "RejectSite",
    summary = "(Admins) Rejects a site to safe delete it.",
    description = "Use this method instead of DELETE as it raises 422 in case the\nresource was already approved.",
    tags(sites)
)]
pub async fn reject_site(state: web::Data<AppState>, IdPath(id): IdPath, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.catalog.decide(&admin, ItemKind::Site, id, Decision::Reject).await?;
    Ok(Reply::no_content())
}

/// (Public) Filter and list the flavors of a site.
#[api_v2_operation(
    operation_id = "ListFlavors",
    summary = "(Public) Filter and list flavors.",
    description = "Use this method to get a list of flavors filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered flavors (if succeeds).",
    tags(sites)
)]
pub async fn list_flavors(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    query: QueryArgs<ListFlavorsQuery>,
) -> ApiResult<Reply> {
    flavors(&state, id, query.parse()?).await
}

/// (Public) Search the flavors of a site.
#[api_v2_operation(
    operation_id = "SearchFlavor",
    summary = "(Public) Filter and list flavors.",
    description = "Use this method to get a list of flavors based on a general search\nof terms in the 'name' or 'description' fields.",
    tags(sites)
)]
pub async fn search_flavor(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    query: QueryArgs<SearchModeratedQuery>,
) -> ApiResult<Reply> {
    flavors(&state, id, query.parse()?).await
}

/// (Users) Submit a flavor for a site.
#[api_v2_operation(
    operation_id = "AddFlavor",
    summary = "(Users) Upload a new flavor.",
    description = "Use this method to create a new flavors in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated flavor (if succeeds).",
    tags(sites)
)]
pub async fn add_flavor(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    body: JsonBody<CreateFlavorBody>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let fields = body.fields()?;
    let draft = FlavorDraft {
        name: string(&fields, "name").unwrap_or_default(),
        description: string(&fields, "description"),
    };
    Ok(Reply::created(&FlavorOut::from(state.catalog.create_flavor(&user, id, draft).await?)))
}

/// Registers the `/sites` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/sites").route(web::get().to(list_sites)).route(web::post().to(create_site)))
        .service(web::resource("/sites:search").route(web::get().to(search_sites)))
        .service(web::resource("/sites/{site_id}:approve").route(web::post().to(approve_site)))
        .service(web::resource("/sites/{site_id}:reject").route(web::post().to(reject_site)))
        .service(
            web::resource("/sites/{site_id}")
                .route(web::get().to(get_site))
                .route(web::put().to(update_site))
                .route(web::delete().to(delete_site)),
        )
        .service(
            web::resource("/sites/{site_id}/flavors")
                .route(web::get().to(list_flavors))
                .route(web::post().to(add_flavor)),
        )
        .service(web::resource("/sites/{site_id}/flavors:search").route(web::get().to(search_flavor)));
}
