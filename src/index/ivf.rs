//! IVF_FLAT: an inverted file over k-means clusters of a segment's vectors.
//!
//! # Build
//! `min(nlist, n)` centroids are trained by k-means (k-means++ seeding on a subset, up to
//! [`LLOYD_ITERATIONS`] Lloyd iterations, empty clusters re-seeded by splitting the largest one)
//! on a deterministic sample of at most `max(nlist * 64, 10_000)` vectors. For L2 the vectors
//! are clustered as they are; for IP and COSINE their directions are (spherical k-means: the
//! vectors and the centroids are normalized), so ranking centroids by inner product with the
//! query picks the lists pointing the query's way. Every vector is then put in the list of its
//! nearest centroid. The index keeps a copy of the vectors in list order, so a probed list is one
//! contiguous block scanned with the batch kernels (the segment's own vectors are in row order,
//! which would turn every probe into scattered reads).
//!
//! # Body layout
//! Little-endian, every section 4-byte aligned (the body starts 8-byte aligned in the file):
//!
//! ```text
//! +-----------+---------+---------+----------------+
//! | nlist u32 | dim u32 | n u32   | reserved u32=0 |   header, 16 bytes
//! +-----------+---------+---------+----------------+
//! | centroids: nlist × dim f32, row-major          |   4 · nlist · dim bytes
//! +------------------------------------------------+
//! | list offsets: (nlist + 1) u32,                 |   offsets[0] = 0, non-decreasing,
//! |   list i = rows[offsets[i] .. offsets[i + 1]]  |   offsets[nlist] = n
//! +------------------------------------------------+
//! | rows: n × u32, row numbers grouped by list,    |   4 · n bytes
//! |   ascending within a list                      |
//! +------------------------------------------------+
//! | vectors: n stored vectors in list order        |   n · row bytes, zero-padded
//! |   (vector i belongs to rows[i]), in the        |   to a multiple of 4
//! |   segment's form: f32, or packed bytes         |
//! +------------------------------------------------+
//! ```
//!
//! `nlist` here is the number of lists actually built, `min(nlist requested, n)`: 0 for an
//! empty segment. [`search`] treats the body as untrusted and checks every count and offset,
//! and every row number it reads, before use.
//!
//! Packed kinds (binary, float16, bfloat16, int8) keep their vectors packed; their centroids are
//! f32, trained on the vectors widened in memory chunk by chunk (binary bits as 0/1, where
//! squared L2 is the Hamming distance: BIN_IVF_FLAT ranks lists by it, for JACCARD too).
//!
//! # Search
//! The centroids are ranked against the query with a batch kernel (squared L2, or inner
//! product for IP and COSINE), the vectors of the `nprobe` best lists are scored block by block
//! with the batch kernels (the same costs as the exact scan), disallowed rows are skipped, and
//! the best `k` are kept in a bounded max-heap (ties: smaller row first).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{Candidates, IndexQuery, Space};
use crate::bitset::Bitset;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::params::{DEFAULT_NPROBE, Metric};
use crate::simd;

/// Lloyd iterations after seeding (fewer when the assignment stops changing).
const LLOYD_ITERATIONS: usize = 10;
/// Training points per centroid, at most.
const SAMPLE_PER_LIST: usize = 64;
/// Training points at least (when there are that many vectors).
const MIN_SAMPLE: usize = 10_000;
/// k-means++ seeding points per centroid, at most (each draw rescans them all, so they are kept
/// few enough to stay in cache).
const SEED_PER_LIST: usize = 8;
/// Points assigned per multi-query kernel call.
const ASSIGN_CHUNK: usize = 256;
/// Fixed seed of the training sample and the k-means++ draws.
const SEED: u64 = 0x1BF5_2C3D_9A47_E6B1;
/// Header words.
const HEADER_WORDS: usize = 4;

