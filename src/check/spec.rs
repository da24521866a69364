//! What each entity field and contract term is: its kind of value, whether it is required, its
//! default and (for loans) its ACTUS name. The checker validates declarations against these
//! tables and lowers each declaration to its typed form (`super::typed`: the evaluator reads
//! those, never a term by its name), and docs/language.md lists them. The option words
//! themselves are spelled once, in `super::options`.

use super::options::{
    AfterDefault, Amortization, BusinessDay, Calendar, DayCount, DefaultPolicy, EndOfMonth, EntityKind, InterestBase,
    LoanRole, ScalingEffect, Spread, Stub, Timing, TransferKind,
};

/// The kind of value a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An entity's name.
    Entity,
    /// An amount of money (`10B USD`).
    Money,
    /// Money, or money per time (`5B USD/month`), or a series of either.
    MoneyOrRate,
    /// Per time (`9%/year`).
    PerTime,
    /// Per time, constant or a series (a floating rate: `sofr + 2.5%/year`).
    PerTimeOrCurve,
    /// A pure number, constant or a series (a price index).
    FractionOrCurve,
    /// A duration (`1 month`, `5 year`).
    Duration,
    /// A whole number of days, weeks, months, quarters or years, or `maturity` (no cycle).
    Cycle,
    /// A pure number or percentage (`40%`).
    Fraction,
    /// A day (`2025-06-01`).
    Date,
    /// A range of periods (`2027-01 .. 2031-12`).
    PeriodRange,
    /// One of these option words.
    Choice(&'static [&'static str]),
    /// One of these option words, or a series (a curve) of weights.
    ChoiceOrSeries(&'static [&'static str]),
    /// A flow of an entity (`OpenAI.revenue`).
    FlowRef,
    /// Amounts of money at days (`2B USD @ 2025-03-01, 3B USD @ 2025-09-01`).
    DatedMoney,
}

impl FieldType {
    /// In words.
    pub fn describe(self) -> String {
        match self {
            FieldType::Entity => "an entity".into(),
            FieldType::Money => "an amount of money".into(),
            FieldType::MoneyOrRate => "money or money per time".into(),
            FieldType::PerTime => "a rate per time (e.g. 9%/year)".into(),
            FieldType::PerTimeOrCurve => "a rate per time, or a curve of rates (e.g. sofr + 2.5%/year)".into(),
            FieldType::FractionOrCurve => "a pure number, or a curve of them (e.g. an index)".into(),
            FieldType::Duration => "a duration (e.g. 1 month)".into(),
            FieldType::Cycle => "a cycle (e.g. 1 month, 3 month, 1 year) or `maturity`".into(),
            FieldType::Fraction => "a pure number or percentage".into(),
            FieldType::Date => "a date (e.g. 2025-06-01)".into(),
            FieldType::PeriodRange => "a range of periods (e.g. 2027-01 .. 2031-12)".into(),
            FieldType::Choice(c) => format!("one of {}", c.join(", ")),
            FieldType::ChoiceOrSeries(c) => format!("one of {} or a curve", c.join(", ")),
            FieldType::FlowRef => "a flow (ENTITY.NAME)".into(),
            FieldType::DatedMoney => "amounts of money at days (e.g. 2B USD @ 2025-03-01, 3B USD @ 2025-09-01)".into(),
        }
    }
}

/// A default that is a constant value. The checker's lowering applies it (`super::typed`), so
/// the typed term is never absent and the evaluator never decides a default; the words of the
/// row's `default` are derived from it ([`Constant::words`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constant {
    /// Zero: of money (in any currency), of a rate per year, or a pure number.
    Zero,
    /// The pure number one.
    One,
    /// A cycle of one month.
    OneMonth,
}

