//! The summary of a run of samples as text (aligned, with a fan sparkline per series), JSON
//! (exact decimals as strings) or CSV (one row per figure). Every output states the file, the
//! scenario, N and the seed, and is the same bytes for the same batch.

use super::stats::{probability, Stats, Summary, Timing, QUANTILES};
use super::{Batch, Meta};
use crate::number::{self, format_exact, Rounding};
use crate::report::text::sparkline;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The generator, as every output names it.
pub const GENERATOR: &str = "ChaCha8, stream = sample index";

/// Decimals of a figure that is not money.
const OTHER_DP: u32 = 6;

fn fig(v: Decimal, minor: Option<u32>) -> String {
    match minor {
        Some(m) => number::format_fixed(v, m, Rounding::Banker),
        None => number::group_digits(&format_exact(number::round(v, OTHER_DP, Rounding::Banker))),
    }
}

fn pct(count: u64, n: u64) -> String {
    let p = number::mul(probability(count, n), Decimal::ONE_HUNDRED).unwrap_or_default();
    format!("{} %", number::format_fixed(p, 1, Rounding::Banker))
}

fn header(m: &Meta) -> String {
    format!("aifin sample {}: scenario {}, {} samples, seed {} ({GENERATOR})\n", m.file, m.scenario, m.samples, m.seed)
}

fn period_label(m: &Meta, p: Option<usize>) -> String {
    p.and_then(|i| m.periods.get(i)).cloned().unwrap_or_else(|| "never".into())
}

