//! Cache tiling for multi-query batches: each tile of the block is read from memory once and
//! then scored against every query while it is cache-resident; queries are taken in groups
//! small enough to stay in L1, and within a group every query meets a vector right after it is
//! loaded, so arithmetic overlaps the memory stream.

/// Bytes of block vectors per tile. Small enough to stay in L2 on current x86 and Arm cores
/// (and mostly in a large L1), large enough that per-tile bookkeeping is negligible.
const TILE_BYTES: usize = 96 * 1024;

/// How far ahead of the vector being scored the driver asks for block data, in bytes. The
/// multi-query inner loop spends long enough on each vector that the hardware prefetcher alone
/// falls behind; explicit prefetches let memory and arithmetic overlap.
const PREFETCH_AHEAD_BYTES: usize = 2048;

/// Bytes of queries per group: a fraction of the smallest common L1 data cache (32 KiB), so a
/// group stays resident next to the vectors being scored.
const QUERY_GROUP_BYTES: usize = 16 * 1024;

/// Vectors per tile for vectors of `dim` floats (at least one).
#[inline]
pub(super) fn tile_vectors(dim: usize) -> usize {
    (TILE_BYTES / (dim * size_of::<f32>()).max(1)).max(1)
}

/// Queries per group for queries of `dim` floats: a multiple of four, at least four.
#[inline]
pub(super) fn group_queries(dim: usize) -> usize {
    (QUERY_GROUP_BYTES / (dim * size_of::<f32>()).max(1)).max(4) / 4 * 4
}

/// Vectors between the one being scored and the one being prefetched (at least one).
#[inline]
fn prefetch_distance(dim: usize) -> usize {
    (PREFETCH_AHEAD_BYTES / (dim * size_of::<f32>()).max(1)).max(1)
}

/// Distance kernels the tiling driver is generic over, one implementation per ISA and metric.
pub(super) trait RowKernel {
    /// Hints that the `dim` floats at `vector` will be read soon. The default does nothing.
    ///
    /// # Safety
    /// `vector` is valid for `dim` reads.
    #[inline(always)]
    unsafe fn prefetch(vector: *const f32, dim: usize) {
        let _ = (vector, dim);
    }

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

    /// Distances between four queries and four consecutive vectors (`vectors` holds `4 * dim`
    /// floats): `out[k][j]` receives query `k` against vector `j`. The default calls
    /// [`RowKernel::four`] per vector; ISAs with enough registers score all sixteen pairs at once.
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
/// Loop order: block tile (L2) → query group (L1) → vectors four at a time → queries four at a
/// time, so loads are shared across a 4 × 4 block of pairs and the block is read from memory
/// once. Inlined into
/// each ISA's entry point so `K`'s kernels are compiled with that entry point's target features.
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
    let group = group_queries(dim);
    let ahead = prefetch_distance(dim);
    let mut tile_start = 0;
    while tile_start < n {
        let tile_end = n.min(tile_start + tile);
        let mut group_start = 0;
        while group_start < nq {
            let group_end = nq.min(group_start + group);
            let mut v = tile_start;
            while v < tile_end {
                // Four vectors at a time where the tile allows, so each query load serves four
                // vectors and each vector load four queries.
                let step = if v + 4 <= tile_end { 4 } else { 1 };
                // SAFETY: v + step <= tile_end <= n, v + j + ahead < tile_end when prefetched,
                // and every query index below is < group_end <= nq, so each read, prefetch and
                // write is in bounds.
                unsafe {
                    // The first group pulls the tile from memory; later groups find it cached.
                    if group_start == 0 {
                        for j in 0..step {
                            if v + j + ahead < tile_end {
                                K::prefetch(block.add((v + j + ahead) * dim), dim);
                            }
                        }
                    }
                    let vectors = block.add(v * dim);
                    let mut q = group_start;
                    while q + 4 <= group_end {
                        let rows = [q, q + 1, q + 2, q + 3].map(|r| queries.add(r * dim));
                        if step == 4 {
                            let outs = [q, q + 1, q + 2, q + 3].map(|r| out.add(r * n + v));
                            K::four_by_four(rows, vectors, dim, outs);
                        } else {
                            let d = K::four(rows, vectors, dim);
                            for (k, dist) in d.into_iter().enumerate() {
                                *out.add((q + k) * n + v) = dist;
                            }
                        }
                        q += 4;
                    }
                    while q < group_end {
                        for j in 0..step {
                            *out.add(q * n + v + j) = K::one(queries.add(q * dim), vectors.add(j * dim), dim);
                        }
                        q += 1;
                    }
                }
                v += step;
            }
            group_start = group_end;
        }
        tile_start = tile_end;
    }
}
