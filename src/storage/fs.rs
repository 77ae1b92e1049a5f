//! Durable file operations: write-once files via temp file → fsync → rename → fsync directory,
//! and control of when written bytes go to the disk (paced writes, early writeback, gradual
//! removal) so background file work does not stall a foreground fsync.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically and durably: readers see the old file or the whole new one.
/// The bytes go to `path` with extension `tmp` first; a failed write removes that file.
///
/// # Errors
/// [`Error::Io`] naming the file that failed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = TempPath::new(path.with_extension("tmp"));
    let mut file = File::create(tmp.path()).map_err(|e| Error::io(tmp.path(), e))?;
    failpoint::check(bytes.len())
        .and_then(|()| file.write_all(bytes))
        .map_err(|e| Error::io(tmp.path(), e))?;
    fsync(&file, tmp.path(), false)?;
    drop(file);
    tmp.rename_to(path)
}

/// An fsync taking at least this long is logged as a warning: the device is overloaded or
/// failing, and every durable write waits for it.
pub const SLOW_FSYNC: std::time::Duration = std::time::Duration::from_secs(1);

/// Fsyncs `file` (its data only when `data_only`, else its data and metadata), which is `path`;
/// an fsync slower than [`SLOW_FSYNC`] is logged as a warning.
///
/// # Errors
/// [`Error::Io`] naming `path`.
pub fn fsync(file: &File, path: &Path, data_only: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let synced = if data_only { file.sync_data() } else { file.sync_all() };
    let elapsed = started.elapsed();
    if elapsed >= SLOW_FSYNC {
        log::warn!("slow fsync: {} took {} ms", path.display(), elapsed.as_millis());
    }
    synced.map_err(|e| Error::io(path, e))
}

/// The path of a file being written under a temporary name. Dropped before
/// [`TempPath::rename_to`] moved the file into place (the write failed or was abandoned), it
/// removes the file, so a failed write leaves nothing behind.
#[derive(Debug)]
pub struct TempPath {
    path: PathBuf,
    armed: bool,
}

impl TempPath {
    /// Takes charge of `path` (the file need not exist yet).
    pub fn new(path: PathBuf) -> TempPath {
        TempPath { path, armed: true }
    }

    /// The temporary path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the (complete, fsynced) file to `target` and fsyncs the directory.
    ///
    /// # Errors
    /// [`Error::Io`]; the temporary file is then removed.
    pub fn rename_to(mut self, target: &Path) -> Result<()> {
        fs::rename(&self.path, target).map_err(|e| Error::io(target, e))?;
        self.armed = false;
        sync_parent(target)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if self.armed {
            // Best effort: a file that cannot be removed now is a veclite temporary file, which
            // the next open removes.
            if let Err(e) = fs::remove_file(&self.path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                log::debug!(
                    "could not remove temporary file {} (the next open removes it): {e}",
                    self.path.display()
                );
            }
        }
    }
}

/// Injected write failures for tests: [`failpoint::fail_writes_after`] makes writes of durable
/// files ([`write_atomic`], [`PacedFile`]) on the calling thread fail with `ENOSPC` once a number
/// of bytes has been written. Outside tests [`failpoint::check`] does nothing.
pub(crate) mod failpoint {
    #[cfg(test)]
    thread_local! {
        static BUDGET: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
    }

    /// Fails writes on this thread after `bytes` more bytes, until the guard is dropped.
    #[cfg(test)]
    pub fn fail_writes_after(bytes: u64) -> impl Drop {
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                BUDGET.with(|b| b.set(None));
            }
        }
        BUDGET.with(|b| b.set(Some(bytes)));
        Reset
    }

    /// Accounts for a write of `len` bytes; `ENOSPC` when an injected budget is exhausted.
    #[cfg(test)]
    pub fn check(len: usize) -> std::io::Result<()> {
        BUDGET.with(|b| match b.get() {
            Some(left) if left < len as u64 => Err(std::io::Error::from_raw_os_error(libc::ENOSPC)),
            Some(left) => {
                b.set(Some(left - len as u64));
                Ok(())
            }
            None => Ok(()),
        })
    }

    /// Accounts for a write of `len` bytes (nothing outside tests).
    #[cfg(not(test))]
    #[inline(always)]
    pub fn check(_len: usize) -> std::io::Result<()> {
        Ok(())
    }
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
    fsync(&d, dir, false)
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

/// Bytes [`remove_file_gradually`] frees per step.
const REMOVE_STEP: u64 = 2 << 20;

/// Removes a file, ignoring one that is already gone, by first truncating it in steps of
/// [`REMOVE_STEP`]: freeing a large file's blocks at once stalls every fsync on the file system
/// meanwhile (a WAL commit) for milliseconds (15–20 ms for 64 MB on ext4). For background
/// threads.
///
/// # Errors
/// [`Error::Io`] for any failure but a missing file.
pub fn remove_file_gradually(path: &Path) -> Result<()> {
    let file = match OpenOptions::new().write(true).open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other.map_err(|e| Error::io(path, e))?,
    };
    let mut len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    while len > REMOVE_STEP {
        len -= REMOVE_STEP;
        file.set_len(len).map_err(|e| Error::io(path, e))?;
    }
    drop(file);
    remove_file_if_exists(path)
}

