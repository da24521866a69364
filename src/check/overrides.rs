//! Scenario overrides of an entity's field or a contract's term: `OpenAI.cash = 30B USD`,
//! `stargate.total = 200B USD`.
//!
//! The overridden field is turned into a definition of its own, named `ENTITY.FIELD`, whose
//! base value is the field as declared; the field then refers to that definition, and the
//! scenario overrides it like any driver. So the evaluator needs nothing new: every place that
//! reads the field (opening cash, credit lines, contract terms) sees the scenario's value, and
//! `explain` shows the field by its name. Only quantity fields can be overridden (not parties,
//! dates or option words), with a value of the same dimension; a constant field takes a
//! constant.

use super::error::CheckError;
use super::ir::*;
use super::types::Shape;
use super::{Checker, State};
use crate::syntax::ast::{self, DefinitionKind};
use std::collections::BTreeMap;

impl Checker<'_> {
    /// The definition that stands for `o.name.FIELD` (made on first use; `made` remembers
    /// the ones made for earlier scenarios), or `None` after reporting why it cannot be
    /// overridden. `value` is the override's checked value.
    pub(super) fn field_override(
        &mut self,
        o: &ast::Override,
        field: &ast::Ident,
        value: &TExpr,
        program: &mut Program,
        made: &mut BTreeMap<(String, String), DefId>,
    ) -> Option<DefId> {
        let key = (o.name.name.clone(), field.name.clone());
        let fields = if let Some(e) = program.entities.iter_mut().find(|e| e.name == o.name.name) {
            &mut e.fields
        } else if let Some(c) = program.contracts.iter_mut().find(|c| c.name == o.name.name) {
            &mut c.fields
        } else {
            self.errors.push(CheckError::BadScenario {
                span: o.name.span,
                reason: format!("`{}.{}`: `{}` is not an entity or a contract", o.name.name, field.name, o.name.name),
                hint: Some("`NAME.FIELD = value` overrides a field of an entity or a term of a contract".into()),
            });
            return None;
        };
        let Some(f) = fields.get_mut(&field.name) else {
            let known: Vec<&str> = fields.keys().collect();
            self.errors.push(CheckError::BadScenario {
                span: field.span,
                reason: format!("`{}` declares no `{}` to override", o.name.name, field.name),
                hint: Some(if known.is_empty() {
                    "it declares no fields".to_string()
                } else {
                    format!("its fields are: {}", known.join(", "))
                }),
            });
            return None;
        };
        let base_ty = match &f.value.kind {
            TExprKind::Definition(id) if made.get(&key) == Some(id) => {
                self.def_ir.get(*id).and_then(|d| d.as_ref()).map(|d| d.value.ty.clone())
            }
            _ => Some(f.value.ty.clone()),
        }?;
        let (Some(base_dim), Some(new_dim)) = (base_ty.dimension(), value.ty.dimension()) else {
            self.errors.push(CheckError::BadScenario {
                span: field.span,
                reason: format!(
                    "`{}.{}` is {}: only quantities can be overridden",
                    o.name.name,
                    field.name,
                    base_ty.describe(self.reg)
                ),
                hint: None,
            });
            return None;
        };
        if base_dim != new_dim {
            self.errors.push(CheckError::WrongDimension {
                span: value.span,
                expected: format!("{} (as in the declared field)", base_ty.describe(self.reg)),
                found: self.describe(value),
                hint: None,
            });
            return None;
        }
        if base_ty.shape() == Some(Shape::Constant) && value.ty.shape().is_some_and(|s| s != Shape::Constant) {
            self.errors.push(CheckError::WrongKind {
                span: value.span,
                expected: "a constant (the declared field is one)".into(),
                found: value.ty.describe(self.reg),
                hint: None,
            });
            return None;
        }
        if let Some(id) = made.get(&key) {
            return Some(*id);
        }
        let id = self.def_ir.next_id();
        let name = format!("{}.{}", o.name.name, field.name);
        let field_span = f.value.span;
        let declared = std::mem::replace(
            &mut f.value,
            TExpr { kind: TExprKind::Definition(id), ty: base_ty.clone(), span: field_span },
        );
        let span = f.span;
        self.def_ir.push(Some(Box::new(DefIr {
            name,
            kind: DefinitionKind::Driver,
            value: declared,
            deps: Vec::new(),
            span,
        })));
        self.def_state.push(State::Done(Some(base_ty)));
        made.insert(key, id);
        Some(id)
    }
}

/// True for the definition that stands for an overridden field (`ENTITY.FIELD`).
pub fn is_field_definition(d: &DefIr) -> bool {
    d.name.contains('.')
}
