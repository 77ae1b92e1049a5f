//! Typed columns: the owned [`ColumnData`] used by writes, growing segments and results, the
//! named [`Column`] callers pass in and get back, and the borrowed [`ColumnRef`] view that reads
//! growing (heap) and sealed (memory-mapped) data alike.
//!
//! Booleans are stored as one byte (0 or 1); VarChar as `n + 1` byte offsets plus the UTF-8 bytes;
//! vectors as `rows * dim` contiguous f32. Validity, where present, is one byte per row (1 = value,
//! 0 = null).

pub(crate) mod array;
pub(crate) mod sparse;
mod vectors;

use crate::error::{Error, Result};
use crate::schema::{FieldType, Value};
pub use array::{ArrayElem, ArrayRow, ArrayValues};
pub use sparse::{MAX_SPARSE_INDEX, SparseRows};
pub use vectors::{MAX_BINARY_DIM, VectorKind};

/// Owned, typed values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    Bool(Vec<u8>),
    Int8(Vec<i8>),
    Int16(Vec<i16>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Float(Vec<f32>),
    Double(Vec<f64>),
    VarChar {
        offsets: Vec<u64>,
        bytes: Vec<u8>,
    },
    FloatVector {
        dim: usize,
        data: Vec<f32>,
    },
    /// ARRAY rows: row `r` holds elements `offsets[r]..offsets[r + 1]` of the flat scalar
    /// column `values` (`rows + 1` element offsets, the first 0, the last `values.len()`).
    Array {
        offsets: Vec<u64>,
        values: Box<ColumnData>,
    },
    /// Binary, float16, bfloat16 or int8 vectors, `kind.row_bytes(dim)` bytes a row, stored as
    /// given (see [`VectorKind`]).
    PackedVector {
        kind: VectorKind,
        dim: usize,
        data: Vec<u8>,
    },
    /// Sparse float vectors as CSR rows (see [`sparse`]): `rows + 1` entry offsets, then each
    /// entry's index and value.
    SparseVector {
        offsets: Vec<u64>,
        indices: Vec<u32>,
        values: Vec<f32>,
    },
}

