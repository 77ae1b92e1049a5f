//! Portable reference kernels: always compiled, the fallback path and the test oracle.
//!
//! Eight independent f32 accumulators (one per element index mod 8) break the strictly ordered
//! reduction a plain `iter().sum()` would be, then combine pairwise.

use super::kernels::Kernels;
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
};

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
