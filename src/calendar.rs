//! The proleptic Gregorian calendar: days in months, day numbers, and period arithmetic.
//!
//! Dates are plain `(year, month, day)` triples; [`day_number`] maps them to a count of days so
//! that elapsed time between two dates is a subtraction. No time zones: a day is a calendar day.

use crate::syntax::ast::PeriodValue;

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
