//! The container image check (contract §6.4): asks the image's registry for the manifest of
//! `image:tag` with the Docker Registry HTTP API v2, following the anonymous bearer-token
//! challenge (Docker Hub, GHCR, Quay, …).
//!
//! Only allowed registries are called ([`allowlist`]): names, tags, redirects and token realms
//! are checked before any request, and refusals never quote transport errors, which are
//! logged instead.

pub mod allowlist;
mod reference;

use std::sync::Arc;
use std::time::Duration;

use domain::ports::ImageRegistry;
use reqwest::{StatusCode, Url, header};

use self::allowlist::{AllowedRegistries, CallPolicy, DOCKER_HUB_HOSTS, RedirectRefused};
use self::reference::{ImageName, ReferenceGrammar};

/// Docker Hub's registry API.
pub const DOCKER_HUB: &str = "https://registry-1.docker.io";

const MANIFEST_TYPES: &str = "application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json";

/// Where images are looked up.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// Base URL of the default registry (`IMAGE_REGISTRY_URL`, default Docker Hub), for images
    /// that name no registry host; always allowed.
    pub default_registry: String,
    /// Other registries images may name (`IMAGE_REGISTRIES`).
    pub allowed: AllowedRegistries,
    /// Timeout of each registry call.
    pub timeout: Duration,
}

impl RegistryConfig {
    /// Validates the default registry URL; the allowed registries are the defaults.
    ///
    /// # Errors
    /// When the URL is not an http(s) URL with a host.
    pub fn new(default_registry: Option<String>) -> Result<Self, String> {
        let url = default_registry.unwrap_or_else(|| DOCKER_HUB.into());
        let parsed = Url::parse(&url).ok().filter(|u| u.host_str().is_some());
        if !parsed.is_some_and(|u| matches!(u.scheme(), "https" | "http")) {
            return Err(format!("{url:?} is not an http(s) URL"));
        }
        Ok(Self {
            default_registry: url.trim_end_matches('/').to_owned(),
            allowed: AllowedRegistries::default(),
            timeout: Duration::from_secs(10),
        })
    }

    /// Replaces the allowed registries with a comma-separated `host[:port]` list.
    ///
    /// # Errors
    /// When an entry is not a host or the list is empty.
    pub fn with_allowed_registries(mut self, list: &str) -> Result<Self, String> {
        self.allowed = AllowedRegistries::parse(list)?;
        Ok(self)
    }
}

/// Why an image could not be validated; the texts are the contract's reasons (§6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    NotFound,
    NotAuthorized,
    NotAllowed,
    Pulling,
}

impl Refusal {
    fn reason(self) -> &'static str {
        match self {
            Self::NotFound => "Error: manifest not found",
            Self::NotAuthorized => "Error: not authorized",
            Self::NotAllowed => "Error: registry not allowed",
            Self::Pulling => "Error: pulling manifest",
        }
    }
}

/// [`ImageRegistry`] over HTTP.
pub struct OciImageRegistry {
    default_registry: String,
    policy: Arc<CallPolicy>,
    grammar: ReferenceGrammar,
    http: reqwest::Client,
}

