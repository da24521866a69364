//! Values that evaluation produces.

use crate::syntax::ast::PeriodValue;
use crate::units::{Quantity, Registry};

/// One evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Quantity(Quantity),
    /// An uncertain quantity: its range and point value.
    Uncertain {
        low: Quantity,
        high: Quantity,
        /// The value deterministic runs use.
        point: Quantity,
    },
    Period(PeriodValue),
    Text(String),
    /// A quantity that varies over a scenario's timeline: each period with its value.
    Series(Vec<(PeriodValue, Quantity)>),
}

impl Value {
    /// Exact text: `625000 USD/hour`, `30000 USD .. 40000 USD (point 35000 USD)`.
    pub fn format(&self, reg: &Registry) -> String {
        match self {
            Value::Quantity(q) => q.format(reg),
            Value::Uncertain { low, high, point } => {
                format!("{} .. {} (point {})", low.format(reg), high.format(reg), point.format(reg))
            }
            Value::Period(p) => p.to_string(),
            Value::Text(s) => s.clone(),
            Value::Series(ps) => {
                ps.iter().map(|(p, q)| format!("{p}  {}", q.format(reg))).collect::<Vec<_>>().join("\n")
            }
        }
    }
}
