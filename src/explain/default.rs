//! Explaining a default and a loan's payments.
//!
//! `defaulted(E)` is explained by what E owed and could not pay in the period it defaulted
//! (its shortfall) and by each debtor that left E unpaid, with what it left unpaid and,
//! recursively, why that debtor defaulted — the cause chain of the cascade. `losses(E)` is
//! explained by what each debtor left unpaid to E on each contract (the parts add up to it),
//! and why that debtor defaulted. A loan's payments in a period are its ACTUS events (type,
//! payoff, notional and accrued interest after it), as scheduled: once its borrower has
//! defaulted they are no longer paid, and the explanation says so.

use super::{Ctx, Node, Shown, Term};
use crate::check::ir::{ContractId, EntityId};
use crate::eval::EvalError;

/// Fills in the explanation of `defaulted(E)`.
pub(super) fn defaulted(ctx: &mut Ctx<'_, '_>, e: EntityId, node: &mut Node, depth: usize) -> Result<(), EvalError> {
    let program = ctx.run.program;
    let span = ctx.run.scenario_span();
    let name = |i: EntityId| {
        program.entities.get(i).map(|x| x.name.clone()).ok_or_else(|| EvalError::internal(span, "no such entity"))
    };
    node.label = format!("defaulted({})", name(e)?);
    node.location = program.entities.get(e).and_then(|x| ctx.location(x.span));
    let Some(record) = ctx.run.defaults.records.iter().find(|r| r.entity == e).cloned() else {
        node.note = Some("never: it paid everything that fell due".into());
        return Ok(());
    };
    let period = ctx.run.timeline.label(record.period);
    node.value = Shown::Period(period.clone());
    node.note = Some(format!("in {period} what fell due exceeded its cash, what it received and its unused credit"));
    if depth == 0 {
        return Ok(());
    }
    let (unit, minor) = ctx.money();
    let mut short = Node::leaf("shortfall", Shown::Quantity(record.shortfall), unit.clone());
    short.minor = minor;
    short.note = Some(format!("owed in {period} and not paid"));
    node.children.push(short);
    for cause in &record.causes {
        let contract =
            program.contracts.get(cause.contract).ok_or_else(|| EvalError::internal(span, "no such contract"))?;
        let mut n = Node::leaf(
            format!("unpaid by {} on {}", name(cause.debtor)?, contract.name),
            Shown::Quantity(cause.unpaid),
            unit.clone(),
        );
        n.minor = minor;
        n.location = ctx.location(contract.span);
        n.note = Some(format!("fell due to {} up to {period} and was not paid", name(e)?));
        n.term = Term::Part;
        if depth > 1 {
            let mut why =
                Node::leaf(format!("defaulted({})", name(cause.debtor)?), Shown::Period("never".into()), String::new());
            defaulted(ctx, cause.debtor, &mut why, depth - 2)?;
            n.children.push(why);
        }
        node.children.push(n);
    }
    Ok(())
}

/// Fills in the explanation of `funding_gap(E, R)` (`runway` false) or `runway(E)`: the period
/// that decides it, with E's closing cash there on the full-payment path and its `min_cash`
/// (a gap is the minimum less that cash: they add up to it).
pub(super) fn shortfall(
    ctx: &mut Ctx<'_, '_>,
    runway: bool,
    e: EntityId,
    window: Option<(i64, i64)>,
    node: &mut Node,
    span: crate::source::Span,
) -> Result<(), EvalError> {
    let (closing, min) = ctx.run.full_payment_cash(e, span)?;
    let (unit, minor) = ctx.money();
    let range = match window {
        Some((a, b)) => ctx.run.timeline.indices_overlapping(a, b),
        None => 0..closing.len(),
    };
    let at = crate::eval::engine::Run::shortfall_period(&closing, min, range, runway);
    let path = "on the full-payment path, where it pays everything it owes";
    let Some((i, c)) = at else {
        let span_words = if runway { "" } else { " in the range" };
        node.note = Some(format!("its closing cash never falls below its minimum{span_words}, {path}"));
        return Ok(());
    };
    let label = ctx.run.timeline.label(i);
    let who = ctx
        .run
        .program
        .entities
        .get(e)
        .map(|x| x.name.clone())
        .ok_or_else(|| EvalError::internal(ctx.run.scenario_span(), "no such entity"))?;
    node.note = Some(if runway {
        format!("the first period whose closing cash is below the minimum, {path}")
    } else {
        format!("the deepest shortfall below the minimum: in {label}, {path}")
    });
    let term = |t| if runway { Term::Part } else { t };
    let mut m = Node::leaf(format!("min_cash of {who}"), Shown::Quantity(min), unit.clone());
    m.minor = minor;
    m.term = term(Term::Plus);
    m.location = ctx.run.program.entities.get(e).and_then(|x| ctx.location(x.span));
    let mut cash = Node::leaf(format!("cash({who}) at the end of {label}"), Shown::Quantity(c), unit.clone());
    cash.minor = minor;
    cash.term = term(Term::Minus);
    cash.note = Some("on the full-payment path".into());
    node.children.push(m);
    node.children.push(cash);
    Ok(())
}

