//! Defaults on generated networks of take-or-pays, leases and loans (issue 12): every run
//! reconciles (money is conserved exactly in every period, or the run fails), and
//!
//! - the losses by entity and by contract add up to the same;
//! - a defaulter's shortfall is the loss on its contracts as payer;
//! - on each contract whose payer defaults, what is paid in the default period plus the loss is
//!   the claim: a take-or-pay's termination payment or remaining schedule, a lease's remaining
//!   payments, a loan's principal plus interest accrued to the default date;
//! - a defaulter's cash does not move after its default period (its operations stop) unless it
//!   says `after_default continue` (with credit lines too); nor does its profit, which is 0 from then on (its capex no
//!   longer depreciates), so no defaulter has a positive profit after its default;
//! - a defaulter with a credit line has drawn all of it at the end of its default period (it
//!   paid its creditors all it had, its unused credit included);
//! - an entity that pays on no contract never defaults.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone)]
enum Kind {
    /// months of the term, payment per month, first month (1..=12 of 2025), termination
    TakeOrPay { months: u32, per_month: u32, first: u32, termination: Option<u32> },
    /// months, payment, first month
    Lease { months: u32, payment: u32, first: u32 },
    /// principal, rate in %
    Loan { principal: u32, rate: u32 },
}

#[derive(Debug, Clone)]
struct Contract {
    payer: usize,
    payee: usize,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct Net {
    cash: Vec<u32>,
    cost: Vec<u32>,
    /// `after_default continue`
    goes_on: Vec<bool>,
    /// capex spent on 2025-01-01, depreciated over a year (0: none)
    kit: Vec<u32>,
    /// a credit line at 12 %/year (0: none)
    credit: Vec<u32>,
    contracts: Vec<Contract>,
}

fn month(first: u32, k: u32) -> (u32, u32) {
    let m = first - 1 + k;
    (2025 + m / 12, m % 12 + 1)
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (1u32..=12, 1u32..20, 1u32..=12, proptest::option::of(1u32..60)).prop_map(
            |(months, per_month, first, termination)| Kind::TakeOrPay { months, per_month, first, termination }
        ),
        (1u32..=12, 1u32..20, 1u32..=12).prop_map(|(months, payment, first)| Kind::Lease { months, payment, first }),
        (10u32..100, 1u32..20).prop_map(|(principal, rate)| Kind::Loan { principal, rate }),
    ]
}

fn net() -> impl Strategy<Value = Net> {
    (2usize..5).prop_flat_map(|n| {
        let contract =
            (0..n, 1..n, kind()).prop_map(move |(a, d, kind)| Contract { payer: a, payee: (a + d) % n, kind });
        (
            proptest::collection::vec(0u32..40, n),
            proptest::collection::vec(0u32..6, n),
            proptest::collection::vec(prop_oneof![3 => Just(false), 1 => Just(true)], n),
            proptest::collection::vec(prop_oneof![1 => Just(0u32), 1 => 1u32..24], n),
            proptest::collection::vec(prop_oneof![2 => Just(0u32), 1 => 1u32..30], n),
            proptest::collection::vec(contract, 1..6),
        )
            .prop_map(|(cash, cost, goes_on, kit, credit, contracts)| Net {
                cash,
                cost,
                goes_on,
                kit,
                credit,
                contracts,
            })
    })
}

