//! The packed dense vector types in the C ABI: binary, float16, bfloat16 and int8 vector
//! fields, columns, result accessors and searches.

use crate::column::VectorKind;
use crate::schema::FieldType;

/// Field type: packed bit vectors, `dim` bits (a multiple of 8), `dim / 8` bytes a row.
pub const VECLITE_FIELD_BINARY_VECTOR: u32 = 100;
/// Field type: float16 vectors, `dim` components of 2 bytes (IEEE binary16 bit patterns).
pub const VECLITE_FIELD_FLOAT16_VECTOR: u32 = 102;
/// Field type: bfloat16 vectors, `dim` components of 2 bytes (bfloat16 bit patterns).
pub const VECLITE_FIELD_BFLOAT16_VECTOR: u32 = 103;
/// Field type: int8 vectors, `dim` signed bytes.
pub const VECLITE_FIELD_INT8_VECTOR: u32 = 105;
/// Metric: Hamming distance of binary vectors (smaller is closer).
pub const VECLITE_METRIC_HAMMING: u32 = 3;
/// Metric: Jaccard distance of binary vectors (smaller is closer).
pub const VECLITE_METRIC_JACCARD: u32 = 4;

/// `VECLITE_FIELD_*` number of a packed vector kind.
fn kind_number(kind: VectorKind) -> u32 {
    match kind {
        VectorKind::Binary => VECLITE_FIELD_BINARY_VECTOR,
        VectorKind::Float16 => VECLITE_FIELD_FLOAT16_VECTOR,
        VectorKind::BFloat16 => VECLITE_FIELD_BFLOAT16_VECTOR,
        VectorKind::Int8 => VECLITE_FIELD_INT8_VECTOR,
    }
}

/// `VECLITE_FIELD_*` number of a packed vector field type; 0 for any other type.
pub(crate) fn packed_type_number(ty: FieldType) -> u32 {
    ty.vector_kind().map_or(0, |(kind, _)| kind_number(kind))
}

/// The packed vector field type numbered `number` with dim `dim`, if `number` names one.
pub(crate) fn packed_field_type(number: u32, dim: u32) -> Option<FieldType> {
    VectorKind::ALL.into_iter().find(|&k| kind_number(k) == number).map(|k| k.field_type(dim))
}
