//! The abstract syntax tree: what a `.aifin` file says, with a span on every node.
//!
//! Built from pest pairs by [`super::parse_file`]; nothing here is resolved or checked yet
//! (names are just names, units just unit names). Numbers are already exact decimals: a
//! literal that does not fit `rust_decimal::Decimal` is a parse error at the literal.

use crate::source::Span;
use rust_decimal::Decimal;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A parsed file: its declarations in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// The declarations.
    pub decls: Vec<Decl>,
}

/// One top-level declaration. Every variant is boxed: the variants differ in size by 10×
/// (a `Flow` is several hundred bytes, an `Import` tens), and a file holds one `Decl` per
/// declaration, so an inline enum made every declaration as large as the largest (issue 20).
#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    /// `import "…"`
    Import(Box<Import>),
    /// `scenario …`
    Scenario(Box<Scenario>),
    /// `entity …`
    Entity(Box<Entity>),
    /// `driver …` or `curve …`
    Definition(Box<Definition>),
    /// `flow …`
    Flow(Box<Flow>),
    /// `contract …`
    Contract(Box<Contract>),
    /// `claim …`
    Claim(Box<Claim>),
    /// `report …`
    Report(Box<Report>),
    /// `unit …`
    Unit(Box<UnitDecl>),
    /// `dimension …`
    Dimension(Box<DimensionDecl>),
    /// `currency …`
    Currency(Box<CurrencyDecl>),
    /// `exchange …`
    Exchange(Box<ExchangeDecl>),
}

impl Decl {
    /// The span of the whole declaration.
    pub fn span(&self) -> Span {
        match self {
            Decl::Import(d) => d.span,
            Decl::Scenario(d) => d.span,
            Decl::Entity(d) => d.span,
            Decl::Definition(d) => d.span,
            Decl::Flow(d) => d.span,
            Decl::Contract(d) => d.span,
            Decl::Claim(d) => d.span,
            Decl::Report(d) => d.span,
            Decl::Unit(d) => d.span,
            Decl::Dimension(d) => d.span,
            Decl::Currency(d) => d.span,
            Decl::Exchange(d) => d.span,
        }
    }

    /// The name this declaration introduces into the top-level namespace, if any.
    pub fn declared_name(&self) -> Option<&Ident> {
        match self {
            Decl::Scenario(d) => Some(&d.name),
            Decl::Entity(d) => Some(&d.name),
            Decl::Definition(d) => Some(&d.name),
            Decl::Contract(d) => Some(&d.name),
            Decl::Unit(d) => Some(&d.name),
            Decl::Dimension(d) => Some(&d.name),
            Decl::Currency(d) => Some(&d.name),
            Decl::Import(_) | Decl::Flow(_) | Decl::Claim(_) | Decl::Report(_) | Decl::Exchange(_) => None,
        }
    }
}

/// `import "std/units"`
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// The path as written.
    pub path: String,
    /// The string literal's span.
    pub path_span: Span,
    /// The whole declaration.
    pub span: Span,
}

/// A timeline step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// One period a day.
    Daily,
    /// One period a calendar month.
    Monthly,
    /// One period a calendar quarter.
    Quarterly,
    /// One period a calendar year.
    Yearly,
}

impl Step {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Step::Daily => "daily",
            Step::Monthly => "monthly",
            Step::Quarterly => "quarterly",
            Step::Yearly => "yearly",
        }
    }
}

/// `scenario NAME [extends BASE] { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name.
    pub name: Ident,
    /// The scenario it extends.
    pub extends: Option<Ident>,
    /// `timeline START .. END STEP`
    pub timeline: Option<Timeline>,
    /// `currency USD`
    pub currency: Option<Ident>,
    /// `rounding banker|half_up|none`
    pub rounding: Option<Ident>,
    /// `NAME = expr` overrides.
    pub overrides: Vec<Override>,
    /// The whole declaration.
    pub span: Span,
}

/// `timeline 2025-01 .. 2030-12 monthly`
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// First period.
    pub start: PeriodLit,
    /// Last period (inclusive).
    pub end: PeriodLit,
    /// The step.
    pub step: Step,
    /// Span of the step keyword.
    pub step_span: Span,
    /// The whole item.
    pub span: Span,
}

/// `NAME = expr` in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// What is replaced: a driver or curve, or (with `field`) an entity or contract.
    pub name: Ident,
    /// The field or term replaced, for `NAME.FIELD = expr`.
    pub field: Option<Ident>,
    /// The new value.
    pub value: Expr,
    /// The whole item.
    pub span: Span,
}

/// `entity NAME { fields }`
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Its name.
    pub name: Ident,
    /// Its fields in order.
    pub fields: Vec<Field>,
    /// The whole declaration.
    pub span: Span,
}

