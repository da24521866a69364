//! Explanations: how a value was computed, as a tree (`aifin explain`, and the REPL's
//! `:explain` when it comes).
//!
//! Entry points: [`explain`] (an expression in one period of a finished run) and
//! [`explain_claim`] (both sides of a claim). The root of the tree is the value asked for; its
//! children are what it was computed from, each with its value in that period, its unit and
//! where it is declared (`file:line`):
//!
//! - a driver or curve: its expression's operands (with the scenario's override, if any);
//! - `a + b`, `a - b`: the two operands as terms that add up to the sum;
//! - a flow: the rate or amount it books and how it was booked;
//! - `cash(E)`: the opening cash, each flow, each contract's payments by kind and the credit
//!   line, each summed from the ledger up to the end of the period — they add up to the
//!   balance exactly; a loan's payments show the ACTUS events of the period;
//! - `defaulted(E)`: the shortfall and, for each debtor that left E unpaid, what it left
//!   unpaid and, recursively, why it defaulted itself.
//!
//! A child is a [`Term::Plus`] or [`Term::Minus`] when it adds up into its parent (and
//! [`check_sums`] verifies that it does, to the last decimal), or a [`Term::Part`] when the
//! parent was computed from it another way. [`render`] prints the tree as text or JSON.

mod cash;
mod default;
pub mod render;

use crate::check::ir::{Builtin, ClaimIr, ClaimTestIr, DefId, TExpr, TExprKind};
use crate::eval::engine::{Run, Val};
use crate::eval::EvalError;
use crate::number;
use crate::source::{SourceMap, Span};
use crate::syntax::ast::BinaryOp;
use rust_decimal::Decimal;

/// How a child relates to its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// Added into the parent.
    Plus,
    /// Subtracted from the parent.
    Minus,
    /// Something the parent was computed from another way (an operand, a rate, a cause).
    Part,
}

/// A value in an explanation.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A quantity (in the node's unit).
    Quantity(Decimal),
    /// A period, or `never`.
    Period(String),
    /// Anything else, as text (an entity's name, a claim's outcome).
    Text(String),
}

/// One step of an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is (`cash(OpenAI)`, `flow OpenAI.revenue`, `opening cash`…).
    pub label: String,
    /// Its value in the period explained.
    pub value: Shown,
    /// Its unit as text (empty for periods and text).
    pub unit: String,
    /// Decimals of the currency's minor unit, for money (text output rounds to it).
    pub minor: Option<u32>,
    /// Where it is declared or written (`file:line`).
    pub location: Option<String>,
    /// How it was computed, in words.
    pub note: Option<String>,
    /// How it relates to its parent.
    pub term: Term,
    /// What it was computed from.
    pub children: Vec<Node>,
}

impl Node {
    fn leaf(label: impl Into<String>, value: Shown, unit: String) -> Node {
        Node {
            label: label.into(),
            value,
            unit,
            minor: None,
            location: None,
            note: None,
            term: Term::Part,
            children: Vec::new(),
        }
    }
}

/// What an explanation needs: the finished run, the sources (for `file:line` and labels),
/// the period and how deep to go.
pub struct Ctx<'r, 'a> {
    /// The run.
    pub run: &'r mut Run<'a>,
    /// The sources.
    pub sources: &'r SourceMap,
    /// The timeline period explained.
    pub at: usize,
}

impl Ctx<'_, '_> {
    /// `file:line` of a span.
    pub fn location(&self, span: Span) -> Option<String> {
        let src = self.sources.get(span.source()).filter(|s| s.kind() != crate::source::SourceKind::Input)?;
        let (line, _) = self.sources.line_col(span.source(), span.start());
        Some(format!("{}:{line}", src.name()))
    }

