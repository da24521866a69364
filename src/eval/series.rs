//! Series: one value per period in one unit, the evaluator's working type.
//!
//! An expression is evaluated for the whole timeline at once: its unit is worked out once
//! (conversions and simplifications become one exact ratio), then the values are combined
//! element by element with checked decimal operations. A constant is stored once.

use crate::number::{self, ArithError};
use crate::units::quantity::{cancelled_pairs, simplified_unit};
use crate::units::{Ratio, Registry, Unit};
use rust_decimal::Decimal;

/// The values of a series.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// The same value in every period.
    Const(Decimal),
    /// One value per period.
    Per(Vec<Decimal>),
}

/// A series in one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The unit of every value.
    pub unit: Unit,
    /// The values.
    pub values: Values,
}

/// Why a series operation failed, and (for element-wise failures) in which period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesError {
    /// What failed.
    pub error: ArithError,
    /// The period, if the failure is in one period.
    pub period: Option<usize>,
}

impl From<ArithError> for SeriesError {
    fn from(error: ArithError) -> Self {
        SeriesError { error, period: None }
    }
}

type R<T> = Result<T, SeriesError>;

impl Values {
    /// Combines two value sets element by element (`n` periods); two constants give a constant.
    pub fn zip(
        &self,
        other: &Values,
        n: usize,
        f: impl Fn(Decimal, Decimal) -> Result<Decimal, ArithError>,
    ) -> R<Values> {
        match (self, other) {
            (Values::Const(x), Values::Const(y)) => Ok(Values::Const(f(*x, *y)?)),
            _ => {
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let v = f(self.get(i), other.get(i)).map_err(|error| SeriesError { error, period: Some(i) })?;
                    out.push(v);
                }
                Ok(Values::Per(out))
            }
        }
    }
    /// The value in period `i`.
    pub fn get(&self, i: usize) -> Decimal {
        match self {
            Values::Const(x) => *x,
            Values::Per(v) => v.get(i).copied().unwrap_or_default(),
        }
    }
    /// Applies `f` to every value.
    pub fn map(&self, f: impl Fn(Decimal) -> Result<Decimal, ArithError>) -> R<Values> {
        match self {
            Values::Const(x) => Ok(Values::Const(f(*x)?)),
            Values::Per(v) => {
                let mut out = Vec::with_capacity(v.len());
                for (i, x) in v.iter().enumerate() {
                    out.push(f(*x).map_err(|error| SeriesError { error, period: Some(i) })?);
                }
                Ok(Values::Per(out))
            }
        }
    }
    /// True if constant.
    pub fn is_const(&self) -> bool {
        matches!(self, Values::Const(_))
    }
}

impl Series {
    /// A constant.
    pub fn constant(value: Decimal, unit: Unit) -> Series {
        Series { unit, values: Values::Const(value) }
    }
    /// One value per period.
    pub fn per(values: Vec<Decimal>, unit: Unit) -> Series {
        Series { unit, values: Values::Per(values) }
    }
    /// The value in period `i`.
    pub fn get(&self, i: usize) -> Decimal {
        self.values.get(i)
    }

    /// The same series in another unit of its dimension (one exact ratio for all values).
    pub fn convert(&self, to: &Unit, reg: &Registry) -> R<Series> {
        if &self.unit == to {
            return Ok(self.clone());
        }
        let r: Ratio = reg.factor(&self.unit)?.checked_div(reg.factor(to)?)?;
        Ok(Series { unit: to.clone(), values: self.values.map(|x| r.apply(x))? })
    }

    /// `self ± other` in `self`'s unit.
    pub fn add(&self, other: &Series, sub: bool, reg: &Registry, n: usize) -> R<Series> {
        let o = other.convert(&self.unit, reg)?;
        let f = if sub { number::sub } else { number::add };
        Ok(Series { unit: self.unit.clone(), values: self.values.zip(&o.values, n, f)? })
    }

    /// `self × other` or `self ÷ other`, simplified.
    pub fn mul(&self, other: &Series, div: bool, reg: &Registry, n: usize) -> R<Series> {
        self.mul_into(other, div, None, reg, n)
    }

    /// `self × other` or `self ÷ other` in `into` (`a / b in %`), or simplified when `into` is
    /// `None`. A unit change joins the product as one exact fraction, rounded once, so
    /// `1 USD/day / (3 USD/year)` is 121.66…667 and not a rounded third times 365.
    pub fn mul_into(&self, other: &Series, div: bool, into: Option<&Unit>, reg: &Registry, n: usize) -> R<Series> {
        let raw = if div { self.unit.div(&other.unit) } else { self.unit.mul(&other.unit) };
        let target = match into {
            Some(u) => u.clone(),
            None => cancelled_pairs(&simplified_unit(&raw, reg), reg),
        };
        let r = reg.factor(&raw)?.checked_div(reg.factor(&target)?)?;
        let values = self.values.zip(&other.values, n, |a, b| match (r == Ratio::ONE, div) {
            (true, false) => number::mul(a, b),
            (true, true) => number::div(a, b),
            (false, false) => number::product_quotient(&[a, b, r.num], &[r.den]),
            (false, true) => number::product_quotient(&[a, r.num], &[b, r.den]),
        })?;
        Ok(Series { unit: target, values })
    }

    /// `-self`
    pub fn neg(&self) -> R<Series> {
        Ok(Series { unit: self.unit.clone(), values: self.values.map(|x| Ok(-x))? })
    }
}
