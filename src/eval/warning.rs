//! Warnings: findings that do not stop a command, each with a stable code like an error's.
//!
//! A warning is reported with the program it concerns and the command goes on (exit status
//! unchanged). The [`crate::session::Session`] computes the warnings of every program it
//! commits ([`warnings`]), so `aifin check`, `aifin run`, `aifin sample` and the REPL show the
//! same ones, rendered like errors ([`crate::diagnostic`]) with `⚠` in place of `×`.
//!
//! There are two:
//! - a range's written point outside its own interval (`low .. high ~ point` with point < low
//!   or point > high). The point is what a deterministic run uses, while `aifin sample` draws
//!   from the interval, so the two would disagree about the same input; it is most often a typo
//!   in a unit or a magnitude;
//! - a flow dated (`on`) or starting (`from`) after the end of every scenario's timeline: no
//!   run posts it (payments after the timeline are not posted, by design), so it is most often
//!   a wrong year or a timeline cut too short.

use super::engine::Run;
use super::series::Series;
use crate::check::ir::{Program, TExpr, TExprKind};
use crate::check::Type;
use crate::diagnostic::{Diagnostic, Severity, ToDiagnostic};
use crate::source::Span;

/// A warning of the evaluation stage (`aifin::eval::…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalWarning {
    /// `low .. high ~ point` whose point lies outside `low .. high`.
    PointOutside {
        /// `low .. high`.
        span: Span,
        /// The point.
        point_span: Span,
        /// The point, the low end and the high end, as written out in the low end's unit.
        point: String,
        low: String,
        high: String,
    },
    /// A flow whose `on` date or `from` period starts after every scenario's timeline ends.
    AfterTimeline {
        /// The flow.
        span: Span,
        /// Its name, `Entity.flow`.
        flow: String,
        /// `on 2031-01-01` or `from 2031-01`.
        when: String,
        /// The last day of the latest timeline.
        end: String,
    },
}

// Every code of this stage's warnings (each has an example under `examples/errors/eval/`).
crate::diagnostic::diagnostic_codes! {
    EvalWarning {
        PointOutside => "aifin::eval::point_outside": "a warning: `low .. high ~ point` whose point lies outside `low .. high` (a run uses the point, `aifin sample` the interval)",
        AfterTimeline => "aifin::eval::after_timeline": "a warning: a flow dated (`on`) or starting (`from`) after the end of every scenario's timeline, which no run posts",
    }
}

impl ToDiagnostic for EvalWarning {
    fn code(&self) -> &'static str {
        self.diagnostic_code()
    }

    fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            EvalWarning::PointOutside { span, point_span, point, low, high } => {
                let side = "a run uses the point, while `aifin sample` draws 90 % of its values between the ends";
                Diagnostic::warning(code, format!("the point {point} lies outside its interval {low} .. {high}"))
                    .with_label(*point_span, "outside the interval")
                    .with_label(*span, "the 90 % interval")
                    .with_help(format!("{side}: move the point inside, or widen the interval"))
            }
            EvalWarning::AfterTimeline { span, flow, when, end } => Diagnostic::warning(
                code,
                format!("flow {flow} falls after the end of every timeline ({end}): no run posts it"),
            )
            .with_label(*span, format!("{when}, after {end}"))
            .with_help(
                "what falls after the timeline is not posted: check the date, or extend the scenario's timeline",
            ),
        }
    }
}

/// Every warning of `program`, in the order written, as diagnostics.
///
/// A range's ends and point are read as a run outside any scenario reads constants (the
/// program's own definitions, not a scenario's overrides of them). A range whose ends or point
/// cannot be read so gives no warning: one that fails to evaluate (its run reports the
/// failure), but also one that needs a timeline (`at(curve, 2027) .. …`), which a run reads
/// without complaint; and reversed ends are the run's `bad_distribution`, not a warning.
pub fn warnings(program: &Program) -> Vec<Diagnostic> {
    // the program's definitions and every scenario's overrides of them
    let defs = program.definitions.iter().map(|d| &d.value);
    let overrides = program.scenarios.iter().flat_map(|s| s.overrides.iter().map(|(_, e)| e));
    let mut nodes: Vec<&TExpr> = Vec::new();
    for e in super::uncertain::read_by_a_run(program, defs.chain(overrides)) {
        ranges_with_points(e, &mut nodes);
    }
    nodes.sort_by_key(|e| (e.span.source(), e.span.start()));
    nodes.dedup_by_key(|e| e.span);
    let mut out = points_outside(program, nodes);
    out.extend(after_timeline(program).into_iter().map(|w| w.to_diagnostic()));
    out
}

