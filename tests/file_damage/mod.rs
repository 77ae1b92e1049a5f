//! Damaged-file fixtures shared by `corruption_matrix.rs` and `randomized_files.rs`.
//!
//! - [`populate`] writes a database holding every kind of file veclite writes (manifest, lock,
//!   WAL with records, two sealed segments, a deletes file, HNSW and IVF_FLAT index files);
//!   [`model`] is what that database committed, derived from the same [`script`].
//! - [`verify`] opens a (damaged) copy and reads everything back: `count`, `query` and `get` of
//!   every row, and searches through both indexes, comparing each value with the model.
//! - [`run_cases`] runs [`verify`] on many copies in a child process (the test binary itself, in
//!   its child test), so a panic, an abort or a fatal signal is reported as the outcome of the
//!   case that caused it instead of ending the test run.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use veclite::{
    Column, ColumnData, Context, Database, Error, Field, FieldType, IndexParams, Metric, Options,
    PrimaryKeys, QueryResult, Schema, SearchParams, SearchRequest,
};

pub const COLLECTION: &str = "c";
pub const DIM: usize = 8;
/// Every key the script ever writes is below this.
pub const KEY_SPACE: i64 = 400;
/// The HNSW-indexed field (L2) and the IVF_FLAT-indexed field (COSINE).
const HNSW_FIELD: &str = "hv";
const IVF_FIELD: &str = "iv";

/// Environment variables of the child process: the file listing the case directories, and the
/// first case to run.
const CASES_ENV: &str = "VECLITE_DAMAGE_CASES";
const FROM_ENV: &str = "VECLITE_DAMAGE_FROM";
/// Longest a single case may take before the child is killed and the case reported as a hang.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

