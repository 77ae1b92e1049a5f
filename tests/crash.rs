//! Crash consistency under kill -9.
//!
//! Each test re-executes its own binary as a writer process (`crash_child`, active only when
//! `VECLITE_CRASH_CHILD` names a directory). The writer runs the operations of a scenario in a
//! seeded random loop and prints a `begin` line before and an `ok` line after every operation.
//! The parent kills it with SIGKILL, reopens the database and checks it against a model built
//! from the acknowledged operations: exact values for every key, deleted keys absent, the
//! in-flight operation entirely applied or entirely absent, `count`, a full scan, filtered
//! queries and top-k searches (exact, or through the index) that agree with the model, and the
//! index defined exactly when its creation was acknowledged (or was in flight).
//!
//! The scenarios and when the parent kills:
//! - mixed writes, deletes, flushes and compactions: at random moments (20 rounds);
//! - automatic seals (a seal threshold so small that every upsert seals): as soon as a segment
//!   file or the manifest is being written, under each sync policy in turn (a killed process
//!   loses nothing the kernel has, whatever the policy);
//! - flush, compaction, index build (HNSW and IVF_FLAT), under each sync policy in turn: at a
//!   random point inside the operation, a random share of the longest duration a whole one
//!   took; for index builds also as soon as an index file is being written.
//!
//! Each test prints, per round, where the kill landed, and a summary: how many aimed kills landed
//! inside their target (at least half must), how the in-flight operations were resolved, and
//! which temp files the kills left behind (files cut mid-write).
//!
//! `VECLITE_CRASH_ROUNDS` sets the number of kills of the mixed scenario (default 20); each other
//! scenario runs half as many. `VECLITE_CRASH_BASE_SEED` changes the seeds.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, ColumnData, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys,
    Schema, SearchParams, SearchRequest, SyncPolicy,
};

const COLLECTION: &str = "crash";
const CHILD_ENV: &str = "VECLITE_CRASH_CHILD";
const SEED_ENV: &str = "VECLITE_CRASH_SEED";
const SCENARIO_ENV: &str = "VECLITE_CRASH_SCENARIO";
const SYNC_ENV: &str = "VECLITE_CRASH_SYNC";
/// Hits per search query in the checks.
const TOPK: usize = 10;
/// IVF_FLAT lists; searches probe all of them, which makes IVF_FLAT exact.
const IVF_NLIST: u32 = 16;
/// HNSW `ef` of the check searches.
const HNSW_EF: usize = 200;
/// Least share of the exact top-k an HNSW search must return.
const HNSW_MIN_RECALL: f64 = 0.9;

type Row = (f64, Vec<f32>);

/// What a scenario's writer does, and the shape of its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Mixed,
    Seal,
    Flush,
    Compaction,
    IndexBuild,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Mixed => "mixed",
            Scenario::Seal => "seal",
            Scenario::Flush => "flush",
            Scenario::Compaction => "compaction",
            Scenario::IndexBuild => "index-build",
        }
    }

    fn parse(name: &str) -> Scenario {
        [Scenario::Mixed, Scenario::Seal, Scenario::Flush, Scenario::Compaction, Scenario::IndexBuild]
            .into_iter()
            .find(|s| s.name() == name)
            .unwrap_or_else(|| panic!("unknown crash scenario {name:?}"))
    }

    /// Primary keys are drawn from `0..key_space`.
    fn key_space(self) -> usize {
        match self {
            Scenario::IndexBuild => 4_000,
            _ => 2_000,
        }
    }

    fn dim(self) -> usize {
        match self {
            Scenario::Mixed | Scenario::Seal | Scenario::Flush => 8,
            Scenario::Compaction | Scenario::IndexBuild => 32,
        }
    }

    fn options(self, sync: SyncPolicy) -> Options {
        let seal_threshold_bytes = match self {
            // Small, so that writes auto-seal into many small segments (and compaction triggers).
            Scenario::Mixed | Scenario::Compaction => 48 << 10,
            // Smaller than most batches (80 rows or more): nearly every upsert seals.
            Scenario::Seal => 4 << 10,
            // Larger than the key space: only `flush` seals.
            Scenario::Flush => 64 << 20,
            // Segments of a few thousand rows, so that each index file takes a while to build.
            Scenario::IndexBuild => 1 << 20,
        };
        Options { sync, seal_threshold_bytes, worker_threads: 2, ..Options::default() }
    }

    /// Percent weights of upsert, delete, flush, compact, and create/drop index.
    fn weights(self) -> [u32; 5] {
        match self {
            Scenario::Mixed => [80, 12, 6, 2, 0],
            Scenario::Seal => [90, 10, 0, 0, 0],
            Scenario::Flush => [60, 15, 25, 0, 0],
            Scenario::Compaction => [55, 25, 0, 20, 0],
            Scenario::IndexBuild => [45, 10, 10, 0, 35],
        }
    }

    /// Whether every key gets a row before the first round (so that indexes have data).
    fn preload(self) -> bool {
        self == Scenario::IndexBuild
    }

    fn schema(self) -> Schema {
        Schema::builder(COLLECTION)
            .field(Field::new("ID", FieldType::Int64).primary_key())
            .field(Field::new("random", FieldType::Double))
            .field(Field::new("embeddings", FieldType::FloatVector { dim: self.dim() as u32 }))
            .build()
            .unwrap()
    }
}

