//! Reading a field's default value back from a built schema: `veclite_schema_field_default`.

use super::put_bytes;
use super::schema::veclite_schema;
use crate::schema::Value;

/// Describes the default value of field `i`, in the out-param of its kind: `int_out` for an
/// integer field (Int8..Int64), `double_out` for Float and Double, `bool_out` for Bool,
/// `text_out` / `text_len_out` (valid until the schema is freed, not NUL-terminated) for
/// VarChar. Each out-param may be NULL. Returns false (writing nothing) for NULL, an index out
/// of range or a field without a default value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_field_default(
    schema: *const veclite_schema,
    i: usize,
    int_out: *mut i64,
    double_out: *mut f64,
    bool_out: *mut bool,
    text_out: *mut *const u8,
    text_len_out: *mut usize,
) -> bool {
    // SAFETY: `schema` is NULL or live (API contract).
    let Some(field) = (unsafe { schema.as_ref() }).and_then(|s| s.inner.fields.get(i)) else { return false };
    // SAFETY: out-params are NULL or writable (API contract); NULL ones are skipped.
    unsafe {
        match &field.default_value {
            Some(Value::Int(v)) if !int_out.is_null() => int_out.write(*v),
            Some(Value::Float(v)) if !double_out.is_null() => double_out.write(*v),
            Some(Value::Bool(v)) if !bool_out.is_null() => bool_out.write(*v),
            Some(Value::Text(s)) => put_bytes(s.as_bytes(), text_out, text_len_out),
            Some(Value::Null) | None => return false,
            Some(_) => {}
        }
    }
    true
}
