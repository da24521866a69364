//! The units stage: `unit`, `dimension`, `currency` and `exchange` declarations → a [`Registry`].
//!
//! Entry point: [`build_registry`]. Dimensions are products of base dimensions with integer
//! exponents (as in Numbat). Each currency is a base dimension of its own, so `USD + EUR` is a
//! type error until an `exchange` declaration makes one a fixed multiple of the other. Every
//! unit has an exact [`Ratio`] to the coherent base units (a second for time, a watt for power,
//! one of each currency), so conversions are exact whenever the result is a terminating decimal.

pub mod dimension;
pub mod error;
pub mod quantity;
pub mod unit;

use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Decl, Expr, ExprKind, UnitExpr, UnitOp};
pub use dimension::{BaseDim, Dimension};
pub use error::UnitError;
pub use quantity::Quantity;
use std::collections::{BTreeMap, HashMap};
pub use unit::{Ratio, Unit, UnitId};

/// One named unit.
#[derive(Debug, Clone)]
pub struct UnitDef {
    /// Its name.
    pub name: String,
    /// Its dimension.
    pub dimension: Dimension,
    /// Its size in coherent base units.
    pub factor: Ratio,
    /// Decimals of the minor unit, for a currency.
    pub minor: Option<u32>,
    /// True if declared with `currency`.
    pub currency: bool,
    /// Where it is declared.
    pub span: Option<Span>,
}

/// All units and dimensions of a program.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    base_dims: Vec<String>,
    named_dims: BTreeMap<String, Dimension>,
    units: Vec<UnitDef>,
    by_name: rustc_hash::FxHashMap<String, UnitId>,
}

/// Edit distance counting an adjacent transposition as one edit (optimal string alignment),
/// for "did you mean" suggestions: `dya` is one edit from `day`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    if let Some(row) = d.first_mut() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = j;
        }
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d.get(n).and_then(|r| r.get(m)).copied().unwrap_or(0)
}

