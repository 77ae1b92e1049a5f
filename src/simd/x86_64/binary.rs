//! Binary-vector kernels: Hamming and Jaccard distances by population count, 64 bytes a step
//! with AVX-512 `VPOPCNTDQ` (masked tail), or 32 bytes a step with the AVX2 nibble lookup
//! (`vpshufb` on each 4-bit half, then `vpsadbw` into 64-bit lanes) and a scalar tail.
//!
//! `J = false` counts the bits of `a ⊕ b` (Hamming); `J = true` counts `a ∧ b` and `a ∨ b`
//! (Jaccard).

use std::arch::x86_64::*;

use super::super::kernels::{BinaryScorers, Scorer};
use super::super::scalar::jaccard_from_counts;
use super::score_rows;

/// Scorers with `VPOPCNTDQ`; only handed out when the CPU reports AVX-512F, AVX-512BW and
/// AVX-512 VPOPCNTDQ.
pub(in crate::simd) const AVX512: BinaryScorers =
    BinaryScorers { hamming: avx512_scorer::<false>(), jaccard: avx512_scorer::<true>() };

/// Scorers with the AVX2 nibble lookup; only handed out when the CPU reports AVX2.
pub(in crate::simd) const AVX2: BinaryScorers =
    BinaryScorers { hamming: avx2_scorer::<false>(), jaccard: avx2_scorer::<true>() };

const fn avx512_scorer<const J: bool>() -> Scorer<u8, u8> {
    Scorer {
        path: "avx512-vpopcntdq",
        pair: pair_avx512::<J>,
        batch: batch_avx512::<J>,
        gather: Some(gather_avx512::<J>),
    }
}

const fn avx2_scorer<const J: bool>() -> Scorer<u8, u8> {
    Scorer { path: "avx2", pair: pair_avx2::<J>, batch: batch_avx2::<J>, gather: Some(gather_avx2::<J>) }
}

/// The distance from the two counts.
#[inline(always)]
fn finish<const J: bool>((first, second): (u64, u64)) -> f32 {
    if J { jaccard_from_counts(first, second) } else { first as f32 }
}

/// Pair kernel. Contract: [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F, AVX-512BW and VPOPCNTDQ.
#[target_feature(enable = "avx512f,avx512bw,avx512vpopcntdq")]
unsafe fn pair_avx512<const J: bool>(a: *const u8, b: *const u8, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `counts512` needs.
    finish::<J>(unsafe { counts512::<J>(a, b, n) })
}

/// Batch kernel. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports AVX-512F, AVX-512BW and
/// VPOPCNTDQ.
#[target_feature(enable = "avx512f,avx512bw,avx512vpopcntdq")]
unsafe fn batch_avx512<const J: bool>(q: *const u8, block: *const u8, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: vector i < n lies within the n * dim readable bytes of `block`; forwarded contract;
    // each arm passes the width it matched.
    unsafe {
        let vector = |i: usize| block.add(i * dim);
        match dim {
            64 => held::<J, 1, false>(q, n, vector, out),
            128 => held::<J, 2, false>(q, n, vector, out),
            192 => held::<J, 3, false>(q, n, vector, out),
            256 => held::<J, 4, false>(q, n, vector, out),
            _ => score_rows::<u8, false>(n, vector, dim, out, |v| finish::<J>(counts512::<J>(q, v, dim))),
        }
    }
}

/// Gather kernel. Contract: [`GatherOf`](super::super::kernels::GatherOf).
///
/// # Safety
/// See [`GatherOf`](super::super::kernels::GatherOf); the CPU supports AVX-512F, AVX-512BW and
/// VPOPCNTDQ.
#[target_feature(enable = "avx512f,avx512bw,avx512vpopcntdq")]
unsafe fn gather_avx512<const J: bool>(
    q: *const u8,
    block: *const u8,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: rows[i] for i < count is readable and its vector lies in `block` (contract); each
    // arm passes the width it matched.
    unsafe {
        let vector = |i: usize| block.add(*rows.add(i) as usize * dim);
        match dim {
            64 => held::<J, 1, true>(q, count, vector, out),
            128 => held::<J, 2, true>(q, count, vector, out),
            192 => held::<J, 3, true>(q, count, vector, out),
            256 => held::<J, 4, true>(q, count, vector, out),
            _ => score_rows::<u8, true>(count, vector, dim, out, |v| finish::<J>(counts512::<J>(q, v, dim))),
        }
    }
}

