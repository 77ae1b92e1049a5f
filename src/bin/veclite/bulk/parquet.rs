//! Parquet files as `LocalBulkWriter` writes them: one column per field, named as the field,
//! with the Arrow types pymilvus uses (every column nullable), vectors as `list<float>`, JSON
//! and `$meta` as UTF-8 text, Snappy-compressed.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, ListArray, PrimitiveArray, RecordBatch, StringArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field as ArrowField, Schema as ArrowSchema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use veclite::{Column, ColumnRef, Field, FieldType, QueryResult};

use super::{Builder, Cell, PartWriter, columns_of};

/// Target bytes of a row group: what `LocalBulkWriter` aims for, so that Milvus reads a group
/// at a time with bounded memory.
const ROW_GROUP_BYTES: usize = 32 << 20;

/// The Arrow type of a field's column.
pub fn arrow_type(ty: FieldType) -> DataType {
    match ty {
        FieldType::Bool => DataType::Boolean,
        FieldType::Int8 => DataType::Int8,
        FieldType::Int16 => DataType::Int16,
        FieldType::Int32 => DataType::Int32,
        FieldType::Int64 => DataType::Int64,
        FieldType::Float => DataType::Float32,
        FieldType::Double => DataType::Float64,
        // Sparse vectors: refused by `ParquetPart::create`; their JSON texts would be strings.
        FieldType::VarChar { .. } | FieldType::Json | FieldType::SparseFloatVector => DataType::Utf8,
        FieldType::FloatVector { .. } => {
            DataType::List(Arc::new(ArrowField::new("item", DataType::Float32, true)))
        }
        FieldType::Array { element, max_length, .. } => DataType::List(Arc::new(ArrowField::new(
            "item",
            arrow_type(element.scalar_type(max_length)),
            true,
        ))),
        // Packed vectors are refused by `ParquetPart::create`.
        FieldType::BinaryVector { .. }
        | FieldType::Float16Vector { .. }
        | FieldType::BFloat16Vector { .. }
        | FieldType::Int8Vector { .. } => DataType::Binary,
    }
}

/// The Arrow schema of a file of `fields`.
pub fn arrow_schema(fields: &[Field]) -> SchemaRef {
    Arc::new(ArrowSchema::new(
        fields.iter().map(|f| ArrowField::new(&f.name, arrow_type(f.field_type), true)).collect::<Vec<_>>(),
    ))
}

/// The Arrow array of `column`, a column of `field`.
pub fn to_arrow(field: &Field, column: &Column) -> ArrayRef {
    let nulls = column.validity().map(|v| NullBuffer::from(v.to_vec()));
    fn fixed<T: arrow_array::ArrowPrimitiveType>(v: &[T::Native], nulls: Option<NullBuffer>) -> ArrayRef {
        Arc::new(PrimitiveArray::<T>::new(ScalarBuffer::from(v.to_vec()), nulls))
    }
    match column.data().as_ref() {
        data @ ColumnRef::PackedVector { .. } => {
            Arc::new(arrow_array::BinaryArray::from_iter_values((0..data.len()).map(|r| data.packed_at(r))))
        }
        ColumnRef::SparseVector(rows) => {
            Arc::new(arrow_array::StringArray::from_iter_values((0..rows.len()).map(|r| {
                let (indices, values) = rows.row(r);
                super::packed::sparse_json_text(indices, values)
            })))
        }
        ColumnRef::Bool(v) => {
            Arc::new(BooleanArray::new(BooleanBuffer::from_iter(v.iter().map(|b| *b != 0)), nulls))
        }
        ColumnRef::Int8(v) => fixed::<Int8Type>(v, nulls),
        ColumnRef::Int16(v) => fixed::<Int16Type>(v, nulls),
        ColumnRef::Int32(v) => fixed::<Int32Type>(v, nulls),
        ColumnRef::Int64(v) => fixed::<Int64Type>(v, nulls),
        ColumnRef::Float(v) => fixed::<Float32Type>(v, nulls),
        ColumnRef::Double(v) => fixed::<Float64Type>(v, nulls),
        data @ ColumnRef::VarChar { .. } => Arc::new(StringArray::from_iter(
            (0..data.len()).map(|r| column.is_valid(r).then(|| data.str_at(r))),
        )),
        ColumnRef::FloatVector { dim, data } => {
            let DataType::List(item) = arrow_type(field.field_type) else {
                unreachable!("vectors are lists")
            };
            let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(dim, data.len() / dim.max(1)));
            Arc::new(ListArray::new(item, offsets, Arc::new(Float32Array::from(data.to_vec())), nulls))
        }
        data @ ColumnRef::Array { values, .. } => {
            let DataType::List(item) = arrow_type(field.field_type) else { unreachable!("arrays are lists") };
            let lengths = (0..data.len()).map(|r| data.array_at(r).map_or(0, |a| a.len()));
            let element = Field::new("item", values.element_type().scalar_type(0));
            let flat = to_arrow(&element, &Column::new("item", values.column().to_owned()));
            Arc::new(ListArray::new(item, OffsetBuffer::from_lengths(lengths), flat, nulls))
        }
    }
}

