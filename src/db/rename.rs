//! Renaming a collection, as Milvus's `rename_collection`: the collection keeps its id, files,
//! rows, indexes, settings and aliases; it may move to another database when no alias points
//! to it.

use std::sync::Arc;

use super::Database;
use crate::collection::Collection;
use crate::error::{Error, ObjectKind, Result};
use crate::schema::validate_name;

impl Database {
    /// Renames collection `old` of this handle's database to `new` in database `new_db`
    /// (`None` or `""` = this handle's database). Waits for the calls in flight, then reopens
    /// the collection under its new name (one manifest commit); handles obtained from
    /// [`Database::collection`] before the rename must not be used after it.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown collection or database; [`Error::InvalidArgument`] for
    /// an invalid new name, an alias given as `old` (as Milvus refuses it) or a move to another
    /// database of a collection that aliases point to; [`Error::AlreadyExists`] when the new
    /// name is taken by a collection or an alias; [`Error::Io`].
    pub fn rename_collection(&self, old: &str, new: &str, new_db: Option<&str>) -> Result<()> {
        validate_name("collection", new)?;
        let target = match new_db {
            Some(db) if !db.is_empty() => self.using_database(db)?,
            _ => self.clone(),
        };
        let (old_key, new_key) = (self.qualify(old).into_owned(), target.qualify(new).into_owned());
        let mut guard = self.inner.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let open = guard.as_mut().ok_or(Error::Closed)?;
        super::databases::check_database_of(open, &new_key)?;
        let aliases = open.aliases.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        let collections = open.collections.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(c) = collections.get(&old_key).cloned() else {
            return Err(match aliases.contains_key(&old_key) {
                true => Error::InvalidArgument(format!(
                    "`{old}` is an alias: rename the collection it points to by its own name"
                )),
                false => Error::not_found(ObjectKind::Collection, old),
            });
        };
        if collections.contains_key(&new_key) || aliases.contains_key(&new_key) {
            return Err(Error::AlreadyExists { kind: ObjectKind::Collection, name: new_key });
        }
        let pointing: Vec<String> =
            aliases.iter().filter(|(_, t)| **t == old_key).map(|(a, _)| a.clone()).collect();
        if target.database_name() != self.database_name() && !pointing.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "collection `{old}` has aliases {pointing:?}: drop them before moving it to database `{}`",
                target.database_name()
            )));
        }
        c.shutdown();
        c.sync_wal()?;
        let id = c.id();
        let meta = open.catalog.update(|m| {
            for alias in &pointing {
                m.aliases.insert(alias.clone(), new_key.clone());
            }
            let meta = m.collection_mut(id).ok_or_else(|| Error::not_found(ObjectKind::Collection, old))?;
            meta.schema.name = new_key.clone();
            Ok(meta.clone())
        })?;
        for alias in &pointing {
            aliases.insert(alias.clone(), new_key.clone());
        }
        collections.remove(&old_key);
        drop(c);
        let reopened: Arc<Collection> =
            Collection::open(&open.dir, &meta, Arc::clone(&open.catalog), Arc::clone(&open.options))?;
        collections.insert(new_key, reopened);
        Ok(())
    }
}
