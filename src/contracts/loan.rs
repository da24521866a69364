//! Loans with ACTUS semantics: PAM (principal at maturity), ANN (annuity), LAM (linear
//! amortizer).
//!
//! Entry point: [`schedule`]. Terms in, dated events out (IED, IPCI, PR, PRF, IP, MD), each
//! with its payoff signed for the contract's role (`RPA`, the lender, pays out at IED: a
//! negative payoff) and the notional and accrued interest after it. The state machine follows
//! the ACTUS technical specification:
//!
//! - every event after the initial exchange first accrues interest:
//!   `Ipac += Y(Sd, t) · Ipnr · Nt`;
//! - IED pays out `Nt + premium`; IP pays `Ipac` and resets it; IPCI adds `Ipac` to `Nt`
//!   (interest capitalization until `capitalize_until`); PR repays `min(Nt, Prnxt)` (LAM) or
//!   `min(Nt, Prnxt − Ipac)` (ANN: the instalment less the interest the same-day IP pays);
//!   MD repays what is left;
//! - schedules: IP at `S(IPANX, IPCL, MD)` including MD; PR at `S(PRANX, PRCL, MD)` without MD;
//!   on one date the order is IED, PRF, PR, IPCI/IP, MD;
//! - the annuity amount, when not given, is fixed by a PRF event one day before the first
//!   redemption with ACTUS's annuity function `A` over the redemption dates up to the
//!   amortization date (or maturity): with `t₀` one cycle before the first redemption (not
//!   before the contract's start) and `fᵢ = 1 + Ipnr·Y(tᵢ, tᵢ₊₁)`,
//!   `A = Nt · Π fᵢ / (1 + Σ_{k=1}^{n−1} Π_{i=n−k}^{n−1} fᵢ)` — not the textbook `pmt()`,
//!   because each period's factor uses its own day count (ann01: 434.866594118346);
//! - a contract already running at its status date starts from the given outstanding notional
//!   and accrued interest, with no IED event;
//! - a LAM without maturity matures with its last redemption (`⌈Nt / Prnxt⌉` redemptions); an
//!   ANN without maturity with the redemption that repays it.

pub use super::amounts::{annuity, balances_at};
use super::amounts::{annuity_amount, derive_maturity, linear_payment};
use super::business::{BusinessDay, Calendar};
use super::dates::{schedule as dates_of, Cycle, Date, DayCount};
use super::resets::RateReset;
use super::scaling::Scaling;
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// The repayment profile is the checker's enum (its words: check/options.rs): PAM, ANN, LAM, NAM.
pub use crate::check::options::Amortization;

/// What interest accrues on (ACTUS interest calculation base).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InterestBase {
    /// NT: the notional outstanding.
    Notional,
    /// NTIED: the notional at the initial exchange (`amount` for a contract already running);
    /// as in ACTUS's reference implementation (test case lam18), a redemption resets it to the
    /// notional left.
    AtStart {
        /// The base at the status date.
        amount: Option<Decimal>,
    },
    /// NTL: the notional as of the last IPCB event (before the first: `amount`, else the
    /// notional at the initial exchange).
    Lagged {
        /// The IPCB cycle.
        cycle: Cycle,
        /// The first IPCB date (default: start + one cycle).
        anchor: Option<Date>,
        /// The base until the first IPCB.
        amount: Option<Decimal>,
    },
}

