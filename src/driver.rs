//! The driver: loads sources (files, imports, the embedded std library), runs the stages in
//! order and gathers their diagnostics. The CLI, the REPL and the golden tests all go through
//! here, so they see the same pipeline:
//!
//! source → [`crate::syntax::parse_file`] → [`crate::units::build_registry`] →
//! [`crate::check::check`] → evaluation.
//!
//! The std modules (`std/units`, `std/hardware`, `std/finance`) are compiled into the binary, so an installed
//! `aifin` works from any folder. `std/units` is the prelude: it is loaded before every
//! program, and importing it again is allowed and does nothing.

use crate::check::{self, ir::Program, ir::TExpr};
use crate::diagnostic::{Diagnostic, ToDiagnostic};
use crate::source::{SourceId, SourceKind, SourceMap, Span};
use crate::syntax::{self, ast};
use crate::units;
use std::path::{Path, PathBuf};

/// The bundled standard library: module name and text.
pub const STD_MODULES: &[(&str, &str)] = &[
    ("std/units", include_str!("../std_lib/units.aifin")),
    ("std/hardware", include_str!("../std_lib/hardware.aifin")),
    ("std/finance", include_str!("../std_lib/finance.aifin")),
];

/// Errors of loading sources (`aifin::load::…`).
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// A file that cannot be read.
    Unreadable {
        /// The import that names it, if any.
        span: Option<Span>,
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// An import of a std module that does not exist.
    UnknownStdModule {
        /// The import's path.
        span: Span,
        name: String,
    },
    /// Files that import each other.
    ImportCycle {
        /// The import that closes the circle.
        span: Span,
        /// The files around it.
        chain: Vec<String>,
    },
}

// Every code of this stage (each has an example under `examples/errors/load/`).
crate::diagnostic::diagnostic_codes! {
    LoadError {
        Unreadable => "aifin::load::unreadable": "a file that cannot be read",
        UnknownStdModule => "aifin::load::unknown_std_module": "`import \"std/…\"` of no std module",
        ImportCycle => "aifin::load::import_cycle": "files that import each other",
    }
}

impl ToDiagnostic for LoadError {
    fn code(&self) -> &'static str {
        self.diagnostic_code()
    }
    fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            LoadError::Unreadable { span, path, reason } => {
                let d = Diagnostic::error(code, format!("cannot read `{path}`: {reason}"));
                let d = match span {
                    Some(s) => d.with_label(*s, "imported here"),
                    None => d,
                };
                d.with_help("check the path; imports are relative to the importing file")
            }
            LoadError::UnknownStdModule { span, name } => {
                let names: Vec<&str> = STD_MODULES.iter().map(|m| m.0).collect();
                Diagnostic::error(code, format!("there is no std module `{name}`"))
                    .with_label(*span, "not a std module")
                    .with_help(format!("the std modules are {}", names.join(", ")))
            }
            LoadError::ImportCycle { span, chain } => {
                Diagnostic::error(code, format!("files import each other: {}", chain.join(" -> ")))
                    .with_label(*span, "this import closes the circle")
                    .with_help("move the shared declarations into a third file that both import")
            }
        }
    }
}

/// Everything loaded for one program: sources and their parsed files, in load order (std
/// modules first, each file after the files it imports).
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<(SourceId, ast::File)>,
    /// Diagnostics of loading and parsing.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// All declarations in load order.
    pub fn decls(&self) -> Vec<&ast::Decl> {
        self.files.iter().flat_map(|(_, f)| f.decls.iter()).collect()
    }
}

/// Where imports come from: the disk for the command line, memory for tests and editors (as
/// Numbat's `ModuleImporter`). `path` is the import joined to the importing file's folder.
/// `Err` carries the reason shown in `aifin::load::unreadable`.
pub trait Importer {
    fn read(&self, path: &Path) -> Result<String, String>;
}

/// Reads imports from the file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiskImporter;

impl Importer for DiskImporter {
    fn read(&self, path: &Path) -> Result<String, String> {
        match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string()),
            Err(e) => Err(match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ if path.is_dir() => "it is a directory".to_string(),
                _ => e.to_string(),
            }),
        }
    }
}

/// Files held in memory, by path: what a test or an editor buffer imports.
#[derive(Debug, Clone, Default)]
pub struct MemoryImporter {
    files: std::collections::BTreeMap<PathBuf, String>,
}

impl MemoryImporter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the text of `path`.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }
}

impl Importer for MemoryImporter {
    fn read(&self, path: &Path) -> Result<String, String> {
        self.files.get(path).cloned().ok_or_else(|| "no such file".to_string())
    }
}

/// Parsed std modules, kept across loads: their text never changes, so a [`crate::session::Session`]
/// parses the prelude once however many programs it loads.
#[derive(Debug, Default)]
pub struct StdCache {
    files: Vec<(String, SourceId, ast::File)>,
}

struct Loader<'a> {
    sources: &'a mut SourceMap,
    importer: &'a dyn Importer,
    std: &'a mut StdCache,
    out: Loaded,
    /// Keys of files being loaded (for cycles), innermost last.
    stack: Vec<String>,
    /// Keys of files this load has already taken in. Not the source map: a map that outlives
    /// one load (a session) already holds the files of earlier loads, and a file must be taken
    /// into every load that imports it (else a second load loses the prelude).
    done: Vec<String>,
}

