//! Databases, as in Milvus: namespaces of collections and aliases inside one veclite directory.
//! `default` always exists and cannot be dropped; others are created and dropped (when empty)
//! with one manifest commit each. A [`Database`] handle works in one database
//! ([`Database::using_database`]); inside the catalog a collection of database `db` other than
//! `default` is keyed `db.collection` (names never hold a dot, so keys cannot collide).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Database, Open};
use crate::catalog::DatabaseMeta;
use crate::error::{Error, ObjectKind, Result};
use crate::schema::validate_name;
use crate::timestamp;

/// The database every directory has, which holds the collections of handles that never chose
/// one.
pub const DEFAULT_DATABASE: &str = "default";

/// Description of a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInfo {
    pub name: String,
    /// Properties as given at creation or changed since, by key.
    pub properties: BTreeMap<String, String>,
}

impl Database {
    /// A handle to the same open directory working in database `name` (`""` = `default`):
    /// collection and alias names given to it, and returned by it, are those of that database.
    ///
    /// # Errors
    /// [`Error::NotFound`] (kind database) for an unknown database; [`Error::Closed`].
    pub fn using_database(&self, name: &str) -> Result<Database> {
        let name = if name.is_empty() { DEFAULT_DATABASE } else { name };
        self.with_open(|open| check_exists(open, name))?;
        let scope = (name != DEFAULT_DATABASE).then(|| Arc::from(name));
        Ok(Database { inner: Arc::clone(&self.inner), scope })
    }

    /// The database this handle works in.
    pub fn database_name(&self) -> &str {
        self.scope.as_deref().unwrap_or(DEFAULT_DATABASE)
    }

    /// Creates database `name` with `properties` (kept and returned by describe; checked by
    /// [`check_database_property`](super::database_props::check_database_property)).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an invalid name; [`Error::AlreadyExists`] (`default`
    /// included); a refused property; [`Error::Io`].
    pub fn create_database(&self, name: &str, properties: &[(String, String)]) -> Result<()> {
        validate_name("database", name)?;
        for (key, value) in properties {
            super::database_props::check_database_property(key, value)?;
        }
        self.with_open(|open| {
            let _collections = open.write_collections();
            open.catalog.update(|m| {
                if name == DEFAULT_DATABASE || m.databases.contains_key(name) {
                    return Err(Error::AlreadyExists { kind: ObjectKind::Database, name: name.to_owned() });
                }
                let ts = timestamp::next();
                m.last_timestamp = m.last_timestamp.max(ts);
                let properties = properties.iter().cloned().collect();
                m.databases.insert(name.to_owned(), DatabaseMeta { created_timestamp: ts, properties });
                Ok(())
            })
        })
    }

    /// Drops the empty database `name`, as Milvus does: one that still holds collections is
    /// refused, and so is `default`.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown database; [`Error::InvalidArgument`] for `default` or a
    /// database with collections (named); [`Error::Io`].
    pub fn drop_database(&self, name: &str) -> Result<()> {
        if name == DEFAULT_DATABASE {
            return Err(Error::InvalidArgument("database `default` cannot be dropped".into()));
        }
        self.with_open(|open| {
            let collections = open.write_collections();
            check_exists(open, name)?;
            let prefix = format!("{name}.");
            let mut held: Vec<&str> =
                collections.keys().filter_map(|k| k.strip_prefix(prefix.as_str())).collect();
            held.sort_unstable();
            if !held.is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "database `{name}` is not empty: it holds collections {held:?}; drop them before dropping the database"
                )));
            }
            open.catalog.update(|m| {
                m.databases.remove(name);
                Ok(())
            })
        })
    }

    /// Names of every database, `default` first, then sorted.
    ///
    /// # Errors
    /// [`Error::Closed`].
    pub fn list_databases(&self) -> Result<Vec<String>> {
        self.with_open(|open| {
            let manifest = open.catalog.snapshot();
            Ok(std::iter::once(DEFAULT_DATABASE.to_owned())
                .chain(manifest.databases.keys().filter(|k| *k != DEFAULT_DATABASE).cloned())
                .collect())
        })
    }

    /// Name and properties of database `name`.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown database.
    pub fn describe_database(&self, name: &str) -> Result<DatabaseInfo> {
        let name = if name.is_empty() { DEFAULT_DATABASE } else { name };
        self.with_open(|open| {
            let manifest = open.catalog.snapshot();
            let properties = match manifest.databases.get(name) {
                Some(meta) => meta.properties.clone(),
                None if name == DEFAULT_DATABASE => BTreeMap::new(),
                None => return Err(Error::not_found(ObjectKind::Database, name)),
            };
            Ok(DatabaseInfo { name: name.to_owned(), properties })
        })
    }

    /// The catalog key of this handle's collection or alias `name`.
    pub(crate) fn qualify<'n>(&self, name: &'n str) -> Cow<'n, str> {
        match &self.scope {
            None => Cow::Borrowed(name),
            Some(db) => Cow::Owned(format!("{db}.{name}")),
        }
    }

    /// The name in this handle's database of catalog key `key`; `None` for a key of another
    /// database.
    pub(crate) fn unqualify<'k>(&self, key: &'k str) -> Option<&'k str> {
        match &self.scope {
            None => (!key.contains('.')).then_some(key),
            Some(db) => key.strip_prefix(db.as_ref()).and_then(|rest| rest.strip_prefix('.')),
        }
    }
}

/// Fails unless database `name` exists.
fn check_exists(open: &Open, name: &str) -> Result<()> {
    if name == DEFAULT_DATABASE || open.catalog.snapshot().databases.contains_key(name) {
        Ok(())
    } else {
        Err(Error::not_found(ObjectKind::Database, name))
    }
}

/// Fails unless the database of catalog key `key` (`db.name`, or a plain name in `default`)
/// exists: a collection is never created in a database dropped meanwhile.
pub(super) fn check_database_of(open: &Open, key: &str) -> Result<()> {
    match key.split_once('.') {
        Some((db, _)) => check_exists(open, db),
        None => Ok(()),
    }
}
