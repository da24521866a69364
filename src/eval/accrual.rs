//! Loan interest on an accrual basis: what `interest(E)` and `profit(E)` carry.
//!
//! The ledger moves cash when a loan pays (IP events); profit sees interest as it **accrues**.
//! Between two consecutive events of a loan's schedule the interest that accrues is what the
//! schedule's own figures say — the change in accrued interest, plus what the later event pays
//! (IP) or adds to the principal (IPCI) — and it is spread evenly over the days between the two
//! events. So capitalised interest (IPCI) is expensed as it accrues, like paid interest, and
//! the interest for December paid on 1 January is December's expense. A **premium or
//! discount** at the initial exchange is amortised straight-line over the days from `start` to
//! maturity: a premium the borrower received lowers its interest expense, a discount raises
//! it. Per loan, the running total is rounded to the ledger's precision once per period
//! (cumulative rounding, as in [`super::booking`]), so the accruals add up exactly. Only days
//! inside the timeline count (the running total starts from the loan's first day, so a
//! window of a longer run books the same amounts); after its borrower defaults a loan accrues nothing more (it has
//! accelerated).

use super::booking::{in_ledger, round_ledger};
use super::timeline::Timeline;
use crate::contracts::loan::{EventType, LoanEvent};
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// An amount accruing evenly over the days `[first, end)` (a same-day amount on its day).
struct Piece {
    first: i64,
    end: i64,
    amount: Decimal,
}

impl Piece {
    /// What has accrued by day `upto` (exclusive) since day `from`: one division, so the
    /// running total at a day is the same whatever periods lead to it.
    fn accrued(&self, from: i64, upto: i64) -> Result<Decimal, ArithError> {
        if self.end <= self.first {
            let inside = self.first >= from && self.first < upto;
            return Ok(if inside { self.amount } else { Decimal::ZERO });
        }
        let covered = upto.min(self.end) - from.max(self.first);
        if covered <= 0 {
            return Ok(Decimal::ZERO);
        }
        number::div(number::mul(self.amount, Decimal::from(covered))?, Decimal::from(self.end - self.first))
    }
}

/// The interest expense of a loan's borrower per period (the lender's income is its negative),
/// from the schedule seen from the lender (`role_sign` +1), in the ledger currency (`ratio`).
pub fn accrual(
    events: &[LoanEvent],
    timeline: &Timeline,
    ratio: impl Fn(Decimal) -> Result<Decimal, ArithError>,
) -> Result<Vec<Decimal>, ArithError> {
    let mut pieces = Vec::new();
    let mut prev: Option<&LoanEvent> = None;
    for ev in events {
        if let Some(p) = prev {
            let paid = match ev.kind {
                EventType::Ip => ev.payoff,
                EventType::Ipci => number::sub(ev.notional, p.notional)?,
                _ => Decimal::ZERO,
            };
            let accrued = number::add(number::sub(ev.accrued, p.accrued)?, paid)?;
            if !accrued.is_zero() {
                pieces.push(Piece { first: p.date.day_number(), end: ev.date.day_number(), amount: ratio(accrued)? });
            }
        }
        prev = Some(ev);
    }
    // the premium (+) or discount (−): what the borrower received beyond the notional
    let ied = events.iter().find(|e| e.kind == EventType::Ied);
    let last = events.last();
    let mut premium_piece = None;
    if let (Some(ied), Some(last)) = (ied, last) {
        let premium = number::sub(-ied.payoff, ied.notional)?;
        if !premium.is_zero() {
            premium_piece =
                Some(Piece { first: ied.date.day_number(), end: last.date.day_number(), amount: ratio(-premium)? });
        }
    }
    // cumulative rounding of the running total at each period's end; the schedule's pieces
    // follow each other, so the pieces done by a day add their whole accruals (the same sum
    // in the same order on every step) and at most a few are under way
    // running totals count from the loan's first day, so a window of a longer run books the
    // same amounts; what accrued before the timeline is only the starting point
    let t0 = timeline.periods.first().map(|p| p.first_day).unwrap_or(0);
    let from = i64::MIN;
    let mut before = Decimal::ZERO;
    for piece in pieces.iter().chain(&premium_piece) {
        before = number::add(before, piece.accrued(from, t0)?)?;
    }
    let mut out = Vec::with_capacity(timeline.len());
    let (mut booked, mut done, mut k) = (in_ledger(round_ledger(before))?, Decimal::ZERO, 0usize);
    for p in &timeline.periods {
        let upto = p.end_day;
        while let Some(piece) = pieces.get(k).filter(|x| x.end.max(x.first + 1) <= upto) {
            done = number::add(done, piece.accrued(from, i64::MAX)?)?;
            k += 1;
        }
        let mut sum = done;
        for piece in pieces.iter().skip(k).take_while(|x| x.first < upto) {
            sum = number::add(sum, piece.accrued(from, upto)?)?;
        }
        if let Some(piece) = &premium_piece {
            sum = number::add(sum, piece.accrued(from, upto)?)?;
        }
        let total = in_ledger(round_ledger(sum))?;
        out.push(number::sub(total, booked)?);
        booked = total;
    }
    Ok(out)
}
