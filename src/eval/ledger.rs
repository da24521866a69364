//! The double-entry cash ledger and its independent reconciliation.
//!
//! Every movement of cash is an [`Event`]: an amount from one account to another in a period
//! (`world` is an account too). Posting debits one side and credits the other and keeps each
//! entity's per-period change up to date. [`Ledger::reconcile`] then re-adds the event log from
//! scratch — without the posting code's running totals — and checks, for every entity and
//! period, that the re-added change equals the posted one, and that in every period the sum of
//! all entities' cash changes equals the net flow with the world. A mismatch is an internal
//! error, reported, never silent. Every amount, change and balance stays below
//! [`super::booking::LEDGER_LIMIT`], so all of these sums are exact.

use super::booking::in_ledger;
use crate::check::ids::Id;
use crate::check::ir::{ContractId, EntityId, FlowId, FlowKind};
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// An account: an entity's cash, or the outside world (4 bytes: the log holds millions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Account(u32);

#[allow(non_upper_case_globals, non_snake_case)]
impl Account {
    /// The outside world.
    pub const World: Account = Account(u32::MAX);
    /// An entity's cash.
    pub fn Entity(e: EntityId) -> Account {
        Account(u32::try_from(e).unwrap_or(u32::MAX - 1))
    }
    /// The entity, unless this is the world.
    pub fn entity(self) -> Option<EntityId> {
        if self == Account::World {
            None
        } else {
            Some(EntityId::from_index(self.0 as usize))
        }
    }
}

/// Why cash moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// An opening balance.
    Opening,
    /// A flow or contract payment of this kind.
    Flow(FlowKind),
    /// Interest on a loan or credit line (the payer's cost, the receiver's income).
    Interest,
    /// A payment for goods or services between entities (the payer's cost, the payee's
    /// revenue).
    Trade,
    /// A credit line drawn (from the world) or repaid (to it): financing.
    Credit,
}

/// What caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// An entity's opening cash.
    Opening(u32),
    /// A flow.
    Flow(u32),
    /// A contract.
    Contract(u32),
    /// An entity's credit line.
    Credit(u32),
}

impl Origin {
    /// An entity's opening cash.
    pub fn opening(e: EntityId) -> Origin {
        Origin::Opening(u32::try_from(e).unwrap_or(u32::MAX))
    }
    /// A flow.
    pub fn flow(f: FlowId) -> Origin {
        Origin::Flow(u32::try_from(f).unwrap_or(u32::MAX))
    }
    /// A contract.
    pub fn contract(c: ContractId) -> Origin {
        Origin::Contract(u32::try_from(c).unwrap_or(u32::MAX))
    }
    /// An entity's credit line.
    pub fn credit(e: EntityId) -> Origin {
        Origin::Credit(u32::try_from(e).unwrap_or(u32::MAX))
    }
}

/// One movement of cash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The period.
    pub period: u32,
    /// Who pays.
    pub from: Account,
    /// Who receives.
    pub to: Account,
    /// How much (in the ledger currency).
    pub amount: Decimal,
    /// Why.
    pub kind: EventKind,
    /// What caused it.
    pub origin: Origin,
}

/// The ledger of one run.
#[derive(Debug, Clone)]
pub struct Ledger {
    entities: usize,
    periods: usize,
    events: Vec<Event>,
    /// Posted change of each entity's cash per period, `entity * periods + period`.
    change: Vec<Decimal>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new(entities: usize, periods: usize) -> Ledger {
        Ledger { entities, periods, events: Vec::new(), change: vec![Decimal::ZERO; entities * periods] }
    }

