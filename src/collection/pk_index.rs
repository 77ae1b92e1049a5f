//! The primary-key index: where the live row of each key is.
//!
//! Two tiers. The keys of rows in growing (and frozen) segments are in a sharded hash map holding
//! live rows only. The keys of sealed segments are not held in memory: each sealed segment file
//! carries its keys in sorted order (mapped, [`crate::segment::keys`]), searched by binary search
//! after a check of the segment's key range, and a row found there is the key's row when the
//! segment's deleted bitset says it is live (live rows have unique keys, so at most one is).
//! Opening a collection therefore reads no key: a sealed segment's key blocks are verified (or,
//! missing or damaged, rebuilt in memory from its key column) the first time a write, delete or
//! get needs them ([`PkIndex::prepare`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use crate::column::{ColumnRef, PrimaryKeys};
use crate::error::{Error, Result};
use crate::segment::Segment;
use crate::segment::keys::{Key, SortedKeys, key_order};
use crate::segment::sealed::SealedSegment;

/// Hasher of the growing tier: fast on integer and short string keys (foldhash, with a
/// per-process random seed).
type Hasher = foldhash::fast::RandomState;

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

/// Keys of the rows of growing segments (live rows only).
#[derive(Debug)]
enum Growing {
    Int(Sharded<i64>),
    Str(Sharded<Box<str>>),
}

/// Maps each live primary key to its row. Keys are unique across the collection.
#[derive(Debug)]
pub struct PkIndex {
    growing: Growing,
    /// The sorted keys of each sealed segment, by segment id.
    sealed: BTreeMap<u64, SealedKeys>,
    /// Smallest and largest key of all sealed segments (`None`: no rows), set by
    /// [`PkIndex::prepare`] and cleared when the sealed segments change: a new key outside it
    /// skips the per-segment checks.
    bounds: OnceLock<Option<(OwnedKey, OwnedKey)>>,
}

/// The keys of one sealed segment, read on first use.
#[derive(Debug)]
struct SealedKeys {
    file: Arc<SealedSegment>,
    /// Verified key order and key range; `Err` names why the key column does not read.
    view: OnceLock<std::result::Result<View, String>>,
}

/// A sealed segment's key order, verified: the file's key blocks, or one built in memory.
#[derive(Debug)]
struct View {
    /// The order built from the key column (the file has no key blocks, or they are damaged);
    /// `None`: the file's blocks.
    built: Option<(Vec<u32>, Vec<i64>)>,
    /// Smallest and largest key; `None` for a segment without rows.
    range: Option<(OwnedKey, OwnedKey)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum OwnedKey {
    Int(i64),
    Str(Box<str>),
}

impl OwnedKey {
    fn of(key: Key<'_>) -> OwnedKey {
        match key {
            Key::Int(k) => OwnedKey::Int(k),
            Key::Str(k) => OwnedKey::Str(k.into()),
        }
    }

    fn key(&self) -> Key<'_> {
        match self {
            OwnedKey::Int(k) => Key::Int(*k),
            OwnedKey::Str(k) => Key::Str(k),
        }
    }
}

impl SealedKeys {
    fn new(file: Arc<SealedSegment>) -> SealedKeys {
        SealedKeys { file, view: OnceLock::new() }
    }

    /// The verified view, read on first call; `Err` when the key column does not read.
    fn view(&self) -> &std::result::Result<View, String> {
        self.view.get_or_init(|| self.read_view())
    }

    fn read_view(&self) -> std::result::Result<View, String> {
        let keys = self.file.column(self.file.key_field()).map_err(|e| e.to_string())?;
        let built = match self.file.key_blocks() {
            Ok(Some(_)) => None,
            Ok(None) => Some(key_order(keys)),
            Err(e) => {
                log::warn!("{e}; the key order is rebuilt in memory from the key column");
                Some(key_order(keys))
            }
        };
        let mut view = View { built, range: None };
        view.range =
            self.sorted(&view).and_then(|s| s.range()).map(|(a, b)| (OwnedKey::of(a), OwnedKey::of(b)));
        Ok(view)
    }

    /// The sorted keys of a verified view (`None` only if the verified blocks no longer read,
    /// which their cached verification rules out).
    fn sorted<'a>(&'a self, view: &'a View) -> Option<SortedKeys<'a>> {
        let keys = self.file.column(self.file.key_field()).ok()?;
        let (order, sorted) = match &view.built {
            Some((order, sorted)) => (order.as_slice(), sorted.as_slice()),
            None => self.file.key_blocks().ok()??,
        };
        Some(SortedKeys { keys, order, sorted })
    }

