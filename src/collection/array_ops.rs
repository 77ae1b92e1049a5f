//! Per-field operations of a partial update (Milvus's `FieldPartialUpdateOp`, pymilvus's
//! `FieldOp`): `ARRAY_APPEND` and `ARRAY_REMOVE` on Array fields.
//!
//! The operation is resolved against the live row under the writer lock, and the resolved
//! arrays replace the payload column before validation, so the write-ahead log records the
//! resulting rows (replay never re-applies an operation) and the batch stays all-or-nothing.
//!
//! Per row, as Milvus defines them:
//! - `ArrayAppend`: the live elements, then the payload's (order and duplicates kept); more
//!   than `max_capacity` elements in all is refused, naming the row, key and field.
//! - `ArrayRemove`: the live elements minus every element equal to one of the payload's
//!   (order of the survivors kept); a payload matching nothing leaves the row as it was.
//! - A null payload (nullable field) leaves the row's value as it was; a null live value is an
//!   empty array, so the result is the payload (append) or empty (remove), and valid.
//! - A key with no live row starts from an empty array: append inserts the payload, remove
//!   inserts an empty array.

use std::collections::HashMap;

use super::State;
use super::pk_index::RowLoc;
use crate::column::{ArrayElem, ArrayRow, Column, ColumnData, ColumnRef, PrimaryKeys};
use crate::error::{Error, Result};
use crate::schema::{Field, FieldType, Schema};

/// What a partial update does to one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOp {
    /// The given value replaces the field's (the default).
    Replace,
    /// The given elements are appended to the live array.
    ArrayAppend,
    /// Every live element equal to a given element is removed.
    ArrayRemove,
}

impl FieldOp {
    /// The operation named `name` (`replace`, `array_append`, `array_remove`, any case), as
    /// pymilvus's string aliases name them.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the unknown operation.
    pub fn parse(name: &str) -> Result<FieldOp> {
        match name.to_ascii_lowercase().as_str() {
            "replace" => Ok(FieldOp::Replace),
            "array_append" => Ok(FieldOp::ArrayAppend),
            "array_remove" => Ok(FieldOp::ArrayRemove),
            _ => Err(Error::InvalidArgument(format!(
                "unknown field operation `{name}` (expected replace, array_append or array_remove)"
            ))),
        }
    }

    /// Milvus's name of the operation.
    pub fn name(self) -> &'static str {
        match self {
            FieldOp::Replace => "REPLACE",
            FieldOp::ArrayAppend => "ARRAY_APPEND",
            FieldOp::ArrayRemove => "ARRAY_REMOVE",
        }
    }
}

/// The array operations of one call, checked against the schema and the given columns:
/// `(schema position, op)` by field name. `Replace` entries are dropped.
///
/// # Errors
/// [`Error::InvalidArgument`] for an operation named twice, on the primary key, on a field
/// that is not an Array field, or on a field the call does not give;
/// [`Error::SchemaMismatch`] for a name outside the schema.
pub(super) fn resolve_ops(
    schema: &Schema,
    columns: &[&Column],
    ops: &[(&str, FieldOp)],
) -> Result<HashMap<String, (usize, FieldOp)>> {
    let mut out = HashMap::new();
    for (i, &(name, op)) in ops.iter().enumerate() {
        if ops[..i].iter().any(|(n, _)| *n == name) {
            return Err(Error::InvalidArgument(format!("field `{name}` has more than one field operation")));
        }
        if op == FieldOp::Replace {
            continue;
        }
        let Some(f) = schema.field_index(name) else {
            return Err(Error::SchemaMismatch(format!(
                "{} names field `{name}`, which is not in the schema",
                op.name()
            )));
        };
        let field = &schema.fields[f];
        if field.primary_key {
            return Err(Error::InvalidArgument(format!(
                "{} cannot apply to the primary key `{name}`",
                op.name()
            )));
        }
        if !matches!(field.field_type, FieldType::Array { .. }) {
            return Err(Error::InvalidArgument(format!(
                "{} applies to Array fields only; field `{name}` is {}",
                op.name(),
                field.field_type.describe()
            )));
        }
        if !columns.iter().any(|c| c.name() == name) {
            return Err(Error::InvalidArgument(format!(
                "{} on field `{name}`, which the call does not give (pass the elements to {})",
                op.name(),
                if op == FieldOp::ArrayAppend { "append" } else { "remove" }
            )));
        }
        out.insert(name.to_owned(), (f, op));
    }
    Ok(out)
}

