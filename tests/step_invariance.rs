//! Step invariance (issue 13; docs/language.md § Evaluation): a generated scenario that uses
//! every flow kind and every contract kind is run on a daily, monthly, quarterly and yearly
//! timeline over the same two years, and every entity's yearly totals — revenue, costs, capex,
//! depreciation, interest, financing, net, profit — and its cash at each year's end are
//! identical, exactly; on the daily and monthly timelines so are the monthly totals.
//!
//! The generator stays inside the rules that are calendar-based. The documented exceptions,
//! which it therefore does not generate, are:
//! - **month-anchored curves** on a coarser timeline: a curve's value in a period is the mean
//!   of its granules, so a month-anchored `USD/day` curve books mean × elapsed days on a
//!   quarterly timeline (docs: Curves over time), and a take-or-pay `schedule` curve or a capex
//!   rate curve reads that mean (docs: take_or_pay, Entities and the ledger);
//! - **credit lines**: walked period by period, interest on the balance drawn at the start of
//!   each period (docs: Credit lines);
//! - **defaults**: obligations are cleared period by period (docs: Defaults) — every entity
//!   here has cash enough to pay all it owes;
//! - a take-or-pay `usage` given as **amounts per period** of a quarterly or yearly timeline,
//!   spread evenly over the period's months (docs: take_or_pay); usage here is a rate.

use aifin::source::SourceMap;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

fn run_json(text: &str, scenario: &str) -> Result<serde_json::Value, String> {
    let dir = std::env::temp_dir().join(format!("aifin-steps-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("case-{:x}-{scenario}.aifin", fxhash(text)));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let out = aifin::cli::run(
        ["aifin", "run", "--format", "json", "--scenario", scenario, &path.to_string_lossy()],
        aifin::diagnostic::RenderStyle::Plain,
    );
    let _ = std::fs::remove_file(&path);
    if out.code != 0 {
        return Err(format!("{}\n--- input:\n{text}", out.stderr));
    }
    serde_json::from_str(&out.stdout).map_err(|e| e.to_string())
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

/// `report index → item label → period → value`.
type Tables = Vec<BTreeMap<String, BTreeMap<String, Decimal>>>;

fn tables(doc: &serde_json::Value) -> Tables {
    let mut out = Vec::new();
    for report in doc["reports"].as_array().into_iter().flatten() {
        let mut items = BTreeMap::new();
        for it in report["items"].as_array().into_iter().flatten() {
            let mut values = BTreeMap::new();
            for v in it["values"].as_array().into_iter().flatten() {
                let x = Decimal::from_str(v["value"].as_str().unwrap_or("0")).unwrap_or_default();
                values.insert(v["period"].as_str().unwrap_or("").to_string(), x.normalize());
            }
            items.insert(it["label"].as_str().unwrap_or("").to_string(), values);
        }
        out.push(items);
    }
    out
}

fn amount(x: u64, scale: u32) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(x), scale)
}

fn month(offset: u32) -> String {
    format!("{:04}-{:02}", 2025 + offset / 12, offset % 12 + 1)
}

fn day(offset: u32, d: u32) -> String {
    format!("{}-{:02}", month(offset), d.clamp(1, 28))
}

/// A flow: entity, inflow, kind, unit, amount (mantissa, scale), first month, months, day.
type FlowGen = (usize, bool, usize, usize, (u64, u32), u32, u32, u32);
/// A transfer: kind, rate?, amount, month, day or months.
type TransferGen = (usize, bool, (u64, u32), u32, u32);

/// The random parts of a scenario.
#[derive(Debug, Clone)]
struct Gen {
    flows: Vec<FlowGen>,
    top: (usize, u32, u32, bool, bool, (u64, u32)),
    lease: (usize, u32, u32, bool, (u64, u32), u32),
    share: (u32, u32, u32),
    transfers: Vec<TransferGen>,
    equity: ((u64, u32), u32, u32),
    loan: (usize, usize, u32, u32, u32, bool, bool, (u64, u32)),
}

fn gen() -> impl Strategy<Value = Gen> {
    let money = (1u64..50_000_000, 0u32..4);
    let flow = (0usize..3, any::<bool>(), 0usize..4, 0usize..6, money.clone(), 0u32..24, 1u32..24, 1u32..29);
    (
        proptest::collection::vec(flow, 2..7),
        (0usize..2, 0u32..12, 1u32..12, any::<bool>(), any::<bool>(), money.clone()),
        (0usize..4, 0u32..12, 1u32..14, any::<bool>(), money.clone(), 0u32..20),
        (0u32..40, 0u32..12, 1u32..12),
        proptest::collection::vec((0usize..4, any::<bool>(), money.clone(), 0u32..24, 1u32..29), 1..4),
        (money.clone(), 0u32..24, 1u32..29),
        (0usize..3, 0usize..2, 0u32..12, 0u32..13, 6u32..14, any::<bool>(), any::<bool>(), (1u64..2_000_000, 0u32..3)),
    )
        .prop_map(|(flows, top, lease, share, transfers, equity, loan)| Gen {
            flows,
            top,
            lease,
            share,
            transfers,
            equity,
            loan,
        })
}

