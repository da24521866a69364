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
//! The new run starts with every clean value filled in and computes the rest. When no
//! contract, credit line or contingent flow ties the entities' books together, an entity whose
//! flows and fields are all clean has the books it had ([`entities_to_post`]): its events,
//! posted changes, depreciation and minimum cash are copied from the previous run, in the
//! order a whole run posts them, and only the other entities are posted and reconciled again.
//! Otherwise posting, clearing and the reconciliation run as always (a change can move any
//! entity's books through the clearing). So the result is the full run's, value for value and
//! event for event: `tests/incremental.rs` compares them byte for byte.
//!
//! Reuse needs the same timeline, currency and rounding, and a program that differs from the
//! previous run's only in its scenarios (the caller's promise: `Session::amend_scenario`).

use super::engine::{prepare, run_scenario_seeded, scenario_chain, scenario_defs, Phase, Run};
use super::ledger::Origin;
use super::{EvalError, RunResult};
use crate::check::ids::Id;
use crate::check::ir::{DefId, EntityId, FlowId, Program, ScenarioIr, TExpr, TExprKind};

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
/// docs): the same run as [`super::engine::run_scenario`], computing only what is dirty, and
/// posting again only the entities whose books the change touches when the others' can be
/// copied ([`entities_to_post`]). With the run, how many entities it posted again when it
/// copied the others' books (`None`: it posted all).
pub fn rerun<'a>(
    program: &'a Program,
    scenario: Option<&str>,
    prev: &RunResult,
    dirty: &Dirty,
    spare: Option<Spare>,
) -> Result<(Run<'a>, Option<usize>), EvalError> {
    if let Some(post) = entities_to_post(prev, program, dirty) {
        if let Some(run) = rerun_entities(program, scenario, prev, dirty, &post, spare)? {
            return Ok((run, Some(post.iter().filter(|p| **p).count())));
        }
    }
    let seed = |run: &mut Run<'a>| seed(run, prev, dirty);
    Ok((run_scenario_seeded(program, scenario, None, Some(&seed))?, None))
}

/// The memory of the event log of a result nobody reads any more, for the next re-run to
/// copy the books into (a session re-runs after each change books of the same size).
pub struct Spare(Vec<super::ledger::Packed>);

impl Spare {
    /// The memory of `result`'s event log, unless something else still holds the result.
    pub fn of(result: std::sync::Arc<RunResult>) -> Option<Spare> {
        std::sync::Arc::try_unwrap(result).ok().map(|r| Spare(r.ledger.into_events()))
    }
}

/// Fills in the values of `prev` that `dirty` leaves clean.
fn seed(run: &mut Run<'_>, prev: &RunResult, dirty: &Dirty) {
    let (defs, flows) = prev.computed();
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
}

/// The entities a re-run must post again — those with a dirty flow, or a field (opening
/// cash, minimum cash…) that names something dirty — when every other entity's books can be
/// copied from `prev` as they are. That needs books that are each entity's own: `None` when
/// the program has contracts, credit lines or contingent flows (the clearing ties entities'
/// books together, so a change to one can move any other's) or `prev` found defaults.
pub fn entities_to_post(prev: &RunResult, program: &Program, dirty: &Dirty) -> Option<Vec<bool>> {
    let (_, full, _, _) = prev.books();
    if !program.contracts.is_empty()
        || program.entities.iter().any(|e| e.terms.credit_limit.is_some())
        || program.flows.iter().any(|f| f.contingent.is_some())
        || full.is_some()
        || !prev.defaults.records.is_empty()
    {
        return None;
    }
    let is = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(true);
    let mut post = vec![false; program.entities.len()];
    for (f, d) in program.flows.iter().zip(&dirty.flows) {
        if *d {
            *post.get_mut(f.entity.index())? = true;
        }
    }
    for (e, ent) in program.entities.iter().enumerate() {
        let mut r = Refs::default();
        for f in ent.fields.values() {
            walk(&f.value, &mut r);
            f.dated.iter().for_each(|(x, _)| walk(x, &mut r));
        }
        for f in [ent.terms.cash.as_deref(), ent.terms.min_cash.given()].into_iter().flatten() {
            walk(&f.value, &mut r);
        }
        if r.opaque
            || r.defs.iter().any(|d| is(&dirty.defs, d.index()))
            || r.flows.iter().any(|f| is(&dirty.flows, f.index()))
        {
            *post.get_mut(e)? = true;
        }
    }
    Some(post)
}

