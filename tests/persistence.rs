//! Reopen after flush, without flush (WAL replay) and after compaction gives identical data;
//! timestamps keep increasing across reopen; the directory lock; query and delete by expression.

mod common;

use common::*;
use veclite::{ColumnData, Database, Options, PrimaryKeys, QueryResult, Status, SyncPolicy};

/// Every live row, all fields, sorted by key: the comparable content of collection `c`.
fn snapshot(db: &Database) -> Vec<(i64, f64, Vec<f32>)> {
    let r: QueryResult = db.iterate("c", &[], &["*"], None, 0).unwrap();
    let (ColumnData::Int64(ids), ColumnData::Double(random), vectors) = (
        r.column("ID").unwrap().data(),
        r.column("random").unwrap().data(),
        r.column("embeddings").unwrap().data(),
    ) else {
        panic!("unexpected column types");
    };
    let mut rows: Vec<_> =
        (0..ids.len()).map(|i| (ids[i], random[i], vectors.as_ref().vector_at(i).to_vec())).collect();
    rows.sort_by_key(|r| r.0);
    rows
}

/// Writes a history with overwrites across partitions, deletes and a mid-way flush.
fn write_history(db: &Database) {
    db.create_partition("c", "p").unwrap();
    let ids: Vec<i64> = (0..300).collect();
    db.upsert("c", "", seed_columns(&ids, 0.0)).unwrap();
    db.flush("c").unwrap();
    db.upsert("c", "p", seed_columns(&ids[100..200], 1.0)).unwrap();
    db.delete_by_pks("c", "", &PrimaryKeys::Int((0..50).collect())).unwrap();
    db.upsert("c", "", seed_columns(&ids[250..], 2.0)).unwrap();
    db.delete("c", "p", "ID >= 150 and ID < 160").unwrap();
}

#[test]
fn reopen_without_flush_replays_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    write_history(&db);
    let before = snapshot(&db);
    assert_eq!(before.len(), 240);
    drop(db);
    let db = open(dir.path());
    assert_eq!(snapshot(&db), before);
    assert_eq!(db.count("c", &["p"]).unwrap(), 90);
    assert_eq!(db.list_partitions("c").unwrap(), vec!["_default", "p"]);
}

#[test]
fn reopen_after_flush_reads_sealed_segments() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    write_history(&db);
    db.flush("c").unwrap();
    let (sealed, growing) = db.collection("c").unwrap().segment_counts();
    assert!(sealed >= 2 && growing == 0, "{sealed} sealed, {growing} growing");
    let before = snapshot(&db);
    db.close().unwrap();
    let db = open(dir.path());
    assert_eq!(snapshot(&db), before);
    // Deletes persisted beside segments survive too: deleted keys stay gone.
    let gone = db.get("c", &[], &PrimaryKeys::Int(vec![0, 49, 155]), &[]).unwrap();
    assert!(gone.is_empty());
}

#[test]
fn reopen_after_compaction_is_identical_and_drops_deleted_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    write_history(&db);
    let before = snapshot(&db);
    let stats = db.compact("c").unwrap();
    assert!(stats.segments_in >= 2, "{stats:?}");
    assert!(stats.rows_dropped >= 50, "{stats:?}");
    assert_eq!(snapshot(&db), before);
    db.close().unwrap();
    let db = open(dir.path());
    assert_eq!(snapshot(&db), before);
    let files: Vec<_> = std::fs::read_dir(db.collection("c").unwrap().dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!files.iter().any(|f| f.ends_with(".del")), "compacted segments have no deletes: {files:?}");
}

#[test]
fn size_threshold_seals_automatically() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { seal_threshold_bytes: 8 * 1024, ..Options::default() };
    let db = Database::open(dir.path(), options.clone()).unwrap();
    db.create_collection(seed_schema("c")).unwrap();
    for start in (0..2_000).step_by(100) {
        let ids: Vec<i64> = (start..start + 100).collect();
        db.upsert("c", "", seed_columns(&ids, 0.0)).unwrap();
    }
    // Seals run in the background; each one finishes before the next starts, so at most the
    // last is still in flight.
    let (sealed, _) = db.collection("c").unwrap().segment_counts();
    assert!(sealed >= 9, "{sealed} sealed segments");
    let before = snapshot(&db);
    assert_eq!(before.len(), 2_000);
    db.close().unwrap();
    let db = Database::open(dir.path(), options).unwrap();
    assert_eq!(snapshot(&db), before);
}

