//! Dynamic fields on write: builds each row's `$meta` object from the caller's `$meta` column
//! (a JSON object per row) and the columns whose names are not in the schema.
//!
//! Rules (as in Milvus): a `$meta` value must be a JSON object; its keys and the dynamic
//! columns' names must not be schema field names; a null `$meta` row is an empty object; null
//! cells of dynamic columns are left out of the row's object; a key given both in `$meta` and as
//! a column is an error; the resulting text is at most `MAX_JSON_LENGTH` bytes.
//!
//! A `$meta` value passes the same check as a JSON field's ([`json::check`]: depth, finite
//! numbers, valid strings, no repeated key), and the object built from it and the dynamic
//! columns keeps those rules by construction: keys are distinct, cells are finite scalars, text
//! or flat arrays, so it nests no deeper than the `$meta` value (or 2 for a vector).

use serde_json::{Map, Value};

use crate::column::{Column, ColumnData};
use crate::error::{Error, Result};
use crate::json;
use crate::schema::{DYNAMIC_FIELD, Schema};

/// The `$meta` column of a batch of `rows` rows.
///
/// # Errors
/// [`Error::InvalidValue`] naming the field or key, the row and the rule.
pub(super) fn fold(
    schema: &Schema,
    meta: Option<&Column>,
    dynamic: &[&Column],
    rows: usize,
) -> Result<ColumnData> {
    let mut offsets = Vec::with_capacity(rows + 1);
    offsets.push(0u64);
    let mut bytes = Vec::new();
    for r in 0..rows {
        let mut object = match meta {
            Some(column) if column.is_valid(r) => object_at(schema, column, r)?,
            _ => Map::new(),
        };
        for column in dynamic {
            if let Some(value) = json::cell(column, r)?
                && object.insert(column.name().to_owned(), value).is_some()
            {
                return Err(Error::InvalidValue(format!(
                    "field `{DYNAMIC_FIELD}` row {r}: dynamic key `{}` is given both in `{DYNAMIC_FIELD}` and as a column",
                    column.name()
                )));
            }
        }
        let start = bytes.len();
        serde_json::to_writer(&mut bytes, &object)
            .map_err(|e| Error::InvalidValue(format!("field `{DYNAMIC_FIELD}` row {r}: {e}")))?;
        json::check_length(DYNAMIC_FIELD, r, bytes.len() - start)?;
        offsets.push(bytes.len() as u64);
    }
    Ok(ColumnData::VarChar { offsets, bytes })
}

/// Row `r` of a caller's `$meta` column as an object whose keys are not schema fields.
fn object_at(schema: &Schema, column: &Column, r: usize) -> Result<Map<String, Value>> {
    let Value::Object(object) = json::parse(DYNAMIC_FIELD, r, column.data().as_ref().bytes_at(r))? else {
        return Err(Error::InvalidValue(format!(
            "field `{DYNAMIC_FIELD}` row {r}: dynamic field data must be a JSON object"
        )));
    };
    if let Some(key) = object.keys().find(|k| schema.field(k).is_some()) {
        return Err(Error::InvalidValue(format!(
            "field `{DYNAMIC_FIELD}` row {r}: key `{key}` is a schema field; dynamic keys cannot reuse static field names"
        )));
    }
    Ok(object)
}
