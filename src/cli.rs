//! The command line: `aifin check | run | plot | compare | explain | sweep | tornado | eval | fmt | repl |
//! test | schedule | import`.
//!
//! [`run`] takes the arguments and returns what to print and the exit status, so the binary,
//! the golden tests and `aifin test` share one code path. Every command that reads a program
//! works through a [`Session`]; this file only parses arguments and picks a renderer. Exit
//! status: 0 success, 1 the input has errors (or a check failed), 2 usage error or a feature
//! that is not available.

use crate::diagnostic::{render_all, Diagnostic, RenderStyle};
use crate::session::Session;
use crate::source::SourceMap;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use crate::golden::Output;

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

/// A session reading imports from the disk under the import policy, widened by `allow`.
fn disk_session(allow: &[PathBuf]) -> Session {
    Session::with_importer(Box::new(crate::driver::DiskImporter::allowing(allow.to_vec())))
}

fn check(files: &[PathBuf], claims: Option<Scenarios>, allow: &[PathBuf], style: RenderStyle) -> Output {
    let mut out = Output::default();
    let mut session = disk_session(allow);
    for f in files {
        if let Err(diags) = session.load_file(f) {
            out.stderr.push_str(&session.render(&diags, style));
            out.code = 1;
            continue;
        }
        out.stderr.push_str(&session.render(session.warnings(), style));
        let program = session.program().clone();
        let names = match &claims {
            None => {
                out.stdout.push_str(&format!(
                    "{}: ok ({} entities, {} drivers and curves, {} flows, {} contracts, {} claims, {} reports)\n",
                    f.display(),
                    program.entities.len(),
                    program
                        .definitions
                        .iter()
                        .filter(
                            |d| !is_std(session.sources(), d.span) && !crate::check::overrides::is_field_definition(d)
                        )
                        .count(),
                    program.flows.len(),
                    program.contracts.len(),
                    program.claims.len(),
                    program.reports.len()
                ));
                continue;
            }
            Some(_) if program.claims.is_empty() => {
                out.stdout.push_str(&format!("{}: ok, no claims to evaluate\n", f.display()));
                continue;
            }
            Some(Scenarios::All) => crate::scenarios::names(&program, None, true),
            Some(Scenarios::One(s)) => crate::scenarios::names(&program, s.as_deref(), false),
        };
        for name in names {
            match session.outcome(name.as_deref()) {
                Ok(o) => {
                    out.stdout.push_str(&format!("{}: scenario {}\n", f.display(), o.scenario));
                    crate::report::text::claims_section(&o, &mut out.stdout);
                    if o.claims.iter().any(|c| !c.as_expected()) {
                        out.code = 1;
                    }
                }
                Err(diags) => {
                    out.stderr.push_str(&session.render(&diags, style));
                    out.code = 1;
                }
            }
        }
    }
    out
}

fn run_file(
    file: &std::path::Path,
    scenario: Option<&str>,
    all: bool,
    format: Format,
    scale: Option<&str>,
    allow: &[PathBuf],
    style: RenderStyle,
) -> Output {
    let mut session = disk_session(allow);
    if let Err(diags) = session.load_file(file) {
        return failed(&diags, session.sources(), style);
    }
    let warnings = session.render(session.warnings(), style);
    let program = session.program().clone();
    let mut outcomes = Vec::new();
    for name in crate::scenarios::names(&program, scenario, all) {
        match session.outcome(name.as_deref()) {
            Ok(mut o) => {
                o.scale = scale.and_then(|m| crate::check::ir::Scale::new(m, &o.currency));
                outcomes.push(o)
            }
            Err(diags) => {
                let mut out = failed(&diags, session.sources(), style);
                out.stderr.insert_str(0, &warnings);
                return out;
            }
        }
    }
    let stdout = match (format, outcomes.as_slice()) {
        (Format::Text, os) => os.iter().map(crate::report::text::render).collect::<Vec<_>>().join("\n"),
        (Format::Json, [o]) if !all => crate::report::json::render(o),
        (Format::Json, os) => crate::scenarios::json_all(os),
        (Format::Csv, [o]) if !all => crate::report::csv::render(o),
        (Format::Csv, os) => crate::scenarios::csv_all(os),
    };
    Output { stdout, stderr: warnings, code: 0 }
}

