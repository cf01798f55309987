//! The demo's sample data: four approved sites with flavors (typed specs and hourly prices,
//! summed up in their descriptions too), the c-ray benchmark with its published result schema and a CNN training
//! benchmark, tags, 3 000 results spread over two years, a result claimed by the demo user (its
//! claim pending) and pending submits (a benchmark, a site, a flavor and the claim).
//!
//! Rows are written straight into the tables, in one transaction, with a fixed pseudo-random
//! sequence: every demo shows the same figures.

use chrono::{DateTime, Duration, Utc};
use infra::entity::{benchmark, claim, flavor, result, result_tag, site, submit, tag, user};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, TransactionTrait,
    sea_query::OnConflict,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    ISSUER,
    results::{cnn_schema, results},
};

/// The demo user: subject and e-mail.
pub const USER: (&str, &str) = ("demo-user", "user@demo.example.org");
/// The demo admin: subject and e-mail.
pub const ADMIN: (&str, &str) = ("demo-admin", "admin@demo.example.org");
/// Other uploaders, for variety.
pub(super) const OTHERS: [(&str, &str); 2] =
    [("ana", "ana@demo.example.org"), ("ben", "ben@demo.example.org")];

/// How many results are seeded.
pub const RESULTS: usize = 3_000;

const C_RAY_SCHEMA: &str = include_str!("../../../../bench/data/c-ray.schema.json");

/// What was seeded.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    /// Results.
    pub results: usize,
    /// Benchmarks (approved and pending).
    pub benchmarks: usize,
    /// Sites (approved and pending).
    pub sites: usize,
    /// Flavors (approved and pending).
    pub flavors: usize,
    /// Tags.
    pub tags: usize,
    /// Pending submits.
    pub submits: usize,
}