    /// The row of `key` in this segment for which `live` is true. Unprepared or unreadable
    /// segments find nothing: [`PkIndex::prepare`] refuses to go on with those.
    fn find(&self, key: Key<'_>, live: impl Fn(usize) -> bool) -> Option<usize> {
        let view = self.view().as_ref().ok()?;
        let (min, max) = view.range.as_ref()?;
        if key < min.key() || key > max.key() {
            return None;
        }
        self.sorted(view)?.find(key, live)
    }
}

/// Whether row `loc` exists and is live.
fn is_live(segments: &BTreeMap<u64, Segment>, loc: RowLoc) -> bool {
    segments.get(&loc.segment).is_some_and(|s| s.is_live(loc.row as usize))
}

impl PkIndex {
    /// An empty index for Int64 (`int = true`) or VarChar keys.
    pub fn new(int: bool) -> Self {
        let growing = if int { Growing::Int(Sharded::new()) } else { Growing::Str(Sharded::new()) };
        PkIndex { growing, sealed: BTreeMap::new(), bounds: OnceLock::new() }
    }

    /// Reads and verifies the key blocks of every sealed segment not read yet (rebuilding in
    /// memory an order that is missing or fails its checksum). Every lookup of a write, delete
    /// or get comes after it, so no key of a sealed segment is ever missed.
    ///
    /// # Errors
    /// [`Error::Corrupted`] naming the segment file whose key column fails its checksum.
    pub fn prepare(&self) -> Result<()> {
        let mut bounds: Option<(OwnedKey, OwnedKey)> = None;
        for keys in self.sealed.values() {
            match keys.view() {
                Err(reason) => {
                    return Err(Error::corrupted(
                        keys.file.path(),
                        format!("primary keys unreadable: {reason}"),
                    ));
                }
                Ok(View { range: Some((lo, hi)), .. }) => {
                    bounds = Some(match bounds {
                        None => (lo.clone(), hi.clone()),
                        Some((a, b)) => (a.min(lo.clone()), b.max(hi.clone())),
                    });
                }
                Ok(_) => {}
            }
        }
        let _ = self.bounds.set(bounds);
        Ok(())
    }

    /// Number of keys in the growing tier.
    #[cfg(test)]
    fn growing_len(&self) -> usize {
        match &self.growing {
            Growing::Int(m) => m.len(),
            Growing::Str(m) => m.len(),
        }
    }

    /// The growing-tier row of `key`.
    fn growing_get(&self, key: Key<'_>) -> Option<RowLoc> {
        match (&self.growing, key) {
            (Growing::Int(m), Key::Int(k)) => m.get(&k),
            (Growing::Str(m), Key::Str(k)) => m.get(k),
            _ => None,
        }
    }

    /// The live row of `key` in a sealed segment.
    fn sealed_get(&self, key: Key<'_>, segments: &BTreeMap<u64, Segment>) -> Option<RowLoc> {
        if let Some(bounds) = self.bounds.get() {
            let (lo, hi) = bounds.as_ref()?;
            if key < lo.key() || key > hi.key() {
                return None;
            }
        }
        self.sealed.iter().rev().find_map(|(&segment, keys)| {
            let row = keys.find(key, |row| is_live(segments, RowLoc { segment, row: row as u32 }))?;
            Some(RowLoc { segment, row: row as u32 })
        })
    }

    fn locate(&self, key: Key<'_>, segments: &BTreeMap<u64, Segment>) -> Option<RowLoc> {
        self.growing_get(key).or_else(|| self.sealed_get(key, segments))
    }

    /// Live row of key `i` of `keys`, `segments` telling which rows are live.
    pub fn get(&self, keys: &PrimaryKeys, i: usize, segments: &BTreeMap<u64, Segment>) -> Option<RowLoc> {
        let key = match keys {
            PrimaryKeys::Int(k) => Key::Int(k[i]),
            PrimaryKeys::Str(k) => Key::Str(&k[i]),
        };
        self.locate(key, segments)
    }

