//! Explaining an entity's cash and a flow.
//!
//! `cash(E)` at the end of a period is the sum of every ledger event that moved E's cash up to
//! then, so its explanation groups those events by what caused them — the opening cash, each
//! flow, each contract (by kind of payment), the credit line — and the groups add up to the
//! balance exactly. Each group also says what it moved in the period itself.

use super::{Ctx, Node, Shown, Term};
use crate::check::ids::Id;
use crate::check::ir::{ContractId, EntityId, FlowId};
use crate::eval::booking::{basis_of, Basis};
use crate::eval::engine::Val;
use crate::eval::ledger::{Account, EventKind, Origin};
use crate::eval::EvalError;
use crate::number;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn kind_word(k: EventKind) -> String {
    match k {
        EventKind::Opening => "brought forward from before the timeline".into(),
        EventKind::Flow(f) => format!("{f:?}").to_lowercase(),
        EventKind::Interest => "interest".into(),
        EventKind::Trade => "trade".into(),
        EventKind::Credit => "drawn or repaid".into(),
    }
}

/// Running total and this period's amount of one group of events.
#[derive(Default, Clone, Copy)]
struct Sums {
    total: Decimal,
    this: Decimal,
}

impl Sums {
    fn add(&mut self, v: Decimal, this_period: bool) -> Result<(), number::ArithError> {
        self.total = number::add(self.total, v)?;
        if this_period {
            self.this = number::add(self.this, v)?;
        }
        Ok(())
    }
}

/// Fills in the explanation of `cash(E)`.
pub(super) fn cash(
    ctx: &mut Ctx<'_, '_>,
    e: EntityId,
    node: &mut Node,
    depth: usize,
    span: crate::source::Span,
) -> Result<(), EvalError> {
    let err = |x| EvalError::arith(x, span);
    let at = ctx.at as u32;
    let me = Account::Entity(e);
    let mut groups: BTreeMap<Origin, BTreeMap<EventKind, Sums>> = BTreeMap::new();
    for ev in ctx.run.ledger.events() {
        if ev.period > at || ev.from == ev.to {
            continue;
        }
        let v = if ev.to == me {
            ev.amount
        } else if ev.from == me {
            -ev.amount
        } else {
            continue;
        };
        groups.entry(ev.origin).or_default().entry(ev.kind).or_default().add(v, ev.period == at).map_err(err)?;
    }
    let (unit, minor) = ctx.money();
    let period = ctx.period_label();
    node.note = Some(format!("the balance at the end of {period}: every payment in and out up to then"));
    for (origin, kinds) in groups {
        let mut total = Sums::default();
        for s in kinds.values() {
            total.add(s.total, false).map_err(err)?;
            total.this = number::add(total.this, s.this).map_err(err)?;
        }
        let program = ctx.run.program;
        let (label, location) = match origin {
            Origin::Opening(i) => {
                let ent = program.entities.get(EntityId::from_index(i as usize));
                let field = ent.and_then(|x| x.fields.get("cash"));
                ("opening cash".to_string(), field.and_then(|f| ctx.location(f.span)))
            }
            // the ledger's origins are the run's own flows and contracts: a miss is a bug
            Origin::Flow(i) => {
                let f = program
                    .flows
                    .get(FlowId::from_index(i as usize))
                    .ok_or_else(|| EvalError::internal(span, "an event of no flow"))?;
                let owner =
                    program.entities.get(f.entity).ok_or_else(|| EvalError::internal(span, "a flow of no entity"))?;
                (format!("flow {}.{}", owner.name, f.name), ctx.location(f.span))
            }
            Origin::Contract(i) => {
                let c = program
                    .contracts
                    .get(ContractId::from_index(i as usize))
                    .ok_or_else(|| EvalError::internal(span, "an event of no contract"))?;
                (format!("contract {} ({})", c.name, c.spec.kind), ctx.location(c.span))
            }
            Origin::Credit(i) => {
                let ent = program.entities.get(EntityId::from_index(i as usize));
                let field = ent.and_then(|x| x.fields.get("credit_limit"));
                ("credit line".to_string(), field.and_then(|f| ctx.location(f.span)))
            }
        };
        let mut child = Node::leaf(label, Shown::Quantity(total.total), unit.clone());
        child.minor = minor;
        child.location = location;
        child.term = Term::Plus;
        child.note =
            Some(format!("{} in {period}", crate::report::text::quantity(total.this, &unit, minor, ctx.run.rounding)));
        if depth > 1 {
            if kinds.len() > 1 || matches!(origin, Origin::Contract(_) | Origin::Credit(_)) {
                for (k, s) in &kinds {
                    let mut part = Node::leaf(kind_word(*k), Shown::Quantity(s.total), unit.clone());
                    part.minor = minor;
                    part.term = Term::Plus;
                    part.note = Some(format!(
                        "{} in {period}",
                        crate::report::text::quantity(s.this, &unit, minor, ctx.run.rounding)
                    ));
                    child.children.push(part);
                }
            }
            match origin {
                Origin::Flow(i) => {
                    let fid = FlowId::from_index(i as usize);
                    if let Some(f) = program.flows.get(fid) {
                        let v = ctx.run.value(&crate::check::ir::TExpr {
                            kind: crate::check::ir::TExprKind::Flow(fid),
                            ty: crate::check::Type::Quantity(
                                ctx.run.reg.dimension(&crate::units::Unit::named(ctx.run.money)),
                                crate::check::Shape::Flow,
                            ),
                            span: f.span,
                        })?;
                        let (value, u, m) = super::shown(ctx.run, &v, ctx.at)?;
                        let mut this = Node::leaf(format!("{} in {period}", child.label), value, u);
                        this.minor = m;
                        this.location = child.location.clone();
                        flow(ctx, fid, &mut this, depth - 1)?;
                        this.label = format!("in {period}");
                        child.children.push(this);
                    }
                }
                Origin::Contract(i) => {
                    if let Some(events) = super::default::loan_events(ctx, ContractId::from_index(i as usize))? {
                        child.children.push(events);
                    }
                }
                _ => {}
            }
        }
        node.children.push(child);
    }
    Ok(())
}

