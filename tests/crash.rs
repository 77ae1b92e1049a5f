//! Crash consistency under the default sync policy (fsync on every write).
//!
//! The test re-executes its own binary as a writer process (`crash_child`, active only when
//! `VECLITE_CRASH_CHILD` names a directory). The writer upserts seeded random batches in a loop,
//! sometimes deletes, flushes or compacts, and prints a `begin` line before and an `ok` line after
//! every operation. The parent kills it with SIGKILL at random moments, reopens the database and
//! checks it against a model built from the acknowledged operations: exact values for every key,
//! deleted keys absent, the in-flight operation entirely applied or entirely absent, and `count`
//! equal to the number of live keys.
//!
//! `VECLITE_CRASH_ROUNDS` sets the number of kills (default 20).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{Column, ColumnData, Database, Field, FieldType, Options, PrimaryKeys, Schema};

const COLLECTION: &str = "crash";
const DIM: usize = 8;
const KEY_SPACE: usize = 2_000;
const CHILD_ENV: &str = "VECLITE_CRASH_CHILD";
const SEED_ENV: &str = "VECLITE_CRASH_SEED";

type Row = (f64, Vec<f32>);

fn options() -> Options {
    Options {
        // Small, so that writes auto-seal into many small segments (and compaction triggers).
        seal_threshold_bytes: 48 << 10,
        ..Options::default()
    }
}

fn schema() -> Schema {
    Schema::builder(COLLECTION)
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

/// The rows of the upsert batch with seed `seed`: 1..=300 distinct keys in `0..KEY_SPACE`.
fn batch_rows(seed: u64) -> Vec<(i64, Row)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rng.random_range(1..=300);
    rand::seq::index::sample(&mut rng, KEY_SPACE, n)
        .into_iter()
        .map(|k| {
            let random = rng.random::<f64>();
            let v: Vec<f32> = (0..DIM).map(|_| rng.random_range(-1.0..1.0)).collect();
            (k as i64, (random, v))
        })
        .collect()
}

/// The keys of the delete with seed `seed` (some may not exist).
fn delete_keys(seed: u64) -> Vec<i64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rng.random_range(1..=100);
    rand::seq::index::sample(&mut rng, KEY_SPACE, n).into_iter().map(|k| k as i64).collect()
}

fn upsert_columns(rows: &[(i64, Row)]) -> Vec<Column> {
    vec![
        Column::int64("ID", rows.iter().map(|r| r.0).collect()),
        Column::double("random", rows.iter().map(|r| r.1.0).collect()),
        Column::float_vector("embeddings", DIM, rows.iter().flat_map(|r| r.1.1.iter().copied()).collect()),
    ]
}

/// The writer process. Does nothing unless started by `crash_kill_reopen_rounds`.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let seed: u64 = std::env::var(SEED_ENV).unwrap().parse().unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let db = Database::open(&dir, options()).unwrap();
    let out = std::io::stdout();
    let say = |line: String| {
        let mut o = out.lock();
        writeln!(o, "OP {line}").unwrap();
        o.flush().unwrap();
    };
    say("ready".into());
    loop {
        let op_seed: u64 = rng.random();
        match rng.random_range(0..100) {
            0..80 => {
                say(format!("begin upsert {op_seed}"));
                let rows = batch_rows(op_seed);
                let r = db.upsert(COLLECTION, "", upsert_columns(&rows)).unwrap();
                assert_eq!(r.upsert_count as usize, rows.len());
            }
            80..92 => {
                say(format!("begin delete {op_seed}"));
                let keys = delete_keys(op_seed);
                db.delete_by_pks(COLLECTION, "", &PrimaryKeys::Int(keys)).unwrap();
            }
            92..98 => {
                say("begin flush".into());
                db.flush(COLLECTION).unwrap();
            }
            _ => {
                say("begin compact".into());
                db.compact(COLLECTION).unwrap();
            }
        }
        say("ok".into());
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Upsert(u64),
    Delete(u64),
    Maintenance,
}

fn parse_begin(rest: &str) -> Op {
    let mut parts = rest.split(' ');
    match (parts.next(), parts.next()) {
        (Some("upsert"), Some(s)) => Op::Upsert(s.parse().unwrap()),
        (Some("delete"), Some(s)) => Op::Delete(s.parse().unwrap()),
        (Some("flush" | "compact"), None) => Op::Maintenance,
        other => panic!("unexpected child line: begin {other:?}"),
    }
}

fn apply(model: &mut BTreeMap<i64, Row>, op: &Op) {
    match op {
        Op::Upsert(seed) => {
            for (k, row) in batch_rows(*seed) {
                model.insert(k, row);
            }
        }
        Op::Delete(seed) => {
            for k in delete_keys(*seed) {
                model.remove(&k);
            }
        }
        Op::Maintenance => {}
    }
}

/// The values stored for `keys`, or `None` for absent keys, in key order.
fn read_keys(db: &Database, keys: &[i64]) -> BTreeMap<i64, Row> {
    let r = db.get(COLLECTION, &[], &PrimaryKeys::Int(keys.to_vec()), &["random", "embeddings"]).unwrap();
    let ids = match r.column("ID").unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("ID column of unexpected type {other:?}"),
    };
    let randoms = match r.column("random").unwrap().data() {
        ColumnData::Double(v) => v.clone(),
        other => panic!("random column of unexpected type {other:?}"),
    };
    let vectors = match r.column("embeddings").unwrap().data() {
        ColumnData::FloatVector { dim, data } => {
            assert_eq!(*dim, DIM);
            data.clone()
        }
        other => panic!("embeddings column of unexpected type {other:?}"),
    };
    let mut out = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        let prev = out.insert(*id, (randoms[i], vectors[i * DIM..(i + 1) * DIM].to_vec()));
        assert!(prev.is_none(), "key {id} returned twice by one get");
    }
    out
}