/// The terms of a loan, in ACTUS's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct LoanTerms {
    /// PAM, ANN or LAM.
    pub amortization: Amortization,
    /// +1 for the lender's view (RPA), −1 for the borrower's (RPL).
    pub role_sign: Decimal,
    /// The notional (the principal lent, or outstanding at a later status date).
    pub notional: Decimal,
    /// Nominal rate per year, as a fraction (0.09 for 9%).
    pub rate: Decimal,
    /// Initial exchange date.
    pub start: Date,
    /// Maturity date.
    pub maturity: Option<Date>,
    /// Day count.
    pub daycount: DayCount,
    /// Interest cycle (none: interest at maturity only).
    pub interest_cycle: Option<Cycle>,
    /// First interest cycle date.
    pub interest_anchor: Option<Date>,
    /// Principal cycle.
    pub principal_cycle: Option<Cycle>,
    /// First principal cycle date.
    pub principal_anchor: Option<Date>,
    /// End-of-month convention (EOM) rather than same day (SD).
    pub end_of_month: bool,
    /// The periodic principal (LAM) or instalment (ANN), if given.
    pub payment: Option<Decimal>,
    /// Premium (+) or discount (−) at the initial exchange.
    pub premium: Decimal,
    /// Interest is capitalized until this date.
    pub capitalize_until: Option<Date>,
    /// The annuity is computed to this date.
    pub amortization_date: Option<Date>,
    /// The date the contract is seen from.
    pub status_date: Option<Date>,
    /// Interest accrued at the status date.
    pub accrued: Decimal,
    /// Rate resets of a floating-rate loan.
    pub reset: Option<RateReset>,
    /// Later draws of a delayed-draw loan (PI events: the notional grows by the amount, which
    /// accrues interest from that day); the first draw is the initial exchange.
    pub draws: Vec<(Date, Decimal)>,
    /// What interest accrues on.
    pub interest_base: InterestBase,
    /// Index-linked payments.
    pub scaling: Option<Scaling>,
    /// Bought from a previous lender on this date at this price (ACTUS PRD): the schedule starts
    /// there, the buyer paying the price plus the interest accrued.
    pub purchase: Option<(Date, Decimal)>,
    /// Sold (terminated) on this date at this price (ACTUS TD): the schedule ends there, the
    /// seller receiving the price plus the interest accrued.
    pub termination: Option<(Date, Decimal)>,
    /// The maturity, amortization date or termination on this date falls at the end of the day
    /// (an ACTUS date with a time of day, `2013-12-31T23:59:59`): interest on its events runs to
    /// the next midnight.
    pub day_end: Option<Date>,
    /// How scheduled dates that are not business days move.
    pub business_day: BusinessDay,
    /// Which days are business days.
    pub calendar: Calendar,
}

/// An ACTUS event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    /// Initial exchange.
    Ied,
    /// Principal increase: a later draw.
    Pi,
    /// Principal redemption.
    Pr,
    /// Interest capitalization.
    Ipci,
    /// Interest payment.
    Ip,
    /// Purchase.
    Prd,
    /// Rate reset from the rate expression.
    Rr,
    /// Rate reset to a fixed next rate.
    Rrf,
    /// Interest calculation base fixing (the base becomes the notional).
    Ipcb,
    /// Scaling: the multipliers follow the index.
    Sc,
    /// Principal redemption amount fixing (an annuity's amount, after its resets too).
    Prf,
    /// Termination.
    Td,
    /// Maturity.
    Md,
}

impl EventType {
    /// The ACTUS code.
    pub fn code(self) -> &'static str {
        match self {
            EventType::Ied => "IED",
            EventType::Prf => "PRF",
            EventType::Pr => "PR",
            EventType::Ipci => "IPCI",
            EventType::Ip => "IP",
            EventType::Prd => "PRD",
            EventType::Pi => "PI",
            EventType::Ipcb => "IPCB",
            EventType::Sc => "SC",
            EventType::Td => "TD",
            EventType::Rr => "RR",
            EventType::Rrf => "RRF",
            EventType::Md => "MD",
        }
    }
}

/// One event of a loan.
#[derive(Debug, Clone, PartialEq)]
pub struct LoanEvent {
    /// When.
    pub date: Date,
    /// What.
    pub kind: EventType,
    /// The payoff, signed for the role (the lender receives positive amounts).
    pub payoff: Decimal,
    /// Notional outstanding after the event.
    pub notional: Decimal,
    /// Interest accrued after the event.
    pub accrued: Decimal,
    /// The nominal rate after the event (per year).
    pub rate: Decimal,
}

/// Why a loan's schedule cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoanError {
    /// Arithmetic failed.
    Arith(ArithError),
    /// The terms do not make a loan.
    Terms(String),
}

impl From<ArithError> for LoanError {
    fn from(e: ArithError) -> Self {
        LoanError::Arith(e)
    }
}

pub(super) type R<T> = Result<T, LoanError>;

pub(super) fn terms(msg: impl Into<String>) -> LoanError {
    LoanError::Terms(msg.into())
}

/// A loan's cycles, anchors and maturity after ACTUS's defaults.
struct Frame {
    ip_cycle: Option<Cycle>,
    pr_cycle: Option<Cycle>,
    ip_anchor: Option<Date>,
    pr_anchor: Option<Date>,
    maturity: Date,
}

