//! Contract terms and flow clauses checked from the declarations alone (issue 12): what `run`
//! would reject or silently get wrong, found at check time with a span and a help line, so that
//! `aifin check` never passes a file whose declarations `aifin run` rejects.
//!
//! A term is checked when its value is known without a scenario: a literal, or a driver whose
//! value (and every scenario's override of it) is one. Checked: the same entity on both sides of
//! a contract; a loan's maturity (required when it cannot be derived, after the start); a range
//! of periods that runs backwards, and a take-or-pay term that covers no whole month; a cycle
//! that is not a positive whole number of days, weeks, months, quarters or years; a `share`,
//! `stake` or `recovery` outside 0..100 %; a negative principal or other amount paid one way
//! ([`NON_NEGATIVE`]) and a lease escalation at or below -100 %/year; a one-off transfer without
//! `on`; an equity date outside every scenario's timeline; a capex `life` that is not positive,
//! missing on a capex transfer or given on another; a revenue share `of` a flow that is not the
//! payer's revenue; loan `draws` out of order, before the start, after maturity or above the
//! principal; loan terms that need each other (a lagged base's cycle, a scaled loan's cycle and
//! non-zero base, a varying rate's `reset`, an amortizing loan's principal cycle). A scenario's
//! override of a term is a definition whose every value is checked as the term itself.

use super::error::CheckError;
use super::ir::{ContractIr, DefId, FlowKind, Program, TExpr, TExprKind};
use super::spec::FieldType;
use crate::calendar::{day_number, period_end, period_start};
use crate::syntax::ast::PeriodValue;
use crate::units::{Quantity, Registry, Unit};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Every term error of a checked program (see the module docs).
pub fn validate(p: &Program, reg: &Registry) -> Vec<CheckError> {
    // Every scenario's overrides by definition, in scenario order: a term reading a driver
    // looks up its alternatives here instead of scanning every scenario.
    let mut overrides: HashMap<DefId, Vec<&TExpr>> = HashMap::new();
    for s in &p.scenarios {
        for (d, e) in &s.overrides {
            overrides.entry(*d).or_default().push(e);
        }
    }
    let mut v = Validator { p, reg, overrides, errors: Vec::new() };
    for c in &p.contracts {
        v.contract(c);
    }
    for f in &p.flows {
        if let Some(life) = &f.life {
            v.positive_life(life);
        }
    }
    for e in &p.entities {
        if let Some(f) = e.fields.get("recovery") {
            v.fraction(&f.value, "recovery rate");
        }
    }
    v.errors
}

/// An entity's `default recovery` and `recovery R` go together (read after the typed lowering):
/// `default recovery` without a rate would silently pay nothing, and a rate under another
/// policy would silently be ignored.
pub fn default_policies(p: &Program) -> Vec<CheckError> {
    use super::options::{DefaultPolicy, OptionWord};
    let mut errors = Vec::new();
    for e in &p.entities {
        let policy = e.terms.default;
        match (e.fields.get("recovery"), policy) {
            (None, DefaultPolicy::Recovery) => errors.push(CheckError::MissingField {
                span: e.fields.get("default").map_or(e.span, |f| f.span),
                name: "recovery".into(),
                owner: format!("`{}` with `default recovery`", e.name),
                doc: "the share of what it owes that it pays if it defaults, e.g. `recovery 40%`".into(),
            }),
            (Some(f), DefaultPolicy::ProRata | DefaultPolicy::Nothing) => errors.push(CheckError::BadTerm {
                span: f.span,
                reason: format!(
                    "`recovery` is the rate paid under `default recovery`, but `{}` defaults `{}`",
                    e.name,
                    policy.word()
                ),
                help: "add `default recovery` to pay this share of what it owes, or remove `recovery`".into(),
            }),
            _ => {}
        }
    }
    errors
}

const REPAY_HELP: &str =
    "give `maturity`, or a `payment` larger than the interest of one cycle (an annuity repays interest first)";
