//! Errors of the evaluation stage (`aifin::eval::…`).

use crate::diagnostic::{Diagnostic, ToDiagnostic};
use crate::number::ArithError;
use crate::source::Span;

/// A value that cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// A result beyond the exact decimal range.
    Overflow {
        /// The operator or call.
        span: Span,
        /// What overflowed.
        what: String,
    },
    /// Division by zero.
    DivisionByZero {
        /// The operator.
        span: Span,
    },
    /// A power with no exact result (a fractional power of a negative number…).
    BadPower {
        /// The operator.
        span: Span,
    },
    /// A value that varies over time where one number is needed.
    NotConstant {
        /// The expression.
        span: Span,
        /// What it is.
        what: String,
    },
    /// A value that depends on itself through the ledger (a flow of a share of cash…).
    Circular {
        /// Where.
        span: Span,
        /// What.
        what: String,
    },
    /// A period that does not cover whole periods of the timeline, or lies outside it.
    Misaligned {
        /// The period.
        span: Span,
        /// What is wrong.
        what: String,
    },
    /// No scenario with a timeline to run.
    NoTimeline {
        /// The scenario, if there is one.
        span: Option<Span>,
    },
    /// `--scenario NAME` names no scenario.
    UnknownScenario {
        /// The name asked for.
        name: String,
        /// The scenarios there are.
        known: Vec<String>,
    },
    /// A timeline or evaluation beyond the limits.
    Limit {
        /// Where.
        span: Span,
        /// Which limit.
        what: String,
    },
    /// Contract terms that do not make a contract (a maturity before the start…).
    ContractTerms {
        /// The term or contract.
        span: Span,
        /// What is wrong.
        what: String,
    },
    /// Distribution parameters that make no distribution (a negative sd, p5 ≥ p95…).
    BadDistribution {
        /// The range or call.
        span: Span,
        /// What is wrong.
        what: String,
    },
    /// A curve whose anchors its formula cannot join (`cagr` from 0, or across a sign).
    BadCurve {
        /// The anchor.
        span: Span,
        /// What is wrong.
        what: String,
        /// What to write instead.
        help: String,
    },
    /// A root finder with no root to find (`irr` of a flow whose NPV never changes sign,
    /// `aifin solve` of a target that the bracket does not contain).
    NoSolution {
        /// The call or the driver.
        span: Span,
        /// Why.
        what: String,
    },
    /// The books do not reconcile: a bug in aifin, reported rather than hidden.
    Internal {
        /// The scenario or declaration.
        span: Span,
        /// What did not add up.
        what: String,
    },
}

impl EvalError {
    /// What [`EvalError::NotConstant`] says of a call or flow that needs a scenario's timeline.
    pub const NEEDS_SCENARIO: &'static str = "a value that needs a scenario";

    /// A broken invariant (a lookup that cannot miss in a checked program): reported as the
    /// internal error it is, never hidden behind a fallback value.
    pub fn internal(span: Span, what: impl Into<String>) -> EvalError {
        EvalError::Internal { span, what: what.into() }
    }

    /// From an arithmetic failure at `span`.
    pub fn arith(e: ArithError, span: Span) -> EvalError {
        match e {
            ArithError::Overflow => EvalError::Overflow { span, what: "the result".into() },
            ArithError::DivisionByZero => EvalError::DivisionByZero { span },
            ArithError::BadPower => EvalError::BadPower { span },
        }
    }
}

/// `number::add(a, b).at(span)?`: an arithmetic failure becomes the coded diagnostic of the
/// operator at `span` (in place of `.map_err(|e| EvalError::arith(e, span))`).
pub trait At<T> {
    fn at(self, span: Span) -> Result<T, EvalError>;
}

impl<T> At<T> for Result<T, ArithError> {
    fn at(self, span: Span) -> Result<T, EvalError> {
        self.map_err(|e| EvalError::arith(e, span))
    }
}

impl<T> At<T> for Result<T, crate::eval::series::SeriesError> {
    fn at(self, span: Span) -> Result<T, EvalError> {
        self.map_err(|e| EvalError::arith(e.error, span))
    }
}

