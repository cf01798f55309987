//! Request extractors. They never fail on their own: authentication, query and body are
//! checked inside the handler, in the contract's order (auth, then query, then body). Their
//! `OperationModifier` impls contribute the OpenAPI parameters and request bodies.

use std::{collections::BTreeMap, future::Future, marker::PhantomData, pin::Pin};

use actix_web::{
    FromRequest, HttpMessage, HttpRequest,
    dev::Payload,
    error::PayloadError,
    http::{StatusCode, header},
    web,
};
use domain::{
    AuthError, Identity,
    access::{Admin, Registered},
    api_key::Scope,
};
use paperclip::{
    actix::OperationModifier,
    v2::{
        models::{
            DataType, DataTypeFormat, DefaultOperationRaw, DefaultSchemaRaw, Either, Items, Parameter,
            ParameterIn,
        },
        schema::Apiv2Schema,
    },
};
use serde_json::{Map, Value};

use crate::{
    AppState,
    body::{self, BodySpec},
    error::ApiError,
    limits::RequestLimits,
    params::{Kind, Param, Query},
};

/// The limits the app was built with (the defaults when none were registered).
fn limits_of(req: &HttpRequest) -> RequestLimits {
    req.app_data::<RequestLimits>().copied().unwrap_or_default()
}

/// The identity a request's bearer token resolved to, when an earlier step (the
/// `PROTECTION_LEVEL=ALL` check) already resolved it: [`Auth`] reuses it instead of asking again.
#[derive(Debug, Clone)]
pub struct ResolvedIdentity(pub Identity);

/// The bearer token of the request, if any (checked lazily, see [`Auth::identify`]).
pub struct Auth {
    header: Option<String>,
    resolved: Option<Identity>,
}

/// The identity behind an `Authorization` header value: an OIDC token or an API key.
///
/// # Errors
/// 401 with the flaat description.
pub async fn resolve_bearer(header: Option<&str>, state: &AppState) -> Result<Identity, ApiError> {
    let value = header.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(AuthError::no_header);
    let value = value.map_err(domain::DomainError::from)?;
    let token = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| domain::DomainError::from(AuthError::no_bearer()))?;
    Ok(state.identity.identify(token).await.map_err(domain::DomainError::from)?)
}

impl Auth {
    /// The caller's identity, from an OIDC token or an API key; no level is checked.
    async fn resolve(&self, state: &AppState) -> Result<Identity, ApiError> {
        match &self.resolved {
            Some(who) => Ok(who.clone()),
            None => resolve_bearer(self.header.as_deref(), state).await,
        }
    }

    /// Resolves the caller (level *token*): an OIDC token; API keys are refused.
    ///
    /// # Errors
    /// 401 with the flaat description, 403 (flaat body) for an API key.
    pub async fn identify(&self, state: &AppState) -> Result<Identity, ApiError> {
        let who = self.resolve(state).await?;
        state.access.token(&who)?;
        Ok(who)
    }

    /// Level *user*: the caller must be registered and use an OIDC token.
    ///
    /// # Errors
    /// 401, or 403 (flaat body) when not registered or for an API key.
    pub async fn user(&self, state: &AppState) -> Result<Registered, ApiError> {
        let who = self.resolve(state).await?;
        Ok(state.access.user(&who).await?)
    }

    /// Level *user* for an operation API keys with `scope` may perform.
    ///
    /// # Errors
    /// 401, or 403 (flaat body) when not registered or for a key without `scope`.
    pub async fn user_with_scope(&self, state: &AppState, scope: Scope) -> Result<Registered, ApiError> {
        let who = self.resolve(state).await?;
        Ok(state.access.user_with_scope(&who, scope).await?)
    }

    /// Level *admin*: registered and holding an admin entitlement (never an API key).
    ///
    /// # Errors
    /// 401, or 403 (flaat body).
    pub async fn admin(&self, state: &AppState) -> Result<Admin, ApiError> {
        let who = self.resolve(state).await?;
        Ok(state.access.admin(&who).await?)
    }
}

