//! Parsing any text gives an AST and diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_string();
        common::on_big_stack(move || {
            let mut sources = aifin::source::SourceMap::new();
            let id = sources.add("<fuzz>", text, aifin::source::SourceKind::Input);
            let _ = aifin::syntax::parse_file(&sources, id);
        });
    }
});
