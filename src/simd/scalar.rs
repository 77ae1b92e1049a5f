//! Portable reference kernels: always compiled, the fallback path and the test oracle.
//!
//! Eight independent f32 accumulators (one per element index mod 8) break the strictly ordered
//! reduction a plain `iter().sum()` would be, then combine pairwise. Binary distances count bits
//! 64 at a time with `u64::count_ones`; int8 sums are exact in i64.

use super::float16::{bf16_to_f32, f16_to_f32};
use super::kernels::{BinaryScorers, HalfScorers, Int8Scorers, Kernels, Scorer};
use super::tiling::{RowKernel, multi_tiled};

/// The scalar kernel table.
pub(super) const KERNELS: Kernels = Kernels {
    name: "scalar",
    l2sq: l2sq_f32_scalar,
    ip: ip_f32_scalar,
    l2sq_batch: l2sq_batch_f32_scalar,
    ip_batch: ip_batch_f32_scalar,
    l2sq_multi: l2sq_multi_f32_scalar,
    ip_multi: ip_multi_f32_scalar,
    l2sq_gather: None,
    ip_gather: None,
    binary: BINARY,
    half: HALF,
    int8: INT8,
};

/// Scalar binary scorers (also the fallback of paths without their own).
pub(super) const BINARY: BinaryScorers =
    BinaryScorers { hamming: scorer::<u8, u8, Hamming>(), jaccard: scorer::<u8, u8, Jaccard>() };

/// Scalar float16 and bfloat16 scorers (also the fallback of paths without their own).
pub(super) const HALF: HalfScorers = HalfScorers {
    l2sq_f16: scorer::<f32, u16, L2F16>(),
    ip_f16: scorer::<f32, u16, IpF16>(),
    l2sq_bf16: scorer::<f32, u16, L2Bf16>(),
    ip_bf16: scorer::<f32, u16, IpBf16>(),
};

/// Scalar int8 scorers (also the fallback of paths without their own).
pub(super) const INT8: Int8Scorers =
    Int8Scorers { l2sq: scorer::<i8, i8, L2I8>(), ip: scorer::<i8, i8, IpI8>() };

/// Squared Euclidean distance over the common prefix of `a` and `b`.
#[inline]
pub fn l2sq(a: &[f32], b: &[f32]) -> f32 {
    reduce(a, b, |x, y| {
        let d = x - y;
        d * d
    })
}

/// Inner product over the common prefix of `a` and `b`.
#[inline]
pub fn ip(a: &[f32], b: &[f32]) -> f32 {
    reduce(a, b, |x, y| x * y)
}

#[inline(always)]
fn reduce(a: &[f32], b: &[f32], term: impl Fn(f32, f32) -> f32) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 8];
    let mut a_chunks = a.chunks_exact(8);
    let mut b_chunks = b.chunks_exact(8);
    for (ca, cb) in (&mut a_chunks).zip(&mut b_chunks) {
        for k in 0..8 {
            acc[k] += term(ca[k], cb[k]);
        }
    }
    for (k, (&x, &y)) in a_chunks.remainder().iter().zip(b_chunks.remainder()).enumerate() {
        acc[k] += term(x, y);
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

/// Builds the two slices a raw-pointer kernel was handed.
///
/// # Safety
/// Both pointers are valid for `n` reads.
#[inline(always)]
unsafe fn slices<'a>(a: *const f32, b: *const f32, n: usize) -> (&'a [f32], &'a [f32]) {
    // SAFETY: guaranteed by the caller.
    unsafe { (std::slice::from_raw_parts(a, n), std::slice::from_raw_parts(b, n)) }
}

/// Raw-pointer form of [`l2sq`].
///
/// # Safety
/// `a` and `b` are valid for `n` reads.
pub(super) unsafe fn l2sq_f32_scalar(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract.
    let (a, b) = unsafe { slices(a, b, n) };
    l2sq(a, b)
}

/// Raw-pointer form of [`ip`].
///
/// # Safety
/// `a` and `b` are valid for `n` reads.
pub(super) unsafe fn ip_f32_scalar(a: *const f32, b: *const f32, n: usize) -> f32 {
    // SAFETY: forwarded contract.
    let (a, b) = unsafe { slices(a, b, n) };
    ip(a, b)
}

/// Scalar squared-Euclidean rows for the tiling driver.
struct L2Rows;
/// Scalar inner-product rows for the tiling driver.
struct IpRows;

impl RowKernel for L2Rows {
    #[inline(always)]
    unsafe fn one(query: *const f32, vector: *const f32, dim: usize) -> f32 {
        // SAFETY: forwarded contract.
        unsafe { l2sq_f32_scalar(query, vector, dim) }
    }

