//! Catalog helpers: benchmarks, sites, flavors and their moderation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{ADMIN_ENTITLEMENT, TestApp, TestUser};
use crate::oidc::MockUser;

/// The repository a Docker-Hub-style registry serves `image` from: names without a slash live
/// under `library/`.
pub fn registry_repository(image: &str) -> String {
    if image.contains('/') { image.to_owned() } else { format!("library/{image}") }
}

/// The path segment of a moderated kind: `benchmark(s)`, `site(s)` or `flavor(s)`.
fn catalog_segment(kind: &str) -> &'static str {
    match kind.trim_end_matches('s') {
        "benchmark" => "benchmarks",
        "site" => "sites",
        "flavor" => "flavors",
        other => panic!("not a moderated catalog kind: {other}"),
    }
}

/// Catalog helpers: benchmarks, sites, flavors and their moderation.
impl TestApp {
    /// Makes `image:tag` exist in the mock registry, the way the server resolves the name.
    pub fn add_registry_image(&self, image: &str, tag: &str) {
        self.registry.add_image(&registry_repository(image), tag);
    }

    /// Submits a benchmark with an explicit body as `user` (its image is added to the mock
    /// registry first), returning the 201 JSON.
    ///
    /// # Panics
    /// When the server does not answer 201.
    pub async fn create_benchmark_with(&self, user: &TestUser, body: Value) -> Value {
        let image = body["docker_image"].as_str().expect("docker_image");
        let tag = body["docker_tag"].as_str().expect("docker_tag");
        self.add_registry_image(image, tag);
        let (status, created) = self.call(Method::POST, "/benchmarks", Some(&user.token), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "create benchmark: {created}");
        created
    }

    /// Submits the benchmark `image:tag` (no description) as `user`, returning its JSON.
    pub async fn create_benchmark(&self, user: &TestUser, image: &str, tag: &str, schema: Value) -> Value {
        let body = json!({
            "docker_image": image,
            "docker_tag": tag,
            "url": format!("https://example.org/{image}"),
            "json_schema": schema,
        });
        self.create_benchmark_with(user, body).await
    }

    /// Submits the site `name` (address `<name>.example.org`, no description) as `user`.
    ///
    /// # Panics
    /// When the server does not answer 201.
    pub async fn create_site(&self, user: &TestUser, name: &str) -> Value {
        let body = json!({"name": name, "address": format!("{name}.example.org")});
        let (status, created) = self.call(Method::POST, "/sites", Some(&user.token), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "create site: {created}");
        created
    }

    /// Submits the flavor `name` (no description) on `site_id` as `user`.
    ///
    /// # Panics
    /// When the server does not answer 201.
    pub async fn create_flavor(&self, user: &TestUser, site_id: &str, name: &str) -> Value {
        let path = format!("/sites/{site_id}/flavors");
        let (status, created) =
            self.call(Method::POST, &path, Some(&user.token), Some(json!({"name": name}))).await;
        assert_eq!(status, StatusCode::CREATED, "create flavor: {created}");
        created
    }

    /// An admin called `moderator`, registered on first use (which mails it a welcome).
    pub async fn moderator(&self) -> TestUser {
        let user = self.user_with(
            MockUser::new("moderator")
                .with_email("moderator@example.org", true)
                .with_entitlement(ADMIN_ENTITLEMENT),
        );
        let (status, body) = self.call(Method::POST, "/users:register", Some(&user.token), None).await;
        assert!(
            status == StatusCode::CREATED || status == StatusCode::CONFLICT,
            "register moderator: {body}"
        );
        user
    }

    /// Approves a pending `kind` (`benchmark`, `site` or `flavor`, singular or plural) as
    /// [`TestApp::moderator`].
    ///
    /// # Panics
    /// When the server does not answer 204.
    pub async fn approve(&self, kind: &str, id: &str) {
        let moderator = self.moderator().await;
        self.approve_as(&moderator, kind, id).await;
    }

    /// Approves a pending `kind` as `admin`.
    ///
    /// # Panics
    /// When the server does not answer 204.
    pub async fn approve_as(&self, admin: &TestUser, kind: &str, id: &str) {
        let path = format!("/{}/{id}:approve", catalog_segment(kind));
        let (status, body) = self.call(Method::POST, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "approve {path}: {body}");
    }
}
