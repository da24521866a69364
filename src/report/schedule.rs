//! Contract schedules (`aifin schedule`): every dated event of a contract, in order.
//!
//! JSON: an array of objects with `date` (YYYY-MM-DD), `type` (the ACTUS event code),
//! `payoff` (signed as ACTUS signs it for the contract's role, exact), `notional` and
//! `accrued` after the event. Text: the same as an aligned table, money rounded to cents.

use crate::check::ir::{ContractId, ContractIr, EntityId, Program};
use crate::check::options::OptionWord;
use crate::contracts::loan::{self, LoanEvent};
use crate::eval::contracts::Payment;
use crate::eval::engine::Run;
use crate::eval::terms::contract_loan_terms;
use crate::eval::EvalError;
use crate::number::{format_exact, format_fixed, Rounding};
use serde_json::json;

/// The payments of contract `cid` that is not a loan, in `run`'s scenario (they depend on
/// it: curves, revenue shares).
pub fn payments(cid: ContractId, run: &mut Run<'_>) -> Result<Vec<Named>, EvalError> {
    let ps = run.contract_payments(cid)?;
    let p = run.program;
    // the parties are entities of the run's own program: a miss is a bug
    let name = |e: EntityId| {
        p.entities
            .get(e)
            .map(|x| x.name.clone())
            .ok_or_else(|| EvalError::internal(run.scenario_span(), "a payment of no entity"))
    };
    ps.into_iter().map(|x| Ok(Named { payer: name(x.payer)?, payee: name(x.payee)?, payment: x })).collect()
}

/// A payment with its parties' names.
pub struct Named {
    /// The payment.
    pub payment: Payment,
    /// Who pays.
    pub payer: String,
    /// Who is paid.
    pub payee: String,
}

/// Payments as JSON: `date`, `type`, `payoff` (paid by the payer to the payee), `payer`, `payee`.
pub fn payments_json(ps: &[Named]) -> String {
    let arr: Vec<serde_json::Value> = ps
        .iter()
        .map(|n| (&n.payment, n))
        .map(|(x, n)| json!({ "date": x.date.to_string(), "type": x.code, "payoff": format_exact(x.amount), "payer": n.payer, "payee": n.payee }))
        .collect();
    let mut s = serde_json::to_string_pretty(&arr).unwrap_or_default();
    s.push('\n');
    s
}

/// Payments as CSV.
pub fn payments_csv(ps: &[Named]) -> String {
    let mut s = String::from("date,type,payoff,payer,payee\n");
    for n in ps {
        let x = &n.payment;
        s.push_str(&format!("{},{},{},{},{}\n", x.date, x.code, format_exact(x.amount), n.payer, n.payee));
    }
    s
}

/// Payments as an aligned table.
pub fn payments_text(c: &ContractIr, ps: &[Named]) -> String {
    let rows: Vec<[String; 4]> = ps
        .iter()
        .map(|n| {
            let x = &n.payment;
            [
                x.date.to_string(),
                x.code.to_string(),
                format_fixed(x.amount, 2, Rounding::Banker),
                format!("{} -> {}", n.payer, n.payee),
            ]
        })
        .collect();
    let head = ["date".to_string(), "type".into(), "payoff".into(), "from -> to".into()];
    let mut w = [0usize; 4];
    for r in rows.iter().chain(std::iter::once(&head)) {
        for (i, cell) in r.iter().enumerate() {
            w[i] = w[i].max(cell.chars().count());
        }
    }
    let mut out = format!("schedule of `{}` ({}, {} payments)\n", c.name, c.spec.kind, ps.len());
    for r in std::iter::once(&head).chain(rows.iter()) {
        out.push_str(&format!("{:<a$}  {:<b$}  {:>c$}  {}\n", r[0], r[1], r[2], r[3], a = w[0], b = w[1], c = w[2]));
    }
    out
}

/// The events of a loan with its terms as declared (no scenario).
pub fn events(c: &ContractIr, p: &Program) -> Result<Vec<LoanEvent>, EvalError> {
    events_in(c, &mut Run::constants(p, c.span)?)
}