/// Fills in the explanation of `losses(E)`: what each debtor left unpaid to E, by contract,
/// over the whole run (these add up to the loss), each with why its debtor defaulted.
pub(super) fn losses(ctx: &mut Ctx<'_, '_>, e: EntityId, node: &mut Node, depth: usize) -> Result<(), EvalError> {
    let program = ctx.run.program;
    let span = ctx.run.scenario_span();
    let name = |i: EntityId| {
        program.entities.get(i).map(|x| x.name.clone()).ok_or_else(|| EvalError::internal(span, "no such entity"))
    };
    node.location = program.entities.get(e).and_then(|x| ctx.location(x.span));
    // every entity has its (maybe empty) map: a missing one is a broken invariant, not "nothing"
    let items =
        ctx.run.defaults.unpaid_to.get(e).cloned().ok_or_else(|| EvalError::internal(span, "no such entity"))?;
    if items.is_empty() {
        node.note = Some("nothing that fell due to it was left unpaid".into());
        return Ok(());
    }
    node.note = Some("what fell due to it and was not paid, over the whole run".into());
    let (unit, minor) = ctx.money();
    for ((debtor, c), unpaid) in items {
        let contract = program.contracts.get(c).ok_or_else(|| EvalError::internal(span, "no such contract"))?;
        let mut n = Node::leaf(
            format!("unpaid by {} on {}", name(debtor)?, contract.name),
            Shown::Quantity(unpaid),
            unit.clone(),
        );
        n.minor = minor;
        n.location = ctx.location(contract.span);
        n.term = Term::Plus;
        if depth > 1 {
            let mut why =
                Node::leaf(format!("defaulted({})", name(debtor)?), Shown::Period("never".into()), String::new());
            defaulted(ctx, debtor, &mut why, depth - 2)?;
            n.children.push(why);
        }
        node.children.push(n);
    }
    Ok(())
}

/// The ACTUS events of a loan that fall in the period explained (`None` for other contracts,
/// or when none falls in the period).
pub(super) fn loan_events(ctx: &mut Ctx<'_, '_>, c: ContractId) -> Result<Option<Node>, EvalError> {
    let Some(contract) = ctx.run.program.contracts.get(c) else { return Ok(None) };
    let Some(loan) = contract.terms.loan() else { return Ok(None) };
    // in the currency the principal is written in, as `aifin schedule` lists them
    let events = crate::report::schedule::events_in(contract, ctx.run)?;
    let Some(p) = ctx.run.timeline.periods.get(ctx.at).cloned() else { return Ok(None) };
    let (currency, _) = crate::eval::terms::written_currency(&loan.principal.value, ctx.run)?;
    let unit = crate::units::Unit::named(currency);
    let (u, minor) = (ctx.run.reg.format_unit(&unit), crate::eval::engine::is_money(ctx.run.reg, &unit));
    let mut group = Node::leaf(
        format!("ACTUS events of {} in {}", contract.name, ctx.run.timeline.label(ctx.at)),
        Shown::Text(String::new()),
        String::new(),
    );
    group.location = ctx.location(contract.span);
    for ev in events.iter().filter(|ev| (p.first_day..p.end_day).contains(&ev.date.day_number())) {
        let mut n = Node::leaf(format!("{} {}", ev.kind.code(), ev.date), Shown::Quantity(ev.payoff.abs()), u.clone());
        n.minor = minor;
        let rule = ctx.run.rounding;
        n.note = Some(format!(
            "notional after {}; accrued interest after {}",
            crate::report::text::quantity(ev.notional, &u, minor, rule),
            crate::report::text::quantity(ev.accrued, &u, minor, rule)
        ));
        group.children.push(n);
    }
    if group.children.is_empty() {
        return Ok(None);
    }
    group.value = Shown::Text(format!("{} events", group.children.len()));
    // the schedule's events, which a default ended: say so rather than list them as paid. The
    // loan ends where the ledger ends it (`Run::loan_settled`): at the borrower's default, or
    // at the lender's when it left a draw unpaid or stopped operating.
    if let Some(s) = ctx.run.loan_settled(c).filter(|&s| s <= ctx.at) {
        let default_of = |e| ctx.run.defaults.period_of.get(e).copied().flatten();
        let name = |e| {
            ctx.run
                .program
                .entities
                .get(e)
                .map(|x| x.name.clone())
                .ok_or_else(|| EvalError::internal(contract.span, "a loan party that is no entity"))
        };
        group.note = Some(match default_of(loan.borrower).filter(|&d| d == s) {
            Some(d) if d == ctx.at => format!(
                "as scheduled; {} defaulted in {}: the default claim replaced them",
                name(loan.borrower)?,
                ctx.run.timeline.label(d)
            ),
            Some(d) => format!(
                "as scheduled; not paid: {} defaulted in {} and the loan was settled",
                name(loan.borrower)?,
                ctx.run.timeline.label(d)
            ),
            None => {
                let d = default_of(loan.lender)
                    .ok_or_else(|| EvalError::internal(contract.span, "a loan ended by no default"))?;
                format!(
                    "as scheduled; not paid: the lender {} defaulted in {} and the loan ended",
                    name(loan.lender)?,
                    ctx.run.timeline.label(d)
                )
            }
        });
    }
    Ok(Some(group))
}
