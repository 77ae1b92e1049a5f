//! `veclite_column`: typed columns built from caller buffers (copied) and read back.

use super::schema::type_number;
use super::{
    FfiError, FfiResult, arg, call, out_arg, put, put_bytes, slice_arg, str_arg, veclite_error,
    veclite_status,
};
use crate::column::{Column, ColumnData};
use crate::error::Status;

/// A named, typed column of values with optional nulls. Built by `veclite_column_new_*`, which
/// copy their input (the caller's buffers may be reused as soon as the call returns); caller owns
/// it and frees it with `veclite_column_free`. Columns returned inside results are borrowed from
/// the result and must not be freed. Immutable; safe to share across threads.
pub struct veclite_column {
    pub(crate) inner: Column,
}

impl veclite_column {
    pub(crate) fn boxed(inner: Column) -> *mut veclite_column {
        Box::into_raw(Box::new(veclite_column { inner }))
    }
}

/// Builds a column from `name` and typed data, with an optional validity mask.
///
/// # Safety
/// As the extern constructors.
pub(crate) unsafe fn new_column(
    name: *const u8,
    name_len: usize,
    valid: *const bool,
    n: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
    data: impl FnOnce() -> FfiResult<ColumnData>,
) -> veclite_status {
    // SAFETY: forwarded contract.
    unsafe {
        build_column(name, name_len, valid, n, column_out, err_out, |name| Ok(Column::new(name, data()?)))
    }
}

/// [`new_column`] for a column that `make` builds from its name.
///
/// # Safety
/// As [`new_column`].
unsafe fn build_column(
    name: *const u8,
    name_len: usize,
    valid: *const bool,
    n: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
    make: impl FnOnce(&str) -> FfiResult<Column>,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        let out = out_arg(column_out, "column_out")?;
        let mut column = make(name)?;
        if !valid.is_null() {
            // SAFETY: `valid` points to `n` bools (API contract).
            column = column.with_validity(unsafe { slice_arg(valid, n, "valid") }?.to_vec());
        }
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, veclite_column::boxed(column)) };
        Ok(())
    })
}

/// An Int8 column. Same contract as `veclite_column_new_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_int8(
    name: *const u8,
    name_len: usize,
    data: *const i8,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Int8(slice_arg(data, n, "data")?.to_vec()))
        })
    }
}

/// An Int16 column. Same contract as `veclite_column_new_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_int16(
    name: *const u8,
    name_len: usize,
    data: *const i16,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Int16(slice_arg(data, n, "data")?.to_vec()))
        })
    }
}

/// An Int32 column. Same contract as `veclite_column_new_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_int32(
    name: *const u8,
    name_len: usize,
    data: *const i32,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Int32(slice_arg(data, n, "data")?.to_vec()))
        })
    }
}

/// An Int64 column.
///
/// `data` holds `n` values (NULL allowed when `n == 0`); `valid` is NULL (every row has a value)
/// or `n` flags, false marking a null. Both are copied. On success stores the new column in
/// `*column_out` (caller owns it; free with `veclite_column_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_int64(
    name: *const u8,
    name_len: usize,
    data: *const i64,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Int64(slice_arg(data, n, "data")?.to_vec()))
        })
    }
}

/// A Float (f32) column. Same contract as `veclite_column_new_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_float(
    name: *const u8,
    name_len: usize,
    data: *const f32,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Float(slice_arg(data, n, "data")?.to_vec()))
        })
    }
}

/// A Double (f64) column. Same contract as `veclite_column_new_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_double(
    name: *const u8,
    name_len: usize,
    data: *const f64,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Double(slice_arg(data, n, "data")?.to_vec()))
        })
    }
}

/// A Bool column. Same contract as `veclite_column_new_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_bool(
    name: *const u8,
    name_len: usize,
    data: *const bool,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::Bool(slice_arg(data, n, "data")?.iter().map(|&b| u8::from(b)).collect()))
        })
    }
}

/// A FloatVector column of `rows` vectors of `dim` floats each, stored contiguously in `data`
/// (`rows * dim` floats, copied). Vector fields are never null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_float_vector(
    name: *const u8,
    name_len: usize,
    data: *const f32,
    dim: usize,
    rows: usize,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, std::ptr::null(), rows, column_out, err_out, || {
            if dim == 0 {
                return Err(FfiError::new(Status::DimensionMismatch, "vector dim must be positive"));
            }
            let n = rows.checked_mul(dim).ok_or_else(|| FfiError::invalid("rows * dim overflows"))?;
            Ok(ColumnData::FloatVector { dim, data: slice_arg(data, n, "data")?.to_vec() })
        })
    }
}

