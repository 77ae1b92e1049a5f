//! A collection's WAL generations as opening finds them: the logs to replay, and whether what
//! is wrong with them is what a crash leaves (handled) or damage (refused, nothing changed).
//!
//! A generation is created, with its header fsynced, before the manifest or a later generation
//! refers to it, so every generation from the manifest's oldest unsealed one up to the newest
//! exists with a header; only the newest, when newer than the manifest's, may have been cut short
//! while being created. Under a policy that fsyncs, a seal fsyncs the old generation before it
//! starts the next one, so only the newest generation can end with a torn tail and each header's
//! chain matches the previous generation's last record. Under [`SyncPolicy::None`] an older
//! generation may also lose its tail in a crash: its last whole record then differs from the next
//! header's chain, and the generations from that header on are not replayed.

use std::path::{Path, PathBuf};

use super::files::{wal_generations, wal_path};
use crate::catalog::CollectionMeta;
use crate::error::{Error, Result};
use crate::params::SyncPolicy;
use crate::storage::wal::{self, LogEnd, LogScan};

/// One WAL generation, read.
#[derive(Debug)]
pub(super) struct Log {
    pub generation: u64,
    pub path: PathBuf,
    pub scan: LogScan,
}

/// The WAL generations of a collection, checked.
#[derive(Debug)]
pub(super) struct LogChain {
    /// The generations to replay, oldest first; the last one takes new appends. Never empty.
    pub logs: Vec<Log>,
    /// Generations after a lost tail under [`SyncPolicy::None`]: never replayed.
    pub orphans: Vec<PathBuf>,
}

impl LogChain {
    /// Reads the WAL generations of collection `meta` in `dir` (changing nothing), written under
    /// policy `sync`.
    ///
    /// # Errors
    /// [`Error::Corrupted`] naming the file (and byte offset) for a missing generation, a
    /// damaged record, a header cut short in a generation that held records, and, under a policy
    /// that fsyncs, a torn tail in a generation that is not the newest or a broken chain;
    /// [`Error::UnsupportedFormat`]; [`Error::Io`].
    pub fn read(dir: &Path, meta: &CollectionMeta, sync: SyncPolicy) -> Result<LogChain> {
        let generations = wal_generations(dir, meta.wal_generation)?;
        check_complete(dir, meta.wal_generation, &generations)?;
        let mut chain = LogChain { logs: Vec::new(), orphans: Vec::new() };
        for (i, &generation) in generations.iter().enumerate() {
            let path = wal_path(dir, generation);
            let scan = wal::scan(&path)?;
            if let Some(damage) = scan.damage(&path) {
                return Err(damage);
            }
            let newest = i + 1 == generations.len();
            if scan.end == LogEnd::NoHeader && !(newest && generation > meta.wal_generation) {
                return Err(Error::corrupted_at(
                    &path,
                    scan.file_len,
                    format!(
                        "the file ends inside its {}-byte header, but the log was complete before {} referred to it",
                        wal::HEADER_LEN,
                        if newest { "the manifest" } else { "a later log" }
                    ),
                ));
            }
            let log = Log { generation, path, scan };
            if let Some(previous) = chain.logs.last()
                && !continues(previous, &log, sync)?
            {
                chain.orphans = generations[i..].iter().map(|&g| wal_path(dir, g)).collect();
                break;
            }
            chain.logs.push(log);
        }
        Ok(chain)
    }

    /// Frees the payloads of the records once they are replayed.
    pub fn drop_payloads(&mut self) {
        self.logs.iter_mut().for_each(|log| log.scan.records = Vec::new());
    }

    /// The CRC32C that a header of a generation started after the last replayed log records.
    pub fn last_crc(&self) -> u32 {
        self.logs.iter().rev().find(|l| l.scan.end != LogEnd::NoHeader).map_or(0, |l| l.scan.last_crc)
    }
}

/// Checks that generation `oldest` and every one after it up to the newest exist.
fn check_complete(dir: &Path, oldest: u64, generations: &[u64]) -> Result<()> {
    if generations.first() != Some(&oldest) {
        return Err(Error::corrupted(
            wal_path(dir, oldest),
            "missing: the manifest names it as the oldest log whose records are not in sealed segments",
        ));
    }
    match generations.windows(2).find(|w| w[1] != w[0] + 1) {
        Some(w) => Err(Error::corrupted(
            wal_path(dir, w[0] + 1),
            format!("missing between wal-{}.log and wal-{}.log", w[0], w[1]),
        )),
        None => Ok(()),
    }
}

/// Whether `next` continues `previous`; false when `previous` lost its tail in a crash under
/// [`SyncPolicy::None`] (then `next` and later are not replayed).
///
/// # Errors
/// [`Error::Corrupted`] when the link is broken under a policy that fsyncs.
fn continues(previous: &Log, next: &Log, sync: SyncPolicy) -> Result<bool> {
    let torn = match previous.scan.end {
        LogEnd::Torn { at } => Some(at),
        _ => None,
    };
    let expected = previous.scan.last_crc;
    let broken = next.scan.end != LogEnd::NoHeader && next.scan.chain != 0 && next.scan.chain != expected;
    if sync == SyncPolicy::None {
        return Ok(!broken);
    }
    let started = format!("wal-{}.log", next.generation);
    if let Some(at) = torn {
        return Err(Error::corrupted_at(
            &previous.path,
            at,
            format!("incomplete record in a log that was complete and fsynced before {started} was started"),
        ));
    }
    if broken {
        return Err(Error::corrupted_at(
            &next.path,
            wal::CHAIN_OFFSET,
            format!(
                "the header chains to a record with checksum {:#010x}, but wal-{}.log ends with {:#010x} \
                 at byte {}: records are missing from it, and it was fsynced before this log was started",
                next.scan.chain,
                previous.generation,
                expected,
                previous.scan.valid_len()
            ),
        ));
    }
    Ok(true)
}
