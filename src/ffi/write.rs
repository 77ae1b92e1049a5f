//! Writes: `veclite_upsert`, `veclite_insert`, `veclite_delete`, `veclite_delete_by_pks`, and
//! `veclite_mutation_result`.

use super::{
    FfiResult, arg, context_arg, out_arg, put, slice_arg, str_arg, veclite_column, veclite_ctx, veclite_db,
    veclite_error, veclite_status, with_db,
};
use crate::collection::WriteMode;
use crate::column::{Column, PrimaryKeys};
use crate::result::MutationResult;

/// The outcome of a write: counts, row indexes, primary keys and timestamp. Caller owns it; free
/// with `veclite_mutation_result_free`. Immutable; safe to share across threads.
pub struct veclite_mutation_result {
    inner: MutationResult,
    keys: veclite_column,
}

pub(super) fn boxed(inner: MutationResult, pk_name: &str) -> *mut veclite_mutation_result {
    let keys = veclite_column { inner: inner.primary_keys.to_column(pk_name) };
    Box::into_raw(Box::new(veclite_mutation_result { inner, keys }))
}

/// Borrowed columns from a C array of column pointers.
///
/// # Safety
/// `columns` is NULL (only when `n == 0`) or points to `n` pointers, each NULL or a live column.
pub(super) unsafe fn columns_arg<'a>(
    columns: *const *const veclite_column,
    n: usize,
) -> FfiResult<Vec<&'a Column>> {
    // SAFETY: caller contract.
    let ptrs = unsafe { slice_arg(columns, n, "columns") }?;
    // SAFETY: each pointer is NULL or live (caller contract).
    ptrs.iter().map(|&p| unsafe { arg(p, "columns[i]") }.map(|c| &c.inner)).collect()
}

#[allow(clippy::too_many_arguments)]
unsafe fn write(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    columns: *const *const veclite_column,
    n_columns: usize,
    result_out: *mut *mut veclite_mutation_result,
    err_out: *mut *mut veclite_error,
    mode: WriteMode,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, p, cols) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                super::opt_str_arg(partition, partition_len, "partition")?,
                columns_arg(columns, n_columns)?,
            )
        };
        let out = out_arg(result_out, "result_out")?;
        ctx.check()?;
        let collection = db.collection(c)?;
        let result = collection.write(p, &cols, mode)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, boxed(result, &collection.schema().pk_field().name)) };
        Ok(())
    })
}

/// Upserts `n_columns` columns (borrowed for the call) into `partition` of `collection`
/// (`partition` NULL or "" = `_default`): each row replaces the live row with the same primary
/// key anywhere in the collection, or is inserted. All-or-nothing: on any invalid row the call
/// fails naming the field, row and rule, and nothing is written. `ctx` may be NULL; a cancelled
/// or expired context fails before anything is written. On success stores the result in
/// `*result_out` (caller owns it). Mirrors the Go SDK's `Upsert(ctx, collectionName,
/// partitionName, columns...)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_upsert(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    columns: *const *const veclite_column,
    n_columns: usize,
    result_out: *mut *mut veclite_mutation_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: forwarded API contract.
    unsafe {
        write(
            db,
            ctx,
            collection,
            collection_len,
            partition,
            partition_len,
            columns,
            n_columns,
            result_out,
            err_out,
            WriteMode::Upsert,
        )
    }
}

/// Inserts columns like `veclite_upsert`, but a primary key that already exists or repeats in
/// the batch fails with `VECLITE_STATUS_DUPLICATE_PRIMARY_KEY`. On an auto_id collection the keys
/// are generated (and must not be supplied); `veclite_mutation_result_primary_keys` returns them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_insert(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    columns: *const *const veclite_column,
    n_columns: usize,
    result_out: *mut *mut veclite_mutation_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: forwarded API contract.
    unsafe {
        write(
            db,
            ctx,
            collection,
            collection_len,
            partition,
            partition_len,
            columns,
            n_columns,
            result_out,
            err_out,
            WriteMode::Insert,
        )
    }
}

