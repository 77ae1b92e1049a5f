//! Vector indexes: HNSW and IVF_FLAT, one per sealed segment and vector field, stored in an
//! index file beside the segment and searched through zero-copy views of its bytes. Scalar
//! indexes (INVERTED, STL_SORT, BITMAP, Trie) share the file format (their bodies: the
//! `scalar_index` module).
//!
//! HNSW stores row numbers and reads the segment's contiguous vector block (and stored norms,
//! for COSINE) through [`Vectors`]; IVF_FLAT keeps its own copy of the vectors in list order, so
//! a probed list is one contiguous block. Costs are "lower is better": squared
//! L2 distance, or negated inner product / cosine similarity, as in [`crate::params::Metric`].
//!
//! FLAT is the exact scan and needs no index data.
//!
//! These indexes are of f32 vectors: the binary metrics (HAMMING, JACCARD) are refused for f32
//! fields before a search gets here, and are treated as L2 if they ever do.

pub mod file;
pub mod hnsw;
pub mod ivf;
pub mod sparse;

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

/// One search of one index: the query, how many candidates, and which rows may be returned.
#[derive(Debug, Clone, Copy)]
pub struct IndexQuery<'a> {
    pub vector: &'a [f32],
    /// Norm of `vector` (COSINE only).
    pub norm: f32,
    pub k: usize,
    pub params: SearchParams,
    /// Rows that may be returned (live and matching the filter); `None` = all.
    pub allowed: Option<&'a Bitset>,
}

/// Candidate `(row, cost)` pairs, best (lowest cost) first.
pub type Candidates = Vec<(u32, f32)>;