/// The column of `field` (schema position `f`) after `op`: each row's live array (`found`)
/// combined with the row of `payload`. `payload` must have the field's type.
///
/// # Errors
/// [`Error::InvalidValue`] when an append exceeds the field's `max_capacity`, naming the row,
/// the key and the counts.
pub(super) fn apply(
    state: &State,
    field: &Field,
    f: usize,
    op: FieldOp,
    payload: &Column,
    keys: &PrimaryKeys,
    found: &[Option<RowLoc>],
) -> Result<Column> {
    let FieldType::Array { max_capacity, .. } = field.field_type else {
        return Ok(payload.clone());
    };
    let given = payload.data().as_ref();
    let mut offsets = vec![0u64];
    let mut values = match ColumnData::empty(field.field_type) {
        ColumnData::Array { values, .. } => *values,
        other => other,
    };
    let mut valid = Vec::with_capacity(found.len());
    let mut views: HashMap<u64, (ColumnRef<'_>, Option<&[u8]>)> = HashMap::new();
    for (r, loc) in found.iter().enumerate() {
        let live = match loc {
            Some(loc) => {
                let (view, validity) = match views.get(&loc.segment) {
                    Some(&v) => v,
                    None => {
                        let segment = &state.segments[&loc.segment];
                        let v = (segment.column(f)?, segment.validity(f)?);
                        views.insert(loc.segment, v);
                        v
                    }
                };
                let row = loc.row as usize;
                let null = validity.is_some_and(|v| v[row] == 0);
                Some((view.array_at(row), null))
            }
            None => None,
        };
        let live_row = live.and_then(|(row, null)| if null { None } else { row });
        if !payload.is_valid(r) {
            // A null payload leaves the value as it was (a new key stays null).
            if let Some((Some(row), false)) = live {
                push(&mut values, row, row.range());
            }
            valid.push(matches!(live, Some((_, false))));
            offsets.push(values.len() as u64);
            continue;
        }
        let Some(add) = given.array_at(r) else {
            return Ok(payload.clone());
        };
        match op {
            FieldOp::ArrayAppend => {
                let base = live_row.map_or(0, |row| row.len());
                if base + add.len() > max_capacity as usize {
                    return Err(Error::InvalidValue(format!(
                        "field `{}` row {r} (primary key {}): ARRAY_APPEND of {} elements to {base} would exceed max_capacity {max_capacity}",
                        field.name,
                        keys.get(r),
                        add.len()
                    )));
                }
                if let Some(row) = live_row {
                    push(&mut values, row, row.range());
                }
                push(&mut values, add, add.range());
            }
            FieldOp::ArrayRemove => {
                if let Some(row) = live_row {
                    let drop: Vec<ArrayElem<'_>> = add.iter().collect();
                    let keep = row.range().zip(row.iter()).filter(|(_, e)| !drop.contains(e)).map(|(i, _)| i);
                    push(&mut values, row, keep);
                }
            }
            FieldOp::Replace => push(&mut values, add, add.range()),
        }
        valid.push(true);
        offsets.push(values.len() as u64);
    }
    let column = Column::new(payload.name().to_owned(), ColumnData::array(offsets, values)?);
    Ok(if field.nullable { column.with_validity(valid) } else { column })
}

/// Appends the flat elements at `positions` of `row`'s values to `values`.
fn push(values: &mut ColumnData, row: ArrayRow<'_>, positions: impl IntoIterator<Item = usize>) {
    values.extend_from_rows(row.values().column(), positions);
}
