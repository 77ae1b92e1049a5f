//! SPARSE_INVERTED_INDEX and SPARSE_WAND: an inverted index of a segment's sparse vectors, one
//! posting list per dimension, searched by inner product (IP).
//!
//! # Build
//! The rows come in CSR form ([`SparseRows`], checked before the build). With `drop_ratio_build` = r > 0, the value at
//! position `⌊r · count⌋` of all values' magnitudes in ascending order (the quantile is taken on
//! an even stride of at most [`QUANTILE_SAMPLE`] values) is the build threshold, and values of
//! smaller magnitude are left out of the lists, as Milvus does. Each list holds the rows (ascending)
//! having the dimension with their values, and the largest magnitude in the list (the bound
//! DAAT_WAND and DAAT_MAXSCORE prune with).
//!
//! # Body layout
//! Little-endian, every section 4-byte aligned:
//!
//! ```text
//! +---------+---------+--------------+----------------+--------------+--------------+
//! | n u32   | dims u32| postings u64 | threshold f32  | reserved u32 | nnz u64      |  32 bytes
//! +---------+---------+--------------+----------------+--------------+--------------+
//! | list offsets: (dims + 1) u64: list i = postings offsets[i] .. offsets[i + 1];    |
//! |   offsets[0] = 0, non-decreasing, offsets[dims] = postings                        |
//! +------------------------------------------------------------------------------------+
//! | dimension ids: dims u32, strictly ascending, each < u32::MAX                      |
//! | list bounds: dims f32, the largest |value| of each list                           |
//! | rows: postings u32 (< n, strictly ascending within a list)                        |
//! | values: postings f32 (finite)                                                     |
//! +------------------------------------------------------------------------------------+
//! ```
//!
//! `n` and `nnz` are the row count and non-zero count of the rows the index was built from;
//! `threshold` is the build threshold (0 when nothing was dropped). [`validate`] checks a whole
//! body; [`search`] checks the header and section lengths, and every offset and row it reads.
//!
//! # Search
//! With `drop_ratio_search` = r > 0 the query's values of magnitude below its own `⌊r · len⌋`-th
//! smallest are left out. The remaining terms' lists are searched by the index's algorithm:
//! TAAT_NAIVE adds every posting into a score per row; DAAT_WAND and DAAT_MAXSCORE walk the lists
//! in row order and skip rows whose bound (the query value times the list's largest magnitude,
//! summed) cannot beat the current k-th score. Rows whose (index) score is 0, among them every
//! row sharing no kept dimension with the query, are not returned, as in Milvus. The best k
//! candidates are then scored exactly (the full query's dot product with the row) and returned
//! best first, so the scores are exact even when values were dropped; with nothing dropped the
//! result is the exact top k.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Candidates;
use crate::bitset::Bitset;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::params::sparse::{check_row, check_shape};
use crate::params::{DropRatio, IndexParams, SearchParams, SparseAlgo, SparseRows};

/// Values sampled at most (evenly strided) for the `drop_ratio_build` quantile.
const QUANTILE_SAMPLE: usize = 1 << 24;
/// Header words.
const HEADER_WORDS: usize = 8;
/// A cursor's row past the end of its list.
const END: u32 = u32::MAX;
/// Rows between cancellation checks while building.
const CHECK_EVERY: usize = 1 << 14;
/// Relative slack of a bound test: bounds are sums of rounded products, so a row whose bound
/// falls short of the k-th score by less than this is still scored.
const BOUND_SLACK: f32 = 1e-5;

/// Checks rows before a build: the CSR shape, then every row is canonical (indices strictly
/// ascending and below `u32::MAX`, values finite).
///
/// # Errors
/// A description naming the first bad row or the shape rule broken.
fn check_rows(rows: SparseRows<'_>) -> std::result::Result<(), String> {
    check_shape(rows.offsets(), rows.indices().len(), rows.values().len())?;
    rows.check_rows(false).map_err(|(row, rule)| format!("sparse row {row}: {rule}"))
}

