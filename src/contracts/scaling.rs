//! Scaling (ACTUS `SC`): payments indexed to a price index, as in an inflation-linked loan.
//!
//! On each scaling date *t* (ACTUS's `S(SCANX, SCCL, MD)` without maturity) the multipliers
//! become `index(t) / base` (`base`: ACTUS `scalingIndexAtContractDealDate`). The interest
//! multiplier scales every interest payment, the notional multiplier every principal payment;
//! the notional and the accrued interest themselves stay unscaled. Which multipliers move is the
//! scaling effect: `interest` (ACTUS `IOO`), `principal` (`ONO`) or `both` (`INO`).
//!
//! As with rate resets, the term reader evaluates the index expression on the scaling dates
//! ([`Scaling::index`]) before the schedule is built.

use super::dates::{schedule as dates_of, Cycle, Date};
use rust_decimal::Decimal;

/// The scaling terms of a loan.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaling {
    /// The scaling cycle.
    pub cycle: Cycle,
    /// The first scaling date (default: the start plus one cycle).
    pub anchor: Option<Date>,
    /// The index value the multipliers are relative to.
    pub base: Decimal,
    /// Interest payments scale.
    pub interest: bool,
    /// Principal payments scale.
    pub principal: bool,
    /// The index on each scaling date.
    pub index: Vec<(Date, Decimal)>,
}

impl Scaling {
    /// The scaling dates of a loan starting at `start` and maturing at `maturity`.
    pub fn dates(&self, start: Date, maturity: Date, eom: bool) -> Vec<Date> {
        let anchor = self.anchor.unwrap_or_else(|| self.cycle.shift(start, 1, eom));
        dates_of(anchor, self.cycle, maturity, eom, false)
    }

    /// The index on `d`, if it was observed.
    pub fn index_at(&self, d: Date) -> Option<Decimal> {
        self.index.iter().find(|(day, _)| *day == d).map(|(_, v)| *v)
    }
}
