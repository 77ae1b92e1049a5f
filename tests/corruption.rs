//! Damaged and foreign files at database level: errors, never wrong data or a panic.

use std::path::{Path, PathBuf};

use veclite::internals::format::{BlockKind, ENTRY_LEN, META_LEN, TRAILER_LEN};
use veclite::{
    Column, ColumnData, Database, Error, Field, FieldType, Options, PrimaryKeys, Schema, Status, SyncPolicy,
};

const DIM: usize = 8;

fn schema() -> Schema {
    Schema::builder("c")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

/// Rows `keys` with values derived from `tag`.
fn batch(keys: std::ops::Range<i64>, tag: f64) -> Vec<Column> {
    let keys: Vec<i64> = keys.collect();
    vec![
        Column::double("random", keys.iter().map(|&k| k as f64 + tag).collect()),
        Column::float_vector(
            "embeddings",
            DIM,
            keys.iter()
                .flat_map(|&k| (0..DIM).map(move |j| (k * 10 + j as i64) as f32 + tag as f32))
                .collect(),
        ),
        Column::int64("ID", keys),
    ]
}

fn collection_dir(db_dir: &Path, db: &Database) -> PathBuf {
    let id = db.describe_collection("c").unwrap().id;
    db_dir.join("collections").join(id.to_string())
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// A database with one flushed (sealed) segment of 100 rows; returns the segment file.
fn sealed_db(dir: &Path) -> PathBuf {
    let db = Database::open(dir, Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    db.upsert("c", "", batch(0..100, 0.5)).unwrap();
    db.flush("c").unwrap();
    let cdir = collection_dir(dir, &db);
    db.close().unwrap();
    let segs = files_with_ext(&cdir, "seg");
    assert_eq!(segs.len(), 1, "expected one sealed segment: {segs:?}");
    segs[0].clone()
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Start of the footer and the `(kind, field, offset, len)` of every block, per the documented
/// layout in `segment/format.rs`.
fn footer(bytes: &[u8]) -> (usize, Vec<(u16, u16, usize, usize)>) {
    let n = bytes.len();
    let footer_len = u32_at(bytes, n - TRAILER_LEN) as usize;
    let start = n - footer_len;
    let meta = n - TRAILER_LEN - META_LEN;
    let n_blocks = u32_at(bytes, meta + 24) as usize;
    assert_eq!(start + n_blocks * ENTRY_LEN, meta);
    let entries = (0..n_blocks)
        .map(|i| {
            let e = start + i * ENTRY_LEN;
            (
                u16::from_le_bytes([bytes[e], bytes[e + 1]]),
                u16::from_le_bytes([bytes[e + 2], bytes[e + 3]]),
                u64_at(bytes, e + 8) as usize,
                u64_at(bytes, e + 16) as usize,
            )
        })
        .collect();
    (start, entries)
}

fn assert_corrupted<T: std::fmt::Debug>(r: veclite::Result<T>, what: &str) {
    match r {
        Err(e @ Error::Corrupted { .. }) => assert_eq!(e.status(), Status::Corrupted),
        other => panic!("{what}: expected Corrupted, got {other:?}"),
    }
}

#[test]
fn flipped_vector_byte_fails_reads_of_that_field_only() {
    let tmp = tempfile::tempdir().unwrap();
    let seg = sealed_db(tmp.path());
    let mut bytes = std::fs::read(&seg).unwrap();
    let (_, blocks) = footer(&bytes);
    // Field 2 is `embeddings`.
    let &(_, _, offset, len) =
        blocks.iter().find(|b| b.0 == BlockKind::Values as u16 && b.1 == 2).expect("no vector values block");
    assert_eq!(len, 100 * DIM * 4);
    assert_eq!(offset % 64, 0, "vector block must be 64-byte aligned");
    bytes[offset + 17 * DIM * 4 + 3] ^= 0x40;
    std::fs::write(&seg, &bytes).unwrap();

    // Opening reads no vector data, so it succeeds.
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 100);
    // Other fields still read correctly.
    let r = db.get("c", &[], &PrimaryKeys::Int(vec![17, 3]), &["random"]).unwrap();
    assert_eq!(r.column("random").unwrap().data(), &ColumnData::Double(vec![17.5, 3.5]));
    // Every read of the damaged field fails with Corrupted, including rows whose bytes are intact
    // (the block checksum covers the whole block), again and again.
    for key in [17, 3] {
        for _ in 0..2 {
            assert_corrupted(
                db.get("c", &[], &PrimaryKeys::Int(vec![key]), &["embeddings"]),
                "get embeddings",
            );
        }
    }
    assert_corrupted(db.iterate("c", &[], &["*"], Some(100), 0), "iterate all fields");
    db.close().unwrap();
}

#[test]
fn flipped_footer_byte_fails_open() {
    let tmp = tempfile::tempdir().unwrap();
    let seg = sealed_db(tmp.path());
    let pristine = std::fs::read(&seg).unwrap();
    let (start, _) = footer(&pristine);
    let n = pristine.len();
    // Every byte of the directory and meta (all covered by the footer checksum), and every byte of
    // the trailer (length, version, magic).
    for at in start..n {
        let mut bytes = pristine.clone();
        bytes[at] ^= 0x10;
        std::fs::write(&seg, &bytes).unwrap();
        let r = Database::open(tmp.path(), Options::default());
        let version_byte = (n - 12..n - 8).contains(&at);
        match r {
            Err(Error::Corrupted { .. }) => {}
            Err(Error::UnsupportedFormat { .. }) if version_byte => {}
            other => panic!("footer byte {at} of {n} flipped: expected Corrupted, got {other:?}"),
        }
    }
    // Restored, it opens again with all data.
    std::fs::write(&seg, &pristine).unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 100);
    db.close().unwrap();
}

#[test]
fn truncated_wal_tail_recovers_every_whole_record() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    // Five batches, one WAL record each; the last one is the one we tear.
    for b in 0..5i64 {
        db.upsert("c", "", batch(b * 40..b * 40 + 40, b as f64)).unwrap();
    }
    // Batch 5 overwrites keys of batch 0: a torn record must not lose the old values either.
    db.upsert("c", "", batch(0..20, 99.0)).unwrap();
    let wal = collection_dir(tmp.path(), &db).join("wal-0.log");
    db.close().unwrap();
    let pristine = std::fs::read(&wal).unwrap();
    // Walk the frames (u32 length, u32 crc, payload) after the 16-byte header.
    let mut starts = Vec::new();
    let mut pos = 16;
    while pos < pristine.len() {
        starts.push(pos);
        pos += 8 + u32_at(&pristine, pos) as usize;
    }
    assert_eq!(pos, pristine.len());
    assert_eq!(starts.len(), 6, "one WAL record per write");
    let last = *starts.last().unwrap();
    let end = pristine.len();
    let cuts = [last + 1, last + 4, last + 7, last + 8, last + 9, (last + end) / 2, end - 1];
    let all = PrimaryKeys::Int((0..300).collect());
    for cut in cuts {
        std::fs::write(&wal, &pristine[..cut]).unwrap();
        let db = Database::open(tmp.path(), Options::default()).unwrap();
        assert_eq!(db.count("c", &[]).unwrap(), 200, "cut at {cut}");
        let r = db.get("c", &[], &all, &["random", "embeddings"]).unwrap();
        let ColumnData::Int64(ids) = r.column("ID").unwrap().data() else { panic!() };
        let ColumnData::Double(random) = r.column("random").unwrap().data() else { panic!() };
        let ColumnData::FloatVector { data, .. } = r.column("embeddings").unwrap().data() else { panic!() };
        assert_eq!(ids, &(0..200).collect::<Vec<i64>>(), "cut at {cut}");
        for (i, &k) in ids.iter().enumerate() {
            let tag = (k / 40) as f64; // the batch that wrote it; batch 5 is torn
            assert_eq!(random[i], k as f64 + tag, "cut at {cut}, key {k}");
            let want: Vec<f32> = (0..DIM).map(|j| (k * 10 + j as i64) as f32 + tag as f32).collect();
            assert_eq!(&data[i * DIM..(i + 1) * DIM], want.as_slice(), "key {k}");
        }
        db.close().unwrap();
    }
    // After recovery the log accepts new records that survive the next reopen.
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.upsert("c", "", batch(200..210, 7.0)).unwrap();
    db.close().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 210);
    let r = db.get("c", &[], &PrimaryKeys::Int(vec![205, 5]), &["random"]).unwrap();
    assert_eq!(r.column("random").unwrap().data(), &ColumnData::Double(vec![212.0, 5.0]));
    db.close().unwrap();
}

