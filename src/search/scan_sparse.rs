//! Search of sparse float vectors by inner product into per-query top-k selections: exact
//! (brute-force) scans of row ranges, or a sealed segment's sparse index.
//!
//! A row is a candidate for a query when the two share at least one index (what an inverted
//! index over the rows finds); its cost is the negated inner product (lower is better, as
//! everywhere in search). Each query is scattered once per task into a dense table indexed by
//! entry index, so scoring a row is one table read per row entry; queries whose largest index is
//! beyond [`DENSE_TABLE_MAX`] are merged with each row's sorted indices instead.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::scan::{Wanted, group_at, key_at};
use super::topk::{Hit, TopK};
use crate::bitset::Bitset;
use crate::column::ColumnRef;
use crate::context::Context;
use crate::error::Result;
use crate::index::file::SegmentIndex;
use crate::params::{CostRange, SearchParams, SparseRows};

/// Largest entry index a query may have to be scored through a dense table (a table of this
/// many f32 is 4 MiB); larger indices use the merge.
pub const DENSE_TABLE_MAX: u32 = (1 << 20) - 1;

/// The queries of one sparse search, canonical (entries sorted by index, checked by the caller).
#[derive(Debug)]
pub struct SparseQueries<'q> {
    pub rows: SparseRows<'q>,
    /// Candidates kept per query: offset + topk.
    pub k: usize,
    /// For a range search, the costs kept.
    pub range: Option<CostRange>,
    /// For a group-by search, the hits kept per group.
    pub group_size: Option<usize>,
    /// The search's parameters (an index search reads `drop_ratio_search`).
    pub params: SearchParams,
}

impl SparseQueries<'_> {
    /// Number of queries.
    pub fn nq(&self) -> usize {
        self.rows.len()
    }

    /// An empty selection for one query.
    pub fn selection(&self) -> TopK {
        match self.group_size {
            Some(size) => TopK::grouped(self.k, size, self.range),
            None => TopK::new(self.k, self.range),
        }
    }
}

/// One range of rows of one segment to search for every query.
#[derive(Debug)]
pub struct SparseTask<'s> {
    pub segment: u64,
    /// The segment's rows of the searched field.
    pub rows: SparseRows<'s>,
    pub keys: ColumnRef<'s>,
    /// Rows that may be returned; `None` when every row of the segment may.
    pub allowed: Option<&'s Bitset>,
    pub start: usize,
    pub end: usize,
    /// For a group-by search, the segment's group-by column and its validity (1 = not null).
    pub group: Option<(ColumnRef<'s>, Option<&'s [u8]>)>,
    /// The segment's sparse index: when set, the task searches it for every query (instead of
    /// scanning rows `start..end`).
    pub index: Option<&'s SegmentIndex>,
}

/// A query scattered into a dense table: `table[i]` is the query's value at index `i`, `+0.0`
/// where the query has no entry, `-0.0` for an entry whose value is zero (so a shared index
/// always reads as a non-zero bit pattern, and adds nothing).
struct DenseQuery {
    table: Vec<f32>,
}

impl DenseQuery {
    fn fill(&mut self, indices: &[u32], values: &[f32]) {
        let len = indices.last().map_or(0, |&i| i as usize + 1);
        if self.table.len() < len {
            self.table.resize(len, 0.0);
        }
        for (&i, &v) in indices.iter().zip(values) {
            self.table[i as usize] = if v == 0.0 { -0.0 } else { v };
        }
    }

    fn clear(&mut self, indices: &[u32]) {
        for &i in indices {
            self.table[i as usize] = 0.0;
        }
    }

    /// Inner product with a row, and whether they share an index.
    #[inline]
    fn score(&self, indices: &[u32], values: &[f32]) -> (f32, bool) {
        let (mut sum, mut shared) = (0.0f32, false);
        for (&i, &v) in indices.iter().zip(values) {
            if let Some(&w) = self.table.get(i as usize) {
                shared |= w.to_bits() != 0;
                sum += w * v;
            }
        }
        (sum, shared)
    }
}

/// Inner product of two rows with sorted indices, by a merge, and whether they share an index.
fn merge_score(a: (&[u32], &[f32]), b: (&[u32], &[f32])) -> (f32, bool) {
    let ((ai, av), (bi, bv)) = (a, b);
    let (mut i, mut j, mut sum, mut shared) = (0, 0, 0.0f32, false);
    while i < ai.len() && j < bi.len() {
        match ai[i].cmp(&bi[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += av[i] * bv[j];
                shared = true;
                i += 1;
                j += 1;
            }
        }
    }
    (sum, shared)
}

