//! The typed form of entity and contract declarations: one struct per contract kind
//! ([`LoanIr`], [`TakeOrPayIr`], [`LeaseIr`], [`TransferIr`], [`RevenueShareIr`],
//! [`EquityIr`]) and [`EntityTerms`], with the parties as entity ids, a revenue share's flow as
//! a flow id, every option word as its enum (`super::options`) and every option's default from
//! the spec tables applied here, once.
//!
//! Why: the evaluator used to look terms up by name (`fields.get("daycount")`) and match their
//! words again, with its own fallbacks that could drift from the spec's defaults. Now the
//! checker lowers each declaration once ([`lower`], after a scenario's overrides have turned
//! the overridden fields into definitions), and the evaluator reads struct fields.
//!
//! Quantity terms stay expressions ([`FieldIr`]): they may name drivers, curves or scenario
//! overrides, which only a run can evaluate. A term whose spec row has a constant default
//! (`super::spec::Constant`: a lease's cycle of one month, no escalation, a loan's premium of 0)
//! is a [`Valued`]: what was written, or that default, applied here from the spec table, so the
//! evaluator never decides a default. A term whose absence has a meaning the run computes from
//! other terms (a loan's derived maturity or payment) is an `Option`; its meaning is documented
//! on the field.
//!
//! Adding a contract kind: its `ContractSpec` in `super::spec::CONTRACTS`, its struct and a
//! variant of [`ContractTerms`] here, its arm in [`lower_contract`] (the test
//! `every_contract_kind_lowers` fails until it has one).

use super::ir::{ContractIr, EntityId, EntityIr, FieldIr, FlowId, Program, TExprKind};
use super::options::{
    AfterDefault, Amortization, BusinessDay, Calendar, DayCount, DefaultPolicy, EndOfMonth, EntityKind, InterestBase,
    LoanRole, OptionWord, ScalingEffect, Spread, Stub, Timing, TransferKind,
};
use super::spec::{Constant, FieldSpec, ENTITY_FIELDS};
use crate::source::Span;

/// A checked field as the typed terms hold it: the same allocation as in the declaration's
/// [`super::field_map::FieldMap`], not a copy (a contract's terms held a second copy of every
/// typed field: ~3× the source on the mixed benchmark program; issue 20).
pub type Shared = std::sync::Arc<FieldIr>;

/// A cycle term: a duration, or the word `maturity` (interest at maturity only: no cycle).
#[derive(Debug, Clone, PartialEq)]
pub enum CycleTerm {
    /// `maturity`.
    AtMaturity,
    /// A duration (`3 month`): checked a whole number of days … years when it is evaluated.
    Every(Shared),
}

/// A term whose spec row has a constant default: what was written (or a scenario's override),
/// or the spec's default, applied by the lowering. The evaluator reads either and decides
/// nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Valued {
    /// Written: the checked field itself, shared with the declaration's `FieldMap`.
    Given(Shared),
    /// Not written: the spec's constant default.
    Default(Constant),
}

impl Valued {
    /// What was written, if anything.
    pub fn given(&self) -> Option<&FieldIr> {
        match self {
            Valued::Given(f) => Some(f),
            Valued::Default(_) => None,
        }
    }
}

/// An entity's fields, typed, with the spec's defaults. The optional terms are boxed: an
/// entity declares few of them, and inline they made every entity 750 bytes (issue 20).
#[derive(Debug, Clone, PartialEq)]
pub struct EntityTerms {
    /// `kind` (default `company`).
    pub kind: EntityKind,
    /// Opening cash (none: 0 at the timeline start); its `date` dates it.
    pub cash: Option<Shared>,
    /// The cash it must keep.
    pub min_cash: Valued,
    /// Its credit line's limit (none: no credit line).
    pub credit_limit: Option<Shared>,
    /// Interest on the drawn credit line.
    pub credit_rate: Valued,
    /// What it pays its creditors after a default (default `pro_rata`).
    pub default: DefaultPolicy,
    /// The recovery rate: the checker requires it with `default recovery` and refuses it
    /// otherwise.
    pub recovery: Option<Shared>,
    /// Whether its operations go on after it defaults (default `stop`).
    pub after_default: AfterDefault,
}

/// How a take-or-pay's total spreads over its term.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleTerm {
    /// `even` or `ramp`.
    Spread(Spread),
    /// A curve of weights.
    Curve(Shared),
}

