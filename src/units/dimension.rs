//! Dimensions: products of base dimensions with integer exponents (`USD · Time⁻¹`).
//!
//! Every typed expression carries one, so it is kept small: the factors sorted by base
//! dimension in one boxed slice (one or two factors in practice: 8 or 16 bytes of heap, none
//! for a pure number), not a map (a B-tree node of ~100 bytes per clone).

/// Index of a base dimension in the registry.
pub type BaseDim = u16;

/// A dimension: base dimensions with non-zero integer exponents, in a canonical order (sorted
/// by base dimension, so equal dimensions are equal slices and compare and hash alike).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dimension(Box<[(BaseDim, i32)]>);

impl Dimension {
    /// The dimension of pure numbers.
    pub fn none() -> Self {
        Dimension(Box::default())
    }
    /// One base dimension.
    pub fn base(b: BaseDim) -> Self {
        Dimension(Box::new([(b, 1)]))
    }
    /// True for pure numbers.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }
    /// The product of two dimensions ([`Dimension::product`] of both factor lists).
    pub fn mul(&self, other: &Dimension) -> Dimension {
        Dimension::product(self.factors().chain(other.factors()))
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
    /// The product of base dimensions with exponents, in any order and repeating (`USD/day`'s
    /// `USD¹ Time⁻¹` from its units' dimensions): one sort and a merge in place, the one
    /// merging of exponents [`Dimension::mul`] uses too (a fold of `mul` and
    /// [`Dimension::pow`] made two allocations per factor).
    pub fn product(factors: impl IntoIterator<Item = (BaseDim, i32)>) -> Dimension {
        let mut v: Vec<(BaseDim, i32)> = factors.into_iter().collect();
        v.sort_unstable_by_key(|f| f.0);
        // a repeated base adds its exponent to the first of its run, in place
        v.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 = kept.1.saturating_add(next.1);
            }
            same
        });
        v.retain(|f| f.1 != 0);
        Dimension(v.into_boxed_slice())
    }
    /// The base dimensions with their exponents.
    pub fn factors(&self) -> impl Iterator<Item = (BaseDim, i32)> + '_ {
        self.0.iter().copied()
    }
    /// The exponent of one base dimension.
    pub fn exponent(&self, b: BaseDim) -> i32 {
        self.0.binary_search_by_key(&b, |f| f.0).ok().and_then(|i| self.0.get(i)).map_or(0, |f| f.1)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Products merge sorted factors, add exponents and drop the ones that cancel; the result is
    /// the same whatever the order of the factors.
    #[test]
    fn products_are_canonical() {
        let (a, b, c) = (Dimension::base(0), Dimension::base(1), Dimension::base(2));
        let abc = a.mul(&c).mul(&b);
        assert_eq!(abc, c.mul(&b).mul(&a));
        assert_eq!(abc.factors().collect::<Vec<_>>(), [(0, 1), (1, 1), (2, 1)]);
        assert_eq!(abc.div(&b).factors().collect::<Vec<_>>(), [(0, 1), (2, 1)]);
        assert_eq!(abc.div(&abc), Dimension::none());
        assert!(a.div(&a).is_none());
        let a2_per_c = a.pow(2).div(&c);
        assert_eq!(a2_per_c.exponent(0), 2);
        assert_eq!(a2_per_c.exponent(1), 0);
        assert_eq!(a2_per_c.exponent(2), -1);
        assert_eq!(a2_per_c.mul(&c).mul(&c), a.pow(2).mul(&c));
    }

    proptest::proptest! {
        /// A product in one step is the fold of `mul` and `pow` it replaces.
        #[test]
        fn a_product_is_the_fold_of_mul_and_pow(fs in proptest::collection::vec((0u16..4, -3i32..4), 0..8)) {
            let folded = fs.iter().fold(Dimension::none(), |acc, &(b, e)| acc.mul(&Dimension::base(b).pow(e)));
            proptest::prop_assert_eq!(Dimension::product(fs.iter().copied()), folded);
        }
    }
}
