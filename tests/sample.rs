//! Monte Carlo (`aifin sample`, `aifin merge`): the same bytes whatever the threads or shards,
//! and draws whose statistics are those of the declared distributions (fixed seeds, stated
//! tolerances).

use aifin::eval::uncertain::{self, Dist, Input};
use aifin::sample::{rng, Plan};
use aifin::session::Session;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const CASCADE: &str = "examples/sample/cascade.aifin";

fn aifin(args: &[&str]) -> aifin::cli::Output {
    let mut argv = vec!["aifin"];
    argv.extend_from_slice(args);
    aifin::cli::run(argv, aifin::diagnostic::RenderStyle::Plain)
}

fn sample(extra: &[&str]) -> String {
    let mut args = vec!["sample", CASCADE, "--samples", "120", "--seed", "11"];
    args.extend_from_slice(extra);
    let out = aifin(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn same_bytes_across_runs_and_thread_counts() {
    for format in ["text", "json", "csv"] {
        let one = sample(&["--threads", "1", "--format", format]);
        assert!(one.contains("120") && one.contains("11"), "the output states N and the seed");
        assert_eq!(one, sample(&["--threads", "1", "--format", format]));
        assert_eq!(one, sample(&["--threads", "2", "--format", format]), "{format}: 1 vs 2 threads");
        assert_eq!(one, sample(&["--threads", "3", "--format", format]), "{format}: 1 vs 3 threads");
    }
}

#[test]
fn four_shards_merged_are_the_single_run() {
    let dir = std::env::temp_dir().join(format!("aifin-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for k in 0..4 {
        let shard = format!("{k}/4");
        let text = sample(&["--threads", "1", "--shard", &shard]);
        let path = dir.join(format!("shard{k}.json"));
        std::fs::write(&path, text).unwrap();
        files.push(path.to_string_lossy().to_string());
    }
    for format in ["text", "json", "csv"] {
        let mut args = vec!["merge", "--format", format];
        // any order of the shard files
        args.extend(files.iter().rev().map(|s| s.as_str()));
        let merged = aifin(&args);
        assert_eq!(merged.code, 0, "{}", merged.stderr);
        assert_eq!(merged.stdout, sample(&["--threads", "2", "--format", format]), "{format}");
    }
    // a missing shard is an error, not a smaller result
    let out = aifin(&["merge", &files[0], &files[1], &files[3]]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("in no shard"), "{}", out.stderr);
    let out = aifin(&["merge", &files[0], &files[0], &files[1], &files[2], &files[3]]);
    assert_eq!(out.code, 1);
    std::fs::remove_dir_all(&dir).ok();
}

/// The uncertain inputs of a one-line program (with a scenario to run).
fn inputs_of(decls: &str) -> Vec<Input> {
    let mut s = Session::new();
    let text = format!("scenario base {{ timeline 2026 .. 2027 yearly }}\n{decls}\n");
    s.load_text("t.aifin", &text).unwrap();
    let program = s.program().clone();
    let mut run = aifin::eval::engine::run_scenario(&program, None).unwrap();
    uncertain::inputs(&mut run).unwrap()
}

/// `n` draws of `input`, sample i on its own stream as `aifin sample` draws them.
fn draws(input: &Input, seed: u64, n: u64) -> Vec<f64> {
    let mut v: Vec<f64> = (0..n).map(|i| input.draw(&mut rng(seed, i)).unwrap().to_f64().unwrap()).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

#[test]
fn a_positive_range_is_a_lognormal_with_that_90_percent_interval() {
    let inputs = inputs_of("driver x = 10 .. 100\nreport x");
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].dist, Dist::lognormal_90(10.0, 100.0));
    // N = 100,000, seed 2026: the nearest-rank p5 and p95 within 2 % of 10 and 100.
    let v = draws(&inputs[0], 2026, 100_000);
    let (p5, p95) = (v[5_000 - 1], v[95_000 - 1]);
    assert!((p5 / 10.0 - 1.0).abs() < 0.02, "p5 {p5}");
    assert!((p95 / 100.0 - 1.0).abs() < 0.02, "p95 {p95}");
}

#[test]
fn a_range_from_zero_or_below_is_a_normal() {
    let inputs = inputs_of("driver x = -5 USD .. 5 USD\nreport x");
    assert_eq!(inputs[0].dist, Dist::normal_90(-5.0, 5.0));
    let v = draws(&inputs[0], 7, 20_000);
    // N = 20,000: the p5 and p95 within 0.25 of -5 and 5 (the normal's density there is
    // 0.0206 per USD, so a percentile's standard error is about 0.075 USD).
    assert!((v[1_000 - 1] + 5.0).abs() < 0.25 && (v[19_000 - 1] - 5.0).abs() < 0.25);
}

#[test]
fn uniform_mean_and_the_other_distributions() {
    let inputs = inputs_of(
        "driver u = uniform(0, 1)\ndriver t = triangular(0, 1, 4)\ndriver b = bernoulli(0.25)\n\
         driver n = normal(3 USD, 2 USD)\ndriver l = lognormal(p5: 2, p95: 8)\nreport u, t, b, n, l",
    );
    assert_eq!(inputs.len(), 5);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    // N = 100,000: uniform(0, 1)'s mean within 0.005 of 0.5 (its standard error is 0.0009).
    let u = draws(&inputs[0], 1, 100_000);
    assert!((mean(&u) - 0.5).abs() < 0.005, "{}", mean(&u));
    assert!(u[0] >= 0.0 && u[u.len() - 1] < 1.0);
    // N = 20,000 for the rest. triangular(0, 1, 4): mean 5/3, within 0.02 (standard error 0.006).
    let t = draws(&inputs[1], 1, 20_000);
    assert!((mean(&t) - 5.0 / 3.0).abs() < 0.02 && t[0] >= 0.0 && t[t.len() - 1] <= 4.0);
    // bernoulli(0.25): only 0 and 1, a quarter of them 1, within 0.01 (standard error 0.003).
    let b = draws(&inputs[2], 1, 20_000);
    assert!(b.iter().all(|x| *x == 0.0 || *x == 1.0));
    assert!((mean(&b) - 0.25).abs() < 0.01);
    // normal(3, 2): mean within 0.05 (standard error 0.014); lognormal p50 √16 = 4 within 2 %
    // (standard error 0.75 %).
    let n = draws(&inputs[3], 1, 20_000);
    assert!((mean(&n) - 3.0).abs() < 0.05);
    let l = draws(&inputs[4], 1, 20_000);
    assert!((l[10_000 - 1] / 4.0 - 1.0).abs() < 0.02);
}

#[test]
fn each_draw_is_a_decimal_of_twelve_significant_digits() {
    assert_eq!(uncertain::to_decimal(std::f64::consts::PI).unwrap(), Decimal::new(314159265359, 11));
    assert_eq!(uncertain::to_decimal(0.1).unwrap(), Decimal::new(1, 1));
    assert_eq!(uncertain::to_decimal(f64::NAN), None);
}

#[test]
fn a_name_used_twice_is_one_draw() {
    // x - x is 0 in every sample only if both uses see the same draw.
    let mut s = Session::new();
    s.load_text(
        "t.aifin",
        "scenario base { timeline 2026 .. 2027 yearly }\ndriver x = 1 USD .. 9 USD\nreport x - x, x\n",
    )
    .unwrap();
    let program = s.program().clone();
    let plan = Plan::new(&program, s.sources(), "t.aifin", None, 5, 50).unwrap();
    let b = plan.run(0..50, 1).unwrap();
    assert!(b.records.iter().all(|r| r.items[0].iter().all(|v| v.is_zero())));
    let xs: Vec<Decimal> = b.records.iter().map(|r| r.items[1][0]).collect();
    assert!(xs.iter().any(|x| *x != xs[0]), "x varies between samples");
}

#[test]
fn a_claim_built_to_hold_three_times_in_ten() {
    let mut s = Session::new();
    s.load_text(
        "t.aifin",
        "scenario base { timeline 2026 .. 2027 yearly }\ndriver u = uniform(0, 1)\nclaim \"rare\": u < 0.3\n",
    )
    .unwrap();
    let program = s.program().clone();
    let n = 5_000;
    let plan = Plan::new(&program, s.sources(), "t.aifin", None, 19, n).unwrap();
    let b = plan.run(0..n, 2).unwrap();
    let summary = aifin::sample::stats::Summary::of(&b).unwrap();
    // N = 5,000, seed 19: 0.3 ± 0.02 (the standard error is 0.0065).
    let p = aifin::sample::stats::probability(summary.claims[0].1, n).to_f64().unwrap();
    assert!((p - 0.3).abs() < 0.02, "{p}");
    // the deterministic run uses the midpoint 0.5: the claim fails there
    assert!(!summary.claims[0].0);
}

#[test]
fn deterministic_runs_use_the_point() {
    let mut s = Session::new();
    assert_eq!(
        s.eval("normal(10 USD, 2 USD)", None).unwrap().format(&s.program().registry),
        "6.7102928 USD .. 13.2897072 USD (point 10 USD)"
    );
    let v = s.eval("lognormal(p5: 10, p95: 1000)", None).unwrap().format(&s.program().registry);
    assert!(v.ends_with("(point 100)"), "{v}");
    let v = s.eval("triangular(1, 2, 5) + 0", None).unwrap().format(&s.program().registry);
    assert_eq!(v, "2");
    let v = s.eval("bernoulli(0.7) * 1", None).unwrap().format(&s.program().registry);
    assert_eq!(v, "1");
    // a probability in percent is the pure number it stands for
    let v = s.eval("bernoulli(60%) * 1", None).unwrap().format(&s.program().registry);
    assert_eq!(v, "1");
    let (st, _) = s.distribution("bernoulli(10%)", 3, 2_000).unwrap();
    assert!((st.mean.to_f64().unwrap() - 0.1).abs() < 0.02, "{}", st.mean);
}

#[test]
fn a_point_outside_its_interval_is_a_warning() {
    let mut s = Session::new();
    s.load_text(
        "t.aifin",
        "scenario base { timeline 2026 .. 2027 yearly }\ndriver x = 10 USD .. 20 USD ~ 30 USD\nreport x\n",
    )
    .unwrap();
    // the program's one warning (what `aifin sample` prints on stderr) ...
    let codes: Vec<_> = s.warnings().iter().map(|d| d.code).collect();
    assert_eq!(codes, ["aifin::eval::point_outside"]);
    // ... and the sample's report does not compute or print its own
    let program = s.program().clone();
    let plan = Plan::new(&program, s.sources(), "t.aifin", None, 1, 10).unwrap();
    let b = plan.run(0..10, 1).unwrap();
    let text = aifin::sample::render::text(&b, &aifin::sample::stats::Summary::of(&b).unwrap());
    assert!(!text.contains("lies outside"), "{text}");
}

#[test]
fn a_sample_that_fails_says_which() {
    // The point run takes x = 0 (0^0.5 = 0); some draw is negative, with no real square root.
    let path = std::env::temp_dir().join(format!("aifin-fails-{}.aifin", std::process::id()));
    std::fs::write(&path, "scenario base { timeline 2026 .. 2027 yearly }\ndriver x = normal(0, 1)\nreport x ^ 0.5\n")
        .unwrap();
    let p = path.to_string_lossy().to_string();
    assert_eq!(aifin(&["run", &p]).code, 0);
    let out = aifin(&["sample", &p, "--samples", "50", "--threads", "1"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("aifin::eval::bad_power") && out.stderr.contains("(in sample "), "{}", out.stderr);
    assert_eq!(aifin(&["sample", &p, "--samples", "0"]).code, 2);
    assert_eq!(aifin(&["sample", &p, "--shard", "4/4"]).code, 2);
    std::fs::remove_file(&path).ok();
}

#[test]
fn the_distribution_of_a_constant_expression() {
    // What the REPL's `:dist EXPR` shows: the expression's value over draws of what it uses.
    let mut s = Session::new();
    s.load_text("t.aifin", "driver price = 10 USD .. 100 USD\ndriver units = 3\n").unwrap();
    let (st, unit) = s.distribution("price * units", 4, 4_000).unwrap();
    assert_eq!(unit, "USD");
    // the point: the median √(10·100) = √1000 = 31.6227766016837933199889354443… USD, rounded
    // once to 31.622776601683793319988935444 (27 places fit), × 3 = 94.868329805051379959966806332
    // rounded to the 28 digits a decimal holds (a run of a range without `~ point` uses its
    // median, not the midpoint 55)
    assert_eq!(st.point, "94.86832980505137995996680633".parse::<Decimal>().unwrap());
    // the lognormal's median √(10·100) = 31.62 USD, × 3 = 94.87 USD; N = 4,000 within 5 %
    let p50 = st.q[2].to_f64().unwrap();
    assert!((p50 / 94.868 - 1.0).abs() < 0.05, "{p50}");
    let (zero, _) = s.distribution("price - price", 4, 100).unwrap();
    assert!(zero.q.iter().all(|q| q.is_zero()), "one draw per name");
    assert_eq!(s.distribution("units + 1", 4, 10).unwrap().0.q, [Decimal::from(4); 5]);
}

#[test]
fn distributions_are_unit_checked() {
    let mut s = Session::new();
    let code = |r: Result<aifin::eval::Value, Vec<aifin::diagnostic::Diagnostic>>| r.unwrap_err()[0].code.to_string();
    assert_eq!(code(s.eval("normal(1 USD, 2 GPU)", None)), "aifin::types::bad_arguments");
    assert_eq!(code(s.eval("bernoulli(1 USD)", None)), "aifin::types::bad_arguments");
    assert_eq!(code(s.eval("lognormal(1, 2)", None)), "aifin::types::bad_arguments");
    assert_eq!(code(s.eval("uniform(1 USD, 2 USD) + 1 GPU", None)), "aifin::types::dimension_mismatch");
    assert_eq!(code(s.eval("triangular(3, 2, 1)", None)), "aifin::eval::bad_distribution");
    assert_eq!(code(s.eval("normal(1, -1)", None)), "aifin::eval::bad_distribution");
    let v = s.eval("uniform(1 kW, 3 kW) in W", None).unwrap();
    assert_eq!(v.format(&s.program().registry), "2000 W");
}