/// Checks one sparse vector: as many indices as values, then the row rule of stored rows
/// ([`check_row`]: indices strictly ascending and below `u32::MAX`, values finite).
///
/// # Errors
/// A description naming the first bad position.
pub fn check_vector(indices: &[u32], values: &[f32]) -> std::result::Result<(), String> {
    if indices.len() != values.len() {
        return Err(format!("{} indices but {} values", indices.len(), values.len()));
    }
    check_row(indices, values, false)
}

/// The inner product of two sparse vectors (indices ascending), summed in ascending index order.
pub fn dot(a_indices: &[u32], a_values: &[f32], b_indices: &[u32], b_values: &[f32]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0f32);
    while i < a_indices.len() && j < b_indices.len() {
        match a_indices[i].cmp(&b_indices[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                sum += a_values[i] * b_values[j];
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// What a sparse index search reads besides the query: the index's algorithm and the search's
/// `drop_ratio_search`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SparseSearchParams {
    pub algo: SparseAlgo,
    pub drop_ratio_search: DropRatio,
}

impl SparseSearchParams {
    /// The parameters of a search with `search` of an index built with `index`; `None` when
    /// `index` is not a sparse index type.
    pub fn new(index: &IndexParams, search: &SearchParams) -> Option<SparseSearchParams> {
        Some(SparseSearchParams {
            algo: index.sparse_algo()?,
            drop_ratio_search: search.drop_ratio_search.unwrap_or_default(),
        })
    }
}

/// Builds an index over `rows`, leaving out the smallest `drop_ratio_build` of the values;
/// returns the body bytes. The algorithm is chosen at search time, so one body serves all.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the row for malformed rows, and for more than
/// `u32::MAX - 1` rows; [`Error::Cancelled`] / [`Error::DeadlineExceeded`] from `ctx`, checked
/// between chunks of rows.
pub fn build(rows: SparseRows<'_>, drop_ratio_build: DropRatio, ctx: &Context) -> Result<Vec<u8>> {
    check_rows(rows).map_err(Error::InvalidArgument)?;
    let n = rows.len();
    if n >= END as usize {
        return Err(Error::InvalidArgument(format!("{n} rows are too many for a sparse index")));
    }
    ctx.check()?;
    let threshold = build_threshold(rows.values(), drop_ratio_build);
    let kept = |v: f32| v.abs() >= threshold;
    let dims = Dimensions::of(rows, threshold);
    let lists = dims.count();

    // Postings per list, then list offsets.
    let mut counts = vec![0u64; lists + 1];
    for (i, (&d, &v)) in rows.indices().iter().zip(rows.values()).enumerate() {
        if i % (CHECK_EVERY * 64) == 0 {
            ctx.check()?;
        }
        if kept(v) {
            counts[dims.list(d) + 1] += 1;
        }
    }
    for i in 0..lists {
        counts[i + 1] += counts[i];
    }
    let postings = counts[lists] as usize;
    let offsets = counts;

    let words = [HEADER_WORDS, 2 * (lists + 1), lists, lists, postings, postings]
        .iter()
        .try_fold(0usize, |acc, &w| acc.checked_add(w))
        .ok_or_else(|| Error::InvalidArgument("sparse index too large".into()))?;
    let mut body = vec![0u8; 4 * words];
    let mut header = [0u32; HEADER_WORDS];
    header[0] = n as u32;
    header[1] = lists as u32;
    header[2] = postings as u32;
    header[3] = (postings as u64 >> 32) as u32;
    header[4] = threshold.to_bits();
    header[6] = rows.nnz() as u32;
    header[7] = (rows.nnz() as u64 >> 32) as u32;
    let sections = Sections::at(lists, postings);
    put_words(&mut body, 0, &header);
    for (i, &o) in offsets.iter().enumerate() {
        put_words(&mut body, sections.offsets + 2 * i, &[o as u32, (o >> 32) as u32]);
    }
    for (l, d) in dims.ids().enumerate() {
        put_words(&mut body, sections.dims + l, &[d]);
    }

    // Scatter the postings row by row, so each list's rows come out ascending.
    let mut next: Vec<u64> = offsets[..lists].to_vec();
    let mut bounds = vec![0f32; lists];
    for row in 0..n {
        if row % CHECK_EVERY == 0 {
            ctx.check()?;
        }
        let (indices, values) = rows.row(row);
        for (&d, &v) in indices.iter().zip(values) {
            if !kept(v) {
                continue;
            }
            let l = dims.list(d);
            let at = next[l] as usize;
            next[l] += 1;
            bounds[l] = bounds[l].max(v.abs());
            put_words(&mut body, sections.rows + at, &[row as u32]);
            put_words(&mut body, sections.values + at, &[v.to_bits()]);
        }
    }
    for (l, b) in bounds.iter().enumerate() {
        put_words(&mut body, sections.bounds + l, &[b.to_bits()]);
    }
    Ok(body)
}

/// Writes `words` little-endian at word position `at` of `body`.
#[inline]
fn put_words(body: &mut [u8], at: usize, words: &[u32]) {
    for (i, w) in words.iter().enumerate() {
        body[4 * (at + i)..4 * (at + i + 1)].copy_from_slice(&w.to_le_bytes());
    }
}

/// The magnitude below which values are dropped: the `⌊ratio · count⌋`-th smallest magnitude
/// (of an even stride of at most [`QUANTILE_SAMPLE`] values); 0 (nothing dropped) for a zero
/// ratio or no values.
fn build_threshold(values: &[f32], ratio: DropRatio) -> f32 {
    if ratio.get() == 0.0 || values.is_empty() {
        return 0.0;
    }
    let stride = values.len().div_ceil(QUANTILE_SAMPLE);
    let mut sample: Vec<f32> = values.iter().step_by(stride).map(|v| v.abs()).collect();
    let pos = ((ratio.get() as f64 * sample.len() as f64) as usize).min(sample.len() - 1);
    let (_, nth, _) = sample.select_nth_unstable_by(pos, f32::total_cmp);
    *nth
}

/// The dimensions that have postings, and the list number of each.
enum Dimensions {
    /// `table[d]` is the list of dimension `d` (`u32::MAX`: none), for small index ranges.
    Dense { table: Vec<u32>, ids: Vec<u32> },
    /// The dimensions, ascending (a dimension's list is its position).
    Sorted(Vec<u32>),
}

impl Dimensions {
    /// The dimensions of the values of `rows` of magnitude at least `threshold`.
    fn of(rows: SparseRows<'_>, threshold: f32) -> Dimensions {
        let kept = || {
            rows.indices().iter().zip(rows.values()).filter(|(_, v)| v.abs() >= threshold).map(|(&d, _)| d)
        };
        let max = rows.indices().iter().copied().max().map_or(0, |m| m as usize + 1);
        if max <= rows.nnz() + (1 << 16) {
            let mut table = vec![u32::MAX; max];
            kept().for_each(|d| table[d as usize] = 0);
            let mut ids = Vec::new();
            for (d, slot) in table.iter_mut().enumerate() {
                if *slot == 0 {
                    *slot = ids.len() as u32;
                    ids.push(d as u32);
                }
            }
            Dimensions::Dense { table, ids }
        } else {
            let mut ids: Vec<u32> = kept().collect();
            ids.sort_unstable();
            ids.dedup();
            Dimensions::Sorted(ids)
        }
    }

    fn count(&self) -> usize {
        match self {
            Dimensions::Dense { ids, .. } | Dimensions::Sorted(ids) => ids.len(),
        }
    }

    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        match self {
            Dimensions::Dense { ids, .. } | Dimensions::Sorted(ids) => ids.iter().copied(),
        }
    }

    /// The list of dimension `d`, which has postings.
    #[inline]
    fn list(&self, d: u32) -> usize {
        match self {
            Dimensions::Dense { table, .. } => table[d as usize] as usize,
            Dimensions::Sorted(ids) => ids.binary_search(&d).expect("dimension has postings"),
        }
    }
}

/// Word positions of a body's sections.
struct Sections {
    offsets: usize,
    dims: usize,
    bounds: usize,
    rows: usize,
    values: usize,
    end: usize,
}

impl Sections {
    fn at(lists: usize, postings: usize) -> Sections {
        let offsets = HEADER_WORDS;
        let dims = offsets + 2 * (lists + 1);
        let bounds = dims + lists;
        let rows = bounds + lists;
        let values = rows + postings;
        Sections { offsets, dims, bounds, rows, values, end: values + postings }
    }
}

/// The parsed sections of a body (lengths checked, contents not).
struct Layout<'a> {
    n: usize,
    offsets: &'a [u32],
    dims: &'a [u32],
    bounds: &'a [f32],
    rows: &'a [u32],
    values: &'a [f32],
}