/// The closest of `candidates` to `name` (case-insensitive match first, then edit distance ≤ a
/// third of the name's length, at least 1), ties broken alphabetically.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower { 0 } else { edit_distance(name, c) };
        if d <= limit && d < name.chars().count() && best.is_none_or(|(bd, bn)| d < bd || (d == bd && c < bn)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

impl Registry {
    /// The unit with this name.
    pub fn lookup(&self, name: &str) -> Option<UnitId> {
        self.by_name.get(name).copied()
    }
    /// A unit's definition.
    pub fn def(&self, id: UnitId) -> Option<&UnitDef> {
        self.units.get(id as usize)
    }
    /// All units in declaration order.
    pub fn units(&self) -> &[UnitDef] {
        &self.units
    }
    /// The dimension of `Time`, if declared.
    pub fn time(&self) -> Dimension {
        self.named_dims.get("Time").cloned().unwrap_or_default()
    }
    /// A "did you mean" for an unknown unit.
    pub fn suggest_unit(&self, name: &str) -> Option<String> {
        suggest(name, self.units.iter().map(|u| u.name.as_str()))
    }

    /// The dimension of a unit.
    pub fn dimension(&self, unit: &Unit) -> Dimension {
        Dimension::product(unit.factors().iter().flat_map(|&(id, e)| {
            let dims = self.def(id).map(|d| d.dimension.factors()).into_iter().flatten();
            dims.map(move |(b, x)| (b, x.saturating_mul(e)))
        }))
    }

    /// The ratio that turns an amount in unit `from` into unit `to` (`EUR` → `USD` with
    /// `exchange 1 EUR = 1.08 USD`: 1.08): the one place a currency ratio is computed.
    pub fn ratio(&self, from: UnitId, to: UnitId) -> Result<Ratio, crate::number::ArithError> {
        self.factor(&Unit::named(from))?.checked_div(self.factor(&Unit::named(to))?)
    }

    /// The exact size of a unit in coherent base units.
    pub fn factor(&self, unit: &Unit) -> Result<Ratio, crate::number::ArithError> {
        let mut r = Ratio::ONE;
        for (id, e) in unit.factors() {
            if let Some(d) = self.def(*id) {
                r = r.checked_mul(d.factor.powi(*e)?)?;
            }
        }
        Ok(r)
    }

    /// A unit as text: `USD/day`, `W*hour`, `1/year`, `USD^2`.
    pub fn format_unit(&self, unit: &Unit) -> String {
        let name = |id: UnitId| self.def(id).map(|d| d.name.as_str()).unwrap_or("?");
        let mut s = String::new();
        for (id, e) in unit.factors().iter().filter(|(_, e)| *e > 0) {
            if !s.is_empty() {
                s.push('*');
            }
            s.push_str(name(*id));
            if *e != 1 {
                s.push_str(&format!("^{e}"));
            }
        }
        for (id, e) in unit.factors().iter().filter(|(_, e)| *e < 0) {
            if s.is_empty() {
                s.push('1');
            }
            s.push('/');
            s.push_str(name(*id));
            if *e != -1 {
                s.push_str(&format!("^{}", -e));
            }
        }
        s
    }

    /// A dimension in words: a declared name (`Energy`), else base names (`USD/Time`).
    pub fn format_dimension(&self, dim: &Dimension) -> String {
        if dim.is_none() {
            return "a pure number".to_string();
        }
        if let Some((name, _)) = self.named_dims.iter().find(|(_, d)| *d == dim) {
            return name.clone();
        }
        let name = |b: BaseDim| self.base_dims.get(b as usize).map(String::as_str).unwrap_or("?");
        let mut s = String::new();
        for (b, e) in dim.factors().filter(|(_, e)| *e > 0) {
            if !s.is_empty() {
                s.push('*');
            }
            s.push_str(name(b));
            if e != 1 {
                s.push_str(&format!("^{e}"));
            }
        }
        for (b, e) in dim.factors().filter(|(_, e)| *e < 0) {
            if s.is_empty() {
                s.push('1');
            }
            s.push('/');
            s.push_str(name(b));
            if e != -1 {
                s.push_str(&format!("^{}", -e));
            }
        }
        s
    }

    /// The currency whose dimension `dim` is, if it is exactly one currency.
    pub fn currency_of(&self, dim: &Dimension) -> Option<&UnitDef> {
        self.units.iter().find(|u| u.currency && u.factor == Ratio::ONE && &u.dimension == dim)
    }

    /// True if `dim` is money (one currency, to the first power).
    pub fn is_money(&self, dim: &Dimension) -> bool {
        self.currency_of(dim).is_some()
    }

    /// Converts `unit` (an expression as written) into a [`Unit`], or says which name is unknown.
    pub fn resolve(&self, u: &UnitExpr) -> Result<Unit, UnitError> {
        let mut factors = Vec::with_capacity(u.factors.len());
        for f in &u.factors {
            let id = self.lookup(&f.name.name).ok_or_else(|| UnitError::UnknownUnit {
                span: f.name.span,
                name: f.name.name.clone(),
                suggestion: self.suggest_unit(&f.name.name),
            })?;
            let e = if f.op == UnitOp::Div { -f.power } else { f.power };
            factors.push((id, e));
        }
        Ok(Unit::from_factors(factors))
    }
}

/// What a declaration contributes, before resolution.
enum Pending<'a> {
    Base {
        dim: Dimension,
    },
    OfDimension {
        dim: &'a crate::syntax::ast::Ident,
    },
    /// `unit X = expr` (divisor 1), or a currency fixed by `exchange a X = expr` (divisor a).
    Defined {
        expr: &'a Expr,
        dim: Option<&'a crate::syntax::ast::Ident>,
        divisor: rust_decimal::Decimal,
    },
}

struct Builder<'a> {
    reg: Registry,
    pending: HashMap<String, (Pending<'a>, Span, bool, Option<u32>)>,
    order: Vec<String>,
    visiting: Vec<String>,
    /// Units that failed (a cycle): not reported again.
    failed: std::collections::HashSet<String>,
    /// The currency each exchange rate accepted so far fixes a currency in (`EUR` → `USD`).
    rate_to: HashMap<String, String>,
    errors: Vec<UnitError>,
}

