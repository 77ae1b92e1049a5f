//! Upsert throughput, flush, compaction and reopen.
//!
//! Workloads (schema `ID` Int64 PK, `random` Double, `embeddings` FloatVector), batches of 3,000:
//! the seed workload (3,000 rows, dim 8), 100,000 rows at dim 128 and 20,000 rows at dim 768.
//! Phases, each on a fresh database: `insert` (fresh ids), `overwrite` (every id exists),
//! `mixed` (half existing, half new; the same id pattern as the Milvus Lite peer benchmark).
//! Each for every sync policy. Beside them, `raw_fsync` writes the same column bytes to a plain
//! file with `write_all` + `sync_data` per batch: the floor of a durable write on this disk.
//!
//! Then: flush and compaction of a 100k x 128 collection, and for a 1,000,000 x 128 and a
//! 1,000,000 x 8 database (built once per run in a temp dir): the final flush of the build,
//! reopen, and one compaction after every tenth key was overwritten.
//!
//! At the end a summary table (median of the measured iterations) is printed to stdout.
//!
//! `VECLITE_BENCH_QUICK=1` shrinks the sizes (for smoke runs).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{Column, Database, Field, FieldType, Options, Schema, SyncPolicy};

const BATCH: usize = 3_000;
const SEED: u64 = 20_240_601;

/// Per benchmark: every measured duration and the rows (or 0 for whole operations) it covered.
static RESULTS: Mutex<BTreeMap<String, (u64, Vec<Duration>)>> = Mutex::new(BTreeMap::new());

fn record(name: &str, rows: u64, d: Duration) {
    let mut r = RESULTS.lock().unwrap();
    let e = r.entry(name.to_owned()).or_insert((rows, Vec::new()));
    e.1.push(d);
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn quick() -> bool {
    std::env::var_os("VECLITE_BENCH_QUICK").is_some()
}

fn schema(dim: usize) -> Schema {
    Schema::builder("bench")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: dim as u32 }))
        .build()
        .unwrap()
}

/// Rows of one phase: ids, `random`, vectors.
struct Rows {
    ids: Vec<i64>,
    random: Vec<f64>,
    vectors: Vec<f32>,
    dim: usize,
}

impl Rows {
    fn generate(ids: Vec<i64>, dim: usize, rng: &mut StdRng) -> Rows {
        let n = ids.len();
        Rows {
            random: (0..n).map(|_| rng.random()).collect(),
            vectors: (0..n * dim).map(|_| rng.random()).collect(),
            ids,
            dim,
        }
    }

    fn batches(&self) -> Vec<Vec<Column>> {
        (0..self.ids.len())
            .step_by(BATCH)
            .map(|s| {
                let e = (s + BATCH).min(self.ids.len());
                vec![
                    Column::int64("ID", self.ids[s..e].to_vec()),
                    Column::double("random", self.random[s..e].to_vec()),
                    Column::float_vector(
                        "embeddings",
                        self.dim,
                        self.vectors[s * self.dim..e * self.dim].to_vec(),
                    ),
                ]
            })
            .collect()
    }

    /// The same column bytes, per batch, as a plain file would receive them.
    fn raw_batches(&self) -> Vec<Vec<u8>> {
        (0..self.ids.len())
            .step_by(BATCH)
            .map(|s| {
                let e = (s + BATCH).min(self.ids.len());
                let mut b = Vec::with_capacity((e - s) * (16 + self.dim * 4));
                b.extend(self.ids[s..e].iter().flat_map(|v| v.to_le_bytes()));
                b.extend(self.random[s..e].iter().flat_map(|v| v.to_le_bytes()));
                b.extend(self.vectors[s * self.dim..e * self.dim].iter().flat_map(|v| v.to_le_bytes()));
                b
            })
            .collect()
    }
}

struct Workload {
    n: usize,
    dim: usize,
    insert: Rows,
    overwrite: Rows,
    mixed: Rows,
}

impl Workload {
    fn new(n: usize, dim: usize) -> Workload {
        let mut rng = StdRng::seed_from_u64(SEED + dim as u64);
        let half = n / 2;
        let mixed_ids = (0..half as i64).chain(n as i64..(n + n - half) as i64).collect();
        Workload {
            n,
            dim,
            insert: Rows::generate((0..n as i64).collect(), dim, &mut rng),
            overwrite: Rows::generate((0..n as i64).collect(), dim, &mut rng),
            mixed: Rows::generate(mixed_ids, dim, &mut rng),
        }
    }
}

fn policy_name(p: SyncPolicy) -> &'static str {
    match p {
        SyncPolicy::EveryWrite => "every_write",
        SyncPolicy::Interval(_) => "interval_100ms",
        SyncPolicy::None => "none",
    }
}

fn open(dir: &Path, sync: SyncPolicy) -> Database {
    Database::open(dir, Options { sync, ..Options::default() }).unwrap()
}

