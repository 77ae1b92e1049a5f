//! Collection metadata beyond the layout: descriptions, consistency level, shard number and
//! properties, set when a collection is created and changed later, each change one manifest
//! commit.

use super::Database;
use crate::error::{Error, ObjectKind, Result};
use crate::params::{CollectionSettings, ConsistencyLevel, Property};
use crate::schema::Schema;

/// A change to a collection's metadata; what is left `None` or empty stays as it is. Applied
/// whole or not at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CollectionChange {
    /// The collection description.
    pub description: Option<String>,
    /// `(field, description)` pairs.
    pub field_descriptions: Vec<(String, String)>,
    pub consistency_level: Option<ConsistencyLevel>,
    /// Recorded only (a collection is one shard); at least 1.
    pub shard_num: Option<u32>,
    /// Properties to set, in order (a later value of the same key wins).
    pub set_properties: Vec<Property>,
    /// Property keys to remove (a key that is not set is no error).
    pub delete_properties: Vec<String>,
    /// Partitions of a partition-key collection (default 16, at most 1024): given at
    /// creation only, and only with a partition key.
    pub num_partitions: Option<u32>,
}

impl CollectionChange {
    /// Applies the change to a collection's schema and settings, then checks the result.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown field; [`Error::InvalidArgument`] for a key both set
    /// and removed, and for settings [`CollectionSettings::check`] refuses.
    fn apply(&self, schema: &mut Schema, settings: &mut CollectionSettings) -> Result<()> {
        if let Some(text) = &self.description {
            schema.description.clone_from(text);
        }
        for (name, text) in &self.field_descriptions {
            let field = schema
                .fields
                .iter_mut()
                .find(|f| &f.name == name)
                .ok_or_else(|| Error::not_found_in(ObjectKind::Field, name, &schema.name))?;
            field.description.clone_from(text);
        }
        if let Some(level) = self.consistency_level {
            settings.consistency_level = level;
        }
        if let Some(n) = self.shard_num {
            settings.shard_num = n;
        }
        for key in &self.delete_properties {
            if self.set_properties.iter().any(|p| &p.key == key) {
                return Err(Error::InvalidArgument(format!(
                    "collection property {key} is both set and removed by one change"
                )));
            }
            settings.remove_property(key);
        }
        for p in &self.set_properties {
            settings.set_property(&p.key, &p.value);
        }
        settings.check(schema.enable_dynamic_field)
    }
}

impl Database {
    /// Creates a collection with partition `_default`, the default settings (consistency level
    /// Bounded, one shard, no properties) and `change` applied to both, in one manifest commit.
    /// A schema with `enable_dynamic_field` gets its `$meta` field here if it was built without
    /// one.
    ///
    /// # Errors
    /// Schema rule violations; those of [`Database::alter_collection`] for `change`;
    /// [`Error::AlreadyExists`]; [`Error::Io`].
    pub fn create_collection_with(&self, schema: Schema, change: &CollectionChange) -> Result<()> {
        let mut schema = schema.with_dynamic_field();
        schema.validate()?;
        schema.name = self.qualify(&schema.name).into_owned();
        let mut settings = CollectionSettings::default();
        change.apply(&mut schema, &mut settings)?;
        settings.num_partitions =
            crate::collection::partition_key::resolve_num_partitions(&schema, change.num_partitions)?;
        self.create_checked_collection(schema, settings)
    }

