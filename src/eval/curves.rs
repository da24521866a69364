//! Growth curves: values per period from anchors.
//!
//! A curve has the **granularity** of its anchors (the finest calendar literal among them: a
//! year, half, quarter, month or day). Its formula is evaluated once per granule — a curve
//! anchored at years has one value per year — and a period's value is the mean of the values
//! of the granules that start in it (one granule for a period no longer than a granule). So a
//! year-anchored rate books the same amount into a year on a monthly and on a yearly timeline.
//!
//! Between anchors: `linear` interpolates, `step` holds, `cagr` compounds:
//! `a · (b/a)^((t − tₐ)/(t_b − tₐ))`. Before the first anchor a curve holds its first value;
//! after the last it holds the last, unless `extrapolate: trend` continues the formula.
//! Fractional powers go through [`crate::number::pow`] and `exp` through [`crate::number::exp`].

use super::timeline::Timeline;
use crate::calendar::{day_number, period_start};
use crate::number::{self, ArithError};
use crate::syntax::ast::PeriodValue;
use rust_decimal::Decimal;

/// A calendar granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Granularity {
    /// Days.
    Day,
    /// Months.
    Month,
    /// Quarters.
    Quarter,
    /// Halves.
    Half,
    /// Years.
    Year,
}

impl Granularity {
    /// The granularity of a calendar literal.
    pub fn of(p: PeriodValue) -> Granularity {
        match p {
            PeriodValue::Day(..) => Granularity::Day,
            PeriodValue::Month(..) => Granularity::Month,
            PeriodValue::Quarter(..) => Granularity::Quarter,
            PeriodValue::Half(..) => Granularity::Half,
            PeriodValue::Year(..) => Granularity::Year,
        }
    }

    /// The index of the granule containing day `(y, m, d)`.
    pub fn index(self, (y, m, d): (i32, u32, u32)) -> i64 {
        let (y, m) = (i64::from(y), i64::from(m));
        match self {
            Granularity::Day => day_number(y as i32, m as u32, d),
            Granularity::Month => y * 12 + m - 1,
            Granularity::Quarter => y * 4 + (m - 1) / 3,
            Granularity::Half => y * 2 + (m - 1) / 6,
            Granularity::Year => y,
        }
    }

    /// Granules in a year (for time conversion: a year is 365 days, as everywhere in aifin).
    pub fn per_year(self) -> Decimal {
        Decimal::from(match self {
            Granularity::Day => 365,
            Granularity::Month => 12,
            Granularity::Quarter => 4,
            Granularity::Half => 2,
            Granularity::Year => 1,
        })
    }
}

/// A curve's formula over granule indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    /// Piecewise linear through the anchors.
    Linear,
    /// Each anchor's value until the next.
    Step,
    /// Compound growth between two anchors.
    Cagr,
    /// `a · (1 + r)^years` from one anchor.
    Compound {
        /// The growth per year, as a fraction.
        per_year: Decimal,
    },
    /// `floor + (cap − floor) / (1 + e^(−k·(t − mid)))`.
    Logistic {
        /// Lower asymptote.
        floor: Decimal,
        /// Upper asymptote.
        cap: Decimal,
        /// The midpoint's granule.
        mid: i64,
        /// Steepness per year.
        k: Decimal,
    },
    /// `a · factor^⌊(t − tₐ) / every⌋`.
    Generations {
        /// The factor per generation.
        factor: Decimal,
        /// Granules per generation.
        every: Decimal,
    },
}

/// A curve ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Granularity.
    pub granularity: Granularity,
    /// Anchors as (granule index, value), in increasing order.
    pub anchors: Vec<(i64, Decimal)>,
    /// The formula.
    pub formula: Formula,
    /// Continue the formula beyond the anchors instead of holding.
    pub trend: bool,
}

impl Curve {
    /// The granularity of a set of anchor literals: the finest among them.
    pub fn granularity_of(anchors: &[PeriodValue]) -> Granularity {
        anchors.iter().map(|p| Granularity::of(*p)).min().unwrap_or(Granularity::Year)
    }

    /// The granule index of an anchor literal at granularity `g` (its first granule).
    pub fn anchor_index(g: Granularity, p: PeriodValue) -> i64 {
        g.index(period_start(p))
    }

