//! The manifest file: JSON describing the catalog, wrapped in a checksummed envelope.
//!
//! ```text
//! magic "VECLMAN\0" (8) | version u32 | crc32c u32 of the JSON | JSON (UTF-8)
//! ```
//! It is written with temp file → fsync → rename → fsync directory, so a crash leaves either the
//! old or the new manifest.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::params::{CollectionSettings, IndexParams, Metric};
use crate::schema::Schema;
use crate::storage::fs;

/// File name of the manifest inside the database directory.
pub const MANIFEST_FILE: &str = "MANIFEST";
const MAGIC: &[u8; 8] = b"VECLMAN\0";
/// Format version of the manifest this release reads and writes.
pub const MANIFEST_VERSION: u32 = 1;

/// Everything the database persists about its layout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Highest timestamp issued when the manifest was written (keeps timestamps increasing
    /// across reopen).
    pub last_timestamp: u64,
    pub next_collection_id: u64,
    pub collections: Vec<CollectionMeta>,
    /// Collection aliases: alias → collection name. Absent (empty) in manifests written before
    /// aliases existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, String>,
    /// Databases besides `default` (which always exists): name → metadata. Absent (empty) in
    /// manifests written before databases existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub databases: BTreeMap<String, DatabaseMeta>,
}

/// A database: a namespace of collections and aliases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseMeta {
    pub created_timestamp: u64,
    /// Properties as given to `create_database`, by key.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

/// One collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionMeta {
    pub id: u64,
    pub schema: Schema,
    pub created_timestamp: u64,
    pub partitions: Vec<PartitionMeta>,
    pub next_partition_id: u64,
    pub next_segment_id: u64,
    /// Sealed segments.
    pub segments: Vec<SegmentMeta>,
    /// Every WAL record with a timestamp at or below this is contained in the sealed segments.
    pub checkpoint_timestamp: u64,
    /// Vector and scalar indexes, at most one per field.
    #[serde(default)]
    pub indexes: Vec<IndexMeta>,
    /// Oldest WAL generation (`wal-<n>.log`) that may hold records not yet in sealed segments.
    #[serde(default)]
    pub wal_generation: u64,
    /// Consistency level, shard number and properties (absent from manifests written before
    /// they were kept here: read as the defaults).
    #[serde(default)]
    pub settings: CollectionSettings,
}

/// A vector or scalar index of a collection: built for every sealed segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexMeta {
    pub name: String,
    pub field: String,
    /// The metric of a vector index; [`Metric::L2`] for a scalar index, which has none (see
    /// [`IndexMeta::metric_name`]).
    pub metric: Metric,
    /// The resolved type and build parameters (defaults filled in).
    pub params: IndexParams,
    /// The build parameters as the user passed them (Milvus's key/value map); empty for an
    /// index created with [`IndexParams`] directly, and in manifests written before it existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub given_params: BTreeMap<String, String>,
    /// Properties set after creation (Milvus's `AlterIndex`; see
    /// [`crate::collection::check_index_property`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

impl IndexMeta {
    /// The metric's name as Milvus describes it: empty for a scalar index.
    pub fn metric_name(&self) -> &'static str {
        if self.params.is_scalar() { "" } else { self.metric.name() }
    }

    /// Whether `other` defines the same index: name, field, metric and resolved parameters
    /// (however the parameters were spelled).
    pub fn same_definition(&self, other: &IndexMeta) -> bool {
        (&self.name, &self.field, self.metric, self.params)
            == (&other.name, &other.field, other.metric, other.params)
    }

    /// The build parameters as Milvus describes them: those given, with the resolved value of
    /// each parameter the type reads (so defaults appear, and a given `0` reads as its default).
    pub fn milvus_params(&self) -> BTreeMap<String, String> {
        let mut out = self.given_params.clone();
        for (key, value) in self.params.milvus_params() {
            out.insert(key.to_owned(), value.to_string());
        }
        for (key, value) in self.params.sparse_milvus_params() {
            out.insert(key.to_owned(), value);
        }
        out
    }
}

/// One partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionMeta {
    pub id: u64,
    pub name: String,
}