    fn text_of(&self, span: Span) -> String {
        self.sources.slice(span).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn period_label(&self) -> String {
        self.run.timeline.label(self.at)
    }

    /// The money unit of the run, as text, and its minor unit.
    fn money(&self) -> (String, Option<u32>) {
        let unit = crate::units::Unit::named(self.run.money);
        (self.run.reg.format_unit(&unit), crate::eval::engine::is_money(self.run.reg, &unit))
    }

    /// The expression a definition has in the run's scenario (its last override along the
    /// scenario's chain of bases, else its declaration).
    fn definition_expr(&self, id: DefId) -> Option<&TExpr> {
        let program = self.run.program;
        let mut chain = Vec::new();
        let mut cur = program.scenarios.iter().find(|s| s.name == self.run.scenario);
        while let Some(s) = cur {
            if chain.len() > program.scenarios.len() {
                break;
            }
            chain.push(s);
            cur = s.extends.as_ref().and_then(|b| program.scenarios.iter().find(|x| &x.name == b));
        }
        // the scenario's own overrides win over its bases'
        for s in &chain {
            if let Some((_, e)) = s.overrides.iter().rev().find(|(d, _)| *d == id) {
                return Some(e);
            }
        }
        program.definitions.get(id).map(|d| &d.value)
    }
}

/// The value of `v` in period `at`, with its unit.
/// (An entity or contract the run's program does not have is a bug: an internal error.)
fn shown(run: &Run<'_>, v: &Val, at: usize) -> Result<(Shown, String, Option<u32>), EvalError> {
    let missing = |what: &str| EvalError::internal(run.scenario_span(), format!("no such {what}"));
    let q = |s: &crate::eval::series::Series| {
        (Shown::Quantity(s.get(at)), run.reg.format_unit(&s.unit), crate::eval::engine::is_money(run.reg, &s.unit))
    };
    Ok(match v {
        Val::S(s, _) => q(s),
        Val::Uncertain(_, _, p) => q(p),
        Val::Period(p) => (Shown::Period(p.to_string()), String::new(), None),
        Val::Never => (Shown::Period("never".into()), String::new(), None),
        Val::Entity(e) => {
            let x = run.program.entities.get(*e).ok_or_else(|| missing("entity"))?;
            (Shown::Text(x.name.clone()), String::new(), None)
        }
        Val::Contract(c) => {
            let x = run.program.contracts.get(*c).ok_or_else(|| missing("contract"))?;
            (Shown::Text(x.name.clone()), String::new(), None)
        }
        Val::Symbol(s) | Val::Text(s) => (Shown::Text(s.clone()), String::new(), None),
        Val::Range(..) => (Shown::Text("a range of days".into()), String::new(), None),
    })
}

/// Explains `e` in timeline period `ctx.at`, `depth` levels deep.
pub fn explain(ctx: &mut Ctx<'_, '_>, e: &TExpr, depth: usize) -> Result<Node, EvalError> {
    let v = ctx.run.value(e)?;
    let (value, unit, minor) = shown(ctx.run, &v, ctx.at)?;
    let mut node = Node::leaf(ctx.text_of(e.span), value, unit);
    node.minor = minor;
    node.location = ctx.location(e.span);
    if depth == 0 {
        return Ok(node);
    }
    match &e.kind {
        TExprKind::Definition(id) => {
            let Some(def) = ctx.definition_expr(*id).cloned() else { return Ok(node) };
            let inner = explain(ctx, &def, depth)?;
            let decl = ctx.run.program.definitions.get(*id);
            node.label = decl.map(|d| d.name.clone()).unwrap_or(node.label);
            // where the expression used was written: the scenario's override, else the declaration
            let overridden = decl.is_some_and(|d| d.value.span != def.span);
            node.location = if overridden { ctx.location(def.span) } else { decl.and_then(|d| ctx.location(d.span)) }
                .or(node.location);
            node.note = Some(format!("= {}", inner.label));
            node.children = inner.children;
            if node.children.is_empty() && inner.note.is_some() {
                node.note = inner.note;
            }
        }
        TExprKind::Binary { op, lhs, rhs, .. } => {
            let l = explain(ctx, lhs, depth - 1)?;
            let r = explain(ctx, rhs, depth - 1)?;
            let sums = matches!(op, BinaryOp::Add | BinaryOp::Sub) && l.unit == node.unit && r.unit == node.unit;
            let (lt, rt) = match (sums, op) {
                (true, BinaryOp::Sub) => (Term::Plus, Term::Minus),
                (true, _) => (Term::Plus, Term::Plus),
                _ => (Term::Part, Term::Part),
            };
            node.children = vec![Node { term: lt, ..l }, Node { term: rt, ..r }];
        }
        TExprKind::Neg(x) | TExprKind::Convert(x, _) => {
            node.children = vec![explain(ctx, x, depth - 1)?];
        }
        TExprKind::Range { low, high, point } => {
            let mut kids = vec![explain(ctx, low, depth - 1)?, explain(ctx, high, depth - 1)?];
            if let Some(p) = point {
                kids.push(explain(ctx, p, depth - 1)?);
            }
            node.children = kids;
        }
        TExprKind::Flow(fid) => cash::flow(ctx, *fid, &mut node, depth)?,
        TExprKind::Call(Builtin::Cash, args) => {
            if let Some(Val::Entity(id)) = args.first().map(|a| ctx.run.value(&a.value)).transpose()? {
                cash::cash(ctx, id, &mut node, depth, e.span)?;
            }
        }
        TExprKind::Call(Builtin::Defaulted, args) => {
            if let Some(Val::Entity(id)) = args.first().map(|a| ctx.run.value(&a.value)).transpose()? {
                default::defaulted(ctx, id, &mut node, depth)?;
            }
        }
        TExprKind::Call(b @ (Builtin::FundingGap | Builtin::Runway), args) => {
            if let Some(Val::Entity(id)) = args.first().map(|a| ctx.run.value(&a.value)).transpose()? {
                let window = match b {
                    Builtin::FundingGap => Some(ctx.run.window(args, 1, e.span)?),
                    _ => None,
                };
                default::shortfall(ctx, *b == Builtin::Runway, id, window, &mut node, e.span)?;
            }
        }
        TExprKind::Call(Builtin::Losses, args) => {
            if let Some(Val::Entity(id)) = args.first().map(|a| ctx.run.value(&a.value)).transpose()? {
                default::losses(ctx, id, &mut node, depth)?;
            }
        }
        TExprKind::Call(Builtin::Profit, args) => {
            // profit = revenue - costs - depreciation - interest, period by period
            let lines = [
                ("revenue", Builtin::Revenue, Term::Plus),
                ("costs", Builtin::Costs, Term::Minus),
                ("depreciation", Builtin::Depreciation, Term::Minus),
                ("interest", Builtin::Interest, Term::Minus),
            ];
            for (name, b, term) in lines {
                let line = TExpr { kind: TExprKind::Call(b, args.clone()), ty: e.ty.clone(), span: e.span };
                let mut child = explain(ctx, &line, 0)?;
                let entity = ctx.text_of(args.first().map(|a| a.span).unwrap_or(e.span));
                child.label = format!("{name}({entity})");
                child.term = term;
                node.children.push(child);
            }
        }
        TExprKind::Call(b @ (Builtin::Total | Builtin::Annual | Builtin::At), args) => {
            window(ctx, *b, args, &mut node, depth)?;
        }
        TExprKind::Call(_, args) => {
            for a in args {
                if matches!(a.value.kind, TExprKind::Entity(_) | TExprKind::Contract(_)) {
                    continue;
                }
                let mut child = explain(ctx, &a.value, depth - 1)?;
                if a.anchor.is_some() || a.name.is_some() {
                    // a curve's anchor (`20B USD/year @ 2025`) or a named argument, as written
                    child.label = ctx.text_of(a.span);
                }
                node.children.push(child);
            }
            if matches!(e.ty.shape(), Some(crate::check::Shape::Series | crate::check::Shape::Flow)) {
                node.note = Some(format!("in {}", ctx.period_label()));
            }
        }
        _ => {}
    }
    Ok(node)
}

/// The most periods whose amounts an explanation of `total`/`annual` lists one by one.
const MAX_TERMS: usize = 36;

/// `total(x, W)`, `annual(x, Y)`, `at(x, P)`: for a flow, its amount in each period of the
/// window, as terms of the total; for a balance, its value at the end of the window; else
/// the argument in the window's first period.
fn window(
    ctx: &mut Ctx<'_, '_>,
    b: Builtin,
    args: &[crate::check::ir::TArg],
    node: &mut Node,
    depth: usize,
) -> Result<(), EvalError> {
    let (Some(x), Some(w)) = (args.first(), args.get(1)) else { return Ok(()) };
    let (first, end) = match ctx.run.value(&w.value)? {
        Val::Period(p) => crate::eval::timeline::Timeline::span_of(p),
        Val::Range(a, b) => (a, b),
        _ => return Ok(()),
    };
    let r = ctx.run.timeline.indices_overlapping(first, end);
    let here = ctx.at;
    let shape = x.value.ty.shape();
    if shape == Some(crate::check::Shape::Flow) && r.len() <= MAX_TERMS {
        node.note = Some(format!("the sum of {} over {} periods", ctx.text_of(x.value.span), r.len()));
        for i in r {
            ctx.at = i;
            let mut child = explain(ctx, &x.value, depth - 1)?;
            child.label = format!("{} in {}", child.label, ctx.run.timeline.label(i));
            child.term = Term::Plus;
            node.children.push(child);
        }
    } else if !r.is_empty() {
        let i = if shape == Some(crate::check::Shape::Level) || b == Builtin::At { r.end - 1 } else { r.start };
        ctx.at = i;
        let mut child = explain(ctx, &x.value, depth - 1)?;
        child.label = format!("{} in {}", child.label, ctx.run.timeline.label(i));
        node.children.push(child);
    }
    ctx.at = here;
    Ok(())
}

/// Explains a claim: whether it comes out as expected, and both sides, in the period its
/// outcome is from (the first period where it fails, for a series).
pub fn explain_claim(ctx: &mut Ctx<'_, '_>, c: &ClaimIr, depth: usize) -> Result<Node, EvalError> {
    let results = crate::report::claim_results(ctx.run, std::slice::from_ref(c))?;
    let Some(r) = results.into_iter().next() else {
        return Err(EvalError::Internal { span: c.span, what: "a claim without a result".into() });
    };
    let outcome = match (r.as_expected(), r.holds) {
        (true, true) => "ok, holds",
        (true, false) => "ok, refuted (expect fail)",
        (false, true) => "FAIL, holds (expect fail)",
        (false, false) => "FAIL, fails",
    };
    if let Some(p) =
        r.period.as_ref().and_then(|p| (0..ctx.run.timeline.len()).find(|i| ctx.run.timeline.label(*i) == *p))
    {
        ctx.at = p;
    }
    let mut node = Node::leaf(format!("claim \"{}\"", c.text), Shown::Text(outcome.into()), String::new());
    node.location = ctx.location(c.span);
    node.note = Some(format!("model {} claimed", r.test));
    let target = match &c.test {
        ClaimTestIr::Approx { target, .. } | ClaimTestIr::Compare(_, target) | ClaimTestIr::Between(target) => target,
    };
    if depth > 0 {
        node.children = vec![explain(ctx, &c.value, depth - 1)?, explain(ctx, target, depth - 1)?];
    }
    Ok(node)
}

/// Checks that every node's `Plus`/`Minus` children add up to it exactly; returns the label
/// path of the first that does not.
pub fn check_sums(n: &Node) -> Result<(), String> {
    let terms: Vec<&Node> = n.children.iter().filter(|c| c.term != Term::Part).collect();
    if !terms.is_empty() {
        if let Shown::Quantity(total) = n.value {
            let mut sum = Decimal::ZERO;
            for c in &terms {
                let Shown::Quantity(v) = c.value else {
                    return Err(format!("{}: a term that is not a quantity", c.label));
                };
                let signed = if c.term == Term::Minus { -v } else { v };
                sum = number::add(sum, signed).map_err(|_| format!("{}: the terms overflow", n.label))?;
            }
            if sum != total {
                return Err(format!("{}: the terms add up to {sum}, not {total}", n.label));
            }
        }
    }
    for c in &n.children {
        check_sums(c).map_err(|e| format!("{} > {e}", n.label))?;
    }
    Ok(())
}

/// What `aifin explain` asks, besides the expression.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The period (default: the timeline's last).
    pub at: Option<String>,
    /// The scenario (default: the first declared).
    pub scenario: Option<String>,
    /// How many levels to show.
    pub depth: usize,
}

