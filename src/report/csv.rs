//! CSV output: one header row, then one row per reported value, per default and its causes,
//! per loss and per claim.
//!
//! Columns: `section,item,unit,period,value,claimed,outcome` — values are exact decimals.
//! - report rows: `section` is the report's name (`report "Liquidity" …`), else its location;
//! - `defaults`: the entity, the period it defaults in, its shortfall; then a `default cause`
//!   row per debtor that left it unpaid (`item` "ENTITY <- DEBTOR on CONTRACT", `period` the
//!   debtor's default period, `value` what was unpaid);
//! - `losses` by entity and `losses on contract` by contract;
//! - `claims`: the model's value, the claimed value (`low .. high` for a range) with its test
//!   (`~= 20`), and the outcome in the words of the text table (`ok holds`, `ok refuted`,
//!   `FAIL holds`, `FAIL fails`).

use super::{ItemValues, Outcome, Section};
use crate::number::format_exact;

/// Renders an outcome as CSV.
pub fn render(o: &Outcome) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let mut rows: Vec<[String; 7]> = vec![[
        "section".into(),
        "item".into(),
        "unit".into(),
        "period".into(),
        "value".into(),
        "claimed".into(),
        "outcome".into(),
    ]];
    let row = |section: &str, item: &str, unit: &str, period: &str, value: String| -> [String; 7] {
        [section.into(), item.into(), unit.into(), period.into(), value, String::new(), String::new()]
    };
    for s in &o.sections {
        if let Section::Table(t) = s {
            let title = t.title();
            for it in &t.items {
                match &it.values {
                    ItemValues::Per(vals, _) => {
                        for (p, v) in t.periods.iter().zip(vals) {
                            rows.push(row(title, &it.label, &it.unit, p, format_exact(*v)));
                        }
                    }
                    ItemValues::One(v) => rows.push(row(title, &it.label, &it.unit, "", format_exact(*v))),
                    ItemValues::Period(p) => rows.push(row(title, &it.label, "", p, String::new())),
                }
            }
        }
    }
    for s in &o.sections {
        if let Section::Defaults(d) = s {
            for l in &d.defaults {
                rows.push(row("defaults", &l.entity, &d.currency, &l.period, format_exact(l.shortfall)));
                for (debtor, contract, unpaid, when) in &l.causes {
                    let item = format!("{} <- {debtor} on {contract}", l.entity);
                    rows.push(row(
                        "default cause",
                        &item,
                        &d.currency,
                        when.as_deref().unwrap_or(""),
                        format_exact(*unpaid),
                    ));
                }
            }
            for (e, v) in &d.losses_by_entity {
                rows.push(row("losses", e, &d.currency, "", format_exact(*v)));
            }
            for (c, v) in &d.losses_by_contract {
                rows.push(row("losses on contract", c, &d.currency, "", format_exact(*v)));
            }
        }
    }
    for c in &o.claims {
        let outcome = match (c.as_expected(), c.holds) {
            (true, true) => "ok holds",
            (true, false) => "ok refuted",
            (false, true) => "FAIL holds",
            (false, false) => "FAIL fails",
        };
        if let Some(w) = &c.when {
            // a claim about a period: the model's period, no value; the claimed period(s)
            let claimed = match &w.claimed_high {
                Some(h) => format!("{} {} .. {h}", c.test, w.claimed),
                None => format!("{} {}", c.test, w.claimed),
            };
            let mut r = row("claims", &c.text, "", &w.model, String::new());
            r[5] = claimed;
            r[6] = outcome.into();
            rows.push(r);
            continue;
        }
        let claimed = match c.claimed_high {
            Some(h) => format!("{} {} .. {}", c.test, format_exact(c.claimed), format_exact(h)),
            None => format!("{} {}", c.test, format_exact(c.claimed)),
        };
        let claimed = match c.tolerance {
            Some((t, true)) => format!("{claimed} within {} relative", format_exact(t)),
            Some((t, false)) => format!("{claimed} within {}", format_exact(t)),
            None => claimed,
        };
        let mut r = row("claims", &c.text, &c.unit, c.period.as_deref().unwrap_or(""), format_exact(c.model));
        r[5] = claimed;
        r[6] = outcome.into();
        rows.push(r);
    }
    for r in &rows {
        if w.write_record(r).is_err() {
            break;
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
