//! Vector indexes: HNSW and IVF_FLAT, one per sealed segment and vector field, stored in an
//! index file beside the segment and searched through zero-copy views of its bytes. Scalar
//! indexes (INVERTED, STL_SORT, BITMAP, Trie) share the file format (their bodies: the
//! `scalar_index` module).
//!
//! HNSW stores row numbers and reads the segment's contiguous vector block (and stored norms,
//! for COSINE) through a [`Space`]; IVF_FLAT keeps its own copy of the vectors in list order, so
//! a probed list is one contiguous block. Costs are "lower is better": Hamming or Jaccard distance, squared
//! L2 distance, or negated inner product / cosine similarity, as in [`crate::params::Metric`].
//!
//! FLAT is the exact scan and needs no index data.
//!
//! Both indexes are generic over the vectors they read ([`Space`]): f32 blocks ([`Vectors`]) and
//! the packed kinds, binary, float16, bfloat16 and int8 ([`packed::PackedVectors`]), each scored
//! by its own kernels on the stored bytes. The binary metrics (HAMMING, JACCARD) apply to binary
//! vectors only; they are refused for f32 fields before a search gets here, and are treated as
//! L2 by [`Vectors`] if they ever do.

pub mod file;
pub mod hnsw;
pub mod ivf;
pub mod packed;
pub mod sparse;

use std::borrow::Cow;

use crate::bitset::Bitset;
use crate::params::{Metric, SearchParams};
use crate::simd;

/// The vectors an index refers to: a segment's contiguous block, its norms and the metric.
#[derive(Debug, Clone, Copy)]
pub struct Vectors<'a> {
    pub dim: usize,
    pub data: &'a [f32],
    /// Euclidean norms of the vectors (used by COSINE).
    pub norms: &'a [f32],
    pub metric: Metric,
}

impl<'a> Vectors<'a> {
    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Whether there are no vectors.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Vector `row`.
    #[inline]
    pub fn get(&self, row: usize) -> &'a [f32] {
        &self.data[row * self.dim..(row + 1) * self.dim]
    }

    /// Cost between a query (with its norm) and vector `row`: lower is better.
    #[inline]
    pub fn cost(&self, query: &[f32], query_norm: f32, row: usize) -> f32 {
        let v = self.get(row);
        match self.metric {
            Metric::L2 | Metric::Hamming | Metric::Jaccard => simd::l2sq(query, v),
            Metric::Ip => -simd::ip(query, v),
            Metric::Cosine => -simd::cosine_from_ip(simd::ip(query, v), query_norm, self.norms[row]),
        }
    }

    /// Costs between a query (with its norm) and the listed rows: `out[i]` for `rows[i]`.
    /// `rows` and `out` have the same length and every row is below [`Vectors::len`].
    #[inline]
    pub fn costs(&self, query: &[f32], query_norm: f32, rows: &[u32], out: &mut [f32]) {
        match self.metric {
            Metric::L2 | Metric::Hamming | Metric::Jaccard => {
                simd::l2sq_gather(query, self.data, self.dim, rows, out)
            }
            Metric::Ip => {
                simd::ip_gather(query, self.data, self.dim, rows, out);
                out.iter_mut().for_each(|c| *c = -*c);
            }
            Metric::Cosine => {
                simd::ip_gather(query, self.data, self.dim, rows, out);
                for (c, &r) in out.iter_mut().zip(rows) {
                    *c = -simd::cosine_from_ip(*c, query_norm, self.norms[r as usize]);
                }
            }
        }
    }

    /// Cost between vectors `a` and `b` of the block.
    #[inline]
    pub fn cost_between(&self, a: usize, b: usize) -> f32 {
        let norm = if self.metric == Metric::Cosine { self.norms[a] } else { 0.0 };
        self.cost(self.get(a), norm, b)
    }
}

/// The vectors of one segment's field as an index reads them: costs between a query and stored
/// rows, and between two stored rows (for building), "lower is better" under the space's metric.
/// Implemented for f32 blocks and the packed kinds; HNSW and IVF_FLAT are monomorphised over it.
pub trait Space: Copy + Send + Sync {
    /// A query in the form the kernels take.
    type Query: Copy;

    /// Number of vectors.
    fn len(&self) -> usize;

    /// Whether there are no vectors.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The field's dim (bits for binary vectors).
    fn dim(&self) -> usize;

    /// Bytes of one stored vector.
    fn row_bytes(&self) -> usize;

    /// The metric costs are computed under.
    fn metric(&self) -> Metric;

    /// The same vectors under `metric`.
    fn with_metric(self, metric: Metric) -> Self;

    /// Euclidean norms of the vectors (COSINE; IP builds).
    fn norms(&self) -> &[f32];

    /// Costs between `query` (with its norm) and the listed rows: `out[i]` for `rows[i]`.
    fn query_costs(&self, query: Self::Query, query_norm: f32, rows: &[u32], out: &mut [f32]);

