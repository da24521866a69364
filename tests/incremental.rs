//! Incremental re-evaluation (issue 14) gives exactly what a full re-run gives: after
//! `Session::amend_scenario` (what the REPL's `:set` and `:unset` do), the run that reuses the
//! previous run's clean values renders to the same bytes, text and JSON, as a session that
//! checked and ran the program with the same overrides from scratch. On every bundled example
//! with a scenario and drivers, and on generated scenarios, with random overrides in sequence
//! (set, set again, another, unset), so each step starts from an incremental run. The books
//! themselves are compared too, event for event: an incremental run that copies the books of
//! the entities a change does not touch (`eval::incremental::entities_to_post`) must leave the
//! ledger a whole run leaves.

use aifin::check::ir::Program;
use aifin::eval::ledger::Event;
use aifin::repl::{moved, WHATIF};
use aifin::session::Session;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const SOURCE: &str = "<overrides>";

/// The outcome of a run as `aifin run` prints it, text then JSON; or the diagnostics.
fn rendered(s: &mut Session, scenario: &str) -> String {
    let result = match s.run(Some(scenario)) {
        Ok(r) => r,
        Err(d) => return s.render(&d, aifin::diagnostic::RenderStyle::Plain),
    };
    match aifin::report::outcome_of(&result, s.sources()) {
        Ok(o) => aifin::report::text::render(&o) + &aifin::report::json::render(&o),
        Err(e) => {
            s.render(&[aifin::diagnostic::ToDiagnostic::to_diagnostic(&e)], aifin::diagnostic::RenderStyle::Plain)
        }
    }
}

fn whatif(base: &str, overrides: &[(String, String)]) -> String {
    let mut t = format!("scenario {WHATIF} extends {base} {{\n");
    for (n, e) in overrides {
        t.push_str(&format!("  {n} = {e}\n"));
    }
    t + "}\n"
}

/// A run's books: its event log, each entity's cash per period, and the path where everyone
/// pays in full (`None` when the run fails).
type Books = Option<(Vec<Event>, Vec<Vec<Decimal>>, Vec<Vec<Decimal>>)>;

fn books(s: &mut Session, scenario: &str) -> Books {
    let r = s.run(Some(scenario)).ok()?;
    let ids = || r.program.entities.ids();
    let cash = ids().map(|e| r.ledger.closing(e).unwrap()).collect();
    let paid = ids().map(|e| r.paid_path(e).unwrap().1.to_vec()).collect();
    Some((r.ledger.events().to_vec(), cash, paid))
}

/// The same model checked and run from scratch with `overrides`: its outcome, the headline
/// figures the REPL compares ("what moved"), and its books.
fn from_scratch(
    load: &dyn Fn(&mut Session),
    base: &str,
    overrides: &[(String, String)],
) -> (String, Vec<(String, String)>, Books) {
    let mut s = Session::new();
    load(&mut s);
    let scenario = if overrides.is_empty() { base } else { WHATIF };
    if !overrides.is_empty() {
        if let Err(d) = s.submit_in(SOURCE, &whatif(base, overrides), None) {
            return (s.render(&d, aifin::diagnostic::RenderStyle::Plain), Vec::new(), None);
        }
    }
    let figures = moved::snapshot(&mut s, Some(scenario)).map(|x| x.figures).unwrap_or_default();
    let b = books(&mut s, scenario);
    (rendered(&mut s, scenario), figures, b)
}

/// The drivers of the user's files that have one constant quantity, with that quantity as
/// text (`3000000000 USD/month`).
fn drivers(s: &Session) -> Vec<(String, String)> {
    let p: &Program = s.program();
    let mut out = Vec::new();
    for (id, d) in p.definitions.iter_enumerated() {
        let user = s.sources().get(d.span.source()).is_some_and(|x| x.kind() != aifin::source::SourceKind::Std);
        if !user || d.kind != aifin::syntax::ast::DefinitionKind::Driver || d.name.contains('.') {
            continue;
        }
        if let Ok(q) = aifin::solve::driver_value(p, id, d.span) {
            out.push((d.name.clone(), q.format(&p.registry)));
        }
    }
    out
}

