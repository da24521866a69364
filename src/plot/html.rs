//! The HTML report (`aifin run FILE --format html`): one self-contained file — no script, no
//! external style sheet, font or image; a Content-Security-Policy that forbids loading any —
//! with, for each scenario (side by side with `--all-scenarios`): every `report` as a chart and
//! a table, the claims table (holds/refuted, model, claim, ratio), the defaults with their cause
//! chains and losses, and the contract network ([`super::network`]) with its edges as a table.
//!
//! Every chart is an inline SVG with `role="img"`, a `<title>` and a `<desc>` that says what it
//! shows in words, and sits beside a table of the same numbers. The page reads in light and
//! dark (`prefers-color-scheme`), and prints on A4 (`@media print`: one column, light, the
//! charts scaled to the page width). The document is well-formed XML as well as HTML
//! (`tests/plot.rs` parses it), and the same input gives the same bytes: no dates, no
//! machine-dependent text.
//!
//! Table cells are formatted from the exact decimals as `aifin run` prints them
//! ([`crate::report::text::quantity`]); only the charts use `f64` ([`super::to_f64`]).

use super::chart::{self, Chart};
use super::{accessible, escape, network, to_f64, Failure, Kind, Plotted};
use crate::check::ir::TExprKind;
use crate::check::Shape;
use crate::number::{self, Rounding};
use crate::report::text::quantity;
use crate::report::{ClaimResult, DefaultsTable, ItemValues, Outcome, Section, Table};
use crate::session::Session;
use rust_decimal::Decimal;
use std::fmt::Write;