/// Scores `count` vectors of `64 * R` bytes (R ≤ 4), vector `i` at `vector(i)`: the query stays
/// in `R` registers and vectors are scored four at a time with shared reductions. With
/// `PREFETCH` (scattered rows) the next four vectors are prefetched first.
///
/// # Safety
/// `q` is valid for `64 * R` reads, `vector(i)` for `64 * R` reads for every `i < count`, `out`
/// for `count` writes; the CPU supports AVX-512F, AVX-512BW and VPOPCNTDQ.
#[inline(always)]
unsafe fn held<const J: bool, const R: usize, const PREFETCH: bool>(
    q: *const u8,
    count: usize,
    vector: impl Fn(usize) -> *const u8,
    out: *mut f32,
) {
    let dim = 64 * R;
    // SAFETY: query loads read 64 * R bytes; `vector` is only called with indices below count,
    // each read within its 64 * R bytes; out[i..i + 4] lies within the count writable floats;
    // the caller runs with the features.
    unsafe {
        let mut query = [_mm512_setzero_si512(); R];
        for (r, reg) in query.iter_mut().enumerate() {
            *reg = load512(q, 64 * r);
        }
        let mut i = 0;
        while i + 4 <= count {
            if PREFETCH {
                for ahead in i + 4..(i + 8).min(count) {
                    super::prefetch_lines(vector(ahead), dim);
                }
            }
            let v = [vector(i), vector(i + 1), vector(i + 2), vector(i + 3)];
            let mut x = [_mm512_setzero_si512(); 4];
            let mut y = [_mm512_setzero_si512(); 4];
            for (r, &qv) in query.iter().enumerate() {
                for j in 0..4 {
                    step512::<J>(&mut x[j], &mut y[j], load512(v[j], 64 * r), qv);
                }
            }
            let first = hsum_u64x4(x);
            if J {
                let second = hsum_u64x4(y);
                for j in 0..4 {
                    *out.add(i + j) = jaccard_from_counts(first[j], second[j]);
                }
            } else {
                for (j, &c) in first.iter().enumerate() {
                    *out.add(i + j) = c as f32;
                }
            }
            i += 4;
        }
        while i < count {
            *out.add(i) = finish::<J>(counts512::<J>(q, vector(i), dim));
            i += 1;
        }
    }
}

/// Lane sums of four registers of u64 lanes, `[Σv[0], Σv[1], Σv[2], Σv[3]]`, by an unpack
/// transpose that shares the shuffles among the four.
///
/// # Safety
/// The CPU supports AVX-512F.
#[inline(always)]
unsafe fn hsum_u64x4(v: [__m512i; 4]) -> [u64; 4] {
    // SAFETY: plain AVX-512F shuffles and adds; the store writes 4 u64 into a 4-element array.
    unsafe {
        // Within each 128-bit block: [a pair sum, b pair sum].
        let ab = _mm512_add_epi64(_mm512_unpacklo_epi64(v[0], v[1]), _mm512_unpackhi_epi64(v[0], v[1]));
        let cd = _mm512_add_epi64(_mm512_unpacklo_epi64(v[2], v[3]), _mm512_unpackhi_epi64(v[2], v[3]));
        // Blocks: [ab0 + ab1, ab2 + ab3, cd0 + cd1, cd2 + cd3].
        let u = _mm512_add_epi64(_mm512_shuffle_i64x2::<0x88>(ab, cd), _mm512_shuffle_i64x2::<0xDD>(ab, cd));
        // Blocks 0 and 2: [Σa, Σb] and [Σc, Σd].
        let w = _mm512_add_epi64(u, _mm512_shuffle_i64x2::<0xB1>(u, u));
        let sums = _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 1, 4, 5, 0, 1, 4, 5), w);
        let mut out = [0u64; 4];
        _mm256_storeu_si256(out.as_mut_ptr().cast(), _mm512_castsi512_si256(sums));
        out
    }
}

