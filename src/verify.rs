//! Verification of a database directory without changing a byte of it (`veclite verify`).
//!
//! 1. The manifest is read through its checksum.
//! 2. Every file the manifest names must exist and match it: each segment file is mapped
//!    read-only and every block (timestamps, values, offsets, bytes, validity, norms, key order
//!    and sorted keys, whose order is checked against the key column) is read, so
//!    every block checksum is checked, and its footer's id, partition and row count must be the
//!    manifest's; each deletes file is read through its checksum; each index file's header is
//!    read. Every WAL generation from the manifest's oldest unsealed one is scanned record by
//!    record, and each generation's header must chain to the last record of the one before.
//! 3. The directory is copied to a temporary directory (the engine's open takes the lock and may
//!    cut off a torn WAL tail, so it never runs on the original) and opened there: the WAL is
//!    replayed, every row of every collection is read with every field and every vector field is
//!    searched (which checks every index file's checksum and structure).

use std::path::{Path, PathBuf};

use crate::catalog::manifest::MANIFEST_FILE;
use crate::catalog::{CollectionMeta, Manifest, SegmentMeta};
use crate::collection::{FileName, collection_dir, deletes_path, index_path, segment_path, wal_path};
use crate::column::ColumnData;
use crate::context::Context;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::index::file::SegmentIndex;
use crate::params::{Metric, Options, SearchRequest};
use crate::result::QueryResult;
use crate::segment::deletes::read_deletes;
use crate::segment::sealed::SealedSegment;
use crate::storage::wal::{self, LogEnd};

/// Something wrong with a database file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyProblem {
    /// The damaged or missing file.
    pub file: PathBuf,
    /// Byte offset of the damage, when known.
    pub offset: Option<u64>,
    /// What is wrong, for a person to act on.
    pub what: String,
}

/// What [`verify`] found: problems, and notes that need no action.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Damaged or missing files; empty when the database is sound.
    pub problems: Vec<VerifyProblem>,
    /// Findings that need no action (a torn WAL tail the next open cuts off, unlisted files).
    pub notes: Vec<String>,
    /// Files read.
    pub files: usize,
    /// Rows read through the engine.
    pub rows: u64,
}

impl VerifyReport {
    fn problem(&mut self, file: &Path, offset: Option<u64>, what: impl Into<String>) {
        self.problems.push(VerifyProblem { file: file.to_path_buf(), offset, what: what.into() });
    }

    fn error(&mut self, fallback: &Path, err: &Error) {
        match err {
            Error::Corrupted { file, reason } => {
                let offset = reason.strip_prefix("at byte ").and_then(|r| r.split(':').next()?.parse().ok());
                self.problem(Path::new(file), offset, reason.clone());
            }
            Error::UnsupportedFormat { file, .. } | Error::Io { path: file, .. } => {
                self.problem(Path::new(file), None, err.to_string());
            }
            _ => self.problem(fallback, None, err.to_string()),
        }
    }
}

/// Verifies the database in directory `dir`: every checksum and cross-reference (manifest ↔
/// files, segment footers, deletes, indexes, WAL chain), then every row and index through a
/// copy. The directory is only read, so this works while another process has it open (it then
/// sees a moment's state). Never fails: what it cannot read is a problem in the report.
pub fn verify(dir: &Path) -> VerifyReport {
    let mut report = VerifyReport::default();
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest = match Manifest::read(&manifest_path) {
        Ok(m) => m,
        Err(e) => {
            report.error(&manifest_path, &e);
            return report;
        }
    };
    report.files += 1;
    for meta in &manifest.collections {
        check_files(dir, meta, &mut report);
    }
    if report.problems.is_empty() {
        read_copy(dir, &mut report);
    } else {
        report.notes.push("rows were not read: fix or recover the problems above first".into());
    }
    report
}

/// Checks that the files `meta` names exist and scans its WAL generations.
fn check_files(dir: &Path, meta: &CollectionMeta, report: &mut VerifyReport) {
    let cdir = collection_dir(dir, meta.id);
    let name = &meta.schema.name;
    let mut listed = Vec::new();
    for seg in &meta.segments {
        let mut expect = vec![segment_path(&cdir, seg.id)];
        if seg.deletes_generation > 0 {
            expect.push(deletes_path(&cdir, seg.id, seg.deletes_generation));
        }
        expect.extend(seg.indexed_fields.iter().map(|&f| index_path(&cdir, seg.id, f as usize)));
        listed.extend(expect.iter().cloned());
        for path in expect {
            if !path.is_file() {
                report.problem(
                    &path,
                    None,
                    format!("missing: the manifest lists it for collection {name:?}"),
                );
            }
        }
        let seg_path = segment_path(&cdir, seg.id);
        if seg_path.is_file() {
            report.files += 1;
            if let Err(e) = check_segment(&seg_path, meta, seg) {
                report.error(&seg_path, &e);
            }
        }
        if seg.deletes_generation > 0 {
            let del = deletes_path(&cdir, seg.id, seg.deletes_generation);
            if del.is_file() {
                report.files += 1;
                if let Err(e) = read_deletes(&del, seg.id, seg.rows as usize) {
                    report.error(&del, &e);
                }
            }
        }
        for &field in &seg.indexed_fields {
            let idx = index_path(&cdir, seg.id, field as usize);
            if idx.is_file() {
                report.files += 1;
                let checked = SegmentIndex::open(&idx)
                    .and_then(|i| check_scalar_index(&i, &segment_path(&cdir, seg.id), meta, field as usize));
                if let Err(e) = checked {
                    report.error(&idx, &e);
                }
            }
        }
    }
    check_wal(&cdir, meta, report);
    note_unlisted(&cdir, meta, &listed, report);
}

