//! The period-by-period simulation of payments between entities: credit lines, defaults and the
//! clearing cascade.
//!
//! Flows with the world and opening balances are posted first (an entity's own operations are
//! always carried out; a shortfall there shows as negative cash, its funding need). Then, period
//! by period: interest on drawn credit lines is paid; the period's obligations between entities
//! (contract payments) are cleared — in full on the *full-payment path*, or with
//! [`crate::clearing::clear`] on the *cleared path*, where an entity whose cash, plus what it
//! receives, plus its unused credit, cannot cover what falls due is in default from that period;
//! finally credit lines are drawn or repaid to keep cash at its minimum.
//!
//! **A default is a resolution event**: in its default period every obligation of the
//! defaulter falls due as a claim in place of the period's scheduled payments
//! ([`Run::claim_on_default`]: a loan's principal and accrued interest, a take-or-pay's
//! termination payment or remaining schedule, a lease's or transfer's remaining payments), and
//! the claims are cleared with the rest. What falls due unpaid is the creditor's loss
//! (`losses(E)`). Afterwards nothing more falls due on its contracts as payer, and unless it says
//! `after_default continue` its operations stop: its flows with the world (left out of the
//! books after the default period) and its contracts as payee end, and its capex no longer
//! depreciates ([`Run::stop_depreciation`]).

use super::booking::round_ledger;
use super::engine::Run;
use super::error::EvalError;
use super::ledger::{Account, Event, EventKind, Ledger, Origin};
use super::timeline::Timeline;
use crate::check::ids::Id;
use crate::check::ir::{Contingency, ContractId, EntityId, FlowId, FlowIr, FlowKind, IdVec};
use crate::check::options::{AfterDefault, DefaultPolicy};
use crate::check::typed::ContractTerms;
use crate::clearing::{clear, Obligation, Policy};
use crate::number::{self, ArithError};
use crate::source::Span;
use crate::syntax::ast::Direction;
use rust_decimal::Decimal;

/// One obligation between entities in a period, as the contracts schedule it.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// The payment, if made in full.
    pub event: Event,
    /// The contract.
    pub contract: ContractId,
}

/// What one debtor left unpaid to a defaulter, on one contract, up to its default.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// Who did not pay.
    pub debtor: EntityId,
    /// On which contract.
    pub contract: ContractId,
    /// How much fell due unpaid.
    pub unpaid: Decimal,
}

/// A default.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultRecord {
    /// Who.
    pub entity: EntityId,
    /// From which period.
    pub period: usize,
    /// What it owed in the period and did not pay.
    pub shortfall: Decimal,
    /// Its debtors that left it unpaid, up to and including that period (the cause chain).
    pub causes: Vec<Cause>,
}

/// What the cleared path found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Defaults {
    /// Every default, in order.
    pub records: Vec<DefaultRecord>,
    /// Losses of each entity (what fell due to it unpaid).
    pub by_entity: IdVec<EntityId, Decimal>,
    /// Losses on each contract.
    pub by_contract: IdVec<ContractId, Decimal>,
    /// The period each entity defaulted in.
    pub period_of: IdVec<EntityId, Option<usize>>,
    /// What was left unpaid to each entity, by (debtor, contract): its `losses`, itemised
    /// (what `aifin explain losses(E)` lists).
    pub unpaid_to: IdVec<EntityId, std::collections::BTreeMap<(EntityId, ContractId), Decimal>>,
}

/// Each entity's drawn credit line at each period's end.
pub(super) type CreditBalances = IdVec<EntityId, Vec<Decimal>>;

#[derive(Clone)]
struct Credit {
    limit: Decimal,
    rate: Decimal,
    drawn: Decimal,
}

fn arith(e: ArithError, span: Span) -> EvalError {
    EvalError::arith(e, span)
}

const L: i64 = 377_580;

/// The entities' credit lines (undrawn) and default policies: terms of the scenario, evaluated
/// once for both simulations.
pub(super) struct Terms {
    credits: IdVec<EntityId, Option<Credit>>,
    policies: IdVec<EntityId, Policy>,
}

