//! The double-entry cash ledger and its independent reconciliation.
//!
//! Every movement of cash is an [`Event`]: an amount from one account to another in a period
//! (`world` is an account too). Posting debits one side and credits the other and keeps each
//! entity's per-period change up to date. [`Ledger::reconcile`] then re-adds the event log from
//! scratch — without the posting code's running totals — and checks, for every entity and
//! period, that the re-added change equals the posted one, and that in every period the sum of
//! all entities' cash changes equals the net flow with the world. A mismatch is an internal
//! error, reported, never silent. Every amount, change and balance stays below
//! [`super::booking::LEDGER_LIMIT`], so all of these sums are exact. (When every amount has at
//! most 13 decimals, as booked amounts do, the re-adding runs in `i128` units of 10^-13 rather
//! than in `Decimal`: the same exact sums, several times faster.)

use super::booking::in_ledger;
use crate::check::ids::Id;
use crate::check::ir::{ContractId, EntityId, FlowId, FlowKind};
use crate::intern::Interner;
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

/// Where an event goes and why: everything of an [`Event`] but its period and amount. A run
/// has few of these (about one per flow and contract), so the log stores an index into them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    pub from: Account,
    pub to: Account,
    pub kind: EventKind,
    pub origin: Origin,
}

impl Event {
    /// Where the event goes and why.
    fn route(&self) -> Route {
        Route { from: self.from, to: self.to, kind: self.kind, origin: self.origin }
    }
}

/// An event as the log stores it, in 16 bytes (an [`Event`] takes 40; a run of 1,000 entities
/// holds close to a million): the amount's mantissa when it fits an `i64` (any amount below
/// 922,337 at the ledger's 13 decimals, larger ones with fewer), the route's index, and the
/// period with the amount's scale. An amount that does not fit, or a period from 2^27 on, is
/// kept with its period in the ledger's side table (20 bytes more) and `amount` is its index
/// there.
#[derive(Debug, Clone, Copy)]
pub(super) struct Packed {
    amount: i64,
    route: u32,
    /// `period << 5 | scale`, or [`Packed::WIDE`] for an amount and period in the side table.
    period_scale: u32,
}

impl Packed {
    /// The `period_scale` of an event kept whole in the side table (no scale is 31).
    const WIDE: u32 = 31;
}

/// The ledger of one run.
#[derive(Debug, Clone)]
pub struct Ledger {
    entities: usize,
    periods: usize,
    events: Vec<Packed>,
    /// The distinct routes of the events, numbered.
    routes: Interner<Route>,
    /// The amounts and periods that do not pack (see [`Packed`]).
    wide: Vec<(Decimal, u32)>,
    /// Posted change of each entity's cash per period, `entity * periods + period`.
    change: Vec<Decimal>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new(entities: usize, periods: usize) -> Ledger {
        Ledger {
            entities,
            periods,
            events: Vec::new(),
            routes: Interner::default(),
            wide: Vec::new(),
            change: vec![Decimal::ZERO; entities * periods],
        }
    }

