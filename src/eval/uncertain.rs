//! Uncertain inputs: `low .. high [~ point]` and the distribution built-ins (`normal`,
//! `lognormal`, `uniform`, `triangular`, `bernoulli`).
//!
//! A deterministic run (`aifin run`, `check --claims`, `eval`: everything but sampling) gives
//! each its point value ([`Run::distribution`], [`Run::range_median`]): the written point of a
//! range, else the median of its distribution — √(low·high) for a lognormal range (low > 0),
//! (low + high)/2 for a normal one; a normal's mean, a lognormal's median √(p5·p95), a
//! uniform's midpoint, a triangular's mode, a bernoulli's more likely outcome (1 when p > 0.5).
//! A square root is computed exactly and rounded once ([`number::sqrt_product`]: the nearest
//! decimal with as many of 28 places as fit), never through `f64`.
//!
//! A sampled run ([`run_drawn`]) replaces each uncertain node by one draw, looked up by the
//! node's span in [`Draws`]. A definition is evaluated once per run, so a name used in several
//! places is one draw per sample. The draws come from [`Input::draw`]: `f64` is used only to
//! draw; each draw is converted once to a `Decimal` rounded to [`DRAW_DIGITS`] significant
//! digits (an `f64` holds 15–17), and from there the run is exact like any other.
//!
//! Ranges follow Squiggle's `a to b`: a 90 % interval, lognormal when `low > 0`, normal
//! otherwise. The parameters of a distribution are read at their point values.

use super::engine::{scenario_chain, scenario_defs, Run, Val};
use super::error::EvalError;
use super::series::Series;
use crate::check::ir::{Builtin, ClaimTestIr, Program, TArg, TExpr, TExprKind};
use crate::check::{Shape, Type};
use crate::number;
use crate::source::Span;
use crate::units::Unit;
use rand::Rng;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::sync::Arc;

/// The standard normal's 95th percentile: a 90 % interval is mean ± Z95·sd.
pub const Z95: f64 = 1.6448536269514722;
/// [`Z95`] as an exact decimal (to the digits of the `f64`).
fn z95() -> Decimal {
    Decimal::from_parts(16448536, 0, 0, false, 7)
}

/// Significant digits a draw keeps when it becomes a `Decimal`.
pub const DRAW_DIGITS: u32 = 12;

/// A distribution with its parameters, in the unit of the node's first parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Normal {
        mean: f64,
        sd: f64,
    },
    /// `exp(N(mu, sigma))`.
    Lognormal {
        mu: f64,
        sigma: f64,
    },
    Uniform {
        low: f64,
        high: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    Bernoulli {
        p: f64,
    },
}

impl Dist {
    /// The lognormal whose 5th and 95th percentiles are `p5` and `p95` (both > 0).
    pub fn lognormal_90(p5: f64, p95: f64) -> Dist {
        let (a, b) = (libm::log(p5), libm::log(p95));
        Dist::Lognormal { mu: (a + b) / 2.0, sigma: (b - a) / (2.0 * Z95) }
    }

    /// The normal whose 90 % interval is `low .. high`.
    pub fn normal_90(low: f64, high: f64) -> Dist {
        Dist::Normal { mean: (low + high) / 2.0, sd: (high - low) / (2.0 * Z95) }
    }