pub fn schema() -> Schema {
    Schema::builder(COLLECTION)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("name", FieldType::VarChar { max_length: 32 }).nullable(true))
        .field(Field::new("score", FieldType::Double))
        .field(Field::new(HNSW_FIELD, FieldType::FloatVector { dim: DIM as u32 }))
        .field(Field::new(IVF_FIELD, FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

/// Options for every open: one worker thread (the machine is shared), defaults otherwise.
pub fn options() -> Options {
    Options { worker_threads: 1, ..Options::default() }
}

/// The values of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: Option<String>,
    pub score: f64,
    pub hv: Vec<f32>,
    pub iv: Vec<f32>,
}

/// Acknowledged rows by key.
pub type Model = BTreeMap<i64, Row>;

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A vector with components in [-1, 1), a function of `(key, version, salt)`.
fn vector(key: i64, version: u64, salt: u64) -> Vec<f32> {
    (0..DIM as u64)
        .map(|j| {
            let bits = splitmix((key as u64) << 24 ^ version << 16 ^ salt << 8 ^ j);
            (bits >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// The row that version `version` of the script writes for `key`.
pub fn row(key: i64, version: u64) -> Row {
    Row {
        name: (key % 7 != 0).then(|| format!("k{key}v{version}")),
        score: key as f64 * 0.5 + version as f64 * 1000.0,
        hv: vector(key, version, 1),
        iv: vector(key, version, 2),
    }
}

/// One step of [`script`].
#[derive(Debug, Clone)]
pub enum Op {
    /// Upsert version `.1` of the keys.
    Upsert(Vec<i64>, u64),
    Delete(Vec<i64>),
    Flush,
    /// HNSW on `hv` (L2) and IVF_FLAT on `iv` (COSINE).
    CreateIndexes,
}

/// What [`populate`] does: two batches sealed into one segment, both indexes built, deletes and
/// replacements of sealed rows sealed into a second segment (which writes a deletes file for the
/// first), then more writes and deletes left in the WAL.
pub fn script() -> Vec<Op> {
    vec![
        Op::Upsert((0..150).collect(), 0),
        Op::Upsert((150..300).collect(), 0),
        Op::Flush,
        Op::CreateIndexes,
        Op::Delete((0..300).step_by(10).collect()),
        Op::Upsert((5..300).step_by(25).collect(), 1),
        Op::Flush,
        Op::Upsert((300..340).collect(), 0),
        Op::Delete(vec![1, 2, 301]),
        Op::Upsert(vec![7, 155], 2),
    ]
}

/// The rows committed by the first `steps` steps of [`script`].
fn model_after(steps: usize) -> Model {
    let mut m = Model::new();
    for op in script().into_iter().take(steps) {
        match op {
            Op::Upsert(keys, v) => m.extend(keys.into_iter().map(|k| (k, row(k, v)))),
            Op::Delete(keys) => keys.iter().for_each(|k| {
                m.remove(k);
            }),
            Op::Flush | Op::CreateIndexes => {}
        }
    }
    m
}

/// The rows the script commits.
pub fn model() -> Model {
    model_after(script().len())
}

/// Number of writes after the last flush: the records of the WAL, one per write.
pub fn wal_records() -> usize {
    let script = script();
    script.len() - 1 - script.iter().rposition(|op| matches!(op, Op::Flush)).unwrap()
}

/// What a damaged copy may read back as: everything committed, or (after a torn WAL tail) the
/// rows committed before the first `k` WAL records only; `wal_prefixes[k]` for `k` below
/// [`wal_records`].
pub struct Expected {
    pub full: Model,
    pub wal_prefixes: Vec<Model>,
}

impl Expected {
    pub fn new() -> Self {
        let sealed = script().len() - wal_records();
        Expected {
            full: model(),
            wal_prefixes: (0..wal_records()).map(|k| model_after(sealed + k)).collect(),
        }
    }
}

/// Bytes of a WAL file's header; the first record starts here.
const WAL_HEADER: usize = 16;

/// `(start, end)` of every record frame of a WAL file's bytes, as far as they parse (frame:
/// length u32, crc u32, payload).
pub fn wal_frames(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut frames = Vec::new();
    let mut at = WAL_HEADER;
    while let Some(end) = whole_record(bytes, at) {
        frames.push((at, end));
        at = end;
    }
    frames
}

/// The end of the whole record (non-empty payload, checksum matching) at `at`, if there is one.
fn whole_record(bytes: &[u8], at: usize) -> Option<usize> {
    let word = |i: usize| Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().unwrap()));
    let len = word(at)? as usize;
    let payload = bytes.get(at + 8..(at + 8).checked_add(len)?)?;
    (len > 0 && crc32c::crc32c(payload) == word(at + 4)?).then_some(at + 8 + len)
}

/// Whether a damaged WAL may be read as a torn tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TornTail {
    /// Yes, keeping at least this many records.
    Allowed(usize),
    /// No: whole records follow the damage (and then an incomplete record).
    RecordsThenTorn,
    /// No: the damage is not at the end of the log.
    No,
}

/// For a damaged copy `damaged` of the WAL `pristine`: whether a reading of it as a torn tail
/// is allowed, and how many records it must keep.
///
/// A torn tail is what an interrupted append leaves: an incomplete last record, that is fewer
/// bytes than a frame, a frame not written yet (length 0), or a frame whose payload runs to or
/// past the end of the file (the frame is written after its payload, but the two may reach the
/// disk in either order). A whole
/// record after the damage proves the damaged record was not the last one, even when an
/// incomplete record follows it in turn: that is damage, never a torn tail. A file shorter than
/// its header is a header whose writing was interrupted. The header's `chain` field is not
/// part of any record (it is checked against the previous generation, and this database has
/// one). Every record before the damage must be kept.
pub fn torn_tail(pristine: &[u8], damaged: &[u8]) -> TornTail {
    let chain = 12..WAL_HEADER;
    let start = pristine
        .iter()
        .zip(damaged)
        .enumerate()
        .position(|(i, (a, b))| a != b && !chain.contains(&i))
        .unwrap_or(damaged.len().min(pristine.len()));
    if start < WAL_HEADER {
        return if damaged.len() < WAL_HEADER { TornTail::Allowed(0) } else { TornTail::No };
    }
    let frames = wal_frames(pristine);
    let kept = frames.iter().filter(|&&(_, end)| end <= start).count();
    // The damaged record, or the bytes after the last record.
    let at = frames.get(kept).map_or(pristine.len(), |&(s, _)| s);
    let n = damaged.len();
    let incomplete = |q: usize| {
        damaged.get(q..q + 4).is_none_or(|len| {
            let len = u32::from_le_bytes(len.try_into().unwrap()) as usize;
            len == 0 || q + 8 + len >= n
        })
    };
    // `to_end[p]`: whole records from `p` up to exactly the end of the file; `to_torn[p]`: up
    // to the end or to an incomplete record.
    let (mut to_end, mut to_torn) = (vec![false; n + 1], vec![false; n + 1]);
    to_end[n] = true;
    for p in (at + 1..n).rev() {
        if let Some(end) = whole_record(damaged, p) {
            to_end[p] = to_end[end];
            to_torn[p] = to_end[end] || to_torn[end] || incomplete(end);
        }
    }
    match ((at + 1..n).any(|p| to_end[p]), (at + 1..n).any(|p| to_torn[p])) {
        _ if !incomplete(at) => TornTail::No,
        (false, false) => TornTail::Allowed(kept),
        (false, true) => TornTail::RecordsThenTorn,
        (true, _) => TornTail::No,
    }
}

fn columns(keys: &[i64], version: u64) -> Vec<Column> {
    let rows: Vec<Row> = keys.iter().map(|&k| row(k, version)).collect();
    vec![
        Column::int64("id", keys.to_vec()),
        Column::varchar("name", rows.iter().map(|r| r.name.clone().unwrap_or_default()))
            .with_validity(rows.iter().map(|r| r.name.is_some()).collect()),
        Column::double("score", rows.iter().map(|r| r.score).collect()),
        Column::float_vector(HNSW_FIELD, DIM, rows.iter().flat_map(|r| r.hv.clone()).collect()),
        Column::float_vector(IVF_FIELD, DIM, rows.iter().flat_map(|r| r.iv.clone()).collect()),
    ]
}

/// Runs [`script`] on a new database in `dir` and closes it.
pub fn populate(dir: &Path) {
    let db = Database::open(dir, options()).unwrap();
    db.create_collection(schema()).unwrap();
    let ctx = Context::background();
    for op in script() {
        match op {
            Op::Upsert(keys, v) => {
                db.upsert(COLLECTION, "", columns(&keys, v)).unwrap();
            }
            Op::Delete(keys) => {
                db.delete_by_pks(COLLECTION, "", &PrimaryKeys::Int(keys)).unwrap();
            }
            Op::Flush => db.flush(COLLECTION).unwrap(),
            Op::CreateIndexes => {
                let hnsw = IndexParams::Hnsw { m: 8, ef_construction: 64 };
                db.create_index(&ctx, COLLECTION, HNSW_FIELD, "h", Metric::L2, hnsw).unwrap();
                let ivf = IndexParams::IvfFlat { nlist: 4 };
                db.create_index(&ctx, COLLECTION, IVF_FIELD, "i", Metric::Cosine, ivf).unwrap();
            }
        }
    }
    db.close().unwrap();
}

/// The kinds of file veclite writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Manifest,
    Lock,
    Wal,
    Segment,
    Deletes,
    HnswIndex,
    IvfIndex,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Manifest,
        Kind::Lock,
        Kind::Wal,
        Kind::Segment,
        Kind::Deletes,
        Kind::HnswIndex,
        Kind::IvfIndex,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Manifest => "MANIFEST",
            Kind::Lock => "LOCK",
            Kind::Wal => "WAL (`wal-<g>.log`)",
            Kind::Segment => "segment (`s<id>.seg`)",
            Kind::Deletes => "deletes (`s<id>-<g>.del`)",
            Kind::HnswIndex => "HNSW index (`.idx`)",
            Kind::IvfIndex => "IVF_FLAT index (`.idx`)",
        }
    }

    /// The kind of the file at `path` (of a database [`populate`] wrote), `None` when unknown.
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        Some(match (name, ext) {
            ("MANIFEST", _) => Kind::Manifest,
            ("LOCK", _) => Kind::Lock,
            (n, "log") if n.starts_with("wal-") => Kind::Wal,
            (_, "seg") => Kind::Segment,
            (_, "del") => Kind::Deletes,
            (_, "idx") => match std::fs::read(path).ok()?.get(12..16)? {
                [1, 0, 0, 0] => Kind::HnswIndex,
                [2, 0, 0, 0] => Kind::IvfIndex,
                _ => return None,
            },
            _ => return None,
        })
    }
}

