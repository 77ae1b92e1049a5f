//! The primary-key index: where the live row of each key is.

use std::collections::HashMap;

/// Hasher of the index: fast on integer and short string keys (foldhash, with a per-process
/// random seed).
type Hasher = foldhash::fast::RandomState;

use crate::column::{ColumnRef, PrimaryKeys};

/// Location of a row: segment id and row offset inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLoc {
    pub segment: u64,
    pub row: u32,
}

/// Maps each live primary key to its row. Keys are unique across the collection.
#[derive(Debug)]
pub enum PkIndex {
    Int(HashMap<i64, RowLoc, Hasher>),
    Str(HashMap<Box<str>, RowLoc, Hasher>),
}

impl PkIndex {
    /// An empty index for Int64 (`int = true`) or VarChar keys.
    pub fn new(int: bool) -> Self {
        if int { PkIndex::Int(HashMap::default()) } else { PkIndex::Str(HashMap::default()) }
    }

    /// Makes room for `additional` more keys, as far as memory allows. A hint: a count too
    /// large to allocate (say, from a damaged manifest) reserves nothing, and the index grows
    /// as keys arrive.
    pub fn reserve(&mut self, additional: usize) {
        let _ = match self {
            PkIndex::Int(m) => m.try_reserve(additional),
            PkIndex::Str(m) => m.try_reserve(additional),
        };
    }

    /// Number of live keys.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        match self {
            PkIndex::Int(m) => m.len(),
            PkIndex::Str(m) => m.len(),
        }
    }

    /// Row of key `i` of `keys`.
    pub fn get(&self, keys: &PrimaryKeys, i: usize) -> Option<RowLoc> {
        match (self, keys) {
            (PkIndex::Int(m), PrimaryKeys::Int(k)) => m.get(&k[i]).copied(),
            (PkIndex::Str(m), PrimaryKeys::Str(k)) => m.get(k[i].as_str()).copied(),
            _ => None,
        }
    }

    /// Removes row `row` of the key column `keys` and returns where it was.
    pub fn remove(&mut self, keys: ColumnRef<'_>, row: usize) -> Option<RowLoc> {
        match (self, keys) {
            (PkIndex::Int(m), ColumnRef::Int64(k)) => m.remove(&k[row]),
            (PkIndex::Str(m), c @ ColumnRef::VarChar { .. }) => m.remove(c.str_at(row)),
            _ => None,
        }
    }

    /// Points every key of `keys` to `segment`, rows `base..`.
    pub fn insert_all(&mut self, keys: ColumnRef<'_>, segment: u64, base: usize) {
        let loc = |i: usize| RowLoc { segment, row: (base + i) as u32 };
        match (self, keys) {
            (PkIndex::Int(m), ColumnRef::Int64(k)) => {
                m.reserve(k.len());
                m.extend(k.iter().enumerate().map(|(i, &key)| (key, loc(i))));
            }
            (PkIndex::Str(m), c @ ColumnRef::VarChar { .. }) => {
                m.reserve(c.len());
                m.extend((0..c.len()).map(|i| (Box::from(c.str_at(i)), loc(i))));
            }
            _ => {}
        }
    }

    /// Points every key of `keys` to `segment`, rows `base..`, and calls `replaced` with the row
    /// each key pointed to before, if any (one hash probe per key).
    pub fn replace_all(
        &mut self,
        keys: ColumnRef<'_>,
        segment: u64,
        base: usize,
        mut replaced: impl FnMut(RowLoc),
    ) {
        let loc = |i: usize| RowLoc { segment, row: (base + i) as u32 };
        match (self, keys) {
            (PkIndex::Int(m), ColumnRef::Int64(k)) => {
                m.reserve(k.len());
                for (i, &key) in k.iter().enumerate() {
                    m.insert(key, loc(i)).into_iter().for_each(&mut replaced);
                }
            }
            (PkIndex::Str(m), c @ ColumnRef::VarChar { .. }) => {
                m.reserve(c.len());
                for i in 0..c.len() {
                    m.insert(Box::from(c.str_at(i)), loc(i)).into_iter().for_each(&mut replaced);
                }
            }
            _ => {}
        }
    }

    /// Points the keys of the rows `rows` (offsets into `keys`) to `segment`, rows `rows`.
    pub fn insert_rows(&mut self, keys: ColumnRef<'_>, segment: u64, rows: impl Iterator<Item = usize>) {
        let loc = |r: usize| RowLoc { segment, row: r as u32 };
        match (self, keys) {
            (PkIndex::Int(m), ColumnRef::Int64(k)) => m.extend(rows.map(|r| (k[r], loc(r)))),
            (PkIndex::Str(m), c @ ColumnRef::VarChar { .. }) => {
                m.extend(rows.map(|r| (Box::from(c.str_at(r)), loc(r))))
            }
            _ => {}
        }
    }

    /// Drops every key located in `segment`.
    pub fn remove_segment(&mut self, segment: u64) {
        match self {
            PkIndex::Int(m) => m.retain(|_, loc| loc.segment != segment),
            PkIndex::Str(m) => m.retain(|_, loc| loc.segment != segment),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::ColumnData;

    #[test]
    fn reserving_more_than_memory_allows_reserves_nothing() {
        for int in [true, false] {
            let mut pk = PkIndex::new(int);
            pk.reserve(usize::MAX);
            pk.reserve(1 << 50);
            let keys = if int { ColumnData::Int64(vec![4, 5]) } else { ColumnData::varchar(["a", "b"]) };
            pk.insert_all(keys.as_ref(), 7, 0);
            assert_eq!(pk.len(), 2);
            let key = if int { PrimaryKeys::Int(vec![5]) } else { PrimaryKeys::Str(vec!["b".into()]) };
            assert_eq!(pk.get(&key, 0), Some(RowLoc { segment: 7, row: 1 }));
        }
    }
}
