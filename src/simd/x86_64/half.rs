//! float16 and bfloat16 kernels: an f32 query against 2-byte stored vectors, each element
//! widened to f32 in registers (`vcvtph2ps` for float16, a zero-extension and 16-bit shift for
//! bfloat16), then the f32 metric. AVX-512: 16 lanes, four accumulators, a zero-padded tail;
//! batches score four vectors per reduction. AVX2+FMA+F16C: 8 lanes, four accumulators, a
//! scalar tail.
//!
//! AVX-512 BF16 (`vdpbf16ps`) and FP16 arithmetic are not used: both would round the query (or
//! the products) to 16 bits, and the widening path already runs at memory bandwidth in scans.

use std::arch::x86_64::*;

use super::super::float16::{bf16_to_f32, f16_to_f32};
use super::super::kernels::{HalfScorers, Scorer};
use super::avx512::{fold256, tail_mask};
use super::{Ip, L2, Metric, hsum256, hsum256x4, score_rows};

/// AVX-512 scorers; only handed out when the CPU reports AVX-512F, AVX2 and FMA.
pub(in crate::simd) const AVX512: HalfScorers = HalfScorers {
    l2sq_f16: avx512_scorer::<F16, L2>(),
    ip_f16: avx512_scorer::<F16, Ip>(),
    l2sq_bf16: avx512_scorer::<Bf16, L2>(),
    ip_bf16: avx512_scorer::<Bf16, Ip>(),
};

/// AVX2 scorers; only handed out when the CPU reports AVX2, FMA and F16C.
pub(in crate::simd) const AVX2: HalfScorers = HalfScorers {
    l2sq_f16: avx2_scorer::<F16, L2>(),
    ip_f16: avx2_scorer::<F16, Ip>(),
    l2sq_bf16: avx2_scorer::<Bf16, L2>(),
    ip_bf16: avx2_scorer::<Bf16, Ip>(),
};

const fn avx512_scorer<W: Widen, M: Metric>() -> Scorer<f32, u16> {
    Scorer {
        path: "avx512",
        pair: pair_avx512::<W, M>,
        batch: batch_avx512::<W, M>,
        gather: Some(gather_avx512::<W, M>),
    }
}

const fn avx2_scorer<W: Widen, M: Metric>() -> Scorer<f32, u16> {
    Scorer {
        path: "avx2+f16c",
        pair: pair_avx2::<W, M>,
        batch: batch_avx2::<W, M>,
        gather: Some(gather_avx2::<W, M>),
    }
}

/// A 16-bit float format, widened to f32.
trait Widen {
    /// 16 elements at `p` as f32.
    ///
    /// # Safety
    /// `p` is valid for 16 reads; the CPU supports AVX-512F.
    unsafe fn widen16(p: *const u16) -> __m512;

    /// 8 elements at `p` as f32.
    ///
    /// # Safety
    /// `p` is valid for 8 reads; the CPU supports AVX2 and F16C.
    unsafe fn widen8(p: *const u16) -> __m256;

    /// One element as f32.
    fn widen1(bits: u16) -> f32;

    /// The query registers [`held`] scores against: the `R` 16-element blocks in order
    /// (formats may lay them out to suit [`Widen::held_terms`]).
    ///
    /// # Safety
    /// `q` is valid for `16 * R` reads; the CPU supports AVX-512F.
    #[inline(always)]
    unsafe fn hold<const R: usize>(q: *const f32) -> [__m512; R] {
        // SAFETY: forwarded contract.
        unsafe { hold_in_order::<R>(q) }
    }

    /// `acc` plus the terms of `M` between the `16 * R` elements at `p` and a query held by
    /// [`Widen::hold`].
    ///
    /// # Safety
    /// `p` is valid for `16 * R` reads; the CPU supports AVX-512F and FMA.
    #[inline(always)]
    unsafe fn held_terms<M: Metric, const R: usize>(
        acc: __m512,
        p: *const u16,
        query: &[__m512; R],
    ) -> __m512 {
        // SAFETY: forwarded contract.
        unsafe { terms_in_order::<Self, M, R>(acc, p, query) }
    }
}

