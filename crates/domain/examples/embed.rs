//! Embeds the eosc-perf domain in a program of its own, with the in-memory adapters: a user
//! registers, submits a benchmark, a site and a flavor that an admin approves, uploads
//! results, another user claims one, the admin rejects the claim, and everybody queries.
//!
//! Run it with `cargo run -p eosc-perf-domain --example embed`.

use chrono::{FixedOffset, TimeDelta};
use eosc_perf_domain::{
    DomainError, PageRequest, Status,
    benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter, BenchmarkSort},
    claim::ClaimFilter,
    filter::parse_filter,
    flavor::{Flavor, FlavorDraft, NewFlavor},
    memory::InMemory,
    ports::Clock,
    query::{ListParams, parse_sort},
    result::{ResultFilter, ResultSort},
    service::{Decision, Upload},
    site::{Site, SiteDraft},
    tag::TagDraft,
};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), DomainError> {
    let domain = InMemory::with_admins(["urn:example:perf-admin"]);
    let ids = &domain.identities;
    ids.add("token-admin", "admin", Some("admin@example.org"), &["urn:example:perf-admin"]);
    ids.add("token-alice", "alice", Some("alice@example.org"), &[]);
    ids.add("token-bob", "bob", Some("bob@example.org"), &[]);

    // Callers arrive with bearer tokens; the identity provider port resolves them.
    let admin = domain.identify("token-admin").await?;
    let alice = domain.identify("token-alice").await?;
    let bob = domain.identify("token-bob").await?;
    for who in [&admin, &alice, &bob] {
        let user = domain.users.register(who).await?;
        println!("registered {} <{}>", user.sub, user.email);
    }
    let alice_user = domain.access.user(&alice).await?;

    // Alice submits a benchmark, a site and a flavor; they wait for an admin.
    domain.registry.publish("deephdc/deep-oc-benchmarks_cnn", "1.0");
    let benchmark = domain
        .catalog
        .create::<Benchmark>(
            &alice_user,
            BenchmarkDraft {
                docker_image: "deephdc/deep-oc-benchmarks_cnn".into(),
                docker_tag: "1.0".into(),
                url: "https://github.com/deephdc/deep-oc-benchmarks_cnn".into(),
                json_schema: json!({"type": "object", "required": ["time"],
                                    "properties": {"time": {"type": "number"}}}),
                description: Some("CNN training".into()),
            },
        )
        .await?;
    let site = domain
        .catalog
        .create::<Site>(
            &alice_user,
            SiteDraft { name: "KIT".into(), address: "Karlsruhe".into(), description: None },
        )
        .await?;
    let draft = FlavorDraft { name: "gpu.large".into(), description: None, spec: Default::default() };
    let flavor = domain.catalog.create::<Flavor>(&alice_user, NewFlavor { site_id: site.id, draft }).await?;
    // Moderation takes the admin capability, which only the access check hands out.
    let root = domain.access.admin(&admin).await?;
    let todo = domain.catalog.list_submits(&root, &Default::default(), &[], PageRequest::default()).await?;
    println!("submitted benchmark, site and flavor: {} items wait for review", todo.total);
    match domain.access.admin(&alice).await {
        Err(e) => println!("alice asking for the admin capability: {e}"),
        Ok(_) => println!("alice unexpectedly admin"),
    }

    // The admin approves them: the catalog's use cases are generic over the moderated kind.
    domain.catalog.decide::<Benchmark>(&root, benchmark.id, Decision::Approve).await?;
    domain.catalog.decide::<Site>(&root, site.id, Decision::Approve).await?;
    domain.catalog.decide::<Flavor>(&root, flavor.id, Decision::Approve).await?;
    println!("admin approved benchmark {}, site {} and flavor {}", benchmark.id, site.id, flavor.id);
    let again = domain.catalog.decide::<Site>(&root, site.id, Decision::Approve).await;
    println!("approving again: {}", again.err().map_or_else(|| "accepted?!".into(), |e| e.to_string()));

    // Alice uploads three results, one tagged; a document against the schema is refused.
    let gpu = domain.tags.create(&alice_user, TagDraft { name: "gpu".into(), description: None }).await?;
    let zone = FixedOffset::east_opt(3600).ok_or_else(|| DomainError::Internal("zone".into()))?;
    let mut uploaded = Vec::new();
    for (hours_ago, time, tags) in [(30, 118.5, vec![gpu.id]), (20, 97.0, vec![]), (10, 131.2, vec![])] {
        let executed = domain.clock.now() - TimeDelta::hours(hours_ago);
        let document = json!({"time": time, "gpu": "V100"});
        let upload = Upload {
            execution: (executed.with_timezone(&zone).naive_local(), Some(zone)),
            benchmark_id: benchmark.id,
            flavor_id: flavor.id,
            tags_ids: tags,
            document_bytes: document.to_string().len(),
            json: document,
        };
        let result = domain.results.upload(&alice_user, upload).await?;
        println!("uploaded result {} (time {time})", result.id);
        uploaded.push(result);
    }
    let bad = Upload {
        execution: (domain.clock.now().with_timezone(&zone).naive_local(), Some(zone)),
        benchmark_id: benchmark.id,
        flavor_id: flavor.id,
        tags_ids: vec![],
        json: json!({"time": "fast"}),
        document_bytes: 16,
    };
    match domain.results.upload(&alice_user, bad).await {
        Err(e) => println!("refused upload: {e}"),
        Ok(r) => println!("unexpectedly accepted {}", r.id),
    }

    // Bob claims the slowest result: it disappears from public lists until an admin decides.
    let bob_user = domain.access.user(&bob).await?;
    let claim = domain.results.claim(&bob_user, uploaded[2].id, "time looks off".into()).await?;
    let visible = domain.results.list(&ResultFilter::default(), &[], PageRequest::default()).await?;
    println!("bob claimed {}: {} results visible", uploaded[2].id, visible.total);
    domain.results.decide_claim(&root, claim.id, false).await?;
    let visible = domain.results.list(&ResultFilter::default(), &[], PageRequest::default()).await?;
    println!("admin rejected claim {}: {} results visible again", claim.id, visible.total);
    let pending = ClaimFilter { status: Some(Status::OnReview), ..ClaimFilter::default() };
    println!(
        "pending claims: {}",
        domain.results.list_claims(&root, &pending, &[], PageRequest::default()).await?.total
    );

    // Queries: a JSON filter and a JSON sort, a search, a catalog list.
    let fast = ResultFilter {
        filters: vec![parse_filter("time < 120").map_err(|e| DomainError::Invalid(format!("{e:?}")))?],
        ..ResultFilter::default()
    };
    let by_time =
        parse_sort::<ResultSort>("+json.time").map_err(|e| DomainError::Invalid(format!("{e:?}")))?;
    for r in domain.results.list(&fast, &by_time, PageRequest::default()).await?.items {
        println!("time < 120: result {} on {} with time {}", r.id, r.flavor.name, r.json["time"]);
    }
    let tagged = ResultFilter { terms: vec!["gpu".into()], ..ResultFilter::default() };
    println!(
        "search 'gpu' (flavor name or tag name): {} result(s)",
        domain.results.list(&tagged, &[], PageRequest::default()).await?.total
    );
    let params = ListParams {
        status: Some(Status::Approved),
        sort: parse_sort::<BenchmarkSort>("+name").map_err(|e| DomainError::Invalid(format!("{e:?}")))?,
        ..ListParams::default()
    };
    for b in domain.catalog.list::<Benchmark>(&BenchmarkFilter::default(), &params).await?.items {
        println!("approved benchmark {}:{}", b.docker_image, b.docker_tag);
    }

    // Every notification the services queued, in order.
    for mail in domain.store.take_outbox() {
        println!("mail to {}: {}", mail.to.join(", "), mail.subject);
    }
    Ok(())
}
