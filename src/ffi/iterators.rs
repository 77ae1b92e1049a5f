//! Query iterators: `veclite_query_page`, one key-ordered page of a query.

use super::read::veclite_result;
use super::{
    FfiError, arg, context_arg, opt_str_arg, out_arg, put, str_arg, strs_arg, veclite_column, veclite_ctx,
    veclite_db, veclite_error, veclite_status, with_db,
};
use crate::column::PrimaryKeys;

/// One page of a query iterator: the live rows matching `expr` (NULL or empty = all) in
/// `n_partitions` partitions (0 = all) whose primary key is greater than the cursor `after`, in
/// ascending key order (integers numerically, strings by their UTF-8 bytes), at most `batch`
/// (1..=16384) rows, with the fields named in `output_fields` as for `veclite_query`. `after` is
/// NULL to start, else a borrowed one-row column of the key's type (Int64 or VarChar) holding
/// the last key of the previous page. Paging this way returns no key twice and every row alive
/// for the whole iteration, whatever writes run between pages; a page with fewer than `batch`
/// rows is the last. On success stores the page in `*result_out` (caller owns it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_query_page(
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
    after: *const veclite_column,
    batch: usize,
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
        let cursor = if after.is_null() {
            None
        } else {
            // SAFETY: `after` is non-NULL and live (API contract).
            let column = unsafe { arg(after, "after") }?;
            let keys = PrimaryKeys::from_column(column.inner.data().as_ref())?;
            if keys.len() != 1 {
                return Err(FfiError::invalid(format!(
                    "iterator cursor `after` must hold one key, got {}",
                    keys.len()
                )));
            }
            Some(keys.get(0))
        };
        ctx.check()?;
        let result = db.query_page(c, &parts, e, &fields, cursor.as_ref(), batch)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(veclite_result::new(result)))) };
        Ok(())
    })
}
