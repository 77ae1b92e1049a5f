//! Lexer: filter text → tokens carrying their byte span.
//!
//! Contract: [`tokenize`] either returns every token of the input followed by exactly one
//! [`Tok::Eof`] (whose span is the empty span at the end of the input), or the first lexical
//! error, located at the offending character or literal.

use super::span::{Span, syntax_error};
use crate::error::Result;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator with its operands swapped: `a < b` ⇔ `b > a`.
    pub(crate) fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    /// Whether `left op right` holds, given how `left` orders against `right`; `!=` tests
    /// equality like `==` (its callers negate it, so that values of another kind match `!=`).
    pub(crate) fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering;
        match self {
            CmpOp::Eq | CmpOp::Ne => ord == Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

/// Token kinds. Keywords are accepted in lower case and upper case (`and`/`AND`); booleans
/// also capitalised (`True`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    /// Magnitude of an integer literal (a leading `-` is a separate token).
    Int(u64),
    Float(f64),
    Str(String),
    Bool(bool),
    Cmp(CmpOp),
    And,
    Or,
    Not,
    In,
    Like,
    Is,
    Null,
    Minus,
    Plus,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// A template placeholder `{name}`, replaced by a value of `filter_params` before parsing
    /// (see [`super::template`]).
    Param(String),
    Eof,
}

/// A token and where it is in the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Splits `src` into tokens.
///
/// # Errors
/// `Error::InvalidArgument` for an unexpected character, an unterminated string, or a malformed
/// or out-of-range number.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let two = bytes.get(i..i + 2).unwrap_or(&[]);
        let (tok, len) = match (c, two) {
            (_, b"==") => (Tok::Cmp(CmpOp::Eq), 2),
            (_, b"!=") => (Tok::Cmp(CmpOp::Ne), 2),
            (_, b"<=") => (Tok::Cmp(CmpOp::Le), 2),
            (_, b">=") => (Tok::Cmp(CmpOp::Ge), 2),
            (_, b"&&") => (Tok::And, 2),
            (_, b"||") => (Tok::Or, 2),
            (b'<', _) => (Tok::Cmp(CmpOp::Lt), 1),
            (b'>', _) => (Tok::Cmp(CmpOp::Gt), 1),
            (b'!', _) => (Tok::Not, 1),
            (b'-', _) => (Tok::Minus, 1),
            (b'+', _) => (Tok::Plus, 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'[', _) => (Tok::LBracket, 1),
            (b']', _) => (Tok::RBracket, 1),
            (b',', _) => (Tok::Comma, 1),
            (b'"' | b'\'', _) => {
                let (text, len) = lex_string(src, start)?;
                (Tok::Str(text), len)
            }
            (b'{', _) => lex_placeholder(src, start)?,
            (b'0'..=b'9', _) => lex_number(src, start)?,
            (b'.', _) if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => lex_number(src, start)?,
            (b'a'..=b'z' | b'A'..=b'Z' | b'_', _) => {
                let len = bytes[i..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
                (keyword_or_ident(&src[i..i + len]), len)
            }
            // The dynamic field, as in Milvus: `$meta["key"]`.
            (b'$', _) if src[i..].starts_with("$meta") => {
                let len = 5 + bytes[i + 5..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                (Tok::Ident(src[i..i + len].to_owned()), len)
            }
            _ => {
                let ch_len = src[i..].chars().next().map_or(1, char::len_utf8);
                let span = Span { start, end: start + ch_len };
                let hint = if c == b'=' { " (did you mean \"==\"?)" } else { "" };
                return Err(syntax_error(src, span, format!("unexpected character{hint}")));
            }
        };
        i += len;
        out.push(Token { tok, span: Span { start, end: i } });
    }
    out.push(Token { tok: Tok::Eof, span: Span { start: src.len(), end: src.len() } });
    Ok(out)
}

fn keyword_or_ident(word: &str) -> Tok {
    match word {
        "and" | "AND" => Tok::And,
        "or" | "OR" => Tok::Or,
        "not" | "NOT" => Tok::Not,
        "in" | "IN" => Tok::In,
        "like" | "LIKE" => Tok::Like,
        "is" | "IS" => Tok::Is,
        "null" | "NULL" => Tok::Null,
        "true" | "True" | "TRUE" => Tok::Bool(true),
        "false" | "False" | "FALSE" => Tok::Bool(false),
        _ => Tok::Ident(word.to_owned()),
    }
}

/// Lexes a template placeholder `{name}` starting at `start` (spaces inside the braces allowed).
fn lex_placeholder(src: &str, start: usize) -> Result<(Tok, usize)> {
    let bad = |end: usize| {
        let span = Span { start, end };
        syntax_error(
            src,
            span,
            "a template placeholder is `{name}`, name a letter or `_` then letters, digits or `_`".to_owned(),
        )
    };
    let close = src[start..].find('}').ok_or_else(|| bad(start + 1))?;
    let name = src[start + 1..start + close].trim();
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(bad(start + close + 1));
    }
    Ok((Tok::Param(name.to_owned()), close + 1))
}

