//! Re-running a scenario after a change to its overrides, reusing what does not depend on the
//! change (issue 14: "a change re-evaluates only what depends on it").
//!
//! The previous run's values of definitions and flows were computed while the books were
//! being posted, when nothing may read the ledger ([`Run`]'s `posting`), so each is a function
//! of its own expression and of the definitions and flows it names — the IR's slots. A
//! definition is **dirty** when its effective expression (the program's, overridden along the
//! scenario chain) differs from the previous run's, or when it names a dirty definition or
//! flow; a flow is dirty when its expressions name one. An expression that names an entity or
//! a contract (whose values come from the books) is always dirty, and so is a contingent flow.
//! The new run starts with every clean value filled in and computes the rest; posting,
//! clearing and the reconciliation of the books run as always. So the result is the full
//! run's, value for value: `tests/incremental.rs` compares them byte for byte.
//!
//! Reuse needs the same timeline, currency and rounding, and a program that differs from the
//! previous run's only in its scenarios (the caller's promise: `Session::amend_scenario`).

use super::engine::{run_scenario_seeded, scenario_chain, scenario_defs, Run};
use super::{EvalError, RunResult};
use crate::check::ids::Id;
use crate::check::ir::{DefId, FlowId, Program, ScenarioIr, TExpr, TExprKind};

/// The definitions and flows whose values may differ from the previous run's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dirty {
    pub defs: Vec<bool>,
    pub flows: Vec<bool>,
}

impl Dirty {
    /// How many definitions and flows must be computed again.
    pub fn count(&self) -> (usize, usize) {
        (self.defs.iter().filter(|d| **d).count(), self.flows.iter().filter(|f| **f).count())
    }
}

/// What an expression names.
#[derive(Debug, Default)]
struct Refs {
    defs: Vec<DefId>,
    flows: Vec<FlowId>,
    /// It names an entity or a contract: its value depends on the books.
    opaque: bool,
}

fn walk(e: &TExpr, r: &mut Refs) {
    match &e.kind {
        TExprKind::Literal(_)
        | TExprKind::Period(_)
        | TExprKind::Text(_)
        | TExprKind::Symbol(_)
        | TExprKind::Table(_) => {}
        TExprKind::Definition(id) => r.defs.push(*id),
        TExprKind::Flow(id) => r.flows.push(*id),
        TExprKind::Entity(_) | TExprKind::Contract(_) => r.opaque = true,
        TExprKind::Neg(x) | TExprKind::Convert(x, _) => walk(x, r),
        TExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, r);
            walk(rhs, r);
        }
        TExprKind::Range { low, high, point } => {
            walk(low, r);
            walk(high, r);
            if let Some(p) = point {
                walk(p, r);
            }
        }
        TExprKind::Call(_, args) => args.iter().for_each(|a| walk(&a.value, r)),
    }
}

fn refs(e: &TExpr) -> Refs {
    let mut r = Refs::default();
    walk(e, &mut r);
    r
}

/// The timeline, currency and rounding a chain resolves to.
fn settings(
    chain: &[&ScenarioIr],
) -> (Option<crate::check::ir::TimelineIr>, Option<crate::units::UnitId>, Option<crate::check::options::Rounding>) {
    (
        chain.iter().rev().find_map(|s| s.timeline),
        chain.iter().rev().find_map(|s| s.currency),
        chain.iter().rev().find_map(|s| s.rounding),
    )
}

/// What a run of `scenario` in `program` must compute again, given `prev`; `None` when
/// nothing of `prev` can be reused.
pub fn dirty(prev: &RunResult, program: &Program, scenario: Option<&str>) -> Result<Option<Dirty>, EvalError> {
    let old = &*prev.program;
    let same_shape = old.definitions.len() == program.definitions.len()
        && old.flows.len() == program.flows.len()
        && old.entities.len() == program.entities.len()
        && old.contracts.len() == program.contracts.len();
    if !same_shape {
        return Ok(None);
    }
    let old_chain = scenario_chain(old, Some(&prev.scenario))?;
    let new_chain = scenario_chain(program, scenario)?;
    if settings(&old_chain) != settings(&new_chain) {
        return Ok(None);
    }
    let old_defs = scenario_defs(old, &old_chain);
    let new_defs = scenario_defs(program, &new_chain);
    let def_refs: Vec<Refs> = new_defs.iter().map(|e| refs(e)).collect();
    let mut defs: Vec<bool> =
        new_defs.iter().zip(&old_defs).zip(&def_refs).map(|((n, o), r)| n != o || r.opaque).collect();
    let flow_refs: Vec<Refs> = program
        .flows
        .iter()
        .map(|f| {
            let mut r = refs(&f.value);
            if let Some(life) = &f.life {
                walk(life, &mut r);
            }
            r.opaque |= f.contingent.is_some();
            r
        })
        .collect();
    let mut flows: Vec<bool> = flow_refs.iter().map(|r| r.opaque).collect();
    // to a fixed point: each pass marks what names something dirty (the IR has no cycles,
    // so the passes are at most the longest chain of names)
    loop {
        let mut marked = false;
        // dirty when unknown: a slot the lists do not have is recomputed, never reused
        let is = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(true);
        for (i, r) in def_refs.iter().enumerate() {
            if !is(&defs, i)
                && (r.defs.iter().any(|d| is(&defs, d.index())) || r.flows.iter().any(|f| is(&flows, f.index())))
            {
                if let Some(d) = defs.get_mut(i) {
                    *d = true;
                    marked = true;
                }
            }
        }
        for (i, r) in flow_refs.iter().enumerate() {
            if !is(&flows, i)
                && (r.defs.iter().any(|d| is(&defs, d.index())) || r.flows.iter().any(|f| is(&flows, f.index())))
            {
                if let Some(f) = flows.get_mut(i) {
                    *f = true;
                    marked = true;
                }
            }
        }
        if !marked {
            break;
        }
    }
    Ok(Some(Dirty { defs, flows }))
}

/// Runs `scenario` of `program` with the clean values of `prev` filled in (see the module
/// docs): the same run as [`super::engine::run_scenario`], computing only what is dirty.
pub fn rerun<'a>(
    program: &'a Program,
    scenario: Option<&str>,
    prev: &RunResult,
    dirty: &Dirty,
) -> Result<Run<'a>, EvalError> {
    let (defs, flows) = prev.computed();
    let seed = |run: &mut Run<'a>| {
        for (i, v) in defs.iter_enumerated() {
            if let (Some(v), Some(false), Some(slot)) = (v, dirty.defs.get(i.index()), run.def_values.get_mut(i)) {
                *slot = Some(v.clone());
            }
        }
        for (i, v) in flows.iter_enumerated() {
            if let (Some(v), Some(false), Some(slot)) = (v, dirty.flows.get(i.index()), run.flow_amounts.get_mut(i)) {
                *slot = Some(v.clone());
            }
        }
    };
    run_scenario_seeded(program, scenario, None, Some(&seed))
}

impl Run<'_> {
    /// What `funding_gap`, `runway` and `burn` of entity `e` read, as
    /// [`RunResult::paid_path`] (to compare a run with an earlier one's result).
    pub fn paid_path(&self, e: crate::check::ir::EntityId) -> (rust_decimal::Decimal, &[rust_decimal::Decimal]) {
        let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
        (self.min_cash.get(e).copied().unwrap_or_default(), full.changes(e))
    }
}