    /// The event log, in the order of posting.
    pub fn events(&self) -> impl ExactSizeIterator<Item = Event> + '_ {
        self.events.iter().map(|p| self.unpack(p))
    }

    /// The events that `account` pays or receives, in the order of posting (the others are
    /// passed over by their route, without reading their amounts).
    pub fn events_of(&self, account: Account) -> impl Iterator<Item = Event> + '_ {
        self.events
            .iter()
            .filter(move |p| self.routes.value(p.route).is_some_and(|r| r.from == account || r.to == account))
            .map(|p| self.unpack(p))
    }

    /// The number of events in the log.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// The event `p` packs, as [`Ledger::try_unpack`] gives it. Every index an event names was
    /// pushed by [`Ledger::pack`] (or [`Ledger::copy_events`]) beside it, and every run's
    /// reconciliation checks that each event of the log unpacks ([`Ledger::reconcile`]: an
    /// internal error otherwise), so the blank event here is never read from reconciled books.
    fn unpack(&self, p: &Packed) -> Event {
        self.try_unpack(p).unwrap_or(Event {
            period: 0,
            from: Account::World,
            to: Account::World,
            amount: Decimal::ZERO,
            kind: EventKind::Opening,
            origin: Origin::Opening(u32::MAX),
        })
    }

    /// The event `p` packs; `None` when its route or side-table entry is not in this ledger.
    fn try_unpack(&self, p: &Packed) -> Option<Event> {
        let (amount, period) = if p.period_scale == Packed::WIDE {
            *self.wide.get(usize::try_from(p.amount).ok()?)?
        } else {
            (super::amounts::from_small(p.amount, p.period_scale & 31), p.period_scale >> 5)
        };
        let r = self.routes.value(p.route)?;
        Some(Event { period, from: r.from, to: r.to, amount, kind: r.kind, origin: r.origin })
    }

    /// The index of `route`, interned when new (the last one posted is checked first: a flow
    /// posts all its periods in a row). `None` past `u32::MAX` routes (more than the memory of
    /// any machine holds events for).
    fn route_of(&mut self, route: Route) -> Option<u32> {
        let last = self.events.last().map(|p| p.route);
        match last.filter(|i| self.routes.value(*i) == Some(&route)) {
            Some(i) => Some(i),
            None => self.routes.intern(&route),
        }
    }

    /// The packed form of `amount` in `period` on the route at `index`.
    fn pack_at(&mut self, index: u32, amount: Decimal, period: u32) -> Option<Packed> {
        Some(match super::amounts::small(amount) {
            Some((m, scale)) if period < 1 << 27 => {
                Packed { amount: m, route: index, period_scale: period << 5 | scale }
            }
            _ => {
                self.wide.push((amount, period));
                Packed { amount: i64::try_from(self.wide.len() - 1).ok()?, route: index, period_scale: Packed::WIDE }
            }
        })
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
        let index = self.route_of(ev.route()).ok_or(ArithError::Overflow)?;
        self.push(index, ev.route(), ev.period, ev.amount)
    }

    /// Logs `amount` in `period` on the route at `index` and moves the cash (the amount is
    /// non-zero and within the ledger's limit).
    fn push(&mut self, index: u32, route: Route, period: u32, amount: Decimal) -> Result<(), ArithError> {
        let packed = self.pack_at(index, amount, period).ok_or(ArithError::Overflow)?;
        self.move_cash(route.from, route.to, period, amount)?;
        self.events.push(packed);
        Ok(())
    }

    /// Posts `amounts[p]` in each period `p` on `route`: a flow's amounts, as [`Ledger::post`]
    /// of each event would post them, with the route interned once.
    pub fn post_periods(&mut self, route: Route, amounts: &[Decimal]) -> Result<(), ArithError> {
        let mut index = None;
        for (p, amount) in amounts.iter().enumerate() {
            if amount.is_zero() {
                continue;
            }
            in_ledger(*amount)?;
            let period = u32::try_from(p).map_err(|_| ArithError::Overflow)?;
            let at = match index {
                Some(i) => i,
                None => *index.insert(self.route_of(route).ok_or(ArithError::Overflow)?),
            };
            self.push(at, route, period, *amount)?;
        }
        Ok(())
    }

    /// Debits `from`'s and credits `to`'s change in `period` (the world keeps none).
    fn move_cash(&mut self, from: Account, to: Account, period: u32, amount: Decimal) -> Result<(), ArithError> {
        if let Some(i) = self.slot(from, period) {
            if let Some(c) = self.change.get_mut(i) {
                *c = in_ledger(number::sub(*c, amount)?)?;
            }
        }
        if let Some(i) = self.slot(to, period) {
            if let Some(c) = self.change.get_mut(i) {
                *c = in_ledger(number::add(*c, amount)?)?;
            }
        }
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
        match self.reconcile_fixed() {
            Some(true) => Ok(()),
            // a mismatch, or an amount of more than 13 decimals: re-added in `Decimal`, which
            // says what does not add up
            _ => self.reconcile_decimal(),
        }
    }

    /// [`Ledger::reconcile`] in integer units of 10^-13: whether everything adds up, or `None`
    /// when an amount or a posted change has more than 13 decimals (or a sum leaves `i128`).
    fn reconcile_fixed(&self) -> Option<bool> {
        const DP: u32 = super::booking::LEDGER_DP;
        let units = |x: Decimal| -> Option<i128> {
            let k = DP.checked_sub(x.scale())?;
            x.mantissa().checked_mul(*super::booking::POW10.get(k as usize)?)
        };
        let mut fresh = vec![0i128; self.entities * self.periods];
        let mut world = vec![0i128; self.periods];
        for p in &self.events {
            let (amount, period) = if p.period_scale == Packed::WIDE {
                let (a, period) = *usize::try_from(p.amount).ok().and_then(|i| self.wide.get(i))?;
                (units(a)?, period as usize)
            } else {
                let k = DP.checked_sub(p.period_scale & 31)?;
                (i128::from(p.amount) * *super::booking::POW10.get(k as usize)?, (p.period_scale >> 5) as usize)
            };
            let r = self.routes.value(p.route)?;
            for (acct, signed) in [(r.from, -amount), (r.to, amount)] {
                let slot = match acct.entity() {
                    None => world.get_mut(period)?,
                    Some(e) => fresh.get_mut(e.index().checked_mul(self.periods)?.checked_add(period)?)?,
                };
                *slot = slot.checked_add(signed)?;
            }
        }
        for (f, c) in fresh.iter().zip(&self.change) {
            if *f != units(*c)? {
                return Some(false);
            }
        }
        for (p, w) in world.iter().enumerate() {
            let mut total = *w;
            for e in 0..self.entities {
                total = total.checked_add(*fresh.get(e * self.periods + p)?)?;
            }
            if total != 0 {
                return Some(false);
            }
        }
        Some(true)
    }

    /// [`Ledger::reconcile`] in `Decimal`.
    fn reconcile_decimal(&self) -> Result<(), String> {
        let mut fresh = vec![Decimal::ZERO; self.entities * self.periods];
        let mut world = vec![Decimal::ZERO; self.periods];
        let add = |v: &mut Decimal, x: Decimal| -> Result<(), String> {
            *v = v.checked_add(x).ok_or_else(|| "overflow while re-adding the ledger".to_string())?;
            Ok(())
        };
        for (i, p) in self.events.iter().enumerate() {
            let ev =
                self.try_unpack(p).ok_or_else(|| format!("event {i} names a route or amount the log does not hold"))?;
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
    /// Appends the events at positions `range` of `from`'s log, already posted there (whose
    /// entities' changes the caller copies with [`Ledger::copy_changes`]). Each is packed
    /// again: a route's index is the other ledger's. `None` when `range` is not in `from`'s
    /// log or a route cannot be interned.
    pub(super) fn copy_events(&mut self, from: &Ledger, range: std::ops::Range<usize>) -> Option<()> {
        // the events of one opening or flow share a route: intern it once per change of route
        let mut last: Option<(u32, u32)> = None;
        for p in from.events.get(range)? {
            let route = match last {
                Some((theirs, ours)) if theirs == p.route => ours,
                _ => {
                    let ours = self.routes.intern(from.routes.value(p.route)?)?;
                    last = Some((p.route, ours));
                    ours
                }
            };
            let packed = if p.period_scale == Packed::WIDE {
                let whole = *from.wide.get(usize::try_from(p.amount).ok()?)?;
                self.wide.push(whole);
                Packed { amount: i64::try_from(self.wide.len() - 1).ok()?, route, period_scale: Packed::WIDE }
            } else {
                Packed { route, ..*p }
            };
            self.events.push(packed);
        }
        Some(())
    }

    /// The origin of each event in the log, in the order of posting (read from its route,
    /// without its amount).
    pub(super) fn origins(&self) -> impl Iterator<Item = Option<Origin>> + '_ {
        self.events.iter().map(|p| self.routes.value(p.route).map(|r| r.origin))
    }

    /// The event log's memory, for another ledger to reuse ([`Ledger::reuse_memory`]).
    pub(super) fn into_events(self) -> Vec<Packed> {
        self.events
    }

    /// Takes `memory` (emptied) for the event log of a ledger that has none yet: a log of
    /// millions of events costs as much to map in fresh as to post a tenth of them.
    pub(super) fn reuse_memory(&mut self, mut memory: Vec<Packed>) {
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
        // the other entities' events are passed over by their route, without reading amounts
        let touches =
            |p: &&Packed| self.routes.value(p.route).is_none_or(|r| marked(r.from).is_some() || marked(r.to).is_some());
        for p in self.events.iter().filter(touches) {
            let ev = self.try_unpack(p).ok_or("an event names a route or amount the log does not hold")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_gives_back_every_event_as_posted() {
        assert_eq!(std::mem::size_of::<Packed>(), 16);
        let mut ledger = Ledger::new(2, 3);
        let e = |i: usize| Account::Entity(crate::check::ids::Id::from_index(i));
        let mut posted = Vec::new();
        for (i, amount) in [
            "1",
            "0.5000000000000",
            "-922337.2036854775807",
            "922337.2036854775808",
            "716666666.6666666666667",
            "999999999999999",
            "12.30",
        ]
        .iter()
        .enumerate()
        {
            let ev = Event {
                period: (i % 3) as u32,
                from: if i % 2 == 0 { Account::World } else { e(0) },
                to: e(1),
                amount: amount.parse().unwrap_or_default(),
                kind: EventKind::Flow(FlowKind::Revenue),
                origin: Origin::Flow(i as u32 % 2),
            };
            ledger.post(ev).unwrap();
            posted.push(ev);
        }
        let read: Vec<Event> = ledger.events().collect();
        assert_eq!(read, posted);
        let of_0: Vec<Event> = ledger.events_of(e(0)).collect();
        assert_eq!(of_0, posted.iter().filter(|ev| ev.from == e(0) || ev.to == e(0)).copied().collect::<Vec<_>>());
        assert!(read.iter().zip(&posted).all(|(a, b)| a.amount.scale() == b.amount.scale()));
        assert_eq!(ledger.wide.len(), 2); // 2^63 / 10^13, and a large amount with 13 decimals
        assert_eq!(ledger.reconcile_fixed(), Some(true));
        assert!(ledger.reconcile_decimal().is_ok());
        // a posted change that the log does not add up to is found by both
        if let Some(c) = ledger.change.get_mut(4) {
            *c += Decimal::new(1, 13);
        }
        assert_eq!(ledger.reconcile_fixed(), Some(false));
        assert!(ledger.reconcile().is_err_and(|e| e.contains("entity 1 in period 1")), "{:?}", ledger.reconcile());
    }

    #[test]
    fn posting_a_flows_periods_is_posting_each_event() {
        let e = |i: usize| Account::Entity(crate::check::ids::Id::from_index(i));
        let amounts: Vec<Decimal> = ["1.5", "0", "716666666.6666666666667", "-2.0000000000001", "0", "3"]
            .iter()
            .map(|t| t.parse().unwrap_or_default())
            .collect();
        let (mut one, mut each) = (Ledger::new(2, 6), Ledger::new(2, 6));
        let other = Event {
            period: 0,
            from: Account::World,
            to: e(1),
            amount: Decimal::ONE,
            kind: EventKind::Opening,
            origin: Origin::Opening(1),
        };
        let flow = Event {
            from: e(0),
            to: Account::World,
            kind: EventKind::Flow(FlowKind::Cost),
            origin: Origin::Flow(0),
            ..other
        };
        for ledger in [&mut one, &mut each] {
            ledger.post(other).unwrap();
        }
        one.post_periods(flow.route(), &amounts).unwrap();
        for (p, amount) in amounts.iter().enumerate() {
            each.post(Event { period: p as u32, amount: *amount, ..flow }).unwrap();
        }
        assert_eq!(one.events().collect::<Vec<_>>(), each.events().collect::<Vec<_>>());
        assert_eq!(one.event_count(), 5);
        assert_eq!((one.routes.clone(), one.wide.clone(), one.change.clone()), (each.routes, each.wide, each.change));
        assert!(one.reconcile().is_ok());
        // past the ledger's limit: an error, as posting the event is
        let huge: Decimal = "1000000000000000".parse().unwrap_or_default();
        assert!(one.post_periods(flow.route(), &[huge]).is_err());
    }

    #[test]
    fn an_event_naming_what_the_log_does_not_hold_fails_the_reconciliation() {
        let mut ledger = Ledger::new(1, 2);
        let ev = Event {
            period: 1,
            from: Account::World,
            to: Account::Entity(crate::check::ids::Id::from_index(0)),
            amount: Decimal::new(15, 1),
            kind: EventKind::Opening,
            origin: Origin::Opening(0),
        };
        ledger.post(ev).unwrap();
        assert!(ledger.reconcile().is_ok());
        // a broken invariant: the route the event names is gone
        ledger.routes = Interner::default();
        assert!(ledger.reconcile().is_err_and(|e| e.contains("event 0 names a route")), "{:?}", ledger.reconcile());
        assert!(ledger.reconcile_entities(&[true]).is_err());
        // a wide amount whose side-table entry is gone
        let mut ledger = Ledger::new(1, 2);
        ledger.post(Event { amount: "716666666.6666666666667".parse().unwrap(), ..ev }).unwrap();
        assert!(ledger.reconcile().is_ok());
        ledger.wide.clear();
        assert!(ledger.reconcile().is_err_and(|e| e.contains("names a route or amount")));
    }
}
