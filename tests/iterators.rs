//! Query iterators: key-ordered pages after a cursor, with filters, partitions and output
//! fields; no key twice and no row skipped that stays alive, under concurrent writes.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{open, rich_schema, seed_columns, seed_db};
use veclite::{Column, ColumnData, Database, PrimaryKey, QueryResult, Status};

/// The Int64 keys of a page.
fn int_keys(page: &QueryResult) -> Vec<i64> {
    match page.column("ID").unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("ID column is {other:?}"),
    }
}

/// Pages through collection `c` with `batch` rows a page; returns every key, page after page.
fn drain(db: &Database, expr: &str, partitions: &[&str], batch: usize) -> Vec<i64> {
    let mut keys = Vec::new();
    let mut after = None;
    loop {
        let page = db.query_page("c", partitions, expr, &["random"], after.as_ref(), batch).unwrap();
        let got = int_keys(&page);
        assert!(got.len() <= batch);
        assert_eq!(page.column("random").unwrap().len(), got.len());
        keys.extend(&got);
        if got.len() < batch {
            return keys;
        }
        after = Some(PrimaryKey::Int(*got.last().unwrap()));
    }
}

#[test]
fn pages_follow_key_order_across_segments_filters_and_partitions() {
    let tmp = tempfile::tempdir().unwrap();
    let db = seed_db(tmp.path());
    db.create_partition("c", "p").unwrap();
    // Keys arrive out of order over two sealed segments, a growing one and two partitions.
    let first: Vec<i64> = (0..100).map(|i| (i * 37) % 100).collect();
    db.upsert("c", "", seed_columns(&first[..60], 0.0)).unwrap();
    db.flush("c").unwrap();
    db.upsert("c", "p", seed_columns(&first[60..], 0.0)).unwrap();
    db.flush("c").unwrap();
    db.upsert("c", "", seed_columns(&[-5, 500, 250], 0.0)).unwrap();
    db.delete("c", "", "ID in [3, 4]").unwrap();

    let all = drain(&db, "", &[], 7);
    let mut expected: Vec<i64> = (0..100).filter(|k| *k != 3 && *k != 4).collect();
    expected.extend([250, 500]);
    expected.insert(0, -5);
    assert_eq!(all, expected);

    let filtered = drain(&db, "random >= 9.0 and ID != 95", &[], 4);
    assert_eq!(filtered, [90, 91, 92, 93, 94, 96, 97, 98, 99, 250, 500]);

    let in_p = drain(&db, "", &["p"], 10);
    let mut expected_p: Vec<i64> = first[60..].iter().copied().filter(|k| *k != 3 && *k != 4).collect();
    expected_p.sort();
    assert_eq!(in_p, expected_p);

    // A batch of exactly the row count ends with an empty page.
    assert_eq!(drain(&db, "", &[], expected.len()), expected);
    let page = db.query_page("c", &[], "", &[], Some(&PrimaryKey::Int(500)), 5).unwrap();
    assert!(page.is_empty());
}

#[test]
fn string_keys_page_in_byte_order_and_cursors_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection(rich_schema("r")).unwrap();
    let keys = ["b", "a", "ab", "Z", "é", "aa"];
    db.upsert(
        "r",
        "",
        vec![
            Column::varchar("pk", keys),
            Column::float_vector("v", 3, keys.iter().flat_map(|_| [1.0, 0.0, 0.0]).collect()),
        ],
    )
    .unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = db.query_page("r", &[], "", &["title"], after.as_ref(), 4).unwrap();
        let col = page.column("pk").unwrap();
        let got: Vec<String> = (0..col.len()).map(|i| col.data().as_ref().str_at(i).to_owned()).collect();
        assert_eq!(page.column("title").unwrap().len(), got.len());
        seen.extend(got.iter().cloned());
        match got.last() {
            Some(last) if got.len() == 4 => after = Some(PrimaryKey::Str(last.clone())),
            _ => break,
        }
    }
    assert_eq!(seen, ["Z", "a", "aa", "ab", "b", "é"]);

    let err = db.query_page("r", &[], "", &[], Some(&PrimaryKey::Int(1)), 4).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.to_string().contains("`pk` is VarChar"), "{err}");
    let err = db.query_page("r", &[], "", &[], None, 0).unwrap_err();
    assert!(err.to_string().contains("batch size 0"), "{err}");
    assert_eq!(db.query_page("r", &[], "", &[], None, 16_385).unwrap_err().status(), Status::InvalidArgument);
    assert_eq!(db.query_page("r", &["nope"], "", &[], None, 4).unwrap_err().status(), Status::NotFound);
    assert_eq!(db.query_page("r", &[], "", &["nope"], None, 4).unwrap_err().status(), Status::NotFound);
}