/// Builds an IVF_FLAT index over `vectors` with `nlist` clusters; returns the body bytes.
///
/// # Errors
/// [`Error::InvalidArgument`] when `nlist` is 0 or the segment is too large for 32-bit row
/// numbers; [`Error::Cancelled`] / [`Error::DeadlineExceeded`] from `ctx`, checked between
/// units of training work.
pub fn build<S: Space>(vectors: S, nlist: usize, ctx: &Context) -> Result<Vec<u8>> {
    if nlist == 0 {
        return Err(Error::InvalidArgument("nlist must be at least 1".into()));
    }
    let n = vectors.len();
    let dim = vectors.dim();
    if n > u32::MAX as usize || dim > u32::MAX as usize {
        return Err(Error::InvalidArgument("segment too large for an IVF_FLAT index".into()));
    }
    ctx.check()?;
    let k = nlist.min(n);
    let spherical = matches!(vectors.metric(), Metric::Ip | Metric::Cosine);

    let centroids = if k == 0 { Vec::new() } else { train(vectors, k, spherical, ctx)? };

    // Final assignment of every vector, in row order so each list is ascending.
    let mut assignment = vec![0u32; n];
    assign_rows(vectors, spherical, &centroids, k, ctx, &mut assignment)?;
    let mut offsets = vec![0u32; k + 1];
    for &a in &assignment {
        offsets[a as usize + 1] += 1;
    }
    for i in 0..k {
        offsets[i + 1] += offsets[i];
    }
    let mut rows = vec![0u32; n];
    let mut next: Vec<u32> = offsets[..k].to_vec();
    for (row, &a) in assignment.iter().enumerate() {
        let slot = &mut next[a as usize];
        rows[*slot as usize] = row as u32;
        *slot += 1;
    }

    let vector_bytes = n * vectors.row_bytes();
    let mut body = Vec::with_capacity(4 * (HEADER_WORDS + k * dim + k + 1 + n) + vector_bytes + 3);
    for v in [k as u32, dim as u32, n as u32, 0] {
        body.extend_from_slice(&v.to_le_bytes());
    }
    body.extend_from_slice(bytemuck::cast_slice(&centroids));
    body.extend_from_slice(bytemuck::cast_slice(&offsets));
    body.extend_from_slice(bytemuck::cast_slice(&rows));
    for &row in &rows {
        body.extend_from_slice(vectors.row(row as usize));
    }
    body.resize(body.len().next_multiple_of(4), 0);
    Ok(body)
}

/// A tiny deterministic xorshift64* generator for the training sample and seeding.
struct XorShift(u64);

