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
//! **After a default**, the defaulter's contracts as payer end: a loan accelerates (its
//! outstanding principal and the interest falling due in the period become due at once), a
//! take-or-pay adds its `termination` payment, and nothing more falls due on them later. What
//! falls due unpaid is the creditor's loss (`losses(E)`), so a lender's loss is the exposure less
//! what the defaulter paid — exposure × (1 − recovery).

use super::booking::round_ledger;
use super::engine::Run;
use super::error::EvalError;
use super::ledger::{Account, Event, EventKind, Ledger, Origin};
use super::timeline::Timeline;
use crate::check::ir::{ContractId, EntityId, FlowKind};
use crate::clearing::{clear, Obligation, Policy};
use crate::number::{self, ArithError};
use crate::source::Span;
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
    pub by_entity: Vec<Decimal>,
    /// Losses on each contract.
    pub by_contract: Vec<Decimal>,
    /// The period each entity defaulted in.
    pub period_of: Vec<Option<usize>>,
}

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
    credits: Vec<Option<Credit>>,
    policies: Vec<Policy>,
}

impl Run<'_> {
    /// Evaluates every entity's credit line and default policy.
    pub(super) fn simulation_terms(&mut self) -> Result<Terms, EvalError> {
        let ne = self.program.entities.len();
        let credits = (0..ne).map(|e| self.credit_of(e)).collect::<Result<_, _>>()?;
        let policies = (0..ne).map(|e| self.policy_of(e)).collect::<Result<_, _>>()?;
        Ok(Terms { credits, policies })
    }

    fn credit_of(&mut self, e: EntityId) -> Result<Option<Credit>, EvalError> {
        let Some(ent) = self.program.entities.get(e) else { return Ok(None) };
        let Some(f) = ent.fields.get("credit_limit") else { return Ok(None) };
        let limit = super::terms::money(&f.value, self)?;
        let rate = match ent.fields.get("credit_rate") {
            Some(r) => super::terms::per_year(&r.value, self)?,
            None => Decimal::ZERO,
        };
        Ok(Some(Credit { limit, rate, drawn: Decimal::ZERO }))
    }

    fn policy_of(&mut self, e: EntityId) -> Result<Policy, EvalError> {
        let Some(ent) = self.program.entities.get(e) else { return Ok(Policy::ProRata) };
        let sym = match ent.fields.get("default").map(|f| &f.value.kind) {
            Some(crate::check::ir::TExprKind::Symbol(s)) => s.as_str(),
            _ => "pro_rata",
        };
        Ok(match sym {
            "nothing" => Policy::Nothing,
            "recovery" => {
                let r = match ent.fields.get("recovery") {
                    Some(f) => super::terms::fraction(&f.value, self)?,
                    None => Decimal::ZERO,
                };
                Policy::Recovery(r.max(Decimal::ZERO).min(Decimal::ONE))
            }
            _ => Policy::ProRata,
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
    ) -> Result<(Ledger, Vec<Vec<Decimal>>, Defaults), EvalError> {
        let n = self.timeline.len();
        let ne = self.program.entities.len();
        let nc = self.program.contracts.len();
        let mut ledger = base.clone();
        ledger.reserve(dues.len() + ne * n);
        let mut credits = terms.credits.clone();
        let policies = &terms.policies;
        let mut balances = vec![vec![Decimal::ZERO; n]; ne];
        let mut cash = vec![Decimal::ZERO; ne];
        let mut out = Defaults {
            by_entity: vec![Decimal::ZERO; ne],
            by_contract: vec![Decimal::ZERO; nc],
            period_of: vec![None; ne],
            records: Vec::new(),
        };
        // dues by period
        let mut by_period: Vec<Vec<&Due>> = vec![Vec::new(); n];
        for d in dues {
            if let Some(v) = by_period.get_mut(d.event.period as usize) {
                v.push(d);
            }
        }
        let mut ended = vec![false; nc]; // the contract's payer defaulted: nothing more falls due
        let payers: Vec<Option<EntityId>> =
            self.program.contracts.iter().map(|x| super::contracts::entity_field(x, x.spec.roles.0)).collect();
        // unpaid amounts owed to each entity so far, by (debtor, contract)
        let mut unpaid_to: Vec<std::collections::BTreeMap<(EntityId, ContractId), Decimal>> =
            vec![Default::default(); ne];
        let ck = |r: Result<Decimal, ArithError>| r.map_err(|x| arith(x, span));
        let mut accelerated = vec![false; nc]; // this period's contracts already accelerated
        for t in 0..n {
            let period = t as u32;
            // 1. own operations, already posted
            for (e, c) in cash.iter_mut().enumerate() {
                *c = ck(number::add(*c, base.changes(e).get(t).copied().unwrap_or_default()))?;
            }
            // 2. interest on drawn credit
            let weight =
                self.timeline.periods.get(t).map(|p| Timeline::month_weight(p.first_day, p.end_day, L)).unwrap_or(0);
            for e in 0..ne {
                let Some(cr) = credits.get(e).and_then(|c| c.as_ref()) else { continue };
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
            let mut obs: Vec<Due> = by_period
                .get(t)
                .into_iter()
                .flatten()
                .filter(|d| !ended.get(d.contract).copied().unwrap_or(false))
                .map(|d| (*d).clone())
                .collect();
            let mut paid: Vec<Decimal> = obs.iter().map(|d| d.event.amount).collect();
            if clearing && !obs.is_empty() {
                accelerated.fill(false);
                loop {
                    let resources: Vec<Decimal> = (0..ne)
                        .map(|e| {
                            let unused =
                                credits.get(e).and_then(|c| c.as_ref()).map(|c| c.limit - c.drawn).unwrap_or_default();
                            cash[e].checked_add(unused.max(Decimal::ZERO)).unwrap_or(cash[e])
                        })
                        .collect();
                    let list: Vec<Obligation> = obs
                        .iter()
                        .filter_map(|d| {
                            Some(Obligation {
                                debtor: d.event.from.entity()?,
                                creditor: d.event.to.entity()?,
                                amount: d.event.amount,
                            })
                        })
                        .collect();
                    let cleared = clear(&resources, policies, &list)
                        .map_err(|_| EvalError::Internal { span, what: "the clearing of a period failed".into() })?;
                    paid = cleared.paid;
                    // newly defaulted payers: accelerate their loans, add termination payments
                    let mut grew = false;
                    let newly: Vec<ContractId> = obs
                        .iter()
                        .filter(|d| d.event.from.entity().is_some_and(|e| cleared.defaulted.get(e) == Some(&true)))
                        .map(|d| d.contract)
                        .collect();
                    for contract in newly {
                        if accelerated[contract] {
                            continue;
                        }
                        accelerated[contract] = true;
                        let extra = self.due_on_default(contract, t)?;
                        if !extra.is_empty() {
                            grew = true;
                            if extra.iter().any(|e| e.replaces) {
                                obs.retain(|x| x.contract != contract);
                            }
                            obs.extend(extra.into_iter().map(|e| e.due));
                        }
                    }
                    if !grew {
                        // record defaults
                        for (e, is) in cleared.defaulted.iter().enumerate() {
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
                            let mut acc = unpaid_to.get(e).cloned().unwrap_or_default();
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
                    ledger.post(Event { amount: *p, ..d.event }).map_err(|x| arith(x, span))?;
                }
                if let (Some(a), Some(b)) = (d.event.from.entity(), d.event.to.entity()) {
                    cash[a] = ck(number::sub(cash[a], *p))?;
                    cash[b] = ck(number::add(cash[b], *p))?;
                    let unpaid = ck(number::sub(d.event.amount, *p))?;
                    if !unpaid.is_zero() {
                        let slot = unpaid_to[b].entry((a, d.contract)).or_insert(Decimal::ZERO);
                        *slot = ck(number::add(*slot, unpaid))?;
                        out.by_entity[b] = ck(number::add(out.by_entity[b], unpaid))?;
                        out.by_contract[d.contract] = ck(number::add(out.by_contract[d.contract], unpaid))?;
                    }
                }
            }
            // a defaulter's contracts as payer end
            for (end, payer) in ended.iter_mut().zip(&payers) {
                if payer.is_some_and(|p| out.period_of.get(p).copied().flatten().is_some()) {
                    *end = true;
                }
            }
            // 4. credit lines keep cash at the minimum
            for e in 0..ne {
                let min = self.min_cash_of(e);
                let Some(cr) = credits.get_mut(e).and_then(|c| c.as_mut()) else { continue };
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
                } else if cash[e] > min && cr.drawn > Decimal::ZERO {
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
        Ok((ledger, balances, out))
    }
}

/// An obligation added when a payer defaults.
pub(super) struct Extra {
    pub due: Due,
    /// It replaces the contract's scheduled obligations of the period.
    pub replaces: bool,
}

impl Run<'_> {
    /// What falls due at once when contract `c`'s payer defaults in period `t`.
    fn due_on_default(&mut self, c: ContractId, t: usize) -> Result<Vec<Extra>, EvalError> {
        let Some(ct) = self.program.contracts.get(c) else { return Ok(vec![]) };
        let period = t as u32;
        let origin = Origin::contract(c);
        match ct.spec.kind {
            "loan" => {
                let Some((outstanding, interest)) = self.loan_exposure(c, t) else { return Ok(vec![]) };
                let (Some(borrower), Some(lender)) =
                    (super::contracts::entity_field(ct, "borrower"), super::contracts::entity_field(ct, "lender"))
                else {
                    return Ok(vec![]);
                };
                let mk = |amount: Decimal, kind: EventKind| Extra {
                    due: Due {
                        event: Event {
                            period,
                            from: Account::Entity(borrower),
                            to: Account::Entity(lender),
                            amount,
                            kind,
                            origin,
                        },
                        contract: c,
                    },
                    replaces: true,
                };
                let mut v = Vec::new();
                if !interest.is_zero() {
                    v.push(mk(interest, EventKind::Interest));
                }
                if !outstanding.is_zero() {
                    v.push(mk(outstanding, EventKind::Flow(FlowKind::Financing)));
                }
                Ok(v)
            }
            "take_or_pay" => {
                let Some(f) = ct.fields.get("termination") else { return Ok(vec![]) };
                let amount = round_ledger(super::terms::money(&f.value, self)?);
                let (Some(buyer), Some(seller)) =
                    (super::contracts::entity_field(ct, "buyer"), super::contracts::entity_field(ct, "seller"))
                else {
                    return Ok(vec![]);
                };
                if amount.is_zero() {
                    return Ok(vec![]);
                }
                Ok(vec![Extra {
                    due: Due {
                        event: Event {
                            period,
                            from: Account::Entity(buyer),
                            to: Account::Entity(seller),
                            amount,
                            kind: EventKind::Trade,
                            origin,
                        },
                        contract: c,
                    },
                    replaces: false,
                }])
            }
            _ => Ok(vec![]),
        }
    }
}
