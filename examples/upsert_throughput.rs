//! Upsert throughput of veclite on the peer-benchmark workload, printed as one JSON line.
//!
//! On a fresh database (schema `ID` Int64 PK, `random` Double, `embeddings` FloatVector), in
//! batches: `insert` upserts ids `0..n` (all new), `overwrite` upserts ids `0..n` again (all
//! existing), `mixed` upserts ids `0..n/2` and `n..n + n/2` (half existing, half new) — the same
//! phases and id pattern as section A of `bench_peers.py`. Then flush, count and a value check.
//!
//! Values are random (seeded), or read from files with `--vectors` (raw little-endian f32,
//! `3n × dim`) and `--randoms` (raw little-endian f64, `3n`): rows `0..n` feed `insert`,
//! `n..2n` `overwrite` and `2n..3n` `mixed`, so another program can replay the same data.
//!
//! ```text
//! cargo run --release --example upsert_throughput -- [--n 100000] [--dim 128] [--batch 3000]
//!     [--sync every_write|interval|none] [--dir PATH] [--vectors F.f32 --randoms F.f64]
//! ```

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{Column, ColumnData, Database, Field, FieldType, Options, PrimaryKeys, Schema, SyncPolicy};

struct Args {
    n: usize,
    dim: usize,
    batch: usize,
    sync: String,
    dir: Option<String>,
    vectors: Option<String>,
    randoms: Option<String>,
}

