//! NEON kernels: 4 lanes, four independent accumulators, scalar tails. Batch and multi-query
//! entry points reuse the pair kernel per vector (the multi-query path still gets the cache
//! tiling).

use std::arch::aarch64::*;

use super::super::kernels::Kernels;
use super::super::tiling::{RowKernel, multi_tiled};

/// The NEON kernel table. Only handed out when the CPU reports NEON.
pub(in crate::simd) const KERNELS: Kernels = Kernels {
    name: "neon",
    l2sq: l2sq_f32_neon,
    ip: ip_f32_neon,
    l2sq_batch: l2sq_batch_f32_neon,
    ip_batch: ip_batch_f32_neon,
    l2sq_multi: l2sq_multi_f32_neon,
    ip_multi: ip_multi_f32_neon,
    l2sq_gather: None,
    ip_gather: None,
    binary: super::types::BINARY,
    half: super::types::HALF,
    int8: super::types::INT8,
};

/// A metric as a per-lane accumulation step.
pub(super) trait Metric {
    /// `acc + term(a, b)` on 4 lanes.
    ///
    /// # Safety
    /// The CPU supports NEON.
    unsafe fn acc4(acc: float32x4_t, a: float32x4_t, b: float32x4_t) -> float32x4_t;

    /// `acc + term(a, b)` on one lane, for scalar tails.
    fn acc1(acc: f32, a: f32, b: f32) -> f32;
}

/// Squared Euclidean distance: term `(a - b)²`.
pub(super) struct L2;
/// Inner product: term `a · b`.
pub(super) struct Ip;

impl Metric for L2 {
    #[inline(always)]
    unsafe fn acc4(acc: float32x4_t, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        // SAFETY: the caller runs with NEON.
        unsafe {
            let d = vsubq_f32(a, b);
            vfmaq_f32(acc, d, d)
        }
    }

    #[inline(always)]
    fn acc1(acc: f32, a: f32, b: f32) -> f32 {
        let d = a - b;
        d.mul_add(d, acc)
    }
}

impl Metric for Ip {
    #[inline(always)]
    unsafe fn acc4(acc: float32x4_t, a: float32x4_t, b: float32x4_t) -> float32x4_t {
        // SAFETY: the caller runs with NEON.
        unsafe { vfmaq_f32(acc, a, b) }
    }

    #[inline(always)]
    fn acc1(acc: f32, a: f32, b: f32) -> f32 {
        a.mul_add(b, acc)
    }
}

/// Squared Euclidean distance. Contract: [`PairFn`](super::super::kernels::PairFn).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[target_feature(enable = "neon")]
pub(in crate::simd) unsafe fn l2sq_f32_neon(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables NEON.
    unsafe { pair::<L2>(a, b, n) }
}

/// Inner product. Contract: [`PairFn`](super::super::kernels::PairFn).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[target_feature(enable = "neon")]
pub(in crate::simd) unsafe fn ip_f32_neon(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables NEON.
    unsafe { pair::<Ip>(a, b, n) }
}

/// Squared Euclidean distances from one query to `n` vectors.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports NEON.
#[target_feature(enable = "neon")]
pub(in crate::simd) unsafe fn l2sq_batch_f32_neon(
    q: *const f32,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables NEON.
    unsafe { scan_rows::<L2>(q, block, dim, n, out) }
}

/// Inner products of one query with `n` vectors.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports NEON.
#[target_feature(enable = "neon")]
pub(in crate::simd) unsafe fn ip_batch_f32_neon(
    q: *const f32,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables NEON.
    unsafe { scan_rows::<Ip>(q, block, dim, n, out) }
}

/// Squared Euclidean distances for `nq` queries against `n` vectors, row-major by query.
///
/// # Safety
/// Contract of [`MultiFn`](super::super::kernels::MultiFn); the CPU supports NEON.
#[target_feature(enable = "neon")]
pub(in crate::simd) unsafe fn l2sq_multi_f32_neon(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables NEON.
    unsafe { multi_tiled::<Rows<L2>>(queries, nq, block, dim, n, out) }
}

/// Inner products for `nq` queries against `n` vectors, row-major by query.
///
/// # Safety
/// Contract of [`MultiFn`](super::super::kernels::MultiFn); the CPU supports NEON.
#[target_feature(enable = "neon")]
pub(in crate::simd) unsafe fn ip_multi_f32_neon(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables NEON.
    unsafe { multi_tiled::<Rows<Ip>>(queries, nq, block, dim, n, out) }
}

/// `M` over `n` floats: 16 per step into four accumulators, then 4 per step, then a scalar
/// tail of at most 3 elements.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[inline(always)]
unsafe fn pair<M: Metric>(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: every vector load reads [i, i + 4) with i + 4 <= n, every scalar read is below n;
    // the caller runs with NEON.
    unsafe {
        let mut s0 = vdupq_n_f32(0.0);
        let mut s1 = vdupq_n_f32(0.0);
        let mut s2 = vdupq_n_f32(0.0);
        let mut s3 = vdupq_n_f32(0.0);
        let mut i = 0;
        while i + 16 <= n {
            s0 = M::acc4(s0, vld1q_f32(a.add(i)), vld1q_f32(b.add(i)));
            s1 = M::acc4(s1, vld1q_f32(a.add(i + 4)), vld1q_f32(b.add(i + 4)));
            s2 = M::acc4(s2, vld1q_f32(a.add(i + 8)), vld1q_f32(b.add(i + 8)));
            s3 = M::acc4(s3, vld1q_f32(a.add(i + 12)), vld1q_f32(b.add(i + 12)));
            i += 16;
        }
        while i + 4 <= n {
            s0 = M::acc4(s0, vld1q_f32(a.add(i)), vld1q_f32(b.add(i)));
            i += 4;
        }
        let mut sum = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
        while i < n {
            sum = M::acc1(sum, *a.add(i), *b.add(i));
            i += 1;
        }
        sum
    }
}

/// The scan loop: one pair kernel per vector.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports NEON.
#[inline(always)]
unsafe fn scan_rows<M: Metric>(q: *const f32, block: *const f32, dim: usize, n: usize, out: *mut f32) {
    for v in 0..n {
        // SAFETY: v < n, so vector v and out[v] are in bounds.
        unsafe { *out.add(v) = pair::<M>(q, block.add(v * dim), dim) };
    }
}

/// Rows for the multi-query driver (four independent pair kernels per vector).
struct Rows<M>(std::marker::PhantomData<M>);

impl<M: Metric> RowKernel for Rows<M> {
    #[inline(always)]
    unsafe fn one(query: *const f32, vector: *const f32, dim: usize) -> f32 {
        // SAFETY: forwarded contract.
        unsafe { pair::<M>(query, vector, dim) }
    }

    #[inline(always)]
    unsafe fn four(queries: [*const f32; 4], vector: *const f32, dim: usize) -> [f32; 4] {
        // SAFETY: forwarded contract for each of the four queries.
        queries.map(|q| unsafe { pair::<M>(q, vector, dim) })
    }
}