/// Every file under `dir`, relative to it, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every file of a populated database by kind; panics on a file of unknown kind, so a new kind
/// of file cannot be left out of the tests.
pub fn files_by_kind(dir: &Path) -> BTreeMap<Kind, Vec<PathBuf>> {
    let mut by_kind: BTreeMap<Kind, Vec<PathBuf>> = BTreeMap::new();
    for f in files(dir) {
        let kind = Kind::of(&dir.join(&f)).unwrap_or_else(|| panic!("file of unknown kind: {}", f.display()));
        by_kind.entry(kind).or_default().push(f);
    }
    by_kind
}

/// Copies every file of `from` into `to` (created).
pub fn copy_dir(from: &Path, to: &Path) {
    for f in files(from) {
        let dst = to.join(&f);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&f), dst).unwrap();
    }
}

/// What opening and reading a damaged copy did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Open succeeded and every committed row read back exactly.
    Intact,
    /// Open succeeded and read back exactly the rows committed before some WAL record: the
    /// log's tail was taken for a torn append and cut off (the outcome's `kept` records remain).
    TornTail,
    /// Open failed with `CORRUPTED`.
    Corrupted,
    /// Open succeeded; a read of the damaged data failed with `CORRUPTED` (blocks and index
    /// bodies are checksummed when first read).
    CorruptedOnRead,
    /// Open (or a read) failed with `UNSUPPORTED_FORMAT`.
    Unsupported,
    // Failures:
    /// Another error (e.g. `IO`) where `CORRUPTED` was due.
    OtherError,
    /// Fewer rows than committed, without an error.
    SilentLoss,
    /// A value, score, deleted row or hit that differs from what was committed.
    WrongValues,
    Panic,
    /// The process died (signal or abort).
    Crash,
    Hang,
}

