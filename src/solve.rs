//! Goal seek (`aifin solve FILE --vary NAME --target 'EXPR == VALUE' [--between LOW..HIGH]`):
//! the value of one driver at which an expression of the run reaches a target.
//!
//! Why bisection: the run is a black box of exact decimals (ledgers, clearing, `max` in
//! `funding_gap`), often flat on one side of the answer, so a method that needs only signs is
//! the robust one. The driver is replaced by a literal in a copy of the program (any scenario
//! override of it is dropped), the scenario is run, and `EXPR − VALUE` is evaluated.
//!
//! The bracket `[LOW, HIGH]` (default: a tenth to ten times the driver's value in the
//! scenario, its override included, which is also the value printed as "now") must hold a
//! sign change of `EXPR − VALUE`, else `aifin::eval::no_solution`. Each step halves the
//! bracket (midpoints are exact decimals) and keeps the half where the sign changes; it stops
//! when the bracket is narrower than [`RELATIVE_PRECISION`] of its larger end (or reaches an
//! exact zero), after at most [`MAX_STEPS`] runs. The solution reported is the end of the
//! final bracket whose `EXPR − VALUE` is nearer zero; the bracket is printed as the precision
//! reached.

use crate::check::ir::{DefId, Program, TExpr, TExprKind};
use crate::check::{Shape, Type};
use crate::eval::engine::{run_scenario, Val};
use crate::eval::EvalError;
use crate::number;
use crate::units::{Quantity, Unit};
use rust_decimal::Decimal;

/// The bracket's width at which bisection stops, relative to its larger end: 10⁻¹².
pub const RELATIVE_PRECISION: Decimal = Decimal::from_parts(1, 0, 0, false, 12);

/// The most runs bisection makes.
pub const MAX_STEPS: usize = 200;

/// What a goal seek asks.
pub struct Problem<'p> {
    /// The checked program.
    pub program: &'p Program,
    /// The scenario to run (`None`: the first).
    pub scenario: Option<&'p str>,
    /// The driver to vary.
    pub driver: DefId,
    /// `EXPR − VALUE`, checked in the program's scope.
    pub target: &'p TExpr,
    /// The bracket, in the driver's unit (`None`: a tenth to ten times its value).
    pub between: Option<(Decimal, Decimal)>,
}

/// What a goal seek found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The driver's value in the scenario before (its override included).
    pub original: Decimal,
    /// The driver's unit.
    pub unit: Unit,
    /// The solution.
    pub value: Decimal,
    /// `EXPR − VALUE` at the solution.
    pub residual: Decimal,
    /// The final bracket.
    pub low: Decimal,
    /// The final bracket.
    pub high: Decimal,
    /// The runs made.
    pub steps: usize,
}

/// The driver's value and unit (its point value if it is a range); `span` for a bad id.
pub fn driver_value(program: &Program, id: DefId, span: crate::source::Span) -> Result<Quantity, EvalError> {
    let d = program.definitions.get(id).ok_or(EvalError::Internal { span, what: "no such driver".into() })?;
    match crate::eval::eval_expr(&d.value, program)? {
        crate::eval::Value::Quantity(q) => Ok(q),
        crate::eval::Value::Uncertain { point, .. } => Ok(point),
        _ => Err(EvalError::NotConstant { span: d.span, what: "not a quantity".into() }),
    }
}

/// The driver's value in effect in `scenario` (overridden along its chain, as a what-if's
/// `:set` does), with its unit (its point value if it is a range).
pub fn driver_value_in(
    program: &Program,
    scenario: Option<&str>,
    id: DefId,
    span: crate::source::Span,
) -> Result<Quantity, EvalError> {
    let d = program.definitions.get(id).ok_or(EvalError::Internal { span, what: "no such driver".into() })?;
    match crate::eval::engine::definition_in(program, scenario, id)? {
        crate::eval::Value::Quantity(q) => Ok(q),
        crate::eval::Value::Uncertain { point, .. } => Ok(point),
        _ => Err(EvalError::NotConstant { span: d.span, what: "not a quantity".into() }),
    }
}

/// `EXPR − VALUE` with the driver set to `x`.
fn residual(p: &Problem<'_>, x: Decimal, unit: &Unit) -> Result<Decimal, EvalError> {
    let mut prog = p.program.clone();
    if let Some(d) = prog.definitions.get_mut(p.driver) {
        let dim = d.value.ty.dimension().cloned().unwrap_or_default();
        d.value = TExpr {
            kind: TExprKind::Literal(Quantity::new(x, unit.clone())),
            ty: Type::Quantity(dim, Shape::Constant),
            span: d.value.span,
        };
    }
    for s in &mut prog.scenarios {
        s.overrides.retain(|(id, _)| *id != p.driver);
    }
    let mut run = run_scenario(&prog, p.scenario)?;
    match run.value(p.target)? {
        Val::S(s, _) if s.values.is_const() => Ok(s.get(0)),
        Val::Uncertain(_, _, s) if s.values.is_const() => Ok(s.get(0)),
        _ => Err(EvalError::NotConstant {
            span: p.target.span,
            what: "a target that varies over the timeline (use annual(), total(), at() or funding_gap())".into(),
        }),
    }
}