/// Builds the registry from every unit-related declaration of a program (std modules first).
pub fn build_registry(decls: &[&Decl]) -> (Registry, Vec<UnitError>) {
    let mut b = Builder {
        reg: Registry::default(),
        pending: HashMap::new(),
        order: Vec::new(),
        visiting: Vec::new(),
        rate_to: HashMap::new(),
        failed: Default::default(),
        errors: Vec::new(),
    };
    let mut dim_spans: HashMap<String, Span> = HashMap::new();
    // 1. base dimensions, then derived ones
    for d in decls {
        if let Decl::Dimension(dd) = d {
            if let Some(first) = dim_spans.get(&dd.name.name) {
                b.errors.push(UnitError::Duplicate { span: dd.name.span, first: *first, name: dd.name.name.clone() });
                continue;
            }
            dim_spans.insert(dd.name.name.clone(), dd.name.span);
            if dd.definition.is_none() {
                let id = BaseDim::try_from(b.reg.base_dims.len()).unwrap_or(BaseDim::MAX);
                b.reg.base_dims.push(dd.name.name.clone());
                b.reg.named_dims.insert(dd.name.name.clone(), Dimension::base(id));
            }
        }
    }
    for d in decls {
        if let Decl::Dimension(dd) = d {
            if let Some(fs) = &dd.definition {
                let mut dim = Dimension::none();
                for f in fs {
                    match b.reg.named_dims.get(&f.name.name) {
                        Some(x) => {
                            let p = if f.op == UnitOp::Div { -f.power } else { f.power };
                            dim = dim.mul(&x.pow(p));
                        }
                        None => b.errors.push(UnitError::UnknownDimension {
                            span: f.name.span,
                            name: f.name.name.clone(),
                            suggestion: suggest(&f.name.name, b.reg.named_dims.keys().map(String::as_str)),
                        }),
                    }
                }
                b.reg.named_dims.insert(dd.name.name.clone(), dim);
            }
        }
    }
    // 2. collect units and currencies
    let mut exchanges = Vec::new();
    for d in decls {
        let (name, span, pending, currency, minor) = match d {
            Decl::Unit(u) => {
                let p = match (&u.dimension, &u.definition) {
                    (_, Some(expr)) => {
                        Pending::Defined { expr, dim: u.dimension.as_ref(), divisor: rust_decimal::Decimal::ONE }
                    }
                    (Some(dim), None) => Pending::OfDimension { dim },
                    (None, None) => Pending::Base { dim: Dimension::none() },
                };
                (u.name.name.clone(), u.name.span, p, false, None)
            }
            Decl::Currency(c) => (
                c.name.name.clone(),
                c.name.span,
                Pending::Base { dim: Dimension::none() },
                true,
                Some(c.minor.map(|m| m.0).unwrap_or(2)),
            ),
            Decl::Exchange(x) => {
                exchanges.push(x);
                continue;
            }
            _ => continue,
        };
        if let Some((_, first, _, _)) = b.pending.get(&name) {
            b.errors.push(UnitError::Duplicate { span, first: *first, name });
            continue;
        }
        b.order.push(name.clone());
        b.pending.insert(name, (pending, span, currency, minor));
    }
    // base units (`unit GPU`, `currency USD`) get a base dimension of their own, named after them
    for name in b.order.clone() {
        if let Some((Pending::Base { dim }, _, _, _)) = b.pending.get_mut(&name) {
            let id = BaseDim::try_from(b.reg.base_dims.len()).unwrap_or(BaseDim::MAX);
            b.reg.base_dims.push(name.clone());
            *dim = Dimension::base(id);
        }
    }
    // 3. exchange rates turn one currency into a multiple of another
    for x in exchanges {
        b.exchange(x);
    }
    // 4. resolve every unit in declaration order
    for name in b.order.clone() {
        b.resolve(&name, None);
    }
    (b.reg, b.errors)
}

