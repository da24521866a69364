//! The timeline: a scenario's periods, with their dates and lengths.
//!
//! A timeline `timeline START .. END STEP` covers whole periods of its step, from the one that
//! contains START's first day to the one that contains END's last day. Every period knows its
//! first and last day (as day numbers, see [`crate::calendar::day_number`]), the number of days
//! it spans and how many calendar months it covers.

pub use crate::calendar::date_of_day;
use crate::calendar::{day_number, days_in_month, from_day_number, period_end, period_start};
use crate::check::ir::TimelineIr;
use crate::syntax::ast::{PeriodValue, Step};

/// One period of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day `(year, month, day)`.
    pub start: (i32, u32, u32),
    /// Last day, inclusive.
    pub end: (i32, u32, u32),
    /// Day number of the first day.
    pub first_day: i64,
    /// Day number one past the last day.
    pub end_day: i64,
}

impl Period {
    /// Days in the period.
    pub fn days(&self) -> i64 {
        self.end_day - self.first_day
    }

    /// The period of the days `[first, end)` (`end > first`).
    pub fn of_days(first: i64, end: i64) -> Period {
        let (a, b) = (from_day_number(first), from_day_number(end - 1));
        Period { start: a, end: b, first_day: first, end_day: end }
    }
}

/// The periods of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The step.
    pub step: Step,
    /// The periods in order.
    pub periods: Vec<Period>,
}

/// The most periods a timeline may have (a daily timeline of about 270 years).
pub const MAX_PERIODS: usize = 100_000;

fn add_months(y: i32, m: u32, n: u32) -> (i32, u32) {
    let idx = i64::from(y) * 12 + i64::from(m) - 1 + i64::from(n);
    (i32::try_from(idx.div_euclid(12)).unwrap_or(i32::MAX), u32::try_from(idx.rem_euclid(12)).unwrap_or(0) + 1)
}

impl Timeline {
    /// The last day of a timeline's last period: END's last day, rounded up to the end of the
    /// step's period that contains it (`.. 2026-06-15 monthly` ends on 2026-06-30). The periods
    /// [`Timeline::new`] builds end on this day; it is computed here without building them.
    pub fn last_day(t: &TimelineIr) -> (i32, u32, u32) {
        let (y, m, d) = period_end(t.end);
        match t.step {
            Step::Daily => (y, m, d),
            Step::Monthly => period_end(PeriodValue::Month(y, m)),
            Step::Quarterly => period_end(PeriodValue::Quarter(y, (m - 1) / 3 + 1)),
            Step::Yearly => period_end(PeriodValue::Year(y)),
        }
    }

    /// Builds the periods; `None` if there would be more than [`MAX_PERIODS`].
    pub fn new(t: &TimelineIr) -> Option<Timeline> {
        let (sy, sm, sd) = period_start(t.start);
        let (ey, em, ed) = period_end(t.end);
        let last_day = day_number(ey, em, ed);
        let mut periods = Vec::new();
        // Align the first period to the step.
        let (mut y, mut m, mut d) = match t.step {
            Step::Daily => (sy, sm, sd),
            Step::Monthly => (sy, sm, 1),
            Step::Quarterly => (sy, (sm - 1) / 3 * 3 + 1, 1),
            Step::Yearly => (sy, 1, 1),
        };
        loop {
            let first = day_number(y, m, d);
            if first > last_day {
                break;
            }
            let (ny, nm, nd) = match t.step {
                Step::Daily => from_day_number(first + 1),
                Step::Monthly => {
                    let (a, b) = add_months(y, m, 1);
                    (a, b, 1)
                }
                Step::Quarterly => {
                    let (a, b) = add_months(y, m, 3);
                    (a, b, 1)
                }
                Step::Yearly => (y + 1, 1, 1),
            };
            let end_day = day_number(ny, nm, nd);
            periods.push(Period { start: (y, m, d), end: from_day_number(end_day - 1), first_day: first, end_day });
            if periods.len() > MAX_PERIODS {
                return None;
            }
            (y, m, d) = (ny, nm, nd);
        }
        Some(Timeline { step: t.step, periods })
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.periods.len()
    }

