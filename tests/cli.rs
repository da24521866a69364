//! The command line, end to end through the built binary.

use std::process::Command;

fn aifin(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_aifin")).args(args).env("NO_COLOR", "1").output();
    match out {
        Ok(o) => (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.status.code().unwrap_or(-1),
        ),
        Err(e) => (String::new(), e.to_string(), -1),
    }
}

#[test]
fn eval_is_exact() {
    assert_eq!(aifin(&["eval", "2 * (3.5B + 250M) / 4"]), ("1875000000\n".into(), String::new(), 0));
    assert_eq!(aifin(&["eval", "1/3"]).0, "0.3333333333333333333333333333\n");
    assert_eq!(aifin(&["eval", "15M USD/day in USD/hour"]).0, "625000 USD/hour\n");
    assert_eq!(aifin(&["eval", "10_000 GPU * 700 W/GPU * 24 hour in MWh"]).0, "168 MWh\n");
    assert_eq!(aifin(&["eval", "1.4T USD / 20B USD/year in year"]).0, "70 year\n");
    assert_eq!(aifin(&["eval", "1.4T USD / (20B USD/year) in year"]).0, "70 year\n");
    // 20B / 1.4T × 100 = 10/7 = 1.428571428571428571428571428571…, rounded once to 28 places
    // (the division and the `in %` are one exact fraction, issue 16)
    assert_eq!(aifin(&["eval", "20B USD / 1.4T USD in %"]).0, "1.4285714285714285714285714286 %\n");
}

#[test]
fn eval_takes_min_max_and_abs_of_constants() {
    // By hand: max(1 USD, 2B USD) = 2,000,000,000 USD; min(5, 2, 7) USD = 2 USD; |-3 USD| = 3 USD.
    assert_eq!(aifin(&["eval", "max(1 USD, 2B USD)"]).0, "2000000000 USD\n");
    assert_eq!(aifin(&["eval", "min(5 USD, 2 USD, 7 USD)"]).0, "2 USD\n");
    assert_eq!(aifin(&["eval", "max(1M USD, 2 USD) - min(3 USD, 1 USD) + abs(-3 USD)"]).0, "1000002 USD\n");
    // the first argument's unit is the result's: 90 minute is more than 1 hour
    assert_eq!(aifin(&["eval", "max(1 hour, 90 minute)"]).0, "1.5 hour\n");
    // a built-in that needs a scenario is not a constant
    let (_, err, code) = aifin(&["eval", "linear(1 USD @ 2025, 2 USD @ 2026)"]);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::eval::not_constant"), "{err}");
}