    /// Deletes the live row of key `row` of the key column `keys`, if any; returns whether a
    /// row was deleted.
    pub fn delete(&mut self, keys: ColumnRef<'_>, row: usize, segments: &mut BTreeMap<u64, Segment>) -> bool {
        let Some(key) = Key::of(keys, row) else { return false };
        let removed = match (&mut self.growing, key) {
            (Growing::Int(m), Key::Int(k)) => m.remove(&k),
            (Growing::Str(m), Key::Str(k)) => m.remove(k),
            _ => None,
        };
        let Some(loc) = removed.or_else(|| self.sealed_get(key, segments)) else { return false };
        segments.get_mut(&loc.segment).is_some_and(|s| s.delete_row(loc.row as usize))
    }

    /// Drops the growing-tier entry of key `row` of `keys` if it points to `loc` (whose row the
    /// caller deletes).
    pub fn forget(&mut self, keys: ColumnRef<'_>, row: usize, loc: RowLoc) {
        match (&mut self.growing, Key::of(keys, row)) {
            (Growing::Int(m), Some(Key::Int(k))) if m.get(&k) == Some(loc) => {
                m.remove(&k);
            }
            (Growing::Str(m), Some(Key::Str(k))) if m.get(k) == Some(loc) => {
                m.remove(k);
            }
            _ => {}
        }
    }

    /// Points every key of `keys` to growing segment `segment`, rows `base..`, deleting the row
    /// each key had before; returns the number of rows deleted.
    pub fn replace_all(
        &mut self,
        keys: ColumnRef<'_>,
        segment: u64,
        base: usize,
        segments: &mut BTreeMap<u64, Segment>,
    ) -> u64 {
        let mut deleted = 0;
        for i in 0..keys.len() {
            let loc = RowLoc { segment, row: (base + i) as u32 };
            let old = match (&mut self.growing, keys) {
                (Growing::Int(m), ColumnRef::Int64(k)) => m.insert(k[i], loc),
                (Growing::Str(m), c @ ColumnRef::VarChar { .. }) => m.insert(Box::from(c.str_at(i)), loc),
                _ => None,
            };
            let old = old.or_else(|| Key::of(keys, i).and_then(|key| self.sealed_get(key, segments)));
            if let Some(old) = old
                && let Some(s) = segments.get_mut(&old.segment)
            {
                deleted += u64::from(s.delete_row(old.row as usize));
            }
        }
        deleted
    }

    /// Adds sealed segment `segment` (its file `file`); keys the growing tier held for it (it
    /// was growing until now) leave the map.
    pub fn add_sealed(&mut self, segment: u64, file: Arc<SealedSegment>) {
        self.remove_growing(segment);
        self.sealed.insert(segment, SealedKeys::new(file));
        self.bounds.take();
    }

    fn remove_growing(&mut self, segment: u64) {
        match &mut self.growing {
            Growing::Int(m) => m.retain(|loc| loc.segment != segment),
            Growing::Str(m) => m.retain(|loc| loc.segment != segment),
        }
    }