/// Fills in the explanation of a flow in the period: the rate or amount it books and how.
pub(super) fn flow(ctx: &mut Ctx<'_, '_>, fid: FlowId, node: &mut Node, depth: usize) -> Result<(), EvalError> {
    let span = ctx.run.scenario_span();
    let f = ctx.run.program.flows.get(fid).ok_or_else(|| EvalError::internal(span, "no such flow"))?;
    let entity = ctx.run.program.entities.get(f.entity).ok_or_else(|| EvalError::internal(span, "no such entity"))?;
    let entity = entity.name.clone();
    node.label = format!("flow {entity}.{}", f.name);
    node.location = ctx.location(f.span);
    let v = ctx.run.value(&f.value)?;
    let unit = match &v {
        Val::S(s, _) | Val::Uncertain(_, _, s) => Some(s.unit.clone()),
        _ => None,
    };
    let days = ctx.run.timeline.periods.get(ctx.at).map(|p| p.days()).unwrap_or(0);
    let money = crate::units::Unit::named(ctx.run.money);
    let rate = match &v {
        Val::S(s, _) | Val::Uncertain(_, _, s) => Some(s.clone()),
        _ => None,
    };
    let (money_text, minor) = ctx.money();
    let rule = ctx.run.rounding;
    let how = match (unit, rate) {
        (Some(u), _) if ctx.run.reg.dimension(&u) == ctx.run.reg.dimension(&money) => match f.on {
            Some(on) => format!("an amount, booked in the period of {on}"),
            None => "an amount, booked in the period it is for".to_string(),
        },
        (Some(u), Some(rate)) => match basis_of(&u, ctx.run.reg, ctx.run.money) {
            Some((Basis::Calendar { months }, target)) => {
                // the rate per calendar month, in the ledger currency
                let per_month = rate
                    .convert(&target, ctx.run.reg)
                    .ok()
                    .and_then(|r| number::div(r.get(ctx.at), Decimal::from(months)).ok())
                    .map(|m| format!(" = {} a month", crate::report::text::quantity(m, &money_text, minor, rule)))
                    .unwrap_or_default();
                format!("a rate booked by calendar months{per_month}; this period has {days} days")
            }
            Some((Basis::Elapsed { seconds }, target)) => {
                let per_day = rate
                    .convert(&target, ctx.run.reg)
                    .ok()
                    .and_then(|r| number::mul(r.get(ctx.at), Decimal::from(86_400)).ok())
                    .and_then(|x| number::div(x, Decimal::from(seconds)).ok())
                    .map(|d| format!(" = {} a day", crate::report::text::quantity(d, &money_text, minor, rule)))
                    .unwrap_or_default();
                format!("a rate booked by elapsed time{per_day}, over the {days} days of this period")
            }
            None => "a rate".to_string(),
        },
        _ => String::new(),
    };
    let dir = match f.direction {
        crate::syntax::ast::Direction::In => "in",
        crate::syntax::ast::Direction::Out => "out",
    };
    node.note = Some(format!("{dir}, {}: {how}", format!("{:?}", f.kind).to_lowercase()));
    if depth > 0 {
        node.children.push(super::explain(ctx, &f.value, depth - 1)?);
    }
    Ok(())
}
