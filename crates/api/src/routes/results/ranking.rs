//! `GET /results:ranking`: flavors (or sites) of one benchmark ranked by the median of a
//! numeric result value, each compared with a baseline.

use domain::{
    service::statistics::{RankTarget, Ranked, RankingRequest},
    statistics::ranking::{Entry, Order, RankBy, Ranking, RankingSettings, Unranked},
};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;
use uuid::Uuid;

use super::{
    TAGS_IDS, result_filter,
    stats::{EXECUTION_AFTER, EXECUTION_BEFORE, FILTERS, FLAVOR_ID, METRIC, SITE_ID, metric_path},
};
use crate::{
    AppState,
    error::ApiResult,
    extract::{QueryArgs, QuerySpec},
    params::{Kind, Param, UPLOAD_AFTER, UPLOAD_BEFORE},
    reply::Reply,
    routes::dto::{FlavorOut, SiteOut},
};

const ORDERS: &[&str] = &["higher_is_better", "lower_is_better"];
const TARGETS: &[&str] = &["flavor", "site"];
const RANK_KEYS: &[&str] = &["median", "price"];

/// `GET /results:ranking` parameters.
pub struct RankResultsQuery;
impl QuerySpec for RankResultsQuery {
    const PARAMS: &'static [Param] = &[
        Param::req("benchmark_id", Kind::Uuid, "UUID benchmark unique identification"),
        METRIC,
        Param::req("order", Kind::OneOf(ORDERS), "Which direction of the metric is better"),
        Param::opt("by", Kind::OneOf(TARGETS), "Rank flavors or sites").with_default("\"flavor\""),
        Param::opt(
            "baseline",
            Kind::Uuid,
            "UUID of the flavor (or site) the entries are compared with (default: the best entry)",
        ),
        Param::opt("rank_by", Kind::OneOf(RANK_KEYS), "Rank on the median or on the price-adjusted median")
            .with_default("\"median\""),
        Param::opt(
            "min_samples",
            Kind::Int { min: 1, max: None },
            "Entries with fewer results are listed unranked, after the ranked ones",
        )
        .with_default("3"),
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

/// A ranking of flavors or sites.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ResultRanking")]
pub struct RankingOut {
    /// UUID of the entry the others are compared with (absent when no entry is ranked)
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Uuid>,
    /// UUID benchmark unique identification
    benchmark_id: Uuid,
    /// `flavor` or `site`
    #[openapi(example = "flavor")]
    by: String,
    /// Ranked entries by rank, then unranked ones
    entries: Vec<RankingEntryOut>,
    /// The metric, as requested
    #[openapi(example = "json.score")]
    metric: String,
    /// `higher_is_better` or `lower_is_better`
    #[openapi(example = "higher_is_better")]
    order: String,
}

/// One flavor or site of a ranking (absent fields: undefined for the entry).
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "ResultRankingEntry")]
pub struct RankingEntryOut {
    /// 95% confidence interval of the median, [low, high] (absent below 6 results)
    #[serde(skip_serializing_if = "Option::is_none")]
    ci95: Option<Vec<f64>>,
    /// Coefficient of variation, stddev / mean
    #[serde(skip_serializing_if = "Option::is_none")]
    cv: Option<f64>,
    /// Relative difference of the median against the baseline's, in percent
    #[serde(skip_serializing_if = "Option::is_none")]
    delta_pct: Option<f64>,
    /// The flavor (rankings by flavor)
    #[serde(skip_serializing_if = "Option::is_none")]
    flavor: Option<FlavorOut>,
    /// Median of the values
    median: f64,
    /// Number of results
    n: u64,
    /// Two-sided Mann-Whitney U p-value against the baseline (absent for the baseline)
    #[serde(skip_serializing_if = "Option::is_none")]
    p_value: Option<f64>,
    /// The median per hourly price (higher_is_better) or times it (lower_is_better)
    #[serde(skip_serializing_if = "Option::is_none")]
    price_adjusted: Option<f64>,
    /// 1 for the best; equal keys share a rank (absent: unranked, see reason)
    #[serde(skip_serializing_if = "Option::is_none")]
    rank: Option<u64>,
    /// Why the entry is unranked: `too_few_samples` or `no_price`
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// p_value < 0.05
    #[serde(skip_serializing_if = "Option::is_none")]
    significant: Option<bool>,
    /// The site (rankings by site)
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<SiteOut>,
}

impl From<Entry<Ranked>> for RankingEntryOut {
    fn from(e: Entry<Ranked>) -> Self {
        let (flavor, site) = match e.item {
            Ranked::Flavor(f) => (Some(FlavorOut::from(f)), None),
            Ranked::Site(s) => (None, Some(SiteOut::from(s))),
        };
        Self {
            ci95: e.ci95.map(|(low, high)| vec![low, high]),
            cv: e.cv,
            delta_pct: e.delta_pct,
            flavor,
            median: e.median,
            n: e.n,
            p_value: e.p_value,
            price_adjusted: e.price_adjusted,
            rank: e.rank,
            reason: e.unranked.map(|u| {
                match u {
                    Unranked::TooFewSamples => "too_few_samples",
                    Unranked::NoPrice => "no_price",
                }
                .to_owned()
            }),
            significant: e.significant,
            site,
        }
    }
}

fn ranking_out(
    benchmark_id: Uuid,
    metric: String,
    words: (String, String),
    ranking: Ranking<Ranked>,
) -> RankingOut {
    RankingOut {
        baseline: ranking.baseline,
        benchmark_id,
        by: words.1,
        entries: ranking.entries.into_iter().map(RankingEntryOut::from).collect(),
        metric,
        order: words.0,
    }
}

/// (Public) Rank flavors or sites.
#[api_v2_operation(
    operation_id = "RankResults",
    summary = "(Public) Rank flavors or sites by a result value.",
    description = "Use this method to rank the flavors (or sites) a benchmark ran on by the\nmedian of a numeric value inside the results (`metric=json.<path>`), or by the\nmedian adjusted by the hourly price. Each entry carries its number of results,\nmedian, 95% confidence interval of the median, coefficient of variation, the\nrelative difference against a baseline and the p-value of a two-sided\nMann-Whitney U test against it. Entries with fewer than `min_samples` results are\nlisted after the ranked ones. See docs/statistics.md.",
    tags(results)
)]
pub async fn rank_results(
    state: web::Data<AppState>,
    query: QueryArgs<RankResultsQuery>,
) -> ApiResult<Reply> {
    let q = query.parse()?;
    let metric = metric_path(&q)?;
    let filter = result_filter(&q)?;
    let order_word = q.str("order").unwrap_or_default();
    let by_word = q.str("by").unwrap_or_default();
    let settings = RankingSettings {
        order: if order_word == "lower_is_better" { Order::LowerIsBetter } else { Order::HigherIsBetter },
        rank_by: if q.str("rank_by").as_deref() == Some("price") { RankBy::Price } else { RankBy::Median },
        min_samples: q.int("min_samples").and_then(|n| u64::try_from(n).ok()).unwrap_or(3),
        baseline: q.id::<()>("baseline").map(domain::Id::uuid),
    };
    let by = if by_word == "site" { RankTarget::Site } else { RankTarget::Flavor };
    let benchmark_id = filter.benchmark_id.unwrap_or_default();
    let ranking = state.statistics.ranking(RankingRequest { filter, metric, by, settings }).await?;
    let out =
        ranking_out(benchmark_id.uuid(), q.str("metric").unwrap_or_default(), (order_word, by_word), ranking);
    Ok(Reply::ok(&out))
}
