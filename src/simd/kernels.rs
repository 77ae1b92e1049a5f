//! The kernel table: one set of function pointers per instruction-set path, with safe,
//! slice-based methods that turn slice lengths into the raw-pointer kernel contracts.

use std::fmt;

/// Pair kernel over element types `A` (query) and `B` (stored vector): `f(a, b, n)` reads `n`
/// elements from each pointer.
///
/// # Safety
/// `a` and `b` are valid for `n` reads, and the CPU supports the kernel's instruction set.
pub(super) type PairOf<A, B> = unsafe fn(a: *const A, b: *const B, n: usize) -> f32;

/// One query against `n` contiguous vectors of `dim` elements: `f(query, block, dim, n, out)`.
///
/// # Safety
/// `dim >= 1`; `query` is valid for `dim` reads, `block` for `n * dim` reads, `out` for `n`
/// writes and does not overlap the inputs; the CPU supports the kernel's instruction set.
pub(super) type BatchOf<A, B> =
    unsafe fn(query: *const A, block: *const B, dim: usize, n: usize, out: *mut f32);

/// One query against listed vectors of a block: `f(query, block, dim, rows, count, out)` scores
/// vector `rows[i]` (the elements `rows[i] * dim..(rows[i] + 1) * dim` of `block`) into `out[i]`
/// for `i < count`.
///
/// # Safety
/// `dim >= 1`; `query` is valid for `dim` reads; `rows` for `count` reads, each row's vector
/// valid for `dim` reads from `block`; `out` for `count` writes, not overlapping the inputs; the
/// CPU supports the kernel's instruction set.
pub(super) type GatherOf<A, B> =
    unsafe fn(query: *const A, block: *const B, dim: usize, rows: *const u32, count: usize, out: *mut f32);

/// f32 pair kernel. Contract: [`PairOf`].
pub(super) type PairFn = PairOf<f32, f32>;

/// f32 one-query batch kernel. Contract: [`BatchOf`].
pub(super) type BatchFn = BatchOf<f32, f32>;

/// `nq` queries against `n` contiguous vectors: `f(queries, nq, block, dim, n, out)`, writing
/// row-major `nq × n` results (row stride `n`).
///
/// # Safety
/// `dim >= 1`; `queries` is valid for `nq * dim` reads, `block` for `n * dim` reads, `out` for
/// `nq * n` writes and does not overlap the inputs; the CPU supports the kernel's instruction set.
pub(super) type MultiFn =
    unsafe fn(queries: *const f32, nq: usize, block: *const f32, dim: usize, n: usize, out: *mut f32);

/// f32 gather kernel. Contract: [`GatherOf`].
pub(super) type GatherFn = GatherOf<f32, f32>;

/// How many rows ahead of the one being scored a gather prefetches (every path).
pub(super) const GATHER_AHEAD: usize = 4;

/// The distance kernels of one instruction-set path ("avx512", "avx2+fma", "neon", "scalar").
///
/// A table can only be obtained from [`super::active`] or [`super::available`], which hand out
/// tables for instruction sets this CPU supports; that is what makes the methods safe.
///
/// Length handling is the same as the free functions in [`crate::simd`]: mismatched lengths
/// trip a `debug_assert` and are otherwise clamped, never read out of bounds, never panic.
///
/// Besides the f32 kernels, a table carries one [`Scorer`] per metric of the other vector types
/// (binary, float16, bfloat16, int8). Their paths may be weaker than the table's own when the
/// CPU lacks an extension one of them needs (see [`Scorer::path`]).
#[derive(Clone, Copy)]
pub struct Kernels {
    pub(super) name: &'static str,
    pub(super) l2sq: PairFn,
    pub(super) ip: PairFn,
    pub(super) l2sq_batch: BatchFn,
    pub(super) ip_batch: BatchFn,
    pub(super) l2sq_multi: MultiFn,
    pub(super) ip_multi: MultiFn,
    /// Gathered scoring; paths without one score the rows one by one with the pair kernel,
    /// prefetching a few rows ahead.
    pub(super) l2sq_gather: Option<GatherFn>,
    pub(super) ip_gather: Option<GatherFn>,
    pub(super) binary: BinaryScorers,
    pub(super) half: HalfScorers,
    pub(super) int8: Int8Scorers,
}

/// Hamming and Jaccard distances over packed bits.
#[derive(Clone, Copy)]
pub(super) struct BinaryScorers {
    pub(super) hamming: Scorer<u8, u8>,
    pub(super) jaccard: Scorer<u8, u8>,
}

