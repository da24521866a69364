//! Errors of the parse stage (`aifin::parse::…`).

use crate::diagnostic::{Diagnostic, ToDiagnostic};
use crate::source::Span;

/// Everything that can go wrong turning text into an AST.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// The text does not follow the grammar.
    Syntax {
        /// Where pest stopped.
        span: Span,
        /// What was expected there, in words.
        expected: Vec<String>,
        /// What was found, in words.
        found: String,
        /// Help for a common mistake, when one is recognised.
        hint: Option<String>,
    },
    /// A number literal does not fit an exact decimal.
    NumberOutOfRange {
        /// The literal.
        span: Span,
    },
    /// A calendar literal names no real day, month, quarter or half.
    InvalidDate {
        /// The literal.
        span: Span,
        /// What is wrong.
        reason: String,
    },
    /// A flow repeats a clause (`from` twice…).
    DuplicateClause {
        /// The second one.
        span: Span,
        /// The first one.
        first: Span,
        /// Which clause.
        clause: &'static str,
    },
    /// A scenario sets its timeline, currency or rounding twice.
    DuplicateSetting {
        /// The second one.
        span: Span,
        /// The first one.
        first: Span,
        /// Which setting.
        setting: &'static str,
    },
    /// A reserved word used as a declared name.
    ReservedWord {
        /// The name.
        span: Span,
        /// The word.
        word: String,
    },
    /// A unit exponent or currency's minor unit outside its range.
    IntegerOutOfRange {
        /// The integer.
        span: Span,
        /// The allowed range.
        range: &'static str,
    },
    /// The source is larger than the limit.
    SourceTooLarge {
        /// The start of the file.
        span: Span,
        /// Its size.
        len: usize,
    },
    /// Brackets nest too deep.
    NestingTooDeep {
        /// The bracket that goes too deep.
        span: Span,
    },
    /// One expression has too many parts or is nested too deep.
    ExpressionTooLarge {
        /// The expression.
        span: Span,
        /// What was exceeded.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// The primary span.
    pub fn span(&self) -> Span {
        match self {
            ParseError::Syntax { span, .. }
            | ParseError::NumberOutOfRange { span }
            | ParseError::InvalidDate { span, .. }
            | ParseError::DuplicateClause { span, .. }
            | ParseError::DuplicateSetting { span, .. }
            | ParseError::IntegerOutOfRange { span, .. }
            | ParseError::ReservedWord { span, .. }
            | ParseError::SourceTooLarge { span, .. }
            | ParseError::NestingTooDeep { span }
            | ParseError::ExpressionTooLarge { span, .. } => *span,
        }
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

// Every code this stage can produce (each has an example under `examples/errors/parse/`).
crate::diagnostic::diagnostic_codes! {
    ParseError {
        Syntax => "aifin::parse::syntax": "the text does not follow the grammar (each broken declaration separately)",
        NumberOutOfRange => "aifin::parse::number_out_of_range": "a literal does not fit an exact decimal",
        InvalidDate => "aifin::parse::invalid_date": "a calendar literal names no real day, month, quarter or half",
        DuplicateClause => "aifin::parse::duplicate_clause": "a flow repeats `from`, `to`, `on`, `as` or `life`",
        DuplicateSetting => "aifin::parse::duplicate_setting": "a scenario sets its timeline, currency or rounding twice",
        IntegerOutOfRange => "aifin::parse::integer_out_of_range": "a unit power outside -12..12, a minor unit outside 0..8",
        SourceTooLarge => "aifin::parse::source_too_large": "a source over 64 MiB",
        NestingTooDeep => "aifin::parse::nesting_too_deep": "brackets nested over 256 deep",
        ExpressionTooLarge => "aifin::parse::expression_too_large": "an expression of over 20,000 operators and operands",
        ReservedWord => "aifin::parse::reserved_word": "a reserved word used as a declared name",
    }
}

impl ToDiagnostic for ParseError {
    fn code(&self) -> &'static str {
        self.diagnostic_code()
    }

    fn to_diagnostic(&self) -> Diagnostic {
        let d = Diagnostic::error(self.code(), "");
        match self {
            ParseError::Syntax { span, expected, found, hint } => {
                Diagnostic { message: format!("expected {}, found {}", list(expected), found), ..d }
                    .with_label(*span, format!("expected {}", list(expected)))
                    .with_help(
                        hint.clone()
                            .unwrap_or_else(|| "see docs/language.md for the syntax of each declaration".into()),
                    )
            }
            ParseError::NumberOutOfRange { span } => {
                Diagnostic { message: "this number does not fit an exact decimal".into(), ..d }
                    .with_label(*span, "out of range")
                    .with_help(
                        "aifin's numbers are exact decimals: at most 79,228,162,514,264,337,593,543,950,335 \
                 and at most 28 decimal places",
                    )
            }
            ParseError::InvalidDate { span, reason } => {
                Diagnostic { message: format!("invalid calendar literal: {reason}"), ..d }
                    .with_label(*span, reason.clone())
                    .with_help("write days as 2025-01-31, months as 2025-01, quarters as 2025-Q1, halves as 2025-H1")
            }
            ParseError::DuplicateClause { span, first, clause } => {
                Diagnostic { message: format!("`{clause}` is given twice"), ..d }
                    .with_label(*span, "given again here")
                    .with_label(*first, "first given here")
                    .with_help(format!("a flow takes at most one `{clause}` clause"))
            }
            ParseError::DuplicateSetting { span, first, setting } => {
                Diagnostic { message: format!("the scenario sets its {setting} twice"), ..d }
                    .with_label(*span, "set again here")
                    .with_label(*first, "first set here")
                    .with_help(format!("keep one {setting}"))
            }
            ParseError::IntegerOutOfRange { span, range } => {
                Diagnostic { message: format!("this number must be a whole number in {range}"), ..d }
                    .with_label(*span, "out of range")
            }
            ParseError::ReservedWord { span, word } => {
                Diagnostic { message: format!("`{word}` is a reserved word and cannot name a declaration"), ..d }
                    .with_label(*span, "reserved")
                    .with_help(format!("choose another name, e.g. `{word}_`"))
            }
            ParseError::SourceTooLarge { span, len } => Diagnostic {
                message: format!("the source is {len} bytes; the limit is {} bytes", crate::limits::MAX_SOURCE_BYTES),
                ..d
            }
            .with_label(*span, "this file")
            .with_help("split the scenario into several files joined with `import`"),
            ParseError::NestingTooDeep { span } => {
                Diagnostic { message: format!("brackets nest deeper than {} levels", crate::limits::MAX_NESTING), ..d }
                    .with_label(*span, "this bracket is too deep")
                    .with_help("name the inner parts with `driver` declarations")
            }
            ParseError::ExpressionTooLarge { span, what, limit } => {
                Diagnostic { message: format!("this expression has more than {limit} {what}"), ..d }
                    .with_label(*span, "too large")
                    .with_help("split it into named `driver` declarations")
            }
        }
    }
}

/// A syntax error made specific: where to point (byte offsets in the piece), what was
/// expected and found, and help.
pub(crate) struct Refined {
    pub start: usize,
    pub end: usize,
    pub expected: Vec<String>,
    pub found: String,
    pub hint: String,
}

/// The steps a timeline or report takes (grammar rule `step`).
const STEPS: &str = "a step (daily, monthly, quarterly, yearly)";

/// Recognises mistakes the grammar alone reports in general terms: a string with an escape it
/// does not know (`"a \q"`) or a line break inside it, a step word that is not a step
/// (`report cash(A) weekly`, `timeline … annually`), and `expect fail` after a claim's test. `stop` is where parsing stopped in `piece`.
pub(crate) fn refine(piece: &str, stop: usize) -> Option<Refined> {
    let rest = piece.get(stop..)?;
    let lead = rest.len() - rest.trim_start().len();
    let at = stop + lead;
    if rest.trim_start().starts_with('"') {
        return bad_string(piece, at);
    }
    let word: String = rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let head = piece.trim_start();
    if word == "expect" && head.starts_with("claim") {
        return Some(Refined {
            start: at,
            end: at + word.len(),
            expected: vec!["the end of the claim".into()],
            found: "`expect` after the claim's test".into(),
            hint: "`expect fail` goes before the `:`: `claim \"…\" (source) expect fail: test`".into(),
        });
    }
    let steps_here = head.starts_with("report") || piece.get(..stop).is_some_and(|b| b.contains("timeline"));
    const NOT_STEPS: [&str; 12] = [
        "weekly",
        "biweekly",
        "fortnightly",
        "hourly",
        "annually",
        "annual",
        "semiannually",
        "semiannual",
        "half_yearly",
        "halfyearly",
        "biannually",
        "bimonthly",
    ];
    if steps_here && NOT_STEPS.contains(&word.as_str()) {
        let hint = match word.as_str() {
            "annually" | "annual" => "write `yearly`".to_string(),
            "weekly" | "biweekly" | "fortnightly" | "hourly" => format!(
                "there is no `{word}` step: a timeline or report is daily, monthly, quarterly or yearly \
                 (a daily timeline shows days; sum a week with `total(x, 2026-01-05 .. 2026-01-11)`)"
            ),
            _ => format!("there is no `{word}` step: a timeline or report is daily, monthly, quarterly or yearly"),
        };
        return Some(Refined {
            start: at,
            end: at + word.len(),
            expected: vec![STEPS.to_string()],
            found: format!("`{word}`"),
            hint,
        });
    }
    None
}

/// A string literal starting at `open` (its `"`) that the grammar refused: an unknown escape
/// or a raw line break, pointed at.
fn bad_string(piece: &str, open: usize) -> Option<Refined> {
    let body = piece.get(open + 1..)?;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\n' | '\r' => {
                return Some(Refined {
                    start: open,
                    end: open + 1 + i,
                    expected: vec!["the closing `\"` on the same line".into()],
                    found: "a line break inside the string".into(),
                    hint: "a string stays on one line: close it with `\"`, or write `\\n` for a line break".into(),
                })
            }
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                Some((j, e)) => {
                    return Some(Refined {
                        start: open + 1 + i,
                        end: open + 1 + j + e.len_utf8(),
                        expected: vec!["one of the escapes `\\\"`, `\\\\`, `\\n`, `\\t`".into()],
                        found: format!("the escape `\\{e}`"),
                        hint: format!(
                            "a string knows the escapes `\\\"`, `\\\\`, `\\n` and `\\t`; for a backslash \
                             followed by `{e}` write `\\\\{e}`"
                        ),
                    })
                }
                None => return None,
            },
            _ => {}
        }
    }
    None
}
