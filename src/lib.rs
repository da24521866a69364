//! aifin: a declarative, unit-checked, exact scenario language for the economics of AI.
//!
//! The pipeline flows one way, one module per stage, each with one entry function:
//!
//! 1. [`syntax`] — source text → pest pairs → AST with spans ([`syntax::parse_file`]);
//! 2. [`units`] — unit and dimension declarations → a unit registry;
//! 3. [`check`] — AST → resolved, unit-checked program ([`check::check`]);
//! 4. [`eval`] — evaluation with exact decimals ([`eval::eval_expr`]);
//! 5. reports and rendering ([`diagnostic`] for errors).
//!
//! [`driver`] ties the stages together; [`cli`] is the command line; [`golden`] runs the
//! examples against their expected outputs; [`solve`] is goal seek over runs.

pub mod calendar;
pub mod check;
pub mod clearing;
pub mod cli;
pub mod contracts;
pub mod diagnostic;
pub mod driver;
pub mod eval;
pub mod golden;
pub mod limits;
pub mod number;
pub mod report;
pub mod solve;
pub mod source;
pub mod syntax;
pub mod synth;
pub mod units;
