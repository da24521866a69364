//! The Monte Carlo page (`aifin sample FILE --format html`): one self-contained HTML file, in
//! the style of the run report ([`super::html`]), with a **fan chart** per report series — the
//! median as a line in bands from the 25th to the 75th and from the 5th to the 95th percentile
//! over the samples, the deterministic run as a second line — and its table (point, mean, p5,
//! p25, p50, p75, p95 per period), the uncertain inputs and how they are drawn, the probability
//! that each claim holds, and each entity's probability of default by year.
//!
//! The figures are [`crate::sample::stats::Summary`]'s, computed exactly from the samples'
//! exact runs; the tables print them as `aifin sample` does, the charts draw them as `f64`.

use super::chart::{self, Chart};
use super::html::CSS;
use super::{accessible, escape, to_f64, Failure, Kind, Plotted};
use crate::number::{self, Rounding};
use crate::report::text::quantity;
use crate::sample::stats::{probability, Summary};
use crate::sample::Batch;
use rust_decimal::Decimal;
use std::fmt::Write;

fn pct(count: u64, n: u64) -> String {
    let p = number::mul(probability(count, n), Decimal::ONE_HUNDRED).unwrap_or_default();
    format!("{} %", number::format_fixed(p, 1, Rounding::Banker))
}

fn cell(v: Decimal, minor: Option<u32>) -> String {
    escape(&quantity(v, "", minor, Rounding::Banker))
}

