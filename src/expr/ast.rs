//! Syntax tree of a filter, before names and types are checked.
//!
//! Every node that can be wrong for type reasons keeps the span of the token to blame.

use super::lexer::CmpOp;
use super::span::Span;
use crate::json::PathStep;

/// A field name as written, with the JSON path that follows it (`doc["a"][0]`; empty for a
/// plain field).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ident {
    pub name: String,
    pub span: Span,
    pub path: Vec<PathStep>,
}

/// A literal value; integers are already range-checked to `i64` (with their sign).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LitValue {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
}

/// A literal and the span covering it (including a leading sign).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lit {
    pub value: LitValue,
    pub span: Span,
}

impl Lit {
    /// `"an integer literal"` etc., for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            LitValue::Int(_) => "an integer literal",
            LitValue::Float(_) => "a float literal",
            LitValue::Str(_) => "a string literal",
            LitValue::Bool(_) => "a boolean literal",
        }
    }
}

/// A boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// `field op lit`, normalised so the field is on the left (`5 < x` becomes `x > 5`).
    /// Chained ranges (`1 < x <= 5`) become an `And` of two comparisons.
    Compare {
        field: Ident,
        op: CmpOp,
        op_span: Span,
        lit: Lit,
    },
    /// `field in [..]` / `field not in [..]`.
    In {
        field: Ident,
        list: Vec<Lit>,
        negated: bool,
    },
    /// `field like "pat"` / `field not like "pat"`.
    Like {
        field: Ident,
        pattern: Lit,
        negated: bool,
    },
    /// `field is null` / `field is not null`.
    IsNull {
        field: Ident,
        negated: bool,
    },
    /// A bare field used as a predicate (must be Bool).
    Field(Ident),
    /// `json_contains(field, lit)` and its `_all` / `_any` forms (`array_contains*` alike):
    /// whether the JSON array at `field` holds the value(s). `name` is the function's span.
    Contains {
        field: Ident,
        mode: ContainsMode,
        values: Vec<Lit>,
        name: Span,
    },
    /// `exists field`: whether the JSON path is present.
    Exists(Ident),
    /// `array_length(field) op lit`: the length of the JSON array at `field`.
    Length {
        field: Ident,
        op: CmpOp,
        lit: Lit,
    },
    /// A bare boolean literal (`true`, `false`).
    Const(bool),
    /// `field == [..]` / `field != [..]`: an array field compared with a whole array.
    ArrayEq {
        field: Ident,
        list: Vec<Lit>,
        negated: bool,
    },
}

/// Which of the given values a JSON array must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainsMode {
    /// The one value (`json_contains`).
    One,
    /// Every value (`json_contains_all`).
    All,
    /// At least one value (`json_contains_any`).
    Any,
}

impl ContainsMode {
    /// The mode of a function name (any letter case), if it is one of the contains functions.
    pub(crate) fn of_function(name: &str) -> Option<ContainsMode> {
        match name.to_ascii_lowercase().as_str() {
            "json_contains" | "array_contains" => Some(ContainsMode::One),
            "json_contains_all" | "array_contains_all" => Some(ContainsMode::All),
            "json_contains_any" | "array_contains_any" => Some(ContainsMode::Any),
            _ => None,
        }
    }
}
