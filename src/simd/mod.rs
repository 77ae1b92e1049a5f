//! Distance kernels with runtime CPU dispatch: f32 vectors, and binary, float16, bfloat16 and
//! int8 vectors (see [Other vector types](#other-vector-types)).
//!
//! # Metrics
//! - [`l2sq`]: **squared** Euclidean distance `Σ (aᵢ - bᵢ)²` (no square root; the ranking is the
//!   same). A distance: smaller is closer.
//! - [`ip`]: inner product `Σ aᵢ·bᵢ`. A similarity: larger is closer.
//! - cosine similarity: computed from an inner product and norms stored at insert time
//!   ([`norm`], [`cosine_from_ip`]), so a query costs one inner product per vector.
//!
//! # Numerics
//! Sums are accumulated in f32 in several independent accumulators (4 SIMD registers, or 8
//! scalar lanes), combined pairwise at the end. Results therefore differ from a sequential sum
//! by a few ULPs times roughly `sqrt(n)`, and differ slightly between paths; the tests bound
//! the difference at `2e-6 · sqrt(n) · Σ|termᵢ|`. Inputs must be finite: NaN and ±Inf are
//! rejected when vectors are written, and the kernels do not check for them (a NaN input gives
//! a NaN result, an infinite one may give NaN or ±Inf).
//!
//! # Lengths
//! The functions never panic on length mismatches. Mismatches are caller bugs and trip a
//! `debug_assert`; in release builds the work is clamped to what the slices allow, as each
//! function documents, and nothing is read or written out of bounds.
//!
//! # Dispatch
//! The best path this CPU supports ("avx512", "avx2+fma", "neon", else "scalar") is chosen once,
//! on first use, and kept in a table of function pointers; calls do no feature detection.
//! Setting the environment variable `VECLITE_SIMD` (read once, at that first use) to the name of
//! an available path selects that path instead, e.g. `VECLITE_SIMD=scalar`; an unknown or
//! unsupported name is ignored. [`force_scalar`] does the same from code, if called before any
//! kernel runs. [`available`] lists every supported path for tests and benchmarks.
//!
//! # Other vector types
//! Every result is an f32. Distances (Hamming, Jaccard, squared Euclidean) are "lower is closer";
//! inner products are "higher is closer", as for f32.
//! - **Binary** vectors are packed bits, `dim / 8` bytes, bit `i` in byte `i / 8` (any order
//!   works, as long as it is the same for all vectors). [`hamming`] counts differing bits (an
//!   exact integer, below 2²⁴ bits); [`jaccard`] is `1 - |a ∧ b| / |a ∨ b|`, and `1` when both
//!   vectors are all zero, as Milvus defines it. Kernels: AVX-512 `VPOPCNTDQ`, AVX2 nibble
//!   lookup (`vpshufb`), NEON `cnt`, scalar `u64::count_ones`.
//! - **float16 / bfloat16** vectors stay 2-byte (`u16` bit patterns, see [`float16`]); the query
//!   is f32, and each stored element is widened to f32 in registers (F16C / AVX-512 `vcvtph2ps`,
//!   a 16-bit shift for bfloat16), so results are the f32 kernels' on the widened vectors, with
//!   the same tolerance. Cosine works as for f32, from [`norm_f16`] / [`norm_bf16`] norms.
//! - **int8** vectors: products are summed exactly in integers (i32 lanes, i64 totals) and the
//!   total is returned as the nearest f32 (exact below 2²⁴). Cosine: [`norm_i8`].
//!
//! For these types `dim` counts elements of the stored type: bytes for binary vectors. Each
//! metric also exists as a [`Scorer`] (from [`active`]), whose `pair` / `batch` / `gather`
//! methods let a caller choose the metric once and keep the function table.

#![allow(unsafe_code)]

#[cfg(target_arch = "aarch64")]
mod aarch64;
mod dispatch;
pub mod float16;
mod kernels;
pub mod scalar;
mod tiling;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_multi_large;
#[cfg(test)]
mod tests_types;