/// A `take_or_pay` contract.
#[derive(Debug, Clone, PartialEq)]
pub struct TakeOrPayIr {
    /// Who pays.
    pub buyer: EntityId,
    /// Who is paid.
    pub seller: EntityId,
    /// The total committed.
    pub total: Shared,
    /// The term.
    pub over: Shared,
    /// How the total spreads (default `even`).
    pub schedule: ScheduleTerm,
    /// Payment at the start or end of each month (default `arrears`).
    pub timing: Timing,
    /// The minimum monthly payment with usage (none: the scheduled amount).
    pub minimum: Option<Shared>,
    /// What the buyer uses (none: no true-up).
    pub usage: Option<Shared>,
    /// What the seller is owed on the buyer's default (none: every remaining payment).
    pub termination: Option<Shared>,
}

/// A `loan` contract (ACTUS PAM, ANN, LAM, NAM). Optional terms: see their rows in
/// `super::spec::CONTRACTS` (the run derives a missing maturity, payment or anchor as ACTUS does).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct LoanIr {
    pub lender: EntityId,
    pub borrower: EntityId,
    pub principal: Shared,
    pub rate: Shared,
    pub start: Shared,
    pub maturity: Option<Shared>,
    pub amortization: Amortization,
    pub daycount: DayCount,
    pub role: LoanRole,
    /// The interest cycle (none: one month for a bullet loan, else the principal cycle).
    pub every: Option<CycleTerm>,
    pub principal_every: Option<CycleTerm>,
    pub interest_anchor: Option<Shared>,
    pub principal_anchor: Option<Shared>,
    pub stub: Stub,
    /// `principal_stub`, else `stub`.
    pub principal_stub: Stub,
    pub end_of_month: EndOfMonth,
    pub payment: Option<Shared>,
    pub premium: Valued,
    pub capitalize_until: Option<Shared>,
    pub amortization_date: Option<Shared>,
    pub status_date: Option<Shared>,
    pub accrued: Valued,
    pub outstanding: Option<Shared>,
    pub day_end: Option<Shared>,
    pub business_day: BusinessDay,
    pub calendar: Calendar,
    pub interest_base: InterestBase,
    pub interest_base_every: Option<CycleTerm>,
    /// `interest_base_stub`, else `stub`.
    pub interest_base_stub: Stub,
    pub interest_base_anchor: Option<Shared>,
    pub interest_base_amount: Option<Shared>,
    pub scaling: Option<Shared>,
    pub scaling_every: Option<CycleTerm>,
    pub scaling_anchor: Option<Shared>,
    /// `scaling_stub`, else `stub`.
    pub scaling_stub: Stub,
    pub scaling_base: Valued,
    pub scaling_effect: ScalingEffect,
    pub purchase_date: Option<Shared>,
    pub purchase_price: Valued,
    pub termination_date: Option<Shared>,
    pub termination_price: Valued,
    /// Dated draws (`FieldIr::dated`).
    pub draws: Option<Shared>,
    pub reset: Option<CycleTerm>,
    pub reset_anchor: Option<Shared>,
    /// `reset_stub`, else `stub`.
    pub reset_stub: Stub,
    pub initial_rate: Option<Shared>,
    pub next_rate: Option<Shared>,
}

/// An `equity` contract.
#[derive(Debug, Clone, PartialEq)]
pub struct EquityIr {
    /// Who pays.
    pub investor: EntityId,
    /// Who receives the cash.
    pub company: EntityId,
    /// The cash paid.
    pub amount: Shared,
    /// When.
    pub date: Shared,
    /// The share bought (not booked).
    pub stake: Option<Shared>,
}

/// A `revenue_share` contract.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueShareIr {
    /// Who pays.
    pub payer: EntityId,
    /// Who is paid.
    pub payee: EntityId,
    /// The shared flow (the checker holds it to be the payer's revenue).
    pub of: FlowId,
    /// Where `of` is written.
    pub of_span: Span,
    /// The share.
    pub share: Shared,
    /// When it applies (none: the whole timeline).
    pub over: Option<Shared>,
}