/// Borrowed, typed values of one column (a view into [`ColumnData`] or a mapped segment).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnRef<'a> {
    Bool(&'a [u8]),
    Int8(&'a [i8]),
    Int16(&'a [i16]),
    Int32(&'a [i32]),
    Int64(&'a [i64]),
    Float(&'a [f32]),
    Double(&'a [f64]),
    VarChar {
        offsets: &'a [u64],
        bytes: &'a [u8],
    },
    FloatVector {
        dim: usize,
        data: &'a [f32],
    },
    PackedVector {
        kind: VectorKind,
        dim: usize,
        data: &'a [u8],
    },
    /// ARRAY rows, laid out as [`ColumnData::Array`].
    Array {
        offsets: &'a [u64],
        values: ArrayValues<'a>,
    },
    /// Sparse float vectors, laid out as [`ColumnData::SparseVector`].
    SparseVector(SparseRows<'a>),
}

/// Applies `$body` to the slice of every fixed-width variant of a column enum, binding it to
/// `$v`; VarChar, f32 vectors, packed vectors, arrays and sparse vectors go to their own arms
/// (the sparse arm binds the column's own variant: its three vectors, or its [`SparseRows`]).
macro_rules! map_fixed {
    ($value:expr, $enum:ident, $v:ident => $body:expr, varchar($o:ident, $b:ident) => $vc:expr, vector($d:ident, $x:ident) => $vec:expr, packed($pk:ident, $pd:ident, $px:ident) => $packed:expr, array($ao:ident, $av:ident) => $arr:expr, sparse($sp:pat) => $sparse:expr) => {
        match $value {
            $enum::Bool($v) => $body,
            $enum::Int8($v) => $body,
            $enum::Int16($v) => $body,
            $enum::Int32($v) => $body,
            $enum::Int64($v) => $body,
            $enum::Float($v) => $body,
            $enum::Double($v) => $body,
            $enum::VarChar { offsets: $o, bytes: $b } => $vc,
            $enum::FloatVector { dim: $d, data: $x } => $vec,
            $enum::PackedVector { kind: $pk, dim: $pd, data: $px } => $packed,
            $enum::Array { offsets: $ao, values: $av } => $arr,
            $sp => $sparse,
        }
    };
}
pub(crate) use map_fixed;

impl ColumnData {
    /// An empty column able to hold values of `ty`.
    pub fn empty(ty: FieldType) -> Self {
        match ty {
            FieldType::Bool => ColumnData::Bool(Vec::new()),
            FieldType::Int8 => ColumnData::Int8(Vec::new()),
            FieldType::Int16 => ColumnData::Int16(Vec::new()),
            FieldType::Int32 => ColumnData::Int32(Vec::new()),
            FieldType::Int64 => ColumnData::Int64(Vec::new()),
            FieldType::Float => ColumnData::Float(Vec::new()),
            FieldType::Double => ColumnData::Double(Vec::new()),
            FieldType::VarChar { .. } | FieldType::Json => {
                ColumnData::VarChar { offsets: vec![0], bytes: Vec::new() }
            }
            FieldType::FloatVector { dim } => ColumnData::FloatVector { dim: dim as usize, data: Vec::new() },
            FieldType::Array { element, .. } => ColumnData::empty_array(element),
            FieldType::BinaryVector { .. }
            | FieldType::Float16Vector { .. }
            | FieldType::BFloat16Vector { .. }
            | FieldType::Int8Vector { .. } => {
                let (kind, dim) = ty.vector_kind().unwrap_or((VectorKind::Binary, 8));
                ColumnData::PackedVector { kind, dim, data: Vec::new() }
            }
            FieldType::SparseFloatVector => ColumnData::sparse(std::iter::empty::<&[(u32, f32)]>()),
        }
    }

    /// An empty column of the same type (and dim) as `other`.
    pub fn empty_like(other: &ColumnData) -> Self {
        match other {
            ColumnData::VarChar { .. } => ColumnData::VarChar { offsets: vec![0], bytes: Vec::new() },
            ColumnData::FloatVector { dim, .. } => ColumnData::FloatVector { dim: *dim, data: Vec::new() },
            ColumnData::Array { values, .. } => {
                ColumnData::Array { offsets: vec![0], values: Box::new(ColumnData::empty_like(values)) }
            }
            ColumnData::PackedVector { kind, dim, .. } => {
                ColumnData::PackedVector { kind: *kind, dim: *dim, data: Vec::new() }
            }
            ColumnData::SparseVector { .. } => ColumnData::empty(FieldType::SparseFloatVector),
            other => {
                let mut empty = other.clone();
                empty.truncate_fixed();
                empty
            }
        }
    }

    fn truncate_fixed(&mut self) {
        map_fixed!(self, ColumnData,
        v => v.clear(),
        varchar(o, b) => { o.truncate(1); b.clear(); },
        vector(_d, x) => x.clear(),
        packed(_k, _d, x) => x.clear(),
        array(o, v) => { o.truncate(1); v.truncate_fixed(); },
        sparse(ColumnData::SparseVector { offsets, indices, values }) => {
            offsets.truncate(1);
            indices.clear();
            values.clear();
        })
    }

    /// A VarChar column from strings.
    pub fn varchar<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Self {
        let mut offsets = vec![0u64];
        let mut bytes = Vec::new();
        for s in values {
            bytes.extend_from_slice(s.as_ref().as_bytes());
            offsets.push(bytes.len() as u64);
        }
        ColumnData::VarChar { offsets, bytes }
    }

    /// Borrowed view of the values.
    pub fn as_ref(&self) -> ColumnRef<'_> {
        map_fixed!(self, ColumnData,
        v => ColumnData::wrap_ref(&v[..]),
        varchar(o, b) => ColumnRef::VarChar { offsets: o, bytes: b },
        vector(d, x) => ColumnRef::FloatVector { dim: *d, data: x },
        packed(k, d, x) => ColumnRef::PackedVector { kind: *k, dim: *d, data: x },
        array(o, v) => ColumnRef::Array { offsets: o, values: ArrayValues::of(v) },
        sparse(ColumnData::SparseVector { offsets, indices, values }) => {
            ColumnRef::SparseVector(SparseRows { offsets, indices, values })
        })
    }

    // Helper so `map_fixed!` can rebuild the matching ColumnRef variant from a `&Vec<T>`.
    fn wrap_ref<T: FixedWidth>(v: &[T]) -> ColumnRef<'_> {
        T::column_ref(v)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.as_ref().len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends row `row` of `src`, which must have the same type.
    pub fn push_from(&mut self, src: ColumnRef<'_>, row: usize) {
        self.extend_from_rows(src, std::iter::once(row));
    }

    /// Appends every row of `src`, which must have the same type.
    pub fn extend_from(&mut self, src: ColumnRef<'_>) {
        match (self, src) {
            (ColumnData::VarChar { offsets, bytes }, ColumnRef::VarChar { offsets: so, bytes: sb }) => {
                let base = bytes.len() as u64;
                let start = so[0];
                bytes.extend_from_slice(&sb[start as usize..so[so.len() - 1] as usize]);
                offsets.extend(so[1..].iter().map(|o| o - start + base));
            }
            (ColumnData::Bool(d), ColumnRef::Bool(s)) => d.extend_from_slice(s),
            (ColumnData::Int8(d), ColumnRef::Int8(s)) => d.extend_from_slice(s),
            (ColumnData::Int16(d), ColumnRef::Int16(s)) => d.extend_from_slice(s),
            (ColumnData::Int32(d), ColumnRef::Int32(s)) => d.extend_from_slice(s),
            (ColumnData::Int64(d), ColumnRef::Int64(s)) => d.extend_from_slice(s),
            (ColumnData::Float(d), ColumnRef::Float(s)) => d.extend_from_slice(s),
            (ColumnData::Double(d), ColumnRef::Double(s)) => d.extend_from_slice(s),
            (ColumnData::FloatVector { data, .. }, ColumnRef::FloatVector { data: s, .. }) => {
                data.extend_from_slice(s)
            }
            (this @ ColumnData::Array { .. }, src @ ColumnRef::Array { .. }) => array::extend(this, src),
            (ColumnData::PackedVector { data, .. }, ColumnRef::PackedVector { data: s, .. }) => {
                data.extend_from_slice(s)
            }
            (ColumnData::SparseVector { offsets, indices, values }, ColumnRef::SparseVector(s)) => {
                let (base, start) = (indices.len() as u64, s.offsets[0]);
                let end = s.offsets[s.offsets.len() - 1];
                indices.extend_from_slice(&s.indices[start as usize..end as usize]);
                values.extend_from_slice(&s.values[start as usize..end as usize]);
                offsets.extend(s.offsets[1..].iter().map(|o| o - start + base));
            }
            (this, src) => {
                let n = src.len();
                this.extend_from_rows(src, 0..n);
            }
        }
    }

    /// Appends the given rows of `src` (same type), in order.
    pub fn extend_from_rows(&mut self, src: ColumnRef<'_>, rows: impl IntoIterator<Item = usize>) {
        macro_rules! gather {
            ($dst:expr, $s:expr) => {
                $dst.extend(rows.into_iter().map(|r| $s[r]))
            };
        }
        match (self, src) {
            (ColumnData::Bool(d), ColumnRef::Bool(s)) => gather!(d, s),
            (ColumnData::Int8(d), ColumnRef::Int8(s)) => gather!(d, s),
            (ColumnData::Int16(d), ColumnRef::Int16(s)) => gather!(d, s),
            (ColumnData::Int32(d), ColumnRef::Int32(s)) => gather!(d, s),
            (ColumnData::Int64(d), ColumnRef::Int64(s)) => gather!(d, s),
            (ColumnData::Float(d), ColumnRef::Float(s)) => gather!(d, s),
            (ColumnData::Double(d), ColumnRef::Double(s)) => gather!(d, s),
            (ColumnData::VarChar { offsets, bytes }, src @ ColumnRef::VarChar { .. }) => {
                for r in rows {
                    bytes.extend_from_slice(src.bytes_at(r));
                    offsets.push(bytes.len() as u64);
                }
            }
            (ColumnData::FloatVector { dim, data }, ColumnRef::FloatVector { data: s, .. }) => {
                let d = *dim;
                for r in rows {
                    data.extend_from_slice(&s[r * d..(r + 1) * d]);
                }
            }
            (ColumnData::Array { offsets, values }, ColumnRef::Array { offsets: so, values: sv }) => {
                for r in rows {
                    values.extend_from_rows(sv.column(), so[r] as usize..so[r + 1] as usize);
                    offsets.push(values.len() as u64);
                }
            }
            (ColumnData::PackedVector { data, .. }, src @ ColumnRef::PackedVector { .. }) => {
                for r in rows {
                    data.extend_from_slice(src.packed_at(r));
                }
            }
            (ColumnData::SparseVector { offsets, indices, values }, ColumnRef::SparseVector(s)) => {
                for r in rows {
                    let (i, v) = s.row(r);
                    indices.extend_from_slice(i);
                    values.extend_from_slice(v);
                    offsets.push(indices.len() as u64);
                }
            }
            (this, src) => {
                panic!("column type mismatch: {:?} vs {:?}", this.as_ref().type_name(), src.type_name())
            }
        }
    }

    /// Appends `n` copies of `value` (or zero values for `Value::Null`).
    pub fn push_repeated(&mut self, value: &Value, n: usize) {
        let int = |v: &Value| if let Value::Int(i) = v { *i } else { 0 };
        let float = |v: &Value| if let Value::Float(f) = v { *f } else { 0.0 };
        match self {
            ColumnData::Bool(d) => d.resize(d.len() + n, matches!(value, Value::Bool(true)) as u8),
            ColumnData::Int8(d) => d.resize(d.len() + n, int(value) as i8),
            ColumnData::Int16(d) => d.resize(d.len() + n, int(value) as i16),
            ColumnData::Int32(d) => d.resize(d.len() + n, int(value) as i32),
            ColumnData::Int64(d) => d.resize(d.len() + n, int(value)),
            ColumnData::Float(d) => d.resize(d.len() + n, float(value) as f32),
            ColumnData::Double(d) => d.resize(d.len() + n, float(value)),
            ColumnData::VarChar { offsets, bytes } => {
                let text = if let Value::Text(s) = value { s.as_bytes() } else { &[] };
                for _ in 0..n {
                    bytes.extend_from_slice(text);
                    offsets.push(bytes.len() as u64);
                }
            }
            ColumnData::FloatVector { dim, data } => data.resize(data.len() + n * *dim, 0.0),
            // Array fields take no default value: nulls are stored as empty arrays.
            ColumnData::Array { offsets, values } => offsets.resize(offsets.len() + n, values.len() as u64),
            ColumnData::PackedVector { kind, dim, data } => {
                data.resize(data.len() + n * kind.row_bytes(*dim), 0)
            }
            // Sparse fields take no default value: placeholders are empty rows.
            ColumnData::SparseVector { offsets, indices, .. } => {
                offsets.resize(offsets.len() + n, indices.len() as u64)
            }
        }
    }

    /// Approximate heap size in bytes.
    pub fn byte_size(&self) -> usize {
        self.as_ref().byte_size()
    }
}

/// Fixed-width element types stored as plain little-endian arrays.
pub(crate) trait FixedWidth: bytemuck::Pod {
    fn column_ref(values: &[Self]) -> ColumnRef<'_>;
}

macro_rules! fixed_width {
    ($($t:ty => $variant:ident),*) => {$(
        impl FixedWidth for $t {
            fn column_ref(values: &[Self]) -> ColumnRef<'_> { ColumnRef::$variant(values) }
        }
    )*};
}
fixed_width!(u8 => Bool, i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64, f32 => Float, f64 => Double);

impl<'a> ColumnRef<'a> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        map_fixed!(self, ColumnRef,
            v => v.len(),
            varchar(o, _b) => o.len().saturating_sub(1),
            vector(d, x) => x.len().checked_div(*d).unwrap_or(0),
            packed(k, d, x) => x.len().checked_div(k.row_bytes(*d)).unwrap_or(0),
            array(o, _v) => o.len().saturating_sub(1),
            sparse(ColumnRef::SparseVector(s)) => s.len())
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Name of the stored type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ColumnRef::Bool(_) => "Bool",
            ColumnRef::Int8(_) => "Int8",
            ColumnRef::Int16(_) => "Int16",
            ColumnRef::Int32(_) => "Int32",
            ColumnRef::Int64(_) => "Int64",
            ColumnRef::Float(_) => "Float",
            ColumnRef::Double(_) => "Double",
            ColumnRef::VarChar { .. } => "VarChar",
            ColumnRef::FloatVector { .. } => "FloatVector",
            ColumnRef::Array { values, .. } => values.array_type_name(),
            ColumnRef::PackedVector { kind, .. } => kind.name(),
            ColumnRef::SparseVector(_) => "SparseFloatVector",
        }
    }

    /// Whether values of this column can be stored in a field of type `ty` (dims not compared).
    /// JSON fields hold their values' text, so they take VarChar columns.
    pub fn matches(&self, ty: FieldType) -> bool {
        matches!(
            (self, ty),
            (ColumnRef::Bool(_), FieldType::Bool)
                | (ColumnRef::Int8(_), FieldType::Int8)
                | (ColumnRef::Int16(_), FieldType::Int16)
                | (ColumnRef::Int32(_), FieldType::Int32)
                | (ColumnRef::Int64(_), FieldType::Int64)
                | (ColumnRef::Float(_), FieldType::Float)
                | (ColumnRef::Double(_), FieldType::Double)
                | (ColumnRef::VarChar { .. }, FieldType::VarChar { .. } | FieldType::Json)
                | (ColumnRef::FloatVector { .. }, FieldType::FloatVector { .. })
                | (ColumnRef::SparseVector(_), FieldType::SparseFloatVector)
        ) || matches!((self, ty), (ColumnRef::Array { values, .. }, FieldType::Array { element, .. }) if values.element_type() == element)
            || matches!((self, ty.vector_kind()), (ColumnRef::PackedVector { kind, .. }, Some((k, _))) if *kind == k)
    }

    /// Raw bytes of VarChar row `row` (empty for other types).
    pub fn bytes_at(&self, row: usize) -> &'a [u8] {
        match self {
            ColumnRef::VarChar { offsets, bytes } => &bytes[offsets[row] as usize..offsets[row + 1] as usize],
            _ => &[],
        }
    }

    /// Text of VarChar row `row`. Stored text is always valid UTF-8 (checked on write and
    /// protected by checksums on disk); an invalid sequence reads as empty.
    pub fn str_at(&self, row: usize) -> &'a str {
        std::str::from_utf8(self.bytes_at(row)).unwrap_or_default()
    }

    /// Components of vector row `row` (empty for other types).
    pub fn vector_at(&self, row: usize) -> &'a [f32] {
        match self {
            ColumnRef::FloatVector { dim, data } => &data[row * dim..(row + 1) * dim],
            _ => &[],
        }
    }

    /// Bytes of packed vector row `row` (empty for other types).
    pub fn packed_at(&self, row: usize) -> &'a [u8] {
        match self {
            ColumnRef::PackedVector { kind, dim, data } => {
                let n = kind.row_bytes(*dim);
                &data[row * n..(row + 1) * n]
            }
            _ => &[],
        }
    }

    /// The rows of a sparse vector column (`None` for other types).
    pub fn sparse_rows(&self) -> Option<SparseRows<'a>> {
        match self {
            ColumnRef::SparseVector(rows) => Some(*rows),
            _ => None,
        }
    }

    /// Scalar value of row `row`; vectors read as `Value::Null`.
    pub fn value_at(&self, row: usize) -> Value {
        match self {
            ColumnRef::Bool(v) => Value::Bool(v[row] != 0),
            ColumnRef::Int8(v) => Value::Int(v[row].into()),
            ColumnRef::Int16(v) => Value::Int(v[row].into()),
            ColumnRef::Int32(v) => Value::Int(v[row].into()),
            ColumnRef::Int64(v) => Value::Int(v[row]),
            ColumnRef::Float(v) => Value::Float(v[row].into()),
            ColumnRef::Double(v) => Value::Float(v[row]),
            ColumnRef::VarChar { .. } => Value::Text(self.str_at(row).to_owned()),
            ColumnRef::FloatVector { .. }
            | ColumnRef::PackedVector { .. }
            | ColumnRef::Array { .. }
            | ColumnRef::SparseVector(_) => Value::Null,
        }
    }

    /// Size of the values in bytes.
    pub fn byte_size(&self) -> usize {
        map_fixed!(self, ColumnRef,
            v => std::mem::size_of_val(*v),
            varchar(o, b) => o.len() * 8 + b.len(),
            vector(_d, x) => x.len() * 4,
            packed(_k, _d, x) => x.len(),
            array(o, v) => o.len() * 8 + v.column().byte_size(),
            sparse(ColumnRef::SparseVector(s)) => s.byte_size())
    }

    /// Owned copy of the values.
    pub fn to_owned(&self) -> ColumnData {
        match self {
            ColumnRef::Bool(v) => ColumnData::Bool(v.to_vec()),
            ColumnRef::Int8(v) => ColumnData::Int8(v.to_vec()),
            ColumnRef::Int16(v) => ColumnData::Int16(v.to_vec()),
            ColumnRef::Int32(v) => ColumnData::Int32(v.to_vec()),
            ColumnRef::Int64(v) => ColumnData::Int64(v.to_vec()),
            ColumnRef::Float(v) => ColumnData::Float(v.to_vec()),
            ColumnRef::Double(v) => ColumnData::Double(v.to_vec()),
            ColumnRef::VarChar { .. } => {
                let mut out = ColumnData::VarChar { offsets: vec![0], bytes: Vec::new() };
                out.extend_from(*self);
                out
            }
            ColumnRef::FloatVector { dim, data } => {
                ColumnData::FloatVector { dim: *dim, data: data.to_vec() }
            }
            ColumnRef::Array { values, .. } => {
                let mut out = ColumnData::empty_array(values.element_type());
                out.extend_from(*self);
                out
            }
            ColumnRef::PackedVector { kind, dim, data } => {
                ColumnData::PackedVector { kind: *kind, dim: *dim, data: data.to_vec() }
            }
            ColumnRef::SparseVector(rows) => rows.to_owned(),
        }
    }
}