/// What to explain: a checked expression, or a claim by number (from 1) or text.
#[derive(Debug, Clone)]
pub enum Target {
    /// An expression checked against the program.
    Expr(TExpr),
    /// A claim: `3` or its text.
    Claim(String),
}

/// The claim an `EXPR` argument names (`claim 3`, `claim "TEXT"`), if it names one.
pub fn claim_request(text: &str) -> Option<&str> {
    text.trim().strip_prefix("claim ").map(str::trim)
}

/// An explanation with what it is for.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The tree.
    pub root: Node,
    /// The scenario.
    pub scenario: String,
    /// The period explained.
    pub period: String,
    /// How text rounds.
    pub rounding: number::Rounding,
}

/// Why an explanation (or a sweep, a tornado) could not be made.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Diagnostics of the file, the expression or the run.
    Diagnostics(Vec<crate::diagnostic::Diagnostic>),
    /// A request that names something that is not there.
    Request(String),
}

fn claim_of<'p>(program: &'p crate::check::ir::Program, what: &str) -> Result<&'p ClaimIr, Failure> {
    let found = match what.parse::<usize>() {
        Ok(n) => n.checked_sub(1).and_then(|i| program.claims.get(i)),
        Err(_) => program.claims.iter().find(|c| c.text == what.trim_matches('"')),
    };
    found.ok_or_else(|| {
        Failure::Request(format!(
            "no claim {what} (the file has {} claims: give its number, from 1, or its text)",
            program.claims.len()
        ))
    })
}

