//! Clearing on random obligation networks: nobody pays more than it owes or has, a defaulter
//! pays all it has, the result is the greatest clearing vector, and money is conserved exactly.

use aifin::clearing::{clear, Obligation, Policy};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn network() -> impl Strategy<Value = (Vec<Decimal>, Vec<Obligation>)> {
    (2usize..7).prop_flat_map(|n| {
        let cash = proptest::collection::vec((-60i64..200).prop_map(Decimal::from), n);
        let obs = proptest::collection::vec((0..n, 0..n, 1i64..150_000), 0..(n * n)).prop_map(|v| {
            v.into_iter()
                .filter(|(a, b, _)| a != b)
                .map(|(debtor, creditor, x)| Obligation { debtor, creditor, amount: Decimal::new(x, 3) })
                .collect::<Vec<_>>()
        });
        (cash, obs)
    })
}

/// The fixed point iterated down from full payment, in decimals (for comparison only).
fn iterated(cash: &[Decimal], obs: &[Obligation]) -> Vec<Decimal> {
    let n = cash.len();
    let mut owed = vec![Decimal::ZERO; n];
    for o in obs {
        owed[o.debtor] += o.amount;
    }
    let mut p = owed.clone();
    for _ in 0..2000 {
        let mut v = cash.to_vec();
        for o in obs {
            if !owed[o.debtor].is_zero() {
                v[o.creditor] += p[o.debtor] * o.amount / owed[o.debtor];
            }
        }
        p = (0..n).map(|i| owed[i].min(v[i].max(Decimal::ZERO))).collect();
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn clearing_laws((cash, obs) in network()) {
        let n = cash.len();
        let c = clear(&cash, &vec![Policy::ProRata; n], &obs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        // negative cash counts as none in the clearing (a funding gap is not the creditors')
        let cash: Vec<Decimal> = cash.iter().map(|x| (*x).max(Decimal::ZERO)).collect();
        let mut has = cash.clone();
        let mut out = vec![Decimal::ZERO; n];
        let mut owed = vec![Decimal::ZERO; n];
        for (k, o) in obs.iter().enumerate() {
            prop_assert!(c.paid[k] >= Decimal::ZERO && c.paid[k] <= o.amount, "pays at most what is owed");
            has[o.creditor] += c.paid[k];
            out[o.debtor] += c.paid[k];
            owed[o.debtor] += o.amount;
        }
        let unit = Decimal::new(1, 13);
        for i in 0..n {
            prop_assert!(out[i] <= has[i].max(Decimal::ZERO), "node {} pays {} but has {}", i, out[i], has[i]);
            let slack = unit * Decimal::from(obs.len().max(1));
            if owed[i].is_zero() {
                prop_assert!(!c.defaulted[i], "node {} owes nothing and cannot default", i);
            }
            if c.defaulted[i] {
                // all it has, but for rounding dust: at most one unit of 1e-13 per obligation
                let all = has[i].max(Decimal::ZERO).min(owed[i]);
                prop_assert!(all - out[i] <= slack && out[i] <= all, "a defaulter pays all it has: {} of {}", out[i], all);
            } else {
                prop_assert!(owed[i] - out[i] <= slack, "a solvent node pays in full");
            }
        }
        // money is conserved exactly
        let before: Decimal = cash.iter().sum();
        let after: Decimal = (0..n).map(|i| has[i] - out[i]).sum();
        prop_assert_eq!(before, after);
        // the greatest clearing vector: agrees with the fixed point iterated from full payment
        let p = iterated(&cash, &obs);
        for i in 0..n {
            let tol = Decimal::new(1, 6).max(owed[i] * Decimal::new(1, 9));
            prop_assert!((out[i] - p[i]).abs() <= tol, "node {}: {} vs iterated {}", i, out[i], p[i]);
        }
    }
}
