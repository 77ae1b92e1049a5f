//! Collection settings outside the schema: Milvus's consistency level, shard number and
//! collection properties, with the rules veclite applies to them.
//!
//! veclite records every setting and reports it back as given. What each one does:
//! - the consistency level is recorded only: every read sees every acknowledged write, which is
//!   what Strong guarantees and more than the weaker levels ask for;
//! - the shard number is recorded only: a collection is one in-process shard;
//! - properties are key/value strings kept in the order first set. The keys Milvus acts on are
//!   checked ([`check_property`]): a value veclite cannot honour is refused, never recorded and
//!   ignored; every other key is user metadata, recorded as Milvus records it.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Milvus's collection consistency levels (numbered as Milvus's `ConsistencyLevel`). veclite
/// reads are always strong: the level is recorded and reported, and never weakens a read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsistencyLevel {
    #[serde(rename = "Strong")]
    Strong,
    #[serde(rename = "Session")]
    Session,
    /// Milvus's default.
    #[default]
    #[serde(rename = "Bounded")]
    Bounded,
    #[serde(rename = "Eventually")]
    Eventually,
    #[serde(rename = "Customized")]
    Customized,
}

impl ConsistencyLevel {
    const ALL: [ConsistencyLevel; 5] = [
        ConsistencyLevel::Strong,
        ConsistencyLevel::Session,
        ConsistencyLevel::Bounded,
        ConsistencyLevel::Eventually,
        ConsistencyLevel::Customized,
    ];

    /// Milvus's number of the level (Strong 0 … Customized 4).
    pub fn number(self) -> u32 {
        self as u32
    }

    /// The level numbered `n` by Milvus.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a number outside 0..=4.
    pub fn from_number(n: u32) -> Result<ConsistencyLevel> {
        Self::ALL.get(n as usize).copied().ok_or_else(|| {
            Error::InvalidArgument(format!(
                "consistency level {n}: expected 0 (Strong), 1 (Session), 2 (Bounded), 3 (Eventually) or 4 (Customized)"
            ))
        })
    }

    /// Milvus's name of the level.
    pub fn name(self) -> &'static str {
        match self {
            ConsistencyLevel::Strong => "Strong",
            ConsistencyLevel::Session => "Session",
            ConsistencyLevel::Bounded => "Bounded",
            ConsistencyLevel::Eventually => "Eventually",
            ConsistencyLevel::Customized => "Customized",
        }
    }

    /// The level named `name` (ASCII case-insensitive).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for another name.
    pub fn from_name(name: &str) -> Result<ConsistencyLevel> {
        Self::ALL.into_iter().find(|l| l.name().eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "consistency level {name:?}: expected Strong, Session, Bounded, Eventually or Customized"
            ))
        })
    }
}

/// One collection property, stored as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub key: String,
    pub value: String,
}

/// The shard number of a collection created without one (Milvus's default).
pub const DEFAULT_SHARD_NUM: u32 = 1;

fn default_shard_num() -> u32 {
    DEFAULT_SHARD_NUM
}

/// The settings of a collection that are not part of its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionSettings {
    /// Default [`ConsistencyLevel::Bounded`].
    #[serde(default)]
    pub consistency_level: ConsistencyLevel,
    /// At least 1; default [`DEFAULT_SHARD_NUM`].
    #[serde(default = "default_shard_num")]
    pub shard_num: u32,
    /// Distinct keys, in the order they were first set.
    #[serde(default)]
    pub properties: Vec<Property>,
    /// Partitions of a partition-key collection, fixed at creation; 0 for a collection
    /// without a partition key.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub num_partitions: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Default for CollectionSettings {
    fn default() -> Self {
        CollectionSettings {
            consistency_level: ConsistencyLevel::default(),
            shard_num: DEFAULT_SHARD_NUM,
            properties: Vec::new(),
            num_partitions: 0,
        }
    }
}

impl CollectionSettings {
    /// The value of property `key`.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties.iter().find(|p| p.key == key).map(|p| p.value.as_str())
    }

    /// Sets property `key` (in place when it is set, else appended). Checked by
    /// [`CollectionSettings::check`].
    pub fn set_property(&mut self, key: &str, value: &str) {
        match self.properties.iter_mut().find(|p| p.key == key) {
            Some(p) => p.value = value.to_owned(),
            None => self.properties.push(Property { key: key.to_owned(), value: value.to_owned() }),
        }
    }

    /// Removes property `key`; a key that is not set is no error (as in Milvus).
    pub fn remove_property(&mut self, key: &str) {
        self.properties.retain(|p| p.key != key);
    }

    /// Checks the settings of a collection whose schema has dynamic fields `dynamic`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a shard number of 0 or a property [`check_property`]
    /// refuses.
    pub fn check(&self, dynamic: bool) -> Result<()> {
        if self.shard_num == 0 {
            return Err(Error::InvalidArgument("shard number 0: a collection has at least one shard".into()));
        }
        self.properties.iter().try_for_each(|p| check_property(&p.key, &p.value, dynamic))
    }
}

/// Milvus properties whose only effect is where data lives or when space is reclaimed, never
/// an answer: checked as booleans and recorded. veclite always memory-maps sealed segment
/// files, maps them when the database opens, and compacts at flush by its own triggers.
pub const RECORDED_BOOL_PROPERTIES: [&str; 3] =
    ["mmap.enabled", "lazyload.enabled", "collection.autocompaction.enabled"];

