//! A collection: its schema, partitions, segments, primary-key index and write-ahead log.
//!
//! Concurrency: `Collection` is `Send + Sync`. Writes, flushes and compactions of one collection
//! are serialized by the writer lock (which owns the WAL); readers take the state lock shared and
//! writers take it exclusively only to apply an already-logged batch, so a reader sees a batch
//! either entirely or not at all. Lock order: writer → state → catalog.

mod array_ops;
mod auto_id;
mod dynamic;
mod files;
mod hybrid;
mod index_props;
mod indexing;
mod iterate;
mod log_chain;
mod maintenance;
mod partial;
pub mod partition_key;
mod pk_index;
mod read;
pub mod record;
mod recovery;
mod search;
mod search_packed;
mod search_sparse;
mod stats;
mod ttl;
mod validate;
mod write;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::catalog::{Catalog, CollectionMeta, IndexMeta, PartitionMeta, SegmentMeta};
use crate::error::{Error, ObjectKind, Result};
use crate::index::file::SegmentIndex;
use crate::params::{Options, SyncPolicy};
use crate::schema::{DEFAULT_PARTITION, FieldType, Schema};
use crate::segment::deletes::read_deletes;
use crate::segment::sealed::SealedSegment;
use crate::segment::{GrowingBuffers, Segment};
use crate::storage::wal::{LogRecord, Wal};
use crate::timestamp;
pub use array_ops::FieldOp;
use files::remove_stray_files;
pub(crate) use files::{FileName, deletes_path, index_path, segment_path, wal_path};
pub(crate) use files::{collection_id, remove_collection_files};
pub use index_props::{INDEX_PROPERTIES, check_index_property};
pub use indexing::IndexInfo;
use log_chain::LogChain;
pub use maintenance::CompactionStats;
pub use pk_index::PkIndex;
use record::Record;
pub(crate) use recovery::recover;
pub use recovery::{Kept, Preserved, RecoveryReport, Skipped};
pub use stats::{SegmentInfo, StorageInfo};
pub use validate::WriteMode;

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
    /// Threads removing WAL generations a seal made obsolete; joined at shutdown, so a closed
    /// database's directory no longer changes.
    wal_removals: Mutex<Vec<std::thread::JoinHandle<()>>>,
    /// Cancelled when the collection shuts down; background work checks it.
    shutdown: crate::context::Context,
    /// This collection, for background threads.
    this: std::sync::Weak<Collection>,
    /// What TTL expiry has already scanned, per segment (see the `ttl` module).
    ttl_scanned: Mutex<ttl::Scanned>,
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

/// A collection read from its files, which are not changed yet: see [`Collection::load`].
#[derive(Debug)]
pub(crate) struct Loaded {
    meta: CollectionMeta,
    dir: PathBuf,
    state: State,
    buffers: GrowingBuffers,
    last_timestamp: u64,
    logs: LogChain,
}

impl Collection {
    /// Opens the collection described by `meta` inside `db_dir`: [`Collection::load`], then
    /// [`Loaded::start`].
    ///
    /// # Errors
    /// As those.
    pub(crate) fn open(
        db_dir: &Path,
        meta: &CollectionMeta,
        catalog: Arc<Catalog>,
        options: Arc<Options>,
    ) -> Result<Arc<Collection>> {
        Collection::load(db_dir, meta, &options)?.start(catalog, options)
    }

    /// Reads the collection described by `meta` inside `db_dir`, changing no file: maps its
    /// sealed segments, reads their deletes, rebuilds the primary-key index and replays its WAL.
    ///
    /// # Errors
    /// [`Error::Corrupted`] naming the file (and byte offset), [`Error::UnsupportedFormat`] or
    /// [`Error::Io`] for damaged or missing files.
    pub(crate) fn load(db_dir: &Path, meta: &CollectionMeta, options: &Options) -> Result<Loaded> {
        let dir = collection_dir(db_dir, meta.id);
        if !dir.is_dir() {
            return Err(Error::corrupted(
                &dir,
                format!("missing: the manifest lists collection `{}` (id {})", meta.schema.name, meta.id),
            ));
        }
        let schema = &meta.schema;
        let mut state = State::empty(meta);
        load_sealed_segments(&dir, schema, meta, &mut state)?;
        let mut logs = LogChain::read(&dir, meta, options.sync)?;
        let mut buffers = GrowingBuffers::new(options.seal_threshold_bytes);
        let last_timestamp = replay(&logs, schema, meta.checkpoint_timestamp, &mut state, &mut buffers)?;
        logs.drop_payloads();
        Ok(Loaded { meta: meta.clone(), dir, state, buffers, last_timestamp, logs })
    }
}

