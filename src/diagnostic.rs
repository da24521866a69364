//! Diagnostics: the one shape every stage's errors take on their way to the user.
//!
//! Each stage has its own error enum with stable codes (`aifin::parse::…`, `aifin::units::…`,
//! `aifin::check::…`, `aifin::eval::…`); each implements [`ToDiagnostic`]. A [`Diagnostic`] is
//! plain data (code, message, labelled spans, help), rendered here with miette, so the library —
//! not the CLI — owns the rendering (golden tests see exactly what users see).
//!
//! A diagnostic shows the line each of its labels starts on and nothing more: no context line
//! above or below, and a label over several lines (a whole declaration) is cut at the end of
//! its first line (issue 16: a diagnostic on a file that holds a secret must not echo other
//! lines of it); a long line shows only around its labels ([`crate::snippet`]).
//!
//! Rendering is byte-stable when [`RenderStyle::Plain`] is used: no colour, fixed width 80, no
//! hyperlinks, unicode box drawing. The CLI picks `Plain` when stderr is not a terminal, when
//! `NO_COLOR` is set, or when `TERM=dumb`; only then does any terminal property matter.

use crate::snippet::Snippet;
use crate::source::{SourceId, SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;

/// How severe a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Stops the command.
    Error,
    /// Reported; the command goes on.
    Warning,
}

/// A label: a span with a short message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

impl Label {
    /// A label at `span` saying `message`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label { span, message: message.into() }
    }
}

/// A stage-independent diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `aifin::parse::syntax`.
    pub code: &'static str,
    /// One-line message.
    pub message: String,
    /// Severity.
    pub severity: Severity,
    /// Labelled spans; the first is the primary location.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// Further notes (rendered after the help).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with a code and message and no labels yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            severity: Severity::Error,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }
    /// A warning (it does not stop the command) with a code and message and no labels yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }
    /// Adds a label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label::new(span, message));
        self
    }
    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    /// The primary span, if any.
    pub fn primary(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// Implemented by every stage's error enum.
pub trait ToDiagnostic {
    /// The stable code of this error.
    fn code(&self) -> &'static str;
    /// The diagnostic to show.
    fn to_diagnostic(&self) -> Diagnostic;
}

/// One list per fact: a stage's error enum with the stable code of each variant. Generates
/// the enum's `CODES` (every code in order: the golden test wants an error example of each),
/// `DOCS` (each code with when it is reported: docs/language.md's table is generated from it) and `diagnostic_code()`, which the enum's
/// [`ToDiagnostic::code`] returns. A new code is one line here and one arm in `to_diagnostic`.
macro_rules! diagnostic_codes {
    ($ty:ident { $($variant:ident => $code:literal: $when:literal),+ $(,)? }) => {
        impl $ty {
            /// Every code of this stage, in order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// Every code with when it is reported (the table in docs/language.md).
            pub const DOCS: &'static [(&'static str, &'static str)] = &[$(($code, $when)),+];

            /// The stable code of this error.
            pub fn diagnostic_code(&self) -> &'static str {
                match self {
                    $($ty::$variant { .. } => $code),+
                }
            }
        }
    };
}
pub(crate) use diagnostic_codes;

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderStyle {
    /// No colour, width 80: byte-stable (files, pipes, NO_COLOR, golden tests).
    Plain,
    /// Colour for a terminal, width 80.
    Colour,
}

impl RenderStyle {
    /// The style for a stream: `Colour` only for a terminal without NO_COLOR and TERM=dumb.
    pub fn for_stream(is_terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").map(|t| t == "dumb").unwrap_or(false);
        if is_terminal && !no_color && !dumb {
            RenderStyle::Colour
        } else {
            RenderStyle::Plain
        }
    }
}

/// The width diagnostics are laid out to, whatever the terminal.
pub const RENDER_WIDTH: usize = 80;

struct Renderable<'a> {
    diag: &'a Diagnostic,
    source: Option<Snippet<'a>>,
    labels: Vec<Label>,
    notes: String,
}

impl fmt::Debug for Renderable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl fmt::Display for Renderable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl std::error::Error for Renderable<'_> {}

impl miette::Diagnostic for Renderable<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        match (&self.diag.help, self.notes.is_empty()) {
            (None, true) => None,
            (Some(h), true) => Some(Box::new(h.as_str())),
            (None, false) => Some(Box::new(self.notes.as_str())),
            (Some(h), false) => Some(Box::new(format!("{h}\n{}", self.notes))),
        }
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(|(i, l)| {
            let text = if l.message.is_empty() { None } else { Some(l.message.clone()) };
            let span = match &self.source {
                Some(src) => src.span(l.span.start(), l.span.len()),
                None => miette::SourceSpan::new(l.span.start().into(), l.span.len()),
            };
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })))
    }
}

