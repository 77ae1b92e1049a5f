//! Exact scan of contiguous vector blocks into per-query top-k selections.
//!
//! A segment's rows are split into ranges; each range is scored in chunks with the batch kernels
//! (one query: [`simd::l2sq_batch`]; several: [`simd::l2sq_multi`], which reads each vector once
//! for all queries), and a row is offered to a query's [`TopK`] only if its cost passes the
//! current threshold and the row is allowed (live and matching the filter). When few rows are
//! allowed, only those rows are scored, so cost falls with filter selectivity.

use super::topk::{GroupKey, Hit, TopK};
use crate::bitset::Bitset;
use crate::column::{ColumnRef, PrimaryKey};
use crate::error::Result;
use crate::index::file::SegmentIndex;
use crate::index::{IndexQuery, Vectors};
use crate::params::{CostRange, Metric, SearchParams};
use crate::simd;

/// Rows scored per kernel call for one query (the distance buffer stays in L1/L2).
const CHUNK_ROWS: usize = 4096;
/// Distances buffered per multi-query kernel call.
const MULTI_CHUNK_FLOATS: usize = 1 << 16;
/// Rows whose costs are tested against the threshold together before any is offered.
const SKIP_ROWS: usize = 16;
/// Rows per multi-query chunk are a multiple of this (the panel kernel scores 64 rows at once).
const MULTI_CHUNK_ALIGN: usize = 64;
/// Below one allowed row in this many, only allowed rows are scored.
const SPARSE_RATIO: usize = 8;

/// The queries of one search, prepared once.
#[derive(Debug)]
pub struct Queries<'q> {
    pub metric: Metric,
    pub dim: usize,
    pub nq: usize,
    pub data: &'q [f32],
    /// Euclidean norms of the queries.
    pub norms: Vec<f32>,
    /// Candidates kept per query: offset + topk.
    pub k: usize,
    /// For a range search, the costs kept.
    pub range: Option<CostRange>,
    /// For a group-by search, the hits kept per group.
    pub group_size: Option<usize>,
}

impl Queries<'_> {
    /// An empty selection for one query: `k` hits or groups, in range when a range is set.
    pub fn selection(&self) -> TopK {
        match self.group_size {
            Some(size) => TopK::grouped(self.k, size, self.range),
            None => TopK::new(self.k, self.range),
        }
    }

    fn query(&self, q: usize) -> &[f32] {
        &self.data[q * self.dim..(q + 1) * self.dim]
    }

    /// Whether L2 can be computed from inner products: the task carries every row's norm.
    fn l2_via_ip(&self, task: &Task<'_>) -> bool {
        !task.norms.is_empty() && task.norms.len() * self.dim == task.vectors.len()
    }
}

/// One range of one segment to scan, or one segment's index to search for a range of queries.
#[derive(Debug)]
pub struct Task<'s> {
    /// The segment's index: when set, the task searches it for the queries in `queries`
    /// (instead of scanning rows `start..end` for every query).
    pub index: Option<&'s SegmentIndex>,
    pub queries: std::ops::Range<usize>,
    pub params: SearchParams,
    pub segment: u64,
    pub vectors: &'s [f32],
    pub norms: &'s [f32],
    pub keys: ColumnRef<'s>,
    /// Rows that may be returned; `None` when every row of the segment may.
    pub allowed: Option<&'s Bitset>,
    /// Whether `allowed` is sparse enough to score only allowed rows.
    pub sparse: bool,
    pub start: usize,
    pub end: usize,
    /// For a group-by search, the segment's group-by column and its validity (1 = not null).
    pub group: Option<(ColumnRef<'s>, Option<&'s [u8]>)>,
}

impl Task<'_> {
    /// The hit for `row` at `cost`, with its key and (in a group-by search) its group.
    fn hit(&self, row: usize, cost: f32) -> Hit {
        let group = self.group.map(|(column, validity)| group_at(column, validity, row));
        Hit { cost, key: key_at(self.keys, row), segment: self.segment, row, group }
    }
}

/// Whether a bitset of `rows` rows with `ones` set bits should be scanned sparsely.
pub fn is_sparse(ones: usize, rows: usize) -> bool {
    ones * SPARSE_RATIO < rows
}

pub(super) fn group_at(column: ColumnRef<'_>, validity: Option<&[u8]>, row: usize) -> GroupKey {
    if validity.is_some_and(|v| v[row] == 0) {
        return GroupKey::Null;
    }
    match column {
        ColumnRef::Bool(v) => GroupKey::Bool(v[row] != 0),
        ColumnRef::Int8(v) => GroupKey::Int(v[row].into()),
        ColumnRef::Int16(v) => GroupKey::Int(v[row].into()),
        ColumnRef::Int32(v) => GroupKey::Int(v[row].into()),
        ColumnRef::Int64(v) => GroupKey::Int(v[row]),
        other => GroupKey::Str(other.str_at(row).into()),
    }
}

