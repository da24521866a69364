//! The evaluation stage: checked expressions → exact values.
//!
//! Entry point for single expressions: [`eval_expr`]. Arithmetic goes through
//! [`crate::units::Quantity`], which uses only `checked_*` decimal operations; every failure
//! becomes an [`EvalError`] at the operator's span.

pub mod booking;
mod builtins;
pub mod contracts;
pub mod curves;
pub mod defaults;
pub mod engine;
pub mod error;
pub mod ledger;
pub mod series;
pub mod timeline;
mod value;

use crate::check::ir::{Program, TExpr, TExprKind};
use crate::check::Type;
use crate::source::Span;
use crate::syntax::ast::BinaryOp;
use crate::units::quantity::QuantityError;
use crate::units::{Quantity, Registry};
pub use error::EvalError;
pub use value::Value;

fn lift(e: QuantityError, span: Span) -> EvalError {
    match e {
        QuantityError::Arith(a) => EvalError::arith(a, span),
        QuantityError::Mismatch { .. } => {
            EvalError::Internal { span, what: "operands of different dimensions reached evaluation".into() }
        }
        QuantityError::BadExponent => EvalError::BadPower { span },
    }
}

/// Evaluates an expression that has one value (not a series) in `program`.
pub fn eval_expr(e: &TExpr, program: &Program) -> Result<Value, EvalError> {
    Const { program, reg: &program.registry }.eval(e)
}

struct Const<'a> {
    program: &'a Program,
    reg: &'a Registry,
}

impl Const<'_> {
    fn eval(&self, e: &TExpr) -> Result<Value, EvalError> {
        if let Some(shape) = e.ty.shape() {
            if shape != crate::check::Shape::Constant {
                return Err(EvalError::NotConstant { span: e.span, what: shape.describe().to_string() });
            }
        }
        match &e.kind {
            TExprKind::Literal(q) => Ok(Value::Quantity(q.clone())),
            TExprKind::Period(p) => Ok(Value::Period(*p)),
            TExprKind::Text(s) => Ok(Value::Text(s.clone())),
            TExprKind::Definition(id) => match self.program.definitions.get(*id) {
                Some(d) => self.eval(&d.value),
                None => Err(EvalError::Internal { span: e.span, what: "a definition is missing".into() }),
            },
            TExprKind::Neg(x) => Ok(Value::Quantity(self.quantity(x)?.neg())),
            TExprKind::Binary { op, op_span, lhs, rhs } => {
                let l = self.quantity(lhs)?;
                let r = self.quantity(rhs)?;
                let res = match op {
                    BinaryOp::Add => l.add(&r, self.reg),
                    BinaryOp::Sub => l.sub(&r, self.reg),
                    BinaryOp::Mul => l.mul(&r, self.reg),
                    BinaryOp::Div => l.div(&r, self.reg),
                    BinaryOp::Pow => l.pow(r.value),
                };
                res.map(Value::Quantity).map_err(|err| lift(err, *op_span))
            }
            TExprKind::Convert(x, unit) => {
                let q = self.quantity(x)?;
                q.convert(unit, self.reg).map(Value::Quantity).map_err(|err| lift(err, e.span))
            }
            TExprKind::Range { low, high, point } => {
                let l = self.quantity(low)?;
                let h = self.quantity(high)?;
                let p = match point {
                    Some(p) => self.quantity(p)?,
                    None => {
                        let sum = l.add(&h, self.reg).map_err(|err| lift(err, e.span))?;
                        let two = Quantity::number(rust_decimal::Decimal::TWO);
                        sum.div(&two, self.reg).map_err(|err| lift(err, e.span))?
                    }
                };
                Ok(Value::Uncertain { low: l, high: h, point: p })
            }
            TExprKind::Call(b, args) => match (b, args.as_slice()) {
                (crate::check::ir::Builtin::Abs, [a]) => {
                    let q = self.quantity(&a.value)?;
                    Ok(Value::Quantity(Quantity::new(q.value.abs(), q.unit)))
                }
                (crate::check::ir::Builtin::Min | crate::check::ir::Builtin::Max, _) => {
                    let mut best: Option<Quantity> = None;
                    for a in args {
                        let q = self.quantity(&a.value)?;
                        best = Some(match best {
                            None => q,
                            Some(cur) => {
                                let ord = q.compare(&cur, self.reg).map_err(|err| lift(err, a.span))?;
                                let take = if *b == crate::check::ir::Builtin::Min { ord.is_lt() } else { ord.is_gt() };
                                if take {
                                    q.convert(&cur.unit, self.reg).map_err(|err| lift(err, a.span))?
                                } else {
                                    cur
                                }
                            }
                        });
                    }
                    best.map(Value::Quantity)
                        .ok_or(EvalError::Internal { span: e.span, what: "min/max without arguments".into() })
                }
                _ => Err(EvalError::NotConstant { span: e.span, what: "a value that needs a scenario".into() }),
            },
            TExprKind::Symbol(_)
            | TExprKind::Entity(_)
            | TExprKind::Contract(_)
            | TExprKind::Flow(_)
            | TExprKind::Table(_) => {
                let what = match &e.ty {
                    Type::Entity => "an entity",
                    Type::Contract => "a contract",
                    Type::Table => "a report table",
                    _ => "a value that needs a scenario",
                };
                Err(EvalError::NotConstant { span: e.span, what: what.into() })
            }
        }
    }

    fn quantity(&self, e: &TExpr) -> Result<Quantity, EvalError> {
        match self.eval(e)? {
            Value::Quantity(q) => Ok(q),
            Value::Uncertain { point, .. } => Ok(point),
            _ => Err(EvalError::Internal { span: e.span, what: "a quantity was expected".into() }),
        }
    }
}
