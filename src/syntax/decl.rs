//! Declarations: pest pairs → [`Decl`] nodes, one function per declaration rule.

use super::ast::*;
use super::error::ParseError;
use super::grammar::{is_keyword, Rule};
use super::{trim_trivia, Builder};
use pest::iterators::Pair;

fn significant<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn step_of(text: &str) -> Step {
    match text {
        "daily" => Step::Daily,
        "monthly" => Step::Monthly,
        "quarterly" => Step::Quarterly,
        _ => Step::Yearly,
    }
}

impl Builder<'_> {
    /// One declaration pair.
    pub(super) fn decl(&mut self, pair: Pair<'_, Rule>) -> Result<Decl, ParseError> {
        match pair.as_rule() {
            Rule::import_decl => self.import(pair).map(|d| Decl::Import(Box::new(d))),
            Rule::scenario_decl => self.scenario(pair).map(|d| Decl::Scenario(Box::new(d))),
            Rule::entity_decl => self.entity(pair).map(|d| Decl::Entity(Box::new(d))),
            Rule::driver_decl => self.definition(pair, DefinitionKind::Driver).map(|d| Decl::Definition(Box::new(d))),
            Rule::curve_decl => self.definition(pair, DefinitionKind::Curve).map(|d| Decl::Definition(Box::new(d))),
            Rule::flow_decl => self.flow(pair).map(|d| Decl::Flow(Box::new(d))),
            Rule::contract_decl => self.contract(pair).map(|d| Decl::Contract(Box::new(d))),
            Rule::claim_decl => self.claim(pair).map(|d| Decl::Claim(Box::new(d))),
            Rule::report_decl => self.report(pair).map(|d| Decl::Report(Box::new(d))),
            Rule::unit_decl => self.unit_decl(pair).map(|d| Decl::Unit(Box::new(d))),
            Rule::dimension_decl => self.dimension(pair).map(|d| Decl::Dimension(Box::new(d))),
            Rule::currency_decl => self.currency(pair).map(|d| Decl::Currency(Box::new(d))),
            _ => self.exchange(pair).map(|d| Decl::Exchange(Box::new(d))),
        }
    }

    fn import(&mut self, pair: Pair<'_, Rule>) -> Result<Import, ParseError> {
        let span = self.span(&pair);
        let s = self.require(significant(pair).next(), span)?;
        let path_span = self.span(&s);
        let path = self.string(s)?;
        Ok(Import { path, path_span, span })
    }

    fn scenario(&mut self, pair: Pair<'_, Rule>) -> Result<Scenario, ParseError> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = self.require(inner.next(), span)?;
        let name = self.declared(&name)?;
        let mut sc = Scenario {
            name,
            extends: None,
            timeline: None,
            currency: None,
            rounding: None,
            overrides: Vec::new(),
            span,
        };
        for p in inner {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::name => sc.extends = Some(self.ident(&p)),
                Rule::timeline => {
                    if let Some(first) = &sc.timeline {
                        return Err(ParseError::DuplicateSetting {
                            span: pspan,
                            first: first.span,
                            setting: "timeline",
                        });
                    }
                    let mut parts = significant(p);
                    let start = self.require(parts.next(), pspan)?;
                    let start = self.period(start)?;
                    let end = self.require(parts.next(), pspan)?;
                    let end = self.period(end)?;
                    let step = self.require(parts.next(), pspan)?;
                    let step_span = self.span(&step);
                    sc.timeline = Some(Timeline { start, end, step: step_of(step.as_str()), step_span, span: pspan });
                }
                Rule::currency_setting | Rule::rounding_setting => {
                    let is_currency = p.as_rule() == Rule::currency_setting;
                    let v = self.ident_in(p)?;
                    let (slot, setting) =
                        if is_currency { (&mut sc.currency, "currency") } else { (&mut sc.rounding, "rounding") };
                    if let Some(first) = slot {
                        return Err(ParseError::DuplicateSetting { span: pspan, first: first.span, setting });
                    }
                    *slot = Some(v);
                }
                _ => {
                    let mut parts = significant(p);
                    let n = self.require(parts.next(), pspan)?;
                    let name = self.ident(&n);
                    let mut v = self.require(parts.next(), pspan)?;
                    let mut field = None;
                    if v.as_rule() == Rule::name {
                        field = Some(self.ident(&v));
                        v = self.require(parts.next(), pspan)?;
                    }
                    let value = self.root_expr(v)?;
                    sc.overrides.push(Override { name, field, value, span: pspan });
                }
            }
        }
        sc.overrides.shrink_to_fit();
        Ok(sc)
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Result<Field, ParseError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut date = None;
        let mut value = None;
        let mut parts = significant(pair).peekable();
        while let Some(p) = parts.next() {
            match p.as_rule() {
                Rule::name => name = Some(self.ident(&p)),
                Rule::date_lit => date = Some(self.period(p)?),
                Rule::expr if parts.peek().is_some_and(|a| a.as_rule() == Rule::anchor) => {
                    // A dated list: the first value and its anchor, then one `dated` pair each.
                    self.tokens = 0;
                    let start = p.as_span().start();
                    let first = self.expr(p)?;
                    let mut end = start;
                    let mut anchor = None;
                    if let Some(a) = parts.next() {
                        end = a.as_span().start() + trim_trivia(a.as_str()).len();
                        let s = self.span(&a);
                        let lit = self.require(a.into_inner().next(), s)?;
                        anchor = Some(self.period(lit)?);
                    }
                    let mut items = vec![Arg { name: None, value: first, anchor, span: self.range(start, end) }];
                    for d in parts.by_ref() {
                        end = d.as_span().start() + trim_trivia(d.as_str()).len();
                        items.push(self.arg(d)?);
                    }
                    items.shrink_to_fit();
                    value = Some(Expr { kind: ExprKind::Dated(items), span: self.range(start, end) });
                }
                _ => value = Some(self.root_expr(p)?),
            }
        }
        let name = self.require(name, span)?;
        let value = self.require(value, span)?;
        Ok(Field { name, date, value, span })
    }

    fn entity(&mut self, pair: Pair<'_, Rule>) -> Result<Entity, ParseError> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = self.require(inner.next(), span)?;
        let name = self.declared(&name)?;
        let mut fields = Vec::new();
        for f in inner {
            fields.push(self.field(f)?);
        }
        fields.shrink_to_fit();
        Ok(Entity { name, fields, span })
    }

    fn definition(&mut self, pair: Pair<'_, Rule>, kind: DefinitionKind) -> Result<Definition, ParseError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut annotation = None;
        let mut value = None;
        for p in significant(pair) {
            match p.as_rule() {
                Rule::name => name = Some(self.declared(&p)?),
                Rule::type_annotation => {
                    let s = self.span(&p);
                    let u = self.require(p.into_inner().next(), s)?;
                    annotation = Some(self.unit_expr(u)?);
                }
                _ => value = Some(self.root_expr(p)?),
            }
        }
        let name = self.require(name, span)?;
        let value = self.require(value, span)?;
        Ok(Definition { kind, name, annotation, value, span })
    }

    fn flow(&mut self, pair: Pair<'_, Rule>) -> Result<Flow, ParseError> {
        let span = self.span(&pair);
        let mut names = Vec::new();
        let mut direction = Direction::In;
        let mut value = None;
        let mut from = None;
        let mut to = None;
        let mut on = None;
        let mut kind: Option<Ident> = None;
        let mut life: Option<Box<Expr>> = None;
        let mut while_: Option<Ident> = None;
        let mut until: Option<Box<Expr>> = None;
        // each clause's pest span: trimmed only for an error (a span's cost is in the trimming)
        let mut seen: Vec<(&'static str, pest::Span<'_>)> = Vec::new();
        for p in significant(pair) {
            let raw = p.as_span();
            let clause = match p.as_rule() {
                Rule::from_clause => Some("from"),
                Rule::to_clause => Some("to"),
                Rule::on_clause => Some("on"),
                Rule::as_clause => Some("as"),
                Rule::life_clause => Some("life"),
                Rule::while_clause => Some("while"),
                Rule::until_clause => Some("until"),
                _ => None,
            };
            if let Some(c) = clause {
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == c) {
                    let first = self.trimmed(*first);
                    return Err(ParseError::DuplicateClause { span: self.trimmed(raw), first, clause: c });
                }
                seen.push((c, raw));
            }
            match p.as_rule() {
                Rule::name => names.push(if names.len() == 1 { self.declared(&p)? } else { self.ident(&p) }),
                Rule::direction => direction = if p.as_str() == "->" { Direction::Out } else { Direction::In },
                Rule::expr => value = Some(self.root_expr(p)?),
                Rule::from_clause | Rule::to_clause | Rule::on_clause => {
                    let rule = p.as_rule();
                    let lit = self.require_at(significant(p).next(), raw)?;
                    let lit = self.period(lit)?;
                    match rule {
                        Rule::from_clause => from = Some(lit),
                        Rule::to_clause => to = Some(lit),
                        _ => on = Some(lit),
                    }
                }
                Rule::as_clause => kind = Some(self.ident_in(p)?),
                Rule::while_clause => while_ = Some(self.ident_in(p)?),
                Rule::until_clause => {
                    let e = self.require_at(significant(p).next(), raw)?;
                    until = Some(Box::new(self.root_expr(e)?));
                }
                _ => {
                    let e = self.require_at(significant(p).next(), raw)?;
                    life = Some(Box::new(self.root_expr(e)?));
                }
            }
        }
        let mut names = names.into_iter();
        let entity = self.require(names.next(), span)?;
        let name = self.require(names.next(), span)?;
        let counterparty = self.require(names.next(), span)?;
        let value = self.require(value, span)?;
        let clauses = FlowClauses { from, to, on, kind, life, while_: while_.map(Box::new), until };
        let written = (clauses != FlowClauses::default()).then(|| Box::new(clauses));
        Ok(Flow { entity, name, direction, counterparty, value, written, span })
    }

    fn contract(&mut self, pair: Pair<'_, Rule>) -> Result<Contract, ParseError> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = self.require(inner.next(), span)?;
        let name = self.declared(&name)?;
        let kind = self.require(inner.next(), span)?;
        let kind = self.ident(&kind);
        let mut fields = Vec::new();
        for f in inner {
            fields.push(self.field(f)?);
        }
        fields.shrink_to_fit();
        Ok(Contract { name, kind, fields, span })
    }

    fn claim(&mut self, pair: Pair<'_, Rule>) -> Result<Claim, ParseError> {
        let span = self.span(&pair);
        let mut text = None;
        let mut source = None;
        let mut expect_fail = false;
        let mut value = None;
        let mut test = None;
        for p in significant(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::string => text = Some((self.string(p)?, pspan)),
                Rule::claim_source => source = Some(p.into_inner().map(|s| s.as_str().trim().to_string()).collect()),
                Rule::expect_fail => expect_fail = true,
                Rule::expr => value = Some(self.root_expr(p)?),
                Rule::approx_test => {
                    let mut parts = significant(p);
                    let t = self.require(parts.next(), pspan)?;
                    let target = self.root_expr(t)?;
                    let tolerance = match parts.next() {
                        Some(tol) => {
                            let mut tp = significant(tol);
                            let v = self.require(tp.next(), pspan)?;
                            let value = self.root_expr(v)?;
                            Some(Tolerance { value, relative: tp.next().is_some() })
                        }
                        None => None,
                    };
                    test = Some(ClaimTest::Approx { target, tolerance });
                }
                Rule::compare_test => {
                    let mut parts = significant(p);
                    let op_pair = self.require(parts.next(), pspan)?;
                    let op_span = self.span(&op_pair);
                    let op = match op_pair.as_str() {
                        ">=" => CompareOp::Ge,
                        "<=" => CompareOp::Le,
                        ">" => CompareOp::Gt,
                        "<" => CompareOp::Lt,
                        _ => CompareOp::Eq,
                    };
                    let t = self.require(parts.next(), pspan)?;
                    let target = self.root_expr(t)?;
                    test = Some(ClaimTest::Compare { op, op_span, target });
                }
                _ => {
                    let r = self.require(significant(p).next(), pspan)?;
                    test = Some(ClaimTest::Between { range: self.root_expr(r)? });
                }
            }
        }
        let (text, text_span) = self.require(text, span)?;
        let value = self.require(value, span)?;
        let test = self.require(test, span)?;
        Ok(Claim { text, text_span, source, expect_fail, value, test, span })
    }

    fn report(&mut self, pair: Pair<'_, Rule>) -> Result<Report, ParseError> {
        let span = self.span(&pair);
        let mut items = Vec::new();
        let mut step = None;
        let mut name = None;
        let mut scale = None;
        for p in significant(pair) {
            match p.as_rule() {
                Rule::step => step = Some(step_of(p.as_str())),
                Rule::report_name => {
                    let pspan = self.span(&p);
                    let s = self.require(significant(p).next(), pspan)?;
                    name = Some(self.string(s)?);
                }
                Rule::report_scale => {
                    let pspan = self.span(&p);
                    let mut parts = significant(p);
                    let m = self.require(parts.next(), pspan)?.as_str().to_string();
                    let u = self.require(parts.next(), pspan)?;
                    scale = Some((m, self.ident(&u)));
                }
                _ => {
                    let pspan = self.span(&p);
                    let mut parts = significant(p);
                    let v = self.require(parts.next(), pspan)?;
                    let value = self.root_expr(v)?;
                    let label = match parts.next() {
                        Some(s) => Some(self.string(s)?),
                        None => None,
                    };
                    items.push(ReportItem { value, label });
                }
            }
        }
        items.shrink_to_fit();
        Ok(Report { name, items, step, scale, span })
    }

    fn unit_decl(&mut self, pair: Pair<'_, Rule>) -> Result<UnitDecl, ParseError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut dimension = None;
        let mut definition = None;
        for p in significant(pair) {
            match p.as_rule() {
                Rule::unit_name => name = Some(self.declared(&p)?),
                Rule::name => dimension = Some(self.ident(&p)),
                _ => definition = Some(self.root_expr(p)?),
            }
        }
        let name = self.require(name, span)?;
        Ok(UnitDecl { name, dimension, definition, span })
    }

    fn dimension(&mut self, pair: Pair<'_, Rule>) -> Result<DimensionDecl, ParseError> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = self.require(inner.next(), span)?;
        let name = self.declared(&name)?;
        let definition = match inner.next() {
            Some(d) => {
                let mut factors = Vec::new();
                let mut op = UnitOp::Mul;
                for p in d.into_inner() {
                    let pspan = self.span(&p);
                    match p.as_rule() {
                        Rule::unit_op => op = if p.as_str() == "/" { UnitOp::Div } else { UnitOp::Mul },
                        _ => {
                            let mut fp = p.into_inner();
                            let n = self.require(fp.next(), pspan)?;
                            let name = self.ident(&n);
                            let power = match fp.next() {
                                Some(pw) => self.small_int(pw)?,
                                None => 1,
                            };
                            factors.push(DimFactor { op, name, power });
                            op = UnitOp::Mul;
                        }
                    }
                }
                factors.shrink_to_fit();
                Some(factors)
            }
            None => None,
        };
        Ok(DimensionDecl { name, definition, span })
    }

    fn currency(&mut self, pair: Pair<'_, Rule>) -> Result<CurrencyDecl, ParseError> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let name = self.require(inner.next(), span)?;
        let name = self.declared(&name)?;
        let minor = match inner.next() {
            Some(i) => {
                let ispan = self.span(&i);
                let n = i
                    .as_str()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 8)
                    .ok_or(ParseError::IntegerOutOfRange { span: ispan, range: "0..=8" })?;
                Some((n, ispan))
            }
            None => None,
        };
        Ok(CurrencyDecl { name, minor, span })
    }

    fn exchange(&mut self, pair: Pair<'_, Rule>) -> Result<ExchangeDecl, ParseError> {
        let span = self.span(&pair);
        let mut inner = significant(pair);
        let f = self.require(inner.next(), span)?;
        let from = self.root_expr(f)?;
        let t = self.require(inner.next(), span)?;
        let to = self.root_expr(t)?;
        Ok(ExchangeDecl { from, to, span })
    }
}
