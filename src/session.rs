//! The library's front door: a [`Session`] holds what one user has loaded and answers
//! questions about it, as Numbat's `Context` does. The command line, the golden tests and any
//! later REPL or editor go through it.
//!
//! It owns the sources (the prelude is parsed once, however many programs are loaded in turn),
//! the last program that compiled without errors (behind an [`Arc`], so a cached
//! [`RunResult`] can keep it alive), the run results per scenario, and the [`Importer`] every
//! import is read through. A load or a [`Session::submit`] that has errors changes nothing but
//! the source map (which must keep the text its diagnostics point into).

use crate::check::ir::{Program, TExpr, BUILTINS};
use crate::check::Type;
use crate::diagnostic::{render_all, Diagnostic, RenderStyle, ToDiagnostic};
use crate::driver::{self, DiskImporter, Importer, Loaded, Root, StdCache};
use crate::eval::result::to_value;
use crate::eval::{self, RunResult, Value};
use crate::report::Outcome;
use crate::source::{SourceId, SourceKind, SourceMap};
use crate::syntax::{self, ast};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What a successful [`Session::submit`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// Declarations were added; this many.
    Declared(usize),
    /// An expression was evaluated (outside any scenario).
    Value(Value),
}

/// What a successful [`Session::submit_in`] did: as [`Submitted`], with an expression's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Declarations were added; this many.
    Declared(usize),
    /// An expression was evaluated: its checked type and its value.
    Value(Type, Value),
}

/// What [`Session::check_text`] found: the program's parsed files in load order (the prelude
/// first) and its diagnostics (only warnings when it became the session's program).
#[derive(Debug, Clone)]
pub struct Checked {
    pub files: Vec<(SourceId, ast::File)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// One user's loaded program and the answers computed from it.
pub struct Session {
    sources: SourceMap,
    importer: Box<dyn Importer>,
    std: StdCache,
    /// The files of the committed program, in load order (the prelude first).
    files: Vec<(SourceId, ast::File)>,
    program: Arc<Program>,
    /// The warnings of the committed program ([`crate::eval::warning`]).
    warnings: Vec<Diagnostic>,
    /// Run results of the committed program, by scenario name.
    runs: BTreeMap<String, Arc<RunResult>>,
    /// The last run made by [`Session::run`] (its values were all computed while posting),
    /// of this program or of one that differs from it only in its scenarios: a run after
    /// [`Session::amend_scenario`] computes again only what depends on the change.
    memo: Option<Arc<RunResult>>,
    /// What the last run computed again: `None` after a full run.
    reuse: Option<Reuse>,
    /// Memory for the next incremental run's books ([`Session::recycle`]).
    spare: Option<eval::incremental::Spare>,
    inputs: usize,
}

/// A program loaded to be run once (`aifin run`, `aifin compare`; [`Session::into_one_shot`]):
/// only what running it and rendering its diagnostics need. The parsed files, the std cache and
/// the cached runs of a [`Session`] are dropped before anything runs, and the runs keep none of
/// the flows' amounts beside their ledgers ([`eval::engine::run_scenario_once`]): on the
/// 1,000-entity benchmark that is ~20 MB less at the run's peak.
pub struct OneShot {
    sources: SourceMap,
    program: Arc<Program>,
    warnings: Vec<Diagnostic>,
}

impl OneShot {
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The program.
    pub fn program(&self) -> &Arc<Program> {
        &self.program
    }

    /// The program's warnings ([`Session::warnings`]).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Runs a scenario (the first declared when `None`) and builds its reports and claims, as
    /// [`Session::outcome`] does, keeping nothing of the run.
    pub fn outcome(&self, scenario: Option<&str>) -> Result<Outcome, Diags> {
        let mut run = eval::engine::run_scenario_once(&self.program, scenario).map_err(|e| vec![e.to_diagnostic()])?;
        crate::report::outcome(&mut run, &self.sources).map_err(|e| vec![e.to_diagnostic()])
    }

    /// Diagnostics as text, against these sources.
    pub fn render(&self, diagnostics: &[Diagnostic], style: RenderStyle) -> String {
        render_all(diagnostics, &self.sources, style)
    }
}

/// What an incremental run computed again, of how many (definitions, flows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reuse {
    pub defs: (usize, usize),
    pub flows: (usize, usize),
    /// The entities whose books were posted again, of how many, when the others' were
    /// copied (`None`: every entity's books were posted).
    pub entities: Option<(usize, usize)>,
}

