//! The write-ahead log: an append-only file of framed, checksummed records.
//!
//! ```text
//! file   := header record*
//! header := magic "VECLWAL\0" (8 bytes) | format version u32 LE | chain u32 LE
//! record := payload length u32 LE (> 0) | CRC32C(payload) u32 LE | payload
//! ```
//!
//! An append writes the payload first and the frame last, so what a crash mid-append leaves at
//! the end of the log is an incomplete last record (a *torn tail*): a partial frame, a frame of
//! zeros, or a frame whose payload runs to or past the end of the file. Reading a log
//! ([`scan`]) tells that apart from damage ([`LogEnd::Damaged`]): a bad record followed by a
//! chain of whole records reaching the end of the file or an incomplete last record (damage,
//! then a crash during a later append), or a bad record whose stated extent ends before the end
//! of the file, is not what a crash leaves. A torn tail is cut off when the log
//! is opened for appending; a damaged log is refused and left as it is.
//!
//! `chain` is the CRC32C of the last record logged before the file was created (in the previous
//! generation; 0 when unknown). A reader that finds the previous generation ending with another
//! record knows that generation lost its tail, so a generation is never replayed after a gap.
//!
//! A record is acknowledged once it is written (and, under [`SyncPolicy::EveryWrite`], fsynced).
//! A collection writes one log file per generation; a seal starts a new generation and removes
//! the older ones once their records are in sealed segments.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::bitset::Bitset;
use crate::error::{Error, Result};
use crate::params::SyncPolicy;
use crate::storage::fs;

const MAGIC: &[u8; 8] = b"VECLWAL\0";
/// WAL format version written by this build.
pub const WAL_VERSION: u32 = 1;
/// Bytes of the file header; the first record starts here.
pub(crate) const HEADER_LEN: u64 = 16;
/// Byte offset of `chain` in the header.
pub(crate) const CHAIN_OFFSET: u64 = 12;
/// Bytes of a record's frame (length and checksum) before its payload.
pub(crate) const FRAME_LEN: usize = 8;
/// Bytes of a record whose writeback an append under a syncing policy starts at a time.
const STREAM_STEP: usize = 256 << 10;

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

/// One whole record of a log file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// Byte offset of the record's frame in the file.
    pub offset: u64,
    pub payload: Vec<u8>,
}

impl LogRecord {
    /// Bytes the record takes in the file, frame included.
    pub fn file_len(&self) -> u64 {
        (FRAME_LEN + self.payload.len()) as u64
    }
}

/// A byte range of a log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub offset: u64,
    pub len: u64,
}

/// How a log file ends after its last whole record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEnd {
    /// It ends with a whole record, or with the header.
    Clean,
    /// It is shorter than its header (or missing): its creation was interrupted, so it never held
    /// a record.
    NoHeader,
    /// The bytes from `at` to the end are an incomplete last record: an append a crash
    /// interrupted.
    Torn { at: u64 },
    /// The record at `at` is bad and more data follows it: damage, not a crash.
    Damaged {
        at: u64,
        /// What is wrong, naming the offsets involved.
        reason: String,
        /// The whole records found behind the damage, in file order.
        later: Vec<Extent>,
    },
}

/// A log file as read, without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogScan {
    /// The header's `chain` (0 without a header).
    pub chain: u32,
    /// Every whole record before the first bad one, in file order.
    pub records: Vec<LogRecord>,
    pub end: LogEnd,
    /// Size of the file in bytes.
    pub file_len: u64,
    /// The CRC32C of the last whole record (`chain` when there is none): what the header of the
    /// next generation must record.
    pub last_crc: u32,
}

impl LogScan {
    /// The scan of a log file that does not exist yet.
    pub fn missing() -> LogScan {
        LogScan { chain: 0, records: Vec::new(), end: LogEnd::NoHeader, file_len: 0, last_crc: 0 }
    }

    /// Bytes of header and whole records before the first bad byte.
    pub fn valid_len(&self) -> u64 {
        match &self.end {
            LogEnd::Clean => self.file_len,
            LogEnd::NoHeader => 0,
            LogEnd::Torn { at } | LogEnd::Damaged { at, .. } => *at,
        }
    }