/// Squared Euclidean distance and inner product of an f32 query with float16 or bfloat16
/// vectors.
#[derive(Clone, Copy)]
pub(super) struct HalfScorers {
    pub(super) l2sq_f16: Scorer<f32, u16>,
    pub(super) ip_f16: Scorer<f32, u16>,
    pub(super) l2sq_bf16: Scorer<f32, u16>,
    pub(super) ip_bf16: Scorer<f32, u16>,
}

/// Squared Euclidean distance and inner product of int8 vectors.
#[derive(Clone, Copy)]
pub(super) struct Int8Scorers {
    pub(super) l2sq: Scorer<i8, i8>,
    pub(super) ip: Scorer<i8, i8>,
}

/// One metric over one pair of element types (`Q` for the query, `V` for stored vectors) on one
/// instruction-set path: a pair kernel, a one-query batch kernel and, where the path has one, a
/// dedicated gather kernel (otherwise rows are scored one by one with the pair kernel,
/// prefetching a few rows ahead).
///
/// Obtained from a [`Kernels`] table, which only hands out scorers this CPU supports. Lengths
/// follow the f32 contracts of [`crate::simd`]: `dim` counts elements of `V` (bytes for binary
/// vectors), mismatches trip a `debug_assert` and are otherwise clamped, nothing is read out of
/// bounds, nothing panics.
pub struct Scorer<Q: 'static, V: 'static> {
    pub(super) path: &'static str,
    pub(super) pair: PairOf<Q, V>,
    pub(super) batch: BatchOf<Q, V>,
    pub(super) gather: Option<GatherOf<Q, V>>,
}

impl<Q, V> Clone for Scorer<Q, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q, V> Copy for Scorer<Q, V> {}

impl<Q, V> fmt::Debug for Scorer<Q, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scorer").field("path", &self.path).finish_non_exhaustive()
    }
}

impl<Q, V> Scorer<Q, V> {
    /// The path the kernels come from, e.g. "avx512-vpopcntdq", "avx2", "avx512bw", "scalar".
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The distance between `query` and one stored vector over their common prefix (unequal
    /// lengths are a caller bug: debug builds assert).
    #[inline]
    pub fn pair(&self, query: &[Q], vector: &[V]) -> f32 {
        let n = pair_len(query, vector);
        // SAFETY: both slices hold at least `n` elements; the path is supported (type invariant).
        unsafe { (self.pair)(query.as_ptr(), vector.as_ptr(), n) }
    }

    /// Distances from `query` to each of the `block.len() / dim` vectors stored contiguously in
    /// `block`. Contract of [`crate::simd::l2sq_batch`].
    #[inline]
    pub fn batch(&self, query: &[Q], block: &[V], dim: usize, out: &mut [f32]) {
        run_batch(self.batch, query, block, dim, out);
    }

    /// Distances from `query` to the listed vectors of `block`. Contract of
    /// [`crate::simd::l2sq_gather`].
    #[inline]
    pub fn gather(&self, query: &[Q], block: &[V], dim: usize, rows: &[u32], out: &mut [f32]) {
        run_gather(self.gather, self.pair, query, block, dim, rows, out);
    }
}

impl fmt::Debug for Kernels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kernels").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Kernels {
    /// The path's name: "avx512", "avx2+fma", "neon" or "scalar".
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Squared Euclidean distance; see [`crate::simd::l2sq`].
    #[inline]
    pub fn l2sq(&self, a: &[f32], b: &[f32]) -> f32 {
        let n = pair_len(a, b);
        // SAFETY: both slices hold at least `n` floats; the table's ISA is supported (type invariant).
        unsafe { (self.l2sq)(a.as_ptr(), b.as_ptr(), n) }
    }

    /// Inner product; see [`crate::simd::ip`].
    #[inline]
    pub fn ip(&self, a: &[f32], b: &[f32]) -> f32 {
        let n = pair_len(a, b);
        // SAFETY: both slices hold at least `n` floats; the table's ISA is supported (type invariant).
        unsafe { (self.ip)(a.as_ptr(), b.as_ptr(), n) }
    }

    /// Euclidean norm; see [`crate::simd::norm`].
    #[inline]
    pub fn norm(&self, a: &[f32]) -> f32 {
        self.ip(a, a).sqrt()
    }

    /// One query against a block of vectors, squared Euclidean; see [`crate::simd::l2sq_batch`].
    pub fn l2sq_batch(&self, query: &[f32], block: &[f32], dim: usize, out: &mut [f32]) {
        run_batch(self.l2sq_batch, query, block, dim, out);
    }

    /// One query against a block of vectors, inner product; see [`crate::simd::ip_batch`].
    pub fn ip_batch(&self, query: &[f32], block: &[f32], dim: usize, out: &mut [f32]) {
        run_batch(self.ip_batch, query, block, dim, out);
    }

