//! The driver: loads sources (files, imports, the embedded std library), runs the stages in
//! order and gathers their diagnostics. The CLI, the REPL and the golden tests all go through
//! here, so they see the same pipeline:
//!
//! source → [`crate::syntax::parse_file`] → [`crate::units::build_registry`] →
//! [`crate::check::check`] → evaluation.
//!
//! The std modules (`std/units`, `std/hardware`) are compiled into the binary, so an installed
//! `aifin` works from any folder. `std/units` is the prelude: it is loaded before every
//! program, and importing it again is allowed and does nothing.

use crate::check::{self, ir::Program, ir::TExpr};
use crate::diagnostic::{Diagnostic, ToDiagnostic};
use crate::imports::{ImportPolicy, Refusal};
use crate::source::{SourceId, SourceKind, SourceMap, Span};
use crate::syntax::{self, ast};
use crate::units;
use std::path::{Path, PathBuf};

/// The bundled standard library: module name and text.
pub const STD_MODULES: &[(&str, &str)] = &[
    ("std/units", include_str!("../std_lib/units.aifin")),
    ("std/hardware", include_str!("../std_lib/hardware.aifin")),
];

/// Errors of loading sources (`aifin::load::…`).
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// A file that cannot be read.
    Unreadable {
        /// The import that names it, if any.
        span: Option<Span>,
        /// The path.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// An import of a std module that does not exist.
    UnknownStdModule {
        /// The import's path.
        span: Span,
        /// The module.
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

impl LoadError {
    /// Every code of this stage (each has an example under `examples/errors/load/`).
    pub const CODES: &'static [&'static str] = &[
        "aifin::load::unreadable",
        "aifin::load::unknown_std_module",
        "aifin::load::import_cycle",
        "aifin::load::absolute_import",
        "aifin::load::import_outside",
        "aifin::load::not_a_source",
        "aifin::load::not_utf8",
    ];
}

impl ToDiagnostic for LoadError {
    fn code(&self) -> &'static str {
        match self {
            LoadError::Unreadable { .. } => "aifin::load::unreadable",
            LoadError::UnknownStdModule { .. } => "aifin::load::unknown_std_module",
            LoadError::ImportCycle { .. } => "aifin::load::import_cycle",
            LoadError::AbsoluteImport { .. } => "aifin::load::absolute_import",
            LoadError::ImportOutside { .. } => "aifin::load::import_outside",
            LoadError::NotASource { .. } => "aifin::load::not_a_source",
            LoadError::NotUtf8 { .. } => "aifin::load::not_utf8",
        }
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
    /// The parsed files.
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

struct Loader<'a> {
    sources: &'a mut SourceMap,
    out: Loaded,
    /// Files being loaded (for cycles), innermost last: identity (resolved path or std name)
    /// and the name shown.
    stack: Vec<(String, String)>,
    /// Identities of the files loaded so far.
    seen: std::collections::HashSet<String>,
    /// Where imports may read from.
    policy: ImportPolicy,
}

impl Loader<'_> {
    fn new(sources: &mut SourceMap, policy: ImportPolicy) -> Loader<'_> {
        Loader { sources, out: Loaded::default(), stack: Vec::new(), seen: Default::default(), policy }
    }

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
        if self.seen.contains(name) {
            self.cycle(name, name, span);
            return;
        }
        let Some((_, text)) = STD_MODULES.iter().find(|m| m.0 == name) else {
            if let Some(span) = span {
                self.out.diagnostics.push(LoadError::UnknownStdModule { span, name: name.to_string() }.to_diagnostic());
            }
            return;
        };
        self.seen.insert(name.to_string());
        let id = self.sources.add(name, *text, SourceKind::Std);
        self.parse_and_follow(id, (name.to_string(), name.to_string()), None);
    }

    /// An import written `written` in a file in folder `dir`: the policy decides, then load.
    fn import(&mut self, dir: &Path, written: &str, span: Span) {
        let shown = crate::imports::shown(dir, written);
        let error = match self.policy.resolve(dir, written) {
            Ok(resolved) => return self.load_file(&resolved, shown, Some(span)),
            Err(Refusal::Absolute) => LoadError::AbsoluteImport { span, path: written.to_string() },
            Err(Refusal::Outside { root, through_link }) => {
                LoadError::ImportOutside { span, path: written.to_string(), root, through_link }
            }
            Err(Refusal::NotASource { what }) => LoadError::NotASource { span, path: shown, what },
            Err(Refusal::Unreadable { reason }) => LoadError::Unreadable { span: Some(span), path: shown, reason },
        };
        self.out.diagnostics.push(error.to_diagnostic());
    }

    /// Reads and parses the file at `path` (the main file, or an import the policy allowed),
    /// shown as `shown`; its folder, as shown, is where its own imports start.
    fn load_file(&mut self, path: &Path, shown: String, span: Option<Span>) {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).to_string_lossy().to_string();
        if self.seen.contains(&key) {
            self.cycle(&key, &shown, span);
            return;
        }
        let text = match read_source(path) {
            Ok(Ok(t)) => t,
            Ok(Err((lossy, bad))) => {
                self.seen.insert(key);
                let id = self.sources.add(shown, lossy, SourceKind::File);
                let at = self.sources.span(id, bad, bad + '\u{fffd}'.len_utf8()).unwrap_or(Span::file_start(id));
                self.out.diagnostics.push(LoadError::NotUtf8 { span: at }.to_diagnostic());
                return;
            }
            Err(reason) => {
                self.out.diagnostics.push(LoadError::Unreadable { span, path: shown, reason }.to_diagnostic());
                return;
            }
        };
        self.seen.insert(key.clone());
        let dir = Path::new(&shown).parent().map(Path::to_path_buf);
        let id = self.sources.add(shown.clone(), text, SourceKind::File);
        self.parse_and_follow(id, (key, shown), dir);
    }

    fn parse_and_follow(&mut self, id: SourceId, key: (String, String), dir: Option<PathBuf>) {
        let (file, errors) = syntax::parse_file(self.sources, id);
        self.out.diagnostics.extend(errors.iter().map(ToDiagnostic::to_diagnostic));
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

/// Reads a source file (without a leading byte-order mark): its text, or (if it is not UTF-8) the text with replacement
/// characters and the offset of the first bad byte, or why it cannot be read. At most
/// one byte more than [`crate::limits::MAX_SOURCE_BYTES`] is read, so a device or a huge file
/// ends in the source-size diagnostic instead of filling memory.
fn read_source(path: &Path) -> Result<Result<String, (String, usize)>, String> {
    use std::io::Read;
    if path.is_dir() {
        return Err("it is a directory".to_string());
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    })?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(crate::limits::MAX_SOURCE_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    let too_large = bytes.len() > crate::limits::MAX_SOURCE_BYTES;
    // a UTF-8 byte-order mark (some editors write one) is not part of the text
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(t) => Ok(Ok(t)),
        // cut mid-character by the size limit: the size diagnostic says what is wrong
        Err(e) if too_large => Ok(Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            Ok(Err((String::from_utf8_lossy(e.as_bytes()).into_owned(), bad)))
        }
    }
}

