//! `veclite export` and `veclite import` end to end, running the built binary: for every format,
//! export → import into a fresh database → every row equal (every field type, nulls, defaults,
//! dynamic fields); files bounded by --max-file-size; imports that fail name file, row and field
//! and write nothing of the file.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;
use veclite::{Column, Database, Field, FieldType, Options, Schema, Value};

const COLLECTION: &str = "all_types";
const DIM: usize = 4;
/// Rows of the test collection: more than one read batch of export and import (4096 rows).
const ROWS: i64 = 4500;

/// Runs the binary with `args`; returns (exit code, stdout, stderr).
fn veclite(args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_veclite")).args(args).output().expect("run veclite");
    let code = status.code().expect("veclite exited by a signal");
    (code, String::from_utf8(stdout).expect("utf-8 stdout"), String::from_utf8(stderr).expect("utf-8 stderr"))
}

/// Runs the binary, asserts it succeeds, and returns its stdout.
fn ok(args: &[&str]) -> String {
    let (code, out, err) = veclite(args);
    assert_eq!(code, 0, "veclite {args:?} failed:\n{out}\n{err}");
    out
}

/// Runs the binary, asserts it fails with status 1, and returns its stderr.
fn fails(args: &[&str]) -> String {
    let (code, out, err) = veclite(args);
    assert_eq!(code, 1, "veclite {args:?} should fail:\n{out}\n{err}");
    err
}

/// A schema with every field type, nullable and defaulted fields, and dynamic fields.
fn schema(auto_id: bool) -> Schema {
    Schema::builder(COLLECTION)
        .field(Field::new("id", FieldType::Int64).primary_key().auto_id(auto_id))
        .field(Field::new("flag", FieldType::Bool).nullable(true))
        .field(Field::new("tiny", FieldType::Int8))
        .field(Field::new("small", FieldType::Int16).default_value(Value::Int(-7)))
        .field(Field::new("medium", FieldType::Int32).nullable(true))
        .field(Field::new("big", FieldType::Int64))
        .field(Field::new("score", FieldType::Float).nullable(true))
        .field(Field::new("ratio", FieldType::Double))
        .field(Field::new("title", FieldType::VarChar { max_length: 64 }).nullable(true))
        .field(Field::new("doc", FieldType::Json).nullable(true))
        .field(Field::new("embedding", FieldType::FloatVector { dim: DIM as u32 }))
        .enable_dynamic_field(true)
        .build()
        .expect("schema")
}

