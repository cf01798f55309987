//! The routes of the moderated catalog, written once for every kind: list, search, submit,
//! read, update, delete, approve and reject. An implementation of [`ModeratedRoutes`] says how
//! a kind's routes differ (paths, query and body schemas, representation, OpenAPI texts);
//! `routes::configure` registers every kind from its table.

use std::{collections::BTreeMap, future::Future, marker::PhantomData};

use actix_web::FromRequest;
use domain::{moderated::Moderated, service::Decision};
use paperclip::{
    actix::{OperationModifier, ResponseWrapper, web},
    v2::{
        models::{DefaultOperationRaw, DefaultSchemaRaw, SecurityScheme},
        schema::Apiv2Operation,
    },
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    AppState,
    error::ApiResult,
    extract::{Auth, BodySchema, IdPath, JsonBody, QueryArgs, QuerySpec},
    params::{
        PAGE, PER_PAGE, Param, Query, SORT_NONE, STATUS, TERMS, UPLOAD_AFTER, UPLOAD_BEFORE, list_params,
    },
    reply::Reply,
    routes::NoQuery,
};

/// `GET /…:search` parameters of every moderated kind.
pub struct SearchModeratedQuery;
impl QuerySpec for SearchModeratedQuery {
    const PARAMS: &'static [Param] = &[TERMS, SORT_NONE, STATUS, UPLOAD_BEFORE, UPLOAD_AFTER, PER_PAGE, PAGE];
}

/// An operation's entry in the OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct OperationDoc {
    /// `operationId`.
    pub id: &'static str,
    /// Its tag.
    pub tag: &'static str,
    /// `summary`.
    pub summary: &'static str,
    /// `description`.
    pub description: &'static str,
}

/// The OpenAPI entries of a kind's eight operations.
#[derive(Debug, Clone, Copy)]
pub struct KindDocs {
    /// `GET` the collection.
    pub list: OperationDoc,
    /// `GET` the collection`:search`.
    pub search: OperationDoc,
    /// `POST` the collection.
    pub create: OperationDoc,
    /// `GET` an item.
    pub get: OperationDoc,
    /// `PUT` an item.
    pub update: OperationDoc,
    /// `DELETE` an item.
    pub delete: OperationDoc,
    /// `POST` an item`:approve`.
    pub approve: OperationDoc,
    /// `POST` an item`:reject`.
    pub reject: OperationDoc,
}

/// How the routes of one moderated kind differ.
pub trait ModeratedRoutes: 'static {
    /// The domain's item.
    type Item: Moderated;
    /// Its representation.
    type Out: Serialize + From<Self::Item>;
    /// What the collection's path names besides the kind: nothing ([`NoParent`]) or the item
    /// it belongs to ([`IdPath`]: a flavor's site).
    type Parent: FromRequest + OperationModifier + 'static;
    /// The list's parameters (the search's are [`SearchModeratedQuery`]).
    type ListQuery: QuerySpec + 'static;
    /// The body of a submission.
    type CreateBody: BodySchema + 'static;
    /// The body of an update.
    type UpdateBody: BodySchema + 'static;

    /// The collection's path, e.g. `/sites` or `/sites/{site_id}/flavors`.
    const COLLECTION: &'static str;
    /// An item's path, e.g. `/sites/{site_id}`.
    const ITEM: &'static str;
    /// Whether reading an item and the admin actions on it refuse query parameters.
    const STRICT_QUERY: bool;
    /// The OpenAPI entries.
    const DOCS: KindDocs;

    /// The list's exact filters.
    fn filter(parent: Self::Parent, query: &Query) -> <Self::Item as Moderated>::Filter;
    /// A submission from its validated body.
    fn new_item(parent: Self::Parent, body: &Map<String, Value>) -> <Self::Item as Moderated>::New;
    /// An update from its validated body.
    fn draft(body: &Map<String, Value>) -> <Self::Item as Moderated>::Draft;
}

/// The parent of a top-level collection: nothing.
pub struct NoParent;

impl FromRequest for NoParent {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(_: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(NoParent))
    }
}

impl paperclip::v2::schema::Apiv2Schema for NoParent {}
impl OperationModifier for NoParent {}

