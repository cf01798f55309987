//! Validators for GET answers and the cache of serialised result lists. Bodies are never
//! changed; only headers are added.
//!
//! - Every 200 answer to a GET carries a strong `ETag` and `Cache-Control: no-cache` (clients
//!   keep it but revalidate); a GET whose `If-None-Match` names the current tag is answered
//!   `304 Not Modified` with those headers and no body. Other statuses and methods pass
//!   unchanged.
//! - The public result lists and the statistics and rankings computed from them
//!   ([`CACHED_LISTS`]) depend only on their request line and on data the change counter
//!   covers (`domain::result::ResultRepository::generation`). Their
//!   answers are kept as bytes under (normalised request, counter value, coding), with a gzip
//!   copy for clients that accept it, and their tag is derived from that key: a repeated list
//!   costs one counter read and no serialisation, a 304 the counter read only. An answer is
//!   stored only when the counter read again after computing it still has the value read
//!   before (no write committed in between), so it is exact on every replica.
//! - `GET /results/{id}` is kept the same way (module `by_id`), but tagged with a digest of
//!   its body, as before it was cached.
//! - Any other GET is tagged with a digest of its body, except a streamed one (an export of
//!   `/results:export`, of any size): tagging it would hold the whole body in memory, so it
//!   passes without validators.

mod by_id;
mod store;
mod validators;

use std::{
    cell::RefCell,
    future::{Ready, ready},
    rc::Rc,
};

use actix_web::{
    Error, HttpRequest, HttpResponse, HttpResponseBuilder,
    body::{BodySize, BoxBody, MessageBody, to_bytes},
    dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready},
    http::{
        Method, StatusCode,
        header::{self, ETag, EntityTag, IfNoneMatch},
    },
    web::Bytes,
};
use domain::service::ResultService;
use futures_util::future::LocalBoxFuture;

use self::validators::{answer_tag, body_tag, holds, if_none_match};
pub use self::{
    store::{AnswerKey, ResponseCache},
    validators::Coding,
};
use crate::error::ApiError;

/// Paths whose GET answers are cached as bytes: public result lists, and the statistics and
/// rankings of the results they select, whose answer depends on nothing but the path, the
/// query and the data the change counter covers (results, their tags, benchmarks, sites and
/// flavors with their specs and prices).
pub const CACHED_LISTS: [&str; 4] = ["/results", "/results:search", "/results:stats", "/results:ranking"];

/// Middleware adding validators to GET answers and serving cached result lists.
#[derive(Clone)]
pub struct Caching {
    cache: ResponseCache,
    results: ResultService,
}

impl Caching {
    /// Serving lists from `cache`, checked against the change counter `results` reads.
    pub fn new(cache: ResponseCache, results: ResultService) -> Self {
        Self { cache, results }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Caching
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = Error;
    type Transform = CachingService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CachingService { service: Rc::new(service), caching: self.clone() }))
    }
}

/// The service [`Caching`] wraps around the routes.
pub struct CachingService<S> {
    service: Rc<S>,
    caching: Caching,
}

impl<S, B> Service<ServiceRequest> for CachingService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        if req.method() != Method::GET {
            return Box::pin(async move { Ok(service.call(req).await?.map_into_boxed_body()) });
        }
        let caching = self.caching.clone();
        Box::pin(async move {
            let conditions = Conditions { held: if_none_match(&req), coding: Coding::negotiate(&req) };
            if let Some(request) = normalised_list_request(&req) {
                return caching.list(&*service, req, request, &conditions).await;
            }
            match by_id::result_by_id_request(&req) {
                Some(request) => caching.result_by_id(&*service, req, request, &conditions).await,
                None => Ok(tagged(service.call(req).await?, &conditions, false).await),
            }
        })
    }
}

/// What the request says about the answer it wants.
struct Conditions {
    /// `If-None-Match`: the representations the client holds.
    held: Option<IfNoneMatch>,
    /// The coding it gets.
    coding: Coding,
}

