//! Query parameters: one static table per endpoint drives both validation (webargs-style
//! messages, unknown names refused, `[]` suffix stripped, first value wins) and the OpenAPI
//! parameter list, so the two never drift apart.

mod dates;
mod values;

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
pub use dates::{parse_date, parse_datetime, to_utc};
use domain::{
    DateRange, Id, PageRequest, SortKey, Status,
    mail::ItemKind,
    query::{ListParams, SortField, parse_sort},
};
use serde_json::{Map, json};
use uuid::Uuid;

use crate::{error::ApiError, limits::RequestLimits};

/// The type of a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free string.
    Str,
    /// Integer with bounds.
    Int {
        /// Inclusive minimum.
        min: i64,
        /// Inclusive maximum.
        max: Option<i64>,
    },
    /// `YYYY-MM-DD`.
    Date,
    /// ISO-8601 date and time, optional zone.
    DateTime,
    /// UUID.
    Uuid,
    /// `on_review` | `approved`.
    Status,
    /// `benchmark` | `claim` | `site` | `flavor`.
    ResourceType,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// Repeatable string.
    StrList,
    /// Repeatable UUID.
    UuidList,
}

/// One declared query parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Name on the wire.
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// Whether it must be present.
    pub required: bool,
    /// Default, as a JSON literal (for the spec and for parsing).
    pub default: Option<&'static str>,
    /// Description in the spec.
    pub description: &'static str,
}

impl Param {
    /// An optional parameter without default.
    pub const fn opt(name: &'static str, kind: Kind, description: &'static str) -> Self {
        Self { name, kind, required: false, default: None, description }
    }
    /// A required parameter.
    pub const fn req(name: &'static str, kind: Kind, description: &'static str) -> Self {
        Self { name, kind, required: true, default: None, description }
    }
    /// With a default.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }
}

/// `per_page`, 1 to 100, default 100.
pub const PER_PAGE: Param = Param::opt(
    "per_page",
    Kind::Int { min: 1, max: Some(100) },
    "The number of items to be displayed on a page",
)
.with_default("100");
/// `page`, at least 1, default 1.
pub const PAGE: Param =
    Param::opt("page", Kind::Int { min: 1, max: None }, "The return page number (1 indexed)")
        .with_default("1");
/// `status`, default approved.
pub const STATUS: Param =
    Param::opt("status", Kind::Status, "Resource current state").with_default("\"approved\"");
/// `upload_before`.
pub const UPLOAD_BEFORE: Param =
    Param::opt("upload_before", Kind::Date, "Results with upload before date (ISO8601)");
/// `upload_after`.
pub const UPLOAD_AFTER: Param =
    Param::opt("upload_after", Kind::Date, "Results with upload after date (ISO8601)");
/// `terms`.
pub const TERMS: Param =
    Param::opt("terms", Kind::StrList, "List of terms (string subsets)").with_default("[]");
/// `sort_by` with no default ordering (search endpoints).
pub const SORT_NONE: Param =
    Param::opt("sort_by", Kind::Str, "Order to return the results (coma separated)").with_default("\"\"");

/// A parsed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// String.
    Str(String),
    /// Integer.
    Int(i64),
    /// Date.
    Date(NaiveDate),
    /// Date-time, with its zone when one was given.
    DateTime(NaiveDateTime, Option<FixedOffset>),
    /// UUID.
    Uuid(Uuid),
    /// Status.
    Status(Status),
    /// Submit resource type.
    ResourceType(ItemKind),
    /// String list.
    StrList(Vec<String>),
    /// UUID list.
    UuidList(Vec<Uuid>),
}

/// Validated query parameters of one request.
#[derive(Debug, Default)]
pub struct Query {
    values: HashMap<&'static str, Val>,
}

/// Decodes a query string into (name, value) pairs, `[]` stripped from names.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let name = k.strip_suffix("[]").unwrap_or(&k).to_owned();
            (name, v.into_owned())
        })
        .collect()
}

impl Query {
    /// Validates `query` against `spec` under the default [`RequestLimits`].
    ///
    /// # Errors
    /// 422 with every field's messages.
    pub fn parse(query: &str, spec: &'static [Param]) -> Result<Self, ApiError> {
        Self::parse_within(query, spec, &RequestLimits::default())
    }

    /// Validates `query` against `spec`; list parameters must stay within `limits`.
    ///
    /// # Errors
    /// 422 with every field's messages.
    pub fn parse_within(
        query: &str,
        spec: &'static [Param],
        limits: &RequestLimits,
    ) -> Result<Self, ApiError> {
        let pairs = pairs(query);
        let mut errors = Map::new();
        for (name, _) in &pairs {
            if !spec.iter().any(|p| p.name == name) {
                errors.insert(name.clone(), json!(["Unknown field."]));
            }
        }
        let mut values = HashMap::new();
        for param in spec {
            let given: Vec<&str> =
                pairs.iter().filter(|(n, _)| n == param.name).map(|(_, v)| v.as_str()).collect();
            match values::parse_one(param, &given, limits) {
                Ok(Some(v)) => {
                    values.insert(param.name, v);
                }
                Ok(None) => {}
                Err(e) => {
                    errors.insert(param.name.to_owned(), e);
                }
            }
        }
        if errors.is_empty() {
            Ok(Self { values })
        } else {
            Err(ApiError::Validation { location: "query", errors })
        }
    }

