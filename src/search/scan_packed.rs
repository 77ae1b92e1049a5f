//! Exact scan of packed vectors (binary, float16, bfloat16, int8) into per-query top-k
//! selections, through the type's SIMD kernels on the stored bytes (never widened in memory:
//! float16 and bfloat16 rows are widened in registers against an f32 query).
//!
//! Costs are "lower is better" as everywhere in search: Hamming and Jaccard distances and
//! squared L2 distances as computed, inner products and cosine similarities negated.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::scan::{Wanted, group_at, key_at};
use super::topk::{Hit, TopK};
use crate::bitset::Bitset;
use crate::column::{ColumnRef, VectorKind};
use crate::context::Context;
use crate::error::Result;
use crate::index::IndexQuery;
use crate::index::file::SegmentIndex;
use crate::index::packed::{PackedQuery, PackedVectors};
use crate::params::{CostRange, Metric, SearchParams};

/// Rows scored per kernel call.
const CHUNK_ROWS: usize = 4096;

/// The queries of one search of a packed vector field, prepared once.
#[derive(Debug)]
pub struct PackedQueries {
    pub kind: VectorKind,
    pub metric: Metric,
    /// The field's dim (bits for binary vectors).
    pub dim: usize,
    pub nq: usize,
    /// The queries as stored (binary and int8 kernels read them so).
    bytes: Vec<u8>,
    /// The queries widened to f32 (float16 and bfloat16 kernels take an f32 query; IVF lists
    /// are ranked with it).
    wide: Vec<f32>,
    /// Euclidean norms of the queries (COSINE).
    norms: Vec<f32>,
    /// Candidates kept per query: offset + topk.
    pub k: usize,
    /// For a range search, the costs kept.
    pub range: Option<CostRange>,
    /// For a group-by search, the hits kept per group.
    pub group_size: Option<usize>,
}

impl PackedQueries {
    /// Prepares `bytes` (whole stored-form queries of `kind` and `dim`, checked by the caller)
    /// for a search with `metric` keeping `k` hits (or groups of `group_size`) in `range`.
    pub fn new(
        kind: VectorKind,
        metric: Metric,
        dim: usize,
        bytes: &[u8],
        k: usize,
        range: Option<CostRange>,
        group_size: Option<usize>,
    ) -> Self {
        let row_bytes = kind.row_bytes(dim);
        let rows = || bytes.chunks_exact(row_bytes);
        let wide = rows().flat_map(|r| kind.widen(r)).collect();
        PackedQueries {
            kind,
            metric,
            dim,
            nq: bytes.len() / row_bytes,
            bytes: bytes.to_vec(),
            wide,
            norms: rows().map(|r| kind.row_norm(r)).collect(),
            k,
            range,
            group_size,
        }
    }

    /// An empty selection for one query.
    pub fn selection(&self) -> TopK {
        match self.group_size {
            Some(size) => TopK::grouped(self.k, size, self.range),
            None => TopK::new(self.k, self.range),
        }
    }

    /// The space of a segment's stored `data` and `norms` under this search's kind and metric.
    pub fn space<'a>(&self, data: &'a [u8], norms: &'a [f32]) -> PackedVectors<'a> {
        PackedVectors { kind: self.kind, dim: self.dim, data, norms, metric: self.metric }
    }

    /// Query `q` in the forms the kernels take.
    pub fn query(&self, q: usize) -> PackedQuery<'_> {
        let row_bytes = self.kind.row_bytes(self.dim);
        PackedQuery {
            bytes: &self.bytes[q * row_bytes..(q + 1) * row_bytes],
            wide: &self.wide[q * self.dim..(q + 1) * self.dim],
        }
    }

    /// Costs of query `q` against every row of `block` (whole stored rows): `out[i]` for row
    /// `i`, whose norm is `norms[i]` (COSINE only).
    pub fn costs(&self, q: usize, block: &[u8], norms: &[f32], out: &mut [f32]) {
        self.space(&[], &[]).costs_block(self.query(q), self.norms[q], block, norms, out);
    }
}

/// One range of rows of one segment to scan for every query.
#[derive(Debug)]
pub struct PackedTask<'s> {
    pub segment: u64,
    /// The segment's stored vectors.
    pub vectors: &'s [u8],
    /// The segment's vector norms.
    pub norms: &'s [f32],
    pub keys: ColumnRef<'s>,
    /// Rows that may be returned; `None` when every row of the segment may.
    pub allowed: Option<&'s Bitset>,
    pub start: usize,
    pub end: usize,
    /// For a group-by search, the segment's group-by column and its validity (1 = not null).
    pub group: Option<(ColumnRef<'s>, Option<&'s [u8]>)>,
    /// The segment's index: when set, the task searches it for every query (instead of
    /// scanning rows `start..end`).
    pub index: Option<&'s SegmentIndex>,
    pub params: SearchParams,
}

impl PackedTask<'_> {
    /// The hit for `row` at `cost`, with its key and (in a group-by search) its group.
    fn hit(&self, row: usize, cost: f32) -> Hit {
        let group = self.group.map(|(column, validity)| group_at(column, validity, row));
        Hit { cost, key: key_at(self.keys, row), segment: self.segment, row, group }
    }

    /// Searches `index` for every query into `tops`; a range or group-by search asks it for
    /// more candidates until the range is covered, the index runs out, or `k` are found.
    fn search_index(&self, queries: &PackedQueries, index: &SegmentIndex, tops: &mut [TopK]) -> Result<()> {
        let space = queries.space(self.vectors, self.norms);
        let wanted = Wanted {
            k: queries.k,
            range: queries.range,
            grouped: queries.group_size.is_some(),
            rows: self.end,
        };
        for (q, top) in tops.iter_mut().enumerate() {
            let mut query = IndexQuery {
                vector: queries.query(q),
                norm: queries.norms[q],
                k: queries.k,
                params: self.params,
                allowed: self.allowed,
            };
            let candidates = loop {
                let candidates = index.search(space, &query)?;
                if !wanted.more(&candidates, query.k, queries.selection(), |r, c| self.hit(r, c)) {
                    break candidates;
                }
                query.k = (query.k * 2).min(self.end);
            };
            for (row, cost) in candidates {
                top.push(self.hit(row as usize, cost));
            }
        }
        Ok(())
    }

    fn scan(&self, queries: &PackedQueries, tops: &mut [TopK], buf: &mut Vec<f32>) -> Result<()> {
        if let Some(index) = self.index {
            return self.search_index(queries, index, tops);
        }
        let row_bytes = queries.kind.row_bytes(queries.dim);
        let mut start = self.start;
        while start < self.end {
            let end = (start + CHUNK_ROWS).min(self.end);
            buf.resize(end - start, 0.0);
            let block = &self.vectors[start * row_bytes..end * row_bytes];
            let norms = self.norms.get(start..end).unwrap_or_default();
            for (q, top) in tops.iter_mut().enumerate() {
                queries.costs(q, block, norms, buf);
                let threshold = top.threshold();
                for (i, &cost) in buf.iter().enumerate() {
                    let row = start + i;
                    if cost <= threshold && self.allowed.is_none_or(|a| a.get(row)) {
                        top.push(self.hit(row, cost));
                    }
                }
            }
            start = end;
        }
        Ok(())
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
    queries: &PackedQueries,
    tasks: &[PackedTask<'_>],
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
            task.scan(queries, &mut tops, &mut buf)?;
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
