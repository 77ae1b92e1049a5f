//! Binary, float16, bfloat16, int8 and sparse vector fields in bulk files: JSON carries them in
//! Milvus's JSON forms; the NumPy and Parquet formats do not carry them yet and refuse them.

use std::fmt::Write as _;

use veclite::{Field, FieldType, VectorKind};

/// Refuses an export or import in `format` of `fields` holding a packed or sparse vector field.
///
/// # Errors
/// The first such field, its type and the format that carries it.
pub fn refuse(fields: &[Field], format: &str) -> Result<(), String> {
    let name = |f: &Field| match f.field_type {
        FieldType::SparseFloatVector => Some("SPARSE_FLOAT_VECTOR"),
        ty => ty.vector_kind().map(|(kind, _)| kind.milvus_name()),
    };
    match fields.iter().find_map(|f| name(f).map(|type_name| (f, type_name))) {
        Some((field, type_name)) => Err(format!(
            "field `{}` is {type_name}: the {format} format does not carry this type yet; use --format json",
            field.name
        )),
        None => Ok(()),
    }
}

/// The JSON text of one sparse vector row in Milvus's JSON import form: an object from each
/// index (as text) to its value (stored values are finite).
pub fn sparse_json_text(indices: &[u32], values: &[f32]) -> String {
    let mut text = String::from("{");
    for (k, (i, v)) in indices.iter().zip(values).enumerate() {
        if k > 0 {
            text.push_str(", ");
        }
        let _ = write!(text, "\"{i}\": {v}");
    }
    text.push('}');
    text
}

/// The JSON text of one stored vector of `kind`, in Milvus's JSON import forms: the bytes of a
/// binary vector, the integers of an int8 vector, the values of a float16 or bfloat16 vector.
pub fn json_text(kind: VectorKind, row: &[u8]) -> String {
    let mut text = String::from("[");
    let mut push = |i: usize, value: &dyn std::fmt::Display| {
        if i > 0 {
            text.push_str(", ");
        }
        let _ = write!(text, "{value}");
    };
    match kind {
        VectorKind::Binary => row.iter().enumerate().for_each(|(i, b)| push(i, b)),
        VectorKind::Int8 => row.iter().enumerate().for_each(|(i, &b)| push(i, &(b as i8))),
        // Debug prints the shortest digits that give back the value, with a decimal point.
        _ => kind.widen(row).iter().enumerate().for_each(|(i, x)| push(i, &format_args!("{x:?}"))),
    }
    text.push(']');
    text
}
