//! The proleptic Gregorian calendar: days in months, day numbers, and period arithmetic.
//!
//! Dates are plain `(year, month, day)` triples; [`day_number`] maps them to a count of days so
//! that elapsed time between two dates is a subtraction. No time zones: a day is a calendar day.
//! [`PeriodValue`] (the calendar literals of the language) and [`Date`] live here, at the bottom
//! of the stage order, so the parser, the timeline and the contract schedules all share them.

/// True for a leap year.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1..=12) of `year`; 0 for a month outside 1..=12.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days in `year`.
pub fn days_in_year(year: i32) -> u32 {
    if is_leap(year) {
        366
    } else {
        365
    }
}

/// Days since 0000-03-01 in the proleptic Gregorian calendar (a monotone day count).
pub fn day_number(year: i32, month: u32, day: u32) -> i64 {
    let (y, m) =
        if month <= 2 { (i64::from(year) - 1, i64::from(month) + 9) } else { (i64::from(year), i64::from(month) - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

/// The first day of a period, as `(year, month, day)`.
pub fn period_start(p: PeriodValue) -> (i32, u32, u32) {
    match p {
        PeriodValue::Day(y, m, d) => (y, m, d),
        PeriodValue::Month(y, m) => (y, m, 1),
        PeriodValue::Quarter(y, q) => (y, (q - 1) * 3 + 1, 1),
        PeriodValue::Half(y, h) => (y, (h - 1) * 6 + 1, 1),
        PeriodValue::Year(y) => (y, 1, 1),
    }
}

/// The last day of a period, as `(year, month, day)`.
pub fn period_end(p: PeriodValue) -> (i32, u32, u32) {
    let (y, m) = match p {
        PeriodValue::Day(y, m, d) => return (y, m, d),
        PeriodValue::Month(y, m) => (y, m),
        PeriodValue::Quarter(y, q) => (y, q * 3),
        PeriodValue::Half(y, h) => (y, h * 6),
        PeriodValue::Year(y) => (y, 12),
    };
    (y, m, days_in_month(y, m))
}

/// A calendar literal of the language: a day, month, quarter, half or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodValue {
    /// `2025-01-15`
    Day(i32, u32, u32),
    /// `2025-01`
    Month(i32, u32),
    /// `2025-Q3`
    Quarter(i32, u32),
    /// `2025-H1`
    Half(i32, u32),
    /// `2025`
    Year(i32),
}

impl std::fmt::Display for PeriodValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            PeriodValue::Day(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
            PeriodValue::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            PeriodValue::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            PeriodValue::Half(y, h) => write!(f, "{y:04}-H{h}"),
            PeriodValue::Year(y) => write!(f, "{y:04}"),
        }
    }
}

/// A calendar day, as ACTUS schedules count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub y: i32,
    /// Month, 1..=12.
    pub m: u32,
    /// Day, 1..=31.
    pub d: u32,
}

impl Date {
    /// A date (not validated; use [`Date::parse`] for text).
    pub const fn new(y: i32, m: u32, d: u32) -> Date {
        Date { y, m, d }
    }
    pub fn day_number(self) -> i64 {
        day_number(self.y, self.m, self.d)
    }
    /// True on the last day of its month.
    pub fn is_month_end(self) -> bool {
        self.d == days_in_month(self.y, self.m)
    }
    /// `YYYY-MM-DD`, or ACTUS's `YYYY-MM-DDThh:mm[:ss]` (the time must be midnight).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let (date, time) = match s.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        if let Some(t) = time {
            if !t.split(':').all(|p| p.chars().all(|c| c == '0')) {
                return None;
            }
        }
        let mut parts = date.split('-');
        let y: i32 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { y, m, d })
    }
    /// The date `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        date_of_day(self.day_number() + n)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// The date of a day number (the inverse of [`day_number`]).
pub fn date_of_day(n: i64) -> Date {
    let (y, m, d) = from_day_number(n);
    Date::new(y, m, d)
}

/// `(year, month, day)` of a day number (the inverse of [`day_number`]).
pub fn from_day_number(n: i64) -> (i32, u32, u32) {
    // inverse of calendar::day_number (days since 0000-03-01)
    let era = n.div_euclid(146_097);
    let doe = n - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (i32::try_from(y).unwrap_or(i32::MAX), u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_day_numbers() {
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(day_number(2025, 3, 1) - day_number(2025, 2, 1), 28);
        assert_eq!(day_number(2029, 1, 1) - day_number(2028, 1, 1), 366);
    }
}
