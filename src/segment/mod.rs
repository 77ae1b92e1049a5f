//! Segments: the unit of storage of one partition's rows.
//!
//! A segment is *growing* (columnar vectors in memory, appended to by writes) or *sealed* (an
//! immutable file mapped read-only). Both are read through [`Segment`], which also owns the
//! segment's deleted-row bitset. Row offsets never change for the life of a segment, so a primary
//! key's location `(segment id, row)` stays valid until compaction rewrites the segment.

pub mod deletes;
pub mod format;
pub mod keys;
pub mod sealed;
pub mod writer;

use std::collections::HashMap;
use std::sync::Arc;

use crate::bitset::Bitset;
use crate::column::{ColumnData, ColumnRef};
use crate::error::Result;
use crate::index::file::SegmentIndex;
use crate::schema::Schema;
use sealed::SealedSegment;

/// Owned columnar rows: the body of a growing segment, and what sealing or compaction writes.
#[derive(Debug, Clone)]
pub struct SegmentColumns {
    /// Hybrid write timestamp of each row.
    pub timestamps: Vec<u64>,
    /// One column per schema field, in schema order.
    pub columns: Vec<ColumnData>,
    /// Validity bytes of nullable fields (`None` for the others).
    pub validity: Vec<Option<Vec<u8>>>,
    /// Euclidean norm of each vector of dense vector fields (`None` for the others).
    pub norms: Vec<Option<Vec<f32>>>,
}

impl SegmentColumns {
    /// Empty columns for `schema`.
    pub fn new(schema: &Schema) -> Self {
        SegmentColumns {
            timestamps: Vec::new(),
            columns: schema.fields.iter().map(|f| ColumnData::empty(f.field_type)).collect(),
            validity: schema.fields.iter().map(|f| f.nullable.then(Vec::new)).collect(),
            norms: schema.fields.iter().map(|f| f.dim().is_some().then(Vec::new)).collect(),
        }
    }

    /// Empty columns for `schema` whose vector buffers already have room for the rows that fit
    /// in `bytes` (see [`min_row_bytes`]), up to [`MAX_RESERVED_BYTES`]. The room is
    /// reserved address space, advised for huge pages and touched only as rows arrive, so a
    /// growing segment fills up to its seal threshold without reallocating and copying its
    /// vectors.
    pub fn with_capacity(schema: &Schema, bytes: usize) -> Self {
        let rows = bytes.min(MAX_RESERVED_BYTES) / min_row_bytes(schema);
        let mut columns = Self::new(schema);
        columns.timestamps.reserve(rows);
        for (column, norms) in columns.columns.iter_mut().zip(&mut columns.norms) {
            if let (ColumnData::FloatVector { dim, data }, Some(norms)) = (column, norms) {
                data.reserve_exact(rows * *dim);
                crate::storage::mmap::advise_huge_pages(data.spare_capacity_mut());
                norms.reserve_exact(rows);
            }
        }
        columns
    }

    /// Removes every row, keeping the vector buffers' memory.
    fn clear(&mut self) {
        self.timestamps.clear();
        for column in &mut self.columns {
            match column {
                ColumnData::FloatVector { data, .. } => data.clear(),
                other => *other = ColumnData::empty_like(other),
            }
        }
        self.validity.iter_mut().flatten().for_each(Vec::clear);
        self.norms.iter_mut().flatten().for_each(Vec::clear);
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.timestamps.len()
    }

    /// Approximate memory held, in bytes.
    pub fn byte_size(&self) -> usize {
        self.timestamps.len() * 8
            + self.columns.iter().map(ColumnData::byte_size).sum::<usize>()
            + self.validity.iter().flatten().map(Vec::len).sum::<usize>()
            + self.norms.iter().flatten().map(|n| n.len() * 4).sum::<usize>()
    }

