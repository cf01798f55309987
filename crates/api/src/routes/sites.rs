//! `/sites`, and the query and body of the flavors under a site (their routes are the flavor
//! kind's, see `flavors`).

use domain::site::{Site, SiteDraft, SiteFilter};
use serde_json::{Map, Value};

use crate::{
    body::{BodySpec, Field, FieldKind, string},
    extract::BodySchema,
    params::{Kind, Param, Query, sort_by},
    routes::{
        dto::SiteOut,
        flavors::FLAVOR_FIELDS,
        moderated::{
            KindDocs, ModeratedRoutes, NoParent, OperationDoc, moderated_bodies, moderated_list_query,
        },
    },
};

moderated_list_query!(
    /// `GET /sites` parameters.
    ListSitesQuery: [
        Param::opt("name", Kind::Str, "String with human readable institution identification"),
        Param::opt("address", Kind::Str, "String with place where a site is located"),
        sort_by(
            "\"+name\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [name,address]",
        ),
    ]
);

moderated_list_query!(
    /// `GET /sites/{id}/flavors` parameters.
    ListFlavorsQuery: [
        Param::opt("name", Kind::Str, "String with virtual hardware template identification"),
        sort_by(
            "\"+name\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [name]",
        ),
    ]
);

const SITE_FIELDS: &[Field] = &[
    Field { name: "name", kind: FieldKind::Str, required: true },
    Field { name: "address", kind: FieldKind::Str, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
];

moderated_bodies!(CreateSiteBody = "CreateSite", SiteBody = "Site", SITE_FIELDS);

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

/// The `/sites` routes.
pub struct SiteRoutes;

impl ModeratedRoutes for SiteRoutes {
    type Item = Site;
    type Out = SiteOut;
    type Parent = NoParent;
    type ListQuery = ListSitesQuery;
    type CreateBody = CreateSiteBody;
    type UpdateBody = SiteBody;

    const COLLECTION: &'static str = "/sites";
    const ITEM: &'static str = "/sites/{site_id}";
    const STRICT_QUERY: bool = false;
    const DOCS: KindDocs = KindDocs {
        list: OperationDoc {
            id: "ListSites",
            tag: "sites",
            summary: "(Public) Filter and list sites.",
            description: "Use this method to get a list of sites filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered sites (if succeeds).",
        },
        search: OperationDoc {
            id: "SearchSites",
            tag: "sites",
            summary: "(Public) Filter and list sites.",
            description: "Use this method to get a list of sites based on a general search\nof terms in the 'name', 'address' or 'description' fields.",
        },
        create: OperationDoc {
            id: "CreateSite",
            tag: "sites",
            summary: "(Users) Upload a new site.",
            description: "Use this method to create a new site in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated site (if succeeds).",
        },
        get: OperationDoc {
            id: "GetSite",
            tag: "sites",
            summary: "(Public) Retrieve site details.",
            description: "Use this method to retrieve a specific site from the database.",
        },
        update: OperationDoc {
            id: "UpdateSite",
            tag: "sites",
            summary: "(Admins) Update an existing site.",
            description: "Use this method to update a specific site from the database.",
        },
        delete: OperationDoc {
            id: "DeleteSite",
            tag: "sites",
            summary: "(Admins) Delete an existing site.",
            description: "Use this method to delete a specific site from the database.",
        },
        approve: OperationDoc {
            id: "ApproveSite",
            tag: "sites",
            summary: "(Admins) Approve a site to include it on default list methods.",
            description: "Use this method to approve an specific site submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
        },
        reject: OperationDoc {
            id: "RejectSite",
            tag: "sites",
            summary: "(Admins) Rejects a site to safe delete it.",
            description: "Use this method instead of DELETE as it raises 422 in case the\nresource was already approved.",
        },
    };

    fn filter(_: NoParent, q: &Query) -> SiteFilter {
        SiteFilter { name: q.str("name"), address: q.str("address") }
    }

    fn new_item(_: NoParent, body: &Map<String, Value>) -> SiteDraft {
        site_draft(body)
    }

    fn draft(body: &Map<String, Value>) -> SiteDraft {
        site_draft(body)
    }
}