/// `name value` or `name DATE: value` in an entity or contract body.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field's name.
    pub name: Ident,
    /// A date the value applies from (`cash 2025-01-01: 17.5B USD`).
    pub date: Option<PeriodLit>,
    /// The value.
    pub value: Expr,
    /// The whole field.
    pub span: Span,
}

/// Whether a definition was declared with `driver` or `curve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    /// `driver`
    Driver,
    /// `curve`
    Curve,
}

/// `driver NAME [: unit] = expr` or `curve NAME [: unit] = expr`
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Driver or curve.
    pub kind: DefinitionKind,
    /// Its name.
    pub name: Ident,
    /// The declared unit, if any.
    pub annotation: Option<UnitExpr>,
    /// The value.
    pub value: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `<-` (money comes in from the counterparty) or `->` (money goes out to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `<-`
    In,
    /// `->`
    Out,
}

/// `flow ENTITY.NAME <- world : expr [from P] [to P] [on D] [as KIND] [life DURATION]`
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The entity whose cash moves.
    pub entity: Ident,
    /// The flow's own name.
    pub name: Ident,
    /// In or out.
    pub direction: Direction,
    /// The other side (`world`).
    pub counterparty: Ident,
    /// The amount or rate.
    pub value: Expr,
    /// The clauses written after the value, if any (boxed: a flow without clauses is 40 % of
    /// the size with them inline, and flows are most of a large program's AST; issue 20).
    /// Read them with [`Flow::clauses`].
    pub written: Option<Box<FlowClauses>>,
    /// The whole declaration.
    pub span: Span,
}

/// A flow's clauses: `from P`, `to P`, `on D`, `as KIND`, `life DURATION`, `while CONTRACT`,
/// `until defaulted(ENTITY)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowClauses {
    /// First period.
    pub from: Option<PeriodLit>,
    /// Last period.
    pub to: Option<PeriodLit>,
    /// Date of a one-off amount.
    pub on: Option<PeriodLit>,
    /// `as revenue|cost|capex|financing`
    pub kind: Option<Ident>,
    /// `life 5 year` (capex depreciation life)
    pub life: Option<Box<Expr>>,
    /// `while CONTRACT`: booked only while the contract is in force.
    pub while_: Option<Box<Ident>>,
    /// `until defaulted(ENTITY)`: booked until the entity defaults.
    pub until: Option<Box<Expr>>,
}

/// The clauses of a flow that writes none.
static NO_CLAUSES: FlowClauses =
    FlowClauses { from: None, to: None, on: None, kind: None, life: None, while_: None, until: None };

impl Flow {
    /// Its clauses (all `None` when it writes none).
    pub fn clauses(&self) -> &FlowClauses {
        self.written.as_deref().unwrap_or(&NO_CLAUSES)
    }
}

/// `contract NAME : KIND { fields }`
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// Its name.
    pub name: Ident,
    /// Its kind (`take_or_pay`, `loan`, …).
    pub kind: Ident,
    /// Its terms in order.
    pub fields: Vec<Field>,
    /// The whole declaration.
    pub span: Span,
}

/// A comparison operator in a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `==`
    Eq,
}

impl CompareOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Ge => ">=",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Lt => "<",
            CompareOp::Eq => "==",
        }
    }
}

/// A claim's tolerance: absolute in the compared unit, or relative.
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerance {
    /// The tolerance.
    pub value: Expr,
    /// `relative`: a fraction of the claimed value.
    pub relative: bool,
}

/// What a claim asserts about its value.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimTest {
    /// `~= target [within tolerance [relative]]`
    Approx {
        /// The claimed value.
        target: Expr,
        /// The tolerance.
        tolerance: Option<Tolerance>,
    },
    /// `OP target`
    Compare {
        /// The operator.
        op: CompareOp,
        /// Its span.
        op_span: Span,
        /// The claimed bound.
        target: Expr,
    },
    /// `in low .. high`
    Between {
        /// The range.
        range: Expr,
    },
}

/// `claim "TEXT" (SOURCE) [expect fail]: expr TEST`
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// What is claimed, in words.
    pub text: String,
    /// The text's span.
    pub text_span: Span,
    /// Where the claim comes from.
    pub source: Option<String>,
    /// True if the model is meant to refute it.
    pub expect_fail: bool,
    /// The model's side.
    pub value: Expr,
    /// The test.
    pub test: ClaimTest,
    /// The whole declaration.
    pub span: Span,
}

