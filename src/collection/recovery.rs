//! Recovery of damaged collection files ([`crate::Database::recover`]): find what is readable,
//! report exactly what is not, preserve the original bytes in a quarantine directory, and only
//! then rewrite, so that the strict open that follows succeeds.
//!
//! What recovery keeps is a state the collection really had:
//! - of the WAL, the longest prefix of whole records that replays in order: it stops at the
//!   first damaged record (or a missing or unchained generation), and every record after it is
//!   reported and not replayed, even when intact;
//! - every sealed segment whose files read; a segment whose data or deletes file does not read
//!   is dropped with its rows (reported), an index file that does not read is dropped and rebuilt
//!   at the next flush.

use std::path::{Path, PathBuf};

use super::files::{index_path, segment_files, segment_path, wal_generations, wal_path};
use super::{collection_dir, decode_record, load_index, load_segment};
use crate::catalog::{Catalog, CollectionMeta, QUARANTINE_DIR};
use crate::error::{Error, Result};
use crate::params::SyncPolicy;
use crate::schema::Schema;
use crate::storage::fs;
use crate::storage::wal::{self, LogEnd, LogScan, Wal};

/// What [`crate::Database::recover`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Data that is not loaded, in the order found.
    pub skipped: Vec<Skipped>,
    /// Files whose data is loaded, and how much of it.
    pub kept: Vec<Kept>,
    /// Every file recovery changed or moved away, with where its original bytes are now.
    pub preserved: Vec<Preserved>,
    /// The directory holding the preserved originals (`<database>/quarantine/<n>`); `None` when
    /// recovery changed nothing.
    pub quarantine: Option<PathBuf>,
}

impl RecoveryReport {
    /// Whether everything was readable (nothing skipped).
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty()
    }
}

/// Bytes of a file that are not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: PathBuf,
    /// Byte offset of the skipped bytes (0 for a whole file).
    pub offset: u64,
    /// Number of bytes skipped (0 for a file that is missing).
    pub len: u64,
    /// Why, naming what was lost.
    pub reason: String,
}

/// A file whose data is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub file: PathBuf,
    /// Whole WAL records kept in a log file, or rows of a segment file.
    pub records: u64,
}

/// The original of a file recovery changed (copied first) or moved away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preserved {
    /// Where the file was.
    pub file: PathBuf,
    /// Where its original bytes are now.
    pub copy: PathBuf,
}

/// Repairs the files of every collection of `catalog` in `db_dir` (see the module docs).
///
/// # Errors
/// [`Error::Io`]; [`Error::UnsupportedFormat`] for a file of a newer format, which recovery does
/// not touch.
pub(crate) fn recover(db_dir: &Path, catalog: &Catalog) -> Result<RecoveryReport> {
    let mut repair = Repair { report: RecoveryReport::default(), quarantine: Quarantine::new(db_dir) };
    for meta in catalog.snapshot().collections {
        let dir = collection_dir(db_dir, meta.id);
        fs::create_dir_all(&dir)?;
        let dropped = repair.segments(&dir, &meta)?;
        repair.logs(&dir, &meta)?;
        if !dropped.is_empty() {
            catalog.update(|m| {
                if let Some(c) = m.collection_mut(meta.id) {
                    dropped.apply(c);
                }
                Ok(())
            })?;
        }
    }
    let Repair { mut report, quarantine } = repair;
    report.quarantine = quarantine.dir;
    log::info!(
        "recovery of {}: {} files kept, {} byte ranges skipped, {} originals preserved",
        db_dir.display(),
        report.kept.len(),
        report.skipped.len(),
        report.preserved.len()
    );
    Ok(report)
}

struct Repair {
    report: RecoveryReport,
    quarantine: Quarantine,
}

/// Segment and index files of a collection that recovery moved away, to drop from its manifest
/// entry.
#[derive(Default)]
struct Dropped {
    segments: Vec<u64>,
    /// `(segment, schema field)` of each index file.
    indexes: Vec<(u64, u32)>,
}

