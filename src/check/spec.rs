//! What each entity field and contract term is: its kind of value, whether it is required, its
//! default and (for loans) its ACTUS name. The checker validates declarations against these
//! tables, the engine reads terms by these names, and docs/language.md lists them.

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
}

impl FieldType {
    /// In words.
    pub fn describe(self) -> String {
        match self {
            FieldType::Entity => "an entity".into(),
            FieldType::Money => "an amount of money".into(),
            FieldType::MoneyOrRate => "money or money per time".into(),
            FieldType::PerTime => "a rate per time (e.g. 9%/year)".into(),
            FieldType::Duration => "a duration (e.g. 1 month)".into(),
            FieldType::Cycle => "a cycle (e.g. 1 month, 3 month, 1 year) or `maturity`".into(),
            FieldType::Fraction => "a pure number or percentage".into(),
            FieldType::Date => "a date (e.g. 2025-06-01)".into(),
            FieldType::PeriodRange => "a range of periods (e.g. 2027-01 .. 2031-12)".into(),
            FieldType::Choice(c) => format!("one of {}", c.join(", ")),
            FieldType::ChoiceOrSeries(c) => format!("one of {} or a curve", c.join(", ")),
            FieldType::FlowRef => "a flow (ENTITY.NAME)".into(),
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
    /// The ACTUS term it corresponds to.
    pub actus: &'static str,
    /// What it means.
    pub doc: &'static str,
}

const fn req(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
    FieldSpec { name, ty, required: true, default: "", actus: "", doc }
}
const fn opt(name: &'static str, ty: FieldType, default: &'static str, doc: &'static str) -> FieldSpec {
    FieldSpec { name, ty, required: false, default, actus: "", doc }
}
const fn actus(mut f: FieldSpec, term: &'static str) -> FieldSpec {
    f.actus = term;
    f
}

/// The fields of an entity.
pub const ENTITY_FIELDS: &[FieldSpec] = &[
    opt(
        "kind",
        FieldType::Choice(&["company", "lender", "fund", "investor", "government"]),
        "company",
        "what the entity is",
    ),
    opt("cash", FieldType::Money, "0 at the timeline start", "opening cash; `cash 2025-01-01: 17.5B USD` dates it"),
    opt("min_cash", FieldType::Money, "0", "the cash the entity must keep; below it the credit line is drawn"),
    opt("credit_limit", FieldType::Money, "none", "a credit line drawn automatically up to this amount"),
    opt("credit_rate", FieldType::PerTime, "0%/year", "interest on the drawn credit line"),
    opt(
        "default",
        FieldType::Choice(&["pro_rata", "recovery", "nothing"]),
        "pro_rata",
        "what a defaulted entity pays its creditors",
    ),
    opt("recovery", FieldType::Fraction, "none", "the fixed recovery rate with `default recovery`"),
    opt(
        "after_default",
        FieldType::Choice(&["stop", "continue"]),
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

const DAYCOUNTS: &[&str] = &["A365", "A360", "AA", "E30_360"];

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
                FieldType::ChoiceOrSeries(&["even", "ramp"]),
                "even",
                "how the total spreads over the term",
            ),
            opt(
                "timing",
                FieldType::Choice(&["advance", "arrears"]),
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
        doc: "a loan with ACTUS semantics: bullet (PAM), annuity (ANN) or linear (LAM)",
        roles: ("borrower", "lender"),
        fields: &[
            req("lender", FieldType::Entity, "who lends"),
            req("borrower", FieldType::Entity, "who borrows"),
            actus(req("principal", FieldType::Money, "the amount lent"), "notionalPrincipal"),
            actus(req("rate", FieldType::PerTime, "the nominal interest rate"), "nominalInterestRate"),
            actus(req("start", FieldType::Date, "the initial exchange date"), "initialExchangeDate"),
            actus(
                opt(
                    "maturity",
                    FieldType::Date,
                    "derived",
                    "the maturity date; without it a `linear` loan matures with its last redemption (⌈principal ÷ payment⌉ of them), an `annuity` with the redemption that repays it",
                ),
                "maturityDate",
            ),
            actus(
                opt("amortization", FieldType::Choice(&["bullet", "annuity", "linear"]), "bullet", "the repayment profile"),
                "contractType PAM / ANN / LAM",
            ),
            actus(
                opt(
                    "daycount",
                    FieldType::Choice(DAYCOUNTS),
                    "A365",
                    "the day count (`E30_360` is ACTUS 30E360, `AA` actual/actual ISDA)",
                ),
                "dayCountConvention",
            ),
            actus(
                opt(
                    "role",
                    FieldType::Choice(&["lender", "borrower"]),
                    "lender",
                    "whose view signs the schedule's payoffs",
                ),
                "contractRole RPA / RPL",
            ),
            actus(
                opt(
                    "every",
                    FieldType::Cycle,
                    "1 month",
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
                opt("stub", FieldType::Choice(&["short", "long"]), "long", "the stub period rule (L0 long, L1 short)"),
                "cycle stub L1 / L0",
            ),
            actus(
                opt(
                    "end_of_month",
                    FieldType::Choice(&["same_day", "end_of_month"]),
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
                opt("premium", FieldType::Money, "0", "premium (+) or discount (−) at the initial exchange"),
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
            actus(opt("accrued", FieldType::Money, "0", "interest accrued at the status date"), "accruedInterest"),
            actus(
                opt("outstanding", FieldType::Money, "principal", "principal outstanding at the status date"),
                "notionalPrincipal at the status date",
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
            opt("every", FieldType::Duration, "1 month", "the payment cycle"),
            opt("escalation", FieldType::PerTime, "0%/year", "yearly increase of the payment"),
            opt(
                "timing",
                FieldType::Choice(&["advance", "arrears"]),
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
                FieldType::Choice(&["revenue", "cost", "capex", "financing"]),
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