/// A `lease` contract.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaseIr {
    /// Who pays.
    pub lessee: EntityId,
    /// Who is paid.
    pub lessor: EntityId,
    /// The payment per cycle, or a rate.
    pub payment: Shared,
    /// The term.
    pub over: Shared,
    /// The cycle.
    pub every: Valued,
    /// Yearly increase.
    pub escalation: Valued,
    /// Payment at the start or end of each cycle (default `advance`).
    pub timing: Timing,
}

/// A `transfer` contract.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferIr {
    /// Who pays.
    pub from: EntityId,
    /// Who is paid.
    pub to: EntityId,
    /// A one-off amount, or a rate.
    pub amount: Shared,
    /// The day of a one-off amount.
    pub on: Option<Shared>,
    /// When a rate is paid (none: the whole timeline).
    pub over: Option<Shared>,
    /// How both sides book it (default `financing`).
    pub kind: TransferKind,
    /// The payer's depreciation life (`kind capex` only; the checker requires it there).
    pub life: Option<Shared>,
}

/// A contract's typed terms, by kind. Every variant is boxed: they are 100 to 800 bytes, and
/// inline they made every contract as large as a loan (a program of 16,000 contracts spent
/// 13 MB on them; issue 20).
#[derive(Debug, Clone, PartialEq)]
pub enum ContractTerms {
    /// Declared but not lowered: only in a program the checker refused (a missing or wrong
    /// term). A program that checks has none; the evaluator reports one as an internal error.
    Unchecked,
    /// `take_or_pay`.
    TakeOrPay(Box<TakeOrPayIr>),
    /// `loan`.
    Loan(Box<LoanIr>),
    /// `equity`.
    Equity(Box<EquityIr>),
    /// `revenue_share`.
    RevenueShare(Box<RevenueShareIr>),
    /// `lease`.
    Lease(Box<LeaseIr>),
    /// `transfer`.
    Transfer(Box<TransferIr>),
}

impl ContractTerms {
    /// The payer of the contract's regular payments and the payee (a loan: the borrower, then
    /// the lender), as the spec's `roles` name them.
    pub fn parties(&self) -> Option<(EntityId, EntityId)> {
        match self {
            ContractTerms::Unchecked => None,
            ContractTerms::TakeOrPay(c) => Some((c.buyer, c.seller)),
            ContractTerms::Loan(c) => Some((c.borrower, c.lender)),
            ContractTerms::Equity(c) => Some((c.investor, c.company)),
            ContractTerms::RevenueShare(c) => Some((c.payer, c.payee)),
            ContractTerms::Lease(c) => Some((c.lessee, c.lessor)),
            ContractTerms::Transfer(c) => Some((c.from, c.to)),
        }
    }

    /// The loan's terms, if it is one.
    pub fn loan(&self) -> Option<&LoanIr> {
        match self {
            ContractTerms::Loan(l) => Some(l),
            _ => None,
        }
    }
}

/// Lowers every entity and contract of a checked program to its typed terms. A declaration
/// that cannot be lowered (a required term missing or of the wrong kind) was already reported
/// by the checker; it stays [`ContractTerms::Unchecked`].
pub fn lower(p: &mut Program) {
    for e in &mut p.entities {
        e.terms = lower_entity(e);
    }
    for c in &mut p.contracts {
        c.terms = lower_contract(c).unwrap_or(ContractTerms::Unchecked);
    }
}

/// `valued!(fields, TABLE, "name")`: the term given, else the constant default of its row in the
/// spec table `TABLE` (`ENTITY_FIELDS`, `contract_fields("lease")`), found at compile time: a
/// row without a constant does not compile, and no default is written here.
macro_rules! valued {
    ($f:expr, $table:expr, $name:literal) => {{
        const DEFAULT: Constant = super::spec::constant_default($table, $name);
        $f.valued($name, DEFAULT)
    }};
}

/// The fields of one declaration, read by name (here only) against its spec.
struct Fields<'a> {
    map: &'a super::field_map::FieldMap,
    spec: &'a [FieldSpec],
    /// The names read through [`Fields::valued`] (for the tests).
    #[cfg(test)]
    valued_read: std::cell::RefCell<Vec<String>>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a super::field_map::FieldMap, spec: &'a [FieldSpec]) -> Self {
        Fields {
            map,
            spec,
            #[cfg(test)]
            valued_read: Default::default(),
        }
    }
}

