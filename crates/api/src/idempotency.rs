//! The `Idempotency-Key` request header of the upload operations.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use domain::idempotency::IdempotencyKey;
use paperclip::{
    actix::OperationModifier,
    v2::{
        models::{DataType, DefaultOperationRaw, Either, Parameter, ParameterIn},
        schema::Apiv2Schema,
    },
};
use serde_json::{Map, json};

use crate::error::ApiError;

/// The header's name.
pub const HEADER: &str = "Idempotency-Key";

/// The raw `Idempotency-Key` header, checked by [`IdempotencyHeader::parse`] in the handler
/// (after authentication, as every input check).
pub struct IdempotencyHeader(Option<Result<String, ()>>);

impl IdempotencyHeader {
    /// The key, if one was sent.
    ///
    /// # Errors
    /// 422 `{"errors":{"headers":{"Idempotency-Key":[...]}}}` for an empty, too long or
    /// non-ASCII key.
    pub fn parse(&self) -> Result<Option<IdempotencyKey>, ApiError> {
        let raw = match &self.0 {
            None => return Ok(None),
            Some(Ok(raw)) => IdempotencyKey::parse(raw),
            Some(Err(())) => Err("Only visible ASCII characters are allowed.".to_owned()),
        };
        raw.map(Some).map_err(|message| {
            let mut errors = Map::new();
            errors.insert(HEADER.into(), json!([message]));
            ApiError::Validation { location: "headers", errors }
        })
    }
}

impl FromRequest for IdempotencyHeader {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(HEADER).map(|v| v.to_str().map(str::to_owned).map_err(drop));
        ready(Ok(Self(value)))
    }
}

impl Apiv2Schema for IdempotencyHeader {}
impl OperationModifier for IdempotencyHeader {
    fn update_parameter(op: &mut DefaultOperationRaw) {
        op.parameters.push(Either::Right(Parameter {
            in_: ParameterIn::Header,
            name: HEADER.into(),
            description: Some(
                "Client-chosen key (1 to 255 visible ASCII characters, e.g. a UUID): a retry of the same request with the same key within 24 hours answers the first answer again and stores nothing; the same key with another request answers 422".into(),
            ),
            required: false,
            data_type: Some(DataType::String),
            ..Default::default()
        }));
    }
}
