//! Sparse float vectors in the C ABI: the field type, CSR column constructors, result
//! accessors and searches with CSR queries.

use super::column::{new_column, type_error};
use super::search::{QueryVectors, SearchOutputs, search_vectors_with};
use super::{
    FfiError, FfiResult, arg, call, out_arg, put, slice_arg, veclite_column, veclite_ctx, veclite_db,
    veclite_error, veclite_search_options, veclite_search_result, veclite_status,
};
use crate::column::{ColumnData, sparse};
use crate::error::Status;
use crate::params::SparseRows;

/// Field type: sparse float vectors (u32 index → f32 value maps), no dim.
pub const VECLITE_FIELD_SPARSE_FLOAT_VECTOR: u32 = 104;

/// Borrows CSR arrays given by the caller: `n_rows + 1` offsets, `nnz` indices and values.
///
/// # Safety
/// Each pointer is NULL (only for a zero length) or points to its count of readable values.
unsafe fn csr_arg<'a>(
    offsets: *const u64,
    n_rows: usize,
    indices: *const u32,
    values: *const f32,
    nnz: usize,
) -> FfiResult<(&'a [u64], &'a [u32], &'a [f32])> {
    let rows_plus_one = n_rows.checked_add(1).ok_or_else(|| FfiError::invalid("n_rows overflows"))?;
    // SAFETY: forwarded contract.
    let (offsets, indices, values) = unsafe {
        (
            slice_arg(offsets, rows_plus_one, "offsets")?,
            slice_arg(indices, nnz, "indices")?,
            slice_arg(values, nnz, "values")?,
        )
    };
    sparse::check_shape(offsets, indices.len(), values.len())
        .map_err(|rule| FfiError::new(Status::InvalidArgument, rule))?;
    Ok((offsets, indices, values))
}

/// A SparseFloatVector column of `n_rows` rows in CSR form: row `r` holds the entries
/// `offsets[r]..offsets[r + 1]` of `indices` and `values` (`offsets` has `n_rows + 1` entries,
/// the first 0, never falling, the last `nnz`; all copied). Entries of a row may come in any
/// order: a write sorts them by index, and refuses an index given twice, an index of 2^32-1,
/// and NaN or infinite values, naming the row. Rows may be empty; vector fields are never null.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn veclite_column_new_sparse_float_vector(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    n_rows: usize,
    indices: *const u32,
    values: *const f32,
    nnz: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: forwarded API contract.
    unsafe {
        new_column(name, name_len, std::ptr::null(), n_rows, column_out, err_out, || {
            // The arrays hold `n_rows + 1` and `nnz` values (API contract).
            let (offsets, indices, values) = csr_arg(offsets, n_rows, indices, values, nnz)?;
            Ok(ColumnData::SparseVector {
                offsets: offsets.to_vec(),
                indices: indices.to_vec(),
                values: values.to_vec(),
            })
        })
    }
}

/// Stores pointers to the CSR arrays of a SparseFloatVector column (valid while the column
/// lives): `rows + 1` offsets, then `nnz` indices and `nnz` values; row `r` holds entries
/// `offsets[r]..offsets[r + 1]`, sorted by index. Any out-param but `err_out` may be NULL
/// when not wanted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_sparse_float_vector_data(
    column: *const veclite_column,
    offsets_out: *mut *const u64,
    indices_out: *mut *const u32,
    values_out: *mut *const f32,
    rows_out: *mut usize,
    nnz_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let Some(rows) = c.inner.data().as_ref().sparse_rows() else {
            return Err(type_error(c, "SparseFloatVector"));
        };
        // SAFETY: each out-param is NULL or writable (API contract).
        unsafe {
            if !offsets_out.is_null() {
                put(out_arg(offsets_out, "offsets_out")?, rows.offsets().as_ptr());
            }
            if !indices_out.is_null() {
                put(out_arg(indices_out, "indices_out")?, rows.indices().as_ptr());
            }
            if !values_out.is_null() {
                put(out_arg(values_out, "values_out")?, rows.values().as_ptr());
            }
            if !rows_out.is_null() {
                put(out_arg(rows_out, "rows_out")?, rows.len());
            }
            if !nnz_out.is_null() {
                put(out_arg(nnz_out, "nnz_out")?, rows.nnz());
            }
        }
        Ok(())
    })
}

/// `veclite_search` of a SparseFloatVector field with `nq` queries in CSR form (`offsets` has
/// `nq + 1` entries, `indices` and `values` `nnz` each; entries of a query in any order, checked
/// as written rows are). `metric_type` must be `VECLITE_METRIC_IP`. A row is a hit of a query
/// when they share an index; scores are inner products (larger is closer). Every other
/// argument, the outputs and the errors are those of `veclite_search`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn veclite_search_sparse(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    offsets: *const u64,
    nq: usize,
    indices: *const u32,
    values: *const f32,
    nnz: usize,
    topk: usize,
    metric_type: u32,
    ids_out: *mut i64,
    scores_out: *mut f32,
    counts_out: *mut usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    let outs = SearchOutputs { ids_out, scores_out, counts_out, result_out };
    // SAFETY: forwarded API contract; a sparse query has no dim (1 stands for it).
    unsafe {
        search_vectors_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            1,
            topk,
            metric_type,
            outs,
            err_out,
            |_| {
                // The arrays hold `nq + 1` and `nnz` values (API contract).
                let (offsets, indices, values) = csr_arg(offsets, nq, indices, values, nnz)?;
                Ok(QueryVectors {
                    dense: &[],
                    packed: None,
                    sparse: Some(SparseRows { offsets, indices, values }),
                })
            },
        )
    }
}
