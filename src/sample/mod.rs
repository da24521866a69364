//! Monte Carlo over declared ranges (`aifin sample`, `aifin merge`).
//!
//! Each sample draws every uncertain input of the scenario once ([`crate::eval::uncertain`])
//! and runs the whole scenario exactly — ledger, contracts, clearing — then keeps what its
//! reports, claims and entities say as a [`Record`]. Sample *i* draws from ChaCha8 seeded with
//! the seed, on stream *i*: its draws depend on (seed, i) only, so the records, and everything
//! computed from them, are the same whatever the number of threads or shards.
//!
//! A [`Batch`] is the records of some samples with what they are samples of ([`Meta`]); a
//! shard writes its batch as JSON ([`shard`]), [`Batch::merge`] puts batches together, and
//! [`stats::Summary`] is computed from a complete batch alone, so a merged run summarises to
//! exactly the bytes of a single one.

pub mod render;
pub mod shard;
pub mod stats;

use crate::check::ir::Program;
use crate::eval::engine::Run;
use crate::eval::uncertain::{self, Input, Risk};
use crate::eval::EvalError;
use crate::report::{self, ItemValues, Section};
use crate::source::SourceMap;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The seed when none is given.
pub const DEFAULT_SEED: u64 = 1;
/// The number of samples when none is given.
pub const DEFAULT_SAMPLES: u64 = 1000;
/// The most samples one run takes.
pub const MAX_SAMPLES: u64 = 10_000_000;

/// One uncertain input, described.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputMeta {
    /// `file:line`.
    pub location: String,
    /// The expression as written.
    pub text: String,
    /// How it is drawn (`lognormal, 90 % interval 10 .. 100`).
    pub drawn: String,
    /// The value a deterministic run uses.
    pub point: Decimal,
    pub unit: String,
}

/// One numeric report item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMeta {
    /// The report's `file:line`.
    pub report: String,
    pub label: String,
    pub unit: String,
    /// Decimals of the currency's minor unit, for money.
    pub minor: Option<u32>,
    /// Its periods (one empty label for a single value).
    pub periods: Vec<String>,
}

/// What a batch of samples is samples of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The file as named on the command line.
    pub file: String,
    pub scenario: String,
    pub seed: u64,
    /// The number of samples of the whole run.
    pub samples: u64,
    pub inputs: Vec<InputMeta>,
    pub items: Vec<ItemMeta>,
    pub claims: Vec<String>,
    pub entities: Vec<String>,
    /// The timeline's period labels.
    pub periods: Vec<String>,
    /// The ledger currency and its minor unit.
    pub currency: String,
    pub minor: Option<u32>,
}

/// What one run said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The sample's index (the point run has none).
    pub index: Option<u64>,
    /// Each numeric report item's values, one per period.
    pub items: Vec<Vec<Decimal>>,
    /// Whether each claim holds.
    pub claims: Vec<bool>,
    /// Each entity's risk.
    pub risk: Vec<Risk>,
}

/// Samples of one scenario: the deterministic run's record and those of samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub meta: Meta,
    pub point: Record,
    /// In order of index.
    pub records: Vec<Record>,
}

/// A sample that could not be run.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleError {
    /// The sample, or `None` for the deterministic run.
    pub index: Option<u64>,
    pub error: EvalError,
}

fn location(sources: &SourceMap, span: crate::source::Span) -> String {
    let (line, _) = sources.line_col(span.source(), span.start());
    format!("{}:{}", sources.get(span.source()).map(|s| s.name()).unwrap_or(""), line)
}

/// What a finished run says, as a [`Record`], and the meta of its items.
fn record(run: &mut Run<'_>, sources: &SourceMap, index: Option<u64>) -> Result<(Record, Vec<ItemMeta>), EvalError> {
    let o = report::outcome(run, sources)?;
    let mut items = Vec::new();
    let mut metas = Vec::new();
    for s in &o.sections {
        let Section::Table(t) = s else { continue };
        for it in &t.items {
            let (vals, periods) = match &it.values {
                ItemValues::Per(v, _) => (v.clone(), t.periods.clone()),
                ItemValues::One(v) => (vec![*v], vec![String::new()]),
                ItemValues::Period(_) => continue,
            };
            items.push(vals);
            metas.push(ItemMeta {
                report: t.location.clone(),
                label: it.label.clone(),
                unit: it.unit.clone(),
                minor: it.minor,
                periods,
            });
        }
    }
    let mut risk = Vec::new();
    for (e, ent) in run.program.entities.iter_enumerated() {
        risk.push(run.risk(e, ent.span)?);
    }
    Ok((Record { index, items, claims: o.claims.iter().map(|c| c.holds).collect(), risk }, metas))
}

/// A scenario ready to sample: its inputs and its deterministic run's record.
pub struct Plan<'p> {
    program: &'p Program,
    sources: &'p SourceMap,
    inputs: Vec<Input>,
    pub meta: Meta,
    point: Record,
    /// The scenario's declaration, for errors of a sample as a whole.
    anchor: crate::source::Span,
}

/// The generator of sample `index`: ChaCha8 from `seed`, on stream `index`.
pub fn rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(index);
    r
}