/// Estimated bytes of row `row` of `columns` in a file (uncompressed values).
fn row_bytes(columns: &[&Column], row: usize) -> u64 {
    columns
        .iter()
        .map(|c| match c.data().as_ref() {
            data @ ColumnRef::VarChar { .. } => 4 + data.bytes_at(row).len() as u64,
            ColumnRef::FloatVector { dim, .. } => 4 + 4 * dim as u64,
            data => (data.byte_size() / data.len().max(1)) as u64,
        })
        .sum()
}

/// A Parquet part being written.
pub struct ParquetPart {
    path: PathBuf,
    writer: ArrowWriter<File>,
    fields: Vec<Field>,
    schema: SchemaRef,
    rows: usize,
}

impl ParquetPart {
    /// Creates the part file `path` for rows of `fields`, of about `row_bytes` bytes each.
    pub fn create(path: &Path, fields: &[Field], row_bytes: usize) -> Result<ParquetPart, String> {
        super::packed::refuse(fields, "Parquet")?;
        let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let group_rows = (ROW_GROUP_BYTES / row_bytes.max(1)).clamp(1000, 1_000_000);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(group_rows))
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .build();
        let schema = arrow_schema(fields);
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(ParquetPart { path: path.to_owned(), writer, fields: fields.to_vec(), schema, rows: 0 })
    }
}

impl PartWriter for ParquetPart {
    fn size_with(&self, batch: &QueryResult, rows: Range<usize>) -> Result<u64, String> {
        let columns = columns_of(batch, &self.fields)?;
        let written = (self.writer.bytes_written() + self.writer.in_progress_size()) as u64;
        Ok(written + rows.map(|r| row_bytes(&columns, r)).sum::<u64>())
    }

    fn write(&mut self, batch: &QueryResult) -> Result<(), String> {
        let columns = columns_of(batch, &self.fields)?;
        let arrays = self.fields.iter().zip(&columns).map(|(f, c)| to_arrow(f, c)).collect();
        let record = RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| e.to_string())?;
        self.writer.write(&record).map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.rows += batch.len();
        Ok(())
    }

    fn rows(&self) -> usize {
        self.rows
    }

    fn finish(self: Box<Self>) -> Result<PathBuf, String> {
        let file = self.writer.into_inner().map_err(|e| format!("{}: {e}", self.path.display()))?;
        file.sync_all().map_err(|e| format!("{}: {e}", self.path.display()))?;
        Ok(self.path)
    }
}

/// Reads the Parquet file `path` in batches of at most `batch_rows` rows, one column per field
/// of `fields` that the file has, and calls `visit` with each batch and its first row.
///
/// # Errors
/// A file that is not Parquet (or uses a compression other than Snappy), a column that is not
/// a field, a value its field does not take: naming the row and field (the caller adds the file).
pub fn read_batches(
    path: &Path,
    fields: &[Field],
    batch_rows: usize,
    visit: &mut dyn FnMut(Vec<Column>, usize) -> Result<(), String>,
) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format!("not a Parquet file: {e}"))?;
    // (column index in the file, field index)
    let mut wanted = Vec::new();
    for (i, column) in builder.schema().fields().iter().enumerate() {
        match fields.iter().position(|f| f.name == *column.name()) {
            Some(f) => wanted.push((i, f)),
            // The index pandas stores as a column (`DataFrame.to_parquet`) is not row data.
            None if column.name().starts_with("__index_level_") => {}
            None => return Err(format!("column `{}` is not a field of the collection", column.name())),
        }
    }
    let reader = builder.with_batch_size(batch_rows.max(1)).build().map_err(|e| e.to_string())?;
    let mut first = 0;
    for record in reader {
        let record = record.map_err(|e| format!("rows {first}..: {e}"))?;
        let mut columns = Vec::with_capacity(wanted.len());
        for &(i, f) in &wanted {
            let mut builder = Builder::new(&fields[f]);
            let array = record.column(i);
            let mut scratch = Vec::new();
            for r in 0..array.len() {
                let row = first + r;
                if matches!(fields[f].field_type, FieldType::Array { .. }) {
                    push_list(&mut builder, array, r, row).map_err(|e| format!("row {row}: {e}"))?;
                    continue;
                }
                let value = cell(array, r, &mut scratch)
                    .map_err(|e| format!("row {row}: field `{}`: {e}", fields[f].name))?;
                builder.push(value, row).map_err(|e| format!("row {row}: {e}"))?;
            }
            columns.push(builder.finish());
        }
        let n = record.num_rows();
        visit(columns, first)?;
        first += n;
    }
    Ok(())
}

