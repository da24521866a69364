//! The parse stage: source text → pest pairs → AST with spans.
//!
//! Entry points: [`parse_file`] for a whole file (with error recovery) and [`parse_expr`] for a
//! single expression (`aifin eval`, the REPL). Before pest sees any text, the source limits
//! ([`crate::limits`]) are checked, so no input can exhaust the stack.
//!
//! **Pieces and recovery.** A file is split into pieces at lines that begin with a top-level
//! keyword (`entity`, `claim`, …) — outside brackets, or at column 0 — and every piece is
//! parsed on its own. pest stops at the first error, so this is what lets each broken
//! declaration give its own diagnostic while the pieces that parse still reach the checker;
//! it also keeps pest's token queue to one declaration at a time.

pub mod ast;
mod decl;
pub mod error;
mod expr;
pub mod fmt;
pub mod grammar;

use crate::limits::{check_source, SourceLimit};
use crate::source::{SourceId, SourceMap, Span};
use ast::{Decl, Expr, File};
use error::ParseError;
use grammar::{describe, AifinParser, Rule};
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser;

/// Builds AST nodes from the pairs of one piece of a source.
pub(crate) struct Builder<'a> {
    source: SourceId,
    text: &'a str,
    offset: usize,
    tokens: usize,
}

impl Builder<'_> {
    /// The span of a pair, in the whole source.
    /// Trailing whitespace and comments are trimmed: pest keeps what it skipped before a
    /// repetition that then matched nothing (`1 USD ` in `1 USD + x`).
    pub(crate) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        self.trimmed(pair.as_span())
    }

    /// The span of pest's span `s` (as [`Builder::span`]). The builder keeps a pair's pest span
    /// and calls this only where a node or an error needs the span: trimming is most of the
    /// cost of a span, and an expression's wrapper pairs (`expr`, `arith`) end in the newline
    /// pest skipped after them (issue 20).
    pub(crate) fn trimmed(&self, s: pest::Span<'_>) -> Span {
        let (start, end) = (s.start(), s.end());
        // most pairs end in a token (see `trim_trivia`): nothing to slice or trim
        let last = end.checked_sub(1).and_then(|i| self.text.as_bytes().get(self.offset + i));
        if last.is_some_and(|&b| ends_a_token(b)) && end > start {
            return self.range(start, end);
        }
        let trimmed = trim_trivia(s.as_str()).len();
        self.range(start, start + trimmed)
    }

    fn range(&self, start: usize, end: usize) -> Span {
        Span::new(self.source, self.text, self.offset + start, self.offset + end)
            .unwrap_or_else(|| Span::file_start(self.source))
    }

    /// `Some(x)` → `x`; `None` (the grammar guarantees it never happens) → a syntax error.
    pub(crate) fn require<T>(&self, x: Option<T>, span: Span) -> Result<T, ParseError> {
        x.ok_or_else(|| ParseError::Syntax {
            span,
            expected: vec!["a complete declaration".into()],
            found: "an incomplete one".into(),
            hint: None,
        })
    }

    /// `Some(x)` → `x`; `None` → the syntax error of [`Builder::require`] at `raw`, trimmed
    /// only then.
    pub(crate) fn require_at<T>(&self, x: Option<T>, raw: pest::Span<'_>) -> Result<T, ParseError> {
        match x {
            Some(x) => Ok(x),
            None => self.require(None, self.trimmed(raw)),
        }
    }

    fn pest_error(&self, e: pest::error::Error<Rule>, piece: &str) -> ParseError {
        let (start, end) = match e.location {
            InputLocation::Pos(p) => (p, p),
            InputLocation::Span((s, e)) => (s, e),
        };
        let mut expected: Vec<String> = match &e.variant {
            ErrorVariant::ParsingError { positives, .. } => {
                positives.iter().map(|r| describe(*r).to_string()).collect()
            }
            ErrorVariant::CustomError { message } => vec![message.clone()],
        };
        expected.sort();
        expected.dedup();
        let rest = piece.get(start..).unwrap_or("");
        if let Some((at, c)) = piece.char_indices().find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
            // an invisible character: point at it, not at the declaration it broke
            let span = self.range(at, at + c.len_utf8());
            let found = format!("the control character U+{:04X}", u32::from(c));
            let hint = Some(
                "remove it: names are letters, digits and `_`, and control characters may stand only in comments"
                    .into(),
            );
            return ParseError::Syntax { span, expected, found, hint };
        }
        if let Some(r) = error::refine(piece, start) {
            let span = self.range(r.start, r.end);
            return ParseError::Syntax { span, expected: r.expected, found: r.found, hint: Some(r.hint) };
        }
        let hint = syntax_hint(piece, start);
        if trim_trivia(rest).is_empty() {
            // Stopped at the end of the piece: point just after its last token, not at the
            // next declaration.
            let end = trim_trivia(piece).len().min(start);
            let at_eof = self.offset + piece.len() >= self.text.len();
            let found = if at_eof { "end of input" } else { "end of the declaration" }.to_string();
            let span = self.range(end, end);
            return ParseError::Syntax { span, expected, found, hint };
        }
        let found = describe_found(rest);
        let len = found_len(rest.trim_start());
        let skip = rest.len() - rest.trim_start().len();
        let span = self.range(start + skip, if end > start { end } else { start + skip + len });
        ParseError::Syntax { span, expected, found, hint }
    }
}