/// Loads the prelude and then `path` with everything it imports; imports stay inside
/// `path`'s folder tree (see [`crate::imports`]).
pub fn load(sources: &mut SourceMap, path: &Path) -> Loaded {
    load_allowing(sources, path, &[])
}

/// [`load`], with imports also allowed from the folders `allow` (`--allow-import DIR`).
pub fn load_allowing(sources: &mut SourceMap, path: &Path, allow: &[PathBuf]) -> Loaded {
    let mut l = Loader::new(sources, ImportPolicy::for_main(path, allow));
    l.load_std("std/units", None);
    l.load_file(path, path.to_string_lossy().to_string(), None);
    l.out
}

/// Loads the prelude and then source text already in memory (the REPL, tests); its imports
/// stay inside the folder of `name` (the current folder for a name with none).
pub fn load_text(sources: &mut SourceMap, name: &str, text: &str) -> Loaded {
    let mut l = Loader::new(sources, ImportPolicy::for_main(Path::new(name), &[]));
    l.load_std("std/units", None);
    let id = l.sources.add(name, text, SourceKind::Input);
    let dir = Path::new(name).parent().map(Path::to_path_buf);
    l.parse_and_follow(id, (name.to_string(), name.to_string()), dir);
    l.out
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
    compile_file_allowing(sources, path, &[])
}

/// Loads and checks a file, with imports also allowed from the folders `allow`.
pub fn compile_file_allowing(sources: &mut SourceMap, path: &Path, allow: &[PathBuf]) -> (Program, Vec<Diagnostic>) {
    let loaded = load_allowing(sources, path, allow);
    let (p, _, d) = compile(&loaded, None);
    (p, d)
}

/// Parses, checks and evaluates one expression with only the prelude (`aifin eval`).
pub fn eval_text(
    sources: &mut SourceMap,
    text: &str,
) -> Result<(String, crate::eval::Value, Program), Vec<Diagnostic>> {
    let loaded = load_text(sources, "<prelude>", "");
    let id = sources.add("<eval>", text, SourceKind::Input);
    let expr = syntax::parse_expr(sources, id)
        .map_err(|errs| errs.iter().map(ToDiagnostic::to_diagnostic).collect::<Vec<_>>())?;
    let (program, texpr, diags) = compile(&loaded, Some(&expr));
    if !diags.is_empty() {
        return Err(diags);
    }
    let Some(texpr) = texpr else { return Err(diags) };
    let value = crate::eval::eval_expr(&texpr, &program).map_err(|e| vec![e.to_diagnostic()])?;
    Ok((value.format(&program.registry), value, program))
}