/// The flows dated or starting after the last day of every scenario's timeline (none when no
/// scenario has a timeline).
fn after_timeline(program: &Program) -> Vec<EvalWarning> {
    use crate::calendar::day_number;
    let Some((y, m, d)) = program
        .scenarios
        .iter()
        .filter_map(|s| s.timeline.as_ref())
        .map(super::timeline::Timeline::last_day)
        .max_by_key(|&(y, m, d)| day_number(y, m, d))
    else {
        return Vec::new();
    };
    let end = day_number(y, m, d);
    let mut out = Vec::new();
    for f in program.flows.iter() {
        let (word, p) = match (f.on, f.from) {
            (Some(p), _) => ("on", p),
            (None, Some(p)) => ("from", p),
            (None, None) => continue,
        };
        let (a, b, c) = crate::calendar::period_start(p);
        if day_number(a, b, c) <= end {
            continue;
        }
        let entity = program.entities.get(f.entity).map(|e| e.name.as_str()).unwrap_or("?");
        out.push(EvalWarning::AfterTimeline {
            span: f.span,
            flow: format!("{entity}.{}", f.name),
            when: format!("{word} {p}"),
            end: format!("{y:04}-{m:02}-{d:02}"),
        });
    }
    out
}

/// The warnings of one checked expression of `program` (`aifin eval`'s), as diagnostics.
pub fn expr_warnings(program: &Program, e: &TExpr) -> Vec<Diagnostic> {
    let mut nodes = Vec::new();
    ranges_with_points(e, &mut nodes);
    points_outside(program, nodes)
}

/// The warnings of the `low .. high ~ point` nodes whose point is outside, in order.
///
/// One constants run evaluates them all, its definitions evaluated once for every node (a run
/// per node made a table of every definition of the program each time: quadratic in a large
/// program, issue 20). A node whose evaluation fails (no warning, as before) leaves the next
/// a fresh run, so that a failed evaluation's state cannot reach another node.
fn points_outside(program: &Program, nodes: Vec<&TExpr>) -> Vec<Diagnostic> {
    let mut run: Option<Run> = None;
    let mut out = Vec::new();
    for e in nodes {
        if run.is_none() {
            run = Run::constants(program, e.span).ok();
        }
        let Some(r) = run.as_mut() else { continue };
        match point_outside(program, r, e) {
            Ok(Some(w)) => out.push(w.to_diagnostic()),
            Ok(None) => {}
            Err(Unknown) => run = None,
        }
    }
    out
}

/// An uncertain node whose ends or point could not be evaluated or compared.
struct Unknown;

/// The warning of one `low .. high ~ point` node, if its point is outside.
fn point_outside(program: &Program, run: &mut Run<'_>, e: &TExpr) -> Result<Option<EvalWarning>, Unknown> {
    let TExprKind::Range { low, high, point: Some(point) } = &e.kind else { return Ok(None) };
    let l = run.series(low).map_err(|_| Unknown)?;
    let in_low = |s: Series| s.convert(&l.unit, &program.registry).map_err(|_| Unknown);
    let h = in_low(run.series(high).map_err(|_| Unknown)?)?;
    let p = in_low(run.series(point).map_err(|_| Unknown)?)?;
    let (lv, hv, pv) = (l.get(0), h.get(0), p.get(0));
    // reversed ends are an error of the run (`bad_distribution`), not a point outside them
    if hv < lv || (pv >= lv && pv <= hv) {
        return Ok(None);
    }
    let unit = program.registry.format_unit(&l.unit);
    let shown = |x: rust_decimal::Decimal| {
        let n = crate::number::group_digits(&crate::number::format_exact(x));
        if unit.is_empty() {
            n
        } else {
            format!("{n} {unit}")
        }
    };
    Ok(Some(EvalWarning::PointOutside {
        span: low.span.to(high.span),
        point_span: point.span,
        point: shown(pv),
        low: shown(lv),
        high: shown(hv),
    }))
}

/// Every uncertain `low .. high ~ point` inside `e` (a distribution's parameters included).
fn ranges_with_points<'p>(e: &'p TExpr, out: &mut Vec<&'p TExpr>) {
    match &e.kind {
        TExprKind::Range { low, high, point } if matches!(e.ty, Type::Uncertain(_)) => {
            if point.is_some() {
                out.push(e);
            }
            ranges_with_points(low, out);
            ranges_with_points(high, out);
            if let Some(p) = point {
                ranges_with_points(p, out);
            }
        }
        TExprKind::Call(_, args) => args.iter().for_each(|a| ranges_with_points(&a.value, out)),
        TExprKind::Neg(x) | TExprKind::Convert(x, _) => ranges_with_points(x, out),
        TExprKind::Binary { lhs, rhs, .. } => {
            ranges_with_points(lhs, out);
            ranges_with_points(rhs, out);
        }
        _ => {}
    }
}

/// True for a warning (it does not stop a command).
pub fn is_warning(d: &Diagnostic) -> bool {
    d.severity == Severity::Warning
}
