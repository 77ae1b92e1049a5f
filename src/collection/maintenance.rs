//! Sealing (flush), compaction and partition changes: everything that rewrites files and the
//! manifest. Freezing and committing a seal, compaction and partition changes run under the
//! writer lock; only the segment files of an automatic seal are written on a background thread,
//! from frozen rows nobody appends to.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use super::files::{deletes_path, remove_segment_files, segment_path, wal_generations, wal_path};
use super::{Collection, Writer};
use crate::catalog::{PartitionMeta, SegmentMeta};
use crate::context::Context;
use crate::error::{Error, ObjectKind, Result};
use crate::params::SyncPolicy;
use crate::schema::{DEFAULT_PARTITION, validate_name};
use crate::segment::deletes::write_deletes;
use crate::segment::sealed::SealedSegment;
use crate::segment::writer::{write_segment, write_segment_reporting};
use crate::segment::{Segment, SegmentColumns, SegmentData};
use crate::storage::wal::Wal;

/// Most partitions a collection may have (as in Milvus).
pub const MAX_PARTITIONS: usize = 1024;

/// Growing segments taken out of service for sealing, and the WAL position they cover.
#[derive(Debug)]
pub(super) struct Frozen {
    /// Segment id, partition and rows of each frozen segment.
    segments: Vec<(u64, u64, Arc<SegmentColumns>)>,
    /// Timestamp of the last record in the WAL generations before `next_wal_generation`.
    checkpoint: u64,
    /// The WAL generation started at the freeze.
    next_wal_generation: u64,
    /// When the seal began.
    started: Instant,
}

/// A seal whose files a background thread is writing.
#[derive(Debug)]
pub(crate) struct PendingSeal {
    frozen: Frozen,
    job: std::thread::JoinHandle<Result<Vec<(u64, u64, SealedSegment)>>>,
    progress: Arc<SealProgress>,
}

/// How far a background seal has written its files, for pacing the writer behind it.
#[derive(Debug)]
pub(crate) struct SealProgress {
    /// Bytes of the files to write (the frozen rows' size, an estimate of the files' size).
    total: u64,
    /// Bytes written so far, and whether the job has ended (successfully or not).
    state: Mutex<(u64, bool)>,
    changed: Condvar,
}

/// Share of a seal's work that writing its bytes stands for; the rest (the final fsync, mapping
/// the file) is counted done when the job ends.
const WRITE_SHARE: f64 = 0.95;

