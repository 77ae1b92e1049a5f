//! `veclite_options` and `veclite_db`: opening databases, collections, partitions, flush and
//! compaction.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{
    FfiError, FfiResult, arg, call, context_arg, out_arg, put, str_arg, veclite_ctx, veclite_error,
    veclite_schema, veclite_status, veclite_strings,
};
use crate::db::{Database, Options};
use crate::error::Status;
use crate::storage::wal::SyncPolicy;

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
    poisoned: AtomicBool,
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
        catch_unwind(AssertUnwindSafe(|| f(&handle.db))).unwrap_or_else(|payload| {
            handle.poisoned.store(true, Ordering::Release);
            std::panic::resume_unwind(payload)
        })
    })
}

/// Opens (or creates) the database in directory `path` (`path_len` UTF-8 bytes).
/// `options` may be NULL for the defaults; it is borrowed for the call. On success stores a new
/// handle in `*db_out`, owned by the caller (release with `veclite_db_close`).
/// Fails with `VECLITE_STATUS_LOCKED` when another handle or process has the directory open.
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
        let options = unsafe { options.as_ref() }.map_or_else(Options::default, |o| o.inner.clone());
        let db = Database::open(path, options)?;
        let handle = Box::into_raw(Box::new(veclite_db { db, poisoned: AtomicBool::new(false) }));
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, handle) };
        Ok(())
    })
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
        let clone = Box::into_raw(Box::new(veclite_db { db: db.clone(), poisoned: AtomicBool::new(false) }));
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
