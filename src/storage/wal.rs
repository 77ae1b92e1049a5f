//! The write-ahead log: an append-only file of framed, checksummed records.
//!
//! ```text
//! file   := header record*
//! header := magic "VECLWAL\0" (8 bytes) | format version u32 LE | chain u32 LE
//! record := payload length u32 LE (> 0) | CRC32C(payload) u32 LE | payload
//! ```
//!
//! An append writes the payload first and the frame last, so a crash mid-append leaves a frame
//! of zeros (never a valid record) or one whose checksum fails.
//!
//! `chain` is the CRC32C of the last record logged before the file was created (in the previous
//! generation; 0 when unknown). A reader that finds the previous generation ending with another
//! record knows that generation lost its tail in a crash, so a generation is never replayed
//! after a gap even when the previous one was not fsynced before it was started.
//!
//! A record is acknowledged once it is written (and, under [`SyncPolicy::EveryWrite`], fsynced).
//! A collection writes one log file per generation; a seal starts a new generation and removes
//! the older ones once their records are in sealed segments.
//! Opening the log returns every whole record; a torn or corrupt tail (a crash mid-append) is cut
//! off at the last whole record so later appends follow valid data.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::storage::fs;

const MAGIC: &[u8; 8] = b"VECLWAL\0";
/// WAL format version written by this build.
pub const WAL_VERSION: u32 = 1;
const HEADER_LEN: u64 = 16;
const FRAME_LEN: usize = 8;
/// Bytes of a record whose writeback an append under a syncing policy starts at a time.
const STREAM_STEP: usize = 256 << 10;

/// When appended records are fsynced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPolicy {
    /// Fsync before every write is acknowledged (the default): nothing acknowledged is lost.
    EveryWrite,
    /// Fsync when at least this long has passed since the last fsync; a crash may lose the
    /// writes of the last interval, never leaves a partial batch.
    Interval(Duration),
    /// Never fsync the log explicitly (the OS writes it back); flushes still fsync segments.
    None,
}

/// An open write-ahead log.
#[derive(Debug)]
pub struct Wal {
    file: File,
    path: PathBuf,
    policy: SyncPolicy,
    last_sync: Instant,
    len: u64,
    /// Bytes appended since the last fsync.
    unsynced: u64,
    /// The header's `chain`.
    chain: u32,
    /// CRC32C of the last record in the file, or `chain` when it has none.
    last_crc: u32,
}

