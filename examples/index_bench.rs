//! Vector-index benchmark of veclite (HNSW or IVF_FLAT on one sealed segment), printed as JSON.
//!
//! Reads raw little-endian files: base vectors (`N × dim` f32), queries (`Q × dim` f32) and,
//! optionally, ground-truth ids (`Q × 10` i64, row numbers of the base file). Loads the base into
//! one sealed segment (large `seal_threshold_bytes`, `SyncPolicy::None`, flush), creates the index
//! with the default worker threads and times that build, then reopens the database with
//! `worker_threads = 1` and measures, for each ef / nprobe: recall@10, single-query QPS (one
//! `search` call per query) and batch QPS (all queries in one call, still 1 worker thread).
//!
//! ```text
//! cargo run --release --example index_bench -- --base base.f32 --queries q.f32 --dim 128
//!     [--gt gt.i64] [--index hnsw|ivf] [--m 16] [--ef-construction 200] [--nlist 1024]
//!     [--efs 16,32,64,128,256] [--nprobes 8,16,32,64] [--build-threads N] [--query-threads 1]
//!     [--reps 3] [--dir PATH]
//! ```

use std::collections::HashSet;
use std::time::Instant;

use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys, Schema,
    SearchParams, SearchRequest, SyncPolicy,
};

const K: usize = 10;

struct Args {
    base: String,
    queries: String,
    gt: Option<String>,
    dim: usize,
    index: String,
    m: u32,
    ef_construction: u32,
    nlist: u32,
    efs: Vec<usize>,
    nprobes: Vec<usize>,
    build_threads: Option<usize>,
    query_threads: usize,
    reps: usize,
    dir: Option<String>,
}

fn list(s: &str) -> Vec<usize> {
    s.split(',').map(|x| x.trim().parse().expect("list of integers")).collect()
}

