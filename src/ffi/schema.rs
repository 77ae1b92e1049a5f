//! `veclite_schema_builder` and `veclite_schema`.

use super::{FfiError, FfiResult, call, out_arg, put, put_bytes, str_arg, veclite_error, veclite_status};
use crate::schema::{Field, FieldType, Schema, Value};

/// Field type numbers (the same numbers as Milvus's `DataType`).
pub const VECLITE_FIELD_BOOL: u32 = 1;
pub const VECLITE_FIELD_INT8: u32 = 2;
pub const VECLITE_FIELD_INT16: u32 = 3;
pub const VECLITE_FIELD_INT32: u32 = 4;
pub const VECLITE_FIELD_INT64: u32 = 5;
pub const VECLITE_FIELD_FLOAT: u32 = 10;
pub const VECLITE_FIELD_DOUBLE: u32 = 11;
pub const VECLITE_FIELD_VARCHAR: u32 = 21;
pub const VECLITE_FIELD_ARRAY: u32 = 22;
pub const VECLITE_FIELD_JSON: u32 = 23;
pub const VECLITE_FIELD_FLOAT_VECTOR: u32 = 101;

/// Field flag: the primary key.
pub const VECLITE_FLAG_PRIMARY_KEY: u32 = 1;
/// Field flag: keys are generated on insert (Int64 primary key only).
pub const VECLITE_FLAG_AUTO_ID: u32 = 2;
/// Field flag: the field accepts nulls.
pub const VECLITE_FLAG_NULLABLE: u32 = 4;
/// Field flag (reported only): the hidden JSON field `$meta` of a schema with dynamic fields.
pub const VECLITE_FLAG_DYNAMIC: u32 = 8;
/// Field flag: the partition key (Int64 or VarChar; rows are routed to partitions by its hash).
pub const VECLITE_FLAG_PARTITION_KEY: u32 = 16;

/// Number of a field type.
pub(crate) fn type_number(ty: FieldType) -> u32 {
    match ty {
        FieldType::Bool => VECLITE_FIELD_BOOL,
        FieldType::Int8 => VECLITE_FIELD_INT8,
        FieldType::Int16 => VECLITE_FIELD_INT16,
        FieldType::Int32 => VECLITE_FIELD_INT32,
        FieldType::Int64 => VECLITE_FIELD_INT64,
        FieldType::Float => VECLITE_FIELD_FLOAT,
        FieldType::Double => VECLITE_FIELD_DOUBLE,
        FieldType::VarChar { .. } => VECLITE_FIELD_VARCHAR,
        FieldType::Json => VECLITE_FIELD_JSON,
        FieldType::FloatVector { .. } => VECLITE_FIELD_FLOAT_VECTOR,
        FieldType::Array { .. } => VECLITE_FIELD_ARRAY,
        FieldType::SparseFloatVector => super::sparse::VECLITE_FIELD_SPARSE_FLOAT_VECTOR,
        other => super::vector_types::packed_type_number(other),
    }
}

pub(super) fn parse_field_type(number: u32, param: u32) -> FfiResult<FieldType> {
    Ok(match number {
        VECLITE_FIELD_BOOL => FieldType::Bool,
        VECLITE_FIELD_INT8 => FieldType::Int8,
        VECLITE_FIELD_INT16 => FieldType::Int16,
        VECLITE_FIELD_INT32 => FieldType::Int32,
        VECLITE_FIELD_INT64 => FieldType::Int64,
        VECLITE_FIELD_FLOAT => FieldType::Float,
        VECLITE_FIELD_DOUBLE => FieldType::Double,
        VECLITE_FIELD_VARCHAR => FieldType::VarChar { max_length: param },
        VECLITE_FIELD_JSON => FieldType::Json,
        VECLITE_FIELD_FLOAT_VECTOR => FieldType::FloatVector { dim: param },
        super::sparse::VECLITE_FIELD_SPARSE_FLOAT_VECTOR => FieldType::SparseFloatVector,
        VECLITE_FIELD_ARRAY => {
            return Err(FfiError::invalid(
                "an ARRAY field needs its element type and capacity: add it with veclite_schema_builder_add_array_field",
            ));
        }
        other => super::vector_types::packed_field_type(other, param)
            .ok_or_else(|| FfiError::invalid(format!("unknown field type {other}")))?,
    })
}

/// Builds a schema field by field. Under the hood a `Box<SchemaBuilder>`. Create with
/// `veclite_schema_builder_new`; `veclite_schema_builder_build` consumes it, or free it with
/// `veclite_schema_builder_free`. Not safe for concurrent mutation.
pub struct veclite_schema_builder {
    name: String,
    description: String,
    pub(super) fields: Vec<Field>,
    enable_dynamic_field: bool,
}

/// A validated collection schema. Caller owns it; free with `veclite_schema_free`. Immutable;
/// safe to share across threads.
pub struct veclite_schema {
    pub(crate) inner: Schema,
}

impl veclite_schema {
    pub(crate) fn boxed(inner: Schema) -> *mut veclite_schema {
        Box::into_raw(Box::new(veclite_schema { inner }))
    }
}