    #[inline(always)]
    unsafe fn four(queries: [*const f32; 4], vector: *const f32, dim: usize) -> [f32; 4] {
        // SAFETY: forwarded contract.
        queries.map(|q| unsafe { l2sq_f32_scalar(q, vector, dim) })
    }
}

impl RowKernel for IpRows {
    #[inline(always)]
    unsafe fn one(query: *const f32, vector: *const f32, dim: usize) -> f32 {
        // SAFETY: forwarded contract.
        unsafe { ip_f32_scalar(query, vector, dim) }
    }

    #[inline(always)]
    unsafe fn four(queries: [*const f32; 4], vector: *const f32, dim: usize) -> [f32; 4] {
        // SAFETY: forwarded contract.
        queries.map(|q| unsafe { ip_f32_scalar(q, vector, dim) })
    }
}

/// Scores `n` contiguous vectors against one query.
///
/// # Safety
/// See [`super::kernels::BatchFn`].
#[inline(always)]
unsafe fn batch<K: RowKernel>(query: *const f32, block: *const f32, dim: usize, n: usize, out: *mut f32) {
    for v in 0..n {
        // SAFETY: v < n, so the vector and the output slot are in bounds.
        unsafe { *out.add(v) = K::one(query, block.add(v * dim), dim) };
    }
}

/// Squared Euclidean distances from one query to `n` vectors. Contract: [`super::kernels::BatchFn`].
///
/// # Safety
/// See [`super::kernels::BatchFn`].
pub(super) unsafe fn l2sq_batch_f32_scalar(
    q: *const f32,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { batch::<L2Rows>(q, block, dim, n, out) }
}

/// Inner products of one query with `n` vectors. Contract: [`super::kernels::BatchFn`].
///
/// # Safety
/// See [`super::kernels::BatchFn`].
pub(super) unsafe fn ip_batch_f32_scalar(
    q: *const f32,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { batch::<IpRows>(q, block, dim, n, out) }
}

/// Squared Euclidean distances for `nq` queries. Contract: [`super::kernels::MultiFn`].
///
/// # Safety
/// See [`super::kernels::MultiFn`].
pub(super) unsafe fn l2sq_multi_f32_scalar(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { multi_tiled::<L2Rows>(queries, nq, block, dim, n, out) }
}

/// Inner products for `nq` queries. Contract: [`super::kernels::MultiFn`].
///
/// # Safety
/// See [`super::kernels::MultiFn`].
pub(super) unsafe fn ip_multi_f32_scalar(
    queries: *const f32,
    nq: usize,
    block: *const f32,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { multi_tiled::<IpRows>(queries, nq, block, dim, n, out) }
}

/// Hamming distance: the number of differing bits of two packed bit vectors (their common
/// prefix), as an f32 (exact below 2²⁴ bits).
pub fn hamming(a: &[u8], b: &[u8]) -> f32 {
    bit_counts(a, b, |x, y| x ^ y, |_, _| 0).0 as f32
}

/// Jaccard distance `1 - |a ∧ b| / |a ∨ b|` of two packed bit vectors (their common prefix);
/// `1` when both are all zero (0/0), as Milvus defines it.
pub fn jaccard(a: &[u8], b: &[u8]) -> f32 {
    let (intersection, union) = bit_counts(a, b, |x, y| x & y, |x, y| x | y);
    jaccard_from_counts(intersection, union)
}

/// The Jaccard distance from the popcounts of `a ∧ b` and `a ∨ b`: `(union - intersection) /
/// union` in f32 (Milvus's formula, bit for bit), and `1` when `union == 0`.
#[inline]
pub(super) fn jaccard_from_counts(intersection: u64, union: u64) -> f32 {
    if union == 0 { 1.0 } else { (union - intersection) as f32 / union as f32 }
}

/// Popcounts of `first(a, b)` and `second(a, b)` over the common prefix, 64 bits at a time.
#[inline(always)]
fn bit_counts(
    a: &[u8],
    b: &[u8],
    first: impl Fn(u64, u64) -> u64,
    second: impl Fn(u64, u64) -> u64,
) -> (u64, u64) {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        u64::from_le_bytes(w)
    };
    let (mut x, mut y) = (0u64, 0u64);
    for (ca, cb) in a.chunks(8).zip(b.chunks(8)) {
        let (wa, wb) = (word(ca), word(cb));
        x += u64::from(first(wa, wb).count_ones());
        y += u64::from(second(wa, wb).count_ones());
    }
    (x, y)
}

/// Squared Euclidean distance from an f32 query to a float16 vector (common prefix).
pub fn l2sq_f16(query: &[f32], vector: &[u16]) -> f32 {
    reduce_widened(query, vector, f16_to_f32, |x, y| {
        let d = x - y;
        d * d
    })
}