/// Checks the reopened database against `model` (the acknowledged operations) and resolves the
/// in-flight operation `pending`: it must be entirely applied or entirely absent. Returns the
/// model after that resolution.
fn verify(
    db: &Database,
    mut model: BTreeMap<i64, Row>,
    pending: Option<Op>,
) -> (BTreeMap<i64, Row>, &'static str) {
    let mut resolution = "none in flight";
    let all: Vec<i64> = (0..KEY_SPACE as i64).collect();
    let stored = read_keys(db, &all);
    if let Some(op) = pending {
        let mut applied = model.clone();
        apply(&mut applied, &op);
        // Keys the in-flight operation touches: they decide whether it was applied.
        let touched: Vec<i64> = match &op {
            Op::Upsert(s) => batch_rows(*s).into_iter().map(|r| r.0).collect(),
            Op::Delete(s) => delete_keys(*s),
            Op::Maintenance => Vec::new(),
        };
        let matches = |m: &BTreeMap<i64, Row>| touched.iter().filter(|k| stored.get(k) == m.get(k)).count();
        let (with_op, without_op) = (matches(&applied), matches(&model));
        if touched.is_empty() {
            resolution = "flush/compact in flight";
        } else if with_op == touched.len() {
            model = applied;
            resolution = "in-flight op present";
        } else {
            resolution = "in-flight op absent";
            assert_eq!(
                without_op,
                touched.len(),
                "in-flight {op:?} is partially applied: {with_op} of {} keys as if applied, \
                 {without_op} as if not",
                touched.len()
            );
        }
    }
    for k in &all {
        assert_eq!(
            stored.get(k),
            model.get(k),
            "key {k}: stored value differs from the last acknowledged write"
        );
    }
    assert_eq!(stored.len(), model.len());
    assert_eq!(db.count(COLLECTION, &[]).unwrap(), model.len() as u64);
    // No key appears twice in a full scan either.
    let scan = db.iterate(COLLECTION, &[], &[], Some(KEY_SPACE + 1), 0).unwrap();
    let mut ids = match scan.column("ID").unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("ID column of unexpected type {other:?}"),
    };
    ids.sort_unstable();
    let expect: Vec<i64> = model.keys().copied().collect();
    assert_eq!(ids, expect, "full scan differs from the model");
    (model, resolution)
}

/// Kills the writer if the parent panics before its SIGKILL, so that no writer outlives the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run_round(
    dir: &Path,
    seed: u64,
    kill_after: Duration,
    model: BTreeMap<i64, Row>,
) -> (BTreeMap<i64, Row>, usize, &'static str) {
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, dir)
            .env(SEED_ENV, seed.to_string())
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
                let op = buf[at + 3..].trim_end();
                if op == "ready" {
                    let _ = tx.send(String::new());
                }
                lines.push(op.to_owned());
            }
            buf.clear();
        }
        lines
    });
    rx.recv_timeout(Duration::from_secs(30)).expect("the writer did not open the database");
    std::thread::sleep(kill_after);
    child.0.kill().unwrap();
    let status = child.0.wait().unwrap();
    let lines = reader.join().unwrap();
    assert!(!status.success(), "the writer exited on its own (it must loop until killed): {lines:?}");

    let mut model = model;
    let mut pending = None;
    let mut acked = 0;
    for line in lines.iter().skip(1) {
        if line == "ok" {
            let op = pending.take().expect("`ok` without `begin`");
            apply(&mut model, &op);
            acked += 1;
        } else if let Some(rest) = line.strip_prefix("begin ") {
            assert!(pending.is_none(), "two `begin` lines in a row");
            pending = Some(parse_begin(rest));
        } else {
            panic!("unexpected child line {line:?}");
        }
    }
    let db = Database::open(dir, options()).unwrap();
    let (model, resolution) = verify(&db, model, pending);
    db.close().unwrap();
    (model, acked, resolution)
}

#[test]
fn crash_kill_reopen_rounds() {
    let rounds: usize = std::env::var("VECLITE_CRASH_ROUNDS").ok().map_or(20, |v| v.parse().unwrap());
    let base_seed: u64 =
        std::env::var("VECLITE_CRASH_BASE_SEED").ok().map_or(0x5eed_c0de, |v| v.parse().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    {
        let db = Database::open(&dir, options()).unwrap();
        db.create_collection(schema()).unwrap();
        db.close().unwrap();
    }
    let mut rng = StdRng::seed_from_u64(base_seed);
    let mut model = BTreeMap::new();
    let mut total_acked = 0;
    for round in 0..rounds {
        let kill_after = Duration::from_millis(rng.random_range(30..900));
        let (m, acked, resolution) = run_round(&dir, rng.random(), kill_after, model);
        model = m;
        total_acked += acked;
        eprintln!(
            "round {round}: killed after {kill_after:?}, {acked} ops acknowledged, {resolution}, \
             {} live keys",
            model.len()
        );
    }
    assert!(
        total_acked >= rounds,
        "the writer acknowledged only {total_acked} operations in {rounds} rounds"
    );
    // The lock is released by the killed writer: a plain open works and the status is OK.
    let db = Database::open(&dir, options()).unwrap();
    assert_eq!(db.count(COLLECTION, &[]).unwrap(), model.len() as u64);
    db.close().unwrap();
}
