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
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub figures: Vec<(String, String)>,
    /// The run they were taken from.
    pub run: Option<std::sync::Arc<crate::eval::RunResult>>,
}

/// True when entity `e`'s three figures (`funding_gap`, `runway`, `defaulted`) must be the
/// same in runs `a` and `b`: they read only its minimum cash, its cash on the full-payment
/// path, the period it defaults in and the timeline, and those are equal.
fn same_figures(a: &crate::eval::RunResult, b: &crate::eval::RunResult, e: usize) -> bool {
    a.timeline == b.timeline
        && a.paid_path(e) == b.paid_path(e)
        && a.defaults.period_of.get(e) == b.defaults.period_of.get(e)
}

/// The snapshot of `scenario` in `session` (empty without a scenario).
pub fn snapshot(session: &mut Session, scenario: Option<&str>) -> Result<Snapshot, Vec<crate::diagnostic::Diagnostic>> {
    snapshot_after(session, scenario, None)
}

/// [`snapshot`], taking from `before` (a snapshot of the same program's entities, as after
/// an override) the figures of each entity whose books did not change, so a change that
/// touches one entity of a thousand evaluates three figures, not three thousand.
pub fn snapshot_after(
    session: &mut Session,
    scenario: Option<&str>,
    before: Option<&Snapshot>,
) -> Result<Snapshot, Vec<crate::diagnostic::Diagnostic>> {
    let Some(scenario) = scenario else { return Ok(Snapshot::default()) };
    let result = session.run(Some(scenario))?;
    let one = |e: crate::eval::EvalError| vec![crate::diagnostic::ToDiagnostic::to_diagnostic(&e)];
    // one evaluator over the run's books for the reports and the figures (each is a copy)
    let mut query = result.query().map_err(one)?;
    let outcome = report::outcome(&mut query, session.sources()).map_err(one)?;
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
    let Some(first) = program.entities.first() else { return Ok(Snapshot { figures, run: Some(result) }) };
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
    let mut kept = std::collections::HashMap::new();
    if let Some((b, run)) = before.and_then(|b| Some((b, b.run.as_ref()?))) {
        if run.program.entities.len() == program.entities.len() {
            for (l, v) in &b.figures {
                kept.entry(l.as_str()).or_insert(v.as_str());
            }
        }
    }
    let reused = |e: usize| before.and_then(|b| b.run.as_ref()).is_some_and(|r| same_figures(r, &result, e));
    let mut pending = Vec::new();
    for (id, e) in program.entities.iter().enumerate() {
        let same = reused(id);
        for (f, t) in &checked {
            let label = format!("{f}({})", e.name);
            if figures.iter().any(|(l, _)| *l == label) {
                continue;
            }
            if let Some(v) = kept.get(label.as_str()).filter(|_| same) {
                pending.push((label, Some(v.to_string())));
                continue;
            }
            pending.push((label.clone(), None));
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
    let mut values = Vec::with_capacity(exprs.len());
    for e in &exprs {
        let v = query.value(e).map_err(one)?;
        values.push(crate::eval::result::to_value(&query, v, e.span).map_err(one)?);
    }
    let mut values = labels.into_iter().zip(values);
    for (label, v) in pending {
        match v {
            Some(v) => figures.push((label, v)),
            None => {
                if let Some((_, v)) = values.next() {
                    figures.push((label, v.format(&program.registry)));
                }
            }
        }
    }
    Ok(Snapshot { figures, run: Some(result) })
}

/// The lines that differ between `old` and `new`, `label  old → new`; "nothing moved" if none.
pub fn diff(old: &Snapshot, new: &Snapshot) -> String {
    let mut lines = Vec::new();
    // the first of equal labels, as a search from the start finds it
    let mut before = std::collections::HashMap::new();
    for (l, v) in &old.figures {
        before.entry(l.as_str()).or_insert(v.as_str());
    }
    let after: std::collections::HashSet<&str> = new.figures.iter().map(|(l, _)| l.as_str()).collect();
    for (label, v) in &new.figures {
        match before.get(label.as_str()) {
            Some(o) if o == v => {}
            Some(o) => lines.push(format!("  {label}  {o} → {v}")),
            None => lines.push(format!("  {label}  (new) {v}")),
        }
    }
    for (label, o) in &old.figures {
        if !after.contains(label.as_str()) {
            lines.push(format!("  {label}  {o} → (gone)"));
        }
    }
    if lines.is_empty() {
        "nothing moved\n".to_string()
    } else {
        format!("moved:\n{}\n", lines.join("\n"))
    }
}