const LIFE_HELP: &str = "capex is depreciated evenly over its life: give a positive duration, e.g. `life 5 year`";

struct Validator<'p> {
    p: &'p Program,
    reg: &'p Registry,
    /// Each definition's scenario overrides, in scenario order.
    overrides: HashMap<DefId, Vec<&'p TExpr>>,
    errors: Vec<CheckError>,
}

/// The first day and the end (exclusive) of a period.
fn days(pv: PeriodValue) -> (i64, i64) {
    let (a, b, c) = period_start(pv);
    let (x, y, z) = period_end(pv);
    (day_number(a, b, c), day_number(x, y, z) + 1)
}

impl<'p> Validator<'p> {
    fn bad(&mut self, span: crate::source::Span, reason: String, help: &str) {
        self.errors.push(CheckError::BadTerm { span, reason, help: help.to_string() });
    }

    /// The values a term can take without a scenario's curves: itself, or through drivers
    /// (their declared values and every scenario's override). Empty when not decidable.
    fn alternatives(&self, e: &'p TExpr, depth: usize) -> Vec<&'p TExpr> {
        match &e.kind {
            TExprKind::Definition(id) if depth < 32 => {
                let mut out = Vec::new();
                for alt in self.definition_values(*id) {
                    out.extend(self.alternatives(alt, depth + 1));
                }
                out
            }
            TExprKind::Definition(_) => Vec::new(),
            _ => vec![e],
        }
    }

    fn definition_values(&self, id: DefId) -> Vec<&'p TExpr> {
        let mut v: Vec<&'p TExpr> = self.p.definitions.get(id).map(|d| &d.value).into_iter().collect();
        if let Some(alts) = self.overrides.get(&id) {
            v.extend(alts.iter().copied());
        }
        v
    }