/// A flavor: name, vCPUs, GiB of memory, GPUs, EUR per hour.
type FlavorSpec = (&'static str, u32, u32, u32, f64);
/// A site: name, address, description, flavors.
type SiteSpec = (&'static str, &'static str, &'static str, &'static [FlavorSpec]);

const SITES: [SiteSpec; 4] = [
    (
        "CESNET-MCC",
        "Brno, Czechia",
        "CESNET MetaCentrum Cloud",
        &[
            ("standard.medium", 2, 4, 0, 0.05),
            ("hpc.8core-16ram", 8, 16, 0, 0.32),
            ("hpc.16core-32ram", 16, 32, 0, 0.61),
        ],
    ),
    (
        "KIT-SCC",
        "Karlsruhe, Germany",
        "Steinbuch Centre for Computing, KIT",
        &[("m1.large", 4, 8, 0, 0.16), ("m1.xlarge", 8, 16, 0, 0.31), ("g1.a100", 16, 128, 1, 2.45)],
    ),
    (
        "IFCA-LCG2",
        "Santander, Spain",
        "Instituto de Fisica de Cantabria",
        &[("cm4.large", 4, 8, 0, 0.14), ("cm4.4xlarge", 16, 64, 0, 0.58)],
    ),
    (
        "INFN-CLOUD-BARI",
        "Bari, Italy",
        "INFN Cloud, Bari data centre",
        &[("small", 2, 4, 0, 0.04), ("large", 8, 32, 0, 0.29), ("gpu.v100", 8, 64, 1, 1.60)],
    ),
];

const TAGS: [(&str, &str); 5] = [
    ("cpu", "CPU-bound run"),
    ("gpu", "Result executed using gpu"),
    ("hpc", "High-performance computing flavor"),
    ("nightly", "Run by a nightly job"),
    ("manual", "Run by hand"),
];

/// Seeds an empty database; `None` when it already holds benchmarks (a kept DATABASE_URL).
///
/// # Errors
/// Database failures (nothing is written then).
pub async fn seed(db: &DatabaseConnection) -> Result<Option<Seeded>, DbErr> {
    if benchmark::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut users = vec![USER, ADMIN];
    users.extend(OTHERS);
    let users_models = users.iter().map(|(sub, email)| {
        user::ActiveModel::from(user::Model {
            sub: (*sub).into(),
            iss: ISSUER.into(),
            email: (*email).into(),
            registration_datetime: now - Duration::days(800),
        })
    });
    user::Entity::insert_many(users_models)
        .on_conflict(OnConflict::columns([user::Column::Sub, user::Column::Iss]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
    let uploaded = |who: (&str, &str), days_ago: i64| (who.0.to_owned(), now - Duration::days(days_ago));
    let tags: Vec<tag::Model> = TAGS
        .iter()
        .map(|(name, description)| tag::Model {
            id: Uuid::new_v4(),
            name: (*name).into(),
            description: Some((*description).into()),
        })
        .collect();
    insert(&txn, tags.clone().into_iter().map(tag::ActiveModel::from)).await?;

    let benchmark_model =
        |image: &str, tag: &str, schema: Value, description: &str, status: &str, who, days| {
            let (sub, at) = uploaded(who, days);
            benchmark::Model {
                id: Uuid::new_v4(),
                docker_image: image.into(),
                docker_tag: tag.into(),
                url: format!("https://hub.docker.com/r/{image}"),
                json_schema: schema,
                description: Some(description.into()),
                uploader_sub: sub,
                uploader_iss: ISSUER.into(),
                upload_datetime: at,
                status: status.into(),
            }
        };
    let c_ray_schema: Value = serde_json::from_str(C_RAY_SCHEMA).map_err(|e| DbErr::Custom(e.to_string()))?;
    let c_ray = benchmark_model(
        "thechristophe/openbench-c-ray",
        "latest",
        c_ray_schema,
        "Compare cpu perf with multithreaded raytracing",
        "approved",
        OTHERS[0],
        780,
    );
    let cnn = benchmark_model(
        "deephdc/deep-oc-benchmarks_cnn",
        "benchmark",
        cnn_schema(),
        "TensorFlow CNN training throughput (images per second)",
        "approved",
        OTHERS[1],
        760,
    );
    let pending_benchmark = benchmark_model(
        "example/stream",
        "5.10",
        json!({"type": "object",
        "required": ["triad_mb_s"], "properties": {"triad_mb_s": {"type": "number"}}}),
        "STREAM memory bandwidth (awaiting review)",
        "on_review",
        USER,
        2,
    );
    let benchmarks = [c_ray.clone(), cnn.clone(), pending_benchmark.clone()];
    insert(&txn, benchmarks.into_iter().map(benchmark::ActiveModel::from)).await?;

    let mut sites = Vec::new();
    let mut flavors: Vec<(flavor::Model, u32, u32)> = Vec::new();
    for (name, address, description, specs) in SITES {
        let (sub, at) = uploaded(OTHERS[0], 790);
        let site = site::Model {
            id: Uuid::new_v4(),
            name: name.into(),
            address: address.into(),
            description: Some(description.into()),
            uploader_sub: sub.clone(),
            uploader_iss: ISSUER.into(),
            upload_datetime: at,
            status: "approved".into(),
        };
        for (flavor_name, cpus, ram, gpus, price) in specs {
            let flavor = demo_flavor(flavor_name, site.id, &sub, at, (*cpus, *ram, *gpus, *price), address);
            flavors.push((flavor, *cpus, *gpus));
        }
        sites.push(site);
    }
    let (sub, at) = uploaded(USER, 3);
    let pending_site = site::Model {
        id: Uuid::new_v4(),
        name: "CYFRONET-CLOUD".into(),
        address: "Krakow, Poland".into(),
        description: Some("Awaiting review".into()),
        uploader_sub: sub.clone(),
        uploader_iss: ISSUER.into(),
        upload_datetime: at,
        status: "on_review".into(),
    };
    let mut pending_flavor =
        demo_flavor("hpc.32core-64ram", sites[0].id, &sub, at, (32, 64, 0, 1.21), SITES[0].1);
    pending_flavor.status = "on_review".into();
    sites.push(pending_site.clone());
    insert(&txn, sites.iter().cloned().map(site::ActiveModel::from)).await?;
    let mut flavor_rows: Vec<flavor::Model> = flavors.iter().map(|(f, _, _)| f.clone()).collect();
    flavor_rows.push(pending_flavor.clone());
    insert(&txn, flavor_rows.into_iter().map(flavor::ActiveModel::from)).await?;

    let (results, links) = results(&flavors, &c_ray, &cnn, &tags, now);
    for chunk in results.chunks(500) {
        insert(&txn, chunk.iter().cloned().map(result::ActiveModel::from)).await?;
    }
    for chunk in links.chunks(1000) {
        insert(&txn, chunk.iter().cloned().map(result_tag::ActiveModel::from)).await?;
    }

    // The demo user claims one of ben's results: hidden while the claim is pending.
    let claimed = results
        .iter()
        .rev()
        .find(|r| r.uploader_sub == OTHERS[1].0 && !r.deleted)
        .ok_or_else(|| DbErr::Custom("no result to claim".into()))?;
    let mut hidden: result::ActiveModel = claimed.clone().into();
    hidden.deleted = sea_orm::Set(true);
    hidden.update(&txn).await?;
    let claim = claim::Model {
        id: Uuid::new_v4(),
        message: "This run used a misconfigured flavor".into(),
        result_id: Some(claimed.id),
        uploader_sub: USER.0.into(),
        uploader_iss: ISSUER.into(),
        upload_datetime: now - Duration::hours(5),
        status: "on_review".into(),
    };
    insert(&txn, [claim::ActiveModel::from(claim.clone())]).await?;
    let submit = |kind: &str, at: DateTime<Utc>, owner: &str, ids: [Option<Uuid>; 4]| submit::Model {
        id: Uuid::new_v4(),
        resource_type: kind.into(),
        benchmark_id: ids[0],
        site_id: ids[1],
        flavor_id: ids[2],
        claim_id: ids[3],
        uploader_sub: owner.into(),
        uploader_iss: ISSUER.into(),
        upload_datetime: at,
    };
    let submits = [
        submit(
            "benchmark",
            pending_benchmark.upload_datetime,
            USER.0,
            [Some(pending_benchmark.id), None, None, None],
        ),
        submit("site", pending_site.upload_datetime, USER.0, [None, Some(pending_site.id), None, None]),
        submit("flavor", pending_flavor.upload_datetime, USER.0, [None, None, Some(pending_flavor.id), None]),
        submit("claim", claim.upload_datetime, USER.0, [None, None, None, Some(claim.id)]),
    ];
    insert(&txn, submits.into_iter().map(submit::ActiveModel::from)).await?;
    txn.commit().await?;
    Ok(Some(Seeded {
        results: results.len(),
        benchmarks: 3,
        sites: sites.len(),
        flavors: flavors.len() + 1,
        tags: tags.len(),
        submits: 4,
    }))
}

/// An approved flavor with its specs and hourly price, also summed up in its description.
fn demo_flavor(
    name: &str,
    site_id: Uuid,
    uploader: &str,
    at: DateTime<Utc>,
    (cpus, ram, gpus, price): (u32, u32, u32, f64),
    region: &str,
) -> flavor::Model {
    let gpu = if gpus > 0 { format!(", {gpus} GPU") } else { String::new() };
    flavor::Model {
        id: Uuid::new_v4(),
        name: name.into(),
        description: Some(format!("{cpus} vCPU, {ram} GiB RAM{gpu}; EUR {price:.2} per hour")),
        site_id,
        uploader_sub: uploader.into(),
        uploader_iss: ISSUER.into(),
        upload_datetime: at,
        status: "approved".into(),
        vcpus: i32::try_from(cpus).ok(),
        memory_gib: Some(f64::from(ram)),
        gpu_model: (gpus > 0)
            .then(|| if name.contains("a100") { "NVIDIA A100" } else { "NVIDIA V100" }.into()),
        gpu_count: (gpus > 0).then(|| i32::try_from(gpus).ok()).flatten(),
        architecture: Some("x86_64".into()),
        disk_gib: Some(f64::from(cpus * 20)),
        region: Some(region.into()),
        price_amount: Some(price),
        price_currency: Some("EUR".into()),
        price_per: Some("hour".into()),
        price_as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
    }
}

async fn insert<A>(txn: &sea_orm::DatabaseTransaction, rows: impl IntoIterator<Item = A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    A::Entity::insert_many(rows).exec_without_returning(txn).await.map(|_| ())
}