/// Help for the syntax errors people make most, from the declaration's text and where
/// parsing stopped: `10,000 GPU` (a comma in a number), `claim …: x = 1 USD` (`=` for `==`),
/// `: USD/(GPU*hour)` (brackets in a unit), `2 USD^0.5` (a fractional unit power) and
/// `1.4 T USD` (a magnitude suffix apart from its number).
fn syntax_hint(piece: &str, stop: usize) -> Option<String> {
    let before = piece.get(..stop)?;
    let after = piece.get(stop..)?;
    if let Some(rest) = after.strip_prefix(',') {
        let lead: String =
            before.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
        // the whole number, every comma a `_`: `104,583,333.33` → `104_583_333.33`
        let tail: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '_' | ',' | '.'))
            .collect::<String>()
            .trim_end_matches([',', '.'])
            .replace(',', "_");
        if !lead.is_empty() && !tail.is_empty() {
            return Some(format!(
                "`,` is not a digit separator in aifin: write `{lead}_{tail}` (or use a suffix: k, M, B, T)"
            ));
        }
    }
    if after.starts_with('=') && !after.starts_with("==") && piece.trim_start().starts_with("claim") {
        return Some(
            "a claim compares with `==` (or `~=`, `>=`, `<=`, `>`, `<`, `in`): `=` defines a driver or \
             curve, or overrides one in a scenario"
                .into(),
        );
    }
    if after.starts_with('(') && before.trim_end().ends_with(['/', '*']) {
        return Some(
            "a unit expression has no brackets: `USD/GPU/hour` is USD per GPU-hour (brackets group values, \
             `2 USD / (3 GPU)`)"
                .into(),
        );
    }
    if before.ends_with('.') && after.starts_with(|c: char| c.is_ascii_digit()) {
        let head = before.trim_end_matches('.').trim_end_matches(|c: char| c.is_ascii_digit());
        if head.ends_with('^') {
            return Some(
                "a unit's power is a whole number (`USD^2`); a fractional power applies to a pure number: \
                 divide by the unit first (`(x / 1 USD) ^ 0.5`)"
                    .into(),
            );
        }
    }
    let b = piece.as_bytes();
    for (i, w) in b.windows(2).enumerate() {
        if !(w[0].is_ascii_digit() && w[1] == b' ') || i + 1 > stop {
            continue;
        }
        let word_at = i + 1 + piece.get(i + 1..)?.len() - piece.get(i + 1..)?.trim_start_matches(' ').len();
        let word: String = piece.get(word_at..)?.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if matches!(word.as_str(), "k" | "M" | "B" | "T") && word_at <= stop {
            let number_start =
                piece.get(..=i)?.rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).map_or(0, |j| j + 1);
            let number = piece.get(number_start..=i)?;
            return Some(format!(
                "write the magnitude suffix against its number: `{number}{word}`, not `{number} {word}`"
            ));
        }
    }
    None
}

