//! The REPL without a terminal: `printf '…' | aifin repl model.aifin`. Lines are gathered into
//! inputs by the same rule as the line editor's ([`super::complete::needs_more`]: an open
//! bracket or a trailing operator continues; a blank line ends an input), each input is
//! answered as soon as it is complete (so a program can drive the REPL line by line), results
//! go to one sink and diagnostics to the other, and the first failing input stops the script
//! unless `keep_going`.

use super::complete::needs_more;
use super::Repl;

/// Gathers lines into inputs.
#[derive(Debug, Default)]
pub struct Lines {
    buf: String,
}

impl Lines {
    /// Takes one line; returns an input when it completes one.
    pub fn push(&mut self, line: &str) -> Option<String> {
        if !self.buf.is_empty() && line.trim().is_empty() {
            return Some(std::mem::take(&mut self.buf));
        }
        if !self.buf.is_empty() {
            self.buf.push('\n');
        }
        self.buf.push_str(line);
        if needs_more(&self.buf) {
            None
        } else {
            Some(std::mem::take(&mut self.buf))
        }
    }

    /// What is left at the end of the input.
    pub fn finish(&mut self) -> Option<String> {
        Some(std::mem::take(&mut self.buf)).filter(|b| !b.is_empty())
    }
}

/// Splits `text` into inputs (each one or more lines).
pub fn inputs(text: &str) -> Vec<String> {
    let mut lines = Lines::default();
    let mut out: Vec<String> = text.lines().filter_map(|l| lines.push(l)).collect();
    out.extend(lines.finish());
    out
}

/// Runs the inputs of `lines` through `repl`, writing each answer as it comes:
/// `sink(out, err)`. Returns whether some input failed.
pub fn run(
    repl: &mut Repl,
    lines: impl IntoIterator<Item = String>,
    keep_going: bool,
    mut sink: impl FnMut(&str, &str),
) -> bool {
    let mut gather = Lines::default();
    let mut failed = false;
    let mut lines = lines.into_iter();
    loop {
        let input = match lines.next() {
            Some(l) => match gather.push(&l) {
                Some(i) => i,
                None => continue,
            },
            None => match gather.finish() {
                Some(i) => i,
                None => return failed,
            },
        };
        let reply = repl.input(&input);
        sink(&reply.out, &reply.err);
        if reply.failed {
            failed = true;
            if !keep_going {
                return true;
            }
        }
        if reply.quit {
            return failed;
        }
    }
}
