//! AVX2+FMA kernels: 8 lanes, four independent ymm accumulators, scalar tails.
//!
//! The batch scan has straight-line bodies for common dims (the dim is a constant in each
//! `match` arm, so the loops fold away); every other dim takes the generic loop.

use std::arch::x86_64::*;

use super::super::kernels::Kernels;
use super::super::tiling::{RowKernel, multi_tiled};
use super::{Ip, L2, Metric, hsum256, hsum256x4, panel, prefetch_lines, scan_dim8};

/// The AVX2+FMA kernel table. Only handed out when the CPU reports AVX2 and FMA.
pub(in crate::simd) const KERNELS: Kernels = Kernels {
    name: "avx2+fma",
    l2sq: l2sq_f32_avx2,
    ip: ip_f32_avx2,
    l2sq_batch: l2sq_batch_f32_avx2,
    ip_batch: ip_batch_f32_avx2,
    l2sq_multi: l2sq_multi_f32_avx2,
    ip_multi: ip_multi_f32_avx2,
    l2sq_gather: None,
    ip_gather: None,
    binary: super::binary::AVX2,
    half: super::half::AVX2,
    int8: super::int8::AVX2,
};

/// Squared Euclidean distance. Contract: [`PairFn`](super::super::kernels::PairFn).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_f32_avx2(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair` needs.
    unsafe { pair::<L2>(a, b, n) }
}

/// Inner product. Contract: [`PairFn`](super::super::kernels::PairFn).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(in crate::simd) unsafe fn ip_f32_avx2(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair` needs.
    unsafe { pair::<Ip>(a, b, n) }
}

/// Squared Euclidean distances from one query to `n` vectors.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_batch_f32_avx2(
    q: *const f32,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables the features `scan` needs.
    unsafe { scan::<L2>(q, block, dim, n, out) }
}

/// Inner products of one query with `n` vectors.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(in crate::simd) unsafe fn ip_batch_f32_avx2(
    q: *const f32,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables the features `scan` needs.
    unsafe { scan::<Ip>(q, block, dim, n, out) }
}

/// Squared Euclidean distances for `nq` queries against `n` vectors, row-major by query.
///
/// # Safety
/// Contract of [`MultiFn`](super::super::kernels::MultiFn); the CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_multi_f32_avx2(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables the features both kernels need.
    unsafe {
        if nq >= panel::MIN_QUERIES {
            panel::multi_panels::<panel::Ymm, L2>(queries, nq, block, dim, n, out)
        } else {
            multi_tiled::<Rows<L2>>(queries, nq, block, dim, n, out)
        }
    }
}

/// Inner products for `nq` queries against `n` vectors, row-major by query.
///
/// # Safety
/// Contract of [`MultiFn`](super::super::kernels::MultiFn); the CPU supports AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(in crate::simd) unsafe fn ip_multi_f32_avx2(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables the features both kernels need.
    unsafe {
        if nq >= panel::MIN_QUERIES {
            panel::multi_panels::<panel::Ymm, Ip>(queries, nq, block, dim, n, out)
        } else {
            multi_tiled::<Rows<Ip>>(queries, nq, block, dim, n, out)
        }
    }
}

/// `M` over `n` floats: 32 per step into four accumulators, then 8 per step, then a scalar
/// tail of at most 7 elements.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2 and FMA.
#[inline(always)]
unsafe fn pair<M: Metric>(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: every vector load reads [i, i + 8) with i + 8 <= n, every scalar read is below n;
    // the caller runs with AVX2+FMA.
    unsafe {
        let mut s0 = _mm256_setzero_ps();
        let mut s1 = _mm256_setzero_ps();
        let mut s2 = _mm256_setzero_ps();
        let mut s3 = _mm256_setzero_ps();
        let mut i = 0;
        while i + 32 <= n {
            s0 = M::acc256(s0, _mm256_loadu_ps(a.add(i)), _mm256_loadu_ps(b.add(i)));
            s1 = M::acc256(s1, _mm256_loadu_ps(a.add(i + 8)), _mm256_loadu_ps(b.add(i + 8)));
            s2 = M::acc256(s2, _mm256_loadu_ps(a.add(i + 16)), _mm256_loadu_ps(b.add(i + 16)));
            s3 = M::acc256(s3, _mm256_loadu_ps(a.add(i + 24)), _mm256_loadu_ps(b.add(i + 24)));
            i += 32;
        }
        // Rotate through the accumulators so an 8..31 remainder still has independent chains.
        if i + 8 <= n {
            s0 = M::acc256(s0, _mm256_loadu_ps(a.add(i)), _mm256_loadu_ps(b.add(i)));
            i += 8;
        }
        if i + 8 <= n {
            s1 = M::acc256(s1, _mm256_loadu_ps(a.add(i)), _mm256_loadu_ps(b.add(i)));
            i += 8;
        }
        if i + 8 <= n {
            s2 = M::acc256(s2, _mm256_loadu_ps(a.add(i)), _mm256_loadu_ps(b.add(i)));
            i += 8;
        }
        let mut sum = hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
        while i < n {
            sum = M::acc1(sum, *a.add(i), *b.add(i));
            i += 1;
        }
        sum
    }
}

