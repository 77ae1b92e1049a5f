//! What veclite deletes (only its own files, and only when the manifest shows they are no longer
//! needed), torn WAL tails versus damage, and `Database::recover`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use veclite::{Database, Error, Options, RecoveryReport, Status, SyncPolicy};

/// Every file under `dir` with its length and a hash of its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (usize, u64)> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                let mut hash = DefaultHasher::new();
                bytes.hash(&mut hash);
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), (bytes.len(), hash.finish()));
            }
        }
    }
    files
}

fn corrupted(result: veclite::Result<Database>) -> String {
    match result {
        Err(e @ Error::Corrupted { .. }) => e.to_string(),
        other => panic!("expected CORRUPTED, got {other:?}"),
    }
}

/// A database with collection `c`: 30 rows flushed into a segment, then `batches` WAL records of
/// 10 rows each. Returns the collection directory.
fn populated(dir: &Path, batches: i64) -> PathBuf {
    let db = seed_db(dir);
    db.upsert("c", "", seed_columns(&(0..30).collect::<Vec<_>>(), 0.0)).unwrap();
    db.flush("c").unwrap();
    for b in 0..batches {
        let ids: Vec<i64> = (100 + b * 10..110 + b * 10).collect();
        db.insert("c", "", seed_columns(&ids, 0.0)).unwrap();
    }
    let cdir = db.collection("c").unwrap().dir().to_path_buf();
    db.close().unwrap();
    // The flush removes the older WAL generation in the background; an open finishes that.
    open(dir).close().unwrap();
    cdir
}

/// The newest WAL generation of a collection directory.
fn newest_wal(cdir: &Path) -> PathBuf {
    let mut logs: Vec<(u64, PathBuf)> = std::fs::read_dir(cdir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let g = p.file_name()?.to_str()?.strip_prefix("wal-")?.strip_suffix(".log")?.parse().ok()?;
            Some((g, p))
        })
        .collect();
    logs.sort();
    logs.pop().unwrap().1
}

/// Offsets of the records of a WAL file (frames after the 16-byte header).
fn record_offsets(wal: &[u8]) -> Vec<usize> {
    let mut at = Vec::new();
    let mut pos = 16;
    while pos < wal.len() {
        at.push(pos);
        pos += 8 + u32::from_le_bytes(wal[pos..pos + 4].try_into().unwrap()) as usize;
    }
    at
}

#[test]
fn a_missing_manifest_fails_the_open_and_deletes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    populated(tmp.path(), 2);
    std::fs::remove_file(tmp.path().join("MANIFEST")).unwrap();
    let before = tree(tmp.path());
    let message = corrupted(Database::open(tmp.path(), Options::default()));
    assert!(message.contains("MANIFEST") && message.contains("missing"), "{message}");
    assert_eq!(tree(tmp.path()), before, "nothing is deleted or written");
    // Recovery cannot rebuild a catalog either, and changes nothing.
    assert_eq!(Database::recover(tmp.path(), Options::default()).unwrap_err().status(), Status::Corrupted);
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_directory_of_other_files_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), b"mine").unwrap();
    let err = Database::open(tmp.path(), Options::default()).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.to_string().contains("not a veclite database"), "{err}");
    let names: Vec<PathBuf> = tree(tmp.path()).into_keys().collect();
    assert_eq!(names, [PathBuf::from("a.txt")], "no lock file");
    assert_eq!(std::fs::read(tmp.path().join("a.txt")).unwrap(), b"mine");

    // A `collections` folder of other files, without a manifest: veclite data without its
    // catalog. Refused, and the file stays.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("collections/photos")).unwrap();
    std::fs::write(tmp.path().join("collections/photos/a.txt"), b"x").unwrap();
    let message = corrupted(Database::open(tmp.path(), Options::default()));
    assert!(message.contains("MANIFEST"), "{message}");
    assert!(tmp.path().join("collections/photos/a.txt").exists());

    let file = tmp.path().join("collections/photos/a.txt");
    let err = Database::open(&file, Options::default()).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument, "{err}");
}

