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

pub mod bitset;
pub mod catalog;
pub mod collection;
pub mod column;
pub mod context;
pub mod db;
pub mod error;
pub mod expr;
#[allow(unsafe_code)]
pub mod ffi;
pub mod index;
pub mod json;
pub mod params;
pub mod result;
pub mod schema;
pub mod search;
pub mod segment;
pub mod simd;
pub mod storage;
pub mod timestamp;

pub use bitset::Bitset;
pub use collection::{IndexInfo, WriteMode};
pub use column::{Column, ColumnData, ColumnRef, PrimaryKey, PrimaryKeys};
pub use context::Context;
pub use db::{CollectionChange, CollectionInfo, CompactionStats, Database, RecoveryReport};
pub use error::{Error, ObjectKind, Result, Status};
pub use expr::{ColumnSource, Filter};
pub use params::{
    CollectionSettings, ConsistencyLevel, IndexParams, Metric, Options, Property, SearchParams,
    SearchRequest, SyncPolicy,
};
pub use result::{MutationResult, QueryResult, SearchHits};
pub use schema::{Field, FieldType, Schema, SchemaBuilder, Value};