    /// The literal quantities a term can take, with their spans.
    fn quantities(&self, e: &'p TExpr) -> Vec<(Quantity, crate::source::Span)> {
        self.alternatives(e, 0)
            .into_iter()
            .filter_map(|x| match &x.kind {
                TExprKind::Literal(q) => Some((q.clone(), x.span)),
                TExprKind::Neg(inner) => match &inner.kind {
                    TExprKind::Literal(q) => Some((Quantity::new(-q.value, q.unit.clone()), x.span)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// The one period a term names, when it is decidable and the same in every scenario.
    fn period(&self, e: &'p TExpr) -> Option<PeriodValue> {
        let alts = self.alternatives(e, 0);
        let mut out = None;
        for a in alts {
            match (&a.kind, out) {
                (TExprKind::Period(p), None) => out = Some(*p),
                (TExprKind::Period(p), Some(q)) if *p == q => {}
                _ => return None,
            }
        }
        out
    }

    fn fraction(&mut self, e: &'p TExpr, what: &str) {
        for (q, span) in self.quantities(e) {
            let Ok(x) = q.convert(&Unit::none(), self.reg) else { continue };
            if x.value < Decimal::ZERO || x.value > Decimal::ONE {
                self.bad(
                    span,
                    format!("a {what} of {}% is outside 0 .. 100 %", (x.value * Decimal::ONE_HUNDRED).normalize()),
                    "a share is a fraction of the whole: write it between 0% and 100%",
                );
            }
        }
    }

    fn contract(&mut self, c: &'p ContractIr) {
        let field = |k: &str| c.fields.get(k);
        // the same entity on both sides
        let (a, b) = c.spec.roles;
        if let (Some(fa), Some(fb)) = (field(a), field(b)) {
            if let (TExprKind::Entity(x), TExprKind::Entity(y)) = (&fa.value.kind, &fb.value.kind) {
                if x == y {
                    let name = self.p.entities.get(*x).map(|e| e.name.clone()).unwrap_or_default();
                    self.errors.push(CheckError::SameParty {
                        span: fb.value.span,
                        first: fa.value.span,
                        name,
                        roles: (a.to_string(), b.to_string()),
                    });
                }
            }
        }
        // ranges that run backwards
        if let Some(f) = field("over") {
            if let TExprKind::Range { low, high, .. } = &f.value.kind {
                if let (Some(l), Some(h)) = (self.period(low), self.period(high)) {
                    let ((l0, _), (h0, h1)) = (days(l), days(h));
                    if l0 > h0 {
                        self.bad(
                            f.value.span,
                            format!("the range {l} .. {h} runs backwards"),
                            "write the earlier period first: `over 2027-01 .. 2031-12`",
                        );
                    } else if c.spec.kind == "take_or_pay" && curve_schedule(c) {
                        self.term_inside_timelines(l0, h1, f.value.span);
                    }
                    if l0 <= h0 && c.spec.kind == "take_or_pay" && !has_month_start(l, h1) {
                        self.bad(
                            f.value.span,
                            format!("the term {l} .. {h} covers no whole month"),
                            "a take-or-pay pays monthly: give a term that includes the first day of a month",
                        );
                    }
                }
            }
        }
        // cycles
        let cycles =
            c.spec.fields.iter().filter(|f| matches!(f.ty, FieldType::Cycle | FieldType::Duration) && f.name != "life");
        for k in cycles.map(|f| f.name) {
            if let Some(f) = field(k) {
                for (q, span) in self.quantities(&f.value) {
                    let name = match q.unit.factors() {
                        [(id, 1)] => self.reg.def(*id).map(|d| d.name.as_str()).unwrap_or(""),
                        _ => "",
                    };
                    let whole = q.value.fract().is_zero() && q.value > Decimal::ZERO;
                    if !matches!(name, "day" | "week" | "month" | "quarter" | "year") || !whole {
                        self.bad(
                            span,
                            format!("`{k}` {} {} is not a cycle", q.value.normalize(), self.reg.format_unit(&q.unit)),
                            "a cycle is a positive whole number of days, weeks, months, quarters or years",
                        );
                    }
                }
            }
        }
        // amounts that are paid one way only: a negative one would reverse the payment
        for (kind, k) in NON_NEGATIVE {
            if *kind != c.spec.kind {
                continue;
            }
            if let Some(f) = field(k) {
                for (q, span) in self.quantities(&f.value) {
                    if q.value < Decimal::ZERO {
                        self.bad(
                            span,
                            format!("the `{k}` of `{}` is negative", c.name),
                            "give the amount as a positive amount; the parties' roles say who pays whom",
                        );
                    }
                }
            }
        }
        if c.spec.kind == "lease" {
            if let Some(f) = field("escalation") {
                let Some(year) = self.reg.lookup("year") else { return };
                for (q, span) in self.quantities(&f.value) {
                    let per_year = Quantity::new(q.value, q.unit.mul(&Unit::named(year)));
                    let Ok(x) = per_year.convert(&Unit::none(), self.reg) else { continue };
                    if x.value <= Decimal::NEGATIVE_ONE {
                        self.bad(
                            span,
                            format!(
                                "an escalation of {}% a year makes the payment negative",
                                (x.value * Decimal::ONE_HUNDRED).normalize()
                            ),
                            "an escalation is a yearly change of the payment: write it above -100%/year",
                        );
                    }
                }
            }
        }
        match c.spec.kind {
            "loan" => self.loan(c),
            "revenue_share" => {
                if let Some(f) = field("share") {
                    self.fraction(&f.value, "share");
                }
                self.revenue_share_of(c);
            }
            "equity" => {
                if let Some(f) = field("stake") {
                    self.fraction(&f.value, "stake");
                }
                if let Some(d) = field("date").and_then(|f| self.period(&f.value).map(|p| (p, f.value.span))) {
                    self.inside_a_timeline(d.0, d.1);
                }
            }
            "transfer" => {
                self.transfer_capex(c);
                let one_off = field("amount")
                    .and_then(|f| f.value.ty.dimension())
                    .is_some_and(|dim| self.reg.currency_of(dim).is_some());
                let rate = !one_off && field("amount").and_then(|f| f.value.ty.dimension()).is_some();
                if let (true, Some(on)) = (rate, field("on")) {
                    self.bad(
                        on.span,
                        "`on` dates a one-off amount, but this transfer's amount is a rate".into(),
                        "a rate is paid over a range: write `over 2025-03 .. 2025-12`, or give a one-off amount (e.g. `amount 10 USD  on 2025-03-01`)",
                    );
                }
                if one_off && field("on").is_none() {
                    self.errors.push(CheckError::MissingField {
                        span: c.span,
                        name: "on".into(),
                        owner: "a one-off transfer".into(),
                        doc: "the date a one-off amount is paid (a rate, e.g. 1B USD/month, is paid `over` a range)"
                            .into(),
                    });
                }
            }
            _ => {}
        }
    }

    fn loan(&mut self, c: &'p ContractIr) {
        self.draws(c);
        self.loan_companions(c);
        let field = |k: &str| c.fields.get(k);
        if let Some(f) = field("principal") {
            for (q, span) in self.quantities(&f.value) {
                if q.value < Decimal::ZERO {
                    self.bad(span, "the principal is negative".into(), "give the amount lent as a positive amount");
                }
            }
        }
        let amortization = match field("amortization").map(|f| &f.value.kind) {
            Some(TExprKind::Symbol(s)) => s.as_str(),
            _ => "bullet",
        };
        let start = field("start").and_then(|f| self.period(&f.value));
        match field("maturity") {
            None if amortization == "bullet" => self.errors.push(CheckError::MissingField {
                span: c.span,
                name: "maturity".into(),
                owner: "a bullet loan".into(),
                doc: "the day the principal is repaid; a bullet loan has no payments to derive it from".into(),
            }),
            None if field("payment").is_none() && field("amortization_date").is_none() => {
                self.errors.push(CheckError::MissingField {
                    span: c.span,
                    name: "maturity".into(),
                    owner: format!("an {amortization} loan without `payment` or `amortization_date`"),
                    doc: "the day the loan is repaid; without it, `payment` and a cycle, or `amortization_date`, derive it"
                        .into(),
                })
            }
            None => self.payment_repays(c, amortization),
            Some(m) => {
                if let (Some(mv), Some(sv)) = (self.period(&m.value), start) {
                    if days(mv).0 <= days(sv).0 {
                        self.bad(
                            m.value.span,
                            format!("the maturity {mv} is not after the start {sv}"),
                            "a loan is repaid after it starts: give a later `maturity`",
                        );
                    }
                }
            }
        }
    }

    /// An amortizing loan without `maturity` runs until its payments repay it: a payment that
    /// is not positive, or (annuity) does not cover one cycle's interest, never does.
    fn payment_repays(&mut self, c: &'p ContractIr, amortization: &str) {
        let one = |v: &Self, k: &str| -> Option<(Quantity, crate::source::Span)> {
            let q = v.quantities(&c.fields.get(k)?.value);
            if q.len() == 1 {
                q.into_iter().next()
            } else {
                None
            }
        };
        // every value a term can take (declared, or a scenario's override) must work
        let all = |v: &Self, k: &str| c.fields.get(k).map(|f| v.quantities(&f.value)).unwrap_or_default();
        if let Some((_, span)) = all(self, "principal").into_iter().find(|(q, _)| q.value.is_zero()) {
            self.bad(span, "a loan of nothing has no repayments to derive its maturity from".into(), REPAY_HELP);
            return;
        }
        if let Some((_, span)) = all(self, "payment").into_iter().find(|(q, _)| q.value <= Decimal::ZERO) {
            self.bad(span, "the payment is not positive: it never repays the loan".into(), REPAY_HELP);
            return;
        }
        let Some((pay, span)) = one(self, "payment") else { return };
        if amortization != "annuity" {
            return;
        }
        let cycle = one(self, "principal_every").or_else(|| one(self, "every"));
        let (Some((principal, _)), Some((rate, _)), Some((cycle, _))) =
            (one(self, "principal"), one(self, "rate"), cycle)
        else {
            return;
        };
        // the most interest one cycle can accrue: its longest calendar length over 360 days
        let per_year =
            self.reg.lookup("year").map(Unit::named).and_then(|y| rate.convert(&Unit::none().div(&y), self.reg).ok());
        let days = self.reg.lookup("day").map(Unit::named).and_then(|d| cycle.convert(&d, self.reg).ok());
        let (Some(r), Some(d)) = (per_year, days) else { return };
        // a month converts to 30.4 days: allow for 31 (a quarter 92, a year 366)
        let longest = d.value * Decimal::new(102, 2);
        let most =
            principal.value.checked_mul(r.value).and_then(|x| x.checked_mul(longest)).map(|x| x / Decimal::from(360));
        let Ok(money_pay) = pay.convert(&principal.unit, self.reg).map(|q| q.value) else { return };
        if most.is_some_and(|m| money_pay <= m) {
            self.bad(
                span,
                "the payment does not cover one cycle's interest: it never repays the loan".into(),
                REPAY_HELP,
            );
        }
    }

    /// A transfer of `kind capex` is depreciated by its payer over `life`: it needs a `life`
    /// (checked positive with the other lives), and `life` means nothing on any other kind.
    fn transfer_capex(&mut self, c: &'p ContractIr) {
        let capex = matches!(c.fields.get("kind").map(|f| &f.value.kind), Some(TExprKind::Symbol(s)) if s == "capex");
        match (capex, c.fields.get("life")) {
            (true, None) => self.errors.push(CheckError::MissingField {
                span: c.span,
                name: "life".into(),
                owner: "a transfer of `kind capex`".into(),
                doc: "the payer's depreciation life (e.g. `life 5 year`)".into(),
            }),
            (true, Some(life)) => self.positive_life(&life.value),
            (false, Some(life)) => self.bad(
                life.span,
                "`life` is the depreciation life of a transfer of `kind capex`, and this one is not".into(),
                "add `kind capex`, or remove `life`",
            ),
            (false, None) => {}
        }
    }

    /// A depreciation life (a flow's `life`, a capex transfer's) must be positive.
    pub(super) fn positive_life(&mut self, life: &'p TExpr) {
        for (q, span) in self.quantities(life) {
            if q.value <= Decimal::ZERO {
                self.bad(
                    span,
                    format!("a depreciation life of {} {} is not positive", q.value, self.reg.format_unit(&q.unit)),
                    LIFE_HELP,
                );
            }
        }
    }

    /// A revenue share's `of` is a revenue flow of its payer (not a cost, not another's flow).
    fn revenue_share_of(&mut self, c: &'p ContractIr) {
        let (Some(of), Some(payer)) = (c.fields.get("of"), c.fields.get("payer")) else { return };
        let (TExprKind::Flow(fid), TExprKind::Entity(eid)) = (&of.value.kind, &payer.value.kind) else { return };
        let Some(flow) = self.p.flows.get(*fid) else { return };
        let payer_name = self.p.entities.get(*eid).map(|e| e.name.as_str()).unwrap_or("the payer");
        if flow.entity != *eid {
            let owner = self.p.entities.get(flow.entity).map(|e| e.name.as_str()).unwrap_or("another entity");
            self.bad(
                of.value.span,
                format!("`of` names a flow of `{owner}`, but the payer is `{payer_name}`"),
                &format!("a revenue share pays a part of the payer's own revenue: name a flow `{payer_name}.NAME <- world: …`"),
            );
        } else if flow.kind != FlowKind::Revenue {
            self.bad(
                of.value.span,
                format!("`of` names `{payer_name}.{}`, which is not revenue", flow.name),
                &format!("a revenue share pays a part of revenue: name a flow `{payer_name}.NAME <- world: …` booked as revenue"),
            );
        }
    }

    /// A delayed-draw loan's `draws`: in increasing order of their days, the first not before
    /// `start`, each before `maturity`, together at most `principal`.
    fn draws(&mut self, c: &'p ContractIr) {
        let Some(field) = c.fields.get("draws") else { return };
        let start = c.fields.get("start").and_then(|f| self.period(&f.value));
        let maturity = c.fields.get("maturity").and_then(|f| self.period(&f.value));
        let mut last: Option<PeriodValue> = None;
        for (e, day) in &field.dated {
            let d = days(*day).0;
            if let Some(prev) = last.filter(|p| days(*p).0 >= d) {
                self.bad(
                    e.span,
                    format!("the draw on {day} is not after the draw before it ({prev})"),
                    "list the draws in increasing order of their days",
                );
                return;
            }
            if let (None, Some(s)) = (last, start) {
                if d < days(s).0 {
                    self.bad(
                        e.span,
                        format!("the first draw ({day}) is before the start {s}"),
                        "the first draw is the initial exchange: date it on or after `start`",
                    );
                    return;
                }
            }
            if let Some(m) = maturity.filter(|m| d >= days(*m).0) {
                self.bad(
                    e.span,
                    format!("the draw on {day} is not before the maturity {m}"),
                    "every draw falls between `start` and `maturity`",
                );
                return;
            }
            last = Some(*day);
        }
        let mut total = Some(Decimal::ZERO);
        let mut unit = None;
        for (e, _) in &field.dated {
            match self.quantities(e).as_slice() {
                [(q, _)] if unit.is_none() || unit.as_ref() == Some(&q.unit) => {
                    total = total.and_then(|t| t.checked_add(q.value));
                    unit = Some(q.unit.clone());
                }
                _ => return,
            }
        }
        let (Some(total), Some(unit)) = (total, unit) else { return };
        let principals = c.fields.get("principal").map(|f| self.quantities(&f.value)).unwrap_or_default();
        for (p, span) in principals {
            let Ok(p) = p.convert(&unit, self.reg) else { continue };
            if total > p.value {
                self.bad(
                    span,
                    format!(
                        "the draws add up to {} {}, more than the principal",
                        total.normalize(),
                        self.reg.format_unit(&unit)
                    ),
                    "the principal is the most that can be drawn: raise it, or draw less",
                );
                return;
            }
        }
    }

    /// Terms a loan needs together: a lagged interest base its cycle, a scaled loan its cycle
    /// and a non-zero base, a rate that varies a `reset`, an amortizing loan a principal cycle.
    fn loan_companions(&mut self, c: &'p ContractIr) {
        let field = |k: &str| c.fields.get(k);
        let symbol = |k: &str| match field(k).map(|f| &f.value.kind) {
            Some(TExprKind::Symbol(s)) => Some(s.as_str()),
            _ => None,
        };
        let needs = |v: &mut Self, when: bool, name: &str, owner: &str, doc: &str| {
            if when && field(name).is_none() {
                v.errors.push(CheckError::MissingField {
                    span: c.span,
                    name: name.into(),
                    owner: owner.into(),
                    doc: doc.into(),
                });
            }
        };
        needs(
            self,
            symbol("interest_base") == Some("lagged"),
            "interest_base_every",
            "a loan with `interest_base lagged`",
            "the cycle of its interest-base (IPCB) events, e.g. `interest_base_every 3 month`",
        );
        needs(
            self,
            field("scaling").is_some(),
            "scaling_every",
            "a scaled loan",
            "the cycle on which its index is read, e.g. `scaling_every 1 year`",
        );
        for k in ["reset", "scaling_every", "interest_base_every"] {
            if let Some(f) = field(k).filter(|_| symbol(k) == Some("maturity")) {
                self.bad(f.value.span, format!("`{k}` needs a cycle, not `maturity`"), "give a cycle, e.g. `3 month`");
            }
        }
        let amortizing = symbol("amortization").is_some_and(|a| a != "bullet");
        if amortizing && symbol("every") == Some("maturity") && field("principal_every").is_none() {
            if let Some(f) = field("every") {
                self.bad(
                    f.value.span,
                    "an amortizing loan with interest only at maturity has no principal cycle".into(),
                    "give `principal_every` (e.g. `principal_every 1 month`)",
                );
            }
        }
        if let Some(f) = field("scaling_base") {
            for (q, span) in self.quantities(&f.value) {
                if q.value.is_zero() {
                    self.bad(
                        span,
                        "a scaling base of zero".into(),
                        "the base is the index value at which payments are unscaled: give a non-zero number",
                    );
                }
            }
        }
        if let (Some(rate), None) = (field("rate"), field("reset")) {
            if rate.value.ty.shape().is_some_and(|s| s != super::types::Shape::Constant) {
                self.bad(
                    rate.value.span,
                    "this rate varies over time, but the loan has no `reset`".into(),
                    "a floating rate is fixed at each reset: add `reset 3 month` (or another cycle)",
                );
            }
        }
    }

    fn inside_a_timeline(&mut self, date: PeriodValue, span: crate::source::Span) {
        let day = days(date).0;
        let mut any = false;
        for s in &self.p.scenarios {
            let Some(t) = self.timeline_of(s) else { continue };
            any = true;
            if days(t.start).0 <= day && day < days(t.end).1 {
                return;
            }
        }
        if any {
            self.bad(
                span,
                format!("the date {date} is outside every scenario's timeline: it would never be paid"),
                "move the date inside a timeline, or extend a scenario's timeline to cover it",
            );
        }
    }

    /// A take-or-pay spread by a curve reads the curve in every month of its term, so the term
    /// must lie inside the timeline of every scenario.
    fn term_inside_timelines(&mut self, first: i64, end: i64, span: crate::source::Span) {
        for s in &self.p.scenarios {
            let Some(t) = self.timeline_of(s) else { continue };
            if first < days(t.start).0 || end > days(t.end).1 {
                self.bad(
                    span,
                    format!(
                        "a term spread by a curve runs outside scenario `{}`'s timeline {} .. {}",
                        s.name, t.start, t.end
                    ),
                    "a curve has values only inside the timeline: shorten the term, extend the timeline, or use `schedule even` or `ramp`",
                );
                return;
            }
        }
    }

    fn timeline_of(&self, s: &'p super::ir::ScenarioIr) -> Option<&'p super::ir::TimelineIr> {
        let mut cur = s;
        for _ in 0..=self.p.scenarios.len() {
            if let Some(t) = &cur.timeline {
                return Some(t);
            }
            let base = cur.extends.as_ref()?;
            cur = self.p.scenarios.iter().find(|x| &x.name == base)?;
        }
        None
    }
}

/// Whether a range from period `low` to day `end` (exclusive) contains the first day of a month.
/// The money terms that must not be negative, by contract kind (a loan's principal is
/// checked with the loan's other terms).
const NON_NEGATIVE: &[(&str, &str)] = &[
    ("lease", "payment"),
    ("take_or_pay", "total"),
    ("take_or_pay", "minimum"),
    ("take_or_pay", "termination"),
    ("take_or_pay", "usage"),
    ("transfer", "amount"),
    ("equity", "amount"),
];

fn has_month_start(low: PeriodValue, end: i64) -> bool {
    let (y, m, d) = period_start(low);
    if d == 1 {
        return true;
    }
    let (ny, nm) = if m == 12 { (y.saturating_add(1), 1) } else { (y, m + 1) };
    day_number(ny, nm, 1) < end
}

/// Whether a take-or-pay's `schedule` is a curve (not `even` or `ramp`).
fn curve_schedule(c: &ContractIr) -> bool {
    c.fields.get("schedule").is_some_and(|f| !matches!(f.value.kind, TExprKind::Symbol(_)))
}
