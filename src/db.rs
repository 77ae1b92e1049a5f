//! The database: a directory of collections, its lock and its catalog.

mod aliases;
mod database_props;
mod databases;
mod index_properties;
mod iterators;
mod metadata;
mod rename;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use crate::catalog::{self, Catalog, CollectionMeta, DirState, Manifest, PartitionMeta};
use crate::collection::{
    Collection, FieldOp, IndexInfo, StorageInfo, WriteMode, collection_dir, collection_id,
    remove_collection_files,
};
use crate::column::{Column, PrimaryKeys};
use crate::context::Context;
use crate::error::{Error, ObjectKind, Result};
use crate::params::{
    CollectionSettings, HybridRequest, IndexParams, Metric, Options, SearchParams, SearchRequest, SyncPolicy,
};
use crate::result::{MutationResult, QueryResult, SearchHits};
use crate::schema::{DEFAULT_PARTITION, Schema};
use crate::storage::lock::DirLock;
use crate::timestamp;

pub use crate::collection::{CompactionStats, Kept, Preserved, RecoveryReport, Skipped};
pub use database_props::check_database_property;
pub use databases::{DEFAULT_DATABASE, DatabaseInfo};
pub use metadata::CollectionChange;

/// Description of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionInfo {
    pub id: u64,
    /// The schema, with the descriptions as last set.
    pub schema: Schema,
    pub partitions: Vec<String>,
    pub created_timestamp: u64,
    /// Consistency level, shard number and properties.
    pub settings: CollectionSettings,
}

/// An open database directory. Cloning is cheap and every clone refers to the same database.
/// Safe to use from multiple threads simultaneously.
#[derive(Debug, Clone)]
pub struct Database {
    inner: Arc<RwLock<Option<Open>>>,
    /// The database (namespace) this handle's collection names are in; `None` = `default`.
    scope: Option<Arc<str>>,
}

#[derive(Debug)]
struct Open {
    dir: PathBuf,
    options: Arc<Options>,
    catalog: Arc<Catalog>,
    collections: RwLock<HashMap<String, Arc<Collection>>>,
    /// Alias → collection name, as in the manifest; changed under the `collections` write lock.
    aliases: RwLock<HashMap<String, String>>,
    _lock: DirLock,
}

impl Database {
    /// Opens the database in `dir`, creating the directory if needed (an empty or missing
    /// directory becomes a new database). Opening maps segment files and rebuilds primary-key
    /// indexes; it reads no vector data. An append that a crash interrupted (the incomplete last
    /// record of a WAL) is cut off; anything else that is damaged fails the open before any file
    /// is changed: see [`Database::recover`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty path, a path that is not a directory, or a
    /// non-empty directory that is not a veclite database (nothing is written to it);
    /// [`Error::Locked`] when another process (or handle) has it open; [`Error::Corrupted`]
    /// naming the file (and byte offset) for damaged or missing files, a missing manifest
    /// included; [`Error::UnsupportedFormat`] for files of another format version;
    /// [`Error::Io`].
    pub fn open(dir: impl AsRef<Path>, options: Options) -> Result<Database> {
        let dir = dir.as_ref();
        options.check()?;
        let (lock, state) = lock_dir(dir, options.create_if_missing)?;
        let catalog = Catalog::open(dir, state).inspect_err(Error::log_if_corrupted)?;
        Database::start(dir, options, lock, catalog).inspect_err(Error::log_if_corrupted)
    }

    /// Opens the database in `dir` as [`Database::open`] does after repairing what is damaged,
    /// and reports exactly what it could not keep. Recovery keeps a state the database really
    /// had: the WAL records up to the first damaged one (later records, even intact ones, are
    /// not replayed), every segment whose files read, and the index files that read (others are
    /// rebuilt at the next flush). Before it changes or removes a file it copies or moves the
    /// original to `<dir>/quarantine/<n>/` ([`RecoveryReport::quarantine`]). On a database
    /// that is not damaged it changes nothing and returns an empty report.
    ///
    /// # Errors
    /// As [`Database::open`]; a missing or damaged manifest cannot be recovered from
    /// ([`Error::Corrupted`]).
    pub fn recover(dir: impl AsRef<Path>, options: Options) -> Result<(Database, RecoveryReport)> {
        let dir = dir.as_ref();
        options.check()?;
        let (lock, state) = lock_dir(dir, options.create_if_missing)?;
        let catalog = Catalog::open(dir, state).inspect_err(Error::log_if_corrupted)?;
        let report = crate::collection::recover(dir, &catalog)?;
        Ok((Database::start(dir, options, lock, catalog).inspect_err(Error::log_if_corrupted)?, report))
    }

