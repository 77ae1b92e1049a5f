//! Status codes, error objects, versions and capabilities.

use std::ffi::{CString, c_char};

use super::FfiError;
use crate::error::{ObjectKind, Status};

/// Object kind of an error that names no collection, partition, field or index.
pub const VECLITE_OBJECT_NONE: u32 = 0;
/// Object kind: a collection.
pub const VECLITE_OBJECT_COLLECTION: u32 = 1;
/// Object kind: a partition.
pub const VECLITE_OBJECT_PARTITION: u32 = 2;
/// Object kind: a field.
pub const VECLITE_OBJECT_FIELD: u32 = 3;
/// Object kind: a vector index.
pub const VECLITE_OBJECT_INDEX: u32 = 4;
/// Object kind: a collection alias.
pub const VECLITE_OBJECT_ALIAS: u32 = 5;
/// Object kind: a database (a namespace of collections).
pub const VECLITE_OBJECT_DATABASE: u32 = 6;

/// The `VECLITE_OBJECT_*` number of `kind` (`VECLITE_OBJECT_NONE` for `None`).
fn object_kind_number(kind: Option<ObjectKind>) -> u32 {
    match kind {
        None => VECLITE_OBJECT_NONE,
        Some(ObjectKind::Collection) => VECLITE_OBJECT_COLLECTION,
        Some(ObjectKind::Partition) => VECLITE_OBJECT_PARTITION,
        Some(ObjectKind::Field) => VECLITE_OBJECT_FIELD,
        Some(ObjectKind::Index) => VECLITE_OBJECT_INDEX,
        Some(ObjectKind::Alias) => VECLITE_OBJECT_ALIAS,
        Some(ObjectKind::Database) => VECLITE_OBJECT_DATABASE,
    }
}

/// Status of every fallible veclite call: `VECLITE_STATUS_OK` (0) on success. Values are
/// stable across releases.
pub type veclite_status = Status;

/// Details of a failed call: a status code and a message naming what failed and where.
/// Created by any call that fails when its `err_out` is non-NULL; the caller owns it and frees
/// it with `veclite_error_free`. Immutable; safe to share across threads.
pub struct veclite_error {
    code: Status,
    message: CString,
    object_kind: u32,
}

impl veclite_error {
    pub(crate) fn boxed(e: FfiError) -> *mut veclite_error {
        let message = CString::new(e.message.replace('\0', " ")).unwrap_or_default();
        let object_kind = object_kind_number(e.kind);
        Box::into_raw(Box::new(veclite_error { code: e.status, message, object_kind }))
    }
}

/// Status code of `err`; `VECLITE_STATUS_NULL_ARGUMENT` when `err` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_error_code(err: *const veclite_error) -> veclite_status {
    // SAFETY: `err` is NULL or a live error object (API contract).
    unsafe { err.as_ref() }.map_or(Status::NullArgument, |e| e.code)
}

/// Message of `err` as a NUL-terminated UTF-8 string, valid until `err` is freed; "" when `err`
/// is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_error_message(err: *const veclite_error) -> *const c_char {
    // SAFETY: `err` is NULL or a live error object (API contract).
    unsafe { err.as_ref() }.map_or(c"".as_ptr(), |e| e.message.as_ptr())
}

/// Kind of object a `VECLITE_STATUS_NOT_FOUND` or `VECLITE_STATUS_ALREADY_EXISTS` error names:
/// one of `VECLITE_OBJECT_COLLECTION`, `_PARTITION`, `_FIELD` or `_INDEX`. `VECLITE_OBJECT_NONE`
/// (0) for every other error and when `err` is NULL. The numbers are stable across releases;
/// callers should treat an unknown number like `VECLITE_OBJECT_NONE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_error_object_kind(err: *const veclite_error) -> u32 {
    // SAFETY: `err` is NULL or a live error object (API contract).
    unsafe { err.as_ref() }.map_or(VECLITE_OBJECT_NONE, |e| e.object_kind)
}

/// Frees an error object. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_error_free(err: *mut veclite_error) {
    if !err.is_null() {
        // SAFETY: `err` came from `veclite_error::boxed` and is freed once (API contract).
        drop(unsafe { Box::from_raw(err) });
    }
}

/// Static upper-case name of a status code (e.g. "DUPLICATE_PRIMARY_KEY"); "UNKNOWN" for a
/// number that is not a status.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_status_name(status: u32) -> *const c_char {
    Status::from_u32(status).map_or(c"UNKNOWN", Status::c_name).as_ptr()
}

/// The library version, e.g. "0.1.0" (static string).
#[unsafe(no_mangle)]
pub extern "C" fn veclite_version() -> *const c_char {
    const VERSION: &std::ffi::CStr =
        match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// The SIMD path the distance kernels use: "avx512", "avx2+fma", "neon" or "scalar" (static
/// string). `VECLITE_SIMD=scalar` in the environment forces the scalar path.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_simd_capabilities() -> *const c_char {
    match crate::simd::capabilities() {
        "avx512" => c"avx512".as_ptr(),
        "avx2+fma" => c"avx2+fma".as_ptr(),
        "neon" => c"neon".as_ptr(),
        _ => c"scalar".as_ptr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_match_the_core() {
        for status in Status::all() {
            // SAFETY: static NUL-terminated strings.
            let name = unsafe { std::ffi::CStr::from_ptr(veclite_status_name(status as u32)) };
            assert_eq!(name.to_str().unwrap(), status.name());
        }
        // SAFETY: static NUL-terminated string.
        let unknown = unsafe { std::ffi::CStr::from_ptr(veclite_status_name(99)) };
        assert_eq!(unknown.to_str().unwrap(), "UNKNOWN");
    }

    #[test]
    fn error_object_kind_follows_the_core_error() {
        let cases = [
            (crate::error::Error::not_found(ObjectKind::Collection, "c"), VECLITE_OBJECT_COLLECTION),
            (crate::error::Error::not_found_in(ObjectKind::Partition, "p", "c"), VECLITE_OBJECT_PARTITION),
            (crate::error::Error::not_found_in(ObjectKind::Field, "f", "c"), VECLITE_OBJECT_FIELD),
            (crate::error::Error::not_found_in(ObjectKind::Index, "i", "c"), VECLITE_OBJECT_INDEX),
            (
                crate::error::Error::AlreadyExists { kind: ObjectKind::Collection, name: "c".into() },
                VECLITE_OBJECT_COLLECTION,
            ),
            (crate::error::Error::InvalidArgument("x".into()), VECLITE_OBJECT_NONE),
        ];
        for (e, want) in cases {
            let err = veclite_error::boxed(e.into());
            // SAFETY: `err` is a live error object, freed once below.
            unsafe {
                assert_eq!(veclite_error_object_kind(err), want);
                veclite_error_free(err);
            }
        }
        // SAFETY: NULL is allowed.
        assert_eq!(unsafe { veclite_error_object_kind(std::ptr::null()) }, VECLITE_OBJECT_NONE);
    }
}
