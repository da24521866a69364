//! `aifin repl` through piped stdin (no terminal): results on stdout, diagnostics on stderr,
//! the first failing input stops with exit 1. On examples/repl/cascade_whatif.aifin, a model
//! with contracts and defaults whose assumptions are drivers.

mod common;

use std::io::Write;

const MODEL: &str = "examples/repl/cascade_whatif.aifin";

fn repl(args: &[&str], input: &str) -> (String, String, i32) {
    let args: Vec<&str> = std::iter::once("repl").chain(args.iter().copied()).collect();
    common::aifin(&args, input)
}

#[test]
fn acceptance_constants_and_types() {
    let (out, err, code) = repl(&[], "15M USD/day in USD/hour\n:type 15M USD/day\n2 + 2\n");
    assert_eq!(out, "625000 USD/hour\na constant of USD/Time, in USD/day\n4\n", "{err}");
    assert_eq!((err.as_str(), code), ("", 0));
}

#[test]
fn acceptance_first_failure_stops_with_exit_1() {
    let (out, err, code) = repl(&[], "15M USD/day in USD/hour\n:type 15M USD/day\n1 USD + 1 USD/day\n2 + 2\n");
    assert_eq!(out, "625000 USD/hour\na constant of USD/Time, in USD/day\n");
    assert!(err.contains("aifin::types::dimension_mismatch") && err.contains("<repl:3>"), "{err}");
    assert_eq!(code, 1);
    // --keep-going runs the rest and still fails
    let (out, _, code) = repl(&["--keep-going"], "1 USD + 1 USD/day\n2 + 2\n");
    assert_eq!((out.as_str(), code), ("4\n", 1));
}

#[test]
fn a_query_in_the_scenario() {
    let (out, err, code) = repl(&[MODEL], "at(cash(OpenAI), 2028-01)\ndefaulted(CoreWeave)\ncash(OpenAI)\nans\n");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "3000000000 USD");
    assert_eq!(lines[1], "2028-03");
    assert_eq!(lines[2], "balance at each period's end in USD");
    assert_eq!(lines[3], "  2028-01   3000000000");
    assert!(out.contains("  2028-06  -1000000000\n  trend  █▁▁▁▁▁\n"), "{out}");
    // `ans` is the last result: the series again
    let second = out.split("trend").nth(1).unwrap();
    assert!(out.split("trend").count() == 3 && second.contains("balance"), "{out}");
}

#[test]
fn set_changes_a_later_query_and_says_what_moved_and_unset_restores() {
    let base = repl(&[MODEL], ":reports\n").0;
    let (out, err, code) = repl(
        &[MODEL],
        "losses(Banks)\n:set openai_costs = 2B USD/month\nlosses(Banks)\n:unset openai_costs\n:reports\n",
    );
    assert_eq!(code, 0, "{err}");
    let mut parts = out.splitn(2, "moved:\n");
    assert_eq!(parts.next().unwrap(), "9164876712.3287671232876 USD\n");
    let rest = parts.next().unwrap();
    assert!(rest.contains("  defaulted(OpenAI)  2028-02 → 2028-03\n"), "{rest}");
    assert!(
        rest.contains("  claim \"the banks lose the exposure less what they recovered (issue 8)\"  holds → fails"),
        "{rest}"
    );
    assert!(rest.contains("\n8039452054.7945205479452 USD\n"), "{rest}");
    // after :unset, `:reports` is byte for byte the base's
    assert!(out.ends_with(&base), "{out}");
}

#[test]
fn a_failed_declaration_changes_nothing() {
    let (out, err, code) = repl(
        &["--keep-going", MODEL],
        ":info openai_costs\ndriver extra = 1 USD + 1 USD/day\n:info openai_costs\n:info extra\nextra\n",
    );
    assert_eq!(code, 1);
    let info = "examples/repl/cascade_whatif.aifin:13\n  // OpenAI's compute and staff, without CoreWeave's capacity (F15)\n  driver openai_costs = 4B USD/month\n  : a constant of USD/Time\n";
    assert_eq!(out, format!("{info}{info}"));
    assert!(err.contains("dimension_mismatch") && err.contains("nothing is called `extra`"), "{err}");
    assert!(err.contains("unknown_name") || err.contains("extra"), "{err}");
}

#[test]
fn declarations_add_to_the_model() {
    let (out, err, code) = repl(&[MODEL], "driver monthly_loss = 2B USD/month\nmonthly_loss * 3 month\n");
    assert_eq!((out.as_str(), err.as_str(), code), ("6000000000 USD\n", "", 0));
}