#[test]
fn an_empty_path_is_an_invalid_argument() {
    let err = Database::open("", Options::default()).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.to_string().contains("path is empty"), "{err}");
    assert_eq!(Database::recover("", Options::default()).unwrap_err().status(), Status::InvalidArgument);
}

#[test]
fn missing_empty_and_never_initialised_directories_become_databases() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    for dir in [tmp.path().join("new/nested"), tmp.path().join("empty")] {
        let db = seed_db(&dir);
        db.upsert("c", "", seed_columns(&[1, 2], 0.0)).unwrap();
        db.close().unwrap();
        assert_eq!(open(&dir).count("c", &[]).unwrap(), 2);
    }
    // What an earlier build left after opening an empty directory: only the lock file.
    let old = tmp.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("LOCK"), b"").unwrap();
    assert!(open(&old).list_collections().unwrap().is_empty());
    assert!(old.join("MANIFEST").exists());
}

/// The id after that of the collection directory `dir`: the next id a database with two
/// collections created in a row allocates.
fn db_next_id(dir: &Path) -> u64 {
    dir.file_name().unwrap().to_str().unwrap().parse::<u64>().unwrap() + 1
}

#[test]
fn leftovers_of_dropped_collections_are_removed_but_not_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let db = seed_db(tmp.path());
    db.create_collection(seed_schema("gone")).unwrap();
    db.upsert("gone", "", seed_columns(&[1], 0.0)).unwrap();
    let gone = db.collection("gone").unwrap().dir().to_path_buf();
    db.drop_collection("gone").unwrap();
    db.close().unwrap();
    let root = tmp.path().join("collections");
    // A crash before the dropped collection's files were removed, plus files that are not
    // veclite's: a folder of photos, a directory of an id never allocated, a stranger's file in
    // the dropped collection's directory.
    std::fs::create_dir_all(&gone).unwrap();
    std::fs::write(gone.join("wal-0.log"), b"VECLWAL\0").unwrap();
    std::fs::write(gone.join("s4.seg"), b"segment").unwrap();
    std::fs::write(gone.join("notes.txt"), b"keep").unwrap();
    std::fs::create_dir_all(root.join("photos")).unwrap();
    std::fs::write(root.join("photos/a.txt"), b"keep").unwrap();
    std::fs::create_dir_all(root.join("77")).unwrap();
    std::fs::write(root.join("77/wal-0.log"), b"keep").unwrap();
    let db = open(tmp.path());
    assert_eq!(db.list_collections().unwrap(), ["c"]);
    let left = tree(&root);
    let names: Vec<String> = left.keys().map(|p| p.display().to_string()).collect();
    let gone_name = gone.file_name().unwrap().to_str().unwrap();
    assert!(names.contains(&"photos/a.txt".to_owned()), "{names:?}");
    assert!(names.contains(&"77/wal-0.log".to_owned()), "{names:?}");
    assert!(names.contains(&format!("{gone_name}/notes.txt")), "{names:?}");
    assert!(
        !names.iter().any(|n| n.ends_with(".seg") || n == &format!("{gone_name}/wal-0.log")),
        "{names:?}"
    );
    // A stranger's file where the next collection would go: the id is skipped, the file kept.
    db.close().unwrap();
    let next_id = db_next_id(&gone);
    let next = root.join(next_id.to_string());
    std::fs::create_dir(&next).unwrap();
    std::fs::write(next.join("x.bin"), b"keep").unwrap();
    let db = open(tmp.path());
    db.create_collection(seed_schema("fresh")).unwrap();
    assert_eq!(db.describe_collection("fresh").unwrap().id, next_id + 1);
    assert!(next.join("x.bin").exists());
    db.drop_collection("c").unwrap();
    assert_eq!(db.list_collections().unwrap(), ["fresh"]);
}

