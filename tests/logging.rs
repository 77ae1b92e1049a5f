//! Events through the `log` facade: a test logger installed for this binary sees the seal,
//! compaction and index-build events of a flush, and the corruption and recovery events of a
//! damaged WAL. Tests share the one logger, so each looks only at events naming its own
//! collection or directory.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use log::{Level, LevelFilter, Log, Metadata, Record};
use veclite::{
    Column, Context, Database, Error, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys, Schema,
};

/// One event as the logger saw it.
#[derive(Debug, Clone)]
struct Event {
    level: Level,
    target: String,
    message: String,
}

struct Capture(Mutex<Vec<Event>>);

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        true
    }

    fn log(&self, record: &Record) {
        let event = Event {
            level: record.level(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
        };
        self.0.lock().unwrap().push(event);
    }

    fn flush(&self) {}
}

/// The events logged so far whose message contains `needle`, installing the logger first.
fn events(needle: &str) -> Vec<Event> {
    capture().0.lock().unwrap().iter().filter(|e| e.message.contains(needle)).cloned().collect()
}

fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        log::set_logger(capture).unwrap();
        log::set_max_level(LevelFilter::Trace);
        capture
    })
}

fn create(db: &Database, name: &str) {
    let schema = Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 4 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
}

fn rows(ids: std::ops::Range<i64>) -> Vec<Column> {
    let ids: Vec<i64> = ids.collect();
    let vectors = ids.iter().flat_map(|&i| [i as f32, 1.0, 2.0, 3.0]).collect();
    vec![Column::int64("id", ids), Column::float_vector("v", 4, vectors)]
}

/// The one event containing `needle`, at `level`.
fn only(needle: &str, level: Level) -> Event {
    let found = events(needle);
    assert_eq!(found.len(), 1, "one event containing {needle:?}: {found:?}");
    assert_eq!(found[0].level, level, "{found:?}");
    assert!(found[0].target.starts_with("veclite::"), "{found:?}");
    found[0].clone()
}

#[test]
fn flush_compaction_and_index_builds_log_their_events() {
    capture();
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::open(tmp.path(), Options::default()).unwrap();
    create(&db, "logged_seal");
    db.upsert("logged_seal", "", rows(0..300)).unwrap();
    assert!(events("collection `logged_seal`").is_empty(), "nothing is sealed before the flush");
    db.flush("logged_seal").unwrap();
    let seal = only("sealed collection `logged_seal`", Level::Info);
    assert!(seal.message.contains(": 1 segments, 300 rows, "), "{}", seal.message);
    let bytes: u64 =
        seal.message.split(" rows, ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(bytes > 300 * 16, "the segment file holds at least the vectors: {}", seal.message);

    let hnsw = IndexParams::Hnsw { m: 8, ef_construction: 32 };
    db.create_index(&Context::background(), "logged_seal", "v", "", Metric::L2, hnsw).unwrap();
    let build = only("index `v` of segment", Level::Info);
    assert!(
        build.message.starts_with("built HNSW index") && build.message.contains("300 vectors"),
        "{build:?}"
    );

    db.delete_by_pks("logged_seal", "", &PrimaryKeys::Int((0..100).collect())).unwrap();
    db.compact("logged_seal").unwrap();
    let compaction = only("compacted collection `logged_seal`", Level::Info);
    assert!(compaction.message.contains("100 deleted rows dropped"), "{compaction:?}");
    assert!(
        events("corruption found").iter().all(|e| !e.message.contains(&tmp.path().display().to_string()))
    );
}

/// Flips one byte inside the first record of the newest WAL generation of `dir`, which holds
/// several records, so the damage is followed by whole records.
fn damage_first_wal_record(dir: &Path) -> u64 {
    let wal = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .max()
        .unwrap();
    let mut bytes = std::fs::read(&wal).unwrap();
    let first_record = 16;
    bytes[first_record + 8 + 10] ^= 0xff;
    std::fs::write(&wal, bytes).unwrap();
    first_record as u64
}

#[test]
fn corruption_found_and_recovery_actions_are_logged_with_file_and_offset() {
    capture();
    let tmp = tempfile::tempdir().unwrap();
    let dir = {
        let db = Database::open(tmp.path(), Options::default()).unwrap();
        create(&db, "logged_damage");
        for b in 0..3 {
            db.insert("logged_damage", "", rows(b * 10..b * 10 + 10)).unwrap();
        }
        let dir = db.collection("logged_damage").unwrap().dir().to_path_buf();
        db.close().unwrap();
        dir
    };
    let offset = damage_first_wal_record(&dir);
    let dir_name = dir.display().to_string();

    let err = Database::open(tmp.path(), Options::default()).unwrap_err();
    assert!(matches!(err, Error::Corrupted { .. }), "{err}");
    let found = only(&format!("corruption found in {dir_name}"), Level::Error);
    assert!(found.message.contains(&format!("at byte {offset}")), "{found:?}");
    assert!(found.message.contains(&err.to_string().replace("corrupted file ", "")), "{found:?} / {err}");

    let (db, report) = Database::recover(tmp.path(), Options::default()).unwrap();
    assert!(!report.is_clean());
    let skips = events("recovery skips").into_iter().filter(|e| e.message.contains(&dir_name));
    let skips: Vec<Event> = skips.collect();
    assert_eq!(skips.len(), report.skipped.len(), "{skips:?}");
    assert!(skips.iter().all(|e| e.level == Level::Warn), "{skips:?}");
    assert!(skips[0].message.contains(&format!("at byte {offset} of {dir_name}")), "{skips:?}");
    only(&format!("recovery copied {dir_name}"), Level::Info);
    let summary = only(&format!("recovery of {}", tmp.path().display()), Level::Info);
    assert!(
        summary.message.contains(&format!("{} byte ranges skipped", report.skipped.len())),
        "{summary:?}"
    );
    assert_eq!(db.count("logged_damage", &[]).unwrap(), 0, "nothing before the damaged record");
}
