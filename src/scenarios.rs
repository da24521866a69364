//! Evaluating whole scenarios for the commands that show their results: one scenario's
//! [`Outcome`] (`aifin run`, `aifin check --claims`), or every scenario's in declaration order
//! (`--all-scenarios`). One function, so that every command reports the same figures.

use crate::check::ir::Program;
use crate::eval::EvalError;
use crate::report::Outcome;
use crate::source::SourceMap;

/// Runs one scenario (the first declared when `name` is `None`) and evaluates its claims and
/// reports.
pub fn outcome(program: &Program, name: Option<&str>, sources: &SourceMap) -> Result<Outcome, EvalError> {
    let mut run = crate::eval::engine::run_scenario(program, name)?;
    crate::report::outcome(&mut run, sources)
}

/// The names of the scenarios to evaluate: `name` alone, or every declared scenario when
/// `all` is set.
pub fn names(program: &Program, name: Option<&str>, all: bool) -> Vec<Option<String>> {
    if all {
        program.scenarios.iter().map(|s| Some(s.name.clone())).collect()
    } else {
        vec![name.map(str::to_string)]
    }
}
