//! The `veclite` binary end to end: every command on a small database, `verify` on intact and
//! damaged copies (and that it changes nothing), `recover` of a damaged WAL, a locked database,
//! usage errors and help texts.

#![cfg(feature = "cli")]

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;
use veclite::internals::wal;
use veclite::{Column, Database, Field, FieldType, Options, Schema};

const COLLECTION: &str = "docs";
const DIM: usize = 4;

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

/// Stdout as JSON lines.
fn lines(out: &str) -> Vec<Json> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?} is not JSON: {e}")))
        .collect()
}

fn vector(id: i64) -> Vec<f32> {
    (0..DIM).map(|d| (id as f32) + d as f32 / 10.0).collect()
}

/// Rows `ids`: title `t<id>`, score null for multiples of 10, a vector near `[id, id, id, id]`.
fn rows(ids: &[i64]) -> Vec<Column> {
    vec![
        Column::int64("ID", ids.to_vec()),
        Column::varchar("title", ids.iter().map(|i| format!("t{i}"))),
        Column::float("score", ids.iter().map(|i| *i as f32 / 2.0).collect())
            .with_validity(ids.iter().map(|i| i % 10 != 0).collect()),
        Column::float_vector("embeddings", DIM, ids.iter().flat_map(|i| vector(*i)).collect()),
    ]
}

/// A database in `dir`: rows 0..100 flushed into a segment, then rows 100..110 in three WAL
/// batches (100..103, 103..106, 106..110).
fn create(dir: &Path) {
    let db = Database::open(dir, Options::default()).expect("open");
    let schema = Schema::builder(COLLECTION)
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("title", FieldType::VarChar { max_length: 64 }))
        .field(Field::new("score", FieldType::Float).nullable(true))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .expect("schema");
    db.create_collection(schema).expect("create");
    db.upsert(COLLECTION, "", rows(&(0..100).collect::<Vec<_>>())).expect("upsert");
    db.flush(COLLECTION).expect("flush");
    for batch in [100..103, 103..106, 106..110] {
        db.upsert(COLLECTION, "", rows(&batch.collect::<Vec<_>>())).expect("upsert");
    }
    db.close().expect("close");
    wait_for_obsolete_logs_removed(dir);
}

/// Waits (at most 10 s) until the WAL generation a flush made obsolete is gone: the engine
/// removes it on a background thread that can outlive `close`, and tests that compare the
/// directory before and after a command need it settled.
fn wait_for_obsolete_logs_removed(dir: &Path) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while files_named(dir, ".log").len() > 1 {
        assert!(std::time::Instant::now() < deadline, "obsolete WAL files were not removed");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn fresh() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    create(&dir);
    let dir = dir.to_str().expect("utf-8 path").to_owned();
    (tmp, dir)
}

/// Every file under `dir` with its length and a hash of its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (usize, u64)> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            let bytes = std::fs::read(&path).expect("read");
            let mut hasher = DefaultHasher::new();
            bytes.hash(&mut hasher);
            files.insert(path.clone(), (bytes.len(), hasher.finish()));
        }
    }
    files
}

fn files_named(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    snapshot(dir).into_keys().filter(|p| p.to_string_lossy().ends_with(suffix)).collect()
}

/// The generation `n` of WAL file `wal-<n>.log`.
fn generation_of(log: &Path) -> u64 {
    log.file_name()
        .and_then(|n| n.to_str()?.strip_prefix("wal-")?.strip_suffix(".log")?.parse().ok())
        .expect("wal-<n>.log")
}

/// A `.npy` file of float32 `data` with shape (rows, dim).
fn write_npy(path: &Path, rows: usize, data: &[f32]) {
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {DIM}), }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend(data.iter().flat_map(|x| x.to_le_bytes()));
    std::fs::write(path, bytes).expect("write npy");
}

