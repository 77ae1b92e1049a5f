//! IVF_FLAT index (placeholder signatures).

use super::{Candidates, IndexQuery, Vectors};
use crate::context::Context;
use crate::error::{Error, Result};

/// Builds an IVF_FLAT index over `vectors`.
pub fn build(_vectors: Vectors<'_>, _nlist: usize, _ctx: &Context) -> Result<Vec<u8>> {
    Err(Error::InvalidArgument("IVF_FLAT is not built yet".into()))
}

/// Searches a serialized inverted file.
pub fn search(
    _body: &[u8],
    _vectors: Vectors<'_>,
    _query: &IndexQuery<'_>,
) -> std::result::Result<Candidates, String> {
    Err("IVF_FLAT is not built yet".into())
}

/// Checks a serialized inverted file completely.
pub fn validate(_body: &[u8], _vectors_len: usize) -> std::result::Result<(), String> {
    Err("IVF_FLAT is not built yet".into())
}
