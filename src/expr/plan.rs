//! Planner: [`Expr`] + [`Schema`] → [`Node`], a type-checked tree whose leaves are typed
//! predicates ready for column-wise evaluation.
//!
//! Contract: every leaf names a scalar field and carries a predicate of that field's storage
//! type, with literals already converted (and clamped) to it, so evaluation never looks at
//! literals' types again. Leaves are false on null rows; see the module docs for the logic.
//! The plan mirrors the parsed tree node for node, whose depth the parser bounds, so planning
//! and evaluation recurse a bounded number of times.

use std::collections::HashSet;

use super::ast::{ContainsMode, Expr, Ident, Lit, LitValue};
use super::lexer::CmpOp;
use super::like::LikePattern;
use super::span::{Span, syntax_error};
use crate::error::{Error, Result};
use crate::json::PathStep;
use crate::schema::{DYNAMIC_FIELD, FieldType, Schema};

/// A planned boolean expression.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Const(bool),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    /// Rows whose field is null (`negated`: rows that hold a value).
    IsNull {
        field: usize,
        negated: bool,
    },
    /// Rows whose field holds a value satisfying `pred`.
    Leaf {
        field: usize,
        pred: Pred,
    },
    /// Rows of JSON field `field` whose value at `path` satisfies `pred` (flipped if
    /// `negate`). Null rows never match; a missing path or a value of another type fails
    /// `pred`, so it matches only when negated (`!=`, `not in`, `not like`), as in Milvus.
    Json {
        field: usize,
        path: Vec<PathStep>,
        pred: JsonPred,
        negate: bool,
    },
    /// Rows of array field `field` whose array satisfies `pred` (flipped if `negate`). Null
    /// rows never match.
    Array {
        field: usize,
        pred: super::array::ArrayPred,
        negate: bool,
    },
}

/// A literal compared with a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonLit {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
}

/// A test on the JSON value found at a path (`None`: the path does not exist).
#[derive(Debug, Clone)]
pub(crate) enum JsonPred {
    /// `value op lit`; numbers compare numerically, strings byte-wise, booleans by equality.
    Cmp { op: CmpOp, lit: JsonLit },
    /// The value equals one of the literals.
    In(Vec<JsonLit>),
    /// A string value matching the pattern.
    Like(LikePattern),
    /// The path is missing or holds JSON `null`.
    IsNull,
    /// The value is `true` (a path standing alone as a condition).
    True,
    /// The value is an array holding the literals as `mode` asks.
    Contains { mode: ContainsMode, lits: Vec<JsonLit> },
    /// The path is present (whatever its value).
    Exists,
    /// The value is an array whose length compares with `len` as `op` says (`!=` tests
    /// equality; the leaf negates it).
    Length { op: CmpOp, len: i64 },
}

impl JsonPred {
    /// Whether the value at the path (`None` = missing) passes.
    pub(crate) fn test(&self, value: Option<&serde_json::Value>) -> bool {
        use std::cmp::Ordering;
        let Some(value) = value else {
            return matches!(self, JsonPred::IsNull);
        };
        match self {
            JsonPred::Cmp { op, lit } => json_cmp(value, lit).is_some_and(|ord| op.holds(ord)),
            JsonPred::In(lits) => lits.iter().any(|lit| json_cmp(value, lit) == Some(Ordering::Equal)),
            JsonPred::Like(pattern) => value.as_str().is_some_and(|s| pattern.matches(s.as_bytes())),
            JsonPred::IsNull => value.is_null(),
            JsonPred::True => value == &serde_json::Value::Bool(true),
            JsonPred::Contains { mode, lits } => value.as_array().is_some_and(|items| {
                let held = |lit: &JsonLit| items.iter().any(|v| json_cmp(v, lit) == Some(Ordering::Equal));
                match mode {
                    ContainsMode::One | ContainsMode::Any => lits.iter().any(held),
                    ContainsMode::All => lits.iter().all(held),
                }
            }),
            JsonPred::Exists => true,
            JsonPred::Length { op, len } => {
                value.as_array().is_some_and(|items| op.holds((items.len() as i64).cmp(len)))
            }
        }
    }
}