impl Constant {
    /// In words, for a field of type `ty` (the docs' default column).
    pub const fn words(self, ty: FieldType) -> &'static str {
        match (self, ty) {
            (Constant::Zero, FieldType::PerTime) => "0%/year",
            (Constant::Zero, _) => "0",
            (Constant::One, _) => "1",
            (Constant::OneMonth, _) => "1 month",
        }
    }
}

/// One field or term.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// Its name.
    pub name: &'static str,
    /// What it takes.
    pub ty: FieldType,
    /// Must it be given?
    pub required: bool,
    /// Its default, in words.
    pub default: &'static str,
    /// Its default when that is a constant (then `default` is its words).
    pub constant: Option<Constant>,
    /// The ACTUS term it corresponds to.
    pub actus: &'static str,
    /// What it means.
    pub doc: &'static str,
}

const fn req(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
    FieldSpec { name, ty, required: true, default: "", constant: None, actus: "", doc }
}
const fn opt(name: &'static str, ty: FieldType, default: &'static str, doc: &'static str) -> FieldSpec {
    FieldSpec { name, ty, required: false, default, constant: None, actus: "", doc }
}
/// An optional term whose default is a constant (applied by the checker's lowering).
const fn dflt(name: &'static str, ty: FieldType, value: Constant, doc: &'static str) -> FieldSpec {
    FieldSpec { name, ty, required: false, default: value.words(ty), constant: Some(value), actus: "", doc }
}
const fn actus(mut f: FieldSpec, term: &'static str) -> FieldSpec {
    f.actus = term;
    f
}

/// The fields of an entity.
pub const ENTITY_FIELDS: &[FieldSpec] = &[
    opt("kind", FieldType::Choice(EntityKind::WORDS), "company", "what the entity is"),
    opt("cash", FieldType::Money, "0 at the timeline start", "opening cash; `cash 2025-01-01: 17.5B USD` dates it"),
    dflt(
        "min_cash",
        FieldType::Money,
        Constant::Zero,
        "the cash the entity must keep; below it the credit line is drawn",
    ),
    opt("credit_limit", FieldType::Money, "none", "a credit line drawn automatically up to this amount"),
    dflt("credit_rate", FieldType::PerTime, Constant::Zero, "interest on the drawn credit line"),
    opt("default", FieldType::Choice(DefaultPolicy::WORDS), "pro_rata", "what a defaulted entity pays its creditors"),
    opt("recovery", FieldType::Fraction, "none", "the fixed recovery rate with `default recovery`"),
    opt(
        "after_default",
        FieldType::Choice(AfterDefault::WORDS),
        "stop",
        "whether its operations (flows with the world, contracts as payee) go on after it defaults",
    ),
];

/// A contract kind with its terms.
#[derive(Debug, Clone, Copy)]
pub struct ContractSpec {
    /// The kind's name.
    pub kind: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its terms.
    pub fields: &'static [FieldSpec],
    /// The two roles whose fields name entities: the payer of the contract's regular
    /// payments (`payments(C)`) and the payee (for a loan: the borrower, then the lender).
    pub roles: (&'static str, &'static str),
}

