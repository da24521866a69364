//! The built-in functions in a run: curves, aggregates (`annual`, `total`, `at`), an
//! entity's lines (`cash`, `profit`, `revenue`, …), `funding_gap`, `runway`, `burn`,
//! `payments`, `losses`, `defaulted`, `min`, `max`, `abs` (and the `std/finance` ones, in
//! [`super::finance`]).

use super::booking::{self, basis_of, book_rate};
use super::curves::{Curve, Formula, Granularity};
use super::engine::{Run, Val};
use super::error::EvalError;
use super::ledger::{Account, EventKind, Origin};
use super::series::{Series, SeriesError};
use super::timeline::Timeline;
use crate::check::ir::*;
use crate::check::options::{Extrapolation, Interpolation, OptionWord};
use crate::check::Shape;
use crate::number::{self, ArithError};
use crate::source::Span;
use crate::syntax::ast::PeriodValue;
use crate::units::quantity::simplified_unit;
use crate::units::Unit;
use rust_decimal::Decimal;

/// An entity id that has no slot in a per-entity vector: the checker made the id, so this is
/// a broken invariant, reported as such.
/// A window's period that is not in the ledger: the window was aligned to the timeline, so a
/// bug.
fn outside_timeline(span: Span) -> EvalError {
    EvalError::internal(span, "a period outside the ledger")
}

fn no_entity(id: EntityId, span: Span) -> EvalError {
    EvalError::Internal { span, what: format!("no entity {id} in the run") }
}

fn series_err(e: SeriesError, span: Span) -> EvalError {
    EvalError::arith(e.error, span)
}

fn arith(e: ArithError, span: Span) -> EvalError {
    EvalError::arith(e, span)
}

