//! veclite: an embedded vector database with Milvus semantics and no server.
//!
//! A database is a directory of collections. Each collection has a [`Schema`], partitions, and
//! rows written with [`Database::upsert`] / [`Database::insert`] as typed [`Column`]s. Writes go
//! to a write-ahead log, then into an in-memory growing segment; [`Database::flush`] seals growing
//! segments into immutable, memory-mapped segment files.
//!
//! ```
//! use veclite::{Column, Database, Field, FieldType, Options, Schema};
//! let dir = tempfile::tempdir().unwrap();
//! let db = Database::open(dir.path(), Options::default()).unwrap();
//! let schema = Schema::builder("hello")
//!     .field(Field::new("ID", FieldType::Int64).primary_key())
//!     .field(Field::new("random", FieldType::Double))
//!     .field(Field::new("embeddings", FieldType::FloatVector { dim: 2 }))
//!     .build()
//!     .unwrap();
//! db.create_collection(schema).unwrap();
//! let result = db
//!     .upsert("hello", "", vec![
//!         Column::int64("ID", vec![1, 2]),
//!         Column::double("random", vec![0.5, 0.25]),
//!         Column::float_vector("embeddings", 2, vec![0.0, 1.0, 1.0, 0.0]),
//!     ])
//!     .unwrap();
//! assert_eq!(result.upsert_count, 2);
//! assert_eq!(db.count("hello", &[]).unwrap(), 2);
//! ```

#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(target_endian = "big")]
compile_error!("veclite's file formats are little-endian; big-endian targets are not supported");

mod bitset;
mod catalog;
mod collection;
mod column;
mod context;
mod db;
mod error;
mod expr;
#[allow(unsafe_code)]
#[doc(hidden)]
pub mod ffi;
mod index;
mod json;
mod params;
mod result;
mod scalar_index;
mod schema;
mod search;
mod segment;
#[doc(hidden)]
pub mod simd;
mod storage;
mod timestamp;
mod verify;

pub use bitset::Bitset;
pub use catalog::{IndexMeta, MANIFEST_VERSION};
pub use collection::partition_key;
pub use collection::{
    FieldOp, INDEX_PROPERTIES, IndexInfo, SegmentInfo, StorageInfo, WriteMode, check_index_property,
};
pub use column::{
    ArrayElem, ArrayRow, ArrayValues, Column, ColumnData, ColumnRef, MAX_BINARY_DIM, PrimaryKey, PrimaryKeys,
    VectorKind,
};
pub use column::{MAX_SPARSE_INDEX, SparseRows};
pub use context::Context;
pub use db::{
    CollectionChange, CollectionInfo, CompactionStats, DEFAULT_DATABASE, Database, DatabaseInfo, Kept,
    Preserved, RecoveryReport, Skipped, check_database_property,
};
pub use error::{Error, ObjectKind, Result, Status};
pub use expr::{
    ColumnSource, Filter, MAX_FILTER_DEPTH, TemplateValue, render_template, render_template_json,
};
pub use json::check as check_json;
pub use params::{
    CollectionSettings, ConsistencyLevel, CostRange, DEFAULT_EF, DEFAULT_HNSW_EF_CONSTRUCTION,
    DEFAULT_HNSW_M, DEFAULT_IVF_NLIST, DEFAULT_NPROBE, DEFAULT_RRF_K, HybridRequest, IndexParams, MAX_EF,
    MAX_HYBRID_REQUESTS, MAX_NPROBE, MAX_NQ, MAX_ROUND_DECIMAL, MAX_TOPK, Metric, Options, Property, Ranker,
    SearchParams, SearchRequest, SyncPolicy,
};
pub use params::{DropRatio, SparseAlgo};
pub use result::{MutationResult, QueryResult, SearchHits};
pub use schema::MAX_VECTOR_FIELDS;
pub use schema::{
    DEFAULT_PARTITION, DYNAMIC_FIELD, Field, FieldType, MAX_JSON_DEPTH, MAX_JSON_LENGTH, MAX_VECTOR_NORM,
    Schema, SchemaBuilder, Value,
};
pub use schema::{ElementType, MAX_ARRAY_CAPACITY};
pub use storage::wal::WAL_VERSION;
pub use timestamp::physical_ms;
pub use verify::{VerifyProblem, VerifyReport, verify};

/// Internals that the repository's own tests and benchmarks reach into (file layouts, the WAL,
/// a collection's segments). Not a stable API: anything here may change in any release.
#[doc(hidden)]
pub mod internals {
    pub use crate::collection::Collection;
    pub use crate::index::sparse as sparse_index;
    pub use crate::segment::format;
    pub use crate::segment::sealed::SealedSegment;
    pub use crate::storage::wal;
}
