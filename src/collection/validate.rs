//! Turns caller columns into a [`WriteBatch`]: checks every rule of a write and fills omitted,
//! nullable and defaulted fields. Nothing here touches storage, so a rejected batch writes nothing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::dynamic;
use super::record::WriteBatch;
use crate::column::{Column, ColumnData, ColumnRef, PrimaryKeys};
use crate::error::{Error, ObjectKind, Result};
use crate::json;
use crate::schema::{Field, FieldType, MAX_VECTOR_NORM, Schema, Value, vector_norm_excess};

/// Whether a write inserts only or replaces existing keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Existing or repeated primary keys are an error.
    Insert,
    /// Rows replace the live row with the same primary key anywhere in the collection.
    Upsert,
}

/// A validated batch whose primary-key column is empty when the keys are still to be generated.
#[derive(Debug)]
pub struct ValidatedBatch<'a> {
    pub batch: WriteBatch<'a>,
    /// Whether the primary keys must be generated (auto_id insert).
    pub generate_keys: bool,
    /// Per schema field, the norms of a vector column's rows when validation computed them.
    pub norms: Vec<Option<Vec<f32>>>,
}

/// Validates `columns` against `schema` for a write of kind `mode`.
///
/// # Errors
/// One error per rule, naming the field, the row and the rule (docs/semantics.md).
pub fn validate<'a>(schema: &Schema, columns: &[&'a Column], mode: WriteMode) -> Result<ValidatedBatch<'a>> {
    let pk = schema.pk_field();
    if pk.auto_id && mode == WriteMode::Upsert {
        return Err(Error::InvalidArgument(format!(
            "upsert is not applicable to collection `{}`: its primary key `{}` is auto_id",
            schema.name, pk.name
        )));
    }
    if columns.is_empty() {
        return Err(Error::InvalidArgument("zero rows: a write needs at least one row".into()));
    }
    let mut by_field: Vec<Option<&Column>> = vec![None; schema.fields.len()];
    let dynamic_index = schema.dynamic_field_index();
    let mut dynamic: Vec<&Column> = Vec::new();
    let mut rows: Option<(usize, String)> = None;
    for &column in columns {
        let n = match schema.field_index(column.name()) {
            Some(f) => {
                let field = &schema.fields[f];
                if by_field[f].is_some() {
                    return Err(Error::SchemaMismatch(format!("field `{}` is passed twice", field.name)));
                }
                by_field[f] = Some(column);
                check_shape(field, column)?
            }
            // With dynamic fields, a column not in the schema is a dynamic key of each row.
            None if dynamic_index.is_some() => {
                if dynamic.iter().any(|c| c.name() == column.name()) {
                    return Err(Error::SchemaMismatch(format!(
                        "dynamic field `{}` is passed twice",
                        column.name()
                    )));
                }
                dynamic.push(column);
                check_dynamic_shape(column)?
            }
            None => {
                return Err(Error::NotFound {
                    kind: ObjectKind::Field,
                    name: column.name().to_owned(),
                    context: format!(" in collection `{}` (dynamic fields are not enabled)", schema.name),
                });
            }
        };
        match &rows {
            Some((expected, first)) if *expected != n => {
                return Err(Error::SchemaMismatch(format!(
                    "columns have unequal lengths: `{}` has {n} rows but `{first}` has {expected}",
                    column.name()
                )));
            }
            None => rows = Some((n, column.name().to_owned())),
            _ => {}
        }
    }
    let rows = rows.map_or(0, |(n, _)| n);
    if rows == 0 {
        return Err(Error::InvalidArgument("zero rows: a write needs at least one row".into()));
    }
    let pk_index = schema.pk_index();
    if pk.auto_id && by_field[pk_index].is_some() {
        return Err(Error::InvalidArgument(format!(
            "primary key `{}` is auto_id: an insert must not supply it",
            pk.name
        )));
    }
    let mut batch = WriteBatch {
        partition: 0,
        rows,
        columns: Vec::with_capacity(schema.fields.len()),
        validity: Vec::new(),
    };
    let mut norms = vec![None; schema.fields.len()];
    for (f, field) in schema.fields.iter().enumerate() {
        let (data, validity) = match by_field[f].take() {
            meta if Some(f) == dynamic_index => {
                (Cow::Owned(dynamic::fold(schema, meta, &dynamic, rows)?), None)
            }
            Some(column) => normalize(field, column, rows, &mut norms[f])?,
            None if f == pk_index && pk.auto_id => (Cow::Owned(ColumnData::empty(pk.field_type)), None),
            None => {
                let (data, validity) = omitted(field, rows)?;
                (Cow::Owned(data), validity)
            }
        };
        batch.columns.push(data);
        batch.validity.push(validity);
    }
    if !pk.auto_id {
        check_unique_keys(&pk.name, ColumnData::as_ref(&batch.columns[pk_index]))?;
    }
    Ok(ValidatedBatch { batch, generate_keys: pk.auto_id, norms })
}

