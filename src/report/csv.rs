//! CSV output: one header row, then one row per reported value and one per claim.
//!
//! Columns: `section,item,unit,period,value` — `section` is the report's location or
//! `claims`; values are exact decimals.

use super::{ItemValues, Outcome, Section};
use crate::number::format_exact;

/// Renders an outcome as CSV.
pub fn render(o: &Outcome) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let mut rows: Vec<[String; 5]> =
        vec![["section".into(), "item".into(), "unit".into(), "period".into(), "value".into()]];
    for s in &o.sections {
        if let Section::Table(t) = s {
            for it in &t.items {
                match &it.values {
                    ItemValues::Per(vals, _) => {
                        for (p, v) in t.periods.iter().zip(vals) {
                            rows.push([
                                t.location.clone(),
                                it.label.clone(),
                                it.unit.clone(),
                                p.clone(),
                                format_exact(*v),
                            ]);
                        }
                    }
                    ItemValues::One(v) => rows.push([
                        t.location.clone(),
                        it.label.clone(),
                        it.unit.clone(),
                        String::new(),
                        format_exact(*v),
                    ]),
                    ItemValues::Period(p) => {
                        rows.push([t.location.clone(), it.label.clone(), String::new(), p.clone(), String::new()])
                    }
                }
            }
        }
    }
    for s in &o.sections {
        if let Section::Defaults(d) = s {
            for l in &d.defaults {
                rows.push([
                    "defaults".into(),
                    l.entity.clone(),
                    d.currency.clone(),
                    l.period.clone(),
                    format_exact(l.shortfall),
                ]);
            }
            for (e, v) in &d.losses_by_entity {
                rows.push(["losses".into(), e.clone(), d.currency.clone(), String::new(), format_exact(*v)]);
            }
        }
    }
    for c in &o.claims {
        if let Some(w) = &c.when {
            // a claim about a period: the model's period, no value
            rows.push(["claims".into(), c.text.clone(), String::new(), w.model.clone(), String::new()]);
            continue;
        }
        rows.push([
            "claims".into(),
            c.text.clone(),
            c.unit.clone(),
            c.period.clone().unwrap_or_default(),
            format_exact(c.model),
        ]);
    }
    for r in &rows {
        if w.write_record(r).is_err() {
            break;
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
