//! Golden examples: every `.aifin` file under `examples/` with its expected output beside it.
//!
//! An example says how it is run in a header comment, `// args: check {file}` (the default is
//! `run {file}`; `{file}` is the example's path, `{dir}` its folder). Its expected output lives
//! in the same folder with the extension `.expected`: the command, its exit status, stdout and
//! stderr, diagnostics rendered plainly (no colour, width 80). `cargo test` and `aifin test`
//! both run them through [`run_all`]; `AIFIN_BLESS=1 cargo test` or `aifin test --bless`
//! rewrites the expected files. A mismatch prints a unified diff.
//!
//! The runner does not know the command line: [`run_all`] is given the function that runs a
//! command ([`crate::cli::run`] in practice), so `golden` sits below `cli` in the stage order.

use std::path::{Path, PathBuf};

/// What a command printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// Exit status.
    pub code: i32,
}

/// Runs one command line (the program name first) with diagnostics rendered plainly.
pub type Runner<'r> = &'r dyn Fn(Vec<String>) -> Output;

/// The first line of every expected file.
pub const HEADER: &str =
    "# aifin golden output. Regenerate: AIFIN_BLESS=1 cargo test --test golden (or: aifin test --bless)";

/// The outcome of a run over examples.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Examples whose output matched.
    pub passed: usize,
    /// Examples whose output did not match (or had no expected file).
    pub failed: usize,
    /// Expected files rewritten.
    pub blessed: usize,
    /// What to print.
    pub report: String,
}

/// Every `.aifin` file under `root` (or `root` itself), sorted.
pub fn examples(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if root.is_file() {
        out.push(root.to_path_buf());
        return out;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "aifin") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Splits an argument line like a shell would for simple cases: whitespace separates, single
/// or double quotes group.
pub fn split_args(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The arguments an example is run with.
pub fn args_for(path: &Path, text: &str) -> Vec<String> {
    let file = path.to_string_lossy().to_string();
    let dir = path.parent().map(|d| d.to_string_lossy().to_string()).unwrap_or_else(|| ".".into());
    let line = text.lines().find_map(|l| l.trim().strip_prefix("// args:")).unwrap_or("run {file}");
    split_args(line).into_iter().map(|a| a.replace("{file}", &file).replace("{dir}", &dir)).collect()
}

/// The expected file of an example.
pub fn expected_path(path: &Path) -> PathBuf {
    path.with_extension("expected")
}

/// Runs one example and renders its golden text.
pub fn actual(path: &Path, runner: Runner<'_>) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let args = args_for(path, &text);
    let mut argv = vec!["aifin".to_string()];
    argv.extend(args.iter().cloned());
    let out = runner(argv);
    let shown: Vec<String> =
        args.iter().map(|a| if a.contains(' ') || a.is_empty() { format!("'{a}'") } else { a.clone() }).collect();
    format!(
        "{HEADER}\n$ aifin {}\nexit status: {}\n--- stdout\n{}--- stderr\n{}",
        shown.join(" "),
        out.code,
        out.stdout,
        out.stderr
    )
}

/// A unified diff of expected against actual.
pub fn diff(expected: &str, actual: &str, name: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (expected)"), &format!("{name} (actual)"))
        .to_string()
}

/// The path shown for an example: relative to the current folder when it is inside it.
fn display_path(p: &Path) -> PathBuf {
    match std::env::current_dir() {
        Ok(cwd) => p.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or_else(|_| p.to_path_buf()),
        Err(_) => p.to_path_buf(),
    }
}

/// The number of claims an output reports as not coming out as expected (`claims: N as
/// expected, M not`). An example whose claims do not all come out as expected fails, blessed
/// or not: a claim is a hand-checked value, and a golden file must never bless a wrong one.
pub fn claims_not_as_expected(output: &str) -> usize {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("claims: "))
        .filter_map(|rest| rest.split(", ").nth(1))
        .filter_map(|part| part.strip_suffix(" not"))
        .filter_map(|n| n.trim().parse::<usize>().ok())
        .sum()
}

/// Runs (or blesses) every example under `root`.
pub fn run_all(root: &Path, bless: bool, runner: Runner<'_>) -> Summary {
    let mut s = Summary::default();
    for ex in examples(root) {
        let ex = display_path(&ex);
        let got = actual(&ex, runner);
        let wrong = claims_not_as_expected(&got);
        if wrong > 0 {
            s.failed += 1;
            s.report.push_str(&format!(
                "FAILED {}: {wrong} claim(s) not as expected (see FAIL in its output)\n",
                ex.display()
            ));
            continue;
        }
        let exp_path = expected_path(&ex);
        let want = std::fs::read_to_string(&exp_path).ok();
        if want.as_deref() == Some(got.as_str()) {
            s.passed += 1;
            continue;
        }
        if bless {
            match std::fs::write(&exp_path, &got) {
                Ok(()) => {
                    s.blessed += 1;
                    s.passed += 1;
                    s.report.push_str(&format!("blessed {}\n", exp_path.display()));
                }
                Err(e) => {
                    s.failed += 1;
                    s.report.push_str(&format!("FAILED {}: cannot write: {e}\n", exp_path.display()));
                }
            }
            continue;
        }
        s.failed += 1;
        match want {
            None => s.report.push_str(&format!("FAILED {}: no expected file {}\n", ex.display(), exp_path.display())),
            Some(w) => {
                s.report.push_str(&format!("FAILED {}\n", ex.display()));
                s.report.push_str(&diff(&w, &got, &ex.display().to_string()));
            }
        }
    }
    s.report.push_str(&format!("{} passed, {} failed\n", s.passed, s.failed));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_claims_are_counted() {
        assert_eq!(claims_not_as_expected("x\nclaims: 8 as expected, 1 not\n"), 1);
        assert_eq!(claims_not_as_expected("claims: 9 as expected, 0 not"), 0);
        assert_eq!(claims_not_as_expected("no claims here"), 0);
    }

    #[test]
    fn arguments_split_like_a_shell() {
        assert_eq!(split_args("eval '1 / 0'"), vec!["eval", "1 / 0"]);
        assert_eq!(split_args("check {file}  --claims"), vec!["check", "{file}", "--claims"]);
        assert_eq!(split_args("eval \"\""), vec!["eval", ""]);
    }
}
