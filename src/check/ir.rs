//! The checked program: names resolved to slots, every expression typed, units resolved.
//!
//! This is what the evaluator runs. Definitions, entities, flows and contracts are referred to
//! by index (no name lookups at run time); every node keeps its span for diagnostics and for
//! explaining a number.

pub use super::builtin_spec::{Builtin, BuiltinGroup, BuiltinSpec, BUILTINS};
use super::spec::ContractSpec;
use super::types::Type;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, CompareOp, DefinitionKind, Direction, PeriodValue, Step};
use crate::units::{Quantity, Registry, Unit, UnitId};

pub use super::ids::{ContractId, DefId, EntityId, FlowId, IdVec};

/// A typed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct TExpr {
    /// What it computes.
    pub kind: TExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// A typed call argument.
#[derive(Debug, Clone, PartialEq)]
pub struct TArg {
    /// Its name, if named.
    pub name: Option<String>,
    /// Its value.
    pub value: TExpr,
    /// Its anchor period.
    pub anchor: Option<PeriodValue>,
    /// Where it is.
    pub span: Span,
}

/// The kinds of typed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum TExprKind {
    /// A constant quantity.
    Literal(Quantity),
    /// A calendar literal.
    Period(PeriodValue),
    /// A string.
    Text(String),
    /// An option word.
    Symbol(String),
    /// A driver or curve.
    Definition(DefId),
    /// An entity.
    Entity(EntityId),
    /// A contract.
    Contract(ContractId),
    /// A flow.
    Flow(FlowId),
    /// A report table (`defaults`, `claims`).
    Table(String),
    /// `-x`
    Neg(Box<TExpr>),
    /// `a op b`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Its span.
        op_span: Span,
        /// Left.
        lhs: Box<TExpr>,
        /// Right.
        rhs: Box<TExpr>,
    },
    /// `x in unit`
    Convert(Box<TExpr>, Unit),
    /// `low .. high [~ point]`
    Range {
        /// Low end.
        low: Box<TExpr>,
        /// High end.
        high: Box<TExpr>,
        /// Point value.
        point: Option<Box<TExpr>>,
    },
    /// A built-in call.
    Call(Builtin, Vec<TArg>),
}

/// A driver or curve.
#[derive(Debug, Clone, PartialEq)]
pub struct DefIr {
    /// Its name.
    pub name: String,
    /// Driver or curve.
    pub kind: DefinitionKind,
    /// Its value.
    pub value: TExpr,
    /// The definitions it uses directly.
    pub deps: Vec<DefId>,
    /// The declaration.
    pub span: Span,
}

/// A checked field of an entity or contract.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldIr {
    /// Its value.
    pub value: TExpr,
    /// The date written before it.
    pub date: Option<PeriodValue>,
    /// Dated values (`draws 2B USD @ 2025-03-01, …`): each value with its day; `value` is then
    /// the first of them.
    pub dated: Vec<(TExpr, PeriodValue)>,
    /// The field.
    pub span: Span,
}

/// An entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityIr {
    /// Its name.
    pub name: String,
    /// Its fields by name, as declared (the checker, overrides, completion and `explain` read
    /// these; the evaluator reads `terms`).
    pub fields: super::field_map::FieldMap,
    /// Its fields typed, with the spec's defaults (`super::typed`).
    pub terms: super::typed::EntityTerms,
    /// The declaration.
    pub span: Span,
}

/// How a flow is booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowKind {
    /// Revenue.
    Revenue,
    /// Operating cost.
    Cost,
    /// Capital expenditure, depreciated over a life.
    Capex,
    /// Financing (debt, equity): cash, not profit.
    Financing,
}

impl FlowKind {
    /// From its keyword.
    pub fn from_name(s: &str) -> Option<FlowKind> {
        match s {
            "revenue" => Some(FlowKind::Revenue),
            "cost" => Some(FlowKind::Cost),
            "capex" => Some(FlowKind::Capex),
            "financing" => Some(FlowKind::Financing),
            _ => None,
        }
    }
}

