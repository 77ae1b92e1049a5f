//! Scalar index benchmark: filters with and without scalar indexes over one flushed,
//! memory-mapped sealed segment.
//!
//! Builds (once per run, in a temp dir) two collections holding the same 1,000,000 rows — `id`
//! Int64 primary key, `num` Int64 uniform in 0..1,000,000, `tag` VarChar `t0`..`t999`, `flag`
//! Bool (half true), `v` FloatVector(16) — one without scalar indexes (`scan`) and one with
//! INVERTED on `num`, Trie on `tag` and BITMAP on `flag` (`indexed`). Each filter is timed on
//! both, interleaved run by run (medians of `RUNS`), so machine noise hits both sides alike:
//! - `count(*)` with the filter (evaluation and counting only);
//! - a filtered exact top-10 L2 search (the filter's bitset, then the scan of allowed rows).
//!
//! `cargo bench --bench scalar_index`. `SCALAR_BENCH_ROWS=100000` shrinks the collections for a
//! smoke test. Prints `uptime` load averages next to the table: the machine is shared.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, Metric, Options, Schema, SearchRequest, SyncPolicy,
};

const DIM: usize = 16;
const INSERT_BATCH: usize = 100_000;
const RUNS: usize = 9;
const SEED: u64 = 20261207;
const INDEXES: [(&str, &str); 3] = [("num", "INVERTED"), ("tag", "Trie"), ("flag", "BITMAP")];

fn schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("num", FieldType::Int64))
        .field(Field::new("tag", FieldType::VarChar { max_length: 8 }))
        .field(Field::new("flag", FieldType::Bool))
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .expect("schema")
}

fn batch(rng: &mut StdRng, first: usize, n: usize) -> Vec<Column> {
    vec![
        Column::int64("id", (first..first + n).map(|i| i as i64).collect()),
        Column::int64("num", (0..n).map(|_| rng.random_range(0..1_000_000)).collect()),
        Column::varchar("tag", (0..n).map(|_| format!("t{}", rng.random_range(0..1000))).collect::<Vec<_>>()),
        Column::bool("flag", (0..n).map(|_| rng.random_bool(0.5)).collect()),
        Column::float_vector("v", DIM, (0..n * DIM).map(|_| rng.random_range(-1.0..1.0)).collect()),
    ]
}

/// Creates both collections with the same rows, flushes them and builds the indexes.
fn build(db: &Database, rows: usize) -> Duration {
    let t = Instant::now();
    for name in ["scan", "indexed"] {
        db.create_collection(schema(name)).expect("create");
        let mut rng = StdRng::seed_from_u64(SEED);
        for first in (0..rows).step_by(INSERT_BATCH) {
            db.insert(name, "", batch(&mut rng, first, INSERT_BATCH.min(rows - first))).expect("insert");
        }
        db.flush(name).expect("flush");
    }
    for (field, index_type) in INDEXES {
        db.create_milvus_index(&Context::background(), "indexed", field, "", index_type, "", &[])
            .expect("index");
    }
    t.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Median time of `op` on the scan and the indexed collection, interleaved; checks both return
/// the same value.
fn side_by_side<T: PartialEq + std::fmt::Debug>(op: impl Fn(&str) -> T) -> (Duration, Duration, T) {
    let (mut scan, mut indexed) = (Vec::new(), Vec::new());
    let mut result = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let a = op("scan");
        scan.push(t.elapsed());
        let t = Instant::now();
        let b = op("indexed");
        indexed.push(t.elapsed());
        assert_eq!(a, b, "the index changed the result");
        result = Some(a);
    }
    (median(scan), median(indexed), result.expect("RUNS > 0"))
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn main() {
    let rows: usize =
        std::env::var("SCALAR_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let options = Options {
        sync: SyncPolicy::None,
        seal_threshold_bytes: 1 << 30,
        worker_threads: 1,
        ..Options::default()
    };
    let db = Database::open(dir.path(), options).expect("open");
    let built = build(&db, rows);
    println!("{rows} rows, 2 collections, built and indexed in {:.1} s", built.as_secs_f64());
    print_load(dir.path());

    let filters = [
        ("Int64 selective", "num == 424242"),
        ("Int64 in (5 values)", "num in [1, 10, 100, 1000, 10000]"),
        ("Int64 range 0.1 %", "num >= 500000 and num < 501000"),
        ("Int64 range 50 %", "num < 500000"),
        ("VarChar selective", "tag == \"t17\""),
        ("VarChar prefix ~11 %", "tag like \"t1%\""),
        ("VarChar broad", "tag != \"t17\""),
        ("Bool 50 %", "flag == true"),
        ("Int64 0.1 % and Bool", "num < 1000 and flag"),
    ];
    println!("\ncount(*) with the filter, median of {RUNS} interleaved runs");
    println!("| filter | expr | rows | scan ms | indexed ms | scan / indexed |");
    println!("|---|---|---:|---:|---:|---:|");
    for (label, expr) in filters {
        let (scan, indexed, n) = side_by_side(|c| db.count_where(c, &[], expr).expect("count"));
        let ratio = scan.as_secs_f64() / indexed.as_secs_f64();
        println!("| {label} | `{expr}` | {n} | {} | {} | {ratio:.1}x |", ms(scan), ms(indexed));
    }

    let mut rng = StdRng::seed_from_u64(SEED + 1);
    let query: Vec<f32> = (0..DIM).map(|_| rng.random_range(-1.0..1.0)).collect();
    println!("\nfiltered exact top-10 L2 search (one query, 1 thread), median of {RUNS} interleaved runs");
    println!("| filter | expr | scan ms | indexed ms | scan / indexed |");
    println!("|---|---|---:|---:|---:|");
    for (label, expr) in [
        ("Int64 selective", "num == 424242"),
        ("Int64 range 0.1 %", "num >= 500000 and num < 501000"),
        ("VarChar selective", "tag == \"t17\""),
        ("VarChar prefix ~11 %", "tag like \"t1%\""),
        ("Bool 50 %", "flag == true"),
    ] {
        let (scan, indexed, _) = side_by_side(|c| {
            let mut request = SearchRequest::new(&query, 10, Metric::L2);
            request.filter = expr.to_owned();
            let hits = db.search(&Context::background(), c, &request).expect("search");
            format!("{:?}", hits[0].ids)
        });
        let ratio = scan.as_secs_f64() / indexed.as_secs_f64();
        println!("| {label} | `{expr}` | {} | {} | {ratio:.1}x |", ms(scan), ms(indexed));
    }
    print_load(dir.path());
    db.close().expect("close");
}

fn print_load(dir: &Path) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let size: u64 = walk(dir);
    println!(
        "load averages: {} (data dir {:.0} MiB)",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        size as f64 / 1048576.0
    );
}

fn walk(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => walk(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
