//! The pipeline flows one way. This test reads every file under `src/` and fails on a
//! `crate::X` (in a `use` or a path) where `X` is a stage above the file's own in [`ORDER`].
//! Test code (from a file's `#[cfg(test)]` on) may use the whole pipeline and is not read;
//! neither are comments. ARCHITECTURE.md describes the stages; this list is the one that counts.

use std::path::{Path, PathBuf};

/// The stages, lowest first. A module may use its own stage and those before it.
const ORDER: &[&str] = &[
    "limits",
    "number",
    "intern",
    "source",
    "snippet",
    "diagnostic",
    "calendar",
    "syntax",
    "units",
    "check",
    "contracts",
    "clearing",
    "eval",
    "report",
    "sample",
    "imports",
    "driver",
    "scenarios",
    "compare",
    "explain",
    "sensitivity",
    "session",
    "plot",
    "solve",
    "repl",
    "synth",
    "golden",
    "terminal",
    "lsp",
    "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The stage of a file: its first path component under `src/` (`src/eval/engine.rs` is `eval`).
fn stage_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("src").ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().to_string();
    Some(first.trim_end_matches(".rs").to_string())
}

/// Every `crate::NAME` in the code of `text` (before its tests), with the line number.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line, code) in code_of(text) {
        let code = match code.find(" //") {
            Some(k) => &code[..k],
            None => code,
        };
        let mut rest = code;
        while let Some(k) = rest.find("crate::") {
            let after = &rest[k + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                // `use crate::{a, b::c}`: the first segment of each item
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        out.push((line, name));
                    }
                }
            } else {
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push((line, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn no_module_uses_a_stage_above_its_own() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let rank = |s: &str| ORDER.iter().position(|o| *o == s);
    let mut wrong = Vec::new();
    for f in &files {
        let Some(stage) = stage_of(f) else { continue };
        if stage == "lib" || stage == "main" {
            continue;
        }
        let Some(own) = rank(&stage) else {
            wrong.push(format!("{}: the stage `{stage}` is not in ORDER (tests/architecture.rs)", f.display()));
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (line, used) in crate_paths(&text) {
            match rank(&used) {
                Some(r) if r > own => {
                    wrong.push(format!("{}:{line}: `{stage}` uses `{used}`, a later stage", f.display()))
                }
                None => wrong.push(format!("{}:{line}: `crate::{used}` is not a stage in ORDER", f.display())),
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "uses that point up the pipeline:\n{}", wrong.join("\n"));
}

#[test]
fn every_module_of_lib_rs_is_a_stage() {
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    for line in lib.lines() {
        if let Some(m) = line.trim().strip_prefix("pub mod ").and_then(|m| m.strip_suffix(';')) {
            assert!(ORDER.contains(&m), "src/lib.rs declares `{m}`, which tests/architecture.rs does not order");
        }
    }
}

#[test]
fn the_scanner_sees_grouped_and_plain_paths() {
    let got = crate_paths("use crate::{eval, report::x};\nlet a = crate::cli::run(); // crate::golden\n// crate::session\n#[cfg(test)]\nuse crate::driver;");
    let names: Vec<&str> = got.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["eval", "report", "cli"]);
}

/// The code of a file before its tests, without comment lines.
fn code_of(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        out.push((i + 1, code));
    }
    out
}

/// The evaluator reads the checker's typed IR (check/typed.rs): it never looks a term up by
/// name, never asks a contract's kind by its name, and never spells an option word (those
/// are enums, spelled once in check/options.rs).
#[test]
fn the_evaluator_reads_typed_terms_not_names_or_words() {
    let mut files = Vec::new();
    rust_files(Path::new("src/eval"), &mut files);
    files.sort();
    let words: Vec<String> =
        aifin::check::options::ALL_WORDS.iter().flat_map(|ws| ws.iter()).map(|w| format!("\"{w}\"")).collect();
    let mut wrong = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, code) in code_of(&text) {
            for bad in ["fields.get(", "fields.contains_key(", "spec.kind", "spec.roles"] {
                if code.contains(bad) {
                    wrong.push(format!("{}:{line}: `{bad}` (read the typed terms: check/typed.rs)", f.display()));
                }
            }
            for w in &words {
                if code.contains(w.as_str()) {
                    wrong.push(format!(
                        "{}:{line}: the option word {w} (match its enum: check/options.rs)",
                        f.display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "the evaluator reads names or words:\n{}", wrong.join("\n"));
}

#[test]
fn the_word_scanner_sees_a_word_in_code_not_in_comments() {
    let text = "// \"annuity\"\nlet a = x == \"annuity\";\n#[cfg(test)]\nlet b = \"linear\";";
    let code = code_of(text);
    assert_eq!(code.len(), 1);
    assert!(code[0].1.contains("\"annuity\""));
}