/// Every contract kind.
pub const CONTRACTS: &[ContractSpec] = &[
    ContractSpec {
        kind: "take_or_pay",
        doc: "a compute commitment: the buyer pays the seller a total over a term, whatever it uses",
        roles: ("buyer", "seller"),
        fields: &[
            req("buyer", FieldType::Entity, "who pays"),
            req("seller", FieldType::Entity, "who is paid"),
            req("total", FieldType::Money, "the total committed"),
            req("over", FieldType::PeriodRange, "the term"),
            opt(
                "schedule",
                FieldType::ChoiceOrSeries(Spread::WORDS),
                "even",
                "how the total spreads over the term",
            ),
            opt(
                "timing",
                FieldType::Choice(Timing::WORDS),
                "arrears",
                "payment at the start or end of each period",
            ),
            opt(
                "minimum",
                FieldType::Money,
                "the scheduled amount",
                "the minimum payment per month, with a usage true-up by month",
            ),
            opt("usage", FieldType::MoneyOrRate, "none", "what the buyer actually uses (paid above the minimum)"),
            opt(
                "termination",
                FieldType::Money,
                "the remaining scheduled amount",
                "what the seller is owed if the buyer defaults, in place of every remaining payment",
            ),
        ],
    },
    ContractSpec {
        kind: "loan",
        doc: "a loan with ACTUS semantics: bullet (PAM), annuity (ANN), linear (LAM) or negative amortizer (NAM)",
        roles: ("borrower", "lender"),
        fields: &[
            req("lender", FieldType::Entity, "who lends"),
            req("borrower", FieldType::Entity, "who borrows"),
            actus(req("principal", FieldType::Money, "the amount lent"), "notionalPrincipal"),
            actus(
                req(
                    "rate",
                    FieldType::PerTimeOrCurve,
                    "the nominal interest rate; with `reset`, an expression of curves (`sofr + 2.5%/year`) fixed at each reset",
                ),
                "nominalInterestRate; rateMultiplier × marketObjectCodeOfRateReset + rateSpread",
            ),
            actus(req("start", FieldType::Date, "the initial exchange date"), "initialExchangeDate"),
            actus(
                opt(
                    "maturity",
                    FieldType::Date,
                    "derived",
                    "the maturity date; without it an `annuity` matures at its `amortization_date`, else a `linear` loan with its last redemption (⌈principal ÷ payment⌉ of them), an `annuity` or `negative` one with the redemption that repays it",
                ),
                "maturityDate",
            ),
            actus(
                opt(
                    "amortization",
                    FieldType::Choice(Amortization::WORDS),
                    "bullet",
                    "the repayment profile",
                ),
                "contractType PAM / ANN / LAM / NAM",
            ),
            actus(
                opt(
                    "daycount",
                    FieldType::Choice(DayCount::WORDS),
                    "A365",
                    "the day count (`E30_360` is ACTUS 30E360, `AA` actual/actual ISDA)",
                ),
                "dayCountConvention",
            ),
            actus(
                opt(
                    "role",
                    FieldType::Choice(LoanRole::WORDS),
                    "lender",
                    "whose view signs the schedule's payoffs",
                ),
                "contractRole RPA / RPL",
            ),
            actus(
                opt(
                    "every",
                    FieldType::Cycle,
                    "1 month; amortizing: the principal cycle",
                    "the interest payment cycle; `maturity`: interest at maturity only",
                ),
                "cycleOfInterestPayment",
            ),
            actus(
                opt("principal_every", FieldType::Cycle, "the interest cycle", "the principal redemption cycle"),
                "cycleOfPrincipalRedemption",
            ),
            actus(
                opt("interest_anchor", FieldType::Date, "start + one cycle", "the first interest payment cycle date"),
                "cycleAnchorDateOfInterestPayment",
            ),
            actus(
                opt(
                    "principal_anchor",
                    FieldType::Date,
                    "start + one cycle",
                    "the first principal redemption cycle date",
                ),
                "cycleAnchorDateOfPrincipalRedemption",
            ),
            actus(
                opt("stub", FieldType::Choice(Stub::WORDS), "long", "the stub period rule (L0 long, L1 short)"),
                "cycle stub L1 / L0",
            ),
            actus(
                opt(
                    "principal_stub",
                    FieldType::Choice(Stub::WORDS),
                    "`stub`",
                    "the principal cycle's stub rule",
                ),
                "cycleOfPrincipalRedemption stub L1 / L0",
            ),
            actus(
                opt(
                    "end_of_month",
                    FieldType::Choice(EndOfMonth::WORDS),
                    "same_day",
                    "the end-of-month convention",
                ),
                "endOfMonthConvention SD / EOM",
            ),
            actus(
                opt("payment", FieldType::Money, "computed", "the periodic principal (LAM) or annuity (ANN) payment"),
                "nextPrincipalRedemptionPayment",
            ),
            actus(
                dflt("premium", FieldType::Money, Constant::Zero, "premium (+) or discount (−) at the initial exchange"),
                "premiumDiscountAtIED",
            ),
            actus(
                opt("capitalize_until", FieldType::Date, "none", "interest is added to principal until this date"),
                "capitalizationEndDate",
            ),
            actus(
                opt(
                    "amortization_date",
                    FieldType::Date,
                    "maturity",
                    "the annuity is computed to this date (a balloon remains)",
                ),
                "amortizationDate",
            ),
            actus(
                opt(
                    "status_date",
                    FieldType::Date,
                    "start",
                    "the date the contract is seen from; after `start` it is already running: no initial exchange",
                ),
                "statusDate",
            ),
            actus(dflt("accrued", FieldType::Money, Constant::Zero, "interest accrued at the status date"), "accruedInterest"),
            actus(
                opt("outstanding", FieldType::Money, "principal", "principal outstanding at the status date"),
                "notionalPrincipal at the status date",
            ),
            actus(
                opt(
                    "day_end",
                    FieldType::Date,
                    "none",
                    "the maturity, amortization date or termination on this date falls at the end of the day: its events keep the date, interest on them runs to the next midnight",
                ),
                "a maturityDate, amortizationDate or terminationDate with a time of day (`2013-12-31T23:59:59`)",
            ),
            actus(
                opt(
                    "business_day",
                    FieldType::Choice(BusinessDay::WORDS),
                    "none",
                    "how a scheduled date that is not a business day moves (to the next or previous business day; `modified_`: not out of its month), and whether interest runs to the moved date or (`_unshifted`) the scheduled one",
                ),
                "businessDayConvention NOS / SCF / SCMF / CSF / CSMF / SCP / SCMP / CSP / CSMP",
            ),
            actus(
                opt(
                    "calendar",
                    FieldType::Choice(Calendar::WORDS),
                    "none",
                    "which days are business days: every day, or Monday to Friday",
                ),
                "calendar NC / MF",
            ),
            actus(
                opt(
                    "interest_base",
                    FieldType::Choice(InterestBase::WORDS),
                    "notional",
                    "what interest accrues on: the notional outstanding, the notional at the start (`interest_base_amount` for a running loan; as in ACTUS's reference results, each redemption resets it to the notional left), or the notional as of the last IPCB event",
                ),
                "interestCalculationBase NT / NTIED / NTL",
            ),
            actus(
                opt(
                    "interest_base_every",
                    FieldType::Cycle,
                    "none",
                    "the cycle of IPCB events (`lagged`)",
                ),
                "cycleOfInterestCalculationBase",
            ),
            actus(
                opt(
                    "interest_base_stub",
                    FieldType::Choice(Stub::WORDS),
                    "`stub`",
                    "the IPCB cycle's stub rule",
                ),
                "cycleOfInterestCalculationBase stub L1 / L0",
            ),
            actus(
                opt(
                    "interest_base_anchor",
                    FieldType::Date,
                    "start + one cycle",
                    "the first IPCB event",
                ),
                "cycleAnchorDateOfInterestCalculationBase",
            ),
            actus(
                opt(
                    "interest_base_amount",
                    FieldType::Money,
                    "the notional",
                    "the base until the first IPCB (or at the status date)",
                ),
                "interestCalculationBaseAmount",
            ),
            actus(
                opt(
                    "scaling",
                    FieldType::FractionOrCurve,
                    "none",
                    "the index payments follow (SC events): each scaling date sets the multipliers to index ÷ `scaling_base`",
                ),
                "marketObjectCodeOfScalingIndex",
            ),
            actus(
                opt(
                    "scaling_every",
                    FieldType::Cycle,
                    "none",
                    "the scaling cycle",
                ),
                "cycleOfScalingIndex",
            ),
            actus(
                opt(
                    "scaling_anchor",
                    FieldType::Date,
                    "start + one cycle",
                    "the first scaling date",
                ),
                "cycleAnchorDateOfScalingIndex",
            ),
            actus(
                opt(
                    "scaling_stub",
                    FieldType::Choice(Stub::WORDS),
                    "`stub`",
                    "the scaling cycle's stub rule",
                ),
                "cycleOfScalingIndex stub L1 / L0",
            ),
            actus(
                dflt(
                    "scaling_base",
                    FieldType::Fraction,
                    Constant::One,
                    "the index value at which payments are unscaled",
                ),
                "scalingIndexAtContractDealDate",
            ),
            actus(
                opt(
                    "scaling_effect",
                    FieldType::Choice(ScalingEffect::WORDS),
                    "both",
                    "which payments scale (the notional and accrued interest themselves stay unscaled)",
                ),
                "scalingEffect IOO / ONO / INO",
            ),
            actus(
                opt(
                    "purchase_date",
                    FieldType::Date,
                    "none",
                    "bought from a previous lender (PRD): the schedule starts there",
                ),
                "purchaseDate",
            ),
            actus(
                dflt(
                    "purchase_price",
                    FieldType::Money,
                    Constant::Zero,
                    "the price the buyer pays, plus the interest accrued",
                ),
                "priceAtPurchaseDate",
            ),
            actus(
                opt(
                    "termination_date",
                    FieldType::Date,
                    "none",
                    "sold or terminated (TD): the schedule ends there",
                ),
                "terminationDate",
            ),
            actus(
                dflt(
                    "termination_price",
                    FieldType::Money,
                    Constant::Zero,
                    "the price the seller receives, plus the interest accrued",
                ),
                "priceAtTerminationDate",
            ),
            actus(
                opt(
                    "draws",
                    FieldType::DatedMoney,
                    "all at `start`",
                    "a delayed-draw loan: the first draw is the initial exchange, each later one a principal increase (PI) that accrues interest from its day; together at most `principal`",
                ),
                "PI events, as in ACTUS LAX",
            ),
            actus(
                opt(
                    "reset",
                    FieldType::Cycle,
                    "none (fixed rate)",
                    "the rate reset cycle: the rate floats",
                ),
                "cycleOfRateReset",
            ),
            actus(
                opt(
                    "reset_anchor",
                    FieldType::Date,
                    "start + one cycle",
                    "the first rate reset",
                ),
                "cycleAnchorDateOfRateReset",
            ),
            actus(
                opt(
                    "reset_stub",
                    FieldType::Choice(Stub::WORDS),
                    "`stub`",
                    "the reset cycle's stub rule",
                ),
                "cycleOfRateReset stub L1 / L0",
            ),
            actus(
                opt(
                    "initial_rate",
                    FieldType::PerTime,
                    "`rate` at the start",
                    "a floating loan's rate until its first reset",
                ),
                "nominalInterestRate (floating)",
            ),
            actus(
                opt(
                    "next_rate",
                    FieldType::PerTime,
                    "none",
                    "the rate the first reset after the status date fixes (an RRF event)",
                ),
                "nextResetRate",
            ),
        ],
    },
    ContractSpec {
        kind: "equity",
        doc: "an investor pays cash for a stake on a date (a funding round)",
        roles: ("investor", "company"),
        fields: &[
            req("investor", FieldType::Entity, "who pays"),
            req("company", FieldType::Entity, "who receives the cash"),
            req("amount", FieldType::Money, "the cash paid"),
            req("date", FieldType::Date, "when"),
            opt("stake", FieldType::Fraction, "none", "the share of the company bought"),
        ],
    },
    ContractSpec {
        kind: "revenue_share",
        doc: "a share of one entity's revenue flow paid to another, period by period",
        roles: ("payer", "payee"),
        fields: &[
            req("payer", FieldType::Entity, "who pays"),
            req("payee", FieldType::Entity, "who is paid"),
            req("of", FieldType::FlowRef, "the payer's revenue flow that is shared"),
            req("share", FieldType::Fraction, "the share paid (e.g. 20%)"),
            opt("over", FieldType::PeriodRange, "the whole timeline", "when the share applies"),
        ],
    },
    ContractSpec {
        kind: "lease",
        doc: "periodic payments for capacity (a data-centre lease), with escalation",
        roles: ("lessee", "lessor"),
        fields: &[
            req("lessee", FieldType::Entity, "who pays"),
            req("lessor", FieldType::Entity, "who is paid"),
            req("payment", FieldType::MoneyOrRate, "the payment per whole cycle, or a rate booked over each cycle"),
            req("over", FieldType::PeriodRange, "the term"),
            dflt("every", FieldType::Duration, Constant::OneMonth, "the payment cycle"),
            dflt("escalation", FieldType::PerTime, Constant::Zero, "yearly increase of the payment"),
            opt(
                "timing",
                FieldType::Choice(Timing::WORDS),
                "advance",
                "payment at the start or end of each cycle",
            ),
        ],
    },
    ContractSpec {
        kind: "transfer",
        doc: "a generic scheduled payment between two entities",
        roles: ("from", "to"),
        fields: &[
            req("from", FieldType::Entity, "who pays"),
            req("to", FieldType::Entity, "who is paid"),
            req("amount", FieldType::MoneyOrRate, "a one-off amount, or a rate"),
            opt("on", FieldType::Date, "none", "the date of a one-off amount"),
            opt("over", FieldType::PeriodRange, "the whole timeline", "when a rate is paid"),
            opt(
                "kind",
                FieldType::Choice(TransferKind::WORDS),
                "financing",
                "how both sides book it: `capex` is the payer's capex and the payee's revenue",
            ),
            opt(
                "life",
                FieldType::Duration,
                "none",
                "with `kind capex` (and only there, where it is required): the payer's depreciation life",
            ),
        ],
    },
];

