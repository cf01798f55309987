//! A domain embedded with the in-memory adapters, three registered people and helpers that
//! build an approved catalog and upload results.

#![allow(dead_code, reason = "each test file uses part of the fixture")]
#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{FixedOffset, NaiveDateTime, TimeDelta, TimeZone, Utc};
use eosc_perf_domain::{Id, SiteId, TagId};
use eosc_perf_domain::{
    Identity, PageRequest, Status,
    access::{Admin, Registered},
    benchmark::{Benchmark, BenchmarkDraft},
    flavor::{Flavor, FlavorDraft, NewFlavor},
    memory::InMemory,
    moderated::Moderated,
    query::ListParams,
    result::BenchmarkResult,
    service::{Decision, Upload},
    site::{Site, SiteDraft},
};
use serde_json::{Value, json};

/// The entitlement that makes an identity admin.
pub const ADMIN: &str = "urn:example:admin";

/// The schema of the fixture's benchmarks: `time` (integer) is required.
pub fn schema() -> Value {
    json!({"type": "object", "properties": {"time": {"type": "integer"}}, "required": ["time"]})
}

/// The domain and its people.
pub struct Fixture {
    pub domain: InMemory,
    pub admin: Identity,
    pub alice: Identity,
    pub bob: Identity,
    /// Holds a token but never registered.
    pub stranger: Identity,
}

/// An approved benchmark, site and flavor.
pub struct Catalog {
    pub benchmark: Benchmark,
    pub site: Site,
    pub flavor: Flavor,
}

impl Fixture {
    /// Registers admin, alice and bob; the clock stands at 2026-06-01 12:00 UTC.
    pub async fn new() -> Self {
        let domain = InMemory::with_admins([ADMIN]);
        domain.clock.set(Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap());
        let ids = &domain.identities;
        let admin = ids.add("admin-token", "admin", Some("admin@example.org"), &[ADMIN]);
        let alice = ids.add("alice-token", "alice", Some("alice@example.org"), &[]);
        let bob = ids.add("bob-token", "bob", Some("bob@example.org"), &[]);
        let stranger = ids.add("stranger-token", "stranger", Some("stranger@example.org"), &[ADMIN]);
        for who in [&admin, &alice, &bob] {
            domain.users.register(who).await.unwrap();
        }
        Self { domain, admin, alice, bob, stranger }
    }

    /// The registered-user capability of an identity.
    pub async fn user(&self, who: &Identity) -> Registered {
        self.domain.access.user(who).await.unwrap()
    }

    /// The admin capability of the fixture's admin.
    pub async fn root(&self) -> Admin {
        self.domain.access.admin(&self.admin).await.unwrap()
    }

    /// `by` submits a benchmark for `image:tag` (published first); it stays pending.
    pub async fn submit_benchmark(&self, by: &Identity, image: &str, tag: &str) -> Benchmark {
        self.domain.registry.publish(image, tag);
        let draft = BenchmarkDraft {
            docker_image: image.into(),
            docker_tag: tag.into(),
            url: "https://example.org/docs".into(),
            json_schema: schema(),
            description: Some(format!("{image} benchmark")),
        };
        self.domain.catalog.create::<Benchmark>(&self.user(by).await, draft).await.unwrap()
    }

    /// `by` submits a site; it stays pending.
    pub async fn submit_site(&self, by: &Identity, name: &str) -> Site {
        let draft = SiteDraft { name: name.into(), address: format!("{name} street"), description: None };
        self.domain.catalog.create::<Site>(&self.user(by).await, draft).await.unwrap()
    }

    /// `by` submits a flavor of `site`; it stays pending.
    pub async fn submit_flavor(&self, by: &Identity, site: SiteId, name: &str) -> Flavor {
        let draft = FlavorDraft { name: name.into(), description: None, spec: Default::default() };
        let new = NewFlavor { site_id: site, draft };
        self.domain.catalog.create::<Flavor>(&self.user(by).await, new).await.unwrap()
    }

    /// Approves a pending item.
    pub async fn approve<R: Moderated>(&self, id: Id<R>) {
        self.domain.catalog.decide::<R>(&self.root().await, id, Decision::Approve).await.unwrap();
    }

    /// A benchmark, site and flavor submitted by alice and approved.
    pub async fn approved_catalog(&self, image: &str, site: &str, flavor: &str) -> Catalog {
        let benchmark = self.submit_benchmark(&self.alice, image, "1.0").await;
        let site = self.submit_site(&self.alice, site).await;
        let flavor = self.submit_flavor(&self.alice, site.id, flavor).await;
        self.approve::<Benchmark>(benchmark.id).await;
        self.approve::<Site>(site.id).await;
        self.approve::<Flavor>(flavor.id).await;
        let catalog = &self.domain.catalog;
        Catalog {
            benchmark: catalog.get::<Benchmark>(benchmark.id).await.unwrap(),
            site: catalog.get::<Site>(site.id).await.unwrap(),
            flavor: catalog.get::<Flavor>(flavor.id).await.unwrap(),
        }
    }

    /// `by` uploads `json` for the catalog, executed `hours_ago` before now (UTC offset +02:00).
    pub async fn upload(
        &self,
        by: &Identity,
        catalog: &Catalog,
        json: Value,
        hours_ago: i64,
        tags_ids: Vec<TagId>,
    ) -> BenchmarkResult {
        let upload = upload_of(catalog, json, self.executed(hours_ago), tags_ids);
        self.domain.results.upload(&self.user(by).await, upload).await.unwrap()
    }

    /// `hours_ago` before the clock's now, as a naive time in zone +02:00.
    pub fn executed(&self, hours_ago: i64) -> (NaiveDateTime, Option<FixedOffset>) {
        let zone = FixedOffset::east_opt(2 * 3600).unwrap();
        let at = self.now() - TimeDelta::hours(hours_ago);
        (at.with_timezone(&zone).naive_local(), Some(zone))
    }

    /// The clock's now.
    pub fn now(&self) -> chrono::DateTime<Utc> {
        use eosc_perf_domain::ports::Clock;
        self.domain.clock.now()
    }
}

/// An upload of `json` for the catalog's benchmark and flavor.
pub fn upload_of(
    catalog: &Catalog,
    json: Value,
    execution: (NaiveDateTime, Option<FixedOffset>),
    tags_ids: Vec<TagId>,
) -> Upload {
    let document_bytes = json.to_string().len();
    Upload {
        execution,
        benchmark_id: catalog.benchmark.id,
        flavor_id: catalog.flavor.id,
        tags_ids,
        json,
        document_bytes,
    }
}

/// List parameters for one status.
pub fn with_status<S>(status: Status) -> ListParams<S> {
    ListParams { status: Some(status), ..ListParams::default() }
}

/// The first page of 100.
pub fn first_page() -> PageRequest {
    PageRequest::default()
}