/// What [`Session::amend_scenario`] replaced, to put it back with [`Session::restore`].
pub struct Amended {
    /// The file of the scenario replaced, and where it was; whether one was added at the end.
    removed: Option<(usize, (SourceId, ast::File))>,
    added: bool,
    program: Arc<Program>,
    warnings: Vec<Diagnostic>,
    runs: BTreeMap<String, Arc<RunResult>>,
    memo: Option<Arc<RunResult>>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

type Diags = Vec<Diagnostic>;

impl Session {
    /// A session that reads imports from the disk.
    pub fn new() -> Session {
        Session::with_importer(Box::new(DiskImporter::default()))
    }

    /// A session that reads imports through `importer`, with only the prelude loaded.
    pub fn with_importer(importer: Box<dyn Importer>) -> Session {
        let mut s = Session {
            sources: SourceMap::new(),
            importer,
            std: StdCache::default(),
            files: Vec::new(),
            program: Arc::new(Program::default()),
            warnings: Vec::new(),
            runs: BTreeMap::new(),
            memo: None,
            reuse: None,
            spare: None,
            inputs: 0,
        };
        // Nothing is lost if this fails: every later load takes the prelude in again (parsed
        // once, from the cache) and reports its errors with its own.
        let _ = s.replace(Root::Prelude);
        s
    }

    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The last program that compiled without errors.
    pub fn program(&self) -> &Arc<Program> {
        &self.program
    }

    /// The warnings of the committed program, in the order written: they stop nothing; `aifin
    /// check`, `run` and `sample` print them to stderr.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The committed program, to be run once: the session's parsed files and caches are
    /// dropped ([`OneShot`]).
    pub fn into_one_shot(self) -> OneShot {
        OneShot { sources: self.sources, program: self.program, warnings: self.warnings }
    }

    /// Loads `path` and what it imports to be run once: as [`Session::load_file`] followed by
    /// [`Session::into_one_shot`], but the parsed files are freed while they are checked
    /// ([`driver::compile_once`]), so the whole AST and the whole checked program are never
    /// alive together. On errors the one-shot holds the sources to render them with, and the
    /// program committed before.
    pub fn load_file_once(mut self, path: &Path) -> (OneShot, Result<(), Diags>) {
        let loaded = driver::load_with(&mut self.sources, &*self.importer, &mut self.std, Root::File(path));
        self.files.clear();
        self.std = StdCache::default();
        let (program, diags) = driver::compile_once(loaded);
        let result = if diags.is_empty() {
            self.warnings = crate::eval::warning::warnings(&program);
            self.program = Arc::new(program);
            Ok(())
        } else {
            Err(diags)
        };
        (self.into_one_shot(), result)
    }

    /// Replaces the program with `path` and what it imports.
    pub fn load_file(&mut self, path: &Path) -> Result<(), Diags> {
        self.replace(Root::File(path))
    }

    /// Replaces the program with source text held in memory under `name`.
    pub fn load_text(&mut self, name: &str, text: &str) -> Result<(), Diags> {
        self.replace(Root::Text { name, text })
    }

    fn replace(&mut self, root: Root<'_>) -> Result<(), Diags> {
        let loaded = driver::load_with(&mut self.sources, &*self.importer, &mut self.std, root);
        self.commit(loaded)
    }

    /// Loads and checks source text held in memory under `name` for an editor: its errors, or
    /// (when it checks and so becomes the program, as with [`Session::load_text`]) its
    /// warnings; and the parsed files of the program, errors or not (the parser recovers per
    /// declaration, so an editor still finds its names).
    pub fn check_text(&mut self, name: &str, text: &str) -> Checked {
        let loaded = driver::load_with(&mut self.sources, &*self.importer, &mut self.std, Root::Text { name, text });
        let files = loaded.files.clone();
        let diagnostics = match self.commit(loaded) {
            Ok(()) => self.warnings.clone(),
            Err(errors) => errors,
        };
        Checked { files, diagnostics }
    }

