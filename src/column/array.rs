//! ARRAY columns (Milvus `ARRAY`): the borrowed view of an array column's flat element values,
//! per-row access, and the checks every stored array passes (the field type and its rules:
//! [`crate::schema::ElementType`]).
//!
//! An array column is `rows + 1` element offsets (`u64`, the first 0, the last the number of
//! elements) over one flat scalar column of the element type: row `r` holds elements
//! `offsets[r]..offsets[r + 1]`. Nulls (nullable fields) are stored as empty arrays under a
//! validity mask, like every other scalar.
use super::{Column, ColumnData, ColumnRef};
use crate::error::{Error, Result};
use crate::schema::{ElementType, FieldType};

/// Borrowed flat element values of an array column (one variant per element type).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArrayValues<'a> {
    Bool(&'a [u8]),
    Int8(&'a [i8]),
    Int16(&'a [i16]),
    Int32(&'a [i32]),
    Int64(&'a [i64]),
    Float(&'a [f32]),
    Double(&'a [f64]),
    VarChar { offsets: &'a [u64], bytes: &'a [u8] },
}

impl<'a> ArrayValues<'a> {
    /// The view of a scalar column's values; `None` for vectors and arrays (which an array
    /// cannot hold).
    pub fn from_column(column: ColumnRef<'a>) -> Option<ArrayValues<'a>> {
        Some(match column {
            ColumnRef::Bool(v) => ArrayValues::Bool(v),
            ColumnRef::Int8(v) => ArrayValues::Int8(v),
            ColumnRef::Int16(v) => ArrayValues::Int16(v),
            ColumnRef::Int32(v) => ArrayValues::Int32(v),
            ColumnRef::Int64(v) => ArrayValues::Int64(v),
            ColumnRef::Float(v) => ArrayValues::Float(v),
            ColumnRef::Double(v) => ArrayValues::Double(v),
            ColumnRef::VarChar { offsets, bytes } => ArrayValues::VarChar { offsets, bytes },
            _ => return None,
        })
    }

    /// The view of owned flat values. Values an array cannot hold (vectors, arrays) read as no
    /// Bool elements; [`check_structure`] refuses such columns before they are stored.
    pub(crate) fn of(values: &'a ColumnData) -> ArrayValues<'a> {
        ArrayValues::from_column(values.as_ref()).unwrap_or(ArrayValues::Bool(&[]))
    }

    /// The flat values as a scalar column.
    pub fn column(self) -> ColumnRef<'a> {
        match self {
            ArrayValues::Bool(v) => ColumnRef::Bool(v),
            ArrayValues::Int8(v) => ColumnRef::Int8(v),
            ArrayValues::Int16(v) => ColumnRef::Int16(v),
            ArrayValues::Int32(v) => ColumnRef::Int32(v),
            ArrayValues::Int64(v) => ColumnRef::Int64(v),
            ArrayValues::Float(v) => ColumnRef::Float(v),
            ArrayValues::Double(v) => ColumnRef::Double(v),
            ArrayValues::VarChar { offsets, bytes } => ColumnRef::VarChar { offsets, bytes },
        }
    }

    /// The element type.
    pub fn element_type(self) -> ElementType {
        match self {
            ArrayValues::Bool(_) => ElementType::Bool,
            ArrayValues::Int8(_) => ElementType::Int8,
            ArrayValues::Int16(_) => ElementType::Int16,
            ArrayValues::Int32(_) => ElementType::Int32,
            ArrayValues::Int64(_) => ElementType::Int64,
            ArrayValues::Float(_) => ElementType::Float,
            ArrayValues::Double(_) => ElementType::Double,
            ArrayValues::VarChar { .. } => ElementType::VarChar,
        }
    }

    /// `Array(Int64)` etc., for messages.
    pub(crate) fn array_type_name(self) -> &'static str {
        match self.element_type() {
            ElementType::Bool => "Array(Bool)",
            ElementType::Int8 => "Array(Int8)",
            ElementType::Int16 => "Array(Int16)",
            ElementType::Int32 => "Array(Int32)",
            ElementType::Int64 => "Array(Int64)",
            ElementType::Float => "Array(Float)",
            ElementType::Double => "Array(Double)",
            ElementType::VarChar => "Array(VarChar)",
        }
    }

    /// Number of elements.
    pub fn len(self) -> usize {
        self.column().len()
    }

    /// Whether there are no elements.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Element `i` of the flat values (which must exist).
    pub fn elem(self, i: usize) -> ArrayElem<'a> {
        match self {
            ArrayValues::Bool(v) => ArrayElem::Bool(v[i] != 0),
            ArrayValues::Int8(v) => ArrayElem::Int(v[i].into()),
            ArrayValues::Int16(v) => ArrayElem::Int(v[i].into()),
            ArrayValues::Int32(v) => ArrayElem::Int(v[i].into()),
            ArrayValues::Int64(v) => ArrayElem::Int(v[i]),
            ArrayValues::Float(v) => ArrayElem::Float(v[i].into()),
            ArrayValues::Double(v) => ArrayElem::Float(v[i]),
            c @ ArrayValues::VarChar { .. } => ArrayElem::Str(c.column().str_at(i)),
        }
    }
}

/// One element of an array, widened: integers to `i64`, floats to `f64` (exactly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArrayElem<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

/// The elements of one array row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArrayRow<'a> {
    values: ArrayValues<'a>,
    start: usize,
    end: usize,
}

impl<'a> ArrayRow<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the row has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `i`, `None` past the end.
    pub fn get(&self, i: usize) -> Option<ArrayElem<'a>> {
        (i < self.len()).then(|| self.values.elem(self.start + i))
    }

    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = ArrayElem<'a>> + 'a {
        let values = self.values;
        (self.start..self.end).map(move |i| values.elem(i))
    }

    /// Positions of the row's elements in the flat values.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The flat values the row indexes into.
    pub fn values(&self) -> ArrayValues<'a> {
        self.values
    }

    /// The row as a JSON array (float elements in their shortest decimal form); `None` when
    /// an element is NaN or infinite, which JSON cannot hold (stored arrays never are).
    pub fn to_json(&self) -> Option<serde_json::Value> {
        self.iter()
            .map(|e| match e {
                ArrayElem::Bool(b) => Some(serde_json::Value::Bool(b)),
                ArrayElem::Int(i) => Some(i.into()),
                ArrayElem::Float(x) => {
                    let x = match self.values {
                        // The shortest text of the f32, not of its f64 widening.
                        ArrayValues::Float(_) => (x as f32).to_string().parse().unwrap_or(x),
                        _ => x,
                    };
                    serde_json::Number::from_f64(x).map(Into::into)
                }
                ArrayElem::Str(s) => Some(s.into()),
            })
            .collect()
    }
}

impl<'a> ColumnRef<'a> {
    /// The elements of row `row` of an array column (`None` for other columns).
    pub fn array_at(&self, row: usize) -> Option<ArrayRow<'a>> {
        match *self {
            ColumnRef::Array { offsets, values } => {
                Some(ArrayRow { values, start: offsets[row] as usize, end: offsets[row + 1] as usize })
            }
            _ => None,
        }
    }
}

