//! Small scenarios (at most 2 KB of text; the evaluator's own limits apply) that check are
//! evaluated and reported, never a panic: an error is a coded diagnostic.
#![no_main]
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
            let mut sources = aifin::source::SourceMap::new();
            let loaded = aifin::driver::load_text(&mut sources, "<fuzz>", &text);
            let (program, _, diags) = aifin::driver::compile(&loaded, None);
            if !diags.is_empty() {
                return;
            }
            let r = aifin::eval::engine::run_scenario(&program, None)
                .and_then(|mut run| aifin::report::outcome(&mut run, &sources));
            match r {
                Ok(o) => {
                    let _ = aifin::report::text::render(&o);
                }
                Err(e) => {
                    let d = aifin::diagnostic::ToDiagnostic::to_diagnostic(&e);
                    let _ = aifin::diagnostic::render(&d, &sources, aifin::diagnostic::RenderStyle::Plain);
                }
            }
        });
    }
});
