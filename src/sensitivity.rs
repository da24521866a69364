//! Sensitivity, one input at a time: `aifin sweep` moves one driver over a range in equal
//! steps; `aifin tornado` moves every input declared as a range (`low .. high ~ point`) to its
//! low and to its high, the others at their points, and sorts them by the swing of the output.
//!
//! Entry points: [`sweep`] and [`tornado`], on a checked program and a checked output
//! expression. Each point is a whole run of the scenario with the input overridden (as a
//! scenario override would), so every figure is the same as `aifin run` would give. The output
//! is read in one period (default: the timeline's last; a constant is the same in every one).

use crate::check::ir::{DefId, Program, TExpr, TExprKind};
use crate::check::Type;
use crate::eval::engine::Val;
use crate::eval::EvalError;
use crate::number::{self, format_exact, Rounding};
use crate::units::Quantity;
use rust_decimal::Decimal;
use serde_json::json;

/// An output value.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// A quantity (in the output's unit).
    Quantity(Decimal),
    /// A period, or `never`.
    Period(String),
}

/// What the output is: its label, unit and minor unit (for money), and the period read.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputInfo {
    /// The expression as written.
    pub label: String,
    /// Its unit as text.
    pub unit: String,
    /// Decimals of the currency's minor unit, for money.
    pub minor: Option<u32>,
    /// The period it is read in.
    pub period: String,
    /// The scenario.
    pub scenario: String,
    /// How text rounds.
    pub rounding: Rounding,
}

/// Runs the scenario with `overrides` applied on top of it and reads `report` in period `at`
/// (default: the last).
fn run_with(
    program: &Program,
    scenario: Option<&str>,
    overrides: &[(DefId, TExpr)],
    report: &TExpr,
    at: Option<&str>,
) -> Result<(Out, OutputInfo), EvalError> {
    let mut p = program.clone();
    let idx = match scenario {
        Some(n) => p.scenarios.iter().position(|s| s.name == n),
        None => (!p.scenarios.is_empty()).then_some(0),
    };
    let name = idx.and_then(|i| p.scenarios.get(i)).map(|s| s.name.clone());
    if let Some(s) = idx.and_then(|i| p.scenarios.get_mut(i)) {
        s.overrides.extend(overrides.iter().cloned());
    }
    let mut run = crate::eval::engine::run_scenario(&p, name.as_deref().or(scenario))?;
    let last = run.timeline.len().saturating_sub(1);
    let i = match at {
        Some(a) => (0..run.timeline.len()).find(|i| run.timeline.label(*i) == a).ok_or_else(|| {
            EvalError::Internal { span: report.span, what: format!("--at {a} is not a period of the timeline") }
        })?,
        None => last,
    };
    let mut info = OutputInfo {
        label: String::new(),
        unit: String::new(),
        minor: None,
        period: run.timeline.label(i),
        scenario: run.scenario.clone(),
        rounding: run.rounding,
    };
    let out = match run.value(report)? {
        Val::S(s, _) | Val::Uncertain(_, _, s) => {
            info.unit = run.reg.format_unit(&s.unit);
            info.minor = crate::eval::engine::is_money(run.reg, &s.unit);
            Out::Quantity(s.get(i))
        }
        Val::Period(x) => Out::Period(x.to_string()),
        Val::Never => Out::Period("never".into()),
        _ => return Err(EvalError::Internal { span: report.span, what: "an output that is not a value".into() }),
    };
    Ok((out, info))
}

fn literal(q: &Quantity, ty: &Type, span: crate::source::Span) -> TExpr {
    TExpr { kind: TExprKind::Literal(q.clone()), ty: ty.clone(), span }
}

/// One step of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The input's value.
    pub input: Decimal,
    /// The output.
    pub output: Out,
}

/// A sweep of one driver.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The driver.
    pub name: String,
    /// The input's unit as text.
    pub input_unit: String,
    /// The output.
    pub info: OutputInfo,
    /// The steps, low to high.
    pub steps: Vec<Step>,
}