pub use dispatch::{ENV_OVERRIDE, active, available, force_scalar};
pub use float16::{bf16_to_f32, f16_to_f32, f32_to_bf16, f32_to_f16, halves};
pub use kernels::{Kernels, Scorer};

/// Asks the CPU to start loading `data` into cache (a hint: no effect on results). Used ahead of
/// random accesses, such as the neighbors of a graph node.
#[inline]
pub fn prefetch(data: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the pointer and length describe `data`, which is valid for reads.
    unsafe {
        x86_64::prefetch_lines(data.as_ptr(), data.len())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// [`prefetch`] for a list of `u32`s, such as a graph node's neighbor list.
#[inline]
pub fn prefetch_u32(data: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the pointer and length describe `data`, which is valid for reads.
    unsafe {
        x86_64::prefetch_lines(data.as_ptr(), data.len())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// [`prefetch`] for a slice of any element type.
#[inline]
fn prefetch_slice<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the pointer and length describe `data`, which is valid for reads.
    unsafe {
        x86_64::prefetch_lines(data.as_ptr(), data.len())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Name of the active path: "avx512", "avx2+fma", "neon" or "scalar".
pub fn capabilities() -> &'static str {
    active().name()
}

/// Squared Euclidean distance `Σ (aᵢ - bᵢ)²`.
///
/// Pass the stored vector as `b`: long inputs are processed from `b`'s next 64-byte boundary
/// so its loads do not split cache lines.
///
/// Precondition: `a.len() == b.len()` (debug builds assert); otherwise the common prefix is
/// used.
#[inline]
pub fn l2sq(a: &[f32], b: &[f32]) -> f32 {
    active().l2sq(a, b)
}

/// Inner product `Σ aᵢ·bᵢ`.
///
/// Precondition: `a.len() == b.len()` (debug builds assert); otherwise the common prefix is
/// used.
#[inline]
pub fn ip(a: &[f32], b: &[f32]) -> f32 {
    active().ip(a, b)
}

/// Euclidean norm `sqrt(Σ aᵢ²)`, stored at insert time for cosine similarity.
#[inline]
pub fn norm(a: &[f32]) -> f32 {
    active().norm(a)
}

/// Cosine similarity from an inner product and the two norms: `ip / (norm_a · norm_b)`,
/// clamped to `[-1, 1]` against rounding, and `0` when either norm is `0`.
#[inline]
pub fn cosine_from_ip(ip: f32, norm_a: f32, norm_b: f32) -> f32 {
    let denominator = norm_a * norm_b;
    if denominator == 0.0 { 0.0 } else { (ip / denominator).clamp(-1.0, 1.0) }
}

/// Cosine similarity of two vectors, computing both norms (prefer [`cosine_from_ip`] with
/// stored norms on hot paths). Same length precondition as [`ip`].
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let k = active();
    cosine_from_ip(k.ip(a, b), k.norm(a), k.norm(b))
}

/// Turns the inner products from [`ip_batch`] into cosine similarities in place, given the
/// query's norm and the stored norm of each vector.
///
/// Precondition: `norms.len() == scores.len()` (debug builds assert); otherwise only the common
/// prefix is converted.
pub fn ip_to_cosine(scores: &mut [f32], query_norm: f32, norms: &[f32]) {
    debug_assert_eq!(scores.len(), norms.len(), "one norm per score");
    for (score, &n) in scores.iter_mut().zip(norms) {
        *score = cosine_from_ip(*score, query_norm, n);
    }
}

/// Squared Euclidean distances from `query` to each of the `block.len() / dim` vectors stored
/// contiguously in `block`; `out[i]` receives the distance to vector `i`.
///
/// This is the scan path: it streams `block` once and runs close to memory bandwidth. Common
/// dims (8, 16, 32, 64, 96, 128, 256, 384, 512, 768, 1024, 1536) have straight-line bodies.
/// Vectors are loaded as they lie: keep `block` 64-byte aligned (with `dim * 4` a multiple of
/// 64 every vector then is) so loads never split cache lines.
///
/// Preconditions (debug builds assert): `dim >= 1`, `query.len() == dim`,
/// `block.len()` a multiple of `dim`, `out.len() == block.len() / dim`. Otherwise: nothing is
/// written if `dim == 0` or `query.len() < dim`; a trailing partial vector is ignored; and only
/// `min(block.len() / dim, out.len())` distances are written.
#[inline]
pub fn l2sq_batch(query: &[f32], block: &[f32], dim: usize, out: &mut [f32]) {
    active().l2sq_batch(query, block, dim, out);
}

/// Inner products of `query` with each of the `block.len() / dim` vectors stored contiguously in
/// `block`. Same contract as [`l2sq_batch`].
#[inline]
pub fn ip_batch(query: &[f32], block: &[f32], dim: usize, out: &mut [f32]) {
    active().ip_batch(query, block, dim, out);
}

/// Squared Euclidean distances from each of `nq` queries (stored contiguously in `queries`) to
/// each of the `n = block.len() / dim` vectors in `block`. `out` is row-major by query:
/// `out[q * n + i]` is the distance from query `q` to vector `i`.
///
/// Each block vector is read from memory once for all queries (the block is processed in
/// cache-sized tiles), so `nq` queries cost much less than `nq` calls to [`l2sq_batch`].
///
/// Preconditions (debug builds assert): `dim >= 1`, `queries.len() == nq * dim`, `block.len()` a
/// multiple of `dim`, `out.len() == nq * n`. Otherwise: nothing is written if `dim == 0`; a
/// trailing partial vector is ignored; only the first `min(nq, queries.len() / dim,
/// out.len() / n)` queries are run, still with row stride `n`.
#[inline]
pub fn l2sq_multi(queries: &[f32], nq: usize, block: &[f32], dim: usize, out: &mut [f32]) {
    active().l2sq_multi(queries, nq, block, dim, out);
}

/// Inner products of each of `nq` queries with each vector in `block`, row-major by query.
/// Same contract as [`l2sq_multi`].
#[inline]
pub fn ip_multi(queries: &[f32], nq: usize, block: &[f32], dim: usize, out: &mut [f32]) {
    active().ip_multi(queries, nq, block, dim, out);
}

/// Squared Euclidean distances from `query` to the listed vectors of `block` (vectors of `dim`
/// floats stored contiguously): `out[i]` receives the distance to vector `rows[i]`.
///
/// This is the graph-search path: the rows are scattered, so the kernel prefetches vectors a
/// few rows ahead of the one it scores, and paths with a dedicated kernel keep the query in
/// registers and score several rows per reduction. The first rows are worth prefetching with
/// [`prefetch`] by the caller while it collects them.
///
/// Preconditions (debug builds assert): `dim >= 1`, `query.len() == dim`,
/// `rows.len() == out.len()`, every row below `block.len() / dim`. Otherwise: nothing is
/// written if `dim == 0` or `query.len() < dim`; only `min(rows.len(), out.len())` outputs are
/// written; an out-of-range row scores NaN.
#[inline]
pub fn l2sq_gather(query: &[f32], block: &[f32], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().l2sq_gather(query, block, dim, rows, out);
}

/// Inner products of `query` with the listed vectors of `block`. Same contract as
/// [`l2sq_gather`].
#[inline]
pub fn ip_gather(query: &[f32], block: &[f32], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().ip_gather(query, block, dim, rows, out);
}

/// Hamming distance of two packed bit vectors: the number of differing bits, as an f32.
///
/// Precondition: `a.len() == b.len()` (debug builds assert); otherwise the common prefix is
/// used.
#[inline]
pub fn hamming(a: &[u8], b: &[u8]) -> f32 {
    active().hamming().pair(a, b)
}

/// Hamming distances from `query` to each vector of `block` (vectors of `bytes` bytes stored
/// contiguously). Contract of [`l2sq_batch`], with `dim = bytes`.
#[inline]
pub fn hamming_batch(query: &[u8], block: &[u8], bytes: usize, out: &mut [f32]) {
    active().hamming().batch(query, block, bytes, out);
}

/// Hamming distances from `query` to the listed vectors of `block`. Contract of
/// [`l2sq_gather`], with `dim = bytes`.
#[inline]
pub fn hamming_gather(query: &[u8], block: &[u8], bytes: usize, rows: &[u32], out: &mut [f32]) {
    active().hamming().gather(query, block, bytes, rows, out);
}

/// Jaccard distance of two packed bit vectors, `1 - |a ∧ b| / |a ∨ b|`, and `1` when both are
/// all zero. Same length precondition as [`hamming`].
#[inline]
pub fn jaccard(a: &[u8], b: &[u8]) -> f32 {
    active().jaccard().pair(a, b)
}

/// Jaccard distances from `query` to each vector of `block`. Contract of [`hamming_batch`].
#[inline]
pub fn jaccard_batch(query: &[u8], block: &[u8], bytes: usize, out: &mut [f32]) {
    active().jaccard().batch(query, block, bytes, out);
}

/// Jaccard distances from `query` to the listed vectors of `block`. Contract of
/// [`hamming_gather`].
#[inline]
pub fn jaccard_gather(query: &[u8], block: &[u8], bytes: usize, rows: &[u32], out: &mut [f32]) {
    active().jaccard().gather(query, block, bytes, rows, out);
}

/// Squared Euclidean distance from an f32 `query` to a float16 `vector` (bits).
///
/// Precondition: `query.len() == vector.len()` (debug builds assert); otherwise the common
/// prefix is used.
#[inline]
pub fn l2sq_f16(query: &[f32], vector: &[u16]) -> f32 {
    active().l2sq_f16().pair(query, vector)
}

/// Squared Euclidean distances from an f32 `query` to each float16 vector of `block`. Contract
/// of [`l2sq_batch`]; the block is read as stored (2 bytes an element).
#[inline]
pub fn l2sq_f16_batch(query: &[f32], block: &[u16], dim: usize, out: &mut [f32]) {
    active().l2sq_f16().batch(query, block, dim, out);
}

/// Squared Euclidean distances from an f32 `query` to the listed float16 vectors of `block`.
/// Contract of [`l2sq_gather`].
#[inline]
pub fn l2sq_f16_gather(query: &[f32], block: &[u16], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().l2sq_f16().gather(query, block, dim, rows, out);
}

/// Inner product of an f32 `query` with a float16 `vector`. Contract of [`l2sq_f16`].
#[inline]
pub fn ip_f16(query: &[f32], vector: &[u16]) -> f32 {
    active().ip_f16().pair(query, vector)
}

/// Inner products of an f32 `query` with each float16 vector of `block`. Contract of
/// [`l2sq_f16_batch`].
#[inline]
pub fn ip_f16_batch(query: &[f32], block: &[u16], dim: usize, out: &mut [f32]) {
    active().ip_f16().batch(query, block, dim, out);
}

/// Inner products of an f32 `query` with the listed float16 vectors of `block`. Contract of
/// [`l2sq_gather`].
#[inline]
pub fn ip_f16_gather(query: &[f32], block: &[u16], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().ip_f16().gather(query, block, dim, rows, out);
}

/// Squared Euclidean distance from an f32 `query` to a bfloat16 `vector` (bits). Contract of
/// [`l2sq_f16`].
#[inline]
pub fn l2sq_bf16(query: &[f32], vector: &[u16]) -> f32 {
    active().l2sq_bf16().pair(query, vector)
}

/// Squared Euclidean distances from an f32 `query` to each bfloat16 vector of `block`.
/// Contract of [`l2sq_f16_batch`].
#[inline]
pub fn l2sq_bf16_batch(query: &[f32], block: &[u16], dim: usize, out: &mut [f32]) {
    active().l2sq_bf16().batch(query, block, dim, out);
}

/// Squared Euclidean distances from an f32 `query` to the listed bfloat16 vectors of `block`.
/// Contract of [`l2sq_gather`].
#[inline]
pub fn l2sq_bf16_gather(query: &[f32], block: &[u16], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().l2sq_bf16().gather(query, block, dim, rows, out);
}

/// Inner product of an f32 `query` with a bfloat16 `vector`. Contract of [`l2sq_f16`].
#[inline]
pub fn ip_bf16(query: &[f32], vector: &[u16]) -> f32 {
    active().ip_bf16().pair(query, vector)
}

/// Inner products of an f32 `query` with each bfloat16 vector of `block`. Contract of
/// [`l2sq_f16_batch`].
#[inline]
pub fn ip_bf16_batch(query: &[f32], block: &[u16], dim: usize, out: &mut [f32]) {
    active().ip_bf16().batch(query, block, dim, out);
}

/// Inner products of an f32 `query` with the listed bfloat16 vectors of `block`. Contract of
/// [`l2sq_gather`].
#[inline]
pub fn ip_bf16_gather(query: &[f32], block: &[u16], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().ip_bf16().gather(query, block, dim, rows, out);
}

/// Squared Euclidean distance of two int8 vectors, summed exactly, as the nearest f32.
///
/// Precondition: `a.len() == b.len()` (debug builds assert); otherwise the common prefix is
/// used.
#[inline]
pub fn l2sq_i8(a: &[i8], b: &[i8]) -> f32 {
    active().l2sq_i8().pair(a, b)
}

/// Squared Euclidean distances from `query` to each int8 vector of `block`. Contract of
/// [`l2sq_batch`].
#[inline]
pub fn l2sq_i8_batch(query: &[i8], block: &[i8], dim: usize, out: &mut [f32]) {
    active().l2sq_i8().batch(query, block, dim, out);
}

/// Squared Euclidean distances from `query` to the listed int8 vectors of `block`. Contract of
/// [`l2sq_gather`].
#[inline]
pub fn l2sq_i8_gather(query: &[i8], block: &[i8], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().l2sq_i8().gather(query, block, dim, rows, out);
}

/// Inner product of two int8 vectors, summed exactly, as the nearest f32. Contract of
/// [`l2sq_i8`].
#[inline]
pub fn ip_i8(a: &[i8], b: &[i8]) -> f32 {
    active().ip_i8().pair(a, b)
}

/// Inner products of `query` with each int8 vector of `block`. Contract of [`l2sq_batch`].
#[inline]
pub fn ip_i8_batch(query: &[i8], block: &[i8], dim: usize, out: &mut [f32]) {
    active().ip_i8().batch(query, block, dim, out);
}

/// Inner products of `query` with the listed int8 vectors of `block`. Contract of
/// [`l2sq_gather`].
#[inline]
pub fn ip_i8_gather(query: &[i8], block: &[i8], dim: usize, rows: &[u32], out: &mut [f32]) {
    active().ip_i8().gather(query, block, dim, rows, out);
}

/// Euclidean norm of a float16 vector (bits), for cosine similarity via [`cosine_from_ip`].
/// Widens into a temporary f32 copy: meant for insert time and queries, not scans.
pub fn norm_f16(vector: &[u16]) -> f32 {
    let mut wide = vec![0.0f32; vector.len()];
    float16::widen_f16(vector, &mut wide);
    norm(&wide)
}

/// Euclidean norm of a bfloat16 vector (bits), for cosine similarity via [`cosine_from_ip`].
/// Widens into a temporary f32 copy: meant for insert time and queries, not scans.
pub fn norm_bf16(vector: &[u16]) -> f32 {
    let mut wide = vec![0.0f32; vector.len()];
    float16::widen_bf16(vector, &mut wide);
    norm(&wide)
}

/// Euclidean norm of an int8 vector (its squared norm is exact), for cosine similarity via
/// [`cosine_from_ip`].
pub fn norm_i8(vector: &[i8]) -> f32 {
    ip_i8(vector, vector).sqrt()
}
