//! `veclite_options` and `veclite_db`: opening databases, collections, partitions, flush and
//! compaction.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{
    FfiError, FfiResult, arg, call, context_arg, out_arg, put, put_bytes, str_arg, veclite_ctx,
    veclite_error, veclite_schema, veclite_status, veclite_strings,
};
use crate::db::{Database, RecoveryReport};
use crate::error::Status;
use crate::params::{Options, SyncPolicy};

/// Sync policy: fsync the WAL before every write is acknowledged (default).
pub const VECLITE_SYNC_EVERY_WRITE: u32 = 0;
/// Sync policy: fsync the WAL at most every `interval_ms`.
pub const VECLITE_SYNC_INTERVAL: u32 = 1;
/// Sync policy: never fsync the WAL explicitly.
pub const VECLITE_SYNC_NONE: u32 = 2;

/// Options for `veclite_db_open`. Under the hood a `Box<Options>`. Create with
/// `veclite_options_new`, free with `veclite_options_free`. Not safe for concurrent mutation.
pub struct veclite_options {
    inner: Options,
}

/// New options with the defaults (fsync every write, 64 MiB seal threshold, one worker thread
/// per core). Caller owns them; free with `veclite_options_free`.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_options_new() -> *mut veclite_options {
    Box::into_raw(Box::new(veclite_options { inner: Options::default() }))
}

/// Frees options. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_options_free(options: *mut veclite_options) {
    if !options.is_null() {
        // SAFETY: `options` came from `veclite_options_new` and is freed once (API contract).
        drop(unsafe { Box::from_raw(options) });
    }
}

/// Sets the WAL sync policy (`VECLITE_SYNC_*`); `interval_ms` is used by
/// `VECLITE_SYNC_INTERVAL` only.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_options_set_sync_policy(
    options: *mut veclite_options,
    policy: u32,
    interval_ms: u64,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let options = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        options.inner.sync = match policy {
            VECLITE_SYNC_EVERY_WRITE => SyncPolicy::EveryWrite,
            VECLITE_SYNC_INTERVAL => SyncPolicy::Interval(Duration::from_millis(interval_ms)),
            VECLITE_SYNC_NONE => SyncPolicy::None,
            other => return Err(FfiError::invalid(format!("unknown sync policy {other}"))),
        };
        Ok(())
    })
}

/// Sets the size in bytes at which growing segments are sealed (must be positive).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_options_set_seal_threshold(
    options: *mut veclite_options,
    bytes: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let options = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        if bytes == 0 {
            return Err(FfiError::invalid("seal threshold must be positive"));
        }
        options.inner.seal_threshold_bytes = bytes;
        Ok(())
    })
}

/// Sets the number of worker threads for searches (must be positive).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_options_set_worker_threads(
    options: *mut veclite_options,
    threads: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let options = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        if threads == 0 {
            return Err(FfiError::invalid("worker threads must be positive"));
        }
        options.inner.worker_threads = threads;
        Ok(())
    })
}

/// An open database. Under the hood an `Arc` shared by its clones. Safe to use from multiple
/// threads simultaneously. Release with `veclite_db_close` exactly once per handle.
pub struct veclite_db {
    db: Database,
    /// The handle's view of the database it works in, set by `veclite_db_use_database`;
    /// `None` = `db` (database `default`).
    pub(crate) database: std::sync::RwLock<Option<Database>>,
    poisoned: AtomicBool,
}

impl veclite_db {
    /// A new handle to `db`, owned by the caller (freed by `veclite_db_close`).
    fn boxed(db: Database) -> *mut veclite_db {
        Box::into_raw(Box::new(veclite_db {
            db,
            database: Default::default(),
            poisoned: AtomicBool::new(false),
        }))
    }
}

/// The options behind `options`, or the defaults when it is NULL.
///
/// # Safety
/// `options` is NULL or a live `veclite_options`.
unsafe fn options_or_default(options: *const veclite_options) -> Options {
    // SAFETY: `options` is NULL or live (caller's contract).
    unsafe { options.as_ref() }.map_or_else(Options::default, |o| o.inner.clone())
}

