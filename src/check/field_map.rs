//! [`FieldMap`]: the checked fields of one entity or contract, by name.
//!
//! Why not a `BTreeMap<String, FieldIr>`: an entity declares two to ten fields, and a
//! `BTreeMap` allocates a node for eleven entries (about 1.8 KB with a 136-byte `FieldIr`)
//! plus a `String` per key. A program with 8,000 entities spent 14 MB on those nodes (issue
//! 20). This is a vector sorted by name, exactly sized once built, whose keys are the spec's own
//! `&'static str` names; it iterates in the same (name) order as the map it replaces, so every
//! output that lists fields is unchanged.

use super::ir::FieldIr;
use std::sync::Arc;

/// Fields by name, sorted by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldMap {
    /// Each field shared with the typed terms that read it ([`super::typed::Shared`]).
    entries: Vec<(&'static str, Arc<FieldIr>)>,
}

impl FieldMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| (*k).cmp(name))
    }

    /// The field called `name`.
    pub fn get(&self, name: &str) -> Option<&FieldIr> {
        self.find(name).ok().and_then(|i| self.entries.get(i)).map(|(_, f)| &**f)
    }

    /// The field called `name`, shared (for the typed terms).
    pub fn get_shared(&self, name: &str) -> Option<Arc<FieldIr>> {
        self.find(name).ok().and_then(|i| self.entries.get(i)).map(|(_, f)| Arc::clone(f))
    }

    /// The field called `name`, to change it (copied first if typed terms share it).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut FieldIr> {
        self.find(name).ok().and_then(|i| self.entries.get_mut(i)).map(|(_, f)| Arc::make_mut(f))
    }

    /// Whether a field called `name` is there.
    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets the field `name` (a spec's name), returning the one it replaces.
    pub fn insert(&mut self, name: &'static str, field: FieldIr) -> Option<Arc<FieldIr>> {
        let field = Arc::new(field);
        match self.find(name) {
            Ok(i) => self.entries.get_mut(i).map(|(_, f)| std::mem::replace(f, field)),
            Err(i) => {
                self.entries.insert(i, (name, field));
                None
            }
        }
    }

    /// Drops spare capacity (once the map is built).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// The fields with their names, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &FieldIr)> {
        self.entries.iter().map(|(k, f)| (*k, &**f))
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|(k, _)| *k)
    }

    /// The fields, by name.
    pub fn values(&self) -> impl Iterator<Item = &FieldIr> {
        self.entries.iter().map(|(_, f)| &**f)
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::{TExpr, TExprKind};
    use crate::check::types::Type;

    fn field(n: u32) -> FieldIr {
        let mut map = crate::source::SourceMap::new();
        let id = map.add("t", "some text", crate::source::SourceKind::Input);
        let span = map.span(id, 0, 4).unwrap();
        FieldIr {
            value: TExpr { kind: TExprKind::Symbol(n.to_string()), ty: Type::Symbol, span },
            date: None,
            dated: Vec::new(),
            span,
        }
    }

    #[test]
    fn keeps_names_sorted_and_replaces() {
        let mut m = FieldMap::new();
        assert!(m.insert("rate", field(1)).is_none());
        assert!(m.insert("cash", field(2)).is_none());
        assert!(m.insert("min_cash", field(3)).is_none());
        assert!(m.insert("cash", field(4)).is_some());
        assert_eq!(m.keys().collect::<Vec<_>>(), ["cash", "min_cash", "rate"]);
        assert_eq!(m.get("cash"), Some(&field(4)));
        assert!(m.get("other").is_none() && m.contains_key("rate") && m.len() == 3);
    }
}
