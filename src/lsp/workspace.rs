//! The open documents and what was last found in each. Every document has its own
//! [`Session`]: an edit re-checks that document's program only ([`Session::check_text`], the
//! prelude parsed once per session), and imports are read through an importer that serves
//! the open buffers first, so a file sees what its imports say before they are saved.

use super::index::{FileIndex, Symbol};
use super::text;
use crate::diagnostic::{Diagnostic, Severity};
use crate::driver::{DiskImporter, Importer};
use crate::imports::{ReadFailure, Refusal};
use crate::session::Session;
use crate::source::{SourceId, SourceKind, SourceMap, Span};
use crate::syntax::ast;
use lsp_types as lsp;
use lsp_types::Url;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The URI scheme of the std modules, which open as read-only documents (`aifin-std:std/units.aifin`).
pub const STD_SCHEME: &str = "aifin-std";

/// After this many checks a document gets a fresh session: each check adds its text to the
/// session's source map, which must not grow without bound in a long editing session.
const CHECKS_PER_SESSION: usize = 200;

/// The texts of the open documents, by canonical path, shared with every document's importer.
type Buffers = Rc<RefCell<BTreeMap<PathBuf, String>>>;

/// Reads an open buffer before the disk; resolves imports under the disk's import policy.
struct BufferImporter {
    buffers: Buffers,
    disk: DiskImporter,
}

impl Importer for BufferImporter {
    fn resolve(&self, main: &Path, dir: &Path, written: &str) -> Result<PathBuf, Refusal> {
        self.disk.resolve(main, dir, written)
    }
    fn read(&self, path: &Path) -> Result<String, ReadFailure> {
        match self.buffers.borrow().get(path) {
            Some(t) => Ok(t.clone()),
            None => self.disk.read(path),
        }
    }
}

/// What the last check of a document found.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The program's files (the prelude and imports first), each with its index.
    pub files: Vec<(SourceId, ast::File, FileIndex)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The document's own source.
    pub main: Option<SourceId>,
}

/// One open document.
pub struct Doc {
    pub uri: Url,
    pub text: String,
    pub version: i32,
    /// The name the document is loaded under (its path, or its URI when it has none).
    pub name: String,
    pub session: Session,
    checks: usize,
    pub analysis: Analysis,
}

impl Doc {
    /// The sources the analysis's spans point into.
    pub fn sources(&self) -> &SourceMap {
        self.session.sources()
    }

    /// The declaration a name resolves to in this document's program: its file and symbol.
    pub fn resolve(&self, name: &str) -> Option<(SourceId, &Symbol)> {
        self.analysis.files.iter().find_map(|(id, _, ix)| ix.symbols.iter().find(|s| s.name == name).map(|s| (*id, s)))
    }

    /// The name used or declared at byte `at` of the document: its text span and the name.
    pub fn name_at(&self, at: usize) -> Option<(Span, String)> {
        let main = self.analysis.main?;
        let (_, _, ix) = self.analysis.files.iter().find(|(id, _, _)| *id == main)?;
        let inside = |s: Span| s.start() <= at && at <= s.end();
        let decl = ix.symbols.iter().find(|s| inside(s.name_span)).map(|s| (s.name_span, s.name.clone()));
        decl.or_else(|| ix.uses.iter().find(|o| inside(o.span)).map(|o| (o.span, o.name.clone())))
    }
}

/// Every open document.
pub struct Workspace {
    docs: BTreeMap<Url, Doc>,
    buffers: Buffers,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace { docs: BTreeMap::new(), buffers: Rc::new(RefCell::new(BTreeMap::new())) }
    }

    fn session(&self) -> Session {
        Session::with_importer(Box::new(BufferImporter {
            buffers: self.buffers.clone(),
            disk: DiskImporter::default(),
        }))
    }

    pub fn doc(&self, uri: &Url) -> Option<&Doc> {
        self.docs.get(uri)
    }

    pub fn doc_mut(&mut self, uri: &Url) -> Option<&mut Doc> {
        self.docs.get_mut(uri)
    }

    pub fn docs(&self) -> impl Iterator<Item = (&Url, &Doc)> {
        self.docs.iter()
    }

    /// Opens (or replaces) a document and checks it.
    pub fn open(&mut self, uri: Url, version: i32, text: String) -> lsp::PublishDiagnosticsParams {
        let name = match uri.to_file_path() {
            Ok(p) => p.to_string_lossy().to_string(),
            Err(()) => uri.to_string(),
        };
        let doc = Doc {
            uri: uri.clone(),
            text,
            version,
            name,
            session: self.session(),
            checks: 0,
            analysis: Analysis::default(),
        };
        self.docs.insert(uri.clone(), doc);
        self.check(&uri)
    }

    /// Applies the changes of one `didChange` and re-checks that document alone.
    pub fn change(
        &mut self,
        uri: &Url,
        version: i32,
        changes: &[lsp::TextDocumentContentChangeEvent],
    ) -> Option<lsp::PublishDiagnosticsParams> {
        let doc = self.docs.get_mut(uri)?;
        for c in changes {
            text::apply(&mut doc.text, c);
        }
        doc.version = version;
        Some(self.check(uri))
    }

    /// Closes a document: its buffer no longer stands in for the file.
    pub fn close(&mut self, uri: &Url) {
        if let Some(doc) = self.docs.remove(uri) {
            self.buffers.borrow_mut().remove(&canonical(&doc.name));
        }
    }

    /// Re-checks every open document (after a save, which may change what others import).
    pub fn check_all(&mut self) -> Vec<lsp::PublishDiagnosticsParams> {
        let uris: Vec<Url> = self.docs.keys().cloned().collect();
        uris.iter().map(|u| self.check(u)).collect()
    }

    fn check(&mut self, uri: &Url) -> lsp::PublishDiagnosticsParams {
        let fresh = self.session();
        let buffers = self.buffers.clone();
        let Some(doc) = self.docs.get_mut(uri) else {
            return lsp::PublishDiagnosticsParams { uri: uri.clone(), diagnostics: Vec::new(), version: None };
        };
        buffers.borrow_mut().insert(canonical(&doc.name), doc.text.clone());
        doc.checks += 1;
        if doc.checks > CHECKS_PER_SESSION {
            doc.session = fresh;
            doc.checks = 1;
        }
        let checked = doc.session.check_text(&doc.name, &doc.text);
        let main = checked.files.last().map(|(id, _)| *id);
        let files = checked.files.into_iter().map(|(id, f)| {
            let ix = FileIndex::of(&f);
            (id, f, ix)
        });
        doc.analysis = Analysis { files: files.collect(), diagnostics: checked.diagnostics, main };
        let diagnostics = doc.analysis.diagnostics.iter().map(|d| to_lsp(d, doc)).collect();
        lsp::PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version: Some(doc.version) }
    }
}

