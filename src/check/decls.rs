//! Checking declarations: definitions, entities, flows, contracts, claims, reports, scenarios.

use super::error::CheckError;
use super::ir::*;
use super::spec::{self, FieldSpec, FieldType};
use super::types::{Shape, Type};
use super::{Checker, Held, NameRef, State};
use crate::source::Span;
use crate::syntax::ast::{self, Decl, Direction, ExprKind, PeriodValue};
use std::collections::{BTreeMap, HashMap};

impl<'a> Checker<'a> {
    /// Pass 2: check everything and build the program.
    pub(super) fn run(&mut self, decls: &[&'a Decl]) -> Program {
        let mut program = Program::default();
        for id in self.def_asts.ids().collect::<Vec<_>>() {
            // a definition typed already (another read it) has been taken: nothing to do
            let span = self.def_asts.get(id).and_then(Held::get).map(|d| d.name.span);
            if let Some(span) = span {
                self.def_type(id, span);
            }
        }
        for id in self.flow_asts.ids().collect::<Vec<_>>() {
            // a flow typed already (another flow read it) has been taken: nothing to do
            let span = self.flow_asts.get(id).and_then(|f| f.1.get()).map(|f| f.span);
            if let Some(span) = span {
                self.flow_type(id, span);
            }
        }
        // sized once: a vector grown by doubling holds its old and new buffers at once
        program.entities = Vec::with_capacity(self.entity_asts.len()).into();
        program.contracts = Vec::with_capacity(self.contract_asts.len()).into();
        // each declaration is dropped once lowered (when the checker owns it)
        for held in std::mem::take(&mut self.entity_asts) {
            let Some(e) = held.get() else { continue };
            let fields = self.fields(&e.fields, spec::ENTITY_FIELDS, &format!("entity `{}`", e.name.name), e.span);
            let terms = super::typed::EntityTerms::default();
            program.entities.push(EntityIr { name: e.name.name.clone(), fields, terms, span: e.span });
        }
        for held in std::mem::take(&mut self.contract_asts) {
            let Some(c) = held.get() else { continue };
            let Some(sp) = spec::contract(&c.kind.name) else {
                let suggestion = crate::units::suggest(&c.kind.name, spec::CONTRACTS.iter().map(|s| s.kind));
                self.errors.push(CheckError::UnknownContractKind {
                    span: c.kind.span,
                    name: c.kind.name.clone(),
                    suggestion,
                });
                continue;
            };
            let fields = self.fields(&c.fields, sp.fields, &format!("a {} contract", sp.kind), c.span);
            let terms = super::typed::ContractTerms::Unchecked;
            program.contracts.push(ContractIr { name: c.name.name.clone(), spec: sp, fields, terms, span: c.span });
        }
        for d in decls {
            match d {
                Decl::Claim(c) => {
                    if let Some(ir) = self.claim(c) {
                        program.claims.push(ir);
                    }
                }
                Decl::Report(r) => {
                    let mut items = Vec::new();
                    for it in &r.items {
                        if let ExprKind::Name(n) = &it.value.kind {
                            if matches!(n.name.as_str(), "defaults" | "claims") && !self.names.contains_key(&n.name) {
                                let t = TExpr {
                                    kind: TExprKind::Table(n.name.clone()),
                                    ty: Type::Table,
                                    span: it.value.span,
                                };
                                items.push((t, it.label.clone()));
                                continue;
                            }
                        }
                        if let Some(t) = self.expr(&it.value) {
                            if matches!(t.ty, Type::Quantity(..) | Type::Uncertain(_) | Type::Table | Type::Period) {
                                items.push((t, it.label.clone()));
                            } else {
                                self.errors.push(CheckError::WrongKind {
                                    span: t.span,
                                    expected: "a quantity, a series or a report table".into(),
                                    found: t.ty.describe(self.reg),
                                    hint: Some(
                                        "report cash(E), a driver, a curve, annual(…), defaults or claims".into(),
                                    ),
                                });
                            }
                        }
                    }
                    let scale = r.scale.as_ref().and_then(|(m, u)| self.report_scale(m, u));
                    program.reports.push(ReportIr { name: r.name.clone(), scale, items, step: r.step, span: r.span });
                }
                _ => {}
            }
        }
        let scenarios: Vec<&ast::Scenario> = decls
            .iter()
            .filter_map(|d| match d {
                Decl::Scenario(s) => Some(&**s),
                _ => None,
            })
            .collect();
        program.scenarios = self.scenarios(&scenarios, &mut program);
        program.definitions = somes(std::mem::take(&mut self.def_ir)).into();
        program.flows = somes(std::mem::take(&mut self.flow_ir)).into();
        program
    }

    /// Types a flow on demand (its value may refer to other flows).
    pub(super) fn flow_type(&mut self, id: FlowId, use_span: Span) -> Option<Type> {
        match self.flow_state.get(id).cloned() {
            Some(State::Done(t)) => t,
            Some(State::InProgress) => {
                let chain = self.cycle_chain(super::Pending::Flow(id));
                self.errors.push(CheckError::Cycle { span: use_span, chain });
                None
            }
            Some(State::Unchecked) => {
                let (entity, f) = self.flow_asts.get_mut(id).map(|(e, f)| (*e, f.take()))?;
                let f = f.get()?;
                if let Some(s) = self.flow_state.get_mut(id) {
                    *s = State::InProgress;
                }
                self.stack.push(super::Pending::Flow(id));
                let ir = self.flow(entity, f);
                self.stack.pop();
                let ty = ir.as_ref().map(|_| Type::Quantity(self.money.clone(), Shape::Flow));
                if let Some(slot) = self.flow_ir.get_mut(id) {
                    *slot = ir.map(Box::new);
                }
                if let Some(s) = self.flow_state.get_mut(id) {
                    *s = State::Done(ty.clone());
                }
                ty
            }
            None => None,
        }
    }

    fn flow(&mut self, entity: EntityId, f: &ast::Flow) -> Option<FlowIr> {
        if f.counterparty.name != "world" {
            let found = match self.names.get(&f.counterparty.name).map(|x| x.0) {
                Some(NameRef::Entity(_)) => "an entity".to_string(),
                Some(_) => "a driver, curve or contract".to_string(),
                None => format!("`{}`", f.counterparty.name),
            };
            self.errors.push(CheckError::WrongKind {
                span: f.counterparty.span,
                expected: "`world` (a flow is between an entity and the outside)".into(),
                found,
                hint: Some(
                    "money between two entities moves through a contract, e.g. `contract x: transfer { … }`".into(),
                ),
            });
            return None;
        }
        let kind = match &f.clauses().kind {
            Some(k) => match FlowKind::from_name(&k.name) {
                Some(kind) => kind,
                None => {
                    self.errors.push(CheckError::InvalidChoice {
                        span: k.span,
                        found: k.name.clone(),
                        choices: vec!["revenue".into(), "cost".into(), "capex".into(), "financing".into()],
                    });
                    return None;
                }
            },
            None if f.direction == Direction::In => FlowKind::Revenue,
            None => FlowKind::Cost,
        };
        let value = self.expr(&f.value)?;
        let (d, shape) = self.need_quantity(&value)?;
        let rate_dim = match &self.money_rate {
            Some(r) => r,
            None => self.money_rate.insert(self.money.div(&self.reg.time())),
        };
        let is_amount = d == self.money;
        if !is_amount && d != *rate_dim {
            let found = self.describe(&value);
            let hint = if self.reg.is_money(&d) || self.reg.is_money(&d.mul(&self.reg.time())) {
                Some(format!(
                    "this model keeps its books in {}: declare an exchange rate to convert",
                    self.reg.format_dimension(&self.money)
                ))
            } else {
                Some("a flow moves money: write an amount (10B USD on 2026-03-01) or a rate (15M USD/day)".into())
            };
            self.errors.push(CheckError::WrongDimension {
                span: value.span,
                expected: format!("money or money per time ({0} or {0}/Time)", self.reg.format_dimension(&self.money)),
                found,
                hint,
            });
            return None;
        }
        if is_amount && shape == Shape::Constant && f.clauses().on.is_none() {
            self.errors.push(CheckError::WrongKind {
                span: value.span,
                expected: "a date for a one-off amount (`on 2026-03-01`)".into(),
                found: "an amount with no date".into(),
                hint: Some(
                    "write `on DATE` for a one-off amount, or a rate such as `5B USD/month` for a recurring one".into(),
                ),
            });
            return None;
        }
        if !is_amount && f.clauses().on.is_some() {
            self.errors.push(CheckError::WrongKind {
                span: f.clauses().on.map(|p| p.span).unwrap_or(value.span),
                expected: "an amount for `on DATE`".into(),
                found: "a rate per time".into(),
                hint: Some("`on` books a one-off amount; a rate books over `from … to …`".into()),
            });
            return None;
        }
        let life = match (&f.clauses().life, kind) {
            (Some(l), FlowKind::Capex) => {
                let t = self.expr(l)?;
                let time = self.reg.time();
                self.need_dim(&t, &time, "a duration (e.g. 5 year)")?;
                Some(Box::new(t))
            }
            (Some(l), _) => {
                self.errors.push(CheckError::WrongKind {
                    span: l.span,
                    expected: "`life` only on a capex flow".into(),
                    found: "a life on a non-capex flow".into(),
                    hint: Some("add `as capex`, or remove `life`".into()),
                });
                return None;
            }
            (None, FlowKind::Capex) => {
                self.errors.push(CheckError::MissingField {
                    span: f.span,
                    name: "life".into(),
                    owner: "a capex flow".into(),
                    doc: "the depreciation life, e.g. `life 5 year`".into(),
                });
                return None;
            }
            (None, _) => None,
        };
        if let (Some(a), Some(b)) = (f.clauses().from, f.clauses().to) {
            if crate::calendar::period_start(b.value) < crate::calendar::period_start(a.value) {
                self.errors.push(CheckError::WrongKind {
                    span: b.span,
                    expected: "an end after the start".into(),
                    found: format!("{} before {}", b.value, a.value),
                    hint: Some(format!(
                        "`from` is the first period the flow books, `to` the last: `from {} to {}`",
                        b.value, a.value
                    )),
                });
                return None;
            }
        }
        let contingent = self.contingency(f)?;
        Some(FlowIr {
            contingent,
            entity,
            name: f.name.name.clone(),
            direction: f.direction,
            value,
            from: f.clauses().from.map(|p| p.value),
            to: f.clauses().to.map(|p| p.value),
            on: f.clauses().on.map(|p| p.value),
            kind,
            life,
            span: f.span,
        })
    }

    /// A flow's `while CONTRACT` or `until defaulted(ENTITY)` (at most one of them).
    fn contingency(&mut self, f: &ast::Flow) -> Option<Option<Contingency>> {
        match (&f.clauses().while_, &f.clauses().until) {
            (None, None) => Some(None),
            (Some(c), None) => match self.names.get(&c.name).map(|x| x.0) {
                Some(NameRef::Contract(id)) => Some(Some(Contingency::While(id))),
                found => {
                    self.errors.push(CheckError::WrongKind {
                        span: c.span,
                        expected: "a contract after `while`".into(),
                        found: match found {
                            Some(NameRef::Entity(_)) => "an entity".into(),
                            Some(_) => "a driver or curve".into(),
                            None => format!("`{}`, which is not declared", c.name),
                        },
                        hint: Some("`while C` books a flow only while contract C is in force".into()),
                    });
                    None
                }
            },
            (None, Some(u)) => {
                let entity = match &u.kind {
                    ExprKind::Call { callee, args }
                        if matches!(&callee.kind, ExprKind::Name(n) if n.name == "defaulted") && args.len() == 1 =>
                    {
                        args.first().and_then(|a| self.entity_arg(&a.value, "`defaulted`"))
                    }
                    _ => {
                        self.errors.push(CheckError::WrongKind {
                            span: u.span,
                            expected: "`defaulted(ENTITY)` after `until`".into(),
                            found: "another expression".into(),
                            hint: Some("`until defaulted(OpenAI)` books a flow until OpenAI defaults".into()),
                        });
                        None
                    }
                }?;
                match entity.kind {
                    TExprKind::Entity(id) => Some(Some(Contingency::Until(id))),
                    _ => None,
                }
            }
            (Some(c), Some(u)) => {
                self.errors.push(CheckError::WrongKind {
                    span: u.span,
                    expected: "one condition".into(),
                    found: format!("both `while {}` and `until`", c.name),
                    hint: Some("a flow takes `while CONTRACT` or `until defaulted(ENTITY)`, not both".into()),
                });
                None
            }
        }
    }

    /// Checks the fields of an entity or contract against their spec.
    fn fields(
        &mut self,
        fields: &[ast::Field],
        specs: &'static [FieldSpec],
        owner: &str,
        span: Span,
    ) -> super::field_map::FieldMap {
        let mut out = super::field_map::FieldMap::new();
        for f in fields {
            let Some(sp) = specs.iter().find(|s| s.name == f.name.name) else {
                let suggestion = crate::units::suggest(&f.name.name, specs.iter().map(|s| s.name));
                self.errors.push(CheckError::UnknownField {
                    span: f.name.span,
                    name: f.name.name.clone(),
                    owner: owner.into(),
                    suggestion,
                });
                continue;
            };
            if let Some(first) = out.get(&f.name.name) {
                self.errors.push(CheckError::DuplicateField {
                    span: f.span,
                    first: first.span,
                    name: f.name.name.clone(),
                });
                continue;
            }
            if let Some(d) = &f.date {
                if f.name.name != "cash" {
                    self.errors.push(CheckError::WrongKind {
                        span: d.span,
                        expected: "no date before this value".into(),
                        found: "a date".into(),
                        hint: Some("only `cash DATE: amount` takes a date".into()),
                    });
                    continue;
                }
            }
            if sp.ty == FieldType::DatedMoney {
                if let Some(dated) = self.dated_money(&f.value) {
                    if let Some((first, _)) = dated.first() {
                        let value = first.clone();
                        out.insert(sp.name, FieldIr { value, date: None, dated, span: f.span });
                    }
                }
                continue;
            }
            if let Some(value) = self.field_value(sp, &f.value) {
                let date = f.date.map(|d| d.value);
                out.insert(sp.name, FieldIr { value, date, dated: Vec::new(), span: f.span });
            }
        }
        for sp in specs.iter().filter(|s| s.required) {
            if !out.contains_key(sp.name) && !fields.iter().any(|f| f.name.name == sp.name) {
                self.errors.push(CheckError::MissingField {
                    span,
                    name: sp.name.into(),
                    owner: owner.into(),
                    doc: sp.doc.into(),
                });
            }
        }
        out.shrink_to_fit();
        out
    }

    fn field_value(&mut self, sp: &FieldSpec, e: &ast::Expr) -> Option<TExpr> {
        let expected = sp.ty.describe();
        match sp.ty {
            FieldType::Entity => match &e.kind {
                ExprKind::Name(n) if n.name == "world" && !self.names.contains_key("world") => {
                    self.errors.push(CheckError::BadTerm {
                        span: e.span,
                        reason: format!("`world` cannot be the `{}` of a contract", sp.name),
                        help: "money between an entity and the world is a flow: `flow A.rent -> world: 1M USD/month`"
                            .into(),
                    });
                    None
                }
                _ => self.entity_arg(e, &format!("`{}`", sp.name)),
            },
            FieldType::Choice(choices) => self.choice(e, choices),
            FieldType::Cycle => match &e.kind {
                ExprKind::Name(n) if n.name == "maturity" => self.choice(e, &["maturity"]),
                _ => {
                    let t = self.expr(e)?;
                    let time = self.reg.time();
                    self.need_dim(&t, &time, "a cycle (e.g. 1 month) or `maturity`")?;
                    Some(t)
                }
            },
            FieldType::ChoiceOrSeries(choices) => match &e.kind {
                ExprKind::Name(n) if !self.names.contains_key(&n.name) => {
                    // an unknown word may have been meant as either: the help names both
                    let either: Vec<&str> = choices.iter().copied().chain(["a curve's name"]).collect();
                    self.choice(e, &either)
                }
                _ => {
                    let t = self.expr(e)?;
                    self.need_quantity(&t)?;
                    Some(t)
                }
            },
            FieldType::Date => {
                let t = self.expr(e)?;
                match t.kind {
                    TExprKind::Period(PeriodValue::Day(..)) => Some(t),
                    _ => self.kind_error(&t, &expected),
                }
            }
            FieldType::PeriodRange => {
                let t = self.range_arg(e)?;
                if t.ty == Type::PeriodRange {
                    Some(t)
                } else {
                    self.kind_error(&t, &expected)
                }
            }
            FieldType::DatedMoney => self.dated_money(e).and_then(|d| d.into_iter().next().map(|x| x.0)),
            FieldType::FlowRef => {
                let t = self.expr(e)?;
                match t.kind {
                    TExprKind::Flow(_) => Some(t),
                    _ => self.kind_error(&t, &expected),
                }
            }
            FieldType::Money
            | FieldType::MoneyOrRate
            | FieldType::PerTime
            | FieldType::PerTimeOrCurve
            | FieldType::FractionOrCurve
            | FieldType::Duration
            | FieldType::Fraction => {
                let t = self.expr(e)?;
                let (d, s) = self.need_quantity(&t)?;
                let time = self.reg.time();
                let ok = match sp.ty {
                    FieldType::Money => d == self.money && s == Shape::Constant,
                    FieldType::MoneyOrRate => d == self.money || d == self.money.div(&time),
                    FieldType::PerTime => d == time.inv() && s == Shape::Constant,
                    FieldType::PerTimeOrCurve => d == time.inv() && matches!(s, Shape::Constant | Shape::Series),
                    FieldType::FractionOrCurve => d.is_none() && matches!(s, Shape::Constant | Shape::Series),
                    FieldType::Duration => d == time && s == Shape::Constant,
                    _ => d.is_none() && s == Shape::Constant,
                };
                if ok {
                    return Some(t);
                }
                let found = if s == Shape::Constant {
                    self.describe(&t)
                } else {
                    format!("{} of {}", s.describe(), self.describe(&t))
                };
                let hint = match sp.ty {
                    FieldType::PerTime | FieldType::PerTimeOrCurve if s == Shape::Constant => {
                        self.per_time_hint(&t, &time.inv(), &d)
                    }
                    FieldType::Money | FieldType::MoneyOrRate => self.mismatch_hint(&self.money.clone(), &d),
                    _ => None,
                };
                self.errors.push(CheckError::WrongDimension {
                    span: t.span,
                    expected: format!("{expected} for `{}`", sp.name),
                    found,
                    hint,
                });
                None
            }
        }
    }

    /// `2B USD @ 2025-03-01, 3B USD @ 2025-09-01`: constant amounts of money at days.
    fn dated_money(&mut self, e: &ast::Expr) -> Option<Vec<(TExpr, PeriodValue)>> {
        let expected = FieldType::DatedMoney.describe();
        let ExprKind::Dated(items) = &e.kind else {
            let t = self.expr(e)?;
            self.kind_error(&t, &expected);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for a in items {
            let t = self.expr(&a.value)?;
            let (d, s) = self.need_quantity(&t)?;
            let day = a.anchor.map(|p| p.value).filter(|p| matches!(p, PeriodValue::Day(..)));
            match day {
                Some(day) if d == self.money && s == Shape::Constant => out.push((t, day)),
                _ => {
                    self.kind_error(&t, &expected);
                    return None;
                }
            }
        }
        Some(out)
    }

    pub(super) fn kind_error(&mut self, t: &TExpr, expected: &str) -> Option<TExpr> {
        self.errors.push(CheckError::WrongKind {
            span: t.span,
            expected: expected.into(),
            found: t.ty.describe(self.reg),
            hint: None,
        });
        None
    }

    fn scenarios(&mut self, scenarios: &[&ast::Scenario], program: &mut Program) -> Vec<ScenarioIr> {
        let mut out: Vec<ScenarioIr> = Vec::new();
        let mut made = BTreeMap::new();
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for s in scenarios {
            if let Some(first) = seen.get(&s.name.name) {
                self.errors.push(CheckError::DuplicateName {
                    span: s.name.span,
                    first: Some(*first),
                    name: s.name.name.clone(),
                    what: "a scenario".into(),
                });
                continue;
            }
            seen.insert(s.name.name.clone(), s.name.span);
        }
        // Each name's first scenario, for walking `extends` chains without a scan per step.
        let mut by_name: HashMap<&str, &ast::Scenario> = HashMap::with_capacity(scenarios.len());
        for s in scenarios {
            by_name.entry(s.name.name.as_str()).or_insert(s);
        }
        for s in scenarios {
            if let Some(b) = &s.extends {
                if !seen.contains_key(&b.name) {
                    let suggestion = crate::units::suggest(&b.name, seen.keys().map(String::as_str));
                    self.errors.push(CheckError::BadScenario {
                        span: b.span,
                        reason: format!("no scenario `{}` to extend", b.name),
                        hint: suggestion.map(|s| format!("did you mean `{s}`?")),
                    });
                    continue;
                }
                // walk the chain to find a circle
                let mut cur = Some(b.name.clone());
                let mut steps = 0;
                while let Some(name) = cur {
                    if name == s.name.name || steps > scenarios.len() {
                        self.errors.push(CheckError::BadScenario {
                            span: b.span,
                            reason: format!("scenario `{}` extends itself through its bases", s.name.name),
                            hint: Some("one scenario must be the base of the others".into()),
                        });
                        break;
                    }
                    cur = by_name.get(name.as_str()).and_then(|x| x.extends.as_ref()).map(|e| e.name.clone());
                    steps += 1;
                }
            }
            let timeline = s.timeline.as_ref().and_then(|t| {
                if crate::calendar::period_start(t.end.value) < crate::calendar::period_start(t.start.value) {
                    self.errors.push(CheckError::BadScenario {
                        span: t.span,
                        reason: "the timeline ends before it starts".into(),
                        hint: Some(format!(
                            "write the first period first: `timeline {} .. {} …`",
                            t.end.value, t.start.value
                        )),
                    });
                    return None;
                }
                Some(TimelineIr { start: t.start.value, end: t.end.value, step: t.step })
            });
            let currency = s.currency.as_ref().and_then(|c| match self.reg.lookup(&c.name) {
                Some(id) if self.reg.def(id).is_some_and(|d| d.currency) => Some(id),
                _ => {
                    self.errors.push(CheckError::WrongKind {
                        span: c.span,
                        expected: "a declared currency".into(),
                        found: format!("`{}`", c.name),
                        hint: None,
                    });
                    None
                }
            });
            use super::options::{OptionWord, Rounding};
            let rounding = s.rounding.as_ref().and_then(|r| {
                let rule = Rounding::from_word(&r.name);
                if rule.is_none() {
                    self.errors.push(CheckError::InvalidChoice {
                        span: r.span,
                        found: r.name.clone(),
                        choices: Rounding::WORDS.iter().map(|w| w.to_string()).collect(),
                    });
                }
                rule
            });
            let mut overrides = Vec::new();
            for o in &s.overrides {
                if let Some(field) = &o.field {
                    let Some(t) = self.expr(&o.value) else { continue };
                    if let Some(id) = self.field_override(o, field, &t, program, &mut made) {
                        overrides.push((id, t));
                    }
                    continue;
                }
                let Some((NameRef::Def(id), _)) = self.names.get(&o.name.name).copied() else {
                    self.errors.push(CheckError::BadScenario {
                        span: o.name.span,
                        reason: format!("`{}` is not a driver or curve", o.name.name),
                        hint: self
                            .suggest_name(&o.name.name)
                            .map(|s| format!("did you mean `{s}`? a scenario overrides drivers and curves")),
                    });
                    continue;
                };
                let Some(t) = self.expr(&o.value) else { continue };
                let orig = self.def_state.get(id).cloned();
                if let (Some(State::Done(Some(ot))), Some((d, _))) = (orig, t.ty.dimension().map(|d| (d.clone(), ()))) {
                    if ot.dimension() != Some(&d) {
                        let expected = format!("{} (as in the base definition)", ot.describe(self.reg));
                        let found = self.describe(&t);
                        self.errors.push(CheckError::WrongDimension { span: t.span, expected, found, hint: None });
                        continue;
                    }
                }
                overrides.push((id, t));
            }
            out.push(ScenarioIr {
                name: s.name.name.clone(),
                extends: s.extends.as_ref().map(|e| e.name.clone()),
                timeline,
                currency,
                rounding,
                overrides,
                span: s.span,
            });
        }
        out
    }
}

impl Checker<'_> {
    /// `in B USD`: the unit must be a currency.
    fn report_scale(&mut self, magnitude: &str, unit: &crate::syntax::ast::Ident) -> Option<Scale> {
        let is_currency = self.reg.lookup(&unit.name).and_then(|id| self.reg.def(id)).is_some_and(|d| d.currency);
        if !is_currency && self.reg.lookup(&unit.name).is_some() {
            // a declared unit that is not a currency (`in B GPU`): not an unknown unit
            self.errors.push(CheckError::WrongKind {
                span: unit.span,
                expected: "a currency (`in B USD` scales a report's amounts of money)".into(),
                found: format!("the unit `{}`, which is not a currency", unit.name),
                hint: Some(format!("name the currency the amounts are in, e.g. `in {magnitude} USD`")),
            });
            return None;
        }
        if !is_currency {
            let currencies: Vec<String> =
                self.reg.units().iter().filter(|u| u.currency).map(|u| u.name.clone()).collect();
            let suggestion = crate::units::suggest(&unit.name, currencies.iter().map(String::as_str));
            self.errors.push(CheckError::UnknownUnit { span: unit.span, name: unit.name.clone(), suggestion });
            return None;
        }
        Scale::new(magnitude, &unit.name)
    }
}

/// The typed items of a table, unboxed. The boxes are gathered in the table's own buffer
/// (`filter_map` collects a `vec::IntoIter` in place; `flatten` does not, and grew a second
/// vector by doubling while the first was alive: with 80,000 flows that was the checker's peak,
/// issue 20), then moved out into one vector of their exact number.
#[allow(clippy::filter_map_identity)]
fn somes<I, T>(table: IdVec<I, Option<Box<T>>>) -> Vec<T> {
    let boxes: Vec<Box<T>> = table.into_iter().filter_map(|x| x).collect();
    boxes.into_iter().map(|b| *b).collect()
}
