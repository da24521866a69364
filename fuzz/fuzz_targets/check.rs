//! Loading (parsing, units, checking) any text through a `Session` gives a program or coded
//! diagnostics (rendered, as the CLI does), never a panic.
#![no_main]
use aifin::diagnostic::RenderStyle;
use aifin::driver::MemoryImporter;
use aifin::session::Session;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_string();
        common::on_big_stack(move || {
            // imports are read from memory (none there): a fuzz case never touches the disk
            let mut session = Session::with_importer(Box::new(MemoryImporter::new()));
            if let Err(diags) = session.load_text("<fuzz>", &text) {
                let _ = session.render(&diags, RenderStyle::Plain);
            }
        });
    }
});
