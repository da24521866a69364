//! Dates, day-count conventions and cyclic schedules, as ACTUS defines them.
//!
//! - [`DayCount`]: the year fraction `Y(s, t)` of A365, A360, AA (actual/actual ISDA) and 30E360,
//!   as an exact fraction so that interest is computed with one division.
//! - [`Cycle`]: `PnXs` — every *n* days, weeks, months, quarters, halves or years, with a long
//!   (`L0`) or short (`L1`) stub.
//! - [`schedule`]: ACTUS's `S(anchor, cycle, end)`: the anchor and its shifts by whole cycles
//!   (each computed from the anchor, so month-end clamping never drifts) before `end`; with a
//!   long stub, a last regular date that would leave a short final period is dropped.

use crate::calendar::{day_number, days_in_month, days_in_year};
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

pub use crate::calendar::Date;

/// The day count enum is the checker's (its words: check/options.rs); the fractions are here.
pub use crate::check::options::DayCount;

impl DayCount {
    /// The year fraction `Y(s, t)` as `(numerator, denominator)`.
    pub fn fraction(self, s: Date, t: Date) -> (Decimal, Decimal) {
        let days = Decimal::from(t.day_number() - s.day_number());
        match self {
            DayCount::A365 => (days, Decimal::from(365)),
            DayCount::A360 => (days, Decimal::from(360)),
            DayCount::E30_360 => {
                let (d1, d2) = (s.d.min(30), t.d.min(30));
                let n = 360 * (i64::from(t.y) - i64::from(s.y))
                    + 30 * (i64::from(t.m) - i64::from(s.m))
                    + (i64::from(d2) - i64::from(d1));
                (Decimal::from(n), Decimal::from(360))
            }
            DayCount::AA => {
                if t <= s {
                    return (Decimal::ZERO, Decimal::ONE);
                }
                if s.y == t.y {
                    return (days, Decimal::from(days_in_year(s.y)));
                }
                // first partial year, whole years between, last partial year
                let first = Decimal::from(day_number(s.y + 1, 1, 1) - s.day_number());
                let last = Decimal::from(t.day_number() - day_number(t.y, 1, 1));
                let (a, b) = (Decimal::from(days_in_year(s.y)), Decimal::from(days_in_year(t.y)));
                let whole = Decimal::from(t.y - s.y - 1);
                // first/a + whole + last/b = (first*b + whole*a*b + last*a) / (a*b)
                let num = first * b + whole * a * b + last * a;
                (num, a * b)
            }
        }
    }

    /// `x · Y(s, t)`, with one division.
    pub fn apply(self, x: Decimal, s: Date, t: Date) -> Result<Decimal, ArithError> {
        let (n, d) = self.fraction(s, t);
        number::div(number::mul(x, n)?, d)
    }
}

/// The unit of a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleUnit {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Quarters.
    Quarter,
    /// Halves.
    Half,
    /// Years.
    Year,
}

/// A cycle `PnXs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    /// How many units.
    pub n: u32,
    /// Of what.
    pub unit: CycleUnit,
    /// `L0`: a long final stub (true), `L1`: a short one (false).
    pub long_stub: bool,
}

impl Cycle {
    /// Parses ACTUS's `P1ML0`, `P3ML1`, `P1YL0`, `P2WL1`, `P10DL0` (the stub part is optional;
    /// `L0` is the default).
    pub fn parse_actus(s: &str) -> Option<Cycle> {
        let s = s.trim();
        let rest = s.strip_prefix('P')?;
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let n: u32 = digits.parse().ok()?;
        let rest = rest.get(digits.len()..)?;
        let mut chars = rest.chars();
        let unit = match chars.next()? {
            'D' => CycleUnit::Day,
            'W' => CycleUnit::Week,
            'M' => CycleUnit::Month,
            'Q' => CycleUnit::Quarter,
            'H' => CycleUnit::Half,
            'Y' => CycleUnit::Year,
            _ => return None,
        };
        let stub = chars.as_str();
        let long_stub = match stub {
            "" | "L0" | "-" => true,
            "L1" | "+" => false,
            _ => return None,
        };
        if n == 0 {
            return None;
        }
        Some(Cycle { n, unit, long_stub })
    }

    /// The number of whole months of a month-based cycle.
    fn months(self) -> Option<i64> {
        let per = match self.unit {
            CycleUnit::Month => 1,
            CycleUnit::Quarter => 3,
            CycleUnit::Half => 6,
            CycleUnit::Year => 12,
            CycleUnit::Day | CycleUnit::Week => return None,
        };
        Some(i64::from(self.n) * per)
    }

