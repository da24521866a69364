//! Contracts: their dated events (schedules) and how those post to the ledger.
//!
//! - [`dates`]: ACTUS dates, day counts, cycles and schedules;
//! - [`loan`]: loans (PAM, ANN, LAM) with ACTUS semantics;
//! - [`actus`]: ACTUS term sheets (JSON) → `.aifin` declarations.
//!
//! Reading a checked contract declaration into these terms needs the evaluator, so it lives in
//! [`crate::eval::terms`]; this module knows nothing of the checker or the evaluator.

pub mod actus;
pub mod dates;
pub mod loan;