impl Dropped {
    fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.indexes.is_empty()
    }

    fn apply(&self, meta: &mut CollectionMeta) {
        meta.segments.retain(|s| !self.segments.contains(&s.id));
        for (segment, field) in &self.indexes {
            if let Some(s) = meta.segments.iter_mut().find(|s| s.id == *segment) {
                s.indexed_fields.retain(|f| f != field);
            }
        }
    }
}

impl Repair {
    fn skip(&mut self, file: &Path, offset: u64, len: u64, reason: impl Into<String>) {
        let reason = reason.into();
        log::warn!("recovery skips {len} bytes at byte {offset} of {}: {reason}", file.display());
        self.report.skipped.push(Skipped { file: file.to_owned(), offset, len, reason });
    }

    /// Checks every sealed segment of `meta` and its index files; returns those that do not
    /// read, whose files it moved to the quarantine.
    fn segments(&mut self, dir: &Path, meta: &CollectionMeta) -> Result<Dropped> {
        let mut dropped = Dropped::default();
        for sm in &meta.segments {
            let path = segment_path(dir, sm.id);
            // The primary keys must read: the open that follows looks them up at the first write.
            let loaded =
                load_segment(dir, &meta.schema, sm).and_then(|s| s.column(meta.schema.pk_index()).map(drop));
            if let Err(e) = loaded {
                self.skip(
                    &path,
                    0,
                    file_len(&path),
                    format!("{e}; the segment's {} rows are not loaded", sm.rows),
                );
                for file in segment_files(dir, sm) {
                    self.quarantine.move_away(&file, &mut self.report)?;
                }
                dropped.segments.push(sm.id);
                continue;
            }
            self.report.kept.push(Kept { file: path, records: sm.rows });
            for &field in &sm.indexed_fields {
                if let Err(e) = load_index(dir, &meta.schema, &meta.indexes, sm.id, field) {
                    let path = index_path(dir, sm.id, field as usize);
                    self.skip(
                        &path,
                        0,
                        file_len(&path),
                        format!("{e}; the index is rebuilt at the next flush"),
                    );
                    self.quarantine.move_away(&path, &mut self.report)?;
                    dropped.indexes.push((sm.id, field));
                }
            }
        }
        Ok(dropped)
    }

    /// Keeps the longest prefix of whole, decodable WAL records of `meta` that replays in order:
    /// the generation holding the first damage is copied to the quarantine and cut there; later
    /// generations are moved there.
    fn logs(&mut self, dir: &Path, meta: &CollectionMeta) -> Result<()> {
        let generations = wal_generations(dir, meta.wal_generation)?;
        let mut expected = meta.wal_generation;
        // Why the generations from here on are not replayed, once something ended the prefix.
        let mut stop: Option<String> = None;
        let mut previous_crc: Option<u32> = None;
        for &generation in &generations {
            let path = wal_path(dir, generation);
            if stop.is_none() && generation != expected {
                self.skip(&wal_path(dir, expected), 0, 0, "missing");
                stop = Some(format!("the log follows wal-{expected}.log, which is missing"));
            }
            expected = generation + 1;
            if let Some(reason) = &stop {
                let reason = reason.clone();
                self.orphan(&path, &reason)?;
                continue;
            }
            let scan = match wal::scan(&path) {
                Ok(scan) => scan,
                Err(e @ Error::UnsupportedFormat { .. }) => return Err(e),
                Err(e) => {
                    self.skip(&path, 0, file_len(&path), e.to_string());
                    self.quarantine.move_away(&path, &mut self.report)?;
                    stop = Some(format!("the log follows wal-{generation}.log, which is unreadable"));
                    continue;
                }
            };
            let chained = scan.end == LogEnd::NoHeader
                || scan.chain == 0
                || previous_crc.is_none_or(|c| c == scan.chain);
            if !chained {
                let reason = format!(
                    "the log's header chains to a record that wal-{}.log does not end with: records \
                     between them are lost",
                    generation - 1
                );
                self.orphan(&path, &reason)?;
                stop = Some(reason);
                continue;
            }
            let (kept, crc) = self.cut_log(&path, &scan, &meta.schema, previous_crc, &mut stop)?;
            self.report.kept.push(Kept { file: path, records: kept });
            previous_crc = Some(crc);
        }
        if generations.is_empty() {
            self.skip(&wal_path(dir, meta.wal_generation), 0, 0, "missing");
        }
        let first = wal_path(dir, meta.wal_generation);
        if !first.exists() {
            Wal::open(&first, SyncPolicy::EveryWrite, 0)?;
        }
        Ok(())
    }

