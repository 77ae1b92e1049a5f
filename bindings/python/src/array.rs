//! ARRAY fields in the Python binding: the field description (`element_type`, `max_capacity`,
//! `max_length`), columns in (row offsets + flat element values, as `veclite._array` builds
//! them) and out (a list per row, `None` for nulls, as pymilvus returns them).

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use veclite::{ArrayElem, Column, ColumnData, ElementType, FieldType};

use crate::{get, invalid, vec1};

/// The ARRAY type of the field dict `d` (`element_type` a `DataType` name, `max_capacity`,
/// and `max_length` for VARCHAR elements).
pub(crate) fn field_type(name: &str, d: &Bound<'_, PyDict>) -> PyResult<FieldType> {
    let element: String =
        get(d, "element_type")?.ok_or_else(|| invalid(format!("ARRAY field `{name}` needs element_type")))?;
    let element = ElementType::from_milvus_name(&element).ok_or_else(|| {
        invalid(format!(
            "ARRAY field `{name}`: element_type {element} is not supported (BOOL, INT8, INT16, INT32, INT64, FLOAT, DOUBLE or VARCHAR)"
        ))
    })?;
    let max_capacity: u32 =
        get(d, "max_capacity")?.ok_or_else(|| invalid(format!("ARRAY field `{name}` needs max_capacity")))?;
    let max_length: Option<u32> = get(d, "max_length")?;
    if element == ElementType::VarChar && max_length.is_none() {
        return Err(invalid(format!("ARRAY field `{name}` of VARCHAR elements needs max_length")));
    }
    Ok(FieldType::Array { element, max_capacity, max_length: max_length.unwrap_or(0) })
}

/// Adds the ARRAY parameters of `ty` to the field dict `d`.
pub(crate) fn describe(d: &Bound<'_, PyDict>, ty: FieldType) -> PyResult<()> {
    if let FieldType::Array { element, max_capacity, max_length } = ty {
        d.set_item("element_type", element.milvus_name())?;
        d.set_item("max_capacity", max_capacity)?;
        if element == ElementType::VarChar {
            d.set_item("max_length", max_length)?;
        }
    }
    Ok(())
}

/// An ARRAY column from `(element_type, offsets, values)`: `rows + 1` uint64 offsets and the
/// flat elements (a 1-D numpy array of the element's dtype, or a list of str).
pub(crate) fn column_data(name: &str, data: &Bound<'_, PyAny>) -> PyResult<ColumnData> {
    let (element, offsets, values): (String, PyReadonlyArray1<'_, u64>, Bound<'_, PyAny>) =
        data.extract().map_err(|_| {
            invalid(format!("field `{name}`: an ARRAY column is (element_type, offsets, values)"))
        })?;
    let offsets = offsets.as_array().to_vec();
    let values = match element.as_str() {
        "BOOL" => ColumnData::Bool(vec1::<bool>(&values, name, "bool")?.into_iter().map(u8::from).collect()),
        "INT8" => ColumnData::Int8(vec1(&values, name, "int8")?),
        "INT16" => ColumnData::Int16(vec1(&values, name, "int16")?),
        "INT32" => ColumnData::Int32(vec1(&values, name, "int32")?),
        "INT64" => ColumnData::Int64(vec1(&values, name, "int64")?),
        "FLOAT" => ColumnData::Float(vec1(&values, name, "float32")?),
        "DOUBLE" => ColumnData::Double(vec1(&values, name, "float64")?),
        "VARCHAR" => ColumnData::varchar(
            values
                .extract::<Vec<String>>()
                .map_err(|_| invalid(format!("field `{name}`: VARCHAR elements must be str")))?,
        ),
        other => return Err(invalid(format!("field `{name}`: element type {other} is not supported"))),
    };
    ColumnData::array(offsets, values).map_err(|e| invalid(format!("field `{name}`: {e}")))
}

/// The rows of an ARRAY column as Python lists (`None` for null rows).
pub(crate) fn rows_to_py<'py>(py: Python<'py>, column: &Column) -> PyResult<Bound<'py, PyList>> {
    let view = column.data().as_ref();
    let out = PyList::empty(py);
    for row in 0..column.len() {
        let Some(elems) = view.array_at(row).filter(|_| column.is_valid(row)) else {
            out.append(py.None())?;
            continue;
        };
        let list = PyList::empty(py);
        for e in elems.iter() {
            match e {
                ArrayElem::Bool(b) => list.append(b)?,
                ArrayElem::Int(i) => list.append(i)?,
                ArrayElem::Float(f) => list.append(f)?,
                ArrayElem::Str(s) => list.append(s)?,
            }
        }
        out.append(list)?;
    }
    Ok(out)
}
