//! From checked contract declarations to contract terms.
//!
//! Entry point: [`loan_terms`], from the checker's typed [`LoanIr`] (option words are enums,
//! their defaults applied by the checker). Every term is a constant: it is evaluated exactly once by the
//! run it belongs to (so a scenario's overrides apply; [`Run::constants`] outside a scenario),
//! converted to the units ACTUS works in (money in its currency's unit, the
//! rate as a fraction per year, cycles as whole days, weeks, months, quarters or years), and
//! checked for what the checker cannot know (a cycle of 1.5 months, a maturity before the
//! start).

use crate::check::ir::ContractIr;
use crate::check::ir::{TExpr, TExprKind};
use crate::check::options::{Amortization, EndOfMonth, InterestBase as IrBase, LoanRole, ScalingEffect, Stub};
use crate::check::spec::Constant;
use crate::check::typed::{ContractTerms, CycleTerm, LoanIr, Shared, Valued};
use crate::contracts::dates::{Cycle, CycleUnit, Date};
use crate::contracts::loan::{InterestBase, LoanTerms};
use crate::eval::engine::Run;
use crate::eval::{EvalError, Value};
use crate::source::Span;
use crate::syntax::ast::PeriodValue;
use crate::units::{Quantity, Unit};
use rust_decimal::Decimal;

fn bad(span: crate::source::Span, what: impl Into<String>) -> EvalError {
    EvalError::ContractTerms { span, what: what.into() }
}

fn quantity(e: &TExpr, run: &mut Run) -> Result<Quantity, EvalError> {
    match run.constant(e)? {
        Value::Quantity(q) => Ok(q),
        Value::Uncertain { point, .. } => Ok(point),
        _ => Err(bad(e.span, "a quantity was expected")),
    }
}

/// The currency unit a money term is in.
pub fn currency_of(e: &TExpr, run: &mut Run) -> Result<crate::units::UnitId, EvalError> {
    let q = quantity(e, run)?;
    let reg = run.reg;
    let dim = reg.dimension(&q.unit);
    let cur =
        reg.currency_of(&dim).map(|c| c.name.clone()).ok_or_else(|| bad(e.span, "an amount of money was expected"))?;
    reg.lookup(&cur).ok_or_else(|| bad(e.span, "unknown currency"))
}

/// The currency a loan's principal is written in (`40M EUR` → EUR; else its dimension's
/// currency) and the ratio that turns amounts in [`currency_of`] — the currency its schedule
/// is computed in, the one the exchange rates are declared against — into it, so that
/// `aifin schedule` and `aifin explain` show a 40M EUR loan as 40M EUR.
pub fn written_currency(e: &TExpr, run: &mut Run) -> Result<(crate::units::UnitId, crate::units::Ratio), EvalError> {
    let computed = currency_of(e, run)?;
    let q = quantity(e, run)?;
    let reg = run.reg;
    let written = match q.unit.factors() {
        [(id, 1)] if reg.def(*id).is_some_and(|d| d.minor.is_some()) => *id,
        _ => computed,
    };
    let ratio = reg.ratio(computed, written).map_err(|x| EvalError::arith(x, e.span))?;
    Ok((written, ratio))
}

/// A money term in its currency's own unit (`10B USD` → 10000000000).
pub fn money(e: &TExpr, run: &mut Run) -> Result<Decimal, EvalError> {
    let unit = Unit::named(currency_of(e, run)?);
    quantity(e, run)?.convert(&unit, run.reg).map(|q| q.value).map_err(|_| bad(e.span, "cannot convert this amount"))
}

/// A rate per time as a fraction per year (`9%/year` → 0.09).
pub fn per_year(e: &TExpr, run: &mut Run) -> Result<Decimal, EvalError> {
    let q = quantity(e, run)?;
    let year = run.reg.lookup("year").map(Unit::named).ok_or_else(|| bad(e.span, "std/units has no year"))?;
    q.convert(&Unit::none().div(&year), run.reg)
        .map(|q| q.value)
        .map_err(|_| bad(e.span, "a rate per time was expected"))
}

/// A pure number (`40%` → 0.4).
pub fn fraction(e: &TExpr, run: &mut Run) -> Result<Decimal, EvalError> {
    let q = quantity(e, run)?;
    q.convert(&Unit::none(), run.reg).map(|q| q.value).map_err(|_| bad(e.span, "a pure number was expected"))
}

