//! f32 index timings (HNSW and IVF_FLAT build and single-query search), for checking that the
//! vector-source-generic indexes cost the f32 path nothing.
//!
//! Builds a 100,000 × 128 clustered f32 collection in a temp dir, flushed into one sealed
//! segment, then: HNSW (`M` 16, `efConstruction` 128) build time and one-query top-10 search at
//! `ef` 64 (queries per second on one worker thread); IVF_FLAT (`nlist` 256) build time and
//! one-query search at `nprobe` 16. L2 and IP.
//!
//! `cargo bench --bench index_f32`. `INDEX_BENCH_ROWS` changes the row count. To compare two
//! builds side by side, run both binaries in one shell loop (the machine is shared).

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, Schema, SearchParams,
    SearchRequest, SyncPolicy,
};

const DIM: usize = 128;
const QUERIES: usize = 1_000;
const SEED: u64 = 7;

fn clustered(rng: &mut StdRng, centres: &[f32], n: usize) -> Vec<f32> {
    let k = centres.len() / DIM;
    (0..n)
        .flat_map(|_| {
            let c = rng.random_range(0..k);
            (0..DIM).map(|j| centres[c * DIM + j] + rng.random_range(-0.5f32..0.5)).collect::<Vec<_>>()
        })
        .collect()
}

fn main() {
    let rows: usize = std::env::var("INDEX_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut rng = StdRng::seed_from_u64(SEED);
    let centres: Vec<f32> = (0..256 * DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let data = clustered(&mut rng, &centres, rows);
    let queries = clustered(&mut rng, &centres, QUERIES);
    for metric in [Metric::L2, Metric::Ip] {
        for (label, params, search) in [
            (
                "HNSW M16 efC128 ef64",
                IndexParams::Hnsw { m: 16, ef_construction: 128 },
                SearchParams { ef: Some(64), ..SearchParams::default() },
            ),
            (
                "IVF_FLAT nlist256 nprobe16",
                IndexParams::IvfFlat { nlist: 256 },
                SearchParams { nprobe: Some(16), ..SearchParams::default() },
            ),
        ] {
            let dir = tempfile::tempdir().expect("tempdir");
            let options = Options {
                sync: SyncPolicy::None,
                seal_threshold_bytes: 1 << 30,
                worker_threads: 1,
                ..Options::default()
            };
            let db = Database::open(dir.path(), options).expect("open");
            let schema = Schema::builder("c")
                .field(Field::new("id", FieldType::Int64).primary_key())
                .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
                .build()
                .expect("schema");
            db.create_collection(schema).expect("create");
            let ids: Vec<i64> = (0..rows as i64).collect();
            db.insert("c", "", vec![Column::int64("id", ids), Column::float_vector("v", DIM, data.clone())])
                .expect("insert");
            db.flush("c").expect("flush");
            let ctx = Context::background();
            let t = Instant::now();
            db.create_index(&ctx, "c", "v", "", metric, params).expect("index");
            let build = t.elapsed().as_secs_f64();
            let mut best = f64::INFINITY;
            for _ in 0..3 {
                let t = Instant::now();
                for q in queries.chunks(DIM) {
                    let req = SearchRequest::new(q, 10, metric).params(search);
                    std::hint::black_box(db.search(&ctx, "c", &req).expect("search"));
                }
                best = best.min(t.elapsed().as_secs_f64());
            }
            println!(
                "f32 {rows}x{DIM} {:<6} {label:<28} build {build:>7.2} s   {:>8.0} QPS",
                metric.name(),
                QUERIES as f64 / best
            );
        }
    }
}
