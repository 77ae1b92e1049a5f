//! Concurrent writers and readers on one database.
//!
//! (a) Several threads upsert the same 500 keys, each call writing ALL keys with one per-batch
//!     payload (in `random` and encoded in the vector), while other threads read every key (get and
//!     iterate) and a maintenance thread flushes. Any read must show exactly one payload for all
//!     500 rows: a torn batch (some rows of a batch applied, others not) would show two.
//! (b) Writes to two collections proceed concurrently and both end complete.
//! (c) `Database` is `Send + Sync`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use veclite::{Column, ColumnData, Database, Field, FieldType, Options, PrimaryKeys, Schema};

const KEYS: i64 = 500;
const DIM: usize = 4;

// (c) A compile-time check: this fails to build if `Database` is not `Send + Sync`.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Database>();
};

fn schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

/// The vector that encodes `payload`.
fn encode(payload: u32) -> [f32; DIM] {
    let p = payload as f32;
    [p, -p, p * 0.5, 1.0]
}

/// Every key `0..KEYS` with `payload`.
fn full_batch(payload: u32) -> Vec<Column> {
    let n = KEYS as usize;
    vec![
        Column::int64("ID", (0..KEYS).collect()),
        Column::double("random", vec![f64::from(payload); n]),
        Column::float_vector("embeddings", DIM, (0..n).flat_map(|_| encode(payload)).collect()),
    ]
}

/// Checks that a read result holds every key exactly once and a single payload; returns it.
fn single_payload(columns: &veclite::QueryResult) -> u32 {
    let ColumnData::Int64(ids) = columns.column("ID").unwrap().data() else { panic!("ID is not Int64") };
    let ColumnData::Double(random) = columns.column("random").unwrap().data() else {
        panic!("random is not Double")
    };
    let ColumnData::FloatVector { data, .. } = columns.column("embeddings").unwrap().data() else {
        panic!("embeddings is not a vector")
    };
    assert_eq!(ids.len(), KEYS as usize, "a read did not return every key");
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..KEYS).collect::<Vec<_>>(), "keys missing or repeated");
    let payload = random[0];
    assert_eq!(payload.fract(), 0.0);
    let payload = payload as u32;
    for (i, r) in random.iter().enumerate() {
        assert_eq!(
            *r,
            f64::from(payload),
            "torn batch: row {i} (key {}) has payload {r}, row 0 has {payload}",
            ids[i]
        );
        assert_eq!(
            &data[i * DIM..(i + 1) * DIM],
            &encode(payload),
            "row {i}: vector does not encode its payload {payload}"
        );
    }
    payload
}