/// The days a scaled loan reads its index: its scaling dates.
pub fn scaling_dates(t: &LoanTerms) -> R<Vec<Date>> {
    let Some(sc) = &t.scaling else { return Ok(Vec::new()) };
    let f = frame(t)?;
    Ok(sc.dates(t.start, f.maturity, t.end_of_month).into_iter().map(|d| t.business_day.shift(d, t.calendar)).collect())
}

/// The days a floating-rate loan observes its rate: its reset dates.
pub fn reset_observations(t: &LoanTerms) -> R<Vec<Date>> {
    let Some(reset) = &t.reset else { return Ok(Vec::new()) };
    let f = frame(t)?;
    Ok(reset
        .dates(t.start, f.maturity, t.end_of_month)
        .into_iter()
        .map(|d| t.business_day.shift(d, t.calendar))
        .collect())
}

fn frame(t: &LoanTerms) -> R<Frame> {
    let eom = t.end_of_month;
    // cycles default to each other (ANN/LAM) and anchors to start + one cycle
    let (ip_cycle, pr_cycle) = match t.amortization {
        Amortization::Bullet => (t.interest_cycle, None),
        _ => (t.interest_cycle.or(t.principal_cycle), t.principal_cycle.or(t.interest_cycle)),
    };
    if t.amortization != Amortization::Bullet && pr_cycle.is_none() {
        return Err(terms("an amortizing loan needs a principal cycle (`principal_every` or `every`)"));
    }
    let pr_anchor = match (t.principal_anchor, pr_cycle) {
        (Some(a), _) => Some(a),
        (None, Some(c)) => Some(c.shift(t.start, 1, eom)),
        _ => None,
    };
    let ip_anchor = match (t.interest_anchor, ip_cycle) {
        (Some(a), _) => Some(a),
        (None, Some(c)) if t.principal_anchor.is_some() && t.interest_cycle.is_none() => {
            t.principal_anchor.or(Some(c.shift(t.start, 1, eom)))
        }
        (None, Some(c)) => Some(c.shift(t.start, 1, eom)),
        _ => None,
    };
    // an annuity without maturity runs to its amortization date (ACTUS)
    let maturity = match (t.maturity, t.amortization, t.amortization_date) {
        (Some(m), _, _) => m,
        (None, Amortization::Annuity, Some(a)) => a,
        _ => derive_maturity(t, pr_anchor, pr_cycle)?,
    };
    if maturity <= t.start {
        return Err(terms("the maturity must come after the start"));
    }
    Ok(Frame { ip_cycle, pr_cycle, ip_anchor, pr_anchor, maturity })
}

