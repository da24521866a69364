//! Small scenarios (at most 2 KB of text; the evaluator's own limits apply) that check are
//! evaluated and reported, never a panic: an error is a coded diagnostic.
#![no_main]
use aifin::diagnostic::RenderStyle;
use aifin::driver::MemoryImporter;
use aifin::session::Session;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if data.len() > 2048 {
        return;
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let text = text.to_string();
        common::on_big_stack(move || {
            let mut session = Session::with_importer(Box::new(MemoryImporter::new()));
            if session.load_text("<fuzz>", &text).is_err() {
                return;
            }
            match session.outcome(None) {
                Ok(o) => {
                    let _ = aifin::report::text::render(&o);
                }
                Err(diags) => {
                    let _ = session.render(&diags, RenderStyle::Plain);
                }
            }
        });
    }
});
