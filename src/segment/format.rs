//! On-disk layout of a sealed segment file (`s<segment id>.seg`), format version 2 (version 1
//! is read too: it lacks the key blocks).
//!
//! All integers are little-endian. Every block starts at a multiple of 64 bytes from the start of
//! the file (the mapping is page-aligned, so vectors are 64-byte aligned in memory) and is
//! followed by zero padding up to the next multiple of 64.
//!
//! ```text
//! offset 0   header       magic "VECLSEG\0" (8) | version u32 | reserved u32 | zero pad to 64
//!            block 0      timestamps: rows × u64 (hybrid write timestamps)
//!            block ...    per field, in schema order:
//!                           values     fixed width: rows × {u8 bool | i8 | i16 | i32 | i64 | f32 | f64}
//!                                      FloatVector: rows × dim × f32, contiguous
//!                                      Binary/Float16/BFloat16/Int8Vector: rows × row
//!                                        bytes as stored (dim/8, 2·dim, 2·dim, dim)
//!                                      VarChar:     see offsets/bytes
//!                           offsets    VarChar only: (rows + 1) × u64 byte offsets into `bytes`
//!                           bytes      VarChar only: concatenated UTF-8
//!                           array offsets  Array only: (rows + 1) × u64 element offsets; the
//!                                      elements follow as a VarChar (offsets/bytes) or
//!                                      fixed-width (values) column of the element type
//!                           validity   nullable fields only: rows × u8 (1 = value, 0 = null)
//!                           norms      vector fields only: rows × f32 Euclidean norms (0
//!                                      for binary vectors)
//!            block ...    of the primary-key field (version 2; optional, derived from the keys):
//!                           key order   rows × u32 row numbers in ascending key order (equal
//!                                       keys by row)
//!                           sorted keys Int64 keys only: rows × i64, the keys in that order
//! footer     directory    n_blocks × BlockEntry (32 bytes each):
//!                           kind u16 | field u16 | reserved u32 | offset u64 | len u64 |
//!                           crc32c u32 (of the block's `len` bytes) | reserved u32
//!            meta         segment id u64 | partition id u64 | rows u64 | n_blocks u32 |
//!                           footer crc32c u32 (of directory + the 28 bytes before it)
//!            trailer      footer length u32 (directory + meta + trailer) | version u32 | magic (8)
//! ```
//!
//! Readers check the trailer magic, the version and the footer checksum when a segment is opened,
//! and each block's checksum the first time that block is read, so opening a segment touches no
//! vector data. The file is written to a temporary name, fsynced, renamed and its directory fsynced
//! before the manifest refers to it; it is never modified afterwards. Deleted rows live in a
//! separate `.del` file (see `deletes.rs`).

use bytemuck::{Pod, Zeroable};

/// Leading and trailing magic of a segment file.
pub const MAGIC: &[u8; 8] = b"VECLSEG\0";
/// Format version written by this build.
pub const VERSION: u32 = 2;
/// Oldest format version this build reads (version 1 has no key blocks).
pub const OLDEST_VERSION: u32 = 1;
/// Alignment of every block.
pub const ALIGN: usize = 64;
/// Size of the header (padded).
pub const HEADER_LEN: usize = ALIGN;
/// Size of the meta part of the footer.
pub const META_LEN: usize = 8 + 8 + 8 + 4 + 4;
/// Size of the trailer.
pub const TRAILER_LEN: usize = 4 + 4 + 8;

/// What a block holds.
#[repr(u16)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Timestamps = 1,
    Values = 2,
    Offsets = 3,
    Bytes = 4,
    Validity = 5,
    Norms = 6,
    ArrayOffsets = 7,
    /// The entry indices (u32) of a sparse vector field; its row offsets are an `Offsets` block
    /// and its entry values a `Values` block.
    SparseIndices = 8,
    KeyOrder = 9,
    SortedKeys = 10,
}

impl BlockKind {
    /// The kind with this number, if any.
    pub fn from_u16(v: u16) -> Option<BlockKind> {
        Some(match v {
            1 => BlockKind::Timestamps,
            2 => BlockKind::Values,
            3 => BlockKind::Offsets,
            4 => BlockKind::Bytes,
            5 => BlockKind::Validity,
            6 => BlockKind::Norms,
            7 => BlockKind::ArrayOffsets,
            8 => BlockKind::SparseIndices,
            9 => BlockKind::KeyOrder,
            10 => BlockKind::SortedKeys,
            _ => return None,
        })
    }
}

/// One directory entry of the footer.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct BlockEntry {
    pub kind: u16,
    pub field: u16,
    pub reserved: u32,
    pub offset: u64,
    pub len: u64,
    pub crc: u32,
    pub reserved2: u32,
}

/// Size of one [`BlockEntry`].
pub const ENTRY_LEN: usize = std::mem::size_of::<BlockEntry>();

/// The header bytes.
pub fn header() -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h
}

/// Padding needed after `len` bytes to reach the next multiple of [`ALIGN`].
pub fn padding(len: usize) -> usize {
    (ALIGN - len % ALIGN) % ALIGN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_is_32_bytes_and_kinds_round_trip() {
        assert_eq!(ENTRY_LEN, 32);
        for k in [
            BlockKind::Timestamps,
            BlockKind::Values,
            BlockKind::Offsets,
            BlockKind::Bytes,
            BlockKind::Validity,
            BlockKind::Norms,
            BlockKind::ArrayOffsets,
            BlockKind::SparseIndices,
            BlockKind::KeyOrder,
            BlockKind::SortedKeys,
        ] {
            assert_eq!(BlockKind::from_u16(k as u16), Some(k));
        }
        assert_eq!(BlockKind::from_u16(0), None);
        assert_eq!(padding(0), 0);
        assert_eq!(padding(1), 63);
        assert_eq!(padding(64), 0);
    }
}