/// Checks property `key` = `value` for a collection whose schema has dynamic fields `dynamic`.
/// `collection.ttl.seconds` must be a non-negative integer (0: no expiry). The keys Milvus acts
/// on and veclite honours only in one state are refused in the others: `allow_insert_auto_id`
/// and `partitionkey.isolation` (booleans; only false), and `dynamicfield.enabled` (a boolean
/// equal to the schema's setting). The keys of [`RECORDED_BOOL_PROPERTIES`] must be booleans.
/// Every other key is accepted as user metadata. Booleans are written as Go's `ParseBool` reads
/// them (`true`, `True`, `1`, …).
///
/// # Errors
/// [`Error::InvalidArgument`] naming the property and the rule.
pub fn check_property(key: &str, value: &str, dynamic: bool) -> Result<()> {
    let refuse =
        |why: &str| Err(Error::InvalidArgument(format!("collection property {key} = {value:?}: {why}")));
    if key.is_empty() {
        return Err(Error::InvalidArgument("collection property with an empty key".into()));
    }
    let flag = || parse_bool(value).ok_or(());
    match key {
        "collection.ttl.seconds" => match value.trim().parse::<u64>() {
            Ok(_) => Ok(()),
            Err(_) => refuse("expected a non-negative integer number of seconds"),
        },
        "allow_insert_auto_id" | "partitionkey.isolation" => match flag() {
            Ok(false) => Ok(()),
            Ok(true) if key == "allow_insert_auto_id" => {
                refuse("not supported: the keys of an auto_id collection are always generated")
            }
            Ok(true) => refuse("not supported: veclite has no partition keys"),
            Err(()) => refuse("expected true or false"),
        },
        "dynamicfield.enabled" => match flag() {
            Ok(on) if on == dynamic => Ok(()),
            Ok(_) => refuse(if dynamic {
                "not supported: dynamic fields cannot be turned off"
            } else {
                "not supported: dynamic fields are set by the schema when the collection is created"
            }),
            Err(()) => refuse("expected true or false"),
        },
        _ if RECORDED_BOOL_PROPERTIES.contains(&key) => {
            flag().map(drop).or_else(|()| refuse("expected true or false"))
        }
        _ => Ok(()),
    }
}

/// A boolean as Go's `strconv.ParseBool` (which Milvus uses) reads it.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistency_levels_round_trip_by_number_and_name() {
        for (n, level) in ConsistencyLevel::ALL.into_iter().enumerate() {
            assert_eq!(level.number(), n as u32);
            assert_eq!(ConsistencyLevel::from_number(n as u32).unwrap(), level);
            assert_eq!(ConsistencyLevel::from_name(&level.name().to_uppercase()).unwrap(), level);
        }
        assert!(ConsistencyLevel::from_number(5).unwrap_err().to_string().contains("consistency level 5"));
        assert!(ConsistencyLevel::from_name("Strongest").is_err());
        assert_eq!(serde_json::to_string(&ConsistencyLevel::Eventually).unwrap(), "\"Eventually\"");
    }

    #[test]
    fn properties_keep_their_order_and_refuse_what_cannot_be_honoured() {
        let mut s = CollectionSettings::default();
        s.set_property("b", "1");
        s.set_property("a", "2");
        s.set_property("b", "3");
        assert_eq!(s.properties.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(s.property("b"), Some("3"));
        s.remove_property("b");
        s.remove_property("missing");
        assert_eq!(s.property("b"), None);
        assert!(s.check(false).is_ok());

        for (key, value, dynamic) in [
            ("collection.ttl.seconds", "0", false),
            ("collection.ttl.seconds", "60", false),
            ("mmap.enabled", "False", false),
            ("lazyload.enabled", "true", false),
            ("allow_insert_auto_id", "false", false),
            ("dynamicfield.enabled", "true", true),
            ("my.own.key", "anything", false),
        ] {
            assert!(check_property(key, value, dynamic).is_ok(), "{key} = {value}");
        }
        for (key, value, dynamic, says) in [
            ("collection.ttl.seconds", "-1", false, "non-negative integer"),
            ("mmap.enabled", "yes", false, "true or false"),
            ("allow_insert_auto_id", "true", false, "always generated"),
            ("partitionkey.isolation", "true", false, "no partition keys"),
            ("dynamicfield.enabled", "true", false, "set by the schema"),
            ("dynamicfield.enabled", "false", true, "cannot be turned off"),
            ("", "x", false, "empty key"),
        ] {
            let e = check_property(key, value, dynamic).unwrap_err().to_string();
            assert!(e.contains(key) && e.contains(says), "{key} = {value}: {e}");
        }
        let zero = CollectionSettings { shard_num: 0, ..CollectionSettings::default() };
        assert!(zero.check(false).unwrap_err().to_string().contains("shard number 0"));
    }

    #[test]
    fn missing_settings_read_as_the_defaults() {
        let s: CollectionSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, CollectionSettings::default());
        assert_eq!((s.consistency_level, s.shard_num), (ConsistencyLevel::Bounded, 1));
    }
}
