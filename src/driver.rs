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
}

impl LoadError {
    /// Every code of this stage (each has an example under `examples/errors/load/`).
    pub const CODES: &'static [&'static str] =
        &["aifin::load::unreadable", "aifin::load::unknown_std_module", "aifin::load::import_cycle"];
}

impl ToDiagnostic for LoadError {
    fn code(&self) -> &'static str {
        match self {
            LoadError::Unreadable { .. } => "aifin::load::unreadable",
            LoadError::UnknownStdModule { .. } => "aifin::load::unknown_std_module",
            LoadError::ImportCycle { .. } => "aifin::load::import_cycle",
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
    /// Keys of files being loaded (for cycles), innermost last.
    stack: Vec<String>,
}

impl Loader<'_> {
    fn load_std(&mut self, name: &str, span: Option<Span>) {
        if self.sources.find(name).is_some() {
            if self.stack.iter().any(|s| s == name) {
                if let Some(span) = span {
                    let mut chain: Vec<String> = self.stack.iter().skip_while(|s| *s != name).cloned().collect();
                    chain.push(name.to_string());
                    self.out.diagnostics.push(LoadError::ImportCycle { span, chain }.to_diagnostic());
                }
            }
            return;
        }
        let Some((_, text)) = STD_MODULES.iter().find(|m| m.0 == name) else {
            if let Some(span) = span {
                self.out.diagnostics.push(LoadError::UnknownStdModule { span, name: name.to_string() }.to_diagnostic());
            }
            return;
        };
        let id = self.sources.add(name, *text, SourceKind::Std);
        self.parse_and_follow(id, name.to_string(), None);
    }

    fn load_file(&mut self, path: &Path, span: Option<Span>) {
        let key = path.to_string_lossy().to_string();
        if self.stack.contains(&key) {
            if let Some(span) = span {
                let mut chain: Vec<String> = self.stack.iter().skip_while(|s| **s != key).cloned().collect();
                chain.push(key);
                self.out.diagnostics.push(LoadError::ImportCycle { span, chain }.to_diagnostic());
            }
            return;
        }
        if self.sources.find(&key).is_some() {
            return;
        }
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    self.out.diagnostics.push(
                        LoadError::Unreadable { span, path: key, reason: "it is not UTF-8 text".into() }
                            .to_diagnostic(),
                    );
                    return;
                }
            },
            Err(e) => {
                let reason = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    _ if path.is_dir() => "it is a directory".to_string(),
                    _ => e.to_string(),
                };
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

/// Loads the prelude and then `path` with everything it imports.
pub fn load(sources: &mut SourceMap, path: &Path) -> Loaded {
    let mut l = Loader { sources, out: Loaded::default(), stack: Vec::new() };
    l.load_std("std/units", None);
    l.load_file(path, None);
    l.out
}

/// Loads the prelude and then source text already in memory (the REPL, tests).
pub fn load_text(sources: &mut SourceMap, name: &str, text: &str) -> Loaded {
    let mut l = Loader { sources, out: Loaded::default(), stack: Vec::new() };
    l.load_std("std/units", None);
    let id = l.sources.add(name, text, SourceKind::Input);
    let dir = Path::new(name).parent().map(Path::to_path_buf);
    l.parse_and_follow(id, name.to_string(), dir);
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
    let loaded = load(sources, path);
    let (p, _, d) = compile(&loaded, None);
    (p, d)
}

/// Parses, checks and evaluates one expression with the prelude and std/finance (`aifin eval`).
pub fn eval_text(
    sources: &mut SourceMap,
    text: &str,
) -> Result<(String, crate::eval::Value, Program), Vec<Diagnostic>> {
    // `aifin eval` has the functions of std/finance in scope too (a calculator needs them).
    let loaded = load_text(sources, "<prelude>", "import \"std/finance\"\n");
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