/// The `R` 16-float blocks at `q`.
///
/// # Safety
/// `q` is valid for `16 * R` reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn hold_in_order<const R: usize>(q: *const f32) -> [__m512; R] {
    // SAFETY: the loads stay within the 16 * R readable floats; the caller runs with AVX-512F.
    unsafe {
        let mut query = [_mm512_setzero_ps(); R];
        for (r, reg) in query.iter_mut().enumerate() {
            *reg = _mm512_loadu_ps(q.add(16 * r));
        }
        query
    }
}

/// [`Widen::held_terms`] with the query blocks in order: block `r` widened with
/// [`Widen::widen16`].
///
/// # Safety
/// `p` is valid for `16 * R` reads; the CPU supports AVX-512F and FMA.
#[inline(always)]
unsafe fn terms_in_order<W: Widen + ?Sized, M: Metric, const R: usize>(
    mut acc: __m512,
    p: *const u16,
    query: &[__m512; R],
) -> __m512 {
    // SAFETY: block r reads elements 16r..16r + 16 < 16 * R; the caller runs with the features.
    unsafe {
        for (r, &qv) in query.iter().enumerate() {
            acc = M::acc512(acc, W::widen16(p.add(16 * r)), qv);
        }
        acc
    }
}

/// IEEE binary16.
struct F16;
/// bfloat16: the upper 16 bits of an f32.
struct Bf16;

impl Widen for F16 {
    #[inline(always)]
    unsafe fn widen16(p: *const u16) -> __m512 {
        // SAFETY: 32 readable bytes at p; the caller runs with AVX-512F.
        unsafe { _mm512_cvtph_ps(_mm256_loadu_si256(p.cast())) }
    }

    #[inline(always)]
    unsafe fn widen8(p: *const u16) -> __m256 {
        // SAFETY: 16 readable bytes at p; the caller runs with F16C.
        unsafe { _mm256_cvtph_ps(_mm_loadu_si128(p.cast())) }
    }

    #[inline(always)]
    fn widen1(bits: u16) -> f32 {
        f16_to_f32(bits)
    }
}

impl Widen for Bf16 {
    #[inline(always)]
    unsafe fn widen16(p: *const u16) -> __m512 {
        // SAFETY: 32 readable bytes at p; the caller runs with AVX-512F.
        unsafe {
            _mm512_castsi512_ps(_mm512_slli_epi32::<16>(_mm512_cvtepu16_epi32(_mm256_loadu_si256(p.cast()))))
        }
    }

    #[inline(always)]
    unsafe fn widen8(p: *const u16) -> __m256 {
        // SAFETY: 16 readable bytes at p; the caller runs with AVX2.
        unsafe {
            _mm256_castsi256_ps(_mm256_slli_epi32::<16>(_mm256_cvtepu16_epi32(_mm_loadu_si128(p.cast()))))
        }
    }

    #[inline(always)]
    fn widen1(bits: u16) -> f32 {
        bf16_to_f32(bits)
    }

    /// For even `R`, each 32-element block as two registers: its even-indexed floats, then its
    /// odd-indexed ones, matching [`Bf16::held_terms`].
    #[inline(always)]
    unsafe fn hold<const R: usize>(q: *const f32) -> [__m512; R] {
        // SAFETY: the loads read floats 32b..32b + 32 <= 16 * R; the caller runs with AVX-512F.
        unsafe {
            if R % 2 == 1 {
                return hold_in_order::<R>(q);
            }
            let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
            let mut query = [_mm512_setzero_ps(); R];
            for b in 0..R / 2 {
                let (low, high) = (_mm512_loadu_ps(q.add(32 * b)), _mm512_loadu_ps(q.add(32 * b + 16)));
                query[2 * b] = _mm512_permutex2var_ps(low, even, high);
                query[2 * b + 1] = _mm512_permutex2var_ps(low, odd, high);
            }
            query
        }
    }