/// Checks a scalar index file (nothing for a vector index, whose body is checked when searched):
/// its checksum and structure, then that it lists exactly the rows of each value of field
/// `field` of its segment (rebuilt from the segment and compared).
fn check_scalar_index(
    index: &SegmentIndex,
    segment: &Path,
    meta: &CollectionMeta,
    field: usize,
) -> Result<()> {
    if !index.params().is_scalar() {
        return Ok(());
    }
    let (file, _) = SealedSegment::open(segment, &meta.schema)?;
    index.scalar_body(|body| crate::expr::ScalarIndex::parse(body, file.rows()).map(|_| ()))?;
    let bitmaps = index.params() == crate::params::IndexParams::Bitmap;
    let expected = crate::scalar_index::build(file.column(field)?, file.validity(field)?, bitmaps)?;
    if index.body() != expected.as_slice() {
        let name = meta.schema.fields.get(field).map_or("?", |f| f.name.as_str());
        return Err(Error::corrupted(
            index.path(),
            format!("the index does not match the values of field `{name}` in {}", segment.display()),
        ));
    }
    Ok(())
}

/// Notes the files of collection directory `cdir` that the manifest does not list (besides the
/// WAL generations it still needs): what an interrupted write or a dropped index leaves, which
/// the engine never reads.
fn note_unlisted(cdir: &Path, meta: &CollectionMeta, listed: &[PathBuf], report: &mut VerifyReport) {
    let wal_needed = |name: &str| wal_generation(name).is_some_and(|g| g >= meta.wal_generation);
    let mut unlisted: Vec<PathBuf> = std::fs::read_dir(cdir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !listed.contains(p) && !p.file_name().and_then(|n| n.to_str()).is_some_and(wal_needed))
        .collect();
    unlisted.sort();
    for path in unlisted {
        report.notes.push(format!("{}: not listed in the manifest (never read)", path.display()));
    }
}

/// Reads every block of the segment file at `path` (checking each block's checksum) and checks
/// its footer against the manifest's `seg`.
fn check_segment(path: &Path, meta: &CollectionMeta, seg: &SegmentMeta) -> Result<()> {
    let (file, identity) = SealedSegment::open(path, &meta.schema)?;
    let mismatch = |what: String| Error::Corrupted { file: path.display().to_string(), reason: what };
    if identity.id != seg.id || identity.partition != seg.partition || file.rows() as u64 != seg.rows {
        return Err(mismatch(format!(
            "footer says segment {} of partition {} with {} rows; the manifest says segment {} of \
             partition {} with {} rows",
            identity.id,
            identity.partition,
            file.rows(),
            seg.id,
            seg.partition,
            seg.rows
        )));
    }
    file.timestamps()?;
    for (i, field) in meta.schema.fields.iter().enumerate() {
        let column = file.column(i)?;
        file.validity(i)?;
        if field.dim().is_some() {
            file.norms(i)?;
        }
        if let Some(Err((row, rule))) = column.sparse_rows().map(|rows| rows.check_rows(false)) {
            return Err(Error::corrupted(file.path(), format!("field `{}` row {row}: {rule}", field.name)));
        }
    }
    if let Some((order, sorted)) = file.key_blocks()? {
        let keys = file.column(file.key_field())?;
        crate::segment::keys::SortedKeys { keys, order, sorted }.check(path)?;
    }
    Ok(())
}