/// Rows of `cells` with each column padded to its widest (the first left-aligned).
fn grid(rows: &[Vec<String>], out: &mut String) {
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    for r in rows {
        let mut line = String::from(" ");
        for (c, cell) in r.iter().enumerate() {
            let w = widths.get(c).copied().unwrap_or(0);
            let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
            if c == 0 {
                line.push_str(&format!(" {cell}{pad}"));
            } else {
                line.push_str(&format!("  {pad}{cell}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

const STAT_HEAD: [&str; 7] = ["point", "mean", "p5", "p25", "p50", "p75", "p95"];

fn stat_cells(s: &Stats, minor: Option<u32>) -> Vec<String> {
    let mut v = vec![fig(s.point, minor), fig(s.mean, minor)];
    v.extend(s.q.iter().map(|x| fig(*x, minor)));
    v
}

/// p5, p50 and p95 of a series on one scale: three sparklines that make a fan.
fn fan(per: &[Stats]) -> [String; 3] {
    let all: Vec<Decimal> =
        [0usize, 2, 4].iter().flat_map(|k| per.iter().map(move |s| s.q.get(*k).copied().unwrap_or_default())).collect();
    let line: Vec<char> = sparkline(&all).chars().collect();
    let n = per.len();
    let part = |k: usize| line.get(k * n..(k + 1) * n).map(|c| c.iter().collect()).unwrap_or_default();
    [part(2), part(1), part(0)]
}

fn timing_text(name: &str, what: &str, t: &Timing, m: &Meta, out: &mut String) {
    let n = m.samples;
    let by: Vec<String> = t.by_year.iter().map(|(y, c)| format!("{y} {}", pct(*c, n))).collect();
    out.push_str(&format!("  {name}: {what} by year's end: {}\n", by.join(", ")));
    let mut when: Vec<String> =
        t.in_period.iter().map(|(p, c)| format!("{} {}", period_label(m, Some(*p)), pct(*c, n))).collect();
    when.push(format!("never {}", pct(t.never, n)));
    out.push_str(&format!("    in: {} (point run: {})\n", when.join(", "), period_label(m, t.point)));
}

/// Aligned text.
pub fn text(b: &Batch, s: &Summary) -> String {
    let m = &b.meta;
    let mut out = header(m);
    out.push_str(&format!("uncertain inputs: {}\n", m.inputs.len()));
    for i in &m.inputs {
        let unit = if i.unit.is_empty() { String::new() } else { format!(" {}", i.unit) };
        out.push_str(&format!(
            "  {}  {}  {} (point {}{unit})\n",
            i.location,
            i.text,
            i.drawn,
            number::group_digits(&format_exact(i.point))
        ));
    }
    let mut report = "";
    for (it, per) in m.items.iter().zip(&s.items) {
        if it.report != report {
            report = &it.report;
            out.push_str(&format!("\nreport {report}\n"));
        }
        let unit = if it.unit.is_empty() { String::new() } else { format!(" ({})", it.unit) };
        out.push_str(&format!("{}{unit}\n", it.label));
        let mut rows = vec![std::iter::once("").chain(STAT_HEAD).map(String::from).collect::<Vec<_>>()];
        for (p, st) in it.periods.iter().zip(per) {
            rows.push(std::iter::once(p.clone()).chain(stat_cells(st, it.minor)).collect());
        }
        grid(&rows, &mut out);
        if per.len() > 1 {
            let [hi, mid, lo] = fan(per);
            out.push_str(&format!("  fan  p95 {hi}\n       p50 {mid}\n        p5 {lo}\n"));
        }
    }
    if !m.claims.is_empty() {
        out.push_str("\nclaims: probability each holds\n");
        let mut rows = vec![vec!["".to_string(), "holds".to_string(), "point run".to_string()]];
        for (c, (point, count)) in m.claims.iter().zip(&s.claims) {
            rows.push(vec![c.clone(), pct(*count, m.samples), if *point { "holds" } else { "fails" }.to_string()]);
        }
        grid(&rows, &mut out);
    }
    if !m.entities.is_empty() {
        out.push_str(&format!("\nentities ({}): defaults\n", m.currency));
        for (e, t) in m.entities.iter().zip(&s.defaults) {
            timing_text(e, "defaulted", t, m, &mut out);
        }
        out.push_str("\ncash below its minimum (runway ends), on the full-payment path\n");
        for (e, t) in m.entities.iter().zip(&s.runway) {
            timing_text(e, "run out", t, m, &mut out);
        }
        for (title, stats) in [("funding gap over the timeline", &s.funding_gap), ("losses", &s.losses)] {
            out.push_str(&format!("\n{title} ({})\n", m.currency));
            let mut rows = vec![std::iter::once("").chain(STAT_HEAD).map(String::from).collect::<Vec<_>>()];
            for (e, st) in m.entities.iter().zip(stats.iter()) {
                rows.push(std::iter::once(e.clone()).chain(stat_cells(st, m.minor)).collect());
            }
            grid(&rows, &mut out);
        }
    }
    out
}

fn stats_json(s: &Stats) -> Value {
    let mut v = json!({ "point": format_exact(s.point), "mean": format_exact(s.mean) });
    for (q, x) in QUANTILES.iter().zip(&s.q) {
        v[format!("p{q}")] = json!(format_exact(*x));
    }
    v
}

fn timing_json(t: &Timing, m: &Meta) -> Value {
    let n = m.samples;
    json!({
        "point": period_label(m, t.point),
        "by_year": t.by_year.iter().map(|(y, c)| json!({ "year": y, "count": c, "probability": format_exact(probability(*c, n)) })).collect::<Vec<_>>(),
        "in_period": t.in_period.iter().map(|(p, c)| json!({ "period": period_label(m, Some(*p)), "count": c, "probability": format_exact(probability(*c, n)) })).collect::<Vec<_>>(),
        "never": { "count": t.never, "probability": format_exact(probability(t.never, n)) },
    })
}

/// JSON, exact decimals as strings.
pub fn json(b: &Batch, s: &Summary) -> String {
    let m = &b.meta;
    let v = json!({
        "file": m.file,
        "scenario": m.scenario,
        "samples": m.samples,
        "seed": m.seed,
        "generator": GENERATOR,
        "currency": m.currency,
        "inputs": m.inputs.iter().map(|i| json!({
            "location": i.location, "text": i.text, "drawn": i.drawn, "point": format_exact(i.point),
            "unit": i.unit,
        })).collect::<Vec<_>>(),
        "items": m.items.iter().zip(&s.items).map(|(it, per)| json!({
            "report": it.report, "label": it.label, "unit": it.unit,
            "values": it.periods.iter().zip(per).map(|(p, st)| { let mut v = stats_json(st); v["period"] = json!(p); v }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "claims": m.claims.iter().zip(&s.claims).map(|(c, (point, k))| json!({
            "claim": c, "holds_in_point_run": point, "count": k, "probability": format_exact(probability(*k, m.samples)),
        })).collect::<Vec<_>>(),
        "entities": m.entities.iter().enumerate().map(|(e, name)| json!({
            "entity": name,
            "default": s.defaults.get(e).map(|t| timing_json(t, m)),
            "runway": s.runway.get(e).map(|t| timing_json(t, m)),
            "funding_gap": s.funding_gap.get(e).map(stats_json),
            "losses": s.losses.get(e).map(stats_json),
        })).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}

/// CSV: `section,name,unit,period,point,mean,p5,p25,p50,p75,p95,count,probability`.
pub fn csv(b: &Batch, s: &Summary) -> String {
    let m = &b.meta;
    let n = m.samples;
    let mut rows: Vec<Vec<String>> =
        vec![vec![format!("# {} scenario {} samples {} seed {} ({GENERATOR})", m.file, m.scenario, n, m.seed)]];
    rows.push(
        [
            "section",
            "name",
            "unit",
            "period",
            "point",
            "mean",
            "p5",
            "p25",
            "p50",
            "p75",
            "p95",
            "count",
            "probability",
        ]
        .map(String::from)
        .to_vec(),
    );
    let stat_row = |section: &str, name: &str, unit: &str, period: &str, st: &Stats| -> Vec<String> {
        let mut r = vec![section.to_string(), name.to_string(), unit.to_string(), period.to_string()];
        r.push(format_exact(st.point));
        r.push(format_exact(st.mean));
        r.extend(st.q.iter().map(|x| format_exact(*x)));
        r.extend([String::new(), String::new()]);
        r
    };
    let count_row = |section: &str, name: &str, period: &str, c: u64| -> Vec<String> {
        let mut r = vec![section.to_string(), name.to_string(), String::new(), period.to_string()];
        r.extend(std::iter::repeat_n(String::new(), 7));
        r.extend([c.to_string(), format_exact(probability(c, n))]);
        r
    };
    for (it, per) in m.items.iter().zip(&s.items) {
        for (p, st) in it.periods.iter().zip(per) {
            rows.push(stat_row("item", &it.label, &it.unit, p, st));
        }
    }
    for (c, (_, k)) in m.claims.iter().zip(&s.claims) {
        rows.push(count_row("claim", c, "", *k));
    }
    for (e, name) in m.entities.iter().enumerate() {
        for (section, t) in [("default", s.defaults.get(e)), ("runway", s.runway.get(e))] {
            let Some(t) = t else { continue };
            for (y, c) in &t.by_year {
                rows.push(count_row(&format!("{section}_by"), name, y, *c));
            }
            for (p, c) in &t.in_period {
                rows.push(count_row(&format!("{section}_in"), name, &period_label(m, Some(*p)), *c));
            }
            rows.push(count_row(&format!("{section}_in"), name, "never", t.never));
        }
        if let Some(st) = s.funding_gap.get(e) {
            rows.push(stat_row("funding_gap", name, &m.currency, "", st));
        }
        if let Some(st) = s.losses.get(e) {
            rows.push(stat_row("losses", name, &m.currency, "", st));
        }
    }
    // Writing to memory cannot fail; the first row (the run's description) is one field wide.
    let mut w = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for r in &rows {
        if w.write_record(r).is_err() {
            break;
        }
    }
    w.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}
