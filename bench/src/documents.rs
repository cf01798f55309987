//! Realistic data: the c-ray benchmark of the original's documentation (its JSON Schema, about
//! 1.6 KB with `suggestToUser` annotations) and result documents shaped like the example
//! uploaded there, with machine details and scores varying per result; sites, flavors and tags
//! named like the production service's.

use serde_json::{Value, json};

/// The benchmark's image, as in the documentation's examples.
pub const IMAGE: &str = "thechristophe/openbench-c-ray";

/// The c-ray JSON Schema.
pub fn schema() -> Value {
    serde_json::from_str(include_str!("../data/c-ray.schema.json")).unwrap_or(Value::Null)
}

/// `POST /benchmarks` body.
pub fn benchmark() -> Value {
    json!({
        "docker_image": IMAGE,
        "docker_tag": "latest",
        "url": "https://github.com/EOSC-synergy/openbench-c-ray",
        "json_schema": schema(),
        "description": "Compare cpu perf with multithreaded raytracing",
    })
}

/// Sites: (name, address, description).
pub const SITES: [(&str, &str, &str); 4] = [
    ("CESNET-MCC", "unknown", "CESNET MetaCentrum Cloud, Czech Republic"),
    ("IFCA-LCG2", "ifca.es", "Instituto de Física de Cantabria, Santander"),
    ("CYFRONET-CLOUD", "cyfronet.pl", "ACC Cyfronet AGH, Kraków"),
    ("INFN-CATANIA-STACK", "ct.infn.it", "INFN Catania OpenStack"),
];

/// Flavors of every site: (name, description).
pub const FLAVORS: [(&str, &str); 3] = [
    ("hpc.8core-16ram", "8 cores, 16 GB RAM, HPC nodes"),
    ("standard.large", "4 cores, 8 GB RAM"),
    ("m1.xlarge", "16 cores, 32 GB RAM"),
];

/// Tags: (name, description).
pub const TAGS: [(&str, &str); 3] = [
    ("hpc", "Result executed in hpc system"),
    ("gpu", "Result executed on a node with a GPU"),
    ("ssd", "Local SSD storage"),
];

/// A small deterministic generator (splitmix64), so that a seed gives the same documents.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

const CPUS: [(&str, &str, &str, u64); 4] = [
    ("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "GenuineIntel", "2.1000 GHz", 22_528_000),
    ("AMD EPYC 7551 32-Core Processor", "AuthenticAMD", "2.0000 GHz", 8_388_608),
    ("Intel(R) Xeon(R) CPU E5-2650 v4 @ 2.20GHz", "GenuineIntel", "2.2000 GHz", 31_457_280),
    ("Intel Xeon Processor (Skylake, IBRS)", "GenuineIntel", "2.3000 GHz", 16_777_216),
];

const OPERATING_SYSTEMS: [&str; 3] = ["Ubuntu 20.04.3 LTS", "CentOS Linux 7 (Core)", "Debian GNU/Linux 11"];

/// The `n`th result document: valid against [`schema`].
pub fn result_document(n: u64) -> Value {
    let r = mix(n);
    let (brand, vendor, hz, l3) = CPUS[(r % 4) as usize];
    let count: u32 = [2, 4, 8, 16, 32][((r >> 8) % 5) as usize];
    // Seconds for three runs, shorter with more cores.
    let base = 600.0 / f64::from(count) * (0.9 + ((r >> 16) % 200) as f64 / 1000.0);
    let runs: Vec<f64> = (0..3).map(|i| base + ((r >> (24 + 8 * i)) % 300) as f64 / 100.0).collect();
    let score = (runs.iter().sum::<f64>() / 3.0 * 1000.0).round() / 1000.0;
    json!({
        "arguments": "Total Time - 4K, 16 Rays Per Pixel",
        "machine": {
            "cpu": {
                "arch": "X86_64",
                "bits": 64,
                "brand_raw": brand,
                "count": count,
                "hz_actual_friendly": hz,
                "l2_cache_size": 1_048_576,
                "l3_cache_size": l3,
                "vendor_id_raw": vendor,
            },
            "memory": u64::from(count) * 2_097_152_000,
            "os": OPERATING_SYSTEMS[((r >> 56) % 3) as usize],
        },
        "result": {
            "all_results": runs.iter().map(|t| format!("{t:.3}")).collect::<Vec<_>>().join(":"),
            "score": score,
        },
        "test": "pts/c-ray-1.2.0",
        "units": "Seconds",
    })
}

/// A number from 0 to `below - 1` for result `n` (which flavor, date and tag it gets).
pub fn pick(n: u64, salt: u64, below: u64) -> u64 {
    mix(n ^ salt.rotate_left(32)) % below.max(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn documents_are_valid_against_the_schema_and_deterministic() {
        let validator = jsonschema::validator_for(&super::schema()).unwrap();
        for n in 0..200 {
            let doc = super::result_document(n);
            assert!(validator.is_valid(&doc), "{doc}");
            assert_eq!(doc, super::result_document(n));
        }
        let size = serde_json::to_string(&super::result_document(1)).unwrap().len();
        assert!((350..800).contains(&size), "{size}");
    }
}
