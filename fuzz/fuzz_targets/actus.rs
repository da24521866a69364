//! `aifin import actus`: any JSON text gives `.aifin` text or a coded error, never a panic;
//! and text it produces parses.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(json) = std::str::from_utf8(data) {
        if let Ok(out) = aifin::contracts::actus::import(json) {
            let mut sources = aifin::source::SourceMap::new();
            let id = sources.add("<import>", out.clone(), aifin::source::SourceKind::Input);
            let (_, errors) = aifin::syntax::parse_file(&sources, id);
            assert!(errors.is_empty(), "imported text does not parse:\n{out}\n{errors:?}");
        }
    }
});