fn text(net: &Net) -> String {
    let mut s = String::from("scenario base { timeline 2025-01 .. 2025-12 monthly }\n");
    for (i, (c, k)) in net.cash.iter().zip(&net.cost).enumerate() {
        let after = if net.goes_on.get(i).copied().unwrap_or(false) { "  after_default continue" } else { "" };
        let credit = match net.credit.get(i).copied().unwrap_or(0) {
            0 => String::new(),
            l => format!("  credit_limit {l} USD  credit_rate 12%/year"),
        };
        s += &format!("entity E{i} {{ cash 2025-01-01: {c} USD{after}{credit} }}\n");
        if *k > 0 {
            s += &format!("flow E{i}.ops -> world: {k} USD/month\n");
        }
        if let Some(kit) = net.kit.get(i).filter(|x| **x > 0) {
            s += &format!("flow E{i}.kit -> world: {kit} USD on 2025-01-01 as capex life 1 year\n");
        }
    }
    for (j, c) in net.contracts.iter().enumerate() {
        let (a, b) = (c.payer, c.payee);
        s += &match &c.kind {
            Kind::TakeOrPay { months, per_month, first, termination } => {
                let (y0, m0) = month(*first, 0);
                let (y1, m1) = month(*first, months - 1);
                let t = termination.map(|t| format!(" termination {t} USD")).unwrap_or_default();
                format!(
                    "contract c{j}: take_or_pay {{ buyer E{a} seller E{b} total {} USD over {y0}-{m0:02} .. {y1}-{m1:02}{t} }}\n",
                    months * per_month
                )
            }
            Kind::Lease { months, payment, first } => {
                let (y0, m0) = month(*first, 0);
                let (y1, m1) = month(*first, months - 1);
                format!("contract c{j}: lease {{ lessee E{a} lessor E{b} payment {payment} USD over {y0}-{m0:02} .. {y1}-{m1:02} }}\n")
            }
            Kind::Loan { principal, rate } => format!(
                "contract c{j}: loan {{ lender E{b} borrower E{a} principal {principal} USD rate {rate}%/year daycount A365 start 2024-10-01 maturity 2026-10-01 every 3 month }}\n"
            ),
        };
    }
    let cash: Vec<String> = (0..net.cash.len()).map(|i| format!("cash(E{i})")).collect();
    s += &format!("report {}\n", cash.join(", "));
    let profit: Vec<String> = (0..net.cash.len()).map(|i| format!("profit(E{i})")).collect();
    s += &format!("report {}\n", profit.join(", "));
    let lines: Vec<String> = (0..net.cash.len())
        .filter(|i| net.credit.get(*i).is_some_and(|l| *l > 0))
        .map(|i| format!("credit(E{i})"))
        .collect();
    if !lines.is_empty() {
        s += &format!("report {}\n", lines.join(", "));
    }
    let pays: Vec<String> = (0..net.contracts.len()).map(|j| format!("payments(c{j})")).collect();
    s += &format!("report {}\nreport defaults\n", pays.join(", "));
    s
}

