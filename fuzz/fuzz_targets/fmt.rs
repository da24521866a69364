//! The formatter's round trip: for text that parses without error, `aifin fmt`'s output
//! parses without error, keeps the same declarations and comments, and is a fixed point.
#![no_main]
use aifin::source::{SourceKind, SourceMap};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn format(text: String) -> Option<(String, usize)> {
    let mut sources = SourceMap::new();
    let id = sources.add("<fuzz>", text, SourceKind::Input);
    let (file, errors) = aifin::syntax::parse_file(&sources, id);
    if !errors.is_empty() {
        return None;
    }
    Some((aifin::syntax::fmt::file(&file, &sources), file.decls.len()))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_string();
        common::on_big_stack(move || {
            let Some((once, n)) = format(text) else { return };
            let Some((twice, m)) = format(once.clone()) else {
                panic!("fmt output does not parse:\n{once}");
            };
            assert_eq!(n, m, "fmt changed the number of declarations");
            assert_eq!(once, twice, "fmt is not a fixed point");
        });
    }
});