/// Moves driver `def` from `low` to `high` (same unit) in `steps` equal steps (at least 2,
/// both ends included) and reads `report` at each.
pub fn sweep(
    program: &Program,
    scenario: Option<&str>,
    def: DefId,
    (low, high): (&Quantity, &Quantity),
    steps: usize,
    report: &TExpr,
    at: Option<&str>,
) -> Result<Sweep, EvalError> {
    let d =
        program.definitions.get(def).ok_or(EvalError::Internal { span: report.span, what: "no such driver".into() })?;
    let arith = |e| EvalError::arith(e, d.span);
    let high = high.convert(&low.unit, &program.registry).map_err(|_| EvalError::Internal {
        span: d.span,
        what: "the ends of a sweep are not quantities of one dimension".into(),
    })?;
    let span = number::sub(high.value, low.value).map_err(arith)?;
    let n = steps.max(2);
    let ty = Type::constant(program.registry.dimension(&low.unit));
    let mut out = Vec::with_capacity(n);
    let mut info = None;
    for i in 0..n {
        let frac = number::div(Decimal::from(i as u64), Decimal::from((n - 1) as u64)).map_err(arith)?;
        let v = number::add(low.value, number::mul(span, frac).map_err(arith)?).map_err(arith)?;
        let q = Quantity::new(v, low.unit.clone());
        let (o, inf) = run_with(program, scenario, &[(def, literal(&q, &ty, d.span))], report, at)?;
        info.get_or_insert(inf);
        out.push(Step { input: v, output: o });
    }
    let mut info = info.ok_or(EvalError::Internal { span: report.span, what: "an empty sweep".into() })?;
    info.label = String::new();
    Ok(Sweep { name: d.name.clone(), input_unit: program.registry.format_unit(&low.unit), info, steps: out })
}

/// One bar of a tornado.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The input (a driver or curve declared as a range).
    pub name: String,
    /// Its low and high, as written.
    pub range: (String, String),
    /// The output with the input at its low.
    pub at_low: Decimal,
    /// The output with the input at its high.
    pub at_high: Decimal,
    /// |at_high − at_low|.
    pub swing: Decimal,
}

/// A tornado: the output at every input's point, and a bar per ranged input, largest swing
/// first (ties in declaration order).
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    /// The output.
    pub info: OutputInfo,
    /// The output with every input at its point.
    pub base: Decimal,
    /// The bars.
    pub bars: Vec<Bar>,
}

/// Builds the tornado of `report` over every definition whose value (in the scenario) is a
/// range `low .. high [~ point]`. `text` gives an expression's text for the bar labels.
pub fn tornado(
    program: &Program,
    scenario: Option<&str>,
    report: &TExpr,
    at: Option<&str>,
    text: &dyn Fn(&TExpr) -> String,
) -> Result<Tornado, EvalError> {
    let quantity = |o: Out| match o {
        Out::Quantity(v) => Ok(v),
        Out::Period(_) => Err(EvalError::Internal {
            span: report.span,
            what: "a tornado needs an output that is a quantity, not a period".into(),
        }),
    };
    let (base, info) = run_with(program, scenario, &[], report, at)?;
    let base = quantity(base)?;
    // the value each definition has in the scenario: its last override along the chain
    let mut effective = program.definitions.map(|d| &d.value);
    let mut chain = Vec::new();
    let mut cur = match scenario {
        Some(n) => program.scenarios.iter().find(|s| s.name == n),
        None => program.scenarios.first(),
    };
    while let Some(s) = cur {
        if chain.len() > program.scenarios.len() {
            break;
        }
        chain.push(s);
        cur = s.extends.as_ref().and_then(|b| program.scenarios.iter().find(|x| &x.name == b));
    }
    for s in chain.iter().rev() {
        for (id, e) in &s.overrides {
            if let Some(slot) = effective.get_mut(*id) {
                *slot = e;
            }
        }
    }
    let mut bars = Vec::new();
    for (id, e) in effective.iter_enumerated() {
        let TExprKind::Range { low, high, .. } = &e.kind else { continue };
        if !matches!(e.ty, Type::Uncertain(_)) {
            continue;
        }
        let name = program
            .definitions
            .get(id)
            .map(|d| d.name.clone())
            .ok_or_else(|| EvalError::internal(e.span, "an input of no definition"))?;
        let (lo, _) = run_with(program, scenario, &[(id, (**low).clone())], report, at)?;
        let (hi, _) = run_with(program, scenario, &[(id, (**high).clone())], report, at)?;
        let (at_low, at_high) = (quantity(lo)?, quantity(hi)?);
        let swing = number::sub(at_high, at_low).map_err(|x| EvalError::arith(x, e.span))?.abs();
        bars.push(Bar { name, range: (text(low), text(high)), at_low, at_high, swing });
    }
    bars.sort_by_key(|b| std::cmp::Reverse(b.swing));
    Ok(Tornado { info, base, bars })
}

