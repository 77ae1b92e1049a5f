//! One test per write rule and error (docs/semantics.md), each checking the exact MutationResult on
//! success and that nothing was written on failure.

mod common;

use common::*;
use veclite::{Column, ColumnData, Error, Field, FieldType, PrimaryKeys, Schema, Status, Value};

fn ids(db: &veclite::Database, partitions: &[&str]) -> Vec<i64> {
    let r = db.iterate("c", partitions, &[], None, 0).unwrap();
    match r.column("ID").unwrap().data() {
        veclite::ColumnData::Int64(v) => {
            let mut v = v.clone();
            v.sort();
            v
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn random_of(db: &veclite::Database, id: i64) -> Option<Value> {
    let r = db.get("c", &[], &PrimaryKeys::Int(vec![id]), &["random"]).unwrap();
    (!r.is_empty()).then(|| r.column("random").unwrap().value(0))
}

#[test]
fn upsert_new_keys_inserts_with_exact_result() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    let r = db.upsert("c", "", seed_columns(&[3, 1, 2], 0.0)).unwrap();
    assert_eq!(r.insert_count, 3);
    assert_eq!(r.upsert_count, 3);
    assert_eq!(r.delete_count, 0);
    assert_eq!(r.succ_count, 3);
    assert_eq!(r.succ_index, vec![0, 1, 2]);
    assert_eq!(r.err_count, 0);
    assert!(r.err_index.is_empty());
    assert_eq!(r.primary_keys, PrimaryKeys::Int(vec![3, 1, 2]));
    assert!(veclite::physical_ms(r.timestamp) > 1_700_000_000_000);
    assert_eq!(db.count("c", &[]).unwrap(), 3);
}

#[test]
fn upsert_existing_key_replaces_it_and_counts_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    let first = db.upsert("c", "", seed_columns(&[1, 2], 0.0)).unwrap();
    let r = db.upsert("c", "", seed_columns(&[2, 3], 5.0)).unwrap();
    assert_eq!((r.insert_count, r.upsert_count, r.delete_count), (2, 2, 1));
    assert!(r.timestamp > first.timestamp);
    assert_eq!(db.count("c", &[]).unwrap(), 3);
    assert_eq!(random_of(&db, 2), Some(Value::Float(0.2 + 5.0)));
    assert_eq!(random_of(&db, 1), Some(Value::Float(0.1)));
    let got = db.get("c", &[], &PrimaryKeys::Int(vec![2]), &["embeddings"]).unwrap();
    assert_eq!(got.column("embeddings").unwrap().data().as_ref().vector_at(0)[0], 2.0 + 5.0);
}

#[test]
fn upsert_same_key_twice_in_sequence_keeps_last() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    for bump in [1.0, 2.0, 3.0] {
        db.upsert("c", "", seed_columns(&[9], bump)).unwrap();
    }
    assert_eq!(db.count("c", &[]).unwrap(), 1);
    assert_eq!(random_of(&db, 9), Some(Value::Float(0.9 + 3.0)));
}

#[test]
fn upsert_moves_key_to_named_partition() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    db.create_partition("c", "a").unwrap();
    db.create_partition("c", "b").unwrap();
    db.upsert("c", "a", seed_columns(&[5], 0.0)).unwrap();
    db.flush("c").unwrap();
    let r = db.upsert("c", "b", seed_columns(&[5], 1.0)).unwrap();
    assert_eq!(r.delete_count, 1);
    assert_eq!(ids(&db, &["a"]), Vec::<i64>::new());
    assert_eq!(ids(&db, &["b"]), vec![5]);
    assert_eq!(db.count("c", &[]).unwrap(), 1);
    // Same partition again, and then `""` = _default.
    db.upsert("c", "b", seed_columns(&[5], 2.0)).unwrap();
    db.upsert("c", "", seed_columns(&[5], 3.0)).unwrap();
    assert_eq!(ids(&db, &["b"]), Vec::<i64>::new());
    assert_eq!(ids(&db, &["_default"]), vec![5]);
    assert_eq!(db.count("c", &[]).unwrap(), 1);
    assert_eq!(random_of(&db, 5), Some(Value::Float(0.5 + 3.0)));
}

