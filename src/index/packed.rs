//! The packed vector kinds (binary, float16, bfloat16, int8) as a [`Space`]: a segment's stored
//! bytes scored by the kind's kernels, never widened in storage (float16 and bfloat16 rows are
//! widened in registers against an f32 query; binary and int8 rows are compared with a query in
//! their own form).

use std::borrow::Cow;

use super::Space;
use crate::params::Metric;
use crate::params::{VectorKind, halves};
use crate::simd;

/// A query of a packed kind: its stored form and its f32 components (bits as 0/1 for binary
/// vectors).
#[derive(Debug, Clone, Copy)]
pub struct PackedQuery<'a> {
    pub bytes: &'a [u8],
    pub wide: &'a [f32],
}

/// A segment's vectors of one packed kind, with their norms and the metric.
#[derive(Debug, Clone, Copy)]
pub struct PackedVectors<'a> {
    pub kind: VectorKind,
    /// The field's dim (bits for binary vectors).
    pub dim: usize,
    /// The stored rows, back to back.
    pub data: &'a [u8],
    /// Euclidean norms of the rows (COSINE; IP builds); empty for binary vectors.
    pub norms: &'a [f32],
    pub metric: Metric,
}

impl PackedVectors<'_> {
    /// Costs of `query` (with its norm) against every row of `block` (whole stored rows):
    /// `out[i]` for row `i`, whose norm is `norms[i]` (read for COSINE only). Hamming and
    /// Jaccard distances and squared L2 distances as computed, inner products and cosine
    /// similarities negated.
    pub fn costs_block(
        &self,
        query: PackedQuery<'_>,
        query_norm: f32,
        block: &[u8],
        norms: &[f32],
        out: &mut [f32],
    ) {
        let row_bytes = self.kind.row_bytes(self.dim);
        let (dim, wide) = (self.dim, query.wide);
        match (self.kind, self.metric) {
            (VectorKind::Binary, Metric::Jaccard) => simd::jaccard_batch(query.bytes, block, row_bytes, out),
            (VectorKind::Binary, _) => simd::hamming_batch(query.bytes, block, row_bytes, out),
            (VectorKind::Float16, Metric::L2) => simd::l2sq_f16_batch(wide, &halves(block), dim, out),
            (VectorKind::Float16, _) => simd::ip_f16_batch(wide, &halves(block), dim, out),
            (VectorKind::BFloat16, Metric::L2) => simd::l2sq_bf16_batch(wide, &halves(block), dim, out),
            (VectorKind::BFloat16, _) => simd::ip_bf16_batch(wide, &halves(block), dim, out),
            (VectorKind::Int8, Metric::L2) => {
                simd::l2sq_i8_batch(bytemuck::cast_slice(query.bytes), bytemuck::cast_slice(block), dim, out)
            }
            (VectorKind::Int8, _) => {
                simd::ip_i8_batch(bytemuck::cast_slice(query.bytes), bytemuck::cast_slice(block), dim, out)
            }
        }
        match self.metric {
            Metric::Ip if self.kind != VectorKind::Binary => out.iter_mut().for_each(|c| *c = -*c),
            Metric::Cosine if self.kind != VectorKind::Binary => {
                for (c, &n) in out.iter_mut().zip(norms) {
                    *c = -simd::cosine_from_ip(*c, query_norm, n);
                }
            }
            _ => {}
        }
    }

    /// The norm of `row` (0 when norms are not kept).
    fn norm(&self, row: usize) -> f32 {
        self.norms.get(row).copied().unwrap_or(0.0)
    }
}

impl<'a> Space for PackedVectors<'a> {
    type Query = PackedQuery<'a>;

    fn len(&self) -> usize {
        self.data.len().checked_div(self.row_bytes()).unwrap_or(0)
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn row_bytes(&self) -> usize {
        self.kind.row_bytes(self.dim)
    }

    fn metric(&self) -> Metric {
        self.metric
    }

    fn with_metric(self, metric: Metric) -> Self {
        PackedVectors { metric, ..self }
    }

    fn norms(&self) -> &[f32] {
        self.norms
    }

    fn query_costs(&self, query: PackedQuery<'a>, query_norm: f32, rows: &[u32], out: &mut [f32]) {
        for (o, &r) in out.iter_mut().zip(rows) {
            let r = r as usize;
            let norm = [self.norm(r)];
            self.costs_block(query, query_norm, self.row(r), &norm, std::slice::from_mut(o));
        }
    }

    fn row_costs(&self, base: usize, rows: &[u32], out: &mut [f32]) {
        let wide = match self.kind {
            VectorKind::Float16 | VectorKind::BFloat16 => self.kind.widen(self.row(base)),
            _ => Vec::new(),
        };
        let query = PackedQuery { bytes: self.row(base), wide: &wide };
        let mut norm = [0.0];
        for (o, &r) in out.iter_mut().zip(rows) {
            let r = r as usize;
            norm[0] = self.norm(r);
            self.costs_block(query, self.norm(base), self.row(r), &norm, std::slice::from_mut(o));
        }
    }

    fn prefetch(&self, row: usize) {
        let bytes = self.row(row);
        // The hint reads whole f32 lanes: a row shorter than 4 bytes is not worth it.
        if let Ok(lanes) = bytemuck::try_cast_slice::<u8, f32>(&bytes[..bytes.len() / 4 * 4]) {
            simd::prefetch(lanes);
        }
    }

    fn row(&self, row: usize) -> &'a [u8] {
        let b = self.row_bytes();
        &self.data[row * b..(row + 1) * b]
    }

    fn rows_f32(&self, start: usize, end: usize) -> Cow<'_, [f32]> {
        let b = self.row_bytes();
        Cow::Owned(self.data[start * b..end * b].chunks_exact(b).flat_map(|r| self.kind.widen(r)).collect())
    }

    fn query_f32(query: &PackedQuery<'a>) -> &'a [f32] {
        query.wide
    }

    fn block_costs(
        &self,
        query: PackedQuery<'a>,
        query_norm: f32,
        block: &[u8],
        rows: &[u32],
        out: &mut [f32],
    ) {
        let norms: Vec<f32> = if self.metric == Metric::Cosine {
            rows.iter().map(|&r| self.norm(r as usize)).collect()
        } else {
            Vec::new()
        };
        self.costs_block(query, query_norm, block, &norms, out);
    }
}