pub(super) fn with_builder(
    builder: *mut veclite_schema_builder,
    err_out: *mut *mut veclite_error,
    f: impl FnOnce(&mut veclite_schema_builder) -> FfiResult,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `builder` is NULL or live and not used concurrently (API contract).
        let b = unsafe { builder.as_mut() }.ok_or_else(|| FfiError::null("builder"))?;
        f(b)
    })
}

impl veclite_schema_builder {
    pub(super) fn field_mut(&mut self, name: &str) -> FfiResult<&mut Field> {
        self.fields
            .iter_mut()
            .find(|f| f.name == name)
            .ok_or_else(|| FfiError::invalid(format!("field `{name}` has not been added")))
    }
}

/// Starts a schema for collection `name`. On success stores the builder in `*builder_out`
/// (caller owns it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_new(
    name: *const u8,
    name_len: usize,
    builder_out: *mut *mut veclite_schema_builder,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        let out = out_arg(builder_out, "builder_out")?;
        let b = veclite_schema_builder {
            name: name.to_owned(),
            description: String::new(),
            fields: Vec::new(),
            enable_dynamic_field: false,
        };
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(b))) };
        Ok(())
    })
}

/// Adds a field. `field_type` is a `VECLITE_FIELD_*` number; `type_param` is the dim of a
/// vector field or the max_length of a VarChar field (ignored otherwise); `flags` combines
/// `VECLITE_FLAG_*`. Rules are checked by `veclite_schema_builder_build`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_add_field(
    builder: *mut veclite_schema_builder,
    name: *const u8,
    name_len: usize,
    field_type: u32,
    type_param: u32,
    flags: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_builder(builder, err_out, |b| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        let ty = parse_field_type(field_type, type_param)?;
        b.fields.push(
            Field::new(name, ty)
                .auto_id(flags & VECLITE_FLAG_AUTO_ID != 0)
                .nullable(flags & VECLITE_FLAG_NULLABLE != 0)
                .partition_key(flags & VECLITE_FLAG_PARTITION_KEY != 0),
        );
        if flags & VECLITE_FLAG_PRIMARY_KEY != 0 {
            b.field_mut(name)?.primary_key = true;
        }
        Ok(())
    })
}

fn set_default(
    builder: *mut veclite_schema_builder,
    field: *const u8,
    field_len: usize,
    value: Value,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_builder(builder, err_out, |b| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(field, field_len, "field") }?;
        b.field_mut(name)?.default_value = Some(value);
        Ok(())
    })
}

/// Sets the default value of an integer field (Int8..Int64).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_set_default_int(
    builder: *mut veclite_schema_builder,
    field: *const u8,
    field_len: usize,
    value: i64,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    set_default(builder, field, field_len, Value::Int(value), err_out)
}

/// Sets the default value of a Float or Double field.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_set_default_double(
    builder: *mut veclite_schema_builder,
    field: *const u8,
    field_len: usize,
    value: f64,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    set_default(builder, field, field_len, Value::Float(value), err_out)
}

/// Sets the default value of a Bool field.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_set_default_bool(
    builder: *mut veclite_schema_builder,
    field: *const u8,
    field_len: usize,
    value: bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    set_default(builder, field, field_len, Value::Bool(value), err_out)
}

/// Sets the default value of a VarChar field (`value_len` UTF-8 bytes, copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_set_default_varchar(
    builder: *mut veclite_schema_builder,
    field: *const u8,
    field_len: usize,
    value: *const u8,
    value_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    // SAFETY: API contract.
    let text = match unsafe { str_arg(value, value_len, "value") } {
        Ok(t) => t.to_owned(),
        Err(e) => return call(err_out, || Err(e)),
    };
    set_default(builder, field, field_len, Value::Text(text), err_out)
}

/// Sets the collection description (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_set_description(
    builder: *mut veclite_schema_builder,
    text: *const u8,
    text_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_builder(builder, err_out, |b| {
        // SAFETY: API contract.
        b.description = unsafe { str_arg(text, text_len, "text") }?.to_owned();
        Ok(())
    })
}

/// Sets the description of field `field` (copied), which must have been added.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_set_field_description(
    builder: *mut veclite_schema_builder,
    field: *const u8,
    field_len: usize,
    text: *const u8,
    text_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_builder(builder, err_out, |b| {
        // SAFETY: API contract.
        let (name, text) = unsafe { (str_arg(field, field_len, "field")?, str_arg(text, text_len, "text")?) };
        b.field_mut(name)?.description = text.to_owned();
        Ok(())
    })
}

/// Turns dynamic fields on or off (off by default). When on, the built schema gets the hidden
/// JSON field `$meta` after the declared fields, and writes may carry columns whose names are
/// not in the schema: they are kept per row in `$meta`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_enable_dynamic_field(
    builder: *mut veclite_schema_builder,
    on: bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_builder(builder, err_out, |b| {
        b.enable_dynamic_field = on;
        Ok(())
    })
}

