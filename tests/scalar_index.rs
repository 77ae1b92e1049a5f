//! Scalar indexes (INVERTED, STL_SORT, BITMAP, TRIE, AUTOINDEX) through the Rust API: every
//! filter returns the same rows with and without them (randomized filters over integer,
//! VarChar, Bool and float fields with nulls, deletes, upserts, growing and sealed segments,
//! reopen and compaction), filtered search too; Milvus's rules on which type indexes which
//! field; describe and drop; a damaged index file is reported by `verify` and fails the
//! filter clearly instead of returning wrong rows.

use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, Metric, Options, PrimaryKeys, Schema, SearchRequest, Status,
};

/// The collections compared: one without scalar indexes, then one per index configuration
/// (`(field, index type)` pairs).
const CONFIGS: &[(&str, &[(&str, &str)])] = &[
    ("plain", &[]),
    (
        "inverted",
        &[
            ("i", "INVERTED"),
            ("n", "INVERTED"),
            ("s", "INVERTED"),
            ("b", "INVERTED"),
            ("f", "INVERTED"),
            ("d", "INVERTED"),
        ],
    ),
    ("sorted", &[("i", "STL_SORT"), ("n", "STL_SORT"), ("f", "STL_SORT"), ("d", "STL_SORT")]),
    ("bitmap", &[("i", "BITMAP"), ("n", "BITMAP"), ("s", "BITMAP"), ("b", "BITMAP")]),
    ("trie", &[("s", "TRIE")]),
    (
        "auto",
        &[
            ("i", "AUTOINDEX"),
            ("n", ""),
            ("s", "AUTOINDEX"),
            ("b", "AUTOINDEX"),
            ("f", "AUTOINDEX"),
            ("d", "AUTOINDEX"),
        ],
    ),
];

fn schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("i", FieldType::Int64).nullable(true))
        .field(Field::new("n", FieldType::Int32))
        .field(Field::new("s", FieldType::VarChar { max_length: 16 }).nullable(true))
        .field(Field::new("b", FieldType::Bool).nullable(true))
        .field(Field::new("f", FieldType::Float).nullable(true))
        .field(Field::new("d", FieldType::Double))
        .field(Field::new("v", FieldType::FloatVector { dim: 4 }))
        .build()
        .unwrap()
}

/// `n` rows with keys from `first`, values drawn from small domains so filters hit many rows.
fn rows(rng: &mut StdRng, first: i64, n: usize) -> Vec<Column> {
    let ids: Vec<i64> = (first..first + n as i64).collect();
    let valid = |rng: &mut StdRng| (0..n).map(|_| rng.random_range(0..10) != 0).collect::<Vec<bool>>();
    let (vi, vs, vb, vf) = (valid(rng), valid(rng), valid(rng), valid(rng));
    let floats = [-2.25f32, -0.0, 0.0, 0.25, 0.5, 1.0, 3.75, f32::MAX];
    vec![
        Column::int64("id", ids.clone()),
        Column::int64("i", (0..n).map(|_| rng.random_range(-50..50)).collect()).with_validity(vi),
        Column::int32("n", (0..n).map(|_| rng.random_range(0..20)).collect()),
        Column::varchar("s", (0..n).map(|_| format!("k{}", rng.random_range(0..40))).collect::<Vec<_>>())
            .with_validity(vs),
        Column::bool("b", (0..n).map(|_| rng.random_range(0..4) == 0).collect()).with_validity(vb),
        Column::float("f", (0..n).map(|_| floats[rng.random_range(0..floats.len())]).collect())
            .with_validity(vf),
        Column::double("d", (0..n).map(|_| f64::from(rng.random_range(-8..8)) / 4.0).collect()),
        Column::float_vector("v", 4, (0..n * 4).map(|_| rng.random_range(-1.0..1.0)).collect()),
    ]
}

/// Fills every collection with the same rows: three sealed segments, deletes and upserts in
/// sealed rows, and a growing tail.
fn fill(db: &Database) {
    for &(name, indexes) in CONFIGS {
        db.create_collection(schema(name)).unwrap();
        for &(field, index_type) in indexes {
            db.create_milvus_index(&Context::background(), name, field, "", index_type, "", &[]).unwrap();
        }
    }
    for &(name, _) in CONFIGS {
        let mut rng = StdRng::seed_from_u64(7);
        for batch in 0..3 {
            db.insert(name, "", rows(&mut rng, batch * 700, 700)).unwrap();
            db.flush(name).unwrap();
        }
        db.delete(name, "", &in_list((0..2_100).filter(|i| i % 7 == 3))).unwrap();
        db.upsert(name, "", rows(&mut rng, 650, 100)).unwrap();
        db.insert(name, "", rows(&mut rng, 5_000, 300)).unwrap();
    }
}

