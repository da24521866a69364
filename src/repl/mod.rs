//! The REPL, as a library: one [`Repl`] over a [`Session`], taking one input at a time and
//! answering with text. No terminal code lives here (as Numbat's `Context` is apart from
//! `numbat-cli`, and Nickel's `Repl` trait from its front ends): `aifin repl` drives it from a
//! pipe (`cli`) or through rustyline (`terminal`).
//!
//! The state is a recipe — the files loaded, the declarations typed in that succeeded, the
//! chosen scenario and the `:set` overrides — and the session built from it. A change that
//! alters the recipe builds a new session from the new recipe and swaps it in only when it
//! compiles and runs, so **a statement applies fully or not at all**: a failing one leaves the
//! previous session, and its cached runs, untouched. Overrides are a scenario of their own
//! ([`WHATIF`]) that extends the chosen one, so they are checked exactly as a scenario's
//! overrides are, and `:save` writes them as one.

pub mod commands;
pub mod complete;
pub mod moved;
pub mod script;
pub mod show;
mod uncertain;

use crate::diagnostic::{Diagnostic, RenderStyle};
use crate::driver::{DiskImporter, Importer};
use crate::session::{Answer, Session};
use std::path::{Path, PathBuf};

/// The scenario that carries the `:set` overrides (it extends the active one).
pub const WHATIF: &str = "repl_whatif";

/// The source that declares [`WHATIF`].
const OVERRIDES: &str = "<overrides>";

/// What the REPL answers to one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    /// Results, for stdout.
    pub out: String,
    /// Diagnostics and errors, for stderr.
    pub err: String,
    /// The input failed (nothing changed).
    pub failed: bool,
    /// The input asked to leave.
    pub quit: bool,
}

impl Reply {
    fn ok(out: impl Into<String>) -> Reply {
        Reply { out: out.into(), ..Reply::default() }
    }
    fn fail(err: impl Into<String>) -> Reply {
        let mut err = err.into();
        if !err.ends_with('\n') {
            err.push('\n');
        }
        Reply { err, failed: true, ..Reply::default() }
    }
}

/// What the session is built from.
#[derive(Debug, Clone, Default)]
struct Recipe {
    files: Vec<PathBuf>,
    /// (source name, text) of each declaration that succeeded.
    decls: Vec<(String, String)>,
    /// The scenario chosen with `--scenario` or `:scenario` (else the first declared).
    base: Option<String>,
    /// (name, expression) of each `:set`, in order.
    overrides: Vec<(String, String)>,
}

type MakeImporter = Box<dyn Fn() -> Box<dyn Importer>>;

/// One REPL session.
pub struct Repl {
    session: Session,
    recipe: Recipe,
    make_importer: MakeImporter,
    /// What `ans` stands for: the last result, as source text.
    ans: Option<String>,
    /// The headline figures of the session as it is (taken after a change, dropped when a
    /// declaration changes the program), so the next change does not compute them again.
    figures: Option<moved::Snapshot>,
    inputs: usize,
    style: RenderStyle,
    /// How `:dist` samples (`:samples`, `:seed`).
    mc: MonteCarlo,
}

/// The samples and seed of `:dist`: `aifin sample`'s defaults until changed.
#[derive(Debug, Clone, Copy)]
struct MonteCarlo {
    samples: u64,
    seed: u64,
}

impl Default for MonteCarlo {
    fn default() -> Self {
        MonteCarlo { samples: crate::sample::DEFAULT_SAMPLES, seed: crate::sample::DEFAULT_SEED }
    }
}

impl Repl {
    /// A REPL that reads files from the disk and renders diagnostics in `style`.
    pub fn new(style: RenderStyle) -> Repl {
        Repl::allowing(Vec::new(), style)
    }

    /// A REPL that reads files from the disk under the import policy, widened by `allow`
    /// (`--allow-import DIR`).
    pub fn allowing(allow: Vec<PathBuf>, style: RenderStyle) -> Repl {
        Repl::with_importer(Box::new(move || Box::new(DiskImporter::allowing(allow.clone()))), style)
    }

