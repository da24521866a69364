//! Hostile inputs (issue 16): every file in `tests/bad_inputs/`, and a few generated here
//! because they are too large to commit, is run with `aifin run`. Each must exit 1 with a
//! diagnostic that names `file:line:col`, without a panic, in under 4 KB of output.
//!
//! To add a case, drop a file in `tests/bad_inputs/` (its name says what it tries).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The most a hostile input may print.
const MAX_OUTPUT: usize = 4096;

fn run(file: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aifin")).arg("run").arg(file).env("NO_COLOR", "1").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// True if `err` has a `╭─[FILE:LINE:COL]` header.
fn names_a_position(err: &str, file: &Path) -> bool {
    let want = format!("─[{}:", file.display());
    err.match_indices(&want).any(|(i, m)| {
        let rest = &err[i + m.len()..];
        let end = rest.find(']').unwrap_or(0);
        let mut parts = rest[..end].split(':');
        let (line, col) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        !line.is_empty() && !col.is_empty() && line.bytes().chain(col.bytes()).all(|b| b.is_ascii_digit())
    })
}

fn problems(file: &Path) -> Option<String> {
    let (code, out, err) = run(file);
    let mut bad = Vec::new();
    if code != 1 {
        bad.push(format!("exit status {code}"));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        bad.push("a panic".to_string());
    }
    if !names_a_position(&err, file) {
        bad.push("no file:line:col".to_string());
    }
    if out.len() + err.len() >= MAX_OUTPUT {
        bad.push(format!("{} bytes of output", out.len() + err.len()));
    }
    if bad.is_empty() {
        None
    } else {
        let head: String = err.chars().take(1500).collect();
        Some(format!("{}: {}\n{head}", file.display(), bad.join(", ")))
    }
}

/// Large inputs, written to a scratch folder.
fn generated() -> Vec<PathBuf> {
    let dir = std::env::temp_dir().join(format!("aifin-bad-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    let mut write = |name: &str, text: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        files.push(p);
    };
    // 100,000 nested brackets on one line
    write("deep_nesting.aifin", format!("driver x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000)).as_bytes());
    // a 200,000-term sum
    write("long_sum.aifin", format!("driver s = {}\n", vec!["1"; 200_000].join(" + ")).as_bytes());
    // a 50 MB file, one line of brackets: read whole (it is under the 64 MiB limit), refused
    // by the nesting check before parsing. (Parsing 50 MB of valid text is a matter of speed,
    // not of safety, and takes too long in a debug build for `cargo test`.)
    let mut big = Vec::with_capacity(50 * 1024 * 1024 + 64);
    big.extend_from_slice(b"driver deep = ");
    big.resize(50 * 1024 * 1024, b'(');
    big.push(b'\n');
    write("fifty_megabytes.aifin", &big);
    // a line of 300,000 characters with the error at its end
    write("long_line.aifin", format!("driver a = {} +\n", vec!["1"; 150_000].join("+")).as_bytes());
    files
}

#[test]
fn hostile_inputs_get_short_positioned_diagnostics() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/bad_inputs")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "aifin"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "only {} inputs", files.len());
    files.extend(generated());
    let failures: Vec<String> = files.iter().filter_map(|f| problems(f)).collect();
    assert!(failures.is_empty(), "{} of {} inputs fail:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn a_byte_order_mark_is_not_an_error() {
    let dir = std::env::temp_dir().join(format!("aifin-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bom.aifin");
    std::fs::write(&file, b"\xef\xbb\xbfdriver a = 1\r\ndriver b = a + 1\r\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aifin")).arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
