//! Booking: how rates and amounts land in periods.
//!
//! **Cumulative booking.** For every flow, the running total booked up to the end of each
//! period is the exact cumulative amount computed with a single division and then rounded to
//! the ledger's precision ([`LEDGER_DP`] = 13 decimal places, half to even); each period books
//! the difference of two running totals. So no rounding error ever accumulates, and any span
//! whose exact amount terminates within 13 decimals sums exactly. Amounts and balances are
//! bounded by [`LEDGER_LIMIT`] (10^15), within which every ledger sum is exact.
//!
//! **Rates** book by the time unit they are written in:
//! - a time unit whose size is a whole number of months (`month`, `quarter`, `year`, or one
//!   you declare) is a *calendar* unit: it books by calendar months, a year being 12 equal
//!   months — `12B USD/year` is exactly `1B USD` in every month and `12B USD` in every year,
//!   leap or not. A partial month (a daily timeline, a flow that starts mid-month) counts its
//!   share of days: day *k* of a 31-day month carries 1/31 of the month's amount, and the
//!   cumulative rule places the remainders so each month still sums exactly;
//! - any other time unit (`second`, `minute`, `hour`, `day`, `week`) is *elapsed* time: the
//!   rate times the time elapsed in the period — `15M USD/day` is `465M USD` in January and
//!   `435M USD` in February 2028;
//! - a rate whose unit names no time unit (`W * USD/kWh`) books by elapsed hours.
//!
//! Because `in` converts with fixed factors, `15M USD/day in USD/year` (5.475B USD/year) books
//! 456.25M USD in January, not 465M: the converted rate is a calendar rate.

use super::series::{Series, Values};
use super::timeline::Timeline;
use crate::number::{self, ArithError};
use crate::units::{Registry, Unit, UnitId};
use rust_decimal::Decimal;

/// Decimal places of amounts in the ledger.
pub const LEDGER_DP: u32 = 13;

/// The largest magnitude of a ledger amount or balance (10^15 in the ledger currency). Below
/// it, every amount and every sum of amounts has at most 13 decimals and 28 digits, so
/// rust_decimal holds it exactly; above it, a sum would be rounded silently, so it is an
/// overflow instead.
pub const LEDGER_LIMIT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0); // 10^15

/// `x` if it is within the ledger's range, else an overflow. (Integer comparison of the
/// mantissa with 10^(15 + scale): this runs for every amount and balance.)
pub fn in_ledger(x: Decimal) -> Result<Decimal, ArithError> {
    let scale = x.scale();
    // 10^(15 + scale) exceeds the largest mantissa (7.9e28) once 15 + scale >= 29
    if scale >= 14 || x.mantissa().unsigned_abs() < 10u128.pow(15 + scale) {
        Ok(x)
    } else {
        Err(ArithError::Overflow)
    }
}

/// Rounds to the ledger's precision (half to even).
pub fn round_ledger(x: Decimal) -> Decimal {
    if x.scale() <= LEDGER_DP {
        return x;
    }
    number::round(x, LEDGER_DP, number::Rounding::Banker)
}

/// The least common multiple of every month length (28..31 days) and 12: every month's share
/// of days, and every fraction of a year in months, is a whole multiple of `1/L`.
pub(super) const L: i64 = 377_580;
/// Seconds in a month (a year / 12), the size that makes a time unit a calendar unit.
const MONTH_SECONDS: i64 = 2_628_000;

/// How a rate books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// By calendar months; the unit is this many months.
    Calendar {
        /// Months in the time unit (1 month, 3 quarter, 12 year).
        months: i64,
    },
    /// By elapsed time; the unit is this many seconds.
    Elapsed {
        /// Seconds in the time unit.
        seconds: i64,
    },
}

/// Finds how a money-per-time unit books, and the unit to convert the rate to first
/// (`money / time unit`).
pub fn basis_of(unit: &Unit, reg: &Registry, money: UnitId) -> Option<(Basis, Unit)> {
    let time = reg.time();
    let time_factors: Vec<(UnitId, i32)> =
        unit.factors().iter().copied().filter(|(id, _)| reg.def(*id).is_some_and(|d| d.dimension == time)).collect();
    let money_unit = Unit::named(money);
    let chosen = match time_factors.as_slice() {
        [(id, -1)] => Some(*id),
        _ => None,
    };
    let time_id = match chosen {
        Some(id) => id,
        None => reg.lookup("hour")?,
    };
    let seconds = reg.def(time_id).map(|d| d.factor)?.value().ok()?;
    let seconds = number::as_integer(seconds)?;
    let basis = if seconds > 0 && seconds % MONTH_SECONDS == 0 {
        Basis::Calendar { months: seconds / MONTH_SECONDS }
    } else {
        Basis::Elapsed { seconds }
    };
    Some((basis, money_unit.div(&Unit::named(time_id))))
}