    /// A REPL whose sessions read files through the importers `make` returns (tests: memory).
    pub fn with_importer(make: MakeImporter, style: RenderStyle) -> Repl {
        let session = Session::with_importer(make());
        Repl {
            session,
            recipe: Recipe::default(),
            make_importer: make,
            ans: None,
            figures: None,
            inputs: 0,
            style,
            mc: MonteCarlo::default(),
        }
    }

    /// Loads `files` and selects `scenario`, as `aifin repl FILE… --scenario S` does.
    pub fn start(&mut self, files: &[PathBuf], scenario: Option<&str>) -> Reply {
        let mut r = self.recipe.clone();
        r.files.extend(files.iter().cloned());
        r.base = scenario.map(str::to_string);
        match self.build(&r) {
            Ok(s) => {
                if let Some(name) = scenario {
                    if !s.program().scenarios.iter().any(|x| x.name == name) {
                        return Reply::fail(format!("no scenario `{name}`{}", scenario_list(&s)));
                    }
                }
                self.session = s;
                self.recipe = r;
                self.figures = None;
                Reply { err: self.new_warnings(&[]), ..Reply::default() }
            }
            Err(e) => Reply::fail(e),
        }
    }

    /// The session (for completion names, benches and tests).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The names completion offers, from the current program.
    pub fn names(&self) -> complete::Names {
        complete::Names::of(self.session.program())
    }

    /// The scenario inputs are evaluated in: the what-if one when there are overrides, else
    /// the chosen one, else the first declared; `None` without scenarios.
    pub fn active(&self) -> Option<String> {
        let p = self.session.program();
        if !self.recipe.overrides.is_empty() && p.scenarios.iter().any(|s| s.name == WHATIF) {
            return Some(WHATIF.to_string());
        }
        self.base_of(&self.session)
    }

    fn base_of(&self, s: &Session) -> Option<String> {
        let p = s.program();
        self.recipe.base.clone().or_else(|| p.scenarios.iter().find(|s| s.name != WHATIF).map(|s| s.name.clone()))
    }

    fn render(&self, s: &Session, diags: &[Diagnostic]) -> String {
        s.render(diags, self.style)
    }

    /// Each warning of session `s`, rendered.
    fn warning_texts(&self, s: &Session) -> Vec<String> {
        s.warnings().iter().map(|w| self.render(s, std::slice::from_ref(w))).collect()
    }

    /// The warnings of the session now that are not among `before` (rendered warnings of the
    /// session an input changed): an input shows the warnings it brought, once.
    fn new_warnings(&self, before: &[String]) -> String {
        self.warning_texts(&self.session).into_iter().filter(|w| !before.contains(w)).collect()
    }

    /// Builds a session from `r`; on an error, the rendered diagnostics.
    fn build(&self, r: &Recipe) -> Result<Session, String> {
        let mut s = Session::with_importer((self.make_importer)());
        let loaded = match r.files.as_slice() {
            [] => Ok(()),
            [one] => s.load_file(one),
            many => {
                let text: String =
                    many.iter().map(|p| format!("import \"{}\"\n", escape(&p.display().to_string()))).collect();
                s.load_text("<repl>", &text)
            }
        };
        if let Err(d) = loaded {
            return Err(self.render(&s, &d));
        }
        for (name, text) in &r.decls {
            if let Err(d) = s.submit_in(name, text, None) {
                return Err(self.render(&s, &d));
            }
        }
        if !r.overrides.is_empty() {
            let base = r.base.clone().or_else(|| s.program().scenarios.first().map(|x| x.name.clone()));
            let Some(base) = base else {
                return Err("`:set` needs a scenario to change: declare one (`scenario base { timeline … }`)".into());
            };
            if let Err(d) = s.submit_in(OVERRIDES, &whatif_text(&base, &r.overrides), None) {
                return Err(self.render(&s, &d));
            }
        }
        Ok(s)
    }

