//! Errors of the check stage (`aifin::types::…`): names, units, dimensions and the places each
//! kind of value may stand.

use crate::diagnostic::{Diagnostic, ToDiagnostic};
use crate::source::Span;

/// A name, unit or type error.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    /// A name that is not declared.
    UnknownName {
        /// Where.
        span: Span,
        /// The name.
        name: String,
        /// A close declared name.
        suggestion: Option<String>,
    },
    /// A unit that is not declared.
    UnknownUnit {
        /// Where.
        span: Span,
        /// The name.
        name: String,
        /// A close unit name.
        suggestion: Option<String>,
    },
    /// A name declared twice.
    DuplicateName {
        /// The second declaration.
        span: Span,
        /// The first.
        first: Option<Span>,
        /// The name.
        name: String,
        /// What the first one is.
        what: String,
    },
    /// `a + b`, `a - b`, a comparison or a conversion between different dimensions.
    DimensionMismatch {
        /// The operator (or `in`).
        op_span: Span,
        /// The operation in words.
        op: String,
        /// Left operand.
        left: Span,
        /// Left unit/dimension.
        left_desc: String,
        /// Right operand.
        right: Span,
        /// Right unit/dimension.
        right_desc: String,
        /// What to do.
        hint: Option<String>,
    },
    /// A value of the wrong dimension for where it stands.
    WrongDimension {
        /// Where.
        span: Span,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
        /// What to do.
        hint: Option<String>,
    },
    /// A value of the wrong kind for where it stands (an entity expected, a period found…).
    WrongKind {
        /// Where.
        span: Span,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
        /// What to do.
        hint: Option<String>,
    },
    /// Drivers or curves defined in terms of each other.
    Cycle {
        /// Where the cycle closes.
        span: Span,
        /// The chain, first name repeated at the end.
        chain: Vec<String>,
    },
    /// A call of something that is not a function.
    UnknownFunction {
        /// Where.
        span: Span,
        /// The name.
        name: String,
        /// A close function name.
        suggestion: Option<String>,
        /// The std module that has it, when it is not imported (`std/finance`).
        module: Option<String>,
    },
    /// Arguments that do not fit the function.
    BadArguments {
        /// Where.
        span: Span,
        /// The function.
        function: String,
        /// What is wrong.
        reason: String,
        /// The signature.
        signature: String,
    },
    /// A field or term the entity or contract kind does not have.
    UnknownField {
        /// Where.
        span: Span,
        /// The field.
        name: String,
        /// Of what.
        owner: String,
        /// A close field name.
        suggestion: Option<String>,
    },
    /// A required field or term is missing.
    MissingField {
        /// The declaration.
        span: Span,
        /// The field.
        name: String,
        /// Of what.
        owner: String,
        /// What it is.
        doc: String,
    },
    /// A field given twice.
    DuplicateField {
        /// The second one.
        span: Span,
        /// The first one.
        first: Span,
        /// The field.
        name: String,
    },
    /// An option word that is not one of the choices.
    InvalidChoice {
        /// Where.
        span: Span,
        /// The word.
        found: String,
        /// The choices.
        choices: Vec<String>,
    },
    /// A contract kind that does not exist.
    UnknownContractKind {
        /// Where.
        span: Span,
        /// The kind.
        name: String,
        /// A close kind.
        suggestion: Option<String>,
    },
    /// An exponent that cannot apply to a quantity with a unit.
    BadExponent {
        /// The exponent.
        span: Span,
        /// The base's unit.
        unit: String,
    },
    /// A scenario problem: unknown base, cycle, override of something not overridable.
    BadScenario {
        /// Where.
        span: Span,
        /// What is wrong.
        reason: String,
        /// What to do.
        hint: Option<String>,
    },
    /// A contract term or flow clause whose value cannot work (found from the declarations).
    BadTerm {
        /// The value.
        span: Span,
        /// What is wrong.
        reason: String,
        /// What to do.
        help: String,
    },
    /// An uncertain range `low .. high` whose ends are written constants and whose high end is
    /// below its low end (after converting it to the low end's unit): no distribution, as
    /// `aifin run` and `aifin sample` would find.
    BackwardsRange {
        /// The range.
        span: Span,
        /// The low end as written.
        low: String,
        /// The high end as written.
        high: String,
        /// The scenario whose values make it backwards, when an end names a driver.
        scenario: Option<String>,
    },
    /// The same entity on both sides of a contract.
    SameParty {
        /// The second role's value.
        span: Span,
        /// The first role's value.
        first: Span,
        /// The entity.
        name: String,
        /// The two roles.
        roles: (String, String),
    },
}

fn did_you_mean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| format!("did you mean `{s}`?"))
}

