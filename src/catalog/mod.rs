//! The catalog: which collections, partitions, segments and indexes exist, persisted as one
//! manifest file that is replaced atomically on every change.

pub mod manifest;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::storage::lock::LOCK_FILE;
pub use manifest::{
    CollectionMeta, DatabaseMeta, IndexMeta, MANIFEST_VERSION, Manifest, PartitionMeta, SegmentMeta,
};

/// Name of the directory, inside a database directory, holding one directory per collection.
pub const COLLECTIONS_DIR: &str = "collections";
/// Name of the directory, inside a database directory, that recovery moves damaged files to.
pub const QUARANTINE_DIR: &str = "quarantine";

/// What opening a database finds in its directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirState {
    /// Missing, empty, or holding only what an interrupted first open leaves (the lock file, a
    /// manifest being written): a new database, created there.
    New,
    /// A database: the directory has a manifest.
    Database,
}

/// Finds what directory `dir` holds, changing nothing.
///
/// # Errors
/// [`Error::InvalidArgument`] when `dir` is not a directory, or is a non-empty directory that is
/// not a veclite database (no manifest, no collection data); [`Error::Corrupted`] naming the
/// manifest when the directory holds veclite data (`collections/`, `quarantine/`) but no
/// manifest; [`Error::Io`].
pub fn inspect_dir(dir: &Path) -> Result<DirState> {
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DirState::New),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::InvalidArgument(format!(
                "{} is not a directory: a database is a directory",
                dir.display()
            )));
        }
        other => other.map_err(|e| Error::io(dir, e))?,
    };
    let mut data = Vec::new();
    let mut foreign = Vec::new();
    for entry in entries {
        let name = entry.map_err(|e| Error::io(dir, e))?.file_name().to_string_lossy().into_owned();
        match name.as_str() {
            manifest::MANIFEST_FILE => return Ok(DirState::Database),
            LOCK_FILE | MANIFEST_TEMP => {}
            COLLECTIONS_DIR | QUARANTINE_DIR => data.push(name),
            _ => foreign.push(name),
        }
    }
    if !data.is_empty() {
        return Err(Error::corrupted(
            dir.join(manifest::MANIFEST_FILE),
            format!(
                "missing: the directory holds veclite data ({}/) but no manifest; nothing was changed",
                data.join("/, ")
            ),
        ));
    }
    if let Some(first) = foreign.first() {
        return Err(Error::InvalidArgument(format!(
            "{} is not a veclite database: it is not empty ({first}{}) and has no {}; nothing was changed",
            dir.display(),
            if foreign.len() > 1 { format!(" and {} more", foreign.len() - 1) } else { String::new() },
            manifest::MANIFEST_FILE
        )));
    }
    Ok(DirState::New)
}

/// Name of the manifest while it is being written.
const MANIFEST_TEMP: &str = "MANIFEST.tmp";

/// The manifest of an open database, and the lock that serializes its changes.
#[derive(Debug)]
pub struct Catalog {
    path: PathBuf,
    manifest: Mutex<Manifest>,
}

impl Catalog {
    /// Loads the manifest of the database in `dir` (state `state`, see [`inspect_dir`]), or
    /// writes an empty one for a new database. A manifest write that a crash interrupted
    /// (`MANIFEST.tmp`) is removed.
    ///
    /// # Errors
    /// As [`Manifest::read`] (a missing manifest is [`Error::Corrupted`]); [`Error::Io`].
    pub fn open(dir: &Path, state: DirState) -> Result<Catalog> {
        let path = dir.join(manifest::MANIFEST_FILE);
        let manifest = match state {
            DirState::New => {
                let empty = Manifest::default();
                empty.write(&path)?;
                empty
            }
            DirState::Database => Manifest::read(&path).map_err(|e| match e {
                Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    Error::corrupted(&path, "missing")
                }
                other => other,
            })?,
        };
        crate::storage::fs::remove_file_if_exists(&dir.join(MANIFEST_TEMP))?;
        Ok(Catalog { path, manifest: Mutex::new(manifest) })
    }

    /// A copy of the current manifest.
    pub fn snapshot(&self) -> Manifest {
        self.lock().clone()
    }

    /// `f` applied to the current manifest (no copy).
    pub fn read<T>(&self, f: impl FnOnce(&Manifest) -> T) -> T {
        f(&self.lock())
    }

    /// Applies `change` to a copy of the manifest, persists the copy durably and makes it current.
    /// If `change` or the write fails, the current manifest is unchanged.
    ///
    /// # Errors
    /// Whatever `change` returns; [`Error::Io`] from the write.
    pub fn update<T>(&self, change: impl FnOnce(&mut Manifest) -> Result<T>) -> Result<T> {
        let mut current = self.lock();
        let mut next = current.clone();
        let out = change(&mut next)?;
        next.write(&self.path)?;
        *current = next;
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Manifest> {
        // A panic while holding the lock cannot leave a half-applied manifest (changes apply to a
        // copy), so a poisoned lock still guards a consistent value.
        self.manifest.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Corrupted { file: manifest::MANIFEST_FILE.into(), reason: e.to_string() }
    }
}
