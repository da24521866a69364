//! `aifin repl` on a pseudo-terminal (rexpect): the rustyline front end — completion of a
//! command, a name and a scenario; Ctrl-C clears a half-typed line; Ctrl-D exits 0 and the
//! history file holds the lines (mode 0600).
#![cfg(unix)]

use rexpect::session::PtySession;
use std::path::PathBuf;
use std::process::Command;

const MODEL: &str = "examples/repl/cascade_whatif.aifin";

fn history(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("aifin-pty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

/// Lets the line editor take the terminal again after an answer: keys sent before it does may
/// be discarded when it switches the terminal back to raw mode (no person types that fast).
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(500));
}

fn start(hist: &PathBuf) -> PtySession {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aifin"));
    c.args(["repl", MODEL]).env("AIFIN_HISTORY", hist).env("NO_COLOR", "1").env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(c, Some(20_000)).unwrap();
    p.exp_string("`:help` for commands").unwrap();
    p
}

#[test]
fn completes_a_command_a_name_and_a_scenario() {
    let hist = history("complete");
    let mut p = start(&hist);
    // a name: `openai_co` + Tab is `openai_costs`
    p.send("openai_co\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("4000000000 USD/month").unwrap();
    // a command and, after it, a scenario: `:scen` + Tab, ` ca` + Tab
    p.send(":scen\t").unwrap();
    p.send(" ca\t").unwrap();
    p.send_line("").unwrap();
    // (rexpect reads bytes as Latin-1: match the ASCII around the arrow)
    p.exp_string("defaulted(OpenAI)  2028-02 ").unwrap();
    p.exp_string(" 2028-03").unwrap();
    p.send_line("defaulted(CoreWeave)").unwrap();
    p.exp_string("2028-05").unwrap();
    // the commands of issues 18 and 19: `:samp` + Tab is `:samples` (`:sa` is also `:save`),
    // `:see` + Tab is `:seed`, `:di` + Tab is `:dist`, `:so` + Tab is `:solve` (rustyline
    // flushes what is typed before it shows the prompt: wait for it)
    settle();
    p.send(":samp\t").unwrap();
    p.send(" 50").unwrap();
    p.send_line("").unwrap();
    p.exp_string("50 samples, seed 1").unwrap();
    settle();
    p.send(":see\t").unwrap();
    p.send(" 3").unwrap();
    p.send_line("").unwrap();
    p.exp_string("seed 3, 50 samples").unwrap();
    settle();
    p.send(":di\t").unwrap();
    p.send(" openai_co\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("openai_costs: 50 samples, seed 3").unwrap();
    settle();
    p.send(":so\t").unwrap();
    p.send(" debt_r\t").unwrap();
    p.send(": losses(Banks) == 9B USD between 1%/year..30%/year").unwrap();
    p.send_line("").unwrap();
    p.exp_string("no_solution").unwrap();
    settle();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let _ = std::fs::remove_file(&hist);
}

#[test]
fn ctrl_c_clears_a_half_typed_line() {
    let hist = history("ctrlc");
    let mut p = start(&hist);
    p.send("1 USD + ").unwrap();
    p.send_control('c').unwrap();
    // the line editor draws a fresh prompt (and takes the terminal again) before reading on
    p.exp_string("\r\n").unwrap();
    settle();
    // Were the half line kept, this would be `1 USD + 2 + 2`: a dimension error.
    p.send_line("2 + 2").unwrap();
    p.exp_string("\r\n4\r\n").unwrap();
    settle();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let _ = std::fs::remove_file(&hist);
}

#[test]
fn ctrl_d_exits_0_and_the_history_holds_the_lines() {
    let hist = history("ctrld");
    let mut p = start(&hist);
    p.send_line("2 + 2").unwrap();
    p.exp_string("\r\n4\r\n").unwrap();
    p.send_line("losses(Banks)").unwrap();
    p.exp_string("9164876712").unwrap();
    settle();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let status = p.process().wait().unwrap();
    assert!(matches!(status, rexpect::process::WaitStatus::Exited(_, 0)), "{status:?}");
    let text = std::fs::read_to_string(&hist).unwrap();
    assert!(text.contains("2 + 2") && text.contains("losses(Banks)"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&hist).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let _ = std::fs::remove_file(&hist);
}

#[test]
fn a_damaged_history_file_is_reported_once_and_ignored() {
    let hist = history("damaged");
    std::fs::write(&hist, [0xff_u8, 0xfe, 0x00, b'\n', 0xc3]).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_aifin"));
    c.args(["repl"]).env("AIFIN_HISTORY", &hist).env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(c, Some(20_000)).unwrap();
    p.exp_string("cannot be read").unwrap();
    p.send_line("2 + 2").unwrap();
    p.exp_string("\r\n4\r\n").unwrap();
    settle();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let _ = std::fs::remove_file(&hist);
}

#[test]
fn ctrl_c_interrupts_a_long_evaluation_and_the_next_query_answers() {
    // 1,500 entities × 10 flows × 10 years: seconds of evaluation in a debug build; in a
    // release build (`cargo test --release`) 10,000, or the answer comes before the Ctrl-C.
    let entities = if cfg!(debug_assertions) { 1_500 } else { 10_000 };
    let dir = std::env::temp_dir().join(format!("aifin-pty-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("long.aifin");
    std::fs::write(&model, aifin::synth::ledger_scenario(entities, 10, 120)).unwrap();
    let hist = history("interrupt");
    let mut c = Command::new(env!("CARGO_BIN_EXE_aifin"));
    c.arg("repl").arg(&model).env("AIFIN_HISTORY", &hist).env("NO_COLOR", "1").env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(c, Some(60_000)).unwrap();
    p.exp_string("`:help` for commands").unwrap();
    p.send_line("at(cash(E7), 2030-12)").unwrap();
    // the editor hands the terminal back (cooked mode: Ctrl-C is a signal) and evaluation runs
    p.exp_string("\r\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let asked = std::time::Instant::now();
    p.send_control('c').unwrap();
    p.exp_string("interrupted; the session is as it was").unwrap();
    let took = asked.elapsed();
    eprintln!("the interrupt was answered in {took:?}");
    assert!(took < std::time::Duration::from_secs(2), "the interrupt took {took:?}");
    settle();
    p.send_line("2 + 2").unwrap();
    p.exp_string("\r\n4\r\n").unwrap();
    settle();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let _ = std::fs::remove_file(&hist);
    let _ = std::fs::remove_dir_all(&dir);
}