/// `id in [...]` over `keys`.
fn in_list(keys: impl Iterator<Item = i64>) -> String {
    format!("id in [{}]", keys.map(|k| k.to_string()).collect::<Vec<_>>().join(", "))
}

/// A random filter over the indexed fields.
fn random_filter(rng: &mut StdRng) -> String {
    let int = |rng: &mut StdRng, f: &str, span: i64| {
        let x = rng.random_range(-span..span);
        let y = x + rng.random_range(0..span);
        match rng.random_range(0..9) {
            0 => format!("{f} == {x}"),
            1 => format!("{f} != {x}"),
            2 => format!("{f} in [{x}, {y}, {}]", x + 3),
            3 => format!("{f} not in [{x}, {y}]"),
            4 => format!("{f} > {x}"),
            5 => format!("{f} >= {x} and {f} < {y}"),
            6 => format!("{f} <= {x}"),
            7 => format!("not ({f} < {x})"),
            _ => format!("{f} is null"),
        }
    };
    let string = |rng: &mut StdRng| {
        let k = rng.random_range(0..45);
        match rng.random_range(0..10) {
            0 => format!("s == \"k{k}\""),
            1 => format!("s != \"k{k}\""),
            2 => format!("s in [\"k{k}\", \"k{}\", \"zz\"]", k / 2),
            3 => format!("s like \"k{}%\"", k % 5),
            4 => format!("s like \"%{}\"", k % 10),
            5 => format!("s like \"k_{}\"", k % 10),
            6 => format!("s > \"k{k}\""),
            7 => format!("s <= \"k{k}\""),
            8 => format!("s not like \"k{}%\"", k % 4),
            _ => "s is not null".to_owned(),
        }
    };
    let float = |rng: &mut StdRng, f: &str| {
        let x = f64::from(rng.random_range(-10..10)) / 4.0;
        match rng.random_range(0..6) {
            0 => format!("{f} == {x}"),
            1 => format!("{f} > {x}"),
            2 => format!("{f} <= {x}"),
            3 => format!("{f} in [{x}, 0.25, -0.0]"),
            4 => format!("{f} != {x}"),
            _ => format!("{f} == -0.0"),
        }
    };
    let leaf = |rng: &mut StdRng| match rng.random_range(0..7) {
        0 => int(rng, "i", 60),
        1 => int(rng, "n", 25),
        2 | 3 => string(rng),
        4 => ["b == true", "b == false", "b != true", "b", "not b", "b is null"][rng.random_range(0..6)]
            .to_owned(),
        5 => float(rng, "f"),
        _ => float(rng, "d"),
    };
    match rng.random_range(0..4) {
        0 => format!("{} and {}", leaf(rng), leaf(rng)),
        1 => format!("{} or not ({})", leaf(rng), leaf(rng)),
        _ => leaf(rng),
    }
}

fn ids(db: &Database, collection: &str, filter: &str) -> Vec<i64> {
    let result = db
        .query(collection, &[], filter, &["id"], Some(16_384), 0)
        .unwrap_or_else(|e| panic!("{collection}: `{filter}`: {e}"));
    let Some(column) = result.column("id") else { panic!("no id column") };
    let veclite::ColumnData::Int64(v) = column.data() else { panic!("id is not Int64") };
    let mut v = v.clone();
    v.sort_unstable();
    v
}

/// Every configuration returns the rows the plain collection returns, for `n` random filters.
fn assert_same_rows(db: &Database, seed: u64, n: usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut nonempty = 0;
    for _ in 0..n {
        let filter = random_filter(&mut rng);
        let expected = ids(db, "plain", &filter);
        nonempty += usize::from(!expected.is_empty());
        for &(name, _) in &CONFIGS[1..] {
            assert_eq!(ids(db, name, &filter), expected, "{name}: `{filter}`");
        }
    }
    assert!(nonempty > n / 2, "the filters should select rows ({nonempty} of {n} did)");
}

fn open(dir: &Path) -> Database {
    Database::open(dir, Options { seal_threshold_bytes: 1 << 30, ..Options::default() }).unwrap()
}

