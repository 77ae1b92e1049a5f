//! The packed dense vector types in the C ABI: binary, float16, bfloat16 and int8 vector
//! fields, columns, result accessors and searches.

use super::column::{new_column, type_error};
use super::search::{SearchOutputs, search_with};
use super::{
    FfiError, FfiResult, arg, call, out_arg, put, slice_arg, veclite_column, veclite_ctx, veclite_db,
    veclite_error, veclite_search_options, veclite_search_result, veclite_status,
};
use crate::column::{ColumnData, VectorKind};
use crate::error::Status;
use crate::schema::FieldType;

/// Field type: packed bit vectors, `dim` bits (a multiple of 8), `dim / 8` bytes a row.
pub const VECLITE_FIELD_BINARY_VECTOR: u32 = 100;
/// Field type: float16 vectors, `dim` components of 2 bytes (IEEE binary16 bit patterns).
pub const VECLITE_FIELD_FLOAT16_VECTOR: u32 = 102;
/// Field type: bfloat16 vectors, `dim` components of 2 bytes (bfloat16 bit patterns).
pub const VECLITE_FIELD_BFLOAT16_VECTOR: u32 = 103;
/// Field type: int8 vectors, `dim` signed bytes.
pub const VECLITE_FIELD_INT8_VECTOR: u32 = 105;
/// Metric: Hamming distance of binary vectors (smaller is closer).
pub const VECLITE_METRIC_HAMMING: u32 = 3;
/// Metric: Jaccard distance of binary vectors (smaller is closer).
pub const VECLITE_METRIC_JACCARD: u32 = 4;

/// `VECLITE_FIELD_*` number of a packed vector kind.
fn kind_number(kind: VectorKind) -> u32 {
    match kind {
        VectorKind::Binary => VECLITE_FIELD_BINARY_VECTOR,
        VectorKind::Float16 => VECLITE_FIELD_FLOAT16_VECTOR,
        VectorKind::BFloat16 => VECLITE_FIELD_BFLOAT16_VECTOR,
        VectorKind::Int8 => VECLITE_FIELD_INT8_VECTOR,
    }
}

/// `VECLITE_FIELD_*` number of a packed vector field type; 0 for any other type.
pub(crate) fn packed_type_number(ty: FieldType) -> u32 {
    ty.vector_kind().map_or(0, |(kind, _)| kind_number(kind))
}

/// The packed vector field type numbered `number` with dim `dim`, if `number` names one.
pub(crate) fn packed_field_type(number: u32, dim: u32) -> Option<FieldType> {
    VectorKind::ALL.into_iter().find(|&k| kind_number(k) == number).map(|k| k.field_type(dim))
}

/// Builds a packed vector column of `kind` from `rows` vectors of `dim` (bits for binary
/// vectors) read by `data` given the byte count.
///
/// # Safety
/// As the extern constructors.
#[allow(clippy::too_many_arguments)]
unsafe fn new_packed_column(
    name: *const u8,
    name_len: usize,
    kind: VectorKind,
    dim: usize,
    rows: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
    data: impl FnOnce(usize) -> FfiResult<Vec<u8>>,
) -> veclite_status {
    // SAFETY: forwarded API contract.
    unsafe {
        new_column(name, name_len, std::ptr::null(), rows, column_out, err_out, || {
            kind.check_dim(dim).map_err(|rule| FfiError::new(Status::DimensionMismatch, rule))?;
            let bytes = rows
                .checked_mul(kind.row_bytes(dim))
                .ok_or_else(|| FfiError::invalid("rows * dim overflows"))?;
            Ok(ColumnData::PackedVector { kind, dim, data: data(bytes)? })
        })
    }
}

/// A BinaryVector column of `rows` vectors of `dim` bits (a multiple of 8), packed `dim / 8`
/// bytes a vector (bit `i` in byte `i / 8`, as Milvus) and stored contiguously in `data`
/// (`rows * dim / 8` bytes, copied). Vector fields are never null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_binary_vector(
    name: *const u8,
    name_len: usize,
    data: *const u8,
    dim: usize,
    rows: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: `data` points to `rows * dim / 8` bytes (API contract).
    unsafe {
        new_packed_column(name, name_len, VectorKind::Binary, dim, rows, column_out, err_out, |n| {
            Ok(slice_arg(data, n, "data")?.to_vec())
        })
    }
}