pub(super) const CSS: &str = r##"
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #555555; --line: #cccccc; --ok: #1a7f37; --bad: #b42318; --panel: #f6f6f6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #121212; --muted: #aaaaaa; --line: #444444; --ok: #4ac26b; --bad: #ff7b72; --panel: #1c1c1c; }
  svg text { fill: var(--fg); }
  svg [stroke="#000000"] { stroke: #bbbbbb; }
  svg [fill="#FFFFFF"] { fill: #222222; }
}
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1rem 1.5rem; max-width: 110rem; }
h1 { font-size: 1.5rem; margin: .2rem 0; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta, figcaption { color: var(--muted); font-size: .9rem; }
.scenarios { display: grid; grid-template-columns: repeat(auto-fit, minmax(34rem, 1fr)); gap: 2.5rem; }
figure { margin: .8rem 0; background: var(--panel); padding: .5rem; border-radius: 4px; }
figure svg { display: block; width: 100%; max-width: 800px; height: auto; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .5rem 0; }
caption { text-align: left; color: var(--muted); font-size: .9rem; padding: .2rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .6rem; text-align: right; vertical-align: top; }
th, td { white-space: nowrap; }
th.wrap { white-space: normal; }
td.text { white-space: normal; }
.text, th[scope="row"] { text-align: left; }
.unit { color: var(--muted); font-weight: normal; }
.ok { color: var(--ok); } .bad { color: var(--bad); font-weight: bold; }
ul.causes { margin: 0; padding-left: 1.1rem; text-align: left; }
@media print {
  @page { size: A4; margin: 12mm; }
  :root { --fg: #000000; --bg: #ffffff; --muted: #444444; --line: #999999; --panel: #ffffff; }
  body { max-width: 186mm; padding: 0; font-size: 9.5pt; }
  .scenarios { display: block; }
  section.scenario + section.scenario { break-before: page; }
  figure, tr { break-inside: avoid; }
  figure svg { max-width: 100%; }
  .table { overflow: visible; }
  svg text { fill: #000000; }
}
"##;

/// The HTML report of the scenarios `names` (each `None` for the first declared) of the
/// program loaded in `session`; `file` names the source in the page.
pub fn report(session: &mut Session, file: &str, names: &[Option<String>]) -> Result<String, Failure> {
    let mut scenarios = Vec::new();
    for name in names {
        let outcome = session.outcome(name.as_deref())?;
        let result = session.run(name.as_deref())?;
        let defaults = crate::report::defaults_of(&result)
            .map_err(|e| vec![crate::diagnostic::ToDiagnostic::to_diagnostic(&e)])?;
        let net = network::of_run(&result).map_err(Failure::Usage)?;
        scenarios.push((outcome, defaults, net, result));
    }
    let mut out = String::new();
    let all = names.len() > 1;
    let command = format!("aifin run {file} --format html{}", if all { " --all-scenarios" } else { "" });
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n\
         <title>aifin report: {f}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{f}</h1>\n\
         <p class=\"meta\">{n} Made by <code>{c}</code>. Every chart has its numbers in the table below it.</p>\n</header>\n\
         <main class=\"scenarios\">\n",
        f = escape(file),
        n = escape(&match scenarios.as_slice() {
            [(o, _, _, _)] => format!("Scenario {}.", o.scenario),
            many => format!(
                "Scenarios {}, side by side.",
                many.iter().map(|(o, _, _, _)| o.scenario.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }),
        c = escape(&command),
    );
    for (k, (o, d, net, result)) in scenarios.iter().enumerate() {
        scenario(&mut out, &format!("s{}", k + 1), file, o, d, net, &result.program)?;
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

fn scenario(
    out: &mut String,
    id: &str,
    file: &str,
    o: &Outcome,
    d: &DefaultsTable,
    net: &network::Network,
    program: &crate::check::ir::Program,
) -> Result<(), Failure> {
    let _ = write!(
        out,
        "<section class=\"scenario\" id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">Scenario {}</h2>\n\
         <p class=\"meta\">{}, in {}</p>\n",
        escape(&o.scenario),
        escape(&o.timeline),
        escape(&o.currency)
    );
    let mut shown_defaults = false;
    // the program's reports that became tables, in order: how each item is drawn
    let mut drawn = program
        .reports
        .iter()
        .filter(|r| !r.items.iter().any(|(e, _)| matches!(e.kind, TExprKind::Table(_))))
        .map(|r| r.items.iter().map(|(e, _)| super::drawn_as(e)).collect::<Vec<_>>());
    for (i, s) in o.sections.iter().enumerate() {
        let sid = format!("{id}-{}", i + 1);
        match s {
            Section::Table(t) => table(out, &sid, file, o, t, &drawn.next().unwrap_or_default())?,
            Section::Claims => claims(out, &sid, &o.claims, o.rounding),
            Section::Defaults(_) => {
                defaults(out, &sid, d, o.rounding);
                shown_defaults = true;
            }
        }
    }
    if !shown_defaults {
        defaults(out, &format!("{id}-defaults"), d, o.rounding);
    }
    network_section(out, &format!("{id}-net"), file, o, net)?;
    out.push_str("</section>\n");
    Ok(())
}

fn heading(out: &mut String, id: &str, title: &str) {
    let _ = writeln!(out, "<section aria-labelledby=\"{id}-h\">\n<h3 id=\"{id}-h\">{}</h3>", escape(title));
}

fn cell(v: Decimal, minor: Option<u32>, rule: Rounding) -> String {
    escape(&quantity(v, "", minor, rule))
}

fn table(
    out: &mut String,
    id: &str,
    file: &str,
    o: &Outcome,
    t: &Table,
    drawn: &[(Kind, bool)],
) -> Result<(), Failure> {
    heading(out, id, t.title());
    let mut meta = format!("{}, declared at {}", t.step.keyword(), t.location);
    if let Some(n) = &t.note {
        meta.push_str(&format!("; {n}"));
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&meta));
    let per: Vec<_> = t.items.iter().filter(|i| matches!(i.values, ItemValues::Per(..))).collect();
    if !per.is_empty() {
        let series = t
            .items
            .iter()
            .enumerate()
            .filter_map(|(k, i)| match &i.values {
                ItemValues::Per(vs, shape) => Some(Plotted {
                    label: i.label.clone(),
                    unit: i.unit.clone(),
                    kind: drawn.get(k).map_or(if *shape == Shape::Flow { Kind::Bar } else { Kind::Line }, |d| d.0),
                    down: drawn.get(k).is_some_and(|d| d.1),
                    values: vs.iter().map(|v| to_f64(*v)).collect(),
                    band: None,
                }),
                _ => None,
            })
            .collect();
        let c = Chart {
            title: t.title().to_string(),
            caption: format!("scenario {} · {file}", o.scenario),
            periods: t.periods.clone(),
            axis: format!("period ({})", t.step.keyword()),
            series,
        };
        let svg = chart::draw(&c).map_err(Failure::Usage)?;
        let _ = writeln!(
            out,
            "<figure>\n{}<figcaption>{}</figcaption>\n</figure>",
            accessible(&svg, &format!("{id}-chart"), &c.title, &super::describe(&c), false),
            escape(&format!(
                "{}: flows as stacked bars (outflows below the axis), balances, series and the totals profit, net and financing as lines; one panel per unit.",
                c.title
            ))
        );
        let _ = write!(
            out,
            "<div class=\"table\"><table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\" class=\"text\">period</th>",
            escape(&format!("{} by period", t.title()))
        );
        for i in &per {
            let _ = write!(
                out,
                "<th scope=\"col\">{}<br/><span class=\"unit\">{}</span></th>",
                escape(&i.label),
                escape(&i.unit)
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (p, label) in t.periods.iter().enumerate() {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(label));
            for i in &per {
                if let ItemValues::Per(vs, _) = &i.values {
                    let v = vs.get(p).copied().unwrap_or_default();
                    let _ = write!(out, "<td>{}</td>", cell(v, i.minor, o.rounding));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    let single: Vec<_> = t.items.iter().filter(|i| !matches!(i.values, ItemValues::Per(..))).collect();
    if !single.is_empty() {
        let _ = write!(
            out,
            "<div class=\"table\"><table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\" class=\"text\">item</th><th scope=\"col\">value</th></tr></thead>\n<tbody>\n",
            escape(&format!("{}: single values (nothing to chart)", t.title()))
        );
        for i in single {
            let v = match &i.values {
                ItemValues::One(v) => quantity(*v, &i.unit, i.minor, o.rounding),
                ItemValues::Period(p) => p.clone(),
                ItemValues::Per(..) => String::new(),
            };
            let _ = writeln!(out, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>", escape(&i.label), escape(&v));
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}

fn claim_value(v: Decimal, c: &ClaimResult, rule: Rounding) -> String {
    quantity(v, &c.unit, c.minor, rule)
}

fn claims(out: &mut String, id: &str, cs: &[ClaimResult], rule: Rounding) {
    heading(out, id, "Claims");
    let bad = cs.iter().filter(|c| !c.as_expected()).count();
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} as expected, {} not. “holds” and “refuted” say what the model shows; a claim marked “expect fail” is meant to be refuted.</p>",
        cs.len() - bad,
        bad
    );
    out.push_str(
        "<div class=\"table\"><table>\n<caption>Claims checked against the model</caption>\n<thead><tr>\
         <th scope=\"col\" class=\"text\">as expected</th><th scope=\"col\" class=\"text\">model</th>\
         <th scope=\"col\" class=\"text\">claim</th><th scope=\"col\">model value</th><th scope=\"col\">test</th>\
         <th scope=\"col\">claimed</th><th scope=\"col\">ratio</th><th scope=\"col\" class=\"text\">period</th></tr></thead>\n<tbody>\n",
    );
    for c in cs {
        let (class, expected) = if c.as_expected() { ("ok", "yes") } else { ("bad", "NO") };
        let holds = if c.holds { "holds" } else { "refuted" };
        let mut text = escape(&c.text);
        if let Some(s) = &c.source {
            let _ = write!(text, " <span class=\"unit\">({})</span>", escape(s));
        }
        if c.expect_fail {
            text.push_str(" <span class=\"unit\">[expect fail]</span>");
        }
        let (model, claimed) = match &c.when {
            Some(w) => (
                w.model.clone(),
                match &w.claimed_high {
                    Some(h) => format!("{} .. {h}", w.claimed),
                    None => w.claimed.clone(),
                },
            ),
            None => (
                claim_value(c.model, c, rule),
                match c.claimed_high {
                    Some(h) => format!("{} .. {}", claim_value(c.claimed, c, rule), claim_value(h, c, rule)),
                    None => claim_value(c.claimed, c, rule),
                } + &c.tolerance_text(),
            ),
        };
        let ratio =
            c.ratio.map(|r| number::format_exact(number::round(r, 6, Rounding::Banker))).unwrap_or_else(|| "–".into());
        let _ = writeln!(
            out,
            "<tr><td class=\"text {class}\">{expected}</td><td class=\"text\">{holds}</td><td class=\"text\">{text}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>",
            escape(&model),
            escape(&c.test),
            escape(&claimed),
            escape(&ratio),
            escape(c.period.as_deref().unwrap_or("–"))
        );
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
}

fn money(v: Decimal, currency: &str, rule: Rounding) -> String {
    escape(&quantity(v, currency, Some(2), rule))
}

fn defaults(out: &mut String, id: &str, d: &DefaultsTable, rule: Rounding) {
    heading(out, id, "Defaults");
    if d.defaults.is_empty() {
        out.push_str("<p>No entity defaults in this scenario.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<div class=\"table\"><table>\n<caption>Defaults in order, each with its cause chain: the debtors that left it unpaid</caption>\n\
         <thead><tr><th scope=\"col\" class=\"text\">entity</th><th scope=\"col\" class=\"text\">defaults in</th>\
         <th scope=\"col\">short</th><th scope=\"col\" class=\"text\">caused by</th></tr></thead>\n<tbody>\n",
    );
    for l in &d.defaults {
        let causes = if l.causes.is_empty() {
            "its own cash (no debtor left it unpaid)".to_string()
        } else {
            let mut s = String::from("<ul class=\"causes\">");
            for (debtor, contract, unpaid, when) in &l.causes {
                let _ = write!(
                    s,
                    "<li>{} unpaid by {} on {}{}</li>",
                    money(*unpaid, &d.currency, rule),
                    escape(debtor),
                    escape(contract),
                    when.as_ref().map(|p| format!("; {} defaulted {}", escape(debtor), escape(p))).unwrap_or_default()
                );
            }
            s.push_str("</ul>");
            s
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"text\">{}</td><td>{}</td><td class=\"text\">{causes}</td></tr>",
            escape(&l.entity),
            escape(&l.period),
            money(l.shortfall, &d.currency, rule)
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(
        "<div class=\"table\"><table>\n<caption>Losses: what fell due unpaid, by entity and by contract</caption>\n\
         <thead><tr><th scope=\"col\" class=\"text\">who</th><th scope=\"col\">lost</th></tr></thead>\n<tbody>\n",
    );
    for (e, v) in &d.losses_by_entity {
        let _ = writeln!(out, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>", escape(e), money(*v, &d.currency, rule));
    }
    for (c, v) in &d.losses_by_contract {
        let _ =
            writeln!(out, "<tr><th scope=\"row\">on {}</th><td>{}</td></tr>", escape(c), money(*v, &d.currency, rule));
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
}

fn network_section(out: &mut String, id: &str, file: &str, o: &Outcome, net: &network::Network) -> Result<(), Failure> {
    heading(out, id, "Contract network");
    if net.edges.is_empty() {
        out.push_str("<p>No contracts between entities.</p>\n</section>\n");
        return Ok(());
    }
    let title = "Who pays whom";
    let caption = format!("scenario {} · {file}", o.scenario);
    let svg = network::draw(net, title, &caption).map_err(Failure::Usage)?;
    let _ = writeln!(
        out,
        "<figure>\n{}<figcaption>Entities on a circle in declaration order, clockwise from the top; an arrow per contract \
         and direction of payment, numbered as in the table below, its width growing with the square root of the amount; \
         dashed: left unpaid.</figcaption>\n</figure>",
        accessible(&svg, &format!("{id}-svg"), title, &network::describe(net), false)
    );
    out.push_str(
        "<div class=\"table\"><table>\n<caption>The contract network's edges, numbered as in the picture</caption>\n<thead><tr>\
         <th scope=\"col\">#</th><th scope=\"col\" class=\"text\">contract</th><th scope=\"col\" class=\"text\">from</th><th scope=\"col\" class=\"text\">to</th>\
         <th scope=\"col\">paid</th><th scope=\"col\">unpaid</th><th scope=\"col\" class=\"text\">debtor defaulted</th></tr></thead>\n<tbody>\n",
    );
    let name = |i: usize| net.nodes.get(i).map(|n| n.name.as_str()).unwrap_or("?");
    for (k, e) in net.edges.iter().enumerate() {
        let (unpaid, when) = match &e.unpaid {
            Some((u, w)) => (money(*u, &net.currency, o.rounding), escape(w.as_deref().unwrap_or("–"))),
            None => ("–".to_string(), "–".to_string()),
        };
        let paid = if e.directed { money(e.paid, &net.currency, o.rounding) } else { "nothing in the window".into() };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><th scope=\"row\">{}</th><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{paid}</td><td>{unpaid}</td><td class=\"text\">{when}</td></tr>",
            k + 1,
            escape(&e.contract),
            escape(name(e.from)),
            escape(name(e.to))
        );
    }
    out.push_str("</tbody>\n</table></div>\n</section>\n");
    Ok(())
}
