//! x86-64 kernels: AVX-512F (16 lanes, masked tails) and AVX2+FMA (8 lanes, scalar tails),
//! plus the pieces both share: the metric definitions and the dim-8 batch body.
//!
//! Helpers are `#[inline(always)]` without target features of their own; they are only called
//! from the `#[target_feature]` entry points, into which they inline.

mod avx2;
mod avx512;
mod binary;
mod half;
mod int8;
mod panel;

use std::arch::x86_64::*;

use super::kernels::{GATHER_AHEAD, Kernels};
use super::scalar;

/// Kernel tables this CPU supports, best first. The other vector types' scorers of a table fall
/// back to a weaker path when the CPU lacks an extension they need (VPOPCNTDQ, AVX-512BW, F16C).
pub(super) fn detect() -> Vec<Kernels> {
    let mut found = Vec::with_capacity(2);
    let avx2_fma = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    let avx2_half = if is_x86_feature_detected!("f16c") { half::AVX2 } else { scalar::HALF };
    if avx2_fma && is_x86_feature_detected!("avx512f") {
        let bw = is_x86_feature_detected!("avx512bw");
        let popcnt = bw && is_x86_feature_detected!("avx512vpopcntdq");
        found.push(Kernels {
            binary: if popcnt { binary::AVX512 } else { binary::AVX2 },
            half: half::AVX512,
            int8: if bw { int8::AVX512 } else { int8::AVX2 },
            ..avx512::KERNELS
        });
    }
    if avx2_fma {
        found.push(Kernels { half: avx2_half, ..avx2::KERNELS });
    }
    found
}

/// Scores `count` vectors of `dim` elements, vector `i` at `vector(i)`, into `out[i]`. With
/// `PREFETCH` (scattered rows) the vector [`GATHER_AHEAD`] rows on is prefetched first.
///
/// # Safety
/// `vector(i)` is valid for `dim` reads for every `i < count`, `score` may be called on such a
/// vector, and `out` is valid for `count` writes.
#[inline(always)]
pub(super) unsafe fn score_rows<T, const PREFETCH: bool>(
    count: usize,
    vector: impl Fn(usize) -> *const T,
    dim: usize,
    out: *mut f32,
    score: impl Fn(*const T) -> f32,
) {
    for i in 0..count {
        // SAFETY: i < count and i + GATHER_AHEAD < count, so both vectors and out[i] are valid
        // (contract).
        unsafe {
            if PREFETCH && i + GATHER_AHEAD < count {
                prefetch_lines(vector(i + GATHER_AHEAD), dim);
            }
            *out.add(i) = score(vector(i));
        }
    }
}

/// A metric as a per-lane accumulation step, in each register width the kernels use.
///
/// The `unsafe fn`s are plain arithmetic; they are unsafe only because they must be called from
/// code compiled with the matching target features (AVX2+FMA, or AVX-512F).
pub(super) trait Metric {
    /// `acc + term(a, b)` on 8 lanes.
    ///
    /// # Safety
    /// The CPU supports AVX2 and FMA.
    unsafe fn acc256(acc: __m256, a: __m256, b: __m256) -> __m256;

    /// `acc + term(a, b)` on 16 lanes.
    ///
    /// # Safety
    /// The CPU supports AVX-512F.
    unsafe fn acc512(acc: __m512, a: __m512, b: __m512) -> __m512;

    /// `acc + term(a, b)` on one lane, for scalar tails.
    fn acc1(acc: f32, a: f32, b: f32) -> f32;
}

/// Squared Euclidean distance: term `(a - b)²`.
pub(super) struct L2;
/// Inner product: term `a · b`.
pub(super) struct Ip;

impl Metric for L2 {
    #[inline(always)]
    unsafe fn acc256(acc: __m256, a: __m256, b: __m256) -> __m256 {
        // SAFETY: the caller runs with AVX2+FMA.
        unsafe {
            let d = _mm256_sub_ps(a, b);
            _mm256_fmadd_ps(d, d, acc)
        }
    }

