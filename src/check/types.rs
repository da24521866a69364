//! The types of checked expressions.
//!
//! A quantity's type is its [`Dimension`] plus its [`Shape`]: how it varies over the timeline.

use crate::units::{Dimension, Registry};

/// How a quantity varies over the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// The same in every period (a literal, a driver of literals).
    Constant,
    /// A value in each period (a curve, a driver that uses one). A series whose dimension is
    /// per time (`USD/year`) is a rate: it books into each period by the booking rules.
    Series,
    /// Amounts booked in each period (a flow, `revenue(E)`, a contract's payments): summable.
    Flow,
    /// A balance at each period's end (`cash(E)`): not summable.
    Level,
}

impl Shape {
    /// The shape of `a op b` for `+`/`-`.
    pub fn sum(a: Shape, b: Shape) -> Shape {
        match (a, b) {
            (Shape::Constant, x) | (x, Shape::Constant) => x,
            (x, y) if x == y => x,
            _ => Shape::Series,
        }
    }
    /// The shape of `a op b` for `*`/`/`.
    pub fn product(a: Shape, b: Shape) -> Shape {
        match (a, b) {
            (Shape::Constant, x) | (x, Shape::Constant) => x,
            _ => Shape::Series,
        }
    }
    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Constant => "a constant",
            Shape::Series => "a series",
            Shape::Flow => "a flow of amounts",
            Shape::Level => "a balance",
        }
    }
}

/// The type of a checked expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// A quantity.
    Quantity(Dimension, Shape),
    /// An uncertain quantity: a range with a point value.
    Uncertain(Dimension),
    /// A day, month, quarter, half or year.
    Period,
    /// `start .. end` of periods.
    PeriodRange,
    /// A string.
    Text,
    /// An entity.
    Entity,
    /// A contract.
    Contract,
    /// An option word (`even`, `annuity`, `A365`…) valid only where a field or argument takes it.
    Symbol,
    /// A report table (`defaults`, `claims`).
    Table,
}

impl Type {
    /// A constant quantity.
    pub fn constant(d: Dimension) -> Type {
        Type::Quantity(d, Shape::Constant)
    }
    /// The dimension, for quantities and ranges.
    pub fn dimension(&self) -> Option<&Dimension> {
        match self {
            Type::Quantity(d, _) | Type::Uncertain(d) => Some(d),
            _ => None,
        }
    }
    /// The shape, for quantities (ranges are constant).
    pub fn shape(&self) -> Option<Shape> {
        match self {
            Type::Quantity(_, s) => Some(*s),
            Type::Uncertain(_) => Some(Shape::Constant),
            _ => None,
        }
    }
    /// In words, e.g. "a constant in USD/Time".
    pub fn describe(&self, reg: &Registry) -> String {
        match self {
            Type::Quantity(d, s) => format!("{} of {}", s.describe(), reg.format_dimension(d)),
            Type::Uncertain(d) => format!("an uncertain {}", reg.format_dimension(d)),
            Type::Period => "a period".into(),
            Type::PeriodRange => "a range of periods".into(),
            Type::Text => "a string".into(),
            Type::Entity => "an entity".into(),
            Type::Contract => "a contract".into(),
            Type::Symbol => "an option word".into(),
            Type::Table => "a report table".into(),
        }
    }
}
