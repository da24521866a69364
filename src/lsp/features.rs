//! The answers to an editor's requests about names: hover, go to definition, find references,
//! rename, document symbols, and formatting through `aifin fmt`'s printer. Each works on the
//! last check of the document ([`super::workspace::Analysis`]), so it answers while the text
//! has errors too (the parser recovers declaration by declaration).

use super::index::{Kind, Symbol};
use super::text;
use super::workspace::{location, Doc, Workspace};
use crate::check::ir::BUILTINS;
use crate::source::{SourceId, SourceKind, SourceMap};
use crate::syntax::ast;
use lsp_types as lsp;
use lsp_types::Url;
use std::collections::BTreeMap;

/// Hover: what the name under the cursor is. A declared name shows its declaration, kind, file,
/// dimension, shape, unit, the comment above it, and (for a driver or curve of a program that
/// checks) its value in the first period of the first scenario; a built-in shows its signature.
pub fn hover(doc: &mut Doc, pos: lsp::Position) -> Option<lsp::Hover> {
    let at = text::offset(&doc.text, pos);
    let (span, name) = match doc.name_at(at) {
        Some(x) => x,
        None => {
            let (a, b) = text::word_at(&doc.text, at);
            let w = doc.text.get(a..b)?.to_string();
            let span = doc.sources().span(doc.analysis.main?, a, b)?;
            (span, w)
        }
    };
    let range = Some(text::range(&doc.text, span.start(), span.end()));
    let markdown = match doc.resolve(&name) {
        Some((id, sym)) => {
            let sym = sym.clone();
            describe(doc, id, &sym)
        }
        None => {
            if let Some(b) = BUILTINS.iter().find(|b| b.name == name) {
                format!("```aifin\n{}\n```\nbuilt-in: {}", b.signature, b.doc)
            } else {
                super::complete::term_doc(&doc.text, at, &name)?
            }
        }
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: markdown }),
        range,
    })
}

fn describe(doc: &mut Doc, id: SourceId, sym: &Symbol) -> String {
    let sources = doc.sources();
    let src_text = sources.get(id).map_or("", |s| s.text());
    // the declaration as written, up to eight lines
    let written = src_text.get(sym.span.start()..sym.span.end()).unwrap_or("");
    let mut shown: Vec<&str> = written.lines().take(8).collect();
    if written.lines().count() > 8 {
        shown.push("…");
    }
    let first_line = shown.join("\n");
    let (line, _) = sources.line_col(id, sym.span.start());
    let file = sources.get(id).map_or(String::new(), |s| s.name().to_string());
    let mut out = format!("```aifin\n{first_line}\n```\n{} `{}` — {file}:{line}", sym.kind.keyword(), sym.name);
    let comment = comment_above(src_text, sym.span.start());
    let clean = !doc.analysis.diagnostics.iter().any(|d| d.severity == crate::diagnostic::Severity::Error);
    let decl = doc
        .analysis
        .files
        .iter()
        .find(|(f, _, _)| *f == id)
        .and_then(|(_, file, _)| file.decls.iter().find(|d| d.span() == sym.span));
    if let Some(ast::Decl::Contract(c)) = decl {
        if let Some(spec) = crate::check::spec::contract(&c.kind.name) {
            out.push_str(&format!("\n\n`{}`: {}", spec.kind, spec.doc));
        }
    }
    if matches!(sym.kind, Kind::Driver | Kind::Curve) {
        let annotation = doc.analysis.files.iter().find(|(f, _, _)| *f == id).and_then(|(_, file, _)| {
            file.decls.iter().find_map(|d| match d {
                ast::Decl::Definition(def) if def.span == sym.span => def.annotation.clone(),
                _ => None,
            })
        });
        let program = doc.session.program().clone();
        if program.definitions.iter().any(|d| d.name == sym.name) {
            if !clean {
                out.push_str("\n\n_as of the last version without errors:_");
            }
            if let Some(def) = program.definitions.iter().find(|d| d.name == sym.name) {
                if let (Some(dim), Some(shape)) = (def.value.ty.dimension(), def.value.ty.shape()) {
                    out.push_str(&format!(
                        "\n- dimension: {}\n- shape: {}",
                        program.registry.format_dimension(dim),
                        shape.describe()
                    ));
                }
            }
            let scenario = program.scenarios.first().map(|s| s.name.clone());
            let value = doc.session.eval(&sym.name, scenario.as_deref());
            let unit = match (&annotation, &value) {
                (Some(u), _) => Some(crate::syntax::fmt::unit(u)),
                (None, Ok(v)) => unit_of(v).map(|u| program.registry.format_unit(u)),
                _ => None,
            };
            if let Some(u) = unit {
                out.push_str(&format!("\n- unit: {u}"));
            }
            match value {
                Ok(v) => {
                    let (when, q) = first_value(&v, scenario.as_deref());
                    if let Some(q) = q {
                        out.push_str(&format!("\n- value{when}: {}", q.format(&program.registry)));
                    }
                }
                Err(diags) => {
                    let why = diags.first().map_or(String::new(), |d| d.message.clone());
                    out.push_str(&format!("\n- value: not computed ({why})"));
                }
            }
        } else if let Some(u) = &annotation {
            out.push_str(&format!("\n- unit: {}", crate::syntax::fmt::unit(u)));
        }
    }
    if let Some(c) = comment {
        out.push_str(&format!("\n\n{c}"));
    }
    out
}

