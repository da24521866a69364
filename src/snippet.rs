//! The source text a diagnostic draws, with long lines cut around what it points at.
//!
//! miette prints every line it shows in full, so one label on a line of 100,000 brackets made a
//! 200 KB diagnostic. [`Snippet`] is the text handed to miette instead of the whole source:
//! each line longer than [`MAX_COLUMNS`] characters keeps only windows around the label
//! positions on it (the first [`MAX_COLUMNS`] characters if there are none), with `…` where
//! text was cut. Labels are moved onto the cut text ([`Snippet::span`]), and the
//! `file:line:col` header still gives the position in the real file: only columns change, and
//! [`Snippet`]'s [`SourceCode`] reports the real column. ASCII control characters are shown
//! as `?`, so a file cannot send escape sequences to the reader's terminal. Asked for a span,
//! it gives the whole line(s) the span lies on and never a line of context around them
//! (issue 16), whatever context miette asks for.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Lines up to this many characters are shown whole.
pub const MAX_COLUMNS: usize = 120;

/// What is put where text was cut.
const CUT: &str = "…";

/// Cut text and how it maps back to the source.
#[derive(Debug)]
pub struct Snippet<'a> {
    name: String,
    original: &'a str,
    text: String,
    /// Kept pieces: (start in the source, end in the source, start in `text`), in order.
    pieces: Vec<(usize, usize, usize)>,
}

impl<'a> Snippet<'a> {
    /// `original` with its long lines cut around `anchors` (byte offsets of label starts and
    /// ends).
    pub fn new(name: &str, original: &'a str, anchors: &[usize]) -> Snippet<'a> {
        let mut s = Snippet { name: name.to_string(), original, text: String::new(), pieces: Vec::new() };
        let mut line_start = 0usize;
        for line in original.split_inclusive('\n') {
            let content = line.strip_suffix('\n').unwrap_or(line);
            let end = line_start + content.len();
            if content.len() <= MAX_COLUMNS || content.chars().count() <= MAX_COLUMNS {
                s.keep(line_start, line_start + line.len());
            } else {
                s.cut_line(line_start, content, anchors);
                if line.len() > content.len() {
                    s.keep(end, end + 1);
                }
            }
            line_start += line.len();
        }
        s.text = visible(&s.text);
        s
    }

    fn keep(&mut self, start: usize, end: usize) {
        let Some(piece) = self.original.get(start..end) else { return };
        match self.pieces.last_mut() {
            Some(last) if last.1 == start && last.2 + (last.1 - last.0) == self.text.len() => last.1 = end,
            _ => self.pieces.push((start, end, self.text.len())),
        }
        self.text.push_str(piece);
    }

    fn cut_line(&mut self, line_start: usize, content: &str, anchors: &[usize]) {
        // char index → byte offset in the line, for every char and the end
        let bounds: Vec<usize> = content.char_indices().map(|(i, _)| i).chain([content.len()]).collect();
        let chars = bounds.len() - 1;
        let mut here: Vec<usize> = anchors
            .iter()
            .filter(|a| **a >= line_start && **a <= line_start + content.len())
            .map(|a| bounds.partition_point(|b| *b < *a - line_start).min(chars))
            .collect();
        // anchors a few characters apart (a short label's two ends) share one window
        here.sort_unstable();
        here.dedup_by(|later, kept| *later - *kept <= 8);
        let mut windows: Vec<(usize, usize)> = if here.is_empty() {
            vec![(0, MAX_COLUMNS)]
        } else {
            let half = (MAX_COLUMNS / (2 * here.len())).max(12);
            here.iter().map(|c| (c.saturating_sub(half), (c + half).min(chars))).collect()
        };
        windows.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(windows.len());
        for w in windows {
            match merged.last_mut() {
                Some(last) if w.0 <= last.1 + CUT.len() => last.1 = last.1.max(w.1),
                _ => merged.push(w),
            }
        }
        let mut at = 0usize;
        for (a, b) in merged {
            if a > at {
                self.text.push_str(CUT);
            }
            let (from, to) = (bounds.get(a).copied().unwrap_or(0), bounds.get(b).copied().unwrap_or(content.len()));
            self.keep(line_start + from, line_start + to);
            at = b;
        }
        if at < chars {
            self.text.push_str(CUT);
        }
    }

    /// The cut text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A source span `(start, len)` moved onto the cut text; ends that fall in cut text move to
    /// the nearest kept text.
    pub fn span(&self, start: usize, len: usize) -> SourceSpan {
        let s = self.to_cut(start, true);
        let e = self.to_cut(start + len, false).max(s);
        SourceSpan::new(s.into(), e - s)
    }

    fn to_cut(&self, offset: usize, forward: bool) -> usize {
        let i = self.pieces.partition_point(|p| p.1 < offset);
        match self.pieces.get(i) {
            Some(&(a, b, c)) if offset >= a && offset <= b => c + (offset - a),
            Some(&(_, _, c)) if forward => c,
            _ => match i.checked_sub(1).and_then(|j| self.pieces.get(j)) {
                Some(&(a, b, c)) => c + (b - a),
                None => 0,
            },
        }
    }

    /// The source offset of an offset in the cut text.
    fn to_source(&self, cut: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.2 + (p.1 - p.0) < cut);
        match self.pieces.get(i) {
            Some(&(a, b, c)) => (a + cut.saturating_sub(c)).min(b),
            None => self.original.len(),
        }
    }
}