/// Runs `f` on the database behind `db`; a panic inside poisons the handle, so later calls
/// return `VECLITE_STATUS_POISONED`.
pub(crate) fn with_db(
    db: *const veclite_db,
    err_out: *mut *mut veclite_error,
    f: impl FnOnce(&Database) -> FfiResult,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `db` is NULL or a live handle (API contract).
        let handle = unsafe { arg(db, "db") }?;
        if handle.poisoned.load(Ordering::Acquire) {
            return Err(FfiError::new(
                Status::Poisoned,
                "the database handle is poisoned by an earlier panic",
            ));
        }
        let scoped = handle.database.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let db = scoped.as_ref().unwrap_or(&handle.db);
        catch_unwind(AssertUnwindSafe(|| f(db))).unwrap_or_else(|payload| {
            handle.poisoned.store(true, Ordering::Release);
            std::panic::resume_unwind(payload)
        })
    })
}

/// Opens (or creates) the database in directory `path` (`path_len` UTF-8 bytes); a missing or
/// empty directory becomes a new database. `options` may be NULL for the defaults; it is
/// borrowed for the call. On success stores a new handle in `*db_out`, owned by the caller
/// (release with `veclite_db_close`). Fails with `VECLITE_STATUS_INVALID_ARGUMENT` for an empty
/// path or a non-empty directory that is not a veclite database (nothing is written to it),
/// `VECLITE_STATUS_LOCKED` when another handle or process has the directory open, and
/// `VECLITE_STATUS_CORRUPTED` (naming the file and byte offset; nothing is changed) for damaged
/// files: see `veclite_db_recover`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_db_open(
    path: *const u8,
    path_len: usize,
    options: *const veclite_options,
    db_out: *mut *mut veclite_db,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: arguments follow the API contract.
        let path = unsafe { str_arg(path, path_len, "path") }?;
        let out = out_arg(db_out, "db_out")?;
        // SAFETY: `options` is NULL or live (API contract).
        let options = unsafe { options_or_default(options) };
        let db = Database::open(path, options)?;
        let handle = veclite_db::boxed(db);
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, handle) };
        Ok(())
    })
}

/// What `veclite_db_recover` found and did: the data it skipped, the files it kept, and where
/// the originals of the files it changed or moved away are. Caller owns it; free with
/// `veclite_recovery_report_free`. Immutable; safe to share across threads.
pub struct veclite_recovery_report {
    skipped: Vec<(String, u64, u64, String)>,
    kept: Vec<(String, u64)>,
    preserved: Vec<(String, String)>,
    quarantine: Option<String>,
}

impl veclite_recovery_report {
    fn boxed(report: RecoveryReport) -> *mut veclite_recovery_report {
        let text = |p: &std::path::Path| p.display().to_string();
        Box::into_raw(Box::new(veclite_recovery_report {
            skipped: report
                .skipped
                .iter()
                .map(|s| (text(&s.file), s.offset, s.len, s.reason.clone()))
                .collect(),
            kept: report.kept.iter().map(|k| (text(&k.file), k.records)).collect(),
            preserved: report.preserved.iter().map(|p| (text(&p.file), text(&p.copy))).collect(),
            quarantine: report.quarantine.as_deref().map(text),
        }))
    }
}

/// Opens the database in directory `path` (`path_len` UTF-8 bytes) after repairing what is
/// damaged, keeping a state the database really had: the WAL records before the first damaged
/// one (later ones, even intact, are not replayed), every segment whose files read, the index
/// files that read (the others are rebuilt at the next flush). The original of every file it
/// changes or moves away is kept under `<path>/quarantine/<n>/`. On success stores a new handle
/// in `*db_out` (release with `veclite_db_close`) and what was skipped and kept in
/// `*report_out` (free with `veclite_recovery_report_free`). A database that is not damaged is
/// opened unchanged, with an empty report. Fails as `veclite_db_open` does; a missing or damaged
/// MANIFEST cannot be recovered from (`VECLITE_STATUS_CORRUPTED`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_db_recover(
    path: *const u8,
    path_len: usize,
    options: *const veclite_options,
    db_out: *mut *mut veclite_db,
    report_out: *mut *mut veclite_recovery_report,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: arguments follow the API contract.
        let path = unsafe { str_arg(path, path_len, "path") }?;
        let db_out = out_arg(db_out, "db_out")?;
        let report_out = out_arg(report_out, "report_out")?;
        // SAFETY: `options` is NULL or live (API contract).
        let options = unsafe { options_or_default(options) };
        let (db, report) = Database::recover(path, options)?;
        let handle = veclite_db::boxed(db);
        // SAFETY: both out-params are non-NULL and writable.
        unsafe {
            put(db_out, handle);
            put(report_out, veclite_recovery_report::boxed(report));
        }
        Ok(())
    })
}