impl Loader<'_> {
    fn cycle(&mut self, key: &str, span: Option<Span>) -> bool {
        if !self.stack.iter().any(|s| s == key) {
            return false;
        }
        if let Some(span) = span {
            let mut chain: Vec<String> = self.stack.iter().skip_while(|s| *s != key).cloned().collect();
            chain.push(key.to_string());
            self.out.diagnostics.push(LoadError::ImportCycle { span, chain }.to_diagnostic());
        }
        true
    }

    fn load_std(&mut self, name: &str, span: Option<Span>) {
        if self.cycle(name, span) || self.done.iter().any(|d| d == name) {
            return;
        }
        if let Some((_, id, file)) = self.std.files.iter().find(|f| f.0 == name) {
            let (id, file) = (*id, file.clone());
            self.follow(id, file, name.to_string(), None);
            return;
        }
        let Some((_, text)) = STD_MODULES.iter().find(|m| m.0 == name) else {
            if let Some(span) = span {
                self.out.diagnostics.push(LoadError::UnknownStdModule { span, name: name.to_string() }.to_diagnostic());
            }
            return;
        };
        let id = self.sources.add(name, *text, SourceKind::Std);
        let (file, errors) = syntax::parse_file(self.sources, id);
        self.out.diagnostics.extend(errors.iter().map(ToDiagnostic::to_diagnostic));
        if errors.is_empty() {
            self.std.files.push((name.to_string(), id, file.clone()));
        }
        self.follow(id, file, name.to_string(), None);
    }

    fn load_file(&mut self, path: &Path, span: Option<Span>) {
        let key = path.to_string_lossy().to_string();
        if self.cycle(&key, span) || self.done.contains(&key) {
            return;
        }
        let text = match self.importer.read(path) {
            Ok(t) => t,
            Err(reason) => {
                self.out.diagnostics.push(LoadError::Unreadable { span, path: key, reason }.to_diagnostic());
                return;
            }
        };
        let id = self.sources.add(key.clone(), text, SourceKind::File);
        self.parse_and_follow(id, key, path.parent().map(Path::to_path_buf));
    }

    fn parse_and_follow(&mut self, id: SourceId, key: String, dir: Option<PathBuf>) {
        let (file, errors) = syntax::parse_file(self.sources, id);
        self.out.diagnostics.extend(errors.iter().map(ToDiagnostic::to_diagnostic));
        self.follow(id, file, key, dir);
    }

    /// Loads what `file` imports, then takes it in.
    fn follow(&mut self, id: SourceId, file: ast::File, key: String, dir: Option<PathBuf>) {
        self.done.push(key.clone());
        self.stack.push(key);
        for d in &file.decls {
            if let ast::Decl::Import(i) = d {
                if i.path.starts_with("std/") {
                    self.load_std(&i.path, Some(i.path_span));
                } else {
                    let base = dir.clone().unwrap_or_default();
                    self.load_file(&base.join(&i.path), Some(i.path_span));
                }
            }
        }
        self.stack.pop();
        self.out.files.push((id, file));
    }
}

/// What to load after the prelude.
#[derive(Debug, Clone, Copy)]
pub enum Root<'t> {
    /// Nothing: the prelude alone.
    Prelude,
    /// A file, read through the importer.
    File(&'t Path),
    /// Text already in memory, under a name (its folder is where its imports are read from).
    Text { name: &'t str, text: &'t str },
}

/// Loads the prelude and then `root` with everything it imports, reading files through
/// `importer` and std modules through `std` (the one entry point of loading).
pub fn load_with(sources: &mut SourceMap, importer: &dyn Importer, std: &mut StdCache, root: Root<'_>) -> Loaded {
    let mut l = Loader { sources, importer, std, out: Loaded::default(), stack: Vec::new(), done: Vec::new() };
    l.load_std("std/units", None);
    match root {
        Root::Prelude => {}
        Root::File(path) => l.load_file(path, None),
        Root::Text { name, text } => {
            let id = l.sources.add(name, text, SourceKind::Input);
            let dir = Path::new(name).parent().map(Path::to_path_buf);
            l.parse_and_follow(id, name.to_string(), dir);
        }
    }
    l.out
}

/// Loads the prelude and then `path` with everything it imports, from the disk.
pub fn load(sources: &mut SourceMap, path: &Path) -> Loaded {
    load_with(sources, &DiskImporter, &mut StdCache::default(), Root::File(path))
}

/// Loads the prelude and then source text already in memory (tests), imports from the disk.
pub fn load_text(sources: &mut SourceMap, name: &str, text: &str) -> Loaded {
    load_with(sources, &DiskImporter, &mut StdCache::default(), Root::Text { name, text })
}

/// Builds the registry and checks the loaded declarations (and one extra expression, if
/// given). Diagnostics of every stage so far are returned together.
pub fn compile(loaded: &Loaded, extra: Option<&ast::Expr>) -> (Program, Option<TExpr>, Vec<Diagnostic>) {
    let decls = loaded.decls();
    let mut diags = loaded.diagnostics.clone();
    let (registry, unit_errors) = units::build_registry(&decls);
    diags.extend(unit_errors.iter().map(ToDiagnostic::to_diagnostic));
    let (program, extra, errors) = check::check_with(&decls, registry, extra);
    diags.extend(errors.iter().map(ToDiagnostic::to_diagnostic));
    (program, extra, diags)
}

/// Loads and checks a file.
pub fn compile_file(sources: &mut SourceMap, path: &Path) -> (Program, Vec<Diagnostic>) {
    let loaded = load(sources, path);
    let (p, _, d) = compile(&loaded, None);
    (p, d)
}
