//! HNSW graph index (placeholder signatures; the graph is built in this module).

use super::{Candidates, IndexQuery, Vectors};
use crate::context::Context;
use crate::error::{Error, Result};

/// Builds an HNSW graph over `vectors`.
pub fn build(_vectors: Vectors<'_>, _m: usize, _ef_construction: usize, _ctx: &Context) -> Result<Vec<u8>> {
    Err(Error::InvalidArgument("HNSW is not built yet".into()))
}

/// Searches a serialized graph.
pub fn search(_body: &[u8], _vectors: Vectors<'_>, _query: &IndexQuery<'_>) -> std::result::Result<Candidates, String> {
    Err("HNSW is not built yet".into())
}
