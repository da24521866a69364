//! The built-in functions: one [`BuiltinSpec`] row per [`Builtin`], in enum order (a const
//! assertion holds them in step). The checker (`super::builtins`), the evaluator, completion
//! and the docs tables all read this one list. Moved out of `ir.rs`, which keeps the IR types.

/// The pattern of the `std/finance` built-ins (the `BuiltinGroup::Finance` rows), for the
/// checker's and the evaluator's `match` on a built-in: one list, and both stay exhaustive.
macro_rules! finance_builtins {
    () => {
        $crate::check::ir::Builtin::Npv
            | $crate::check::ir::Builtin::Discount
            | $crate::check::ir::Builtin::Irr
            | $crate::check::ir::Builtin::Pmt
            | $crate::check::ir::Builtin::Fv
            | $crate::check::ir::Builtin::Pv
            | $crate::check::ir::Builtin::Cumulative
            | $crate::check::ir::Builtin::CagrOf
    };
}
pub(crate) use finance_builtins;

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Builtin {
    /// `constant(x)`
    Constant,
    /// `linear(a @ P, b @ P, …)`
    Linear,
    /// `step(a @ P, …)`
    Step,
    /// `table(a @ P, …, interpolation: linear|step)`
    Table,
    /// `cagr(a @ P, b @ P)`
    Cagr,
    /// `compound(a @ P, rate)`
    Compound,
    /// `logistic(floor:, cap:, midpoint:, steepness:)`
    Logistic,
    /// `generations(start @ P, factor:, every:)`
    Generations,
    /// `annual(x, YEAR)`
    Annual,
    /// `total(x, RANGE)`
    Total,
    /// `at(x, PERIOD)`
    At,
    /// `cash(E)`
    Cash,
    /// `credit(E)`
    Credit,
    /// `profit(E)`
    Profit,
    /// `revenue(E)`
    Revenue,
    /// `costs(E)`
    Costs,
    /// `net(E)`
    Net,
    /// `capex(E)`
    Capex,
    /// `depreciation(E)`
    Depreciation,
    /// `interest(E)`
    Interest,
    /// `financing(E)`
    Financing,
    /// `payments(CONTRACT)`
    Payments,
    /// `scheduled(CONTRACT)`
    Scheduled,
    /// `remaining(CONTRACT)`
    Remaining,
    /// `commitments(E)`
    Commitments,
    /// `outstanding(LOAN)`
    Outstanding,
    /// `accrued(LOAN)`
    Accrued,
    /// `funding_gap(E, RANGE)`
    FundingGap,
    /// `runway(E)`
    Runway,
    /// `burn(E, PERIOD)`
    Burn,
    /// `losses(E)`
    Losses,
    /// `defaulted(E)`
    Defaulted,
    /// `min(a, b, …)`
    Min,
    /// `max(a, b, …)`
    Max,
    /// `abs(x)`
    Abs,
    /// `npv(rate, flow)` (std/finance)
    Npv,
    /// `discount(flow, rate)` (std/finance)
    Discount,
    /// `irr(flow)` (std/finance)
    Irr,
    /// `pmt(rate, periods, present)` (std/finance)
    Pmt,
    /// `fv(rate, periods, payment[, present])` (std/finance)
    Fv,
    /// `pv(rate, periods, payment)` (std/finance)
    Pv,
    /// `cumulative(flow)` (std/finance)
    Cumulative,
    /// `cagr_of(a @ P, b @ P)` (std/finance)
    CagrOf,
    /// `normal(mean, sd)`
    Normal,
    /// `lognormal(p5: a, p95: b)`
    Lognormal,
    /// `uniform(a, b)`
    Uniform,
    /// `triangular(low, mode, high)`
    Triangular,
    /// `bernoulli(p)`
    Bernoulli,
}

/// Where a built-in is listed in docs/language.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinGroup {
    /// Curves: each returns a series.
    Curve,
    /// Series, balances and aggregates.
    Series,
    /// The functions of `std/finance`: in scope only in a program that imports it.
    Finance,
    /// Distributions of uncertain inputs (`aifin sample` draws them).
    Distribution,
}

