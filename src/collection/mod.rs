//! A collection: its schema, partitions, segments, primary-key index and write-ahead log.
//!
//! Concurrency: `Collection` is `Send + Sync`. Writes, flushes and compactions of one collection
//! are serialized by the writer lock (which owns the WAL); readers take the state lock shared and
//! writers take it exclusively only to apply an already-logged batch, so a reader sees a batch
//! either entirely or not at all. Lock order: writer → state → catalog.

mod dynamic;
mod indexing;
mod maintenance;
mod pk_index;
mod read;
pub mod record;
mod validate;
mod write;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::catalog::{Catalog, CollectionMeta, PartitionMeta};
use crate::db::Options;
use crate::error::{Error, ObjectKind, Result};
use crate::index::file::SegmentIndex;
use crate::schema::{DEFAULT_PARTITION, FieldType, Schema};
use crate::segment::deletes::read_deletes;
use crate::segment::sealed::SealedSegment;
use crate::segment::{GrowingBuffers, Segment};
use crate::storage::wal::Wal;
use crate::timestamp;
pub use indexing::IndexInfo;
pub use maintenance::CompactionStats;
pub use pk_index::{PkIndex, RowLoc};
pub use read::OutputFields;
use record::Record;
pub use validate::WriteMode;

/// Path of WAL generation `generation` of a collection.
fn wal_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("wal-{generation}.log"))
}

/// WAL generations present in `dir` at or above `oldest`, ascending.
fn wal_generations(dir: &Path, oldest: u64) -> Result<Vec<u64>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut found: Vec<u64> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_prefix("wal-")?.strip_suffix(".log")?.parse().ok()
        })
        .filter(|&g| g >= oldest)
        .collect();
    found.sort_unstable();
    Ok(found)
}

/// An open collection. Safe to use from multiple threads simultaneously.
#[derive(Debug)]
pub struct Collection {
    id: u64,
    dir: PathBuf,
    pub(crate) schema: Arc<Schema>,
    catalog: Arc<Catalog>,
    pub(crate) options: Arc<Options>,
    writer: Mutex<Writer>,
    state: RwLock<State>,
    /// Serializes index builds (foreground and background).
    index_build: Mutex<()>,
    /// Index files built since open.
    index_builds: std::sync::atomic::AtomicU64,
    /// The background index build started after an automatic seal, if any.
    background: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Cancelled when the collection shuts down; background work checks it.
    shutdown: crate::context::Context,
    /// This collection, for background threads.
    this: std::sync::Weak<Collection>,
}

/// What only writers touch.
#[derive(Debug)]
struct Writer {
    wal: Wal,
    /// Timestamp of the last record applied (the checkpoint a seal records).
    last_timestamp: u64,
    /// Set after a failed WAL write or fsync: the collection then refuses writes.
    poisoned: Option<String>,
    /// Reused buffer for encoding records.
    scratch: Vec<u8>,
    /// Columns for new growing segments.
    buffers: GrowingBuffers,
    /// Generation of `wal`.
    wal_generation: u64,
    /// A seal whose segment files a background thread is writing.
    pending_seal: Option<maintenance::PendingSeal>,
}

/// What readers see: partitions, segments and the primary-key index.
#[derive(Debug)]
pub(crate) struct State {
    pub partitions: Vec<PartitionMeta>,
    pub segments: BTreeMap<u64, Segment>,
    /// Growing segment of each partition that has one.
    pub growing: HashMap<u64, u64>,
    /// Growing segments frozen for sealing (no longer appended to) and not yet committed.
    pub frozen: Vec<u64>,
    pub pk: PkIndex,
    /// Vector indexes defined on the collection.
    pub indexes: Vec<crate::catalog::IndexMeta>,
    pub next_segment_id: u64,
}

impl State {
    /// Ids of the partitions named (all when `names` is empty). `""` names `_default`.
    pub fn partition_ids(&self, names: &[&str], collection: &str) -> Result<Vec<u64>> {
        if names.is_empty() {
            return Ok(self.partitions.iter().map(|p| p.id).collect());
        }
        names.iter().map(|n| self.partition_id(n, collection)).collect()
    }

    /// Id of partition `name` (`""` = `_default`).
    pub fn partition_id(&self, name: &str, collection: &str) -> Result<u64> {
        let name = if name.is_empty() { DEFAULT_PARTITION } else { name };
        self.partitions
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id)
            .ok_or_else(|| Error::not_found_in(ObjectKind::Partition, name, collection))
    }
}

