//! One trusted issuer: its discovery document, signing keys, userinfo and introspection
//! endpoints, and the client credentials that belong to it alone (they are sent nowhere else).

use std::{sync::Arc, time::Instant};

use domain::Identity;
use jsonwebtoken::jwk::JwkSet;
use reqwest::StatusCode;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::{
    config::ClientCredentials,
    failure::LookupFailure,
    identity::{identity_from, merge},
    keys::KeyStore,
    metrics::{OidcEndpoint, OidcMetrics, outcome_of},
};

/// What discovery tells about an issuer.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    userinfo_endpoint: Option<String>,
    jwks_uri: Option<String>,
    introspection_endpoint: Option<String>,
}

/// Why an HTTP call gave no JSON.
enum CallError {
    /// The provider answered with this status.
    Status(StatusCode),
    /// No usable answer (connection, timeout, undecodable body).
    Transport(String),
}

impl CallError {
    /// For calls made with a token: 400, 401 and 403 are the provider refusing the token
    /// (RFC 6750 §3.1); anything else says nothing about the token.
    fn about_token(self, issuer: &str, what: &str) -> LookupFailure {
        match self {
            Self::Status(status) if matches!(status.as_u16(), 400 | 401 | 403) => {
                tracing::debug!(oidc.issuer = %issuer, "{what} refused the token: HTTP {status}");
                LookupFailure::undetermined()
            }
            other => other.unavailable(issuer, what),
        }
    }

    fn unavailable(self, issuer: &str, what: &str) -> LookupFailure {
        let reason = match self {
            Self::Status(status) => format!("HTTP {status}"),
            Self::Transport(reason) => reason,
        };
        tracing::warn!(oidc.issuer = %issuer, "OIDC provider unavailable ({what}): {reason}");
        LookupFailure::Unavailable
    }
}

/// A trusted issuer and everything learnt about it.
pub(crate) struct Issuer {
    /// Issuer URL as configured, without trailing `/`; the `iss` of every identity it vouches for.
    pub(crate) url: String,
    client: Option<ClientCredentials>,
    http: reqwest::Client,
    discovery: OnceCell<Discovery>,
    keys: KeyStore,
    metrics: Option<OidcMetrics>,
}

impl Issuer {
    pub(crate) fn new(
        url: String,
        client: Option<ClientCredentials>,
        http: reqwest::Client,
        keys: KeyStore,
        metrics: Option<OidcMetrics>,
    ) -> Self {
        Self { url, client, http, discovery: OnceCell::new(), keys, metrics }
    }

    /// One call to `endpoint`, counted and timed.
    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: OidcEndpoint,
        req: reqwest::RequestBuilder,
    ) -> Result<T, CallError> {
        let started = Instant::now();
        let answer = Self::send(req).await;
        if let Some(metrics) = &self.metrics {
            let (status, decoded) = match &answer {
                Ok(_) => (Some(StatusCode::OK), true),
                Err(CallError::Status(status)) => (Some(*status), false),
                Err(CallError::Transport(_)) => (None, false),
            };
            metrics.observe(endpoint, outcome_of(status, decoded), started.elapsed());
        }
        answer
    }

    async fn send<T: DeserializeOwned>(req: reqwest::RequestBuilder) -> Result<T, CallError> {
        let resp = req.send().await.map_err(|e| CallError::Transport(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(CallError::Status(resp.status()));
        }
        resp.json::<T>().await.map_err(|e| CallError::Transport(e.to_string()))
    }

    /// The discovery document, fetched once (concurrent first callers share the fetch; a
    /// failed fetch is retried by the next caller).
    async fn discover(&self) -> Result<&Discovery, LookupFailure> {
        self.discovery
            .get_or_try_init(|| async {
                let url = format!("{}/.well-known/openid-configuration", self.url);
                self.call(OidcEndpoint::Discovery, self.http.get(&url))
                    .await
                    .map_err(|e| e.unavailable(&self.url, "discovery"))
            })
            .await
    }

    async fn fetch_keys(&self) -> Result<JwkSet, LookupFailure> {
        let Some(uri) = self.discover().await?.jwks_uri.clone() else {
            tracing::warn!(oidc.issuer = %self.url, "OIDC provider publishes no jwks_uri");
            return Err(LookupFailure::Unavailable);
        };
        self.call(OidcEndpoint::Jwks, self.http.get(&uri)).await.map_err(|e| e.unavailable(&self.url, "jwks"))
    }

    /// The signing keys known so far (fetched on first use).
    pub(crate) async fn keys(&self) -> Result<Arc<JwkSet>, LookupFailure> {
        self.keys.current(|| self.fetch_keys()).await
    }

    /// Newer keys than `seen`, or `None` when they were fetched too recently to ask again.
    pub(crate) async fn refreshed_keys(
        &self,
        seen: &Arc<JwkSet>,
    ) -> Result<Option<Arc<JwkSet>>, LookupFailure> {
        self.keys.refreshed(seen, || self.fetch_keys()).await
    }

    async fn endpoint(
        &self,
        pick: impl FnOnce(&Discovery) -> Option<&String>,
        what: &str,
    ) -> Result<String, LookupFailure> {
        match pick(self.discover().await?) {
            Some(endpoint) => Ok(endpoint.clone()),
            None => {
                tracing::warn!(oidc.issuer = %self.url, "OIDC provider has no {what} endpoint");
                Err(LookupFailure::Unavailable)
            }
        }
    }

    /// Userinfo for `token`.
    pub(crate) async fn userinfo(&self, token: &str) -> Result<Value, LookupFailure> {
        let endpoint = self.endpoint(|d| d.userinfo_endpoint.as_ref(), "userinfo").await?;
        self.call(OidcEndpoint::Userinfo, self.http.get(&endpoint).bearer_auth(token))
            .await
            .map_err(|e| e.about_token(&self.url, "userinfo"))
    }

    /// RFC 7662 introspection of `token` with this issuer's own credentials; only an active
    /// token is accepted.
    async fn introspect(&self, token: &str, client: &ClientCredentials) -> Result<Value, LookupFailure> {
        let endpoint = self.endpoint(|d| d.introspection_endpoint.as_ref(), "introspection").await?;
        let req = self
            .http
            .post(&endpoint)
            .basic_auth(client.client_id(), Some(client.client_secret()))
            .form(&[("token", token)]);
        let answer: Value = self.call(OidcEndpoint::Introspection, req).await.map_err(|e| {
            if let CallError::Status(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) = e {
                tracing::warn!(oidc.issuer = %self.url, "introspection refused our client credentials");
            }
            e.about_token(&self.url, "introspection")
        })?;
        if answer.get("active").and_then(Value::as_bool) == Some(true) {
            Ok(answer)
        } else {
            tracing::debug!(oidc.issuer = %self.url, "introspection: token inactive");
            Err(LookupFailure::undetermined())
        }
    }

    /// Who an opaque `token` belongs to according to this issuer, and when it expires:
    /// introspection (merged with userinfo when that answers) when this issuer has client
    /// credentials, userinfo otherwise.
    pub(crate) async fn resolve_opaque(&self, token: &str) -> Result<(Identity, Option<i64>), LookupFailure> {
        let (info, exp) = match &self.client {
            Some(client) => {
                let intro = self.introspect(token, client).await?;
                let exp = intro.get("exp").and_then(Value::as_i64);
                let merged = match self.userinfo(token).await {
                    Ok(info) => merge(info, &intro),
                    Err(_) => intro,
                };
                (merged, exp)
            }
            None => (self.userinfo(token).await?, None),
        };
        Ok((identity_from(&info, &self.url)?, exp))
    }
}
