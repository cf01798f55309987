//! Representations shared by several resources (contract §3). Optional fields are left out
//! when null; datetimes are naive UTC. Each derives its OpenAPI component schema (named by
//! `#[openapi(rename)]`; field doc comments are the published descriptions).

use domain::{benchmark::Benchmark, flavor::Flavor, mail::ItemKind, site::Site, submit::Submit};
use paperclip::actix::Apiv2Schema;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    flavor_spec::{GpusOut, PriceOut, SpecOut},
    reply::datetime,
    routes::users::UserOut,
    wire::{BenchmarkJsonSchema, NaiveUtc},
};

/// The Benchmark representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Benchmark")]
pub struct BenchmarkOut {
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// String with a docker hub container name
    #[openapi(example = "deephdc/deep-oc-benchmarks_cnn")]
    docker_image: String,
    /// String with a docker hub container tag
    #[openapi(example = "1.0.2-gpu")]
    docker_tag: String,
    /// UUID resource unique identification
    #[openapi(example = "77e88a60-5d33-43d3-b802-27273278489e")]
    id: Uuid,
    json_schema: BenchmarkJsonSchema,
    /// Upload datetime of the referred resource (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    upload_datetime: NaiveUtc,
    /// String with a docker hub container tag
    #[openapi(example = "https://hub.docker.com/r/deephdc/deep-oc-benchmarks_cnn")]
    url: String,
}

impl From<Benchmark> for BenchmarkOut {
    fn from(b: Benchmark) -> Self {
        Self {
            id: b.id.uuid(),
            upload_datetime: datetime(&b.upload_datetime),
            docker_image: b.docker_image,
            docker_tag: b.docker_tag,
            url: b.url,
            json_schema: BenchmarkJsonSchema(b.json_schema),
            description: b.description,
        }
    }
}

/// The Site representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Site")]
pub struct SiteOut {
    /// String with place where a site is located
    #[openapi(example = "76131 Karlsruhe, Germany")]
    address: String,
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// UUID resource unique identification
    #[openapi(example = "77e88a60-5d33-43d3-b802-27273278489e")]
    id: Uuid,
    /// String with human readable institution identification
    #[openapi(example = "Karlsruhe Institute of Technology")]
    name: String,
    /// Upload datetime of the referred resource (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    upload_datetime: NaiveUtc,
}

impl From<Site> for SiteOut {
    fn from(s: Site) -> Self {
        Self {
            id: s.id.uuid(),
            upload_datetime: datetime(&s.upload_datetime),
            name: s.name,
            address: s.address,
            description: s.description,
        }
    }
}

/// The Flavor representation (no site: see `GET /flavors/{id}/site`). The spec members
/// (issue 11) are absent when unset; on `PUT` an absent member keeps its value and `null`
/// removes it.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Flavor")]
pub struct FlavorOut {
    /// CPU architecture, for example x86_64 or aarch64 (1 to 100 characters)
    #[openapi(example = "x86_64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    architecture: Option<String>,
    /// String with an statement about the object
    #[openapi(example = "This is a simple description example")]
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// Disk size in GiB (above 0)
    #[openapi(example = "100")]
    #[serde(skip_serializing_if = "Option::is_none")]
    disk_gib: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gpus: Option<GpusOut>,
    /// UUID resource unique identification
    #[openapi(example = "77e88a60-5d33-43d3-b802-27273278489e")]
    id: Uuid,
    /// Memory size in GiB (above 0)
    #[openapi(example = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_gib: Option<f64>,
    /// String with virtual hardware template identification
    #[openapi(example = "c6g.medium")]
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<PriceOut>,
    /// Region of the site the flavor runs in (1 to 100 characters)
    #[openapi(example = "eu-central")]
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    /// Upload datetime of the referred resource (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    upload_datetime: NaiveUtc,
    /// Number of virtual CPUs (at least 1)
    #[openapi(example = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    vcpus: Option<u32>,
}

impl From<Flavor> for FlavorOut {
    fn from(f: Flavor) -> Self {
        let SpecOut { vcpus, memory_gib, gpus, architecture, disk_gib, region, price } =
            SpecOut::from(f.spec);
        Self {
            id: f.id.uuid(),
            upload_datetime: datetime(&f.upload_datetime),
            name: f.name,
            description: f.description,
            architecture,
            disk_gib,
            gpus,
            memory_gib,
            price,
            region,
            vcpus,
        }
    }
}

/// The Submit representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Submit")]
pub struct SubmitOut {
    /// UUID resource unique identification
    #[openapi(example = "b491d3ee-064d-48a2-9547-0c4c636466db")]
    resource_id: Uuid,
    /// Resource type discriminator
    #[openapi(example = "benchmark")]
    resource_type: SubmitType,
    /// Upload datetime of the referred resource (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-08T20:37:10.192459")]
    upload_datetime: NaiveUtc,
    uploader: UserOut,
}

/// What a submit is about (`resource_type`), in the original's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Apiv2Schema)]
#[serde(rename_all = "lowercase")]
pub enum SubmitType {
    /// A benchmark.
    Benchmark,
    /// A claim on a result.
    Claim,
    /// A site.
    Site,
    /// A flavor.
    Flavor,
}

impl From<ItemKind> for SubmitType {
    fn from(kind: ItemKind) -> Self {
        match kind {
            ItemKind::Benchmark => SubmitType::Benchmark,
            ItemKind::Claim => SubmitType::Claim,
            ItemKind::Site => SubmitType::Site,
            ItemKind::Flavor => SubmitType::Flavor,
        }
    }
}

impl From<Submit> for SubmitOut {
    fn from(s: Submit) -> Self {
        Self {
            resource_type: s.resource_type.into(),
            resource_id: s.resource_id,
            upload_datetime: datetime(&s.upload_datetime),
            uploader: UserOut::from(s.uploader),
        }
    }
}
