//! Goal seek (`aifin solve FILE --vary NAME --target 'EXPR == VALUE' [--between LOW..HIGH]`):
//! the value of one driver at which an expression of the run reaches a target.
//!
//! Why bisection: the run is a black box of exact decimals (ledgers, clearing, `max` in
//! `funding_gap`), often flat on one side of the answer, so a method that needs only signs is
//! the robust one. The driver is replaced by a literal in a copy of the program (any scenario
//! override of it is dropped), the scenario is run, and `EXPR − VALUE` is evaluated.
//!
//! The bracket `[LOW, HIGH]` (default: a tenth to ten times the driver's value) must hold a
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
    /// The driver's value before.
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
    let q = driver_value(p.program, p.driver, p.target.span)?;
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
