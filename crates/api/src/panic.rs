//! A panic while serving a request becomes a logged 500 in the contract's bare shape
//! (`{"code":500,"status":"Internal Server Error"}`, `application/json`). Without this, actix
//! drops the connection and the client gets no answer at all.

use std::{
    any::Any,
    future::{Ready, ready},
    panic::AssertUnwindSafe,
};

use actix_web::{
    Error, HttpResponse, ResponseError,
    dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready},
    http::{Method, StatusCode, Uri},
};
use futures_util::{FutureExt, future::LocalBoxFuture};

/// Middleware catching panics of everything it wraps: the routing, the extractors and the
/// handlers. Register it outermost.
#[derive(Debug, Default, Clone, Copy)]
pub struct CatchPanic;

impl<S, B> Transform<S, ServiceRequest> for CatchPanic
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = CatchPanicService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CatchPanicService { service }))
    }
}

/// The service [`CatchPanic`] wraps around the app.
pub struct CatchPanicService<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for CatchPanicService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // Kept for the log line: the request itself is gone once the panic unwound through it.
        let (method, uri) = (req.method().clone(), req.uri().clone());
        // Whatever the panic interrupted is dropped while unwinding and never used again, so
        // no broken invariant can be observed afterwards.
        let called = std::panic::catch_unwind(AssertUnwindSafe(|| self.service.call(req)));
        let future = match called {
            Ok(future) => future,
            Err(payload) => return Box::pin(ready(Err(panicked(&method, &uri, payload.as_ref())))),
        };
        Box::pin(async move {
            match AssertUnwindSafe(future).catch_unwind().await {
                Ok(outcome) => outcome,
                Err(payload) => Err(panicked(&method, &uri, payload.as_ref())),
            }
        })
    }
}

/// Logs the panic and turns it into the error actix answers with [`HandlerPanicked`]'s body.
fn panicked(method: &Method, uri: &Uri, payload: &(dyn Any + Send)) -> Error {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let path = uri.path();
    tracing::error!(%method, path, panic = message, "request handler panicked: {method} {path}: {message}");
    HandlerPanicked.into()
}

/// A request whose handling panicked: 500 with the bare body.
#[derive(Debug, thiserror::Error)]
#[error("the request handler panicked")]
pub struct HandlerPanicked;

impl ResponseError for HandlerPanicked {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        crate::error::bare(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, body::to_bytes, http::header, test, web};

    use super::*;

    async fn boom() -> HttpResponse {
        panic!("boom")
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_500_and_the_service_keeps_serving() {
        let app = test::init_service(
            App::new()
                .wrap(CatchPanic)
                .route("/boom", web::get().to(boom))
                .route("/ok", web::get().to(|| async { HttpResponse::Ok().finish() })),
        )
        .await;
        for _ in 0..3 {
            let err = test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request())
                .await
                .expect_err("the panic becomes an error");
            let resp = err.error_response();
            assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(resp.headers().get(header::CONTENT_TYPE).unwrap(), "application/json");
            let body = to_bytes(resp.into_body()).await.unwrap();
            assert_eq!(body, r#"{"code":500,"status":"Internal Server Error"}"#);
        }
        let ok = test::call_service(&app, test::TestRequest::get().uri("/ok").to_request()).await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
}