    /// Compiles `loaded`; on success it becomes the program and the cached runs are dropped.
    fn commit(&mut self, loaded: Loaded) -> Result<(), Diags> {
        let (program, _, diags) = driver::compile(&loaded, None);
        if !diags.is_empty() {
            return Err(diags);
        }
        self.warnings = crate::eval::warning::warnings(&program);
        self.files = loaded.files;
        self.program = Arc::new(program);
        self.runs.clear();
        self.memo = None;
        Ok(())
    }

    /// Replaces the scenario declared in the source named `name` by the one `text` declares
    /// (`None`: removes it), without checking the program again: each override is checked
    /// alone against the committed program ([`crate::check::reuse`]), and the next run reuses
    /// what the change leaves untouched ([`crate::eval::incremental`]). `Some` with what was
    /// replaced when that was possible; `None`, changing nothing, when `text` is not one
    /// scenario that extends a declared one and overrides drivers, curves and fields with values
    /// that check (alone, and in every contract term and range they reach, as the whole check
    /// does), or it overrides a field no scenario overrode before (its definition is made by a
    /// check of the whole program: `check::overrides`), or it drops a field override of the
    /// scenario it replaces: then the caller checks the whole program (whose diagnostics are
    /// the ones to show).
    pub fn amend_scenario(&mut self, name: &str, text: Option<&str>) -> Option<Amended> {
        use crate::check::reuse;
        let program = &*self.program;
        let old_file = self.files.iter().position(|(id, _)| self.sources.get(*id).is_some_and(|s| s.name() == name));
        // the scenario the file declared
        let old_scenario = old_file.and_then(|i| self.files.get(i)).and_then(|(_, f)| {
            f.decls.iter().find_map(|d| match d {
                ast::Decl::Scenario(s) => Some(s),
                _ => None,
            })
        });
        if old_file.is_some() && old_scenario.is_none() {
            return None;
        }
        // the fields it overrode: their definitions (`OpenAI.cash`) were made for it, and a
        // program checked whole without one of them would not have its definition
        let fields_of = |s: &ast::Scenario| -> Vec<(String, String)> {
            s.overrides.iter().filter_map(|o| o.field.as_ref().map(|f| (o.name.name.clone(), f.name.clone()))).collect()
        };
        let old_fields = old_scenario.map(|s| fields_of(s)).unwrap_or_default();
        if let Some((_, f)) = old_file.and_then(|i| self.files.get(i)) {
            if f.decls.len() != 1 {
                return None;
            }
        }
        let old_name = old_scenario.map(|s| s.name.name.clone());
        let mut new = None;
        if let Some(text) = text {
            let id = self.sources.add(name, text, SourceKind::Input);
            let (file, errors) = syntax::parse_file(&self.sources, id);
            let [ast::Decl::Scenario(s)] = file.decls.as_slice() else { return None };
            let base = s.extends.as_ref()?;
            let fits = errors.is_empty()
                && s.timeline.is_none()
                && s.currency.is_none()
                && s.rounding.is_none()
                && base.name != s.name.name
                && program.scenarios.iter().any(|x| x.name == base.name && Some(&x.name) != old_name.as_ref())
                && program.scenarios.iter().all(|x| x.name != s.name.name || Some(&x.name) == old_name.as_ref())
                && program.scenarios.iter().all(|x| x.extends.as_ref() != Some(&s.name.name));
            if !fits {
                return None;
            }
            let new_fields = fields_of(s);
            if old_fields.iter().any(|f| !new_fields.contains(f)) {
                return None;
            }
            let imports = self.imports();
            let mut overrides = Vec::new();
            for o in &s.overrides {
                let t = reuse::expr_in(program, &imports, &o.value).ok()?;
                let id = match &o.field {
                    // a field whose definition a check of the whole program made already
                    Some(f) => reuse::field_override(program, &o.name.name, &f.name, &t)?,
                    None => reuse::definition_override(program, &o.name.name, &t)?,
                };
                overrides.push((id, t));
            }
            let ir = crate::check::ir::ScenarioIr {
                name: s.name.name.clone(),
                extends: Some(base.name.clone()),
                timeline: None,
                currency: None,
                rounding: None,
                overrides,
                span: s.span,
            };
            new = Some(((id, file.clone()), ir));
        }
        if text.is_none() && !old_fields.is_empty() {
            return None;
        }
        let mut next = program.clone();
        next.scenarios.retain(|x| Some(&x.name) != old_name.as_ref());
        let added = new.is_some();
        let file = new.map(|(file, ir)| {
            next.scenarios.push(ir);
            file
        });
        // the terms and ranges the overrides reach, as the whole check would
        if !reuse::validate(&next).is_empty() {
            return None;
        }
        let removed = old_file.map(|i| (i, self.files.remove(i)));
        if let Some(file) = file {
            self.files.push(file);
        }
        let warnings = crate::eval::warning::warnings(&next);
        let amended = Amended {
            removed,
            added,
            warnings: std::mem::replace(&mut self.warnings, warnings),
            program: std::mem::replace(&mut self.program, Arc::new(next)),
            runs: std::mem::take(&mut self.runs),
            memo: self.memo.clone(),
        };
        Some(amended)
    }