/// Deletes the rows matching filter expression `expr` (`expr_len` UTF-8 bytes) in `partition`
/// (NULL or "" = the whole collection). `delete_count` of the result is the number of rows
/// actually deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_delete(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    expr: *const u8,
    expr_len: usize,
    result_out: *mut *mut veclite_mutation_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, p, e) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                super::opt_str_arg(partition, partition_len, "partition")?,
                str_arg(expr, expr_len, "expr")?,
            )
        };
        let out = out_arg(result_out, "result_out")?;
        ctx.check()?;
        let collection = db.collection(c)?;
        let result = collection.delete(p, e)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, boxed(result, &collection.schema().pk_field().name)) };
        Ok(())
    })
}

/// Deletes the rows whose primary keys are in `ids` (an Int64 or VarChar column, borrowed) in
/// `partition` (NULL or "" = the whole collection). Keys that match no row are ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_delete_by_pks(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    ids: *const veclite_column,
    result_out: *mut *mut veclite_mutation_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, p, ids) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                super::opt_str_arg(partition, partition_len, "partition")?,
                arg(ids, "ids")?,
            )
        };
        let out = out_arg(result_out, "result_out")?;
        ctx.check()?;
        let keys = PrimaryKeys::from_column(ids.inner.data().as_ref())?;
        let collection = db.collection(c)?;
        let result = collection.delete_by_pks(p, &keys)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, boxed(result, &collection.schema().pk_field().name)) };
        Ok(())
    })
}

/// Frees a mutation result. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_free(result: *mut veclite_mutation_result) {
    if !result.is_null() {
        // SAFETY: `result` came from a write call and is freed once (API contract).
        drop(unsafe { Box::from_raw(result) });
    }
}

fn get<T: Default>(result: *const veclite_mutation_result, f: impl FnOnce(&MutationResult) -> T) -> T {
    // SAFETY: `result` is NULL or live (API contract).
    unsafe { result.as_ref() }.map_or_else(T::default, |r| f(&r.inner))
}

/// Rows written; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_insert_count(result: *const veclite_mutation_result) -> u64 {
    get(result, |r| r.insert_count)
}

/// Rows actually replaced (upsert) or deleted (delete); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_delete_count(result: *const veclite_mutation_result) -> u64 {
    get(result, |r| r.delete_count)
}

/// Rows upserted; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_upsert_count(result: *const veclite_mutation_result) -> u64 {
    get(result, |r| r.upsert_count)
}

/// Rows accepted; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_succ_count(result: *const veclite_mutation_result) -> u64 {
    get(result, |r| r.succ_count)
}

/// Rows rejected (always 0: writes are all-or-nothing); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_err_count(result: *const veclite_mutation_result) -> u64 {
    get(result, |r| r.err_count)
}

/// Hybrid timestamp of the write (`unix_ms << 18 | logical`); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_timestamp(result: *const veclite_mutation_result) -> u64 {
    get(result, |r| r.timestamp)
}

/// Stores a pointer to the indexes of the accepted rows (`0..n`) and their count (valid until
/// the result is freed). Writes NULL / 0 for a NULL result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_succ_index(
    result: *const veclite_mutation_result,
    data_out: *mut *const u64,
    len_out: *mut usize,
) {
    let v = get(result, |r| (r.succ_index.as_ptr(), r.succ_index.len()));
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe { put_pair(v, data_out, len_out) };
}

/// Stores a pointer to the indexes of rejected rows (always empty) and their count.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_err_index(
    result: *const veclite_mutation_result,
    data_out: *mut *const u64,
    len_out: *mut usize,
) {
    let v = get(result, |r| (r.err_index.as_ptr(), r.err_index.len()));
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe { put_pair(v, data_out, len_out) };
}

unsafe fn put_pair((ptr, len): (*const u64, usize), data_out: *mut *const u64, len_out: *mut usize) {
    // SAFETY: out-params are NULL or writable (caller contract).
    unsafe {
        if !data_out.is_null() {
            data_out.write(if len == 0 { std::ptr::null() } else { ptr });
        }
        if !len_out.is_null() {
            len_out.write(len);
        }
    }
}

/// The primary keys written (request order; generated keys for an auto_id insert) or deleted,
/// as a column named after the primary-key field (Int64 or VarChar). Borrowed: valid until the
/// result is freed; do not free it. NULL for a NULL result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_mutation_result_primary_keys(
    result: *const veclite_mutation_result,
) -> *const veclite_column {
    // SAFETY: `result` is NULL or live (API contract).
    unsafe { result.as_ref() }.map_or(std::ptr::null(), |r| &r.keys)
}