    /// Keeps the whole, decodable records of generation `path` (read as `scan`) up to the first
    /// bad one, cutting the file there; sets `stop` when damage (not a torn tail) ended the
    /// prefix. Returns the records kept and the CRC32C the next generation must chain to.
    fn cut_log(
        &mut self,
        path: &Path,
        scan: &LogScan,
        schema: &Schema,
        previous_crc: Option<u32>,
        stop: &mut Option<String>,
    ) -> Result<(u64, u32)> {
        let undecodable =
            scan.records.iter().find_map(|r| decode_record(path, r, schema).err().map(|e| (r.offset, e)));
        let bad = match (&undecodable, &scan.end) {
            (Some((at, e)), _) => Some((*at, e.to_string(), true)),
            (None, LogEnd::Damaged { at, .. }) => {
                Some((*at, scan.damage(path).map(|e| e.to_string()).unwrap_or_default(), true))
            }
            (None, LogEnd::Torn { at }) => {
                Some((*at, "incomplete last record (an append a crash interrupted)".to_owned(), false))
            }
            (None, LogEnd::NoHeader) => {
                // Holds no record: given a header, it continues the chain.
                if scan.file_len > 0 {
                    self.skip(path, 0, scan.file_len, "shorter than its header: an interrupted creation");
                }
                let crc = previous_crc.unwrap_or(0);
                Wal::resume(path, SyncPolicy::EveryWrite, scan, crc)?;
                return Ok((0, crc));
            }
            (None, LogEnd::Clean) => None,
        };
        let Some((at, reason, damaged)) = bad else {
            return Ok((scan.records.len() as u64, scan.last_crc));
        };
        let kept: Vec<_> = scan.records.iter().take_while(|r| r.offset < at).collect();
        let crc = kept.last().map_or(scan.chain, |r| crc32c::crc32c(&r.payload));
        let record_reason = format!(
            "whole record behind the bad data at byte {at}: not replayed, so the collection keeps the \
             state it had before it"
        );
        match scan.records.iter().find(|r| r.offset == at) {
            Some(undecodable) => {
                self.skip(path, at, undecodable.file_len(), reason);
                let bad_reason = format!("bad bytes behind the bad data at byte {at}");
                self.skip_rest(path, scan, at + undecodable.file_len(), &bad_reason, &record_reason);
            }
            None => self.skip_rest(path, scan, at, &reason, &record_reason),
        }
        if damaged {
            self.quarantine.copy(path, &mut self.report)?;
            *stop = Some(format!("the log follows bad data at byte {at} of {}", display_name(path)));
        }
        truncate(path, at)?;
        Ok((kept.len() as u64, crc))
    }

