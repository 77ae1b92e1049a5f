//! AVX-512F kernels: 16 lanes, four independent zmm accumulators, masked tails.
//!
//! The batch scan has straight-line bodies for common dims (the dim is a constant in each
//! `match` arm, so the loops fold away); every other dim takes the generic masked-tail loop.

use std::arch::x86_64::*;

use super::super::kernels::{GATHER_AHEAD, Kernels};
use super::super::tiling::{RowKernel, multi_tiled};
use super::{Ip, L2, Metric, hsum256x4, panel, prefetch_lines, scan_dim8};

/// The AVX-512 kernel table. Only handed out when the CPU reports AVX-512F, AVX2 and FMA.
pub(in crate::simd) const KERNELS: Kernels = Kernels {
    name: "avx512",
    l2sq: l2sq_f32_avx512,
    ip: ip_f32_avx512,
    l2sq_batch: l2sq_batch_f32_avx512,
    ip_batch: ip_batch_f32_avx512,
    l2sq_multi: l2sq_multi_f32_avx512,
    ip_multi: ip_multi_f32_avx512,
    l2sq_gather: Some(l2sq_gather_f32_avx512),
    ip_gather: Some(ip_gather_f32_avx512),
    binary: super::binary::AVX512,
    half: super::half::AVX512,
    int8: super::int8::AVX512,
};

/// Squared Euclidean distance. Contract: [`PairFn`](super::super::kernels::PairFn).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_f32_avx512(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair_aligning_b` needs.
    unsafe { pair_aligning_b::<L2>(a, b, n) }
}

/// Inner product. Contract: [`PairFn`](super::super::kernels::PairFn).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn ip_f32_avx512(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair_aligning_b` needs.
    unsafe { pair_aligning_b::<Ip>(a, b, n) }
}

/// Squared Euclidean distances from one query to `n` vectors.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_batch_f32_avx512(
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
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn ip_batch_f32_avx512(
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
/// Contract of [`MultiFn`](super::super::kernels::MultiFn); the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_multi_f32_avx512(
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
            panel::multi_panels::<panel::Zmm, L2>(queries, nq, block, dim, n, out)
        } else {
            multi_tiled::<Rows<L2>>(queries, nq, block, dim, n, out)
        }
    }
}

/// Inner products for `nq` queries against `n` vectors, row-major by query.
///
/// # Safety
/// Contract of [`MultiFn`](super::super::kernels::MultiFn); the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn ip_multi_f32_avx512(
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
            panel::multi_panels::<panel::Zmm, Ip>(queries, nq, block, dim, n, out)
        } else {
            multi_tiled::<Rows<Ip>>(queries, nq, block, dim, n, out)
        }
    }
}

/// Squared Euclidean distances from one query to listed rows of a block.
///
/// # Safety
/// Contract of [`GatherFn`](super::super::kernels::GatherFn); the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn l2sq_gather_f32_avx512(
    q: *const f32,
    block: *const f32,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables the features `gather` needs.
    unsafe { gather::<L2>(q, block, dim, rows, count, out) }
}

/// Inner products of one query with listed rows of a block.
///
/// # Safety
/// Contract of [`GatherFn`](super::super::kernels::GatherFn); the CPU supports AVX-512F.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(in crate::simd) unsafe fn ip_gather_f32_avx512(
    q: *const f32,
    block: *const f32,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; this function enables the features `gather` needs.
    unsafe { gather::<Ip>(q, block, dim, rows, count, out) }
}

/// Lane mask selecting the first `len` (< 16) lanes.
#[inline(always)]
pub(super) fn tail_mask(len: usize) -> __mmask16 {
    debug_assert!(len < 16);
    ((1u32 << len) - 1) as __mmask16
}

/// Adds the upper 8 lanes of `v` onto the lower 8.
///
/// # Safety
/// The CPU supports AVX-512F.
#[inline(always)]
pub(super) unsafe fn fold256(v: __m512) -> __m256 {
    // SAFETY: the caller runs with AVX-512F. (The f64x4 extract is AVX-512F; the f32x8 one
    // would need AVX-512DQ.)
    unsafe {
        let high = _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v)));
        _mm256_add_ps(_mm512_castps512_ps256(v), high)
    }
}

