//! The built-ins of `std/finance`: discounting (`npv`, `discount`), the internal rate of return
//! (`irr`), the annuity formulas (`pmt`, `fv`, `pv`), running totals (`cumulative`) and the
//! growth rate between two anchored values (`cagr_of`).
//!
//! Conventions (docs/language.md, "Finance"):
//! - A rate per time (`8%/year`) is an **annual effective** rate `r`. A period of the timeline
//!   is `Δ` years long — 1 (yearly), 1/4 (quarterly), 1/12 (monthly), 1/365 (daily), the
//!   fixed factors of `in` — so its discount factor is `v = (1 + r)^(−Δ)`.
//! - Amounts are discounted to the **start of the timeline**. With `timing: end` (the
//!   default) the amount of period `i` (0-based) is paid at the period's end, factor `v^(i+1)`
//!   (a spreadsheet's NPV); with `timing: start` at its start, factor `v^i` (the textbook
//!   "CF₀ + Σ CFₜ/(1+r)ᵗ").
//! - `irr` finds `r` with `npv(r, flow) = 0` by bisection on exact decimals (the timing shifts
//!   every factor by the same `v`, so it does not change the root). It looks for a sign change
//!   outward from 0 %: up the grid 0, 10 %, 25 %, 50 %, 100 %, 200 %, 500 %, 1000 %, 10⁴ %,
//!   10⁵ % per year, then down −10 %, −25 %, −50 %, −75 %, −90 %, −99 %; it bisects the first
//!   interval whose ends differ in sign until it is narrower than 10⁻¹² and returns its
//!   midpoint rounded to 10 decimals: within [`IRR_PRECISION`] (10⁻¹⁰ per year) of a root. No
//!   sign change is `aifin::eval::no_solution`.
//! - `pmt`, `fv`, `pv` take a rate per **payment period** as a pure number and a number of
//!   periods, payments at each period's end, all amounts positive:
//!   `pmt = P·r / (1 − (1+r)^−n)`, `pv = A·(1 − (1+r)^−n) / r`,
//!   `fv = A·((1+r)^n − 1) / r + P·(1+r)^n`; at `r = 0`, `P/n`, `A·n`, `A·n + P`.

use super::engine::{Run, Val};
use super::error::EvalError;
use super::series::Series;
use crate::check::ir::*;
use crate::check::options::{FlowTiming, OptionWord};
use crate::check::Shape;
use crate::number::{self, ArithError};
use crate::source::Span;
use crate::syntax::ast::Step;
use crate::units::Unit;
use rust_decimal::Decimal;

/// How close `irr` gets to a root, per year.
pub const IRR_PRECISION: &str = "1e-10";

fn arith(e: ArithError, span: Span) -> EvalError {
    EvalError::arith(e, span)
}

/// `Δ`: a period of the timeline in years.
fn period_years(step: Step) -> Decimal {
    match step {
        Step::Yearly => Decimal::ONE,
        Step::Quarterly => Decimal::new(25, 2),
        Step::Monthly => Decimal::ONE / Decimal::from(12),
        Step::Daily => Decimal::ONE / Decimal::from(365),
    }
}

/// The per-period discount factor `v = (1 + r)^(−Δ)` of an annual rate `r`.
fn factor(r: Decimal, step: Step) -> Result<Decimal, ArithError> {
    let base = number::add(Decimal::ONE, r)?;
    if base <= Decimal::ZERO {
        return Err(ArithError::BadPower);
    }
    match step {
        Step::Yearly => number::div(Decimal::ONE, base),
        _ => number::pow(base, -period_years(step)),
    }
}

/// The discounted amounts: `amounts[i] · v^(i+1)` (end) or `· v^i` (start).
fn discounted(amounts: &[Decimal], v: Decimal, start: bool) -> Result<Vec<Decimal>, ArithError> {
    let mut f = if start { Decimal::ONE } else { v };
    let mut out = Vec::with_capacity(amounts.len());
    for a in amounts {
        out.push(number::mul(*a, f)?);
        f = number::mul(f, v)?;
    }
    Ok(out)
}

