//! End-to-end exact search benchmark over flushed, memory-mapped sealed segments.
//!
//! Builds (once per run, in a temp dir) a 1,000,000 × 128 f32 collection — `id` Int64 primary
//! key, `tag` Int64 uniform in 0..100, `v` FloatVector(128) — inserted in batches with
//! `SyncPolicy::None`, then flushed into one large sealed segment (`seal_threshold_bytes` 1 GiB).
//! Every figure goes through `Database::search`.
//!
//! Measured, side by side in the same process (medians of `RUNS` interleaved runs):
//! - one-query exact top-10 L2 with `worker_threads = 1` against a single-thread streaming read
//!   of the same mapped vector bytes, and with `worker_threads = 2` against a two-thread read
//!   (each thread sums one half). The read baseline is an AVX-512 (else SSE2) wrapping integer
//!   sum of the bit patterns (no FP dependency chain, so it is purely load-bound); a second
//!   baseline runs `simd::ip_batch` over the same bytes into a 4096-float buffer with no top-k.
//! - 100-query batches, top-10, L2 and IP: queries per second.
//! - filtered single queries `tag < 10` (10 %) and `tag < 1` (1 %), ratio to unfiltered.
//!
//! `cargo bench --bench search`. `SEARCH_BENCH_ROWS=100000` shrinks the collection for a smoke
//! test. Prints `uptime` load averages next to the table: the machine has 2 vCPUs.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::read_sum;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::internals::SealedSegment;
use veclite::{
    Column, ColumnRef, Context, Database, Field, FieldType, Metric, Options, Schema, SearchRequest,
    SyncPolicy, simd,
};

const DIM: usize = 128;
const INSERT_BATCH: usize = 50_000;
const RUNS: usize = 9;
const BATCH_RUNS: usize = 7;
const TOPK: usize = 10;
const NQ_BATCH: usize = 100;
const COLLECTION: &str = "bench";
const SEED: u64 = 20240601;

fn schema() -> Schema {
    Schema::builder(COLLECTION)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .expect("schema")
}

fn options(worker_threads: usize) -> Options {
    Options { sync: SyncPolicy::None, seal_threshold_bytes: 1 << 30, worker_threads, ..Options::default() }
}

