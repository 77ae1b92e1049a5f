//! Filter templates: `veclite_filter_render` turns a filter with `{name}` placeholders and its
//! values (Milvus's `filter_params`) into the plain filter every other call takes.

use super::strings::veclite_strings;
use super::{call, out_arg, put, str_arg, veclite_error};
use crate::error::Status;
use crate::expr::render_template_json;

/// Renders the filter template `expr` (`expr_len` bytes of UTF-8) with the placeholder values in
/// `params_json` (`params_len` bytes: a JSON object such as `{"min": 3, "names": ["a", "b"]}`;
/// integers that fit 64 bits are integers, other numbers floats). On success `*out` is a list
/// holding the one rendered filter (free with `veclite_strings_free`).
///
/// Errors: `VECLITE_INVALID_ARGUMENT` for a placeholder without a value (naming its offset), a
/// value no placeholder uses, a value that is not a boolean, number, string or array of those,
/// or a malformed filter; NULL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_filter_render(
    expr: *const u8,
    expr_len: usize,
    params_json: *const u8,
    params_len: usize,
    out: *mut *mut veclite_strings,
    err_out: *mut *mut veclite_error,
) -> Status {
    call(err_out, || {
        let out = out_arg(out, "out")?;
        // SAFETY: the strings are NULL or readable for their lengths (API contract).
        let expr = unsafe { str_arg(expr, expr_len, "expr") }?;
        // SAFETY: as above.
        let params = unsafe { str_arg(params_json, params_len, "params_json") }?;
        let rendered = render_template_json(expr, params)?;
        // SAFETY: `out` is non-NULL (checked) and writable (API contract).
        unsafe { put(out, veclite_strings::boxed(vec![rendered])) };
        Ok(())
    })
}
