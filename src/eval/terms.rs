//! From checked contract declarations to contract terms.
//!
//! Entry point: [`loan_terms`]. Every term is a constant: it is evaluated exactly once by the
//! run it belongs to (so a scenario's overrides apply; [`Run::constants`] outside a scenario),
//! converted to the units ACTUS works in (money in its currency's unit, the
//! rate as a fraction per year, cycles as whole days, weeks, months, quarters or years), and
//! checked for what the checker cannot know (a cycle of 1.5 months, a maturity before the
//! start).

use crate::check::ir::{ContractIr, FieldIr, TExpr, TExprKind};
use crate::contracts::dates::{Cycle, CycleUnit, Date, DayCount};
use crate::contracts::loan::{Amortization, LoanTerms};
use crate::eval::engine::Run;
use crate::eval::{EvalError, Value};
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

/// A day.
pub fn date(e: &TExpr) -> Result<Date, EvalError> {
    match &e.kind {
        TExprKind::Period(PeriodValue::Day(y, m, d)) => Ok(Date::new(*y, *m, *d)),
        _ => Err(bad(e.span, "a date (2025-06-01) was expected")),
    }
}

/// A cycle: a whole number of days, weeks, months, quarters or years.
pub fn cycle(e: &TExpr, run: &mut Run, long_stub: bool) -> Result<Option<Cycle>, EvalError> {
    if let TExprKind::Symbol(s) = &e.kind {
        if s == "maturity" {
            return Ok(None);
        }
    }
    let q = quantity(e, run)?;
    let name = match q.unit.factors() {
        [(id, 1)] => run.reg.def(*id).map(|d| d.name.clone()).unwrap_or_default(),
        _ => String::new(),
    };
    let unit = match name.as_str() {
        "day" => CycleUnit::Day,
        "week" => CycleUnit::Week,
        "month" => CycleUnit::Month,
        "quarter" => CycleUnit::Quarter,
        "year" => CycleUnit::Year,
        _ => return Err(bad(e.span, "a cycle is a whole number of days, weeks, months, quarters or years")),
    };
    let n = crate::number::as_integer(q.value)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| bad(e.span, "a cycle is a positive whole number of its unit"))?;
    Ok(Some(Cycle { n, unit, long_stub }))
}

fn symbol(f: Option<&FieldIr>) -> Option<&str> {
    match f.map(|f| &f.value.kind) {
        Some(TExprKind::Symbol(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// The ACTUS terms of a checked `loan` contract.
pub fn loan_terms(c: &ContractIr, run: &mut Run) -> Result<LoanTerms, EvalError> {
    let f = |k: &str| c.fields.get(k);
    let req = |k: &str| f(k).ok_or_else(|| bad(c.span, format!("the loan needs `{k}`")));
    let amortization = match symbol(f("amortization")) {
        Some("annuity") => Amortization::Annuity,
        Some("linear") => Amortization::Linear,
        _ => Amortization::Bullet,
    };
    let long_stub = symbol(f("stub")) != Some("short");
    let daycount = match symbol(f("daycount")) {
        Some("A360") => DayCount::A360,
        Some("AA") => DayCount::AA,
        Some("E30_360") => DayCount::E30_360,
        _ => DayCount::A365,
    };
    let opt_date = |k: &str| f(k).map(|x| date(&x.value)).transpose();
    let opt_money = |k: &str, run: &mut Run| f(k).map(|x| money(&x.value, run)).transpose();
    let principal = match opt_money("outstanding", run)? {
        Some(o) => o,
        None => money(&req("principal")?.value, run)?,
    };
    let interest_cycle = match f("every") {
        Some(x) => cycle(&x.value, run, long_stub)?,
        None if amortization == Amortization::Bullet => Some(Cycle { n: 1, unit: CycleUnit::Month, long_stub }),
        None => None,
    };
    let principal_cycle = match f("principal_every") {
        Some(x) => cycle(&x.value, run, long_stub)?,
        None => None,
    };
    let interest_cycle = if amortization != Amortization::Bullet && interest_cycle.is_none() && f("every").is_none() {
        principal_cycle.or(Some(Cycle { n: 1, unit: CycleUnit::Month, long_stub }))
    } else {
        interest_cycle
    };
    let terms = LoanTerms {
        amortization,
        role_sign: if symbol(f("role")) == Some("borrower") { -Decimal::ONE } else { Decimal::ONE },
        notional: principal,
        rate: per_year(&req("rate")?.value, run)?,
        start: date(&req("start")?.value)?,
        maturity: opt_date("maturity")?,
        daycount,
        interest_cycle,
        interest_anchor: opt_date("interest_anchor")?,
        principal_cycle,
        principal_anchor: opt_date("principal_anchor")?,
        end_of_month: symbol(f("end_of_month")) == Some("end_of_month"),
        payment: opt_money("payment", run)?,
        premium: opt_money("premium", run)?.unwrap_or_default(),
        capitalize_until: opt_date("capitalize_until")?,
        amortization_date: opt_date("amortization_date")?,
        status_date: opt_date("status_date")?,
        accrued: opt_money("accrued", run)?.unwrap_or_default(),
    };
    if let (Some(m), true) = (terms.maturity, terms.maturity.is_some_and(|m| m <= terms.start)) {
        let span = f("maturity").map(|x| x.span).unwrap_or(c.span);
        return Err(bad(span, format!("the maturity {m} is not after the start {}", terms.start)));
    }
    Ok(terms)
}