    /// Appends the given rows of `src` (same schema), in order.
    ///
    /// # Errors
    /// A sealed source whose blocks fail their checksum.
    pub fn extend_from_rows(&mut self, src: &Segment, rows: &[usize]) -> Result<()> {
        let ts = src.timestamps()?;
        self.timestamps.extend(rows.iter().map(|&r| ts[r]));
        for f in 0..self.columns.len() {
            self.columns[f].extend_from_rows(src.column(f)?, rows.iter().copied());
            if let Some(dst) = &mut self.validity[f] {
                match src.validity(f)? {
                    Some(v) => dst.extend(rows.iter().map(|&r| v[r])),
                    None => dst.resize(dst.len() + rows.len(), 1),
                }
            }
            if let Some(dst) = &mut self.norms[f] {
                let n = src.norms(f)?;
                dst.extend(rows.iter().map(|&r| n[r]));
            }
        }
        Ok(())
    }
}

/// Most address space a new growing segment reserves up front; past it, buffers grow by
/// doubling.
pub(crate) const MAX_RESERVED_BYTES: usize = 64 << 20;

/// A first batch of at least `capacity / BULK_DIVISOR` bytes (1 MiB of the default 64 MiB) marks
/// a bulk load, whose growing segments are reserved up front.
const BULK_DIVISOR: usize = 64;

/// Where new growing segments get their columns: the emptied columns of the last sealed growing
/// segment when nobody else held them (their pages are resident already, so filling them costs
/// no page faults), else fresh ones, with room for `capacity_bytes` when the first batch is
/// large ([`BULK_DIVISOR`]). Keeps at most one spare, so a collection holds at most one seal
/// threshold of idle buffer memory.
#[derive(Debug)]
pub struct GrowingBuffers {
    capacity_bytes: usize,
    spare: Option<SegmentColumns>,
}

impl GrowingBuffers {
    /// Buffers for growing segments that seal at `capacity_bytes`.
    pub fn new(capacity_bytes: usize) -> Self {
        GrowingBuffers { capacity_bytes, spare: None }
    }

    /// Empty columns for a new growing segment of `schema` whose first batch adds `first_bytes`.
    /// Only a bulk load (a first batch of at least 1/[`BULK_DIVISOR`] of the capacity) gets the
    /// whole reservation; smaller writes start empty and grow as rows arrive, so a collection
    /// written a few rows at a time never holds (or, under strict overcommit, commits) a seal
    /// threshold of address space.
    pub fn take(&mut self, schema: &Schema, first_bytes: usize) -> SegmentColumns {
        self.spare.take().unwrap_or_else(|| {
            if first_bytes >= self.capacity_bytes / BULK_DIVISOR {
                SegmentColumns::with_capacity(schema, self.capacity_bytes)
            } else {
                SegmentColumns::new(schema)
            }
        })
    }

    /// Keeps the columns of a growing segment that has been sealed, emptied, for the next one.
    pub fn recycle(&mut self, mut columns: SegmentColumns) {
        columns.clear();
        self.spare = Some(columns);
    }
}

/// Approximate bytes one row of `schema` takes in a segment: 4 per vector dimension plus its
/// norm, 8 for every other field and for the timestamp.
pub fn estimated_row_bytes(schema: &Schema) -> usize {
    row_bytes(schema, 8)
}

/// The fewest bytes one row of `schema` adds to [`SegmentColumns::byte_size`]: its timestamp, 4
/// per vector dimension plus the norm, 1 for every other field. A growing segment reserved for
/// `bytes / min_row_bytes` rows reaches `bytes` before it outgrows its buffers.
fn min_row_bytes(schema: &Schema) -> usize {
    row_bytes(schema, 1)
}

/// Bytes of a row of `schema`, counting `scalar_bytes` for each non-vector field.
fn row_bytes(schema: &Schema, scalar_bytes: usize) -> usize {
    schema.fields.iter().map(|f| f.dim().map_or(scalar_bytes, |d| d * 4 + 4)).sum::<usize>() + 8
}

