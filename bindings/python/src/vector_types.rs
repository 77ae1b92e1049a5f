//! Binary, float16, bfloat16 and int8 vector fields in the Python extension: their type names,
//! columns (`(dim, bytes)` of every row's stored bytes, built by `veclite._vectors`) and
//! results (one `bytes` a row; the Python layer gives them pymilvus's shapes).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use veclite::{ColumnData, FieldType, VectorKind};

/// The packed vector field type called `name` (Milvus's data type name) with `dim`.
pub(crate) fn field_type(name: &str, dim: Option<u32>) -> Option<PyResult<FieldType>> {
    let kind = VectorKind::ALL.into_iter().find(|k| k.milvus_name() == name)?;
    Some(match dim {
        Some(dim) => Ok(kind.field_type(dim)),
        None => Err(crate::invalid(format!("a {name} field needs dim"))),
    })
}

/// The packed vector column `name` of type `ty` from `(dim, bytes)`, if `ty` names one.
pub(crate) fn column(name: &str, ty: &str, data: &Bound<'_, PyAny>) -> Option<PyResult<ColumnData>> {
    let kind = VectorKind::ALL.into_iter().find(|k| k.milvus_name() == ty)?;
    Some(
        data.extract::<(usize, Vec<u8>)>()
            .map(|(dim, data)| ColumnData::PackedVector { kind, dim, data })
            .map_err(|_| {
                crate::err(veclite::Error::SchemaMismatch(format!(
                    "field `{name}` expects (dim, bytes) for a {ty} column"
                )))
            }),
    )
}

/// A packed vector result column as a list of one `bytes` a row (empty for other columns).
pub(crate) fn values<'py>(py: Python<'py>, data: &ColumnData) -> PyResult<Bound<'py, PyAny>> {
    let out = PyList::empty(py);
    if let ColumnData::PackedVector { kind, dim, data } = data {
        for row in data.chunks_exact(kind.row_bytes(*dim).max(1)) {
            out.append(PyBytes::new(py, row))?;
        }
    }
    Ok(out.into_any())
}

/// The queries of a search of a packed vector field: its Milvus type name and every query's
/// stored bytes, query after query.
pub(crate) fn query_kind(ty: &str) -> PyResult<VectorKind> {
    VectorKind::ALL
        .into_iter()
        .find(|k| k.milvus_name() == ty)
        .ok_or_else(|| crate::invalid(format!("query vectors of type {ty} are not supported")))
}