/// `Σ amounts[i] · v^(i+1)`, by Horner's rule (no power grows beyond the sum itself).
fn npv_at(amounts: &[Decimal], r: Decimal, step: Step) -> Result<Decimal, ArithError> {
    let v = factor(r, step)?;
    let mut acc = Decimal::ZERO;
    for a in amounts.iter().rev() {
        acc = number::mul(number::add(acc, *a)?, v)?;
    }
    Ok(acc)
}

/// The sign of `npv` at `r`, or `None` where it cannot be computed (it overflows).
fn sign_at(amounts: &[Decimal], r: Decimal, step: Step) -> Option<i8> {
    let v = npv_at(amounts, r, step).ok()?;
    Some(if v.is_zero() {
        0
    } else if v.is_sign_negative() {
        -1
    } else {
        1
    })
}

/// The annual rate at which the amounts' NPV is zero (see the module docs), or why not.
pub fn irr(amounts: &[Decimal], step: Step) -> Result<Decimal, String> {
    let pct = |n: i64| Decimal::new(n, 2);
    let up = [0, 10, 25, 50, 100, 200, 500, 1000, 10_000, 100_000].map(pct);
    let down = [0, -10, -25, -50, -75, -90, -99].map(pct);
    let mut bracket = None;
    'search: for grid in [&up[..], &down[..]] {
        for w in grid.windows(2) {
            let (Some(a), Some(b)) = (w.first().copied(), w.get(1).copied()) else { continue };
            let (Some(sa), Some(sb)) = (sign_at(amounts, a, step), sign_at(amounts, b, step)) else { continue };
            if sa == 0 {
                return Ok(a);
            }
            if sb == 0 {
                return Ok(b);
            }
            if sa != sb {
                bracket = Some((a, b, sa));
                break 'search;
            }
        }
    }
    let Some((mut lo, mut hi, s_lo)) = bracket else {
        return Err("the NPV of this flow does not change sign between -99 %/year and 100,000 %/year, so it has no internal rate of return there (a flow needs both inflows and outflows)".into());
    };
    let width = Decimal::new(1, 12);
    let mut rounds = 0;
    while (hi - lo).abs() > width && rounds < 200 {
        rounds += 1;
        let mid = (lo + hi) / Decimal::TWO;
        match sign_at(amounts, mid, step) {
            Some(0) => return Ok(mid.round_dp(10)),
            Some(s) if s == s_lo => lo = mid,
            Some(_) => hi = mid,
            None => return Err("the NPV overflows inside the bracket".into()),
        }
    }
    Ok(((lo + hi) / Decimal::TWO).round_dp(10))
}

/// `(1 + r)^n`.
fn growth(r: Decimal, n: Decimal) -> Result<Decimal, ArithError> {
    number::pow(number::add(Decimal::ONE, r)?, n)
}

/// `pmt(r, n, P)`: the payment at each period's end that repays `P` in `n` periods.
pub fn pmt(r: Decimal, n: Decimal, p: Decimal) -> Result<Decimal, ArithError> {
    if r.is_zero() {
        return number::div(p, n);
    }
    let g = growth(r, -n)?;
    number::div(number::mul(p, r)?, number::sub(Decimal::ONE, g)?)
}

/// `pv(r, n, A)`: what `n` payments of `A` at each period's end are worth today.
pub fn pv(r: Decimal, n: Decimal, a: Decimal) -> Result<Decimal, ArithError> {
    if r.is_zero() {
        return number::mul(a, n);
    }
    let g = growth(r, -n)?;
    number::div(number::mul(a, number::sub(Decimal::ONE, g)?)?, r)
}

/// `fv(r, n, A, P)`: what `n` payments of `A` at each period's end and `P` today are worth
/// after `n` periods.
pub fn fv(r: Decimal, n: Decimal, a: Decimal, p: Decimal) -> Result<Decimal, ArithError> {
    let g = growth(r, n)?;
    let annuity =
        if r.is_zero() { number::mul(a, n)? } else { number::div(number::mul(a, number::sub(g, Decimal::ONE)?)?, r)? };
    number::add(annuity, number::mul(p, g)?)
}