/// `text` without trailing whitespace and comments.
pub(crate) fn trim_trivia(text: &str) -> &str {
    // Most pairs end in a token: an ASCII byte that is neither whitespace nor the `/` of a
    // block comment's end leaves nothing to trim (this runs for every pair the builder reads).
    match text.as_bytes().last() {
        None => return text,
        Some(&b) if ends_a_token(b) => return text,
        Some(_) => {}
    }
    // A swallowed line comment is always followed by a newline (sources are stored with a
    // final one) and a block comment ends in `*/`: without either, only spaces can trail.
    let trimmed = trim_space(text);
    let newline_skipped = text.as_bytes().get(trimmed.len()..).is_some_and(|ws| ws.contains(&b'\n'));
    if !newline_skipped && !trimmed.ends_with("*/") {
        return trimmed;
    }
    let mut t = trimmed;
    loop {
        let before = t.len();
        if t.ends_with("*/") {
            if let Some(i) = t.rfind("/*") {
                t = trim_space(t.get(..i).unwrap_or(t));
            }
        }
        let line_start = t.rfind('\n').map(|i| i + 1).unwrap_or(0);
        if let Some(c) = line_comment_start(t.get(line_start..).unwrap_or("")) {
            t = trim_space(t.get(..line_start + c).unwrap_or(t));
        }
        if t.len() == before {
            return t;
        }
    }
}

/// Whether the grammar skips `b` as whitespace (`WHITESPACE = '\t'..' '`).
fn is_space(b: u8) -> bool {
    (b'\t'..=b' ').contains(&b)
}

/// Whether a pair whose last byte is `b` ends in a token: an ASCII byte that is neither skipped
/// whitespace nor the `/` that ends a block comment (then nothing trails it to trim).
fn ends_a_token(b: u8) -> bool {
    b.is_ascii() && !is_space(b) && b != b'/'
}

/// `text` without the whitespace the grammar skips at its end (`WHITESPACE`: the ASCII bytes
/// tab to space), byte by byte (`str::trim_end` decodes characters and knows Unicode's spaces,
/// which the grammar never skips).
fn trim_space(text: &str) -> &str {
    let b = text.as_bytes();
    let mut end = b.len();
    while end > 0 && b.get(end - 1).is_some_and(|&c| is_space(c)) {
        end -= 1;
    }
    // only ASCII bytes were dropped, so `end` is a character boundary
    text.get(..end).unwrap_or(text)
}

/// Where a `//` comment starts in one line, outside strings.
fn line_comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    // most lines have no `/` at all (a byte search); `str::contains("//")` set up a substring
    // searcher for every line, a few percent of parsing (issue 20)
    if !b.contains(&b'/') {
        return None;
    }
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && b.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn found_len(rest: &str) -> usize {
    let word: usize = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
    if word > 0 {
        word
    } else {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

fn describe_found(rest: &str) -> String {
    let trimmed = rest.trim_start();
    if trimmed.is_empty() {
        return "end of input".to_string();
    }
    let len = found_len(trimmed);
    let tok = trimmed.get(..len).unwrap_or("");
    match tok {
        "\n" => "end of line".to_string(),
        t => format!("`{}`", t.escape_debug()),
    }
}

fn limit_error(sources: &SourceMap, id: SourceId, limit: SourceLimit) -> ParseError {
    match limit {
        SourceLimit::TooLarge { len } => ParseError::SourceTooLarge { span: Span::file_start(id), len },
        SourceLimit::TooDeep { offset } => {
            ParseError::NestingTooDeep { span: sources.span(id, offset, offset + 1).unwrap_or(Span::file_start(id)) }
        }
    }
}

/// Parses a whole file. Returns every declaration that parsed and every error found.
///
/// The file is parsed piece by piece (see [`split_pieces`]), so pest's token queue only ever
/// holds one declaration: memory stays proportional to the AST, not to pest's queue for the
/// whole file. If a piece does not parse, the whole file is tried once (a valid file whose
/// layout the splitter misjudged, e.g. `currency` at column 0 inside a scenario); only if that
/// fails too are the pieces' errors reported.
pub fn parse_file(sources: &SourceMap, id: SourceId) -> (File, Vec<ParseError>) {
    let text = sources.get(id).map(|s| s.text()).unwrap_or("");
    if let Err(limit) = check_source(text) {
        return (File::default(), vec![limit_error(sources, id, limit)]);
    }
    let (file, errors) = parse_pieces(id, text);
    if errors.iter().all(|e| !matches!(e, ParseError::Syntax { .. })) {
        return (file, errors);
    }
    match AifinParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let mut b = Builder { source: id, text, offset: 0, tokens: 0 };
            let mut file = File::default();
            let mut errors = Vec::new();
            let decls = pairs.next().map(|p| p.into_inner()).into_iter().flatten();
            for d in decls.filter(|p| p.as_rule() != Rule::EOI) {
                match b.decl(d) {
                    Ok(decl) => file.decls.push(decl),
                    Err(e) => errors.push(e),
                }
            }
            (file, errors)
        }
        Err(_) => (file, errors),
    }
}

