//! `GET /results:stats`: descriptive statistics of a numeric JSON value of the results the
//! filters of `GET /results` match, in groups.

use domain::{
    service::statistics::{GroupStats, KeyLabel, StatsReport, StatsRequest, hourly_price},
    statistics::{GroupBy, parse_json_path},
};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{TAGS_IDS, result_filter};
use crate::{
    AppState,
    error::{ApiError, ApiResult},
    extract::{QueryArgs, QuerySpec},
    flavor_spec::{PriceOut, SpecOut},
    limits::MAX_GROUP_BY,
    params::{Kind, Param, Query, UPLOAD_AFTER, UPLOAD_BEFORE},
    reply::Reply,
    wire::JsonObject,
};

/// `execution_before`.
pub(super) const EXECUTION_BEFORE: Param =
    Param::opt("execution_before", Kind::Date, "Results executed before date (ISO8601)");
/// `execution_after`.
pub(super) const EXECUTION_AFTER: Param =
    Param::opt("execution_after", Kind::Date, "Results executed after date (ISO8601)");
/// `site_id`.
pub(super) const SITE_ID: Param = Param::opt("site_id", Kind::Uuid, "UUID site unique identification");
/// `flavor_id`.
pub(super) const FLAVOR_ID: Param = Param::opt("flavor_id", Kind::Uuid, "UUID flavor unique identification");
/// `filters`.
pub(super) const FILTERS: Param =
    Param::opt("filters", Kind::StrList, "List of filter conditions (space separated)").with_default("[]");

/// `metric`: the `json.<path>` of the value.
pub(super) const METRIC: Param = Param::req(
    "metric",
    Kind::Str,
    "Path of the numeric value in the result documents, `json.<path.separated.by.dots>`",
);

/// `GET /results:stats` parameters.
pub struct ResultStatsQuery;
impl QuerySpec for ResultStatsQuery {
    const PARAMS: &'static [Param] = &[
        METRIC,
        Param::opt(
            "group_by",
            Kind::StrList,
            "Group keys (0 to 3, repeatable): benchmark, site, flavor, tag or json.<path>",
        ),
        Param::opt("benchmark_id", Kind::Uuid, "UUID benchmark unique identification"),
        UPLOAD_BEFORE,
        UPLOAD_AFTER,
        EXECUTION_BEFORE,
        EXECUTION_AFTER,
        SITE_ID,
        FLAVOR_ID,
        TAGS_IDS,
        FILTERS,
    ];
}

/// The validated `metric` path.
pub(super) fn metric_path(q: &Query) -> ApiResult<Vec<String>> {
    parse_json_path(&q.str("metric").unwrap_or_default()).ok_or_else(|| {
        crate::error::field_error("query", "metric", "Must be a JSON path: json.<path.separated.by.dots>.")
    })
}

/// The validated `group_by` keys: known names, no repeats.
fn group_keys(q: &Query) -> ApiResult<Vec<GroupBy>> {
    let mut keys = Vec::new();
    let mut errors = Map::new();
    for (i, text) in q.strs("group_by").iter().enumerate() {
        match GroupBy::parse(text) {
            Some(key) if keys.contains(&key) => {
                errors.insert(i.to_string(), json!(["Repeated group key."]));
            }
            Some(key) => keys.push(key),
            None => {
                errors.insert(
                    i.to_string(),
                    json!(["Must be one of: benchmark, site, flavor, tag, json.<path.separated.by.dots>."]),
                );
            }
        }
    }
    if errors.is_empty() {
        debug_assert!(keys.len() <= MAX_GROUP_BY);
        Ok(keys)
    } else {
        let mut fields = Map::new();
        fields.insert("group_by".into(), Value::Object(errors));
        Err(ApiError::Validation { location: "query", errors: fields })
    }
}

