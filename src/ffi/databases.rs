//! Databases: create, drop, list, describe, and the database a handle works in.

use super::db::{veclite_db, with_db};
use super::strings::veclite_strings;
use super::{FfiError, arg, out_arg, put, str_arg, strs_arg, veclite_error};
use crate::error::Status;

/// Creates database `name` with `n_properties` properties, given as parallel `(ptrs, lens)`
/// arrays of keys and values (borrowed; NULL when 0). Errors: `VECLITE_INVALID_ARGUMENT` (invalid
/// name), `VECLITE_ALREADY_EXISTS` (`default` included).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_create_database(
    db: *const veclite_db,
    name: *const u8,
    name_len: usize,
    keys: *const *const u8,
    key_lens: *const usize,
    values: *const *const u8,
    value_lens: *const usize,
    n_properties: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (name, keys, values) = unsafe {
            (
                str_arg(name, name_len, "name")?,
                strs_arg(keys, key_lens, n_properties, "keys")?,
                strs_arg(values, value_lens, n_properties, "values")?,
            )
        };
        let properties: Vec<(String, String)> =
            keys.iter().zip(&values).map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Ok(db.create_database(name, &properties)?)
    })
}

/// Drops the empty database `name`. Errors: `VECLITE_NOT_FOUND` (kind database),
/// `VECLITE_INVALID_ARGUMENT` for `default` or a database that still holds collections.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_drop_database(
    db: *const veclite_db,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        Ok(db.drop_database(name)?)
    })
}

/// Stores in `*names_out` every database name, `default` first (free with
/// `veclite_strings_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_list_databases(
    db: *const veclite_db,
    names_out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        let out = out_arg(names_out, "names_out")?;
        let names = db.list_databases()?;
        // SAFETY: `out` is non-NULL (checked) and writable (API contract).
        unsafe { put(out, veclite_strings::boxed(names)) };
        Ok(())
    })
}

/// Stores the properties of database `name` (`""` = `default`) in `*keys_out` and
/// `*values_out`, parallel lists sorted by key (free each with `veclite_strings_free`). Errors:
/// `VECLITE_NOT_FOUND` (kind database).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_describe_database(
    db: *const veclite_db,
    name: *const u8,
    name_len: usize,
    keys_out: *mut *mut veclite_strings,
    values_out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        let keys = out_arg(keys_out, "keys_out")?;
        let values = out_arg(values_out, "values_out")?;
        // SAFETY: API contract; NULL reads as "".
        let name = unsafe { super::opt_str_arg(name, name_len, "name") }?;
        let info = db.describe_database(name)?;
        let (k, v): (Vec<String>, Vec<String>) = info.properties.into_iter().unzip();
        // SAFETY: both are non-NULL (checked) and writable (API contract).
        unsafe {
            put(keys, veclite_strings::boxed(k));
            put(values, veclite_strings::boxed(v));
        }
        Ok(())
    })
}

/// Makes handle `db` work in database `name` (`""` = `default`), as Milvus's `using_database`:
/// the collection and alias names of later calls through this handle are those of that
/// database. Other handles of the same directory are unaffected. Errors: `VECLITE_NOT_FOUND`
/// (kind database).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_db_use_database(
    db: *const veclite_db,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |current| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        let scoped = current.using_database(name)?;
        // SAFETY: `with_db` checked that `db` is non-NULL and live.
        let handle = unsafe { arg(db, "db") }?;
        *handle.database.write().map_err(|_| FfiError::invalid("the database handle is poisoned"))? =
            Some(scoped);
        Ok(())
    })
}

/// Renames collection `old` of the handle's database to `new` in database `new_db` (NULL or
/// empty = the handle's database), keeping its rows, indexes, settings and aliases. Errors:
/// `VECLITE_NOT_FOUND` (collection or database), `VECLITE_ALREADY_EXISTS` (the new name is a
/// collection or an alias), `VECLITE_INVALID_ARGUMENT` (invalid name, `old` is an alias, or a
/// move to another database of a collection with aliases).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_rename_collection(
    db: *const veclite_db,
    old: *const u8,
    old_len: usize,
    new: *const u8,
    new_len: usize,
    new_db: *const u8,
    new_db_len: usize,
    err_out: *mut *mut veclite_error,
) -> Status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract; a NULL `new_db` reads as "".
        let (old, new, new_db) = unsafe {
            (
                str_arg(old, old_len, "old")?,
                str_arg(new, new_len, "new")?,
                super::opt_str_arg(new_db, new_db_len, "new_db")?,
            )
        };
        Ok(db.rename_collection(old, new, Some(new_db))?)
    })
}
