//! The catalog: which collections, partitions, segments and indexes exist, persisted as one
//! manifest file that is replaced atomically on every change.

pub mod manifest;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};
pub use manifest::{CollectionMeta, IndexMeta, Manifest, PartitionMeta, SegmentMeta};

/// The manifest of an open database, and the lock that serializes its changes.
#[derive(Debug)]
pub struct Catalog {
    path: PathBuf,
    manifest: Mutex<Manifest>,
}

impl Catalog {
    /// Loads the manifest in `dir`, or starts an empty one if the directory has none.
    ///
    /// # Errors
    /// As [`Manifest::read`].
    pub fn open(dir: &Path) -> Result<Catalog> {
        let path = dir.join(manifest::MANIFEST_FILE);
        let manifest = if path.exists() { Manifest::read(&path)? } else { Manifest::default() };
        Ok(Catalog { path, manifest: Mutex::new(manifest) })
    }

    /// A copy of the current manifest.
    pub fn snapshot(&self) -> Manifest {
        self.lock().clone()
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
