//! Index properties (Milvus's `AlterIndex`: pymilvus `alter_index_properties` /
//! `drop_index_properties`, milvus-sdk-go `AlterIndex(..., WithMmap(..))`): kept in the catalog
//! with the index and returned by `describe_index`.
//!
//! Milvus accepts only the index parameters it can change after the build ("configurable"):
//! `mmap.enabled`, a boolean, which veclite checks and records (sealed segments and their index
//! files are always memory-mapped, so no answer depends on it). Every other key is refused, as
//! Milvus refuses it, naming the key.

use super::Collection;
use crate::error::{Error, ObjectKind, Result};
use crate::params::parse_bool;

/// The index properties veclite records.
pub const INDEX_PROPERTIES: [&str; 1] = ["mmap.enabled"];

/// Checks index property `key` = `value`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a key other than [`INDEX_PROPERTIES`] or a value that is not a
/// boolean.
pub fn check_index_property(key: &str, value: &str) -> Result<()> {
    if !INDEX_PROPERTIES.contains(&key) {
        return Err(Error::InvalidArgument(format!(
            "{key} is not configable index param (veclite records: {})",
            INDEX_PROPERTIES.join(", ")
        )));
    }
    match parse_bool(value) {
        Some(_) => Ok(()),
        None => Err(Error::InvalidArgument(format!("invalid {key} value {value:?}: expected true or false"))),
    }
}

impl Collection {
    /// Sets the properties `set` and removes the keys `delete` of the index named `index_name`
    /// (one catalog commit: all of the change or none of it). Removing a key that is not set is
    /// no error.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown index; [`Error::InvalidArgument`] for a key both set
    /// and removed, set twice, or refused by [`check_index_property`]; I/O.
    pub fn alter_index_properties(
        &self,
        index_name: &str,
        set: &[(&str, &str)],
        delete: &[&str],
    ) -> Result<()> {
        for (i, &(key, value)) in set.iter().enumerate() {
            check_index_property(key, value)?;
            if set[..i].iter().any(|(k, _)| *k == key) || delete.contains(&key) {
                return Err(Error::InvalidArgument(format!(
                    "index property {key} is given twice (set twice, or set and removed)"
                )));
            }
        }
        if let Some(key) = delete.iter().find(|k| k.is_empty()) {
            return Err(Error::InvalidArgument(format!("index property key {key:?} is empty")));
        }
        let _writer = self.writer();
        let position = {
            let state = self.read_state();
            state.indexes.iter().position(|i| i.name == index_name)
        };
        let Some(position) = position else {
            return Err(Error::not_found_in(ObjectKind::Index, index_name, self.name()));
        };
        let apply = |properties: &mut std::collections::BTreeMap<String, String>| {
            for &(key, value) in set {
                properties.insert(key.to_owned(), value.to_owned());
            }
            for key in delete {
                properties.remove(*key);
            }
        };
        self.update_meta(|c| {
            let meta = c
                .indexes
                .iter_mut()
                .find(|i| i.name == index_name)
                .ok_or_else(|| Error::not_found_in(ObjectKind::Index, index_name, self.name()))?;
            apply(&mut meta.properties);
            Ok(())
        })?;
        apply(&mut self.write_state().indexes[position].properties);
        Ok(())
    }
}