/// Statistics of the results matching the filters.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ResultStats")]
pub struct StatsOut {
    /// Groups, ordered by their key
    groups: Vec<GroupOut>,
    /// The metric, as requested
    #[openapi(example = "json.score")]
    metric: String,
    /// Matching results whose value at the metric is missing or not a JSON number
    skipped: u64,
}

/// The statistics of one group (absent fields: undefined for the group).
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ResultStatsGroup")]
pub struct GroupOut {
    /// Number of values
    count: u64,
    /// Coefficient of variation, stddev / mean (absent for one value or a zero mean)
    #[serde(skip_serializing_if = "Option::is_none")]
    cv: Option<f64>,
    /// The group's key: one member per group_by, `{"id", "name"}` for benchmark, site, flavor and tag (null: untagged), the JSON value for json.<path> (null: missing or null)
    group: JsonObject,
    /// Largest value
    max: f64,
    /// Arithmetic mean
    mean: f64,
    /// Smallest value
    min: f64,
    /// 25th percentile (linear interpolation between closest ranks)
    p25: f64,
    /// 5th percentile
    p5: f64,
    /// Median
    p50: f64,
    /// p50 divided by the hourly price amount (only for a group of one priced flavor, price above 0)
    #[serde(skip_serializing_if = "Option::is_none")]
    p50_per_price: Option<f64>,
    /// 75th percentile
    p75: f64,
    /// 95th percentile
    p95: f64,
    /// The price of the group's flavor (only for a group of one priced flavor)
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<PriceOut>,
    /// Sample standard deviation, n-1 (absent for one value)
    #[serde(skip_serializing_if = "Option::is_none")]
    stddev: Option<f64>,
}

fn label_value(label: KeyLabel) -> Value {
    match label {
        KeyLabel::Named { id, name } => json!({"id": id, "name": name}),
        KeyLabel::NoTag => Value::Null,
        KeyLabel::Json(value) => value,
    }
}

impl From<GroupStats> for GroupOut {
    fn from(g: GroupStats) -> Self {
        let group: Map<String, Value> =
            g.key.into_iter().map(|(name, label)| (name, label_value(label))).collect();
        let s = g.summary;
        let [p5, p25, p50, p75, p95] = s.percentiles;
        let hourly = g.flavor.as_ref().and_then(hourly_price);
        let price = g.flavor.and_then(|f| SpecOut::from(f.spec).price);
        Self {
            count: s.count,
            cv: s.cv,
            group: JsonObject(Value::Object(group)),
            max: s.max,
            mean: s.mean,
            min: s.min,
            p25,
            p5,
            p50,
            p50_per_price: hourly.filter(|h| *h > 0.0).map(|h| p50 / h),
            p75,
            p95,
            price,
            stddev: s.stddev,
        }
    }
}

fn stats_out(metric: String, report: StatsReport) -> StatsOut {
    StatsOut {
        groups: report.groups.into_iter().map(GroupOut::from).collect(),
        metric,
        skipped: report.skipped,
    }
}

/// (Public) Statistics of a result value.
#[api_v2_operation(
    operation_id = "GetResultStats",
    summary = "(Public) Statistics of a numeric result value.",
    description = "Use this method to get count, mean, sample standard deviation, coefficient of\nvariation, min, max and the percentiles 5, 25, 50, 75 and 95 of a numeric value\ninside the results (`metric=json.<path>`), for the results the filters of\nGET /results match, grouped by up to three keys (`group_by`). Claimed and\ndeleted results do not count. See docs/statistics.md.",
    tags(results)
)]
pub async fn get_result_stats(
    state: web::Data<AppState>,
    query: QueryArgs<ResultStatsQuery>,
) -> ApiResult<Reply> {
    let q = query.parse()?;
    let metric = metric_path(&q)?;
    let group_by = group_keys(&q)?;
    let filter = result_filter(&q)?;
    let report = state.statistics.stats(StatsRequest { filter, metric, group_by }).await?;
    Ok(Reply::ok(&stats_out(q.str("metric").unwrap_or_default(), report)))
}
