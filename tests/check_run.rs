//! `aifin check` never passes a file whose declarations `aifin run` rejects (issue 12): generated
//! contracts and flows with terms drawn from good and bad values (maturities before the start,
//! ranges that run backwards, shares over 100 %, lives of 0, the same entity on both sides,
//! missing maturities, cycles that are not whole, capex transfers without a positive life,
//! revenue shares of a cost or of another's flow, loan draws in any order, a scenario's override
//! of a loan's payment) either fail the check or run, in every scenario.

use proptest::prelude::*;

fn cli(args: &[&str]) -> (i32, String) {
    let mut v = vec!["aifin"];
    v.extend_from_slice(args);
    let out = aifin::cli::run(v, aifin::diagnostic::RenderStyle::Plain);
    (out.code, out.stderr)
}

fn date(y: u32, m: u32) -> String {
    format!("{}-{:02}-01", 2024 + y, m)
}

fn month(y: u32, m: u32) -> String {
    format!("{}-{:02}", 2024 + y, m)
}

#[derive(Debug, Clone)]
struct Gen {
    kind: usize,
    parties: (usize, usize),
    dates: (u32, u32, u32, u32),
    value: i32,
    pct: i32,
    cycle: usize,
    opt: (bool, bool, usize),
}

/// Mostly good values, each term now and then bad.
fn gen() -> impl Strategy<Value = Gen> {
    let parties = prop_oneof![9 => (0usize..3, 1usize..3).prop_map(|(a, d)| (a, (a + d) % 3)), 1 => (0usize..3).prop_map(|a| (a, a))];
    let dates = (0u32..3, 1u32..13, prop_oneof![9 => 1i32..30, 1 => -3i32..1]).prop_map(|(y, m, len)| {
        let end = (y * 12 + m - 1) as i32 + len;
        let end = end.max(0) as u32;
        (y, m, end / 12, end % 12 + 1)
    });
    (
        0usize..10,
        parties,
        dates,
        prop_oneof![9 => 1i32..20, 1 => -2i32..1],
        prop_oneof![9 => 0i32..=100, 1 => -50i32..250],
        prop_oneof![9 => prop_oneof![Just(0usize), Just(1), Just(3), Just(4)], 1 => Just(2usize)],
        (prop_oneof![4 => Just(true), 1 => Just(false)], any::<bool>(), 0usize..3),
    )
        .prop_map(|(kind, parties, dates, value, pct, cycle, opt)| Gen {
            kind,
            parties,
            dates,
            value,
            pct,
            cycle,
            opt,
        })
}

