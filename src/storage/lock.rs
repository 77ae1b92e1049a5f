//! The single-process directory lock: held for the whole life of an open database.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::error::{Error, Result};

/// Name of the lock file inside a database directory.
pub const LOCK_FILE: &str = "LOCK";

/// An exclusive advisory lock on a database directory, released on drop.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the lock on `dir`.
    ///
    /// # Errors
    /// [`Error::Locked`] when another process (or another open handle in this process) holds it;
    /// [`Error::Io`] when the lock file cannot be opened.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(DirLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::Locked(dir.display().to_string())),
            Err(TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }
}
