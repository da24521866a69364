//! Checking claims: a quantity compared with a quantity of the same dimension (`~=` with an
//! optional tolerance, `==`, `<`, `<=`, `>`, `>=`, `in low .. high`), or a period-valued
//! expression (`defaulted(E)`, `runway(E)`, a period literal) compared with a period or
//! `never` (`==`, `<`, `<=`, `>`, `>=`, `in 2027-01 .. 2028-12`; a whole number is a year:
//! `== 2027`, `in 2027 .. 2028`). The word `never` is only a claim's target, and only when no
//! declaration is called `never`.

use super::error::CheckError;
use super::expr::{is_bare_number, written_year, PERIOD_HELP};
use super::ir::*;
use super::types::Type;
use super::Checker;
use crate::syntax::ast::{self, ExprKind};

impl Checker<'_> {
    pub(super) fn claim(&mut self, c: &ast::Claim) -> Option<ClaimIr> {
        let value = self.expr(&c.value)?;
        if value.ty == Type::Period {
            return self.period_claim(c, value);
        }
        let (vd, _) = self.need_quantity(&value)?;
        let same = |this: &mut Self, t: &TExpr, op: &str| -> Option<()> {
            let (d, _) = this.need_quantity(t)?;
            if d != vd {
                let left_desc = this.describe(&value);
                // a bare number where the model's value has a unit: say which unit to write
                let bare = (d.is_none() && !vd.is_none()).then(|| {
                    if op.contains("tolerance") {
                        format!(
                            "a tolerance is absolute, in the compared unit: write it in {left_desc}, or add \
                             `relative` for a share of the claimed value (`within 1% relative`)"
                        )
                    } else {
                        format!("the claimed value needs its unit: write it in {left_desc}")
                    }
                });
                this.errors.push(CheckError::DimensionMismatch {
                    op_span: t.span,
                    op: op.into(),
                    left: value.span,
                    right: t.span,
                    right_desc: this.describe(t),
                    hint: this.mismatch_hint(&vd, &d).or(bare),
                    left_desc,
                });
                return None;
            }
            Some(())
        };
        let test = match &c.test {
            ast::ClaimTest::Approx { target, tolerance } => {
                let t = self.expr(target)?;
                same(self, &t, "compare")?;
                let tol = match tolerance {
                    Some(tol) => {
                        let tv = self.expr(&tol.value)?;
                        if tol.relative {
                            self.need_dim(
                                &tv,
                                &crate::units::Dimension::none(),
                                "a pure number or percentage for a relative tolerance",
                            )?;
                        } else {
                            same(self, &tv, "compare within a tolerance of")?;
                        }
                        Some((tv, tol.relative))
                    }
                    None => None,
                };
                ClaimTestIr::Approx { target: t, tolerance: tol }
            }
            ast::ClaimTest::Compare { op, target, .. } => {
                let t = self.expr(target)?;
                same(self, &t, "compare")?;
                ClaimTestIr::Compare(*op, t)
            }
            ast::ClaimTest::Between { range } => {
                let t = self.expr(range)?;
                if !matches!(t.ty, Type::Uncertain(_)) {
                    return self.kind_error(&t, "a range `low .. high`").and(None);
                }
                same(self, &t, "compare")?;
                ClaimTestIr::Between(t)
            }
        };
        Some(claim_ir(c, value, test))
    }

    /// A claim about when something happens: the target is a period, `never`, or a range of
    /// periods; `~=` has no meaning for periods.
    fn period_claim(&mut self, c: &ast::Claim, value: TExpr) -> Option<ClaimIr> {
        let test = match &c.test {
            ast::ClaimTest::Approx { target, .. } => {
                self.errors.push(CheckError::WrongKind {
                    span: target.span,
                    expected: "`==`, `<`, `<=`, `>`, `>=` or `in` for a claim about a period".into(),
                    found: "`~=`".into(),
                    hint: Some("a period is not approximate: write `== 2026-03` or `in 2026-01 .. 2026-06`".into()),
                });
                return None;
            }
            ast::ClaimTest::Compare { op, target, .. } => {
                let t = self.period_target(target)?;
                ClaimTestIr::Compare(*op, t)
            }
            ast::ClaimTest::Between { range } => {
                let (years, numbers) = match &range.kind {
                    ExprKind::Range { low, high, point: None } => {
                        (is_year(low) || is_year(high), is_bare_number(low) || is_bare_number(high))
                    }
                    _ => (false, false),
                };
                let t = if years { self.range_arg(range)? } else { self.expr(range)? };
                if t.ty != Type::PeriodRange {
                    self.errors.push(CheckError::WrongKind {
                        span: t.span,
                        expected: "a range of periods `2027-01 .. 2028-12`".into(),
                        found: t.ty.describe(self.reg),
                        hint: numbers.then(|| PERIOD_HELP.to_string()),
                    });
                    return None;
                }
                ClaimTestIr::Between(t)
            }
        };
        Some(claim_ir(c, value, test))
    }

    /// A period — a whole number is a year, as wherever a period is expected — or the word
    /// `never` (after every period).
    fn period_target(&mut self, target: &ast::Expr) -> Option<TExpr> {
        if let ExprKind::Name(n) = &target.kind {
            if n.name == "never" && !self.names.contains_key("never") {
                return Some(TExpr { kind: TExprKind::Symbol("never".into()), ty: Type::Period, span: target.span });
            }
        }
        if is_year(target) {
            return self.period_arg(target);
        }
        let t = self.expr(target)?;
        if t.ty != Type::Period {
            self.errors.push(CheckError::WrongKind {
                span: t.span,
                expected: "a period (`2026-03`) or `never`".into(),
                found: t.ty.describe(self.reg),
                hint: Some(PERIOD_HELP.to_string()),
            });
            return None;
        }
        Some(t)
    }
}

/// A checked claim: the declaration's text and flags with its checked value and test.
fn claim_ir(c: &ast::Claim, value: TExpr, test: ClaimTestIr) -> ClaimIr {
    ClaimIr { text: c.text.clone(), source: c.source.clone(), expect_fail: c.expect_fail, value, test, span: c.span }
}

/// A bare whole number that reads as a year where a period is expected (`== 2027`,
/// `in 2027 .. 2028`), as in a function's period argument.
fn is_year(e: &ast::Expr) -> bool {
    written_year(e).is_some()
}
