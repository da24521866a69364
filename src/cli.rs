//! The command line: `aifin check | run | eval | fmt | repl | test | schedule | import`.
//!
//! [`run`] takes the arguments and returns what to print and the exit status, so the binary,
//! the golden tests and `aifin test` share one code path. Exit status: 0 success, 1 the input
//! has errors (or a check failed), 2 usage error or a feature that is not available.

use crate::diagnostic::{render_all, Diagnostic, RenderStyle};
use crate::source::SourceMap;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// What a command printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub code: i32,
}

/// Output formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned tables.
    Text,
    /// JSON with exact decimals as strings.
    Json,
    /// CSV with one header row.
    Csv,
}

#[derive(Debug, Parser)]
#[command(
    name = "aifin",
    version,
    about = "A declarative, unit-checked, exact scenario language for the economics of AI",
    long_about = "aifin reads .aifin scenario files — entities, contracts, cost drivers, growth curves, \
                  claims — checks their units, evaluates them over a timeline with exact decimals, and \
                  reports cash, profit, funding gaps and defaults.\n\nThe language reference is docs/language.md.",
    after_help = "Examples:\n  aifin eval '15M USD/day in USD/hour'\n  aifin check examples/syntax/entity.aifin\n  aifin test examples"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and type-check files; report every error at once.
    Check {
        /// The files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also evaluate the claims and fail if one does not come out as expected.
        #[arg(long)]
        claims: bool,
    },
    /// Evaluate a scenario and print its reports.
    Run {
        /// The scenario file.
        file: PathBuf,
        /// The scenario to run (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print money in thousands, millions, billions or trillions (text only; a report's
        /// own `in B USD` wins; JSON and CSV stay exact).
        #[arg(long, value_parser = ["k", "M", "B", "T"])]
        scale: Option<String>,
    },
    /// Evaluate one expression exactly, with units: `aifin eval '15M USD/day in USD/hour'`.
    Eval {
        /// The expression.
        #[arg(allow_hyphen_values = true)]
        expr: String,
    },
    /// Print a file in canonical form.
    Fmt {
        /// The file.
        file: PathBuf,
        /// Exit 1 if the file is not already in canonical form, instead of printing it.
        #[arg(long)]
        check: bool,
    },
    /// Interactive session: load a file, then ask.
    Repl {
        /// A file to load first.
        file: Option<PathBuf>,
    },
    /// Run the golden examples: each .aifin file against the .expected file beside it.
    Test {
        /// A folder or file (default: examples).
        path: Option<PathBuf>,
        /// Rewrite the expected files from the current output.
        #[arg(long)]
        bless: bool,
    },
    /// List a contract's dated events (ACTUS event codes).
    Schedule {
        /// The scenario file.
        file: PathBuf,
        /// The contract's name.
        contract: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Convert a contract from another standard into .aifin.
    Import {
        /// The standard (`actus`).
        standard: String,
        /// The term sheet.
        file: PathBuf,
    },
}

/// Runs the command line `args` (including the program name) and returns its output.
pub fn run<I, T>(args: I, style: RenderStyle) -> Output
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let text = e.render().to_string();
            let code = if e.use_stderr() { 2 } else { 0 };
            return if e.use_stderr() {
                Output { stdout: String::new(), stderr: text, code }
            } else {
                Output { stdout: text, stderr: String::new(), code }
            };
        }
    };
    let mut sources = SourceMap::new();
    match cli.command {
        Command::Check { files, claims } => check(&mut sources, &files, claims, style),
        Command::Eval { expr } => match crate::driver::eval_text(&mut sources, &expr) {
            Ok((text, _, _)) => Output { stdout: format!("{text}\n"), stderr: String::new(), code: 0 },
            Err(diags) => failed(&diags, &sources, style),
        },
        Command::Fmt { file, check } => fmt(&mut sources, &file, check, style),
        Command::Test { path, bless } => {
            let root = path.unwrap_or_else(|| PathBuf::from("examples"));
            let summary = crate::golden::run_all(&root, bless);
            Output {
                stdout: summary.report,
                stderr: String::new(),
                code: if summary.failed == 0 && summary.passed > 0 { 0 } else { 1 },
            }
        }
        Command::Run { file, scenario, format, scale } => {
            run_file(&mut sources, &file, scenario.as_deref(), format, scale.as_deref(), style)
        }
        Command::Repl { .. } => not_yet("repl", "the interactive session is not available in this build"),
        Command::Schedule { file, contract, format } => schedule(&mut sources, &file, &contract, format, style),
        Command::Import { standard, file } => import(&standard, &file),
    }
}

fn not_yet(cmd: &str, what: &str) -> Output {
    Output {
        stdout: String::new(),
        stderr: format!("aifin {cmd}: {what}; see CHANGELOG.md for what this version does\n"),
        code: 2,
    }
}

/// Renders diagnostics as a failed command (exit 1).
pub fn failed(diags: &[Diagnostic], sources: &SourceMap, style: RenderStyle) -> Output {
    Output { stdout: String::new(), stderr: render_all(diags, sources, style), code: 1 }
}

fn check(sources: &mut SourceMap, files: &[PathBuf], claims: bool, style: RenderStyle) -> Output {
    if claims {
        return not_yet(
            "check --claims",
            "evaluating claims needs the evaluation engine, which is not available in this build",
        );
    }
    let mut out = Output::default();
    for f in files {
        let (program, diags) = crate::driver::compile_file(sources, f);
        if diags.is_empty() {
            out.stdout.push_str(&format!(
                "{}: ok ({} entities, {} drivers and curves, {} flows, {} contracts, {} claims, {} reports)\n",
                f.display(),
                program.entities.len(),
                program.definitions.iter().filter(|d| !is_std(sources, d.span)).count(),
                program.flows.len(),
                program.contracts.len(),
                program.claims.len(),
                program.reports.len()
            ));
        } else {
            out.stderr.push_str(&render_all(&diags, sources, style));
            out.code = 1;
        }
    }
    out
}