/// Below this length a pair is not worth an alignment head.
const PEEL_MIN: usize = 128;

/// [`pair`] for the pair entry points, where inputs may sit anywhere. Vectors shorter than 16
/// take a single masked step. For `n >= PEEL_MIN` a
/// masked head first brings `b` to a 64-byte boundary, so none of its loads split a cache
/// line (split loads roughly halve the speed of L1-resident pairs). Stored vectors go in `b`.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn pair_aligning_b<M: Metric>(a: *const f32, b: *const f32, n: usize) -> f32 {
    let past_boundary = (b.addr() % 64) / size_of::<f32>();
    // SAFETY: masked loads touch only lanes below `n` (short case) or below the head length
    // `16 - past_boundary <= 15 < n`; `pair_from` continues from there under the same contract;
    // the caller runs with AVX-512F.
    unsafe {
        if n < 16 {
            // Short vectors: one masked step and a direct reduction, no accumulator merging.
            let m = tail_mask(n);
            let terms =
                M::acc512(_mm512_setzero_ps(), _mm512_maskz_loadu_ps(m, a), _mm512_maskz_loadu_ps(m, b));
            return _mm512_reduce_add_ps(terms);
        }
        if n < PEEL_MIN || past_boundary == 0 {
            return pair::<M>(a, b, n);
        }
        let head = 16 - past_boundary;
        let m = tail_mask(head);
        let terms = M::acc512(_mm512_setzero_ps(), _mm512_maskz_loadu_ps(m, a), _mm512_maskz_loadu_ps(m, b));
        pair_from::<M>(a, b, n, head, terms)
    }
}

/// `M` over `n` floats. See [`pair_from`].
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn pair<M: Metric>(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { pair_from::<M>(a, b, n, 0, _mm512_setzero_ps()) }
}

/// `M` over elements `start..n`, added to `head` (the terms of elements `..start`): 64 per step
/// into four accumulators, then up to three 16-wide steps, then one masked step (masked-off
/// lanes load as zero and add nothing for either metric).
///
/// # Safety
/// `start <= n`; `a` and `b` are valid for `n` reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn pair_from<M: Metric>(a: *const f32, b: *const f32, n: usize, start: usize, head: __m512) -> f32 {
    // SAFETY: every full load reads [i, i + 16) with i + 16 <= n; the masked load touches only
    // lanes below n - i; the caller runs with AVX-512F.
    unsafe {
        let mut s0 = _mm512_setzero_ps();
        let mut s1 = _mm512_setzero_ps();
        let mut s2 = _mm512_setzero_ps();
        let mut s3 = head;
        let mut i = start;
        while i + 64 <= n {
            s0 = M::acc512(s0, _mm512_loadu_ps(a.add(i)), _mm512_loadu_ps(b.add(i)));
            s1 = M::acc512(s1, _mm512_loadu_ps(a.add(i + 16)), _mm512_loadu_ps(b.add(i + 16)));
            s2 = M::acc512(s2, _mm512_loadu_ps(a.add(i + 32)), _mm512_loadu_ps(b.add(i + 32)));
            s3 = M::acc512(s3, _mm512_loadu_ps(a.add(i + 48)), _mm512_loadu_ps(b.add(i + 48)));
            i += 64;
        }
        // Rotate through the accumulators so a 16..63 remainder still has independent chains.
        if i + 16 <= n {
            s0 = M::acc512(s0, _mm512_loadu_ps(a.add(i)), _mm512_loadu_ps(b.add(i)));
            i += 16;
        }
        if i + 16 <= n {
            s1 = M::acc512(s1, _mm512_loadu_ps(a.add(i)), _mm512_loadu_ps(b.add(i)));
            i += 16;
        }
        if i + 16 <= n {
            s2 = M::acc512(s2, _mm512_loadu_ps(a.add(i)), _mm512_loadu_ps(b.add(i)));
            i += 16;
        }
        if i < n {
            let m = tail_mask(n - i);
            s3 = M::acc512(s3, _mm512_maskz_loadu_ps(m, a.add(i)), _mm512_maskz_loadu_ps(m, b.add(i)));
        }
        _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)))
    }
}

