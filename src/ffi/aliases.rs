//! Collection aliases: create, alter, drop, describe and list. An alias is accepted wherever a
//! collection name is.

use super::db::{veclite_db, with_db};
use super::strings::veclite_strings;
use super::{opt_str_arg, out_arg, put, str_arg, veclite_error};
use crate::db::Database;
use crate::error::{Result, Status};

/// Runs `f(db, collection, alias)` with the two strings read from their `(ptr, len)` pairs.
///
/// # Safety
/// The strings are NULL or readable for their lengths; `db` is NULL or live.
unsafe fn with_pair(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    alias: *const u8,
    alias_len: usize,
    err_out: *mut *mut veclite_error,
    f: fn(&Database, &str, &str) -> Result<()>,
) -> Status {
    with_db(db, err_out, |db| {
        // SAFETY: caller contract.
        let (collection, alias) = unsafe {
            (str_arg(collection, collection_len, "collection")?, str_arg(alias, alias_len, "alias")?)
        };
        Ok(f(db, collection, alias)?)
    })
}

/// Makes `alias` another name of collection `collection`. Errors: `VECLITE_NOT_FOUND` (unknown
/// collection), `VECLITE_INVALID_ARGUMENT` (invalid name, or the name of a collection),
/// `VECLITE_ALREADY_EXISTS` (the alias points to another collection).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_create_alias(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    alias: *const u8,
    alias_len: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    // SAFETY: forwarded API contract.
    unsafe { with_pair(db, collection, collection_len, alias, alias_len, err_out, Database::create_alias) }
}

/// Points the existing `alias` to collection `collection`. Errors: `VECLITE_NOT_FOUND` for an
/// unknown alias or collection (`veclite_error_object_kind` says which).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_alter_alias(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    alias: *const u8,
    alias_len: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    // SAFETY: forwarded API contract.
    unsafe { with_pair(db, collection, collection_len, alias, alias_len, err_out, Database::alter_alias) }
}

/// Removes `alias`; an alias that does not exist is no error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_drop_alias(
    db: *const veclite_db,
    alias: *const u8,
    alias_len: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        // SAFETY: as in `veclite_create_alias`.
        let alias = unsafe { str_arg(alias, alias_len, "alias") }?;
        Ok(db.drop_alias(alias)?)
    })
}

/// Stores in `*collection_out` a one-item list holding the collection `alias` points to (free
/// with `veclite_strings_free`). Errors: `VECLITE_NOT_FOUND` for an unknown alias.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_describe_alias(
    db: *const veclite_db,
    alias: *const u8,
    alias_len: usize,
    collection_out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        let out = out_arg(collection_out, "collection_out")?;
        // SAFETY: as in `veclite_create_alias`.
        let alias = unsafe { str_arg(alias, alias_len, "alias") }?;
        let collection = db.describe_alias(alias)?;
        // SAFETY: `out` is non-NULL (checked) and writable (API contract).
        unsafe { put(out, veclite_strings::boxed(vec![collection])) };
        Ok(())
    })
}

/// Stores in `*aliases_out` the sorted aliases of collection `collection`, or of every
/// collection when `collection` is NULL (free with `veclite_strings_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_list_aliases(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    aliases_out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        let out = out_arg(aliases_out, "aliases_out")?;
        // SAFETY: as in `veclite_create_alias`; NULL reads as "".
        let collection = unsafe { opt_str_arg(collection, collection_len, "collection") }?;
        let aliases = db.list_aliases((!collection.is_empty()).then_some(collection))?;
        // SAFETY: `out` is non-NULL (checked) and writable (API contract).
        unsafe { put(out, veclite_strings::boxed(aliases)) };
        Ok(())
    })
}