impl ColumnData {
    /// An empty array column of `element`s.
    pub fn empty_array(element: ElementType) -> ColumnData {
        let values = ColumnData::empty(element.scalar_type(0));
        ColumnData::Array { offsets: vec![0], values: Box::new(values) }
    }

    /// An array column from `rows + 1` element offsets into the flat scalar `values`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the layout is not one [`check_structure`] accepts.
    pub fn array(offsets: Vec<u64>, values: ColumnData) -> Result<ColumnData> {
        let data = ColumnData::Array { offsets, values: Box::new(values) };
        check_structure(&data).map_err(|why| Error::InvalidArgument(format!("array column: {why}")))?;
        Ok(data)
    }

    /// An array column whose row `r` holds the next `lens[r]` elements of `values`.
    ///
    /// # Errors
    /// As [`ColumnData::array`] (the lengths must add up to the number of values).
    pub fn array_from_lengths(
        values: ColumnData,
        lens: impl IntoIterator<Item = usize>,
    ) -> Result<ColumnData> {
        let mut offsets = vec![0u64];
        for n in lens {
            offsets.push(offsets[offsets.len() - 1] + n as u64);
        }
        ColumnData::array(offsets, values)
    }
}

impl Column {
    /// An array column whose row `r` holds the next `lens[r]` elements of `values`.
    ///
    /// # Errors
    /// As [`ColumnData::array_from_lengths`].
    pub fn array(
        name: impl Into<String>,
        values: ColumnData,
        lens: impl IntoIterator<Item = usize>,
    ) -> Result<Column> {
        Ok(Column::new(name, ColumnData::array_from_lengths(values, lens)?))
    }
}

/// Checks the layout of an array column: the values are a scalar column (VarChar offsets
/// rising from 0 to the end of its bytes), and the element offsets rise from 0 to the number
/// of values. Other columns pass.
///
/// # Errors
/// What is wrong.
pub(crate) fn check_structure(data: &ColumnData) -> std::result::Result<(), String> {
    let ColumnData::Array { offsets, values } = data else {
        return Ok(());
    };
    let Some(flat) = ArrayValues::from_column(ColumnData::as_ref(values)) else {
        return Err(format!("elements must be scalars, not {}", ColumnData::as_ref(values).type_name()));
    };
    if let ArrayValues::VarChar { offsets: o, bytes } = flat
        && (o.first() != Some(&0)
            || o.last().copied() != Some(bytes.len() as u64)
            || o.windows(2).any(|w| w[0] > w[1]))
    {
        return Err("the VarChar element offsets do not rise from 0 to the end of the bytes".to_owned());
    }
    if offsets.first() != Some(&0)
        || offsets.last().copied() != Some(flat.len() as u64)
        || offsets.windows(2).any(|w| w[0] > w[1])
    {
        return Err(format!(
            "the row offsets must rise from 0 to the number of elements ({}); got {} offsets from {:?} to {:?}",
            flat.len(),
            offsets.len(),
            offsets.first(),
            offsets.last()
        ));
    }
    Ok(())
}