/// Applies `steps` (driver index, factor; factor 0 unsets it) one after another in one
/// session, comparing each step's run with a run from scratch.
fn check_steps(load: &dyn Fn(&mut Session), steps: &[(usize, &str)]) {
    let mut s = Session::new();
    load(&mut s);
    let Some(base) = s.program().scenarios.first().map(|x| x.name.clone()) else { return };
    let ds = drivers(&s);
    if ds.is_empty() {
        return;
    }
    let first = rendered(&mut s, &base);
    assert_eq!(first, from_scratch(load, &base, &[]).0);
    let mut figures = moved::snapshot(&mut s, Some(&base)).unwrap_or_default();
    let mut overrides: Vec<(String, String)> = Vec::new();
    for (i, factor) in steps {
        let (name, value) = &ds[i % ds.len()];
        if *factor == "unset" {
            overrides.retain(|(n, _)| n != name);
        } else {
            let e = format!("({value}) * {factor}");
            match overrides.iter_mut().find(|(n, _)| n == name) {
                Some(o) => o.1 = e,
                None => overrides.push((name.clone(), e)),
            }
        }
        let text = if overrides.is_empty() { None } else { Some(whatif(&base, &overrides)) };
        let want = from_scratch(load, &base, &overrides);
        let amended = s.amend_scenario(SOURCE, text.as_deref());
        assert!(amended.is_some(), "a driver override is amended in place: {overrides:?}");
        let scenario = if overrides.is_empty() { base.as_str() } else { WHATIF };
        // what moved, read off the run as it is made: the figures of the entities whose
        // books did not change are reused
        if let Ok(now) = moved::snapshot_after(&mut s, Some(scenario), Some(&figures)) {
            assert_eq!(now.figures, want.1, "after {overrides:?}");
            figures = now;
        }
        let got = rendered(&mut s, scenario);
        assert_eq!(got, want.0, "after {overrides:?}");
        assert!(books(&mut s, scenario) == want.2, "the books after {overrides:?}");
    }
}

fn examples(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() && p.file_name().is_some_and(|n| n != "errors") {
            examples(&p, out);
        } else if p.extension().is_some_and(|x| x == "aifin") {
            out.push(p);
        }
    }
}

const FACTORS: [&str; 6] = ["0", "0.5", "1.1", "2", "10", "unset"];

#[test]
fn every_bundled_example_reruns_exactly() {
    let mut files = Vec::new();
    examples(Path::new("examples"), &mut files);
    let mut tried = 0;
    for f in &files {
        let load = |s: &mut Session| {
            let _ = s.load_file(f);
        };
        let mut probe = Session::new();
        if probe.load_file(f).is_err() || probe.program().scenarios.is_empty() || drivers(&probe).is_empty() {
            continue;
        }
        tried += 1;
        // each driver doubled, then all but the first unset, in one session
        let n = drivers(&probe).len();
        let mut steps: Vec<(usize, &str)> = (0..n).map(|i| (i, "2")).collect();
        steps.push((0, "0.5"));
        steps.extend((1..n).map(|i| (i, "unset")));
        check_steps(&load, &steps);
    }
    assert!(tried >= 10, "only {tried} examples have drivers");
}

