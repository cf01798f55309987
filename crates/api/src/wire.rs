//! Value types of the wire whose OpenAPI schema paperclip cannot derive: each serialises as the
//! value it wraps and declares its schema by hand (`Apiv2Schema`). The representations in
//! `routes` use them as field types, so their derived schemas carry these.

use paperclip::v2::{
    models::{DataType, DataTypeFormat, DefaultSchemaRaw, Either},
    schema::Apiv2Schema,
};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

/// A naive UTC datetime as the server writes it: Python's `isoformat()`, no offset,
/// microseconds only when non-zero (contract §2.5; built by [`crate::reply::datetime`]).
///
/// Its schema says `format: date-time`, the only datetime format paperclip knows; the OpenAPI
/// finishing pass (`openapi::schema`) replaces it with the pattern of what is really sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NaiveUtc(pub(crate) String);

impl NaiveUtc {
    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as sent, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Apiv2Schema for NaiveUtc {
    fn raw_schema() -> DefaultSchemaRaw {
        DefaultSchemaRaw {
            data_type: Some(DataType::String),
            format: Some(DataTypeFormat::DateTime),
            ..Default::default()
        }
    }
}

/// A free-form JSON object inside a representation (a result's `json`, an error's `errors`):
/// `type: object` with any members (`additionalProperties: {}`).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct JsonObject(pub Value);

impl Apiv2Schema for JsonObject {
    fn raw_schema() -> DefaultSchemaRaw {
        any_object(None)
    }
}

/// A benchmark's JSON Schema (`json_schema`): a free-form object, documented with the
/// original's example schema.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct BenchmarkJsonSchema(pub Arc<Value>);

impl Apiv2Schema for BenchmarkJsonSchema {
    fn raw_schema() -> DefaultSchemaRaw {
        any_object(Some(json!({
            "$id": "https://example.com/benchmark.schema.json",
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "type": "object",
            "properties": {
                "start_datetime": {"description": "The benchmark start datetime.", "type": "string", "format": "date-time"},
                "end_datetime": {"description": "The benchmark end datetime.", "type": "string", "format": "date-time"},
                "machine": {
                    "description": "Execution machine details.",
                    "type": "object",
                    "properties": {
                        "cpus": {"description": "Number of CPU.", "type": "integer"},
                        "ram": {"description": "Available RAM in MB.", "type": "integer"},
                    },
                    "required": ["cpus", "ram"],
                },
            },
            "required": ["start_datetime", "end_datetime", "machine"],
        })))
    }
}

/// The body of `POST /results`, component `Json`: any JSON object (the benchmark's JSON Schema
/// decides what is accepted). The original declares it with `additionalProperties: true`, where
/// object fields say `{}`; both mean "any member".
pub struct JsonDocument;

impl Apiv2Schema for JsonDocument {
    fn name() -> Option<String> {
        Some("Json".into())
    }

    fn raw_schema() -> DefaultSchemaRaw {
        DefaultSchemaRaw {
            name: Self::name(),
            data_type: Some(DataType::Object),
            extra_props: Some(Either::Left(true)),
            ..Default::default()
        }
    }
}

/// `type: object` with any members, and an example.
fn any_object(example: Option<Value>) -> DefaultSchemaRaw {
    DefaultSchemaRaw {
        data_type: Some(DataType::Object),
        extra_props: Some(Either::Right(Box::default())),
        example,
        ..Default::default()
    }
}
