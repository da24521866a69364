//! How much a loan repays, and when it ends, when its terms do not say: ACTUS's annuity
//! function, the annuity amount a PRF event fixes, a linear amortizer's payment, a maturity
//! derived from the payment, and the balances between events (for `outstanding` and `accrued`).

use super::dates::{schedule as dates_of, Cycle, Date, DayCount};
use super::loan::{terms, Amortization, LoanEvent, LoanTerms, R};
use crate::number;
use rust_decimal::Decimal;

/// Redemptions a loan without maturity may take before it is deemed not to amortize.
const MAX_REDEMPTIONS: i64 = 10_000;

/// The annuity amount `A` (see the module docs) over the dates `t₀ … tₙ`.
pub fn annuity(notional: Decimal, rate: Decimal, dates: &[Date], dc: DayCount) -> R<Decimal> {
    if dates.len() < 2 {
        return Ok(notional);
    }
    let factors: Vec<Decimal> = dates
        .windows(2)
        .map(|w| dc.apply(rate, w[0], w[1]).and_then(|y| number::add(Decimal::ONE, y)))
        .collect::<Result<_, _>>()?;
    let mut product = Decimal::ONE;
    for f in &factors {
        product = number::mul(product, *f)?;
    }
    let mut tails = Decimal::ZERO;
    let mut tail = Decimal::ONE;
    for f in factors.iter().skip(1).rev() {
        tail = number::mul(tail, *f)?;
        tails = number::add(tails, tail)?;
    }
    Ok(number::div(number::mul(notional, product)?, number::add(Decimal::ONE, tails)?)?)
}

/// The annuity amount over the redemption dates up to the amortization date (or maturity), from
/// one cycle before the first redemption (not before the start).
///
/// After a rate reset (`from` = its date) the amount is recomputed at the new rate over the
/// redemptions still to come, from the reset date.
pub(super) fn annuity_amount(
    t: &LoanTerms,
    nt: Decimal,
    rate: Decimal,
    from: Option<Date>,
    anchor: Option<Date>,
    cycle: Option<Cycle>,
    maturity: Date,
) -> R<Decimal> {
    let eom = t.end_of_month;
    let horizon_end = t.amortization_date.unwrap_or(maturity);
    let pr_all = match (anchor, cycle) {
        (Some(a), Some(c)) => dates_of(a, c, horizon_end, eom, false),
        _ => Vec::new(),
    };
    let first = pr_all.first().copied().unwrap_or(horizon_end);
    let c = cycle.ok_or_else(|| terms("an annuity needs a principal cycle"))?;
    let (t0, later) = match from {
        Some(d) => (d, pr_all.iter().copied().filter(|x| *x > d).collect::<Vec<_>>()),
        None => {
            let t0 = c.shift(first, -1, eom).max(t.start);
            (t0, pr_all.iter().copied().filter(|x| *x >= t0).collect())
        }
    };
    let mut dates = vec![t0];
    dates.extend(later);
    if dates.last() != Some(&horizon_end) {
        dates.push(horizon_end);
    }
    if t.day_end == Some(horizon_end) {
        if let Some(last) = dates.last_mut() {
            *last = horizon_end.plus_days(1);
        }
    }
    annuity(nt, rate, &dates, t.daycount)
}

/// A linear amortizer's principal payment when none is given (ACTUS): the notional in equal
/// parts over the redemptions still to come, maturity included.
pub(super) fn linear_payment(t: &LoanTerms, pr_dates: &[Date]) -> R<Decimal> {
    let status = t.status_date.unwrap_or(t.start).max(t.start);
    let count = pr_dates.iter().filter(|d| **d > status).count() + 1;
    Ok(number::div(t.notional, Decimal::from(count))?)
}

/// The principal outstanding and the interest accrued but not yet paid at the start of `day`
/// (a period's end is the start of the next day), from a loan's schedule: the state after the
/// last event before `day`, plus interest on its notional at its rate since then (the day count
/// from that event's date).
pub fn balances_at(t: &LoanTerms, events: &[LoanEvent], day: Date) -> R<(Decimal, Decimal)> {
    let Some(last) = events.iter().rev().find(|e| e.date < day) else {
        return Ok((Decimal::ZERO, Decimal::ZERO));
    };
    if last.notional.is_zero() && last.accrued.is_zero() {
        return Ok((Decimal::ZERO, Decimal::ZERO));
    }
    let since = t.daycount.apply(number::mul(last.notional, last.rate)?, last.date, day)?;
    Ok((last.notional, number::add(last.accrued, since)?))
}

/// The maturity of a loan that gives none: the last redemption that repays it.
pub(super) fn derive_maturity(t: &LoanTerms, anchor: Option<Date>, cycle: Option<Cycle>) -> R<Date> {
    let (Some(a), Some(c), Some(p)) = (anchor, cycle, t.payment) else {
        return Err(terms("give `maturity` (or, for an amortizing loan, `payment` and a principal cycle)"));
    };
    if p <= Decimal::ZERO {
        return Err(terms("the payment must be positive"));
    }
    match t.amortization {
        Amortization::Linear => {
            let n = number::div(t.notional, p)?.ceil();
            let n = number::as_integer(n)
                .filter(|n| *n >= 1 && *n <= MAX_REDEMPTIONS)
                .ok_or_else(|| terms("too many redemptions"))?;
            Ok(c.shift(a, n - 1, t.end_of_month))
        }
        Amortization::Annuity | Amortization::Negative => {
            let mut nt = t.notional;
            let mut prev = t.start;
            for k in 0..MAX_REDEMPTIONS {
                let d = c.shift(a, k, t.end_of_month);
                let interest = t.daycount.apply(number::mul(nt, t.rate)?, prev, d)?;
                nt = number::sub(nt, number::sub(p, interest)?)?;
                prev = d;
                if nt <= Decimal::ZERO {
                    return Ok(d);
                }
            }
            Err(terms("the payment never repays the loan"))
        }
        Amortization::Bullet => Err(terms("a bullet loan needs `maturity`")),
    }
}
