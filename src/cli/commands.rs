//! What each command does once its arguments are parsed: load through a [`Session`], run,
//! pick a renderer, and return the [`Output`] (text and exit status). Kept apart from the clap
//! definitions and the dispatch in `cli/mod.rs`, so each file has one job.

use super::*;

/// A session reading imports from the disk under the import policy, widened by `allow`.
pub(super) fn disk_session(allow: &[PathBuf]) -> Session {
    Session::with_importer(Box::new(crate::driver::DiskImporter::allowing(allow.to_vec())))
}

pub(super) fn check(files: &[PathBuf], claims: Option<Scenarios>, allow: &[PathBuf], style: RenderStyle) -> Output {
    let mut out = Output::default();
    for f in files {
        let (session, loaded) = disk_session(allow).load_file_once(f);
        if let Err(diags) = loaded {
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

pub(super) fn run_file(
    file: &std::path::Path,
    scenario: Option<&str>,
    all: bool,
    format: Format,
    scale: Option<&str>,
    allow: &[PathBuf],
    style: RenderStyle,
) -> Output {
    let (session, loaded) = disk_session(allow).load_file_once(file);
    if let Err(diags) = loaded {
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

pub(super) fn compare(
    file: &std::path::Path,
    (a, b): (&str, &str),
    format: Format,
    allow: &[PathBuf],
    style: RenderStyle,
) -> Output {
    let (session, loaded) = disk_session(allow).load_file_once(file);
    if let Err(diags) = loaded {
        return failed(&diags, session.sources(), style);
    }
    let both = session.outcome(Some(a)).and_then(|x| session.outcome(Some(b)).map(|y| (x, y)));
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

pub(super) fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

pub(super) fn sensitivity(
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
pub(super) fn checked_with(
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

pub(super) fn explain(
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

pub(super) fn schedule(
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
                Format::Json => crate::report::schedule::payments_json(&ps),
                Format::Csv => crate::report::schedule::payments_csv(&ps),
                Format::Text => crate::report::schedule::payments_text(c, &ps),
            },
            Err(e) => return failed_with(e),
        }
    };
    Output { stdout, stderr: String::new(), code: 0 }
}

pub(super) fn import(standard: &str, file: &std::path::Path) -> Output {
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
pub(super) fn opening_cash(text: &str) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal)> {
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

pub(super) fn is_std(sources: &SourceMap, span: crate::source::Span) -> bool {
    sources.get(span.source()).is_some_and(|s| s.kind() == crate::source::SourceKind::Std)
}

pub(super) fn fmt(sources: &mut SourceMap, file: &std::path::Path, check: bool, style: RenderStyle) -> Output {
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

pub(super) fn usage(cmd: &str, what: String) -> Output {
    Output { stdout: String::new(), stderr: format!("aifin {cmd}: {what}\n"), code: 2 }
}

/// Parses `text` as one expression and checks it in the scope of `loaded`.
pub(super) fn checked_expr(
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

pub(super) fn solve(
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
pub(super) struct SampleArgs {
    pub(super) scenario: Option<String>,
    pub(super) samples: u64,
    pub(super) seed: u64,
    pub(super) threads: Option<usize>,
    pub(super) shard: Option<String>,
}

pub(super) fn render_samples(b: &crate::sample::Batch, format: Format) -> Output {
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

pub(super) fn sample(file: &std::path::Path, a: &SampleArgs, format: RunFormat, style: RenderStyle) -> Output {
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

pub(super) fn merge(files: &[PathBuf], format: Format) -> Output {
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