    /// Several queries against a block, squared Euclidean; see [`crate::simd::l2sq_multi`].
    pub fn l2sq_multi(&self, queries: &[f32], nq: usize, block: &[f32], dim: usize, out: &mut [f32]) {
        self.run_multi(self.l2sq_multi, queries, nq, block, dim, out);
    }

    /// Several queries against a block, inner product; see [`crate::simd::ip_multi`].
    pub fn ip_multi(&self, queries: &[f32], nq: usize, block: &[f32], dim: usize, out: &mut [f32]) {
        self.run_multi(self.ip_multi, queries, nq, block, dim, out);
    }

    /// One query against listed rows of a block, squared Euclidean; see
    /// [`crate::simd::l2sq_gather`].
    #[inline]
    pub fn l2sq_gather(&self, query: &[f32], block: &[f32], dim: usize, rows: &[u32], out: &mut [f32]) {
        run_gather(self.l2sq_gather, self.l2sq, query, block, dim, rows, out);
    }

    /// One query against listed rows of a block, inner product; see [`crate::simd::ip_gather`].
    #[inline]
    pub fn ip_gather(&self, query: &[f32], block: &[f32], dim: usize, rows: &[u32], out: &mut [f32]) {
        run_gather(self.ip_gather, self.ip, query, block, dim, rows, out);
    }

    /// Hamming distance over packed bits; see [`crate::simd::hamming`].
    pub fn hamming(&self) -> &Scorer<u8, u8> {
        &self.binary.hamming
    }

    /// Jaccard distance over packed bits; see [`crate::simd::jaccard`].
    pub fn jaccard(&self) -> &Scorer<u8, u8> {
        &self.binary.jaccard
    }

    /// Squared Euclidean distance, f32 query against float16 vectors; see
    /// [`crate::simd::l2sq_f16`].
    pub fn l2sq_f16(&self) -> &Scorer<f32, u16> {
        &self.half.l2sq_f16
    }

    /// Inner product, f32 query against float16 vectors; see [`crate::simd::ip_f16`].
    pub fn ip_f16(&self) -> &Scorer<f32, u16> {
        &self.half.ip_f16
    }

    /// Squared Euclidean distance, f32 query against bfloat16 vectors; see
    /// [`crate::simd::l2sq_bf16`].
    pub fn l2sq_bf16(&self) -> &Scorer<f32, u16> {
        &self.half.l2sq_bf16
    }

    /// Inner product, f32 query against bfloat16 vectors; see [`crate::simd::ip_bf16`].
    pub fn ip_bf16(&self) -> &Scorer<f32, u16> {
        &self.half.ip_bf16
    }

    /// Squared Euclidean distance of int8 vectors; see [`crate::simd::l2sq_i8`].
    pub fn l2sq_i8(&self) -> &Scorer<i8, i8> {
        &self.int8.l2sq
    }

    /// Inner product of int8 vectors; see [`crate::simd::ip_i8`].
    pub fn ip_i8(&self) -> &Scorer<i8, i8> {
        &self.int8.ip
    }

    fn run_multi(
        &self,
        kernel: MultiFn,
        queries: &[f32],
        nq: usize,
        block: &[f32],
        dim: usize,
        out: &mut [f32],
    ) {
        let shape = MultiShape::new(queries.len(), nq, block.len(), dim, out.len());
        debug_assert!(
            shape.exact,
            "multi lengths disagree: queries {} (nq {nq}), block {}, dim {dim}, out {}",
            queries.len(),
            block.len(),
            out.len()
        );
        if shape.n == 0 || shape.nq == 0 {
            return;
        }
        // SAFETY: `MultiShape` guarantees queries >= nq * dim, block >= n * dim and
        // out >= nq * n floats; `out` is a unique borrow; the ISA is supported.
        unsafe { kernel(queries.as_ptr(), shape.nq, block.as_ptr(), dim, shape.n, out.as_mut_ptr()) }
    }
}

/// Runs a batch kernel on the part of the arguments that is well defined (see [`BatchShape`]).
/// The kernel's ISA must be supported, which holds for every kernel reachable from a table.
fn run_batch<Q, V>(kernel: BatchOf<Q, V>, query: &[Q], block: &[V], dim: usize, out: &mut [f32]) {
    let shape = BatchShape::new(query.len(), block.len(), dim, out.len());
    debug_assert!(
        shape.exact,
        "batch lengths disagree: query {}, block {}, dim {dim}, out {}",
        query.len(),
        block.len(),
        out.len()
    );
    if shape.n == 0 {
        return;
    }
    // SAFETY: `BatchShape` guarantees query >= dim, block >= n * dim and out >= n elements;
    // `out` is a unique borrow, so it cannot overlap the inputs; the ISA is supported (every
    // caller passes a kernel taken from a table).
    unsafe { kernel(query.as_ptr(), block.as_ptr(), dim, shape.n, out.as_mut_ptr()) }
}

