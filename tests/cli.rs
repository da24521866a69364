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
