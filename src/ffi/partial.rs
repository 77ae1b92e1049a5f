//! Partial update: `veclite_partial_upsert`.

use super::write::{boxed, columns_arg};
use super::{
    context_arg, out_arg, put, str_arg, veclite_column, veclite_ctx, veclite_db, veclite_error,
    veclite_mutation_result, veclite_status, with_db,
};

/// Upserts `n_columns` columns (borrowed for the call) into `partition` of `collection`
/// (`partition` NULL or "" = `_default`) in Milvus's merge mode (pymilvus's
/// `upsert(..., partial_update=True)`): the primary-key column is required; each other column
/// replaces its field in every row, the fields not given keep the values of the live row with
/// that key, and dynamic keys (columns not in the schema, or `$meta`) merge into the row's
/// existing ones. A key with no live row is inserted and needs every field that is neither
/// nullable nor defaulted (`VECLITE_STATUS_MISSING_FIELD` naming the row and field).
/// All-or-nothing like `veclite_upsert`; `ctx` may be NULL. On success stores the result in
/// `*result_out` (caller owns it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_partial_upsert(
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
        let result = collection.partial_upsert(p, &cols)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, boxed(result, &collection.schema().pk_field().name)) };
        Ok(())
    })
}