    /// Reports the bytes of log `path` (read as `scan`) from byte `from` to its end: each whole
    /// record with `record_reason`, the bytes between them with `bad_reason`.
    fn skip_rest(&mut self, path: &Path, scan: &LogScan, from: u64, bad_reason: &str, record_reason: &str) {
        let mut extents: Vec<wal::Extent> = scan
            .records
            .iter()
            .filter(|r| r.offset >= from)
            .map(|r| wal::Extent { offset: r.offset, len: r.file_len() })
            .collect();
        if let LogEnd::Damaged { later, .. } = &scan.end {
            extents.extend(later.iter().filter(|e| e.offset >= from));
        }
        let mut pos = from;
        for e in extents {
            if e.offset > pos {
                self.skip(path, pos, e.offset - pos, bad_reason);
            }
            self.skip(path, e.offset, e.len, record_reason);
            pos = e.offset + e.len;
        }
        if pos < scan.file_len {
            self.skip(path, pos, scan.file_len - pos, bad_reason);
        }
    }

    /// Moves generation `path`, which follows the end of the kept prefix, to the quarantine and
    /// reports each of its records.
    fn orphan(&mut self, path: &Path, reason: &str) -> Result<()> {
        match wal::scan(path) {
            Ok(scan) => {
                let from = if scan.end == LogEnd::NoHeader { 0 } else { wal::HEADER_LEN };
                let record_reason = format!("whole record not replayed: {reason}");
                self.skip_rest(path, &scan, from, &format!("bad bytes: {reason}"), &record_reason);
            }
            Err(e) => self.skip(path, 0, file_len(path), format!("{e}; {reason}")),
        }
        self.quarantine.move_away(path, &mut self.report)
    }
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Size of `path` in bytes; 0 when it is missing.
fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Cuts `path` to `len` bytes, durably.
fn truncate(path: &Path, len: u64) -> Result<()> {
    let io = |e| Error::io(path, e);
    let file = std::fs::OpenOptions::new().write(true).open(path).map_err(io)?;
    log::info!("recovery cuts {} to {len} bytes", path.display());
    file.set_len(len).map_err(io)?;
    file.sync_all().map_err(io)
}

/// The quarantine directory of one recovery, `<database>/quarantine/<n>`, created when the first
/// file goes there. Files keep their path relative to the database directory.
struct Quarantine {
    db_dir: PathBuf,
    dir: Option<PathBuf>,
}

impl Quarantine {
    fn new(db_dir: &Path) -> Quarantine {
        Quarantine { db_dir: db_dir.to_owned(), dir: None }
    }

    /// Where `file` goes, its parent directories created.
    fn target(&mut self, file: &Path) -> Result<PathBuf> {
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => {
                let root = self.db_dir.join(QUARANTINE_DIR);
                let n = (1..).find(|n| !root.join(n.to_string()).exists()).unwrap_or_default();
                let dir = root.join(n.to_string());
                fs::create_dir_all(&dir)?;
                fs::sync_parent(&dir)?;
                fs::sync_parent(&root)?;
                self.dir = Some(dir.clone());
                dir
            }
        };
        let relative = file.strip_prefix(&self.db_dir).unwrap_or(file);
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(target)
    }

    /// Moves `file` (if it exists) to the quarantine, durably.
    fn move_away(&mut self, file: &Path, report: &mut RecoveryReport) -> Result<()> {
        if !file.exists() {
            return Ok(());
        }
        let target = self.target(file)?;
        std::fs::rename(file, &target).map_err(|e| Error::io(file, e))?;
        fs::sync_parent(&target)?;
        fs::sync_parent(file)?;
        log::info!("recovery moved {} to {}", file.display(), target.display());
        report.preserved.push(Preserved { file: file.to_owned(), copy: target });
        Ok(())
    }

    /// Copies `file` to the quarantine, durably, before it is changed.
    fn copy(&mut self, file: &Path, report: &mut RecoveryReport) -> Result<()> {
        let target = self.target(file)?;
        std::fs::copy(file, &target).map_err(|e| Error::io(file, e))?;
        std::fs::File::open(&target).and_then(|f| f.sync_all()).map_err(|e| Error::io(&target, e))?;
        fs::sync_parent(&target)?;
        log::info!("recovery copied {} to {} before cutting it", file.display(), target.display());
        report.preserved.push(Preserved { file: file.to_owned(), copy: target });
        Ok(())
    }
}