impl Run<'_> {
    /// A `std/finance` built-in.
    pub(super) fn finance(&mut self, b: Builtin, args: &[TArg], e: &TExpr) -> Result<Val, EvalError> {
        let span = e.span;
        let reg = self.reg;
        let year = Unit::named(reg.lookup("year").unwrap_or(0));
        let pct_per_year = Unit::named(reg.lookup("%").unwrap_or(0)).div(&year);
        let hundred = Decimal::ONE_HUNDRED;
        let get = |i: usize| args.get(i).ok_or(EvalError::Internal { span, what: "a missing argument".into() });
        match b {
            Builtin::Npv | Builtin::Discount => {
                // the checker puts the rate first for both
                let (ra, fa) = (get(0)?.clone(), get(1)?.clone());
                let rate = self.series(&ra.value)?;
                let r = rate.convert(&Unit::none().div(&year), reg).map_err(|x| arith(x.error, ra.span))?.get(0);
                let flow = self.series(&fa.value)?;
                let start = matches!(args.iter().find(|a| a.name.as_deref() == Some("timing")).map(|a| &a.value.kind), Some(TExprKind::Symbol(s)) if FlowTiming::from_word(s) == Some(FlowTiming::Start));
                let amounts: Vec<Decimal> = (0..self.n()).map(|i| flow.get(i)).collect();
                let v = factor(r, self.timeline.step).map_err(|x| arith(x, ra.span))?;
                let d = discounted(&amounts, v, start).map_err(|x| arith(x, span))?;
                if b == Builtin::Discount {
                    return Ok(Val::S(Series::per(d, flow.unit), Shape::Flow));
                }
                let total = d.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, *x)).map_err(|x| arith(x, span))?;
                Ok(Val::S(Series::constant(total, flow.unit), Shape::Constant))
            }
            Builtin::Irr => {
                let fa = get(0)?.clone();
                let flow = self.series(&fa.value)?;
                let amounts: Vec<Decimal> = (0..self.n()).map(|i| flow.get(i)).collect();
                let r = irr(&amounts, self.timeline.step).map_err(|what| EvalError::NoSolution { span, what })?;
                let v = number::mul(r, hundred).map_err(|x| arith(x, span))?;
                Ok(Val::S(Series::constant(v, pct_per_year), Shape::Constant))
            }
            Builtin::Cumulative => {
                let fa = get(0)?.clone();
                let flow = self.series(&fa.value)?;
                let mut acc = Decimal::ZERO;
                let mut out = Vec::with_capacity(self.n());
                for i in 0..self.n() {
                    acc = number::add(acc, flow.get(i)).map_err(|x| arith(x, span))?;
                    out.push(acc);
                }
                Ok(Val::S(Series::per(out, flow.unit), Shape::Level))
            }
            Builtin::Pmt | Builtin::Fv | Builtin::Pv => {
                let pure = |run: &mut Self, i: usize| -> Result<Decimal, EvalError> {
                    let a = get(i)?.clone();
                    let s = run.series(&a.value)?;
                    Ok(s.convert(&Unit::none(), reg).map_err(|x| arith(x.error, a.span))?.get(0))
                };
                let r = pure(self, 0)?;
                let n = pure(self, 1)?;
                let money = self.series(&get(2)?.value)?;
                let present = match args.get(3) {
                    Some(a) => {
                        self.series(&a.value)?.convert(&money.unit, reg).map_err(|x| arith(x.error, a.span))?.get(0)
                    }
                    None => Decimal::ZERO,
                };
                let x = money.get(0);
                let v = match b {
                    Builtin::Pmt => pmt(r, n, x),
                    Builtin::Pv => pv(r, n, x),
                    _ => fv(r, n, x, present),
                }
                .map_err(|err| arith(err, span))?;
                Ok(Val::S(Series::constant(v, money.unit), Shape::Constant))
            }
            Builtin::CagrOf => {
                let (a, z) = (get(0)?.clone(), get(1)?.clone());
                let (Some(pa), Some(pz)) = (a.anchor, z.anchor) else {
                    return Err(EvalError::Internal { span, what: "cagr_of without anchors".into() });
                };
                let first = self.series(&a.value)?;
                let last = self.series(&z.value)?.convert(&first.unit, reg).map_err(|x| arith(x.error, z.span))?;
                let years = years_between(pa, pz);
                let ratio = number::div(last.get(0), first.get(0)).map_err(|x| arith(x, span))?;
                let inv = number::div(Decimal::ONE, years).map_err(|x| arith(x, span))?;
                let g = number::sub(number::pow(ratio, inv).map_err(|x| arith(x, span))?, Decimal::ONE)
                    .map_err(|x| arith(x, span))?;
                let v = number::mul(g, hundred).map_err(|x| arith(x, span))?;
                Ok(Val::S(Series::constant(v, pct_per_year), Shape::Constant))
            }
            _ => Err(EvalError::Internal { span, what: "not a std/finance function".into() }),
        }
    }
}

