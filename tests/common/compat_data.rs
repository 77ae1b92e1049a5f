//! The content of the format-compatibility fixture `tests/fixtures/format-v1/`: its schemas, the
//! operations that wrote it ([`history`]) and every row's values as a pure function of its key
//! and version ([`typed_row`], [`keyed_row`]). The generator (`examples/make_compat_fixture.rs`)
//! runs the history against a database; `tests/compat.rs` folds the same history into the rows
//! the fixture must answer with ([`live_rows`]). Nothing here depends on the clock or on a
//! random-number crate, so both sides compute the same values forever.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};
use veclite::{Column, Field, FieldType, IndexParams, Metric, PrimaryKeys, Schema, Value};

/// Dimension of every vector field.
pub const DIM: usize = 8;
/// Collection with an Int64 key, every scalar type, JSON, two indexed vector fields and dynamic
/// fields.
pub const TYPED: &str = "typed";
/// Collection with a VarChar key and a FLAT index.
pub const KEYED: &str = "keyed";
/// The second partition of [`TYPED`].
pub const P1: &str = "p1";
/// The partition every collection has.
pub const DEFAULT: &str = "_default";

/// Default of `typed.int16` (taken by nulls).
pub const INT16_DEFAULT: i16 = -16;
/// Default of the nullable `typed.int32` (taken by nulls, so it never reads as null).
pub const INT32_DEFAULT: i32 = 32;
/// Default of `typed.double`.
pub const DOUBLE_DEFAULT: f64 = 0.5;
/// Default of `keyed.note`.
pub const NOTE_DEFAULT: &str = "none";

/// Words for text values (two of them not ASCII).
const WORDS: [&str; 5] = ["alpha", "beta", "café", "smörgås", "日本"];
/// Values of the dynamic key `color`.
pub const COLORS: [&str; 3] = ["red", "green", "blue"];

/// `typed`: `id` Int64 key; `flag` Bool; `int8` nullable; `int16` with a default; `int32`
/// nullable with a default; `int64`; `float` nullable; `double` with a default; `name` nullable
/// VarChar; `doc` nullable JSON; vectors `vh` (HNSW, L2) and `vi` (IVF_FLAT, COSINE); dynamic
/// fields on (`$meta` holds `color` and `rank`).
pub fn typed_schema() -> Schema {
    Schema::builder(TYPED)
        .description("every field type of format version 1")
        .field(Field::new("id", FieldType::Int64).primary_key().description("the key"))
        .field(Field::new("flag", FieldType::Bool))
        .field(Field::new("int8", FieldType::Int8).nullable(true))
        .field(Field::new("int16", FieldType::Int16).default_value(Value::Int(INT16_DEFAULT.into())))
        .field(
            Field::new("int32", FieldType::Int32)
                .nullable(true)
                .default_value(Value::Int(INT32_DEFAULT.into())),
        )
        .field(Field::new("int64", FieldType::Int64))
        .field(Field::new("float", FieldType::Float).nullable(true))
        .field(Field::new("double", FieldType::Double).default_value(Value::Float(DOUBLE_DEFAULT)))
        .field(Field::new("name", FieldType::VarChar { max_length: 32 }).nullable(true))
        .field(Field::new("doc", FieldType::Json).nullable(true))
        .field(Field::new("vh", FieldType::FloatVector { dim: DIM as u32 }))
        .field(Field::new("vi", FieldType::FloatVector { dim: DIM as u32 }))
        .enable_dynamic_field(true)
        .build()
        .expect("the typed schema is valid")
}

/// `keyed`: `pk` VarChar key, `note` VarChar with a default, `v` vector (FLAT, IP).
pub fn keyed_schema() -> Schema {
    Schema::builder(KEYED)
        .field(Field::new("pk", FieldType::VarChar { max_length: 8 }).primary_key())
        .field(
            Field::new("note", FieldType::VarChar { max_length: 16 })
                .default_value(Value::Text(NOTE_DEFAULT.into())),
        )
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .expect("the keyed schema is valid")
}

/// A vector index the history creates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexSpec {
    pub collection: &'static str,
    pub field: &'static str,
    pub name: &'static str,
    pub metric: Metric,
    pub params: IndexParams,
}