    /// True if there are no periods.
    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// The index of the period containing day number `day`.
    pub fn index_of_day(&self, day: i64) -> Option<usize> {
        let i = self.periods.partition_point(|p| p.end_day <= day);
        self.periods.get(i).filter(|p| p.first_day <= day).map(|_| i)
    }

    /// The day-number interval `[first, end)` a period literal covers.
    pub fn span_of(p: PeriodValue) -> (i64, i64) {
        let (a, b, c) = period_start(p);
        let (x, y, z) = period_end(p);
        (day_number(a, b, c), day_number(x, y, z) + 1)
    }

    /// The indices of the periods overlapping `[first, end)`.
    pub fn indices_overlapping(&self, first: i64, end: i64) -> std::ops::Range<usize> {
        let lo = self.periods.partition_point(|p| p.end_day <= first);
        let hi = self.periods.partition_point(|p| p.first_day < end);
        lo..hi.max(lo)
    }

    /// A period's label: `2025-01-15`, `2025-01`, `2025-Q1`, `2025`.
    pub fn label(&self, i: usize) -> String {
        let Some(p) = self.periods.get(i) else { return String::new() };
        let (y, m, d) = p.start;
        match self.step {
            Step::Daily => format!("{y:04}-{m:02}-{d:02}"),
            Step::Monthly => format!("{y:04}-{m:02}"),
            Step::Quarterly => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            Step::Yearly => format!("{y:04}"),
        }
    }

    /// The calendar-month share of `[first, end)` in units of `1/unit` month: each month touched
    /// contributes `days covered × unit / days in that month` (`unit` must be a multiple of
    /// every month length, so this is a whole number). No allocation: this runs per period.
    pub fn month_weight(first: i64, end: i64, unit: i64) -> i64 {
        let mut weight = 0;
        let mut day = first;
        while day < end {
            let (y, m, d) = from_day_number(day);
            let dim = days_in_month(y, m);
            let month_end = day - i64::from(d) + 1 + i64::from(dim);
            let stop = end.min(month_end);
            weight += (stop - day) * (unit / i64::from(dim.max(1)));
            day = stop;
        }
        weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tl(start: PeriodValue, end: PeriodValue, step: Step) -> Timeline {
        Timeline::new(&TimelineIr { start, end, step }).unwrap_or(Timeline { step, periods: vec![] })
    }

    #[test]
    fn monthly_and_daily_timelines() {
        let t = tl(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 12), Step::Monthly);
        assert_eq!(t.len(), 12);
        assert_eq!(t.periods.get(1).map(|p| p.days()), Some(29));
        assert_eq!(t.label(11), "2028-12");
        let d = tl(PeriodValue::Month(2028, 2), PeriodValue::Month(2028, 2), Step::Daily);
        assert_eq!(d.len(), 29);
        assert_eq!(d.label(28), "2028-02-29");
        let q = tl(PeriodValue::Year(2025), PeriodValue::Year(2026), Step::Quarterly);
        assert_eq!(q.len(), 8);
        assert_eq!(q.label(5), "2026-Q2");
    }

    /// `last_day` computes what `new` builds: the last period's last day, whatever the step
    /// and however the end is written.
    #[test]
    fn the_last_day_is_the_last_periods_end() {
        let ends = [
            PeriodValue::Day(2026, 6, 15),
            PeriodValue::Month(2026, 2),
            PeriodValue::Quarter(2027, 3),
            PeriodValue::Half(2027, 1),
            PeriodValue::Year(2028),
        ];
        for end in ends {
            for step in [Step::Daily, Step::Monthly, Step::Quarterly, Step::Yearly] {
                let t = TimelineIr { start: PeriodValue::Month(2025, 11), end, step };
                let built = Timeline::new(&t).and_then(|x| x.periods.last().map(|p| p.end));
                assert_eq!(built, Some(Timeline::last_day(&t)), "{end:?} {step:?}");
            }
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        for n in [day_number(2000, 2, 29), day_number(2025, 12, 31), day_number(1999, 1, 1)] {
            let (y, m, d) = from_day_number(n);
            assert_eq!(day_number(y, m, d), n);
        }
    }
}
