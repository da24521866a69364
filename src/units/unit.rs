//! Units as written: products of named units with integer exponents, and their exact factors.
//!
//! A [`Unit`] keeps the order its factors were written in (`USD/day` prints as `USD/day`).
//! Its size relative to the coherent base units is a [`Ratio`] of two decimals, so that
//! `1/86400` (a day in seconds, inverted) is exact; a conversion is one exact fraction rounded once ([`number::product_quotient`]).

use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// Index of a named unit in the registry.
pub type UnitId = u32;

/// A product of named units with non-zero integer exponents, in written order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Unit(Vec<(UnitId, i32)>);

impl Unit {
    /// No unit: a pure number.
    pub fn none() -> Self {
        Unit(Vec::new())
    }
    /// One named unit.
    pub fn named(id: UnitId) -> Self {
        Unit(vec![(id, 1)])
    }
    /// True for a pure number.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }
    /// The factors in order.
    pub fn factors(&self) -> &[(UnitId, i32)] {
        &self.0
    }
    /// Builds from factors, merging repeats and dropping zero exponents.
    pub fn from_factors(factors: impl IntoIterator<Item = (UnitId, i32)>) -> Self {
        let factors = factors.into_iter();
        // sized by the iterator's hint: exact for a literal's factors, so no shrink below
        let mut out: Vec<(UnitId, i32)> = Vec::with_capacity(factors.size_hint().0);
        for (id, e) in factors {
            match out.iter_mut().find(|(i, _)| *i == id) {
                Some((_, x)) => *x = x.saturating_add(e),
                None => out.push((id, e)),
            }
        }
        out.retain(|(_, e)| *e != 0);
        out.shrink_to_fit();
        Unit(out)
    }
    /// The product (same units merge: `GPU * W/GPU` = `W`).
    pub fn mul(&self, other: &Unit) -> Unit {
        Unit::from_factors(self.0.iter().chain(other.0.iter()).copied())
    }
    /// This unit to the power `n`.
    pub fn pow(&self, n: i32) -> Unit {
        Unit::from_factors(self.0.iter().map(|(i, e)| (*i, e.saturating_mul(n))))
    }
    /// The quotient.
    pub fn div(&self, other: &Unit) -> Unit {
        self.mul(&other.pow(-1))
    }
}

/// An exact positive ratio `num / den`, the size of a unit in coherent base units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    /// Numerator.
    pub num: Decimal,
    /// Denominator (never zero).
    pub den: Decimal,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Ratio {
    /// 1/1.
    pub const ONE: Ratio = Ratio { num: Decimal::ONE, den: Decimal::ONE };

    /// `num/den`; zero denominators are refused.
    pub fn new(num: Decimal, den: Decimal) -> Result<Ratio, ArithError> {
        if den.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        Ok(Ratio { num, den }.reduced())
    }

    /// A whole decimal as a ratio.
    pub fn from_decimal(x: Decimal) -> Ratio {
        Ratio { num: x, den: Decimal::ONE }
    }

    /// Cancels common factors when both parts are whole numbers, and clears decimals from
    /// the parts by scaling both to the same scale first.
    fn reduced(self) -> Ratio {
        let (n, d) = (self.num.normalize(), self.den.normalize());
        let scale = n.scale().max(d.scale());
        let (mut nm, mut dm) = (n.mantissa(), d.mantissa());
        // bring both to the common scale: x = mantissa / 10^scale
        for _ in n.scale()..scale {
            match nm.checked_mul(10) {
                Some(v) => nm = v,
                None => return Ratio { num: n, den: d },
            }
        }
        for _ in d.scale()..scale {
            match dm.checked_mul(10) {
                Some(v) => dm = v,
                None => return Ratio { num: n, den: d },
            }
        }
        let g = gcd(nm.unsigned_abs(), dm.unsigned_abs());
        if g <= 1 {
            return Ratio { num: n, den: d };
        }
        let (Ok(g), true) = (i128::try_from(g), dm != 0) else { return Ratio { num: n, den: d } };
        let (nm, mut dm) = (nm / g, dm / g);
        let mut nm = nm;
        if dm < 0 {
            nm = -nm;
            dm = -dm;
        }
        match (Decimal::try_from_i128_with_scale(nm, 0), Decimal::try_from_i128_with_scale(dm, 0)) {
            (Ok(a), Ok(b)) => Ratio { num: a, den: b },
            _ => Ratio { num: n, den: d },
        }
    }

    /// The product.
    pub fn checked_mul(self, o: Ratio) -> Result<Ratio, ArithError> {
        let a = Ratio::new(self.num, o.den)?;
        let b = Ratio::new(o.num, self.den)?;
        Ratio::new(number::mul(a.num, b.num)?, number::mul(a.den, b.den)?)
    }

    /// The inverse.
    pub fn inv(self) -> Result<Ratio, ArithError> {
        Ratio::new(self.den, self.num)
    }

    /// The quotient.
    pub fn checked_div(self, o: Ratio) -> Result<Ratio, ArithError> {
        self.checked_mul(o.inv()?)
    }

    /// This ratio to a whole power.
    pub fn powi(self, n: i32) -> Result<Ratio, ArithError> {
        let p = Ratio::new(number::powi(self.num, i64::from(n.abs()))?, number::powi(self.den, i64::from(n.abs()))?)?;
        if n < 0 {
            p.inv()
        } else {
            Ok(p)
        }
    }

    /// `x * num / den`, computed exactly and rounded once.
    pub fn apply(self, x: Decimal) -> Result<Decimal, ArithError> {
        if self.den == Decimal::ONE {
            if let Some(p) = number::mul_exact(x, self.num) {
                return Ok(p);
            }
        }
        number::product_quotient(&[x, self.num], &[self.den])
    }

    /// The ratio as one decimal (rounded to 28 places).
    pub fn value(self) -> Result<Decimal, ArithError> {
        number::div(self.num, self.den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::d;

    mod rust_decimal_macros_free {
        pub fn d(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap_or_default()
        }
    }

    #[test]
    fn ratios_stay_exact() {
        let day = Ratio::from_decimal(d("86400"));
        let hour = Ratio::from_decimal(d("3600"));
        let r = hour.checked_div(day).unwrap_or(Ratio::ONE);
        assert_eq!((r.num, r.den), (d("1"), d("24")));
        assert_eq!(r.apply(d("15000000")), Ok(d("625000")));
        let month = Ratio::new(d("31536000"), d("12")).unwrap_or(Ratio::ONE);
        assert_eq!(month.num, d("2628000"));
        let h = Ratio::new(d("1.08"), d("1")).unwrap_or(Ratio::ONE);
        assert_eq!((h.num, h.den), (d("27"), d("25")));
    }

    #[test]
    fn units_merge_and_cancel() {
        let u = Unit::named(1).mul(&Unit::named(2)).div(&Unit::named(1));
        assert_eq!(u, Unit::named(2));
        assert!(Unit::named(3).div(&Unit::named(3)).is_none());
    }
}