/// The body as words: borrowed when aligned (a mapped file), else a copy.
fn words_of(body: &[u8]) -> std::result::Result<Cow<'_, [u32]>, String> {
    if !body.len().is_multiple_of(4) {
        return Err(format!("sparse index body length {} is not a multiple of 4", body.len()));
    }
    Ok(match bytemuck::try_cast_slice::<u8, u32>(body) {
        Ok(words) => Cow::Borrowed(words),
        Err(_) => Cow::Owned(bytemuck::pod_collect_to_vec(body)),
    })
}

impl<'a> Layout<'a> {
    /// Checks the header and section lengths against `rows`.
    fn parse(words: &'a [u32], rows: &SparseRows<'_>) -> std::result::Result<Self, String> {
        let h = words.get(..HEADER_WORDS).ok_or("sparse index body is shorter than its header")?;
        let (n, lists) = (h[0] as usize, h[1] as usize);
        let postings = u64::from(h[2]) | u64::from(h[3]) << 32;
        let nnz = u64::from(h[6]) | u64::from(h[7]) << 32;
        let threshold = f32::from_bits(h[4]);
        if h[5] != 0 {
            return Err("sparse index reserved header field is not zero".into());
        }
        if !(threshold.is_finite() && threshold >= 0.0) {
            return Err(format!("sparse index build threshold {threshold} is invalid"));
        }
        if n != rows.len() || nnz != rows.nnz() as u64 {
            return Err(format!(
                "sparse index of {n} rows ({nnz} values) does not match the segment's {} rows ({} values)",
                rows.len(),
                rows.nnz()
            ));
        }
        if postings > nnz {
            return Err(format!("sparse index has {postings} postings for {nnz} values"));
        }
        let postings = postings as usize;
        if lists > postings {
            return Err(format!("sparse index has {lists} lists for {postings} postings"));
        }
        let s = Sections::at(lists, postings);
        if words.len() != s.end {
            return Err(format!(
                "sparse index body has {} bytes, expected {} for {lists} lists of {postings} postings",
                words.len() * 4,
                s.end * 4
            ));
        }
        Ok(Layout {
            n,
            offsets: &words[s.offsets..s.dims],
            dims: &words[s.dims..s.bounds],
            bounds: bytemuck::cast_slice(&words[s.bounds..s.rows]),
            rows: &words[s.rows..s.values],
            values: bytemuck::cast_slice(&words[s.values..s.end]),
        })
    }