/// Where a segment's rows live.
#[derive(Debug)]
pub enum SegmentData {
    /// Shared so a background seal can write a frozen segment while readers still use it;
    /// only the writer appends, and only to segments nobody else holds.
    Growing(Arc<SegmentColumns>),
    Sealed(Arc<SealedSegment>),
}

/// A segment with its identity and deleted rows.
#[derive(Debug)]
pub struct Segment {
    /// Unique within the collection; also names the segment's files.
    pub id: u64,
    /// Partition the rows belong to.
    pub partition: u64,
    /// The rows.
    pub data: SegmentData,
    /// Rows deleted (or replaced by an upsert) since the segment was written.
    pub deleted: Bitset,
    /// Generation of the persisted deletes file; 0 when none was written.
    pub deletes_generation: u64,
    /// Whether `deleted` changed since it was last persisted.
    pub deletes_dirty: bool,
    /// Vector and scalar indexes by schema field position (sealed segments only).
    pub indexes: HashMap<usize, Arc<SegmentIndex>>,
}

impl Segment {
    /// A new growing segment holding `columns` (empty).
    pub fn growing(id: u64, partition: u64, columns: SegmentColumns) -> Segment {
        Segment {
            id,
            partition,
            data: SegmentData::Growing(Arc::new(columns)),
            deleted: Bitset::new(0),
            deletes_generation: 0,
            deletes_dirty: false,
            indexes: HashMap::new(),
        }
    }

    /// A sealed segment with no deletes and no indexes.
    pub fn sealed(id: u64, partition: u64, file: SealedSegment) -> Segment {
        Segment {
            id,
            partition,
            deleted: Bitset::new(file.rows()),
            data: SegmentData::Sealed(Arc::new(file)),
            deletes_generation: 0,
            deletes_dirty: false,
            indexes: HashMap::new(),
        }
    }

    /// The mapped file of a sealed segment.
    pub fn sealed_file(&self) -> Option<&Arc<SealedSegment>> {
        match &self.data {
            SegmentData::Sealed(s) => Some(s),
            SegmentData::Growing(_) => None,
        }
    }

    /// Whether the segment is still growing.
    pub fn is_growing(&self) -> bool {
        matches!(self.data, SegmentData::Growing(_))
    }

    /// Number of rows, deleted ones included.
    pub fn rows(&self) -> usize {
        match &self.data {
            SegmentData::Growing(g) => g.rows(),
            SegmentData::Sealed(s) => s.rows(),
        }
    }

    /// Number of rows not deleted.
    pub fn live_rows(&self) -> usize {
        self.rows() - self.deleted.count_ones()
    }

    /// Whether row `row` is live.
    pub fn is_live(&self, row: usize) -> bool {
        !self.deleted.get(row)
    }

    /// Marks `row` deleted; returns whether it was live.
    pub fn delete_row(&mut self, row: usize) -> bool {
        let was_live = self.deleted.set(row);
        self.deletes_dirty |= was_live;
        was_live
    }

    /// Values of field `field`.
    ///
    /// # Errors
    /// [`crate::Error::Corrupted`] when a sealed block fails its checksum.
    pub fn column(&self, field: usize) -> Result<ColumnRef<'_>> {
        match &self.data {
            SegmentData::Growing(g) => Ok(g.columns[field].as_ref()),
            SegmentData::Sealed(s) => s.column(field),
        }
    }

    /// Validity bytes of field `field` (`None`: every row has a value).
    ///
    /// # Errors
    /// As [`Segment::column`].
    pub fn validity(&self, field: usize) -> Result<Option<&[u8]>> {
        match &self.data {
            SegmentData::Growing(g) => Ok(g.validity[field].as_deref()),
            SegmentData::Sealed(s) => s.validity(field),
        }
    }

    /// Norms of the vectors of vector field `field`.
    ///
    /// # Errors
    /// As [`Segment::column`].
    pub fn norms(&self, field: usize) -> Result<&[f32]> {
        match &self.data {
            SegmentData::Growing(g) => Ok(g.norms[field].as_deref().unwrap_or_default()),
            SegmentData::Sealed(s) => s.norms(field),
        }
    }

    /// Write timestamp of every row.
    ///
    /// # Errors
    /// As [`Segment::column`].
    pub fn timestamps(&self) -> Result<&[u64]> {
        match &self.data {
            SegmentData::Growing(g) => Ok(&g.timestamps),
            SegmentData::Sealed(s) => s.timestamps(),
        }
    }

    /// Live rows as a bitset (set = live).
    pub fn live_bitset(&self) -> Bitset {
        let mut live = Bitset::full(self.rows());
        live.and_not_with(&self.deleted);
        live
    }
}

