//! The catalog a bench run needs (users, the c-ray benchmark, sites with flavors, tags),
//! created through the API when missing, and the upload request of the workloads.

use anyhow::bail;
use eosc_perf_tests::oidc::{MockOidc, MockUser};
use serde_json::{Value, json};

use crate::documents::{self, FLAVORS, SITES, TAGS};

/// A running server and what the workloads refer to.
pub struct Ctx {
    pub http: reqwest::Client,
    pub base: String,
    /// A registered user's token.
    pub token: String,
    /// That user: (sub, iss).
    pub uploader: (String, String),
    pub benchmark: String,
    /// Approved flavors with their site: (flavor id, site id).
    pub flavors: Vec<(String, String)>,
    pub tags: Vec<String>,
}

/// `req`'s JSON answer; an error for any status but 2xx.
pub async fn call(req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let resp = req.send().await?;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(body)
}

fn id(item: &Value) -> String {
    item["id"].as_str().unwrap_or_default().to_owned()
}

/// The ids of a page's items.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().into_iter().flatten().map(id).collect()
}

/// Registers the users and creates (and approves) what is missing.
pub async fn setup(oidc: &MockOidc, base: &str, concurrency: usize) -> anyhow::Result<Ctx> {
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency * 2).build()?;
    let user = oidc.opaque_token(MockUser::new("bench").with_email("bench@example.org", true));
    let admin = oidc.opaque_token(
        MockUser::new("bench-admin").with_email("admin@example.org", true).with_entitlement("bench-admin"),
    );
    for t in [&user, &admin] {
        let r = http.post(format!("{base}/users:register")).bearer_auth(t).send().await?;
        if !(r.status().is_success() || r.status().as_u16() == 409) {
            bail!("register: {}", r.status());
        }
    }
    let me = call(http.get(format!("{base}/users/self")).bearer_auth(&user)).await?;
    let uploader = (
        me["sub"].as_str().unwrap_or_default().to_owned(),
        me["iss"].as_str().unwrap_or_default().to_owned(),
    );
    let approve = |kind: &str, id: &str| http.post(format!("{base}/{kind}/{id}:approve")).bearer_auth(&admin);
    let existing = call(http.get(format!("{base}/benchmarks?docker_image={}", documents::IMAGE))).await?;
    let benchmark = match existing["items"].get(0) {
        Some(b) => id(b),
        None => {
            let b = call(
                http.post(format!("{base}/benchmarks")).bearer_auth(&user).json(&documents::benchmark()),
            )
            .await?;
            call(approve("benchmarks", &id(&b))).await?;
            id(&b)
        }
    };
    let sites = call(http.get(format!("{base}/sites?per_page=100"))).await?;
    if sites["total"].as_u64().unwrap_or(0) == 0 {
        for (name, address, description) in SITES {
            let body = json!({"name": name, "address": address, "description": description});
            let site = id(&call(http.post(format!("{base}/sites")).bearer_auth(&user).json(&body)).await?);
            call(approve("sites", &site)).await?;
            for (name, description) in FLAVORS {
                let body = json!({"name": name, "description": description});
                let flavor =
                    call(http.post(format!("{base}/sites/{site}/flavors")).bearer_auth(&user).json(&body))
                        .await?;
                call(approve("flavors", &id(&flavor))).await?;
            }
        }
    }
    let mut flavors = Vec::new();
    for site in ids(&call(http.get(format!("{base}/sites?per_page=100"))).await?) {
        let page = call(http.get(format!("{base}/sites/{site}/flavors"))).await?;
        flavors.extend(ids(&page).into_iter().map(|flavor| (flavor, site.clone())));
    }
    let mut tags = ids(&call(http.get(format!("{base}/tags"))).await?);
    for (name, description) in TAGS.iter().skip(tags.len()) {
        let body = json!({"name": name, "description": description});
        tags.push(id(&call(http.post(format!("{base}/tags")).bearer_auth(&user).json(&body)).await?));
    }
    Ok(Ctx { http, base: base.to_owned(), token: user, uploader, benchmark, flavors, tags })
}

/// `POST /results` of result `n` (a c-ray document; a third with a tag).
pub fn upload_request(ctx: &Ctx, n: u64) -> reqwest::RequestBuilder {
    let (flavor, _) = &ctx.flavors[(n as usize) % ctx.flavors.len()];
    let day = 1 + n % 28;
    let mut url = format!(
        "{}/results?execution_datetime=2024-01-{day:02}T10:00:00Z&benchmark_id={}&flavor_id={flavor}",
        ctx.base, ctx.benchmark
    );
    if n.is_multiple_of(3) {
        url.push_str(&format!("&tags_ids={}", ctx.tags[(n as usize) % ctx.tags.len()]));
    }
    ctx.http.post(url).bearer_auth(&ctx.token).json(&documents::result_document(n))
}

/// Results per `POST /results:batch` request of the batch workload.
pub const BATCH_SIZE: u64 = 1000;

/// The body of a `POST /results:batch` with [`BATCH_SIZE`] realistic results from number `first`
/// on, contexts varied as in [`upload_request`]; serialized once, sent many times.
pub fn batch_body(ctx: &Ctx, first: u64) -> Vec<u8> {
    let items: Vec<Value> = (first..first + BATCH_SIZE)
        .map(|n| {
            let (flavor, _) = &ctx.flavors[(n as usize) % ctx.flavors.len()];
            let tags: Vec<&String> =
                if n.is_multiple_of(3) { vec![&ctx.tags[(n as usize) % ctx.tags.len()]] } else { vec![] };
            serde_json::json!({
                "benchmark_id": ctx.benchmark,
                "flavor_id": flavor,
                "execution_datetime": format!("2024-01-{:02}T10:00:00Z", 1 + n % 28),
                "tags_ids": tags,
                "json": documents::result_document(n),
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "results": items })).unwrap_or_default()
}

/// `POST /results:batch` with one of `bodies`.
pub fn batch_request(ctx: &Ctx, bodies: &[Vec<u8>], n: u64) -> reqwest::RequestBuilder {
    let body = bodies[(n as usize) % bodies.len().max(1)].clone();
    ctx.http
        .post(format!("{}/results:batch", ctx.base))
        .bearer_auth(&ctx.token)
        .header("Content-Type", "application/json")
        .body(body)
}