impl FromRequest for Auth {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header =
            req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let resolved = req.extensions().get::<ResolvedIdentity>().map(|r| r.0.clone());
        std::future::ready(Ok(Auth { header, resolved }))
    }
}

impl Apiv2Schema for Auth {}
impl OperationModifier for Auth {}

/// A static list of query parameters for one endpoint.
pub trait QuerySpec {
    /// The parameters, in spec order.
    const PARAMS: &'static [Param];
}

/// The raw query string, validated on demand against `S` within the app's limits.
pub struct QueryArgs<S: QuerySpec>(String, RequestLimits, PhantomData<S>);

impl<S: QuerySpec> QueryArgs<S> {
    /// Validates the query.
    ///
    /// # Errors
    /// 422 with the messages of every bad or unknown parameter.
    pub fn parse(&self) -> Result<Query, ApiError> {
        Query::parse_within(&self.0, S::PARAMS, &self.1)
    }
}

impl<S: QuerySpec> FromRequest for QueryArgs<S> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(QueryArgs(req.query_string().to_owned(), limits_of(req), PhantomData)))
    }
}

impl<S: QuerySpec> Apiv2Schema for QueryArgs<S> {}
impl<S: QuerySpec> OperationModifier for QueryArgs<S> {
    fn update_parameter(op: &mut DefaultOperationRaw) {
        for p in S::PARAMS {
            op.parameters.push(Either::Right(param_doc(p)));
        }
    }
}

fn param_doc(p: &Param) -> Parameter<DefaultSchemaRaw> {
    let (data_type, format, items, enum_, min, max) = match p.kind {
        Kind::Str => (DataType::String, None, None, vec![], None, None),
        Kind::Int { min, max } => (DataType::Integer, None, None, vec![], Some(min), max),
        Kind::Date => (DataType::String, Some(DataTypeFormat::Date), None, vec![], None, None),
        Kind::DateTime => (DataType::String, Some(DataTypeFormat::DateTime), None, vec![], None, None),
        Kind::Uuid => (DataType::String, Some(DataTypeFormat::Uuid), None, vec![], None, None),
        Kind::Status => {
            (DataType::String, None, None, vec!["on_review".into(), "approved".into()], None, None)
        }
        Kind::ResourceType => (
            DataType::String,
            None,
            None,
            vec!["benchmark".into(), "claim".into(), "site".into(), "flavor".into()],
            None,
            None,
        ),
        Kind::OneOf(choices) => {
            (DataType::String, None, None, choices.iter().map(|c| (*c).into()).collect(), None, None)
        }
        Kind::StrList => (
            DataType::Array,
            None,
            Some(Items { data_type: Some(DataType::String), ..Default::default() }),
            vec![],
            None,
            None,
        ),
        Kind::UuidList => (
            DataType::Array,
            None,
            Some(Items {
                data_type: Some(DataType::String),
                format: Some(DataTypeFormat::Uuid),
                ..Default::default()
            }),
            vec![],
            None,
            None,
        ),
    };
    #[expect(clippy::cast_precision_loss, reason = "bounds are 1 and 100")]
    Parameter {
        description: Some(p.description.to_owned()),
        in_: ParameterIn::Query,
        name: p.name.to_owned(),
        required: p.required,
        data_type: Some(data_type),
        format,
        items,
        default: p.default.and_then(|d| serde_json::from_str(d).ok()),
        minimum: min.map(|m| m as f32),
        maximum: max.map(|m| m as f32),
        enum_,
        ..Default::default()
    }
}

/// A body schema marker.
pub trait BodySchema {
    /// The schema.
    const SPEC: BodySpec;
}

/// The raw body, validated on demand against `S`. A body that could not be read (past the app's
/// size limit, or corrupted in transit) keeps the status it answers, 413 or 400, until the
/// handler asks for it, so that authentication and query errors keep their precedence
/// (contract §2.6).
pub struct JsonBody<S> {
    bytes: Result<web::Bytes, StatusCode>,
    is_json: bool,
    limits: RequestLimits,
    _spec: PhantomData<S>,
}

