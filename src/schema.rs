//! Collection schemas: field types, the primary key, nullability, defaults and name rules.
//!
//! A [`Schema`] is validated once, when it is built; every later write relies on its rules.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::params::VectorKind;

/// Most vector fields a collection may have (Milvus's default `proxy.maxVectorFieldNum`).
pub const MAX_VECTOR_FIELDS: usize = 4;
/// Largest vector dimension accepted.
pub const MAX_DIM: u32 = 32_768;
/// Largest `max_length` accepted for a VarChar field (bytes), as in Milvus.
pub const MAX_VARCHAR_LENGTH: u32 = 65_535;
/// Longest accepted name of a collection, partition or field.
pub const MAX_NAME_LEN: usize = 255;
/// Name of the partition every collection has.
pub const DEFAULT_PARTITION: &str = "_default";
/// Name of the hidden JSON field that holds a row's dynamic keys, as in Milvus.
pub const DYNAMIC_FIELD: &str = "$meta";
/// Largest JSON value accepted (bytes of its text), as in Milvus (`common.JSONMaxLength`).
pub const MAX_JSON_LENGTH: usize = 65_536;
/// Deepest nesting of arrays and objects in a JSON value: `[[1]]` nests 2 deep, a scalar 0.
/// Every stored JSON value is within it, so filters, `get` and the bindings can read it all.
pub const MAX_JSON_DEPTH: usize = 64;
/// Largest Euclidean norm of a stored or query vector.
///
/// Scores are computed in `f32`. Under this bound, for any two admissible vectors `a` and `b`:
/// `|a|² ≤ 1e36`, `|a·b| ≤ |a||b| ≤ 1e36`, `|a − b|² ≤ (|a| + |b|)² ≤ 4e36`, and the squared
/// distances HNSW builds for inner product (which add at most `1e36`) stay below `5e36` — every
/// partial sum too — leaving a margin of more than 60× below `f32::MAX` (≈ 3.4e38) for
/// rounding. Larger vectors would make L2, IP and COSINE scores overflow to infinity (or NaN)
/// and drop hits silently, so they are refused.
pub const MAX_VECTOR_NORM: f32 = 1e18;

mod array;

pub use array::{ElementType, MAX_ARRAY_CAPACITY};

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldType {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Float,
    Double,
    /// UTF-8 text of at most `max_length` bytes.
    VarChar {
        max_length: u32,
    },
    /// Dense f32 vector of `dim` components.
    FloatVector {
        dim: u32,
    },
    /// A JSON value of at most [`MAX_JSON_LENGTH`] bytes and [`MAX_JSON_DEPTH`] levels of
    /// nesting, stored as its UTF-8 text (the rules: [`crate::json::check`]).
    Json,
    /// A list of at most `max_capacity` scalars of type `element` (Milvus `ARRAY`);
    /// `max_length` bounds each VarChar element in bytes and is 0 for other elements.
    Array {
        element: ElementType,
        max_capacity: u32,
        max_length: u32,
    },
    /// Packed bit vector of `dim` bits (a multiple of 8), `dim / 8` bytes a row.
    BinaryVector {
        dim: u32,
    },
    /// IEEE binary16 vector of `dim` components, 2 bytes each, stored as given.
    Float16Vector {
        dim: u32,
    },
    /// bfloat16 vector of `dim` components, 2 bytes each, stored as given.
    BFloat16Vector {
        dim: u32,
    },
    /// Signed 8-bit integer vector of `dim` components.
    Int8Vector {
        dim: u32,
    },
    /// Sparse float vector: a map from u32 indices below 2³² − 1 to finite f32 values, of any
    /// length (no dim), searched by inner product (see [`crate::column::sparse`]).
    SparseFloatVector,
}

impl FieldType {
    /// Whether this is a vector type.
    pub fn is_vector(self) -> bool {
        matches!(self, FieldType::FloatVector { .. } | FieldType::SparseFloatVector)
            || self.vector_kind().is_some()
    }