fn upsert_all(db: &Database, batches: Vec<Vec<Column>>) {
    for b in batches {
        db.upsert("bench", "", b).unwrap();
    }
}

/// One measured run of `phase` on a fresh database; returns the time of the phase only.
fn run_phase(w: &Workload, phase: &str, sync: SyncPolicy) -> Duration {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path(), sync);
    db.create_collection(schema(w.dim)).unwrap();
    if phase != "insert" {
        upsert_all(&db, w.insert.batches());
    }
    let rows = match phase {
        "insert" => &w.insert,
        "overwrite" => &w.overwrite,
        _ => &w.mixed,
    };
    let batches = rows.batches();
    let t = Instant::now();
    upsert_all(&db, batches);
    let d = t.elapsed();
    let expected = if phase == "mixed" { w.n + w.n - w.n / 2 } else { w.n };
    assert_eq!(db.count("bench", &[]).unwrap(), expected as u64);
    db.close().unwrap();
    d
}

fn run_raw(w: &Workload) -> Duration {
    let tmp = tempfile::tempdir().unwrap();
    let batches = w.insert.raw_batches();
    let mut f = File::create(tmp.path().join("raw.bin")).unwrap();
    let t = Instant::now();
    for b in &batches {
        f.write_all(b).unwrap();
        f.sync_data().unwrap();
    }
    t.elapsed()
}

fn bench_upserts(c: &mut Criterion) {
    let configs: &[(usize, usize)] = if quick() {
        &[(3_000, 8), (9_000, 128), (6_000, 768)]
    } else {
        &[(3_000, 8), (100_000, 128), (20_000, 768)]
    };
    let policies =
        [SyncPolicy::EveryWrite, SyncPolicy::Interval(Duration::from_millis(100)), SyncPolicy::None];
    for &(n, dim) in configs {
        let w = Workload::new(n, dim);
        let mut g = c.benchmark_group(format!("upsert/{n}x{dim}"));
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(1))
            .measurement_time(Duration::from_millis(1))
            .throughput(Throughput::Elements(n as u64));
        let key = format!("{n}x{dim}");
        g.bench_function("raw_fsync", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let d = run_raw(&w);
                        record(&format!("{key}/raw_fsync"), n as u64, d);
                        d
                    })
                    .sum()
            })
        });
        for policy in policies {
            for phase in ["insert", "overwrite", "mixed"] {
                let id = BenchmarkId::new(phase, policy_name(policy));
                g.bench_function(id, |b| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| {
                                let d = run_phase(&w, phase, policy);
                                record(&format!("{key}/{phase}/{}", policy_name(policy)), n as u64, d);
                                d
                            })
                            .sum()
                    })
                });
            }
        }
        g.finish();
    }
}

fn bench_maintenance(c: &mut Criterion) {
    let (n, dim) = if quick() { (9_000, 128) } else { (100_000, 128) };
    let w = Workload::new(n, dim);
    let mut g = c.benchmark_group(format!("maintenance/{n}x{dim}"));
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_millis(1));
    // Automatic compaction off, so that `compact` has the work to do.
    let options = || Options {
        compaction_deleted_ratio: 2.0,
        compaction_small_segments: usize::MAX,
        ..Options::default()
    };
    g.bench_function("flush", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let tmp = tempfile::tempdir().unwrap();
                    let db = Database::open(tmp.path(), options()).unwrap();
                    db.create_collection(schema(dim)).unwrap();
                    upsert_all(&db, w.insert.batches());
                    let t = Instant::now();
                    db.flush("bench").unwrap();
                    let d = t.elapsed();
                    record(&format!("flush {n}x{dim}"), 0, d);
                    d
                })
                .sum()
        })
    });
    g.bench_function("compact", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    // One flushed segment of n rows, half of them overwritten into a second one.
                    let tmp = tempfile::tempdir().unwrap();
                    let db = Database::open(tmp.path(), options()).unwrap();
                    db.create_collection(schema(dim)).unwrap();
                    upsert_all(&db, w.insert.batches());
                    db.flush("bench").unwrap();
                    let half = w.overwrite.batches();
                    let half_len = half.len() / 2;
                    upsert_all(&db, half.into_iter().take(half_len).collect());
                    db.flush("bench").unwrap();
                    let t = Instant::now();
                    let stats = db.compact("bench").unwrap();
                    let d = t.elapsed();
                    assert!(stats.rows_dropped > 0, "{stats:?}");
                    assert_eq!(db.count("bench", &[]).unwrap(), n as u64);
                    record(&format!("compact {n}x{dim}"), 0, d);
                    d
                })
                .sum()
        })
    });
    g.finish();
}

