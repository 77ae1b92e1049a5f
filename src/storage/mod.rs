//! Files on disk: durable writes, the directory lock, read-only mappings and the write-ahead log.
//!
//! Invariants: a file that other files or the manifest refer to is complete and fsynced before the
//! reference is written; a mapped file is never modified or truncated while mapped.

#[allow(unsafe_code)]
pub mod fs;
pub mod lock;
#[allow(unsafe_code)]
pub mod mmap;
pub mod wal;
