//! Packed-panel kernels for large multi-query batches: GEMM-style register tiling on AVX-512F
//! (16 lanes) and AVX2+FMA (8 lanes).
//!
//! The block is packed once per call into panels of one register's width of vectors, stored
//! dimension-major (panel `p`, dimension `d` holds `x[W p + r][d]` for the `W` lanes `r`), so
//! one load brings dimension `d` of `W` vectors. A micro-tile of `Q` queries × `P` panels keeps
//! its `Q × P` sums in accumulators with one pair per lane: each step broadcasts one float per
//! query and issues one FMA per accumulator, and no horizontal sum is ever needed — each
//! accumulator is stored as it is, `W` consecutive distances of one query.

use std::arch::x86_64::*;

use super::Metric;

/// Fewest queries for which packing the block pays off; smaller batches use the 4 × 4 kernel.
pub(super) const MIN_QUERIES: usize = 16;

/// One ISA's registers as the panel kernel uses them.
pub(super) trait Lanes {
    /// Floats per register (vectors per panel).
    const WIDTH: usize;
    /// Queries per micro-tile.
    const QUERIES: usize;
    /// Panels per micro-tile; `QUERIES × PANELS` accumulators, `PANELS` loads and a broadcast
    /// fit the register file.
    const PANELS: usize;
    /// The register type.
    type V: Copy;

    /// All lanes zero.
    ///
    /// # Safety
    /// The CPU supports the ISA.
    unsafe fn zero() -> Self::V;
    /// `WIDTH` floats from `p`.
    ///
    /// # Safety
    /// `p` is valid for `WIDTH` reads; the CPU supports the ISA.
    unsafe fn load(p: *const f32) -> Self::V;
    /// `x` in every lane.
    ///
    /// # Safety
    /// The CPU supports the ISA.
    unsafe fn splat(x: f32) -> Self::V;
    /// `acc + term(a, b)` of metric `M`, lane by lane.
    ///
    /// # Safety
    /// The CPU supports the ISA.
    unsafe fn acc<M: Metric>(acc: Self::V, a: Self::V, b: Self::V) -> Self::V;
    /// Writes the `WIDTH` lanes to `p`.
    ///
    /// # Safety
    /// `p` is valid for `WIDTH` writes; the CPU supports the ISA.
    unsafe fn store(p: *mut f32, v: Self::V);
}

/// AVX-512F: 16 lanes, 6 queries × 4 panels (24 of the 32 zmm registers accumulate).
pub(super) struct Zmm;
/// AVX2+FMA: 8 lanes, 3 queries × 3 panels (9 of the 16 ymm registers accumulate).
pub(super) struct Ymm;

impl Lanes for Zmm {
    const WIDTH: usize = 16;
    const QUERIES: usize = 6;
    const PANELS: usize = 4;
    type V = __m512;

