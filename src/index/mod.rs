//! Vector indexes: HNSW and IVF_FLAT, one per sealed segment and vector field, stored in an
//! index file beside the segment and searched through zero-copy views of its bytes.
//!
//! HNSW stores row numbers and reads the segment's contiguous vector block (and stored norms,
//! for COSINE) through [`Vectors`]; IVF_FLAT keeps its own copy of the vectors in list order, so
//! a probed list is one contiguous block. Costs are "lower is better": squared
//! L2 distance, or negated inner product / cosine similarity, as in [`crate::search`].
//!
//! FLAT is the exact scan and needs no index data.

pub mod file;
pub mod hnsw;
pub mod ivf;

use serde::{Deserialize, Serialize};

use crate::bitset::Bitset;
use crate::error::{Error, Result};
use crate::search::Metric;
use crate::simd;

/// Index type and build parameters, with Milvus's names, defaults and ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexParams {
    /// Exact search; no index data.
    Flat,
    /// Hierarchical navigable small-world graph: `m` links per node (2..=2048, default 30),
    /// `ef_construction` candidates while building (1..=i32::MAX, default 360).
    Hnsw { m: u32, ef_construction: u32 },
    /// Inverted file over `nlist` k-means clusters (1..=65536, default 128).
    IvfFlat { nlist: u32 },
}

impl IndexParams {
    /// Milvus's type name: "FLAT", "HNSW" or "IVF_FLAT".
    pub fn type_name(&self) -> &'static str {
        match self {
            IndexParams::Flat => "FLAT",
            IndexParams::Hnsw { .. } => "HNSW",
            IndexParams::IvfFlat { .. } => "IVF_FLAT",
        }
    }

    /// Checks the parameter ranges.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the parameter, its range and the value given.
    pub fn validate(&self) -> Result<()> {
        let range = |name: &str, v: u32, lo: u32, hi: u32| {
            if v < lo || v > hi {
                Err(Error::InvalidArgument(format!("{name} out of range: [{lo}, {hi}], got {v}")))
            } else {
                Ok(())
            }
        };
        match *self {
            IndexParams::Flat => Ok(()),
            IndexParams::Hnsw { m, ef_construction } => {
                range("M", m, 2, 2048)?;
                range("efConstruction", ef_construction, 1, i32::MAX as u32)
            }
            IndexParams::IvfFlat { nlist } => range("nlist", nlist, 1, 65_536),
        }
    }

    /// Whether the index has per-segment data to build.
    pub fn has_data(&self) -> bool {
        !matches!(self, IndexParams::Flat)
    }
}

/// Per-search tuning: HNSW `ef` (default: `max(64, k)`; a given `ef` is raised to `k`) and IVF `nprobe`
/// (default 8, clamped to nlist).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchParams {
    pub ef: Option<usize>,
    pub nprobe: Option<usize>,
}

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
            Metric::L2 => simd::l2sq(query, v),
            Metric::Ip => -simd::ip(query, v),
            Metric::Cosine => -simd::cosine_from_ip(simd::ip(query, v), query_norm, self.norms[row]),
        }
    }

    /// Costs between a query (with its norm) and the listed rows: `out[i]` for `rows[i]`.
    /// `rows` and `out` have the same length and every row is below [`Vectors::len`].
    #[inline]
    pub fn costs(&self, query: &[f32], query_norm: f32, rows: &[u32], out: &mut [f32]) {
        match self.metric {
            Metric::L2 => simd::l2sq_gather(query, self.data, self.dim, rows, out),
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
