//! Writes, reopen and resident memory at scale: N × 128 rows (default 1,000,000) loaded in
//! batches of 10,000, under each sync policy, each on a fresh database.
//!
//! Per policy: the `load` phase inserts ids `0..N`; the `upsert` phase then overwrites 100,000
//! existing ids in batches of 10,000. Every batch's latency is recorded (vectors are generated
//! before the clock starts). After a flush and close, the database is reopened in a fresh
//! process (this binary re-executed with `--reopen DIR`), which reports the open time, resident
//! memory before and after the first search, the first search's latency, then the first key
//! lookup (a get, which reads the sealed segments' key blocks) and an upsert batch after it.
//!
//! ```text
//! cargo bench --bench scale -- [--rows 1000000[,3000000]] [--sync every_write,interval,none]
//!     [--dir PATH] [--out FILE.json]
//! ```
//! Writes the per-batch latencies and the summary to `--out` (default
//! `target/scale/results.json`); `benches/scale_plot.py` draws the plots and the table from it.
//! The databases live in `--dir` (default: a temp dir) and are removed after each policy.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use veclite::{
    Column, Context, Database, Field, FieldType, Metric, Options, PrimaryKeys, Schema, SearchRequest,
    SyncPolicy,
};

const DIM: usize = 128;
const BATCH: usize = 10_000;
const UPSERT_ROWS: usize = 100_000;
const SEED: u64 = 20_240_601;

struct Args {
    rows: Vec<usize>,
    sync: Vec<String>,
    dir: Option<PathBuf>,
    out: PathBuf,
    reopen: Option<PathBuf>,
}