    /// Opens the collections of the database in `dir`, whose lock and catalog the caller holds.
    fn start(dir: &Path, options: Options, lock: DirLock, catalog: Catalog) -> Result<Database> {
        let dir = dir.to_path_buf();
        let catalog = Arc::new(catalog);
        let manifest = catalog.snapshot();
        timestamp::observe(manifest.last_timestamp);
        let options = Arc::new(options);
        // Every collection is read before any file is changed: a damaged one fails the open with
        // nothing truncated or removed anywhere.
        let loaded: Vec<_> = manifest
            .collections
            .iter()
            .map(|meta| Collection::load(&dir, meta, &options))
            .collect::<Result<_>>()?;
        let mut collections = HashMap::new();
        for (meta, loaded) in manifest.collections.iter().zip(loaded) {
            let c = loaded.start(Arc::clone(&catalog), Arc::clone(&options))?;
            collections.insert(meta.schema.name.clone(), c);
        }
        remove_dropped_collection_dirs(&dir, &manifest)?;
        let aliases = RwLock::new(manifest.aliases.clone().into_iter().collect());
        let open =
            Open { dir, options, catalog, collections: RwLock::new(collections), aliases, _lock: lock };
        let sync_every = match open.options.sync {
            SyncPolicy::Interval(every) => Some(every),
            _ => None,
        };
        let db = Database { inner: Arc::new(RwLock::new(Some(open))), scope: None };
        if let Some(every) = sync_every {
            spawn_interval_syncer(Arc::downgrade(&db.inner), every);
        }
        Ok(db)
    }

    /// Syncs every WAL and releases the directory. Every clone of this handle is closed; later
    /// calls return [`Error::Closed`]. Closing twice is a no-op.
    ///
    /// # Errors
    /// [`Error::Io`] if a WAL sync fails (the database is closed anyway).
    pub fn close(&self) -> Result<()> {
        let open = self.inner.write().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        let Some(open) = open else { return Ok(()) };
        let collections = open.collections.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        collections.values().for_each(|c| c.shutdown());
        collections.values().try_for_each(|c| c.sync_wal())
    }

    /// Whether the handle is still open.
    pub fn is_open(&self) -> bool {
        self.guard().is_some()
    }

    fn guard(&self) -> RwLockReadGuard<'_, Option<Open>> {
        self.inner.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn with_open<T>(&self, f: impl FnOnce(&Open) -> Result<T>) -> Result<T> {
        match &*self.guard() {
            Some(open) => f(open),
            None => Err(Error::Closed),
        }
    }

    fn with_collection<T>(&self, name: &str, f: impl FnOnce(&Collection) -> Result<T>) -> Result<T> {
        self.with_open(|open| {
            let c = open.collection(&self.qualify(name))?;
            c.expire()?;
            f(&c)
        })
    }

    /// The options the database was opened with.
    ///
    /// # Errors
    /// [`Error::Closed`].
    pub fn options(&self) -> Result<Options> {
        self.with_open(|o| Ok((*o.options).clone()))
    }

    /// A handle to collection `name`, usable until the database closes or drops it.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Closed`].
    pub fn collection(&self, name: &str) -> Result<Arc<Collection>> {
        let c = self.with_open(|o| o.collection(&self.qualify(name)))?;
        c.expire()?;
        Ok(c)
    }

    /// Creates a collection with partition `_default` and the default settings (see
    /// [`Database::create_collection_with`]). A schema with `enable_dynamic_field` gets its
    /// `$meta` field here if it was built without one.
    ///
    /// # Errors
    /// Schema rule violations; [`Error::AlreadyExists`]; [`Error::Io`].
    pub fn create_collection(&self, schema: Schema) -> Result<()> {
        self.create_collection_with(schema, &CollectionChange::default())
    }

