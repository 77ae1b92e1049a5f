//! Sealing (flush), compaction and partition changes: everything that rewrites files and the
//! manifest. All of it runs under the writer lock, so the WAL is quiet while it works.

use std::collections::HashMap;

use super::{Collection, Writer, deletes_path, remove_segment_files, segment_path};
use crate::catalog::{PartitionMeta, SegmentMeta};
use crate::context::Context;
use crate::error::{Error, ObjectKind, Result};
use crate::schema::{DEFAULT_PARTITION, validate_name};
use crate::segment::deletes::write_deletes;
use crate::segment::sealed::SealedSegment;
use crate::segment::writer::write_segment;
use crate::segment::{Segment, SegmentColumns, SegmentData};

/// Most partitions a collection may have (as in Milvus).
pub const MAX_PARTITIONS: usize = 1024;

/// Counts of a compaction run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompactionStats {
    /// Segments rewritten.
    pub segments_in: usize,
    /// Segments written.
    pub segments_out: usize,
    /// Deleted rows dropped.
    pub rows_dropped: u64,
}

impl Collection {
    /// Seals every growing segment into a segment file, persists changed deletes, compacts when
    /// due and builds the index files of new segments; after it returns, the WAL is empty. Not
    /// needed for visibility.
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Poisoned`].
    pub fn flush(&self) -> Result<()> {
        self.flush_with(&Context::background())
    }

    /// [`Collection::flush`] that stops between segment files when `ctx` is cancelled or expires
    /// (files already written are not referenced and are removed later).
    ///
    /// # Errors
    /// As [`Collection::flush`]; [`Error::Cancelled`]; [`Error::DeadlineExceeded`].
    pub fn flush_with(&self, ctx: &Context) -> Result<()> {
        ctx.check()?;
        {
            let mut writer = self.writer();
            self.seal_locked(&mut writer, ctx)?;
            self.maybe_compact_locked(&mut writer, ctx)?;
        }
        self.build_missing_indexes(ctx).map(|_| ())
    }

    /// Flushes, then merges small segments and rewrites segments holding deleted rows.
    ///
    /// # Errors
    /// As [`Collection::flush`].
    pub fn compact(&self) -> Result<CompactionStats> {
        self.compact_with(&Context::background())
    }

    /// [`Collection::compact`] that stops between segment files when `ctx` is cancelled or
    /// expires.
    ///
    /// # Errors
    /// As [`Collection::compact`]; [`Error::Cancelled`]; [`Error::DeadlineExceeded`].
    pub fn compact_with(&self, ctx: &Context) -> Result<CompactionStats> {
        ctx.check()?;
        let stats = {
            let mut writer = self.writer();
            self.seal_locked(&mut writer, ctx)?;
            self.compact_locked(&mut writer, true, ctx)?
        };
        self.build_missing_indexes(ctx)?;
        Ok(stats)
    }

    pub(super) fn seal_locked(&self, writer: &mut Writer, ctx: &Context) -> Result<()> {
        if let Some(reason) = &writer.poisoned {
            return Err(Error::Poisoned(reason.clone()));
        }
        // 1. Write new files; the manifest does not name them yet, so a failure leaves no trace
        //    after the next open.
        let mut sealed = Vec::new();
        let mut deletes = Vec::new();
        {
            let state = self.read_state();
            for &id in state.growing.values() {
                let segment = &state.segments[&id];
                let SegmentData::Growing(rows) = &segment.data else {
                    continue;
                };
                ctx.check()?;
                let path = segment_path(&self.dir, id);
                write_segment(&path, id, segment.partition, rows)?;
                let (file, _) = SealedSegment::open(&path, &self.schema)?;
                sealed.push((id, segment.partition, file));
            }
            for segment in state
                .segments
                .values()
                .filter(|s| s.deletes_dirty || (s.is_growing() && s.deleted.count_ones() > 0))
            {
                let generation = segment.deletes_generation + 1;
                write_deletes(
                    &deletes_path(&self.dir, segment.id, generation),
                    segment.id,
                    &segment.deleted,
                )?;
                deletes.push((segment.id, generation));
            }
        }
        if sealed.is_empty() && deletes.is_empty() && writer.wal.record_bytes() == 0 {
            return Ok(());
        }
        // 2. Commit: the manifest names the new files and the WAL checkpoint.
        let checkpoint = writer.last_timestamp;
        let next_segment_id = self.read_state().next_segment_id;
        let old_generations = self.catalog.update(|m| {
            m.last_timestamp = m.last_timestamp.max(checkpoint);
            let meta = m
                .collection_mut(self.id)
                .ok_or_else(|| Error::not_found(ObjectKind::Collection, self.name()))?;
            for (id, partition, file) in &sealed {
                meta.segments.push(SegmentMeta::new(*id, *partition, file.rows() as u64));
            }
            let mut old = Vec::new();
            for (id, generation) in &deletes {
                if let Some(s) = meta.segments.iter_mut().find(|s| s.id == *id) {
                    old.push((*id, s.deletes_generation));
                    s.deletes_generation = *generation;
                }
            }
            meta.checkpoint_timestamp = checkpoint;
            meta.next_segment_id = next_segment_id;
            Ok(old)
        })?;
        // 3. Publish: growing segments become mapped files.
        {
            let mut state = self.write_state();
            for (id, _, file) in sealed {
                if let Some(segment) = state.segments.get_mut(&id) {
                    segment.data = SegmentData::Sealed(std::sync::Arc::new(file));
                }
            }
            for (id, generation) in &deletes {
                if let Some(segment) = state.segments.get_mut(id) {
                    segment.deletes_generation = *generation;
                    segment.deletes_dirty = false;
                }
            }
            state.growing.clear();
        }
        if let Err(e) = writer.wal.reset() {
            writer.poisoned = Some(e.to_string());
            return Err(e);
        }
        for (id, generation) in old_generations.into_iter().filter(|(_, g)| *g > 0) {
            crate::storage::fs::remove_file_if_exists(&deletes_path(&self.dir, id, generation))?;
        }
        Ok(())
    }

    /// Compacts when the automatic triggers fire: a segment with at least
    /// `compaction_deleted_ratio` of its rows deleted, or `compaction_small_segments` small
    /// segments in one partition.
    pub(super) fn maybe_compact_locked(
        &self,
        writer: &mut Writer,
        ctx: &Context,
    ) -> Result<Option<CompactionStats>> {
        let due = {
            let state = self.read_state();
            let small = self.small_segment_rows();
            let mut small_per_partition: HashMap<u64, usize> = HashMap::new();
            let mut due = false;
            for s in state.segments.values() {
                let deleted = s.deleted.count_ones();
                due |=
                    s.rows() > 0 && deleted as f64 >= self.options.compaction_deleted_ratio * s.rows() as f64;
                if s.rows() < small {
                    *small_per_partition.entry(s.partition).or_default() += 1;
                }
            }
            due || small_per_partition.values().any(|&n| n >= self.options.compaction_small_segments)
        };
        if due { self.compact_locked(writer, false, ctx).map(Some) } else { Ok(None) }
    }

    /// Row count under which a sealed segment counts as small: half of what fits the seal
    /// threshold.
    fn small_segment_rows(&self) -> usize {
        let row_bytes =
            self.schema.fields.iter().map(|f| f.dim().map_or(8, |d| d * 4 + 4)).sum::<usize>() + 8;
        (self.options.seal_threshold_bytes / row_bytes / 2).max(1)
    }

    /// Rewrites, per partition, every small segment and every segment with deleted rows into as
    /// few segments as the seal threshold allows. Runs with an empty WAL (after a seal).
    fn compact_locked(&self, writer: &mut Writer, explicit: bool, ctx: &Context) -> Result<CompactionStats> {
        if let Some(reason) = &writer.poisoned {
            return Err(Error::Poisoned(reason.clone()));
        }
        let small = self.small_segment_rows();
        let max_rows = small * 2;
        let mut stats = CompactionStats::default();
        let mut outputs: Vec<(u64, u64, SealedSegment)> = Vec::new();
        let mut inputs: Vec<u64> = Vec::new();
        {
            let state = self.read_state();
            let mut groups: HashMap<u64, Vec<&Segment>> = HashMap::new();
            for s in state.segments.values() {
                let deleted = s.deleted.count_ones();
                let worth = deleted > 0
                    && (explicit
                        || deleted as f64 >= self.options.compaction_deleted_ratio * s.rows() as f64);
                if worth || s.rows() < small {
                    groups.entry(s.partition).or_default().push(s);
                }
            }
            let mut next_id = state.next_segment_id;
            for (partition, group) in groups {
                let has_deletes = group.iter().any(|s| s.deleted.count_ones() > 0);
                if group.len() < 2 && !has_deletes {
                    continue;
                }
                let mut out = SegmentColumns::new(&self.schema);
                let mut flush_out = |out: &mut SegmentColumns| -> Result<()> {
                    if out.rows() == 0 {
                        return Ok(());
                    }
                    ctx.check()?;
                    let id = next_id;
                    next_id += 1;
                    let path = segment_path(&self.dir, id);
                    write_segment(&path, id, partition, out)?;
                    outputs.push((id, partition, SealedSegment::open(&path, &self.schema)?.0));
                    *out = SegmentColumns::new(&self.schema);
                    Ok(())
                };
                for s in group {
                    inputs.push(s.id);
                    stats.rows_dropped += s.deleted.count_ones() as u64;
                    let live: Vec<usize> = s.live_bitset().iter_ones().collect();
                    for chunk in live.chunks(max_rows) {
                        out.extend_from_rows(s, chunk)?;
                        if out.rows() >= max_rows {
                            flush_out(&mut out)?;
                        }
                    }
                }
                flush_out(&mut out)?;
            }
            drop(state);
            self.write_state().next_segment_id = next_id;
        }
        if inputs.is_empty() {
            return Ok(stats);
        }
        stats.segments_in = inputs.len();
        stats.segments_out = outputs.len();
        let next_segment_id = self.read_state().next_segment_id;
        let removed = self.update_meta(|meta| {
            let removed: Vec<SegmentMeta> =
                meta.segments.iter().filter(|s| inputs.contains(&s.id)).cloned().collect();
            meta.segments.retain(|s| !inputs.contains(&s.id));
            for (id, partition, file) in &outputs {
                meta.segments.push(SegmentMeta::new(*id, *partition, file.rows() as u64));
            }
            meta.next_segment_id = next_segment_id;
            Ok(removed)
        })?;
        {
            let mut state = self.write_state();
            for id in &inputs {
                state.segments.remove(id);
            }
            for (id, partition, file) in outputs {
                let segment = Segment::sealed(id, partition, file);
                let keys = segment.column(self.schema.pk_index())?;
                state.pk.insert_all(keys, id, 0);
                state.segments.insert(id, segment);
            }
        }
        removed.iter().try_for_each(|s| remove_segment_files(&self.dir, s))?;
        Ok(stats)
    }

    /// Creates partition `name`.
    ///
    /// # Errors
    /// Bad name; [`Error::AlreadyExists`]; more than [`MAX_PARTITIONS`]; I/O.
    pub fn create_partition(&self, name: &str) -> Result<()> {
        validate_name("partition", name)?;
        let _writer = self.writer();
        let mut state = self.write_state();
        if state.partitions.iter().any(|p| p.name == name) {
            return Err(Error::AlreadyExists { kind: ObjectKind::Partition, name: name.to_owned() });
        }
        if state.partitions.len() >= MAX_PARTITIONS {
            return Err(Error::InvalidArgument(format!(
                "collection `{}` already has the maximum of {MAX_PARTITIONS} partitions",
                self.name()
            )));
        }
        let partition = self.update_meta(|meta| {
            let p = PartitionMeta { id: meta.next_partition_id, name: name.to_owned() };
            meta.next_partition_id += 1;
            meta.partitions.push(p.clone());
            Ok(p)
        })?;
        state.partitions.push(partition);
        Ok(())
    }

    /// Drops partition `name` and all its rows. `_default` cannot be dropped.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::InvalidArgument`] for `_default`; I/O.
    pub fn drop_partition(&self, name: &str) -> Result<()> {
        if name == DEFAULT_PARTITION || name.is_empty() {
            return Err(Error::InvalidArgument("the default partition `_default` cannot be dropped".into()));
        }
        let mut writer = self.writer();
        let id = self.read_state().partition_id(name, self.name())?;
        // Seal first so the WAL holds nothing for the partition being dropped.
        self.seal_locked(&mut writer, &Context::background())?;
        let removed = self.update_meta(|meta| {
            meta.partitions.retain(|p| p.id != id);
            let removed: Vec<SegmentMeta> =
                meta.segments.iter().filter(|s| s.partition == id).cloned().collect();
            meta.segments.retain(|s| s.partition != id);
            Ok(removed)
        })?;
        {
            let mut state = self.write_state();
            state.partitions.retain(|p| p.id != id);
            for s in &removed {
                state.segments.remove(&s.id);
                state.pk.remove_segment(s.id);
            }
        }
        removed.iter().try_for_each(|s| remove_segment_files(&self.dir, s))?;
        Ok(())
    }

    /// Names of the partitions, `_default` first.
    pub fn list_partitions(&self) -> Vec<String> {
        self.read_state().partitions.iter().map(|p| p.name.clone()).collect()
    }

    /// Whether partition `name` exists.
    pub fn has_partition(&self, name: &str) -> bool {
        self.read_state().partition_id(name, self.name()).is_ok()
    }

    /// Number of segment files and growing segments, for diagnostics and tests.
    pub fn segment_counts(&self) -> (usize, usize) {
        let state = self.read_state();
        let growing = state.segments.values().filter(|s| s.is_growing()).count();
        (state.segments.len() - growing, growing)
    }
}
