//! The demo's results: a fixed pseudo-random sequence of c-ray and CNN runs over two years,
//! shaped by each flavor's size, with their tag links.

use chrono::{DateTime, Duration, Utc};
use infra::entity::{benchmark, flavor, result, result_tag, tag};
use serde_json::{Value, json};
use uuid::Uuid;

use super::ISSUER;
use super::seed::{OTHERS, RESULTS, USER};

/// A fixed pseudo-random sequence (xorshift64*).
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The CNN benchmark's result schema (written for the demo).
pub(super) fn cnn_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["model", "batch_size", "images_per_second"],
        "properties": {
            "model": {"type": "string", "enum": ["resnet50", "vgg16", "mobilenet"]},
            "batch_size": {"type": "integer", "minimum": 1},
            "images_per_second": {"type": "number", "minimum": 0},
            "num_gpus": {"type": "integer", "minimum": 0}
        }
    })
}

/// [`RESULTS`] results over the last two years, most on c-ray, with their tag links.
pub(super) fn results(
    flavors: &[(flavor::Model, u32, u32)],
    c_ray: &benchmark::Model,
    cnn: &benchmark::Model,
    tags: &[tag::Model],
    now: DateTime<Utc>,
) -> (Vec<result::Model>, Vec<result_tag::Model>) {
    let mut seq = Sequence(0x9e37_79b9_7f4a_7c15);
    let tag_id = |name: &str| tags.iter().find(|t| t.name == name).map(|t| t.id);
    let uploaders = [USER.0, OTHERS[0].0, OTHERS[1].0];
    let span_minutes = 730 * 24 * 60;
    let (mut results, mut links) = (Vec::with_capacity(RESULTS), Vec::new());
    for i in 0..RESULTS {
        let (flavor, cpus, gpus) = &flavors[seq.below(flavors.len())];
        let executed = now
            - Duration::minutes(span_minutes - (i as i64) * span_minutes / RESULTS as i64)
            - Duration::minutes(30);
        let noise = 0.9 + 0.2 * seq.unit();
        let on_cnn = *gpus > 0 && seq.unit() < 0.7 || seq.unit() < 0.1;
        let (benchmark, json) = if on_cnn {
            let model = ["resnet50", "vgg16", "mobilenet"][seq.below(3)];
            let speed = if *gpus > 0 { 900.0 } else { 12.0 * f64::from(*cpus) } * noise;
            (
                cnn,
                json!({"model": model, "batch_size": 64, "images_per_second": (speed * 10.0).round() / 10.0,
                          "num_gpus": gpus}),
            )
        } else {
            let score = 1_800.0 / f64::from(*cpus) * noise;
            let runs: Vec<String> =
                (0..3).map(|_| format!("{:.2}", score * (0.98 + 0.04 * seq.unit()))).collect();
            (
                c_ray,
                json!({
                    "arguments": "Total Time - 4K, 16 Rays Per Pixel",
                    "machine": {"cpu": {"arch": "x86_64", "bits": 64, "count": cpus,
                                         "brand_raw": "AMD EPYC 7742 64-Core Processor", "vendor_id_raw": "AuthenticAMD"},
                                "memory": u64::from(*cpus) * 2 * 1_073_741_824_u64, "os": "Ubuntu 22.04"},
                    "result": {"score": (score * 100.0).round() / 100.0, "all_results": runs.join(":")},
                    "test": "pts/c-ray-1.2.0",
                    "units": "Seconds"
                }),
            )
        };
        let id = Uuid::new_v4();
        let mut names = vec![if *gpus > 0 { "gpu" } else { "cpu" }];
        if *cpus >= 8 && *gpus == 0 {
            names.push("hpc");
        }
        names.push(if seq.unit() < 0.8 { "nightly" } else { "manual" });
        links.extend(
            names.into_iter().filter_map(tag_id).map(|tag_id| result_tag::Model { result_id: id, tag_id }),
        );
        results.push(result::Model {
            id,
            execution_datetime: executed,
            json,
            benchmark_id: benchmark.id,
            site_id: flavor.site_id,
            flavor_id: flavor.id,
            deleted: false,
            deleted_by_admin: false,
            uploader_sub: uploaders[seq.below(uploaders.len())].into(),
            uploader_iss: ISSUER.into(),
            upload_datetime: executed + Duration::minutes(20),
        });
    }
    (results, links)
}
