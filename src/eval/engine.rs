//! Running a scenario: definitions, flows and entities over the timeline, into a ledger.
//!
//! Entry point: [`run_scenario`]. Every expression is evaluated for the whole timeline at once
//! ([`Series`]); definitions and flows are evaluated once each, on first use (their slots are
//! indices from the checker: no name lookups in the period loop). The books are reconciled
//! independently at the end of every run (an incremental re-run, `eval::incremental`,
//! reconciles the entities it posts again and copies the others' reconciled books).

use super::booking::{self, basis_of, book_amounts, book_rate, round_ledger};
use super::error::EvalError;
use super::ledger::{Account, Event, EventKind, Ledger, Origin, Route};
use super::series::{Series, SeriesError, Values};
use super::timeline::Timeline;
use crate::check::ir::*;
use crate::check::options::{scenario_default, Rounding};
use crate::check::typed::Valued;
use crate::check::{Shape, Type};
use crate::number::{self, ArithError};
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Direction, PeriodValue};
use crate::units::{Registry, Unit, UnitId};
use rust_decimal::Decimal;

/// A value during a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// A quantity over the timeline, with its shape.
    S(Series, Shape),
    /// An uncertain quantity: low, high and point.
    Uncertain(Series, Series, Series),
    /// A period.
    Period(PeriodValue),
    /// No period (`runway` of an entity whose cash never runs out).
    Never,
    /// A day interval `[first, end)`.
    Range(i64, i64),
    /// An entity.
    Entity(EntityId),
    /// A contract.
    Contract(ContractId),
    /// An option word.
    Symbol(String),
    /// A string.
    Text(String),
}

/// A loan event kept for acceleration: day number, type, payoff and notional after.
pub(super) type LoanLine = (i64, crate::contracts::loan::EventType, Decimal, Decimal);

/// A running scenario.
pub struct Run<'a> {
    /// The program.
    pub program: &'a Program,
    /// Its units.
    pub reg: &'a Registry,
    /// The scenario's name.
    pub scenario: String,
    /// The timeline.
    pub timeline: Timeline,
    /// The ledger currency.
    pub money: UnitId,
    /// How text reports round.
    pub rounding: number::Rounding,
    pub(super) defs: IdVec<DefId, &'a TExpr>,
    pub(super) def_values: IdVec<DefId, Option<Val>>,
    pub(super) def_busy: IdVec<DefId, bool>,
    pub(super) flow_amounts: IdVec<FlowId, Option<super::amounts::Amounts>>,
    /// Whether a flow's amounts are kept once posted (`false`: a run read once, see
    /// [`run_scenario_once`]; amounts that something else reads are kept either way).
    pub(super) keep_posted: bool,
    pub(super) flow_busy: IdVec<FlowId, bool>,
    /// The ledger.
    pub ledger: Ledger,
    /// Depreciation booked per entity and period.
    pub(super) depreciation: IdVec<EntityId, Vec<Decimal>>,
    /// Each entity's minimum cash.
    pub(super) min_cash: IdVec<EntityId, Decimal>,
    /// What the evaluator may read now (see [`Phase`]).
    pub(super) phase: Phase,
    /// Each entity's drawn credit line at each period's end.
    pub(super) credit: IdVec<EntityId, Vec<Decimal>>,
    /// Obligations between entities that the contracts schedule.
    pub(super) dues: Vec<super::defaults::Due>,
    /// Each loan's events, in the ledger currency.
    pub(super) loan_events: IdVec<ContractId, Option<Vec<LoanLine>>>,
    /// Each loan's interest accrued per period, the borrower's expense (see accrual.rs).
    pub(super) loan_accruals: IdVec<ContractId, Option<Vec<Decimal>>>,
    /// The full-payment path, when it differs from the cleared one (someone defaulted).
    pub(super) full_ledger: Option<Ledger>,
    /// What the cleared path found.
    pub defaults: super::defaults::Defaults,
    /// The scenario declaration (for diagnostics of the run as a whole).
    pub(super) scenario_span: Span,
    /// The draws of a sampled run (`aifin sample`), by the span of each uncertain node.
    pub(super) draws: Option<std::sync::Arc<super::uncertain::Draws>>,
}

/// The phase of an evaluator, which says what it may read. One value, not two flags: a
/// constants-only evaluator is never posting, and a run's phases only move forward
/// (`Posting` → `Complete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// [`Run::constants`]: no timeline, so only constants can be evaluated.
    Constants,
    /// Opening balances and flows are being posted: the ledger is incomplete, so nothing may
    /// read it (a flow that reads cash is circular).
    Posting,
    /// The books are complete: anything may be read.
    Complete,
}

fn series_err(e: SeriesError, span: Span) -> EvalError {
    EvalError::arith(e.error, span)
}

fn arith(e: ArithError, span: Span) -> EvalError {
    EvalError::arith(e, span)
}

/// Finds the scenario to run and its chain of bases (base first).
pub(super) fn scenario_chain<'p>(program: &'p Program, name: Option<&str>) -> Result<Vec<&'p ScenarioIr>, EvalError> {
    let chosen = match name {
        Some(n) => program.scenarios.iter().find(|s| s.name == n).ok_or_else(|| EvalError::UnknownScenario {
            name: n.to_string(),
            known: program.scenarios.iter().map(|s| s.name.clone()).collect(),
        })?,
        None => program.scenarios.first().ok_or(EvalError::NoTimeline { span: None })?,
    };
    let mut chain = vec![chosen];
    let mut cur = chosen;
    while let Some(b) = &cur.extends {
        match program.scenarios.iter().find(|s| &s.name == b) {
            Some(s) if chain.len() <= program.scenarios.len() => {
                chain.push(s);
                cur = s;
            }
            _ => break,
        }
    }
    chain.reverse();
    Ok(chain)
}