    /// The error a damaged log is reported with: the file and the offset of the bad record.
    pub fn damage(&self, path: &Path) -> Option<Error> {
        match &self.end {
            LogEnd::Damaged { at, reason, .. } => Some(Error::corrupted_at(path, *at, reason.clone())),
            _ => None,
        }
    }
}

/// Reads the log at `path` without changing it: its header, every whole record and how it ends.
///
/// # Errors
/// [`Error::Io`] (a missing file included); [`Error::Corrupted`] for a bad header;
/// [`Error::UnsupportedFormat`] for a header of another version. Damaged records are not an
/// error here: they are [`LogEnd::Damaged`].
pub fn scan(path: &Path) -> Result<LogScan> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file_len = bytes.len() as u64;
    if file_len < HEADER_LEN {
        if !is_header_prefix(&bytes) {
            return Err(Error::corrupted_at(path, 0, "not a veclite write-ahead log (bad magic)"));
        }
        return Ok(LogScan { chain: 0, records: Vec::new(), end: LogEnd::NoHeader, file_len, last_crc: 0 });
    }
    let chain = check_header(path, &bytes[..HEADER_LEN as usize])?;
    let mut records = Vec::new();
    let mut last_crc = chain;
    let mut pos = HEADER_LEN as usize;
    let end = loop {
        if pos == bytes.len() {
            break LogEnd::Clean;
        }
        match read_record(&bytes, pos) {
            Ok((payload, next)) => {
                last_crc = crc32c::crc32c(payload);
                records.push(LogRecord { offset: pos as u64, payload: payload.to_vec() });
                pos = next;
            }
            Err(bad) => break classify(&bytes, pos, &bad),
        }
    };
    Ok(LogScan { chain, records, end, file_len, last_crc })
}

