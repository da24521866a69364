//! How the REPL prints a value: a constant exactly (as `aifin eval`), a series as a small
//! table with its unit and a sparkline (a balance is read at each period's end).

use crate::check::{Shape, Type};
use crate::eval::Value;
use crate::number::format_exact;
use crate::report::text::sparkline;
use crate::units::Registry;
use rust_decimal::Decimal;

/// A series longer than this shows its first and last [`EDGE`] periods.
const FULL: usize = 24;
const EDGE: usize = 6;

/// The text of a value of type `ty`, ending in a newline.
pub fn value(v: &Value, ty: &Type, reg: &Registry) -> String {
    let Value::Series(points) = v else { return format!("{}\n", v.format(reg)) };
    let Some((_, first)) = points.first() else { return "(no periods)\n".to_string() };
    let unit = if first.unit.is_none() { String::new() } else { format!(" in {}", reg.format_unit(&first.unit)) };
    let what = match ty.shape() {
        Some(Shape::Level) => "balance at each period's end",
        Some(Shape::Flow) => "amount booked in each period",
        _ => "value in each period",
    };
    let mut out = format!("{what}{unit}\n");
    let rows: Vec<(String, String)> = points.iter().map(|(p, q)| (p.to_string(), format_exact(q.value))).collect();
    let pw = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let vw = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let line = |(p, v): &(String, String)| format!("  {p:<pw$}  {v:>vw$}\n");
    if rows.len() <= FULL {
        rows.iter().for_each(|r| out.push_str(&line(r)));
    } else {
        rows.iter().take(EDGE).for_each(|r| out.push_str(&line(r)));
        out.push_str(&format!("  … {} more periods (`at(x, PERIOD)` reads one)\n", rows.len() - 2 * EDGE));
        rows.iter().skip(rows.len() - EDGE).for_each(|r| out.push_str(&line(r)));
    }
    let values: Vec<Decimal> = points.iter().map(|(_, q)| q.value).collect();
    out.push_str(&format!("  trend  {}\n", sparkline(&values)));
    out
}

/// `:type`: shape and dimension in words, and the unit when the value has one.
pub fn type_line(ty: &Type, v: Option<&Value>, reg: &Registry) -> String {
    let unit = match v {
        Some(Value::Quantity(q)) | Some(Value::Uncertain { point: q, .. }) => Some(&q.unit),
        Some(Value::Series(ps)) => ps.first().map(|(_, q)| &q.unit),
        _ => None,
    };
    match unit {
        Some(u) if !u.is_none() => format!("{}, in {}\n", ty.describe(reg), reg.format_unit(u)),
        _ => format!("{}\n", ty.describe(reg)),
    }
}

/// The comment lines right above byte `start` of `text` (`//` stripped), in order.
pub fn comment_above(text: &str, start: usize) -> Vec<String> {
    let before = text.get(..start).unwrap_or("");
    let mut lines: Vec<&str> = before.lines().collect();
    // The declaration's own line, up to its start, is not a comment line.
    if !before.ends_with('\n') {
        lines.pop();
    }
    let mut out = Vec::new();
    for l in lines.iter().rev() {
        let t = l.trim();
        match t.strip_prefix("//") {
            Some(c) => out.push(c.trim().to_string()),
            None => break,
        }
    }
    out.reverse();
    out
}