/// Keys with a live row, ascending.
fn live_keys(db: &Database) -> Vec<i64> {
    let r = db.get("c", &[], &PrimaryKeys::Int((0..100).collect()), &[]).unwrap();
    let ColumnData::Int64(ids) = r.column("ID").unwrap().data() else { panic!() };
    ids.clone()
}

#[test]
fn wal_generation_after_a_lost_tail_is_not_replayed() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    db.upsert("c", "", batch(0..10, 0.0)).unwrap(); // record A
    db.upsert("c", "", batch(10..20, 1.0)).unwrap(); // record B
    let cdir = collection_dir(tmp.path(), &db);
    db.close().unwrap();
    let wal = std::fs::read(cdir.join("wal-0.log")).unwrap();
    let b_start = 16 + 8 + u32_at(&wal, 16) as usize;
    let crc_of = |frame: usize| u32_at(&wal, frame + 4);
    // Generation 1 as a seal would start it: its header chains to the last record before it,
    // and it holds a copy of record B (so replaying it would bring keys 10..20 back).
    let next = |chain: u32| {
        let mut bytes = wal[..12].to_vec();
        bytes.extend_from_slice(&chain.to_le_bytes());
        bytes.extend_from_slice(&wal[b_start..]);
        bytes
    };
    let cases = [
        // (generation 0 as found, generation 1's chain, live keys after reopen)
        (wal.clone(), crc_of(b_start), (0..20).collect::<Vec<i64>>()),
        (wal[..b_start].to_vec(), crc_of(b_start), (0..10).collect()),
        (wal.clone(), crc_of(16), (0..20).collect()),
    ];
    // Only a log that is never fsynced can lose its tail while a later generation survives.
    let unsynced = Options { sync: SyncPolicy::None, ..Options::default() };
    for (i, (first, chain, want)) in cases.into_iter().enumerate() {
        std::fs::write(cdir.join("wal-0.log"), &first).unwrap();
        std::fs::write(cdir.join("wal-1.log"), next(chain)).unwrap();
        let db = Database::open(tmp.path(), unsynced.clone()).unwrap();
        assert_eq!(live_keys(&db), want, "case {i}");
        let chained = first.len() == wal.len() && chain == crc_of(b_start);
        assert_eq!(cdir.join("wal-1.log").exists(), chained, "case {i}: a generation after a gap is removed");
        // The log that stays open accepts writes that survive the next reopen.
        db.upsert("c", "", batch(50..52, 5.0)).unwrap();
        db.close().unwrap();
        let db = Database::open(tmp.path(), unsynced.clone()).unwrap();
        let mut expected = want.clone();
        expected.extend([50, 51]);
        assert_eq!(live_keys(&db), expected, "case {i} after reopen");
        db.close().unwrap();
        for f in files_with_ext(&cdir, "log") {
            std::fs::remove_file(f).unwrap();
        }
    }
}

