//! Hybrid timestamps: `unix_ms << 18 | logical`, strictly increasing across every call in the
//! process and, once a database has observed its persisted maximum, across reopen.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Bits of the logical counter.
pub const LOGICAL_BITS: u32 = 18;

static LAST: AtomicU64 = AtomicU64::new(0);

fn physical_now() -> u64 {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    ms << LOGICAL_BITS
}

/// Reserves `n` (≥ 1) consecutive timestamps and returns the first; all are greater than any
/// timestamp returned or observed before.
pub fn reserve(n: u64) -> u64 {
    let n = n.max(1);
    let mut first = 0;
    // fetch_update only fails if the closure returns None, which it never does.
    let _ = LAST.fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
        first = (last + 1).max(physical_now());
        Some(first + n - 1)
    });
    first
}

/// A new timestamp, greater than every earlier one.
pub fn next() -> u64 {
    reserve(1)
}

/// Records that `ts` was issued (e.g. found on disk), so later timestamps exceed it.
pub fn observe(ts: u64) {
    LAST.fetch_max(ts, Ordering::AcqRel);
}

/// The physical (milliseconds since the Unix epoch) part of `ts`.
pub fn physical_ms(ts: u64) -> u64 {
    ts >> LOGICAL_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_increase_and_respect_observed_values() {
        let a = next();
        let b = next();
        assert!(b > a);
        let block = reserve(1000);
        assert!(block > b);
        assert!(next() >= block + 1000);
        let ahead = next() + (5_000 << LOGICAL_BITS);
        observe(ahead);
        assert!(next() > ahead);
        assert!(physical_ms(a) > 1_700_000_000_000);
    }
}
