//! Clearing a network of obligations (Eisenberg–Noe), exactly.
//!
//! Entry point: [`clear`]. Each node has its own resources `e` (cash it can use, possibly
//! negative) and owes amounts to other nodes; `L` is what a node owes in all and `Π` the share
//! of it each creditor is owed. A clearing vector `p` pays `p_i = L_i` for every node whose
//! value `v_i = e_i + Σ_k Π_ki p_k` covers `L_i`; a node that cannot is in default and pays by
//! its policy: all it has (`max(0, v_i)`, pro rata to what each creditor is owed — the default),
//! a fixed share of what it owes (`recovery`, or all it has if less), or nothing.
//!
//! Negative resources count as zero: what a node lacks for its dealings with the outside world
//! (its funding gap) is not a claim on its creditors, so a node whose cash is negative still
//! passes on what it receives, and a node that owes nothing never defaults.
//!
//! The **greatest** clearing vector is found with the fictitious-default algorithm: start with
//! everybody paying in full; mark the nodes that cannot; solve for the defaulters' payments
//! given everybody else's (a linear system, solved exactly over big rationals); repeat until
//! nobody new defaults. The set of defaulters only grows, so it ends within `3n` rounds.
//!
//! **Rounding.** The exact payments are then rounded once to the ledger's 13 decimals: a
//! defaulter's total is split between its creditors by the largest-remainder rule, so the parts
//! add up exactly; then, because creditors receive rounded amounts, every defaulter is set to pay
//! exactly what it has (capped at what it owes) until nothing changes. Nobody pays more than it
//! owes or has, a defaulter pays all it has, and money is conserved exactly.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

/// What a defaulted node pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// All it has, pro rata (Eisenberg–Noe).
    ProRata,
    /// This share of what it owes (or all it has, if less).
    Recovery(Decimal),
    /// Nothing.
    Nothing,
}

/// One obligation: `debtor` owes `creditor` `amount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obligation {
    /// Who owes.
    pub debtor: usize,
    /// To whom.
    pub creditor: usize,
    /// How much (at the ledger's precision, positive).
    pub amount: Decimal,
}

/// The outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clearing {
    /// What is paid on each obligation (same order as the input).
    pub paid: Vec<Decimal>,
    /// Which nodes are in default.
    pub defaulted: Vec<bool>,
}

/// Why a network cannot be cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearingError {
    /// A node or amount is out of range (negative obligation, unknown node, too large).
    Invalid,
}

/// Decimal places of the ledger the result is rounded to.
pub const DP: u32 = 13;

fn q(x: Decimal) -> BigRational {
    BigRational::new(BigInt::from(x.mantissa()), BigInt::from(10u32).pow(x.scale()))
}

/// `x` rounded down to `DP` decimals.
fn floor_dp(x: &BigRational) -> Option<Decimal> {
    let units = (x * BigRational::from_integer(BigInt::from(10u32).pow(DP))).floor().to_integer();
    Decimal::try_from_i128_with_scale(units.to_i128()?, DP).ok()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Solvent,
    AllIn,
    Share,
    Zero,
}

/// Solves `(I − A) x = b` exactly; `None` if singular. (Indices are bounded by the square
/// matrix built by the caller.)
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Vec<Vec<BigRational>>, mut b: Vec<BigRational>) -> Option<Vec<BigRational>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).find(|r| !a[*r][col].is_zero())?;
        a.swap(col, pivot);
        b.swap(col, pivot);
        let p = a[col][col].clone();
        for k in col..n {
            a[col][k] = &a[col][k] / &p;
        }
        b[col] = &b[col] / &p;
        for r in 0..n {
            if r != col && !a[r][col].is_zero() {
                let f = a[r][col].clone();
                for k in col..n {
                    let v = &f * &a[col][k];
                    a[r][k] = &a[r][k] - v;
                }
                let v = &f * &b[col];
                b[r] = &b[r] - v;
            }
        }
    }
    Some(b)
}