/// The path an importer resolves a file to (canonical when it exists).
fn canonical(name: &str) -> PathBuf {
    std::fs::canonicalize(name).unwrap_or_else(|_| PathBuf::from(name))
}

/// The URI of a source: a file, or a std module's virtual document.
pub fn source_uri(doc: &Doc, id: SourceId) -> Option<Url> {
    let src = doc.sources().get(id)?;
    if src.kind() == SourceKind::Std {
        return std_uri(src.name());
    }
    if src.name() == doc.name {
        return Some(doc.uri.clone());
    }
    let path = Path::new(src.name());
    let path = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
    Url::from_file_path(path).ok()
}

/// `aifin-std:std/units.aifin` for the std module `std/units`.
pub fn std_uri(module: &str) -> Option<Url> {
    Url::parse(&format!("{STD_SCHEME}:{module}.aifin")).ok()
}

/// The std module a virtual document's URI names, and its text.
pub fn std_text(uri: &Url) -> Option<&'static str> {
    if uri.scheme() != STD_SCHEME {
        return None;
    }
    let module = uri.path().strip_suffix(".aifin")?;
    crate::driver::STD_MODULES.iter().find(|(m, _)| *m == module).map(|(_, t)| *t)
}

/// A span as an LSP location.
pub fn location(doc: &Doc, span: Span) -> Option<lsp::Location> {
    let sources = doc.sources();
    let uri = source_uri(doc, span.source())?;
    let text = sources.get(span.source())?.text();
    Some(lsp::Location { uri, range: text::range(text, span.start(), span.end()) })
}

/// A diagnostic as the editor shows it: the CLI's code and message (its help and notes on the
/// lines after), at its primary span, its labels as related information. One whose primary
/// span is in another file (an import) is shown at the import that leads there.
fn to_lsp(d: &Diagnostic, doc: &Doc) -> lsp::Diagnostic {
    let sources = doc.sources();
    let main = doc.analysis.main;
    let range = match d.primary() {
        Some(s) if Some(s.source()) == main => text::range(&doc.text, s.start(), s.end()),
        Some(s) => import_leading_to(doc, s.source()).unwrap_or_default(),
        None => lsp::Range::default(),
    };
    let mut message = d.message.clone();
    if let Some(s) = d.primary().filter(|s| Some(s.source()) != main) {
        let (line, col) = sources.line_col(s.source(), s.start());
        let name = sources.get(s.source()).map_or("", |x| x.name());
        message = format!("{message}\n  --> {name}:{line}:{col}");
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    for n in &d.notes {
        message.push_str(&format!("\nnote: {n}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.message.is_empty())
        .filter_map(|l| {
            let location = location(doc, l.span)?;
            Some(lsp::DiagnosticRelatedInformation { location, message: l.message.clone() })
        })
        .collect();
    lsp::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("aifin".into()),
        message,
        related_information: if related.is_empty() { None } else { Some(related) },
        ..Default::default()
    }
}

/// The range of the document's import that loads source `target` (directly or through others).
fn import_leading_to(doc: &Doc, target: SourceId) -> Option<lsp::Range> {
    let sources = doc.sources();
    let target_name = sources.get(target)?.name().to_string();
    let (_, file, _) = doc.analysis.files.iter().find(|(id, _, _)| Some(*id) == doc.analysis.main)?;
    let dir = Path::new(&doc.name).parent().map(Path::to_path_buf).unwrap_or_default();
    let imports: Vec<&ast::Import> = file
        .decls
        .iter()
        .filter_map(|d| match d {
            ast::Decl::Import(i) => Some(&**i),
            _ => None,
        })
        .collect();
    let direct = imports.iter().find(|i| crate::imports::shown(&dir, &i.path) == target_name || i.path == target_name);
    let chosen = direct.or(imports.first())?;
    Some(text::range(&doc.text, chosen.span.start(), chosen.span.end()))
}
