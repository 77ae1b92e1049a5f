//! Vector-type benchmark: exact scans of float16 / bfloat16 against f32 and the read bandwidth,
//! binary Hamming search, int8 HNSW, and bytes per vector, through `Database` on flushed,
//! memory-mapped sealed segments.
//!
//! Measured side by side in one process (medians of `RUNS` interleaved runs, `worker_threads`
//! 1, one query, top-10 L2):
//! - (a) f32, float16 and bfloat16 exact scans of `ROWS` × 128 (default 1,000,000), each against
//!   a plain streaming sum over the same mapped bytes (the read bandwidth of those bytes).
//! - (b) binary exact Hamming top-10 over the binary base of `VT_DATA` (one query, and a batch of
//!   1,000 queries), and binary HNSW (`M` 16, `efConstruction` 128) at several `ef`.
//! - (c) int8 HNSW (`M` 16, `efConstruction` 128) over the int8 base of `VT_DATA`, recall@10
//!   against the exact scan and one-query QPS at several `ef`.
//! - (d) bytes per vector in segment files and index files, per type.
//!
//! (b) and (c) read raw files written by `benches/vector_types_peers.py` (which runs the peers on
//! the same data and prints the comparison): `VT_DATA=DIR` with `bin_base.u8`, `bin_query.u8`
//! (128 bytes a row), `i8_base.i8`, `i8_query.i8` (128 a row). Without `VT_DATA` only (a) and
//! (d) run. Results are printed as JSON lines (`{"case": ...}`) after a readable table.
//!
//! `cargo bench --bench vector_types`; `VT_ROWS=100000` shrinks (a).

mod common;

use std::path::Path;
use std::time::Instant;

use common::read_sum;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys, Schema,
    SearchParams, SearchRequest, SyncPolicy, VectorKind, simd,
};

const DIM: usize = 128;
const RUNS: usize = 9;
const BATCH: usize = 50_000;
const K: usize = 10;

fn options() -> Options {
    Options { sync: SyncPolicy::None, seal_threshold_bytes: 1 << 31, worker_threads: 1, ..Options::default() }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Interleaves the closures for `RUNS` rounds after a warm-up; the median seconds of each.
fn interleaved(cases: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    cases.iter_mut().for_each(|f| f());
    let mut samples = vec![Vec::new(); cases.len()];
    for _ in 0..RUNS {
        for (i, f) in cases.iter_mut().enumerate() {
            let t = Instant::now();
            f();
            samples[i].push(t.elapsed().as_secs_f64());
        }
    }
    samples.into_iter().map(median).collect()
}

/// A database in `dir` with collection `c` (`id`, `v` of `field`) holding `rows` rows made by
/// `row_bytes_of(start, end)` (stored bytes, or f32 bytes for FLOAT_VECTOR), flushed.
fn collection(
    dir: &Path,
    field: FieldType,
    rows: usize,
    mut make: impl FnMut(usize, usize) -> Column,
) -> Database {
    let db = Database::open(dir, options()).expect("open");
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", field))
        .build()
        .expect("schema");
    db.create_collection(schema).expect("create");
    for start in (0..rows).step_by(BATCH) {
        let end = (start + BATCH).min(rows);
        let ids = Column::int64("id", (start as i64..end as i64).collect());
        db.insert("c", "", vec![ids, make(start, end)]).expect("insert");
    }
    db.flush("c").expect("flush");
    db
}

/// Bytes of files under `dir` whose name ends with `suffix`.
fn bytes_of(dir: &Path, suffix: &str) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            total += bytes_of(&p, suffix);
        } else if p.to_string_lossy().ends_with(suffix) {
            total += e.metadata().map_or(0, |m| m.len());
        }
    }
    total
}

fn ids(hits: &[veclite::SearchHits]) -> Vec<Vec<i64>> {
    hits.iter()
        .map(|h| match &h.ids {
            PrimaryKeys::Int(v) => v.clone(),
            PrimaryKeys::Str(_) => unreachable!("int64 keys"),
        })
        .collect()
}

fn recall(got: &[Vec<i64>], truth: &[Vec<i64>]) -> f64 {
    let hit: usize = got.iter().zip(truth).map(|(g, t)| g.iter().filter(|i| t.contains(i)).count()).sum();
    hit as f64 / (truth.len() * K) as f64
}

fn json(case: &str, fields: &[(&str, f64)]) {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    println!("{{\"case\": \"{case}\", {}}}", body.join(", "));
}

