//! One declared parameter's values, validated with webargs' messages.

use std::num::IntErrorKind;

use domain::{Status, mail::ItemKind};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{Kind, Param, Val, parse_date, parse_datetime};
use crate::limits::{RequestLimits, longer_than};

/// Parses the values given for `param` (first one wins for scalars), its default when absent.
pub(super) fn parse_one(param: &Param, given: &[&str], limits: &RequestLimits) -> Result<Option<Val>, Value> {
    let list = matches!(param.kind, Kind::StrList | Kind::UuidList);
    if given.is_empty() {
        if param.required {
            return Err(json!(["Missing data for required field."]));
        }
        return Ok(param.default.map(|d| default_value(param.kind, d)));
    }
    if list && given.len() > limits.max_items(param.name) {
        return Err(longer_than(limits.max_items(param.name)));
    }
    if given.iter().any(|v| v.contains('\0')) {
        return Err(json!(["Not a valid string: NUL characters are not allowed."]));
    }
    if list {
        return parse_list(param.kind, given, limits);
    }
    let raw = given[0];
    let msg = |m: &str| json!([m]);
    let val = match param.kind {
        Kind::Str => Val::Str(raw.to_owned()),
        Kind::Int { min, max } => Val::Int(parse_int(raw, min, max)?),
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
        Kind::OneOf(choices) if choices.contains(&raw) => Val::Str(raw.to_owned()),
        Kind::OneOf(choices) => return Err(msg(&format!("Must be one of: {}.", choices.join(", ")))),
        Kind::StrList | Kind::UuidList => return Ok(None),
    };
    Ok(Some(val))
}

/// A repeated parameter: every value checked, errors keyed by the value's index.
fn parse_list(kind: Kind, given: &[&str], limits: &RequestLimits) -> Result<Option<Val>, Value> {
    let mut errors = Map::new();
    let parsed = match kind {
        Kind::UuidList => {
            let mut ids = Vec::new();
            for (i, v) in given.iter().enumerate() {
                match Uuid::parse_str(v) {
                    Ok(u) => ids.push(u),
                    Err(_) => {
                        errors.insert(i.to_string(), json!(["Not a valid UUID."]));
                    }
                }
            }
            Val::UuidList(ids)
        }
        _ => {
            for (i, v) in given.iter().enumerate() {
                if v.chars().count() > limits.max_value_chars {
                    errors.insert(i.to_string(), longer_than(limits.max_value_chars));
                }
            }
            Val::StrList(given.iter().map(|s| (*s).to_owned()).collect())
        }
    };
    if errors.is_empty() { Ok(Some(parsed)) } else { Err(Value::Object(errors)) }
}

/// An integer within `min..=max`. Text that is not an integer is `Not a valid integer.`; an
/// integer beyond what 64 bits hold is out of range like any other (webargs wording), except
/// that a parameter without maximum answers marshmallow's `Number too large.`.
fn parse_int(raw: &str, min: i64, max: Option<i64>) -> Result<i64, Value> {
    let out_of_range = || match max {
        Some(m) => json!([format!("Must be greater than or equal to {min} and less than or equal to {m}.")]),
        None => json!([format!("Must be greater than or equal to {min}.")]),
    };
    let n: i64 = match raw.trim().parse() {
        Ok(n) => n,
        Err(e) => {
            return Err(match e.kind() {
                IntErrorKind::NegOverflow => out_of_range(),
                IntErrorKind::PosOverflow if max.is_some() => out_of_range(),
                IntErrorKind::PosOverflow => json!(["Number too large."]),
                _ => json!(["Not a valid integer."]),
            });
        }
    };
    if n < min || max.is_some_and(|m| n > m) {
        return Err(out_of_range());
    }
    Ok(n)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_64_bits_are_out_of_range() {
        let page = |raw| parse_int(raw, 1, None);
        let per_page = |raw| parse_int(raw, 1, Some(100));
        assert_eq!(page("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(page("99999999999999999999999"), Err(json!(["Number too large."])));
        assert_eq!(page("-99999999999999999999999"), Err(json!(["Must be greater than or equal to 1."])));
        assert_eq!(page("1e3"), Err(json!(["Not a valid integer."])));
        let range = json!(["Must be greater than or equal to 1 and less than or equal to 100."]);
        assert_eq!(per_page("99999999999999999999999"), Err(range.clone()));
        assert_eq!(per_page("-99999999999999999999999"), Err(range));
    }
}
