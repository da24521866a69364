//! [`Interner`]: distinct values numbered in the order first seen.
//!
//! Where many things name one of a few values, a 4-byte number stands in for the value: the
//! ledger's events name their route (`eval::ledger`), the checker finds a flow by its entity
//! and its name's number (`check`). One type for both, so the numbering and its limit are
//! written once.

use rustc_hash::FxHashMap;
use std::borrow::Borrow;
use std::hash::Hash;

/// Distinct values of `T`, each with its number (its position in the order first seen).
#[derive(Debug, Clone)]
pub struct Interner<T> {
    index: FxHashMap<T, u32>,
    values: Vec<T>,
}

/// Equal when they number the same values alike (the index follows from the values).
impl<T: PartialEq> PartialEq for Interner<T> {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner { index: FxHashMap::default(), values: Vec::new() }
    }
}

impl<T: Hash + Eq + Clone> Interner<T> {
    /// The number of `value`, given it when new (a copy of `value` is kept only then); `None`
    /// past `u32::MAX` values.
    pub fn intern<Q>(&mut self, value: &Q) -> Option<u32>
    where
        T: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = T> + ?Sized,
    {
        if let Some(&i) = self.index.get(value) {
            return Some(i);
        }
        let i = u32::try_from(self.values.len()).ok()?;
        self.values.push(value.to_owned());
        self.index.insert(value.to_owned(), i);
        Some(i)
    }

    /// The number of `value`, if it has one.
    pub fn get<Q>(&self, value: &Q) -> Option<u32>
    where
        T: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index.get(value).copied()
    }

    /// The value numbered `i`.
    pub fn value(&self, i: u32) -> Option<&T> {
        self.values.get(i as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_in_the_order_first_seen() {
        let mut names: Interner<String> = Interner::default();
        assert_eq!(names.intern("revenue"), Some(0));
        assert_eq!(names.intern("opex"), Some(1));
        assert_eq!(names.intern("revenue"), Some(0));
        assert_eq!((names.get("opex"), names.get("capex")), (Some(1), None));
        assert_eq!(names.value(1).map(String::as_str), Some("opex"));
        assert_eq!((names.value(1).is_some(), names.value(2)), (true, None));
    }
}
