//! ARRAY fields in the C ABI: `veclite_schema_builder_add_array_field`,
//! `veclite_schema_field_array`, the `veclite_column_new_array_<element>` constructors (row
//! offsets + flat element values) and the accessors of an array column's offsets and values.

use super::column::{fixed_data, new_column, texts_arg, type_error, veclite_column};
use super::schema::{
    VECLITE_FLAG_NULLABLE, VECLITE_FLAG_PRIMARY_KEY, parse_field_type, type_number, veclite_schema,
    veclite_schema_builder, with_builder,
};
use super::{
    FfiError, FfiResult, arg, call, out_arg, put, put_bytes, slice_arg, str_arg, veclite_error,
    veclite_status,
};
use crate::column::ColumnData;
use crate::schema::{ElementType, Field, FieldType, MAX_ARRAY_CAPACITY};

/// Largest max_capacity of an ARRAY field.
pub const VECLITE_MAX_ARRAY_CAPACITY: u32 = 4096;
const _: () = assert!(VECLITE_MAX_ARRAY_CAPACITY == MAX_ARRAY_CAPACITY);

/// The element type of a `VECLITE_FIELD_*` scalar number.
fn element_type(number: u32) -> FfiResult<ElementType> {
    let scalar = parse_field_type(number, 1).ok();
    ElementType::ALL.into_iter().find(|e| Some(e.scalar_type(1)) == scalar).ok_or_else(|| {
        FfiError::invalid(format!(
            "element type {number} is not one an ARRAY holds (BOOL, INT8, INT16, INT32, INT64, FLOAT, DOUBLE or VARCHAR)"
        ))
    })
}

/// Adds an ARRAY field of `element_type` (a scalar `VECLITE_FIELD_*` number: BOOL, INT8, INT16,
/// INT32, INT64, FLOAT, DOUBLE or VARCHAR) holding at most `max_capacity` (1..=4096) elements;
/// `max_length` bounds each VARCHAR element in bytes (1..=65535) and must be 0 for other
/// elements. `flags` may hold `VECLITE_FLAG_NULLABLE` only (an array cannot be a primary key).
/// Rules are checked by `veclite_schema_builder_build`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_add_array_field(
    builder: *mut veclite_schema_builder,
    name: *const u8,
    name_len: usize,
    element_type_number: u32,
    max_capacity: u32,
    max_length: u32,
    flags: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_builder(builder, err_out, |b| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        let element = element_type(element_type_number)?;
        if flags & !VECLITE_FLAG_NULLABLE != 0 {
            let why = if flags & VECLITE_FLAG_PRIMARY_KEY != 0 {
                "an ARRAY field cannot be the primary key"
            } else {
                "an ARRAY field takes VECLITE_FLAG_NULLABLE only"
            };
            return Err(FfiError::invalid(format!("field `{name}`: {why}")));
        }
        let ty = FieldType::Array { element, max_capacity, max_length };
        b.fields.push(Field::new(name, ty).nullable(flags & VECLITE_FLAG_NULLABLE != 0));
        Ok(())
    })
}

/// Describes ARRAY field `i`: its element type (a scalar `VECLITE_FIELD_*` number), its
/// max_capacity and the max_length of its VARCHAR elements (0 for others). Each out-param may
/// be NULL. Returns false (writing nothing) for NULL, an index out of range or a field that is
/// not an ARRAY.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_field_array(
    schema: *const veclite_schema,
    i: usize,
    element_type_out: *mut u32,
    max_capacity_out: *mut u32,
    max_length_out: *mut u32,
) -> bool {
    // SAFETY: `schema` is NULL or live (API contract).
    let Some(field) = (unsafe { schema.as_ref() }).and_then(|s| s.inner.fields.get(i)) else { return false };
    let FieldType::Array { element, max_capacity, max_length } = field.field_type else { return false };
    for (out, value) in [
        (element_type_out, type_number(element.scalar_type(max_length))),
        (max_capacity_out, max_capacity),
        (max_length_out, max_length),
    ] {
        if !out.is_null() {
            // SAFETY: out-params are NULL or writable (API contract).
            unsafe { out.write(value) };
        }
    }
    true
}

