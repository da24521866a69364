//! Typing expressions: names, units, operators and built-in calls.

use super::error::CheckError;
use super::ir::*;
use super::types::{Shape, Type};
use super::{Checker, NameRef, State};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, PeriodValue, UnitOp};
use crate::units::{Dimension, Quantity, Unit};

/// A quantity's dimension and shape, if the type is a quantity (ranges count as constants).
fn quantity(t: &Type) -> Option<(Dimension, Shape)> {
    match t {
        Type::Quantity(d, s) => Some((d.clone(), *s)),
        Type::Uncertain(d) => Some((d.clone(), Shape::Constant)),
        _ => None,
    }
}

/// The help for a bare number where a period is expected (`== 0`, `== 2025.0`).
pub(super) const PERIOD_HELP: &str =
    "a period is a year (a whole number 1..9999, written without a decimal point: `2026`) or a month like `2026-03`";

/// The year a bare whole number written where a period is expected stands for (`2027`): digits
/// only (no decimal point, no `k`), 1..9999. `2025.0` is a number, not the year 2025.
pub(super) fn written_year(e: &ast::Expr) -> Option<i32> {
    let ExprKind::Quantity { number, unit: None } = &e.kind else {
        return None;
    };
    if !number.text.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    crate::number::as_integer(number.value).filter(|y| (1..=9999).contains(y)).and_then(|y| i32::try_from(y).ok())
}

/// A number with no unit (`0`, `2025.0`).
pub(super) fn is_bare_number(e: &ast::Expr) -> bool {
    matches!(&e.kind, ExprKind::Quantity { unit: None, .. })
}

/// The value of an expression written as a constant (a literal, negated or converted with
/// `in`), exactly as the run computes it; `None` for anything else, or a conversion that fails.
pub(super) fn written_constant(e: &TExpr, reg: &crate::units::Registry) -> Option<Quantity> {
    match &e.kind {
        TExprKind::Literal(q) => Some(q.clone()),
        TExprKind::Neg(inner) => written_constant(inner, reg).map(|q| Quantity::new(-q.value, q.unit)),
        TExprKind::Convert(inner, unit) => written_constant(inner, reg)?.convert(unit, reg).ok(),
        _ => None,
    }
}

