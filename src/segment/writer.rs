//! Writes a sealed segment file from owned columns (layout in [`super::format`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::SegmentColumns;
use super::format::{self, BlockEntry, BlockKind};
use crate::column::{ColumnRef, map_fixed};
use crate::error::{Error, Result};
use crate::storage::fs;

/// Writes `rows` as segment `id` of partition `partition` to `path`, with the key blocks of
/// primary-key field `key_field` (its rows in key order), durably: temp file → fsync →
/// rename → fsync directory. The file is complete on disk when this returns. `paced` sends the
/// bytes to the disk step by step as they are written ([`fs::PacedFile`]), for writes in the
/// background of durable commits.
///
/// # Errors
/// [`Error::Io`]; nothing is left at `path` or at the temp path on failure.
pub fn write_segment(
    path: &Path,
    id: u64,
    partition: u64,
    rows: &SegmentColumns,
    key_field: usize,
    paced: bool,
) -> Result<()> {
    write_segment_reporting(path, id, partition, rows, key_field, paced, &|_| {})
}

/// [`write_segment`] that calls `progress` with the bytes written so far after every
/// [`PROGRESS_STEP`] (when paced, they are on their way to the disk; the fsync that ends the
/// write comes after the last call).
///
/// # Errors
/// As [`write_segment`].
pub fn write_segment_reporting(
    path: &Path,
    id: u64,
    partition: u64,
    rows: &SegmentColumns,
    key_field: usize,
    paced: bool,
    progress: &dyn Fn(u64),
) -> Result<()> {
    let tmp = fs::TempPath::new(path.with_extension("seg.tmp"));
    let file = File::create(tmp.path()).map_err(|e| Error::io(tmp.path(), e))?;
    let out = BufWriter::with_capacity(1 << 20, fs::PacedFile::new(file, paced));
    let mut w = BlockWriter { out, pos: 0, entries: Vec::new(), progress };
    let io = |e| Error::io(tmp.path(), e);
    w.raw(&format::header()).map_err(io)?;
    w.block(BlockKind::Timestamps, 0, bytemuck::cast_slice(&rows.timestamps)).map_err(io)?;
    for (f, column) in rows.columns.iter().enumerate() {
        let field = u16::try_from(f).map_err(|_| Error::SchemaMismatch("more than 65535 fields".into()))?;
        match column.as_ref() {
            ColumnRef::Array { offsets, values } => {
                w.block(BlockKind::ArrayOffsets, field, bytemuck::cast_slice(offsets)).map_err(io)?;
                match values.column() {
                    ColumnRef::VarChar { offsets, bytes } => {
                        w.block(BlockKind::Offsets, field, bytemuck::cast_slice(offsets)).map_err(io)?;
                        w.block(BlockKind::Bytes, field, bytes).map_err(io)?;
                    }
                    flat => w.block(BlockKind::Values, field, fixed_bytes(flat)).map_err(io)?,
                }
            }
            ColumnRef::VarChar { offsets, bytes } => {
                w.block(BlockKind::Offsets, field, bytemuck::cast_slice(offsets)).map_err(io)?;
                w.block(BlockKind::Bytes, field, bytes).map_err(io)?;
            }
            ColumnRef::SparseVector(rows) => {
                w.block(BlockKind::Offsets, field, bytemuck::cast_slice(rows.offsets())).map_err(io)?;
                w.block(BlockKind::SparseIndices, field, bytemuck::cast_slice(rows.indices())).map_err(io)?;
                w.block(BlockKind::Values, field, bytemuck::cast_slice(rows.values())).map_err(io)?;
            }
            values => w.block(BlockKind::Values, field, fixed_bytes(values)).map_err(io)?,
        }
        if let Some(v) = &rows.validity[f] {
            w.block(BlockKind::Validity, field, v).map_err(io)?;
        }
        if let Some(n) = &rows.norms[f] {
            w.block(BlockKind::Norms, field, bytemuck::cast_slice(n)).map_err(io)?;
        }
    }
    w.key_blocks(&rows.columns[key_field], key_field).map_err(io)?;
    w.footer(id, partition, rows.rows() as u64).map_err(io)?;
    let file = w.out.into_inner().map_err(|e| Error::io(tmp.path(), e.into_error()))?.into_inner();
    crate::storage::fs::fsync(&file, tmp.path(), false)?;
    drop(file);
    tmp.rename_to(path)
}

/// The bytes of a fixed-width or vector column (of an array column: its row offsets).
fn fixed_bytes<'a>(values: ColumnRef<'a>) -> &'a [u8] {
    map_fixed!(values, ColumnRef,
        v => bytemuck::cast_slice(v),
        varchar(_o, b) => b,
        vector(_d, x) => bytemuck::cast_slice(x),
        packed(_k, _d, x) => x,
        array(o, _v) => bytemuck::cast_slice(o),
        sparse(ColumnRef::SparseVector(rows)) => bytemuck::cast_slice(rows.values()))
}

/// Bytes written between two progress reports of [`write_segment_reporting`].
pub(crate) const PROGRESS_STEP: usize = 1 << 20;

struct BlockWriter<'p> {
    out: BufWriter<fs::PacedFile>,
    pos: usize,
    entries: Vec<BlockEntry>,
    progress: &'p dyn Fn(u64),
}

impl BlockWriter<'_> {
    fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        for chunk in bytes.chunks(PROGRESS_STEP) {
            self.out.write_all(chunk)?;
            self.pos += chunk.len();
            (self.progress)(self.pos as u64);
        }
        Ok(())
    }

    fn block(&mut self, kind: BlockKind, field: u16, bytes: &[u8]) -> std::io::Result<()> {
        self.entries.push(BlockEntry {
            kind: kind as u16,
            field,
            reserved: 0,
            offset: self.pos as u64,
            len: bytes.len() as u64,
            crc: crc32c::crc32c(bytes),
            reserved2: 0,
        });
        self.raw(bytes)?;
        self.raw(&[0u8; format::ALIGN][..format::padding(bytes.len())])
    }

    /// The key order block of key column `keys` (field `field`) and, for Int64 keys, the
    /// sorted keys block.
    fn key_blocks(&mut self, keys: &crate::column::ColumnData, field: usize) -> std::io::Result<()> {
        let (order, sorted) = crate::segment::keys::key_order(keys.as_ref());
        let field = field as u16;
        self.block(BlockKind::KeyOrder, field, bytemuck::cast_slice(&order))?;
        if matches!(keys, crate::column::ColumnData::Int64(_)) {
            self.block(BlockKind::SortedKeys, field, bytemuck::cast_slice(&sorted))?;
        }
        Ok(())
    }

    fn footer(&mut self, id: u64, partition: u64, rows: u64) -> std::io::Result<()> {
        let mut footer: Vec<u8> = bytemuck::cast_slice(&self.entries).to_vec();
        footer.extend_from_slice(&id.to_le_bytes());
        footer.extend_from_slice(&partition.to_le_bytes());
        footer.extend_from_slice(&rows.to_le_bytes());
        footer.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        let crc = crc32c::crc32c(&footer);
        footer.extend_from_slice(&crc.to_le_bytes());
        let total = (footer.len() + format::TRAILER_LEN) as u32;
        footer.extend_from_slice(&total.to_le_bytes());
        footer.extend_from_slice(&format::VERSION.to_le_bytes());
        footer.extend_from_slice(format::MAGIC);
        self.raw(&footer)
    }
}