/// The operations, as the `OP` of [`Documented`].
mod op {
    /// [`super::list`]
    pub const LIST: usize = 0;
    /// [`super::search`]
    pub const SEARCH: usize = 1;
    /// [`super::create`]
    pub const CREATE: usize = 2;
    /// [`super::get`]
    pub const GET: usize = 3;
    /// [`super::update`]
    pub const UPDATE: usize = 4;
    /// [`super::act`] deleting.
    pub const DELETE: usize = 5;
    /// [`super::act`] approving.
    pub const APPROVE: usize = 6;
    /// [`super::act`] rejecting.
    pub const REJECT: usize = 7;
}

/// The OpenAPI operation `OP` of the kind `K`: what `#[api_v2_operation]` writes for a
/// handler of one kind, here from the kind's table.
pub struct Documented<K, const OP: usize>(PhantomData<K>);

impl<K: ModeratedRoutes, const OP: usize> Apiv2Operation for Documented<K, OP> {
    fn operation() -> DefaultOperationRaw {
        let docs = K::DOCS;
        let doc = [
            docs.list,
            docs.search,
            docs.create,
            docs.get,
            docs.update,
            docs.delete,
            docs.approve,
            docs.reject,
        ][OP];
        let mut operation = DefaultOperationRaw {
            operation_id: Some(doc.id.to_owned()),
            summary: Some(doc.summary.to_owned()),
            description: Some(doc.description.to_owned()),
            tags: vec![doc.tag.to_owned()],
            ..DefaultOperationRaw::default()
        };
        match OP {
            op::LIST => QueryArgs::<K::ListQuery>::update_parameter(&mut operation),
            op::SEARCH => QueryArgs::<SearchModeratedQuery>::update_parameter(&mut operation),
            op::CREATE => JsonBody::<K::CreateBody>::update_parameter(&mut operation),
            op::UPDATE => JsonBody::<K::UpdateBody>::update_parameter(&mut operation),
            _ => {}
        }
        ApiResult::<Reply>::update_response(&mut operation);
        operation
    }

    fn security_definitions() -> BTreeMap<String, SecurityScheme> {
        BTreeMap::new()
    }

    fn definitions() -> BTreeMap<String, DefaultSchemaRaw> {
        BTreeMap::new()
    }
}

/// A handler's answer with its OpenAPI operation.
type Handled<K, const OP: usize, F> = ResponseWrapper<F, Documented<K, OP>>;

fn documented<K, const OP: usize, F>(answer: F) -> Handled<K, OP, F>
where
    F: Future<Output = ApiResult<Reply>>,
{
    ResponseWrapper { responder: answer, operations: Documented(PhantomData) }
}

async fn list_page<K: ModeratedRoutes>(state: &AppState, parent: K::Parent, q: Query) -> ApiResult<Reply> {
    let params = list_params(&q)?;
    let filter = K::filter(parent, &q);
    Ok(Reply::page(state.catalog.list::<K::Item>(&filter, &params).await?, K::Out::from))
}

/// `GET` the collection: a filtered page.
pub fn list<K: ModeratedRoutes>(
    state: web::Data<AppState>,
    parent: K::Parent,
    query: QueryArgs<K::ListQuery>,
) -> Handled<K, { op::LIST }, impl Future<Output = ApiResult<Reply>>> {
    documented(async move { list_page::<K>(&state, parent, query.parse()?).await })
}

/// `GET` the collection`:search`: a page of the items matching the terms.
pub fn search<K: ModeratedRoutes>(
    state: web::Data<AppState>,
    parent: K::Parent,
    query: QueryArgs<SearchModeratedQuery>,
) -> Handled<K, { op::SEARCH }, impl Future<Output = ApiResult<Reply>>> {
    documented(async move { list_page::<K>(&state, parent, query.parse()?).await })
}

/// `POST` the collection: a submission.
pub fn create<K: ModeratedRoutes>(
    state: web::Data<AppState>,
    parent: K::Parent,
    auth: Auth,
    body: JsonBody<K::CreateBody>,
) -> Handled<K, { op::CREATE }, impl Future<Output = ApiResult<Reply>>> {
    documented(async move {
        let user = auth.user(&state).await?;
        let fields = body.fields()?;
        let item = state.catalog.create::<K::Item>(&user, K::new_item(parent, &fields)).await?;
        Ok(Reply::created(&K::Out::from(item)))
    })
}

/// `GET` an item, in any status.
pub fn get<K: ModeratedRoutes>(
    state: web::Data<AppState>,
    IdPath(id): IdPath<K::Item>,
    query: QueryArgs<NoQuery>,
) -> Handled<K, { op::GET }, impl Future<Output = ApiResult<Reply>>> {
    documented(async move {
        if K::STRICT_QUERY {
            query.parse()?;
        }
        Ok(Reply::ok(&K::Out::from(state.catalog.get::<K::Item>(id).await?)))
    })
}

