//! Language server benchmark (`nice -n 19 cargo bench --bench lsp`): `recheck_1000` is what a
//! keystroke costs in `aifin lsp` — a one-character edit (a digit of a driver's value, `15M`
//! ↔ `16M`) applied to an open document of at least 1,000 declarations (synthetic blocks of
//! every construct, `aifin::synth::block`), and the document's program loaded and checked
//! again through its `Session`, diagnostics converted for the editor. Issue #22 asks for under
//! 50 ms on the project machine.

use aifin::lsp::{text, workspace::Workspace};
use aifin::source::{SourceKind, SourceMap};
use criterion::{criterion_group, criterion_main, Criterion};
use lsp_types::{TextDocumentContentChangeEvent, Url};

/// Synthetic blocks until the text has at least `n` declarations; the text and the count.
fn document(n: usize) -> (String, usize) {
    let mut text = String::new();
    let mut i = 0;
    loop {
        text.push_str(&aifin::synth::block(i));
        i += 1;
        let mut sources = SourceMap::new();
        let id = sources.add("bench", text.clone(), SourceKind::Input);
        let (file, errors) = aifin::syntax::parse_file(&sources, id);
        assert!(errors.is_empty());
        if file.decls.len() >= n {
            return (text, file.decls.len());
        }
    }
}

fn bench(c: &mut Criterion) {
    let (text, decls) = document(1_000);
    let at = text.find("15M USD/day").unwrap() + 1;
    let uri = Url::parse("file:///bench/lsp_1000.aifin").unwrap();
    let mut ws = Workspace::new();
    let first = ws.open(uri.clone(), 1, text.clone());
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics.first());
    eprintln!("lsp bench: {decls} declarations, {} bytes", text.len());
    let mut version = 1;
    c.bench_function("recheck_1000", |b| {
        b.iter(|| {
            version += 1;
            let digit = if version % 2 == 0 { "6" } else { "5" };
            let change = TextDocumentContentChangeEvent {
                range: Some(text::range(&text, at, at + 1)),
                range_length: None,
                text: digit.to_string(),
            };
            let published = ws.change(&uri, version, &[change]).unwrap();
            assert!(published.diagnostics.is_empty());
            published
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