    /// Takes one input (a line, or several joined by newlines) and answers it.
    pub fn input(&mut self, text: &str) -> Reply {
        let t = text.trim();
        if t.lines().all(|l| l.trim().is_empty() || l.trim().starts_with("//")) {
            return Reply::default();
        }
        // `<repl:N>` names the Nth input, commands included, as the user counts lines.
        self.inputs += 1;
        if let Some(cmd) = t.strip_prefix(':') {
            return self.command(cmd.trim());
        }
        match t.split_whitespace().next() {
            Some("quit" | "exit") if t.split_whitespace().count() == 1 => return self.command("quit"),
            Some("help") if !t.contains(['(', '+', '*', '/']) => return self.command(t),
            _ => {}
        }
        self.submit(t)
    }

    fn next_name(&self) -> String {
        format!("<repl:{}>", self.inputs)
    }

    fn submit(&mut self, text: &str) -> Reply {
        let name = self.next_name();
        let text = self.with_ans(text);
        let scenario = self.active();
        let before = self.warning_texts(&self.session);
        match self.session.submit_in(&name, &text, scenario.as_deref()) {
            Ok(Answer::Declared(_)) => {
                self.recipe.decls.push((name, text));
                self.figures = None;
                Reply { err: self.new_warnings(&before), ..Reply::default() }
            }
            Ok(Answer::Value(ty, v)) => {
                self.ans = Some(match &v {
                    crate::eval::Value::Quantity(q) => format!("({})", q.format(&self.session.program().registry)),
                    _ => format!("({})", text.trim()),
                });
                Reply::ok(show::value(&v, &ty, &self.session.program().registry))
            }
            Err(d) => Reply::fail(self.render(&self.session, &d)),
        }
    }

    /// `ans` in `text` replaced by the last result (unless the program declares `ans`).
    fn with_ans(&self, text: &str) -> String {
        let Some(ans) = &self.ans else { return text.to_string() };
        if self.session.program().definitions.iter().any(|d| d.name == "ans") {
            return text.to_string();
        }
        replace_word(text, "ans", ans)
    }

    fn command(&mut self, line: &str) -> Reply {
        let (name, arg) = match line.find(char::is_whitespace) {
            Some(i) => (line.get(..i).unwrap_or(""), line.get(i..).unwrap_or("").trim()),
            None => (line, ""),
        };
        let Some(spec) = commands::find(name) else {
            let known = commands::COMMANDS.iter().map(|c| c.name);
            let hint = match crate::units::suggest(name, known) {
                Some(s) => format!(" (did you mean `:{s}`?)"),
                None => String::new(),
            };
            return Reply::fail(format!("unknown command `:{name}`{hint}; `:help` lists them"));
        };
        match spec.name {
            "help" if arg.is_empty() => Reply::ok(commands::help_all()),
            "help" => match commands::help_one(arg) {
                Some(h) => Reply::ok(h),
                None => Reply::fail(format!("no command `{arg}`; `:help` lists them")),
            },
            "quit" => Reply { quit: true, ..Reply::default() },
            "load" if arg.is_empty() => Reply::fail("`:load FILE`: which file?"),
            "load" => {
                let mut r = self.recipe.clone();
                r.files.push(PathBuf::from(arg));
                self.change(r, false)
            }
            "reload" => self.reload(),
            "type" => self.type_of(arg),
            "info" => self.info(arg),
            "list" => self.list(arg),
            "scenario" => self.scenario(arg),
            "set" => self.set(arg),
            "unset" => self.unset(arg),
            "overrides" => Reply::ok(self.overrides()),
            "reports" | "claims" | "defaults" => self.reports(spec.name),
            "save" => self.save(arg),
            "explain" => self.explain(arg),
            "solve" => self.solve(arg),
            "samples" => self.samples(arg),
            "seed" => self.seed(arg),
            "dist" => self.dist(arg),
            _ => Reply::fail(format!("`:{}` is not available", spec.name)),
        }
    }

