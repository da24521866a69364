//! Claims about when something happens: a period-valued expression (`defaulted(E)`,
//! `runway(E)`, a period) compared with a period or `never`.
//!
//! Order: an earlier period is smaller. Periods compare as spans of days, so that periods of
//! different lengths compare sensibly: `A < B` when `A` ends before `B` starts, `A > B` when
//! `A` starts after `B` ends, `A <= B` when `A` is not wholly after `B`, `A >= B` when it is
//! not wholly before; `==` means the same period (for periods of one length this is the usual
//! order). `never` comes after every period and equals only itself. `in A .. B` holds when
//! the model's period lies wholly from the start of `A` to the end of `B` (`never` is in no
//! range).

use super::{ClaimResult, PeriodClaim};
use crate::check::ir::{ClaimIr, ClaimTestIr, TExpr, TExprKind};
use crate::eval::engine::{Run, Val};
use crate::eval::timeline::Timeline;
use crate::eval::EvalError;
use crate::syntax::ast::CompareOp;

/// A point in time a claim can state: a period's days `[first, end)`, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    At(i64, i64),
    Never,
}

/// `a` ends before `b` starts (every period is before `never`).
fn before(a: Moment, b: Moment) -> bool {
    match (a, b) {
        (Moment::At(_, a_end), Moment::At(b_first, _)) => a_end <= b_first,
        (Moment::At(..), Moment::Never) => true,
        (Moment::Never, _) => false,
    }
}

fn moment(run: &mut Run<'_>, e: &TExpr) -> Result<(Moment, String), EvalError> {
    if matches!(&e.kind, TExprKind::Symbol(s) if s == "never") {
        return Ok((Moment::Never, "never".into()));
    }
    match run.value(e)? {
        Val::Period(p) => {
            let (a, b) = Timeline::span_of(p);
            Ok((Moment::At(a, b), p.to_string()))
        }
        Val::Never => Ok((Moment::Never, "never".into())),
        _ => Err(EvalError::Internal { span: e.span, what: "a claim about a period of something else".into() }),
    }
}

/// Checks a claim whose value is a period (the checker has seen to it that its target is a
/// period, `never` or a range of periods).
pub(super) fn claim(run: &mut Run<'_>, c: &ClaimIr) -> Result<ClaimResult, EvalError> {
    let (model, model_label) = moment(run, &c.value)?;
    let (holds, test, claimed, claimed_high) = match &c.test {
        ClaimTestIr::Compare(op, target) => {
            let (t, label) = moment(run, target)?;
            let holds = match op {
                CompareOp::Eq => model == t,
                CompareOp::Lt => before(model, t),
                CompareOp::Le => !before(t, model),
                CompareOp::Gt => before(t, model),
                CompareOp::Ge => !before(model, t),
            };
            (holds, op.symbol().to_string(), label, None)
        }
        ClaimTestIr::Between(range) => {
            let TExprKind::Range { low, high, .. } = &range.kind else {
                return Err(EvalError::Internal { span: range.span, what: "a range of periods was expected".into() });
            };
            let (lo, lo_label) = moment(run, low)?;
            let (hi, hi_label) = moment(run, high)?;
            let holds = match (model, lo, hi) {
                (Moment::At(a, b), Moment::At(first, _), Moment::At(_, end)) => first <= a && b <= end,
                _ => false,
            };
            (holds, "in".to_string(), lo_label, Some(hi_label))
        }
        ClaimTestIr::Approx { target, .. } => {
            return Err(EvalError::Internal { span: target.span, what: "`~=` of periods".into() })
        }
    };
    Ok(ClaimResult {
        text: c.text.clone(),
        source: c.source.clone(),
        expect_fail: c.expect_fail,
        holds,
        model: Default::default(),
        claimed: Default::default(),
        claimed_high: None,
        tolerance: None,
        test,
        unit: String::new(),
        minor: None,
        ratio: None,
        period: None,
        when: Some(PeriodClaim { model: model_label, claimed, claimed_high }),
    })
}