/// The index types the index-build scenario creates, on `embeddings` with metric L2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IndexKind {
    Hnsw,
    Ivf,
}

impl IndexKind {
    fn params(self) -> IndexParams {
        match self {
            IndexKind::Hnsw => IndexParams::Hnsw { m: 16, ef_construction: 100 },
            IndexKind::Ivf => IndexParams::IvfFlat { nlist: IVF_NLIST },
        }
    }

    fn of(params: IndexParams) -> IndexKind {
        [IndexKind::Hnsw, IndexKind::Ivf]
            .into_iter()
            .find(|k| k.params() == params)
            .unwrap_or_else(|| panic!("index parameters {params:?} were never requested"))
    }

    fn name(self) -> &'static str {
        match self {
            IndexKind::Hnsw => "hnsw",
            IndexKind::Ivf => "ivf",
        }
    }
}

/// One operation of the writer; its `Display` form is what follows `begin `.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Upsert(u64),
    Delete(u64),
    Flush,
    Compact,
    CreateIndex(IndexKind),
    DropIndex,
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Upsert(seed) => write!(f, "upsert {seed}"),
            Op::Delete(seed) => write!(f, "delete {seed}"),
            Op::Flush => f.write_str("flush"),
            Op::Compact => f.write_str("compact"),
            Op::CreateIndex(kind) => write!(f, "create_index {}", kind.name()),
            Op::DropIndex => f.write_str("drop_index"),
        }
    }
}

impl Op {
    fn parse(text: &str) -> Op {
        let mut parts = text.split(' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("upsert"), Some(s), None) => Op::Upsert(s.parse().unwrap()),
            (Some("delete"), Some(s), None) => Op::Delete(s.parse().unwrap()),
            (Some("flush"), None, None) => Op::Flush,
            (Some("compact"), None, None) => Op::Compact,
            (Some("create_index"), Some("hnsw"), None) => Op::CreateIndex(IndexKind::Hnsw),
            (Some("create_index"), Some("ivf"), None) => Op::CreateIndex(IndexKind::Ivf),
            (Some("drop_index"), None, None) => Op::DropIndex,
            _ => panic!("unexpected child line: begin {text}"),
        }
    }

    /// A random operation of `scenario`; index operations alternate between create and drop.
    fn draw(rng: &mut StdRng, scenario: Scenario, has_index: bool) -> Op {
        let weights = scenario.weights();
        let mut pick = rng.random_range(0..weights.iter().sum::<u32>());
        let mut kind = 0;
        while pick >= weights[kind] {
            pick -= weights[kind];
            kind += 1;
        }
        let seed: u64 = rng.random();
        match kind {
            0 => Op::Upsert(seed),
            1 => Op::Delete(seed),
            2 => Op::Flush,
            3 => Op::Compact,
            _ if has_index => Op::DropIndex,
            _ if seed.is_multiple_of(2) => Op::CreateIndex(IndexKind::Hnsw),
            _ => Op::CreateIndex(IndexKind::Ivf),
        }
    }

    /// Whether this operation is one `target` describes: the same kind (any seed), and for
    /// index creation the same index type.
    fn is_a(&self, target: &Op) -> bool {
        match (self, target) {
            (Op::CreateIndex(a), Op::CreateIndex(b)) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(target),
        }
    }

    fn run(self, db: &Database, scenario: Scenario) {
        match self {
            Op::Upsert(seed) => {
                let rows = batch_rows(seed, scenario);
                let r = db.upsert(COLLECTION, "", upsert_columns(&rows, scenario.dim())).unwrap();
                assert_eq!(r.upsert_count as usize, rows.len());
            }
            Op::Delete(seed) => {
                db.delete_by_pks(COLLECTION, "", &PrimaryKeys::Int(delete_keys(seed, scenario))).unwrap();
            }
            Op::Flush => db.flush(COLLECTION).unwrap(),
            Op::Compact => {
                db.compact(COLLECTION).unwrap();
            }
            Op::CreateIndex(kind) => db
                .create_index(&Context::background(), COLLECTION, "embeddings", "", Metric::L2, kind.params())
                .unwrap(),
            Op::DropIndex => db.drop_index(COLLECTION, "embeddings").unwrap(),
        }
    }
}

