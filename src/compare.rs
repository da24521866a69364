//! Two scenarios side by side (`aifin compare FILE A B`): every report item and every claim of
//! both, with the absolute difference (B − A) and the relative one ((B − A) ÷ |A|) per period,
//! and a marker on the claims whose outcome (holds or fails) differs.
//!
//! Entry point: [`compare`], from two finished [`Outcome`]s of one program (so their reports
//! have the same items); [`text`], [`json`] and [`csv`] render it. Differences are exact;
//! only the text rounds, once, like a report.

use crate::number::{self, format_exact, Rounding};
use crate::report::{ClaimResult, ItemValues, Outcome, Section};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// One period of one item in both scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The period (empty for an item with one value).
    pub period: String,
    /// A's value, if A has this period.
    pub a: Option<Cell>,
    /// B's value, if B has this period.
    pub b: Option<Cell>,
    /// B − A, for quantities in both.
    pub difference: Option<Decimal>,
    /// (B − A) ÷ |A|, when A is not zero.
    pub relative: Option<Decimal>,
}

/// A value in a comparison: a quantity or a period (`never`).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A quantity.
    Quantity(Decimal),
    /// A period label.
    Period(String),
}

/// One report item in both scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDiff {
    /// Its label.
    pub label: String,
    /// Its unit.
    pub unit: String,
    /// Decimals of the currency's minor unit, for money.
    pub minor: Option<u32>,
    /// Where its report is declared.
    pub location: String,
    /// Its report's name (`report "Liquidity" …`), which text shows in place of `location`.
    pub report: Option<String>,
    /// Its report's `in M USD`, when it applies to this item (an amount in that currency):
    /// text prints its values, and their differences, scaled.
    pub scale: Option<crate::check::ir::Scale>,
    /// One row per period.
    pub rows: Vec<Row>,
}

/// One claim in both scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDiff {
    /// The claim in A.
    pub a: ClaimResult,
    /// The claim in B.
    pub b: ClaimResult,
}

impl ClaimDiff {
    /// Does the claim hold in one scenario and fail in the other?
    pub fn differs(&self) -> bool {
        self.a.holds != self.b.holds
    }
}

/// Two scenarios side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// A's outcome header: name and timeline.
    pub a: (String, String),
    /// B's.
    pub b: (String, String),
    /// The ledger currency (A's).
    pub currency: String,
    /// How text rounds (A's rule).
    pub rounding: Rounding,
    /// Every report item.
    pub items: Vec<ItemDiff>,
    /// Every claim.
    pub claims: Vec<ClaimDiff>,
}

fn cells(v: &ItemValues, periods: &[String]) -> Vec<(String, Cell)> {
    match v {
        ItemValues::Per(vals, _) => periods.iter().cloned().zip(vals.iter().map(|x| Cell::Quantity(*x))).collect(),
        ItemValues::One(x) => vec![(String::new(), Cell::Quantity(*x))],
        ItemValues::Period(p) => vec![(String::new(), Cell::Period(p.clone()))],
    }
}

/// The difference of two cells: B − A and (B − A) ÷ |A| (None where it has no meaning or would
/// overflow).
pub fn difference(a: Option<&Cell>, b: Option<&Cell>) -> (Option<Decimal>, Option<Decimal>) {
    match (a, b) {
        (Some(Cell::Quantity(x)), Some(Cell::Quantity(y))) => {
            let d = number::sub(*y, *x).ok();
            let rel = match d {
                Some(d) if !x.is_zero() => number::div(d, x.abs()).ok(),
                _ => None,
            };
            (d, rel)
        }
        _ => (None, None),
    }
}

