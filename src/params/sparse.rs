//! Sparse float vectors (Milvus's `SPARSE_FLOAT_VECTOR`): maps from a u32 index to an f32 value,
//! held as CSR rows, and the rules their rows follow. The borrowed view [`SparseRows`] lives
//! here, below the column and index layers, so both read it.
//!
//! A column of `n` rows is three flat arrays: `n + 1` row offsets (the first 0, rising, the last
//! the number of stored entries), then the entries' indices and values. Row `r` holds entries
//! `offsets[r]..offsets[r + 1]`. Every stored row is canonical: indices strictly ascending (so no
//! index twice), each below [`MAX_SPARSE_INDEX`] + 1 = 2³² − 1, each value finite. Rows may be
//! empty. Writes sort rows given out of order; everything else that breaks a rule is refused.
//!
//! It also holds the parameters of the sparse-vector indexes SPARSE_INVERTED_INDEX and SPARSE_WAND,
//! with Milvus's names, defaults and ranges: `drop_ratio_build` and `inverted_index_algo` when
//! building, `drop_ratio_search` when searching.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::params::IndexParams;

/// Largest index of a sparse vector entry: Milvus takes indices below 2³² − 1.
pub const MAX_SPARSE_INDEX: u32 = u32::MAX - 1;

/// Borrowed CSR rows of a sparse float vector column (a growing segment's heap arrays or a sealed
/// segment's three mapped blocks, zero-copy). `offsets` has `len() + 1` entries; `indices` and
/// `values` have `offsets[len()]` each. Rows read through this view are canonical (see the module
/// documentation) when they come from a stored column.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SparseRows<'a> {
    pub(crate) offsets: &'a [u64],
    pub(crate) indices: &'a [u32],
    pub(crate) values: &'a [f32],
}

impl<'a> SparseRows<'a> {
    /// A view of CSR arrays, checked for shape only ([`check_shape`]); `None` if malformed.
    pub fn new(offsets: &'a [u64], indices: &'a [u32], values: &'a [f32]) -> Option<Self> {
        check_shape(offsets, indices.len(), values.len()).ok()?;
        Some(SparseRows { offsets, indices, values })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row offsets (`len() + 1` of them).
    pub fn offsets(&self) -> &'a [u64] {
        self.offsets
    }

    /// Every stored entry's index, row after row.
    pub fn indices(&self) -> &'a [u32] {
        self.indices
    }

    /// Every stored entry's value, row after row.
    pub fn values(&self) -> &'a [f32] {
        self.values
    }

    /// Entries of row `r`: its indices and values.
    pub fn row(&self, r: usize) -> (&'a [u32], &'a [f32]) {
        let (a, b) = (self.offsets[r] as usize, self.offsets[r + 1] as usize);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Entries of row `r`, or `None` past the end or for offsets outside the entries (for
    /// readers that must not trust the arrays, such as an index search).
    #[inline]
    pub fn get(&self, r: usize) -> Option<(&'a [u32], &'a [f32])> {
        let start = usize::try_from(*self.offsets.get(r)?).ok()?;
        let end = usize::try_from(*self.offsets.get(r + 1)?).ok()?;
        Some((self.indices.get(start..end)?, self.values.get(start..end)?))
    }

    /// Entries stored in all rows.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Bytes of the three arrays.
    pub fn byte_size(&self) -> usize {
        self.offsets.len() * 8 + self.indices.len() * 4 + self.values.len() * 4
    }

    /// Checks every row against the rules of stored rows; `Err((row, rule))` names the first row
    /// that breaks one. Rows whose only fault is their order pass when `sortable`.
    pub fn check_rows(&self, sortable: bool) -> std::result::Result<(), (usize, String)> {
        (0..self.len()).try_for_each(|r| {
            let (indices, values) = self.row(r);
            check_row(indices, values, sortable).map_err(|rule| (r, rule))
        })
    }

    /// Whether every row's indices strictly ascend.
    pub fn is_sorted(&self) -> bool {
        (0..self.len()).all(|r| self.row(r).0.windows(2).all(|w| w[0] < w[1]))
    }
}

/// Checks CSR arrays: `offsets` non-empty, starting at 0, never falling, ending at `indices`,
/// which equals `values`. The error is the rule broken.
pub fn check_shape(offsets: &[u64], indices: usize, values: usize) -> std::result::Result<(), String> {
    if indices != values {
        return Err(format!("{indices} sparse indices but {values} values: each index needs one value"));
    }
    match (offsets.first(), offsets.last()) {
        (Some(0), Some(&last)) if last == indices as u64 && offsets.windows(2).all(|w| w[0] <= w[1]) => {
            Ok(())
        }
        _ => Err(format!(
            "sparse row offsets must rise from 0 to the number of entries ({indices}), one more offset than rows"
        )),
    }
}

/// Checks one row: indices at most [`MAX_SPARSE_INDEX`] and strictly ascending (when
/// `sortable`, only distinct), values finite. The error is the rule broken.
pub fn check_row(indices: &[u32], values: &[f32], sortable: bool) -> std::result::Result<(), String> {
    if let Some(i) = indices.iter().position(|&i| i > MAX_SPARSE_INDEX) {
        return Err(format!(
            "invalid index in sparse float vector: must be less than 2^32-1, entry {i} has {}",
            indices[i]
        ));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        let what = if values[i].is_nan() { "NaN" } else { "infinity" };
        return Err(format!("the value of index {} is {what} (values must be finite)", indices[i]));
    }
    if indices.windows(2).all(|w| w[0] < w[1]) {
        return Ok(());
    }
    if !sortable {
        return Err("unsorted or same indices in sparse float vector".into());
    }
    let mut sorted = indices.to_vec();
    sorted.sort_unstable();
    match sorted.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => {
            Err(format!("unsorted or same indices in sparse float vector: index {} appears twice", w[0]))
        }
        None => Ok(()),
    }
}