/// Parses the pieces of a file, several at a time: consecutive pieces are joined into chunks of
/// about [`CHUNK_BYTES`] (fewer, larger pest runs; pest's queue still bounded by the chunk). A
/// chunk that does not parse is parsed again piece by piece, so each error is precise.
///
/// A large file's chunks are parsed on several threads ([`parse_workers`]), each a contiguous
/// run of chunks; their declarations and errors are joined in the file's order, so the result is
/// the same, byte for byte, as on one thread.
fn parse_pieces(id: SourceId, text: &str) -> (File, Vec<ParseError>) {
    parse_pieces_on(id, text, parse_workers(text.len()))
}

/// [`parse_pieces`] on at most `workers` threads.
fn parse_pieces_on(id: SourceId, text: &str, workers: usize) -> (File, Vec<ParseError>) {
    let pieces = split_pieces(text);
    let chunks = chunks_of(&pieces);
    let workers = workers.min(chunks.len()).max(1);
    // the chunks each worker parses: contiguous, those that start in its equal part of the text
    // (at least one each)
    let start_of = |c: &(usize, usize)| pieces.get(c.0).map_or(text.len(), |p| p.0);
    let mut runs: Vec<&[(usize, usize)]> = Vec::with_capacity(workers);
    let mut rest = chunks.as_slice();
    for w in 1..workers {
        let bound = text.len() / workers * w;
        let take = rest.iter().take_while(|c| start_of(c) < bound).count().max(1).min(rest.len());
        let (run, tail) = rest.split_at(take);
        runs.push(run);
        rest = tail;
    }
    runs.push(rest);
    runs.retain(|r| !r.is_empty());
    let mut file = File::default();
    let mut errors = Vec::new();
    // About one declaration a piece: reserved once, the declarations are never moved to a
    // vector twice their size while both are alive (the largest share of the AST's peak). This
    // thread parses the first run straight into it; the other runs' are appended in order.
    file.decls.reserve_exact(pieces.len());
    let (first, others) = runs.split_first().map_or((&[][..], &[][..]), |(f, o)| (*f, o));
    if others.is_empty() {
        parse_chunks(id, text, &pieces, first, &mut file.decls, &mut errors);
        return (file, errors);
    }
    let parsed: Vec<(Vec<Decl>, Vec<ParseError>)> = std::thread::scope(|scope| {
        let pieces = &pieces;
        let apart = |run: &[(usize, usize)]| {
            let (mut decls, mut errors) = (Vec::new(), Vec::new());
            parse_chunks(id, text, pieces, run, &mut decls, &mut errors);
            (decls, errors)
        };
        let spawned: Vec<_> = others
            .iter()
            .map(|&run| {
                // the builder recurses as deep as the evaluation may: the same stack
                std::thread::Builder::new()
                    .name("aifin-parse".into())
                    .stack_size(crate::limits::STACK_SIZE)
                    .spawn_scoped(scope, move || apart(run))
                    .map_err(|_| run)
            })
            .collect();
        parse_chunks(id, text, pieces, first, &mut file.decls, &mut errors);
        spawned
            .into_iter()
            .map(|handle| match handle {
                Ok(h) => h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // no thread to be had: this one parses the run
                Err(run) => apart(run),
            })
            .collect()
    });
    for (decls, errs) in parsed {
        file.decls.extend(decls);
        errors.extend(errs);
    }
    (file, errors)
}

/// The chunks of `pieces`: runs of consecutive pieces of about [`CHUNK_BYTES`], each as the
/// indices of its first and last piece.
fn chunks_of(pieces: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut chunks = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let start = pieces.get(i).map(|p| p.0).unwrap_or(0);
        let mut j = i;
        while j + 1 < pieces.len() && pieces.get(j).map(|p| p.1 - start).unwrap_or(0) < CHUNK_BYTES {
            j += 1;
        }
        chunks.push((i, j));
        i = j + 1;
    }
    chunks
}

