//! Sparse float vector columns: the CSR rows of [`ColumnData::SparseVector`], owned copies and
//! the sorting a write applies (the rules and the borrowed view: [`crate::params::sparse`]).

pub use crate::params::sparse::{MAX_SPARSE_INDEX, SparseRows, check_shape};

use super::ColumnData;

impl SparseRows<'_> {
    /// Owned copy of the rows.
    pub fn to_owned(&self) -> ColumnData {
        let base = self.offsets.first().copied().unwrap_or(0);
        let (a, b) = (base as usize, self.offsets.last().copied().unwrap_or(0) as usize);
        ColumnData::SparseVector {
            offsets: self.offsets.iter().map(|o| o - base).collect(),
            indices: self.indices[a..b].to_vec(),
            values: self.values[a..b].to_vec(),
        }
    }
}

/// Rows with every row's entries sorted by index (rows checked by [`check_row`] beforehand).
pub fn sorted(rows: SparseRows<'_>) -> ColumnData {
    let mut out = rows.to_owned();
    let ColumnData::SparseVector { offsets, indices, values } = &mut out else { return out };
    let mut pairs: Vec<(u32, f32)> = Vec::new();
    for r in 0..offsets.len() - 1 {
        let (a, b) = (offsets[r] as usize, offsets[r + 1] as usize);
        pairs.clear();
        pairs.extend(indices[a..b].iter().copied().zip(values[a..b].iter().copied()));
        pairs.sort_unstable_by_key(|p| p.0);
        for (k, (i, v)) in pairs.iter().enumerate() {
            indices[a + k] = *i;
            values[a + k] = *v;
        }
    }
    out
}

impl ColumnData {
    /// A sparse column from rows of `(index, value)` entries, in any order (a write sorts them).
    pub fn sparse<R: AsRef<[(u32, f32)]>>(rows: impl IntoIterator<Item = R>) -> Self {
        let (mut offsets, mut indices, mut values) = (vec![0u64], Vec::new(), Vec::new());
        for row in rows {
            for &(i, v) in row.as_ref() {
                indices.push(i);
                values.push(v);
            }
            offsets.push(indices.len() as u64);
        }
        ColumnData::SparseVector { offsets, indices, values }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::sparse::check_row;

    #[test]
    fn rows_are_checked_and_sorted() {
        let c = ColumnData::sparse([vec![(5, 1.0), (2, 2.0)], vec![], vec![(7, -0.5)]]);
        let rows = c.as_ref().sparse_rows().unwrap();
        assert_eq!(rows.len(), 3);
        assert!(!rows.is_sorted());
        assert!(rows.check_rows(true).is_ok());
        assert_eq!(rows.check_rows(false).unwrap_err().0, 0);
        let s = sorted(rows);
        let s = s.as_ref().sparse_rows().unwrap();
        assert_eq!(s.row(0), (&[2u32, 5][..], &[2.0f32, 1.0][..]));
        assert_eq!(s.row(1).0.len(), 0);
        assert!(check_row(&[1, 1], &[1.0, 1.0], true).unwrap_err().contains("appears twice"));
        assert!(check_row(&[u32::MAX], &[1.0], true).unwrap_err().contains("2^32-1"));
        assert!(check_row(&[1], &[f32::NAN], true).unwrap_err().contains("NaN"));
        assert!(check_row(&[1], &[f32::INFINITY], true).unwrap_err().contains("infinity"));
        assert!(check_shape(&[0, 2], 2, 1).is_err());
        assert!(check_shape(&[0, 3, 2], 2, 2).is_err());
        assert!(check_shape(&[], 0, 0).is_err());
    }
}