    #[inline(always)]
    unsafe fn zero() -> __m512 {
        // SAFETY: the caller runs with AVX-512F.
        unsafe { _mm512_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> __m512 {
        // SAFETY: forwarded contract.
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> __m512 {
        // SAFETY: the caller runs with AVX-512F.
        unsafe { _mm512_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn acc<M: Metric>(acc: __m512, a: __m512, b: __m512) -> __m512 {
        // SAFETY: forwarded contract.
        unsafe { M::acc512(acc, a, b) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: __m512) {
        // SAFETY: forwarded contract.
        unsafe { _mm512_storeu_ps(p, v) }
    }
}

impl Lanes for Ymm {
    const WIDTH: usize = 8;
    const QUERIES: usize = 3;
    const PANELS: usize = 3;
    type V = __m256;

    #[inline(always)]
    unsafe fn zero() -> __m256 {
        // SAFETY: the caller runs with AVX2.
        unsafe { _mm256_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32) -> __m256 {
        // SAFETY: forwarded contract.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> __m256 {
        // SAFETY: the caller runs with AVX2.
        unsafe { _mm256_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn acc<M: Metric>(acc: __m256, a: __m256, b: __m256) -> __m256 {
        // SAFETY: forwarded contract.
        unsafe { M::acc256(acc, a, b) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: __m256) {
        // SAFETY: forwarded contract.
        unsafe { _mm256_storeu_ps(p, v) }
    }
}

/// Scores `nq` queries against `n` vectors into the row-major `nq × n` matrix `out`.
///
/// Each result sums its terms over dimensions in order in one lane.
///
/// # Safety
/// `dim >= 1`; `queries` is valid for `nq * dim` reads, `block` for `n * dim` reads, `out` for
/// `nq * n` writes (not overlapping the inputs); the CPU supports `L`'s ISA.
#[inline(always)]
pub(super) unsafe fn multi_panels<L: Lanes, M: Metric>(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    let panels = n.div_ceil(L::WIDTH);
    // SAFETY: forwarded contract.
    let packed = unsafe { pack(block, dim, n, L::WIDTH, panels) };
    let mut p = 0;
    while p < panels {
        let count = (panels - p).min(L::PANELS);
        let first_row = p * L::WIDTH;
        // SAFETY: first_row * dim < panels * width * dim floats, within `packed`.
        let start = unsafe { packed.as_ptr().cast::<f32>().add(first_row * dim) };
        let tile = Tile { queries, nq, dim, n, out, packed: start, first_row };
        // SAFETY: forwarded contract; `count` panels from `p` exist in `packed`.
        unsafe {
            match count {
                4 => tile.run::<L, M, 4>(),
                3 => tile.run::<L, M, 3>(),
                2 => tile.run::<L, M, 2>(),
                _ => tile.run::<L, M, 1>(),
            }
        }
        p += count;
    }
}

/// One cache line of packed floats; packing into these aligns every panel load.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([f32; 16]);

/// The block's vectors in dimension-major panels of `width`, zero-padded to whole panels, in
/// cache-line-aligned storage.
///
/// # Safety
/// `block` is valid for `n * dim` reads.
unsafe fn pack(block: *const f32, dim: usize, n: usize, width: usize, panels: usize) -> Vec<Line> {
    let mut packed = vec![Line([0.0; 16]); (panels * width * dim).div_ceil(16)];
    let floats = packed.as_mut_ptr().cast::<f32>();
    for v in 0..n {
        let base = (v / width) * width * dim + v % width;
        for d in 0..dim {
            // SAFETY: v < n and d < dim, so the read is within the caller's `n * dim` block and
            // the write below `panels * width * dim`, within `packed` (Lines are plain floats).
            unsafe { *floats.add(base + d * width) = *block.add(v * dim + d) };
        }
    }
    packed
}

/// A run of packed panels against every query.
struct Tile {
    queries: *const f32,
    nq: usize,
    dim: usize,
    n: usize,
    out: *mut f32,
    /// The first panel of the run.
    packed: *const f32,
    /// The block row of the run's first panel.
    first_row: usize,
}

impl Tile {
    /// Scores the run's `P` panels against all queries, `L::QUERIES` at a time.
    ///
    /// # Safety
    /// Contract of [`multi_panels`]; `P` panels of `L::WIDTH * dim` floats start at `packed`.
    #[inline(always)]
    unsafe fn run<L: Lanes, M: Metric, const P: usize>(&self) {
        let mut q = 0;
        while q < self.nq {
            let count = (self.nq - q).min(L::QUERIES);
            // SAFETY: forwarded contract; queries q..q + count exist.
            unsafe {
                match count {
                    6 => self.micro::<L, M, 6, P>(q),
                    5 => self.micro::<L, M, 5, P>(q),
                    4 => self.micro::<L, M, 4, P>(q),
                    3 => self.micro::<L, M, 3, P>(q),
                    2 => self.micro::<L, M, 2, P>(q),
                    _ => self.micro::<L, M, 1, P>(q),
                }
            }
            q += count;
        }
    }

    /// Queries `q..q + Q` against the run's `P` panels, stored to their rows of `out`.
    ///
    /// # Safety
    /// Contract of [`Tile::run`]; `q + Q <= nq`.
    #[inline(always)]
    unsafe fn micro<L: Lanes, M: Metric, const Q: usize, const P: usize>(&self, q: usize) {
        let (dim, width) = (self.dim, L::WIDTH);
        // SAFETY: every panel load reads `width` floats of panel j < P at dimension d < dim,
        // within the packed panels; every broadcast reads query q + k < nq at d < dim; each
        // store writes only the rows of query q + k that exist (first_row + width j + r < n).
        unsafe {
            let mut acc = [[L::zero(); P]; Q];
            let qs: [*const f32; Q] = std::array::from_fn(|k| self.queries.add((q + k) * dim));
            for d in 0..dim {
                let x: [L::V; P] = std::array::from_fn(|j| L::load(self.packed.add((j * dim + d) * width)));
                for (sums, query) in acc.iter_mut().zip(qs) {
                    let b = L::splat(*query.add(d));
                    for (sum, &xv) in sums.iter_mut().zip(&x) {
                        *sum = L::acc::<M>(*sum, xv, b);
                    }
                }
            }
            for (k, row) in acc.iter().enumerate() {
                let out = self.out.add((q + k) * self.n + self.first_row);
                for (j, &sums) in row.iter().enumerate() {
                    let rows = self.n - self.first_row - j * width;
                    if rows >= width {
                        L::store(out.add(j * width), sums);
                    } else {
                        let mut lanes = [0.0f32; 16];
                        L::store(lanes.as_mut_ptr(), sums);
                        std::ptr::copy_nonoverlapping(lanes.as_ptr(), out.add(j * width), rows);
                    }
                }
            }
        }
    }
}
