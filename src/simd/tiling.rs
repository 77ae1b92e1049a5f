//! Cache tiling for multi-query batches: each tile of the block is read from memory once and
//! then scored against every query while it is cache-resident.

/// Bytes of block vectors per tile. Small enough to stay in L2 on current x86 and Arm cores
/// (and mostly in a large L1), large enough that per-tile bookkeeping is negligible.
const TILE_BYTES: usize = 96 * 1024;

/// Vectors per tile for vectors of `dim` floats (at least one).
#[inline]
pub(super) fn tile_vectors(dim: usize) -> usize {
    (TILE_BYTES / (dim * size_of::<f32>()).max(1)).max(1)
}

/// Distance kernels the tiling driver is generic over, one implementation per ISA and metric.
pub(super) trait RowKernel {
    /// Distance between one query and one vector, `dim` floats each.
    ///
    /// # Safety
    /// Both pointers are valid for `dim` reads; the CPU supports the implementation's ISA.
    unsafe fn one(query: *const f32, vector: *const f32, dim: usize) -> f32;

    /// Distances between four queries and one vector, loading the vector once.
    ///
    /// # Safety
    /// Every pointer is valid for `dim` reads; the CPU supports the implementation's ISA.
    unsafe fn four(queries: [*const f32; 4], vector: *const f32, dim: usize) -> [f32; 4];

    /// Distances between four queries and four consecutive vectors (`vectors`, `vectors + dim`,
    /// ...): `out[k][j]` receives the distance from query `k` to vector `j`. The default scores
    /// the vectors one at a time with [`RowKernel::four`]; register-blocked implementations
    /// load each query and vector chunk once for all sixteen pairs.
    ///
    /// # Safety
    /// Every query pointer is valid for `dim` reads, `vectors` for `4 * dim` reads, and every
    /// `out` pointer for 4 writes not overlapping the inputs; the CPU supports the ISA.
    #[inline(always)]
    unsafe fn four_by_four(queries: [*const f32; 4], vectors: *const f32, dim: usize, out: [*mut f32; 4]) {
        for j in 0..4 {
            // SAFETY: forwarded contract; vector j lies within the 4 * dim readable floats and
            // out[k] + j within the 4 writable ones.
            unsafe {
                let d = Self::four(queries, vectors.add(j * dim), dim);
                for (k, dist) in d.into_iter().enumerate() {
                    *out[k].add(j) = dist;
                }
            }
        }
    }
}

/// Scores `nq` queries against `n` vectors into the row-major `nq × n` matrix `out`.
///
/// The block is walked tile by tile; within a tile, queries are taken four at a time and
/// vectors four at a time, so each load serves four accumulators. Inlined into each ISA's entry point so `K`'s kernels
/// are compiled with that entry point's target features.
///
/// # Safety
/// `dim >= 1`; `queries` is valid for `nq * dim` reads, `block` for `n * dim` reads, `out` for
/// `nq * n` writes (not overlapping the inputs); the CPU supports `K`'s ISA.
#[inline(always)]
pub(super) unsafe fn multi_tiled<K: RowKernel>(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    let tile = tile_vectors(dim);
    let mut start = 0;
    while start < n {
        let end = n.min(start + tile);
        let mut q = 0;
        while q + 4 <= nq {
            // SAFETY: q + 3 < nq, so every query row and output row below is in bounds, as is
            // every vector index v < n.
            unsafe {
                let rows = [q, q + 1, q + 2, q + 3].map(|r| queries.add(r * dim));
                let mut v = start;
                while v + 4 <= end {
                    let outs = [q, q + 1, q + 2, q + 3].map(|r| out.add(r * n + v));
                    K::four_by_four(rows, block.add(v * dim), dim, outs);
                    v += 4;
                }
                for v in v..end {
                    let d = K::four(rows, block.add(v * dim), dim);
                    for (k, dist) in d.into_iter().enumerate() {
                        *out.add((q + k) * n + v) = dist;
                    }
                }
            }
            q += 4;
        }
        while q < nq {
            // SAFETY: q < nq and v < n keep every read and write in bounds.
            unsafe {
                let row = queries.add(q * dim);
                for v in start..end {
                    *out.add(q * n + v) = K::one(row, block.add(v * dim), dim);
                }
            }
            q += 1;
        }
        start = end;
    }
}
