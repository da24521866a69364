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
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn parse_to_ast(text: &str) -> usize {
    let mut map = SourceMap::new();
    let id = map.add("bench.aifin", text, SourceKind::File);
    let (file, errors) = aifin::syntax::parse_file(&map, id);
    assert!(errors.is_empty());
    file.decls.len()
}

fn peak_memory(text: &str) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let n = parse_to_ast(text);
    let peak = PEAK.load(Ordering::Relaxed) - base;
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