/// Frees a recovery report. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_free(report: *mut veclite_recovery_report) {
    if !report.is_null() {
        // SAFETY: `report` came from `veclite_db_recover` and is freed once (API contract).
        drop(unsafe { Box::from_raw(report) });
    }
}

/// Number of skipped byte ranges (0 for NULL or a database that was not damaged).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_skipped_count(
    report: *const veclite_recovery_report,
) -> usize {
    // SAFETY: `report` is NULL or live (API contract).
    unsafe { report.as_ref() }.map_or(0, |r| r.skipped.len())
}

/// Describes skipped range `i`: the file as `(ptr, len)`, the byte offset and length of the data
/// not loaded (0 and 0 for a missing file), and the reason as `(ptr, len)`; strings are valid
/// until the report is freed. Each out-param may be NULL. Returns false (writing nothing) for
/// NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_skipped(
    report: *const veclite_recovery_report,
    i: usize,
    file_out: *mut *const u8,
    file_len_out: *mut usize,
    offset_out: *mut u64,
    len_out: *mut u64,
    reason_out: *mut *const u8,
    reason_len_out: *mut usize,
) -> bool {
    // SAFETY: `report` is NULL or live (API contract).
    let Some((file, offset, len, reason)) = (unsafe { report.as_ref() }).and_then(|r| r.skipped.get(i))
    else {
        return false;
    };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(file.as_bytes(), file_out, file_len_out);
        put_bytes(reason.as_bytes(), reason_out, reason_len_out);
        put_opt(offset_out, *offset);
        put_opt(len_out, *len);
    }
    true
}

/// Number of files whose data was loaded.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_kept_count(report: *const veclite_recovery_report) -> usize {
    // SAFETY: `report` is NULL or live (API contract).
    unsafe { report.as_ref() }.map_or(0, |r| r.kept.len())
}

/// Describes kept file `i`: its path as `(ptr, len)` (valid until the report is freed) and the
/// whole WAL records kept in it (a log file) or its rows (a segment file). Each out-param may be
/// NULL. Returns false (writing nothing) for NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_kept(
    report: *const veclite_recovery_report,
    i: usize,
    file_out: *mut *const u8,
    file_len_out: *mut usize,
    records_out: *mut u64,
) -> bool {
    // SAFETY: `report` is NULL or live (API contract).
    let Some((file, records)) = (unsafe { report.as_ref() }).and_then(|r| r.kept.get(i)) else {
        return false;
    };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(file.as_bytes(), file_out, file_len_out);
        put_opt(records_out, *records);
    }
    true
}

/// Number of files recovery changed or moved away.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_preserved_count(
    report: *const veclite_recovery_report,
) -> usize {
    // SAFETY: `report` is NULL or live (API contract).
    unsafe { report.as_ref() }.map_or(0, |r| r.preserved.len())
}

/// Describes changed or moved file `i`: where it was and where its original bytes are now, both
/// as `(ptr, len)` valid until the report is freed. Each out-param may be NULL. Returns false
/// (writing nothing) for NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_preserved(
    report: *const veclite_recovery_report,
    i: usize,
    file_out: *mut *const u8,
    file_len_out: *mut usize,
    copy_out: *mut *const u8,
    copy_len_out: *mut usize,
) -> bool {
    // SAFETY: `report` is NULL or live (API contract).
    let Some((file, copy)) = (unsafe { report.as_ref() }).and_then(|r| r.preserved.get(i)) else {
        return false;
    };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(file.as_bytes(), file_out, file_len_out);
        put_bytes(copy.as_bytes(), copy_out, copy_len_out);
    }
    true
}

/// Writes the quarantine directory holding the originals as `(ptr, len)` (valid until the
/// report is freed). Returns false (writing nothing) for NULL or when recovery changed nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_recovery_report_quarantine(
    report: *const veclite_recovery_report,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    // SAFETY: `report` is NULL or live (API contract).
    let Some(dir) = (unsafe { report.as_ref() }).and_then(|r| r.quarantine.as_ref()) else { return false };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe { put_bytes(dir.as_bytes(), ptr_out, len_out) };
    true
}

/// Writes `value` to `out` unless it is NULL.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn put_opt<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable (caller contract).
        unsafe { out.write(value) };
    }
}

