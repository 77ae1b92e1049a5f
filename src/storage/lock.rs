//! The single-process directory lock: held for the whole life of an open database.
//!
//! Two layers: an exclusive OS file lock on `LOCK` keeps other processes out, and a
//! process-wide registry of the canonical paths this process holds tells a second open in the
//! same process apart from one in another process, so each gets its own message.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result};

/// Name of the lock file inside a database directory.
pub const LOCK_FILE: &str = "LOCK";

/// Canonical paths of the directories this process holds a [`DirLock`] on.
static HELD: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The registry, locked. Acquiring and releasing both happen under this guard, so the
/// registry and the OS locks always agree for threads of this process.
fn held() -> MutexGuard<'static, Vec<PathBuf>> {
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An exclusive advisory lock on a database directory, released on drop.
#[derive(Debug)]
pub struct DirLock {
    /// The directory's canonical path (its key in the registry).
    canonical: PathBuf,
    /// The locked `LOCK` file; `None` only while dropping.
    file: Option<File>,
}

impl DirLock {
    /// Takes the lock on `dir`, which must exist.
    ///
    /// # Errors
    /// [`Error::Locked`] when this process already holds it ("already open in this process")
    /// or another process does ("locked by another process"); [`Error::Io`] when the directory
    /// cannot be resolved or the lock file cannot be opened.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let canonical = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
        let mut held = held();
        if held.contains(&canonical) {
            return Err(Error::Locked(format!(
                "database {} is already open in this process (locked by another handle: close it first, or share it)",
                dir.display()
            )));
        }
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Locked(format!(
                    "database {} is locked by another process",
                    dir.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        held.push(canonical.clone());
        Ok(DirLock { canonical, file: Some(file) })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let mut held = held();
        held.retain(|p| p != &self.canonical);
        // Closing the file releases the OS lock; done under the registry guard so that a
        // concurrent acquire in this process never sees the OS lock without the entry.
        drop(self.file.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locked_message(dir: &Path) -> String {
        match DirLock::acquire(dir) {
            Err(e @ Error::Locked(_)) => e.to_string(),
            other => panic!("expected Locked, got {other:?}"),
        }
    }

    #[test]
    fn a_second_lock_in_this_process_says_so_and_release_frees_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let lock = DirLock::acquire(dir.path()).unwrap();
        let msg = locked_message(dir.path());
        assert!(msg.contains("already open in this process"), "{msg}");
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        // Another spelling of the same directory is the same directory.
        let msg = locked_message(&dir.path().join("."));
        assert!(msg.contains("already open in this process"), "{msg}");
        drop(lock);
        let again = DirLock::acquire(dir.path()).unwrap();
        drop(again);
    }

    #[test]
    fn a_lock_held_through_another_open_file_is_another_process() {
        // An OS lock on LOCK taken outside the registry stands for another process.
        let dir = tempfile::tempdir().unwrap();
        let other = File::create(dir.path().join(LOCK_FILE)).unwrap();
        other.try_lock().unwrap();
        let msg = locked_message(dir.path());
        assert!(msg.contains("locked by another process"), "{msg}");
        drop(other);
        drop(DirLock::acquire(dir.path()).unwrap());
    }
}