    /// One draw. Each kind reads the generator in a fixed way, so a stream gives the same
    /// draws on every machine.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let z = |rng: &mut R| -> f64 { rng.sample(rand_distr::StandardNormal) };
        match *self {
            Dist::Normal { mean, sd } => mean + sd * z(rng),
            Dist::Lognormal { mu, sigma } => libm::exp(mu + sigma * z(rng)),
            Dist::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            Dist::Triangular { low, mode, high } => {
                let u: f64 = rng.random();
                let (w, left) = (high - low, mode - low);
                if w <= 0.0 {
                    low
                } else if u * w < left {
                    low + libm::sqrt(u * w * left)
                } else {
                    high - libm::sqrt((1.0 - u) * w * (high - mode))
                }
            }
            Dist::Bernoulli { p } => {
                if rng.random::<f64>() < p {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// A draw as an exact decimal: rounded once to [`DRAW_DIGITS`] significant digits.
pub fn to_decimal(x: f64) -> Option<Decimal> {
    let d = Decimal::from_f64(x)?;
    d.round_sf_with_strategy(DRAW_DIGITS, RoundingStrategy::MidpointNearestEven).map(|d| d.normalize())
}

/// One uncertain input of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The range or call.
    pub span: Span,
    pub dist: Dist,
    /// The unit of its draws.
    pub unit: Unit,
    /// The value a deterministic run uses, in `unit`.
    pub point: Decimal,
    /// True for `low .. high`, false for a distribution call.
    pub range: bool,
}

impl Input {
    /// How it is drawn, in words.
    pub fn describe(&self) -> String {
        let kind = match self.dist {
            Dist::Normal { .. } => "normal",
            Dist::Lognormal { .. } => "lognormal",
            Dist::Uniform { .. } => "uniform",
            Dist::Triangular { .. } => "triangular",
            Dist::Bernoulli { .. } => "bernoulli",
        };
        if self.range {
            format!("{kind}, 90 % between the ends")
        } else {
            kind.to_string()
        }
    }

    /// One draw of this input, as an exact decimal.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Decimal, EvalError> {
        let x = self.dist.sample(rng);
        to_decimal(x).ok_or_else(|| EvalError::Overflow { span: self.span, what: format!("a draw ({x:e})") })
    }
}

/// The draws of one sample, by the span of the node drawn.
#[derive(Debug, Clone, Default)]
pub struct Draws(pub HashMap<Span, (Decimal, Unit)>);

/// Runs a scenario with every uncertain node replaced by its draw.
pub fn run_drawn<'a>(program: &'a Program, scenario: Option<&str>, draws: Arc<Draws>) -> Result<Run<'a>, EvalError> {
    super::engine::run_scenario_with(program, scenario, Some(draws))
}

fn bad(span: Span, what: impl Into<String>) -> EvalError {
    EvalError::BadDistribution { span, what: what.into() }
}

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