/// A generated scenario: `synth::block`s (every construct: contracts, loans, defaults) and a
/// ledger scenario whose one entity has a flow of its own driver.
fn generated(blocks: usize) -> String {
    let mut t = aifin::synth::ledger_scenario(4, 10, 24);
    t.push_str("driver knob = 1000 USD/day\nflow E2.knob -> world: knob\n");
    for i in 0..blocks {
        t.push_str(&aifin::synth::block(i).replace("scenario s", "scenario z").replace("extends s", "extends z"));
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn random_overrides_rerun_exactly(
        blocks in 0usize..2,
        steps in prop::collection::vec((0usize..16, 0usize..FACTORS.len()), 1..5),
    ) {
        let text = generated(blocks);
        let load = move |s: &mut Session| {
            assert!(s.load_text("gen.aifin", &text).is_ok(), "the generated model loads");
        };
        let steps: Vec<(usize, &str)> = steps.iter().map(|(i, f)| (*i, FACTORS[*f])).collect();
        check_steps(&load, &steps);
    }
}

#[test]
fn an_override_of_one_entity_computes_one_flow_again() {
    let text = generated(0);
    let mut s = Session::new();
    assert!(s.load_text("gen.aifin", &text).is_ok());
    assert!(s.run(None).is_ok());
    assert_eq!(s.last_reuse(), None, "the first run computes everything");
    let amended = s.amend_scenario(SOURCE, Some(&whatif("bench", &[("knob".into(), "5 USD/day".into())])));
    assert!(amended.is_some());
    assert!(s.run(Some(WHATIF)).is_ok());
    let r = s.last_reuse().unwrap();
    assert_eq!((r.defs.0, r.flows.0), (1, 1), "{r:?}: knob and E2.knob");
    assert_eq!(r.flows.1, 41);
    assert_eq!(r.entities, Some((1, 4)), "{r:?}: only E2's books are posted again");
    // `price` is used by one flow in five of every entity
    let amended = s.amend_scenario(SOURCE, Some(&whatif("bench", &[("price".into(), "30 USD/month/user".into())])));
    assert!(amended.is_some());
    assert!(s.run(Some(WHATIF)).is_ok());
    let r = s.last_reuse().unwrap();
    assert_eq!(r.flows.0, 1 + 8, "{r:?}: E2.knob (its override is gone) and the 8 flows of `price`");
    assert_eq!(r.entities, Some((4, 4)), "{r:?}: `price` is in every entity's books");
    // a field override is not amended in place (the REPL checks the whole program)
    let field = whatif("bench", &[("E1.min_cash".into(), "2M USD".into())]);
    assert!(s.amend_scenario(SOURCE, Some(&field)).is_none());
    // nor an override that does not check (its diagnostics come from the whole check)
    assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &[("price".into(), "3 USD".into())]))).is_none());
}

#[test]
fn an_entity_whose_opening_cash_moves_is_posted_again_alone() {
    let text = aifin::synth::ledger_scenario(3, 10, 24)
        + "driver opening = 5M USD\ndriver floor = 2M USD\nentity F { cash 2025-01-01: opening  min_cash floor }\n";
    let load = |s: &mut Session| {
        let _ = s.load_text("gen.aifin", &text);
    };
    // `opening` and `floor` set, set again and unset in turn
    let steps = [(0, "2"), (1, "0.5"), (0, "10"), (0, "unset"), (1, "unset")];
    check_steps(&load, &steps);
    let mut s = Session::new();
    load(&mut s);
    assert!(s.run(None).is_ok());
    for (name, value) in [("opening", "7M USD"), ("floor", "9M USD")] {
        assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &[(name.into(), value.into())]))).is_some());
        assert!(s.run(Some(WHATIF)).is_ok());
        let r = s.last_reuse().unwrap();
        assert_eq!(r.entities, Some((1, 4)), "{name}: {r:?}");
    }
}

#[test]
fn books_tied_by_contracts_are_posted_whole() {
    // contracts, loans and defaults: the clearing ties the entities' books together, so an
    // override posts every entity again (and check_steps finds the same books as a full run)
    let text = generated(1);
    let mut s = Session::new();
    assert!(s.load_text("gen.aifin", &text).is_ok());
    assert!(s.run(None).is_ok());
    assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &[("knob".into(), "5 USD/day".into())]))).is_some());
    assert!(s.run(Some(WHATIF)).is_ok());
    let r = s.last_reuse().unwrap();
    assert_eq!(r.entities, None, "{r:?}");
    let load = |s: &mut Session| {
        let _ = s.load_text("gen.aifin", &text);
    };
    check_steps(&load, &[(0, "2"), (3, "0.5"), (0, "unset")]);
}

#[test]
fn an_override_that_breaks_a_term_is_checked_whole() {
    // `amount` is a loan's principal: a negative principal is `bad_term` in the whole check,
    // so the override is not amended in place (the REPL then checks the whole program and
    // shows that diagnostic); a good one is
    let text = "scenario base { timeline 2025-01 .. 2025-12 monthly }\n\
                driver amount = 100 USD\n\
                driver lo = 5 USD\n\
                driver cost = lo .. 10 USD\n\
                entity Bank { cash 2025-01-01: 1000 USD }\n\
                entity Lab { cash 2025-01-01: 1000 USD }\n\
                contract l: loan { lender Bank borrower Lab principal amount rate 5%/year start 2025-01-01 \
                maturity 2025-12-01 amortization linear every 1 month }\n\
                flow Lab.spend -> world: cost on 2025-06-01\n";
    let mut s = Session::new();
    assert!(s.load_text("t.aifin", text).is_ok());
    assert!(s.amend_scenario(SOURCE, Some(&whatif("base", &[("amount".into(), "-5 USD".into())]))).is_none());
    // a range that runs backwards (`backwards_range`) is refused the same way
    assert!(s.amend_scenario(SOURCE, Some(&whatif("base", &[("lo".into(), "20 USD".into())]))).is_none());
    for (name, value) in [("amount", "-5 USD"), ("lo", "20 USD")] {
        let mut whole = Session::new();
        let with = text.to_string() + &whatif("base", &[(name.into(), value.into())]);
        assert!(whole.load_text("t.aifin", &with).is_err(), "the whole check refuses {name} = {value}");
    }
    assert!(s.amend_scenario(SOURCE, Some(&whatif("base", &[("amount".into(), "50 USD".into())]))).is_some());
    assert!(s.run(Some(WHATIF)).is_ok());
}