#[test]
fn indexed_filters_return_the_scanned_rows_through_reopen_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    fill(&db);
    for &(name, indexes) in &CONFIGS[1..] {
        for info in db.describe_index(name, None).unwrap() {
            assert!(info.finished() && info.indexed_rows == 2_100, "{name}: {info:?}");
            assert!(indexes.iter().any(|(f, _)| *f == info.index.field));
        }
    }
    assert_same_rows(&db, 1, 150);
    db.close().unwrap();

    let db = open(dir.path());
    let built = db.collection("inverted").unwrap().index_builds();
    assert_same_rows(&db, 2, 60);
    assert_eq!(db.collection("inverted").unwrap().index_builds(), built, "a reopen builds nothing");
    for &(name, _) in CONFIGS {
        db.flush(name).unwrap();
        db.delete(name, "", &in_list((0..5_300).filter(|i| i % 11 == 5))).unwrap();
        db.compact(name).unwrap();
    }
    for &(name, _) in &CONFIGS[1..] {
        assert!(db.describe_index(name, None).unwrap().iter().all(|i| i.finished() && i.indexed_rows > 0));
    }
    assert_same_rows(&db, 3, 100);
    db.close().unwrap();
    let report = veclite::verify(dir.path());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn filtered_search_matches_with_and_without_scalar_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    fill(&db);
    let mut rng = StdRng::seed_from_u64(9);
    for _ in 0..40 {
        let filter = random_filter(&mut rng);
        let query: Vec<f32> = (0..4).map(|_| rng.random_range(-1.0..1.0)).collect();
        let hits = |name: &str| {
            let mut request = SearchRequest::new(&query, 20, Metric::L2);
            request.filter = filter.clone();
            let hits = db.search(&Context::background(), name, &request).unwrap().swap_remove(0);
            let PrimaryKeys::Int(ids) = hits.ids else { panic!("int keys") };
            ids
        };
        let expected = hits("plain");
        for &(name, _) in &CONFIGS[1..] {
            assert_eq!(hits(name), expected, "{name}: `{filter}`");
        }
    }
}