    /// Drops every key located in `segment`.
    pub fn remove_segment(&mut self, segment: u64) {
        self.remove_growing(segment);
        self.sealed.remove(&segment);
        self.bounds.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::ColumnData;
    use crate::schema::{Field, FieldType, Schema};
    use crate::segment::{SegmentColumns, SegmentData};

    fn schema(int: bool) -> Schema {
        let key = if int { FieldType::Int64 } else { FieldType::VarChar { max_length: 16 } };
        Schema::builder("c")
            .field(Field::new("id", key).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 1 }))
            .build()
            .unwrap()
    }

    fn column(int: bool, keys: &[i64]) -> ColumnData {
        if int {
            ColumnData::Int64(keys.to_vec())
        } else {
            ColumnData::varchar(keys.iter().map(|k| format!("k{k:05}")))
        }
    }

    /// A segment map with growing segment 2 empty and, when `sealed_keys` is given, sealed
    /// segment 1 holding those keys (written with key blocks when `blocks`).
    fn segments(int: bool, sealed_keys: &[i64], dir: &std::path::Path) -> (BTreeMap<u64, Segment>, PkIndex) {
        let schema = schema(int);
        let mut pk = PkIndex::new(int);
        let mut segments = BTreeMap::new();
        let mut rows = SegmentColumns::new(&schema);
        rows.timestamps = vec![1; sealed_keys.len()];
        rows.columns = vec![
            column(int, sealed_keys),
            ColumnData::FloatVector { dim: 1, data: vec![1.0; sealed_keys.len()] },
        ];
        rows.norms = vec![None, Some(vec![1.0; sealed_keys.len()])];
        let path = dir.join("s1.seg");
        crate::segment::writer::write_segment(&path, 1, 0, &rows, 0, false).unwrap();
        let (file, _) = SealedSegment::open(&path, &schema).unwrap();
        let segment = Segment::sealed(1, 0, file);
        let SegmentData::Sealed(file) = &segment.data else { unreachable!() };
        pk.add_sealed(1, file.clone());
        segments.insert(1, segment);
        segments.insert(2, Segment::growing(2, 0, SegmentColumns::new(&schema)));
        (segments, pk)
    }

    fn grow(segments: &mut BTreeMap<u64, Segment>, rows: usize) {
        let s = segments.get_mut(&2).unwrap();
        let n = s.rows() + rows;
        if let SegmentData::Growing(g) = &mut s.data {
            Arc::make_mut(g).timestamps.resize(n, 1);
        }
        s.deleted.resize(n);
    }

    #[test]
    fn upserts_and_deletes_across_tiers_keep_one_live_row_per_key() {
        for int in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (mut segments, mut pk) = segments(int, &[30, 10, 20, 10], dir.path());
            // Row 1 (an older 10) is dead; row 3 is the live 10.
            segments.get_mut(&1).unwrap().delete_row(1);
            pk.prepare().unwrap();
            let probe = |keys: &[i64]| match column(int, keys) {
                ColumnData::Int64(k) => PrimaryKeys::Int(k),
                c => PrimaryKeys::Str((0..c.len()).map(|i| c.as_ref().str_at(i).to_owned()).collect()),
            };
            let at = |segment, row| Some(RowLoc { segment, row });
            let keys = probe(&[10, 20, 25]);
            assert_eq!(pk.get(&keys, 0, &segments), at(1, 3));
            assert_eq!(pk.get(&keys, 1, &segments), at(1, 2));
            assert_eq!(pk.get(&keys, 2, &segments), None);

            // Upsert 20 and 40 into the growing segment: the sealed 20 dies.
            grow(&mut segments, 2);
            let batch = column(int, &[20, 40]);
            assert_eq!(pk.replace_all(batch.as_ref(), 2, 0, &mut segments), 1);
            assert!(!segments[&1].is_live(2));
            assert_eq!(pk.get(&probe(&[20]), 0, &segments), at(2, 0));
            assert_eq!(pk.growing_len(), 2);

            // Upsert 40 again in the same segment: its first row dies.
            grow(&mut segments, 1);
            assert_eq!(pk.replace_all(column(int, &[40]).as_ref(), 2, 2, &mut segments), 1);
            assert!(!segments[&2].is_live(1));

            // Deletes: a sealed key, a growing key, a missing key.
            let del = column(int, &[10, 40, 99]);
            assert!(pk.delete(del.as_ref(), 0, &mut segments));
            assert!(pk.delete(del.as_ref(), 1, &mut segments));
            assert!(!pk.delete(del.as_ref(), 2, &mut segments));
            assert!(!pk.delete(del.as_ref(), 0, &mut segments), "deleted once");
            assert_eq!(pk.get(&probe(&[10, 40]), 0, &segments), None);
            assert_eq!(pk.get(&probe(&[10, 40]), 1, &segments), None);
            let live: usize = segments.values().map(Segment::live_rows).sum();
            assert_eq!(live, 2, "30 (sealed) and 20 (growing)");

            // Dropping a segment drops its keys.
            pk.remove_segment(1);
            assert_eq!(pk.get(&probe(&[30]), 0, &segments), None);
            assert_eq!(pk.growing_len(), 1);
        }
    }

    #[test]
    fn keys_spread_over_shards_keep_their_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (mut segments, mut pk) = segments(true, &[], dir.path());
        grow(&mut segments, 10_000);
        pk.replace_all(ColumnData::Int64((0..10_000).collect()).as_ref(), 2, 0, &mut segments);
        let Growing::Int(m) = &pk.growing else { unreachable!() };
        assert!(m.shards.iter().all(|s| !s.is_empty()), "every shard holds keys");
        assert_eq!(pk.growing_len(), 10_000);
        let probe = PrimaryKeys::Int(vec![4_999, 10_000]);
        assert_eq!(pk.get(&probe, 0, &segments), Some(RowLoc { segment: 2, row: 4_999 }));
        assert_eq!(pk.get(&probe, 1, &segments), None);
    }
}
