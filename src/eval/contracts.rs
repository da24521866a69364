//! Contract payments and credit lines in a run.
//!
//! Every contract other than a loan becomes a list of dated [`Payment`]s from its payer to its
//! payee (`aifin schedule` lists them; the run posts them to the ledger with cumulative
//! rounding per contract, so totals are exact):
//!
//! - `take_or_pay`: monthly over its term — on the first day of each month (`advance`) or the
//!   last (`arrears`, the default) — the total spread `even`ly, as a `ramp` (month *k* of *n*
//!   weighs *k*) or by a curve's values; with `usage`, each month of the term the buyer pays
//!   the larger of the minimum (`minimum` a month, else the month's scheduled amount) and the
//!   usage booked in that month, whatever the timeline's step;
//! - `equity`: the amount on its date (financing for both sides);
//! - `revenue_share`: each period, `share` of what the payer's own revenue flow `of` books in
//!   that period inside `over` (a partly covered period shares its part), paid at the
//!   period's end;
//! - `lease`: `payment` every cycle from the term's first day, raised by `escalation` once a
//!   year (`(1 + e)^whole years elapsed`), at the cycle's start (`advance`, the default) or end;
//!   a rate pays what it books over each cycle's own days, an amount is one whole cycle's
//!   payment, and a last cycle cut short by the term's end pays its share; a curve payment
//!   takes each cycle's own value (evaluated on a timeline of the cycles), on every step;
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
use crate::check::options::{Spread, Timing, TransferKind};
use crate::check::typed::{ContractTerms, LeaseIr, ScheduleTerm, TakeOrPayIr};
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