/// Orders a JSON value against a literal of the same kind (numbers with numbers, exactly for
/// two integers); `None` when the kinds differ.
fn json_cmp(value: &serde_json::Value, lit: &JsonLit) -> Option<std::cmp::Ordering> {
    use serde_json::Value as V;
    match (value, lit) {
        (V::Number(n), JsonLit::Int(i)) => match (n.as_i64(), n.as_u64()) {
            (Some(v), _) => Some(v.cmp(i)),
            (None, Some(_)) => Some(std::cmp::Ordering::Greater),
            _ => n.as_f64()?.partial_cmp(&(*i as f64)),
        },
        (V::Number(n), JsonLit::Float(f)) => n.as_f64()?.partial_cmp(f),
        (V::String(s), JsonLit::Str(t)) => Some(s.as_bytes().cmp(t.as_bytes())),
        (V::Bool(b), JsonLit::Bool(c)) => Some(b.cmp(c)),
        _ => None,
    }
}

/// A predicate over the non-null values of one field. `negate` flips the test on values only:
/// null rows never match a `Pred`.
#[derive(Debug, Clone)]
pub(crate) enum Pred {
    /// Int8..Int64: `lo <= v <= hi` (bounds within the field type's range; empty if `lo > hi`).
    IntRange { lo: i64, hi: i64, negate: bool },
    /// Int8..Int64: `v` in a sorted, deduplicated list of in-range values.
    IntIn { values: Vec<i64>, negate: bool },
    /// Float/Double: `lo <= v <= hi`. For Float fields both bounds are exact `f32` values.
    FloatRange { lo: f64, hi: f64, negate: bool },
    /// Float/Double: `v` in a sorted list (by `total_cmp`, `-0.0` stored as `0.0`).
    FloatIn { values: Vec<f64>, negate: bool },
    /// Bool: matches stored `true` values if `on_true`, stored `false` values if `on_false`.
    Bool { on_true: bool, on_false: bool },
    /// VarChar: byte-wise (code point order) comparison with `value`.
    StrCmp { op: CmpOp, value: Box<[u8]> },
    /// VarChar: `v` in a set.
    StrIn { set: HashSet<Box<[u8]>>, negate: bool },
    /// VarChar: `like` pattern.
    Like { pattern: LikePattern, negate: bool },
}

/// Builds the plan of `expr`, checking every name and type against `schema`.
///
/// # Errors
/// `Error::InvalidArgument` located at the offending token: unknown field, vector field, a
/// literal of the wrong type, an operator the field type does not support.
pub(crate) fn plan(src: &str, expr: &Expr, schema: &Schema) -> Result<Node> {
    Planner { src, schema }.node(expr)
}

pub(super) struct Planner<'a> {
    pub(super) src: &'a str,
    pub(super) schema: &'a Schema,
}

#[derive(Clone, Copy)]
enum Kind {
    Int { min: i64, max: i64 },
    Float32,
    Float64,
    Bool,
    Str,
    Json,
}

