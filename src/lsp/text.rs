//! Positions: aifin's spans are byte offsets into UTF-8 text; the Language Server Protocol
//! counts lines and UTF-16 code units. Every conversion between them goes through here, so a
//! name after an `é` or an emoji lands where the editor shows it.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// The UTF-16 position of byte `offset` in `text` (clamped to the text, and back to the start
/// of a character it falls inside).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before.get(line_start..).unwrap_or("").chars().map(char::len_utf16).sum();
    Position { line: to_u32(line), character: to_u32(col) }
}

/// The byte offset of a UTF-16 `position` in `text`: a line past the end is the end of the
/// text, a column past the end of its line is the line's end (as the protocol asks).
pub fn offset(text: &str, position: Position) -> usize {
    let mut start = 0;
    for _ in 0..position.line {
        match text.get(start..).and_then(|t| t.find('\n')) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line = text.get(start..).unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut units = 0usize;
    for (i, c) in line.char_indices() {
        if units >= position.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line.len()
}

/// The range of bytes `start..end` of `text`.
pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range { start: position(text, start), end: position(text, end) }
}

/// Applies one change of `textDocument/didChange` (a range, or the whole text).
pub fn apply(text: &mut String, change: &TextDocumentContentChangeEvent) {
    match change.range {
        Some(r) => {
            let (a, b) = (offset(text, r.start), offset(text, r.end));
            let (a, b) = (a.min(b), a.max(b));
            text.replace_range(a..b, &change.text);
        }
        None => *text = change.text.clone(),
    }
}

/// The identifier (letters, digits, `_`) around byte `at`: its start and end.
pub fn word_at(text: &str, at: usize) -> (usize, usize) {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let at = at.min(text.len());
    let start = text
        .get(..at)
        .unwrap_or("")
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end =
        text.get(at..).unwrap_or("").char_indices().find(|(_, c)| !is_word(*c)).map_or(text.len(), |(i, _)| at + i);
    (start, end)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "a\n// é😀 x\nz";
        let x = text.find('x').unwrap();
        let p = position(text, x);
        // `// ` is 3 units, `é` one, the emoji two (a surrogate pair), the space one
        assert_eq!(p, Position { line: 1, character: 7 });
        assert_eq!(offset(text, p), x);
        assert_eq!(offset(text, Position { line: 9, character: 0 }), text.len());
        assert_eq!(offset(text, Position { line: 0, character: 40 }), 1);
    }

    #[test]
    fn changes_apply_by_range() {
        let mut t = "driver a = 1\n".to_string();
        let change =
            TextDocumentContentChangeEvent { range: Some(range(&t, 7, 8)), range_length: None, text: "bb".into() };
        apply(&mut t, &change);
        assert_eq!(t, "driver bb = 1\n");
        assert_eq!(word_at(&t, 8), (7, 9));
    }
}