/// A spec constant as a number (zero of money in any currency, of a rate per year, or a pure
/// number; one). The checker applied it ([`Valued::Default`]); this only reads it.
pub fn constant_number(c: Constant, span: Span) -> Result<Decimal, EvalError> {
    match c {
        Constant::Zero => Ok(Decimal::ZERO),
        Constant::One => Ok(Decimal::ONE),
        Constant::OneMonth => {
            Err(EvalError::Internal { span, what: "a cycle's default where a number belongs".into() })
        }
    }
}

/// A [`Valued`] term: `given` of what was written, else the spec's constant as a number.
/// (`span`: the declaration, for an internal error.)
pub fn valued(
    t: &Valued,
    span: Span,
    run: &mut Run,
    given: fn(&TExpr, &mut Run) -> Result<Decimal, EvalError>,
) -> Result<Decimal, EvalError> {
    match t {
        Valued::Given(f) => given(&f.value, run),
        Valued::Default(c) => constant_number(*c, span),
    }
}

/// A [`Valued`] duration as a cycle (`every` of a lease): what was written, else the spec's
/// constant.
pub fn valued_cycle(t: &Valued, span: Span, run: &mut Run) -> Result<Cycle, EvalError> {
    match t {
        Valued::Given(f) => duration_cycle(&f.value, run, false),
        Valued::Default(Constant::OneMonth) => Ok(Cycle { n: 1, unit: CycleUnit::Month, long_stub: false }),
        Valued::Default(_) => {
            Err(EvalError::Internal { span, what: "a number's default where a cycle belongs".into() })
        }
    }
}

/// A day.
pub fn date(e: &TExpr) -> Result<Date, EvalError> {
    match &e.kind {
        TExprKind::Period(PeriodValue::Day(y, m, d)) => Ok(Date::new(*y, *m, *d)),
        _ => Err(bad(e.span, "a date (2025-06-01) was expected")),
    }
}

/// A cycle: a whole number of days, weeks, months, quarters or years; `None` for `maturity`.
pub fn cycle(t: &CycleTerm, run: &mut Run, long_stub: bool) -> Result<Option<Cycle>, EvalError> {
    match t {
        CycleTerm::AtMaturity => Ok(None),
        CycleTerm::Every(f) => duration_cycle(&f.value, run, long_stub).map(Some),
    }
}

/// A duration as a cycle (`3 month`).
pub fn duration_cycle(e: &TExpr, run: &mut Run, long_stub: bool) -> Result<Cycle, EvalError> {
    let q = quantity(e, run)?;
    // the unit's name (a unit of std/units, not an option word)
    let unit = match q.unit.factors() {
        [(id, 1)] => match run.reg.def(*id).map(|d| d.name.as_str()) {
            Some("day") => Some(CycleUnit::Day),
            Some("week") => Some(CycleUnit::Week),
            Some("month") => Some(CycleUnit::Month),
            Some("quarter") => Some(CycleUnit::Quarter),
            Some("year") => Some(CycleUnit::Year),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| bad(e.span, "a cycle is a whole number of days, weeks, months, quarters or years"))?;
    let n = crate::number::as_integer(q.value)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| bad(e.span, "a cycle is a positive whole number of its unit"))?;
    Ok(Cycle { n, unit, long_stub })
}

fn opt_date(f: &Option<Shared>) -> Result<Option<Date>, EvalError> {
    f.as_ref().map(|x| date(&x.value)).transpose()
}

fn opt_money(f: &Option<Shared>, run: &mut Run) -> Result<Option<Decimal>, EvalError> {
    f.as_ref().map(|x| money(&x.value, run)).transpose()
}

fn opt_cycle(f: &Option<CycleTerm>, run: &mut Run, long_stub: bool) -> Result<Option<Cycle>, EvalError> {
    Ok(match f {
        Some(t) => cycle(t, run, long_stub)?,
        None => None,
    })
}

/// A contract's loan terms, or a coded error naming what asked for a loan (`outstanding()`,
/// `accrued()`, a schedule) when it is another kind.
pub fn loan_of<'c>(c: &'c ContractIr, what: &str) -> Result<&'c LoanIr, EvalError> {
    match &c.terms {
        ContractTerms::Loan(l) => Ok(l),
        ContractTerms::Unchecked => {
            Err(EvalError::Internal { span: c.span, what: format!("`{}` was not checked", c.name) })
        }
        _ => Err(bad(c.span, format!("{what} takes a loan"))),
    }
}

/// The ACTUS terms of a contract that is a loan (see [`loan_of`]).
pub fn contract_loan_terms(c: &ContractIr, run: &mut Run) -> Result<LoanTerms, EvalError> {
    loan_terms(loan_of(c, "a loan schedule")?, c.span, run)
}