/// A flow between an entity and the world.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowIr {
    /// The entity.
    pub entity: EntityId,
    /// The flow's name.
    pub name: String,
    /// In or out.
    pub direction: Direction,
    /// Amount or rate.
    pub value: TExpr,
    /// First period.
    pub from: Option<PeriodValue>,
    /// Last period.
    pub to: Option<PeriodValue>,
    /// Date of a one-off amount.
    pub on: Option<PeriodValue>,
    /// How it is booked.
    pub kind: FlowKind,
    /// Depreciation life of capex (boxed: most flows have none).
    pub life: Option<Box<TExpr>>,
    /// What the flow depends on (`while C`, `until defaulted(E)`).
    pub contingent: Option<Contingency>,
    /// The declaration.
    pub span: Span,
}

/// What a contingent flow depends on: it is booked only while this holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contingency {
    /// `while C`: the contract is in force (not ended by a default).
    While(ContractId),
    /// `until defaulted(E)`: the entity has not defaulted.
    Until(EntityId),
}

/// A contract.
#[derive(Debug, Clone)]
pub struct ContractIr {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub spec: &'static ContractSpec,
    /// Its terms by name, as declared (the checker, overrides and completion read these; the
    /// evaluator reads `terms`).
    pub fields: super::field_map::FieldMap,
    /// Its terms typed by kind, with the spec's defaults (`super::typed`).
    pub terms: super::typed::ContractTerms,
    /// The declaration.
    pub span: Span,
}

/// A claim's test.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimTestIr {
    /// `~= target within tolerance`
    Approx {
        /// Claimed value.
        target: TExpr,
        /// Tolerance and whether it is relative.
        tolerance: Option<(TExpr, bool)>,
    },
    /// `op target`
    Compare(CompareOp, TExpr),
    /// `in low .. high`
    Between(TExpr),
}

/// A claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimIr {
    /// What is claimed.
    pub text: String,
    /// Its source.
    pub source: Option<String>,
    /// Meant to be refuted?
    pub expect_fail: bool,
    /// The model's side.
    pub value: TExpr,
    /// The test.
    pub test: ClaimTestIr,
    /// The declaration.
    pub span: Span,
}

/// How a report prints money: `in B USD` divides by 10⁹ and writes `B USD` once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// `k`, `M`, `B` or `T`.
    pub suffix: String,
    /// 10³, 10⁶, 10⁹ or 10¹².
    pub divisor: rust_decimal::Decimal,
    /// The currency it applies to.
    pub currency: String,
}

impl Scale {
    /// The scale of a magnitude word (`k`, `M`, `B`, `T`) for `currency`.
    pub fn new(suffix: &str, currency: &str) -> Option<Scale> {
        let exp = match suffix {
            "k" => 3,
            "M" => 6,
            "B" => 9,
            "T" => 12,
            _ => return None,
        };
        Some(Scale {
            suffix: suffix.to_string(),
            divisor: rust_decimal::Decimal::from_i128_with_scale(10i128.pow(exp), 0),
            currency: currency.to_string(),
        })
    }
}

/// A report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportIr {
    /// Its name (`report "Liquidity" …`).
    pub name: Option<String>,
    /// `in B USD`.
    pub scale: Option<Scale>,
    /// Items with labels.
    pub items: Vec<(TExpr, Option<String>)>,
    /// Granularity.
    pub step: Option<Step>,
    /// The declaration.
    pub span: Span,
}

/// A timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineIr {
    /// First period.
    pub start: PeriodValue,
    /// Last period.
    pub end: PeriodValue,
    /// Step.
    pub step: Step,
}

/// A scenario with its settings and overrides (its base's already applied).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioIr {
    /// Its name.
    pub name: String,
    /// The scenario it extends.
    pub extends: Option<String>,
    /// Its timeline.
    pub timeline: Option<TimelineIr>,
    /// Reporting currency.
    pub currency: Option<UnitId>,
    /// Rounding rule.
    pub rounding: Option<super::options::Rounding>,
    /// Definitions replaced, base scenario's first.
    pub overrides: Vec<(DefId, TExpr)>,
    /// The declaration.
    pub span: Span,
}

/// A checked program.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// Units and dimensions.
    pub registry: Registry,
    /// Drivers and curves, in declaration order.
    pub definitions: IdVec<DefId, DefIr>,
    /// Entities.
    pub entities: IdVec<EntityId, EntityIr>,
    /// Flows.
    pub flows: IdVec<FlowId, FlowIr>,
    /// Contracts.
    pub contracts: IdVec<ContractId, ContractIr>,
    /// Claims.
    pub claims: Vec<ClaimIr>,
    /// Reports.
    pub reports: Vec<ReportIr>,
    /// Scenarios.
    pub scenarios: Vec<ScenarioIr>,
}