/// `report ["NAME"] item, item [step] [in B USD]`
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `"NAME"`
    pub name: Option<String>,
    /// What to report.
    pub items: Vec<ReportItem>,
    /// Granularity.
    pub step: Option<Step>,
    /// `in B USD`: the magnitude (`k`, `M`, `B`, `T`) and the currency.
    pub scale: Option<(String, Ident)>,
    /// The whole declaration.
    pub span: Span,
}

/// One reported expression with an optional label.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    /// The expression.
    pub value: Expr,
    /// `as "label"`
    pub label: Option<String>,
}

/// `unit NAME [: DIMENSION] [= expr]`
#[derive(Debug, Clone, PartialEq)]
pub struct UnitDecl {
    /// The unit's name.
    pub name: Ident,
    /// The dimension it is the base unit of.
    pub dimension: Option<Ident>,
    /// Its definition in other units.
    pub definition: Option<Expr>,
    /// The whole declaration.
    pub span: Span,
}

/// A factor of a dimension expression: `Power^2`.
#[derive(Debug, Clone, PartialEq)]
pub struct DimFactor {
    /// Multiply or divide.
    pub op: UnitOp,
    /// The dimension's name.
    pub name: Ident,
    /// Its exponent as written.
    pub power: i32,
}

/// `dimension NAME [= A * B / C]`
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionDecl {
    /// Its name.
    pub name: Ident,
    /// Its definition in other dimensions (none for a base dimension).
    pub definition: Option<Vec<DimFactor>>,
    /// The whole declaration.
    pub span: Span,
}

/// `currency NAME [minor N]`
#[derive(Debug, Clone, PartialEq)]
pub struct CurrencyDecl {
    /// The currency's code.
    pub name: Ident,
    /// Decimals of its minor unit (2 for cents), with span.
    pub minor: Option<(u32, Span)>,
    /// The whole declaration.
    pub span: Span,
}

/// `exchange 1 EUR = 1.08 USD`
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeDecl {
    /// The left side.
    pub from: Expr,
    /// The right side.
    pub to: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// Calendar literals are the calendar's own values (so `calendar` needs nothing from `syntax`).
pub use crate::calendar::PeriodValue;

/// A calendar literal with its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodLit {
    /// The value.
    pub value: PeriodValue,
    /// Where it is.
    pub span: Span,
}

/// `*` or `/` in a unit expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitOp {
    /// `*` (or the first factor)
    Mul,
    /// `/`
    Div,
}

/// One factor of a unit expression: `/ day`, `* W^2`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFactor {
    /// How it joins the factors before it (`Mul` for the first).
    pub op: UnitOp,
    /// The unit's name.
    pub name: Ident,
    /// The exponent as written (1 if none).
    pub power: i32,
    /// The factor with its exponent.
    pub span: Span,
}

/// A unit expression: `USD/day`, `W/GPU`, `%/year`, `USD^2`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitExpr {
    /// Its factors in order.
    pub factors: Vec<UnitFactor>,
    /// The whole expression.
    pub span: Span,
}

/// A number as written and as an exact value.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberLit {
    /// The exact value (magnitude suffix applied).
    pub value: Decimal,
    /// The text as written.
    pub text: String,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "^",
        }
    }
}

/// A call argument: `[name:] value [@ period]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// Its name, for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
    /// The anchor period (`@ 2025`).
    pub anchor: Option<PeriodLit>,
    /// The whole argument.
    pub span: Span,
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A number, possibly with a unit: `15M USD/day`.
    Quantity {
        /// The number.
        number: NumberLit,
        /// The unit, if written (boxed, as in `Convert`: an `Expr` is as large as its largest
        /// kind, and a unit expression inline made every node 96 bytes instead of 72).
        unit: Option<Box<UnitExpr>>,
    },
    /// A calendar literal.
    Period(PeriodValue),
    /// A string.
    Str(String),
    /// A name: a driver, curve, entity, unit, built-in.
    Name(Ident),
    /// `base.member`
    Member {
        /// What is accessed.
        base: Box<Expr>,
        /// The member.
        member: Ident,
    },
    /// `callee(args)`
    Call {
        /// What is called.
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<Arg>,
    },
    /// `(expr)`
    Paren(Box<Expr>),
    /// Dated values `a @ P, b @ P` (only as a field's value: a loan's `draws`).
    Dated(Vec<Arg>),
    /// `-x`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// `a OP b`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The operator's span.
        op_span: Span,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `value in unit`
    Convert {
        /// The value converted.
        value: Box<Expr>,
        /// The target unit.
        unit: Box<UnitExpr>,
    },
    /// `low .. high [~ point]`
    Range {
        /// Low end.
        low: Box<Expr>,
        /// High end.
        high: Box<Expr>,
        /// The point value used by deterministic runs.
        point: Option<Box<Expr>>,
    },
}
