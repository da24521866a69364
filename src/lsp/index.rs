//! What an editor asks of names: every declaration of a parsed file (a symbol) and every
//! place a name is used (an occurrence), found by walking the AST. aifin has one top-level
//! namespace per program, so a name resolves to the declaration of that name in any file the
//! program loads (its imports and the std modules included); a flow is named `ENTITY.NAME`.

use crate::source::Span;
use crate::syntax::ast::{self, Decl, Expr, ExprKind, UnitExpr};

/// What a symbol declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scenario,
    Entity,
    Driver,
    Curve,
    Flow,
    Contract,
    Unit,
    Dimension,
    Currency,
}

impl Kind {
    /// The keyword that declares it.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Scenario => "scenario",
            Kind::Entity => "entity",
            Kind::Driver => "driver",
            Kind::Curve => "curve",
            Kind::Flow => "flow",
            Kind::Contract => "contract",
            Kind::Unit => "unit",
            Kind::Dimension => "dimension",
            Kind::Currency => "currency",
        }
    }
}

/// A declared name.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// The name (`ENTITY.NAME` for a flow).
    pub name: String,
    pub kind: Kind,
    /// The name as written.
    pub name_span: Span,
    /// The whole declaration.
    pub span: Span,
}

/// A use of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The name it refers to (`ENTITY.NAME` for a flow's member).
    pub name: String,
    /// The text that names it (for a flow, just the member).
    pub span: Span,
}

/// The symbols and occurrences of one parsed file.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    pub symbols: Vec<Symbol>,
    pub uses: Vec<Occurrence>,
}

impl FileIndex {
    /// Indexes one file.
    pub fn of(file: &ast::File) -> FileIndex {
        let mut ix = FileIndex::default();
        for d in &file.decls {
            ix.decl(d);
        }
        ix
    }

    fn symbol(&mut self, id: &ast::Ident, kind: Kind, span: Span) {
        self.symbols.push(Symbol { name: id.name.clone(), kind, name_span: id.span, span });
    }

    fn refer(&mut self, id: &ast::Ident) {
        self.uses.push(Occurrence { name: id.name.clone(), span: id.span });
    }

    fn decl(&mut self, d: &Decl) {
        match d {
            Decl::Import(_) => {}
            Decl::Scenario(s) => {
                self.symbol(&s.name, Kind::Scenario, s.span);
                for id in s.extends.iter().chain(&s.currency) {
                    self.refer(id);
                }
                for o in &s.overrides {
                    self.refer(&o.name);
                    self.expr(&o.value);
                }
            }
            Decl::Entity(e) => {
                self.symbol(&e.name, Kind::Entity, e.span);
                self.fields(&e.fields);
            }
            Decl::Definition(def) => {
                let kind = match def.kind {
                    ast::DefinitionKind::Driver => Kind::Driver,
                    ast::DefinitionKind::Curve => Kind::Curve,
                };
                self.symbol(&def.name, kind, def.span);
                if let Some(u) = &def.annotation {
                    self.unit(u);
                }
                self.expr(&def.value);
            }
            Decl::Flow(f) => {
                let name = format!("{}.{}", f.entity.name, f.name.name);
                self.symbols.push(Symbol { name, kind: Kind::Flow, name_span: f.name.span, span: f.span });
                self.refer(&f.entity);
                self.refer(&f.counterparty);
                if let Some(w) = &f.clauses().while_ {
                    self.refer(w);
                }
                self.expr(&f.value);
                for e in f.clauses().life.as_deref().into_iter().chain(f.clauses().until.as_deref()) {
                    self.expr(e);
                }
            }
            Decl::Contract(c) => {
                self.symbol(&c.name, Kind::Contract, c.span);
                self.fields(&c.fields);
            }
            Decl::Claim(c) => {
                self.expr(&c.value);
                match &c.test {
                    ast::ClaimTest::Approx { target, tolerance } => {
                        self.expr(target);
                        if let Some(t) = tolerance {
                            self.expr(&t.value);
                        }
                    }
                    ast::ClaimTest::Compare { target, .. } => self.expr(target),
                    ast::ClaimTest::Between { range } => self.expr(range),
                }
            }
            Decl::Report(r) => {
                for i in &r.items {
                    self.expr(&i.value);
                }
                if let Some((_, cur)) = &r.scale {
                    self.refer(cur);
                }
            }
            Decl::Unit(u) => {
                self.symbol(&u.name, Kind::Unit, u.span);
                if let Some(dim) = &u.dimension {
                    self.refer(dim);
                }
                if let Some(e) = &u.definition {
                    self.expr(e);
                }
            }
            Decl::Dimension(dim) => {
                self.symbol(&dim.name, Kind::Dimension, dim.span);
                for f in dim.definition.iter().flatten() {
                    self.refer(&f.name);
                }
            }
            Decl::Currency(c) => self.symbol(&c.name, Kind::Currency, c.span),
            Decl::Exchange(x) => {
                self.expr(&x.from);
                self.expr(&x.to);
            }
        }
    }

    fn fields(&mut self, fields: &[ast::Field]) {
        for f in fields {
            self.expr(&f.value);
        }
    }

    fn unit(&mut self, u: &UnitExpr) {
        for f in &u.factors {
            self.refer(&f.name);
        }
    }

    fn args(&mut self, args: &[ast::Arg]) {
        for a in args {
            self.expr(&a.value);
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Quantity { unit, .. } => {
                if let Some(u) = unit {
                    self.unit(u);
                }
            }
            ExprKind::Period(_) | ExprKind::Str(_) => {}
            ExprKind::Name(id) => self.refer(id),
            ExprKind::Member { base, member } => {
                if let ExprKind::Name(entity) = &base.kind {
                    let name = format!("{}.{}", entity.name, member.name);
                    self.uses.push(Occurrence { name, span: member.span });
                }
                self.expr(base);
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                self.args(args);
            }
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Dated(args) => self.args(args),
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Convert { value, unit } => {
                self.expr(value);
                self.unit(unit);
            }
            ExprKind::Range { low, high, point } => {
                self.expr(low);
                self.expr(high);
                if let Some(p) = point {
                    self.expr(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceKind, SourceMap};

    #[test]
    fn finds_declarations_and_uses() {
        let mut sources = SourceMap::new();
        let text = "entity A { cash 1 USD }\ndriver p: USD = 2 USD\nflow A.rev <- world : p / month\n\
                    claim \"x\": A.rev ~= 2 USD\n";
        let id = sources.add("t", text, SourceKind::Input);
        let (file, errors) = crate::syntax::parse_file(&sources, id);
        assert!(errors.is_empty(), "{errors:?}");
        let ix = FileIndex::of(&file);
        let names: Vec<&str> = ix.symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "p", "A.rev"]);
        let used: Vec<&str> = ix.uses.iter().map(|o| o.name.as_str()).collect();
        assert!(used.contains(&"p") && used.contains(&"A.rev") && used.contains(&"USD"), "{used:?}");
    }
}
