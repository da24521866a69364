//! Ranges whose ends name drivers: `driver price = 40k USD .. ceiling` with
//! `driver ceiling = 30k USD` runs backwards in every run, so `aifin check` refuses it as it
//! refuses a range with two written ends (`aifin::types::backwards_range`, see
//! [`super::expr`]). Each run sees one scenario's values, so each definition's value and its
//! ends are resolved scenario by scenario — the scenario's override, else its bases' (nearest
//! first), else the declared value — and compared only when both resolve to written
//! constants: a scenario's pair is never mixed with another scenario's. Without scenarios the
//! declared values are the one run. Covered: a driver's (or an override's) whole value being
//! the range, its ends written or naming drivers whose values are written; an end computed
//! (`3 * 10k USD`) or a range nested in arithmetic stays the run's check.

use super::error::CheckError;
use super::expr::written_constant;
use super::ir::{DefId, Program, ScenarioIr, TExpr, TExprKind};
use super::types::Type;
use crate::source::Span;
use crate::units::{Quantity, Registry};
use std::collections::{HashMap, HashSet};

/// The values definitions take in one run: the declared ones, or a scenario's.
struct Run<'p> {
    program: &'p Program,
    /// The scenario's overrides, already resolved through its bases (none without scenarios).
    overrides: HashMap<DefId, &'p TExpr>,
}

impl<'p> Run<'p> {
    /// A definition's value in this run: its override, else as declared.
    fn value(&self, id: DefId) -> Option<&'p TExpr> {
        self.overrides.get(&id).copied().or_else(|| self.program.definitions.get(id).map(|d| &d.value))
    }

    /// The definition's backwards range in this run, if its value is an uncertain range
    /// whose ends resolve to written constants with the high end below the low end. Every
    /// definition the ends' resolution reads goes into `reads` (the range's own included).
    fn backwards(&self, reg: &Registry, id: DefId, reads: &mut Vec<DefId>) -> Option<Backwards> {
        reads.push(id);
        let e = self.value(id)?;
        let TExprKind::Range { low, high, .. } = &e.kind else { return None };
        if !matches!(e.ty, Type::Uncertain(_))
            || (written_constant(low, reg).is_some() && written_constant(high, reg).is_some())
        {
            return None; // not uncertain, or the expression check's already
        }
        let l = self.resolve(reg, low, 0, reads);
        let h = self.resolve(reg, high, 0, reads);
        let (l, h) = (l?, h?);
        let h_in_l = h.convert(&l.unit, reg).ok()?;
        (h_in_l.value < l.value).then(|| Backwards { span: e.span, low: l.format(reg), high: h.format(reg) })
    }

    /// The written constant an end stands for, through definitions.
    fn resolve(&self, reg: &Registry, e: &TExpr, depth: usize, reads: &mut Vec<DefId>) -> Option<Quantity> {
        match &e.kind {
            TExprKind::Definition(id) if depth < 32 => {
                reads.push(*id);
                self.resolve(reg, self.value(*id)?, depth + 1, reads)
            }
            _ => written_constant(e, reg),
        }
    }
}

/// A range found backwards in one run.
#[derive(Clone)]
struct Backwards {
    span: Span,
    low: String,
    high: String,
}

/// Every backwards range with an end that names a definition (see the module docs), in the
/// order of the scenarios, then of the definitions; each range once, in the first scenario
/// where it runs backwards.
///
/// A range can only come out differently in a scenario than as declared if the scenario
/// overrides a definition its resolution reads, so each scenario re-resolves only those
/// definitions: the work is the declared pass plus the scenarios' overrides, not scenarios ×
/// definitions.
pub fn validate(p: &Program, reg: &Registry) -> Vec<CheckError> {
    let declared = Run { program: p, overrides: HashMap::new() };
    // The declared pass: each definition's outcome, and who reads what.
    let mut base: Vec<(DefId, Backwards)> = Vec::new();
    let mut readers: HashMap<DefId, Vec<DefId>> = HashMap::new();
    let mut reads = Vec::new();
    for (id, _) in p.definitions.iter_enumerated() {
        reads.clear();
        if let Some(b) = declared.backwards(reg, id, &mut reads) {
            base.push((id, b));
        }
        if reads.len() > 1 {
            reads.sort_unstable();
            reads.dedup();
            for r in &reads {
                readers.entry(*r).or_default().push(id);
            }
        }
    }
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    if p.scenarios.is_empty() {
        for (_, b) in base {
            report(b, None, &mut seen, &mut errors);
        }
        return errors;
    }
    let mut by_name: HashMap<&str, &ScenarioIr> = HashMap::new();
    for s in &p.scenarios {
        by_name.entry(s.name.as_str()).or_insert(s);
    }
    for s in &p.scenarios {
        let run = Run { program: p, overrides: overrides_of(p, &by_name, s) };
        let mut changed: Vec<DefId> = Vec::new();
        for id in run.overrides.keys() {
            changed.push(*id);
            changed.extend(readers.get(id).into_iter().flatten());
        }
        changed.sort_unstable();
        changed.dedup();
        let mut found: Vec<(DefId, Backwards)> = Vec::new();
        for id in &changed {
            reads.clear();
            if let Some(b) = run.backwards(reg, *id, &mut reads) {
                found.push((*id, b));
            }
        }
        found.extend(
            base.iter().filter(|(id, b)| !seen.contains(&b.span) && changed.binary_search(id).is_err()).cloned(),
        );
        found.sort_by_key(|(id, _)| *id);
        for (_, b) in found {
            report(b, Some(s), &mut seen, &mut errors);
        }
    }
    errors
}

/// Reports a backwards range unless it was reported already.
fn report(b: Backwards, scenario: Option<&ScenarioIr>, seen: &mut HashSet<Span>, errors: &mut Vec<CheckError>) {
    if seen.insert(b.span) {
        errors.push(CheckError::BackwardsRange {
            span: b.span,
            low: b.low,
            high: b.high,
            scenario: scenario.map(|s| s.name.clone()),
        });
    }
}

/// The overrides in force in scenario `s`: for each definition, its override in `s` or in the
/// nearest of its bases that overrides it (the last one written wins, as in a run).
fn overrides_of<'p>(
    p: &'p Program,
    by_name: &HashMap<&str, &'p ScenarioIr>,
    s: &'p ScenarioIr,
) -> HashMap<DefId, &'p TExpr> {
    let mut out = HashMap::new();
    let mut cur = Some(s);
    let mut steps = 0;
    while let Some(sc) = cur {
        for (d, e) in sc.overrides.iter().rev() {
            out.entry(*d).or_insert(e);
        }
        steps += 1;
        if steps > p.scenarios.len() {
            break; // a circle of bases is the checker's bad_scenario
        }
        cur = sc.extends.as_deref().and_then(|b| by_name.get(b).copied());
    }
    out
}