impl SparseTask<'_> {
    /// The hit for `row` at `cost`, with its key and (in a group-by search) its group.
    fn hit(&self, row: usize, cost: f32) -> Hit {
        let group = self.group.map(|(column, validity)| group_at(column, validity, row));
        Hit { cost, key: key_at(self.keys, row), segment: self.segment, row, group }
    }

    /// Searches `index` for every query into `tops`. The index returns rows with exact scores;
    /// a range or group-by search asks it for more candidates until the range is covered, the
    /// index runs out, or `k` are found.
    ///
    /// # Errors
    /// [`crate::Error::Corrupted`] when the index file fails its checks.
    fn search_index(
        &self,
        queries: &SparseQueries<'_>,
        index: &SegmentIndex,
        tops: &mut [TopK],
    ) -> Result<()> {
        let wanted = Wanted {
            k: queries.k,
            range: queries.range,
            grouped: queries.group_size.is_some(),
            rows: self.end,
        };
        for (q, top) in tops.iter_mut().enumerate() {
            let (qi, qv) = queries.rows.row(q);
            let mut k = queries.k;
            let candidates = loop {
                let candidates = index.search_sparse(self.rows, qi, qv, k, &queries.params, self.allowed)?;
                if !wanted.more(&candidates, k, queries.selection(), |r, c| self.hit(r, c)) {
                    break candidates;
                }
                k = (k * 2).min(self.end);
            };
            for (row, cost) in candidates {
                top.push(self.hit(row as usize, cost));
            }
        }
        Ok(())
    }

    /// Scores rows `start..end` against every query exactly, into `tops` (one per query).
    fn scan(&self, queries: &SparseQueries<'_>, tops: &mut [TopK], dense: &mut DenseQuery) {
        for (q, top) in tops.iter_mut().enumerate() {
            let (qi, qv) = queries.rows.row(q);
            if qi.is_empty() {
                continue;
            }
            let use_table = qi.last().is_some_and(|&i| i <= DENSE_TABLE_MAX);
            if use_table {
                dense.fill(qi, qv);
            }
            for row in self.start..self.end {
                if self.allowed.is_some_and(|a| !a.get(row)) {
                    continue;
                }
                let (ri, rv) = self.rows.row(row);
                let (ip, shared) =
                    if use_table { dense.score(ri, rv) } else { merge_score((qi, qv), (ri, rv)) };
                let cost = -ip;
                if shared && cost <= top.threshold() {
                    top.push(self.hit(row, cost));
                }
            }
            if use_table {
                dense.clear(qi);
            }
        }
    }
}

/// Searches one task for every query into `tops`: through the segment's index when the task has
/// one, else by the exact scan of its rows.
///
/// # Errors
/// [`crate::Error::Corrupted`] when an index file fails its checks.
fn search_task(
    queries: &SparseQueries<'_>,
    task: &SparseTask<'_>,
    tops: &mut [TopK],
    dense: &mut DenseQuery,
) -> Result<()> {
    match task.index {
        Some(index) => task.search_index(queries, index, tops),
        None => {
            task.scan(queries, tops, dense);
            Ok(())
        }
    }
}

/// Runs the tasks on up to `workers` threads and merges their selections: one [`TopK`] per
/// query.
///
/// # Errors
/// A cancelled or expired `ctx`; [`crate::Error::Corrupted`] when an index file fails its
/// checks.
pub fn run(
    ctx: &Context,
    queries: &SparseQueries<'_>,
    tasks: &[SparseTask<'_>],
    workers: usize,
) -> Result<Vec<TopK>> {
    let new_tops = || (0..queries.nq()).map(|_| queries.selection()).collect::<Vec<_>>();
    let worker = |next: &AtomicUsize| -> Result<Vec<TopK>> {
        let mut tops = new_tops();
        let mut dense = DenseQuery { table: Vec::new() };
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(task) = tasks.get(i) else { return Ok(tops) };
            ctx.check()?;
            search_task(queries, task, &mut tops, &mut dense)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_merge_agree() {
        let q = (&[1u32, 4, 9][..], &[0.5f32, 0.0, 2.0][..]);
        let mut dense = DenseQuery { table: Vec::new() };
        dense.fill(q.0, q.1);
        for row in [
            (&[0u32, 4][..], &[1.0f32, 3.0][..]),
            (&[2u32, 3][..], &[1.0, 1.0][..]),
            (&[1, 9, 20][..], &[2.0, 1.0, 5.0][..]),
        ] {
            assert_eq!(dense.score(row.0, row.1), merge_score(q, row));
        }
        assert_eq!(merge_score(q, (&[4], &[3.0])), (0.0, true), "a zero-valued shared index is shared");
        assert_eq!(merge_score(q, (&[3], &[3.0])), (0.0, false));
        dense.clear(q.0);
        assert!(dense.table.iter().all(|w| w.to_bits() == 0));
    }
}
