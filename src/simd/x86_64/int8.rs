//! int8 kernels: both vectors sign-extended to i16 lanes, then `vpmaddwd` (pairs of products
//! summed into i32 lanes), exactly. AVX-512BW: 32 elements a step, four accumulators, a masked
//! tail. AVX2: 16 elements a step, four accumulators, a scalar tail.
//!
//! Exactness: a chunk of at most [`CHUNK`] elements sums to at most `32,768 · 255² < 2³¹` in
//! magnitude, so its wrapping i32 lane arithmetic gives the exact chunk total; chunk totals are
//! added in i64. (The `+128` bias trick for VNNI `vpdpbusd` would need a per-vector correction
//! term; the scan is memory-bound either way.)

use std::arch::x86_64::*;

use super::super::kernels::{Int8Scorers, Scorer};
use super::score_rows;

/// Elements per exactly-summed i32 chunk.
const CHUNK: usize = 32_768;

/// AVX-512BW scorers; only handed out when the CPU reports AVX-512F and AVX-512BW.
pub(in crate::simd) const AVX512: Int8Scorers =
    Int8Scorers { l2sq: avx512_scorer::<L2>(), ip: avx512_scorer::<Ip>() };

/// AVX2 scorers; only handed out when the CPU reports AVX2.
pub(in crate::simd) const AVX2: Int8Scorers =
    Int8Scorers { l2sq: avx2_scorer::<L2>(), ip: avx2_scorer::<Ip>() };

const fn avx512_scorer<M: IntMetric>() -> Scorer<i8, i8> {
    Scorer {
        path: "avx512bw",
        pair: pair_avx512::<M>,
        batch: batch_avx512::<M>,
        gather: Some(gather_avx512::<M>),
    }
}

const fn avx2_scorer<M: IntMetric>() -> Scorer<i8, i8> {
    Scorer { path: "avx2", pair: pair_avx2::<M>, batch: batch_avx2::<M>, gather: Some(gather_avx2::<M>) }
}

/// A metric on i16 lanes, accumulated into i32 lanes.
trait IntMetric {
    /// `acc + terms(a, b)`, 32 i16 lanes into 16 i32 lanes.
    ///
    /// # Safety
    /// The CPU supports AVX-512BW.
    unsafe fn acc512(acc: __m512i, a: __m512i, b: __m512i) -> __m512i;

    /// `acc + terms(a, b)`, 16 i16 lanes into 8 i32 lanes.
    ///
    /// # Safety
    /// The CPU supports AVX2.
    unsafe fn acc256(acc: __m256i, a: __m256i, b: __m256i) -> __m256i;

    /// The term of one element pair.
    fn term(a: i8, b: i8) -> i32;
}

/// Squared Euclidean distance: term `(a - b)²`.
struct L2;
/// Inner product: term `a · b`.
struct Ip;

impl IntMetric for L2 {
    #[inline(always)]
    unsafe fn acc512(acc: __m512i, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: the caller runs with AVX-512BW; differences fit i16 (|a - b| <= 255).
        unsafe {
            let d = _mm512_sub_epi16(a, b);
            _mm512_add_epi32(acc, _mm512_madd_epi16(d, d))
        }
    }

    #[inline(always)]
    unsafe fn acc256(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: the caller runs with AVX2; differences fit i16.
        unsafe {
            let d = _mm256_sub_epi16(a, b);
            _mm256_add_epi32(acc, _mm256_madd_epi16(d, d))
        }
    }

    #[inline(always)]
    fn term(a: i8, b: i8) -> i32 {
        let d = i32::from(a) - i32::from(b);
        d * d
    }
}

impl IntMetric for Ip {
    #[inline(always)]
    unsafe fn acc512(acc: __m512i, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: the caller runs with AVX-512BW.
        unsafe { _mm512_add_epi32(acc, _mm512_madd_epi16(a, b)) }
    }

    #[inline(always)]
    unsafe fn acc256(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: the caller runs with AVX2.
        unsafe { _mm256_add_epi32(acc, _mm256_madd_epi16(a, b)) }
    }