/// A fraction of the smallest values to leave out, in `[0, 1)` (Milvus's `drop_ratio_build` and
/// `drop_ratio_search`). Made by [`DropRatio::new`], so never NaN, negative zero or out of range.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DropRatio(f32);

// A DropRatio is never NaN (DropRatio::new and IndexParams::validate refuse it), so equality is
// reflexive.
impl Eq for DropRatio {}

impl DropRatio {
    /// No value dropped (Milvus's default).
    pub const ZERO: DropRatio = DropRatio(0.0);

    /// `ratio` when it is in `[0, 1)`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `name` and the range, for NaN and values out of range.
    pub fn new(name: &str, ratio: f32) -> Result<DropRatio> {
        if (0.0..1.0).contains(&ratio) {
            Ok(DropRatio(ratio + 0.0))
        } else {
            Err(Error::InvalidArgument(format!("{name} out of range: [0, 1), got {ratio}")))
        }
    }

    /// Parses Milvus's text form of `name`: a decimal number in `[0, 1)`; empty is the default 0.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `name` for text that is not a number or out of range.
    pub fn parse(name: &str, value: &str) -> Result<DropRatio> {
        let text = value.trim();
        if text.is_empty() {
            return Ok(DropRatio::ZERO);
        }
        let ratio = text.parse::<f32>().map_err(|_| {
            Error::InvalidArgument(format!("{name} = `{value}`: expected a number in [0, 1)"))
        })?;
        DropRatio::new(name, ratio)
    }

    /// The fraction.
    pub fn get(self) -> f32 {
        self.0
    }

    /// The fraction's bits (how an index file's header records it).
    pub fn to_bits(self) -> u32 {
        self.0.to_bits()
    }

    /// The ratio recorded as `bits` by [`DropRatio::to_bits`]; `None` when out of range.
    pub fn from_bits(bits: u32) -> Option<DropRatio> {
        DropRatio::new("drop ratio", f32::from_bits(bits)).ok()
    }
}

/// How a sparse inverted index is searched (Milvus's `inverted_index_algo`). Every algorithm
/// finds the same rows when nothing is dropped; they differ in how much they read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SparseAlgo {
    /// Term at a time: every posting of every query term is added to a score per row.
    TaatNaive,
    /// Document at a time, skipping rows whose score bound (the per-dimension maxima of the
    /// query's terms) cannot reach the current top k (WAND).
    DaatWand,
    /// Document at a time, reading only the postings of the terms that can still lift a row into
    /// the top k and probing the others per candidate (MaxScore). Milvus's default.
    #[default]
    DaatMaxscore,
}

impl SparseAlgo {
    /// Every algorithm, in file-number order.
    pub const ALL: [SparseAlgo; 3] = [SparseAlgo::TaatNaive, SparseAlgo::DaatWand, SparseAlgo::DaatMaxscore];

    /// Milvus's name: "TAAT_NAIVE", "DAAT_WAND" or "DAAT_MAXSCORE".
    pub fn name(self) -> &'static str {
        match self {
            SparseAlgo::TaatNaive => "TAAT_NAIVE",
            SparseAlgo::DaatWand => "DAAT_WAND",
            SparseAlgo::DaatMaxscore => "DAAT_MAXSCORE",
        }
    }

    /// Parses Milvus's name (exact case, as Milvus reads it); empty is the default.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] listing the supported names.
    pub fn parse(value: &str) -> Result<SparseAlgo> {
        let text = value.trim();
        if text.is_empty() {
            return Ok(SparseAlgo::default());
        }
        SparseAlgo::ALL.into_iter().find(|a| a.name() == text).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "inverted_index_algo `{value}` is not supported: use TAAT_NAIVE, DAAT_WAND or DAAT_MAXSCORE"
            ))
        })
    }

    /// The number an index file records.
    pub fn number(self) -> u32 {
        self as u32
    }

    /// The algorithm recorded as `number`; `None` for an unknown number.
    pub fn from_number(number: u32) -> Option<SparseAlgo> {
        SparseAlgo::ALL.get(number as usize).copied()
    }
}