/// One query against `n` vectors, with straight-line bodies for common dims.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX-512F.
#[inline(always)]
unsafe fn scan<M: Metric>(q: *const f32, block: *const f32, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: forwarded contract; each arm passes the dim it matched.
    unsafe {
        match dim {
            8 => scan_dim8::<M>(q, block, n, out),
            16 => scan_held::<M, 1>(q, block, n, out),
            32 => scan_held::<M, 2>(q, block, n, out),
            64 => scan_held::<M, 4>(q, block, n, out),
            96 => scan_held::<M, 6>(q, block, n, out),
            128 => scan_held::<M, 8>(q, block, n, out),
            256 => scan_held::<M, 16>(q, block, n, out),
            384 => scan_rows::<M>(q, block, 384, n, out),
            512 => scan_rows::<M>(q, block, 512, n, out),
            768 => scan_rows::<M>(q, block, 768, n, out),
            1024 => scan_rows::<M>(q, block, 1024, n, out),
            1536 => scan_rows::<M>(q, block, 1536, n, out),
            _ => scan_rows::<M>(q, block, dim, n, out),
        }
    }
}

/// The `16 * W` floats of a query in `W` registers.
///
/// # Safety
/// `q` is valid for `16 * W` reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn hold<const W: usize>(q: *const f32) -> [__m512; W] {
    // SAFETY: the loads stay within the 16 * W readable floats; the caller runs with AVX-512F.
    unsafe {
        let mut query = [_mm512_setzero_ps(); W];
        for (w, reg) in query.iter_mut().enumerate() {
            *reg = _mm512_loadu_ps(q.add(16 * w));
        }
        query
    }
}

/// Four vectors of `16 * W` floats scored against a held query, with one shared horizontal
/// reduction.
///
/// # Safety
/// Each of `v` is valid for `16 * W` reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn score4<M: Metric, const W: usize>(query: &[__m512; W], v: [*const f32; 4]) -> [f32; 4] {
    // SAFETY: every load reads floats 16w..16w + 16 < 16 * W of one vector; the caller runs with
    // AVX-512F.
    unsafe {
        let mut s = [_mm512_setzero_ps(); 4];
        for (w, reg) in query.iter().enumerate() {
            for (acc, p) in s.iter_mut().zip(v) {
                *acc = M::acc512(*acc, _mm512_loadu_ps(p.add(16 * w)), *reg);
            }
        }
        hsum256x4(fold256(s[0]), fold256(s[1]), fold256(s[2]), fold256(s[3]))
    }
}

/// The scan loop for `dim = 16 * W` (W ≤ 16): [`held`] over consecutive vectors.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn) with `dim == 16 * W`; the CPU
/// supports AVX-512F.
#[inline(always)]
unsafe fn scan_held<M: Metric, const W: usize>(q: *const f32, block: *const f32, n: usize, out: *mut f32) {
    // SAFETY: vectors 0..n lie within the n * 16 * W readable floats of `block` (contract).
    unsafe { held::<M, W, false>(q, n, |i| block.add(i * 16 * W), out) }
}

/// Scores `count` vectors of `dim = 16 * W` floats (W ≤ 16), vector `i` at `vector(i)`: the
/// query stays in `W` registers and vectors are scored four at a time with one shared
/// horizontal reduction. With `PREFETCH` (scattered vectors) the vectors [`GATHER_AHEAD`] on
/// are prefetched.
///
/// # Safety
/// `q` holds `dim` readable floats, `vector(i)` is valid for `dim` reads for every `i < count`,
/// `out` for `count` writes; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn held<M: Metric, const W: usize, const PREFETCH: bool>(
    q: *const f32,
    count: usize,
    vector: impl Fn(usize) -> *const f32,
    out: *mut f32,
) {
    let dim = 16 * W;
    // SAFETY: `vector` is only called with i < count; out[i..i + 4] lies within its count
    // writable floats; the caller runs with AVX-512F.
    unsafe {
        let query = hold::<W>(q);
        let mut i = 0;
        while i + 4 <= count {
            if PREFETCH {
                for ahead in i + GATHER_AHEAD..(i + GATHER_AHEAD + 4).min(count) {
                    prefetch_lines(vector(ahead), dim);
                }
            }
            let r = score4::<M, W>(&query, [vector(i), vector(i + 1), vector(i + 2), vector(i + 3)]);
            for (j, d) in r.into_iter().enumerate() {
                *out.add(i + j) = d;
            }
            i += 4;
        }
        while i < count {
            *out.add(i) = pair::<M>(q, vector(i), dim);
            i += 1;
        }
    }
}