    /// Costs between stored row `base` and the listed rows: `out[i]` for `rows[i]`.
    fn row_costs(&self, base: usize, rows: &[u32], out: &mut [f32]);

    /// Cost between stored rows `a` and `b`.
    fn row_cost(&self, a: usize, b: usize) -> f32 {
        let mut out = [0.0];
        self.row_costs(a, &[b as u32], &mut out);
        out[0]
    }

    /// Starts loading the vector of `row` into cache (a hint).
    fn prefetch(&self, row: usize);

    /// The stored bytes of `row`.
    fn row(&self, row: usize) -> &[u8];

    /// Vectors `start..end` as f32 (bits as 0/1 for binary vectors), for k-means training.
    fn rows_f32(&self, start: usize, end: usize) -> Cow<'_, [f32]>;

    /// The query as f32 (as [`Space::rows_f32`]), for ranking IVF centroids.
    fn query_f32(query: &Self::Query) -> &[f32];

    /// Costs between `query` and `block`, stored vectors of the listed rows laid out back to
    /// back (an IVF list): `out[i]` for `rows[i]`.
    fn block_costs(&self, query: Self::Query, query_norm: f32, block: &[u8], rows: &[u32], out: &mut [f32]);
}

impl<'a> Space for Vectors<'a> {
    type Query = &'a [f32];

    #[inline]
    fn len(&self) -> usize {
        Vectors::len(self)
    }

    fn is_empty(&self) -> bool {
        Vectors::is_empty(self)
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn row_bytes(&self) -> usize {
        self.dim * 4
    }

    #[inline]
    fn metric(&self) -> Metric {
        self.metric
    }

    fn with_metric(self, metric: Metric) -> Self {
        Vectors { metric, ..self }
    }

    fn norms(&self) -> &[f32] {
        self.norms
    }

    #[inline]
    fn query_costs(&self, query: &'a [f32], query_norm: f32, rows: &[u32], out: &mut [f32]) {
        self.costs(query, query_norm, rows, out);
    }

    #[inline]
    fn row_costs(&self, base: usize, rows: &[u32], out: &mut [f32]) {
        match self.metric {
            Metric::L2 | Metric::Hamming | Metric::Jaccard => {
                simd::l2sq_gather(self.get(base), self.data, self.dim, rows, out)
            }
            _ => {
                let norm = if self.metric == Metric::Cosine { self.norms[base] } else { 0.0 };
                self.costs(self.get(base), norm, rows, out);
            }
        }
    }

    #[inline]
    fn row_cost(&self, a: usize, b: usize) -> f32 {
        match self.metric {
            Metric::L2 | Metric::Hamming | Metric::Jaccard => simd::l2sq(self.get(a), self.get(b)),
            _ => self.cost_between(a, b),
        }
    }

    #[inline]
    fn prefetch(&self, row: usize) {
        simd::prefetch(self.get(row));
    }

    fn row(&self, row: usize) -> &[u8] {
        bytemuck::cast_slice(self.get(row))
    }

    fn rows_f32(&self, start: usize, end: usize) -> Cow<'_, [f32]> {
        Cow::Borrowed(&self.data[start * self.dim..end * self.dim])
    }

    fn query_f32(query: &&'a [f32]) -> &'a [f32] {
        query
    }

    #[inline]
    fn block_costs(&self, query: &'a [f32], query_norm: f32, block: &[u8], rows: &[u32], out: &mut [f32]) {
        let block: &[f32] = bytemuck::cast_slice(block);
        match self.metric {
            Metric::L2 | Metric::Hamming | Metric::Jaccard => simd::l2sq_batch(query, block, self.dim, out),
            Metric::Ip => {
                simd::ip_batch(query, block, self.dim, out);
                out.iter_mut().for_each(|c| *c = -*c);
            }
            Metric::Cosine => {
                simd::ip_batch(query, block, self.dim, out);
                for (c, &r) in out.iter_mut().zip(rows) {
                    *c = -simd::cosine_from_ip(*c, query_norm, self.norms[r as usize]);
                }
            }
        }
    }
}

/// One search of one index: the query, how many candidates, and which rows may be returned.
/// `Q` is the query's form ([`Space::Query`]): f32 components by default.
///
/// cbindgen:ignore
#[derive(Debug, Clone, Copy)]
pub struct IndexQuery<'a, Q = &'a [f32]> {
    pub vector: Q,
    /// Norm of `vector` (COSINE only).
    pub norm: f32,
    pub k: usize,
    pub params: SearchParams,
    /// Rows that may be returned (live and matching the filter); `None` = all.
    pub allowed: Option<&'a Bitset>,
}

/// Candidate `(row, cost)` pairs, best (lowest cost) first.
pub type Candidates = Vec<(u32, f32)>;
