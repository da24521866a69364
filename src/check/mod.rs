//! The check stage: AST → resolved, unit-checked [`Program`].
//!
//! Entry point: [`check`]. Declarations may come in any order: names are collected first, then
//! every driver and curve is typed on demand (so a use before the declaration is fine) with a
//! stack that detects definitions that depend on themselves and shows the chain. Every
//! expression gets a [`Type`] — a dimension and a shape — and every place that takes a
//! particular kind of value (a flow takes money or money per time; a loan's `lender` takes an
//! entity; a claim compares like with like) checks it. All errors are collected; none stops
//! the check.

pub mod builtin_spec;
mod builtins;
mod claims;
mod decls;
pub mod error;
mod expr;
pub mod field_map;
mod finance;
pub mod ids;
pub mod ir;
pub mod options;
pub mod overrides;
mod range_order;
pub mod reuse;
pub mod spec;
mod terms;
pub mod typed;
pub mod types;

use crate::source::Span;
use crate::syntax::ast::{self, Decl};
use crate::units::Registry;
pub use error::CheckError;
use ir::*;
use rustc_hash::FxHashMap;
pub use types::{Shape, Type};

/// What a top-level name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRef {
    Def(DefId),
    Entity(EntityId),
    Contract(ContractId),
}

/// A definition or flow being typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    Def(DefId),
    Flow(FlowId),
}

/// A declaration while the checker needs it: borrowed from the caller's files (a session keeps
/// them for the REPL and the editor), or owned ([`check_owned`], for commands that check once),
/// so that it is freed as soon as it is checked: the AST and the checked program are never
/// both alive whole (issue 20). A definition or flow is taken out while it is typed; an entity
/// or contract when it is lowered.
enum Held<'a, T> {
    Borrowed(&'a T),
    Owned(Box<T>),
    Taken,
}

impl<T> Held<'_, T> {
    fn get(&self) -> Option<&T> {
        match self {
            Held::Borrowed(x) => Some(x),
            Held::Owned(x) => Some(x),
            Held::Taken => None,
        }
    }

    /// This declaration, leaving `Taken` in its place.
    fn take(&mut self) -> Self {
        std::mem::replace(self, Held::Taken)
    }
}

/// A declaration handed to the checker, borrowed or owned.
enum Item<'a> {
    Borrowed(&'a Decl),
    Owned(Decl),
}

/// Progress of on-demand typing.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Unchecked,
    InProgress,
    Done(Option<Type>),
}

struct Checker<'a> {
    reg: &'a Registry,
    /// The dimension the books are kept in (the first scenario's currency, else USD).
    money: crate::units::Dimension,
    /// `money` per time, a flow's rate: made once, on the first flow (it was made per flow).
    money_rate: Option<crate::units::Dimension>,
    names: FxHashMap<String, (NameRef, Span)>,
    def_asts: IdVec<DefId, Held<'a, ast::Definition>>,
    def_state: IdVec<DefId, State>,
    /// Each definition once typed, boxed (as `flow_ir`: the slots are made while the AST is
    /// whole).
    def_ir: IdVec<DefId, Option<Box<DefIr>>>,
    entity_asts: IdVec<EntityId, Held<'a, ast::Entity>>,
    contract_asts: IdVec<ContractId, Held<'a, ast::Contract>>,
    flow_asts: IdVec<FlowId, (EntityId, Held<'a, ast::Flow>)>,
    /// Each flow by its entity and its name's number in `flow_names`: a flow's name is one of
    /// few (`revenue`, `opex` …) written once per entity, so the index keeps each name once
    /// instead of a string per flow (issue 20).
    flow_index: FxHashMap<(EntityId, u32), FlowId>,
    flow_names: crate::intern::Interner<String>,
    flow_state: IdVec<FlowId, State>,
    /// Each flow once typed, boxed: the slots are made before any flow is typed, while the
    /// whole AST is still alive, and 200-byte slots were a sixth of that peak (issue 20).
    flow_ir: IdVec<FlowId, Option<Box<FlowIr>>>,
    /// Definitions and flows being typed, innermost last (for cycle chains; named only when a
    /// cycle is found, so typing allocates no name).
    stack: Vec<Pending>,
    /// Definitions used by the definition being typed.
    deps: Vec<Vec<DefId>>,
    errors: Vec<CheckError>,
    /// The std modules the program imports (their built-ins are in scope: `std/finance`).
    imports: Vec<String>,
}

/// Checks a whole program (std modules and user files, in load order) against `registry`.
pub fn check(decls: &[&Decl], registry: Registry) -> (Program, Vec<CheckError>) {
    let (p, _, e) = check_with(decls, registry, None);
    (p, e)
}

/// Checks a program and one more expression in its scope (`aifin eval`, the REPL).
pub fn check_with(
    decls: &[&Decl],
    registry: Registry,
    extra: Option<&ast::Expr>,
) -> (Program, Option<ir::TExpr>, Vec<CheckError>) {
    let items = decls.iter().filter(|d| checked_one_by_one(d)).map(|d| Item::Borrowed(d)).collect();
    check_split(decls, items, registry, extra)
}

