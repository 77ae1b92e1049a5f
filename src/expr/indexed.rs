//! Scalar index bodies (INVERTED, STL_SORT, BITMAP, Trie): the zero-copy view the filter
//! evaluator asks for the rows a predicate selects instead of testing every row. The bodies are
//! built by `scalar_index` and stored in the segment's index file; growing segments and
//! segments not indexed yet are scanned.
//!
//! All four share one layout, a sorted dictionary: the field's distinct non-null values in
//! ascending order (integers and Bool as `i64`, floats as `f64` by total order with `-0.0`
//! stored as `0.0` and NaN left out, strings byte-wise), each with the ascending rows holding
//! it. Equality and `in` are binary searches, ranges and prefix `like` a contiguous run of
//! values, other `like` patterns a pass over the distinct values. STL_SORT (the rows in value
//! order) and TRIE (prefix lookups over the strings) are this layout; BITMAP also stores the
//! rows of a value held by at least 1/32 of the rows as a bitmap, so broad filters cost a word
//! per 64 rows.
//!
//! ```text
//! key kind u32 (0 = integers, 1 = floats, 2 = strings) | rows u32 | values u32 | bitmaps u32 |
//! keys: values × i64 / f64, or (values + 1) × u64 string offsets | string bytes, padded to 8 |
//! directory: (values + 1) × u64 payload starts in u32 units (bit 63: the value's rows are a
//!            bitmap of ceil(rows / 64) u64 words, stored as u32 pairs, low half first) |
//! payload: u32 rows / bitmap halves
//! ```

use std::cmp::Ordering;
use std::ops::Range;

use super::lexer::CmpOp;
use super::like::LikePattern;
use super::plan::Pred;
use crate::bitset::Bitset;

/// Length of the body header.
pub(crate) const BODY_HEADER_LEN: usize = 16;
/// Directory bit: the value's rows are a bitmap.
pub(crate) const BITMAP_FLAG: u64 = 1 << 63;

/// How the values of an index are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum KeyKind {
    Int = 0,
    Float = 1,
    Str = 2,
}

/// A checked view of a scalar index body.
#[derive(Debug, Clone, Copy)]
pub struct ScalarIndex<'a> {
    kind: KeyKind,
    rows: usize,
    values: usize,
    /// Integer or float keys, or string offsets.
    keys: &'a [u8],
    /// String bytes (string indexes only).
    strings: &'a [u8],
    directory: &'a [u8],
    payload: &'a [u8],
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[8 * i..8 * i + 8]);
    u64::from_le_bytes(w)
}