    /// Swaps in the session built from `r` when it builds and runs; prints what moved.
    fn change(&mut self, r: Recipe, show_moved: bool) -> Reply {
        let mut s = match self.build(&r) {
            Ok(s) => s,
            Err(e) => return Reply::fail(e),
        };
        let old_scenario = self.active();
        // The model before may not run (a file whose run fails can still be loaded to be
        // fixed with `:set`): then it has no figures, and every new one shows as new.
        let old = match self.figures.take() {
            Some(f) => f,
            None => moved::snapshot(&mut self.session, old_scenario.as_deref()).unwrap_or_default(),
        };
        let old_recipe = std::mem::replace(&mut self.recipe, r);
        std::mem::swap(&mut self.session, &mut s);
        let new_scenario = self.active();
        match moved::snapshot(&mut self.session, new_scenario.as_deref()) {
            Ok(new) => {
                let mut reply = if show_moved { Reply::ok(moved::diff(&old, &new)) } else { Reply::default() };
                reply.err = self.new_warnings(&self.warning_texts(&s));
                self.figures = Some(new);
                reply
            }
            Err(d) => {
                let err = self.render(&self.session, &d);
                self.session = s;
                self.recipe = old_recipe;
                self.figures = Some(old);
                Reply::fail(err)
            }
        }
    }

    fn reload(&mut self) -> Reply {
        let mut r = self.recipe.clone();
        let overrides = std::mem::take(&mut r.overrides);
        if let Err(e) = self.build(&r) {
            return Reply::fail(format!("{e}the last good model stays loaded\n"));
        }
        let mut dropped = Vec::new();
        for o in overrides {
            let mut with = r.clone();
            with.overrides.push(o.clone());
            match self.build(&with) {
                Ok(_) => r = with,
                Err(_) => dropped.push(o),
            }
        }
        let mut reply = self.change(r, true);
        let files = self.recipe.files.len();
        let mut head = format!("reloaded {files} file{}\n", if files == 1 { "" } else { "s" });
        for (n, e) in &dropped {
            head.push_str(&format!("dropped the override `{n} = {e}`: it no longer checks\n"));
        }
        reply.out = head + &reply.out;
        reply
    }

    fn type_of(&mut self, arg: &str) -> Reply {
        if arg.is_empty() {
            return Reply::fail("`:type EXPR`: of what?");
        }
        let name = self.next_name();
        let text = self.with_ans(arg);
        let ty = match self.session.check_expr(&name, &text) {
            Ok((_, t)) => t.ty,
            Err(d) => return Reply::fail(self.render(&self.session, &d)),
        };
        // The unit is the value's: evaluate when that works, else print the type alone.
        let scenario = self.active();
        let v = match self.session.submit_in(&name, &text, scenario.as_deref()) {
            Ok(Answer::Value(_, v)) => Some(v),
            _ => None,
        };
        Reply::ok(show::type_line(&ty, v.as_ref(), &self.session.program().registry))
    }