/// Clears a network (see the module docs). `resources[i]` is node i's own resources.
///
/// Only defaulters' payments are ever fractional: a solvent debtor pays each creditor exactly
/// the amount owed, in decimals. So values are kept in decimals, corrected in exact rationals
/// only along obligations out of defaulters, and the linear system spans the defaulters alone.
pub fn clear(resources: &[Decimal], policy: &[Policy], obligations: &[Obligation]) -> Result<Clearing, ClearingError> {
    // negative resources count as none: a node's shortfall with the outside world (its funding
    // gap) is not its creditors' to bear, and must never count against them
    let resources: Vec<Decimal> = resources.iter().map(|r| (*r).max(Decimal::ZERO)).collect();
    let resources = resources.as_slice();
    let n = resources.len();
    if policy.len() != n || obligations.iter().any(|o| o.debtor >= n || o.creditor >= n || o.amount < Decimal::ZERO) {
        return Err(ClearingError::Invalid);
    }
    let add = |a: Decimal, b: Decimal| a.checked_add(b).ok_or(ClearingError::Invalid);
    let mut owed = vec![Decimal::ZERO; n];
    let mut full_value = resources.to_vec(); // e_i + Σ_k L_ki: the value if everybody pays
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, o) in obligations.iter().enumerate() {
        owed[o.debtor] = add(owed[o.debtor], o.amount)?;
        full_value[o.creditor] = add(full_value[o.creditor], o.amount)?;
        out_edges[o.debtor].push(k);
    }
    let zero = BigRational::zero();
    let one = BigRational::from_integer(BigInt::from(1));
    let mut class = vec![Class::Solvent; n];
    // exact payments of nodes that are not solvent
    let mut pay: std::collections::BTreeMap<usize, BigRational> = std::collections::BTreeMap::new();
    let share = |k: usize| -> BigRational {
        let o = obligations[k];
        if owed[o.debtor].is_zero() {
            BigRational::zero()
        } else {
            q(o.amount) / q(owed[o.debtor])
        }
    };
    for _round in 0..(3 * n + 3) {
        // corrections along obligations out of non-solvent nodes: − L_ki + share_ki · p_k
        let mut corr: std::collections::BTreeMap<usize, BigRational> = std::collections::BTreeMap::new();
        for (d, p) in &pay {
            for &k in &out_edges[*d] {
                let o = obligations[k];
                let c = corr.entry(o.creditor).or_insert_with(BigRational::zero);
                *c = &*c - q(o.amount) + share(k) * p;
            }
        }
        let below = |i: usize, bound: &BigRational| -> bool {
            match corr.get(&i) {
                Some(c) => &(q(full_value[i]) + c) < bound,
                None => &q(full_value[i]) < bound,
            }
        };
        let mut changed = false;
        for i in 0..n {
            let next = match class[i] {
                // a node that owes nothing never defaults
                Class::Solvent if owed[i].is_zero() => continue,
                Class::Solvent => {
                    let short = match corr.get(&i) {
                        Some(c) => q(full_value[i]) + c < q(owed[i]),
                        None => full_value[i] < owed[i],
                    };
                    if !short {
                        continue;
                    }
                    match policy[i] {
                        Policy::ProRata => Class::AllIn,
                        Policy::Recovery(_) => Class::Share,
                        Policy::Nothing => Class::Zero,
                    }
                }
                Class::Share => match policy[i] {
                    Policy::Recovery(r) if below(i, &(q(r) * q(owed[i]))) => Class::AllIn,
                    _ => Class::Share,
                },
                Class::AllIn if pay.get(&i).is_some_and(|p| p.is_negative()) => Class::Zero,
                c => c,
            };
            if next != class[i] {
                class[i] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        // fixed payments of the nodes that do not pay all they have
        for i in 0..n {
            match (class[i], policy[i]) {
                (Class::Zero, _) => {
                    pay.insert(i, zero.clone());
                }
                (Class::Share, Policy::Recovery(r)) => {
                    pay.insert(i, q(r) * q(owed[i]));
                }
                _ => {}
            }
        }
        // all-in nodes: p_s = value of s given everybody else, solved exactly
        let all_in: Vec<usize> = (0..n).filter(|i| class[*i] == Class::AllIn).collect();
        if !all_in.is_empty() {
            let pos: std::collections::HashMap<usize, usize> =
                all_in.iter().enumerate().map(|(a, b)| (*b, a)).collect();
            let m = all_in.len();
            let mut a = vec![vec![zero.clone(); m]; m];
            for (i, row) in a.iter_mut().enumerate() {
                row[i] = one.clone();
            }
            let mut b: Vec<BigRational> = all_in.iter().map(|i| q(full_value[*i])).collect();
            // out of every non-solvent debtor: remove the full amount, add its share of the payment
            for d in 0..n {
                if class[d] == Class::Solvent {
                    continue;
                }
                for &k in &out_edges[d] {
                    let o = obligations[k];
                    let Some(&s) = pos.get(&o.creditor) else { continue };
                    b[s] = &b[s] - q(o.amount);
                    match pos.get(&d) {
                        Some(&t) => a[s][t] = &a[s][t] - share(k),
                        None => b[s] = &b[s] + share(k) * pay.get(&d).cloned().unwrap_or_default(),
                    }
                }
            }
            let x = solve(a, b).ok_or(ClearingError::Invalid)?;
            for (idx, i) in all_in.iter().enumerate() {
                pay.insert(*i, x[idx].clone());
            }
        }
    }
    let exact: Vec<BigRational> = (0..n)
        .map(|i| match (class[i], pay.get(&i)) {
            (Class::Solvent, _) | (_, None) => q(owed[i]),
            (_, Some(p)) if p.is_negative() => BigRational::zero(),
            (_, Some(p)) => p.clone(),
        })
        .collect();
    let defaulted: Vec<bool> = class.iter().map(|c| *c != Class::Solvent).collect();
    Ok(Clearing { paid: round(resources, obligations, &exact, &class)?, defaulted })
}

/// Splits `total` over parts in proportion to `weights`, exactly at `DP` decimals.
fn largest_remainder(total: Decimal, weights: &[(usize, BigRational)]) -> Result<Vec<(usize, Decimal)>, ClearingError> {
    let sum: BigRational = weights.iter().fold(BigRational::zero(), |a, w| a + &w.1);
    if sum.is_zero() {
        return Ok(weights.iter().map(|w| (w.0, Decimal::ZERO)).collect());
    }
    let unit = BigRational::from_integer(BigInt::from(10u32).pow(DP));
    let total_units = (q(total) * &unit).floor().to_integer();
    let mut parts: Vec<(usize, BigInt, BigRational)> = weights
        .iter()
        .map(|(k, w)| {
            let exact = q(total) * w / &sum * &unit;
            let fl = exact.floor().to_integer();
            let rem = exact - BigRational::from_integer(fl.clone());
            (*k, fl, rem)
        })
        .collect();
    let mut left = total_units - parts.iter().fold(BigInt::zero(), |a, p| a + &p.1);
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].2.cmp(&parts[*a].2).then(a.cmp(b)));
    for i in order {
        if left <= BigInt::zero() {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|(k, units, _)| {
            Decimal::try_from_i128_with_scale(units.to_i128().ok_or(ClearingError::Invalid)?, DP)
                .map(|d| (k, d))
                .map_err(|_| ClearingError::Invalid)
        })
        .collect()
}