/// Listed rows against one query, with query-in-registers bodies for common dims.
///
/// # Safety
/// Contract of [`GatherFn`](super::super::kernels::GatherFn); the CPU supports AVX-512F.
#[inline(always)]
unsafe fn gather<M: Metric>(
    q: *const f32,
    block: *const f32,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; each arm passes the dim it matched.
    unsafe {
        match dim {
            16 => gather_held::<M, 1>(q, block, rows, count, out),
            32 => gather_held::<M, 2>(q, block, rows, count, out),
            64 => gather_held::<M, 4>(q, block, rows, count, out),
            96 => gather_held::<M, 6>(q, block, rows, count, out),
            128 => gather_held::<M, 8>(q, block, rows, count, out),
            256 => gather_held::<M, 16>(q, block, rows, count, out),
            _ => gather_rows::<M>(q, block, dim, rows, count, out),
        }
    }
}

/// The gather loop for `dim = 16 * W` (W ≤ 16): [`held`] over the listed rows, prefetching.
///
/// # Safety
/// Contract of [`GatherFn`](super::super::kernels::GatherFn) with `dim == 16 * W`; the CPU
/// supports AVX-512F.
#[inline(always)]
unsafe fn gather_held<M: Metric, const W: usize>(
    q: *const f32,
    block: *const f32,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: `rows` holds count entries, each listed row's 16 * W floats are readable
    // (contract), and `held` reads rows[i] only for i < count.
    unsafe { held::<M, W, true>(q, count, |i| block.add(*rows.add(i) as usize * 16 * W), out) }
}

/// The gather loop for any dim: one row at a time, prefetching [`GATHER_AHEAD`] rows on.
///
/// # Safety
/// Contract of [`GatherFn`](super::super::kernels::GatherFn); the CPU supports AVX-512F.
#[inline(always)]
unsafe fn gather_rows<M: Metric>(
    q: *const f32,
    block: *const f32,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: `vector(i)` is only called with i < count, and each listed row's dim floats are
    // readable (contract); out[i] lies within its count writable floats.
    unsafe {
        let vector = |i: usize| block.add(*rows.add(i) as usize * dim);
        for i in 0..count {
            if i + GATHER_AHEAD < count {
                prefetch_lines(vector(i + GATHER_AHEAD), dim);
            }
            *out.add(i) = pair::<M>(q, vector(i), dim);
        }
    }
}

