//! What a collection's storage holds: its segments (rows, deleted rows, file size, indexes) and
//! the bytes its files take on disk. Read from the open collection's state, never from files
//! that might be changing.

use std::path::Path;

use super::Collection;
use crate::collection::files::{FileName, segment_path};

/// One segment of a collection, as [`Collection::storage_info`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentInfo {
    pub id: u64,
    /// Name of the partition the segment belongs to.
    pub partition: String,
    pub rows: u64,
    /// Rows deleted or replaced (persisted or not yet).
    pub deleted_rows: u64,
    /// Whether the segment is a sealed, memory-mapped file (false: growing, in memory).
    pub sealed: bool,
    /// Size of the segment file (0 for a growing segment).
    pub file_bytes: u64,
    /// Names of the vector fields whose index is built for this segment.
    pub indexed_fields: Vec<String>,
}

/// The storage of one collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageInfo {
    /// Segments in id order.
    pub segments: Vec<SegmentInfo>,
    /// Bytes of the collection's write-ahead log generations.
    pub wal_bytes: u64,
    /// Bytes of every file in the collection's directory.
    pub disk_bytes: u64,
}

impl Collection {
    /// The collection's segments and disk use at this moment.
    pub fn storage_info(&self) -> StorageInfo {
        let state = self.read_state();
        let partition_name = |id: u64| {
            state.partitions.iter().find(|p| p.id == id).map_or_else(String::new, |p| p.name.clone())
        };
        let segments = state
            .segments
            .values()
            .map(|s| {
                let mut indexed_fields: Vec<usize> = s.indexes.keys().copied().collect();
                indexed_fields.sort_unstable();
                SegmentInfo {
                    id: s.id,
                    partition: partition_name(s.partition),
                    rows: s.rows() as u64,
                    deleted_rows: s.deleted.count_ones() as u64,
                    sealed: !s.is_growing(),
                    file_bytes: if s.is_growing() { 0 } else { file_len(&segment_path(self.dir(), s.id)) },
                    indexed_fields: indexed_fields
                        .iter()
                        .map(|&f| self.schema.fields[f].name.clone())
                        .collect(),
                }
            })
            .collect();
        drop(state);
        let (disk_bytes, wal_bytes) = disk_use(self.dir());
        StorageInfo { segments, wal_bytes, disk_bytes }
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Bytes of all files in collection directory `dir`, and of its WAL generations.
fn disk_use(dir: &Path) -> (u64, u64) {
    let mut total = 0;
    let mut wal = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        total += meta.len();
        if let Some(FileName::Wal(_)) = entry.file_name().to_str().and_then(FileName::parse) {
            wal += meta.len();
        }
    }
    (total, wal)
}
