//! WAL record payloads of a collection: a normalized write batch or a delete.
//!
//! ```text
//! record := kind u8 (1 = write, 2 = delete) | timestamp u64 | body
//! write  := partition id u64 | rows u64 | n_fields u32 | field*      (fields in schema order)
//! field  := type u8 | dim u32 | has_validity u8 | [validity: rows × u8] | values
//! values := fixed width: byte length u64 | bytes
//!           VarChar: offsets byte length u64 | offsets | bytes length u64 | bytes
//!           Array:   row offsets byte length u64 | row offsets | element values
//!                    (the field's `dim` holds the element type's tag)
//!           Sparse:  three length-prefixed arrays: row offsets (u64), indices (u32), values (f32)
//! delete := key kind u8 (1 = Int64, 2 = VarChar) | keys: encoded as a values block
//! ```
//! Vector and fixed-width values are copied as raw little-endian arrays. A write whose partition
//! id is `u64::MAX` is routed row by row by its partition key (see `partition_key::ROUTED`).

use std::borrow::Cow;

use crate::column::{ColumnData, ColumnRef, PrimaryKeys, VectorKind, map_fixed};
use crate::error::{Error, Result};
use crate::schema::{Field, FieldType, Schema};

/// A write batch after validation: every schema field present, in schema order. Columns the
/// caller supplied as they are stay borrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteBatch<'a> {
    pub partition: u64,
    pub rows: usize,
    pub columns: Vec<Cow<'a, ColumnData>>,
    pub validity: Vec<Option<Vec<u8>>>,
}

impl WriteBatch<'_> {
    /// Bytes the batch adds to a growing segment of `schema`, as
    /// [`crate::segment::SegmentColumns::byte_size`] counts them.
    pub fn segment_bytes(&self, schema: &Schema) -> usize {
        let norm_bytes = schema.fields.iter().filter(|f| f.dim().is_some()).count() * 4;
        self.rows * (8 + norm_bytes)
            + self.columns.iter().map(|c| c.byte_size()).sum::<usize>()
            + self.validity.iter().flatten().map(Vec::len).sum::<usize>()
    }
}

/// One logged operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Record<'a> {
    /// Rows replace any live row with the same primary key, then land in `partition`.
    Write { timestamp: u64, batch: WriteBatch<'a> },
    /// The live rows with these primary keys are deleted.
    Delete { timestamp: u64, keys: PrimaryKeys },
}

impl Record<'_> {
    /// Timestamp of the operation.
    pub fn timestamp(&self) -> u64 {
        match self {
            Record::Write { timestamp, .. } | Record::Delete { timestamp, .. } => *timestamp,
        }
    }

    /// Serializes the record.
    #[cfg(test)]
    pub fn encode(&self) -> Vec<u8> {
        let mut head = Vec::new();
        self.encode_parts(&mut head).concat()
    }

    /// Serializes the record as byte slices whose concatenation is the encoded record. Framing
    /// fields are written to `head` (cleared first, its allocation reused); value arrays of at
    /// least [`BORROW_MIN`] bytes are borrowed from the record, so a batch reaches the log
    /// without an intermediate copy.
    pub fn encode_parts<'s>(&'s self, head: &'s mut Vec<u8>) -> Vec<&'s [u8]> {
        head.clear();
        let mut out = Parts { head, spans: Vec::new() };
        match self {
            Record::Write { timestamp, batch } => {
                out.put(&[1]);
                out.put_u64(*timestamp);
                out.put_u64(batch.partition);
                out.put_u64(batch.rows as u64);
                out.put_u32(batch.columns.len() as u32);
                for (col, valid) in batch.columns.iter().zip(&batch.validity) {
                    let (tag, dim) = type_tag(ColumnData::as_ref(col));
                    out.put(&[tag]);
                    out.put_u32(dim);
                    out.put(&[valid.is_some() as u8]);
                    if let Some(v) = valid {
                        out.put_borrowed(v);
                    }
                    out.put_values(ColumnData::as_ref(col));
                }
            }
            Record::Delete { timestamp, keys } => {
                out.put(&[2]);
                out.put_u64(*timestamp);
                match keys {
                    PrimaryKeys::Int(k) => {
                        out.put(&[1]);
                        out.put_values(ColumnRef::Int64(k));
                    }
                    PrimaryKeys::Str(k) => {
                        out.put(&[2]);
                        out.put(&Parts::encode_values(ColumnData::varchar(k).as_ref()));
                    }
                }
            }
        }
        out.finish()
    }

    /// Parses a record written by [`Record::encode`].
    ///
    /// # Errors
    /// [`Error::Corrupted`] (naming `file`) when the bytes are not a valid record.
    pub fn decode(bytes: &[u8], file: &std::path::Path) -> Result<Record<'static>> {
        let mut d = Decoder { bytes, pos: 0 };
        decode_inner(&mut d)
            .ok_or_else(|| Error::corrupted(file, format!("undecodable WAL record at byte {}", d.pos)))
    }
}