impl SealProgress {
    fn new(total: u64) -> Self {
        SealProgress { total: total.max(1), state: Mutex::new((0, false)), changed: Condvar::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, bool)> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records `bytes` more written.
    fn advance(&self, bytes: u64) {
        self.lock().0 += bytes;
        self.changed.notify_all();
    }

    /// Records the end of the job.
    fn end(&self) {
        self.lock().1 = true;
        self.changed.notify_all();
    }

    fn fraction(state: &(u64, bool), total: u64) -> f64 {
        if state.1 { 1.0 } else { WRITE_SHARE * (state.0 as f64 / total as f64).min(1.0) }
    }

    /// Blocks until the job has done at least `share` (0..=1) of its work or has ended.
    fn wait_for(&self, share: f64) {
        let mut state = self.lock();
        while SealProgress::fraction(&state, self.total) < share {
            state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// Ends a [`SealProgress`] when dropped, so a job that fails or panics never leaves the writer
/// waiting.
struct EndOnDrop(Arc<SealProgress>);

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// Writes and maps the segment files of frozen segments (no locks needed: the rows are frozen),
/// reporting the bytes written to `progress`.
fn write_frozen(
    dir: &std::path::Path,
    schema: &crate::schema::Schema,
    segments: &[(u64, u64, Arc<SegmentColumns>)],
    ctx: &Context,
    paced: bool,
    progress: &SealProgress,
) -> Result<Vec<(u64, u64, SealedSegment)>> {
    let mut files = Vec::with_capacity(segments.len());
    for (id, partition, rows) in segments {
        ctx.check()?;
        let path = segment_path(dir, *id);
        let reported = std::cell::Cell::new(0u64);
        let report = |pos: u64| {
            progress.advance(pos.saturating_sub(reported.replace(pos)));
        };
        write_segment_reporting(&path, *id, *partition, rows, schema.pk_index(), paced, &report)?;
        log::debug!("wrote segment file {} ({} rows)", path.display(), rows.rows());
        files.push((*id, *partition, SealedSegment::open(&path, schema)?.0));
    }
    Ok(files)
}

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
    /// due and builds the index files of new segments; after it returns, every write so far is in
    /// sealed segments and older WAL generations are gone. Not needed for visibility.
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

    /// Seals every growing segment now: finishes a background seal first, then freezes, writes
    /// and commits on the caller's thread.
    pub(super) fn seal_locked(&self, writer: &mut Writer, ctx: &Context) -> Result<()> {
        self.finish_pending_seal(writer)?;
        let Some(frozen) = self.freeze_locked(writer)? else { return Ok(()) };
        let progress = SealProgress::new(0);
        let files = write_frozen(&self.dir, &self.schema, &frozen.segments, ctx, false, &progress)?;
        self.commit_locked(writer, frozen, files)
    }

    /// Freezes the growing segments and hands their files to a background thread, so the writer
    /// does not wait for them; a seal still in flight is finished first (which bounds memory).
    /// The frozen segments stay searchable until the commit swaps in the mapped files.
    pub(super) fn seal_in_background(&self, writer: &mut Writer) -> Result<()> {
        self.finish_pending_seal(writer)?;
        let Some(frozen) = self.freeze_locked(writer)? else { return Ok(()) };
        let (dir, schema, ctx) = (self.dir.clone(), Arc::clone(&self.schema), self.shutdown.clone());
        let rows = frozen.segments.clone();
        let total = rows.iter().map(|(_, _, r)| r.byte_size() as u64).sum();
        let progress = Arc::new(SealProgress::new(total));
        let ended = EndOnDrop(Arc::clone(&progress));
        // Paced under every policy: the WAL commits of the writes meanwhile do not queue behind
        // the file, and the progress the writer is paced by is the disk's, so no fsync of a
        // whole file's dirty pages is left for the end.
        let job = std::thread::spawn(move || write_frozen(&dir, &schema, &rows, &ctx, true, &ended.0));
        writer.pending_seal = Some(PendingSeal { frozen, job, progress });
        Ok(())
    }

    /// Paces the writer behind a background seal: before a batch brings the growing segments to
    /// `fill` (a share of the seal threshold), waits until the seal in flight has done as large
    /// a share of its work. The writer then goes at the pace the disk takes the previous
    /// segment, a little wait in each batch, instead of running ahead and waiting for the
    /// whole remaining file (hundreds of milliseconds) at the next seal.
    pub(super) fn pace_behind_seal(&self, writer: &Writer, fill: f64) {
        if let Some(pending) = &writer.pending_seal {
            pending.progress.wait_for(fill.min(1.0));
        }
    }

    /// Commits a background seal if its files are written.
    pub(super) fn poll_pending_seal(&self, writer: &mut Writer) -> Result<()> {
        if writer.pending_seal.as_ref().is_some_and(|p| p.job.is_finished()) {
            self.finish_pending_seal(writer)?;
        }
        Ok(())
    }

    /// Waits for a background seal, if any, and commits it.
    pub(super) fn finish_pending_seal(&self, writer: &mut Writer) -> Result<()> {
        let Some(pending) = writer.pending_seal.take() else { return Ok(()) };
        let files = pending.job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        self.commit_locked(writer, pending.frozen, files)?;
        self.spawn_background_index_build();
        Ok(())
    }

    /// Takes the growing segments out of `growing` (new rows start new segments) and moves the
    /// WAL to a new generation, so everything logged so far is in the frozen segments or already
    /// sealed. `None` when there is nothing to seal or persist.
    fn freeze_locked(&self, writer: &mut Writer) -> Result<Option<Frozen>> {
        if let Some(reason) = &writer.poisoned {
            return Err(Error::Poisoned(reason.clone()));
        }
        let segments: Vec<(u64, u64, Arc<SegmentColumns>)> = {
            let mut state = self.write_state();
            let dirty = state.segments.values().any(|s| s.deletes_dirty);
            if state.growing.is_empty() && state.frozen.is_empty() && !dirty && writer.wal.record_bytes() == 0
            {
                return Ok(None);
            }
            // Segments frozen by a seal that failed are sealed again with these.
            let newly: Vec<u64> = state.growing.drain().map(|(_, id)| id).collect();
            state.frozen.extend(newly);
            let frozen = state.frozen.clone();
            frozen
                .iter()
                .filter_map(|id| {
                    let segment = state.segments.get(id)?;
                    match &segment.data {
                        SegmentData::Growing(rows) => Some((*id, segment.partition, Arc::clone(rows))),
                        SegmentData::Sealed(_) => None,
                    }
                })
                .collect()
        };
        let next = writer.wal_generation + 1;
        // The old generation is fsynced first unless the policy never syncs: then the new
        // header's chain lets a reopen see that the old one lost its tail, and stop there.
        let synced = if self.options.sync == SyncPolicy::None { Ok(()) } else { writer.wal.sync() };
        let chain = writer.wal.last_crc();
        let rotated = synced.and_then(|()| Wal::open(&wal_path(&self.dir, next), self.options.sync, chain));
        match rotated {
            Ok((wal, _)) => {
                writer.wal = wal;
                writer.wal_generation = next;
            }
            Err(e) => {
                writer.poisoned = Some(e.to_string());
                return Err(e);
            }
        }
        let started = Instant::now();
        Ok(Some(Frozen { segments, checkpoint: writer.last_timestamp, next_wal_generation: next, started }))
    }

    /// Makes frozen segments durable: writes changed deletes, records the segment files, the WAL
    /// checkpoint and generation in the manifest, swaps the mapped files in and removes the WAL
    /// generations the checkpoint covers (in the background); the frozen columns nobody reads
    /// any more go back to the writer's growing buffers. Runs under the writer lock.
    fn commit_locked(
        &self,
        writer: &mut Writer,
        frozen: Frozen,
        files: Vec<(u64, u64, SealedSegment)>,
    ) -> Result<()> {
        let frozen_ids: Vec<u64> = frozen.segments.iter().map(|(id, _, _)| *id).collect();
        let (rows, bytes) = files.iter().fold((0, 0), |(r, b), (_, _, f)| (r + f.rows(), b + f.file_len()));
        // The deletes files written below hold the deletes of every record applied so far, those
        // logged after the freeze included. They become durable only once those records are: else
        // a crash could keep an upsert's delete of the old row and lose its new row.
        let mut deletes = Vec::new();
        {
            let state = self.read_state();
            let changed: Vec<&Segment> = state
                .segments
                .values()
                .filter(|s| s.deletes_dirty || (frozen_ids.contains(&s.id) && s.deleted.count_ones() > 0))
                .collect();
            // Without deletes files to write (a load of new keys) there is nothing to order
            // behind the log, and the writer does not wait for an fsync its policy skips.
            if !changed.is_empty() && writer.wal.unsynced_bytes() > 0 {
                writer.wal.sync()?;
            }
            for segment in changed {
                let generation = segment.deletes_generation + 1;
                write_deletes(
                    &deletes_path(&self.dir, segment.id, generation),
                    segment.id,
                    &segment.deleted,
                )?;
                deletes.push((segment.id, generation));
            }
        }
        let checkpoint = frozen.checkpoint;
        let next_segment_id = self.read_state().next_segment_id;
        let old_generations = self.catalog.update(|m| {
            m.last_timestamp = m.last_timestamp.max(checkpoint);
            let meta = m
                .collection_mut(self.id)
                .ok_or_else(|| Error::not_found(ObjectKind::Collection, self.name()))?;
            for (id, partition, file) in &files {
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
            meta.wal_generation = frozen.next_wal_generation;
            meta.next_segment_id = next_segment_id;
            Ok(old)
        })?;
        {
            let mut state = self.write_state();
            state.frozen.retain(|id| !frozen_ids.contains(id));
            for (id, _, file) in files {
                let file = Arc::new(file);
                if let Some(segment) = state.segments.get_mut(&id) {
                    segment.data = SegmentData::Sealed(file.clone());
                    state.pk.add_sealed(id, file);
                }
            }
            for (id, generation) in &deletes {
                if let Some(segment) = state.segments.get_mut(id) {
                    segment.deletes_generation = *generation;
                    segment.deletes_dirty = false;
                }
            }
        }
        // Generations the manifest no longer points to are never read again (a reopen ignores
        // and removes them), so they are removed off the writer's path.
        let obsolete: Vec<_> = wal_generations(&self.dir, 0)?
            .into_iter()
            .filter(|&g| g < frozen.next_wal_generation)
            .map(|g| wal_path(&self.dir, g))
            .collect();
        if !obsolete.is_empty() {
            self.remove_wal_generations_in_background(obsolete);
        }
        for (id, generation) in old_generations.into_iter().filter(|(_, g)| *g > 0) {
            crate::storage::fs::remove_file_if_exists(&deletes_path(&self.dir, id, generation))?;
        }
        let level = if frozen_ids.is_empty() { log::Level::Debug } else { log::Level::Info };
        log::log!(
            level,
            "sealed collection `{}`: {} segments, {rows} rows, {bytes} bytes, {} deletes files in {} ms",
            self.name(),
            frozen_ids.len(),
            deletes.len(),
            frozen.started.elapsed().as_millis()
        );
        for (_, _, rows) in frozen.segments {
            if let Ok(columns) = Arc::try_unwrap(rows) {
                writer.buffers.recycle(columns);
            }
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
        let row_bytes = crate::segment::estimated_row_bytes(&self.schema);
        (self.options.seal_threshold_bytes / row_bytes / 2).max(1)
    }

    /// Rewrites, per partition, every small segment and every segment with deleted rows into as
    /// few segments as the seal threshold allows. Runs with an empty WAL (after a seal).
    fn compact_locked(&self, writer: &mut Writer, explicit: bool, ctx: &Context) -> Result<CompactionStats> {
        if let Some(reason) = &writer.poisoned {
            return Err(Error::Poisoned(reason.clone()));
        }
        let started = Instant::now();
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
                    write_segment(&path, id, partition, out, self.schema.pk_index(), false)?;
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
                state.pk.remove_segment(*id);
            }
            for (id, partition, file) in outputs {
                let segment = Segment::sealed(id, partition, file);
                if let Some(file) = segment.sealed_file() {
                    state.pk.add_sealed(id, file.clone());
                }
                state.segments.insert(id, segment);
            }
        }
        removed.iter().try_for_each(|s| remove_segment_files(&self.dir, s))?;
        log::info!(
            "compacted collection `{}`: {} segments into {}, {} deleted rows dropped, in {} ms",
            self.name(),
            stats.segments_in,
            stats.segments_out,
            stats.rows_dropped,
            started.elapsed().as_millis()
        );
        Ok(stats)
    }

    /// Creates partition `name`.
    ///
    /// # Errors
    /// Bad name; [`Error::AlreadyExists`]; more than [`MAX_PARTITIONS`]; I/O.
    pub fn create_partition(&self, name: &str) -> Result<()> {
        self.refuse_partition_change("create")?;
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
        self.refuse_partition_change("drop")?;
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

#[cfg(test)]
impl Collection {
    /// Starts a background seal as a write past the seal threshold does (for tests).
    pub(crate) fn start_background_seal(&self) -> Result<()> {
        self.seal_in_background(&mut self.writer())
    }

    /// Waits for the background seal and commits it as the next write or flush does (for tests).
    pub(crate) fn commit_background_seal(&self) -> Result<()> {
        self.finish_pending_seal(&mut self.writer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn seal_progress_counts_written_bytes_and_the_end() {
        let p = SealProgress::new(1000);
        assert_eq!(SealProgress::fraction(&p.lock(), p.total), 0.0);
        p.advance(500);
        assert!((SealProgress::fraction(&p.lock(), p.total) - WRITE_SHARE / 2.0).abs() < 1e-9);
        p.advance(5000);
        assert_eq!(SealProgress::fraction(&p.lock(), p.total), WRITE_SHARE, "writing is not the whole job");
        p.wait_for(WRITE_SHARE); // reached: returns at once
        p.end();
        assert_eq!(SealProgress::fraction(&p.lock(), p.total), 1.0);
    }

    #[test]
    fn a_writer_paced_behind_a_seal_resumes_when_the_job_ends() {
        let p = Arc::new(SealProgress::new(1000));
        let job = {
            let ended = EndOnDrop(Arc::clone(&p));
            // A job that fails half-way still releases the writer.
            std::thread::spawn(move || {
                ended.0.advance(400);
                Err::<(), _>(Error::InvalidArgument("failed".into()))
            })
        };
        p.wait_for(1.0);
        assert!(job.join().unwrap().is_err());
        assert!(p.lock().1, "the job ended");
    }
}
