//! The REPL's questions beyond one run: goal seek (`:solve`, the library code of `aifin solve`)
//! and Monte Carlo (`:samples N`, `:seed S`, `:dist [EXPR]`, on the library code of `aifin
//! sample`). Each asks in the active scenario, overrides included, and changes nothing: the
//! session, its overrides and its cached runs are as they were.

use super::{Repl, Reply};
use crate::sample::stats::QUANTILES;
use crate::sample::{render, stats::Summary, MAX_SAMPLES};

impl Repl {
    /// `:solve NAME: EXPR == VALUE [between LOW..HIGH]`.
    pub(super) fn solve(&mut self, arg: &str) -> Reply {
        const USAGE: &str =
            "`:solve NAME: EXPR == VALUE [between LOW..HIGH]`: for example `:solve debt_rate: losses(Banks) == 5B USD`";
        let Some((vary, rest)) = arg.split_once(|c: char| c == ':' || c.is_whitespace()) else {
            return Reply::fail(USAGE);
        };
        let rest = self.with_ans(rest.trim());
        let (target, between) = match rest.rsplit_once(" between ") {
            Some((t, b)) => (t.trim(), Some(b.trim())),
            None => (rest.trim(), None),
        };
        if vary.is_empty() || !target.contains("==") {
            return Reply::fail(USAGE);
        }
        let scenario = self.active();
        let req = crate::solve::Request { vary: vary.trim(), target, between, scenario: scenario.as_deref() };
        let name = self.next_name();
        let session = &mut self.session;
        let mut check = |_: &str, text: String| session.check_expr(&name, &text);
        match crate::solve::ask(&req, &mut check) {
            Ok(found) => {
                let mut out = format!("solve (scenario {})\n", scenario.as_deref().unwrap_or(""));
                out.push_str(&crate::solve::render(&req, &found));
                Reply::ok(out)
            }
            Err(crate::solve::Refusal::Diagnostics(d)) => Reply::fail(self.render(&self.session, &d)),
            Err(crate::solve::Refusal::Usage(what)) => Reply::fail(format!("`:solve`: {what}")),
            Err(r) => {
                let sources = self.session.sources();
                let own = |s: crate::source::Span| {
                    sources.get(s.source()).is_some_and(|x| x.kind() != crate::source::SourceKind::Std)
                };
                Reply::fail(format!("`:solve`: {}", r.not_a_driver(&own).unwrap_or_default()))
            }
        }
    }

    /// `:samples [N]`: show or set how many samples `:dist` draws.
    pub(super) fn samples(&mut self, arg: &str) -> Reply {
        if arg.is_empty() {
            return Reply::ok(format!("{} samples, seed {}\n", self.mc.samples, self.mc.seed));
        }
        match arg.replace('_', "").parse::<u64>() {
            Ok(n) if (1..=MAX_SAMPLES).contains(&n) => {
                self.mc.samples = n;
                Reply::ok(format!("{n} samples, seed {}\n", self.mc.seed))
            }
            _ => Reply::fail(format!("`:samples N`: N is a whole number from 1 to {MAX_SAMPLES}, not `{arg}`")),
        }
    }

    /// `:seed [S]`: show or set the seed `:dist` draws with.
    pub(super) fn seed(&mut self, arg: &str) -> Reply {
        if arg.is_empty() {
            return Reply::ok(format!("seed {}, {} samples\n", self.mc.seed, self.mc.samples));
        }
        match arg.replace('_', "").parse::<u64>() {
            Ok(s) => {
                self.mc.seed = s;
                Reply::ok(format!("seed {s}, {} samples\n", self.mc.samples))
            }
            Err(_) => Reply::fail(format!("`:seed S`: S is a whole number from 0 to {}, not `{arg}`", u64::MAX)),
        }
    }

    /// `:dist` (the whole active scenario, as `aifin sample` prints it) or `:dist EXPR` (the
    /// distribution of one value).
    pub(super) fn dist(&mut self, arg: &str) -> Reply {
        let (seed, n) = (self.mc.seed, self.mc.samples);
        let scenario = self.active();
        if arg.is_empty() {
            let Some(scenario) = scenario else { return Reply::fail("no scenario to sample: declare one") };
            let threads = std::thread::available_parallelism().map(|t| t.get()).unwrap_or(1);
            let batch = match self.session.sample("<repl>", Some(&scenario), seed, n, 0..n, threads) {
                Ok(b) => b,
                Err(e) => {
                    let d = crate::diagnostic::ToDiagnostic::to_diagnostic(&e.error);
                    let mut err = self.render(&self.session, &[d]);
                    if let Some(i) = e.index {
                        err.push_str(&format!("(in sample {i} of seed {seed})\n"));
                    }
                    return Reply::fail(err);
                }
            };
            return match Summary::of(&batch) {
                Ok(s) => Reply::ok(render::text(&batch, &s)),
                Err(e) => Reply::fail(format!("the summary overflows: {e:?}")),
            };
        }
        let text = self.with_ans(arg);
        let name = self.next_name();
        let asked = self.session.distribution_in(&name, &text, scenario.as_deref(), seed, n);
        let (stats, unit) = match asked {
            Ok(x) => x,
            Err(d) => return Reply::fail(self.render(&self.session, &d)),
        };
        let f = |x: rust_decimal::Decimal| {
            let v = crate::number::format_exact(x);
            if unit.is_empty() {
                v
            } else {
                format!("{v} {unit}")
            }
        };
        let mut out = format!("{text}: {n} samples, seed {seed}\n");
        out.push_str(&format!("  point  {}\n  mean   {}\n", f(stats.point), f(stats.mean)));
        for (q, v) in QUANTILES.iter().zip(&stats.q) {
            out.push_str(&format!("  p{q:<5} {}\n", f(*v)));
        }
        Reply::ok(out)
    }
}
