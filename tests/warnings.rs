//! Warnings (issue 19): `low .. high ~ point` whose point lies outside its interval is the
//! warning `aifin::eval::point_outside` in `aifin check`, `run`, `sample` and the REPL — on
//! stderr, with the exit status unchanged — and a point inside gives none.

mod common;

use common::aifin;
use std::path::PathBuf;

const CODE: &str = "aifin::eval::point_outside";

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aifin-warnings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const OUTSIDE: &str = "scenario base { timeline 2026 .. 2027 yearly }\n\
    driver price = 30k USD .. 40k USD ~ 45k USD\n\
    driver fine = 1 .. 3 ~ 2\n\
    report price, fine\n";

#[test]
fn check_run_and_sample_warn_and_still_succeed() {
    let f = scratch("outside.aifin", OUTSIDE);
    let f = f.to_str().unwrap();
    for args in [vec!["check", f], vec!["run", f], vec!["sample", f, "--samples", "20", "--threads", "1"]] {
        let (out, err, code) = aifin(&args, "");
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_eq!(err.matches(CODE).count(), 1, "{args:?}: one warning:\n{err}");
        assert!(err.contains("the point 45,000 USD lies outside its interval 30,000 USD .. 40,000 USD"), "{err}");
        assert!(err.contains("outside.aifin:2:"), "it points at the range: {err}");
        assert!(err.contains("help:"), "{err}");
        assert!(!out.contains(CODE), "warnings go to stderr: {out}");
        assert!(!out.contains("lies outside"), "and only there (sample prints no line of its own): {out}");
    }
    // the run uses the point all the same
    let (out, _, _) = aifin(&["run", f], "");
    assert!(out.contains("45,000"), "{out}");
}

#[test]
fn a_point_inside_or_no_point_warns_nothing() {
    let f = scratch(
        "inside.aifin",
        "scenario s { timeline 2026 .. 2027 yearly }\ndriver a = 1 .. 3 ~ 3\ndriver b = 5 .. 9\nreport a, b\n",
    );
    let (_, err, code) = aifin(&["check", f.to_str().unwrap()], "");
    assert_eq!((err.as_str(), code), ("", 0));
}

#[test]
fn the_repl_shows_a_warning_once_when_an_input_brings_it() {
    let f = scratch("repl.aifin", OUTSIDE);
    let input = "driver later = 1 USD .. 2 USD ~ 0 USD\ndriver other = 5\nprice\n";
    let (out, err, code) = aifin(&["repl", f.to_str().unwrap()], input);
    assert_eq!(code, 0, "{err}");
    // the file's warning at the start, the declaration's after it, and nothing more
    assert_eq!(err.matches(CODE).count(), 2, "{err}");
    assert!(err.contains("the point 0 USD lies outside its interval 1 USD .. 2 USD"), "{err}");
    assert!(err.contains("<repl:1>:1:"), "{err}");
    assert!(out.contains("45000 USD"), "{out}");
}

#[test]
fn eval_warns_of_its_own_range() {
    let (out, err, code) = aifin(&["eval", "1 USD .. 2 USD ~ 3 USD"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "1 USD .. 2 USD (point 3 USD)\n");
    assert_eq!(err.matches(CODE).count(), 1, "{err}");
    assert!(err.contains("<eval>:1:"), "{err}");
    let (_, err, _) = aifin(&["eval", "1 USD .. 2 USD ~ 1.5 USD"], "");
    assert_eq!(err, "");
}

#[test]
fn a_range_in_a_claims_tolerance_warns_too() {
    // the warnings walk what a run reads, as `aifin sample`'s inputs do: a claim's tolerance too
    let f = scratch(
        "tolerance.aifin",
        "scenario s { timeline 2026 .. 2027 yearly }\ndriver a = 5 USD\n\
         claim \"c\": a ~= 5 USD within (1 USD .. 2 USD ~ 9 USD)\nreport a\n",
    );
    let (_, err, code) = aifin(&["check", f.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches(CODE).count(), 1, "{err}");
    assert!(err.contains("tolerance.aifin:3:"), "{err}");
}

/// One constants run evaluates every range of a program (issue 20: a run per range was
/// quadratic in a large program); a range whose evaluation fails warns nothing and leaves the
/// ranges after it, those sharing its definitions included, their own warnings.
#[test]
fn a_range_that_cannot_be_evaluated_leaves_the_others_their_warnings() {
    let f = scratch(
        "failing.aifin",
        "scenario base { timeline 2026 .. 2027 yearly }\n\
         driver a = 30k USD .. 40k USD ~ 45k USD\n\
         driver zero = 0\n\
         driver bad = 1 / zero .. 2 ~ 5\n\
         driver b = zero + 1 .. 3 ~ 4\n\
         driver c = 1 .. 3 ~ 2\n\
         driver d = a / 1 USD .. 50k ~ 20k\n\
         report a, b\n",
    );
    let (_, err, code) = aifin(&["check", f.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches(CODE).count(), 3, "a, b and d warn; bad and c do not:\n{err}");
    for (line, text) in [
        (2, "the point 45,000 USD lies outside its interval 30,000 USD .. 40,000 USD"),
        (5, "the point 4 lies outside its interval 1 .. 3"),
        (7, "the point 20,000 lies outside its interval 45,000 .. 50,000"),
    ] {
        assert!(err.contains(text) && err.contains(&format!("failing.aifin:{line}:")), "{text}:\n{err}");
    }
}