    fn offset(&self, i: usize) -> u64 {
        u64::from(self.offsets[2 * i]) | u64::from(self.offsets[2 * i + 1]) << 32
    }

    /// List `l`'s rows and values, its offsets checked.
    fn list(&self, l: usize) -> std::result::Result<(&'a [u32], &'a [f32]), String> {
        let (start, end) = (self.offset(l), self.offset(l + 1));
        if start > end || end > self.rows.len() as u64 {
            return Err(format!("sparse index list {l} has offsets {start}..{end}"));
        }
        Ok((&self.rows[start as usize..end as usize], &self.values[start as usize..end as usize]))
    }

    /// The list of dimension `d`, if it has one.
    fn find(&self, d: u32) -> Option<usize> {
        self.dims.binary_search(&d).ok()
    }
}

/// Checks a serialized index completely against the rows it indexes: header, sections, offsets,
/// dimension ids, bounds, and every posting's row and value.
///
/// # Errors
/// A description of the first problem found.
pub fn validate(body: &[u8], rows: SparseRows<'_>) -> std::result::Result<(), String> {
    let words = words_of(body)?;
    let layout = Layout::parse(&words, &rows)?;
    let lists = layout.dims.len();
    if layout.offset(0) != 0 || layout.offset(lists) != layout.rows.len() as u64 {
        return Err("sparse index list offsets do not span the postings".into());
    }
    if layout.dims.windows(2).any(|w| w[0] >= w[1]) || layout.dims.last() == Some(&u32::MAX) {
        return Err("sparse index dimension ids are not strictly ascending below u32::MAX".into());
    }
    let threshold = f32::from_bits(words[4]);
    for l in 0..lists {
        let (list_rows, values) = layout.list(l)?;
        if list_rows.is_empty() {
            return Err(format!("sparse index list {l} is empty"));
        }
        if list_rows.windows(2).any(|w| w[0] >= w[1])
            || list_rows.last().is_some_and(|&r| r as usize >= layout.n)
        {
            return Err(format!("sparse index list {l} has rows out of order or out of range"));
        }
        let mut largest = 0f32;
        for &v in values {
            if !v.is_finite() || v.abs() < threshold {
                return Err(format!("sparse index list {l} has the value {v}"));
            }
            largest = largest.max(v.abs());
        }
        if layout.bounds[l] != largest {
            return Err(format!(
                "sparse index list {l} has the bound {} for values up to {largest}",
                layout.bounds[l]
            ));
        }
    }
    Ok(())
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

/// The best `k` rows by score (cost = -score), with the k-th score once `k` are held.
struct TopK {
    k: usize,
    heap: BinaryHeap<Entry>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK { k, heap: BinaryHeap::with_capacity(k.min(1 << 16) + 1) }
    }

    /// Offers `row` with `score`.
    #[inline]
    fn push(&mut self, row: u32, score: f32) {
        let entry = Entry(-score, row);
        if self.heap.len() < self.k {
            self.heap.push(entry);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry < *worst
        {
            *worst = entry;
        }
    }

    /// Whether a row whose score is at most `bound` may still enter.
    #[inline]
    fn may_enter(&self, bound: f32) -> bool {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.k => bound + bound.abs() * BOUND_SLACK >= -worst.0,
            _ => true,
        }
    }

    fn rows(self) -> impl Iterator<Item = u32> {
        self.heap.into_iter().map(|Entry(_, r)| r)
    }
}

