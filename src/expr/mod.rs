//! Filter expressions: Milvus-style boolean conditions over scalar fields, parsed and
//! type-checked once against a [`Schema`] ([`Filter::parse`]) and evaluated column-wise over a
//! segment into a [`Bitset`] ([`Filter::evaluate`]).
//!
//! # Grammar
//!
//! ```text
//! filter     := <empty or whitespace>          -- no filter: every row passes
//!             | or
//! or         := and  (("or" | "||" | "OR")  and)*
//! and        := unary (("and" | "&&" | "AND") unary)*
//! unary      := ("not" | "!" | "NOT") unary | "(" or ")" | predicate
//! predicate  := field cmp literal                       -- x > 5
//!             | literal cmp field                       -- 5 < x
//!             | literal lt field lt literal             -- 1 < x <= 5  (lt: < or <=)
//!             | literal gt field gt literal             -- 5 > x >= 1  (gt: > or >=)
//!             | field ["not"] "in" "[" [literal ("," literal)* [","]] "]"
//!             | field ["not"] "like" string
//!             | field "is" ["not"] "null"
//!             | field ("==" | "!=") "[" [literal ("," literal)* [","]] "]"   -- ARRAY fields
//!             | field                                   -- a Bool field: field == true
//!             | bool                                    -- true / false
//! cmp        := "==" | "!=" | "<" | "<=" | ">" | ">="
//! literal    := ["-" | "+"] integer | ["-" | "+"] float | string | bool
//! integer    := decimal | 0x hex | 0o octal | 0b binary | 0 octal   -- 010 is 8, as in Milvus
//! float      := 1.5 | .5 | 3. | 2e3 | -1.5e-3
//! string     := "..." | '...'   -- escapes \\ \" \' \n \t \r \0 \u{hex}; others kept as written
//! bool       := true | True | TRUE | false | False | FALSE
//! field      := name ("[" (string | integer) "]")*   -- a JSON path: doc["a"][0]
//! name       := [A-Za-z_][A-Za-z0-9_]*  (keywords excluded)  |  $meta
//! ```
//!
//! Keywords (`and or not in like is null`) are accepted in lower or upper case. Precedence,
//! tightest first: predicates, `not`, `and`, `or`. `not` binds to one predicate or
//! parenthesised group: `not a and b` is `(not a) and b`.
//!
//! # Types
//!
//! - Int8..Int64 fields compare with integer literals exactly and with float literals
//!   numerically (`x < 2.5` ⇔ `x <= 2`; `x == 2.5` never holds). A literal outside a narrow
//!   field's range is compared in `i64`, so `int8 == 300` matches no row and `int8 != 300`
//!   every non-null row.
//! - Float and Double fields compare numerically with integer or float literals. For Float
//!   (`f32`) fields the literal is first rounded to the nearest `f32`, so `x == 0.1` matches a
//!   stored `0.1`. Integer literals beyond 2^53 round to the nearest `f64`.
//! - VarChar fields compare with string literals only, byte-wise (Unicode code point order);
//!   `like` takes a string where `%` matches any run of characters, `_` exactly one, and `\%`,
//!   `\_`, `\\` the character itself.
//! - Bool fields accept only `==`, `!=`, `in` with boolean literals, or stand alone.
//! - Vector fields cannot appear in a filter. Comparing two fields is not supported.
//!
//! # JSON and dynamic fields
//!
//! A JSON field is read through a path (`doc["a"]["b"]`, `doc["list"][0]`; no path = the whole
//! value). With dynamic fields enabled, a name that is not a schema field is a key of the hidden
//! `$meta` field: `a == 1` is `$meta["a"] == 1`. The value found at a path compares with a
//! literal of its own kind: numbers numerically (two integers exactly, otherwise as `f64`),
//! strings byte-wise (`like` too), booleans with `==`/`!=` only. Each row's JSON is parsed once
//! per evaluation.
//!
//! A missing path, or a value of another kind, fails the test: `a == 1`, `a > 1`, `a in [..]`
//! and `a like ".."` do not match such a row, while their negations `a != 1`, `a not in [..]`,
//! `a not like ".."` and `not (a == 1)` do — as in Milvus, where `!=` on a JSON path is true when
//! the key is absent. `path is null` matches a missing path or a JSON `null`; a bare path
//! (`ok`) matches the value `true`. A row whose JSON field is null matches no path test.
//!
//! # ARRAY fields
//!
//! An ARRAY field is tested with `array_contains(a, v)`, `array_contains_all(a, [..])`,
//! `array_contains_any(a, [..])` (the `json_contains*` names too), `array_length(a) op n`, one
//! element `a[i]` (comparisons, `in`, `like`, or alone for Bool elements), the whole array
//! `a == [..]` / `a != [..]`, and `is null`. Literals must fit the element type. A row without
//! element `i` fails every test of `a[i]` (`!=` included), so only negations (`not in`,
//! `not like`, `not (..)`) match it. The rules in full: `array.rs`.
//!
//! # Nulls: two-valued logic
//!
//! Every comparison, `in`, `not in`, `like`, `not like` and bare Bool field is **false on a
//! null row**; `is null` / `is not null` test nullness. `not` simply complements its operand,
//! so on a row where `x` is null `x > 1` and `x != 1` are false while `not (x > 1)` is **true**.
//! Milvus also treats comparisons with null as false; this module does not implement SQL's
//! three-valued `unknown`.
//!
//! # Nesting
//!
//! A filter nests at most [`MAX_FILTER_DEPTH`] levels deep, where each parenthesised group and
//! each `not` (or `!`) opens one level: `not (a or (b and not c))` nests 4 deep. Deeper filters
//! are refused while parsing, so no later stage recurses without bound. Flat chains are not
//! nesting: `a or b or c ...` and `a and b and c ...` may have any number of terms.
//!
//! # Errors
//!
//! Syntax, name and type errors are [`Error::InvalidArgument`](crate::Error::InvalidArgument)
//! reading `filter error at offset <byte> ("<token>"): <what>`, e.g.
//! `filter error at offset 7 ("bogus"): field `bogus` does not exist`.
//!
//! # Example
//!
//! ```
//! use veclite::{ColumnData, ColumnRef, ColumnSource, Field, FieldType, Filter, Result, Schema};
//!
//! struct Segment(Vec<ColumnData>);
//! impl ColumnSource for Segment {
//!     fn num_rows(&self) -> usize {
//!         self.0[0].len()
//!     }
//!     fn column(&self, field: usize) -> Result<ColumnRef<'_>> {
//!         Ok(self.0[field].as_ref())
//!     }
//!     fn validity(&self, _field: usize) -> Result<Option<&[u8]>> {
//!         Ok(None)
//!     }
//! }
//!
//! let schema = Schema::builder("docs")
//!     .field(Field::new("id", FieldType::Int64).primary_key())
//!     .field(Field::new("title", FieldType::VarChar { max_length: 32 }))
//!     .field(Field::new("v", FieldType::FloatVector { dim: 1 }))
//!     .build()
//!     .unwrap();
//! let segment = Segment(vec![
//!     ColumnData::Int64(vec![1, 2, 3]),
//!     ColumnData::varchar(["rust", "go", "rusty"]),
//!     ColumnData::FloatVector { dim: 1, data: vec![0.0; 3] },
//! ]);
//! let filter = Filter::parse("title like 'rust%' and id > 1", &schema).unwrap();
//! assert_eq!(filter.fields(), &[0, 1]);
//! let hits: Vec<usize> = filter.evaluate(&segment).unwrap().iter_ones().collect();
//! assert_eq!(hits, [2]);
//!
//! let err = Filter::parse("id == 1 and bogus > 2", &schema).unwrap_err();
//! assert!(err.to_string().contains("offset 12 (\"bogus\"): field `bogus` does not exist"));
//! ```

