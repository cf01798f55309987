//! The container image check (contract §6.4): asks the image's registry for the manifest of
//! `image:tag` with the Docker Registry HTTP API v2, following the anonymous bearer-token
//! challenge (Docker Hub, GHCR, Quay, …).

use std::time::Duration;

use domain::ports::ImageRegistry;
use reqwest::{StatusCode, header};

/// Docker Hub's registry API.
pub const DOCKER_HUB: &str = "https://registry-1.docker.io";

const MANIFEST_TYPES: &str = "application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json";

/// Where images that name no registry host are looked up.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// Base URL of the default registry (`IMAGE_REGISTRY_URL`, default Docker Hub).
    pub default_registry: String,
    /// Timeout of each registry call.
    pub timeout: Duration,
}

impl RegistryConfig {
    /// Validates the default registry URL.
    ///
    /// # Errors
    /// When the URL is not http(s).
    pub fn new(default_registry: Option<String>) -> Result<Self, String> {
        let url = default_registry.unwrap_or_else(|| DOCKER_HUB.into());
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("{url:?} is not an http(s) URL"));
        }
        Ok(Self { default_registry: url.trim_end_matches('/').to_owned(), timeout: Duration::from_secs(10) })
    }
}

/// [`ImageRegistry`] over HTTP.
pub struct OciImageRegistry {
    config: RegistryConfig,
    http: reqwest::Client,
}

impl OciImageRegistry {
    /// A client for this configuration.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(config: RegistryConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self { config, http })
    }

    /// (registry base URL, repository) for an image name.
    pub fn resolve(&self, image: &str) -> (String, String) {
        match image.split_once('/') {
            Some((host, rest)) if host.contains('.') || host.contains(':') || host == "localhost" => {
                (format!("https://{host}"), rest.to_owned())
            }
            Some(_) => (self.config.default_registry.clone(), image.to_owned()),
            None => (self.config.default_registry.clone(), format!("library/{image}")),
        }
    }

    async fn anonymous_token(&self, challenge: &str) -> Result<String, String> {
        let params = parse_challenge(challenge);
        let realm = params.iter().find(|(k, _)| k == "realm").map(|(_, v)| v.clone()).ok_or("no realm")?;
        let query: Vec<(String, String)> = params.into_iter().filter(|(k, _)| k != "realm").collect();
        let answer: serde_json::Value = self
            .http
            .get(realm)
            .query(&query)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        answer
            .get("token")
            .or_else(|| answer.get("access_token"))
            .and_then(|t| t.as_str())
            .map(str::to_owned)
            .ok_or_else(|| "no token in answer".into())
    }
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
        let (registry, repository) = self.resolve(image);
        let url = format!("{registry}/v2/{repository}/manifests/{tag}");
        let get = |token: Option<&str>| {
            let req = self.http.get(&url).header(header::ACCEPT, MANIFEST_TYPES);
            match token {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        };
        let mut resp = get(None).send().await.map_err(|e| e.to_string())?;
        if resp.status() == StatusCode::UNAUTHORIZED
            && let Some(challenge) =
                resp.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok())
            && challenge.starts_with("Bearer")
        {
            let token = self.anonymous_token(challenge).await?;
            resp = get(Some(&token)).send().await.map_err(|e| e.to_string())?;
        }
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => Err("Error: not authorized".into()),
            StatusCode::NOT_FOUND => Err("Error: manifest not found".into()),
            _ => Err("Error: pulling manifest".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_resolve_to_their_registry() {
        let r = OciImageRegistry::new(RegistryConfig::new(None).unwrap()).unwrap();
        assert_eq!(r.resolve("ubuntu"), (DOCKER_HUB.into(), "library/ubuntu".into()));
        assert_eq!(r.resolve("deephdc/x"), (DOCKER_HUB.into(), "deephdc/x".into()));
        assert_eq!(r.resolve("ghcr.io/org/x"), ("https://ghcr.io".into(), "org/x".into()));
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