/// Whether `row` is allowed (rows past the bitset's length are not).
#[inline]
fn is_allowed(allowed: Option<&Bitset>, row: usize) -> bool {
    allowed.is_none_or(|a| a.words().get(row / 64).is_some_and(|w| w >> (row % 64) & 1 == 1))
}

/// The best `k` allowed rows of `rows` by exact inner product with the query, among the rows
/// whose product is not 0 (the rows sharing no dimension with the query are not returned):
/// brute force, the reference the index is measured against.
pub fn brute_force(
    rows: SparseRows<'_>,
    query_indices: &[u32],
    query_values: &[f32],
    k: usize,
    allowed: Option<&Bitset>,
) -> Candidates {
    let mut top = TopK::new(k);
    if k == 0 || query_indices.is_empty() {
        return Vec::new();
    }
    for row in 0..rows.len() {
        if !is_allowed(allowed, row) {
            continue;
        }
        let Some((indices, values)) = rows.get(row) else { continue };
        let score = dot(query_indices, query_values, indices, values);
        if score != 0.0 {
            top.push(row as u32, score);
        }
    }
    top.heap.into_sorted_vec().into_iter().map(|Entry(c, r)| (r, c)).collect()
}

/// A query term's posting list being walked in row order.
struct Cursor<'a> {
    rows: &'a [u32],
    values: &'a [f32],
    pos: usize,
    /// The query value.
    q: f32,
    /// Upper bound of the term's contribution: |q| times the list's largest magnitude.
    bound: f32,
}

