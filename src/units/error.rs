//! Errors of the units stage (`aifin::units::…`): unit, dimension, currency and exchange
//! declarations that do not make a consistent registry.

use crate::diagnostic::{Diagnostic, ToDiagnostic};
use crate::source::Span;

/// A unit declaration that cannot be accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitError {
    /// A unit or dimension declared twice.
    Duplicate {
        /// The second declaration's name.
        span: Span,
        /// The first.
        first: Span,
        /// The name.
        name: String,
    },
    /// `unit X : D` names no dimension.
    UnknownDimension {
        /// The name.
        span: Span,
        /// The name.
        name: String,
        /// A close name, if any.
        suggestion: Option<String>,
    },
    /// A unit definition names an unknown unit.
    UnknownUnit {
        /// The name.
        span: Span,
        /// The name.
        name: String,
        /// A close name, if any.
        suggestion: Option<String>,
    },
    /// Units defined in terms of each other.
    Cycle {
        /// Where the cycle closes.
        span: Span,
        /// The units around it.
        chain: Vec<String>,
    },
    /// `unit X : D = expr` where expr is not of dimension D.
    DimensionMismatch {
        /// The definition.
        span: Span,
        /// The declared dimension.
        declared: String,
        /// The definition's dimension.
        found: String,
    },
    /// A definition that is not a positive product of numbers and units.
    InvalidDefinition {
        /// The offending part.
        span: Span,
        /// Why.
        reason: String,
    },
    /// An exchange rate between things that are not two different currencies.
    BadExchange {
        /// The declaration.
        span: Span,
        /// Why.
        reason: String,
    },
}

// Every code of this stage (each has an example under `examples/errors/units/`).
crate::diagnostic::diagnostic_codes! {
    UnitError {
        Duplicate => "aifin::units::duplicate": "a unit or dimension declared twice",
        UnknownDimension => "aifin::units::unknown_dimension": "`unit X: D` with no dimension `D`",
        UnknownUnit => "aifin::units::unknown_unit": "a unit definition names an unknown unit",
        Cycle => "aifin::units::cycle": "units defined in a circle",
        DimensionMismatch => "aifin::units::dimension_mismatch": "`unit X: D = …` of another dimension",
        InvalidDefinition => "aifin::units::invalid_definition": "a unit definition that is not a positive product",
        BadExchange => "aifin::units::bad_exchange": "an exchange rate not between two declared currencies",
    }
}

impl ToDiagnostic for UnitError {
    fn code(&self) -> &'static str {
        self.diagnostic_code()
    }

    fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            UnitError::Duplicate { span, first, name } => {
                Diagnostic::error(code, format!("`{name}` is declared twice"))
                    .with_label(*span, "declared again here")
                    .with_label(*first, "first declared here")
                    .with_help("remove one declaration or rename it")
            }
            UnitError::UnknownDimension { span, name, suggestion } => {
                let d = Diagnostic::error(code, format!("unknown dimension `{name}`"))
                    .with_label(*span, "not a declared dimension");
                match suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("declare it first: `dimension {name}`")),
                }
            }
            UnitError::UnknownUnit { span, name, suggestion } => {
                let d =
                    Diagnostic::error(code, format!("unknown unit `{name}`")).with_label(*span, "not a declared unit");
                match suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("declare it: `unit {name}`")),
                }
            }
            UnitError::Cycle { span, chain } => {
                Diagnostic::error(code, format!("units are defined in a circle: {}", chain.join(" -> ")))
                    .with_label(*span, "the circle closes here")
                    .with_help("define one of them from a base unit")
            }
            UnitError::DimensionMismatch { span, declared, found } => {
                Diagnostic::error(code, format!("this unit is declared as {declared} but defined as {found}"))
                    .with_label(*span, format!("this is {found}"))
            }
            UnitError::InvalidDefinition { span, reason } => {
                Diagnostic::error(code, format!("invalid unit definition: {reason}"))
                    .with_label(*span, reason.clone())
                    .with_help("a unit is defined as a positive number times units: `unit kWh = 1000 W*hour`")
            }
            UnitError::BadExchange { span, reason } => {
                Diagnostic::error(code, format!("invalid exchange rate: {reason}"))
                    .with_label(*span, reason.clone())
                    .with_help(
                        "write `exchange 1 EUR = 1.08 USD`: an amount of one currency equal to an amount of another",
                    )
            }
        }
    }
}
