//! Stopping an evaluation from outside: Ctrl-C in `aifin repl`. The terminal front end points
//! its SIGINT handler at [`flag`]; the evaluator polls it each time it computes a definition
//! or a flow ([`check`]), so a long run stops within the time one of those takes and returns
//! [`EvalError::Limit`] ("interrupted"). Nothing a run computes is kept when it fails, so the
//! session is as it was. One flag per process: only the interactive REPL sets it.

use super::EvalError;
use crate::source::Span;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

static FLAG: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// The flag that, once set, stops evaluation (for a signal handler to set).
pub fn flag() -> Arc<AtomicBool> {
    FLAG.clone()
}

/// Clears the flag, and says whether it was set.
pub fn take() -> bool {
    FLAG.swap(false, Ordering::Relaxed)
}

/// Fails when an interrupt was asked for.
pub(super) fn check(span: Span) -> Result<(), EvalError> {
    if FLAG.load(Ordering::Relaxed) {
        return Err(EvalError::Limit { span, what: "interrupted".into() });
    }
    Ok(())
}
