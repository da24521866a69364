//! Rate resets (ACTUS `RR`, `RRF`): when a floating-rate loan's rate is fixed anew, and to what.
//!
//! The reset dates are ACTUS's `S(RRANX, RRCL, MD)` without maturity (the anchor defaulting to
//! the start plus one cycle). At a reset on day *t* the rate becomes the loan's rate expression
//! on day *t* (`rate sofr + 2.5%/year`: the curve's value that day plus the spread; ACTUS's
//! `RRMLT · O(RRMO, t) + RRSP`). ACTUS's `fixingDays` shifts nothing in ACTUS's reference
//! results, so aifin has no such term. The first reset after the status date is
//! an `RRF` instead when `next_rate` (ACTUS `nextResetRate`) is given: it fixes that rate.
//!
//! The loan engine ([`super::loan`]) knows the dates; the term reader evaluates the rate
//! expression on the observation days ([`RateReset::fixings`]) before the schedule is built, so
//! the engine itself never evaluates expressions.

use super::dates::{schedule as dates_of, Cycle, Date};
use rust_decimal::Decimal;

/// The reset terms of a floating-rate loan.
#[derive(Debug, Clone, PartialEq)]
pub struct RateReset {
    /// The reset cycle.
    pub cycle: Cycle,
    /// The first reset date (default: the start plus one cycle).
    pub anchor: Option<Date>,
    /// The rate fixed at the first reset after the status date (an `RRF` event).
    pub next_rate: Option<Decimal>,
    /// The rate observed on each reset day, as a fraction per year.
    pub fixings: Vec<(Date, Decimal)>,
}

impl RateReset {
    /// The reset dates of a loan starting at `start` and maturing at `maturity`.
    pub fn dates(&self, start: Date, maturity: Date, eom: bool) -> Vec<Date> {
        let anchor = self.anchor.unwrap_or_else(|| self.cycle.shift(start, 1, eom));
        dates_of(anchor, self.cycle, maturity, eom, false)
    }

    /// The rate a reset on `d` fixes, if it was observed.
    pub fn rate_at(&self, d: Date) -> Option<Decimal> {
        self.fixings.iter().find(|(day, _)| *day == d).map(|(_, r)| *r)
    }
}