/// The ACTUS terms of a checked `loan` contract (`span`: the declaration).
pub fn loan_terms(c: &LoanIr, span: Span, run: &mut Run) -> Result<LoanTerms, EvalError> {
    let amortization = c.amortization;
    let long_stub = c.stub == Stub::Long;
    let principal = match opt_money(&c.outstanding, run)? {
        Some(o) => o,
        None => money(&c.principal.value, run)?,
    };
    let monthly = Some(Cycle { n: 1, unit: CycleUnit::Month, long_stub });
    let principal_cycle = opt_cycle(&c.principal_every, run, c.principal_stub == Stub::Long)?;
    // no `every`: a bullet loan pays interest monthly, an amortizing one on its principal cycle
    let interest_cycle = match &c.every {
        Some(t) => cycle(t, run, long_stub)?,
        None if amortization == Amortization::Bullet => monthly,
        None => principal_cycle.or(monthly),
    };
    let terms = LoanTerms {
        amortization,
        role_sign: match c.role {
            LoanRole::Borrower => -Decimal::ONE,
            LoanRole::Lender => Decimal::ONE,
        },
        notional: principal,
        rate: match c.reset {
            Some(_) => Decimal::ZERO, // fixed by `floating`
            None => {
                if c.rate.value.ty.shape().is_some_and(|s| s != crate::check::Shape::Constant) {
                    return Err(bad(c.rate.span, "a rate that varies over time needs `reset` (how often it is fixed)"));
                }
                per_year(&c.rate.value, run)?
            }
        },
        start: date(&c.start.value)?,
        maturity: opt_date(&c.maturity)?,
        daycount: c.daycount,
        interest_cycle,
        interest_anchor: opt_date(&c.interest_anchor)?,
        principal_cycle,
        principal_anchor: opt_date(&c.principal_anchor)?,
        end_of_month: c.end_of_month == EndOfMonth::EndOfMonth,
        payment: opt_money(&c.payment, run)?,
        premium: valued(&c.premium, span, run, money)?,
        capitalize_until: opt_date(&c.capitalize_until)?,
        amortization_date: opt_date(&c.amortization_date)?,
        status_date: opt_date(&c.status_date)?,
        accrued: valued(&c.accrued, span, run, money)?,
        reset: None,
        draws: Vec::new(),
        interest_base: match c.interest_base {
            IrBase::AtStart => InterestBase::AtStart { amount: opt_money(&c.interest_base_amount, run)? },
            IrBase::Lagged => InterestBase::Lagged {
                cycle: opt_cycle(&c.interest_base_every, run, c.interest_base_stub == Stub::Long)?
                    .ok_or_else(|| bad(span, "a lagged interest base needs `interest_base_every`"))?,
                anchor: opt_date(&c.interest_base_anchor)?,
                amount: opt_money(&c.interest_base_amount, run)?,
            },
            IrBase::Notional => InterestBase::Notional,
        },
        scaling: None,
        purchase: match opt_date(&c.purchase_date)? {
            // no price: the spec's default (bought for nothing but the interest accrued)
            Some(d) => Some((d, valued(&c.purchase_price, span, run, money)?)),
            None => None,
        },
        termination: match opt_date(&c.termination_date)? {
            Some(d) => Some((d, valued(&c.termination_price, span, run, money)?)),
            None => None,
        },
        day_end: opt_date(&c.day_end)?,
        business_day: c.business_day,
        calendar: c.calendar,
    };
    let terms = drawn(c, run, terms)?;
    let terms = floating(c, span, run, terms)?;
    let terms = scaled(c, span, run, terms)?;
    if let (Some(m), true) = (terms.maturity, terms.maturity.is_some_and(|m| m <= terms.start)) {
        let span = c.maturity.as_ref().map_or(span, |x| x.span);
        return Err(bad(span, format!("the maturity {m} is not after the start {}", terms.start)));
    }
    Ok(terms)
}