/// Copies `n` 16-bit values as their little-endian bytes.
///
/// # Safety
/// `data` is NULL or points to `n` readable values.
unsafe fn halves_arg(data: *const u16, n: usize) -> FfiResult<Vec<u8>> {
    // SAFETY: forwarded contract.
    let values = unsafe { slice_arg(data, n, "data") }?;
    Ok(values.iter().flat_map(|h| h.to_le_bytes()).collect())
}

/// A Float16Vector column of `rows` vectors of `dim` IEEE binary16 components given as their
/// bit patterns, stored contiguously in `data` (`rows * dim` values, copied and stored as
/// given). Vector fields are never null; NaN and infinities are refused when written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_float16_vector(
    name: *const u8,
    name_len: usize,
    data: *const u16,
    dim: usize,
    rows: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: `data` points to `rows * dim` values (API contract).
    unsafe {
        new_packed_column(name, name_len, VectorKind::Float16, dim, rows, column_out, err_out, |n| {
            halves_arg(data, n / 2)
        })
    }
}

/// A BFloat16Vector column: as `veclite_column_new_float16_vector`, with bfloat16 bit patterns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_bfloat16_vector(
    name: *const u8,
    name_len: usize,
    data: *const u16,
    dim: usize,
    rows: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: `data` points to `rows * dim` values (API contract).
    unsafe {
        new_packed_column(name, name_len, VectorKind::BFloat16, dim, rows, column_out, err_out, |n| {
            halves_arg(data, n / 2)
        })
    }
}

/// An Int8Vector column of `rows` vectors of `dim` signed bytes stored contiguously in `data`
/// (`rows * dim` values, copied). Vector fields are never null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_int8_vector(
    name: *const u8,
    name_len: usize,
    data: *const i8,
    dim: usize,
    rows: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: `data` points to `rows * dim` values (API contract).
    unsafe {
        new_packed_column(name, name_len, VectorKind::Int8, dim, rows, column_out, err_out, |n| {
            Ok(slice_arg(data, n, "data")?.iter().map(|&b| b as u8).collect())
        })
    }
}

/// Stores a pointer to the values of a packed vector column of `kind` as `T`, its row count and
/// its dim.
fn packed_data<T: bytemuck::Pod>(
    column: *const veclite_column,
    kind: VectorKind,
    data_out: *mut *const T,
    rows_out: *mut usize,
    dim_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let outs =
            (out_arg(data_out, "data_out")?, out_arg(rows_out, "rows_out")?, out_arg(dim_out, "dim_out")?);
        let ColumnData::PackedVector { kind: held, dim, data } = c.inner.data() else {
            return Err(type_error(c, kind.name()));
        };
        if *held != kind {
            return Err(type_error(c, kind.name()));
        }
        // An empty column's buffer may sit at any address (a Vec<u8>'s dangling pointer): it
        // holds no values to align.
        let values: &[T] = if data.is_empty() {
            &[]
        } else {
            bytemuck::try_cast_slice(data).map_err(|e| {
                FfiError::new(
                    Status::Unsupported,
                    format!("column `{}`: values not aligned for reading in place: {e}", c.inner.name()),
                )
            })?
        };
        // SAFETY: out-params are non-NULL and writable.
        unsafe {
            put(outs.0, values.as_ptr());
            put(outs.1, c.inner.len());
            put(outs.2, *dim);
        }
        Ok(())
    })
}

/// Stores a pointer to the `rows * dim / 8` packed bytes of a BinaryVector column, its row count
/// and its dim in bits (valid while the column lives).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_binary_vector_data(
    column: *const veclite_column,
    data_out: *mut *const u8,
    rows_out: *mut usize,
    dim_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    packed_data(column, VectorKind::Binary, data_out, rows_out, dim_out, err_out)
}

/// Stores a pointer to the `rows * dim` float16 bit patterns of a Float16Vector column, its row
/// count and its dim (valid while the column lives).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_float16_vector_data(
    column: *const veclite_column,
    data_out: *mut *const u16,
    rows_out: *mut usize,
    dim_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    packed_data(column, VectorKind::Float16, data_out, rows_out, dim_out, err_out)
}

