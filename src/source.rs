//! Sources and spans.
//!
//! Every piece of text aifin reads — a user file, a bundled `std/` module, a REPL line, an
//! `aifin eval` argument — is added to a [`SourceMap`] and gets a [`SourceId`]. A [`Span`] is a
//! source id plus a byte range that is valid for that source: it never runs past the end and
//! never starts or ends inside a UTF-8 character. The only ways to build one check this.

use std::fmt;

/// Identifies one source text in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(u32);

impl SourceId {
    /// The index of this source in its map.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a source came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A file the user named or imported.
    File,
    /// A module of the bundled standard library (`std/…`).
    Std,
    /// A line typed in the REPL or given to `aifin eval`.
    Input,
}

/// One source text with its display name.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    text: String,
    kind: SourceKind,
}

impl Source {
    /// The name shown in diagnostics (a path, `std/units`, `<eval>`…).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Where the text came from.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }
}

/// All sources of one run.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a source and returns its id. A file's text is stored with a final newline (one is
    /// added if missing), so every line, the last included, ends the same way.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>, kind: SourceKind) -> SourceId {
        let id = SourceId(u32::try_from(self.sources.len()).unwrap_or(u32::MAX));
        let mut text = text.into();
        if kind != SourceKind::Input && !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        self.sources.push(Source { name: name.into(), text, kind });
        id
    }

    /// The source with this id, if it belongs to this map.
    pub fn get(&self, id: SourceId) -> Option<&Source> {
        self.sources.get(id.index())
    }

    /// The id of the source with this name, if any.
    pub fn find(&self, name: &str) -> Option<SourceId> {
        self.sources.iter().position(|s| s.name == name).and_then(|i| u32::try_from(i).ok()).map(SourceId)
    }

    /// A span of `start..end` in source `id`, or `None` if the range is not valid there.
    pub fn span(&self, id: SourceId, start: usize, end: usize) -> Option<Span> {
        let src = self.get(id)?;
        Span::new(id, src.text(), start, end)
    }

    /// The text a span covers (empty if the span does not belong to this map).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.source).and_then(|s| s.text.get(span.start as usize..span.end as usize)).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: SourceId, offset: usize) -> (usize, usize) {
        let text = self.get(id).map(|s| s.text()).unwrap_or("");
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        (line, col)
    }
}

/// A byte range in one source, valid for that source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    source: SourceId,
    start: u32,
    end: u32,
}

impl Span {
    /// Builds a span of `start..end` in `text` (the text of source `source`), or `None` when
    /// the range is reversed, runs past the end, or cuts a UTF-8 character.
    pub fn new(source: SourceId, text: &str, start: usize, end: usize) -> Option<Span> {
        if start > end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return None;
        }
        Some(Span { source, start: u32::try_from(start).ok()?, end: u32::try_from(end).ok()? })
    }

    /// The empty span at the start of a source (for errors that belong to a whole file).
    pub fn file_start(source: SourceId) -> Span {
        Span { source, start: 0, end: 0 }
    }

    /// The source this span is in.
    pub fn source(self) -> SourceId {
        self.source
    }
    /// Byte offset of the start.
    pub fn start(self) -> usize {
        self.start as usize
    }
    /// Byte offset one past the end.
    pub fn end(self) -> usize {
        self.end as usize
    }
    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    /// True for an empty span.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (both must be in the same source; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.source != other.source {
            return self;
        }
        Span { source: self.source, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// From this span's start to the end of `other` (which must end inside or after it).
    pub fn until_end_of(self, other: Span) -> Span {
        if other.source != self.source || other.end < self.start {
            return self;
        }
        Span { source: self.source, start: self.start, end: other.end }
    }

    /// From this span's start to the start of `other`.
    pub fn up_to_start_of(self, other: Span) -> Span {
        if other.source != self.source || other.start < self.start {
            return self;
        }
        Span { source: self.source, start: self.start, end: other.start }
    }

    /// The gap from this span's end to the start of `other` (which must start after it ends;
    /// otherwise `other`): the operator between two operands.
    pub fn gap_to(self, other: Span) -> Span {
        if other.source != self.source || other.start < self.end {
            return other;
        }
        Span { source: self.source, start: self.end, end: other.start }
    }

    /// The span of a sub-range `rel_start..rel_end` (relative to this span's start), when it is valid in `text`.
    pub fn sub(self, text: &str, rel_start: usize, rel_end: usize) -> Option<Span> {
        Span::new(self.source, text, self.start() + rel_start, self.start() + rel_end)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}..{}", self.source.0, self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_checked_against_their_source() {
        let mut map = SourceMap::new();
        let id = map.add("a", "héllo", SourceKind::Input);
        assert!(map.span(id, 0, 1).is_some());
        assert!(map.span(id, 1, 2).is_none(), "inside the two-byte é");
        assert!(map.span(id, 0, 7).is_none(), "past the end");
        assert!(map.span(id, 3, 2).is_none(), "reversed");
        let s = map.span(id, 1, 3).map(|s| map.slice(s).to_string());
        assert_eq!(s.as_deref(), Some("é"));
    }

    #[test]
    fn line_and_column_count_characters() {
        let mut map = SourceMap::new();
        let id = map.add("a", "ab\nçd", SourceKind::Input);
        assert_eq!(map.line_col(id, 0), (1, 1));
        assert_eq!(map.line_col(id, 5), (2, 2));
    }
}
