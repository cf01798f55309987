//! Comparing groups: a distribution-free confidence interval of the median and the two-sided
//! Mann–Whitney U test. Distributions come from `statrs`.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

/// Samples at most this large (with no ties, and the other sample at most
/// [`EXACT_MAX_OTHER`]) get the exact U distribution, as SciPy's `method="auto"` does.
pub const EXACT_MAX_SMALLER: usize = 8;
/// Bound of the larger sample for the exact test (keeps the distribution's table small).
pub const EXACT_MAX_OTHER: usize = 1000;

/// The 95% confidence interval of the median of ascending `sorted` values: the order statistics
/// x(l) and x(n+1−l) for the largest l with P(B ≤ l − 1) ≤ 0.025, B ~ Binomial(n, ½). Its
/// coverage is at least 95% whatever the distribution. `None` below 6 values, where even
/// [min, max] covers less than 95% (1 − 2·0.5ⁿ).
pub fn median_ci95(sorted: &[f64]) -> Option<(f64, f64)> {
    let n = sorted.len();
    let binomial = Binomial::new(0.5, n as u64).ok()?;
    // P(B ≤ l − 1) grows with l: bisect for the last l in 1..=n/2 where it is ≤ 0.025.
    let (mut lower, mut above) = (0usize, n / 2 + 1);
    while above - lower > 1 {
        let l = lower + (above - lower) / 2;
        if binomial.cdf(l as u64 - 1) <= 0.025 {
            lower = l;
        } else {
            above = l;
        }
    }
    if lower == 0 {
        return None;
    }
    Some((sorted[lower - 1], sorted[n - lower]))
}

/// Two-sided p-value of the Mann–Whitney U test of `x` against `y` (any order). `None` when
/// either is empty. See [`mann_whitney_p_sorted`].
pub fn mann_whitney_p(x: &[f64], y: &[f64]) -> Option<f64> {
    let (mut x, mut y) = (x.to_vec(), y.to_vec());
    x.sort_by(f64::total_cmp);
    y.sort_by(f64::total_cmp);
    mann_whitney_p_sorted(&x, &y)
}

/// Two-sided p-value of the Mann–Whitney U test of ascending `x` against ascending `y`. `None`
/// when either is empty.
///
/// Exact (the distribution of U without ties) when there are no ties, the smaller sample has at
/// most [`EXACT_MAX_SMALLER`] values and the larger at most [`EXACT_MAX_OTHER`]; otherwise the
/// normal approximation with tie correction and continuity correction. Equals SciPy's
/// `mannwhitneyu(x, y, alternative="two-sided")` in both cases. All values equal: 1.
#[expect(clippy::cast_precision_loss, reason = "sample sizes are below 2^52")]
pub fn mann_whitney_p_sorted(x: &[f64], y: &[f64]) -> Option<f64> {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (rank_sum_x, tie_term) = rank_sum(x, y);
    let (f1, f2) = (n1 as f64, n2 as f64);
    let u1 = rank_sum_x - f1 * (f1 + 1.0) / 2.0;
    let u2 = f1 * f2 - u1;
    let u = u1.max(u2);
    if tie_term == 0.0 && n1.min(n2) <= EXACT_MAX_SMALLER && n1.max(n2) <= EXACT_MAX_OTHER {
        return Some(exact_p(n1, n2, u));
    }
    let n = f1 + f2;
    let variance = f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return Some(1.0);
    }
    let z = (u - f1 * f2 / 2.0 - 0.5) / variance.sqrt();
    Some((2.0 * Normal::standard().sf(z)).clamp(0.0, 1.0))
}

/// The rank sum of ascending `x` in the pooled sample with ascending `y` (ties get their mean
/// rank) and Σ(t³ − t) over the groups of tied values: one merge of the two, no sort.
#[expect(clippy::cast_precision_loss, reason = "sample sizes are below 2^52")]
fn rank_sum(x: &[f64], y: &[f64]) -> (f64, f64) {
    let (mut i, mut j, mut below) = (0usize, 0usize, 0usize);
    let (mut sum, mut ties) = (0.0, 0.0);
    loop {
        let value = match (x.get(i), y.get(j)) {
            (Some(a), Some(b)) => a.min(*b),
            (Some(a), None) => *a,
            (None, Some(b)) => *b,
            (None, None) => return (sum, ties),
        };
        let in_x = x[i..].iter().take_while(|v| **v == value).count();
        let in_y = y[j..].iter().take_while(|v| **v == value).count();
        // Ranks below + 1 ..= below + t share their mean.
        let t = (in_x + in_y) as f64;
        sum += (below as f64 + (t + 1.0) / 2.0) * in_x as f64;
        ties += t * t * t - t;
        (i, j, below) = (i + in_x, j + in_y, below + in_x + in_y);
    }
}

