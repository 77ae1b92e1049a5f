//! Partial update with per-field array operations (`ARRAY_APPEND` / `ARRAY_REMOVE`): results
//! per row, capacity, nulls, new keys, refused operations, atomicity and WAL replay.

mod common;

use common::open;
use serde_json::{Value as Json, json};
use veclite::{Column, ColumnData, Database, ElementType, Field, FieldOp, FieldType, Schema, Status};

/// `id` Int64 PK, `tags` Array(Int64, 4), `names` nullable Array(VarChar(8), 3), `n` Int64,
/// `v` FloatVector(2).
fn schema() -> Schema {
    Schema::builder("a")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new(
            "tags",
            FieldType::Array { element: ElementType::Int64, max_capacity: 4, max_length: 0 },
        ))
        .field(
            Field::new(
                "names",
                FieldType::Array { element: ElementType::VarChar, max_capacity: 3, max_length: 8 },
            )
            .nullable(true),
        )
        .field(Field::new("n", FieldType::Int64))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap()
}

fn ints(name: &str, rows: &[&[i64]]) -> Column {
    let values = ColumnData::Int64(rows.iter().flat_map(|r| r.iter().copied()).collect());
    Column::array(name, values, rows.iter().map(|r| r.len())).unwrap()
}

fn texts(name: &str, rows: &[Option<&[&str]>]) -> Column {
    let values = ColumnData::varchar(rows.iter().flat_map(|r| r.unwrap_or(&[]).iter().copied()));
    Column::array(name, values, rows.iter().map(|r| r.map_or(0, |r| r.len())))
        .unwrap()
        .with_validity(rows.iter().map(|r| r.is_some()).collect())
}

fn seeded(dir: &std::path::Path) -> Database {
    let db = open(dir);
    db.create_collection(schema()).unwrap();
    db.insert(
        "a",
        "",
        vec![
            Column::int64("id", vec![1, 2, 3]),
            ints("tags", &[&[1, 2], &[10, 20, 10], &[]]),
            texts("names", &[Some(&["x", "y"]), None, Some(&["x"])]),
            Column::int64("n", vec![100, 200, 300]),
            Column::float_vector("v", 2, vec![0.0; 6]),
        ],
    )
    .unwrap();
    db
}

/// `(tags, names, n)` of key `id` as JSON.
fn row(db: &Database, id: i64) -> (Json, Json, Json) {
    let r = db.get("a", &[], &veclite::PrimaryKeys::Int(vec![id]), &["*"]).unwrap();
    assert_eq!(r.len(), 1, "key {id}");
    let cell = |n: &str| {
        let c = r.column(n).unwrap();
        if !c.is_valid(0) {
            return Json::Null;
        }
        c.data().as_ref().array_at(0).map_or_else(|| json!(c.value(0)), |a| a.to_json().unwrap())
    };
    let n = match r.column("n").unwrap().value(0) {
        veclite::Value::Int(i) => json!(i),
        other => panic!("{other:?}"),
    };
    (cell("tags"), cell("names"), n)
}

#[test]
fn append_and_remove_resolve_against_the_live_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let r = db
        .partial_upsert_with_ops(
            "a",
            "",
            vec![Column::int64("id", vec![1, 2, 3]), ints("tags", &[&[3, 1], &[], &[7]])],
            &[("tags", FieldOp::ArrayAppend)],
        )
        .unwrap();
    assert_eq!((r.upsert_count, r.delete_count), (3, 3));
    assert_eq!(row(&db, 1), (json!([1, 2, 3, 1]), json!(["x", "y"]), json!(100)));
    assert_eq!(row(&db, 2).0, json!([10, 20, 10]));
    assert_eq!(row(&db, 3).0, json!([7]));

    db.partial_upsert_with_ops(
        "a",
        "",
        vec![Column::int64("id", vec![1, 2]), ints("tags", &[&[1, 1], &[99]])],
        &[("tags", FieldOp::ArrayRemove)],
    )
    .unwrap();
    assert_eq!(row(&db, 1).0, json!([2, 3]), "every occurrence removed, order kept");
    assert_eq!(row(&db, 2).0, json!([10, 20, 10]), "nothing matches: unchanged");
    // Replace is the plain partial update.
    db.partial_upsert_with_ops(
        "a",
        "",
        vec![Column::int64("id", vec![2]), ints("tags", &[&[5]])],
        &[("tags", FieldOp::Replace)],
    )
    .unwrap();
    assert_eq!(row(&db, 2), (json!([5]), Json::Null, json!(200)));
    assert_eq!(FieldOp::parse("Array_Append").unwrap(), FieldOp::ArrayAppend);
    assert_eq!(FieldOp::parse("nope").unwrap_err().status(), Status::InvalidArgument);
}