/// Lays two outcomes of one program side by side.
pub fn compare(a: &Outcome, b: &Outcome) -> Comparison {
    let tables = |o: &Outcome| -> Vec<crate::report::Table> {
        o.sections
            .iter()
            .filter_map(|s| match s {
                Section::Table(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let (ta, tb) = (tables(a), tables(b));
    let mut items = Vec::new();
    for (x, y) in ta.iter().zip(&tb) {
        for (ia, ib) in x.items.iter().zip(&y.items) {
            let ca = cells(&ia.values, &x.periods);
            let cb = cells(&ib.values, &y.periods);
            // A's periods in order, then B's that A does not have (timelines may differ)
            let mut periods: Vec<String> = ca.iter().map(|c| c.0.clone()).collect();
            for (p, _) in &cb {
                if !periods.contains(p) {
                    periods.push(p.clone());
                }
            }
            let rows = periods
                .into_iter()
                .map(|p| {
                    let va = ca.iter().find(|c| c.0 == p).map(|c| c.1.clone());
                    let vb = cb.iter().find(|c| c.0 == p).map(|c| c.1.clone());
                    let (difference, relative) = difference(va.as_ref(), vb.as_ref());
                    Row { period: p, a: va, b: vb, difference, relative }
                })
                .collect();
            items.push(ItemDiff {
                label: ia.label.clone(),
                unit: ia.unit.clone(),
                minor: ia.minor,
                location: x.location.clone(),
                report: x.name.clone(),
                scale: x.scale.clone().filter(|s| ia.minor.is_some() && ia.unit == s.currency),
                rows,
            });
        }
    }
    let claims = a.claims.iter().zip(&b.claims).map(|(x, y)| ClaimDiff { a: x.clone(), b: y.clone() }).collect();
    Comparison {
        a: (a.scenario.clone(), a.timeline.clone()),
        b: (b.scenario.clone(), b.timeline.clone()),
        currency: a.currency.clone(),
        rounding: a.rounding,
        items,
        claims,
    }
}

fn cell_text(c: Option<&Cell>, it: &ItemDiff, rule: Rounding) -> String {
    match c {
        Some(Cell::Quantity(v)) => number_text(*v, it, rule),
        Some(Cell::Period(p)) => p.clone(),
        None => "-".into(),
    }
}

/// A value of an item as text: scaled by its report's `in M USD`, else rounded like a report.
fn number_text(v: Decimal, it: &ItemDiff, rule: Rounding) -> String {
    match &it.scale {
        Some(s) => crate::report::text::scaled_number(v, s, rule),
        None => crate::report::text::quantity(v, "", it.minor, rule),
    }
}

/// The relative difference as a percentage with at most two decimals.
fn percent(r: Decimal) -> String {
    let pct = number::mul(r, Decimal::ONE_HUNDRED).map(|p| number::round(p, 2, Rounding::Banker));
    match pct {
        Ok(p) => format!("{} %", number::format_fixed(p, 2, Rounding::Banker)),
        Err(_) => "-".into(),
    }
}

fn pad(s: &str, w: usize, left: bool) -> String {
    let n = s.chars().count();
    let fill = " ".repeat(w.saturating_sub(n));
    if left {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

fn outcome_word(c: &ClaimResult) -> &'static str {
    match (c.as_expected(), c.holds) {
        (true, true) => "ok    holds",
        (true, false) => "ok    refuted",
        (false, true) => "FAIL  holds",
        (false, false) => "FAIL  fails",
    }
}

/// A comparison as aligned text: per item a table of A, B, B − A and the relative difference;
/// then the claims, `<>` marking those whose outcome differs.
pub fn text(c: &Comparison) -> String {
    let rule = c.rounding;
    let (an, bn) = (&c.a.0, &c.b.0);
    let mut out = format!("compare {an} ({}) with {bn} ({}), in {}\n", c.a.1, c.b.1, c.currency);
    for it in &c.items {
        let unit = match &it.scale {
            Some(s) => format!(" [{} {}]", s.suffix, it.unit),
            None if it.unit.is_empty() => String::new(),
            None => format!(" [{}]", it.unit),
        };
        let source = it.report.as_ref().unwrap_or(&it.location);
        out.push_str(&format!("\n{}{unit} ({source})\n", it.label));
        let mut lines: Vec<[String; 5]> =
            vec![["period".into(), an.clone(), bn.clone(), format!("{bn} - {an}"), "relative".into()]];
        for r in &it.rows {
            let d = r.difference.map(|d| number_text(d, it, rule)).unwrap_or("-".into());
            let rel = r.relative.map(percent).unwrap_or_else(|| "-".into());
            lines.push([
                r.period.clone(),
                cell_text(r.a.as_ref(), it, rule),
                cell_text(r.b.as_ref(), it, rule),
                d,
                rel,
            ]);
        }
        let mut w = [0usize; 5];
        for l in &lines {
            for (k, s) in l.iter().enumerate() {
                w[k] = w[k].max(s.chars().count());
            }
        }
        for l in &lines {
            let mut line = pad(&l[0], w[0], false);
            for k in 1..5 {
                line.push_str("  ");
                line.push_str(&pad(&l[k], w[k], true));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if !c.claims.is_empty() {
        let n = c.claims.iter().filter(|x| x.differs()).count();
        out.push_str(&format!("\nclaims: {n} of {} differ (<>)\n", c.claims.len()));
        for d in &c.claims {
            let mark = if d.differs() { "<>" } else { "  " };
            out.push_str(&format!("  {mark} {}\n", d.a.text));
            for (name, x) in [(an, &d.a), (bn, &d.b)] {
                out.push_str(&format!(
                    "       {}  {}  model {}\n",
                    pad(name, an.chars().count().max(bn.chars().count()), false),
                    pad(outcome_word(x), 13, false),
                    crate::report::text::claim_model(x, rule)
                ));
            }
        }
    }
    out
}

fn cell_json(c: Option<&Cell>) -> Value {
    match c {
        Some(Cell::Quantity(v)) => json!(format_exact(*v)),
        Some(Cell::Period(p)) => json!(p),
        None => Value::Null,
    }
}

fn claim_json(c: &ClaimResult) -> Value {
    let model = match &c.when {
        Some(w) => json!(w.model),
        None => json!(format_exact(c.model)),
    };
    json!({ "holds": c.holds, "as_expected": c.as_expected(), "model": model, "period": c.period })
}

/// A comparison as JSON: exact decimals as strings.
pub fn json(c: &Comparison) -> String {
    let items: Vec<Value> = c
        .items
        .iter()
        .map(|it| {
            json!({
                "label": it.label,
                "unit": it.unit,
                "location": it.location,
                "report": it.report,
                "rows": it.rows.iter().map(|r| json!({
                    "period": r.period,
                    "a": cell_json(r.a.as_ref()),
                    "b": cell_json(r.b.as_ref()),
                    "difference": r.difference.map(format_exact),
                    "relative": r.relative.map(format_exact),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let claims: Vec<Value> = c
        .claims
        .iter()
        .map(|d| json!({ "text": d.a.text, "a": claim_json(&d.a), "b": claim_json(&d.b), "differs": d.differs() }))
        .collect();
    let doc = json!({
        "a": { "scenario": c.a.0, "timeline": c.a.1 },
        "b": { "scenario": c.b.0, "timeline": c.b.1 },
        "currency": c.currency,
        "items": items,
        "claims": claims,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A comparison as CSV: `section,item,unit,period,a,b,difference,relative,differs`; a claim's
/// row has the two models and whether its outcome differs.
pub fn csv(c: &Comparison) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 9]> = vec![[
        "section".into(),
        "item".into(),
        "unit".into(),
        "period".into(),
        c.a.0.clone(),
        c.b.0.clone(),
        "difference".into(),
        "relative".into(),
        "differs".into(),
    ]];
    let plain = |x: Option<&Cell>| match x {
        Some(Cell::Quantity(v)) => format_exact(*v),
        Some(Cell::Period(p)) => p.clone(),
        None => String::new(),
    };
    for it in &c.items {
        for r in &it.rows {
            rows.push([
                "report".into(),
                it.label.clone(),
                it.unit.clone(),
                r.period.clone(),
                plain(r.a.as_ref()),
                plain(r.b.as_ref()),
                r.difference.map(format_exact).unwrap_or_default(),
                r.relative.map(format_exact).unwrap_or_default(),
                String::new(),
            ]);
        }
    }
    let model = |x: &ClaimResult| match &x.when {
        Some(wh) => wh.model.clone(),
        None => format_exact(x.model),
    };
    for d in &c.claims {
        let (diff, rel) = match (&d.a.when, &d.b.when) {
            (None, None) => difference(Some(&Cell::Quantity(d.a.model)), Some(&Cell::Quantity(d.b.model))),
            _ => (None, None),
        };
        rows.push([
            "claims".into(),
            d.a.text.clone(),
            d.a.unit.clone(),
            String::new(),
            model(&d.a),
            model(&d.b),
            diff.map(format_exact).unwrap_or_default(),
            rel.map(format_exact).unwrap_or_default(),
            d.differs().to_string(),
        ]);
    }
    for r in &rows {
        if w.write_record(r).is_err() {
            break;
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
