//! The columns of a CSV export (`GET /results:export?columns=…`): what each name means and the
//! text of its cell. Absent values (a flavor without a price, a JSON path that is missing)
//! are empty cells.

use std::borrow::Cow;

use domain::{
    export::{ExportRow, ExportShape},
    flavor_spec::FlavorSpec,
};
use serde_json::Value;

use crate::{error::field_error, reply::datetime};

/// The columns of an export that names none.
pub const DEFAULT_COLUMNS: [&str; 9] = [
    "id",
    "execution_datetime",
    "upload_datetime",
    "benchmark.docker_image",
    "benchmark.docker_tag",
    "site.name",
    "flavor.name",
    "tags",
    "json",
];

/// The flavor spec columns, in the order of the Flavor representation.
const SPEC_COLUMNS: [&str; 11] = [
    "flavor.architecture",
    "flavor.disk_gib",
    "flavor.gpus.count",
    "flavor.gpus.model",
    "flavor.memory_gib",
    "flavor.price.amount",
    "flavor.price.as_of",
    "flavor.price.currency",
    "flavor.price.per",
    "flavor.region",
    "flavor.vcpus",
];

/// One requested column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A fixed field, by its name (`id`, `site.name`, `flavor.vcpus`, …).
    Field(&'static str),
    /// `json.<path>`: the value at a dotted path of the document (array items by index).
    JsonPath(Vec<String>),
}

impl Column {
    /// The column `name` stands for.
    ///
    /// # Errors
    /// 422 `columns: Unknown column: '<name>'.`
    pub fn parse(name: &str) -> Result<Self, crate::error::ApiError> {
        let fixed = DEFAULT_COLUMNS.iter().chain(SPEC_COLUMNS.iter()).find(|c| **c == name);
        if let Some(field) = fixed {
            return Ok(Self::Field(field));
        }
        match name.strip_prefix("json.") {
            Some(path) if path.split('.').all(|p| !p.is_empty()) => {
                Ok(Self::JsonPath(path.split('.').map(str::to_owned).collect()))
            }
            _ => Err(field_error("query", "columns", &format!("Unknown column: '{name}'."))),
        }
    }
}

/// What an export of `columns` reads of each document.
pub fn shape_of(columns: &[Column]) -> ExportShape {
    ExportShape {
        document: columns.contains(&Column::Field("json")),
        paths: columns
            .iter()
            .filter_map(|c| match c {
                Column::JsonPath(path) => Some(path.clone()),
                Column::Field(_) => None,
            })
            .collect(),
    }
}

/// The cells of `r` under `columns`, read in [`shape_of`]`(columns)`: the k-th `json.<path>`
/// column is the row's k-th value.
pub fn cells<'a>(columns: &'a [Column], r: &'a ExportRow) -> impl Iterator<Item = Cow<'a, str>> + 'a {
    let mut values = r.values.iter();
    columns.iter().map(move |c| match c {
        Column::Field(name) => field(name, r),
        Column::JsonPath(_) => values.next().and_then(Option::as_ref).map(text).unwrap_or_default(),
    })
}

/// A JSON value as a cell: strings as they are, `null` empty, anything else as JSON.
fn text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

fn field<'a>(name: &str, r: &'a ExportRow) -> Cow<'a, str> {
    match name {
        "id" => Cow::Owned(r.id.to_string()),
        "execution_datetime" => Cow::Owned(datetime(&r.execution_datetime).into_string()),
        "upload_datetime" => Cow::Owned(datetime(&r.upload_datetime).into_string()),
        "benchmark.docker_image" => Cow::Borrowed(&r.benchmark.docker_image),
        "benchmark.docker_tag" => Cow::Borrowed(&r.benchmark.docker_tag),
        "site.name" => Cow::Borrowed(&r.site.name),
        "flavor.name" => Cow::Borrowed(&r.flavor.name),
        "tags" => {
            let mut names: Vec<&str> = r.tags.iter().map(|t| t.name.as_str()).collect();
            names.sort_unstable();
            Cow::Owned(names.join(";"))
        }
        "json" => r.json.as_deref().map(Cow::Borrowed).unwrap_or_default(),
        spec => spec_field(spec, &r.flavor.spec).map(Cow::Owned).unwrap_or_default(),
    }
}

fn spec_field(name: &str, s: &FlavorSpec) -> Option<String> {
    let (gpus, price) = (s.gpus.as_ref(), s.price.as_ref());
    match name {
        "flavor.architecture" => s.architecture.as_ref().map(|l| l.as_str().to_owned()),
        "flavor.disk_gib" => s.disk_gib.map(|g| g.get().to_string()),
        "flavor.gpus.count" => gpus.map(|g| g.count.get().to_string()),
        "flavor.gpus.model" => gpus.map(|g| g.model.as_str().to_owned()),
        "flavor.memory_gib" => s.memory_gib.map(|g| g.get().to_string()),
        "flavor.price.amount" => price.map(|p| p.amount.get().to_string()),
        "flavor.price.as_of" => price.map(|p| p.as_of.format("%Y-%m-%d").to_string()),
        "flavor.price.currency" => price.map(|p| p.currency.as_str().to_owned()),
        "flavor.price.per" => price.map(|p| p.per.as_str().to_owned()),
        "flavor.region" => s.region.as_ref().map(|l| l.as_str().to_owned()),
        "flavor.vcpus" => s.vcpus.map(|c| c.get().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_fixed_fields_or_json_paths() {
        assert_eq!(Column::parse("site.name").unwrap(), Column::Field("site.name"));
        assert_eq!(Column::parse("flavor.price.amount").unwrap(), Column::Field("flavor.price.amount"));
        assert_eq!(
            Column::parse("json.a.0.b").unwrap(),
            Column::JsonPath(vec!["a".into(), "0".into(), "b".into()])
        );
        for bad in ["json.", "json.a..b", "site", "flavor.price", "uploader"] {
            assert!(Column::parse(bad).is_err(), "{bad}");
        }
    }
}