fn random_vector(rng: &mut StdRng, dim: usize) -> Vec<f32> {
    (0..dim).map(|_| rng.random_range(-1.0..1.0)).collect()
}

/// The rows of the upsert batch with seed `seed`: 1..=300 distinct keys.
fn batch_rows(seed: u64, scenario: Scenario) -> Vec<(i64, Row)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rng.random_range(1..=300);
    rand::seq::index::sample(&mut rng, scenario.key_space(), n)
        .into_iter()
        .map(|k| (k as i64, (rng.random::<f64>(), random_vector(&mut rng, scenario.dim()))))
        .collect()
}

/// The keys of the delete with seed `seed` (some may not exist).
fn delete_keys(seed: u64, scenario: Scenario) -> Vec<i64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rng.random_range(1..=100);
    rand::seq::index::sample(&mut rng, scenario.key_space(), n).into_iter().map(|k| k as i64).collect()
}

fn upsert_columns(rows: &[(i64, Row)], dim: usize) -> Vec<Column> {
    vec![
        Column::int64("ID", rows.iter().map(|r| r.0).collect()),
        Column::double("random", rows.iter().map(|r| r.1.0).collect()),
        Column::float_vector("embeddings", dim, rows.iter().flat_map(|r| r.1.1.iter().copied()).collect()),
    ]
}

/// The interval of the [`SyncPolicy::Interval`] rounds.
const SYNC_INTERVAL: Duration = Duration::from_millis(50);

/// The sync policies the rounds run under.
const SYNC_POLICIES: [SyncPolicy; 3] =
    [SyncPolicy::EveryWrite, SyncPolicy::None, SyncPolicy::Interval(SYNC_INTERVAL)];

fn sync_name(sync: SyncPolicy) -> &'static str {
    match sync {
        SyncPolicy::EveryWrite => "every-write",
        SyncPolicy::None => "none",
        SyncPolicy::Interval(_) => "interval",
    }
}

fn parse_sync(name: &str) -> SyncPolicy {
    SYNC_POLICIES
        .into_iter()
        .find(|&s| sync_name(s) == name)
        .unwrap_or_else(|| panic!("unknown sync policy {name:?}"))
}

/// The index defined on `embeddings`, if any.
fn stored_index(db: &Database) -> Option<IndexKind> {
    let infos = db.describe_index(COLLECTION, None).unwrap();
    assert!(infos.len() <= 1, "more than one index: {infos:?}");
    infos.first().map(|info| {
        assert_eq!((info.index.field.as_str(), info.index.metric), ("embeddings", Metric::L2));
        IndexKind::of(info.index.params)
    })
}

/// The writer process. Does nothing unless started by one of the tests below.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let var = |name| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let scenario = Scenario::parse(&var(SCENARIO_ENV));
    let mut rng = StdRng::seed_from_u64(var(SEED_ENV).parse().unwrap());
    let db = open_when_free(&dir, scenario.options(parse_sync(&var(SYNC_ENV))));
    let mut has_index = stored_index(&db).is_some();
    let out = std::io::stdout();
    let say = |line: String| {
        let mut o = out.lock();
        writeln!(o, "OP {line}").unwrap();
        o.flush().unwrap();
    };
    say("ready".into());
    loop {
        let op = Op::draw(&mut rng, scenario, has_index);
        say(format!("begin {op}"));
        op.run(&db, scenario);
        has_index ^= matches!(op, Op::CreateIndex(_) | Op::DropIndex);
        say("ok".into());
    }
}

/// The acknowledged state: the live rows and the index.
#[derive(Debug, Clone, Default)]
struct Model {
    rows: BTreeMap<i64, Row>,
    index: Option<IndexKind>,
}

impl Model {
    fn apply(&mut self, op: &Op, scenario: Scenario) {
        match op {
            Op::Upsert(seed) => self.rows.extend(batch_rows(*seed, scenario)),
            Op::Delete(seed) => {
                for k in delete_keys(*seed, scenario) {
                    self.rows.remove(&k);
                }
            }
            Op::Flush | Op::Compact => {}
            Op::CreateIndex(kind) => self.index = Some(*kind),
            Op::DropIndex => self.index = None,
        }
    }
}