/// Rows `ids`; with `nulls`, every nullable field is null in some rows.
fn rows(ids: &[i64], nulls: bool, with_key: bool) -> Vec<Column> {
    let valid = |every: i64| ids.iter().map(|i| !nulls || i % every != 0).collect::<Vec<_>>();
    let mut columns = vec![
        Column::bool("flag", ids.iter().map(|i| i % 2 == 0).collect()).with_validity(valid(7)),
        Column::int8("tiny", ids.iter().map(|i| (i % 256 - 128) as i8).collect()),
        Column::int16("small", ids.iter().map(|i| (i * 7 % 30000) as i16).collect()),
        Column::int32("medium", ids.iter().map(|i| (i * 1000) as i32 - 5).collect()).with_validity(valid(5)),
        Column::int64("big", ids.iter().map(|i| i * 1_000_000_007 - (1 << 40)).collect()),
        Column::float("score", ids.iter().map(|i| *i as f32 / 3.0).collect()).with_validity(valid(3)),
        Column::double("ratio", ids.iter().map(|i| 1.0 / (*i as f64 + 0.5)).collect()),
        Column::varchar("title", ids.iter().map(|i| format!("tïtle \"{i}\" ✓"))).with_validity(valid(4)),
        Column::json(
            "doc",
            ids.iter().map(|i| format!(r#"{{"n": {i}, "tags": ["a", "b"], "nested": {{"x": 0.1}}}}"#)),
        )
        .with_validity(valid(6)),
        Column::float_vector(
            "embedding",
            DIM,
            ids.iter().flat_map(|i| (0..DIM).map(move |d| (*i as f32) * 0.1 + d as f32 / 3.0)).collect(),
        ),
        // A dynamic key.
        Column::varchar("color", ids.iter().map(|i| ["red", "green", "blue"][(*i % 3) as usize])),
    ];
    if with_key {
        columns.insert(0, Column::int64("id", ids.to_vec()));
    }
    columns
}

/// A database in `dir` with the test collection: rows flushed into a segment and rows still in
/// the WAL; with `nulls`, nullable fields hold nulls.
fn create(dir: &Path, nulls: bool) {
    let db = Database::open(dir, Options::default()).expect("open");
    db.create_collection(schema(false)).expect("create");
    let ids: Vec<i64> = (0..ROWS).collect();
    let (sealed, growing) = ids.split_at(ids.len() - 300);
    db.insert(COLLECTION, "", rows(sealed, nulls, true)).expect("insert");
    db.flush(COLLECTION).expect("flush");
    db.insert(COLLECTION, "", rows(growing, nulls, true)).expect("insert");
    db.close().expect("close");
}

/// An empty database in `dir` with the test collection.
fn create_empty(dir: &Path, auto_id: bool) {
    let db = Database::open(dir, Options::default()).expect("open");
    db.create_collection(schema(auto_id)).expect("create");
    db.close().expect("close");
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Every row of the collection as JSON objects (as `veclite query --json` prints them), by key.
fn all_rows(dir: &Path) -> Vec<Json> {
    let out = ok(&["query", path_str(dir), COLLECTION, "--json"]);
    let mut rows: Vec<Json> = out.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    rows.sort_by_key(|r| r["id"].as_i64().expect("an id"));
    rows
}

/// Exports `src` in `format` into `out` with extra `args`; returns the parts listed.
fn export(src: &Path, format: &str, out: &Path, args: &[&str]) -> Vec<Json> {
    let mut all =
        vec!["export", path_str(src), COLLECTION, "--format", format, "--out", path_str(out), "--json"];
    all.extend_from_slice(args);
    ok(&all).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

/// Export → import into a fresh database → the same rows; returns the directory holding the
/// files and the parts listed.
fn round_trip(format: &str, nulls: bool, export_args: &[&str]) -> (tempfile::TempDir, Vec<Json>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (src, dst, out) = (tmp.path().join("src"), tmp.path().join("dst"), tmp.path().join("out"));
    create(&src, nulls);
    let parts = export(&src, format, &out, export_args);
    assert_eq!(parts.iter().map(|p| p["rows"].as_u64().unwrap()).sum::<u64>(), ROWS as u64);
    create_empty(&dst, false);
    let imported = ok(&["import", path_str(&dst), COLLECTION, "--from", path_str(&out), "--json"]);
    assert_eq!(imported.lines().count(), parts.len(), "one line per file:\n{imported}");
    let (before, after) = (all_rows(&src), all_rows(&dst));
    assert_eq!(before.len(), ROWS as usize);
    assert_eq!(before, after, "{format}: rows differ after export and import");
    if nulls {
        assert!(before.iter().any(|r| r["doc"].is_null() && r["title"].is_null() && r["score"].is_null()));
    }
    assert!(
        before.iter().all(|r| r["$meta"]["color"].is_string() || r["color"].is_string()),
        "{:?}",
        before[0]
    );
    (tmp, parts)
}

#[test]
fn parquet_round_trip_keeps_every_field_type_null_and_dynamic_key() {
    let (_tmp, parts) = round_trip("parquet", true, &[]);
    assert_eq!(parts.len(), 1);
    assert!(parts[0]["file"].as_str().unwrap().ends_with("/1.parquet"));
}

#[test]
fn json_round_trip_keeps_every_field_type_null_and_dynamic_key() {
    let (_tmp, parts) = round_trip("json", true, &[]);
    let text = std::fs::read_to_string(parts[0]["file"].as_str().unwrap()).unwrap();
    let file: Json = serde_json::from_str(&text).expect("the file is JSON");
    let first = &file["rows"][0];
    assert_eq!(first["doc"], Json::Null, "row 0 has a null doc");
    assert_eq!(first["$meta"], serde_json::json!({"color": "red"}));
    assert_eq!(file["rows"][1]["doc"]["tags"], serde_json::json!(["a", "b"]), "JSON fields are JSON values");
    assert_eq!(
        file["rows"][1]["score"].to_string(),
        "0.33333334",
        "floats print as the shortest f32 decimal"
    );
}

#[test]
fn numpy_round_trip_keeps_every_field_type_and_dynamic_key() {
    let (_tmp, parts) = round_trip("numpy", false, &[]);
    let dir = PathBuf::from(parts[0]["file"].as_str().unwrap());
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "$meta.npy",
            "big.npy",
            "doc.npy",
            "embedding.npy",
            "flag.npy",
            "id.npy",
            "medium.npy",
            "ratio.npy",
            "score.npy",
            "small.npy",
            "tiny.npy",
            "title.npy"
        ]
    );
}

#[test]
fn numpy_export_refuses_nulls_naming_field_and_row() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    create(&src, true);
    let out = tmp.path().join("out");
    let err = fails(&["export", path_str(&src), COLLECTION, "--format", "numpy", "--out", path_str(&out)]);
    assert!(
        err.contains("field `flag` is null in row 0") && err.contains("--format parquet or json"),
        "{err}"
    );
    assert!(!out.exists(), "a failed export leaves nothing behind");
}

#[test]
fn max_file_size_splits_into_bounded_files() {
    for (format, limit) in [("json", 200_000u64), ("numpy", 100_000), ("parquet", 150_000)] {
        let (_tmp, parts) = round_trip(format, format != "numpy", &["--max-file-size", &limit.to_string()]);
        assert!(parts.len() > 2, "{format}: {} parts", parts.len());
        for (i, part) in parts.iter().enumerate() {
            let bytes = part["bytes"].as_u64().unwrap();
            assert!(bytes <= limit, "{format} part {i}: {bytes} bytes over {limit}");
            let name =
                Path::new(part["file"].as_str().unwrap()).file_name().unwrap().to_str().unwrap().to_owned();
            assert!(name.starts_with(&(i + 1).to_string()), "{format}: part {i} is {name}");
        }
    }
}

#[test]
fn filtered_export_holds_the_matching_rows_and_auto_id_keys_are_left_out() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (src, dst, out) = (tmp.path().join("src"), tmp.path().join("dst"), tmp.path().join("out"));
    create(&src, true);
    let parts = export(&src, "json", &out, &["--filter", "id < 10"]);
    assert_eq!(parts[0]["rows"], 10);
    // Into an auto_id collection, a file with the key is refused (as Milvus does)...
    create_empty(&dst, true);
    let err = fails(&["import", path_str(&dst), COLLECTION, "--from", path_str(&out)]);
    assert!(err.contains("1.json") && err.contains("auto_id"), "{err}");
    // ...and its own export leaves the key out.
    let db = Database::open(&dst, Options::default()).unwrap();
    db.insert(COLLECTION, "", rows(&[1, 2, 3], true, false)).unwrap();
    db.close().unwrap();
    let out2 = tmp.path().join("out2");
    let parts = export(&dst, "parquet", &out2, &[]);
    assert_eq!(parts[0]["rows"], 3);
    ok(&["import", path_str(&dst), COLLECTION, "--from", path_str(&out2)]);
    assert_eq!(ok(&["count", path_str(&dst), COLLECTION, "--json"]).trim(), r#"{"count":6}"#);
}

/// A JSON bulk file of rows `0..n` of the test schema, with `bad` applied to row `bad_row`.
fn json_file(path: &Path, n: i64, bad_row: i64, bad: impl Fn(&mut serde_json::Map<String, Json>)) {
    let rows: Vec<Json> = (0..n)
        .map(|i| {
            let mut row = serde_json::json!({
                "id": i, "flag": true, "tiny": 1, "small": 2, "medium": 3, "big": 4, "score": 0.5,
                "ratio": 0.25, "title": "t", "doc": {"k": i}, "embedding": [0.0, 1.0, 2.0, 3.0],
                "$meta": {"color": "red"}
            });
            if i == bad_row {
                bad(row.as_object_mut().unwrap());
            }
            row
        })
        .collect();
    std::fs::write(path, serde_json::json!({ "rows": rows }).to_string()).unwrap();
}

#[test]
fn a_bad_value_fails_the_file_naming_file_row_and_field_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dst = tmp.path().join("dst");
    create_empty(&dst, false);
    let file = tmp.path().join("bad.json");
    // (the error, the key of row 4500 set, its value)
    let cases = [
        ("row 4500: field `tiny`: 300 is out of range for Int8", "tiny", Json::from(300)),
        (
            "row 4500: field `embedding`: expected 4 components, got 3",
            "embedding",
            serde_json::json!([1.0, 2.0, 3.0]),
        ),
        ("row 4500: field `big` is not nullable and has no default value", "big", Json::Null),
        ("row 4500: field `title`: 65 bytes exceed max_length 64", "title", Json::from("x".repeat(65))),
        ("row 4500: primary key 3 is repeated in the file", "id", Json::from(3)),
    ];
    for (want, key, value) in cases {
        json_file(&file, 4600, 4500, |r| {
            r.insert(key.into(), value.clone());
        });
        // Checked whole (one write), and batch by batch before any write (--max-write-bytes).
        for extra in [&[][..], &["--max-write-bytes", "1000"][..]] {
            let mut args = vec!["import", path_str(&dst), COLLECTION, "--from", path_str(&file)];
            args.extend_from_slice(extra);
            let err = fails(&args);
            assert!(err.contains("bad.json: ") && err.contains(want), "want {want:?}, got {err}");
            assert_eq!(ok(&["count", path_str(&dst), COLLECTION, "--json"]).trim(), r#"{"count":0}"#);
        }
    }
    // The same file without the bad row goes in, also in batches.
    json_file(&file, 4600, -1, |_| {});
    ok(&["import", path_str(&dst), COLLECTION, "--from", path_str(&file), "--max-write-bytes", "1000"]);
    assert_eq!(ok(&["count", path_str(&dst), COLLECTION, "--json"]).trim(), r#"{"count":4600}"#);
    // Importing it again is refused by the insert (existing keys), and accepted with --upsert.
    let err = fails(&["import", path_str(&dst), COLLECTION, "--from", path_str(&file)]);
    assert!(err.contains("bad.json: ") && err.contains("already exists"), "{err}");
    // Written in batches, a failing write says which rows of the file went in before it.
    let err = fails(&[
        "import",
        path_str(&dst),
        COLLECTION,
        "--from",
        path_str(&file),
        "--max-write-bytes",
        "1000",
    ]);
    assert!(
        err.contains("bad.json: rows 0..4096: ") && err.contains("(rows 0..0 of this file were written)"),
        "{err}"
    );
    ok(&["import", path_str(&dst), COLLECTION, "--from", path_str(&file), "--upsert"]);
    assert_eq!(ok(&["count", path_str(&dst), COLLECTION, "--json"]).trim(), r#"{"count":4600}"#);
}

#[test]
fn import_refuses_missing_fields_unknown_columns_and_odd_paths() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dst = tmp.path().join("dst");
    create_empty(&dst, false);
    let file = tmp.path().join("f.json");
    let no_vector = |r: &mut serde_json::Map<String, Json>| {
        r.remove("embedding");
    };
    json_file(&file, 1, 0, no_vector);
    let err = fails(&["import", path_str(&dst), COLLECTION, "--from", path_str(&file)]);
    assert!(err.contains("f.json: no values for field `embedding`"), "{err}");
    json_file(&file, 3, 1, no_vector);
    let err = fails(&["import", path_str(&dst), COLLECTION, "--from", path_str(&file)]);
    assert!(err.contains("f.json: row 1: no value for field `embedding`"), "{err}");
    // A nullable field missing from a row is a null there.
    json_file(&file, 3, 1, |r| {
        r.remove("title");
    });
    ok(&["import", path_str(&dst), COLLECTION, "--from", path_str(&file)]);
    let rows = all_rows(&dst);
    assert_eq!((rows[0]["title"].is_string(), rows[1]["title"].is_null()), (true, true));
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let err = fails(&["import", path_str(&dst), COLLECTION, "--from", path_str(&out)]);
    assert!(err.contains("no .parquet, .json or .npy files"), "{err}");
    let txt = tmp.path().join("rows.csv");
    std::fs::write(&txt, "id\n1\n").unwrap();
    let err = fails(&["import", path_str(&dst), COLLECTION, "--from", path_str(&txt)]);
    assert!(err.contains("not a bulk file"), "{err}");
    let (code, _, err) =
        veclite(&["export", path_str(&dst), COLLECTION, "--format", "csv", "--out", path_str(&out)]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn partitions_are_exported_and_imported_by_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (src, dst, out) = (tmp.path().join("src"), tmp.path().join("dst"), tmp.path().join("out"));
    for (dir, rows_in_p1) in [(&src, true), (&dst, false)] {
        create_empty(dir, false);
        let db = Database::open(dir, Options::default()).unwrap();
        db.create_partition(COLLECTION, "p1").unwrap();
        if rows_in_p1 {
            db.insert(COLLECTION, "p1", rows(&[1, 2], true, true)).unwrap();
            db.insert(COLLECTION, "", rows(&[3], true, true)).unwrap();
        }
        db.close().unwrap();
    }
    let parts = export(&src, "parquet", &out, &["--partition", "p1"]);
    assert_eq!(parts[0]["rows"], 2);
    ok(&["import", path_str(&dst), COLLECTION, "--from", path_str(&out), "--partition", "p1"]);
    let count = |p: &str| ok(&["count", path_str(&dst), COLLECTION, "--partition", p, "--json"]);
    assert_eq!(count("p1").trim(), r#"{"count":2}"#);
    assert_eq!(count("_default").trim(), r#"{"count":0}"#);
}

#[test]
fn help_texts_have_examples() {
    for command in ["export", "import"] {
        let help = ok(&[command, "--help"]);
        assert!(help.contains("Examples:") && help.contains("Exit status:"), "{help}");
    }
}

#[test]
fn array_fields_are_queried_as_lists_and_go_through_json_and_parquet_bulk_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    let db = Database::open(&dir, Options::default()).expect("open");
    let schema = Schema::builder("arr")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 1 }))
        .field(Field::new(
            "nums",
            FieldType::Array { element: veclite::ElementType::Int32, max_capacity: 4, max_length: 0 },
        ))
        .field(
            Field::new(
                "tags",
                FieldType::Array { element: veclite::ElementType::VarChar, max_capacity: 2, max_length: 4 },
            )
            .nullable(true),
        )
        .field(Field::new(
            "fl",
            FieldType::Array { element: veclite::ElementType::Float, max_capacity: 2, max_length: 0 },
        ))
        .build()
        .expect("schema");
    db.create_collection(schema).expect("create");
    let nums = Column::array("nums", veclite::ColumnData::Int32(vec![1, 2, 3]), [2, 1]).expect("array");
    let tags = Column::array("tags", veclite::ColumnData::varchar(["a", "bc"]), [2, 0]).expect("array");
    let fl = Column::array("fl", veclite::ColumnData::Float(vec![0.1]), [1, 0]).expect("array");
    let cols = vec![
        Column::int64("id", vec![1, 2]),
        Column::float_vector("v", 1, vec![0.0, 1.0]),
        nums,
        tags.with_validity(vec![true, false]),
        fl,
    ];
    db.insert("arr", "", cols).expect("insert");
    db.close().expect("close");
    let out = ok(&["query", path_str(&dir), "arr", "--filter", "array_contains(nums, 3)", "--json"]);
    assert_eq!(
        serde_json::from_str::<Json>(out.trim()).expect("JSON"),
        serde_json::json!({"id": 2, "nums": [3], "v": [1.0], "tags": null, "fl": []})
    );
    let rows = |dir: &Path| -> Vec<Json> {
        let out = ok(&["query", path_str(dir), "arr", "--json"]);
        out.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
    };
    let before = rows(&dir);
    assert_eq!(
        before[0],
        serde_json::json!({"id": 1, "nums": [1, 2], "v": [0.0], "tags": ["a", "bc"], "fl": [0.1]})
    );
    let dest = tmp.path().join("numpy");
    let err = fails(&["export", path_str(&dir), "arr", "--format", "numpy", "--out", path_str(&dest)]);
    let want =
        "field `nums` is Array(Int32, 4): ARRAY fields are not supported by veclite's numpy bulk files yet";
    assert!(err.contains(want), "{err}");
    // Parquet files carry arrays as list columns: export, delete the rows, import them back.
    let parquet = tmp.path().join("parquet");
    ok(&["export", path_str(&dir), "arr", "--format", "parquet", "--out", path_str(&parquet)]);
    ok(&["delete", path_str(&dir), "arr", "--filter", "id > 0"]);
    let file = std::fs::read_dir(&parquet).unwrap().next().unwrap().unwrap().path();
    ok(&["import", path_str(&dir), "arr", "--from", path_str(&file)]);
    assert_eq!(rows(&dir), before);
    // JSON files carry arrays as lists: export, then import the file back (as an upsert).
    let out = tmp.path().join("json");
    ok(&["export", path_str(&dir), "arr", "--format", "json", "--out", path_str(&out)]);
    let file = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"nums\": [1,2], \"tags\": [\"a\",\"bc\"], \"fl\": [0.1]"), "{text}");
    ok(&["import", path_str(&dir), "arr", "--from", path_str(&file), "--upsert"]);
    assert_eq!(rows(&dir), before);
    let bad = tmp.path().join("bad.json");
    for (rows, want) in [
        (
            r#"[{"id": 3, "v": [0.5], "fl": [], "nums": [1, 2, 3, 4, 5]}]"#,
            "row 0: field `nums`: 5 elements exceed max_capacity 4",
        ),
        (
            r#"[{"id": 3, "v": [0.5], "fl": [], "nums": [1, "x"]}]"#,
            "row 0: field `nums`: expected Int32, got text (element 1)",
        ),
        (
            r#"[{"id": 3, "v": [0.5], "fl": [], "nums": [1, 3000000000]}]"#,
            "out of range for Int32 (element 1)",
        ),
        (
            r#"[{"id": 3, "v": [0.5], "fl": [], "nums": 7}]"#,
            "field `nums`: expected Array(Int32, 4), a JSON list",
        ),
    ] {
        std::fs::write(&bad, format!("{{\"rows\": {rows}}}")).unwrap();
        let err = fails(&["import", path_str(&dir), "arr", "--from", path_str(&bad)]);
        assert!(err.contains(want), "{want}\n got: {err}");
    }
    assert_eq!(rows(&dir), before, "a refused file writes nothing");
}
