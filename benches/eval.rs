//! Evaluation benchmark: 1,000 entities × 10 flows × 120 months (`aifin::synth::ledger_scenario`).
//!
//! Run: `cargo bench --bench eval`. Measures the run of a checked program (evaluate every
//! definition and flow, book, post 1.2M ledger events, reconcile) and, separately, the whole
//! pipeline from text. Also prints the peak heap of one run, measured with a counting allocator.

use aifin::source::SourceMap;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/counting.rs"]
mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

fn compile(text: &str) -> aifin::check::ir::Program {
    let mut map = SourceMap::new();
    let loaded = aifin::driver::load_text(&mut map, "bench.aifin", text);
    let (program, _, diags) = aifin::driver::compile(&loaded, None);
    assert!(diags.is_empty());
    program
}

fn bench(c: &mut Criterion) {
    let text = aifin::synth::ledger_scenario(1_000, 10, 120);
    let program = compile(&text);
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    group.bench_function("run_1000x10x120", |b| {
        b.iter(|| {
            let run = aifin::eval::engine::run_scenario(&program, None);
            assert!(run.is_ok());
            run.map(|r| r.ledger.events().len()).unwrap_or(0)
        })
    });
    group.bench_function("pipeline_1000x10x120", |b| {
        b.iter(|| {
            let p = compile(&text);
            aifin::eval::engine::run_scenario(&p, None).map(|r| r.ledger.events().len()).unwrap_or(0)
        })
    });
    group.finish();
    let (events, peak) = counting::peak_of(|| {
        aifin::eval::engine::run_scenario(&program, None).map(|r| r.ledger.events().len()).unwrap_or(0)
    });
    println!("peak heap of one run ({events} ledger events): {:.1} MB", peak as f64 / 1e6);
}

criterion_group!(benches, bench);
criterion_main!(benches);
