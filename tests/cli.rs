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
    assert!(csv.contains("claims,OpenAI defaults in March,,2026-03,\n"), "{csv}");
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
