//! Contracts: their dated events (schedules) and how those post to the ledger.
//!
//! - [`dates`]: ACTUS dates, day counts, cycles and schedules;
//! - [`business`]: calendars and business-day conventions;
//! - [`amounts`]: annuity amounts, derived payments and maturities, balances between events;
//! - [`loan`]: loans (PAM, ANN, LAM, NAM) with ACTUS semantics;
//! - [`resets`]: rate resets of floating-rate loans (RR, RRF);
//! - [`scaling`]: index-linked payments (SC);
//! - [`actus`]: ACTUS term sheets (JSON) → `.aifin` declarations.
//!
//! Reading a checked contract declaration into these terms needs the evaluator, so it lives in
//! [`crate::eval::terms`]; this module knows nothing of the checker or the evaluator.

pub mod actus;
pub mod amounts;
pub mod business;
pub mod dates;
pub mod loan;
pub mod resets;
pub mod scaling;
