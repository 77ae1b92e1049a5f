//! `collection.ttl.seconds`: rows older than the TTL are invisible to every read, their keys are
//! free again, compaction drops them, a change of the property applies from then on, and both
//! the property and the expiry hold across reopen. The TTL is a whole number of seconds, so the
//! tests let wall time pass with short sleeps (never to synchronise threads).

mod common;

use std::time::Duration;

use common::{open, seed_columns, seed_schema};
use veclite::{CollectionChange, Context, Database, Metric, PrimaryKeys, Property, SearchRequest};

const TTL: &str = "collection.ttl.seconds";

fn ttl_change(seconds: &str) -> CollectionChange {
    CollectionChange {
        set_properties: vec![Property { key: TTL.into(), value: seconds.into() }],
        ..CollectionChange::default()
    }
}

fn ids(db: &Database) -> Vec<i64> {
    let r = db.query("c", &[], "", &[], None, 0).unwrap();
    let mut ids = match PrimaryKeys::from_column(r.column("ID").unwrap().data().as_ref()).unwrap() {
        PrimaryKeys::Int(v) => v,
        PrimaryKeys::Str(_) => unreachable!(),
    };
    ids.sort_unstable();
    ids
}

/// Rows 0..5 written, then `wait`, then rows 10..13: the first batch is older than `wait`.
fn old_and_fresh(db: &Database, wait: Duration) {
    db.insert("c", "", seed_columns(&[0, 1, 2, 3, 4], 0.0)).unwrap();
    std::thread::sleep(wait);
    db.insert("c", "", seed_columns(&[10, 11, 12], 0.0)).unwrap();
}

#[test]
fn expired_rows_are_invisible_to_every_read_and_free_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection_with(seed_schema("c"), &ttl_change("2")).unwrap();
    old_and_fresh(&db, Duration::from_millis(2100));
    assert_eq!(db.count("c", &[]).unwrap(), 3);
    assert_eq!(ids(&db), [10, 11, 12]);
    assert_eq!(db.count_where("c", &[], "ID < 5").unwrap(), 0);
    assert!(db.get("c", &[], &PrimaryKeys::Int(vec![0, 1, 10]), &[]).unwrap().len() == 1);
    let query: Vec<f32> = (0..8).map(|j| j as f32).collect(); // nearest to row 0
    let hits = db.search(&Context::background(), "c", &SearchRequest::new(&query, 10, Metric::L2)).unwrap();
    assert_eq!(hits[0].ids, PrimaryKeys::Int(vec![10, 11, 12]));
    let page = db.iterate("c", &[], &[], Some(100), 0).unwrap();
    assert_eq!(page.len(), 3);
    // An expired key is free: insert takes it.
    db.insert("c", "", seed_columns(&[0], 0.0)).unwrap();
    assert_eq!(ids(&db), [0, 10, 11, 12]);
}

#[test]
fn rows_written_after_an_expiry_scan_expire_in_their_turn() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection_with(seed_schema("c"), &ttl_change("2")).unwrap();
    db.insert("c", "", seed_columns(&[0, 1], 0.0)).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 2, "an expiry scan records rows 0 and 1");
    std::thread::sleep(Duration::from_millis(1100));
    db.insert("c", "", seed_columns(&[5, 6, 7], 0.0)).unwrap();
    assert_eq!(db.count("c", &[]).unwrap(), 5, "the next scan reads only the appended rows");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(ids(&db), [5, 6, 7], "the first rows are past the TTL");
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(db.count("c", &[]).unwrap(), 0, "the appended rows expire in their turn");
}

#[test]
fn altering_the_ttl_applies_from_then_on_and_compaction_drops_expired_rows() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path());
        db.create_collection(seed_schema("c")).unwrap();
        db.insert("c", "", seed_columns(&[0, 1, 2, 3], 0.0)).unwrap();
        db.flush("c").unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(db.count("c", &[]).unwrap(), 4, "no TTL: nothing expires");
        db.alter_collection("c", &ttl_change("1")).unwrap();
        assert_eq!(db.count("c", &[]).unwrap(), 0, "the new TTL applies at once");
        db.insert("c", "", seed_columns(&[7], 0.0)).unwrap();
        let stats = db.compact("c").unwrap();
        assert_eq!(stats.rows_dropped, 4, "{stats:?}");
        db.alter_collection("c", &ttl_change("3600")).unwrap();
        assert_eq!(ids(&db), [7], "raising the TTL does not bring expired rows back");
        db.close().unwrap();
    }
    let db = open(dir.path());
    let info = db.describe_collection("c").unwrap();
    assert_eq!(info.settings.properties, [Property { key: TTL.into(), value: "3600".into() }]);
    assert_eq!(ids(&db), [7]);
}

#[test]
fn expiry_holds_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path());
        db.create_collection_with(seed_schema("c"), &ttl_change("1")).unwrap();
        db.insert("c", "", seed_columns(&[0, 1], 0.0)).unwrap();
        db.close().unwrap();
    }
    std::thread::sleep(Duration::from_millis(1100));
    let db = open(dir.path());
    assert_eq!(db.count("c", &[]).unwrap(), 0);
    assert!(db.get("c", &[], &PrimaryKeys::Int(vec![0, 1]), &[]).unwrap().is_empty());
}