/// A VarChar column of `n` UTF-8 strings given as parallel arrays of pointers and byte lengths
/// (copied; invalid UTF-8 is rejected naming the row). `valid` as for
/// `veclite_column_new_int64`; the string of a null row may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_varchar(
    name: *const u8,
    name_len: usize,
    strings: *const *const u8,
    lens: *const usize,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_column(name, name_len, valid, n, column_out, err_out, || {
            Ok(ColumnData::varchar(texts_arg(strings, lens, n, valid)?))
        })
    }
}

/// A JSON column of `n` JSON texts (UTF-8), given and copied like the strings of
/// `veclite_column_new_varchar`. Each text is checked when written: it must parse as JSON and be
/// at most 65,536 bytes; for the dynamic field `$meta` it must be an object. Its
/// `veclite_column_type` is `VECLITE_FIELD_JSON`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_json(
    name: *const u8,
    name_len: usize,
    values: *const *const u8,
    lens: *const usize,
    n: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        build_column(name, name_len, valid, n, column_out, err_out, |name| {
            Ok(Column::json(name, texts_arg(values, lens, n, valid)?))
        })
    }
}

/// The `n` strings of parallel pointer / length arrays, a null row's string allowed to be NULL.
///
/// # Safety
/// `ptrs` and `lens` point to `n` entries; each non-NULL pointer to `lens[row]` bytes; `valid` is
/// NULL or points to `n` flags.
pub(super) unsafe fn texts_arg<'a>(
    ptrs: *const *const u8,
    lens: *const usize,
    n: usize,
    valid: *const bool,
) -> FfiResult<Vec<&'a str>> {
    // SAFETY: API contract (see above).
    unsafe {
        let ptrs = slice_arg(ptrs, n, "strings")?;
        let lens = slice_arg(lens, n, "lens")?;
        let valid = if valid.is_null() { None } else { Some(slice_arg(valid, n, "valid")?) };
        let mut texts = Vec::with_capacity(n);
        for row in 0..n {
            if valid.is_some_and(|v| !v[row]) && ptrs[row].is_null() {
                texts.push("");
                continue;
            }
            let text = str_arg(ptrs[row], lens[row], "strings")
                .map_err(|e| FfiError { message: format!("row {row}: {}", e.message), ..e })?;
            texts.push(text);
        }
        Ok(texts)
    }
}

/// Frees a column created by a `veclite_column_new_*` function. NULL is a no-op. Never free a
/// column borrowed from a result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_free(column: *mut veclite_column) {
    if !column.is_null() {
        // SAFETY: `column` came from `veclite_column_new_*` and is freed once (API contract).
        drop(unsafe { Box::from_raw(column) });
    }
}

/// Number of rows; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_len(column: *const veclite_column) -> usize {
    // SAFETY: `column` is NULL or live (API contract).
    unsafe { column.as_ref() }.map_or(0, |c| c.inner.len())
}

/// `VECLITE_FIELD_*` type of the column; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_type(column: *const veclite_column) -> u32 {
    use crate::schema::FieldType;
    // SAFETY: `column` is NULL or live (API contract).
    unsafe { column.as_ref() }.map_or(0, |c| {
        type_number(match c.inner.data() {
            ColumnData::VarChar { .. } if c.inner.is_json() => FieldType::Json,
            ColumnData::Bool(_) => FieldType::Bool,
            ColumnData::Int8(_) => FieldType::Int8,
            ColumnData::Int16(_) => FieldType::Int16,
            ColumnData::Int32(_) => FieldType::Int32,
            ColumnData::Int64(_) => FieldType::Int64,
            ColumnData::Float(_) => FieldType::Float,
            ColumnData::Double(_) => FieldType::Double,
            ColumnData::VarChar { .. } => FieldType::VarChar { max_length: 0 },
            ColumnData::FloatVector { dim, .. } => FieldType::FloatVector { dim: *dim as u32 },
            ColumnData::Array { values, .. } => FieldType::Array {
                element: crate::column::ArrayValues::of(values).element_type(),
                max_capacity: 0,
                max_length: 0,
            },
            ColumnData::PackedVector { kind, dim, .. } => kind.field_type(*dim as u32),
            ColumnData::SparseVector { .. } => FieldType::SparseFloatVector,
        })
    })
}

/// Writes the column (field) name as `(ptr, len)`, valid while the column lives. No-op on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_name(
    column: *const veclite_column,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) {
    // SAFETY: `column` is NULL or live; out-params NULL or writable (API contract).
    if let Some(c) = unsafe { column.as_ref() } {
        unsafe { put_bytes(c.inner.name().as_bytes(), ptr_out, len_out) };
    }
}