fn parse_args() -> Args {
    let mut a = Args {
        rows: vec![1_000_000],
        sync: vec!["every_write".into(), "interval".into(), "none".into()],
        dir: None,
        out: PathBuf::from("target/scale/results.json"),
        reopen: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => a.rows = value().split(',').map(|v| v.parse().expect("--rows")).collect(),
            "--sync" => a.sync = value().split(',').map(str::to_owned).collect(),
            "--dir" => a.dir = Some(value().into()),
            "--out" => a.out = value().into(),
            "--reopen" => a.reopen = Some(value().into()),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn policy(name: &str) -> SyncPolicy {
    match name {
        "every_write" => SyncPolicy::EveryWrite,
        "interval" => SyncPolicy::Interval(Duration::from_millis(100)),
        "none" => SyncPolicy::None,
        other => panic!("unknown sync policy {other}"),
    }
}

fn schema() -> Schema {
    Schema::builder("scale")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .expect("schema")
}

fn batch(ids: std::ops::Range<i64>, rng: &mut StdRng) -> Vec<Column> {
    let n = (ids.end - ids.start) as usize;
    vec![
        Column::int64("ID", ids.collect()),
        Column::double("random", (0..n).map(|_| rng.random()).collect()),
        Column::float_vector("embeddings", DIM, (0..n * DIM).map(|_| rng.random::<f32>()).collect()),
    ]
}

/// Upserts batches of ids `ids` (in steps of [`BATCH`]); returns each batch's latency in ms.
fn write_phase(db: &Database, ids: std::ops::Range<i64>, rng: &mut StdRng) -> Vec<f64> {
    let mut latencies = Vec::new();
    let mut start = ids.start;
    while start < ids.end {
        let end = (start + BATCH as i64).min(ids.end);
        let columns = batch(start..end, rng);
        let t = Instant::now();
        db.upsert("scale", "", columns).expect("upsert");
        latencies.push(t.elapsed().as_secs_f64() * 1e3);
        start = end;
    }
    latencies
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Median, p99, max, and the throughput (rows/s) per window of 500,000 rows.
fn summarize(latencies: &[f64]) -> Value {
    let mut sorted = latencies.to_vec();
    sorted.sort_by(f64::total_cmp);
    let per_window = 500_000 / BATCH;
    let windows: Vec<f64> = latencies
        .chunks(per_window)
        .filter(|w| w.len() == per_window)
        .map(|w| (w.len() * BATCH) as f64 / (w.iter().sum::<f64>() / 1e3))
        .collect();
    let total_s = latencies.iter().sum::<f64>() / 1e3;
    let median = percentile(&sorted, 0.5);
    json!({
        "batches": latencies.len(),
        "rows_per_s": (latencies.len() * BATCH) as f64 / total_s,
        "median_ms": median,
        "p99_ms": percentile(&sorted, 0.99),
        "max_ms": sorted[sorted.len() - 1],
        "p99_over_median": percentile(&sorted, 0.99) / median,
        "max_over_median": sorted[sorted.len() - 1] / median,
        "batches_over_5x_median": sorted.iter().filter(|&&l| l > 5.0 * median).count(),
        "window_rows_per_s": windows,
    })
}

/// Resident set size of this process in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// The child process: opens `dir`, reports open time, resident memory and the first search.
fn reopen(dir: &Path) {
    let before = rss_mib();
    let t = Instant::now();
    let db = Database::open(dir, Options::default()).expect("reopen");
    let count = db.count("scale", &[]).expect("count");
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let after_open = rss_mib();
    let query: Vec<f32> = (0..DIM).map(|i| (i % 7) as f32 / 7.0).collect();
    let t = Instant::now();
    let request = SearchRequest::new(&query, 10, Metric::L2);
    let hits = db.search(&Context::background(), "scale", &request).expect("search");
    let search_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    db.search(&Context::background(), "scale", &request).expect("search");
    let second_ms = t.elapsed().as_secs_f64() * 1e3;
    assert!(!hits.is_empty());
    let rss_after_search = rss_mib();
    let t = Instant::now();
    let got = db.get("scale", &[], &PrimaryKeys::Int(vec![count as i64 / 2]), &["ID"]).expect("get");
    let get_ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(got.len(), 1);
    let rss_after_get = rss_mib();
    let mut rng = StdRng::seed_from_u64(SEED + 1);
    let t = Instant::now();
    db.upsert("scale", "", batch(0..BATCH as i64, &mut rng)).expect("upsert");
    let upsert_ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(db.count("scale", &[]).expect("count"), count);
    println!(
        "{}",
        json!({
            "count": count,
            "open_ms": open_ms,
            "rss_start_mib": before,
            "rss_after_open_mib": after_open,
            "first_search_ms": search_ms,
            "second_search_ms": second_ms,
            "rss_after_search_mib": rss_after_search,
            "first_get_ms": get_ms,
            "rss_after_get_mib": rss_after_get,
            "upsert_batch_after_reopen_ms": upsert_ms,
        })
    );
}

fn run_policy(root: &Path, rows: usize, sync: &str) -> Value {
    let dir = root.join(format!("scale-{rows}-{sync}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut rng = StdRng::seed_from_u64(SEED);
    let db = Database::open(&dir, Options { sync: policy(sync), ..Options::default() }).expect("open");
    db.create_collection(schema()).expect("create");
    let t = Instant::now();
    let load = write_phase(&db, 0..rows as i64, &mut rng);
    let load_wall = t.elapsed().as_secs_f64();
    let upsert = write_phase(&db, 0..UPSERT_ROWS.min(rows) as i64, &mut rng);
    let t = Instant::now();
    db.flush("scale").expect("flush");
    let flush_ms = t.elapsed().as_secs_f64() * 1e3;
    db.close().expect("close");
    // A fresh process: the reopen starts from an empty address space (the kernel's page cache
    // stays warm).
    let exe = std::env::current_exe().expect("current exe");
    let out = std::process::Command::new(exe).arg("--reopen").arg(&dir).output().expect("reopen child");
    assert!(out.status.success(), "reopen child failed: {}", String::from_utf8_lossy(&out.stderr));
    let reopened: Value = serde_json::from_slice(&out.stdout).expect("reopen child output");
    let _ = std::fs::remove_dir_all(&dir);
    let result = json!({
        "rows": rows,
        "sync": sync,
        "load": summarize(&load),
        "load_wall_rows_per_s": rows as f64 / load_wall,
        "upsert": summarize(&upsert),
        "flush_ms": flush_ms,
        "reopen": reopened,
        "load_latencies_ms": load,
        "upsert_latencies_ms": upsert,
    });
    eprintln!(
        "{rows} rows, sync {sync}: load {:.0} rows/s (median {:.1} ms, p99 {:.1} ms, max {:.1} ms), \
         upsert {:.0} rows/s (median {:.1} ms, p99 {:.1} ms, max {:.1} ms), reopen {:.0} ms, {:.0} MiB, \
         first search {:.0} ms, first get {:.0} ms",
        result["load"]["rows_per_s"].as_f64().unwrap_or(0.0),
        result["load"]["median_ms"].as_f64().unwrap_or(0.0),
        result["load"]["p99_ms"].as_f64().unwrap_or(0.0),
        result["load"]["max_ms"].as_f64().unwrap_or(0.0),
        result["upsert"]["rows_per_s"].as_f64().unwrap_or(0.0),
        result["upsert"]["median_ms"].as_f64().unwrap_or(0.0),
        result["upsert"]["p99_ms"].as_f64().unwrap_or(0.0),
        result["upsert"]["max_ms"].as_f64().unwrap_or(0.0),
        result["reopen"]["open_ms"].as_f64().unwrap_or(0.0),
        result["reopen"]["rss_after_open_mib"].as_f64().unwrap_or(0.0),
        result["reopen"]["first_search_ms"].as_f64().unwrap_or(0.0),
        result["reopen"]["first_get_ms"].as_f64().unwrap_or(0.0),
    );
    result
}

fn main() {
    let args = parse_args();
    if let Some(dir) = &args.reopen {
        reopen(dir);
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = args.dir.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let mut runs = Vec::new();
    for &rows in &args.rows {
        for sync in &args.sync {
            runs.push(run_policy(&root, rows, sync));
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let result = json!({
        "dim": DIM,
        "batch": BATCH,
        "loadavg": load.trim(),
        "runs": runs,
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).expect("output dir");
    }
    std::fs::write(&args.out, serde_json::to_string(&result).expect("json")).expect("write results");
    eprintln!("wrote {}", args.out.display());
}
