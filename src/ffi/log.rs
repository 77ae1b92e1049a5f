//! `veclite_set_log_callback`: the core's events (seal, compaction, index builds, recovery,
//! corruption found, slow fsync, failures of background work) delivered to a C function.

use std::ffi::{CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{OnceLock, PoisonError, RwLock};

use ::log::{LevelFilter, Log, Metadata, Record};

use super::{FfiError, call, veclite_error, veclite_status};
use crate::error::Status;

/// Log level: no event (as `max_level`: logging off).
pub const VECLITE_LOG_OFF: u32 = 0;
/// Log level: corruption found, background work that failed.
pub const VECLITE_LOG_ERROR: u32 = 1;
/// Log level: slow or retried operations (slow fsync, a seal retried later), data recovery skips.
pub const VECLITE_LOG_WARN: u32 = 2;
/// Log level: lifecycle events (seal, compaction, index build, recovery actions).
pub const VECLITE_LOG_INFO: u32 = 3;
/// Log level: detail (each segment file written).
pub const VECLITE_LOG_DEBUG: u32 = 4;
/// Log level: finest detail.
pub const VECLITE_LOG_TRACE: u32 = 5;

/// Receives one event: its level (`VECLITE_LOG_ERROR` .. `VECLITE_LOG_TRACE`), its target (the
/// veclite module that logged it, e.g. "veclite::collection::maintenance") and its message, both
/// NUL-terminated UTF-8 valid only during the call, and the `user_data` given at registration.
///
/// It may be called from any thread, veclite's background threads included, and from several
/// threads at once, while veclite holds internal locks: it must be thread-safe, return promptly,
/// not unwind (no C++ exception or longjmp out of it), and must not call any veclite function.
pub type veclite_log_callback = Option<
    unsafe extern "C" fn(level: u32, target: *const c_char, message: *const c_char, user_data: *mut c_void),
>;

/// The registered callback and its user data.
struct Sink {
    callback: unsafe extern "C" fn(u32, *const c_char, *const c_char, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: `veclite_set_log_callback` requires `user_data` to be usable from any thread (the
// callback is documented to run on any thread); veclite never dereferences it.
unsafe impl Send for Sink {}
// SAFETY: as above; the sink is only read (copied into calls) while shared.
unsafe impl Sync for Sink {}

/// The current callback. Held for reading during each call of it, so replacing it waits for
/// calls in progress.
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// The `log` facade's logger of this library: forwards to [`SINK`].
struct CallbackLogger;

impl Log for CallbackLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= ::log::max_level()
    }

    fn log(&self, record: &Record) {
        // Logging never fails or unwinds into the operation that logged.
        let _ = catch_unwind(AssertUnwindSafe(|| forward(record)));
    }

    fn flush(&self) {}
}

/// Calls the registered callback, if any, with `record`.
fn forward(record: &Record) {
    let sink = SINK.read().unwrap_or_else(PoisonError::into_inner);
    let Some(sink) = sink.as_ref() else { return };
    let text = |s: String| CString::new(s.replace('\0', " ")).unwrap_or_default();
    let (target, message) = (text(record.target().to_owned()), text(record.args().to_string()));
    // SAFETY: the callback was registered for exactly this signature; both strings are
    // NUL-terminated and outlive the call; `user_data` is passed through untouched.
    unsafe { (sink.callback)(record.level() as u32, target.as_ptr(), message.as_ptr(), sink.user_data) };
}

/// Installs [`CallbackLogger`] as the process's `log` logger once.
///
/// # Errors
/// `VECLITE_STATUS_ALREADY_EXISTS` when another logger was installed first (by a Rust host
/// linking veclite, for example).
fn install() -> Result<(), FfiError> {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    if *INSTALLED.get_or_init(|| ::log::set_logger(&CallbackLogger).is_ok()) {
        Ok(())
    } else {
        Err(FfiError::new(
            Status::AlreadyExists,
            "another logger is already installed in this process: veclite's events go to it",
        ))
    }
}

/// The level filter of `max_level`.
fn level_filter(max_level: u32) -> Result<LevelFilter, FfiError> {
    LevelFilter::iter().nth(max_level as usize).ok_or_else(|| {
        FfiError::invalid(format!(
            "max_level {max_level} is not a log level: use VECLITE_LOG_OFF (0) to VECLITE_LOG_TRACE (5)"
        ))
    })
}

/// Delivers veclite's events up to `max_level` (`VECLITE_LOG_OFF` .. `VECLITE_LOG_TRACE`) to
/// `callback` with `user_data`. No event is produced or formatted until a callback is set.
/// Calling it again replaces the callback, user data and level; a NULL `callback` (or
/// `VECLITE_LOG_OFF`) turns logging off. When it returns, no call of the previous callback is
/// in progress and none follows, so the previous `user_data` may be freed.
///
/// Logging is process-wide (all databases). See `veclite_log_callback` for what the callback
/// must do; it must not call `veclite_set_log_callback` itself. `user_data` must stay valid until
/// the callback is replaced and be usable from any thread.
///
/// Errors: `VECLITE_STATUS_INVALID_ARGUMENT` for a `max_level` above `VECLITE_LOG_TRACE`;
/// `VECLITE_STATUS_ALREADY_EXISTS` when the process already has another logger for the Rust
/// `log` facade (then nothing changes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_set_log_callback(
    callback: veclite_log_callback,
    user_data: *mut c_void,
    max_level: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        let filter = level_filter(max_level)?;
        install()?;
        let sink = callback.map(|callback| Sink { callback, user_data });
        let filter = if sink.is_some() { filter } else { LevelFilter::Off };
        *SINK.write().unwrap_or_else(PoisonError::into_inner) = sink;
        ::log::set_max_level(filter);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_the_log_facade_and_out_of_range_is_refused() {
        assert_eq!(level_filter(VECLITE_LOG_OFF).unwrap(), LevelFilter::Off);
        assert_eq!(level_filter(VECLITE_LOG_ERROR).unwrap(), LevelFilter::Error);
        assert_eq!(level_filter(VECLITE_LOG_INFO).unwrap(), LevelFilter::Info);
        assert_eq!(level_filter(VECLITE_LOG_TRACE).unwrap(), LevelFilter::Trace);
        assert_eq!(::log::Level::Warn as u32, VECLITE_LOG_WARN);
        assert_eq!(::log::Level::Debug as u32, VECLITE_LOG_DEBUG);
        let err = level_filter(6).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument);
        assert!(err.message.contains("max_level 6"), "{}", err.message);
    }
}