impl XorShift {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..bound` (`bound >= 1`), by multiply-shift.
    fn below(&mut self, bound: usize) -> usize {
        (((self.next_u64() >> 32) * bound as u64) >> 32) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Scales `v` to unit length (a zero vector stays zero).
fn normalize(v: &mut [f32]) {
    let norm = simd::norm(v);
    if norm > 0.0 {
        let inv = 1.0 / norm;
        v.iter_mut().for_each(|x| *x *= inv);
    }
}

/// Trains `k` centroids (1 <= k <= n) on a deterministic sample of `vectors`.
fn train<S: Space>(vectors: S, k: usize, spherical: bool, ctx: &Context) -> Result<Vec<f32>> {
    let n = vectors.len();
    let dim = vectors.dim();
    let mut rng = XorShift(SEED);
    let s = n.min((k * SAMPLE_PER_LIST).max(MIN_SAMPLE)).max(k);

    // Sample `s` distinct rows (partial Fisher-Yates), kept in row order for locality.
    let mut sample: Vec<u32> = if s == n {
        (0..n as u32).collect()
    } else {
        let mut perm: Vec<u32> = (0..n as u32).collect();
        for i in 0..s {
            let j = i + rng.below(n - i);
            perm.swap(i, j);
        }
        perm.truncate(s);
        perm.sort_unstable();
        perm
    };
    let mut points = Vec::with_capacity(s * dim);
    for &row in &sample {
        let start = points.len();
        points.extend_from_slice(&vectors.rows_f32(row as usize, row as usize + 1));
        if spherical {
            normalize(&mut points[start..]);
        }
    }
    sample.clear();
    ctx.check()?;

    let mut centroids = seed_plus_plus(&points, dim, k, &mut rng, ctx)?;
    let mut assignment = vec![u32::MAX; s];
    let mut sums = vec![0f64; k * dim];
    let mut counts = vec![0usize; k];
    let mut scratch = vec![0f32; ASSIGN_CHUNK * k];
    for _ in 0..LLOYD_ITERATIONS {
        ctx.check()?;
        let mut changed = false;
        for (c, chunk) in points.chunks(ASSIGN_CHUNK * dim).enumerate() {
            ctx.check()?;
            let base = c * ASSIGN_CHUNK;
            let nq = chunk.len() / dim;
            nearest(chunk, nq, &centroids, dim, k, &mut scratch, |i, best| {
                let slot = &mut assignment[base + i];
                changed |= *slot != best;
                *slot = best;
            });
        }
        if !changed {
            break;
        }
        sums.iter_mut().for_each(|x| *x = 0.0);
        counts.iter_mut().for_each(|x| *x = 0);
        for (point, &a) in points.chunks_exact(dim).zip(&assignment) {
            let a = a as usize;
            counts[a] += 1;
            for (sum, &x) in sums[a * dim..(a + 1) * dim].iter_mut().zip(point) {
                *sum += f64::from(x);
            }
        }
        for c in 0..k {
            if counts[c] > 0 {
                let inv = 1.0 / counts[c] as f64;
                let centroid = &mut centroids[c * dim..(c + 1) * dim];
                for (x, &sum) in centroid.iter_mut().zip(&sums[c * dim..(c + 1) * dim]) {
                    *x = (sum * inv) as f32;
                }
                if spherical {
                    normalize(centroid);
                }
            }
        }
        split_empty(&mut centroids, &mut counts, dim, spherical);
    }
    Ok(centroids)
}

/// k-means++ seeding on an evenly strided subset of `points` (at most [`SEED_PER_LIST`] per
/// centroid): the first centroid uniformly, each next one with probability proportional to the
/// squared distance to the nearest centroid chosen so far.
fn seed_plus_plus(
    points: &[f32],
    dim: usize,
    k: usize,
    rng: &mut XorShift,
    ctx: &Context,
) -> Result<Vec<f32>> {
    let total = points.len() / dim;
    let s = total.min(k * SEED_PER_LIST);
    let subset: Vec<f32>;
    let points = if s == total {
        points
    } else {
        let row = |i: usize| &points[i * total / s * dim..(i * total / s + 1) * dim];
        subset = (0..s).flat_map(row).copied().collect();
        &subset
    };
    let mut centroids = Vec::with_capacity(k * dim);
    let first = rng.below(s);
    centroids.extend_from_slice(&points[first * dim..(first + 1) * dim]);
    let mut nearest = vec![0f32; s];
    simd::l2sq_batch(&centroids[..dim], points, dim, &mut nearest);
    let mut fresh = vec![0f32; s];
    for c in 1..k {
        if c.is_multiple_of(64) {
            ctx.check()?;
        }
        let total: f64 = nearest.iter().map(|&d| f64::from(d)).sum();
        let pick = if total > 0.0 {
            let mut target = rng.unit() * total;
            let mut pick = s - 1;
            for (i, &d) in nearest.iter().enumerate() {
                target -= f64::from(d);
                if target < 0.0 && d > 0.0 {
                    pick = i;
                    break;
                }
            }
            pick
        } else {
            rng.below(s)
        };
        let start = centroids.len();
        centroids.extend_from_slice(&points[pick * dim..(pick + 1) * dim]);
        simd::l2sq_batch(&centroids[start..], points, dim, &mut fresh);
        for (d, &f) in nearest.iter_mut().zip(&fresh) {
            if f < *d {
                *d = f;
            }
        }
    }
    Ok(centroids)
}

/// Re-seeds each empty cluster by splitting the currently largest one: both get its centroid,
/// nudged in opposite directions, and half of its points (as a count).
fn split_empty(centroids: &mut [f32], counts: &mut [usize], dim: usize, spherical: bool) {
    const EPS: f32 = 1.0 / 1024.0;
    for empty in 0..counts.len() {
        if counts[empty] != 0 {
            continue;
        }
        let mut largest = 0;
        for (c, &count) in counts.iter().enumerate() {
            if count > counts[largest] {
                largest = c;
            }
        }
        if counts[largest] < 2 {
            return;
        }
        for j in 0..dim {
            let x = centroids[largest * dim + j];
            let (up, down) = (x * (1.0 + EPS), x * (1.0 - EPS));
            let (e, l) = if j % 2 == 0 { (up, down) } else { (down, up) };
            centroids[empty * dim + j] = e;
            centroids[largest * dim + j] = l;
        }
        if spherical {
            normalize(&mut centroids[empty * dim..(empty + 1) * dim]);
            normalize(&mut centroids[largest * dim..(largest + 1) * dim]);
        }
        counts[empty] = counts[largest] / 2;
        counts[largest] -= counts[empty];
    }
}

/// For each of the `nq` points in `points`, the index of the nearest of the `k` centroids by
/// squared L2 (ties: smaller index), reported as `found(point, centroid)`.
fn nearest(
    points: &[f32],
    nq: usize,
    centroids: &[f32],
    dim: usize,
    k: usize,
    scratch: &mut [f32],
    mut found: impl FnMut(usize, u32),
) {
    let out = &mut scratch[..nq * k];
    simd::l2sq_multi(points, nq, centroids, dim, out);
    for (i, dists) in out.chunks_exact(k).enumerate() {
        let mut best = 0;
        let mut best_d = dists[0];
        for (c, &d) in dists.iter().enumerate().skip(1) {
            if d < best_d {
                best = c;
                best_d = d;
            }
        }
        found(i, best as u32);
    }
}

/// Assigns every vector to its nearest centroid (by direction when `spherical`).
fn assign_rows<S: Space>(
    vectors: S,
    spherical: bool,
    centroids: &[f32],
    k: usize,
    ctx: &Context,
    assignment: &mut [u32],
) -> Result<()> {
    let n = assignment.len();
    if n == 0 || k == 0 {
        return Ok(());
    }
    let dim = vectors.dim();
    let mut scratch = vec![0f32; ASSIGN_CHUNK * k];
    let mut normalized = if spherical { vec![0f32; ASSIGN_CHUNK * dim] } else { Vec::new() };
    for (c, out) in assignment.chunks_mut(ASSIGN_CHUNK).enumerate() {
        ctx.check()?;
        let start = c * ASSIGN_CHUNK;
        let nq = out.len();
        let wide = vectors.rows_f32(start, start + nq);
        let mut chunk: &[f32] = &wide;
        if spherical {
            let buf = &mut normalized[..nq * dim];
            buf.copy_from_slice(chunk);
            buf.chunks_exact_mut(dim).for_each(normalize);
            chunk = buf;
        }
        nearest(chunk, nq, centroids, dim, k, &mut scratch, |i, best| out[i] = best);
    }
    Ok(())
}

/// The parsed sections of a body.
struct Layout<'a> {
    nlist: usize,
    centroids: &'a [f32],
    offsets: &'a [u32],
    rows: &'a [u32],
    /// The stored vectors in list order.
    vectors: &'a [u8],
}

impl<'a> Layout<'a> {
    /// Checks the header, the section lengths and the list offsets against `vectors`.
    fn parse<S: Space>(words: &'a [u32], vectors: &S) -> std::result::Result<Self, String> {
        let (nlist, dim, n, reserved) = match words.get(..HEADER_WORDS) {
            Some(&[a, b, c, d]) => (a as usize, b as usize, c as usize, d),
            _ => return Err("IVF_FLAT body is shorter than its header".into()),
        };
        if reserved != 0 {
            return Err("IVF_FLAT reserved header field is not zero".into());
        }
        if dim != vectors.dim() {
            return Err(format!("IVF_FLAT dimension {dim} does not match the segment's {}", vectors.dim()));
        }
        if n != vectors.len() {
            return Err(format!("IVF_FLAT row count {n} does not match the segment's {}", vectors.len()));
        }
        if nlist > n || (n > 0 && nlist == 0) {
            return Err(format!("IVF_FLAT list count {nlist} is invalid for {n} rows"));
        }
        let centroid_words = nlist.checked_mul(dim).ok_or("IVF_FLAT centroid section overflows")?;
        let vector_bytes = n.checked_mul(vectors.row_bytes()).ok_or("IVF_FLAT vector section overflows")?;
        let vector_words = vector_bytes.div_ceil(4);
        let expected = [centroid_words, nlist + 1, n, vector_words]
            .iter()
            .try_fold(HEADER_WORDS, |acc, &w| acc.checked_add(w))
            .ok_or("IVF_FLAT body length overflows")?;
        if words.len() != expected {
            return Err(format!(
                "IVF_FLAT body has {} bytes, expected {} for {nlist} lists of {n} rows",
                words.len() * 4,
                expected * 4
            ));
        }
        let (centroids, rest) = words[HEADER_WORDS..].split_at(centroid_words);
        let (offsets, rest) = rest.split_at(nlist + 1);
        let (rows, list_vectors) = rest.split_at(n);
        if offsets[0] != 0 || offsets[nlist] as usize != n || offsets.windows(2).any(|w| w[0] > w[1]) {
            return Err("IVF_FLAT list offsets are inconsistent".into());
        }
        Ok(Layout {
            nlist,
            centroids: bytemuck::cast_slice(centroids),
            offsets,
            rows,
            vectors: &bytemuck::cast_slice(list_vectors)[..vector_bytes],
        })
    }
}

/// A heap entry ordered by cost, then row: the heap's top is the worst kept candidate.
#[derive(Clone, Copy)]
struct Entry(f32, u32);

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// Whether `row` is allowed (rows past the bitset's length are not).
#[inline]
fn is_allowed(allowed: Option<&Bitset>, row: usize) -> bool {
    allowed.is_none_or(|a| a.words().get(row / 64).is_some_and(|w| w >> (row % 64) & 1 == 1))
}

/// Scores the probed lists block by block with the batch kernels and keeps the best `k` allowed
/// rows. Row numbers are checked as they are read.
fn scan<S: Space>(
    layout: &Layout<'_>,
    probes: &[u32],
    vectors: &S,
    query: &IndexQuery<'_, S::Query>,
) -> std::result::Result<Candidates, String> {
    let (n, row_bytes, k) = (vectors.len(), vectors.row_bytes(), query.k);
    let mut heap: BinaryHeap<Entry> = BinaryHeap::with_capacity(k.min(n) + 1);
    let mut scores = Vec::new();
    for &l in probes {
        let (start, end) = (layout.offsets[l as usize] as usize, layout.offsets[l as usize + 1] as usize);
        let block = &layout.vectors[start * row_bytes..end * row_bytes];
        let rows = &layout.rows[start..end];
        if let Some(&r) = rows.iter().find(|&&r| r as usize >= n) {
            return Err(format!("IVF_FLAT row {r} is out of range for {n} rows"));
        }
        scores.resize(end - start, 0.0);
        vectors.block_costs(query.vector, query.norm, block, rows, &mut scores);
        for (&row, &cost) in rows.iter().zip(&scores) {
            if !is_allowed(query.allowed, row as usize) {
                continue;
            }
            let entry = Entry(cost, row);
            if heap.len() < k {
                heap.push(entry);
            } else if let Some(mut worst) = heap.peek_mut()
                && entry < *worst
            {
                *worst = entry;
            }
        }
    }
    Ok(heap.into_sorted_vec().into_iter().map(|Entry(c, r)| (r, c)).collect())
}

/// Checks a serialized index completely: header, sections, list offsets and every row number.
///
/// # Errors
/// A description of the first problem found.
pub fn validate<S: Space>(body: &[u8], vectors: &S) -> std::result::Result<(), String> {
    if !body.len().is_multiple_of(4) {
        return Err(format!("IVF_FLAT body length {} is not a multiple of 4", body.len()));
    }
    let words: Cow<'_, [u32]> = match bytemuck::try_cast_slice::<u8, u32>(body) {
        Ok(words) => Cow::Borrowed(words),
        Err(_) => Cow::Owned(bytemuck::pod_collect_to_vec(body)),
    };
    let layout = Layout::parse(&words, vectors)?;
    match layout.rows.iter().find(|&&r| r as usize >= vectors.len()) {
        Some(r) => Err(format!("IVF_FLAT row {r} is out of range for {} rows", vectors.len())),
        None => Ok(()),
    }
}

/// Searches a serialized index; `Err(reason)` when the bytes are malformed (the caller turns it
/// into a Corrupted error naming the file).
pub fn search<S: Space>(
    body: &[u8],
    vectors: S,
    query: &IndexQuery<'_, S::Query>,
) -> std::result::Result<Candidates, String> {
    if !body.len().is_multiple_of(4) {
        return Err(format!("IVF_FLAT body length {} is not a multiple of 4", body.len()));
    }
    let words: Cow<'_, [u32]> = match bytemuck::try_cast_slice::<u8, u32>(body) {
        Ok(words) => Cow::Borrowed(words),
        // Misaligned input (not the mapped file's case): read a copy.
        Err(_) => Cow::Owned(bytemuck::pod_collect_to_vec(body)),
    };
    let layout = Layout::parse(&words, &vectors)?;
    let (dim, n, nlist) = (vectors.dim(), vectors.len(), layout.nlist);
    let wide_query = S::query_f32(&query.vector);
    if wide_query.len() != dim {
        return Err(format!("query has {} dimensions, the index {dim}", wide_query.len()));
    }
    if vectors.metric() == Metric::Cosine && vectors.norms().len() < n {
        return Err("segment norms are missing for COSINE".into());
    }
    if query.k == 0 || nlist == 0 {
        return Ok(Vec::new());
    }

    // Rank the centroids: lower score is better.
    let mut scores = vec![0f32; nlist];
    match vectors.metric() {
        Metric::L2 | Metric::Hamming | Metric::Jaccard => {
            simd::l2sq_batch(wide_query, layout.centroids, dim, &mut scores)
        }
        Metric::Ip | Metric::Cosine => {
            simd::ip_batch(wide_query, layout.centroids, dim, &mut scores);
            scores.iter_mut().for_each(|s| *s = -*s);
        }
    }
    let nprobe = query.params.nprobe.unwrap_or(DEFAULT_NPROBE).clamp(1, nlist);
    let mut probes: Vec<u32> = (0..nlist as u32).collect();
    let by_score = |a: &u32, b: &u32| scores[*a as usize].total_cmp(&scores[*b as usize]).then(a.cmp(b));
    if nprobe < nlist {
        probes.select_nth_unstable_by(nprobe - 1, by_score);
        probes.truncate(nprobe);
    }
    probes.sort_unstable_by(by_score);

    scan(&layout, &probes, &vectors, query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Vectors;
    use crate::params::SearchParams;

    /// The same rows with the same costs (the batch and pair kernels may round differently, so
    /// costs agree to a relative 1e-5 and near-ties may swap places).
    fn assert_same(got: &Candidates, want: &Candidates, what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * a.abs().max(b.abs()).max(1.0);
        for (i, ((gr, gc), (_, wc))) in got.iter().zip(want).enumerate() {
            assert!(close(*gc, *wc), "{what}: rank {i}: {got:?} vs {want:?}");
            let twin = want.iter().find(|(r, _)| r == gr);
            assert!(twin.is_some_and(|(_, c)| close(*c, *gc)), "{what}: row {gr}: {got:?} vs {want:?}");
        }
    }

    /// Deterministic clustered Gaussian data: `n` vectors of `dim` around `clusters` centres.
    fn clustered(n: usize, dim: usize, clusters: usize, seed: u64) -> Vec<f32> {
        let mut rng = XorShift(seed | 1);
        let mut gauss = move || {
            let u1 = rng.unit().max(1e-12);
            let u2 = rng.unit();
            ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
        };
        let centres: Vec<f32> = (0..clusters * dim).map(|_| gauss()).collect();
        let mut pick = XorShift(seed.wrapping_mul(31) | 1);
        let mut data = Vec::with_capacity(n * dim);
        for _ in 0..n {
            let c = pick.below(clusters);
            for j in 0..dim {
                data.push(centres[c * dim + j] + gauss());
            }
        }
        data
    }

    fn norms_of(data: &[f32], dim: usize) -> Vec<f32> {
        data.chunks_exact(dim).map(simd::norm).collect()
    }

    fn view<'a>(data: &'a [f32], norms: &'a [f32], dim: usize, metric: Metric) -> Vectors<'a> {
        Vectors { dim, data, norms, metric }
    }

    /// The body in an aligned buffer, as the mapped file gives it.
    fn aligned(body: &[u8]) -> Vec<u32> {
        bytemuck::pod_collect_to_vec(body)
    }

    fn query<'a>(
        v: &'a [f32],
        k: usize,
        nprobe: Option<usize>,
        allowed: Option<&'a Bitset>,
    ) -> IndexQuery<'a> {
        IndexQuery {
            vector: v,
            norm: simd::norm(v),
            k,
            params: SearchParams { ef: None, nprobe, drop_ratio_search: None },
            allowed,
        }
    }

    fn exact(vectors: Vectors<'_>, q: &IndexQuery<'_>) -> Candidates {
        let mut all: Vec<(u32, f32)> = (0..vectors.len())
            .filter(|&r| is_allowed(q.allowed, r))
            .map(|r| (r as u32, vectors.cost(q.vector, q.norm, r)))
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        all.truncate(q.k);
        all
    }

    fn search_words(
        words: &[u32],
        vectors: Vectors<'_>,
        q: &IndexQuery<'_>,
    ) -> std::result::Result<Candidates, String> {
        search(bytemuck::cast_slice(words), vectors, q)
    }

    #[test]
    fn recall_on_clustered_data_for_every_metric() {
        let (n, dim, nlist) = (5000, 32, 64);
        let data = clustered(n, dim, 20, 7);
        let norms = norms_of(&data, dim);
        let queries = clustered(50, dim, 20, 7);
        for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
            let vectors = view(&data, &norms, dim, metric);
            let body = aligned(&build(vectors, nlist, &Context::background()).unwrap());
            let mut hits = 0;
            for qv in queries.chunks_exact(dim) {
                let full = query(qv, 10, Some(nlist), None);
                let truth = exact(vectors, &full);
                assert_same(
                    &search_words(&body, vectors, &full).unwrap(),
                    &truth,
                    &format!("{metric:?} nprobe = nlist"),
                );
                let quarter = query(qv, 10, Some(nlist / 4), None);
                let got = search_words(&body, vectors, &quarter).unwrap();
                assert_eq!(got.len(), 10);
                assert!(got.windows(2).all(|w| w[0].1 <= w[1].1));
                hits += got.iter().filter(|g| truth.iter().any(|t| t.0 == g.0)).count();
            }
            let recall = hits as f64 / (10 * queries.len() / dim) as f64;
            eprintln!("{metric:?} recall {recall}");
            assert!(recall >= 0.95, "{metric:?} recall {recall}");
        }
    }

    #[test]
    fn default_nprobe_and_clamping() {
        let (n, dim) = (600, 8);
        let data = clustered(n, dim, 5, 3);
        let norms = norms_of(&data, dim);
        let vectors = view(&data, &norms, dim, Metric::L2);
        let body = aligned(&build(vectors, 16, &Context::background()).unwrap());
        let qv = &data[..dim];
        let got = search_words(&body, vectors, &query(qv, 5, None, None)).unwrap();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], (0, 0.0));
        let huge = search_words(&body, vectors, &query(qv, 5, Some(1_000_000), None)).unwrap();
        assert_eq!(huge, exact(vectors, &query(qv, 5, None, None)));
        let zero = search_words(&body, vectors, &query(qv, 5, Some(0), None)).unwrap();
        assert!(!zero.is_empty());
        assert!(search_words(&body, vectors, &query(qv, 0, None, None)).unwrap().is_empty());
        let all = search_words(&body, vectors, &query(qv, usize::MAX, Some(16), None)).unwrap();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn allowed_rows_only() {
        let (n, dim, nlist) = (2000, 16, 32);
        let data = clustered(n, dim, 10, 11);
        let norms = norms_of(&data, dim);
        for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
            let vectors = view(&data, &norms, dim, metric);
            let body = aligned(&build(vectors, nlist, &Context::background()).unwrap());
            let mut every_third = Bitset::new(n);
            (0..n).step_by(3).for_each(|r| {
                every_third.set(r);
            });
            let qv = &data[5 * dim..6 * dim];
            let got = search_words(&body, vectors, &query(qv, 20, Some(8), Some(&every_third))).unwrap();
            assert!(!got.is_empty());
            assert!(got.iter().all(|&(r, _)| r % 3 == 0));

            let mut few = Bitset::new(n);
            for r in [3, 777, 1500, 1999] {
                few.set(r);
            }
            let q = query(qv, 10, Some(nlist), Some(&few));
            let got = search_words(&body, vectors, &q).unwrap();
            let mut rows: Vec<u32> = got.iter().map(|g| g.0).collect();
            rows.sort_unstable();
            assert_eq!(rows, vec![3, 777, 1500, 1999]);
            assert_same(&got, &exact(vectors, &q), "few allowed rows");
            // A too-short bitset allows nothing past its end, and does not panic.
            let short = Bitset::full(10);
            let got = search_words(&body, vectors, &query(qv, 50, Some(nlist), Some(&short))).unwrap();
            assert_eq!(got.len(), 10);
        }
    }

    #[test]
    fn small_and_empty_segments() {
        let dim = 4;
        for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
            // n = 0.
            let vectors = view(&[], &[], dim, metric);
            let body = aligned(&build(vectors, 128, &Context::background()).unwrap());
            assert_eq!(body.len(), HEADER_WORDS + 1);
            assert!(search_words(&body, vectors, &query(&[1.0; 4], 3, None, None)).unwrap().is_empty());
            // n = 1.
            let one = [1.0, 2.0, 3.0, 4.0];
            let norms = norms_of(&one, dim);
            let vectors = view(&one, &norms, dim, metric);
            let body = aligned(&build(vectors, 128, &Context::background()).unwrap());
            assert_eq!(body[0], 1);
            let got = search_words(&body, vectors, &query(&[1.0; 4], 3, None, None)).unwrap();
            assert_same(&got, &exact(vectors, &query(&[1.0; 4], 3, None, None)), "tiny");
            // n < nlist, with duplicates and a zero vector.
            let mut data = clustered(10, dim, 2, 5);
            data[4..8].copy_from_slice(&[0.0; 4]);
            let dup = data[8..12].to_vec();
            data[12..16].copy_from_slice(&dup);
            let norms = norms_of(&data, dim);
            let vectors = view(&data, &norms, dim, metric);
            let body = aligned(&build(vectors, 64, &Context::background()).unwrap());
            assert_eq!(body[0], 10);
            let q = query(&data[..dim], 4, Some(64), None);
            assert_same(&search_words(&body, vectors, &q).unwrap(), &exact(vectors, &q), "edge case");
            // nlist = 1.
            let body = aligned(&build(vectors, 1, &Context::background()).unwrap());
            assert_eq!(body[0], 1);
            let q = query(&data[dim..2 * dim], 10, None, None);
            assert_same(&search_words(&body, vectors, &q).unwrap(), &exact(vectors, &q), "edge case");
        }
        let vectors = view(&[], &[], dim, Metric::L2);
        assert!(matches!(build(vectors, 0, &Context::background()), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn malformed_bodies_are_errors() {
        let (n, dim, nlist) = (300, 4, 8);
        let data = clustered(n, dim, 4, 9);
        let norms = norms_of(&data, dim);
        let vectors = view(&data, &norms, dim, Metric::Cosine);
        let bytes = build(vectors, nlist, &Context::background()).unwrap();
        let good = aligned(&bytes);
        let q = query(&data[..dim], 5, Some(nlist), None);
        search_words(&good, vectors, &q).unwrap();

        // Every truncation, aligned or not.
        for len in 0..bytes.len() {
            assert!(search(&bytes[..len], vectors, &q).is_err(), "truncated to {len}");
        }
        // Misaligned but otherwise valid bytes still work.
        let mut shifted = vec![0u8; bytes.len() + 1];
        shifted[1..].copy_from_slice(&bytes);
        assert_eq!(search(&shifted[1..], vectors, &q).unwrap(), search_words(&good, vectors, &q).unwrap());
        // Trailing bytes.
        let mut longer = good.clone();
        longer.push(0);
        assert!(search_words(&longer, vectors, &q).is_err());

        let offsets_at = HEADER_WORDS + nlist * dim;
        let rows_at = offsets_at + nlist + 1;
        assert!(good[offsets_at + 2] < n as u32);
        let corruptions: Vec<(usize, u32)> = vec![
            (0, 0),                      // no lists for n rows
            (0, nlist as u32 + 1),       // wrong list count
            (0, u32::MAX),               // overflowing list count
            (1, dim as u32 + 1),         // wrong dimension
            (1, u32::MAX),               // overflowing dimension
            (2, n as u32 - 1),           // wrong row count
            (3, 1),                      // reserved
            (offsets_at, 1),             // first offset not 0
            (offsets_at + 3, u32::MAX),  // offset out of range
            (offsets_at + 1, n as u32),  // decreasing offsets
            (offsets_at + nlist, 7),     // last offset not n
            (rows_at, n as u32),         // row id = n
            (rows_at + n - 1, u32::MAX), // row id far out of range
        ];
        for (at, value) in corruptions {
            let mut bad = good.clone();
            bad[at] = value;
            assert!(search_words(&bad, vectors, &q).is_err(), "word {at} = {value}");
        }
        // Mismatched segment or query.
        let fewer = view(&data[..(n - 1) * dim], &norms, dim, Metric::Cosine);
        assert!(search_words(&good, fewer, &q).is_err());
        assert!(search_words(&good, vectors, &query(&data[..dim - 1], 5, None, None)).is_err());
        let no_norms = view(&data, &[], dim, Metric::Cosine);
        assert!(search_words(&good, no_norms, &q).is_err());
    }

    #[test]
    fn cancelled_build() {
        let data = clustered(500, 8, 4, 1);
        let vectors = view(&data, &[], 8, Metric::L2);
        let ctx = Context::background();
        ctx.cancel();
        assert!(matches!(build(vectors, 16, &ctx), Err(Error::Cancelled)));
        let expired = Context::with_deadline(std::time::Instant::now() - std::time::Duration::from_millis(1));
        assert!(matches!(build(vectors, 16, &expired), Err(Error::DeadlineExceeded)));
    }

    #[test]
    fn build_is_deterministic() {
        let data = clustered(3000, 16, 8, 2);
        let vectors = view(&data, &[], 16, Metric::Ip);
        let a = build(vectors, 40, &Context::background()).unwrap();
        let b = build(vectors, 40, &Context::background()).unwrap();
        assert_eq!(a, b);
    }
}