/// Checks row `row` of an array field (`field`, of type `ty`) as Milvus does: at most
/// `max_capacity` elements; VarChar elements valid UTF-8 of at most `max_length` bytes; float
/// elements finite (as for every other float veclite stores).
///
/// # Errors
/// [`Error::InvalidValue`] naming the field, the row, the element and the rule.
pub(crate) fn check_row(field: &str, ty: FieldType, row: usize, elems: ArrayRow<'_>) -> Result<()> {
    let FieldType::Array { max_capacity, max_length, .. } = ty else {
        return Ok(());
    };
    let bad = |rule: String| Err(Error::InvalidValue(format!("field `{field}` row {row}: {rule}")));
    if elems.len() > max_capacity as usize {
        return bad(format!("the array has {} elements, more than max_capacity {max_capacity}", elems.len()));
    }
    match elems.values() {
        ArrayValues::Float(_) | ArrayValues::Double(_) => {
            for (i, e) in elems.iter().enumerate() {
                if let ArrayElem::Float(x) = e
                    && !x.is_finite()
                {
                    let what = if x.is_nan() { "NaN" } else { "infinity" };
                    return bad(format!("element {i}: {what} is not allowed (values must be finite)"));
                }
            }
        }
        ArrayValues::VarChar { offsets, bytes } => {
            for (i, r) in elems.range().enumerate() {
                let text = &bytes[offsets[r] as usize..offsets[r + 1] as usize];
                if std::str::from_utf8(text).is_err() {
                    return bad(format!("element {i}: text is not valid UTF-8"));
                }
                if text.len() > max_length as usize {
                    return bad(format!(
                        "element {i}: length {} exceeds max_length {max_length}",
                        text.len()
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Appends every row of the array column `src` to the array column `dst` (same element type).
pub(super) fn extend(dst: &mut ColumnData, src: ColumnRef<'_>) {
    let (ColumnData::Array { offsets, values }, ColumnRef::Array { offsets: so, values: sv }) = (dst, src)
    else {
        return;
    };
    let base = values.len() as u64;
    let (first, last) = (so[0], so[so.len() - 1]);
    values.extend_from_rows(sv.column(), first as usize..last as usize);
    offsets.extend(so[1..].iter().map(|o| o - first + base));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_gather_and_extend() {
        let c = ColumnData::array_from_lengths(ColumnData::Int64(vec![1, 2, 3, 4]), [2, 0, 2]).unwrap();
        let r = c.as_ref();
        assert_eq!(r.len(), 3);
        assert_eq!(r.type_name(), "Array(Int64)");
        assert!(r.matches(FieldType::Array { element: ElementType::Int64, max_capacity: 4, max_length: 0 }));
        assert!(!r.matches(FieldType::Array { element: ElementType::Int32, max_capacity: 4, max_length: 0 }));
        assert_eq!(r.array_at(2).unwrap().iter().collect::<Vec<_>>(), [ArrayElem::Int(3), ArrayElem::Int(4)]);
        assert!(r.array_at(1).unwrap().is_empty());
        let mut d = ColumnData::empty_array(ElementType::Int64);
        d.extend_from_rows(r, [2, 0]);
        assert_eq!(d, ColumnData::array(vec![0, 2, 4], ColumnData::Int64(vec![3, 4, 1, 2])).unwrap());
        let mut all = d.clone();
        all.extend_from(r);
        assert_eq!(all.len(), 5);
        assert_eq!(all.as_ref().array_at(4).unwrap().to_json(), Some(serde_json::json!([3, 4])));
        assert_eq!(all.as_ref().to_owned(), all);
        all.push_repeated(&crate::schema::Value::Null, 2);
        assert_eq!(all.len(), 7);
        assert!(all.as_ref().array_at(6).unwrap().is_empty());
    }

    #[test]
    fn strings_and_floats_read_back() {
        let c = ColumnData::array_from_lengths(ColumnData::varchar(["a", "bc", "d"]), [1, 2]).unwrap();
        assert_eq!(c.as_ref().array_at(1).unwrap().to_json(), Some(serde_json::json!(["bc", "d"])));
        let f = ColumnData::array_from_lengths(ColumnData::Float(vec![0.1, 2.5, f32::NAN]), [2, 1]).unwrap();
        assert_eq!(f.as_ref().array_at(0).unwrap().to_json(), Some(serde_json::json!([0.1, 2.5])));
        assert_eq!(f.as_ref().array_at(1).unwrap().to_json(), None);
    }

    #[test]
    fn bad_layouts_are_refused() {
        for (offsets, n) in [(vec![1, 2], 2), (vec![0, 3], 2), (vec![0, 2, 1, 2], 2), (vec![], 0)] {
            let err = ColumnData::array(offsets, ColumnData::Int8(vec![0; n])).unwrap_err();
            assert!(err.to_string().contains("row offsets must rise"), "{err}");
        }
        let nested = ColumnData::array(vec![0, 0], ColumnData::empty_array(ElementType::Bool)).unwrap_err();
        assert!(nested.to_string().contains("elements must be scalars"), "{nested}");
    }
}
