//! Looking into a database through the public API: `Database::storage_info`, `verify` and
//! opening only existing databases (`Options::create_if_missing`).

mod common;

use std::path::Path;

use common::{open, seed_columns, seed_schema};
use veclite::{Context, Database, Error, IndexParams, Metric, Options, PrimaryKeys};

/// A database with one sealed segment (indexed, 10 of its 100 rows deleted) and one growing one.
fn populated(dir: &Path) -> Database {
    let db = open(dir);
    db.create_collection(seed_schema("c")).unwrap();
    let ids: Vec<i64> = (0..100).collect();
    db.upsert("c", "", seed_columns(&ids, 0.0)).unwrap();
    let hnsw = IndexParams::Hnsw { m: 8, ef_construction: 32 };
    db.create_index(&Context::background(), "c", "embeddings", "", Metric::L2, hnsw).unwrap();
    db.flush("c").unwrap();
    db.delete_by_pks("c", "", &PrimaryKeys::Int((0..10).collect())).unwrap();
    db.upsert("c", "", seed_columns(&[1000, 1001], 0.0)).unwrap();
    db
}

#[test]
fn storage_info_reports_segments_deletes_indexes_and_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = populated(tmp.path());
    let info = db.storage_info("c").unwrap();
    assert_eq!(info.segments.len(), 2, "{info:?}");
    let sealed = info.segments.iter().find(|s| s.sealed).unwrap();
    assert_eq!((sealed.rows, sealed.deleted_rows), (100, 10));
    assert_eq!(sealed.partition, "_default");
    assert_eq!(sealed.indexed_fields, ["embeddings"]);
    assert!(sealed.file_bytes > 100 * 8 * 4, "{sealed:?}");
    let growing = info.segments.iter().find(|s| !s.sealed).unwrap();
    assert_eq!((growing.rows, growing.deleted_rows, growing.file_bytes), (2, 0, 0));
    assert!(info.wal_bytes > 0, "the two upserted rows and the delete are in the WAL");
    assert!(info.disk_bytes > sealed.file_bytes + info.wal_bytes);
    assert!(matches!(db.storage_info("missing"), Err(Error::NotFound { .. })));
}

#[test]
fn verify_passes_a_sound_database_and_names_a_damaged_segment_file() {
    let tmp = tempfile::tempdir().unwrap();
    populated(tmp.path()).close().unwrap();
    let report = veclite::verify(tmp.path());
    assert!(report.problems.is_empty(), "{report:?}");
    assert_eq!(report.rows, 92, "90 live sealed rows and 2 growing rows read through the engine");

    let collection_dir =
        std::fs::read_dir(tmp.path().join("collections")).unwrap().next().unwrap().unwrap().path();
    let segment = std::fs::read_dir(collection_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "seg"))
        .unwrap();
    let mut bytes = std::fs::read(&segment).unwrap();
    bytes[64] ^= 0x55;
    std::fs::write(&segment, &bytes).unwrap();
    let report = veclite::verify(tmp.path());
    assert!(report.problems.iter().any(|p| p.file == segment), "{report:?}");
    assert_eq!(std::fs::read(&segment).unwrap(), bytes, "verify changes nothing");
}

#[test]
fn create_if_missing_off_refuses_a_directory_without_a_database() {
    let tmp = tempfile::tempdir().unwrap();
    let existing_only = || Options { create_if_missing: false, ..Options::default() };
    let missing = tmp.path().join("nothing-here");
    let err = Database::open(&missing, existing_only()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument(_)) && err.to_string().contains("not a veclite database"),
        "{err}"
    );
    assert!(!missing.exists(), "nothing is created");
    let err = Database::recover(tmp.path(), existing_only()).unwrap_err();
    assert!(err.to_string().contains("not a veclite database"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "not even a lock file is written");

    populated(tmp.path()).close().unwrap();
    let db = Database::open(tmp.path(), existing_only()).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 92);
}
