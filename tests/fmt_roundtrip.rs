//! `aifin fmt` never changes what a program means: every example under `examples/` that parses
//! is formatted, and the formatted examples are run exactly as the golden runner runs the
//! originals (same command line, same folder layout, so imports resolve alike). The outputs
//! must be the same bytes once the two roots are named alike and the `file:line` positions,
//! which formatting may move, are blanked; for diagnostics, the codes and messages (the
//! source snippets show the reformatted lines, so they are not compared). Formatting the
//! formatted text again must change nothing. (`tests/golden.rs` checks the AST round trip.)

use aifin::golden;
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// The canonical form of `text`, or `None` when it does not parse.
fn fmt(name: &str, text: &str) -> Option<String> {
    let mut map = aifin::source::SourceMap::new();
    let id = map.add(name.to_string(), text.to_string(), aifin::source::SourceKind::File);
    let (ast, errs) = aifin::syntax::parse_file(&map, id);
    if !errs.is_empty() {
        return None;
    }
    Some(aifin::syntax::fmt::file(&ast, &map))
}

/// What must not change: stdout with the root and line positions blanked, the exit status,
/// and the diagnostics' codes and messages (not their helps, which may quote the source as
/// written: `GPU-hour` gets a hint that `GPU - hour` does not need).
fn meaning(out: &golden::Output, root: &Path) -> String {
    let root = root.display().to_string();
    let pos = fancy_regex::Regex::new(r"\.aifin:\d+(:\d+)?").unwrap();
    let blank = |s: &str| pos.replace_all(&s.replace(&root, "ROOT"), ".aifin:L").into_owned();
    let mut kept = Vec::new();
    for line in out.stderr.lines() {
        let t = line.trim_start();
        if t.starts_with("aifin::") || t.starts_with('×') || t.starts_with('⚠') {
            kept.push(blank(t));
        }
    }
    format!("exit {}\n--- stdout\n{}--- diagnostics\n{}\n", out.code, blank(&out.stdout), kept.join("\n"))
}

fn run(argv: Vec<String>) -> golden::Output {
    aifin::cli::run(argv, aifin::diagnostic::RenderStyle::Plain)
}

#[test]
fn formatting_an_example_never_changes_its_run() {
    let root = std::env::temp_dir().join(format!("aifin-fmt-roundtrip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (orig, formatted) = (root.join("orig"), root.join("fmtd")); // same length: diagnostics wrap alike
    copy_tree(Path::new("examples"), &orig.join("examples"));
    copy_tree(Path::new("examples"), &formatted.join("examples"));

    let mut formatted_files: Vec<PathBuf> = Vec::new();
    for ex in golden::examples(&formatted.join("examples")) {
        let Ok(text) = std::fs::read_to_string(&ex) else { continue }; // a file that is not UTF-8 stays
        if let Some(once) = fmt(&ex.display().to_string(), &text) {
            let twice = fmt("<formatted>", &once).expect("the formatted text parses");
            assert_eq!(once, twice, "{}: formatting is not idempotent", ex.display());
            std::fs::write(&ex, &once).unwrap();
            formatted_files.push(ex);
        }
    }
    assert!(formatted_files.len() > 100, "only {} examples formatted", formatted_files.len());

    let mut failures = Vec::new();
    for ex in golden::examples(&orig.join("examples")) {
        let rel = ex.strip_prefix(&orig).unwrap();
        let twin = formatted.join(rel);
        let text = std::fs::read_to_string(&ex).unwrap_or_default();
        let argv = |path: &Path| {
            let mut v = vec!["aifin".to_string()];
            v.extend(golden::args_for(path, &text));
            v
        };
        let a = meaning(&run(argv(&ex)), &orig);
        let b = meaning(&run(argv(&twin)), &formatted);
        if a != b {
            failures.push(format!("{}:\n{}", rel.display(), golden::diff(&a, &b, &rel.display().to_string())));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(failures.is_empty(), "formatting changed the run of {} examples:\n{}", failures.len(), failures.join("\n"));
}