    #[inline(always)]
    fn term(a: i8, b: i8) -> i32 {
        i32::from(a) * i32::from(b)
    }
}

/// The exact sum over `n` elements: `body` sums the chunk `[start, start + len)` (at most
/// [`CHUNK`] elements) in i32, the totals are added in i64. A macro rather than a function
/// taking a closure, so the chunk kernel inlines with the caller's target features.
macro_rules! chunked {
    ($n:expr, |$start:ident, $len:ident| $body:expr) => {{
        let n = $n;
        let mut total = 0i64;
        let mut $start = 0;
        while $start < n {
            let $len = CHUNK.min(n - $start);
            total += i64::from($body);
            $start += $len;
        }
        total as f32
    }};
}

/// 32 int8 at `p`, sign-extended to i16.
///
/// # Safety
/// `p` is valid for 32 reads; the CPU supports AVX-512BW.
#[inline(always)]
unsafe fn widen512(p: *const i8) -> __m512i {
    // SAFETY: guaranteed by the caller.
    unsafe { _mm512_cvtepi8_epi16(_mm256_loadu_si256(p.cast())) }
}

/// 16 int8 at `p`, sign-extended to i16.
///
/// # Safety
/// `p` is valid for 16 reads; the CPU supports AVX2.
#[inline(always)]
unsafe fn widen256(p: *const i8) -> __m256i {
    // SAFETY: guaranteed by the caller.
    unsafe { _mm256_cvtepi8_epi16(_mm_loadu_si128(p.cast())) }
}

