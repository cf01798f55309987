//! Which requests may read from the hot standby (`DATABASE_READ_URL`), and read-your-writes.
//!
//! A `GET` or `HEAD` runs inside [`infra::read_pools::allowing_standby`], so its list reads go
//! to the standby while it is usable, unless its client wrote within the read-your-writes
//! window (`READ_YOUR_WRITES_SECONDS`): then every read goes to the primary and the client
//! sees its own write at once. Any other method, and all its reads, use the primary.
//!
//! The client is its `Authorization` header (every write needs a bearer token, so a client
//! that wrote has one): a successful (2xx) `POST`, `PUT`, `PATCH` or `DELETE` records a
//! SHA-256 digest of the header, kept for the window in a bounded in-memory map of this
//! process. A second replica behind the load balancer does not know about the write; see
//! docs/scaling.md for routing a client's requests to one replica.

use std::time::Duration;

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web,
};
use moka::future::Cache;
use sha2::{Digest, Sha256};

/// The most clients remembered at once (each about 100 bytes); past it the oldest go first.
const MAX_RECENT_WRITERS: u64 = 100_000;

/// The clients that wrote within the window.
pub struct ReadRouting {
    recent_writers: Cache<[u8; 32], ()>,
}

impl ReadRouting {
    /// Remembering each writing client for `read_your_writes`.
    pub fn new(read_your_writes: Duration) -> Self {
        let recent_writers =
            Cache::builder().max_capacity(MAX_RECENT_WRITERS).time_to_live(read_your_writes).build();
        Self { recent_writers }
    }
}

/// The digest of the request's `Authorization` header, if it has one.
fn client_of(req: &ServiceRequest) -> Option<[u8; 32]> {
    let authorization = req.headers().get(header::AUTHORIZATION)?;
    Some(Sha256::digest(authorization.as_bytes()).into())
}

fn is_write(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// The middleware (registered with `from_fn` when [`ReadRouting`] is app data).
///
/// # Errors
/// Those of the wrapped service.
pub async fn route_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(routing) = req.app_data::<web::Data<ReadRouting>>().cloned() else {
        return next.call(req).await;
    };
    let client = client_of(&req);
    if is_write(req.method()) {
        let res = next.call(req).await;
        if let (Some(client), Ok(res)) = (client, &res)
            && res.status().is_success()
        {
            routing.recent_writers.insert(client, ()).await;
        }
        return res;
    }
    let wrote_recently = client.is_some_and(|client| routing.recent_writers.contains_key(&client));
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    if wrote_recently || !safe {
        return next.call(req).await;
    }
    infra::read_pools::allowing_standby(next.call(req)).await
}
