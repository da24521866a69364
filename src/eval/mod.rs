//! The evaluation stage: checked expressions → exact values.
//!
//! Entry points: [`engine::run_scenario`] for a scenario, [`eval_expr`] for one constant. Both
//! evaluate with [`engine::Run`], whose arithmetic ([`series::Series`]) uses only `checked_*`
//! decimal operations; every failure becomes an [`EvalError`] at the operator's span.

mod accrual;
pub mod amounts;
pub mod booking;
mod builtins;
pub mod contracts;
pub mod curves;
pub mod defaults;
mod depreciation;
pub mod engine;
pub mod error;
pub mod finance;
pub mod incremental;
pub mod interrupt;
pub mod ledger;
pub mod result;
pub mod series;
pub mod terms;
pub mod timeline;
pub mod uncertain;
mod value;
pub mod warning;

use crate::check::ir::{Program, TExpr};
pub use error::{At, EvalError};
pub use result::RunResult;
pub use value::Value;
pub use warning::EvalWarning;

/// Evaluates an expression that has one value (not a series) in `program`, outside any
/// scenario: the same evaluator as a run ([`engine::Run::constants`]), without a timeline.
pub fn eval_expr(e: &TExpr, program: &Program) -> Result<Value, EvalError> {
    engine::Run::constants(program, e.span)?.constant(e)
}
