//! Pictures of a run: SVG time charts (`aifin plot`), the contract network, and the
//! self-contained HTML report (`aifin run --format html`).
//!
//! Entry points: [`plot`] (expressions of a loaded [`Session`] → one SVG document) and
//! [`html::report`] (every report, claim, default and the contract network of one or more
//! scenarios → one HTML file). Charts are drawn by plotters' SVG backend ([`chart`],
//! [`network`]) built without font support: plotters then estimates text widths from the
//! font size alone and writes text as SVG `<text>`, so the output never depends on the fonts
//! installed on the machine; same input, same bytes.
//!
//! Values come from the library (a run's values through [`Session::eval_checked`], a report's
//! [`crate::report::Outcome`], a [`crate::eval::RunResult`]'s ledger and defaults), never from
//! re-parsed command output. Exact decimals become `f64` ([`to_f64`]) only as drawing
//! coordinates and as the rounded labels on a picture — never on a money path; tables in the
//! HTML report print the exact values as `aifin run` does.

pub mod chart;
pub mod html;
pub mod network;
pub mod samples;

use crate::diagnostic::Diagnostic;
use crate::eval::Value;
use crate::session::Session;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A line: balances, series, constants.
    Line,
    /// Stacked bars: flows (amounts booked in each period, which add up).
    Bar,
    /// A fan of percentiles over Monte Carlo samples: `values` is the median, [`Plotted::band`]
    /// the p5, p25, p75 and p95 of each period.
    Fan,
}

/// A series to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Plotted {
    /// Its label in the legend.
    pub label: String,
    /// Its unit as text (one panel per unit).
    pub unit: String,
    /// Line or bars.
    pub kind: Kind,
    /// An outflow (`costs`, `capex`, `depreciation`, `interest`: positive amounts by the
    /// reports' sign convention) drawn below the axis, so inflows and outflows do not stack
    /// on each other.
    pub down: bool,
    /// One drawing coordinate per period.
    pub values: Vec<f64>,
    /// For a fan: p5, p25, p75 and p95, one coordinate per period each.
    pub band: Option<[Vec<f64>; 4]>,
}

/// Whether `e` is a call of one of the outflow built-ins (`costs`, `capex`, `depreciation`,
/// `interest`), whose bars are drawn below the axis.
pub fn outflow(e: &crate::check::ir::TExpr) -> bool {
    use crate::check::ir::{Builtin, TExprKind};
    matches!(e.kind, TExprKind::Call(Builtin::Costs | Builtin::Capex | Builtin::Depreciation | Builtin::Interest, _))
}

/// How a reported expression is drawn: flows as stacked bars (an outflow below the axis),
/// except the signed totals `profit`, `net` and `financing`, which are sums of the other flows
/// and would double them if stacked: those, balances and series are lines.
pub fn drawn_as(e: &crate::check::ir::TExpr) -> (Kind, bool) {
    use crate::check::ir::{Builtin, TExprKind};
    let total = matches!(e.kind, TExprKind::Call(Builtin::Profit | Builtin::Net | Builtin::Financing, _));
    if e.ty.shape() == Some(crate::check::Shape::Flow) && !total {
        (Kind::Bar, outflow(e))
    } else {
        (Kind::Line, false)
    }
}

/// A decimal as a drawing coordinate (not a money path: nothing computed from it is booked).
pub fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Text for XML and HTML: `&`, `<`, `>` and quotes escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Colours for a dark background, for a picture that stands alone (the HTML report has the
/// same rules in its own style sheet).
const SVG_STYLE: &str = "<style>@media (prefers-color-scheme: dark) { svg { background: #111; } \
text { fill: #e8e8e8; } [stroke=\"#000000\"] { stroke: #bbb; } [fill=\"#FFFFFF\"] { fill: #222; } }</style>";

/// Makes an SVG document from plotters accessible: `role="img"`, a `<title>` and a `<desc>`
/// named by `aria-labelledby` (ids start with `id`), and, for a picture that stands alone,
/// colours for a dark background.
pub fn accessible(svg: &str, id: &str, title: &str, desc: &str, standalone: bool) -> String {
    let Some(open) = svg.find("<svg") else { return svg.to_string() };
    let Some(end) = svg.get(open..).and_then(|s| s.find('>')).map(|e| open + e) else { return svg.to_string() };
    let (head, rest) = svg.split_at(end);
    let rest = rest.strip_prefix('>').unwrap_or(rest);
    let style = if standalone { SVG_STYLE } else { "" };
    format!(
        "{head} role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n{style}{rest}",
        escape(title),
        escape(desc)
    )
}

/// A chart's series in words (the text alternative of a chart).
pub fn describe(c: &chart::Chart) -> String {
    let (first, last) = (c.periods.first().cloned().unwrap_or_default(), c.periods.last().cloned().unwrap_or_default());
    let mut parts = vec![format!("{} series over {} periods, {first} to {last}.", c.series.len(), c.periods.len())];
    for s in &c.series {
        let max = s.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = chart::scale_for(max);
        let f = |v: Option<&f64>| v.map(|v| chart::compact(*v, scale)).unwrap_or_default();
        let lo = s.values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = s.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let how = match (s.kind, s.down) {
            (Kind::Line, _) => "line",
            (Kind::Bar, false) => "bars",
            (Kind::Bar, true) => "bars below the axis",
            (Kind::Fan, _) => "median line in a fan of its 5th to 95th percentiles",
        };
        parts.push(format!(
            "{} ({how}, {}): {} in {first}, {} in {last}, lowest {}, highest {}.",
            s.label,
            if s.unit.is_empty() { "no unit" } else { &s.unit },
            f(s.values.first()),
            f(s.values.last()),
            f(Some(&lo)),
            f(Some(&hi)),
        ));
    }
    parts.join(" ")
}

/// Why a picture could not be made.
#[derive(Debug)]
pub enum Failure {
    /// The program or an expression has errors.
    Diagnostics(Vec<Diagnostic>),
    /// The request cannot be met (exit status 2).
    Usage(String),
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(d: Vec<Diagnostic>) -> Failure {
        Failure::Diagnostics(d)
    }
}

/// What `aifin plot` draws.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// How the caption names the source file.
    pub file: &'a str,
    /// The expressions, one series each.
    pub exprs: &'a [String],
    /// The scenario (the first declared when `None`).
    pub scenario: Option<&'a str>,
    /// The first period shown: a period label or its start (`2028`, `2028-03`).
    pub from: Option<&'a str>,
    /// The last period shown.
    pub to: Option<&'a str>,
}