    #[inline(always)]
    unsafe fn acc512(acc: __m512, a: __m512, b: __m512) -> __m512 {
        // SAFETY: the caller runs with AVX-512F.
        unsafe {
            let d = _mm512_sub_ps(a, b);
            _mm512_fmadd_ps(d, d, acc)
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
    unsafe fn acc256(acc: __m256, a: __m256, b: __m256) -> __m256 {
        // SAFETY: the caller runs with AVX2+FMA.
        unsafe { _mm256_fmadd_ps(a, b, acc) }
    }

    #[inline(always)]
    unsafe fn acc512(acc: __m512, a: __m512, b: __m512) -> __m512 {
        // SAFETY: the caller runs with AVX-512F.
        unsafe { _mm512_fmadd_ps(a, b, acc) }
    }

    #[inline(always)]
    fn acc1(acc: f32, a: f32, b: f32) -> f32 {
        a.mul_add(b, acc)
    }
}

/// Sum of the 8 lanes of `v`.
///
/// # Safety
/// The CPU supports AVX.
#[inline(always)]
pub(super) unsafe fn hsum256(v: __m256) -> f32 {
    // SAFETY: the caller runs with AVX.
    unsafe {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps::<0b01>(s, s));
        _mm_cvtss_f32(s)
    }
}

/// Prefetches the cache lines of the `len` elements at `vector` into L1.
///
/// # Safety
/// `vector` is valid for `len` reads.
#[inline(always)]
pub(super) unsafe fn prefetch_lines<T>(vector: *const T, len: usize) {
    let bytes = vector.cast::<i8>();
    let len = len * size_of::<T>();
    let mut offset = 0;
    while offset < len {
        // SAFETY: offset < len keeps the address inside the vector; prefetching never faults
        // and SSE is part of the x86-64 baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(bytes.add(offset)) };
        offset += 64;
    }
}

/// Lane sums of four registers at once: `[Σa, Σb, Σc, Σd]`, by a horizontal-add transpose that
/// shares the shuffles among the four (cheaper than four separate reductions).
///
/// # Safety
/// The CPU supports AVX.
#[inline(always)]
pub(super) unsafe fn hsum256x4(a: __m256, b: __m256, c: __m256, d: __m256) -> [f32; 4] {
    // SAFETY: the caller runs with AVX; the store writes 4 floats into a 4-float array.
    unsafe {
        // Per 128-bit half: [Σa, Σb, Σc, Σd] over that half's lanes.
        let h = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
        let sums = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps::<1>(h));
        let mut out = [0.0f32; 4];
        _mm_storeu_ps(out.as_mut_ptr(), sums);
        out
    }
}

/// Scores `n` vectors of exactly 8 floats: eight vectors per step, one ymm register each,
/// reduced together by a horizontal-add transpose so one store writes eight distances.
///
/// # Safety
/// Contract of [`super::kernels::BatchFn`] with `dim == 8`; the CPU supports AVX2 and FMA.
#[inline(always)]
pub(super) unsafe fn scan_dim8<M: Metric>(query: *const f32, block: *const f32, n: usize, out: *mut f32) {
    // SAFETY: the query holds 8 floats; each step reads vectors v..v+8 < n and writes out[v..v+8];
    // the caller runs with AVX2+FMA.
    unsafe {
        let q = _mm256_loadu_ps(query);
        let mut v = 0;
        while v + 8 <= n {
            let h01 = _mm256_hadd_ps(terms8::<M>(q, block, v), terms8::<M>(q, block, v + 1));
            let h23 = _mm256_hadd_ps(terms8::<M>(q, block, v + 2), terms8::<M>(q, block, v + 3));
            let h45 = _mm256_hadd_ps(terms8::<M>(q, block, v + 4), terms8::<M>(q, block, v + 5));
            let h67 = _mm256_hadd_ps(terms8::<M>(q, block, v + 6), terms8::<M>(q, block, v + 7));
            // Per 128-bit half: [d0, d1, d2, d3] partial sums of lanes 0..4 (low) and 4..8 (high).
            let h0123 = _mm256_hadd_ps(h01, h23);
            let h4567 = _mm256_hadd_ps(h45, h67);
            let low = _mm256_permute2f128_ps::<0x20>(h0123, h4567);
            let high = _mm256_permute2f128_ps::<0x31>(h0123, h4567);
            _mm256_storeu_ps(out.add(v), _mm256_add_ps(low, high));
            v += 8;
        }
        while v < n {
            *out.add(v) = hsum256(terms8::<M>(q, block, v));
            v += 1;
        }
    }
}

/// The 8 per-lane terms of vector `v` of a dim-8 block against the query `q`.
///
/// # Safety
/// Vector `v` of `block` is readable; the CPU supports AVX2 and FMA.
#[inline(always)]
unsafe fn terms8<M: Metric>(q: __m256, block: *const f32, v: usize) -> __m256 {
    // SAFETY: guaranteed by the caller.
    unsafe { M::acc256(_mm256_setzero_ps(), _mm256_loadu_ps(block.add(v * 8)), q) }
}
