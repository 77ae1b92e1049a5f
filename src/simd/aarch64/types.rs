//! NEON kernels for the other vector types: binary (Hamming, Jaccard: `cnt` per byte, pairwise
//! widening adds), bfloat16 (a widening 16-bit shift to f32, then the f32 metric) and int8
//! (widening multiplies into i32 lanes, exact). float16 stays on the scalar path: the NEON
//! half-precision conversions need Rust's unstable `f16` vector types.
//!
//! Batches score one vector at a time with the pair kernel; gathers use the table's generic
//! row-by-row loop.

use std::arch::aarch64::*;

use super::super::float16::bf16_to_f32;
use super::super::kernels::{BinaryScorers, HalfScorers, Int8Scorers, Scorer};
use super::super::scalar::{self, jaccard_from_counts};
use super::neon::{Ip, L2, Metric};

/// Binary scorers; only handed out when the CPU reports NEON.
pub(super) const BINARY: BinaryScorers = BinaryScorers {
    hamming: Scorer {
        path: "neon",
        pair: hamming_neon::<false>,
        batch: batch_binary_neon::<false>,
        gather: None,
    },
    jaccard: Scorer {
        path: "neon",
        pair: hamming_neon::<true>,
        batch: batch_binary_neon::<true>,
        gather: None,
    },
};

/// bfloat16 scorers on NEON, float16 ones from the scalar path.
pub(super) const HALF: HalfScorers = HalfScorers {
    l2sq_f16: scalar::HALF.l2sq_f16,
    ip_f16: scalar::HALF.ip_f16,
    l2sq_bf16: Scorer { path: "neon", pair: bf16_neon::<L2>, batch: batch_bf16_neon::<L2>, gather: None },
    ip_bf16: Scorer { path: "neon", pair: bf16_neon::<Ip>, batch: batch_bf16_neon::<Ip>, gather: None },
};

/// int8 scorers; only handed out when the CPU reports NEON.
pub(super) const INT8: Int8Scorers = Int8Scorers {
    l2sq: Scorer { path: "neon", pair: i8_neon::<true>, batch: batch_i8_neon::<true>, gather: None },
    ip: Scorer { path: "neon", pair: i8_neon::<false>, batch: batch_i8_neon::<false>, gather: None },
};

/// Bytes per exactly-counted chunk of the binary kernels: each u16 lane gathers two byte counts
/// (at most 16) per 16-byte step, so 2,048 steps stay below 2¹⁶.
const BIT_CHUNK: usize = 2048 * 16;

/// Elements per exactly-summed i32 chunk of the int8 kernels (`32,768 · 255² < 2³¹`).
const INT8_CHUNK: usize = 32_768;

/// Scores `n` vectors of `dim` elements with `pair`.
///
/// # Safety
/// Contract of [`BatchOf`](super::super::kernels::BatchOf); `pair` may be called on `dim`
/// elements of the query and of each vector.
#[inline(always)]
unsafe fn rows<Q, V>(
    q: *const Q,
    block: *const V,
    dim: usize,
    n: usize,
    out: *mut f32,
    pair: impl Fn(*const Q, *const V) -> f32,
) {
    for v in 0..n {
        // SAFETY: v < n, so vector v and out[v] are in bounds.
        unsafe { *out.add(v) = pair(q, block.add(v * dim)) };
    }
}

/// Hamming (`J = false`) or Jaccard (`J = true`) distance. Contract:
/// [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[target_feature(enable = "neon")]
unsafe fn hamming_neon<const J: bool>(a: *const u8, b: *const u8, n: usize) -> f32 {
    // SAFETY: forwarded contract; this function enables NEON.
    let (first, second) = unsafe { bit_counts::<J>(a, b, n) };
    if J { jaccard_from_counts(first, second) } else { first as f32 }
}

/// Batch form of [`hamming_neon`]. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports NEON.
#[target_feature(enable = "neon")]
unsafe fn batch_binary_neon<const J: bool>(
    q: *const u8,
    block: *const u8,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; `hamming_neon` reads dim bytes of each.
    unsafe { rows(q, block, dim, n, out, |q, v| hamming_neon::<J>(q, v, dim)) }
}