    /// The element type of a binary, float16, bfloat16 or int8 vector field, with its dim.
    pub fn vector_kind(self) -> Option<(VectorKind, usize)> {
        match self {
            FieldType::BinaryVector { dim } => Some((VectorKind::Binary, dim as usize)),
            FieldType::Float16Vector { dim } => Some((VectorKind::Float16, dim as usize)),
            FieldType::BFloat16Vector { dim } => Some((VectorKind::BFloat16, dim as usize)),
            FieldType::Int8Vector { dim } => Some((VectorKind::Int8, dim as usize)),
            _ => None,
        }
    }

    /// Short name used in messages, e.g. `Int64` or `FloatVector(8)`.
    pub fn describe(self) -> String {
        match self {
            FieldType::VarChar { max_length } => format!("VarChar({max_length})"),
            FieldType::FloatVector { dim } => format!("FloatVector({dim})"),
            FieldType::Json => "JSON".to_owned(),
            FieldType::SparseFloatVector => "SparseFloatVector".to_owned(),
            FieldType::Array { element, max_capacity, max_length } => {
                array::describe(element, max_capacity, max_length)
            }
            FieldType::BinaryVector { dim }
            | FieldType::Float16Vector { dim }
            | FieldType::BFloat16Vector { dim }
            | FieldType::Int8Vector { dim } => {
                format!("{}({dim})", self.vector_kind().map_or("", |(k, _)| k.name()))
            }
            other => format!("{other:?}"),
        }
    }
}

/// A scalar value, used for default values and for single-cell reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

/// One field of a schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub field_type: FieldType,
    pub description: String,
    pub primary_key: bool,
    pub auto_id: bool,
    pub nullable: bool,
    pub default_value: Option<Value>,
    /// Whether this is the hidden `$meta` field of a schema with dynamic fields enabled.
    #[serde(default)]
    pub is_dynamic: bool,
    /// Whether rows are routed to partitions by this field's value (see
    /// [`crate::collection::partition_key`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_partition_key: bool,
}

impl Field {
    /// A plain (non-key, non-nullable) field.
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Self {
        Field {
            name: name.into(),
            field_type,
            description: String::new(),
            primary_key: false,
            auto_id: false,
            nullable: false,
            default_value: None,
            is_dynamic: false,
            is_partition_key: false,
        }
    }

    /// The hidden `$meta` JSON field added to schemas with dynamic fields enabled.
    pub fn dynamic() -> Self {
        Field { is_dynamic: true, ..Field::new(DYNAMIC_FIELD, FieldType::Json) }
    }