/// The dated events of a loan.
pub fn schedule(t: &LoanTerms) -> R<Vec<LoanEvent>> {
    if t.notional < Decimal::ZERO {
        return Err(terms("the principal must not be negative"));
    }
    let eom = t.end_of_month;
    let Frame { ip_cycle, pr_cycle, ip_anchor, pr_anchor, maturity } = frame(t)?;
    let status = t.status_date.unwrap_or(t.start);
    let running = status > t.start;

    // event dates
    let mut plan: Vec<(Date, EventType)> = Vec::new();
    if !running {
        plan.push((t.start, EventType::Ied));
    }
    if let (Some(a), Some(c)) = (ip_anchor, ip_cycle) {
        for d in dates_of(a, c, maturity, eom, true) {
            let kind = match t.capitalize_until {
                Some(ce) if d <= ce => EventType::Ipci,
                _ => EventType::Ip,
            };
            plan.push((d, kind));
        }
    } else {
        plan.push((maturity, EventType::Ip));
    }
    if let Some(ce) = t.capitalize_until {
        if ce > t.start && ce < maturity && !plan.iter().any(|(d, k)| *d == ce && *k == EventType::Ipci) {
            plan.push((ce, EventType::Ipci));
        }
    }
    let mut pr_dates: Vec<Date> = Vec::new();
    if let (Some(a), Some(c)) = (pr_anchor, pr_cycle) {
        if t.amortization != Amortization::Bullet {
            pr_dates = dates_of(a, c, maturity, eom, false);
            for d in &pr_dates {
                plan.push((*d, EventType::Pr));
            }
        }
    }
    let mut payment = match (t.payment, t.amortization) {
        (None, Amortization::Linear) => Some(linear_payment(t, &pr_dates)?),
        (p, _) => p,
    };
    // an annuity's amount is fixed one day before the first redemption, or at the initial
    // exchange when that day comes before it
    let mut fix_at_ied = false;
    if t.amortization == Amortization::Annuity && payment.is_none() {
        if let Some(first) = pr_dates.first().copied().or(Some(maturity)) {
            let prf = first.plus_days(-1);
            if prf >= t.start {
                plan.push((prf, EventType::Prf));
            } else {
                fix_at_ied = true;
            }
        }
    }
    if let InterestBase::Lagged { cycle, anchor, .. } = t.interest_base {
        let a = anchor.unwrap_or_else(|| cycle.shift(t.start, 1, eom));
        for d in dates_of(a, cycle, maturity, eom, false) {
            plan.push((d, EventType::Ipcb));
        }
    }
    if let Some(sc) = &t.scaling {
        plan.extend(sc.dates(t.start, maturity, eom).into_iter().map(|d| (d, EventType::Sc)));
    }
    if let Some(reset) = &t.reset {
        let mut fixed = reset.next_rate.is_none();
        for d in reset.dates(t.start, maturity, eom) {
            if running && d <= status {
                continue;
            }
            let kind = if fixed { EventType::Rr } else { EventType::Rrf };
            fixed = true;
            plan.push((d, kind));
            if t.amortization == Amortization::Annuity {
                plan.push((d, EventType::Prf));
            }
        }
    }
    plan.push((maturity, EventType::Md));
    if let Some((d, _)) = t.purchase {
        plan.push((d, EventType::Prd));
    }
    for (d, _) in &t.draws {
        if *d <= t.start || *d >= maturity {
            return Err(terms(format!("the draw on {d} is not between the first draw and maturity")));
        }
        plan.push((*d, EventType::Pi));
    }
    if let Some((d, _)) = t.termination {
        plan.push((d, EventType::Td));
        plan.retain(|e| *e <= (d, EventType::Td));
    }
    plan.retain(|(d, _)| !running || *d > status);
    // business days: the event moves, interest is calculated to the moved or the scheduled date
    let mut plan: Vec<(Date, EventType, Date)> = plan
        .into_iter()
        .map(|(d, k)| match k {
            EventType::Md | EventType::Td | EventType::Ip
                if t.day_end == Some(d) && (k != EventType::Ip || d == maturity) =>
            {
                (d, k, d.plus_days(1))
            }
            EventType::Ied | EventType::Pi | EventType::Prd | EventType::Td => (d, k, d),
            _ => (t.business_day.shift(d, t.calendar), k, t.business_day.calculation(d, t.calendar)),
        })
        .collect();
    plan.sort();
    plan.dedup();

    // state
    let r = t.role_sign;
    let mut nt = t.notional;
    let mut ipac = if running { t.accrued } else { Decimal::ZERO };
    let mut sd = if running { status } else { t.start };
    let mut ipnr = t.rate;
    let mut fixings_done = false;
    let base_amount = match t.interest_base {
        InterestBase::Notional => None,
        InterestBase::AtStart { amount } | InterestBase::Lagged { amount, .. } => amount,
    };
    let mut ipcb = base_amount.unwrap_or(nt);
    // scaling multipliers of principal and interest payments
    let (mut nsc, mut isc) = (Decimal::ONE, Decimal::ONE);
    let mut out = Vec::with_capacity(plan.len());
    for (date, kind, calc) in plan {
        if kind != EventType::Ied {
            let base = if t.interest_base == InterestBase::Notional { nt } else { ipcb };
            let interest = number::mul(base, ipnr)?;
            ipac = number::add(ipac, t.daycount.apply(interest, sd, calc)?)?;
            sd = calc;
        }
        let payoff = match kind {
            EventType::Pi => {
                let amount = t.draws.iter().filter(|(d, _)| *d == date).map(|x| x.1).sum::<Decimal>();
                nt = number::add(nt, amount)?;
                -number::mul(r, amount)?
            }
            EventType::Ipcb => {
                ipcb = nt;
                Decimal::ZERO
            }
            EventType::Sc => {
                let sc = t.scaling.as_ref().ok_or_else(|| terms("a scaling event without scaling terms"))?;
                let index = sc.index_at(date).ok_or_else(|| terms(format!("no index observed on {date}")))?;
                let m = number::div(index, sc.base)?;
                if sc.interest {
                    isc = m;
                }
                if sc.principal {
                    nsc = m;
                }
                Decimal::ZERO
            }
            EventType::Prd => {
                let price = t.purchase.map(|p| p.1).unwrap_or_default();
                number::sub(-number::mul(r, price)?, ipac)?
            }
            EventType::Td => {
                let price = t.termination.map(|p| p.1).unwrap_or_default();
                let paid = number::add(number::mul(r, price)?, ipac)?;
                nt = Decimal::ZERO;
                ipac = Decimal::ZERO;
                paid
            }
            EventType::Ied => {
                ipac = t.accrued;
                ipcb = base_amount.unwrap_or(nt);
                if fix_at_ied {
                    payment = Some(annuity_amount(t, nt, ipnr, None, pr_anchor, pr_cycle, maturity)?);
                }
                -number::mul(r, number::add(nt, t.premium)?)?
            }
            EventType::Prf => {
                let from = if fixings_done { Some(date) } else { None };
                payment = Some(annuity_amount(t, nt, ipnr, from, pr_anchor, pr_cycle, maturity)?);
                Decimal::ZERO
            }
            EventType::Rr => {
                let reset = t.reset.as_ref().ok_or_else(|| terms("a rate reset without reset terms"))?;
                ipnr = reset.rate_at(date).ok_or_else(|| terms(format!("no rate observed for the reset on {date}")))?;
                fixings_done = true;
                Decimal::ZERO
            }
            EventType::Rrf => {
                ipnr = t.reset.as_ref().and_then(|r| r.next_rate).ok_or_else(|| terms("no next rate"))?;
                fixings_done = true;
                Decimal::ZERO
            }
            EventType::Pr => {
                let p = payment.ok_or_else(|| terms("no principal payment: give `payment`"))?;
                let due = match t.amortization {
                    Amortization::Annuity | Amortization::Negative => number::sub(p, ipac)?,
                    _ => p,
                };
                let redeem = due.min(nt);
                nt = number::sub(nt, redeem)?;
                if !matches!(t.interest_base, InterestBase::Lagged { .. }) {
                    ipcb = nt;
                }
                number::mul(r, number::mul(nsc, redeem)?)?
            }
            EventType::Ipci => {
                nt = number::add(nt, ipac)?;
                ipac = Decimal::ZERO;
                Decimal::ZERO
            }
            EventType::Ip => {
                let paid = number::mul(isc, ipac)?;
                ipac = Decimal::ZERO;
                number::mul(r, paid)?
            }
            EventType::Md => {
                let paid = number::add(number::mul(nsc, nt)?, number::mul(isc, ipac)?)?;
                nt = Decimal::ZERO;
                ipac = Decimal::ZERO;
                number::mul(r, paid)?
            }
        };
        out.push(LoanEvent { date, kind, payoff, notional: nt, accrued: ipac, rate: ipnr });
    }
    // a purchased loan's schedule starts at the purchase
    if let Some((d, _)) = t.purchase {
        out.retain(|e| (e.date, e.kind) >= (d, EventType::Prd));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn the_annuity_function_is_actus_not_pmt() {
        let mut dates = vec![Date::new(2013, 1, 1)];
        for m in 2..=12 {
            dates.push(Date::new(2013, m, 1));
        }
        dates.push(Date::new(2014, 1, 1));
        let a = annuity(d("5000"), d("0.08"), &dates, DayCount::A365).unwrap_or_default();
        assert!((a - d("434.866594118346")).abs() < d("0.000000000001"), "{a}");
    }
}

#[cfg(test)]
mod feature_tests {
    use super::*;
    use crate::contracts::dates::CycleUnit;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn monthly() -> Option<Cycle> {
        Some(Cycle { n: 1, unit: CycleUnit::Month, long_stub: true })
    }

    fn ann01() -> LoanTerms {
        LoanTerms {
            amortization: Amortization::Annuity,
            role_sign: Decimal::ONE,
            notional: d("5000"),
            rate: d("0.08"),
            start: Date::new(2013, 1, 1),
            maturity: Some(Date::new(2014, 1, 1)),
            daycount: DayCount::A365,
            interest_cycle: monthly(),
            interest_anchor: Some(Date::new(2013, 2, 1)),
            principal_cycle: monthly(),
            principal_anchor: Some(Date::new(2013, 2, 1)),
            end_of_month: false,
            payment: None,
            premium: Decimal::ZERO,
            capitalize_until: None,
            amortization_date: None,
            status_date: None,
            accrued: Decimal::ZERO,
            reset: None,
            interest_base: InterestBase::Notional,
            draws: Vec::new(),
            scaling: None,
            purchase: None,
            termination: None,
            day_end: None,
            business_day: BusinessDay::None,
            calendar: Calendar::None,
        }
    }

    #[test]
    fn a_computed_annuity_fixes_the_actus_amount_at_a_prf_event() {
        let ev = schedule(&ann01()).unwrap_or_default();
        let prf = ev.iter().find(|e| e.kind == EventType::Prf).map(|e| e.date);
        assert_eq!(prf, Some(Date::new(2013, 1, 31)), "one day before the first redemption");
        let first_pr = ev.iter().find(|e| e.kind == EventType::Pr).map(|e| e.payoff).unwrap_or_default();
        // ann01 with the amount given: 434.866594118346 - 33.9726027397 = 400.8939913786
        assert!((first_pr - d("400.8939913786")).abs() < d("0.000001"), "{first_pr}");
    }

    #[test]
    fn an_amortization_date_after_maturity_leaves_a_balloon() {
        let mut t = ann01();
        t.amortization_date = Some(Date::new(2015, 1, 1));
        let ev = schedule(&t).unwrap_or_default();
        let md = ev.iter().find(|e| e.kind == EventType::Md).map(|e| e.payoff).unwrap_or_default();
        assert!(md > d("2000"), "about half the loan is left at maturity: {md}");
        let full = schedule(&ann01()).unwrap_or_default();
        let md_full = full.iter().find(|e| e.kind == EventType::Md).map(|e| e.payoff).unwrap_or_default();
        assert!(md_full < d("500"), "{md_full}");
    }

    #[test]
    fn capitalization_adds_interest_to_the_notional() {
        let mut t = ann01();
        t.amortization = Amortization::Bullet;
        t.principal_cycle = None;
        t.principal_anchor = None;
        t.capitalize_until = Some(Date::new(2013, 6, 1));
        let ev = schedule(&t).unwrap_or_default();
        let ipci: Vec<&LoanEvent> = ev.iter().filter(|e| e.kind == EventType::Ipci).collect();
        assert_eq!(ipci.len(), 5, "Feb..Jun 2013");
        assert!(ipci.iter().all(|e| e.payoff.is_zero()));
        let after = ipci.last().map(|e| e.notional).unwrap_or_default();
        assert!(after > d("5160") && after < d("5170"), "5000 compounded monthly at 8% for 5 months: {after}");
        let md = ev.iter().find(|e| e.kind == EventType::Md).map(|e| e.payoff).unwrap_or_default();
        assert_eq!(md, after, "the capitalized notional is repaid");
    }

    #[test]
    fn a_running_contract_starts_from_its_status_date() {
        let mut t = ann01();
        t.amortization = Amortization::Bullet;
        t.status_date = Some(Date::new(2013, 6, 15));
        t.accrued = d("10");
        let ev = schedule(&t).unwrap_or_default();
        assert!(ev.iter().all(|e| e.kind != EventType::Ied && e.date > Date::new(2013, 6, 15)));
        let first_ip = ev.iter().find(|e| e.kind == EventType::Ip).map(|e| e.payoff).unwrap_or_default();
        // 10 accrued + 5000 * 8% * 16/365 (June 15 .. July 1 is 16 days)
        let want = d("10") + d("5000") * d("0.08") * d("16") / d("365");
        assert!((first_ip - want).abs() < d("0.0000001"), "{first_ip} vs {want}");
    }

    #[test]
    fn end_of_month_and_short_stubs() {
        let mut t = ann01();
        t.amortization = Amortization::Bullet;
        t.interest_anchor = Some(Date::new(2013, 4, 30));
        t.end_of_month = true;
        t.maturity = Some(Date::new(2013, 8, 15));
        let ev = schedule(&t).unwrap_or_default();
        let ips: Vec<Date> = ev.iter().filter(|e| e.kind == EventType::Ip).map(|e| e.date).collect();
        // long stub: Apr 30, May 31, Jun 30, (Jul 31 dropped), Aug 15
        assert_eq!(
            ips,
            vec![Date::new(2013, 4, 30), Date::new(2013, 5, 31), Date::new(2013, 6, 30), Date::new(2013, 8, 15)]
        );
        t.interest_cycle = Some(Cycle { n: 1, unit: CycleUnit::Month, long_stub: false });
        let ev = schedule(&t).unwrap_or_default();
        assert_eq!(ev.iter().filter(|e| e.kind == EventType::Ip).count(), 5, "short stub keeps Jul 31");
    }
}
