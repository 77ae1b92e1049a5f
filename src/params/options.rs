//! How a database is opened: durability of writes, sealing, threads and compaction triggers.

use std::time::Duration;

use crate::error::{Error, Result};

/// Options of an open database.
#[derive(Debug, Clone)]
pub struct Options {
    /// When WAL records are fsynced. Default: [`SyncPolicy::EveryWrite`].
    pub sync: SyncPolicy,
    /// Growing segments of a collection are sealed once they hold this many bytes. Default 64 MiB.
    pub seal_threshold_bytes: usize,
    /// Worker threads for searches and index builds. Default: the available cores.
    pub worker_threads: usize,
    /// A segment with at least this share of rows deleted is compacted at the next flush.
    /// Default 0.2.
    pub compaction_deleted_ratio: f64,
    /// This many small segments in one partition trigger a compaction at the next flush. Default 8.
    pub compaction_small_segments: usize,
    /// Whether opening a directory that holds no database creates one there. Default true;
    /// false makes such an open fail (for tools that must only open existing databases).
    pub create_if_missing: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sync: SyncPolicy::EveryWrite,
            seal_threshold_bytes: 64 << 20,
            worker_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            compaction_deleted_ratio: 0.2,
            compaction_small_segments: 8,
            create_if_missing: true,
        }
    }
}

impl Options {
    /// Checks what [`Database::open`](crate::Database::open) needs of the options.
    pub(crate) fn check(&self) -> Result<()> {
        if self.seal_threshold_bytes == 0 || self.worker_threads == 0 {
            return Err(Error::InvalidArgument(
                "seal_threshold_bytes and worker_threads must be positive".into(),
            ));
        }
        Ok(())
    }
}

/// When appended records are fsynced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPolicy {
    /// Fsync before every write is acknowledged (the default): nothing acknowledged is lost.
    EveryWrite,
    /// Fsync when at least this long has passed since the last fsync; a crash may lose the
    /// writes of the last interval, never leaves a partial batch.
    Interval(Duration),
    /// Never fsync the log explicitly (the OS writes it back); flushes still fsync segments.
    None,
}