/// A named column: what callers pass to writes and get back from reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    name: String,
    data: ColumnData,
    validity: Option<Vec<bool>>,
    /// Whether the VarChar data holds JSON texts (set by the JSON constructors and by reads of
    /// JSON fields; writes go by the schema, not by this mark).
    json: bool,
}

impl Column {
    /// A column from owned data, every row valid.
    pub fn new(name: impl Into<String>, data: ColumnData) -> Self {
        Column { name: name.into(), data, validity: None, json: false }
    }

    pub fn bool(name: impl Into<String>, values: Vec<bool>) -> Self {
        Column::new(name, ColumnData::Bool(values.into_iter().map(u8::from).collect()))
    }
    pub fn int8(name: impl Into<String>, values: Vec<i8>) -> Self {
        Column::new(name, ColumnData::Int8(values))
    }
    pub fn int16(name: impl Into<String>, values: Vec<i16>) -> Self {
        Column::new(name, ColumnData::Int16(values))
    }
    pub fn int32(name: impl Into<String>, values: Vec<i32>) -> Self {
        Column::new(name, ColumnData::Int32(values))
    }
    pub fn int64(name: impl Into<String>, values: Vec<i64>) -> Self {
        Column::new(name, ColumnData::Int64(values))
    }
    pub fn float(name: impl Into<String>, values: Vec<f32>) -> Self {
        Column::new(name, ColumnData::Float(values))
    }
    pub fn double(name: impl Into<String>, values: Vec<f64>) -> Self {
        Column::new(name, ColumnData::Double(values))
    }
    pub fn varchar<S: AsRef<str>>(name: impl Into<String>, values: impl IntoIterator<Item = S>) -> Self {
        Column::new(name, ColumnData::varchar(values))
    }
    /// A JSON column from the text of each value (checked when written: each must parse as JSON).
    pub fn json<S: AsRef<str>>(name: impl Into<String>, values: impl IntoIterator<Item = S>) -> Self {
        Column::new(name, ColumnData::varchar(values)).into_json()
    }
    /// A JSON column from parsed values.
    pub fn json_values<'v>(
        name: impl Into<String>,
        values: impl IntoIterator<Item = &'v serde_json::Value>,
    ) -> Self {
        Column::new(name, ColumnData::varchar(values.into_iter().map(|v| v.to_string()))).into_json()
    }
    /// Marks a VarChar column as holding JSON texts (see [`Column::is_json`]).
    pub fn into_json(mut self) -> Self {
        self.json = matches!(self.data, ColumnData::VarChar { .. });
        self
    }
    /// Whether the column holds JSON texts: made by a JSON constructor or read from a JSON field.
    pub fn is_json(&self) -> bool {
        self.json
    }
    /// A vector column of `data.len() / dim` rows, each `dim` contiguous components.
    pub fn float_vector(name: impl Into<String>, dim: usize, data: Vec<f32>) -> Self {
        Column::new(name, ColumnData::FloatVector { dim, data })
    }

    /// A packed vector column of `kind` (binary, float16, bfloat16 or int8): `data` holds
    /// `kind.row_bytes(dim)` bytes a row, stored as given (`dim` in bits for binary vectors).
    pub fn packed_vector(name: impl Into<String>, kind: VectorKind, dim: usize, data: Vec<u8>) -> Self {
        Column::new(name, ColumnData::PackedVector { kind, dim, data })
    }

    /// A sparse float vector column from rows of `(index, value)` entries in any order (a write
    /// sorts each row by index and refuses repeated indices).
    pub fn sparse_vector<R: AsRef<[(u32, f32)]>>(
        name: impl Into<String>,
        rows: impl IntoIterator<Item = R>,
    ) -> Self {
        Column::new(name, ColumnData::sparse(rows))
    }

    /// Sets the validity mask (`false` = null). Its length must equal the row count.
    pub fn with_validity(mut self, valid: Vec<bool>) -> Self {
        self.validity = Some(valid);
        self
    }

    /// Field name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Typed values. For null rows the value is a placeholder (zero / empty).
    pub fn data(&self) -> &ColumnData {
        &self.data
    }

    /// Validity mask, `None` when every row is valid.
    pub fn validity(&self) -> Option<&[bool]> {
        self.validity.as_deref()
    }

    /// Whether row `row` holds a value.
    pub fn is_valid(&self, row: usize) -> bool {
        self.validity.as_ref().is_none_or(|v| v[row])
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Value of row `row`, `Value::Null` for nulls, vectors and arrays (read arrays with
    /// [`ColumnRef::array_at`]).
    pub fn value(&self, row: usize) -> Value {
        if self.is_valid(row) { self.data.as_ref().value_at(row) } else { Value::Null }
    }
}

/// Reads an `i64` PK column or a VarChar PK column into a uniform list of keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrimaryKey {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for PrimaryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrimaryKey::Int(v) => write!(f, "{v}"),
            PrimaryKey::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// A list of primary keys of one type, as callers pass them to `get` and `delete_by_pks`.
#[derive(Debug, Clone, PartialEq)]
pub enum PrimaryKeys {
    Int(Vec<i64>),
    Str(Vec<String>),
}

impl PrimaryKeys {
    /// Number of keys.
    pub fn len(&self) -> usize {
        match self {
            PrimaryKeys::Int(v) => v.len(),
            PrimaryKeys::Str(v) => v.len(),
        }
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Key `i`.
    pub fn get(&self, i: usize) -> PrimaryKey {
        match self {
            PrimaryKeys::Int(v) => PrimaryKey::Int(v[i]),
            PrimaryKeys::Str(v) => PrimaryKey::Str(v[i].clone()),
        }
    }

    /// The keys of a PK column.
    ///
    /// # Errors
    /// [`Error::SchemaMismatch`] if the column is neither Int64 nor VarChar.
    pub fn from_column(col: ColumnRef<'_>) -> Result<Self> {
        match col {
            ColumnRef::Int64(v) => Ok(PrimaryKeys::Int(v.to_vec())),
            c @ ColumnRef::VarChar { .. } => {
                Ok(PrimaryKeys::Str((0..c.len()).map(|i| c.str_at(i).to_owned()).collect()))
            }
            other => Err(Error::SchemaMismatch(format!(
                "primary keys must be Int64 or VarChar, got {}",
                other.type_name()
            ))),
        }
    }

    /// The keys as a column named `name`.
    pub fn to_column(&self, name: &str) -> Column {
        match self {
            PrimaryKeys::Int(v) => Column::int64(name, v.clone()),
            PrimaryKeys::Str(v) => Column::varchar(name, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varchar_round_trips_through_views() {
        let c = ColumnData::varchar(["ab", "", "héllo"]);
        let r = c.as_ref();
        assert_eq!(r.len(), 3);
        assert_eq!(r.str_at(0), "ab");
        assert_eq!(r.str_at(1), "");
        assert_eq!(r.str_at(2), "héllo");
        let mut dst = ColumnData::empty(FieldType::VarChar { max_length: 10 });
        dst.extend_from_rows(r, [2, 0]);
        assert_eq!(dst, ColumnData::varchar(["héllo", "ab"]));
        let mut all = ColumnData::varchar(["x"]);
        all.extend_from(r);
        assert_eq!(all, ColumnData::varchar(["x", "ab", "", "héllo"]));
    }

    #[test]
    fn vectors_gather_by_row() {
        let c = ColumnData::FloatVector { dim: 2, data: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0] };
        assert_eq!(c.len(), 3);
        assert_eq!(c.as_ref().vector_at(1), &[3.0, 4.0]);
        let mut d = ColumnData::empty(FieldType::FloatVector { dim: 2 });
        d.extend_from_rows(c.as_ref(), [2, 0]);
        assert_eq!(d, ColumnData::FloatVector { dim: 2, data: vec![5.0, 6.0, 1.0, 2.0] });
    }

    #[test]
    fn repeated_defaults_fill_rows() {
        let mut c = ColumnData::Int32(vec![1]);
        c.push_repeated(&Value::Int(-1), 2);
        assert_eq!(c, ColumnData::Int32(vec![1, -1, -1]));
        let mut t = ColumnData::varchar(["a"]);
        t.push_repeated(&Value::Text("dflt".into()), 2);
        assert_eq!(t.as_ref().str_at(2), "dflt");
    }

    #[test]
    fn column_values_respect_validity() {
        let c = Column::int64("x", vec![5, 6]).with_validity(vec![true, false]);
        assert_eq!(c.value(0), Value::Int(5));
        assert_eq!(c.value(1), Value::Null);
    }
}
