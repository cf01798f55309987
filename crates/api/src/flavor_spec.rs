//! Flavor specs on the wire: the spec members of flavor bodies, checked and turned into the
//! domain's [`FlavorSpecPatch`] (a member absent keeps its value, `null` clears it), and their
//! representations (`Gpus`, `Price`).
//!
//! Messages follow marshmallow's (`Not a valid integer.`, `Unknown field.`); range, currency
//! and label messages are the domain's ([`SpecError`]). Nested members report nested errors,
//! for example `{"price": {"currency": ["Not a valid ISO 4217 ..."]}}`.

use chrono::NaiveDate;
use domain::flavor_spec::{
    Amount, Change, Count, Currency, FlavorSpec, FlavorSpecPatch, Gib, Gpus, Label, Price, PricePeriod,
    SpecError,
};
use paperclip::{
    actix::Apiv2Schema,
    v2::models::{DataType, DataTypeFormat, DefaultSchemaRaw},
};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The wire shape of a spec member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecKind {
    /// An integer of at least 1 (`vcpus`).
    Count,
    /// A number above 0 (`memory_gib`, `disk_gib`).
    Gib,
    /// A short string (`architecture`, `region`).
    Label,
    /// `{"model", "count"}`
    Gpus,
    /// `{"amount", "currency", "per", "as_of"}`
    Price,
}

/// The format of `as_of`.
const DATE_FORMAT: &str = "%Y-%m-%d";

fn message(e: SpecError) -> Value {
    json!([e.to_string()])
}

fn count(value: &Value) -> Result<Count, Value> {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            Count::new(n.as_i64().unwrap_or(i64::MAX)).map_err(message)
        }
        _ => Err(json!(["Not a valid integer."])),
    }
}

fn number(value: &Value) -> Result<f64, Value> {
    value.as_f64().filter(|_| value.is_number()).ok_or_else(|| json!(["Not a valid number."]))
}

fn label(value: &Value) -> Result<Label, Value> {
    value.as_str().ok_or_else(|| json!(["Not a valid string."])).and_then(|s| Label::new(s).map_err(message))
}

/// The members of a nested object, each parsed; unknown and missing members reported.
struct Members<'a> {
    object: &'a Map<String, Value>,
    errors: Map<String, Value>,
}

impl<'a> Members<'a> {
    fn of(value: &'a Value, known: &[&str]) -> Result<Self, Value> {
        let object = value.as_object().ok_or_else(|| json!(["Not a valid mapping type."]))?;
        let errors = object
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .map(|k| (k.clone(), json!(["Unknown field."])))
            .collect();
        Ok(Self { object, errors })
    }

    /// The member `name` parsed, or `None` (its error recorded); absent members get `default`.
    fn get<T>(
        &mut self,
        name: &str,
        default: Option<T>,
        parse: impl Fn(&Value) -> Result<T, Value>,
    ) -> Option<T> {
        let result = match self.object.get(name) {
            None => default.ok_or_else(|| json!(["Missing data for required field."])),
            Some(Value::Null) => Err(json!(["Field may not be null."])),
            Some(value) => parse(value),
        };
        result.map_err(|e| self.errors.insert(name.into(), e)).ok()
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Value> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(Value::Object(self.errors)),
        }
    }
}

fn gpus(value: &Value) -> Result<Gpus, Value> {
    let mut m = Members::of(value, &["model", "count"])?;
    let (model, count) = (m.get("model", None, label), m.get("count", None, count));
    let gpus = model.zip(count).map(|(model, count)| Gpus { model, count });
    m.finish(gpus)
}

fn price(value: &Value) -> Result<Price, Value> {
    let mut m = Members::of(value, &["amount", "currency", "per", "as_of"])?;
    let amount = m.get("amount", None, |v| number(v).and_then(|n| Amount::new(n).map_err(message)));
    let currency = m.get("currency", None, |v| {
        v.as_str()
            .ok_or_else(|| json!(["Not a valid string."]))
            .and_then(|s| Currency::new(s).map_err(message))
    });
    let per = m.get("per", Some(PricePeriod::Hour), |v| {
        v.as_str()
            .ok_or_else(|| json!(["Not a valid string."]))
            .and_then(|s| PricePeriod::new(s).map_err(message))
    });
    let as_of = m.get("as_of", None, |v| {
        v.as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, DATE_FORMAT).ok())
            .ok_or_else(|| json!(["Not a valid date."]))
    });
    let price = match (amount, currency, per, as_of) {
        (Some(amount), Some(currency), Some(per), Some(as_of)) => {
            Some(Price { amount, currency, per, as_of })
        }
        _ => None,
    };
    m.finish(price)
}

/// Checks a spec member's value (`null` passes: it clears the member).
///
/// # Errors
/// Its messages, nested for objects.
pub fn check(kind: SpecKind, value: &Value) -> Result<(), Value> {
    if value.is_null() {
        return Ok(());
    }
    match kind {
        SpecKind::Count => count(value).map(drop),
        SpecKind::Gib => number(value).and_then(|n| Gib::new(n).map_err(message)).map(drop),
        SpecKind::Label => label(value).map(drop),
        SpecKind::Gpus => gpus(value).map(drop),
        SpecKind::Price => price(value).map(drop),
    }
}

