//! Quantities: an exact value in a unit, and the unit rules of arithmetic.
//!
//! A quantity keeps the unit it was written in (`15M USD/day` stays per day); `in` converts.
//! The arithmetic itself is [`crate::eval::series::Series`]'s (one unit, a value per period),
//! by these rules: adding or comparing converts the right operand into the left one's unit;
//! products merge units (`GPU * W/GPU` = `W`) and then simplify: dimensionless units such as `%` fold into
//! the value when other units remain, units of one dimension that divide each other convert
//! into the first one written (`USD/day * month` = `USD`, ×30.41666…), and a result with no
//! dimension left is a pure number. A product's unit also drops a unit it divides by together
//! with two it multiplies whose dimensions make that one's (`MW * hour * USD/kWh` = `USD`,
//! ×1000): [`cancelled_pairs`].

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
    /// Overflow or division by zero in the conversion ratio.
    Arith(ArithError),
    /// The two sides have different dimensions.
    Mismatch {
        /// Left dimension.
        left: Dimension,
        /// Right dimension.
        right: Dimension,
    },
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

/// `unit` (already [`simplified_unit`]) without each unit it divides by once (`/kWh`) that two
/// units it multiplies once make up (`MW*hour`): `MW*hour*USD/kWh` is `USD`. Only products and
/// quotients of values use it (a booking keeps its unit's time factors as written).
pub fn cancelled_pairs(unit: &Unit, reg: &Registry) -> Unit {
    let dim_of = |id: u32| reg.def(id).map(|d| d.dimension.clone()).unwrap_or_default();
    let mut factors: Vec<(u32, i32)> = unit.factors().to_vec();
    let mut changed = false;
    let mut k = 0;
    while k < factors.len() {
        let (n, ne) = factors[k];
        let dn = dim_of(n);
        let ones: Vec<usize> = (0..factors.len()).filter(|&i| factors[i].1 == 1).collect();
        let pair = if ne == -1 {
            ones.iter()
                .flat_map(|&i| ones.iter().filter(move |&&j| j > i).map(move |&j| (i, j)))
                .find(|&(i, j)| dim_of(factors[i].0).mul(&dim_of(factors[j].0)) == dn)
        } else {
            None
        };
        match pair {
            Some((i, j)) => {
                let mut gone = [i, j, k];
                gone.sort_unstable();
                for g in gone.iter().rev() {
                    factors.remove(*g);
                }
                changed = true;
                k = 0;
            }
            None => k += 1,
        }
    }
    if changed {
        Unit::from_factors(factors)
    } else {
        unit.clone()
    }
}