/// Where each entity's opening and each flow's events are in a ledger's log, when each is
/// one run of consecutive events (as posting leaves them before any clearing).
struct Groups {
    openings: Vec<Option<std::ops::Range<usize>>>,
    flows: Vec<Option<std::ops::Range<usize>>>,
}

fn groups(ledger: &super::ledger::Ledger, entities: usize, flows: usize) -> Option<Groups> {
    let mut g = Groups { openings: vec![None; entities], flows: vec![None; flows] };
    let mut origins = ledger.origins().enumerate().peekable();
    while let Some((start, first)) = origins.next() {
        let first = first?;
        let mut end = start + 1;
        while let Some((i, _)) = origins.next_if(|(_, o)| *o == Some(first)) {
            end = i + 1;
        }
        let slot = match first {
            Origin::Opening(e) => g.openings.get_mut(e as usize)?,
            Origin::Flow(f) => g.flows.get_mut(f as usize)?,
            Origin::Contract(_) | Origin::Credit(_) => return None,
        };
        if slot.replace(start..end).is_some() {
            return None; // not one run of events
        }
    }
    Some(g)
}

/// [`rerun`] posting only the entities `post` marks and copying the others' events, changes,
/// depreciation and minimum cash from `prev`, in the order a whole run posts them (each
/// entity's opening, then each flow's events): so the ledger is the whole run's, event for
/// event. The entities posted again are reconciled; the copied ones were, in `prev`'s run.
/// `None` when `prev`'s books do not have the shape this needs.
fn rerun_entities<'a>(
    program: &'a Program,
    scenario: Option<&str>,
    prev: &RunResult,
    dirty: &Dirty,
    post: &[bool],
    spare: Option<Spare>,
) -> Result<Option<Run<'a>>, EvalError> {
    let (ledger, _, depreciation, min_cash) = prev.books();
    let Some(g) = groups(ledger, program.entities.len(), program.flows.len()) else { return Ok(None) };
    let mut run = prepare(program, scenario, None)?;
    if run.timeline != prev.timeline || depreciation.len() != post.len() || min_cash.len() != post.len() {
        return Ok(None);
    }
    seed(&mut run, prev, dirty);
    if let Some(Spare(memory)) = spare {
        run.ledger.reuse_memory(memory);
    }
    run.ledger.reserve(ledger.event_count());
    let copy = |run: &mut Run<'a>, range: &Option<std::ops::Range<usize>>| match range {
        Some(r) => run
            .ledger
            .copy_events(ledger, r.clone())
            .ok_or_else(|| EvalError::internal(run.scenario_span, "the books of an earlier run do not fit this one")),
        None => Ok(()),
    };
    run.phase = Phase::Posting;
    let posted = (|| {
        for (e, again) in post.iter().enumerate() {
            if *again {
                run.post_opening(EntityId::from_index(e))?;
            } else {
                copy(&mut run, g.openings.get(e).unwrap_or(&None))?;
            }
        }
        for (fid, f) in program.flows.iter_enumerated() {
            if post.get(f.entity.index()).copied().unwrap_or(true) {
                run.post_flow(fid)?;
            } else {
                copy(&mut run, g.flows.get(fid.index()).unwrap_or(&None))?;
            }
        }
        Ok::<(), EvalError>(())
    })();
    run.phase = Phase::Complete;
    posted?;
    let span = run.scenario_span;
    let internal = |what: String| EvalError::Internal { span, what };
    for (i, again) in post.iter().enumerate() {
        if *again {
            continue;
        }
        let e = EntityId::from_index(i);
        if !run.ledger.copy_changes(ledger, e) {
            return Err(internal("the books of an earlier run do not fit this one".into()));
        }
        if let (Some(to), Some(from)) = (run.depreciation.get_mut(e), depreciation.get(i)) {
            to.clone_from(from);
        }
        if let (Some(to), Some(from)) = (run.min_cash.get_mut(e), min_cash.get(i)) {
            *to = *from;
        }
    }
    run.ledger.reconcile_entities(post).map_err(internal)?;
    Ok(Some(run))
}

impl Run<'_> {
    /// What `funding_gap`, `runway` and `burn` of entity `e` read, as
    /// [`RunResult::paid_path`] (to compare a run with an earlier one's result).
    pub fn paid_path(
        &self,
        e: crate::check::ir::EntityId,
    ) -> Option<(rust_decimal::Decimal, &[rust_decimal::Decimal])> {
        let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
        Some((*self.min_cash.get(e)?, full.changes(e)))
    }
}