impl Record<'_> {
    /// Checks that the record can be applied to a collection of `schema`: a write has one column
    /// per field, in schema order, each of the field's type (and dimension) with a value per row
    /// and a validity array exactly when the field is nullable; a delete's keys have the type of
    /// the primary key.
    ///
    /// # Errors
    /// What does not fit, naming the field.
    pub fn check_schema(&self, schema: &Schema) -> std::result::Result<(), String> {
        match self {
            Record::Write { batch, .. } => {
                if batch.partition == super::partition_key::ROUTED && schema.partition_key_index().is_none() {
                    return Err("a write routed by partition key, in a collection without one".into());
                }
                if batch.columns.len() != schema.fields.len() || batch.validity.len() != schema.fields.len() {
                    return Err(format!(
                        "the record has {} fields, the schema {}",
                        batch.columns.len(),
                        schema.fields.len()
                    ));
                }
                for ((field, column), validity) in
                    schema.fields.iter().zip(&batch.columns).zip(&batch.validity)
                {
                    check_column(field, ColumnData::as_ref(column), validity.as_deref(), batch.rows)
                        .map_err(|why| format!("field `{}`: {why}", field.name))?;
                }
                Ok(())
            }
            Record::Delete { keys, .. } => {
                let pk = schema.pk_field();
                let fits = match keys {
                    PrimaryKeys::Int(_) => pk.field_type == FieldType::Int64,
                    PrimaryKeys::Str(_) => matches!(pk.field_type, FieldType::VarChar { .. }),
                };
                if fits {
                    Ok(())
                } else {
                    Err(format!("the delete's keys do not have the type of primary key `{}`", pk.name))
                }
            }
        }
    }
}

/// Checks a write's `column` (with `validity`, of `rows` rows) against `field`.
fn check_column(
    field: &Field,
    column: ColumnRef<'_>,
    validity: Option<&[u8]>,
    rows: usize,
) -> std::result::Result<(), String> {
    if !column.matches(field.field_type) {
        return Err(format!(
            "a {} column for a field of type {}",
            column.type_name(),
            field.field_type.describe()
        ));
    }
    if let (ColumnRef::FloatVector { dim, .. } | ColumnRef::PackedVector { dim, .. }, Some(want)) =
        (column, field.dim())
        && dim != want
    {
        return Err(format!("vectors of dimension {dim}, the field's is {want}"));
    }
    if column.len() != rows || validity.is_some_and(|v| v.len() != rows) {
        return Err(format!("not {rows} values, as the record's row count states"));
    }
    if validity.is_some() != field.nullable {
        return Err(format!(
            "validity {} for a field that is {}nullable",
            if validity.is_some() { "present" } else { "missing" },
            if field.nullable { "" } else { "not " }
        ));
    }
    Ok(())
}

