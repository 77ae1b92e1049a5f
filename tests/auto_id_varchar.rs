//! auto_id on a VarChar primary key: the generated int64 keys are written as decimal strings,
//! logged with the batch (replay is deterministic) and checked against the key's `max_length`.

mod common;

use common::open;
use veclite::{Column, Context, Field, FieldType, Metric, PrimaryKeys, Schema, SearchRequest, Status, Value};

fn schema(max_length: u32) -> Schema {
    Schema::builder("auto")
        .field(Field::new("pk", FieldType::VarChar { max_length }).primary_key().auto_id(true))
        .field(Field::new("n", FieldType::Int64))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap()
}

/// Rows `n` = each value, vector `[n, 1]`.
fn rows(ns: &[i64]) -> Vec<Column> {
    vec![
        Column::int64("n", ns.to_vec()),
        Column::float_vector("v", 2, ns.iter().flat_map(|&n| [n as f32, 1.0]).collect()),
    ]
}

fn strs(keys: &PrimaryKeys) -> Vec<String> {
    match keys {
        PrimaryKeys::Str(v) => v.clone(),
        other => panic!("expected string keys, got {other:?}"),
    }
}

/// The `n` of each key, in key order.
fn ns_of(db: &veclite::Database, keys: &[String]) -> Vec<Value> {
    let got = db.get("auto", &[], &PrimaryKeys::Str(keys.to_vec()), &["n"]).unwrap();
    let by_key: std::collections::HashMap<String, Value> = (0..got.len())
        .map(|i| match got.column("pk").unwrap().value(i) {
            Value::Text(k) => (k, got.column("n").unwrap().value(i)),
            other => panic!("expected a string key, got {other:?}"),
        })
        .collect();
    keys.iter().map(|k| by_key.get(k).cloned().unwrap_or(Value::Null)).collect()
}

#[test]
fn string_keys_are_generated_and_serve_every_read_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(schema(32)).unwrap();
    assert!(db.describe_collection("auto").unwrap().schema.pk_field().auto_id);

    let a = strs(&db.insert("auto", "", rows(&[1, 2, 3])).unwrap().primary_keys);
    let b = strs(&db.insert("auto", "", rows(&[4, 5])).unwrap().primary_keys);
    let all: Vec<String> = a.iter().chain(&b).cloned().collect();
    let numbers: Vec<i64> = all.iter().map(|k| k.parse().expect("a decimal int64")).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "keys increase: {all:?}");
    assert!(all.iter().all(|k| k.len() <= 19 && *k == k.parse::<i64>().unwrap().to_string()));
    assert_eq!(db.count("auto", &[]).unwrap(), 5);
    assert_eq!(ns_of(&db, &all), (1..=5).map(Value::Int).collect::<Vec<_>>());

    // Search returns the string keys; a query filters on them.
    let hits =
        db.search(&Context::background(), "auto", &SearchRequest::new(&[4.0, 1.0], 2, Metric::L2)).unwrap();
    assert_eq!(strs(&hits[0].ids), vec![b[0].clone(), a[2].clone()]);
    let q = db.query("auto", &[], &format!("pk == \"{}\"", a[1]), &["n"], None, 0).unwrap();
    assert_eq!(q.column("n").unwrap().value(0), Value::Int(2));

    // The generated key cannot be given, nor replaced by an upsert.
    let mut given = rows(&[9]);
    given.push(Column::varchar("pk", ["x"]));
    let err = db.insert("auto", "", given.clone()).unwrap_err();
    assert!(err.to_string().contains("`pk` is auto_id: an insert must not supply it"), "{err}");
    let err = db.upsert("auto", "", given).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.to_string().contains("upsert is not applicable"), "{err}");

    let d = db.delete_by_pks("auto", "", &PrimaryKeys::Str(vec![a[0].clone(), "nope".into()])).unwrap();
    assert_eq!(d.delete_count, 1);
    let d = db.delete("auto", "", &format!("pk in [\"{}\", \"{}\"]", a[1], b[1])).unwrap();
    assert_eq!((d.delete_count, strs(&d.primary_keys).len()), (2, 2));
    assert_eq!(db.count("auto", &[]).unwrap(), 2);
    assert_eq!(ns_of(&db, &all), vec![Value::Null, Value::Null, Value::Int(3), Value::Int(4), Value::Null]);
}

#[test]
fn replay_and_sealed_segments_keep_the_generated_keys() {
    let dir = tempfile::tempdir().unwrap();
    let keys = {
        let db = open(dir.path());
        db.create_collection(schema(19)).unwrap();
        strs(&db.insert("auto", "", rows(&[10, 20])).unwrap().primary_keys)
    };
    // Reopened from the WAL: the logged keys, not new ones.
    let more = {
        let db = open(dir.path());
        assert_eq!(ns_of(&db, &keys), vec![Value::Int(10), Value::Int(20)]);
        let more = strs(&db.insert("auto", "", rows(&[30])).unwrap().primary_keys);
        assert!(more[0].parse::<i64>().unwrap() > keys[1].parse::<i64>().unwrap(), "{keys:?} {more:?}");
        db.flush("auto").unwrap();
        more
    };
    let db = open(dir.path());
    let all: Vec<String> = keys.iter().chain(&more).cloned().collect();
    assert_eq!(ns_of(&db, &all), vec![Value::Int(10), Value::Int(20), Value::Int(30)]);
    assert_eq!(db.count("auto", &[]).unwrap(), 3);
}

#[test]
fn a_max_length_too_short_for_the_generated_keys_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path());
        db.create_collection(schema(8)).unwrap();
        let err = db.insert("auto", "", rows(&[1, 2])).unwrap_err();
        assert_eq!(err.status(), Status::InvalidValue);
        let msg = err.to_string();
        assert!(msg.contains("field `pk` row 0") && msg.contains("exceeds max_length 8"), "{msg}");
        assert_eq!(db.count("auto", &[]).unwrap(), 0);
    }
    let db = open(dir.path());
    assert_eq!(db.count("auto", &[]).unwrap(), 0, "the refused batch is not in the log");
}