/// Lexes a quoted string starting at `start`; returns its unescaped text and byte length.
///
/// Escapes: `\\ \" \' \n \t \r \0` and `\u{hex}`. Any other escaped character is kept with its
/// backslash, so `like` patterns can write `\%` and `\_` for literal percent and underscore.
fn lex_string(src: &str, start: usize) -> Result<(String, usize)> {
    let quote = src.as_bytes()[start] as char;
    let mut text = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        match c {
            c if c == quote => return Ok((text, off + 2)),
            '\\' => match chars.next() {
                Some((_, 'n')) => text.push('\n'),
                Some((_, 't')) => text.push('\t'),
                Some((_, 'r')) => text.push('\r'),
                Some((_, '0')) => text.push('\0'),
                Some((_, e @ ('\\' | '"' | '\''))) => text.push(e),
                Some((uoff, 'u')) => {
                    let rest = &src[start + 1 + uoff + 1..];
                    let code = rest
                        .strip_prefix('{')
                        .and_then(|r| r.split_once('}'))
                        .and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok().map(|v| (v, hex.len())));
                    let esc_start = start + 1 + off;
                    let bad = |len: usize| {
                        let span = Span { start: esc_start, end: esc_start + len };
                        syntax_error(src, span, "invalid unicode escape, expected \\u{hex}".to_owned())
                    };
                    let Some((value, hex_len)) = code else {
                        return Err(bad(2));
                    };
                    let ch = char::from_u32(value).ok_or_else(|| bad(hex_len + 4))?;
                    text.push(ch);
                    for _ in 0..hex_len + 2 {
                        chars.next();
                    }
                }
                Some((_, other)) => {
                    text.push('\\');
                    text.push(other);
                }
                None => break,
            },
            c => text.push(c),
        }
    }
    let span = Span { start, end: src.len() };
    Err(syntax_error(src, span, "unterminated string literal".to_owned()))
}

/// Lexes a number starting at `start`: decimal integers, `0x`/`0o`/`0b` integers, C-style
/// octal with a leading zero (`010` is 8, as in Milvus), and decimal floats with optional
/// fraction and exponent (`1.5`, `.5`, `2e3`).
fn lex_number(src: &str, start: usize) -> Result<(Tok, usize)> {
    let bytes = src.as_bytes();
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.';
    let word_len = bytes[start..].iter().take_while(|b| is_word(b)).count();
    // Extend over an exponent sign (`1e-3`), which `is_word` stops at.
    let mut end = start + word_len;
    let lower = src[start..end].to_ascii_lowercase();
    let radix = ["0x", "0o", "0b"].iter().any(|p| lower.starts_with(p));
    if !radix && lower.ends_with('e') && matches!(bytes.get(end), Some(b'+' | b'-')) {
        end += 1 + bytes[end + 1..].iter().take_while(|b| is_word(b)).count();
    }
    let text = &src[start..end];
    let span = Span { start, end };
    let bad = |what: &str| syntax_error(src, span, what.to_owned());
    let len = end - start;
    let (digits, radix) = match lower.get(..2) {
        Some("0x") => (&text[2..], 16),
        Some("0o") => (&text[2..], 8),
        Some("0b") => (&text[2..], 2),
        _ => (text, 10),
    };
    let is_float = radix == 10 && text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
    if is_float {
        let ok_chars =
            text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
        let value: f64 = match text.parse() {
            Ok(v) if ok_chars => v,
            _ => return Err(bad("malformed number")),
        };
        if !value.is_finite() {
            return Err(bad("float literal out of range"));
        }
        return Ok((Tok::Float(value), len));
    }
    let (digits, radix) = if radix == 10 && text.len() > 1 && text.starts_with('0') {
        (&text[1..], 8)
    } else {
        (digits, radix)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(bad("malformed number"));
    }
    let value = u64::from_str_radix(digits, radix).map_err(|_| bad("integer literal out of range"))?;
    Ok((Tok::Int(value), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_keywords_and_spans() {
        let toks = tokenize("a>=1 && !b").unwrap();
        let spans: Vec<_> = toks.iter().map(|t| (t.span.start, t.span.end)).collect();
        assert_eq!(spans, vec![(0, 1), (1, 3), (3, 4), (5, 7), (8, 9), (9, 10), (10, 10)]);
        assert_eq!(
            kinds("x IN [1] OR y is NOT NULL"),
            vec![
                Tok::Ident("x".into()),
                Tok::In,
                Tok::LBracket,
                Tok::Int(1),
                Tok::RBracket,
                Tok::Or,
                Tok::Ident("y".into()),
                Tok::Is,
                Tok::Not,
                Tok::Null,
                Tok::Eof
            ]
        );
        assert_eq!(kinds("True fAlse")[..2], [Tok::Bool(true), Tok::Ident("fAlse".into())]);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("0x1F 0b101 0o17 017 0 42")[..6],
            [Tok::Int(31), Tok::Int(5), Tok::Int(15), Tok::Int(15), Tok::Int(0), Tok::Int(42)]
        );
        assert_eq!(
            kinds("1.5 .5 2e3 1e-3 3.")[..5],
            [Tok::Float(1.5), Tok::Float(0.5), Tok::Float(2000.0), Tok::Float(0.001), Tok::Float(3.0)]
        );
        assert_eq!(kinds("-5")[..2], [Tok::Minus, Tok::Int(5)]);
        for bad in ["12abc", "0x", "09", "1e400", "99999999999999999999", "1.2.3"] {
            let err = tokenize(bad).unwrap_err().to_string();
            assert!(err.contains("offset 0"), "{bad}: {err}");
        }
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            kinds(r#""a\"b" 'c\'d' "\n\\" "50\%" "\u{e9}""#)[..5],
            [
                Tok::Str("a\"b".into()),
                Tok::Str("c'd".into()),
                Tok::Str("\n\\".into()),
                Tok::Str("50\\%".into()),
                Tok::Str("é".into())
            ]
        );
        let err = tokenize("x == \"abc").unwrap_err().to_string();
        assert!(err.contains("offset 5") && err.contains("unterminated"), "{err}");
        let err = tokenize("x = 1").unwrap_err().to_string();
        assert!(err.contains("offset 2 (\"=\")") && err.contains("did you mean"), "{err}");
    }
}
