//! Straight-line depreciation of capex, the same on every timeline step.
//!
//! Capex is depreciated by the **calendar month it is spent in** (a full-month convention):
//! what is spent in a month depreciates from that month's first day, evenly over its `life`,
//! booked like a rate of `amount / life` by the rules of [`super::booking`] — a life in months,
//! quarters or years by calendar months (6B USD over `5 year` is 100M USD in each of 60
//! months), any other life by elapsed days. The rate is never divided before it is booked (the
//! booking's one division is `amount × elapsed ÷ life`), so the depreciation of every spend adds
//! up to the spend exactly.
//!
//! Because the schedule hangs on calendar months, not on timeline periods, the yearly totals
//! are the same on a daily, monthly, quarterly or yearly timeline. On a quarterly or yearly
//! timeline the month of a spend is recovered from the flow: a dated amount's day, or the rate
//! booked month by month (a series takes its period's value in each of the period's months, so
//! a month-anchored curve on a yearly timeline spreads its yearly mean evenly: the documented
//! exception).

use super::booking::{self, basis_of, book_rate, Basis};
use super::engine::{Run, Val};
use super::error::EvalError;
use super::series::Series;
use super::timeline::{Period, Timeline};
use crate::check::ir::{EntityId, FlowId, TExpr};
use crate::number::{self, ArithError};
use crate::source::Span;
use crate::syntax::ast::Step;
use crate::units::Unit;
use rust_decimal::Decimal;

fn arith(e: ArithError, span: Span) -> EvalError {
    EvalError::arith(e, span)
}

/// Seconds in a month (a year / 12).
const MONTH_SECONDS: i64 = 2_628_000;

/// The first day of the month containing day `n`.
fn month_start(n: i64) -> i64 {
    let d = super::timeline::date_of_day(n);
    crate::calendar::day_number(d.y, d.m, 1)
}

/// The months `[first, end)` of the calendar months overlapping `[a, b)`.
fn months_over(a: i64, b: i64) -> Vec<Period> {
    let mut out = Vec::new();
    let mut day = month_start(a);
    while day < b && out.len() < 1_200_000 {
        let d = super::timeline::date_of_day(day);
        let dim = crate::calendar::days_in_month(d.y, d.m);
        let end = day + i64::from(dim);
        out.push(Period { start: (d.y, d.m, 1), end: (d.y, d.m, dim), first_day: day, end_day: end });
        day = end;
    }
    out
}

impl<'a> Run<'a> {
    /// The life's booking basis and its end day for a spend depreciating from day `start`.
    fn life_of(&mut self, life_expr: &TExpr, start: i64) -> Result<(Basis, i64), EvalError> {
        let span = life_expr.span;
        let life = match self.value(life_expr)? {
            Val::S(s, _) => s,
            _ => return Err(EvalError::Internal { span, what: "a life that is not a duration".into() }),
        };
        let secs = self.reg.factor(&life.unit).and_then(|f| f.apply(life.get(0))).map_err(|x| arith(x, span))?;
        if secs <= Decimal::ZERO {
            return Err(EvalError::ContractTerms { span, what: "a depreciation life must be positive".into() });
        }
        let months = number::div(secs, Decimal::from(MONTH_SECONDS)).map_err(|x| arith(x, span))?;
        if months.fract().is_zero() {
            let n = number::as_integer(months).ok_or_else(|| arith(ArithError::Overflow, span))?;
            let d = super::timeline::date_of_day(start);
            let idx = i64::from(d.y) * 12 + i64::from(d.m) - 1 + n;
            let (y, m) = (idx.div_euclid(12), idx.rem_euclid(12) + 1);
            let y = i32::try_from(y).map_err(|_| arith(ArithError::Overflow, span))?;
            let end = crate::calendar::day_number(y, u32::try_from(m).unwrap_or(1), 1);
            return Ok((Basis::Calendar { months: n }, end));
        }
        let whole = number::as_integer(secs.ceil()).ok_or_else(|| arith(ArithError::Overflow, span))?;
        if whole != number::as_integer(secs).unwrap_or(-1) {
            return Err(EvalError::ContractTerms { span, what: "a depreciation life must be whole seconds".into() });
        }
        let days = number::as_integer(number::div(secs, Decimal::from(86_400)).map_err(|x| arith(x, span))?.ceil())
            .ok_or_else(|| arith(ArithError::Overflow, span))?;
        Ok((Basis::Elapsed { seconds: whole }, start + days))
    }

    /// Depreciates spends `(day, amount)` of `entity` over `life` (see the module docs).
    pub(super) fn depreciate_spends(
        &mut self,
        entity: EntityId,
        spends: &[(i64, Decimal)],
        life_expr: &TExpr,
        span: Span,
    ) -> Result<(), EvalError> {
        // the spends of each calendar month, together
        let mut by_month: Vec<(i64, Decimal)> = Vec::new();
        for (day, amount) in spends {
            if amount.is_zero() {
                continue;
            }
            let m = month_start(*day);
            match by_month.iter_mut().find(|(d, _)| *d == m) {
                Some(slot) => slot.1 = number::add(slot.1, *amount).map_err(|x| arith(x, span))?,
                None => by_month.push((m, *amount)),
            }
        }
        for (start, amount) in by_month {
            let (basis, end) = self.life_of(life_expr, start)?;
            // the whole spend over the whole life: Σ amount × weight ÷ life, one division
            let rate = Series::constant(amount, Unit::none());
            let booked = book_rate(&rate, basis, (start, end), &self.timeline).map_err(|x| arith(x, span))?;
            if let Some(row) = self.depreciation.get_mut(entity) {
                for (slot, v) in row.iter_mut().zip(booked) {
                    *slot = number::add(*slot, v).map_err(|x| arith(x, span))?;
                }
            }
        }
        Ok(())
    }

