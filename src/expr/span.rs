//! Source locations and the one shape of filter error messages.

use crate::error::Error;

/// Longest token text quoted in an error message; longer tokens are cut with `…`.
const MAX_QUOTED: usize = 40;

/// Half-open byte range `start..end` of a token in the filter text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

/// `Error::InvalidArgument` reading
/// `filter error at offset <start> ("<token text>"): <message>`, or
/// `filter error at offset <start> (end of input): <message>` for an empty span at the end.
pub(crate) fn syntax_error(src: &str, span: Span, message: String) -> Error {
    let text = src.get(span.start..span.end).unwrap_or_default();
    let token = if text.is_empty() {
        "end of input".to_owned()
    } else if text.chars().count() > MAX_QUOTED {
        let cut: String = text.chars().take(MAX_QUOTED).collect();
        format!("{:?}", format!("{cut}…"))
    } else {
        format!("{text:?}")
    };
    Error::InvalidArgument(format!("filter error at offset {} ({token}): {message}", span.start))
}
