//! Collection aliases, as in Milvus: another name for a collection, accepted wherever a
//! collection name is (reads, writes, search, indexes, describe). An alias is unique, never
//! the name of a collection, and moves to another collection with [`Database::alter_alias`];
//! each change is one manifest commit.

use std::collections::HashMap;

use super::{Database, Open};
use crate::error::{Error, ObjectKind, Result};
use crate::schema::validate_name;

impl Database {
    /// Makes `alias` another name of collection `collection`. Creating an alias that already
    /// points to `collection` changes nothing.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown collection (an alias is not resolved here);
    /// [`Error::InvalidArgument`] for an invalid name or one that names a collection;
    /// [`Error::AlreadyExists`] when the alias points to another collection; [`Error::Io`].
    pub fn create_alias(&self, collection: &str, alias: &str) -> Result<()> {
        validate_name("alias", alias)?;
        let (collection, alias): (&str, &str) = (&self.qualify(collection), &self.qualify(alias));
        self.with_open(|open| {
            let collections = open.write_collections();
            if !collections.contains_key(collection) {
                return Err(Error::not_found(ObjectKind::Collection, collection));
            }
            if collections.contains_key(alias) {
                return Err(Error::InvalidArgument(format!(
                    "alias `{alias}` is the name of a collection: an alias must differ from every collection name"
                )));
            }
            let mut aliases = open.write_aliases();
            match aliases.get(alias) {
                Some(target) if target == collection => return Ok(()),
                Some(target) => {
                    return Err(Error::AlreadyExists {
                        kind: ObjectKind::Alias,
                        name: format!("{alias} (an alias of collection `{target}`)"),
                    });
                }
                None => {}
            }
            point(open, &mut aliases, alias, collection)
        })
    }

    /// Points the existing `alias` to collection `collection`.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown alias or collection; [`Error::Io`].
    pub fn alter_alias(&self, collection: &str, alias: &str) -> Result<()> {
        let (collection, alias): (&str, &str) = (&self.qualify(collection), &self.qualify(alias));
        self.with_open(|open| {
            let collections = open.write_collections();
            if !collections.contains_key(collection) {
                return Err(Error::not_found(ObjectKind::Collection, collection));
            }
            let mut aliases = open.write_aliases();
            if !aliases.contains_key(alias) {
                return Err(Error::not_found(ObjectKind::Alias, alias));
            }
            point(open, &mut aliases, alias, collection)
        })
    }

    /// Removes `alias`; removing an alias that does not exist changes nothing (as in Milvus).
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Closed`].
    pub fn drop_alias(&self, alias: &str) -> Result<()> {
        let alias: &str = &self.qualify(alias);
        self.with_open(|open| {
            let _collections = open.write_collections();
            let mut aliases = open.write_aliases();
            if !aliases.contains_key(alias) {
                return Ok(());
            }
            open.catalog.update(|m| {
                m.aliases.remove(alias);
                Ok(())
            })?;
            aliases.remove(alias);
            Ok(())
        })
    }

    /// The collection `alias` points to.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown alias.
    pub fn describe_alias(&self, alias: &str) -> Result<String> {
        self.with_open(|open| {
            let target = open.read_aliases().get(self.qualify(alias).as_ref()).cloned();
            let target = target.ok_or_else(|| Error::not_found(ObjectKind::Alias, alias))?;
            Ok(self.unqualify(&target).unwrap_or(&target).to_owned())
        })
    }

    /// The aliases of collection `collection` (of every collection when `None`), sorted.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown collection.
    pub fn list_aliases(&self, collection: Option<&str>) -> Result<Vec<String>> {
        let qualified = collection.map(|c| self.qualify(c));
        let collection = qualified.as_deref();
        self.with_open(|open| {
            if let Some(name) = collection
                && !open.read_collections().contains_key(name)
            {
                return Err(Error::not_found(ObjectKind::Collection, name));
            }
            let mut names: Vec<String> = open
                .read_aliases()
                .iter()
                .filter(|(_, target)| collection.is_none_or(|c| c == target.as_str()))
                .filter_map(|(alias, _)| self.unqualify(alias).map(str::to_owned))
                .collect();
            names.sort();
            Ok(names)
        })
    }
}

/// Points `alias` to `collection` in the manifest (one commit), then in `aliases`, the open
/// database's map, which the caller holds locked.
fn point(open: &Open, aliases: &mut HashMap<String, String>, alias: &str, collection: &str) -> Result<()> {
    open.catalog.update(|m| {
        m.aliases.insert(alias.to_owned(), collection.to_owned());
        Ok(())
    })?;
    aliases.insert(alias.to_owned(), collection.to_owned());
    Ok(())
}
