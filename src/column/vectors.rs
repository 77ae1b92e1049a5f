//! Dense vectors of the packed element types: binary (bits), float16, bfloat16 and int8.
//!
//! Rows are stored exactly as the caller gives them, never widened: `dim / 8` bytes a binary
//! vector (bit `i` in byte `i / 8`), two little-endian bytes a float16 or bfloat16 component (its
//! bit pattern), one byte an int8 component. One representation serves the four types: the
//! kind, the dim (in bits for binary vectors, components otherwise) and the bytes.

pub use crate::params::VectorKind;
use crate::params::halves;
use crate::schema::{FieldType, MAX_DIM, MAX_VECTOR_NORM};
use crate::simd;

/// Largest binary vector dimension (bits), as in Milvus.
pub const MAX_BINARY_DIM: usize = MAX_DIM as usize * 8;

impl VectorKind {
    /// The field type of this kind with `dim` (bits for binary vectors).
    pub fn field_type(self, dim: u32) -> FieldType {
        match self {
            VectorKind::Binary => FieldType::BinaryVector { dim },
            VectorKind::Float16 => FieldType::Float16Vector { dim },
            VectorKind::BFloat16 => FieldType::BFloat16Vector { dim },
            VectorKind::Int8 => FieldType::Int8Vector { dim },
        }
    }

    /// Checks a field's dim: 1..=32768 components, or for binary vectors a multiple of 8 bits
    /// in 8..=262144 (Milvus's rules). The error is the rule broken.
    pub fn check_dim(self, dim: usize) -> std::result::Result<(), String> {
        match self {
            VectorKind::Binary if dim == 0 || !dim.is_multiple_of(8) || dim > MAX_BINARY_DIM => Err(format!(
                "binary vector dim must be a positive multiple of 8 of at most {MAX_BINARY_DIM} bits, got {dim}"
            )),
            VectorKind::Binary => Ok(()),
            _ if dim == 0 || dim > MAX_DIM as usize => {
                Err(format!("vector dim must be in 1..={MAX_DIM}, got {dim}"))
            }
            _ => Ok(()),
        }
    }

    /// Euclidean norm of one stored row (for COSINE); `0` for binary vectors, which have none.
    pub fn row_norm(self, row: &[u8]) -> f32 {
        match self {
            VectorKind::Binary => 0.0,
            VectorKind::Float16 => simd::norm_f16(&halves(row)),
            VectorKind::BFloat16 => simd::norm_bf16(&halves(row)),
            VectorKind::Int8 => simd::norm_i8(bytemuck::cast_slice(row)),
        }
    }

    /// Checks one stored row of a 16-bit float kind: every component finite and the norm at
    /// most [`MAX_VECTOR_NORM`]. Returns the row's norm, or the rule broken.
    pub fn check_row(self, row: &[u8]) -> std::result::Result<f32, String> {
        let exponent_mask = match self {
            VectorKind::Float16 => 0x7c00u16,
            VectorKind::BFloat16 => 0x7f80,
            _ => return Ok(self.row_norm(row)),
        };
        let values = halves(row);
        if let Some(i) = values.iter().position(|&h| h & exponent_mask == exponent_mask) {
            let what = if values[i] & !(exponent_mask | 0x8000) != 0 { "NaN" } else { "infinity" };
            return Err(format!("component {i} is {what} (values must be finite)"));
        }
        let norm = self.row_norm(row);
        if norm.is_finite() && norm <= MAX_VECTOR_NORM {
            Ok(norm)
        } else {
            Err(format!("vector norm exceeds the maximum of {MAX_VECTOR_NORM:e}"))
        }
    }

    /// The f32 components of one row of a float16, bfloat16 or int8 vector (exact); a binary
    /// row gives its bits as 0/1. Used for queries and text output, never for storage.
    pub fn widen(self, row: &[u8]) -> Vec<f32> {
        match self {
            VectorKind::Binary => {
                (0..row.len() * 8).map(|i| f32::from((row[i / 8] >> (i % 8)) & 1)).collect()
            }
            VectorKind::Float16 => halves(row).iter().map(|&h| simd::f16_to_f32(h)).collect(),
            VectorKind::BFloat16 => halves(row).iter().map(|&h| simd::bf16_to_f32(h)).collect(),
            VectorKind::Int8 => row.iter().map(|&b| f32::from(b as i8)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Metric;

    #[test]
    fn dims_metrics_and_rows() {
        assert!(VectorKind::Binary.check_dim(12).unwrap_err().contains("multiple of 8"));
        VectorKind::Binary.check_dim(16).unwrap();
        assert!(VectorKind::Int8.check_dim(0).is_err());
        assert_eq!(VectorKind::Binary.row_bytes(16), 2);
        assert_eq!(VectorKind::BFloat16.row_bytes(3), 6);
        let e = VectorKind::Float16.check_metric("v", Metric::Hamming).unwrap_err().to_string();
        assert!(e.contains("`v`") && e.contains("FLOAT16_VECTOR") && e.contains("L2, IP, COSINE"), "{e}");
        VectorKind::Binary.check_metric("b", Metric::Jaccard).unwrap();
    }

    #[test]
    fn float16_rows_are_checked() {
        let row = |v: &[u16]| v.iter().flat_map(|h| h.to_le_bytes()).collect::<Vec<u8>>();
        let one = simd::f32_to_f16(1.0);
        assert!((VectorKind::Float16.check_row(&row(&[one, one])).unwrap() - 2f32.sqrt()).abs() < 1e-6);
        assert!(
            VectorKind::Float16
                .check_row(&row(&[one, 0x7c00]))
                .unwrap_err()
                .contains("component 1 is infinity")
        );
        assert!(VectorKind::Float16.check_row(&row(&[0x7e00])).unwrap_err().contains("NaN"));
        assert!(VectorKind::BFloat16.check_row(&row(&[0x7fc0])).unwrap_err().contains("NaN"));
        let big = simd::f32_to_bf16(3e38);
        assert!(VectorKind::BFloat16.check_row(&row(&[big, big])).unwrap_err().contains("norm"));
        assert_eq!(VectorKind::Int8.widen(&[255, 2]), vec![-1.0, 2.0]);
        assert_eq!(VectorKind::Binary.widen(&[0b101]), vec![1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    }
}