#[test]
fn arithmetic_failures_are_coded_and_point_at_the_operator() {
    let (out, err, code) = aifin(&["eval", "79228162514264337593543950335 * 10"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("aifin::eval::overflow"), "{err}");
    assert!(err.contains("[<eval>:1:31]"), "label on the `*`: {err}");
    let (_, err, code) = aifin(&["eval", "1/0"]);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::eval::division_by_zero") && err.contains("[<eval>:1:2]"), "{err}");
    let (_, err, code) = aifin(&["eval", "99999999999999999999999999999 + 1"]);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::parse::number_out_of_range") && err.contains("[<eval>:1:1]"), "{err}");
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    // 100,000 nested parentheses: too long for one command-line argument (Linux allows
    // 128 KiB), so through a file and through the library's `eval` path.
    let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let path = std::env::temp_dir().join(format!("aifin-deep-{}.aifin", std::process::id()));
    std::fs::write(&path, format!("driver x = {deep}\n")).unwrap_or_default();
    let (_, err, code) = aifin(&["check", &path.to_string_lossy()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::parse::nesting_too_deep"), "{err}");
    let out = aifin::cli::run(["aifin", "eval", deep.as_str()], aifin::diagnostic::RenderStyle::Plain);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("aifin::parse::nesting_too_deep"), "{}", out.stderr);
    let long = vec!["1"; 12_000].join(" + ");
    let (_, err, code) = aifin(&["eval", &long]);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::parse::expression_too_large"), "{err}");
    let pow = vec!["2"; 11_000].join("^");
    let (_, _, code) = aifin(&["eval", &pow]);
    assert_eq!(code, 1, "a long power chain overflows as a diagnostic");
}

#[test]
fn type_errors_label_both_operands() {
    let (_, err, code) = aifin(&["eval", "1 USD + 1 USD/day"]);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::types::dimension_mismatch"), "{err}");
    assert!(err.contains("╰── USD\n") && err.contains("╰── USD/day"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(aifin(&["frobnicate"]).2, 2);
    assert_eq!(aifin(&["eval"]).2, 2);
    let (out, _, code) = aifin(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("check") && out.contains("eval"), "{out}");
}

#[test]
fn output_does_not_depend_on_the_terminal() {
    let run = |envs: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_aifin"));
        c.args(["eval", "1 USD + 1 USD/day"]).env_remove("NO_COLOR");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().map(|o| (o.stdout, o.stderr)).unwrap_or_default()
    };
    let base = run(&[("NO_COLOR", "1")]);
    assert_eq!(run(&[]), base);
    assert_eq!(run(&[("COLUMNS", "40")]), base);
    assert_eq!(run(&[("COLUMNS", "200")]), base);
    assert_eq!(run(&[("TERM", "dumb")]), base);
}

#[test]
fn aifin_test_agrees_with_the_golden_files() {
    let (out, _, code) = aifin(&["test", "examples"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

const HSBC: &str = "examples/cases/hsbc_2030_gap.aifin";
const GAP_ZERO: &str = "funding_gap(OpenAI, 2025-10 .. 2030-12) == 0 USD";

/// The `solution` line's value as a decimal.
fn solution_of(stdout: &str) -> rust_decimal::Decimal {
    let line = stdout.lines().find(|l| l.starts_with("solution")).unwrap_or_default();
    let number: String =
        line.split('=').nth(1).unwrap_or_default().trim().split(' ').next().unwrap_or_default().replace(',', "");
    number.parse().unwrap()
}

#[test]
fn solve_finds_the_revenue_that_closes_the_hsbc_gap() {
    let (out, err, code) = aifin(&[
        "solve",
        HSBC,
        "--vary",
        "revenue_2030",
        "--target",
        GAP_ZERO,
        "--between",
        "213B USD/year .. 1T USD/year",
    ]);
    assert_eq!(code, 0, "{err}");
    let x = solution_of(&out);
    // Python, the same model in floats, 80 bisections: 450.463074058611B USD/year.
    let python: rust_decimal::Decimal = "450463074058.611".parse().unwrap();
    assert!((x - python).abs() < rust_decimal::Decimal::from(1000), "{x}");
    // the stated precision: the bracket is below 1e-12 of the value, and the gap is 0 there
    assert!(out.contains("bisection stops below 1e-12 of the value"), "{out}");
    assert!(out.contains("EXPR - VALUE = 0 after"), "{out}");
}

#[test]
fn solve_refuses_a_target_it_cannot_bracket() {
    let (_, err, code) = aifin(&[
        "solve",
        HSBC,
        "--vary",
        "revenue_2030",
        "--target",
        GAP_ZERO,
        "--between",
        "213B USD/year .. 250B USD/year",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("aifin::eval::no_solution") && err.contains("not bracketed"), "{err}");
}

#[test]
fn solve_refuses_a_bracket_in_another_currency() {
    // the HSBC model has no exchange rate: a bracket in EUR for a driver in USD/year was read
    // as USD/year, the same numbers in another currency
    let (_, err, code) = aifin(&[
        "solve",
        HSBC,
        "--vary",
        "revenue_2030",
        "--target",
        GAP_ZERO,
        "--between",
        "213B EUR/year .. 1T EUR/year",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not convert to the driver's USD/year"), "{err}");
}

#[test]
fn solve_reaches_a_target_inside_the_gap() {
    // the default bracket (a tenth to ten times the value) and a target of 100B USD
    let (out, err, code) = aifin(&[
        "solve",
        HSBC,
        "--vary",
        "cash_margin",
        "--target",
        "funding_gap(OpenAI, 2025-10 .. 2030-12) == 100B USD",
    ]);
    assert_eq!(code, 0, "{err}");
    let m = solution_of(&out);
    // the gap falls by the extra margin times total revenue (545.98B): 51.7 % + 106.73 / 545.98
    // = 71.25 %, to the cent only if the minimum stays at 2030-12 (it does).
    assert!(m > "71.2".parse().unwrap() && m < "71.3".parse().unwrap(), "{out}");
}

#[test]
fn solve_names_the_drivers_when_the_name_is_wrong() {
    let (_, err, code) = aifin(&["solve", HSBC, "--vary", "revenue_2031", "--target", GAP_ZERO]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `revenue_2030`"), "{err}");
    let (_, err, code) =
        aifin(&["solve", HSBC, "--vary", "revenue_2030", "--target", "funding_gap(OpenAI, 2025-10 .. 2030-12)"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_hsbc_variants_run() {
    // compute 30 % cheaper: 253 + 282.27 + 50 - 554.4 > 0 all the way: no gap.
    let (out, err, code) = aifin(&["run", HSBC, "--scenario", "compute_30_cheaper"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("funding gap                     0.00B USD"), "{out}");
    // a 20 % paying share: 185.56B USD more revenue at a 51.7 % margin, 95.93B less gap.
    let (out, _, _) = aifin(&["run", HSBC, "--scenario", "paying_share_20"]);
    assert!(out.contains("funding gap                     110.80B USD"), "{out}");
}

#[test]
fn csv_carries_report_names_claims_and_outcomes() {
    let (out, err, code) = aifin(&["run", "--format", "csv", "examples/cases/gpu_cluster_power.aifin"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("section,item,unit,period,value,claimed,outcome\n"), "{out}");
    assert!(out.contains("\"A 10,000-H100 cluster\",electricity a day,USD,,17472,,\n"), "{out}");
    assert!(out.contains(",USD,,17472,>= 2000000,ok refuted\n"), "{out}");
    let (json, _, _) = aifin(&["run", "--format", "json", "examples/cases/gpu_cluster_power.aifin"]);
    assert!(json.contains("\"name\": \"A 10,000-H100 cluster\""), "{json}");
}

#[test]
fn scale_prints_billions_and_leaves_json_exact() {
    let (out, err, code) = aifin(&["run", "--scale", "B", "examples/defaults/cascade.aifin"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("B USD"), "{out}");
    let (json, _, _) = aifin(&["run", "--format", "json", "--scale", "B", HSBC]);
    assert!(json.contains("206729169994.0557153489427") || json.contains("206729169994"), "{json}");
}

/// `check --claims` on every bundled example (in the scenario its `// args:` line runs, if it
/// names one) exits 0: every claim comes out as expected.
#[test]
fn check_claims_passes_on_every_bundled_example() {
    let mut stack = vec![std::path::PathBuf::from("examples")];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("errors") {
                    stack.push(p);
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "aifin") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let args_line = text.lines().find_map(|l| l.trim().strip_prefix("// args:")).unwrap_or("");
            let words: Vec<&str> = args_line.split_whitespace().collect();
            let file = p.to_string_lossy().to_string();
            let mut args = vec!["check", "--claims", file.as_str()];
            if let Some(i) = words.iter().position(|w| *w == "--scenario") {
                args.push("--scenario");
                args.push(words[i + 1]);
            }
            let (out, err, code) = aifin(&args);
            assert_eq!(code, 0, "{}\n{out}{err}", p.display());
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} examples found");
}

#[test]
fn check_claims_fails_on_a_claim_that_does_not_hold() {
    let (out, _, code) = aifin(&["check", "--claims", "tests/data/claims/failing.aifin"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("claims: 0 as expected, 1 not"), "{out}");
    assert!(out.contains("FAIL  fails    revenue is 20B USD a year"), "{out}");
    // without --claims only the types are checked
    assert_eq!(aifin(&["check", "tests/data/claims/failing.aifin"]).2, 0);
    // every scenario: the file has one
    assert_eq!(aifin(&["check", "--claims", "--all-scenarios", "tests/data/claims/failing.aifin"]).2, 1);
}

#[test]
fn claims_about_periods_check_their_test() {
    let (_, err, code) = aifin(&["check", "tests/data/claims/period_approx.aifin"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a period is not approximate"), "{err}");
    assert!(err.contains("expected a range of periods"), "{err}");
}

#[test]
fn claims_about_periods_in_json_and_csv() {
    let (out, _, code) = aifin(&["run", "examples/claims/when.aifin", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v["claims"][0];
    assert_eq!(first["model_period"], "2026-03");
    assert_eq!(first["claimed_period"], "2026-03");
    assert_eq!(first["test"], "==");
    let (csv, _, _) = aifin(&["run", "examples/claims/when.aifin", "--format", "csv"]);
    assert!(csv.contains("claims,OpenAI defaults in March,,2026-03,,== 2026-03,ok holds\n"), "{csv}");
}

#[test]
fn compare_and_all_scenarios_as_data() {
    let (out, _, code) = aifin(&["compare", "examples/claims/compare.aifin", "base", "stress", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["a"]["scenario"], "base");
    let cash = &v["items"][0]["rows"][0];
    assert_eq!(cash["a"], "24000000000");
    assert_eq!(cash["b"], "1000000000");
    assert_eq!(cash["difference"], "-23000000000");
    let flips: Vec<bool> = v["claims"].as_array().unwrap().iter().map(|c| c["differs"].as_bool().unwrap()).collect();
    assert_eq!(flips, vec![false, true, true, true]);
    let (csv, _, _) = aifin(&["compare", "examples/claims/compare.aifin", "base", "stress", "--format", "csv"]);
    assert!(csv.starts_with("section,item,unit,period,base,stress,difference,relative,differs\n"), "{csv}");
    assert!(csv.contains("claims,OpenAI never defaults,,,never,2026-05,,,true\n"), "{csv}");
    let (all, _, code) = aifin(&["run", "examples/claims/compare.aifin", "--all-scenarios", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(v[0]["scenario"], "base");
    assert_eq!(v[1]["scenario"], "stress");
    let (csv, _, _) = aifin(&["run", "examples/claims/compare.aifin", "--all-scenarios", "--format", "csv"]);
    assert!(csv.starts_with("scenario,section,"), "{csv}");
    assert!(csv.contains("\nstress,"), "{csv}");
    // an unknown scenario is the usual diagnostic
    assert_eq!(aifin(&["compare", "examples/claims/compare.aifin", "base", "bear"]).2, 1);
}

#[test]
fn field_overrides_are_checked() {
    let (_, err, code) = aifin(&["check", "tests/data/claims/bad_overrides.aifin"]);
    assert_eq!(code, 1);
    assert!(err.contains("`Nobody` is not an entity or a contract"), "{err}");
    assert!(err.contains("`Lab` declares no `credit_limit` to override"), "{err}");
    assert!(err.contains("only quantities can be overridden"), "{err}");
    assert!(err.contains("(as in the declared field)"), "{err}");
}

/// The sweep and tornado of examples/claims/tornado.aifin, against the values worked by hand
/// in its comments.
#[test]
fn sweep_and_tornado_agree_with_the_hand_worked_values() {
    let report = "annual(profit(Lab), 2026)";
    let (out, err, code) = aifin(&[
        "sweep",
        "examples/claims/tornado.aifin",
        "--vary",
        "price=20 USD/month/user .. 30 USD/month/user",
        "--steps",
        "5",
        "--report",
        report,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "price [USD/month/user],\"annual(profit(Lab), 2026) [USD]\"\n20,0\n22.5,300000000\n25,600000000\n27.5,900000000\n30,1200000000\n"
    );
    let (out, err, code) = aifin(&["tornado", "examples/claims/tornado.aifin", "--report", report, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["output"]["at_points"], "600000000");
    let bars: Vec<(String, String, String, String)> = v["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let s = |k: &str| b[k].as_str().unwrap().to_string();
            (s("input"), s("at_low"), s("at_high"), s("swing"))
        })
        .collect();
    let want = [
        ("price", "0", "1200000000", "1200000000"),
        ("cost", "840000000", "-120000000", "960000000"),
        ("users", "300000000", "1200000000", "900000000"),
    ];
    assert_eq!(bars.len(), want.len());
    for (got, w) in bars.iter().zip(want) {
        assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str(), got.3.as_str()), w);
    }
    // a range of the wrong dimension, an unknown driver
    assert_eq!(
        aifin(&["sweep", "examples/claims/tornado.aifin", "--vary", "price=1 USD .. 2 USD", "--report", report]).2,
        1
    );
    assert_eq!(aifin(&["sweep", "examples/claims/tornado.aifin", "--vary", "nope=1..2", "--report", report]).2, 1);
}

#[test]
fn fmt_prints_reset_every_as_reset() {
    // issue 17: `reset every 3 month` is the term `reset 3 month`; fmt prints one canonical form
    let dir = std::env::temp_dir().join(format!("aifin-reset-every-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("loan.aifin");
    let text = "entity B { kind lender }\nentity D {}\ncurve sofr = step(4%/year @ 2025-01-01)\n\
        contract l: loan { lender B borrower D principal 1M USD rate sofr + 2.5%/year  reset every 3 month \
        start 2025-01-01 maturity 2026-01-01 every 3 month }\n";
    std::fs::write(&path, text).unwrap();
    let p = path.to_string_lossy().to_string();
    let (out, err, code) = aifin(&["fmt", &p]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  reset 3 month\n"), "{out}");
    assert!(!out.contains("reset every"), "{out}");
    // and the canonical form reads back to itself
    std::fs::write(&path, &out).unwrap();
    assert_eq!(aifin(&["fmt", &p]).0, out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_help_lists_only_the_formats_it_takes() {
    // review #15: the help listed csv, which explain refused
    let (help, _, code) = aifin(&["explain", "--help"]);
    assert_eq!(code, 0);
    assert!(help.contains("- text") && help.contains("- json") && !help.contains("csv"), "{help}");
    let (_, err, code) = aifin(&["explain", "--format", "csv", "x.aifin", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("[possible values: text, json]"), "{err}");
}