/// Parses `chunks` of `pieces` in order, each in one pest run; a chunk that does not parse is
/// parsed again piece by piece, for one error each.
fn parse_chunks(
    id: SourceId,
    text: &str,
    pieces: &[(usize, usize)],
    chunks: &[(usize, usize)],
    decls: &mut Vec<Decl>,
    errors: &mut Vec<ParseError>,
) {
    decls.reserve(chunks.last().map_or(0, |c| c.1 + 1).saturating_sub(chunks.first().map_or(0, |c| c.0)));
    for &(i, j) in chunks {
        let start = pieces.get(i).map(|p| p.0).unwrap_or(0);
        let end = pieces.get(j).map(|p| p.1).unwrap_or(start);
        if parse_piece(id, text, start, end, decls, errors).is_err() {
            for k in i..=j {
                if let Some(&(s, e)) = pieces.get(k) {
                    if let Err(err) = parse_piece(id, text, s, e, decls, errors) {
                        errors.push(err);
                    }
                }
            }
        }
    }
}

/// How many threads parse a file of `len` bytes: one per core, each with at least
/// [`WORKER_BYTES`] of source (a thread costs tens of microseconds; a small file is parsed
/// sooner on one), at most [`MAX_WORKERS`].
fn parse_workers(len: usize) -> usize {
    if len < 2 * WORKER_BYTES {
        // one thread whatever the cores: asking for them reads the scheduler's and cgroups'
        // limits, and this runs for every REPL input and every editor keystroke
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    cores.min(len / WORKER_BYTES).clamp(1, MAX_WORKERS)
}

/// The least source a parsing thread is started for.
const WORKER_BYTES: usize = 256 * 1024;

/// The most threads that parse one file.
const MAX_WORKERS: usize = 8;

/// Bytes of source parsed by one pest run (at least one whole piece).
const CHUNK_BYTES: usize = 32 * 1024;

/// Parses `text[start..end]` as declarations, appending them; a pest error comes back
/// (with nothing appended) for the caller to report or retry.
fn parse_piece(
    id: SourceId,
    text: &str,
    start: usize,
    end: usize,
    decls: &mut Vec<Decl>,
    errors: &mut Vec<ParseError>,
) -> Result<(), ParseError> {
    let piece = text.get(start..end).unwrap_or("");
    let mut b = Builder { source: id, text, offset: start, tokens: 0 };
    let mut pairs = AifinParser::parse(Rule::decl_piece, piece).map_err(|e| b.pest_error(e, piece))?;
    let inner = pairs.next().map(|p| p.into_inner()).into_iter().flatten();
    for d in inner.filter(|p| p.as_rule() != Rule::EOI) {
        match b.decl(d) {
            Ok(decl) => decls.push(decl),
            Err(e) => errors.push(e),
        }
    }
    Ok(())
}

/// Byte ranges of the top-level pieces of `text`: a piece starts at a line whose first word is
/// a top-level keyword, when that line is outside brackets or starts at column 0.
pub fn split_pieces(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0usize];
    let mut depth = 0usize;
    let mut in_block = false;
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if !in_block && line_start > 0 {
            let word: &str = trimmed.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
            if grammar::DECLARATION_KEYWORDS.contains(&word) && (depth == 0 || indent == 0) {
                starts.push(line_start);
                depth = 0;
            }
        }
        // Track brackets on this line, outside strings and comments.
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if in_block {
                if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    in_block = false;
                    i += 1;
                }
            } else {
                match bytes[i] {
                    b'"' => {
                        i += 1;
                        while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                            i += if bytes[i] == b'\\' { 2 } else { 1 };
                        }
                    }
                    b'/' if bytes.get(i + 1) == Some(&b'/') => break,
                    b'/' if bytes.get(i + 1) == Some(&b'*') => {
                        in_block = true;
                        i += 1;
                    }
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            i += 1;
        }
        line_start += line.len();
    }
    starts.push(text.len());
    starts
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if a < b => Some((*a, *b)),
            _ => None,
        })
        .collect()
}

/// Parses one expression (the whole source must be that expression).
pub fn parse_expr(sources: &SourceMap, id: SourceId) -> Result<Expr, Vec<ParseError>> {
    let text = sources.get(id).map(|s| s.text()).unwrap_or("");
    check_source(text).map_err(|l| vec![limit_error(sources, id, l)])?;
    let mut b = Builder { source: id, text, offset: 0, tokens: 0 };
    let mut pairs = AifinParser::parse(Rule::expr_input, text).map_err(|e| vec![b.pest_error(e, text)])?;
    let top = pairs.next().and_then(|p| p.into_inner().next());
    let top = b.require(top, Span::file_start(id)).map_err(|e| vec![e])?;
    b.root_expr(top).map_err(|e| vec![e])
}

#[cfg(test)]
mod tests;
