//! The CLI with binary, float16, bfloat16 and int8 vector fields: `query --json` and JSON
//! export print them in Milvus's JSON forms; NumPy and Parquet export refuse them by name.

#![cfg(feature = "cli")]

use std::process::{Command, Output};

use serde_json::Value as Json;
use veclite::{Column, Database, Field, FieldType, Options, Schema, VectorKind};

fn veclite(args: &[&str]) -> (i32, String, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_veclite")).args(args).output().expect("run veclite");
    (
        status.code().expect("exit code"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

#[test]
fn packed_vectors_print_in_milvus_json_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    {
        let db = Database::open(&dir, Options::default()).unwrap();
        let schema = Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("b", FieldType::BinaryVector { dim: 16 }))
            .field(Field::new("h", FieldType::Float16Vector { dim: 2 }))
            .field(Field::new("q", FieldType::Int8Vector { dim: 2 }))
            .build()
            .unwrap();
        db.create_collection(schema).unwrap();
        let half = |x: f32| veclite::simd::f32_to_f16(x).to_le_bytes();
        db.insert(
            "c",
            "",
            vec![
                Column::int64("id", vec![1]),
                Column::packed_vector("b", VectorKind::Binary, 16, vec![5, 255]),
                Column::packed_vector("h", VectorKind::Float16, 2, [half(0.5), half(-2.0)].concat()),
                Column::packed_vector("q", VectorKind::Int8, 2, vec![3, 0xfe]),
            ],
        )
        .unwrap();
        db.close().unwrap();
    }
    let path = dir.to_str().unwrap();
    let (code, out, err) = veclite(&["query", path, "c", "--json"]);
    assert_eq!(code, 0, "{err}");
    let row: Json = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(row["b"], serde_json::json!([5, 255]));
    assert_eq!(row["h"], serde_json::json!([0.5, -2.0]));
    assert_eq!(row["q"], serde_json::json!([3, -2]));
    let json_out = tmp.path().join("json");
    let (code, _, err) =
        veclite(&["export", path, "c", "--format", "json", "--out", json_out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text: String = std::fs::read_dir(&json_out)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(text.contains("[5, 255]") && text.contains("[3, -2]"), "{text}");
    for format in ["numpy", "parquet"] {
        let out = tmp.path().join(format);
        let (code, _, err) =
            veclite(&["export", path, "c", "--format", format, "--out", out.to_str().unwrap()]);
        assert_eq!(code, 1);
        assert!(err.contains("field `b` is BINARY_VECTOR") && err.contains("use --format json"), "{err}");
    }
}
