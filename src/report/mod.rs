//! Reports: a run's claims and `report` statements as plain data ([`Outcome`]), and their
//! rendering as aligned text ([`text`]), JSON ([`json`]) or CSV ([`csv`]).
//!
//! Entry point: [`outcome`]. Values stay exact here; only the text renderer rounds (money to
//! its currency's minor unit with the scenario's rounding rule, other quantities to at most six
//! decimals), once, at output. Sign convention: inflows are positive; `revenue`, `costs`,
//! `capex`, `depreciation` and `interest` are positive amounts; `profit`, `net`, `financing`
//! and `burn` are signed.

pub mod csv;
pub mod json;
pub mod schedule;
pub mod text;
mod when;

use crate::check::ir::{ClaimTestIr, EntityId, ReportIr, Scale, TExpr, TExprKind};
use crate::check::Shape;
use crate::eval::engine::{Run, Val};
use crate::eval::series::Series;
use crate::eval::{At, EvalError};
use crate::number;
use crate::source::SourceMap;
use crate::syntax::ast::{CompareOp, Step};
use crate::units::Unit;
use rust_decimal::Decimal;

/// One reported item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its label (`as "…"`, else the expression as written).
    pub label: String,
    /// Its unit as text.
    pub unit: String,
    /// Decimals of the currency's minor unit, for money.
    pub minor: Option<u32>,
    /// Its values.
    pub values: ItemValues,
}

/// The values of a reported item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemValues {
    /// One value per report period, with the shape it came from.
    Per(Vec<Decimal>, Shape),
    /// One value.
    One(Decimal),
    /// A period, or `never`.
    Period(String),
}

/// One `report` statement, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its name (`report "Liquidity" …`).
    pub name: Option<String>,
    /// How text prints its money (`in B USD`).
    pub scale: Option<Scale>,
    /// Where it is declared (`file:line`).
    pub location: String,
    /// Its granularity.
    pub step: Step,
    /// Labels of its periods.
    pub periods: Vec<String>,
    /// Its items.
    pub items: Vec<Item>,
    /// Why it is not shown as asked (a report finer than the timeline is shown at the
    /// timeline's step).
    pub note: Option<String>,
}

/// A claim, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimResult {
    /// What is claimed.
    pub text: String,
    /// Its source.
    pub source: Option<String>,
    /// Meant to be refuted?
    pub expect_fail: bool,
    /// Did the model's value pass the test?
    pub holds: bool,
    /// The model's value (in the claimed value's unit), or, for a series, in the first period
    /// where the test fails.
    pub model: Decimal,
    /// The claimed value (the low end for a range).
    pub claimed: Decimal,
    /// The high end, for `in low .. high`.
    pub claimed_high: Option<Decimal>,
    /// The tolerance of `~= value within T`: absolute in `unit` (`false`), or relative, a
    /// fraction of the claimed value (`true`).
    pub tolerance: Option<(Decimal, bool)>,
    /// The comparison, as written (`~=`, `>=`, `in`…).
    pub test: String,
    /// The unit of both.
    pub unit: String,
    /// Decimals of the currency's minor unit, for money.
    pub minor: Option<u32>,
    /// Model ÷ claim, when the claim is not zero.
    pub ratio: Option<Decimal>,
    /// The period the model's value is from, for a series.
    pub period: Option<String>,
    /// For a claim about when something happens, the periods compared (the quantity fields
    /// are then zero and empty).
    pub when: Option<PeriodClaim>,
}

/// The periods of a claim about when something happens, as labels (`2026-03`, `never`).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodClaim {
    /// The model's period, or `never`.
    pub model: String,
    /// The claimed period (the low end of a range), or `never`.
    pub claimed: String,
    /// The high end, for `in A .. B`.
    pub claimed_high: Option<String>,
}

impl ClaimResult {
    /// The tolerance as written after the claimed value, exact: ` within 0.01 USD`,
    /// ` within 1 % relative` (empty without one).
    pub fn tolerance_text(&self) -> String {
        match self.tolerance {
            None => String::new(),
            // as a percentage; a fraction too large to be one (past 10^26) as the fraction
            Some((t, true)) => match number::mul(t, Decimal::ONE_HUNDRED) {
                Ok(pct) => format!(" within {} % relative", number::group_digits(&number::format_exact(pct))),
                Err(_) => format!(" within {} relative", number::group_digits(&number::format_exact(t))),
            },
            Some((t, false)) => {
                let unit = if self.unit.is_empty() { String::new() } else { format!(" {}", self.unit) };
                format!(" within {}{unit}", number::group_digits(&number::format_exact(t)))
            }
        }
    }