fn parse_args() -> Args {
    let mut a = Args {
        n: 100_000,
        dim: 128,
        batch: 3_000,
        sync: "every_write".into(),
        dir: None,
        vectors: None,
        randoms: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--n" => a.n = value().parse().expect("--n"),
            "--dim" => a.dim = value().parse().expect("--dim"),
            "--batch" => a.batch = value().parse().expect("--batch"),
            "--sync" => a.sync = value(),
            "--dir" => a.dir = Some(value()),
            "--vectors" => a.vectors = Some(value()),
            "--randoms" => a.randoms = Some(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// Batches of columns for `ids`, with fresh random values.
fn batches(ids: &[i64], dim: usize, batch: usize, rng: &mut StdRng) -> Vec<Vec<Column>> {
    ids.chunks(batch)
        .map(|chunk| {
            vec![
                Column::int64("ID", chunk.to_vec()),
                Column::double("random", (0..chunk.len()).map(|_| rng.random()).collect()),
                Column::float_vector(
                    "embeddings",
                    dim,
                    (0..chunk.len() * dim).map(|_| rng.random()).collect(),
                ),
            ]
        })
        .collect()
}

/// The phase values (`random`, `embeddings`) read from files: `3n` rows.
struct Values {
    randoms: Vec<f64>,
    vectors: Vec<f32>,
}

fn read_values(randoms: &str, vectors: &str) -> Values {
    let read = |p: &str| std::fs::read(p).unwrap_or_else(|e| panic!("reading {p}: {e}"));
    Values {
        randoms: read(randoms)
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect(),
        vectors: read(vectors)
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect(),
    }
}

/// Batches of columns for `ids` with the values of rows `first..first + ids.len()` of `values`.
fn batches_from(ids: &[i64], dim: usize, batch: usize, values: &Values, first: usize) -> Vec<Vec<Column>> {
    ids.chunks(batch)
        .enumerate()
        .map(|(b, chunk)| {
            let row = first + b * batch;
            vec![
                Column::int64("ID", chunk.to_vec()),
                Column::double("random", values.randoms[row..row + chunk.len()].to_vec()),
                Column::float_vector(
                    "embeddings",
                    dim,
                    values.vectors[row * dim..(row + chunk.len()) * dim].to_vec(),
                ),
            ]
        })
        .collect()
}

/// CPU time used so far by every thread of this process (background seals included).
fn process_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Upserts every batch; returns the elapsed wall-clock and process CPU time.
fn run(db: &Database, batches: Vec<Vec<Column>>) -> (Duration, Duration) {
    let (t, cpu) = (Instant::now(), process_cpu());
    for b in batches {
        db.upsert("bench", "", b).expect("upsert");
    }
    (t.elapsed(), process_cpu() - cpu)
}

fn random_of(batches: &[Vec<Column>]) -> Vec<(i64, f64)> {
    batches
        .iter()
        .flat_map(|b| {
            let (ColumnData::Int64(ids), ColumnData::Double(r)) = (b[0].data(), b[1].data()) else {
                unreachable!("built above")
            };
            ids.iter().copied().zip(r.iter().copied()).collect::<Vec<_>>()
        })
        .collect()
}

fn main() {
    let args = parse_args();
    let sync = match args.sync.as_str() {
        "every_write" => SyncPolicy::EveryWrite,
        "interval" => SyncPolicy::Interval(Duration::from_millis(100)),
        "none" => SyncPolicy::None,
        other => panic!("unknown sync policy {other}"),
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = args.dir.clone().map_or_else(|| tmp.path().to_path_buf(), Into::into);
    let (n, dim) = (args.n, args.dim);
    let mut rng = StdRng::seed_from_u64(20_240_601 + dim as u64);
    let ids: Vec<i64> = (0..n as i64).collect();
    let half = n / 2;
    let mixed_ids: Vec<i64> = (0..half as i64).chain(n as i64..(n + n - half) as i64).collect();
    let (ins, ups, mix) = match (&args.randoms, &args.vectors) {
        (Some(r), Some(v)) => {
            let values = read_values(r, v);
            assert!(
                values.randoms.len() >= 3 * n && values.vectors.len() >= 3 * n * dim,
                "--randoms / --vectors need 3n rows"
            );
            (
                batches_from(&ids, dim, args.batch, &values, 0),
                batches_from(&ids, dim, args.batch, &values, n),
                batches_from(&mixed_ids, dim, args.batch, &values, 2 * n),
            )
        }
        (None, None) => (
            batches(&ids, dim, args.batch, &mut rng),
            batches(&ids, dim, args.batch, &mut rng),
            batches(&mixed_ids, dim, args.batch, &mut rng),
        ),
        _ => panic!("--vectors and --randoms go together"),
    };
    // The expected `random` of every id after the three phases, to check a sample afterwards.
    let mut expect: std::collections::HashMap<i64, f64> = random_of(&ins).into_iter().collect();
    expect.extend(random_of(&ups));
    expect.extend(random_of(&mix));

    let t = Instant::now();
    let db = Database::open(&dir, Options { sync, ..Options::default() }).expect("open");
    let open_s = t.elapsed().as_secs_f64();
    let schema = Schema::builder("bench")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: dim as u32 }))
        .build()
        .expect("schema");
    db.create_collection(schema).expect("create");

    let insert = run(&db, ins);
    let overwrite = run(&db, ups);
    let mixed = run(&db, mix);
    let t = Instant::now();
    db.flush("bench").expect("flush");
    let flush_s = t.elapsed().as_secs_f64();
    let count = db.count("bench", &[]).expect("count");
    let expected_distinct = (n + n - half) as u64;
    // The distinct ids are exactly `0..expected_distinct`.
    let sample: Vec<i64> = (0..300)
        .map(|_| rng.random_range(0..expected_distinct as i64))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let got = db.get("bench", &[], &PrimaryKeys::Int(sample.clone()), &["random"]).expect("get");
    let (ColumnData::Int64(got_ids), ColumnData::Double(got_r)) =
        (got.column("ID").expect("ID").data(), got.column("random").expect("random").data())
    else {
        unreachable!("schema types")
    };
    let bad = got_ids.iter().zip(got_r).filter(|(id, r)| expect.get(id) != Some(r)).count()
        + sample.len().saturating_sub(got_ids.len());
    db.close().expect("close");
    let t = Instant::now();
    let db = Database::open(&dir, Options::default()).expect("reopen");
    let reopen_count = db.count("bench", &[]).expect("count");
    let reopen_s = t.elapsed().as_secs_f64();
    db.close().expect("close");

    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let cpu_rate = |(_, cpu): (Duration, Duration)| n as f64 / cpu.as_secs_f64();
    let out = serde_json::json!({
        "impl": format!("veclite {}", env!("CARGO_PKG_VERSION")),
        "sync": args.sync,
        "n": n,
        "dim": dim,
        "batch_rows": args.batch,
        "open_s": open_s,
        "insert_rows_per_s": rate(insert.0),
        "upsert_overwrite_rows_per_s": rate(overwrite.0),
        "upsert_mixed_rows_per_s": rate(mixed.0),
        "insert_rows_per_cpu_s": cpu_rate(insert),
        "upsert_overwrite_rows_per_cpu_s": cpu_rate(overwrite),
        "upsert_mixed_rows_per_cpu_s": cpu_rate(mixed),
        "flush_s": flush_s,
        "count": count,
        "expected_distinct": expected_distinct,
        "count_ok": count == expected_distinct,
        "value_check_sampled": sample.len(),
        "value_check_bad": bad,
        "reopen_s": reopen_s,
        "reopen_count": reopen_count,
    });
    println!("{out}");
}