/// (a): exact one-query scans of f32, float16 and bfloat16 against the read bandwidth.
fn half_scans(rows: usize) {
    let mut rng = StdRng::seed_from_u64(20240601);
    let data: Vec<f32> = (0..rows * DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let query: Vec<f32> = (0..DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let halves = |f: fn(f32) -> u16| -> Vec<u8> { data.iter().flat_map(|&x| f(x).to_le_bytes()).collect() };
    let (f16, bf16) = (halves(simd::f32_to_f16), halves(simd::f32_to_bf16));
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().expect("tempdir")).collect();
    let t = Instant::now();
    let d32 = collection(dirs[0].path(), FieldType::FloatVector { dim: DIM as u32 }, rows, |s, e| {
        Column::float_vector("v", DIM, data[s * DIM..e * DIM].to_vec())
    });
    let packed = |dir: &Path, kind: VectorKind, bytes: &[u8]| {
        collection(dir, kind.field_type(DIM as u32), rows, |s, e| {
            Column::packed_vector("v", kind, DIM, bytes[s * DIM * 2..e * DIM * 2].to_vec())
        })
    };
    let d16 = packed(dirs[1].path(), VectorKind::Float16, &f16);
    let db16 = packed(dirs[2].path(), VectorKind::BFloat16, &bf16);
    eprintln!("(a) built 3 collections of {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
    let q16: Vec<u8> = query.iter().flat_map(|&x| simd::f32_to_f16(x).to_le_bytes()).collect();
    let qb16: Vec<u8> = query.iter().flat_map(|&x| simd::f32_to_bf16(x).to_le_bytes()).collect();
    let ctx = Context::background();
    let sum_f32: Vec<f32> = data.clone();
    let sum_half: Vec<f32> = data[..rows * DIM / 2].to_vec();
    let mut s32 = || {
        std::hint::black_box(
            d32.search(&ctx, "c", &SearchRequest::new(&query, K, Metric::L2)).expect("search"),
        );
    };
    let mut s16 = || {
        let req = SearchRequest::packed(VectorKind::Float16, &q16, K, Metric::L2);
        std::hint::black_box(d16.search(&ctx, "c", &req).expect("search"));
    };
    let mut sb16 = || {
        let req = SearchRequest::packed(VectorKind::BFloat16, &qb16, K, Metric::L2);
        std::hint::black_box(db16.search(&ctx, "c", &req).expect("search"));
    };
    let mut read32 = || {
        std::hint::black_box(read_sum(&sum_f32));
    };
    let mut read16 = || {
        std::hint::black_box(read_sum(&sum_half));
    };
    let t = interleaved(&mut [&mut s32, &mut s16, &mut sb16, &mut read32, &mut read16]);
    let gbs = |bytes: usize, s: f64| bytes as f64 / s / 1e9;
    let (b32, b16) = (rows * DIM * 4, rows * DIM * 2);
    println!("(a) exact one-query L2 top-10, {rows} x {DIM}, 1 thread (median of {RUNS})");
    println!("  f32 scan        {:8.2} ms  {:6.1} GB/s", t[0] * 1e3, gbs(b32, t[0]));
    println!("  float16 scan    {:8.2} ms  {:6.1} GB/s", t[1] * 1e3, gbs(b16, t[1]));
    println!("  bfloat16 scan   {:8.2} ms  {:6.1} GB/s", t[2] * 1e3, gbs(b16, t[2]));
    println!("  read {b32} B    {:8.2} ms  {:6.1} GB/s", t[3] * 1e3, gbs(b32, t[3]));
    println!("  read {b16} B    {:8.2} ms  {:6.1} GB/s", t[4] * 1e3, gbs(b16, t[4]));
    println!(
        "  float16: {:.2}x f32, {:.0} % of read bandwidth; bfloat16: {:.2}x f32, {:.0} %",
        t[0] / t[1],
        100.0 * t[4] / t[1],
        t[0] / t[2],
        100.0 * t[4] / t[2]
    );
    json(
        "half_scan",
        &[
            ("rows", rows as f64),
            ("f32_ms", t[0] * 1e3),
            ("f16_ms", t[1] * 1e3),
            ("bf16_ms", t[2] * 1e3),
            ("read_f32_bytes_ms", t[3] * 1e3),
            ("read_half_bytes_ms", t[4] * 1e3),
        ],
    );
    let per = |dir: &Path| bytes_of(dir, ".seg") as f64 / rows as f64;
    for (name, d) in [("FLOAT_VECTOR", 0), ("FLOAT16_VECTOR", 1), ("BFLOAT16_VECTOR", 2)] {
        println!(
            "(d) {name:<16} {:7.1} segment bytes a vector (dim {DIM}, with id and norm)",
            per(dirs[d].path())
        );
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Recall and one-query QPS of `db` (indexed) at each `ef`, against `truth`.
fn sweep(
    db: &Database,
    kind: VectorKind,
    metric: Metric,
    queries: &[u8],
    row: usize,
    truth: &[Vec<i64>],
    label: &str,
) {
    let ctx = Context::background();
    for ef in [16, 32, 64, 128, 256] {
        let params = SearchParams { ef: Some(ef), ..SearchParams::default() };
        let mut got = Vec::new();
        let t = Instant::now();
        for q in queries.chunks(row) {
            let req = SearchRequest::packed(kind, q, K, metric).params(params);
            got.extend(ids(&db.search(&ctx, "c", &req).expect("search")));
        }
        let qps = truth.len() as f64 / t.elapsed().as_secs_f64();
        let r = recall(&got, truth);
        println!("  {label} ef {ef:>3}: recall@10 {r:.3}  {qps:8.0} QPS");
        json(label, &[("ef", ef as f64), ("recall", r), ("qps", qps)]);
    }
}

/// (b), (c) and their part of (d) on the raw files of `data`.
fn peers_data(data: &Path) {
    let ctx = Context::background();
    let hnsw = IndexParams::Hnsw { m: 16, ef_construction: 128 };
    // (b) binary, 1024 bits.
    let (base, queries) = (read(data, "bin_base.u8"), read(data, "bin_query.u8"));
    let rb = 128;
    let rows = base.len() / rb;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = collection(dir.path(), FieldType::BinaryVector { dim: 1024 }, rows, |s, e| {
        Column::packed_vector("v", VectorKind::Binary, 1024, base[s * rb..e * rb].to_vec())
    });
    let one = &queries[..rb];
    let mut single = || {
        let req = SearchRequest::packed(VectorKind::Binary, one, K, Metric::Hamming);
        std::hint::black_box(db.search(&ctx, "c", &req).expect("search"));
    };
    let t1 = interleaved(&mut [&mut single])[0];
    let t = Instant::now();
    let truth = ids(&db
        .search(&ctx, "c", &SearchRequest::packed(VectorKind::Binary, &queries, K, Metric::Hamming))
        .expect("search"));
    let tb = t.elapsed().as_secs_f64();
    println!(
        "(b) binary exact Hamming top-10, {rows} x 1024 bits: one query {:.2} ms; batch of {} {:.2} s ({:.0} QPS)",
        t1 * 1e3,
        truth.len(),
        tb,
        truth.len() as f64 / tb
    );
    json(
        "binary_exact",
        &[("rows", rows as f64), ("one_query_ms", t1 * 1e3), ("batch_s", tb), ("nq", truth.len() as f64)],
    );
    let seg = bytes_of(dir.path(), ".seg") as f64 / rows as f64;
    if std::env::var("VT_BINARY_HNSW").is_ok_and(|v| v == "1") {
        let t = Instant::now();
        db.create_index(&ctx, "c", "v", "", Metric::Hamming, hnsw).expect("index");
        println!("(b) binary HNSW M16 efC128 build {:.1} s", t.elapsed().as_secs_f64());
        sweep(&db, VectorKind::Binary, Metric::Hamming, &queries, rb, &truth, "binary_hnsw");
        println!(
            "(d) BINARY_VECTOR 1024 bits: {seg:.1} segment bytes, {:.1} HNSW index bytes a vector",
            bytes_of(dir.path(), ".idx") as f64 / rows as f64
        );
        db.drop_index("c", "v").expect("drop");
    }
    db.create_index(&ctx, "c", "v", "", Metric::Hamming, IndexParams::IvfFlat { nlist: 1024 })
        .expect("index");
    println!(
        "(d) BINARY_VECTOR 1024 bits: {seg:.1} segment bytes, {:.1} BIN_IVF_FLAT index bytes a vector",
        bytes_of(dir.path(), ".idx") as f64 / rows as f64
    );
    drop(db);
    // (c) int8 HNSW.
    let (base, queries) = (read(data, "i8_base.i8"), read(data, "i8_query.i8"));
    let rows = base.len() / DIM;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = collection(dir.path(), FieldType::Int8Vector { dim: DIM as u32 }, rows, |s, e| {
        Column::packed_vector("v", VectorKind::Int8, DIM, base[s * DIM..e * DIM].to_vec())
    });
    let truth = ids(&db
        .search(&ctx, "c", &SearchRequest::packed(VectorKind::Int8, &queries, K, Metric::L2))
        .expect("search"));
    let t = Instant::now();
    db.create_index(&ctx, "c", "v", "", Metric::L2, hnsw).expect("index");
    let build = t.elapsed().as_secs_f64();
    println!("(c) int8 HNSW M16 efC128, {rows} x {DIM}: build {build:.1} s (1 worker thread)");
    json("int8_build", &[("rows", rows as f64), ("build_s", build)]);
    sweep(&db, VectorKind::Int8, Metric::L2, &queries, DIM, &truth, "int8_hnsw");
    println!(
        "(d) INT8_VECTOR {DIM}: {:.1} segment bytes, {:.1} HNSW index bytes a vector",
        bytes_of(dir.path(), ".seg") as f64 / rows as f64,
        bytes_of(dir.path(), ".idx") as f64 / rows as f64
    );
}

fn main() {
    let rows = std::env::var("VT_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    if std::env::var("VT_SKIP_HALF").is_err() {
        half_scans(rows);
    }
    if let Ok(data) = std::env::var("VT_DATA") {
        peers_data(Path::new(&data));
    }
}
