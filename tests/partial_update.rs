//! Partial update (upsert in merge mode): kept fields, new keys, nulls and defaults, dynamic keys
//! merged key by key, atomicity, exact results, WAL replay and sealed rows.

mod common;

use common::open;
use serde_json::{Value as Json, json};
use veclite::{Column, Database, Field, FieldType, Schema, Status, Value};

/// `id` Int64 PK, `title` VarChar, `score` nullable Double, `rank` Int32 default 7,
/// `v` FloatVector(2); dynamic fields on.
fn schema() -> Schema {
    Schema::builder("p")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("title", FieldType::VarChar { max_length: 32 }))
        .field(Field::new("score", FieldType::Double).nullable(true))
        .field(Field::new("rank", FieldType::Int32).default_value(Value::Int(7)))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .enable_dynamic_field(true)
        .build()
        .unwrap()
}

fn seeded(dir: &std::path::Path) -> Database {
    let db = open(dir);
    db.create_collection(schema()).unwrap();
    db.insert(
        "p",
        "",
        vec![
            Column::int64("id", vec![1, 2]),
            Column::varchar("title", ["one", "two"]),
            Column::double("score", vec![0.5, 0.0]).with_validity(vec![true, false]),
            Column::int32("rank", vec![1, 2]),
            Column::float_vector("v", 2, vec![1.0, 0.0, 0.0, 1.0]),
            Column::json("$meta", [r#"{"b":1,"keep":"x"}"#, r#"{"b":2}"#]),
        ],
    )
    .unwrap();
    db
}

/// Row of key `id` as (title, score, rank, vector, $meta).
fn row(db: &Database, id: i64) -> (Value, Value, Value, Vec<f32>, Json) {
    let r = db.get("p", &[], &veclite::PrimaryKeys::Int(vec![id]), &["*"]).unwrap();
    assert_eq!(r.len(), 1, "key {id}");
    let col = |n: &str| r.column(n).unwrap();
    let v = match col("v").data() {
        veclite::ColumnData::FloatVector { data, .. } => data.clone(),
        other => panic!("{other:?}"),
    };
    let meta: Json = match col("$meta").value(0) {
        Value::Text(t) => serde_json::from_str(&t).unwrap(),
        other => panic!("{other:?}"),
    };
    (col("title").value(0), col("score").value(0), col("rank").value(0), v, meta)
}

#[test]
fn given_fields_change_and_the_others_stay() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let r = db
        .partial_upsert("p", "", vec![Column::int64("id", vec![1]), Column::double("score", vec![9.5])])
        .unwrap();
    assert_eq!((r.upsert_count, r.delete_count), (1, 1));
    let (title, score, rank, v, meta) = row(&db, 1);
    assert_eq!((title, score, rank), (Value::Text("one".into()), Value::Float(9.5), Value::Int(1)));
    assert_eq!(v, [1.0, 0.0]);
    assert_eq!(meta, json!({"b": 1, "keep": "x"}));
    assert_eq!(db.count("p", &[]).unwrap(), 2);
    // A null given for a nullable field sets it null.
    db.partial_upsert(
        "p",
        "",
        vec![Column::int64("id", vec![1]), Column::double("score", vec![0.0]).with_validity(vec![false])],
    )
    .unwrap();
    assert_eq!(row(&db, 1).1, Value::Null);
}

#[test]
fn dynamic_keys_merge_key_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    db.partial_upsert("p", "", vec![Column::int64("id", vec![1, 2]), Column::int64("g", vec![10, 20])])
        .unwrap();
    assert_eq!(row(&db, 1).4, json!({"b": 1, "keep": "x", "g": 10}));
    assert_eq!(row(&db, 2).4, json!({"b": 2, "g": 20}));
    db.partial_upsert("p", "", vec![Column::int64("id", vec![1]), Column::json("$meta", [r#"{"b":"new"}"#])])
        .unwrap();
    assert_eq!(row(&db, 1).4, json!({"b": "new", "keep": "x", "g": 10}));
    // A plain upsert replaces the whole row, dynamic keys included (Milvus's override mode).
    db.upsert(
        "p",
        "",
        vec![
            Column::int64("id", vec![2]),
            Column::varchar("title", ["two"]),
            Column::float_vector("v", 2, vec![0.0, 1.0]),
            Column::int64("h", vec![1]),
        ],
    )
    .unwrap();
    assert_eq!(row(&db, 2).4, json!({"h": 1}));
}

#[test]
fn new_keys_need_required_fields_and_get_nulls_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let e = db
        .partial_upsert("p", "", vec![Column::int64("id", vec![1, 3]), Column::varchar("title", ["a", "b"])])
        .unwrap_err();
    assert_eq!(e.status(), Status::MissingField);
    let msg = e.to_string();
    assert!(msg.contains("row 1") && msg.contains("`v`") && msg.contains('3'), "{msg}");
    assert_eq!(row(&db, 1).0, Value::Text("one".into()), "nothing written");
    let r = db
        .partial_upsert(
            "p",
            "",
            vec![
                Column::int64("id", vec![1, 3]),
                Column::varchar("title", ["uno", "three"]),
                Column::float_vector("v", 2, vec![0.5, 0.5, 3.0, 3.0]),
            ],
        )
        .unwrap();
    assert_eq!((r.upsert_count, r.delete_count), (2, 1));
    let (title, score, rank, v, meta) = row(&db, 3);
    assert_eq!((title, score, rank), (Value::Text("three".into()), Value::Null, Value::Int(7)));
    assert_eq!((v, meta), (vec![3.0, 3.0], json!({})));
    let (title, score, rank, v, _) = row(&db, 1);
    assert_eq!(
        (title, score, rank, v),
        (Value::Text("uno".into()), Value::Float(0.5), Value::Int(1), vec![0.5, 0.5])
    );
}

#[test]
fn a_bad_row_rejects_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let e = db
        .partial_upsert(
            "p",
            "",
            vec![
                Column::int64("id", vec![1, 2]),
                Column::varchar("title", ["fine", "x".repeat(40).as_str()]),
            ],
        )
        .unwrap_err();
    assert!(e.to_string().contains("title") && e.to_string().contains("row 1"), "{e}");
    assert_eq!(row(&db, 1).0, Value::Text("one".into()));
    let e = db.partial_upsert("p", "", vec![Column::double("score", vec![1.0])]).unwrap_err();
    assert!(e.to_string().contains("primary key `id`"), "{e}");
    let e = db.partial_upsert("p", "", vec![Column::int64("id", vec![1, 1])]).unwrap_err();
    assert_eq!(e.status(), Status::DuplicatePrimaryKey);
}

#[test]
fn merged_rows_survive_reopen_and_sealing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = seeded(dir.path());
        db.flush("p").unwrap(); // the rows merged from are sealed
        db.partial_upsert("p", "", vec![Column::int64("id", vec![2]), Column::varchar("title", ["deux"])])
            .unwrap();
        db.close().unwrap();
    }
    let db = open(dir.path());
    let (title, score, rank, v, meta) = row(&db, 2);
    assert_eq!((title, score, rank), (Value::Text("deux".into()), Value::Null, Value::Int(2)));
    assert_eq!((v, meta), (vec![0.0, 1.0], json!({"b": 2})));
    assert_eq!(db.count("p", &[]).unwrap(), 2);
}
