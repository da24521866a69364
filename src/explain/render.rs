//! An explanation as text (an indented tree) or JSON (the same tree as data, exact decimals
//! as strings).

use super::{Node, Shown, Term};
use crate::number::{format_exact, Rounding};
use serde_json::{json, Value};

fn value_text(n: &Node, rule: Rounding) -> String {
    match &n.value {
        Shown::Quantity(v) => crate::report::text::quantity(*v, &n.unit, n.minor, rule),
        Shown::Period(p) => p.clone(),
        Shown::Text(t) => t.clone(),
    }
}

fn line(n: &Node, rule: Rounding) -> String {
    let sign = match n.term {
        Term::Plus => "+ ",
        Term::Minus => "- ",
        Term::Part => "",
    };
    let v = value_text(n, rule);
    let mut s = if v.is_empty() { format!("{sign}{}", n.label) } else { format!("{sign}{} = {v}", n.label) };
    if let Some(note) = &n.note {
        s.push_str(&format!("  ({note})"));
    }
    if let Some(l) = &n.location {
        s.push_str(&format!("  [{l}]"));
    }
    s
}

fn walk(n: &Node, prefix: &str, rule: Rounding, out: &mut String) {
    let count = n.children.len();
    for (i, c) in n.children.iter().enumerate() {
        let last = i + 1 == count;
        out.push_str(&format!("{prefix}{}{}\n", if last { "└─ " } else { "├─ " }, line(c, rule)));
        let next = format!("{prefix}{}", if last { "   " } else { "│  " });
        walk(c, &next, rule, out);
    }
}

/// The tree as text: one line per node, `+`/`-` before a term that adds up into its parent.
pub fn text(root: &Node, header: &str, rule: Rounding) -> String {
    let mut out = format!("{header}\n{}\n", line(root, rule));
    walk(root, "", rule, &mut out);
    out
}

/// The tree as JSON.
pub fn to_json(n: &Node) -> Value {
    let (kind, value) = match &n.value {
        Shown::Quantity(v) => ("quantity", json!(format_exact(*v))),
        Shown::Period(p) => ("period", json!(p)),
        Shown::Text(t) => ("text", json!(t)),
    };
    let term = match n.term {
        Term::Plus => "plus",
        Term::Minus => "minus",
        Term::Part => "part",
    };
    json!({
        "label": n.label,
        "kind": kind,
        "value": value,
        "unit": n.unit,
        "term": term,
        "location": n.location,
        "note": n.note,
        "children": n.children.iter().map(to_json).collect::<Vec<_>>(),
    })
}

/// The tree as pretty JSON, with the scenario and period it is for.
pub fn json(root: &Node, scenario: &str, period: &str) -> String {
    let doc = json!({ "scenario": scenario, "period": period, "explanation": to_json(root) });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