impl Run<'_> {
    fn arg(&mut self, args: &[TArg], i: usize, span: Span) -> Result<Val, EvalError> {
        match args.get(i) {
            Some(a) => self.value(&a.value),
            None => Err(EvalError::Internal { span, what: "a missing argument".into() }),
        }
    }

    fn named(args: &[TArg], key: &str) -> Option<TArg> {
        args.iter().find(|a| a.name.as_deref() == Some(key)).cloned()
    }

    fn entity_arg(&mut self, args: &[TArg], span: Span) -> Result<EntityId, EvalError> {
        match self.arg(args, 0, span)? {
            Val::Entity(id) => Ok(id),
            _ => Err(EvalError::Internal { span, what: "an entity was expected".into() }),
        }
    }

    fn contract_arg(&mut self, args: &[TArg], span: Span) -> Result<ContractId, EvalError> {
        match self.arg(args, 0, span)? {
            Val::Contract(id) => Ok(id),
            _ => Err(EvalError::Internal { span, what: "a contract was expected".into() }),
        }
    }

    /// The day interval argument `i` gives (a period or a range).
    pub fn window(&mut self, args: &[TArg], i: usize, span: Span) -> Result<(i64, i64), EvalError> {
        match self.arg(args, i, span)? {
            Val::Period(p) => Ok(Timeline::span_of(p)),
            Val::Range(a, b) => Ok((a, b)),
            _ => Err(EvalError::Internal { span, what: "a period was expected".into() }),
        }
    }

    /// An entity's closing cash in each period on the full-payment path (what `funding_gap`,
    /// `runway` and `burn` read) and its minimum cash.
    pub fn full_payment_cash(&self, e: EntityId, span: Span) -> Result<(Vec<Decimal>, Decimal), EvalError> {
        let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
        let closing = full.closing(e).map_err(|x| arith(x, span))?;
        let min = self.min_cash.get(e).copied().ok_or_else(|| no_entity(e, span))?;
        Ok((closing, min))
    }

    /// The period that decides `runway` (`first`: the first of `periods` whose closing cash is
    /// below `min`) or `funding_gap` (the deepest below `min` among `periods`, the first of
    /// equals), with that cash; `None` when none is below. `aifin explain` names this period.
    pub fn shortfall_period(
        closing: &[Decimal],
        min: Decimal,
        periods: std::ops::Range<usize>,
        first: bool,
    ) -> Option<(usize, Decimal)> {
        let mut at: Option<(usize, Decimal)> = None;
        for (i, &c) in closing.iter().enumerate().take(periods.end).skip(periods.start) {
            if c < min && at.is_none_or(|(_, deepest)| c < deepest) {
                at = Some((i, c));
                if first {
                    break;
                }
            }
        }
        at
    }

    /// The periods exactly covering `[first, end)`, or a misalignment error.
    pub fn aligned(&self, (first, end): (i64, i64), span: Span) -> Result<std::ops::Range<usize>, EvalError> {
        let r = self.timeline.indices_overlapping(first, end);
        let ok =
            match (self.timeline.periods.get(r.start), r.end.checked_sub(1).and_then(|i| self.timeline.periods.get(i)))
            {
                (Some(a), Some(b)) => a.first_day == first && b.end_day == end,
                _ => false,
            };
        if !ok {
            return Err(EvalError::Misaligned {
                span,
                what: "this period does not cover whole periods of the timeline".into(),
            });
        }
        Ok(r)
    }

    pub(super) fn call(&mut self, b: Builtin, args: &[TArg], e: &TExpr) -> Result<Val, EvalError> {
        let span = e.span;
        let reads_ledger = b.reads_ledger();
        if reads_ledger && self.phase == super::engine::Phase::Posting {
            return Err(EvalError::Circular {
                span,
                what: "a flow or opening balance uses an entity's cash or totals, which the flows themselves make"
                    .into(),
            });
        }
        let n = self.n();
        let money = Unit::named(self.money);
        let money_id = self.money;
        let flow = move |vals: Vec<Decimal>| Val::S(Series::per(vals, Unit::named(money_id)), Shape::Flow);
        match b {
            Builtin::Constant => {
                let s = match self.arg(args, 0, span)? {
                    Val::S(s, _) | Val::Uncertain(_, _, s) => s,
                    _ => return Err(EvalError::Internal { span, what: "a quantity was expected".into() }),
                };
                Ok(Val::S(s, Shape::Series))
            }
            Builtin::Abs => {
                let a = args.first().ok_or(EvalError::Internal { span, what: "abs()".into() })?;
                let s = self.series(&a.value)?;
                Ok(Val::S(
                    Series {
                        unit: s.unit.clone(),
                        values: s.values.map(|x| Ok(x.abs())).map_err(|x| series_err(x, span))?,
                    },
                    Self::shape_of(e),
                ))
            }
            Builtin::Normal | Builtin::Lognormal | Builtin::Uniform | Builtin::Triangular | Builtin::Bernoulli => {
                self.distribution(b, args, span)
            }
            Builtin::Min | Builtin::Max => {
                let mut acc: Option<Series> = None;
                for a in args {
                    let s = self.series(&a.value)?;
                    acc = Some(match acc {
                        None => s,
                        Some(cur) => {
                            let o = s.convert(&cur.unit, self.reg).map_err(|x| series_err(x, a.span))?;
                            let min = b == Builtin::Min;
                            let values = cur
                                .values
                                .zip(&o.values, n, |x, y| Ok(if min == (y < x) { y } else { x }))
                                .map_err(|x| series_err(x, a.span))?;
                            Series { unit: cur.unit.clone(), values }
                        }
                    });
                }
                let s = acc.ok_or(EvalError::Internal { span, what: "min/max of nothing".into() })?;
                Ok(Val::S(s, Self::shape_of(e)))
            }
            Builtin::Linear
            | Builtin::Step
            | Builtin::Table
            | Builtin::Cagr
            | Builtin::Compound
            | Builtin::Logistic
            | Builtin::Generations => self.curve(b, args, span),
            Builtin::Annual | Builtin::Total | Builtin::At => {
                let x = args
                    .first()
                    .map(|a| a.value.clone())
                    .ok_or(EvalError::Internal { span, what: "missing argument".into() })?;
                let window = self.window(args, 1, span)?;
                let val = self.value(&x)?;
                let (s, shape) = match val {
                    Val::S(s, sh) => (s, sh),
                    Val::Uncertain(_, _, p) => (p, Shape::Constant),
                    _ => return Err(EvalError::Internal { span, what: "a quantity was expected".into() }),
                };
                let wspan = args.get(1).map(|a| a.span).unwrap_or(span);
                if b == Builtin::At {
                    let r = self.timeline.indices_overlapping(window.0, window.1);
                    if r.is_empty() {
                        return Err(EvalError::Misaligned {
                            span: wspan,
                            what: "this period is outside the timeline".into(),
                        });
                    }
                    let v = match shape {
                        Shape::Flow => {
                            let r = self.aligned(window, wspan)?;
                            r.map(|i| s.get(i)).try_fold(Decimal::ZERO, number::add).map_err(|x| arith(x, span))?
                        }
                        Shape::Level => s.get(r.end - 1),
                        _ => s.get(r.start),
                    };
                    return Ok(Val::S(Series::constant(v, s.unit), Shape::Constant));
                }
                if shape == Shape::Flow {
                    let r = self.aligned(window, wspan)?;
                    let total = r.map(|i| s.get(i)).try_fold(Decimal::ZERO, number::add).map_err(|x| arith(x, span))?;
                    return Ok(Val::S(Series::constant(total, s.unit), Shape::Constant));
                }
                // a rate: book it over the window and add up
                let numerator = simplified_unit(&s.unit.mul(&self.std_unit("second", span)?), self.reg);
                let Some(num_id) = numerator.factors().first().map(|f| f.0).filter(|_| numerator.factors().len() == 1)
                else {
                    return self.book_general_rate(&s, window, wspan, span);
                };
                let Some((basis, target)) = basis_of(&s.unit, self.reg, num_id) else {
                    return Err(EvalError::Internal { span, what: "a rate with no time unit".into() });
                };
                let conv = s.convert(&target, self.reg).map_err(|x| series_err(x, span))?;
                let _ = self.aligned(window, wspan)?;
                let booked = book_rate(&conv, basis, window, &self.timeline).map_err(|x| arith(x, span))?;
                let total =
                    booked.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, *x)).map_err(|x| arith(x, span))?;
                Ok(Val::S(Series::constant(total, Unit::named(num_id)), Shape::Constant))
            }
            Builtin::Cash => {
                let id = self.entity_arg(args, span)?;
                let c = self.ledger.closing(id).map_err(|x| arith(x, span))?;
                Ok(Val::S(Series::per(c, money), Shape::Level))
            }
            Builtin::Credit => {
                let id = self.entity_arg(args, span)?;
                let mut c = self.credit.get(id).cloned().ok_or_else(|| no_entity(id, span))?;
                c.resize(n, Decimal::ZERO);
                Ok(Val::S(Series::per(c, money), Shape::Level))
            }
            Builtin::Revenue
            | Builtin::Costs
            | Builtin::Capex
            | Builtin::Financing
            | Builtin::Interest
            | Builtin::Net
            | Builtin::Depreciation
            | Builtin::Profit => {
                let id = self.entity_arg(args, span)?;
                let vals = self.entity_lines(id, b, span)?;
                Ok(flow(vals))
            }
            Builtin::FundingGap | Builtin::Burn | Builtin::Runway => {
                let id = self.entity_arg(args, span)?;
                // on the path where the entity pays everything it owes
                let (closing, min) = self.full_payment_cash(id, span)?;
                match b {
                    Builtin::Runway => Ok(match Run::shortfall_period(&closing, min, 0..closing.len(), true) {
                        Some((i, _)) => Val::Period(self.period_value(i, span)?),
                        None => Val::Never,
                    }),
                    Builtin::FundingGap => {
                        let window = self.window(args, 1, span)?;
                        let r = self.aligned(window, args.get(1).map(|a| a.span).unwrap_or(span))?;
                        if r.end > closing.len() {
                            return Err(outside_timeline(span));
                        }
                        let gap = match Run::shortfall_period(&closing, min, r, false) {
                            Some((_, c)) => number::sub(min, c).map_err(|x| arith(x, span))?,
                            None => Decimal::ZERO,
                        };
                        Ok(Val::S(Series::constant(gap, money), Shape::Constant))
                    }
                    _ => {
                        let window = self.window(args, 1, span)?;
                        let r = self.aligned(window, args.get(1).map(|a| a.span).unwrap_or(span))?;
                        let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
                        let changes = full.changes(id);
                        let mut net = Decimal::ZERO;
                        for i in r {
                            let c = changes.get(i).copied().ok_or_else(|| outside_timeline(span))?;
                            net = number::add(net, c).map_err(|x| arith(x, span))?;
                        }
                        Ok(Val::S(Series::constant(-net, money), Shape::Constant))
                    }
                }
            }
            Builtin::Payments => {
                let cid = match self.arg(args, 0, span)? {
                    Val::Contract(id) => id,
                    _ => return Err(EvalError::Internal { span, what: "a contract was expected".into() }),
                };
                let Some((payer, _)) = self.program.contracts.get(cid).and_then(super::contracts::parties) else {
                    return Err(EvalError::Internal { span, what: format!("contract {cid} was not checked") });
                };
                let mut out = vec![Decimal::ZERO; n];
                for ev in self.ledger.events() {
                    // payments inside the timeline (not those brought forward from before it)
                    let paid = ev.origin == Origin::contract(cid) && ev.kind != EventKind::Opening;
                    if paid && ev.from == Account::Entity(payer) {
                        if let Some(slot) = out.get_mut(ev.period as usize) {
                            *slot = number::add(*slot, ev.amount).map_err(|x| arith(x, span))?;
                        }
                    }
                }
                Ok(flow(out))
            }
            Builtin::Scheduled => {
                let cid = self.contract_arg(args, span)?;
                let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
                Ok(flow(super::defaults::paid_by_payer(self.program, full, cid, n).map_err(|x| arith(x, span))?))
            }
            Builtin::Remaining => {
                let cid = self.contract_arg(args, span)?;
                Ok(Val::S(Series::per(self.remaining(cid, span)?, money), Shape::Level))
            }
            Builtin::Commitments => {
                let id = self.entity_arg(args, span)?;
                let mut total = vec![Decimal::ZERO; n];
                for (cid, c) in self.program.contracts.iter_enumerated() {
                    if super::contracts::parties(c).map(|p| p.0) != Some(id) {
                        continue;
                    }
                    for (slot, v) in total.iter_mut().zip(self.remaining(cid, span)?) {
                        *slot = number::add(*slot, v).map_err(|x| arith(x, span))?;
                    }
                }
                Ok(Val::S(Series::per(total, money), Shape::Level))
            }
            Builtin::Outstanding | Builtin::Accrued => {
                let cid = match self.arg(args, 0, span)? {
                    Val::Contract(id) => id,
                    _ => return Err(EvalError::Internal { span, what: "a contract was expected".into() }),
                };
                let balances = self.loan_balances(cid, span)?;
                let pick = |(o, a): (Decimal, Decimal)| if b == Builtin::Outstanding { o } else { a };
                Ok(Val::S(Series::per(balances.into_iter().map(pick).collect(), Unit::named(self.money)), Shape::Level))
            }
            Builtin::Losses => {
                let id = self.entity_arg(args, span)?;
                let v = self.defaults.by_entity.get(id).copied().ok_or_else(|| no_entity(id, span))?;
                Ok(Val::S(Series::constant(v, money), Shape::Constant))
            }
            crate::check::builtin_spec::finance_builtins!() => self.finance(b, args, e),
            Builtin::Defaulted => {
                let id = self.entity_arg(args, span)?;
                Ok(match self.defaults.period_of.get(id).copied().flatten() {
                    Some(t) => Val::Period(self.period_value(t, span)?),
                    None => Val::Never,
                })
            }
        }
    }

    /// A unit of std/units (every program has them: the prelude): a coded internal error, not
    /// a unit 0 that would convert wrongly, if it were ever missing.
    fn std_unit(&self, name: &str, span: Span) -> Result<Unit, EvalError> {
        self.reg
            .lookup(name)
            .map(Unit::named)
            .ok_or_else(|| EvalError::Internal { span, what: format!("std/units has no `{name}`") })
    }

    /// A rate whose booked amount is not a single named unit: books in coherent base units.
    fn book_general_rate(&mut self, s: &Series, window: (i64, i64), wspan: Span, span: Span) -> Result<Val, EvalError> {
        let sec = self.std_unit("second", span)?;
        let amount_unit = simplified_unit(&s.unit.mul(&sec), self.reg);
        let _ = self.aligned(window, wspan)?;
        let per_second = amount_unit.div(&sec);
        let conv = s.convert(&per_second, self.reg).map_err(|x| series_err(x, span))?;
        let booked = book_rate(&conv, booking::Basis::Elapsed { seconds: 1 }, window, &self.timeline)
            .map_err(|x| arith(x, span))?;
        let total = booked.iter().try_fold(Decimal::ZERO, |a, x| number::add(a, *x)).map_err(|x| arith(x, span))?;
        Ok(Val::S(Series::constant(total, amount_unit), Shape::Constant))
    }

    /// The period literal of timeline period `i` (an index of the timeline: a miss is a bug).
    pub fn period_value(&self, i: usize, span: Span) -> Result<PeriodValue, EvalError> {
        let (y, m, d) = self
            .timeline
            .periods
            .get(i)
            .map(|p| p.start)
            .ok_or_else(|| EvalError::internal(span, "a period outside the timeline"))?;
        Ok(match self.timeline.step {
            crate::syntax::ast::Step::Daily => PeriodValue::Day(y, m, d),
            crate::syntax::ast::Step::Monthly => PeriodValue::Month(y, m),
            crate::syntax::ast::Step::Quarterly => PeriodValue::Quarter(y, (m - 1) / 3 + 1),
            crate::syntax::ast::Step::Yearly => PeriodValue::Year(y),
        })
    }

    /// An entity's amounts of one kind per period (inflows positive for `net` and
    /// `financing`; revenue, costs, capex, depreciation and interest as positive amounts).
    /// (`span`: the call, for a diagnostic.)
    pub fn entity_lines(&self, id: EntityId, b: Builtin, span: Span) -> Result<Vec<Decimal>, EvalError> {
        let n = self.n();
        let changes = self.ledger.changes(id);
        let depreciation = self.depreciation.get(id).ok_or_else(|| no_entity(id, span))?;
        if changes.len() != n || depreciation.len() != n {
            return Err(no_entity(id, span));
        }
        self.lines(id, b, changes, depreciation).map_err(|x| arith(x, span))
    }

    /// [`Run::entity_lines`] of an entity whose cash changes and depreciation are given (one
    /// per period).
    fn lines(
        &self,
        id: EntityId,
        b: Builtin,
        changes: &[Decimal],
        dep: &[Decimal],
    ) -> Result<Vec<Decimal>, ArithError> {
        let n = self.n();
        let mut out = vec![Decimal::ZERO; n];
        if b == Builtin::Net {
            // every movement, the opening (brought-forward) balance included, so that `net`
            // adds up to the change in cash, as `burn` does
            return Ok(changes.to_vec());
        }
        if b == Builtin::Depreciation {
            return Ok(dep.to_vec());
        }
        if b == Builtin::Profit {
            let rev = self.lines(id, Builtin::Revenue, changes, dep)?;
            let cost = self.lines(id, Builtin::Costs, changes, dep)?;
            let int = self.lines(id, Builtin::Interest, changes, dep)?;
            for ((((slot, r), c), d), i) in out.iter_mut().zip(&rev).zip(&cost).zip(dep).zip(&int) {
                *slot = number::sub(number::sub(number::sub(*r, *c)?, *d)?, *i)?;
            }
            return Ok(out);
        }
        let me = Account::Entity(id);
        for ev in self.ledger.events_of(me) {
            let inflow = ev.to == me;
            if !inflow && ev.from != me {
                continue;
            }
            let Some(slot) = out.get_mut(ev.period as usize) else { continue };
            let a = ev.amount;
            let signed = if inflow { a } else { -a }; // inflows positive
                                                      // how much this event adds to the line asked for
            let add = match (b, ev.kind) {
                (Builtin::Revenue, EventKind::Flow(FlowKind::Revenue)) | (Builtin::Revenue, EventKind::Trade)
                    if inflow =>
                {
                    a
                }
                (Builtin::Revenue, EventKind::Flow(FlowKind::Revenue)) => -a,
                (Builtin::Costs, EventKind::Flow(FlowKind::Cost)) | (Builtin::Costs, EventKind::Trade) if !inflow => a,
                (Builtin::Costs, EventKind::Flow(FlowKind::Cost)) => -a,
                // an asset bought from another entity: the payer's capex, the seller's revenue
                (Builtin::Capex, EventKind::Flow(FlowKind::Capex)) if ev.from.entity().is_some() && inflow => continue,
                (Builtin::Revenue, EventKind::Flow(FlowKind::Capex)) if ev.from.entity().is_some() && inflow => a,
                (Builtin::Capex, EventKind::Flow(FlowKind::Capex)) => -signed,
                (Builtin::Financing, EventKind::Flow(FlowKind::Financing))
                | (Builtin::Financing, EventKind::Credit) => signed,
                // a loan's interest counts as it accrues (below), not when it is paid
                (Builtin::Interest, EventKind::Interest) if matches!(ev.origin, Origin::Contract(_)) => continue,
                (Builtin::Interest, EventKind::Interest) => -signed,
                _ => continue,
            };
            *slot = number::add(*slot, add)?;
        }
        if b == Builtin::Interest {
            self.add_loan_accruals(id, &mut out)?;
        }
        Ok(out)
    }

    /// Adds the interest E's loans accrue (accrual.rs): the borrower's expense, the lender's
    /// income; a loan whose borrower defaulted accrues nothing after the default period.
    fn add_loan_accruals(&self, id: EntityId, out: &mut [Decimal]) -> Result<(), ArithError> {
        for (cid, acc) in self.loan_accruals.iter_enumerated() {
            let (Some(acc), Some(c)) = (acc, self.program.contracts.get(cid)) else { continue };
            let Some(loan) = c.terms.loan() else { continue };
            let sign = if loan.borrower == id {
                Decimal::ONE
            } else if loan.lender == id {
                Decimal::NEGATIVE_ONE
            } else {
                continue;
            };
            let stop = self.loan_settled(cid);
            for (t, (slot, x)) in out.iter_mut().zip(acc).enumerate() {
                if stop.is_some_and(|d| t >= d) {
                    break;
                }
                *slot = number::add(*slot, number::mul(sign, *x)?)?;
            }
        }
        Ok(())
    }

    fn anchored(&mut self, args: &[TArg]) -> Result<(Vec<(PeriodValue, Decimal)>, Unit), EvalError> {
        let mut unit: Option<Unit> = None;
        let mut out = Vec::new();
        for a in args.iter().filter(|a| a.anchor.is_some()) {
            let s = self.series(&a.value)?;
            let s = match &unit {
                Some(u) => s.convert(u, self.reg).map_err(|x| series_err(x, a.span))?,
                None => {
                    unit = Some(s.unit.clone());
                    s
                }
            };
            if let Some(p) = a.anchor {
                out.push((p, s.get(0)));
            }
        }
        Ok((out, unit.unwrap_or_default()))
    }

    fn per_year(&mut self, a: &TArg) -> Result<Decimal, EvalError> {
        let s = self.series(&a.value)?;
        let year = self.std_unit("year", a.span)?;
        let per_year = Unit::none().div(&year);
        Ok(s.convert(&per_year, self.reg).map_err(|x| series_err(x, a.span))?.get(0))
    }

    fn curve(&mut self, b: Builtin, args: &[TArg], span: Span) -> Result<Val, EvalError> {
        let (anchors, mut unit) = self.anchored(args)?;
        let trend = matches!(Self::named(args, "extrapolate").map(|a| a.value.kind), Some(TExprKind::Symbol(s)) if Extrapolation::from_word(&s) == Some(Extrapolation::Trend));
        let mut periods: Vec<PeriodValue> = anchors.iter().map(|a| a.0).collect();
        let formula = match b {
            Builtin::Linear => Formula::Linear,
            Builtin::Step => Formula::Step,
            Builtin::Table => match Self::named(args, "interpolation").map(|a| a.value.kind) {
                Some(TExprKind::Symbol(s)) if Interpolation::from_word(&s) == Some(Interpolation::Step) => {
                    Formula::Step
                }
                _ => Formula::Linear,
            },
            Builtin::Cagr => {
                cagr_anchors(&anchors, args)?;
                Formula::Cagr
            }
            Builtin::Compound => {
                let r = Self::named(args, "rate")
                    .ok_or(EvalError::Internal { span, what: "compound without a rate".into() })?;
                Formula::Compound { per_year: self.per_year(&r)? }
            }
            Builtin::Generations => {
                let f = Self::named(args, "factor").ok_or(EvalError::Internal { span, what: "no factor".into() })?;
                let ev = Self::named(args, "every").ok_or(EvalError::Internal { span, what: "no every".into() })?;
                let factor = self.series(&f.value)?.get(0);
                let every = self.series(&ev.value)?;
                let year = self.std_unit("year", ev.span)?;
                let years = every.convert(&year, self.reg).map_err(|x| series_err(x, ev.span))?.get(0);
                let g = Curve::granularity_of(&periods);
                Formula::Generations { factor, every: number::mul(years, g.per_year()).map_err(|x| arith(x, ev.span))? }
            }
            _ => {
                // logistic
                let get = |k: &str| Self::named(args, k).ok_or(EvalError::Internal { span, what: format!("no {k}") });
                let (fl, cp, md, st) = (get("floor")?, get("cap")?, get("midpoint")?, get("steepness")?);
                let floor = self.series(&fl.value)?;
                unit = floor.unit.clone();
                let cap = self.series(&cp.value)?.convert(&unit, self.reg).map_err(|x| series_err(x, cp.span))?;
                let mid = match self.value(&md.value)? {
                    Val::Period(p) => p,
                    _ => return Err(EvalError::Internal { span, what: "a midpoint period".into() }),
                };
                periods.push(mid);
                let g = Curve::granularity_of(&periods);
                Formula::Logistic {
                    floor: floor.get(0),
                    cap: cap.get(0),
                    mid: Curve::anchor_index(g, mid),
                    k: self.per_year(&st)?,
                }
            }
        };
        let g = if periods.is_empty() { Granularity::Year } else { Curve::granularity_of(&periods) };
        let curve = Curve {
            granularity: g,
            anchors: anchors.iter().map(|(p, v)| (Curve::anchor_index(g, *p), *v)).collect(),
            formula,
            trend,
        };
        let values = curve.values(&self.timeline).map_err(|(x, _)| arith(x, span))?;
        Ok(Val::S(Series::per(values, unit), Shape::Series))
    }
}