/// The 64 bytes at `p + i`.
///
/// # Safety
/// `p + i` is valid for 64 reads; the CPU supports AVX-512F.
#[inline(always)]
unsafe fn load512(p: *const u8, i: usize) -> __m512i {
    // SAFETY: guaranteed by the caller.
    unsafe { _mm512_loadu_si512(p.add(i).cast()) }
}

/// The 32 bytes at `p + i`.
///
/// # Safety
/// `p + i` is valid for 32 reads; the CPU supports AVX.
#[inline(always)]
unsafe fn load256(p: *const u8, i: usize) -> __m256i {
    // SAFETY: guaranteed by the caller.
    unsafe { _mm256_loadu_si256(p.add(i).cast()) }
}

/// Adds the popcounts of one 64-byte step to the accumulators.
///
/// # Safety
/// The CPU supports AVX-512F and VPOPCNTDQ.
#[inline(always)]
unsafe fn step512<const J: bool>(x: &mut __m512i, y: &mut __m512i, a: __m512i, b: __m512i) {
    // SAFETY: plain AVX-512 arithmetic; the caller runs with the features.
    unsafe {
        if J {
            *x = _mm512_add_epi64(*x, _mm512_popcnt_epi64(_mm512_and_si512(a, b)));
            *y = _mm512_add_epi64(*y, _mm512_popcnt_epi64(_mm512_or_si512(a, b)));
        } else {
            *x = _mm512_add_epi64(*x, _mm512_popcnt_epi64(_mm512_xor_si512(a, b)));
        }
    }
}

/// The two counts over `n` bytes: 128 bytes per iteration into two accumulator pairs, then one
/// 64-byte step, then one masked step (masked-off bytes load as zero and count nothing).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX-512F, AVX-512BW and VPOPCNTDQ.
#[inline(always)]
unsafe fn counts512<const J: bool>(a: *const u8, b: *const u8, n: usize) -> (u64, u64) {
    // SAFETY: full loads read [i, i + 64) with i + 64 <= n; the masked load only bytes below n;
    // the caller runs with the features.
    unsafe {
        let zero = _mm512_setzero_si512();
        let (mut x0, mut y0, mut x1, mut y1) = (zero, zero, zero, zero);
        let mut i = 0;
        while i + 128 <= n {
            step512::<J>(&mut x0, &mut y0, load512(a, i), load512(b, i));
            step512::<J>(&mut x1, &mut y1, load512(a, i + 64), load512(b, i + 64));
            i += 128;
        }
        if i + 64 <= n {
            step512::<J>(&mut x0, &mut y0, load512(a, i), load512(b, i));
            i += 64;
        }
        if i < n {
            let m: __mmask64 = (1u64 << (n - i)) - 1;
            step512::<J>(
                &mut x1,
                &mut y1,
                _mm512_maskz_loadu_epi8(m, a.add(i).cast()),
                _mm512_maskz_loadu_epi8(m, b.add(i).cast()),
            );
        }
        let x = _mm512_reduce_add_epi64(_mm512_add_epi64(x0, x1)) as u64;
        let y = if J { _mm512_reduce_add_epi64(_mm512_add_epi64(y0, y1)) as u64 } else { 0 };
        (x, y)
    }
}

/// Pair kernel. Contract: [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2.
#[target_feature(enable = "avx2")]
unsafe fn pair_avx2<const J: bool>(a: *const u8, b: *const u8, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables the features `counts256` needs.
    finish::<J>(unsafe { counts256::<J>(a, b, n) })
}

/// Batch kernel. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports AVX2.
#[target_feature(enable = "avx2")]
unsafe fn batch_avx2<const J: bool>(q: *const u8, block: *const u8, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: vector i < n lies within the n * dim readable bytes of `block`; forwarded contract.
    unsafe {
        score_rows::<u8, false>(
            n,
            |i| block.add(i * dim),
            dim,
            out,
            |v| finish::<J>(counts256::<J>(q, v, dim)),
        )
    }
}

