//! What writes and reads return.

use crate::column::{Column, PrimaryKeys};

/// The outcome of a write (insert, upsert or delete). All writes are all-or-nothing, so a
/// returned result always describes a fully applied batch.
#[derive(Debug, Clone, PartialEq)]
pub struct MutationResult {
    /// Rows written.
    pub insert_count: u64,
    /// Live rows actually replaced (upsert) or deleted (delete): exact, never a blind count.
    pub delete_count: u64,
    /// Rows upserted (equals `insert_count` for an upsert, 0 otherwise).
    pub upsert_count: u64,
    /// Rows accepted: equals `succ_index.len()`.
    pub succ_count: u64,
    /// Indexes of the accepted rows of the request: `0..n`.
    pub succ_index: Vec<u64>,
    /// Rows rejected: always 0 (a bad row rejects the whole call with an error).
    pub err_count: u64,
    /// Indexes of rejected rows: always empty.
    pub err_index: Vec<u64>,
    /// Primary keys written, in request order (generated ones for an auto_id insert); for a
    /// delete, the keys of the rows deleted.
    pub primary_keys: PrimaryKeys,
    /// Hybrid timestamp of the write (`unix_ms << 18 | logical`), strictly increasing.
    pub timestamp: u64,
}

impl MutationResult {
    /// Result of writing the rows with these keys, of which `delete_count` replaced live rows.
    pub(crate) fn written(keys: PrimaryKeys, delete_count: u64, upsert: bool, timestamp: u64) -> Self {
        let n = keys.len() as u64;
        MutationResult {
            insert_count: n,
            upsert_count: if upsert { n } else { 0 },
            ..Self::accepted(keys, delete_count, timestamp)
        }
    }

    /// Result of deleting the rows with these keys.
    pub(crate) fn deleted(keys: PrimaryKeys, timestamp: u64) -> Self {
        let n = keys.len() as u64;
        Self::accepted(keys, n, timestamp)
    }

    /// Every row of the request accepted, nothing inserted.
    fn accepted(keys: PrimaryKeys, delete_count: u64, timestamp: u64) -> Self {
        let n = keys.len() as u64;
        MutationResult {
            insert_count: 0,
            delete_count,
            upsert_count: 0,
            succ_count: n,
            succ_index: (0..n).collect(),
            err_count: 0,
            err_index: Vec::new(),
            primary_keys: keys,
            timestamp,
        }
    }
}

/// Rows returned by a read, column by column in the order the fields were requested.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult {
    pub columns: Vec<Column>,
}

impl QueryResult {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column of field `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name() == name)
    }
}

/// Hits of one query, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHits {
    /// Primary keys of the hits.
    pub ids: PrimaryKeys,
    /// Distance (L2) or similarity (IP, COSINE) of each hit.
    pub scores: Vec<f32>,
    /// Requested output fields of the hits (the key column first).
    pub fields: QueryResult,
}

impl SearchHits {
    /// Number of hits.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether there are no hits.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
}
