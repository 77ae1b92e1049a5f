//! WAL record payloads of a collection: a normalized write batch or a delete.
//!
//! ```text
//! record := kind u8 (1 = write, 2 = delete) | timestamp u64 | body
//! write  := partition id u64 | rows u64 | n_fields u32 | field*      (fields in schema order)
//! field  := type u8 | dim u32 | has_validity u8 | [validity: rows × u8] | values
//! values := fixed width: byte length u64 | bytes
//!           VarChar: offsets byte length u64 | offsets | bytes length u64 | bytes
//! delete := key kind u8 (1 = Int64, 2 = VarChar) | keys: encoded as a values block
//! ```
//! Vector and fixed-width values are copied as raw little-endian arrays.

use std::borrow::Cow;

use crate::column::{ColumnData, ColumnRef, PrimaryKeys, map_fixed};
use crate::error::{Error, Result};

/// A write batch after validation: every schema field present, in schema order. Columns the
/// caller supplied as they are stay borrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteBatch<'a> {
    pub partition: u64,
    pub rows: usize,
    pub columns: Vec<Cow<'a, ColumnData>>,
    pub validity: Vec<Option<Vec<u8>>>,
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
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Serializes the record into `out` (cleared first), reusing its allocation.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.clear();
        match self {
            Record::Write { timestamp, batch } => {
                let size: usize = batch.columns.iter().map(|c| c.byte_size()).sum();
                out.reserve(size + batch.rows * batch.columns.len() + 64);
                out.push(1);
                put_u64(out, *timestamp);
                put_u64(out, batch.partition);
                put_u64(out, batch.rows as u64);
                put_u32(out, batch.columns.len() as u32);
                for (col, valid) in batch.columns.iter().zip(&batch.validity) {
                    let (tag, dim) = type_tag(ColumnData::as_ref(col));
                    out.push(tag);
                    put_u32(out, dim);
                    out.push(valid.is_some() as u8);
                    if let Some(v) = valid {
                        out.extend_from_slice(v);
                    }
                    put_values(out, ColumnData::as_ref(col));
                }
            }
            Record::Delete { timestamp, keys } => {
                out.push(2);
                put_u64(out, *timestamp);
                match keys {
                    PrimaryKeys::Int(k) => {
                        out.push(1);
                        put_values(out, ColumnRef::Int64(k));
                    }
                    PrimaryKeys::Str(k) => {
                        out.push(2);
                        put_values(out, ColumnData::varchar(k).as_ref());
                    }
                }
            }
        }
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

fn decode_inner(d: &mut Decoder<'_>) -> Option<Record<'static>> {
    let kind = d.u8()?;
    let timestamp = d.u64()?;
    let record = match kind {
        1 => {
            let partition = d.u64()?;
            let rows = usize::try_from(d.u64()?).ok()?;
            let n = d.u32()? as usize;
            let mut columns = Vec::with_capacity(n);
            let mut validity = Vec::with_capacity(n);
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
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_values(out: &mut Vec<u8>, col: ColumnRef<'_>) {
    map_fixed!(col, ColumnRef,
        v => put_bytes(out, bytemuck::cast_slice(v)),
        varchar(o, b) => {
            put_bytes(out, bytemuck::cast_slice(o));
            put_bytes(out, b);
        },
        vector(_d, x) => put_bytes(out, bytemuck::cast_slice(x)))
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
}
