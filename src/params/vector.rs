//! The element types of packed dense vectors (binary, float16, bfloat16, int8): names, row
//! sizes and the metrics each takes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::Metric;
use crate::error::{Error, Result};

/// The element type of a packed dense vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VectorKind {
    /// Packed bits: Milvus's `BINARY_VECTOR`.
    Binary,
    /// IEEE binary16: Milvus's `FLOAT16_VECTOR`.
    Float16,
    /// bfloat16: Milvus's `BFLOAT16_VECTOR`.
    BFloat16,
    /// Signed bytes: Milvus's `INT8_VECTOR`.
    Int8,
}

impl VectorKind {
    /// Every kind.
    pub const ALL: [VectorKind; 4] =
        [VectorKind::Binary, VectorKind::Float16, VectorKind::BFloat16, VectorKind::Int8];

    /// Name used in messages and by `FieldType::describe`, e.g. `Float16Vector`.
    pub fn name(self) -> &'static str {
        match self {
            VectorKind::Binary => "BinaryVector",
            VectorKind::Float16 => "Float16Vector",
            VectorKind::BFloat16 => "BFloat16Vector",
            VectorKind::Int8 => "Int8Vector",
        }
    }

    /// Milvus's data type name, e.g. `FLOAT16_VECTOR`.
    pub fn milvus_name(self) -> &'static str {
        match self {
            VectorKind::Binary => "BINARY_VECTOR",
            VectorKind::Float16 => "FLOAT16_VECTOR",
            VectorKind::BFloat16 => "BFLOAT16_VECTOR",
            VectorKind::Int8 => "INT8_VECTOR",
        }
    }

    /// Bytes of one stored vector of `dim` (bits for binary vectors, else components).
    pub fn row_bytes(self, dim: usize) -> usize {
        match self {
            VectorKind::Binary => dim / 8,
            VectorKind::Float16 | VectorKind::BFloat16 => dim * 2,
            VectorKind::Int8 => dim,
        }
    }

    /// The metrics Milvus accepts for this kind.
    pub fn metrics(self) -> &'static [Metric] {
        match self {
            VectorKind::Binary => &[Metric::Hamming, Metric::Jaccard],
            _ => &[Metric::L2, Metric::Ip, Metric::Cosine],
        }
    }

    /// Checks that `metric` applies to this kind; `field` names the field in the error.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the field, its type and the metrics it takes.
    pub fn check_metric(self, field: &str, metric: Metric) -> Result<()> {
        if self.metrics().contains(&metric) {
            return Ok(());
        }
        let names: Vec<&str> = self.metrics().iter().map(|m| m.name()).collect();
        Err(Error::InvalidArgument(format!(
            "metric {} does not apply to field `{field}` of type {}: use {}",
            metric.name(),
            self.milvus_name(),
            names.join(", ")
        )))
    }
}
/// The little-endian 2-byte values of `bytes` (an even count): borrowed when `bytes` is
/// 2-byte aligned (mapped blocks and heap buffers are), copied otherwise.
pub fn halves(bytes: &[u8]) -> Cow<'_, [u16]> {
    match bytemuck::try_cast_slice(bytes) {
        Ok(values) if cfg!(target_endian = "little") => Cow::Borrowed(values),
        _ => Cow::Owned(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()),
    }
}
