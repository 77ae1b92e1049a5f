//! Sparse float vector fields in the Python extension: columns and queries arrive as CSR arrays
//! `(offsets, indices, values)` (built by `veclite._sparse`), results leave as one
//! `{index: value}` dict a row, as pymilvus returns them.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use veclite::{ColumnData, SparseRows};

/// Milvus's name of the type.
pub(crate) const TYPE_NAME: &str = "SPARSE_FLOAT_VECTOR";

/// CSR arrays: row offsets, entry indices, entry values.
pub(crate) type Csr = (Vec<u64>, Vec<u32>, Vec<f32>);

/// CSR arrays from `(offsets, indices, values)`; `what` names them in the error.
pub(crate) fn csr(what: &str, data: &Bound<'_, PyAny>) -> PyResult<Csr> {
    data.extract::<Csr>().map_err(|_| {
        crate::err(veclite::Error::SchemaMismatch(format!(
            "{what} expects (offsets, indices, values) for a {TYPE_NAME} column"
        )))
    })
}

/// The sparse column `name` from `(offsets, indices, values)`.
pub(crate) fn column(name: &str, data: &Bound<'_, PyAny>) -> PyResult<ColumnData> {
    let (offsets, indices, values) = csr(&format!("field `{name}`"), data)?;
    Ok(ColumnData::SparseVector { offsets, indices, values })
}

/// The borrowed rows of CSR arrays, checked for shape.
pub(crate) fn rows(csr: &Csr) -> PyResult<SparseRows<'_>> {
    SparseRows::new(&csr.0, &csr.1, &csr.2).ok_or_else(|| {
        crate::invalid(
            "sparse query vectors: offsets must rise from 0 to the number of entries, with one value an index".into(),
        )
    })
}

/// A sparse result column as a list of one `{index: value}` dict a row.
pub(crate) fn values<'py>(py: Python<'py>, data: &ColumnData) -> PyResult<Bound<'py, PyAny>> {
    let out = PyList::empty(py);
    if let Some(rows) = data.as_ref().sparse_rows() {
        for r in 0..rows.len() {
            let (indices, values) = rows.row(r);
            let row = PyDict::new(py);
            for (i, v) in indices.iter().zip(values) {
                row.set_item(i, v)?;
            }
            out.append(row)?;
        }
    }
    Ok(out.into_any())
}