/// `cagr` grows by a constant factor between anchors, so each anchor must be non-zero and all
/// of one sign: 0 cannot grow (every multiple of 0 is 0) and no factor turns − into +.
fn cagr_anchors(anchors: &[(PeriodValue, Decimal)], args: &[TArg]) -> Result<(), EvalError> {
    let spans: Vec<Span> = args.iter().filter(|a| a.anchor.is_some()).map(|a| a.span).collect();
    let first_sign = anchors.iter().map(|a| a.1).find(|v| !v.is_zero()).map(|v| v.is_sign_negative());
    for (i, (_, v)) in anchors.iter().enumerate() {
        let span = match spans.get(i).or(spans.first()) {
            Some(s) => *s,
            None => continue,
        };
        if v.is_zero() {
            return Err(EvalError::BadCurve {
                span,
                what: "`cagr` cannot grow from or to 0: growth at a constant rate multiplies, and 0 stays 0".into(),
                help: "start from a small non-zero value, or use linear(…) to grow from 0".into(),
            });
        }
        if Some(v.is_sign_negative()) != first_sign {
            return Err(EvalError::BadCurve {
                span,
                what: "`cagr` cannot cross from negative to positive values: no growth rate turns one into the other"
                    .into(),
                help: "use linear(…) for a value that changes sign".into(),
            });
        }
    }
    Ok(())
}