impl Planner<'_> {
    pub(super) fn err(&self, span: Span, msg: String) -> Error {
        syntax_error(self.src, span, msg)
    }

    /// Index, type and storage kind of a field used in the filter.
    fn field(&self, ident: &Ident) -> Result<(usize, FieldType, Kind)> {
        let Some(index) = self.schema.field_index(&ident.name) else {
            let msg = format!("field `{}` does not exist", ident.name);
            return Err(self.err(ident.span, msg));
        };
        let ty = self.schema.fields[index].field_type;
        let kind = match ty {
            FieldType::Bool => Kind::Bool,
            FieldType::Int8 => Kind::Int { min: i8::MIN.into(), max: i8::MAX.into() },
            FieldType::Int16 => Kind::Int { min: i16::MIN.into(), max: i16::MAX.into() },
            FieldType::Int32 => Kind::Int { min: i32::MIN.into(), max: i32::MAX.into() },
            FieldType::Int64 => Kind::Int { min: i64::MIN, max: i64::MAX },
            FieldType::Float => Kind::Float32,
            FieldType::Double => Kind::Float64,
            FieldType::VarChar { .. } => Kind::Str,
            FieldType::Json => Kind::Json,
            FieldType::FloatVector { .. }
            | FieldType::BinaryVector { .. }
            | FieldType::Float16Vector { .. }
            | FieldType::BFloat16Vector { .. }
            | FieldType::Int8Vector { .. }
            | FieldType::SparseFloatVector => {
                let msg = format!(
                    "field `{}` is a vector field ({}) and cannot be used in a filter",
                    ident.name,
                    ty.describe()
                );
                return Err(self.err(ident.span, msg));
            }
            FieldType::Array { .. } => return Err(super::array::not_scalar(self, ident, ty)),
        };
        Ok((index, ty, kind))
    }

    /// The JSON field and path `ident` reads, if it reads JSON: a JSON field (with or without a
    /// path) or, with dynamic fields enabled, a name that is not a schema field (`a` is
    /// `$meta["a"]`). `None` for other schema fields.
    ///
    /// # Errors
    /// A path after a field that is not JSON; an unknown name without dynamic fields.
    fn json_target(&self, ident: &Ident) -> Result<Option<(usize, Vec<PathStep>)>> {
        match self.schema.field_index(&ident.name) {
            Some(f) if self.schema.fields[f].field_type == FieldType::Json => {
                Ok(Some((f, ident.path.clone())))
            }
            Some(f) if !ident.path.is_empty() => {
                let ty = self.schema.fields[f].field_type.describe();
                let msg = format!(
                    "field `{}` is {ty}, not JSON: `[...]` paths apply to JSON fields only",
                    ident.name
                );
                Err(self.err(ident.span, msg))
            }
            Some(_) => Ok(None),
            None => match self.schema.dynamic_field_index() {
                Some(meta) => {
                    let mut path = vec![PathStep::Key(ident.name.clone())];
                    path.extend(ident.path.iter().cloned());
                    Ok(Some((meta, path)))
                }
                None => {
                    let msg = if ident.name == DYNAMIC_FIELD {
                        format!("field `{DYNAMIC_FIELD}` does not exist: dynamic fields are not enabled")
                    } else {
                        format!("field `{}` does not exist", ident.name)
                    };
                    Err(self.err(ident.span, msg))
                }
            },
        }
    }

    /// The error for a JSON function or `exists` applied to a field that is not JSON.
    fn not_json(&self, field: &Ident, blame: Span) -> Error {
        let ty = self.schema.field(&field.name).map_or_else(String::new, |f| f.field_type.describe());
        let msg = format!(
            "field `{}` is {ty}: json_contains, array_contains, array_length and exists apply to JSON fields and dynamic keys",
            field.name
        );
        self.err(blame, msg)
    }

    /// A JSON leaf.
    fn json_node(&self, (field, path): (usize, Vec<PathStep>), pred: JsonPred, negate: bool) -> Node {
        Node::Json { field, path, pred, negate }
    }

    fn mismatch(&self, ident: &Ident, ty: FieldType, lit: &Lit) -> Error {
        let msg =
            format!("field `{}` is {} and cannot be compared with {}", ident.name, ty.describe(), lit.kind());
        self.err(lit.span, msg)
    }

    fn node(&self, expr: &Expr) -> Result<Node> {
        if let Some(node) = super::array::plan(self, expr)? {
            return Ok(node);
        }
        Ok(match expr {
            Expr::Const(b) => Node::Const(*b),
            Expr::Not(inner) => Node::Not(Box::new(self.node(inner)?)),
            Expr::Or(terms) => Node::Or(terms.iter().map(|t| self.node(t)).collect::<Result<_>>()?),
            Expr::And(terms) => {
                let nodes = terms.iter().map(|t| self.node(t)).collect::<Result<Vec<_>>>()?;
                Node::And(merge_ranges(nodes))
            }
            Expr::IsNull { field, negated } => match self.json_target(field)? {
                Some(target) if !target.1.is_empty() => self.json_node(target, JsonPred::IsNull, *negated),
                _ => {
                    let (index, _, _) = self.field(field)?;
                    Node::IsNull { field: index, negated: *negated }
                }
            },
            Expr::Contains { field, mode, values, name } => match self.json_target(field)? {
                Some(target) => {
                    let pred =
                        JsonPred::Contains { mode: *mode, lits: values.iter().map(json_lit).collect() };
                    self.json_node(target, pred, false)
                }
                None => return Err(self.not_json(field, *name)),
            },
            Expr::Length { field, op, lit, .. } => {
                let Some(target) = self.json_target(field)? else {
                    return Err(self.not_json(field, field.span));
                };
                let LitValue::Int(len) = lit.value else {
                    let msg = format!("array_length compares with an integer, not {}", lit.kind());
                    return Err(self.err(lit.span, msg));
                };
                self.json_node(target, JsonPred::Length { op: *op, len }, *op == CmpOp::Ne)
            }
            Expr::Exists(field) => match self.json_target(field)? {
                Some(target) => self.json_node(target, JsonPred::Exists, false),
                None => return Err(self.not_json(field, field.span)),
            },
            Expr::Field(ident) => {
                if let Some(target) = self.json_target(ident)? {
                    return Ok(self.json_node(target, JsonPred::True, false));
                }
                let (index, ty, kind) = self.field(ident)?;
                if !matches!(kind, Kind::Bool) {
                    let msg = format!(
                        "field `{}` is {}, not Bool: only a Bool field can stand alone as a condition",
                        ident.name,
                        ty.describe()
                    );
                    return Err(self.err(ident.span, msg));
                }
                Node::Leaf { field: index, pred: Pred::Bool { on_true: true, on_false: false } }
            }
            Expr::Compare { field, op, op_span, lit } => {
                if let Some(target) = self.json_target(field)? {
                    if matches!(lit.value, LitValue::Bool(_)) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                        let msg = "only == and != apply to a boolean literal".to_owned();
                        return Err(self.err(*op_span, msg));
                    }
                    let pred = JsonPred::Cmp { op: *op, lit: json_lit(lit) };
                    return Ok(self.json_node(target, pred, *op == CmpOp::Ne));
                }
                let (index, ty, kind) = self.field(field)?;
                let pred = self.compare(field, ty, kind, *op, *op_span, lit)?;
                Node::Leaf { field: index, pred }
            }
            Expr::In { field, list, negated } => {
                if let Some(target) = self.json_target(field)? {
                    let pred = JsonPred::In(list.iter().map(json_lit).collect());
                    return Ok(self.json_node(target, pred, *negated));
                }
                let (index, ty, kind) = self.field(field)?;
                let pred = self.membership(field, ty, kind, list, *negated)?;
                Node::Leaf { field: index, pred }
            }
            Expr::Like { field, pattern, negated } => {
                if let (Some(target), LitValue::Str(text)) = (self.json_target(field)?, &pattern.value) {
                    let pred = JsonPred::Like(LikePattern::new(text));
                    return Ok(self.json_node(target, pred, *negated));
                }
                let (index, ty, kind) = self.field(field)?;
                let LitValue::Str(text) = &pattern.value else {
                    return Err(self.mismatch(field, ty, pattern));
                };
                if !matches!(kind, Kind::Str) {
                    let msg = format!("`like` needs a VarChar field, `{}` is {}", field.name, ty.describe());
                    return Err(self.err(field.span, msg));
                }
                Node::Leaf {
                    field: index,
                    pred: Pred::Like { pattern: LikePattern::new(text), negate: *negated },
                }
            }
            Expr::ArrayEq { field, .. } => return Err(super::array::list_on_non_array(self, field)),
        })
    }

    fn compare(
        &self,
        ident: &Ident,
        ty: FieldType,
        kind: Kind,
        op: CmpOp,
        op_span: Span,
        lit: &Lit,
    ) -> Result<Pred> {
        match (kind, &lit.value) {
            (Kind::Int { min, max }, LitValue::Int(v)) => Ok(int_range(op, Bound::Int(*v), min, max)),
            (Kind::Int { min, max }, LitValue::Float(v)) => Ok(int_range(op, Bound::Float(*v), min, max)),
            (Kind::Float64, LitValue::Int(v)) => Ok(float_range(op, *v as f64, false)),
            (Kind::Float64, LitValue::Float(v)) => Ok(float_range(op, *v, false)),
            (Kind::Float32, LitValue::Int(v)) => Ok(float_range(op, f64::from(*v as f32), true)),
            (Kind::Float32, LitValue::Float(v)) => Ok(float_range(op, f64::from(*v as f32), true)),
            (Kind::Bool, LitValue::Bool(b)) => match op {
                CmpOp::Eq => Ok(Pred::Bool { on_true: *b, on_false: !*b }),
                CmpOp::Ne => Ok(Pred::Bool { on_true: !*b, on_false: *b }),
                _ => {
                    let msg = format!("field `{}` is Bool: only == and != apply", ident.name);
                    Err(self.err(op_span, msg))
                }
            },
            (Kind::Str, LitValue::Str(s)) => {
                Ok(Pred::StrCmp { op, value: s.as_bytes().to_vec().into_boxed_slice() })
            }
            _ => Err(self.mismatch(ident, ty, lit)),
        }
    }

    fn membership(
        &self,
        ident: &Ident,
        ty: FieldType,
        kind: Kind,
        list: &[Lit],
        negate: bool,
    ) -> Result<Pred> {
        match kind {
            Kind::Int { min, max } => {
                let mut values = Vec::with_capacity(list.len());
                for lit in list {
                    match lit.value {
                        LitValue::Int(v) => values.push(v),
                        // A float equals an integer only when it is integral.
                        LitValue::Float(f)
                            if f.fract() == 0.0 && f >= -(2f64.powi(63)) && f < 2f64.powi(63) =>
                        {
                            values.push(f as i64)
                        }
                        LitValue::Float(_) => {}
                        _ => return Err(self.mismatch(ident, ty, lit)),
                    }
                }
                values.retain(|v| (min..=max).contains(v));
                values.sort_unstable();
                values.dedup();
                Ok(Pred::IntIn { values, negate })
            }
            Kind::Float32 | Kind::Float64 => {
                let mut values = Vec::with_capacity(list.len());
                for lit in list {
                    let v = match lit.value {
                        LitValue::Int(v) => v as f64,
                        LitValue::Float(f) => f,
                        _ => return Err(self.mismatch(ident, ty, lit)),
                    };
                    let v = if matches!(kind, Kind::Float32) { f64::from(v as f32) } else { v };
                    values.push(v + 0.0);
                }
                values.sort_unstable_by(f64::total_cmp);
                values.dedup();
                Ok(Pred::FloatIn { values, negate })
            }
            Kind::Bool => {
                let (mut on_true, mut on_false) = (false, false);
                for lit in list {
                    match lit.value {
                        LitValue::Bool(true) => on_true = true,
                        LitValue::Bool(false) => on_false = true,
                        _ => return Err(self.mismatch(ident, ty, lit)),
                    }
                }
                Ok(Pred::Bool { on_true: on_true != negate, on_false: on_false != negate })
            }
            Kind::Str => {
                let mut set = HashSet::with_capacity(list.len());
                for lit in list {
                    let LitValue::Str(s) = &lit.value else {
                        return Err(self.mismatch(ident, ty, lit));
                    };
                    set.insert(s.as_bytes().to_vec().into_boxed_slice());
                }
                Ok(Pred::StrIn { set, negate })
            }
            // JSON targets never reach here (see `json_target`).
            Kind::Json => {
                let msg = format!("field `{}` is {}: `in` needs a JSON path", ident.name, ty.describe());
                Err(self.err(ident.span, msg))
            }
        }
    }
}

