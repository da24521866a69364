//! Typing the built-ins of `std/finance` (`npv`, `discount`, `irr`, `pmt`, `fv`, `pv`,
//! `cumulative`, `cagr_of`). They are built-ins rather than aifin definitions because the
//! language has no user-defined functions; they are in scope only in a program that imports
//! `std/finance` (checked in [`super::builtins`]), so the module's name says where they come from.
//! Their conventions (periods, timing) are in docs/language.md and `src/eval/finance.rs`.

use super::ir::*;
use super::types::{Shape, Type};
use super::Checker;
use crate::source::Span;
use crate::syntax::ast;
use crate::units::Dimension;

impl Checker<'_> {
    /// A call of a `std/finance` built-in.
    pub(super) fn finance_call(
        &mut self,
        b: Builtin,
        positional: &[&ast::Arg],
        args: &[ast::Arg],
        span: Span,
    ) -> Option<TExpr> {
        let per_time = self.reg.time().inv();
        let arg =
            |value: TExpr, a: &ast::Arg| TArg { name: None, value, anchor: a.anchor.map(|x| x.value), span: a.span };
        let mk = |mut args: Vec<TArg>, ty: Type| {
            args.shrink_to_fit();
            Some(TExpr { kind: TExprKind::Call(b, args), ty, span })
        };
        match b {
            Builtin::Npv | Builtin::Discount => {
                let [x, y] = positional else { return self.bad_args(span, b, "expected two arguments") };
                let (rate_a, flow_a) = if b == Builtin::Npv { (x, y) } else { (y, x) };
                let rate = self.expr(&rate_a.value)?;
                self.need_dim(&rate, &per_time, "a discount rate per time, e.g. 8%/year")?;
                if rate.ty.shape() != Some(Shape::Constant) {
                    return self.bad_args(rate_a.span, b, "the discount rate must be a constant");
                }
                let flow = self.flow_arg(b, flow_a)?;
                let d = flow.ty.dimension().cloned().unwrap_or_default();
                let mut out = vec![arg(rate, rate_a), arg(flow, flow_a)];
                if let Some(t) = args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.name == "timing")) {
                    let v = self.choice(&t.value, super::options::FlowTiming::WORDS)?;
                    out.push(TArg { name: Some("timing".into()), value: v, anchor: None, span: t.span });
                }
                let shape = if b == Builtin::Npv { Shape::Constant } else { Shape::Flow };
                mk(out, Type::Quantity(d, shape))
            }
            Builtin::Irr => {
                let [f] = positional else { return self.bad_args(span, b, "expected one flow") };
                let flow = self.flow_arg(b, f)?;
                mk(vec![arg(flow, f)], Type::constant(per_time))
            }
            Builtin::Cumulative => {
                let [f] = positional else { return self.bad_args(span, b, "expected one flow") };
                let flow = self.flow_arg(b, f)?;
                let d = flow.ty.dimension().cloned().unwrap_or_default();
                mk(vec![arg(flow, f)], Type::Quantity(d, Shape::Level))
            }
            Builtin::Pmt | Builtin::Fv | Builtin::Pv => {
                let most = if b == Builtin::Fv { 4 } else { 3 };
                if positional.len() < 3 || positional.len() > most {
                    return self.bad_args(
                        span,
                        b,
                        format!("expected {} arguments", if most == 4 { "3 or 4" } else { "3" }),
                    );
                }
                let mut out = Vec::new();
                let mut dim: Option<Dimension> = None;
                for (i, a) in positional.iter().enumerate() {
                    let v = self.expr(&a.value)?;
                    let (d, s) = self.need_quantity(&v)?;
                    if s != Shape::Constant {
                        return self.bad_args(a.span, b, "every argument must be a constant");
                    }
                    match i {
                        0 => self.need_dim(&v, &Dimension::none(), "a rate per period as a pure number, e.g. 0.5%")?,
                        1 => self.need_dim(&v, &Dimension::none(), "a number of periods, e.g. 360")?,
                        _ => {
                            if let Some(first) = &dim {
                                if *first != d {
                                    return self.bad_args(
                                        a.span,
                                        b,
                                        "the payment and the present value must have one dimension",
                                    );
                                }
                            }
                            dim = Some(d);
                        }
                    }
                    out.push(arg(v, a));
                }
                mk(out, Type::constant(dim.unwrap_or_default()))
            }
            Builtin::CagrOf => {
                let [x, y] = positional else { return self.bad_args(span, b, "expected two anchored values") };
                let mut out = Vec::new();
                let mut dim: Option<Dimension> = None;
                for a in [x, y] {
                    let Some(anchor) = a.anchor else {
                        return self.bad_args(a.span, b, "every value needs an anchor: `value @ PERIOD`");
                    };
                    let v = self.expr(&a.value)?;
                    let (d, s) = self.need_quantity(&v)?;
                    if s != Shape::Constant {
                        return self.bad_args(a.span, b, "anchored values must be constants (use annual() or at())");
                    }
                    if dim.as_ref().is_some_and(|first| *first != d) {
                        return self.bad_args(a.span, b, "both values must have one dimension");
                    }
                    if let Some(prev) = out.first().and_then(|p: &TArg| p.anchor) {
                        if crate::calendar::period_start(anchor.value) <= crate::calendar::period_start(prev) {
                            return self.bad_args(anchor.span, b, "the second anchor must be later than the first");
                        }
                    }
                    dim = Some(d);
                    out.push(arg(v, a));
                }
                mk(out, Type::constant(per_time))
            }
            _ => self.bad_args(span, b, "not a std/finance function"),
        }
    }

    /// An argument that must be a flow of amounts (`OpenAI.revenue`, `payments(C)`,
    /// `revenue(E)`…): discounting and cumulating add amounts per period.
    fn flow_arg(&mut self, b: Builtin, a: &ast::Arg) -> Option<TExpr> {
        let v = self.expr(&a.value)?;
        let (_, s) = self.need_quantity(&v)?;
        if s != Shape::Flow {
            let found = self.describe(&v);
            return self.bad_args(
                a.span,
                b,
                format!(
                    "this is {} of {found}: expected a flow of amounts (a flow, payments(C), revenue(E)…)",
                    s.describe()
                ),
            );
        }
        Some(v)
    }
}