    /// Creates a collection from a checked schema and settings, in one manifest commit.
    fn create_checked_collection(&self, schema: Schema, settings: CollectionSettings) -> Result<()> {
        self.with_open(|open| {
            let mut collections = open.write_collections();
            databases::check_database_of(open, &schema.name)?;
            if collections.contains_key(&schema.name) {
                return Err(Error::AlreadyExists { kind: ObjectKind::Collection, name: schema.name.clone() });
            }
            if let Some(target) = open.read_aliases().get(&schema.name) {
                return Err(Error::InvalidArgument(format!(
                    "collection name `{}` is an alias of collection `{target}`: drop the alias or choose another name",
                    schema.name
                )));
            }
            let meta = open.catalog.update(|m| {
                let id = claim_collection_id(&open.dir, m.next_collection_id)?;
                m.next_collection_id = id + 1;
                let ts = timestamp::next();
                m.last_timestamp = m.last_timestamp.max(ts);
                let meta = CollectionMeta {
                    id,
                    schema: schema.clone(),
                    created_timestamp: ts,
                    partitions: initial_partitions(settings.num_partitions),
                    next_partition_id: u64::from(settings.num_partitions.max(1)),
                    next_segment_id: 1,
                    segments: Vec::new(),
                    checkpoint_timestamp: 0,
                    indexes: Vec::new(),
                    wal_generation: 0,
                    settings: settings.clone(),
                };
                crate::collection::create_files(&open.dir, id)?;
                m.collections.push(meta.clone());
                Ok(meta)
            })?;
            let c = Collection::open(&open.dir, &meta, Arc::clone(&open.catalog), Arc::clone(&open.options))?;
            collections.insert(schema.name.clone(), c);
            Ok(())
        })
    }

