//! The ARRAY field type (Milvus `ARRAY`): element types and the schema rules of an array field.

use serde::{Deserialize, Serialize};

use super::{FieldType, MAX_VARCHAR_LENGTH};

/// Largest `max_capacity` of an array field, as in Milvus.
pub const MAX_ARRAY_CAPACITY: u32 = 4096;

/// The type of the elements of an array field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ElementType {
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Float,
    Double,
    /// UTF-8 text of at most the field's `max_length` bytes.
    VarChar,
}

impl ElementType {
    /// Every element type, in Milvus's order.
    pub const ALL: [ElementType; 8] = [
        ElementType::Bool,
        ElementType::Int8,
        ElementType::Int16,
        ElementType::Int32,
        ElementType::Int64,
        ElementType::Float,
        ElementType::Double,
        ElementType::VarChar,
    ];

    /// The Milvus name: `BOOL`, `INT8`, `INT16`, `INT32`, `INT64`, `FLOAT`, `DOUBLE`, `VARCHAR`.
    pub fn milvus_name(self) -> &'static str {
        match self {
            ElementType::Bool => "BOOL",
            ElementType::Int8 => "INT8",
            ElementType::Int16 => "INT16",
            ElementType::Int32 => "INT32",
            ElementType::Int64 => "INT64",
            ElementType::Float => "FLOAT",
            ElementType::Double => "DOUBLE",
            ElementType::VarChar => "VARCHAR",
        }
    }

    /// The element type called `name` (a Milvus name, any letter case).
    pub fn from_milvus_name(name: &str) -> Option<ElementType> {
        ElementType::ALL.into_iter().find(|e| e.milvus_name().eq_ignore_ascii_case(name))
    }

    /// The scalar field type of one element (`max_length` applies to VarChar).
    pub fn scalar_type(self, max_length: u32) -> FieldType {
        match self {
            ElementType::Bool => FieldType::Bool,
            ElementType::Int8 => FieldType::Int8,
            ElementType::Int16 => FieldType::Int16,
            ElementType::Int32 => FieldType::Int32,
            ElementType::Int64 => FieldType::Int64,
            ElementType::Float => FieldType::Float,
            ElementType::Double => FieldType::Double,
            ElementType::VarChar => FieldType::VarChar { max_length },
        }
    }
}

/// `Array(Int64, 16)` or `Array(VarChar(8), 16)`, for messages.
pub(crate) fn describe(element: ElementType, max_capacity: u32, max_length: u32) -> String {
    match element {
        ElementType::VarChar => format!("Array(VarChar({max_length}), {max_capacity})"),
        other => format!("Array({other:?}, {max_capacity})"),
    }
}

/// The schema rules of an array field, as in Milvus: `max_capacity` in
/// 1..=[`MAX_ARRAY_CAPACITY`], `max_length` in 1..=65535 for VarChar elements (and not given
/// for others), no default value. (Array fields cannot be primary keys: the key rule refuses
/// every type but Int64 and VarChar.)
///
/// # Errors
/// The rule broken.
pub(crate) fn check_field(
    element: ElementType,
    max_capacity: u32,
    max_length: u32,
    has_default: bool,
) -> std::result::Result<(), String> {
    if max_capacity == 0 || max_capacity > MAX_ARRAY_CAPACITY {
        return Err(format!("max_capacity must be in 1..={MAX_ARRAY_CAPACITY}, got {max_capacity}"));
    }
    match element {
        ElementType::VarChar if max_length == 0 || max_length > MAX_VARCHAR_LENGTH => {
            return Err(format!(
                "max_length of VarChar elements must be in 1..={MAX_VARCHAR_LENGTH}, got {max_length}"
            ));
        }
        ElementType::VarChar => {}
        other if max_length != 0 => {
            return Err(format!(
                "max_length applies to VarChar elements only, not to {}",
                other.milvus_name()
            ));
        }
        _ => {}
    }
    if has_default {
        return Err("array fields cannot have a default value".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_rules() {
        assert!(check_field(ElementType::Int64, 0, 0, false).unwrap_err().contains("max_capacity"));
        assert!(check_field(ElementType::Int64, 4097, 0, false).unwrap_err().contains("1..=4096"));
        assert!(check_field(ElementType::VarChar, 4, 0, false).unwrap_err().contains("max_length"));
        assert!(check_field(ElementType::Int8, 4, 5, false).unwrap_err().contains("VarChar elements only"));
        assert!(check_field(ElementType::Bool, 4, 0, true).unwrap_err().contains("default"));
        check_field(ElementType::VarChar, 4096, 65_535, false).unwrap();
        for e in ElementType::ALL {
            assert_eq!(ElementType::from_milvus_name(&e.milvus_name().to_lowercase()), Some(e));
        }
    }
}