impl<S: BodySchema> JsonBody<S> {
    /// Validates the body against `S`.
    ///
    /// # Errors
    /// 413 too large, 400 malformed JSON, 422 field errors.
    pub fn fields(&self) -> Result<Map<String, Value>, ApiError> {
        body::validate(self.object()?, &S::SPEC, &self.limits)
    }
}

impl<S> JsonBody<S> {
    /// The body as a JSON object, without field validation (free-form documents).
    ///
    /// # Errors
    /// 413 too large, 400 malformed JSON, 422 when not an object.
    pub fn object(&self) -> Result<Map<String, Value>, ApiError> {
        body::object(body::parse_json(self.bytes()?, self.is_json)?)
    }

    /// The body as a result document: within the document size and depth limits, then an
    /// object. Returns the object and its size in bytes as sent.
    ///
    /// # Errors
    /// 413 too large, 422 too deep, 400 malformed JSON, 422 when not an object.
    pub fn result_document(&self) -> Result<(Map<String, Value>, usize), ApiError> {
        let bytes = self.bytes()?;
        if self.is_json {
            self.limits.check_result_document(bytes)?;
        }
        Ok((self.object()?, bytes.len()))
    }

    /// The body as a JSON object, without field validation, and its size in bytes as sent.
    ///
    /// # Errors
    /// 413 too large, 400 malformed JSON, 422 when not an object.
    pub fn object_and_size(&self) -> Result<(Map<String, Value>, usize), ApiError> {
        Ok((self.object()?, self.bytes()?.len()))
    }

    /// The request limits of the app.
    pub fn limits(&self) -> &RequestLimits {
        &self.limits
    }

    fn bytes(&self) -> Result<&[u8], ApiError> {
        self.bytes.as_deref().map_err(|status| ApiError::Bare(*status))
    }
}

impl<S: 'static> FromRequest for JsonBody<S> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
                let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            });
        let limits = limits_of(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            });
            Ok(JsonBody { bytes, is_json, limits, _spec: PhantomData })
        })
    }
}

impl<S: BodySchema> Apiv2Schema for JsonBody<S> {}
impl<S: BodySchema> OperationModifier for JsonBody<S> {
    fn update_parameter(op: &mut DefaultOperationRaw) {
        op.parameters.push(Either::Right(Parameter {
            in_: ParameterIn::Body,
            name: "body".into(),
            required: true,
            schema: Some(DefaultSchemaRaw {
                reference: Some(format!("#/definitions/{}", S::SPEC.component)),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    fn update_definitions(_map: &mut BTreeMap<String, DefaultSchemaRaw>) {}
}

/// The id of the `T` the path's `{…_id}` segment names. A malformed UUID matches no route:
/// bare 404 before any auth check (contract §1).
pub struct IdPath<T>(pub domain::Id<T>);

/// The hyphenated form only (any case), like werkzeug's `uuid` converter: the simple, braced
/// and URN forms that `Uuid::parse_str` also accepts match no route in the original.
pub fn path_uuid(segment: &str) -> Option<uuid::Uuid> {
    if segment.len() != 36 {
        return None;
    }
    uuid::Uuid::parse_str(segment).ok()
}

impl<T: 'static> FromRequest for IdPath<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.match_info().iter().next().and_then(|(_, v)| path_uuid(v)).map(domain::Id::from_uuid);
        std::future::ready(id.map(IdPath).ok_or_else(|| ApiError::Bare(StatusCode::NOT_FOUND).into()))
    }
}

impl<T> Apiv2Schema for IdPath<T> {}
impl<T> OperationModifier for IdPath<T> {}

#[cfg(test)]
mod tests {
    #[test]
    fn path_ids_must_be_hyphenated_uuids() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(super::path_uuid(&id.to_string()), Some(id));
        assert_eq!(super::path_uuid(&id.to_string().to_uppercase()), Some(id));
        assert_eq!(super::path_uuid(&id.simple().to_string()), None);
        assert_eq!(super::path_uuid(&id.braced().to_string()), None);
        assert_eq!(super::path_uuid(&id.urn().to_string()), None);
        assert_eq!(super::path_uuid("0a0be4b8-fd4d-450d-8178-8947e707cce"), None);
    }
}