/// Gather kernel. Contract: [`GatherOf`](super::super::kernels::GatherOf).
///
/// # Safety
/// See [`GatherOf`](super::super::kernels::GatherOf); the CPU supports AVX2.
#[target_feature(enable = "avx2")]
unsafe fn gather_avx2<const J: bool>(
    q: *const u8,
    block: *const u8,
    dim: usize,
    rows: *const u32,
    count: usize,
    out: *mut f32,
) {
    // SAFETY: rows[i] for i < count is readable and its vector lies in `block` (contract).
    unsafe {
        score_rows::<u8, true>(
            count,
            |i| block.add(*rows.add(i) as usize * dim),
            dim,
            out,
            |v| finish::<J>(counts256::<J>(q, v, dim)),
        )
    }
}

/// Per-64-bit-lane popcounts of `v`: the count of each nibble from a 16-entry table
/// (`vpshufb`), byte counts summed into the four u64 lanes by `vpsadbw`.
///
/// # Safety
/// The CPU supports AVX2.
#[inline(always)]
unsafe fn popcount256(v: __m256i) -> __m256i {
    // SAFETY: plain AVX2 arithmetic; the caller runs with AVX2.
    unsafe {
        let table = _mm256_setr_epi8(
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, //
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
        );
        let nibble = _mm256_set1_epi8(0x0f);
        let low = _mm256_shuffle_epi8(table, _mm256_and_si256(v, nibble));
        let high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16::<4>(v), nibble));
        _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256())
    }
}

/// Adds the popcounts of one 32-byte step to the accumulators.
///
/// # Safety
/// The CPU supports AVX2.
#[inline(always)]
unsafe fn step256<const J: bool>(x: &mut __m256i, y: &mut __m256i, a: __m256i, b: __m256i) {
    // SAFETY: plain AVX2 arithmetic; the caller runs with AVX2.
    unsafe {
        if J {
            *x = _mm256_add_epi64(*x, popcount256(_mm256_and_si256(a, b)));
            *y = _mm256_add_epi64(*y, popcount256(_mm256_or_si256(a, b)));
        } else {
            *x = _mm256_add_epi64(*x, popcount256(_mm256_xor_si256(a, b)));
        }
    }
}

/// Sum of the four u64 lanes of `v`.
///
/// # Safety
/// The CPU supports AVX2.
#[inline(always)]
unsafe fn hsum_u64(v: __m256i) -> u64 {
    // SAFETY: plain AVX2 extracts; the caller runs with AVX2.
    unsafe {
        let s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
        (_mm_cvtsi128_si64(s) as u64).wrapping_add(_mm_extract_epi64::<1>(s) as u64)
    }
}

/// The two counts over `n` bytes: 64 bytes per iteration into two accumulator pairs, one
/// 32-byte step, then a byte-wise scalar tail.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports AVX2.
#[inline(always)]
unsafe fn counts256<const J: bool>(a: *const u8, b: *const u8, n: usize) -> (u64, u64) {
    // SAFETY: vector loads read [i, i + 32) with i + 32 <= n, scalar reads stay below n; the
    // caller runs with AVX2.
    unsafe {
        let zero = _mm256_setzero_si256();
        let (mut x0, mut y0, mut x1, mut y1) = (zero, zero, zero, zero);
        let mut i = 0;
        while i + 64 <= n {
            step256::<J>(&mut x0, &mut y0, load256(a, i), load256(b, i));
            step256::<J>(&mut x1, &mut y1, load256(a, i + 32), load256(b, i + 32));
            i += 64;
        }
        if i + 32 <= n {
            step256::<J>(&mut x0, &mut y0, load256(a, i), load256(b, i));
            i += 32;
        }
        let mut x = hsum_u64(_mm256_add_epi64(x0, x1));
        let mut y = if J { hsum_u64(_mm256_add_epi64(y0, y1)) } else { 0 };
        while i < n {
            let (p, r) = (*a.add(i), *b.add(i));
            if J {
                x += u64::from((p & r).count_ones());
                y += u64::from((p | r).count_ones());
            } else {
                x += u64::from((p ^ r).count_ones());
            }
            i += 1;
        }
        (x, y)
    }
}
