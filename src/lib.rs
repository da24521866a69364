//! aifin: a declarative, unit-checked, exact scenario language for the economics of AI.
//!
//! The pipeline flows one way, one module per stage, each with one entry function:
//!
//! 1. [`syntax`] — source text → pest pairs → AST with spans ([`syntax::parse_file`]);
//! 2. [`units`] — unit and dimension declarations → a unit registry ([`units::build_registry`]);
//! 3. [`check`] — AST → resolved, unit-checked program ([`check::check`]);
//! 4. [`eval`] — a scenario's run with exact decimals ([`eval::engine::run_scenario`]), kept as
//!    an owned [`eval::RunResult`];
//! 5. [`report`] — a run's tables and claims ([`report::outcome`]);
//! 6. [`driver`] loads sources and compiles them; [`session::Session`] is the front door that
//!    the command line ([`cli`]) and the golden runner ([`golden`]) use.
//!
//! Below them sit [`limits`], [`number`], [`source`], [`diagnostic`], [`calendar`]; beside
//! eval, [`contracts`] (ACTUS schedules) and [`clearing`] (Eisenberg–Noe). A module uses only
//! stages before its own: the order is written down once, in `tests/architecture.rs`, which
//! fails on a use that points up it. ARCHITECTURE.md says where each list lives. [`solve`]
//! (goal seek) runs a scenario again and again, between report and the command line.

pub mod calendar;
pub mod check;
pub mod clearing;
pub mod cli;
pub mod compare;
pub mod contracts;
pub mod diagnostic;
pub mod driver;
pub mod eval;
pub mod explain;
pub mod golden;
pub mod imports;
pub mod intern;
pub mod limits;
pub mod lsp;
pub mod number;
pub mod plot;
pub mod repl;
pub mod report;
pub mod sample;
pub mod scenarios;
pub mod sensitivity;
pub mod session;
pub mod snippet;
pub mod solve;
pub mod source;
pub mod syntax;
pub mod synth;
pub mod terminal;
pub mod units;
