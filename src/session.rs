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
    inputs: usize,
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
        Ok(())
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
        let key = self.scenario_key(scenario);
        if let Some(r) = self.runs.get(&key) {
            return Ok(r.clone());
        }
        let program = self.program.clone();
        let run = eval::engine::run_scenario(&program, scenario).map_err(|e| vec![e.to_diagnostic()])?;
        let result = Arc::new(RunResult::new(program.clone(), run));
        self.runs.insert(key, result.clone());
        Ok(result)
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
