//! Reads: `veclite_query`, `veclite_get`, `veclite_count`, and `veclite_result`.

use super::{
    arg, context_arg, opt_str_arg, out_arg, put, str_arg, strs_arg, veclite_column, veclite_ctx, veclite_db,
    veclite_error, veclite_status, with_db,
};
use crate::column::PrimaryKeys;
use crate::result::QueryResult;

/// Rows returned by a read, as columns (the primary key first, then the requested fields).
/// Caller owns it; free with `veclite_result_free`. Columns obtained from it are borrowed and
/// valid until it is freed. Immutable; safe to share across threads.
pub struct veclite_result {
    columns: Vec<veclite_column>,
}

impl veclite_result {
    pub(crate) fn new(result: QueryResult) -> veclite_result {
        veclite_result { columns: result.columns.into_iter().map(|inner| veclite_column { inner }).collect() }
    }
}

/// Rows matching `expr` (empty or NULL = all rows; Milvus filter syntax) in `n_partitions`
/// partitions (0 = all), with the fields named in `output_fields` (`"*"` = all; the primary key
/// is always returned), skipping `offset` rows and returning at most `limit` (0 = no limit;
/// `offset + limit` ≤ 16384). String arrays are parallel `(ptrs, lens)` arrays, borrowed. On
/// success stores the result in `*result_out` (caller owns it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_query(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    expr: *const u8,
    expr_len: usize,
    partitions: *const *const u8,
    partition_lens: *const usize,
    n_partitions: usize,
    output_fields: *const *const u8,
    output_field_lens: *const usize,
    n_output_fields: usize,
    limit: usize,
    offset: usize,
    result_out: *mut *mut veclite_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, e, parts, fields) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                opt_str_arg(expr, expr_len, "expr")?,
                strs_arg(partitions, partition_lens, n_partitions, "partitions")?,
                strs_arg(output_fields, output_field_lens, n_output_fields, "output_fields")?,
            )
        };
        let out = out_arg(result_out, "result_out")?;
        ctx.check()?;
        let limit = (limit > 0).then_some(limit);
        let result = db.query(c, &parts, e, &fields, limit, offset)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(veclite_result::new(result)))) };
        Ok(())
    })
}

/// The live rows whose primary keys are in `ids` (an Int64 or VarChar column, borrowed), in
/// request order, each key once; keys without a row are skipped. Partitions and output fields
/// as for `veclite_query`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_get(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    ids: *const veclite_column,
    partitions: *const *const u8,
    partition_lens: *const usize,
    n_partitions: usize,
    output_fields: *const *const u8,
    output_field_lens: *const usize,
    n_output_fields: usize,
    result_out: *mut *mut veclite_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, ids, parts, fields) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                arg(ids, "ids")?,
                strs_arg(partitions, partition_lens, n_partitions, "partitions")?,
                strs_arg(output_fields, output_field_lens, n_output_fields, "output_fields")?,
            )
        };
        let out = out_arg(result_out, "result_out")?;
        ctx.check()?;
        let keys = PrimaryKeys::from_column(ids.inner.data().as_ref())?;
        let result = db.get(c, &parts, &keys, &fields)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(veclite_result::new(result)))) };
        Ok(())
    })
}

/// `count(*)`: stores in `*count_out` the number of live rows matching `expr` (NULL or empty =
/// all) in the given partitions (0 = all). Exact: each live key counts once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_count(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    expr: *const u8,
    expr_len: usize,
    partitions: *const *const u8,
    partition_lens: *const usize,
    n_partitions: usize,
    count_out: *mut u64,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, e, parts) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                opt_str_arg(expr, expr_len, "expr")?,
                strs_arg(partitions, partition_lens, n_partitions, "partitions")?,
            )
        };
        let out = out_arg(count_out, "count_out")?;
        ctx.check()?;
        let n = db.count_where(c, &parts, e)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, n) };
        Ok(())
    })
}

/// Frees a result. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_result_free(result: *mut veclite_result) {
    if !result.is_null() {
        // SAFETY: `result` came from a read call and is freed once (API contract).
        drop(unsafe { Box::from_raw(result) });
    }
}

/// Number of rows; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_result_num_rows(result: *const veclite_result) -> usize {
    // SAFETY: `result` is NULL or live (API contract).
    unsafe { result.as_ref() }.and_then(|r| r.columns.first()).map_or(0, |c| c.inner.len())
}

/// Number of columns; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_result_num_columns(result: *const veclite_result) -> usize {
    // SAFETY: `result` is NULL or live (API contract).
    unsafe { result.as_ref() }.map_or(0, |r| r.columns.len())
}

/// Column `i` (borrowed; valid until the result is freed), or NULL if out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_result_column(
    result: *const veclite_result,
    i: usize,
) -> *const veclite_column {
    // SAFETY: `result` is NULL or live (API contract).
    unsafe { result.as_ref() }.and_then(|r| r.columns.get(i)).map_or(std::ptr::null(), |c| c as *const _)
}

/// The column of field `name` (borrowed), or NULL if there is none (or on invalid arguments).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_result_column_by_name(
    result: *const veclite_result,
    name: *const u8,
    name_len: usize,
) -> *const veclite_column {
    // SAFETY: `result` is NULL or live; `name` per the string contract (API contract).
    let (Some(r), Ok(name)) = (unsafe { result.as_ref() }, unsafe { str_arg(name, name_len, "name") }) else {
        return std::ptr::null();
    };
    r.columns.iter().find(|c| c.inner.name() == name).map_or(std::ptr::null(), |c| c as *const _)
}
