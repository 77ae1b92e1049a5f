//! `veclite_collection_change` and `veclite_collection_settings`: a collection's metadata
//! beyond its layout (descriptions, consistency level, shard number, properties), set at
//! creation, changed later and read back.

use super::{
    FfiError, FfiResult, arg, call, out_arg, put, put_bytes, str_arg, veclite_error, veclite_schema,
    veclite_status, with_db,
};
use crate::db::CollectionChange;
use crate::params::{CollectionSettings, ConsistencyLevel, DEFAULT_SHARD_NUM, Property};

/// Consistency level Strong (Milvus's numbering, as every `VECLITE_CONSISTENCY_*`). veclite
/// records the level and reads strongly whatever it is.
pub const VECLITE_CONSISTENCY_STRONG: u32 = 0;
/// Consistency level Session.
pub const VECLITE_CONSISTENCY_SESSION: u32 = 1;
/// Consistency level Bounded (the default).
pub const VECLITE_CONSISTENCY_BOUNDED: u32 = 2;
/// Consistency level Eventually.
pub const VECLITE_CONSISTENCY_EVENTUALLY: u32 = 3;
/// Consistency level Customized.
pub const VECLITE_CONSISTENCY_CUSTOMIZED: u32 = 4;

/// A change to a collection's metadata, for `veclite_create_collection_with` and
/// `veclite_alter_collection`; what is not set stays as it is. Under the hood a
/// `Box<CollectionChange>`. Create with `veclite_collection_change_new`, free with
/// `veclite_collection_change_free`. Not safe for concurrent mutation.
pub struct veclite_collection_change {
    inner: CollectionChange,
}

/// A new, empty change. Caller owns it; free with `veclite_collection_change_free`.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_collection_change_new() -> *mut veclite_collection_change {
    Box::into_raw(Box::new(veclite_collection_change { inner: CollectionChange::default() }))
}

/// Frees a change. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_free(change: *mut veclite_collection_change) {
    if !change.is_null() {
        // SAFETY: `change` came from `veclite_collection_change_new` and is freed once.
        drop(unsafe { Box::from_raw(change) });
    }
}

fn with_change(
    change: *mut veclite_collection_change,
    err_out: *mut *mut veclite_error,
    f: impl FnOnce(&mut CollectionChange) -> FfiResult,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `change` is NULL or live and not used concurrently (API contract).
        let c = unsafe { change.as_mut() }.ok_or_else(|| FfiError::null("change"))?;
        f(&mut c.inner)
    })
}

/// Sets the collection description (copied; it replaces the schema's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_set_description(
    change: *mut veclite_collection_change,
    text: *const u8,
    text_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        // SAFETY: API contract.
        c.description = Some(unsafe { str_arg(text, text_len, "text") }?.to_owned());
        Ok(())
    })
}

/// Sets the description of field `field` (copied). An unknown field fails the create or alter
/// call with `VECLITE_STATUS_NOT_FOUND`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_set_field_description(
    change: *mut veclite_collection_change,
    field: *const u8,
    field_len: usize,
    text: *const u8,
    text_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        // SAFETY: API contract.
        let (field, text) =
            unsafe { (str_arg(field, field_len, "field")?, str_arg(text, text_len, "text")?) };
        c.field_descriptions.push((field.to_owned(), text.to_owned()));
        Ok(())
    })
}

/// Sets the consistency level (`VECLITE_CONSISTENCY_*`; another number is
/// `VECLITE_STATUS_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_set_consistency_level(
    change: *mut veclite_collection_change,
    level: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        c.consistency_level = Some(ConsistencyLevel::from_number(level)?);
        Ok(())
    })
}

/// Sets the shard number, recorded only (a collection is one shard); 0 means 1, the default.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_set_shard_num(
    change: *mut veclite_collection_change,
    shards: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        c.shard_num = Some(if shards == 0 { DEFAULT_SHARD_NUM } else { shards });
        Ok(())
    })
}

/// Sets the number of partitions of a partition-key collection (Milvus's `num_partitions`,
/// 1..=1024; 16 when not set). Only `veclite_create_collection_with` takes it, and only for a
/// schema with a partition key (`VECLITE_FLAG_PARTITION_KEY`); otherwise the call fails with
/// `VECLITE_STATUS_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_set_num_partitions(
    change: *mut veclite_collection_change,
    num_partitions: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        c.num_partitions = Some(num_partitions);
        Ok(())
    })
}

/// Sets property `key` to `value` (both copied; a later value of the same key wins). The create
/// or alter call checks it: a value veclite cannot honour (e.g. `allow_insert_auto_id` true, or
/// a `collection.ttl.seconds` that is not a non-negative integer) fails with
/// `VECLITE_STATUS_INVALID_ARGUMENT` naming the property.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_set_property(
    change: *mut veclite_collection_change,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        // SAFETY: API contract.
        let (key, value) = unsafe { (str_arg(key, key_len, "key")?, str_arg(value, value_len, "value")?) };
        c.set_properties.push(Property { key: key.to_owned(), value: value.to_owned() });
        Ok(())
    })
}