    /// The std modules the program imports (their built-ins are in scope).
    fn imports(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|(_, f)| &f.decls)
            .filter_map(|d| match d {
                ast::Decl::Import(i) => Some(i.path.clone()),
                _ => None,
            })
            .collect()
    }

    /// [`Session::check_expr`] without the program it was checked with: checked alone
    /// against the committed program ([`crate::check::reuse`]) when it can be, which is much
    /// faster on a large program, else with the whole program (for its diagnostics).
    pub fn check_in_program(&mut self, name: &str, text: &str) -> Result<TExpr, Diags> {
        let id = self.sources.add(name, text, SourceKind::Input);
        let expr = syntax::parse_expr(&self.sources, id)
            .map_err(|errs| errs.iter().map(ToDiagnostic::to_diagnostic).collect::<Vec<_>>())?;
        match crate::check::reuse::expr_in(&self.program, &self.imports(), &expr) {
            Ok(t) => Ok(t),
            Err(_) => self.compile_expr(&expr).map(|(_, t)| t),
        }
    }

    /// What the last run computed again, when it reused an earlier run (`None`: it ran all).
    pub fn last_reuse(&self) -> Option<Reuse> {
        self.reuse
    }

    /// Hands back a run result the caller no longer needs (the REPL's figures from before a
    /// change), so the next incremental run copies its books into that memory instead of
    /// mapping in fresh memory; nothing happens while anything else still holds it.
    pub fn recycle(&mut self, result: Arc<RunResult>) {
        if let Some(spare) = eval::incremental::Spare::of(result) {
            self.spare = Some(spare);
        }
    }

    /// Puts back what [`Session::amend_scenario`] replaced.
    pub fn restore(&mut self, a: Amended) {
        if a.added {
            self.files.pop();
        }
        if let Some((i, f)) = a.removed {
            self.files.insert(i.min(self.files.len()), f);
        }
        self.program = a.program;
        self.warnings = a.warnings;
        self.runs = a.runs;
        self.memo = a.memo;
    }

    /// Takes one input: an expression is evaluated, declarations are added to the program.
    /// Nothing changes unless the whole input is free of errors.
    pub fn submit(&mut self, text: &str) -> Result<Submitted, Diags> {
        self.inputs += 1;
        let name = format!("<input{}>", self.inputs);
        Ok(match self.submit_in(&name, text, None)? {
            Answer::Declared(n) => Submitted::Declared(n),
            Answer::Value(_, v) => Submitted::Value(v),
        })
    }

    /// [`Session::submit`] under a source name of the caller's (the REPL's `<repl:3>`), with an
    /// expression evaluated in `scenario` (outside any when `None`) and returned with its type.
    pub fn submit_in(&mut self, name: &str, text: &str, scenario: Option<&str>) -> Result<Answer, Diags> {
        let id = self.sources.add(name, text, SourceKind::Input);
        if let Ok(expr) = syntax::parse_expr(&self.sources, id) {
            let (ty, v) = self.eval_typed(&expr, scenario)?;
            return Ok(Answer::Value(ty, v));
        }
        let loaded = driver::load_with(&mut self.sources, &*self.importer, &mut self.std, Root::Text { name, text });
        let added = loaded.files.last().map_or(0, |(_, f)| f.decls.len());
        let mut all = Loaded { files: self.files.clone(), diagnostics: loaded.diagnostics };
        for (id, file) in loaded.files {
            let known = |n: &str| all.files.iter().any(|(g, _)| self.sources.get(*g).is_some_and(|s| s.name() == n));
            if !self.sources.get(id).is_some_and(|s| known(s.name())) {
                all.files.push((id, file));
            }
        }
        self.commit(all).map(|()| Answer::Declared(added))
    }

