//! Index properties of a collection's index (Milvus's `AlterIndex`).

use super::Database;
use crate::error::Result;

impl Database {
    /// Sets properties of the index named `index_name` of `collection` (pymilvus
    /// `alter_index_properties`, Go `AlterIndex`): `mmap.enabled` (a boolean, recorded) is the
    /// only key; kept in the catalog and returned by [`Database::describe_index`].
    ///
    /// # Errors
    /// Unknown collection or index ([`crate::Error::NotFound`]); a key other than
    /// `mmap.enabled`, a non-boolean value or a key given twice
    /// ([`crate::Error::InvalidArgument`]); I/O.
    pub fn alter_index_properties(
        &self,
        collection: &str,
        index_name: &str,
        properties: &[(&str, &str)],
    ) -> Result<()> {
        self.with_collection(collection, |c| c.alter_index_properties(index_name, properties, &[]))
    }

    /// Removes the properties `keys` of the index named `index_name` of `collection` (pymilvus
    /// `drop_index_properties`); a key that is not set is no error.
    ///
    /// # Errors
    /// Unknown collection or index; an empty key; I/O.
    pub fn drop_index_properties(&self, collection: &str, index_name: &str, keys: &[&str]) -> Result<()> {
        self.with_collection(collection, |c| c.alter_index_properties(index_name, &[], keys))
    }
}
