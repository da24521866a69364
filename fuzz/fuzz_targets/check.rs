//! Parsing and checking any text gives a program or coded diagnostics (rendered, as the CLI
//! does), never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_string();
        common::on_big_stack(move || {
            let mut sources = aifin::source::SourceMap::new();
            let loaded = aifin::driver::load_text(&mut sources, "<fuzz>", &text);
            let (_, _, diags) = aifin::driver::compile(&loaded, None);
            let _ = aifin::diagnostic::render_all(&diags, &sources, aifin::diagnostic::RenderStyle::Plain);
        });
    }
});
