//! Primary keys generated for an insert into an auto_id collection.

use crate::column::ColumnData;
use crate::error::{Error, Result};
use crate::schema::{Field, FieldType};
use crate::timestamp;

/// Generates the keys of `rows` new rows for the auto_id primary key `field`: increasing hybrid
/// timestamps, as Int64 values or, for a VarChar key, as their decimal strings (as Milvus
/// writes them). The caller logs the keys with the batch, so replay never generates again.
///
/// # Errors
/// A VarChar key whose `max_length` is shorter than a generated string (naming the field, the
/// row, the length and the bound); nothing is written then.
pub(super) fn generate(field: &Field, rows: usize) -> Result<ColumnData> {
    let first = timestamp::reserve(rows as u64) as i64;
    let keys = first..first + rows as i64;
    match field.field_type {
        FieldType::VarChar { max_length } => {
            let keys: Vec<String> = keys.map(|k| k.to_string()).collect();
            if let Some((row, key)) = keys.iter().enumerate().find(|(_, k)| k.len() > max_length as usize) {
                return Err(Error::InvalidValue(format!(
                    "field `{}` row {row}: the generated auto_id key `{key}` has length {} and exceeds \
                     max_length {max_length} (generated keys are decimal int64 strings of up to 19 \
                     characters)",
                    field.name,
                    key.len()
                )));
            }
            Ok(ColumnData::varchar(keys))
        }
        _ => Ok(ColumnData::Int64(keys.collect())),
    }
}
