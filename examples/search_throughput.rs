//! Exact top-10 search throughput on vectors read from files, printed as JSON.
//!
//! Reads `N × dim` base vectors and `nq × dim` queries (raw little-endian f32, or `.npy` float32
//! C-order: the header is skipped), builds a veclite database in a temp dir (insert in batches
//! with `SyncPolicy::None`, then `flush`, so every row is in a sealed memory-mapped segment) and
//! measures, for L2 and IP:
//! - single-query latency: queries 0..10 warm up, then queries 10..210 are timed one by one
//!   (median / min / p90 ms);
//! - batch QPS for nq = 100 and nq = 1,000 (the first nq queries in one `search` call; a warm-up
//!   call, then the median of 3 runs);
//! - recall@10 of the 1,000-query batch against exact ground truth, if given (raw little-endian
//!   i64 or `.npy` int64, `nq × 10` row indexes, e.g. faiss `IndexFlat` output). Row `i` of the
//!   base file gets primary key `i`. Exact search, so it should be 1.0.
//!
//! ```text
//! cargo run --release --example search_throughput -- --base X.f32 --queries Q.f32 --dim 128 \
//!     [--gt-l2 gt_l2.i64] [--gt-ip gt_ip.i64] [--threads N] [--dir PATH]
//! ```
//! `--threads` sets `Options::worker_threads` (default: the available cores, like the library).
//! `--dir` builds the database in `PATH` (which must not hold one) and keeps it, so another
//! program can search the same segment; by default a temp dir is used and removed.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};
use veclite::{
    Column, Context, Database, Field, FieldType, Metric, Options, Schema, SearchRequest, SyncPolicy,
};

const TOPK: usize = 10;
const INSERT_BATCH: usize = 50_000;
const WARMUP: usize = 10;
const SINGLE: usize = 200;

struct Args {
    base: PathBuf,
    queries: PathBuf,
    dim: usize,
    gt_l2: Option<PathBuf>,
    gt_ip: Option<PathBuf>,
    threads: Option<usize>,
    dir: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: search_throughput --base X.f32 --queries Q.f32 --dim D [--gt-l2 F] [--gt-ip F] [--threads N] \
         [--dir PATH]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut it = std::env::args().skip(1);
    let (mut base, mut queries, mut dim, mut gt_l2, mut gt_ip, mut threads, mut dir) =
        (None, None, None, None, None, None, None);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--base" => base = Some(PathBuf::from(value)),
            "--queries" => queries = Some(PathBuf::from(value)),
            "--dim" => dim = value.parse().ok(),
            "--gt-l2" => gt_l2 = Some(PathBuf::from(value)),
            "--gt-ip" => gt_ip = Some(PathBuf::from(value)),
            "--threads" => threads = value.parse().ok(),
            "--dir" => dir = Some(PathBuf::from(value)),
            _ => usage(),
        }
    }
    match (base, queries, dim) {
        (Some(base), Some(queries), Some(dim)) if dim > 0 => {
            Args { base, queries, dim, gt_l2, gt_ip, threads, dir }
        }
        _ => usage(),
    }
}

/// The file's bytes without a `.npy` header, if it has one.
fn payload(path: &PathBuf) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if bytes.starts_with(b"\x93NUMPY") {
        let (major, header_at) = (bytes[6], 8);
        let (len, start) = if major == 1 {
            (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, header_at + 2)
        } else {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, header_at + 4)
        };
        let header = String::from_utf8_lossy(&bytes[start..start + len]);
        assert!(
            header.contains("'fortran_order': False"),
            "{}: only C-order .npy is supported",
            path.display()
        );
        return bytes[start + len..].to_vec();
    }
    bytes
}