/// Runs a gather kernel, or scores the rows one by one with `pair` (prefetching
/// [`GATHER_AHEAD`] rows on) when there is none or a row is out of range (it scores NaN).
/// The kernels' ISA must be supported, which holds for every kernel reachable from a table.
#[inline]
fn run_gather<Q, V>(
    kernel: Option<GatherOf<Q, V>>,
    pair: PairOf<Q, V>,
    query: &[Q],
    block: &[V],
    dim: usize,
    rows: &[u32],
    out: &mut [f32],
) {
    let n = block.len().checked_div(dim).unwrap_or(0);
    let count = rows.len().min(out.len());
    let in_range = rows.iter().all(|&r| (r as usize) < n);
    debug_assert!(
        dim >= 1 && query.len() == dim && rows.len() == out.len() && in_range,
        "gather arguments disagree: dim {dim}, query {}, block {}, rows {}, out {}",
        query.len(),
        block.len(),
        rows.len(),
        out.len()
    );
    if dim == 0 || query.len() < dim {
        return;
    }
    match kernel {
        Some(kernel) if in_range => {
            // SAFETY: query >= dim elements; every listed row is below n = block.len() / dim,
            // so its dim elements lie in `block`; rows and out hold >= count entries; `out` is a
            // unique borrow; the ISA is supported (kernels come from a table).
            unsafe { kernel(query.as_ptr(), block.as_ptr(), dim, rows.as_ptr(), count, out.as_mut_ptr()) }
        }
        _ => {
            let vector = |r: u32| block.get(r as usize * dim..(r as usize + 1) * dim);
            for (i, (o, &r)) in out.iter_mut().zip(rows).enumerate() {
                if let Some(ahead) = rows.get(i + GATHER_AHEAD).and_then(|&a| vector(a)) {
                    super::prefetch_slice(ahead);
                }
                *o = match vector(r) {
                    // SAFETY: both slices hold dim elements; the ISA is supported.
                    Some(v) => unsafe { pair(query.as_ptr(), v.as_ptr(), dim) },
                    None => f32::NAN,
                };
            }
        }
    }
}

/// Common length of a pair; unequal lengths are a caller bug (debug builds assert).
#[inline]
fn pair_len<A, B>(a: &[A], b: &[B]) -> usize {
    debug_assert_eq!(a.len(), b.len(), "vector lengths differ");
    a.len().min(b.len())
}

/// The part of a one-query batch that is well defined for the given lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BatchShape {
    /// Vectors to score: `min(block / dim, out)`.
    pub(super) n: usize,
    /// Whether the lengths matched the contract exactly (no clamping, no trailing floats).
    pub(super) exact: bool,
}

impl BatchShape {
    /// Clamps to what the lengths allow; `n == 0` when `dim == 0` or the query is shorter than
    /// `dim`.
    pub(super) fn new(query: usize, block: usize, dim: usize, out: usize) -> Self {
        if dim == 0 || query < dim {
            return BatchShape { n: 0, exact: false };
        }
        let vectors = block / dim;
        let exact = query == dim && block.is_multiple_of(dim) && out == vectors;
        BatchShape { n: vectors.min(out), exact }
    }
}

/// The part of a multi-query batch that is well defined for the given lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MultiShape {
    /// Queries to run: `min(nq, queries / dim, out / n)`.
    pub(super) nq: usize,
    /// Vectors per query, which is also the output row stride: `block / dim`.
    pub(super) n: usize,
    /// Whether the lengths matched the contract exactly.
    pub(super) exact: bool,
}

impl MultiShape {
    /// Clamps to what the lengths allow; `nq == 0` or `n == 0` when nothing can be computed.
    pub(super) fn new(queries: usize, nq: usize, block: usize, dim: usize, out: usize) -> Self {
        if dim == 0 {
            return MultiShape { nq: 0, n: 0, exact: false };
        }
        let n = block / dim;
        let exact = Some(queries) == nq.checked_mul(dim)
            && block.is_multiple_of(dim)
            && Some(out) == nq.checked_mul(n);
        let runnable = nq.min(queries / dim);
        let runnable = out.checked_div(n).map_or(runnable, |rows| runnable.min(rows));
        MultiShape { nq: runnable, n, exact }
    }
}