fn sign(x: Decimal) -> i8 {
    if x.is_zero() {
        0
    } else if x.is_sign_negative() {
        -1
    } else {
        1
    }
}

/// Solves `p` by bisection (see the module docs).
pub fn solve(p: &Problem<'_>) -> Result<Solution, EvalError> {
    let q = driver_value_in(p.program, p.scenario, p.driver, p.target.span)?;
    let span = p.program.definitions.get(p.driver).map(|d| d.span).unwrap_or(p.target.span);
    let arith = |e| EvalError::arith(e, span);
    let (mut lo, mut hi) = match p.between {
        Some(b) => b,
        None if q.value.is_zero() => {
            return Err(EvalError::NoSolution {
                span,
                what: "the driver is 0, so there is no default bracket: give --between LOW..HIGH".into(),
            })
        }
        None => {
            let a = number::div(q.value, Decimal::TEN).map_err(arith)?;
            let b = number::mul(q.value, Decimal::TEN).map_err(arith)?;
            (a.min(b), a.max(b))
        }
    };
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    let mut f_lo = residual(p, lo, &q.unit)?;
    let mut f_hi = residual(p, hi, &q.unit)?;
    let mut steps = 2;
    let s_lo = sign(f_lo);
    if s_lo == 0 {
        return Ok(Solution { original: q.value, unit: q.unit, value: lo, residual: f_lo, low: lo, high: lo, steps });
    }
    if sign(f_hi) == s_lo {
        return Err(EvalError::NoSolution {
            span,
            what: format!(
                "the target is not bracketed: EXPR - VALUE is {} at {} and {} at {}, the same sign",
                number::format_exact(f_lo),
                number::format_exact(lo),
                number::format_exact(f_hi),
                number::format_exact(hi)
            ),
        });
    }
    while steps < MAX_STEPS {
        let width = number::sub(hi, lo).map_err(arith)?;
        let scale = lo.abs().max(hi.abs());
        if width <= number::mul(scale, RELATIVE_PRECISION).map_err(arith)? || f_hi.is_zero() && width.is_zero() {
            break;
        }
        let mid = number::div(number::add(lo, hi).map_err(arith)?, Decimal::TWO).map_err(arith)?;
        if mid == lo || mid == hi {
            break; // the decimals cannot split the bracket further
        }
        let f = residual(p, mid, &q.unit)?;
        steps += 1;
        if sign(f) == s_lo {
            lo = mid;
            f_lo = f;
        } else {
            hi = mid;
            f_hi = f;
        }
    }
    let (value, res) = if f_hi.abs() <= f_lo.abs() { (hi, f_hi) } else { (lo, f_lo) };
    Ok(Solution { original: q.value, unit: q.unit, value, residual: res, low: lo, high: hi, steps })
}

/// A goal seek asked in words, as `aifin solve` and the REPL's `:solve` take it.
pub struct Request<'a> {
    /// The driver to vary.
    pub vary: &'a str,
    /// `EXPR == VALUE`.
    pub target: &'a str,
    /// `LOW..HIGH`, in any unit that converts to the driver's.
    pub between: Option<&'a str>,
    /// The scenario to run (`None`: the first).
    pub scenario: Option<&'a str>,
}

/// Why a goal seek was not made.
#[derive(Debug)]
pub enum Refusal {
    /// The request is malformed (the command line's usage error).
    Usage(String),
    /// `vary` names no driver with one constant value (`declared`: it names something else);
    /// `drivers` are the program's, with where each is declared.
    NotADriver { vary: String, declared: bool, drivers: Vec<(String, crate::source::Span)> },
    /// Checking or running failed.
    Diagnostics(Vec<crate::diagnostic::Diagnostic>),
}

/// What [`ask`] found: the solution, with the program it was found in.
pub struct Found {
    pub solution: Solution,
    pub program: Program,
}

/// Checks an expression (as source `name`) in the scope of the program to solve in.
pub type CheckExpr<'c> = dyn FnMut(&str, String) -> Result<(Program, TExpr), Vec<crate::diagnostic::Diagnostic>> + 'c;