/// `PUT` an item (admins).
pub fn update<K: ModeratedRoutes>(
    state: web::Data<AppState>,
    IdPath(id): IdPath<K::Item>,
    auth: Auth,
    body: JsonBody<K::UpdateBody>,
) -> Handled<K, { op::UPDATE }, impl Future<Output = ApiResult<Reply>>> {
    documented(async move {
        let admin = auth.admin(&state).await?;
        let fields = body.fields()?;
        state.catalog.update::<K::Item>(&admin, id, K::draft(&fields)).await?;
        Ok(Reply::no_content())
    })
}

/// `DELETE` an item (any status, with what depends on it), `POST` an item`:approve` or
/// `…:reject` (admins): the operation `OP`.
pub fn act<K: ModeratedRoutes, const OP: usize>(
    state: web::Data<AppState>,
    IdPath(id): IdPath<K::Item>,
    auth: Auth,
    query: QueryArgs<NoQuery>,
) -> Handled<K, OP, impl Future<Output = ApiResult<Reply>>> {
    documented(async move {
        let admin = auth.admin(&state).await?;
        if K::STRICT_QUERY {
            query.parse()?;
        }
        let catalog = &state.catalog;
        match OP {
            op::APPROVE => catalog.decide::<K::Item>(&admin, id, Decision::Approve).await?,
            op::REJECT => catalog.decide::<K::Item>(&admin, id, Decision::Reject).await?,
            _ => catalog.delete::<K::Item>(&admin, id).await?,
        }
        Ok(Reply::no_content())
    })
}

/// Registers the routes of the kind `K`: custom methods (`…:search`, `…:approve`) before the
/// plain paths that would otherwise swallow them.
pub fn configure<K: ModeratedRoutes>(cfg: &mut web::ServiceConfig) {
    let (collection, item) = (K::COLLECTION, K::ITEM);
    cfg.service(web::resource(collection).route(web::get().to(list::<K>)).route(web::post().to(create::<K>)))
        .service(web::resource(&format!("{collection}:search")).route(web::get().to(search::<K>)))
        .service(web::resource(&format!("{item}:approve")).route(web::post().to(act::<K, { op::APPROVE }>)))
        .service(web::resource(&format!("{item}:reject")).route(web::post().to(act::<K, { op::REJECT }>)))
        .service(
            web::resource(item)
                .route(web::get().to(get::<K>))
                .route(web::put().to(update::<K>))
                .route(web::delete().to(act::<K, { op::DELETE }>)),
        );
}

/// Declares the query of a moderated list (`$name`, a [`QuerySpec`]): the parameters every
/// such list has (status, upload dates, page), then the kind's own, in the documented order.
macro_rules! moderated_list_query {
    ($(#[$doc:meta])* $name:ident: [$($param:expr),+ $(,)?]) => {
        $(#[$doc])*
        pub struct $name;
        impl $crate::extract::QuerySpec for $name {
            const PARAMS: &'static [$crate::params::Param] = &[
                $crate::params::STATUS,
                $crate::params::UPLOAD_BEFORE,
                $crate::params::UPLOAD_AFTER,
                $crate::params::PER_PAGE,
                $crate::params::PAGE,
                $($param),+
            ];
        }
    };
}
pub(crate) use moderated_list_query;

/// Declares the create body `$create` (component `$create_component`) and the PUT body
/// `$update` (component `$update_component`) of a moderated kind, both of `$fields`; PUT
/// accepts and ignores the read-only `id` and `upload_datetime` (Q8).
macro_rules! moderated_bodies {
    ($create:ident = $create_component:literal, $update:ident = $update_component:literal, $fields:expr) => {
        #[doc = concat!("`", $create_component, "` body.")]
        pub struct $create;
        impl $crate::extract::BodySchema for $create {
            const SPEC: $crate::body::BodySpec =
                $crate::body::BodySpec { component: $create_component, fields: $fields, ignored: &[] };
        }

        #[doc = concat!("`", $update_component, "` body of PUT (read-only fields accepted and ignored, Q8).")]
        pub struct $update;
        impl $crate::extract::BodySchema for $update {
            const SPEC: $crate::body::BodySpec = $crate::body::BodySpec {
                component: $update_component,
                fields: $fields,
                ignored: &["id", "upload_datetime"],
            };
        }
    };
}
pub(crate) use moderated_bodies;