    /// The value at granule `t`.
    pub fn at(&self, t: i64) -> Result<Decimal, ArithError> {
        if let Formula::Logistic { floor, cap, mid, k } = &self.formula {
            let years = number::div(Decimal::from(t - mid), self.granularity.per_year())?;
            let x = number::mul(-*k, years)?;
            let denom = number::add(Decimal::ONE, number::exp(x)?)?;
            return number::add(*floor, number::div(number::sub(*cap, *floor)?, denom)?);
        }
        let Some(&(t0, a)) = self.anchors.first() else { return Ok(Decimal::ZERO) };
        let &(tn, z) = self.anchors.last().unwrap_or(&(t0, a));
        let years = |from: i64| number::div(Decimal::from(t - from), self.granularity.per_year());
        match &self.formula {
            Formula::Compound { per_year } => {
                if t < t0 && !self.trend {
                    return Ok(a);
                }
                let growth = number::add(Decimal::ONE, *per_year)?;
                number::mul(a, number::pow(growth, years(t0)?)?)
            }
            Formula::Logistic { .. } => Ok(a), // handled above
            Formula::Generations { factor, every } => {
                if t < t0 {
                    return Ok(a);
                }
                let gens = number::div(Decimal::from(t - t0), *every)?.floor();
                let n = number::as_integer(gens).ok_or(ArithError::Overflow)?;
                number::mul(a, number::powi(*factor, n)?)
            }
            _ if t <= t0 && (!self.trend || self.anchors.len() < 2) => Ok(a),
            _ if t >= tn && (!self.trend || self.anchors.len() < 2) => Ok(z),
            Formula::Step => Ok(self.anchors.iter().take_while(|(at, _)| *at <= t).last().map(|x| x.1).unwrap_or(a)),
            Formula::Linear | Formula::Cagr => {
                // the segment containing t (or the first/last one, extended)
                let i = self.anchors.partition_point(|(at, _)| *at <= t).clamp(1, self.anchors.len() - 1);
                let (Some(&(ta, va)), Some(&(tb, vb))) = (self.anchors.get(i - 1), self.anchors.get(i)) else {
                    return Ok(a);
                };
                if self.formula == Formula::Linear {
                    // multiply first, divide once: exact whenever the quotient terminates
                    let rise = number::mul(number::sub(vb, va)?, Decimal::from(t - ta))?;
                    number::add(va, number::div(rise, Decimal::from(tb - ta))?)
                } else {
                    let frac = number::div(Decimal::from(t - ta), Decimal::from(tb - ta))?;
                    if va.is_zero() {
                        return Err(ArithError::DivisionByZero);
                    }
                    let ratio = number::div(vb, va)?;
                    number::mul(va, number::pow(ratio, frac)?)
                }
            }
        }
    }

    /// The value in every period of `timeline`: the mean over the granules starting in it.
    pub fn values(&self, timeline: &Timeline) -> Result<Vec<Decimal>, (ArithError, usize)> {
        let mut out = Vec::with_capacity(timeline.len());
        let mut cache: Option<(i64, Decimal)> = None;
        for (i, p) in timeline.periods.iter().enumerate() {
            let g0 = self.granularity.index(p.start);
            let g1 = self.granularity.index(p.end).max(g0);
            let mut sum = Decimal::ZERO;
            for g in g0..=g1 {
                let v = match cache {
                    Some((cg, cv)) if cg == g => cv,
                    _ => {
                        let v = self.at(g).map_err(|e| (e, i))?;
                        cache = Some((g, v));
                        v
                    }
                };
                sum = number::add(sum, v).map_err(|e| (e, i))?;
            }
            let count = Decimal::from(g1 - g0 + 1);
            out.push(if count == Decimal::ONE { sum } else { number::div(sum, count).map_err(|e| (e, i))? });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn cagr_matches_an_independent_value_to_24_digits() {
        // 20B * 10^(2/5) = 50,237,728,630.19160222170064140… (10^0.4 to 30 digits:
        // 2.511886431509580111085032067799)
        let c = Curve {
            granularity: Granularity::Year,
            anchors: vec![(2025, d("20000000000")), (2030, d("200000000000"))],
            formula: Formula::Cagr,
            trend: false,
        };
        let v = c.at(2027).unwrap_or_default();
        let want = d("50237728630.191602221700641356");
        assert!((v - want).abs() < d("0.0000000000001"), "{v}");
        assert_eq!(c.at(2031), Ok(d("200000000000")), "holds after the last anchor");
        assert_eq!(c.at(2024), Ok(d("20000000000")), "holds before the first");
    }

    #[test]
    fn linear_step_and_generations() {
        let lin = Curve {
            granularity: Granularity::Year,
            anchors: vec![(2025, d("1")), (2029, d("5"))],
            formula: Formula::Linear,
            trend: false,
        };
        assert_eq!(lin.at(2027), Ok(d("3")));
        let trend = Curve { trend: true, ..lin.clone() };
        assert_eq!(trend.at(2030), Ok(d("6")));
        let step = Curve { formula: Formula::Step, ..lin };
        assert_eq!(step.at(2028), Ok(d("1")));
        let gens = Curve {
            granularity: Granularity::Year,
            anchors: vec![(2024, d("1"))],
            formula: Formula::Generations { factor: d("10"), every: d("2") },
            trend: false,
        };
        assert_eq!((gens.at(2025), gens.at(2026), gens.at(2029)), (Ok(d("1")), Ok(d("10")), Ok(d("100"))));
    }
}
