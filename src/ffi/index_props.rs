//! Index properties: `veclite_alter_index_properties`.

use super::index::pairs_arg;
use super::{str_arg, strs_arg, veclite_db, veclite_error, veclite_status, with_db};

/// Changes the properties of the index named `index_name` of `collection` (Milvus's
/// `AlterIndex`): sets the `n_set` key/value pairs (four parallel arrays of `(ptr, len)` UTF-8
/// strings) and removes the `n_delete` keys (a key that is not set is no error); arrays may be
/// NULL when their count is 0. As in Milvus, `mmap.enabled` (a boolean as Go's `ParseBool`
/// reads it) is the only key that can be set; veclite records it (sealed data is always
/// memory-mapped). Any other key, a bad value, or a key set twice or both set and removed is
/// `VECLITE_STATUS_INVALID_ARGUMENT`; an unknown index `VECLITE_STATUS_NOT_FOUND`. One catalog
/// commit: all of the change or none. `veclite_index_info_param` reports the properties.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn veclite_alter_index_properties(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    index_name: *const u8,
    index_name_len: usize,
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
        let (c, name, set, delete) = unsafe {
            (
                str_arg(collection, collection_len, "collection")?,
                str_arg(index_name, index_name_len, "index_name")?,
                pairs_arg(keys, key_lens, values, value_lens, n_set)?,
                strs_arg(delete_keys, delete_key_lens, n_delete, "delete_keys")?,
            )
        };
        db.collection(c)?.alter_index_properties(name, &set, &delete)?;
        Ok(())
    })
}
