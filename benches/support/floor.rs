//! The hand-written floor: the evaluation benchmark's workload (`aifin::synth::ledger_scenario`,
//! entities × 10 flows × monthly periods from 2025-01) booked directly against `rust_decimal`,
//! with aifin's booking rules and none of its machinery (no text, no IR, no units, no series).
//!
//! It is what a performance-minded engineer would write for this one model, and it keeps every
//! rule that makes aifin's books exact and checked:
//! - **cumulative rounding**: each flow's running total is the exact cumulative amount rounded
//!   once to 13 decimals (half to even), and each month books the difference of two running
//!   totals, so no rounding error accumulates;
//! - **checked arithmetic**: every `Decimal` operation is `checked_*`; an overflow, or an amount
//!   or balance at or beyond 10^15, is an error, never a silently rounded sum;
//! - **a ledger**: every non-zero movement is an event (period, from, to, amount, kind, origin),
//!   and posting keeps each entity's change per period;
//! - **an independent reconciliation**: the event log is re-added from scratch and checked against
//!   the posted changes, and every period's entity changes must cancel the world's;
//! - **the report** of the scenario: E0's yearly closing cash and profit (revenue − costs −
//!   depreciation), with straight-line depreciation of the capex over 60 months.
//!
//! It exploits what a hand-written program for a monthly timeline may: months are whole, so a
//! calendar rate's running total is `Σ monthly value ÷ months in the unit` (one division a month,
//! no day weights), a daily rate books `rate × days`, and per-flow constants are computed once.
//! The curve `growth = cagr(1 @ 2025, 3 @ end)` has one value a year; its ten values come from
//! `aifin::number::pow` (the one thing not re-implemented: ten calls, so that both programs book
//! the same amounts, which the benchmark checks).

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimals of ledger amounts.
const DP: u32 = 13;
/// Amounts and balances stay below 10^15.
const LIMIT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);
/// The world's account.
pub const WORLD: u32 = u32::MAX;

/// Why the floor cannot book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FloorError {
    /// A sum beyond what a decimal holds, or beyond the ledger's limit.
    Overflow,
    /// The reconciliation found a mismatch.
    Unreconciled(String),
}

type R<T> = Result<T, FloorError>;

fn add(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_add(b).ok_or(FloorError::Overflow)
}
fn sub(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_sub(b).ok_or(FloorError::Overflow)
}
fn mul(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_mul(b).ok_or(FloorError::Overflow)
}
fn div(a: Decimal, b: Decimal) -> R<Decimal> {
    a.checked_div(b).ok_or(FloorError::Overflow)
}
fn round(x: Decimal) -> Decimal {
    if x.scale() <= DP {
        x
    } else {
        x.round_dp_with_strategy(DP, RoundingStrategy::MidpointNearestEven)
    }
}
fn bounded(x: Decimal) -> R<Decimal> {
    if x.abs() < LIMIT {
        Ok(x)
    } else {
        Err(FloorError::Overflow)
    }
}

/// Why cash moved (the flow kinds of the workload, and opening balances).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Opening cash.
    Opening,
    /// Revenue.
    Revenue,
    /// Operating cost.
    Cost,
    /// Capital expenditure.
    Capex,
    /// Financing.
    Financing,
}

/// One movement of cash.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// The month (0-based).
    pub period: u32,
    /// Who pays (an entity, or [`WORLD`]).
    pub from: u32,
    /// Who receives.
    pub to: u32,
    /// How much.
    pub amount: Decimal,
    /// Why.
    pub kind: Kind,
    /// The flow (or entity, for opening cash) that caused it: unread here, kept because aifin's
    /// log keeps it (its `explain` reads it), so both logs hold the same facts.
    #[allow(dead_code)]
    pub origin: u32,
}

/// The ledger: the event log and each entity's posted change per period.
pub struct Ledger {
    periods: usize,
    events: Vec<Event>,
    change: Vec<Decimal>,
}

impl Ledger {
    fn new(entities: usize, periods: usize, capacity: usize) -> Ledger {
        Ledger { periods, events: Vec::with_capacity(capacity), change: vec![Decimal::ZERO; entities * periods] }
    }