impl<'a> Builder<'a> {
    fn exchange(&mut self, x: &'a crate::syntax::ast::ExchangeDecl) {
        let side = |e: &'a Expr| -> Option<(rust_decimal::Decimal, &'a crate::syntax::ast::Ident)> {
            match &e.kind {
                ExprKind::Quantity { number, unit: Some(u) } if u.factors.len() == 1 => {
                    u.factors.first().filter(|f| f.power == 1 && f.op == UnitOp::Mul).map(|f| (number.value, &f.name))
                }
                _ => None,
            }
        };
        let (Some((a, from)), Some((bv, to))) = (side(&x.from), side(&x.to)) else {
            self.errors.push(UnitError::BadExchange {
                span: x.span,
                reason: "each side must be an amount of one currency".into(),
            });
            return;
        };
        // the right side may be a currency that already has a rate (`1 GBP = 1.17 EUR` after
        // `1 EUR = 1.08 USD`: rates chain, in any order); the left side gets its one rate here
        let is_currency = |n: &str| matches!(self.pending.get(n), Some((_, _, true, _)));
        if !is_currency(&from.name) || !is_currency(&to.name) || from.name == to.name || a.is_zero() || bv.is_zero() {
            self.errors.push(UnitError::BadExchange {
                span: x.span,
                reason: "both sides must be non-zero amounts of two different declared currencies".into(),
            });
            return;
        }
        if !matches!(self.pending.get(&from.name), Some((Pending::Base { .. }, _, true, _))) {
            self.errors.push(UnitError::BadExchange {
                span: x.span,
                reason: format!(
                    "{} already has an exchange rate: give each currency one rate (write this one the other way round, \
                     `exchange 1 {} = … {}`, if {} has none)",
                    from.name, to.name, from.name, to.name
                ),
            });
            return;
        }
        // a rate that would close a circle (`1 USD = 0.9 EUR` after `1 EUR = 1.08 USD`) is
        // refused here, so both currencies stay known and later uses give no follow-on errors
        let mut chain = vec![from.name.clone(), to.name.clone()];
        while let Some(next) = chain.last().and_then(|c| self.rate_to.get(c)) {
            if *next == from.name {
                chain.push(next.clone());
                self.errors.push(UnitError::BadExchange {
                    span: x.span,
                    reason: format!("the rates make a circle ({}): keep one of them", chain.join(" -> ")),
                });
                return;
            }
            chain.push(next.clone());
        }
        self.rate_to.insert(from.name.clone(), to.name.clone());
        // from := (bv / a) to
        let minor = self.pending.get(&from.name).and_then(|p| p.3);
        self.pending.insert(
            from.name.clone(),
            (Pending::Defined { expr: &x.to, dim: None, divisor: a }, from.span, true, minor),
        );
    }

    fn resolve(&mut self, name: &str, used_at: Option<Span>) -> Option<(Dimension, Ratio)> {
        if let Some(id) = self.reg.lookup(name) {
            return self.reg.def(id).map(|d| (d.dimension.clone(), d.factor));
        }
        if self.failed.contains(name) {
            return None;
        }
        if self.visiting.iter().any(|v| v == name) {
            let mut chain: Vec<String> = self.visiting.iter().skip_while(|v| *v != name).cloned().collect();
            self.failed.extend(chain.iter().cloned());
            chain.push(name.to_string());
            let span = used_at.or_else(|| self.pending.get(name).map(|p| p.1));
            if let Some(span) = span {
                self.errors.push(UnitError::Cycle { span, chain });
            }
            return None;
        }
        let (dimension, factor, span, currency, minor) = {
            let (pending, span, currency, minor) = self.pending.get(name)?;
            let (span, currency, minor) = (*span, *currency, *minor);
            match pending {
                Pending::Base { dim } => (dim.clone(), Ratio::ONE, span, currency, minor),
                Pending::OfDimension { dim } => match self.reg.named_dims.get(&dim.name) {
                    Some(d) => (d.clone(), Ratio::ONE, span, currency, minor),
                    None => {
                        let e = UnitError::UnknownDimension {
                            span: dim.span,
                            name: dim.name.clone(),
                            suggestion: suggest(&dim.name, self.reg.named_dims.keys().map(String::as_str)),
                        };
                        self.errors.push(e);
                        return None;
                    }
                },
                Pending::Defined { expr, dim, divisor } => {
                    let (expr, dim, divisor) = (*expr, *dim, *divisor);
                    self.visiting.push(name.to_string());
                    let r = self.eval_def(expr);
                    self.visiting.pop();
                    let (f, d) = r?;
                    let f = match Ratio::new(f.num, crate::number::mul(f.den, divisor).unwrap_or(f.den)) {
                        Ok(f) => f,
                        Err(_) => return None,
                    };
                    if let Some(decl) = dim {
                        match self.reg.named_dims.get(&decl.name) {
                            Some(want) if *want != d => {
                                let e = UnitError::DimensionMismatch {
                                    span: expr.span,
                                    declared: decl.name.clone(),
                                    found: self.reg.format_dimension(&d),
                                };
                                self.errors.push(e);
                                return None;
                            }
                            Some(_) => {}
                            None => {
                                let e = UnitError::UnknownDimension {
                                    span: decl.span,
                                    name: decl.name.clone(),
                                    suggestion: suggest(&decl.name, self.reg.named_dims.keys().map(String::as_str)),
                                };
                                self.errors.push(e);
                                return None;
                            }
                        }
                    }
                    (d, f, span, currency, minor)
                }
            }
        };
        let id = UnitId::try_from(self.reg.units.len()).unwrap_or(UnitId::MAX);
        self.reg.units.push(UnitDef {
            name: name.to_string(),
            dimension: dimension.clone(),
            factor,
            minor,
            currency,
            span: Some(span),
        });
        self.reg.by_name.insert(name.to_string(), id);
        Some((dimension, factor))
    }

    fn unit_name(&mut self, name: &crate::syntax::ast::Ident) -> Option<(Dimension, Ratio)> {
        if self.reg.lookup(&name.name).is_none() && !self.pending.contains_key(&name.name) {
            let suggestion = suggest(&name.name, self.pending.keys().map(String::as_str));
            self.errors.push(UnitError::UnknownUnit { span: name.span, name: name.name.clone(), suggestion });
            return None;
        }
        self.resolve(&name.name, Some(name.span))
    }

    fn invalid(&mut self, span: Span, reason: &str) -> Option<(Ratio, Dimension)> {
        self.errors.push(UnitError::InvalidDefinition { span, reason: reason.to_string() });
        None
    }

    /// A unit definition's size and dimension: products, quotients and whole powers of positive
    /// numbers and units.
    fn eval_def(&mut self, e: &'a Expr) -> Option<(Ratio, Dimension)> {
        match &e.kind {
            ExprKind::Quantity { number, unit } => {
                if number.value <= rust_decimal::Decimal::ZERO {
                    return self.invalid(e.span, "a unit's size must be positive");
                }
                let mut r = Ratio::from_decimal(number.value);
                let mut d = Dimension::none();
                for f in unit.iter().flat_map(|u| u.factors.iter()) {
                    let (fd, fr) = self.unit_name(&f.name)?;
                    let p = if f.op == UnitOp::Div { -f.power } else { f.power };
                    r = match fr.powi(p).and_then(|x| r.checked_mul(x)) {
                        Ok(r) => r,
                        Err(_) => return self.invalid(e.span, "the size does not fit an exact decimal"),
                    };
                    d = d.mul(&fd.pow(p));
                }
                Some((r, d))
            }
            ExprKind::Name(n) => self.unit_name(n).map(|(d, r)| (r, d)),
            ExprKind::Paren(inner) => self.eval_def(inner),
            ExprKind::Binary { op: op @ (BinaryOp::Mul | BinaryOp::Div), lhs, rhs, .. } => {
                let (lr, ld) = self.eval_def(lhs)?;
                let (rr, rd) = self.eval_def(rhs)?;
                let r = if *op == BinaryOp::Mul { lr.checked_mul(rr) } else { lr.checked_div(rr) };
                match r {
                    Ok(r) => Some((r, if *op == BinaryOp::Mul { ld.mul(&rd) } else { ld.div(&rd) })),
                    Err(_) => self.invalid(e.span, "the size does not fit an exact decimal"),
                }
            }
            ExprKind::Binary { op: BinaryOp::Pow, lhs, rhs, .. } => {
                let n = match &rhs.kind {
                    ExprKind::Quantity { number, unit: None } => {
                        crate::number::as_integer(number.value).and_then(|n| i32::try_from(n).ok())
                    }
                    _ => None,
                };
                let Some(n) = n.filter(|n| n.abs() <= 12) else {
                    return self.invalid(rhs.span, "exponents in unit definitions are whole numbers from -12 to 12");
                };
                let (r, d) = self.eval_def(lhs)?;
                match r.powi(n) {
                    Ok(r) => Some((r, d.pow(n))),
                    Err(_) => self.invalid(e.span, "the size does not fit an exact decimal"),
                }
            }
            _ => self.invalid(e.span, "only numbers, units, `*`, `/` and whole powers may define a unit"),
        }
    }
}