    /// For even `R`, one 64-byte load per 32 elements: a bfloat16 is the upper half of an f32, so
    /// shifting each 32-bit lane left by 16 widens the even-indexed elements and masking off its
    /// low half widens the odd-indexed ones (one operation per 16 elements instead of two).
    #[inline(always)]
    unsafe fn held_terms<M: Metric, const R: usize>(
        mut acc: __m512,
        p: *const u16,
        query: &[__m512; R],
    ) -> __m512 {
        // SAFETY: block b reads elements 32b..32b + 32 <= 16 * R; the caller runs with the
        // features.
        unsafe {
            if R % 2 == 1 {
                return terms_in_order::<Self, M, R>(acc, p, query);
            }
            let high_half = _mm512_set1_epi32(0xffff_0000_u32 as i32);
            for b in 0..R / 2 {
                let x = _mm512_loadu_si512(p.add(32 * b).cast());
                acc = M::acc512(acc, _mm512_castsi512_ps(_mm512_slli_epi32::<16>(x)), query[2 * b]);
                acc = M::acc512(acc, _mm512_castsi512_ps(_mm512_and_si512(x, high_half)), query[2 * b + 1]);
            }
            acc
        }
    }
}

/// Pair kernel. Contract: [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `q` and `v` are valid for `n` reads; the CPU supports AVX-512F, AVX2 and FMA.
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn pair_avx512<W: Widen, M: Metric>(q: *const f32, v: *const u16, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair512` needs.
    unsafe { pair512::<W, M>(q, v, n) }
}

/// Batch kernel. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports AVX-512F, AVX2 and FMA.
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn batch_avx512<W: Widen, M: Metric>(
    q: *const f32,
    block: *const u16,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: vector i < n lies within the n * dim readable elements of `block`; forwarded
    // contract. Each arm passes the dim it matched, so common dims get constant loop bounds.
    unsafe {
        let vector = |i: usize| block.add(i * dim);
        match dim {
            32 => held::<W, M, 2, false>(q, n, vector, out),
            64 => held::<W, M, 4, false>(q, n, vector, out),
            96 => held::<W, M, 6, false>(q, n, vector, out),
            128 => held::<W, M, 8, false>(q, n, vector, out),
            256 => held::<W, M, 16, false>(q, n, vector, out),
            384 => held4::<W, M, false>(q, 384, n, vector, out),
            512 => held4::<W, M, false>(q, 512, n, vector, out),
            768 => held4::<W, M, false>(q, 768, n, vector, out),
            1024 => held4::<W, M, false>(q, 1024, n, vector, out),
            _ => held4::<W, M, false>(q, dim, n, vector, out),
        }
    }
}

/// Gather kernel. Contract: [`GatherOf`](super::super::kernels::GatherOf).
///
/// # Safety
/// See [`GatherOf`](super::super::kernels::GatherOf); the CPU supports AVX-512F, AVX2 and FMA.
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn gather_avx512<W: Widen, M: Metric>(
    q: *const f32,
    block: *const u16,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: rows[i] for i < count is readable and its vector lies in `block` (contract).
    unsafe { held4::<W, M, true>(q, dim, count, |i| block.add(*rows.add(i) as usize * dim), out) }
}

/// The last `n % 16` (< 16) elements at `v` copied into a zeroed 16-element buffer, so a full
/// load widens them plus zeros.
///
/// # Safety
/// `v` is valid for `len` (< 16) reads.
#[inline(always)]
unsafe fn padded(v: *const u16, len: usize) -> [u16; 16] {
    let mut buf = [0u16; 16];
    // SAFETY: `len < 16` elements are readable at v and fit the buffer, which is a separate
    // local.
    unsafe { std::ptr::copy_nonoverlapping(v, buf.as_mut_ptr(), len) };
    buf
}

/// `M` over `n` elements: 64 per step into four accumulators, then 16 per step, then the
/// zero-padded tail against the masked query (padding lanes are zero on both sides and add
/// nothing for either metric).
///
/// # Safety
/// `q` and `v` are valid for `n` reads; the CPU supports AVX-512F and FMA.
#[inline(always)]
unsafe fn pair512<W: Widen, M: Metric>(q: *const f32, v: *const u16, n: usize) -> f32 {
    // SAFETY: full steps read [i, i + 16) with i + 16 <= n; the tail reads only elements below n
    // (masked query load, `padded` copy); the caller runs with the features.
    unsafe {
        let mut s = [_mm512_setzero_ps(); 4];
        let mut i = 0;
        while i + 64 <= n {
            for (k, acc) in s.iter_mut().enumerate() {
                *acc = M::acc512(*acc, W::widen16(v.add(i + 16 * k)), _mm512_loadu_ps(q.add(i + 16 * k)));
            }
            i += 64;
        }
        let mut k = 0;
        while i + 16 <= n {
            s[k] = M::acc512(s[k], W::widen16(v.add(i)), _mm512_loadu_ps(q.add(i)));
            i += 16;
            k += 1;
        }
        if i < n {
            let tail = padded(v.add(i), n - i);
            s[3] =
                M::acc512(s[3], W::widen16(tail.as_ptr()), _mm512_maskz_loadu_ps(tail_mask(n - i), q.add(i)));
        }
        _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s[0], s[1]), _mm512_add_ps(s[2], s[3])))
    }
}

/// `M` of the query against four vectors, one accumulator each, sharing every query load and
/// one horizontal reduction.
///
/// # Safety
/// `q` and each of `v` are valid for `dim` reads; the CPU supports AVX-512F, AVX2 and FMA.
#[inline(always)]
unsafe fn four512<W: Widen, M: Metric>(q: *const f32, dim: usize, v: [*const u16; 4]) -> [f32; 4] {
    // SAFETY: full steps read [i, i + 16) with i + 16 <= dim; the tail reads only elements below
    // dim; the caller runs with the features.
    unsafe {
        let mut s = [_mm512_setzero_ps(); 4];
        let mut i = 0;
        while i + 16 <= dim {
            let qv = _mm512_loadu_ps(q.add(i));
            for (acc, p) in s.iter_mut().zip(v) {
                *acc = M::acc512(*acc, W::widen16(p.add(i)), qv);
            }
            i += 16;
        }
        if i < dim {
            let qv = _mm512_maskz_loadu_ps(tail_mask(dim - i), q.add(i));
            for (acc, p) in s.iter_mut().zip(v) {
                let tail = padded(p.add(i), dim - i);
                *acc = M::acc512(*acc, W::widen16(tail.as_ptr()), qv);
            }
        }
        hsum256x4(fold256(s[0]), fold256(s[1]), fold256(s[2]), fold256(s[3]))
    }
}

/// Scores `count` vectors (vector `i` at `vector(i)`) four at a time with [`four512`]; with
/// `PREFETCH` the next four are prefetched first.
///
/// # Safety
/// `q` is valid for `dim` reads, `vector(i)` for `dim` reads for every `i < count`, `out` for
/// `count` writes; the CPU supports AVX-512F, AVX2 and FMA.
#[inline(always)]
unsafe fn held4<W: Widen, M: Metric, const PREFETCH: bool>(
    q: *const f32,
    dim: usize,
    count: usize,
    vector: impl Fn(usize) -> *const u16,
    out: *mut f32,
) {
    // SAFETY: `vector` is only called with indices below count; out[i..i + 4] lies within the
    // count writable floats; the caller runs with the features.
    unsafe {
        let mut i = 0;
        while i + 4 <= count {
            if PREFETCH {
                for ahead in i + 4..(i + 8).min(count) {
                    super::prefetch_lines(vector(ahead), dim);
                }
            }
            let d = four512::<W, M>(q, dim, [vector(i), vector(i + 1), vector(i + 2), vector(i + 3)]);
            std::ptr::copy_nonoverlapping(d.as_ptr(), out.add(i), 4);
            i += 4;
        }
        while i < count {
            *out.add(i) = pair512::<W, M>(q, vector(i), dim);
            i += 1;
        }
    }
}

/// [`held4`] for `dim = 16 * R` (R ≤ 16) with the query held in `R` registers
/// ([`Widen::hold`]) and straight-line bodies ([`Widen::held_terms`]).
///
/// # Safety
/// `q` is valid for `16 * R` reads, `vector(i)` for `16 * R` reads for every `i < count`, `out`
/// for `count` writes; the CPU supports AVX-512F, AVX2 and FMA.
#[inline(always)]
unsafe fn held<W: Widen, M: Metric, const R: usize, const PREFETCH: bool>(
    q: *const f32,
    count: usize,
    vector: impl Fn(usize) -> *const u16,
    out: *mut f32,
) {
    let dim = 16 * R;
    // SAFETY: query loads read 16 * R floats; `vector` is only called with indices below count,
    // each read staying within its 16 * R elements; out[i..i + 4] lies within the count
    // writable floats; the caller runs with the features.
    unsafe {
        let query = W::hold::<R>(q);
        let mut i = 0;
        while i + 4 <= count {
            if PREFETCH {
                for ahead in i + 4..(i + 8).min(count) {
                    super::prefetch_lines(vector(ahead), dim);
                }
            }
            // Four explicit calls (no closure), so the terms inline with the caller's features.
            let v = [vector(i), vector(i + 1), vector(i + 2), vector(i + 3)];
            let zero = _mm512_setzero_ps();
            let s = [
                W::held_terms::<M, R>(zero, v[0], &query),
                W::held_terms::<M, R>(zero, v[1], &query),
                W::held_terms::<M, R>(zero, v[2], &query),
                W::held_terms::<M, R>(zero, v[3], &query),
            ];
            let d = hsum256x4(fold256(s[0]), fold256(s[1]), fold256(s[2]), fold256(s[3]));
            std::ptr::copy_nonoverlapping(d.as_ptr(), out.add(i), 4);
            i += 4;
        }
        while i < count {
            *out.add(i) = pair512::<W, M>(q, vector(i), dim);
            i += 1;
        }
    }
}

/// Pair kernel. Contract: [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `q` and `v` are valid for `n` reads; the CPU supports AVX2, FMA and F16C.
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn pair_avx2<W: Widen, M: Metric>(q: *const f32, v: *const u16, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair256` needs.
    unsafe { pair256::<W, M>(q, v, n) }
}