/// The events of a loan, its terms evaluated by `run` (a scenario's, so that the scenario's
/// overrides apply).
/// Amounts are in the currency the principal is written in.
pub fn events_in(c: &ContractIr, run: &mut Run<'_>) -> Result<Vec<LoanEvent>, EvalError> {
    let terms = contract_loan_terms(c, run)?;
    let mut events = loan::schedule(&terms).map_err(|e| match e {
        loan::LoanError::Arith(a) => EvalError::arith(a, c.span),
        loan::LoanError::Terms(what) => EvalError::ContractTerms { span: c.span, what },
    })?;
    if let Some(l) = c.terms.loan() {
        let (_, ratio) = crate::eval::terms::written_currency(&l.principal.value, run)?;
        let conv = |x: rust_decimal::Decimal| ratio.apply(x).map_err(|e| EvalError::arith(e, c.span));
        for ev in &mut events {
            ev.payoff = conv(ev.payoff)?;
            ev.notional = conv(ev.notional)?;
            ev.accrued = conv(ev.accrued)?;
        }
    }
    Ok(events)
}

/// As JSON.
pub fn json(events: &[LoanEvent]) -> String {
    let arr: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            json!({
                "date": e.date.to_string(),
                "type": e.kind.code(),
                "payoff": format_exact(e.payoff),
                "notional": format_exact(e.notional),
                "accrued": format_exact(e.accrued),
                "rate": format_exact(e.rate),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&arr).unwrap_or_default();
    s.push('\n');
    s
}

/// As CSV (one header row).
pub fn csv(events: &[LoanEvent]) -> String {
    let mut s = String::from("date,type,payoff,notional,accrued,rate\n");
    for e in events {
        s.push_str(&format!(
            "{},{},{},{},{},{}\n",
            e.date,
            e.kind.code(),
            format_exact(e.payoff),
            format_exact(e.notional),
            format_exact(e.accrued),
            format_exact(e.rate)
        ));
    }
    s
}

/// As an aligned table.
pub fn text(c: &ContractIr, events: &[LoanEvent], p: &Program) -> String {
    let mut run = Run::constants(p, c.span).ok();
    let loan = c.terms.loan();
    let currency =
        loan.zip(run.as_mut()).and_then(|(l, run)| crate::eval::terms::written_currency(&l.principal.value, run).ok());
    let currency = currency.map(|(id, _)| id);
    let def = currency.and_then(|id| p.registry.def(id));
    let (unit, dp) = (def.map(|d| d.name.clone()).unwrap_or_default(), def.and_then(|d| d.minor).unwrap_or(2));
    let role = loan.map_or(crate::check::options::LoanRole::Lender, |l| l.role).word();
    let rows: Vec<[String; 6]> = events
        .iter()
        .map(|e| {
            [
                e.date.to_string(),
                e.kind.code().to_string(),
                format_fixed(e.payoff, dp, Rounding::Banker),
                format_fixed(e.notional, dp, Rounding::Banker),
                format_fixed(e.accrued, dp, Rounding::Banker),
                format_fixed(e.rate, 6, Rounding::Banker),
            ]
        })
        .collect();
    let head = [
        "date".to_string(),
        "type".into(),
        format!("payoff {unit}"),
        format!("notional {unit}"),
        format!("accrued {unit}"),
        "rate/year".to_string(),
    ];
    let mut w = [0usize; 6];
    for r in rows.iter().chain(std::iter::once(&head)) {
        for (i, cell) in r.iter().enumerate() {
            w[i] = w[i].max(cell.chars().count());
        }
    }
    let line = |r: &[String; 6]| {
        let mut s = format!("{:<w0$}  {:<w1$}", r[0], r[1], w0 = w[0], w1 = w[1]);
        for (cell, width) in r.iter().zip(w).skip(2) {
            s.push_str(&format!("  {cell:>width$}"));
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = format!("schedule of `{}` ({} events; payoffs signed for the {role})\n", c.name, events.len());
    out.push_str(&line(&head));
    for r in &rows {
        out.push_str(&line(r));
    }
    out
}