/// Parses and checks `req` with `check`, then [`solve`]s it.
pub fn ask(req: &Request<'_>, check: &mut CheckExpr<'_>) -> Result<Found, Refusal> {
    use crate::diagnostic::ToDiagnostic;
    let diag = |e: EvalError| Refusal::Diagnostics(vec![e.to_diagnostic()]);
    let Some((lhs, rhs)) = req.target.split_once("==") else {
        return Err(Refusal::Usage(format!("the target must be `EXPR == VALUE`, not `{}`", req.target)));
    };
    let (program, texpr) =
        check("<target>", format!("({}) - ({})", lhs.trim(), rhs.trim())).map_err(Refusal::Diagnostics)?;
    let vary = req.vary;
    let found = program.definitions.iter_enumerated().find(|(_, d)| d.name == vary).map(|(id, _)| id);
    let Some(id) = found.filter(|i| {
        program.definitions.get(*i).is_some_and(|d| {
            d.kind == crate::syntax::ast::DefinitionKind::Driver && d.value.ty.shape() == Some(Shape::Constant)
        })
    }) else {
        let drivers = program
            .definitions
            .iter()
            .filter(|d| d.kind == crate::syntax::ast::DefinitionKind::Driver)
            .map(|d| (d.name.clone(), d.span))
            .collect();
        return Err(Refusal::NotADriver { vary: vary.to_string(), declared: found.is_some(), drivers });
    };
    let span = program.definitions.get(id).map(|d| d.span).unwrap_or(texpr.span);
    let current = driver_value_in(&program, req.scenario, id, span).map_err(diag)?;
    let bounds = match req.between {
        None => None,
        Some(b) => {
            let Some((l, h)) = b.split_once("..") else {
                return Err(Refusal::Usage(format!("the bracket must be `LOW..HIGH`, not `{b}`")));
            };
            let mut ends = Vec::new();
            for (name, t) in [("<low>", l), ("<high>", h)] {
                let (p, e) = check(name, t.trim().to_string()).map_err(Refusal::Diagnostics)?;
                let v = match crate::eval::eval_expr(&e, &p) {
                    Ok(crate::eval::Value::Quantity(q)) => q,
                    Ok(_) => return Err(Refusal::Usage(format!("`{}` is not a quantity", t.trim()))),
                    Err(err) => return Err(diag(err)),
                };
                // Quantity::convert checks the dimensions (a series' conversion trusts the checker)
                match v.convert(&current.unit, &p.registry) {
                    Ok(c) => ends.push(c.value),
                    Err(_) => {
                        return Err(Refusal::Usage(format!(
                            "`{}` is in {}, which does not convert to the driver's {}",
                            t.trim(),
                            p.registry.format_unit(&v.unit),
                            p.registry.format_unit(&current.unit)
                        )))
                    }
                }
            }
            match ends.as_slice() {
                [a, b] => Some((*a, *b)),
                _ => None,
            }
        }
    };
    let problem = Problem { program: &program, scenario: req.scenario, driver: id, target: &texpr, between: bounds };
    let solution = solve(&problem).map_err(diag)?;
    Ok(Found { solution, program })
}

/// The lines `aifin solve` and `:solve` print after their header: the driver, the target, the
/// solution, the precision reached and the check.
pub fn render(req: &Request<'_>, found: &Found) -> String {
    let sol = &found.solution;
    let unit = found.program.registry.format_unit(&sol.unit);
    let q = |x: Decimal| format!("{} {unit}", number::group_digits(&number::format_exact(x)));
    let (lhs, rhs) = req.target.split_once("==").unwrap_or((req.target, ""));
    let vary = req.vary;
    let mut out = format!("vary      {vary}, now {}\n", q(sol.original));
    out.push_str(&format!("target    {} == {}\n", lhs.trim(), rhs.trim()));
    out.push_str(&format!("solution  {vary} = {}\n", q(sol.value)));
    out.push_str(&format!(
        "precision the target is crossed between {} and {} (width {}; bisection stops below 1e-12 of the value)\n",
        q(sol.low),
        q(sol.high),
        q(sol.high - sol.low)
    ));
    out.push_str(&format!(
        "check     at the solution EXPR - VALUE = {} after {} runs\n",
        number::group_digits(&number::format_exact(sol.residual)),
        sol.steps
    ));
    out
}

impl Refusal {
    /// For [`Refusal::NotADriver`]: why, with a hint naming the drivers `own` keeps (the
    /// user's, not std's); `None` for the other refusals.
    pub fn not_a_driver(&self, own: &dyn Fn(crate::source::Span) -> bool) -> Option<String> {
        let Refusal::NotADriver { vary, declared, drivers } = self else { return None };
        let names: Vec<&str> = drivers.iter().filter(|(_, s)| own(*s)).map(|(n, _)| n.as_str()).collect();
        let why = if *declared { "is not a driver with one constant value" } else { "is not declared" };
        let hint = match crate::units::suggest(vary, names.iter().copied()) {
            Some(s) if !declared => format!(" (did you mean `{s}`?)"),
            _ => format!(" (the drivers are: {})", names.join(", ")),
        };
        Some(format!("`{vary}` {why}{hint}"))
    }
}