impl Cursor<'_> {
    #[inline]
    fn row(&self) -> u32 {
        self.rows.get(self.pos).copied().unwrap_or(END)
    }

    #[inline]
    fn contribution(&self) -> f32 {
        self.q * self.values[self.pos]
    }

    #[inline]
    fn advance(&mut self) {
        self.pos += 1;
    }

    /// Moves to the first posting at or after `row` (always forward by at least one when the
    /// current posting is before `row`), by galloping: the distance is usually short.
    #[inline]
    fn seek(&mut self, row: u32) {
        if self.row() < row {
            let rest = &self.rows[self.pos + 1..];
            let (mut lo, mut step) = (0, 1);
            while step <= rest.len() && rest[step - 1] < row {
                lo = step;
                step *= 2;
            }
            let hi = step.min(rest.len());
            self.pos += 1 + lo + rest[lo..hi].partition_point(|&r| r < row);
        }
    }
}

/// The query terms a search uses: those of magnitude at least the `⌊ratio · len⌋`-th smallest.
fn kept_terms<'q>(indices: &'q [u32], values: &'q [f32], ratio: DropRatio) -> Vec<(u32, f32)> {
    let all = indices.iter().copied().zip(values.iter().copied());
    if ratio.get() == 0.0 || values.is_empty() {
        return all.collect();
    }
    let mut magnitudes: Vec<f32> = values.iter().map(|v| v.abs()).collect();
    let pos = ((ratio.get() as f64 * values.len() as f64) as usize).min(values.len() - 1);
    let (_, &mut threshold, _) = magnitudes.select_nth_unstable_by(pos, f32::total_cmp);
    all.filter(|(_, v)| v.abs() >= threshold).collect()
}