/// The values stored for `keys`, or `None` for absent keys, in key order.
fn read_keys(db: &Database, keys: &[i64], dim: usize) -> BTreeMap<i64, Row> {
    let r = db.get(COLLECTION, &[], &PrimaryKeys::Int(keys.to_vec()), &["random", "embeddings"]).unwrap();
    let ids = int64_column(&r, "ID");
    let randoms = match r.column("random").unwrap().data() {
        ColumnData::Double(v) => v.clone(),
        other => panic!("random column of unexpected type {other:?}"),
    };
    let vectors = match r.column("embeddings").unwrap().data() {
        ColumnData::FloatVector { dim: d, data } => {
            assert_eq!(*d, dim);
            data.clone()
        }
        other => panic!("embeddings column of unexpected type {other:?}"),
    };
    let mut out = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        let prev = out.insert(*id, (randoms[i], vectors[i * dim..(i + 1) * dim].to_vec()));
        assert!(prev.is_none(), "key {id} returned twice by one get");
    }
    out
}

fn int64_column(r: &veclite::QueryResult, name: &str) -> Vec<i64> {
    match r.column(name).unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("{name} column of unexpected type {other:?}"),
    }
}

/// Checks the reopened database against `model` (the acknowledged operations) and resolves the
/// in-flight operation `pending`: it must be entirely applied or entirely absent. Returns the
/// model after that resolution and how it was resolved.
fn verify(db: &Database, scenario: Scenario, mut model: Model, pending: Option<Op>) -> (Model, &'static str) {
    let all: Vec<i64> = (0..scenario.key_space() as i64).collect();
    let stored = read_keys(db, &all, scenario.dim());
    let resolution = match pending {
        None => "none in flight",
        Some(op @ (Op::Upsert(_) | Op::Delete(_))) => {
            let mut applied = model.clone();
            applied.apply(&op, scenario);
            // Keys the in-flight operation touches: they decide whether it was applied.
            let touched: Vec<i64> = match op {
                Op::Upsert(s) => batch_rows(s, scenario).into_iter().map(|r| r.0).collect(),
                Op::Delete(s) => delete_keys(s, scenario),
                _ => unreachable!("matched above"),
            };
            let matches = |m: &Model| touched.iter().filter(|k| stored.get(k) == m.rows.get(k)).count();
            let (with_op, without_op) = (matches(&applied), matches(&model));
            if with_op == touched.len() {
                model = applied;
                "in-flight write present"
            } else {
                assert_eq!(
                    without_op,
                    touched.len(),
                    "in-flight {op:?} is partially applied: {with_op} of {} keys as if applied, \
                     {without_op} as if not",
                    touched.len()
                );
                "in-flight write absent"
            }
        }
        Some(Op::Flush | Op::Compact) => "flush/compact in flight",
        Some(op @ (Op::CreateIndex(_) | Op::DropIndex)) => {
            let mut applied = model.clone();
            applied.apply(&op, scenario);
            let index = stored_index(db);
            assert!(
                index == model.index || index == applied.index,
                "in-flight {op:?} left index {index:?}: neither {:?} (before) nor {:?} (after)",
                model.index,
                applied.index
            );
            let present = index == applied.index;
            model.index = index;
            if present { "in-flight index change present" } else { "in-flight index change absent" }
        }
    };
    for k in &all {
        assert_eq!(
            stored.get(k),
            model.rows.get(k),
            "key {k}: stored value differs from the last acknowledged write"
        );
    }
    assert_eq!(stored.len(), model.rows.len());
    assert_eq!(db.count(COLLECTION, &[]).unwrap(), model.rows.len() as u64);
    // No key appears twice in a full scan either.
    let scan = db.iterate(COLLECTION, &[], &[], Some(scenario.key_space() + 1), 0).unwrap();
    let mut ids = int64_column(&scan, "ID");
    ids.sort_unstable();
    assert!(ids.iter().copied().eq(model.rows.keys().copied()), "full scan differs from the model");
    assert_eq!(stored_index(db), model.index, "the index differs from the acknowledged one");
    check_queries(db, &model);
    (model, resolution)
}

/// Filtered count and query agree with the model.
fn check_queries(db: &Database, model: &Model) {
    let below = |t: f64| model.rows.iter().filter(move |(_, r)| r.0 < t).map(|(k, _)| *k);
    assert_eq!(db.count_where(COLLECTION, &[], "random < 0.5").unwrap(), below(0.5).count() as u64);
    let r = db.query(COLLECTION, &[], "random < 0.1", &["random"], None, 0).unwrap();
    let mut ids = int64_column(&r, "ID");
    ids.sort_unstable();
    assert!(ids.iter().copied().eq(below(0.1)), "query `random < 0.1` differs from the model");
}

fn l2(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum()
}

