//! Query parameters: one static table per endpoint drives both validation (webargs-style
//! messages, unknown names refused, `[]` suffix stripped, first value wins) and the OpenAPI
//! parameter list, so the two never drift apart.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use domain::{DateRange, PageRequest, Status, mail::ItemKind};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::error::ApiError;

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
    /// Validates `query` against `spec`.
    ///
    /// # Errors
    /// 422 with every field's messages.
    pub fn parse(query: &str, spec: &'static [Param]) -> Result<Self, ApiError> {
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
            match parse_one(param, &given) {
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
    /// A UUID parameter.
    pub fn uuid(&self, name: &str) -> Option<Uuid> {
        match self.values.get(name) {
            Some(Val::Uuid(u)) => Some(*u),
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
    /// A UUID list (empty when absent).
    pub fn uuids(&self, name: &str) -> Vec<Uuid> {
        match self.values.get(name) {
            Some(Val::UuidList(v)) => v.clone(),
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
    /// `sort_by` as given, or its default.
    pub fn sort_by(&self) -> String {
        self.str("sort_by").unwrap_or_default()
    }
}

fn parse_one(param: &Param, given: &[&str]) -> Result<Option<Val>, Value> {
    let list = matches!(param.kind, Kind::StrList | Kind::UuidList);
    if given.is_empty() {
        if param.required {
            return Err(json!(["Missing data for required field."]));
        }
        return Ok(param.default.map(|d| default_value(param.kind, d)));
    }
    if let Some(bad) = given.iter().find(|v| v.contains('\0')) {
        let _ = bad;
        return Err(json!(["Not a valid string: NUL characters are not allowed."]));
    }
    if list {
        return match param.kind {
            Kind::UuidList => {
                let mut ids = Vec::new();
                let mut errs = Map::new();
                for (i, v) in given.iter().enumerate() {
                    match Uuid::parse_str(v) {
                        Ok(u) => ids.push(u),
                        Err(_) => {
                            errs.insert(i.to_string(), json!(["Not a valid UUID."]));
                        }
                    }
                }
                if errs.is_empty() { Ok(Some(Val::UuidList(ids))) } else { Err(Value::Object(errs)) }
            }
            _ => Ok(Some(Val::StrList(given.iter().map(|s| (*s).to_owned()).collect()))),
        };
    }
    let raw = given[0];
    let msg = |m: &str| json!([m]);
    let val = match param.kind {
        Kind::Str => Val::Str(raw.to_owned()),
        Kind::Int { min, max } => {
            let n: i64 = raw.trim().parse().map_err(|_| msg("Not a valid integer."))?;
            let out = n < min || max.is_some_and(|m| n > m);
            if out {
                return Err(match max {
                    Some(m) => {
                        msg(&format!("Must be greater than or equal to {min} and less than or equal to {m}."))
                    }
                    None => msg(&format!("Must be greater than or equal to {min}.")),
                });
            }
            Val::Int(n)
        }
        Kind::Date => Val::Date(parse_date(raw).ok_or_else(|| msg("Not a valid date."))?),
        Kind::DateTime => {
            let (dt, zone) = parse_datetime(raw).ok_or_else(|| msg("Not a valid datetime."))?;
            Val::DateTime(dt, zone)
        }
        Kind::Uuid => Val::Uuid(Uuid::parse_str(raw).map_err(|_| msg("Not a valid UUID."))?),
        Kind::Status => {
            Val::Status(Status::parse(raw).ok_or_else(|| msg("Must be one of: on_review, approved."))?)
        }
        Kind::ResourceType => Val::ResourceType(
            ItemKind::parse(raw).ok_or_else(|| msg("Must be one of: benchmark, claim, site, flavor."))?,
        ),
        Kind::StrList | Kind::UuidList => return Ok(None),
    };
    Ok(Some(val))
}

fn default_value(kind: Kind, literal: &str) -> Val {
    let v: Value = serde_json::from_str(literal).unwrap_or(Value::Null);
    match (kind, v) {
        (Kind::Int { .. }, Value::Number(n)) => Val::Int(n.as_i64().unwrap_or(1)),
        (Kind::Status, Value::String(s)) => Val::Status(Status::parse(&s).unwrap_or(Status::Approved)),
        (Kind::StrList, _) => Val::StrList(Vec::new()),
        (Kind::UuidList, _) => Val::UuidList(Vec::new()),
        (_, Value::String(s)) => Val::Str(s),
        _ => Val::Str(String::new()),
    }
}

/// `YYYY-MM-DD`, one-digit month and day tolerated.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let mut parts = raw.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    if ![y, m, d].iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// ISO-8601 date and time (contract §2.5): date, `T` or space, `HH:MM[:SS][.fraction]`, then an
/// optional `Z`, `±HH`, `±HHMM` or `±HH:MM`.
pub fn parse_datetime(raw: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let split = raw.find(['T', ' '])?;
    let date = parse_date(&raw[..split])?;
    let rest = &raw[split + 1..];
    let zone_at = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    let fields: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&fields.len())
        || fields.iter().any(|f| !(1..=2).contains(&f.len()) || !f.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let (h, mi) = (fields[0].parse().ok()?, fields[1].parse().ok()?);
    let s = fields.get(2).map_or(Some(0), |f| f.parse().ok())?;
    let micros = match fraction {
        Some(f) if !f.is_empty() && f.len() <= 12 && f.chars().all(|c| c.is_ascii_digit()) => {
            let six: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
            six.parse().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    let time = chrono::NaiveTime::from_hms_micro_opt(h, mi, s, micros)?;
    let offset = match zone {
        "" => None,
        "Z" => Some(FixedOffset::east_opt(0)?),
        z => Some(parse_offset(z)?),
    };
    Some((date.and_time(time), offset))
}

fn parse_offset(z: &str) -> Option<FixedOffset> {
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit())
        || !(z[1..].len() == 2 || z[1..].len() == 4 || (z[1..].len() == 5 && z.as_bytes()[3] == b':'))
    {
        return None;
    }
    let hours: i32 = digits.get(0..2)?.parse().ok()?;
    let minutes: i32 = if digits.len() == 4 { digits.get(2..4)?.parse().ok()? } else { 0 };
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The UTC instant of a zoned date-time.
pub fn to_utc(naive: NaiveDateTime, zone: FixedOffset) -> Option<DateTime<chrono::Utc>> {
    naive.and_local_timezone(zone).single().map(|d| d.with_timezone(&chrono::Utc))
}

/// The common list arguments (status, upload dates, terms, sort, page) of a validated query.
///
/// # Errors
/// 422 for a bad `sort_by`.
pub fn list_params(q: &Query, sortable: &[&str]) -> Result<domain::query::ListParams, ApiError> {
    Ok(domain::query::ListParams {
        status: q.status(),
        uploaded: q.uploaded(),
        terms: q.strs("terms"),
        sort: domain::query::parse_sort(&q.sort_by(), sortable, false)?,
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
    fn datetimes_follow_the_contract_grammar() {
        let (dt, z) = parse_datetime("2020-05-21T10:31:00.000+03:00").unwrap();
        assert_eq!(to_utc(dt, z.unwrap()).unwrap().to_rfc3339(), "2020-05-21T07:31:00+00:00");
        assert!(parse_datetime("2020-5-1 1:2").unwrap().1.is_none());
        assert!(parse_datetime("2020-05-21").is_none());
        assert!(parse_datetime("2020-05-21T10:31:00,5Z").is_none());
        assert_eq!(parse_datetime("2020-05-21T10:31Z").unwrap().1, FixedOffset::east_opt(0));
        assert_eq!(parse_datetime("2020-05-21T10:31-0130").unwrap().1, FixedOffset::east_opt(-5400));
        assert_eq!(parse_date("2021-1-5"), NaiveDate::from_ymd_opt(2021, 1, 5));
        assert!(parse_date("2021-01-05T00:00").is_none());
    }
}
