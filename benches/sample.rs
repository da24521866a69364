//! Monte Carlo benchmark: 1,000 samples of the largest bundled case study (the biggest
//! `.aifin` under `examples/cases/`), each a whole exact run
//! of the scenario, with 1 and 2 threads. Criterion prints the throughput in samples per second.
//!
//! Run: `nice -n 19 cargo bench --bench sample` (state the machine's load with the figures).

use aifin::sample::Plan;
use aifin::session::Session;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::PathBuf;

const SAMPLES: u64 = 1_000;

/// The largest case study by size.
fn case_study() -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir("examples/cases")
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "aifin")).collect())
        .unwrap_or_default();
    files
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("examples/cases/*.aifin")
}

fn bench(c: &mut Criterion) {
    let path = case_study();
    let mut session = Session::new();
    session.load_file(&path).unwrap();
    let program = session.program().clone();
    let plan = Plan::new(&program, session.sources(), &path.display().to_string(), None, 1, SAMPLES).unwrap();
    eprintln!("sampling {} ({} uncertain inputs)", path.display(), plan.meta.inputs.len());
    let mut group = c.benchmark_group("sample");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SAMPLES));
    for threads in [1, 2] {
        group.bench_function(format!("{SAMPLES}_samples_{threads}_threads"), |b| {
            b.iter(|| plan.run(0..SAMPLES, threads).map(|r| r.records.len()).unwrap_or(0))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