/// Runs the scenario of a checked program and explains `target` in it (the library side of
/// `aifin explain`; the REPL's `:explain` calls it too).
pub fn explain_program(
    program: &crate::check::ir::Program,
    sources: &SourceMap,
    target: &Target,
    req: &Request,
) -> Result<Explained, Failure> {
    use crate::diagnostic::ToDiagnostic;
    let diag = |e: EvalError| Failure::Diagnostics(vec![e.to_diagnostic()]);
    let mut run = crate::eval::engine::run_scenario(program, req.scenario.as_deref()).map_err(diag)?;
    let at = match &req.at {
        None => run.timeline.len().saturating_sub(1),
        Some(a) => period_index(&run, a)?,
    };
    let rounding = run.rounding;
    let scenario = run.scenario.clone();
    let mut ctx = Ctx { run: &mut run, sources, at };
    let root = match target {
        Target::Claim(what) => {
            let c = claim_of(program, what)?;
            explain_claim(&mut ctx, c, req.depth)
        }
        Target::Expr(e) => explain(&mut ctx, e, req.depth),
    }
    .map_err(diag)?;
    let period = ctx.period_label();
    Ok(Explained { root, scenario, period, rounding })
}

/// The first day a period written as text names: `2026`, `2026-03`, `2026-03-15`, `2026-Q2`,
/// `2026-H1`.
fn first_day(text: &str) -> Option<i64> {
    let mut parts = text.trim().split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let (m, d) = match (parts.next(), parts.next()) {
        (None, _) => (1, 1),
        (Some(q), None) if q.starts_with('Q') => {
            (q.get(1..)?.parse::<u32>().ok().filter(|q| (1..=4).contains(q))? * 3 - 2, 1)
        }
        (Some(h), None) if h.starts_with('H') => {
            (h.get(1..)?.parse::<u32>().ok().filter(|h| (1..=2).contains(h))? * 6 - 5, 1)
        }
        (Some(m), None) => (m.parse().ok()?, 1),
        (Some(m), Some(d)) => (m.parse().ok()?, d.parse().ok()?),
    };
    if !(1..=12).contains(&m) || d < 1 || d > crate::calendar::days_in_month(y, m) || parts.next().is_some() {
        return None;
    }
    Some(crate::calendar::day_number(y, m, d))
}

/// The timeline period a `--at` names: a label of the timeline (`2026-04`, `2026-Q2`), else
/// the period that contains the first day of the period written.
fn period_index(run: &Run<'_>, at: &str) -> Result<usize, Failure> {
    if let Some(i) = (0..run.timeline.len()).find(|i| run.timeline.label(*i) == at) {
        return Ok(i);
    }
    first_day(at).and_then(|d| run.timeline.index_of_day(d)).ok_or_else(|| {
        let (first, last) = (run.timeline.label(0), run.timeline.label(run.timeline.len().saturating_sub(1)));
        Failure::Request(format!("--at {at}: not a period of the timeline {first} .. {last}"))
    })
}
