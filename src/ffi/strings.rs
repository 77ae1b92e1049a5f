//! `veclite_strings`: a list of strings returned by the library.

use super::put_bytes;

/// A list of UTF-8 strings (collection or partition names). Caller owns it; free with
/// `veclite_strings_free`. Immutable; safe to share across threads.
pub struct veclite_strings {
    pub(crate) items: Vec<String>,
}

impl veclite_strings {
    pub(crate) fn boxed(items: Vec<String>) -> *mut veclite_strings {
        Box::into_raw(Box::new(veclite_strings { items }))
    }
}

/// Number of strings; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_strings_len(list: *const veclite_strings) -> usize {
    // SAFETY: `list` is NULL or live (API contract).
    unsafe { list.as_ref() }.map_or(0, |l| l.items.len())
}

/// Writes string `i` as `(ptr, len)` (not NUL-terminated; valid until the list is freed).
/// Returns false (writing nothing) for NULL or an index out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_strings_get(
    list: *const veclite_strings,
    i: usize,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> bool {
    // SAFETY: `list` is NULL or live (API contract).
    match unsafe { list.as_ref() }.and_then(|l| l.items.get(i)) {
        Some(s) => {
            // SAFETY: out-params are NULL or writable (API contract).
            unsafe { put_bytes(s.as_bytes(), ptr_out, len_out) };
            true
        }
        None => false,
    }
}

/// Frees a list. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_strings_free(list: *mut veclite_strings) {
    if !list.is_null() {
        // SAFETY: `list` came from the library and is freed once (API contract).
        drop(unsafe { Box::from_raw(list) });
    }
}