fn run_json(text: &str) -> Result<Value, String> {
    let dir = std::env::temp_dir().join(format!("aifin-defaults-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let h = text.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3));
    let path = dir.join(format!("case-{h:x}.aifin"));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let out = aifin::cli::run(
        ["aifin", "run", "--format", "json", &path.to_string_lossy()],
        aifin::diagnostic::RenderStyle::Plain,
    );
    let _ = std::fs::remove_file(&path);
    if out.code != 0 {
        return Err(format!("{}\n--- input:\n{text}", out.stderr));
    }
    serde_json::from_str(&out.stdout).map_err(|e| e.to_string())
}

fn dec(v: &Value) -> Decimal {
    v.as_str().and_then(|s| Decimal::from_str(s).ok()).unwrap_or_default()
}

/// Each report item's values by label.
fn series(json: &Value) -> BTreeMap<String, Vec<Decimal>> {
    let mut out = BTreeMap::new();
    for r in json["reports"].as_array().into_iter().flatten() {
        for item in r["items"].as_array().into_iter().flatten() {
            let vals = item["values"].as_array().into_iter().flatten().map(|v| dec(&v["value"])).collect();
            out.insert(item["label"].as_str().unwrap_or_default().to_string(), vals);
        }
    }
    out
}

fn day(y: i64, m: i64, d: i64) -> i64 {
    // days from civil (proleptic Gregorian), for differences only
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
}

/// The claim on a contract whose payer defaults in month `t` (0 = 2025-01).
fn claim(kind: &Kind, t: u32) -> Decimal {
    let remaining = |months: u32, first: u32| (0..months).filter(|k| (first - 1 + k) >= t).count() as u32;
    match kind {
        Kind::TakeOrPay { termination: Some(x), .. } => Decimal::from(*x),
        Kind::TakeOrPay { months, per_month, first, termination: None } => {
            Decimal::from(remaining(*months, *first) * per_month)
        }
        Kind::Lease { months, payment, first } => Decimal::from(remaining(*months, *first) * payment),
        Kind::Loan { principal, rate } => {
            let d = day(2025, i64::from(t) + 1, 1);
            // interest dates every 3 months from 2024-10-01: the last one before the default date
            let dates = [day(2024, 10, 1), day(2025, 1, 1), day(2025, 4, 1), day(2025, 7, 1), day(2025, 10, 1)];
            let a = dates.iter().copied().filter(|x| *x < d).max().unwrap_or(d);
            let p = Decimal::from(*principal);
            p + p * Decimal::from(*rate) / Decimal::from(100) * Decimal::from(d - a) / Decimal::from(365)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn default_laws(net in net()) {
        let src = text(&net);
        let json = run_json(&src).map_err(TestCaseError::fail)?;
        let s = series(&json);
        let d = &json["defaults"];
        let mut period_of: BTreeMap<String, u32> = BTreeMap::new();
        let mut shortfall: BTreeMap<String, Decimal> = BTreeMap::new();
        for r in d["defaults"].as_array().into_iter().flatten() {
            let e = r["entity"].as_str().unwrap_or_default().to_string();
            let p = r["period"].as_str().unwrap_or_default();
            let m: u32 = p.get(5..7).and_then(|x| x.parse().ok()).unwrap_or(0);
            period_of.insert(e.clone(), m - 1);
            shortfall.insert(e, dec(&r["shortfall"]));
        }
        let loss_c: BTreeMap<String, Decimal> = d["losses_by_contract"].as_array().into_iter().flatten()
            .map(|x| (x["contract"].as_str().unwrap_or_default().to_string(), dec(&x["loss"]))).collect();
        let by_entity: Decimal = d["losses_by_entity"].as_array().into_iter().flatten().map(|x| dec(&x["loss"])).sum();
        let by_contract: Decimal = loss_c.values().copied().sum();
        prop_assert_eq!(by_entity, by_contract, "losses by entity and by contract\n{}", src);
        let tol = Decimal::new(1, 9);
        for (e, short) in &shortfall {
            let own: Decimal = net.contracts.iter().enumerate()
                .filter(|(_, c)| format!("E{}", c.payer) == *e)
                .map(|(j, _)| loss_c.get(&format!("c{j}")).copied().unwrap_or_default()).sum();
            prop_assert!((own - short).abs() <= tol, "{}'s shortfall {} vs losses on its contracts {}\n{}", e, short, own, src);
        }
        for (j, c) in net.contracts.iter().enumerate() {
            let payer = format!("E{}", c.payer);
            let payee = format!("E{}", c.payee);
            let Some(&t) = period_of.get(&payer) else {
                prop_assert!(!loss_c.contains_key(&format!("c{j}")), "a loss on c{} whose payer never defaults\n{}", j, src);
                continue;
            };
            let payee_stopped = period_of.get(&payee).is_some_and(|p| *p < t) && !net.goes_on.get(c.payee).copied().unwrap_or(false);
            if payee_stopped {
                continue; // the contract ended with its payee's operations
            }
            let paid = s.get(&format!("payments(c{j})")).and_then(|v| v.get(t as usize)).copied().unwrap_or_default();
            let loss = loss_c.get(&format!("c{j}")).copied().unwrap_or_default();
            let want = claim(&c.kind, t);
            prop_assert!((paid + loss - want).abs() <= tol,
                "c{}: paid {} + loss {} vs claim {} (default in month {})\n{}", j, paid, loss, want, t + 1, src);
        }
        for (e, t) in &period_of {
            let i: usize = e.get(1..).and_then(|x| x.parse().ok()).unwrap_or(0);
            // a defaulter paid all it had, its unused credit included: its line is drawn in full
            if let Some(limit) = net.credit.get(i).copied().filter(|l| *l > 0) {
                let drawn = s.get(&format!("credit({e})")).and_then(|v| v.get(*t as usize)).copied().unwrap_or_default();
                prop_assert!((drawn - Decimal::from(limit)).abs() <= tol, "{}'s line is {} drawn of {} at its default\n{}", e, drawn, limit, src);
            }
            if net.goes_on.get(i).copied().unwrap_or(false) {
                continue; // it goes on trading
            }
            let cash = s.get(&format!("cash({e})")).cloned().unwrap_or_default();
            let at = cash.get(*t as usize).copied().unwrap_or_default();
            prop_assert!(cash.iter().skip(*t as usize + 1).all(|x| *x == at), "{}'s cash moves after its default\n{}", e, src);
            let profit = s.get(&format!("profit({e})")).cloned().unwrap_or_default();
            prop_assert!(profit.iter().skip(*t as usize + 1).all(|x| x.is_zero()), "{}'s profit moves after its default\n{}", e, src);
        }
        for i in 0..net.cash.len() {
            if !net.contracts.iter().any(|c| c.payer == i) {
                prop_assert!(!period_of.contains_key(&format!("E{i}")), "E{} pays on no contract yet defaults\n{}", i, src);
            }
        }
    }
}