    /// Drops collection `name` and deletes its files. A collection that aliases point to is
    /// not dropped (as in Milvus): drop its aliases first.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::InvalidArgument`] naming the aliases; [`Error::Io`].
    pub fn drop_collection(&self, name: &str) -> Result<()> {
        let name: &str = &self.qualify(name);
        self.with_open(|open| {
            let mut collections = open.write_collections();
            let c = collections
                .get(name)
                .cloned()
                .ok_or_else(|| Error::not_found(ObjectKind::Collection, name))?;
            let mut aliases: Vec<String> =
                open.read_aliases().iter().filter(|(_, t)| *t == name).map(|(a, _)| a.clone()).collect();
            aliases.sort();
            if !aliases.is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "collection `{name}` has aliases {aliases:?}: drop them before dropping the collection"
                )));
            }
            open.catalog.update(|m| {
                m.collections.retain(|meta| meta.id != c.id());
                Ok(())
            })?;
            collections.remove(name);
            c.shutdown();
            let dir = c.dir().to_path_buf();
            drop(c);
            remove_collection_files(&dir).map(drop)
        })
    }

    /// Whether collection `name` exists (or an alias `name` points to one).
    ///
    /// # Errors
    /// [`Error::Closed`].
    pub fn has_collection(&self, name: &str) -> Result<bool> {
        self.with_open(|o| Ok(o.collection(&self.qualify(name)).is_ok()))
    }

    /// Names of all collections, sorted.
    ///
    /// # Errors
    /// [`Error::Closed`].
    pub fn list_collections(&self) -> Result<Vec<String>> {
        self.with_open(|o| {
            let mut names: Vec<String> =
                o.read_collections().keys().filter_map(|k| self.unqualify(k)).map(str::to_owned).collect();
            names.sort();
            Ok(names)
        })
    }

    /// Schema, partitions, identity and settings of collection `name`.
    ///
    /// # Errors
    /// [`Error::NotFound`]; [`Error::Closed`].
    pub fn describe_collection(&self, name: &str) -> Result<CollectionInfo> {
        self.with_open(|open| {
            let c = open.collection(&self.qualify(name))?;
            let manifest = open.catalog.snapshot();
            let meta = manifest
                .collection(c.name())
                .ok_or_else(|| Error::not_found(ObjectKind::Collection, name))?;
            let mut schema = meta.schema.clone();
            schema.name = self.unqualify(c.name()).unwrap_or(c.name()).to_owned();
            Ok(CollectionInfo {
                id: c.id(),
                schema,
                partitions: c.list_partitions(),
                created_timestamp: meta.created_timestamp,
                settings: meta.settings.clone(),
            })
        })
    }

    /// Creates partition `partition` in collection `collection`.
    ///
    /// # Errors
    /// See [`Collection::create_partition`].
    pub fn create_partition(&self, collection: &str, partition: &str) -> Result<()> {
        self.with_collection(collection, |c| c.create_partition(partition))
    }

    /// Drops a partition and its rows.
    ///
    /// # Errors
    /// See [`Collection::drop_partition`].
    pub fn drop_partition(&self, collection: &str, partition: &str) -> Result<()> {
        self.with_collection(collection, |c| c.drop_partition(partition))
    }

    /// Whether the partition exists (`""` names `_default`).
    ///
    /// # Errors
    /// Unknown collection; [`Error::Closed`].
    pub fn has_partition(&self, collection: &str, partition: &str) -> Result<bool> {
        self.with_collection(collection, |c| Ok(c.has_partition(partition)))
    }

    /// Partition names of a collection.
    ///
    /// # Errors
    /// Unknown collection; [`Error::Closed`].
    pub fn list_partitions(&self, collection: &str) -> Result<Vec<String>> {
        self.with_collection(collection, |c| Ok(c.list_partitions()))
    }

    /// Writes `columns` into `partition` (`""` = `_default`): each row replaces the live row with
    /// the same primary key anywhere in the collection, or is inserted if there is none. The
    /// whole batch is validated first; a bad row rejects it and nothing is written.
    ///
    /// # Errors
    /// Unknown collection, partition or field ([`Error::NotFound`]); a field passed twice, unequal
    /// lengths or a wrong column type ([`Error::SchemaMismatch`]); a vector of the wrong dim
    /// ([`Error::DimensionMismatch`]); NaN/±Inf, VarChar over `max_length`, null in a
    /// non-nullable field ([`Error::InvalidValue`]); a missing required field
    /// ([`Error::MissingField`]); a key repeated in the batch ([`Error::DuplicatePrimaryKey`]);
    /// zero rows or an auto_id collection ([`Error::InvalidArgument`]); I/O.
    pub fn upsert(&self, collection: &str, partition: &str, columns: Vec<Column>) -> Result<MutationResult> {
        self.with_collection(collection, |c| {
            c.write(partition, &columns.iter().collect::<Vec<_>>(), WriteMode::Upsert)
        })
    }

    /// Upserts `columns` in Milvus's merge mode (`partial_update=True`): each column replaces its
    /// field in every row, fields not given keep the live row's values, and dynamic keys merge
    /// into the row's existing ones; a key with no live row is inserted and needs every required
    /// field. Atomic like [`Database::upsert`].
    ///
    /// # Errors
    /// As [`Database::upsert`]; a missing primary-key column or a new key without a required
    /// field ([`Error::MissingField`], naming the row and field).
    pub fn partial_upsert(
        &self,
        collection: &str,
        partition: &str,
        columns: Vec<Column>,
    ) -> Result<MutationResult> {
        self.partial_upsert_with_ops(collection, partition, columns, &[])
    }

    /// [`Database::partial_upsert`] with per-field operations (`ARRAY_APPEND` /
    /// `ARRAY_REMOVE` on Array fields, resolved against each live row; see [`FieldOp`]).
    ///
    /// # Errors
    /// As [`Database::partial_upsert`]; an operation named twice, on the primary key, on a
    /// field outside the schema, not an Array field or not given; an append past the field's
    /// `max_capacity` ([`Error::InvalidValue`] naming the row and key).
    pub fn partial_upsert_with_ops(
        &self,
        collection: &str,
        partition: &str,
        columns: Vec<Column>,
        ops: &[(&str, FieldOp)],
    ) -> Result<MutationResult> {
        self.with_collection(collection, |c| {
            c.partial_upsert_with_ops(partition, &columns.iter().collect::<Vec<_>>(), ops)
        })
    }

    /// Inserts `columns`; a key that already exists or repeats in the batch is an error. On an
    /// auto_id collection the keys are generated and must not be supplied.
    ///
    /// # Errors
    /// As [`Database::upsert`], plus [`Error::DuplicatePrimaryKey`] for existing keys.
    pub fn insert(&self, collection: &str, partition: &str, columns: Vec<Column>) -> Result<MutationResult> {
        self.with_collection(collection, |c| {
            c.write(partition, &columns.iter().collect::<Vec<_>>(), WriteMode::Insert)
        })
    }

    /// Deletes the rows with these primary keys (in `partition`, or anywhere for `""`).
    /// `delete_count` is the number of rows actually deleted.
    ///
    /// # Errors
    /// Unknown collection or partition; keys of the wrong type; I/O.
    pub fn delete_by_pks(
        &self,
        collection: &str,
        partition: &str,
        keys: &PrimaryKeys,
    ) -> Result<MutationResult> {
        self.with_collection(collection, |c| c.delete_by_pks(partition, keys))
    }

    /// Deletes the rows matching filter expression `expr` (in `partition`, or anywhere for
    /// `""`). `delete_count` is the number of rows actually deleted.
    ///
    /// # Errors
    /// Unknown collection or partition; filter errors (pointing at the offending token); an
    /// empty expression; I/O.
    pub fn delete(&self, collection: &str, partition: &str, expr: &str) -> Result<MutationResult> {
        self.with_collection(collection, |c| c.delete(partition, expr))
    }

    /// Live rows of `partitions` (empty = all) matching filter expression `expr` (empty = all),
    /// in storage order, with `offset` and `limit`. `output_fields` as for [`Database::get`].
    ///
    /// # Errors
    /// Unknown collection, partition or field; filter errors; a window over 16,384 rows.
    pub fn query(
        &self,
        collection: &str,
        partitions: &[&str],
        expr: &str,
        output_fields: &[&str],
        limit: Option<usize>,
        offset: usize,
    ) -> Result<QueryResult> {
        self.with_collection(collection, |c| c.query(partitions, expr, output_fields, limit, offset))
    }

    /// `count(*)`: live rows of `partitions` (empty = all) matching `expr` (empty = all).
    ///
    /// # Errors
    /// Unknown collection or partition; filter errors.
    pub fn count_where(&self, collection: &str, partitions: &[&str], expr: &str) -> Result<u64> {
        self.with_collection(collection, |c| c.count_where(partitions, expr))
    }

    /// The live rows with these keys, in request order, restricted to `partitions` (empty = all).
    /// `output_fields` names fields to return besides the primary key (`"*"` = all).
    ///
    /// # Errors
    /// Unknown collection, partition or field.
    pub fn get(
        &self,
        collection: &str,
        partitions: &[&str],
        keys: &PrimaryKeys,
        output_fields: &[&str],
    ) -> Result<QueryResult> {
        self.with_collection(collection, |c| c.get(partitions, keys, output_fields))
    }

    /// Number of live rows in `partitions` (empty = all): exact, upserted rows counted once.
    ///
    /// # Errors
    /// Unknown collection or partition.
    pub fn count(&self, collection: &str, partitions: &[&str]) -> Result<u64> {
        self.with_collection(collection, |c| c.count(partitions))
    }

    /// Live rows of `partitions` (empty = all) in storage order, with paging.
    ///
    /// # Errors
    /// Unknown collection, partition or field; a window over 16,384 rows.
    pub fn iterate(
        &self,
        collection: &str,
        partitions: &[&str],
        output_fields: &[&str],
        limit: Option<usize>,
        offset: usize,
    ) -> Result<QueryResult> {
        self.with_collection(collection, |c| c.query(partitions, "", output_fields, limit, offset))
    }

    /// Top-k search (through the index where one is built, exact elsewhere); one [`SearchHits`]
    /// per query vector. See [`Collection::search`].
    ///
    /// # Errors
    /// Unknown collection; every error of [`Collection::search`].
    pub fn search(
        &self,
        ctx: &Context,
        collection: &str,
        request: &SearchRequest<'_>,
    ) -> Result<Vec<SearchHits>> {
        self.with_collection(collection, |c| c.search(ctx, request))
    }

    /// Refuses search parameters the searched field's index does not take. See
    /// [`Collection::check_search_params`].
    ///
    /// # Errors
    /// Unknown collection; every error of [`Collection::check_search_params`].
    pub fn check_search_params(
        &self,
        collection: &str,
        vector_field: Option<&str>,
        params: SearchParams,
    ) -> Result<()> {
        self.with_collection(collection, |c| c.check_search_params(vector_field, params))
    }

    /// Creates a vector index on `field` (HNSW, IVF_FLAT or FLAT) and builds it for the sealed
    /// segments; segments sealed later are indexed automatically. See
    /// [`Collection::create_index`].
    ///
    /// # Errors
    /// Unknown collection; every error of [`Collection::create_index`].
    pub fn create_index(
        &self,
        ctx: &Context,
        collection: &str,
        field: &str,
        name: &str,
        metric: Metric,
        params: IndexParams,
    ) -> Result<()> {
        self.with_collection(collection, |c| c.create_index(ctx, field, name, metric, params))
    }

    /// Creates an index in Milvus's terms (type name, metric name, build parameters as a
    /// key/value map). See [`Collection::create_milvus_index`].
    ///
    /// # Errors
    /// Unknown collection; every error of [`Collection::create_milvus_index`].
    #[allow(clippy::too_many_arguments)]
    pub fn create_milvus_index(
        &self,
        ctx: &Context,
        collection: &str,
        field: &str,
        name: &str,
        index_type: &str,
        metric: &str,
        params: &[(&str, &str)],
    ) -> Result<()> {
        self.with_collection(collection, |c| {
            c.create_milvus_index(ctx, field, name, index_type, metric, params)
        })
    }

    /// The indexes of a collection (of `field` only, when given) with their build progress.
    ///
    /// # Errors
    /// Unknown collection; [`Error::NotFound`] when `field` has no index.
    pub fn describe_index(&self, collection: &str, field: Option<&str>) -> Result<Vec<IndexInfo>> {
        self.with_collection(collection, |c| c.describe_index(field))
    }

    /// Hybrid search of `collection`: [`Collection::hybrid_search`].
    ///
    /// # Errors
    /// Unknown collection; those of [`Collection::hybrid_search`].
    pub fn hybrid_search(
        &self,
        ctx: &Context,
        collection: &str,
        req: &HybridRequest<'_>,
    ) -> Result<Vec<SearchHits>> {
        self.with_collection(collection, |c| c.hybrid_search(ctx, req))
    }

    /// The segments of `collection` (rows, deleted rows, file size, built indexes) and the bytes
    /// its files take on disk.
    ///
    /// # Errors
    /// Unknown collection.
    pub fn storage_info(&self, collection: &str) -> Result<StorageInfo> {
        self.with_collection(collection, |c| Ok(c.storage_info()))
    }

    /// Drops the index of `field`.
    ///
    /// # Errors
    /// Unknown collection; [`Error::NotFound`] when the field has no index; I/O.
    pub fn drop_index(&self, collection: &str, field: &str) -> Result<()> {
        self.with_collection(collection, |c| c.drop_index(field))
    }

    /// Seals the collection's growing segments into memory-mapped files and empties its WAL.
    ///
    /// # Errors
    /// Unknown collection; I/O.
    pub fn flush(&self, collection: &str) -> Result<()> {
        self.with_collection(collection, Collection::flush)
    }

    /// [`Database::flush`] honouring `ctx` between segment files.
    ///
    /// # Errors
    /// As [`Database::flush`]; [`Error::Cancelled`]; [`Error::DeadlineExceeded`].
    pub fn flush_with(&self, ctx: &Context, collection: &str) -> Result<()> {
        self.with_collection(collection, |c| c.flush_with(ctx))
    }

    /// Flushes, then merges small segments and drops deleted rows.
    ///
    /// # Errors
    /// Unknown collection; I/O.
    pub fn compact(&self, collection: &str) -> Result<CompactionStats> {
        self.with_collection(collection, Collection::compact)
    }

    /// [`Database::compact`] honouring `ctx` between segment files.
    ///
    /// # Errors
    /// As [`Database::compact`]; [`Error::Cancelled`]; [`Error::DeadlineExceeded`].
    pub fn compact_with(&self, ctx: &Context, collection: &str) -> Result<CompactionStats> {
        self.with_collection(collection, |c| c.compact_with(ctx))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        // Background index builds must stop before the directory lock is released.
        self.read_collections().values().for_each(|c| c.shutdown());
    }
}

