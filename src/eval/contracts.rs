//! Contract payments and credit lines in a run.
//!
//! Every contract other than a loan becomes a list of dated [`Payment`]s from its payer to its
//! payee (`aifin schedule` lists them; the run posts them to the ledger with cumulative
//! rounding per contract, so totals are exact):
//!
//! - `take_or_pay`: monthly over its term — on the first day of each month (`advance`) or the
//!   last (`arrears`, the default) — the total spread `even`ly, as a `ramp` (month *k* of *n*
//!   weighs *k*) or by a curve's values; with `usage`, each period of the timeline the buyer
//!   pays the larger of the minimum (`minimum` a month, else the scheduled amounts) and the
//!   usage booked in that period;
//! - `equity`: the amount on its date (financing for both sides);
//! - `revenue_share`: each period, `share` of the payer's flow `of` in that period, paid at the
//!   period's end;
//! - `lease`: `payment` every cycle from the term's first day, raised by `escalation` once a
//!   year (`(1 + e)^whole years elapsed`), at the cycle's start (`advance`, the default) or end;
//! - `transfer`: a one-off `amount` `on` a date, or a rate booked over `over` like a flow.
//!
//! Trade payments are the payer's cost and the payee's revenue; equity and transfers (unless
//! another `kind` is declared) are financing.
//!
//! **Credit lines.** After every flow and contract is posted, each entity with a
//! `credit_limit` is walked period by period: interest on the balance drawn at the start of the
//! period (`credit_rate`, booked by calendar months) is paid to the world; then, if cash would
//! close below `min_cash`, the line is drawn by the shortfall (up to the limit), and if cash
//! closes above it with a balance drawn, the surplus repays the line.

use super::booking::{self, book_rate, round_ledger};
use super::engine::{Run, Val};
use super::error::EvalError;
use super::ledger::{Account, Event, EventKind, Origin};
use super::series::Series;
use super::timeline::Timeline;
use crate::check::ir::{ContractId, ContractIr, EntityId, FlowKind, TExpr, TExprKind};
use crate::check::Shape;
use crate::contracts::dates::{schedule, Date};
use crate::number::{self, ArithError};
use crate::source::Span;
use crate::units::Unit;
use rust_decimal::Decimal;

/// One payment of a contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    /// When.
    pub date: Date,
    /// The event code (`TOP`, `EQ`, `RS`, `LS`, `TRF`).
    pub code: &'static str,
    /// Who pays.
    pub payer: EntityId,
    /// Who is paid.
    pub payee: EntityId,
    /// How much, in the ledger currency.
    pub amount: Decimal,
    /// How both sides book it.
    pub kind: EventKind,
}

fn arith(e: ArithError, span: Span) -> EvalError {
    EvalError::arith(e, span)
}

fn terms_err(span: Span, what: impl Into<String>) -> EvalError {
    EvalError::ContractTerms { span, what: what.into() }
}

/// The entity a field names.
pub fn entity_field(c: &ContractIr, key: &str) -> Option<EntityId> {
    match c.fields.get(key).map(|f| &f.value.kind) {
        Some(TExprKind::Entity(id)) => Some(*id),
        _ => None,
    }
}