    /// Evaluates expressions checked by [`Session::check_expr`] in one scenario's run, with one
    /// evaluator for all of them (the REPL's headline figures).
    pub fn eval_checked(&mut self, exprs: &[TExpr], scenario: Option<&str>) -> Result<Vec<Value>, Diags> {
        let result = self.run(scenario)?;
        let mut run = result.query().map_err(|e| vec![e.to_diagnostic()])?;
        let mut out = Vec::with_capacity(exprs.len());
        for e in exprs {
            let v = run.value(e).map_err(|x| vec![x.to_diagnostic()])?;
            out.push(to_value(&run, v, e.span).map_err(|x| vec![x.to_diagnostic()])?);
        }
        Ok(out)
    }

    /// Evaluates one expression against the program: outside any scenario when `scenario` is
    /// `None` (it must then be a constant), else in that scenario's run (a series is a value).
    pub fn eval(&mut self, text: &str, scenario: Option<&str>) -> Result<Value, Diags> {
        let id = self.sources.add("<eval>", text, SourceKind::Input);
        let expr = syntax::parse_expr(&self.sources, id)
            .map_err(|errs| errs.iter().map(ToDiagnostic::to_diagnostic).collect::<Vec<_>>())?;
        self.eval_parsed(&expr, scenario)
    }

    /// The distribution of a constant expression over `samples` draws of the uncertain inputs
    /// it uses (`:dist EXPR`): sample i draws from ChaCha8 seeded with `seed` on stream i, as
    /// `aifin sample` does. Returns its point, its statistics and its unit as text.
    pub fn distribution(
        &mut self,
        text: &str,
        seed: u64,
        samples: u64,
    ) -> Result<(crate::sample::stats::Stats, String), Diags> {
        let (program, texpr) = self.check_expr("<dist>", text)?;
        let one = |e: crate::eval::EvalError| vec![e.to_diagnostic()];
        let sampler = crate::eval::uncertain::ConstantSampler::new(&program, &texpr).map_err(one)?;
        let mut values = Vec::new();
        for i in 0..samples {
            values.push(sampler.sample(&mut crate::sample::rng(seed, i)).map_err(one)?);
        }
        let stats = crate::sample::stats::stats(sampler.point, values)
            .map_err(|e| one(crate::eval::EvalError::arith(e, texpr.span)))?;
        Ok((stats, program.registry.format_unit(&sampler.unit)))
    }

    /// [`Session::distribution`] of an expression that may need a scenario's run (`:dist
    /// at(cash(OpenAI), 2028-06)`; `name` names the source of
    /// `text`): a constant outside any run is sampled as there; else each
    /// sample runs `scenario` with every uncertain input of it drawn, exactly as sample i of
    /// `aifin sample` does (so a report item's percentiles there are this one's), and the
    /// expression must then have one value (`at`, `annual`, `total`, `funding_gap`…).
    pub fn distribution_in(
        &mut self,
        name: &str,
        text: &str,
        scenario: Option<&str>,
        seed: u64,
        samples: u64,
    ) -> Result<(crate::sample::stats::Stats, String), Diags> {
        use crate::eval::engine::Val;
        use crate::eval::uncertain;
        let (program, texpr) = self.check_expr(name, text)?;
        let one = |e: crate::eval::EvalError| vec![e.to_diagnostic()];
        let constant = match crate::eval::uncertain::ConstantSampler::new(&program, &texpr) {
            Ok(sampler) => Some(sampler),
            Err(crate::eval::EvalError::NotConstant { .. }) if scenario.is_some() => None,
            Err(e) => return Err(one(e)),
        };
        let (point, values, unit) = match constant {
            Some(sampler) => {
                let mut values = Vec::new();
                for i in 0..samples {
                    values.push(sampler.sample(&mut crate::sample::rng(seed, i)).map_err(one)?);
                }
                (sampler.point, values, sampler.unit)
            }
            None => {
                let varies = || crate::eval::EvalError::NotConstant {
                    span: texpr.span,
                    what: "a value that varies over the timeline (take one with at(), annual(), total() or \
                           funding_gap())"
                        .into(),
                };
                let one_value = |v: Val| match v {
                    Val::S(s, _) | Val::Uncertain(_, _, s) if s.values.is_const() => Ok(s),
                    _ => Err(varies()),
                };
                let mut run = eval::engine::run_scenario(&program, scenario).map_err(one)?;
                let inputs = uncertain::inputs(&mut run).map_err(one)?;
                let point = one_value(run.value(&texpr).map_err(one)?).map_err(one)?;
                let unit = point.unit.clone();
                let mut values = Vec::new();
                for i in 0..samples {
                    let draws = uncertain::draw(&inputs, &mut crate::sample::rng(seed, i)).map_err(one)?;
                    let mut r = uncertain::run_drawn(&program, scenario, Arc::new(draws)).map_err(one)?;
                    let v = one_value(r.value(&texpr).map_err(one)?).map_err(one)?;
                    let v = v
                        .convert(&unit, &program.registry)
                        .map_err(|x| one(crate::eval::EvalError::arith(x.error, texpr.span)))?;
                    values.push(v.get(0));
                }
                (point.get(0), values, unit)
            }
        };
        let stats = crate::sample::stats::stats(point, values)
            .map_err(|e| one(crate::eval::EvalError::arith(e, texpr.span)))?;
        Ok((stats, program.registry.format_unit(&unit)))
    }