/// The registry client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RegistryClientError {
    /// `IMAGE_REGISTRY_URL` is not a URL.
    #[error("default registry URL: {0}")]
    DefaultRegistry(#[from] url::ParseError),
    /// The image name grammar did not compile.
    #[error("image name grammar: {0}")]
    Grammar(#[from] regex::Error),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl OciImageRegistry {
    /// A client for this configuration.
    ///
    /// # Errors
    /// When the default registry is not a URL or the HTTP client cannot be built.
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryClientError> {
        let policy = Arc::new(CallPolicy::new(&Url::parse(&config.default_registry)?, &config.allowed));
        let http =
            reqwest::Client::builder().timeout(config.timeout).redirect(policy.redirect_policy()).build()?;
        Ok(Self {
            default_registry: config.default_registry,
            policy,
            grammar: ReferenceGrammar::new()?,
            http,
        })
    }

    /// (registry base URL, repository) for a checked image name.
    fn locate(&self, name: ImageName<'_>) -> Result<(String, String), Refusal> {
        let library = |repository: &str| {
            if repository.contains('/') { repository.to_owned() } else { format!("library/{repository}") }
        };
        let Some(domain) = name.domain else {
            return Ok((self.default_registry.clone(), library(name.repository)));
        };
        let named = Url::parse(&format!("https://{domain}")).map_err(|_| Refusal::NotFound)?;
        let host = named.host_str().unwrap_or_default();
        if !self.policy.may_name(&named) {
            tracing::warn!(registry = %domain, "image check: the image names a registry that is not allowed");
            Err(Refusal::NotAllowed)
        } else if DOCKER_HUB_HOSTS.contains(&host) {
            Ok((DOCKER_HUB.to_owned(), library(name.repository)))
        } else if self.policy.is_default_registry(&named) {
            Ok((self.default_registry.clone(), name.repository.to_owned()))
        } else {
            Ok((named.as_str().trim_end_matches('/').to_owned(), name.repository.to_owned()))
        }
    }

    /// The manifest URL of `image:tag`, once name, tag and registry are allowed.
    fn manifest_url(&self, image: &str, tag: &str) -> Result<Url, Refusal> {
        let name = self.grammar.image_name(image).filter(|_| self.grammar.is_tag(tag)).ok_or_else(|| {
            tracing::debug!(image = ?image, tag = ?tag, "image check: not a valid image reference");
            Refusal::NotFound
        })?;
        let (registry, repository) = self.locate(name)?;
        let url = Url::parse(&format!("{registry}/v2/{repository}/manifests/{tag}"))
            .map_err(|_| Refusal::NotFound)?;
        if self.policy.may_call(&url) { Ok(url) } else { Err(Refusal::NotAllowed) }
    }

    async fn get_manifest(&self, url: &Url, token: Option<&str>) -> Result<reqwest::Response, Refusal> {
        let request = self.http.get(url.clone()).header(header::ACCEPT, MANIFEST_TYPES);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.send().await.map_err(|e| transport_refusal("manifest", &e, Refusal::Pulling))
    }

    async fn anonymous_token(&self, challenge: &str) -> Result<String, Refusal> {
        let params = parse_challenge(challenge);
        let realm = params.iter().find(|(k, _)| k == "realm").and_then(|(_, v)| Url::parse(v).ok());
        let Some(realm) = realm else {
            tracing::warn!(challenge, "image check: the registry's token challenge has no usable realm");
            return Err(Refusal::NotAuthorized);
        };
        if !self.policy.may_call(&realm) {
            tracing::warn!(realm = %realm, "image check: the token realm is not on an allowed registry");
            return Err(Refusal::NotAllowed);
        }
        let query: Vec<(String, String)> = params.into_iter().filter(|(k, _)| k != "realm").collect();
        let answer = self
            .http
            .get(realm)
            .query(&query)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| transport_refusal("token", &e, Refusal::NotAuthorized))?;
        let answer: serde_json::Value =
            answer.json().await.map_err(|e| transport_refusal("token", &e, Refusal::NotAuthorized))?;
        answer
            .get("token")
            .or_else(|| answer.get("access_token"))
            .and_then(|t| t.as_str())
            .map(str::to_owned)
            .ok_or(Refusal::NotAuthorized)
    }

    async fn check_manifest(&self, image: &str, tag: &str) -> Result<(), Refusal> {
        let url = self.manifest_url(image, tag)?;
        let mut response = self.get_manifest(&url, None).await?;
        if response.status() == StatusCode::UNAUTHORIZED
            && let Some(challenge) =
                response.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok())
            && challenge.starts_with("Bearer")
        {
            let token = self.anonymous_token(challenge).await?;
            response = self.get_manifest(&url, Some(&token)).await?;
        }
        match response.status() {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => Err(Refusal::NotAuthorized),
            StatusCode::NOT_FOUND => Err(Refusal::NotFound),
            _ => Err(Refusal::Pulling),
        }
    }
}

/// Logs a failed registry call with its details and gives the refusal the client sees:
/// [`Refusal::NotAllowed`] for a redirect to a host that is not allowed, `otherwise` else.
fn transport_refusal(call: &str, error: &reqwest::Error, otherwise: Refusal) -> Refusal {
    let mut details = error.to_string();
    let mut source = std::error::Error::source(error);
    let mut refusal = otherwise;
    while let Some(cause) = source {
        if cause.downcast_ref::<RedirectRefused>() == Some(&RedirectRefused::HostNotAllowed) {
            refusal = Refusal::NotAllowed;
        }
        details.push_str(": ");
        details.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::warn!(call, error = %details, "image check: registry call failed");
    refusal
}

/// `Bearer realm="…",service="…",scope="…"` into pairs.
fn parse_challenge(challenge: &str) -> Vec<(String, String)> {
    let body = challenge.trim().strip_prefix("Bearer").unwrap_or(challenge).trim();
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_owned();
        let after = &rest[eq + 1..];
        let (value, next) = if let Some(stripped) = after.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            (stripped[..end].to_owned(), stripped.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].to_owned(), &after[end..])
        };
        out.push((key, value));
        rest = next;
    }
    out
}

