//! Whatever the text and wherever the cursor, the server answers without panicking.

use super::workspace::Workspace;
use super::{complete, features};
use lsp_types::{Position, Url};
use proptest::prelude::*;

const MODEL: &str = "scenario base {\n  timeline 2025-01 .. 2025-12 monthly\n}\n\
entity Lab { cash 2025-01-01: 10B USD }\n// price\ndriver price: USD/hour = 2 USD/hour\n\
flow Lab.sales <- world: price * 10 hour/month\ncontract l: loan {\n  lender Lab\n  rate 9%/year\n}\n";

fn every_request(text: String, line: u32, character: u32) {
    let uri = Url::parse("file:///nowhere/props.aifin").unwrap();
    let mut ws = Workspace::new();
    let _ = ws.open(uri.clone(), 1, text);
    let pos = Position { line, character };
    let doc = ws.doc_mut(&uri).unwrap();
    let _ = features::hover(doc, pos);
    let doc = ws.doc(&uri).unwrap();
    let _ = features::definition(doc, pos);
    let _ = complete::complete(doc, pos);
    let _ = features::symbols(doc);
    let _ = features::format(doc);
    let _ = features::references(&ws, &uri, pos, true);
    let _ = features::rename(&ws, &uri, pos, "renamed");
    let change = lsp_types::TextDocumentContentChangeEvent {
        range: Some(lsp_types::Range { start: pos, end: Position { line: line + 1, character } }),
        range_length: None,
        text: "é😀".into(),
    };
    let _ = ws.change(&uri, 2, &[change]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_text_any_position(text in "[a-zA-Z0-9_ {}():.,\"/*\\n@%é😀=<>~-]{0,160}", line in 0u32..8, character in 0u32..40) {
        every_request(text, line, character);
    }

    #[test]
    fn a_model_cut_anywhere(cut in 0usize..400, line in 0u32..14, character in 0u32..40) {
        let mut text = MODEL.to_string();
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
        every_request(text, line, character);
    }
}
