//! The request bodies of the create operations, as types: each derives its OpenAPI component
//! (`CreateSite`, ...); field doc comments are the published descriptions. Update operations
//! take the resource's representation (`Site`, ...), whose read-only fields are accepted and
//! ignored.
//!
//! The handlers validate a body field by field against its [`crate::body::BodySpec`], which
//! gives the original's marshmallow messages; a unit test (`openapi::tests`) checks that every
//! spec declares exactly the fields, types and required fields of the component it names.

use paperclip::actix::Apiv2Schema;
use uuid::Uuid;

use crate::{
    flavor_spec::{GpusOut, PriceOut},
    wire::BenchmarkJsonSchema,
};

/// The body of `POST /benchmarks`.
#[derive(Apiv2Schema)]
#[openapi(rename = "CreateBenchmark")]
pub struct CreateBenchmarkIn {
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    pub description: Option<String>,
    /// String with a docker hub container name
    #[openapi(example = "deephdc/deep-oc-benchmarks_cnn")]
    pub docker_image: String,
    /// String with a docker hub container tag
    #[openapi(example = "1.0.2-gpu")]
    pub docker_tag: String,
    /// JSON Schema that every result of the benchmark must match
    pub json_schema: BenchmarkJsonSchema,
    /// String with a docker hub container tag
    #[openapi(example = "https://hub.docker.com/r/deephdc/deep-oc-benchmarks_cnn")]
    pub url: String,
}

/// The body of `POST /results/{result_id}:claim`.
#[derive(Apiv2Schema)]
#[openapi(rename = "CreateClaim")]
pub struct CreateClaimIn {
    /// Why the result is claimed
    #[openapi(example = "The resource uses negative time")]
    pub message: String,
}

/// The body of `POST /sites/{site_id}/flavors`. The spec members (issue 11) are optional;
/// `null` leaves a member unset.
#[derive(Apiv2Schema)]
#[openapi(rename = "CreateFlavor")]
pub struct CreateFlavorIn {
    /// CPU architecture, for example x86_64 or aarch64 (1 to 100 characters)
    #[openapi(example = "x86_64")]
    pub architecture: Option<String>,
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    pub description: Option<String>,
    /// Disk size in GiB (above 0)
    #[openapi(example = "100")]
    pub disk_gib: Option<f64>,
    pub gpus: Option<GpusOut>,
    /// Memory size in GiB (above 0)
    #[openapi(example = "16")]
    pub memory_gib: Option<f64>,
    /// String with virtual hardware template identification
    #[openapi(example = "c6g.medium")]
    pub name: String,
    pub price: Option<PriceOut>,
    /// Region of the site the flavor runs in (1 to 100 characters)
    #[openapi(example = "eu-central")]
    pub region: Option<String>,
    /// Number of virtual CPUs (at least 1)
    #[openapi(example = "4")]
    pub vcpus: Option<u32>,
}

/// The body of `POST /sites`.
#[derive(Apiv2Schema)]
#[openapi(rename = "CreateSite")]
pub struct CreateSiteIn {
    /// String with place where a site is located
    #[openapi(example = "76131 Karlsruhe, Germany")]
    pub address: String,
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    pub description: Option<String>,
    /// String with human readable institution identification
    #[openapi(example = "Karlsruhe Institute of Technology")]
    pub name: String,
}

/// The body of `POST /tags`.
#[derive(Apiv2Schema)]
#[openapi(rename = "CreateTag")]
pub struct CreateTagIn {
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    pub description: Option<String>,
    /// String with short feature identification
    #[openapi(example = "python")]
    pub name: String,
}

/// The body of `PUT /results/{result_id}/tags`.
#[derive(Apiv2Schema)]
#[openapi(rename = "TagsIds")]
pub struct TagsIdsIn {
    /// UUIDs of the tags the result gets instead of its current ones
    pub tags_ids: Option<Vec<Uuid>>,
}