/// Batch kernel. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports AVX2, FMA and F16C.
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn batch_avx2<W: Widen, M: Metric>(
    q: *const f32,
    block: *const u16,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: vector i < n lies within the n * dim readable elements of `block`; forwarded
    // contract.
    unsafe { score_rows::<u16, false>(n, |i| block.add(i * dim), dim, out, |v| pair256::<W, M>(q, v, dim)) }
}

/// Gather kernel. Contract: [`GatherOf`](super::super::kernels::GatherOf).
///
/// # Safety
/// See [`GatherOf`](super::super::kernels::GatherOf); the CPU supports AVX2, FMA and F16C.
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn gather_avx2<W: Widen, M: Metric>(
    q: *const f32,
    block: *const u16,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: rows[i] for i < count is readable and its vector lies in `block` (contract).
    unsafe {
        score_rows::<u16, true>(
            count,
            |i| block.add(*rows.add(i) as usize * dim),
            dim,
            out,
            |v| pair256::<W, M>(q, v, dim),
        )
    }
}

/// `M` over `n` elements: 32 per step into four accumulators, then 8 per step, then a scalar
/// tail.
///
/// # Safety
/// `q` and `v` are valid for `n` reads; the CPU supports AVX2, FMA and F16C.
#[inline(always)]
unsafe fn pair256<W: Widen, M: Metric>(q: *const f32, v: *const u16, n: usize) -> f32 {
    // SAFETY: vector steps read [i, i + 8) with i + 8 <= n, scalar reads stay below n; the
    // caller runs with the features.
    unsafe {
        let mut s = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        while i + 32 <= n {
            for (k, acc) in s.iter_mut().enumerate() {
                *acc = M::acc256(*acc, W::widen8(v.add(i + 8 * k)), _mm256_loadu_ps(q.add(i + 8 * k)));
            }
            i += 32;
        }
        let mut k = 0;
        while i + 8 <= n {
            s[k] = M::acc256(s[k], W::widen8(v.add(i)), _mm256_loadu_ps(q.add(i)));
            i += 8;
            k += 1;
        }
        let mut sum = hsum256(_mm256_add_ps(_mm256_add_ps(s[0], s[1]), _mm256_add_ps(s[2], s[3])));
        while i < n {
            sum = M::acc1(sum, W::widen1(*v.add(i)), *q.add(i));
            i += 1;
        }
        sum
    }
}