/// The page of a complete batch of samples and its summary.
pub fn page(b: &Batch, s: &Summary) -> Result<String, Failure> {
    let m = &b.meta;
    let mut out = String::new();
    let command = format!("aifin sample {} --samples {} --seed {} --format html", m.file, m.samples, m.seed);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n\
         <title>aifin samples: {f}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{f}: Monte Carlo</h1>\n\
         <p class=\"meta\">Scenario {sc}, {n} samples, seed {seed} (ChaCha8, stream = sample index). Made by <code>{c}</code>. \
         Every chart has its numbers in the table below it.</p>\n</header>\n<main>\n",
        f = escape(&m.file),
        sc = escape(&m.scenario),
        n = m.samples,
        seed = m.seed,
        c = escape(&command),
    );
    // the uncertain inputs
    out.push_str("<section aria-labelledby=\"inputs-h\">\n<h3 id=\"inputs-h\">Uncertain inputs</h3>\n");
    if m.inputs.is_empty() {
        out.push_str("<p>None: every sample is the deterministic run.</p>\n");
    } else {
        out.push_str(
            "<div class=\"table\"><table>\n<caption>Each input is drawn once per sample</caption>\n<thead><tr>\
             <th scope=\"col\" class=\"text\">input</th><th scope=\"col\" class=\"text\">declared at</th>\
             <th scope=\"col\" class=\"text\">drawn from</th><th scope=\"col\">point</th></tr></thead>\n<tbody>\n",
        );
        for i in &m.inputs {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\" class=\"wrap\">{}</th><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
                escape(&i.text),
                escape(&i.location),
                escape(&i.drawn),
                escape(&quantity(i.point, &i.unit, None, Rounding::Banker))
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");
    // a fan chart and a table per report item
    for (k, (it, per)) in m.items.iter().zip(&s.items).enumerate() {
        let id = format!("i{}", k + 1);
        let title = format!("{} ({})", it.label, it.report);
        let _ = writeln!(out, "<section aria-labelledby=\"{id}-h\">\n<h3 id=\"{id}-h\">{}</h3>", escape(&title));
        if per.len() > 1 {
            let col =
                |q: usize| per.iter().map(|st| to_f64(st.q.get(q).copied().unwrap_or_default())).collect::<Vec<_>>();
            let fan = Plotted {
                label: format!("{} over {} samples", it.label, m.samples),
                unit: it.unit.clone(),
                kind: Kind::Fan,
                down: false,
                values: col(2),
                band: Some([col(0), col(1), col(3), col(4)]),
            };
            let point = Plotted {
                label: "the deterministic run".into(),
                unit: it.unit.clone(),
                kind: Kind::Line,
                down: false,
                values: per.iter().map(|st| to_f64(st.point)).collect(),
                band: None,
            };
            let c = Chart {
                title: it.label.clone(),
                caption: format!("scenario {} · {} · {} samples, seed {}", m.scenario, m.file, m.samples, m.seed),
                periods: it.periods.clone(),
                axis: "period".into(),
                series: vec![fan, point],
            };
            let svg = chart::draw(&c).map_err(Failure::Usage)?;
            let _ = writeln!(
                out,
                "<figure>\n{}<figcaption>{}</figcaption>\n</figure>",
                accessible(&svg, &format!("{id}-chart"), &c.title, &super::describe(&c), false),
                escape(&format!(
                    "{}: the median of the samples as a line, the middle half of them (p25 to p75) in the darker band, \
                     nine in ten (p5 to p95) in the lighter one; the deterministic run as a second line.",
                    it.label
                ))
            );
        }
        let _ = write!(
            out,
            "<div class=\"table\"><table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\" class=\"text\">period</th>",
            escape(&format!("{} in {} over the samples", it.label, if it.unit.is_empty() { "no unit" } else { &it.unit }))
        );
        for h in ["point", "mean", "p5", "p25", "p50", "p75", "p95"] {
            let _ = write!(out, "<th scope=\"col\">{h}</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (p, st) in it.periods.iter().zip(per) {
            let label = if p.is_empty() { "value" } else { p.as_str() };
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
                escape(label),
                cell(st.point, it.minor),
                cell(st.mean, it.minor)
            );
            for q in &st.q {
                let _ = write!(out, "<td>{}</td>", cell(*q, it.minor));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n</section>\n");
    }
    // claims
    if !m.claims.is_empty() {
        out.push_str(
            "<section aria-labelledby=\"claims-h\">\n<h3 id=\"claims-h\">Claims</h3>\n<div class=\"table\"><table>\n\
             <caption>The probability that each claim holds over the samples</caption>\n<thead><tr>\
             <th scope=\"col\" class=\"text\">claim</th><th scope=\"col\">holds in</th><th scope=\"col\" class=\"text\">deterministic run</th>\
             </tr></thead>\n<tbody>\n",
        );
        for (c, (point, count)) in m.claims.iter().zip(&s.claims) {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\" class=\"wrap\">{}</th><td>{}</td><td class=\"text\">{}</td></tr>",
                escape(c),
                pct(*count, m.samples),
                if *point { "holds" } else { "refuted" }
            );
        }
        out.push_str("</tbody>\n</table></div>\n</section>\n");
    }
    // defaults
    if !m.entities.is_empty() {
        out.push_str(
            "<section aria-labelledby=\"defaults-h\">\n<h3 id=\"defaults-h\">Defaults</h3>\n<div class=\"table\"><table>\n\
             <caption>Each entity's probability of having defaulted by each year's end</caption>\n<thead><tr>\
             <th scope=\"col\" class=\"text\">entity</th><th scope=\"col\" class=\"text\">deterministic run</th>",
        );
        let years: Vec<&String> =
            s.defaults.first().map(|t| t.by_year.iter().map(|(y, _)| y).collect()).unwrap_or_default();
        for y in &years {
            let _ = write!(out, "<th scope=\"col\">by {}</th>", escape(y));
        }
        out.push_str("<th scope=\"col\">never</th></tr></thead>\n<tbody>\n");
        for (e, t) in m.entities.iter().zip(&s.defaults) {
            let point = t.point.and_then(|i| m.periods.get(i)).map(String::as_str).unwrap_or("never");
            let _ = write!(out, "<tr><th scope=\"row\">{}</th><td class=\"text\">{}</td>", escape(e), escape(point));
            for (_, c) in &t.by_year {
                let _ = write!(out, "<td>{}</td>", pct(*c, m.samples));
            }
            let _ = writeln!(out, "<td>{}</td></tr>", pct(t.never, m.samples));
        }
        out.push_str("</tbody>\n</table></div>\n</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}
