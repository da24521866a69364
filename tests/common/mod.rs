//! What the integration tests share: running the `aifin` binary.

use std::io::Write;
use std::process::{Child, Command, Stdio};

/// Starts `aifin ARGS` (with `NO_COLOR`) with stdin, stdout and stderr piped, for a test that
/// talks to it as it runs.
pub fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_aifin"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs `aifin ARGS` with `stdin` piped in (and `NO_COLOR`): stdout, stderr, exit status.
pub fn aifin(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = spawn(args);
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap(), out.status.code().unwrap_or(-1))
}