    /// A string parameter.
    pub fn str(&self, name: &str) -> Option<String> {
        match self.values.get(name) {
            Some(Val::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }
    /// A UUID parameter, as the id of a `T`.
    pub fn id<T>(&self, name: &str) -> Option<Id<T>> {
        match self.values.get(name) {
            Some(Val::Uuid(u)) => Some(Id::from_uuid(*u)),
            _ => None,
        }
    }
    /// A date parameter.
    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        match self.values.get(name) {
            Some(Val::Date(d)) => Some(*d),
            _ => None,
        }
    }
    /// A date-time parameter and its zone.
    pub fn datetime(&self, name: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
        match self.values.get(name) {
            Some(Val::DateTime(d, z)) => Some((*d, *z)),
            _ => None,
        }
    }
    /// A string list (empty when absent).
    pub fn strs(&self, name: &str) -> Vec<String> {
        match self.values.get(name) {
            Some(Val::StrList(v)) => v.clone(),
            _ => Vec::new(),
        }
    }
    /// An integer parameter.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.values.get(name) {
            Some(Val::Int(i)) => Some(*i),
            _ => None,
        }
    }
    /// A UUID list, as ids of `T`s (empty when absent).
    pub fn ids<T>(&self, name: &str) -> Vec<Id<T>> {
        match self.values.get(name) {
            Some(Val::UuidList(v)) => v.iter().copied().map(Id::from_uuid).collect(),
            _ => Vec::new(),
        }
    }
    /// The `status` filter (default approved).
    pub fn status(&self) -> Option<Status> {
        match self.values.get("status") {
            Some(Val::Status(s)) => Some(*s),
            _ => None,
        }
    }
    /// The submit `resource_type` filter.
    pub fn resource_type(&self) -> Option<ItemKind> {
        match self.values.get("resource_type") {
            Some(Val::ResourceType(k)) => Some(*k),
            _ => None,
        }
    }
    /// `page` and `per_page`.
    pub fn page(&self) -> PageRequest {
        let get = |n: &str, d: u64| match self.values.get(n) {
            Some(Val::Int(i)) => u64::try_from(*i).unwrap_or(d),
            _ => d,
        };
        PageRequest { page: get("page", 1), per_page: get("per_page", 100) }
    }
    /// `upload_before` / `upload_after`.
    pub fn uploaded(&self) -> DateRange {
        DateRange { before: self.date("upload_before"), after: self.date("upload_after") }
    }
    /// `execution_before` / `execution_after`.
    pub fn executed(&self) -> DateRange {
        DateRange { before: self.date("execution_before"), after: self.date("execution_after") }
    }
    /// `sort_by` (as given, or its default) as the sort keys of a resource's fields `F`.
    ///
    /// # Errors
    /// 422 for an unknown field or sign.
    pub fn sort<F: SortField>(&self) -> Result<Vec<SortKey<F>>, ApiError> {
        Ok(parse_sort(&self.str("sort_by").unwrap_or_default())?)
    }
}

/// The common list arguments (status, upload dates, terms, sort on the fields `S`, page) of a
/// validated query.
///
/// # Errors
/// 422 for a bad `sort_by`.
pub fn list_params<S: SortField>(q: &Query) -> Result<ListParams<S>, ApiError> {
    Ok(ListParams {
        status: q.status(),
        uploaded: q.uploaded(),
        terms: q.strs("terms"),
        sort: q.sort()?,
        page: q.page(),
    })
}

/// A `sort_by` parameter with a default and the reference's description.
pub const fn sort_by(default: &'static str, description: &'static str) -> Param {
    Param::opt("sort_by", Kind::Str, description).with_default(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[Param] = &[PER_PAGE, PAGE, TERMS, STATUS];

    #[test]
    fn unknown_names_bad_values_and_brackets() {
        let q = Query::parse("terms[]=a&terms=b&per_page=5&per_page=7", SPEC).unwrap();
        assert_eq!(q.strs("terms"), vec!["a", "b"]);
        assert_eq!(q.page().per_page, 5);
        let err = Query::parse("bad=1&per_page=0&page=x&status=nope", SPEC).unwrap_err();
        let ApiError::Validation { errors, .. } = err else { panic!() };
        assert_eq!(errors["bad"], json!(["Unknown field."]));
        assert_eq!(
            errors["per_page"],
            json!(["Must be greater than or equal to 1 and less than or equal to 100."])
        );
        assert_eq!(errors["page"], json!(["Not a valid integer."]));
        assert_eq!(errors["status"], json!(["Must be one of: on_review, approved."]));
    }

    #[test]
    fn lists_are_bounded_in_count_and_value_length() {
        let limits = RequestLimits { max_terms: 2, max_value_chars: 3, ..RequestLimits::default() };
        assert!(Query::parse_within("terms=a&terms=b", SPEC, &limits).is_ok());
        let err = Query::parse_within("terms=a&terms=b&terms=c", SPEC, &limits).unwrap_err();
        let ApiError::Validation { errors, .. } = err else { panic!() };
        assert_eq!(errors["terms"], json!(["Longer than maximum length 2."]));
        let err = Query::parse_within("terms=abc&terms=abcd", SPEC, &limits).unwrap_err();
        let ApiError::Validation { errors, .. } = err else { panic!() };
        assert_eq!(errors["terms"], json!({"1": ["Longer than maximum length 3."]}));
    }
}
