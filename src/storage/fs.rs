//! Durable file operations: write-once files via temp file → fsync → rename → fsync directory.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically and durably: readers see the old file or the whole new one.
///
/// # Errors
/// [`Error::Io`] naming the file that failed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    file.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
    file.sync_all().map_err(|e| Error::io(&tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
    sync_parent(path)
}

/// Fsyncs the directory holding `path`, making a rename or create in it durable.
///
/// # Errors
/// [`Error::Io`] for the directory.
pub fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) => sync_dir(dir),
        None => Ok(()),
    }
}

/// Fsyncs directory `dir`.
///
/// # Errors
/// [`Error::Io`] for the directory.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let d = OpenOptions::new().read(true).open(dir).map_err(|e| Error::io(dir, e))?;
    d.sync_all().map_err(|e| Error::io(dir, e))
}

/// Creates `dir` and its parents if missing.
///
/// # Errors
/// [`Error::Io`] for the directory.
pub fn create_dir_all(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// Removes a file, ignoring a file that is already gone.
///
/// # Errors
/// [`Error::Io`] for any other failure.
pub fn remove_file_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}