#[test]
fn manifest_of_unknown_version_is_unsupported() {
    let tmp = tempfile::tempdir().unwrap();
    sealed_db(tmp.path());
    let manifest = tmp.path().join("MANIFEST");
    let mut bytes = std::fs::read(&manifest).unwrap();
    assert_eq!(&bytes[..8], b"VECLMAN\0");
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(&manifest, &bytes).unwrap();
    match Database::open(tmp.path(), Options::default()) {
        Err(e @ Error::UnsupportedFormat { version: 99, .. }) => {
            assert_eq!(e.status(), Status::UnsupportedFormat);
        }
        other => panic!("expected UnsupportedFormat, got {other:?}"),
    }
    // The failed open released the lock: fixing the file makes the database usable again.
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    std::fs::write(&manifest, &bytes).unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 100);
    db.close().unwrap();
}

#[test]
fn second_open_is_locked_until_close() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    db.upsert("c", "", batch(0..10, 0.0)).unwrap();
    for _ in 0..2 {
        match Database::open(tmp.path(), Options::default()) {
            Err(e @ Error::Locked(_)) => assert_eq!(e.status(), Status::Locked),
            other => panic!("expected Locked, got {other:?}"),
        }
    }
    // A clone is the same handle: closing it closes the database.
    let clone = db.clone();
    clone.close().unwrap();
    assert!(!db.is_open());
    assert!(matches!(db.count("c", &[]), Err(Error::Closed)));
    let db2 = Database::open(tmp.path(), Options::default()).unwrap();
    assert_eq!(db2.count("c", &[]).unwrap(), 10);
    db2.close().unwrap();
}