    /// Depreciation of a capex flow whose booked amounts are `amounts`.
    pub(super) fn depreciate(&mut self, fid: FlowId, amounts: &[Decimal]) -> Result<(), EvalError> {
        let Some(f) = self.program.flows.get(fid) else { return Ok(()) };
        let Some(life_expr) = &f.life else { return Ok(()) };
        let spends = self.monthly_spends(fid, amounts)?;
        self.depreciate_spends(f.entity, &spends, life_expr, f.span)
    }

    /// When a flow's amounts were spent, month by month: each period's amount on its first
    /// day when a period is no longer than a month; on a quarterly or yearly timeline, a dated
    /// amount on its day and a rate booked month by month.
    fn monthly_spends(&mut self, fid: FlowId, amounts: &[Decimal]) -> Result<Vec<(i64, Decimal)>, EvalError> {
        let Some(f) = self.program.flows.get(fid) else { return Ok(vec![]) };
        let fine = matches!(self.timeline.step, Step::Daily | Step::Monthly);
        let by_period = |tl: &Timeline| -> Vec<(i64, Decimal)> {
            tl.periods.iter().zip(amounts).map(|(p, a)| (p.first_day, *a)).collect()
        };
        if fine {
            return Ok(by_period(&self.timeline));
        }
        if let Some(on) = f.on {
            let day = Timeline::span_of(on).0;
            let total =
                amounts.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, *x)).map_err(|x| arith(x, f.span))?;
            return Ok(vec![(day, total)]);
        }
        let span = f.value.span;
        let series = match self.value(&f.value)? {
            Val::S(s, _) | Val::Uncertain(_, _, s) => s,
            _ => return Err(EvalError::Internal { span, what: "a flow value that is not a quantity".into() }),
        };
        let money = Unit::named(self.money);
        let Some((basis, target)) = (if self.reg.dimension(&series.unit) == self.reg.dimension(&money) {
            None
        } else {
            basis_of(&series.unit, self.reg, self.money)
        }) else {
            // amounts per period: spread evenly over the period's months
            let mut out = Vec::new();
            for (p, a) in self.timeline.periods.iter().zip(amounts) {
                let months = months_over(p.first_day, p.end_day);
                let weights = vec![Decimal::ONE; months.len()];
                if a.is_zero() || weights.is_empty() {
                    continue;
                }
                let parts = spread_even(*a, &weights).map_err(|x| arith(x, span))?;
                out.extend(months.iter().map(|m| m.first_day).zip(parts));
            }
            return Ok(out);
        };
        let conv = series.convert(&target, self.reg).map_err(|x| EvalError::arith(x.error, span))?;
        let (t0, t1) = (
            self.timeline.periods.first().map(|p| p.first_day).unwrap_or(0),
            self.timeline.periods.last().map(|p| p.end_day).unwrap_or(0),
        );
        // (what the flow spent before the timeline is brought forward and depreciated apart)
        let first = f.from.map(|p| Timeline::span_of(p).0).unwrap_or(t0).max(t0);
        let end = f.to.map(|p| Timeline::span_of(p).1).unwrap_or(t1);
        self.rate_by_month(&conv, basis, (first, end), span)
    }

    /// A rate (in `money / time unit`, see [`basis_of`]) booked month by month over `[first,
    /// end)` up to the timeline's end: `(first day of the month, amount)`. A series takes the
    /// value of the timeline period each month starts in (before the timeline, the first
    /// period's).
    pub(super) fn rate_by_month(
        &self,
        conv: &Series,
        basis: Basis,
        (first, end): (i64, i64),
        span: Span,
    ) -> Result<Vec<(i64, Decimal)>, EvalError> {
        let (t0, t1) = (
            self.timeline.periods.first().map(|p| p.first_day).unwrap_or(0),
            self.timeline.periods.last().map(|p| p.end_day).unwrap_or(0),
        );
        let months = Timeline { step: Step::Monthly, periods: months_over(first.min(t0), t1) };
        let values: Vec<Decimal> = months
            .periods
            .iter()
            .map(|m| {
                let before = m.first_day < t0;
                self.timeline.index_of_day(m.first_day).map(|i| conv.get(i)).unwrap_or(if before {
                    conv.get(0)
                } else {
                    Decimal::ZERO
                })
            })
            .collect();
        let monthly = Series::per(values, conv.unit.clone());
        let booked = book_rate(&monthly, basis, (first, end), &months).map_err(|x| arith(x, span))?;
        Ok(months.periods.iter().map(|m| m.first_day).zip(booked).collect())
    }
}

/// `total` in equal parts, with cumulative rounding to the ledger's precision.
fn spread_even(total: Decimal, weights: &[Decimal]) -> Result<Vec<Decimal>, ArithError> {
    let n = Decimal::from(weights.len());
    let mut out = Vec::with_capacity(weights.len());
    let mut booked = Decimal::ZERO;
    for k in 1..=weights.len() {
        let t = booking::round_ledger(number::div(number::mul(total, Decimal::from(k))?, n)?);
        out.push(number::sub(t, booked)?);
        booked = t;
    }
    Ok(out)
}
