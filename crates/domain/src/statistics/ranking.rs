//! Ranking candidates (flavors or sites) by the median of a metric, or by the median adjusted
//! by price, with each entry compared to a baseline.

use std::cmp::Ordering;

use uuid::Uuid;

use super::{
    compare::{mann_whitney_p_sorted, median_ci95},
    describe::{coefficient_of_variation, mean, quantile, sample_stddev, sort_values},
};
use crate::DomainError;

/// Which direction of the metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Larger values are better (throughput, score).
    HigherIsBetter,
    /// Smaller values are better (time, latency).
    LowerIsBetter,
}

/// What entries are ranked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    /// The median.
    Median,
    /// The price-adjusted median (entries without a price are not ranked).
    Price,
}

/// The settings of one ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankingSettings {
    /// Direction.
    pub order: Order,
    /// Ranking key.
    pub rank_by: RankBy,
    /// Entries with fewer results are listed unranked.
    pub min_samples: u64,
    /// The entry the others are compared with; `None`: the best ranked entry.
    pub baseline: Option<Uuid>,
}

/// A flavor or site with the metric's values of its results.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<T> {
    /// Id (baseline, tie-break).
    pub id: Uuid,
    /// Name (tie-break).
    pub name: String,
    /// What the entry stands for (a flavor or a site).
    pub item: T,
    /// The values (any order, at least one).
    pub values: Vec<f64>,
    /// Hourly price amount, when priced.
    pub hourly_price: Option<f64>,
}

/// Why an entry has no rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unranked {
    /// Fewer results than `min_samples`.
    TooFewSamples,
    /// Ranked by price, but the entry has none.
    NoPrice,
}

/// One entry of a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<T> {
    /// What the entry stands for.
    pub item: T,
    /// Id of the item.
    pub id: Uuid,
    /// 1 for the best; equal keys share a rank (1, 1, 3); `None` when unranked.
    pub rank: Option<u64>,
    /// Why unranked.
    pub unranked: Option<Unranked>,
    /// Number of values.
    pub n: u64,
    /// Median.
    pub median: f64,
    /// 95% confidence interval of the median (fewer than 6 values: none).
    pub ci95: Option<(f64, f64)>,
    /// Coefficient of variation.
    pub cv: Option<f64>,
    /// `(median − baseline median) / |baseline median| · 100`; none without a baseline or when
    /// its median is 0.
    pub delta_pct: Option<f64>,
    /// Two-sided Mann–Whitney U p-value against the baseline (none for the baseline itself).
    pub p_value: Option<f64>,
    /// `p_value < 0.05`.
    pub significant: Option<bool>,
    /// Median per hourly price unit (`higher_is_better`) or times it (`lower_is_better`).
    pub price_adjusted: Option<f64>,
}

impl Entry<()> {
    /// The same entry for `item`.
    fn with_item<T>(self, item: T) -> Entry<T> {
        Entry {
            item,
            id: self.id,
            rank: self.rank,
            unranked: self.unranked,
            n: self.n,
            median: self.median,
            ci95: self.ci95,
            cv: self.cv,
            delta_pct: self.delta_pct,
            p_value: self.p_value,
            significant: self.significant,
            price_adjusted: self.price_adjusted,
        }
    }
}

/// A ranking: the baseline's id and the entries, ranked ones first by rank, then the unranked
/// ones; ties and unranked entries in name then id order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking<T> {
    /// The baseline, when there is one.
    pub baseline: Option<Uuid>,
    /// Entries.
    pub entries: Vec<Entry<T>>,
}

/// The price-adjusted median: per price unit when higher is better, times the price when lower
/// is better; none without a price, or with a price of 0 when higher is better.
pub fn price_adjusted(median: f64, hourly_price: Option<f64>, order: Order) -> Option<f64> {
    let price = hourly_price?;
    match order {
        Order::HigherIsBetter if price > 0.0 => Some(median / price),
        Order::HigherIsBetter => None,
        Order::LowerIsBetter => Some(median * price),
    }
}

/// Ranks `candidates`.
///
/// # Errors
/// `Invalid` when the requested baseline is not a ranked entry.
pub fn rank<T>(candidates: Vec<Candidate<T>>, settings: RankingSettings) -> Result<Ranking<T>, DomainError> {
    let mut prepared: Vec<(Candidate<T>, Entry<()>)> = candidates
        .into_iter()
        .map(|mut c| {
            sort_values(&mut c.values);
            let entry = describe_entry(&c, settings);
            (c, entry)
        })
        .collect();
    let score = |e: &Entry<()>| match settings.rank_by {
        RankBy::Median => Some(e.median),
        RankBy::Price => e.price_adjusted,
    };
    let better = |a: f64, b: f64| match settings.order {
        Order::HigherIsBetter => b.total_cmp(&a),
        Order::LowerIsBetter => a.total_cmp(&b),
    };
    let scores: Vec<Option<f64>> =
        prepared.iter().map(|(_, e)| score(e).filter(|_| e.unranked.is_none())).collect();
    for ((_, entry), own) in prepared.iter_mut().zip(&scores) {
        if let Some(own) = own {
            let ahead =
                scores.iter().flatten().filter(|other| better(**other, *own) == Ordering::Less).count();
            entry.rank = Some(ahead as u64 + 1);
        }
    }
    prepared.sort_by(|(ca, a), (cb, b)| {
        let by_rank = match (a.rank, b.rank) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_rank.then_with(|| ca.name.cmp(&cb.name)).then_with(|| ca.id.cmp(&cb.id))
    });
    let baseline = match settings.baseline {
        Some(id) => {
            let found = prepared.iter().find(|(c, e)| c.id == id && e.rank.is_some());
            Some(found.map(|(c, e)| (c.id, c.values.clone(), e.median)).ok_or_else(|| {
                DomainError::Invalid(format!(
                    "Baseline {id} is not a ranked entry: it has no results matching, fewer than min_samples, or no price when ranking by price"
                ))
            })?)
        }
        None => {
            prepared.iter().find(|(_, e)| e.rank.is_some()).map(|(c, e)| (c.id, c.values.clone(), e.median))
        }
    };
    let entries = prepared
        .into_iter()
        .map(|(candidate, entry)| {
            let mut entry = entry.with_item(candidate.item);
            if let Some((base_id, base_values, base_median)) = &baseline {
                entry.delta_pct =
                    (*base_median != 0.0).then(|| (entry.median - base_median) / base_median.abs() * 100.0);
                if *base_id != candidate.id {
                    entry.p_value = mann_whitney_p_sorted(&candidate.values, base_values);
                    entry.significant = entry.p_value.map(|p| p < 0.05);
                }
            }
            entry
        })
        .collect();
    Ok(Ranking { baseline: baseline.map(|(id, _, _)| id), entries })
}