    /// `anchor + k` cycles. With `eom` and a month-end anchor, month-based cycles land on month
    /// ends; otherwise the anchor's day, clamped to the month's length (same day).
    pub fn shift(self, anchor: Date, k: i64, eom: bool) -> Date {
        match self.months() {
            None => {
                let days = match self.unit {
                    CycleUnit::Week => 7,
                    _ => 1,
                } * i64::from(self.n);
                anchor.plus_days(days * k)
            }
            Some(months) => {
                let idx = i64::from(anchor.y) * 12 + i64::from(anchor.m) - 1 + months * k;
                let y = i32::try_from(idx.div_euclid(12)).unwrap_or(i32::MAX);
                let m = u32::try_from(idx.rem_euclid(12)).unwrap_or(0) + 1;
                let dim = days_in_month(y, m);
                let d = if eom && anchor.is_month_end() { dim } else { anchor.d.min(dim) };
                Date { y, m, d }
            }
        }
    }
}

/// The most dates one schedule may have.
pub const MAX_SCHEDULE: usize = 100_000;

/// ACTUS's `S(anchor, cycle, end)`: dates before `end` (see the module docs), then `end` itself
/// if `include_end`.
pub fn schedule(anchor: Date, cycle: Cycle, end: Date, eom: bool, include_end: bool) -> Vec<Date> {
    let mut out = Vec::new();
    let mut k = 0;
    let mut exact = false;
    loop {
        let d = cycle.shift(anchor, k, eom);
        if d >= end {
            exact = d == end;
            break;
        }
        out.push(d);
        k += 1;
        if out.len() > MAX_SCHEDULE {
            break;
        }
    }
    if !exact && cycle.long_stub && out.len() > 1 {
        out.pop();
    }
    if include_end && anchor <= end {
        out.push(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_parse_and_shift() {
        let c = Cycle::parse_actus("P1ML0");
        assert_eq!(c, Some(Cycle { n: 1, unit: CycleUnit::Month, long_stub: true }));
        let c = c.unwrap_or(Cycle { n: 1, unit: CycleUnit::Day, long_stub: true });
        let jan31 = Date::new(2013, 1, 31);
        assert_eq!(c.shift(jan31, 1, false), Date::new(2013, 2, 28));
        assert_eq!(c.shift(jan31, 2, false), Date::new(2013, 3, 31), "from the anchor, not the previous date");
        let apr30 = Date::new(2013, 4, 30);
        assert_eq!(c.shift(apr30, 1, true), Date::new(2013, 5, 31), "end of month");
        assert_eq!(c.shift(apr30, 1, false), Date::new(2013, 5, 30), "same day");
        assert_eq!(Cycle::parse_actus("P2WL1").map(|c| c.shift(jan31, 1, false)), Some(Date::new(2013, 2, 14)));
    }

    #[test]
    fn stubs() {
        let long = Cycle { n: 1, unit: CycleUnit::Month, long_stub: true };
        let short = Cycle { long_stub: false, ..long };
        let (a, end) = (Date::new(2013, 1, 15), Date::new(2013, 4, 1));
        // regular dates: Jan 15, Feb 15, Mar 15; end Apr 1
        assert_eq!(schedule(a, short, end, false, true).len(), 4);
        assert_eq!(
            schedule(a, long, end, false, true),
            vec![Date::new(2013, 1, 15), Date::new(2013, 2, 15), Date::new(2013, 4, 1)]
        );
    }

    #[test]
    fn day_counts() {
        let (s, t) = (Date::new(2013, 1, 31), Date::new(2013, 3, 31));
        assert_eq!(DayCount::E30_360.fraction(s, t), (Decimal::from(60), Decimal::from(360)));
        assert_eq!(DayCount::A365.fraction(s, t), (Decimal::from(59), Decimal::from(365)));
        // 2015-12-01 .. 2016-02-01: 31/365 + 31/366
        let (n, d) = DayCount::AA.fraction(Date::new(2015, 12, 1), Date::new(2016, 2, 1));
        assert_eq!(n / d, Decimal::from(31) / Decimal::from(365) + Decimal::from(31) / Decimal::from(366));
        assert_eq!(Date::parse("2013-01-01T00:00"), Some(Date::new(2013, 1, 1)));
        assert_eq!(Date::parse(" 2013-01-01T00:00:00"), Some(Date::new(2013, 1, 1)));
        assert_eq!(Date::parse("2013-02-30"), None);
    }
}
