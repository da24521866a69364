//! The import policy (src/imports.rs, docs/language.md § import) end to end through the
//! binary, on folders built here: every way out of the main file's tree is refused with a
//! coded diagnostic that shows only the import line, never the refused file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aifin-imports-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("proj/sub")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    dir
}

fn write(dir: &Path, rel: &str, text: &[u8]) {
    std::fs::write(dir.join(rel), text).unwrap();
}

/// `aifin check` of `main` run from `dir`: (exit code, stderr).
fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aifin"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn refused(dir: &Path, main: &str, code: &str) -> String {
    let (status, err) = check(dir, &[main]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains(code), "expected {code}:\n{err}");
    let located = err.lines().any(|l| l.contains("╭─[proj/") && l.contains(".aifin:"));
    assert!(located, "names the file, line and column:\n{err}");
    err
}

#[test]
fn self_import_and_cycles_of_two_and_three_files() {
    let d = scratch("cycles");
    write(&d, "proj/self.aifin", b"import \"self.aifin\"\n");
    refused(&d, "proj/self.aifin", "aifin::load::import_cycle");
    write(&d, "proj/a.aifin", b"import \"b.aifin\"\n");
    write(&d, "proj/b.aifin", b"import \"a.aifin\"\n");
    let err = refused(&d, "proj/a.aifin", "aifin::load::import_cycle");
    assert!(err.contains("proj/a.aifin -> proj/b.aifin -> proj/a.aifin"), "{err}");
    write(&d, "proj/x.aifin", b"import \"sub/y.aifin\"\n");
    write(&d, "proj/sub/y.aifin", b"import \"../z.aifin\"\n");
    write(&d, "proj/z.aifin", b"import \"x.aifin\"\n");
    let err = refused(&d, "proj/x.aifin", "aifin::load::import_cycle");
    assert!(err.contains("proj/x.aifin -> proj/sub/y.aifin -> proj/z.aifin"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_cycle_through_a_symlink_is_a_cycle() {
    let d = scratch("linkcycle");
    std::os::unix::fs::symlink(".", d.join("proj/again")).unwrap();
    write(&d, "proj/c1.aifin", b"import \"again/c2.aifin\"\n");
    write(&d, "proj/c2.aifin", b"import \"c1.aifin\"\n");
    refused(&d, "proj/c1.aifin", "aifin::load::import_cycle");
    // a file reached twice under two names is loaded once: no duplicate-name errors
    write(&d, "proj/twice.aifin", b"import \"lib.aifin\"\nimport \"again/lib.aifin\"\n");
    write(&d, "proj/lib.aifin", b"driver shared = 1\n");
    assert_eq!(check(&d, &["proj/twice.aifin"]).0, 0);
}

#[test]
fn escapes_and_absolute_paths_are_refused_without_reading() {
    let d = scratch("escape");
    write(&d, "outside/secret.aifin", b"driver secret_token = 42\n");
    write(&d, "proj/up.aifin", b"import \"../outside/secret.aifin\"\n");
    let err = refused(&d, "proj/up.aifin", "aifin::load::import_outside");
    assert!(!err.contains("secret_token"), "{err}");
    assert!(err.contains("--allow-import"), "the help names the way to widen it: {err}");
    write(&d, "proj/far.aifin", b"import \"../../../../../../../../etc/passwd\"\n");
    let err = refused(&d, "proj/far.aifin", "aifin::load::import_outside");
    assert!(!err.contains("root:"), "{err}");
    write(&d, "proj/abs.aifin", b"import \"/etc/passwd\"\n");
    let err = refused(&d, "proj/abs.aifin", "aifin::load::absolute_import");
    assert!(!err.contains("root:"), "{err}");
    // --allow-import widens the tree
    let (status, err) = check(&d, &["--allow-import", "outside", "proj/up.aifin"]);
    assert_eq!(status, 0, "{err}");
    let (status, err) = check(&d, &["proj/up.aifin", "--allow-import", "no-such-folder"]);
    assert_eq!(status, 2, "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_pointing_outside_is_refused() {
    let d = scratch("linkout");
    write(&d, "outside/o.aifin", b"driver o = 1\n");
    std::os::unix::fs::symlink("../outside/o.aifin", d.join("proj/o.aifin")).unwrap();
    write(&d, "proj/main.aifin", b"import \"o.aifin\"\n");
    let err = refused(&d, "proj/main.aifin", "aifin::load::import_outside");
    assert!(err.contains("symbolic"), "{err}");
    std::os::unix::fs::symlink("/etc", d.join("proj/etc")).unwrap();
    write(&d, "proj/etc.aifin", b"import \"etc/passwd\"\n");
    let err = refused(&d, "proj/etc.aifin", "aifin::load::import_outside");
    assert!(!err.contains("root:"), "{err}");
}

#[test]
fn missing_files_directories_other_files_and_non_utf8() {
    let d = scratch("kinds");
    write(&d, "proj/missing.aifin", b"import \"nope.aifin\"\n");
    refused(&d, "proj/missing.aifin", "aifin::load::unreadable");
    write(&d, "proj/dir.aifin", b"import \"sub\"\n");
    let err = refused(&d, "proj/dir.aifin", "aifin::load::not_a_source");
    assert!(err.contains("directory"), "{err}");
    write(&d, "proj/notes.txt", b"password = hunter2\n");
    write(&d, "proj/txt.aifin", b"import \"notes.txt\"\n");
    let err = refused(&d, "proj/txt.aifin", "aifin::load::not_a_source");
    assert!(!err.contains("hunter2"), "{err}");
    write(&d, "proj/sub/latin1.aifin", b"driver caf\xe9 = 1\n");
    write(&d, "proj/bytes.aifin", b"import \"sub/latin1.aifin\"\n");
    let (status, err) = check(&d, &["proj/bytes.aifin"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("aifin::load::not_utf8") && err.contains("proj/sub/latin1.aifin:1:11"), "{err}");
}

/// Issue 16: "a diagnostic never prints more than the line it points at". Each file below keeps
/// a secret on the lines just above and below the one a diagnostic points at; none may show.
#[test]
fn a_diagnostic_shows_only_the_lines_it_points_at() {
    let d = scratch("context");
    let secrets = ["above_secret_hunter2", "below_secret_swordfish", "far_secret_tiger"];
    let clean = |err: &str| {
        for s in secrets {
            assert!(!err.contains(s), "`{s}` is not on a line the diagnostic points at:\n{err}");
        }
    };
    // an error on line 3 of the main file: lines 2 and 4 hold secrets
    write(
        &d,
        "proj/main_err.aifin",
        b"driver fine = 1\n// above_secret_hunter2\ndriver bad = 1 USD + 1 day\n// below_secret_swordfish\n",
    );
    let (status, err) = check(&d, &["proj/main_err.aifin"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("proj/main_err.aifin:3:") && err.contains("driver bad = 1 USD + 1 day"), "{err}");
    clean(&err);
    // an error in a file outside the tree, read because `--allow-import` names its folder
    write(
        &d,
        "outside/keys.aifin",
        b"// above_secret_hunter2\ndriver oops = 2 GPU + 3 W\n// below_secret_swordfish\n// far_secret_tiger\n",
    );
    write(&d, "proj/uses_keys.aifin", b"import \"../outside/keys.aifin\"\n");
    let (status, err) = check(&d, &["--allow-import", "outside", "proj/uses_keys.aifin"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("outside/keys.aifin:2:") && err.contains("driver oops"), "{err}");
    clean(&err);
    // without `--allow-import` the file is refused unread: only the import line shows
    let err = refused(&d, "proj/uses_keys.aifin", "aifin::load::import_outside");
    clean(&err);
    assert!(!err.contains("driver oops"), "{err}");
    // two labels three lines apart: each shows its own line, never the lines between
    write(
        &d,
        "proj/twice.aifin",
        b"driver a = 1\n// above_secret_hunter2\n// below_secret_swordfish\ndriver a = 2\n// far_secret_tiger\n",
    );
    let (status, err) = check(&d, &["proj/twice.aifin"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("driver a = 1") && err.contains("driver a = 2"), "{err}");
    clean(&err);
    // a label over a whole declaration shows the line it starts on, not the lines inside it
    write(
        &d,
        "proj/block.aifin",
        b"entity Banks { kind lender }\nentity C { cash 1 USD }\ncontract debt: loan {\n  // above_secret_hunter2\n  lender Banks  borrower C  rate 9%/year  start 2025-06-01\n  // below_secret_swordfish\n}\n",
    );
    let (status, err) = check(&d, &["proj/block.aifin"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("aifin::types::missing_field") && err.contains("contract debt: loan {"), "{err}");
    assert!(!err.contains("lender Banks"), "{err}");
    clean(&err);
    // a parse error on the last line of a file (the error points past a line's end)
    write(&d, "proj/tail.aifin", b"// above_secret_hunter2\ndriver x = 1 +\n");
    let (status, err) = check(&d, &["proj/tail.aifin"]);
    assert_eq!(status, 1, "{err}");
    clean(&err);
}
