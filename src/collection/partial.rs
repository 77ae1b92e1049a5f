//! Partial update: an upsert in Milvus's merge mode (`partial_update=True`).
//!
//! Each row names its primary key and the fields to change; the fields it leaves out keep the
//! values of the live row with that key. A key with no live row is inserted, so it needs every
//! field a plain upsert needs (omitted nullable fields are null, omitted defaulted fields take
//! their default). The dynamic field merges key by key: the row's existing dynamic keys stay
//! unless the update gives them again. The merged rows are validated, logged and applied as one
//! plain upsert under the writer lock, so the batch is atomic and recovery replays full rows.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::array_ops::{self, FieldOp};
use super::pk_index::RowLoc;
use super::validate::{self, WriteMode};
use super::{Collection, State, dynamic};
use crate::column::{Column, ColumnData, ColumnRef, PrimaryKeys};
use crate::error::{Error, Result};
use crate::result::MutationResult;
use crate::schema::{DYNAMIC_FIELD, Field, Value};

impl Collection {
    /// Upserts `columns` into partition `partition` (`""` = `_default`) in merge mode: every
    /// given column replaces its field in every row; the fields not given keep the live row's
    /// values, and the dynamic keys given are merged into the row's existing ones. Rows whose key
    /// is new are inserted and need every field that is neither nullable nor defaulted.
    ///
    /// # Errors
    /// A missing primary-key column; a new key without a required field (naming the row and the
    /// field); every rule of [`Collection::write`]. Nothing is written on error.
    pub fn partial_upsert(&self, partition: &str, columns: &[&Column]) -> Result<MutationResult> {
        self.partial_upsert_with_ops(partition, columns, &[])
    }

    /// [`Collection::partial_upsert`] with per-field operations: each `(field, op)` applies
    /// `op` to the given column of that Array field, resolved against the live row (see
    /// [`FieldOp`]); fields without an operation are replaced.
    ///
    /// # Errors
    /// As [`Collection::partial_upsert`]; an operation named twice, on the primary key, on a
    /// field outside the schema, not an Array field or not given; an append past
    /// `max_capacity` (naming the row and key). Nothing is written on error.
    pub fn partial_upsert_with_ops(
        &self,
        partition: &str,
        columns: &[&Column],
        ops: &[(&str, FieldOp)],
    ) -> Result<MutationResult> {
        let ops = array_ops::resolve_ops(&self.schema, columns, ops)?;
        let pk = self.schema.pk_field();
        if pk.auto_id && !ops.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "field operations need the primary key of each row, and `{}` is auto_id",
                pk.name
            )));
        }
        if pk.auto_id {
            // The plain upsert check reports it.
            return self.write(partition, columns, WriteMode::Upsert);
        }
        let key_column = columns.iter().find(|c| c.name() == pk.name).ok_or_else(|| {
            Error::MissingField(format!("partial update needs the primary key `{}` of every row", pk.name))
        })?;
        if !key_column.data().as_ref().matches(pk.field_type) || key_column.validity().is_some() {
            // The plain validation names the mismatch.
            return self.write(partition, columns, WriteMode::Upsert);
        }
        let keys = PrimaryKeys::from_column(key_column.data().as_ref())?;
        let rows = keys.len();
        if let Some(c) = columns.iter().find(|c| c.len() != rows) {
            return Err(Error::SchemaMismatch(format!(
                "columns have unequal lengths: `{}` has {} rows but `{}` has {rows}",
                c.name(),
                c.len(),
                pk.name
            )));
        }
        let mut writer = self.writer();
        let (filled, resolved) = {
            let state = self.read_state();
            state.pk.prepare()?;
            let found: Vec<Option<RowLoc>> =
                (0..rows).map(|r| state.pk.get(&keys, r, &state.segments)).collect();
            let resolved = self.apply_ops(&state, columns, &ops, &keys, &found)?;
            (self.fill_omitted(&state, columns, &keys, &found)?, resolved)
        };
        let mut merged: Vec<&Column> = columns
            .iter()
            .copied()
            .filter(|c| self.schema.dynamic_field_index().is_none() || !is_dynamic_input(&self.schema, c))
            .map(|c| resolved.iter().find(|r| r.name() == c.name()).unwrap_or(c))
            .collect();
        merged.extend(filled.iter());
        let validated = validate::validate(&self.schema, &merged, WriteMode::Upsert)?;
        self.commit(&mut writer, partition, validated, WriteMode::Upsert)
    }

    /// The given columns of the fields with an array operation, resolved against the live
    /// rows `found`. A column whose type is not the field's is left to the plain validation,
    /// which names the mismatch.
    fn apply_ops(
        &self,
        state: &State,
        columns: &[&Column],
        ops: &HashMap<String, (usize, FieldOp)>,
        keys: &PrimaryKeys,
        found: &[Option<RowLoc>],
    ) -> Result<Vec<Column>> {
        let mut out = Vec::new();
        for column in columns {
            let Some(&(f, op)) = ops.get(column.name()) else { continue };
            let field = &self.schema.fields[f];
            if column.data().as_ref().matches(field.field_type) {
                out.push(array_ops::apply(state, field, f, op, column, keys, found)?);
            }
        }
        Ok(out)
    }

    /// Columns for the fields `columns` leaves out (taken from the live rows `found`, or the
    /// defaults of new rows) and, with dynamic fields, the merged `$meta` column.
    fn fill_omitted(
        &self,
        state: &State,
        columns: &[&Column],
        keys: &PrimaryKeys,
        found: &[Option<RowLoc>],
    ) -> Result<Vec<Column>> {
        let schema = &self.schema;
        let dynamic_index = schema.dynamic_field_index();
        let mut out = Vec::new();
        for (f, field) in schema.fields.iter().enumerate() {
            if Some(f) == dynamic_index {
                out.push(self.merge_dynamic(state, columns, f, found)?);
            } else if !columns.iter().any(|c| c.name() == field.name) {
                out.push(kept_column(state, field, f, keys, found)?);
            }
        }
        Ok(out)
    }

    /// The `$meta` column: each row's live object with the update's keys laid over it.
    fn merge_dynamic(
        &self,
        state: &State,
        columns: &[&Column],
        f: usize,
        found: &[Option<RowLoc>],
    ) -> Result<Column> {
        let meta = columns.iter().copied().find(|c| c.name() == DYNAMIC_FIELD);
        let given: Vec<&Column> =
            columns.iter().copied().filter(|c| self.schema.field_index(c.name()).is_none()).collect();
        let update = dynamic::fold(&self.schema, meta, &given, found.len())?;
        let update = update.as_ref();
        let mut texts = Vec::with_capacity(found.len());
        for (r, loc) in found.iter().enumerate() {
            let mut object = match loc {
                Some(loc) => live_object(state, f, *loc)?,
                None => Map::new(),
            };
            if let Json::Object(changes) = crate::json::parse(DYNAMIC_FIELD, r, update.bytes_at(r))? {
                object.extend(changes);
            }
            texts.push(Json::Object(object).to_string());
        }
        Ok(Column::json(DYNAMIC_FIELD, texts))
    }
}