fn decode_inner(d: &mut Decoder<'_>) -> Option<Record<'static>> {
    let kind = d.u8()?;
    let timestamp = d.u64()?;
    let record = match kind {
        1 => {
            let partition = d.u64()?;
            let rows = usize::try_from(d.u64()?).ok()?;
            let n = d.u32()? as usize;
            // Each field takes at least 6 bytes: a count beyond that is damage, not an
            // allocation to attempt.
            let mut columns = Vec::with_capacity(n.min(d.remaining() / 6));
            let mut validity = Vec::with_capacity(n.min(d.remaining() / 6));
            for _ in 0..n {
                let tag = d.u8()?;
                let dim = d.u32()? as usize;
                let valid = match d.u8()? {
                    0 => None,
                    _ => Some(d.take(rows)?.to_vec()),
                };
                let col = get_values(d, tag, dim)?;
                if col.len() != rows {
                    return None;
                }
                columns.push(Cow::Owned(col));
                validity.push(valid);
            }
            Record::Write { timestamp, batch: WriteBatch { partition, rows, columns, validity } }
        }
        2 => {
            let keys = match d.u8()? {
                1 => PrimaryKeys::from_column(get_values(d, TAG_INT64, 0)?.as_ref()).ok()?,
                2 => PrimaryKeys::from_column(get_values(d, TAG_VARCHAR, 0)?.as_ref()).ok()?,
                _ => return None,
            };
            Record::Delete { timestamp, keys }
        }
        _ => return None,
    };
    (d.pos == d.bytes.len()).then_some(record)
}

const TAG_INT64: u8 = 5;
const TAG_VARCHAR: u8 = 8;
const TAG_VECTOR: u8 = 9;
const TAG_ARRAY: u8 = 10;
const TAG_SPARSE: u8 = 11;
/// Tags of packed vectors: this plus the kind's position in [`VectorKind::ALL`].
const TAG_PACKED: u8 = 16;

fn type_tag(col: ColumnRef<'_>) -> (u8, u32) {
    match col {
        ColumnRef::Bool(_) => (1, 0),
        ColumnRef::Int8(_) => (2, 0),
        ColumnRef::Int16(_) => (3, 0),
        ColumnRef::Int32(_) => (4, 0),
        ColumnRef::Int64(_) => (TAG_INT64, 0),
        ColumnRef::Float(_) => (6, 0),
        ColumnRef::Double(_) => (7, 0),
        ColumnRef::VarChar { .. } => (TAG_VARCHAR, 0),
        ColumnRef::FloatVector { dim, .. } => (TAG_VECTOR, dim as u32),
        // The element type's tag takes the place of the dimension.
        ColumnRef::Array { values, .. } => (TAG_ARRAY, u32::from(type_tag(values.column()).0)),
        ColumnRef::PackedVector { kind, dim, .. } => {
            let position = VectorKind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
            (TAG_PACKED + position as u8, dim as u32)
        }
        ColumnRef::SparseVector(_) => (TAG_SPARSE, 0),
    }
}

/// Value arrays at least this long are borrowed into the encoded parts instead of copied.
const BORROW_MIN: usize = 4096;

/// Builds the parts of an encoded record: a run of bytes in `head`, or a borrowed slice.
struct Parts<'s> {
    head: &'s mut Vec<u8>,
    /// Borrowed slices with the length `head` had when each was added.
    spans: Vec<(usize, &'s [u8])>,
}

impl<'s> Parts<'s> {
    fn put(&mut self, b: &[u8]) {
        self.head.extend_from_slice(b);
    }

    fn put_u32(&mut self, v: u32) {
        self.put(&v.to_le_bytes());
    }

    fn put_u64(&mut self, v: u64) {
        self.put(&v.to_le_bytes());
    }

    /// Appends `b`, borrowing it when it is large.
    fn put_borrowed(&mut self, b: &'s [u8]) {
        if b.len() < BORROW_MIN {
            self.put(b);
        } else {
            self.spans.push((self.head.len(), b));
        }
    }

    /// A length-prefixed byte array.
    fn put_bytes(&mut self, b: &'s [u8]) {
        self.put_u64(b.len() as u64);
        self.put_borrowed(b);
    }

    fn put_values(&mut self, col: ColumnRef<'s>) {
        map_fixed!(col, ColumnRef,
        v => self.put_bytes(bytemuck::cast_slice(v)),
        varchar(o, b) => {
            self.put_bytes(bytemuck::cast_slice(o));
            self.put_bytes(b);
        },
        vector(_d, x) => self.put_bytes(bytemuck::cast_slice(x)),
        packed(_k, _d, x) => self.put_bytes(x),
        array(o, v) => {
            self.put_bytes(bytemuck::cast_slice(o));
            self.put_values(v.column());
        },
        sparse(ColumnRef::SparseVector(rows)) => {
            self.put_bytes(bytemuck::cast_slice(rows.offsets()));
            self.put_bytes(bytemuck::cast_slice(rows.indices()));
            self.put_bytes(bytemuck::cast_slice(rows.values()));
        })
    }

    /// The encoding of `col` as one owned buffer.
    fn encode_values(col: ColumnRef<'_>) -> Vec<u8> {
        let mut head = Vec::new();
        let mut parts = Parts { head: &mut head, spans: Vec::new() };
        parts.put_values(col);
        parts.finish().concat()
    }

    /// The parts in order: head runs interleaved with the borrowed slices.
    fn finish(self) -> Vec<&'s [u8]> {
        let Parts { head, spans } = self;
        let head: &'s [u8] = head;
        let mut parts = Vec::with_capacity(spans.len() * 2 + 1);
        let mut start = 0;
        for (at, slice) in spans {
            if at > start {
                parts.push(&head[start..at]);
            }
            parts.push(slice);
            start = at;
        }
        if head.len() > start {
            parts.push(&head[start..]);
        }
        parts
    }
}