/// Checks type and dimension; returns the row count.
fn check_shape(field: &Field, column: &Column) -> Result<usize> {
    let data = column.data().as_ref();
    if !data.matches(field.field_type) {
        return Err(Error::SchemaMismatch(format!(
            "field `{}` is {} but the column holds {}",
            field.name,
            field.field_type.describe(),
            data.type_name()
        )));
    }
    if let (FieldType::FloatVector { dim }, ColumnRef::FloatVector { dim: got, data: values }) =
        (field.field_type, data)
    {
        if got != dim as usize {
            return Err(Error::DimensionMismatch(format!(
                "field `{}` expects vectors of dim {dim}, the column has dim {got}",
                field.name
            )));
        }
        if values.len() % got != 0 {
            return Err(Error::DimensionMismatch(format!(
                "field `{}`: {} floats is not a whole number of dim-{dim} vectors",
                field.name,
                values.len()
            )));
        }
    }
    crate::column::array::check_structure(column.data())
        .map_err(|why| Error::SchemaMismatch(format!("field `{}`: {why}", field.name)))?;
    if let ColumnRef::PackedVector { dim: got, data: bytes, .. } = data {
        check_packed_shape(field, got, bytes.len())?;
    }
    if let ColumnData::SparseVector { offsets, indices, values } = column.data() {
        crate::column::sparse::check_shape(offsets, indices.len(), values.len())
            .map_err(|why| Error::SchemaMismatch(format!("field `{}`: {why}", field.name)))?;
    }
    let n = data.len();
    if let Some(v) = column.validity()
        && v.len() != n
    {
        return Err(Error::SchemaMismatch(format!(
            "field `{}`: validity mask has {} entries for {n} rows",
            field.name,
            v.len()
        )));
    }
    Ok(n)
}

/// Checks a dynamic column's validity mask and vector shape; returns the row count.
fn check_dynamic_shape(column: &Column) -> Result<usize> {
    let n = column.len();
    if let ColumnRef::FloatVector { dim, data } = column.data().as_ref()
        && (dim == 0 || data.len() % dim != 0)
    {
        return Err(Error::DimensionMismatch(format!(
            "dynamic field `{}`: {} floats is not a whole number of dim-{dim} vectors",
            column.name(),
            data.len()
        )));
    }
    crate::column::array::check_structure(column.data())
        .map_err(|why| Error::SchemaMismatch(format!("dynamic field `{}`: {why}", column.name())))?;
    if let Some(v) = column.validity()
        && v.len() != n
    {
        return Err(Error::SchemaMismatch(format!(
            "dynamic field `{}`: validity mask has {} entries for {n} rows",
            column.name(),
            v.len()
        )));
    }
    Ok(n)
}