    fn info(&self, name: &str) -> Reply {
        let p = self.session.program();
        let sources = self.session.sources();
        let span = p
            .definitions
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.span)
            .or_else(|| p.entities.iter().find(|e| e.name == name).map(|e| e.span))
            .or_else(|| p.contracts.iter().find(|c| c.name == name).map(|c| c.span))
            .or_else(|| {
                p.flows
                    .iter()
                    .find(|f| p.entities.get(f.entity).is_some_and(|e| format!("{}.{}", e.name, f.name) == name))
                    .map(|f| f.span)
            })
            .or_else(|| p.scenarios.iter().find(|s| s.name == name).map(|s| s.span))
            .or_else(|| p.registry.lookup(name).and_then(|u| p.registry.def(u)).and_then(|d| d.span));
        let Some(span) = span else {
            let mut known: Vec<&str> = p.definitions.iter().map(|d| d.name.as_str()).collect();
            known.extend(p.entities.iter().map(|e| e.name.as_str()));
            known.extend(p.contracts.iter().map(|c| c.name.as_str()));
            let hint = match crate::units::suggest(name, known.into_iter()) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => String::new(),
            };
            return Reply::fail(format!("nothing is called `{name}`{hint}"));
        };
        let Some(src) = sources.get(span.source()) else { return Reply::fail(format!("`{name}` has no source")) };
        let (line, _) = sources.line_col(span.source(), span.start());
        let mut out = format!("{}:{line}\n", src.name());
        for c in show::comment_above(src.text(), span.start()) {
            out.push_str(&format!("  // {c}\n"));
        }
        // whole lines: a unit's span is its name alone, within `currency USD minor 2`
        let text = src.text();
        let first = text.get(..span.start()).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let last = text.get(span.end()..).and_then(|t| t.find('\n')).map_or(text.len(), |i| span.end() + i);
        for l in text.get(first..last).unwrap_or("").lines() {
            out.push_str(&format!("  {}\n", l.trim_end()));
        }
        if let Some(d) = p.definitions.iter().find(|d| d.name == name) {
            out.push_str(&format!("  : {}\n", d.value.ty.describe(&p.registry)));
        }
        if let Some((_, e)) = self.recipe.overrides.iter().find(|(n, _)| n == name) {
            out.push_str(&format!("  overridden: {name} = {e}\n"));
        }
        Reply::ok(out)
    }

    fn list(&self, kind: &str) -> Reply {
        use crate::syntax::ast::DefinitionKind;
        let p = self.session.program();
        let sources = self.session.sources();
        let own = |span: crate::source::Span| {
            sources.get(span.source()).is_some_and(|s| s.kind() != crate::source::SourceKind::Std)
        };
        let defs = |k: DefinitionKind| -> Vec<String> {
            p.definitions.iter().filter(|d| d.kind == k && own(d.span)).map(|d| d.name.clone()).collect()
        };
        let flows = p
            .flows
            .iter()
            .filter_map(|f| p.entities.get(f.entity).map(|e| format!("{}.{}", e.name, f.name)))
            .collect::<Vec<_>>();
        let all: [(&str, Vec<String>); 7] = [
            ("entities", p.entities.iter().map(|e| e.name.clone()).collect()),
            ("drivers", defs(DefinitionKind::Driver)),
            ("curves", defs(DefinitionKind::Curve)),
            ("contracts", p.contracts.iter().map(|c| format!("{} ({})", c.name, c.spec.kind)).collect()),
            ("flows", flows),
            ("scenarios", p.scenarios.iter().filter(|s| s.name != WHATIF).map(|s| s.name.clone()).collect()),
            ("units", p.registry.units().iter().map(|u| u.name.clone()).collect()),
        ];
        let mut out = String::new();
        for (k, names) in &all {
            if (kind.is_empty() && *k != "units") || kind == *k {
                let names = if names.is_empty() { "(none)".to_string() } else { names.join(", ") };
                out.push_str(&format!("{k}: {names}\n"));
            }
        }
        if out.is_empty() {
            return Reply::fail(format!(
                "`:list {kind}`: the kinds are entities, drivers, curves, contracts, flows, scenarios, units"
            ));
        }
        Reply::ok(out)
    }

    fn scenario(&mut self, name: &str) -> Reply {
        if name.is_empty() {
            let active = self.base_of(&self.session);
            let mut out = String::new();
            for s in self.session.program().scenarios.iter().filter(|s| s.name != WHATIF) {
                let mark = if Some(&s.name) == active.as_ref() { "*" } else { " " };
                out.push_str(&format!("{mark} {}\n", s.name));
            }
            if out.is_empty() {
                out.push_str("no scenarios\n");
            } else if !self.recipe.overrides.is_empty() {
                out.push_str(&format!("  (with {} override(s): `:overrides`)\n", self.recipe.overrides.len()));
            }
            return Reply::ok(out);
        }
        if name == WHATIF || !self.session.program().scenarios.iter().any(|s| s.name == name) {
            return Reply::fail(format!("no scenario `{name}`{}", scenario_list(&self.session)));
        }
        let mut r = self.recipe.clone();
        r.base = Some(name.to_string());
        self.change_overrides(r)
    }

    fn set(&mut self, arg: &str) -> Reply {
        let Some((name, expr)) = arg.split_once('=') else {
            return Reply::fail("`:set NAME = EXPR`: for example `:set loan_rate = 8%/year`");
        };
        let (name, expr) = (name.trim().to_string(), expr.trim().to_string());
        if name.is_empty() || expr.is_empty() {
            return Reply::fail("`:set NAME = EXPR`: for example `:set loan_rate = 8%/year`");
        }
        let expr = self.with_ans(&expr);
        let mut r = self.recipe.clone();
        match r.overrides.iter_mut().find(|(n, _)| *n == name) {
            Some(o) => o.1 = expr,
            None => r.overrides.push((name, expr)),
        }
        self.change_overrides(r)
    }

    fn unset(&mut self, name: &str) -> Reply {
        let mut r = self.recipe.clone();
        let before = r.overrides.len();
        r.overrides.retain(|(n, _)| n != name);
        if r.overrides.len() == before {
            return Reply::fail(format!("`{name}` is not overridden; `:overrides` lists what is"));
        }
        self.change_overrides(r)
    }

    /// [`Repl::change`] to `r`, which differs from the recipe in force only in its overrides
    /// or its base scenario: the what-if scenario is replaced in the session as it is, without
    /// checking the whole program again, and the run computes again only what depends on the
    /// change ([`Session::amend_scenario`]). When that cannot be done the session is built
    /// again.
    fn change_overrides(&mut self, r: Recipe) -> Reply {
        let base = r.base.clone().or_else(|| self.base_of(&self.session));
        let text = match (r.overrides.is_empty(), base) {
            (true, _) => None,
            (false, Some(base)) => Some(whatif_text(&base, &r.overrides)),
            (false, None) => return self.change(r, true),
        };
        let old_scenario = self.active();
        let old = match self.figures.take() {
            Some(f) => f,
            None => moved::snapshot(&mut self.session, old_scenario.as_deref()).unwrap_or_default(),
        };
        let before = self.warning_texts(&self.session);
        let Some(amended) = self.session.amend_scenario(OVERRIDES, text.as_deref()) else {
            self.figures = Some(old);
            return self.change(r, true);
        };
        let old_recipe = std::mem::replace(&mut self.recipe, r);
        let new_scenario = self.active();
        match moved::snapshot_after(&mut self.session, new_scenario.as_deref(), Some(&old)) {
            Ok(new) => {
                let mut reply = Reply::ok(moved::diff(&old, &new));
                reply.err = self.new_warnings(&before);
                self.figures = Some(new);
                // the run before the change is read no more: its memory serves the next one
                drop(amended);
                if let Some(r) = old.run {
                    self.session.recycle(r);
                }
                reply
            }
            Err(d) => {
                let err = self.render(&self.session, &d);
                self.session.restore(amended);
                self.recipe = old_recipe;
                self.figures = Some(old);
                Reply::fail(err)
            }
        }
    }

    fn overrides(&self) -> String {
        if self.recipe.overrides.is_empty() {
            return "no overrides\n".to_string();
        }
        let base = self.base_of(&self.session).unwrap_or_default();
        let mut out = format!("on top of scenario {base}:\n");
        for (n, e) in &self.recipe.overrides {
            out.push_str(&format!("  {n} = {e}\n"));
        }
        out
    }

    fn reports(&mut self, what: &str) -> Reply {
        let Some(scenario) = self.active() else { return Reply::fail("no scenario to run: declare one") };
        let result = match self.session.run(Some(&scenario)) {
            Ok(r) => r,
            Err(d) => return Reply::fail(self.render(&self.session, &d)),
        };
        let sources = self.session.sources();
        let failed = |e: crate::eval::EvalError| {
            Reply::fail(self.render(&self.session, &[crate::diagnostic::ToDiagnostic::to_diagnostic(&e)]))
        };
        if what == "defaults" {
            return match crate::report::defaults_of(&result) {
                Ok(d) => {
                    let mut out = String::new();
                    crate::report::text::defaults_section(&d, result.rounding, &mut out);
                    Reply::ok(out)
                }
                Err(e) => failed(e),
            };
        }
        let outcome = match crate::report::outcome_of(&result, sources) {
            Ok(o) => o,
            Err(e) => return failed(e),
        };
        if what == "claims" {
            if outcome.claims.is_empty() {
                return Reply::ok("no claims\n");
            }
            let mut out = String::new();
            crate::report::text::claims_section(&outcome, &mut out);
            return Reply::ok(out);
        }
        Reply::ok(crate::report::text::render(&outcome))
    }

    /// `:explain EXPR [@ PERIOD]` (or `:explain claim N`): the explanation tree of
    /// [`crate::explain`], in the active scenario, at PERIOD (default: the timeline's last).
    fn explain(&mut self, arg: &str) -> Reply {
        use crate::explain::{Failure, Request, Target};
        let (expr, at) = split_at_period(arg);
        if expr.is_empty() {
            return Reply::fail("`:explain EXPR [@ PERIOD]`: explain what?");
        }
        let Some(scenario) = self.active() else { return Reply::fail("no scenario to explain in: declare one") };
        let text = self.with_ans(expr);
        let target = match crate::explain::claim_request(&text) {
            Some(c) => Target::Claim(c.to_string()),
            None => match self.session.check_expr(&self.next_name(), &text) {
                Ok((_, t)) => Target::Expr(t),
                Err(d) => return Reply::fail(self.render(&self.session, &d)),
            },
        };
        let req = Request { at, scenario: Some(scenario), depth: EXPLAIN_DEPTH };
        let program = self.session.program().clone();
        match crate::explain::explain_program(&program, self.session.sources(), &target, &req) {
            Ok(x) => {
                let header = format!("scenario {}, {}:", x.scenario, x.period);
                Reply::ok(crate::explain::render::text(&x.root, &header, x.rounding))
            }
            Err(Failure::Diagnostics(d)) => Reply::fail(self.render(&self.session, &d)),
            Err(Failure::Request(what)) => Reply::fail(what.replace("--at ", "@ ")),
        }
    }

    /// The text `:save` writes: imports of the loaded files, the declarations, the overrides.
    pub fn saved_text(&self, dir: &Path) -> String {
        let mut out =
            String::from("// Saved by `aifin repl`: the loaded files, the declarations typed in, the overrides.\n");
        let mut imports = String::new();
        // Imports stay in the saved file's folder tree unless `--allow-import` widens it.
        let mut outside = Vec::new();
        for f in &self.recipe.files {
            let abs = if f.is_absolute() { f.clone() } else { std::env::current_dir().unwrap_or_default().join(f) };
            let shown = match abs.strip_prefix(dir) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => {
                    if let Some(parent) = abs.parent() {
                        outside.push(format!(" --allow-import {}", parent.display()));
                    }
                    relative_to(&abs, dir)
                }
            };
            imports.push_str(&format!("import \"{}\"\n", escape(&shown.display().to_string())));
        }
        outside.dedup();
        let allow = outside.concat();
        match (self.recipe.overrides.is_empty(), self.recipe.base.as_ref()) {
            (false, _) => out.push_str(&format!("// Reproduce: aifin run FILE --scenario {WHATIF}{allow}\n")),
            (true, Some(b)) => out.push_str(&format!("// Reproduce: aifin run FILE --scenario {b}{allow}\n")),
            (true, None) => out.push_str(&format!("// Reproduce: aifin run FILE{allow}\n")),
        }
        out.push_str(&imports);
        for (_, text) in &self.recipe.decls {
            out.push_str(text.trim());
            out.push('\n');
        }
        if !self.recipe.overrides.is_empty() {
            if let Some(base) = self.base_of(&self.session) {
                out.push_str(&whatif_text(&base, &self.recipe.overrides));
            }
        }
        out
    }

    fn save(&self, file: &str) -> Reply {
        if file.is_empty() {
            return Reply::fail("`:save FILE`: where?");
        }
        let path = PathBuf::from(file);
        let abs =
            if path.is_absolute() { path.clone() } else { std::env::current_dir().unwrap_or_default().join(&path) };
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        match std::fs::write(&path, self.saved_text(&dir)) {
            Ok(()) => Reply::ok(format!("saved {file}\n")),
            Err(e) => Reply::fail(format!("cannot write {file}: {e}")),
        }
    }
}

