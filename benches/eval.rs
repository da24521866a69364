//! Evaluation benchmark: 1,000 entities × 10 flows × 120 months (`aifin::synth::ledger_scenario`,
//! 606 KB of text, 843,000 booked amounts) against the hand-written floor
//! (`support/floor.rs`: the same amounts booked directly with `rust_decimal`, same rules).
//!
//! Run: `nice -n 5 cargo bench --bench eval`. Three benchmarks, back to back:
//! - `floor_1000x10x120`: the hand-written program (book, post, reconcile, report);
//! - `run_file_1000x10x120`: `aifin run FILE` through the library (`aifin::cli::run`: read,
//!   parse, check, run, reconcile, report), everything but starting a process;
//! - `eval_1000x10x120`: the run of an already checked program (`run_scenario`, which keeps
//!   every flow's amounts for the REPL; `aifin run` itself runs with `run_scenario_once`).
//!
//! Before timing, it checks that the floor books what aifin books (every entity's closing cash,
//! the number of events, E0's profit). After criterion it prints the medians of 7 alternating
//! runs of the floor and of `run` and their ratio (the target is ≤ 1.5×), the same ratio in CPU
//! time (`support/cputime.rs`: on a shared machine the load skews wall-clock time), and the peak
//! heap of each, measured with a counting allocator (the target for `run` is ≤ 40 MB).
//! `AIFIN_BENCH_FIGURES=1 cargo bench --bench eval` prints only those figures (no criterion
//! runs): a quicker measurement.

use aifin::check::ids::Id;
use aifin::check::ir::EntityId;
use aifin::source::SourceMap;
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};

#[path = "support/counting.rs"]
mod counting;
#[path = "support/cputime.rs"]
mod cputime;
#[path = "support/floor.rs"]
mod floor;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

const ENTITIES: usize = 1_000;
const MONTHS: usize = 120;

fn compile(text: &str) -> aifin::check::ir::Program {
    let mut map = SourceMap::new();
    let loaded = aifin::driver::load_text(&mut map, "bench.aifin", text);
    let (program, _, diags) = aifin::driver::compile(&loaded, None);
    assert!(diags.is_empty());
    program
}

/// `aifin run FILE`, in process: the exit code and the report's length.
fn run_file(path: &str) -> (i32, usize) {
    let out = aifin::cli::run(["aifin", "run", path], aifin::diagnostic::RenderStyle::Plain);
    (out.code, out.stdout.len())
}

/// The floor must book what aifin books: same closing cash everywhere, same events, same profit.
fn same_books(program: &aifin::check::ir::Program) {
    let books = floor::run(ENTITIES, MONTHS).expect("the floor books");
    let run = aifin::eval::engine::run_scenario(program, None).expect("aifin runs");
    assert_eq!(books.ledger.events().len(), run.ledger.events().len(), "event counts differ");
    for e in 0..ENTITIES {
        let id = EntityId::from_index(e);
        let ours = books.ledger.closing(e).expect("closing cash");
        let theirs = run.ledger.closing(id).expect("closing cash");
        assert_eq!(ours, theirs, "closing cash of E{e} differs");
    }
    let profit = run
        .entity_lines(EntityId::from_index(0), aifin::check::ir::Builtin::Profit, run.scenario_span())
        .expect("profit");
    let yearly: Vec<_> = profit.chunks(12).map(|y| y.iter().sum::<rust_decimal::Decimal>()).collect();
    assert_eq!(books.profit, yearly, "E0's profit differs");
    println!(
        "floor and aifin book the same {} events; E0 closes at {} USD",
        books.ledger.events().len(),
        books.cash.last().copied().unwrap_or_default()
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench(c: &mut Criterion) {
    let text = aifin::synth::ledger_scenario(ENTITIES, 10, MONTHS as u32);
    let file = std::env::temp_dir().join(format!("aifin-bench-eval-{}.aifin", std::process::id()));
    std::fs::write(&file, &text).expect("write the workload");
    let path = file.to_string_lossy().into_owned();
    assert_eq!(run_file(&path).0, 0, "aifin run fails on the workload");
    let program = compile(&text);
    same_books(&program);

    // AIFIN_BENCH_FIGURES=1: only the ratio and the peak heaps below, without criterion's runs
    let figures_only = std::env::var_os("AIFIN_BENCH_FIGURES").is_some();
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    if !figures_only {
        group.bench_function("floor_1000x10x120", |b| {
            b.iter(|| floor::run(ENTITIES, MONTHS).map(|books| books.ledger.events().len()).unwrap_or(0))
        });
        group.bench_function("run_file_1000x10x120", |b| b.iter(|| run_file(&path)));
        group.bench_function("eval_1000x10x120", |b| {
            b.iter(|| aifin::eval::engine::run_scenario(&program, None).map(|r| r.ledger.events().len()).unwrap_or(0))
        });
    }
    group.finish();

    // the ratio, from alternating runs (so both see the same load), in wall-clock time and in
    // the CPU time of this process, all its threads (which the other processes on a shared
    // machine do not skew)
    let (mut f, mut r) = (Vec::new(), Vec::new());
    let (mut f_cpu, mut r_cpu) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..7 {
        let t = Instant::now();
        let (_, cpu) =
            cputime::cpu_of(|| std::hint::black_box(floor::run(ENTITIES, MONTHS).map(|b| b.ledger.events().len())));
        f.push(t.elapsed());
        f_cpu += cpu;
        let t = Instant::now();
        let (_, cpu) = cputime::cpu_of(|| std::hint::black_box(run_file(&path)));
        r.push(t.elapsed());
        r_cpu += cpu;
    }
    let (f, r) = (median(f), median(r));
    println!(
        "median of 7 alternating runs: floor {:.1} ms, aifin run {:.1} ms: run = {:.2}x the floor (target <= 1.5x)",
        f.as_secs_f64() * 1e3,
        r.as_secs_f64() * 1e3,
        r.as_secs_f64() / f.as_secs_f64()
    );
    if !f_cpu.is_zero() {
        println!(
            "CPU time of the same 7 runs each: floor {:.0} ms, aifin run {:.0} ms: run = {:.2}x the floor",
            f_cpu.as_secs_f64() * 1e3,
            r_cpu.as_secs_f64() * 1e3,
            r_cpu.as_secs_f64() / f_cpu.as_secs_f64()
        );
    }
    let (_, floor_peak) = counting::peak_of(|| floor::run(ENTITIES, MONTHS).map(|b| b.ledger.events().len()));
    let (_, run_peak) = counting::peak_of(|| run_file(&path));
    let (_, eval_peak) = counting::peak_of(|| {
        aifin::eval::engine::run_scenario(&program, None).map(|r| r.ledger.events().len()).unwrap_or(0)
    });
    let (_, once_peak) = counting::peak_of(|| {
        aifin::eval::engine::run_scenario_once(&program, None).map(|r| r.ledger.events().len()).unwrap_or(0)
    });
    let (_, compile_peak) = counting::peak_of(|| compile(&text));
    println!(
        "peak heap: floor {:.1} MB, aifin run {:.1} MB (target <= 40 MB), eval only {:.1} MB (read once, as `aifin run` \
         runs: {:.1} MB), parse + check only {:.1} MB",
        floor_peak as f64 / 1e6,
        run_peak as f64 / 1e6,
        eval_peak as f64 / 1e6,
        once_peak as f64 / 1e6,
        compile_peak as f64 / 1e6
    );
    let _ = std::fs::remove_file(&file);
}

criterion_group!(benches, bench);
criterion_main!(benches);
