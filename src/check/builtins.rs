//! Typing calls of the built-in functions (their list and signatures: [`BUILTINS`]).

use super::error::CheckError;
use super::ir::*;
use super::options::{Extrapolation, Interpolation};
use super::types::{Shape, Type};
use super::Checker;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind};
use crate::units::Dimension;

impl Checker<'_> {
    /// A distribution: constant arguments of one dimension (`bernoulli`: a pure number), typed
    /// as an uncertain quantity. Its parameters are checked for sense where they are literals
    /// by the evaluator (`sd ≥ 0`, `0 < p5 < p95`, `low ≤ mode ≤ high`, `0 ≤ p ≤ 1`).
    fn distribution(&mut self, b: Builtin, args: &[ast::Arg], span: Span) -> Option<TExpr> {
        let (want, names): (usize, &[&str]) = match b {
            Builtin::Lognormal => (2, &["p5", "p95"]),
            Builtin::Triangular => (3, &[]),
            Builtin::Bernoulli => (1, &[]),
            _ => (2, &[]),
        };
        let ordered: Vec<&ast::Arg> = if names.is_empty() {
            if args.len() != want || args.iter().any(|a| a.name.is_some()) {
                let n = ["", "one argument", "two arguments", "three arguments"].get(want).copied().unwrap_or("");
                return self.bad_args(span, b, format!("expected {n}"));
            }
            args.iter().collect()
        } else {
            let found: Vec<&ast::Arg> = names
                .iter()
                .filter_map(|k| args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.name == *k)))
                .collect();
            if found.len() != want || args.len() != want {
                return self.bad_args(span, b, "expected the named arguments `p5:` and `p95:`");
            }
            found
        };
        let mut out = Vec::new();
        let mut dim: Option<Dimension> = None;
        for a in ordered {
            let v = self.expr(&a.value)?;
            let (d, s) = self.need_quantity(&v)?;
            if s != Shape::Constant {
                return self.bad_args(a.span, b, "the parameters of a distribution must be constants");
            }
            if b == Builtin::Bernoulli && d != Dimension::none() {
                let found = self.describe(&v);
                return self.bad_args(a.span, b, format!("the probability must be a pure number; this is {found}"));
            }
            if let Some(first) = &dim {
                if *first != d {
                    let found = self.describe(&v);
                    return self.bad_args(a.span, b, format!("all arguments must have one dimension; this is {found}"));
                }
            }
            dim = Some(d);
            out.push(TArg { name: a.name.as_ref().map(|n| n.name.clone()), value: v, anchor: None, span: a.span });
        }
        out.shrink_to_fit();
        Some(TExpr { kind: TExprKind::Call(b, out), ty: Type::Uncertain(dim.unwrap_or_default()), span })
    }

    pub(super) fn bad_args(&mut self, span: Span, b: Builtin, reason: impl Into<String>) -> Option<TExpr> {
        let spec = b.spec();
        self.errors.push(CheckError::BadArguments {
            span,
            function: spec.name.into(),
            reason: reason.into(),
            signature: spec.signature.into(),
        });
        None
    }

    /// `callee(args)`
    pub(super) fn call(&mut self, callee: &ast::Expr, args: &[ast::Arg], span: Span) -> Option<TExpr> {
        let ExprKind::Name(n) = &callee.kind else {
            self.errors.push(CheckError::UnknownFunction {
                span: callee.span,
                name: crate::syntax::fmt::expr(callee),
                suggestion: None,
                module: None,
            });
            return None;
        };
        let in_scope = |b: Builtin| b.std_module().is_none_or(|m| self.imports.iter().any(|i| i == m));
        let Some(b) = BUILTINS.iter().find(|x| x.name == n.name).map(|x| x.builtin) else {
            let visible = BUILTINS.iter().filter(|x| in_scope(x.builtin)).map(|x| x.name);
            let suggestion = crate::units::suggest(&n.name, visible);
            self.errors.push(CheckError::UnknownFunction {
                span: n.span,
                name: n.name.clone(),
                suggestion,
                module: None,
            });
            return None;
        };
        if !in_scope(b) {
            self.errors.push(CheckError::UnknownFunction {
                span: n.span,
                name: n.name.clone(),
                suggestion: None,
                module: b.std_module().map(str::to_string),
            });
            return None;
        }
        // Named arguments must be ones the function knows.
        let spec = b.spec();
        for a in args {
            if let Some(name) = &a.name {
                if !spec.named.contains(&name.name.as_str()) {
                    return self.bad_args(name.span, b, format!("no argument named `{}`", name.name));
                }
            }
        }
        let positional: Vec<&ast::Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let named = |k: &str| args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.name == k));
        for a in args {
            if a.anchor.is_some() && !(spec.anchors && a.name.is_none()) {
                return self.bad_args(a.span, b, "this argument takes no `@ PERIOD` anchor");
            }
        }
        let mk = |mut kind: TExprKind, ty| {
            // a call's arguments were pushed one by one: no spare capacity in the program
            if let TExprKind::Call(_, args) = &mut kind {
                args.shrink_to_fit();
            }
            Some(TExpr { kind, ty, span })
        };
        let money = self.money.clone();
        if b.std_module().is_some() {
            return self.finance_call(b, &positional, args, span);
        }
        match b {
            Builtin::Constant | Builtin::Abs => {
                let [a] = positional.as_slice() else { return self.bad_args(span, b, "expected one argument") };
                let v = self.expr(&a.value)?;
                let (d, s) = self.need_quantity(&v)?;
                let shape = if b == Builtin::Constant { Shape::Series } else { s };
                let arg = TArg { name: None, value: v, anchor: None, span: a.span };
                mk(TExprKind::Call(b, vec![arg]), Type::Quantity(d, shape))
            }
            Builtin::Normal | Builtin::Lognormal | Builtin::Uniform | Builtin::Triangular | Builtin::Bernoulli => {
                self.distribution(b, args, span)
            }
            Builtin::Min | Builtin::Max => {
                if positional.len() < 2 {
                    return self.bad_args(span, b, "expected at least two arguments");
                }
                let mut out = Vec::new();
                let mut dim: Option<Dimension> = None;
                let mut shape = Shape::Constant;
                for a in &positional {
                    let v = self.expr(&a.value)?;
                    let (d, s) = self.need_quantity(&v)?;
                    if let Some(first) = &dim {
                        if *first != d {
                            let found = self.describe(&v);
                            return self.bad_args(
                                a.span,
                                b,
                                format!("all arguments must have one dimension; this is {found}"),
                            );
                        }
                    }
                    dim = Some(d);
                    shape = Shape::sum(shape, s);
                    out.push(TArg { name: None, value: v, anchor: None, span: a.span });
                }
                mk(TExprKind::Call(b, out), Type::Quantity(dim.unwrap_or_default(), shape))
            }
            Builtin::Linear | Builtin::Step | Builtin::Table | Builtin::Cagr => {
                let min = if b == Builtin::Step || b == Builtin::Table { 1 } else { 2 };
                if positional.len() < min || (b == Builtin::Cagr && positional.len() != 2) {
                    let want = if b == Builtin::Cagr {
                        "exactly two anchors".to_string()
                    } else {
                        format!("at least {min} anchored values")
                    };
                    return self.bad_args(span, b, format!("expected {want}"));
                }
                let mut out = Vec::new();
                let mut dim: Option<Dimension> = None;
                let mut last: Option<(ast::PeriodValue, Span)> = None;
                for a in &positional {
                    let Some(anchor) = a.anchor else {
                        return self.bad_args(a.span, b, "every value needs an anchor: `value @ PERIOD`");
                    };
                    let v = self.expr(&a.value)?;
                    let (d, s) = self.need_quantity(&v)?;
                    if s != Shape::Constant {
                        return self.bad_args(a.span, b, "anchored values must be constants");
                    }
                    if let Some(first) = &dim {
                        if *first != d {
                            let l = out.first().map(|x: &TArg| self.describe(&x.value)).unwrap_or_default();
                            let r = self.describe(&v);
                            self.errors.push(CheckError::DimensionMismatch {
                                op_span: anchor.span,
                                op: "anchor one curve with".into(),
                                left: out.first().map(|x: &TArg| x.value.span).unwrap_or(span),
                                left_desc: l,
                                right: v.span,
                                right_desc: r,
                                hint: Some("every anchor of a curve has the same dimension".into()),
                            });
                            return None;
                        }
                    }
                    if let Some((prev, _)) = last {
                        if crate::calendar::period_start(anchor.value) <= crate::calendar::period_start(prev) {
                            return self.bad_args(anchor.span, b, "anchors must be in increasing time order");
                        }
                    }
                    last = Some((anchor.value, anchor.span));
                    dim = Some(d);
                    out.push(TArg { name: None, value: v, anchor: Some(anchor.value), span: a.span });
                }
                for (key, choices) in [("extrapolate", Extrapolation::WORDS), ("interpolation", Interpolation::WORDS)] {
                    if let Some(a) = named(key) {
                        let v = self.choice(&a.value, choices)?;
                        out.push(TArg { name: Some(key.into()), value: v, anchor: None, span: a.span });
                    }
                }
                mk(TExprKind::Call(b, out), Type::Quantity(dim.unwrap_or_default(), Shape::Series))
            }
            Builtin::Compound => {
                let (Some(start), rate) = (positional.first(), named("rate").or(positional.get(1).copied())) else {
                    return self.bad_args(span, b, "expected a start value with an anchor and a rate");
                };
                let Some(rate) = rate else { return self.bad_args(span, b, "expected a rate per time, e.g. 10%/year") };
                let Some(anchor) = start.anchor else {
                    return self.bad_args(start.span, b, "the start value needs an anchor: `value @ PERIOD`");
                };
                let v = self.expr(&start.value)?;
                let (d, _) = self.need_quantity(&v)?;
                let r = self.expr(&rate.value)?;
                self.need_dim(&r, &self.reg.time().inv(), "a rate per time, e.g. 10%/year")?;
                let args = vec![
                    TArg { name: None, value: v, anchor: Some(anchor.value), span: start.span },
                    TArg { name: Some("rate".into()), value: r, anchor: None, span: rate.span },
                ];
                mk(TExprKind::Call(b, args), Type::Quantity(d, Shape::Series))
            }
            Builtin::Logistic => {
                let mut out = Vec::new();
                let mut dim = Dimension::none();
                for key in ["floor", "cap", "midpoint", "steepness"] {
                    let Some(a) = named(key) else { return self.bad_args(span, b, format!("missing `{key}:`")) };
                    let v = match key {
                        "midpoint" => self.period_arg(&a.value)?,
                        "steepness" => {
                            let v = self.expr(&a.value)?;
                            self.need_dim(&v, &self.reg.time().inv(), "a rate per time, e.g. 0.8/year")?;
                            v
                        }
                        _ => {
                            let v = self.expr(&a.value)?;
                            let (d, _) = self.need_quantity(&v)?;
                            if key == "cap" && d != dim {
                                return self.bad_args(a.span, b, "`floor` and `cap` must have the same dimension");
                            }
                            dim = d;
                            v
                        }
                    };
                    out.push(TArg { name: Some(key.into()), value: v, anchor: None, span: a.span });
                }
                mk(TExprKind::Call(b, out), Type::Quantity(dim, Shape::Series))
            }
            Builtin::Generations => {
                let Some(start) = positional.first() else {
                    return self.bad_args(span, b, "expected a start value with an anchor");
                };
                let Some(anchor) = start.anchor else {
                    return self.bad_args(start.span, b, "the start value needs an anchor: `value @ PERIOD`");
                };
                let v = self.expr(&start.value)?;
                let (d, _) = self.need_quantity(&v)?;
                let (Some(f), Some(every)) = (named("factor"), named("every")) else {
                    return self.bad_args(span, b, "expected `factor:` and `every:`");
                };
                let fv = self.expr(&f.value)?;
                self.need_dim(&fv, &Dimension::none(), "a pure number (e.g. 10 for x10 per generation)")?;
                let ev = self.expr(&every.value)?;
                self.need_dim(&ev, &self.reg.time(), "a duration (e.g. 2 year)")?;
                let args = vec![
                    TArg { name: None, value: v, anchor: Some(anchor.value), span: start.span },
                    TArg { name: Some("factor".into()), value: fv, anchor: None, span: f.span },
                    TArg { name: Some("every".into()), value: ev, anchor: None, span: every.span },
                ];
                mk(TExprKind::Call(b, args), Type::Quantity(d, Shape::Series))
            }
            Builtin::Annual | Builtin::Total | Builtin::At => {
                let [x, p] = positional.as_slice() else { return self.bad_args(span, b, "expected two arguments") };
                let v = self.expr(&x.value)?;
                let (d, s) = self.need_quantity(&v)?;
                let pv = if b == Builtin::Annual { self.period_arg(&p.value)? } else { self.range_arg(&p.value)? };
                let dim = if b == Builtin::At || s == Shape::Flow {
                    d
                } else if s != Shape::Level && d.exponent_of_time(&self.reg.time()) < 0 {
                    d.mul(&self.reg.time())
                } else {
                    let what = self.describe(&v);
                    return self.bad_args(
                        x.span,
                        b,
                        format!(
                            "this is {} of {what}: it sums flows and rates per time (use at() for a value at a period)",
                            s.describe()
                        ),
                    );
                };
                let args = vec![
                    TArg { name: None, value: v, anchor: None, span: x.span },
                    TArg { name: None, value: pv, anchor: None, span: p.span },
                ];
                mk(TExprKind::Call(b, args), Type::constant(dim))
            }
            Builtin::Cash
            | Builtin::Credit
            | Builtin::Profit
            | Builtin::Revenue
            | Builtin::Costs
            | Builtin::Net
            | Builtin::Capex
            | Builtin::Depreciation
            | Builtin::Interest
            | Builtin::Financing
            | Builtin::Runway
            | Builtin::Losses
            | Builtin::Commitments
            | Builtin::Defaulted => {
                let [e] = positional.as_slice() else { return self.bad_args(span, b, "expected one entity") };
                let ev = self.entity_arg(&e.value, "this function")?;
                let ty = match b {
                    Builtin::Cash | Builtin::Credit | Builtin::Commitments => Type::Quantity(money, Shape::Level),
                    Builtin::Runway | Builtin::Defaulted => Type::Period,
                    Builtin::Losses => Type::constant(money),
                    _ => Type::Quantity(money, Shape::Flow),
                };
                mk(TExprKind::Call(b, vec![TArg { name: None, value: ev, anchor: None, span: e.span }]), ty)
            }
            Builtin::Outstanding | Builtin::Accrued => {
                let [c] = positional.as_slice() else { return self.bad_args(span, b, "expected one loan") };
                let cv = self.expr(&c.value)?;
                if cv.ty != Type::Contract {
                    let found = cv.ty.describe(self.reg);
                    return self.bad_args(c.span, b, format!("expected a loan, found {found}"));
                }
                mk(
                    TExprKind::Call(b, vec![TArg { name: None, value: cv, anchor: None, span: c.span }]),
                    Type::Quantity(money, Shape::Level),
                )
            }
            Builtin::Payments | Builtin::Scheduled | Builtin::Remaining => {
                let [c] = positional.as_slice() else { return self.bad_args(span, b, "expected one contract") };
                let cv = self.expr(&c.value)?;
                if cv.ty != Type::Contract {
                    let found = cv.ty.describe(self.reg);
                    return self.bad_args(c.span, b, format!("expected a contract, found {found}"));
                }
                let shape = if b == Builtin::Remaining { Shape::Level } else { Shape::Flow };
                mk(
                    TExprKind::Call(b, vec![TArg { name: None, value: cv, anchor: None, span: c.span }]),
                    Type::Quantity(money, shape),
                )
            }
            Builtin::FundingGap | Builtin::Burn => {
                let [e, r] = positional.as_slice() else {
                    return self.bad_args(span, b, "expected an entity and a period");
                };
                let ev = self.entity_arg(&e.value, "this function")?;
                let rv = if b == Builtin::FundingGap { self.range_arg(&r.value)? } else { self.period_arg(&r.value)? };
                let args = vec![
                    TArg { name: None, value: ev, anchor: None, span: e.span },
                    TArg { name: None, value: rv, anchor: None, span: r.span },
                ];
                mk(TExprKind::Call(b, args), Type::constant(money))
            }
            crate::check::builtin_spec::finance_builtins!() => self.finance_call(b, &positional, args, span),
        }
    }

    /// An option word from `choices`.
    pub(super) fn choice(&mut self, e: &ast::Expr, choices: &[&str]) -> Option<TExpr> {
        if let ExprKind::Name(n) = &e.kind {
            if choices.contains(&n.name.as_str()) {
                return Some(TExpr { kind: TExprKind::Symbol(n.name.clone()), ty: Type::Symbol, span: e.span });
            }
            self.errors.push(CheckError::InvalidChoice {
                span: e.span,
                found: n.name.clone(),
                choices: choices.iter().map(|c| c.to_string()).collect(),
            });
            return None;
        }
        self.errors.push(CheckError::InvalidChoice {
            span: e.span,
            found: crate::syntax::fmt::expr(e),
            choices: choices.iter().map(|c| c.to_string()).collect(),
        });
        None
    }

    /// Checks that `t` is a quantity of dimension `want`.
    pub(super) fn need_dim(&mut self, t: &TExpr, want: &Dimension, expected: &str) -> Option<()> {
        let (d, _) = self.need_quantity(t)?;
        if d == *want {
            return Some(());
        }
        let found = self.describe(t);
        let hint = self.per_time_hint(t, want, &d).or_else(|| self.mismatch_hint(want, &d));
        self.errors.push(CheckError::WrongDimension { span: t.span, expected: expected.into(), found, hint });
        None
    }
}
