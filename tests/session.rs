//! The library's front door (src/session.rs): programs loaded in turn, inputs that commit only
//! when they are free of errors, values in a scenario, and `aifin schedule --scenario`.

use aifin::driver::MemoryImporter;
use aifin::eval::Value;
use aifin::session::{Session, Submitted};
use std::path::Path;

fn memory() -> Session {
    let mut files = MemoryImporter::new();
    files.insert("a.aifin", "driver rent = 3 USD/day\n");
    files.insert("b.aifin", "import \"c.aifin\"\ndriver power = 2 kW * 1 day in kWh\n");
    files.insert("c.aifin", "driver price = 0.1 USD/kWh\n");
    Session::with_importer(Box::new(files))
}

fn text(s: &mut Session, expr: &str, scenario: Option<&str>) -> String {
    match s.eval(expr, scenario) {
        Ok(v) => v.format(&s.program().registry),
        Err(d) => panic!("{}", s.render(&d, aifin::diagnostic::RenderStyle::Plain)),
    }
}

#[test]
fn two_programs_in_turn_keep_the_prelude() {
    let mut s = memory();
    s.load_file(Path::new("a.aifin")).unwrap();
    assert_eq!(text(&mut s, "1 USD", None), "1 USD");
    assert_eq!(text(&mut s, "rent * 2 day", None), "6 USD");
    s.load_file(Path::new("b.aifin")).unwrap();
    assert_eq!(text(&mut s, "1 USD", None), "1 USD");
    assert_eq!(text(&mut s, "power * price", None), "4.8 USD");
    assert!(s.eval("rent", None).is_err(), "the first program is gone");
}

#[test]
fn a_failed_submit_changes_nothing() {
    let mut s = memory();
    assert_eq!(s.submit("driver x = 5 USD").unwrap(), Submitted::Declared(1));
    let before = s.completions("");
    assert!(before.contains(&"x".to_string()));
    for bad in ["driver y = 3 USD + 1 day", "driver x = 6 USD", "driver z = ", "import \"missing.aifin\""] {
        assert!(s.submit(bad).is_err(), "{bad} should fail");
        assert_eq!(s.completions(""), before, "after {bad}");
        assert_eq!(text(&mut s, "x", None), "5 USD", "after {bad}");
    }
    match s.submit("x * 2").unwrap() {
        Submitted::Value(v) => assert_eq!(v.format(&s.program().registry), "10 USD"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn values_in_a_scenario_include_series() {
    let mut s = Session::new();
    s.load_file(Path::new("examples/contracts/loan_scenario.aifin")).unwrap();
    let Value::Series(ps) = s.eval("interest(Lab)", Some("high")).unwrap() else { panic!("not a series") };
    let got: Vec<String> = ps.iter().map(|(p, q)| format!("{p} {}", q.value.normalize())).collect();
    // interest as it accrues: 2025's is paid on 2026-01-01, 2026's on 2027-01-01 (maturity)
    assert_eq!(got, ["2025 200000000", "2026 200000000", "2027 0"]);
    // the base scenario's run is cached separately
    let Value::Series(base) = s.eval("interest(Lab)", Some("base")).unwrap() else { panic!("not a series") };
    assert_eq!(base.get(1).map(|(_, q)| q.value.normalize().to_string()), Some("100000000".to_string()));
}

#[test]
fn schedule_applies_the_scenarios_overrides_to_loans() {
    let file = "examples/contracts/loan_scenario.aifin";
    let plain = aifin::diagnostic::RenderStyle::Plain;
    let high = aifin::cli::run(["aifin", "schedule", file, "term_loan", "--scenario", "high"], plain);
    let base = aifin::cli::run(["aifin", "schedule", file, "term_loan"], plain);
    assert_eq!(high.code, 0, "{}", high.stderr);
    assert!(high.stdout.contains("2026-01-01  IP       200,000,000.00"), "{}", high.stdout);
    assert!(base.stdout.contains("2026-01-01  IP       100,000,000.00"), "{}", base.stdout);
}

#[test]
fn check_of_two_files_gives_each_its_prelude() {
    // Both use `USD`: before sessions, the second file lost the prelude (`unknown_unit`).
    let plain = aifin::diagnostic::RenderStyle::Plain;
    let out =
        aifin::cli::run(["aifin", "check", "examples/syntax/entity.aifin", "examples/syntax/scenario.aifin"], plain);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("examples/syntax/scenario.aifin: ok"), "{}", out.stdout);
}

#[test]
fn a_cached_run_gives_the_same_report_as_a_fresh_one() {
    let mut s = Session::new();
    s.load_file(Path::new("examples/contracts/loan_scenario.aifin")).unwrap();
    let fresh = s.outcome(Some("high")).unwrap();
    let cached = s.run(Some("high")).unwrap();
    let again = aifin::report::outcome_of(&cached, s.sources()).unwrap();
    assert_eq!(aifin::report::text::render(&fresh), aifin::report::text::render(&again));
}

/// `aifin run`'s one-shot runs keep no flow amounts beside the ledger: a claim or report that
/// reads a flow afterwards books it again, to the same figures as a session's cached run.
#[test]
fn a_one_shot_outcome_is_the_sessions_outcome() {
    let text = "scenario base { timeline 2026-01 .. 2027-12 monthly }\n\
                entity A { cash 2026-01-01: 10M USD }\n\
                flow A.sales <- world: 1.2M USD/year * cagr(1 @ 2026, 2 @ 2027)\n\
                flow A.fee -> world: 3% * A.sales\n\
                flow A.build -> world: 6M USD on 2026-02-10 as capex life 3 year\n\
                claim \"sales over 2026\": total(A.sales, 2026) == 1.2M USD\n\
                claim \"fees follow sales, outgoing\": total(A.fee, 2026) == -36k USD\n\
                report cash(A), profit(A), A.sales, A.fee quarterly\n";
    let mut session = Session::new();
    session.load_text("one.aifin", text).unwrap();
    let cached = session.outcome(None).unwrap();
    let once = session.into_one_shot();
    let fresh = once.outcome(None).unwrap();
    assert_eq!(aifin::report::text::render(&fresh), aifin::report::text::render(&cached));
    assert_eq!(aifin::report::json::render(&fresh), aifin::report::json::render(&cached));
    assert!(fresh.claims.iter().all(|c| c.as_expected()), "{}", aifin::report::text::render(&fresh));
}