pub(super) fn key_at(keys: ColumnRef<'_>, row: usize) -> PrimaryKey {
    match keys {
        ColumnRef::Int64(k) => PrimaryKey::Int(k[row]),
        other => PrimaryKey::Str(other.str_at(row).to_owned()),
    }
}

/// Turns raw kernel outputs (squared distances or inner products) for rows `start..` into costs.
fn to_costs(queries: &Queries<'_>, q: usize, norms: &[f32], start: usize, scores: &mut [f32]) {
    match queries.metric {
        Metric::L2 | Metric::Hamming | Metric::Jaccard => {}
        Metric::Ip => scores.iter_mut().for_each(|s| *s = -*s),
        Metric::Cosine => {
            let qn = queries.norms[q];
            for (i, s) in scores.iter_mut().enumerate() {
                *s = -simd::cosine_from_ip(*s, qn, norms[start + i]);
            }
        }
    }
}

/// Scans `task` into `tops` (one selection per query), using `buf` as scratch.
///
/// # Errors
/// [`crate::Error::Corrupted`] when an index file fails its checks.
pub fn scan(queries: &Queries<'_>, task: &Task<'_>, tops: &mut [TopK], buf: &mut Vec<f32>) -> Result<()> {
    if let Some(index) = task.index {
        return search_index(queries, task, index, tops);
    }
    if task.sparse {
        scan_sparse(queries, task, tops);
    } else if queries.nq == 1 {
        scan_one(queries, task, &mut tops[0], buf);
    } else {
        scan_many(queries, task, tops, buf);
    }
    Ok(())
}

fn search_index(
    queries: &Queries<'_>,
    task: &Task<'_>,
    index: &SegmentIndex,
    tops: &mut [TopK],
) -> Result<()> {
    let vectors = Vectors { dim: queries.dim, data: task.vectors, norms: task.norms, metric: queries.metric };
    for q in task.queries.clone() {
        let mut query = IndexQuery {
            vector: queries.query(q),
            norm: queries.norms.get(q).copied().unwrap_or(0.0),
            k: queries.k,
            params: task.params,
            allowed: task.allowed,
        };
        let candidates = loop {
            let candidates = index.search(vectors, &query)?;
            if !needs_more(queries, task, &candidates, query.k) {
                break candidates;
            }
            query.k = (query.k * 2).min(task.end);
        };
        for (row, cost) in candidates {
            tops[q].push(task.hit(row as usize, cost));
        }
    }
    Ok(())
}

/// Whether a range or group-by search should ask the index for more than the `asked`
/// candidates it returned (best first): the index may have more (it returned all it was asked
/// for, of the task's rows), a range search has not passed its range, and fewer than `k` hits
/// (range) or full groups (group-by) are among the candidates.
fn needs_more(queries: &Queries<'_>, task: &Task<'_>, candidates: &[(u32, f32)], asked: usize) -> bool {
    let wanted =
        Wanted { k: queries.k, range: queries.range, grouped: queries.group_size.is_some(), rows: task.end };
    wanted.more(candidates, asked, queries.selection(), |row, cost| task.hit(row, cost))
}

/// What an index search over a segment of `rows` rows must find: `k` hits or groups, in
/// `range` when set.
pub(super) struct Wanted {
    pub k: usize,
    pub range: Option<CostRange>,
    pub grouped: bool,
    pub rows: usize,
}

impl Wanted {
    /// Whether a range or group-by search should ask the index for more than the `asked`
    /// candidates it returned (best first), `selection` being an empty selection and `hit`
    /// making a row's hit: see [`needs_more`].
    pub(super) fn more(
        &self,
        candidates: &[(u32, f32)],
        asked: usize,
        mut selection: TopK,
        hit: impl Fn(usize, f32) -> Hit,
    ) -> bool {
        if self.range.is_none() && !self.grouped {
            return false;
        }
        if candidates.len() < asked || asked >= self.rows {
            return false;
        }
        if let Some(range) = self.range
            && candidates.last().is_some_and(|&(_, cost)| cost >= range.hi)
        {
            return false;
        }
        for &(row, cost) in candidates {
            selection.push(hit(row as usize, cost));
        }
        selection.filled() < self.k
    }
}

fn offer(queries_k: &mut TopK, task: &Task<'_>, row: usize, cost: f32) {
    if cost <= queries_k.threshold() && task.allowed.is_none_or(|a| a.get(row)) {
        queries_k.push(task.hit(row, cost));
    }
}