/// Top-k L2 searches (random queries and stored vectors) agree with the model: every hit a live
/// key, scored with its acknowledged vector, in order; exactly the model's top-k without an
/// index or with IVF_FLAT (all lists probed), at least [`HNSW_MIN_RECALL`] of it with HNSW.
fn check_search(db: &Database, scenario: Scenario, model: &Model, rng: &mut StdRng) {
    let dim = scenario.dim();
    let live: Vec<&Row> = model.rows.values().collect();
    let mut queries: Vec<Vec<f32>> = (0..4).map(|_| random_vector(rng, dim)).collect();
    if !live.is_empty() {
        queries.extend((0..2).map(|_| live[rng.random_range(0..live.len())].1.clone()));
    }
    let flat: Vec<f32> = queries.concat();
    let params =
        SearchParams { ef: Some(HNSW_EF), nprobe: Some(IVF_NLIST as usize), drop_ratio_search: None };
    let request = SearchRequest::new(&flat, TOPK, Metric::L2).params(params);
    let results = db.search(&Context::background(), COLLECTION, &request).unwrap();
    assert_eq!(results.len(), queries.len());
    let (mut found, mut wanted) = (0, 0);
    for (q, hits) in queries.iter().zip(&results) {
        let mut exact: Vec<(f64, i64)> = model.rows.iter().map(|(k, r)| (l2(q, &r.1), *k)).collect();
        exact.sort_by(|a, b| a.0.total_cmp(&b.0));
        exact.truncate(TOPK);
        let PrimaryKeys::Int(ids) = &hits.ids else { panic!("int64 keys expected") };
        assert_eq!(
            ids.len(),
            exact.len(),
            "search returned {} hits, the model has {}",
            ids.len(),
            exact.len()
        );
        let tolerance = |d: f64| 1e-3 + 1e-4 * d;
        let mut seen = HashSet::new();
        for (i, (id, score)) in ids.iter().zip(&hits.scores).enumerate() {
            let row = model.rows.get(id).unwrap_or_else(|| panic!("search hit {id} is not a live key"));
            let d = l2(q, &row.1);
            assert!((f64::from(*score) - d).abs() <= tolerance(d), "hit {id}: score {score}, distance {d}");
            assert!(seen.insert(*id), "search returned key {id} twice");
            assert!(i == 0 || hits.scores[i - 1] <= *score, "scores out of order: {:?}", hits.scores);
        }
        if model.index == Some(IndexKind::Hnsw) {
            found += exact.iter().filter(|(_, k)| seen.contains(k)).count();
            wanted += exact.len();
        } else {
            for ((d, _), score) in exact.iter().zip(&hits.scores) {
                assert!(
                    (f64::from(*score) - d).abs() <= tolerance(*d),
                    "exact top-{TOPK}: {exact:?}, got {hits:?}"
                );
            }
        }
    }
    let recall = if wanted == 0 { 1.0 } else { found as f64 / wanted as f64 };
    assert!(recall >= HNSW_MIN_RECALL, "HNSW recall {recall} below {HNSW_MIN_RECALL}");
}

/// When the parent kills the writer.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after the writer is ready.
    After(Duration),
    /// At a random point of the `nth` (1 = the first) operation of kind `op`: after a random
    /// share of the longest duration a whole one took. Earlier ones, and any while no duration
    /// has been measured yet, run to completion (and are measured); so does one that finishes
    /// before its kill time, and the next one is the target.
    During { op: Op, nth: usize },
    /// As soon as a file whose name ends with `suffix` appears for the `nth` time (1 = the
    /// first) in the database or collection directory: a temp file, i.e. while it is written.
    OnFile { suffix: &'static str, nth: usize },
}

/// Kills the writer if the parent panics before its SIGKILL, so that no writer outlives the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Opens `dir`, waiting while its lock is held elsewhere. The tests of this file run in parallel
/// threads that each spawn writers: a child forked by one thread holds copies of the descriptors
/// the parent had open, another test's lock file included, until it execs, so a lock released a
/// moment ago can still be held for that moment.
fn open_when_free(dir: impl AsRef<Path>, options: Options) -> Database {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match Database::open(dir.as_ref(), options.clone()) {
            Err(veclite::Error::Locked(_)) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.unwrap(),
        }
    }
}

/// Longest wait for the writer to reach the moment a [`Kill`] waits for.
const KILL_DEADLINE: Duration = Duration::from_secs(60);

/// Names of the files in the database directory and its collection directories.
fn file_names(dir: &Path) -> Vec<String> {
    dir_files(dir).into_iter().map(|(name, _)| name).collect()
}