/// Popcounts of `a ⊕ b` (Hamming) or of `a ∧ b` and `a ∨ b` (Jaccard) over `n` bytes.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[inline(always)]
unsafe fn bit_counts<const J: bool>(a: *const u8, b: *const u8, n: usize) -> (u64, u64) {
    // SAFETY: vector loads read [i, i + 16) with i + 16 <= n, scalar reads stay below n; the
    // caller runs with NEON.
    unsafe {
        let (mut x, mut y) = (0u64, 0u64);
        let mut i = 0;
        while i + 16 <= n {
            let end = n.min(i + BIT_CHUNK);
            let (mut cx, mut cy) = (vdupq_n_u16(0), vdupq_n_u16(0));
            while i + 16 <= end {
                let (va, vb) = (vld1q_u8(a.add(i)), vld1q_u8(b.add(i)));
                if J {
                    cx = vpadalq_u8(cx, vcntq_u8(vandq_u8(va, vb)));
                    cy = vpadalq_u8(cy, vcntq_u8(vorrq_u8(va, vb)));
                } else {
                    cx = vpadalq_u8(cx, vcntq_u8(veorq_u8(va, vb)));
                }
                i += 16;
            }
            x += u64::from(vaddlvq_u16(cx));
            y += u64::from(vaddlvq_u16(cy));
        }
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

/// 4 bfloat16 at `p` as f32.
///
/// # Safety
/// `p` is valid for 4 reads; the CPU supports NEON.
#[inline(always)]
unsafe fn widen4(p: *const u16) -> float32x4_t {
    // SAFETY: guaranteed by the caller.
    unsafe { vreinterpretq_f32_u32(vshll_n_u16::<16>(vld1_u16(p))) }
}

/// `M` of an f32 query and a bfloat16 vector. Contract:
/// [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `q` and `v` are valid for `n` reads; the CPU supports NEON.
#[target_feature(enable = "neon")]
unsafe fn bf16_neon<M: Metric>(q: *const f32, v: *const u16, n: usize) -> f32 {
    // SAFETY: vector loads read [i, i + 4) with i + 4 <= n, scalar reads stay below n; this
    // function enables NEON.
    unsafe {
        let mut s = [vdupq_n_f32(0.0); 4];
        let mut i = 0;
        while i + 16 <= n {
            for (k, acc) in s.iter_mut().enumerate() {
                *acc = M::acc4(*acc, widen4(v.add(i + 4 * k)), vld1q_f32(q.add(i + 4 * k)));
            }
            i += 16;
        }
        while i + 4 <= n {
            s[0] = M::acc4(s[0], widen4(v.add(i)), vld1q_f32(q.add(i)));
            i += 4;
        }
        let mut sum = vaddvq_f32(vaddq_f32(vaddq_f32(s[0], s[1]), vaddq_f32(s[2], s[3])));
        while i < n {
            sum = M::acc1(sum, bf16_to_f32(*v.add(i)), *q.add(i));
            i += 1;
        }
        sum
    }
}

/// Batch form of [`bf16_neon`]. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports NEON.
#[target_feature(enable = "neon")]
unsafe fn batch_bf16_neon<M: Metric>(q: *const f32, block: *const u16, dim: usize, n: usize, out: *mut f32) {
    // SAFETY: forwarded contract; `bf16_neon` reads dim elements of each.
    unsafe { rows(q, block, dim, n, out, |q, v| bf16_neon::<M>(q, v, dim)) }
}

/// Squared Euclidean distance (`EUCLIDEAN = true`) or inner product of int8 vectors, exact. Contract:
/// [`PairOf`](super::super::kernels::PairOf).
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[target_feature(enable = "neon")]
unsafe fn i8_neon<const EUCLIDEAN: bool>(a: *const i8, b: *const i8, n: usize) -> f32 {
    let mut total = 0i64;
    let mut start = 0;
    while start < n {
        let len = INT8_CHUNK.min(n - start);
        // SAFETY: the chunk [start, start + len) lies within the n readable elements; this
        // function enables NEON.
        total += i64::from(unsafe { i8_chunk::<EUCLIDEAN>(a.add(start), b.add(start), len) });
        start += len;
    }
    total as f32
}

/// The exact i32 sum over `n <= INT8_CHUNK` elements (wrapping lane arithmetic, exact total):
/// 16 per step, then a scalar tail.
///
/// # Safety
/// `a` and `b` are valid for `n` reads; the CPU supports NEON.
#[inline(always)]
unsafe fn i8_chunk<const EUCLIDEAN: bool>(a: *const i8, b: *const i8, n: usize) -> i32 {
    // SAFETY: vector loads read [i, i + 16) with i + 16 <= n, scalar reads stay below n; the
    // caller runs with NEON.
    unsafe {
        let (mut s0, mut s1) = (vdupq_n_s32(0), vdupq_n_s32(0));
        let mut i = 0;
        while i + 16 <= n {
            let (va, vb) = (vld1q_s8(a.add(i)), vld1q_s8(b.add(i)));
            if EUCLIDEAN {
                let low = vsubl_s8(vget_low_s8(va), vget_low_s8(vb));
                let high = vsubl_high_s8(va, vb);
                s0 = vmlal_s16(s0, vget_low_s16(low), vget_low_s16(low));
                s1 = vmlal_high_s16(s1, low, low);
                s0 = vmlal_s16(s0, vget_low_s16(high), vget_low_s16(high));
                s1 = vmlal_high_s16(s1, high, high);
            } else {
                s0 = vpadalq_s16(s0, vmull_s8(vget_low_s8(va), vget_low_s8(vb)));
                s1 = vpadalq_s16(s1, vmull_high_s8(va, vb));
            }
            i += 16;
        }
        let mut sum = vaddvq_s32(vaddq_s32(s0, s1));
        while i < n {
            let (x, y) = (i32::from(*a.add(i)), i32::from(*b.add(i)));
            sum = sum.wrapping_add(if EUCLIDEAN { (x - y) * (x - y) } else { x * y });
            i += 1;
        }
        sum
    }
}

/// Batch form of [`i8_neon`]. Contract: [`BatchOf`](super::super::kernels::BatchOf).
///
/// # Safety
/// See [`BatchOf`](super::super::kernels::BatchOf); the CPU supports NEON.
#[target_feature(enable = "neon")]
unsafe fn batch_i8_neon<const EUCLIDEAN: bool>(
    q: *const i8,
    block: *const i8,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract; `i8_neon` reads dim elements of each.
    unsafe { rows(q, block, dim, n, out, |q, v| i8_neon::<EUCLIDEAN>(q, v, dim)) }
}