/// The scenario text: three companies with cash enough for everything, a flow of each kind,
/// one contract of each kind, and flows `while` three of the contracts are in force.
fn text(g: &Gen) -> String {
    let mut s = String::from(
        "scenario d { timeline 2025-01-01 .. 2026-12-31 daily }\n\
         scenario m extends d { timeline 2025-01 .. 2026-12 monthly }\n\
         scenario q extends d { timeline 2025-Q1 .. 2026-Q4 quarterly }\n\
         scenario y extends d { timeline 2025 .. 2026 yearly }\n\
         scenario w extends d { timeline 2026-01 .. 2026-12 monthly }\n\
         entity E0 { cash 2025-01-01: 900B USD }\n\
         entity E1 { cash 2025-01-01: 900B USD }\n\
         entity E2 { cash 2025-01-01: 900B USD }\n\
         curve grow = cagr(12M USD/year @ 2025, 30M USD/year @ 2026)\n",
    );
    let units = ["USD/day", "USD/month", "USD/year", "USD/week", "USD/quarter", "USD"];
    let kinds = ["revenue", "cost", "capex", "financing"];
    let lives = ["1 month", "90 day", "1 year", "18 month", "2 quarter", "10 week"];
    for (i, (e, inflow, kind, unit, v, from, len, d)) in g.flows.iter().enumerate() {
        let v = amount(v.0, v.1);
        let (arrow, kind) = match kinds[*kind] {
            "revenue" => ("<-", "revenue"),
            "capex" => ("->", "capex"),
            k => (if *inflow { "<-" } else { "->" }, k),
        };
        let value = match units[*unit] {
            "USD" => format!("{v} USD on {}", day(*from, *d)),
            u => format!("{v} {u} from {} to {}", month(*from), month((*from + *len).min(23))),
        };
        let life =
            if kind == "capex" { format!(" life {}", lives[(*d as usize) % lives.len()]) } else { String::new() };
        s.push_str(&format!("flow E{e}.f{i} {arrow} world: {value} as {kind}{life}\n"));
    }
    s.push_str("flow E0.sales <- world: grow from 2025-01\n");
    s.push_str("flow E0.subs <- world: 250001.7 USD/month from 2025-01 as revenue\n");
    let (sched, from, len, advance, usage, v) = &g.top;
    let (sched, timing) = (["even", "ramp"][*sched], if *advance { "advance" } else { "arrears" });
    let usage = if *usage {
        format!(" minimum {} USD usage 40k USD/day", amount(v.0, v.1) / Decimal::from(20))
    } else {
        String::new()
    };
    s.push_str(&format!(
        "contract top: take_or_pay {{ buyer E0 seller E1 total {} USD over {} .. {} schedule {sched} timing {timing}{usage} }}\n",
        amount(v.0, v.1),
        month(*from),
        month(*from + *len)
    ));
    let (pay, from, len, arrears, v, esc) = &g.lease;
    let payment = match pay {
        0 => format!("{} USD", amount(v.0, v.1)),
        1 => format!("{} USD/day", amount(v.0, v.1) / Decimal::from(30)),
        2 => format!("{} USD/year", amount(v.0, v.1)),
        _ => format!("{} USD every 3 month", amount(v.0, v.1)),
    };
    let timing = if *arrears { " timing arrears" } else { "" };
    s.push_str(&format!(
        "contract lease: lease {{ lessee E1 lessor E2 payment {payment} over {} .. {} escalation {esc}%/year{timing} }}\n",
        month(*from),
        month((*from + *len).min(23))
    ));
    let (pct, from, len) = &g.share;
    s.push_str(&format!(
        "contract share: revenue_share {{ payer E0 payee E2 of E0.{} share {pct}% over {} .. {} }}\n",
        if pct % 2 == 0 { "sales" } else { "subs" },
        month(*from),
        month(*from + *len)
    ));
    for (i, (kind, rate, v, at, d)) in g.transfers.iter().enumerate() {
        let kind = ["revenue", "cost", "capex life 1 year", "financing"][*kind];
        let value = if *rate {
            format!("{} USD/month over {} .. {}", amount(v.0, v.1), month(*at), month((*at + *d).min(23)))
        } else {
            format!("{} USD on {}", amount(v.0, v.1), day(*at, *d))
        };
        s.push_str(&format!("contract t{i}: transfer {{ from E2 to E0 amount {value} kind {kind} }}\n"));
    }
    let (v, at, d) = &g.equity;
    s.push_str(&format!(
        "contract round: equity {{ investor E2 company E1 amount {} USD date {} }}\n",
        amount(v.0, v.1),
        day(*at, *d)
    ));
    let (am, dc, start, every, years, premium, capitalise, v) = &g.loan;
    let am = ["bullet", "annuity", "linear"][*am];
    let principal = amount(v.0, v.1) * Decimal::from(1000);
    let payment =
        if am == "linear" { format!(" payment {} USD", principal / Decimal::from(10)) } else { String::new() };
    let dc = ["A365", "E30_360"][*dc];
    let every = if *every % 2 == 0 { "1 month" } else { "3 month" };
    let premium = if *premium { format!(" premium -{} USD", principal / Decimal::from(50)) } else { String::new() };
    let cap = if *capitalise { format!(" capitalize_until {}", day(*start + 3, 1)) } else { String::new() };
    s.push_str(&format!(
        "contract debt: loan {{ lender E2 borrower E1 principal {principal} USD rate 7%/year daycount {dc} \
         start {} maturity {} amortization {am} every {every}{payment}{premium}{cap} }}\n",
        day(*start, 1),
        day(*start + *years, 1)
    ));
    // contingent flows: in force over the months of each contract's first and last payment
    s.push_str("flow E1.ops -> world: 3100.3 USD/month from 2025-01 while top\n");
    s.push_str("flow E2.upkeep -> world: 17 USD/day from 2025-01 while lease\n");
    s.push_str("flow E0.servicing -> world: 52.1 USD/week from 2025-01 while debt\n");
    s.push_str("report defaults\n");
    let lines = ["revenue", "costs", "capex", "depreciation", "interest", "financing", "net", "profit"];
    for e in 0..3 {
        let items: Vec<String> = lines.iter().map(|l| format!("{l}(E{e})")).collect();
        s.push_str(&format!("report {}, cash(E{e}) yearly\n", items.join(", ")));
        s.push_str(&format!("report {}, cash(E{e}) monthly\n", items.join(", ")));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn yearly_totals_are_the_same_on_every_step(g in gen()) {
        let text = text(&g);
        let mut runs = Vec::new();
        for step in ["d", "m", "q", "y"] {
            let doc = run_json(&text, step).map_err(TestCaseError::fail)?;
            let defaults = doc["defaults"]["defaults"].as_array().map(Vec::len);
            prop_assert_eq!(defaults, Some(0), "no defaults here: {}\n{}", doc["defaults"], text);
            runs.push(tables(&doc));
        }
        let daily = &runs[0];
        for (run, step) in runs.iter().zip(["daily", "monthly", "quarterly", "yearly"]) {
            // the yearly reports (every other report)
            for r in (0..run.len()).step_by(2) {
                prop_assert_eq!(&run[r], &daily[r], "yearly totals on a {} timeline\n{}", step, text);
            }
        }
        // monthly totals: daily and monthly timelines
        for r in (1..daily.len()).step_by(2) {
            prop_assert_eq!(&runs[1][r], &daily[r], "monthly totals on a monthly timeline\n{}", text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, .. ProptestConfig::default() })]

    /// A window of the model (2026 alone) opens with the balances the model had on 1 January
    /// 2026 — everything dated before arrives brought forward — so its 2026 totals and its cash
    /// at the end of 2026 are the full run's (every flow here is dated with `from` or `on`;
    /// contracts, a revenue share of a flow from 2025 among them, run across the window's
    /// start). (`net` differs by design: the window's first period
    /// carries the brought-forward balance.)
    #[test]
    fn a_window_opens_with_the_balances_of_its_first_day(g in gen()) {
        // a rate flow's part before the timeline is booked at its first period's value (the
        // documented limit: a curve has no values before the timeline), so the curve-valued
        // flow here starts in the window
        let text = text(&g).replace("grow from 2025-01", "grow from 2026-01");
        let full = tables(&run_json(&text, "m").map_err(TestCaseError::fail)?);
        let window = tables(&run_json(&text, "w").map_err(TestCaseError::fail)?);
        for r in (0..full.len()).step_by(2) {
            let (Some(f), Some(w)) = (full.get(r), window.get(r)) else { continue };
            for (label, values) in w {
                if label.starts_with("net(") {
                    continue;
                }
                let want = f.get(label).and_then(|v| v.get("2026"));
                prop_assert_eq!(values.get("2026"), want, "{} in 2026\n{}", label, text);
            }
        }
    }
}

/// The property's scenario parses and checks (a cheap guard against a generator that only
/// produces errors).
#[test]
fn the_generated_text_checks() {
    let g = Gen {
        flows: vec![(0, true, 0, 0, (1000, 0), 0, 5, 3), (1, false, 2, 5, (5000, 2), 2, 3, 15)],
        top: (1, 2, 5, true, true, (9_000_000, 0)),
        lease: (1, 0, 13, false, (90_000, 1), 5),
        share: (20, 1, 4),
        transfers: vec![(2, false, (12_000, 0), 4, 10), (0, true, (100, 0), 3, 2)],
        equity: ((5_000, 0), 7, 12),
        loan: (1, 1, 1, 1, 12, true, true, (1_200, 0)),
    };
    let t = text(&g);
    let mut map = SourceMap::new();
    let loaded = aifin::driver::load_text(&mut map, "<gen>", &t);
    let (_, _, errors) = aifin::driver::compile(&loaded, None);
    assert!(errors.is_empty(), "{} errors\n{t}", errors.len());
    let doc = run_json(&t, "q").unwrap_or_else(|e| panic!("{e}"));
    assert!(!tables(&doc).is_empty());
}