/// How the handler's run for an uncached list ended, for the request that ran it.
enum Outcome {
    /// Its 200 body was stored; the request is kept to answer with it (the identity body too,
    /// in case its gzip copy cannot be made).
    Stored(HttpRequest, Bytes),
    /// Not stored: this is the answer.
    Answered(ServiceResponse<BoxBody>),
    /// The handler failed.
    Failed(Error),
}

impl Caching {
    /// A cached list: 304 when the client holds the current answer, else the stored bytes,
    /// else the handler's answer (stored when exact).
    async fn list<S, B>(
        &self,
        service: &S,
        req: ServiceRequest,
        request: String,
        conditions: &Conditions,
    ) -> Result<ServiceResponse<BoxBody>, Error>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
        B: MessageBody + 'static,
    {
        let generation = match self.results.generation().await {
            Ok(Some(generation)) => generation,
            // No counter (nothing may be cached), or it cannot be read now (the handler meets
            // the same failure and answers with it).
            Ok(None) | Err(_) => return Ok(tagged(service.call(req).await?, conditions, true).await),
        };
        let key = AnswerKey { request, generation, coding: conditions.coding };
        let tag = answer_tag(&key.request, generation, key.coding);
        // Only a 200 gave the client this tag, so it names a current answer; `*` waits for
        // the answer, which may not be a 200.
        if matches!(&conditions.held, Some(IfNoneMatch::Items(_))) && holds(conditions.held.as_ref(), &tag) {
            return Ok(req.into_response(not_modified(tag, true)));
        }
        let pending = RefCell::new(Some(req));
        let outcome = RefCell::new(None);
        let body = self
            .cache
            .body(&key, self.compute(service, &pending, &outcome, generation, conditions, true))
            .await;
        let pending = pending.into_inner();
        match (body, outcome.into_inner(), pending) {
            (Some(bytes), Some(Outcome::Stored(req, _)), _) => {
                Ok(ServiceResponse::new(req, stored(bytes, tag, key.coding, conditions)))
            }
            (Some(bytes), _, Some(req)) => Ok(req.into_response(stored(bytes, tag, key.coding, conditions))),
            (None, Some(Outcome::Stored(req, plain)), _) => {
                let tag = answer_tag(&key.request, generation, Coding::Identity);
                Ok(ServiceResponse::new(req, stored(plain, tag, Coding::Identity, conditions)))
            }
            (_, Some(Outcome::Answered(res)), _) => Ok(res),
            (_, Some(Outcome::Failed(e)), _) => Err(e),
            // The computation this request waited for stored nothing: it runs the handler.
            (_, None, Some(req)) => Ok(tagged(service.call(req).await?, conditions, true).await),
            // Unreachable: a request whose handler ran always leaves an outcome.
            (_, None, None) => Err(ApiError::Bare(StatusCode::INTERNAL_SERVER_ERROR).into()),
        }
    }

    /// Runs the handler for an answer nobody stored: the 200 body when it is exact for
    /// `generation` (the counter still has that value afterwards); otherwise `None`, the answer
    /// being left in `outcome` (with `Vary: Accept-Encoding` when it `varies`).
    async fn compute<S, B>(
        &self,
        service: &S,
        pending: &RefCell<Option<ServiceRequest>>,
        outcome: &RefCell<Option<Outcome>>,
        generation: i64,
        conditions: &Conditions,
        varies: bool,
    ) -> Option<Bytes>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
        B: MessageBody + 'static,
    {
        let req = pending.borrow_mut().take()?;
        let res = match service.call(req).await {
            Ok(res) => res,
            Err(e) => {
                *outcome.borrow_mut() = Some(Outcome::Failed(e));
                return None;
            }
        };
        if res.status() != StatusCode::OK || !is_json(res.response()) {
            *outcome.borrow_mut() = Some(Outcome::Answered(tagged(res, conditions, varies).await));
            return None;
        }
        let (req, response) = res.into_parts();
        let (head, body) = response.into_parts();
        let bytes = match to_bytes(body).await {
            Ok(bytes) => bytes,
            Err(e) => {
                *outcome.borrow_mut() = Some(Outcome::Answered(body_failed(req, e)));
                return None;
            }
        };
        if matches!(self.results.generation().await, Ok(Some(now)) if now == generation) {
            *outcome.borrow_mut() = Some(Outcome::Stored(req, bytes.clone()));
            Some(bytes)
        } else {
            let answer = with_validators(&head, bytes, conditions, varies);
            *outcome.borrow_mut() = Some(Outcome::Answered(ServiceResponse::new(req, answer)));
            None
        }
    }
}

