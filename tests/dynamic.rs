//! Dynamic fields and the JSON field type: `$meta` folding on write, collisions, invalid JSON,
//! output fields (`$meta`, `*`, dynamic keys), filters on JSON paths and dynamic keys (missing
//! keys included), persistence through reopen, WAL replay, flush and compaction.

mod common;

use common::open;
use serde_json::{Value as Json, json};
use veclite::{
    Column, ColumnData, Context, Database, Field, FieldType, Metric, PrimaryKeys, QueryResult, Schema,
    SearchRequest, Status,
};

/// `id` Int64 PK, `doc` nullable JSON, `v` FloatVector(2); dynamic fields as given.
fn schema(dynamic: bool) -> Schema {
    Schema::builder("d")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("doc", FieldType::Json).nullable(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .enable_dynamic_field(dynamic)
        .build()
        .unwrap()
}

fn db_with(dir: &std::path::Path, dynamic: bool) -> Database {
    let db = open(dir);
    db.create_collection(schema(dynamic)).unwrap();
    db
}

fn base(ids: &[i64]) -> Vec<Column> {
    vec![
        Column::int64("id", ids.to_vec()),
        Column::float_vector("v", 2, ids.iter().flat_map(|&i| [i as f32, 1.0]).collect()),
    ]
}

/// Five rows: `a` = 100, 200, null (left out), 300.5, "x"; `tag` = "red"/"blue"/…; row 4 has
/// no `tag`; `doc` holds nested objects, row 2's is null.
fn seed(db: &Database) {
    let mut cols = base(&[0, 1, 2, 3, 4]);
    cols.push(
        Column::json(
            "doc",
            [r#"{"k":{"n":1}}"#, r#"{"k":{"n":2},"arr":[5,6]}"#, "null", r#"{"k":"s"}"#, r#"[1,2]"#],
        )
        .with_validity(vec![true, true, false, true, true]),
    );
    cols.push(
        Column::double("a", vec![100.0, 200.0, 0.0, 300.5, 0.0])
            .with_validity(vec![true, true, false, true, false]),
    );
    cols.push(
        Column::varchar("tag", ["red", "blue", "redish", "green", ""])
            .with_validity(vec![true, true, true, true, false]),
    );
    cols.push(Column::bool("ok", vec![true, false, true, false, true]));
    db.insert("d", "", cols).unwrap();
}

fn meta_rows(r: &QueryResult) -> Vec<Json> {
    let c = r.column("$meta").expect("$meta column");
    (0..c.len()).map(|i| serde_json::from_slice(c.data().as_ref().bytes_at(i)).unwrap()).collect()
}

fn ids(r: &QueryResult) -> Vec<i64> {
    match r.column("id").unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("{other:?}"),
    }
}

fn hits(db: &Database, expr: &str) -> Vec<i64> {
    let mut v = ids(&db.query("d", &[], expr, &[], None, 0).unwrap_or_else(|e| panic!("{expr}: {e}")));
    v.sort_unstable();
    v
}

#[test]
fn schema_gets_the_hidden_meta_field() {
    let s = schema(true);
    let meta = s.fields.last().unwrap();
    assert_eq!((meta.name.as_str(), meta.field_type, meta.is_dynamic), ("$meta", FieldType::Json, true));
    assert!(schema(false).dynamic_field_index().is_none());
    // A schema assembled by hand with the flag on gets `$meta` when the collection is created.
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let mut manual = schema(false);
    manual.enable_dynamic_field = true;
    db.create_collection(manual).unwrap();
    assert_eq!(db.describe_collection("d").unwrap().schema, schema(true));
}

#[test]
fn unknown_columns_fold_into_meta() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    seed(&db);
    let r = db.query("d", &[], "", &["$meta"], None, 0).unwrap();
    assert_eq!(
        meta_rows(&r),
        [
            json!({"a": 100.0, "tag": "red", "ok": true}),
            json!({"a": 200.0, "tag": "blue", "ok": false}),
            json!({"tag": "redish", "ok": true}),
            json!({"a": 300.5, "tag": "green", "ok": false}),
            json!({"ok": true}),
        ]
    );
    // An explicit `$meta` column merges with dynamic columns; omitted = `{}`.
    let mut cols = base(&[10, 11, 12]);
    cols.push(
        Column::json("$meta", [r#"{"x": [1, {"y": 2}]}"#, "{}", "null"])
            .with_validity(vec![true, true, false]),
    );
    cols.push(Column::int32("n", vec![1, 2, 3]));
    db.insert("d", "", cols).unwrap();
    db.insert("d", "", base(&[13])).unwrap();
    let got = db.get("d", &[], &PrimaryKeys::Int(vec![10, 11, 12, 13]), &["$meta"]).unwrap();
    assert_eq!(
        meta_rows(&got),
        [json!({"x": [1, {"y": 2}], "n": 1}), json!({"n": 2}), json!({"n": 3}), json!({})]
    );
    // Paths continue inside a dynamic key.
    let hits = db.query("d", &[], r#"x[1]["y"] == 2 or $meta["x"][0] == 5"#, &[], None, 0).unwrap();
    assert_eq!(ids(&hits), [10]);
}

#[test]
fn dynamic_write_errors_name_field_row_and_rule_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    let cases: Vec<(Vec<Column>, Status, &str)> = vec![
        (
            vec![Column::json("$meta", ["{}", "[1]"])],
            Status::InvalidValue,
            "field `$meta` row 1: dynamic field data must be a JSON object",
        ),
        (
            vec![Column::json("$meta", ["{}", "{bad"])],
            Status::InvalidValue,
            "field `$meta` row 1: invalid JSON",
        ),
        (
            vec![Column::json("$meta", [r#"{"id": 3}"#, "{}"])],
            Status::InvalidValue,
            "row 0: key `id` is a schema field",
        ),
        (
            vec![Column::json("$meta", [r#"{"$meta": 3}"#, "{}"])],
            Status::InvalidValue,
            "key `$meta` is a schema field",
        ),
        (
            vec![Column::json("$meta", ["{}", r#"{"q": 1}"#]), Column::int64("q", vec![1, 2])],
            Status::InvalidValue,
            "row 1: dynamic key `q` is given both",
        ),
        (vec![Column::int64("q", vec![1])], Status::SchemaMismatch, "columns have unequal lengths"),
        (
            vec![Column::double("q", vec![1.0, f64::NAN])],
            Status::InvalidValue,
            "field `q` row 1: NaN is not allowed",
        ),
        (
            vec![Column::int64("q", vec![1, 2]), Column::int64("q", vec![1, 2])],
            Status::SchemaMismatch,
            "passed twice",
        ),
        (vec![Column::int64("$meta", vec![1, 2])], Status::SchemaMismatch, "field `$meta` is JSON"),
        (
            vec![Column::json("doc", ["{}", "{\"a\":"])],
            Status::InvalidValue,
            "field `doc` row 1: invalid JSON",
        ),
        (
            vec![Column::varchar("big", ["x", &"y".repeat(65_536)])],
            Status::InvalidValue,
            "field `$meta` row 1: JSON length 65546 exceeds the maximum of 65536 bytes",
        ),
    ];
    for (extra, status, want) in cases {
        let mut cols = base(&[1, 2]);
        cols.extend(extra);
        let err = db.insert("d", "", cols).unwrap_err();
        assert_eq!(err.status(), status, "{err}");
        assert!(err.to_string().contains(want), "want {want:?}, got {err}");
    }
    assert_eq!(db.count("d", &[]).unwrap(), 0);
}

#[test]
fn without_dynamic_fields_unknown_columns_and_names_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), false);
    let mut cols = base(&[1]);
    cols.push(Column::int64("a", vec![1]));
    let err = db.insert("d", "", cols).unwrap_err();
    assert_eq!(err.status(), Status::NotFound);
    assert!(
        err.to_string().contains("`a`") && err.to_string().contains("dynamic fields are not enabled"),
        "{err}"
    );
    let mut cols = base(&[1]);
    cols.push(Column::json("$meta", ["{}"]));
    assert_eq!(db.insert("d", "", cols).unwrap_err().status(), Status::NotFound);
    // JSON fields still work.
    let mut cols = base(&[1]);
    cols.push(Column::json_values("doc", &[json!({"k": 1})]));
    db.insert("d", "", cols).unwrap();
    assert_eq!(hits(&db, r#"doc["k"] == 1"#), [1]);
    let err = db.query("d", &[], "a == 1", &[], None, 0).unwrap_err().to_string();
    assert!(err.contains("field `a` does not exist"), "{err}");
    let err = db.query("d", &[], "$meta[\"a\"] == 1", &[], None, 0).unwrap_err().to_string();
    assert!(err.contains("dynamic fields are not enabled"), "{err}");
    let err = db.query("d", &[], "", &["a"], None, 0).unwrap_err();
    assert_eq!(err.status(), Status::NotFound);
    let err = db.query("d", &[], "id[\"x\"] == 1", &[], None, 0).unwrap_err().to_string();
    assert!(err.contains("field `id` is Int64, not JSON"), "{err}");
}

#[test]
fn json_field_rules() {
    use veclite::Value;
    let err = Schema::builder("d")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("j", FieldType::Json).default_value(Value::Text("{}".into())))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("JSON fields cannot have a default value"), "{err}");
    let err = Schema::builder("d")
        .field(Field::new("id", FieldType::Json).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("Int64 or VarChar"), "{err}");
    // A non-nullable JSON field must be given.
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let s = Schema::builder("d")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("doc", FieldType::Json))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap();
    db.create_collection(s).unwrap();
    assert_eq!(db.insert("d", "", base(&[1])).unwrap_err().status(), Status::MissingField);
}

#[test]
fn output_fields_forms() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    seed(&db);
    let names = |r: &QueryResult| r.columns.iter().map(|c| c.name().to_owned()).collect::<Vec<_>>();
    let all = db.query("d", &[], "id < 2", &["*"], None, 0).unwrap();
    assert_eq!(names(&all), ["id", "doc", "v", "$meta"]);
    assert_eq!(meta_rows(&all)[0], json!({"a": 100.0, "tag": "red", "ok": true}));
    // Dynamic keys by name: `$meta` reduced to them (missing keys left out).
    let some = db.query("d", &[], "", &["tag", "a"], None, 0).unwrap();
    assert_eq!(names(&some), ["id", "$meta"]);
    assert_eq!(meta_rows(&some)[2], json!({"tag": "redish"}));
    assert_eq!(meta_rows(&some)[4], json!({}));
    // `$meta` or `*` with a key: the whole object.
    for fields in [&["a", "$meta"][..], &["a", "*"][..]] {
        let r = db.query("d", &[], "id == 0", fields, None, 0).unwrap();
        assert_eq!(meta_rows(&r), [json!({"a": 100.0, "tag": "red", "ok": true})]);
    }
    let got = db.get("d", &[], &PrimaryKeys::Int(vec![3]), &["doc", "a"]).unwrap();
    assert_eq!(names(&got), ["id", "doc", "$meta"]);
    assert_eq!(got.column("doc").unwrap().value(0), veclite::Value::Text(r#"{"k":"s"}"#.into()));
    assert_eq!(meta_rows(&got), [json!({"a": 300.5})]);
    // Search returns `$meta` too.
    let q = [3.0f32, 1.0];
    let req = SearchRequest::new(&q, 2, Metric::L2).output_fields(&["tag"]).filter("a > 150");
    let res = db.search(&Context::background(), "d", &req).unwrap();
    assert_eq!(res[0].ids, PrimaryKeys::Int(vec![3, 1]));
    assert_eq!(meta_rows(&res[0].fields), [json!({"tag": "green"}), json!({"tag": "blue"})]);
}

#[test]
fn filters_on_dynamic_keys_and_json_paths() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    seed(&db);
    let cases: &[(&str, &[i64])] = &[
        ("a == 100", &[0]),
        ("a == 100.0", &[0]),
        ("$meta[\"a\"] == 100", &[0]),
        ("a > 150", &[1, 3]),
        ("a >= 200 and a < 300.5", &[1]),
        ("150 < a <= 300.5", &[1, 3]),
        ("a in [100, 300.5, 7]", &[0, 3]),
        // Missing key or other type: no match, except for the negated forms (as in Milvus).
        ("a != 100", &[1, 2, 3, 4]),
        ("a not in [100, 200]", &[2, 3, 4]),
        ("not (a == 100)", &[1, 2, 3, 4]),
        ("a == 'red'", &[]),
        ("tag == 'red'", &[0]),
        ("tag like 'red%'", &[0, 2]),
        ("tag not like 'red%'", &[1, 3, 4]),
        ("tag > 'green'", &[0, 2]),
        ("tag in ['blue', 'green'] or a == 100", &[0, 1, 3]),
        ("ok", &[0, 2, 4]),
        ("ok == false", &[1, 3]),
        ("not ok", &[1, 3]),
        ("nothing == 1", &[]),
        ("nothing != 1", &[0, 1, 2, 3, 4]),
        ("a is null", &[2, 4]),
        ("a is not null", &[0, 1, 3]),
        // JSON field paths; row 2's `doc` is null and matches no comparison.
        ("doc[\"k\"][\"n\"] == 2", &[1]),
        ("doc['k']['n'] >= 1", &[0, 1]),
        ("doc['k'] == 's'", &[3]),
        ("doc['arr'][1] == 6", &[1]),
        ("doc[0] == 1", &[4]),
        ("doc['k']['n'] != 1", &[1, 3, 4]),
        ("doc is null", &[2]),
        ("doc is not null and id > 2", &[3, 4]),
        ("doc['k'] is null", &[4]),
        ("id in [1, 2] and tag == 'blue'", &[1]),
    ];
    for (expr, want) in cases {
        assert_eq!(hits(&db, expr), *want, "{expr}");
    }
    assert_eq!(db.count_where("d", &[], "a > 0").unwrap(), 3);
    let err = db.query("d", &[], "ok < true", &[], None, 0).unwrap_err().to_string();
    assert!(err.contains("only == and != apply to a boolean literal"), "{err}");
    db.delete("d", "", "tag like 'red%'").unwrap();
    assert_eq!(hits(&db, ""), [1, 3, 4]);
}

#[test]
fn json_contains_functions_and_exists() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    seed(&db);
    let cases: &[(&str, &[i64])] = &[
        ("json_contains(doc['arr'], 5)", &[1]),
        ("json_contains(doc, 2)", &[4]),
        ("JSON_CONTAINS(doc, 2.0)", &[4]),
        ("json_contains(doc, '2')", &[]),
        ("json_contains_all(doc, [1, 2])", &[4]),
        ("json_contains_all(doc, [1, 3])", &[]),
        ("json_contains_any(doc['arr'], [7, 6])", &[1]),
        ("array_contains_any(doc, [2, 5]) or array_contains(doc['arr'], 5)", &[1, 4]),
        ("array_contains_all(doc['arr'], [6, 5, 5])", &[1]),
        // Not an array, missing or null: no match, so only the negation matches.
        ("json_contains(tag, 'red')", &[]),
        ("not json_contains(doc['arr'], 5)", &[0, 2, 3, 4]),
        ("exists doc['arr']", &[1]),
        ("EXISTS doc['k'] and id < 3", &[0, 1]),
        ("exists a", &[0, 1, 3]),
        ("exists $meta['tag']", &[0, 1, 2, 3]),
        ("not exists nothing", &[0, 1, 2, 3, 4]),
        ("array_length(doc) == 2", &[4]),
        ("array_length(doc['arr']) >= 1 or array_length(doc) < 2", &[1]),
        ("array_length(doc['arr']) != 2", &[0, 3, 4]),
    ];
    for (expr, want) in cases {
        assert_eq!(hits(&db, expr), *want, "{expr}");
    }
    let errors = [
        (
            "json_contains(id, 1)",
            "field `id` is Int64: json_contains, array_contains, array_length and exists apply",
        ),
        ("json_contains(doc, [1])", "takes one value; use json_contains_all or json_contains_any"),
        ("json_contains_all(doc, [])", "\"json_contains_all\" needs at least one value"),
        ("json_contains(doc 1)", "expected \",\" after the field of \"json_contains\""),
        ("json_contains_any(doc, [1]", "expected \")\" to close"),
        ("exists id", "field `id` is Int64"),
        ("array_length(doc) > 'a'", "array_length compares with an integer, not a string literal"),
        ("array_length(doc) 2", "expected a comparison operator after \"array_length(...)\""),
    ];
    for (expr, want) in errors {
        let err = db.query("d", &[], expr, &[], None, 0).unwrap_err().to_string();
        assert!(err.contains(want), "{expr}: {err}");
    }
}

#[test]
fn integers_compare_exactly_and_numbers_across_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    let mut cols = base(&[0, 1, 2]);
    cols.push(Column::json(
        "$meta",
        [r#"{"n": 9007199254740993}"#, r#"{"n": 2.5}"#, r#"{"n": 18446744073709551615}"#],
    ));
    db.insert("d", "", cols).unwrap();
    assert_eq!(hits(&db, "n == 9007199254740993"), [0]);
    assert_eq!(hits(&db, "n == 9007199254740992"), Vec::<i64>::new());
    assert_eq!(hits(&db, "n > 2"), [0, 1, 2]);
    assert_eq!(hits(&db, "n < 3"), [1]);
    assert_eq!(hits(&db, "n in [2.5]"), [1]);
}

#[test]
fn upsert_replaces_meta_and_dynamic_data_survives_flush_compaction_reopen_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let expected = |db: &Database| {
        let r = db.query("d", &[], "", &["*"], None, 0).unwrap();
        let mut rows: Vec<(i64, Json)> = ids(&r).into_iter().zip(meta_rows(&r)).collect();
        rows.sort_by_key(|r| r.0);
        rows
    };
    {
        let db = db_with(dir.path(), true);
        seed(&db);
        db.flush("d").unwrap();
        let mut cols = base(&[0, 9]);
        cols.push(Column::varchar("tag", ["new", "nine"]));
        db.upsert("d", "", cols).unwrap();
        db.delete_by_pks("d", "", &PrimaryKeys::Int(vec![4])).unwrap();
        db.flush("d").unwrap();
        db.compact("d").unwrap();
        // Unflushed writes come back from the WAL.
        let mut cols = base(&[20]);
        cols.push(Column::json("$meta", [r#"{"late": true}"#]));
        db.insert("d", "", cols).unwrap();
        let rows = expected(&db);
        assert_eq!(rows[0], (0, json!({"tag": "new"})));
        assert_eq!(hits(&db, "tag == 'red'"), Vec::<i64>::new());
        assert_eq!(hits(&db, "late"), [20]);
        assert_eq!(rows.len(), 6);
    }
    let db = open(dir.path());
    let info = db.describe_collection("d").unwrap();
    assert!(info.schema.enable_dynamic_field);
    assert_eq!(info.schema, schema(true));
    let rows = expected(&db);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [0, 1, 2, 3, 9, 20],);
    assert_eq!(rows[1].1, json!({"a": 200.0, "tag": "blue", "ok": false}));
    assert_eq!(rows[5].1, json!({"late": true}));
    assert_eq!(hits(&db, "a > 150 or late == true"), [1, 3, 20]);
    assert_eq!(hits(&db, "doc['k']['n'] == 2"), [1]);
    // Still dynamic after reopen.
    let mut cols = base(&[30]);
    cols.push(Column::int64("fresh", vec![1]));
    db.insert("d", "", cols).unwrap();
    assert_eq!(hits(&db, "fresh == 1"), [30]);
}

/// `{"a": <a>, "b": 5}`.
fn doc_with(a: &str) -> String {
    format!(r#"{{"a": {a}, "b": 5}}"#)
}

#[test]
fn json_some_reader_could_not_read_is_refused_in_json_and_dynamic_fields_alike() {
    use veclite::MAX_JSON_DEPTH;
    let dir = tempfile::tempdir().unwrap();
    let db = db_with(dir.path(), true);
    let arrays = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let too_deep = format!("arrays and objects nest deeper than {MAX_JSON_DEPTH} levels");
    let refused = [
        (doc_with(&arrays(MAX_JSON_DEPTH)), too_deep.as_str()),
        (doc_with(&arrays(127)), &too_deep),
        (doc_with(&arrays(128)), &too_deep),
        (doc_with(&arrays(1_000)), &too_deep),
        (
            doc_with("1e400"),
            "number out of range at line 1 column 11 (numbers must be finite: ±Inf is refused)",
        ),
        (doc_with("[-1e400]"), "number out of range"),
        (doc_with(&format!("1{}", "0".repeat(400))), "number out of range"),
        (doc_with(r#""\ud800""#), "unexpected end of hex escape"),
        (doc_with(r#""\udc00 x""#), "lone leading surrogate in hex escape"),
        (r#"{"a": 1, "b": 2, "b": 5}"#.to_owned(), "duplicate key \"b\" at line 1 column 20"),
        (r#"{"a": {"x": 1, "\u0078": 2}, "b": 5}"#.to_owned(), "duplicate key \"x\""),
    ];
    for (text, rule) in &refused {
        for field in ["doc", "$meta"] {
            let mut cols = base(&[1, 2]);
            cols.push(Column::json(field, ["{}", text.as_str()]));
            let err = db.insert("d", "", cols).unwrap_err();
            assert_eq!(err.status(), Status::InvalidValue, "{err}");
            let want = format!("field `{field}` row 1: invalid JSON: ");
            let msg = err.to_string();
            assert!(
                msg.contains(&want) && msg.contains(rule),
                "{field} {}: {msg}",
                &text[..text.len().min(40)]
            );
        }
    }
    // Text that is not UTF-8 inside a string (the raw bytes of a C or Go caller).
    let bytes = b"{\"a\": \"\xff\", \"b\": 5}".to_vec();
    for field in ["doc", "$meta"] {
        let raw = ColumnData::VarChar {
            offsets: vec![0, 2, 2 + bytes.len() as u64],
            bytes: [b"{}".as_slice(), &bytes].concat(),
        };
        let mut cols = base(&[1, 2]);
        cols.push(Column::new(field, raw).into_json());
        let err = db.insert("d", "", cols).unwrap_err();
        assert_eq!(err.status(), Status::InvalidValue, "{err}");
        let want =
            format!("field `{field}` row 1: invalid JSON: invalid unicode code point at line 1 column 8");
        assert!(err.to_string().contains(&want), "{err}");
    }
    assert_eq!(db.count("d", &[]).unwrap(), 0, "nothing was written");

    // At the limits, every document is stored as given and every filter reads it.
    let deepest = arrays(MAX_JSON_DEPTH - 1);
    let accepted = [
        doc_with(&deepest),
        doc_with("[1e308, -1e-400, 18446744073709551615, -9223372036854775808]"),
        doc_with(r#"["\ud83d\ude00", "\u00e9\u0000"]"#),
        doc_with(r#"{"x": 1, "X": 2, "\u0079": 3}"#),
    ];
    let n = accepted.len() as i64;
    let mut cols = base(&(0..n).collect::<Vec<_>>());
    cols.push(Column::json("doc", &accepted));
    cols.push(Column::json("$meta", &accepted));
    db.insert("d", "", cols).unwrap();
    let every: Vec<i64> = (0..n).collect();
    for expr in [
        "doc['b'] == 5",
        "b == 5",
        "exists doc['a']",
        "exists a",
        "doc['a'] is not null",
        "not (doc['b'] != 5)",
    ] {
        assert_eq!(hits(&db, expr), every, "{expr}");
    }
    let deep_path = format!("doc['a']{} == 1", "[0]".repeat(MAX_JSON_DEPTH - 1));
    assert_eq!(hits(&db, &deep_path), [0]);
    assert_eq!(hits(&db, &deep_path.replace("doc['a']", "a")), [0]);
    assert_eq!(hits(&db, "array_length(doc['a']) == 1 and array_length(a) == 1"), [0]);
    assert_eq!(hits(&db, "array_length(doc['a']) == 4"), [1]);
    assert_eq!(hits(&db, "json_contains(a, 1e308) and doc['a'][2] > 1.8e19"), [1]);
    assert_eq!(hits(&db, "json_contains(doc['a'], '\u{1F600}') and a[1] == '\u{e9}\u{0}'"), [2]);
    assert_eq!(hits(&db, "doc['a']['x'] == 1 and a['X'] == 2 and a['y'] == 3"), [3]);
    let got = db.get("d", &[], &PrimaryKeys::Int(every.clone()), &["doc", "$meta"]).unwrap();
    let parsed = |text: &str| serde_json::from_str::<Json>(text).unwrap();
    let docs = got.column("doc").unwrap();
    for (i, text) in accepted.iter().enumerate() {
        assert_eq!(docs.data().as_ref().bytes_at(i), text.as_bytes(), "row {i} stored as given");
        assert_eq!(meta_rows(&got)[i], parsed(text), "row {i}");
    }
}