/// The files in the database directory and its collection directories, with their modification
/// times.
fn dir_files(dir: &Path) -> Vec<(String, Option<std::time::SystemTime>)> {
    let list = |d: &Path| -> Vec<std::fs::DirEntry> {
        std::fs::read_dir(d).map(|entries| entries.flatten().collect()).unwrap_or_default()
    };
    let collections = list(&dir.join("collections"));
    list(dir)
        .into_iter()
        .chain(collections.iter().flat_map(|c| list(&c.path())))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().and_then(|m| m.modified()).ok()))
        .collect()
}

/// What a temp file named `name` was going to be (`MANIFEST`, `s<id>.seg`, `s<id>-f<field>.idx`
/// or `s<id>-<generation>.del`), or `None` for other files.
fn temp_file_kind(name: &str) -> Option<&'static str> {
    let stem = name.strip_suffix(".tmp")?;
    Some(if stem == "MANIFEST" {
        "manifest"
    } else if stem.ends_with(".seg") {
        "segment"
    } else if stem.rsplit_once('-').is_some_and(|(_, last)| last.starts_with('f')) {
        "index"
    } else {
        "deletes"
    })
}

/// State carried from round to round of one scenario.
struct Rounds {
    scenario: Scenario,
    dir: std::path::PathBuf,
    model: Model,
    /// The longest a whole operation of each kind a [`Kill::During`] waited for took.
    op_durations: BTreeMap<String, Duration>,
    acked: usize,
    resolutions: BTreeMap<&'static str, usize>,
    /// Kills that left a temp file behind (killed while writing it), by kind of file.
    temp_left: BTreeMap<&'static str, usize>,
    /// Kills aimed at an operation or a file ([`Kill::During`], [`Kill::OnFile`]), and how many
    /// of them landed while it was still in flight (the file still a temp file).
    targeted: usize,
    inside: usize,
}

impl Rounds {
    /// Creates the collection (and preloads rows) in a fresh database under `tmp`.
    fn new(scenario: Scenario, tmp: &Path) -> Rounds {
        let dir = tmp.join("db");
        let db = open_when_free(&dir, scenario.options(SyncPolicy::EveryWrite));
        db.create_collection(scenario.schema()).unwrap();
        let mut model = Model::default();
        if scenario.preload() {
            let mut rng = StdRng::seed_from_u64(0x9e10ad);
            let keys: Vec<i64> = (0..scenario.key_space() as i64).collect();
            for chunk in keys.chunks(1_000) {
                let rows: Vec<(i64, Row)> = chunk
                    .iter()
                    .map(|&k| (k, (rng.random::<f64>(), random_vector(&mut rng, scenario.dim()))))
                    .collect();
                db.upsert(COLLECTION, "", upsert_columns(&rows, scenario.dim())).unwrap();
                model.rows.extend(rows);
            }
            db.flush(COLLECTION).unwrap();
        }
        db.close().unwrap();
        Rounds {
            scenario,
            dir,
            model,
            op_durations: BTreeMap::new(),
            acked: 0,
            resolutions: BTreeMap::new(),
            temp_left: BTreeMap::new(),
            targeted: 0,
            inside: 0,
        }
    }

