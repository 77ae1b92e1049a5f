//! The write path: validate → log → apply, and the apply step shared with WAL replay.

use super::record::{Record, WriteBatch};
use super::validate::{self, WriteMode, batch_keys};
use super::{Collection, State};
use crate::column::{Column, ColumnData, ColumnRef, PrimaryKeys};
use crate::error::{Error, Result};
use crate::expr::Filter;
use crate::result::MutationResult;
use crate::schema::Schema;
use crate::segment::{GrowingBuffers, Segment, SegmentData};
use crate::timestamp;

impl Collection {
    /// Inserts or upserts `columns` into partition `partition` (`""` = `_default`).
    ///
    /// # Errors
    /// Every rule of a write (see [`crate::Database::upsert`]); nothing is written on error.
    pub fn write(&self, partition: &str, columns: &[&Column], mode: WriteMode) -> Result<MutationResult> {
        let validated = validate::validate(&self.schema, columns, mode)?;
        self.commit(&mut self.writer(), partition, validated, mode)
    }

    /// Logs and applies a validated batch under the writer lock `writer`.
    pub(super) fn commit(
        &self,
        writer: &mut super::Writer,
        partition: &str,
        validated: validate::ValidatedBatch<'_>,
        mode: WriteMode,
    ) -> Result<MutationResult> {
        let mut batch = validated.batch;
        if let Some(reason) = &writer.poisoned {
            return Err(Error::Poisoned(reason.clone()));
        }
        // A failed commit leaves its segments frozen; the next seal retries them.
        self.poll_pending_seal(writer).unwrap_or_else(|e| self.log_seal_failure(&e));
        batch.partition = self.write_partition(partition)?;
        if validated.generate_keys {
            batch.columns[self.schema.pk_index()] =
                std::borrow::Cow::Owned(super::auto_id::generate(self.schema.pk_field(), batch.rows)?);
        }
        let growing = self.growing_bytes();
        if growing > 0 && growing + batch.segment_bytes(&self.schema) > self.options.seal_threshold_bytes {
            // Sealing before the batch keeps growing segments within the threshold, so their
            // reserved buffers never reallocate. A failed seal is retried later (as below).
            self.seal_in_background(writer).unwrap_or_else(|e| self.log_seal_failure(&e));
        }
        let keys = batch_keys(&self.schema, &batch);
        if mode == WriteMode::Insert {
            self.check_new_keys(&keys)?;
        }
        let fill = (self.growing_bytes() + batch.segment_bytes(&self.schema)) as f64;
        self.pace_behind_seal(writer, fill / self.options.seal_threshold_bytes as f64);
        // The apply below looks the keys up (an insert's too, replacing nothing): after the log
        // write it cannot fail, so the sealed keys must read before it.
        self.read_state().pk.prepare()?;
        let record = Record::Write { timestamp: timestamp::next(), batch };
        writer.log(&record)?;
        let delete_count =
            apply(&self.schema, &mut self.write_state(), &record, &validated.norms, &mut writer.buffers);
        writer.last_timestamp = record.timestamp();
        if self.growing_bytes() >= self.options.seal_threshold_bytes {
            // The batch is durable and visible already; the segment files are written by a
            // background thread. A failed seal leaves the rows in the WAL and in memory, and the
            // next seal (or flush, which reports the error) retries. Compaction is left to flush
            // and compact, off the write path.
            self.seal_in_background(writer).unwrap_or_else(|e| self.log_seal_failure(&e));
        }
        Ok(MutationResult::written(keys, delete_count, mode == WriteMode::Upsert, record.timestamp()))
    }

    /// Deletes the live rows with the given primary keys, restricted to partition `partition`
    /// (`""` = the whole collection).
    ///
    /// # Errors
    /// Unknown partition; keys of the wrong type; I/O. Keys that match no live row are ignored.
    pub fn delete_by_pks(&self, partition: &str, keys: &PrimaryKeys) -> Result<MutationResult> {
        let int_keys = matches!(self.schema.pk_field().field_type, crate::schema::FieldType::Int64);
        if int_keys != matches!(keys, PrimaryKeys::Int(_)) {
            return Err(Error::SchemaMismatch(format!(
                "primary key `{}` is {}; the keys given are of another type",
                self.schema.pk_field().name,
                self.schema.pk_field().field_type.describe()
            )));
        }
        self.delete_where(partition, |state, scope| {
            state.pk.prepare()?;
            let mut seen = std::collections::HashSet::new();
            let hits: Vec<usize> = (0..keys.len())
                .filter(|&i| {
                    let in_scope = state
                        .pk
                        .get(keys, i, &state.segments)
                        .is_some_and(|loc| scope.is_none_or(|p| state.segments[&loc.segment].partition == p));
                    in_scope && seen.insert(keys.get(i))
                })
                .collect();
            Ok(select_keys(keys, &hits))
        })
    }