impl IndexParams {
    /// The build parameters of a sparse index type under Milvus's names, as text:
    /// `drop_ratio_build` and (SPARSE_INVERTED_INDEX) `inverted_index_algo`; none for the
    /// other types.
    pub fn sparse_milvus_params(&self) -> Vec<(&'static str, String)> {
        match *self {
            IndexParams::SparseInvertedIndex { drop_ratio_build, algo } => vec![
                ("drop_ratio_build", drop_ratio_build.get().to_string()),
                ("inverted_index_algo", algo.name().to_owned()),
            ],
            IndexParams::SparseWand { drop_ratio_build } => {
                vec![("drop_ratio_build", drop_ratio_build.get().to_string())]
            }
            _ => vec![],
        }
    }
}

/// Parses the build parameters of a sparse index type in Milvus's terms. `type_name` is the
/// upper-cased type name; `None` when it is not a sparse index type.
///
/// SPARSE_INVERTED_INDEX reads `drop_ratio_build` (default 0) and `inverted_index_algo`
/// (default DAAT_MAXSCORE); SPARSE_WAND reads `drop_ratio_build` and always searches by WAND
/// (an `inverted_index_algo` other than DAAT_WAND is refused rather than ignored).
///
/// # Errors
/// [`Error::Unsupported`] for a key the type does not read; [`Error::InvalidArgument`] for a key
/// given twice, a value out of range, or `index_type` / `metric_type` among the build params.
pub(crate) fn from_milvus(type_name: &str, params: &[(&str, &str)]) -> Result<Option<IndexParams>> {
    let wand = match type_name {
        "SPARSE_INVERTED_INDEX" => false,
        "SPARSE_WAND" => true,
        _ => return Ok(None),
    };
    let mut drop_ratio_build = None;
    let mut algo = None;
    for &(key, value) in params {
        let slot_taken = match key {
            "drop_ratio_build" => drop_ratio_build.replace(DropRatio::parse(key, value)?).is_some(),
            "inverted_index_algo" => algo.replace(SparseAlgo::parse(value)?).is_some(),
            "index_type" | "metric_type" => {
                return Err(Error::InvalidArgument(format!(
                    "index param `{key}`: give the {} beside the build params, not among them",
                    if key == "index_type" { "index type" } else { "metric" }
                )));
            }
            _ => {
                return Err(Error::Unsupported(format!(
                    "index param `{key}` for {type_name} ({type_name} reads drop_ratio_build and inverted_index_algo)"
                )));
            }
        };
        if slot_taken {
            return Err(Error::InvalidArgument(format!("index param `{key}` is given twice")));
        }
    }
    let drop_ratio_build = drop_ratio_build.unwrap_or_default();
    if wand {
        if let Some(other) = algo.filter(|a| *a != SparseAlgo::DaatWand) {
            return Err(Error::InvalidArgument(format!(
                "index param `inverted_index_algo` = {}: SPARSE_WAND always searches by DAAT_WAND \
                 (use SPARSE_INVERTED_INDEX to choose the algorithm)",
                other.name()
            )));
        }
        return Ok(Some(IndexParams::SparseWand { drop_ratio_build }));
    }
    Ok(Some(IndexParams::SparseInvertedIndex { drop_ratio_build, algo: algo.unwrap_or_default() }))
}

