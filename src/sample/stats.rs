//! What a complete [`Batch`] of samples says: per report item and period the mean and the
//! 5th, 25th, 50th, 75th and 95th percentiles; per claim how often it holds; per entity when
//! it defaults and when its cash runs out, its funding gap and its losses.
//!
//! Exact throughout: a percentile is one of the sampled values (nearest rank: the
//! ⌈q·N/100⌉-th smallest), the mean is the exact sum divided once by N, and a probability is
//! a count of samples over N. Nothing depends on the order the samples were run in.

use super::Batch;
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// The percentiles reported.
pub const QUANTILES: [u64; 5] = [5, 25, 50, 75, 95];

/// A quantity's distribution over the samples, beside its deterministic value.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// The deterministic run's value.
    pub point: Decimal,
    pub mean: Decimal,
    /// At [`QUANTILES`].
    pub q: [Decimal; 5],
}

/// The nearest-rank `q`th percentile of sorted `v` (not empty).
fn percentile(v: &[Decimal], q: u64) -> Decimal {
    let n = v.len() as u64;
    let rank = (q * n).div_ceil(100).max(1);
    v.get((rank - 1) as usize).copied().unwrap_or_default()
}

/// The distribution of `values` (any order).
pub fn stats(point: Decimal, mut values: Vec<Decimal>) -> Result<Stats, ArithError> {
    values.sort();
    let sum = values.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, *x))?;
    let mean = if values.is_empty() { Decimal::ZERO } else { number::div(sum, Decimal::from(values.len() as u64))? };
    Ok(Stats { point, mean, q: QUANTILES.map(|q| percentile(&values, q)) })
}

/// When something happens (a default, cash running out), over the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// In the deterministic run.
    pub point: Option<usize>,
    /// Per year of the timeline (its label): samples where it has happened by the year's end.
    pub by_year: Vec<(String, u64)>,
    /// Per period where it happens in some sample: how many.
    pub in_period: Vec<(usize, u64)>,
    /// Samples where it never happens.
    pub never: u64,
}

fn timing(point: Option<usize>, values: &[Option<usize>], periods: &[String]) -> Timing {
    let mut count = vec![0u64; periods.len()];
    let mut never = 0;
    for v in values {
        match v.and_then(|p| count.get_mut(p)) {
            Some(c) => *c += 1,
            None => never += 1,
        }
    }
    let mut by_year: Vec<(String, u64)> = Vec::new();
    let mut acc = 0;
    for (label, c) in periods.iter().zip(&count) {
        acc += c;
        let year = label.get(..4).unwrap_or(label).to_string();
        match by_year.last_mut() {
            Some((y, n)) if *y == year => *n = acc,
            _ => by_year.push((year, acc)),
        }
    }
    let in_period = count.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| (i, *c)).collect();
    Timing { point, by_year, in_period, never }
}

/// Everything a run of samples reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Per numeric report item, per period.
    pub items: Vec<Vec<Stats>>,
    /// Per claim: does it hold in the deterministic run, and in how many samples.
    pub claims: Vec<(bool, u64)>,
    /// Per entity.
    pub defaults: Vec<Timing>,
    pub runway: Vec<Timing>,
    pub funding_gap: Vec<Stats>,
    pub losses: Vec<Stats>,
}

/// `count / n` as a decimal.
pub fn probability(count: u64, n: u64) -> Decimal {
    if n == 0 {
        return Decimal::ZERO;
    }
    number::div(Decimal::from(count), Decimal::from(n)).unwrap_or_default()
}

impl Summary {
    /// The summary of a complete batch.
    pub fn of(b: &Batch) -> Result<Summary, ArithError> {
        let recs = &b.records;
        let mut items = Vec::new();
        for (k, point) in b.point.items.iter().enumerate() {
            let mut per = Vec::new();
            for (p, pv) in point.iter().enumerate() {
                let vals = recs.iter().map(|r| r.items.get(k).and_then(|v| v.get(p)).copied().unwrap_or_default());
                per.push(stats(*pv, vals.collect())?);
            }
            items.push(per);
        }
        let claims = b
            .point
            .claims
            .iter()
            .enumerate()
            .map(|(k, h)| (*h, recs.iter().filter(|r| r.claims.get(k).copied().unwrap_or(false)).count() as u64))
            .collect();
        let (mut defaults, mut runway, mut funding_gap, mut losses) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (e, pr) in b.point.risk.iter().enumerate() {
            let risk = |r: &super::Record| r.risk.get(e).cloned();
            let all: Vec<_> = recs.iter().filter_map(risk).collect();
            let d: Vec<Option<usize>> = all.iter().map(|r| r.default).collect();
            defaults.push(timing(pr.default, &d, &b.meta.periods));
            let w: Vec<Option<usize>> = all.iter().map(|r| r.runway).collect();
            runway.push(timing(pr.runway, &w, &b.meta.periods));
            funding_gap.push(stats(pr.funding_gap, all.iter().map(|r| r.funding_gap).collect())?);
            losses.push(stats(pr.losses, all.iter().map(|r| r.losses).collect())?);
        }
        Ok(Summary { items, claims, defaults, runway, funding_gap, losses })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<Decimal> = (1..=100).map(Decimal::from).collect();
        let s = stats(Decimal::ZERO, v).unwrap();
        assert_eq!(s.q, [5, 25, 50, 75, 95].map(Decimal::from));
        assert_eq!(s.mean, Decimal::new(505, 1));
        let one = stats(Decimal::ZERO, vec![Decimal::TEN]).unwrap();
        assert_eq!(one.q, [Decimal::TEN; 5]);
    }

    #[test]
    fn timing_by_year() {
        let periods: Vec<String> = ["2025-H1", "2025-H2", "2026-H1", "2026-H2"].map(String::from).to_vec();
        let t = timing(None, &[Some(1), None, Some(2), Some(3)], &periods);
        assert_eq!(t.by_year, vec![("2025".to_string(), 1), ("2026".to_string(), 3)]);
        assert_eq!(t.in_period, vec![(1, 1), (2, 1), (3, 1)]);
        assert_eq!(t.never, 1);
    }
}