fn symbol<'c>(c: &'c ContractIr, key: &str) -> Option<&'c str> {
    match c.fields.get(key).map(|f| &f.value.kind) {
        Some(TExprKind::Symbol(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// The months `(first day, last day)` that start inside `[first, end)`.
fn months_of(first: i64, end: i64) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let start = super::timeline::date_of_day(first);
    let mut y = start.y;
    let mut m = start.m;
    loop {
        let a = Date::new(y, m, 1);
        if a.day_number() >= end {
            break;
        }
        let b = Date::new(y, m, crate::calendar::days_in_month(y, m));
        if a.day_number() >= first {
            out.push((a, b));
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        if out.len() > 1_200_000 {
            break;
        }
    }
    out
}

impl<'a> Run<'a> {
    fn field(&self, c: &'a ContractIr, key: &str) -> Option<&'a TExpr> {
        c.fields.get(key).map(|f| &f.value)
    }

    fn money_value(&mut self, e: &TExpr) -> Result<Decimal, EvalError> {
        let s = self.series_of(e)?;
        Ok(s.convert(&Unit::named(self.money), self.reg).map_err(|x| arith(x.error, e.span))?.get(0))
    }

    fn series_of(&mut self, e: &TExpr) -> Result<Series, EvalError> {
        match self.value(e)? {
            Val::S(s, _) | Val::Uncertain(_, _, s) => Ok(s),
            _ => Err(EvalError::Internal { span: e.span, what: "a quantity was expected".into() }),
        }
    }

    fn range_of(&mut self, e: Option<&TExpr>) -> Result<(i64, i64), EvalError> {
        let whole = (
            self.timeline.periods.first().map(|p| p.first_day).unwrap_or(0),
            self.timeline.periods.last().map(|p| p.end_day).unwrap_or(0),
        );
        match e {
            None => Ok(whole),
            Some(e) => match self.value(e)? {
                Val::Range(a, b) => Ok((a, b)),
                Val::Period(p) => Ok(Timeline::span_of(p)),
                _ => Err(EvalError::Internal { span: e.span, what: "a range of periods was expected".into() }),
            },
        }
    }

    /// Spreads `total` over payments with the given weights, exactly (cumulative rounding).
    fn spread(total: Decimal, weights: &[Decimal], span: Span) -> Result<Vec<Decimal>, EvalError> {
        let sum = weights.iter().try_fold(Decimal::ZERO, |a, w| number::add(a, *w)).map_err(|x| arith(x, span))?;
        if sum <= Decimal::ZERO {
            return Err(terms_err(span, "the schedule's weights add up to nothing"));
        }
        let mut acc = Decimal::ZERO;
        let mut booked = Decimal::ZERO;
        let mut out = Vec::with_capacity(weights.len());
        for w in weights {
            acc = number::add(acc, *w).map_err(|x| arith(x, span))?;
            let total_k = round_ledger(
                number::div(number::mul(total, acc).map_err(|x| arith(x, span))?, sum).map_err(|x| arith(x, span))?,
            );
            out.push(number::sub(total_k, booked).map_err(|x| arith(x, span))?);
            booked = total_k;
        }
        Ok(out)
    }

    fn period_end_date(&self, i: usize) -> Date {
        self.timeline.periods.get(i).map(|p| super::timeline::date_of_day(p.end_day - 1)).unwrap_or(Date::new(1, 1, 1))
    }

    /// The payments of a contract that is not a loan (see the module docs).
    pub fn contract_payments(&mut self, cid: ContractId) -> Result<Vec<Payment>, EvalError> {
        let Some(c) = self.program.contracts.get(cid) else { return Ok(vec![]) };
        let span = c.span;
        let (payer_key, payee_key) = c.spec.roles;
        let (Some(payer), Some(payee)) = (entity_field(c, payer_key), entity_field(c, payee_key)) else {
            return Err(EvalError::Internal { span, what: "a contract without its parties".into() });
        };
        let pay = |date: Date, code: &'static str, amount: Decimal, kind: EventKind| Payment {
            date,
            code,
            payer,
            payee,
            amount,
            kind,
        };
        let mut out = Vec::new();
        match c.spec.kind {
            "equity" => {
                let amount = self.money_value(self.field(c, "amount").ok_or_else(|| terms_err(span, "no amount"))?)?;
                let date = super::terms::date(self.field(c, "date").ok_or_else(|| terms_err(span, "no date"))?)?;
                out.push(pay(date, "EQ", amount, EventKind::Flow(FlowKind::Financing)));
            }
            "take_or_pay" => {
                let total = self.money_value(self.field(c, "total").ok_or_else(|| terms_err(span, "no total"))?)?;
                let (first, end) = self.range_of(self.field(c, "over"))?;
                let months = months_of(first, end);
                if months.is_empty() {
                    return Err(terms_err(span, "the term covers no whole month"));
                }
                let weights: Vec<Decimal> = match (symbol(c, "schedule"), self.field(c, "schedule")) {
                    (Some("ramp"), _) => (1..=months.len()).map(Decimal::from).collect(),
                    (Some(_), _) | (None, None) => vec![Decimal::ONE; months.len()],
                    (None, Some(e)) => {
                        let s = self.series_of(e)?;
                        let mut w = Vec::with_capacity(months.len());
                        for (a, _) in &months {
                            let i = self.timeline.index_of_day(a.day_number()).ok_or_else(|| {
                                terms_err(e.span, "a curve schedule needs the whole term inside the timeline")
                            })?;
                            w.push(s.get(i));
                        }
                        w
                    }
                };
                let amounts = Self::spread(total, &weights, span)?;
                let advance = symbol(c, "timing") == Some("advance");
                let scheduled: Vec<Payment> = months
                    .iter()
                    .zip(&amounts)
                    .map(|((a, b), x)| pay(if advance { *a } else { *b }, "TOP", *x, EventKind::Trade))
                    .collect();
                match self.field(c, "usage") {
                    None => out = scheduled,
                    Some(u) => out = self.true_up(c, &scheduled, &months, u, (first, end))?,
                }
            }
            "revenue_share" => {
                let share =
                    super::terms::fraction(self.field(c, "share").ok_or_else(|| terms_err(span, "no share"))?, self)?;
                let fid = match self.field(c, "of").map(|e| &e.kind) {
                    Some(TExprKind::Flow(f)) => *f,
                    _ => return Err(terms_err(span, "`of` must name a flow")),
                };
                let (first, end) = self.range_of(self.field(c, "over"))?;
                let amounts = self.flow(fid)?;
                let mut raw = Vec::new();
                let window = self.timeline.indices_overlapping(first, end);
                for i in window {
                    let v =
                        number::mul(share, amounts.get(i).copied().unwrap_or_default()).map_err(|x| arith(x, span))?;
                    raw.push((i, v));
                }
                let vals: Vec<Decimal> = raw.iter().map(|r| r.1).collect();
                let booked =
                    booking::book_amounts(&super::series::Values::Per(vals), raw.len()).map_err(|x| arith(x, span))?;
                for ((i, _), amount) in raw.iter().zip(booked) {
                    out.push(pay(self.period_end_date(*i), "RS", amount, EventKind::Trade));
                }
            }
            "lease" => {
                let (first, end) = self.range_of(self.field(c, "over"))?;
                let cycle = match self.field(c, "every") {
                    Some(e) => {
                        super::terms::cycle(e, self, true)?.ok_or_else(|| terms_err(e.span, "a lease needs a cycle"))?
                    }
                    None => crate::contracts::dates::Cycle {
                        n: 1,
                        unit: crate::contracts::dates::CycleUnit::Month,
                        long_stub: false,
                    },
                };
                let pe = self.field(c, "payment").ok_or_else(|| terms_err(span, "no payment"))?;
                let ps = self.series_of(pe)?;
                let money = Unit::named(self.money);
                let base = if self.reg.dimension(&ps.unit) == self.reg.dimension(&money) {
                    ps.convert(&money, self.reg).map_err(|x| arith(x.error, pe.span))?.get(0)
                } else {
                    // a rate: the amount of one cycle
                    let start = super::timeline::date_of_day(first);
                    let next = cycle.shift(start, 1, false);
                    let Some((basis, target)) = booking::basis_of(&ps.unit, self.reg, self.money) else {
                        return Err(terms_err(pe.span, "the payment must be money or money per time"));
                    };
                    let one = Timeline {
                        step: self.timeline.step,
                        periods: vec![super::timeline::Period {
                            start: (start.y, start.m, start.d),
                            end: (next.y, next.m, next.d),
                            first_day: start.day_number(),
                            end_day: next.day_number(),
                        }],
                    };
                    let conv = ps.convert(&target, self.reg).map_err(|x| arith(x.error, pe.span))?;
                    let conv = Series::constant(conv.get(0), conv.unit);
                    book_rate(&conv, basis, (start.day_number(), next.day_number()), &one)
                        .map_err(|x| arith(x, pe.span))?
                        .first()
                        .copied()
                        .unwrap_or_default()
                };
                let esc = match self.field(c, "escalation") {
                    Some(e) => super::terms::per_year(e, self)?,
                    None => Decimal::ZERO,
                };
                let advance = symbol(c, "timing") != Some("arrears");
                let start = super::timeline::date_of_day(first);
                let end_date = super::timeline::date_of_day(end);
                for (k, d) in schedule(start, cycle, end_date, false, false).into_iter().enumerate() {
                    let months = (i64::from(d.y) - i64::from(start.y)) * 12 + i64::from(d.m)
                        - i64::from(start.m)
                        - i64::from(d.d < start.d);
                    let years = months.div_euclid(12).max(0);
                    let factor = number::powi(number::add(Decimal::ONE, esc).map_err(|x| arith(x, span))?, years)
                        .map_err(|x| arith(x, span))?;
                    let amount = round_ledger(number::mul(base, factor).map_err(|x| arith(x, span))?);
                    let when = if advance {
                        d
                    } else {
                        cycle.shift(start, i64::try_from(k).unwrap_or(0) + 1, false).plus_days(-1)
                    };
                    out.push(pay(when, "LS", amount, EventKind::Trade));
                }
            }
            _ => {
                // transfer
                let kind = match symbol(c, "kind") {
                    Some("revenue") | Some("cost") => EventKind::Trade,
                    Some("capex") => EventKind::Flow(FlowKind::Capex),
                    _ => EventKind::Flow(FlowKind::Financing),
                };
                let ae = self.field(c, "amount").ok_or_else(|| terms_err(span, "no amount"))?;
                let s = self.series_of(ae)?;
                let money = Unit::named(self.money);
                if self.reg.dimension(&s.unit) == self.reg.dimension(&money) {
                    let on =
                        self.field(c, "on").ok_or_else(|| terms_err(ae.span, "a one-off transfer needs `on DATE`"))?;
                    let date = super::terms::date(on)?;
                    let amount = round_ledger(s.convert(&money, self.reg).map_err(|x| arith(x.error, ae.span))?.get(0));
                    out.push(pay(date, "TRF", amount, kind));
                } else {
                    let window = self.range_of(self.field(c, "over"))?;
                    let Some((basis, target)) = booking::basis_of(&s.unit, self.reg, self.money) else {
                        return Err(terms_err(ae.span, "the amount must be money or money per time"));
                    };
                    let conv = s.convert(&target, self.reg).map_err(|x| arith(x.error, ae.span))?;
                    let booked = book_rate(&conv, basis, window, &self.timeline).map_err(|x| arith(x, ae.span))?;
                    for (i, amount) in booked.into_iter().enumerate() {
                        if !amount.is_zero() {
                            out.push(pay(self.period_end_date(i), "TRF", amount, kind));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Take-or-pay with usage: per period, the larger of the minimum and the usage.
    fn true_up(
        &mut self,
        c: &'a ContractIr,
        scheduled: &[Payment],
        months: &[(Date, Date)],
        usage: &TExpr,
        window: (i64, i64),
    ) -> Result<Vec<Payment>, EvalError> {
        let span = usage.span;
        let n = self.timeline.len();
        let minimum = match self.field(c, "minimum") {
            Some(e) => Some(self.money_value(e)?),
            None => None,
        };
        let mut min_per = vec![Decimal::ZERO; n];
        for (p, (a, _)) in scheduled.iter().zip(months) {
            if let Some(i) = self.timeline.index_of_day(a.day_number()) {
                let add = minimum.unwrap_or(p.amount);
                min_per[i] = number::add(min_per[i], add).map_err(|x| arith(x, span))?;
            }
        }
        let (series, shape) = match self.value(usage)? {
            Val::S(s, sh) => (s, sh),
            _ => return Err(EvalError::Internal { span, what: "usage must be a quantity".into() }),
        };
        let money = Unit::named(self.money);
        let used: Vec<Decimal> =
            if shape == Shape::Flow || self.reg.dimension(&series.unit) == self.reg.dimension(&money) {
                let s = series.convert(&money, self.reg).map_err(|x| arith(x.error, span))?;
                (0..n).map(|i| s.get(i)).collect()
            } else {
                let Some((basis, target)) = booking::basis_of(&series.unit, self.reg, self.money) else {
                    return Err(terms_err(span, "usage must be money or money per time"));
                };
                let conv = series.convert(&target, self.reg).map_err(|x| arith(x.error, span))?;
                book_rate(&conv, basis, window, &self.timeline).map_err(|x| arith(x, span))?
            };
        let mut out = Vec::new();
        let Some(first) = scheduled.first() else { return Ok(out) };
        for i in self.timeline.indices_overlapping(window.0, window.1) {
            let paid = round_ledger(min_per[i].max(used.get(i).copied().unwrap_or_default()));
            if !paid.is_zero() {
                out.push(Payment { date: self.period_end_date(i), code: "TOP", amount: paid, ..first.clone() });
            }
        }
        Ok(out)
    }

    /// Posts a non-loan contract's payments that fall in the timeline.
    pub(super) fn post_contract(&mut self, cid: ContractId) -> Result<(), EvalError> {
        for p in self.contract_payments(cid)? {
            let Some(i) = self.timeline.index_of_day(p.date.day_number()) else { continue };
            let event = Event {
                period: i as u32,
                from: Account::Entity(p.payer),
                to: Account::Entity(p.payee),
                amount: p.amount,
                kind: p.kind,
                origin: Origin::contract(cid),
            };
            self.push_due(super::defaults::Due { event, contract: cid });
        }
        Ok(())
    }
}