/// A contract's payer and payee (a loan: the borrower, then the lender).
pub fn parties(c: &ContractIr) -> Option<(EntityId, EntityId)> {
    c.terms.parties()
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

    /// The last day of timeline period `i` (an index of the timeline: a miss is a bug).
    fn period_end_date(&self, i: usize, span: Span) -> Result<Date, EvalError> {
        self.timeline
            .periods
            .get(i)
            .map(|p| super::timeline::date_of_day(p.end_day - 1))
            .ok_or_else(|| EvalError::internal(span, "a period outside the timeline"))
    }

    /// The payments of a contract that is not a loan (see the module docs).
    pub fn contract_payments(&mut self, cid: ContractId) -> Result<Vec<Payment>, EvalError> {
        let Some(c) = self.program.contracts.get(cid) else {
            return Err(EvalError::Internal { span: self.scenario_span, what: format!("no contract {cid}") });
        };
        let span = c.span;
        let Some((payer, payee)) = c.terms.parties() else {
            return Err(EvalError::Internal { span, what: format!("`{}` was not checked", c.name) });
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
        match &c.terms {
            ContractTerms::Unchecked | ContractTerms::Loan(_) => {
                // a loan posts its ACTUS events (engine.rs `post_loan`), not payments
                return Err(EvalError::Internal { span, what: format!("`{}` has no payments of its own", c.name) });
            }
            ContractTerms::Equity(e) => {
                let amount = self.constant_money(&e.amount.value)?;
                let date = super::terms::date(&e.date.value)?;
                out.push(pay(date, "EQ", amount, EventKind::Flow(FlowKind::Financing)));
            }
            ContractTerms::TakeOrPay(t) => {
                let total = self.constant_money(&t.total.value)?;
                let (first, end) = self.range_of(Some(&t.over.value))?;
                let months = months_of(first, end);
                if months.is_empty() {
                    return Err(terms_err(span, "the term covers no whole month"));
                }
                let weights: Vec<Decimal> = match &t.schedule {
                    ScheduleTerm::Spread(Spread::Ramp) => (1..=months.len()).map(Decimal::from).collect(),
                    ScheduleTerm::Spread(Spread::Even) => vec![Decimal::ONE; months.len()],
                    ScheduleTerm::Curve(f) => {
                        let e = &f.value;
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
                let advance = t.timing == Timing::Advance;
                let scheduled: Vec<Payment> = months
                    .iter()
                    .zip(&amounts)
                    .map(|((a, b), x)| pay(if advance { *a } else { *b }, "TOP", *x, EventKind::Trade))
                    .collect();
                match &t.usage {
                    None => out = scheduled,
                    Some(u) => out = self.true_up(t, &scheduled, &months, &u.value, (first, end))?,
                }
            }
            ContractTerms::RevenueShare(r) => {
                let share = super::terms::fraction(&r.share.value, self)?;
                let fid = r.of;
                // the payer's own revenue flow, as the docs say: not a cost, not another's
                // (the checker refuses others: `bad_term`)
                let own_revenue =
                    self.program.flows.get(fid).is_some_and(|f| f.entity == payer && f.kind == FlowKind::Revenue);
                if !own_revenue {
                    return Err(terms_err(r.of_span, "`of` must be a revenue flow of the payer"));
                }
                // the share of the flow booked inside `over` (a part of a period counts its part)
                let (first, end) = self.range_of(r.over.as_ref().map(|f| &f.value))?;
                let amounts = self.flow_within(fid, (first, end))?;
                let mut raw = Vec::new();
                let window = self.timeline.indices_overlapping(first, end);
                for i in window {
                    let a = amounts
                        .get(i)
                        .copied()
                        .ok_or_else(|| EvalError::internal(span, "a period outside the flow's amounts"))?;
                    let v = number::mul(share, a).map_err(|x| arith(x, span))?;
                    raw.push((i, v));
                }
                // the share of what the flow booked before the timeline, paid on the first day of
                // `over` (brought forward); the running total goes on from it
                let before = self.flow_before_timeline(fid, (first, end))?;
                let before =
                    before.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, x.1)).map_err(|x| arith(x, span))?;
                let mut sum = number::mul(share, before).map_err(|x| arith(x, span))?;
                let mut booked = round_ledger(sum);
                if !booked.is_zero() {
                    out.push(pay(super::timeline::date_of_day(first), "RS", booked, EventKind::Trade));
                }
                for (i, v) in raw {
                    sum = number::add(sum, v).map_err(|x| arith(x, span))?;
                    let total = booking::in_ledger(round_ledger(sum)).map_err(|x| arith(x, span))?;
                    let amount = number::sub(total, booked).map_err(|x| arith(x, span))?;
                    booked = total;
                    out.push(pay(self.period_end_date(i, span)?, "RS", amount, EventKind::Trade));
                }
            }
            ContractTerms::Lease(l) => out = self.lease_payments(l, span, payer, payee)?,
            ContractTerms::Transfer(t) => {
                let kind = match t.kind {
                    TransferKind::Revenue | TransferKind::Cost => EventKind::Trade,
                    TransferKind::Capex => EventKind::Flow(FlowKind::Capex),
                    TransferKind::Financing => EventKind::Flow(FlowKind::Financing),
                };
                let ae = &t.amount.value;
                let s = self.series_of(ae)?;
                let money = Unit::named(self.money);
                if self.reg.dimension(&s.unit) == self.reg.dimension(&money) {
                    let on =
                        t.on.as_ref()
                            .map(|f| &f.value)
                            .ok_or_else(|| terms_err(ae.span, "a one-off transfer needs `on DATE`"))?;
                    let date = super::terms::date(on)?;
                    let amount = round_ledger(s.convert(&money, self.reg).map_err(|x| arith(x.error, ae.span))?.get(0));
                    out.push(pay(date, "TRF", amount, kind));
                } else {
                    let window = self.range_of(t.over.as_ref().map(|f| &f.value))?;
                    let Some((basis, target)) = booking::basis_of(&s.unit, self.reg, self.money) else {
                        return Err(terms_err(ae.span, "the amount must be money or money per time"));
                    };
                    let conv = s.convert(&target, self.reg).map_err(|x| arith(x.error, ae.span))?;
                    let booked = book_rate(&conv, basis, window, &self.timeline).map_err(|x| arith(x, ae.span))?;
                    // what it paid before the timeline (at its first period's value), one
                    // payment on its first day, is brought forward
                    let t0 = self.timeline_start();
                    if window.0 < t0 {
                        let end = window.1.min(t0);
                        let one = Timeline {
                            step: self.timeline.step,
                            periods: vec![super::timeline::Period::of_days(window.0, end)],
                        };
                        let rate = Series::constant(conv.get(0), conv.unit.clone());
                        let before = book_rate(&rate, basis, (window.0, end), &one).map_err(|x| arith(x, ae.span))?;
                        let amount = before.first().copied().unwrap_or_default();
                        if !amount.is_zero() {
                            out.push(pay(super::timeline::date_of_day(window.0), "TRF", amount, kind));
                        }
                    }
                    for (i, amount) in booked.into_iter().enumerate() {
                        if !amount.is_zero() {
                            out.push(pay(self.period_end_date(i, span)?, "TRF", amount, kind));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// A lease's payments (see the module docs): each cycle of the term pays the payment booked
    /// over that cycle's own days. A rate books by its unit (`10 USD/day` pays 31 days in
    /// January, 28 in February); an amount is the payment of a whole cycle, booked like a rate
    /// of one per cycle (calendar months for month, quarter and year cycles, elapsed days for
    /// day and week cycles), so a last cycle cut short by the term's end pays its share.
    fn lease_payments(
        &mut self,
        c: &LeaseIr,
        span: Span,
        payer: EntityId,
        payee: EntityId,
    ) -> Result<Vec<Payment>, EvalError> {
        use crate::contracts::dates::CycleUnit;
        let (first, end) = self.range_of(Some(&c.over.value))?;
        let cycle = super::terms::valued_cycle(&c.every, span, self)?;
        let pe = &c.payment.value;
        let ps = self.series_of(pe)?;
        let money = Unit::named(self.money);
        let start = super::timeline::date_of_day(first);
        let end_date = super::timeline::date_of_day(end);
        // the cycles: (first day, end of the cycle as cut by the term, end of the whole cycle)
        let mut cycles = Vec::new();
        for (k, d) in schedule(start, cycle, end_date, false, false).into_iter().enumerate() {
            let full = cycle.shift(start, i64::try_from(k).unwrap_or(0) + 1, false).day_number();
            let (a, b) = (d.day_number(), full.min(end));
            if a < b {
                cycles.push((d, a, b, full));
            }
        }
        // the payment's value in each cycle, on a timeline of the cycles themselves: a curve
        // pays each cycle's own value, the same on every step of the run's timeline
        let spans: Vec<(i64, i64)> = cycles.iter().map(|&(_, a, b, _)| (a, b)).collect();
        let step = self.timeline.step;
        // an amount per cycle (pro-rated over a cut last cycle), or a rate booked over each cycle
        let (values, basis) = if self.reg.dimension(&ps.unit) == self.reg.dimension(&money) {
            (self.values_on_periods(pe, &spans, &money, step)?, None)
        } else {
            let Some((basis, target)) = booking::basis_of(&ps.unit, self.reg, self.money) else {
                return Err(terms_err(pe.span, "the payment must be money or money per time"));
            };
            (self.values_on_periods(pe, &spans, &target, step)?, Some((basis, target)))
        };
        let calendar = !matches!(cycle.unit, CycleUnit::Day | CycleUnit::Week);
        let weight = |a: i64, b: i64| {
            if calendar {
                Timeline::month_weight(a, b, booking::L)
            } else {
                b - a
            }
        };
        let esc = super::terms::valued(&c.escalation, span, self, super::terms::per_year)?;
        let growth = number::add(Decimal::ONE, esc).map_err(|x| arith(x, span))?;
        let advance = c.timing == Timing::Advance;
        let mut out = Vec::new();
        for (&(d, a, b, full), value) in cycles.iter().zip(values) {
            let last = super::timeline::date_of_day(b - 1);
            let base = match &basis {
                None if b == full => value,
                None => number::div(
                    number::mul(value, Decimal::from(weight(a, b))).map_err(|x| arith(x, pe.span))?,
                    Decimal::from(weight(a, full)),
                )
                .map_err(|x| arith(x, pe.span))?,
                Some((basis, target)) => {
                    let one = Timeline {
                        step: self.timeline.step,
                        periods: vec![super::timeline::Period {
                            start: (d.y, d.m, d.d),
                            end: (last.y, last.m, last.d),
                            first_day: a,
                            end_day: b,
                        }],
                    };
                    let rate = Series::constant(value, target.clone());
                    let booked = book_rate(&rate, *basis, (a, b), &one).map_err(|x| arith(x, pe.span))?;
                    booked.first().copied().unwrap_or_default()
                }
            };
            let months = (i64::from(d.y) - i64::from(start.y)) * 12 + i64::from(d.m)
                - i64::from(start.m)
                - i64::from(d.d < start.d);
            let years = months.div_euclid(12).max(0);
            let factor = number::powi(growth, years).map_err(|x| arith(x, span))?;
            let amount = round_ledger(number::mul(base, factor).map_err(|x| arith(x, span))?);
            let when = if advance { d } else { last };
            out.push(Payment { date: when, code: "LS", payer, payee, amount, kind: EventKind::Trade });
        }
        Ok(out)
    }

    /// A usage rate in each month of a take-or-pay's term: a month inside the timeline takes its
    /// own value (a month-anchored curve's month, not its period's mean), as a lease's cycle
    /// does, the same on every step; a month before the timeline its first period's rate; one
    /// after it the last month's (docs § Defaults: beyond the timeline the usage of its last
    /// month holds).
    fn usage_rates(
        &mut self,
        usage: &TExpr,
        by_month: &Timeline,
        conv: &Series,
        target: &Unit,
    ) -> Result<Vec<Decimal>, EvalError> {
        let end_day = self.timeline.periods.last().map_or(i64::MIN, |p| p.end_day);
        let inside: Vec<(i64, i64)> = by_month
            .periods
            .iter()
            .filter(|m| self.timeline.index_of_day(m.first_day).is_some())
            .map(|m| (m.first_day, m.end_day))
            .collect();
        let own = self.values_on_periods(usage, &inside, target, self.timeline.step)?;
        let held = own.last().copied().unwrap_or_else(|| conv.get(self.timeline.len().saturating_sub(1)));
        let mut own = own.into_iter();
        let mut out = Vec::with_capacity(by_month.periods.len());
        for m in &by_month.periods {
            out.push(match self.timeline.index_of_day(m.first_day) {
                Some(_) => own.next().unwrap_or_default(),
                None if m.first_day >= end_day => held,
                None => conv.get(0),
            });
        }
        Ok(out)
    }

    /// Take-or-pay with usage: each month of the term, the larger of the minimum (`minimum`, else
    /// the month's scheduled amount) and the usage booked in that month, paid on the month's
    /// scheduled date — the same months on every timeline step.
    fn true_up(
        &mut self,
        c: &TakeOrPayIr,
        scheduled: &[Payment],
        months: &[(Date, Date)],
        usage: &TExpr,
        window: (i64, i64),
    ) -> Result<Vec<Payment>, EvalError> {
        let span = usage.span;
        let minimum = match &c.minimum {
            Some(e) => Some(self.constant_money(&e.value)?),
            None => None,
        };
        let (series, shape) = match self.value(usage)? {
            Val::S(s, sh) => (s, sh),
            _ => return Err(EvalError::Internal { span, what: "usage must be a quantity".into() }),
        };
        let money = Unit::named(self.money);
        let month_periods: Vec<super::timeline::Period> = months
            .iter()
            .map(|(a, b)| super::timeline::Period {
                start: (a.y, a.m, a.d),
                end: (b.y, b.m, b.d),
                first_day: a.day_number(),
                end_day: b.day_number() + 1,
            })
            .collect();
        let by_month = Timeline { step: crate::syntax::ast::Step::Monthly, periods: month_periods };
        let used: Vec<Decimal> =
            if shape == Shape::Flow || self.reg.dimension(&series.unit) == self.reg.dimension(&money) {
                // amounts per timeline period: a month adds up its periods; a longer period is
                // spread evenly over its months
                let s = series.convert(&money, self.reg).map_err(|x| arith(x.error, span))?;
                let mut out = vec![Decimal::ZERO; by_month.len()];
                for (i, p) in self.timeline.periods.iter().enumerate() {
                    let inside: Vec<usize> = by_month.indices_overlapping(p.first_day, p.end_day).collect();
                    let whole = Decimal::from(p.days());
                    for k in inside {
                        let Some(m) = by_month.periods.get(k) else { continue };
                        let days = Decimal::from(p.end_day.min(m.end_day) - p.first_day.max(m.first_day));
                        let part = if days == whole {
                            s.get(i)
                        } else {
                            number::div(number::mul(s.get(i), days).map_err(|x| arith(x, span))?, whole)
                                .map_err(|x| arith(x, span))?
                        };
                        if let Some(slot) = out.get_mut(k) {
                            *slot = number::add(*slot, part).map_err(|x| arith(x, span))?;
                        }
                    }
                }
                // after the timeline the usage of its last month holds (docs § Defaults)
                let end_day = self.timeline.periods.last().map_or(i64::MIN, |p| p.end_day);
                let inside = by_month.periods.iter().take_while(|m| m.first_day < end_day).count();
                if let Some(&held) = inside.checked_sub(1).and_then(|k| out.get(k)) {
                    out.iter_mut().skip(inside).for_each(|slot| *slot = held);
                }
                out
            } else {
                let Some((basis, target)) = booking::basis_of(&series.unit, self.reg, self.money) else {
                    return Err(terms_err(span, "usage must be money or money per time"));
                };
                let conv = series.convert(&target, self.reg).map_err(|x| arith(x.error, span))?;
                let values = self.usage_rates(usage, &by_month, &conv, &target)?;
                let monthly = Series::per(values, conv.unit.clone());
                book_rate(&monthly, basis, window, &by_month).map_err(|x| arith(x, span))?
            };
        let mut out = Vec::new();
        for (k, p) in scheduled.iter().enumerate() {
            let floor = minimum.unwrap_or(p.amount);
            let paid = round_ledger(floor.max(used.get(k).copied().unwrap_or_default()));
            if !paid.is_zero() {
                out.push(Payment { amount: paid, ..p.clone() });
            }
        }
        Ok(out)
    }

    /// Posts a non-loan contract's payments that fall in the timeline; a transfer of `kind
    /// capex` is depreciated by its payer over its `life`.
    pub(super) fn post_contract(&mut self, cid: ContractId) -> Result<(), EvalError> {
        let payments = self.contract_payments(cid)?;
        let transfer = self.program.contracts.get(cid).and_then(|c| match &c.terms {
            ContractTerms::Transfer(t) => Some((t, c.span)),
            _ => None,
        });
        if let Some((c, c_span)) = transfer {
            let capex = c.kind == TransferKind::Capex;
            match (capex, c.life.as_ref().map(|f| &f.value)) {
                (true, Some(life)) => {
                    // a rate is spent month by month, whatever the step (its payments fall at
                    // each period's end); a one-off amount on its day
                    let ae = &c.amount.value;
                    let s = self.series_of(ae)?;
                    let money = Unit::named(self.money);
                    let rate = self.reg.dimension(&s.unit) != self.reg.dimension(&money);
                    let spends: Vec<(i64, Decimal)> = match booking::basis_of(&s.unit, self.reg, self.money) {
                        Some((basis, target)) if rate => {
                            let conv = s.convert(&target, self.reg).map_err(|x| arith(x.error, ae.span))?;
                            let window = self.range_of(c.over.as_ref().map(|f| &f.value))?;
                            self.rate_by_month(&conv, basis, window, ae.span)?
                        }
                        _ => payments.iter().map(|p| (p.date.day_number(), p.amount)).collect(),
                    };
                    if let Some(buyer) = payments.first().map(|p| p.payer) {
                        self.depreciate_spends(buyer, &spends, life, c_span)?;
                    }
                }
                // the checker refuses both (`missing_field`, `bad_term`); kept coded here
                (true, None) => return Err(terms_err(c_span, "a transfer of `kind capex` needs the buyer's `life`")),
                (false, Some(life)) => {
                    return Err(terms_err(life.span, "`life` is the depreciation life of a transfer of `kind capex`"))
                }
                (false, None) => {}
            }
        }
        let t0 = self.timeline_start();
        let span = self
            .program
            .contracts
            .get(cid)
            .map(|c| c.span)
            .ok_or_else(|| EvalError::internal(self.scenario_span, "a payment of no contract"))?;
        for p in payments {
            if p.amount < Decimal::ZERO {
                return Err(self.negative_payment(cid, &p));
            }
            if p.date.day_number() < t0 {
                // paid before the timeline: part of the opening balances
                let (from, to) = (Account::Entity(p.payer), Account::Entity(p.payee));
                self.bring_forward(from, to, p.amount, Origin::contract(cid), span)?;
                continue;
            }
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

    /// A payment that a curve or a formula made negative (`check` refuses negative literals):
    /// a coded diagnostic at the term that gave it, not a failure of the clearing.
    fn negative_payment(&self, cid: ContractId, p: &Payment) -> EvalError {
        let Some(c) = self.program.contracts.get(cid) else {
            return EvalError::Internal { span: self.scenario_span, what: "a payment of no contract".into() };
        };
        // the terms that set the amount, the first that is not a literal to blame
        let term = |k: &'static str, f: Option<&crate::check::ir::FieldIr>| {
            f.map(|f| (k, f.value.span, matches!(f.value.kind, TExprKind::Literal(_))))
        };
        let candidates = match &c.terms {
            ContractTerms::Lease(l) => {
                vec![term("payment", Some(&l.payment)), term("escalation", l.escalation.given())]
            }
            ContractTerms::TakeOrPay(t) => vec![
                term("usage", t.usage.as_deref()),
                term("minimum", t.minimum.as_deref()),
                term("total", Some(&t.total)),
                term("termination", t.termination.as_deref()),
            ],
            // `of` names a flow: never a literal
            ContractTerms::RevenueShare(r) => vec![Some(("of", r.of_span, false)), term("share", Some(&r.share))],
            ContractTerms::Transfer(t) => vec![term("amount", Some(&t.amount))],
            ContractTerms::Equity(e) => vec![term("amount", Some(&e.amount))],
            ContractTerms::Loan(_) | ContractTerms::Unchecked => vec![],
        };
        let field = candidates.into_iter().flatten().find(|(_, _, literal)| !literal);
        let (span, term) = match field {
            Some((k, span, _)) => (span, format!("`{k}`")),
            None => (c.span, "its terms".to_string()),
        };
        terms_err(
            span,
            format!(
                "`{}` would pay {} {} on {}: {term} went below zero (a payment goes from the payer to the payee; \
                 keep the curve at or above zero)",
                c.name,
                p.amount.normalize(),
                self.reg.format_unit(&Unit::named(self.money)),
                p.date
            ),
        )
    }
}