/// The request line of a cached list with its query pairs sorted by name (pairs of one name
/// keep their order, which can matter); `None` for any other path.
fn normalised_list_request(req: &ServiceRequest) -> Option<String> {
    let path = CACHED_LISTS.into_iter().find(|list| *list == req.path())?;
    let mut pairs: Vec<&str> = req.query_string().split('&').filter(|pair| !pair.is_empty()).collect();
    pairs.sort_by_key(|pair| pair.split('=').next().unwrap_or_default());
    Some(format!("{path}?{}", pairs.join("&")))
}

fn is_json(res: &HttpResponse<impl MessageBody>) -> bool {
    res.headers().get(header::CONTENT_TYPE).is_some_and(|value| value == "application/json")
}

/// A handler's answer with validators: a 200 of known size gets the tag of its body (304 when
/// the client holds it); anything else, a streamed body included, passes unchanged.
async fn tagged<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
    conditions: &Conditions,
    varies: bool,
) -> ServiceResponse<BoxBody> {
    if res.status() != StatusCode::OK
        || res.headers().contains_key(header::ETAG)
        || matches!(res.response().body().size(), BodySize::Stream)
    {
        return res.map_into_boxed_body();
    }
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    match to_bytes(body).await {
        Ok(bytes) => ServiceResponse::new(req, with_validators(&head, bytes, conditions, varies)),
        Err(e) => body_failed(req, e),
    }
}

/// A 200 `head` with `bytes` and the tag of the bytes, or 304 when the client holds them.
fn with_validators(
    head: &HttpResponse<()>,
    bytes: Bytes,
    conditions: &Conditions,
    varies: bool,
) -> HttpResponse {
    let tag = body_tag(&bytes);
    if holds(conditions.held.as_ref(), &tag) {
        return not_modified(tag, varies);
    }
    let mut answer = HttpResponse::Ok();
    for (name, value) in head.headers() {
        answer.append_header((name.clone(), value.clone()));
    }
    validators(&mut answer, tag, varies).body(bytes)
}

/// A stored list answer: JSON in `coding`, or 304 when the client holds it.
fn stored(bytes: Bytes, tag: EntityTag, coding: Coding, conditions: &Conditions) -> HttpResponse {
    if holds(conditions.held.as_ref(), &tag) {
        return not_modified(tag, true);
    }
    let mut answer = HttpResponse::Ok();
    answer.content_type("application/json");
    if coding == Coding::Gzip {
        answer.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    validators(&mut answer, tag, true).body(bytes)
}

/// 304 with the validators a 200 would carry, no body.
fn not_modified(tag: EntityTag, varies: bool) -> HttpResponse {
    validators(&mut HttpResponse::NotModified(), tag, varies).finish()
}

/// `ETag`, `Cache-Control: no-cache` and, for answers that depend on `Accept-Encoding`, `Vary`.
fn validators(answer: &mut HttpResponseBuilder, tag: EntityTag, varies: bool) -> &mut HttpResponseBuilder {
    answer.insert_header(ETag(tag)).insert_header((header::CACHE_CONTROL, "no-cache"));
    if varies {
        answer.insert_header((header::VARY, "Accept-Encoding"));
    }
    answer
}

/// A body that could not be read (an in-memory body never fails): logged, 500.
fn body_failed(req: HttpRequest, e: impl Into<Box<dyn std::error::Error>>) -> ServiceResponse<BoxBody> {
    let e = e.into();
    tracing::error!(error = %e, "reading a response body failed: {e}");
    ServiceResponse::new(req, crate::error::bare(StatusCode::INTERNAL_SERVER_ERROR))
}