thread_local! {
    /// TAAT_NAIVE's score per row, reused across searches on one thread.
    static SCORES: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Searches a serialized index for the best `k` allowed rows by inner product with the query
/// (`query_indices` ascending, see [`check_vector`]), best first, with exact scores as costs
/// (the negated inner product). `rows` are the rows the index was built from.
///
/// # Errors
/// A description of the problem: a malformed query (check it with [`check_vector`] first to
/// tell the two apart), or a body that is malformed or does not match `rows`.
pub fn search(
    body: &[u8],
    rows: SparseRows<'_>,
    query_indices: &[u32],
    query_values: &[f32],
    k: usize,
    params: SparseSearchParams,
    allowed: Option<&Bitset>,
) -> std::result::Result<Candidates, String> {
    check_vector(query_indices, query_values).map_err(|e| format!("sparse query: {e}"))?;
    let words = words_of(body)?;
    let layout = Layout::parse(&words, &rows)?;
    if k == 0 || layout.n == 0 {
        return Ok(Vec::new());
    }
    let mut cursors = Vec::new();
    for (d, q) in kept_terms(query_indices, query_values, params.drop_ratio_search) {
        let Some(l) = layout.find(d) else { continue };
        let (list_rows, values) = layout.list(l)?;
        let bound = q.abs() * layout.bounds[l];
        if !list_rows.is_empty() && q != 0.0 {
            cursors.push(Cursor { rows: list_rows, values, pos: 0, q, bound });
        }
    }
    let mut top = TopK::new(k);
    match params.algo {
        SparseAlgo::TaatNaive => taat(&cursors, layout.n, allowed, &mut top)?,
        SparseAlgo::DaatWand => wand(&mut cursors, allowed, &mut top),
        SparseAlgo::DaatMaxscore => maxscore(&mut cursors, allowed, &mut top),
    }
    // Exact scores of the candidates.
    let mut out = Vec::with_capacity(top.heap.len());
    for row in top.rows() {
        let (indices, values) =
            rows.get(row as usize).ok_or_else(|| format!("sparse index row {row} is out of range"))?;
        out.push((row, -dot(query_indices, query_values, indices, values)));
    }
    out.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

/// TAAT_NAIVE: every posting of every term into a score per row, then the best nonzero rows.
fn taat(
    cursors: &[Cursor<'_>],
    n: usize,
    allowed: Option<&Bitset>,
    top: &mut TopK,
) -> std::result::Result<(), String> {
    SCORES.with_borrow_mut(|scores| {
        scores.clear();
        scores.resize(n, 0.0);
        for c in cursors {
            for (&r, &v) in c.rows.iter().zip(c.values) {
                let slot = scores
                    .get_mut(r as usize)
                    .ok_or_else(|| format!("sparse index row {r} is out of range"))?;
                *slot += c.q * v;
            }
        }
        for (row, &score) in scores.iter().enumerate() {
            if score != 0.0 && is_allowed(allowed, row) {
                top.push(row as u32, score);
            }
        }
        Ok(())
    })
}

/// DAAT_WAND: cursors kept ordered by row; the pivot is the first cursor at which the summed
/// bounds may beat the k-th score; a row is scored only when every cursor before the pivot has
/// reached it, else the cursor before the pivot jumps ahead to the pivot's row.
fn wand(cursors: &mut [Cursor<'_>], allowed: Option<&Bitset>, top: &mut TopK) {
    cursors.sort_by_key(Cursor::row);
    loop {
        let mut bound = 0f32;
        let mut pivot = None;
        for (i, c) in cursors.iter().enumerate() {
            if c.row() == END {
                break;
            }
            bound += c.bound;
            if top.may_enter(bound) {
                pivot = Some(i);
                break;
            }
        }
        let Some(p) = pivot else { return };
        let pivot_row = cursors[p].row();
        if cursors[0].row() == pivot_row {
            let matching = cursors.iter().take_while(|c| c.row() == pivot_row).count();
            if is_allowed(allowed, pivot_row as usize) {
                let score: f32 = cursors[..matching].iter().map(Cursor::contribution).sum();
                if score != 0.0 {
                    top.push(pivot_row, score);
                }
            }
            cursors[..matching].iter_mut().for_each(Cursor::advance);
        } else {
            let mut j = p;
            while cursors[j].row() == pivot_row {
                j -= 1;
            }
            cursors[j].seek(pivot_row);
        }
        // Nearly sorted: insertion sort is linear.
        for i in 1..cursors.len() {
            let mut j = i;
            while j > 0 && cursors[j - 1].row() > cursors[j].row() {
                cursors.swap(j - 1, j);
                j -= 1;
            }
        }
    }
}

/// DAAT_MAXSCORE: terms by ascending bound; the longest prefix whose summed bounds cannot beat
/// the k-th score is non-essential. Candidate rows come from the essential lists only; the
/// non-essential lists are probed per candidate, largest bound first, until the candidate's
/// score plus the remaining bounds cannot beat the k-th score.
fn maxscore(cursors: &mut [Cursor<'_>], allowed: Option<&Bitset>, top: &mut TopK) {
    cursors.sort_by(|a, b| a.bound.total_cmp(&b.bound));
    let prefix: Vec<f32> = cursors
        .iter()
        .scan(0f32, |sum, c| {
            *sum += c.bound;
            Some(*sum)
        })
        .collect();
    let m = cursors.len();
    let mut essential = 0;
    let mut current = cursors.iter().map(Cursor::row).min().unwrap_or(END);
    while essential < m && current != END {
        let mut next = END;
        let ok = is_allowed(allowed, current as usize);
        let mut score = 0f32;
        for c in &mut cursors[essential..] {
            if c.row() == current {
                if ok {
                    score += c.contribution();
                }
                c.advance();
            }
            next = next.min(c.row());
        }
        if ok {
            let mut pruned = false;
            for i in (0..essential).rev() {
                if !top.may_enter(score + prefix[i]) {
                    pruned = true;
                    break;
                }
                let c = &mut cursors[i];
                c.seek(current);
                if c.row() == current {
                    score += c.contribution();
                }
            }
            if !pruned && score != 0.0 {
                top.push(current, score);
                while essential < m && !top.may_enter(prefix[essential]) {
                    essential += 1;
                }
            }
        }
        current = next;
    }
}

#[cfg(test)]
mod tests;