/// Whether `column` is dynamic input (`$meta` or a name outside the schema).
fn is_dynamic_input(schema: &crate::schema::Schema, column: &Column) -> bool {
    column.name() == DYNAMIC_FIELD || schema.field_index(column.name()).is_none()
}

/// The dynamic object of the live row at `loc` (`f` is the `$meta` field).
fn live_object(state: &State, f: usize, loc: RowLoc) -> Result<Map<String, Json>> {
    let segment = &state.segments[&loc.segment];
    let row = loc.row as usize;
    if segment.validity(f)?.is_some_and(|v| v[row] == 0) {
        return Ok(Map::new());
    }
    match crate::json::parse(DYNAMIC_FIELD, row, segment.column(f)?.bytes_at(row))? {
        Json::Object(object) => Ok(object),
        _ => Ok(Map::new()),
    }
}

/// Field `field` (schema position `f`) for every row: the live row's value, or for a new key
/// the default, a null, or an error naming the row and the field.
fn kept_column(
    state: &State,
    field: &Field,
    f: usize,
    keys: &PrimaryKeys,
    found: &[Option<RowLoc>],
) -> Result<Column> {
    let mut data = ColumnData::empty(field.field_type);
    let mut valid = Vec::with_capacity(found.len());
    // Sealed columns are looked up once per segment.
    let mut views: HashMap<u64, (ColumnRef<'_>, Option<&[u8]>)> = HashMap::new();
    for (r, loc) in found.iter().enumerate() {
        match (loc, &field.default_value, field.nullable) {
            (Some(loc), _, _) => {
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
                data.push_from(view, row);
                valid.push(validity.is_none_or(|v| v[row] != 0));
            }
            (None, Some(default), _) => {
                data.push_repeated(default, 1);
                valid.push(true);
            }
            (None, None, true) => {
                data.push_repeated(&Value::Null, 1);
                valid.push(false);
            }
            (None, None, false) => {
                return Err(Error::MissingField(format!(
                    "row {r}: primary key {} has no live row, so a partial update inserts it and needs field `{}` (neither nullable nor defaulted)",
                    keys.get(r),
                    field.name
                )));
            }
        }
    }
    let column = Column::new(field.name.clone(), data);
    Ok(if field.nullable { column.with_validity(valid) } else { column })
}
