//! Descriptive statistics of one group of values: count, mean, sample standard deviation,
//! coefficient of variation, extremes and percentiles. Every function sorts (or expects sorted)
//! values first and sums them in that order, so the same multiset of values gives bit-identical
//! answers whatever order a database returned them in.

/// The percentiles every summary carries, in percent.
pub const PERCENTILES: [u8; 5] = [5, 25, 50, 75, 95];

/// The descriptive statistics of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub count: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1); `None` for a single value.
    pub stddev: Option<f64>,
    /// `stddev / mean`; `None` without a standard deviation or when the mean is 0.
    pub cv: Option<f64>,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// The percentiles of [`PERCENTILES`], in that order.
    pub percentiles: [f64; 5],
}

impl Summary {
    /// The median (the 50th percentile).
    pub fn median(&self) -> f64 {
        self.percentiles[2]
    }
}

/// Sorts values ascending (total order; JSON numbers are never NaN).
pub fn sort_values(values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
}

/// The `q`-quantile (0 ≤ q ≤ 1) of ascending `sorted` values by linear interpolation between
/// the closest ranks: position h = (n − 1)·q, value x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋+1 − x⌊h⌋). This is
/// numpy's default (`linear`) and PostgreSQL's `percentile_cont`. `None` for no values.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "positions are below 2^52 and non-negative"
)]
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = last as f64 * q.clamp(0.0, 1.0);
    let below = position.floor() as usize;
    let fraction = position - position.floor();
    let low = sorted[below];
    match sorted.get(below + 1) {
        Some(high) if fraction > 0.0 => Some(low + fraction * (high - low)),
        _ => Some(low),
    }
}

/// Arithmetic mean of ascending values, summed in that order.
#[expect(clippy::cast_precision_loss, reason = "counts are below 2^52")]
pub fn mean(sorted: &[f64]) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted.iter().sum::<f64>() / sorted.len() as f64)
}

/// Sample standard deviation (n − 1) of ascending values around their `mean`; `None` below
/// two values.
#[expect(clippy::cast_precision_loss, reason = "counts are below 2^52")]
pub fn sample_stddev(sorted: &[f64], mean: f64) -> Option<f64> {
    if sorted.len() < 2 {
        return None;
    }
    let squares: f64 = sorted.iter().map(|x| (x - mean) * (x - mean)).sum();
    Some((squares / (sorted.len() - 1) as f64).sqrt())
}

/// Coefficient of variation: `stddev / mean`, `None` when either is missing or the mean is 0.
pub fn coefficient_of_variation(stddev: Option<f64>, mean: f64) -> Option<f64> {
    stddev.filter(|_| mean != 0.0).map(|s| s / mean)
}

/// The summary of `values` (any order); `None` when there are none.
pub fn summarize(mut values: Vec<f64>) -> Option<Summary> {
    sort_values(&mut values);
    summarize_sorted(&values)
}

/// The summary of ascending values; `None` when there are none.
pub fn summarize_sorted(sorted: &[f64]) -> Option<Summary> {
    let mean = mean(sorted)?;
    let stddev = sample_stddev(sorted, mean);
    let mut percentiles = [0.0; 5];
    for (slot, p) in percentiles.iter_mut().zip(PERCENTILES) {
        *slot = quantile(sorted, f64::from(p) / 100.0)?;
    }
    Some(Summary {
        count: sorted.len() as u64,
        mean,
        stddev,
        cv: coefficient_of_variation(stddev, mean),
        min: *sorted.first()?,
        max: *sorted.last()?,
        percentiles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [5, 25, 50, 75, 95]) = [1.15, 1.75, 2.5, 3.25, 3.85]
        let s = summarize(vec![4.0, 1.0, 3.0, 2.0]).unwrap();
        let expected = [1.15, 1.75, 2.5, 3.25, 3.85];
        for (got, want) in s.percentiles.iter().zip(expected) {
            assert!(close(*got, want), "{got} vs {want}");
        }
        assert_eq!((s.min, s.max, s.count), (1.0, 4.0, 4));
        assert!(close(s.mean, 2.5));
        // numpy.std([1,2,3,4], ddof=1) = 1.2909944487358056
        assert!(close(s.stddev.unwrap(), 1.290_994_448_735_805_6));
        assert!(close(s.cv.unwrap(), 1.290_994_448_735_805_6 / 2.5));
    }

    #[test]
    fn a_single_value_has_no_spread_and_constant_values_no_variation() {
        let one = summarize(vec![7.5]).unwrap();
        assert_eq!((one.stddev, one.cv, one.median()), (None, None, 7.5));
        assert!(one.percentiles.iter().all(|p| *p == 7.5));
        let constant = summarize(vec![3.0; 5]).unwrap();
        assert_eq!((constant.stddev, constant.cv), (Some(0.0), Some(0.0)));
        let zero_mean = summarize(vec![-1.0, 1.0]).unwrap();
        assert_eq!(zero_mean.cv, None);
        assert!(summarize(Vec::new()).is_none());
    }

    #[test]
    fn the_order_of_the_input_does_not_change_a_bit() {
        let values = vec![0.1, 1e16, 0.3, -1e16, 0.2, 5.5];
        let mut reversed = values.clone();
        reversed.reverse();
        assert_eq!(summarize(values), summarize(reversed));
    }
}
