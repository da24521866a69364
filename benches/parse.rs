//! Parse and check benchmark: generated ~1 MB and ~5 MB programs, of two kinds:
//! - `mixed`: every construct of the language, block after block (`aifin::synth::source_of_size`);
//! - `flows`: the evaluation workload's flow-heavy text (`aifin::synth::ledger_scenario`) at
//!   1,650 and 8,000 entities (1.0 and 4.95 MB).
//!
//! Run: `nice -n 5 cargo bench --bench parse`. Criterion reports MB/s (`Throughput::Bytes`) for
//! `pest_only` (the grammar alone), `parse_and_ast` and `parse_and_check` (text to checked IR,
//! what `aifin check` does; the target is ≥ 15 MB/s on 5 MB). Afterwards it prints the MB/s of
//! parse + check once more (median of 5, and in CPU time: `support/cputime.rs`) and the peak heap of parse + check, as a multiple of the
//! source, measured with a counting allocator (the target is ≤ 15×). With
//! `AIFIN_PARSE_FIGURES=TEXT` only those last figures are printed (no criterion runs), for the
//! inputs whose name contains TEXT (`5MB`, `flows`, or empty for all).

use aifin::source::{SourceKind, SourceMap};
use aifin::syntax::grammar::{AifinParser, Rule};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pest::Parser;
use std::time::Instant;

#[path = "support/counting.rs"]
mod counting;
#[path = "support/cputime.rs"]
mod cputime;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

fn parse_to_ast(text: &str) -> usize {
    let mut map = SourceMap::new();
    let id = map.add("bench.aifin", text, SourceKind::File);
    let (file, errors) = aifin::syntax::parse_file(&map, id);
    assert!(errors.is_empty());
    file.decls.len()
}

/// Parse and check, as `aifin check` does (`driver::compile_once`: each flow's declaration is
/// freed once checked): the checked program's flow count.
fn parse_and_check(text: &str) -> usize {
    let mut map = SourceMap::new();
    let loaded = aifin::driver::load_text(&mut map, "bench.aifin", text);
    let (program, diags) = aifin::driver::compile_once(loaded);
    assert!(diags.is_empty(), "{:?}", diags.first());
    program.flows.len()
}

fn inputs() -> Vec<(String, String)> {
    vec![
        ("mixed_1MB".into(), aifin::synth::source_of_size(1_000_000)),
        ("mixed_5MB".into(), aifin::synth::source_of_size(5_000_000)),
        ("flows_1MB".into(), aifin::synth::ledger_scenario(1_650, 10, 120)),
        ("flows_5MB".into(), aifin::synth::ledger_scenario(8_000, 10, 120)),
    ]
}

fn bench(c: &mut Criterion) {
    let mut inputs = inputs();
    match std::env::var("AIFIN_PARSE_FIGURES") {
        Err(_) => {
            timed(c, &inputs);
            figures(&inputs);
        }
        Ok(only) => {
            inputs.retain(|(name, _)| name.contains(&only));
            figures(&inputs);
        }
    }
}

/// Criterion's timings of pest alone, parse + AST and parse + check.
fn timed(c: &mut Criterion, inputs: &[(String, String)]) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for (name, text) in inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("pest_only", name), text, |b, t| {
            b.iter(|| AifinParser::parse(Rule::file, t).map(|p| p.count()).unwrap_or(0))
        });
        group.bench_with_input(BenchmarkId::new("parse_and_ast", name), text, |b, t| b.iter(|| parse_to_ast(t)));
        group.bench_with_input(BenchmarkId::new("parse_and_check", name), text, |b, t| b.iter(|| parse_and_check(t)));
    }
    group.finish();
}

/// The figures the targets are stated in: parse + check in MB/s (wall and CPU time) and the peak
/// heap as a multiple of the source. `AIFIN_PARSE_FIGURES=TEXT` prints only these (no criterion
/// runs), for the inputs whose name contains TEXT: `AIFIN_PARSE_FIGURES=5MB cargo bench --bench
/// parse` (an empty TEXT: all four).
fn figures(inputs: &[(String, String)]) {
    for (name, text) in inputs {
        let mut cpu = std::time::Duration::ZERO;
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let (_, spent) = cputime::cpu_of(|| std::hint::black_box(parse_and_check(text)));
                cpu += spent;
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let mb = text.len() as f64 / 1e6;
        if !cpu.is_zero() {
            println!("{name}: parse + check {:.1} MB/s of CPU time (5 runs)", 5.0 * mb / cpu.as_secs_f64());
        }
        let (_, ast_peak) = counting::peak_of(|| parse_to_ast(text));
        let (flows, peak) = counting::peak_of(|| parse_and_check(text));
        println!(
            "{name}: {mb:.2} MB, {flows} flows: parse + check {:.1} MB/s (median of 5; target >= 15 on 5 MB); \
             peak heap of parse + AST {:.1}x, of parse + check {:.1}x the source = {:.1} MB per MB (target <= 15x)",
            mb / times[2],
            ast_peak as f64 / text.len() as f64,
            peak as f64 / text.len() as f64,
            peak as f64 / 1e6 / mb,
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