// Every code of this stage (each has an example under `examples/errors/eval/`, except
// `internal`, which no input should be able to cause).
crate::diagnostic::diagnostic_codes! {
    EvalError {
        Overflow => "aifin::eval::overflow": "a result beyond the exact decimal range",
        DivisionByZero => "aifin::eval::division_by_zero": "division by zero",
        BadPower => "aifin::eval::bad_power": "a power with no exact real result",
        NotConstant => "aifin::eval::not_constant": "a series where one number is needed (e.g. `aifin eval` of a curve)",
        Circular => "aifin::eval::circular": "a flow that depends on the cash or totals the flows make",
        Misaligned => "aifin::eval::misaligned_period": "a period that is not whole periods of the timeline",
        NoTimeline => "aifin::eval::no_timeline": "`aifin run` of a file with no scenario timeline",
        UnknownScenario => "aifin::eval::unknown_scenario": "`--scenario` names no scenario",
        Limit => "aifin::eval::limit": "a timeline of more than 100,000 periods",
        ContractTerms => "aifin::eval::contract_terms": "contract terms that make no contract (a maturity before the start…, a payment a curve makes negative)",
        BadDistribution => "aifin::eval::bad_distribution": "distribution parameters that make no distribution (a negative sd, p5 ≥ p95, low > high…)",
        BadCurve => "aifin::eval::bad_curve": "curve anchors its formula cannot join (`cagr` from 0 or across a sign change)",
        NoSolution => "aifin::eval::no_solution": "`irr` of a flow whose NPV never changes sign; `aifin solve` of a target the bracket does not contain",
        Internal => "aifin::eval::internal": "a bug in aifin (the books do not reconcile), reported, never hidden",
    }
}

impl ToDiagnostic for EvalError {
    fn code(&self) -> &'static str {
        self.diagnostic_code()
    }

    fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            EvalError::Overflow { span, what } => Diagnostic::error(code, format!("{what} does not fit an exact decimal"))
                .with_label(*span, "overflows here")
                .with_help("aifin's exact decimals hold magnitudes below 7.9e28; check the units and magnitudes (k, M, B, T)"),
            EvalError::DivisionByZero { span } => Diagnostic::error(code, "division by zero")
                .with_label(*span, "the divisor is zero")
                .with_help("the divisor evaluates to zero; check the values it is made of"),
            EvalError::BadPower { span } => Diagnostic::error(code, "this power cannot be computed")
                .with_label(*span, "no exact real result")
                .with_help("a fractional power needs a base of 0 or more (a negative number has none); a quantity with a unit takes a whole power"),
            EvalError::NotConstant { span, what } if what == Self::NEEDS_SCENARIO => {
                Diagnostic::error(code, format!("this is {what}, not one number"))
                    .with_label(*span, "needs a scenario's timeline")
                    .with_help(
                        "`aifin eval` has no timeline, and a curve or flow needs one even inside at(), annual() \
                         or total(): evaluate it in a scenario (`aifin run`, or a `claim`)",
                    )
            }
            EvalError::NotConstant { span, what } => Diagnostic::error(code, format!("this is {what}, not one number"))
                .with_label(*span, "varies over the timeline")
                .with_help("evaluate it in a scenario (`aifin run`), or reduce it to one number with annual(), total() or at()"),
            EvalError::BadCurve { span, what, help } => {
                Diagnostic::error(code, what.clone()).with_label(*span, "this anchor").with_help(help.clone())
            }
            EvalError::Circular { span, what } => Diagnostic::error(code, format!("circular evaluation: {what}"))
                .with_label(*span, "needs its own result")
                .with_help("a flow cannot depend on the cash or flows it changes; state it as a driver instead"),
            EvalError::Misaligned { span, what } => Diagnostic::error(code, what.clone())
                .with_label(*span, "not whole periods of the timeline")
                .with_help("use periods at least as long as the timeline's step, inside the timeline"),
            EvalError::NoTimeline { span } => {
                let d = Diagnostic::error(code, "there is no scenario with a timeline to run");
                let d = match span {
                    Some(s) => d.with_label(*s, "this scenario has no timeline"),
                    None => d,
                };
                d.with_help("declare one: `scenario base { timeline 2025-01 .. 2030-12 monthly }`")
            }
            EvalError::UnknownScenario { name, known } => Diagnostic::error(code, format!("there is no scenario `{name}`"))
                .with_help(if known.is_empty() { "the file declares no scenario".to_string() } else { format!("the scenarios are: {}", known.join(", ")) }),
            EvalError::Limit { span, what } => {
                Diagnostic::error(code, format!("evaluation limit exceeded: {what}")).with_label(*span, "here")
            }
            EvalError::ContractTerms { span, what } => Diagnostic::error(code, format!("invalid contract terms: {what}"))
                .with_label(*span, what.clone())
                .with_help("docs/language.md lists every contract term with its meaning and default"),
            EvalError::BadDistribution { span, what } => Diagnostic::error(code, format!("invalid distribution: {what}"))
                .with_label(*span, what.clone())
                .with_help("docs/language.md (Distributions and sampling) gives each distribution's parameters"),
            EvalError::NoSolution { span, what } => Diagnostic::error(code, format!("no solution: {what}"))
                .with_label(*span, "no root here")
                .with_help("a root finder needs a sign change: `irr` a flow with both inflows and outflows; `aifin solve` a bracket (`--between LOW..HIGH`) whose ends fall on either side of the target"),
            EvalError::Internal { span, what } => Diagnostic::error(code, format!("internal error: {what}"))
                .with_label(*span, "while evaluating this")
                .with_help("this is a bug in aifin; please report it with the input file"),
        }
    }
}