    /// Deletes the live rows matching filter expression `expr` in partition `partition` (`""` =
    /// the whole collection). `delete_count` is the number of rows deleted.
    ///
    /// # Errors
    /// Unknown partition; filter syntax, name or type errors; an empty expression (deleting
    /// everything must be explicit: use `drop_collection`); I/O.
    pub fn delete(&self, partition: &str, expr: &str) -> Result<MutationResult> {
        let filter = Filter::parse(expr, &self.schema)?;
        if filter.is_empty() {
            return Err(Error::InvalidArgument("delete needs a non-empty filter expression".into()));
        }
        if let Some(keys) = filter.primary_keys(&self.schema) {
            return self.delete_by_pks(partition, &keys);
        }
        self.delete_where(partition, |state, scope| self.matching_keys(state, scope, &filter))
    }

    /// Logs and applies the deletion of the keys `find` selects, atomically with respect to
    /// other writes.
    fn delete_where(
        &self,
        partition: &str,
        find: impl FnOnce(&State, Option<u64>) -> Result<PrimaryKeys>,
    ) -> Result<MutationResult> {
        super::partition_key::refuse_named(&self.schema, &[partition])?;
        let mut writer = self.writer();
        if let Some(reason) = &writer.poisoned {
            return Err(Error::Poisoned(reason.clone()));
        }
        let found = {
            let state = self.read_state();
            // The delete applied below looks its keys up.
            state.pk.prepare()?;
            let scope =
                if partition.is_empty() { None } else { Some(state.partition_id(partition, self.name())?) };
            find(&state, scope)?
        };
        let ts = timestamp::next();
        if found.is_empty() {
            return Ok(MutationResult::deleted(found, ts));
        }
        let record = Record::Delete { timestamp: ts, keys: found };
        writer.log(&record)?;
        apply(&self.schema, &mut self.write_state(), &record, &[], &mut writer.buffers);
        writer.last_timestamp = ts;
        let Record::Delete { keys, .. } = record else { unreachable!("built above as a delete") };
        Ok(MutationResult::deleted(keys, ts))
    }

    /// Rejects keys that already have a live row.
    fn check_new_keys(&self, keys: &PrimaryKeys) -> Result<()> {
        let state = self.read_state();
        state.pk.prepare()?;
        match (0..keys.len()).find(|&i| state.pk.get(keys, i, &state.segments).is_some()) {
            Some(i) => Err(Error::DuplicatePrimaryKey(format!(
                "primary key `{}` value {} (row {i}) already exists in collection `{}`; use upsert to replace it",
                self.schema.pk_field().name,
                keys.get(i),
                self.name()
            ))),
            None => Ok(()),
        }
    }

    /// Bytes held by growing segments.
    fn growing_bytes(&self) -> usize {
        let state = self.read_state();
        state
            .growing
            .values()
            .filter_map(|id| match &state.segments.get(id)?.data {
                SegmentData::Growing(g) => Some(g.byte_size()),
                SegmentData::Sealed(_) => None,
            })
            .sum()
    }
}

impl super::Writer {
    /// Appends `record` to the WAL; a failure poisons the collection.
    fn log(&mut self, record: &Record) -> Result<()> {
        let parts = record.encode_parts(&mut self.scratch);
        let result = self.wal.append(&parts);
        if let Err(e) = &result
            && !matches!(e, Error::InvalidArgument(_))
        {
            self.poisoned = Some(e.to_string());
        }
        result
    }
}

fn select_keys(keys: &PrimaryKeys, rows: &[usize]) -> PrimaryKeys {
    match keys {
        PrimaryKeys::Int(k) => PrimaryKeys::Int(rows.iter().map(|&i| k[i]).collect()),
        PrimaryKeys::Str(k) => PrimaryKeys::Str(rows.iter().map(|&i| k[i].clone()).collect()),
    }
}

/// Applies a logged record to the in-memory state; returns the number of live rows it deleted.
/// `norms` holds, per schema field, the row norms of a vector column when already computed
/// (missing or `None`: computed here). A growing segment it creates takes its columns from
/// `buffers`. Deterministic, so replaying the WAL rebuilds the same state.
pub(crate) fn apply(
    schema: &Schema,
    state: &mut State,
    record: &Record,
    norms: &[Option<Vec<f32>>],
    buffers: &mut GrowingBuffers,
) -> u64 {
    match record {
        Record::Write { timestamp, batch } => apply_write(schema, state, batch, *timestamp, norms, buffers),
        Record::Delete { keys, .. } => {
            let column = keys.to_column("");
            delete_keys(state, column.data().as_ref())
        }
    }
}

/// Deletes the live rows of every key in `keys` (a key column).
fn delete_keys(state: &mut State, keys: ColumnRef<'_>) -> u64 {
    (0..keys.len()).map(|row| u64::from(state.pk.delete(keys, row, &mut state.segments))).sum()
}