/// Renders one diagnostic to text.
///
/// Labels in the primary label's source are drawn on that source; a label in another source
/// (say, a std module) is rendered as a note naming its location.
pub fn render(diag: &Diagnostic, sources: &SourceMap, style: RenderStyle) -> String {
    let primary_source: Option<SourceId> = diag.primary().map(|s| s.source());
    let mut labels = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for l in &diag.labels {
        if Some(l.span.source()) == primary_source {
            let text = sources.get(l.span.source()).map(|s| s.text()).unwrap_or_default();
            labels.push(Label { span: first_line(l.span, text), message: l.message.clone() });
        } else if let Some(src) = sources.get(l.span.source()) {
            let (line, col) = sources.line_col(l.span.source(), l.span.start());
            notes.push(format!("{}:{}:{}: {}", src.name(), line, col, l.message));
        }
    }
    notes.extend(diag.notes.iter().cloned());
    // long lines are cut around the labels (src/snippet.rs)
    let anchors: Vec<usize> = labels.iter().flat_map(|l| [l.span.start(), l.span.start() + l.span.len()]).collect();
    let source = primary_source.and_then(|id| sources.get(id)).map(|s| Snippet::new(s.name(), s.text(), &anchors));
    let r = Renderable { diag, source, labels, notes: notes.join("\n") };
    let theme = match style {
        RenderStyle::Plain => GraphicalTheme::unicode_nocolor(),
        RenderStyle::Colour => GraphicalTheme::unicode(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(RENDER_WIDTH)
        .with_links(false)
        // no context lines; the snippet gives whole labelled lines whatever is asked for
        .with_context_lines(0);
    let mut out = String::new();
    if handler.render_report(&mut out, &r).is_err() {
        out = format!("error[{}]: {}\n", diag.code, diag.message);
    }
    out
}

/// `span` cut at the end of its first line: a label over several lines (a whole declaration)
/// shows the line it starts on, so a diagnostic never prints more lines than its labels start
/// on, however long the span.
fn first_line(span: Span, text: &str) -> Span {
    let start = span.start();
    let inner = text.get(start..span.end()).unwrap_or_default();
    match inner.trim_end_matches(['\n', '\r']).find('\n') {
        Some(i) => {
            let end = start + inner.get(..i).map_or(i, |t| t.trim_end_matches('\r').len());
            Span::new(span.source(), text, start, end).unwrap_or(span)
        }
        None => span,
    }
}

/// Renders several diagnostics, separated as miette separates them, with a closing count.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, style: RenderStyle) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(d, sources, style));
    }
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    if errors > 1 {
        out.push_str(&format!("{errors} errors\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    #[test]
    fn plain_rendering_names_code_source_and_label() {
        let mut map = SourceMap::new();
        let id = map.add("x.aifin", "driver a = 1 / 0\n", SourceKind::File);
        let span = map.span(id, 13, 14).unwrap_or(Span::file_start(id));
        let d = Diagnostic::error("aifin::eval::division_by_zero", "division by zero")
            .with_label(span, "this divides by zero")
            .with_help("check the divisor");
        let text = render(&d, &map, RenderStyle::Plain);
        assert!(text.contains("aifin::eval::division_by_zero"), "{text}");
        assert!(text.contains("x.aifin:1:14"), "{text}");
        assert!(text.contains("this divides by zero"), "{text}");
        assert!(!text.contains('\u{1b}'), "no escape codes in plain output");
    }

    #[test]
    fn a_label_over_several_lines_shows_its_first_line_only() {
        let mut map = SourceMap::new();
        let text = "// one\ncontract c: loan {\r\n  secret_inside\n}\n// after\n";
        let id = map.add("x.aifin", text, SourceKind::File);
        let block = map.span(id, 7, text.len() - 9).unwrap_or(Span::file_start(id));
        let d = Diagnostic::error("aifin::types::missing_field", "needs `principal`").with_label(block, "missing");
        let out = render(&d, &map, RenderStyle::Plain);
        assert!(out.contains("contract c: loan {") && out.contains("x.aifin:2:1"), "{out}");
        for other in ["// one", "secret_inside", "// after", "}"] {
            assert!(!out.lines().any(|l| l.contains('│') && l.ends_with(other)), "{other}: {out}");
        }
        // a one-line span is left alone
        let one = map.span(id, 7, 15).unwrap_or(Span::file_start(id));
        assert_eq!(first_line(one, text), one);
    }
}