/// What each node pays in all, given what every node pays (`T` in the module docs), and the
/// per-obligation split.
fn step(
    resources: &[Decimal],
    obligations: &[Obligation],
    by_debtor: &[Vec<usize>],
    owed: &[Decimal],
    cap: &[Decimal],
    totals: &[Decimal],
) -> Result<(Vec<Decimal>, Vec<Decimal>), ClearingError> {
    let n = resources.len();
    let mut paid = vec![Decimal::ZERO; obligations.len()];
    for i in 0..n {
        if totals[i] == owed[i] {
            for k in &by_debtor[i] {
                paid[*k] = obligations[*k].amount;
            }
        } else {
            let weights: Vec<(usize, BigRational)> =
                by_debtor[i].iter().map(|k| (*k, q(obligations[*k].amount))).collect();
            for (k, x) in largest_remainder(totals[i], &weights)? {
                paid[k] = x;
            }
        }
    }
    let mut has: Vec<Decimal> = resources.to_vec();
    for (k, o) in obligations.iter().enumerate() {
        has[o.creditor] = has[o.creditor].checked_add(paid[k]).ok_or(ClearingError::Invalid)?;
    }
    let next = (0..n).map(|i| cap[i].min(has[i].max(Decimal::ZERO))).collect();
    Ok((paid, next))
}