/// Whether the checker holds a declaration of this kind by itself ([`Held`]): definitions,
/// entities, contracts and flows (most of a program). The others are read where they stand.
fn checked_one_by_one(d: &Decl) -> bool {
    matches!(d, Decl::Definition(_) | Decl::Entity(_) | Decl::Contract(_) | Decl::Flow(_))
}

/// Checks a whole program that is checked once and not kept (`aifin check`, `run`): the same
/// checks, the same program and errors as [`check`], but each definition's, flow's, entity's
/// and contract's declaration is dropped as soon as it is checked ([`Held`]).
pub fn check_owned(decls: Vec<Decl>, registry: Registry) -> (Program, Vec<CheckError>) {
    let mut rest = Vec::new();
    let mut items = Vec::with_capacity(decls.len());
    for d in decls {
        if checked_one_by_one(&d) {
            items.push(Item::Owned(d));
        } else {
            rest.push(d);
        }
    }
    let refs: Vec<&Decl> = rest.iter().collect();
    let (p, _, e) = check_split(&refs, items, registry, None);
    (p, e)
}

/// The check of `decls` and `items` (the declarations the checker holds, in declaration order;
/// `decls` may hold them too: they are read from `items`).
fn check_split<'a>(
    decls: &[&'a Decl],
    items: Vec<Item<'a>>,
    registry: Registry,
    extra: Option<&ast::Expr>,
) -> (Program, Option<ir::TExpr>, Vec<CheckError>) {
    let (mut program, extra, errors) = {
        let mut c = Checker::new(&registry);
        c.money = ledger_currency(decls, &registry);
        c.imports = decls
            .iter()
            .filter_map(|d| match d {
                Decl::Import(i) => Some(i.path.clone()),
                _ => None,
            })
            .collect();
        c.collect(items);
        let mut p = c.run(decls);
        c.errors.extend(terms::validate(&p, &registry));
        c.errors.extend(range_order::validate(&p, &registry));
        typed::lower(&mut p);
        c.errors.extend(terms::default_policies(&p));
        let x = extra.and_then(|e| c.expr(e));
        (p, x, c.errors)
    };
    program.registry = registry;
    (program, extra, errors)
}

impl<'a> Checker<'a> {
    /// The name of a definition or flow being typed, as a cycle's chain shows it.
    fn pending_name(&self, p: Pending) -> String {
        match p {
            // a definition being typed has been taken out of `def_asts`: its name is in `names`
            Pending::Def(id) => {
                self.names.iter().find(|(_, (r, _))| *r == NameRef::Def(id)).map(|(n, _)| n.clone()).unwrap_or_default()
            }
            // a flow being typed has been taken out of `flow_asts`: its name is in the index
            Pending::Flow(id) => self
                .flow_index
                .iter()
                .find(|(_, &i)| i == id)
                .and_then(|((e, n), _)| {
                    Some(format!("{}.{}", self.entity_asts.get(*e)?.get()?.name.name, self.flow_names.value(*n)?))
                })
                .unwrap_or_default(),
        }
    }

    /// The cycle that typing `p` again closes: the stack from `p`'s first entry, then `p`.
    fn cycle_chain(&self, p: Pending) -> Vec<String> {
        let mut chain: Vec<String> =
            self.stack.iter().skip_while(|n| **n != p).map(|&n| self.pending_name(n)).collect();
        chain.push(self.pending_name(p));
        chain
    }

    fn new(reg: &'a Registry) -> Self {
        Checker {
            reg,
            money: crate::units::Dimension::none(),
            money_rate: None,
            names: FxHashMap::default(),
            def_asts: IdVec::default(),
            def_state: IdVec::default(),
            def_ir: IdVec::default(),
            entity_asts: IdVec::default(),
            contract_asts: IdVec::default(),
            flow_asts: IdVec::default(),
            flow_index: FxHashMap::default(),
            flow_names: crate::intern::Interner::default(),
            flow_state: IdVec::default(),
            flow_ir: IdVec::default(),
            stack: Vec::new(),
            deps: Vec::new(),
            errors: Vec::new(),
            imports: Vec::new(),
        }
    }

    fn declare(&mut self, name: &ast::Ident, r: NameRef) -> bool {
        if let Some(u) = self.reg.lookup(&name.name) {
            let first = self.reg.def(u).and_then(|d| d.span);
            self.errors.push(CheckError::DuplicateName {
                span: name.span,
                first,
                name: name.name.clone(),
                what: "a unit".into(),
            });
            return false;
        }
        if let Some((prev, first)) = self.names.get(&name.name) {
            let what = match prev {
                NameRef::Def(_) => "a driver or curve",
                NameRef::Entity(_) => "an entity",
                NameRef::Contract(_) => "a contract",
            };
            self.errors.push(CheckError::DuplicateName {
                span: name.span,
                first: Some(*first),
                name: name.name.clone(),
                what: what.into(),
            });
            return false;
        }
        self.names.insert(name.name.clone(), (r, name.span));
        true
    }

