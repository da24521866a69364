//! docs/repl.md cannot drift from the program: its ```repl blocks are one session on
//! examples/repl/cascade_whatif.aifin. Each `> input` line is fed to the REPL (split into
//! inputs as `aifin repl` splits a pipe) and followed by what it answered, stdout then
//! stderr; the commands table is generated from `aifin::repl::commands::COMMANDS`.
//! `AIFIN_BLESS=1 cargo test --test repl_doc` rewrites the file.

use aifin::diagnostic::RenderStyle;
use aifin::repl::{commands::COMMANDS, Repl};

const DOC: &str = "docs/repl.md";

fn commands_table() -> String {
    let mut t = String::from("| command | what it does |\n|---|---|\n");
    for c in COMMANDS {
        let head = if c.args.is_empty() { format!(":{}", c.name) } else { format!(":{} {}", c.name, c.args) };
        t.push_str(&format!("| `{}` | {} |\n", head.replace('|', "\\|"), c.help.replace('|', "\\|")));
    }
    t
}

fn regenerate(doc: &str) -> String {
    let mut repl = Repl::new(RenderStyle::Plain);
    let start = repl.start(&["examples/repl/cascade_whatif.aifin".into()], None);
    assert!(!start.failed, "{}", start.err);
    let mut out = String::new();
    let mut in_block = false;
    let mut in_table = false;
    for line in doc.lines() {
        if in_table {
            if line == "<!-- end generated -->" {
                out.push_str(&commands_table());
                out.push_str(line);
                out.push('\n');
                in_table = false;
            }
            continue;
        }
        if line == "<!-- generated: repl-commands -->" {
            in_table = true;
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if line == "```repl" {
            in_block = true;
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if in_block && line == "```" {
            in_block = false;
        }
        if in_block {
            // Keep the inputs, drop the answers (they are written again below).
            if let Some(input) = line.strip_prefix("> ") {
                out.push_str(line);
                out.push('\n');
                let reply = repl.input(input);
                out.push_str(&reply.out);
                out.push_str(&reply.err);
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn the_walkthrough_is_what_the_repl_answers() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let want = regenerate(&doc);
    if std::env::var_os("AIFIN_BLESS").is_some_and(|v| v != "0") {
        std::fs::write(DOC, &want).unwrap();
        return;
    }
    if want != doc {
        let diff =
            similar::TextDiff::from_lines(&doc, &want).unified_diff().header(DOC, "the REPL's answers").to_string();
        panic!("{DOC} differs from what the REPL answers (AIFIN_BLESS=1 cargo test --test repl_doc):\n{diff}");
    }
}
