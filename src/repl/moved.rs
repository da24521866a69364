//! "What moved": the headline figures of a run, taken before and after a change and compared.
//!
//! A snapshot holds, in a fixed order, each claim's outcome, each report item's last value and,
//! for every entity, `funding_gap` over the whole timeline, `runway` and `defaulted`. The
//! difference of two snapshots is the lines whose text changed, `old → new`.

use crate::check::ir::TExprKind;
use crate::number::format_exact;
use crate::report::{self, ItemValues, Section};
use crate::session::Session;

/// The figures of one run, as text, by label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub figures: Vec<(String, String)>,
}

/// The snapshot of `scenario` in `session` (empty without a scenario).
pub fn snapshot(session: &mut Session, scenario: Option<&str>) -> Result<Snapshot, Vec<crate::diagnostic::Diagnostic>> {
    let Some(scenario) = scenario else { return Ok(Snapshot::default()) };
    let result = session.run(Some(scenario))?;
    let outcome = report::outcome_of(&result, session.sources())
        .map_err(|e| vec![crate::diagnostic::ToDiagnostic::to_diagnostic(&e)])?;
    let mut figures = Vec::new();
    for c in &outcome.claims {
        let state = if c.holds { "holds" } else { "fails" };
        let expected = if c.as_expected() { "" } else { " (not as expected)" };
        figures.push((format!("claim \"{}\"", c.text), format!("{state}{expected}")));
    }
    for s in &outcome.sections {
        let Section::Table(t) = s else { continue };
        for item in &t.items {
            let v = match &item.values {
                ItemValues::Per(vs, _) => vs.last().map(|d| format_exact(*d)),
                ItemValues::One(d) => Some(format_exact(*d)),
                ItemValues::Period(p) => Some(p.clone()),
            };
            let Some(v) = v else { continue };
            let v = if item.unit.is_empty() || matches!(item.values, ItemValues::Period(_)) {
                v
            } else {
                format!("{v} {}", item.unit)
            };
            let label = item.label.clone();
            if !figures.iter().any(|(l, _)| *l == label) {
                figures.push((label, v));
            }
        }
    }
    let tl = &result.timeline;
    let range = format!("{} .. {}", tl.label(0), tl.label(tl.len().saturating_sub(1)));
    let program = result.program.clone();
    // Three figures per entity, checked once for the first entity and then re-aimed at each
    // entity by its id: three compilations however many entities there are.
    let Some(first) = program.entities.first() else { return Ok(Snapshot { figures }) };
    let templates = [
        ("funding_gap", format!("funding_gap({}, {range})", first.name)),
        ("runway", format!("runway({})", first.name)),
        ("defaulted", format!("defaulted({})", first.name)),
    ];
    let mut checked = Vec::new();
    for (f, text) in &templates {
        checked.push((*f, session.check_in_program("<what moved>", text)?));
    }
    let mut labels = Vec::new();
    let mut exprs = Vec::new();
    for (id, e) in program.entities.iter().enumerate() {
        for (f, t) in &checked {
            let label = format!("{f}({})", e.name);
            if figures.iter().any(|(l, _)| *l == label) {
                continue;
            }
            let mut t = t.clone();
            if let TExprKind::Call(_, args) = &mut t.kind {
                if let Some(a) = args.first_mut() {
                    a.value.kind = TExprKind::Entity(id);
                }
            }
            labels.push(label);
            exprs.push(t);
        }
    }
    let values = session.eval_checked(&exprs, Some(scenario))?;
    for (label, v) in labels.into_iter().zip(values) {
        figures.push((label, v.format(&program.registry)));
    }
    Ok(Snapshot { figures })
}

/// The lines that differ between `old` and `new`, `label  old → new`; "nothing moved" if none.
pub fn diff(old: &Snapshot, new: &Snapshot) -> String {
    let mut lines = Vec::new();
    for (label, v) in &new.figures {
        match old.figures.iter().find(|(l, _)| l == label) {
            Some((_, o)) if o == v => {}
            Some((_, o)) => lines.push(format!("  {label}  {o} → {v}")),
            None => lines.push(format!("  {label}  (new) {v}")),
        }
    }
    for (label, o) in &old.figures {
        if !new.figures.iter().any(|(l, _)| l == label) {
            lines.push(format!("  {label}  {o} → (gone)"));
        }
    }
    if lines.is_empty() {
        "nothing moved\n".to_string()
    } else {
        format!("moved:\n{}\n", lines.join("\n"))
    }
}
