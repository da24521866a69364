//! Clearing benchmark: 1,000 entities × 120 periods, each entity owing 50 others every period
//! (50,000 obligations a period), resources drawn so that a few percent default and cascade.
//!
//! Run: `cargo bench --bench clearing`. One iteration clears all 120 periods with
//! `aifin::clearing::clear` (exact rationals, greatest clearing vector, one rounding).

use aifin::clearing::{clear, Obligation, Policy};
use criterion::{criterion_group, criterion_main, Criterion};
use rust_decimal::Decimal;

/// A small deterministic generator (no dependency, same numbers everywhere).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn network(period: u64, n: usize, degree: usize) -> (Vec<Decimal>, Vec<Obligation>) {
    let mut g = Lcg(period.wrapping_mul(0x9E3779B97F4A7C15) ^ 42);
    let mut obs = Vec::with_capacity(n * degree);
    let mut owed = vec![0i64; n];
    for (debtor, total) in owed.iter_mut().enumerate() {
        for _ in 0..degree {
            let creditor = (g.next() as usize) % n;
            if creditor == debtor {
                continue;
            }
            let cents = 100_000 + (g.next() % 10_000_000) as i64;
            *total += cents;
            obs.push(Obligation { debtor, creditor, amount: Decimal::new(cents, 2) });
        }
    }
    // resources: most entities can pay what they owe net of what they receive; 3% cannot
    let cash = owed
        .iter()
        .map(|o| {
            let short = g.next() % 100 < 3;
            let c = if short { o / 4 } else { o / 2 + (g.next() % 1_000_000) as i64 };
            Decimal::new(c, 2)
        })
        .collect();
    (cash, obs)
}

fn bench(c: &mut Criterion) {
    let (n, degree, periods) = (1_000usize, 50usize, 120u64);
    let nets: Vec<(Vec<Decimal>, Vec<Obligation>)> = (0..periods).map(|p| network(p, n, degree)).collect();
    let policy = vec![Policy::ProRata; n];
    let defaults: usize = nets
        .iter()
        .map(|(cash, obs)| clear(cash, &policy, obs).map(|c| c.defaulted.iter().filter(|d| **d).count()).unwrap_or(0))
        .sum();
    println!("{n} entities x {periods} periods, {} obligations a period: {defaults} defaults in all", n * degree);
    let mut group = c.benchmark_group("clearing");
    group.sample_size(10);
    group.bench_function("1000x120_dense", |b| {
        b.iter(|| {
            nets.iter().map(|(cash, obs)| clear(cash, &policy, obs).map(|c| c.paid.len()).unwrap_or(0)).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