    /// Pass 1: every top-level name and every flow's slot.
    fn collect(&mut self, items: Vec<Item<'a>>) {
        let mut flows = Vec::new();
        for item in items {
            match item {
                Item::Borrowed(Decl::Definition(d)) => self.collect_def(Held::Borrowed(d)),
                Item::Owned(Decl::Definition(d)) => self.collect_def(Held::Owned(d)),
                Item::Borrowed(Decl::Entity(e)) => self.collect_entity(Held::Borrowed(e)),
                Item::Owned(Decl::Entity(e)) => self.collect_entity(Held::Owned(e)),
                Item::Borrowed(Decl::Contract(c)) => self.collect_contract(Held::Borrowed(c)),
                Item::Owned(Decl::Contract(c)) => self.collect_contract(Held::Owned(c)),
                Item::Borrowed(Decl::Flow(f)) => flows.push(Held::Borrowed(&**f)),
                Item::Owned(Decl::Flow(f)) => flows.push(Held::Owned(f)),
                _ => {}
            }
        }
        self.flow_asts = Vec::with_capacity(flows.len()).into();
        self.flow_state = Vec::with_capacity(flows.len()).into();
        self.flow_ir = Vec::with_capacity(flows.len()).into();
        for ast in flows {
            if let Some(f) = ast.get() {
                let e = match self.names.get(&f.entity.name).copied() {
                    Some((NameRef::Entity(e), _)) => e,
                    // a flow's owner must be a declared entity: a typo is never a silent no-op
                    Some(_) => {
                        self.errors.push(CheckError::WrongKind {
                            span: f.entity.span,
                            expected: "an entity (a flow belongs to an entity)".into(),
                            found: format!("`{}`, which is not an entity", f.entity.name),
                            hint: Some("declare the entity: `entity NAME { … }`".into()),
                        });
                        continue;
                    }
                    None => {
                        let entities = self.entity_asts.iter().filter_map(|e| Some(e.get()?.name.name.as_str()));
                        self.errors.push(CheckError::UnknownName {
                            span: f.entity.span,
                            name: f.entity.name.clone(),
                            suggestion: crate::units::suggest(&f.entity.name, entities),
                        });
                        continue;
                    }
                };
                let Some(n) = self.flow_names.intern(f.name.name.as_str()) else {
                    // beyond any source within the size limits; an error rather than a lost flow
                    self.errors.push(CheckError::WrongKind {
                        span: f.name.span,
                        expected: format!("at most {} distinct flow names", u32::MAX),
                        found: "more".into(),
                        hint: None,
                    });
                    continue;
                };
                let key = (e, n);
                if let Some(prev) = self.flow_index.get(&key).and_then(|&i| self.flow_asts.get(i)?.1.get()) {
                    self.errors.push(CheckError::DuplicateName {
                        span: f.name.span,
                        first: Some(prev.name.span),
                        name: format!("{}.{}", f.entity.name, f.name.name),
                        what: "a flow".into(),
                    });
                    continue;
                }
                self.flow_index.insert(key, self.flow_asts.next_id());
                self.flow_asts.push((e, ast));
                self.flow_state.push(State::Unchecked);
                self.flow_ir.push(None);
            }
        }
    }

    fn collect_def(&mut self, held: Held<'a, ast::Definition>) {
        let Some(def) = held.get() else { return };
        let id = self.def_asts.next_id();
        if self.declare(&def.name, NameRef::Def(id)) {
            self.def_asts.push(held);
            self.def_state.push(State::Unchecked);
            self.def_ir.push(None);
        }
    }

    fn collect_entity(&mut self, held: Held<'a, ast::Entity>) {
        let Some(e) = held.get() else { return };
        let id = self.entity_asts.next_id();
        if e.name.name == "world" {
            self.errors.push(CheckError::DuplicateName {
                span: e.name.span,
                first: None,
                name: "world".into(),
                what: "the built-in outside world".into(),
            });
        } else if self.declare(&e.name, NameRef::Entity(id)) {
            self.entity_asts.push(held);
        }
    }

    fn collect_contract(&mut self, held: Held<'a, ast::Contract>) {
        let Some(c) = held.get() else { return };
        let id = self.contract_asts.next_id();
        if self.declare(&c.name, NameRef::Contract(id)) {
            self.contract_asts.push(held);
        }
    }

    /// The names a "did you mean" may suggest for a value.
    fn suggest_name(&self, name: &str) -> Option<String> {
        crate::units::suggest(name, self.names.keys().map(String::as_str))
    }
}

/// The dimension of the currency the books are kept in: the first scenario's `currency`, else
/// USD.
fn ledger_currency(decls: &[&Decl], reg: &Registry) -> crate::units::Dimension {
    let named = decls.iter().find_map(|d| match d {
        Decl::Scenario(s) => s.currency.as_ref().map(|c| c.name.clone()),
        _ => None,
    });
    let name = named.unwrap_or_else(|| "USD".to_string());
    reg.lookup(&name).and_then(|id| reg.def(id)).map(|d| d.dimension.clone()).unwrap_or_default()
}
