//! Partial update: `veclite_partial_upsert` and `veclite_partial_upsert_ops`.

use super::write::{boxed, columns_arg};
use super::{
    FfiError, FfiResult, context_arg, out_arg, put, slice_arg, str_arg, strs_arg, veclite_column,
    veclite_ctx, veclite_db, veclite_error, veclite_mutation_result, veclite_status, with_db,
};
use crate::collection::FieldOp;

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

/// Field operation: the given value replaces the field's (Milvus `REPLACE`).
pub const VECLITE_FIELD_OP_REPLACE: u32 = 0;
/// Field operation: the given elements are appended to the live array (Milvus `ARRAY_APPEND`).
pub const VECLITE_FIELD_OP_ARRAY_APPEND: u32 = 1;
/// Field operation: every live element equal to a given one is removed (Milvus `ARRAY_REMOVE`).
pub const VECLITE_FIELD_OP_ARRAY_REMOVE: u32 = 2;

/// `veclite_partial_upsert` with per-field operations (pymilvus's `field_ops`): operation
/// `op_kinds[i]` (`VECLITE_FIELD_OP_*`) applies to the given column of field `op_fields[i]`
/// (`op_field_lens[i]` bytes), an Array field. Appends and removals are resolved against each
/// live row under the writer lock and logged as the resulting rows: append keeps the live
/// elements then the given ones (more than `max_capacity` in all is
/// `VECLITE_STATUS_INVALID_VALUE` naming the row and key); remove drops every live element
/// equal to a given one; a null given value keeps the row's value; a null live value or a new
/// key starts from an empty array. An operation named twice, on the primary key, on a field
/// outside the schema, not an Array field or not given is refused. The arrays may be NULL
/// when `n_ops` is 0 (then this is `veclite_partial_upsert`). All-or-nothing.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn veclite_partial_upsert_ops(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    partition: *const u8,
    partition_len: usize,
    columns: *const *const veclite_column,
    n_columns: usize,
    op_fields: *const *const u8,
    op_field_lens: *const usize,
    op_kinds: *const u32,
    n_ops: usize,
    result_out: *mut *mut veclite_mutation_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, p, cols, names, kinds) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                super::opt_str_arg(partition, partition_len, "partition")?,
                columns_arg(columns, n_columns)?,
                strs_arg(op_fields, op_field_lens, n_ops, "op_fields")?,
                slice_arg(op_kinds, n_ops, "op_kinds")?,
            )
        };
        let out = out_arg(result_out, "result_out")?;
        let ops = names
            .into_iter()
            .zip(kinds)
            .map(|(n, &k)| Ok((n, field_op(k)?)))
            .collect::<FfiResult<Vec<_>>>()?;
        ctx.check()?;
        let collection = db.collection(c)?;
        let result = collection.partial_upsert_with_ops(p, &cols, &ops)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, boxed(result, &collection.schema().pk_field().name)) };
        Ok(())
    })
}

/// The operation a `VECLITE_FIELD_OP_*` constant names.
fn field_op(kind: u32) -> FfiResult<FieldOp> {
    match kind {
        VECLITE_FIELD_OP_REPLACE => Ok(FieldOp::Replace),
        VECLITE_FIELD_OP_ARRAY_APPEND => Ok(FieldOp::ArrayAppend),
        VECLITE_FIELD_OP_ARRAY_REMOVE => Ok(FieldOp::ArrayRemove),
        other => Err(FfiError::invalid(format!(
            "op_kinds: unknown field operation {other} (expected VECLITE_FIELD_OP_*)"
        ))),
    }
}
