//! Backward compatibility of the on-disk format: the database directory in
//! `tests/fixtures/format-v1/`, written by format version 1, must open and give the same answers
//! forever. It was made by `examples/make_compat_fixture.rs` from the history and the
//! deterministic row values in `tests/common/compat_data.rs`, which this test folds into the
//! answers it expects: counts per partition, every value of every field type, filters over each
//! type, gets, deletes and upserts (sealed and still in the write-ahead log), exact and indexed
//! top-k searches, both vector indexes, and the format version of every file.
//!
//! Regenerate the fixture only with an explicit format-version bump: a new version gets its own
//! directory (`format-v<N>`) and test beside this one, and `format-v1` stays as it is for as long
//! as version 1 is supported. The fixture's timestamps are wall-clock times of when it was made;
//! nothing here depends on them. Each test opens a copy, never the committed directory.

#[path = "common/compat_data.rs"]
mod compat_data;

use std::path::{Path, PathBuf};

use compat_data::{DEFAULT, KEYED, P1, TYPED, TypedRow, keyed_pk, keyed_row, live_rows, typed_row};
use serde_json::Value as Json;
use veclite::{
    Context, Database, Metric, Options, PrimaryKeys, QueryResult, SearchParams, SearchRequest, Status, Value,
};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format-v1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the fixture, opened.
fn open_copy() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    let db = Database::open(dir.path(), Options::default())
        .unwrap_or_else(|e| panic!("the format-version-1 fixture no longer opens: {e}"));
    (dir, db)
}