fn json_lit(lit: &Lit) -> JsonLit {
    match &lit.value {
        LitValue::Int(v) => JsonLit::Int(*v),
        LitValue::Float(v) => JsonLit::Float(*v),
        LitValue::Str(s) => JsonLit::Str(s.clone()),
        LitValue::Bool(b) => JsonLit::Bool(*b),
    }
}

enum Bound {
    Int(i64),
    Float(f64),
}

/// `v op bound` over integers in `min..=max`, as an inclusive range (`negate` for `!=`).
///
/// A float bound is compared numerically: `v < 2.5` ⇔ `v <= 2`, `v == 2.5` never holds. Bounds
/// outside the field type's range are clamped, so `int8_field == 300` matches nothing and
/// `int8_field != 300` matches every non-null row.
fn int_range(op: CmpOp, bound: Bound, min: i64, max: i64) -> Pred {
    const EMPTY: (i128, i128) = (1, 0);
    let (lo, hi) = match bound {
        Bound::Int(v) => {
            let v = i128::from(v);
            match op {
                CmpOp::Eq | CmpOp::Ne => (v, v),
                CmpOp::Lt => (i128::MIN, v - 1),
                CmpOp::Le => (i128::MIN, v),
                CmpOp::Gt => (v + 1, i128::MAX),
                CmpOp::Ge => (v, i128::MAX),
            }
        }
        // `as` saturates, and the bound is finite (the lexer rejects overflowing floats).
        Bound::Float(f) => match op {
            CmpOp::Eq | CmpOp::Ne if f.fract() == 0.0 => (f as i128, f as i128),
            CmpOp::Eq | CmpOp::Ne => EMPTY,
            CmpOp::Lt => (i128::MIN, (f.ceil() as i128).saturating_sub(1)),
            CmpOp::Le => (i128::MIN, f.floor() as i128),
            CmpOp::Gt => ((f.floor() as i128).saturating_add(1), i128::MAX),
            CmpOp::Ge => (f.ceil() as i128, i128::MAX),
        },
    };
    let lo = lo.max(i128::from(min));
    let hi = hi.min(i128::from(max));
    let (lo, hi) = if lo > hi { (1, 0) } else { (lo as i64, hi as i64) };
    Pred::IntRange { lo, hi, negate: op == CmpOp::Ne }
}

