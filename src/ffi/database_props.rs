//! Database properties: `veclite_alter_database_properties`.

use super::index::pairs_arg;
use super::{opt_str_arg, strs_arg, veclite_db, veclite_error, veclite_status, with_db};

/// Changes the properties of database `name` (NULL or "" = `default`; Milvus's
/// `AlterDatabase`): sets the `n_set` key/value pairs (four parallel arrays of `(ptr, len)`
/// UTF-8 strings) and removes the `n_delete` keys (a key that is not set is no error); arrays
/// may be NULL when their count is 0. `database.replica.number` must be 1; the keys Milvus
/// acts on and veclite cannot honour (`database.resource_groups`, `database.diskQuota.mb`,
/// `database.max.collections`, `database.force.deny.*`) fail with
/// `VECLITE_STATUS_UNSUPPORTED`; other keys are recorded. A key set twice or both set and
/// removed is `VECLITE_STATUS_INVALID_ARGUMENT`; an unknown database
/// `VECLITE_STATUS_NOT_FOUND`. One manifest commit. `veclite_describe_database` reports them.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn veclite_alter_database_properties(
    db: *const veclite_db,
    name: *const u8,
    name_len: usize,
    keys: *const *const u8,
    key_lens: *const usize,
    values: *const *const u8,
    value_lens: *const usize,
    n_set: usize,
    delete_keys: *const *const u8,
    delete_key_lens: *const usize,
    n_delete: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (name, set, delete) = unsafe {
            (
                opt_str_arg(name, name_len, "name")?,
                pairs_arg(keys, key_lens, values, value_lens, n_set)?,
                strs_arg(delete_keys, delete_key_lens, n_delete, "delete_keys")?,
            )
        };
        db.alter_database_properties(name, &set, &delete)?;
        Ok(())
    })
}