#[test]
fn missing_segment_deletes_or_index_file_is_corrupted_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let pristine = tmp.path().join("pristine");
    let db = Database::open(&pristine, Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    db.upsert("c", "", batch(0..100, 0.5)).unwrap();
    db.flush("c").unwrap();
    let params = veclite::IndexParams::Hnsw { m: 8, ef_construction: 32 };
    db.create_index(&veclite::Context::background(), "c", "embeddings", "h", veclite::Metric::L2, params)
        .unwrap();
    db.delete_by_pks("c", "", &PrimaryKeys::Int(vec![3, 4])).unwrap();
    db.flush("c").unwrap();
    let cdir = collection_dir(&pristine, &db);
    db.close().unwrap();
    let names: Vec<PathBuf> = ["seg", "del", "idx"]
        .iter()
        .map(|ext| files_with_ext(&cdir, ext).remove(0).strip_prefix(&pristine).unwrap().to_owned())
        .collect();
    for name in names {
        let copy = tmp.path().join("copy");
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&pristine, &copy);
        std::fs::remove_file(copy.join(&name)).unwrap();
        match Database::open(&copy, Options::default()) {
            Err(Error::Corrupted { file, reason }) => {
                assert!(file.ends_with(name.to_str().unwrap()), "{name:?}: error names {file}");
                assert!(reason.contains("missing"), "{name:?}: {reason}");
            }
            other => panic!("{name:?} deleted: expected Corrupted, got {other:?}"),
        }
    }
}

/// A damaged first WAL record followed by two whole records and then an incomplete one (a
/// crash during the next append): the whole records prove the damaged one was not the last, so
/// this is damage, not a torn tail, and must not drop the two intact acknowledged records.
#[test]
fn damaged_record_followed_by_whole_records_and_a_torn_append_is_corrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    for b in 0..3i64 {
        db.upsert("c", "", batch(b * 10..b * 10 + 10, 0.0)).unwrap();
    }
    let wal = collection_dir(tmp.path(), &db).join("wal-0.log");
    db.close().unwrap();
    let mut bytes = std::fs::read(&wal).unwrap();
    // The first record's length now runs past the end of the file; records 2 and 3 are intact;
    // then the frame of an append the crash interrupted.
    bytes[16 + 3] ^= 0x40;
    bytes.extend_from_slice(&[0x20, 0, 0, 0, 1, 2, 3, 4, 5]);
    std::fs::write(&wal, &bytes).unwrap();
    match Database::open(tmp.path(), Options::default()) {
        Err(Error::Corrupted { file, reason }) => assert!(file.ends_with("wal-0.log"), "{file}: {reason}"),
        Ok(db) => panic!("opened with {} rows of the 30 acknowledged", db.count("c", &[]).unwrap()),
        Err(e) => panic!("expected Corrupted, got {e}"),
    }
}