/// `v op bound` over floats as an inclusive range; strict bounds step to the next float (in
/// `f32` for Float fields), which is exact because stored values are never NaN.
fn float_range(op: CmpOp, v: f64, single: bool) -> Pred {
    let up = |x: f64| {
        if single { f64::from((x as f32).next_up()) } else { x.next_up() }
    };
    let down = |x: f64| {
        if single { f64::from((x as f32).next_down()) } else { x.next_down() }
    };
    let (lo, hi) = match op {
        CmpOp::Eq | CmpOp::Ne => (v, v),
        CmpOp::Lt => (f64::NEG_INFINITY, down(v)),
        CmpOp::Le => (f64::NEG_INFINITY, v),
        CmpOp::Gt => (up(v), f64::INFINITY),
        CmpOp::Ge => (v, f64::INFINITY),
    };
    Pred::FloatRange { lo, hi, negate: op == CmpOp::Ne }
}

/// Intersects plain (non-negated) range leaves on the same field inside one `and`, so chained
/// ranges like `1 < x < 5` scan the column once.
fn merge_ranges(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let merged = out.iter_mut().any(|prev| match (prev, &node) {
            (
                Node::Leaf { field: f1, pred: Pred::IntRange { lo, hi, negate: false } },
                Node::Leaf { field: f2, pred: Pred::IntRange { lo: lo2, hi: hi2, negate: false } },
            ) if f1 == f2 => {
                (*lo, *hi) = ((*lo).max(*lo2), (*hi).min(*hi2));
                true
            }
            (
                Node::Leaf { field: f1, pred: Pred::FloatRange { lo, hi, negate: false } },
                Node::Leaf { field: f2, pred: Pred::FloatRange { lo: lo2, hi: hi2, negate: false } },
            ) if f1 == f2 => {
                (*lo, *hi) = ((*lo).max(*lo2), (*hi).min(*hi2));
                true
            }
            _ => false,
        });
        if !merged {
            out.push(node);
        }
    }
    out
}