/// The change a checked body asks for at `name`.
fn change<T>(body: &Map<String, Value>, name: &str, parse: impl Fn(&Value) -> Result<T, Value>) -> Change<T> {
    match body.get(name) {
        None => Change::Keep,
        Some(Value::Null) => Change::Clear,
        Some(value) => parse(value).map_or(Change::Keep, Change::Set),
    }
}

/// The spec changes of a body already checked against its spec members.
pub fn patch(body: &Map<String, Value>) -> FlavorSpecPatch {
    let gib = |v: &Value| number(v).and_then(|n| Gib::new(n).map_err(message));
    FlavorSpecPatch {
        vcpus: change(body, "vcpus", count),
        memory_gib: change(body, "memory_gib", gib),
        gpus: change(body, "gpus", gpus),
        architecture: change(body, "architecture", label),
        disk_gib: change(body, "disk_gib", gib),
        region: change(body, "region", label),
        price: change(body, "price", price),
    }
}

/// The GPUs of a flavor.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Gpus")]
pub struct GpusOut {
    /// How many GPUs (at least 1)
    #[openapi(example = "2")]
    count: u32,
    /// The GPU model
    #[openapi(example = "NVIDIA A100 40GB")]
    model: String,
}

/// What a price is per.
#[derive(Serialize, Apiv2Schema)]
#[serde(rename_all = "lowercase")]
pub enum PricePer {
    /// Per hour of use.
    Hour,
}

/// A day, `YYYY-MM-DD`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Day(String);

impl paperclip::v2::schema::Apiv2Schema for Day {
    fn raw_schema() -> DefaultSchemaRaw {
        DefaultSchemaRaw {
            data_type: Some(DataType::String),
            format: Some(DataTypeFormat::Date),
            ..Default::default()
        }
    }
}

/// The price of a flavor. On write, `per` may be left out (it is `hour`).
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "Price")]
pub struct PriceOut {
    /// Amount per `per`, at least 0
    #[openapi(example = "1.25")]
    amount: f64,
    /// The day the price was valid on
    #[openapi(example = "2026-11-30")]
    as_of: Day,
    /// ISO 4217 currency code (three uppercase letters)
    #[openapi(example = "EUR")]
    currency: String,
    /// The period the amount is for
    per: PricePer,
}

/// The spec members of a flavor representation, each absent when unset.
pub struct SpecOut {
    /// `vcpus`
    pub vcpus: Option<u32>,
    /// `memory_gib`
    pub memory_gib: Option<f64>,
    /// `gpus`
    pub gpus: Option<GpusOut>,
    /// `architecture`
    pub architecture: Option<String>,
    /// `disk_gib`
    pub disk_gib: Option<f64>,
    /// `region`
    pub region: Option<String>,
    /// `price`
    pub price: Option<PriceOut>,
}

impl From<FlavorSpec> for SpecOut {
    fn from(s: FlavorSpec) -> Self {
        Self {
            vcpus: s.vcpus.map(Count::get),
            memory_gib: s.memory_gib.map(Gib::get),
            gpus: s.gpus.map(|g| GpusOut { count: g.count.get(), model: g.model.as_str().to_owned() }),
            architecture: s.architecture.map(|l| l.as_str().to_owned()),
            disk_gib: s.disk_gib.map(Gib::get),
            region: s.region.map(|l| l.as_str().to_owned()),
            price: s.price.map(|p| PriceOut {
                amount: p.amount.get(),
                as_of: Day(p.as_of.format(DATE_FORMAT).to_string()),
                currency: p.currency.as_str().to_owned(),
                per: match p.per {
                    PricePeriod::Hour => PricePer::Hour,
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_members_report_nested_errors() {
        let err = check(SpecKind::Price, &json!({"amount": -1, "currency": "eur", "x": 1})).unwrap_err();
        assert_eq!(err["amount"], json!(["Must be greater than or equal to 0."]));
        assert_eq!(err["currency"][0].as_str().map(|m| m.starts_with("Not a valid ISO 4217")), Some(true));
        assert_eq!(err["as_of"], json!(["Missing data for required field."]));
        assert_eq!(err["x"], json!(["Unknown field."]));
        assert!(err.get("per").is_none());
        let err = check(SpecKind::Gpus, &json!({"model": "A100", "count": 1.5})).unwrap_err();
        assert_eq!(err, json!({"count": ["Not a valid integer."]}));
    }

    #[test]
    fn absent_keeps_null_clears() {
        let body = json!({"vcpus": 4, "region": null, "price": {"amount": 0, "currency": "EUR", "as_of": "2026-12-01"}});
        let p = patch(body.as_object().unwrap());
        assert_eq!(p.vcpus, Change::Set(Count::new(4).unwrap()));
        assert_eq!(p.region, Change::Clear);
        assert_eq!(p.memory_gib, Change::Keep);
        assert!(matches!(p.price, Change::Set(Price { per: PricePeriod::Hour, .. })));
        assert_eq!(check(SpecKind::Count, &json!(true)), Err(json!(["Not a valid integer."])));
        assert_eq!(check(SpecKind::Gib, &json!("8")), Err(json!(["Not a valid number."])));
        assert!(check(SpecKind::Count, &json!(u64::MAX)).is_err());
    }
}
