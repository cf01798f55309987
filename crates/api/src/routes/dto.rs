//! Representations shared by several resources (contract §3). Optional fields are left out
//! when null; datetimes are naive UTC.

use domain::{benchmark::Benchmark, flavor::Flavor, site::Site, submit::Submit};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{reply::datetime, routes::users::UserOut};

/// The Benchmark representation.
#[derive(Serialize)]
pub struct BenchmarkOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    docker_image: String,
    docker_tag: String,
    id: Uuid,
    json_schema: Value,
    upload_datetime: String,
    url: String,
}

impl From<Benchmark> for BenchmarkOut {
    fn from(b: Benchmark) -> Self {
        Self {
            id: b.id,
            upload_datetime: datetime(&b.upload_datetime),
            docker_image: b.docker_image,
            docker_tag: b.docker_tag,
            url: b.url,
            json_schema: b.json_schema,
            description: b.description,
        }
    }
}

/// The Site representation.
#[derive(Serialize)]
pub struct SiteOut {
    address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    id: Uuid,
    name: String,
    upload_datetime: String,
}

impl From<Site> for SiteOut {
    fn from(s: Site) -> Self {
        Self {
            id: s.id,
            upload_datetime: datetime(&s.upload_datetime),
            name: s.name,
            address: s.address,
            description: s.description,
        }
    }
}

/// The Flavor representation (no site: see `GET /flavors/{id}/site`).
#[derive(Serialize)]
pub struct FlavorOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    id: Uuid,
    name: String,
    upload_datetime: String,
}

impl From<Flavor> for FlavorOut {
    fn from(f: Flavor) -> Self {
        Self {
            id: f.id,
            upload_datetime: datetime(&f.upload_datetime),
            name: f.name,
            description: f.description,
        }
    }
}

/// The Submit representation.
#[derive(Serialize)]
pub struct SubmitOut {
    resource_id: Uuid,
    resource_type: &'static str,
    upload_datetime: String,
    uploader: UserOut,
}

impl From<Submit> for SubmitOut {
    fn from(s: Submit) -> Self {
        Self {
            resource_type: s.resource_type.as_str(),
            resource_id: s.resource_id,
            upload_datetime: datetime(&s.upload_datetime),
            uploader: UserOut::from(s.uploader),
        }
    }
}