    /// The event log.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    fn post(&mut self, ev: Event) -> R<()> {
        if ev.amount.is_zero() {
            return Ok(());
        }
        bounded(ev.amount)?;
        let p = ev.period as usize;
        if ev.from != WORLD {
            let c = &mut self.change[ev.from as usize * self.periods + p];
            *c = bounded(sub(*c, ev.amount)?)?;
        }
        if ev.to != WORLD {
            let c = &mut self.change[ev.to as usize * self.periods + p];
            *c = bounded(add(*c, ev.amount)?)?;
        }
        self.events.push(ev);
        Ok(())
    }

    /// Re-adds the event log from scratch and checks it against the posted changes and the world.
    fn reconcile(&self) -> R<()> {
        let mut fresh = vec![Decimal::ZERO; self.change.len()];
        let mut world = vec![Decimal::ZERO; self.periods];
        for ev in &self.events {
            let p = ev.period as usize;
            for (acct, signed) in [(ev.from, -ev.amount), (ev.to, ev.amount)] {
                let slot = if acct == WORLD { &mut world[p] } else { &mut fresh[acct as usize * self.periods + p] };
                *slot = add(*slot, signed)?;
            }
        }
        if let Some(i) = fresh.iter().zip(&self.change).position(|(a, b)| a != b) {
            return Err(FloorError::Unreconciled(format!(
                "slot {i}: {} re-added, {} posted",
                fresh[i], self.change[i]
            )));
        }
        for (p, w) in world.iter().enumerate() {
            let mut total = *w;
            for e in 0..self.change.len() / self.periods {
                total = add(total, fresh[e * self.periods + p])?;
            }
            if !total.is_zero() {
                return Err(FloorError::Unreconciled(format!("period {p} does not cancel the world")));
            }
        }
        Ok(())
    }

    /// Closing cash of entity `e` at the end of each period.
    pub fn closing(&self, e: usize) -> R<Vec<Decimal>> {
        let mut acc = Decimal::ZERO;
        self.change[e * self.periods..(e + 1) * self.periods]
            .iter()
            .map(|c| {
                acc = bounded(add(acc, *c)?)?;
                Ok(acc)
            })
            .collect()
    }
}

/// What the floor computes: the ledger and the report (E0's yearly closing cash and profit).
pub struct Books {
    /// The reconciled ledger.
    pub ledger: Ledger,
    /// E0's closing cash at the end of each year.
    pub cash: Vec<Decimal>,
    /// E0's profit in each year.
    pub profit: Vec<Decimal>,
}

/// Days in each month of `months` months from January 2025.
fn month_days(months: usize) -> Vec<i64> {
    (0..months)
        .map(|i| {
            let (y, m) = (2025 + i / 12, i % 12 + 1);
            match m {
                2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            }
        })
        .collect()
}

/// `cagr(1 @ 2025, 3 @ end_year)` in each year from 2025 to `end_year`.
fn growth(end_year: i64) -> R<Vec<Decimal>> {
    let span = Decimal::from(end_year - 2025);
    (2025..=end_year)
        .map(|y| {
            if y == end_year {
                return Ok(Decimal::from(3));
            }
            let frac = div(Decimal::from(y - 2025), span)?;
            aifin::number::pow(Decimal::from(3), frac).map_err(|_| FloorError::Overflow)
        })
        .collect()
}

/// Books a calendar rate whose running total after month `i` is `Σ values[..=i] ÷ months`, into
/// `out` (cumulative rounding), for the months in `window`.
fn calendar_rate(
    values: impl Fn(usize) -> Decimal,
    months: Decimal,
    window: std::ops::Range<usize>,
    out: &mut [Decimal],
) -> R<()> {
    let (mut sum, mut booked) = (Decimal::ZERO, Decimal::ZERO);
    for i in window {
        sum = add(sum, values(i))?;
        let total = bounded(round(div(sum, months)?))?;
        out[i] = sub(total, booked)?;
        booked = total;
    }
    Ok(())
}