mod array;
mod ast;
mod eval;
mod indexed;
mod lexer;
mod like;
mod parser;
mod plan;
mod span;
mod template;

use crate::bitset::Bitset;
use crate::column::{ColumnRef, PrimaryKeys};
use crate::error::Result;
use crate::schema::{FieldType, Schema};
pub use indexed::ScalarIndex;
pub(crate) use indexed::{BITMAP_FLAG, BODY_HEADER_LEN, KeyKind};
#[cfg(test)]
pub(crate) use lexer::CmpOp;
#[cfg(test)]
pub(crate) use like::LikePattern;
use plan::Node;
pub(crate) use plan::Pred;
pub use template::{TemplateValue, render as render_template, render_json as render_template_json};

/// Deepest nesting of parenthesised groups and `not`s a filter may have (see the module docs).
/// Deeper filters fail to parse with `filter nests deeper than 64 levels`.
pub const MAX_FILTER_DEPTH: usize = 64;

/// A parsed, type-checked filter, reusable across segments of the schema it was built for.
#[derive(Debug, Clone)]
pub struct Filter {
    /// `None`: the empty filter, which every row passes.
    root: Option<Node>,
    /// Sorted, distinct schema indices of the fields the filter reads.
    fields: Vec<usize>,
    /// The schema the filter was checked against (evaluation checks columns against it).
    schema: Schema,
}

/// Where a filter reads one segment's columns from.
pub trait ColumnSource {
    /// Number of rows of the segment; every column has this many.
    fn num_rows(&self) -> usize;
    /// Values of field `field` (schema index). Sealed segments may fail a checksum here.
    fn column(&self, field: usize) -> Result<ColumnRef<'_>>;
    /// Validity bytes (1 = value, 0 = null) of field `field`, `None` when the field has no
    /// nulls.
    fn validity(&self, field: usize) -> Result<Option<&[u8]>>;
    /// The scalar index of field `field` over these rows, when one is built: evaluation then
    /// selects the field's rows through it and reads the column only for predicates it cannot
    /// answer. The default: none.
    ///
    /// # Errors
    /// [`Error::Corrupted`](crate::Error::Corrupted) when the index fails its checks.
    fn scalar_index(&self, _field: usize) -> Result<Option<ScalarIndex<'_>>> {
        Ok(None)
    }
}