#[test]
fn a_flipped_bit_in_a_wal_record_fails_the_open_and_changes_nothing() {
    // The case: three acknowledged inserts of 10 rows, one bit flipped at byte 40 of the
    // newest log (inside the first record).
    let tmp = tempfile::tempdir().unwrap();
    let db = seed_db(tmp.path());
    for b in 0..3i64 {
        db.insert("c", "", seed_columns(&(b * 10..b * 10 + 10).collect::<Vec<_>>(), 0.0)).unwrap();
    }
    let cdir = db.collection("c").unwrap().dir().to_path_buf();
    db.close().unwrap();
    let wal = newest_wal(&cdir);
    let mut bytes = std::fs::read(&wal).unwrap();
    bytes[40] ^= 0x04;
    std::fs::write(&wal, &bytes).unwrap();
    let before = tree(tmp.path());
    let message = corrupted(Database::open(tmp.path(), Options::default()));
    assert!(message.contains(&wal.display().to_string()) && message.contains("at byte 16"), "{message}");
    assert_eq!(tree(tmp.path()), before, "nothing is truncated or deleted");
    assert_eq!(std::fs::read(&wal).unwrap().len(), bytes.len());
}

/// Recovers `dir`, checks that the strict open then succeeds, and returns the report and the
/// row count.
fn recover(dir: &Path) -> (RecoveryReport, u64) {
    let (db, report) = Database::recover(dir, Options::default()).unwrap();
    let rows = db.count("c", &[]).unwrap();
    db.close().unwrap();
    let db = open(dir);
    assert_eq!(db.count("c", &[]).unwrap(), rows, "the strict open after recovery sees the same rows");
    db.close().unwrap();
    (report, rows)
}

#[test]
fn recover_keeps_the_records_before_the_damage_and_reports_every_one_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cdir = populated(tmp.path(), 4);
    let wal = newest_wal(&cdir);
    let mut bytes = std::fs::read(&wal).unwrap();
    let at = record_offsets(&bytes);
    assert_eq!(at.len(), 4);
    bytes[at[1] + 30] ^= 0x80;
    std::fs::write(&wal, &bytes).unwrap();
    assert!(
        corrupted(Database::open(tmp.path(), Options::default())).contains(&format!("at byte {}", at[1]))
    );

    let (report, rows) = recover(tmp.path());
    assert_eq!(rows, 30 + 10, "the sealed rows and the one record before the damage");
    let skipped: Vec<(PathBuf, u64, u64)> =
        report.skipped.iter().map(|s| (s.file.clone(), s.offset, s.len)).collect();
    let extent = |i: usize| {
        (wal.clone(), at[i] as u64, (at.get(i + 1).copied().unwrap_or(bytes.len()) - at[i]) as u64)
    };
    assert_eq!(skipped, [extent(1), extent(2), extent(3)], "{report:#?}");
    assert!(report.skipped[0].reason.contains("checksum"), "{report:#?}");
    assert!(report.skipped[1].reason.contains("whole record behind"), "{report:#?}");
    let kept: Vec<_> = report.kept.iter().filter(|k| k.file == wal).map(|k| k.records).collect();
    assert_eq!(kept, [1]);
    // The damaged original is preserved in the quarantine; the log is cut before the damage.
    let quarantine = report.quarantine.clone().unwrap();
    assert!(quarantine.starts_with(tmp.path().join("quarantine")));
    assert_eq!(report.preserved.len(), 1);
    assert_eq!(report.preserved[0].file, wal);
    assert_eq!(std::fs::read(&report.preserved[0].copy).unwrap(), bytes);
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), at[1] as u64);
    // Writes go on, and survive a reopen; a second recovery has nothing to do.
    let db = open(tmp.path());
    db.insert("c", "", seed_columns(&[500, 501], 0.0)).unwrap();
    db.close().unwrap();
    let (report, rows) = recover(tmp.path());
    assert_eq!(rows, 42);
    assert!(report.is_clean() && report.quarantine.is_none(), "{report:#?}");
}