/// The reset terms of a floating-rate loan (`reset` given): the rate expression is observed on
/// each reset's observation day, and at the start unless `initial_rate` is given.
fn floating(c: &LoanIr, span: Span, run: &mut Run, mut terms: LoanTerms) -> Result<LoanTerms, EvalError> {
    let Some(reset) = &c.reset else { return Ok(terms) };
    let rate = &c.rate;
    let cycle = cycle(reset, run, c.reset_stub == Stub::Long)?.ok_or_else(|| bad(span, "a reset cycle is needed"))?;
    let per_year_unit = run
        .reg
        .lookup("year")
        .map(|y| Unit::none().div(&Unit::named(y)))
        .ok_or_else(|| bad(span, "std/units has no year"))?;
    terms.reset = Some(crate::contracts::resets::RateReset {
        cycle,
        anchor: opt_date(&c.reset_anchor)?,
        next_rate: c.next_rate.as_ref().map(|x| per_year(&x.value, run)).transpose()?,
        fixings: Vec::new(),
    });
    let mut days = crate::contracts::loan::reset_observations(&terms).map_err(|e| match e {
        crate::contracts::loan::LoanError::Arith(a) => EvalError::arith(a, span),
        crate::contracts::loan::LoanError::Terms(what) => bad(span, what),
    })?;
    let initial = c.initial_rate.as_ref().map(|x| per_year(&x.value, run)).transpose()?;
    if initial.is_none() {
        days.insert(0, terms.start);
    }
    let numbers: Vec<i64> = days.iter().map(|d| d.day_number()).collect();
    let values = run.values_on_days(&rate.value, &numbers, &per_year_unit)?;
    let mut fixings: Vec<(Date, Decimal)> = days.into_iter().zip(values).collect();
    terms.rate = match initial {
        Some(r) => r,
        // no `initial_rate`: the rate observed on the start day, put first above
        None => {
            if fixings.is_empty() {
                return Err(EvalError::Internal { span, what: "no rate observed at the start".into() });
            }
            fixings.remove(0).1
        }
    };
    if let Some(r) = terms.reset.as_mut() {
        r.fixings = fixings;
    }
    Ok(terms)
}

/// The scaling terms of an index-linked loan (`scaling` given): the index expression is read on
/// each scaling date.
fn scaled(c: &LoanIr, span: Span, run: &mut Run, mut terms: LoanTerms) -> Result<LoanTerms, EvalError> {
    let Some(index) = &c.scaling else { return Ok(terms) };
    let every = c.scaling_every.as_ref().ok_or_else(|| bad(span, "a scaled loan needs `scaling_every`"))?;
    let cycle =
        cycle(every, run, c.scaling_stub == Stub::Long)?.ok_or_else(|| bad(span, "a scaling cycle is needed"))?;
    let base = valued(&c.scaling_base, span, run, fraction)?;
    if base.is_zero() {
        return Err(bad(span, "the scaling base must not be zero"));
    }
    terms.scaling = Some(crate::contracts::scaling::Scaling {
        cycle,
        anchor: opt_date(&c.scaling_anchor)?,
        base,
        interest: c.scaling_effect != ScalingEffect::Principal,
        principal: c.scaling_effect != ScalingEffect::Interest,
        index: Vec::new(),
    });
    let days = crate::contracts::loan::scaling_dates(&terms).map_err(|e| match e {
        crate::contracts::loan::LoanError::Arith(a) => EvalError::arith(a, span),
        crate::contracts::loan::LoanError::Terms(what) => bad(span, what),
    })?;
    let numbers: Vec<i64> = days.iter().map(|d| d.day_number()).collect();
    let values = run.values_on_days(&index.value, &numbers, &Unit::none())?;
    if let Some(s) = terms.scaling.as_mut() {
        s.index = days.into_iter().zip(values).collect();
    }
    Ok(terms)
}

/// A delayed-draw loan (`draws` given): the first draw is the initial exchange (on its day, for
/// its amount), the others are principal increases; together at most `principal`.
fn drawn(c: &LoanIr, run: &mut Run, mut terms: LoanTerms) -> Result<LoanTerms, EvalError> {
    let Some(field) = &c.draws else { return Ok(terms) };
    let mut draws = Vec::with_capacity(field.dated.len());
    for (e, day) in &field.dated {
        let PeriodValue::Day(y, m, d) = day else { return Err(bad(e.span, "a draw is dated by a day")) };
        draws.push((Date::new(*y, *m, *d), money(e, run)?));
    }
    if draws.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0)) {
        return Err(bad(field.span, "draws must be in increasing order of their days"));
    }
    let Some(&(first_day, first)) = draws.first() else { return Ok(terms) };
    if first_day < terms.start {
        return Err(bad(field.span, format!("the first draw ({first_day}) is before the start {}", terms.start)));
    }
    let total = draws.iter().try_fold(Decimal::ZERO, |a, x| a.checked_add(x.1));
    if total.is_none_or(|t| t > terms.notional) {
        return Err(bad(field.span, "the draws add up to more than the principal"));
    }
    terms.start = first_day;
    terms.notional = first;
    terms.draws = draws.into_iter().skip(1).collect();
    Ok(terms)
}
