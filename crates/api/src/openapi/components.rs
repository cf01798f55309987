//! The `components` of the served document. Every schema is derived from the Rust type the
//! server sends or the body type it documents (`#[derive(Apiv2Schema)]`), then written as
//! OpenAPI 3 by [`super::schema`]; this module lists the types, which of their members are
//! read-only, and the two things no type says: `Error.message` may be a text or an object,
//! and the shared responses and security scheme.
//!
//! The schemas describe what the server sends, which is where they differ from the original's
//! document: naive datetimes, page numbers and a claim's `resource_id` that may be absent, and
//! every error body shape (docs/compatibility.md).

use paperclip::{actix::Apiv2Schema, v2::schema::Apiv2Schema as Schema};
use serde_json::{Map, Value, json};

use super::schema::component;
use crate::{
    error::ErrorBody,
    flavor_spec::{GpusOut, PriceOut},
    reply::PageOut,
    routes::{
        bodies::{CreateBenchmarkIn, CreateClaimIn, CreateFlavorIn, CreateSiteIn, CreateTagIn, TagsIdsIn},
        claims::ClaimOut,
        dto::{BenchmarkOut, FlavorOut, SiteOut, SubmitOut},
        keys::{ApiKeyCreatedOut, ApiKeyOut, CreateApiKeyIn},
        results::{GroupOut, RankingEntryOut, RankingOut, ResultOut, ResultsCreatedOut, StatsOut},
        tags::TagOut,
        users::UserOut,
    },
    wire::JsonDocument,
};

/// Members the server sets on every moderated resource: ignored when a client sends them.
const RESOURCE: &[&str] = &["id", "upload_datetime"];

/// Members of the pagination envelope computed by the server.
const PAGE: &[&str] = &["has_next", "has_prev", "next_num", "pages", "prev_num", "total"];

/// Flask-smorest's pagination header metadata. The original's document declares this schema
/// although neither it nor this server sends it (page numbers travel in the body, contract
/// §2.9); it stays so that the component names are the original's.
#[derive(Apiv2Schema)]
#[openapi(rename = "PaginationMetadata")]
pub struct PaginationMetadata {
    /// Number of the first page
    pub first_page: Option<u64>,
    /// Number of the last page
    pub last_page: Option<u64>,
    /// Number of the next page
    pub next_page: Option<u64>,
    /// Number of this page
    pub page: Option<u64>,
    /// Number of the previous page
    pub previous_page: Option<u64>,
    /// Number of items in all pages
    pub total: Option<u64>,
    /// Number of pages
    pub total_pages: Option<u64>,
}

/// `components`: schemas, the shared error responses and the bearer security scheme.
pub fn components() -> Value {
    json!({
        "responses": {
            "DEFAULT_ERROR": error_response("Default error response"),
            "UNPROCESSABLE_ENTITY": error_response("Unprocessable Entity"),
        },
        "schemas": schemas(),
        "securitySchemes": {"bearerAuth": {"bearerFormat": "JWT", "scheme": "bearer", "type": "http"}},
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        "description": description,
    })
}

/// Every component schema by name.
pub fn schemas() -> Map<String, Value> {
    let mut out = Map::new();
    resource::<BenchmarkOut>(&mut out, RESOURCE);
    resource::<ClaimOut>(&mut out, &["id", "resource_id", "upload_datetime", "uploader"]);
    resource::<FlavorOut>(&mut out, RESOURCE);
    resource::<ResultOut>(&mut out, RESOURCE);
    resource::<SiteOut>(&mut out, RESOURCE);
    resource::<SubmitOut>(&mut out, &["upload_datetime", "uploader"]);
    resource::<TagOut>(&mut out, &["id"]);
    resource::<UserOut>(&mut out, &[]);
    add::<CreateBenchmarkIn>(&mut out, &[]);
    add::<CreateClaimIn>(&mut out, &[]);
    add::<CreateFlavorIn>(&mut out, &[]);
    add::<CreateSiteIn>(&mut out, &[]);
    add::<CreateTagIn>(&mut out, &[]);
    add::<TagsIdsIn>(&mut out, &[]);
    add::<JsonDocument>(&mut out, &[]);
    add::<ResultsCreatedOut>(&mut out, &[]);
    batch_body(&mut out);
    add::<PaginationMetadata>(&mut out, &[]);
    let key = add::<ApiKeyOut>(&mut out, &["created_at", "id", "last_used"]);
    out.insert(
        format!("{key}s"),
        json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{key}")}}),
    );
    add::<ApiKeyCreatedOut>(&mut out, &["created_at", "id", "secret"]);
    add::<CreateApiKeyIn>(&mut out, &[]);
    add::<StatsOut>(&mut out, &[]);
    add::<GroupOut>(&mut out, &[]);
    add::<RankingOut>(&mut out, &[]);
    add::<RankingEntryOut>(&mut out, &[]);
    add::<GpusOut>(&mut out, &[]);
    add::<PriceOut>(&mut out, &[]);
    out.insert("Error".into(), error());
    out
}

/// `ResultsBatch` and `ResultsBatchItem`: the body of `POST /results:batch`, whose items take
/// what `POST /results` takes in its query and body.
fn batch_body(out: &mut Map<String, Value>) {
    let uuid = |description: &str| json!({"type": "string", "format": "uuid", "description": description});
    out.insert(
        "ResultsBatchItem".into(),
        json!({
            "type": "object",
            "required": ["benchmark_id", "execution_datetime", "flavor_id", "json"],
            "properties": {
                "benchmark_id": uuid("UUID benchmark unique identification"),
                "execution_datetime": {
                    "type": "string",
                    "description": "START execution datetime and timezone of the result (ISO8601)",
                    "example": "2021-09-08T20:37:10.192459+02:00",
                },
                "flavor_id": uuid("UUID flavor unique identification"),
                "json": {"$ref": "#/components/schemas/Json"},
                "tags_ids": {"type": "array", "items": uuid("UUID tag unique identification")},
            },
        }),
    );
    out.insert(
        "ResultsBatch".into(),
        json!({
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": domain::service::MAX_BATCH_ITEMS,
                    "description": "The results to store, all or none",
                    "items": {"$ref": "#/components/schemas/ResultsBatchItem"},
                },
            },
        }),
    );
}

/// A representation `T` and its pagination envelope, `<T>s`.
fn resource<T: Schema>(out: &mut Map<String, Value>, read_only: &[&str]) {
    let name = add::<T>(out, read_only);
    out.insert(format!("{name}s"), component(&PageOut::<T>::raw_schema(), PAGE));
}

/// The component of `T`, under `T`'s schema name (returned).
fn add<T: Schema>(out: &mut Map<String, Value>, read_only: &[&str]) -> String {
    let name = T::name().unwrap_or_default();
    out.insert(name.clone(), component(&T::raw_schema(), read_only));
    name
}

/// `Error`: derived from [`ErrorBody`], described by the first paragraph of its doc comment,
/// and with `message` as text or object (paperclip's schema model has no `anyOf`).
fn error() -> Value {
    let mut schema = component(&ErrorBody::raw_schema(), &[]);
    schema["description"] = json!(first_paragraph(ErrorBody::description()));
    let message = &mut schema["properties"]["message"];
    let description = message["description"].take();
    *message = json!({
        "anyOf": [{"type": "string"}, {"additionalProperties": {}, "type": "object"}],
        "description": description,
    });
    schema
}

/// The first paragraph of a doc comment, its lines joined by spaces.
fn first_paragraph(doc: &str) -> String {
    doc.lines().map(str::trim).take_while(|line| !line.is_empty()).collect::<Vec<_>>().join(" ")
}