/// Books a rate (already in `money / time unit`, see [`basis_of`]) active over the day
/// interval `[first, end)` into the periods of `timeline`.
pub fn book_rate(
    rate: &Series,
    basis: Basis,
    active: (i64, i64),
    timeline: &Timeline,
) -> Result<Vec<Decimal>, ArithError> {
    let n = timeline.len();
    let mut out = vec![Decimal::ZERO; n];
    let (a0, a1) = active;
    let mut sum = Decimal::ZERO; // Σ value × weight, exact
    let mut booked = Decimal::ZERO; // running total booked so far
    let divisor = match basis {
        Basis::Calendar { months } => Decimal::from(L.checked_mul(months).ok_or(ArithError::Overflow)?),
        Basis::Elapsed { seconds } => Decimal::from(seconds),
    };
    // a rate active before the timeline starts its running total there (at the first
    // period's value), so a window books the same amounts as a longer run
    if let Some(first) = timeline.periods.first().filter(|p| a0 < p.first_day) {
        let e = first.first_day.min(a1);
        let weight: i64 = match basis {
            Basis::Calendar { .. } => Timeline::month_weight(a0, e, L),
            Basis::Elapsed { .. } => (e - a0) * 86_400,
        };
        sum = number::mul(rate.get(0), Decimal::from(weight))?;
        booked = in_ledger(round_ledger(number::div(sum, divisor)?))?;
    }
    for i in timeline.indices_overlapping(a0, a1) {
        let Some(p) = timeline.periods.get(i) else { continue };
        let (f, e) = (p.first_day.max(a0), p.end_day.min(a1));
        if f >= e {
            continue;
        }
        let weight: i64 = match basis {
            Basis::Calendar { .. } => Timeline::month_weight(f, e, L),
            Basis::Elapsed { .. } => (e - f) * 86_400,
        };
        let v = rate.get(i);
        sum = number::add(sum, number::mul(v, Decimal::from(weight))?)?;
        let total = in_ledger(round_ledger(number::div(sum, divisor)?))?;
        if let Some(slot) = out.get_mut(i) {
            *slot = number::sub(total, booked)?;
        }
        booked = total;
    }
    Ok(out)
}

/// Books per-period amounts (a flow-shaped series) with cumulative rounding.
pub fn book_amounts(values: &Values, n: usize) -> Result<Vec<Decimal>, ArithError> {
    let mut out = Vec::with_capacity(n);
    let mut sum = Decimal::ZERO;
    let mut booked = Decimal::ZERO;
    for i in 0..n {
        sum = number::add(sum, values.get(i))?;
        let total = in_ledger(round_ledger(sum))?;
        out.push(number::sub(total, booked)?);
        booked = total;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::TimelineIr;
    use crate::syntax::ast::{PeriodValue, Step};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn reg() -> Registry {
        let mut map = crate::source::SourceMap::new();
        let loaded = crate::driver::load_text(&mut map, "<t>", "");
        crate::driver::compile(&loaded, None).0.registry
    }

    fn rate(reg: &Registry, value: &str, unit: &str, tl: &Timeline) -> Vec<Decimal> {
        let usd = reg.lookup("USD").unwrap_or(0);
        let u = Unit::named(usd).div(&Unit::named(reg.lookup(unit).unwrap_or(0)));
        let Some((basis, target)) = basis_of(&u, reg, usd) else { return vec![] };
        let s = Series::constant(d(value), u).convert(&target, reg).unwrap_or(Series::constant(d("0"), Unit::none()));
        let all = (tl.periods[0].first_day, tl.periods[tl.len() - 1].end_day);
        book_rate(&s, basis, all, tl).unwrap_or_default()
    }

    fn timeline(start: PeriodValue, end: PeriodValue, step: Step) -> Timeline {
        Timeline::new(&TimelineIr { start, end, step }).unwrap_or(Timeline { step, periods: vec![] })
    }

    #[test]
    fn a_yearly_rate_is_exactly_one_twelfth_every_month() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 12), Step::Monthly);
        let v = rate(&r, "12000000000", "year", &t);
        assert!(v.iter().all(|x| *x == d("1000000000")), "{v:?}");
        assert_eq!(v.iter().sum::<Decimal>(), d("12000000000"));
    }

    #[test]
    fn a_daily_rate_books_elapsed_days() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 2), Step::Monthly);
        assert_eq!(rate(&r, "15000000", "day", &t), vec![d("465000000"), d("435000000")]);
    }

    #[test]
    fn daily_timelines_give_the_same_monthly_totals() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 3), Step::Daily);
        let v = rate(&r, "8600000000", "year", &t);
        let jan: Decimal = v.iter().take(31).sum();
        let feb: Decimal = v.iter().skip(31).take(29).sum();
        // 8.6B / 12 = 716,666,666.666666666666… per month; the running total after two months
        // is exactly 1,433,333,333.3333333333333 at 13 decimals.
        assert_eq!(jan + feb, d("1433333333.3333333333333"));
        let m = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 3), Step::Monthly);
        let mv = rate(&r, "8600000000", "year", &m);
        assert_eq!(mv.first().copied(), Some(jan));
        assert_eq!(mv.get(1).copied(), Some(feb));
    }

    #[test]
    fn a_converted_rate_books_as_a_calendar_rate() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 1), Step::Monthly);
        // 15M USD/day in USD/year = 5,475M USD/year -> 456.25M USD in January
        assert_eq!(rate(&r, "5475000000", "year", &t), vec![d("456250000")]);
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn the_ledger_limit_is_ten_to_the_fifteenth() {
        assert_eq!(LEDGER_LIMIT, Decimal::from(1_000_000_000_000_000i64));
        assert!(in_ledger(Decimal::from(999_999_999_999_999i64)).is_ok());
        assert!(in_ledger(-LEDGER_LIMIT).is_err());
    }
}
