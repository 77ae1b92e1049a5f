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
    /// Maps `path` read-only.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened or mapped.
    pub fn open(path: &Path) -> Result<MappedFile> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the file is a sealed segment, immutable for as long as the mapping lives (see
        // the module contract); the mapping is read-only.
        let map = unsafe { MmapOptions::new().map(&file) }.map_err(|e| Error::io(path, e))?;
        Ok(MappedFile { map })
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }
}