/// Builds an array column from `rows + 1` offsets and the flat values `values()` returns.
///
/// # Safety
/// As the extern constructors.
#[allow(clippy::too_many_arguments)] // the extern constructors' arguments, passed through
unsafe fn new_array(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
    values: impl FnOnce(usize) -> FfiResult<ColumnData>,
) -> veclite_status {
    // SAFETY: forwarded contract.
    unsafe {
        new_column(name, name_len, valid, rows, column_out, err_out, || {
            let offsets = slice_arg(offsets, rows + 1, "offsets")?;
            let elements = usize::try_from(offsets[rows])
                .map_err(|_| FfiError::invalid("offsets: the last offset exceeds the address space"))?;
            Ok(ColumnData::array(offsets.to_vec(), values(elements)?)?)
        })
    }
}

/// [`new_array`] for fixed-width elements: `offsets[rows]` values of `values`, each converted
/// with `convert`.
///
/// # Safety
/// As the extern constructors.
#[allow(clippy::too_many_arguments)] // the extern constructors' arguments, passed through
unsafe fn new_fixed_array<T, U>(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const T,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
    convert: impl Fn(&T) -> U,
    wrap: impl FnOnce(Vec<U>) -> ColumnData,
) -> veclite_status {
    // SAFETY: forwarded contract.
    unsafe {
        new_array(name, name_len, offsets, rows, valid, column_out, err_out, |n| {
            Ok(wrap(slice_arg(values, n, "values")?.iter().map(convert).collect()))
        })
    }
}

/// Stores the flat element values of an array column whose values `get` accepts.
fn array_values<T>(
    column: *const veclite_column,
    data_out: *mut *const T,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
    wanted: &str,
    get: impl FnOnce(&ColumnData) -> Option<&[T]>,
) -> veclite_status {
    fixed_data(column, data_out, len_out, err_out, wanted, |d| match d {
        ColumnData::Array { values, .. } => get(values),
        _ => None,
    })
}

/// An ARRAY column of Int64 elements: row `r` (of `rows`) holds `values[offsets[r] ..
/// offsets[r + 1]]`. `offsets` has `rows + 1` entries rising from 0; `values` has
/// `offsets[rows]` entries (may be NULL when that is 0). `valid` is NULL (no nulls) or `rows`
/// flags (false = null; a null row's elements are ignored, best left empty). Everything is
/// copied; a bad layout fails with `VECLITE_STATUS_INVALID_ARGUMENT`. Capacity and element
/// rules are checked when the column is written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_int64(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const i64,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| *v,
            ColumnData::Int64,
        )
    }
}

/// An ARRAY column of Int32 elements. Same contract as `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_int32(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const i32,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| *v,
            ColumnData::Int32,
        )
    }
}

/// An ARRAY column of Int16 elements. Same contract as `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_int16(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const i16,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| *v,
            ColumnData::Int16,
        )
    }
}

/// An ARRAY column of Int8 elements. Same contract as `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_int8(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const i8,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| *v,
            ColumnData::Int8,
        )
    }
}

/// An ARRAY column of Float elements. Same contract as `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_float(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const f32,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| *v,
            ColumnData::Float,
        )
    }
}

/// An ARRAY column of Double elements. Same contract as `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_double(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const f64,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| *v,
            ColumnData::Double,
        )
    }
}

/// An ARRAY column of Bool elements (read back as one byte each, 0 or 1). Same contract as
/// `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_bool(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    values: *const bool,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_fixed_array(
            name,
            name_len,
            offsets,
            rows,
            values,
            valid,
            column_out,
            err_out,
            |v| u8::from(*v),
            ColumnData::Bool,
        )
    }
}