/// Inner product of an f32 query with a float16 vector (common prefix).
pub fn ip_f16(query: &[f32], vector: &[u16]) -> f32 {
    reduce_widened(query, vector, f16_to_f32, |x, y| x * y)
}

/// Squared Euclidean distance from an f32 query to a bfloat16 vector (common prefix).
pub fn l2sq_bf16(query: &[f32], vector: &[u16]) -> f32 {
    reduce_widened(query, vector, bf16_to_f32, |x, y| {
        let d = x - y;
        d * d
    })
}

/// Inner product of an f32 query with a bfloat16 vector (common prefix).
pub fn ip_bf16(query: &[f32], vector: &[u16]) -> f32 {
    reduce_widened(query, vector, bf16_to_f32, |x, y| x * y)
}

/// [`reduce`] with the stored vector widened element by element, 8 elements at a time.
#[inline(always)]
fn reduce_widened(
    query: &[f32],
    vector: &[u16],
    widen: impl Fn(u16) -> f32,
    term: impl Fn(f32, f32) -> f32,
) -> f32 {
    let mut acc = 0.0f32;
    let mut wide = [0.0f32; 64];
    for (q, v) in query.chunks(64).zip(vector.chunks(64)) {
        let len = q.len().min(v.len());
        for (w, &h) in wide.iter_mut().zip(&v[..len]) {
            *w = widen(h);
        }
        acc += reduce(&q[..len], &wide[..len], &term);
    }
    acc
}

/// Squared Euclidean distance of two int8 vectors (common prefix), summed exactly in i64 and
/// returned as the nearest f32.
pub fn l2sq_i8(a: &[i8], b: &[i8]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let d = i64::from(x) - i64::from(y);
            d * d
        })
        .sum::<i64>() as f32
}

/// Inner product of two int8 vectors (common prefix), summed exactly in i64 and returned as the
/// nearest f32.
pub fn ip_i8(a: &[i8], b: &[i8]) -> f32 {
    a.iter().zip(b).map(|(&x, &y)| i64::from(x) * i64::from(y)).sum::<i64>() as f32
}

/// A slice-level metric turned into scalar raw kernels by [`scorer`].
trait SliceMetric<Q, V> {
    fn eval(query: &[Q], vector: &[V]) -> f32;
}

macro_rules! slice_metric {
    ($name:ident, $q:ty, $v:ty, $f:ident) => {
        #[doc = concat!("[`", stringify!($f), "`] as a [`SliceMetric`].")]
        struct $name;

        impl SliceMetric<$q, $v> for $name {
            #[inline(always)]
            fn eval(query: &[$q], vector: &[$v]) -> f32 {
                $f(query, vector)
            }
        }
    };
}

slice_metric!(Hamming, u8, u8, hamming);
slice_metric!(Jaccard, u8, u8, jaccard);
slice_metric!(L2F16, f32, u16, l2sq_f16);
slice_metric!(IpF16, f32, u16, ip_f16);
slice_metric!(L2Bf16, f32, u16, l2sq_bf16);
slice_metric!(IpBf16, f32, u16, ip_bf16);
slice_metric!(L2I8, i8, i8, l2sq_i8);
slice_metric!(IpI8, i8, i8, ip_i8);

/// The scalar scorer of metric `M`: pair and batch kernels, no dedicated gather.
const fn scorer<Q, V, M: SliceMetric<Q, V>>() -> Scorer<Q, V> {
    Scorer { path: "scalar", pair: pair_raw::<Q, V, M>, batch: batch_raw::<Q, V, M>, gather: None }
}

/// Raw-pointer pair kernel of `M`. Contract: [`super::kernels::PairOf`].
///
/// # Safety
/// `a` and `b` are valid for `n` reads.
unsafe fn pair_raw<Q, V, M: SliceMetric<Q, V>>(a: *const Q, b: *const V, n: usize) -> f32 {
    // SAFETY: forwarded contract.
    let (a, b) = unsafe { (std::slice::from_raw_parts(a, n), std::slice::from_raw_parts(b, n)) };
    M::eval(a, b)
}

/// Raw-pointer batch kernel of `M`. Contract: [`super::kernels::BatchOf`].
///
/// # Safety
/// See [`super::kernels::BatchOf`].
unsafe fn batch_raw<Q, V, M: SliceMetric<Q, V>>(
    query: *const Q,
    block: *const V,
    dim: usize,
    n: usize,
    out: *mut f32,
) {
    // SAFETY: forwarded contract: the query holds dim elements, the block n * dim, out n slots.
    let (query, block, out) = unsafe {
        (
            std::slice::from_raw_parts(query, dim),
            std::slice::from_raw_parts(block, n * dim),
            std::slice::from_raw_parts_mut(out, n),
        )
    };
    for (o, v) in out.iter_mut().zip(block.chunks_exact(dim)) {
        *o = M::eval(query, v);
    }
}
