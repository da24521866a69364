//! The result of a run: an owned, immutable record of what a scenario booked.
//!
//! [`super::engine::Run`] is the evaluator: it borrows its program and fills the books. When it
//! is done, [`RunResult::new`] moves what it found (ledger, defaults, credit drawn, the values
//! of definitions and flows, the timeline) into a value that owns its program through an
//! [`Arc`], so a session can cache it per scenario and readers take it by `&`. Questions asked
//! afterwards (`eval` in a scenario, a contract's schedule) go through [`RunResult::query`]: a
//! fresh evaluator seeded with these books, so nothing is posted twice.

use super::defaults::Defaults;
use super::engine::{scenario_chain, scenario_defs, LoanLine, Run, Val};
use super::error::EvalError;
use super::ledger::Ledger;
use super::timeline::Timeline;
use super::Value;
use crate::check::ir::{ContractId, DefId, EntityId, FlowId, IdVec, Program};

/// Each flow's amounts per period, once computed.
pub(super) type FlowAmounts = IdVec<FlowId, Option<Vec<Decimal>>>;
use crate::check::Shape;
use crate::number::Rounding;
use crate::source::Span;
use crate::units::{Quantity, UnitId};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What one scenario booked.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub program: Arc<Program>,
    pub scenario: String,
    pub timeline: Timeline,
    /// The ledger currency.
    pub money: UnitId,
    /// How text reports round.
    pub rounding: Rounding,
    /// The cleared ledger (what was paid).
    pub ledger: Ledger,
    pub defaults: Defaults,
    /// Each entity's drawn credit line at each period's end.
    pub credit: IdVec<EntityId, Vec<Decimal>>,
    def_values: IdVec<DefId, Option<Val>>,
    flow_amounts: FlowAmounts,
    depreciation: IdVec<EntityId, Vec<Decimal>>,
    min_cash: IdVec<EntityId, Decimal>,
    loan_events: IdVec<ContractId, Option<Vec<LoanLine>>>,
    loan_accruals: IdVec<ContractId, Option<Vec<Decimal>>>,
    full_ledger: Option<Ledger>,
    scenario_span: Span,
}

impl RunResult {
    /// Takes the books of a finished run of `program` (the run must have borrowed that program).
    pub fn new(program: Arc<Program>, run: Run<'_>) -> RunResult {
        RunResult {
            program,
            scenario: run.scenario,
            timeline: run.timeline,
            money: run.money,
            rounding: run.rounding,
            ledger: run.ledger,
            defaults: run.defaults,
            credit: run.credit,
            def_values: run.def_values,
            flow_amounts: run.flow_amounts,
            depreciation: run.depreciation,
            min_cash: run.min_cash,
            loan_events: run.loan_events,
            loan_accruals: run.loan_accruals,
            full_ledger: run.full_ledger,
            scenario_span: run.scenario_span,
        }
    }

    /// The values of definitions and flows the run computed (`eval::incremental` reuses
    /// those that do not depend on a change).
    pub(super) fn computed(&self) -> (&IdVec<DefId, Option<Val>>, &FlowAmounts) {
        (&self.def_values, &self.flow_amounts)
    }

    /// The books an incremental re-run copies for the entities it does not post again
    /// (`eval::incremental`): the ledger, the path where everyone pays in full when it differs,
    /// the depreciation and the minimum cash of each entity.
    pub(super) fn books(&self) -> (&Ledger, Option<&Ledger>, &[Vec<Decimal>], &[Decimal]) {
        (&self.ledger, self.full_ledger.as_ref(), &self.depreciation, &self.min_cash)
    }

    /// What `funding_gap`, `runway` and `burn` of entity `e` read: its minimum cash and the
    /// change of its cash per period on the path where everyone pays in full.
    /// (`None`: no entity `e` in this run's program.)
    pub fn paid_path(&self, e: EntityId) -> Option<(Decimal, &[Decimal])> {
        // no default: the cleared path is the full-payment path
        let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
        Some((*self.min_cash.get(e)?, full.changes(e)))
    }

    /// An evaluator over these books, for questions asked after the run. It starts from copies
    /// of the books (values already computed are not computed again).
    pub fn query(&self) -> Result<Run<'_>, EvalError> {
        let program = &*self.program;
        let chain = scenario_chain(program, Some(&self.scenario))?;
        let defs = scenario_defs(program, &chain);
        let mut run = Run::new(
            program,
            self.scenario.clone(),
            self.timeline.clone(),
            self.money,
            self.rounding,
            defs,
            self.scenario_span,
        );
        run.ledger = self.ledger.clone();
        run.defaults = self.defaults.clone();
        run.credit = self.credit.clone();
        run.def_values = self.def_values.clone();
        run.flow_amounts = self.flow_amounts.clone();
        run.depreciation = self.depreciation.clone();
        run.min_cash = self.min_cash.clone();
        run.loan_events = self.loan_events.clone();
        run.loan_accruals = self.loan_accruals.clone();
        run.full_ledger = self.full_ledger.clone();
        Ok(run)
    }
}

/// The public value of a run value: one quantity when it does not vary, else one per period.
pub fn to_value(run: &Run<'_>, v: Val, span: Span) -> Result<Value, EvalError> {
    let at = |s: &super::series::Series, i: usize| Quantity::new(s.get(i), s.unit.clone());
    let per_period = |s: &super::series::Series| -> Result<Value, EvalError> {
        let values = (0..run.n_periods()).map(|i| Ok((run.period_value(i, span)?, at(s, i))));
        Ok(Value::Series(values.collect::<Result<_, EvalError>>()?))
    };
    match v {
        Val::S(s, Shape::Constant) => Ok(Value::Quantity(at(&s, 0))),
        Val::S(s, _) => per_period(&s),
        Val::Uncertain(l, h, p) if l.values.is_const() && h.values.is_const() && p.values.is_const() => {
            Ok(Value::Uncertain { low: at(&l, 0), high: at(&h, 0), point: at(&p, 0) })
        }
        Val::Uncertain(_, _, p) => per_period(&p),
        Val::Period(p) => Ok(Value::Period(p)),
        // `runway` of an entity whose cash never runs out: reports print the same word
        Val::Never => Ok(Value::Text("never".into())),
        Val::Text(t) => Ok(Value::Text(t)),
        _ => Err(EvalError::NotConstant { span, what: "an entity, a contract or a range".into() }),
    }
}