fn assert_rejected(db: &veclite::Database, err: Error, status: Status, needles: &[&str]) {
    assert_eq!(err.status(), status, "{err}");
    let msg = err.to_string();
    for n in needles {
        assert!(msg.contains(n), "message `{msg}` lacks `{n}`");
    }
    assert_eq!(db.count("c", &[]).unwrap(), 2, "nothing was written");
    assert_eq!(random_of(db, 1), Some(Value::Float(0.1)), "existing row untouched");
}

fn db_with_two_rows(dir: &std::path::Path) -> veclite::Database {
    let db = seed_db(dir);
    db.upsert("c", "", seed_columns(&[1, 2], 0.0)).unwrap();
    db
}

#[test]
fn duplicate_key_inside_one_batch_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let err = db.upsert("c", "", seed_columns(&[1, 7, 1], 9.0)).unwrap_err();
    assert_rejected(&db, err, Status::DuplicatePrimaryKey, &["`ID`", "value 1", "rows 0 and 2"]);
    let err = db.insert("c", "", seed_columns(&[8, 8], 9.0)).unwrap_err();
    assert_rejected(&db, err, Status::DuplicatePrimaryKey, &["rows 0 and 1"]);
}

#[test]
fn insert_of_existing_key_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let err = db.insert("c", "", seed_columns(&[3, 1], 9.0)).unwrap_err();
    assert_rejected(&db, err, Status::DuplicatePrimaryKey, &["value 1", "row 1", "already exists"]);
    let ok = db.insert("c", "", seed_columns(&[3], 0.0)).unwrap();
    assert_eq!((ok.insert_count, ok.upsert_count, ok.delete_count), (1, 0, 0));
}

#[test]
fn unknown_collection_partition_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let err = db.upsert("nope", "", seed_columns(&[1], 0.0)).unwrap_err();
    assert_eq!(err.status(), Status::NotFound);
    assert!(err.to_string().contains("collection `nope`"));
    let err = db.upsert("c", "p9", seed_columns(&[1], 9.0)).unwrap_err();
    assert_rejected(&db, err, Status::NotFound, &["partition `p9`", "collection `c`"]);
    let mut cols = seed_columns(&[1], 9.0);
    cols.push(Column::int64("bogus", vec![1]));
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(&db, err, Status::NotFound, &["field `bogus`"]);
}

#[test]
fn field_passed_twice_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let mut cols = seed_columns(&[1], 9.0);
    cols.push(Column::double("random", vec![1.0]));
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(&db, err, Status::SchemaMismatch, &["`random` is passed twice"]);
}

#[test]
fn unequal_column_lengths_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let mut cols = seed_columns(&[1, 3], 9.0);
    cols[1] = Column::double("random", vec![1.0]);
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(
        &db,
        err,
        Status::SchemaMismatch,
        &["unequal lengths", "`random` has 1 rows", "`ID` has 2"],
    );
}

#[test]
fn dimension_mismatch_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let mut cols = seed_columns(&[1], 9.0);
    cols[2] = Column::float_vector("embeddings", 7, vec![0.0; 7]);
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(&db, err, Status::DimensionMismatch, &["`embeddings`", "dim 8", "dim 7"]);
    let mut cols = seed_columns(&[1], 9.0);
    cols[2] = Column::float_vector("embeddings", 8, vec![0.0; 9]);
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(&db, err, Status::DimensionMismatch, &["9 floats"]);
}

#[test]
fn wrong_column_type_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let mut cols = seed_columns(&[1], 9.0);
    cols[1] = Column::float("random", vec![1.0]);
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(&db, err, Status::SchemaMismatch, &["`random` is Double", "holds Float"]);
}