fn out_text(o: &Out, info: &OutputInfo) -> String {
    match o {
        Out::Quantity(v) => crate::report::text::quantity(*v, &info.unit, info.minor, info.rounding),
        Out::Period(p) => p.clone(),
    }
}

fn out_exact(o: &Out) -> String {
    match o {
        Out::Quantity(v) => format_exact(*v),
        Out::Period(p) => p.clone(),
    }
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let w: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let width = w.get(c).copied().unwrap_or(0);
            let pad = " ".repeat(width.saturating_sub(cell.chars().count()));
            if c == 0 {
                line.push_str(&format!("{cell}{pad}"));
            } else {
                line.push_str(&format!("  {pad}{cell}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A sweep as text, JSON or CSV (`format`: "text", "json", "csv").
pub fn render_sweep(s: &Sweep, output: &str, format: &str) -> String {
    match format {
        "json" => {
            let doc = json!({
                "scenario": s.info.scenario,
                "period": s.info.period,
                "input": { "name": s.name, "unit": s.input_unit },
                "output": { "expression": output, "unit": s.info.unit },
                "steps": s.steps.iter().map(|x| json!({ "input": format_exact(x.input), "output": out_exact(&x.output) })).collect::<Vec<_>>(),
            });
            let mut t = serde_json::to_string_pretty(&doc).unwrap_or_default();
            t.push('\n');
            t
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record([format!("{} [{}]", s.name, s.input_unit), format!("{output} [{}]", s.info.unit)]);
            for x in &s.steps {
                let _ = w.write_record([format_exact(x.input), out_exact(&x.output)]);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        _ => {
            let mut rows =
                vec![vec![s.name.clone(), output.to_string()], vec![s.input_unit.clone(), s.info.unit.clone()]];
            for x in &s.steps {
                let input = crate::report::text::quantity(x.input, "", None, s.info.rounding);
                rows.push(vec![
                    input,
                    out_text(&x.output, &s.info).trim_end_matches(&format!(" {}", s.info.unit)).to_string(),
                ]);
            }
            format!(
                "sweep of {} in scenario {}, {output} in {}:\n{}",
                s.name,
                s.info.scenario,
                s.info.period,
                table(&rows)
            )
        }
    }
}

/// A tornado as text, JSON or CSV.
pub fn render_tornado(t: &Tornado, output: &str, format: &str) -> String {
    let q = |v: Decimal| crate::report::text::quantity(v, "", t.info.minor, t.info.rounding);
    match format {
        "json" => {
            let doc = json!({
                "scenario": t.info.scenario,
                "period": t.info.period,
                "output": { "expression": output, "unit": t.info.unit, "at_points": format_exact(t.base) },
                "bars": t.bars.iter().map(|b| json!({
                    "input": b.name, "low": b.range.0, "high": b.range.1,
                    "at_low": format_exact(b.at_low), "at_high": format_exact(b.at_high), "swing": format_exact(b.swing),
                })).collect::<Vec<_>>(),
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(["input", "low", "high", "at_low", "at_high", "swing"]);
            for b in &t.bars {
                let _ = w.write_record([
                    b.name.clone(),
                    b.range.0.clone(),
                    b.range.1.clone(),
                    format_exact(b.at_low),
                    format_exact(b.at_high),
                    format_exact(b.swing),
                ]);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        _ => {
            let mut rows = vec![vec![
                "input".to_string(),
                "low .. high".into(),
                format!("at low [{}]", t.info.unit),
                format!("at high [{}]", t.info.unit),
                "swing".into(),
            ]];
            for b in &t.bars {
                rows.push(vec![
                    b.name.clone(),
                    format!("{} .. {}", b.range.0, b.range.1),
                    q(b.at_low),
                    q(b.at_high),
                    q(b.swing),
                ]);
            }
            format!(
                "tornado of {output} in scenario {}, {}: {} with every input at its point\n{}",
                t.info.scenario,
                t.info.period,
                crate::report::text::quantity(t.base, &t.info.unit, t.info.minor, t.info.rounding),
                table(&rows)
            )
        }
    }
}

/// Splits `--vary NAME=LOW..HIGH` into the name and the range's text.
pub fn parse_vary(vary: &str) -> Result<(&str, &str), crate::explain::Failure> {
    match vary.split_once('=') {
        Some((name, range)) => Ok((name.trim(), range.trim())),
        None => Err(crate::explain::Failure::Request(format!("--vary {vary}: write NAME=LOW..HIGH"))),
    }
}

/// `aifin sweep` on a checked program: `name` is the driver, `range` the checked `LOW..HIGH`,
/// `report` the checked output.
#[allow(clippy::too_many_arguments)]
pub fn sweep_program(
    program: &Program,
    sources: &crate::source::SourceMap,
    name: &str,
    range: &TExpr,
    steps: usize,
    report: &TExpr,
    scenario: Option<&str>,
    at: Option<&str>,
) -> Result<Sweep, crate::explain::Failure> {
    use crate::diagnostic::ToDiagnostic;
    use crate::explain::Failure;
    let def =
        program.definitions.iter_enumerated().find(|(_, d)| d.name == name).map(|(id, _)| id).ok_or_else(|| {
            let known: Vec<&str> = program
                .definitions
                .iter()
                .filter(|d| sources.get(d.span.source()).is_some_and(|s| s.kind() != crate::source::SourceKind::Std))
                .map(|d| d.name.as_str())
                .collect();
            Failure::Request(format!("--vary: no driver or curve `{name}` (the file declares: {})", known.join(", ")))
        })?;
    let (low, high) = match crate::eval::eval_expr(range, program) {
        Ok(crate::eval::Value::Uncertain { low, high, .. }) => (low, high),
        Ok(_) => return Err(Failure::Request(format!("--vary {name}: the values are a range LOW..HIGH"))),
        Err(e) => return Err(Failure::Diagnostics(vec![e.to_diagnostic()])),
    };
    let reg = &program.registry;
    let want = program.definitions.get(def).and_then(|d| d.value.ty.dimension().cloned());
    if want.as_ref() != Some(&reg.dimension(&low.unit)) || reg.dimension(&low.unit) != reg.dimension(&high.unit) {
        let unit = program.definitions.get(def).map(|d| d.value.ty.describe(reg)).unwrap_or_default();
        return Err(Failure::Request(format!("--vary {name}: `{name}` is {unit}; the range must have its dimension")));
    }
    if steps < 2 {
        return Err(Failure::Request("--steps: at least 2 (both ends)".into()));
    }
    sweep(program, scenario, def, (&low, &high), steps, report, at)
        .map_err(|e| Failure::Diagnostics(vec![e.to_diagnostic()]))
}

/// `aifin tornado` on a checked program and output.
pub fn tornado_program(
    program: &Program,
    sources: &crate::source::SourceMap,
    report: &TExpr,
    scenario: Option<&str>,
    at: Option<&str>,
) -> Result<Tornado, crate::explain::Failure> {
    use crate::diagnostic::ToDiagnostic;
    let text = |e: &TExpr| sources.slice(e.span).split_whitespace().collect::<Vec<_>>().join(" ");
    tornado(program, scenario, report, at, &text)
        .map_err(|e| crate::explain::Failure::Diagnostics(vec![e.to_diagnostic()]))
}