/// Scans WAL generations `meta.wal_generation..` of the collection in `cdir`: records, tails,
/// and each header's chain to the generation before.
fn check_wal(cdir: &Path, meta: &CollectionMeta, report: &mut VerifyReport) {
    let mut generations: Vec<u64> = std::fs::read_dir(cdir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| wal_generation(e.file_name().to_str()?))
        .filter(|g| *g >= meta.wal_generation)
        .collect();
    generations.sort_unstable();
    let mut previous: Option<(u64, u32)> = None;
    for generation in generations {
        let path = wal_path(cdir, generation);
        let scan = match wal::scan(&path) {
            Ok(scan) => scan,
            Err(e) => {
                report.error(&path, &e);
                previous = None;
                continue;
            }
        };
        report.files += 1;
        match &scan.end {
            LogEnd::Damaged { at, reason, later } => report.problem(
                &path,
                Some(*at),
                format!("damaged record: {reason}; {} whole record(s) after it would be lost", later.len()),
            ),
            LogEnd::Torn { at } => report.notes.push(format!(
                "{}: incomplete last record at offset {at} (an interrupted append; the next open cuts it off)",
                path.display()
            )),
            LogEnd::Clean | LogEnd::NoHeader => {}
        }
        if let Some((prev_gen, last_crc)) = previous
            && scan.chain != 0
            && (prev_gen + 1 != generation || scan.chain != last_crc)
        {
            report.problem(
                &path,
                Some(0),
                format!(
                    "WAL chain broken: its header does not follow the last record of wal-{prev_gen}.log \
                     (a lost tail or a missing generation); its records would not be replayed"
                ),
            );
        }
        previous = Some((generation, scan.last_crc));
    }
}

/// The generation of WAL file `name`, if it is one.
fn wal_generation(name: &str) -> Option<u64> {
    match FileName::parse(name)? {
        FileName::Wal(generation) => Some(generation),
        _ => None,
    }
}

/// Copies `dir` to a temporary directory, opens it there and reads everything.
fn read_copy(dir: &Path, report: &mut VerifyReport) {
    let copy = std::env::temp_dir().join(format!("veclite-verify-{}-{}", std::process::id(), nanos()));
    if let Err(e) = copy_tree(dir, &copy) {
        report.notes.push(format!("rows were not read: copying to {} failed: {e}", copy.display()));
        let _ = std::fs::remove_dir_all(&copy);
        return;
    }
    let result = read_all(&copy, report);
    let _ = std::fs::remove_dir_all(&copy);
    if let Err(e) = result {
        report.error(&copy, &e);
    }
    // What the engine reports names files of the copy; point it at the original.
    let (from, to) = (copy.display().to_string(), dir.display().to_string());
    for p in &mut report.problems {
        if let Ok(rel) = p.file.strip_prefix(&copy) {
            p.file = dir.join(rel);
        }
        p.what = p.what.replace(&from, &to);
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Copies the files of `from` into a new directory `to` (the lock file left out).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() && entry.file_name() != "LOCK" {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Opens the database in `dir` and reads every row and index.
fn read_all(dir: &Path, report: &mut VerifyReport) -> Result<()> {
    let db = Database::open(dir, Options { worker_threads: 1, ..Options::default() })?;
    for name in db.list_collections()? {
        let count = db.count(&name, &[])?;
        let all = db.query(&name, &[], "", &["*"], None, 0)?;
        if all.len() as u64 != count {
            report.problem(
                dir,
                None,
                format!(
                    "collection {name:?}: count(*) is {count} but a full scan returns {} rows",
                    all.len()
                ),
            );
        }
        report.rows += count;
        search_every_vector_field(&db, &name, &all)?;
    }
    db.close()
}

/// Searches each vector field of `collection` once with its index's metric, reading its index
/// files and vector blocks; the query is the field's first vector.
fn search_every_vector_field(db: &Database, collection: &str, rows: &QueryResult) -> Result<()> {
    let info = db.describe_collection(collection)?;
    let indexes = db.describe_index(collection, None)?;
    for field in info.schema.fields.iter().filter(|f| f.field_type.is_vector()) {
        let index_metric = indexes.iter().find(|i| i.index.field == field.name).map(|i| i.index.metric);
        let mut request = match rows.column(&field.name).map(|c| c.data()) {
            Some(ColumnData::FloatVector { dim, data }) => {
                let Some(query) = data.get(..*dim) else { continue };
                SearchRequest::new(query, 10, index_metric.unwrap_or(Metric::L2))
            }
            Some(ColumnData::PackedVector { kind, dim, data }) => {
                let Some(query) = data.get(..kind.row_bytes(*dim)) else { continue };
                SearchRequest::packed(*kind, query, 10, index_metric.unwrap_or(kind.metrics()[0]))
            }
            Some(ColumnData::SparseVector { offsets, indices, values }) => {
                let Some(&end) = offsets.get(1) else { continue };
                let end = end as usize;
                let Some(query) =
                    crate::params::SparseRows::new(&offsets[..2], &indices[..end], &values[..end])
                else {
                    continue;
                };
                SearchRequest::sparse(query, 10, Metric::Ip)
            }
            _ => continue,
        };
        request.vector_field = Some(field.name.clone());
        db.search(&Context::background(), collection, &request)?;
    }
    Ok(())
}
