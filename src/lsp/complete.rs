//! Completion: what may be written at the cursor. Inside `contract NAME : KIND { … }` at the
//! start of a line, the terms of that kind (from `CONTRACTS`, the one list the checker reads);
//! inside `entity … { … }`, the entity fields; after a term that takes option words, those
//! words; at the top level at the start of a line, the declaration keywords; elsewhere the
//! names of the program, its units, and the built-ins with their signatures.

use super::index::Kind;
use super::text;
use super::workspace::Doc;
use crate::check::ir::BUILTINS;
use crate::check::spec::{self, FieldSpec, FieldType, ENTITY_FIELDS};
use crate::syntax::grammar::DECLARATION_KEYWORDS;
use lsp_types as lsp;
use std::collections::BTreeSet;

/// The block the cursor is in.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Top,
    /// `contract … : KIND {`
    Contract(String),
    Entity,
    Scenario,
    /// Any other bracket.
    Other,
}

/// The byte offset of the innermost `{` still open at `end` (comments and strings skipped).
fn open_brace(text: &str, end: usize) -> Option<usize> {
    let t = text.get(..end).unwrap_or(text);
    let mut stack = Vec::new();
    let mut it = t.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|x| x.1);
        match c {
            '/' if next == Some('/') => {
                for (_, c) in it.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if next == Some('*') => {
                it.next();
                let mut star = false;
                for (_, c) in it.by_ref() {
                    if star && c == '/' {
                        break;
                    }
                    star = c == '*';
                }
            }
            '"' => {
                let mut escaped = false;
                for (_, c) in it.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '{' => stack.push(i),
            '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

fn block_at(text: &str, at: usize) -> Block {
    let Some(open) = open_brace(text, at) else { return Block::Top };
    let header = text.get(..open).unwrap_or("");
    // the header is the declaration keyword's line up to the brace
    let start = header.rfind('\n').map_or(0, |i| i + 1);
    let words: Vec<&str> = header
        .get(start..)
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    match words.first() {
        Some(&"contract") => Block::Contract(words.get(2).map_or(String::new(), |k| k.to_string())),
        Some(&"entity") => Block::Entity,
        Some(&"scenario") => Block::Scenario,
        _ => Block::Other,
    }
}

fn fields_of(block: &Block) -> Option<&'static [FieldSpec]> {
    match block {
        Block::Contract(kind) => spec::contract(kind).map(|c| c.fields),
        Block::Entity => Some(ENTITY_FIELDS),
        _ => None,
    }
}

fn item(label: &str, kind: lsp::CompletionItemKind, detail: String, doc: Option<String>) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        documentation: doc.map(lsp::Documentation::String),
        ..Default::default()
    }
}

fn field_doc(f: &FieldSpec) -> String {
    let mut d = format!("{}.\nTakes {}", f.doc, f.ty.describe());
    if f.required {
        d.push_str("; required");
    } else if !f.default.is_empty() {
        d.push_str(&format!("; default: {}", f.default));
    }
    if !f.actus.is_empty() {
        d.push_str(&format!("; ACTUS {}", f.actus));
    }
    d.push('.');
    d
}

fn option_words(ty: FieldType) -> &'static [&'static str] {
    match ty {
        FieldType::Choice(w) | FieldType::ChoiceOrSeries(w) => w,
        _ => &[],
    }
}

