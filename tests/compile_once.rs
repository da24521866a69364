//! `driver::compile_once` (what `aifin check`, `run` and `compare` use: each flow's declaration
//! is freed as soon as it is checked) gives the same program and the same diagnostics as
//! `driver::compile` (what a session keeps its files for), on every example, those with errors
//! included.

use aifin::source::SourceMap;
use std::path::{Path, PathBuf};

fn aifin_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("examples/ is readable").flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            aifin_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "aifin") {
            out.push(p);
        }
    }
}

fn messages(diags: &[aifin::diagnostic::Diagnostic], sources: &SourceMap) -> String {
    aifin::diagnostic::render_all(diags, sources, aifin::diagnostic::RenderStyle::Plain)
}

#[test]
fn compiling_once_gives_what_compiling_gives() {
    let mut files = Vec::new();
    aifin_files(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").as_path(), &mut files);
    assert!(files.len() > 100, "the examples were found");
    let mut with_errors = 0;
    for path in &files {
        let mut kept = SourceMap::new();
        let loaded = aifin::driver::load(&mut kept, path);
        let (program, _, diags) = aifin::driver::compile(&loaded, None);
        let mut freed = SourceMap::new();
        let (once, once_diags) = aifin::driver::compile_once(aifin::driver::load(&mut freed, path));
        assert_eq!(messages(&diags, &kept), messages(&once_diags, &freed), "{}", path.display());
        assert_eq!(format!("{program:?}"), format!("{once:?}"), "{}", path.display());
        with_errors += usize::from(!diags.is_empty());
    }
    assert!(with_errors > 50, "the examples with errors were compared too");
}
