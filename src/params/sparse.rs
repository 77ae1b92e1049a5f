//! Sparse float vectors (Milvus's `SPARSE_FLOAT_VECTOR`): maps from a u32 index to an f32 value,
//! held as CSR rows, and the rules their rows follow. The borrowed view [`SparseRows`] lives
//! here, below the column and index layers, so both read it.
//!
//! A column of `n` rows is three flat arrays: `n + 1` row offsets (the first 0, rising, the last
//! the number of stored entries), then the entries' indices and values. Row `r` holds entries
//! `offsets[r]..offsets[r + 1]`. Every stored row is canonical: indices strictly ascending (so no
//! index twice), each below [`MAX_SPARSE_INDEX`] + 1 = 2³² − 1, each value finite. Rows may be
//! empty. Writes sort rows given out of order; everything else that breaks a rule is refused.

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
