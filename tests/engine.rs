//! The engine on generated scenarios: every run reconciles (the run itself fails with
//! `aifin::eval::internal` if it does not), booking laws hold, and JSON/CSV outputs are exact.

use aifin::source::SourceMap;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn run_text(text: &str, format: &str) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("aifin-engine-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("case-{:x}.aifin", fxhash(text)));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let out = aifin::cli::run(
        ["aifin", "run", "--format", format, &path.to_string_lossy()],
        aifin::diagnostic::RenderStyle::Plain,
    );
    let _ = std::fs::remove_file(&path);
    if out.code == 0 {
        Ok(out.stdout)
    } else {
        Err(format!("{}\n--- input:\n{text}", out.stderr))
    }
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

#[derive(Debug, Clone)]
struct FlowSpec {
    entity: usize,
    inflow: bool,
    amount: (u64, u32),
    unit: usize,
    kind: usize,
    from: Option<u32>,
    len: u32,
}

fn flow_strategy(entities: usize) -> impl Strategy<Value = FlowSpec> {
    (
        0..entities,
        any::<bool>(),
        (1u64..1_000_000_000, 0u32..5),
        0usize..6,
        0usize..4,
        proptest::option::of(0u32..30),
        1u32..40,
    )
        .prop_map(|(entity, inflow, amount, unit, kind, from, len)| FlowSpec {
            entity,
            inflow,
            amount,
            unit,
            kind,
            from,
            len,
        })
}

fn month(start_year: i32, offset: u32) -> String {
    let m = offset % 12 + 1;
    let y = start_year + i32::try_from(offset / 12).unwrap_or(0);
    format!("{y:04}-{m:02}")
}

fn scenario_text(step: usize, entities: usize, flows: &[FlowSpec]) -> String {
    let steps = ["daily", "monthly", "quarterly", "yearly"];
    let (start, end) = if step == 0 { ("2025-01-01", "2025-06-30") } else { ("2025-01", "2028-12") };
    let mut s = format!("scenario gen {{ timeline {start} .. {end} {} }}\n", steps[step]);
    for e in 0..entities {
        s.push_str(&format!("entity E{e} {{ cash 2025-01-01: {} USD }}\n", 1000 * (e + 1)));
    }
    for (i, f) in flows.iter().enumerate() {
        let value = Decimal::from_i128_with_scale(i128::from(f.amount.0), f.amount.1);
        let arrow = if f.inflow { "<-" } else { "->" };
        let units = ["USD/year", "USD/month", "USD/day", "USD/hour", "USD/quarter", "USD"];
        let kinds = ["", " as cost", " as financing", " as capex life 2 year"];
        let kind = if f.inflow && f.kind == 3 { "" } else { kinds[f.kind] };
        let window = match (units[f.unit], f.from) {
            ("USD", from) => format!(" on {}-15", month(2025, from.unwrap_or(0) % 6)),
            (_, Some(from)) => format!(" from {} to {}", month(2025, from), month(2025, from + f.len)),
            (_, None) => String::new(),
        };
        s.push_str(&format!("flow E{}.f{i} {arrow} world: {value} {}{window}{kind}\n", f.entity, units[f.unit]));
    }
    for e in 0..entities {
        s.push_str(&format!("report cash(E{e}), net(E{e}), profit(E{e})\n"));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn every_generated_scenario_reconciles(
        step in 0usize..4,
        (entities, flows) in (1usize..5).prop_flat_map(|n| (Just(n), proptest::collection::vec(flow_strategy(n), 1..10))),
    ) {
        let text = scenario_text(step, entities, &flows);
        let json = run_text(&text, "json").map_err(TestCaseError::fail)?;
        // cash is opening plus the net movements, period by period, for every entity
        let doc: serde_json::Value = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for report in doc["reports"].as_array().into_iter().flatten() {
            let items = report["items"].as_array().cloned().unwrap_or_default();
            let values = |i: usize| -> Vec<Decimal> {
                items.get(i).and_then(|it| it["values"].as_array()).into_iter().flatten()
                    .map(|v| Decimal::from_str(v["value"].as_str().unwrap_or("0")).unwrap_or_default()).collect()
            };
            let (cash, net) = (values(0), values(1));
            prop_assert_eq!(cash.len(), net.len());
            for w in 1..cash.len() {
                prop_assert_eq!(cash[w] - cash[w - 1], net[w], "cash moves by exactly the net flows");
            }
        }
    }

    #[test]
    fn a_calendar_rate_books_its_exact_yearly_amount_on_every_step(
        amount in 1u64..100_000_000_000_000u64, scale in 0u32..6, step in 0usize..4,
    ) {
        let v = Decimal::from_i128_with_scale(i128::from(amount), scale);
        let steps = ["daily", "monthly", "quarterly", "yearly"];
        let text = format!(
            "scenario s {{ timeline 2028-01-01 .. 2028-12-31 {} }}\nentity A {{ kind company }}\nflow A.x <- world: {v} USD/year\n\
             claim \"exact\": annual(A.x, 2028) == {v} USD\nreport claims\n",
            steps[step]
        );
        let out = run_text(&text, "text").map_err(TestCaseError::fail)?;
        prop_assert!(out.contains("claims: 1 as expected, 0 not"), "{}", out);
    }
}

#[test]
fn json_carries_exact_decimals_that_round_trip() {
    let out = aifin::cli::run(
        ["aifin", "run", "--format", "json", "examples/engine/booking_daily.aifin"],
        aifin::diagnostic::RenderStyle::Plain,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    let mut seen = 0;
    let mut check = |s: &str| {
        let d = Decimal::from_str(s).unwrap_or(Decimal::MAX);
        assert_ne!(d, Decimal::MAX, "{s} is not a decimal");
        assert_eq!(aifin::number::format_exact(d), s, "round trip");
        seen += 1;
    };
    for r in doc["reports"].as_array().into_iter().flatten() {
        for it in r["items"].as_array().into_iter().flatten() {
            for v in it["values"].as_array().into_iter().flatten() {
                check(v["value"].as_str().unwrap_or("x"));
            }
        }
    }
    for c in doc["claims"].as_array().into_iter().flatten() {
        check(c["model"].as_str().unwrap_or("x"));
    }
    assert_eq!(seen, 3 + 6, "three monthly values and six claims");
    // a value that needs all 13 ledger decimals survives
    assert!(out.stdout.contains("\"1433333333.3333333333333\""), "{}", out.stdout);
}

#[test]
fn csv_has_one_header_row() {
    let out = aifin::cli::run(
        ["aifin", "run", "--format", "csv", "examples/engine/capex.aifin"],
        aifin::diagnostic::RenderStyle::Plain,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let headers = r.headers().map(|h| h.iter().map(str::to_string).collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(headers, vec!["section", "item", "unit", "period", "value", "claimed", "outcome"]);
    let rows: Vec<csv::StringRecord> = r.records().filter_map(Result::ok).collect();
    assert!(rows.len() >= 18 + 7, "three yearly series of six years and seven claims");
    assert!(rows.iter().all(|row| row.get(0) != Some("section")), "only one header row");
}

#[test]
fn output_is_the_same_every_time() {
    let a =
        aifin::cli::run(["aifin", "run", "examples/cases/openai_2025.aifin"], aifin::diagnostic::RenderStyle::Plain);
    let b =
        aifin::cli::run(["aifin", "run", "examples/cases/openai_2025.aifin"], aifin::diagnostic::RenderStyle::Plain);
    assert_eq!(a, b);
    let _ = SourceMap::new();
}