/// The three indexes: HNSW and IVF_FLAT on `typed`, FLAT on `keyed`.
pub const INDEXES: [IndexSpec; 3] = [
    IndexSpec {
        collection: TYPED,
        field: "vh",
        name: "vh_hnsw",
        metric: Metric::L2,
        params: IndexParams::Hnsw { m: 8, ef_construction: 64 },
    },
    IndexSpec {
        collection: TYPED,
        field: "vi",
        name: "vi_ivf",
        metric: Metric::Cosine,
        params: IndexParams::IvfFlat { nlist: 4 },
    },
    IndexSpec {
        collection: KEYED,
        field: "v",
        name: "v_flat",
        metric: Metric::Ip,
        params: IndexParams::Flat,
    },
];

/// One step of the history. Keys are numbers; [`KEYED`] stores key `n` as [`keyed_pk`]`(n)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    CreateCollection(&'static str),
    CreatePartition {
        collection: &'static str,
        partition: &'static str,
    },
    CreateIndex(IndexSpec),
    /// Rows `keys` at `version`, inserted (new keys) or upserted (replacing the live row with the
    /// same key in any partition).
    Write {
        collection: &'static str,
        partition: &'static str,
        keys: Vec<i64>,
        version: u32,
        upsert: bool,
    },
    /// Deletes by key in the whole collection.
    Delete {
        collection: &'static str,
        keys: Vec<i64>,
    },
    Flush(&'static str),
}

fn insert(collection: &'static str, partition: &'static str, keys: impl IntoIterator<Item = i64>) -> Op {
    Op::Write { collection, partition, keys: keys.into_iter().collect(), version: 0, upsert: false }
}

fn upsert(collection: &'static str, partition: &'static str, keys: &[i64], version: u32) -> Op {
    Op::Write { collection, partition, keys: keys.to_vec(), version, upsert: true }
}

fn delete(collection: &'static str, keys: &[i64]) -> Op {
    Op::Delete { collection, keys: keys.to_vec() }
}

/// What wrote the fixture, in order. Everything after the last `Flush` of a collection is only
/// in its write-ahead log. The segments and files this leaves (ids as the engine assigns them):
/// `typed` seals `_default` rows 0..60 and `p1` rows 1000..1040, then rows 60..120; both indexes
/// are built over those; deletes and upserts (rows 20 and 21 move to `p1`) then seal two more
/// segments and write deletes files for the first three; a second round of deletes gives the
/// first segment deletes generation 2. `keyed` seals 30 rows and deletes two of them.
pub fn history() -> Vec<Op> {
    vec![
        Op::CreateCollection(TYPED),
        Op::CreatePartition { collection: TYPED, partition: P1 },
        insert(TYPED, DEFAULT, 0..60),
        insert(TYPED, P1, 1000..1040),
        Op::Flush(TYPED),
        insert(TYPED, DEFAULT, 60..120),
        Op::Flush(TYPED),
        Op::CreateIndex(INDEXES[0]),
        Op::CreateIndex(INDEXES[1]),
        delete(TYPED, &[3, 61, 1005]),
        upsert(TYPED, DEFAULT, &[10, 11, 12, 13, 14, 15], 1),
        upsert(TYPED, P1, &[20, 21, 1010, 1011], 1),
        insert(TYPED, DEFAULT, 120..150),
        Op::Flush(TYPED),
        delete(TYPED, &[4, 121]),
        Op::Flush(TYPED),
        // Left in the write-ahead log: inserts, upserts over sealed and logged rows, deletes.
        insert(TYPED, DEFAULT, 150..170),
        upsert(TYPED, DEFAULT, &[30, 122], 1),
        upsert(TYPED, P1, &[1020], 1),
        upsert(TYPED, DEFAULT, &[1021, 11], 2),
        delete(TYPED, &[40, 1030, 155]),
        Op::CreateCollection(KEYED),
        insert(KEYED, DEFAULT, 0..30),
        Op::CreateIndex(INDEXES[2]),
        Op::Flush(KEYED),
        delete(KEYED, &[2, 7]),
        Op::Flush(KEYED),
        // Left in the write-ahead log.
        upsert(KEYED, DEFAULT, &[5], 1),
        delete(KEYED, &[9]),
        insert(KEYED, DEFAULT, 30..35),
    ]
}

