//! Text output: aligned tables with units, grouped digits and a sparkline per series.
//!
//! Money is rounded once, here, to its currency's minor unit (banker's rounding unless the
//! scenario says otherwise); other quantities show at most six decimals, the same number in a
//! whole column. Output is the same bytes on every machine: no colour, no terminal width.

use super::{ClaimResult, Item, ItemValues, Outcome, Section, Table};
use crate::check::ir::Scale;
use crate::number::{self, Rounding};
use rust_decimal::Decimal;

/// Decimals shown for quantities that are not money.
const OTHER_DP: u32 = 6;

fn decimals(values: &[Decimal], minor: Option<u32>, rule: Rounding) -> u32 {
    if let Some(m) = minor {
        if rule != Rounding::None {
            return m;
        }
    }
    values
        .iter()
        .map(|v| number::round(*v, OTHER_DP, Rounding::Banker).normalize().scale())
        .max()
        .unwrap_or(0)
        .min(if rule == Rounding::None { 28 } else { OTHER_DP })
}

fn fmt(v: Decimal, dp: u32, minor: Option<u32>, rule: Rounding) -> String {
    let r = if minor.is_some() { rule } else { Rounding::Banker };
    let r = if rule == Rounding::None { Rounding::None } else { r };
    if r == Rounding::None {
        return number::group_digits(&number::format_exact(v));
    }
    number::format_fixed(v, dp, r)
}

/// The most points a sparkline shows; longer series show the last value of each of this many
/// equal runs of periods.
const SPARK_POINTS: usize = 60;

fn resample(values: &[Decimal], points: usize) -> Vec<Decimal> {
    if values.len() <= points {
        return values.to_vec();
    }
    (1..=points).filter_map(|k| values.get(k * values.len() / points - 1).copied()).collect()
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline: eight levels between the series' minimum and maximum (all `▄` if flat).
pub fn sparkline(values: &[Decimal]) -> String {
    let (Some(min), Some(max)) = (values.iter().min(), values.iter().max()) else { return String::new() };
    // Display only, but still checked: extreme series must not overflow.
    let range = max.checked_sub(*min);
    values
        .iter()
        .map(|v| {
            let Some(range) = range.filter(|r| !r.is_zero()) else { return BARS[3] };
            let level = v
                .checked_sub(*min)
                .and_then(|d| d.checked_div(range))
                .and_then(|f| f.checked_mul(Decimal::from(7)))
                .map(|l| l.floor())
                .unwrap_or_default();
            let i = usize::try_from(crate::number::as_integer(level).unwrap_or(0)).unwrap_or(0).min(7);
            BARS.get(i).copied().unwrap_or('▄')
        })
        .collect()
}

fn pad_left(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{}{s}", " ".repeat(w - n))
    }
}

fn pad_right(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// The scale that applies to a value in `unit` (an amount in the scale's currency, not a
/// price or a rate), if any.
fn applies<'s>(scale: Option<&'s Scale>, minor: Option<u32>, unit: &str) -> Option<&'s Scale> {
    scale.filter(|s| minor.is_some() && unit == s.currency)
}

/// `v` divided by the scale's power of ten, two decimals (exact with `rounding none`).
pub(crate) fn scaled_number(v: Decimal, s: &Scale, rule: Rounding) -> String {
    let x = v.checked_div(s.divisor).unwrap_or(v);
    if rule == Rounding::None {
        return number::group_digits(&number::format_exact(x));
    }
    number::format_fixed(x, 2, rule)
}

/// A value with its unit: `206.73B USD` when scaled, `206,729,169,994.06 USD` when not.
fn with_unit(v: Decimal, dp: u32, minor: Option<u32>, unit: &str, scale: Option<&Scale>, rule: Rounding) -> String {
    if let Some(s) = applies(scale, minor, unit) {
        return format!("{}{} {unit}", scaled_number(v, s, rule), s.suffix);
    }
    let u = if unit.is_empty() { String::new() } else { format!(" {unit}") };
    format!("{}{u}", fmt(v, dp, minor, rule))
}

