//! Checking one expression against a program that has already been checked, without checking
//! the program again: the REPL's `:set` (issue 14: "a change re-evaluates only what depends
//! on it").
//!
//! A [`Checker`] is seeded from the [`Program`]: every top-level name with its id, every
//! definition and flow already typed (their types are the program's), the std modules in
//! scope and the ledger's currency, exactly as the whole check leaves them when it reaches a
//! scenario's overrides. So an expression that checks here checks to the same [`TExpr`] as in
//! a whole check; on any error the caller checks the whole program instead, whose diagnostics
//! are the ones shown.

use super::error::CheckError;
use super::ir::{DefId, Program, TExpr};
use super::overrides::is_field_definition;
use super::types::{Shape, Type};
use super::{Checker, NameRef, State};
use crate::syntax::ast;

/// `e` checked in the scope of `program` (whose source imported the std modules `imports`).
pub fn expr_in(program: &Program, imports: &[String], e: &ast::Expr) -> Result<TExpr, Vec<CheckError>> {
    let reg = &program.registry;
    let mut c = Checker::new(reg);
    // the ledger's currency: the first scenario that names one, else USD (`ledger_currency`)
    let money = program.scenarios.iter().find_map(|s| s.currency).or_else(|| reg.lookup("USD"));
    c.money = money.and_then(|id| reg.def(id)).map(|d| d.dimension.clone()).unwrap_or_default();
    c.imports = imports.to_vec();
    for (id, d) in program.definitions.iter_enumerated() {
        // a field's definition (`OpenAI.cash`) has no name an expression can write
        if !is_field_definition(d) {
            c.names.insert(d.name.clone(), (NameRef::Def(id), d.span));
        }
        c.def_state.push(State::Done(Some(d.value.ty.clone())));
    }
    for (id, e) in program.entities.iter_enumerated() {
        c.names.insert(e.name.clone(), (NameRef::Entity(id), e.span));
    }
    for (id, k) in program.contracts.iter_enumerated() {
        c.names.insert(k.name.clone(), (NameRef::Contract(id), k.span));
    }
    for (id, f) in program.flows.iter_enumerated() {
        // the whole check numbered these names; failing here, the caller checks it again
        let Some(n) = c.flow_names.intern(f.name.as_str()) else { return Err(c.errors) };
        c.flow_index.insert((f.entity, n), id);
        c.flow_state.push(State::Done(Some(Type::Quantity(c.money.clone(), Shape::Flow))));
    }
    let t = c.expr(e);
    match t {
        Some(t) if c.errors.is_empty() => Ok(t),
        _ => Err(c.errors),
    }
}

/// The definition a scenario override `name = …` replaces, and whether `value` may replace
/// it (the same dimension, as the whole check requires); `None` when it may not.
pub fn definition_override(program: &Program, name: &str, value: &TExpr) -> Option<DefId> {
    let id = program.definitions.iter_enumerated().find(|(_, d)| d.name == name && !is_field_definition(d))?.0;
    let base = &program.definitions.get(id)?.value.ty;
    match value.ty.dimension() {
        Some(d) if base.dimension() != Some(d) => None,
        _ => Some(id),
    }
}

/// The definition that stands for field `field` of entity or contract `owner` (made when a
/// scenario of `program` overrode it: `super::overrides`), and whether `value` may replace it
/// as the whole check allows (a quantity of the same dimension; a constant for a constant
/// field); `None` when there is no such definition yet or `value` may not.
pub fn field_override(program: &Program, owner: &str, field: &str, value: &TExpr) -> Option<DefId> {
    let name = format!("{owner}.{field}");
    let (id, d) = program.definitions.iter_enumerated().find(|(_, d)| d.name == name && is_field_definition(d))?;
    let base = &d.value.ty;
    let (Some(b), Some(v)) = (base.dimension(), value.ty.dimension()) else { return None };
    let varies = value.ty.shape().is_some_and(|s| s != Shape::Constant);
    if b != v || (base.shape() == Some(Shape::Constant) && varies) {
        return None;
    }
    Some(id)
}

/// What the whole check finds wrong in the contract terms and ranges of `program` (see
/// `terms` and `range_order`): a program whose scenario was replaced without checking it again
/// must still pass these, since an override reaches every term and range that names what it
/// overrides (a negative principal through a driver is `bad_term`).
pub fn validate(program: &Program) -> Vec<CheckError> {
    let mut errors = super::terms::validate(program, &program.registry);
    errors.extend(super::range_order::validate(program, &program.registry));
    errors
}