/// The live rows of `collection` after the whole history: key → (partition, version).
pub fn live_rows(collection: &str) -> BTreeMap<i64, (&'static str, u32)> {
    let mut live = BTreeMap::new();
    for op in history() {
        match op {
            Op::Write { collection: c, partition, keys, version, .. } if c == collection => {
                for k in keys {
                    live.insert(k, (partition, version));
                }
            }
            Op::Delete { collection: c, keys } if c == collection => {
                for k in keys {
                    live.remove(&k);
                }
            }
            _ => {}
        }
    }
    live
}

/// Every key the history writes to `collection`, deleted ones included.
pub fn written_keys(collection: &str) -> Vec<i64> {
    let mut keys: Vec<i64> = history()
        .into_iter()
        .filter_map(|op| match op {
            Op::Write { collection: c, keys, .. } if c == collection => Some(keys),
            _ => None,
        })
        .flatten()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A well-mixed 64-bit value of `(key, version, salt)` (the splitmix64 finalizer).
fn mix(key: i64, version: u32, salt: u64) -> u64 {
    let mut z = (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (u64::from(version) << 40)
        ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in [-1, 1] in steps of 1/1000.
fn unit(h: u64) -> f32 {
    ((h % 2001) as f32 - 1000.0) / 1000.0
}

/// A vector of [`DIM`] components from `salt`.
fn vector(key: i64, version: u32, salt: u64) -> Vec<f32> {
    (0..DIM as u64).map(|j| unit(mix(key, version, salt + j))).collect()
}

/// A query vector (`q` = 0, 1, …), independent of every row.
pub fn query_vector(q: u64) -> Vec<f32> {
    vector(-1 - q as i64, 0, 900)
}

/// One row of [`TYPED`] as written: `None` is a null given for the field (a defaulted field
/// then stores its default).
#[derive(Debug, Clone, PartialEq)]
pub struct TypedRow {
    pub id: i64,
    pub flag: bool,
    pub int8: Option<i8>,
    pub int16: Option<i16>,
    pub int32: Option<i32>,
    pub int64: i64,
    pub float: Option<f32>,
    pub double: Option<f64>,
    pub name: Option<String>,
    pub doc: Option<Json>,
    pub vh: Vec<f32>,
    pub vi: Vec<f32>,
    /// Dynamic key `color`.
    pub color: &'static str,
    /// Dynamic key `rank` (`None`: left out of `$meta`).
    pub rank: Option<i64>,
}

/// Row `id` of [`TYPED`] at `version`.
pub fn typed_row(id: i64, version: u32) -> TypedRow {
    let h = |salt| mix(id, version, salt);
    TypedRow {
        id,
        flag: h(1) & 1 == 1,
        int8: (id % 5 != 0).then(|| h(2) as u8 as i8),
        int16: (id % 4 != 0).then(|| h(3) as u16 as i16),
        int32: (id % 3 != 0).then(|| (h(4) % 2001) as i32 - 1000),
        int64: (h(5) as i64) >> 3,
        float: (id % 6 != 0).then(|| ((h(6) % 2001) as f32 - 1000.0) / 100.0),
        double: (id % 9 != 0).then(|| (h(7) % 100_001) as f64 / 1000.0 - 50.0),
        name: (id % 8 != 0).then(|| format!("{}-{id}-v{version}", WORDS[(h(8) % 5) as usize])),
        doc: (id % 10 != 0).then(|| {
            let word = WORDS[(h(9) % 5) as usize];
            json!({"k": id % 3, "w": word, "arr": [id, version], "nested": {"x": h(10) % 100}})
        }),
        vh: vector(id, version, 100),
        vi: vector(id, version, 200),
        color: COLORS[(h(11) % 3) as usize],
        rank: (id % 7 != 0).then(|| (h(12) % 10) as i64),
    }
}

impl TypedRow {
    /// `int16` as stored.
    pub fn int16_stored(&self) -> i16 {
        self.int16.unwrap_or(INT16_DEFAULT)
    }

    /// `int32` as stored.
    pub fn int32_stored(&self) -> i32 {
        self.int32.unwrap_or(INT32_DEFAULT)
    }

    /// `double` as stored.
    pub fn double_stored(&self) -> f64 {
        self.double.unwrap_or(DOUBLE_DEFAULT)
    }

    /// The row's `$meta` object.
    pub fn meta(&self) -> Json {
        match self.rank {
            Some(rank) => json!({"color": self.color, "rank": rank}),
            None => json!({"color": self.color}),
        }
    }
}

/// Values and validity of a nullable column: `placeholder` where the value is null.
fn nullable<T: Clone>(values: impl Iterator<Item = Option<T>>, placeholder: T) -> (Vec<T>, Vec<bool>) {
    values.map(|v| (v.clone().unwrap_or_else(|| placeholder.clone()), v.is_some())).unzip()
}

/// The columns that write `rows` to [`TYPED`]; `color` and `rank` are dynamic columns.
pub fn typed_columns(rows: &[TypedRow]) -> Vec<Column> {
    let (int8, int8_ok) = nullable(rows.iter().map(|r| r.int8), 0);
    let (int16, int16_ok) = nullable(rows.iter().map(|r| r.int16), 0);
    let (int32, int32_ok) = nullable(rows.iter().map(|r| r.int32), 0);
    let (float, float_ok) = nullable(rows.iter().map(|r| r.float), 0.0);
    let (double, double_ok) = nullable(rows.iter().map(|r| r.double), 0.0);
    let (name, name_ok) = nullable(rows.iter().map(|r| r.name.clone()), String::new());
    let (doc, doc_ok) = nullable(rows.iter().map(|r| r.doc.as_ref().map(Json::to_string)), "null".into());
    let (rank, rank_ok) = nullable(rows.iter().map(|r| r.rank), 0);
    vec![
        Column::int64("id", rows.iter().map(|r| r.id).collect()),
        Column::bool("flag", rows.iter().map(|r| r.flag).collect()),
        Column::int8("int8", int8).with_validity(int8_ok),
        Column::int16("int16", int16).with_validity(int16_ok),
        Column::int32("int32", int32).with_validity(int32_ok),
        Column::int64("int64", rows.iter().map(|r| r.int64).collect()),
        Column::float("float", float).with_validity(float_ok),
        Column::double("double", double).with_validity(double_ok),
        Column::varchar("name", name).with_validity(name_ok),
        Column::json("doc", doc).with_validity(doc_ok),
        Column::float_vector("vh", DIM, rows.iter().flat_map(|r| r.vh.clone()).collect()),
        Column::float_vector("vi", DIM, rows.iter().flat_map(|r| r.vi.clone()).collect()),
        Column::varchar("color", rows.iter().map(|r| r.color)),
        Column::int64("rank", rank).with_validity(rank_ok),
    ]
}

/// The stored key of [`KEYED`] row `n`.
pub fn keyed_pk(n: i64) -> String {
    format!("k{n:03}")
}

/// One row of [`KEYED`] as written (`note`: `None` is a null, stored as [`NOTE_DEFAULT`]).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedRow {
    pub n: i64,
    pub note: Option<String>,
    pub v: Vec<f32>,
}

/// Row `n` of [`KEYED`] at `version`.
pub fn keyed_row(n: i64, version: u32) -> KeyedRow {
    KeyedRow { n, note: (n % 4 != 0).then(|| format!("note {n}.{version}")), v: vector(n, version, 300) }
}

/// The columns that write `rows` to [`KEYED`].
pub fn keyed_columns(rows: &[KeyedRow]) -> Vec<Column> {
    let (note, note_ok) = nullable(rows.iter().map(|r| r.note.clone()), String::new());
    vec![
        Column::varchar("pk", rows.iter().map(|r| keyed_pk(r.n))),
        Column::varchar("note", note).with_validity(note_ok),
        Column::float_vector("v", DIM, rows.iter().flat_map(|r| r.v.clone()).collect()),
    ]
}

/// The columns of a write of `keys` at `version` to `collection`.
pub fn write_columns(collection: &str, keys: &[i64], version: u32) -> Vec<Column> {
    if collection == TYPED {
        typed_columns(&keys.iter().map(|&k| typed_row(k, version)).collect::<Vec<_>>())
    } else {
        keyed_columns(&keys.iter().map(|&k| keyed_row(k, version)).collect::<Vec<_>>())
    }
}

/// Keys `keys` of `collection` as the engine takes them.
pub fn primary_keys(collection: &str, keys: &[i64]) -> PrimaryKeys {
    if collection == TYPED {
        PrimaryKeys::Int(keys.to_vec())
    } else {
        PrimaryKeys::Str(keys.iter().map(|&n| keyed_pk(n)).collect())
    }
}