/// Runs one scenario of a checked program (the first declared when `name` is `None`).
pub fn run_scenario<'a>(program: &'a Program, name: Option<&str>) -> Result<Run<'a>, EvalError> {
    run_scenario_with(program, name, None)
}

/// [`run_scenario`] for a run that is read once and dropped (`aifin run`'s reports and
/// claims): the amounts a flow posts are not kept beside the ledger (10,000 flows over 120
/// months hold ~11 MB) unless something else reads them (another flow, a contract, the
/// simulation); a report or claim that reads a flow afterwards books it again, to the same
/// amounts. The REPL's runs keep them: an incremental re-run reuses them.
pub fn run_scenario_once<'a>(program: &'a Program, name: Option<&str>) -> Result<Run<'a>, EvalError> {
    run_scenario_seeded(program, name, None, Some(&|run: &mut Run<'a>| run.keep_posted = false))
}

/// [`run_scenario`], with every uncertain node that `draws` holds replaced by its draw.
pub(super) fn run_scenario_with<'a>(
    program: &'a Program,
    name: Option<&str>,
    draws: Option<std::sync::Arc<super::uncertain::Draws>>,
) -> Result<Run<'a>, EvalError> {
    run_scenario_seeded(program, name, draws, None)
}

/// A run of scenario `name` (the first declared when `None`) set up with nothing posted yet.
pub(super) fn prepare<'a>(
    program: &'a Program,
    name: Option<&str>,
    draws: Option<std::sync::Arc<super::uncertain::Draws>>,
) -> Result<Run<'a>, EvalError> {
    let chain = scenario_chain(program, name)?;
    let last = chain.last().ok_or(EvalError::NoTimeline { span: None })?;
    let (scenario_span, scenario) = (last.span, last.name.clone());
    let timeline_ir =
        chain.iter().rev().find_map(|s| s.timeline).ok_or(EvalError::NoTimeline { span: Some(scenario_span) })?;
    let timeline = Timeline::new(&timeline_ir).ok_or(EvalError::Limit {
        span: scenario_span,
        what: format!("a timeline may have at most {} periods", super::timeline::MAX_PERIODS),
    })?;
    let reg = &program.registry;
    let money = match chain.iter().rev().find_map(|s| s.currency) {
        Some(c) => c,
        None => reg
            .lookup(scenario_default::CURRENCY)
            .ok_or(EvalError::Internal { span: scenario_span, what: "std/units has no default currency".into() })?,
    };
    let rounding = rule(chain.iter().rev().find_map(|s| s.rounding).unwrap_or(scenario_default::ROUNDING));
    let defs = scenario_defs(program, &chain);
    let mut run = Run::new(program, scenario, timeline, money, rounding, defs, scenario_span);
    run.draws = draws;
    Ok(run)
}

/// The arithmetic's rounding for a scenario's rule.
fn rule(r: Rounding) -> number::Rounding {
    match r {
        Rounding::HalfUp => number::Rounding::HalfUp,
        Rounding::None => number::Rounding::None,
        Rounding::Banker => number::Rounding::Banker,
    }
}

/// The constant value of definition `id` in scenario `name` (the first declared when `None`):
/// the program's expression overridden along the scenario chain, evaluated with the
/// scenario's definitions and nothing posted (what `:solve` shows as a driver's value now).
/// Whatever needs the books is [`EvalError::NotConstant`].
pub fn definition_in(program: &Program, name: Option<&str>, id: DefId) -> Result<super::Value, EvalError> {
    let mut run = prepare(program, name, None)?;
    run.phase = Phase::Constants;
    let Some(e) = run.defs.get(id).copied() else {
        return Err(EvalError::Internal { span: run.scenario_span, what: "no such definition".into() });
    };
    run.constant(e)
}

/// [`run_scenario_with`], with `seed` called on the run before anything is posted (the
/// REPL's incremental re-run fills in values that did not change: `eval::incremental`).
pub(super) fn run_scenario_seeded<'a>(
    program: &'a Program,
    name: Option<&str>,
    draws: Option<std::sync::Arc<super::uncertain::Draws>>,
    seed: Option<&dyn Fn(&mut Run<'a>)>,
) -> Result<Run<'a>, EvalError> {
    let mut run = prepare(program, name, draws)?;
    if let Some(seed) = seed {
        seed(&mut run);
    }
    run.post_all()?;
    run.ledger.reconcile().map_err(|what| EvalError::Internal { span: run.scenario_span, what })?;
    Ok(run)
}