    /// Marks the field as the primary key.
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self
    }

    /// Lets veclite generate the primary key on insert: increasing int64 values, written as
    /// their decimal strings for a VarChar key (whose `max_length` must hold them).
    pub fn auto_id(mut self, on: bool) -> Self {
        self.auto_id = on;
        self
    }

    /// Allows nulls; an omitted nullable field is stored as null.
    pub fn nullable(mut self, on: bool) -> Self {
        self.nullable = on;
        self
    }

    /// Makes the field the collection's partition key: rows are routed to partitions by a hash
    /// of its value. Int64 or VarChar, not the primary key, not nullable.
    pub fn partition_key(mut self, on: bool) -> Self {
        self.is_partition_key = on;
        self
    }

    /// Value stored when the field is omitted or given as null.
    pub fn default_value(mut self, value: Value) -> Self {
        self.default_value = Some(value);
        self
    }

    /// Free-text description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// Vector dimension, if this is a vector field.
    pub fn dim(&self) -> Option<usize> {
        match self.field_type {
            FieldType::FloatVector { dim } => Some(dim as usize),
            other => other.vector_kind().map(|(_, dim)| dim),
        }
    }

    fn validate(&self) -> Result<()> {
        let bad = |rule: &str| Err(Error::SchemaMismatch(format!("field `{}`: {rule}", self.name)));
        if self.is_dynamic {
            if *self != Field::dynamic().description(self.description.clone()) {
                return bad(&format!(
                    "the dynamic field must be the plain JSON field `{DYNAMIC_FIELD}`, added by enable_dynamic_field"
                ));
            }
            return Ok(());
        }
        validate_name("field", &self.name)?;
        match self.field_type {
            FieldType::FloatVector { dim } if dim == 0 || dim > MAX_DIM => {
                return bad(&format!("vector dim must be in 1..={MAX_DIM}, got {dim}"));
            }
            FieldType::VarChar { max_length } if max_length == 0 || max_length > MAX_VARCHAR_LENGTH => {
                return bad(&format!("max_length must be in 1..={MAX_VARCHAR_LENGTH}, got {max_length}"));
            }
            FieldType::Array { element, max_capacity, max_length } => {
                array::check_field(element, max_capacity, max_length, self.default_value.is_some())
                    .or_else(|rule| bad(&rule))?;
            }
            _ => {}
        }
        if let Some((kind, dim)) = self.field_type.vector_kind()
            && let Err(rule) = kind.check_dim(dim)
        {
            return bad(&rule);
        }
        if self.primary_key {
            if !matches!(self.field_type, FieldType::Int64 | FieldType::VarChar { .. }) {
                // Array fields included: Milvus refuses them as primary keys too.
                return bad("the primary key must be Int64 or VarChar");
            }
            if self.nullable || self.default_value.is_some() {
                return bad("the primary key cannot be nullable or have a default value");
            }
        } else if self.auto_id {
            return bad("auto_id is only allowed on the primary key");
        }
        if self.is_partition_key {
            check_partition_key(self)
                .map_err(|rule| Error::SchemaMismatch(format!("field `{}`: {rule}", self.name)))?;
        }
        if self.field_type.is_vector() && (self.nullable || self.default_value.is_some()) {
            return bad("vector fields cannot be nullable or have a default value");
        }
        if self.field_type == FieldType::Json && self.default_value.is_some() {
            return bad("JSON fields cannot have a default value");
        }
        if let Some(default) = &self.default_value
            && !value_fits(self.field_type, default)
        {
            return bad(&format!(
                "default value {default:?} does not fit type {}",
                self.field_type.describe()
            ));
        }
        Ok(())
    }
}

fn value_fits(ty: FieldType, value: &Value) -> bool {
    match (ty, value) {
        (_, Value::Null) => false,
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Int8, Value::Int(v)) => i8::try_from(*v).is_ok(),
        (FieldType::Int16, Value::Int(v)) => i16::try_from(*v).is_ok(),
        (FieldType::Int32, Value::Int(v)) => i32::try_from(*v).is_ok(),
        (FieldType::Int64, Value::Int(_)) => true,
        (FieldType::Float | FieldType::Double, Value::Float(v)) => v.is_finite(),
        (FieldType::VarChar { max_length }, Value::Text(s)) => s.len() <= max_length as usize,
        _ => false,
    }
}

/// Why a vector whose norm computes to `norm` (in `f32`, as for storage) is refused: `None`
/// when `norm` is within [`MAX_VECTOR_NORM`]. The message gives the norm computed in `f64`,
/// which does not overflow.
pub(crate) fn vector_norm_excess(vector: &[f32], norm: f32) -> Option<String> {
    if norm <= MAX_VECTOR_NORM {
        return None;
    }
    let exact = vector.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
    Some(format!(
        "vector norm {exact:.3e} exceeds the maximum of {MAX_VECTOR_NORM:e} (larger vectors make distances overflow f32)"
    ))
}

/// Checks the name rule shared by collections, partitions and fields:
/// 1..=255 characters of `[A-Za-z_][A-Za-z0-9_]*`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the kind of object and the rule broken.
pub fn validate_name(kind: &str, name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok_first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let ok_rest = chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() || name.len() > MAX_NAME_LEN || !ok_first || !ok_rest {
        return Err(Error::InvalidArgument(format!(
            "invalid {kind} name `{name}`: names are 1..={MAX_NAME_LEN} characters of [A-Za-z_][A-Za-z0-9_]*"
        )));
    }
    Ok(())
}

/// A validated collection schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
    pub enable_dynamic_field: bool,
}

impl Schema {
    /// Starts a schema for collection `name`.
    pub fn builder(name: impl Into<String>) -> SchemaBuilder {
        SchemaBuilder {
            schema: Schema {
                name: name.into(),
                description: String::new(),
                fields: Vec::new(),
                enable_dynamic_field: false,
            },
        }
    }