fn table(t: &Table, default_scale: Option<&Scale>, rule: Rounding, out: &mut String) {
    let scale = t.scale.as_ref().or(default_scale);
    let mut bits = Vec::new();
    if t.name.is_none() {
        bits.push(t.location.clone());
    }
    bits.push(t.step.keyword().to_string());
    if let Some(s) = scale {
        bits.push(format!("in {} {}", s.suffix, s.currency));
    }
    match &t.name {
        Some(n) => out.push_str(&format!("{n} ({})\n", bits.join(", "))),
        None => out.push_str(&format!("report ({})\n", bits.join(", "))),
    }
    if let Some(note) = &t.note {
        out.push_str(&format!("note: {note}\n"));
    }
    let series: Vec<&Item> = t.items.iter().filter(|i| matches!(i.values, ItemValues::Per(..))).collect();
    let singles: Vec<&Item> = t.items.iter().filter(|i| !matches!(i.values, ItemValues::Per(..))).collect();
    if !series.is_empty() {
        let mut cols: Vec<Vec<String>> = Vec::new();
        // the sparklines draw the values as displayed: equal at the cent, equal bars
        let mut shown: Vec<Vec<Decimal>> = Vec::new();
        for it in &series {
            let ItemValues::Per(vals, _) = &it.values else { continue };
            let col_unit;
            let texts: Vec<String> = match applies(scale, it.minor, &it.unit) {
                Some(s) => {
                    col_unit = format!("{} {}", s.suffix, it.unit);
                    vals.iter().map(|v| scaled_number(*v, s, rule)).collect()
                }
                None => {
                    col_unit = it.unit.clone();
                    let dp = decimals(vals, it.minor, rule);
                    vals.iter().map(|v| fmt(*v, dp, it.minor, rule)).collect()
                }
            };
            let mut col = vec![it.label.clone(), col_unit];
            shown.push(texts.iter().zip(vals).map(|(t, v)| t.replace(',', "").parse().unwrap_or(*v)).collect());
            col.extend(texts);
            cols.push(col);
        }
        let pw = t.periods.iter().map(|p| p.len()).max().unwrap_or(6).max("period".len());
        let widths: Vec<usize> = cols.iter().map(|c| c.iter().map(|s| s.chars().count()).max().unwrap_or(0)).collect();
        let rows = t.periods.len() + 2;
        for r in 0..rows {
            let first = match r {
                0 => "period".to_string(),
                1 => String::new(),
                x => t.periods.get(x - 2).cloned().unwrap_or_default(),
            };
            let mut line = pad_right(&first, pw);
            for (c, w) in cols.iter().zip(&widths) {
                line.push_str("  ");
                line.push_str(&pad_left(c.get(r).map(String::as_str).unwrap_or(""), *w));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        let lw = series.iter().map(|i| i.label.chars().count()).max().unwrap_or(0);
        for (it, vals) in series.iter().zip(&shown) {
            out.push_str(&format!(
                "trend  {}  {}\n",
                pad_right(&it.label, lw),
                sparkline(&resample(vals, SPARK_POINTS))
            ));
        }
    }
    if !singles.is_empty() {
        let lw = singles.iter().map(|i| i.label.chars().count()).max().unwrap_or(0);
        for it in singles {
            let v = match &it.values {
                ItemValues::One(v) => {
                    let dp = decimals(&[*v], it.minor, rule);
                    with_unit(*v, dp, it.minor, &it.unit, scale, rule)
                }
                ItemValues::Period(p) => p.clone(),
                ItemValues::Per(..) => String::new(),
            };
            out.push_str(&format!("{}  {v}\n", pad_right(&it.label, lw)));
        }
    }
}

/// One quantity as a report shows it: money to its minor unit by `rule`, anything else with
/// at most six decimals; the unit after it (`aifin compare`, `aifin sweep`, `aifin explain`).
pub fn quantity(v: Decimal, unit: &str, minor: Option<u32>, rule: Rounding) -> String {
    let dp = decimals(&[v], minor, rule);
    let u = if unit.is_empty() { String::new() } else { format!(" {unit}") };
    format!("{}{u}", fmt(v, dp, minor, rule))
}

/// The model's side of a claim as the claims table shows it.
pub fn claim_model(c: &ClaimResult, rule: Rounding) -> String {
    match &c.when {
        Some(w) => w.model.clone(),
        None => value_text(c.model, c, None, rule),
    }
}

fn value_text(v: Decimal, c: &ClaimResult, scale: Option<&Scale>, rule: Rounding) -> String {
    let dp = decimals(&[v, c.claimed], c.minor, rule);
    with_unit(v, dp, c.minor, &c.unit, scale, rule)
}

fn claims(cs: &[ClaimResult], scale: Option<&Scale>, rule: Rounding, out: &mut String) {
    let bad = cs.iter().filter(|c| !c.as_expected()).count();
    out.push_str(&format!("claims: {} as expected, {} not\n", cs.len() - bad, bad));
    for c in cs {
        let status = match (c.as_expected(), c.holds) {
            (true, true) => "ok    holds  ",
            (true, false) => "ok    refuted",
            (false, true) => "FAIL  holds  ",
            (false, false) => "FAIL  fails  ",
        };
        let src = c.source.as_ref().map(|s| format!(" ({s})")).unwrap_or_default();
        let expect = if c.expect_fail { " [expect fail]" } else { "" };
        out.push_str(&format!("  {status}  {}{src}{expect}\n", c.text));
        if let Some(w) = &c.when {
            let claimed = match &w.claimed_high {
                Some(h) => format!("{} .. {h}", w.claimed),
                None => w.claimed.clone(),
            };
            out.push_str(&format!("                       model {}; claimed {} {claimed}\n", w.model, c.test));
            continue;
        }
        let claimed = match c.claimed_high {
            Some(h) => format!("{} .. {}", value_text(c.claimed, c, scale, rule), value_text(h, c, scale, rule)),
            None => value_text(c.claimed, c, scale, rule),
        };
        let at = c.period.as_ref().map(|p| format!(" in {p}")).unwrap_or_default();
        let ratio = c
            .ratio
            .map(|r| format!("; ratio {}", number::format_exact(number::round(r, 6, Rounding::Banker))))
            .unwrap_or_default();
        out.push_str(&format!(
            "                       model {}{at}; claimed {} {claimed}{}{ratio}\n",
            value_text(c.model, c, scale, rule),
            c.test,
            c.tolerance_text()
        ));
    }
}

/// Renders an outcome as text.
pub fn render(o: &Outcome) -> String {
    let mut out = format!("scenario {}: {}, in {}\n", o.scenario, o.timeline, o.currency);
    for s in &o.sections {
        out.push('\n');
        match s {
            Section::Table(t) => table(t, o.scale.as_ref(), o.rounding, &mut out),
            Section::Claims => claims(&o.claims, o.scale.as_ref(), o.rounding, &mut out),
            Section::Defaults(d) => defaults(d, o.scale.as_ref(), o.rounding, &mut out),
        }
    }
    out
}

/// The claims table alone (`aifin check --claims`).
pub fn claims_section(o: &Outcome, out: &mut String) {
    claims(&o.claims, o.scale.as_ref(), o.rounding, out);
}

/// The defaults report alone (the REPL's `:defaults`).
pub fn defaults_section(d: &super::DefaultsTable, rule: Rounding, out: &mut String) {
    defaults(d, None, rule, out);
}

fn money(v: Decimal, currency: &str, scale: Option<&Scale>, rule: Rounding) -> String {
    with_unit(v, 2, Some(2), currency, scale, rule)
}

fn defaults(d: &super::DefaultsTable, scale: Option<&Scale>, rule: Rounding, out: &mut String) {
    if d.defaults.is_empty() {
        out.push_str("defaults: none\n");
        return;
    }
    out.push_str(&format!("defaults: {}\n", d.defaults.len()));
    for l in &d.defaults {
        let mut line =
            format!("  {} defaults {}: short {}", l.entity, l.period, money(l.shortfall, &d.currency, scale, rule));
        for (debtor, contract, unpaid, when) in &l.causes {
            line.push_str(&format!("; unpaid {} by {debtor} on {contract}", money(*unpaid, &d.currency, scale, rule)));
            if let Some(p) = when {
                line.push_str(&format!("; {debtor} defaulted {p}"));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("losses:\n");
    for (e, v) in &d.losses_by_entity {
        out.push_str(&format!("  {e}  {}\n", money(*v, &d.currency, scale, rule)));
    }
    for (c, v) in &d.losses_by_contract {
        out.push_str(&format!("  on {c}  {}\n", money(*v, &d.currency, scale, rule)));
    }
}