/// Books the workload of `entities` entities (10 flows each) over `months` months from 2025-01.
pub fn run(entities: usize, months: usize) -> R<Books> {
    let flows = 10;
    let days = month_days(months);
    let end_year = 2025 + (months as i64 - 1) / 12;
    let growth = growth(end_year)?;
    let year_of = |i: usize| i / 12;
    // the window `from 2026-01 to 2030-12`, the capex month 2027-03, and 60 months of life
    let window = 12.min(months)..72.min(months);
    let capex_month = 26;
    let life = 60usize;
    let (twelve, three, sixty) = (Decimal::from(12), Decimal::from(3), Decimal::from(life));
    let price = Decimal::from(20); // USD/month/user
                                   // one event for the opening cash and per non-zero amount: a month for each rate over its
                                   // window, one for the capex
    let per_entity: usize = 1
        + (0..flows)
            .map(|f| match f % 5 {
                2 => window.len(),
                3 => 1,
                _ => months,
            })
            .sum::<usize>();
    let mut ledger = Ledger::new(entities, months, entities * per_entity);
    let mut depreciation = vec![Decimal::ZERO; months]; // E0's, for the report
    let mut amounts = vec![Decimal::ZERO; months];
    let mut e0_events = 0..0;
    for e in 0..entities {
        let me = e as u32;
        let opening = Decimal::from(1_000_000 * (e as i64 + 1));
        ledger.post(Event { period: 0, from: WORLD, to: me, amount: opening, kind: Kind::Opening, origin: me })?;
        for f in 0..flows {
            let k = (e * flows + f) as i64;
            amounts.iter_mut().for_each(|a| *a = Decimal::ZERO);
            let (inflow, kind) = match f % 5 {
                0 => {
                    // `{x} USD/year * growth`: the year's growth value, twelve months to the year
                    let x = Decimal::from(1_000_000 + k * 7);
                    let by_year = growth.iter().map(|g| mul(x, *g)).collect::<R<Vec<_>>>()?;
                    calendar_rate(|i| by_year[year_of(i)], twelve, 0..months, &mut amounts)?;
                    (true, Kind::Revenue)
                }
                1 => {
                    // `{x} USD/day`: elapsed days, exact
                    let x = Decimal::from(1_000 + k % 997);
                    for (a, d) in amounts.iter_mut().zip(&days) {
                        *a = bounded(mul(x, Decimal::from(*d))?)?;
                    }
                    (false, Kind::Cost)
                }
                2 => {
                    // `{x}k user * price from 2026-01 to 2030-12`: a month's worth each month
                    let monthly = mul(Decimal::from((10 + k % 90) * 1_000), price)?;
                    calendar_rate(|_| monthly, Decimal::ONE, window.clone(), &mut amounts)?;
                    (true, Kind::Revenue)
                }
                3 => {
                    // `{x} USD on 2027-03-15 as capex life 5 year`
                    let x = Decimal::from(500_000 + k);
                    if capex_month < months {
                        amounts[capex_month] = bounded(round(x))?;
                        if e == 0 {
                            let mut dep = vec![Decimal::ZERO; months];
                            calendar_rate(|_| x, sixty, capex_month..(capex_month + life).min(months), &mut dep)?;
                            for (d, v) in depreciation.iter_mut().zip(dep) {
                                *d = add(*d, v)?;
                            }
                        }
                    }
                    (false, Kind::Capex)
                }
                _ => {
                    // `{x} USD/quarter as financing`: three months to the quarter
                    let x = Decimal::from(50_000 + k);
                    calendar_rate(|_| x, three, 0..months, &mut amounts)?;
                    (true, Kind::Financing)
                }
            };
            let (from, to) = if inflow { (WORLD, me) } else { (me, WORLD) };
            for (p, amount) in amounts.iter().enumerate() {
                ledger.post(Event { period: p as u32, from, to, amount: *amount, kind, origin: k as u32 })?;
            }
        }
        if e == 0 {
            e0_events = 0..ledger.events.len();
        }
    }
    ledger.reconcile()?;
    // the report: E0's yearly closing cash and profit
    let years = months.div_ceil(12);
    let closing = ledger.closing(0)?;
    let cash = (0..years).map(|y| closing[(y * 12 + 11).min(months - 1)]).collect();
    let mut profit = vec![Decimal::ZERO; years];
    for ev in ledger.events().get(e0_events).unwrap_or(&[]) {
        let y = year_of(ev.period as usize);
        profit[y] = match ev.kind {
            Kind::Revenue => add(profit[y], ev.amount)?,
            Kind::Cost => sub(profit[y], ev.amount)?,
            Kind::Opening | Kind::Capex | Kind::Financing => profit[y],
        };
    }
    for (i, d) in depreciation.iter().enumerate() {
        profit[year_of(i)] = sub(profit[year_of(i)], *d)?;
    }
    Ok(Books { ledger, cash, profit })
}