/// The scan loop; with a literal `dim` the inlined `pair` becomes a straight-line body.
///
/// # Safety
/// Contract of [`BatchFn`](super::super::kernels::BatchFn); the CPU supports AVX-512F.
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
        // SAFETY: full loads read [i, i + 16) with i + 16 <= dim, the masked load only lanes
        // below dim - i, from pointers valid for dim reads; the caller runs with AVX-512F.
        unsafe {
            let mut s0 = _mm512_setzero_ps();
            let mut s1 = _mm512_setzero_ps();
            let mut s2 = _mm512_setzero_ps();
            let mut s3 = _mm512_setzero_ps();
            let mut i = 0;
            while i + 16 <= dim {
                let x = _mm512_loadu_ps(vector.add(i));
                s0 = M::acc512(s0, x, _mm512_loadu_ps(q0.add(i)));
                s1 = M::acc512(s1, x, _mm512_loadu_ps(q1.add(i)));
                s2 = M::acc512(s2, x, _mm512_loadu_ps(q2.add(i)));
                s3 = M::acc512(s3, x, _mm512_loadu_ps(q3.add(i)));
                i += 16;
            }
            if i < dim {
                let m = tail_mask(dim - i);
                let x = _mm512_maskz_loadu_ps(m, vector.add(i));
                s0 = M::acc512(s0, x, _mm512_maskz_loadu_ps(m, q0.add(i)));
                s1 = M::acc512(s1, x, _mm512_maskz_loadu_ps(m, q1.add(i)));
                s2 = M::acc512(s2, x, _mm512_maskz_loadu_ps(m, q2.add(i)));
                s3 = M::acc512(s3, x, _mm512_maskz_loadu_ps(m, q3.add(i)));
            }
            hsum256x4(fold256(s0), fold256(s1), fold256(s2), fold256(s3))
        }
    }

    #[inline(always)]
    unsafe fn four_by_four(queries: [*const f32; 4], vectors: *const f32, dim: usize, out: [*mut f32; 4]) {
        // SAFETY: full loads read [i, i + 16) with i + 16 <= dim of each query and of each of the
        // four vectors (all within the 4 * dim readable floats), the masked loads only lanes
        // below dim - i; each out row gets 4 floats; the caller runs with AVX-512F.
        unsafe {
            // acc[4 * k + j]: query k, vector j.
            let mut acc = [_mm512_setzero_ps(); 16];
            let x = [0, 1, 2, 3].map(|j| vectors.add(j * dim));
            let mut i = 0;
            while i + 16 <= dim {
                let xs = x.map(|p| _mm512_loadu_ps(p.add(i)));
                for (k, q) in queries.iter().enumerate() {
                    let qv = _mm512_loadu_ps(q.add(i));
                    for (j, &xv) in xs.iter().enumerate() {
                        acc[4 * k + j] = M::acc512(acc[4 * k + j], xv, qv);
                    }
                }
                i += 16;
            }
            if i < dim {
                let m = tail_mask(dim - i);
                let xs = x.map(|p| _mm512_maskz_loadu_ps(m, p.add(i)));
                for (k, q) in queries.iter().enumerate() {
                    let qv = _mm512_maskz_loadu_ps(m, q.add(i));
                    for (j, &xv) in xs.iter().enumerate() {
                        acc[4 * k + j] = M::acc512(acc[4 * k + j], xv, qv);
                    }
                }
            }
            let sums = reduce16(acc);
            _mm_storeu_ps(out[0], _mm512_extractf32x4_ps::<0>(sums));
            _mm_storeu_ps(out[1], _mm512_extractf32x4_ps::<1>(sums));
            _mm_storeu_ps(out[2], _mm512_extractf32x4_ps::<2>(sums));
            _mm_storeu_ps(out[3], _mm512_extractf32x4_ps::<3>(sums));
        }
    }
}

/// Horizontal sums of sixteen registers at once: lane `i` of the result is the sum of the lanes
/// of `v[i]`. A transposing add tree: 45 instructions for 16 sums instead of ~8 per sum.
///
/// # Safety
/// The CPU supports AVX-512F.
#[inline(always)]
unsafe fn reduce16(v: [__m512; 16]) -> __m512 {
    // SAFETY: plain AVX-512F arithmetic and shuffles; the caller runs with AVX-512F.
    unsafe {
        // Pairs: within each 128-bit block, [a0+a2, b0+b2, a1+a3, b1+b3].
        let pair = |a: __m512, b: __m512| _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
        // Quads: within each 128-bit block, one partial sum of each of the four sources.
        let quad = |ab: __m512, cd: __m512| {
            let lo = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(ab), _mm512_castps_pd(cd)));
            let hi = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(ab), _mm512_castps_pd(cd)));
            _mm512_add_ps(lo, hi)
        };
        // Blocks: adds 128-bit blocks (0 + 1, 2 + 3) of each input, a's results first.
        let blocks = |a: __m512, b: __m512| {
            _mm512_add_ps(_mm512_shuffle_f32x4::<0x88>(a, b), _mm512_shuffle_f32x4::<0xDD>(a, b))
        };
        let q0 = quad(pair(v[0], v[1]), pair(v[2], v[3]));
        let q1 = quad(pair(v[4], v[5]), pair(v[6], v[7]));
        let q2 = quad(pair(v[8], v[9]), pair(v[10], v[11]));
        let q3 = quad(pair(v[12], v[13]), pair(v[14], v[15]));
        blocks(blocks(q0, q1), blocks(q2, q3))
    }
}