impl Collection {
    /// Opens the collection described by `meta` inside `db_dir`: maps its sealed segments, reads
    /// their deletes, rebuilds the primary-key index and replays its WAL.
    ///
    /// # Errors
    /// [`Error::Corrupted`], [`Error::UnsupportedFormat`] or [`Error::Io`] for damaged files.
    pub(crate) fn open(
        db_dir: &Path,
        meta: &CollectionMeta,
        catalog: Arc<Catalog>,
        options: Arc<Options>,
    ) -> Result<Arc<Collection>> {
        let dir = collection_dir(db_dir, meta.id);
        crate::storage::fs::create_dir_all(&dir)?;
        let schema = Arc::new(meta.schema.clone());
        let int_keys = schema.pk_field().field_type == FieldType::Int64;
        let mut state = State {
            partitions: meta.partitions.clone(),
            segments: BTreeMap::new(),
            growing: HashMap::new(),
            frozen: Vec::new(),
            pk: PkIndex::new(int_keys),
            indexes: meta.indexes.clone(),
            next_segment_id: meta.next_segment_id,
        };
        state.pk.reserve(meta.segments.iter().map(|s| s.rows as usize).sum());
        for sm in &meta.segments {
            let path = segment_path(&dir, sm.id);
            let (sealed, identity) = SealedSegment::open(&path, &schema)?;
            if identity.id != sm.id || identity.partition != sm.partition || sealed.rows() as u64 != sm.rows {
                return Err(Error::corrupted(&path, "segment footer does not match the manifest"));
            }
            let rows = sealed.rows();
            let mut segment = Segment::sealed(sm.id, sm.partition, sealed);
            if sm.deletes_generation > 0 {
                segment.deleted =
                    read_deletes(&deletes_path(&dir, sm.id, sm.deletes_generation), sm.id, rows)?;
                segment.deletes_generation = sm.deletes_generation;
            }
            for &field in &sm.indexed_fields {
                let path = index_path(&dir, sm.id, field as usize);
                let index = SegmentIndex::open(&path)?;
                let defined = schema
                    .fields
                    .get(field as usize)
                    .and_then(|f| meta.indexes.iter().find(|i| i.field == f.name));
                if !defined.is_some_and(|i| i.params == index.params() && i.metric == index.metric()) {
                    return Err(Error::corrupted(
                        &path,
                        "index file does not match the index the manifest defines",
                    ));
                }
                segment.indexes.insert(field as usize, Arc::new(index));
            }
            let live = segment.live_bitset();
            state.pk.insert_rows(segment.column(schema.pk_index())?, sm.id, live.iter_ones());
            state.segments.insert(sm.id, segment);
        }
        let generations = wal_generations(&dir, meta.wal_generation)?;
        remove_stray_files(&dir, meta, &generations)?;
        // Replay every generation from the oldest unsealed one; the newest stays open for appends.
        let mut last_timestamp = meta.checkpoint_timestamp;
        let mut buffers = GrowingBuffers::new(options.seal_threshold_bytes);
        let mut current: Option<(Wal, u64)> = None;
        for (i, &generation) in generations.iter().enumerate() {
            let path = wal_path(&dir, generation);
            let (wal, payloads) = Wal::open(&path, options.sync, 0)?;
            if let Some((previous, _)) = &current
                && wal.chain() != 0
                && wal.chain() != previous.last_crc()
            {
                // The previous generation lost its tail in a crash: what was logged after it
                // must not be replayed either.
                for &later in &generations[i..] {
                    crate::storage::fs::remove_file_if_exists(&wal_path(&dir, later))?;
                }
                break;
            }
            for payload in payloads {
                let record = Record::decode(&payload, &path)?;
                timestamp::observe(record.timestamp());
                if record.timestamp() > meta.checkpoint_timestamp {
                    last_timestamp = record.timestamp();
                    write::apply(&schema, &mut state, &record, &[], &mut buffers);
                }
            }
            current = Some((wal, generation));
        }
        let (wal, wal_generation) = match current {
            Some(open) => open,
            None => {
                (Wal::open(&wal_path(&dir, meta.wal_generation), options.sync, 0)?.0, meta.wal_generation)
            }
        };
        Ok(Arc::new_cyclic(|this| Collection {
            id: meta.id,
            dir,
            schema,
            catalog,
            options,
            writer: Mutex::new(Writer {
                wal,
                last_timestamp,
                poisoned: None,
                scratch: Vec::new(),
                buffers,
                wal_generation,
                pending_seal: None,
            }),
            state: RwLock::new(state),
            index_build: Mutex::new(()),
            index_builds: std::sync::atomic::AtomicU64::new(0),
            background: Mutex::new(None),
            shutdown: crate::context::Context::background(),
            this: this.clone(),
        }))
    }

    /// The collection's schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The collection's name.
    pub fn name(&self) -> &str {
        &self.schema.name
    }