/// Pair kernel. Contract: [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F and AVX-512BW.
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn pair_avx512<M: IntMetric>(a: *const i8, b: *const i8, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair512` needs.
    unsafe { pair512::<M>(a, b, n) }
}

/// Batch kernel. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports AVX-512F and AVX-512BW.
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn batch_avx512<M: IntMetric>(q: *const i8, block: *const i8, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: vector i < n lies within the n * dim readable elements of `block`; forwarded
    // contract; each arm passes the dim it matched.
    unsafe {
        let vector = |i: usize| block.add(i * dim);
        match dim {
            64 => held::<M, 2, false>(q, n, vector, out),
            128 => held::<M, 4, false>(q, n, vector, out),
            256 => held::<M, 8, false>(q, n, vector, out),
            512 => held::<M, 16, false>(q, n, vector, out),
            _ => score_rows::<i8, false>(n, vector, dim, out, |v| pair512::<M>(q, v, dim)),
        }
    }
}

/// Gather kernel. Contract: [`GatherOf`](super::super::kernels::GatherOf).
///
/// # Safety
/// See [`GatherOf`](super::super::kernels::GatherOf); the CPU supports AVX-512F and AVX-512BW.
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn gather_avx512<M: IntMetric>(
    q: *const i8,
    block: *const i8,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: rows[i] for i < count is readable and its vector lies in `block` (contract); each
    // arm passes the dim it matched.
    unsafe {
        let vector = |i: usize| block.add(*rows.add(i) as usize * dim);
        match dim {
            64 => held::<M, 2, true>(q, count, vector, out),
            128 => held::<M, 4, true>(q, count, vector, out),
            256 => held::<M, 8, true>(q, count, vector, out),
            512 => held::<M, 16, true>(q, count, vector, out),
            _ => score_rows::<i8, true>(count, vector, dim, out, |v| pair512::<M>(q, v, dim)),
        }
    }
}

/// Scores `count` vectors of `dim = 32 * R` (R ≤ 16, so `dim <= CHUNK`) elements, vector `i` at
/// `vector(i)`: the widened query stays in `R` registers and vectors are scored four at a time
/// with one shared integer reduction. With `PREFETCH` (scattered rows) the next four vectors are
/// prefetched first.
///
/// # Safety
/// `q` is valid for `32 * R` reads, `vector(i)` for `32 * R` reads for every `i < count`, `out`
/// for `count` writes; the CPU supports AVX-512F and AVX-512BW.
#[inline(always)]
unsafe fn held<M: IntMetric, const R: usize, const PREFETCH: bool>(
    q: *const i8,
    count: usize,
    vector: impl Fn(usize) -> *const i8,
    out: *mut f32,
) {
    let dim = 32 * R;
    // SAFETY: query loads read 32 * R elements; `vector` is only called with indices below
    // count, each read within its 32 * R elements; out[i..i + 4] lies within the count writable
    // floats; the caller runs with the features.
    unsafe {
        let mut query = [_mm512_setzero_si512(); R];
        for (r, reg) in query.iter_mut().enumerate() {
            *reg = widen512(q.add(32 * r));
        }
        let mut i = 0;
        while i + 4 <= count {
            if PREFETCH {
                for ahead in i + 4..(i + 8).min(count) {
                    super::prefetch_lines(vector(ahead), dim);
                }
            }
            let v = [vector(i), vector(i + 1), vector(i + 2), vector(i + 3)];
            let mut s = [_mm512_setzero_si512(); 4];
            for (r, &qv) in query.iter().enumerate() {
                for (acc, p) in s.iter_mut().zip(v) {
                    *acc = M::acc512(*acc, widen512(p.add(32 * r)), qv);
                }
            }
            // The totals fit i32 (dim <= CHUNK), and i32 -> f32 rounds to nearest.
            _mm_storeu_ps(out.add(i), _mm_cvtepi32_ps(hsum_epi32x4(s[0], s[1], s[2], s[3])));
            i += 4;
        }
        while i < count {
            *out.add(i) = pair512::<M>(q, vector(i), dim);
            i += 1;
        }
    }
}

/// The upper 8 i32 lanes of `v` added onto the lower 8.
///
/// # Safety
/// The CPU supports AVX-512F.
#[inline(always)]
unsafe fn fold_epi32(v: __m512i) -> __m256i {
    // SAFETY: plain AVX-512F / AVX2 arithmetic; the caller runs with AVX-512F.
    unsafe { _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64::<1>(v)) }
}

/// Lane sums of four registers of i32 lanes, `[Σa, Σb, Σc, Σd]` (wrapping), by a horizontal-add
/// transpose.
///
/// # Safety
/// The CPU supports AVX-512F.
#[inline(always)]
unsafe fn hsum_epi32x4(a: __m512i, b: __m512i, c: __m512i, d: __m512i) -> __m128i {
    // SAFETY: plain AVX-512F / AVX2 arithmetic; the caller runs with AVX-512F.
    unsafe {
        let ab = _mm256_hadd_epi32(fold_epi32(a), fold_epi32(b));
        let cd = _mm256_hadd_epi32(fold_epi32(c), fold_epi32(d));
        let h = _mm256_hadd_epi32(ab, cd);
        _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256::<1>(h))
    }
}

/// [`chunked!`] over [`chunk512`].
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F and AVX-512BW.
#[inline(always)]
unsafe fn pair512<M: IntMetric>(a: *const i8, b: *const i8, n: usize) -> f32 {
    // SAFETY: each chunk [start, start + len) lies within the n readable elements.
    chunked!(n, |start, len| unsafe { chunk512::<M>(a.add(start), b.add(start), len) })
}

/// The exact i32 sum of `M` over `n <= CHUNK` elements: 128 per step into four accumulators,
/// then 32 per step, then one masked step (masked-off bytes load as zero and add nothing).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F and AVX-512BW.
#[inline(always)]
unsafe fn chunk512<M: IntMetric>(a: *const i8, b: *const i8, n: usize) -> i32 {
    // SAFETY: full loads read [i, i + 32) with i + 32 <= n, the masked load only bytes below n;
    // the caller runs with the features.
    unsafe {
        let mut s = [_mm512_setzero_si512(); 4];
        let mut i = 0;
        while i + 128 <= n {
            for (k, acc) in s.iter_mut().enumerate() {
                *acc = M::acc512(*acc, widen512(a.add(i + 32 * k)), widen512(b.add(i + 32 * k)));
            }
            i += 128;
        }
        let mut k = 0;
        while i + 32 <= n {
            s[k] = M::acc512(s[k], widen512(a.add(i)), widen512(b.add(i)));
            i += 32;
            k += 1;
        }
        if i < n {
            // A 512-bit masked load (AVX-512BW; the 256-bit form would also need AVX-512VL).
            let m: __mmask64 = (1u64 << (n - i)) - 1;
            let x = _mm512_castsi512_si256(_mm512_maskz_loadu_epi8(m, a.add(i)));
            let y = _mm512_castsi512_si256(_mm512_maskz_loadu_epi8(m, b.add(i)));
            s[3] = M::acc512(s[3], _mm512_cvtepi8_epi16(x), _mm512_cvtepi8_epi16(y));
        }
        let sum = _mm512_add_epi32(_mm512_add_epi32(s[0], s[1]), _mm512_add_epi32(s[2], s[3]));
        _mm512_reduce_add_epi32(sum)
    }
}

/// Pair kernel. Contract: [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2.
#[target_feature(enable = "avx2")]
unsafe fn pair_avx2<M: IntMetric>(a: *const i8, b: *const i8, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `pair256` needs.
    unsafe { pair256::<M>(a, b, n) }
}

/// Batch kernel. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports AVX2.
#[target_feature(enable = "avx2")]
unsafe fn batch_avx2<M: IntMetric>(q: *const i8, block: *const i8, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: vector i < n lies within the n * dim readable elements of `block`; forwarded
    // contract.
    unsafe { score_rows::<i8, false>(n, |i| block.add(i * dim), dim, out, |v| pair256::<M>(q, v, dim)) }
}

/// Gather kernel. Contract: [`GatherOf`](super::super::kernels::GatherOf).
///
/// # Safety
/// See [`GatherOf`](super::super::kernels::GatherOf); the CPU supports AVX2.
#[target_feature(enable = "avx2")]
unsafe fn gather_avx2<M: IntMetric>(
    q: *const i8,
    block: *const i8,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: rows[i] for i < count is readable and its vector lies in `block` (contract).
    unsafe {
        score_rows::<i8, true>(
            count,
            |i| block.add(*rows.add(i) as usize * dim),
            dim,
            out,
            |v| pair256::<M>(q, v, dim),
        )
    }
}

/// [`chunked!`] over [`chunk256`].
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2.
#[inline(always)]
unsafe fn pair256<M: IntMetric>(a: *const i8, b: *const i8, n: usize) -> f32 {
    // SAFETY: each chunk [start, start + len) lies within the n readable elements.
    chunked!(n, |start, len| unsafe { chunk256::<M>(a.add(start), b.add(start), len) })
}

/// The exact i32 sum of `M` over `n <= CHUNK` elements: 64 per step into four accumulators,
/// then 16 per step, then a scalar tail.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2.
#[inline(always)]
unsafe fn chunk256<M: IntMetric>(a: *const i8, b: *const i8, n: usize) -> i32 {
    // SAFETY: vector loads read [i, i + 16) with i + 16 <= n, scalar reads stay below n; the
    // caller runs with AVX2.
    unsafe {
        let mut s = [_mm256_setzero_si256(); 4];
        let mut i = 0;
        while i + 64 <= n {
            for (k, acc) in s.iter_mut().enumerate() {
                *acc = M::acc256(*acc, widen256(a.add(i + 16 * k)), widen256(b.add(i + 16 * k)));
            }
            i += 64;
        }
        let mut k = 0;
        while i + 16 <= n {
            s[k] = M::acc256(s[k], widen256(a.add(i)), widen256(b.add(i)));
            i += 16;
            k += 1;
        }
        let v = _mm256_add_epi32(_mm256_add_epi32(s[0], s[1]), _mm256_add_epi32(s[2], s[3]));
        let v = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
        let v = _mm_add_epi32(v, _mm_shuffle_epi32::<0b01_00_11_10>(v));
        let v = _mm_add_epi32(v, _mm_shuffle_epi32::<0b10_11_00_01>(v));
        let mut sum = _mm_cvtsi128_si32(v);
        while i < n {
            sum = sum.wrapping_add(M::term(*a.add(i), *b.add(i)));
            i += 1;
        }
        sum
    }
}
