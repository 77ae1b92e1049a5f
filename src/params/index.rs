//! Index types and their build parameters, with Milvus's names, defaults and ranges.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Index type and build parameters, with Milvus's names, defaults and ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexParams {
    /// Exact search; no index data.
    Flat,
    /// Hierarchical navigable small-world graph: `m` links per node (2..=2048, default 30),
    /// `ef_construction` candidates while building (1..=i32::MAX, default 360).
    Hnsw { m: u32, ef_construction: u32 },
    /// Inverted file over `nlist` k-means clusters (1..=65536, default 128).
    IvfFlat { nlist: u32 },
}

impl IndexParams {
    /// Milvus's type name: "FLAT", "HNSW" or "IVF_FLAT".
    pub fn type_name(&self) -> &'static str {
        match self {
            IndexParams::Flat => "FLAT",
            IndexParams::Hnsw { .. } => "HNSW",
            IndexParams::IvfFlat { .. } => "IVF_FLAT",
        }
    }

    /// Checks the parameter ranges.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the parameter, its range and the value given.
    pub fn validate(&self) -> Result<()> {
        let range = |name: &str, v: u32, lo: u32, hi: u32| {
            if v < lo || v > hi {
                Err(Error::InvalidArgument(format!("{name} out of range: [{lo}, {hi}], got {v}")))
            } else {
                Ok(())
            }
        };
        match *self {
            IndexParams::Flat => Ok(()),
            IndexParams::Hnsw { m, ef_construction } => {
                range("M", m, 2, 2048)?;
                range("efConstruction", ef_construction, 1, i32::MAX as u32)
            }
            IndexParams::IvfFlat { nlist } => range("nlist", nlist, 1, 65_536),
        }
    }

    /// Whether the index has per-segment data to build.
    pub fn has_data(&self) -> bool {
        !matches!(self, IndexParams::Flat)
    }
}