/// Checks values and applies nulls/defaults for a supplied column. For a vector column whose
/// rows all have norms within [`MAX_VECTOR_NORM`] (so every value is finite: one pass instead
/// of two), the norms go to `norms`.
fn normalize<'a>(
    field: &Field,
    column: &'a Column,
    rows: usize,
    norms: &mut Option<Vec<f32>>,
) -> Result<(Cow<'a, ColumnData>, Option<Vec<u8>>)> {
    let (data, validity) = (column.data(), column.validity());
    let is_null = |r: usize| validity.is_some_and(|v| !v[r]);
    let view = data.as_ref();
    if let ColumnRef::SparseVector(rows) = view {
        return Ok((sparse_column(field, data, rows, validity)?, None));
    }
    if validity.is_none() {
        let all_valid = match view {
            ColumnRef::FloatVector { dim, data: values } => {
                let computed: Vec<f32> = values.chunks_exact(dim).map(crate::simd::norm).collect();
                // A norm out of bounds (NaN and infinity are) comes from a NaN or infinity or
                // from a vector too large; the row checks below report which.
                let within = computed.iter().all(|&n| n <= MAX_VECTOR_NORM);
                *norms = within.then_some(computed);
                within
            }
            ColumnRef::PackedVector { kind, .. } => {
                let computed: std::result::Result<Vec<f32>, String> =
                    (0..rows).map(|r| kind.check_row(view.packed_at(r))).collect();
                // A row that breaks a rule is reported by the row checks below.
                *norms = computed.ok();
                norms.is_some()
            }
            other => needs_no_row_checks(other),
        };
        if all_valid {
            return Ok((Cow::Borrowed(data), field.nullable.then(|| vec![1; rows])));
        }
    }
    for r in 0..rows {
        if is_null(r) {
            if !field.nullable && field.default_value.is_none() {
                return Err(Error::InvalidValue(format!(
                    "field `{}` row {r}: null given for a field that is neither nullable nor defaulted",
                    field.name
                )));
            }
            continue;
        }
        check_value(field, view, r)?;
    }
    let any_null = validity.is_some_and(|v| v.iter().any(|ok| !ok));
    match (&field.default_value, any_null) {
        (Some(default), true) => {
            // Nulls in a defaulted field take the default value.
            let mut filled = ColumnData::empty(field.field_type);
            for r in 0..rows {
                if is_null(r) {
                    filled.push_repeated(default, 1);
                } else {
                    filled.push_from(view, r);
                }
            }
            Ok((Cow::Owned(filled), field.nullable.then(|| vec![1; rows])))
        }
        _ => {
            let bytes = field.nullable.then(|| match validity {
                Some(v) => v.iter().map(|&ok| u8::from(ok)).collect(),
                None => vec![1; rows],
            });
            Ok((Cow::Borrowed(data), bytes))
        }
    }
}

/// Checks every row of a sparse vector column (all or nothing, naming the first row that
/// breaks a rule) and returns the rows with each row's entries sorted by index (borrowed when
/// they already are). Sparse fields are never nullable: a null row is refused.
fn sparse_column<'a>(
    field: &Field,
    data: &'a ColumnData,
    rows: crate::column::SparseRows<'_>,
    validity: Option<&[bool]>,
) -> Result<Cow<'a, ColumnData>> {
    if let Some(r) = validity.and_then(|v| v.iter().position(|ok| !ok)) {
        return Err(Error::InvalidValue(format!(
            "field `{}` row {r}: null given for a field that is neither nullable nor defaulted",
            field.name
        )));
    }
    rows.check_rows(true)
        .map_err(|(r, rule)| Error::InvalidValue(format!("field `{}` row {r}: {rule}", field.name)))?;
    Ok(if rows.is_sorted() { Cow::Borrowed(data) } else { Cow::Owned(crate::column::sparse::sorted(rows)) })
}

/// Whether every value of a scalar column without nulls is known to be acceptable without
/// looking at rows one by one: integers and booleans always are, floats when all are finite
/// (one vectorizable pass). Text always needs per-row checks.
fn needs_no_row_checks(view: ColumnRef<'_>) -> bool {
    match view {
        ColumnRef::Float(v) => v.iter().fold(true, |ok, x| ok & x.is_finite()),
        ColumnRef::Double(v) => v.iter().fold(true, |ok, x| ok & x.is_finite()),
        ColumnRef::VarChar { .. } | ColumnRef::Array { .. } => false,
        _ => true,
    }
}

/// Values for a field the caller left out.
fn omitted(field: &Field, rows: usize) -> Result<(ColumnData, Option<Vec<u8>>)> {
    let mut data = ColumnData::empty(field.field_type);
    match (&field.default_value, field.nullable) {
        (Some(default), _) => {
            data.push_repeated(default, rows);
            Ok((data, field.nullable.then(|| vec![1; rows])))
        }
        (None, true) => {
            data.push_repeated(&Value::Null, rows);
            Ok((data, Some(vec![0; rows])))
        }
        (None, false) => Err(Error::MissingField(format!(
            "field `{}` is missing and is neither nullable nor has a default value",
            field.name
        ))),
    }
}