impl Wal {
    /// Opens (or creates, with header `chain`) the log at `path` and returns it with the payloads
    /// of every whole record, oldest first.
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Corrupted`] for a bad header; [`Error::UnsupportedFormat`] for a
    /// header of another version.
    pub fn open(path: &Path, policy: SyncPolicy, chain: u32) -> Result<(Wal, Vec<Vec<u8>>)> {
        let io = |e| Error::io(path, e);
        let mut file =
            OpenOptions::new().create(true).truncate(false).read(true).write(true).open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let mut records = Vec::new();
        let (mut chain, mut last_crc) = (chain, chain);
        let valid_len = if bytes.len() < HEADER_LEN as usize {
            // New file, or a crash while writing the header: start afresh.
            file.set_len(0).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.write_all(&header(chain)).map_err(io)?;
            file.sync_all().map_err(io)?;
            crate::storage::fs::sync_parent(path)?;
            HEADER_LEN
        } else {
            chain = check_header(path, &bytes[..HEADER_LEN as usize])?;
            last_crc = chain;
            let mut pos = HEADER_LEN as usize;
            while let Some((payload, next)) = read_record(&bytes, pos) {
                records.push(payload.to_vec());
                last_crc = crc32c::crc32c(payload);
                pos = next;
            }
            if pos < bytes.len() {
                file.set_len(pos as u64).map_err(io)?;
                file.sync_all().map_err(io)?;
            }
            pos as u64
        };
        file.seek(SeekFrom::Start(valid_len)).map_err(io)?;
        let wal = Wal {
            file,
            path: path.to_owned(),
            policy,
            last_sync: Instant::now(),
            len: valid_len,
            unsynced: 0,
            chain,
            last_crc,
        };
        Ok((wal, records))
    }

    /// Appends one record, whose payload is the concatenation of `payload`'s parts, and syncs
    /// it according to the policy. The parts go to the file uncopied, the frame last: a record is
    /// whole only once its frame is written. Under a policy that fsyncs (every write or on an
    /// interval) the payload's writeback starts step by step ([`STREAM_STEP`]) while the rest is
    /// checksummed and written, so the next fsync has little left to wait for.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty payload or one of 4 GiB or more (nothing
    /// written); [`Error::Io`]. After a failed write or fsync the log's state on disk is unknown:
    /// the caller must stop writing (the database becomes poisoned).
    pub fn append(&mut self, payload: &[&[u8]]) -> Result<()> {
        let size: usize = payload.iter().map(|p| p.len()).sum();
        let len = u32::try_from(size).ok().filter(|&l| l > 0).ok_or_else(|| {
            Error::InvalidArgument(format!("a record of {size} bytes is outside 1 byte ..< 4 GiB"))
        })?;
        let io = |e| Error::io(&self.path, e);
        let stream = self.policy != SyncPolicy::None;
        let frame_at = self.len;
        let (mut at, mut started, mut crc) = (frame_at + FRAME_LEN as u64, frame_at, 0);
        for piece in payload.iter().flat_map(|part| part.chunks(STREAM_STEP)) {
            crc = crc32c::crc32c_append(crc, piece);
            self.file.write_all_at(piece, at).map_err(io)?;
            at += piece.len() as u64;
            if stream && at - started >= STREAM_STEP as u64 {
                fs::write_back(&self.file, started, at - started, false).map_err(io)?;
                started = at;
            }
        }
        let mut frame = [0u8; FRAME_LEN];
        frame[..4].copy_from_slice(&len.to_le_bytes());
        frame[4..].copy_from_slice(&crc.to_le_bytes());
        self.file.write_all_at(&frame, frame_at).map_err(io)?;
        self.len = at;
        self.unsynced += (FRAME_LEN + size) as u64;
        self.last_crc = crc;
        match self.policy {
            SyncPolicy::EveryWrite => self.sync(),
            SyncPolicy::Interval(every) if self.last_sync.elapsed() >= every => self.sync(),
            _ => Ok(()),
        }
    }

    /// Fsyncs everything appended so far.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn sync(&mut self) -> Result<()> {
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))?;
        self.last_sync = Instant::now();
        self.unsynced = 0;
        Ok(())
    }

    /// Bytes appended since the last fsync.
    pub fn unsynced_bytes(&self) -> u64 {
        self.unsynced
    }

    /// Fsyncs if records were appended and `every` has passed since the last fsync (the
    /// [`SyncPolicy::Interval`] timer, for when no write comes to trigger it).
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn sync_if_due(&mut self, every: Duration) -> Result<()> {
        if self.unsynced > 0 && self.last_sync.elapsed() >= every { self.sync() } else { Ok(()) }
    }

    /// The header's `chain`: the CRC32C of the record logged last before this file.
    pub fn chain(&self) -> u32 {
        self.chain
    }

    /// The CRC32C of the last record in the log (its `chain` when it has none): what the next
    /// generation's header records.
    pub fn last_crc(&self) -> u32 {
        self.last_crc
    }

    /// Bytes of records currently in the log.
    pub fn record_bytes(&self) -> u64 {
        self.len - HEADER_LEN
    }
}

fn header(chain: u32) -> [u8; HEADER_LEN as usize] {
    let mut h = [0u8; HEADER_LEN as usize];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&WAL_VERSION.to_le_bytes());
    h[12..].copy_from_slice(&chain.to_le_bytes());
    h
}

/// Checks magic and version; returns the header's `chain`.
fn check_header(path: &Path, h: &[u8]) -> Result<u32> {
    if &h[..8] != MAGIC {
        return Err(Error::corrupted(path, "not a veclite write-ahead log (bad magic)"));
    }
    let version = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
    if version != WAL_VERSION {
        return Err(Error::UnsupportedFormat {
            file: path.display().to_string(),
            version,
            supported: WAL_VERSION,
        });
    }
    Ok(u32::from_le_bytes([h[12], h[13], h[14], h[15]]))
}

/// The record at `pos` and the position after it, or `None` if no whole valid record starts there.
fn read_record(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let frame = bytes.get(pos..pos + FRAME_LEN)?;
    let len = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
    if len == 0 {
        // Records are never empty: zeros are a frame that was never written.
        return None;
    }
    let crc = u32::from_le_bytes([frame[4], frame[5], frame[6], frame[7]]);
    let start = pos + FRAME_LEN;
    let payload = bytes.get(start..start.checked_add(len)?)?;
    (crc32c::crc32c(payload) == crc).then_some((payload, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_reopen_and_torn_tail_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        {
            let (mut wal, recs) = Wal::open(&path, SyncPolicy::EveryWrite, 0).unwrap();
            assert!(recs.is_empty());
            wal.append(&[b"one"]).unwrap();
            wal.append(&[b"t", b"wo"]).unwrap();
        }
        // A torn append: a frame that promises more bytes than were written.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[100, 0, 0, 0, 1, 2, 3, 4, 9, 9]).unwrap();
        drop(f);
        let (mut wal, recs) = Wal::open(&path, SyncPolicy::None, 0).unwrap();
        assert_eq!(recs, vec![b"one".to_vec(), b"two".to_vec()]);
        wal.append(&[b"three"]).unwrap();
        drop(wal);
        let (wal, recs) = Wal::open(&path, SyncPolicy::None, 0).unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[2], b"three");
        assert!(wal.record_bytes() > 0);
    }

    #[test]
    fn a_payload_whose_frame_was_never_written_is_not_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let (mut wal, _) = Wal::open(&path, SyncPolicy::EveryWrite, 0).unwrap();
        wal.append(&[b"kept"]).unwrap();
        assert!(matches!(wal.append(&[b"", b""]), Err(Error::InvalidArgument(_))));
        drop(wal);
        // A crash after the payload of the next record reached the file but before its frame
        // did: the frame's bytes are a hole (zeros).
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[0; FRAME_LEN]).unwrap();
        f.write_all(b"lost payload").unwrap();
        drop(f);
        let (mut wal, recs) = Wal::open(&path, SyncPolicy::EveryWrite, 0).unwrap();
        assert_eq!(recs, vec![b"kept".to_vec()]);
        let big: Vec<u8> = (0..STREAM_STEP * 2 + 5).map(|i| i as u8).collect();
        wal.append(&[b"x", &big, b"y"]).unwrap();
        drop(wal);
        let (_, recs) = Wal::open(&path, SyncPolicy::None, 0).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1], [b"x".as_slice(), &big, b"y"].concat());
    }

    #[test]
    fn corrupt_record_ends_recovery_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let (mut wal, _) = Wal::open(&path, SyncPolicy::None, 0).unwrap();
        wal.append(&[b"first"]).unwrap();
        wal.append(&[b"second"]).unwrap();
        drop(wal);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let (_, recs) = Wal::open(&path, SyncPolicy::None, 0).unwrap();
        assert_eq!(recs, vec![b"first".to_vec()]);
    }

    #[test]
    fn unknown_version_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let mut h = header(0);
        h[8] = 99;
        std::fs::write(&path, h).unwrap();
        let err = Wal::open(&path, SyncPolicy::None, 0).unwrap_err();
        assert!(matches!(err, Error::UnsupportedFormat { version: 99, .. }), "{err}");
        std::fs::write(&path, b"garbage-garbage-garbage").unwrap();
        assert!(matches!(Wal::open(&path, SyncPolicy::None, 0).unwrap_err(), Error::Corrupted { .. }));
    }

    #[test]
    fn chain_is_kept_in_the_header_and_last_crc_follows_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let (mut wal, _) = Wal::open(&path, SyncPolicy::None, 77).unwrap();
        assert_eq!((wal.chain(), wal.last_crc()), (77, 77));
        wal.append(&[b"ab", b"c"]).unwrap();
        assert_eq!(wal.last_crc(), crc32c::crc32c(b"abc"));
        drop(wal);
        // An existing file keeps its own chain, whatever the caller passes.
        let (wal, recs) = Wal::open(&path, SyncPolicy::None, 5).unwrap();
        assert_eq!(recs, vec![b"abc".to_vec()]);
        assert_eq!((wal.chain(), wal.last_crc()), (77, crc32c::crc32c(b"abc")));
    }
}
