//! Quantities: an exact value in a unit, and unit-aware arithmetic.
//!
//! A quantity keeps the unit it was written in (`15M USD/day` stays per day); `in` converts.
//! Adding or comparing converts the right operand into the left one's unit. Products merge
//! units (`GPU * W/GPU` = `W`) and then simplify: dimensionless units such as `%` fold into
//! the value when other units remain, units of one dimension that divide each other convert
//! into the first one written (`USD/day * month` = `USD`, ×30.41666…), and a result with no
//! dimension left is a pure number.

use super::{Dimension, Registry, Unit};
use crate::number::{self, ArithError};
use rust_decimal::Decimal;

/// An exact value with a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The value, in `unit`.
    pub value: Decimal,
    /// The unit.
    pub unit: Unit,
}

/// Why a quantity operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// Overflow, division by zero, a bad power.
    Arith(ArithError),
    /// The two sides have different dimensions.
    Mismatch {
        /// Left dimension.
        left: Dimension,
        /// Right dimension.
        right: Dimension,
    },
    /// A power of a quantity with a unit needs a whole (or dimension-preserving) exponent.
    BadExponent,
}

impl From<ArithError> for QuantityError {
    fn from(e: ArithError) -> Self {
        QuantityError::Arith(e)
    }
}

type R<T> = Result<T, QuantityError>;

impl Quantity {
    /// A pure number.
    pub fn number(value: Decimal) -> Self {
        Quantity { value, unit: Unit::none() }
    }

    /// `value` in `unit`.
    pub fn new(value: Decimal, unit: Unit) -> Self {
        Quantity { value, unit }
    }

    /// The dimension.
    pub fn dimension(&self, reg: &Registry) -> Dimension {
        reg.dimension(&self.unit)
    }

    /// This quantity in another unit of the same dimension.
    pub fn convert(&self, to: &Unit, reg: &Registry) -> R<Quantity> {
        if &self.unit == to {
            return Ok(self.clone());
        }
        let (from_d, to_d) = (reg.dimension(&self.unit), reg.dimension(to));
        if from_d != to_d {
            return Err(QuantityError::Mismatch { left: from_d, right: to_d });
        }
        let ratio = reg.factor(&self.unit)?.checked_div(reg.factor(to)?)?;
        Ok(Quantity { value: ratio.apply(self.value)?, unit: to.clone() })
    }

    /// `self + other` in `self`'s unit.
    pub fn add(&self, other: &Quantity, reg: &Registry) -> R<Quantity> {
        let o = other.convert(&self.unit, reg)?;
        Ok(Quantity { value: number::add(self.value, o.value)?, unit: self.unit.clone() })
    }

    /// `self - other` in `self`'s unit.
    pub fn sub(&self, other: &Quantity, reg: &Registry) -> R<Quantity> {
        let o = other.convert(&self.unit, reg)?;
        Ok(Quantity { value: number::sub(self.value, o.value)?, unit: self.unit.clone() })
    }

    /// `-self`
    pub fn neg(&self) -> Quantity {
        Quantity { value: -self.value, unit: self.unit.clone() }
    }

    /// `self * other`, simplified.
    pub fn mul(&self, other: &Quantity, reg: &Registry) -> R<Quantity> {
        let q = Quantity { value: number::mul(self.value, other.value)?, unit: self.unit.mul(&other.unit) };
        simplify(q, reg)
    }

    /// `self / other`, simplified.
    pub fn div(&self, other: &Quantity, reg: &Registry) -> R<Quantity> {
        let q = Quantity { value: number::div(self.value, other.value)?, unit: self.unit.div(&other.unit) };
        simplify(q, reg)
    }

    /// `self ^ exponent`: the exponent is a pure number; a quantity with a unit takes whole
    /// exponents only.
    pub fn pow(&self, exponent: Decimal) -> R<Quantity> {
        if self.unit.is_none() {
            return Ok(Quantity::number(number::pow(self.value, exponent)?));
        }
        let n = number::as_integer(exponent).and_then(|n| i32::try_from(n).ok()).ok_or(QuantityError::BadExponent)?;
        Ok(Quantity { value: number::powi(self.value, i64::from(n))?, unit: self.unit.pow(n) })
    }

    /// Compares with `other` (converted to this unit).
    pub fn compare(&self, other: &Quantity, reg: &Registry) -> R<std::cmp::Ordering> {
        let o = other.convert(&self.unit, reg)?;
        Ok(self.value.cmp(&o.value))
    }

    /// `1234.5 USD/day`: the exact value and the unit.
    pub fn format(&self, reg: &Registry) -> String {
        let v = number::format_exact(self.value);
        if self.unit.is_none() {
            v
        } else {
            format!("{v} {}", reg.format_unit(&self.unit))
        }
    }
}

/// Simplifies the unit of a product or quotient (see the module docs).
pub fn simplify(q: Quantity, reg: &Registry) -> R<Quantity> {
    let target = simplified_unit(&q.unit, reg);
    if target == q.unit {
        return Ok(q);
    }
    q.convert(&target, reg)
}

/// The unit a product or quotient in `unit` simplifies to (see the module docs).
pub fn simplified_unit(unit: &Unit, reg: &Registry) -> Unit {
    if unit.is_none() {
        return Unit::none();
    }
    if reg.dimension(unit).is_none() {
        return Unit::none();
    }
    let dim_of = |id: u32| reg.def(id).map(|d| d.dimension.clone()).unwrap_or_default();
    let mut target: Vec<(u32, i32)> = Vec::with_capacity(unit.factors().len());
    for &(id, e) in unit.factors() {
        let d = dim_of(id);
        if d.is_none() {
            continue; // % and other dimensionless units fold into the value
        }
        match target.iter_mut().find(|(t, te)| dim_of(*t) == d && (*te > 0) != (e > 0)) {
            Some((_, te)) => *te += e,
            None => target.push((id, e)),
        }
    }
    Unit::from_factors(target)
}
