//! Vector search algorithms: exact top-k over contiguous vector blocks (or a segment's index) for
//! a batch of queries, split into tasks run on worker threads and merged deterministically.
//! Planning which segments and ranges to search is the collection's ([`crate::collection`]).
//!
//! Semantics: `L2` is the squared distance, ascending; `IP` and `COSINE` are similarities,
//! descending (cosine uses the norms stored at insert time). Equal scores order by smaller
//! primary key. A query with fewer matching rows than `topk` returns fewer hits.

mod scan;
pub(crate) mod scan_packed;
pub(crate) mod scan_sparse;
pub mod topk;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::context::Context;
use crate::error::Result;
pub(crate) use scan::{Queries, Task, is_sparse};
use topk::TopK;

/// Runs the tasks on up to `workers` threads and merges their selections: one [`TopK`] per query.
///
/// # Errors
/// A cancelled or expired `ctx`; [`crate::Error::Corrupted`] for damaged segment data.
pub(crate) fn run(
    ctx: &Context,
    queries: &Queries<'_>,
    tasks: &[Task<'_>],
    workers: usize,
) -> Result<Vec<TopK>> {
    let new_tops = || (0..queries.nq).map(|_| queries.selection()).collect::<Vec<_>>();
    let worker = |next: &AtomicUsize| -> Result<Vec<TopK>> {
        let mut tops = new_tops();
        let mut buf = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(task) = tasks.get(i) else { return Ok(tops) };
            ctx.check()?;
            scan::scan(queries, task, &mut tops, &mut buf)?;
        }
    };
    let next = AtomicUsize::new(0);
    let workers = workers.min(tasks.len()).max(1);
    if workers == 1 {
        return worker(&next);
    }
    let partials: Vec<Result<Vec<TopK>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(|| worker(&next))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut merged = new_tops();
    for partial in partials {
        for (m, p) in merged.iter_mut().zip(partial?) {
            m.merge(p);
        }
    }
    Ok(merged)
}