    /// Runs one writer with seed `seed` under `sync`, kills it as `kill` says, reopens and
    /// verifies. Returns how the kill landed.
    fn round(&mut self, seed: u64, sync: SyncPolicy, kill: Kill, rng: &mut StdRng) -> String {
        let before: HashSet<_> = dir_files(&self.dir).into_iter().collect();
        let mut child = KillOnDrop(
            Command::new(std::env::current_exe().unwrap())
                .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
                .env(CHILD_ENV, &self.dir)
                .env(SEED_ENV, seed.to_string())
                .env(SCENARIO_ENV, self.scenario.name())
                .env(SYNC_ENV, sync_name(sync))
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap(),
        );
        let stdout = child.0.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            let mut r = BufReader::new(stdout);
            let mut buf = String::new();
            // A killed writer may leave a last line without its newline: ignore it.
            while r.read_line(&mut buf).unwrap_or(0) > 0 {
                // The test harness may print `test crash_child ... ` on the same line first.
                if buf.ends_with('\n')
                    && let Some(at) = buf.find("OP ")
                {
                    let op = buf[at + 3..].trim_end().to_owned();
                    let _ = tx.send(op.clone());
                    lines.push(op);
                }
                buf.clear();
            }
            lines
        });
        let ready = rx.recv_timeout(Duration::from_secs(30)).expect("the writer did not open the database");
        assert_eq!(ready, "ready");
        let landed = self.wait_for_kill(kill, &rx, rng);
        child.0.kill().unwrap();
        let status = child.0.wait().unwrap();
        let lines = reader.join().unwrap();
        assert!(!status.success(), "the writer exited on its own (it must loop until killed): {lines:?}");
        let written: Vec<String> =
            dir_files(&self.dir).into_iter().filter(|f| !before.contains(f)).map(|(name, _)| name).collect();
        for kind in written.iter().filter_map(|name| temp_file_kind(name)) {
            *self.temp_left.entry(kind).or_default() += 1;
        }

        let mut pending = None;
        for line in lines.iter().skip(1) {
            if line == "ok" {
                let op = pending.take().expect("`ok` without `begin`");
                self.model.apply(&op, self.scenario);
                self.acked += 1;
            } else if let Some(rest) = line.strip_prefix("begin ") {
                assert!(pending.is_none(), "two `begin` lines in a row");
                pending = Some(Op::parse(rest));
            } else {
                panic!("unexpected child line {line:?}");
            }
        }
        // The target may end between the decision to kill and the kill: counted, not failed.
        let inside = match kill {
            Kill::After(_) => None,
            Kill::During { op, .. } => Some(pending.is_some_and(|p| p.is_a(&op))),
            Kill::OnFile { suffix, .. } => Some(written.iter().any(|n| n.ends_with(suffix))),
        };
        if let Some(inside) = inside {
            self.targeted += 1;
            self.inside += usize::from(inside);
        }
        self.reopen_and_verify(sync, pending, rng);
        landed
    }

    /// Waits until the moment `kill` names; describes it.
    fn wait_for_kill(&mut self, kill: Kill, rx: &Receiver<String>, rng: &mut StdRng) -> String {
        let deadline = Instant::now() + KILL_DEADLINE;
        match kill {
            Kill::After(after) => {
                std::thread::sleep(after);
                format!("after {after:?}")
            }
            Kill::During { op, nth } => {
                let mut occurrence = 0;
                loop {
                    let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
                    let line = line.unwrap_or_else(|e| panic!("the writer began no {op} ({e})"));
                    let Some(began) = line.strip_prefix("begin ").map(Op::parse) else { continue };
                    if !began.is_a(&op) {
                        continue;
                    }
                    occurrence += 1;
                    let start = Instant::now();
                    let key = op.to_string();
                    let target = self.op_durations.get(&key).filter(|_| occurrence >= nth).copied();
                    let share = rng.random_range(0.0..1.0);
                    let wait = target.map_or(deadline.saturating_duration_since(start), |d| d.mul_f64(share));
                    match rx.recv_timeout(wait) {
                        Err(RecvTimeoutError::Timeout) if let Some(expected) = target => {
                            break format!(
                                "{:.0}% into a {began} expected to take {expected:.1?}",
                                share * 100.0
                            );
                        }
                        Err(e) => panic!("no end of {began} ({e})"),
                        Ok(line) => {
                            assert_eq!(line, "ok", "unexpected line during {began}");
                            let longest = self.op_durations.entry(key).or_default();
                            *longest = (*longest).max(start.elapsed());
                        }
                    }
                }
            }
            Kill::OnFile { suffix, nth } => {
                let (mut seen, mut present) = (0, false);
                loop {
                    let name = file_names(&self.dir).into_iter().find(|n| n.ends_with(suffix));
                    if name.is_some() && !present {
                        seen += 1;
                    }
                    present = name.is_some();
                    if let Some(name) = name.filter(|_| seen == nth) {
                        break format!("while {name} existed (appearance {nth})");
                    }
                    assert!(Instant::now() < deadline, "{seen} of {nth} {suffix} files in {KILL_DEADLINE:?}");
                    std::thread::sleep(Duration::from_micros(100));
                }
            }
        }
    }

    fn reopen_and_verify(&mut self, sync: SyncPolicy, pending: Option<Op>, rng: &mut StdRng) {
        let db = open_when_free(&self.dir, self.scenario.options(sync));
        let temps: Vec<String> = file_names(&self.dir)
            .into_iter()
            .filter(|n| n.ends_with(".tmp") && n != "MANIFEST.tmp")
            .collect();
        assert!(temps.is_empty(), "temp files left after reopen: {temps:?}");
        let (model, resolution) = verify(&db, self.scenario, std::mem::take(&mut self.model), pending);
        self.model = model;
        *self.resolutions.entry(resolution).or_default() += 1;
        check_search(&db, self.scenario, &self.model, rng);
        if self.model.index.is_some() {
            // An index whose build was cut short is completed by the next flush, and searched.
            db.flush(COLLECTION).unwrap();
            let info = db.describe_index(COLLECTION, Some("embeddings")).unwrap();
            assert!(info[0].finished(), "the index is not built after a flush: {info:?}");
            check_search(&db, self.scenario, &self.model, rng);
        }
        let (sealed, _) = db.collection(COLLECTION).unwrap().segment_counts();
        if sealed > 64 {
            // Keeps reopening fast when every write seals.
            db.compact(COLLECTION).unwrap();
        }
        db.close().unwrap();
    }

    fn summary(&self, rounds: usize, started: Instant) -> String {
        let aimed = if self.targeted == 0 {
            String::new()
        } else {
            format!(" ({} of {} aimed kills inside their target)", self.inside, self.targeted)
        };
        format!(
            "{}: {rounds} kills in {:.1?}{aimed}, {} operations acknowledged, {} live keys, {:?}, temp \
             files left behind {:?}, longest whole operations {:?}",
            self.scenario.name(),
            started.elapsed(),
            self.acked,
            self.model.rows.len(),
            self.resolutions,
            self.temp_left,
            self.op_durations
        )
    }
}