/// How many levels `:explain` shows (as `aifin explain`'s default).
const EXPLAIN_DEPTH: usize = 6;

/// `EXPR @ PERIOD` split at its last `@` outside brackets (an anchor such as
/// `cagr(1 @ 2025, 3 @ 2030)` stays in the expression).
fn split_at_period(arg: &str) -> (&str, Option<String>) {
    let mut depth = 0i32;
    let mut at = None;
    for (i, c) in arg.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '@' if depth == 0 => at = Some(i),
            _ => {}
        }
    }
    match at {
        Some(i) => (arg.get(..i).unwrap_or("").trim(), arg.get(i + 1..).map(|p| p.trim().to_string())),
        None => (arg.trim(), None),
    }
}

/// `path` written relative to the folder `dir` (both absolute), with `..` where it climbs:
/// imports are relative to the importing file.
fn relative_to(path: &Path, dir: &Path) -> PathBuf {
    let (p, d): (Vec<_>, Vec<_>) = (path.components().collect(), dir.components().collect());
    let common = p.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..d.len() {
        out.push("..");
    }
    for c in p.iter().skip(common) {
        out.push(c);
    }
    out
}

fn whatif_text(base: &str, overrides: &[(String, String)]) -> String {
    let mut text = format!("scenario {WHATIF} extends {base} {{\n");
    for (n, e) in overrides {
        text.push_str(&format!("  {n} = {e}\n"));
    }
    text.push_str("}\n");
    text
}

fn scenario_list(s: &Session) -> String {
    let names: Vec<&str> = s.program().scenarios.iter().map(|x| x.name.as_str()).filter(|n| *n != WHATIF).collect();
    if names.is_empty() {
        " (the program declares none)".to_string()
    } else {
        format!(" (the scenarios are: {})", names.join(", "))
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `text` with each whole word `word` (outside strings and comments) replaced by `by`.
fn replace_word(text: &str, word: &str, by: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut in_str = false;
    while let Some((i, c)) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c == '"' {
            in_str = true;
            out.push(c);
        } else if c == '/' && text.get(i + 1..).is_some_and(|r| r.starts_with('/')) {
            out.push_str(text.get(i..).unwrap_or(""));
            break;
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if n.is_alphanumeric() || n == '_' {
                    end = j + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let w = text.get(i..end).unwrap_or("");
            let after_dot = out.ends_with('.');
            out.push_str(if w == word && !after_dot { by } else { w });
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ans_is_replaced_as_a_word() {
        assert_eq!(replace_word("ans * 2 + answer", "ans", "(4)"), "(4) * 2 + answer");
        assert_eq!(replace_word("\"ans\" ans // ans", "ans", "(4)"), "\"ans\" (4) // ans");
    }
}
