//! Sparse float vectors in the C ABI: the field type, CSR column constructors, result
//! accessors and searches with CSR queries.

/// Field type: sparse float vectors (u32 index → f32 value maps), no dim.
pub const VECLITE_FIELD_SPARSE_FLOAT_VECTOR: u32 = 104;
