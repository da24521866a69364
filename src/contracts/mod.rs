//! Contracts: their dated events (schedules) and how those post to the ledger.
//!
//! - [`dates`]: ACTUS dates, day counts, cycles and schedules;
//! - [`business`]: calendars and business-day conventions;
//! - [`amounts`]: annuity amounts, derived payments and maturities, balances between events;
//! - [`loan`]: loans (PAM, ANN, LAM, NAM) with ACTUS semantics;
//! - [`resets`]: rate resets of floating-rate loans (RR, RRF);
//! - [`scaling`]: index-linked payments (SC);
//! - [`terms`]: checked contract declarations → contract terms;
//! - [`actus`]: ACTUS term sheets (JSON) → `.aifin` declarations.

pub mod actus;
pub mod amounts;
pub mod business;
pub mod dates;
pub mod loan;
pub mod resets;
pub mod scaling;
pub mod terms;
