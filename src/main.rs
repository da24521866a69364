//! The `aifin` binary: runs [`aifin::cli::run`] on a thread with a large stack and prints.

use std::io::{IsTerminal, Write};

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let style = aifin::diagnostic::RenderStyle::for_stream(std::io::stderr().is_terminal());
    let out = aifin::limits::run_with_stack(move || aifin::cli::run(args, style));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.stdout.as_bytes());
    let _ = stdout.flush();
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(out.stderr.as_bytes());
    let _ = stderr.flush();
    std::process::exit(out.code);
}