/// Builds a flushed database of `n` rows at `dim` (sync off: only the build is quick); returns
/// the time of the final flush.
fn build_large(dir: &Path, n: usize, dim: usize) -> Duration {
    let db = open(dir, SyncPolicy::None);
    db.create_collection(schema(dim)).unwrap();
    let mut rng = StdRng::seed_from_u64(SEED);
    let chunk = 10_000;
    for s in (0..n).step_by(chunk) {
        let e = (s + chunk).min(n);
        let rows = Rows::generate((s as i64..e as i64).collect(), dim, &mut rng);
        db.upsert(
            "bench",
            "",
            vec![
                Column::int64("ID", rows.ids),
                Column::double("random", rows.random),
                Column::float_vector("embeddings", dim, rows.vectors),
            ],
        )
        .unwrap();
    }
    let t = Instant::now();
    db.flush("bench").unwrap();
    let flush = t.elapsed();
    db.close().unwrap();
    flush
}

/// Compaction of the large database at `dir` after every tenth key was overwritten (so every
/// segment has deleted rows and is rewritten); returns its time.
fn compact_large(dir: &Path, n: usize, dim: usize) -> Duration {
    let options = Options {
        compaction_deleted_ratio: 2.0,
        compaction_small_segments: usize::MAX,
        ..Options::default()
    };
    let db = Database::open(dir, Options { sync: SyncPolicy::None, ..options }).unwrap();
    let mut rng = StdRng::seed_from_u64(SEED + 1);
    let ids: Vec<i64> = (0..n as i64).step_by(10).collect();
    for chunk in ids.chunks(10_000) {
        let rows = Rows::generate(chunk.to_vec(), dim, &mut rng);
        let columns = vec![
            Column::int64("ID", rows.ids),
            Column::double("random", rows.random),
            Column::float_vector("embeddings", dim, rows.vectors),
        ];
        db.upsert("bench", "", columns).unwrap();
    }
    db.flush("bench").unwrap();
    let t = Instant::now();
    let stats = db.compact("bench").unwrap();
    let d = t.elapsed();
    assert_eq!(stats.rows_dropped, ids.len() as u64, "{stats:?}");
    assert_eq!(db.count("bench", &[]).unwrap(), n as u64);
    db.close().unwrap();
    d
}

fn bench_reopen(c: &mut Criterion) {
    let n = if quick() { 100_000 } else { 1_000_000 };
    let mut g = c.benchmark_group("reopen");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_millis(1));
    for dim in [128, 8] {
        let tmp = tempfile::tempdir().unwrap();
        let t = Instant::now();
        let flush = build_large(tmp.path(), n, dim);
        eprintln!("built {n} x {dim} in {:?}", t.elapsed());
        record(&format!("flush {n}x{dim} (last of {n} upserts)"), 0, flush);
        g.bench_function(BenchmarkId::new(format!("{n}x"), dim), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let t = Instant::now();
                        let db = open(tmp.path(), SyncPolicy::EveryWrite);
                        let count = db.count("bench", &[]).unwrap();
                        let d = t.elapsed();
                        assert_eq!(count, n as u64);
                        db.close().unwrap();
                        record(&format!("reopen {n}x{dim}"), 0, d);
                        d
                    })
                    .sum()
            })
        });
        record(
            &format!("compact {n}x{dim} (every 10th key overwritten; one run)"),
            0,
            compact_large(tmp.path(), n, dim),
        );
    }
    g.finish();
}

fn summary() {
    let results = RESULTS.lock().unwrap();
    let rate = |k: &str| results.get(k).map(|(rows, d)| *rows as f64 / median(d).as_secs_f64());
    println!();
    println!("## veclite upsert throughput (rows/s, median; batches of {BATCH})");
    println!();
    println!(
        "| workload | phase | every_write | interval_100ms | none | raw write+fsync | every_write / raw |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut workloads: Vec<&str> = results.keys().filter_map(|k| k.strip_suffix("/raw_fsync")).collect();
    workloads.sort_by_key(|w| {
        let (n, d) = w.split_once('x').unwrap();
        (d.parse::<usize>().unwrap(), n.parse::<usize>().unwrap())
    });
    for w in workloads {
        let raw = rate(&format!("{w}/raw_fsync")).unwrap_or(f64::NAN);
        for phase in ["insert", "overwrite", "mixed"] {
            let cell = |p: &str| rate(&format!("{w}/{phase}/{p}")).unwrap_or(f64::NAN);
            let ew = cell("every_write");
            println!(
                "| {w} | {phase} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} % |",
                ew,
                cell("interval_100ms"),
                cell("none"),
                raw,
                100.0 * ew / raw
            );
        }
    }
    println!();
    println!("| operation | median | min | max |");
    println!("|---|---:|---:|---:|");
    for (k, (rows, d)) in results.iter() {
        if *rows == 0 {
            let min = d.iter().min().unwrap();
            let max = d.iter().max().unwrap();
            println!(
                "| {k} | {:.1} ms | {:.1} ms | {:.1} ms |",
                median(d).as_secs_f64() * 1e3,
                min.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args().without_plots();
    bench_upserts(&mut c);
    bench_maintenance(&mut c);
    bench_reopen(&mut c);
    c.final_summary();
    summary();
}
