//! Contracts: their dated events (schedules) and how those post to the ledger.
//!
//! - [`dates`]: ACTUS dates, day counts, cycles and schedules;
//! - [`loan`]: loans (PAM, ANN, LAM) with ACTUS semantics;
//! - [`terms`]: checked contract declarations → contract terms;
//! - [`actus`]: ACTUS term sheets (JSON) → `.aifin` declarations.

pub mod actus;
pub mod dates;
pub mod loan;
pub mod terms;