/// Rounds the exact clearing to the ledger (see the module docs): the greatest fixed point of
/// `T(x)_i = min(cap_i, max(0, has_i(x)))` on the lattice of 13-decimal amounts, where `cap` is
/// what a node pays at most (all it owes; a recovery share; nothing): `x ← min(x, T(x))`,
/// started just above the exact solution, decreases until `x ≤ T(x)`.
fn round(
    resources: &[Decimal],
    obligations: &[Obligation],
    exact: &[BigRational],
    class: &[Class],
) -> Result<Vec<Decimal>, ClearingError> {
    let n = resources.len();
    let mut by_debtor: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut owed = vec![Decimal::ZERO; n];
    for (k, o) in obligations.iter().enumerate() {
        by_debtor[o.debtor].push(k);
        owed[o.debtor] = owed[o.debtor].checked_add(o.amount).ok_or(ClearingError::Invalid)?;
    }
    let cap: Vec<Decimal> = (0..n)
        .map(|i| match class[i] {
            Class::Zero => Decimal::ZERO,
            Class::Share => floor_dp(&exact[i]).unwrap_or(Decimal::ZERO).max(Decimal::ZERO).min(owed[i]),
            _ => owed[i],
        })
        .collect();
    let margin = Decimal::new(1000 * i64::try_from(n).unwrap_or(1), DP);
    let near: Vec<Decimal> = (0..n)
        .map(|i| match class[i] {
            Class::Solvent => cap[i],
            _ => floor_dp(&exact[i])
                .unwrap_or(Decimal::ZERO)
                .checked_add(margin)
                .unwrap_or(cap[i])
                .min(cap[i])
                .max(Decimal::ZERO),
        })
        .collect();
    // Largest-remainder splitting is not monotone (the Alabama paradox: one more unit for a
    // debtor can take one away from a creditor), so an exact fixed point may not exist. The
    // decreasing iteration still ends on a feasible point: x <= T(x), nobody pays more than it
    // has, and a defaulter keeps at most a few units of 1e-13 of what it has.
    let mut x = near;
    for _ in 0..1_000_000usize {
        let (paid, t) = step(resources, obligations, &by_debtor, &owed, &cap, &x)?;
        let lower: Vec<Decimal> = x.iter().zip(&t).map(|(a, b)| *a.min(b)).collect();
        if lower == x {
            return Ok(paid);
        }
        x = lower;
    }
    Err(ClearingError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn ob(debtor: usize, creditor: usize, amount: &str) -> Obligation {
        Obligation { debtor, creditor, amount: d(amount) }
    }

    #[test]
    fn the_three_bank_example() {
        // A: cash 30, owes B 100 and C 20; B: cash 10, owes C 60; C: cash 10, owes A 10.
        let obs = [ob(0, 1, "100"), ob(0, 2, "20"), ob(1, 2, "60"), ob(2, 0, "10")];
        let c = clear(&[d("30"), d("10"), d("10")], &[Policy::ProRata; 3], &obs)
            .unwrap_or(Clearing { paid: vec![], defaulted: vec![] });
        assert_eq!(c.defaulted, vec![true, true, false]);
        let a_pays = c.paid[0] + c.paid[1];
        assert_eq!(a_pays, d("40"));
        assert_eq!(c.paid[3], d("10"), "C pays in full");
        // end cash: A 30 + 10 - 40 = 0; B 10 + paid[0] - paid[2] = 0; C = 50
        assert_eq!(d("10") + c.paid[0] - c.paid[2], d("0"));
        assert_eq!(d("10") + c.paid[1] + c.paid[2] - c.paid[3], d("50"));
        assert!((c.paid[0] - d("33.3333333333333")).abs() <= d("0.0000000000001"));
    }

    #[test]
    fn mutual_debts_clear_in_full() {
        let obs = [ob(0, 1, "10"), ob(1, 0, "10")];
        let c = clear(&[d("0"), d("0")], &[Policy::ProRata; 2], &obs)
            .unwrap_or(Clearing { paid: vec![], defaulted: vec![] });
        assert_eq!(c.defaulted, vec![false, false], "the greatest clearing vector, not the least");
        assert_eq!(c.paid, vec![d("10"), d("10")]);
    }

    #[test]
    fn recovery_and_nothing_policies() {
        let obs = [ob(0, 1, "100")];
        let c = clear(&[d("50"), d("0")], &[Policy::Recovery(d("0.4")), Policy::ProRata], &obs)
            .unwrap_or(Clearing { paid: vec![], defaulted: vec![] });
        assert_eq!(c.paid, vec![d("40")]);
        let c = clear(&[d("50"), d("0")], &[Policy::Nothing, Policy::ProRata], &obs)
            .unwrap_or(Clearing { paid: vec![], defaulted: vec![] });
        assert_eq!(c.paid, vec![d("0")]);
        let c = clear(&[d("-5"), d("0")], &[Policy::ProRata, Policy::ProRata], &obs)
            .unwrap_or(Clearing { paid: vec![], defaulted: vec![] });
        assert_eq!(c.paid, vec![d("0")], "negative resources pay nothing");
    }
}

#[cfg(test)]
mod regression {
    use super::*;

    fn ob(debtor: usize, creditor: usize, amount: &str) -> Obligation {
        Obligation { debtor, creditor, amount: amount.parse().unwrap_or_default() }
    }

    /// Issue 12: a debtor's negative cash does not count against its creditor, and a node that
    /// owes nothing never defaults.
    #[test]
    fn a_debtors_negative_cash_is_not_its_creditors_loss() {
        let cash: Vec<Decimal> = [-6, 3, 0, -50].iter().map(|x| Decimal::from(*x)).collect();
        let obs = [ob(0, 1, "4"), ob(1, 2, "1")];
        let c = clear(&cash, &[Policy::ProRata; 4], &obs);
        let Ok(c) = c else { panic!("{c:?}") };
        assert_eq!(c.defaulted, vec![true, false, false, false]);
        assert_eq!(c.paid, vec![Decimal::ZERO, Decimal::ONE]);
    }

    /// Found by tests/clearing.rs: three defaulters in a cycle.
    #[test]
    fn three_defaulters_in_a_cycle() {
        let cash: Vec<Decimal> = [48, 119, 0, 20, 0].iter().map(|x| Decimal::from(*x)).collect();
        let obs = [
            ob(3, 0, "129.839"),
            ob(1, 3, "2.289"),
            ob(0, 2, "77.318"),
            ob(3, 0, "40.391"),
            ob(1, 0, "16.663"),
            ob(0, 2, "113.137"),
            ob(3, 0, "4.323"),
            ob(3, 2, "24.164"),
            ob(0, 2, "63.023"),
            ob(1, 2, "109.594"),
            ob(0, 3, "2.431"),
        ];
        let c = clear(&cash, &[Policy::ProRata; 5], &obs);
        let Ok(c) = c else { panic!("{c:?}") };
        assert_eq!(c.defaulted, vec![true, true, false, true, false]);
        let out0: Decimal = c.paid.iter().zip(&obs).filter(|(_, o)| o.debtor == 0).map(|(p, _)| *p).sum();
        assert!(
            (out0 - "83.55211183099402".parse::<Decimal>().unwrap_or_default()).abs() < Decimal::new(1, 9),
            "{out0}"
        );
    }
}