impl Open {
    fn read_collections(&self) -> RwLockReadGuard<'_, HashMap<String, Arc<Collection>>> {
        self.collections.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write_collections(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<Collection>>> {
        self.collections.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn read_aliases(&self) -> RwLockReadGuard<'_, HashMap<String, String>> {
        self.aliases.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write_aliases(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, String>> {
        self.aliases.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Collection `name`, or the collection alias `name` points to.
    fn collection(&self, name: &str) -> Result<Arc<Collection>> {
        let collections = self.read_collections();
        let found = match collections.get(name) {
            Some(c) => Some(c),
            None => self.read_aliases().get(name).and_then(|target| collections.get(target)),
        };
        found.cloned().ok_or_else(|| Error::not_found(ObjectKind::Collection, name))
    }
}

/// Fsyncs, every `every`, the WALs holding writes older than `every`, so the interval policy
/// bounds what a crash can lose even when no later write comes. The thread ends once the
/// database is closed or dropped.
fn spawn_interval_syncer(db: std::sync::Weak<RwLock<Option<Open>>>, every: std::time::Duration) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(every);
            let Some(inner) = db.upgrade() else { return };
            let guard = inner.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(open) = guard.as_ref() else { return };
            for c in open.read_collections().values() {
                // A failed fsync poisons the collection (and is logged); its next write reports it.
                let _ = c.sync_wal_if_due(every);
            }
        }
    });
}

