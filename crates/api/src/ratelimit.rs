//! Rate limits: GCRA token buckets (`governor`) per client address and per identity, in three
//! classes: reads (GET, HEAD, OPTIONS), writes (every other method) and failed
//! authentications (answers 401). A request over a limit gets 429 with `Retry-After` and the
//! `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers (IETF draft names)
//! and the bare error body.
//!
//! - The identity is the bearer token, hashed: a user's OIDC token or one of their API keys.
//!   It is counted before the token is checked, so a flood of forged tokens is stopped by the
//!   address limits and by the failed-authentication class.
//! - A failed authentication spends a cell of its address's failed-authentication bucket;
//!   once that is empty, answers that would have been 401 are 429 instead.
//! - The client address is the peer address, or, when the peer is a trusted proxy
//!   (`TRUSTED_PROXIES`), the right-most `X-Forwarded-For` entry that is not a trusted proxy.
//!   IPv6 clients are counted by their /64 network.
//! - The keyed stores forget idle keys (full buckets) every minute ([`Limiters::forget_idle`]).
//! - Health probes and `/metrics` are never limited.

use std::{
    net::{IpAddr, Ipv6Addr},
    num::NonZeroU32,
    time::Duration,
};

use actix_web::{
    Error,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, StatusCode,
        header::{self, HeaderName, HeaderValue},
    },
    middleware::Next,
    web,
};
use governor::{DefaultKeyedRateLimiter, Quota, clock::Clock};
use ipnet::IpNet;
use sha2::{Digest, Sha256};

use crate::error::bare;

/// One class's bucket: a sustained rate and a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Cells refilled per minute.
    pub per_minute: NonZeroU32,
    /// Bucket size.
    pub burst: NonZeroU32,
}

impl Rate {
    const fn new(per_minute: u32, burst: u32) -> Self {
        match (NonZeroU32::new(per_minute), NonZeroU32::new(burst)) {
            (Some(per_minute), Some(burst)) => Self { per_minute, burst },
            _ => panic!("rates are positive"),
        }
    }

    fn quota(self) -> Quota {
        Quota::per_minute(self.per_minute).allow_burst(self.burst)
    }
}

/// The limits (`RATE_LIMIT_*`, `TRUSTED_PROXIES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// `RATE_LIMITS`: off disables every limit.
    pub enabled: bool,
    /// Reads, per address and per identity.
    pub read: Rate,
    /// Writes, per address and per identity.
    pub write: Rate,
    /// Failed authentications, per address.
    pub failed_auth: Rate,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl RateLimitConfig {
    /// Default reads: 3000 a minute, bursts of 1000 (a page of the frontend makes a dozen).
    pub const DEFAULT_READ: Rate = Rate::new(3000, 1000);
    /// Default writes: 1200 a minute, bursts of 600.
    pub const DEFAULT_WRITE: Rate = Rate::new(1200, 600);
    /// Default failed authentications: 60 a minute, bursts of 30.
    pub const DEFAULT_FAILED_AUTH: Rate = Rate::new(60, 30);
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            read: Self::DEFAULT_READ,
            write: Self::DEFAULT_WRITE,
            failed_auth: Self::DEFAULT_FAILED_AUTH,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Who a bucket belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Identity([u8; 16]),
}

/// The keyed limiters, shared by every worker.
pub struct Limiters {
    config: RateLimitConfig,
    read: DefaultKeyedRateLimiter<Key>,
    write: DefaultKeyedRateLimiter<Key>,
    failed_auth: DefaultKeyedRateLimiter<Key>,
}

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiters").field("config", &self.config).finish_non_exhaustive()
    }
}

/// A refusal: which class's limit and how long until a cell is free.
struct Refusal {
    rate: Rate,
    wait: Duration,
}