    /// Index of the primary-key field.
    pub fn pk_index(&self) -> usize {
        self.fields.iter().position(|f| f.primary_key).unwrap_or(0)
    }

    /// Position of the partition-key field, if the schema has one.
    pub fn partition_key_index(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.is_partition_key)
    }

    /// The primary-key field.
    pub fn pk_field(&self) -> &Field {
        &self.fields[self.pk_index()]
    }

    /// Position of the field called `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Position of the hidden `$meta` field (present exactly when dynamic fields are enabled).
    pub fn dynamic_field_index(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.is_dynamic)
    }

    /// Makes the fields agree with `enable_dynamic_field`: appends the `$meta` field when the
    /// flag is on and the field is missing. Idempotent; [`Schema::validate`] checks the result.
    pub fn with_dynamic_field(mut self) -> Self {
        if self.enable_dynamic_field && self.dynamic_field_index().is_none() {
            self.fields.push(Field::dynamic());
        }
        self
    }

    /// Checks every schema rule.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a bad collection name, [`Error::SchemaMismatch`] for
    /// anything else: no or several primary keys, no vector field, duplicate field names, bad
    /// dims or lengths, defaults that do not fit.
    pub fn validate(&self) -> Result<()> {
        validate_name("collection", &self.name)?;
        for field in &self.fields {
            field.validate()?;
        }
        let pk_count = self.fields.iter().filter(|f| f.primary_key).count();
        if pk_count != 1 {
            return Err(Error::SchemaMismatch(format!(
                "collection `{}` must have exactly one primary key field, found {pk_count}",
                self.name
            )));
        }
        let vectors = self.fields.iter().filter(|f| f.field_type.is_vector()).count();
        if vectors == 0 {
            return Err(Error::SchemaMismatch(format!(
                "collection `{}` must have at least one vector field",
                self.name
            )));
        }
        if vectors > MAX_VECTOR_FIELDS {
            return Err(Error::SchemaMismatch(format!(
                "collection `{}` has {vectors} vector fields: the maximum number of vector fields in a collection is \
                 {MAX_VECTOR_FIELDS}",
                self.name
            )));
        }
        let keys = self.fields.iter().filter(|f| f.is_partition_key).count();
        if keys > 1 {
            return Err(Error::SchemaMismatch(format!(
                "collection `{}`: there are more than one partition key fields ({keys}); a collection has at most one",
                self.name
            )));
        }
        let dynamic = self.fields.iter().filter(|f| f.is_dynamic).count();
        if dynamic != usize::from(self.enable_dynamic_field) {
            return Err(Error::SchemaMismatch(format!(
                "collection `{}`: a schema has the dynamic field `{DYNAMIC_FIELD}` exactly when \
                 enable_dynamic_field is on (on: {}, dynamic fields: {dynamic})",
                self.name, self.enable_dynamic_field
            )));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(Error::SchemaMismatch(format!(
                    "collection `{}` has two fields named `{}`",
                    self.name, f.name
                )));
            }
        }
        Ok(())
    }
}

/// Builder for [`Schema`]; `build` validates.
#[derive(Debug, Clone)]
pub struct SchemaBuilder {
    schema: Schema,
}

impl SchemaBuilder {
    /// Adds a field.
    pub fn field(mut self, field: Field) -> Self {
        self.schema.fields.push(field);
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.schema.description = text.into();
        self
    }

    /// Keeps keys that are not in the schema in a per-row JSON `$meta` field (added by
    /// `build`, after the declared fields).
    pub fn enable_dynamic_field(mut self, on: bool) -> Self {
        self.schema.enable_dynamic_field = on;
        self
    }

    /// Validates and returns the schema.
    ///
    /// # Errors
    /// As [`Schema::validate`].
    pub fn build(self) -> Result<Schema> {
        let schema = self.schema.with_dynamic_field();
        schema.validate()?;
        Ok(schema)
    }
}