#[test]
fn every_command_on_a_small_database() {
    let (tmp, dir) = fresh();
    let dir = dir.as_str();

    let info = &lines(&ok(&["info", dir, "--json"]))[0];
    let c = &info["collections"][0];
    assert_eq!((c["name"].as_str(), c["rows"].as_u64()), (Some(COLLECTION), Some(110)));
    assert_eq!(c["segments"][0]["rows"], 100);
    assert_eq!(c["partitions"][0]["name"], "_default");
    assert!(c["wal_bytes"].as_u64().expect("wal_bytes") > 16, "{c}");
    assert_eq!(info["manifest_version"], 1);
    let table = ok(&["info", dir, "--table"]);
    assert!(table.contains("collection \"docs\"  rows 110"), "{table}");

    let schema = &lines(&ok(&["describe", dir, COLLECTION, "--json"]))[0];
    let fields: Vec<(&str, &str)> = schema["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| (f["field"].as_str().expect("name"), f["type"].as_str().expect("type")))
        .collect();
    assert_eq!(
        fields,
        [("ID", "Int64"), ("title", "VarChar(64)"), ("score", "Float"), ("embeddings", "FloatVector(4)")]
    );
    assert_eq!(schema["fields"][2]["nullable"], true);

    assert_eq!(lines(&ok(&["count", dir, COLLECTION]))[0]["count"], 110);
    assert_eq!(lines(&ok(&["count", dir, COLLECTION, "--filter", "ID >= 50"]))[0]["count"], 60);
    assert_eq!(lines(&ok(&["count", dir, COLLECTION, "--partition", "_default"]))[0]["count"], 110);

    let out = ok(&[
        "query",
        dir,
        COLLECTION,
        "--filter",
        "ID < 20",
        "--output-fields",
        "title,score",
        "--limit",
        "3",
        "--offset",
        "9",
    ]);
    assert_eq!(out.lines().next(), Some(r#"{"ID":9,"title":"t9","score":4.5}"#), "keys in column order");
    let rows = lines(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["score"], Json::Null, "row 10's score is null");
    let table = ok(&["query", dir, COLLECTION, "--filter", "ID == 3", "--output-fields", "title", "--table"]);
    assert_eq!(table, "ID  title\n--  -----\n3   t3\n");

    let got = lines(&ok(&["get", dir, COLLECTION, "--ids", "7,105,999"]));
    assert_eq!(got.len(), 2, "key 999 does not exist");
    assert_eq!(got[1]["embeddings"], serde_json::json!([105.0, 105.1, 105.2, 105.3]));

    let hits = lines(&ok(&[
        "search",
        dir,
        COLLECTION,
        "--vector",
        "[42, 42.1, 42.2, 42.3]",
        "--topk",
        "2",
        "--output-fields",
        "title",
    ]));
    assert_eq!(hits.len(), 2);
    assert_eq!((hits[0]["id"].as_i64(), hits[0]["title"].as_str()), (Some(42), Some("t42")));
    assert_eq!(hits[0]["score"], 0.0);
    let npy = tmp.path().join("q.npy");
    write_npy(&npy, 2, &[vector(3), vector(104)].concat());
    let hits = lines(&ok(&[
        "search",
        dir,
        COLLECTION,
        "--vectors-npy",
        npy.to_str().expect("utf-8"),
        "--topk",
        "1",
        "--filter",
        "ID != 104",
    ]));
    let best: Vec<(i64, i64)> =
        hits.iter().map(|h| (h["query"].as_i64().expect("q"), h["id"].as_i64().expect("id"))).collect();
    assert_eq!(best, [(0, 3), (1, 103)]);

    assert_eq!(lines(&ok(&["delete", dir, COLLECTION, "--ids", "1,2,999"]))[0]["delete_count"], 2);
    assert_eq!(lines(&ok(&["delete", dir, COLLECTION, "--filter", "ID in [3, 4]"]))[0]["delete_count"], 2);
    assert_eq!(lines(&ok(&["count", dir, COLLECTION]))[0]["count"], 106);

    ok(&["flush", dir, COLLECTION]);
    // The newest WAL generation holds only its header (an older one may wait for removal).
    let newest =
        files_named(Path::new(dir), ".log").into_iter().max_by_key(|p| generation_of(p)).expect("wal");
    assert_eq!(std::fs::metadata(&newest).expect("wal").len(), 16, "{newest:?}");
    ok(&[
        "create-index",
        dir,
        COLLECTION,
        "--field",
        "embeddings",
        "--type",
        "HNSW",
        "--metric",
        "L2",
        "--param",
        "M=8",
    ]);
    let index = &lines(&ok(&["info", dir, "--json"]))[0]["collections"][0]["indexes"][0];
    assert_eq!((index["type"].as_str(), index["params"]["M"].as_u64()), (Some("HNSW"), Some(8)));
    let hits = lines(&ok(&["search", dir, COLLECTION, "--vector", "[50, 50.1, 50.2, 50.3]", "--topk", "1"]));
    assert_eq!(hits[0]["id"], 50, "searched through the HNSW index with its metric");
    ok(&["drop-index", dir, COLLECTION, "--field", "embeddings"]);
    assert!(
        lines(&ok(&["describe", dir, COLLECTION, "--json"]))[0]["indexes"].as_array().expect("a").is_empty()
    );

    let segments = &lines(&ok(&["info", dir, "--json"]))[0]["collections"][0]["segments"];
    let deleted: u64 =
        segments.as_array().expect("segments").iter().map(|s| s["deleted"].as_u64().expect("n")).sum();
    assert_eq!(deleted, 4, "the flushed deletes: {segments}");

    let stats = &lines(&ok(&["compact", dir, COLLECTION]))[0];
    assert_eq!(stats["rows_dropped"], 4, "{stats}");
    assert_eq!(lines(&ok(&["count", dir, COLLECTION]))[0]["count"], 106);

    let verdict = lines(&ok(&["verify", dir, "--json"]));
    assert_eq!(verdict.last().expect("summary")["ok"], true);
    assert_eq!(verdict.last().expect("summary")["rows"], 106);
}

#[test]
fn verify_changes_no_byte_and_finds_a_flipped_segment_byte() {
    let (_tmp, dir) = fresh();
    let before = snapshot(Path::new(&dir));
    let (code, out, _) = veclite(&["verify", &dir, "--table"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok: "), "{out}");
    assert_eq!(snapshot(Path::new(&dir)), before, "verify changed the directory");

    // Flip one byte of each block region: the timestamps block (offset 64) is never read by
    // queries, so only a check of every block finds it.
    for offset in [64usize, 64 * 20] {
        let (_tmp, dir) = fresh();
        let segment = files_named(Path::new(&dir), ".seg").pop().expect("a segment file");
        let mut bytes = std::fs::read(&segment).expect("read");
        bytes[offset] ^= 0x55;
        std::fs::write(&segment, &bytes).expect("write");
        let before = snapshot(Path::new(&dir));
        let (code, out, _) = veclite(&["verify", &dir, "--json"]);
        assert_eq!(code, 1, "{out}");
        let problem = &lines(&out)[0];
        assert_eq!(problem["file"].as_str(), segment.to_str(), "{out}");
        assert!(problem["problem"].as_str().expect("what").contains("checksum mismatch"), "{out}");
        assert_eq!(snapshot(Path::new(&dir)), before, "verify changed the damaged directory");
    }
}

#[test]
fn verify_names_a_missing_file_the_manifest_lists_and_notes_an_unlisted_one() {
    let (_tmp, dir) = fresh();
    let segment = files_named(Path::new(&dir), ".seg").pop().expect("a segment file");
    std::fs::remove_file(&segment).expect("remove");
    let stray = segment.with_file_name("s77.seg.tmp");
    std::fs::write(&stray, b"left by an interrupted seal").expect("write");
    let (code, out, _) = veclite(&["verify", &dir, "--json"]);
    assert_eq!(code, 1, "{out}");
    let out = lines(&out);
    assert_eq!(out[0]["file"].as_str(), segment.to_str(), "{out:?}");
    assert!(out[0]["problem"].as_str().expect("what").starts_with("missing"), "{out:?}");
    let note = format!("{}: not listed in the manifest (never read)", stray.display());
    assert!(out.iter().any(|l| l["note"].as_str() == Some(note.as_str())), "{out:?}");
}

#[test]
fn verify_finds_a_wal_generation_that_does_not_chain_to_the_one_before() {
    let (_tmp, dir) = fresh();
    let log = files_named(Path::new(&dir), ".log").pop().expect("a WAL file");
    let scan = wal::scan(&log).expect("scan");
    let generation = generation_of(&log);
    // The next generation's header: magic and version as in this one, a chain that is not the
    // CRC of this generation's last record.
    let mut header = std::fs::read(&log).expect("read")[..16].to_vec();
    header[12..16].copy_from_slice(&(scan.last_crc ^ 1).to_le_bytes());
    let next = log.with_file_name(format!("wal-{}.log", generation + 1));
    std::fs::write(&next, &header).expect("write");
    let (code, out, _) = veclite(&["verify", &dir, "--json"]);
    assert_eq!(code, 1, "{out}");
    let problem = &lines(&out)[0];
    assert_eq!(problem["file"].as_str(), next.to_str(), "{out}");
    assert!(problem["problem"].as_str().expect("what").contains("WAL chain broken"), "{out}");
}

#[test]
fn verify_finds_a_damaged_index_file_through_a_copy_and_names_the_original() {
    let (_tmp, dir) = fresh();
    ok(&["create-index", &dir, COLLECTION, "--field", "embeddings", "--type", "IVF_FLAT", "--metric", "L2"]);
    let index = files_named(Path::new(&dir), ".idx").pop().expect("an index file");
    let mut bytes = std::fs::read(&index).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&index, &bytes).expect("write");
    let (code, out, _) = veclite(&["verify", &dir, "--json"]);
    assert_eq!(code, 1, "{out}");
    let problem = &lines(&out)[0];
    assert_eq!(problem["file"].as_str(), index.to_str(), "{out}");
    assert_eq!(problem["problem"], "index checksum mismatch", "{out}");
}

#[test]
fn a_damaged_wal_record_is_found_by_verify_and_skipped_by_recover() {
    let (_tmp, dir) = fresh();
    let log = files_named(Path::new(&dir), ".log").pop().expect("a WAL file");
    let scan = wal::scan(&log).expect("scan");
    assert_eq!(scan.records.len(), 3, "three upsert batches");
    let second = &scan.records[1];
    let mut bytes = std::fs::read(&log).expect("read");
    bytes[second.offset as usize + 12] ^= 0xff;
    std::fs::write(&log, &bytes).expect("write");

    let (code, out, _) = veclite(&["verify", &dir, "--json"]);
    assert_eq!(code, 1, "{out}");
    let problem = &lines(&out)[0];
    assert_eq!(problem["file"].as_str(), log.to_str());
    assert_eq!(problem["offset"], second.offset, "{out}");
    assert!(problem["problem"].as_str().expect("what").contains("1 whole record(s) after it"), "{out}");

    let (code, _, err) = veclite(&["count", &dir, COLLECTION]);
    assert_eq!(code, 1);
    assert!(err.contains("corrupted"), "{err}");

    let report = lines(&ok(&["recover", &dir, "--json"]));
    let skipped: Vec<&Json> = report.iter().filter(|r| r["action"] == "skipped").collect();
    let third = &scan.records[2];
    let extents: Vec<(Option<&str>, u64, u64)> = skipped
        .iter()
        .map(|s| (s["file"].as_str(), s["offset"].as_u64().expect("offset"), s["len"].as_u64().expect("len")))
        .collect();
    assert_eq!(
        extents,
        [(log.to_str(), second.offset, second.file_len()), (log.to_str(), third.offset, third.file_len())],
        "the damaged record and the whole record after it: {report:?}"
    );
    assert!(report.iter().any(|r| r["action"] == "preserved"), "{report:?}");
    assert_eq!(report.last().expect("summary")["clean"], false);
    // 100 sealed rows and the first batch (3 rows) are kept.
    assert_eq!(lines(&ok(&["count", &dir, COLLECTION]))[0]["count"], 103);
    assert_eq!(veclite(&["verify", &dir]).0, 0, "recovered database verifies");
}

#[test]
fn a_locked_database_says_what_to_do_and_verify_still_works() {
    let (_tmp, dir) = fresh();
    let db = Database::open(&dir, Options::default()).expect("open");
    let (code, _, err) = veclite(&["count", &dir, COLLECTION]);
    assert_eq!(code, 1);
    assert!(err.contains("locked by another process"), "{err}");
    assert!(err.contains("Close the program that has the database open"), "{err}");
    assert_eq!(veclite(&["verify", &dir]).0, 0);
    db.close().expect("close");
    assert_eq!(veclite(&["count", &dir, COLLECTION]).0, 0);
}

#[test]
fn usage_errors_exit_2_and_every_command_has_help_with_an_example() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().to_str().expect("utf-8");
    assert_eq!(veclite(&["frobnicate"]).0, 2);
    assert_eq!(veclite(&["query"]).0, 2);
    assert_eq!(veclite(&["delete", dir, COLLECTION]).0, 2, "--filter or --ids is required");
    let (code, _, err) = veclite(&["count", dir, COLLECTION]);
    assert_eq!(code, 1);
    assert!(err.contains("not a veclite database"), "{err}");
    assert!(snapshot(tmp.path()).is_empty(), "a command created files in a directory that is not a database");

    let top = ok(&["--help"]);
    assert!(top.contains("Exit status:"), "{top}");
    let commands = [
        "info",
        "describe",
        "count",
        "query",
        "get",
        "search",
        "delete",
        "flush",
        "compact",
        "create-index",
        "drop-index",
        "verify",
        "recover",
    ];
    for command in commands {
        assert!(top.contains(command), "{command} missing from --help");
        let help = ok(&[command, "--help"]);
        assert!(help.contains(&format!("veclite {command} ")), "no example in `{command} --help`:\n{help}");
        assert!(help.contains("Exit status"), "no exit status in `{command} --help`:\n{help}");
    }
}