impl Run<'_> {
    /// Evaluates every entity's credit line and default policy.
    pub(super) fn simulation_terms(&mut self) -> Result<Terms, EvalError> {
        let program = self.program;
        let credits = program.entities.ids().map(|e| self.credit_of(e)).collect::<Result<_, _>>()?;
        let policies = program.entities.ids().map(|e| self.policy_of(e)).collect::<Result<_, _>>()?;
        Ok(Terms { credits, policies })
    }

    fn credit_of(&mut self, e: EntityId) -> Result<Option<Credit>, EvalError> {
        let Some(ent) = self.program.entities.get(e) else { return Ok(None) };
        let Some(f) = &ent.terms.credit_limit else { return Ok(None) };
        let limit = self.constant_money(&f.value)?;
        let rate = super::terms::valued(&ent.terms.credit_rate, ent.span, self, super::terms::per_year)?;
        Ok(Some(Credit { limit, rate, drawn: Decimal::ZERO }))
    }

    fn policy_of(&mut self, e: EntityId) -> Result<Policy, EvalError> {
        let Some(ent) = self.program.entities.get(e) else {
            return Err(EvalError::Internal { span: self.scenario_span, what: format!("no entity {e}") });
        };
        Ok(match ent.terms.default {
            DefaultPolicy::Nothing => Policy::Nothing,
            DefaultPolicy::Recovery => {
                // the checker requires `recovery` with `default recovery`
                let Some(f) = &ent.terms.recovery else {
                    return Err(EvalError::internal(ent.span, "`default recovery` without a `recovery` rate"));
                };
                let r = super::terms::fraction(&f.value, self)?;
                Policy::Recovery(r.max(Decimal::ZERO).min(Decimal::ONE))
            }
            DefaultPolicy::ProRata => Policy::ProRata,
        })
    }

    /// Runs the simulation on top of `base` (openings and flows already posted). With
    /// `clearing` false, every obligation is paid in full. (Entity and contract indices come
    /// from the checked program, so every vector indexed here has their length.)
    #[allow(clippy::needless_range_loop)]
    pub(super) fn simulate(
        &mut self,
        base: &Ledger,
        dues: &[Due],
        terms: &Terms,
        clearing: bool,
        span: Span,
    ) -> Result<(Ledger, CreditBalances, Defaults), EvalError> {
        let n = self.timeline.len();
        let ne = self.program.entities.len();
        // the simulation's own events; the ledger is the base (less a stopped defaulter's
        // operations) and these, built at the end
        let mut ledger = Ledger::new(ne, n);
        ledger.reserve(dues.len() + ne * n);
        let program = self.program;
        let entities = &program.entities;
        let continues: IdVec<EntityId, bool> = entities.map(|ent| ent.terms.after_default == AfterDefault::Continue);
        let mut credits = terms.credits.clone();
        let policies = &terms.policies;
        let mut balances: IdVec<EntityId, Vec<Decimal>> = entities.map(|_| vec![Decimal::ZERO; n]);
        let mut cash: IdVec<EntityId, Decimal> = entities.map(|_| Decimal::ZERO);
        let mut out = Defaults {
            by_entity: entities.map(|_| Decimal::ZERO),
            by_contract: self.program.contracts.map(|_| Decimal::ZERO),
            period_of: entities.map(|_| None),
            records: Vec::new(),
            unpaid_to: entities.map(|_| Default::default()),
        };
        // dues by period
        let mut by_period: Vec<Vec<&Due>> = vec![Vec::new(); n];
        for d in dues {
            if let Some(v) = by_period.get_mut(d.event.period as usize) {
                v.push(d);
            }
        }
        let mut ended = self.program.contracts.map(|_| false); // a party defaulted: nothing more falls due
        let parties: IdVec<ContractId, (Option<EntityId>, Option<EntityId>)> = self
            .program
            .contracts
            .map(|x| super::contracts::parties(x).map_or((None, None), |(a, b)| (Some(a), Some(b))));
        // an entity whose operations have stopped (defaulted in an earlier period, not `continue`)
        let stopped = |out: &Defaults, e: EntityId, t: usize| !continues[e] && out.period_of[e].is_some_and(|d| d < t);
        // unpaid amounts owed to each entity so far, by (debtor, contract)
        let mut unpaid_to: IdVec<EntityId, std::collections::BTreeMap<(EntityId, ContractId), Decimal>> =
            entities.map(|_| Default::default());
        let ck = |r: Result<Decimal, ArithError>| r.map_err(|x| arith(x, span));
        // contingent flows (`while C`, `until defaulted(E)`), booked while their condition holds
        let mut contingent = Vec::new();
        let mut terms_of: std::collections::BTreeMap<ContractId, Option<(i64, i64)>> = Default::default();
        for (fid, f) in self.program.flows.iter_enumerated() {
            if let Some(c) = f.contingent {
                let amounts = if let Contingency::While(k) = c {
                    // in force over the whole calendar months of its first and last payment
                    // (first and last day), so the flow books the same months on every step
                    if let std::collections::btree_map::Entry::Vacant(slot) = terms_of.entry(k) {
                        slot.insert(self.in_force(k)?);
                    }
                    match terms_of.get(&k).copied().flatten() {
                        Some((a, b)) => self.flow_within(fid, (a, b + 1))?,
                        None => vec![Decimal::ZERO; n],
                    }
                } else {
                    self.flow(fid)?
                };
                contingent.push((fid, f, c, amounts));
            }
        }
        let mut resolved: IdVec<EntityId, bool> = entities.map(|_| false); // this period's defaulters whose obligations fell due
        for t in 0..n {
            let period = t as u32;
            // 1. own operations, already posted (a stopped defaulter has none)
            for (e, c) in cash.iter_mut_enumerated() {
                if !stopped(&out, e, t) {
                    let change = base
                        .changes(e)
                        .get(t)
                        .copied()
                        .ok_or_else(|| EvalError::internal(span, "a change outside the ledger"))?;
                    *c = ck(number::add(*c, change))?;
                }
            }
            for (fid, f, c, amounts) in &contingent {
                let (first, last) =
                    self.timeline.periods.get(t).map(|p| (p.first_day, p.end_day - 1)).unwrap_or((0, 0));
                let in_term =
                    |k: &ContractId| terms_of.get(k).copied().flatten().is_some_and(|(a, b)| a <= last && first <= b);
                let holds = match c {
                    Contingency::While(k) => !ended[*k] && in_term(k),
                    Contingency::Until(e) => out.period_of.get(*e).copied().flatten().is_none_or(|d| d >= t),
                };
                let amount = amounts.get(t).copied().unwrap_or_default();
                if !holds || stopped(&out, f.entity, t) || amount.is_zero() {
                    continue;
                }
                let ev = flow_event(f, *fid, t, amount);
                ledger.post(ev).map_err(|x| arith(x, span))?;
                let signed = if ev.to == Account::World { -amount } else { amount };
                cash[f.entity] = ck(number::add(cash[f.entity], signed))?;
            }
            // 2. interest on drawn credit
            let weight =
                self.timeline.periods.get(t).map(|p| Timeline::month_weight(p.first_day, p.end_day, L)).unwrap_or(0);
            for e in entities.ids() {
                let Some(cr) = credits.get(e).and_then(|c| c.as_ref()) else { continue };
                if stopped(&out, e, t) {
                    continue;
                }
                let interest = round_ledger(ck(number::div(
                    ck(number::mul(ck(number::mul(cr.drawn, cr.rate))?, Decimal::from(weight)))?,
                    Decimal::from(L * 12),
                ))?);
                if !interest.is_zero() {
                    let ev = Event {
                        period,
                        from: Account::Entity(e),
                        to: Account::World,
                        amount: interest,
                        kind: EventKind::Interest,
                        origin: Origin::credit(e),
                    };
                    ledger.post(ev).map_err(|x| arith(x, span))?;
                    cash[e] = ck(number::sub(cash[e], interest))?;
                }
            }
            // 3. obligations between entities
            let mut obs: Vec<Due> =
                by_period.get(t).into_iter().flatten().filter(|d| !ended[d.contract]).map(|d| (*d).clone()).collect();
            let mut paid: Vec<Decimal> = obs.iter().map(|d| d.event.amount).collect();
            if clearing && !obs.is_empty() {
                resolved.iter_mut().for_each(|r| *r = false);
                loop {
                    let resources: Vec<Decimal> = entities
                        .ids()
                        .map(|e| {
                            // no credit line: nothing unused
                            let unused = credits[e].as_ref().map_or(Decimal::ZERO, |c| c.limit - c.drawn);
                            ck(number::add(cash[e], unused.max(Decimal::ZERO)))
                        })
                        .collect::<Result<_, _>>()?;
                    let list: Vec<Obligation> = obs
                        .iter()
                        .filter_map(|d| {
                            Some(Obligation {
                                debtor: d.event.from.entity()?.index(),
                                creditor: d.event.to.entity()?.index(),
                                amount: d.event.amount,
                            })
                        })
                        .collect();
                    let cleared = clear(&resources, policies, &list)
                        .map_err(|_| EvalError::Internal { span, what: "the clearing of a period failed".into() })?;
                    paid = cleared.paid;
                    // a default is a resolution event: every obligation of a new defaulter falls
                    // due now, as a claim that replaces the period's scheduled payments
                    let mut grew = false;
                    for (e, is) in cleared.defaulted.iter().enumerate() {
                        let e = EntityId::from_index(e);
                        let Some(done) = resolved.get_mut(e).filter(|d| *is && !**d) else { continue };
                        *done = true;
                        for (c, (payer, _)) in parties.iter_enumerated() {
                            if *payer != Some(e) || ended[c] {
                                continue;
                            }
                            if let Some(claims) = self.claim_on_default(c, t)? {
                                obs.retain(|x| x.contract != c);
                                obs.extend(claims);
                                grew = true;
                            }
                        }
                    }
                    if !grew {
                        // record defaults
                        for (e, is) in cleared.defaulted.iter().enumerate() {
                            let e = EntityId::from_index(e);
                            if !*is || out.period_of[e].is_some() {
                                continue;
                            }
                            out.period_of[e] = Some(t);
                            let owed = obs
                                .iter()
                                .zip(&paid)
                                .filter(|(d, _)| d.event.from == Account::Entity(e))
                                .try_fold(Decimal::ZERO, |a, (d, p)| number::add(a, number::sub(d.event.amount, *p)?));
                            // this period's unpaid amounts count too
                            let mut acc = unpaid_to[e].clone();
                            for (d, p) in obs.iter().zip(&paid) {
                                if d.event.to == Account::Entity(e) && *p < d.event.amount {
                                    if let Some(debtor) = d.event.from.entity() {
                                        let slot = acc.entry((debtor, d.contract)).or_insert(Decimal::ZERO);
                                        *slot = ck(number::add(*slot, ck(number::sub(d.event.amount, *p))?))?;
                                    }
                                }
                            }
                            let causes: Vec<Cause> = acc
                                .into_iter()
                                .map(|((debtor, contract), unpaid)| Cause { debtor, contract, unpaid })
                                .collect();
                            out.records.push(DefaultRecord { entity: e, period: t, shortfall: ck(owed)?, causes });
                        }
                        break;
                    }
                }
            }
            // post what is paid; what is not is the creditor's loss
            for (d, p) in obs.iter().zip(&paid) {
                if !p.is_zero() {
                    ledger.post(Event { amount: *p, period, ..d.event }).map_err(|x| arith(x, span))?;
                }
                if let (Some(a), Some(b)) = (d.event.from.entity(), d.event.to.entity()) {
                    cash[a] = ck(number::sub(cash[a], *p))?;
                    cash[b] = ck(number::add(cash[b], *p))?;
                    let unpaid = ck(number::sub(d.event.amount, *p))?;
                    if !unpaid.is_zero() {
                        // a loan whose lender leaves its initial exchange or a draw unpaid is
                        // not funded: it ends (no interest or redemptions fall due on it)
                        if parties.get(d.contract).is_some_and(|x| x.1 == Some(a))
                            && self.program.contracts.get(d.contract).is_some_and(|c| c.terms.loan().is_some())
                        {
                            if let Some(end) = ended.get_mut(d.contract) {
                                *end = true;
                            }
                        }
                        let slot = unpaid_to[b].entry((a, d.contract)).or_insert(Decimal::ZERO);
                        *slot = ck(number::add(*slot, unpaid))?;
                        out.by_entity[b] = ck(number::add(out.by_entity[b], unpaid))?;
                        out.by_contract[d.contract] = ck(number::add(out.by_contract[d.contract], unpaid))?;
                    }
                }
            }
            // a defaulter's contracts as payer end; a stopped defaulter's contracts all end
            for (end, (payer, payee)) in ended.iter_mut().zip(&parties) {
                if payer.is_some_and(|p| out.period_of.get(p).copied().flatten().is_some())
                    || payee.is_some_and(|p| stopped(&out, p, t + 1))
                {
                    *end = true;
                }
            }
            // 4. credit lines keep cash at the minimum
            for e in entities.ids() {
                let min = self.min_cash[e];
                let Some(cr) = credits.get_mut(e).and_then(|c| c.as_mut()) else { continue };
                // in its default period a defaulter draws (it may have paid its creditors with
                // its unused credit) but does not repay; once stopped it does neither
                let defaulting = !continues[e] && out.period_of[e] == Some(t);
                if stopped(&out, e, t) {
                    // a stopped defaulter neither draws nor repays: its balance stays drawn
                    if let Some(slot) = balances.get_mut(e).and_then(|row| row.get_mut(t)) {
                        *slot = cr.drawn;
                    }
                    continue;
                }
                let me = Account::Entity(e);
                let origin = Origin::credit(e);
                if cash[e] < min {
                    let draw =
                        ck(number::sub(min, cash[e]))?.min(ck(number::sub(cr.limit, cr.drawn))?).max(Decimal::ZERO);
                    if !draw.is_zero() {
                        cr.drawn = ck(number::add(cr.drawn, draw))?;
                        cash[e] = ck(number::add(cash[e], draw))?;
                        ledger
                            .post(Event {
                                period,
                                from: Account::World,
                                to: me,
                                amount: draw,
                                kind: EventKind::Credit,
                                origin,
                            })
                            .map_err(|x| arith(x, span))?;
                    }
                } else if cash[e] > min && cr.drawn > Decimal::ZERO && !defaulting {
                    let repay = ck(number::sub(cash[e], min))?.min(cr.drawn);
                    cr.drawn = ck(number::sub(cr.drawn, repay))?;
                    cash[e] = ck(number::sub(cash[e], repay))?;
                    ledger
                        .post(Event {
                            period,
                            from: me,
                            to: Account::World,
                            amount: repay,
                            kind: EventKind::Credit,
                            origin,
                        })
                        .map_err(|x| arith(x, span))?;
                }
                if let Some(row) = balances.get_mut(e) {
                    if let Some(slot) = row.get_mut(t) {
                        *slot = cr.drawn;
                    }
                }
            }
        }
        // the books: own operations (a stopped defaulter's end after its default period), then
        // the simulation's events
        let mut books = Ledger::new(ne, n);
        books.reserve(base.events().len() + ledger.events().len());
        for ev in base.events() {
            let t = ev.period as usize;
            if [ev.from, ev.to].iter().any(|a| a.entity().is_some_and(|e| stopped(&out, e, t))) {
                continue;
            }
            books.post(ev).map_err(|x| arith(x, span))?;
        }
        for ev in ledger.events() {
            books.post(ev).map_err(|x| arith(x, span))?;
        }
        out.unpaid_to = unpaid_to;
        Ok((books, balances, out))
    }

    /// A stopped defaulter's books stop with its operations: its capex no longer depreciates
    /// after its default period (an entity that says `after_default continue` goes on).
    pub(super) fn stop_depreciation(&mut self) {
        for r in &self.defaults.records {
            if self.continues_after_default(r.entity) {
                continue;
            }
            if let Some(row) = self.depreciation.get_mut(r.entity) {
                row.iter_mut().skip(r.period + 1).for_each(|d| *d = Decimal::ZERO);
            }
        }
    }

    /// Whether an entity says `after_default continue`.
    pub(super) fn continues_after_default(&self, e: EntityId) -> bool {
        self.program.entities.get(e).is_some_and(|ent| ent.terms.after_default == AfterDefault::Continue)
    }
}