/// One query against `n` vectors, with straight-line bodies for common dims.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX2 and FMA.
#[inline(always)]
unsafe fn scan<M: Metric>(q: *const f32, block: *const f32, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: forwarded contract; each arm passes the dim it matched.
    unsafe {
        match dim {
            8 => scan_dim8::<M>(q, block, n, out),
            16 => scan_rows::<M>(q, block, 16, n, out),
            32 => scan_rows::<M>(q, block, 32, n, out),
            64 => scan_rows::<M>(q, block, 64, n, out),
            96 => scan_rows::<M>(q, block, 96, n, out),
            128 => scan_rows::<M>(q, block, 128, n, out),
            256 => scan_rows::<M>(q, block, 256, n, out),
            384 => scan_rows::<M>(q, block, 384, n, out),
            512 => scan_rows::<M>(q, block, 512, n, out),
            768 => scan_rows::<M>(q, block, 768, n, out),
            1024 => scan_rows::<M>(q, block, 1024, n, out),
            1536 => scan_rows::<M>(q, block, 1536, n, out),
            _ => scan_rows::<M>(q, block, dim, n, out),
        }
    }
}

/// The scan loop; with a literal `dim` the inlined `pair` becomes a straight-line body.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX2 and FMA.
#[inline(always)]
unsafe fn scan_rows<M: Metric>(q: *const f32, block: *const f32, dim: usize, n: usize, out: *mut f32) {
    for v in 0..n {
        // SAFETY: v < n, so vector v and out[v] are in bounds.
        unsafe { *out.add(v) = pair::<M>(q, block.add(v * dim), dim) };
    }
}

/// Register-blocked rows for the multi-query driver: four queries share each vector load.
struct Rows<M>(std::marker::PhantomData<M>);

impl<M: Metric> RowKernel for Rows<M> {
    #[inline(always)]
    unsafe fn prefetch(vector: *const f32, dim: usize) {
        // SAFETY: forwarded contract.
        unsafe { prefetch_lines(vector, dim) }
    }

    #[inline(always)]
    unsafe fn one(query: *const f32, vector: *const f32, dim: usize) -> f32 {
        // SAFETY: forwarded contract.
        unsafe { pair::<M>(query, vector, dim) }
    }

    #[inline(always)]
    unsafe fn four(queries: [*const f32; 4], vector: *const f32, dim: usize) -> [f32; 4] {
        let [q0, q1, q2, q3] = queries;
        // SAFETY: vector loads read [i, i + 8) with i + 8 <= dim, scalar reads stay below dim,
        // from pointers valid for dim reads; the caller runs with AVX2+FMA.
        unsafe {
            let mut s0 = _mm256_setzero_ps();
            let mut s1 = _mm256_setzero_ps();
            let mut s2 = _mm256_setzero_ps();
            let mut s3 = _mm256_setzero_ps();
            let mut i = 0;
            while i + 8 <= dim {
                let x = _mm256_loadu_ps(vector.add(i));
                s0 = M::acc256(s0, x, _mm256_loadu_ps(q0.add(i)));
                s1 = M::acc256(s1, x, _mm256_loadu_ps(q1.add(i)));
                s2 = M::acc256(s2, x, _mm256_loadu_ps(q2.add(i)));
                s3 = M::acc256(s3, x, _mm256_loadu_ps(q3.add(i)));
                i += 8;
            }
            let mut d = hsum256x4(s0, s1, s2, s3);
            while i < dim {
                let x = *vector.add(i);
                d[0] = M::acc1(d[0], x, *q0.add(i));
                d[1] = M::acc1(d[1], x, *q1.add(i));
                d[2] = M::acc1(d[2], x, *q2.add(i));
                d[3] = M::acc1(d[3], x, *q3.add(i));
                i += 1;
            }
            d
        }
    }
}