/// `text` with control characters made visible as `?` (a lone carriage return as a space),
/// byte for byte, so offsets stay put: no escape sequence from a file reaches the terminal,
/// and miette's line count agrees with its drawing.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\r' => out.push(' '),
            c if c.is_ascii_control() => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

impl SourceCode for Snippet<'_> {
    /// The whole line(s) `span` lies on, and never a line more: whatever context miette asks
    /// for (`before`, `after`) is not given, so a diagnostic shows only the lines its labels
    /// point at (issue 16: an import of a file holding a secret must not echo the lines around
    /// the one it points at).
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let bytes = self.text.as_bytes();
        let start = span.offset();
        if start > bytes.len() {
            return Err(MietteError::OutOfBounds);
        }
        let end = (start + span.len()).min(bytes.len()).max(start);
        let line_start = bytes.get(..start).and_then(|b| b.iter().rposition(|c| *c == b'\n')).map_or(0, |i| i + 1);
        // the line holding the span's last byte (its start, for an empty span), with its newline
        let last = if end > start { end - 1 } else { start };
        let line_end =
            bytes.get(last..).and_then(|b| b.iter().position(|c| *c == b'\n')).map_or(bytes.len(), |i| last + i + 1);
        let data = bytes.get(line_start..line_end).ok_or(MietteError::OutOfBounds)?;
        let line = bytes.get(..line_start).map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
        // the header's column is the one in the source (bytes from the line start, as miette counts)
        let at = self.to_source(start);
        let source_line_start = self.original.get(..at).and_then(|t| t.rfind('\n')).map(|i| i + 1).unwrap_or(0);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(line_start.into(), line_end - line_start),
            line,
            at - source_line_start,
            data.iter().filter(|c| **c == b'\n').count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_whole() {
        let s = Snippet::new("x", "driver a = 1\ndriver b = 2\n", &[7]);
        assert_eq!(s.text(), "driver a = 1\ndriver b = 2\n");
        assert_eq!(s.span(20, 1), SourceSpan::new(20.into(), 1));
    }

    #[test]
    fn long_lines_are_cut_around_the_label() {
        let line = format!("driver a = {}1{}\nnext\n", "(".repeat(5000), ")".repeat(5000));
        let s = Snippet::new("x", &line, &[3000, 3001]);
        let first = s.text().lines().next().unwrap_or("");
        assert!(first.chars().count() <= MAX_COLUMNS + 4, "{}", first.len());
        assert!(first.starts_with('…') && first.ends_with('…'), "{first}");
        assert!(s.text().ends_with("\nnext\n"));
        let span = s.span(3000, 1);
        assert_eq!(s.text().get(span.offset()..span.offset() + 1), Some("("));
        // the header column is the real one
        let c = s.read_span(&span, 0, 0).map(|c| c.column()).unwrap_or(0);
        assert_eq!(c, 3000);
    }

    #[test]
    fn a_span_reads_as_its_own_lines_and_no_more() {
        let text = "line one\nline two\nline three\nline four\n";
        let s = Snippet::new("x", text, &[]);
        // `two` on line 2, asked with a context line on each side: line 2 alone
        let c = s.read_span(&SourceSpan::new(14.into(), 3), 1, 1).map(|c| c.data().to_vec()).unwrap_or_default();
        assert_eq!(c, b"line two\n");
        // a span from line 2 into line 3: those two lines
        let c = s.read_span(&SourceSpan::new(14.into(), 8), 1, 1).map(|c| c.data().to_vec()).unwrap_or_default();
        assert_eq!(c, b"line two\nline three\n");
        // a span ending on a newline does not take the next line
        let c = s.read_span(&SourceSpan::new(9.into(), 9), 2, 2).map(|c| c.data().to_vec()).unwrap_or_default();
        assert_eq!(c, b"line two\n");
    }

    #[test]
    fn control_characters_are_shown_byte_for_byte() {
        let s = Snippet::new("x", "a\u{1b}[2Jb\rc\r\nd\0\n", &[]);
        assert_eq!(s.text(), "a?[2Jb c\r\nd?\n");
    }

    #[test]
    fn a_long_span_keeps_both_ends() {
        let line = format!("driver a = {}\n", vec!["1"; 10_000].join(" + "));
        let s = Snippet::new("x", &line, &[11, line.len() - 1]);
        assert!(s.text().len() < 400, "{}", s.text());
        let span = s.span(11, line.len() - 12);
        assert!(span.len() < 400);
    }
}