/// The spec of a contract kind.
pub fn contract(kind: &str) -> Option<&'static ContractSpec> {
    CONTRACTS.iter().find(|c| c.kind == kind)
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The terms of contract kind `kind`, at compile time (a `const` naming no kind does not
/// compile).
pub const fn contract_fields(kind: &str) -> &'static [FieldSpec] {
    let mut i = 0;
    while i < CONTRACTS.len() {
        if same(CONTRACTS[i].kind, kind) {
            return CONTRACTS[i].fields;
        }
        i += 1;
    }
    panic!("no such contract kind")
}

/// The constant default of term `name` in `fields`, at compile time (a `const` naming a term
/// without one does not compile): how `super::typed` reads a default from this table.
pub const fn constant_default(fields: &[FieldSpec], name: &str) -> Constant {
    let mut i = 0;
    while i < fields.len() {
        if same(fields[i].name, name) {
            if let Some(c) = fields[i].constant {
                return c;
            }
        }
        i += 1;
    }
    panic!("this term has no constant default")
}

#[cfg(test)]
mod tests {
    /// The grammar's `term_name` (names never read as a number's unit when a value follows
    /// them) lists exactly the entity fields and contract terms of these tables.
    #[test]
    fn the_grammar_knows_every_term_name() {
        let grammar = include_str!("../../grammar/aifin.pest");
        let rule = grammar.split("term_name = @{").nth(1).and_then(|r| r.split('}').next()).unwrap_or("");
        let mut listed: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        let mut spec: Vec<&str> = super::ENTITY_FIELDS
            .iter()
            .chain(super::CONTRACTS.iter().flat_map(|c| c.fields.iter()))
            .map(|f| f.name)
            .collect();
        listed.sort_unstable();
        spec.sort_unstable();
        spec.dedup();
        assert_eq!(listed, spec, "add the new term names to `term_name` in grammar/aifin.pest");
    }
}