impl Run<'_> {
    /// The draw of an uncertain node in a sampled run.
    pub(super) fn drawn(&self, span: Span) -> Option<Val> {
        let (v, unit) = self.draws.as_ref()?.0.get(&span)?;
        Some(Val::S(Series::constant(*v, unit.clone()), Shape::Constant))
    }

    /// The parameters of a distribution call, as constants in the first one's unit.
    fn params(&mut self, b: Builtin, args: &[TArg]) -> Result<(Vec<Decimal>, Unit), EvalError> {
        // a probability is a pure number: `bernoulli(10%)` is p = 0.1
        let mut unit: Option<Unit> = if b == Builtin::Bernoulli { Some(Unit::none()) } else { None };
        let mut out = Vec::new();
        for a in args {
            let s = self.series(&a.value)?;
            let s = match &unit {
                Some(u) => s.convert(u, self.reg).map_err(|e| EvalError::arith(e.error, a.span))?,
                None => s,
            };
            unit.get_or_insert_with(|| s.unit.clone());
            out.push(s.get(0));
        }
        Ok((out, unit.unwrap_or_else(Unit::none)))
    }

    /// The distribution of a call and its point, low and high (the 90 % interval where there
    /// is one, else the bounds), in the unit of its first parameter.
    pub(super) fn call_distribution(
        &mut self,
        b: Builtin,
        args: &[TArg],
        span: Span,
    ) -> Result<(Dist, [Decimal; 3], Unit), EvalError> {
        let (p, unit) = self.params(b, args)?;
        let get = |i: usize| p.get(i).copied().ok_or(EvalError::Internal { span, what: "a parameter".into() });
        let ar = |e| EvalError::arith(e, span);
        Ok(match b {
            Builtin::Normal => {
                let (mean, sd) = (get(0)?, get(1)?);
                if sd.is_sign_negative() {
                    return Err(bad(span, "the standard deviation is negative"));
                }
                let h = number::mul(sd, z95()).map_err(ar)?;
                let lh = [number::sub(mean, h).map_err(ar)?, mean, number::add(mean, h).map_err(ar)?];
                (Dist::Normal { mean: f(mean), sd: f(sd) }, lh, unit)
            }
            Builtin::Lognormal => {
                let (a, c) = (get(0)?, get(1)?);
                if a <= Decimal::ZERO || c <= a {
                    return Err(bad(span, "a lognormal needs 0 < p5 < p95"));
                }
                let median = number::sqrt_product(a, c).map_err(ar)?;
                (Dist::lognormal_90(f(a), f(c)), [a, median, c], unit)
            }
            Builtin::Uniform => {
                let (a, c) = (get(0)?, get(1)?);
                if c < a {
                    return Err(bad(span, "the high end is below the low end"));
                }
                let mid = number::div(number::add(a, c).map_err(ar)?, Decimal::TWO).map_err(ar)?;
                (Dist::Uniform { low: f(a), high: f(c) }, [a, mid, c], unit)
            }
            Builtin::Triangular => {
                let (a, m, c) = (get(0)?, get(1)?, get(2)?);
                if !(a <= m && m <= c) {
                    return Err(bad(span, "a triangular needs low ≤ mode ≤ high"));
                }
                (Dist::Triangular { low: f(a), mode: f(m), high: f(c) }, [a, m, c], unit)
            }
            _ => {
                let p = get(0)?;
                if p < Decimal::ZERO || p > Decimal::ONE {
                    return Err(bad(span, "a probability must lie between 0 and 1"));
                }
                let point = if p > Decimal::new(5, 1) { Decimal::ONE } else { Decimal::ZERO };
                (Dist::Bernoulli { p: f(p) }, [Decimal::ZERO, point, Decimal::ONE], unit)
            }
        })
    }

    /// The value a deterministic run gives `low .. high [~ point]`, period by period: the
    /// written point, else the median ([`Run::range_median`]). A range whose high end is below
    /// its low end is no distribution, with or without a point, as `aifin sample` finds it.
    pub(super) fn range_point(
        &mut self,
        low: &Series,
        high: &Series,
        point: Option<&TExpr>,
        span: Span,
    ) -> Result<Series, EvalError> {
        let converted = high.convert(&low.unit, self.reg).map_err(|x| EvalError::arith(x.error, span))?;
        if (0..self.n().max(1)).any(|i| converted.get(i) < low.get(i)) {
            return Err(bad(span, "the high end is below the low end"));
        }
        match point {
            Some(p) => self.series(p),
            None => self.range_median(low, high, span),
        }
    }

    /// The value a deterministic run gives `low .. high` written without `~ point`: the median
    /// of the distribution the range stands for — √(low·high) when low > 0 (lognormal), else
    /// (low + high)/2 (normal) — period by period, in `low`'s unit. The ratio of `high`'s unit
    /// to `low`'s joins the root's exact fraction ([`number::sqrt_quotient`]): rounded once.
    fn range_median(&self, low: &Series, high: &Series, span: Span) -> Result<Series, EvalError> {
        let ar = |x: number::ArithError| EvalError::arith(x, span);
        let ratio = self.reg.factor(&high.unit).and_then(|h| h.checked_div(self.reg.factor(&low.unit)?)).map_err(ar)?;
        let median = |l: Decimal, h: Decimal| -> Result<Decimal, number::ArithError> {
            if l > Decimal::ZERO {
                number::sqrt_quotient(&[l, h, ratio.num], &[ratio.den])
            } else {
                number::div(number::add(l, ratio.apply(h)?)?, Decimal::TWO)
            }
        };
        let values = low.values.zip(&high.values, self.n(), median).map_err(|x| ar(x.error))?;
        Ok(Series { unit: low.unit.clone(), values })
    }

    /// A distribution call in a run: its draw when sampled, else its point.
    pub(super) fn distribution(&mut self, b: Builtin, args: &[TArg], span: Span) -> Result<Val, EvalError> {
        if let Some(v) = self.drawn(span) {
            return Ok(v);
        }
        let (_, [l, p, h], unit) = self.call_distribution(b, args, span)?;
        let c = |x| Series::constant(x, unit.clone());
        Ok(Val::Uncertain(c(l), c(h), c(p)))
    }

    /// The input a range or distribution node makes, read at point values.
    fn input(&mut self, e: &TExpr) -> Result<Option<Input>, EvalError> {
        match &e.kind {
            TExprKind::Range { low, high, point } if matches!(e.ty, Type::Uncertain(_)) => {
                let l = self.series(low)?;
                let h = self.series(high)?.convert(&l.unit, self.reg).map_err(|x| EvalError::arith(x.error, e.span))?;
                let (lv, hv) = (l.get(0), h.get(0));
                if hv < lv {
                    return Err(bad(e.span, "the high end is below the low end"));
                }
                let dist =
                    if lv > Decimal::ZERO { Dist::lognormal_90(f(lv), f(hv)) } else { Dist::normal_90(f(lv), f(hv)) };
                // a written point outside the interval is the program's warning
                // (`eval::warning::point_outside`), not the sampler's business
                let point = match point {
                    Some(p) => self
                        .series(p)?
                        .convert(&l.unit, self.reg)
                        .map_err(|x| EvalError::arith(x.error, e.span))?
                        .get(0),
                    None => self.series(e)?.get(0),
                };
                Ok(Some(Input { span: e.span, dist, unit: l.unit, point, range: true }))
            }
            TExprKind::Call(b, args) if is_distribution(*b) => {
                let (dist, [_, point, _], unit) = self.call_distribution(*b, args, e.span)?;
                Ok(Some(Input { span: e.span, dist, unit, point, range: false }))
            }
            _ => Ok(None),
        }
    }
}