impl Wal {
    /// Opens (or creates, with header `chain`) the log at `path` for appending and returns it
    /// with the payloads of every whole record, oldest first. A torn tail is cut off.
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Corrupted`] for a bad header or a damaged record (naming its
    /// offset; nothing is changed then); [`Error::UnsupportedFormat`] for a header of another
    /// version.
    pub fn open(path: &Path, policy: SyncPolicy, chain: u32) -> Result<(Wal, Vec<Vec<u8>>)> {
        let scan = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LogScan::missing(),
            _ => scan(path)?,
        };
        let wal = Wal::resume(path, policy, &scan, chain)?;
        Ok((wal, scan.records.into_iter().map(|r| r.payload).collect()))
    }

    /// Opens the log at `path`, read as `scan`, for appending after its last whole record: a
    /// torn tail is cut off; a file without a header (or none at all) gets one with `chain`.
    ///
    /// # Errors
    /// [`Error::Corrupted`] when `scan` found damage (nothing is changed); [`Error::Io`].
    pub fn resume(path: &Path, policy: SyncPolicy, scan: &LogScan, chain: u32) -> Result<Wal> {
        if let Some(damage) = scan.damage(path) {
            return Err(damage);
        }
        let io = |e| Error::io(path, e);
        let file =
            OpenOptions::new().create(true).truncate(false).read(true).write(true).open(path).map_err(io)?;
        let (len, chain, last_crc) = match scan.end {
            LogEnd::NoHeader => {
                file.set_len(0).map_err(io)?;
                file.write_all_at(&header(chain), 0).map_err(io)?;
                file.sync_all().map_err(io)?;
                fs::sync_parent(path)?;
                (HEADER_LEN, chain, chain)
            }
            _ => {
                let len = scan.valid_len();
                if len < scan.file_len {
                    file.set_len(len).map_err(io)?;
                    file.sync_all().map_err(io)?;
                }
                (len, scan.chain, scan.last_crc)
            }
        };
        Ok(Wal {
            file,
            path: path.to_owned(),
            policy,
            last_sync: Instant::now(),
            len,
            unsynced: 0,
            chain,
            last_crc,
        })
    }

    /// Appends one record, whose payload is the concatenation of `payload`'s parts, and syncs
    /// it according to the policy. The parts go to the file uncopied, the frame last: a record is
    /// whole only once its frame is written. The payload's writeback starts step by step
    /// ([`STREAM_STEP`]) while the rest is checksummed and written, so the next fsync has little
    /// left to wait for; under a policy that never fsyncs, the log's dirty pages still go to the
    /// disk at the pace they are written, instead of piling up for the kernel to throttle or for
    /// a seal's fsync to wait on.
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
        let frame_at = self.len;
        let (mut at, mut started, mut crc) = (frame_at + FRAME_LEN as u64, frame_at, 0);
        for piece in payload.iter().flat_map(|part| part.chunks(STREAM_STEP)) {
            crc = crc32c::crc32c_append(crc, piece);
            self.file.write_all_at(piece, at).map_err(io)?;
            at += piece.len() as u64;
            if at - started >= STREAM_STEP as u64 {
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
        fs::fsync(&self.file, &self.path, true)?;
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
        return Err(Error::corrupted_at(path, 0, "not a veclite write-ahead log (bad magic)"));
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

/// Whether `bytes`, shorter than a header, can be the start of one being written: zeros (not
/// yet written back) or a prefix of the magic.
fn is_header_prefix(bytes: &[u8]) -> bool {
    let n = bytes.len().min(MAGIC.len());
    bytes.iter().all(|&b| b == 0) || bytes[..n] == MAGIC[..n]
}

/// Why no whole record starts at some offset.
#[derive(Debug)]
enum BadRecord {
    /// Fewer than [`FRAME_LEN`] bytes are left.
    PartialFrame,
    /// The frame is zeros: a frame that was never written.
    ZeroFrame,
    /// The frame's length runs past the end of the file.
    PastEnd { len: usize },
    /// The payload fits but does not match the frame's checksum.
    Checksum { len: usize },
}

impl std::fmt::Display for BadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadRecord::PartialFrame => write!(f, "incomplete record frame"),
            BadRecord::ZeroFrame => write!(f, "record frame is zero"),
            BadRecord::PastEnd { len } => write!(f, "record length {len} runs past the end of the file"),
            BadRecord::Checksum { len } => write!(f, "record checksum mismatch ({len}-byte payload)"),
        }
    }
}

/// The record at `pos` and the position after it, or why no whole valid record starts there.
fn read_record(bytes: &[u8], pos: usize) -> std::result::Result<(&[u8], usize), BadRecord> {
    let frame = bytes.get(pos..pos + FRAME_LEN).ok_or(BadRecord::PartialFrame)?;
    let len = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
    let crc = u32::from_le_bytes([frame[4], frame[5], frame[6], frame[7]]);
    if len == 0 {
        // Records are never empty: zeros are a frame that was never written.
        return Err(BadRecord::ZeroFrame);
    }
    let start = pos + FRAME_LEN;
    let payload = bytes.get(start..start + len).ok_or(BadRecord::PastEnd { len })?;
    if crc32c::crc32c(payload) != crc {
        return Err(BadRecord::Checksum { len });
    }
    Ok((payload, start + len))
}

/// How a log whose record at `pos` is `bad` ends: damaged when whole records follow it (up to
/// the end of the file or to an incomplete last record) or its stated extent ends before the end
/// of the file, torn otherwise.
fn classify(bytes: &[u8], pos: usize, bad: &BadRecord) -> LogEnd {
    let n = bytes.len();
    let extent_end = match bad {
        BadRecord::Checksum { len } => Some(pos + FRAME_LEN + len),
        _ => None,
    };
    let later = find_resume(bytes, pos + 1).map_or_else(Vec::new, |at| whole_records_from(bytes, at));
    let reason = match (later.first(), extent_end) {
        (Some(next), _) => format!("{bad}, and a whole record follows at byte {}", next.offset),
        (None, Some(end)) if end < n => format!("{bad}, and {} more bytes follow it", n - end),
        _ => return LogEnd::Torn { at: pos as u64 },
    };
    LogEnd::Damaged { at: pos as u64, reason: format!("{reason} (damage, not an interrupted append)"), later }
}

/// Whether what starts at `pos` may be what an interrupted append leaves as the last record: a
/// partial frame, a frame of zeros, or a frame whose payload runs to or past the end of the file
/// (whether or not its checksum matches, which is checked elsewhere).
fn is_incomplete(bytes: &[u8], pos: usize) -> bool {
    let n = bytes.len();
    if n - pos < FRAME_LEN {
        return true;
    }
    let len = u32::from_le_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]) as usize;
    len == 0 || len >= n - pos - FRAME_LEN
}

/// The first offset at or after `from` where a chain of whole records starts that ends exactly
/// at the end of the file or at an incomplete last record ([`is_incomplete`]): where intact data
/// resumes after damage (a crash may have interrupted a later append).
///
/// Every offset is a candidate, so the lengths are checked first, from the end of the file
/// backwards, and a record's checksum is computed only where its length lands on the end of a
/// chain, from running checksums of the tail ([`TailCrc`]) in time independent of its length:
/// the search is linear in the size of the file.
fn find_resume(bytes: &[u8], from: usize) -> Option<usize> {
    let n = bytes.len();
    let last = n.checked_sub(FRAME_LEN + 1)?;
    if from > last {
        return None;
    }
    let crcs = TailCrc::new(bytes, from);
    let mut chained = Bitset::new(last - from + 1);
    for q in (from..=last).rev() {
        let len = u32::from_le_bytes([bytes[q], bytes[q + 1], bytes[q + 2], bytes[q + 3]]) as usize;
        if len == 0 || len > n - q - FRAME_LEN {
            continue;
        }
        let (start, end) = (q + FRAME_LEN, q + FRAME_LEN + len);
        let lands = end == n || (end <= last && chained.get(end - from)) || is_incomplete(bytes, end);
        let crc = u32::from_le_bytes([bytes[q + 4], bytes[q + 5], bytes[q + 6], bytes[q + 7]]);
        if lands && crcs.of(start, end) == crc {
            chained.set(q - from);
        }
    }
    chained.iter_ones().next().map(|i| from + i)
}

/// Bytes between two checkpoints of a [`TailCrc`].
const CRC_STEP: usize = 64;

/// Running CRC32C values of the bytes of a file from some offset on, kept every [`CRC_STEP`]
/// bytes, from which the checksum of any range is derived in time independent of its length.
struct TailCrc<'a> {
    bytes: &'a [u8],
    base: usize,
    /// `checkpoints[i]`: the CRC32C of `bytes[base..base + i * CRC_STEP]`.
    checkpoints: Vec<u32>,
    /// `shifts[k]`: x^(2^k) modulo the CRC32C polynomial.
    shifts: [u32; 64],
}

impl<'a> TailCrc<'a> {
    fn new(bytes: &'a [u8], base: usize) -> TailCrc<'a> {
        let mut checkpoints = vec![0];
        let mut crc = 0;
        for chunk in bytes[base..].chunks_exact(CRC_STEP) {
            crc = crc32c::crc32c_append(crc, chunk);
            checkpoints.push(crc);
        }
        let mut shifts = [0u32; 64];
        let mut p = 1 << 30; // x^1
        for s in &mut shifts {
            *s = p;
            p = gf2_mul_mod(p, p);
        }
        TailCrc { bytes, base, checkpoints, shifts }
    }

    /// The CRC32C of `bytes[base..at]`.
    fn prefix(&self, at: usize) -> u32 {
        let step = (at - self.base) / CRC_STEP;
        let from = self.base + step * CRC_STEP;
        crc32c::crc32c_append(self.checkpoints[step], &self.bytes[from..at])
    }

    /// The CRC32C of `bytes[start..end]` (`base <= start <= end`): since
    /// `crc(a ++ b) = crc(a) * x^(8 * len(b)) + crc(b)` over GF(2), the checksum of the range is
    /// the running checksum at `end` minus the one at `start` shifted past the range.
    fn of(&self, start: usize, end: usize) -> u32 {
        let mut shifted = self.prefix(start);
        let mut bits = 8 * (end - start) as u64;
        let mut k = 0;
        while bits != 0 {
            if bits & 1 != 0 {
                shifted = gf2_mul_mod(self.shifts[k], shifted);
            }
            bits >>= 1;
            k += 1;
        }
        self.prefix(end) ^ shifted
    }
}

/// `a * b` modulo the CRC32C polynomial, both in the reflected bit order of CRC32C values.
fn gf2_mul_mod(a: u32, mut b: u32) -> u32 {
    const POLY: u32 = 0x82F6_3B78;
    let mut product = 0;
    let mut m = 1u32 << 31;
    while m != 0 {
        if a & m != 0 {
            product ^= b;
        }
        b = if b & 1 != 0 { (b >> 1) ^ POLY } else { b >> 1 };
        m >>= 1;
    }
    product
}

/// The extents of the whole records from `pos` on, up to the first bad one.
fn whole_records_from(bytes: &[u8], mut pos: usize) -> Vec<Extent> {
    let mut out = Vec::new();
    while let Ok((payload, next)) = read_record(bytes, pos) {
        out.push(Extent { offset: pos as u64, len: (FRAME_LEN + payload.len()) as u64 });
        pos = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;

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
    fn a_bad_last_record_is_a_torn_tail() {
        // Nothing follows it, so it cannot be told from an append a crash interrupted.
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

    /// A log with records `payloads` at `path`; returns the offsets of their frames.
    fn log_of(path: &Path, payloads: &[&[u8]]) -> Vec<usize> {
        let (mut wal, _) = Wal::open(path, SyncPolicy::None, 0).unwrap();
        let mut offsets = Vec::new();
        for p in payloads {
            offsets.push(wal.len as usize);
            wal.append(&[p]).unwrap();
        }
        offsets
    }

    #[test]
    fn a_bad_record_followed_by_whole_records_is_damage_and_nothing_is_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let payloads: [&[u8]; 4] = [b"first record", b"second record", b"third record", b"fourth"];
        let at = log_of(&path, &payloads);
        let pristine = std::fs::read(&path).unwrap();
        // (what, offset, bytes written there)
        let mutations = [
            ("payload bit", at[1] + 11, vec![pristine[at[1] + 11] ^ 0x10]),
            ("checksum bit", at[1] + 5, vec![pristine[at[1] + 5] ^ 1]),
            ("length past the end", at[1] + 3, vec![0x7f]),
            ("zeroed frame", at[1], vec![0; FRAME_LEN]),
        ];
        for (what, pos, patch) in mutations {
            let mut bytes = pristine.clone();
            bytes[pos..pos + patch.len()].copy_from_slice(&patch);
            std::fs::write(&path, &bytes).unwrap();
            let scan = scan(&path).unwrap();
            assert_eq!(scan.records.len(), 1, "{what}");
            let LogEnd::Damaged { at: bad, later, .. } = &scan.end else { panic!("{what}: {:?}", scan.end) };
            assert_eq!(*bad, at[1] as u64, "{what}");
            let later: Vec<u64> = later.iter().map(|e| e.offset).collect();
            assert_eq!(later, [at[2] as u64, at[3] as u64], "{what}: the intact records behind the damage");
            let err = Wal::open(&path, SyncPolicy::None, 0).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, Error::Corrupted { .. }), "{what}: {text}");
            assert!(
                text.contains("wal.log") && text.contains(&format!("at byte {}", at[1])),
                "{what}: {text}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "{what}: the damaged log is left as it was");
        }
    }

    #[test]
    fn a_bad_record_followed_by_whole_records_and_an_incomplete_one_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let at = log_of(&path, &[b"first record", b"second record", b"third record", b"fourth"]);
        let pristine = std::fs::read(&path).unwrap();
        // What a crash during the next append leaves behind the intact records.
        let tails: [(&str, &[u8]); 5] = [
            ("partial frame", &[9, 0, 0]),
            ("zero frame", &[0, 0, 0, 0, 0, 0, 0, 0, b'x', b'y']),
            ("frame past the end", &[0x20, 0, 0, 0, 1, 2, 3, 4, 5]),
            ("frame only", &[3, 0, 0, 0, 1, 2, 3, 4]),
            ("frame with a payload not written back", &[3, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0]),
        ];
        for (what, tail) in tails {
            let mut bytes = pristine.clone();
            bytes[at[1] + 3] ^= 0x40;
            bytes.extend_from_slice(tail);
            std::fs::write(&path, &bytes).unwrap();
            let scan = scan(&path).unwrap();
            let LogEnd::Damaged { at: bad, later, .. } = &scan.end else { panic!("{what}: {:?}", scan.end) };
            assert_eq!(*bad, at[1] as u64, "{what}");
            let later: Vec<u64> = later.iter().map(|e| e.offset).collect();
            assert_eq!(later, [at[2] as u64, at[3] as u64], "{what}");
            let err = Wal::open(&path, SyncPolicy::None, 0).unwrap_err();
            assert!(err.to_string().contains(&format!("at byte {}", at[1])), "{what}: {err}");
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "{what}: nothing is cut");
        }
    }

    #[test]
    fn checksums_of_ranges_match_direct_ones() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        for base in [0, 1, 63, 64, 200] {
            let crcs = TailCrc::new(&bytes, base);
            for (start, end) in
                [(base, base), (base, 999), (base + 3, base + 70), (base + 64, 1000), (500, 1000)]
            {
                assert_eq!(crcs.of(start, end), crc32c::crc32c(&bytes[start..end]), "{base} {start}..{end}");
            }
        }
    }

    #[test]
    fn a_bad_record_with_bytes_behind_its_extent_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let at = log_of(&path, &[b"one", b"two"]);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[at[1] + FRAME_LEN] ^= 1;
        bytes.extend_from_slice(b"xyz");
        std::fs::write(&path, &bytes).unwrap();
        let scan = scan(&path).unwrap();
        assert!(
            matches!(&scan.end, LogEnd::Damaged { at: a, later, reason } if *a == at[1] as u64 && later.is_empty() && reason.contains("3 more bytes")),
            "{:?}",
            scan.end
        );
    }

    #[test]
    fn what_an_interrupted_append_leaves_is_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        let at = log_of(&path, &[b"kept", b"last record"]);
        let pristine = std::fs::read(&path).unwrap();
        let n = pristine.len();
        let mut zero_frame = pristine.clone();
        zero_frame[at[1]..at[1] + FRAME_LEN].fill(0);
        let mut zero_payload = pristine.clone();
        zero_payload[at[1] + FRAME_LEN..].fill(0);
        let cases = [
            ("partial frame", pristine[..at[1] + 5].to_vec()),
            ("frame only", pristine[..at[1] + FRAME_LEN].to_vec()),
            ("partial payload", pristine[..n - 1].to_vec()),
            ("payload without its frame", zero_frame),
            ("frame without its payload", zero_payload),
        ];
        for (what, bytes) in cases {
            std::fs::write(&path, &bytes).unwrap();
            let found = scan(&path).unwrap();
            assert_eq!(found.end, LogEnd::Torn { at: at[1] as u64 }, "{what}");
            let (_, records) = Wal::open(&path, SyncPolicy::None, 0).unwrap();
            assert_eq!(records, vec![b"kept".to_vec()], "{what}");
            assert_eq!(std::fs::metadata(&path).unwrap().len(), at[1] as u64, "{what}: the tail is cut");
        }
    }

    #[test]
    fn a_large_torn_payload_is_classified_in_linear_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        log_of(&path, &[b"kept"]);
        // A 4 MiB payload whose frame was never written, of data that is full of small lengths
        // (which fit and would each cost a checksum in a naive scan).
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[0; FRAME_LEN]);
        let mut x = 12345u64;
        for _ in 0..(4 << 20) / 8 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            bytes.extend_from_slice(&((x >> 40) % (3 << 20)).to_le_bytes());
        }
        std::fs::write(&path, &bytes).unwrap();
        let started = Instant::now();
        let found = scan(&path).unwrap();
        assert!(matches!(found.end, LogEnd::Torn { .. }), "{:?}", found.end);
        assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    }

    #[test]
    fn a_file_shorter_than_its_header_is_a_new_log_unless_it_is_foreign() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal.log");
        for short in [&b""[..], b"VECLW", &[0u8; 11]] {
            std::fs::write(&path, short).unwrap();
            assert_eq!(scan(&path).unwrap().end, LogEnd::NoHeader);
            let (mut wal, records) = Wal::open(&path, SyncPolicy::None, 9).unwrap();
            assert!(records.is_empty());
            assert_eq!(wal.chain(), 9);
            wal.append(&[b"x"]).unwrap();
            assert_eq!(Wal::open(&path, SyncPolicy::None, 0).unwrap().1, vec![b"x".to_vec()]);
        }
        std::fs::write(&path, b"hello").unwrap();
        let err = Wal::open(&path, SyncPolicy::None, 0).unwrap_err();
        assert!(matches!(err, Error::Corrupted { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
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
