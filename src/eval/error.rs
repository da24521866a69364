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
    /// The books do not reconcile: a bug in aifin, reported rather than hidden.
    Internal {
        /// The scenario or declaration.
        span: Span,
        /// What did not add up.
        what: String,
    },
}

impl EvalError {
    /// Every code of this stage (each has an example under `examples/errors/eval/`, except
    /// `internal`, which no input should be able to cause).
    pub const CODES: &'static [&'static str] = &[
        "aifin::eval::overflow",
        "aifin::eval::division_by_zero",
        "aifin::eval::bad_power",
        "aifin::eval::not_constant",
        "aifin::eval::internal",
    ];

    /// From an arithmetic failure at `span`.
    pub fn arith(e: ArithError, span: Span) -> EvalError {
        match e {
            ArithError::Overflow => EvalError::Overflow { span, what: "the result".into() },
            ArithError::DivisionByZero => EvalError::DivisionByZero { span },
            ArithError::BadPower => EvalError::BadPower { span },
        }
    }
}

impl ToDiagnostic for EvalError {
    fn code(&self) -> &'static str {
        match self {
            EvalError::Overflow { .. } => "aifin::eval::overflow",
            EvalError::DivisionByZero { .. } => "aifin::eval::division_by_zero",
            EvalError::BadPower { .. } => "aifin::eval::bad_power",
            EvalError::NotConstant { .. } => "aifin::eval::not_constant",
            EvalError::Internal { .. } => "aifin::eval::internal",
        }
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
                .with_help("fractional powers need a positive base; whole powers of zero need a positive exponent"),
            EvalError::NotConstant { span, what } => Diagnostic::error(code, format!("this is {what}, not one number"))
                .with_label(*span, "varies over the timeline")
                .with_help("evaluate it in a scenario (`aifin run`), or reduce it to one number with annual(), total() or at()"),
            EvalError::Internal { span, what } => Diagnostic::error(code, format!("internal error: {what}"))
                .with_label(*span, "while evaluating this")
                .with_help("this is a bug in aifin; please report it with the input file"),
        }
    }
}
