//! The interactive front end of `aifin repl`: rustyline over [`crate::repl::Repl`]. Everything
//! it shows comes from the library REPL; this file only wires the line editor: history (in
//! `$AIFIN_HISTORY` or the platform data directory, mode 0600), completion and hints from
//! [`crate::repl::complete::Names`], multi-line input through a validator
//! ([`crate::repl::complete::needs_more`]; a blank line submits), Ctrl-C to clear the line,
//! Ctrl-D to leave. While an input is evaluated the terminal is not in raw mode, so Ctrl-C is
//! a signal: it sets [`crate::eval::interrupt::flag`], the evaluator stops at its next poll
//! and the session stays as it was; a second Ctrl-C before that ends the process.

use crate::diagnostic::RenderStyle;
use crate::repl::complete::{needs_more, Names};
use crate::repl::Repl;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the line editor asks of the REPL, refreshed after every input.
struct AifinHelper {
    names: Names,
}

impl Completer for AifinHelper {
    type Candidate = String;
    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.names.complete(line, pos))
    }
}

impl Hinter for AifinHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        self.names.hint(line)
    }
}

impl Highlighter for AifinHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }
}

impl Validator for AifinHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        // A blank line submits whatever is open (the checker then says what is missing).
        if input.ends_with('\n') || !needs_more(input) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Helper for AifinHelper {}

/// Where the history lives: `$AIFIN_HISTORY`, else `aifin/history` in the platform's data
/// directory (`$XDG_DATA_HOME` or `~/.local/share`; `~/Library/Application Support` on
/// macOS; `%APPDATA%` on Windows).
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AIFIN_HISTORY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = if cfg!(windows) {
        var("APPDATA")?
    } else if cfg!(target_os = "macos") {
        var("HOME")?.join("Library").join("Application Support")
    } else {
        var("XDG_DATA_HOME").or_else(|| var("HOME").map(|h| h.join(".local").join("share")))?
    };
    Some(base.join("aifin").join("history"))
}

/// Makes the history file only its owner can read (it may hold figures people type).
fn private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Points SIGINT at the evaluator's interrupt flag (a second one, before the evaluator has
/// seen the first, exits with status 130 as an unhandled Ctrl-C would).
fn catch_interrupts() {
    #[cfg(unix)]
    {
        use signal_hook::consts::SIGINT;
        let flag = crate::eval::interrupt::flag();
        let installed = signal_hook::flag::register_conditional_shutdown(SIGINT, 130, flag.clone())
            .and_then(|_| signal_hook::flag::register(SIGINT, flag));
        if let Err(e) = installed {
            eprintln!("aifin repl: Ctrl-C cannot interrupt evaluations ({e})");
        }
    }
}

/// Runs the interactive REPL until Ctrl-D or `:quit`; returns the exit status.
pub fn run(files: &[PathBuf], scenario: Option<&str>, allow: &[PathBuf], style: RenderStyle) -> i32 {
    let mut repl = Repl::allowing(allow.to_vec(), style);
    let start = repl.start(files, scenario);
    eprint!("{}", start.err);
    let mut editor: Editor<AifinHelper, FileHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("aifin repl: cannot start the line editor: {e}");
            return 2;
        }
    };
    editor.set_helper(Some(AifinHelper { names: repl.names() }));
    catch_interrupts();
    let history = history_path();
    let mut keep_history = history.is_some();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if path.exists() {
            if let Err(e) = editor.load_history(path) {
                eprintln!("aifin repl: the history file {} cannot be read ({e}); it is ignored", path.display());
                keep_history = false;
            }
        }
    }
    println!("aifin {} — `:help` for commands, Ctrl-D to leave", env!("CARGO_PKG_VERSION"));
    loop {
        match editor.readline("> ") {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let (true, Some(path)) = (keep_history, &history) {
                        if editor.save_history(path).is_ok() {
                            private(path);
                        }
                    }
                }
                crate::eval::interrupt::take();
                let reply = repl.input(&line);
                print!("{}", reply.out);
                let _ = std::io::stdout().flush();
                if crate::eval::interrupt::take() && reply.failed {
                    eprintln!("interrupted; the session is as it was");
                } else {
                    eprint!("{}", reply.err);
                }
                if reply.quit {
                    return 0;
                }
                if let Some(h) = editor.helper_mut() {
                    h.names = repl.names();
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return 0,
            Err(e) => {
                eprintln!("aifin repl: {e}");
                return 1;
            }
        }
    }
}