#[test]
fn recover_on_an_intact_database_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    populated(tmp.path(), 2);
    let before = tree(tmp.path());
    let (report, rows) = recover(tmp.path());
    assert_eq!(rows, 50);
    assert!(report.is_clean() && report.preserved.is_empty() && report.quarantine.is_none(), "{report:#?}");
    assert!(report.kept.iter().any(|k| k.records == 30), "the segment is kept: {report:#?}");
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_missing_or_cut_wal_generation_is_corrupted_not_an_empty_log() {
    for mutation in ["delete", "cut inside the header"] {
        let tmp = tempfile::tempdir().unwrap();
        let cdir = populated(tmp.path(), 2);
        let wal = newest_wal(&cdir);
        match mutation {
            "delete" => std::fs::remove_file(&wal).unwrap(),
            _ => std::fs::write(&wal, &std::fs::read(&wal).unwrap()[..10]).unwrap(),
        }
        let before = tree(tmp.path());
        let message = corrupted(Database::open(tmp.path(), Options::default()));
        assert!(message.contains(&wal.display().to_string()), "{mutation}: {message}");
        assert_eq!(tree(tmp.path()), before, "{mutation}");
        let (report, rows) = recover(tmp.path());
        assert_eq!(rows, 30, "{mutation}: the sealed rows");
        assert_eq!(report.skipped.len(), 1, "{mutation}: {report:#?}");
        assert_eq!(report.skipped[0].file, wal, "{mutation}");
    }
}

#[test]
fn a_generation_after_a_lost_tail_is_corrupted_when_logs_are_fsynced() {
    let tmp = tempfile::tempdir().unwrap();
    let cdir = populated(tmp.path(), 2);
    let wal0 = newest_wal(&cdir);
    let pristine = std::fs::read(&wal0).unwrap();
    let at = record_offsets(&pristine);
    // The next generation, as a seal starts it after the second record, holding a third record;
    // then the older generation loses its second record (which an fsynced log cannot).
    let generation: u64 =
        wal0.file_name().unwrap().to_str().unwrap()["wal-".len()..].trim_end_matches(".log").parse().unwrap();
    let wal1 = cdir.join(format!("wal-{}.log", generation + 1));
    let mut next = pristine[..12].to_vec();
    next.extend_from_slice(&pristine[at[1] + 4..at[1] + 8]);
    next.extend_from_slice(&pristine[at[1]..]);
    std::fs::write(&wal1, &next).unwrap();
    std::fs::write(&wal0, &pristine[..at[1]]).unwrap();
    let before = tree(tmp.path());
    let message = corrupted(Database::open(tmp.path(), Options::default()));
    assert!(message.contains(&wal1.display().to_string()) && message.contains("at byte 12"), "{message}");
    assert_eq!(tree(tmp.path()), before);
    // Under the policy that never fsyncs this is what a crash leaves: the later generation is
    // not replayed.
    let unsynced = Options { sync: SyncPolicy::None, ..Options::default() };
    let db = Database::open(tmp.path(), unsynced).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 40);
    db.close().unwrap();
    assert!(!wal1.exists());

    std::fs::write(&wal1, &next).unwrap();
    let (report, rows) = recover(tmp.path());
    assert_eq!(rows, 40);
    assert_eq!(report.skipped.len(), 1, "{report:#?}");
    assert_eq!((report.skipped[0].file.clone(), report.skipped[0].offset), (wal1.clone(), 16));
    assert!(!wal1.exists());
    assert_eq!(std::fs::read(&report.preserved[0].copy).unwrap(), next);
}