    /// Did the claim come out as expected?
    pub fn as_expected(&self) -> bool {
        self.holds != self.expect_fail
    }
}

/// One default, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultLine {
    /// The entity.
    pub entity: String,
    /// The period it defaults in.
    pub period: String,
    /// What it left unpaid in that period.
    pub shortfall: Decimal,
    /// (debtor, contract, unpaid, the debtor's default period) — the cause chain.
    pub causes: Vec<(String, String, Decimal, Option<String>)>,
}

/// The defaults report.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultsTable {
    /// Every default, in order.
    pub defaults: Vec<DefaultLine>,
    /// Losses by entity (non-zero only).
    pub losses_by_entity: Vec<(String, Decimal)>,
    /// Losses by contract (non-zero only).
    pub losses_by_contract: Vec<(String, Decimal)>,
    /// The ledger currency.
    pub currency: String,
}

/// A part of the output, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Section {
    /// A `report` of series and values.
    Table(Table),
    /// The claims table.
    Claims,
    /// The defaults report.
    Defaults(DefaultsTable),
}

/// Everything a run reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The scenario.
    pub scenario: String,
    /// `2025-01 .. 2030-12 monthly`.
    pub timeline: String,
    /// The ledger currency.
    pub currency: String,
    /// The rounding rule of text output.
    pub rounding: number::Rounding,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// Every claim.
    pub claims: Vec<ClaimResult>,
    /// How text prints money where a report does not say (`aifin run --scale B`).
    pub scale: Option<Scale>,
}

impl Table {
    /// The table's title for humans and for CSV: its name, else where it is declared.
    pub fn title(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.location)
    }
}