/// Value `row` of `array` (`scratch` holds vector components converted to `f32`).
///
/// # Errors
/// An Arrow type no field type is read from.
pub fn cell<'a>(array: &'a ArrayRef, row: usize, scratch: &'a mut Vec<f32>) -> Result<Cell<'a>, String> {
    if array.is_null(row) {
        return Ok(Cell::Null);
    }
    let cell = match array.data_type() {
        DataType::Boolean => Cell::Bool(array.as_boolean().value(row)),
        DataType::Int8 => Cell::Int(array.as_primitive::<Int8Type>().value(row).into()),
        DataType::Int16 => Cell::Int(array.as_primitive::<Int16Type>().value(row).into()),
        DataType::Int32 => Cell::Int(array.as_primitive::<Int32Type>().value(row).into()),
        DataType::Int64 => Cell::Int(array.as_primitive::<Int64Type>().value(row)),
        DataType::Float32 => Cell::Float(array.as_primitive::<Float32Type>().value(row).into()),
        DataType::Float64 => Cell::Float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => Cell::Text(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Cell::Text(array.as_string::<i64>().value(row)),
        DataType::List(_) => vector(array.as_list::<i32>().value(row), scratch)?,
        DataType::LargeList(_) => vector(array.as_list::<i64>().value(row), scratch)?,
        DataType::FixedSizeList(..) => vector(array.as_fixed_size_list().value(row), scratch)?,
        other => return Err(format!("Arrow type {other} is not read")),
    };
    Ok(cell)
}

/// Pushes value `r` of `array` (a list column, or null) as the next row of the ARRAY field of
/// `builder`; `row` (in the file) is for messages.
fn push_list(builder: &mut Builder, array: &ArrayRef, r: usize, row: usize) -> Result<(), String> {
    if array.is_null(r) {
        return builder.push(Cell::Null, row);
    }
    let items = match array.data_type() {
        DataType::List(_) => array.as_list::<i32>().value(r),
        DataType::LargeList(_) => array.as_list::<i64>().value(r),
        other => return Err(format!("an ARRAY field is read from a list column, not Arrow type {other}")),
    };
    // One (unused) scratch per element: scalar cells borrow nothing from it.
    let mut scratch: Vec<Vec<f32>> = vec![Vec::new(); items.len()];
    let cells = scratch
        .iter_mut()
        .enumerate()
        .map(|(j, s)| cell(&items, j, s).map_err(|e| format!("element {j}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    builder.push_array(&cells, row)
}

/// A list of floats as a vector.
fn vector(items: ArrayRef, scratch: &mut Vec<f32>) -> Result<Cell<'_>, String> {
    if items.null_count() > 0 {
        return Err("a vector with a null component".into());
    }
    scratch.clear();
    match items.data_type() {
        DataType::Float32 => scratch.extend_from_slice(items.as_primitive::<Float32Type>().values()),
        DataType::Float64 => {
            scratch.extend(items.as_primitive::<Float64Type>().values().iter().map(|&x| x as f32))
        }
        other => return Err(format!("a list of {other}, not of floats")),
    }
    Ok(Cell::Vector(scratch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_become_arrays_of_the_pymilvus_types() {
        let field = Field::new("v", FieldType::FloatVector { dim: 2 });
        let array = to_arrow(&field, &Column::float_vector("v", 2, vec![1.0, 2.0, 3.0, 4.0]));
        assert_eq!(array.data_type(), &arrow_type(field.field_type));
        let mut scratch = Vec::new();
        assert_eq!(cell(&array, 1, &mut scratch).unwrap(), Cell::Vector(&[3.0, 4.0]));
        let field = Field::new("s", FieldType::VarChar { max_length: 4 }).nullable(true);
        let column = Column::varchar("s", ["a", ""]).with_validity(vec![true, false]);
        let array = to_arrow(&field, &column);
        assert_eq!(cell(&array, 0, &mut scratch).unwrap(), Cell::Text("a"));
        assert_eq!(cell(&array, 1, &mut scratch).unwrap(), Cell::Null);
    }
}