/// Stores a pointer to the validity flags (`len` bools, false = null) in `*valid_out`, or NULL
/// when every row has a value. Valid while the column lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_validity(
    column: *const veclite_column,
    valid_out: *mut *const bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let out = out_arg(valid_out, "valid_out")?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, c.inner.validity().map_or(std::ptr::null(), <[bool]>::as_ptr)) };
        Ok(())
    })
}

pub(crate) fn type_error(c: &veclite_column, wanted: &str) -> FfiError {
    FfiError::new(
        Status::SchemaMismatch,
        format!("column `{}` holds {}, not {wanted}", c.inner.name(), c.inner.data().as_ref().type_name()),
    )
}

/// Stores a pointer to the values of a fixed-width column of variant `get` and their count.
pub(super) fn fixed_data<T>(
    column: *const veclite_column,
    data_out: *mut *const T,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
    wanted: &str,
    get: impl FnOnce(&ColumnData) -> Option<&[T]>,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let (data_out, len_out) = (out_arg(data_out, "data_out")?, out_arg(len_out, "len_out")?);
        let values = get(c.inner.data()).ok_or_else(|| type_error(c, wanted))?;
        // SAFETY: out-params are non-NULL and writable.
        unsafe {
            put(data_out, values.as_ptr());
            put(len_out, values.len());
        }
        Ok(())
    })
}

/// Values of a Int8 column. Same contract as `veclite_column_int64_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_int8_data(
    column: *const veclite_column,
    data_out: *mut *const i8,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Int8", |d| match d {
        ColumnData::Int8(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Values of a Int16 column. Same contract as `veclite_column_int64_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_int16_data(
    column: *const veclite_column,
    data_out: *mut *const i16,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Int16", |d| match d {
        ColumnData::Int16(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Values of a Int32 column. Same contract as `veclite_column_int64_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_int32_data(
    column: *const veclite_column,
    data_out: *mut *const i32,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Int32", |d| match d {
        ColumnData::Int32(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Values of a Int64 column.
///
/// Stores a pointer to the column's values in `*data_out` and their count in `*len_out` (valid
/// while the column lives). Fails with `VECLITE_STATUS_SCHEMA_MISMATCH` if the column has
/// another type. Values of null rows are unspecified.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_int64_data(
    column: *const veclite_column,
    data_out: *mut *const i64,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Int64", |d| match d {
        ColumnData::Int64(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Values of a Float column. Same contract as `veclite_column_int64_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_float_data(
    column: *const veclite_column,
    data_out: *mut *const f32,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Float", |d| match d {
        ColumnData::Float(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Values of a Double column. Same contract as `veclite_column_int64_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_double_data(
    column: *const veclite_column,
    data_out: *mut *const f64,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Double", |d| match d {
        ColumnData::Double(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Values of a Bool (one byte per row, 0 or 1) column. Same contract as `veclite_column_int64_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_bool_data(
    column: *const veclite_column,
    data_out: *mut *const u8,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, "Bool", |d| match d {
        ColumnData::Bool(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// Stores a pointer to the `rows * dim` contiguous floats of a FloatVector column, its row
/// count and its dim (valid while the column lives).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_float_vector_data(
    column: *const veclite_column,
    data_out: *mut *const f32,
    rows_out: *mut usize,
    dim_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let outs =
            (out_arg(data_out, "data_out")?, out_arg(rows_out, "rows_out")?, out_arg(dim_out, "dim_out")?);
        let ColumnData::FloatVector { dim, data } = c.inner.data() else {
            return Err(type_error(c, "FloatVector"));
        };
        // SAFETY: out-params are non-NULL and writable.
        unsafe {
            put(outs.0, data.as_ptr());
            put(outs.1, c.inner.len());
            put(outs.2, *dim);
        }
        Ok(())
    })
}

/// Stores row `row` of a VarChar or JSON column as `(ptr, len)` UTF-8 (not NUL-terminated;
/// valid while the column lives). A JSON row is its JSON text; a null row is empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_varchar_value(
    column: *const veclite_column,
    row: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let (ptr_out, len_out) = (out_arg(ptr_out, "ptr_out")?, out_arg(len_out, "len_out")?);
        let view = c.inner.data().as_ref();
        if !matches!(c.inner.data(), ColumnData::VarChar { .. }) {
            return Err(type_error(c, "VarChar or JSON"));
        }
        if row >= view.len() {
            return Err(FfiError::invalid(format!(
                "row {row} out of range (column has {} rows)",
                view.len()
            )));
        }
        // SAFETY: out-params are non-NULL and writable.
        unsafe { put_bytes(view.bytes_at(row), ptr_out, len_out) };
        Ok(())
    })
}