/// A WAL record whose checksum matches but whose column has another type than the schema's
/// field (here `random`, a Double, logged as Int64) is damage: open fails with `CORRUPTED`
/// naming the file and the record's offset, and `recover` keeps the records before it.
#[test]
fn wal_record_of_another_schema_is_corrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    db.upsert("c", "", batch(0..10, 0.0)).unwrap();
    db.upsert("c", "", batch(10..20, 0.0)).unwrap();
    let wal = collection_dir(tmp.path(), &db).join("wal-0.log");
    db.close().unwrap();
    let mut bytes = std::fs::read(&wal).unwrap();
    // The second record, of the same size as the first.
    let record = 16 + (bytes.len() - 16) / 2;
    // Payload: kind, timestamp, partition, rows, field count; then per field: type, dim,
    // validity flag, values (byte length u64, bytes). Field 0 is `ID`, field 1 `random`.
    let payload = record + 8;
    let field0 = payload + 1 + 8 + 8 + 8 + 4;
    let field1 = field0 + 6 + 8 + 10 * 8;
    assert_eq!(bytes[field1], 7, "type tag of a Double column");
    bytes[field1] = 5;
    let crc = crc32c::crc32c(&bytes[payload..]);
    bytes[record + 4..record + 8].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(&wal, &bytes).unwrap();
    let open = std::panic::catch_unwind(|| Database::open(tmp.path(), Options::default()));
    match open {
        Ok(Err(Error::Corrupted { file, reason })) => {
            assert!(file.ends_with("wal-0.log"), "{file}");
            assert!(reason.contains(&format!("at byte {record}")) && reason.contains("`random`"), "{reason}");
        }
        Ok(Err(e)) => panic!("expected Corrupted, got {e}"),
        Ok(Ok(_)) => panic!("opened"),
        Err(_) => panic!("open panicked"),
    }
    let recovered = std::panic::catch_unwind(|| Database::recover(tmp.path(), Options::default()));
    let Ok(Ok((db, report))) = recovered else { panic!("recover failed or panicked") };
    assert_eq!(db.count("c", &[]).unwrap(), 10, "the record before the damage is kept");
    assert_eq!(report.skipped.len(), 1, "{report:#?}");
    assert_eq!(
        (report.skipped[0].offset, report.skipped[0].len),
        (record as u64, (bytes.len() - record) as u64)
    );
}

/// Manifest row counts whose sum overflows (a checksum recomputed over the edited JSON) make
/// the open fail with `CORRUPTED`, not overflow while sizing the primary-key index.
#[test]
fn manifest_row_counts_summing_past_u64_max_are_corrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    for b in 0..2i64 {
        db.upsert("c", "", batch(b * 10..b * 10 + 10, 0.0)).unwrap();
        db.flush("c").unwrap();
    }
    db.close().unwrap();
    let manifest = tmp.path().join("MANIFEST");
    let bytes = std::fs::read(&manifest).unwrap();
    let json = std::str::from_utf8(&bytes[16..]).unwrap();
    assert_eq!(json.matches("\"rows\": 10,").count(), 2, "{json}");
    let json = json.replace("\"rows\": 10,", &format!("\"rows\": {},", u64::MAX - 1));
    let mut edited = bytes[..16].to_vec();
    edited[12..16].copy_from_slice(&crc32c::crc32c(json.as_bytes()).to_le_bytes());
    edited.extend_from_slice(json.as_bytes());
    std::fs::write(&manifest, &edited).unwrap();
    let open = std::panic::catch_unwind(|| Database::open(tmp.path(), Options::default()));
    match open {
        Ok(Err(Error::Corrupted { .. })) => {}
        Ok(Err(e)) => panic!("expected Corrupted, got {e}"),
        Ok(Ok(_)) => panic!("opened"),
        Err(_) => panic!("open panicked"),
    }
}

/// Copies the directory tree `from` to `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dst = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dst);
        } else {
            std::fs::copy(&path, &dst).unwrap();
        }
    }
}
