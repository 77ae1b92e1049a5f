//! Partition-key collections: rows are routed to the partitions `_default_0` …
//! `_default_{n-1}` by a hash of one Int64 or VarChar field, exactly as Milvus routes them, so
//! a row lands in the partition of the same name in Milvus and in veclite.
//!
//! Milvus's hash (`typeutil.HashKey2PartitionsWithFilter`): an Int64 key is hashed as its 8
//! little-endian bytes with 32-bit MurmurHash3 (seed 0), masked to 31 bits; a VarChar key is
//! hashed as its first 100 bytes with CRC-32 (IEEE). The partition is `hash % n`.
//!
//! Partitions are created with the collection and never added or dropped, so partition `i` is
//! the `i`-th in id order and routing depends on the key alone: a write batch is logged as one
//! WAL record marked [`ROUTED`], and applying it (live or at replay) splits it by key.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::State;
use super::record::WriteBatch;
use crate::column::{ColumnData, ColumnRef};
use crate::error::{Error, Result};
use crate::expr::Filter;
use crate::schema::Schema;

/// Partitions of a partition-key collection when `num_partitions` is not given (as Milvus).
pub const DEFAULT_NUM_PARTITIONS: u32 = 16;
/// Most partitions of a partition-key collection (Milvus's `rootCoord.maxPartitionNum`).
pub const MAX_NUM_PARTITIONS: u32 = 1024;
/// The partition id of a logged write batch whose rows are routed by their partition key.
pub const ROUTED: u64 = u64::MAX;
/// Bytes of a VarChar key that Milvus hashes.
const VARCHAR_HASH_PREFIX: usize = 100;

/// Milvus's message when a partition-key collection is given partition names.
pub(crate) const NO_MANUAL_PARTITIONS: &str =
    "not support manually specifying the partition names if partition key mode is used";

/// Checks the `num_partitions` of a collection with schema `schema` (`None`: not given) and
/// returns the number of partitions to create: 0 for a collection without a partition key.
///
/// # Errors
/// [`Error::InvalidArgument`]: a number given without a partition key, or outside
/// `1..=`[`MAX_NUM_PARTITIONS`].
pub fn resolve_num_partitions(schema: &Schema, given: Option<u32>) -> Result<u32> {
    match (schema.partition_key_index(), given) {
        (None, None) => Ok(0),
        (None, Some(_)) => Err(Error::InvalidArgument(
            "num_partitions should only be specified with partition key field enabled".into(),
        )),
        (Some(_), None) => Ok(DEFAULT_NUM_PARTITIONS),
        (Some(_), Some(0)) => Err(Error::InvalidArgument(
            "the specified partitions should be greater than 0 if partition key is used".into(),
        )),
        (Some(_), Some(n)) if n > MAX_NUM_PARTITIONS => Err(Error::InvalidArgument(format!(
            "partition number ({n}) exceeds max configuration ({MAX_NUM_PARTITIONS})"
        ))),
        (Some(_), Some(n)) => Ok(n),
    }
}

/// Names of the partitions of a partition-key collection with `n` partitions, in routing order.
pub fn partition_names(n: u32) -> Vec<String> {
    (0..n).map(|i| format!("{}_{i}", crate::schema::DEFAULT_PARTITION)).collect()
}

/// 32-bit MurmurHash3 (x86) of `data` with `seed`.
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mix = |k: u32| k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        h ^= mix(u32::from_le_bytes([block[0], block[1], block[2], block[3]]));
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let k = tail.iter().rev().fold(0u32, |k, &b| (k << 8) | u32::from(b));
        h ^= mix(k);
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of `data`.
pub fn crc32_ieee(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &b| {
        (0..8).fold(crc ^ u32::from(b), |c, _| if c & 1 == 1 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 })
    })
}

/// Milvus's hash of an Int64 partition key.
pub fn hash_int64(key: i64) -> u32 {
    murmur3_32(&key.to_le_bytes(), 0) & 0x7fff_ffff
}

/// Milvus's hash of a VarChar partition key.
pub fn hash_varchar(key: &[u8]) -> u32 {
    crc32_ieee(&key[..key.len().min(VARCHAR_HASH_PREFIX)])
}

/// Index (in `0..n`) of the partition of row `row` of key column `keys`; `n > 0`.
pub(crate) fn partition_index(keys: ColumnRef<'_>, row: usize, n: usize) -> usize {
    let hash = match keys {
        ColumnRef::Int64(k) => hash_int64(k[row]),
        other => hash_varchar(other.bytes_at(row)),
    };
    hash as usize % n
}

/// The partition id of every row of key column `keys` in a collection whose routing
/// partitions are `state.partitions`.
pub(crate) fn route(state: &State, keys: ColumnRef<'_>) -> Vec<u64> {
    let n = state.partitions.len();
    (0..keys.len()).map(|r| state.partitions[partition_index(keys, r, n)].id).collect()
}