fn rounds_of(scenario: Scenario) -> usize {
    let mixed: usize = std::env::var("VECLITE_CRASH_ROUNDS").ok().map_or(20, |v| v.parse().unwrap());
    if scenario == Scenario::Mixed { mixed } else { mixed.div_ceil(2) }
}

fn base_seed(scenario: Scenario) -> u64 {
    let base: u64 = std::env::var("VECLITE_CRASH_BASE_SEED").ok().map_or(0x5eed_c0de, |v| v.parse().unwrap());
    base ^ ((scenario as u64) << 32)
}

/// Runs the rounds of `scenario`; `plan(round, rng)` gives each round's sync policy and kill.
fn run_scenario(scenario: Scenario, mut plan: impl FnMut(usize, &mut StdRng) -> (SyncPolicy, Kill)) {
    let started = Instant::now();
    let rounds = rounds_of(scenario);
    let tmp = tempfile::tempdir().unwrap();
    let mut state = Rounds::new(scenario, tmp.path());
    let mut rng = StdRng::seed_from_u64(base_seed(scenario));
    for round in 0..rounds {
        let (sync, kill) = plan(round, &mut rng);
        let landed = state.round(rng.random(), sync, kill, &mut rng);
        eprintln!(
            "{} round {round} ({}): killed {landed}; {} live keys, index {:?}",
            scenario.name(),
            sync_name(sync),
            state.model.rows.len(),
            state.model.index
        );
    }
    assert!(
        state.acked >= rounds,
        "the writer acknowledged only {} operations in {rounds} rounds",
        state.acked
    );
    assert!(
        state.inside * 2 >= state.targeted,
        "only {} of {} aimed kills landed inside their target",
        state.inside,
        state.targeted
    );
    // The lock is released by the killed writer: a plain open works and the status is OK.
    let db = open_when_free(&state.dir, scenario.options(SyncPolicy::EveryWrite));
    assert_eq!(db.count(COLLECTION, &[]).unwrap(), state.model.rows.len() as u64);
    db.close().unwrap();
    eprintln!("{}", state.summary(rounds, started));
}

#[test]
fn crash_kill_reopen_rounds() {
    run_scenario(Scenario::Mixed, |_, rng| {
        (SyncPolicy::EveryWrite, Kill::After(Duration::from_millis(rng.random_range(30..900))))
    });
}

#[test]
fn crash_during_automatic_seal() {
    run_scenario(Scenario::Seal, |round, rng| {
        let sync = SYNC_POLICIES[round % SYNC_POLICIES.len()];
        let suffix = if round % 2 == 0 { ".seg.tmp" } else { "MANIFEST.tmp" };
        (sync, Kill::OnFile { suffix, nth: rng.random_range(1..=8) })
    });
}

#[test]
fn crash_during_flush() {
    run_scenario(Scenario::Flush, |round, rng| {
        let sync = SYNC_POLICIES[round % SYNC_POLICIES.len()];
        (sync, Kill::During { op: Op::Flush, nth: rng.random_range(1..=3) })
    });
}

#[test]
fn crash_during_compaction() {
    run_scenario(Scenario::Compaction, |round, rng| {
        let sync = SYNC_POLICIES[round % SYNC_POLICIES.len()];
        (sync, Kill::During { op: Op::Compact, nth: rng.random_range(1..=3) })
    });
}

#[test]
fn crash_during_index_build() {
    run_scenario(Scenario::IndexBuild, |round, _| {
        let kill = match round % 3 {
            0 => Kill::During { op: Op::CreateIndex(IndexKind::Hnsw), nth: 1 },
            1 => Kill::During { op: Op::CreateIndex(IndexKind::Ivf), nth: 1 },
            // While an index file (of field 2, `embeddings`) is written, by whichever build.
            _ => Kill::OnFile { suffix: "-f2.tmp", nth: 1 },
        };
        (SYNC_POLICIES[round / 3 % SYNC_POLICIES.len()], kill)
    });
}