impl<'a> ScalarIndex<'a> {
    /// Checks the structure of `body` for a segment of `rows` rows: every section within the
    /// body, the values strictly ascending, every posting within the payload and every row
    /// below `rows`. The view's lookups then never read out of bounds.
    ///
    /// # Errors
    /// A description of the first inconsistency.
    pub(crate) fn parse(body: &'a [u8], rows: usize) -> std::result::Result<ScalarIndex<'a>, String> {
        let view = Self::view(body, rows)?;
        view.check(view.payload.len() / 4)?;
        Ok(view)
    }

    /// The view of a body [`ScalarIndex::parse`] has accepted: only the sections are located.
    pub(crate) fn view(body: &'a [u8], rows: usize) -> std::result::Result<ScalarIndex<'a>, String> {
        let short = || "scalar index body is truncated".to_owned();
        if body.len() < BODY_HEADER_LEN {
            return Err(short());
        }
        let kind = match u32_at(body, 0) {
            0 => KeyKind::Int,
            1 => KeyKind::Float,
            2 => KeyKind::Str,
            k => return Err(format!("unknown scalar key kind {k}")),
        };
        if u32_at(body, 1) as usize != rows {
            return Err(format!("the index covers {} rows, the segment has {rows}", u32_at(body, 1)));
        }
        let values = u32_at(body, 2) as usize;
        let rest = &body[BODY_HEADER_LEN..];
        let (keys, strings, rest) = match kind {
            KeyKind::Int | KeyKind::Float => {
                let keys = rest.get(..values * 8).ok_or_else(short)?;
                (keys, &[][..], &rest[values * 8..])
            }
            KeyKind::Str => {
                let offsets = rest.get(..(values + 1) * 8).ok_or_else(short)?;
                let len = u64_at(offsets, values) as usize;
                let padded = len.next_multiple_of(8);
                let after = &rest[(values + 1) * 8..];
                let strings = after.get(..len).ok_or_else(short)?;
                (offsets, strings, after.get(padded..).ok_or_else(short)?)
            }
        };
        let directory = rest.get(..(values + 1) * 8).ok_or_else(short)?;
        let payload = &rest[(values + 1) * 8..];
        Ok(ScalarIndex { kind, rows, values, keys, strings, directory, payload })
    }

    fn check(&self, payload_len: usize) -> std::result::Result<(), String> {
        if !self.payload.len().is_multiple_of(4)
            || (u64_at(self.directory, self.values) as usize) != payload_len
        {
            return Err("scalar index payload length does not match its directory".into());
        }
        if self.kind == KeyKind::Str {
            for i in 0..self.values {
                if u64_at(self.keys, i) > u64_at(self.keys, i + 1) {
                    return Err(format!("scalar index string offsets decrease at value {i}"));
                }
            }
        }
        for i in 1..self.values {
            if self.compare_keys(i - 1, i) != Ordering::Less {
                return Err(format!("scalar index values are not ascending at value {i}"));
            }
        }
        let words = self.rows.div_ceil(64);
        for i in 0..self.values {
            let (start, end, bitmap) = self.posting(i);
            if start > end || end > payload_len || (bitmap && end - start != 2 * words) {
                return Err(format!("scalar index posting of value {i} is out of bounds"));
            }
            if !bitmap && (start..end).any(|p| u32_at(self.payload, p) as usize >= self.rows) {
                return Err(format!("scalar index posting of value {i} names a row past the segment"));
            }
        }
        Ok(())
    }

    /// Start and end (u32 units) of value `i`'s posting, and whether it is a bitmap.
    fn posting(&self, i: usize) -> (usize, usize, bool) {
        let d = u64_at(self.directory, i);
        let start = (d & !BITMAP_FLAG) as usize;
        let end = (u64_at(self.directory, i + 1) & !BITMAP_FLAG) as usize;
        (start, end, d & BITMAP_FLAG != 0)
    }

    fn int(&self, i: usize) -> i64 {
        u64_at(self.keys, i) as i64
    }

    fn float(&self, i: usize) -> f64 {
        f64::from_bits(u64_at(self.keys, i))
    }

    fn string(&self, i: usize) -> &'a [u8] {
        let (a, b) = (u64_at(self.keys, i) as usize, u64_at(self.keys, i + 1) as usize);
        self.strings.get(a..b).unwrap_or_default()
    }

    fn compare_keys(&self, a: usize, b: usize) -> Ordering {
        match self.kind {
            KeyKind::Int => self.int(a).cmp(&self.int(b)),
            KeyKind::Float => self.float(a).total_cmp(&self.float(b)),
            KeyKind::Str => self.string(a).cmp(self.string(b)),
        }
    }

    /// The first value index for which `below` is false (`below` is true on a prefix).
    fn partition(&self, below: impl Fn(usize) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.values);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if below(mid) { lo = mid + 1 } else { hi = mid }
        }
        lo
    }

    /// Sets the rows of values `range` in `out`.
    fn add_values(&self, range: Range<usize>, out: &mut [u64]) {
        for i in range {
            self.add_value(i, out);
        }
    }

    fn add_value(&self, i: usize, out: &mut [u64]) {
        let (start, end, bitmap) = self.posting(i);
        let Some(bytes) = self.payload.get(start * 4..end * 4) else { return };
        if bitmap {
            for (w, half) in out.iter_mut().zip(bytes.chunks_exact(8)) {
                *w |= u64::from_le_bytes(half.try_into().unwrap_or_default());
            }
        } else {
            for r in bytes.chunks_exact(4) {
                let r = u32::from_le_bytes(r.try_into().unwrap_or_default()) as usize;
                if let Some(w) = out.get_mut(r / 64) {
                    *w |= 1 << (r % 64);
                }
            }
        }
    }

    /// Values whose key is within `lo..=hi` by `cmp` (key vs bound).
    fn range_by(&self, lo: impl Fn(usize) -> Ordering, hi: impl Fn(usize) -> Ordering) -> Range<usize> {
        let start = self.partition(|i| lo(i) == Ordering::Less);
        let end = self.partition(|i| hi(i) != Ordering::Greater);
        start..end.max(start)
    }

    fn find_int(&self, v: i64) -> Option<usize> {
        let i = self.partition(|i| self.int(i) < v);
        (i < self.values && self.int(i) == v).then_some(i)
    }

    fn find_float(&self, v: f64) -> Option<usize> {
        let v = v + 0.0;
        let i = self.partition(|i| self.float(i).total_cmp(&v) == Ordering::Less);
        (i < self.values && self.float(i).total_cmp(&v) == Ordering::Equal).then_some(i)
    }

    fn find_str(&self, v: &[u8]) -> Option<usize> {
        let i = self.partition(|i| self.string(i) < v);
        (i < self.values && self.string(i) == v).then_some(i)
    }

    /// The values `pred` selects before its negation, as runs of value indexes, and whether
    /// `pred` negates them; `None` when the index's key kind does not fit `pred`.
    fn select(&self, pred: &Pred) -> Option<(Vec<Range<usize>>, bool)> {
        let one = |i: Option<usize>| i.map(|i| i..i + 1);
        Some(match (self.kind, pred) {
            (KeyKind::Int, Pred::IntRange { lo, hi, negate }) => {
                (vec![self.range_by(|i| self.int(i).cmp(lo), |i| self.int(i).cmp(hi))], *negate)
            }
            (KeyKind::Int, Pred::IntIn { values, negate }) => {
                (values.iter().filter_map(|&v| one(self.find_int(v))).collect(), *negate)
            }
            (KeyKind::Int, Pred::Bool { on_true, on_false }) => {
                let wanted = [(*on_true, 1), (*on_false, 0)].into_iter().filter(|(on, _)| *on);
                (wanted.filter_map(|(_, v)| one(self.find_int(v))).collect(), false)
            }
            (KeyKind::Float, Pred::FloatRange { lo, hi, negate }) => {
                // Numeric comparison, as the scan does: `-0.0` equals `0.0` (keys hold `0.0`).
                let range = self.range_by(
                    |i| self.float(i).partial_cmp(lo).unwrap_or(Ordering::Less),
                    |i| self.float(i).partial_cmp(hi).unwrap_or(Ordering::Greater),
                );
                (vec![range], *negate)
            }
            (KeyKind::Float, Pred::FloatIn { values, negate }) => {
                (values.iter().filter_map(|&v| one(self.find_float(v))).collect(), *negate)
            }
            (KeyKind::Str, Pred::StrCmp { op, value }) => {
                let v = &value[..];
                let range = match op {
                    CmpOp::Eq | CmpOp::Ne => self.find_str(v).map_or(0..0, |i| i..i + 1),
                    CmpOp::Lt => 0..self.partition(|i| self.string(i) < v),
                    CmpOp::Le => 0..self.partition(|i| self.string(i) <= v),
                    CmpOp::Gt => self.partition(|i| self.string(i) <= v)..self.values,
                    CmpOp::Ge => self.partition(|i| self.string(i) < v)..self.values,
                };
                (vec![range], *op == CmpOp::Ne)
            }
            (KeyKind::Str, Pred::StrIn { set, negate }) => {
                (set.iter().filter_map(|v| one(self.find_str(v))).collect(), *negate)
            }
            (KeyKind::Str, Pred::Like { pattern, negate }) => {
                let runs = match pattern {
                    LikePattern::Exact(p) => one(self.find_str(p)).into_iter().collect(),
                    LikePattern::Prefix(p) => {
                        let start = self.partition(|i| self.string(i) < &p[..]);
                        let end = self.partition(|i| i < start || self.string(i).starts_with(p));
                        std::iter::once(start..end).collect()
                    }
                    other => (0..self.values)
                        .filter(|&i| other.matches(self.string(i)))
                        .map(|i| i..i + 1)
                        .collect(),
                };
                (runs, *negate)
            }
            _ => return None,
        })
    }

    /// Whether [`ScalarIndex::lookup`] should answer `pred`: its kind fits the index's values,
    /// and setting the selected rows' bits costs less than scanning the column. Scanning a
    /// fixed-width column costs about a nanosecond a row and setting a listed row's bit a few, so
    /// a numeric or Bool predicate whose postings hold more than `rows / 8` u32 units (row
    /// numbers, or 2 per bitmap word) is left to the scan; strings scan an order of magnitude
    /// slower, so their index always answers.
    pub(crate) fn answers(&self, pred: &Pred) -> bool {
        let Some((runs, _)) = self.select(pred) else { return false };
        if self.kind == KeyKind::Str {
            return true;
        }
        // A run's postings are contiguous in the payload: its size in u32 units is one
        // subtraction (a bitmap counts as its 2 · ceil(rows / 64) units).
        let start = |i: usize| (u64_at(self.directory, i) & !BITMAP_FLAG) as usize;
        let units: usize = runs.into_iter().map(|r| start(r.end).saturating_sub(start(r.start))).sum();
        units * 8 <= self.rows
    }

    /// The rows whose value passes `pred`'s test before its negation, and whether `pred` negates
    /// it (the caller flips the bitset, then keeps only rows holding a value, as the scan does).
    /// `None` when the index's key kind does not fit `pred` (the caller scans).
    pub(crate) fn lookup(&self, pred: &Pred) -> Option<(Bitset, bool)> {
        let (runs, negate) = self.select(pred)?;
        let mut out = vec![0u64; self.rows.div_ceil(64)];
        runs.into_iter().for_each(|run| self.add_values(run, &mut out));
        Some((Bitset::from_words(out, self.rows), negate))
    }
}
