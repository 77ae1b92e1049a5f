//! Writes the format-compatibility fixture: a small database directory of the current format
//! version, written by the history in `tests/common/compat_data.rs` and closed without a final
//! flush, so it holds every file kind (manifest, write-ahead log with records, segments, deletes
//! files, HNSW and IVF_FLAT index files). `tests/compat.rs` opens a copy of it and checks its
//! answers. Regenerate it only together with a format-version bump (see docs/format.md).
//!
//! Run: `cargo run --example make_compat_fixture -- tests/fixtures/format-v<N>` (the directory
//! must not exist or be empty).

#[path = "../tests/common/compat_data.rs"]
mod compat_data;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use compat_data::{KEYED, Op, TYPED};
use veclite::{Context, Database, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: make_compat_fixture <directory>")?);
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        return Err(format!("{} is not empty", dir.display()).into());
    }
    let options = Options {
        // One thread and no automatic compaction: the files are exactly what the history says.
        worker_threads: 1,
        compaction_deleted_ratio: 2.0,
        compaction_small_segments: usize::MAX,
        ..Options::default()
    };
    let db = Database::open(&dir, options)?;
    for op in compat_data::history() {
        run(&db, op)?;
    }
    for collection in [TYPED, KEYED] {
        let want = compat_data::live_rows(collection).len() as u64;
        let got = db.count(collection, &[])?;
        if got != want {
            return Err(format!("{collection}: {got} live rows, the history says {want}").into());
        }
    }
    db.close()?;
    wait_for_old_wal_removal(&dir)?;
    // Opening creates the lock file; the fixture does without it.
    std::fs::remove_file(dir.join("LOCK"))?;
    report(&dir)
}

/// Applies one step of the history.
fn run(db: &Database, op: Op) -> veclite::Result<()> {
    match op {
        Op::CreateCollection(name) => {
            let schema =
                if name == TYPED { compat_data::typed_schema() } else { compat_data::keyed_schema() };
            db.create_collection(schema)
        }
        Op::CreatePartition { collection, partition } => db.create_partition(collection, partition),
        Op::CreateIndex(spec) => db.create_index(
            &Context::background(),
            spec.collection,
            spec.field,
            spec.name,
            spec.metric,
            spec.params,
        ),
        Op::Write { collection, partition, keys, version, upsert } => {
            let columns = compat_data::write_columns(collection, &keys, version);
            let written = if upsert {
                db.upsert(collection, partition, columns)?
            } else {
                db.insert(collection, partition, columns)?
            };
            assert_eq!(written.insert_count, keys.len() as u64);
            Ok(())
        }
        Op::Delete { collection, keys } => {
            let deleted = db.delete_by_pks(collection, "", &compat_data::primary_keys(collection, &keys))?;
            assert_eq!(deleted.delete_count, keys.len() as u64, "every deleted key was live");
            Ok(())
        }
        Op::Flush(collection) => db.flush(collection),
    }
}

/// A seal removes the WAL generations it covers on a background thread; waits until each
/// collection directory holds only its current generation.
fn wait_for_old_wal_removal(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut clean = true;
        for collection in std::fs::read_dir(dir.join("collections"))? {
            let logs = std::fs::read_dir(collection?.path())?
                .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".log")))
                .count();
            clean &= logs == 1;
        }
        if clean {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("obsolete WAL generations were not removed within 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Prints every file with its size, and the total.
fn report(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.strip_prefix(dir)?.display().to_string(), std::fs::metadata(&path)?.len()));
            }
        }
    }
    files.sort();
    for (name, len) in &files {
        println!("{len:>8}  {name}");
    }
    println!("{:>8}  total", files.iter().map(|f| f.1).sum::<u64>());
    Ok(())
}