fn compare(
    file: &std::path::Path,
    (a, b): (&str, &str),
    format: Format,
    allow: &[PathBuf],
    style: RenderStyle,
) -> Output {
    let mut session = disk_session(allow);
    let both = session
        .load_file(file)
        .and_then(|()| session.outcome(Some(a)))
        .and_then(|x| session.outcome(Some(b)).map(|y| (x, y)));
    match both {
        Ok((x, y)) => {
            let c = crate::compare::compare(&x, &y);
            let stdout = match format {
                Format::Text => crate::compare::text(&c),
                Format::Json => crate::compare::json(&c),
                Format::Csv => crate::compare::csv(&c),
            };
            Output { stdout, stderr: String::new(), code: 0 }
        }
        Err(diags) => failed(&diags, session.sources(), style),
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

fn sensitivity(
    r: Result<String, crate::explain::Failure>,
    cmd: &str,
    sources: &SourceMap,
    style: RenderStyle,
) -> Output {
    match r {
        Ok(stdout) => Output { stdout, stderr: String::new(), code: 0 },
        Err(crate::explain::Failure::Diagnostics(d)) => failed(&d, sources, style),
        Err(crate::explain::Failure::Request(what)) => {
            Output { stdout: String::new(), stderr: format!("aifin {cmd}: {what}\n"), code: 1 }
        }
    }
}

/// Loads `file` into the session and checks each `(name, text)` expression against it.
fn checked_with(
    session: &mut Session,
    file: &std::path::Path,
    exprs: &[(&str, &str)],
) -> Result<(crate::check::ir::Program, Vec<crate::check::ir::TExpr>), crate::explain::Failure> {
    use crate::explain::Failure;
    session.load_file(file).map_err(Failure::Diagnostics)?;
    let mut program = (**session.program()).clone();
    let mut out = Vec::new();
    for (name, text) in exprs {
        let (p, t) = session.check_expr(name, text).map_err(Failure::Diagnostics)?;
        program = p;
        out.push(t);
    }
    Ok((program, out))
}

fn explain(
    file: &std::path::Path,
    expr: &str,
    req: &crate::explain::Request,
    format: TreeFormat,
    allow: &[PathBuf],
    style: RenderStyle,
) -> Output {
    use crate::explain::{Failure, Target};
    let mut session = disk_session(allow);
    let claim = crate::explain::claim_request(expr);
    let exprs: &[(&str, &str)] = if claim.is_some() { &[] } else { &[("<explain>", expr)] };
    let r = checked_with(&mut session, file, exprs).and_then(|(program, exprs)| {
        let target = match (claim, exprs.into_iter().next()) {
            (Some(c), _) => Target::Claim(c.to_string()),
            (None, Some(e)) => Target::Expr(e),
            (None, None) => return Err(Failure::Request("nothing to explain".into())),
        };
        crate::explain::explain_program(&program, session.sources(), &target, req)
    });
    match r {
        Ok(x) => {
            let stdout = match format {
                TreeFormat::Json => crate::explain::render::json(&x.root, &x.scenario, &x.period),
                TreeFormat::Text => {
                    let header = format!("scenario {}, {}:", x.scenario, x.period);
                    crate::explain::render::text(&x.root, &header, x.rounding)
                }
            };
            Output { stdout, stderr: String::new(), code: 0 }
        }
        Err(Failure::Diagnostics(d)) => failed(&d, session.sources(), style),
        Err(Failure::Request(what)) => {
            Output { stdout: String::new(), stderr: format!("aifin explain: {what}\n"), code: 1 }
        }
    }
}

fn schedule(
    file: &std::path::Path,
    name: &str,
    scenario: Option<&str>,
    format: Format,
    allow: &[PathBuf],
    style: RenderStyle,
) -> Output {
    let mut session = disk_session(allow);
    if let Err(diags) = session.load_file(file) {
        return failed(&diags, session.sources(), style);
    }
    let program = session.program().clone();
    let Some((cid, c)) = program.contracts.iter_enumerated().find(|(_, c)| c.name == name) else {
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
    let is_loan = c.spec.kind == "loan";
    // A loan's terms are constants, so a program without scenarios still has its schedule;
    // with scenarios, the chosen one's overrides apply, as they do to every other contract.
    let result = if is_loan && scenario.is_none() && program.scenarios.is_empty() {
        None
    } else {
        match session.run(scenario) {
            Ok(r) => Some(r),
            Err(diags) => return failed(&diags, session.sources(), style),
        }
    };
    let run = match &result {
        Some(r) => r.query(),
        None => crate::eval::engine::Run::constants(&program, c.span),
    };
    let failed_with = |e: crate::eval::EvalError| {
        failed(&[crate::diagnostic::ToDiagnostic::to_diagnostic(&e)], session.sources(), style)
    };
    let mut run = match run {
        Ok(r) => r,
        Err(e) => return failed_with(e),
    };
    let stdout = if is_loan {
        match crate::report::schedule::events_in(c, &mut run) {
            Ok(events) => match format {
                Format::Json => crate::report::schedule::json(&events),
                Format::Csv => crate::report::schedule::csv(&events),
                Format::Text => crate::report::schedule::text(c, &events, &program),
            },
            Err(e) => return failed_with(e),
        }
    } else {
        match crate::report::schedule::payments(cid, &mut run) {
            Ok(ps) => match format {
                Format::Json => crate::report::schedule::payments_json(&ps, &program),
                Format::Csv => crate::report::schedule::payments_csv(&ps, &program),
                Format::Text => crate::report::schedule::payments_text(c, &ps, &program),
            },
            Err(e) => return failed_with(e),
        }
    };
    Output { stdout, stderr: String::new(), code: 0 }
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
        Ok(text) => {
            let text = match opening_cash(&text) {
                Some((lender, borrower)) => crate::contracts::actus::with_opening_cash(&text, lender, borrower),
                None => text,
            };
            Output { stdout: text, stderr: String::new(), code: 0 }
        }
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

/// What the lender and the borrower of an imported loan pay out over its schedule (the
/// payments the ledger posts between them: initial exchange, principal increases, interest,
/// redemptions, maturity), so the imported file can give each that much opening cash and the
/// loan runs as its schedule instead of its lender defaulting at once. `None` when the file
/// does not schedule (the text is then printed as it is, and `aifin check` says why).
fn opening_cash(text: &str) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal)> {
    use crate::contracts::loan::EventType as T;
    let mut session = Session::new();
    session.load_text("imported.aifin", text).ok()?;
    let program = session.program().clone();
    let c = program.contracts.iter().find(|c| c.spec.kind == "loan")?;
    let result = session.run(None).ok()?;
    let mut run = result.query().ok()?;
    let events = crate::report::schedule::events_in(c, &mut run).ok()?;
    // payoffs are signed for the contract's role: positive is received by the role's side
    let lender_side = c.terms.loan().is_some_and(|l| l.role == crate::check::options::LoanRole::Lender);
    let (mut lender, mut borrower) = (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO);
    for ev in events.iter().filter(|e| matches!(e.kind, T::Ied | T::Pi | T::Ip | T::Pr | T::Md)) {
        let to_lender = if lender_side { ev.payoff } else { -ev.payoff };
        if to_lender > rust_decimal::Decimal::ZERO {
            borrower = borrower.checked_add(to_lender)?;
        } else {
            lender = lender.checked_add(-to_lender)?;
        }
    }
    Some((lender, borrower))
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

fn usage(cmd: &str, what: String) -> Output {
    Output { stdout: String::new(), stderr: format!("aifin {cmd}: {what}\n"), code: 2 }
}

/// Parses `text` as one expression and checks it in the scope of `loaded`.
fn checked_expr(
    sources: &mut SourceMap,
    loaded: &crate::driver::Loaded,
    name: &str,
    text: String,
) -> Result<(crate::check::ir::Program, crate::check::ir::TExpr), Vec<Diagnostic>> {
    let id = sources.add(name, text, crate::source::SourceKind::Input);
    let expr = crate::syntax::parse_expr(sources, id)
        .map_err(|errs| errs.iter().map(crate::diagnostic::ToDiagnostic::to_diagnostic).collect::<Vec<_>>())?;
    let (program, texpr, diags) = crate::driver::compile(loaded, Some(&expr));
    match texpr {
        Some(t) if diags.is_empty() => Ok((program, t)),
        _ => Err(diags),
    }
}

fn solve(
    sources: &mut SourceMap,
    file: &std::path::Path,
    vary: &str,
    target: &str,
    between: Option<&str>,
    scenario: Option<&str>,
    style: RenderStyle,
) -> Output {
    use crate::solve::{ask, render, Refusal, Request};
    let loaded = crate::driver::load(sources, file);
    if !loaded.diagnostics.is_empty() {
        return failed(&loaded.diagnostics, sources, style);
    }
    let req = Request { vary, target, between, scenario };
    let found = {
        let mut check = |name: &str, text: String| checked_expr(sources, &loaded, name, text);
        ask(&req, &mut check)
    };
    match found {
        Ok(found) => {
            let scen = scenario.map(str::to_string).or_else(|| found.program.scenarios.first().map(|s| s.name.clone()));
            let mut out = format!("solve {} (scenario {})\n", file.display(), scen.unwrap_or_default());
            out.push_str(&render(&req, &found));
            Output { stdout: out, stderr: String::new(), code: 0 }
        }
        Err(Refusal::Usage(what)) => usage("solve", what),
        Err(Refusal::Diagnostics(d)) => failed(&d, sources, style),
        Err(r) => {
            let why = r.not_a_driver(&|s| !is_std(sources, s)).unwrap_or_default();
            // `why` ends in its hint; the file goes before it, as `… in FILE (the drivers are …)`
            let (what, hint) = why.split_at(why.find(" (").unwrap_or(why.len()));
            Output {
                stdout: String::new(),
                stderr: format!("aifin solve: {what} in {}{hint}\n", file.display()),
                code: 1,
            }
        }
    }
}

/// The options of `aifin sample`.
struct SampleArgs {
    scenario: Option<String>,
    samples: u64,
    seed: u64,
    threads: Option<usize>,
    shard: Option<String>,
}

fn render_samples(b: &crate::sample::Batch, format: Format) -> Output {
    use crate::sample::{render, stats::Summary};
    match Summary::of(b) {
        Ok(s) => Output {
            stdout: match format {
                Format::Text => render::text(b, &s),
                Format::Json => render::json(b, &s),
                Format::Csv => render::csv(b, &s),
            },
            stderr: String::new(),
            code: 0,
        },
        Err(e) => {
            Output { stdout: String::new(), stderr: format!("aifin sample: the summary overflows: {e:?}\n"), code: 1 }
        }
    }
}

fn sample(file: &std::path::Path, a: &SampleArgs, format: RunFormat, style: RenderStyle) -> Output {
    use crate::sample::{shard, shard_range, MAX_SAMPLES};
    if a.samples == 0 || a.samples > MAX_SAMPLES {
        return usage("sample", format!("--samples must be between 1 and {MAX_SAMPLES}"));
    }
    let part = match &a.shard {
        None => None,
        Some(t) => match t
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)))
        {
            Some((k, n)) if n >= 1 && k < n => Some((k, n)),
            _ => return usage("sample", format!("--shard takes K/N with 0 ≤ K < N (shards count from 0), not `{t}`")),
        },
    };
    let threads =
        a.threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).max(1);
    let mut session = Session::new();
    if let Err(diags) = session.load_file(file) {
        return failed(&diags, session.sources(), style);
    }
    let sources = session.sources();
    let fail = |e: crate::sample::SampleError| {
        let mut out = failed(&[crate::diagnostic::ToDiagnostic::to_diagnostic(&e.error)], sources, style);
        if let Some(i) = e.index {
            out.stderr.push_str(&format!("(in sample {i} of seed {})\n", a.seed));
        }
        out
    };
    let range = match part {
        Some((k, n)) => shard_range(a.samples, k, n),
        None => 0..a.samples,
    };
    let name = file.display().to_string();
    let batch = match session.sample(&name, a.scenario.as_deref(), a.seed, a.samples, range, threads) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let mut out = match part {
        Some((k, n)) => match shard::write(&batch, k, n) {
            Ok(stdout) => Output { stdout, stderr: String::new(), code: 0 },
            Err(e) => usage("sample", e),
        },
        None => match format {
            RunFormat::Text => render_samples(&batch, Format::Text),
            RunFormat::Json => render_samples(&batch, Format::Json),
            RunFormat::Csv => render_samples(&batch, Format::Csv),
            RunFormat::Html => {
                let page = crate::sample::stats::Summary::of(&batch)
                    .map_err(|e| crate::plot::Failure::Usage(format!("the summary overflows: {e:?}")))
                    .and_then(|summary| crate::plot::samples::page(&batch, &summary));
                written(page, None, "sample", &session, style)
            }
        },
    };
    out.stderr.insert_str(0, &session.render(session.warnings(), style));
    out
}

fn merge(files: &[PathBuf], format: Format) -> Output {
    let mut batches = Vec::new();
    for f in files {
        let read = std::fs::read_to_string(f).map_err(|e| e.to_string()).and_then(|t| crate::sample::shard::read(&t));
        match read {
            Ok(b) => batches.push(b),
            Err(e) => {
                return Output {
                    stdout: String::new(),
                    stderr: format!("aifin merge: {}: {e}\n", f.display()),
                    code: 1,
                }
            }
        }
    }
    match crate::sample::Batch::merge(batches) {
        Ok(b) => render_samples(&b, format),
        Err(e) => Output { stdout: String::new(), stderr: format!("aifin merge: {e}\n"), code: 1 },
    }
}