/// Every file of `dir`, recursively, as paths relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path).into_iter().map(|p| path.strip_prefix(dir).unwrap().join(p)));
        } else {
            out.push(path.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Files and versions

/// The kinds of file a database directory holds, as docs/format.md names them, with their magic.
const KINDS: [(&str, &str); 5] = [
    ("MANIFEST", "VECLMAN\0"),
    ("wal-<g>.log", "VECLWAL\0"),
    ("s<n>.seg", "VECLSEG\0"),
    ("s<n>-<g>.del", "VECLDEL\0"),
    ("s<n>-f<f>.idx", "VECLIDX\0"),
];

/// `s<n>` or `s<n>-<rest>` split into `n` and `rest` (empty without a dash).
fn seg(stem: &str) -> Option<(&str, &str)> {
    let r = stem.strip_prefix('s')?;
    Some(r.split_once('-').unwrap_or((r, "")))
}

/// The kind (an entry of [`KINDS`]) of the file called `name`.
fn kind_of(name: &str) -> &'static str {
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if name == "MANIFEST" {
        "MANIFEST"
    } else if name.strip_prefix("wal-").and_then(|r| r.strip_suffix(".log")).is_some_and(number) {
        "wal-<g>.log"
    } else if name.strip_suffix(".seg").and_then(seg).is_some_and(|(n, rest)| number(n) && rest.is_empty()) {
        "s<n>.seg"
    } else if name.strip_suffix(".del").and_then(seg).is_some_and(|(n, g)| number(n) && number(g)) {
        "s<n>-<g>.del"
    } else if name
        .strip_suffix(".idx")
        .and_then(seg)
        .is_some_and(|(n, f)| number(n) && f.strip_prefix('f').is_some_and(number))
    {
        "s<n>-f<f>.idx"
    } else {
        panic!("the fixture holds `{name}`, a file of no documented kind")
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// The version docs/format.md states for file kind `kind` in its "Versions" table, checking the
/// magic it states too.
fn documented_version(doc: &str, kind: &str, magic: &str) -> u32 {
    let (_, versions) = doc.split_once("\n## Versions\n").expect("docs/format.md has a Versions section");
    let row = versions
        .lines()
        .find(|l| l.starts_with(&format!("| `{kind}` |")))
        .unwrap_or_else(|| panic!("docs/format.md has no version row for `{kind}`"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(cells[2], format!("`{}`", magic.replace('\0', "\\0")), "documented magic of {kind}");
    cells[3].parse().unwrap_or_else(|_| panic!("version cell of `{kind}`: {row}"))
}

#[test]
fn every_file_has_its_documented_magic_and_format_version() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for path in files(&fixture()) {
        let kind = kind_of(path.file_name().unwrap().to_str().unwrap());
        let (_, magic) = KINDS.iter().find(|(k, _)| *k == kind).unwrap();
        let bytes = std::fs::read(fixture().join(&path)).unwrap();
        // The fixture is of format version 1; a kind documented at a later version still reads it.
        let version = 1;
        assert!(documented_version(&doc, kind, magic) >= version, "documented version of {kind}");
        assert_eq!(&bytes[..8], magic.as_bytes(), "{} starts with its magic", path.display());
        assert_eq!(u32_at(&bytes, 8), version, "version of {}", path.display());
        if kind == "s<n>.seg" {
            let n = bytes.len();
            assert_eq!(&bytes[n - 8..], magic.as_bytes(), "{} ends with its magic", path.display());
            assert_eq!(u32_at(&bytes, n - 12), version, "trailer version of {}", path.display());
        }
        seen.insert(kind);
    }
    assert_eq!(seen.len(), KINDS.len(), "the fixture holds every file kind: {seen:?}");
}

#[test]
fn the_directory_is_exactly_what_the_manifest_lists() {
    let bytes = std::fs::read(fixture().join("MANIFEST")).unwrap();
    let manifest: Json = serde_json::from_slice(&bytes[16..]).unwrap();
    let mut expected = vec![PathBuf::from("MANIFEST")];
    for c in manifest["collections"].as_array().unwrap() {
        let dir = PathBuf::from("collections").join(c["id"].to_string());
        expected.push(dir.join(format!("wal-{}.log", c["wal_generation"])));
        for s in c["segments"].as_array().unwrap() {
            let id = &s["id"];
            expected.push(dir.join(format!("s{id}.seg")));
            if s["deletes_generation"] != 0 {
                expected.push(dir.join(format!("s{id}-{}.del", s["deletes_generation"])));
            }
            for f in s["indexed_fields"].as_array().unwrap() {
                expected.push(dir.join(format!("s{id}-f{f}.idx")));
            }
        }
    }
    expected.sort();
    assert_eq!(files(&fixture()), expected, "no LOCK, temp or stray files; nothing missing");
    // Both logs hold records (writes after the last flush), not just their 16-byte header.
    for path in expected.iter().filter(|p| kind_of(p.file_name().unwrap().to_str().unwrap()) == "wal-<g>.log")
    {
        assert!(
            std::fs::metadata(fixture().join(path)).unwrap().len() > 16,
            "{} holds records",
            path.display()
        );
    }
    // A deletes file of generation 2: its generation 1 was superseded and removed.
    assert!(expected.iter().any(|p| p.to_str().unwrap().ends_with("-2.del")));
}

#[test]
fn opening_a_copy_takes_the_lock_the_fixture_does_without() {
    let (dir, db) = open_copy();
    assert!(!fixture().join("LOCK").exists());
    assert!(dir.path().join("LOCK").exists());
    let err = Database::open(dir.path(), Options::default()).unwrap_err();
    assert_eq!(err.status(), Status::Locked);
    db.close().unwrap();
}

// ---------------------------------------------------------------------------------------------
// Rows

/// The live rows of `typed` as written last, with their partitions, by key.
fn typed_live() -> Vec<(TypedRow, &'static str)> {
    live_rows(TYPED)
        .into_iter()
        .map(|(id, (partition, version))| (typed_row(id, version), partition))
        .collect()
}

/// One row of `typed` as read back: key, scalar values by field, JSON values, vectors.
#[derive(Debug, PartialEq)]
struct Read {
    id: i64,
    scalars: Vec<(&'static str, Value)>,
    doc: Option<Json>,
    meta: Json,
    vh: Vec<f32>,
    vi: Vec<f32>,
}

const SCALARS: [&str; 8] = ["flag", "int8", "int16", "int32", "int64", "float", "double", "name"];

/// What reading `row` must return.
fn expected_read(row: &TypedRow) -> Read {
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Int);
    let values = [
        Value::Bool(row.flag),
        int(row.int8.map(i64::from)),
        Value::Int(row.int16_stored().into()),
        Value::Int(row.int32_stored().into()),
        Value::Int(row.int64),
        row.float.map_or(Value::Null, |f| Value::Float(f.into())),
        Value::Float(row.double_stored()),
        row.name.clone().map_or(Value::Null, Value::Text),
    ];
    Read {
        id: row.id,
        scalars: SCALARS.into_iter().zip(values).collect(),
        doc: row.doc.clone(),
        meta: row.meta(),
        vh: row.vh.clone(),
        vi: row.vi.clone(),
    }
}

fn json_at(r: &QueryResult, field: &str, i: usize) -> Option<Json> {
    match r.column(field).unwrap_or_else(|| panic!("no column {field}")).value(i) {
        Value::Null => None,
        Value::Text(t) => Some(serde_json::from_str(&t).unwrap()),
        other => panic!("{field} read as {other:?}"),
    }
}

fn vector_at(r: &QueryResult, field: &str, i: usize) -> Vec<f32> {
    r.column(field).unwrap().data().as_ref().vector_at(i).to_vec()
}

/// Row `i` of a read of `typed` with every field.
fn read_at(r: &QueryResult, i: usize) -> Read {
    let Value::Int(id) = r.column("id").unwrap().value(i) else { panic!("id is not an integer") };
    Read {
        id,
        scalars: SCALARS.into_iter().map(|f| (f, r.column(f).unwrap().value(i))).collect(),
        doc: json_at(r, "doc", i),
        meta: json_at(r, "$meta", i).expect("$meta is never null"),
        vh: vector_at(r, "vh", i),
        vi: vector_at(r, "vi", i),
    }
}

/// Every row of a read of `typed`, sorted by key.
fn reads(r: &QueryResult) -> Vec<Read> {
    let mut rows: Vec<Read> = (0..r.len()).map(|i| read_at(r, i)).collect();
    rows.sort_by_key(|r| r.id);
    rows
}

/// The `keyed` keys of a read, sorted.
fn text_keys(r: &QueryResult) -> Vec<String> {
    let PrimaryKeys::Str(mut keys) = PrimaryKeys::from_column(r.columns[0].data().as_ref()).unwrap() else {
        panic!("keyed has VarChar keys")
    };
    keys.sort_unstable();
    keys
}

/// The `typed` keys of a read, sorted.
fn int_ids(r: &QueryResult) -> Vec<i64> {
    let PrimaryKeys::Int(mut ids) = PrimaryKeys::from_column(r.columns[0].data().as_ref()).unwrap() else {
        panic!("typed has Int64 keys")
    };
    ids.sort_unstable();
    ids
}

/// Every live row of both collections reads back with every value the history wrote.
fn assert_all_rows(db: &Database) {
    let all = db.query(TYPED, &[], "", &["*"], None, 0).unwrap();
    let want: Vec<Read> = typed_live().iter().map(|(r, _)| expected_read(r)).collect();
    assert_eq!(reads(&all), want);

    let keyed = db.query(KEYED, &[], "", &["*"], None, 0).unwrap();
    let pk = keyed.columns[0].data().as_ref();
    let mut got: Vec<(String, Value, Vec<f32>)> = (0..keyed.len())
        .map(|i| (pk.str_at(i).to_owned(), keyed.column("note").unwrap().value(i), vector_at(&keyed, "v", i)))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let want: Vec<(String, Value, Vec<f32>)> = live_rows(KEYED)
        .into_iter()
        .map(|(n, (_, version))| {
            let row = keyed_row(n, version);
            let note = row.note.unwrap_or_else(|| compat_data::NOTE_DEFAULT.into());
            (keyed_pk(n), Value::Text(note), row.v)
        })
        .collect();
    assert_eq!(got, want);
}

/// The fixture's manifest predates collection settings: they read as the defaults, and settings
/// set now are kept through a reopen without touching the fixture's data.
#[test]
fn collections_written_before_settings_read_the_defaults() {
    let (dir, db) = open_copy();
    for name in [TYPED, KEYED] {
        let settings = db.describe_collection(name).unwrap().settings;
        assert_eq!(settings, veclite::CollectionSettings::default(), "{name}");
        assert_eq!((settings.consistency_level, settings.shard_num), (veclite::ConsistencyLevel::Bounded, 1));
    }
    let change = veclite::CollectionChange {
        consistency_level: Some(veclite::ConsistencyLevel::Strong),
        ..Default::default()
    };
    db.alter_collection(KEYED, &change).unwrap();
    let rows = db.count(KEYED, &[]).unwrap();
    db.close().unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    assert_eq!(
        db.describe_collection(KEYED).unwrap().settings.consistency_level,
        veclite::ConsistencyLevel::Strong
    );
    assert_eq!(db.count(KEYED, &[]).unwrap(), rows);
}

#[test]
fn every_value_of_every_field_type_reads_back() {
    let (_dir, db) = open_copy();
    assert_all_rows(&db);
}

#[test]
fn counts_gets_deletes_and_upserts() {
    let (_dir, db) = open_copy();
    let live = typed_live();
    let in_partition = |p: &str| live.iter().filter(|(_, q)| *q == p).count() as u64;
    assert_eq!(db.count(TYPED, &[]).unwrap(), live.len() as u64);
    assert_eq!(db.count(TYPED, &[DEFAULT]).unwrap(), in_partition(DEFAULT));
    assert_eq!(db.count(TYPED, &[P1]).unwrap(), in_partition(P1));
    assert_eq!((in_partition(DEFAULT), in_partition(P1)), (163, 39));
    assert_eq!(db.count(KEYED, &[]).unwrap(), live_rows(KEYED).len() as u64);
    assert_eq!(db.list_partitions(TYPED).unwrap(), [DEFAULT, P1]);

    // Get by every key ever written (and one never written): the live ones, in request order.
    let mut keys = compat_data::written_keys(TYPED);
    keys.reverse();
    keys.push(99_999);
    let got = db.get(TYPED, &[], &PrimaryKeys::Int(keys.clone()), &["*"]).unwrap();
    let want: Vec<Read> = keys
        .iter()
        .filter_map(|k| live_rows(TYPED).get(k).map(|&(_, version)| expected_read(&typed_row(*k, version))))
        .collect();
    assert_eq!((0..got.len()).map(|i| read_at(&got, i)).collect::<Vec<_>>(), want);

    // Deleted keys (sealed in deletes files, or deleted in the log) are gone everywhere.
    let deleted = [3, 4, 61, 121, 1005, 40, 1030, 155];
    assert!(deleted.iter().all(|k| !live_rows(TYPED).contains_key(k)));
    assert!(db.get(TYPED, &[], &PrimaryKeys::Int(deleted.to_vec()), &[]).unwrap().is_empty());
    assert_eq!(db.count_where(TYPED, &[], "id in [3, 4, 61, 121, 1005, 40, 1030, 155]").unwrap(), 0);
    let gone = PrimaryKeys::Str([2, 7, 9].map(keyed_pk).to_vec());
    assert!(db.get(KEYED, &[], &gone, &[]).unwrap().is_empty());

    // Upserts: sealed (10..16, 20 and 21 moved to p1) and logged (30, 122, 1020; 1021 moved to
    // _default; 11 upserted twice) replacements read back with their last values only.
    let lives_in =
        |k: i64, p: &str| db.get(TYPED, &[p], &PrimaryKeys::Int(vec![k]), &["name"]).unwrap().len() == 1;
    for (k, p, version) in
        [(10, DEFAULT, 1), (20, P1, 1), (30, DEFAULT, 1), (1021, DEFAULT, 2), (11, DEFAULT, 2)]
    {
        assert!(lives_in(k, p), "key {k} lives in {p}");
        let r = db.get(TYPED, &[], &PrimaryKeys::Int(vec![k]), &["*"]).unwrap();
        assert_eq!(read_at(&r, 0), expected_read(&typed_row(k, version)), "key {k}");
    }
    assert!(!lives_in(20, DEFAULT) && !lives_in(1021, P1));
    let five = db.get(KEYED, &[], &PrimaryKeys::Str(vec![keyed_pk(5)]), &["note"]).unwrap();
    assert_eq!(five.column("note").unwrap().value(0), Value::Text("note 5.1".into()));
}

#[test]
fn filters_over_every_field_type() {
    let (_dir, db) = open_copy();
    type Pred = fn(&TypedRow) -> bool;
    let cases: [(&str, Pred); 25] = [
        ("flag", |r| r.flag),
        ("flag == false", |r| !r.flag),
        ("int8 > 100", |r| r.int8.is_some_and(|v| v > 100)),
        ("int8 <= -100", |r| r.int8.is_some_and(|v| v <= -100)),
        ("int8 is null", |r| r.int8.is_none()),
        ("int16 == -16", |r| r.int16_stored() == -16),
        ("int16 > 20000", |r| r.int16_stored() > 20_000),
        ("int32 == 32", |r| r.int32_stored() == 32),
        ("int32 < 0", |r| r.int32_stored() < 0),
        ("int64 < 0", |r| r.int64 < 0),
        ("float >= 5.0", |r| r.float.is_some_and(|f| f >= 5.0)),
        ("float is null", |r| r.float.is_none()),
        ("double == 0.5", |r| r.double_stored() == 0.5),
        ("double > 25", |r| r.double_stored() > 25.0),
        ("name like \"café%\"", |r| r.name.as_ref().is_some_and(|n| n.starts_with("café"))),
        ("name like \"%-v1\"", |r| r.name.as_ref().is_some_and(|n| n.ends_with("-v1"))),
        ("name is null", |r| r.name.is_none()),
        ("doc[\"k\"] == 1", |r| r.doc.as_ref().is_some_and(|d| d["k"] == 1)),
        ("doc[\"nested\"][\"x\"] < 10", |r| {
            r.doc.as_ref().is_some_and(|d| d["nested"]["x"].as_u64().unwrap() < 10)
        }),
        ("doc[\"arr\"][1] == 1", |r| r.doc.as_ref().is_some_and(|d| d["arr"][1] == 1)),
        ("doc is null", |r| r.doc.is_none()),
        ("color == \"red\"", |r| r.color == "red"),
        ("$meta[\"color\"] == \"blue\"", |r| r.color == "blue"),
        ("rank >= 5 or rank is null", |r| r.rank.is_none_or(|k| k >= 5)),
        ("flag and int8 > 0 and color != \"red\" and not (int64 < 0)", |r| {
            r.flag && r.int8.is_some_and(|v| v > 0) && r.color != "red" && r.int64 >= 0
        }),
    ];
    let live = typed_live();
    for (expr, pred) in cases {
        let want: Vec<i64> = live.iter().filter(|(r, _)| pred(r)).map(|(r, _)| r.id).collect();
        assert!(!want.is_empty(), "`{expr}` selects rows of the fixture");
        let got = db.query(TYPED, &[], expr, &[], None, 0).unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(int_ids(&got), want, "{expr}");
        assert_eq!(db.count_where(TYPED, &[], expr).unwrap(), want.len() as u64, "{expr}");
    }
    // A nullable field with a default stored its default for the nulls written to it.
    assert!(live.iter().any(|(r, _)| r.int32.is_none()));
    assert_eq!(db.count_where(TYPED, &[], "int32 is null").unwrap(), 0);
    let want: Vec<i64> = live.iter().filter(|(r, p)| *p == P1 && r.flag).map(|(r, _)| r.id).collect();
    assert_eq!(int_ids(&db.query(TYPED, &[P1], "flag", &[], None, 0).unwrap()), want);
    let keyed = db.query(KEYED, &[], "note == \"none\"", &[], None, 0).unwrap();
    let want: Vec<String> = live_rows(KEYED)
        .into_iter()
        .filter(|&(n, (_, v))| keyed_row(n, v).note.is_none())
        .map(|(n, _)| keyed_pk(n))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(text_keys(&keyed), want);
}

// ---------------------------------------------------------------------------------------------
// Search

/// The exact top `k` (after `offset`) of `candidates` for `query` by brute force in f64: keys
/// and scores (L2 distance ascending, IP and COSINE similarity descending; ties by key). Panics
/// when two of the first `offset + k + 1` are nearly tied, where rounding could reorder them:
/// the fixture's queries are chosen so that they are not.
fn brute_force(
    candidates: &[(i64, Vec<f32>)],
    query: &[f32],
    metric: Metric,
    k: usize,
    offset: usize,
) -> Vec<(i64, f64)> {
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum::<f64>();
    let mut scored: Vec<(f64, i64, f64)> = candidates
        .iter()
        .map(|(key, v)| {
            let score = match metric {
                Metric::L2 => query.iter().zip(v).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum(),
                Metric::Ip => dot(query, v),
                Metric::Cosine => dot(query, v) / (dot(query, query).sqrt() * dot(v, v).sqrt()),
                Metric::Hamming | Metric::Jaccard => unreachable!("float vectors take L2, IP and COSINE"),
            };
            let cost = if metric == Metric::L2 { score } else { -score };
            (cost, *key, score)
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let end = (offset + k + 1).min(scored.len());
    for w in scored[..end].windows(2) {
        assert!(w[1].0 - w[0].0 > 1e-4, "keys {} and {} are nearly tied: pick another query", w[0].1, w[1].1);
    }
    scored.into_iter().skip(offset).take(k).map(|(_, key, score)| (key, score)).collect()
}

fn assert_hits(hits: &veclite::SearchHits, want: &[(i64, f64)], what: &str) {
    let PrimaryKeys::Int(ids) = &hits.ids else { panic!("{what}: Int64 keys expected") };
    assert_eq!(ids, &want.iter().map(|w| w.0).collect::<Vec<_>>(), "{what}");
    for (got, (_, score)) in hits.scores.iter().zip(want) {
        assert!((f64::from(*got) - score).abs() < 1e-4, "{what}: score {got}, expected {score}");
    }
}

/// The live `typed` rows passing `keep`, with their `vh` or `vi` vectors.
fn candidates(field: &str, keep: impl Fn(&TypedRow, &str) -> bool) -> Vec<(i64, Vec<f32>)> {
    typed_live()
        .into_iter()
        .filter(|(r, p)| keep(r, p))
        .map(|(r, _)| (r.id, if field == "vh" { r.vh } else { r.vi }))
        .collect()
}

/// Large enough for exact answers from both indexes: `ef` above every segment's rows, every
/// IVF list probed.
const EXHAUSTIVE: SearchParams = SearchParams { ef: Some(256), nprobe: Some(4), drop_ratio_search: None };

#[test]
fn searches_return_the_exact_top_k_through_indexes_and_scans() {
    let (_dir, db) = open_copy();
    let ctx = Context::background();
    let q0 = compat_data::query_vector(0);
    let q1 = compat_data::query_vector(1);
    let two = [q0.clone(), q1.clone()].concat();

    // Indexed (HNSW over sealed segments, a scan of the rows replayed from the log), nq = 2.
    let req = SearchRequest::new(&two, 10, Metric::L2).vector_field("vh").params(EXHAUSTIVE);
    let res = db.search(&ctx, TYPED, &req).unwrap();
    let all = candidates("vh", |_, _| true);
    assert_hits(&res[0], &brute_force(&all, &q0, Metric::L2, 10, 0), "vh q0");
    assert_hits(&res[1], &brute_force(&all, &q1, Metric::L2, 10, 0), "vh q1");

    // Indexed with a filter, and with an offset.
    let filter = "flag and color != \"red\"";
    let req =
        SearchRequest::new(&q0, 10, Metric::Cosine).vector_field("vi").params(EXHAUSTIVE).filter(filter);
    let want = brute_force(&candidates("vi", |r, _| r.flag && r.color != "red"), &q0, Metric::Cosine, 10, 0);
    assert_hits(&db.search(&ctx, TYPED, &req).unwrap()[0], &want, "vi filtered");
    let req = SearchRequest::new(&q1, 5, Metric::Cosine).vector_field("vi").params(EXHAUSTIVE).offset(3);
    let want = brute_force(&candidates("vi", |_, _| true), &q1, Metric::Cosine, 5, 3);
    assert_hits(&db.search(&ctx, TYPED, &req).unwrap()[0], &want, "vi offset");

    // One partition.
    let req =
        SearchRequest::new(&q1, 5, Metric::Cosine).vector_field("vi").params(EXHAUSTIVE).partitions(&[P1]);
    let want = brute_force(&candidates("vi", |_, p| p == P1), &q1, Metric::Cosine, 5, 0);
    assert_hits(&db.search(&ctx, TYPED, &req).unwrap()[0], &want, "vi in p1");

    // A filter selecting under a tenth of each sealed segment: exact scans, with output fields.
    let keys = [1, 2, 11, 30, 62, 100, 122, 130, 160, 1001, 1020];
    let filter = format!("id in {keys:?}");
    let req = SearchRequest::new(&q0, 6, Metric::L2)
        .vector_field("vh")
        .filter(&filter)
        .output_fields(&["name", "int16", "color"]);
    let hits = &db.search(&ctx, TYPED, &req).unwrap()[0];
    let want = brute_force(&candidates("vh", |r, _| keys.contains(&r.id)), &q0, Metric::L2, 6, 0);
    assert_hits(hits, &want, "vh scan");
    for (i, (key, _)) in want.iter().enumerate() {
        let row = typed_row(*key, live_rows(TYPED)[key].1);
        let name = hits.fields.column("name").unwrap().value(i);
        assert_eq!(name, row.name.clone().map_or(Value::Null, Value::Text), "name of {key}");
        assert_eq!(hits.fields.column("int16").unwrap().value(i), Value::Int(row.int16_stored().into()));
        assert_eq!(json_at(&hits.fields, "$meta", i).unwrap(), serde_json::json!({"color": row.color}));
    }

    // VarChar keys, FLAT (exact) with IP.
    let req = SearchRequest::new(&q0, 5, Metric::Ip).output_fields(&["note"]);
    let hits = &db.search(&ctx, KEYED, &req).unwrap()[0];
    let rows: Vec<(i64, Vec<f32>)> =
        live_rows(KEYED).into_iter().map(|(n, (_, v))| (n, keyed_row(n, v).v)).collect();
    let want = brute_force(&rows, &q0, Metric::Ip, 5, 0);
    assert_eq!(hits.ids, PrimaryKeys::Str(want.iter().map(|w| keyed_pk(w.0)).collect()));
    for (got, (_, score)) in hits.scores.iter().zip(&want) {
        assert!((f64::from(*got) - score).abs() < 1e-4, "keyed score {got}, expected {score}");
    }
}

#[test]
fn indexes_are_loaded_from_their_files() {
    let (_dir, db) = open_copy();
    for collection in [TYPED, KEYED] {
        let infos = db.describe_index(collection, None).unwrap();
        let specs: Vec<_> = compat_data::INDEXES.iter().filter(|s| s.collection == collection).collect();
        assert_eq!(infos.len(), specs.len(), "{collection}");
        for (info, spec) in infos.iter().zip(specs) {
            assert_eq!(
                (info.index.name.as_str(), info.index.field.as_str(), info.index.metric, info.index.params),
                (spec.name, spec.field, spec.metric, spec.params)
            );
            // Every sealed segment has its index (read from its file: opening builds nothing);
            // the rows replayed from the log are in growing segments.
            assert_eq!(info.pending_rows, 0, "{}", spec.name);
            assert!(info.indexed_rows > 0 && info.total_rows > info.indexed_rows, "{info:?}");
        }
    }
    // The index's metric comes from the manifest: another one is refused.
    let q = compat_data::query_vector(0);
    let req = SearchRequest::new(&q, 1, Metric::Ip).vector_field("vh");
    assert_eq!(db.search(&Context::background(), TYPED, &req).unwrap_err().status(), Status::InvalidArgument);
}

#[test]
fn the_opened_fixture_flushes_and_reopens_with_the_same_answers() {
    let (dir, db) = open_copy();
    db.flush(TYPED).unwrap();
    db.flush(KEYED).unwrap();
    assert_all_rows(&db);
    db.close().unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    assert_all_rows(&db);
    for info in db.describe_index(TYPED, None).unwrap() {
        assert_eq!((info.pending_rows, info.indexed_rows), (0, info.total_rows), "{}", info.index.name);
    }
}