/// Takes the lock on database directory `dir`, creating the directory if it is missing (and
/// `create_if_missing`). A
/// directory that is not a database is refused before anything is written to it.
///
/// # Errors
/// [`Error::InvalidArgument`] for an empty path; those of [`catalog::inspect_dir`];
/// [`Error::Locked`]; [`Error::Io`].
fn lock_dir(dir: &Path, create_if_missing: bool) -> Result<(DirLock, DirState)> {
    if dir.as_os_str().is_empty() {
        return Err(Error::InvalidArgument(
            "the database path is empty: name the directory to open or create".into(),
        ));
    }
    if catalog::inspect_dir(dir)? == DirState::New {
        if !create_if_missing {
            return Err(Error::InvalidArgument(format!(
                "{}: not a veclite database (no MANIFEST file), and create_if_missing is off",
                dir.display()
            )));
        }
        crate::storage::fs::create_dir_all(dir)?;
    }
    let lock = DirLock::acquire(dir)?;
    // Inspected again under the lock: another process may have created the database meanwhile.
    Ok((lock, catalog::inspect_dir(dir)?))
}

/// The first collection id from `next` on whose directory is free: missing, or holding only
/// veclite files left by a creation that did not complete (the manifest never named the id), which
/// are removed.
fn claim_collection_id(db_dir: &Path, mut next: u64) -> Result<u64> {
    while !remove_collection_files(&collection_dir(db_dir, next))? {
        next += 1;
    }
    Ok(next)
}