/// The statistics of one candidate with sorted values, unranked and uncompared.
fn describe_entry<T>(candidate: &Candidate<T>, settings: RankingSettings) -> Entry<()> {
    let values = &candidate.values;
    let median = quantile(values, 0.5).unwrap_or(f64::NAN);
    let mean = mean(values).unwrap_or(f64::NAN);
    let price_adjusted = price_adjusted(median, candidate.hourly_price, settings.order);
    let n = values.len() as u64;
    let unranked = if n < settings.min_samples {
        Some(Unranked::TooFewSamples)
    } else if settings.rank_by == RankBy::Price && price_adjusted.is_none() {
        Some(Unranked::NoPrice)
    } else {
        None
    };
    Entry {
        item: (),
        id: candidate.id,
        rank: None,
        unranked,
        n,
        median,
        ci95: median_ci95(values),
        cv: coefficient_of_variation(sample_stddev(values, mean), mean),
        delta_pct: None,
        p_value: None,
        significant: None,
        price_adjusted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: u128, name: &str, values: &[f64], price: Option<f64>) -> Candidate<&'static str> {
        Candidate {
            id: Uuid::from_u128(id),
            name: name.into(),
            item: "x",
            values: values.to_vec(),
            hourly_price: price,
        }
    }

    fn settings(order: Order, rank_by: RankBy) -> RankingSettings {
        RankingSettings { order, rank_by, min_samples: 3, baseline: None }
    }

    #[test]
    fn ranks_by_median_shares_ties_and_lists_small_entries_last() {
        let ranking = rank(
            vec![
                candidate(1, "slow", &[1.0, 2.0, 3.0], None),
                candidate(2, "fast", &[10.0, 11.0, 12.0], None),
                candidate(3, "also-slow", &[3.0, 2.0, 1.0], None),
                candidate(4, "tiny", &[100.0], None),
            ],
            settings(Order::HigherIsBetter, RankBy::Median),
        )
        .unwrap();
        let order: Vec<(Uuid, Option<u64>)> = ranking.entries.iter().map(|e| (e.id, e.rank)).collect();
        let id = Uuid::from_u128;
        assert_eq!(order, vec![(id(2), Some(1)), (id(3), Some(2)), (id(1), Some(2)), (id(4), None)]);
        assert_eq!(ranking.baseline, Some(id(2)));
        let slow = &ranking.entries[2];
        assert_eq!(slow.delta_pct, Some((2.0 - 11.0) / 11.0 * 100.0));
        assert_eq!(slow.p_value, Some(0.1));
        assert_eq!(slow.significant, Some(false));
        assert_eq!((ranking.entries[0].p_value, ranking.entries[0].delta_pct), (None, Some(0.0)));
        assert_eq!(ranking.entries[3].unranked, Some(Unranked::TooFewSamples));
    }

    #[test]
    fn price_ranking_adjusts_by_direction_and_skips_unpriced() {
        let entries = vec![
            candidate(1, "cheap", &[4.0, 4.0, 4.0], Some(1.0)),
            candidate(2, "dear", &[6.0, 6.0, 6.0], Some(3.0)),
            candidate(3, "free-form", &[9.0, 9.0, 9.0], None),
        ];
        let higher = rank(entries.clone(), settings(Order::HigherIsBetter, RankBy::Price)).unwrap();
        let ids: Vec<u128> = higher.entries.iter().map(|e| e.id.as_u128()).collect();
        assert_eq!(ids, vec![1, 2, 3]);
        assert_eq!(higher.entries[1].price_adjusted, Some(2.0));
        assert_eq!(higher.entries[2].unranked, Some(Unranked::NoPrice));
        let lower = rank(entries, settings(Order::LowerIsBetter, RankBy::Price)).unwrap();
        assert_eq!(lower.entries[0].price_adjusted, Some(4.0));
        assert_eq!(lower.entries[1].price_adjusted, Some(18.0));
    }

    #[test]
    fn a_baseline_must_be_ranked() {
        let entries = vec![candidate(1, "a", &[1.0, 2.0, 3.0], None), candidate(2, "b", &[1.0], None)];
        let mut s = settings(Order::LowerIsBetter, RankBy::Median);
        s.baseline = Some(Uuid::from_u128(2));
        assert!(matches!(rank(entries.clone(), s), Err(DomainError::Invalid(_))));
        s.baseline = Some(Uuid::from_u128(1));
        let ranking = rank(entries, s).unwrap();
        assert_eq!(ranking.entries[1].delta_pct, Some(-50.0));
        assert!(
            rank(Vec::<Candidate<()>>::new(), settings(Order::LowerIsBetter, RankBy::Median))
                .unwrap()
                .baseline
                .is_none()
        );
    }
}