#[test]
fn nan_and_infinity_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    for (bad, word) in [(f32::NAN, "NaN"), (f32::INFINITY, "infinity"), (f32::NEG_INFINITY, "infinity")] {
        let mut cols = seed_columns(&[1, 4], 9.0);
        let mut v = vec![0.5f32; 16];
        v[12] = bad;
        cols[2] = Column::float_vector("embeddings", 8, v);
        let err = db.upsert("c", "", cols).unwrap_err();
        assert_rejected(&db, err, Status::InvalidValue, &["`embeddings` row 1", word]);
        let mut cols = seed_columns(&[1, 4], 9.0);
        cols[1] = Column::double("random", vec![0.0, bad.into()]);
        let err = db.upsert("c", "", cols).unwrap_err();
        assert_rejected(&db, err, Status::InvalidValue, &["`random` row 1", word]);
    }
}

#[test]
fn vectors_whose_norm_exceeds_the_bound_are_rejected() {
    use veclite::MAX_VECTOR_NORM;
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    // Finite components whose squares overflow f32 (3e38, 1e20), and a norm just over the bound
    // (8e17·√2 ≈ 1.13e18): each is refused, naming the field, the row and the rule.
    let rows: [(&[f32], &str); 4] = [
        (&[0.5, 3.0e38], "vector norm 3.000e38 exceeds the maximum of 1e18"),
        (&[1e20, 0.0], "vector norm 1.000e20"),
        (&[3e19, 3e19], "vector norm 4.243e19"),
        (&[8e17, 8e17], "vector norm 1.131e18"),
    ];
    for (big, norm) in rows {
        let mut v = vec![0.5f32; 16];
        v[8..8 + big.len()].copy_from_slice(big);
        for nullable_path in [false, true] {
            let mut cols = seed_columns(&[1, 4], 9.0);
            cols[2] = Column::float_vector("embeddings", 8, v.clone());
            if nullable_path {
                // A validity mask takes the per-row path instead of the batch norm pass.
                cols[2] = cols[2].clone().with_validity(vec![true, true]);
            }
            let err = db.upsert("c", "", cols).unwrap_err();
            assert_rejected(&db, err, Status::InvalidValue, &["field `embeddings` row 1: ", norm]);
        }
    }
    // Just within the bound (7e17·√2 ≈ 9.9e17) is accepted and stored as given.
    assert_eq!(MAX_VECTOR_NORM, 1e18);
    let mut v = vec![0.5f32; 16];
    v[8..10].copy_from_slice(&[7e17, -7e17]);
    let mut cols = seed_columns(&[1, 4], 9.0);
    cols[2] = Column::float_vector("embeddings", 8, v.clone());
    db.upsert("c", "", cols).unwrap();
    let got = db.get("c", &[], &PrimaryKeys::Int(vec![4]), &["embeddings"]).unwrap();
    let ColumnData::FloatVector { data, .. } = got.column("embeddings").unwrap().data() else {
        panic!("a vector column")
    };
    assert_eq!(data, &v[8..]);
}

#[test]
fn zero_rows_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let err = db.upsert("c", "", seed_columns(&[], 0.0)).unwrap_err();
    assert_rejected(&db, err, Status::InvalidArgument, &["zero rows"]);
    let err = db.upsert("c", "", vec![]).unwrap_err();
    assert_rejected(&db, err, Status::InvalidArgument, &["zero rows"]);
}

#[test]
fn missing_required_field_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_two_rows(dir.path());
    let mut cols = seed_columns(&[1], 9.0);
    cols.remove(1);
    let err = db.upsert("c", "", cols).unwrap_err();
    assert_rejected(&db, err, Status::MissingField, &["`random`", "neither nullable nor has a default"]);
    let err = db.upsert("c", "", seed_columns(&[1], 9.0)[1..].to_vec()).unwrap_err();
    assert_rejected(&db, err, Status::MissingField, &["`ID`"]);
}