#[test]
fn a_field_or_term_overridden_before_is_amended_in_place() {
    // the first override of a field makes its definition (a check of the whole program, as
    // the REPL's first `:set E1.cash = …` does); each later value is amended in place and runs
    // as a whole run does; dropping it is checked whole again
    let text = generated(1);
    let load = |s: &mut Session| {
        assert!(s.load_text("gen.aifin", &text).is_ok());
    };
    let mut s = Session::new();
    load(&mut s);
    let first = [("E1.cash".to_string(), "3M USD".to_string()), ("loan0.principal".to_string(), "8B USD".to_string())];
    assert!(s.submit_in(SOURCE, &whatif("bench", &first), None).is_ok());
    assert!(s.run(Some(WHATIF)).is_ok());
    let steps: [&[(&str, &str)]; 3] = [
        &[("E1.cash", "5M USD"), ("loan0.principal", "8B USD")],
        &[("E1.cash", "5M USD"), ("loan0.principal", "9B USD"), ("knob", "7 USD/day")],
        &[("E1.cash", "1M USD"), ("loan0.principal", "9B USD"), ("knob", "7 USD/day")],
    ];
    for step in steps {
        let overrides: Vec<(String, String)> = step.iter().map(|(n, e)| (n.to_string(), e.to_string())).collect();
        assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &overrides))).is_some(), "{overrides:?}");
        let want = from_scratch(&load, "bench", &overrides);
        assert_eq!(rendered(&mut s, WHATIF), want.0, "after {overrides:?}");
        assert!(books(&mut s, WHATIF) == want.2, "the books after {overrides:?}");
        assert!(s.last_reuse().is_some(), "{overrides:?} reran incrementally");
    }
    // a field override dropped, or one that no scenario made a definition for: checked whole
    let dropped = [("loan0.principal".to_string(), "9B USD".to_string())];
    assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &dropped))).is_none());
    assert!(s.amend_scenario(SOURCE, None).is_none());
    let fresh = [
        ("E1.cash".into(), "5M USD".into()),
        ("loan0.principal".into(), "9B USD".into()),
        ("E2.cash".into(), "1M USD".into()),
    ];
    assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &fresh))).is_none());
    // nor is a field override that the whole check refuses (a constant field takes a constant)
    let varying = [("E1.cash".into(), "5M USD * growth".into()), ("loan0.principal".into(), "9B USD".into())];
    assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &varying))).is_none());
}

#[test]
fn books_of_one_entity_whose_field_moves_are_posted_again_alone() {
    let text = aifin::synth::ledger_scenario(4, 10, 24);
    let load = |s: &mut Session| {
        assert!(s.load_text("gen.aifin", &text).is_ok());
    };
    let mut s = Session::new();
    load(&mut s);
    assert!(s.submit_in(SOURCE, &whatif("bench", &[("E2.cash".into(), "3M USD".into())]), None).is_ok());
    assert!(s.run(Some(WHATIF)).is_ok());
    for v in ["5M USD", "0 USD", "12.5M USD"] {
        let overrides = [("E2.cash".to_string(), v.to_string())];
        assert!(s.amend_scenario(SOURCE, Some(&whatif("bench", &overrides))).is_some());
        let want = from_scratch(&load, "bench", &overrides);
        assert_eq!(rendered(&mut s, WHATIF), want.0, "after {overrides:?}");
        assert!(books(&mut s, WHATIF) == want.2, "the books after {overrides:?}");
        let r = s.last_reuse().unwrap();
        assert_eq!(r.entities, Some((1, 4)), "{r:?}");
    }
}