#[test]
fn a_batch_that_would_cross_the_threshold_starts_a_new_segment() {
    // A seed row adds 60 bytes to a growing segment (timestamp 8, ID 8, random 8, vector 32,
    // norm 4), so at most 136 rows fit 8 KiB; batches of 60 rows seal after two batches.
    let dir = tempfile::tempdir().unwrap();
    let options = Options { seal_threshold_bytes: 8 * 1024, ..Options::default() };
    let db = Database::open(dir.path(), options).unwrap();
    db.create_collection(seed_schema("c")).unwrap();
    for start in (0..2_000).step_by(60) {
        let ids: Vec<i64> = (start..(start + 60).min(2_000)).collect();
        db.upsert("c", "", seed_columns(&ids, 0.0)).unwrap();
    }
    db.flush("c").unwrap();
    let (sealed, growing) = db.collection("c").unwrap().segment_counts();
    assert_eq!(growing, 0);
    assert!(sealed >= 2_000_usize.div_ceil(136), "{sealed} segments: some segment outgrew the threshold");
    assert_eq!(db.count("c", &[]).unwrap(), 2_000);
}

#[test]
fn timestamps_increase_across_reopen_under_every_sync_policy() {
    for sync in
        [SyncPolicy::EveryWrite, SyncPolicy::Interval(std::time::Duration::from_millis(5)), SyncPolicy::None]
    {
        let dir = tempfile::tempdir().unwrap();
        let options = Options { sync, ..Options::default() };
        let db = Database::open(dir.path(), options.clone()).unwrap();
        db.create_collection(seed_schema("c")).unwrap();
        let a = db.upsert("c", "", seed_columns(&[1], 0.0)).unwrap().timestamp;
        db.close().unwrap();
        let db = Database::open(dir.path(), options).unwrap();
        let b = db.upsert("c", "", seed_columns(&[1], 1.0)).unwrap().timestamp;
        assert!(b > a);
        assert_eq!(db.count("c", &[]).unwrap(), 1);
    }
}

#[test]
fn second_open_is_locked_until_close_and_closed_handles_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    let err = Database::open(dir.path(), Options::default()).unwrap_err();
    assert_eq!(err.status(), Status::Locked);
    let clone = db.clone();
    db.close().unwrap();
    db.close().unwrap();
    assert_eq!(clone.count("c", &[]).unwrap_err().status(), Status::Closed);
    let again = open(dir.path());
    assert!(again.has_collection("c").unwrap());
}

#[test]
fn catalog_operations_persist() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    db.create_collection(seed_schema("other")).unwrap();
    assert_eq!(db.create_collection(seed_schema("c")).unwrap_err().status(), Status::AlreadyExists);
    db.create_partition("c", "p1").unwrap();
    assert_eq!(db.create_partition("c", "p1").unwrap_err().status(), Status::AlreadyExists);
    assert_eq!(db.create_partition("c", "bad-name").unwrap_err().status(), Status::InvalidArgument);
    db.upsert("c", "p1", seed_columns(&[1, 2], 0.0)).unwrap();
    db.upsert("c", "", seed_columns(&[3], 0.0)).unwrap();
    db.drop_partition("c", "p1").unwrap();
    assert_eq!(db.drop_partition("c", "_default").unwrap_err().status(), Status::InvalidArgument);
    assert_eq!(db.count("c", &[]).unwrap(), 1);
    db.drop_collection("other").unwrap();
    assert_eq!(db.drop_collection("other").unwrap_err().status(), Status::NotFound);
    let info = db.describe_collection("c").unwrap();
    drop(db);
    let db = open(dir.path());
    assert_eq!(db.list_collections().unwrap(), vec!["c"]);
    assert_eq!(db.describe_collection("c").unwrap(), info);
    assert!(db.has_partition("c", "").unwrap());
    assert!(!db.has_partition("c", "p1").unwrap());
    assert_eq!(db.count("c", &[]).unwrap(), 1);
    // The key of the dropped partition can be inserted again.
    db.insert("c", "", seed_columns(&[1], 0.0)).unwrap();
}