impl Limiters {
    /// Empty buckets for `config`.
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            read: DefaultKeyedRateLimiter::keyed(config.read.quota()),
            write: DefaultKeyedRateLimiter::keyed(config.write.quota()),
            failed_auth: DefaultKeyedRateLimiter::keyed(config.failed_auth.quota()),
            config,
        }
    }

    /// Drops the buckets of idle keys (full again) and returns how many keys remain.
    pub fn forget_idle(&self) -> usize {
        [&self.read, &self.write, &self.failed_auth]
            .into_iter()
            .map(|limiter| {
                limiter.retain_recent();
                limiter.shrink_to_fit();
                limiter.len()
            })
            .sum()
    }

    fn check(&self, limiter: &DefaultKeyedRateLimiter<Key>, rate: Rate, key: &Key) -> Result<(), Refusal> {
        limiter
            .check_key(key)
            .map_err(|not_until| Refusal { rate, wait: not_until.wait_time_from(limiter.clock().now()) })
    }

    /// The client's address: the peer, or what trusted proxies say it is.
    fn client(&self, req: &ServiceRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        let trusted = |ip: &IpAddr| self.config.trusted_proxies.iter().any(|net| net.contains(ip));
        if !trusted(&peer) {
            return Some(peer);
        }
        let forwarded = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok());
        let hops: Vec<IpAddr> =
            forwarded.flat_map(|v| v.split(',')).filter_map(|hop| hop.trim().parse().ok()).collect();
        Some(hops.into_iter().rev().find(|hop| !trusted(hop)).unwrap_or(peer))
    }
}

/// IPv6 clients by their /64 network (one host usually holds a whole /64).
fn address_key(ip: IpAddr) -> Key {
    match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            Key::Address(IpAddr::V6(Ipv6Addr::from(network)))
        }
        IpAddr::V6(v6) => Key::Address(v6.to_ipv4_mapped().map_or(ip, IpAddr::V4)),
        IpAddr::V4(_) => Key::Address(ip),
    }
}

fn identity_key(authorization: &[u8]) -> Key {
    let digest = Sha256::digest(authorization);
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    Key::Identity(key)
}

fn is_exempt(path: &str) -> bool {
    matches!(path, "/metrics" | "/health/live" | "/health/ready")
}

/// Middleware: applies the limits of the app's [`Limiters`] (none registered: no limits).
///
/// # Errors
/// Those of the wrapped service.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(limiters) = req.app_data::<web::Data<Limiters>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    if is_exempt(req.path()) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let address = limiters.client(&req).map(address_key);
    let identity = req.headers().get(header::AUTHORIZATION).map(|v| identity_key(v.as_bytes()));
    let (limiter, rate) = if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        (&limiters.read, limiters.config.read)
    } else {
        (&limiters.write, limiters.config.write)
    };
    let checked =
        address.iter().chain(identity.iter()).try_for_each(|key| limiters.check(limiter, rate, key));
    if let Err(refusal) = checked {
        return Ok(req.into_response(too_many(&refusal)).map_into_right_body());
    }
    let res = next.call(req).await?;
    if res.status() == StatusCode::UNAUTHORIZED
        && let Some(address) = address
        && let Err(refusal) = limiters.check(&limiters.failed_auth, limiters.config.failed_auth, &address)
    {
        let (req, _) = res.into_parts();
        return Ok(ServiceResponse::new(req, too_many(&refusal)).map_into_right_body());
    }
    Ok(res.map_into_left_body())
}

/// 429 with the bare body and the retry headers.
fn too_many(refusal: &Refusal) -> actix_web::HttpResponse {
    let seconds = refusal.wait.as_secs() + u64::from(refusal.wait.subsec_nanos() > 0);
    let mut res = bare(StatusCode::TOO_MANY_REQUESTS);
    let headers = res.headers_mut();
    for (name, value) in [
        (header::RETRY_AFTER, seconds.to_string()),
        (HeaderName::from_static("ratelimit-limit"), refusal.rate.burst.to_string()),
        (HeaderName::from_static("ratelimit-remaining"), "0".to_owned()),
        (HeaderName::from_static("ratelimit-reset"), seconds.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_share_their_64_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap_or(IpAddr::V4([0, 0, 0, 0].into()));
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap_or(IpAddr::V4([0, 0, 0, 0].into()));
        assert_eq!(address_key(a), address_key(b));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap_or(IpAddr::V4([0, 0, 0, 0].into()));
        assert_eq!(address_key(mapped), Key::Address(IpAddr::V4([10, 0, 0, 1].into())));
    }

    #[test]
    fn idle_buckets_are_forgotten() {
        let limiters = Limiters::new(RateLimitConfig::default());
        let key = Key::Address(IpAddr::V4([10, 0, 0, 1].into()));
        assert!(limiters.check(&limiters.read, limiters.config.read, &key).is_ok());
        assert_eq!(limiters.read.len(), 1);
        // The bucket is not full again yet: it is kept.
        assert_eq!(limiters.forget_idle(), 1);
    }
}
