//! "What moved": the headline figures of a run, taken before and after a change and compared.
//!
//! A snapshot holds, in a fixed order, each claim's outcome, each report item's last value and,
//! for every entity, `funding_gap` over the whole timeline, `runway` and `defaulted`. The
//! difference of two snapshots is the lines whose text changed, `old → new`.

use crate::check::ir::{TExpr, TExprKind};
use crate::eval::engine::Run;
use crate::eval::timeline::Timeline;
use crate::eval::{EvalError, RunResult};
use crate::number::format_exact;
use crate::report::{self, ItemValues, Section};
use crate::session::Session;
use crate::source::SourceMap;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The figures of one run, as text, by label.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub figures: Vec<(String, String)>,
    /// The run they were taken from.
    pub run: Option<std::sync::Arc<crate::eval::RunResult>>,
    /// The entity figures' expressions, checked once (see [`templates`]).
    templates: Option<Arc<Templates>>,
}

/// The three figures of an entity checked for the first entity of a program (`funding_gap`
/// over the whole timeline, `runway`, `defaulted`), with what they were checked against: a
/// snapshot after an override takes them from the one before when those are the same.
#[derive(Debug)]
struct Templates {
    entities: usize,
    first: String,
    units: usize,
    timeline: Timeline,
    checked: Vec<(&'static str, TExpr)>,
}

type Diags = Vec<crate::diagnostic::Diagnostic>;

/// The snapshot of `scenario` in `session` (empty without a scenario).
pub fn snapshot(session: &mut Session, scenario: Option<&str>) -> Result<Snapshot, Diags> {
    snapshot_after(session, scenario, None)
}

/// [`snapshot`], taking from `before` (a snapshot of the same program's entities, as after
/// an override) the figures of each entity whose books did not change, so a change that
/// touches one entity of a thousand evaluates three figures, not three thousand. When the
/// run is not made yet, the figures are read off it as it is made, without copying its books.
pub fn snapshot_after(
    session: &mut Session,
    scenario: Option<&str>,
    before: Option<&Snapshot>,
) -> Result<Snapshot, Diags> {
    let Some(scenario) = scenario else { return Ok(Snapshot::default()) };
    let one = |e: EvalError| vec![crate::diagnostic::ToDiagnostic::to_diagnostic(&e)];
    let prev = before.and_then(|b| b.run.clone());
    let mut kept = HashMap::new();
    if let Some(b) = before {
        for (l, v) in &b.figures {
            kept.entry(l.clone()).or_insert(v.clone());
        }
    }
    let earlier = before.and_then(|b| b.templates.clone());
    if let Some(prev) = &prev {
        // the timeline is the one before (an override keeps it; checked on the new run)
        let checked = templates(session, &prev.timeline, earlier.clone())?;
        let made = session.run_and(Some(scenario), |run, sources| {
            if run.timeline != prev.timeline {
                return None;
            }
            Some(figures_on(run, sources, &checked.checked, Some((prev, &kept))))
        })?;
        if let (result, Some(Some(figures))) = made {
            return Ok(Snapshot { figures: figures.map_err(one)?, run: Some(result), templates: Some(checked) });
        }
    }
    let result = session.run(Some(scenario))?;
    let checked = templates(session, &result.timeline, earlier)?;
    let mut query = result.query().map_err(one)?;
    let figures =
        figures_on(&mut query, session.sources(), &checked.checked, prev.as_ref().map(|p| (p, &kept))).map_err(one)?;
    drop(query);
    Ok(Snapshot { figures, run: Some(result), templates: Some(checked) })
}

/// The three figures of an entity (`funding_gap` over `tl`, `runway`, `defaulted`), checked
/// once for the first entity and re-aimed at each entity by its id: three checks however many
/// entities there are, none when `earlier` were checked against the same entities, units and
/// timeline (an override changes none of them). None without entities.
fn templates(session: &mut Session, tl: &Timeline, earlier: Option<Arc<Templates>>) -> Result<Arc<Templates>, Diags> {
    let program = session.program().clone();
    let same = |t: &Templates| {
        t.entities == program.entities.len()
            && program.entities.first().is_some_and(|e| e.name == t.first)
            && t.units == program.registry.units().len()
            && t.timeline == *tl
    };
    if let Some(t) = earlier.filter(|t| same(t)) {
        return Ok(t);
    }
    let mut made = Templates {
        entities: program.entities.len(),
        first: program.entities.first().map(|e| e.name.clone()).unwrap_or_default(),
        units: program.registry.units().len(),
        timeline: tl.clone(),
        checked: Vec::new(),
    };
    let Some(first) = program.entities.first() else { return Ok(Arc::new(made)) };
    let range = format!("{} .. {}", tl.label(0), tl.label(tl.len().saturating_sub(1)));
    let texts = [
        ("funding_gap", format!("funding_gap({}, {range})", first.name)),
        ("runway", format!("runway({})", first.name)),
        ("defaulted", format!("defaulted({})", first.name)),
    ];
    for (f, text) in &texts {
        made.checked.push((*f, session.check_in_program("<what moved>", text)?));
    }
    Ok(Arc::new(made))
}

/// The figures of `run`: each claim's outcome, each report item's last value, and the
/// figures of every entity from `checked` — taken from `before` (an earlier run's result and
/// its figures by label) for an entity whose minimum cash, cash on the full-payment path and
/// default period are the same there (all three figures read, with the timeline).
fn figures_on(
    run: &mut Run<'_>,
    sources: &SourceMap,
    checked: &[(&'static str, TExpr)],
    before: Option<(&Arc<RunResult>, &HashMap<String, String>)>,
) -> Result<Vec<(String, String)>, EvalError> {
    let outcome = report::outcome(run, sources)?;
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
    let program = run.program;
    let head: HashSet<String> = figures.iter().map(|(l, _)| l.clone()).collect();
    for (id, e) in program.entities.iter_enumerated() {
        let kept = before.filter(|(r, _)| {
            r.program.entities.len() == program.entities.len()
                && r.timeline == run.timeline
                && r.paid_path(id).is_some_and(|p| Some(p) == run.paid_path(id))
                && r.defaults.period_of.get(id) == run.defaults.period_of.get(id)
        });
        for (f, t) in checked {
            let label = format!("{f}({})", e.name);
            if head.contains(&label) {
                continue;
            }
            if let Some(v) = kept.and_then(|(_, k)| k.get(&label)) {
                figures.push((label, v.clone()));
                continue;
            }
            let mut t = t.clone();
            if let TExprKind::Call(_, args) = &mut t.kind {
                if let Some(a) = args.first_mut() {
                    a.value.kind = TExprKind::Entity(id);
                }
            }
            let v = run.value(&t)?;
            let v = crate::eval::result::to_value(run, v, t.span)?;
            figures.push((label, v.format(&program.registry)));
        }
    }
    Ok(figures)
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
