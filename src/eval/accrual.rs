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
//! inside the timeline count; after its borrower defaults a loan accrues nothing more (it has
//! accelerated).

use super::booking::{in_ledger, round_ledger};
use super::timeline::Timeline;
use crate::contracts::loan::{EventType, LoanEvent};
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// Adds `amount` spread evenly over the days `[first, end)` into `exact` per period.
fn spread(
    exact: &mut [Decimal],
    timeline: &Timeline,
    (first, end): (i64, i64),
    amount: Decimal,
) -> Result<(), ArithError> {
    if amount.is_zero() {
        return Ok(());
    }
    if end <= first {
        // a same-day amount lands in the period of that day
        if let Some(slot) = timeline.index_of_day(first).and_then(|i| exact.get_mut(i)) {
            *slot = number::add(*slot, amount)?;
        }
        return Ok(());
    }
    let days = Decimal::from(end - first);
    for i in timeline.indices_overlapping(first, end) {
        let (Some(p), Some(slot)) = (timeline.periods.get(i), exact.get_mut(i)) else { continue };
        let inside = Decimal::from(p.end_day.min(end) - p.first_day.max(first));
        *slot = number::add(*slot, number::div(number::mul(amount, inside)?, days)?)?;
    }
    Ok(())
}

/// The interest expense of a loan's borrower per period (the lender's income is its negative),
/// from the schedule seen from the lender (`role_sign` +1), in the ledger currency (`ratio`).
pub fn accrual(
    events: &[LoanEvent],
    timeline: &Timeline,
    ratio: impl Fn(Decimal) -> Result<Decimal, ArithError>,
) -> Result<Vec<Decimal>, ArithError> {
    let n = timeline.len();
    let mut exact = vec![Decimal::ZERO; n];
    let mut prev: Option<&LoanEvent> = None;
    for ev in events {
        if let Some(p) = prev {
            let paid = match ev.kind {
                EventType::Ip => ev.payoff,
                EventType::Ipci => number::sub(ev.notional, p.notional)?,
                _ => Decimal::ZERO,
            };
            let accrued = number::add(number::sub(ev.accrued, p.accrued)?, paid)?;
            spread(&mut exact, timeline, (p.date.day_number(), ev.date.day_number()), ratio(accrued)?)?;
        }
        prev = Some(ev);
    }
    // the premium (+) or discount (−): what the borrower received beyond the notional
    let ied = events.iter().find(|e| e.kind == EventType::Ied);
    let last = events.last();
    if let (Some(ied), Some(last)) = (ied, last) {
        let premium = number::sub(-ied.payoff, ied.notional)?;
        spread(&mut exact, timeline, (ied.date.day_number(), last.date.day_number()), ratio(-premium)?)?;
    }
    // cumulative rounding
    let mut out = Vec::with_capacity(n);
    let (mut sum, mut booked) = (Decimal::ZERO, Decimal::ZERO);
    for x in exact {
        sum = number::add(sum, x)?;
        let total = in_ledger(round_ledger(sum))?;
        out.push(number::sub(total, booked)?);
        booked = total;
    }
    Ok(out)
}
