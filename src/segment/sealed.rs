//! Reads a sealed segment file through a read-only mapping (layout in [`super::format`]).
//!
//! Opening checks the trailer, version and footer checksum; each block's own checksum is checked
//! the first time the block is read, so opening touches no vector data.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::format::{self, BlockEntry, BlockKind};
use crate::column::{ColumnRef, FixedWidth};
use crate::error::{Error, Result};
use crate::schema::{FieldType, Schema};
use crate::storage::mmap::MappedFile;

mod array;
mod sparse;

/// An open, immutable segment file.
#[derive(Debug)]
pub struct SealedSegment {
    path: PathBuf,
    map: MappedFile,
    rows: usize,
    field_types: Vec<FieldType>,
    /// Schema position of the primary-key field.
    key_field: usize,
    entries: Vec<BlockEntry>,
    index: HashMap<(BlockKind, u16), usize>,
    verified: Vec<OnceLock<bool>>,
}

/// Identity recorded in a segment's footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentIdentity {
    pub id: u64,
    pub partition: u64,
}

fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn read_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

impl SealedSegment {
    /// Maps and validates the segment at `path` against `schema`.
    ///
    /// # Errors
    /// [`Error::Corrupted`] for a missing or short file, a bad magic, footer checksum, missing
    /// block or out-of-range block;
    /// [`Error::UnsupportedFormat`] for another format version; [`Error::Io`].
    pub fn open(path: &Path, schema: &Schema) -> Result<(SealedSegment, SegmentIdentity)> {
        let map = MappedFile::open(path, format::HEADER_LEN + format::META_LEN + format::TRAILER_LEN)?;
        let b = map.bytes();
        let bad = |reason: &str| Error::corrupted(path, reason);
        if &b[b.len() - 8..] != format::MAGIC || &b[..8] != format::MAGIC {
            return Err(bad("bad magic (not a veclite segment)"));
        }
        let version = read_u32(b, b.len() - 12);
        if !(format::OLDEST_VERSION..=format::VERSION).contains(&version) {
            return Err(Error::UnsupportedFormat {
                file: path.display().to_string(),
                version,
                supported: format::VERSION,
            });
        }
        if read_u32(b, 8) != version {
            return Err(bad("header and trailer format versions differ"));
        }
        let footer_len = read_u32(b, b.len() - 16) as usize;
        if footer_len < format::META_LEN + format::TRAILER_LEN || footer_len > b.len() - format::HEADER_LEN {
            return Err(bad("footer length out of range"));
        }
        let footer_start = b.len() - footer_len;
        let meta_start = b.len() - format::TRAILER_LEN - format::META_LEN;
        let stored_crc = read_u32(b, meta_start + 28);
        if crc32c::crc32c(&b[footer_start..meta_start + 28]) != stored_crc {
            return Err(bad("footer checksum mismatch"));
        }
        let identity =
            SegmentIdentity { id: read_u64(b, meta_start), partition: read_u64(b, meta_start + 8) };
        // Every row has an 8-byte timestamp in the data area, which bounds the row count (and
        // keeps every block size computed from it far from overflowing).
        let rows = read_u64(b, meta_start + 16);
        if rows > (footer_start / 8) as u64 {
            return Err(bad("row count exceeds what the file can hold"));
        }
        let rows = rows as usize;
        let n_blocks = read_u32(b, meta_start + 24) as usize;
        if footer_start + n_blocks * format::ENTRY_LEN != meta_start {
            return Err(bad("block directory size does not match its count"));
        }
        let entries: Vec<BlockEntry> = bytemuck::pod_collect_to_vec(&b[footer_start..meta_start]);
        let mut index = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let kind = BlockKind::from_u16(e.kind).ok_or_else(|| bad("unknown block kind"))?;
            let end = e.offset.checked_add(e.len).ok_or_else(|| bad("block range overflows"))?;
            if !(e.offset as usize).is_multiple_of(format::ALIGN)
                || e.offset < format::HEADER_LEN as u64
                || end > footer_start as u64
            {
                return Err(bad("block lies outside the data area or is misaligned"));
            }
            if index.insert((kind, e.field), i).is_some() {
                return Err(bad("block listed twice"));
            }
        }
        let seg = SealedSegment {
            path: path.to_owned(),
            rows,
            field_types: schema.fields.iter().map(|f| f.field_type).collect(),
            key_field: schema.pk_index(),
            verified: entries.iter().map(|_| OnceLock::new()).collect(),
            entries,
            index,
            map,
        };
        seg.check_blocks(schema)?;
        Ok((seg, identity))
    }

    /// Checks that every block the schema needs exists with the right size, and that the
    /// offsets of every VarChar field rise from 0 to the end of its bytes block.
    fn check_blocks(&self, schema: &Schema) -> Result<()> {
        let n = self.rows as u64;
        self.expect(BlockKind::Timestamps, 0, n * 8)?;
        self.check_key_blocks(n)?;
        for (f, field) in schema.fields.iter().enumerate() {
            let f = u16::try_from(f).map_err(|_| Error::corrupted(&self.path, "more than 65535 fields"))?;
            match field.field_type {
                FieldType::VarChar { .. } | FieldType::Json => self.check_text_blocks(f, n)?,
                FieldType::Array { element, .. } => self.check_array_blocks(f, n, element)?,
                FieldType::SparseFloatVector => self.check_sparse_blocks(f, n)?,
                FieldType::FloatVector { dim } => {
                    self.expect(BlockKind::Values, f, n.saturating_mul(u64::from(dim) * 4))?;
                    self.expect(BlockKind::Norms, f, n * 4)?;
                }
                ty if ty.vector_kind().is_some() => {
                    let (kind, dim) = ty.vector_kind().unwrap_or((crate::column::VectorKind::Int8, 0));
                    self.expect(BlockKind::Values, f, n.saturating_mul(kind.row_bytes(dim) as u64))?;
                    self.expect(BlockKind::Norms, f, n * 4)?;
                }
                ty => self.expect(BlockKind::Values, f, n * fixed_width(ty))?,
            }
            if field.nullable {
                self.expect(BlockKind::Validity, f, n)?;
            }
        }
        Ok(())
    }

    /// Checks the sizes of the key blocks, when the file has them (format version 2): a key
    /// order of `n` rows, and for Int64 keys `n` sorted keys.
    fn check_key_blocks(&self, n: u64) -> Result<()> {
        let f = self.key_field as u16;
        let has = |kind| self.index.contains_key(&(kind, f));
        if !has(BlockKind::KeyOrder) && !has(BlockKind::SortedKeys) {
            return Ok(());
        }
        self.expect(BlockKind::KeyOrder, f, n * 4)?;
        if self.field_types[self.key_field] == FieldType::Int64 {
            self.expect(BlockKind::SortedKeys, f, n * 8)?;
        } else if has(BlockKind::SortedKeys) {
            return Err(Error::corrupted(&self.path, "sorted keys block for a VarChar primary key"));
        }
        Ok(())
    }

    /// Checks the Offsets and Bytes blocks of `n` texts of field `f`: the offsets rise from 0 to
    /// the end of the bytes.
    fn check_text_blocks(&self, f: u16, n: u64) -> Result<()> {
        self.expect(BlockKind::Offsets, f, (n + 1) * 8)?;
        let i = self.block_index(BlockKind::Bytes, f)?;
        let offsets: &[u64] = self.cast(self.index[&(BlockKind::Offsets, f)])?;
        if offsets[0] != 0
            || offsets.last().copied() != Some(self.entries[i].len)
            || offsets.windows(2).any(|w| w[0] > w[1])
        {
            return Err(Error::corrupted(
                &self.path,
                format!("VarChar offsets of field {f} do not match its bytes block"),
            ));
        }
        Ok(())
    }

    fn block_index(&self, kind: BlockKind, field: u16) -> Result<usize> {
        self.index
            .get(&(kind, field))
            .copied()
            .ok_or_else(|| Error::corrupted(&self.path, format!("missing {kind:?} block of field {field}")))
    }

    fn expect(&self, kind: BlockKind, field: u16, len: u64) -> Result<()> {
        let i = self.block_index(kind, field)?;
        if self.entries[i].len != len {
            return Err(Error::corrupted(
                &self.path,
                format!("{kind:?} block of field {field} has {} bytes, expected {len}", self.entries[i].len),
            ));
        }
        Ok(())
    }

    /// Bytes of block `i`, checksum-verified on first access.
    fn block(&self, i: usize) -> Result<&[u8]> {
        let e = &self.entries[i];
        let bytes = &self.map.bytes()[e.offset as usize..(e.offset + e.len) as usize];
        if *self.verified[i].get_or_init(|| crc32c::crc32c(bytes) == e.crc) {
            Ok(bytes)
        } else {
            Err(Error::corrupted(
                &self.path,
                format!("checksum mismatch in {:?} block of field {}", BlockKind::from_u16(e.kind), e.field),
            ))
        }
    }

    fn cast<T: bytemuck::Pod>(&self, i: usize) -> Result<&[T]> {
        bytemuck::try_cast_slice(self.block(i)?)
            .map_err(|e| Error::corrupted(&self.path, format!("misaligned block: {e}")))
    }

    fn typed<T: FixedWidth>(&self, field: u16) -> Result<ColumnRef<'_>> {
        Ok(T::column_ref(self.cast(self.block_index(BlockKind::Values, field)?)?))
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Size of the file in bytes.
    pub fn file_len(&self) -> u64 {
        self.map.bytes().len() as u64
    }

    /// Path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Values of field `field`.
    ///
    /// # Errors
    /// [`Error::Corrupted`] when the block fails its checksum.
    pub fn column(&self, field: usize) -> Result<ColumnRef<'_>> {
        let f = field as u16;
        match self.field_types[field] {
            FieldType::Bool => self.typed::<u8>(f),
            FieldType::Int8 => self.typed::<i8>(f),
            FieldType::Int16 => self.typed::<i16>(f),
            FieldType::Int32 => self.typed::<i32>(f),
            FieldType::Int64 => self.typed::<i64>(f),
            FieldType::Float => self.typed::<f32>(f),
            FieldType::Double => self.typed::<f64>(f),
            FieldType::VarChar { .. } | FieldType::Json => Ok(ColumnRef::VarChar {
                offsets: self.cast(self.block_index(BlockKind::Offsets, f)?)?,
                bytes: self.block(self.block_index(BlockKind::Bytes, f)?)?,
            }),
            FieldType::FloatVector { dim } => Ok(ColumnRef::FloatVector {
                dim: dim as usize,
                data: self.cast(self.block_index(BlockKind::Values, f)?)?,
            }),
            FieldType::Array { element, .. } => self.array_column(f, element),
            FieldType::SparseFloatVector => self.sparse_column(f),
            ty => {
                let (kind, dim) = ty.vector_kind().unwrap_or((crate::column::VectorKind::Int8, 0));
                Ok(ColumnRef::PackedVector {
                    kind,
                    dim,
                    data: self.block(self.block_index(BlockKind::Values, f)?)?,
                })
            }
        }
    }

    /// Validity bytes of field `field`, `None` when it is not nullable.
    ///
    /// # Errors
    /// As [`SealedSegment::column`].
    pub fn validity(&self, field: usize) -> Result<Option<&[u8]>> {
        match self.index.get(&(BlockKind::Validity, field as u16)) {
            Some(&i) => Ok(Some(self.block(i)?)),
            None => Ok(None),
        }
    }

    /// Norms of vector field `field`.
    ///
    /// # Errors
    /// As [`SealedSegment::column`].
    pub fn norms(&self, field: usize) -> Result<&[f32]> {
        self.cast(self.block_index(BlockKind::Norms, field as u16)?)
    }

    /// Schema position of the primary-key field.
    pub fn key_field(&self) -> usize {
        self.key_field
    }

    /// The key order block (row numbers in ascending key order) and, for Int64 keys, the sorted
    /// keys block (empty for VarChar keys), checksum-verified on first access; `None` when the
    /// file has no key blocks (format version 1).
    ///
    /// # Errors
    /// As [`SealedSegment::column`].
    pub fn key_blocks(&self) -> Result<Option<(&[u32], &[i64])>> {
        let f = self.key_field as u16;
        let Some(&order) = self.index.get(&(BlockKind::KeyOrder, f)) else { return Ok(None) };
        let sorted = match self.index.get(&(BlockKind::SortedKeys, f)) {
            Some(&i) => self.cast(i)?,
            None => &[],
        };
        Ok(Some((self.cast(order)?, sorted)))
    }

    /// Write timestamps of the rows.
    ///
    /// # Errors
    /// As [`SealedSegment::column`].
    pub fn timestamps(&self) -> Result<&[u64]> {
        self.cast(self.block_index(BlockKind::Timestamps, 0)?)
    }
}