/// The expression of every definition in a scenario: the program's, overridden along the chain.
pub(super) fn scenario_defs<'p>(program: &'p Program, chain: &[&'p ScenarioIr]) -> IdVec<DefId, &'p TExpr> {
    let mut defs = program.definitions.map(|d| &d.value);
    for s in chain {
        for (id, e) in &s.overrides {
            if let Some(slot) = defs.get_mut(*id) {
                *slot = e;
            }
        }
    }
    defs
}

impl<'a> Run<'a> {
    pub(super) fn new(
        program: &'a Program,
        scenario: String,
        timeline: Timeline,
        money: UnitId,
        rounding: number::Rounding,
        defs: IdVec<DefId, &'a TExpr>,
        scenario_span: Span,
    ) -> Run<'a> {
        let (n, n_entities) = (timeline.len(), program.entities.len());
        let (def_values, def_busy) = (defs.map(|_| None), defs.map(|_| false));
        Run {
            program,
            reg: &program.registry,
            scenario,
            timeline,
            money,
            rounding,
            defs,
            def_values,
            def_busy,
            flow_amounts: program.flows.map(|_| None),
            keep_posted: true,
            flow_busy: program.flows.map(|_| false),
            ledger: Ledger::new(n_entities, n),
            depreciation: program.entities.map(|_| vec![Decimal::ZERO; n]),
            min_cash: program.entities.map(|_| Decimal::ZERO),
            phase: Phase::Complete,
            credit: program.entities.map(|_| Vec::new()),
            dues: Vec::new(),
            loan_events: program.contracts.map(|_| None),
            loan_accruals: program.contracts.map(|_| None),
            full_ledger: None,
            defaults: super::defaults::Defaults::default(),
            scenario_span,
            draws: None,
        }
    }

    /// An evaluator of constants outside any scenario: the program's own definitions, no
    /// timeline, no books. Whatever needs a scenario is [`EvalError::NotConstant`]; `span` is
    /// what the evaluation is for (for diagnostics of the evaluator as a whole).
    pub fn constants(program: &'a Program, span: Span) -> Result<Run<'a>, EvalError> {
        let money = program
            .registry
            .lookup(scenario_default::CURRENCY)
            .ok_or(EvalError::Internal { span, what: "std/units has no default currency".into() })?;
        let defs = program.definitions.map(|d| &d.value);
        let timeline = Timeline { step: crate::syntax::ast::Step::Yearly, periods: Vec::new() };
        let mut run = Run::new(program, String::new(), timeline, money, rule(scenario_default::ROUNDING), defs, span);
        run.phase = Phase::Constants;
        Ok(run)
    }

    /// The values of a series `e` on single days, in `unit` (a floating-rate loan's rate at its
    /// reset observations): the run's own definitions, so a scenario's overrides of the curves
    /// apply, on a timeline of just those days.
    pub fn values_on_days(&self, e: &TExpr, days: &[i64], unit: &Unit) -> Result<Vec<Decimal>, EvalError> {
        let spans: Vec<(i64, i64)> = days.iter().map(|&n| (n, n + 1)).collect();
        self.values_on_periods(e, &spans, unit, crate::syntax::ast::Step::Daily)
    }

    /// The values of a series `e` over periods of days `[first, end)` of the run's own choosing
    /// (a lease's payment cycles), in `unit`: the run's own definitions on a timeline of just
    /// those periods, so a curve takes each period's own value whatever the run's step.
    pub fn values_on_periods(
        &self,
        e: &TExpr,
        spans: &[(i64, i64)],
        unit: &Unit,
        step: crate::syntax::ast::Step,
    ) -> Result<Vec<Decimal>, EvalError> {
        let periods = spans
            .iter()
            .map(|&(a, b)| {
                let (d, l) = (super::timeline::date_of_day(a), super::timeline::date_of_day(b.max(a + 1) - 1));
                super::timeline::Period { start: (d.y, d.m, d.d), end: (l.y, l.m, l.d), first_day: a, end_day: b }
            })
            .collect();
        let timeline = Timeline { step, periods };
        let mut sub = Run::new(
            self.program,
            self.scenario.clone(),
            timeline,
            self.money,
            self.rounding,
            self.defs.clone(),
            e.span,
        );
        let s = sub.series(e)?.convert(unit, self.reg).map_err(|x| series_err(x, e.span))?;
        Ok((0..spans.len()).map(|i| s.get(i)).collect())
    }

    /// Evaluates an expression that has one value (not a series): a constant of the run.
    pub fn constant(&mut self, e: &TExpr) -> Result<super::Value, EvalError> {
        use super::Value;
        let not_constant = |what: &str| EvalError::NotConstant { span: e.span, what: what.to_string() };
        if let Some(shape) = e.ty.shape() {
            if shape != Shape::Constant {
                return Err(not_constant(shape.describe()));
            }
        }
        match &e.ty {
            Type::Entity => return Err(not_constant("an entity")),
            Type::Contract => return Err(not_constant("a contract")),
            Type::Table => return Err(not_constant("a report table")),
            _ => {}
        }
        let q = |s: Series| crate::units::Quantity::new(s.get(0), s.unit);
        match self.value(e)? {
            Val::S(s, _) => Ok(Value::Quantity(q(s))),
            Val::Uncertain(l, h, p) => Ok(Value::Uncertain { low: q(l), high: q(h), point: q(p) }),
            Val::Period(p) => Ok(Value::Period(p)),
            Val::Text(t) => Ok(Value::Text(t)),
            _ => Err(not_constant("a value that needs a scenario")),
        }
    }

    pub(super) fn n(&self) -> usize {
        self.timeline.len()
    }

    /// The scenario's declaration (where a diagnostic of the run as a whole points).
    pub fn scenario_span(&self) -> Span {
        self.scenario_span
    }

    /// Periods in the timeline.
    pub fn n_periods(&self) -> usize {
        self.timeline.len()
    }

    /// Records an entity's drawn credit line per period.
    pub fn set_credit_balance(&mut self, e: EntityId, balances: Vec<Decimal>) {
        if let Some(slot) = self.credit.get_mut(e) {
            *slot = balances;
        }
    }

    /// Posts opening balances and every flow.
    fn post_all(&mut self) -> Result<(), EvalError> {
        self.phase = Phase::Posting;
        let r = self.post_everything();
        self.phase = Phase::Complete;
        r
    }

    fn post_everything(&mut self) -> Result<(), EvalError> {
        // room for what the flows can post: one event for a dated amount, one per period of
        // the window for a rate (reserving every flow × period would hold ~40% more for this)
        let flow_events: usize = self
            .program
            .flows
            .iter()
            .map(|f| {
                if f.on.is_some() {
                    return 1;
                }
                let first = f.from.map(|p| Timeline::span_of(p).0).unwrap_or(i64::MIN);
                let end = f.to.map(|p| Timeline::span_of(p).1).unwrap_or(i64::MAX);
                self.timeline.indices_overlapping(first, end).len()
            })
            .sum();
        self.ledger.reserve(self.program.entities.len() + flow_events);
        for eid in self.program.entities.ids() {
            self.post_opening(eid)?;
        }
        for fid in self.program.flows.ids() {
            self.post_flow(fid)?;
        }
        for cid in self.program.contracts.ids() {
            if self.program.contracts.get(cid).is_some_and(|c| c.terms.loan().is_some()) {
                self.post_loan(cid)?;
            } else {
                self.post_contract(cid)?;
            }
        }
        // a contingent flow brings forward only what it booked while its condition held: a
        // `while C` flow inside C's term (known once the contracts are scheduled)
        for fid in self.program.flows.ids() {
            if self.program.flows.get(fid).is_some_and(|f| f.contingent.is_some()) {
                self.bring_forward_flow(fid)?;
            }
        }
        let has_credit = self.program.entities.iter().any(|e| e.terms.credit_limit.is_some());
        let has_contingent = self.program.flows.iter().any(|f| f.contingent.is_some());
        if self.dues.is_empty() && !has_credit && !has_contingent {
            return Ok(()); // own operations only: the ledger is complete
        }
        let base = self.ledger.clone();
        let dues = std::mem::take(&mut self.dues);
        let span = self.scenario_span;
        let terms = self.simulation_terms()?;
        let (full, full_credit, _) = self.simulate(&base, &dues, &terms, false, span)?;
        self.ledger = full;
        self.credit = full_credit;
        if !dues.is_empty() {
            let (cleared, credit, defaults) = self.simulate(&base, &dues, &terms, true, span)?;
            if !defaults.records.is_empty() {
                self.full_ledger = Some(std::mem::replace(&mut self.ledger, cleared));
                self.credit = credit;
            }
            self.defaults = defaults;
            self.stop_depreciation();
        }
        self.dues = dues;
        Ok(())
    }

    /// Posts an entity's opening cash and records its minimum cash.
    pub(super) fn post_opening(&mut self, eid: EntityId) -> Result<(), EvalError> {
        let n = self.n();
        let Some(e) = self.program.entities.get(eid) else {
            return Err(EvalError::internal(self.scenario_span, "an entity the program does not declare"));
        };
        let v = match &e.terms.min_cash {
            Valued::Given(f) => self.constant_money(&f.value)?,
            Valued::Default(c) => super::terms::constant_number(*c, e.span)?,
        };
        if let Some(slot) = self.min_cash.get_mut(eid) {
            *slot = v;
        }
        if let Some(f) = &e.terms.cash {
            let v = self.constant_money(&f.value)?;
            // dated before the timeline: brought forward into the first period
            let before = f.date.is_some_and(|d| Timeline::span_of(d).0 < self.timeline_start());
            let period = match f.date {
                Some(_) if before => Some(0),
                Some(d) => self.timeline.index_of_day(Timeline::span_of(d).0),
                None => Some(0),
            };
            if let Some(p) = period.filter(|p| *p < n) {
                let ev = Event {
                    period: p as u32,
                    from: Account::World,
                    to: Account::Entity(eid),
                    amount: round_ledger(v),
                    kind: EventKind::Opening,
                    origin: Origin::opening(eid),
                };
                self.ledger.post(ev).map_err(|x| arith(x, f.span))?;
            }
        }
        Ok(())
    }

    /// Posts a flow's amounts (a contingent flow's are booked by the simulation), what it
    /// moved before the timeline, and the depreciation of capex.
    pub(super) fn post_flow(&mut self, fid: FlowId) -> Result<(), EvalError> {
        let Some(f) = self.program.flows.get(fid) else { return Ok(()) };
        // a contingent flow's amounts are read again by the simulation: kept
        let keep = self.keep_posted || f.contingent.is_some();
        let amounts = self.flow_kept(fid, keep)?;
        if f.kind == FlowKind::Capex {
            self.depreciate(fid, &amounts)?;
        }
        if f.contingent.is_some() {
            return Ok(()); // booked by the simulation, while its condition holds (brought forward below)
        }
        self.bring_forward_flow(fid)?;
        let (from, to) = match f.direction {
            Direction::In => (Account::World, Account::Entity(f.entity)),
            Direction::Out => (Account::Entity(f.entity), Account::World),
        };
        let route = Route { from, to, kind: EventKind::Flow(f.kind), origin: Origin::flow(fid) };
        self.ledger.post_periods(route, &amounts).map_err(|x| arith(x, f.span))
    }

    /// Queues an obligation between entities for the simulation.
    pub(super) fn push_due(&mut self, due: super::defaults::Due) {
        self.dues.push(due);
    }

    /// The first day of the timeline.
    pub(super) fn timeline_start(&self) -> i64 {
        self.timeline.periods.first().map(|p| p.first_day).unwrap_or(0)
    }

    /// Posts a movement dated before the timeline as part of the opening balances: in the
    /// first period, of kind opening (neither profit nor financing of that period), not cleared.
    pub(super) fn bring_forward(
        &mut self,
        from: Account,
        to: Account,
        amount: Decimal,
        origin: Origin,
        span: Span,
    ) -> Result<(), EvalError> {
        if amount.is_zero() || self.timeline.is_empty() {
            return Ok(());
        }
        let ev = Event { period: 0, from, to, amount, kind: EventKind::Opening, origin };
        self.ledger.post(ev).map_err(|x| arith(x, span))
    }

    /// What a flow moved before the timeline (a dated amount, or a rate from a `from` before
    /// the timeline's start, at its first period's value) arrives as an opening balance; capex
    /// spent then goes on depreciating inside the timeline.
    fn bring_forward_flow(&mut self, fid: FlowId) -> Result<(), EvalError> {
        let Some(f) = self.program.flows.get(fid) else { return Ok(()) };
        let span = f.value.span;
        let clip = match f.contingent {
            Some(Contingency::While(k)) => match self.in_force(k)? {
                Some((a, b)) => (a, b + 1),
                None => return Ok(()),
            },
            _ => (i64::MIN, i64::MAX),
        };
        let spends = self.flow_before_timeline(fid, clip)?;
        if spends.is_empty() {
            return Ok(());
        }
        let (from, to) = match f.direction {
            Direction::In => (Account::World, Account::Entity(f.entity)),
            Direction::Out => (Account::Entity(f.entity), Account::World),
        };
        let total = spends.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, x.1)).map_err(|x| arith(x, span))?;
        self.bring_forward(from, to, round_ledger(total), Origin::flow(fid), f.span)?;
        if f.kind == FlowKind::Capex {
            if let Some(life) = &f.life {
                self.depreciate_spends(f.entity, &spends, life, f.span)?;
            }
        }
        Ok(())
    }

    /// What a flow books before the timeline inside the day interval `clip`, month by month:
    /// a dated amount on its day, or a rate from its `from` (at its first period's value) with
    /// cumulative rounding from the start of the overlap — so capex depreciates from the month
    /// it was spent in and the total is what a longer run books there.
    pub(super) fn flow_before_timeline(
        &mut self,
        fid: FlowId,
        (c0, c1): (i64, i64),
    ) -> Result<Vec<(i64, Decimal)>, EvalError> {
        let Some(f) = self.program.flows.get(fid) else { return Ok(vec![]) };
        let t0 = self.timeline_start();
        // only a dated amount or a rate's `from` before the timeline books anything here: no
        // need to evaluate the value of any other flow again
        let before = |p: Option<PeriodValue>| p.is_some_and(|p| Timeline::span_of(p).0 < t0);
        if !before(f.on) && !before(f.from) {
            return Ok(vec![]);
        }
        let span = f.value.span;
        let series = match self.value(&f.value)? {
            Val::S(s, _) | Val::Uncertain(_, _, s) => s,
            _ => return Err(EvalError::Internal { span, what: "a flow value that is not a quantity".into() }),
        };
        let money = Unit::named(self.money);
        if self.reg.dimension(&series.unit) == self.reg.dimension(&money) {
            let inside = |d: &i64| *d < t0 && (c0..c1).contains(d);
            let Some(day) = f.on.map(|d| Timeline::span_of(d).0).filter(inside) else { return Ok(vec![]) };
            let v = round_ledger(series.convert(&money, self.reg).map_err(|x| series_err(x, span))?.get(0));
            return Ok(vec![(day, v)]);
        }
        let Some(first) = f.from.map(|p| Timeline::span_of(p).0.max(c0)).filter(|d| *d < t0) else { return Ok(vec![]) };
        let end = f.to.map(|p| Timeline::span_of(p).1).unwrap_or(t0).min(t0).min(c1);
        if end <= first {
            return Ok(vec![]);
        }
        let Some((basis, target)) = basis_of(&series.unit, self.reg, self.money) else { return Ok(vec![]) };
        let s = series.convert(&target, self.reg).map_err(|x| series_err(x, span))?;
        let s = Series::constant(s.get(0), s.unit);
        self.rate_by_month(&s, basis, (first, end), span)
    }

    /// What a loan's borrower owes if it defaults on day `day` (see
    /// [`super::defaults`]): the principal outstanding after every event before that day, and
    /// the interest accrued to it — the next interest payment pro rata to the days elapsed
    /// since the previous interest date (the last interest payment, capitalization or the
    /// initial exchange), all of it if there is none. Nothing before the initial exchange.
    pub(super) fn loan_claim(&self, c: ContractId, day: i64) -> Result<(Decimal, Decimal), ArithError> {
        use crate::contracts::loan::EventType as T;
        let Some(events) = self.loan_events.get(c).and_then(|e| e.as_ref()) else {
            return Ok((Decimal::ZERO, Decimal::ZERO));
        };
        let mut outstanding = Decimal::ZERO;
        let mut since = None;
        for (d, kind, _, notional) in events.iter().filter(|e| e.0 < day) {
            outstanding = *notional;
            if matches!(kind, T::Ip | T::Ipci | T::Ied) {
                since = Some(*d);
            }
        }
        if outstanding.is_zero() {
            return Ok((Decimal::ZERO, Decimal::ZERO));
        }
        let next = events.iter().find(|e| e.0 >= day && e.1 == T::Ip);
        let accrued = match (next, since) {
            (None, _) => Decimal::ZERO,
            (Some(n), None) => n.2,
            (Some(n), Some(a)) if n.0 > a => {
                number::div(number::mul(n.2, Decimal::from(day - a))?, Decimal::from(n.0 - a))?
            }
            (Some(n), Some(_)) => n.2,
        };
        Ok((round_ledger(outstanding.abs()), round_ledger(accrued)))
    }

    /// Posts a loan's events that fall in the timeline: the initial exchange from lender to
    /// borrower (financing), interest payments as interest, redemptions and maturity as
    /// financing back to the lender. Capitalization and fixing events move no cash.
    fn post_loan(&mut self, cid: ContractId) -> Result<(), EvalError> {
        let Some(c) = self.program.contracts.get(cid) else { return Ok(()) };
        let Some(loan) = c.terms.loan() else { return Ok(()) };
        let (lender, borrower) = (loan.lender, loan.borrower);
        let mut terms = super::terms::loan_terms(loan, c.span, self)?;
        terms.role_sign = Decimal::ONE; // the ledger posts from the lender's side
        let currency = super::terms::currency_of(&loan.principal.value, self)?;
        let ratio = self.reg.ratio(currency, self.money).map_err(|x| arith(x, c.span))?;
        let events = crate::contracts::loan::schedule(&terms).map_err(|e| match e {
            crate::contracts::loan::LoanError::Arith(a) => arith(a, c.span),
            crate::contracts::loan::LoanError::Terms(what) => EvalError::ContractTerms { span: c.span, what },
        })?;
        let mut stored = Vec::with_capacity(events.len());
        for ev in &events {
            let payoff = ratio.apply(ev.payoff.abs()).map_err(|x| arith(x, c.span))?;
            let notional = ratio.apply(ev.notional).map_err(|x| arith(x, c.span))?;
            stored.push((ev.date.day_number(), ev.kind, payoff, notional));
        }
        if let Some(slot) = self.loan_events.get_mut(cid) {
            *slot = Some(stored);
        }
        let accrued =
            super::accrual::accrual(&events, &self.timeline, |x| ratio.apply(x)).map_err(|x| arith(x, c.span))?;
        if let Some(slot) = self.loan_accruals.get_mut(cid) {
            *slot = Some(accrued);
        }
        use crate::contracts::loan::EventType as T;
        // cumulative rounding per kind of payment, so that e.g. the redemptions add up to the
        // principal exactly (see booking.rs)
        let mut exact = [Decimal::ZERO; 3];
        let mut booked = [Decimal::ZERO; 3];
        let t0 = self.timeline_start();
        for ev in events {
            let before = ev.date.day_number() < t0;
            let Some(p) = (if before { Some(0) } else { self.timeline.index_of_day(ev.date.day_number()) }) else {
                continue;
            };
            let (from, to, kind, slot) = match ev.kind {
                T::Ied | T::Pi => {
                    (Account::Entity(lender), Account::Entity(borrower), EventKind::Flow(FlowKind::Financing), 0)
                }
                T::Ip => (Account::Entity(borrower), Account::Entity(lender), EventKind::Interest, 1),
                T::Pr | T::Md => {
                    (Account::Entity(borrower), Account::Entity(lender), EventKind::Flow(FlowKind::Financing), 2)
                }
                // a purchase or termination is a trade with a third party, not between the two
                T::Ipci | T::Prf | T::Rr | T::Rrf | T::Ipcb | T::Sc | T::Prd | T::Td => continue,
            };
            // the lender's payoff, signed so that the usual direction is positive (the lender
            // pays out at IED and PI): an interest payment at a negative rate is negative, and
            // the lender pays it
            let signed = if matches!(ev.kind, T::Ied | T::Pi) { -ev.payoff } else { ev.payoff };
            let value = ratio.apply(signed).map_err(|x| arith(x, c.span))?;
            exact[slot] = number::add(exact[slot], value).map_err(|x| arith(x, c.span))?;
            let total = booking::in_ledger(round_ledger(exact[slot])).map_err(|x| arith(x, c.span))?;
            let amount = number::sub(total, booked[slot]).map_err(|x| arith(x, c.span))?;
            booked[slot] = total;
            let (from, to, amount) = if amount < Decimal::ZERO { (to, from, -amount) } else { (from, to, amount) };
            if before {
                // before the timeline: part of the opening balances, not cleared
                self.bring_forward(from, to, amount, Origin::contract(cid), c.span)?;
                continue;
            }
            let event = Event { period: p as u32, from, to, amount, kind, origin: Origin::contract(cid) };
            self.dues.push(super::defaults::Due { event, contract: cid });
        }
        Ok(())
    }

    /// A money term's value in the ledger's currency (a range's point): opening and minimum
    /// cash, a contract's amounts, a credit limit, a take-or-pay termination.
    pub(super) fn constant_money(&mut self, e: &TExpr) -> Result<Decimal, EvalError> {
        match self.value(e)? {
            Val::S(s, _) => {
                Ok(s.convert(&Unit::named(self.money), self.reg).map_err(|x| series_err(x, e.span))?.get(0))
            }
            Val::Uncertain(_, _, p) => {
                Ok(p.convert(&Unit::named(self.money), self.reg).map_err(|x| series_err(x, e.span))?.get(0))
            }
            _ => Err(EvalError::Internal { span: e.span, what: "an amount of money was expected".into() }),
        }
    }

    /// The amounts a flow books in each period (positive; the direction is the flow's).
    pub fn flow(&mut self, fid: FlowId) -> Result<Vec<Decimal>, EvalError> {
        self.flow_kept(fid, true)
    }

    /// [`Run::flow`], keeping the amounts for the next reader only when `keep`.
    fn flow_kept(&mut self, fid: FlowId, keep: bool) -> Result<Vec<Decimal>, EvalError> {
        if let Some(Some(a)) = self.flow_amounts.get(fid) {
            return Ok(a.to_vec());
        }
        let Some(f) = self.program.flows.get(fid) else { return Ok(vec![]) };
        super::interrupt::check(f.span)?;
        if self.flow_busy.get(fid).copied().unwrap_or(false) {
            return Err(EvalError::Circular {
                span: f.span,
                what: format!("the flow `{}` depends on its own amounts", f.name),
            });
        }
        if let Some(b) = self.flow_busy.get_mut(fid) {
            *b = true;
        }
        let amounts = self.book_flow(f, None);
        if let Some(b) = self.flow_busy.get_mut(fid) {
            *b = false;
        }
        let amounts = amounts?;
        if keep {
            if let Some(slot) = self.flow_amounts.get_mut(fid) {
                *slot = Some(super::amounts::Amounts::new(&amounts));
            }
        }
        Ok(amounts)
    }

    /// The amounts a flow books inside the day interval `[first, end)` only (a revenue share's
    /// `over`): a rate booked over the overlap of its window with the interval, a dated amount
    /// if its day is inside, and a period's amount by the share of its days inside.
    pub(super) fn flow_within(&mut self, fid: FlowId, clip: (i64, i64)) -> Result<Vec<Decimal>, EvalError> {
        let Some(f) = self.program.flows.get(fid) else { return Ok(vec![]) };
        if self.flow_busy.get(fid).copied().unwrap_or(false) {
            return Err(EvalError::Circular {
                span: f.span,
                what: format!("the flow `{}` depends on its own amounts", f.name),
            });
        }
        if let Some(b) = self.flow_busy.get_mut(fid) {
            *b = true;
        }
        let amounts = self.book_flow(f, Some(clip));
        if let Some(b) = self.flow_busy.get_mut(fid) {
            *b = false;
        }
        amounts
    }

    fn book_flow(&mut self, f: &'a FlowIr, clip: Option<(i64, i64)>) -> Result<Vec<Decimal>, EvalError> {
        let n = self.n();
        let span = f.value.span;
        let series = match self.value(&f.value)? {
            Val::S(s, _) => s,
            Val::Uncertain(_, _, p) => p,
            _ => return Err(EvalError::Internal { span, what: "a flow value that is not a quantity".into() }),
        };
        let (t0, t1) = (
            self.timeline.periods.first().map(|p| p.first_day).unwrap_or(0),
            self.timeline.periods.last().map(|p| p.end_day).unwrap_or(0),
        );
        // (a rate from before the timeline starts its running total there: see book_rate)
        let (c0, c1) = clip.unwrap_or((i64::MIN, i64::MAX));
        let first = f.from.map(|p| Timeline::span_of(p).0).unwrap_or(t0).max(c0);
        let end = f.to.map(|p| Timeline::span_of(p).1).unwrap_or(t1).min(c1);
        let money = Unit::named(self.money);
        let dim = self.reg.dimension(&series.unit);
        if dim == self.reg.dimension(&money) {
            let s = series.convert(&money, self.reg).map_err(|x| series_err(x, span))?;
            if let Some(on) = f.on {
                let mut out = vec![Decimal::ZERO; n];
                let day = Timeline::span_of(on).0;
                if let Some(p) = self.timeline.index_of_day(day).filter(|_| (c0..c1).contains(&day)) {
                    if let Some(slot) = out.get_mut(p) {
                        *slot = round_ledger(s.get(p));
                    }
                }
                return Ok(out);
            }
            // a flow of amounts, restricted to its window
            let window = self.timeline.indices_overlapping(first, end);
            let mut vals = vec![Decimal::ZERO; n];
            for i in window {
                let (Some(slot), Some(p)) = (vals.get_mut(i), self.timeline.periods.get(i)) else { continue };
                let inside = p.end_day.min(c1) - p.first_day.max(c0);
                let days = p.end_day - p.first_day;
                *slot = if inside >= days {
                    s.get(i)
                } else {
                    let part = number::mul(s.get(i), Decimal::from(inside)).map_err(|x| arith(x, span))?;
                    number::div(part, Decimal::from(days)).map_err(|x| arith(x, span))?
                };
            }
            return book_amounts(&Values::Per(vals), n).map_err(|x| arith(x, span));
        }
        let Some((basis, target)) = basis_of(&series.unit, self.reg, self.money) else {
            return Err(EvalError::Internal { span, what: "a rate with no time unit".into() });
        };
        let s = series.convert(&target, self.reg).map_err(|x| series_err(x, span))?;
        book_rate(&s, basis, (first, end), &self.timeline).map_err(|x| arith(x, span))
    }

    /// The value of a definition (evaluated once).
    pub(super) fn definition(&mut self, id: DefId, span: Span) -> Result<Val, EvalError> {
        if let Some(Some(v)) = self.def_values.get(id) {
            return Ok(v.clone());
        }
        super::interrupt::check(span)?;
        if self.def_busy.get(id).copied().unwrap_or(false) {
            let Some(name) = self.program.definitions.get(id).map(|d| d.name.clone()) else {
                return Err(EvalError::internal(span, "a definition is missing"));
            };
            return Err(EvalError::Circular { span, what: format!("`{name}` depends on itself through the ledger") });
        }
        let Some(e) = self.defs.get(id).copied() else {
            return Err(EvalError::Internal { span, what: "a definition is missing".into() });
        };
        if let Some(b) = self.def_busy.get_mut(id) {
            *b = true;
        }
        let v = self.value(e)?;
        if let Some(b) = self.def_busy.get_mut(id) {
            *b = false;
        }
        if let Some(slot) = self.def_values.get_mut(id) {
            *slot = Some(v.clone());
        }
        Ok(v)
    }

    /// A call that a constant evaluator can make (`BuiltinSpec::constant`).
    fn is_constant_call(e: &TExpr) -> bool {
        matches!(e.kind, TExprKind::Call(b, _) if b.spec().constant)
    }

    pub(super) fn shape_of(e: &TExpr) -> Shape {
        e.ty.shape().unwrap_or(Shape::Constant)
    }

    pub(super) fn series(&mut self, e: &TExpr) -> Result<Series, EvalError> {
        match self.value(e)? {
            Val::S(s, _) => Ok(s),
            Val::Uncertain(_, _, p) => Ok(p),
            _ => Err(EvalError::Internal { span: e.span, what: "a quantity was expected".into() }),
        }
    }

    /// Evaluates an expression over the whole timeline.
    pub fn value(&mut self, e: &TExpr) -> Result<Val, EvalError> {
        let n = self.n();
        let shape = Self::shape_of(e);
        match &e.kind {
            TExprKind::Literal(q) => Ok(Val::S(Series::constant(q.value, q.unit.clone()), Shape::Constant)),
            TExprKind::Period(p) => Ok(Val::Period(*p)),
            TExprKind::Text(t) => Ok(Val::Text(t.clone())),
            TExprKind::Symbol(s) => Ok(Val::Symbol(s.clone())),
            TExprKind::Entity(id) => Ok(Val::Entity(*id)),
            TExprKind::Contract(id) => Ok(Val::Contract(*id)),
            TExprKind::Table(t) => {
                Err(EvalError::Internal { span: e.span, what: format!("`{t}` is a report table, not a value") })
            }
            TExprKind::Definition(id) => self.definition(*id, e.span),
            TExprKind::Flow(_) | TExprKind::Call(..)
                if self.phase == Phase::Constants && !Self::is_constant_call(e) =>
            {
                Err(EvalError::NotConstant { span: e.span, what: EvalError::NEEDS_SCENARIO.into() })
            }
            TExprKind::Flow(fid) => {
                let a = self.flow(*fid)?;
                let f =
                    self.program.flows.get(*fid).ok_or_else(|| EvalError::internal(e.span, "a flow of no program"))?;
                let sign = f.direction == Direction::Out;
                let vals = if sign { a.iter().map(|x| -*x).collect() } else { a };
                Ok(Val::S(Series::per(vals, Unit::named(self.money)), Shape::Flow))
            }
            TExprKind::Neg(x) => {
                let s = self.series(x)?;
                Ok(Val::S(s.neg().map_err(|err| series_err(err, e.span))?, shape))
            }
            TExprKind::Binary { op, op_span, lhs, rhs } => {
                let l = self.series(lhs)?;
                let r = self.series(rhs)?;
                let out = match op {
                    BinaryOp::Add => l.add(&r, false, self.reg, n),
                    BinaryOp::Sub => l.add(&r, true, self.reg, n),
                    BinaryOp::Mul => l.mul(&r, false, self.reg, n),
                    BinaryOp::Div => l.mul(&r, true, self.reg, n),
                    BinaryOp::Pow => self.pow(&l, &r),
                }
                .map_err(|err| series_err(err, *op_span))?;
                Ok(Val::S(out, shape))
            }
            TExprKind::Convert(x, unit) => {
                // `a * b in U` and `a / b in U`: the conversion joins the product, rounded once
                if let TExprKind::Binary { op: op @ (BinaryOp::Mul | BinaryOp::Div), op_span, lhs, rhs } = &x.kind {
                    let (l, r) = (self.series(lhs)?, self.series(rhs)?);
                    let out = l.mul_into(&r, *op == BinaryOp::Div, Some(unit), self.reg, n);
                    return Ok(Val::S(out.map_err(|err| series_err(err, *op_span))?, shape));
                }
                let s = self.series(x)?;
                Ok(Val::S(s.convert(unit, self.reg).map_err(|err| series_err(err, e.span))?, shape))
            }
            TExprKind::Range { low, high, point } => {
                if let Some(v) = self.drawn(e.span) {
                    return Ok(v);
                }
                let lv = self.value(low)?;
                let hv = self.value(high)?;
                match (lv, hv) {
                    (Val::Period(a), Val::Period(b)) => Ok(Val::Range(Timeline::span_of(a).0, Timeline::span_of(b).1)),
                    (Val::S(l, _), Val::S(h, _)) => {
                        let p = self.range_point(&l, &h, point.as_deref(), e.span)?;
                        Ok(Val::Uncertain(l, h, p))
                    }
                    _ => Err(EvalError::Internal { span: e.span, what: "a range of mixed kinds".into() }),
                }
            }
            TExprKind::Call(b, args) => self.call(*b, args, e),
        }
    }

    pub(super) fn pow(&self, l: &Series, r: &Series) -> Result<Series, SeriesError> {
        let n = self.n();
        if l.unit.is_none() {
            let vals = match (&l.values, &r.values) {
                (Values::Const(a), Values::Const(b)) => Values::Const(number::pow(*a, *b)?),
                _ => {
                    let mut out = Vec::with_capacity(n);
                    for i in 0..n {
                        out.push(
                            number::pow(l.get(i), r.get(i)).map_err(|error| SeriesError { error, period: Some(i) })?,
                        );
                    }
                    Values::Per(out)
                }
            };
            return Ok(Series { unit: Unit::none(), values: vals });
        }
        let k = number::as_integer(r.get(0)).and_then(|k| i32::try_from(k).ok()).ok_or(ArithError::BadPower)?;
        Ok(Series { unit: l.unit.pow(k), values: l.values.map(|x| number::powi(x, i64::from(k)))? })
    }
}

/// The type of a report item's value, for rendering.
pub fn is_money(reg: &Registry, unit: &Unit) -> Option<u32> {
    let money_factor = unit.factors().iter().find(|(id, e)| *e == 1 && reg.def(*id).is_some_and(|d| d.currency));
    money_factor.and_then(|(id, _)| reg.def(*id)).and_then(|d| d.minor)
}

/// Re-exported for reports: whether a type varies over time.
pub fn varies(t: &Type) -> bool {
    t.shape().is_some_and(|s| s != Shape::Constant)
}