/// Removes what a crash left of dropped collections: the veclite files in the directory of a
/// collection id that the manifest allocated (below its next id) and no live collection has.
/// Anything else under `collections/` is left alone.
fn remove_dropped_collection_dirs(dir: &Path, manifest: &Manifest) -> Result<()> {
    let root = dir.join(catalog::COLLECTIONS_DIR);
    let entries = match std::fs::read_dir(&root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other.map_err(|e| Error::io(&root, e))?,
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&root, e))?;
        let Some(id) = entry.file_name().to_str().and_then(collection_id) else { continue };
        let dropped = id < manifest.next_collection_id && !manifest.collections.iter().any(|m| m.id == id);
        if dropped {
            remove_collection_files(&entry.path())?;
        }
    }
    Ok(())
}

/// The partitions of a new collection: `_default`, or the `n` routing partitions of a
/// partition-key collection (`n > 0`).
fn initial_partitions(n: u32) -> Vec<PartitionMeta> {
    if n == 0 {
        return vec![PartitionMeta { id: 0, name: DEFAULT_PARTITION.into() }];
    }
    let names = crate::collection::partition_key::partition_names(n);
    names.into_iter().zip(0..).map(|(name, id)| PartitionMeta { id, name }).collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Database;
    use crate::column::{Column, PrimaryKeys};
    use crate::error::Error;
    use crate::params::Options;
    use crate::schema::{Field, FieldType, Schema};
    use crate::storage::fs::failpoint;

    fn rows(ids: std::ops::Range<i64>) -> Vec<Column> {
        let ids: Vec<i64> = ids.collect();
        let vectors = ids.iter().flat_map(|&i| [i as f32; 8]).collect();
        vec![Column::int64("id", ids), Column::float_vector("v", 8, vectors)]
    }

    /// Names of the temporary files in `dir`.
    fn temp_files(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    fn assert_out_of_space(result: crate::error::Result<impl std::fmt::Debug>, file: &str) {
        match result {
            Err(Error::Io { path, source }) => {
                assert_eq!(source.raw_os_error(), Some(libc::ENOSPC));
                assert!(path.ends_with(file), "{path}");
            }
            other => panic!("expected ENOSPC on {file}, got {other:?}"),
        }
    }

    #[test]
    fn failed_flushes_compactions_and_manifest_writes_leave_no_temp_file() {
        let tmp = tempfile::tempdir().unwrap();
        let db = Database::open(tmp.path(), Options::default()).unwrap();
        let schema = Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 8 }))
            .build()
            .unwrap();
        db.create_collection(schema).unwrap();
        let dir = db.collection("c").unwrap().dir().to_path_buf();
        db.upsert("c", "", rows(0..1_000)).unwrap();
        {
            let _full = failpoint::fail_writes_after(4096);
            assert_out_of_space(db.flush("c"), ".seg.tmp");
        }
        assert_eq!(temp_files(&dir), Vec::<String>::new(), "the failed flush removed its temp file");
        assert_eq!(db.count("c", &[]).unwrap(), 1_000);
        db.flush("c").unwrap();

        // A compaction whose output segment cannot be written: the seal before it (a deletes
        // file and the manifest) fits in the budget, the segment does not.
        db.delete_by_pks("c", "", &PrimaryKeys::Int((0..500).collect())).unwrap();
        let manifest = std::fs::metadata(tmp.path().join("MANIFEST")).unwrap().len();
        {
            let _full = failpoint::fail_writes_after(2 * manifest + 1024);
            assert_out_of_space(db.compact("c"), ".seg.tmp");
        }
        assert_eq!(temp_files(&dir), Vec::<String>::new(), "the failed compaction removed its temp file");
        assert_eq!(db.count("c", &[]).unwrap(), 500);

        {
            let _full = failpoint::fail_writes_after(0);
            assert_out_of_space(db.create_partition("c", "p"), "MANIFEST.tmp");
        }
        assert_eq!(
            temp_files(tmp.path()),
            Vec::<String>::new(),
            "the failed manifest write removed its temp file"
        );
        assert!(!db.has_partition("c", "p").unwrap());

        db.compact("c").unwrap();
        db.close().unwrap();
        let db = Database::open(tmp.path(), Options::default()).unwrap();
        assert_eq!(db.count("c", &[]).unwrap(), 500);
    }

    /// A seal that persists no deletes (a load of new keys) leaves the log unsynced under a
    /// policy that does not fsync: nothing waits on an fsync the policy skips, and the rows are
    /// all there after a clean close.
    #[test]
    fn a_seal_commit_without_deletes_does_not_sync_the_log() {
        let tmp = tempfile::tempdir().unwrap();
        let options = Options { sync: crate::params::SyncPolicy::None, ..Options::default() };
        let db = Database::open(tmp.path(), options).unwrap();
        let schema = Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 8 }))
            .build()
            .unwrap();
        db.create_collection(schema).unwrap();
        db.upsert("c", "", rows(0..100)).unwrap();
        let c = db.collection("c").unwrap();
        c.start_background_seal().unwrap();
        db.upsert("c", "", rows(100..200)).unwrap(); // new keys: no deletes
        assert!(c.unsynced_wal_bytes() > 0);
        c.commit_background_seal().unwrap();
        assert!(c.unsynced_wal_bytes() > 0, "no deletes file was written, so no fsync was needed");
        drop(c);
        db.close().unwrap();
        let db = Database::open(tmp.path(), Options::default()).unwrap();
        assert_eq!(db.count("c", &[]).unwrap(), 200);
    }

    /// Under a policy that does not fsync every write, a seal committed after more writes were
    /// logged still makes those writes durable before the deletes files that hold their effects:
    /// an upsert's delete of the old row never outlives its new row.
    #[test]
    fn a_seal_commit_syncs_the_log_before_persisting_newer_deletes() {
        let tmp = tempfile::tempdir().unwrap();
        let options = Options { sync: crate::params::SyncPolicy::None, ..Options::default() };
        let db = Database::open(tmp.path(), options).unwrap();
        let schema = Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 8 }))
            .build()
            .unwrap();
        db.create_collection(schema).unwrap();
        db.upsert("c", "", rows(0..100)).unwrap();
        db.flush("c").unwrap(); // rows 0..100 sealed
        db.upsert("c", "", rows(100..200)).unwrap();
        let c = db.collection("c").unwrap();
        c.start_background_seal().unwrap(); // rows 100..200 frozen, a new WAL generation
        db.upsert("c", "", rows(0..10)).unwrap(); // replaces sealed rows: deletes not yet durable
        assert!(c.unsynced_wal_bytes() > 0);
        c.commit_background_seal().unwrap(); // writes the sealed segment's deletes file
        assert_eq!(c.unsynced_wal_bytes(), 0, "the upserts' records are durable before their deletes");
        drop(c);
        db.close().unwrap();
        let db = Database::open(tmp.path(), Options::default()).unwrap();
        assert_eq!(db.count("c", &[]).unwrap(), 200);
    }
}
