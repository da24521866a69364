//! Typed ids and the vectors they index: a [`DefId`] (a driver or curve, or an overridden
//! field's definition) can index only an `IdVec<DefId, _>` (the program's definitions, or a
//! run's per-definition slots), never a list of flows or a period index. The compiler keeps the
//! kinds of index apart, as starlark-rust's `ModuleSlotId` does.

use std::marker::PhantomData;

/// An id that indexes an [`IdVec`].
pub trait Id: Copy + Eq + Ord + std::fmt::Debug {
    /// The id of position `i`.
    fn from_index(i: usize) -> Self;
    /// Its position.
    fn index(self) -> usize;
}

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(usize);

        impl Id for $name {
            fn from_index(i: usize) -> Self {
                $name(i)
            }
            fn index(self) -> usize {
                self.0
            }
        }

        /// The ledger keeps an id as a `u32` (`eval::ledger::Origin`).
        impl TryFrom<$name> for u32 {
            type Error = std::num::TryFromIntError;
            fn try_from(id: $name) -> Result<u32, Self::Error> {
                u32::try_from(id.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Index of a driver or curve (or of the definition an overridden field became).
    DefId
);
id_type!(
    /// Index of a flow.
    FlowId
);
id_type!(
    /// Index of a contract.
    ContractId
);
id_type!(
    /// Index of an entity.
    EntityId
);

/// A vector indexed by a typed id.
#[derive(Debug, Clone, PartialEq)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    _id: PhantomData<I>,
}

impl<I, T> Default for IdVec<I, T> {
    fn default() -> Self {
        IdVec { items: Vec::new(), _id: PhantomData }
    }
}

impl<I: Id, T> IdVec<I, T> {
    /// The id the next [`IdVec::push`] returns.
    pub fn next_id(&self) -> I {
        I::from_index(self.items.len())
    }
    /// Appends an item and returns its id.
    pub fn push(&mut self, item: T) -> I {
        let id = self.next_id();
        self.items.push(item);
        id
    }
    /// The item of `id`.
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }
    /// The item of `id`, to change.
    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.items.get_mut(id.index())
    }
    /// Every item with its id.
    pub fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> {
        self.items.iter().enumerate().map(|(i, x)| (I::from_index(i), x))
    }
    /// Every id, in order.
    pub fn ids(&self) -> impl Iterator<Item = I> {
        (0..self.items.len()).map(I::from_index)
    }
    /// Every item with its id, to change.
    pub fn iter_mut_enumerated(&mut self) -> impl Iterator<Item = (I, &mut T)> {
        self.items.iter_mut().enumerate().map(|(i, x)| (I::from_index(i), x))
    }
    /// The items, to change.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }
    /// A vector of the same ids: `f` of each item.
    pub fn map<'s, U>(&'s self, f: impl FnMut(&'s T) -> U) -> IdVec<I, U> {
        self.items.iter().map(f).collect()
    }
}

impl<I, T> std::ops::Deref for IdVec<I, T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

/// Indexing by an id (as the evaluator's per-contract totals are): an id the checker made for
/// this program is always inside.
impl<I: Id, T> std::ops::Index<I> for IdVec<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> std::ops::IndexMut<I> for IdVec<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<'a, I, T> IntoIterator for &'a mut IdVec<I, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<I, T> From<Vec<T>> for IdVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        IdVec { items, _id: PhantomData }
    }
}

impl<I, T> IntoIterator for IdVec<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, I, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<I, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<X: IntoIterator<Item = T>>(iter: X) -> Self {
        IdVec { items: iter.into_iter().collect(), _id: PhantomData }
    }
}