/// Years from the start of one period to the start of another: whole months ÷ 12 when both
/// start on a month's first day, else days ÷ 365 (the fixed factors of `in`).
fn years_between(a: crate::syntax::ast::PeriodValue, b: crate::syntax::ast::PeriodValue) -> Decimal {
    let (ya, ma, da) = crate::calendar::period_start(a);
    let (yb, mb, db) = crate::calendar::period_start(b);
    if da == 1 && db == 1 {
        let months = (i64::from(yb) - i64::from(ya)) * 12 + i64::from(mb) - i64::from(ma);
        return Decimal::from(months) / Decimal::from(12);
    }
    let days = crate::calendar::day_number(yb, mb, db) - crate::calendar::day_number(ya, ma, da);
    Decimal::from(days) / Decimal::from(365)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn pmt_matches_the_closed_form() {
        // 200,000 over 360 months at 0.5 % a month: 1,199.10 (the textbook mortgage; Python
        // with fractions: 200000·0.005/(1 − 1.005^−360) = 1199.101050305…).
        let p = pmt(d("0.005"), d("360"), d("200000")).unwrap();
        assert_eq!(p.round_dp(9), d("1199.101050306"));
        assert_eq!(pmt(Decimal::ZERO, d("4"), d("100")).unwrap(), d("25"));
    }

    #[test]
    fn pv_and_fv_are_textbook_annuities() {
        // 100 a year for 5 years at 10 %: pv 379.0786769…, fv 610.51 exactly.
        assert_eq!(pv(d("0.1"), d("5"), d("100")).unwrap().round_dp(7), d("379.0786769"));
        assert_eq!(fv(d("0.1"), d("5"), d("100"), Decimal::ZERO).unwrap().round_dp(10), d("610.51"));
        // 1,000 today at 5 % for 10 years: 1628.89462677744140625 (1.05^10 exactly).
        assert_eq!(fv(d("0.05"), d("10"), Decimal::ZERO, d("1000")).unwrap().round_dp(20), d("1628.89462677744140625"));
    }

    #[test]
    fn irr_of_a_textbook_project() {
        // numpy-financial's documented example: irr([-100, 39, 59, 55, 20]) = 0.28095 (its
        // docs); Python with fractions, bisected to 1e-15: 0.280948421159961…
        let r = irr(&[d("-100"), d("39"), d("59"), d("55"), d("20")], Step::Yearly).unwrap();
        assert!((r - d("0.2809484212")).abs() <= d("0.0000000001"), "{r}");
        assert!(irr(&[d("100"), d("50")], Step::Yearly).is_err());
        // monthly: -1000 + 15 in the first month, then 15 a month for 119 months; Python
        // bisection on sum(c·(1+r)^(-(i+1)/12)) gives 0.14253569306049737.
        let mut flow = vec![d("-985")];
        flow.extend(std::iter::repeat_n(d("15"), 119));
        let r = irr(&flow, Step::Monthly).unwrap();
        assert!((r - d("0.1425356930605")).abs() <= d("0.0000000001"), "{r}");
    }
}