/// What a contract's payer paid on it in each period of a ledger (`payments(C)` on the cleared
/// path, `scheduled(C)` on the full-payment path).
pub(super) fn paid_by_payer(
    program: &crate::check::ir::Program,
    ledger: &Ledger,
    c: ContractId,
    n: usize,
) -> Result<Vec<Decimal>, ArithError> {
    let mut out = vec![Decimal::ZERO; n];
    let Some((payer, _)) = program.contracts.get(c).and_then(super::contracts::parties) else {
        return Ok(out);
    };
    for ev in ledger.events() {
        if ev.origin == Origin::contract(c) && ev.from == Account::Entity(payer) {
            if let Some(slot) = out.get_mut(ev.period as usize) {
                *slot = number::add(*slot, ev.amount)?;
            }
        }
    }
    Ok(out)
}

/// The event of a flow with the world in period `p`.
fn flow_event(f: &FlowIr, fid: FlowId, p: usize, amount: Decimal) -> Event {
    let (from, to) = match f.direction {
        Direction::In => (Account::World, Account::Entity(f.entity)),
        Direction::Out => (Account::Entity(f.entity), Account::World),
    };
    Event { period: p as u32, from, to, amount, kind: EventKind::Flow(f.kind), origin: Origin::flow(fid) }
}