impl Verdict {
    const ALL: [Verdict; 11] = [
        Verdict::Intact,
        Verdict::TornTail,
        Verdict::Corrupted,
        Verdict::CorruptedOnRead,
        Verdict::Unsupported,
        Verdict::OtherError,
        Verdict::SilentLoss,
        Verdict::WrongValues,
        Verdict::Panic,
        Verdict::Crash,
        Verdict::Hang,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Intact => "intact",
            Verdict::TornTail => "torn-tail",
            Verdict::Corrupted => "corrupted",
            Verdict::CorruptedOnRead => "corrupted-on-read",
            Verdict::Unsupported => "unsupported",
            Verdict::OtherError => "OTHER-ERROR",
            Verdict::SilentLoss => "SILENT-LOSS",
            Verdict::WrongValues => "WRONG-VALUES",
            Verdict::Panic => "PANIC",
            Verdict::Crash => "CRASH",
            Verdict::Hang => "HANG",
        }
    }

    fn parse(label: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.label() == label)
    }

    pub fn is_failure(self) -> bool {
        self >= Verdict::OtherError
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// For [`Verdict::TornTail`]: how many WAL records were kept.
    pub kept: usize,
    /// The error, or what differed.
    pub detail: String,
}

impl Outcome {
    fn new(verdict: Verdict, detail: impl Into<String>) -> Self {
        Outcome { verdict, kept: 0, detail: detail.into().replace('\n', " ") }
    }