/// True for the distribution built-ins.
pub fn is_distribution(b: Builtin) -> bool {
    matches!(b, Builtin::Normal | Builtin::Lognormal | Builtin::Uniform | Builtin::Triangular | Builtin::Bernoulli)
}

/// Every uncertain node `e` holds (not inside another: a distribution's parameters are read
/// at their point values), in the order written.
fn collect<'p>(e: &'p TExpr, out: &mut Vec<&'p TExpr>) {
    match &e.kind {
        TExprKind::Range { .. } if matches!(e.ty, Type::Uncertain(_)) => out.push(e),
        TExprKind::Call(b, _) if is_distribution(*b) => out.push(e),
        TExprKind::Call(_, args) => args.iter().for_each(|a| collect(&a.value, out)),
        TExprKind::Neg(x) | TExprKind::Convert(x, _) => collect(x, out),
        TExprKind::Binary { lhs, rhs, .. } => {
            collect(lhs, out);
            collect(rhs, out);
        }
        _ => {}
    }
}

/// Every expression a run reads, in a fixed order: `defs` (the definitions as the caller has
/// them), entity fields, flows (and a capex's life), contract terms, claims (the value, the
/// target and the tolerance; not the claimed interval of `in low .. high`, which is no input),
/// reports. [`inputs`] and the warnings ([`super::warning`]) walk the same list.
pub(super) fn read_by_a_run<'p>(program: &'p Program, defs: impl IntoIterator<Item = &'p TExpr>) -> Vec<&'p TExpr> {
    let mut out: Vec<&TExpr> = defs.into_iter().collect();
    for en in &program.entities {
        out.extend(en.fields.values().map(|f| &f.value));
    }
    for fl in &program.flows {
        out.push(&fl.value);
        out.extend(fl.life.as_deref());
    }
    for c in &program.contracts {
        out.extend(c.fields.values().map(|f| &f.value));
    }
    for c in &program.claims {
        out.push(&c.value);
        match &c.test {
            ClaimTestIr::Approx { target, tolerance } => {
                out.push(target);
                out.extend(tolerance.as_ref().map(|(t, _)| t));
            }
            ClaimTestIr::Compare(_, t) => out.push(t),
            ClaimTestIr::Between(_) => {}
        }
    }
    for r in &program.reports {
        out.extend(r.items.iter().map(|(e, _)| e));
    }
    out
}

/// The uncertain inputs of a scenario, in a fixed order (definitions as the scenario has them,
/// entity fields, flows, contract terms, claims, reports), each once. The range of a claim's
/// `in low .. high` is the claimed interval, not an input. `run` is the scenario's
/// deterministic run (its values give the parameters).
pub fn inputs(run: &mut Run<'_>) -> Result<Vec<Input>, EvalError> {
    let program = run.program;
    let chain = scenario_chain(program, Some(&run.scenario))?;
    let mut nodes: Vec<&TExpr> = Vec::new();
    for e in read_by_a_run(program, scenario_defs(program, &chain)) {
        collect(e, &mut nodes);
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for e in nodes {
        if seen.insert(e.span) {
            if let Some(i) = run.input(e)? {
                out.push(i);
            }
        }
    }
    Ok(out)
}

/// The uncertain inputs of a constant expression and the definitions it uses (`:dist EXPR`),
/// in the order written, each once; and the draws it takes from `rng`.
pub struct ConstantSampler<'p> {
    program: &'p Program,
    expr: &'p TExpr,
    pub inputs: Vec<Input>,
    /// Its deterministic value and unit.
    pub point: Decimal,
    pub unit: Unit,
}