    /// The event log.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    fn slot(&self, a: Account, period: u32) -> Option<usize> {
        let e = a.entity()?.index();
        if e < self.entities && (period as usize) < self.periods {
            Some(e * self.periods + period as usize)
        } else {
            None
        }
    }

    /// Makes room for `n` more events.
    pub fn reserve(&mut self, n: usize) {
        self.events.reserve(n);
    }

    /// Posts an event: debits `from`, credits `to`. Zero amounts are not recorded.
    pub fn post(&mut self, ev: Event) -> Result<(), ArithError> {
        if ev.amount.is_zero() {
            return Ok(());
        }
        in_ledger(ev.amount)?;
        if let Some(i) = self.slot(ev.from, ev.period) {
            if let Some(c) = self.change.get_mut(i) {
                *c = in_ledger(number::sub(*c, ev.amount)?)?;
            }
        }
        if let Some(i) = self.slot(ev.to, ev.period) {
            if let Some(c) = self.change.get_mut(i) {
                *c = in_ledger(number::add(*c, ev.amount)?)?;
            }
        }
        self.events.push(ev);
        Ok(())
    }

    /// The posted change of an entity's cash in each period.
    pub fn changes(&self, e: EntityId) -> &[Decimal] {
        let e = e.index();
        self.change.get(e * self.periods..(e + 1) * self.periods).unwrap_or(&[])
    }

    /// Closing cash of an entity in each period.
    pub fn closing(&self, e: EntityId) -> Result<Vec<Decimal>, ArithError> {
        let mut acc = Decimal::ZERO;
        let mut out = Vec::with_capacity(self.periods);
        for c in self.changes(e) {
            acc = in_ledger(number::add(acc, *c)?)?;
            out.push(acc);
        }
        Ok(out)
    }

    /// Re-adds the event log independently and checks it against the posted balances and the
    /// world (see the module docs). Returns what does not add up.
    pub fn reconcile(&self) -> Result<(), String> {
        let mut fresh = vec![Decimal::ZERO; self.entities * self.periods];
        let mut world = vec![Decimal::ZERO; self.periods];
        let add = |v: &mut Decimal, x: Decimal| -> Result<(), String> {
            *v = v.checked_add(x).ok_or_else(|| "overflow while re-adding the ledger".to_string())?;
            Ok(())
        };
        for ev in &self.events {
            let p = ev.period as usize;
            for (acct, sign) in [(ev.from, -ev.amount), (ev.to, ev.amount)] {
                match acct.entity() {
                    None => add(world.get_mut(p).ok_or("an event outside the timeline")?, sign)?,
                    Some(e) => {
                        let slot =
                            fresh.get_mut(e.index() * self.periods + p).ok_or("an event of an unknown entity")?;
                        add(slot, sign)?;
                    }
                }
            }
        }
        if fresh != self.change {
            let i = fresh.iter().zip(&self.change).position(|(a, b)| a != b).unwrap_or(0);
            return Err(format!(
                "entity {} in period {}: the event log adds up to {} but {} was posted",
                i / self.periods.max(1),
                i % self.periods.max(1),
                fresh.get(i).copied().unwrap_or_default(),
                self.change.get(i).copied().unwrap_or_default()
            ));
        }
        for p in 0..self.periods {
            let mut total = Decimal::ZERO;
            for e in 0..self.entities {
                add(&mut total, fresh.get(e * self.periods + p).copied().unwrap_or_default())?;
            }
            let w = world.get(p).copied().unwrap_or_default();
            if total + w != Decimal::ZERO {
                return Err(format!("period {p}: entities' cash changes sum to {total} but the world's to {w}"));
            }
        }
        Ok(())
    }
}

/// What an incremental re-run (`super::incremental`) takes over from an earlier run's ledger:
/// the events and posted changes of the entities its change does not touch, copied as they
/// are (they were posted and reconciled in that run), and a reconciliation of the entities it
/// posts again.
impl Ledger {
    /// Appends events already posted in `from` (whose entities' changes the caller copies
    /// with [`Ledger::copy_changes`]).
    pub(super) fn copy_events(&mut self, from: &[Event]) {
        self.events.extend_from_slice(from);
    }

    /// The event log's memory, for another ledger to reuse ([`Ledger::reuse_memory`]).
    pub(super) fn into_events(self) -> Vec<Event> {
        self.events
    }

    /// Takes `memory` (emptied) for the event log of a ledger that has none yet: a log of
    /// millions of events costs as much to map in fresh as to post a tenth of them.
    pub(super) fn reuse_memory(&mut self, mut memory: Vec<Event>) {
        if self.events.is_empty() && memory.capacity() > self.events.capacity() {
            memory.clear();
            self.events = memory;
        }
    }

    /// Sets entity `e`'s posted changes to `prev`'s; false when the ledgers' shapes differ.
    pub(super) fn copy_changes(&mut self, prev: &Ledger, e: EntityId) -> bool {
        let e = e.index();
        let range = e * self.periods..(e + 1) * self.periods;
        match (self.change.get_mut(range.clone()), prev.change.get(range)) {
            (Some(to), Some(from)) if self.periods == prev.periods => {
                to.copy_from_slice(from);
                true
            }
            _ => false,
        }
    }

    /// [`Ledger::reconcile`] of the entities `which` marks: their events re-added from the
    /// whole log and checked against their posted changes. (The world's side needs no check of
    /// its own: each event adds as much to one account as it takes from the other, so the
    /// entities' and the world's changes balance in every period once each entity's re-added
    /// change is its posted one.)
    pub(super) fn reconcile_entities(&self, which: &[bool]) -> Result<(), String> {
        let marked = |a: Account| a.entity().map(|e| e.index()).filter(|e| which.get(*e).copied().unwrap_or(false));
        let mut fresh = vec![Decimal::ZERO; self.entities * self.periods];
        for ev in &self.events {
            for (acct, sign) in [(ev.from, -ev.amount), (ev.to, ev.amount)] {
                let Some(e) = marked(acct) else { continue };
                if ev.period as usize >= self.periods {
                    return Err("an event outside the timeline".into());
                }
                let slot = fresh.get_mut(e * self.periods + ev.period as usize).ok_or("an event outside the books")?;
                *slot = slot.checked_add(sign).ok_or("overflow while re-adding the ledger")?;
            }
        }
        for (e, _) in which.iter().enumerate().filter(|(_, w)| **w) {
            let range = e * self.periods..(e + 1) * self.periods;
            let (Some(a), Some(b)) = (fresh.get(range.clone()), self.change.get(range)) else {
                return Err(format!("entity {e} is not in the books"));
            };
            if let Some(p) = a.iter().zip(b).position(|(x, y)| x != y) {
                return Err(format!(
                    "entity {e} in period {p}: the event log adds up to {} but {} was posted",
                    a.get(p).copied().unwrap_or_default(),
                    b.get(p).copied().unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}