/// 2·P(U ≥ u) under the null hypothesis, from the counts of U's values: the coefficients of the
/// Gaussian binomial coefficient [n1 + n2 choose n1] in q, built as
/// Π (1 − q^(n2+i)) / (1 − q^i) for i = 1..=n1.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "U is a non-negative integer (or half-integer rounded up) below n1·n2"
)]
fn exact_p(n1: usize, n2: usize, u: f64) -> f64 {
    let (small, large) = (n1.min(n2), n1.max(n2));
    let degree = small * large;
    let mut counts = vec![0i128; degree + 1];
    counts[0] = 1;
    for i in 1..=small {
        let up = large + i;
        for k in (up..=degree).rev() {
            counts[k] -= counts[k - up];
        }
        for k in i..=degree {
            counts[k] += counts[k - i];
        }
    }
    let total: i128 = counts.iter().sum();
    let from = u.ceil() as usize;
    let tail: i128 = counts.iter().skip(from).sum();
    (2.0 * tail as f64 / total as f64).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1e-12)
    }

    #[test]
    fn median_interval_uses_binomial_order_statistics() {
        let five: Vec<f64> = (1..=5).map(f64::from).collect();
        assert_eq!(median_ci95(&five), None);
        let six: Vec<f64> = (1..=6).map(f64::from).collect();
        assert_eq!(median_ci95(&six), Some((1.0, 6.0)));
        // n = 20: P(B ≤ 5) = 0.0207 ≤ 0.025 < P(B ≤ 6) = 0.0577, so l = 6: x(6), x(15).
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(median_ci95(&twenty), Some((6.0, 15.0)));
    }

    #[test]
    fn the_bisected_interval_is_the_first_order_statistic_past_the_tail() {
        for n in 1..400u64 {
            let binomial = Binomial::new(0.5, n).unwrap();
            let lower = (1..=n / 2).take_while(|l| binomial.cdf(l - 1) <= 0.025).last();
            let values: Vec<f64> = (1..=n).map(|v| v as f64).collect();
            let expected = lower.map(|l| (l as f64, (n + 1 - l) as f64));
            assert_eq!(median_ci95(&values), expected, "n = {n}");
        }
    }

    #[test]
    fn exact_p_values_match_scipy() {
        // scipy.stats.mannwhitneyu([1,2,3], [4,5,6]).pvalue = 0.1
        assert!(close(mann_whitney_p(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap(), 0.1));
        // mannwhitneyu([1,4,7,10], [2,3,5,6,8]).pvalue = 0.9047619047619049
        let p = mann_whitney_p(&[1.0, 4.0, 7.0, 10.0], &[2.0, 3.0, 5.0, 6.0, 8.0]).unwrap();
        assert!(close(p, 0.904_761_904_761_904_9), "{p}");
        assert!(close(mann_whitney_p(&[1.0], &[2.0]).unwrap(), 1.0));
    }

    #[test]
    fn asymptotic_p_values_match_scipy() {
        // mannwhitneyu([1,2,2,3,4], [2,3,5,6,6,7]).pvalue = 0.06414661873440437 (ties)
        let p = mann_whitney_p(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 3.0, 5.0, 6.0, 6.0, 7.0]).unwrap();
        assert!(close(p, 0.064_146_618_734_404_37), "{p}");
        // Ten against ten without ties (asymptotic: both samples above 8):
        // mannwhitneyu(range(10), [v + 0.5 for v in range(5, 15)]).pvalue = 0.0028272720911168077
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let y: Vec<f64> = (5..15).map(|v| f64::from(v) + 0.5).collect();
        let p = mann_whitney_p(&x, &y).unwrap();
        assert!(close(p, 0.002_827_272_091_116_807_7), "{p}");
        assert_eq!(mann_whitney_p(&[3.0, 3.0], &[3.0, 3.0, 3.0]), Some(1.0));
        assert_eq!(mann_whitney_p(&[], &[1.0]), None);
    }

    #[test]
    fn the_merged_rank_sum_gives_tied_values_their_mean_rank() {
        // Pooled 1 2 2 2 3 5: ranks 1, 3, 3, 3, 5, 6; x = [2, 3] sums 3 + 5, one tie of three.
        assert_eq!(rank_sum(&[2.0, 3.0], &[1.0, 2.0, 2.0, 5.0]), (8.0, 24.0));
        assert_eq!(rank_sum(&[-0.0], &[0.0]), (1.5, 6.0), "-0 and 0 are the same value");
    }
}
