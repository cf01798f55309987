//! Which registries the image check may call (`IMAGE_REGISTRIES`), so that an image name, a
//! redirect or a token realm cannot point the server at an arbitrary host (SSRF).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// The hosts that serve Docker Hub's registry API under one name or another.
pub(crate) const DOCKER_HUB_HOSTS: [&str; 3] = ["docker.io", "registry-1.docker.io", "index.docker.io"];

/// `IMAGE_REGISTRIES` when unset: Docker Hub, GitHub, Quay and GitLab.
pub const DEFAULT_REGISTRIES: &str =
    "docker.io,registry-1.docker.io,index.docker.io,ghcr.io,quay.io,registry.gitlab.com";

/// Token services of well-known registries that live on another host than the registry.
const TOKEN_SERVICES: [(&str, &str); 4] = [
    ("docker.io", "auth.docker.io"),
    ("registry-1.docker.io", "auth.docker.io"),
    ("index.docker.io", "auth.docker.io"),
    ("registry.gitlab.com", "gitlab.com"),
];

/// Redirects followed at most per call.
const MAX_REDIRECTS: usize = 5;

/// A host and the port it is reached on (443 when an entry names none).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistryHost {
    host: String,
    port: u16,
}

impl RegistryHost {
    /// Parses an `IMAGE_REGISTRIES` entry, `host` or `host:port`.
    ///
    /// # Errors
    /// When the entry is not a bare host with an optional port (no scheme, path or user).
    pub fn parse(entry: &str) -> Result<Self, String> {
        let entry = entry.trim();
        let bare = !entry.is_empty()
            && !entry.contains(['/', '?', '#', '@', '\\'])
            && !entry.contains(char::is_whitespace);
        Url::parse(&format!("https://{entry}"))
            .ok()
            .filter(|_| bare)
            .and_then(|url| Self::of(&url))
            .ok_or_else(|| format!("{entry:?} is not a host or host:port"))
    }

    /// The host and effective port a URL is called on; `None` without a host.
    pub(crate) fn of(url: &Url) -> Option<Self> {
        Some(Self { host: url.host_str()?.to_ascii_lowercase(), port: url.port_or_known_default()? })
    }

    fn named(host: &str) -> Self {
        Self { host: host.to_owned(), port: 443 }
    }
}

impl fmt::Display for RegistryHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// The registries images may name (`IMAGE_REGISTRIES`); the default registry
/// (`IMAGE_REGISTRY_URL`) is always allowed on top of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedRegistries(Vec<RegistryHost>);

impl AllowedRegistries {
    /// Parses a comma-separated list of `host[:port]`; blanks around entries are ignored.
    ///
    /// # Errors
    /// When an entry is not a host, or the list names none.
    pub fn parse(list: &str) -> Result<Self, String> {
        let hosts = list
            .split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(RegistryHost::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if hosts.is_empty() {
            return Err("names no registry".into());
        }
        Ok(Self(hosts))
    }
}

impl Default for AllowedRegistries {
    fn default() -> Self {
        Self(DEFAULT_REGISTRIES.split(',').map(RegistryHost::named).collect())
    }
}

/// Which URLs the image check may call: https on an allowed registry or its token service,
/// and the default registry with its own scheme.
#[derive(Debug, Clone)]
pub(crate) struct CallPolicy {
    default_scheme: String,
    default_host: Option<RegistryHost>,
    /// Hosts images may name.
    registries: HashSet<RegistryHost>,
    /// `registries` and their token services.
    callable: HashSet<RegistryHost>,
}

impl CallPolicy {
    /// The policy for a default registry URL and the listed registries.
    pub(crate) fn new(default_registry: &Url, allowed: &AllowedRegistries) -> Self {
        let default_host = RegistryHost::of(default_registry);
        let mut registries: HashSet<RegistryHost> =
            allowed.0.iter().cloned().chain(default_host.clone()).collect();
        if DOCKER_HUB_HOSTS.iter().any(|h| registries.contains(&RegistryHost::named(h))) {
            registries.extend(DOCKER_HUB_HOSTS.map(RegistryHost::named));
        }
        let mut callable = registries.clone();
        for (registry, token_service) in TOKEN_SERVICES {
            if registries.contains(&RegistryHost::named(registry)) {
                callable.insert(RegistryHost::named(token_service));
            }
        }
        Self { default_scheme: default_registry.scheme().to_owned(), default_host, registries, callable }
    }