#[test]
fn query_and_delete_by_expression() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    let ids: Vec<i64> = (0..100).collect();
    db.upsert("c", "", seed_columns(&ids, 0.0)).unwrap();
    db.flush("c").unwrap();
    db.upsert("c", "", seed_columns(&ids[90..], 0.0)).unwrap();
    assert_eq!(db.count_where("c", &[], "random >= 5.0").unwrap(), 50);
    let r = db.query("c", &[], "ID in [3, 97, 1000]", &["random"], None, 0).unwrap();
    assert_eq!(r.column("ID").unwrap().data(), &ColumnData::Int64(vec![3, 97]));
    let r = db.query("c", &[], "ID > 10 and ID <= 20", &[], Some(5), 2).unwrap();
    assert_eq!(r.column("ID").unwrap().data(), &ColumnData::Int64(vec![13, 14, 15, 16, 17]));
    let d = db.delete("c", "", "random < 1.0 or ID == 95").unwrap();
    assert_eq!(d.delete_count, 11);
    assert_eq!(db.count("c", &[]).unwrap(), 89);
    assert_eq!(db.delete("c", "", "random < 1.0").unwrap().delete_count, 0);
    let err = db.query("c", &[], "random >> 2", &[], None, 0).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert_eq!(db.delete("c", "", "  ").unwrap_err().status(), Status::InvalidArgument);
}

#[test]
fn interval_policy_syncs_without_a_later_write() {
    use std::time::Duration;
    let unsynced = |sync: SyncPolicy, wait: Duration| {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path(), Options { sync, ..Options::default() }).unwrap();
        db.create_collection(seed_schema("c")).unwrap();
        db.upsert("c", "", seed_columns(&[1, 2, 3], 0.0)).unwrap();
        let c = db.collection("c").unwrap();
        let right_after = c.unsynced_wal_bytes();
        std::thread::sleep(wait);
        (right_after, c.unsynced_wal_bytes())
    };
    assert_eq!(unsynced(SyncPolicy::EveryWrite, Duration::ZERO), (0, 0));
    let (after, later) =
        unsynced(SyncPolicy::Interval(Duration::from_millis(400)), Duration::from_millis(1_500));
    assert!(after > 0, "the write is not fsynced at once under the interval policy");
    assert_eq!(later, 0, "the interval timer fsyncs it without another write");
    let (after, later) = unsynced(SyncPolicy::None, Duration::from_millis(300));
    assert!(after > 0 && later == after, "sync none never fsyncs the WAL by itself");
}

#[test]
fn a_closed_database_directory_no_longer_changes() {
    // A flush makes the WAL generation before it obsolete; its removal runs off the writer's
    // path, and close waits for it, so the directory is final when close returns.
    let dir = tempfile::tempdir().unwrap();
    let options = Options { sync: SyncPolicy::None, ..Options::default() };
    let db = Database::open(dir.path(), options).unwrap();
    db.create_collection(
        veclite::Schema::builder("c")
            .field(veclite::Field::new("ID", veclite::FieldType::Int64).primary_key())
            .field(veclite::Field::new("embeddings", veclite::FieldType::FloatVector { dim: 512 }))
            .build()
            .unwrap(),
    )
    .unwrap();
    for batch in 0..8i64 {
        let ids: Vec<i64> = (batch * 2_000..(batch + 1) * 2_000).collect();
        let vectors = ids.iter().flat_map(|&i| (0..512).map(move |j| ((i + j) % 97) as f32)).collect();
        db.insert(
            "c",
            "",
            vec![
                veclite::Column::int64("ID", ids),
                veclite::Column::float_vector("embeddings", 512, vectors),
            ],
        )
        .unwrap();
    }
    db.flush("c").unwrap();
    db.close().unwrap();
    let list = || {
        let mut names: Vec<String> = walkdir_names(dir.path());
        names.sort();
        names
    };
    let at_close = list();
    let wal_logs = at_close.iter().filter(|n| n.ends_with(".log")).count();
    assert_eq!(wal_logs, 1, "obsolete WAL generations left after close: {at_close:?}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(list(), at_close, "the directory changed after close");
}

/// Names of the files under `dir`, recursively, relative to it.
fn walkdir_names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out
}