use crate::expr::ScalarIndex;

impl crate::expr::ColumnSource for Segment {
    fn num_rows(&self) -> usize {
        self.rows()
    }

    fn column(&self, field: usize) -> Result<ColumnRef<'_>> {
        Segment::column(self, field)
    }

    fn validity(&self, field: usize) -> Result<Option<&[u8]>> {
        Segment::validity(self, field)
    }

    fn scalar_index(&self, field: usize) -> Result<Option<ScalarIndex<'_>>> {
        let Some(index) = self.indexes.get(&field) else { return Ok(None) };
        let rows = self.rows();
        let Some(body) = index.scalar_body(|body| ScalarIndex::parse(body, rows).map(|_| ()))? else {
            return Ok(None);
        };
        ScalarIndex::view(body, rows)
            .map(Some)
            .map_err(|reason| crate::error::Error::corrupted(index.path(), reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Field, FieldType};

    fn schema() -> Schema {
        Schema::builder("s")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("tag", FieldType::Int32).nullable(true))
            .field(Field::new("v", FieldType::FloatVector { dim: 4 }))
            .build()
            .unwrap()
    }

    #[test]
    fn growing_buffers_reserve_and_recycle_emptied_columns() {
        let schema = schema();
        let mut buffers = GrowingBuffers::new(1 << 20);
        let small = buffers.take(&schema, (1 << 20) / BULK_DIVISOR - 1);
        let ColumnData::FloatVector { data, .. } = &small.columns[2] else { unreachable!() };
        assert_eq!(data.capacity(), 0, "a small first batch reserves nothing");
        let mut columns = buffers.take(&schema, (1 << 20) / BULK_DIVISOR);
        let ColumnData::FloatVector { data, .. } = &columns.columns[2] else { unreachable!() };
        let reserved = data.capacity();
        assert_eq!(reserved, (1 << 20) / min_row_bytes(&schema) * 4);
        columns.timestamps.extend([1, 2]);
        columns.columns[0].extend_from(ColumnRef::Int64(&[7, 8]));
        columns.columns[1].extend_from(ColumnRef::Int32(&[0, 3]));
        columns.columns[2].extend_from(ColumnRef::FloatVector { dim: 4, data: &[1.0; 8] });
        columns.validity[1].as_mut().unwrap().extend([0, 1]);
        columns.norms[2].as_mut().unwrap().extend([2.0, 2.0]);
        buffers.recycle(columns);

        let again = buffers.take(&schema, 0);
        assert_eq!(again.rows(), 0);
        assert_eq!(again.byte_size(), 0, "every column, validity and norm is empty");
        let ColumnData::FloatVector { data, .. } = &again.columns[2] else { unreachable!() };
        assert_eq!(data.capacity(), reserved, "the vector buffer is reused");
        let fresh = buffers.take(&schema, 0);
        assert_eq!(fresh.rows(), 0);
    }

    #[test]
    fn reservation_is_capped() {
        let columns = SegmentColumns::with_capacity(&schema(), 1 << 40);
        let ColumnData::FloatVector { data, .. } = &columns.columns[2] else { unreachable!() };
        assert!(data.capacity() * 4 <= MAX_RESERVED_BYTES);
    }
}
