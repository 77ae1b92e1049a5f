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

/// Shards of the index: each grows (rehashes) on its own, so an insert that outgrows a shard
/// moves 1/`SHARDS` of the keys, never the whole index (a doubling of a 10M-key map stalls the
/// writer for hundreds of milliseconds).
const SHARDS: usize = 64;

/// A hash map split into [`SHARDS`] maps by a second, independent hash of the key (independent,
/// so the keys of one shard still spread over its map's whole hash range).
#[derive(Debug)]
pub struct Sharded<K> {
    shards: Box<[HashMap<K, RowLoc, Hasher>]>,
    router: Hasher,
}

impl<K: std::hash::Hash + Eq> Sharded<K> {
    fn new() -> Self {
        Sharded { shards: (0..SHARDS).map(|_| HashMap::default()).collect(), router: Hasher::default() }
    }

    /// The shard of `key` (top bits of the router hash).
    fn shard<Q: std::hash::Hash + ?Sized>(&self, key: &Q) -> usize {
        (std::hash::BuildHasher::hash_one(&self.router, key) >> (64 - SHARDS.trailing_zeros())) as usize
    }

    fn get<Q>(&self, key: &Q) -> Option<RowLoc>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.shards[self.shard(key)].get(key).copied()
    }

    fn remove<Q>(&mut self, key: &Q) -> Option<RowLoc>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let s = self.shard(key);
        self.shards[s].remove(key)
    }

    fn insert(&mut self, key: K, loc: RowLoc) -> Option<RowLoc> {
        let s = self.shard(&key);
        self.shards[s].insert(key, loc)
    }

    /// Makes room for `additional` keys spread evenly; a count too large to allocate reserves
    /// nothing.
    fn reserve(&mut self, additional: usize) {
        let per_shard = additional / SHARDS + 1;
        for m in self.shards.iter_mut() {
            let _ = m.try_reserve(per_shard);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(HashMap::len).sum()
    }

    fn retain(&mut self, mut keep: impl FnMut(&RowLoc) -> bool) {
        for m in self.shards.iter_mut() {
            m.retain(|_, loc| keep(loc));
        }
    }
}

/// Maps each live primary key to its row. Keys are unique across the collection.
#[derive(Debug)]
pub enum PkIndex {
    Int(Sharded<i64>),
    Str(Sharded<Box<str>>),
}

impl PkIndex {
    /// An empty index for Int64 (`int = true`) or VarChar keys.
    pub fn new(int: bool) -> Self {
        if int { PkIndex::Int(Sharded::new()) } else { PkIndex::Str(Sharded::new()) }
    }

    /// Makes room for `additional` more keys, as far as memory allows. A hint: a count too
    /// large to allocate (say, from a damaged manifest) reserves nothing, and the index grows
    /// as keys arrive.
    pub fn reserve(&mut self, additional: usize) {
        match self {
            PkIndex::Int(m) => m.reserve(additional),
            PkIndex::Str(m) => m.reserve(additional),
        }
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
            (PkIndex::Int(m), PrimaryKeys::Int(k)) => m.get(&k[i]),
            (PkIndex::Str(m), PrimaryKeys::Str(k)) => m.get(k[i].as_str()),
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
        self.replace_all(keys, segment, base, |_| {});
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
                for (i, &key) in k.iter().enumerate() {
                    m.insert(key, loc(i)).into_iter().for_each(&mut replaced);
                }
            }
            (PkIndex::Str(m), c @ ColumnRef::VarChar { .. }) => {
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
            (PkIndex::Int(m), ColumnRef::Int64(k)) => rows.for_each(|r| {
                m.insert(k[r], loc(r));
            }),
            (PkIndex::Str(m), c @ ColumnRef::VarChar { .. }) => rows.for_each(|r| {
                m.insert(Box::from(c.str_at(r)), loc(r));
            }),
            _ => {}
        }
    }

    /// Drops every key located in `segment`.
    pub fn remove_segment(&mut self, segment: u64) {
        match self {
            PkIndex::Int(m) => m.retain(|loc| loc.segment != segment),
            PkIndex::Str(m) => m.retain(|loc| loc.segment != segment),
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

    #[test]
    fn keys_spread_over_shards_keep_their_rows() {
        let mut pk = PkIndex::new(true);
        let keys = ColumnData::Int64((0..10_000).collect());
        pk.insert_all(keys.as_ref(), 1, 0);
        let mut replaced = Vec::new();
        let upsert = ColumnData::Int64((5_000..15_000).collect());
        pk.replace_all(upsert.as_ref(), 2, 100, |old| replaced.push(old));
        assert_eq!(pk.len(), 15_000);
        assert_eq!(replaced.len(), 5_000);
        assert!(replaced.iter().all(|l| l.segment == 1 && l.row >= 5_000));
        if let PkIndex::Int(m) = &pk {
            assert!(m.shards.iter().all(|s| !s.is_empty()), "every shard holds keys");
        }
        let probe = PrimaryKeys::Int(vec![4_999, 5_000, 14_999, 15_000]);
        assert_eq!(pk.get(&probe, 0), Some(RowLoc { segment: 1, row: 4_999 }));
        assert_eq!(pk.get(&probe, 1), Some(RowLoc { segment: 2, row: 100 }));
        assert_eq!(pk.get(&probe, 2), Some(RowLoc { segment: 2, row: 10_099 }));
        assert_eq!(pk.get(&probe, 3), None);
        assert_eq!(
            pk.remove(ColumnData::Int64(vec![14_999]).as_ref(), 0),
            Some(RowLoc { segment: 2, row: 10_099 })
        );
        pk.remove_segment(1);
        assert_eq!(pk.len(), 9_999);
        assert_eq!(pk.get(&probe, 0), None);
    }
}