#[test]
fn save_then_aifin_run_reproduces_the_session() {
    let dir = std::env::temp_dir().join(format!("aifin-repl-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("saved.aifin");
    let script =
        format!("driver extra_cost = 1B USD/month\n:set debt_rate = 12%/year\n:reports\n:save {}\n", file.display());
    let (out, err, code) = repl(&[MODEL], &script);
    assert_eq!(code, 0, "{err}");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains("driver extra_cost = 1B USD/month") && saved.contains("debt_rate = 12%/year"), "{saved}");
    // the saved file imports the model from outside its folder: the header says how to run it
    let model_dir = std::env::current_dir().unwrap().join("examples/repl");
    let how = format!("// Reproduce: aifin run FILE --scenario repl_whatif --allow-import {}\n", model_dir.display());
    assert!(saved.contains(&how), "{saved}");
    let run_args =
        ["run", file.to_str().unwrap(), "--scenario", "repl_whatif", "--allow-import", model_dir.to_str().unwrap()];
    let (run, err, code) = common::aifin(&run_args, "");
    assert_eq!(code, 0, "{err}");
    // The same figures; only the report headers name the file differently (absolute there).
    let keep = |s: &str| s.lines().filter(|l| !l.starts_with("report (")).map(str::to_string).collect::<Vec<_>>();
    let reports = out.split("moved:").nth(1).unwrap();
    let reports = &reports[reports.find("scenario repl_whatif").unwrap()..reports.find("saved ").unwrap()];
    assert_eq!(keep(reports), keep(&run));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scenario_switches() {
    let (out, err, code) =
        repl(&[MODEL], ":scenario\ndefaulted(OpenAI)\n:scenario calm\ndefaulted(OpenAI)\n:scenario\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("* stress\n  calm\n2028-02\nmoved:\n"), "{out}");
    assert!(out.ends_with("2028-03\n  stress\n* calm\n"), "{out}");
    let (_, err, code) = repl(&[MODEL], ":scenario nope\n");
    assert_eq!(code, 1);
    assert!(err.contains("no scenario `nope` (the scenarios are: stress, calm)"), "{err}");
    let (out, _, code) = repl(&[MODEL, "--scenario", "calm"], "defaulted(OpenAI)\n");
    assert_eq!((out.as_str(), code), ("2028-03\n", 0));
}

#[test]
fn reload_keeps_overrides_and_says_what_changed() {
    let dir = std::env::temp_dir().join(format!("aifin-repl-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("model.aifin");
    let text = std::fs::read_to_string(MODEL).unwrap();
    std::fs::write(&file, &text).unwrap();
    let f = file.to_str().unwrap();
    // The script edits the file between two inputs: a first REPL sets, the file changes, :reload.
    let mut child = common::spawn(&["repl", "--keep-going", f]);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    // Each input is answered as it arrives; the file is read again only at :reload, so it can
    // change once the REPL has answered a marker sent after the inputs before.
    let mut seen = String::new();
    let mut send_and_wait = |input: &[u8], marker: &str| {
        stdin.write_all(input).unwrap();
        stdin.write_all(format!("\"{marker}\"\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
        loop {
            let mut line = String::new();
            assert!(std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() > 0, "{seen}");
            if line.trim_end() == marker {
                break;
            }
            seen.push_str(&line);
        }
    };
    send_and_wait(b":set debt_rate = 12%/year\n", "set done");
    std::fs::write(&file, text.replace("cash 2028-01-01: 10B USD", "cash 2028-01-01: 20B USD")).unwrap();
    send_and_wait(b":reload\n:overrides\n", "reload done");
    // A broken file: :reload fails and the last good model stays.
    std::fs::write(&file, "driver broken = 1 USD + 1 USD/day\n").unwrap();
    send_and_wait(b":reload\ndefaulted(OpenAI)\n", "all done");
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.stdout.is_empty());
    let code = out.status.code();
    let (out, err) = (seen, String::from_utf8(out.stderr).unwrap());
    assert_eq!(out.matches("reloaded 1 file\n").count(), 1, "{out}{err}");
    let after = out.split("reloaded 1 file\n").nth(1).unwrap();
    assert!(after.contains("moved:\n") && after.contains("defaulted(OpenAI)  2028-02 →"), "{after}");
    assert!(after.contains("on top of scenario stress:\n  debt_rate = 12%/year\n"), "{after}");
    assert!(err.contains("dimension_mismatch") && err.contains("the last good model stays loaded"), "{err}");
    // the query after the failed reload answers from the model before it: with 20B of cash
    // OpenAI pays January (20 - 7 = 13B) and February (6B) and defaults in March
    assert_eq!(after.lines().last().unwrap(), "2028-03", "{after}");
    assert_eq!(code, Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explain_prints_the_tree_and_an_anchor_stays_in_the_expression() {
    let (out, err, code) = repl(&[MODEL], ":explain cash(CoreWeave) @ 2028-02\n:explain claim 2\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("scenario stress, 2028-02:\ncash(CoreWeave) = 1,882,794,520.55 USD"), "{out}");
    assert!(out.contains("PR 2028-02-01 = 1,000,000,000.00 USD"), "{out}");
    assert!(out.contains("claim \"CoreWeave still serves its debt in February\" = ok, holds"), "{out}");
    let (_, err, code) = repl(&[MODEL], ":explain cash(OpenAI) @ 2031-01\n");
    assert_eq!(code, 1);
    assert!(err.contains("@ 2031-01: not a period of the timeline 2028-01 .. 2028-06"), "{err}");
}

#[test]
fn set_takes_an_entity_field() {
    let (out, err, code) =
        repl(&[MODEL], ":set OpenAI.cash = 20B USD\ndefaulted(OpenAI)\n:unset OpenAI.cash\ndefaulted(OpenAI)\n");
    assert_eq!(code, 0, "{err}");
    // 20B - 4B - 3B = 13B, 13 - 7 = 6B, 6 - 7 < 0: March
    assert!(out.contains("  defaulted(OpenAI)  2028-02 → 2028-03\n"), "{out}");
    assert!(out.contains("\n2028-03\nmoved:\n") && out.ends_with("\n2028-02\n"), "{out}");
}

fn aifin(args: &[&str]) -> String {
    let (out, err, code) = common::aifin(args, "");
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn solve_is_aifin_solve_in_the_active_scenario() {
    // By hand: OpenAI opens with 10B and pays c + 3B a month for 6 months on the full-payment
    // path, so its funding gap 6(c + 3B) - 10B is 20B at c = 2B USD/month.
    let target = "funding_gap(OpenAI, 2028-01 .. 2028-06) == 20B USD";
    let (out, err, code) = repl(&[MODEL], &format!(":solve openai_costs: {target}\n:overrides\n"));
    assert_eq!(code, 0, "{err}");
    let cli = aifin(&["solve", MODEL, "--vary", "openai_costs", "--target", target]);
    let (_, body) = cli.split_once('\n').unwrap();
    assert!(out.starts_with("solve (scenario stress)\n"), "{out}");
    assert!(out.contains(body), "{out}\n---\n{cli}");
    assert!(out.contains("solution  openai_costs = 2,000,000,000.0000"), "{out}");
    // it changes nothing
    assert!(out.ends_with("no overrides\n"), "{out}");
    // in the what-if scenario: with the capacity contract halved the gap is 6(c + 1.5B) - 10B
    let input =
        format!(":set cw_capacity.total = 9B USD\n:solve openai_costs {target} between 1B USD/month..5B USD/month\n");
    let (out, err, code) = repl(&[MODEL], &input);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("solve (scenario repl_whatif)\n"), "{out}");
    assert!(out.contains("solution  openai_costs = 3,500,000,000 USD/month\n"), "{out}");
    // refusals: not bracketed, not a driver, no target
    let (_, err, code) = repl(&[MODEL], ":solve debt_rate: losses(Banks) == 9B USD between 1%/year..30%/year\n");
    assert!(err.contains("aifin::eval::no_solution") && code == 1, "{err}");
    let (_, err, _) = repl(&[MODEL], ":solve debt_rat: losses(Banks) == 9B USD\n");
    assert!(err.contains("`debt_rat` is not declared (did you mean `debt_rate`?)"), "{err}");
    let (_, err, _) = repl(&[MODEL], ":solve debt_rate\n");
    assert!(err.starts_with("`:solve NAME: EXPR == VALUE"), "{err}");
}

#[test]
fn solve_shows_the_value_in_effect_as_now() {
    // the driver is declared 4B USD/month; `:set`, `:scenario calm` (2B) and `aifin solve
    // --scenario calm` each put another value in effect, and "now" is that value
    let target = "funding_gap(OpenAI, 2028-01 .. 2028-06) == 20B USD";
    let (out, err, code) =
        repl(&[MODEL], &format!(":set openai_costs = 3B USD/month\n:solve openai_costs: {target}\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("vary      openai_costs, now 3,000,000,000 USD/month\n"), "{out}");
    let (out, err, code) = repl(&[MODEL], &format!(":scenario calm\n:solve openai_costs: {target}\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("vary      openai_costs, now 2,000,000,000 USD/month\n"), "{out}");
    let cli = aifin(&["solve", MODEL, "--scenario", "calm", "--vary", "openai_costs", "--target", target]);
    assert!(cli.contains("vary      openai_costs, now 2,000,000,000 USD/month\n"), "{cli}");
    // the value in effect sets the default bracket too: a gap of 10B needs 6(c + 3B) = 20B,
    // c = 1/3B USD/month, inside a tenth to ten times 0.2B but not 4B
    let input =
        ":set openai_costs = 0.2B USD/month\n:solve openai_costs: funding_gap(OpenAI, 2028-01 .. 2028-06) == 10B USD\n";
    let (out, err, code) = repl(&[MODEL], input);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("now 200,000,000 USD/month\n") && out.contains("solution  openai_costs = 333,333,333."),
        "{out}"
    );
}

const SAMPLED: &str = "examples/sample/cascade.aifin";

#[test]
fn dist_is_aifin_sample_seeded_and_deterministic() {
    let input = ":samples 200\n:seed 7\n:dist\n:dist at(cash(Lab), 2028-06)\n:dist lab_revenue * 2\n";
    let (out, err, code) = repl(&[SAMPLED], input);
    assert_eq!(code, 0, "{err}");
    assert_eq!(repl(&[SAMPLED], input).0, out, "the same seed and N give the same bytes");
    // `:dist` prints what `aifin sample` prints, but for the file's name
    let cli = aifin(&["sample", SAMPLED, "--samples", "200", "--seed", "7"]);
    let whole = out.split("at(cash(Lab), 2028-06): 200 samples, seed 7\n").next().unwrap();
    let whole = whole.strip_prefix("200 samples, seed 1\nseed 7, 200 samples\n").unwrap();
    assert_eq!(whole.replace("aifin sample <repl>:", &format!("aifin sample {SAMPLED}:")), cli);
    // one value: the draws of sample i are `aifin sample`'s, so its percentiles are the report's
    let june = cli.lines().find(|l| l.starts_with("  2028-06")).unwrap();
    let cells: Vec<&str> = june.split_whitespace().collect();
    let p95 = cells.last().unwrap().replace(',', "");
    assert!(
        out.contains(&format!("  p95    {} USD\n", p95.trim_end_matches('0').trim_end_matches('.'))),
        "{out}\n{june}"
    );
    // a constant: twice the driver's draws, exactly
    assert!(out.contains("lab_revenue * 2: 200 samples, seed 7\n  point  6000000000 USD/month\n"), "{out}");
    // another seed gives other draws
    let (other, _, _) = repl(&[SAMPLED], ":samples 200\n:seed 8\n:dist lab_revenue\n");
    let (seven, _, _) = repl(&[SAMPLED], ":samples 200\n:seed 7\n:dist lab_revenue\n");
    assert_ne!(other.lines().nth(4), seven.lines().nth(4));
    // bad arguments change nothing
    let (out, err, _) = repl(&[SAMPLED], ":samples 0\n");
    assert!(out.is_empty() && err.contains("`:samples N`"), "{err}");
    let (_, err, _) = repl(&[SAMPLED], ":dist cash(Lab)\n");
    assert!(err.contains("varies over the timeline"), "{err}");
}

#[test]
fn save_help_names_allow_import() {
    let (out, _, code) = repl(&[], ":help save\n");
    assert_eq!(code, 0);
    assert!(out.contains("--allow-import DIR"), "{out}");
}

#[test]
fn set_shows_the_warning_its_override_brings_once() {
    let input = ":set debt_rate = 1%/year .. 2%/year ~ 5%/year\n:set openai_costs = 3B USD/month\n:unset debt_rate\n";
    let (out, err, code) = repl(&[MODEL], input);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("aifin::eval::point_outside").count(), 1, "{err}");
    assert!(err.contains("<overrides>"), "{err}");
    assert_eq!(out.matches("moved:").count(), 3, "{out}");
}