impl<'p> ConstantSampler<'p> {
    pub fn new(program: &'p Program, expr: &'p TExpr) -> Result<ConstantSampler<'p>, EvalError> {
        let mut run = Run::constants(program, expr.span)?;
        let mut nodes = Vec::new();
        let mut todo = vec![expr];
        let mut seen_defs = std::collections::HashSet::new();
        while let Some(e) = todo.pop() {
            collect(e, &mut nodes);
            uses(e, &mut |id| {
                if seen_defs.insert(id) {
                    if let Some(d) = program.definitions.get(id) {
                        todo.push(&d.value);
                    }
                }
            });
        }
        let mut seen = std::collections::HashSet::new();
        let mut inputs = Vec::new();
        for e in nodes {
            if seen.insert(e.span) {
                if let Some(i) = run.input(e)? {
                    inputs.push(i);
                }
            }
        }
        let s = run.series(expr)?;
        Ok(ConstantSampler { program, expr, inputs, point: s.get(0), unit: s.unit })
    }

    /// The value with the draws `rng` gives, in [`Self::unit`].
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Decimal, EvalError> {
        let mut run = Run::constants(self.program, self.expr.span)?;
        run.draws = Some(Arc::new(draw(&self.inputs, rng)?));
        let s = run
            .series(self.expr)?
            .convert(&self.unit, run.reg)
            .map_err(|x| EvalError::arith(x.error, self.expr.span))?;
        Ok(s.get(0))
    }
}

/// Calls `f` with every definition `e` names directly.
fn uses(e: &TExpr, f: &mut impl FnMut(crate::check::ir::DefId)) {
    match &e.kind {
        TExprKind::Definition(id) => f(*id),
        TExprKind::Call(_, args) => args.iter().for_each(|a| uses(&a.value, f)),
        TExprKind::Neg(x) | TExprKind::Convert(x, _) => uses(x, f),
        TExprKind::Binary { lhs, rhs, .. } => {
            uses(lhs, f);
            uses(rhs, f);
        }
        TExprKind::Range { low, high, point } => {
            uses(low, f);
            uses(high, f);
            if let Some(p) = point {
                uses(p, f);
            }
        }
        _ => {}
    }
}

/// The draws of one sample from `rng`: every input once, in order.
pub fn draw<R: Rng + ?Sized>(inputs: &[Input], rng: &mut R) -> Result<Draws, EvalError> {
    let mut d = Draws::default();
    for i in inputs {
        d.0.insert(i.span, (i.draw(rng)?, i.unit.clone()));
    }
    Ok(d)
}

/// What a run says of one entity's risk: its funding gap over the whole timeline, its runway
/// (the first period whose closing cash is below its minimum, on the full-payment path), its
/// losses, and the period it defaulted in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Risk {
    pub funding_gap: Decimal,
    pub runway: Option<usize>,
    pub losses: Decimal,
    pub default: Option<usize>,
}

impl Run<'_> {
    /// [`Risk`] of entity `id`, as `funding_gap(E, timeline)`, `runway(E)`, `losses(E)` and
    /// `defaulted(E)` compute it.
    /// (`span`: the entity, for a diagnostic.)
    pub fn risk(&self, id: crate::check::ir::EntityId, span: Span) -> Result<Risk, EvalError> {
        // no default: the cleared path is the full-payment path
        let full = self.full_ledger.as_ref().unwrap_or(&self.ledger);
        let closing = full.closing(id).map_err(|x| EvalError::arith(x, span))?;
        let min = *self.min_cash.get(id).ok_or_else(|| EvalError::internal(span, "an entity of another program"))?;
        let mut gap = Decimal::ZERO;
        for c in &closing {
            gap = gap.max(number::sub(min, *c).map_err(|x| EvalError::arith(x, span))?);
        }
        // a run without obligations between entities has no defaults to record: no losses
        Ok(Risk {
            funding_gap: gap,
            runway: closing.iter().position(|c| *c < min),
            losses: self.defaults.by_entity.get(id).copied().unwrap_or_default(),
            default: self.defaults.period_of.get(id).copied().flatten(),
        })
    }
}
