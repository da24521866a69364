//! Explanations add up: every node's `+`/`-` children sum to it exactly, on every bundled
//! example and on random generated scenarios.

use aifin::explain::{check_sums, explain_program, Explained, Request, Shown, Target};
use aifin::source::{SourceKind, SourceMap};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Where the program comes from.
enum Src<'a> {
    File(&'a Path),
    Text(&'a str),
}

/// Explains `expr` at `at` in a program, as `aifin explain` does.
fn explain(src: Src<'_>, expr: &str, at: Option<String>) -> Result<Explained, String> {
    let mut sources = SourceMap::new();
    let loaded = match src {
        Src::File(p) => aifin::driver::load(&mut sources, p),
        Src::Text(t) => aifin::driver::load_text(&mut sources, "gen.aifin", t),
    };
    let id = sources.add("<explain>", expr, SourceKind::Input);
    let ast = aifin::syntax::parse_expr(&sources, id).map_err(|e| format!("{e:?}"))?;
    let (program, texpr, diags) = aifin::driver::compile(&loaded, Some(&ast));
    let texpr = texpr.filter(|_| diags.is_empty()).ok_or_else(|| format!("{diags:?}"))?;
    let req = Request { at, scenario: None, depth: 8 };
    explain_program(&program, &sources, &Target::Expr(texpr), &req).map_err(|e| format!("{e:?}"))
}

fn examples(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() && !p.ends_with("errors") {
            examples(&p, out);
        } else if p.extension().is_some_and(|x| x == "aifin") {
            out.push(p);
        }
    }
}

/// Entity names and the number of periods of a file's first scenario, if it runs.
fn entities_and_periods(path: &Path) -> Option<(Vec<String>, Vec<String>)> {
    let mut sources = SourceMap::new();
    let (program, diags) = aifin::driver::compile_file(&mut sources, path);
    if !diags.is_empty() {
        return None;
    }
    let run = aifin::eval::engine::run_scenario(&program, None).ok()?;
    let labels = (0..run.timeline.len()).map(|i| run.timeline.label(i)).collect();
    Some((program.entities.iter().map(|e| e.name.clone()).collect(), labels))
}

#[test]
fn the_cash_of_every_entity_of_every_example_adds_up() {
    let mut files = Vec::new();
    examples(Path::new("examples"), &mut files);
    files.sort();
    let mut checked = 0;
    for f in files {
        let Some((entities, periods)) = entities_and_periods(&f) else { continue };
        for e in &entities {
            // every period of short timelines, a sample of long ones
            let stride = (periods.len() / 12).max(1);
            for p in periods.iter().step_by(stride) {
                let x = explain(Src::File(&f), &format!("cash({e})"), Some(p.clone()))
                    .unwrap_or_else(|m| panic!("{}: cash({e}) at {p}: {m}", f.display()));
                check_sums(&x.root).unwrap_or_else(|m| panic!("{}: {m}", f.display()));
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} explanations");
}

#[test]
fn a_driver_is_explained_by_its_operands() {
    let text = "scenario s { timeline 2026-01 .. 2026-03 monthly }\n\
                driver a = 1.5B USD\ndriver b = 250M USD\ndriver c = 2 * a\ndriver total = a + b - c\n";
    let x = explain(Src::Text(text), "total", None).unwrap();
    assert_eq!(x.root.label, "total");
    assert_eq!(x.root.value, Shown::Quantity("-1250000000".parse().unwrap()));
    check_sums(&x.root).unwrap();
    let labels: Vec<&str> = x.root.children.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, vec!["a + b", "c"]);
    assert_eq!(x.root.children[1].children.len(), 2, "c = 2 * a: two operands");
}

fn scenario_text(
    cash: &[u32],
    flows: &[(usize, bool, u32, u8)],
    tops: &[(usize, usize, u32)],
    credit: &[u32],
) -> String {
    let mut s = String::from("scenario s { timeline 2026-01 .. 2026-12 monthly }\n");
    for (i, c) in cash.iter().enumerate() {
        let line = match credit.get(i) {
            Some(l) if *l > 0 => {
                format!("entity E{i} {{ cash 2026-01-01: {c}M USD  credit_limit {l}M USD  credit_rate 7%/year }}\n")
            }
            _ => format!("entity E{i} {{ cash 2026-01-01: {c}M USD }}\n"),
        };
        s.push_str(&line);
    }
    let units = ["USD/month", "USD/day", "USD/year", "USD/quarter"];
    for (k, (e, inflow, v, u)) in flows.iter().enumerate() {
        let arrow = if *inflow { "<-" } else { "->" };
        let unit = units[*u as usize % 4];
        s.push_str(&format!("flow E{e}.f{k} {arrow} world: {v}.37M {unit}\n"));
    }
    for (k, (a, b, total)) in tops.iter().enumerate() {
        if a != b {
            s.push_str(&format!(
                "contract t{k}: take_or_pay {{ buyer E{a}  seller E{b}  total {total}M USD  over 2026-02 .. 2026-11  termination 3M USD }}\n"
            ));
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    #[test]
    fn every_explanation_of_a_generated_scenario_adds_up(
        (n, cash, flows, tops, credit) in (2usize..5).prop_flat_map(|n| (
            Just(n),
            proptest::collection::vec(10u32..500, n),
            proptest::collection::vec((0..n, any::<bool>(), 1u32..300, 0u8..4), 1..8),
            proptest::collection::vec((0..n, 0..n, 1u32..2000), 0..4),
            proptest::collection::vec(0u32..300, n),
        )),
        at in 0usize..12,
    ) {
        let text = scenario_text(&cash, &flows, &tops, &credit);
        let period = format!("2026-{:02}", at + 1);
        for e in 0..n {
            let exprs = [
                format!("cash(E{e})"),
                format!("defaulted(E{e})"),
                format!("cash(E{e}) - cash(E{})", (e + 1) % n),
                format!("profit(E{e})"),
                format!("total(profit(E{e}), 2026-01 .. 2026-12)"),
            ];
            for expr in exprs {
                let x = match explain(Src::Text(&text), &expr, Some(period.clone())) {
                    Ok(x) => x,
                    Err(_) => return Err(TestCaseError::fail(format!("{expr} failed on\n{text}"))),
                };
                prop_assert!(check_sums(&x.root).is_ok(), "{:?}\n{}", check_sums(&x.root), text);
            }
        }
    }
}
