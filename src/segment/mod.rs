//! Segments: the unit of storage of one partition's rows.
//!
//! A segment is *growing* (columnar vectors in memory, appended to by writes) or *sealed* (an
//! immutable file mapped read-only). Both are read through [`Segment`], which also owns the
//! segment's deleted-row bitset. Row offsets never change for the life of a segment, so a primary
//! key's location `(segment id, row)` stays valid until compaction rewrites the segment.

pub mod deletes;
pub mod format;
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
    /// Euclidean norm of each vector of vector fields (`None` for the others).
    pub norms: Vec<Option<Vec<f32>>>,
}

impl SegmentColumns {
    /// Empty columns for `schema`.
    pub fn new(schema: &Schema) -> Self {
        SegmentColumns {
            timestamps: Vec::new(),
            columns: schema.fields.iter().map(|f| ColumnData::empty(f.field_type)).collect(),
            validity: schema.fields.iter().map(|f| f.nullable.then(Vec::new)).collect(),
            norms: schema.fields.iter().map(|f| f.field_type.is_vector().then(Vec::new)).collect(),
        }
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
    /// Vector indexes by schema field position (sealed segments only).
    pub indexes: HashMap<usize, Arc<SegmentIndex>>,
}

impl Segment {
    /// A new, empty growing segment.
    pub fn growing(id: u64, partition: u64, schema: &Schema) -> Segment {
        Segment {
            id,
            partition,
            data: SegmentData::Growing(Arc::new(SegmentColumns::new(schema))),
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
}