impl Checker<'_> {
    /// Resolves a unit expression.
    pub(super) fn unit(&mut self, u: &ast::UnitExpr) -> Option<Unit> {
        match self.reg.resolve(u) {
            Ok(unit) => Some(unit),
            Err(crate::units::UnitError::UnknownUnit { span, name, suggestion }) => {
                self.errors.push(CheckError::UnknownUnit { span, name, suggestion });
                None
            }
            Err(_) => None,
        }
    }

    /// How an operand reads in a message: its unit if written, else its dimension.
    pub(super) fn describe(&self, t: &TExpr) -> String {
        match &t.kind {
            TExprKind::Literal(q) if !q.unit.is_none() => self.reg.format_unit(&q.unit),
            TExprKind::Convert(_, u) => self.reg.format_unit(u),
            TExprKind::Definition(id) => match self.def_ir.get(*id).and_then(|d| d.as_ref()) {
                Some(d) => self.describe(&d.value),
                None => t.ty.describe(self.reg),
            },
            _ => match &t.ty {
                Type::Quantity(d, _) | Type::Uncertain(d) => self.reg.format_dimension(d),
                other => other.describe(self.reg),
            },
        }
    }

    /// A hint for two dimensions that were meant to be alike.
    /// `0.9` or `5.5%` where a rate per time is expected: the help writes it per year
    /// (`0.9/year`, `5.5%/year`) instead of suggesting to multiply by a duration.
    pub(super) fn per_time_hint(&self, t: &TExpr, want: &Dimension, found: &Dimension) -> Option<String> {
        if *want != found.div(&self.reg.time()) {
            return None;
        }
        let written = match &t.kind {
            TExprKind::Literal(q) if q.unit.is_none() => crate::number::format_exact(q.value),
            TExprKind::Literal(q) => {
                let unit = self.reg.format_unit(&q.unit);
                let sep = if unit.chars().all(|c| c.is_alphanumeric() || c == '_') { " " } else { "" };
                format!("{}{sep}{unit}", crate::number::format_exact(q.value))
            }
            _ => return Some("a rate per time is written per a duration: divide it by one, e.g. `(…)/year`".into()),
        };
        Some(format!("a rate per time is written per a duration: `{written}/year`"))
    }

    /// `10_000 GPU-hour`: a `-` written tight between two units was meant as a compound unit.
    fn hyphen_hint(&self, op: BinaryOp, op_span: Span, l: &TExpr, r: &TExpr) -> Option<String> {
        let tight = l.span.end() == op_span.start() && op_span.end() == r.span.start();
        match (&l.kind, &r.kind) {
            (TExprKind::Literal(a), TExprKind::Literal(b))
                if op == BinaryOp::Sub && tight && !a.unit.is_none() && !b.unit.is_none() =>
            {
                let (x, y) = (self.reg.format_unit(&a.unit), self.reg.format_unit(&b.unit));
                Some(format!("`-` subtracts; a unit made of two units is written with `*`: `{x}*{y}`"))
            }
            _ => None,
        }
    }

    pub(super) fn mismatch_hint(&self, left: &Dimension, right: &Dimension) -> Option<String> {
        let time = self.reg.time();
        if *right == left.div(&time) {
            return Some(format!(
                "the right side ({}) is the left side's dimension per time: multiply it by a duration (e.g. `* 30 day`) to get {}",
                self.reg.format_dimension(right),
                self.reg.format_dimension(left)
            ));
        }
        if *left == right.div(&time) {
            return Some(format!(
                "the left side ({}) is the right side's dimension per time: multiply it by a duration (e.g. `* 30 day`) to get {}",
                self.reg.format_dimension(left),
                self.reg.format_dimension(right)
            ));
        }
        if let (Some(a), Some(b)) = (self.reg.currency_of(left), self.reg.currency_of(right)) {
            return Some(format!(
                "{} and {} are different currencies: declare a rate such as `exchange 1 {} = 1.08 {}` to convert",
                a.name, b.name, b.name, a.name
            ));
        }
        None
    }

    /// Types a definition on demand, detecting cycles.
    pub(super) fn def_type(&mut self, id: DefId, use_span: Span) -> Option<Type> {
        match self.def_state.get(id).cloned() {
            Some(State::Done(t)) => t,
            Some(State::InProgress) => {
                let chain = self.cycle_chain(super::Pending::Def(id));
                self.errors.push(CheckError::Cycle { span: use_span, chain });
                None
            }
            Some(State::Unchecked) => {
                // taken out while typed, dropped after (when the checker owns it)
                let held = self.def_asts.get_mut(id).map(super::Held::take)?;
                let def = held.get()?;
                if let Some(s) = self.def_state.get_mut(id) {
                    *s = State::InProgress;
                }
                self.stack.push(super::Pending::Def(id));
                self.deps.push(Vec::new());
                let value = self.expr(&def.value);
                let deps = self.deps.pop().unwrap_or_default();
                self.stack.pop();
                let value = value.and_then(|v| self.check_annotation(def, v));
                let ty = value.as_ref().map(|v| v.ty.clone());
                if let Some(v) = value {
                    if let Some(slot) = self.def_ir.get_mut(id) {
                        let ir = DefIr { name: def.name.name.clone(), kind: def.kind, value: v, deps, span: def.span };
                        *slot = Some(Box::new(ir));
                    }
                }
                if let Some(s) = self.def_state.get_mut(id) {
                    *s = State::Done(ty.clone());
                }
                ty
            }
            None => None,
        }
    }

    fn check_annotation(&mut self, def: &ast::Definition, v: TExpr) -> Option<TExpr> {
        let Some(ann) = &def.annotation else { return Some(v) };
        let unit = self.unit(ann)?;
        let want = self.reg.dimension(&unit);
        match quantity(&v.ty) {
            Some((d, _)) if d == want => Some(v),
            _ => {
                self.errors.push(CheckError::WrongDimension {
                    span: v.span,
                    expected: format!("{} (as declared)", self.reg.format_unit(&unit)),
                    found: self.describe(&v),
                    hint: None,
                });
                None
            }
        }
    }

    /// Types an expression. `None` means an error was recorded.
    pub(super) fn expr(&mut self, e: &ast::Expr) -> Option<TExpr> {
        let span = e.span;
        let mk = |kind, ty| Some(TExpr { kind, ty, span });
        match &e.kind {
            ExprKind::Quantity { number, unit } => self.quantity_literal(number, unit.as_deref(), span),
            ExprKind::Period(p) => mk(TExprKind::Period(*p), Type::Period),
            ExprKind::Str(s) => mk(TExprKind::Text(s.clone()), Type::Text),
            ExprKind::Paren(inner) => self.expr(inner).map(|t| TExpr { span, ..t }),
            ExprKind::Dated(_) => {
                self.errors.push(CheckError::WrongKind {
                    span,
                    expected: "one value".into(),
                    found: "a list of dated values".into(),
                    hint: Some("only a loan's `draws` takes values at dates (`2B USD @ 2025-03-01, …`)".into()),
                });
                None
            }
            ExprKind::Name(n) => self.name(n),
            ExprKind::Member { base, member } => self.member(base, member, span),
            ExprKind::Call { callee, args } => self.call(callee, args, span),
            ExprKind::Unary { operand, .. } => {
                let t = self.expr(operand)?;
                let (d, s) = self.need_quantity(&t)?;
                mk(TExprKind::Neg(Box::new(t)), Type::Quantity(d, s))
            }
            ExprKind::Binary { op, op_span, lhs, rhs } => {
                let (l, r) = (self.expr(lhs), self.expr(rhs));
                let (l, r) = (l?, r?);
                self.binary(*op, *op_span, l, r, span)
            }
            ExprKind::Convert { value, unit } => {
                let v = self.expr(value);
                let u = self.unit(unit);
                let (v, u) = (v?, u?);
                let (d, s) = self.need_quantity(&v)?;
                let want = self.reg.dimension(&u);
                if d != want {
                    let right_desc = self.reg.format_unit(&u);
                    self.errors.push(CheckError::DimensionMismatch {
                        op_span: unit.span,
                        op: "convert between".into(),
                        left: v.span,
                        left_desc: self.describe(&v),
                        right: unit.span,
                        right_desc,
                        hint: self.mismatch_hint(&d, &want),
                    });
                    return None;
                }
                mk(TExprKind::Convert(Box::new(v), u), Type::Quantity(d, s))
            }
            ExprKind::Range { low, high, point } => {
                let (l, h) = (self.expr(low), self.expr(high));
                let p = point.as_ref().map(|p| self.expr(p));
                let (l, h) = (l?, h?);
                let p = match p {
                    Some(p) => Some(p?),
                    None => None,
                };
                if l.ty == Type::Period && h.ty == Type::Period && p.is_none() {
                    return mk(
                        TExprKind::Range { low: Box::new(l), high: Box::new(h), point: None },
                        Type::PeriodRange,
                    );
                }
                let (ld, ls) = self.need_quantity(&l)?;
                let (hd, hs) = self.need_quantity(&h)?;
                // each with the operand before it: `here` marks the `..` (or `~`) between
                // them, as a label over the whole range would hide the operands' own labels
                for (other, od, before) in [(Some(&h), hd, l.span)]
                    .into_iter()
                    .chain(p.as_ref().map(|p| (Some(p), quantity(&p.ty).map(|q| q.0).unwrap_or_default(), h.span)))
                {
                    if let Some(o) = other {
                        if od != ld {
                            self.errors.push(CheckError::DimensionMismatch {
                                op_span: before.gap_to(o.span),
                                op: "make a range of".into(),
                                left: l.span,
                                left_desc: self.describe(&l),
                                right: o.span,
                                right_desc: self.describe(o),
                                hint: self.mismatch_hint(&ld, &od).or_else(|| {
                                    (ld.is_none() || od.is_none()).then(|| {
                                        "each end of a range (and its point) takes its unit: \
                                         `1.80 USD .. 2.60 USD ~ 2.10 USD`, not `1.80 .. 2.60 ~ 2.10 USD`"
                                            .to_string()
                                    })
                                }),
                            });
                            return None;
                        }
                    }
                }
                if ls != Shape::Constant || hs != Shape::Constant {
                    self.errors.push(CheckError::WrongKind {
                        span,
                        expected: "constant ends for an uncertain range".into(),
                        found: "a series".into(),
                        hint: None,
                    });
                    return None;
                }
                self.check_range_order(&l, &h, span);
                mk(
                    TExprKind::Range { low: Box::new(l), high: Box::new(h), point: p.map(Box::new) },
                    Type::Uncertain(ld),
                )
            }
        }
    }

    /// Refuses an uncertain range whose ends are both written constants (`40k USD`, `-2 USD`,
    /// `3 kUSD in USD`) and whose high end, converted exactly to the low end's unit as the run
    /// converts it, is below its low end: `aifin run` would reject the file for it
    /// (`bad_distribution`). Ends that name definitions stay a check of the run, which sees
    /// each scenario's values.
    fn check_range_order(&mut self, low: &TExpr, high: &TExpr, span: Span) {
        let (Some(l), Some(h)) = (written_constant(low, self.reg), written_constant(high, self.reg)) else {
            return;
        };
        // a conversion that overflows is the run's to report, with its own code
        let Ok(h_in_l) = h.convert(&l.unit, self.reg) else {
            return;
        };
        if h_in_l.value < l.value {
            self.errors.push(CheckError::BackwardsRange {
                span,
                low: l.format(self.reg),
                high: h.format(self.reg),
                scenario: None,
            });
        }
    }

    /// A number with its unit. A factor that names a value rather than a unit (`2 USD * price`)
    /// multiplies by that value, as the same text would without the literal.
    fn quantity_literal(&mut self, number: &ast::NumberLit, unit: Option<&ast::UnitExpr>, span: Span) -> Option<TExpr> {
        let Some(u) = unit else {
            return Some(TExpr {
                kind: TExprKind::Literal(Quantity::number(number.value)),
                ty: Type::constant(Dimension::none()),
                span,
            });
        };
        let mut lit_unit: Vec<(u32, i32)> = Vec::new();
        let mut rest: Option<usize> = None;
        for (i, f) in u.factors.iter().enumerate() {
            match self.reg.lookup(&f.name.name) {
                Some(id) => lit_unit.push((id, if f.op == UnitOp::Div { -f.power } else { f.power })),
                None if self.names.contains_key(&f.name.name) => {
                    rest = Some(i);
                    break;
                }
                None => {
                    let suggestion = self.reg.suggest_unit(&f.name.name).or_else(|| self.suggest_name(&f.name.name));
                    self.errors.push(CheckError::UnknownUnit {
                        span: f.name.span,
                        name: f.name.name.clone(),
                        suggestion,
                    });
                    return None;
                }
            }
        }
        let lit_span = match rest {
            Some(0) => span.up_to_start_of(u.span),
            Some(i) => u.factors.get(i - 1).map(|f| span.until_end_of(f.span)).unwrap_or(span),
            None => span,
        };
        let lit_unit = Unit::from_factors(lit_unit);
        let d = self.reg.dimension(&lit_unit);
        let mut acc = TExpr {
            kind: TExprKind::Literal(Quantity::new(number.value, lit_unit)),
            ty: Type::constant(d),
            span: lit_span,
        };
        let Some(first_value) = rest else { return Some(acc) };
        for f in u.factors.iter().skip(first_value) {
            let base = match self.reg.lookup(&f.name.name) {
                Some(id) => {
                    let unit = Unit::named(id);
                    let d = self.reg.dimension(&unit);
                    TExpr {
                        kind: TExprKind::Literal(Quantity::new(rust_decimal::Decimal::ONE, unit)),
                        ty: Type::constant(d),
                        span: f.name.span,
                    }
                }
                None => self.name(&f.name)?,
            };
            let factor = if f.power == 1 {
                base
            } else {
                let exp = TExpr {
                    kind: TExprKind::Literal(Quantity::number(rust_decimal::Decimal::from(f.power))),
                    ty: Type::constant(Dimension::none()),
                    span: f.span,
                };
                self.binary(BinaryOp::Pow, f.span, base, exp, f.span)?
            };
            let op = if f.op == UnitOp::Div { BinaryOp::Div } else { BinaryOp::Mul };
            let whole = acc.span.to(f.span);
            acc = self.binary(op, f.span, acc, factor, whole)?;
        }
        Some(acc)
    }

    /// A quantity's dimension and shape, or a kind error.
    pub(super) fn need_quantity(&mut self, t: &TExpr) -> Option<(Dimension, Shape)> {
        match quantity(&t.ty) {
            Some(q) => Some(q),
            None => {
                self.errors.push(CheckError::WrongKind {
                    span: t.span,
                    expected: "a quantity".into(),
                    found: t.ty.describe(self.reg),
                    hint: None,
                });
                None
            }
        }
    }

    pub(super) fn binary(&mut self, op: BinaryOp, op_span: Span, l: TExpr, r: TExpr, span: Span) -> Option<TExpr> {
        let (ld, ls) = self.need_quantity(&l)?;
        let (rd, rs) = self.need_quantity(&r)?;
        let ty = match op {
            BinaryOp::Add | BinaryOp::Sub => {
                if ld != rd {
                    self.errors.push(CheckError::DimensionMismatch {
                        op_span,
                        op: if op == BinaryOp::Add { "add".into() } else { "subtract".into() },
                        left: l.span,
                        left_desc: self.describe(&l),
                        right: r.span,
                        right_desc: self.describe(&r),
                        hint: self.mismatch_hint(&ld, &rd).or_else(|| self.hyphen_hint(op, op_span, &l, &r)),
                    });
                    return None;
                }
                Type::Quantity(ld, Shape::sum(ls, rs))
            }
            BinaryOp::Mul => Type::Quantity(ld.mul(&rd), Shape::product(ls, rs)),
            BinaryOp::Div => Type::Quantity(ld.div(&rd), Shape::product(ls, rs)),
            BinaryOp::Pow => {
                if !rd.is_none() {
                    self.errors.push(CheckError::WrongDimension {
                        span: r.span,
                        expected: "a pure number as exponent".into(),
                        found: self.describe(&r),
                        hint: None,
                    });
                    return None;
                }
                if ld.is_none() {
                    Type::Quantity(ld, Shape::product(ls, rs))
                } else {
                    let n = match &r.kind {
                        TExprKind::Literal(q) => crate::number::as_integer(q.value).and_then(|n| i32::try_from(n).ok()),
                        TExprKind::Neg(inner) => match &inner.kind {
                            TExprKind::Literal(q) => {
                                crate::number::as_integer(q.value).and_then(|n| i32::try_from(n).ok()).map(|n| -n)
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some(n) = n.filter(|n| n.abs() <= 64) else {
                        self.errors.push(CheckError::BadExponent { span: r.span, unit: self.describe(&l) });
                        return None;
                    };
                    Type::Quantity(ld.pow(n), ls)
                }
            }
        };
        Some(TExpr { kind: TExprKind::Binary { op, op_span, lhs: Box::new(l), rhs: Box::new(r) }, ty, span })
    }

    /// A bare name: a definition, entity, contract, unit (one of it), or report table.
    pub(super) fn name(&mut self, n: &ast::Ident) -> Option<TExpr> {
        let span = n.span;
        let mk = |kind, ty| Some(TExpr { kind, ty, span });
        match self.names.get(&n.name).map(|x| x.0) {
            Some(NameRef::Def(id)) => {
                if let Some(d) = self.deps.last_mut() {
                    if !d.contains(&id) {
                        d.push(id);
                    }
                }
                let ty = self.def_type(id, span)?;
                mk(TExprKind::Definition(id), ty)
            }
            Some(NameRef::Entity(id)) => mk(TExprKind::Entity(id), Type::Entity),
            Some(NameRef::Contract(id)) => mk(TExprKind::Contract(id), Type::Contract),
            None => {
                if let Some(id) = self.reg.lookup(&n.name) {
                    let unit = Unit::named(id);
                    let d = self.reg.dimension(&unit);
                    return mk(TExprKind::Literal(Quantity::new(rust_decimal::Decimal::ONE, unit)), Type::constant(d));
                }
                if matches!(n.name.as_str(), "defaults" | "claims") {
                    self.errors.push(CheckError::WrongKind {
                        span,
                        expected: "a value".into(),
                        found: format!("the report table `{}`", n.name),
                        hint: Some(format!("a report table stands alone: `report {}`", n.name)),
                    });
                    return None;
                }
                let suggestion = self.suggest_name(&n.name).or_else(|| self.reg.suggest_unit(&n.name));
                self.errors.push(CheckError::UnknownName { span, name: n.name.clone(), suggestion });
                None
            }
        }
    }

    fn member(&mut self, base: &ast::Expr, member: &ast::Ident, span: Span) -> Option<TExpr> {
        let ExprKind::Name(b) = &base.kind else {
            self.errors.push(CheckError::WrongKind {
                span: base.span,
                expected: "an entity before `.`".into(),
                found: "an expression".into(),
                hint: Some("write ENTITY.FLOW to refer to a flow".into()),
            });
            return None;
        };
        let Some((NameRef::Entity(e), _)) = self.names.get(&b.name).copied() else {
            let t = self.name(b)?;
            self.errors.push(CheckError::WrongKind {
                span: base.span,
                expected: "an entity before `.`".into(),
                found: t.ty.describe(self.reg),
                hint: Some("write ENTITY.FLOW to refer to a flow".into()),
            });
            return None;
        };
        let found = self.flow_names.get(&member.name).and_then(|n| self.flow_index.get(&(e, n)));
        let Some(fid) = found.copied() else {
            let mut candidates: Vec<&str> = self
                .flow_index
                .keys()
                .filter(|(ent, _)| *ent == e)
                .filter_map(|(_, n)| self.flow_names.value(*n).map(String::as_str))
                .collect();
            candidates.sort_unstable();
            let suggestion = crate::units::suggest(&member.name, candidates.into_iter());
            self.errors.push(CheckError::UnknownName {
                span: member.span,
                name: format!("{}.{}", b.name, member.name),
                suggestion,
            });
            return None;
        };
        let ty = self.flow_type(fid, span)?;
        Some(TExpr { kind: TExprKind::Flow(fid), ty, span })
    }

    /// A period argument: a calendar literal, or a whole number read as a year.
    pub(super) fn period_arg(&mut self, e: &ast::Expr) -> Option<TExpr> {
        if let Some(y) = written_year(e) {
            return Some(TExpr { kind: TExprKind::Period(PeriodValue::Year(y)), ty: Type::Period, span: e.span });
        }
        let t = self.expr(e)?;
        if t.ty == Type::Period {
            return Some(t);
        }
        self.errors.push(CheckError::WrongKind {
            span: e.span,
            expected: "a period (2025, 2025-H1, 2025-Q3, 2025-01 or 2025-01-15)".into(),
            found: t.ty.describe(self.reg),
            hint: is_bare_number(e).then(|| PERIOD_HELP.to_string()),
        });
        None
    }

    /// A range of periods, or one period standing for itself.
    pub(super) fn range_arg(&mut self, e: &ast::Expr) -> Option<TExpr> {
        if let ExprKind::Range { low, high, point: None } = &e.kind {
            let l = self.period_arg(low)?;
            let h = self.period_arg(high)?;
            return Some(TExpr {
                kind: TExprKind::Range { low: Box::new(l), high: Box::new(h), point: None },
                ty: Type::PeriodRange,
                span: e.span,
            });
        }
        self.period_arg(e)
    }

    /// An entity argument.
    pub(super) fn entity_arg(&mut self, e: &ast::Expr, what: &str) -> Option<TExpr> {
        let t = self.expr(e)?;
        if t.ty == Type::Entity {
            return Some(t);
        }
        self.errors.push(CheckError::WrongKind {
            span: e.span,
            expected: format!("an entity for {what}"),
            found: t.ty.describe(self.reg),
            hint: Some("entities are declared with `entity NAME { … }`".into()),
        });
        None
    }
}

#[cfg(test)]
mod tests {
    /// The codes `aifin check` gives a file.
    fn codes(text: &str) -> Vec<String> {
        let mut map = crate::source::SourceMap::new();
        let loaded = crate::driver::load_text(&mut map, "<t>", text);
        let (_, _, diags) = crate::driver::compile(&loaded, None);
        diags.iter().map(|d| d.code.to_string()).collect()
    }

    /// A range is refused when its written ends run backwards after exact conversion; equal
    /// ends, ends in order across units and ends naming a driver pass the check.
    #[test]
    fn backwards_written_range() {
        let head = "scenario base { timeline 2026 .. 2027 yearly }\nunit kUSD = 1000 USD\n";
        let bad = ["3 USD .. 2 USD", "1001 USD .. 1 kUSD", "-1 USD .. -1.5 USD", "2 kUSD .. 1999.999 USD ~ 2 kUSD"];
        for r in bad {
            assert_eq!(codes(&format!("{head}driver d = {r}\n")), ["aifin::types::backwards_range"], "{r}");
        }
        let good =
            ["2 USD .. 2 USD", "1000 USD .. 1 kUSD", "-2 USD .. -1 USD", "1 kUSD .. 1000.001 USD", "1 USD .. top"];
        for r in good {
            assert!(codes(&format!("{head}driver top = 2 USD\ndriver d = {r}\n")).is_empty(), "{r}");
        }
    }

    /// An end naming a driver is compared in each scenario with that scenario's values, never
    /// mixing two scenarios'; a computed end is left to the run.
    #[test]
    fn backwards_range_through_drivers() {
        let head = "scenario base { timeline 2026 .. 2027 yearly }\ndriver lo = 1 USD\ndriver hi = 5 USD\n";
        let cases = [
            ("driver d = lo .. hi\n", 0),
            ("driver d = 6 USD .. hi\n", 1),
            ("driver d = lo .. hi\nscenario s { hi = 0.5 USD }\n", 1),
            ("driver d = lo .. hi\nscenario s { lo = 6 USD  hi = 7 USD }\n", 0),
            ("driver d = lo .. hi\nscenario s { d = 1 USD }\nscenario t extends s { hi = 0 USD }\n", 0),
            ("driver d = 6 USD .. 2 * hi\n", 0),
            // through two definitions; an override inherited from a base
            ("driver mid = hi\ndriver d = lo .. mid\nscenario s { hi = 0.5 USD }\n", 1),
            ("driver d = lo .. hi\nscenario s { hi = 0.5 USD }\nscenario t extends s { d = 0 USD .. 1 USD }\n", 1),
            ("driver d = lo .. hi\nscenario s { lo = 0 USD }\nscenario t extends s { hi = 0.5 USD }\n", 0),
            ("driver d = lo .. hi\nscenario s { hi = 0.5 USD }\nscenario t extends s { lo = 0 USD }\n", 1),
        ];
        for (decls, n) in cases {
            let c = codes(&format!("{head}{decls}"));
            assert_eq!(c.len(), n, "{decls}: {c:?}");
            assert!(c.iter().all(|c| c == "aifin::types::backwards_range"), "{decls}: {c:?}");
        }
    }

    /// A claim's year is a whole number written without a decimal point or magnitude.
    #[test]
    fn claim_years_are_written_whole_numbers() {
        let head = "scenario base { timeline 2025 .. 2027 yearly }\nentity E { cash 2025-01-01: 10 USD }\n";
        for t in ["== 2026", "in 2025 .. 2_026", "< 2026-03", "== never"] {
            assert!(codes(&format!("{head}claim \"c\": defaulted(E) {t}\n")).is_empty(), "{t}");
        }
        for t in ["== 0", "== 2025.0", "== 2k", "in 2025.0 .. 2026", "== 10000"] {
            assert_eq!(codes(&format!("{head}claim \"c\": defaulted(E) {t}\n")), ["aifin::types::wrong_kind"], "{t}");
        }
    }
}