#[test]
fn nulls_and_new_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    // Row 1: null payload keeps ["x","y"]; row 2: null live value + append = payload;
    // row 4 is new: append inserts the payload.
    db.partial_upsert_with_ops(
        "a",
        "",
        vec![
            Column::int64("id", vec![1, 2, 4]),
            texts("names", &[None, Some(&["z"]), Some(&["p", "q"])]),
            ints("tags", &[&[], &[], &[8]]),
            Column::int64("n", vec![1, 2, 4]),
            Column::float_vector("v", 2, vec![0.0; 6]),
        ],
        &[("names", FieldOp::ArrayAppend), ("tags", FieldOp::ArrayRemove)],
    )
    .unwrap();
    assert_eq!(row(&db, 1), (json!([1, 2]), json!(["x", "y"]), json!(1)));
    assert_eq!(row(&db, 2), (json!([10, 20, 10]), json!(["z"]), json!(2)));
    assert_eq!(row(&db, 4), (json!([]), json!(["p", "q"]), json!(4)), "remove on a new key starts empty");
    // Remove from a null value gives an empty (valid) array; a new key with a null payload is null.
    db.partial_upsert_with_ops(
        "a",
        "",
        vec![
            Column::int64("id", vec![3, 5]),
            texts("names", &[Some(&["x"]), None]),
            Column::int64("n", vec![3, 5]),
            ints("tags", &[&[], &[]]),
            Column::float_vector("v", 2, vec![0.0; 4]),
        ],
        &[("names", FieldOp::ArrayRemove)],
    )
    .unwrap();
    assert_eq!(row(&db, 3).1, json!([]));
    assert_eq!(row(&db, 5).1, Json::Null);
}

/// A refused call: its columns and operations, the status and a part of the message.
type Case<'a> = (Vec<Column>, Vec<(&'a str, FieldOp)>, Status, &'a str);

#[test]
fn refused_operations_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let call =
        |columns: Vec<Column>, ops: &[(&str, FieldOp)]| db.partial_upsert_with_ops("a", "", columns, ops);
    // Capacity: 2 + 3 > 4, in row 1 of the batch; row 0 would fit but nothing is written.
    let e = call(
        vec![Column::int64("id", vec![3, 1]), ints("tags", &[&[1], &[7, 8, 9]])],
        &[("tags", FieldOp::ArrayAppend)],
    )
    .unwrap_err();
    assert_eq!(e.status(), Status::InvalidValue);
    let msg = e.to_string();
    for part in ["`tags`", "row 1", "primary key 1", "max_capacity 4"] {
        assert!(msg.contains(part), "{msg}");
    }
    assert_eq!(row(&db, 3).0, json!([]));
    let cases: Vec<Case<'_>> = vec![
        (
            vec![Column::int64("id", vec![1]), Column::int64("n", vec![1])],
            vec![("n", FieldOp::ArrayAppend)],
            Status::InvalidArgument,
            "Array fields only",
        ),
        (
            vec![Column::int64("id", vec![1]), ints("tags", &[&[1]])],
            vec![("id", FieldOp::ArrayRemove)],
            Status::InvalidArgument,
            "primary key",
        ),
        (
            vec![Column::int64("id", vec![1]), ints("tags", &[&[1]])],
            vec![("nope", FieldOp::ArrayAppend)],
            Status::SchemaMismatch,
            "not in the schema",
        ),
        (
            vec![Column::int64("id", vec![1]), ints("tags", &[&[1]])],
            vec![("names", FieldOp::ArrayAppend)],
            Status::InvalidArgument,
            "does not give",
        ),
        (
            vec![Column::int64("id", vec![1]), ints("tags", &[&[1]])],
            vec![("tags", FieldOp::ArrayAppend), ("tags", FieldOp::ArrayRemove)],
            Status::InvalidArgument,
            "more than one",
        ),
        (
            // Element type checked: Int32 elements for an Int64 array.
            vec![
                Column::int64("id", vec![1]),
                Column::array("tags", ColumnData::Int32(vec![1]), [1]).unwrap(),
            ],
            vec![("tags", FieldOp::ArrayAppend)],
            Status::SchemaMismatch,
            "tags",
        ),
        (
            // Payload elements pass the field's rules (max_length 8).
            vec![Column::int64("id", vec![1]), texts("names", &[Some(&["far too long"])])],
            vec![("names", FieldOp::ArrayAppend)],
            Status::InvalidValue,
            "max_length",
        ),
    ];
    for (columns, ops, status, part) in cases {
        let e = call(columns, &ops).unwrap_err();
        assert_eq!(e.status(), status, "{e}");
        assert!(e.to_string().contains(part), "{e}");
    }
    assert_eq!(row(&db, 1), (json!([1, 2]), json!(["x", "y"]), json!(100)));
}

#[test]
fn resolved_rows_replay_and_apply_to_sealed_rows() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = seeded(dir.path());
        db.flush("a").unwrap(); // the live rows are sealed
        db.partial_upsert_with_ops(
            "a",
            "",
            vec![Column::int64("id", vec![1]), ints("tags", &[&[3]])],
            &[("tags", FieldOp::ArrayAppend)],
        )
        .unwrap();
        db.partial_upsert_with_ops(
            "a",
            "",
            vec![Column::int64("id", vec![1]), ints("tags", &[&[4]])],
            &[("tags", FieldOp::ArrayAppend)],
        )
        .unwrap();
        db.close().unwrap();
    }
    // Replay applies the logged rows, not the operations again.
    let db = open(dir.path());
    assert_eq!(row(&db, 1), (json!([1, 2, 3, 4]), json!(["x", "y"]), json!(100)));
    assert_eq!(db.count("a", &[]).unwrap(), 3);
}
