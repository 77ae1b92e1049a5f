//! Shared fixtures for integration tests.
#![allow(dead_code)]

use veclite::{Column, Database, Field, FieldType, Options, Schema, Value};

/// The seed collection: `ID` Int64 PK, `random` Double, `embeddings` FloatVector(8).
pub fn seed_schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: 8 }))
        .build()
        .unwrap()
}

/// A schema exercising every scalar type, nullable and defaulted fields and a VarChar key.
pub fn rich_schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("pk", FieldType::VarChar { max_length: 16 }).primary_key())
        .field(Field::new("flag", FieldType::Bool).nullable(true))
        .field(Field::new("i8", FieldType::Int8).default_value(Value::Int(-1)))
        .field(Field::new("i16", FieldType::Int16).nullable(true))
        .field(Field::new("i32", FieldType::Int32).nullable(true).default_value(Value::Int(7)))
        .field(Field::new("f", FieldType::Float).nullable(true))
        .field(
            Field::new("title", FieldType::VarChar { max_length: 5 })
                .default_value(Value::Text("none".into())),
        )
        .field(Field::new("v", FieldType::FloatVector { dim: 3 }))
        .build()
        .unwrap()
}

/// Seed-shaped columns for the given ids: `random = id / 10`, vector components `id + j`.
pub fn seed_columns(ids: &[i64], bump: f64) -> Vec<Column> {
    vec![
        Column::int64("ID", ids.to_vec()),
        Column::double("random", ids.iter().map(|&i| i as f64 / 10.0 + bump).collect()),
        Column::float_vector(
            "embeddings",
            8,
            ids.iter().flat_map(|&i| (0..8).map(move |j| (i + j) as f32 + bump as f32)).collect(),
        ),
    ]
}

/// Opens a database with default options.
pub fn open(dir: &std::path::Path) -> Database {
    Database::open(dir, Options::default()).unwrap()
}

/// A database with the seed collection `c` created.
pub fn seed_db(dir: &std::path::Path) -> Database {
    let db = open(dir);
    db.create_collection(seed_schema("c")).unwrap();
    db
}