/// The flat element values of an ARRAY column of Int64 elements: every row's elements in row
/// order (row `r` holds elements `offsets[r]..offsets[r + 1]` of
/// `veclite_column_array_offsets`). Stores a pointer in `*data_out` and the count in `*len_out`
/// (valid while the column lives). Fails with `VECLITE_STATUS_SCHEMA_MISMATCH` for another
/// column type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_int64_values(
    column: *const veclite_column,
    data_out: *mut *const i64,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Int64)", |d| match d {
        ColumnData::Int64(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// The flat element values of an ARRAY column of Int32 elements. Same contract as
/// `veclite_column_array_int64_values`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_int32_values(
    column: *const veclite_column,
    data_out: *mut *const i32,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Int32)", |d| match d {
        ColumnData::Int32(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// The flat element values of an ARRAY column of Int16 elements. Same contract as
/// `veclite_column_array_int64_values`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_int16_values(
    column: *const veclite_column,
    data_out: *mut *const i16,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Int16)", |d| match d {
        ColumnData::Int16(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// The flat element values of an ARRAY column of Int8 elements. Same contract as
/// `veclite_column_array_int64_values`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_int8_values(
    column: *const veclite_column,
    data_out: *mut *const i8,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Int8)", |d| match d {
        ColumnData::Int8(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// The flat element values of an ARRAY column of Float elements. Same contract as
/// `veclite_column_array_int64_values`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_float_values(
    column: *const veclite_column,
    data_out: *mut *const f32,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Float)", |d| match d {
        ColumnData::Float(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// The flat element values of an ARRAY column of Double elements. Same contract as
/// `veclite_column_array_int64_values`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_double_values(
    column: *const veclite_column,
    data_out: *mut *const f64,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Double)", |d| match d {
        ColumnData::Double(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// The flat element values (one byte each, 0 or 1) of an ARRAY column of Bool elements. Same
/// contract as `veclite_column_array_int64_values`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_bool_values(
    column: *const veclite_column,
    data_out: *mut *const u8,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    array_values(column, data_out, len_out, err_out, "Array(Bool)", |d| match d {
        ColumnData::Bool(v) => Some(v.as_slice()),
        _ => None,
    })
}

/// An ARRAY column of VarChar elements: the `offsets[rows]` elements are UTF-8 strings given as
/// parallel arrays of pointers and byte lengths (invalid UTF-8 is refused naming the element).
/// Otherwise the same contract as `veclite_column_new_array_int64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_new_array_varchar(
    name: *const u8,
    name_len: usize,
    offsets: *const u64,
    rows: usize,
    strings: *const *const u8,
    lens: *const usize,
    valid: *const bool,
    column_out: *mut *mut veclite_column,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    unsafe {
        new_array(name, name_len, offsets, rows, valid, column_out, err_out, |n| {
            texts_arg(strings, lens, n, std::ptr::null())
                .map(ColumnData::varchar)
                .map_err(|e| FfiError { message: format!("array element {}", e.message), ..e })
        })
    }
}

/// Stores a pointer to the `rows + 1` element offsets of an ARRAY column (valid while the
/// column lives), its row count and its element type (a scalar `VECLITE_FIELD_*` number). Row
/// `r` holds elements `offsets[r]..offsets[r + 1]` of the flat values
/// (`veclite_column_array_<element>_values`, `veclite_column_array_varchar_value`); a null row
/// holds none. Fails with `VECLITE_STATUS_SCHEMA_MISMATCH` for a column that is not an ARRAY.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_offsets(
    column: *const veclite_column,
    offsets_out: *mut *const u64,
    rows_out: *mut usize,
    element_type_out: *mut u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let outs = (
            out_arg(offsets_out, "offsets_out")?,
            out_arg(rows_out, "rows_out")?,
            out_arg(element_type_out, "element_type_out")?,
        );
        let ColumnData::Array { offsets, values } = c.inner.data() else {
            return Err(type_error(c, "an ARRAY"));
        };
        let element = crate::column::ArrayValues::of(values).element_type();
        // SAFETY: out-params are non-NULL and writable.
        unsafe {
            put(outs.0, offsets.as_ptr());
            put(outs.1, c.inner.len());
            put(outs.2, type_number(element.scalar_type(0)));
        }
        Ok(())
    })
}

/// Stores element `index` (of the flat values, see `veclite_column_array_offsets`) of an ARRAY
/// column of VarChar elements as `(ptr, len)` UTF-8 (not NUL-terminated; valid while the column
/// lives).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_column_array_varchar_value(
    column: *const veclite_column,
    index: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let c = unsafe { arg(column, "column") }?;
        let (ptr_out, len_out) = (out_arg(ptr_out, "ptr_out")?, out_arg(len_out, "len_out")?);
        let values = match c.inner.data() {
            ColumnData::Array { values, .. } if matches!(values.as_ref(), ColumnData::VarChar { .. }) => {
                values.as_ref().as_ref()
            }
            _ => return Err(type_error(c, "Array(VarChar)")),
        };
        if index >= values.len() {
            return Err(FfiError::invalid(format!(
                "element {index} out of range (the column has {} elements)",
                values.len()
            )));
        }
        // SAFETY: out-params are non-NULL and writable.
        unsafe { put_bytes(values.bytes_at(index), ptr_out, len_out) };
        Ok(())
    })
}