fn unit_of(v: &crate::eval::Value) -> Option<&crate::units::Unit> {
    use crate::eval::Value;
    match v {
        Value::Quantity(q) | Value::Uncertain { point: q, .. } => Some(&q.unit),
        Value::Series(ps) => ps.first().map(|(_, q)| &q.unit),
        _ => None,
    }
}

/// The value in the first period, with words saying where it was read.
fn first_value<'v>(v: &'v crate::eval::Value, scenario: Option<&str>) -> (String, Option<&'v crate::units::Quantity>) {
    use crate::eval::Value;
    let scen = scenario.map_or(String::new(), |s| format!(", scenario {s}"));
    match v {
        Value::Quantity(q) | Value::Uncertain { point: q, .. } => (format!(" in every period{scen}"), Some(q)),
        Value::Series(ps) => match ps.first() {
            Some((p, q)) => (format!(" in {p}{scen}"), Some(q)),
            None => (String::new(), None),
        },
        _ => (String::new(), None),
    }
}

/// The `//` comment lines right above the line of byte `start` (its declaration's doc).
fn comment_above(text: &str, start: usize) -> Option<String> {
    let before = text.get(..start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut lines: Vec<&str> = before
        .get(..line_start)?
        .lines()
        .rev()
        .map_while(|l| l.trim().strip_prefix("//").map(|c| c.strip_prefix(' ').unwrap_or(c)))
        .collect();
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

/// Go to definition: the declaration the name under the cursor resolves to, in this file,
/// an import, or a std module (an `aifin-std:` document).
pub fn definition(doc: &Doc, pos: lsp::Position) -> Option<lsp::Location> {
    let at = text::offset(&doc.text, pos);
    if let Some(l) = imported_file(doc, at) {
        return Some(l);
    }
    let (_, name) = doc.name_at(at)?;
    let (_, sym) = doc.resolve(&name)?;
    location(doc, sym.name_span)
}

/// The file an `import "…"` under the cursor loads: its start.
fn imported_file(doc: &Doc, at: usize) -> Option<lsp::Location> {
    let main = doc.analysis.main?;
    let (_, file, _) = doc.analysis.files.iter().find(|(id, _, _)| *id == main)?;
    let import = file.decls.iter().find_map(|d| match d {
        ast::Decl::Import(i) if i.path_span.start() <= at && at <= i.path_span.end() => Some(i),
        _ => None,
    })?;
    let dir = std::path::Path::new(&doc.name).parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let shown =
        if import.path.starts_with("std/") { import.path.clone() } else { crate::imports::shown(&dir, &import.path) };
    let id = doc
        .analysis
        .files
        .iter()
        .map(|(id, _, _)| *id)
        .find(|id| doc.sources().get(*id).is_some_and(|s| s.name() == shown))?;
    let span = crate::source::Span::file_start(id);
    location(doc, span)
}

/// Where a declaration is, as every document's program names it: its file and offset.
type Key = (String, usize);

fn key_of(doc: &Doc, id: SourceId, sym: &Symbol) -> Option<Key> {
    Some((doc.sources().get(id)?.name().to_string(), sym.name_span.start()))
}

/// Every use of the name under the cursor in the programs of the open documents (and its
/// declaration when `declaration`): the locations, sorted and without repeats.
pub fn references(ws: &Workspace, uri: &Url, pos: lsp::Position, declaration: bool) -> Option<Vec<lsp::Location>> {
    let doc = ws.doc(uri)?;
    let at = text::offset(&doc.text, pos);
    let (_, name) = doc.name_at(at)?;
    let (id, sym) = doc.resolve(&name)?;
    let key = key_of(doc, id, sym)?;
    let mut seen: BTreeMap<(String, u32, u32), lsp::Location> = BTreeMap::new();
    for (_, other) in ws.docs() {
        let Some((oid, osym)) = other.resolve(&name) else { continue };
        if key_of(other, oid, osym).as_ref() != Some(&key) {
            continue;
        }
        let mut spans: Vec<crate::source::Span> = Vec::new();
        for (_, _, ix) in &other.analysis.files {
            spans.extend(ix.uses.iter().filter(|o| o.name == name).map(|o| o.span));
        }
        if declaration {
            spans.push(osym.name_span);
        }
        for s in spans {
            if let Some(l) = location(other, s) {
                seen.insert((l.uri.to_string(), l.range.start.line, l.range.start.character), l);
            }
        }
    }
    Some(seen.into_values().collect())
}

/// Why a rename is refused.
pub type Refused = String;

/// Rename: the declaration and every use, across the files of the open documents' programs.
pub fn rename(ws: &Workspace, uri: &Url, pos: lsp::Position, new_name: &str) -> Result<lsp::WorkspaceEdit, Refused> {
    let valid = new_name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid || crate::syntax::grammar::is_reserved(new_name) {
        return Err(format!("`{new_name}` is not a name that can be declared"));
    }
    let doc = ws.doc(uri).ok_or("the document is not open")?;
    let at = text::offset(&doc.text, pos);
    let (_, name) = doc.name_at(at).ok_or("no declared name here")?;
    let (id, _) = doc.resolve(&name).ok_or_else(|| format!("`{name}` is not declared in this program"))?;
    if doc.sources().get(id).is_some_and(|s| s.kind() == SourceKind::Std) {
        return Err(format!("`{name}` is declared in a std module, which cannot be changed"));
    }
    let locations = references(ws, uri, pos, true).ok_or("no declared name here")?;
    let mut changes: BTreeMap<String, (Url, Vec<lsp::TextEdit>)> = BTreeMap::new();
    for l in locations {
        let entry = changes.entry(l.uri.to_string()).or_insert_with(|| (l.uri.clone(), Vec::new()));
        entry.1.push(lsp::TextEdit { range: l.range, new_text: new_name.to_string() });
    }
    let changes = changes.into_values().collect();
    Ok(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() })
}

/// The document's declarations (entities, drivers, curves, flows, contracts, scenarios,
/// units, dimensions, currencies), in source order.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out; it is `None`
pub fn symbols(doc: &Doc) -> Vec<lsp::DocumentSymbol> {
    let Some(main) = doc.analysis.main else { return Vec::new() };
    let Some((_, _, ix)) = doc.analysis.files.iter().find(|(id, _, _)| *id == main) else { return Vec::new() };
    ix.symbols
        .iter()
        .map(|s| lsp::DocumentSymbol {
            name: s.name.clone(),
            detail: Some(s.kind.keyword().to_string()),
            kind: match s.kind {
                Kind::Scenario => lsp::SymbolKind::NAMESPACE,
                Kind::Entity => lsp::SymbolKind::CLASS,
                Kind::Driver => lsp::SymbolKind::VARIABLE,
                Kind::Curve => lsp::SymbolKind::FUNCTION,
                Kind::Flow => lsp::SymbolKind::EVENT,
                Kind::Contract => lsp::SymbolKind::STRUCT,
                Kind::Unit | Kind::Currency => lsp::SymbolKind::CONSTANT,
                Kind::Dimension => lsp::SymbolKind::TYPE_PARAMETER,
            },
            tags: None,
            deprecated: None,
            range: text::range(&doc.text, s.span.start(), s.span.end()),
            selection_range: text::range(&doc.text, s.name_span.start(), s.name_span.end()),
            children: None,
        })
        .collect()
}

/// Formatting: the document printed by `aifin fmt` as one edit (none when it is already in
/// canonical form); refused, with the first error, when it does not parse.
pub fn format(doc: &Doc) -> Result<Vec<lsp::TextEdit>, Refused> {
    let mut sources = SourceMap::new();
    let id = sources.add(doc.name.clone(), doc.text.clone(), SourceKind::Input);
    let (file, errors) = crate::syntax::parse_file(&sources, id);
    if let Some(e) = errors.first() {
        let d = crate::diagnostic::ToDiagnostic::to_diagnostic(e);
        return Err(format!("cannot format a file that does not parse: {}", d.message));
    }
    let printed = crate::syntax::fmt::file(&file, &sources);
    if printed == doc.text {
        return Ok(Vec::new());
    }
    Ok(vec![lsp::TextEdit { range: text::range(&doc.text, 0, doc.text.len()), new_text: printed }])
}