    /// One line: verdict label, kept records, detail.
    fn encode(&self) -> String {
        format!("{} {} {}", self.verdict.label(), self.kept, self.detail)
    }

    fn decode(line: &str) -> Option<Outcome> {
        let mut parts = line.splitn(3, ' ');
        let verdict = Verdict::parse(parts.next()?)?;
        let kept = parts.next()?.parse().ok()?;
        Some(Outcome { verdict, kept, detail: parts.next().unwrap_or("").to_owned() })
    }

    /// The outcome of an error at `stage` (open or a read).
    fn of_error(e: &Error, stage: &str) -> Self {
        let verdict = match (e, stage) {
            (Error::Corrupted { .. }, "open") => Verdict::Corrupted,
            (Error::Corrupted { .. }, _) => Verdict::CorruptedOnRead,
            (Error::UnsupportedFormat { .. }, _) => Verdict::Unsupported,
            _ => Verdict::OtherError,
        };
        Outcome::new(verdict, format!("{stage}: {e}"))
    }
}

/// A difference from the model: missing rows are a loss, anything else a wrong value.
struct Mismatch(Verdict, String);

fn loss(what: String) -> Mismatch {
    Mismatch(Verdict::SilentLoss, what)
}

fn wrong(what: String) -> Mismatch {
    Mismatch(Verdict::WrongValues, what)
}

/// Opens the database in `dir` and reads every committed row back, comparing with `expected`:
/// [`Verdict::Intact`] when it matches the full model, [`Verdict::TornTail`] when it matches
/// a WAL prefix instead, else the mismatch with the full model or the error.
pub fn verify(dir: &Path, expected: &Expected) -> Outcome {
    let db = match Database::open(dir, options()) {
        Ok(db) => db,
        Err(e) => return Outcome::of_error(&e, "open"),
    };
    let outcome = match read_back(&db, &expected.full) {
        Ok(Ok(())) => Outcome::new(Verdict::Intact, ""),
        Ok(Err(Mismatch(verdict, what))) => {
            let prefix = (0..expected.wal_prefixes.len())
                .rev()
                .find(|&k| matches!(read_back(&db, &expected.wal_prefixes[k]), Ok(Ok(()))));
            match prefix {
                Some(k) => Outcome {
                    kept: k,
                    ..Outcome::new(Verdict::TornTail, format!("{k} of {} WAL records kept", wal_records()))
                },
                None => Outcome::new(verdict, what),
            }
        }
        Err((stage, e)) => Outcome::of_error(&e, stage),
    };
    let _ = db.close();
    outcome
}