    /// Checks an expression against the program (as source `name`, for diagnostics): the
    /// program checked with it and the typed expression (the same declarations check to the
    /// same ids, so it fits the committed program and its runs too). `aifin explain`, `sweep`
    /// and `tornado` ask their questions with it.
    pub fn check_expr(&mut self, name: &str, text: &str) -> Result<(Program, crate::check::ir::TExpr), Diags> {
        let id = self.sources.add(name, text, SourceKind::Input);
        let expr = syntax::parse_expr(&self.sources, id)
            .map_err(|errs| errs.iter().map(ToDiagnostic::to_diagnostic).collect::<Vec<_>>())?;
        self.compile_expr(&expr)
    }

    /// An expression checked against the committed program's declarations.
    fn compile_expr(&self, expr: &ast::Expr) -> Result<(Program, crate::check::ir::TExpr), Diags> {
        let loaded = Loaded { files: self.files.clone(), diagnostics: Vec::new() };
        // The same declarations check to the same ids, so the expression fits the committed
        // program (and its cached runs) as well as the program checked with it.
        let (program, texpr, diags) = driver::compile(&loaded, Some(expr));
        match texpr {
            Some(t) if diags.is_empty() => Ok((program, t)),
            _ => Err(diags),
        }
    }

    fn eval_parsed(&mut self, expr: &ast::Expr, scenario: Option<&str>) -> Result<Value, Diags> {
        self.eval_typed(expr, scenario).map(|(_, v)| v)
    }

    fn eval_typed(&mut self, expr: &ast::Expr, scenario: Option<&str>) -> Result<(Type, Value), Diags> {
        let (program, texpr) = self.compile_expr(expr)?;
        let Some(scenario) = scenario else {
            let v = eval::eval_expr(&texpr, &program).map_err(|e| vec![e.to_diagnostic()])?;
            return Ok((texpr.ty, v));
        };
        let result = self.run(Some(scenario))?;
        let mut run = result.query().map_err(|e| vec![e.to_diagnostic()])?;
        let v = run.value(&texpr).map_err(|e| vec![e.to_diagnostic()])?;
        let v = to_value(&run, v, texpr.span).map_err(|e| vec![e.to_diagnostic()])?;
        Ok((texpr.ty, v))
    }

    /// The run of a scenario (the first declared when `None`), computed once and cached.
    pub fn run(&mut self, scenario: Option<&str>) -> Result<Arc<RunResult>, Diags> {
        self.run_and(scenario, |_, _| ()).map(|(r, _)| r)
    }