/// Completion items at `pos`.
pub fn complete(doc: &Doc, pos: lsp::Position) -> Vec<lsp::CompletionItem> {
    let text = &doc.text;
    let at = text::offset(text, pos);
    let (word_start, _) = text::word_at(text, at);
    let line_start = text.get(..word_start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let before = text.get(line_start..word_start).unwrap_or("");
    let at_line_start = before.trim().is_empty();
    let block = block_at(text, word_start);
    let mut out = Vec::new();
    if let Some(base) = text.get(..word_start).and_then(|t| t.strip_suffix('.')) {
        // `ENTITY.`: its flows
        let (a, _) = text::word_at(base, base.len());
        let entity = base.get(a..).unwrap_or("");
        let prefix = format!("{entity}.");
        for (_, _, ix) in &doc.analysis.files {
            for s in ix.symbols.iter().filter(|s| s.kind == Kind::Flow) {
                if let Some(member) = s.name.strip_prefix(&prefix) {
                    out.push(item(member, lsp::CompletionItemKind::EVENT, format!("flow {}", s.name), None));
                }
            }
        }
        return out;
    }
    if let Some(fields) = fields_of(&block) {
        if at_line_start {
            for f in fields {
                out.push(item(f.name, lsp::CompletionItemKind::FIELD, f.ty.describe(), Some(field_doc(f))));
            }
            return out;
        }
        let first = before.split_whitespace().next().unwrap_or("");
        if let Some(f) = fields.iter().find(|f| f.name == first) {
            for w in option_words(f.ty) {
                out.push(item(w, lsp::CompletionItemKind::ENUM_MEMBER, format!("option of `{}`", f.name), None));
            }
        }
    }
    match block {
        Block::Top if at_line_start => {
            for k in DECLARATION_KEYWORDS {
                out.push(item(k, lsp::CompletionItemKind::KEYWORD, "declaration".into(), None));
            }
            return out;
        }
        Block::Scenario if at_line_start => {
            for k in ["timeline", "currency", "rounding"] {
                out.push(item(k, lsp::CompletionItemKind::KEYWORD, "scenario setting".into(), None));
            }
        }
        Block::Scenario if before.trim() == "rounding" => {
            for w in ["banker", "half_up", "none"] {
                out.push(item(w, lsp::CompletionItemKind::ENUM_MEMBER, "rounding".into(), None));
            }
            return out;
        }
        Block::Scenario if before.trim_start().starts_with("timeline") => {
            for w in ["daily", "monthly", "quarterly", "yearly"] {
                out.push(item(w, lsp::CompletionItemKind::ENUM_MEMBER, "timeline step".into(), None));
            }
        }
        _ => {}
    }
    names(doc, &mut out);
    out
}

/// The program's names, its units and the built-ins.
fn names(doc: &Doc, out: &mut Vec<lsp::CompletionItem>) {
    let mut seen = BTreeSet::new();
    for (_, _, ix) in &doc.analysis.files {
        for s in &ix.symbols {
            if s.kind == Kind::Flow || !seen.insert(s.name.clone()) {
                continue;
            }
            let kind = match s.kind {
                Kind::Unit | Kind::Currency => lsp::CompletionItemKind::UNIT,
                Kind::Driver | Kind::Curve => lsp::CompletionItemKind::VARIABLE,
                Kind::Entity | Kind::Contract => lsp::CompletionItemKind::STRUCT,
                _ => lsp::CompletionItemKind::REFERENCE,
            };
            out.push(item(&s.name, kind, s.kind.keyword().to_string(), None));
        }
    }
    for b in BUILTINS {
        if seen.insert(b.name.to_string()) {
            out.push(item(b.name, lsp::CompletionItemKind::FUNCTION, b.signature.to_string(), Some(b.doc.to_string())));
        }
    }
}

/// Hover on a term or field name inside a contract or entity: what it takes and means.
pub fn term_doc(text: &str, at: usize, name: &str) -> Option<String> {
    let block = block_at(text, at);
    let f = fields_of(&block)?.iter().find(|f| f.name == name)?;
    let whose = match &block {
        Block::Contract(k) => format!("term of `{k}`"),
        _ => "entity field".to_string(),
    };
    Some(format!("`{}`: {whose}\n\n{}", f.name, field_doc(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_block() {
        let t = "contract l : loan {\n  lender X // {\n  \n}\nentity E { /* } */ \"}\\\"}\"\n";
        assert_eq!(block_at(t, t.find("  \n").unwrap()), Block::Contract("loan".into()));
        assert_eq!(block_at(t, t.len()), Block::Entity);
        assert_eq!(block_at(t, 0), Block::Top);
    }
}