fn contract(i: usize, g: &Gen) -> String {
    let (a, b) = (format!("E{}", g.parties.0), format!("E{}", g.parties.1));
    let (y0, m0, y1, m1) = g.dates;
    let range = format!("{} .. {}", month(y0, m0), month(y1, m1));
    let cycle = ["1 month", "3 month", "0.5 month", "1 year", "2 week"][g.cycle];
    let amort = ["bullet", "linear", "annuity"][g.opt.2];
    match g.kind {
        0 => {
            let mat = if g.opt.0 { format!(" maturity {}", date(y1, m1)) } else { String::new() };
            // a linear loan without `payment` derives it on the actus branch; give one here
            let pay = if g.opt.1 || amort == "linear" { " payment 1 USD" } else { "" };
            format!(
                "contract c{i}: loan {{ lender {a} borrower {b} principal {} USD rate 5%/year start {}{mat}{pay} amortization {amort} every {cycle} }}\n",
                g.value * 10,
                date(y0, m0)
            )
        }
        1 => {
            let term = if g.opt.0 { " termination 5 USD" } else { "" };
            format!(
                "contract c{i}: take_or_pay {{ buyer {a} seller {b} total {} USD over {range}{term} }}\n",
                g.value.max(0) * 12
            )
        }
        2 => format!(
            "contract c{i}: lease {{ lessee {a} lessor {b} payment {} USD over {range} every {cycle} }}\n",
            g.value.max(0)
        ),
        3 => format!("contract c{i}: revenue_share {{ payer {a} payee {b} of {a}.revenue share {}% }}\n", g.pct),
        4 => format!(
            "contract c{i}: equity {{ investor {a} company {b} amount {} USD date {} stake {}% }}\n",
            g.value.max(0),
            date(y0, m0),
            g.pct
        ),
        6 => {
            // a capex transfer: its life good, 0 or missing; now and then a life on a cost
            let kind = if g.opt.1 { "capex" } else { "cost" };
            let life = [" life 3 year", " life 0 year", ""][g.opt.2];
            format!(
                "contract c{i}: transfer {{ from {a} to {b} amount {} USD on {} kind {kind}{life} }}\n",
                g.value.max(0),
                date(y0, m0)
            )
        }
        7 => {
            // a revenue share of the payer's revenue, of its cost, or of another's revenue
            let of = [format!("{a}.revenue"), format!("{a}.cost"), format!("{b}.revenue")][g.opt.2].clone();
            format!("contract c{i}: revenue_share {{ payer {a} payee {b} of {of} share 10% }}\n")
        }
        8 => {
            // a delayed-draw loan: the second draw anywhere (before the first, after maturity)
            format!(
                "contract c{i}: loan {{ lender {a} borrower {b} principal {} USD rate 5%/year start {} maturity {} draws 5 USD @ {}, 5 USD @ {} }}\n",
                g.value * 10,
                date(y0, m0),
                date(y0 + 1, m0),
                date(y0, m0),
                date(y1, m1)
            )
        }
        9 => {
            // a loan that derives its maturity from `payment`, which a scenario overrides
            format!(
                "contract c{i}: loan {{ lender {a} borrower {b} principal 100 USD rate 5%/year start {} amortization linear payment 10 USD }}\nscenario alt{i} extends base {{ c{i}.payment = {} USD }}\n",
                date(y0, m0),
                g.value
            )
        }
        _ => {
            if g.opt.0 {
                format!(
                    "contract c{i}: transfer {{ from {a} to {b} amount {} USD on {} }}\n",
                    g.value.max(0),
                    date(y0, m0)
                )
            } else if g.opt.1 {
                format!("contract c{i}: transfer {{ from {a} to {b} amount {} USD }}\n", g.value.max(0))
            } else {
                format!(
                    "contract c{i}: transfer {{ from {a} to {b} amount {} USD/month over {range} }}\n",
                    g.value.max(0)
                )
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn check_passing_means_run_accepts_the_declarations(gens in proptest::collection::vec(gen(), 1..4), life in prop_oneof![9 => 1i32..4, 1 => -1i32..1], range in (-3i32..4, -3i32..4, 0usize..3, any::<bool>())) {
        let mut text = String::from("scenario base { timeline 2025-01 .. 2027-12 monthly }\n");
        // an uncertain range with written ends, now and then backwards, across units (1 kUSD =
        // 1000 USD), with a point and in a scenario's override
        let (lo, hi, unit, point) = range;
        let high = [format!("{hi} USD"), format!("{} kUSD", hi), format!("{} USD in kUSD", hi * 1000)][unit].clone();
        let point = if point { format!(" ~ {lo} USD") } else { String::new() };
        text += &format!("unit kUSD = 1000 USD\ndriver spread = {} USD .. {high}{point}\nreport spread\n", lo * 1000);
        // and one whose high end names a driver that a scenario overrides
        text += &format!("driver cap = {hi} USD\ndriver band = 0 USD .. cap\nreport band\n");
        text += &format!("scenario wide extends base {{ spread = {lo} USD .. {hi} USD  cap = {lo} USD }}\n");
        for e in 0..3 {
            text += &format!("entity E{e} {{ cash 2025-01-01: 1000 USD }}\n");
            text += &format!("flow E{e}.revenue <- world: 10 USD/month\n");
            text += &format!("flow E{e}.cost -> world: 1 USD/month\n");
        }
        text += &format!("flow E0.dc -> world: 12 USD on 2025-03-01 as capex life {life} year\n");
        for (i, g) in gens.iter().enumerate() {
            text += &contract(i, g);
        }
        let dir = std::env::temp_dir().join(format!("aifin-check-run-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let h = text.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3));
        let path = dir.join(format!("case-{h:x}.aifin"));
        std::fs::write(&path, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let p = path.to_string_lossy().to_string();
        let (checked, _) = cli(&["check", &p]);
        let (ran, err) = cli(&["run", &p, "--all-scenarios"]);
        let _ = std::fs::remove_file(&path);
        if checked == 0 {
            prop_assert_eq!(ran, 0, "check passed but run failed:\n{}\n--- input:\n{}", err, text);
        }
    }
}