impl Run<'_> {
    /// `remaining(C)`: at each period's end, the sum of the payments the contract schedules from
    /// its payer after that day — beyond the timeline too, whatever defaults happen (a loan: its
    /// interest and redemptions; the initial exchange is the lender's).
    pub(super) fn remaining(&mut self, c: ContractId, span: Span) -> Result<Vec<Decimal>, EvalError> {
        use crate::contracts::loan::EventType as T;
        let n = self.timeline.len();
        let mut dated: Vec<(i64, Decimal)> = match self.program.contracts.get(c) {
            Some(ct) if ct.terms.loan().is_some() => self
                .loan_events
                .get(c)
                .and_then(|e| e.as_ref())
                .map(|events| {
                    events
                        .iter()
                        .filter(|e| matches!(e.1, T::Ip | T::Pr | T::Md))
                        .map(|e| (e.0, round_ledger(e.2)))
                        .collect()
                })
                .unwrap_or_default(),
            Some(_) => self.contract_payments(c)?.into_iter().map(|p| (p.date.day_number(), p.amount)).collect(),
            None => Vec::new(),
        };
        dated.sort_by_key(|d| d.0);
        let mut out = vec![Decimal::ZERO; n];
        let mut acc = Decimal::ZERO;
        let mut next = dated.len();
        for t in (0..n).rev() {
            let end = self.timeline.periods.get(t).map(|p| p.end_day).unwrap_or(0);
            while next > 0 && dated.get(next - 1).is_some_and(|d| d.0 >= end) {
                next -= 1;
                acc = number::add(acc, dated.get(next).map(|d| d.1).unwrap_or_default()).map_err(|x| arith(x, span))?;
            }
            if let Some(slot) = out.get_mut(t) {
                *slot = acc;
            }
        }
        Ok(out)
    }

    /// The first and last day a contract is in force for `while C`: the whole calendar months
    /// of its first and last scheduled payment, so a contingent flow books the same months on
    /// every timeline step.
    pub(super) fn in_force(&mut self, c: ContractId) -> Result<Option<(i64, i64)>, EvalError> {
        Ok(self.term_of(c)?.map(|(a, b)| (month_start(a), month_end(b) - 1)))
    }

    /// The days of a contract's first and last scheduled payment (a loan's events, its
    /// initial exchange included): its term, for `while C`.
    fn term_of(&mut self, c: ContractId) -> Result<Option<(i64, i64)>, EvalError> {
        let days: Vec<i64> = match self.program.contracts.get(c) {
            Some(ct) if ct.terms.loan().is_some() => self
                .loan_events
                .get(c)
                .and_then(|e| e.as_ref())
                .map(|events| events.iter().map(|e| e.0).collect())
                .unwrap_or_default(),
            Some(_) => self.contract_payments(c)?.iter().map(|p| p.date.day_number()).collect(),
            None => Vec::new(),
        };
        Ok(days.iter().min().copied().zip(days.iter().max().copied()))
    }

    /// What a defaulter owes on contract `c` when it defaults in period `t` (it is the payer):
    /// the claims that replace the contract's scheduled payments of the period, or `None` when
    /// the period's payments stand (a revenue share: its future payments are not owed yet).
    ///
    /// The default date is the first day of the default period. A loan accelerates: its
    /// outstanding principal then, plus the interest accrued to then (the next interest payment
    /// pro rata to the days elapsed since the previous interest date). A take-or-pay's claim is
    /// its `termination` payment, or without one every payment scheduled from the default date
    /// on; a lease, transfer or equity commitment owes every payment from the default date on.
    fn claim_on_default(&mut self, c: ContractId, t: usize) -> Result<Option<Vec<Due>>, EvalError> {
        let Some(ct) = self.program.contracts.get(c) else { return Ok(None) };
        let Some(p) = self.timeline.periods.get(t) else { return Ok(None) };
        let day = p.first_day;
        let Some((payer, payee)) = super::contracts::parties(ct) else { return Ok(None) };
        let mk = |amount: Decimal, kind: EventKind| Due {
            event: Event {
                period: t as u32,
                from: Account::Entity(payer),
                to: Account::Entity(payee),
                amount,
                kind,
                origin: Origin::contract(c),
            },
            contract: c,
        };
        let span = ct.span;
        let claims = match &ct.terms {
            ContractTerms::Loan(_) => {
                let (outstanding, accrued) = self.loan_claim(c, day).map_err(|x| arith(x, span))?;
                vec![mk(accrued, EventKind::Interest), mk(outstanding, EventKind::Flow(FlowKind::Financing))]
            }
            ContractTerms::RevenueShare(_) | ContractTerms::Unchecked => return Ok(None),
            terms => {
                let payments = self.contract_payments(c)?;
                // no payment left: the claim is empty, whatever its kind
                let event_kind = payments.first().map(|x| x.kind).unwrap_or(EventKind::Trade);
                let termination = match terms {
                    ContractTerms::TakeOrPay(t) => match &t.termination {
                        Some(f) => Some(self.constant_money(&f.value)?),
                        None => None,
                    },
                    _ => None,
                };
                let amount = match termination {
                    Some(x) => round_ledger(x),
                    None => payments
                        .iter()
                        .filter(|x| x.date.day_number() >= day)
                        .try_fold(Decimal::ZERO, |a, x| number::add(a, x.amount))
                        .map_err(|x| arith(x, span))?,
                };
                vec![mk(amount, event_kind)]
            }
        };
        Ok(Some(claims.into_iter().filter(|d| !d.event.amount.is_zero()).collect()))
    }
}

/// The first day of the calendar month containing day `d`.
fn month_start(d: i64) -> i64 {
    let (y, m, _) = crate::calendar::from_day_number(d);
    crate::calendar::day_number(y, m, 1)
}

/// The first day of the calendar month after the one containing day `d`.
fn month_end(d: i64) -> i64 {
    let (y, m, _) = crate::calendar::from_day_number(d);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    crate::calendar::day_number(y, m, 1)
}