type ReadResult = Result<Result<(), Mismatch>, (&'static str, Error)>;

fn read_back(db: &Database, model: &Model) -> ReadResult {
    let count = match db.count(COLLECTION, &[]) {
        Err(Error::NotFound { .. }) => return Ok(Err(loss("the collection is gone".into()))),
        other => other.map_err(|e| ("count", e))?,
    };
    if count < model.len() as u64 {
        return Ok(Err(loss(format!("count {count}, committed {}", model.len()))));
    }
    if count > model.len() as u64 {
        return Ok(Err(wrong(format!("count {count}, committed {}", model.len()))));
    }
    let all = db.query(COLLECTION, &[], "", &["*"], None, 0).map_err(|e| ("query", e))?;
    if let Err(m) = compare_rows(&all, model, "query") {
        return Ok(Err(m));
    }
    let filtered = db.query(COLLECTION, &[], "score >= 0", &["*"], None, 0).map_err(|e| ("query", e))?;
    if let Err(m) = compare_rows(&filtered, model, "filtered query") {
        return Ok(Err(m));
    }
    let keys = PrimaryKeys::Int((0..KEY_SPACE).collect());
    let got = db.get(COLLECTION, &[], &keys, &["*"]).map_err(|e| ("get", e))?;
    if let Err(m) = compare_rows(&got, model, "get") {
        return Ok(Err(m));
    }
    for (field, metric) in [(HNSW_FIELD, Metric::L2), (IVF_FIELD, Metric::Cosine)] {
        if let Err(m) = check_search(db, model, field, metric)? {
            return Ok(Err(m));
        }
    }
    Ok(Ok(()))
}

/// Compares the rows of a read with the model: every committed row present with its values,
/// nothing else.
fn compare_rows(r: &QueryResult, model: &Model, read: &str) -> Result<(), Mismatch> {
    let column = |name: &str| r.column(name).ok_or_else(|| wrong(format!("{read}: no column {name}")));
    let ColumnData::Int64(ids) = column("id")?.data() else { return Err(wrong(format!("{read}: id type"))) };
    let name = column("name")?;
    let ColumnData::VarChar { .. } = name.data() else { return Err(wrong(format!("{read}: name type"))) };
    let ColumnData::Double(score) = column("score")?.data() else {
        return Err(wrong(format!("{read}: score type")));
    };
    let ColumnData::FloatVector { data: hv, .. } = column(HNSW_FIELD)?.data() else {
        return Err(wrong(format!("{read}: hv type")));
    };
    let ColumnData::FloatVector { data: iv, .. } = column(IVF_FIELD)?.data() else {
        return Err(wrong(format!("{read}: iv type")));
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, &key) in ids.iter().enumerate() {
        let Some(want) = model.get(&key) else {
            return Err(wrong(format!("{read}: key {key} is not committed (deleted or never written)")));
        };
        if !seen.insert(key) {
            return Err(wrong(format!("{read}: key {key} returned twice")));
        }
        let got = Row {
            name: name.is_valid(i).then(|| name.data().as_ref().str_at(i).to_owned()),
            score: score[i],
            hv: hv[i * DIM..(i + 1) * DIM].to_vec(),
            iv: iv[i * DIM..(i + 1) * DIM].to_vec(),
        };
        if got != *want {
            return Err(wrong(format!("{read}: key {key} reads {got:?}, committed {want:?}")));
        }
    }
    if let Some(missing) = model.keys().find(|k| !seen.contains(k)) {
        return Err(loss(format!(
            "{read}: committed key {missing} missing ({} of {} rows)",
            seen.len(),
            model.len()
        )));
    }
    Ok(())
}

/// The score veclite reports between `q` and `v` (squared L2, or cosine similarity).
fn score(metric: Metric, q: &[f32], v: &[f32]) -> f64 {
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum::<f64>();
    match metric {
        Metric::L2 => q.iter().zip(v).map(|(&x, &y)| (x as f64 - y as f64).powi(2)).sum(),
        Metric::Ip => dot(q, v),
        Metric::Cosine => dot(q, v) / (dot(q, q).sqrt() * dot(v, v).sqrt()),
        Metric::Hamming | Metric::Jaccard => unreachable!("float vectors take L2, IP and COSINE"),
    }
}

/// Searches `field` (through its index where the segment has one) with the vectors of every
/// fifth committed row: each query finds its own row first, and every hit is a committed row
/// with the right score.
fn check_search(
    db: &Database,
    model: &Model,
    field: &str,
    metric: Metric,
) -> Result<Result<(), Mismatch>, (&'static str, Error)> {
    let probes: Vec<(i64, &Row)> = model.iter().step_by(5).map(|(&k, r)| (k, r)).collect();
    let vector_of = |r: &Row| if field == HNSW_FIELD { r.hv.clone() } else { r.iv.clone() };
    let queries: Vec<f32> = probes.iter().flat_map(|(_, r)| vector_of(r)).collect();
    let mut request = SearchRequest::new(&queries, 3, metric).params(SearchParams {
        ef: Some(64),
        nprobe: Some(4),
        drop_ratio_search: None,
    });
    request.vector_field = Some(field.to_owned());
    let hits = db.search(&Context::background(), COLLECTION, &request).map_err(|e| ("search", e))?;
    if hits.len() != probes.len() {
        return Ok(Err(wrong(format!(
            "search {field}: {} result sets for {} queries",
            hits.len(),
            probes.len()
        ))));
    }
    for ((key, probe), h) in probes.iter().zip(&hits) {
        let PrimaryKeys::Int(ids) = &h.ids else { return Ok(Err(wrong(format!("search {field}: id type")))) };
        if ids.first() != Some(key) {
            return Ok(Err(wrong(format!("search {field}: query of row {key} found {ids:?} first"))));
        }
        for (id, &s) in ids.iter().zip(&h.scores) {
            let Some(r) = model.get(id) else {
                return Ok(Err(wrong(format!("search {field}: hit {id} is not committed"))));
            };
            let want = score(metric, &vector_of(probe), &vector_of(r));
            if (s as f64 - want).abs() > 1e-4 * want.abs().max(1.0) {
                return Ok(Err(wrong(format!("search {field}: hit {id} scores {s}, expected {want}"))));
            }
        }
    }
    Ok(Ok(()))
}

/// One damaged copy of a populated database.
pub struct Case {
    pub kind: Kind,
    /// The damaged file, relative to the database directory.
    pub file: PathBuf,
    /// The copy.
    pub dir: PathBuf,
    /// For a WAL: whether a torn-tail reading is allowed ([`torn_tail`]).
    pub torn_tail: TornTail,
    /// Whether the damaged file's checksums were recomputed (forged): its damage is then
    /// undetectable where it changes only values, so only panics, crashes and hangs are failures.
    pub forged: bool,
}

impl Case {
    /// Copies `pristine` to `dir` and replaces its `file` (of kind `kind`) with `damaged`, or
    /// deletes it for `None`.
    pub fn write(pristine: &Path, dir: &Path, kind: Kind, file: &Path, damaged: Option<&[u8]>) -> Case {
        copy_dir(pristine, dir);
        let torn_tail = match damaged {
            Some(bytes) => {
                std::fs::write(dir.join(file), bytes).unwrap();
                let pristine_bytes = std::fs::read(pristine.join(file)).unwrap();
                if kind == Kind::Wal { torn_tail(&pristine_bytes, bytes) } else { TornTail::No }
            }
            None => {
                std::fs::remove_file(dir.join(file)).unwrap();
                TornTail::No
            }
        };
        Case { kind, file: file.to_owned(), dir: dir.to_owned(), torn_tail, forged: false }
    }

    /// Why `o` breaks the rules, if it does: a category (a failure verdict's label,
    /// `SILENT-LOSS` for a cut WAL that is not a torn tail, `MISNAMED` for an error that does
    /// not name the damaged file) and the details.
    pub fn failure(&self, o: &Outcome) -> Option<(&'static str, String)> {
        let file_name = self.file.file_name().unwrap().to_str().unwrap();
        match o.verdict {
            v @ (Verdict::Panic | Verdict::Crash | Verdict::Hang) => Some((v.label(), o.detail.clone())),
            _ if self.forged => None,
            v if v.is_failure() => Some((v.label(), o.detail.clone())),
            Verdict::TornTail => match self.torn_tail {
                TornTail::Allowed(keeps) if o.kept >= keeps => None,
                TornTail::Allowed(keeps) => {
                    Some(("SILENT-LOSS", format!("{}; at least {keeps} must be kept", o.detail)))
                }
                TornTail::RecordsThenTorn => Some((
                    "SILENT-LOSS",
                    format!("{} (whole records follow the damage, then an incomplete record)", o.detail),
                )),
                TornTail::No => {
                    Some(("SILENT-LOSS", format!("{} (the damage is not a torn tail)", o.detail)))
                }
            },
            Verdict::Corrupted | Verdict::CorruptedOnRead | Verdict::Unsupported
                if !o.detail.contains(file_name) =>
            {
                Some(("MISNAMED", format!("the error does not name {file_name}: {}", o.detail)))
            }
            _ => None,
        }
    }
}

/// The cases whose outcomes break the rules ([`Case::failure`]), one line each naming the case
/// (`whats[i]` describes the damage of `cases[i]`). Prints every case when `verbose`, and a
/// summary.
pub fn failures(cases: &[Case], whats: &[String], outcomes: &[Outcome], verbose: bool) -> Vec<String> {
    let mut failures = Vec::new();
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for ((c, what), o) in cases.iter().zip(whats).zip(outcomes) {
        let name = format!("{} / {what} / {}", c.kind.label(), c.file.display());
        if verbose {
            println!("{name}: {} {}", o.verdict.label(), o.detail);
        }
        if let Some((category, why)) = c.failure(o) {
            *categories.entry(category).or_default() += 1;
            failures.push(format!("{name}: {category} — {why}"));
        }
    }
    println!("{} cases, {} failures {categories:?}", cases.len(), failures.len());
    failures
}

/// The child side of [`run_cases`]: when the environment names a case list, verifies each
/// case from the given first one, printing `CASE <i> begin` before and `CASE <i> <outcome>`
/// after it. A no-op in a normal test run.
pub fn child_main() {
    let Ok(list) = std::env::var(CASES_ENV) else { return };
    let from: usize = std::env::var(FROM_ENV).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let dirs: Vec<PathBuf> = std::fs::read_to_string(list).unwrap().lines().map(PathBuf::from).collect();
    let expected = Expected::new();
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::stdout().lock();
    for (i, dir) in dirs.iter().enumerate().skip(from) {
        writeln!(out, "CASE {i} begin").unwrap();
        out.flush().unwrap();
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| verify(dir, &expected))).unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Outcome::new(Verdict::Panic, msg)
            });
        writeln!(out, "CASE {i} {}", outcome.encode()).unwrap();
        out.flush().unwrap();
    }
}

