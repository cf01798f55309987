//! `GET /results/{id}` served from the response cache. A result's representation depends on
//! its row, its tag links and the rows of its benchmark, site, flavor and tags: all tables the
//! change counter covers (migration `create_change_counter`). So, like the lists, an answer is
//! kept as bytes under (request, counter value) and stored only when the counter is unchanged
//! after computing it, which makes it exact on every replica.
//!
//! Unlike the lists, the answer keeps the `ETag` it had before it was cached, a digest of its
//! body (no `Vary`: it is never compressed): the counter moves with every upload, while a
//! single result rarely changes, so a tag of the body stays current for its holders across
//! unrelated writes. Hiding a result (a claim, an admin delete) does not change it either:
//! hidden results are read by id unchanged. Only 200 answers are stored (404 and 422 are not).

use std::cell::RefCell;

use actix_web::{
    Error, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse},
    http::StatusCode,
    web::Bytes,
};
use uuid::Uuid;

use super::{
    Caching, Conditions, Outcome, not_modified, tagged,
    validators::{Coding, body_tag, holds},
};
use crate::{caching::AnswerKey, error::ApiError};

/// The request line of `GET /results/{id}` when the one segment after `/results/` is a UUID
/// (not `/results/{id}/tags`, `/results/{id}:claim`, ...), its query pairs sorted by name.
pub(super) fn result_by_id_request(req: &ServiceRequest) -> Option<String> {
    let id = req.path().strip_prefix("/results/")?;
    Uuid::try_parse(id).ok()?;
    let mut pairs: Vec<&str> = req.query_string().split('&').filter(|pair| !pair.is_empty()).collect();
    pairs.sort_by_key(|pair| pair.split('=').next().unwrap_or_default());
    Some(format!("{}?{}", req.path(), pairs.join("&")))
}

impl Caching {
    /// A result by id: the stored bytes of its answer at the current counter value, else the
    /// handler's answer (stored when exact); 304 when the client holds the body's tag.
    pub(super) async fn result_by_id<S, B>(
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
            Ok(None) | Err(_) => return Ok(tagged(service.call(req).await?, conditions, false).await),
        };
        let key = AnswerKey { request, generation, coding: Coding::Identity };
        let pending = RefCell::new(Some(req));
        let outcome = RefCell::new(None);
        let body = self
            .cache
            .body(&key, self.compute(service, &pending, &outcome, generation, conditions, false))
            .await;
        match (body, outcome.into_inner(), pending.into_inner()) {
            (Some(bytes), Some(Outcome::Stored(req, _)), _)
            | (None, Some(Outcome::Stored(req, bytes)), _) => {
                Ok(ServiceResponse::new(req, stored_result(bytes, conditions)))
            }
            (Some(bytes), _, Some(req)) => Ok(req.into_response(stored_result(bytes, conditions))),
            (_, Some(Outcome::Answered(res)), _) => Ok(res),
            (_, Some(Outcome::Failed(e)), _) => Err(e),
            // The computation this request waited for stored nothing: it runs the handler.
            (_, None, Some(req)) => Ok(tagged(service.call(req).await?, conditions, false).await),
            // Unreachable: a request whose handler ran always leaves an outcome.
            (_, None, None) => Err(ApiError::Bare(StatusCode::INTERNAL_SERVER_ERROR).into()),
        }
    }
}

/// A stored result: its JSON with the tag of the bytes, or 304 when the client holds them.
fn stored_result(bytes: Bytes, conditions: &Conditions) -> HttpResponse {
    let tag = body_tag(&bytes);
    if holds(conditions.held.as_ref(), &tag) {
        return not_modified(tag, false);
    }
    let mut answer = HttpResponse::Ok();
    answer.content_type("application/json");
    super::validators(&mut answer, tag, false).body(bytes)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(uri: &str) -> Option<String> {
        result_by_id_request(&TestRequest::get().uri(uri).to_srv_request())
    }

    #[test]
    fn only_the_path_of_one_result_is_matched() {
        let id = "77e88a60-5d33-43d3-b802-27273278489e";
        assert_eq!(request(&format!("/results/{id}")), Some(format!("/results/{id}?")));
        assert_eq!(request(&format!("/results/{id}?b=1&a=2")), Some(format!("/results/{id}?a=2&b=1")));
        for other in [
            format!("/results/{id}/uploader"),
            format!("/results/{id}/tags"),
            format!("/results/{id}:claim"),
            "/results/not-a-uuid".to_owned(),
            "/results".to_owned(),
            "/results:search".to_owned(),
            format!("/sites/{id}"),
        ] {
            assert_eq!(request(&other), None, "{other}");
        }
    }
}