fn fixed_width(ty: FieldType) -> u64 {
    match ty {
        FieldType::Bool | FieldType::Int8 => 1,
        FieldType::Int16 => 2,
        FieldType::Int32 | FieldType::Float => 4,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::ColumnData;
    use crate::schema::Field;
    use crate::segment::SegmentColumns;
    use crate::segment::writer::write_segment;

    fn schema() -> Schema {
        Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("name", FieldType::VarChar { max_length: 20 }).nullable(true))
            .field(Field::new("flag", FieldType::Bool))
            .field(Field::new("v", FieldType::FloatVector { dim: 3 }))
            .build()
            .unwrap()
    }

    fn rows() -> SegmentColumns {
        SegmentColumns {
            timestamps: vec![10, 11],
            columns: vec![
                ColumnData::Int64(vec![7, 8]),
                ColumnData::varchar(["ab", ""]),
                ColumnData::Bool(vec![1, 0]),
                ColumnData::FloatVector { dim: 3, data: vec![1.0, 2.0, 2.0, 0.0, 0.0, 1.0] },
            ],
            validity: vec![None, Some(vec![1, 0]), None, None],
            norms: vec![None, None, None, Some(vec![3.0, 1.0])],
        }
    }

    #[test]
    fn a_paced_write_reports_every_byte_before_the_file_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s1.seg");
        let mut big = rows();
        let n = 300_000; // 3.6 MB of vectors: several progress steps
        big.timestamps = vec![1; n];
        big.columns = vec![
            ColumnData::Int64((0..n as i64).collect()),
            ColumnData::varchar(std::iter::repeat_n("", n)),
            ColumnData::Bool(vec![1; n]),
            ColumnData::FloatVector { dim: 3, data: vec![0.5; n * 3] },
        ];
        big.validity = vec![None, Some(vec![1; n]), None, None];
        big.norms = vec![None, None, None, Some(vec![1.0; n])];
        let reports = std::cell::RefCell::new(Vec::new());
        crate::segment::writer::write_segment_reporting(&path, 1, 9, &big, 0, true, &|p| {
            reports.borrow_mut().push(p)
        })
        .unwrap();
        let reports = reports.into_inner();
        let file_len = std::fs::metadata(&path).unwrap().len();
        assert!(reports.windows(2).all(|w| w[0] <= w[1]), "progress never goes back");
        assert_eq!(*reports.last().unwrap(), file_len, "the last report is the whole file");
        assert!(reports.len() as u64 > file_len / crate::segment::writer::PROGRESS_STEP as u64);
        let (seg, _) = SealedSegment::open(&path, &schema()).unwrap();
        assert_eq!(seg.rows(), n);
    }

    #[test]
    fn written_segment_reads_back_identically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s1.seg");
        write_segment(&path, 1, 9, &rows(), 0, false).unwrap();
        let (seg, id) = SealedSegment::open(&path, &schema()).unwrap();
        assert_eq!(id, SegmentIdentity { id: 1, partition: 9 });
        assert_eq!(seg.rows(), 2);
        let r = rows();
        for f in 0..4 {
            assert_eq!(seg.column(f).unwrap(), r.columns[f].as_ref());
            assert_eq!(seg.validity(f).unwrap(), r.validity[f].as_deref());
        }
        assert_eq!(seg.norms(3).unwrap(), &[3.0, 1.0]);
        assert_eq!(seg.timestamps().unwrap(), &[10, 11]);
        if let ColumnRef::FloatVector { data, .. } = seg.column(3).unwrap() {
            assert_eq!(data.as_ptr() as usize % 64, 0, "vectors are 64-byte aligned");
        }
    }

    /// The file at `path` with its footer rebuilt after `edit` changed the data area, the block
    /// directory or the row count, with every checksum consistent: damage that checksums
    /// cannot see, which the structure checks must.
    fn forge(path: &Path, edit: impl FnOnce(&mut Vec<u8>, &mut Vec<BlockEntry>, &mut u64)) {
        let b = std::fs::read(path).unwrap();
        let n = b.len();
        let footer_start = n - read_u32(&b, n - 16) as usize;
        let meta = n - format::TRAILER_LEN - format::META_LEN;
        let mut data = b[..footer_start].to_vec();
        let mut entries: Vec<BlockEntry> = bytemuck::pod_collect_to_vec(&b[footer_start..meta]);
        let mut rows = read_u64(&b, meta + 16);
        edit(&mut data, &mut entries, &mut rows);
        let mut footer: Vec<u8> = bytemuck::cast_slice(&entries).to_vec();
        footer.extend_from_slice(&b[meta..meta + 16]);
        footer.extend_from_slice(&rows.to_le_bytes());
        footer.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        footer.extend_from_slice(&crc32c::crc32c(&footer).to_le_bytes());
        footer.extend_from_slice(&((footer.len() + format::TRAILER_LEN) as u32).to_le_bytes());
        footer.extend_from_slice(&format::VERSION.to_le_bytes());
        footer.extend_from_slice(format::MAGIC);
        data.extend_from_slice(&footer);
        std::fs::write(path, data).unwrap();
    }

    fn entry(entries: &mut [BlockEntry], kind: BlockKind, field: u16) -> &mut BlockEntry {
        entries.iter_mut().find(|e| e.kind == kind as u16 && e.field == field).unwrap()
    }

    #[test]
    fn structure_damage_behind_valid_checksums_is_corrupted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s1.seg");
        type Edit = Box<dyn Fn(&mut Vec<u8>, &mut Vec<BlockEntry>, &mut u64)>;
        let cases: Vec<(&str, Edit)> = vec![
            ("row count exceeds", Box::new(|_, _, rows| *rows = u64::MAX / 4)),
            (
                "offsets of field 1",
                Box::new(|data, entries, _| {
                    // "ab", "" stored as offsets [0, 2, 2]: make them [0, 3, 2].
                    let e = entry(entries, BlockKind::Offsets, 1);
                    let at = e.offset as usize + 8;
                    data[at..at + 8].copy_from_slice(&3u64.to_le_bytes());
                    e.crc = crc32c::crc32c(&data[e.offset as usize..(e.offset + e.len) as usize]);
                }),
            ),
            (
                "outside the data area",
                Box::new(|data, entries, _| {
                    // The timestamps block moved onto the header.
                    let e = entry(entries, BlockKind::Timestamps, 0);
                    e.offset = 0;
                    e.crc = crc32c::crc32c(&data[..e.len as usize]);
                }),
            ),
            (
                "listed twice",
                Box::new(|data, entries, _| {
                    // A second values block for `flag`, made of the first two bytes of the ids.
                    let ids = *entry(entries, BlockKind::Values, 0);
                    let mut twin = *entry(entries, BlockKind::Values, 2);
                    twin.offset = ids.offset;
                    twin.crc = crc32c::crc32c(&data[ids.offset as usize..ids.offset as usize + 2]);
                    entries.push(twin);
                }),
            ),
            ("versions differ", Box::new(|data, _, _| data[8..12].copy_from_slice(&1u32.to_le_bytes()))),
        ];
        for (reason, edit) in cases {
            write_segment(&path, 1, 9, &rows(), 0, false).unwrap();
            forge(&path, edit);
            match SealedSegment::open(&path, &schema()) {
                Err(Error::Corrupted { reason: r, .. }) => assert!(r.contains(reason), "{reason}: {r}"),
                Err(e) => panic!("{reason}: {e}"),
                Ok(_) => panic!("{reason}: the segment opened"),
            }
        }
        // The forging itself keeps an undamaged file intact.
        write_segment(&path, 1, 9, &rows(), 0, false).unwrap();
        forge(&path, |_, _, _| {});
        let (seg, _) = SealedSegment::open(&path, &schema()).unwrap();
        assert_eq!(seg.column(1).unwrap(), rows().columns[1].as_ref());
    }

    #[test]
    fn flipped_bytes_are_detected_never_returned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s1.seg");
        write_segment(&path, 1, 9, &rows(), 0, false).unwrap();
        let clean = std::fs::read(&path).unwrap();
        for at in 0..clean.len() {
            let mut bytes = clean.clone();
            bytes[at] ^= 0x40;
            let p = dir.path().join(format!("x{at}.seg"));
            std::fs::write(&p, &bytes).unwrap();
            let outcome = SealedSegment::open(&p, &schema()).and_then(|(seg, _)| {
                for f in 0..4 {
                    seg.column(f)?;
                    seg.validity(f)?;
                }
                seg.norms(3)?;
                seg.key_blocks()?;
                seg.timestamps().map(|_| ())
            });
            // Flips in padding or reserved bytes are harmless; any flip in data must be caught.
            match outcome {
                Ok(()) => {
                    let (seg, _) = SealedSegment::open(&p, &schema()).unwrap();
                    for f in 0..4 {
                        assert_eq!(seg.column(f).unwrap(), rows().columns[f].as_ref(), "flip at {at}");
                    }
                    let (order, sorted) = crate::segment::keys::key_order(rows().columns[0].as_ref());
                    assert_eq!(seg.key_blocks().unwrap(), Some((&order[..], &sorted[..])), "flip at {at}");
                }
                Err(e) => assert!(
                    matches!(e, Error::Corrupted { .. } | Error::UnsupportedFormat { .. }),
                    "flip at {at}: {e}"
                ),
            }
            std::fs::remove_file(&p).unwrap();
        }
    }
}
