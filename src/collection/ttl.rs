//! Time to live: the `collection.ttl.seconds` property.
//!
//! A row whose write timestamp is more than the TTL before now is expired. Every database call
//! that reaches a collection first expires its rows ([`Collection::expire`]): they are marked
//! deleted and leave the primary-key index, so get, query, search, count and iterators no
//! longer see them, a new row may reuse their key, and compaction drops them. Expiry is derived
//! from the stored timestamps and the current property, so it needs no log record: after a
//! reopen the same rows expire again. The property is read at each call, so a change applies
//! from then on; rows already expired stay gone when the TTL is raised later.
//!
//! A call costs a scan only when a row can expire: per segment, expiry remembers how many rows
//! it has scanned and the oldest timestamp it left alive among them ([`Scanned`]). While the
//! cutoff stays at or below that timestamp, only rows appended since are read.

use super::Collection;
use crate::column::ColumnData;
use crate::error::Result;
use std::collections::HashMap;

/// The collection property holding the TTL in seconds (`0` or absent: rows never expire).
pub const TTL_PROPERTY: &str = "collection.ttl.seconds";

impl Collection {
    /// The TTL in seconds (0 = none), from the catalog.
    pub(crate) fn ttl_seconds(&self) -> u64 {
        self.catalog.read(|m| {
            m.collections
                .iter()
                .find(|c| c.id == self.id)
                .and_then(|c| c.settings.property(TTL_PROPERTY))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        })
    }

    /// Marks the live rows written more than the TTL ago deleted and removes their keys.
    ///
    /// # Errors
    /// [`crate::Error::Corrupted`] for a damaged segment.
    pub(crate) fn expire(&self) -> Result<()> {
        let ttl = self.ttl_seconds();
        if ttl == 0 {
            return Ok(());
        }
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let cutoff = now_ms.saturating_sub(ttl.saturating_mul(1000)) << crate::timestamp::LOGICAL_BITS;
        let expired = self.expired_rows(cutoff)?;
        if expired.is_empty() {
            return Ok(());
        }
        // The writer lock keeps writes out while rows leave the key index.
        let _writer = self.writer();
        let mut state = self.write_state();
        let pk = self.schema.pk_index();
        for (id, rows) in expired {
            let Some(segment) = state.segments.get(&id) else { continue };
            let rows: Vec<usize> = rows.into_iter().filter(|&r| segment.is_live(r)).collect();
            let mut keys = ColumnData::empty(self.schema.pk_field().field_type);
            keys.extend_from_rows(segment.column(pk)?, rows.iter().copied());
            for (i, &row) in rows.iter().enumerate() {
                state.pk.forget(keys.as_ref(), i, super::pk_index::RowLoc { segment: id, row: row as u32 });
                if let Some(segment) = state.segments.get_mut(&id) {
                    segment.delete_row(row);
                }
            }
        }
        Ok(())
    }

    /// Per segment, the live rows whose timestamp is below `cutoff`. Segments whose scanned
    /// rows hold nothing older than `cutoff` are read from their first unscanned row only.
    fn expired_rows(&self, cutoff: u64) -> Result<Vec<(u64, Vec<usize>)>> {
        let state = self.read_state();
        let mut scanned = self.ttl_scanned.lock().unwrap_or_else(|e| e.into_inner());
        scanned.retain(|id, _| state.segments.contains_key(id));
        let mut out = Vec::new();
        for (&id, segment) in &state.segments {
            let timestamps = segment.timestamps()?;
            let seen = scanned.get(&id).copied().unwrap_or_default();
            let start =
                if cutoff <= seen.oldest_alive && seen.rows <= timestamps.len() { seen.rows } else { 0 };
            let mut oldest_alive = if start == 0 { u64::MAX } else { seen.oldest_alive };
            let mut rows = Vec::new();
            for (r, &ts) in timestamps.iter().enumerate().skip(start) {
                if !segment.is_live(r) {
                    continue;
                }
                if ts < cutoff {
                    rows.push(r);
                }
                // Rows returned for expiry count as alive until a later scan sees them deleted,
                // so a failed expiry is retried.
                oldest_alive = oldest_alive.min(ts);
            }
            scanned.insert(id, SegmentScan { rows: timestamps.len(), oldest_alive });
            if !rows.is_empty() {
                out.push((id, rows));
            }
        }
        Ok(out)
    }
}

/// What expiry has scanned of each segment, by segment id.
pub(crate) type Scanned = HashMap<u64, SegmentScan>;

/// Expiry's record of one segment: no live row among its first `rows` has a timestamp below
/// `oldest_alive`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SegmentScan {
    rows: usize,
    oldest_alive: u64,
}