/// Offers the rows `start..` of a chunk to `top`, given their raw kernel outputs: inner
/// products (IP, COSINE, and L2 computed as `|q|² + |x|² − 2 q·x`) or squared distances.
///
/// L2 from inner products is an estimate whose rounding error is bounded by
/// `dim · 2.5e-7 · (|q|² + |x|²)`; a row whose estimate minus that bound passes the threshold is
/// re-scored with the exact kernel, so results and scores are those of the exact L2 scan.
///
/// Rows are tested [`SKIP_ROWS`] at a time against the current threshold with one branch-free
/// pass, so a run of rows none of which can enter the selection costs no per-row branch.
fn offer_chunk(
    queries: &Queries<'_>,
    q: usize,
    task: &Task<'_>,
    top: &mut TopK,
    start: usize,
    raw: &mut [f32],
) {
    if queries.metric == Metric::L2 && queries.l2_via_ip(task) {
        let (query, qn2) = (queries.query(q), queries.norms[q] * queries.norms[q]);
        let slack = queries.dim as f32 * 2.5e-7;
        let lower_bound = |dot: f32, norm: f32| {
            let xn2 = norm * norm;
            qn2 + xn2 - 2.0 * dot - slack * (qn2 + xn2)
        };
        let norms = &task.norms[start..start + raw.len()];
        for (b, (dots, norms)) in raw.chunks(SKIP_ROWS).zip(norms.chunks(SKIP_ROWS)).enumerate() {
            if !any_at_most(dots.iter().zip(norms).map(|(&d, &n)| lower_bound(d, n)), top.threshold()) {
                continue;
            }
            for (i, (&dot, &norm)) in dots.iter().zip(norms).enumerate() {
                if lower_bound(dot, norm) <= top.threshold() {
                    let row = start + b * SKIP_ROWS + i;
                    let exact = simd::l2sq(query, &task.vectors[row * queries.dim..(row + 1) * queries.dim]);
                    offer(top, task, row, exact);
                }
            }
        }
        return;
    }
    to_costs(queries, q, task.norms, start, raw);
    for (b, costs) in raw.chunks(SKIP_ROWS).enumerate() {
        let threshold = top.threshold();
        if !any_at_most(costs.iter().copied(), threshold) {
            continue;
        }
        for (i, &cost) in costs.iter().enumerate() {
            if cost <= threshold {
                offer(top, task, start + b * SKIP_ROWS + i, cost);
            }
        }
    }
}

/// Whether any value is at most `threshold`, without a branch per value.
#[inline]
fn any_at_most(values: impl Iterator<Item = f32>, threshold: f32) -> bool {
    values.fold(false, |any, v| any | (v <= threshold))
}

fn scan_one(queries: &Queries<'_>, task: &Task<'_>, top: &mut TopK, buf: &mut Vec<f32>) {
    let dim = queries.dim;
    let query = queries.query(0);
    let via_ip = queries.metric != Metric::L2 || queries.l2_via_ip(task);
    let mut start = task.start;
    while start < task.end {
        let end = (start + CHUNK_ROWS).min(task.end);
        buf.resize(end - start, 0.0);
        let block = &task.vectors[start * dim..end * dim];
        if via_ip {
            simd::ip_batch(query, block, dim, buf);
        } else {
            simd::l2sq_batch(query, block, dim, buf);
        }
        offer_chunk(queries, 0, task, top, start, buf);
        start = end;
    }
}

fn scan_many(queries: &Queries<'_>, task: &Task<'_>, tops: &mut [TopK], buf: &mut Vec<f32>) {
    let (dim, nq) = (queries.dim, queries.nq);
    let chunk = (MULTI_CHUNK_FLOATS / nq).clamp(MULTI_CHUNK_ALIGN, CHUNK_ROWS) / MULTI_CHUNK_ALIGN
        * MULTI_CHUNK_ALIGN;
    let via_ip = queries.metric != Metric::L2 || queries.l2_via_ip(task);
    let mut start = task.start;
    while start < task.end {
        let end = (start + chunk).min(task.end);
        let n = end - start;
        buf.resize(nq * n, 0.0);
        let block = &task.vectors[start * dim..end * dim];
        if via_ip {
            simd::ip_multi(queries.data, nq, block, dim, buf);
        } else {
            simd::l2sq_multi(queries.data, nq, block, dim, buf);
        }
        for (q, top) in tops.iter_mut().enumerate() {
            offer_chunk(queries, q, task, top, start, &mut buf[q * n..(q + 1) * n]);
        }
        start = end;
    }
}

fn scan_sparse(queries: &Queries<'_>, task: &Task<'_>, tops: &mut [TopK]) {
    let Some(allowed) = task.allowed else { return };
    let dim = queries.dim;
    let first_word = task.start / 64;
    for (w, &word) in allowed.words().iter().enumerate().skip(first_word) {
        if w * 64 >= task.end {
            break;
        }
        let mut bits = word;
        while bits != 0 {
            let row = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if row < task.start || row >= task.end {
                continue;
            }
            let v = &task.vectors[row * dim..(row + 1) * dim];
            for (q, top) in tops.iter_mut().enumerate() {
                let query = queries.query(q);
                let cost = match queries.metric {
                    Metric::L2 | Metric::Hamming | Metric::Jaccard => simd::l2sq(query, v),
                    Metric::Ip => -simd::ip(query, v),
                    Metric::Cosine => {
                        -simd::cosine_from_ip(simd::ip(query, v), queries.norms[q], task.norms[row])
                    }
                };
                if cost <= top.threshold() {
                    top.push(task.hit(row, cost));
                }
            }
        }
    }
}