#[test]
fn upsert_on_auto_id_and_insert_with_key_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let schema = Schema::builder("auto")
        .field(Field::new("id", FieldType::Int64).primary_key().auto_id(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    let vecs = || Column::float_vector("v", 2, vec![1.0, 2.0, 3.0, 4.0]);
    let err = db.upsert("auto", "", vec![Column::int64("id", vec![1, 2]), vecs()]).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.to_string().contains("upsert is not applicable"), "{err}");
    let err = db.insert("auto", "", vec![Column::int64("id", vec![1, 2]), vecs()]).unwrap_err();
    assert!(err.to_string().contains("must not supply it"), "{err}");
    assert_eq!(db.count("auto", &[]).unwrap(), 0);

    let a = db.insert("auto", "", vec![vecs()]).unwrap();
    let b = db.insert("auto", "", vec![vecs()]).unwrap();
    let (PrimaryKeys::Int(ka), PrimaryKeys::Int(kb)) = (&a.primary_keys, &b.primary_keys) else { panic!() };
    assert_eq!(ka.len(), 2);
    assert!(ka[0] < ka[1] && ka[1] < kb[0], "generated keys increase: {ka:?} {kb:?}");
    assert_eq!(db.count("auto", &[]).unwrap(), 4);
    let got = db.get("auto", &[], &b.primary_keys, &["v"]).unwrap();
    assert_eq!(got.len(), 2);
}

#[test]
fn varchar_over_max_length_is_rejected_and_utf8_length_counts_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(rich_schema("r")).unwrap();
    let row = |pk: &str, title: &str| {
        vec![
            Column::varchar("pk", [pk]),
            Column::varchar("title", [title]),
            Column::float_vector("v", 3, vec![1.0, 0.0, 0.0]),
        ]
    };
    db.upsert("r", "", row("a", "12345")).unwrap();
    let err = db.upsert("r", "", row("b", "123456")).unwrap_err();
    assert_eq!(err.status(), Status::InvalidValue);
    assert!(err.to_string().contains("`title` row 0: length 6 exceeds max_length 5"), "{err}");
    let err = db.upsert("r", "", row("b", "héllo")).unwrap_err();
    assert!(err.to_string().contains("length 6"), "{err}");
    let err = db.upsert("r", "", row(&"k".repeat(17), "x")).unwrap_err();
    assert!(err.to_string().contains("`pk` row 0"), "{err}");
    assert_eq!(db.count("r", &[]).unwrap(), 1);
}

#[test]
fn omitted_fields_take_null_or_default_and_upsert_is_a_full_replace() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(rich_schema("r")).unwrap();
    let full = vec![
        Column::varchar("pk", ["a", "b"]),
        Column::bool("flag", vec![true, false]).with_validity(vec![true, false]),
        Column::int8("i8", vec![5, 6]),
        Column::int16("i16", vec![10, 11]),
        Column::int32("i32", vec![0, 99]).with_validity(vec![false, true]),
        Column::float("f", vec![1.5, 2.5]),
        Column::varchar("title", ["t1", "t2"]),
        Column::float_vector("v", 3, vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
    ];
    db.upsert("r", "", full).unwrap();
    let keys = PrimaryKeys::Str(vec!["a".into(), "b".into()]);
    let got = db.get("r", &[], &keys, &["*"]).unwrap();
    assert_eq!(got.columns.len(), 8);
    assert_eq!(got.column("flag").unwrap().value(1), Value::Null);
    assert_eq!(
        got.column("i32").unwrap().value(0),
        Value::Int(7),
        "null in a defaulted field takes the default"
    );
    assert_eq!(got.column("i32").unwrap().value(1), Value::Int(99));
    assert_eq!(got.column("f").unwrap().value(0), Value::Float(1.5));

    // Upsert "a" with only the key and vector: a full replace, omitted fields reset.
    db.upsert("r", "", vec![Column::varchar("pk", ["a"]), Column::float_vector("v", 3, vec![0.0, 0.0, 1.0])])
        .unwrap();
    let got = db.get("r", &[], &PrimaryKeys::Str(vec!["a".into()]), &["*"]).unwrap();
    assert_eq!(got.column("flag").unwrap().value(0), Value::Null);
    assert_eq!(got.column("i8").unwrap().value(0), Value::Int(-1));
    assert_eq!(got.column("i16").unwrap().value(0), Value::Null);
    assert_eq!(got.column("i32").unwrap().value(0), Value::Int(7));
    assert_eq!(got.column("f").unwrap().value(0), Value::Null);
    assert_eq!(got.column("title").unwrap().value(0), Value::Text("none".into()));
    assert_eq!(db.count("r", &[]).unwrap(), 2);

    // A null in a field that is neither nullable nor defaulted is rejected.
    let err = db
        .upsert(
            "r",
            "",
            vec![
                Column::varchar("pk", ["c"]),
                Column::float_vector("v", 3, vec![0.0; 3]).with_validity(vec![false]),
            ],
        )
        .unwrap_err();
    assert_eq!(err.status(), Status::InvalidValue);
    assert!(err.to_string().contains("`v` row 0: null given"), "{err}");
}