/// Refuses partition names on a partition-key collection of `schema`.
///
/// # Errors
/// [`Error::InvalidArgument`] with Milvus's message when `schema` has a partition key and a
/// partition is named (`""` names none).
pub(crate) fn refuse_named(schema: &Schema, names: &[&str]) -> Result<()> {
    if schema.partition_key_index().is_some() && names.iter().any(|n| !n.is_empty()) {
        return Err(Error::InvalidArgument(NO_MANUAL_PARTITIONS.into()));
    }
    Ok(())
}

/// The partitions a read with `filter` must visit in a partition-key collection: when the
/// filter requires the key to equal one of a set of values (`key == v`, `key in [...]`, alone
/// or as a term of an `and`), only the partitions those values hash to. `None`: all of them.
pub(crate) fn prune(schema: &Schema, state: &State, filter: &Filter) -> Option<Vec<u64>> {
    let field = schema.partition_key_index()?;
    let keys = filter.field_values(field, schema)?;
    let n = state.partitions.len();
    let column = keys.to_column("");
    let view = column.data().as_ref();
    let mut ids: Vec<u64> =
        (0..view.len()).map(|r| state.partitions[partition_index(view, r, n)].id).collect();
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

impl super::Collection {
    /// The partition id a write batch into `partition` is logged with: [`ROUTED`] in a
    /// partition-key collection (which refuses a named partition), else the partition's id.
    ///
    /// # Errors
    /// A partition named in a partition-key collection; an unknown partition.
    pub(crate) fn write_partition(&self, partition: &str) -> Result<u64> {
        refuse_named(&self.schema, &[partition])?;
        if self.schema.partition_key_index().is_some() {
            return Ok(ROUTED);
        }
        self.read_state().partition_id(partition, self.name())
    }

    /// Ids of the partitions a read of `partitions` (empty = all) with `filter` visits: in a
    /// partition-key collection, which refuses named partitions, those [`prune`] leaves.
    ///
    /// # Errors
    /// A partition named in a partition-key collection; an unknown partition.
    pub(crate) fn read_scope(
        &self,
        state: &State,
        partitions: &[&str],
        filter: Option<&Filter>,
    ) -> Result<Vec<u64>> {
        refuse_named(&self.schema, partitions)?;
        let all = state.partition_ids(partitions, self.name())?;
        Ok(filter.and_then(|f| prune(&self.schema, state, f)).unwrap_or(all))
    }
}

/// Splits a [`ROUTED`] write batch into one batch per partition its rows route to (rows in
/// their order), each with the matching slice of `norms` (per field, as
/// [`super::write::apply`] takes them).
pub(crate) fn split(
    schema: &Schema,
    state: &State,
    batch: &WriteBatch<'_>,
    norms: &[Option<Vec<f32>>],
) -> Vec<(WriteBatch<'static>, Vec<Option<Vec<f32>>>)> {
    let Some(key) = schema.partition_key_index() else {
        return Vec::new();
    };
    let routes = route(state, ColumnData::as_ref(&batch.columns[key]));
    let mut groups: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (row, &id) in routes.iter().enumerate() {
        groups.entry(id).or_default().push(row);
    }
    groups
        .into_iter()
        .map(|(partition, rows)| {
            let columns = batch
                .columns
                .iter()
                .map(|c| {
                    let mut out = ColumnData::empty_like(c);
                    out.extend_from_rows(ColumnData::as_ref(c), rows.iter().copied());
                    Cow::Owned(out)
                })
                .collect();
            let validity = batch.validity.iter().map(|v| v.as_ref().map(|v| pick(v, &rows))).collect();
            let norms = norms.iter().map(|n| n.as_ref().map(|n| pick(n, &rows))).collect();
            (WriteBatch { partition, rows: rows.len(), columns, validity }, norms)
        })
        .collect()
}

/// The values of `rows` of `values`.
fn pick<T: Copy>(values: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&r| values[r]).collect()
}

impl super::Collection {
    /// Refuses creating or dropping (`action`) a partition of a partition-key collection, with
    /// Milvus's message.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the collection has a partition key.
    pub(crate) fn refuse_partition_change(&self, action: &str) -> Result<()> {
        if self.schema.partition_key_index().is_some() {
            return Err(Error::InvalidArgument(format!(
                "disable {action} partition if partition key mode is used"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_the_published_check_values() {
        // CRC-32/ISO-HDLC check value; MurmurHash3_x86_32 reference vectors (SMHasher).
        assert_eq!(crc32_ieee(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32_ieee(b""), 0);
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
        assert_eq!(murmur3_32(b"The quick brown fox jumps over the lazy dog", 0), 0x2e4f_f723);
        assert_eq!(murmur3_32(&[0xff, 0xff, 0xff, 0xff], 0), 0x7629_3b50);
        assert_eq!(murmur3_32(&[0x21, 0x43, 0x65, 0x87], 0), 0xf55b_516b);
        assert_eq!(murmur3_32(&[0x21, 0x43, 0x65], 0), 0x7e4a_8634);
    }

    #[test]
    fn varchar_keys_hash_their_first_100_bytes() {
        let long = "x".repeat(150);
        assert_eq!(hash_varchar(long.as_bytes()), crc32_ieee(&long.as_bytes()[..100]));
        assert_eq!(hash_int64(7), murmur3_32(&7i64.to_le_bytes(), 0) & 0x7fff_ffff);
    }
}
