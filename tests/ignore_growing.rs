//! `ignore_growing`: a search over sealed segments only, through the request field and
//! Milvus's params map; rows in growing segments are found without it only.

mod common;

use common::{open, seed_columns, seed_schema};
use veclite::{Context, Metric, PrimaryKeys, SearchRequest, Status};

fn ids(db: &veclite::Database, req: &SearchRequest<'_>) -> Vec<i64> {
    match &db.search(&Context::background(), "c", req).unwrap()[0].ids {
        PrimaryKeys::Int(v) => v.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn growing_rows_are_left_out_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(seed_schema("c")).unwrap();
    db.insert("c", "", seed_columns(&[1, 2], 0.0)).unwrap();
    db.flush("c").unwrap(); // 1 and 2 are sealed
    db.insert("c", "", seed_columns(&[3], 0.0)).unwrap(); // 3 is growing
    let q: Vec<f32> = (0..8).map(|j| (3 + j) as f32).collect();
    let plain = SearchRequest::new(&q, 5, Metric::L2);
    assert_eq!(ids(&db, &plain), [3, 2, 1]);
    let sealed = SearchRequest { ignore_growing: true, ..plain.clone() };
    assert_eq!(ids(&db, &sealed), [2, 1]);
    let params = plain.clone().with_milvus_params(&[("ignore_growing", "True")]).unwrap();
    assert!(params.ignore_growing);
    assert_eq!(ids(&db, &params), [2, 1]);
    let off = plain.clone().with_milvus_params(&[("ignore_growing", "false")]).unwrap();
    assert_eq!(ids(&db, &off), [3, 2, 1]);
    for bad in [&[("ignore_growing", "yes")][..], &[("ignore_growing", "true"), ("ignore_growing", "true")]] {
        let e = plain.clone().with_milvus_params(bad).unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument, "{e}");
        assert!(e.to_string().contains("ignore_growing"), "{e}");
    }
    // Once sealed, the row is found either way.
    db.flush("c").unwrap();
    assert_eq!(ids(&db, &sealed), [3, 2, 1]);
}