impl Filter {
    /// Parses and type-checks `expr` against `schema`. An empty or whitespace-only `expr`
    /// matches every row.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a syntax error, an unknown
    /// or vector field, or a literal or operator the field's type does not accept; the message
    /// gives the byte offset and text of the offending token.
    pub fn parse(expr: &str, schema: &Schema) -> Result<Filter> {
        if expr.trim().is_empty() {
            return Ok(Filter { root: None, fields: Vec::new(), schema: schema.clone() });
        }
        let tokens = lexer::tokenize(expr)?;
        if let Some(token) = tokens.iter().find(|t| matches!(t.tok, lexer::Tok::Param(_))) {
            return Err(span::syntax_error(
                expr,
                token.span,
                "a template placeholder needs its value: pass it in filter_params".to_owned(),
            ));
        }
        let ast = parser::parse(expr, &tokens)?;
        let root = plan::plan(expr, &ast, schema)?;
        let mut fields = Vec::new();
        collect_fields(&root, &mut fields);
        fields.sort_unstable();
        fields.dedup();
        Ok(Filter { root: Some(root), fields, schema: schema.clone() })
    }

    /// Whether this is the empty filter (every row passes).
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// Sorted, distinct field indices (into `schema.fields`) the filter reads.
    pub fn fields(&self) -> &[usize] {
        &self.fields
    }

    /// Evaluates the filter over the `source.num_rows()` rows of one segment: bit `i` is set
    /// when row `i` passes.
    ///
    /// # Errors
    /// Any error of `source`, or [`Error::SchemaMismatch`](crate::Error::SchemaMismatch) if a
    /// column's type or length (or its validity's length) does not match the schema.
    pub fn evaluate(&self, source: &dyn ColumnSource) -> Result<Bitset> {
        match &self.root {
            None => Ok(Bitset::full(source.num_rows())),
            Some(root) => eval::evaluate(root, &self.fields, &self.schema, source),
        }
    }

    /// If the filter is exactly `pk == literal` or `pk in [...]` on the primary key of
    /// `schema`, the keys it selects (deduplicated; integer keys ascending, string keys in
    /// byte order) — the fast path for deletes and gets. `None` for any other filter.
    pub fn primary_keys(&self, schema: &Schema) -> Option<PrimaryKeys> {
        let Some(Node::Leaf { field, pred }) = &self.root else {
            return None;
        };
        if *field != schema.pk_index() {
            return None;
        }
        leaf_values(schema, *field, pred)
    }

    /// If the filter requires Int64 or VarChar field `field` to equal one of a set of values —
    /// it is `field == literal` or `field in [...]`, or an `and` with such a term — those
    /// values (as [`Filter::primary_keys`] orders them). `None` for any other filter.
    pub fn field_values(&self, field: usize, schema: &Schema) -> Option<PrimaryKeys> {
        let leaf = |node: &Node| match node {
            Node::Leaf { field: f, pred } if *f == field => leaf_values(schema, field, pred),
            _ => None,
        };
        match self.root.as_ref()? {
            Node::And(terms) => terms.iter().find_map(leaf),
            node => leaf(node),
        }
    }
}

/// The values an equality or `in` predicate `pred` on Int64 or VarChar field `field` selects.
fn leaf_values(schema: &Schema, field: usize, pred: &Pred) -> Option<PrimaryKeys> {
    match (schema.fields[field].field_type, pred) {
        (FieldType::Int64, Pred::IntRange { lo, hi, negate: false }) if lo == hi => {
            Some(PrimaryKeys::Int(vec![*lo]))
        }
        // `pk == 2.5`: a valid filter selecting nothing.
        (FieldType::Int64, Pred::IntRange { lo, hi, negate: false }) if lo > hi => {
            Some(PrimaryKeys::Int(Vec::new()))
        }
        (FieldType::Int64, Pred::IntIn { values, negate: false }) => Some(PrimaryKeys::Int(values.clone())),
        (FieldType::VarChar { .. }, Pred::StrCmp { op: lexer::CmpOp::Eq, value }) => {
            Some(PrimaryKeys::Str(vec![String::from_utf8_lossy(value).into_owned()]))
        }
        (FieldType::VarChar { .. }, Pred::StrIn { set, negate: false }) => {
            let mut keys: Vec<&[u8]> = set.iter().map(|k| &k[..]).collect();
            keys.sort_unstable();
            Some(PrimaryKeys::Str(
                keys.into_iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect(),
            ))
        }
        _ => None,
    }
}

fn collect_fields(node: &Node, out: &mut Vec<usize>) {
    match node {
        Node::Const(_) => {}
        Node::Not(inner) => collect_fields(inner, out),
        Node::And(terms) | Node::Or(terms) => terms.iter().for_each(|t| collect_fields(t, out)),
        Node::IsNull { field, .. }
        | Node::Leaf { field, .. }
        | Node::Json { field, .. }
        | Node::Array { field, .. } => out.push(*field),
    }
}