/// Validates the schema and stores it in `*schema_out` (caller owns it). The builder is
/// consumed (freed) whatever the status.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_build(
    builder: *mut veclite_schema_builder,
    schema_out: *mut *mut veclite_schema,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        if builder.is_null() {
            return Err(FfiError::null("builder"));
        }
        // SAFETY: `builder` came from `veclite_schema_builder_new` and is consumed once.
        let b = unsafe { Box::from_raw(builder) };
        let out = out_arg(schema_out, "schema_out")?;
        let mut schema =
            Schema::builder(b.name).description(b.description).enable_dynamic_field(b.enable_dynamic_field);
        for field in b.fields {
            schema = schema.field(field);
        }
        let schema = schema.build()?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, veclite_schema::boxed(schema)) };
        Ok(())
    })
}

/// Frees a builder that was not built. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_builder_free(builder: *mut veclite_schema_builder) {
    if !builder.is_null() {
        // SAFETY: `builder` came from `veclite_schema_builder_new` and is freed once.
        drop(unsafe { Box::from_raw(builder) });
    }
}

/// Frees a schema. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_free(schema: *mut veclite_schema) {
    if !schema.is_null() {
        // SAFETY: `schema` came from the library and is freed once.
        drop(unsafe { Box::from_raw(schema) });
    }
}

/// Writes the collection name as `(ptr, len)`, valid until the schema is freed. No-op on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_name(
    schema: *const veclite_schema,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) {
    // SAFETY: `schema` is NULL or live; out-params are NULL or writable (API contract).
    if let Some(s) = unsafe { schema.as_ref() } {
        unsafe { put_bytes(s.inner.name.as_bytes(), ptr_out, len_out) };
    }
}

/// Writes the collection description as `(ptr, len)`, valid until the schema is freed. No-op on
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_description(
    schema: *const veclite_schema,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) {
    // SAFETY: `schema` is NULL or live; out-params are NULL or writable (API contract).
    if let Some(s) = unsafe { schema.as_ref() } {
        unsafe { put_bytes(s.inner.description.as_bytes(), ptr_out, len_out) };
    }
}

/// Writes the description of field `i` as `(ptr, len)`, valid until the schema is freed.
/// Returns false (writing nothing) for NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_field_description(
    schema: *const veclite_schema,
    i: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    // SAFETY: `schema` is NULL or live (API contract).
    let Some(field) = (unsafe { schema.as_ref() }).and_then(|s| s.inner.fields.get(i)) else { return false };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe { put_bytes(field.description.as_bytes(), ptr_out, len_out) };
    true
}

/// Whether dynamic fields are enabled; false for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_dynamic_field_enabled(schema: *const veclite_schema) -> bool {
    // SAFETY: `schema` is NULL or live (API contract).
    unsafe { schema.as_ref() }.is_some_and(|s| s.inner.enable_dynamic_field)
}

/// Number of fields, the hidden `$meta` field included; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_num_fields(schema: *const veclite_schema) -> usize {
    // SAFETY: `schema` is NULL or live (API contract).
    unsafe { schema.as_ref() }.map_or(0, |s| s.inner.fields.len())
}

/// Describes field `i`: its name as `(ptr, len)` (valid until the schema is freed), its
/// `VECLITE_FIELD_*` type, its dim / max_length (an array's max_capacity; the rest with
/// `veclite_schema_field_array`) and its `VECLITE_FLAG_*` flags. Each out-param
/// may be NULL. Returns false (writing nothing) for NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_schema_field(
    schema: *const veclite_schema,
    i: usize,
    name_out: *mut *const u8,
    name_len_out: *mut usize,
    type_out: *mut u32,
    type_param_out: *mut u32,
    flags_out: *mut u32,
) -> bool {
    // SAFETY: `schema` is NULL or live (API contract).
    let Some(field) = (unsafe { schema.as_ref() }).and_then(|s| s.inner.fields.get(i)) else { return false };
    let param = match field.field_type {
        FieldType::VarChar { max_length } => max_length,
        FieldType::FloatVector { dim }
        | FieldType::BinaryVector { dim }
        | FieldType::Float16Vector { dim }
        | FieldType::BFloat16Vector { dim }
        | FieldType::Int8Vector { dim } => dim,
        FieldType::Array { max_capacity, .. } => max_capacity,
        _ => 0,
    };
    let flag = |on: bool, bit: u32| if on { bit } else { 0 };
    let flags = flag(field.primary_key, VECLITE_FLAG_PRIMARY_KEY)
        | flag(field.auto_id, VECLITE_FLAG_AUTO_ID)
        | flag(field.nullable, VECLITE_FLAG_NULLABLE)
        | flag(field.is_dynamic, VECLITE_FLAG_DYNAMIC)
        | flag(field.is_partition_key, VECLITE_FLAG_PARTITION_KEY);
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(field.name.as_bytes(), name_out, name_len_out);
        for (out, value) in
            [(type_out, type_number(field.field_type)), (type_param_out, param), (flags_out, flags)]
        {
            if !out.is_null() {
                out.write(value);
            }
        }
    }
    true
}
