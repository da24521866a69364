//! Dimensions: products of base dimensions with integer exponents (`USD · Time⁻¹`).

use std::collections::BTreeMap;

/// Index of a base dimension in the registry.
pub type BaseDim = u16;

/// A dimension: base dimensions with non-zero integer exponents, in a canonical order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dimension(BTreeMap<BaseDim, i32>);

impl Dimension {
    /// The dimension of pure numbers.
    pub fn none() -> Self {
        Dimension(BTreeMap::new())
    }
    /// One base dimension.
    pub fn base(b: BaseDim) -> Self {
        let mut m = BTreeMap::new();
        m.insert(b, 1);
        Dimension(m)
    }
    /// True for pure numbers.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }
    /// The product of two dimensions.
    pub fn mul(&self, other: &Dimension) -> Dimension {
        let mut m = self.0.clone();
        for (b, e) in &other.0 {
            let v = m.entry(*b).or_insert(0);
            *v = v.saturating_add(*e);
            if *v == 0 {
                m.remove(b);
            }
        }
        Dimension(m)
    }
    /// This dimension raised to `n`.
    pub fn pow(&self, n: i32) -> Dimension {
        if n == 0 {
            return Dimension::none();
        }
        Dimension(self.0.iter().map(|(b, e)| (*b, e.saturating_mul(n))).collect())
    }
    /// The inverse.
    pub fn inv(&self) -> Dimension {
        self.pow(-1)
    }
    /// The quotient.
    pub fn div(&self, other: &Dimension) -> Dimension {
        self.mul(&other.inv())
    }
    /// The base dimensions with their exponents.
    pub fn factors(&self) -> impl Iterator<Item = (BaseDim, i32)> + '_ {
        self.0.iter().map(|(b, e)| (*b, *e))
    }
    /// The exponent of one base dimension.
    pub fn exponent(&self, b: BaseDim) -> i32 {
        self.0.get(&b).copied().unwrap_or(0)
    }
}

impl Dimension {
    /// The exponent of `time` in this dimension, when `time` is one base dimension (else 0).
    pub fn exponent_of_time(&self, time: &Dimension) -> i32 {
        match time.factors().next() {
            Some((b, 1)) if time.factors().count() == 1 => self.exponent(b),
            _ => 0,
        }
    }
}
