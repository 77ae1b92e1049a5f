//! Persisted tombstones of a sealed segment: `s<segment id>-<generation>.del`.
//!
//! Deletes never edit a segment file. Each flush that changed a segment's deleted rows writes a
//! new generation of its deletes file (atomically) and the manifest names the current one.
//!
//! ```text
//! magic "VECLDEL\0" (8) | version u32 | reserved u32 | segment id u64 | rows u64 |
//! words: ceil(rows / 64) × u64 (bit r set = row r deleted) | crc32c u32 of everything before
//! ```

use std::path::Path;

use crate::bitset::Bitset;
use crate::error::{Error, Result};
use crate::storage::fs;

const MAGIC: &[u8; 8] = b"VECLDEL\0";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 32;

/// Writes the deleted rows of segment `segment` to `path`, atomically and durably.
///
/// # Errors
/// [`Error::Io`].
pub fn write_deletes(path: &Path, segment: u64, deleted: &Bitset) -> Result<()> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + deleted.words().len() * 8 + 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&segment.to_le_bytes());
    bytes.extend_from_slice(&(deleted.len() as u64).to_le_bytes());
    bytes.extend_from_slice(bytemuck::cast_slice(deleted.words()));
    let crc = crc32c::crc32c(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    fs::write_atomic(path, &bytes)
}

/// Reads the deleted rows of segment `segment`, which has `rows` rows, from `path`.
///
/// # Errors
/// [`Error::Corrupted`] when the file is missing (the manifest names it), damaged or belongs to
/// another segment; [`Error::UnsupportedFormat`]; [`Error::Io`].
pub fn read_deletes(path: &Path, segment: u64, rows: usize) -> Result<Bitset> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::corrupted(path, "the deletes file is missing"),
        _ => Error::io(path, e),
    })?;
    let bad = |reason: &str| Error::corrupted(path, reason);
    if bytes.len() < HEADER_LEN + 4 || &bytes[..8] != MAGIC {
        return Err(bad("not a veclite deletes file"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32c::crc32c(body).to_le_bytes() != crc {
        return Err(bad("checksum mismatch"));
    }
    let u64_at = |at: usize| {
        let mut a = [0u8; 8];
        a.copy_from_slice(&body[at..at + 8]);
        u64::from_le_bytes(a)
    };
    let version = u32::from_le_bytes([body[8], body[9], body[10], body[11]]);
    if version != VERSION {
        return Err(Error::UnsupportedFormat {
            file: path.display().to_string(),
            version,
            supported: VERSION,
        });
    }
    if u64_at(16) != segment || u64_at(24) != rows as u64 {
        return Err(bad("deletes file does not match its segment"));
    }
    let words = &body[HEADER_LEN..];
    if words.len() != rows.div_ceil(64) * 8 {
        return Err(bad("wrong number of bitmap words"));
    }
    Ok(Bitset::from_words(bytemuck::pod_collect_to_vec(words), rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_round_trip_and_detect_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s3-1.del");
        let mut d = Bitset::new(100);
        d.set(0);
        d.set(99);
        write_deletes(&path, 3, &d).unwrap();
        assert_eq!(read_deletes(&path, 3, 100).unwrap(), d);
        assert!(read_deletes(&path, 4, 100).is_err());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[40] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(read_deletes(&path, 3, 100), Err(Error::Corrupted { .. })));
        std::fs::remove_file(&path).unwrap();
        match read_deletes(&path, 3, 100) {
            Err(Error::Corrupted { file, reason }) => {
                assert!(file.ends_with("s3-1.del") && reason.contains("missing"), "{file}: {reason}")
            }
            other => panic!("a missing deletes file: {other:?}"),
        }
    }
}
