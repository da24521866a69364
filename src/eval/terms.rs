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
use crate::contracts::loan::{Amortization, InterestBase, LoanTerms};
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
        Some("negative") => Amortization::Negative,
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
    let principal_long_stub = match symbol(f("principal_stub")) {
        Some(s) => s != "short",
        None => long_stub,
    };
    let principal_cycle = match f("principal_every") {
        Some(x) => cycle(&x.value, run, principal_long_stub)?,
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
        rate: match f("reset") {
            Some(_) => Decimal::ZERO, // fixed by `floating`
            None => {
                let rate = req("rate")?;
                if rate.value.ty.shape().is_some_and(|s| s != crate::check::Shape::Constant) {
                    return Err(bad(rate.span, "a rate that varies over time needs `reset` (how often it is fixed)"));
                }
                per_year(&rate.value, run)?
            }
        },
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
        reset: None,
        draws: Vec::new(),
        interest_base: match symbol(f("interest_base")) {
            Some("at_start") => InterestBase::AtStart { amount: opt_money("interest_base_amount", run)? },
            Some("lagged") => InterestBase::Lagged {
                cycle: match f("interest_base_every") {
                    Some(x) => {
                        cycle(&x.value, run, symbol(f("interest_base_stub")).map_or(long_stub, |s| s != "short"))?
                    }
                    None => None,
                }
                .ok_or_else(|| bad(c.span, "a lagged interest base needs `interest_base_every`"))?,
                anchor: opt_date("interest_base_anchor")?,
                amount: opt_money("interest_base_amount", run)?,
            },
            _ => InterestBase::Notional,
        },
        scaling: None,
        purchase: match (opt_date("purchase_date")?, opt_money("purchase_price", run)?) {
            (Some(d), p) => Some((d, p.unwrap_or_default())),
            _ => None,
        },
        termination: match (opt_date("termination_date")?, opt_money("termination_price", run)?) {
            (Some(d), p) => Some((d, p.unwrap_or_default())),
            _ => None,
        },
        day_end: opt_date("day_end")?,
        business_day: match symbol(f("business_day")) {
            Some(name) => crate::contracts::business::BusinessDay::named(name)
                .ok_or_else(|| bad(c.span, format!("unknown business-day convention `{name}`")))?,
            None => crate::contracts::business::BusinessDay::None,
        },
        calendar: match symbol(f("calendar")) {
            Some("weekdays") => crate::contracts::business::Calendar::Weekdays,
            _ => crate::contracts::business::Calendar::None,
        },
    };
    let terms = drawn(c, run, terms)?;
    let terms = floating(c, run, terms)?;
    let terms = scaled(c, run, terms)?;
    if let (Some(m), true) = (terms.maturity, terms.maturity.is_some_and(|m| m <= terms.start)) {
        let span = f("maturity").map(|x| x.span).unwrap_or(c.span);
        return Err(bad(span, format!("the maturity {m} is not after the start {}", terms.start)));
    }
    Ok(terms)
}

/// The reset terms of a floating-rate loan (`reset` given): the rate expression is observed on
/// each reset's observation day, and at the start unless `initial_rate` is given.
fn floating(c: &ContractIr, run: &mut Run, mut terms: LoanTerms) -> Result<LoanTerms, EvalError> {
    let f = |k: &str| c.fields.get(k);
    let Some(reset) = f("reset") else { return Ok(terms) };
    let rate = f("rate").ok_or_else(|| bad(c.span, "the loan needs `rate`"))?;
    let stub = symbol(f("reset_stub")).or(symbol(f("stub"))) != Some("short");
    let cycle = cycle(&reset.value, run, stub)?.ok_or_else(|| bad(reset.span, "a reset cycle is needed"))?;
    let per_year_unit = run
        .reg
        .lookup("year")
        .map(|y| Unit::none().div(&Unit::named(y)))
        .ok_or_else(|| bad(c.span, "std/units has no year"))?;
    terms.reset = Some(crate::contracts::resets::RateReset {
        cycle,
        anchor: f("reset_anchor").map(|x| date(&x.value)).transpose()?,
        next_rate: f("next_rate").map(|x| per_year(&x.value, run)).transpose()?,
        fixings: Vec::new(),
    });
    let mut days = crate::contracts::loan::reset_observations(&terms).map_err(|e| match e {
        crate::contracts::loan::LoanError::Arith(a) => EvalError::arith(a, c.span),
        crate::contracts::loan::LoanError::Terms(what) => bad(c.span, what),
    })?;
    let initial = f("initial_rate").map(|x| per_year(&x.value, run)).transpose()?;
    if initial.is_none() {
        days.insert(0, terms.start);
    }
    let numbers: Vec<i64> = days.iter().map(|d| d.day_number()).collect();
    let values = run.values_on_days(&rate.value, &numbers, &per_year_unit)?;
    let mut fixings: Vec<(Date, Decimal)> = days.into_iter().zip(values).collect();
    terms.rate = match initial {
        Some(r) => r,
        None => fixings.first().map(|x| x.1).unwrap_or_default(),
    };
    if initial.is_none() && !fixings.is_empty() {
        fixings.remove(0);
    }
    if let Some(r) = terms.reset.as_mut() {
        r.fixings = fixings;
    }
    Ok(terms)
}

/// The scaling terms of an index-linked loan (`scaling` given): the index expression is read on
/// each scaling date.
fn scaled(c: &ContractIr, run: &mut Run, mut terms: LoanTerms) -> Result<LoanTerms, EvalError> {
    let f = |k: &str| c.fields.get(k);
    let Some(index) = f("scaling") else { return Ok(terms) };
    let every = f("scaling_every").ok_or_else(|| bad(c.span, "a scaled loan needs `scaling_every`"))?;
    let stub = symbol(f("scaling_stub")).or(symbol(f("stub"))) != Some("short");
    let cycle = cycle(&every.value, run, stub)?.ok_or_else(|| bad(every.span, "a scaling cycle is needed"))?;
    let base = match f("scaling_base") {
        Some(x) => fraction(&x.value, run)?,
        None => Decimal::ONE,
    };
    if base.is_zero() {
        return Err(bad(c.span, "the scaling base must not be zero"));
    }
    let effect = symbol(f("scaling_effect")).unwrap_or("both");
    terms.scaling = Some(crate::contracts::scaling::Scaling {
        cycle,
        anchor: f("scaling_anchor").map(|x| date(&x.value)).transpose()?,
        base,
        interest: effect != "principal",
        principal: effect != "interest",
        index: Vec::new(),
    });
    let days = crate::contracts::loan::scaling_dates(&terms).map_err(|e| match e {
        crate::contracts::loan::LoanError::Arith(a) => EvalError::arith(a, c.span),
        crate::contracts::loan::LoanError::Terms(what) => bad(c.span, what),
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
fn drawn(c: &ContractIr, run: &mut Run, mut terms: LoanTerms) -> Result<LoanTerms, EvalError> {
    let Some(field) = c.fields.get("draws") else { return Ok(terms) };
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
