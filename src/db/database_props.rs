//! Database properties (Milvus's `AlterDatabase`: pymilvus `alter_database_properties` /
//! `drop_database_properties`, milvus-sdk-go `AlterDatabase`), kept in the catalog and returned
//! by [`Database::describe_database`].
//!
//! The keys Milvus acts on are checked so none is accepted and ignored:
//! `database.replica.number` must be 1 (veclite serves one in-process replica) and is recorded;
//! `database.resource_groups`, `database.diskQuota.mb`, `database.max.collections` and the
//! `database.force.deny.*` switches are refused (veclite has no resource groups, quotas or
//! access switches); every other key is recorded, as Milvus records keys it does not know.

use super::Database;
use super::databases::DEFAULT_DATABASE;
use crate::catalog::DatabaseMeta;
use crate::error::{Error, ObjectKind, Result};

/// Database property keys Milvus acts on and veclite refuses.
const REFUSED: [&str; 6] = [
    "database.resource_groups",
    "database.diskQuota.mb",
    "database.max.collections",
    "database.force.deny.writing",
    "database.force.deny.reading",
    "database.force.deny.deleting",
];

/// Checks database property `key` = `value` (see the module documentation).
///
/// # Errors
/// [`Error::InvalidArgument`] for an empty key or a `database.replica.number` other than 1;
/// [`Error::Unsupported`] for the keys veclite cannot honour.
pub fn check_database_property(key: &str, value: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::InvalidArgument("database property with an empty key".into()));
    }
    if key == "database.replica.number" && value.trim() != "1" {
        return Err(Error::InvalidArgument(format!(
            "database property {key} = {value:?}: veclite serves one in-process replica (only 1)"
        )));
    }
    if REFUSED.contains(&key) {
        return Err(Error::Unsupported(format!(
            "database property {key}: veclite has no resource groups, quotas or access switches"
        )));
    }
    Ok(())
}

impl Database {
    /// Sets `set` and removes `delete` among the properties of database `name` (`""` =
    /// `default`): one manifest commit. Removing a key that is not set is no error.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown database; [`Error::InvalidArgument`] for a key set
    /// twice, set and removed, or empty; those of [`check_database_property`]; I/O.
    pub fn alter_database_properties(&self, name: &str, set: &[(&str, &str)], delete: &[&str]) -> Result<()> {
        let name = if name.is_empty() { DEFAULT_DATABASE } else { name };
        for (i, &(key, value)) in set.iter().enumerate() {
            check_database_property(key, value)?;
            if set[..i].iter().any(|(k, _)| *k == key) || delete.contains(&key) {
                return Err(Error::InvalidArgument(format!(
                    "database property {key} is given twice (set twice, or set and removed)"
                )));
            }
        }
        if delete.iter().any(|k| k.is_empty()) {
            return Err(Error::InvalidArgument("database property with an empty key".into()));
        }
        self.with_open(|open| {
            let _collections = open.write_collections();
            open.catalog.update(|m| {
                if name == DEFAULT_DATABASE && !m.databases.contains_key(name) {
                    // `default` gets a catalog entry the first time its properties change.
                    let created_timestamp = 0;
                    m.databases.insert(
                        name.to_owned(),
                        DatabaseMeta { created_timestamp, properties: Default::default() },
                    );
                }
                let meta =
                    m.databases.get_mut(name).ok_or_else(|| Error::not_found(ObjectKind::Database, name))?;
                for &(key, value) in set {
                    meta.properties.insert(key.to_owned(), value.to_owned());
                }
                for key in delete {
                    meta.properties.remove(*key);
                }
                Ok(())
            })
        })
    }
}