fn apply_write(
    schema: &Schema,
    state: &mut State,
    batch: &WriteBatch,
    ts: u64,
    known_norms: &[Option<Vec<f32>>],
    buffers: &mut GrowingBuffers,
) -> u64 {
    if batch.partition == super::partition_key::ROUTED {
        // One record, applied group by group under the same state lock: atomic as a whole.
        let groups = super::partition_key::split(schema, state, batch, known_norms);
        return groups.iter().map(|(part, norms)| apply_write(schema, state, part, ts, norms, buffers)).sum();
    }
    let keys = ColumnData::as_ref(&batch.columns[schema.pk_index()]);
    let segment_id = match state.growing.get(&batch.partition) {
        Some(&id) => id,
        None => {
            let id = state.next_segment_id;
            state.next_segment_id += 1;
            let columns = buffers.take(schema, batch.segment_bytes(schema));
            state.segments.insert(id, Segment::growing(id, batch.partition, columns));
            state.growing.insert(batch.partition, id);
            id
        }
    };
    let Some(segment) = state.segments.get_mut(&segment_id) else {
        return 0;
    };
    let base = segment.rows();
    if let SegmentData::Growing(g) = &mut segment.data {
        // Appends go to active growing segments, which only the state holds.
        let g = std::sync::Arc::make_mut(g);
        g.timestamps.resize(base + batch.rows, ts);
        for (f, column) in batch.columns.iter().enumerate() {
            let view = ColumnData::as_ref(column);
            if let ColumnData::FloatVector { data, .. } = &mut g.columns[f] {
                reserve_huge(data, view.byte_size() / 4);
                prefault_ahead(data, view.byte_size() / 4);
            }
            g.columns[f].extend_from(view);
            if let (Some(dst), Some(src)) = (&mut g.validity[f], &batch.validity[f]) {
                dst.extend_from_slice(src);
            }
            if let Some(norms) = &mut g.norms[f] {
                match (known_norms.get(f).and_then(Option::as_ref), view) {
                    (Some(known), _) => norms.extend_from_slice(known),
                    (None, ColumnRef::FloatVector { .. }) => {
                        norms.extend((0..batch.rows).map(|r| crate::simd::norm(view.vector_at(r))))
                    }
                    (None, ColumnRef::PackedVector { kind, .. }) => {
                        norms.extend((0..batch.rows).map(|r| kind.row_norm(view.packed_at(r))))
                    }
                    (None, _) => {}
                }
            }
        }
    }
    segment.deleted.resize(base + batch.rows);
    // Keys are unique within a batch, so every replaced row is an older one.
    state.pk.replace_all(keys, segment_id, base, &mut state.segments)
}

/// Bytes of a growing vector buffer faulted in ahead of the rows being appended.
const PREFAULT_CHUNK: usize = 8 << 20;

/// Before `additional` floats are appended to `data`: when the append crosses the middle of a
/// [`PREFAULT_CHUNK`] of the buffer, the next chunk of reserved capacity is faulted in on a
/// background thread, so later appends find their pages ready instead of zeroing them on the
/// writer's path. Buffers that stay below half a chunk are never prefaulted (small collections
/// keep their memory small).
fn prefault_ahead(data: &Vec<f32>, additional: usize) {
    let (len, cap) = (data.len() * 4, data.capacity() * 4);
    let half = PREFAULT_CHUNK / 2;
    let end = len + additional * 4;
    if (len + half) / PREFAULT_CHUNK == (end + half) / PREFAULT_CHUNK {
        return;
    }
    let next = (end + half) / PREFAULT_CHUNK * PREFAULT_CHUNK;
    if next < cap {
        let start = data.as_ptr() as usize + next;
        crate::storage::mmap::populate_in_background(start, PREFAULT_CHUNK.min(cap - next));
    }
}

/// Makes room for `additional` more floats in a growing segment's vector column. When the
/// buffer must grow it doubles into a fresh allocation advised for huge pages before it is
/// touched, so filling it costs one page fault per 2 MiB instead of one per 4 KiB.
fn reserve_huge(data: &mut Vec<f32>, additional: usize) {
    if data.capacity() - data.len() >= additional {
        return;
    }
    let capacity = (data.len() + additional).max(data.capacity() * 2);
    let mut grown: Vec<f32> = Vec::with_capacity(capacity);
    crate::storage::mmap::advise_huge_pages(grown.spare_capacity_mut());
    grown.extend_from_slice(data);
    *data = grown;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_across_prefaulted_chunks_keep_every_value() {
        let chunk_floats = PREFAULT_CHUNK / 4;
        let mut data: Vec<f32> = Vec::with_capacity(chunk_floats * 4);
        let batch: Vec<f32> = (0..chunk_floats / 3).map(|i| i as f32).collect();
        while data.len() + batch.len() <= data.capacity() {
            prefault_ahead(&data, batch.len());
            data.extend_from_slice(&batch);
        }
        // Give the background faults time to land on pages that are already written.
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(data.len() > chunk_floats * 3);
        for (i, &x) in data.iter().enumerate() {
            assert_eq!(x, (i % batch.len()) as f32, "float {i}");
        }
    }
}
