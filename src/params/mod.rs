//! The vocabulary every layer shares: plain types with their named defaults and checks and no
//! behaviour beyond them. This module depends on nothing but [`crate::error`]; everything else
//! may depend on it.
//!
//! - [`Metric`]: how vectors are compared; [`VectorKind`]: the packed vector element types;
//! - [`IndexParams`]: index types and build parameters (Milvus names, defaults, ranges);
//! - [`SearchParams`] and [`SearchRequest`]: what a search asks for; [`HybridRequest`] and
//!   [`Ranker`]: several searches fused into one ranking;
//! - [`Options`] and [`SyncPolicy`]: how a database is opened;
//! - [`CollectionSettings`] and [`ConsistencyLevel`]: a collection's settings outside its schema.

mod collection;
mod hybrid;
mod index;
mod metric;
mod options;
mod search;
pub mod sparse;
mod vector;

pub(crate) use collection::parse_bool;
pub use collection::{CollectionSettings, ConsistencyLevel, DEFAULT_SHARD_NUM, Property};
pub use hybrid::{DEFAULT_RRF_K, HybridRequest, MAX_HYBRID_REQUESTS, Ranker};
pub use index::{
    AUTOINDEX_VECTOR, DEFAULT_HNSW_EF_CONSTRUCTION, DEFAULT_HNSW_M, DEFAULT_IVF_NLIST, IndexParams,
};
pub use metric::Metric;
pub use options::{Options, SyncPolicy};
pub use search::{
    CostRange, DEFAULT_EF, DEFAULT_NPROBE, MAX_EF, MAX_NPROBE, MAX_NQ, MAX_ROUND_DECIMAL, MAX_TOPK,
    SearchParams, SearchRequest, check_round_decimal, round_score,
};
pub use sparse::{DropRatio, SparseAlgo, SparseRows};
pub use vector::VectorKind;
