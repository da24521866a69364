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
    assert_eq!(aifin(&["eval", "20B USD / 1.4T USD in %"]).0, "1.42857142857142857142857143 %\n");
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