// Every code of this stage (each has an example under `examples/errors/types/`).
crate::diagnostic::diagnostic_codes! {
    CheckError {
        UnknownName => "aifin::types::unknown_name": "a name that is not declared (with \"did you mean\")",
        UnknownUnit => "aifin::types::unknown_unit": "a unit that is not declared (with \"did you mean\")",
        DuplicateName => "aifin::types::duplicate_name": "a name declared twice (also against units)",
        DimensionMismatch => "aifin::types::dimension_mismatch": "`+`, `-`, comparison, conversion or range across dimensions",
        WrongDimension => "aifin::types::wrong_dimension": "a value of the wrong dimension where it stands",
        WrongKind => "aifin::types::wrong_kind": "a value of the wrong kind (an entity expected…)",
        Cycle => "aifin::types::cycle": "definitions that depend on themselves",
        UnknownFunction => "aifin::types::unknown_function": "a call of an unknown function, or of a `std/finance` function without its import",
        BadArguments => "aifin::types::bad_arguments": "arguments that do not fit a function",
        UnknownField => "aifin::types::unknown_field": "a field or term the entity or contract kind does not have",
        MissingField => "aifin::types::missing_field": "a required term is missing, or one that cannot be derived (an entity's `recovery` with `default recovery`, a bullet loan's `maturity`, a one-off transfer's `on`, a capex transfer's `life`, a lagged interest base's or a scaled loan's cycle)",
        DuplicateField => "aifin::types::duplicate_field": "a field given twice",
        InvalidChoice => "aifin::types::invalid_choice": "an option word that is not one of the choices",
        UnknownContractKind => "aifin::types::unknown_contract_kind": "a contract kind that does not exist",
        BadExponent => "aifin::types::bad_exponent": "a fractional power of a quantity with a unit",
        BadScenario => "aifin::types::bad_scenario": "an unknown base scenario, a circle of bases, a bad override",
        BadTerm => "aifin::types::bad_term": "a contract term or flow clause that cannot work, found from the declarations: a maturity not after the start, a range that runs backwards, a take-or-pay term with no whole month, a cycle that is not a positive whole number of days … years, a share, stake or recovery outside 0..100 %, a `recovery` on an entity whose `default` is not `recovery`, a negative principal, a negative lease `payment`, take-or-pay `total`/`minimum`/`termination`/`usage`, transfer or equity `amount` (literal or driver), a lease `escalation` at or below -100%/year, a loan payment that never repays it, a capex `life` that is not positive (or a `life` on a transfer that is not capex), a revenue share `of` a flow that is not the payer's revenue, loan `draws` out of order, before the start, at or after maturity or above the principal, a scaling base of 0, a varying rate without `reset`, an amortizing loan with no principal cycle, an equity date outside every timeline, a curve schedule beyond a timeline, `world` as a party; a scenario's override of a term is checked as the term",
        BackwardsRange => "aifin::types::backwards_range": "an uncertain range `low .. high` whose ends, written or naming drivers with written values, run backwards (the high end below the low end, compared exactly after unit conversion, scenario by scenario)",
        SameParty => "aifin::types::same_party": "the same entity on both sides of a contract",
    }
}