fn get_values(d: &mut Decoder<'_>, tag: u8, dim: usize) -> Option<ColumnData> {
    fn pod<T: bytemuck::Pod>(d: &mut Decoder<'_>) -> Option<Vec<T>> {
        let len = usize::try_from(d.u64()?).ok()?;
        let b = d.take(len)?;
        (len % std::mem::size_of::<T>() == 0).then(|| bytemuck::pod_collect_to_vec(b))
    }
    Some(match tag {
        1 => ColumnData::Bool(pod(d)?),
        2 => ColumnData::Int8(pod(d)?),
        3 => ColumnData::Int16(pod(d)?),
        4 => ColumnData::Int32(pod(d)?),
        TAG_INT64 => ColumnData::Int64(pod(d)?),
        6 => ColumnData::Float(pod(d)?),
        7 => ColumnData::Double(pod(d)?),
        TAG_VARCHAR => {
            let offsets: Vec<u64> = pod(d)?;
            let bytes: Vec<u8> = pod(d)?;
            let well_formed = offsets.first() == Some(&0)
                && offsets.last().copied() == Some(bytes.len() as u64)
                && offsets.windows(2).all(|w| w[0] <= w[1]);
            if !well_formed {
                return None;
            }
            ColumnData::VarChar { offsets, bytes }
        }
        TAG_VECTOR if dim > 0 => {
            let data: Vec<f32> = pod(d)?;
            if !data.len().is_multiple_of(dim) {
                return None;
            }
            ColumnData::FloatVector { dim, data }
        }
        TAG_ARRAY if dim != usize::from(TAG_VECTOR) && dim != usize::from(TAG_ARRAY) => {
            let offsets: Vec<u64> = pod(d)?;
            let values = get_values(d, u8::try_from(dim).ok()?, 0)?;
            ColumnData::array(offsets, values).ok()?
        }
        TAG_SPARSE => {
            let (offsets, indices, values): (Vec<u64>, Vec<u32>, Vec<f32>) = (pod(d)?, pod(d)?, pod(d)?);
            crate::column::sparse::check_shape(&offsets, indices.len(), values.len()).ok()?;
            ColumnData::SparseVector { offsets, indices, values }
        }
        tag if tag >= TAG_PACKED => {
            let kind = *VectorKind::ALL.get(usize::from(tag - TAG_PACKED))?;
            let row_bytes = kind.row_bytes(dim);
            let data: Vec<u8> = pod(d)?;
            if kind.check_dim(dim).is_err() || !data.len().is_multiple_of(row_bytes) {
                return None;
            }
            ColumnData::PackedVector { kind, dim, data }
        }
        _ => return None,
    })
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let b = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(b)
    }
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn write_and_delete_records_round_trip() {
        let batch = WriteBatch {
            partition: 4,
            rows: 2,
            columns: vec![
                ColumnData::Int64(vec![1, 2]),
                ColumnData::varchar(["a", "bc"]),
                ColumnData::FloatVector { dim: 2, data: vec![0.5, 1.0, 1.5, 2.0] },
                ColumnData::Bool(vec![1, 0]),
            ]
            .into_iter()
            .map(Cow::Owned)
            .collect(),
            validity: vec![None, Some(vec![1, 0]), None, None],
        };
        let records = [
            Record::Write { timestamp: 77, batch },
            Record::Delete { timestamp: 78, keys: PrimaryKeys::Int(vec![3, 4]) },
            Record::Delete { timestamp: 79, keys: PrimaryKeys::Str(vec!["x".into(), "".into()]) },
        ];
        for r in records {
            let bytes = r.encode();
            assert_eq!(Record::decode(&bytes, Path::new("w")).unwrap(), r);
            assert!(Record::decode(&bytes[..bytes.len() - 1], Path::new("w")).is_err());
        }
    }

    #[test]
    fn sparse_columns_round_trip_and_malformed_ones_are_refused() {
        let sparse = ColumnData::sparse([vec![(1, 0.5), (9, -2.0)], vec![], vec![(u32::MAX - 1, 1.0)]]);
        let batch = WriteBatch {
            partition: 0,
            rows: 3,
            columns: vec![Cow::Owned(ColumnData::Int64(vec![1, 2, 3])), Cow::Owned(sparse)],
            validity: vec![None, None],
        };
        let record = Record::Write { timestamp: 5, batch };
        let bytes = record.encode();
        assert_eq!(Record::decode(&bytes, Path::new("w")).unwrap(), record);
        // Offsets that do not end at the entry count.
        let bad =
            ColumnData::SparseVector { offsets: vec![0, 1], indices: vec![1, 2], values: vec![1.0, 2.0] };
        let batch =
            WriteBatch { partition: 0, rows: 1, columns: vec![Cow::Owned(bad)], validity: vec![None] };
        let bytes = Record::Write { timestamp: 5, batch }.encode();
        assert!(Record::decode(&bytes, Path::new("w")).is_err());
    }

    #[test]
    fn large_arrays_are_borrowed_and_round_trip() {
        let rows = 2_000;
        let vectors: Vec<f32> = (0..rows * 4).map(|i| i as f32).collect();
        let batch = WriteBatch {
            partition: 1,
            rows,
            columns: vec![
                Cow::Owned(ColumnData::Int64((0..rows as i64).collect())),
                Cow::Owned(ColumnData::FloatVector { dim: 4, data: vectors.clone() }),
            ],
            validity: vec![None, Some(vec![1; rows])],
        };
        let record = Record::Write { timestamp: 5, batch };
        let mut head = Vec::new();
        let parts = record.encode_parts(&mut head);
        let data = bytemuck::cast_slice::<f32, u8>(&vectors);
        let Record::Write { batch, .. } = &record else { unreachable!() };
        let ColumnRef::FloatVector { data: stored, .. } = ColumnData::as_ref(&batch.columns[1]) else {
            unreachable!()
        };
        assert!(parts.iter().any(|p| std::ptr::eq(p.as_ptr(), stored.as_ptr().cast())), "vectors borrowed");
        assert!(parts.iter().map(|p| p.len()).sum::<usize>() > data.len());
        let bytes = parts.concat();
        assert_eq!(Record::decode(&bytes, Path::new("w")).unwrap(), record);
    }

    #[test]
    fn a_field_count_beyond_the_record_is_corrupted_not_allocated() {
        // kind, timestamp, partition, rows, then 4 billion fields in a 29-byte record.
        let mut bytes = vec![1u8];
        for v in [7u64, 0, 1] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        let err = Record::decode(&bytes, Path::new("wal-3.log")).unwrap_err();
        assert!(matches!(&err, Error::Corrupted { file, .. } if file == "wal-3.log"), "{err}");
    }
}