/// Creates the collection in `dir`, inserts `rows` rows in batches and flushes them.
fn build(dir: &Path, rows: usize) -> Duration {
    let t = Instant::now();
    let db = Database::open(dir, options(2)).expect("open");
    db.create_collection(schema()).expect("create");
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut start = 0;
    while start < rows {
        let end = (start + INSERT_BATCH).min(rows);
        let ids: Vec<i64> = (start as i64..end as i64).collect();
        let tags: Vec<i64> = ids.iter().map(|_| rng.random_range(0..100)).collect();
        let v: Vec<f32> = (0..(end - start) * DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect();
        let columns =
            vec![Column::int64("id", ids), Column::int64("tag", tags), Column::float_vector("v", DIM, v)];
        db.insert(COLLECTION, "", columns).expect("insert");
        start = end;
    }
    db.flush(COLLECTION).expect("flush");
    db.close().expect("close");
    t.elapsed()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The sealed segments of the database, mapped a second time (same page-cache pages as the
/// database's own mapping).
fn sealed_segments(dir: &Path) -> Vec<SealedSegment> {
    let mut paths = Vec::new();
    files(dir, &mut paths);
    paths.into_iter().filter_map(|p| SealedSegment::open(&p, &schema()).ok().map(|(s, _)| s)).collect()
}

fn vectors(segment: &SealedSegment) -> &[f32] {
    match segment.column(2).expect("vector column") {
        ColumnRef::FloatVector { data, .. } => data,
        _ => panic!("field 2 is not a vector field"),
    }
}

/// `simd::ip_batch` / `simd::l2sq_batch` over the block in 4096-vector chunks with no top-k:
/// the kernel alone.
fn kernel_stream(metric: Metric, query: &[f32], data: &[f32], buf: &mut [f32]) -> f32 {
    let mut best = f32::NEG_INFINITY;
    for block in data.chunks(buf.len() * DIM) {
        let out = &mut buf[..block.len() / DIM];
        match metric {
            Metric::L2 => simd::l2sq_batch(query, block, DIM, out),
            _ => simd::ip_batch(query, block, DIM, out),
        }
        best = best.max(out[0]);
    }
    best
}

fn two_thread_sum(data: &[f32]) -> u32 {
    let half = (data.len() / 2 / 16) * 16;
    let (a, b) = data.split_at(half);
    std::thread::scope(|s| {
        let h = s.spawn(|| read_sum(a));
        let y = read_sum(b);
        h.join().expect("join").wrapping_add(y)
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// Seconds taken by `f`.
fn time<T>(f: impl FnOnce() -> T) -> f64 {
    let t = Instant::now();
    std::hint::black_box(f());
    t.elapsed().as_secs_f64()
}

/// Interleaves the named closures for `runs` rounds (after one warm-up round); returns the
/// median seconds of each.
fn interleaved(runs: usize, cases: &mut [(&str, &mut dyn FnMut())]) -> Vec<f64> {
    for (_, f) in cases.iter_mut() {
        f();
    }
    let mut samples = vec![Vec::with_capacity(runs); cases.len()];
    for _ in 0..runs {
        for (i, (_, f)) in cases.iter_mut().enumerate() {
            samples[i].push(time(&mut **f));
        }
    }
    samples.into_iter().map(median).collect()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn search(db: &Database, queries: &[f32], metric: Metric, filter: &str) -> Vec<veclite::SearchHits> {
    let req = SearchRequest::new(queries, TOPK, metric).filter(filter);
    db.search(&Context::background(), COLLECTION, &req).expect("search")
}

struct Row {
    what: String,
    value: String,
    note: String,
}

fn row(rows: &mut Vec<Row>, what: impl Into<String>, value: impl Into<String>, note: impl Into<String>) {
    let r = Row { what: what.into(), value: value.into(), note: note.into() };
    println!("  {:<58} {:>14}  {}", r.what, r.value, r.note);
    rows.push(r);
}

fn main() {
    let rows_n: usize =
        std::env::var("SEARCH_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    println!("search bench: {rows_n} x {DIM} f32, simd path {}, load {}", simd::capabilities(), loadavg());
    let build_time = build(&dir, rows_n);
    println!("built + flushed in {:.1} s (load {})", build_time.as_secs_f64(), loadavg());

    let segments = sealed_segments(&dir);
    assert!(!segments.is_empty(), "no sealed segment found after flush");
    let blocks: Vec<&[f32]> = segments.iter().map(vectors).collect();
    let sealed_rows: usize = blocks.iter().map(|b| b.len() / DIM).sum();
    assert_eq!(sealed_rows, rows_n, "all rows must be sealed");
    let bytes = (rows_n * DIM * size_of::<f32>()) as f64;
    println!("{} sealed segment(s), {:.0} MB of vectors", segments.len(), bytes / 1e6);

    let mut rng = StdRng::seed_from_u64(SEED + 1);
    let queries: Vec<f32> = (0..NQ_BATCH * DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let q1 = &queries[..DIM];
    let mut buf = vec![0.0f32; 4096];
    let mut table = Vec::new();
    let ms = |s: f64| format!("{:.2} ms", s * 1e3);
    let gbs = |s: f64| bytes / s / 1e9;

    // ---- worker_threads = 1
    let db = Database::open(&dir, options(1)).expect("open 1 thread");
    let reference = search(&db, q1, Metric::L2, "");
    assert_eq!(reference[0].len(), TOPK);
    let mut sum_1t = || {
        let s = blocks.iter().fold(0u32, |s, b| s.wrapping_add(read_sum(b)));
        std::hint::black_box(s);
    };
    let mut ip_1t = || {
        for b in &blocks {
            std::hint::black_box(kernel_stream(Metric::Ip, q1, b, &mut buf));
        }
    };
    let mut buf2 = vec![0.0f32; 4096];
    let mut l2k_1t = || {
        for b in &blocks {
            std::hint::black_box(kernel_stream(Metric::L2, q1, b, &mut buf2));
        }
    };
    let mut l2_1t = || {
        std::hint::black_box(search(&db, q1, Metric::L2, ""));
    };
    let mut ip_search_1t = || {
        std::hint::black_box(search(&db, q1, Metric::Ip, ""));
    };
    let mut f10_1t = || {
        std::hint::black_box(search(&db, q1, Metric::L2, "tag < 10"));
    };
    let mut f1_1t = || {
        std::hint::black_box(search(&db, q1, Metric::L2, "tag < 1"));
    };
    let load = loadavg();
    let t = interleaved(
        RUNS,
        &mut [
            ("read_sum 1t", &mut sum_1t),
            ("ip_batch stream 1t", &mut ip_1t),
            ("l2sq_batch stream 1t", &mut l2k_1t),
            ("search L2 1t", &mut l2_1t),
            ("search IP 1t", &mut ip_search_1t),
            ("search L2 tag<10 1t", &mut f10_1t),
            ("search L2 tag<1 1t", &mut f1_1t),
        ],
    );
    let [sum1, ipstream1, l2stream1, l2_1, ip_1, f10_1, f1_1] = t[..] else { unreachable!() };
    println!("\n[worker_threads = 1] load {load}");
    row(
        &mut table,
        "read baseline 1 thread (AVX-512 int sum, same mmap)",
        ms(sum1),
        format!("{:.1} GB/s", gbs(sum1)),
    );
    row(
        &mut table,
        "ip_batch stream 1 thread (no top-k)",
        ms(ipstream1),
        format!("{:.1} GB/s", gbs(ipstream1)),
    );
    row(
        &mut table,
        "l2sq_batch stream 1 thread (no top-k)",
        ms(l2stream1),
        format!("{:.1} GB/s", gbs(l2stream1)),
    );
    row(
        &mut table,
        "search top-10 L2, nq=1, 1 thread",
        ms(l2_1),
        format!("{:.1} GB/s = {:.0} % of read baseline", gbs(l2_1), 100.0 * sum1 / l2_1),
    );
    row(
        &mut table,
        "search top-10 IP, nq=1, 1 thread",
        ms(ip_1),
        format!("{:.1} GB/s = {:.0} % of read baseline", gbs(ip_1), 100.0 * sum1 / ip_1),
    );
    row(
        &mut table,
        "search L2 `tag < 10`, 1 thread",
        ms(f10_1),
        format!("{:.2}x of unfiltered", f10_1 / l2_1),
    );
    row(&mut table, "search L2 `tag < 1`, 1 thread", ms(f1_1), format!("{:.2}x of unfiltered", f1_1 / l2_1));

    let mut batch_l2_1t = || {
        std::hint::black_box(search(&db, &queries, Metric::L2, ""));
    };
    let mut batch_ip_1t = || {
        std::hint::black_box(search(&db, &queries, Metric::Ip, ""));
    };
    let load = loadavg();
    let t =
        interleaved(BATCH_RUNS, &mut [("batch L2 1t", &mut batch_l2_1t), ("batch IP 1t", &mut batch_ip_1t)]);
    row(
        &mut table,
        "batch nq=100 top-10 L2, 1 thread",
        format!("{:.0} QPS", NQ_BATCH as f64 / t[0]),
        format!("load {load}"),
    );
    row(&mut table, "batch nq=100 top-10 IP, 1 thread", format!("{:.0} QPS", NQ_BATCH as f64 / t[1]), "");
    db.close().expect("close");

    // ---- worker_threads = 2
    let db = Database::open(&dir, options(2)).expect("open 2 threads");
    let two = search(&db, q1, Metric::L2, "");
    assert_eq!(two[0].ids, reference[0].ids, "1- and 2-thread results differ");
    let mut sum_2t = || {
        let s = blocks.iter().fold(0u32, |s, b| s.wrapping_add(two_thread_sum(b)));
        std::hint::black_box(s);
    };
    let mut l2_2t = || {
        std::hint::black_box(search(&db, q1, Metric::L2, ""));
    };
    let mut ip_search_2t = || {
        std::hint::black_box(search(&db, q1, Metric::Ip, ""));
    };
    let mut f10_2t = || {
        std::hint::black_box(search(&db, q1, Metric::L2, "tag < 10"));
    };
    let mut f1_2t = || {
        std::hint::black_box(search(&db, q1, Metric::L2, "tag < 1"));
    };
    let load = loadavg();
    let t = interleaved(
        RUNS,
        &mut [
            ("read_sum 2t", &mut sum_2t),
            ("search L2 2t", &mut l2_2t),
            ("search IP 2t", &mut ip_search_2t),
            ("search L2 tag<10 2t", &mut f10_2t),
            ("search L2 tag<1 2t", &mut f1_2t),
        ],
    );
    let [sum2, l2_2, ip_2, f10_2, f1_2] = t[..] else { unreachable!() };
    println!("\n[worker_threads = 2] load {load}");
    row(
        &mut table,
        "read baseline 2 threads (halves, same mmap)",
        ms(sum2),
        format!("{:.1} GB/s", gbs(sum2)),
    );
    row(
        &mut table,
        "search top-10 L2, nq=1, 2 threads",
        ms(l2_2),
        format!("{:.1} GB/s = {:.0} % of 2-thread read", gbs(l2_2), 100.0 * sum2 / l2_2),
    );
    row(
        &mut table,
        "search top-10 IP, nq=1, 2 threads",
        ms(ip_2),
        format!("{:.1} GB/s = {:.0} % of 2-thread read", gbs(ip_2), 100.0 * sum2 / ip_2),
    );
    row(
        &mut table,
        "search L2 `tag < 10`, 2 threads",
        ms(f10_2),
        format!("{:.2}x of unfiltered", f10_2 / l2_2),
    );
    row(&mut table, "search L2 `tag < 1`, 2 threads", ms(f1_2), format!("{:.2}x of unfiltered", f1_2 / l2_2));

    let batch = search(&db, &queries, Metric::L2, "");
    assert_eq!(batch[0].ids, reference[0].ids, "batch query 0 differs from the single query");
    let mut batch_l2_2t = || {
        std::hint::black_box(search(&db, &queries, Metric::L2, ""));
    };
    let mut batch_ip_2t = || {
        std::hint::black_box(search(&db, &queries, Metric::Ip, ""));
    };
    let load = loadavg();
    let t =
        interleaved(BATCH_RUNS, &mut [("batch L2 2t", &mut batch_l2_2t), ("batch IP 2t", &mut batch_ip_2t)]);
    row(
        &mut table,
        "batch nq=100 top-10 L2, 2 threads",
        format!("{:.0} QPS", NQ_BATCH as f64 / t[0]),
        format!("load {load}"),
    );
    row(&mut table, "batch nq=100 top-10 IP, 2 threads", format!("{:.0} QPS", NQ_BATCH as f64 / t[1]), "");
    db.close().expect("close");

    println!(
        "\n## search bench summary ({rows_n} x {DIM} f32, medians of {RUNS} (batches {BATCH_RUNS}) interleaved runs)"
    );
    println!("| what | median | note |\n|---|---:|---|");
    for r in &table {
        println!("| {} | {} | {} |", r.what, r.value, r.note);
    }
    println!("load average at end: {}", loadavg());
}