impl ToDiagnostic for CheckError {
    fn code(&self) -> &'static str {
        self.diagnostic_code()
    }

    fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        let opt_help = |d: Diagnostic, h: Option<String>| match h {
            Some(h) => d.with_help(h),
            None => d,
        };
        match self {
            CheckError::UnknownName { span, name, suggestion } => opt_help(
                Diagnostic::error(code, format!("unknown name `{name}`")).with_label(*span, "not declared"),
                did_you_mean(suggestion)
                    .or_else(|| Some("declare it with `driver`, `curve`, `entity` or `contract`".into())),
            ),
            CheckError::UnknownUnit { span, name, suggestion } => opt_help(
                Diagnostic::error(code, format!("unknown unit `{name}`")).with_label(*span, "not a declared unit"),
                did_you_mean(suggestion).or_else(|| Some(format!("declare it: `unit {name}`"))),
            ),
            CheckError::DuplicateName { span, first, name, what } => {
                let d = Diagnostic::error(code, format!("`{name}` is already declared as {what}"))
                    .with_label(*span, "declared again here");
                let d = match first {
                    Some(f) => d.with_label(*f, "first declared here"),
                    None => d,
                };
                d.with_help("names of drivers, curves, entities, contracts and units must all differ")
            }
            CheckError::DimensionMismatch { op_span, op, left, left_desc, right, right_desc, hint } => opt_help(
                Diagnostic::error(code, format!("cannot {op} {left_desc} and {right_desc}"))
                    .with_label(*op_span, "here")
                    .with_label(*left, left_desc.clone())
                    .with_label(*right, right_desc.clone()),
                hint.clone(),
            ),
            CheckError::WrongDimension { span, expected, found, hint } => opt_help(
                Diagnostic::error(code, format!("expected {expected}, found {found}"))
                    .with_label(*span, format!("this is {found}")),
                hint.clone(),
            ),
            CheckError::WrongKind { span, expected, found, hint } => opt_help(
                Diagnostic::error(code, format!("expected {expected}, found {found}"))
                    .with_label(*span, format!("this is {found}")),
                hint.clone(),
            ),
            CheckError::Cycle { span, chain } => {
                Diagnostic::error(code, format!("definitions depend on themselves: {}", chain.join(" -> ")))
                    .with_label(*span, "the circle closes here")
                    .with_help("a driver or curve cannot use itself, directly or through others")
            }
            CheckError::UnknownFunction { span, name, suggestion, module: Some(m) } => {
                let _ = suggestion;
                Diagnostic::error(code, format!("`{name}` is not in scope"))
                    .with_label(*span, format!("a function of {m}"))
                    .with_help(format!("add `import \"{m}\"` to use it"))
            }
            CheckError::UnknownFunction { span, name, suggestion, module: None } => opt_help(
                Diagnostic::error(code, format!("unknown function `{name}`")).with_label(*span, "not a function"),
                did_you_mean(suggestion).or_else(|| Some("docs/language.md lists the built-in functions".into())),
            ),
            CheckError::BadArguments { span, function, reason, signature } => {
                Diagnostic::error(code, format!("wrong arguments to `{function}`: {reason}"))
                    .with_label(*span, reason.clone())
                    .with_help(format!("`{function}` is called as {signature}"))
            }
            CheckError::UnknownField { span, name, owner, suggestion } => opt_help(
                Diagnostic::error(code, format!("{owner} has no field `{name}`")).with_label(*span, "unknown field"),
                did_you_mean(suggestion).or_else(|| Some("docs/language.md lists every field".into())),
            ),
            CheckError::MissingField { span, name, owner, doc } => {
                Diagnostic::error(code, format!("{owner} needs `{name}`"))
                    .with_label(*span, format!("`{name}` is missing"))
                    .with_help(format!("`{name}`: {doc}"))
            }
            CheckError::DuplicateField { span, first, name } => {
                Diagnostic::error(code, format!("`{name}` is given twice"))
                    .with_label(*span, "given again here")
                    .with_label(*first, "first given here")
            }
            CheckError::InvalidChoice { span, found, choices } => {
                Diagnostic::error(code, format!("`{found}` is not one of the choices here"))
                    .with_label(*span, "not a choice")
                    .with_help(format!("choose one of: {}", choices.join(", ")))
            }
            CheckError::UnknownContractKind { span, name, suggestion } => opt_help(
                Diagnostic::error(code, format!("unknown contract kind `{name}`"))
                    .with_label(*span, "not a contract kind"),
                did_you_mean(suggestion).or_else(|| {
                    Some("the kinds are take_or_pay, loan, equity, revenue_share, lease and transfer".into())
                }),
            ),
            CheckError::BadExponent { span, unit } => {
                Diagnostic::error(code, format!("a quantity in {unit} can only be raised to a whole power"))
                    .with_label(*span, "not a whole number")
                    .with_help("fractional powers apply to pure numbers: divide by the unit first")
            }
            CheckError::BadScenario { span, reason, hint } => {
                opt_help(Diagnostic::error(code, reason.clone()).with_label(*span, reason.clone()), hint.clone())
            }
            CheckError::BadTerm { span, reason, help } => {
                Diagnostic::error(code, reason.clone()).with_label(*span, "cannot work").with_help(help.clone())
            }
            CheckError::BackwardsRange { span, low, high, scenario: None } => {
                Diagnostic::error(code, format!("the range {low} .. {high} runs backwards"))
                    .with_label(*span, "the high end is below the low end")
                    .with_help(format!("write the low end first: `{high} .. {low}`"))
            }
            CheckError::BackwardsRange { span, low, high, scenario: Some(s) } => {
                Diagnostic::error(code, format!("in scenario `{s}` the range is {low} .. {high}, which runs backwards"))
                    .with_label(*span, "the high end is below the low end")
                    .with_help("write the low end first, with values in order in every scenario")
            }
            CheckError::SameParty { span, first, name, roles } => Diagnostic::error(
                code,
                format!("`{name}` is both the {} and the {} of this contract", roles.0, roles.1),
            )
            .with_label(*span, format!("the {}", roles.1))
            .with_label(*first, format!("the {}", roles.0))
            .with_help("a contract moves money between two different entities (one with the world is a `flow`)"),
        }
    }
}