fn run_file(
    sources: &mut SourceMap,
    file: &std::path::Path,
    scenario: Option<&str>,
    format: Format,
    scale: Option<&str>,
    style: RenderStyle,
) -> Output {
    let (program, diags) = crate::driver::compile_file(sources, file);
    if !diags.is_empty() {
        return failed(&diags, sources, style);
    }
    let r = crate::eval::engine::run_scenario(&program, scenario)
        .and_then(|mut run| crate::report::outcome(&mut run, sources));
    match r {
        Ok(mut o) => {
            o.scale = scale.and_then(|m| crate::check::ir::Scale::new(m, &o.currency));
            let stdout = match format {
                Format::Text => crate::report::text::render(&o),
                Format::Json => crate::report::json::render(&o),
                Format::Csv => crate::report::csv::render(&o),
            };
            Output { stdout, stderr: String::new(), code: 0 }
        }
        Err(e) => failed(&[crate::diagnostic::ToDiagnostic::to_diagnostic(&e)], sources, style),
    }
}

fn schedule(sources: &mut SourceMap, file: &std::path::Path, name: &str, format: Format, style: RenderStyle) -> Output {
    let (program, diags) = crate::driver::compile_file(sources, file);
    if !diags.is_empty() {
        return failed(&diags, sources, style);
    }
    let Some(c) = program.contracts.iter().find(|c| c.name == name) else {
        let known: Vec<&str> = program.contracts.iter().map(|c| c.name.as_str()).collect();
        let hint = match crate::units::suggest(name, known.iter().copied()) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None if known.is_empty() => " (the file declares no contract)".to_string(),
            None => format!(" (the contracts are: {})", known.join(", ")),
        };
        return Output {
            stdout: String::new(),
            stderr: format!("aifin schedule: no contract `{name}` in {}{hint}\n", file.display()),
            code: 1,
        };
    };
    if c.spec.kind != "loan" {
        return match crate::report::schedule::payments(c, &program) {
            Ok(ps) => {
                let stdout = match format {
                    Format::Json => crate::report::schedule::payments_json(&ps, &program),
                    Format::Csv => crate::report::schedule::payments_csv(&ps, &program),
                    Format::Text => crate::report::schedule::payments_text(c, &ps, &program),
                };
                Output { stdout, stderr: String::new(), code: 0 }
            }
            Err(e) => failed(&[crate::diagnostic::ToDiagnostic::to_diagnostic(&e)], sources, style),
        };
    }
    match crate::report::schedule::events(c, &program) {
        Ok(events) => {
            let stdout = match format {
                Format::Json => crate::report::schedule::json(&events),
                Format::Csv => crate::report::schedule::csv(&events),
                Format::Text => crate::report::schedule::text(c, &events, &program),
            };
            Output { stdout, stderr: String::new(), code: 0 }
        }
        Err(e) => failed(&[crate::diagnostic::ToDiagnostic::to_diagnostic(&e)], sources, style),
    }
}

fn import(standard: &str, file: &std::path::Path) -> Output {
    if standard != "actus" {
        return Output {
            stdout: String::new(),
            stderr: format!("aifin import: unknown standard `{standard}` (known: actus)\n"),
            code: 2,
        };
    }
    let json = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return Output {
                stdout: String::new(),
                stderr: format!("aifin import: cannot read {}: {e}\n", file.display()),
                code: 1,
            }
        }
    };
    match crate::contracts::actus::import(&json) {
        Ok(text) => Output { stdout: text, stderr: String::new(), code: 0 },
        Err(e) => {
            let term = if e.term.is_empty() { String::new() } else { format!(" (term `{}`)", e.term) };
            Output {
                stdout: String::new(),
                stderr: format!("aifin import: {}{term}: {}\n", file.display(), e.reason),
                code: 1,
            }
        }
    }
}

fn is_std(sources: &SourceMap, span: crate::source::Span) -> bool {
    sources.get(span.source()).is_some_and(|s| s.kind() == crate::source::SourceKind::Std)
}

fn fmt(sources: &mut SourceMap, file: &std::path::Path, check: bool, style: RenderStyle) -> Output {
    let loaded_text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            let d = crate::driver::LoadError::Unreadable {
                span: None,
                path: file.display().to_string(),
                reason: e.to_string(),
            };
            return failed(&[crate::diagnostic::ToDiagnostic::to_diagnostic(&d)], sources, style);
        }
    };
    let id = sources.add(file.display().to_string(), loaded_text.clone(), crate::source::SourceKind::File);
    let (ast, errors) = crate::syntax::parse_file(sources, id);
    if !errors.is_empty() {
        let diags: Vec<Diagnostic> = errors.iter().map(crate::diagnostic::ToDiagnostic::to_diagnostic).collect();
        return failed(&diags, sources, style);
    }
    let text = crate::syntax::fmt::file(&ast, sources);
    if check {
        if text == loaded_text {
            Output { stdout: String::new(), stderr: String::new(), code: 0 }
        } else {
            Output {
                stdout: String::new(),
                stderr: format!("{}: not in canonical form (run `aifin fmt` to see it)\n", file.display()),
                code: 1,
            }
        }
    } else {
        Output { stdout: text, stderr: String::new(), code: 0 }
    }
}