    /// [`Session::run`], calling `f` on the evaluator of a run it makes before the run is
    /// cached (so `f` reads its books without copying them, as `RunResult::query` must):
    /// `None` in place of `f`'s answer when the run was cached already.
    pub fn run_and<T>(
        &mut self,
        scenario: Option<&str>,
        f: impl FnOnce(&mut eval::engine::Run<'_>, &SourceMap) -> T,
    ) -> Result<(Arc<RunResult>, Option<T>), Diags> {
        let key = self.scenario_key(scenario);
        if let Some(r) = self.runs.get(&key) {
            return Ok((r.clone(), None));
        }
        let program = self.program.clone();
        let one = |e: crate::eval::EvalError| vec![e.to_diagnostic()];
        let dirty = match &self.memo {
            Some(prev) => eval::incremental::dirty(prev, &program, scenario).map_err(one)?.map(|d| (prev.clone(), d)),
            None => None,
        };
        self.reuse = dirty.as_ref().map(|(_, d)| {
            let (defs, flows) = d.count();
            Reuse { defs: (defs, d.defs.len()), flows: (flows, d.flows.len()), entities: None }
        });
        let mut run = match &dirty {
            Some((prev, d)) => {
                let spare = self.spare.take();
                let (run, posted) = eval::incremental::rerun(&program, scenario, prev, d, spare).map_err(one)?;
                if let Some(r) = &mut self.reuse {
                    r.entities = posted.map(|n| (n, program.entities.len()));
                }
                run
            }
            None => eval::engine::run_scenario(&program, scenario).map_err(one)?,
        };
        // What `f` computes on top of the books (values that read the ledger) stays in the
        // result; `eval::incremental` never reuses those (they name an entity or contract).
        let answer = f(&mut run, &self.sources);
        let result = Arc::new(RunResult::new(program.clone(), run));
        self.runs.insert(key, result.clone());
        self.memo = Some(result.clone());
        Ok((result, Some(answer)))
    }

    /// Runs a scenario and builds its reports and claims (`aifin run`). The run is cached.
    pub fn outcome(&mut self, scenario: Option<&str>) -> Result<Outcome, Diags> {
        let program = self.program.clone();
        let mut run = eval::engine::run_scenario(&program, scenario).map_err(|e| vec![e.to_diagnostic()])?;
        let outcome = crate::report::outcome(&mut run, &self.sources).map_err(|e| vec![e.to_diagnostic()])?;
        self.runs.insert(self.scenario_key(scenario), Arc::new(RunResult::new(program.clone(), run)));
        Ok(outcome)
    }

    fn scenario_key(&self, scenario: Option<&str>) -> String {
        match scenario {
            Some(s) => s.to_string(),
            None => self.program.scenarios.first().map(|s| s.name.clone()).unwrap_or_default(),
        }
    }

    /// Monte Carlo over the program's uncertain inputs (`aifin sample`): samples `range` of
    /// `samples` of a scenario (the first declared when `None`) with `seed`, on `threads`
    /// threads. `name` is how the output names the file. The batch is complete (summarise it
    /// with [`crate::sample::stats::Summary::of`]) when `range` is `0..samples`.
    pub fn sample(
        &self,
        name: &str,
        scenario: Option<&str>,
        seed: u64,
        samples: u64,
        range: std::ops::Range<u64>,
        threads: usize,
    ) -> Result<crate::sample::Batch, crate::sample::SampleError> {
        let plan = crate::sample::Plan::new(&self.program, &self.sources, name, scenario, seed, samples)?;
        plan.run(range, threads)
    }

    /// Names that start with `prefix`: built-ins, units, and the program's declarations.
    pub fn completions(&self, prefix: &str) -> Vec<String> {
        let p = &*self.program;
        let names = BUILTINS
            .iter()
            .map(|b| b.name.to_string())
            .chain(p.registry.units().iter().map(|u| u.name.clone()))
            .chain(p.definitions.iter().map(|d| d.name.clone()))
            .chain(p.entities.iter().map(|e| e.name.clone()))
            .chain(p.flows.iter().map(|f| f.name.clone()))
            .chain(p.contracts.iter().map(|c| c.name.clone()))
            .chain(p.scenarios.iter().map(|s| s.name.clone()));
        let mut out: Vec<String> = names.filter(|n| n.starts_with(prefix)).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Diagnostics as text, against this session's sources.
    pub fn render(&self, diagnostics: &[Diagnostic], style: RenderStyle) -> String {
        render_all(diagnostics, &self.sources, style)
    }
}
