//! `/flavors/{id}`: one flavor, its site, and its moderation.

use domain::{flavor::FlavorDraft, mail::ItemKind, service::Decision};
use paperclip::actix::{api_v2_operation, web};

use crate::{
    AppState,
    body::{BodySpec, Field, FieldKind, string},
    error::ApiResult,
    extract::{Auth, BodySchema, IdPath, JsonBody},
    reply::Reply,
    routes::dto::{FlavorOut, SiteOut},
};

/// Fields of a flavor body.
pub const FLAVOR_FIELDS: &[Field] = &[
    Field { name: "name", kind: FieldKind::Str, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
];

/// `Flavor` body of PUT (read-only fields accepted and ignored, Q8).
pub struct FlavorBody;
impl BodySchema for FlavorBody {
    const SPEC: BodySpec =
        BodySpec { component: "Flavor", fields: FLAVOR_FIELDS, ignored: &["id", "upload_datetime"] };
}

/// (Public) One flavor, in any status.
#[api_v2_operation(
    operation_id = "GetFlavor",
    summary = "(Public) Retrieve flavor details.",
    description = "Use this method to retrieve a specific flavor from the database.",
    tags(flavors)
)]
pub async fn get_flavor(state: web::Data<AppState>, IdPath(id): IdPath) -> ApiResult<Reply> {
    Ok(Reply::ok(&FlavorOut::from(state.catalog.flavor(id).await?)))
}

/// (Admins) Update a flavor (its site cannot change).
#[api_v2_operation(
    operation_id = "UpdateFlavor",
    summary = "(Admins) Update an existing flavor.",
    description = "Use this method to update a specific flavor from the database.",
    tags(flavors)
)]
pub async fn update_flavor(
    state: web::Data<AppState>,
    IdPath(id): IdPath,
    auth: Auth,
    body: JsonBody<FlavorBody>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let fields = body.fields()?;
    let draft = FlavorDraft {
        name: string(&fields, "name").unwrap_or_default(),
        description: string(&fields, "description"),
    };
    state.catalog.update_flavor(&admin, id, draft).await?;
    Ok(Reply::no_content())
}

/// (Admins) Delete a flavor and its results.
#[api_v2_operation(
    operation_id = "DeleteFlavor",
    summary = "(Admins) Delete an existing flavor.",
    description = "Use this method to delete a specific flavor from the database.",
    tags(flavors)
)]
pub async fn delete_flavor(state: web::Data<AppState>, IdPath(id): IdPath, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.catalog.delete(&admin, ItemKind::Flavor, id).await?;
    Ok(Reply::no_content())
}

/// (Admins) Approve a flavor (its site may still be pending, Q20).
#[api_v2_operation(
    operation_id = "ApproveFlavor",
    summary = "(Admins) Approve a flavor to include it on default list methods.",
    description = "Use this method to approve an specific flavor submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
    tags(flavors)
)]
pub async fn approve_flavor(state: web::Data<AppState>, IdPath(id): IdPath, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.catalog.decide(&admin, ItemKind::Flavor, id, Decision::Approve).await?;
    Ok(Reply::no_content())
}

/// (Admins) Reject a flavor.
#[api_v2_operation(
    operation_id = "RejectFlavor",
    summary = "(Admins) Rejects a flavor to safe delete it.",
    description = "Use this method instead of DELETE as it raises 422 in case the\nresource was already approved.",
    tags(flavors)
)]
pub async fn reject_flavor(state: web::Data<AppState>, IdPath(id): IdPath, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.catalog.decide(&admin, ItemKind::Flavor, id, Decision::Reject).await?;
    Ok(Reply::no_content())
}

/// (Public) The site of a flavor.
#[api_v2_operation(
    operation_id = "GetFlavorSite",
    summary = "(Public) Retrieve flavor site details.",
    description = "Use this method to retrieve the site information from a\nspecific flavor in the database.",
    tags(flavors)
)]
pub async fn get_flavor_site(state: web::Data<AppState>, IdPath(id): IdPath) -> ApiResult<Reply> {
    Ok(Reply::ok(&SiteOut::from(state.catalog.flavor_site(id).await?)))
}

/// Registers the `/flavors` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/flavors/{flavor_id}:approve").route(web::post().to(approve_flavor)))
        .service(web::resource("/flavors/{flavor_id}:reject").route(web::post().to(reject_flavor)))
        .service(
            web::resource("/flavors/{flavor_id}")
                .route(web::get().to(get_flavor))
                .route(web::put().to(update_flavor))
                .route(web::delete().to(delete_flavor)),
        )
        .service(web::resource("/flavors/{flavor_id}/site").route(web::get().to(get_flavor_site)));
}
