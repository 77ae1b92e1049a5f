//! The C ABI (`include/veclite.h` is generated from this module by cbindgen).
//!
//! Every extern function checks its arguments, converts them, makes one call into the core and
//! maps the result: no business logic lives here. The global rules (status codes, optional
//! `veclite_error **err_out`, out-params written only on success, `(ptr, len)` UTF-8 strings
//! borrowed for the call, NULL handling, panics caught) are stated once in the header preamble
//! and docs/c-api.md, "API conventions".
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod aliases;
mod array;
mod column;
mod ctx;
mod database_props;
mod databases;
mod db;
mod filter;
mod hybrid;
mod index;
mod index_props;
mod iterators;
mod log;
mod metadata;
mod partial;
mod read;
mod schema;
mod schema_default;
mod search;
mod sparse;
mod status;
mod strings;
mod vector_types;
mod write;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use aliases::*;
pub use array::*;
pub use column::*;
pub use ctx::*;
pub use database_props::*;
pub use databases::*;
pub use db::*;
pub use filter::*;
pub use hybrid::*;
pub use index::*;
pub use index_props::*;
pub use iterators::*;
pub use log::*;
pub use metadata::*;
pub use partial::*;
pub use read::*;
pub use schema::*;
pub use search::*;
pub use sparse::*;
pub use status::*;
pub use strings::*;
pub use vector_types::*;
pub use write::*;

use crate::error::Status;

/// An error on its way to C: a status, a message and, for named objects, their kind.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub status: Status,
    pub message: String,
    /// The kind of object a not-found / already-exists error names.
    pub kind: Option<crate::error::ObjectKind>,
}

pub(crate) type FfiResult<T = ()> = std::result::Result<T, FfiError>;

impl FfiError {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        FfiError { status, message: message.into(), kind: None }
    }

    pub fn null(what: &str) -> Self {
        FfiError::new(Status::NullArgument, format!("`{what}` must not be NULL"))
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(Status::InvalidArgument, message)
    }

    fn panic(payload: Box<dyn std::any::Any + Send>) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        FfiError::new(Status::Panic, format!("internal error (panic): {text}"))
    }
}

impl From<crate::error::Error> for FfiError {
    fn from(e: crate::error::Error) -> Self {
        FfiError { status: e.status(), message: e.to_string(), kind: e.object_kind() }
    }
}

/// Runs `f` behind the panic boundary and reports its outcome: the status, plus a new error
/// object in `*err_out` (when `err_out` is non-NULL and `f` failed).
pub(crate) fn call(err_out: *mut *mut veclite_error, f: impl FnOnce() -> FfiResult) -> Status {
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(FfiError::panic(p)));
    match outcome {
        Ok(()) => Status::Ok,
        Err(e) => {
            let status = e.status;
            if !err_out.is_null() {
                // SAFETY: `err_out` is non-NULL and, by the API contract, points to writable
                // storage for one pointer.
                unsafe { *err_out = veclite_error::boxed(e) };
            }
            status
        }
    }
}

/// A required borrowed reference from a pointer argument.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` for the duration of the call.
pub(crate) unsafe fn arg<'a, T>(ptr: *const T, what: &str) -> FfiResult<&'a T> {
    // SAFETY: guaranteed by the caller (see above).
    unsafe { ptr.as_ref() }.ok_or_else(|| FfiError::null(what))
}

/// A required UTF-8 string given as `(ptr, len)`.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes for the duration of the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: `ptr` is non-NULL and points to `len` bytes (caller contract).
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).map_err(|e| FfiError::invalid(format!("`{what}` is not valid UTF-8: {e}")))
}

/// An optional UTF-8 string: NULL with length 0 reads as `""` (NULL with a length is a NULL
/// argument error, as for [`str_arg`]).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded caller contract.
    if ptr.is_null() && len == 0 { Ok("") } else { unsafe { str_arg(ptr, len, what) } }
}

/// A slice given as `(ptr, n)`; NULL is allowed only when `n == 0`.
///
/// # Safety
/// `ptr` is NULL or points to `n` readable, initialized `T`s for the duration of the call.
pub(crate) unsafe fn slice_arg<'a, T>(ptr: *const T, n: usize, what: &str) -> FfiResult<&'a [T]> {
    if n == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-NULL and `n` elements long (caller contract).
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}

/// An array of `n` UTF-8 strings given as parallel `(ptrs, lens)` arrays.
///
/// # Safety
/// `ptrs` and `lens` are NULL (only when `n == 0`) or point to `n` entries; each string pointer
/// satisfies [`str_arg`].
pub(crate) unsafe fn strs_arg<'a>(
    ptrs: *const *const u8,
    lens: *const usize,
    n: usize,
    what: &str,
) -> FfiResult<Vec<&'a str>> {
    // SAFETY: forwarded caller contract.
    let (ptrs, lens) = unsafe { (slice_arg(ptrs, n, what)?, slice_arg(lens, n, what)?) };
    ptrs.iter()
        .zip(lens)
        // SAFETY: each entry satisfies `str_arg`'s contract (caller contract).
        .map(|(&p, &l)| unsafe { str_arg(p, l, what) })
        .collect()
}

/// Writes `value` to the out-param `out` (success path only).
///
/// # Safety
/// `out` is non-NULL and writable (checked by the caller with [`out_arg`]).
pub(crate) unsafe fn put<T>(out: *mut T, value: T) {
    // SAFETY: caller contract.
    unsafe { out.write(value) }
}

/// Checks that an out-param is non-NULL.
pub(crate) fn out_arg<T>(out: *mut T, what: &str) -> FfiResult<*mut T> {
    if out.is_null() { Err(FfiError::null(what)) } else { Ok(out) }
}

/// Writes `(ptr, len)` of a byte slice into two out-params; NULL out-params are skipped.
///
/// # Safety
/// Each out-param is NULL or writable.
pub(crate) unsafe fn put_bytes(bytes: &[u8], ptr_out: *mut *const u8, len_out: *mut usize) {
    // SAFETY: caller contract; NULL out-params are skipped.
    unsafe {
        if !ptr_out.is_null() {
            ptr_out.write(bytes.as_ptr());
        }
        if !len_out.is_null() {
            len_out.write(bytes.len());
        }
    }
}