    /// Whether `url` is on the default registry's host and port (any scheme).
    pub(crate) fn is_default_registry(&self, url: &Url) -> bool {
        self.default_host.is_some() && RegistryHost::of(url) == self.default_host
    }

    /// Whether an image may name the registry at `url`.
    pub(crate) fn may_name(&self, url: &Url) -> bool {
        RegistryHost::of(url).is_some_and(|host| self.registries.contains(&host))
    }

    /// Whether the check may send a request to `url`: https on an allowed host, or plain
    /// http only on the default registry when that is how it is configured.
    pub(crate) fn may_call(&self, url: &Url) -> bool {
        let Some(host) = RegistryHost::of(url) else { return false };
        match url.scheme() {
            "https" => self.callable.contains(&host),
            "http" => self.default_scheme == "http" && Some(&host) == self.default_host.as_ref(),
            _ => false,
        }
    }

    /// A redirect policy that follows a hop only when [`Self::may_call`] allows its target.
    pub(crate) fn redirect_policy(self: &Arc<Self>) -> Policy {
        let policy = Arc::clone(self);
        Policy::custom(move |attempt: Attempt<'_>| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(RedirectRefused::TooMany)
            } else if policy.may_call(attempt.url()) {
                attempt.follow()
            } else {
                attempt.error(RedirectRefused::HostNotAllowed)
            }
        })
    }
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RedirectRefused {
    /// The target is not an allowed registry.
    #[error("redirect to a host that is not allowed")]
    HostNotAllowed,
    /// More than [`MAX_REDIRECTS`] hops.
    #[error("too many redirects")]
    TooMany,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn entries_are_bare_hosts_with_an_optional_port() {
        let list = AllowedRegistries::parse(" ghcr.io, Registry.Example.org:5000 ,,127.0.0.1:8443").unwrap();
        assert_eq!(
            list.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["ghcr.io:443", "registry.example.org:5000", "127.0.0.1:8443"]
        );
        for bad in ["https://ghcr.io", "ghcr.io/x", "user@ghcr.io", "ghcr.io:x", "gh cr.io", " , "] {
            assert!(AllowedRegistries::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_allowed_hosts_and_ports_may_be_named_or_called() {
        let policy = CallPolicy::new(&url("https://registry-1.docker.io"), &AllowedRegistries::default());
        assert!(policy.may_name(&url("https://docker.io")));
        assert!(policy.may_name(&url("https://quay.io:443")));
        assert!(!policy.may_name(&url("https://quay.io:8443")), "another port");
        assert!(!policy.may_name(&url("https://auth.docker.io")), "a token service is no registry");
        assert!(!policy.may_name(&url("https://127.0.0.1:5999")));
        assert!(policy.may_call(&url("https://auth.docker.io/token")));
        assert!(policy.may_call(&url("https://gitlab.com/jwt/auth")));
        assert!(!policy.may_call(&url("http://ghcr.io/token")), "https only");
        assert!(!policy.may_call(&url("https://169.254.169.254/latest")));
        assert!(!policy.may_call(&url("ftp://ghcr.io/x")));
    }

    #[test]
    fn a_plain_http_default_registry_is_called_with_its_own_scheme_and_port_only() {
        let listed = AllowedRegistries::parse("ghcr.io").unwrap();
        let policy = CallPolicy::new(&url("http://127.0.0.1:5000"), &listed);
        assert!(policy.may_call(&url("http://127.0.0.1:5000/token")));
        assert!(!policy.may_call(&url("http://127.0.0.1:5001/token")));
        assert!(!policy.may_call(&url("http://localhost:5000/token")));
        assert!(!policy.may_call(&url("http://ghcr.io/token")));
        assert!(policy.is_default_registry(&url("https://127.0.0.1:5000")));
        assert!(!policy.may_name(&url("https://docker.io")), "Docker Hub not listed");
        assert!(!policy.may_call(&url("https://auth.docker.io/token")));
    }
}
