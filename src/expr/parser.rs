//! Parser: tokens → [`Expr`], by recursive descent with one function per precedence level
//! (`or` < `and` < `not` < predicate).
//!
//! Contract: [`parse`] consumes the whole token stream or fails with an error located at the
//! first token it could not accept; it never checks names or types (see `plan`). The tree it
//! returns nests at most [`MAX_FILTER_DEPTH`] groups and `not`s deep, so every later walk of it
//! (planning, evaluation, `Debug`, drop) recurses a bounded number of times.

use super::MAX_FILTER_DEPTH;
use super::ast::{ContainsMode, Expr, Ident, Lit, LitValue};
use super::lexer::{CmpOp, Tok, Token};
use super::span::{Span, syntax_error};
use crate::error::{Error, Result};
use crate::json::PathStep;

/// Parses a non-empty token stream (ending in `Eof`) of `src`.
///
/// # Errors
/// `Error::InvalidArgument` naming the offset and text of the unexpected token.
pub(crate) fn parse(src: &str, tokens: &[Token]) -> Result<Expr> {
    let mut p = Parser { src, tokens, pos: 0, depth: 0 };
    let expr = p.or()?;
    if p.peek() != &Tok::Eof {
        let msg = match p.peek() {
            Tok::RParen => "unmatched \")\"",
            Tok::Cmp(_) => "a comparison chain must have the field in the middle, e.g. `1 < x < 5`",
            _ => "expected \"and\", \"or\" or the end of the filter",
        };
        return Err(p.error_here(msg));
    }
    Ok(expr)
}

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    /// Groups and `not`s enclosing the current token.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    /// The token `ahead` places after the current one (the final `Eof` past the end).
    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.pos + ahead).min(self.tokens.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos.min(self.tokens.len() - 1)].span
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos.min(self.tokens.len() - 1)].clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, span: Span, msg: impl Into<String>) -> Error {
        syntax_error(self.src, span, msg.into())
    }

    fn error_here(&self, msg: impl Into<String>) -> Error {
        self.error_at(self.span(), msg)
    }

    fn text(&self, span: Span) -> &str {
        &self.src[span.start..span.end]
    }

    fn or(&mut self) -> Result<Expr> {
        let mut terms = vec![self.and()?];
        while self.peek() == &Tok::Or {
            self.bump();
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Expr::Or(terms) })
    }

    fn and(&mut self) -> Result<Expr> {
        let mut terms = vec![self.unary()?];
        while self.peek() == &Tok::And {
            self.bump();
            terms.push(self.unary()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Expr::And(terms) })
    }

    fn unary(&mut self) -> Result<Expr> {
        match self.peek() {
            Tok::Not => self.nested(|p| {
                p.bump();
                Ok(Expr::Not(Box::new(p.unary()?)))
            }),
            Tok::LParen => self.nested(|p| {
                let open = p.bump().span;
                let inner = p.or()?;
                if p.peek() != &Tok::RParen {
                    let msg = format!("expected \")\" to close the \"(\" at offset {}", open.start);
                    return Err(p.error_here(msg));
                }
                p.bump();
                Ok(inner)
            }),
            _ => self.predicate(),
        }
    }

    /// Runs `parse` one nesting level deeper (at a `not` or `(`, the current token).
    ///
    /// # Errors
    /// `Error::InvalidArgument` at the current token when it would nest deeper than
    /// [`MAX_FILTER_DEPTH`], before recursing any further.
    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> Result<Expr>) -> Result<Expr> {
        if self.depth == MAX_FILTER_DEPTH {
            let msg = format!(
                "filter nests deeper than {MAX_FILTER_DEPTH} levels (each \"(\" and \"not\" opens one)"
            );
            return Err(self.error_here(msg));
        }
        self.depth += 1;
        let expr = parse(self);
        self.depth -= 1;
        expr
    }

    /// A comparison, membership, pattern or null test, a bare field, or a bare boolean.
    fn predicate(&mut self) -> Result<Expr> {
        if let Tok::Ident(name) = self.peek() {
            let next = self.peek_at(1);
            if let Some(mode) = ContainsMode::of_function(name).filter(|_| next == &Tok::LParen) {
                return self.contains(mode);
            }
            if name.eq_ignore_ascii_case("array_length") && next == &Tok::LParen {
                return self.array_length();
            }
            if name.eq_ignore_ascii_case("exists") && matches!(next, Tok::Ident(_)) {
                self.bump();
                return Ok(Expr::Exists(self.field()?));
            }
            let field = self.field()?;
            return self.field_predicate(field);
        }
        if !self.at_literal() {
            return Err(self.error_here("expected a field, a literal, \"not\" or \"(\""));
        }
        let lit = self.literal()?;
        let Tok::Cmp(op) = *self.peek() else {
            if let LitValue::Bool(b) = lit.value {
                return Ok(Expr::Const(b));
            }
            return Err(
                self.error_here(format!("expected a comparison operator after \"{}\"", self.text(lit.span)))
            );
        };
        let op_span = self.bump().span;
        let field = self.field_after(op_span)?;
        let first = Expr::Compare { field: field.clone(), op: op.flipped(), op_span, lit };
        let Tok::Cmp(op2) = *self.peek() else {
            return Ok(first);
        };
        let op2_span = self.bump().span;
        let ascending = matches!(op, CmpOp::Lt | CmpOp::Le) && matches!(op2, CmpOp::Lt | CmpOp::Le);
        let descending = matches!(op, CmpOp::Gt | CmpOp::Ge) && matches!(op2, CmpOp::Gt | CmpOp::Ge);
        if !ascending && !descending {
            let msg = format!(
                "a chained range needs two \"<\"/\"<=\" or two \">\"/\">=\", got \"{}\" then \"{}\"",
                self.text(op_span),
                self.text(op2_span)
            );
            return Err(self.error_at(op2_span, msg));
        }
        let lit2 = self.literal_after(op2_span)?;
        let second = Expr::Compare { field, op: op2, op_span: op2_span, lit: lit2 };
        Ok(Expr::And(vec![first, second]))
    }

    /// Everything that may follow a field name.
    fn field_predicate(&mut self, field: Ident) -> Result<Expr> {
        match *self.peek() {
            Tok::Cmp(op @ (CmpOp::Eq | CmpOp::Ne)) if self.peek_at(1) == &Tok::LBracket => {
                self.bump();
                let list = self.list()?;
                Ok(Expr::ArrayEq { field, list, negated: op == CmpOp::Ne })
            }
            Tok::Cmp(op) => {
                let op_span = self.bump().span;
                let lit = self.literal_after(op_span)?;
                Ok(Expr::Compare { field, op, op_span, lit })
            }
            Tok::In => {
                self.bump();
                let list = self.list()?;
                Ok(Expr::In { field, list, negated: false })
            }
            Tok::Like => {
                let like = self.bump().span;
                let pattern = self.string_after(like)?;
                Ok(Expr::Like { field, pattern, negated: false })
            }
            Tok::Not => {
                let not = self.bump().span;
                match self.peek() {
                    Tok::In => {
                        self.bump();
                        let list = self.list()?;
                        Ok(Expr::In { field, list, negated: true })
                    }
                    Tok::Like => {
                        let like = self.bump().span;
                        let pattern = self.string_after(like)?;
                        Ok(Expr::Like { field, pattern, negated: true })
                    }
                    _ => Err(self.error_at(not, "expected \"in\" or \"like\" after \"not\"")),
                }
            }
            Tok::Is => {
                let is = self.bump().span;
                let negated = self.peek() == &Tok::Not;
                if negated {
                    self.bump();
                }
                if self.peek() != &Tok::Null {
                    let msg = if negated {
                        "expected \"null\" after \"is not\""
                    } else {
                        "expected \"null\" or \"not null\" after \"is\""
                    };
                    return Err(self.error_at(if self.peek() == &Tok::Eof { is } else { self.span() }, msg));
                }
                self.bump();
                Ok(Expr::IsNull { field, negated })
            }
            _ => Ok(Expr::Field(field)),
        }
    }

    /// `name "(" field "," (literal | list) ")"` for the contains functions: one literal for
    /// `json_contains`, a non-empty list for the `_all` / `_any` forms.
    fn contains(&mut self, mode: ContainsMode) -> Result<Expr> {
        let name = self.bump().span;
        let open = self.bump().span;
        let field = self.field_after(open)?;
        if self.peek() != &Tok::Comma {
            return Err(self.error_here(format!("expected \",\" after the field of \"{}\"", self.text(name))));
        }
        let comma = self.bump().span;
        let values = match mode {
            ContainsMode::One if self.peek() == &Tok::LBracket => {
                let msg = format!(
                    "\"{}\" takes one value; use json_contains_all or json_contains_any for a list",
                    self.text(name)
                );
                return Err(self.error_here(msg));
            }
            ContainsMode::One => vec![self.literal_after(comma)?],
            ContainsMode::All | ContainsMode::Any => {
                let at = self.span();
                let list = self.list()?;
                if list.is_empty() {
                    let msg = format!("\"{}\" needs at least one value in its list", self.text(name));
                    return Err(self.error_at(at, msg));
                }
                list
            }
        };
        if self.peek() != &Tok::RParen {
            let msg = format!("expected \")\" to close the \"(\" at offset {}", open.start);
            return Err(self.error_here(msg));
        }
        self.bump();
        Ok(Expr::Contains { field, mode, values, name })
    }

    /// `array_length "(" field ")" op literal`.
    fn array_length(&mut self) -> Result<Expr> {
        self.bump();
        let open = self.bump().span;
        let field = self.field_after(open)?;
        if self.peek() != &Tok::RParen {
            let msg = format!("expected \")\" to close the \"(\" at offset {}", open.start);
            return Err(self.error_here(msg));
        }
        let close = self.bump().span;
        let Tok::Cmp(op) = *self.peek() else {
            return Err(self.error_at(close, "expected a comparison operator after \"array_length(...)\""));
        };
        let op_span = self.bump().span;
        let lit = self.literal_after(op_span)?;
        Ok(Expr::Length { field, op, lit })
    }

    fn at_literal(&self) -> bool {
        matches!(
            self.peek(),
            Tok::Int(_) | Tok::Float(_) | Tok::Str(_) | Tok::Bool(_) | Tok::Minus | Tok::Plus
        )
    }

    /// A literal, which must come next; `after` is the token it must follow (for messages).
    fn literal_after(&mut self, after: Span) -> Result<Lit> {
        if !self.at_literal() {
            let what = if matches!(self.peek(), Tok::Ident(_)) {
                "expected a literal after \"{}\" (comparing two fields is not supported)"
            } else {
                "expected a literal after \"{}\""
            };
            return Err(self.error_here(what.replace("{}", self.text(after))));
        }
        self.literal()
    }

    fn field_after(&mut self, after: Span) -> Result<Ident> {
        if !matches!(self.peek(), Tok::Ident(_)) {
            let msg = format!("expected a field after \"{}\"", self.text(after));
            return Err(self.error_here(msg));
        }
        self.field()
    }

    /// A field name at the current token and its JSON path: `name ("[" (string | integer) "]")*`.
    fn field(&mut self) -> Result<Ident> {
        let first = self.bump();
        let Tok::Ident(name) = first.tok else {
            return Err(self.error_at(first.span, "expected a field"));
        };
        let mut field = Ident { name, span: first.span, path: Vec::new() };
        while self.peek() == &Tok::LBracket {
            self.bump();
            let step = match self.peek() {
                Tok::Str(key) => PathStep::Key(key.clone()),
                Tok::Int(i) => PathStep::Index(usize::try_from(*i).unwrap_or(usize::MAX)),
                _ => return Err(self.error_here("expected a string key or an integer index after \"[\"")),
            };
            self.bump();
            if self.peek() != &Tok::RBracket {
                return Err(self.error_here("expected \"]\" after a JSON path step"));
            }
            field.span.end = self.bump().span.end;
            field.path.push(step);
        }
        Ok(field)
    }

    fn string_after(&mut self, after: Span) -> Result<Lit> {
        let Tok::Str(s) = self.peek() else {
            let msg = format!("expected a string pattern after \"{}\"", self.text(after));
            return Err(self.error_here(msg));
        };
        let lit = Lit { value: LitValue::Str(s.clone()), span: self.span() };
        self.bump();
        Ok(lit)
    }

    /// A literal at the current token (callers check [`Parser::at_literal`] first).
    fn literal(&mut self) -> Result<Lit> {
        let first = self.bump();
        let (negative, number) = match first.tok {
            Tok::Minus | Tok::Plus => {
                let next = self.bump();
                if !matches!(next.tok, Tok::Int(_) | Tok::Float(_)) {
                    let msg = format!("expected a number after \"{}\"", self.text(first.span));
                    return Err(self.error_at(next.span, msg));
                }
                (first.tok == Tok::Minus, next)
            }
            _ => (false, first.clone()),
        };
        let span = Span { start: first.span.start, end: number.span.end };
        let value = match number.tok {
            Tok::Int(mag) => {
                let v = if negative { 0i128 - i128::from(mag) } else { i128::from(mag) };
                let v = i64::try_from(v)
                    .map_err(|_| self.error_at(span, "integer literal out of the Int64 range"))?;
                LitValue::Int(v)
            }
            Tok::Float(f) => LitValue::Float(if negative { -f } else { f }),
            Tok::Str(s) => LitValue::Str(s),
            Tok::Bool(b) => LitValue::Bool(b),
            _ => return Err(self.error_at(span, "expected a literal")),
        };
        Ok(Lit { value, span })
    }

    /// `[lit, lit, ...]`, possibly empty, with an optional trailing comma.
    fn list(&mut self) -> Result<Vec<Lit>> {
        if self.peek() != &Tok::LBracket {
            return Err(self.error_here("expected \"[\" to start a list"));
        }
        let open = self.bump().span;
        let mut items = Vec::new();
        loop {
            if self.peek() == &Tok::RBracket {
                self.bump();
                return Ok(items);
            }
            if !self.at_literal() {
                let msg = if items.is_empty() { "expected a literal or \"]\"" } else { "expected a literal" };
                return Err(self.error_here(msg));
            }
            items.push(self.literal()?);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBracket => {}
                _ => {
                    let msg = format!("expected \",\" or \"]\" in the list opened at offset {}", open.start);
                    return Err(self.error_here(msg));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn ast(src: &str) -> Expr {
        parse(src, &tokenize(src).unwrap()).unwrap()
    }

    fn err(src: &str) -> String {
        match tokenize(src).and_then(|t| parse(src, &t)) {
            Ok(e) => panic!("{src} parsed as {e:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn shape(e: &Expr) -> String {
        match e {
            Expr::Or(v) => format!("or({})", v.iter().map(shape).collect::<Vec<_>>().join(",")),
            Expr::And(v) => format!("and({})", v.iter().map(shape).collect::<Vec<_>>().join(",")),
            Expr::Not(e) => format!("not({})", shape(e)),
            Expr::Compare { field, op, lit, .. } => format!("{}{op:?}{:?}", field.name, lit.value),
            Expr::In { field, list, negated } => {
                format!("{}{}in{}", field.name, if *negated { "!" } else { "" }, list.len())
            }
            Expr::Like { field, negated, .. } => {
                format!("{}{}like", field.name, if *negated { "!" } else { "" })
            }
            Expr::IsNull { field, negated } => {
                format!("{}{}null", field.name, if *negated { "!" } else { "" })
            }
            Expr::Field(f) => f.name.clone(),
            Expr::Const(b) => b.to_string(),
            Expr::Contains { field, mode, values, .. } => {
                format!("{}contains{mode:?}{}", field.name, values.len())
            }
            Expr::Exists(f) => format!("{}exists", f.name),
            Expr::Length { field, op, lit, .. } => format!("len({}){op:?}{:?}", field.name, lit.value),
            Expr::ArrayEq { field, list, negated } => {
                format!("{}{}eq{}", field.name, if *negated { "!" } else { "" }, list.len())
            }
        }
    }

    #[test]
    fn precedence_and_normalisation() {
        assert_eq!(shape(&ast("a or b and c")), "or(a,and(b,c))");
        assert_eq!(shape(&ast("not a and b")), "and(not(a),b)");
        assert_eq!(shape(&ast("!(a || b) && c")), "and(not(or(a,b)),c)");
        assert_eq!(shape(&ast("5 < x")), "xGtInt(5)");
        assert_eq!(shape(&ast("1 <= x < -2.5")), "and(xGeInt(1),xLtFloat(-2.5))");
        assert_eq!(shape(&ast("9 > x >= 1")), "and(xLtInt(9),xGeInt(1))");
        assert_eq!(shape(&ast("x not in [] or y in [1,2,] or s not like 'a%'")), "or(x!in0,yin2,s!like)");
        assert_eq!(shape(&ast("x IS NOT NULL and y is null")), "and(x!null,ynull)");
        assert_eq!(shape(&ast("x == -9223372036854775808")), "xEqInt(-9223372036854775808)");
        assert_eq!(shape(&ast("true")), "true");
        assert_eq!(shape(&ast("$meta[\"a\"] == 1 or doc['b'][2] in [1]")), "or($metaEqInt(1),docin1)");
        assert_eq!(
            shape(&ast("json_contains(t, 1) and not ARRAY_CONTAINS_ANY(t['x'], [1, 2]) or exists d['k']")),
            "or(and(tcontainsOne1,not(tcontainsAny2)),dexists)"
        );
        assert_eq!(shape(&ast("array_length(t['a']) >= 2")), "len(t)GeInt(2)");
        assert_eq!(shape(&ast("a == [1, 2] or a != [] or a[0] == 1")), "or(aeq2,a!eq0,aEqInt(1))");
        // Without its call syntax a function name is a field; `exists` alone is one too.
        assert_eq!(shape(&ast("json_contains == 1 or exists")), "or(json_containsEqInt(1),exists)");
        let Expr::Compare { field, .. } = ast("1 < doc['x'][0]") else { panic!() };
        assert_eq!(field.path, [PathStep::Key("x".into()), PathStep::Index(0)]);
        assert_eq!(field.span, Span { start: 4, end: 15 });
    }

    #[test]
    fn nesting_is_bounded_and_flat_chains_are_not_nesting() {
        use super::super::MAX_FILTER_DEPTH as MAX;
        let parens = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
        let nots = |n: usize| format!("{}x", "not ".repeat(n));
        let mixed = |n: usize| format!("{}x{}", "!(".repeat(n / 2), ")".repeat(n / 2));
        for ok in [parens(MAX), nots(MAX), mixed(MAX)] {
            ast(&ok);
        }
        let too_deep = format!("filter nests deeper than {MAX} levels");
        for (src, offset) in [
            (parens(MAX + 1), MAX),
            (nots(MAX + 1), 4 * MAX),
            (mixed(MAX + 2), MAX),
            (parens(10_000), MAX),
            (nots(10_000), 4 * MAX),
            ("(".repeat(10_000), MAX),
            ("!".repeat(10_000), MAX),
        ] {
            let got = err(&src);
            assert!(got.contains(&format!("offset {offset} ")) && got.contains(&too_deep), "{got}");
        }
        let chain = vec!["x"; 10_000];
        let Expr::Or(terms) = ast(&chain.join(" or ")) else { panic!("an or") };
        assert_eq!(terms.len(), 10_000);
        let Expr::And(terms) = ast(&chain.join(" && ")) else { panic!("an and") };
        assert_eq!(terms.len(), 10_000);
    }

    #[test]
    fn errors_point_at_the_token() {
        let cases = [
            ("x ==", "offset 4 (end of input): expected a literal after \"==\""),
            ("x == y", "offset 5 (\"y\"): expected a literal after \"==\" (comparing two fields"),
            ("x > 1 < 2", "offset 6 (\"<\"): a comparison chain must have the field in the middle"),
            ("1 < x > 2", "offset 6 (\">\"): a chained range needs"),
            ("(x > 1", "offset 6 (end of input): expected \")\""),
            ("x > 1)", "offset 5 (\")\"): unmatched"),
            ("x in 1", "offset 5 (\"1\"): expected \"[\""),
            ("x in [1 2]", "offset 8 (\"2\"): expected \",\" or \"]\""),
            ("x not 5", "offset 2 (\"not\"): expected \"in\" or \"like\""),
            ("x is nul", "offset 5 (\"nul\"): expected \"null\""),
            ("x like 5", "offset 7 (\"5\"): expected a string pattern"),
            ("and x", "offset 0 (\"and\"): expected a field"),
            ("5", "offset 1 (end of input): expected a comparison operator after \"5\""),
            ("x == -'a'", "offset 6 (\"'a'\"): expected a number after \"-\""),
            ("x == 9223372036854775808", "offset 5 (\"9223372036854775808\"): integer literal out"),
            ("a b", "offset 2 (\"b\"): expected \"and\""),
            ("j[x] == 1", "offset 2 (\"x\"): expected a string key"),
            ("j['x' == 1", "offset 6 (\"==\"): expected \"]\""),
        ];
        for (src, want) in cases {
            let got = err(src);
            assert!(got.contains(want), "{src}: {got}");
        }
    }
}