/// Everything the checker, the evaluator and the docs know of one built-in: one row each, in
/// [`BUILTINS`]. (How the arguments are typed is code: check/builtins.rs; how it evaluates:
/// eval/builtins.rs.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinSpec {
    pub name: &'static str,
    pub builtin: Builtin,
    /// The call as error messages and the docs show it.
    pub signature: &'static str,
    pub group: BuiltinGroup,
    /// One line for the docs table.
    pub doc: &'static str,
    /// The named arguments it takes (any other name is `aifin::types::bad_arguments`).
    pub named: &'static [&'static str],
    /// True when its positional arguments may carry an `@ PERIOD` anchor.
    pub anchors: bool,
    /// True when it reads the ledger (cash, lines, defaults): it cannot be used while the ledger
    /// is being built (a flow of a share of cash is circular).
    pub reads_ledger: bool,
    /// True when an evaluator without a scenario (`aifin eval`) can call it.
    pub constant: bool,
}

/// Every built-in, in the order of [`Builtin`].
pub const BUILTINS: &[BuiltinSpec] = &[
    BuiltinSpec {
        name: "constant",
        builtin: Builtin::Constant,
        signature: "constant(value)",
        group: BuiltinGroup::Curve,
        doc: "`value` in every period",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "linear",
        builtin: Builtin::Linear,
        signature: "linear(value @ PERIOD, value @ PERIOD, …[, extrapolate: hold|trend])",
        group: BuiltinGroup::Curve,
        doc: "straight lines between anchors",
        named: &["extrapolate"],
        anchors: true,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "step",
        builtin: Builtin::Step,
        signature: "step(value @ PERIOD, …)",
        group: BuiltinGroup::Curve,
        doc: "each anchor's value from its period until the next anchor",
        named: &[],
        anchors: true,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "table",
        builtin: Builtin::Table,
        signature: "table(value @ PERIOD, …[, interpolation: linear|step])",
        group: BuiltinGroup::Curve,
        doc: "a piecewise table",
        named: &["interpolation", "extrapolate"],
        anchors: true,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "cagr",
        builtin: Builtin::Cagr,
        signature: "cagr(value @ PERIOD, value @ PERIOD[, extrapolate: hold|trend])",
        group: BuiltinGroup::Curve,
        doc: "compound growth between two anchors",
        named: &["extrapolate"],
        anchors: true,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "compound",
        builtin: Builtin::Compound,
        signature: "compound(value @ PERIOD, RATE per time)",
        group: BuiltinGroup::Curve,
        doc: "compound growth from a value at a rate per time (`30%/year`)",
        named: &["rate"],
        anchors: true,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "logistic",
        builtin: Builtin::Logistic,
        signature: "logistic(floor: value, cap: value, midpoint: PERIOD, steepness: per time)",
        group: BuiltinGroup::Curve,
        doc: "an S-curve; `steepness` per time",
        named: &["floor", "cap", "midpoint", "steepness"],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "generations",
        builtin: Builtin::Generations,
        signature: "generations(value @ PERIOD, factor: NUMBER, every: DURATION)",
        group: BuiltinGroup::Curve,
        doc: "×`factor` per generation (`factor: 10, every: 2 year`)",
        named: &["factor", "every"],
        anchors: true,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "annual",
        builtin: Builtin::Annual,
        signature: "annual(flow or rate, YEAR)",
        group: BuiltinGroup::Series,
        doc: "the amount of a flow, or the booked amount of a rate, in a year",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "total",
        builtin: Builtin::Total,
        signature: "total(flow or rate, PERIOD .. PERIOD)",
        group: BuiltinGroup::Series,
        doc: "the same over a range of periods (or one period: `2025-H1`)",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "at",
        builtin: Builtin::At,
        signature: "at(series, PERIOD or RANGE)",
        group: BuiltinGroup::Series,
        doc: "a flow's amount in the period or range, a series' value in its first period, a balance's value at the end of its last",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "cash",
        builtin: Builtin::Cash,
        signature: "cash(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's cash balance at each period's end",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "credit",
        builtin: Builtin::Credit,
        signature: "credit(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's credit line drawn at each period's end",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "profit",
        builtin: Builtin::Profit,
        signature: "profit(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "revenue − costs − depreciation − interest",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "revenue",
        builtin: Builtin::Revenue,
        signature: "revenue(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's revenue flows",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "costs",
        builtin: Builtin::Costs,
        signature: "costs(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's cost flows",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "net",
        builtin: Builtin::Net,
        signature: "net(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "all of the entity's cash movements, the opening balance included: it adds up to the change in cash (`burn` is its negative)",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "capex",
        builtin: Builtin::Capex,
        signature: "capex(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's capex flows",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "depreciation",
        builtin: Builtin::Depreciation,
        signature: "depreciation(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's depreciation of its capex, from the month spent, straight-line over its life",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "interest",
        builtin: Builtin::Interest,
        signature: "interest(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the interest the entity's loans accrue (as borrower, less as lender: IPCI and premium/discount included) plus its credit-line interest",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "financing",
        builtin: Builtin::Financing,
        signature: "financing(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the entity's financing flows",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "payments",
        builtin: Builtin::Payments,
        signature: "payments(CONTRACT)",
        group: BuiltinGroup::Series,
        doc: "what a contract's payer (buyer, borrower, investor, payer, lessee, from) pays per period (a loan: interest and redemptions, not the initial exchange)",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "scheduled",
        builtin: Builtin::Scheduled,
        signature: "scheduled(CONTRACT)",
        group: BuiltinGroup::Series,
        doc: "what a contract calls for from its payer per period, on the full-payment path (whatever defaults happen)",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "remaining",
        builtin: Builtin::Remaining,
        signature: "remaining(CONTRACT)",
        group: BuiltinGroup::Series,
        doc: "at each period's end, what the contract's payer still has to pay after it — beyond the timeline too, whatever defaults happen (a loan: interest and redemptions)",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "commitments",
        builtin: Builtin::Commitments,
        signature: "commitments(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "at each period's end, the `remaining` of every contract the entity pays on",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "outstanding",
        builtin: Builtin::Outstanding,
        signature: "outstanding(LOAN)",
        group: BuiltinGroup::Series,
        doc: "a loan's principal outstanding at each period's end (a balance), in the ledger currency",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "accrued",
        builtin: Builtin::Accrued,
        signature: "accrued(LOAN)",
        group: BuiltinGroup::Series,
        doc: "a loan's interest accrued and not yet paid at each period's end: the interest of its last event plus interest on its notional at its rate since (for covenants and leverage)",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "funding_gap",
        builtin: Builtin::FundingGap,
        signature: "funding_gap(ENTITY, PERIOD .. PERIOD)",
        group: BuiltinGroup::Series,
        doc: "the external money the entity needs so its cash never falls below its minimum",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "runway",
        builtin: Builtin::Runway,
        signature: "runway(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the first period whose closing cash is below the minimum",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "burn",
        builtin: Builtin::Burn,
        signature: "burn(ENTITY, PERIOD)",
        group: BuiltinGroup::Series,
        doc: "the entity's net cash outflow in a period",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "losses",
        builtin: Builtin::Losses,
        signature: "losses(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "what fell due to the entity unpaid because others defaulted",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "defaulted",
        builtin: Builtin::Defaulted,
        signature: "defaulted(ENTITY)",
        group: BuiltinGroup::Series,
        doc: "the period the entity defaults in, or `never`",
        named: &[],
        anchors: false,
        reads_ledger: true,
        constant: false,
    },
    BuiltinSpec {
        name: "min",
        builtin: Builtin::Min,
        signature: "min(value, value, …)",
        group: BuiltinGroup::Series,
        doc: "the least of quantities of one dimension",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "max",
        builtin: Builtin::Max,
        signature: "max(value, value, …)",
        group: BuiltinGroup::Series,
        doc: "the greatest of quantities of one dimension",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "abs",
        builtin: Builtin::Abs,
        signature: "abs(value)",
        group: BuiltinGroup::Series,
        doc: "the absolute value",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "npv",
        builtin: Builtin::Npv,
        signature: "npv(RATE, flow[, timing: end|start])",
        group: BuiltinGroup::Finance,
        doc: "the flow's amounts discounted to the timeline's start at the annual effective rate `RATE` (`8%/year`), summed",
        named: &["timing"],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "discount",
        builtin: Builtin::Discount,
        signature: "discount(flow, RATE[, timing: end|start])",
        group: BuiltinGroup::Finance,
        doc: "the flow with each period's amount discounted (a flow)",
        named: &["timing"],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "irr",
        builtin: Builtin::Irr,
        signature: "irr(flow)",
        group: BuiltinGroup::Finance,
        doc: "the annual rate (in `%/year`) at which `npv` is zero, within 10⁻¹⁰ per year",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "pmt",
        builtin: Builtin::Pmt,
        signature: "pmt(r, n, present)",
        group: BuiltinGroup::Finance,
        doc: "the payment at the end of each of `n` periods that repays `present` at `r` per period",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "fv",
        builtin: Builtin::Fv,
        signature: "fv(r, n, payment[, present])",
        group: BuiltinGroup::Finance,
        doc: "the value after `n` periods of `payment` at each period's end (and `present` now)",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "pv",
        builtin: Builtin::Pv,
        signature: "pv(r, n, payment)",
        group: BuiltinGroup::Finance,
        doc: "the value now of `n` payments at each period's end",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "cumulative",
        builtin: Builtin::Cumulative,
        signature: "cumulative(flow)",
        group: BuiltinGroup::Finance,
        doc: "the running total of a flow (a balance)",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: false,
    },
    BuiltinSpec {
        name: "cagr_of",
        builtin: Builtin::CagrOf,
        signature: "cagr_of(a @ PERIOD, b @ PERIOD)",
        group: BuiltinGroup::Finance,
        doc: "the growth rate per year from `a` to `b`: `(b/a)^(1/years) − 1`, in `%/year`",
        named: &[],
        anchors: true,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "normal",
        builtin: Builtin::Normal,
        signature: "normal(mean, sd)",
        group: BuiltinGroup::Distribution,
        doc: "a normal distribution; deterministic runs use the mean",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "lognormal",
        builtin: Builtin::Lognormal,
        signature: "lognormal(p5: value, p95: value)",
        group: BuiltinGroup::Distribution,
        doc: "a lognormal distribution with that 90 % interval (both > 0); deterministic runs use its median √(p5·p95)",
        named: &["p5", "p95"],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "uniform",
        builtin: Builtin::Uniform,
        signature: "uniform(low, high)",
        group: BuiltinGroup::Distribution,
        doc: "every value between `low` and `high` equally likely; deterministic runs use the midpoint",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "triangular",
        builtin: Builtin::Triangular,
        signature: "triangular(low, mode, high)",
        group: BuiltinGroup::Distribution,
        doc: "a triangular distribution; deterministic runs use the mode",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
    BuiltinSpec {
        name: "bernoulli",
        builtin: Builtin::Bernoulli,
        signature: "bernoulli(p)",
        group: BuiltinGroup::Distribution,
        doc: "a pure number, 1 with probability `p` (0 ≤ p ≤ 1) else 0, for events; deterministic runs use 1 when p > 0.5, else 0",
        named: &[],
        anchors: false,
        reads_ledger: false,
        constant: true,
    },
];

const FIRST: BuiltinSpec = BUILTINS[0];

const _: () = {
    let mut i = 0;
    while i < BUILTINS.len() {
        assert!(BUILTINS[i].builtin as usize == i, "BUILTINS must list the built-ins in the order of `Builtin`");
        i += 1;
    }
};

impl Builtin {
    /// This built-in's row of [`BUILTINS`]. Every row sits at its variant's index (asserted at
    /// compile time below), and the checker makes a `Builtin` only from a row it found by name,
    /// so the lookup always hits.
    pub fn spec(self) -> &'static BuiltinSpec {
        BUILTINS.get(self as usize).unwrap_or(&FIRST)
    }

    pub fn reads_ledger(self) -> bool {
        self.spec().reads_ledger
    }

    /// The std module a built-in belongs to: it is in scope only in a program that imports it
    /// (`import "std/finance"`). `None`: always in scope.
    pub fn std_module(self) -> Option<&'static str> {
        match self.spec().group {
            BuiltinGroup::Finance => Some("std/finance"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `finance_builtins!()` names exactly the rows of the `std/finance` group.
    #[test]
    fn the_finance_pattern_is_the_finance_group() {
        for row in BUILTINS {
            let in_pattern = matches!(row.builtin, finance_builtins!());
            assert_eq!(in_pattern, row.group == BuiltinGroup::Finance, "{}", row.name);
        }
    }
}
