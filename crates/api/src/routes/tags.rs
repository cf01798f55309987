//! `/tags`: free labels for results.

use domain::tag::{Tag, TagDraft, TagFilter, TagSort};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    AppState,
    body::{BodySpec, Field, FieldKind, string},
    error::ApiResult,
    extract::{Auth, BodySchema, IdPath, JsonBody, QueryArgs, QuerySpec},
    params::{Kind, PAGE, PER_PAGE, Param, Query, SORT_NONE, TERMS},
    reply::Reply,
};

/// The Tag representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Tag")]
pub struct TagOut {
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// UUID resource unique identification
    #[openapi(example = "77e88a60-5d33-43d3-b802-27273278489e")]
    id: Uuid,
    /// String with short feature identification
    #[openapi(example = "python")]
    name: String,
}

impl From<Tag> for TagOut {
    fn from(t: Tag) -> Self {
        Self { id: t.id.uuid(), name: t.name, description: t.description }
    }
}

/// `GET /tags` parameters.
pub struct ListTagsQuery;
impl QuerySpec for ListTagsQuery {
    const PARAMS: &'static [Param] = &[
        PER_PAGE,
        PAGE,
        Param::opt("name", Kind::Str, "String with short feature identification"),
        Param::opt(
            "sort_by",
            Kind::Str,
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [name]",
        )
        .with_default("\"+name\""),
    ];
}

/// `GET /tags:search` parameters.
pub struct SearchTagQuery;
impl QuerySpec for SearchTagQuery {
    const PARAMS: &'static [Param] = &[TERMS, SORT_NONE, PER_PAGE, PAGE];
}

const TAG_FIELDS: &[Field] = &[
    Field { name: "name", kind: FieldKind::Str, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
];

/// `CreateTag` body.
pub struct CreateTagBody;
impl BodySchema for CreateTagBody {
    const SPEC: BodySpec = BodySpec { component: "CreateTag", fields: TAG_FIELDS, ignored: &[] };
}

/// `Tag` body of PUT (`id` accepted and ignored, Q8).
pub struct TagBody;
impl BodySchema for TagBody {
    const SPEC: BodySpec = BodySpec { component: "Tag", fields: TAG_FIELDS, ignored: &["id"] };
}

fn draft(body: &serde_json::Map<String, serde_json::Value>) -> TagDraft {
    TagDraft { name: string(body, "name").unwrap_or_default(), description: string(body, "description") }
}

async fn list(state: &AppState, q: Query) -> ApiResult<Reply> {
    let sort = q.sort::<TagSort>()?;
    let filter = TagFilter { name: q.str("name"), terms: q.strs("terms") };
    Ok(Reply::page(state.tags.list(&filter, &sort, q.page()).await?, TagOut::from))
}

/// (Public) Filter and list tags.
#[api_v2_operation(
    operation_id = "ListTags",
    summary = "(Public) Filter and list tags.",
    description = "Use this method to get a list of tags filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered tags (if succeeds).",
    tags(tags)
)]
pub async fn list_tags(state: web::Data<AppState>, query: QueryArgs<ListTagsQuery>) -> ApiResult<Reply> {
    list(&state, query.parse()?).await
}

/// (Public) Search tags.
#[api_v2_operation(
    operation_id = "SearchTag",
    summary = "(Public) Filters and list tags.",
    description = "Use this method to get a list of tags based on a general search of terms. The response returns a pagination object with the filtered tags (if succeeds).",
    tags(tags)
)]
pub async fn search_tag(state: web::Data<AppState>, query: QueryArgs<SearchTagQuery>) -> ApiResult<Reply> {
    list(&state, query.parse()?).await
}

/// (Users) Create a tag.
#[api_v2_operation(
    operation_id = "CreateTag",
    summary = "(Users) Upload a new tag.",
    description = "Use this method to create a new tags in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated tag (if succeeds).",
    tags(tags)
)]
pub async fn create_tag(
    state: web::Data<AppState>,
    auth: Auth,
    body: JsonBody<CreateTagBody>,
) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    let fields = body.fields()?;
    Ok(Reply::created(&TagOut::from(state.tags.create(&user, draft(&fields)).await?)))
}

/// (Public) One tag.
#[api_v2_operation(
    operation_id = "GetTag",
    summary = "(Public) Retrieve tag details.",
    description = "Use this method to retrieve a specific tag from the database.",
    tags(tags)
)]
pub async fn get_tag(state: web::Data<AppState>, IdPath(id): IdPath<Tag>) -> ApiResult<Reply> {
    Ok(Reply::ok(&TagOut::from(state.tags.get(id).await?)))
}

/// (Admins) Update a tag.
#[api_v2_operation(
    operation_id = "UpdateTag",
    summary = "(Admins) Update an existing tag.",
    description = "Use this method to update a specific tag from the database.",
    tags(tags)
)]
pub async fn update_tag(
    state: web::Data<AppState>,
    IdPath(id): IdPath<Tag>,
    auth: Auth,
    body: JsonBody<TagBody>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let fields = body.fields()?;
    state.tags.update(&admin, id, draft(&fields)).await?;
    Ok(Reply::no_content())
}

/// (Admins) Delete a tag.
#[api_v2_operation(
    operation_id = "DeleteTag",
    summary = "(Admins) Delete an existing tag.",
    description = "Use this method to delete a specific tag from the database.",
    tags(tags)
)]
pub async fn delete_tag(state: web::Data<AppState>, IdPath(id): IdPath<Tag>, auth: Auth) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    state.tags.delete(&admin, id).await?;
    Ok(Reply::no_content())
}

/// Registers the `/tags` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/tags").route(web::get().to(list_tags)).route(web::post().to(create_tag)))
        .service(web::resource("/tags:search").route(web::get().to(search_tag)))
        .service(
            web::resource("/tags/{tag_id}")
                .route(web::get().to(get_tag))
                .route(web::put().to(update_tag))
                .route(web::delete().to(delete_tag)),
        );
}
