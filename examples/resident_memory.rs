//! Resident memory of an opened, indexed database before its first search: the data is mapped,
//! not loaded, so a reopened process holds little more than the primary-key index.
//!
//! Builds `N` × 128 vectors (default 1,000,000) with an index (default IVF_FLAT nlist 1024; pass
//! `hnsw` for HNSW M=16 efConstruction=100), flushes, closes, then re-executes itself to open the
//! database in a fresh process and report its resident set size (VmRSS) before and after the
//! first search, beside the size of the files on disk.
//!
//! Run: `cargo run --release --example resident_memory -- [N] [ivf|hnsw]`

use std::time::Instant;

use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, Schema, SearchRequest,
    SyncPolicy,
};

const DIM: usize = 128;

/// Resident set size of this process in MiB, from /proc/self/status.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn dir_mib(dir: &std::path::Path) -> f64 {
    fn walk(p: &std::path::Path) -> u64 {
        std::fs::read_dir(p).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { walk(&path) } else { e.metadata().map_or(0, |m| m.len()) }
                })
                .sum()
        })
    }
    walk(dir) as f64 / (1024.0 * 1024.0)
}

fn build(dir: &std::path::Path, n: usize, params: IndexParams) -> veclite::Result<()> {
    let db = Database::open(
        dir,
        Options { sync: SyncPolicy::None, seal_threshold_bytes: 1 << 30, ..Options::default() },
    )?;
    db.create_collection(
        Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
            .build()?,
    )?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20240601);
    let centres: Vec<f32> = (0..100 * DIM).map(|_| rng.random_range(-1.0..1.0)).collect();
    for start in (0..n).step_by(50_000) {
        let rows = (n - start).min(50_000);
        let vectors: Vec<f32> = (0..rows)
            .flat_map(|_| {
                let c = rng.random_range(0..100);
                (0..DIM).map(|j| centres[c * DIM + j] + rng.random_range(-0.3..0.3)).collect::<Vec<_>>()
            })
            .collect();
        let ids: Vec<i64> = (start as i64..(start + rows) as i64).collect();
        db.upsert("c", "", vec![Column::int64("id", ids), Column::float_vector("v", DIM, vectors)])?;
    }
    db.flush("c")?;
    let t = Instant::now();
    db.create_index(&Context::background(), "c", "v", "", Metric::L2, params)?;
    eprintln!("built {n} x {DIM} with {params:?}: index in {:.1} s", t.elapsed().as_secs_f64());
    db.close()
}

fn measure(dir: &std::path::Path) -> veclite::Result<()> {
    let before_open = rss_mib();
    let t = Instant::now();
    let db = Database::open(dir, Options::default())?;
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let opened = rss_mib();
    let query = vec![0.1f32; DIM];
    db.search(&Context::background(), "c", &SearchRequest::new(&query, 10, Metric::L2))?;
    let searched = rss_mib();
    println!(
        "{{\"files_mib\": {:.1}, \"rss_before_open_mib\": {before_open:.1}, \"rss_opened_mib\": {opened:.1}, \
         \"rss_after_first_search_mib\": {searched:.1}, \"open_ms\": {open_ms:.1}}}",
        dir_mib(dir)
    );
    db.close()
}

fn main() -> veclite::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(dir) = std::env::var_os("VECLITE_MEASURE_DIR") {
        return measure(std::path::Path::new(&dir));
    }
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let params = match args.get(2).map(String::as_str) {
        Some("hnsw") => IndexParams::Hnsw { m: 16, ef_construction: 100 },
        _ => IndexParams::IvfFlat { nlist: 1024 },
    };
    let dir = tempfile::tempdir().map_err(|e| veclite::Error::InvalidArgument(e.to_string()))?;
    build(dir.path(), n, params)?;
    // A fresh process, so nothing of the build is resident.
    let status = std::process::Command::new(&args[0])
        .env("VECLITE_MEASURE_DIR", dir.path())
        .status()
        .map_err(|e| veclite::Error::InvalidArgument(e.to_string()))?;
    if !status.success() {
        return Err(veclite::Error::InvalidArgument(format!("measuring process failed: {status}")));
    }
    Ok(())
}