impl Run<'_> {
    /// A loan's principal outstanding and interest accrued (unpaid) at the end of every period,
    /// in the ledger currency (see [`crate::contracts::loan::balances_at`]).
    fn loan_balances(&mut self, cid: ContractId, span: Span) -> Result<Vec<(Decimal, Decimal)>, EvalError> {
        let program = self.program;
        let c = program
            .contracts
            .get(cid)
            .ok_or_else(|| EvalError::Internal { span, what: format!("no contract {cid}") })?;
        let loan = c
            .terms
            .loan()
            .ok_or_else(|| EvalError::ContractTerms { span, what: "outstanding() and accrued() take a loan".into() })?;
        let terms = crate::eval::terms::loan_terms(loan, c.span, self)?;
        let loan_err = |e: crate::contracts::loan::LoanError| match e {
            crate::contracts::loan::LoanError::Arith(a) => arith(a, c.span),
            crate::contracts::loan::LoanError::Terms(what) => EvalError::ContractTerms { span: c.span, what },
        };
        let events = crate::contracts::loan::schedule(&terms).map_err(loan_err)?;
        let currency = crate::eval::terms::currency_of(&loan.principal.value, self)?;
        let ratio = self.reg.ratio(currency, self.money).map_err(|x| arith(x, span))?;
        let mut out = Vec::with_capacity(self.timeline.len());
        for p in &self.timeline.periods {
            let end = super::timeline::date_of_day(p.end_day);
            let (o, a) = crate::contracts::loan::balances_at(&terms, &events, end).map_err(loan_err)?;
            let conv = |x: Decimal| ratio.apply(x).map(booking::round_ledger).map_err(|e| arith(e, span));
            out.push((conv(o)?, conv(a)?));
        }
        if let Some(stop) = self.loan_settled(cid) {
            for slot in out.iter_mut().skip(stop) {
                *slot = (Decimal::ZERO, Decimal::ZERO);
            }
        }
        Ok(out)
    }

    /// The period from which a loan is settled and carries nothing (no balance, no
    /// accrual): the borrower's default period (the loan accelerated on its first day and
    /// the claim took the principal and the interest accrued to that day, see
    /// [`super::defaults`]); period 0 when the lender defaulted before it paid the initial
    /// exchange inside the timeline (the loan was never funded: the borrower's loss is what
    /// the lender failed to pay); the lender's default period when it left a later draw
    /// unpaid (the loan ended there, as the clearing ends it); the period after the lender's default
    /// period when its operations stop (it collects nothing more: the loan ends there, as the
    /// clearing ends a stopped payee's contracts).
    pub fn loan_settled(&self, cid: ContractId) -> Option<usize> {
        use crate::contracts::loan::EventType as T;
        let c = self.program.contracts.get(cid)?;
        let loan = c.terms.loan()?;
        let default_of = |e: EntityId| self.defaults.period_of.get(e).copied().flatten();
        if let Some(d) = default_of(loan.lender) {
            // the first initial exchange or draw falling due from the lender's default period
            let unpaid = self
                .loan_events
                .get(cid)
                .and_then(|e| e.as_ref())
                .and_then(|e| {
                    e.iter()
                        .filter(|x| matches!(x.1, T::Ied | T::Pi))
                        .find(|x| self.timeline.index_of_day(x.0).is_some_and(|i| i >= d))
                })
                .map(|x| x.1);
            match unpaid {
                Some(T::Ied) => return Some(0),
                Some(_) => return Some(d.min(default_of(loan.borrower).unwrap_or(d))),
                None => {}
            }
            // a stopped lender collects nothing after its default period: the loan ends there
            if !self.continues_after_default(loan.lender) {
                let after = d.saturating_add(1);
                return Some(default_of(loan.borrower).map_or(after, |b| b.min(after)));
            }
        }
        default_of(loan.borrower)
    }
}