/// Starts writeback of the `len` bytes at `offset` of `file` to the disk and, with `wait`, waits
/// for it (Linux `sync_file_range`; elsewhere nothing). Not a durability point: the file's
/// metadata and the device cache still need an fsync. A file that does not support it is
/// written back by that fsync instead.
///
/// # Errors
/// An I/O error of the writeback (which an fsync of the same descriptor may then not report
/// again, so it must not be ignored).
pub fn write_back(file: &File, offset: u64, len: u64, wait: bool) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let flags = if wait {
            libc::SYNC_FILE_RANGE_WAIT_BEFORE | libc::SYNC_FILE_RANGE_WRITE | libc::SYNC_FILE_RANGE_WAIT_AFTER
        } else {
            libc::SYNC_FILE_RANGE_WRITE
        };
        let (offset, len) = (offset as libc::off64_t, len as libc::off64_t);
        // SAFETY: sync_file_range only starts (and waits for) writeback of a range of an open
        // file descriptor; it reads no memory of this process.
        if unsafe { libc::sync_file_range(file.as_raw_fd(), offset, len, flags) } != 0 {
            let e = std::io::Error::last_os_error();
            let unsupported = [libc::EINVAL, libc::ENOSYS, libc::ESPIPE, libc::EOPNOTSUPP];
            if !e.raw_os_error().is_some_and(|code| unsupported.contains(&code)) {
                return Err(e);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len, wait);
    Ok(())
}

/// Bytes a [`PacedFile`] lets reach the disk per step.
const PACE_STEP: u64 = 128 << 10;

/// A file being written whose bytes, when paced, go to the disk in steps of [`PACE_STEP`]: the
/// writeback of each step is started as soon as it is written and waited for once the next one
/// is (Linux; elsewhere and unpaced a plain file). A large background write then never holds
/// more than two steps in the device queue, so a foreground fsync (a WAL commit) waits for at
/// most that much instead of the whole file, while the disk always has the next step to write.
/// Durability still needs a final `sync_all`, which then has little left to do.
pub struct PacedFile {
    file: File,
    paced: bool,
    /// Bytes written so far.
    written: u64,
    /// Bytes whose writeback has been started.
    started: u64,
    /// Bytes whose writeback has been waited for.
    settled: u64,
}

impl PacedFile {
    /// Wraps `file`, positioned at its start; `paced` turns the stepping on.
    pub fn new(file: File, paced: bool) -> PacedFile {
        PacedFile { file, paced, written: 0, started: 0, settled: 0 }
    }

    /// The file, for the final fsync.
    pub fn into_inner(self) -> File {
        self.file
    }

    /// Starts the writeback of the step just written, then waits for the one before it.
    fn settle(&mut self) -> std::io::Result<()> {
        write_back(&self.file, self.started, self.written - self.started, false)?;
        if self.started > self.settled {
            write_back(&self.file, self.settled, self.started - self.settled, true)?;
        }
        self.settled = self.started;
        self.started = self.written;
        Ok(())
    }
}

impl Write for PacedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        failpoint::check(buf.len())?;
        if !self.paced {
            return self.file.write(buf);
        }
        let room = (self.started + PACE_STEP - self.written) as usize;
        let n = self.file.write(&buf[..buf.len().min(room)])?;
        self.written += n as u64;
        if self.written - self.started >= PACE_STEP {
            self.settle()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradual_removal_removes_large_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![1u8; (REMOVE_STEP * 2 + 10) as usize]).unwrap();
        remove_file_gradually(&path).unwrap();
        assert!(!path.exists());
        remove_file_gradually(&path).unwrap();
    }

    #[test]
    fn writeback_hints_on_a_file_that_cannot_take_them_are_ignored() {
        let (_reader, writer) = std::io::pipe().unwrap();
        let pipe = File::from(std::os::fd::OwnedFd::from(writer));
        write_back(&pipe, 0, 4096, false).unwrap();
        write_back(&pipe, 0, 4096, true).unwrap();
    }

    #[test]
    fn paced_file_writes_every_byte_in_order_and_settles_each_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paced");
        let data: Vec<u8> = (0..(PACE_STEP * 3 + 777) as usize).map(|i| (i % 251) as u8).collect();
        let mut out = PacedFile::new(File::create(&path).unwrap(), true);
        for piece in data.chunks(300_001) {
            out.write_all(piece).unwrap();
        }
        assert_eq!(out.started, PACE_STEP * 3, "each whole step was sent to the disk");
        assert_eq!(out.settled, PACE_STEP * 2, "all but the last step were waited for");
        out.into_inner().sync_all().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }
}
