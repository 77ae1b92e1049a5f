//! `veclite_ctx`: deadline and cancellation for one or more calls.

use std::time::Duration;

use crate::context::Context;

/// A call context: an optional deadline and a cancel flag, checked by long calls (search,
/// flush, compaction) and before writes. Pass NULL where a context is accepted for "no deadline,
/// never cancelled". Created by `veclite_ctx_new` / `veclite_ctx_new_with_timeout_ms`, freed by
/// `veclite_ctx_free` (after every call using it has returned). Safe to use from multiple threads
/// simultaneously: `veclite_ctx_cancel` may run while a call uses the context.
pub struct veclite_ctx {
    pub(crate) inner: Context,
}

/// A context with no deadline. Caller owns it; free with `veclite_ctx_free`.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_ctx_new() -> *mut veclite_ctx {
    Box::into_raw(Box::new(veclite_ctx { inner: Context::background() }))
}

/// A context whose deadline is `timeout_ms` milliseconds from now (0 = already expired).
/// Caller owns it; free with `veclite_ctx_free`.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_ctx_new_with_timeout_ms(timeout_ms: u64) -> *mut veclite_ctx {
    let inner = Context::with_timeout(Duration::from_millis(timeout_ms));
    Box::into_raw(Box::new(veclite_ctx { inner }))
}

/// Cancels every call using `ctx`: they return `VECLITE_STATUS_CANCELLED` at their next check.
/// NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_ctx_cancel(ctx: *const veclite_ctx) {
    // SAFETY: `ctx` is NULL or a live context (API contract).
    if let Some(ctx) = unsafe { ctx.as_ref() } {
        ctx.inner.cancel();
    }
}

/// Frees a context. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_ctx_free(ctx: *mut veclite_ctx) {
    if !ctx.is_null() {
        // SAFETY: `ctx` came from `veclite_ctx_new*` and is freed once (API contract).
        drop(unsafe { Box::from_raw(ctx) });
    }
}

/// The context behind `ctx`, or a background context for NULL.
///
/// # Safety
/// `ctx` is NULL or a live context.
pub(crate) unsafe fn context_arg(ctx: *const veclite_ctx) -> Context {
    // SAFETY: caller contract.
    unsafe { ctx.as_ref() }.map_or_else(Context::background, |c| c.inner.clone())
}