#[test]
fn concurrent_writes_never_duplicate_or_skip_stable_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Arc::new(seed_db(tmp.path()));
    // Even keys are stable: written once, never touched. Odd keys are upserted, deleted and
    // re-inserted while the iterator pages; new keys above 10_000 appear meanwhile.
    let stable: Vec<i64> = (0..4000).step_by(2).collect();
    let churn: Vec<i64> = (1..4000).step_by(2).collect();
    db.upsert("c", "", seed_columns(&stable, 0.0)).unwrap();
    db.upsert("c", "", seed_columns(&churn, 0.0)).unwrap();
    db.flush("c").unwrap();

    let done = Arc::new(AtomicBool::new(false));
    // The writer hands a token after each round; the reader takes one before each page, so
    // writes land between every two pages while both threads run freely otherwise.
    let (token_tx, token_rx) = std::sync::mpsc::sync_channel::<()>(1);
    let writer = {
        let (db, done) = (Arc::clone(&db), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut round = 0i64;
            while !done.load(Ordering::Acquire) {
                let lo = (round * 40) % 2000 * 2 + 1;
                let keys: Vec<i64> = (0..20).map(|i| lo + 2 * i).filter(|k| *k < 4000).collect();
                db.upsert("c", "", seed_columns(&keys, round as f64)).unwrap();
                db.delete_by_pks("c", "", &veclite::PrimaryKeys::Int(keys[..5].to_vec())).unwrap();
                db.upsert("c", "", seed_columns(&[10_000 + round], 0.0)).unwrap();
                if round % 25 == 0 {
                    db.flush("c").unwrap();
                }
                round += 1;
                let _ = token_tx.try_send(());
            }
            round
        })
    };
    let mut keys = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        token_rx.recv().unwrap();
        pages += 1;
        let page = db.query_page("c", &[], "", &[], after.as_ref(), 50).unwrap();
        let got = int_keys(&page);
        keys.extend(&got);
        if got.len() < 50 {
            break;
        }
        after = Some(PrimaryKey::Int(*got.last().unwrap()));
    }
    done.store(true, Ordering::Release);
    let rounds = writer.join().unwrap();
    assert!(rounds >= pages, "the writer wrote before every page ({rounds} rounds, {pages} pages)");
    assert!(pages > 40, "{pages} pages");

    assert!(keys.windows(2).all(|w| w[0] < w[1]), "keys strictly increase, so none repeats");
    let seen: BTreeSet<i64> = keys.iter().copied().collect();
    let missing: Vec<i64> = stable.iter().copied().filter(|k| !seen.contains(k)).collect();
    assert!(missing.is_empty(), "stable rows skipped: {missing:?}");
}

#[test]
fn a_cursor_outlives_a_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let db = seed_db(tmp.path());
    db.upsert("c", "", seed_columns(&(0..30).collect::<Vec<_>>(), 0.0)).unwrap();
    let first = int_keys(&db.query_page("c", &[], "", &[], None, 10).unwrap());
    assert_eq!(first, (0..10).collect::<Vec<_>>());
    db.close().unwrap();
    let db = open(tmp.path());
    let next = int_keys(&db.query_page("c", &[], "", &[], Some(&PrimaryKey::Int(9)), 10).unwrap());
    assert_eq!(next, (10..20).collect::<Vec<_>>());
}