#[test]
fn concurrent_upserts_of_same_keys_are_never_torn() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(
        dir.path(),
        Options {
            // Small, so that writes auto-seal while readers read.
            seal_threshold_bytes: 256 << 10,
            ..Options::default()
        },
    )
    .unwrap();
    db.create_collection(schema("same")).unwrap();
    db.upsert("same", "", full_batch(0)).unwrap();

    const WRITERS: u32 = 3;
    const BATCHES: u32 = 40;
    let writers_done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let payloads_seen = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));

    let mut readers = Vec::new();
    for reader in 0..3 {
        let db = db.clone();
        let done = Arc::clone(&writers_done);
        let reads = Arc::clone(&reads);
        let seen = Arc::clone(&payloads_seen);
        readers.push(std::thread::spawn(move || {
            let keys = PrimaryKeys::Int((0..KEYS).rev().collect());
            while !done.load(Ordering::Acquire) {
                let result = if reader == 2 {
                    db.iterate("same", &[], &["*"], Some(KEYS as usize + 10), 0).unwrap()
                } else {
                    db.get("same", &[], &keys, &["random", "embeddings"]).unwrap()
                };
                let p = single_payload(&result);
                assert_eq!(db.count("same", &[]).unwrap(), KEYS as u64);
                seen.lock().unwrap().insert(p);
                reads.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let flusher = {
        let db = db.clone();
        let done = Arc::clone(&writers_done);
        std::thread::spawn(move || {
            let mut flushes = 0;
            while !done.load(Ordering::Acquire) {
                db.flush("same").unwrap();
                flushes += 1;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            flushes
        })
    };
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut last = (0, 0);
                for b in 0..BATCHES {
                    let payload = 1 + w * 1_000 + b;
                    let r = db.upsert("same", "", full_batch(payload)).unwrap();
                    assert_eq!(r.upsert_count, KEYS as u64);
                    assert_eq!(r.delete_count, KEYS as u64, "every key existed: all replaced");
                    last = last.max((r.timestamp, payload));
                }
                last
            })
        })
        .collect();
    let lasts: Vec<(u64, u32)> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    writers_done.store(true, Ordering::Release);
    for r in readers {
        r.join().unwrap();
    }
    let flushes = flusher.join().unwrap();
    assert!(flushes > 0);
    // Reads interleaved with the writes: they saw several successive states.
    let distinct = payloads_seen.lock().unwrap().len();
    assert!(distinct >= 2, "{} reads saw only {distinct} payload(s)", reads.load(Ordering::Relaxed));

    // The final state is the payload of the write with the highest timestamp, entirely.
    let (_, expected) = *lasts.iter().max().unwrap();
    let keys = PrimaryKeys::Int((0..KEYS).collect());
    let final_read = db.get("same", &[], &keys, &["random", "embeddings"]).unwrap();
    assert_eq!(single_payload(&final_read), expected);
    assert_eq!(db.count("same", &[]).unwrap(), KEYS as u64);
    // And it survives a reopen.
    db.close().unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    let reread = db.get("same", &[], &keys, &["random", "embeddings"]).unwrap();
    assert_eq!(single_payload(&reread), expected);
    assert_eq!(db.count("same", &[]).unwrap(), KEYS as u64);
}

#[test]
fn writes_to_two_collections_proceed_concurrently() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    db.create_collection(schema("left")).unwrap();
    db.create_collection(schema("right")).unwrap();
    let big_dim = 128;
    let big = Schema::builder("big")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("embeddings", FieldType::FloatVector { dim: big_dim as u32 }))
        .build()
        .unwrap();
    db.create_collection(big).unwrap();
    let big_rows = 40_000;
    for chunk in (0..big_rows).collect::<Vec<i64>>().chunks(10_000) {
        db.upsert(
            "big",
            "",
            vec![
                Column::int64("ID", chunk.to_vec()),
                Column::float_vector(
                    "embeddings",
                    big_dim,
                    chunk.iter().flat_map(|&k| (0..big_dim).map(move |j| (k as f32) + j as f32)).collect(),
                ),
            ],
        )
        .unwrap();
    }

    let start = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    const MIN_BATCHES: u32 = 30;
    let threads: Vec<_> = ["left", "right"]
        .into_iter()
        .enumerate()
        .map(|(t, name)| {
            let db = db.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut spans = Vec::new();
                let mut b = 0;
                while b < MIN_BATCHES || !stop.load(Ordering::Acquire) {
                    let payload = (t as u32 + 1) * 100_000 + b;
                    let t0 = start.elapsed();
                    db.upsert(name, "", full_batch(payload)).unwrap();
                    spans.push((t0, start.elapsed()));
                    b += 1;
                }
                spans
            })
        })
        .collect();
    // A long flush of a third collection holds that collection's writer lock meanwhile.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let f0 = start.elapsed();
    db.flush("big").unwrap();
    let f1 = start.elapsed();
    stop.store(true, Ordering::Release);
    let spans: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    // Both collections hold their own last batch, complete.
    let keys = PrimaryKeys::Int((0..KEYS).collect());
    for (t, name) in ["left", "right"].into_iter().enumerate() {
        let r = db.get(name, &[], &keys, &["random", "embeddings"]).unwrap();
        let last = spans[t].len() as u32 - 1;
        assert_eq!(single_payload(&r), (t as u32 + 1) * 100_000 + last);
        assert_eq!(db.count(name, &[]).unwrap(), KEYS as u64);
    }
    assert_eq!(db.count("big", &[]).unwrap(), big_rows as u64);
    // `left` and `right` made progress while `big` was flushing: writes that started after the
    // flush began and returned before it ended. Under a database-wide write lock at most one
    // write (one that took the lock before the flush did) could do that per collection.
    let inside: usize = spans.iter().map(|s| s.iter().filter(|(a, b)| *a > f0 && *b < f1).count()).sum();
    assert!(inside >= 3, "only {inside} writes to other collections completed during a {:?} flush", f1 - f0);
    // And the writers of `left` and `right` overlapped each other.
    let overlaps = spans[0].iter().filter(|a| spans[1].iter().any(|b| a.0 < b.1 && b.0 < a.1)).count();
    assert!(overlaps > 0, "no write of `left` overlapped a write of `right`");
}