#[test]
fn recover_drops_unreadable_segments_and_index_files() {
    use veclite::{Context, IndexParams, Metric};
    let tmp = tempfile::tempdir().unwrap();
    let db = seed_db(tmp.path());
    db.create_index(
        &Context::background(),
        "c",
        "embeddings",
        "",
        Metric::L2,
        IndexParams::IvfFlat { nlist: 2 },
    )
    .unwrap();
    db.upsert("c", "", seed_columns(&(0..20).collect::<Vec<_>>(), 0.0)).unwrap();
    db.flush("c").unwrap();
    db.upsert("c", "", seed_columns(&(20..50).collect::<Vec<_>>(), 0.0)).unwrap();
    db.flush("c").unwrap();
    let cdir = db.collection("c").unwrap().dir().to_path_buf();
    db.close().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&cdir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let index = files.iter().find(|p| p.extension().unwrap() == "idx").unwrap().clone();
    let segment = files.iter().rfind(|p| p.extension().unwrap() == "seg").unwrap().clone();
    let damage = |path: &Path, at: usize| {
        let mut b = std::fs::read(path).unwrap();
        b[at] ^= 0xff;
        std::fs::write(path, b).unwrap();
    };
    damage(&index, 0);
    assert_eq!(Database::open(tmp.path(), Options::default()).unwrap_err().status(), Status::Corrupted);
    let (report, rows) = recover(tmp.path());
    assert_eq!(rows, 50, "an index is rebuilt, no row is lost");
    assert_eq!(report.skipped.len(), 1, "{report:#?}");
    assert!(report.skipped[0].file == index && report.skipped[0].reason.contains("rebuilt"), "{report:#?}");
    let db = open(tmp.path());
    db.flush("c").unwrap();
    assert!(db.describe_index("c", None).unwrap()[0].finished(), "rebuilt at the next flush");
    db.close().unwrap();

    damage(&segment, std::fs::metadata(&segment).unwrap().len() as usize - 3);
    assert_eq!(Database::open(tmp.path(), Options::default()).unwrap_err().status(), Status::Corrupted);
    let (report, rows) = recover(tmp.path());
    let lost = report.skipped.iter().find(|s| s.file == segment).expect("the segment is reported");
    assert!(lost.reason.contains("rows are not loaded"), "{report:#?}");
    assert!(rows == 20 || rows == 30, "one segment's rows are gone: {rows}");
    assert!(!segment.exists() && report.preserved.iter().any(|p| p.file == segment));
}

#[test]
fn a_record_that_does_not_decode_is_damage_that_recover_skips() {
    let tmp = tempfile::tempdir().unwrap();
    let cdir = populated(tmp.path(), 2);
    let wal = newest_wal(&cdir);
    let mut bytes = std::fs::read(&wal).unwrap();
    let at = bytes.len();
    let junk = b"not a record";
    bytes.extend_from_slice(&(junk.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&crc32c::crc32c(junk).to_le_bytes());
    bytes.extend_from_slice(junk);
    std::fs::write(&wal, &bytes).unwrap();
    let message = corrupted(Database::open(tmp.path(), Options::default()));
    assert!(message.contains(&format!("at byte {at}: the record's checksum matches")), "{message}");
    let (report, rows) = recover(tmp.path());
    assert_eq!(rows, 50);
    assert_eq!(report.skipped.len(), 1, "{report:#?}");
    assert_eq!((report.skipped[0].offset, report.skipped[0].len), (at as u64, 8 + junk.len() as u64));
}

#[test]
fn a_damaged_collection_fails_the_open_before_any_other_file_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = seed_db(tmp.path());
    db.create_collection(seed_schema("d")).unwrap();
    for name in ["c", "d"] {
        for b in 0..2i64 {
            db.insert(name, "", seed_columns(&(b * 10..b * 10 + 10).collect::<Vec<_>>(), 0.0)).unwrap();
        }
    }
    let (c, d) =
        (db.collection("c").unwrap().dir().to_path_buf(), db.collection("d").unwrap().dir().to_path_buf());
    db.close().unwrap();
    // `c` ends with an interrupted append (cut at the next open), `d` is damaged.
    let mut torn = std::fs::read(newest_wal(&c)).unwrap();
    torn.extend_from_slice(&[0; 12]);
    std::fs::write(newest_wal(&c), &torn).unwrap();
    let mut damaged = std::fs::read(newest_wal(&d)).unwrap();
    damaged[30] ^= 1;
    std::fs::write(newest_wal(&d), &damaged).unwrap();
    let before = tree(tmp.path());
    corrupted(Database::open(tmp.path(), Options::default()));
    assert_eq!(tree(tmp.path()), before, "the torn tail of `c` is not cut while the open fails");
}
