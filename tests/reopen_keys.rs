//! Primary keys of sealed segments after a reopen: found through the segments' key blocks
//! (never held in memory), rebuilt when those blocks are damaged, never missed or wrong.

use std::path::{Path, PathBuf};

use veclite::internals::format::{BlockKind, ENTRY_LEN, META_LEN, TRAILER_LEN};
use veclite::{
    Column, Context, Database, Error, Field, FieldType, Metric, Options, PrimaryKeys, Schema, SearchRequest,
};

const DIM: usize = 4;

fn schema(int: bool) -> Schema {
    let key = if int { FieldType::Int64 } else { FieldType::VarChar { max_length: 16 } };
    Schema::builder("c")
        .field(Field::new("ID", key).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

fn key_column(int: bool, keys: &[i64]) -> Column {
    if int {
        Column::int64("ID", keys.to_vec())
    } else {
        Column::varchar("ID", keys.iter().map(|k| format!("k{k}")))
    }
}

fn pks(int: bool, keys: &[i64]) -> PrimaryKeys {
    if int {
        PrimaryKeys::Int(keys.to_vec())
    } else {
        PrimaryKeys::Str(keys.iter().map(|k| format!("k{k}")).collect())
    }
}

/// Rows `keys` whose `tag` is `tag`.
fn batch(int: bool, keys: &[i64], tag: i64) -> Vec<Column> {
    vec![
        key_column(int, keys),
        Column::int64("tag", vec![tag; keys.len()]),
        Column::float_vector(
            "embeddings",
            DIM,
            keys.iter().flat_map(|&k| [k as f32, 1.0, 0.0, tag as f32]).collect(),
        ),
    ]
}

fn open(dir: &Path) -> Database {
    // A small seal threshold: a few hundred rows make several sealed segments.
    Database::open(dir, Options { seal_threshold_bytes: 2 << 10, ..Options::default() }).unwrap()
}

fn segment_files(dir: &Path, db: &Database) -> Vec<PathBuf> {
    let cdir = dir.join("collections").join(db.describe_collection("c").unwrap().id.to_string());
    let mut v: Vec<PathBuf> = std::fs::read_dir(cdir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
        .collect();
    v.sort();
    v
}

/// The tag of each key of `keys` that has a live row (`None`: no row), checking that a key
/// never has two.
fn tags(db: &Database, int: bool, keys: &[i64]) -> Vec<Option<i64>> {
    keys.iter()
        .map(|&k| {
            let expr = if int { format!("ID == {k}") } else { format!("ID == \"k{k}\"") };
            let by_filter = db.query("c", &[], &expr, &["tag"], None, 0).unwrap();
            let by_key = db.get("c", &[], &pks(int, &[k]), &["tag"]).unwrap();
            assert!(by_filter.len() <= 1, "key {k} has {} live rows", by_filter.len());
            assert_eq!(by_filter.len(), by_key.len(), "key {k}: a filter and a get disagree");
            by_key.column("tag").map(|c| c.data().clone()).and_then(|d| match d {
                veclite::ColumnData::Int64(v) => v.first().copied(),
                _ => None,
            })
        })
        .collect()
}

/// Keys 0..300 (tag 0), then 100..200 upserted (tag 1) and 250..260 deleted, spread over
/// several sealed segments; closed.
fn written(dir: &Path, int: bool) {
    let db = open(dir);
    db.create_collection(schema(int)).unwrap();
    for chunk in (0..300).collect::<Vec<i64>>().chunks(50) {
        db.insert("c", "", batch(int, chunk, 0)).unwrap();
    }
    db.upsert("c", "", batch(int, &(100..200).collect::<Vec<_>>(), 1)).unwrap();
    db.delete_by_pks("c", "", &pks(int, &(250..260).collect::<Vec<_>>())).unwrap();
    db.flush("c").unwrap();
    assert!(segment_files(dir, &db).len() >= 3, "several sealed segments");
    db.close().unwrap();
}

#[test]
fn upserts_and_deletes_across_segments_after_reopen_keep_keys_unique() {
    for int in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        written(tmp.path(), int);
        let db = open(tmp.path());
        assert_eq!(db.count("c", &[]).unwrap(), 290);
        let probe = [0, 99, 100, 199, 200, 255, 299, 300];
        assert_eq!(
            tags(&db, int, &probe),
            [Some(0), Some(0), Some(1), Some(1), Some(0), None, Some(0), None]
        );
        // An insert of a key a sealed segment holds is refused; of a deleted one, accepted.
        let dup = db.insert("c", "", batch(int, &[150], 9)).unwrap_err();
        assert!(matches!(dup, Error::DuplicatePrimaryKey(_)), "{dup}");
        db.insert("c", "", batch(int, &[255], 2)).unwrap();
        // Upserts over every segment, then deletes of keys in sealed and growing segments.
        db.upsert("c", "", batch(int, &(0..300).step_by(7).collect::<Vec<_>>(), 3)).unwrap();
        let deleted = db.delete_by_pks("c", "", &pks(int, &[7, 14, 255, 1, 299, 1000])).unwrap();
        assert_eq!(deleted.delete_count, 5);
        db.flush("c").unwrap();
        db.close().unwrap();

        let db = open(tmp.path());
        // 290, + 255 inserted, + 252 and 259 (deleted before) upserted, - 5 deleted.
        assert_eq!(db.count("c", &[]).unwrap(), 288);
        assert_eq!(
            tags(&db, int, &[0, 1, 7, 21, 150, 151, 255, 299]),
            [Some(3), None, None, Some(3), Some(1), Some(1), None, None]
        );
        let all: Vec<i64> = (0..300).collect();
        assert_eq!(db.get("c", &[], &pks(int, &all), &["tag"]).unwrap().len(), 288, "one row per live key");
        db.close().unwrap();
    }
}

/// `(kind, field, offset, len)` of every block of a segment file.
fn blocks(bytes: &[u8]) -> Vec<(u16, u16, usize, usize)> {
    let n = bytes.len();
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let start = n - u32_at(n - TRAILER_LEN);
    let n_blocks = u32_at(n - TRAILER_LEN - META_LEN + 24);
    (0..n_blocks)
        .map(|i| {
            let e = start + i * ENTRY_LEN;
            let kind = u16::from_le_bytes([bytes[e], bytes[e + 1]]);
            (kind, u16::from_le_bytes([bytes[e + 2], bytes[e + 3]]), u64_at(e + 8), u64_at(e + 16))
        })
        .collect()
}

/// Flips a byte in the middle of block `kind` of field `field` of every segment file.
fn damage(files: &[PathBuf], kind: BlockKind, field: u16) {
    for file in files {
        let mut bytes = std::fs::read(file).unwrap();
        let &(_, _, offset, len) =
            blocks(&bytes).iter().find(|b| b.0 == kind as u16 && b.1 == field).expect("block present");
        bytes[offset + len / 2] ^= 0x10;
        std::fs::write(file, bytes).unwrap();
    }
}

#[test]
fn damaged_key_order_blocks_are_rebuilt_and_reported_by_verify() {
    for (int, kind) in
        [(true, BlockKind::KeyOrder), (true, BlockKind::SortedKeys), (false, BlockKind::KeyOrder)]
    {
        let tmp = tempfile::tempdir().unwrap();
        written(tmp.path(), int);
        let files = segment_files(tmp.path(), &open(tmp.path()));
        damage(&files, kind, 0);
        let report = veclite::verify(tmp.path());
        assert!(!report.problems.is_empty(), "verify reports the damaged key blocks");

        let db = open(tmp.path());
        assert_eq!(tags(&db, int, &[0, 150, 255, 299]), [Some(0), Some(1), None, Some(0)]);
        let dup = db.insert("c", "", batch(int, &[42], 9)).unwrap_err();
        assert!(matches!(dup, Error::DuplicatePrimaryKey(_)), "{dup}");
        db.upsert("c", "", batch(int, &[42, 255], 5)).unwrap();
        assert_eq!(db.count("c", &[]).unwrap(), 291);
        assert_eq!(tags(&db, int, &[42, 255]), [Some(5), Some(5)]);
        db.close().unwrap();
    }
}

#[test]
fn a_damaged_key_column_fails_key_lookups_before_anything_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    written(tmp.path(), true);
    let files = segment_files(tmp.path(), &open(tmp.path()));
    damage(&files[..1], BlockKind::Values, 0);
    // The open reads no key.
    let db = open(tmp.path());
    assert_eq!(db.count("c", &[]).unwrap(), 290);
    let corrupted = |r: veclite::Result<_>, what: &str| match r {
        Err(Error::Corrupted { file, .. }) => assert_eq!(Path::new(&file), files[0], "{what}"),
        other => panic!("{what}: expected Corrupted, got {other:?}"),
    };
    corrupted(db.get("c", &[], &PrimaryKeys::Int(vec![5]), &["tag"]).map(drop), "get");
    corrupted(db.upsert("c", "", batch(true, &[5], 7)).map(drop), "upsert");
    corrupted(db.insert("c", "", batch(true, &[1000], 7)).map(drop), "insert of a new key");
    corrupted(db.delete_by_pks("c", "", &PrimaryKeys::Int(vec![5])).map(drop), "delete");
    db.close().unwrap();
    // Nothing was logged: a copy without the damage reads as before.
    assert_eq!(open_count_after_repair(tmp.path(), &files[0]), 290);
}

/// Undoes the flip [`damage`] made in the key column of `file` and counts the rows.
fn open_count_after_repair(dir: &Path, file: &Path) -> u64 {
    damage(&[file.to_owned()], BlockKind::Values, 0);
    let db = open(dir);
    let n = db.count("c", &[]).unwrap();
    assert_eq!(db.get("c", &[], &PrimaryKeys::Int(vec![5, 1000]), &["tag"]).unwrap().len(), 1);
    db.close().unwrap();
    n
}

#[test]
fn a_damaged_vector_block_fails_the_first_search_that_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    written(tmp.path(), true);
    let files = segment_files(tmp.path(), &open(tmp.path()));
    damage(&files[1..2], BlockKind::Values, 2);
    let db = open(tmp.path());
    let request = SearchRequest::new(&[1.0, 1.0, 0.0, 0.0], 5, Metric::L2);
    for _ in 0..2 {
        match db.search(&Context::background(), "c", &request) {
            Err(Error::Corrupted { file, .. }) => assert_eq!(Path::new(&file), files[1]),
            other => panic!("expected Corrupted, got {other:?}"),
        }
    }
    db.close().unwrap();
}