impl<'p> Plan<'p> {
    /// Runs the scenario once at its points and finds its uncertain inputs.
    pub fn new(
        program: &'p Program,
        sources: &'p SourceMap,
        file: &str,
        scenario: Option<&str>,
        seed: u64,
        samples: u64,
    ) -> Result<Plan<'p>, SampleError> {
        let err = |error| SampleError { index: None, error };
        let mut run = crate::eval::engine::run_scenario(program, scenario).map_err(err)?;
        let anchor = program
            .scenarios
            .iter()
            .find(|s| s.name == run.scenario)
            .map(|s| s.span)
            .ok_or(err(EvalError::NoTimeline { span: None }))?;
        let inputs = uncertain::inputs(&mut run).map_err(err)?;
        let (point, items) = record(&mut run, sources, None).map_err(err)?;
        let reg = &program.registry;
        let describe = |i: &Input| -> InputMeta {
            let unit = reg.format_unit(&i.unit);
            let drawn = i.describe();
            InputMeta {
                location: location(sources, i.span),
                text: sources.slice(i.span).split_whitespace().collect::<Vec<_>>().join(" "),
                drawn,
                point: i.point,
                unit,
            }
        };
        let meta = Meta {
            file: file.to_string(),
            scenario: run.scenario.clone(),
            seed,
            samples,
            inputs: inputs.iter().map(describe).collect(),
            items,
            claims: program.claims.iter().map(|c| c.text.clone()).collect(),
            entities: program.entities.iter().map(|e| e.name.clone()).collect(),
            periods: (0..run.timeline.len()).map(|i| run.timeline.label(i)).collect(),
            currency: reg.def(run.money).map(|d| d.name.clone()).unwrap_or_default(),
            minor: reg.def(run.money).and_then(|d| d.minor),
        };
        Ok(Plan { program, sources, inputs, meta, point, anchor })
    }

    /// Sample `index`, run exactly.
    pub fn sample(&self, index: u64) -> Result<Record, SampleError> {
        let err = |error| SampleError { index: Some(index), error };
        let draws = uncertain::draw(&self.inputs, &mut rng(self.meta.seed, index)).map_err(err)?;
        let mut run = uncertain::run_drawn(self.program, Some(&self.meta.scenario), Arc::new(draws)).map_err(err)?;
        let (r, _) = record(&mut run, self.sources, Some(index)).map_err(err)?;
        if r.items.len() != self.point.items.len()
            || r.items.iter().zip(&self.point.items).any(|(a, b)| a.len() != b.len())
        {
            return Err(err(EvalError::Internal {
                span: self.anchor,
                what: "a sample reported other items than the point run".into(),
            }));
        }
        Ok(r)
    }

    /// Samples `range` on `threads` threads (contiguous runs of indices; each sample's draws
    /// depend only on its index, so the split does not change the records).
    pub fn run(&self, range: std::ops::Range<u64>, threads: usize) -> Result<Batch, SampleError> {
        let threads = threads.max(1) as u64;
        let len = range.end.saturating_sub(range.start);
        let chunk = len.div_ceil(threads).max(1);
        let parts: Vec<Result<Vec<Record>, SampleError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let lo = (range.start + t * chunk).min(range.end);
                    let hi = (lo + chunk).min(range.end);
                    s.spawn(move || (lo..hi).map(|i| self.sample(i)).collect::<Result<Vec<_>, _>>())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(SampleError {
                            index: None,
                            error: EvalError::Internal { span: self.anchor, what: "a sampling thread panicked".into() },
                        })
                    })
                })
                .collect()
        });
        let mut records = Vec::with_capacity(len as usize);
        for p in parts {
            records.extend(p?);
        }
        Ok(Batch { meta: self.meta.clone(), point: self.point.clone(), records })
    }
}

/// Samples `k` of `n` shards take: `[k·N/n, (k+1)·N/n)`, shards counted from 0.
pub fn shard_range(samples: u64, k: u64, n: u64) -> std::ops::Range<u64> {
    let at = |j: u64| ((j as u128 * samples as u128) / n.max(1) as u128) as u64;
    at(k)..at(k + 1)
}

impl Batch {
    /// True when the batch holds every sample `0..N` once, in order.
    pub fn is_complete(&self) -> bool {
        self.records.len() as u64 == self.meta.samples
            && self.records.iter().enumerate().all(|(i, r)| r.index == Some(i as u64))
    }

    /// Puts batches of one run together. Errors say why they do not belong together.
    pub fn merge(batches: Vec<Batch>) -> Result<Batch, String> {
        let mut it = batches.into_iter();
        let Some(mut first) = it.next() else { return Err("no shards given".into()) };
        for b in it {
            if b.meta != first.meta || b.point != first.point {
                return Err(format!(
                    "the shards are not of one run (file, scenario, seed, samples or program differ: {} seed {} vs {} seed {})",
                    first.meta.file, first.meta.seed, b.meta.file, b.meta.seed
                ));
            }
            first.records.extend(b.records);
        }
        first.records.sort_by_key(|r| r.index);
        let n = first.meta.samples;
        for (i, r) in first.records.iter().enumerate() {
            match r.index {
                Some(x) if x == i as u64 => {}
                Some(x) if (x as usize) < i => return Err(format!("sample {x} is in more than one shard")),
                _ => return Err(format!("sample {i} of {n} is in no shard")),
            }
        }
        if (first.records.len() as u64) < n {
            return Err(format!("sample {} of {n} is in no shard", first.records.len()));
        }
        if (first.records.len() as u64) > n {
            return Err(format!("the shards hold more than {n} samples"));
        }
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::shard_range;

    #[test]
    fn shards_partition_the_samples() {
        for (samples, n) in [(1000, 4), (10, 3), (2, 5), (7, 7), (1, 1)] {
            let mut next = 0;
            for k in 0..n {
                let r = shard_range(samples, k, n);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, samples);
        }
        assert_eq!(shard_range(10, 1, 3), 3..6);
    }
}