#[async_trait::async_trait]
impl ImageRegistry for OciImageRegistry {
    async fn check(&self, image: &str, tag: &str) -> Result<(), String> {
        self.check_manifest(image, tag).await.map_err(|refusal| refusal.reason().to_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

    use super::*;

    fn registry(default: Option<&str>, allowed: Option<&str>) -> OciImageRegistry {
        let mut config = RegistryConfig::new(default.map(str::to_owned)).unwrap();
        if let Some(list) = allowed {
            config = config.with_allowed_registries(list).unwrap();
        }
        OciImageRegistry::new(config).unwrap()
    }

    fn manifest_url(r: &OciImageRegistry, image: &str, tag: &str) -> Result<String, Refusal> {
        r.manifest_url(image, tag).map(String::from)
    }

    #[test]
    fn images_resolve_to_their_registry() {
        let r = registry(None, None);
        let hub = |repo: &str| Ok(format!("{DOCKER_HUB}/v2/{repo}/manifests/1"));
        assert_eq!(manifest_url(&r, "ubuntu", "1"), hub("library/ubuntu"));
        assert_eq!(manifest_url(&r, "deephdc/x", "1"), hub("deephdc/x"));
        assert_eq!(manifest_url(&r, "docker.io/ubuntu", "1"), hub("library/ubuntu"));
        assert_eq!(manifest_url(&r, "index.docker.io/deephdc/x", "1"), hub("deephdc/x"));
        assert_eq!(manifest_url(&r, "ghcr.io/org/x", "1"), Ok("https://ghcr.io/v2/org/x/manifests/1".into()));
        assert_eq!(
            manifest_url(&r, "quay.io:443/org/x", "1"),
            Ok("https://quay.io/v2/org/x/manifests/1".into())
        );
    }

    #[test]
    fn other_registries_and_bad_references_are_refused() {
        let r = registry(None, None);
        for image in ["127.0.0.1:5999/internal/x", "localhost/x", "evil.example.org/x", "quay.io:8443/x"] {
            assert_eq!(manifest_url(&r, image, "1"), Err(Refusal::NotAllowed), "{image}");
        }
        assert_eq!(manifest_url(&r, "Deephdc/x", "1"), Err(Refusal::NotFound));
        assert_eq!(manifest_url(&r, "deephdc/x", "../1"), Err(Refusal::NotFound));
        let r = registry(Some("http://127.0.0.1:5000/"), Some("registry.example.org:5000"));
        assert_eq!(manifest_url(&r, "x", "1"), Ok("http://127.0.0.1:5000/v2/library/x/manifests/1".into()));
        assert_eq!(
            manifest_url(&r, "127.0.0.1:5000/a/b", "1"),
            Ok("http://127.0.0.1:5000/v2/a/b/manifests/1".into())
        );
        assert_eq!(
            manifest_url(&r, "registry.example.org:5000/a", "1"),
            Ok("https://registry.example.org:5000/v2/a/manifests/1".into())
        );
        assert_eq!(manifest_url(&r, "ghcr.io/a/b", "1"), Err(Refusal::NotAllowed), "not listed any more");
    }

    #[test]
    fn the_default_registry_must_be_an_http_url() {
        assert!(RegistryConfig::new(Some("ftp://x".into())).is_err());
        assert!(RegistryConfig::new(Some("registry.example.org".into())).is_err());
        assert!(RegistryConfig::new(Some("https://".into())).is_err());
        assert!(RegistryConfig::new(None).unwrap().with_allowed_registries("https://ghcr.io").is_err());
    }

    #[test]
    fn challenges_are_parsed() {
        let p = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull""#,
        );
        assert_eq!(p[0], ("realm".into(), "https://auth.docker.io/token".into()));
        assert_eq!(p[2].1, "repository:library/ubuntu:pull");
    }
}