    /// Changes the metadata of collection `name` (Milvus's `AlterCollection`): one manifest
    /// commit, so after a crash either all of `change` or none of it is in effect. Rows, indexes
    /// and the way reads and writes behave are unaffected.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown collection or field; [`Error::InvalidArgument`] for a
    /// property key both set and removed, a shard number of 0 and properties
    /// `params::collection::check_property` refuses; [`Error::Closed`]; [`Error::Io`] (the
    /// metadata is then unchanged).
    pub fn alter_collection(&self, name: &str, change: &CollectionChange) -> Result<()> {
        if change.num_partitions.is_some() {
            return Err(Error::InvalidArgument(
                "num_partitions is fixed when a collection is created and cannot be altered".into(),
            ));
        }
        let name: &str = &self.qualify(name);
        self.with_open(|open| {
            // Held so the collection cannot be dropped meanwhile.
            let collections = open.read_collections();
            let id =
                collections.get(name).ok_or_else(|| Error::not_found(ObjectKind::Collection, name))?.id();
            open.catalog.update(|m| {
                let meta =
                    m.collection_mut(id).ok_or_else(|| Error::not_found(ObjectKind::Collection, name))?;
                change.apply(&mut meta.schema, &mut meta.settings)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CollectionChange;
    use crate::db::Database;
    use crate::error::{Error, ObjectKind};
    use crate::params::{ConsistencyLevel, Options, Property};
    use crate::schema::{Field, FieldType, Schema};
    use crate::storage::fs::failpoint;

    fn schema() -> Schema {
        Schema::builder("c")
            .description("first")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 2 }).description("vectors"))
            .build()
            .unwrap()
    }

    fn prop(key: &str, value: &str) -> Property {
        Property { key: key.into(), value: value.into() }
    }

    #[test]
    fn settings_are_set_at_creation_altered_and_kept_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path(), Options::default()).unwrap();
        db.create_collection(schema()).unwrap();
        let info = db.describe_collection("c").unwrap();
        assert_eq!(
            (info.settings.consistency_level, info.settings.shard_num),
            (ConsistencyLevel::Bounded, 1)
        );
        assert_eq!(info.schema.fields[1].description, "vectors");

        let create = CollectionChange {
            consistency_level: Some(ConsistencyLevel::Strong),
            shard_num: Some(3),
            set_properties: vec![prop("mmap.enabled", "true"), prop("owner", "me")],
            field_descriptions: vec![("id".into(), "the key".into())],
            ..CollectionChange::default()
        };
        db.create_collection_with(Schema { name: "d".into(), ..schema() }, &create).unwrap();
        let alter = CollectionChange {
            description: Some("second".into()),
            consistency_level: Some(ConsistencyLevel::Eventually),
            set_properties: vec![prop("collection.ttl.seconds", "0")],
            delete_properties: vec!["mmap.enabled".into()],
            ..CollectionChange::default()
        };
        db.alter_collection("d", &alter).unwrap();
        db.close().unwrap();

        let db = Database::open(dir.path(), Options::default()).unwrap();
        let info = db.describe_collection("d").unwrap();
        assert_eq!(info.schema.description, "second");
        assert_eq!(info.schema.fields[0].description, "the key");
        assert_eq!(info.settings.consistency_level, ConsistencyLevel::Eventually);
        assert_eq!(info.settings.shard_num, 3);
        assert_eq!(info.settings.properties, vec![prop("owner", "me"), prop("collection.ttl.seconds", "0")]);
        assert_eq!(db.describe_collection("c").unwrap().schema.description, "first");
    }

    #[test]
    fn refused_changes_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path(), Options::default()).unwrap();
        let refused = CollectionChange {
            set_properties: vec![prop("collection.ttl.seconds", "-1")],
            ..CollectionChange::default()
        };
        let e = db.create_collection_with(schema(), &refused).unwrap_err();
        assert!(e.to_string().contains("collection.ttl.seconds"), "{e}");
        assert!(!db.has_collection("c").unwrap());

        db.create_collection(schema()).unwrap();
        let before = db.describe_collection("c").unwrap();
        let partly_bad = CollectionChange {
            description: Some("changed".into()),
            field_descriptions: vec![("nope".into(), "x".into())],
            ..CollectionChange::default()
        };
        let e = db.alter_collection("c", &partly_bad).unwrap_err();
        assert!(matches!(&e, Error::NotFound { kind: ObjectKind::Field, name, .. } if name == "nope"), "{e}");
        let both = CollectionChange {
            set_properties: vec![prop("k", "v")],
            delete_properties: vec!["k".into()],
            ..CollectionChange::default()
        };
        assert!(db.alter_collection("c", &both).unwrap_err().to_string().contains("both set and removed"));
        let zero = CollectionChange { shard_num: Some(0), ..CollectionChange::default() };
        assert!(db.alter_collection("c", &zero).is_err());
        assert!(matches!(
            db.alter_collection("missing", &CollectionChange::default()),
            Err(Error::NotFound { kind: ObjectKind::Collection, .. })
        ));
        {
            let _full = failpoint::fail_writes_after(0);
            let change = CollectionChange { description: Some("lost".into()), ..CollectionChange::default() };
            assert!(matches!(db.alter_collection("c", &change), Err(Error::Io { .. })));
        }
        assert_eq!(db.describe_collection("c").unwrap(), before);
    }
}