fn check_value(field: &Field, view: ColumnRef<'_>, r: usize) -> Result<()> {
    let non_finite = |x: f64| {
        Err(Error::InvalidValue(format!(
            "field `{}` row {r}: {} is not allowed (values must be finite)",
            field.name,
            if x.is_nan() { "NaN" } else { "infinity" }
        )))
    };
    match view {
        ColumnRef::Float(v) if !v[r].is_finite() => non_finite(v[r].into()),
        ColumnRef::Double(v) if !v[r].is_finite() => non_finite(v[r]),
        ColumnRef::FloatVector { .. } => {
            let vector = view.vector_at(r);
            match vector.iter().find(|x| !x.is_finite()) {
                Some(&x) => non_finite(x.into()),
                None => check_norm(&field.name, r, vector),
            }
        }
        ColumnRef::Array { .. } => match view.array_at(r) {
            Some(elems) => crate::column::array::check_row(&field.name, field.field_type, r, elems),
            None => Ok(()),
        },
        ColumnRef::PackedVector { kind, .. } => match kind.check_row(view.packed_at(r)) {
            Ok(_) => Ok(()),
            Err(rule) => Err(Error::InvalidValue(format!("field `{}` row {r}: {rule}", field.name))),
        },
        ColumnRef::VarChar { .. } if field.field_type == FieldType::Json => {
            json::check(&field.name, r, view.bytes_at(r))
        }
        ColumnRef::VarChar { .. } => {
            let FieldType::VarChar { max_length } = field.field_type else {
                return Ok(());
            };
            let bytes = view.bytes_at(r);
            if std::str::from_utf8(bytes).is_err() {
                return Err(Error::InvalidValue(format!(
                    "field `{}` row {r}: text is not valid UTF-8",
                    field.name
                )));
            }
            if bytes.len() > max_length as usize {
                return Err(Error::InvalidValue(format!(
                    "field `{}` row {r}: length {} exceeds max_length {max_length}",
                    field.name,
                    bytes.len()
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Checks that finite `vector` (row `r` of field `field`) is within [`MAX_VECTOR_NORM`], by the
/// same computation as the norms of the batch check.
fn check_norm(field: &str, r: usize, vector: &[f32]) -> Result<()> {
    match vector_norm_excess(vector, crate::simd::norm(vector)) {
        Some(why) => Err(Error::InvalidValue(format!("field `{field}` row {r}: {why}"))),
        None => Ok(()),
    }
}

fn check_unique_keys(name: &str, keys: ColumnRef<'_>) -> Result<()> {
    fn first_repeat<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> Option<(usize, usize)> {
        let mut seen: HashMap<K, usize, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(keys.size_hint().0, Default::default());
        for (row, key) in keys.enumerate() {
            match seen.entry(key) {
                Entry::Occupied(e) => return Some((*e.get(), row)),
                Entry::Vacant(e) => {
                    e.insert(row);
                }
            }
        }
        None
    }
    let repeat = match keys {
        ColumnRef::Int64(v) => first_repeat(v.iter()).map(|(a, b)| (a, b, v[a].to_string())),
        ColumnRef::VarChar { .. } => first_repeat((0..keys.len()).map(|r| keys.bytes_at(r)))
            .map(|(a, b)| (a, b, format!("{:?}", keys.str_at(a)))),
        _ => None,
    };
    match repeat {
        Some((first, second, key)) => Err(Error::DuplicatePrimaryKey(format!(
            "primary key `{name}` value {key} appears in rows {first} and {second} of the batch"
        ))),
        None => Ok(()),
    }
}

/// The primary keys of a batch.
pub fn batch_keys(schema: &Schema, batch: &WriteBatch) -> PrimaryKeys {
    // Validated batches always hold an Int64 or VarChar key column.
    PrimaryKeys::from_column(ColumnData::as_ref(&batch.columns[schema.pk_index()]))
        .unwrap_or(PrimaryKeys::Int(Vec::new()))
}

/// Checks a packed vector column's dim and byte count against `field`.
fn check_packed_shape(field: &Field, got: usize, bytes: usize) -> Result<()> {
    let Some((kind, dim)) = field.field_type.vector_kind() else { return Ok(()) };
    if got != dim {
        return Err(Error::DimensionMismatch(format!(
            "field `{}` expects {} vectors of dim {dim}, the column has dim {got}",
            field.name,
            kind.milvus_name()
        )));
    }
    let row_bytes = kind.row_bytes(dim);
    if !bytes.is_multiple_of(row_bytes) {
        return Err(Error::DimensionMismatch(format!(
            "field `{}`: {bytes} bytes is not a whole number of {} vectors of dim {dim} ({row_bytes} bytes each)",
            field.name,
            kind.milvus_name()
        )));
    }
    Ok(())
}