/// Verifies every database directory of `dirs` in child processes running test `child_test`
/// of this binary (which calls [`child_main`]). A case that kills its child (signal, abort) or
/// outlives [`CASE_TIMEOUT`] is reported as [`Verdict::Crash`] / [`Verdict::Hang`] and a new
/// child continues with the next case.
pub fn run_cases(child_test: &str, work: &Path, dirs: &[PathBuf]) -> Vec<Outcome> {
    let list = work.join("cases.txt");
    let text: String = dirs.iter().map(|d| format!("{}\n", d.display())).collect();
    std::fs::write(&list, text).unwrap();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; dirs.len()];
    let mut from = 0;
    while from < dirs.len() {
        let stderr_path = work.join("child-stderr.txt");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([child_test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CASES_ENV, &list)
            .env(FROM_ENV, from.to_string())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The harness may print `test <name> ... ` on the same line first.
                if let Some(at) = line.find("CASE ") {
                    let _ = tx.send(line[at + 5..].to_owned());
                }
            }
        });
        let mut running: Option<usize> = None;
        let mut hung = false;
        loop {
            match rx.recv_timeout(CASE_TIMEOUT) {
                Ok(line) => {
                    let (i, rest) = line.split_once(' ').unwrap();
                    let i: usize = i.parse().unwrap();
                    if rest == "begin" {
                        running = Some(i);
                    } else {
                        outcomes[i] =
                            Some(Outcome::decode(rest).unwrap_or_else(|| panic!("bad line {line}")));
                        running = None;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    hung = true;
                    let _ = child.kill();
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let status = child.wait().unwrap();
        reader.join().unwrap();
        match running {
            Some(i) => {
                let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                // The messages, without backtrace frames.
                let tail: String = stderr
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.starts_with("at ") && !l.starts_with(|c: char| c.is_ascii_digit()))
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" | ");
                let verdict = if hung { Verdict::Hang } else { Verdict::Crash };
                outcomes[i] = Some(Outcome::new(verdict, format!("{status}: {tail}")));
                from = i + 1;
            }
            None => {
                let done = outcomes.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
                assert!(done > from, "the child ran no case from {from} ({status})");
                from = done;
            }
        }
    }
    outcomes.into_iter().map(Option::unwrap).collect()
}