/// One sealed segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentMeta {
    pub id: u64,
    pub partition: u64,
    pub rows: u64,
    /// Generation of its deletes file; 0 = no deletes file.
    pub deletes_generation: u64,
    /// Schema positions of the fields whose index file (`s<id>-f<field>.idx`) exists.
    #[serde(default)]
    pub indexed_fields: Vec<u32>,
}

impl SegmentMeta {
    /// A freshly written segment: no deletes file, no index files.
    pub fn new(id: u64, partition: u64, rows: u64) -> Self {
        SegmentMeta { id, partition, rows, deletes_generation: 0, indexed_fields: Vec::new() }
    }
}

impl Manifest {
    /// Reads the manifest at `path`.
    ///
    /// # Errors
    /// [`Error::Corrupted`] for a bad envelope, checksum or JSON; [`Error::UnsupportedFormat`];
    /// [`Error::Io`].
    pub fn read(path: &Path) -> Result<Manifest> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err(Error::corrupted(path, "not a veclite manifest"));
        }
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if version != MANIFEST_VERSION {
            return Err(Error::UnsupportedFormat {
                file: path.display().to_string(),
                version,
                supported: MANIFEST_VERSION,
            });
        }
        let crc = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
        if crc32c::crc32c(&bytes[16..]) != crc {
            return Err(Error::corrupted(path, "manifest checksum mismatch"));
        }
        serde_json::from_slice(&bytes[16..]).map_err(|e| Error::corrupted(path, e.to_string()))
    }

    /// Writes the manifest to `path` atomically and durably.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)?;
        let mut bytes = Vec::with_capacity(json.len() + 16);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&MANIFEST_VERSION.to_le_bytes());
        bytes.extend_from_slice(&crc32c::crc32c(&json).to_le_bytes());
        bytes.extend_from_slice(&json);
        fs::write_atomic(path, &bytes)
    }

    /// The collection called `name`.
    pub fn collection(&self, name: &str) -> Option<&CollectionMeta> {
        self.collections.iter().find(|c| c.schema.name == name)
    }

    /// The collection with id `id`, mutably.
    pub fn collection_mut(&mut self, id: u64) -> Option<&mut CollectionMeta> {
        self.collections.iter_mut().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Field, FieldType};

    #[test]
    fn manifest_round_trips_and_rejects_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let schema = Schema::builder("c")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
            .build()
            .unwrap();
        let m = Manifest {
            last_timestamp: 5,
            next_collection_id: 2,
            aliases: BTreeMap::from([("current".to_owned(), "c".to_owned())]),
            databases: BTreeMap::from([(
                "db1".to_owned(),
                DatabaseMeta { created_timestamp: 3, properties: [("k".to_owned(), "v".to_owned())].into() },
            )]),
            collections: vec![CollectionMeta {
                id: 1,
                schema,
                created_timestamp: 4,
                partitions: vec![PartitionMeta { id: 0, name: "_default".into() }],
                next_partition_id: 1,
                next_segment_id: 3,
                segments: vec![SegmentMeta {
                    id: 2,
                    partition: 0,
                    rows: 10,
                    deletes_generation: 1,
                    indexed_fields: vec![1],
                }],
                checkpoint_timestamp: 4,
                wal_generation: 2,
                indexes: vec![IndexMeta {
                    name: "v_idx".into(),
                    field: "v".into(),
                    metric: Metric::L2,
                    params: IndexParams::Hnsw { m: 16, ef_construction: 200 },
                    given_params: [("M".to_owned(), "16".to_owned())].into(),
                    properties: [("mmap.enabled".to_owned(), "true".to_owned())].into(),
                }],
                settings: CollectionSettings {
                    consistency_level: crate::params::ConsistencyLevel::Strong,
                    shard_num: 2,
                    properties: vec![crate::params::Property {
                        key: "mmap.enabled".into(),
                        value: "true".into(),
                    }],
                    num_partitions: 16,
                },
            }],
        };
        m.write(&path).unwrap();
        assert_eq!(Manifest::read(&path).unwrap(), m);
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 3] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(Manifest::read(&path), Err(Error::Corrupted { .. })));
        bytes[8] = 7;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(Manifest::read(&path), Err(Error::UnsupportedFormat { version: 7, .. })));
    }
}