/// Why `field` (marked as the partition key) cannot be one; `Ok` when it can.
fn check_partition_key(field: &Field) -> std::result::Result<(), String> {
    if !matches!(field.field_type, FieldType::Int64 | FieldType::VarChar { .. }) {
        return Err("the data type of the partition key should be Int64 or VarChar".into());
    }
    if field.primary_key {
        return Err("the partition key field must not be the primary key field".into());
    }
    if field.nullable {
        return Err("the partition key field cannot be nullable".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> SchemaBuilder {
        Schema::builder("hello")
            .field(Field::new("ID", FieldType::Int64).primary_key())
            .field(Field::new("random", FieldType::Double))
            .field(Field::new("embeddings", FieldType::FloatVector { dim: 8 }))
    }

    #[test]
    fn seed_schema_is_valid() {
        let s = seed().build().unwrap();
        assert_eq!(s.pk_field().name, "ID");
        assert_eq!(s.field_index("embeddings"), Some(2));
        assert_eq!(s.dynamic_field_index(), None);
    }

    #[test]
    fn dynamic_schemas_carry_the_meta_field_last() {
        let s = seed().field(Field::new("doc", FieldType::Json).nullable(true)).enable_dynamic_field(true);
        let s = s.build().unwrap();
        assert_eq!(s.dynamic_field_index(), Some(4));
        assert_eq!(s.fields[4], Field::dynamic());
        assert_eq!(s.clone().with_dynamic_field(), s);
        let mut off = s.clone();
        off.enable_dynamic_field = false;
        assert!(off.validate().unwrap_err().to_string().contains("exactly when"));
    }

    #[test]
    fn names_follow_the_rule() {
        for good in ["a", "_x", "A_1", &"z".repeat(255)] {
            validate_name("field", good).unwrap();
        }
        for bad in ["", "1a", "a-b", "a b", "é", &"z".repeat(256)] {
            let err = validate_name("field", bad).unwrap_err();
            assert!(err.to_string().contains("invalid field name"), "{err}");
        }
    }

    #[test]
    fn schema_rules_are_enforced() {
        let no_pk = Schema::builder("c").field(Field::new("v", FieldType::FloatVector { dim: 4 }));
        assert!(no_pk.build().unwrap_err().to_string().contains("exactly one primary key"));

        let no_vec = Schema::builder("c").field(Field::new("id", FieldType::Int64).primary_key());
        assert!(no_vec.build().unwrap_err().to_string().contains("at least one vector"));

        let dup = seed().field(Field::new("random", FieldType::Float));
        assert!(dup.build().unwrap_err().to_string().contains("two fields named `random`"));

        let dim0 = seed().field(Field::new("v2", FieldType::FloatVector { dim: 0 }));
        assert!(dim0.build().unwrap_err().to_string().contains("dim must be in"));

        let big = seed().field(Field::new("v2", FieldType::FloatVector { dim: MAX_DIM + 1 }));
        assert!(big.build().is_err());

        let float_pk = Schema::builder("c")
            .field(Field::new("id", FieldType::Double).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 4 }));
        assert!(float_pk.build().unwrap_err().to_string().contains("Int64 or VarChar"));

        let auto_varchar = Schema::builder("c")
            .field(Field::new("id", FieldType::VarChar { max_length: 8 }).primary_key().auto_id(true))
            .field(Field::new("v", FieldType::FloatVector { dim: 4 }));
        assert!(auto_varchar.build().is_ok(), "auto_id on a VarChar key is allowed, as in Milvus 2.3+");

        let nullable_vec = seed().field(Field::new("v2", FieldType::FloatVector { dim: 2 }).nullable(true));
        assert!(nullable_vec.build().unwrap_err().to_string().contains("vector fields cannot"));

        let bad_default = seed().field(Field::new("x", FieldType::Int8).default_value(Value::Int(300)));
        assert!(bad_default.build().unwrap_err().to_string().contains("does not fit"));

        let json_default =
            seed().field(Field::new("j", FieldType::Json).default_value(Value::Text("{}".into())));
        assert!(json_default.build().unwrap_err().to_string().contains("JSON fields cannot have a default"));

        let explicit_dynamic = seed().field(Field::dynamic());
        assert!(explicit_dynamic.build().unwrap_err().to_string().contains("exactly when"));

        let long_default = seed().field(
            Field::new("t", FieldType::VarChar { max_length: 2 }).default_value(Value::Text("abc".into())),
        );
        assert!(long_default.build().is_err());
    }
}
