//! The only place veclite maps files into memory.
//!
//! Safety contract: veclite maps only sealed segment and index files, which are written once
//! (complete and fsynced before they are referenced) and never modified or truncated. A file that
//! compaction or a drop removes may still be mapped by a reader or an index build; unlinking
//! leaves those mappings valid until they are dropped. A process that modifies the database
//! directory from outside breaks this contract; the result is undefined (typically SIGBUS).

use std::fs::File;
use std::path::Path;

use memmap2::{Mmap, MmapOptions};

use crate::error::{Error, Result};

/// A read-only mapping of a whole file.
#[derive(Debug)]
pub struct MappedFile {
    map: Mmap,
}

impl MappedFile {
    /// Maps `path` read-only. The file must exist (veclite maps only files its manifest names)
    /// and hold at least `min_len` bytes, checked on the open file before it is mapped; the
    /// mapping covers the file's length at that moment, so a file cut short before it is opened
    /// maps at its new length and every read stays inside the mapping.
    ///
    /// # Errors
    /// [`Error::Corrupted`] when the file is missing or shorter than `min_len`; [`Error::Io`]
    /// when it cannot be opened or mapped.
    pub fn open(path: &Path, min_len: usize) -> Result<MappedFile> {
        let file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::corrupted(path, "the file is missing"),
            _ => Error::io(path, e),
        })?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if len < min_len as u64 {
            return Err(Error::corrupted(
                path,
                format!("file of {len} bytes is too short (at least {min_len} expected)"),
            ));
        }
        // SAFETY: the file is a sealed segment or index file, immutable for as long as the
        // mapping lives (see the module contract); the mapping is read-only.
        let map = unsafe { MmapOptions::new().map(&file) }.map_err(|e| Error::io(path, e))?;
        Ok(MappedFile { map })
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }
}

/// Size of a transparent huge page on the platforms veclite advises.
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the whole 2 MiB pages inside `buf` with transparent huge pages (a
/// hint with no effect on contents; ignored where unsupported). Worth it for large buffers that
/// are about to be filled: one page fault per 2 MiB instead of per 4 KiB.
pub fn advise_huge_pages<T>(buf: &[T]) {
    #[cfg(target_os = "linux")]
    {
        let start = buf.as_ptr() as usize;
        let first = start.next_multiple_of(HUGE_PAGE);
        let end = (start + std::mem::size_of_val(buf)) / HUGE_PAGE * HUGE_PAGE;
        if end > first {
            // SAFETY: the range lies inside `buf`'s allocation, and MADV_HUGEPAGE only changes
            // how the kernel backs those pages, never their contents or validity.
            unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}

/// Faults in, on a short-lived background thread, the pages of the `len` bytes at address
/// `start` of this process's memory, as for writing, so the thread that fills them later does not
/// stop for page faults (Linux ≥ 5.14; elsewhere nothing). A hint with no effect on contents:
/// populating never changes a byte, and a range that has been freed meanwhile makes the call
/// fail harmlessly.
pub fn populate_in_background(start: usize, len: usize) {
    #[cfg(target_os = "linux")]
    std::thread::spawn(move || populate(start, len));
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

/// Faults in the pages of the `len` bytes at address `start` as for writing (see
/// [`populate_in_background`]).
#[cfg(target_os = "linux")]
fn populate(start: usize, len: usize) -> std::io::Result<()> {
    // madvise takes page-aligned ranges; the page holding `start` is part of the same mapping.
    // SAFETY: sysconf only reads a system constant.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
    let page = start & !(page_size - 1);
    // SAFETY: MADV_POPULATE_WRITE only faults pages in (as a write would, without writing); it
    // never changes memory contents or mappings, and fails with an error code for addresses
    // that are not mapped.
    let rc =
        unsafe { libc::madvise(page as *mut libc::c_void, len + (start - page), libc::MADV_POPULATE_WRITE) };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_short_files_are_corrupted_before_mapping() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s1.seg");
        let missing = MappedFile::open(&path, 0).unwrap_err();
        assert!(
            matches!(&missing, Error::Corrupted { reason, .. } if reason.contains("missing")),
            "{missing}"
        );
        std::fs::write(&path, [7u8; 10]).unwrap();
        let short = MappedFile::open(&path, 11).unwrap_err();
        assert!(matches!(&short, Error::Corrupted { reason, .. } if reason.contains("10 bytes")), "{short}");
        assert_eq!(MappedFile::open(&path, 10).unwrap().bytes(), &[7u8; 10]);
        std::fs::write(&path, []).unwrap();
        assert!(MappedFile::open(&path, 0).unwrap().bytes().is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn populating_an_unaligned_range_of_a_buffer_succeeds_and_keeps_its_contents() {
        let mut buf = vec![7u8; 3 << 20];
        let start = buf.as_ptr() as usize + 12_345;
        super::populate(start, 1 << 20).unwrap();
        buf[2 << 20] = 9;
        assert!(buf[..2 << 20].iter().all(|&b| b == 7));
        assert_eq!(buf[2 << 20], 9);
    }
}