fn parse_args() -> Args {
    let mut a = Args {
        base: String::new(),
        queries: String::new(),
        gt: None,
        dim: 128,
        index: "hnsw".into(),
        m: 16,
        ef_construction: 200,
        nlist: 1024,
        efs: vec![16, 32, 64, 128, 256],
        nprobes: vec![8, 16, 32, 64],
        build_threads: None,
        query_threads: 1,
        reps: 3,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--base" => a.base = value(),
            "--queries" => a.queries = value(),
            "--gt" => a.gt = Some(value()),
            "--dim" => a.dim = value().parse().expect("--dim"),
            "--index" => a.index = value(),
            "--m" => a.m = value().parse().expect("--m"),
            "--ef-construction" => a.ef_construction = value().parse().expect("--ef-construction"),
            "--nlist" => a.nlist = value().parse().expect("--nlist"),
            "--efs" => a.efs = list(&value()),
            "--nprobes" => a.nprobes = list(&value()),
            "--build-threads" => a.build_threads = Some(value().parse().expect("--build-threads")),
            "--query-threads" => a.query_threads = value().parse().expect("--query-threads"),
            "--reps" => a.reps = value().parse().expect("--reps"),
            "--dir" => a.dir = Some(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(!a.base.is_empty() && !a.queries.is_empty(), "--base and --queries are required");
    a
}

fn read_f32(path: &str) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn read_i64(path: &str) -> Vec<i64> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect()
}

fn ids(keys: &PrimaryKeys) -> Vec<i64> {
    match keys {
        PrimaryKeys::Int(v) => v.clone(),
        PrimaryKeys::Str(_) => unreachable!("Int64 primary key"),
    }
}

fn recall(found: &[Vec<i64>], gt: &[i64]) -> f64 {
    let hits: usize = found
        .iter()
        .enumerate()
        .map(|(q, f)| {
            let truth: HashSet<i64> = gt[q * K..(q + 1) * K].iter().copied().collect();
            f.iter().take(K).filter(|id| truth.contains(id)).count()
        })
        .sum();
    hits as f64 / (found.len() * K) as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args = parse_args();
    let dim = args.dim;
    let base = read_f32(&args.base);
    let queries = read_f32(&args.queries);
    assert!(base.len().is_multiple_of(dim) && queries.len().is_multiple_of(dim), "file sizes vs --dim");
    let (n, nq) = (base.len() / dim, queries.len() / dim);
    let gt = args.gt.as_deref().map(read_i64);
    if let Some(gt) = &gt {
        assert_eq!(gt.len(), nq * K, "ground truth must be Q × {K} i64");
    }

    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = args.dir.clone().map_or_else(|| tmp.path().to_path_buf(), Into::into);
    let defaults = Options::default();
    let build_threads = args.build_threads.unwrap_or(defaults.worker_threads);
    let load_options = Options {
        sync: SyncPolicy::None,
        seal_threshold_bytes: 1 << 40,
        worker_threads: build_threads,
        ..Options::default()
    };
    let ctx = Context::background();

    // Load: one growing segment, sealed by the flush.
    let t = Instant::now();
    let db = Database::open(&dir, load_options.clone()).expect("open");
    let schema = Schema::builder("bench")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("embeddings", FieldType::FloatVector { dim: dim as u32 }))
        .build()
        .expect("schema");
    db.create_collection(schema).expect("create");
    const BATCH: usize = 10_000;
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        db.insert(
            "bench",
            "",
            vec![
                Column::int64("ID", (start as i64..end as i64).collect()),
                Column::float_vector("embeddings", dim, base[start * dim..end * dim].to_vec()),
            ],
        )
        .expect("insert");
    }
    db.flush("bench").expect("flush");
    let load_s = t.elapsed().as_secs_f64();

    let (params, sweep_name, sweep) = match args.index.as_str() {
        "hnsw" => {
            (IndexParams::Hnsw { m: args.m, ef_construction: args.ef_construction }, "ef", args.efs.clone())
        }
        "ivf" => (IndexParams::IvfFlat { nlist: args.nlist }, "nprobe", args.nprobes.clone()),
        other => panic!("unknown index {other}: use hnsw or ivf"),
    };
    let t = Instant::now();
    db.create_index(&ctx, "bench", "embeddings", "", Metric::L2, params).expect("create_index");
    let build_s = t.elapsed().as_secs_f64();
    let info = db.describe_index("bench", Some("embeddings")).expect("describe_index");
    let finished = info.iter().all(|i| i.finished());
    let indexed_rows: u64 = info.iter().map(|i| i.indexed_rows).sum();
    db.close().expect("close");

    // Query phase: reopened with the query worker threads.
    let db =
        Database::open(&dir, Options { worker_threads: args.query_threads, ..load_options }).expect("reopen");
    let mut results = Vec::new();
    for &value in &sweep {
        let sp = match sweep_name {
            "ef" => SearchParams { ef: Some(value), nprobe: None, drop_ratio_search: None },
            _ => SearchParams { ef: None, nprobe: Some(value), drop_ratio_search: None },
        };
        let one = |q: usize| {
            let req = SearchRequest::new(&queries[q * dim..(q + 1) * dim], K, Metric::L2).params(sp);
            db.search(&ctx, "bench", &req).expect("search")
        };
        // Warm-up: page in the index and the vectors.
        for q in 0..nq.min(100) {
            one(q);
        }
        let mut single_qps = Vec::new();
        let mut found = Vec::new();
        for rep in 0..args.reps {
            let mut rep_found = Vec::with_capacity(nq);
            let t = Instant::now();
            for q in 0..nq {
                let hits = one(q);
                rep_found.push(ids(&hits[0].ids));
            }
            single_qps.push(nq as f64 / t.elapsed().as_secs_f64());
            if rep == 0 {
                found = rep_found;
            }
        }
        let mut batch_qps = Vec::new();
        let mut batch_found = Vec::new();
        for _ in 0..args.reps {
            let req = SearchRequest::new(&queries, K, Metric::L2).params(sp);
            let t = Instant::now();
            let hits = db.search(&ctx, "bench", &req).expect("search");
            batch_qps.push(nq as f64 / t.elapsed().as_secs_f64());
            batch_found = hits.iter().map(|h| ids(&h.ids)).collect();
        }
        let r = gt.as_ref().map(|g| recall(&found, g));
        let rb = gt.as_ref().map(|g| recall(&batch_found, g));
        results.push(serde_json::json!({
            sweep_name: value,
            "recall": r,
            "recall_batch": rb,
            "single_qps": median(single_qps.clone()),
            "single_qps_all": single_qps,
            "single_ms": 1000.0 / median(single_qps),
            "batch_qps": median(batch_qps.clone()),
            "batch_qps_all": batch_qps,
        }));
    }
    db.close().expect("close");

    let out = serde_json::json!({
        "impl": format!("veclite {}", env!("CARGO_PKG_VERSION")),
        "index": params.type_name(),
        "params": format!("{params:?}"),
        "n": n,
        "dim": dim,
        "nq": nq,
        "k": K,
        "load_s": load_s,
        "build_s": build_s,
        "build_threads": build_threads,
        "query_threads": args.query_threads,
        "index_finished": finished,
        "indexed_rows": indexed_rows,
        "sweep": results,
    });
    println!("{out}");
}
