//! Resource limits, the same in every build profile.
//!
//! Checked before and during parsing so that no input can exhaust the stack or run away:
//! the source size and the bracket nesting depth are checked on the raw text before pest sees
//! it; the size and depth of each expression while the AST is built. All parsing, checking and
//! evaluation run on a thread with [`STACK_SIZE`] bytes of stack (see [`run_with_stack`]), far
//! more than the deepest tree these limits allow needs.

/// The largest source file aifin reads, in bytes (64 MiB).
pub const MAX_SOURCE_BYTES: usize = 64 * 1024 * 1024;
/// The deepest nesting of `(`, `[` and `{`.
pub const MAX_NESTING: usize = 256;
/// The most operators and operands in one expression.
pub const MAX_EXPR_TOKENS: usize = 20_000;
/// The deepest expression tree.
pub const MAX_EXPR_DEPTH: usize = 2_000;
/// The stack of the thread that parses, checks and evaluates (256 MiB, reserved, not touched).
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// A limit the raw source text breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLimit {
    /// The text is longer than [`MAX_SOURCE_BYTES`].
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// Brackets nest deeper than [`MAX_NESTING`]; `offset` is the bracket that goes too deep.
    TooDeep {
        /// Byte offset of the offending bracket.
        offset: usize,
    },
}

/// The bytes [`check_source`] looks at: quotes, slashes and brackets.
const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    let stops = *b"\"/([{)]}";
    let mut k = 0;
    while k < stops.len() {
        t[stops[k] as usize] = true;
        k += 1;
    }
    t
};

/// Checks the raw text against the source limits.
///
/// Brackets inside strings and comments do not count.
pub fn check_source(text: &str) -> Result<(), SourceLimit> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(SourceLimit::TooLarge { len: text.len() });
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        // most bytes are none of the ones below: skip them with one table look-up each
        match bytes.get(i..).and_then(|rest| rest.iter().position(|&b| STOPS[usize::from(b)])) {
            Some(k) => i += k,
            None => break,
        }
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(SourceLimit::TooDeep { offset: i });
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Runs `f` on a thread with a [`STACK_SIZE`] stack and returns its result.
///
/// If the thread cannot be spawned, `f` runs on the current thread (the limits above still
/// bound recursion).
pub fn run_with_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let f = std::sync::Arc::new(std::sync::Mutex::new(Some(f)));
    let g = f.clone();
    let spawned = std::thread::Builder::new().name("aifin".into()).stack_size(STACK_SIZE).spawn(move || {
        let job = g.lock().ok().and_then(|mut slot| slot.take());
        job.map(|job| job())
    });
    match spawned.map(|h| h.join()) {
        Ok(Ok(Some(v))) => v,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        _ => {
            let job = f.lock().ok().and_then(|mut slot| slot.take());
            match job {
                Some(job) => job(),
                None => std::process::abort(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_strings_and_comments() {
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(check_source(&deep), Err(SourceLimit::TooDeep { offset: MAX_NESTING }));
        let quoted = format!("\"{deep}\"");
        assert_eq!(check_source(&quoted), Ok(()));
        let commented = format!("// {deep}\n/* {deep} */");
        assert_eq!(check_source(&commented), Ok(()));
        assert_eq!(check_source(&"(".repeat(MAX_NESTING)), Ok(()));
    }

    /// The scan as it was written before it skipped plain bytes by table (issue 20): byte by
    /// byte, the reference the faster scan must agree with.
    fn byte_by_byte(text: &str) -> Result<(), SourceLimit> {
        let bytes = text.as_bytes();
        let (mut depth, mut i) = (0usize, 0);
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                        i += 1;
                    }
                    i += 1;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(SourceLimit::TooDeep { offset: i });
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        #[test]
        fn the_table_scan_agrees_with_the_byte_scan(
            parts in proptest::collection::vec(
                proptest::sample::select(&["(", ")", "[", "{", "}", "\"", "\\", "/", "*", "\n", "a", " ", "é", "((((((((((((((((((((((((((((((((((((((((("][..]),
                0..300,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(check_source(&text), byte_by_byte(&text));
        }
    }
}