fn label_of(e: &TExpr, sources: &SourceMap) -> String {
    sources.slice(e.span).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn step_rank(s: Step) -> u8 {
    match s {
        Step::Daily => 0,
        Step::Monthly => 1,
        Step::Quarterly => 2,
        Step::Yearly => 3,
    }
}

/// The key of the report period a timeline period falls in.
fn group_key(step: Step, (y, m, d): (i32, u32, u32)) -> (i32, u32, u32) {
    match step {
        Step::Daily => (y, m, d),
        Step::Monthly => (y, m, 1),
        Step::Quarterly => (y, (m - 1) / 3 * 3 + 1, 1),
        Step::Yearly => (y, 1, 1),
    }
}

fn group_label(step: Step, (y, m, d): (i32, u32, u32)) -> String {
    match step {
        Step::Daily => format!("{y:04}-{m:02}-{d:02}"),
        Step::Monthly => format!("{y:04}-{m:02}"),
        Step::Quarterly => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
        Step::Yearly => format!("{y:04}"),
    }
}

fn defaults_table(run: &Run<'_>) -> Result<DefaultsTable, EvalError> {
    // the defaults name entities and contracts of the run's own program: a miss is a bug
    let missing = |what: &str| EvalError::internal(run.scenario_span(), format!("a default names no {what}"));
    let ent = |e: EntityId| run.program.entities.get(e).map(|x| x.name.clone()).ok_or_else(|| missing("entity"));
    let con = |c: crate::check::ir::ContractId| {
        run.program.contracts.get(c).map(|x| x.name.clone()).ok_or_else(|| missing("contract"))
    };
    let d = &run.defaults;
    Ok(DefaultsTable {
        defaults: d
            .records
            .iter()
            .map(|r| {
                Ok(DefaultLine {
                    entity: ent(r.entity)?,
                    period: run.timeline.label(r.period),
                    shortfall: r.shortfall,
                    causes: r
                        .causes
                        .iter()
                        .map(|c| {
                            Ok((
                                ent(c.debtor)?,
                                con(c.contract)?,
                                c.unpaid,
                                d.period_of.get(c.debtor).copied().flatten().map(|p| run.timeline.label(p)),
                            ))
                        })
                        .collect::<Result<_, EvalError>>()?,
                })
            })
            .collect::<Result<_, EvalError>>()?,
        losses_by_entity: d
            .by_entity
            .iter_enumerated()
            .filter(|(_, v)| !v.is_zero())
            .map(|(e, v)| Ok((ent(e)?, *v)))
            .collect::<Result<_, EvalError>>()?,
        losses_by_contract: d
            .by_contract
            .iter_enumerated()
            .filter(|(_, v)| !v.is_zero())
            .map(|(c, v)| Ok((con(c)?, *v)))
            .collect::<Result<_, EvalError>>()?,
        currency: currency_name(run)?,
    })
}

/// The name of the run's ledger currency (a unit of its registry).
fn currency_name(run: &Run<'_>) -> Result<String, EvalError> {
    run.reg
        .def(run.money)
        .map(|x| x.name.clone())
        .ok_or_else(|| EvalError::internal(run.scenario_span(), "the ledger currency is no unit"))
}

/// An amount of money in a report that says `in M EUR` where the books are in another currency
/// of the same dimension (an exchange rate joins them), converted into EUR, so that the report
/// prints it in that currency as it says; anything else as it is. A conversion that overflows
/// is an arithmetic error at the report, never USD printed under an EUR header.
fn in_scale_currency(run: &Run<'_>, r: &ReportIr, s: Series) -> Result<Series, EvalError> {
    let Some(target) = scale_currency(run, r) else { return Ok(s) };
    let money = |u: &crate::units::Unit| matches!(u.factors(), [(id, 1)] if run.reg.def(*id).is_some_and(|d| d.minor.is_some()));
    if !money(&s.unit) || s.unit == target || run.reg.dimension(&s.unit) != run.reg.dimension(&target) {
        return Ok(s);
    }
    s.convert(&target, run.reg).map_err(|x| EvalError::arith(x.error, r.span))
}

/// The currency a report's `in M EUR` names, when it is the books' currency or an exchange rate
/// joins the two (`None`: no such clause, or it cannot be applied).
fn scale_currency(run: &Run<'_>, r: &ReportIr) -> Option<crate::units::Unit> {
    let target = crate::units::Unit::named(run.reg.lookup(&r.scale.as_ref()?.currency)?);
    let books = crate::units::Unit::named(run.money);
    (run.reg.dimension(&target) == run.reg.dimension(&books)).then_some(target)
}

enum Built {
    Table(Table),
    Claims,
    Defaults,
}

fn table(run: &mut Run<'_>, r: &ReportIr, sources: &SourceMap) -> Result<Built, EvalError> {
    let asked = r.step.unwrap_or(run.timeline.step);
    // a timeline has no finer periods than its own: shown at the timeline's step, with a note
    let (step, note) = if step_rank(asked) < step_rank(run.timeline.step) {
        let tl = run.timeline.step.keyword();
        (run.timeline.step, Some(format!("asked {}, shown {tl}: the timeline is {tl}", asked.keyword())))
    } else {
        (asked, None)
    };
    // groups of timeline periods
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut last_key = None;
    for (i, p) in run.timeline.periods.iter().enumerate() {
        let k = group_key(step, p.start);
        if Some(k) != last_key {
            groups.push((group_label(step, k), Vec::new()));
            last_key = Some(k);
        }
        if let Some(g) = groups.last_mut() {
            g.1.push(i);
        }
    }
    let mut items = Vec::new();
    let location = {
        let (line, _) = sources.line_col(r.span.source(), r.span.start());
        format!("{}:{}", sources.get(r.span.source()).map(|s| s.name()).unwrap_or(""), line)
    };
    for (e, label) in &r.items {
        if let TExprKind::Table(t) = &e.kind {
            return Ok(if t == "claims" { Built::Claims } else { Built::Defaults });
        }
        let label = label.clone().unwrap_or_else(|| label_of(e, sources));
        let v = match run.value(e)? {
            Val::S(s, shape) => Val::S(in_scale_currency(run, r, s)?, shape),
            Val::Uncertain(l, h, p) => Val::Uncertain(
                in_scale_currency(run, r, l)?,
                in_scale_currency(run, r, h)?,
                in_scale_currency(run, r, p)?,
            ),
            v => v,
        };
        let item = match v {
            Val::S(s, _) if shape_varies(&e.ty) => {
                let shape = e.ty.shape().unwrap_or(Shape::Series);
                let mut vals = Vec::with_capacity(groups.len());
                for (_, idx) in &groups {
                    // flows add up over a report period; balances and series show its last value
                    let v = match shape {
                        Shape::Flow => idx.iter().map(|i| s.get(*i)).try_fold(Decimal::ZERO, number::add).at(e.span)?,
                        _ => idx.last().map(|i| s.get(*i)).unwrap_or_default(),
                    };
                    vals.push(v);
                }
                item(run, label, &s.unit, ItemValues::Per(vals, shape))
            }
            Val::S(s, _) => item(run, label, &s.unit, ItemValues::One(s.get(0))),
            Val::Uncertain(_, _, p) => item(run, label, &p.unit, ItemValues::One(p.get(0))),
            Val::Period(p) => {
                Item { label, unit: String::new(), minor: None, values: ItemValues::Period(p.to_string()) }
            }
            Val::Never => Item { label, unit: String::new(), minor: None, values: ItemValues::Period("never".into()) },
            _ => return Err(EvalError::Internal { span: e.span, what: "an unreportable value".into() }),
        };
        items.push(item);
    }
    // `in M EUR` of books no exchange rate converts into EUR: say so rather than print the
    // books' currency under a header that names another
    let (scale, note) = match &r.scale {
        Some(s) if scale_currency(run, r).is_none() => {
            let books = currency_name(run)?;
            let why = format!(
                "`in {} {}` not applied: the books are in {books} and no exchange rate converts them",
                s.suffix, s.currency
            );
            (None, Some(note.map_or(why.clone(), |n| format!("{n}; {why}"))))
        }
        s => (s.clone(), note),
    };
    Ok(Built::Table(Table {
        name: r.name.clone(),
        scale,
        location,
        step,
        periods: groups.into_iter().map(|g| g.0).collect(),
        items,
        note,
    }))
}

fn shape_varies(t: &crate::check::Type) -> bool {
    crate::eval::engine::varies(t)
}

fn item(run: &Run<'_>, label: String, unit: &Unit, values: ItemValues) -> Item {
    Item { label, unit: run.reg.format_unit(unit), minor: crate::eval::engine::is_money(run.reg, unit), values }
}

fn series_of(run: &mut Run<'_>, e: &TExpr) -> Result<(Series, Option<(Series, Series)>), EvalError> {
    match run.value(e)? {
        Val::S(s, _) => Ok((s, None)),
        Val::Uncertain(l, h, p) => Ok((p, Some((l, h)))),
        _ => Err(EvalError::Internal { span: e.span, what: "a claim of something that is not a quantity".into() }),
    }
}

fn claim(run: &mut Run<'_>, c: &crate::check::ir::ClaimIr) -> Result<ClaimResult, EvalError> {
    if c.value.ty == crate::check::Type::Period {
        return when::claim(run, c);
    }
    let n = run.timeline.len();
    let (model, _) = series_of(run, &c.value)?;
    let (target_expr, test) = match &c.test {
        ClaimTestIr::Approx { target, .. } => (target, "~=".to_string()),
        ClaimTestIr::Compare(op, target) => (target, op.symbol().to_string()),
        ClaimTestIr::Between(range) => (range, "in".to_string()),
    };
    let (target, range) = series_of(run, target_expr)?;
    let unit = range.as_ref().map(|r| r.0.unit.clone()).unwrap_or_else(|| target.unit.clone());
    let conv = |s: &Series, span| s.convert(&unit, run.reg).at(span);
    let model = conv(&model, c.value.span)?;
    let target = conv(&target, target_expr.span)?;
    let range = match range {
        Some((l, h)) => Some((conv(&l, target_expr.span)?, conv(&h, target_expr.span)?)),
        None => None,
    };
    let tol = match &c.test {
        ClaimTestIr::Approx { tolerance: Some((t, relative)), .. } => {
            let (ts, _) = series_of(run, t)?;
            let ts =
                if *relative { ts.convert(&Unit::none(), run.reg) } else { ts.convert(&unit, run.reg) }.at(t.span)?;
            Some((ts.get(0), *relative))
        }
        _ => None,
    };
    let check = |m: Decimal, t: Decimal| -> Result<bool, crate::number::ArithError> {
        Ok(match &c.test {
            ClaimTestIr::Approx { .. } => {
                let diff = number::sub(m, t)?.abs();
                match tol {
                    None => diff.is_zero(),
                    Some((tv, false)) => diff <= tv,
                    Some((tv, true)) => diff <= number::mul(tv, t.abs())?,
                }
            }
            ClaimTestIr::Compare(op, _) => match op {
                CompareOp::Ge => m >= t,
                CompareOp::Le => m <= t,
                CompareOp::Gt => m > t,
                CompareOp::Lt => m < t,
                CompareOp::Eq => m == t,
            },
            ClaimTestIr::Between(_) => false,
        })
    };
    let varies = !model.values.is_const() || !target.values.is_const();
    let mut holds = true;
    let mut at: usize = 0;
    let count = if varies { n } else { 1 };
    // when it holds everywhere, the period closest to failing: the least margin (the first of
    // equals), so the output shows the tightest figure, not merely the first
    let mut tightest: Option<Decimal> = None;
    for i in 0..count {
        let (m, t) = (model.get(i), target.get(i));
        let ok = match &range {
            Some((l, h)) => l.get(i) <= m && m <= h.get(i),
            None => check(m, t).at(c.span)?,
        };
        if !ok {
            holds = false;
            at = i;
            break;
        }
        let margin = match (&range, &c.test) {
            (Some((l, h)), _) => {
                number::sub(m, l.get(i)).ok().zip(number::sub(h.get(i), m).ok()).map(|(a, b)| a.min(b))
            }
            (None, ClaimTestIr::Compare(CompareOp::Ge | CompareOp::Gt, _)) => number::sub(m, t).ok(),
            (None, ClaimTestIr::Compare(CompareOp::Le | CompareOp::Lt, _)) => number::sub(t, m).ok(),
            (None, _) => number::sub(m, t).ok().map(|d| -d.abs()),
        };
        if let Some(x) = margin {
            if tightest.is_none_or(|best| x < best) {
                tightest = Some(x);
                at = i;
            }
        }
    }
    let m = model.get(at);
    let claimed = match &range {
        Some((l, _)) => l.get(at),
        None => target.get(at),
    };
    let claimed_high = range.as_ref().map(|(_, h)| h.get(at));
    let ratio = if claimed.is_zero() || range.is_some() { None } else { number::div(m, claimed).ok() };
    Ok(ClaimResult {
        text: c.text.clone(),
        source: c.source.clone(),
        expect_fail: c.expect_fail,
        holds,
        model: m,
        claimed,
        claimed_high,
        tolerance: tol,
        test,
        unit: run.reg.format_unit(&unit),
        minor: crate::eval::engine::is_money(run.reg, &unit),
        ratio,
        period: if varies { Some(run.timeline.label(at)) } else { None },
        when: None,
    })
}

/// Checks claims in a finished run (the claims table's rows; `aifin explain` of a claim).
pub fn claim_results(run: &mut Run<'_>, claims: &[crate::check::ir::ClaimIr]) -> Result<Vec<ClaimResult>, EvalError> {
    claims.iter().map(|c| claim(run, c)).collect()
}

/// The outcome of a finished run, read through `&` (claims and tables are evaluated by an
/// evaluator seeded with the run's books: [`crate::eval::RunResult::query`]).
pub fn outcome_of(result: &crate::eval::RunResult, sources: &SourceMap) -> Result<Outcome, EvalError> {
    outcome(&mut result.query()?, sources)
}

/// Evaluates a run's claims and reports.
pub fn outcome(run: &mut Run<'_>, sources: &SourceMap) -> Result<Outcome, EvalError> {
    let mut claims = Vec::new();
    for c in &run.program.claims {
        claims.push(claim(run, c)?);
    }
    let mut sections = Vec::new();
    for r in &run.program.reports {
        match table(run, r, sources)? {
            Built::Table(t) => sections.push(Section::Table(t)),
            Built::Claims => sections.push(Section::Claims),
            Built::Defaults => sections.push(Section::Defaults(defaults_table(run)?)),
        }
    }
    if !claims.is_empty() && !sections.contains(&Section::Claims) {
        sections.push(Section::Claims);
    }
    let tl = &run.timeline;
    let timeline = format!("{} .. {} {}", tl.label(0), tl.label(tl.len().saturating_sub(1)), tl.step.keyword());
    Ok(Outcome {
        scenario: run.scenario.clone(),
        timeline,
        currency: currency_name(run)?,
        rounding: run.rounding,
        sections,
        claims,
        scale: None,
    })
}

/// The defaults report of a finished run, whether or not the program asks for it (the REPL's
/// `:defaults`).
pub fn defaults_of(result: &crate::eval::RunResult) -> Result<DefaultsTable, EvalError> {
    defaults_table(&result.query()?)
}
