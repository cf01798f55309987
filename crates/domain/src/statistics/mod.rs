//! Statistics of result values (`GET /results:stats`) and rankings of flavors or sites
//! (`GET /results:ranking`). The store only reads the (group keys, value) rows of the matching
//! visible results ([`SampleSource`]); every number is computed here, in Rust, so that every
//! backend gives bit-identical answers. Definitions: `docs/statistics.md`.

pub mod compare;
pub mod describe;
mod grouping;
pub mod ranking;

use serde_json::Value;
use uuid::Uuid;

use crate::{RepoError, result::ResultFilter};

#[cfg(feature = "memory")]
pub(crate) use grouping::type_rank;
pub use grouping::{GroupKey, Grouped, KeyPart, compare_json, group_samples};

/// The prefix of JSON paths in parameters (`json.machine.cpu.arch`).
pub const JSON_PREFIX: &str = "json.";

/// The keys of a `json.<path>` parameter, `None` when the text is not one (no prefix, or an
/// empty segment).
pub fn parse_json_path(text: &str) -> Option<Vec<String>> {
    let path = text.strip_prefix(JSON_PREFIX)?;
    let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
    if segments.iter().any(String::is_empty) { None } else { Some(segments) }
}

/// What statistics are grouped by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// The result's benchmark.
    Benchmark,
    /// The result's site.
    Site,
    /// The result's flavor.
    Flavor,
    /// Each tag of the result (a result counts once in each of its tags' groups; untagged
    /// results form the group of tag `null`).
    Tag,
    /// The JSON value at a path of the document (missing and JSON null form one group, `null`).
    Json(Vec<String>),
}

impl GroupBy {
    /// `benchmark`, `site`, `flavor`, `tag` or `json.<path>`.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "benchmark" => Self::Benchmark,
            "site" => Self::Site,
            "flavor" => Self::Flavor,
            "tag" => Self::Tag,
            other => Self::Json(parse_json_path(other)?),
        })
    }

    /// The name of the key in a group object (`site`, `json.machine.cpu.arch`).
    pub fn key_name(&self) -> String {
        match self {
            Self::Benchmark => "benchmark".into(),
            Self::Site => "site".into(),
            Self::Flavor => "flavor".into(),
            Self::Tag => "tag".into(),
            Self::Json(path) => format!("{JSON_PREFIX}{}", path.join(".")),
        }
    }
}

/// What a [`SampleSource`] reads: the matching results' value at `metric`, with the values at
/// `json_keys` and, when `tags`, their tags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleQuery {
    /// The result filters of `GET /results` (its `owner` is never set here: only visible
    /// results count).
    pub filter: ResultFilter,
    /// Path of the metric in the document.
    pub metric: Vec<String>,
    /// Paths of the JSON group keys, in order.
    pub json_keys: Vec<Vec<String>>,
    /// Whether each sample needs its tags.
    pub tags: bool,
    /// Whether the caller reports how many matching results have no numeric value (a ranking
    /// does not): when false, a store may leave [`Samples::skipped`] at 0 instead of counting.
    pub count_skipped: bool,
}

/// One matching visible result, reduced to what statistics need.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Benchmark.
    pub benchmark_id: Uuid,
    /// Site.
    pub site_id: Uuid,
    /// Flavor.
    pub flavor_id: Uuid,
    /// Tags (empty unless asked for).
    pub tags_ids: Vec<Uuid>,
    /// The metric when it is a JSON number; `None` when missing or of another type (a numeric
    /// string is not a number).
    pub value: Option<f64>,
    /// The values at the JSON key paths, in order; `None` where the path is missing.
    pub keys: Vec<Option<Value>>,
}

/// The metric values of matching visible results that share one benchmark, site and flavor
/// (a store that can aggregate reads them so, one run per context, rather than one
/// [`Sample`] per result). Only read for queries without tags and JSON keys.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRun {
    /// Benchmark.
    pub benchmark_id: Uuid,
    /// Site.
    pub site_id: Uuid,
    /// Flavor.
    pub flavor_id: Uuid,
    /// The numeric values, one per result, in any order.
    pub values: Vec<f64>,
}

/// What a [`SampleSource`] reads: samples of single results, runs of values sharing a
/// context, and the number of matching results counted in neither because their metric is
/// missing or not a number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    /// One per result.
    pub each: Vec<Sample>,
    /// One per context.
    pub runs: Vec<SampleRun>,
    /// Matching results without a numeric value, besides the samples of `each` without one.
    pub skipped: u64,
}

impl From<Vec<Sample>> for Samples {
    fn from(each: Vec<Sample>) -> Self {
        Self { each, ..Self::default() }
    }
}

/// Port: the samples of the results a filter matches, hidden (claimed or deleted) ones
/// excluded.
#[async_trait::async_trait]
pub trait SampleSource: Send + Sync {
    /// Every matching visible result, as a [`Sample`] or a value of a [`SampleRun`] (or counted
    /// in [`Samples::skipped`] when its metric is not a number), in any order.
    ///
    /// # Errors
    /// Backend failures.
    async fn samples(&self, query: &SampleQuery) -> Result<Samples, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_and_json_paths_parse() {
        assert_eq!(GroupBy::parse("site"), Some(GroupBy::Site));
        assert_eq!(GroupBy::parse("json.a.0"), Some(GroupBy::Json(vec!["a".into(), "0".into()])));
        assert_eq!(GroupBy::parse("json."), None);
        assert_eq!(GroupBy::parse("json.a..b"), None);
        assert_eq!(GroupBy::parse("sites"), None);
        assert_eq!(parse_json_path("score"), None);
        assert_eq!(GroupBy::Json(vec!["a".into(), "b".into()]).key_name(), "json.a.b");
    }
}
