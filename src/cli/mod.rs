//! The command line: `aifin check | run | plot | compare | explain | sweep | tornado | solve |
//! eval | fmt | repl | lsp | test | schedule | sample | merge | import`.
//!
//! [`run`] takes the arguments and returns what to print and the exit status, so the binary,
//! the golden tests and `aifin test` share one code path. Every command that reads a program
//! works through a [`Session`]. This file parses the arguments and dispatches; `commands.rs`
//! holds one function per command, which picks a renderer. Exit status: 0 success, 1 the input
//! has errors (or a check failed), 2 usage error or a feature that is not available.

use crate::diagnostic::{render_all, Diagnostic, RenderStyle};
use crate::session::Session;
use crate::source::SourceMap;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use crate::golden::Output;

mod commands;
use commands::*;

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

/// Output formats of `aifin run` and `aifin sample`: the report formats, and one HTML page
/// (src/plot/html.rs, src/plot/samples.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    /// Aligned tables.
    Text,
    /// JSON with exact decimals as strings.
    Json,
    /// CSV with one header row.
    Csv,
    /// One self-contained HTML page of charts and tables (docs/charts.md).
    Html,
}

/// Output formats of `aifin explain` (a tree has no CSV form, so `--help` lists only these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TreeFormat {
    /// An indented tree.
    Text,
    /// JSON with exact decimals as strings.
    Json,
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
    /// Also allow imports from this folder (repeatable); imports otherwise stay inside the
    /// main file's folder tree (docs/language.md § import).
    #[arg(long = "allow-import", value_name = "DIR", global = true)]
    allow_import: Vec<PathBuf>,
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
        /// With `--claims`: the scenario to evaluate them in (default: the first declared).
        #[arg(long, requires = "claims", conflicts_with = "all_scenarios")]
        scenario: Option<String>,
        /// With `--claims`: evaluate them in every scenario.
        #[arg(long, requires = "claims")]
        all_scenarios: bool,
    },
    /// Evaluate a scenario and print its reports.
    Run {
        /// The scenario file.
        file: PathBuf,
        /// The scenario to run (default: the first declared).
        #[arg(long, conflicts_with = "all_scenarios")]
        scenario: Option<String>,
        /// Run every scenario, one after the other.
        #[arg(long)]
        all_scenarios: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RunFormat::Text)]
        format: RunFormat,
        /// Print money in thousands, millions, billions or trillions (text only; a report's
        /// own `in B USD` wins; JSON and CSV stay exact).
        #[arg(long, value_parser = ["k", "M", "B", "T"])]
        scale: Option<String>,
        /// Write the output to this file instead of printing it (for `--format html`).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Chart expressions of a scenario as SVG: flows as stacked bars, balances and series as
    /// lines, one panel per unit on one time axis (docs/charts.md).
    Plot {
        /// The scenario file.
        file: PathBuf,
        /// The expressions to chart (`cash(OpenAI)`, `revenue(OpenAI)`, …; after `--` when one
        /// starts with `-`).
        #[arg(required = true)]
        exprs: Vec<String>,
        /// The scenario (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// Write the SVG to this file instead of printing it.
        #[arg(long, value_name = "FILE.svg")]
        out: Option<PathBuf>,
        /// The first period shown (`2028-03`, or `2028` for its first period).
        #[arg(long, value_name = "P")]
        from: Option<String>,
        /// The last period shown (`2028-06`, or `2028` for its last period).
        #[arg(long, value_name = "P")]
        to: Option<String>,
    },
    /// Two scenarios side by side: every report item and claim, with the differences.
    Compare {
        /// The scenario file.
        file: PathBuf,
        /// The first scenario (A).
        a: String,
        /// The second scenario (B); differences are B - A.
        b: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// How a value was computed: a tree of what it was computed from, with values, units and
    /// where each is declared.
    Explain {
        /// The scenario file.
        file: PathBuf,
        /// The expression (`cash(OpenAI)`, `defaulted(CoreWeave)`), or `claim N` / `claim "TEXT"`.
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// The period (default: the timeline's last).
        #[arg(long)]
        at: Option<String>,
        /// The scenario (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// How many levels to show.
        #[arg(long, default_value_t = 6)]
        depth: usize,
        /// Output format (text or json).
        #[arg(long, value_enum, default_value_t = TreeFormat::Text)]
        format: TreeFormat,
    },
    /// One input over a range: the output at each of N equal steps.
    Sweep {
        /// The scenario file.
        file: PathBuf,
        /// The driver and its range: `NAME=LOW..HIGH` (e.g. `price=10 USD..30 USD`).
        #[arg(long)]
        vary: String,
        /// The number of steps, both ends included.
        #[arg(long, default_value_t = 5)]
        steps: usize,
        /// The output expression.
        #[arg(long, allow_hyphen_values = true)]
        report: String,
        /// The scenario (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// The period the output is read in (default: the timeline's last).
        #[arg(long)]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Every input declared as a range moved to its low and its high, sorted by the swing.
    Tornado {
        /// The scenario file.
        file: PathBuf,
        /// The output expression.
        #[arg(long, allow_hyphen_values = true)]
        report: String,
        /// The scenario (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// The period the output is read in (default: the timeline's last).
        #[arg(long)]
        at: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Goal seek: the value of a driver at which an expression of the run reaches a target.
    Solve {
        /// The scenario file.
        file: PathBuf,
        /// The driver to vary.
        #[arg(long)]
        vary: String,
        /// `EXPR == VALUE`, e.g. 'funding_gap(OpenAI, 2025-10 .. 2030-12) == 0 USD'.
        #[arg(long, allow_hyphen_values = true)]
        target: String,
        /// `LOW..HIGH` in the driver's dimension (default: a tenth to ten times its value).
        #[arg(long, allow_hyphen_values = true)]
        between: Option<String>,
        /// The scenario to run (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
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
    /// Interactive session: load files, ask questions, change assumptions (docs/repl.md).
    /// Reads inputs from stdin when it is not a terminal (a script: results to stdout,
    /// diagnostics to stderr, exit 1 at the first failing input).
    Repl {
        /// Files to load first.
        files: Vec<PathBuf>,
        /// The scenario to start in (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// Without a terminal: run every input even after one fails (the exit status is still 1).
        #[arg(long)]
        keep_going: bool,
    },
    /// Language server over stdio for editors (docs/editors.md): diagnostics, hover, go to
    /// definition, references, completion, symbols, formatting, rename.
    Lsp,
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
        /// The scenario whose overrides apply (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Monte Carlo: run a scenario once per sample, each uncertain input drawn (docs/language.md, Sampling).
    Sample {
        /// The scenario file.
        file: PathBuf,
        /// The scenario to sample (default: the first declared).
        #[arg(long)]
        scenario: Option<String>,
        /// The number of samples.
        #[arg(long, default_value_t = crate::sample::DEFAULT_SAMPLES)]
        samples: u64,
        /// The seed (sample i draws from ChaCha8 seeded with it, on stream i).
        #[arg(long, default_value_t = crate::sample::DEFAULT_SEED)]
        seed: u64,
        /// Threads to run samples on (the output does not depend on it; default: the cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Run only shard K of N (K from 0) and print its samples as a shard file for `aifin merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Output format (html: fan charts of the percentiles on one page, docs/charts.md).
        #[arg(long, value_enum, default_value_t = RunFormat::Text)]
        format: RunFormat,
    },
    /// Combine the shard files of one `aifin sample --shard` run into its result.
    Merge {
        /// The shard files, all N of them.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
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
    if let Some(bad) = cli.allow_import.iter().find(|d| !d.is_dir()) {
        let stderr = format!("aifin: --allow-import {}: not a folder\n", bad.display());
        return Output { stdout: String::new(), stderr, code: 2 };
    }
    let allow = &cli.allow_import;
    match cli.command {
        Command::Check { files, claims, scenario, all_scenarios } => {
            let which = match (claims, scenario, all_scenarios) {
                (false, _, _) => None,
                (true, _, true) => Some(Scenarios::All),
                (true, s, false) => Some(Scenarios::One(s)),
            };
            check(&files, which, allow, style)
        }
        Command::Eval { expr } => {
            let mut session = Session::new();
            // `aifin eval` is a calculator: std/finance's functions are in scope too.
            if let Err(diags) = session.load_text("<eval prelude>", "import \"std/finance\"\n") {
                return failed(&diags, session.sources(), style);
            }
            // the expression's own warnings (a point outside its range), if it checks
            let warnings = match session.check_expr("<eval>", &expr) {
                Ok((p, e)) => session.render(&crate::eval::warning::expr_warnings(&p, &e), style),
                Err(_) => String::new(),
            };
            match session.eval(&expr, None) {
                Ok(v) => {
                    Output { stdout: format!("{}\n", v.format(&session.program().registry)), stderr: warnings, code: 0 }
                }
                Err(diags) => failed(&diags, session.sources(), style),
            }
        }
        Command::Fmt { file, check } => fmt(&mut SourceMap::new(), &file, check, style),
        Command::Test { path, bless } => {
            let root = path.unwrap_or_else(|| PathBuf::from("examples"));
            let summary = crate::golden::run_all(&root, bless, &|args| run(args, RenderStyle::Plain));
            Output {
                stdout: summary.report,
                stderr: String::new(),
                code: if summary.failed == 0 && summary.passed > 0 { 0 } else { 1 },
            }
        }
        Command::Run { file, scenario, all_scenarios, format, scale, out } => {
            let format = match format {
                RunFormat::Text => Format::Text,
                RunFormat::Json => Format::Json,
                RunFormat::Csv => Format::Csv,
                RunFormat::Html => {
                    let mut session = disk_session(allow);
                    let r = session.load_file(&file).map_err(crate::plot::Failure::from).and_then(|()| {
                        let names = crate::scenarios::names(session.program(), scenario.as_deref(), all_scenarios);
                        crate::plot::html::report(&mut session, &file.display().to_string(), &names)
                    });
                    let mut o = written(r, out.as_deref(), "run", &session, style);
                    o.stderr.insert_str(0, &session.render(session.warnings(), style));
                    return o;
                }
            };
            let o = run_file(&file, scenario.as_deref(), all_scenarios, format, scale.as_deref(), allow, style);
            match out {
                Some(path) if o.code == 0 => {
                    let mut w = written(Ok(o.stdout), Some(&path), "run", &disk_session(allow), style);
                    w.stderr.insert_str(0, &o.stderr);
                    w
                }
                _ => o,
            }
        }
        Command::Plot { file, exprs, scenario, out, from, to } => {
            let mut session = disk_session(allow);
            let name = file.display().to_string();
            let req = crate::plot::Request {
                file: &name,
                exprs: &exprs,
                scenario: scenario.as_deref(),
                from: from.as_deref(),
                to: to.as_deref(),
            };
            let r = session
                .load_file(&file)
                .map_err(crate::plot::Failure::from)
                .and_then(|()| crate::plot::plot(&mut session, &req));
            let mut o = written(r, out.as_deref(), "plot", &session, style);
            o.stderr.insert_str(0, &session.render(session.warnings(), style));
            o
        }
        Command::Solve { file, vary, target, between, scenario } => {
            solve(&mut SourceMap::new(), &file, &vary, &target, between.as_deref(), scenario.as_deref(), style)
        }
        Command::Explain { file, expr, at, scenario, depth, format } => {
            let req = crate::explain::Request { at, scenario, depth };
            explain(&file, &expr, &req, format, allow, style)
        }
        Command::Sweep { file, vary, steps, report, scenario, at, format } => {
            let mut session = disk_session(allow);
            let r = crate::sensitivity::parse_vary(&vary).and_then(|(name, range)| {
                let (program, exprs) = checked_with(&mut session, &file, &[("<report>", &report), ("<vary>", range)])?;
                let [out, range] = exprs.as_slice() else {
                    return Err(crate::explain::Failure::Request("nothing to sweep".into()));
                };
                let (scenario, at) = (scenario.as_deref(), at.as_deref());
                crate::sensitivity::sweep_program(&program, session.sources(), name, range, steps, out, scenario, at)
            });
            let r = r.map(|s| crate::sensitivity::render_sweep(&s, &report, format_name(format)));
            sensitivity(r, "sweep", session.sources(), style)
        }
        Command::Tornado { file, report, scenario, at, format } => {
            let mut session = disk_session(allow);
            let r =
                checked_with(&mut session, &file, &[("<report>", &report)]).and_then(|(program, exprs)| {
                    match exprs.first() {
                        Some(out) => crate::sensitivity::tornado_program(
                            &program,
                            session.sources(),
                            out,
                            scenario.as_deref(),
                            at.as_deref(),
                        ),
                        None => Err(crate::explain::Failure::Request("nothing to report".into())),
                    }
                });
            let r = r.map(|t| crate::sensitivity::render_tornado(&t, &report, format_name(format)));
            sensitivity(r, "tornado", session.sources(), style)
        }
        Command::Compare { file, a, b, format } => compare(&file, (&a, &b), format, allow, style),
        Command::Lsp => Output { code: crate::lsp::run_stdio(), ..Output::default() },
        Command::Repl { files, scenario, keep_going } => repl(&files, scenario.as_deref(), keep_going, allow, style),
        Command::Schedule { file, contract, scenario, format } => {
            schedule(&file, &contract, scenario.as_deref(), format, allow, style)
        }
        Command::Import { standard, file } => import(&standard, &file),
        Command::Sample { file, scenario, samples, seed, threads, shard, format } => {
            let opts = SampleArgs { scenario, samples, seed, threads, shard };
            sample(&file, &opts, format, style)
        }
        Command::Merge { shards, format } => merge(&shards, format),
    }
}

/// A picture or page: printed, or written to `out` (then nothing is printed).
fn written(
    r: Result<String, crate::plot::Failure>,
    out: Option<&std::path::Path>,
    cmd: &str,
    session: &Session,
    style: RenderStyle,
) -> Output {
    match (r, out) {
        (Ok(text), None) => Output { stdout: text, stderr: String::new(), code: 0 },
        (Ok(text), Some(path)) => match std::fs::write(path, text) {
            Ok(()) => Output::default(),
            Err(e) => Output {
                stdout: String::new(),
                stderr: format!("aifin {cmd}: cannot write {}: {e}\n", path.display()),
                code: 1,
            },
        },
        (Err(crate::plot::Failure::Diagnostics(d)), _) => failed(&d, session.sources(), style),
        (Err(crate::plot::Failure::Usage(m)), _) => usage(cmd, m),
    }
}

fn repl(files: &[PathBuf], scenario: Option<&str>, keep_going: bool, allow: &[PathBuf], style: RenderStyle) -> Output {
    use std::io::{BufRead, IsTerminal, Write};
    if std::io::stdin().is_terminal() {
        return Output { code: crate::terminal::run(files, scenario, allow, style), ..Output::default() };
    }
    let mut repl = crate::repl::Repl::allowing(allow.to_vec(), style);
    let start = repl.start(files, scenario);
    if start.failed {
        return Output { stdout: String::new(), stderr: start.err, code: 1 };
    }
    // the loaded files' warnings
    let _ = std::io::stderr().lock().write_all(start.err.as_bytes());
    // Each answer is written as soon as its input is complete, so a program can drive the
    // REPL through a pipe. A line that cannot be read (not UTF-8) ends the input with exit 1.
    let unreadable = std::cell::Cell::new(None);
    let lines = std::io::stdin().lock().lines().map_while(|l| l.map_err(|e| unreadable.set(Some(e))).ok());
    let failed = crate::repl::script::run(&mut repl, lines, keep_going, |out, err| {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(out.as_bytes());
        let _ = o.flush();
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(err.as_bytes());
        let _ = e.flush();
    });
    match unreadable.take() {
        Some(e) => Output { stderr: format!("aifin repl: cannot read stdin: {e}\n"), code: 1, ..Output::default() },
        None => Output { code: i32::from(failed), ..Output::default() },
    }
}

/// Renders diagnostics as a failed command (exit 1).
pub fn failed(diags: &[Diagnostic], sources: &SourceMap, style: RenderStyle) -> Output {
    Output { stdout: String::new(), stderr: render_all(diags, sources, style), code: 1 }
}

/// Which scenarios a command evaluates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenarios {
    /// One (the first declared when `None`).
    One(Option<String>),
    /// Every declared scenario, in order.
    All,
}