/// A second handle to the same open database (e.g. for another thread or owner). Closing any
/// handle closes the database: calls through the others then return `VECLITE_STATUS_CLOSED`.
/// Each handle is released with `veclite_db_close`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_db_clone(
    db: *const veclite_db,
    clone_out: *mut *mut veclite_db,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        let out = out_arg(clone_out, "clone_out")?;
        let clone = veclite_db::boxed(db.clone());
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, clone) };
        Ok(())
    })
}

/// Syncs every WAL, closes the database and frees the handle. `db` is invalid after this call
/// whatever the status. NULL is a no-op returning `VECLITE_STATUS_OK`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_db_close(
    db: *mut veclite_db,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    if db.is_null() {
        return Status::Ok;
    }
    // SAFETY: `db` came from `veclite_db_open`/`veclite_db_clone` and is released once.
    let handle = unsafe { Box::from_raw(db) };
    call(err_out, || Ok(handle.db.close()?))
}

/// Creates a collection from `schema` (borrowed for the call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_create_collection(
    db: *const veclite_db,
    schema: *const veclite_schema,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: `schema` is NULL or live (API contract).
        let schema = unsafe { arg(schema, "schema") }?;
        Ok(db.create_collection(schema.inner.clone())?)
    })
}

/// Drops a collection and deletes its files.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_drop_collection(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(collection, collection_len, "collection") }?;
        Ok(db.drop_collection(name)?)
    })
}

/// Stores in `*exists_out` whether the collection exists.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_has_collection(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    exists_out: *mut bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(collection, collection_len, "collection") }?;
        let out = out_arg(exists_out, "exists_out")?;
        let exists = db.has_collection(name)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, exists) };
        Ok(())
    })
}

/// Stores the collection's schema in `*schema_out` (caller owns it; free with
/// `veclite_schema_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_describe_collection(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    schema_out: *mut *mut veclite_schema,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(collection, collection_len, "collection") }?;
        let out = out_arg(schema_out, "schema_out")?;
        let info = db.describe_collection(name)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, veclite_schema::boxed(info.schema)) };
        Ok(())
    })
}

/// Stores the sorted collection names in `*names_out` (caller owns the list; free with
/// `veclite_strings_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_list_collections(
    db: *const veclite_db,
    names_out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        let out = out_arg(names_out, "names_out")?;
        let names = db.list_collections()?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, veclite_strings::boxed(names)) };
        Ok(())
    })
}

/// Creates a partition.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_create_partition(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (c, p) = unsafe {
            (
                str_arg(collection, collection_len, "collection")?,
                str_arg(partition, partition_len, "partition")?,
            )
        };
        Ok(db.create_partition(c, p)?)
    })
}

/// Drops a partition and its rows (`_default` cannot be dropped).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_drop_partition(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (c, p) = unsafe {
            (
                str_arg(collection, collection_len, "collection")?,
                str_arg(partition, partition_len, "partition")?,
            )
        };
        Ok(db.drop_partition(c, p)?)
    })
}

/// Stores in `*exists_out` whether the partition exists (`""` names `_default`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_has_partition(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    exists_out: *mut bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (c, p) = unsafe {
            (
                str_arg(collection, collection_len, "collection")?,
                str_arg(partition, partition_len, "partition")?,
            )
        };
        let out = out_arg(exists_out, "exists_out")?;
        let exists = db.has_partition(c, p)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, exists) };
        Ok(())
    })
}

/// Stores the partition names (`_default` first) in `*names_out` (caller owns the list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_list_partitions(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    names_out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let c = unsafe { str_arg(collection, collection_len, "collection") }?;
        let out = out_arg(names_out, "names_out")?;
        let names = db.list_partitions(c)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, veclite_strings::boxed(names)) };
        Ok(())
    })
}

/// Seals the collection's growing segments into memory-mapped files and empties its WAL.
/// Checks `ctx` (may be NULL) between segment files.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_flush(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c) = unsafe { (context_arg(ctx), str_arg(collection, collection_len, "collection")?) };
        Ok(db.flush_with(&ctx, c)?)
    })
}

/// Flushes, then merges small segments and drops deleted rows. Checks `ctx` (may be NULL)
/// between segment files.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_compact(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c) = unsafe { (context_arg(ctx), str_arg(collection, collection_len, "collection")?) };
        db.compact_with(&ctx, c)?;
        Ok(())
    })
}
