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
use crate::units::{Quantity, Registry};

/// Every backwards range with an end that names a definition (see the module docs).
pub fn validate(p: &Program, reg: &Registry) -> Vec<CheckError> {
    let mut errors = Vec::new();
    let contexts: Vec<Option<&ScenarioIr>> =
        if p.scenarios.is_empty() { vec![None] } else { p.scenarios.iter().map(Some).collect() };
    let mut seen = Vec::new();
    for s in &contexts {
        for (id, _) in p.definitions.iter_enumerated() {
            let Some(e) = value_in(p, *s, id) else { continue };
            let TExprKind::Range { low, high, .. } = &e.kind else { continue };
            if !matches!(e.ty, Type::Uncertain(_))
                || (written_constant(low, reg).is_some() && written_constant(high, reg).is_some())
                || seen.contains(&e.span)
            {
                continue; // not uncertain, or the expression check's already, or reported
            }
            let (Some(l), Some(h)) = (resolve(p, reg, *s, low, 0), resolve(p, reg, *s, high, 0)) else { continue };
            let Ok(h_in_l) = h.convert(&l.unit, reg) else { continue };
            if h_in_l.value < l.value {
                seen.push(e.span);
                errors.push(CheckError::BackwardsRange {
                    span: e.span,
                    low: l.format(reg),
                    high: h.format(reg),
                    scenario: s.map(|s| s.name.clone()),
                });
            }
        }
    }
    errors
}

/// The written constant an end stands for in scenario `s`, through definitions.
fn resolve(p: &Program, reg: &Registry, s: Option<&ScenarioIr>, e: &TExpr, depth: usize) -> Option<Quantity> {
    match &e.kind {
        TExprKind::Definition(id) if depth < 32 => resolve(p, reg, s, value_in(p, s, *id)?, depth + 1),
        _ => written_constant(e, reg),
    }
}

/// A definition's value in scenario `s`: its override there or in the nearest of its bases
/// that overrides it (the last one written wins, as in a run), else as declared.
fn value_in<'p>(p: &'p Program, s: Option<&'p ScenarioIr>, id: DefId) -> Option<&'p TExpr> {
    let mut cur = s;
    let mut steps = 0;
    while let Some(sc) = cur {
        if let Some((_, e)) = sc.overrides.iter().rev().find(|(d, _)| *d == id) {
            return Some(e);
        }
        steps += 1;
        if steps > p.scenarios.len() {
            break; // a circle of bases is the checker's bad_scenario
        }
        cur = sc.extends.as_ref().and_then(|b| p.scenarios.iter().find(|x| &x.name == b));
    }
    p.definitions.get(id).map(|d| &d.value)
}