impl Fields<'_> {
    fn opt(&self, name: &str) -> Option<Shared> {
        self.map.get_shared(name)
    }

    fn req(&self, name: &str) -> Option<Shared> {
        self.opt(name)
    }

    /// The term given, else `default` (through [`valued!`], its row's constant in the spec
    /// table; the test `every_constant_default_is_applied` holds every row with a constant to
    /// be read here).
    fn valued(&self, name: &str, default: Constant) -> Valued {
        #[cfg(test)]
        self.valued_read.borrow_mut().push(name.to_string());
        match self.opt(name) {
            Some(f) => Valued::Given(f),
            None => Valued::Default(default),
        }
    }

    fn entity(&self, name: &str) -> Option<EntityId> {
        match self.map.get(name).map(|f| &f.value.kind) {
            Some(TExprKind::Entity(id)) => Some(*id),
            _ => None,
        }
    }

    fn word(&self, name: &str) -> Option<&str> {
        match self.map.get(name).map(|f| &f.value.kind) {
            Some(TExprKind::Symbol(s)) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The option word given, else the spec's default (the one place defaults are applied).
    fn choice<T: OptionWord>(&self, name: &str) -> Option<T> {
        match self.word(name) {
            Some(w) => T::from_word(w),
            None => self.spec.iter().find(|f| f.name == name).and_then(|f| T::from_word(f.default)),
        }
    }

    /// The option word given, else `fallback` (a default that is another term: "`stub`").
    fn choice_or<T: OptionWord>(&self, name: &str, fallback: T) -> Option<T> {
        match self.word(name) {
            Some(w) => T::from_word(w),
            None => Some(fallback),
        }
    }

    fn cycle(&self, name: &str) -> Option<CycleTerm> {
        match self.word(name) {
            Some("maturity") => Some(CycleTerm::AtMaturity),
            _ => self.opt(name).map(CycleTerm::Every),
        }
    }
}

impl Default for EntityTerms {
    /// An entity that declares no fields: the spec's defaults.
    fn default() -> Self {
        lower_fields(&super::field_map::FieldMap::new())
    }
}

fn lower_entity(e: &EntityIr) -> EntityTerms {
    lower_fields(&e.fields)
}

fn lower_fields(map: &super::field_map::FieldMap) -> EntityTerms {
    lower_fields_with(&Fields::new(map, ENTITY_FIELDS))
}

fn lower_fields_with(f: &Fields<'_>) -> EntityTerms {
    EntityTerms {
        kind: f.choice("kind").unwrap_or(EntityKind::Company),
        cash: f.opt("cash"),
        min_cash: valued!(f, ENTITY_FIELDS, "min_cash"),
        credit_limit: f.opt("credit_limit"),
        credit_rate: valued!(f, ENTITY_FIELDS, "credit_rate"),
        // the checker accepts only these words, and the spec's defaults are words of them
        default: f.choice("default").unwrap_or(DefaultPolicy::ProRata),
        recovery: f.opt("recovery"),
        after_default: f.choice("after_default").unwrap_or(AfterDefault::Stop),
    }
}

const LOAN: &[FieldSpec] = super::spec::contract_fields("loan");
const LEASE: &[FieldSpec] = super::spec::contract_fields("lease");

/// A contract's typed terms, or `None` when a required term is missing or mistyped.
fn lower_contract(c: &ContractIr) -> Option<ContractTerms> {
    lower_terms(&Fields::new(&c.fields, c.spec.fields), c.spec.kind)
}

fn lower_terms(f: &Fields<'_>, kind: &str) -> Option<ContractTerms> {
    Some(match kind {
        "take_or_pay" => ContractTerms::TakeOrPay(Box::new(TakeOrPayIr {
            buyer: f.entity("buyer")?,
            seller: f.entity("seller")?,
            total: f.req("total")?,
            over: f.req("over")?,
            schedule: match (f.word("schedule"), f.opt("schedule")) {
                (None, Some(curve)) => ScheduleTerm::Curve(curve),
                _ => ScheduleTerm::Spread(f.choice("schedule")?),
            },
            timing: f.choice("timing")?,
            minimum: f.opt("minimum"),
            usage: f.opt("usage"),
            termination: f.opt("termination"),
        })),
        "loan" => {
            let stub: Stub = f.choice("stub")?;
            ContractTerms::Loan(Box::new(LoanIr {
                lender: f.entity("lender")?,
                borrower: f.entity("borrower")?,
                principal: f.req("principal")?,
                rate: f.req("rate")?,
                start: f.req("start")?,
                maturity: f.opt("maturity"),
                amortization: f.choice("amortization")?,
                daycount: f.choice("daycount")?,
                role: f.choice("role")?,
                every: f.cycle("every"),
                principal_every: f.cycle("principal_every"),
                interest_anchor: f.opt("interest_anchor"),
                principal_anchor: f.opt("principal_anchor"),
                stub,
                principal_stub: f.choice_or("principal_stub", stub)?,
                end_of_month: f.choice("end_of_month")?,
                payment: f.opt("payment"),
                premium: valued!(f, LOAN, "premium"),
                capitalize_until: f.opt("capitalize_until"),
                amortization_date: f.opt("amortization_date"),
                status_date: f.opt("status_date"),
                accrued: valued!(f, LOAN, "accrued"),
                outstanding: f.opt("outstanding"),
                day_end: f.opt("day_end"),
                business_day: f.choice("business_day")?,
                calendar: f.choice("calendar")?,
                interest_base: f.choice("interest_base")?,
                interest_base_every: f.cycle("interest_base_every"),
                interest_base_stub: f.choice_or("interest_base_stub", stub)?,
                interest_base_anchor: f.opt("interest_base_anchor"),
                interest_base_amount: f.opt("interest_base_amount"),
                scaling: f.opt("scaling"),
                scaling_every: f.cycle("scaling_every"),
                scaling_anchor: f.opt("scaling_anchor"),
                scaling_stub: f.choice_or("scaling_stub", stub)?,
                scaling_base: valued!(f, LOAN, "scaling_base"),
                scaling_effect: f.choice("scaling_effect")?,
                purchase_date: f.opt("purchase_date"),
                purchase_price: valued!(f, LOAN, "purchase_price"),
                termination_date: f.opt("termination_date"),
                termination_price: valued!(f, LOAN, "termination_price"),
                draws: f.opt("draws"),
                reset: f.cycle("reset"),
                reset_anchor: f.opt("reset_anchor"),
                reset_stub: f.choice_or("reset_stub", stub)?,
                initial_rate: f.opt("initial_rate"),
                next_rate: f.opt("next_rate"),
            }))
        }
        "equity" => ContractTerms::Equity(Box::new(EquityIr {
            investor: f.entity("investor")?,
            company: f.entity("company")?,
            amount: f.req("amount")?,
            date: f.req("date")?,
            stake: f.opt("stake"),
        })),
        "revenue_share" => {
            let of = f.req("of")?;
            let TExprKind::Flow(flow) = of.value.kind else { return None };
            ContractTerms::RevenueShare(Box::new(RevenueShareIr {
                payer: f.entity("payer")?,
                payee: f.entity("payee")?,
                of: flow,
                of_span: of.value.span,
                share: f.req("share")?,
                over: f.opt("over"),
            }))
        }
        "lease" => ContractTerms::Lease(Box::new(LeaseIr {
            lessee: f.entity("lessee")?,
            lessor: f.entity("lessor")?,
            payment: f.req("payment")?,
            over: f.req("over")?,
            every: valued!(f, LEASE, "every"),
            escalation: valued!(f, LEASE, "escalation"),
            timing: f.choice("timing")?,
        })),
        "transfer" => ContractTerms::Transfer(Box::new(TransferIr {
            from: f.entity("from")?,
            to: f.entity("to")?,
            amount: f.req("amount")?,
            on: f.opt("on"),
            over: f.opt("over"),
            kind: f.choice("kind")?,
            life: f.opt("life"),
        })),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    /// Every contract kind of the spec lowers (with made-up parties), so a new kind cannot be
    /// declared without its typed form.
    #[test]
    fn every_contract_kind_lowers() {
        use super::super::spec::{FieldType, CONTRACTS};
        for spec in CONTRACTS {
            let decl: String = spec
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| {
                    let v = match f.ty {
                        FieldType::Entity => if f.name == spec.roles.0 { "A" } else { "B" }.to_string(),
                        FieldType::Money | FieldType::MoneyOrRate => "1 USD".into(),
                        FieldType::PerTime | FieldType::PerTimeOrCurve => "1%/year".into(),
                        FieldType::Fraction => "10%".into(),
                        FieldType::Date => "2025-01-01".into(),
                        FieldType::PeriodRange => "2025-01 .. 2025-12".into(),
                        FieldType::FlowRef => "A.revenue".into(),
                        _ => "1 month".into(),
                    };
                    format!("{} {v} ", f.name)
                })
                .collect();
            let extra = match spec.kind {
                "loan" => "maturity 2025-06-01",
                "transfer" => "on 2025-02-01",
                _ => "",
            };
            let text = format!(
                "scenario s {{ timeline 2025-01 .. 2025-12 monthly }}\nentity A {{ }}\nentity B {{ }}\nflow A.revenue <- world: 1 USD/month\ncontract c: {} {{ {decl}{extra} }}\n",
                spec.kind
            );
            let mut map = crate::source::SourceMap::new();
            let loaded = crate::driver::load_text(&mut map, "<t>", &text);
            let (program, _, diags) = crate::driver::compile(&loaded, None);
            assert!(diags.is_empty(), "{}: {diags:?}\n{text}", spec.kind);
            let c = program.contracts.first().expect("one contract");
            assert!(!matches!(c.terms, super::ContractTerms::Unchecked), "{} does not lower", spec.kind);
        }
    }

    /// Every spec row with a constant default is applied by the lowering (read through
    /// `Fields::valued`), and what a declaration that leaves it out lowers to is that constant:
    /// so the evaluator, which reads only the typed terms, never fills in a default.
    #[test]
    fn every_constant_default_is_applied() {
        use super::super::spec::{CONTRACTS, ENTITY_FIELDS};
        use super::{Fields, Valued};
        use std::collections::BTreeSet;
        let text = "scenario s { timeline 2025-01 .. 2025-12 monthly }\nentity A { }\nentity B { }\n\
            contract l: loan { lender A borrower B principal 1 USD rate 1%/year start 2025-01-01 maturity 2025-06-01 }\n\
            contract s: lease { lessee A lessor B payment 1 USD over 2025-01 .. 2025-12 }\n\
            contract t: take_or_pay { buyer A seller B total 1 USD over 2025-01 .. 2025-12 }\n\
            contract e: equity { investor A company B amount 1 USD date 2025-01-01 }\n\
            contract x: transfer { from A to B amount 1 USD on 2025-02-01 }\n";
        let mut map = crate::source::SourceMap::new();
        let loaded = crate::driver::load_text(&mut map, "<t>", text);
        let (program, _, diags) = crate::driver::compile(&loaded, None);
        assert!(diags.is_empty(), "{diags:?}");
        let with_constant = |fields: &[super::FieldSpec]| -> BTreeSet<String> {
            fields.iter().filter(|f| f.constant.is_some()).map(|f| f.name.to_string()).collect()
        };
        // an entity with no fields
        let entity = program.entities.first().expect("an entity");
        let f = Fields::new(&entity.fields, ENTITY_FIELDS);
        let terms = super::lower_fields_with(&f);
        let read: BTreeSet<String> = f.valued_read.borrow().iter().cloned().collect();
        assert_eq!(read, with_constant(ENTITY_FIELDS), "entity defaults read through `valued`");
        for (name, v) in [("min_cash", &terms.min_cash), ("credit_rate", &terms.credit_rate)] {
            let row = ENTITY_FIELDS.iter().find(|r| r.name == name).and_then(|r| r.constant);
            assert_eq!(Some(v), row.map(Valued::Default).as_ref(), "entity {name}");
        }
        // each contract kind, with only its required terms (revenue_share has no constant)
        for spec in CONTRACTS {
            let Some(c) = program.contracts.iter().find(|c| c.spec.kind == spec.kind) else {
                assert!(with_constant(spec.fields).is_empty(), "{}: add it to this test", spec.kind);
                continue;
            };
            let f = Fields::new(&c.fields, spec.fields);
            let lowered = super::lower_terms(&f, spec.kind).expect("lowers");
            let read: BTreeSet<String> = f.valued_read.borrow().iter().cloned().collect();
            assert_eq!(read, with_constant(spec.fields), "{}: defaults read through `valued`", spec.kind);
            let debug = format!("{lowered:?}");
            for row in spec.fields.iter().filter(|r| r.constant.is_some()) {
                let want = format!("{}: {:?}", row.name, row.constant.map(Valued::Default).expect("a constant"));
                assert!(debug.contains(&want), "{}: {} lowers to {want}: {debug}", spec.kind, row.name);
            }
        }
    }
}
