//! The import policy: which file an `import "path"` may read.
//!
//! Scenario files are shared between people, so a file must not be able to make `aifin` read
//! (and echo in a diagnostic) whatever else is on the reader's disk. One function decides,
//! [`ImportPolicy::resolve`]; the disk importer (`driver::DiskImporter`, what a `Session`
//! and the command line read files through) calls it for every import:
//!
//! - an absolute path is refused (`aifin::load::absolute_import`);
//! - the path is joined to the importing file's folder and resolved with every symlink and
//!   `..` followed ([`std::fs::canonicalize`]), so a link cannot smuggle a file in;
//! - the resolved file must lie inside the main file's folder tree (itself resolved), or inside
//!   a folder allowed with `--allow-import DIR` (`aifin::load::import_outside`);
//! - it must be a regular file named `*.aifin` (`aifin::load::not_a_source`), and it must exist
//!   (`aifin::load::unreadable`).
//!
//! The resolved path is also the file's identity, so a cycle through a symlink is still a
//! cycle. Messages show paths as written or as joined (never the resolved absolute path), so
//! output is the same on every machine.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The folders imports may read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPolicy {
    /// Resolved folders; a file inside any of them may be imported.
    roots: Vec<PathBuf>,
    /// The main file's folder as the user named it (for messages).
    shown_root: String,
}

/// Why an import is refused (the loader turns it into a coded diagnostic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `import "/etc/passwd"`.
    Absolute,
    /// The resolved file lies outside every allowed folder.
    Outside {
        /// The main file's folder, as named.
        root: String,
        /// True if the path as written stays inside but a symlink leads out.
        through_link: bool,
    },
    /// A directory, device, pipe, or a file not named `*.aifin`.
    NotASource {
        /// What it is instead.
        what: String,
    },
    /// It cannot be found or read.
    Unreadable {
        /// The system's reason, in words.
        reason: String,
    },
}

impl ImportPolicy {
    /// Imports confined to `main`'s folder tree, widened by each of `allow`.
    pub fn for_main(main: &Path, allow: &[PathBuf]) -> ImportPolicy {
        let folder = match main.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut roots: Vec<PathBuf> = Vec::with_capacity(1 + allow.len());
        roots.extend(std::fs::canonicalize(&folder).ok());
        roots.extend(allow.iter().filter_map(|a| std::fs::canonicalize(a).ok()));
        ImportPolicy { roots, shown_root: folder.display().to_string() }
    }

    /// Checks an import written as `written` in a file whose folder is `from` (as the loader
    /// names it); returns the resolved path to read and to identify the file by.
    pub fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, Refusal> {
        let w = Path::new(written);
        if w.is_absolute() || w.has_root() || w.components().any(|c| matches!(c, Component::Prefix(_))) {
            return Err(Refusal::Absolute);
        }
        let joined = from.join(w);
        let resolved = std::fs::canonicalize(&joined).map_err(|e| Refusal::Unreadable {
            reason: match e.kind() {
                ErrorKind::NotFound => "no such file".to_string(),
                ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => "it cannot be opened".to_string(),
            },
        })?;
        if !self.roots.iter().any(|r| resolved.starts_with(r)) {
            return Err(Refusal::Outside {
                root: self.shown_root.clone(),
                through_link: self.lexically_inside(&joined),
            });
        }
        let meta = std::fs::metadata(&resolved)
            .map_err(|_| Refusal::Unreadable { reason: "it cannot be opened".to_string() })?;
        if meta.is_dir() {
            return Err(Refusal::NotASource { what: "a directory".to_string() });
        }
        if !meta.is_file() {
            return Err(Refusal::NotASource { what: "not a regular file".to_string() });
        }
        if resolved.extension().and_then(|e| e.to_str()) != Some("aifin") {
            return Err(Refusal::NotASource { what: "not an `.aifin` file".to_string() });
        }
        Ok(resolved)
    }

    /// True if `joined`, with `..` taken literally and no link followed, stays in a root:
    /// then only a symlink can have led outside.
    fn lexically_inside(&self, joined: &Path) -> bool {
        let Some(base) = std::env::current_dir().ok().map(|cwd| cwd.join(joined)) else { return false };
        let mut out = PathBuf::new();
        for c in base.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        self.roots.iter().any(|r| out.starts_with(r))
    }
}

/// Why a file's text cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFailure {
    /// It cannot be read: the reason in words.
    Reason(String),
    /// It is not UTF-8: its text with replacement characters, and the offset of the first bad
    /// byte (a diagnostic points there).
    NotUtf8 {
        /// The text, bad bytes replaced.
        lossy: String,
        /// The first bad byte.
        at: usize,
    },
}

/// Reads a source file from the disk (without a leading byte-order mark, which some editors
/// write). At most one byte more than [`crate::limits::MAX_SOURCE_BYTES`] is read, so a
/// device or a huge file ends in the source-size diagnostic instead of filling memory.
pub fn read_source(path: &Path) -> Result<String, ReadFailure> {
    use std::io::Read;
    if path.is_dir() {
        return Err(ReadFailure::Reason("it is a directory".to_string()));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        ReadFailure::Reason(match e.kind() {
            ErrorKind::NotFound => "no such file".to_string(),
            ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        })
    })?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(crate::limits::MAX_SOURCE_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit).read_to_end(&mut bytes).map_err(|e| ReadFailure::Reason(e.to_string()))?;
    let too_large = bytes.len() > crate::limits::MAX_SOURCE_BYTES;
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(t) => Ok(t),
        // cut mid-character by the size limit: the size diagnostic says what is wrong
        Err(e) if too_large => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(ReadFailure::NotUtf8 { lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(), at })
        }
    }
}

/// How an import is named in messages and source names: `dir/written` with `.` dropped and
/// `name/..` cancelled on the text alone (`proj/sub/../z.aifin` is `proj/z.aifin`); no link
/// is followed and no absolute path appears.
pub fn shown(dir: &Path, written: &str) -> String {
    let mut out: Vec<Component<'_>> = Vec::new();
    let joined = dir.join(written);
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect::<PathBuf>().to_string_lossy().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_names_cancel_dotdot_on_the_text() {
        assert_eq!(shown(Path::new("proj/sub"), "../z.aifin"), "proj/z.aifin");
        assert_eq!(shown(Path::new(""), "../../a.aifin"), "../../a.aifin");
        assert_eq!(shown(Path::new("proj"), "./b.aifin"), "proj/b.aifin");
    }

    #[test]
    fn absolute_paths_are_refused_before_touching_the_disk() {
        let p = ImportPolicy::for_main(Path::new("examples/x.aifin"), &[]);
        assert_eq!(p.resolve(Path::new("examples"), "/etc/passwd"), Err(Refusal::Absolute));
    }

    #[test]
    fn escapes_with_dotdot_are_outside() {
        let p = ImportPolicy::for_main(Path::new("examples/errors/x.aifin"), &[]);
        let r = p.resolve(Path::new("examples/errors"), "../../Cargo.toml");
        assert!(matches!(r, Err(Refusal::Outside { through_link: false, .. })), "{r:?}");
    }

    #[test]
    fn allow_widens_the_tree() {
        let p = ImportPolicy::for_main(Path::new("examples/errors/x.aifin"), &[PathBuf::from("examples")]);
        let r = p.resolve(Path::new("examples/errors"), "../cases/compute_web.aifin");
        assert!(r.is_ok(), "{r:?}");
    }
}
