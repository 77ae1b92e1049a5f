//! `like` patterns: `%` matches any run of characters, `_` exactly one character, `\%`, `\_`
//! and `\\` the character itself. Matching is on UTF-8 bytes, with `_` and `%` stepping over
//! whole characters.

/// A compiled pattern; the common shapes get a dedicated fast path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LikePattern {
    /// No wildcard: the whole value equals the text.
    Exact(Box<[u8]>),
    /// `text%`.
    Prefix(Box<[u8]>),
    /// `%text`.
    Suffix(Box<[u8]>),
    /// `%text%`.
    Contains(Box<[u8]>),
    /// Anything else.
    General(Vec<Piece>),
}

/// One element of a general pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Piece {
    Byte(u8),
    AnyChar,
    AnyRun,
}

impl LikePattern {
    /// Compiles `pattern`.
    pub(crate) fn new(pattern: &str) -> Self {
        let mut pieces = Vec::with_capacity(pattern.len());
        let mut bytes = pattern.bytes();
        while let Some(b) = bytes.next() {
            match b {
                b'%' if pieces.last() == Some(&Piece::AnyRun) => {}
                b'%' => pieces.push(Piece::AnyRun),
                b'_' => pieces.push(Piece::AnyChar),
                b'\\' => match bytes.next() {
                    Some(e @ (b'%' | b'_' | b'\\')) => pieces.push(Piece::Byte(e)),
                    Some(other) => pieces.extend([Piece::Byte(b'\\'), Piece::Byte(other)]),
                    None => pieces.push(Piece::Byte(b'\\')),
                },
                other => pieces.push(Piece::Byte(other)),
            }
        }
        let literal = |ps: &[Piece]| -> Option<Box<[u8]>> {
            ps.iter().map(|p| if let Piece::Byte(b) = p { Some(*b) } else { None }).collect()
        };
        let n = pieces.len();
        let starts = pieces.first() == Some(&Piece::AnyRun);
        let ends = n > 1 && pieces.last() == Some(&Piece::AnyRun);
        let shaped = match (starts, ends) {
            (false, false) => literal(&pieces).map(LikePattern::Exact),
            (false, true) => literal(&pieces[..n - 1]).map(LikePattern::Prefix),
            (true, false) => literal(&pieces[1..]).map(LikePattern::Suffix),
            (true, true) => literal(&pieces[1..n - 1]).map(LikePattern::Contains),
        };
        shaped.unwrap_or(LikePattern::General(pieces))
    }

    /// Whether `text` (valid UTF-8) matches.
    #[inline]
    pub(crate) fn matches(&self, text: &[u8]) -> bool {
        match self {
            LikePattern::Exact(p) => text == &p[..],
            LikePattern::Prefix(p) => text.starts_with(p),
            LikePattern::Suffix(p) => text.ends_with(p),
            LikePattern::Contains(p) => p.is_empty() || text.windows(p.len()).any(|w| w == &p[..]),
            LikePattern::General(pieces) => general_match(pieces, text),
        }
    }
}

/// Length of the UTF-8 character starting with byte `b`.
fn char_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Wildcard matching with single-star backtracking: linear for one `%`, `O(n·m)` worst case.
fn general_match(pieces: &[Piece], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pieces.get(p) {
            Some(Piece::Byte(b)) if *b == text[t] => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Piece::AnyChar) => {
                p += 1;
                t += char_len(text[t]);
                continue;
            }
            Some(Piece::AnyRun) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            _ => {}
        }
        let Some((sp, st)) = star else {
            return false;
        };
        let next = st + char_len(text[st]);
        star = Some((sp, next));
        p = sp + 1;
        t = next;
    }
    pieces[p.min(pieces.len())..].iter().all(|x| *x == Piece::AnyRun) && t == text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        LikePattern::new(pattern).matches(text.as_bytes())
    }

    #[test]
    fn shapes() {
        assert!(matches!(LikePattern::new("abc"), LikePattern::Exact(_)));
        assert!(matches!(LikePattern::new("ab%"), LikePattern::Prefix(_)));
        assert!(matches!(LikePattern::new("%ab"), LikePattern::Suffix(_)));
        assert!(matches!(LikePattern::new("%ab%%"), LikePattern::Contains(_)));
        assert!(matches!(LikePattern::new("%"), LikePattern::Suffix(_)));
        assert!(matches!(LikePattern::new("a_c"), LikePattern::General(_)));
    }

    #[test]
    fn matching() {
        let cases = [
            ("pre%", "prefix", true),
            ("pre%", "pr", false),
            ("%fix", "prefix", true),
            ("%efi%", "prefix", true),
            ("%", "", true),
            ("", "", true),
            ("", "a", false),
            ("a%c", "abbbc", true),
            ("a%c", "abbbcd", false),
            ("a_c", "abc", true),
            ("a_c", "ac", false),
            ("a_c", "aéc", true),
            ("_", "é", true),
            ("%b%d%", "abcde", true),
            ("%b%d%", "abce", false),
            ("50\\%", "50%", true),
            ("50\\%", "500", false),
            ("a\\_b", "a_b", true),
            ("a\\_b", "axb", false),
            ("%a%a%a%b", "aaaaaaaaaaab", true),
            ("%a%a%a%b", "aaaaaaaaaaaa", false),
            ("h_llo%", "héllo world", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(m(p, t), want, "{p:?} like {t:?}");
        }
    }
}