/// Parses Milvus's `drop_ratio_search`: the fraction of a query's smallest values (by magnitude)
/// a sparse index search leaves out, in `[0, 1)`.
///
/// # Errors
/// [`Error::InvalidArgument`] for text that is not a number in `[0, 1)`.
pub(crate) fn parse_drop_ratio_search(value: &str) -> Result<DropRatio> {
    if value.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "search param `drop_ratio_search` is empty: expected a number in [0, 1)".into(),
        ));
    }
    DropRatio::parse("search param `drop_ratio_search`", value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

    fn parse(t: &str, params: &[(&str, &str)]) -> Result<IndexParams> {
        IndexParams::from_milvus(t, params)
    }

    fn fails(t: &str, params: &[(&str, &str)], status: Status, words: &[&str]) {
        let e = parse(t, params).expect_err("should fail");
        assert_eq!(e.status(), status, "{e}");
        for w in words {
            assert!(e.to_string().contains(w), "{e} lacks {w}");
        }
    }

    #[test]
    fn defaults_and_values() {
        assert_eq!(
            parse("SPARSE_INVERTED_INDEX", &[]).unwrap(),
            IndexParams::SparseInvertedIndex {
                drop_ratio_build: DropRatio::ZERO,
                algo: SparseAlgo::DaatMaxscore
            }
        );
        assert_eq!(
            parse("sparse_wand", &[]).unwrap(),
            IndexParams::SparseWand { drop_ratio_build: DropRatio::ZERO }
        );
        let p = parse(
            "SPARSE_INVERTED_INDEX",
            &[("drop_ratio_build", "0.2"), ("inverted_index_algo", "TAAT_NAIVE")],
        )
        .unwrap();
        assert_eq!(
            p,
            IndexParams::SparseInvertedIndex {
                drop_ratio_build: DropRatio::new("x", 0.2).unwrap(),
                algo: SparseAlgo::TaatNaive
            }
        );
        assert_eq!(p.type_name(), "SPARSE_INVERTED_INDEX");
        assert!(p.is_vector_index() && p.has_data() && p.is_sparse());
        let w =
            parse("SPARSE_WAND", &[("drop_ratio_build", "0"), ("inverted_index_algo", "DAAT_WAND")]).unwrap();
        assert_eq!(w, IndexParams::SparseWand { drop_ratio_build: DropRatio::ZERO });
        assert_eq!(w.type_name(), "SPARSE_WAND");
        assert!(!IndexParams::Flat.is_sparse());
    }

    #[test]
    fn bad_params_fail_by_name() {
        let invalid = Status::InvalidArgument;
        fails(
            "SPARSE_INVERTED_INDEX",
            &[("drop_ratio_build", "1")],
            invalid,
            &["drop_ratio_build", "[0, 1)"],
        );
        fails("SPARSE_INVERTED_INDEX", &[("drop_ratio_build", "-0.1")], invalid, &["drop_ratio_build"]);
        fails("SPARSE_INVERTED_INDEX", &[("drop_ratio_build", "NaN")], invalid, &["drop_ratio_build"]);
        fails("SPARSE_WAND", &[("drop_ratio_build", "x")], invalid, &["drop_ratio_build", "`x`"]);
        fails(
            "SPARSE_INVERTED_INDEX",
            &[("inverted_index_algo", "DSP")],
            invalid,
            &["`DSP`", "DAAT_MAXSCORE"],
        );
        fails("SPARSE_INVERTED_INDEX", &[("inverted_index_algo", "daat_wand")], invalid, &["`daat_wand`"]);
        fails("SPARSE_WAND", &[("inverted_index_algo", "TAAT_NAIVE")], invalid, &["SPARSE_WAND always"]);
        fails(
            "SPARSE_INVERTED_INDEX",
            &[("drop_ratio_build", "0.1"), ("drop_ratio_build", "0.2")],
            invalid,
            &["given twice"],
        );
        fails("SPARSE_WAND", &[("metric_type", "IP")], invalid, &["`metric_type`"]);
        fails("SPARSE_WAND", &[("drop_ratio_search", "0.1")], Status::Unsupported, &["`drop_ratio_search`"]);
        fails(
            "SPARSE_INVERTED_INDEX",
            &[("M", "8")],
            Status::Unsupported,
            &["`M`", "reads drop_ratio_build"],
        );
        fails("HNSW", &[("drop_ratio_build", "0.1")], Status::Unsupported, &["`drop_ratio_build`"]);
    }

    #[test]
    fn milvus_params_round_trip() {
        for p in [
            IndexParams::SparseInvertedIndex {
                drop_ratio_build: DropRatio::new("x", 0.25).unwrap(),
                algo: SparseAlgo::DaatWand,
            },
            IndexParams::SparseWand { drop_ratio_build: DropRatio::new("x", 0.5).unwrap() },
        ] {
            assert!(p.milvus_params().is_empty());
            let text = p.sparse_milvus_params();
            let pairs: Vec<(&str, &str)> = text.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(parse(p.type_name(), &pairs).unwrap(), p);
        }
    }

    #[test]
    fn drop_ratio_bits_and_algo_numbers_round_trip() {
        let r = DropRatio::new("x", 0.3).unwrap();
        assert_eq!(DropRatio::from_bits(r.to_bits()), Some(r));
        assert_eq!(DropRatio::from_bits(1.0f32.to_bits()), None);
        assert_eq!(DropRatio::from_bits(f32::NAN.to_bits()), None);
        assert_eq!(DropRatio::new("x", -0.0).unwrap().to_bits(), 0);
        for a in SparseAlgo::ALL {
            assert_eq!(SparseAlgo::from_number(a.number()), Some(a));
        }
        assert_eq!(SparseAlgo::from_number(3), None);
    }
}
