//! Flavors: their routes as a moderated kind, and `/flavors/{id}/site`.

use domain::flavor::{Flavor, FlavorDraft, FlavorFilter, NewFlavor};
use domain::site::Site;
use paperclip::actix::{api_v2_operation, web};
use serde_json::{Map, Value};

use crate::{
    AppState,
    body::{BodySpec, Field, FieldKind, string},
    error::ApiResult,
    extract::{BodySchema, IdPath},
    flavor_spec::{self, SpecKind},
    params::Query,
    reply::Reply,
    routes::{
        dto::{FlavorOut, SiteOut},
        moderated::{KindDocs, ModeratedRoutes, OperationDoc},
        sites::{CreateFlavorBody, ListFlavorsQuery},
    },
};

/// Fields of a flavor body: the original's, then the optional spec members (issue 11).
pub const FLAVOR_FIELDS: &[Field] = &[
    Field { name: "name", kind: FieldKind::Str, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
    Field { name: "vcpus", kind: FieldKind::Spec(SpecKind::Count), required: false },
    Field { name: "memory_gib", kind: FieldKind::Spec(SpecKind::Gib), required: false },
    Field { name: "gpus", kind: FieldKind::Spec(SpecKind::Gpus), required: false },
    Field { name: "architecture", kind: FieldKind::Spec(SpecKind::Label), required: false },
    Field { name: "disk_gib", kind: FieldKind::Spec(SpecKind::Gib), required: false },
    Field { name: "region", kind: FieldKind::Spec(SpecKind::Label), required: false },
    Field { name: "price", kind: FieldKind::Spec(SpecKind::Price), required: false },
];

/// `Flavor` body of PUT (read-only fields accepted and ignored, Q8).
pub struct FlavorBody;
impl BodySchema for FlavorBody {
    const SPEC: BodySpec =
        BodySpec { component: "Flavor", fields: FLAVOR_FIELDS, ignored: &["id", "upload_datetime"] };
}

/// The flavor routes: listed, searched and submitted under their site
/// (`/sites/{site_id}/flavors`), read, edited and moderated at `/flavors/{flavor_id}`.
pub struct FlavorRoutes;

impl ModeratedRoutes for FlavorRoutes {
    type Item = Flavor;
    type Out = FlavorOut;
    type Parent = IdPath<Site>;
    type ListQuery = ListFlavorsQuery;
    type CreateBody = CreateFlavorBody;
    type UpdateBody = FlavorBody;

    const COLLECTION: &'static str = "/sites/{site_id}/flavors";
    const ITEM: &'static str = "/flavors/{flavor_id}";
    const STRICT_QUERY: bool = false;
    const DOCS: KindDocs = KindDocs {
        list: OperationDoc {
            id: "ListFlavors",
            tag: "sites",
            summary: "(Public) Filter and list flavors.",
            description: "Use this method to get a list of flavors filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered flavors (if succeeds).",
        },
        search: OperationDoc {
            id: "SearchFlavor",
            tag: "sites",
            summary: "(Public) Filter and list flavors.",
            description: "Use this method to get a list of flavors based on a general search\nof terms in the 'name' or 'description' fields.",
        },
        create: OperationDoc {
            id: "AddFlavor",
            tag: "sites",
            summary: "(Users) Upload a new flavor.",
            description: "Use this method to create a new flavors in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated flavor (if succeeds).",
        },
        get: OperationDoc {
            id: "GetFlavor",
            tag: "flavors",
            summary: "(Public) Retrieve flavor details.",
            description: "Use this method to retrieve a specific flavor from the database.",
        },
        update: OperationDoc {
            id: "UpdateFlavor",
            tag: "flavors",
            summary: "(Admins) Update an existing flavor.",
            description: "Use this method to update a specific flavor from the database.",
        },
        delete: OperationDoc {
            id: "DeleteFlavor",
            tag: "flavors",
            summary: "(Admins) Delete an existing flavor.",
            description: "Use this method to delete a specific flavor from the database.",
        },
        approve: OperationDoc {
            id: "ApproveFlavor",
            tag: "flavors",
            summary: "(Admins) Approve a flavor to include it on default list methods.",
            description: "Use this method to approve an specific flavor submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
        },
        reject: OperationDoc {
            id: "RejectFlavor",
            tag: "flavors",
            summary: "(Admins) Rejects a flavor to safe delete it.",
            description: "Use this method instead of DELETE as it raises 422 in case the\nresource was already approved.",
        },
    };

    /// Within the site of the path.
    fn filter(IdPath(site_id): IdPath<Site>, q: &Query) -> FlavorFilter {
        FlavorFilter { site_id, name: q.str("name") }
    }

    /// For the site of the path (pending sites take flavors too, Q20).
    fn new_item(IdPath(site_id): IdPath<Site>, body: &Map<String, Value>) -> NewFlavor {
        NewFlavor { site_id, draft: draft(body) }
    }

    /// Its site cannot change.
    fn draft(body: &Map<String, Value>) -> FlavorDraft {
        draft(body)
    }
}

fn draft(body: &Map<String, Value>) -> FlavorDraft {
    FlavorDraft {
        name: string(body, "name").unwrap_or_default(),
        description: string(body, "description"),
        spec: flavor_spec::patch(body),
    }
}

/// (Public) The site of a flavor.
#[api_v2_operation(
    operation_id = "GetFlavorSite",
    summary = "(Public) Retrieve flavor site details.",
    description = "Use this method to retrieve the site information from a\nspecific flavor in the database.",
    tags(flavors)
)]
pub async fn get_flavor_site(state: web::Data<AppState>, IdPath(id): IdPath<Flavor>) -> ApiResult<Reply> {
    Ok(Reply::ok(&SiteOut::from(state.catalog.flavor_site(id).await?)))
}

/// Registers `/flavors/{flavor_id}/site` (the flavor kind's own routes are registered with
/// the other moderated kinds').
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/flavors/{flavor_id}/site").route(web::get().to(get_flavor_site)));
}
