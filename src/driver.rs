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
use crate::imports::{ImportPolicy, ReadFailure, Refusal};
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
    /// An import by absolute path (see [`crate::imports`]).
    AbsoluteImport {
        /// The import's path.
        span: Span,
        /// The path as written.
        path: String,
    },
    /// An import that resolves outside the main file's folder tree.
    ImportOutside {
        /// The import's path.
        span: Span,
        /// The path as written.
        path: String,
        /// The main file's folder.
        root: String,
        /// True if a symlink leads out.
        through_link: bool,
    },
    /// An import of a directory, a device or a file not named `*.aifin`.
    NotASource {
        /// The import's path.
        span: Span,
        /// The path as joined.
        path: String,
        /// What it is instead.
        what: String,
    },
    /// A file that is not UTF-8 text, at its first bad byte.
    NotUtf8 {
        /// The first byte that is not UTF-8 (in the file, read with replacement characters).
        span: Span,
    },
}

// Every code of this stage (each has an example under `examples/errors/load/`).
crate::diagnostic::diagnostic_codes! {
    LoadError {
        Unreadable => "aifin::load::unreadable": "a file that cannot be read",
        UnknownStdModule => "aifin::load::unknown_std_module": "`import \"std/…\"` of no std module",
        ImportCycle => "aifin::load::import_cycle": "files that import each other",
        AbsoluteImport => "aifin::load::absolute_import": "an import by absolute path",
        ImportOutside => "aifin::load::import_outside": "an import outside the main file's folder tree (or `--allow-import` folders)",
        NotASource => "aifin::load::not_a_source": "an import of a directory, a device or a file not named `*.aifin`",
        NotUtf8 => "aifin::load::not_utf8": "a file that is not UTF-8 text",
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
            LoadError::AbsoluteImport { span, path } => {
                Diagnostic::error(code, format!("`{path}` is an absolute path; imports are relative"))
                    .with_label(*span, "absolute path")
                    .with_help("write the path relative to this file's folder (`import \"shared/units.aifin\"`)")
            }
            LoadError::ImportOutside { span, path, root, through_link } => {
                let how = if *through_link { " (through a symbolic link)" } else { "" };
                Diagnostic::error(code, format!("`{path}` is outside `{root}`, the main file's folder{how}"))
                    .with_label(*span, "outside the main file's folder")
                    .with_help(
                        "imports stay inside the main file's folder tree; to read another folder, \
                         name it with `--allow-import DIR`",
                    )
            }
            LoadError::NotASource { span, path, what } => {
                Diagnostic::error(code, format!("cannot import `{path}`: it is {what}"))
                    .with_label(*span, "imported here")
                    .with_help("an import names an `.aifin` file")
            }
            LoadError::NotUtf8 { span } => Diagnostic::error(code, "this file is not UTF-8 text")
                .with_label(*span, "not UTF-8")
                .with_help("save the file as UTF-8"),
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
/// Numbat's `ModuleImporter`).
pub trait Importer {
    /// Which file `import "written"` in a file in folder `dir` names, when the program's main
    /// file (or in-memory text) is `main`: the path to read, which is also the file's identity
    /// for cycles. The default joins the path; [`DiskImporter`] applies the import policy.
    fn resolve(&self, main: &Path, dir: &Path, written: &str) -> Result<PathBuf, Refusal> {
        let _ = main;
        Ok(dir.join(written))
    }

    /// The text of `path`, or why not.
    fn read(&self, path: &Path) -> Result<String, ReadFailure>;
}

/// Reads from the file system, under the import policy of [`crate::imports`]: imports stay
/// inside the main file's folder tree, widened by the `--allow-import` folders.
#[derive(Debug, Clone, Default)]
pub struct DiskImporter {
    /// Folders imports may also read (`--allow-import DIR`).
    pub allow: Vec<PathBuf>,
}

impl DiskImporter {
    /// Imports may also read `allow` and below.
    pub fn allowing(allow: Vec<PathBuf>) -> DiskImporter {
        DiskImporter { allow }
    }
}

impl Importer for DiskImporter {
    fn resolve(&self, main: &Path, dir: &Path, written: &str) -> Result<PathBuf, Refusal> {
        ImportPolicy::for_main(main, &self.allow).resolve(dir, written)
    }

    fn read(&self, path: &Path) -> Result<String, ReadFailure> {
        crate::imports::read_source(path)
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
    fn read(&self, path: &Path) -> Result<String, ReadFailure> {
        self.files.get(path).cloned().ok_or_else(|| ReadFailure::Reason("no such file".to_string()))
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
    /// The main file (or the name of the text) whose folder tree imports stay in.
    main: PathBuf,
    std: &'a mut StdCache,
    out: Loaded,
    /// Keys of files being loaded (for cycles), innermost last, with the names shown.
    stack: Vec<(String, String)>,
    /// Keys of files this load has already taken in. Not the source map: a map that outlives
    /// one load (a session) already holds the files of earlier loads, and a file must be taken
    /// into every load that imports it (else a second load loses the prelude).
    done: Vec<String>,
}

impl Loader<'_> {
    fn cycle(&mut self, key: &str, shown: &str, span: Option<Span>) -> bool {
        if !self.stack.iter().any(|(k, _)| k == key) {
            return false;
        }
        if let Some(span) = span {
            let mut chain: Vec<String> =
                self.stack.iter().skip_while(|(k, _)| k != key).map(|(_, n)| n.clone()).collect();
            chain.push(shown.to_string());
            self.out.diagnostics.push(LoadError::ImportCycle { span, chain }.to_diagnostic());
        }
        true
    }

    fn load_std(&mut self, name: &str, span: Option<Span>) {
        if self.cycle(name, name, span) || self.done.iter().any(|d| d == name) {
            return;
        }
        if let Some((_, id, file)) = self.std.files.iter().find(|f| f.0 == name) {
            let (id, file) = (*id, file.clone());
            self.follow(id, file, (name.to_string(), name.to_string()), None);
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
        self.follow(id, file, (name.to_string(), name.to_string()), None);
    }

    /// An import written `written` in a file in folder `dir`: the importer (for the disk, the
    /// import policy) decides which file it is, then it is loaded.
    fn import(&mut self, dir: &Path, written: &str, span: Span) {
        let shown = crate::imports::shown(dir, written);
        let error = match self.importer.resolve(&self.main, dir, written) {
            Ok(path) => return self.load_file(&path, shown, Some(span)),
            Err(Refusal::Absolute) => LoadError::AbsoluteImport { span, path: written.to_string() },
            Err(Refusal::Outside { root, through_link }) => {
                LoadError::ImportOutside { span, path: written.to_string(), root, through_link }
            }
            Err(Refusal::NotASource { what }) => LoadError::NotASource { span, path: shown, what },
            Err(Refusal::Unreadable { reason }) => LoadError::Unreadable { span: Some(span), path: shown, reason },
        };
        self.out.diagnostics.push(error.to_diagnostic());
    }

    /// Reads and parses the file at `path` (the main file, or an import the importer
    /// resolved), shown as `shown`; its folder, as shown, is where its own imports start.
    fn load_file(&mut self, path: &Path, shown: String, span: Option<Span>) {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).to_string_lossy().to_string();
        if self.cycle(&key, &shown, span) || self.done.contains(&key) {
            return;
        }
        let text = match self.importer.read(path) {
            Ok(t) => t,
            Err(ReadFailure::NotUtf8 { lossy, at }) => {
                let id = self.sources.add(shown, lossy, SourceKind::File);
                let at = self.sources.span(id, at, at + '\u{fffd}'.len_utf8()).unwrap_or(Span::file_start(id));
                self.out.diagnostics.push(LoadError::NotUtf8 { span: at }.to_diagnostic());
                return;
            }
            Err(ReadFailure::Reason(reason)) => {
                self.out.diagnostics.push(LoadError::Unreadable { span, path: shown, reason }.to_diagnostic());
                return;
            }
        };
        let dir = Path::new(&shown).parent().map(Path::to_path_buf);
        let id = self.sources.add(shown.clone(), text, SourceKind::File);
        self.parse_and_follow(id, (key, shown), dir);
    }

    fn parse_and_follow(&mut self, id: SourceId, key: (String, String), dir: Option<PathBuf>) {
        let (file, errors) = syntax::parse_file(self.sources, id);
        self.out.diagnostics.extend(errors.iter().map(ToDiagnostic::to_diagnostic));
        self.follow(id, file, key, dir);
    }

    /// Loads what `file` imports, then takes it in.
    fn follow(&mut self, id: SourceId, file: ast::File, key: (String, String), dir: Option<PathBuf>) {
        self.done.push(key.0.clone());
        self.stack.push(key);
        for d in &file.decls {
            if let ast::Decl::Import(i) = d {
                if i.path.starts_with("std/") {
                    self.load_std(&i.path, Some(i.path_span));
                } else {
                    let base = dir.clone().unwrap_or_default();
                    self.import(&base, &i.path, i.path_span);
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
    let main = match root {
        Root::Prelude => PathBuf::from("<prelude>"),
        Root::File(path) => path.to_path_buf(),
        Root::Text { name, .. } => PathBuf::from(name),
    };
    let mut l = Loader { sources, importer, main, std, out: Loaded::default(), stack: Vec::new(), done: Vec::new() };
    l.load_std("std/units", None);
    match root {
        Root::Prelude => {}
        Root::File(path) => l.load_file(path, path.to_string_lossy().to_string(), None),
        Root::Text { name, text } => {
            let id = l.sources.add(name, text, SourceKind::Input);
            let dir = Path::new(name).parent().map(Path::to_path_buf);
            l.parse_and_follow(id, (name.to_string(), name.to_string()), dir);
        }
    }
    l.out
}

/// Loads the prelude and then `path` with everything it imports, from the disk.
pub fn load(sources: &mut SourceMap, path: &Path) -> Loaded {
    load_with(sources, &DiskImporter::default(), &mut StdCache::default(), Root::File(path))
}

/// Loads the prelude and then source text already in memory (tests), imports from the disk.
pub fn load_text(sources: &mut SourceMap, name: &str, text: &str) -> Loaded {
    load_with(sources, &DiskImporter::default(), &mut StdCache::default(), Root::Text { name, text })
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

/// Checks the loaded declarations once, as [`compile`] does, consuming them: each flow's
/// declaration is freed as soon as it is checked ([`check::check_owned`]), so a command that
/// checks a program once (`aifin check`, `run`, `compare`) never holds the whole AST and the
/// whole checked program at once (issue 20).
pub fn compile_once(loaded: Loaded) -> (Program, Vec<Diagnostic>) {
    let mut diags = loaded.diagnostics;
    let decls: Vec<ast::Decl> = loaded.files.into_iter().flat_map(|(_, f)| f.decls).collect();
    let (registry, unit_errors) = units::build_registry(&decls.iter().collect::<Vec<_>>());
    diags.extend(unit_errors.iter().map(ToDiagnostic::to_diagnostic));
    let (program, errors) = check::check_owned(decls, registry);
    diags.extend(errors.iter().map(ToDiagnostic::to_diagnostic));
    (program, diags)
}

/// Loads and checks a file (imports under the import policy, [`crate::imports`]).
pub fn compile_file(sources: &mut SourceMap, path: &Path) -> (Program, Vec<Diagnostic>) {
    let loaded = load(sources, path);
    let (p, _, d) = compile(&loaded, None);
    (p, d)
}