impl Loaded {
    /// Makes the loaded collection ready for writes: removes the files the manifest shows are no
    /// longer needed, cuts a torn WAL tail and opens the newest WAL generation for appends.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub(crate) fn start(self, catalog: Arc<Catalog>, options: Arc<Options>) -> Result<Arc<Collection>> {
        let Loaded { meta, dir, state, buffers, last_timestamp, logs } = self;
        remove_stray_files(&dir, &meta)?;
        for orphan in &logs.orphans {
            crate::storage::fs::remove_file_if_exists(orphan)?;
        }
        let chain = logs.last_crc();
        let newest = logs.logs.last().ok_or_else(|| Error::corrupted(&dir, "no write-ahead log"))?;
        let wal = Wal::resume(&newest.path, options.sync, &newest.scan, chain)?;
        let wal_generation = newest.generation;
        Ok(Arc::new_cyclic(|this| Collection {
            id: meta.id,
            dir,
            schema: Arc::new(meta.schema),
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
            wal_removals: Mutex::new(Vec::new()),
            shutdown: crate::context::Context::background(),
            this: this.clone(),
            ttl_scanned: Mutex::default(),
        }))
    }
}

impl Collection {
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
                match c.build_missing_indexes(&ctx) {
                    Ok(n) if n > 0 => {}
                    Ok(_) | Err(Error::Cancelled) => break,
                    Err(e) => {
                        log::error!(
                            "background index build of collection `{}` failed (retried at the next flush): {e}",
                            c.name()
                        );
                        break;
                    }
                }
            }
        }));
    }

    /// Finishes a background seal, stops other background work and waits for it. Later
    /// foreground calls still work.
    pub(crate) fn shutdown(&self) {
        // A seal that cannot be committed leaves its rows in the WAL, replayed at the next open.
        self.finish_pending_seal(&mut self.writer()).unwrap_or_else(|e| self.log_seal_failure(&e));
        self.shutdown.cancel();
        let handle = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        let removals =
            std::mem::take(&mut *self.wal_removals.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        for h in handle.into_iter().chain(removals) {
            if h.join().is_err() {
                log::error!("a background thread of collection `{}` panicked", self.name());
            }
        }
    }

    /// Logs a seal that failed where no caller sees the error (its rows stay in the WAL and in
    /// memory; the next seal retries).
    pub(super) fn log_seal_failure(&self, e: &Error) {
        log::warn!("seal of collection `{}` failed (retried at the next seal or flush): {e}", self.name());
    }

    /// Removes the WAL generations at `paths` on a background thread (removing a large log takes
    /// milliseconds); [`Collection::shutdown`] waits for it.
    pub(super) fn remove_wal_generations_in_background(&self, paths: Vec<std::path::PathBuf>) {
        let mut removals = self.wal_removals.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        removals.retain(|h| !h.is_finished());
        removals.push(std::thread::spawn(move || {
            for path in &paths {
                if let Err(e) = crate::storage::fs::remove_file_gradually(path) {
                    log::warn!("could not remove obsolete WAL generation (the next open removes it): {e}");
                }
            }
        }));
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
            if writer.poisoned.is_none() {
                log::error!(
                    "WAL fsync of collection `{}` failed; it refuses writes until reopened: {e}",
                    self.name()
                );
            }
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
    db_dir.join(crate::catalog::COLLECTIONS_DIR).join(id.to_string())
}

/// Creates the directory of new collection `id` with an empty first WAL generation, durably:
/// every file the manifest will name exists before the manifest names it.
///
/// # Errors
/// [`Error::Io`].
pub(crate) fn create_files(db_dir: &Path, id: u64) -> Result<()> {
    let dir = collection_dir(db_dir, id);
    crate::storage::fs::create_dir_all(&dir)?;
    crate::storage::fs::sync_parent(&dir)?;
    crate::storage::fs::sync_parent(&db_dir.join(crate::catalog::COLLECTIONS_DIR))?;
    Wal::open(&wal_path(&dir, 0), SyncPolicy::EveryWrite, 0).map(drop)
}

impl State {
    /// The state of collection `meta` before any segment is loaded: its partitions and indexes,
    /// no segments, an empty primary-key index.
    fn empty(meta: &CollectionMeta) -> State {
        State {
            partitions: meta.partitions.clone(),
            segments: BTreeMap::new(),
            growing: HashMap::new(),
            frozen: Vec::new(),
            pk: PkIndex::new(meta.schema.pk_field().field_type == FieldType::Int64),
            indexes: meta.indexes.clone(),
            next_segment_id: meta.next_segment_id,
        }
    }
}

/// Maps every sealed segment `meta` lists with its deletes and index files, and adds it to the
/// primary-key index (which reads its keys on first use).
///
/// # Errors
/// As [`load_segment`] and [`load_index`].
fn load_sealed_segments(dir: &Path, schema: &Schema, meta: &CollectionMeta, state: &mut State) -> Result<()> {
    for sm in &meta.segments {
        let mut segment = load_segment(dir, schema, sm)?;
        for &field in &sm.indexed_fields {
            let index = load_index(dir, schema, &meta.indexes, sm.id, field)?;
            segment.indexes.insert(field as usize, Arc::new(index));
        }
        if let Some(file) = segment.sealed_file() {
            state.pk.add_sealed(sm.id, file.clone());
        }
        state.segments.insert(sm.id, segment);
    }
    Ok(())
}

/// Applies the records of `logs` newer than `checkpoint` (older ones are in sealed segments) to
/// `state`, in order; returns the timestamp of the last record applied (`checkpoint` if none).
///
/// # Errors
/// As [`decode_record`].
fn replay(
    logs: &LogChain,
    schema: &Schema,
    checkpoint: u64,
    state: &mut State,
    buffers: &mut GrowingBuffers,
) -> Result<u64> {
    let mut last_timestamp = checkpoint;
    for log in &logs.logs {
        for entry in &log.scan.records {
            let record = decode_record(&log.path, entry, schema)?;
            timestamp::observe(record.timestamp());
            if record.timestamp() > checkpoint {
                if last_timestamp == checkpoint {
                    // The first record to apply: the sealed keys it may replace must read.
                    state.pk.prepare()?;
                }
                last_timestamp = record.timestamp();
                write::apply(schema, state, &record, &[], buffers);
            }
        }
    }
    Ok(last_timestamp)
}

/// Maps sealed segment `sm` and reads its deletes.
///
/// # Errors
/// [`Error::Corrupted`] (a missing file included) or [`Error::UnsupportedFormat`] naming the
/// file; [`Error::Io`].
fn load_segment(dir: &Path, schema: &Schema, sm: &SegmentMeta) -> Result<Segment> {
    let path = segment_path(dir, sm.id);
    let (sealed, identity) = SealedSegment::open(&path, schema).map_err(missing_is_corrupted)?;
    if identity.id != sm.id || identity.partition != sm.partition || sealed.rows() as u64 != sm.rows {
        return Err(Error::corrupted(&path, "segment footer does not match the manifest"));
    }
    let rows = sealed.rows();
    let mut segment = Segment::sealed(sm.id, sm.partition, sealed);
    if sm.deletes_generation > 0 {
        let path = deletes_path(dir, sm.id, sm.deletes_generation);
        segment.deleted = read_deletes(&path, sm.id, rows).map_err(missing_is_corrupted)?;
        segment.deletes_generation = sm.deletes_generation;
    }
    Ok(segment)
}

/// Maps the index file of schema field `field` of segment `segment`, checked against the index
/// `indexes` defines for the field.
///
/// # Errors
/// As [`load_segment`].
fn load_index(
    dir: &Path,
    schema: &Schema,
    indexes: &[IndexMeta],
    segment: u64,
    field: u32,
) -> Result<SegmentIndex> {
    let path = index_path(dir, segment, field as usize);
    let index = SegmentIndex::open(&path).map_err(missing_is_corrupted)?;
    let defined = schema.fields.get(field as usize).and_then(|f| indexes.iter().find(|i| i.field == f.name));
    if !defined.is_some_and(|i| i.params == index.params() && i.metric == index.metric()) {
        return Err(Error::corrupted(&path, "index file does not match the index the manifest defines"));
    }
    Ok(index)
}

/// A file the manifest lists that is missing is [`Error::Corrupted`], not an I/O error.
fn missing_is_corrupted(e: Error) -> Error {
    match e {
        Error::Io { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
            Error::Corrupted { file: path, reason: "missing: the manifest lists it".into() }
        }
        other => other,
    }
}

/// Decodes the WAL record `entry` of log `path` and checks it against `schema`
/// ([`Record::check_schema`]).
///
/// # Errors
/// [`Error::Corrupted`] naming the file and the record's offset.
fn decode_record(path: &Path, entry: &LogRecord, schema: &Schema) -> Result<Record<'static>> {
    let record = Record::decode(&entry.payload, path).map_err(|_| {
        Error::corrupted_at(path, entry.offset, "the record's checksum matches but it does not decode")
    })?;
    record.check_schema(schema).map_err(|why| {
        Error::corrupted_at(
            path,
            entry.offset,
            format!("the record's checksum matches but it does not fit the schema: {why}"),
        )
    })?;
    Ok(record)
}
