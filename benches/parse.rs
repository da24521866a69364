//! Parse benchmark: generated 1 MB and 5 MB programs using every construct
//! (`aifin::synth`), parsed with pest alone and parsed into the AST.
//!
//! Run: `cargo bench --bench parse`. Besides criterion's timings it prints the peak heap
//! memory of one parse + AST of the 5 MB input, measured with a counting allocator, as a
//! multiple of the source size (target ≤ 40×).

use aifin::source::{SourceKind, SourceMap};
use aifin::syntax::grammar::{AifinParser, Rule};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pest::Parser;

#[path = "support/counting.rs"]
mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

fn parse_to_ast(text: &str) -> usize {
    let mut map = SourceMap::new();
    let id = map.add("bench.aifin", text, SourceKind::File);
    let (file, errors) = aifin::syntax::parse_file(&map, id);
    assert!(errors.is_empty());
    file.decls.len()
}

fn peak_memory(text: &str) {
    let (n, peak) = counting::peak_of(|| parse_to_ast(text));
    println!(
        "peak heap for parse + AST of {} bytes ({n} declarations): {} bytes = {:.1}x the source",
        text.len(),
        peak,
        peak as f64 / text.len() as f64
    );
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for mb in [1usize, 5] {
        let text = aifin::synth::source_of_size(mb * 1_000_000);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("pest_only", format!("{mb}MB")), &text, |b, t| {
            b.iter(|| AifinParser::parse(Rule::file, t).map(|p| p.count()).unwrap_or(0))
        });
        group.bench_with_input(BenchmarkId::new("parse_and_ast", format!("{mb}MB")), &text, |b, t| {
            b.iter(|| parse_to_ast(t))
        });
        if mb == 5 {
            peak_memory(&text);
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
