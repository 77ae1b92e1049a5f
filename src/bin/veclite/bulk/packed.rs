//! Binary, float16, bfloat16 and int8 vector fields in bulk files: JSON carries them in
//! Milvus's JSON forms; the NumPy and Parquet formats do not carry them yet and refuse them.

use std::fmt::Write as _;

use veclite::{Field, VectorKind};

/// Refuses an export or import in `format` of `fields` holding a packed vector field.
///
/// # Errors
/// The first such field, its type and the format that carries it.
pub fn refuse(fields: &[Field], format: &str) -> Result<(), String> {
    match fields.iter().find_map(|f| f.field_type.vector_kind().map(|(kind, _)| (f, kind))) {
        Some((field, kind)) => Err(format!(
            "field `{}` is {}: the {format} format does not carry this type yet; use --format json",
            field.name,
            kind.milvus_name()
        )),
        None => Ok(()),
    }
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