/// Stores a pointer to the `rows * dim` bfloat16 bit patterns of a BFloat16Vector column, its
/// row count and its dim (valid while the column lives).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_bfloat16_vector_data(
    column: *const veclite_column,
    data_out: *mut *const u16,
    rows_out: *mut usize,
    dim_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    packed_data(column, VectorKind::BFloat16, data_out, rows_out, dim_out, err_out)
}

/// Stores a pointer to the `rows * dim` values of an Int8Vector column, its row count and its
/// dim (valid while the column lives).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_int8_vector_data(
    column: *const veclite_column,
    data_out: *mut *const i8,
    rows_out: *mut usize,
    dim_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    packed_data(column, VectorKind::Int8, data_out, rows_out, dim_out, err_out)
}

/// `veclite_search` of a BinaryVector field: `queries` holds `nq` vectors of `dim` bits (a
/// multiple of 8), `nq * dim / 8` packed bytes; `metric_type` is `VECLITE_METRIC_HAMMING` or
/// `VECLITE_METRIC_JACCARD`. Every other argument, the outputs and the errors are those of
/// `veclite_search`; scores are distances (smaller is closer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_binary(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    queries: *const u8,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    ids_out: *mut i64,
    scores_out: *mut f32,
    counts_out: *mut usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    let outs = SearchOutputs { ids_out, scores_out, counts_out, result_out };
    // SAFETY: forwarded API contract.
    unsafe {
        search_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            dim,
            topk,
            metric_type,
            outs,
            err_out,
            |n| {
                if !dim.is_multiple_of(8) {
                    return Err(FfiError::new(
                        Status::DimensionMismatch,
                        format!("binary dim {dim} is not a multiple of 8"),
                    ));
                }
                // SAFETY: `queries` points to `nq * dim / 8` bytes (API contract).
                Ok((&[], Some((VectorKind::Binary, slice_arg(queries, n / 8, "queries")?))))
            },
        )
    }
}

/// `veclite_search` of a Float16Vector field: `queries` holds `nq * dim` float16 bit patterns;
/// `metric_type` is L2, IP or COSINE. Otherwise as `veclite_search`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_float16(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    queries: *const u16,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    ids_out: *mut i64,
    scores_out: *mut f32,
    counts_out: *mut usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    let outs = SearchOutputs { ids_out, scores_out, counts_out, result_out };
    // SAFETY: forwarded API contract.
    unsafe {
        search_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            dim,
            topk,
            metric_type,
            outs,
            err_out,
            |n| {
                // SAFETY: `queries` points to `nq * dim` values (API contract).
                Ok((
                    &[],
                    Some((VectorKind::Float16, bytemuck::cast_slice(slice_arg(queries, n, "queries")?))),
                ))
            },
        )
    }
}

/// `veclite_search` of a BFloat16Vector field: as `veclite_search_float16`, with bfloat16 bit
/// patterns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_bfloat16(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    queries: *const u16,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    ids_out: *mut i64,
    scores_out: *mut f32,
    counts_out: *mut usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    let outs = SearchOutputs { ids_out, scores_out, counts_out, result_out };
    // SAFETY: forwarded API contract.
    unsafe {
        search_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            dim,
            topk,
            metric_type,
            outs,
            err_out,
            |n| {
                // SAFETY: `queries` points to `nq * dim` values (API contract).
                Ok((
                    &[],
                    Some((VectorKind::BFloat16, bytemuck::cast_slice(slice_arg(queries, n, "queries")?))),
                ))
            },
        )
    }
}

/// `veclite_search` of an Int8Vector field: `queries` holds `nq * dim` signed bytes;
/// `metric_type` is L2, IP or COSINE. Otherwise as `veclite_search`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_int8(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    queries: *const i8,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    ids_out: *mut i64,
    scores_out: *mut f32,
    counts_out: *mut usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    let outs = SearchOutputs { ids_out, scores_out, counts_out, result_out };
    // SAFETY: forwarded API contract.
    unsafe {
        search_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            dim,
            topk,
            metric_type,
            outs,
            err_out,
            |n| {
                // SAFETY: `queries` points to `nq * dim` values (API contract).
                Ok((&[], Some((VectorKind::Int8, bytemuck::cast_slice(slice_arg(queries, n, "queries")?)))))
            },
        )
    }
}