/// An index type, the fields it takes, and the fields it refuses with words of the rule.
type Case = (&'static str, &'static [&'static str], &'static [(&'static str, &'static str)]);

#[test]
fn milvus_rules_on_which_type_indexes_which_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("b", FieldType::Bool))
        .field(Field::new("i8", FieldType::Int8))
        .field(Field::new("f", FieldType::Float))
        .field(Field::new("d", FieldType::Double))
        .field(Field::new("s", FieldType::VarChar { max_length: 8 }))
        .field(Field::new("j", FieldType::Json))
        .field(Field::new("v", FieldType::FloatVector { dim: 4 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    // (index type, fields it takes, fields it refuses with the rule's words)
    let cases: &[Case] = &[
        (
            "INVERTED",
            &["id", "b", "i8", "f", "d", "s"],
            &[("j", "INVERTED indexes only Bool, integer, float and VarChar"), ("v", "only Bool")],
        ),
        (
            "STL_SORT",
            &["id", "i8", "f", "d"],
            &[("b", "STL_SORT indexes only numeric"), ("s", "numeric"), ("j", "numeric")],
        ),
        ("Trie", &["s"], &[("id", "Trie indexes only VarChar"), ("b", "VarChar"), ("f", "VarChar")]),
        (
            "BITMAP",
            &["b", "i8", "s"],
            &[
                ("id", "(the primary key): BITMAP indexes only fields other than the primary key"),
                ("f", "BITMAP indexes only Bool, integer and VarChar"),
                ("d", "Bool, integer"),
                ("j", "Bool, integer"),
            ],
        ),
        ("HNSW", &[], &[("s", "HNSW indexes vector fields"), ("id", "not a vector field")]),
    ];
    let ctx = Context::background();
    for &(index_type, good, bad) in cases {
        for &field in good {
            db.create_milvus_index(&ctx, "c", field, "", index_type, "", &[])
                .unwrap_or_else(|e| panic!("{index_type} on {field}: {e}"));
            let info = db.describe_index("c", Some(field)).unwrap().swap_remove(0);
            assert_eq!(info.index.params.type_name(), index_type);
            assert_eq!(info.index.metric_name(), "");
            db.drop_index("c", field).unwrap();
        }
        for &(field, words) in bad {
            let e = db.create_milvus_index(&ctx, "c", field, "", index_type, "", &[]).unwrap_err();
            assert_eq!(e.status(), Status::InvalidArgument, "{index_type} on {field}: {e}");
            assert!(e.to_string().contains(words) && e.to_string().contains(&format!("`{field}`")), "{e}");
        }
    }
    // AUTOINDEX picks by field type; it takes no build params, and a scalar index no metric.
    for (field, built) in [
        ("b", "BITMAP"),
        ("i8", "INVERTED"),
        ("f", "INVERTED"),
        ("s", "INVERTED"),
        ("id", "INVERTED"),
        ("v", "HNSW"),
    ] {
        let metric = if field == "v" { "L2" } else { "" };
        db.create_milvus_index(&ctx, "c", field, "", "AUTOINDEX", metric, &[]).unwrap();
        let info = db.describe_index("c", Some(field)).unwrap().swap_remove(0);
        assert_eq!(info.index.params.type_name(), built, "{field}");
        db.drop_index("c", field).unwrap();
    }
    let e = db.create_milvus_index(&ctx, "c", "j", "", "AUTOINDEX", "", &[]).unwrap_err();
    assert!(e.to_string().contains("`j`") && e.to_string().contains("JSON"), "{e}");
    let e = db.create_milvus_index(&ctx, "c", "s", "", "INVERTED", "L2", &[]).unwrap_err();
    assert!(e.to_string().contains("takes no metric_type"), "{e}");
    let e = db.create_milvus_index(&ctx, "c", "s", "", "TRIE", "", &[("M", "8")]).unwrap_err();
    assert_eq!(e.status(), Status::Unsupported);
    assert!(e.to_string().contains("TRIE reads no build params"), "{e}");
    let e = db.create_milvus_index(&ctx, "c", "s", "", "marisa-trie", "", &[]).unwrap_err();
    assert_eq!(e.status(), Status::Unsupported, "{e}");
}

fn index_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "idx") {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn describe_and_drop_remove_the_files_and_keep_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(schema("c")).unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    db.insert("c", "", rows(&mut rng, 0, 500)).unwrap();
    db.flush("c").unwrap();
    let before = ids(&db, "c", "s like \"k1%\" and i > 3");
    db.create_milvus_index(&Context::background(), "c", "s", "s_idx", "Trie", "", &[]).unwrap();
    db.create_milvus_index(&Context::background(), "c", "i", "", "STL_SORT", "", &[]).unwrap();
    let infos = db.describe_index("c", None).unwrap();
    let names: Vec<(&str, &str, &str)> = infos
        .iter()
        .map(|i| (i.index.name.as_str(), i.index.field.as_str(), i.index.params.type_name()))
        .collect();
    assert_eq!(names, [("s_idx", "s", "Trie"), ("i", "i", "STL_SORT")]);
    assert_eq!(index_files(dir.path()).len(), 2);
    assert_eq!(ids(&db, "c", "s like \"k1%\" and i > 3"), before);
    // The same definition again is a no-op; another type on the field is refused.
    db.create_milvus_index(&Context::background(), "c", "s", "s_idx", "TRIE", "", &[]).unwrap();
    let e =
        db.create_milvus_index(&Context::background(), "c", "s", "s_idx", "INVERTED", "", &[]).unwrap_err();
    assert!(e.to_string().contains("at most one distinct index"), "{e}");
    db.drop_index("c", "s").unwrap();
    assert_eq!(index_files(dir.path()).len(), 1);
    assert_eq!(db.describe_index("c", Some("s")).unwrap_err().status(), Status::NotFound);
    assert_eq!(ids(&db, "c", "s like \"k1%\" and i > 3"), before);
}

#[test]
fn a_damaged_index_file_is_reported_and_never_returns_wrong_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(schema("c")).unwrap();
    let mut rng = StdRng::seed_from_u64(5);
    db.insert("c", "", rows(&mut rng, 0, 2_000)).unwrap();
    db.flush("c").unwrap();
    db.create_milvus_index(&Context::background(), "c", "i", "", "INVERTED", "", &[]).unwrap();
    let expected = ids(&db, "c", "i == 7");
    assert!(!expected.is_empty());
    db.close().unwrap();
    assert!(veclite::verify(dir.path()).problems.is_empty());

    let files = index_files(dir.path());
    let [file] = &files[..] else { panic!("one index file: {files:?}") };
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(file, &bytes).unwrap();

    let report = veclite::verify(dir.path());
    assert!(
        report.problems.iter().any(|p| &p.file == file && p.what.contains("checksum")),
        "{:?}",
        report.problems
    );
    let db = open(dir.path());
    let e = db.query("c", &[], "i == 7", &["id"], None, 0).unwrap_err();
    assert_eq!(e.status(), Status::Corrupted, "{e}");
    assert!(e.to_string().contains(&file.display().to_string()), "{e}");
    // Filters on other fields never read it.
    assert!(!ids(&db, "c", "n == 3").is_empty());
    // Dropping the index removes the damaged file; the scan answers again.
    db.drop_index("c", "i").unwrap();
    assert_eq!(ids(&db, "c", "i == 7"), expected);
}
