//! eosc-perf HTTP layer: actix-web handlers, request parsing, the error mapping and the OpenAPI
//! document. It reaches the domain only through services and ports; it never builds SQL and
//! does not know which adapters the server wires in.

pub mod body;
pub mod caching;
pub mod error;
pub mod extract;
pub mod flavor_spec;
pub mod http;
pub mod idempotency;
pub mod limits;
pub mod observe;
pub mod openapi;
pub mod panic;
pub mod params;
pub mod protection;
pub mod ratelimit;
pub mod reply;
pub mod routes;
pub mod wire;

use std::sync::Arc;

use actix_web::{
    App, Error, HttpResponse,
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
    middleware::{ErrorHandlerResponse, ErrorHandlers, NormalizePath, TrailingSlash, from_fn},
    web as aweb,
};
use domain::{
    IdentityProvider,
    access::Access,
    service::{ApiKeyService, CatalogService, ResultService, TagService, UserService},
};
use paperclip::actix::OpenApiExt;
use serde_json::Value;

use crate::error::bare;

/// Everything the handlers need: the services and the identity port.
#[derive(Clone)]
pub struct AppState {
    /// Bearer token to identity.
    pub identity: Arc<dyn IdentityProvider>,
    /// Access levels.
    pub access: Access,
    /// Users.
    pub users: UserService,
    /// Tags.
    pub tags: TagService,
    /// Benchmarks, sites, flavors and their moderation.
    pub catalog: CatalogService,
    /// Results and claims.
    pub results: ResultService,
    /// API keys.
    pub keys: ApiKeyService,
    /// Statistics and rankings of results.
    pub statistics: domain::service::StatisticsService,
    /// Serialised result lists, shared by every worker.
    pub responses: caching::ResponseCache,
}

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `BACKEND_ROUTE`: written into the spec's `servers`.
    pub backend_route: String,
    /// Allowed CORS origin (off when `None`, like the original).
    pub cors_origin: Option<String>,
    /// Request size and shape limits.
    pub limits: limits::RequestLimits,
    /// `RESPONSE_CACHE_BYTES`: bound of the serialised result lists kept in memory.
    pub response_cache_bytes: u64,
    /// `PROTECTION_LEVEL`: whether reads need authentication too.
    pub protection: protection::ProtectionLevel,
    /// Rate limits; the server registers the shared [`ratelimit::Limiters`] when enabled.
    pub rate_limits: ratelimit::RateLimitConfig,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            backend_route: "/".into(),
            cors_origin: None,
            limits: limits::RequestLimits::default(),
            response_cache_bytes: caching::ResponseCache::DEFAULT_BYTES,
            protection: protection::ProtectionLevel::default(),
            rate_limits: ratelimit::RateLimitConfig::default(),
        }
    }
}

/// The OpenAPI document of every registered operation.
pub fn openapi_document(config: &HttpConfig) -> Value {
    let mut document = Value::Null;
    let _app = App::new()
        .wrap_api()
        .configure(routes::configure)
        .with_raw_json_spec(|app, spec| {
            document = spec;
            app
        })
        .build();
    openapi::finish(&document, &config.backend_route)
}

/// The application: routes, spec, Swagger UI, error shapes, prefix handling.
pub fn build_app(
    state: AppState,
    config: HttpConfig,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    build_app_with(state, config, |_| {})
}

/// [`build_app`] with `extra_routes` registered beside the API's, behind the same middleware
/// (the test suites add routes that fail on purpose this way).
pub fn build_app_with(
    state: AppState,
    config: HttpConfig,
    extra_routes: fn(&mut aweb::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let spec = Arc::new(openapi_document(&config));
    let cors_origin = config.cors_origin.clone();
    let options_spec = spec.clone();
    let caching = caching::Caching::new(state.responses.clone(), state.results.clone());
    App::new()
        .wrap(ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, method_not_allowed))
        .wrap(caching)
        // Before the caches: a cached page is never served to a caller the level refuses.
        .wrap(from_fn(protection::protect))
        .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
        .wrap(from_fn(ratelimit::limit))
        .wrap_fn(move |req, srv| {
            let req = http::strip_script_name(req);
            let origin = cors_origin.clone();
            if req.method() == actix_web::http::Method::OPTIONS
                && let Some(resp) = http::options_response(&options_spec, req.path(), origin.as_deref())
            {
                let res = req.into_response(resp);
                return Box::pin(async move { Ok(res) }) as futures_util::future::LocalBoxFuture<'static, _>;
            }
            let (req, is_head) = http::head_as_get(req);
            let fut = actix_web::dev::Service::call(srv, req);
            Box::pin(async move {
                let mut res = fut.await?.map_into_boxed_body();
                if let Some(origin) = origin
                    && let Ok(value) = header::HeaderValue::from_str(&origin)
                {
                    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
                }
                Ok(if is_head { http::without_body(res) } else { res })
            })
        })
        .wrap(panic::CatchPanic)
        .app_data(aweb::Data::new(state))
        .app_data(aweb::PayloadConfig::new(config.limits.max_body_bytes))
        .app_data(config.limits)
        .app_data(config.protection)
        .wrap_api()
        .configure(routes::configure)
        // Swagger UI needs a spec path registered; the served document is `/api-spec.json`.
        .with_json_spec_at("/swagger-ui/swagger-v2.json")
        .with_swagger_ui_at("/swagger-ui")
        .build()
        .configure(extra_routes)
        .route(
            "/api-spec.json",
            aweb::get().to(move || {
                let spec = spec.clone();
                async move { HttpResponse::Ok().json(&*spec) }
            }),
        )
        .route("/", aweb::get().to(openapi::swagger_page))
        .default_service(aweb::to(|| async { bare(StatusCode::NOT_FOUND) }))
}

/// 405 with the original's body; but a path whose id is not a UUID matches no route at all
/// in the original, whatever the method: 404.
fn method_not_allowed<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, _) = res.into_parts();
    let bad_id = req.match_info().iter().any(|(_, value)| extract::path_uuid(value).is_none());
    let res = bare(if bad_id { StatusCode::NOT_FOUND } else { StatusCode::METHOD_NOT_ALLOWED });
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, res).map_into_right_body()))
}