#[test]
fn delete_by_pks_counts_exactly_and_respects_partition() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    db.create_partition("c", "p").unwrap();
    db.upsert("c", "", seed_columns(&[1, 2, 3], 0.0)).unwrap();
    db.upsert("c", "p", seed_columns(&[4, 5], 0.0)).unwrap();
    let r = db.delete_by_pks("c", "p", &PrimaryKeys::Int(vec![1, 4, 99])).unwrap();
    assert_eq!(r.delete_count, 1, "only key 4 lives in partition p");
    assert_eq!(r.primary_keys, PrimaryKeys::Int(vec![4]));
    let r = db.delete_by_pks("c", "", &PrimaryKeys::Int(vec![1, 1, 5, 99])).unwrap();
    assert_eq!((r.delete_count, r.insert_count), (2, 0));
    assert_eq!(ids(&db, &[]), vec![2, 3]);
    let again = db.delete_by_pks("c", "", &PrimaryKeys::Int(vec![1])).unwrap();
    assert_eq!(again.delete_count, 0);
    assert!(again.timestamp > r.timestamp);
    let err = db.delete_by_pks("c", "", &PrimaryKeys::Str(vec!["x".into()])).unwrap_err();
    assert_eq!(err.status(), Status::SchemaMismatch);
    let err = db.delete_by_pks("c", "zz", &PrimaryKeys::Int(vec![2])).unwrap_err();
    assert_eq!(err.status(), Status::NotFound);
    assert_eq!(db.count("c", &[]).unwrap(), 2);
}

#[test]
fn get_returns_request_order_each_key_once_and_honours_partitions() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    db.create_partition("c", "p").unwrap();
    db.upsert("c", "", seed_columns(&[1, 2], 0.0)).unwrap();
    db.upsert("c", "p", seed_columns(&[3], 0.0)).unwrap();
    let got = db.get("c", &[], &PrimaryKeys::Int(vec![3, 42, 1, 3]), &["random"]).unwrap();
    assert_eq!(got.column("ID").unwrap().data(), &veclite::ColumnData::Int64(vec![3, 1]));
    assert_eq!(got.columns.len(), 2);
    let only_p = db.get("c", &["p"], &PrimaryKeys::Int(vec![1, 3]), &[]).unwrap();
    assert_eq!(only_p.column("ID").unwrap().data(), &veclite::ColumnData::Int64(vec![3]));
    let err = db.get("c", &[], &PrimaryKeys::Int(vec![1]), &["nope"]).unwrap_err();
    assert!(err.to_string().contains("field `nope`"), "{err}");
}

#[test]
fn iterate_pages_through_a_partition() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    let all: Vec<i64> = (0..50).collect();
    db.upsert("c", "", seed_columns(&all[..20], 0.0)).unwrap();
    db.flush("c").unwrap();
    db.upsert("c", "", seed_columns(&all[20..], 0.0)).unwrap();
    let mut seen = Vec::new();
    for page in 0..5 {
        let r = db.iterate("c", &[""], &["random"], Some(10), page * 10).unwrap();
        assert_eq!(r.len(), 10);
        if let veclite::ColumnData::Int64(v) = r.column("ID").unwrap().data() {
            seen.extend_from_slice(v);
        }
    }
    seen.sort();
    assert_eq!(seen, all);
    let err = db.iterate("c", &[], &[], Some(16_000), 1_000).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
}
