//! JSON output: exact decimals as strings, keys in a fixed order.

use super::{ItemValues, Outcome, Section};
use crate::number::format_exact;
use serde_json::{json, Value};

/// Renders an outcome as pretty JSON.
pub fn render(o: &Outcome) -> String {
    let reports: Vec<Value> = o
        .sections
        .iter()
        .filter_map(|s| match s {
            Section::Table(t) => Some({
                let mut v = json!({
                "location": t.location,
                "step": t.step.keyword(),
                "items": t.items.iter().map(|it| {
                    let mut v = json!({ "label": it.label, "unit": it.unit });
                    match &it.values {
                        ItemValues::Per(vals, shape) => {
                            v["shape"] = json!(format!("{shape:?}").to_lowercase());
                            v["values"] = Value::Array(t.periods.iter().zip(vals).map(|(p, x)| json!({ "period": p, "value": format_exact(*x) })).collect());
                        }
                        ItemValues::One(x) => v["value"] = json!(format_exact(*x)),
                        ItemValues::Period(p) => v["period"] = json!(p),
                    }
                    v
                }).collect::<Vec<_>>(),
                });
                if let Some(note) = &t.note {
                    v["note"] = json!(note);
                }
                if let Some(name) = &t.name {
                    v["name"] = json!(name);
                }
                v
            }),
            Section::Claims | Section::Defaults(_) => None,
        })
        .collect();
    let claims: Vec<Value> = o
        .claims
        .iter()
        .map(|c| {
            // what every claim has, then what a claim about a period or a quantity adds
            // (serde_json's map keeps its keys sorted: the order of insertion does not show)
            let mut v = json!({
                "text": c.text,
                "source": c.source,
                "expect_fail": c.expect_fail,
                "holds": c.holds,
                "as_expected": c.as_expected(),
                "test": c.test,
            });
            let more = match &c.when {
                Some(w) => json!({
                    "model_period": w.model,
                    "claimed_period": w.claimed,
                    "claimed_high_period": w.claimed_high,
                }),
                None => quantity_claim(c),
            };
            if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), more) {
                obj.extend(more);
            }
            v
        })
        .collect();
    let defaults: Vec<Value> = o
        .sections
        .iter()
        .filter_map(|s| match s {
            Section::Defaults(d) => Some(json!({
                "defaults": d.defaults.iter().map(|l| json!({
                    "entity": l.entity,
                    "period": l.period,
                    "shortfall": format_exact(l.shortfall),
                    "causes": l.causes.iter().map(|(debtor, contract, unpaid, when)| json!({
                        "debtor": debtor, "contract": contract, "unpaid": format_exact(*unpaid), "debtor_defaulted": when,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "losses_by_entity": d.losses_by_entity.iter().map(|(e, v)| json!({ "entity": e, "loss": format_exact(*v) })).collect::<Vec<_>>(),
                "losses_by_contract": d.losses_by_contract.iter().map(|(c, v)| json!({ "contract": c, "loss": format_exact(*v) })).collect::<Vec<_>>(),
            })),
            _ => None,
        })
        .collect();
    let doc = json!({
        "defaults": defaults.into_iter().next(),
        "scenario": o.scenario,
        "timeline": o.timeline,
        "currency": o.currency,
        "reports": reports,
        "claims": claims,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The JSON fields of a claim about a quantity.
fn quantity_claim(c: &crate::report::ClaimResult) -> Value {
    json!({
        "model": format_exact(c.model),
        "claimed": format_exact(c.claimed),
        "claimed_high": c.claimed_high.map(format_exact),
        "tolerance": c.tolerance.map(|(t, _)| format_exact(t)),
        "tolerance_relative": c.tolerance.map(|(_, r)| r),
        "unit": c.unit,
        "ratio": c.ratio.map(format_exact),
        "period": c.period,
    })
}