/// The periods `from ..= to` of `labels`: `from` is the first label equal to it or starting
/// with it, `to` the last.
pub fn window(labels: &[String], from: Option<&str>, to: Option<&str>) -> Result<(usize, usize), String> {
    let matches = |l: &String, p: &str| l == p || l.starts_with(&format!("{p}-"));
    let first = match from {
        None => 0,
        Some(p) => labels.iter().position(|l| matches(l, p)).ok_or_else(|| not_in(labels, p))?,
    };
    let last = match to {
        None => labels.len().saturating_sub(1),
        Some(p) => labels.iter().rposition(|l| matches(l, p)).ok_or_else(|| not_in(labels, p))?,
    };
    if last < first || labels.is_empty() {
        return Err(format!("--from {} is after --to {}", from.unwrap_or("start"), to.unwrap_or("end")));
    }
    Ok((first, last))
}

fn not_in(labels: &[String], p: &str) -> String {
    format!(
        "`{p}` is not a period of the timeline ({} .. {})",
        labels.first().map(String::as_str).unwrap_or(""),
        labels.last().map(String::as_str).unwrap_or("")
    )
}

/// `aifin plot`: the expressions of `req` in one scenario of the program loaded in `session`,
/// as an SVG document.
pub fn plot(session: &mut Session, req: &Request<'_>) -> Result<String, Failure> {
    let mut texprs = Vec::new();
    for (i, text) in req.exprs.iter().enumerate() {
        let (_, e) = session.check_expr(&format!("<plot {}>", i + 1), text)?;
        if e.ty.shape().is_none() {
            return Err(Failure::Usage(format!("`{text}` is not a quantity, so it cannot be plotted")));
        }
        texprs.push(e);
    }
    let result = session.run(req.scenario)?;
    let values = session.eval_checked(&texprs, req.scenario)?;
    let labels: Vec<String> = (0..result.timeline.len()).map(|i| result.timeline.label(i)).collect();
    let (first, last) = window(&labels, req.from, req.to).map_err(Failure::Usage)?;
    let reg = &result.program.registry;
    let mut series = Vec::new();
    for ((text, e), v) in req.exprs.iter().zip(&texprs).zip(values) {
        let (kind, down) = drawn_as(e);
        let (unit, vals) = match v {
            Value::Series(points) => (
                points.first().map(|(_, q)| reg.format_unit(&q.unit)).unwrap_or_default(),
                points.iter().map(|(_, q)| to_f64(q.value)).collect::<Vec<_>>(),
            ),
            Value::Quantity(q) => (reg.format_unit(&q.unit), vec![to_f64(q.value); labels.len()]),
            Value::Uncertain { point, .. } => (reg.format_unit(&point.unit), vec![to_f64(point.value); labels.len()]),
            _ => return Err(Failure::Usage(format!("`{text}` has no value per period, so it cannot be plotted"))),
        };
        let label = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let values = vals.get(first..=last).unwrap_or_default().to_vec();
        series.push(Plotted { label, unit, kind, down, values, band: None });
    }
    let periods = labels.get(first..=last).unwrap_or_default().to_vec();
    let title = series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ");
    let caption = format!(
        "scenario {} · {} · {} .. {} {}",
        result.scenario,
        req.file,
        periods.first().map(String::as_str).unwrap_or(""),
        periods.last().map(String::as_str).unwrap_or(""),
        result.timeline.step.keyword()
    );
    let axis = format!("period ({})", result.timeline.step.keyword());
    let c = chart::Chart { title, caption, periods, axis, series };
    let svg = chart::draw(&c).map_err(Failure::Usage)?;
    Ok(accessible(&svg, "chart", &c.title, &describe(&c), true))
}