    /// Persistent id of the collection.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Directory holding the collection's files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn writer(&self) -> MutexGuard<'_, Writer> {
        // Writer state is only changed after the operation that could panic has succeeded, so a
        // poisoned lock still guards consistent data; poisoning of the WAL itself is tracked
        // explicitly in `Writer::poisoned`.
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn read_state(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write_state(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts building missing index files in the background (after an automatic seal), unless
    /// a background build is already running. The thread stops at [`Collection::shutdown`].
    pub(crate) fn spawn_background_index_build(&self) {
        if !self.read_state().indexes.iter().any(|i| i.params.has_data()) {
            return;
        }
        let mut slot = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        if let Some(done) = slot.take() {
            let _ = done.join();
        }
        let (this, ctx) = (self.this.clone(), self.shutdown.clone());
        *slot = Some(std::thread::spawn(move || {
            // Failures leave segments unindexed (searched exactly); the next flush retries and
            // reports them.
            while let Some(c) = this.upgrade() {
                if !matches!(c.build_missing_indexes(&ctx), Ok(n) if n > 0) {
                    break;
                }
            }
        }));
    }

    /// Finishes a background seal, stops other background work and waits for it. Later
    /// foreground calls still work.
    pub(crate) fn shutdown(&self) {
        // A seal that cannot be committed leaves its rows in the WAL, replayed at the next open.
        let _ = self.finish_pending_seal(&mut self.writer());
        self.shutdown.cancel();
        let handle = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    /// Applies `change` to this collection's entry of the manifest and persists it (see
    /// [`Catalog::update`]).
    ///
    /// # Errors
    /// Whatever `change` returns; [`Error::NotFound`] if the collection was dropped; I/O.
    pub(crate) fn update_meta<T>(&self, change: impl FnOnce(&mut CollectionMeta) -> Result<T>) -> Result<T> {
        self.catalog.update(|m| {
            let meta = m
                .collection_mut(self.id)
                .ok_or_else(|| Error::not_found(ObjectKind::Collection, self.name()))?;
            change(meta)
        })
    }

    /// Makes every acknowledged write durable regardless of the sync policy.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn sync_wal(&self) -> Result<()> {
        self.writer().wal.sync()
    }

    /// Fsyncs the WAL if it holds writes older than `every` (the interval sync policy's timer).
    ///
    /// # Errors
    /// [`Error::Io`]; the collection is then poisoned.
    pub(crate) fn sync_wal_if_due(&self, every: std::time::Duration) -> Result<()> {
        let mut writer = self.writer();
        let result = writer.wal.sync_if_due(every);
        if let Err(e) = &result {
            writer.poisoned = Some(e.to_string());
        }
        result
    }

    /// Bytes written to the WAL and not yet fsynced (diagnostics).
    pub fn unsynced_wal_bytes(&self) -> u64 {
        self.writer().wal.unsynced_bytes()
    }
}

/// Directory of collection `id`.
pub(crate) fn collection_dir(db_dir: &Path, id: u64) -> PathBuf {
    db_dir.join("collections").join(id.to_string())
}

fn segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("s{id}.seg"))
}

fn deletes_path(dir: &Path, id: u64, generation: u64) -> PathBuf {
    dir.join(format!("s{id}-{generation}.del"))
}

fn index_path(dir: &Path, id: u64, field: usize) -> PathBuf {
    dir.join(format!("s{id}-f{field}.idx"))
}

/// Removes the files of a segment that is no longer listed: data, deletes and index files.
fn remove_segment_files(dir: &Path, segment: &crate::catalog::SegmentMeta) -> Result<()> {
    crate::storage::fs::remove_file_if_exists(&segment_path(dir, segment.id))?;
    if segment.deletes_generation > 0 {
        crate::storage::fs::remove_file_if_exists(&deletes_path(
            dir,
            segment.id,
            segment.deletes_generation,
        ))?;
    }
    segment.indexed_fields.iter().try_for_each(|&f| {
        crate::storage::fs::remove_file_if_exists(&index_path(dir, segment.id, f as usize))
    })
}

/// Removes files a crash may have left behind: temp files, segments the manifest does not list
/// and deletes files of older generations; keeps the WAL generations `wal_generations`.
fn remove_stray_files(dir: &Path, meta: &CollectionMeta, wal_generations: &[u64]) -> Result<()> {
    let mut keep: Vec<PathBuf> = wal_generations.iter().map(|&g| wal_path(dir, g)).collect();
    for s in &meta.segments {
        keep.push(segment_path(dir, s.id));
        if s.deletes_generation > 0 {
            keep.push(deletes_path(dir, s.id, s.deletes_generation));
        }
        keep.extend(s.indexed_fields.iter().map(|&f| index_path(dir, s.id, f as usize)));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() && !keep.contains(&path) {
            crate::storage::fs::remove_file_if_exists(&path)?;
        }
    }
    Ok(())
}
