//! The `aifin` binary: runs [`aifin::cli::run`] on a thread with a large stack and prints.

use std::io::{IsTerminal, Write};

/// mimalloc, not the system allocator: checking a program allocates a few small objects per
/// token and frees them soon after (the AST once each declaration is checked), and glibc's
/// malloc spent a fifth of `aifin check`'s time on them (issue 20; docs/performance.md). The
/// benchmarks count through the same allocator (benches/support/counting.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