fn read_f32(path: &PathBuf) -> Vec<f32> {
    payload(path).chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn read_i64(path: &PathBuf) -> Vec<i64> {
    payload(path).chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes"))).collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn search(db: &Database, queries: &[f32], metric: Metric) -> Vec<veclite::SearchHits> {
    let req = SearchRequest::new(queries, TOPK, metric);
    db.search(&Context::background(), "bench", &req).expect("search")
}

fn ids(hits: &veclite::SearchHits) -> Vec<i64> {
    match &hits.ids {
        veclite::PrimaryKeys::Int(v) => v.clone(),
        veclite::PrimaryKeys::Str(_) => unreachable!("Int64 primary key"),
    }
}

fn recall(results: &[veclite::SearchHits], gt: &[i64]) -> f64 {
    let k = TOPK;
    let n = results.len().min(gt.len() / k);
    let mut hits = 0;
    for (q, r) in results.iter().take(n).enumerate() {
        let truth = &gt[q * k..(q + 1) * k];
        hits += ids(r).iter().filter(|id| truth.contains(id)).count();
    }
    hits as f64 / (n * k) as f64
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn main() {
    let args = parse_args();
    let dim = args.dim;
    let base = read_f32(&args.base);
    let queries = read_f32(&args.queries);
    assert!(
        base.len().is_multiple_of(dim) && queries.len().is_multiple_of(dim),
        "file sizes not multiples of dim"
    );
    let (n, nq_total) = (base.len() / dim, queries.len() / dim);

    let mut options = Options { sync: SyncPolicy::None, seal_threshold_bytes: 1 << 30, ..Options::default() };
    if let Some(t) = args.threads {
        options.worker_threads = t;
    }
    let threads = options.worker_threads;
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = Database::open(args.dir.as_deref().unwrap_or(tmp.path()), options).expect("open");
    let schema = Schema::builder("bench")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: dim as u32 }))
        .build()
        .expect("schema");
    db.create_collection(schema).expect("create");
    let t = Instant::now();
    for start in (0..n).step_by(INSERT_BATCH) {
        let end = (start + INSERT_BATCH).min(n);
        let columns = vec![
            Column::int64("id", (start as i64..end as i64).collect()),
            Column::float_vector("v", dim, base[start * dim..end * dim].to_vec()),
        ];
        db.insert("bench", "", columns).expect("insert");
    }
    let insert_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    db.flush("bench").expect("flush");
    let flush_s = t.elapsed().as_secs_f64();
    drop(base);
    assert_eq!(db.count("bench", &[]).expect("count"), n as u64);

    let mut report = serde_json::Map::new();
    for (metric, gt_path) in [(Metric::L2, &args.gt_l2), (Metric::Ip, &args.gt_ip)] {
        // Single queries.
        let q = |i: usize| &queries[i * dim..(i + 1) * dim];
        for i in 0..WARMUP.min(nq_total) {
            search(&db, q(i), metric);
        }
        let mut lat = Vec::new();
        for i in WARMUP..(WARMUP + SINGLE).min(nq_total) {
            let t = Instant::now();
            std::hint::black_box(search(&db, q(i), metric));
            lat.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let mut sorted = lat.clone();
        sorted.sort_by(f64::total_cmp);
        let single = json!({
            "median_ms": median(lat.clone()),
            "min_ms": sorted.first(),
            "p90_ms": sorted.get((sorted.len().saturating_sub(1) as f64 * 0.9).round() as usize),
            "queries": lat.len(),
        });
        // Batches.
        let mut batch = serde_json::Map::new();
        let mut recall_value = Value::Null;
        for nq in [100, 1000] {
            if nq > nq_total {
                continue;
            }
            let qs = &queries[..nq * dim];
            search(&db, &qs[..WARMUP.min(nq) * dim], metric);
            let mut secs = Vec::new();
            let mut last = Vec::new();
            for _ in 0..3 {
                let t = Instant::now();
                last = search(&db, qs, metric);
                secs.push(t.elapsed().as_secs_f64());
            }
            let s = median(secs.clone());
            batch.insert(
                nq.to_string(),
                json!({ "qps": nq as f64 / s, "seconds_median": s, "seconds": secs, "load": load() }),
            );
            if nq == 1000
                && let Some(path) = gt_path
            {
                recall_value = json!(recall(&last, &read_i64(path)));
            }
        }
        report.insert(
            metric.name().to_string(),
            json!({ "single": single, "batch": batch, "recall_at_10": recall_value }),
        );
    }
    db.close().expect("close");
    let out = json!({
        "engine": "veclite",
        "n": n,
        "dim": dim,
        "nq_available": nq_total,
        "worker_threads": threads,
        "simd": veclite::simd::capabilities(),
        "insert_s": insert_s,
        "flush_s": flush_s,
        "load_end": load(),
        "results": report,
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