/// Removes property `key` (copied); a key that is not set is no error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_change_delete_property(
    change: *mut veclite_collection_change,
    key: *const u8,
    key_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_change(change, err_out, |c| {
        // SAFETY: API contract.
        c.delete_properties.push(unsafe { str_arg(key, key_len, "key") }?.to_owned());
        Ok(())
    })
}

/// Creates a collection from `schema` with the default settings (consistency level Bounded, one
/// shard, no properties) and `change` (may be NULL) applied, in one commit. Both are borrowed
/// for the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_create_collection_with(
    db: *const super::veclite_db,
    schema: *const veclite_schema,
    change: *const veclite_collection_change,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: `schema` and `change` are NULL or live (API contract).
        let (schema, change) = unsafe { (arg(schema, "schema")?, change.as_ref()) };
        let default = CollectionChange::default();
        Ok(db.create_collection_with(schema.inner.clone(), change.map_or(&default, |c| &c.inner))?)
    })
}

/// Applies `change` (borrowed for the call) to the collection's metadata, as Milvus's
/// `AlterCollection`: all of it in one commit, or nothing (on any error).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_alter_collection(
    db: *const super::veclite_db,
    collection: *const u8,
    collection_len: usize,
    change: *const veclite_collection_change,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (name, change) =
            unsafe { (str_arg(collection, collection_len, "collection")?, arg(change, "change")?) };
        Ok(db.alter_collection(name, &change.inner)?)
    })
}

/// A collection's settings: consistency level, shard number and properties. Caller owns it;
/// free with `veclite_collection_settings_free`. Immutable; safe to share across threads.
pub struct veclite_collection_settings {
    inner: CollectionSettings,
}

/// Stores the collection's settings in `*settings_out` (caller owns them). Its descriptions are
/// in the schema `veclite_describe_collection` returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_describe_collection_settings(
    db: *const super::veclite_db,
    collection: *const u8,
    collection_len: usize,
    settings_out: *mut *mut veclite_collection_settings,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(collection, collection_len, "collection") }?;
        let out = out_arg(settings_out, "settings_out")?;
        let inner = db.describe_collection(name)?.settings;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(veclite_collection_settings { inner }))) };
        Ok(())
    })
}

/// Frees settings. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_settings_free(settings: *mut veclite_collection_settings) {
    if !settings.is_null() {
        // SAFETY: `settings` came from the library and is freed once.
        drop(unsafe { Box::from_raw(settings) });
    }
}

/// The consistency level (`VECLITE_CONSISTENCY_*`); `VECLITE_CONSISTENCY_BOUNDED` for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_settings_consistency_level(
    settings: *const veclite_collection_settings,
) -> u32 {
    // SAFETY: `settings` is NULL or live (API contract).
    unsafe { settings.as_ref() }.map_or(VECLITE_CONSISTENCY_BOUNDED, |s| s.inner.consistency_level.number())
}

/// The shard number (at least 1); 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_settings_shard_num(
    settings: *const veclite_collection_settings,
) -> u32 {
    // SAFETY: `settings` is NULL or live (API contract).
    unsafe { settings.as_ref() }.map_or(0, |s| s.inner.shard_num)
}

/// The number of partitions of a partition-key collection; 0 for a collection without a
/// partition key, and for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_settings_num_partitions(
    settings: *const veclite_collection_settings,
) -> u32 {
    // SAFETY: `settings` is NULL or live (API contract).
    unsafe { settings.as_ref() }.map_or(0, |s| s.inner.num_partitions)
}

/// Number of properties; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_settings_property_count(
    settings: *const veclite_collection_settings,
) -> usize {
    // SAFETY: `settings` is NULL or live (API contract).
    unsafe { settings.as_ref() }.map_or(0, |s| s.inner.properties.len())
}

/// Writes property `i` (in the order first set) as `(ptr, len)` key and value, valid until the
/// settings are freed. Each out-param may be NULL. Returns false (writing nothing) for NULL or an
/// index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_collection_settings_property(
    settings: *const veclite_collection_settings,
    i: usize,
    key_out: *mut *const u8,
    key_len_out: *mut usize,
    value_out: *mut *const u8,
    value_len_out: *mut usize,
) -> bool {
    // SAFETY: `settings` is NULL or live (API contract).
    let Some(p) = (unsafe { settings.as_ref() }).and_then(|s| s.inner.properties.get(i)) else {
        return false;
    };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(p.key.as_bytes(), key_out, key_len_out);
        put_bytes(p.value.as_bytes(), value_out, value_len_out);
    }
    true
}
