//! Filters on ARRAY fields, as in Milvus:
//!
//! - `array_contains(a, v)`, `array_contains_all(a, [..])`, `array_contains_any(a, [..])`
//!   (the `json_contains*` names work too): whether the array holds the value(s);
//! - `array_length(a) op n`: the number of elements;
//! - `a[i] op v`, `a[i] in [..]`, `a[i] like ".."`, a bare `a[i]` of a Bool array: element `i`;
//!   a row whose array has no element `i` does not match (`!=` included), while `not in`,
//!   `not like` and `not (..)` complement the test and so match it;
//! - `a == [..]` / `a != [..]`: the whole array, element by element;
//! - `a is null` / `a is not null`.
//!
//! Literals must fit the element type, compared as for a scalar field of that type: integers
//! with integer or float literals numerically (exactly), Float elements with the literal rounded
//! to `f32`, Double with `f64`, VarChar byte-wise with strings, Bool with booleans (`==`, `!=`
//! only). Null rows match none of these tests.

use std::cmp::Ordering;

use super::ast::{ContainsMode, Expr, Ident, Lit, LitValue};
use super::eval::pack;
use super::lexer::CmpOp;
use super::like::LikePattern;
use super::plan::{Node, Planner};
use crate::bitset::Bitset;
use crate::column::{ArrayElem, ArrayRow, ColumnRef};
use crate::error::{Error, Result};
use crate::json::PathStep;
use crate::schema::{ElementType, FieldType};

/// A literal converted to the element type's comparison domain.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ElemLit {
    Bool(bool),
    Int(i64),
    /// For Float elements, an exact `f32` value.
    Float(f64),
    Str(String),
}

/// A test on one element.
#[derive(Debug, Clone)]
pub(crate) enum ElemTest {
    /// `element op lit` (`!=`: ordered and not equal).
    Cmp { op: CmpOp, lit: ElemLit },
    /// The element equals one of the literals.
    In(Vec<ElemLit>),
    /// A VarChar element matching the pattern.
    Like(LikePattern),
}

/// A test on the array of one (non-null) row.
#[derive(Debug, Clone)]
pub(crate) enum ArrayPred {
    /// The array holds the literals as `mode` asks.
    Contains { mode: ContainsMode, lits: Vec<ElemLit> },
    /// The number of elements compares with `len` as `op` says.
    Length { op: CmpOp, len: i64 },
    /// Element `index` exists and passes `test`.
    Element { index: usize, test: ElemTest },
    /// The array equals the literals, element by element.
    Equals(Vec<ElemLit>),
}

impl ArrayPred {
    fn test(&self, row: ArrayRow<'_>) -> bool {
        let equal = |e: ArrayElem<'_>, lit: &ElemLit| cmp(e, lit) == Some(Ordering::Equal);
        match self {
            ArrayPred::Contains { mode, lits } => {
                let held = |lit: &ElemLit| row.iter().any(|e| equal(e, lit));
                match mode {
                    ContainsMode::One | ContainsMode::Any => lits.iter().any(held),
                    ContainsMode::All => lits.iter().all(held),
                }
            }
            ArrayPred::Length { op, len } => holds(*op, Some((row.len() as i64).cmp(len))),
            ArrayPred::Element { index, test } => row.get(*index).is_some_and(|e| match test {
                ElemTest::Cmp { op, lit } => holds(*op, cmp(e, lit)),
                ElemTest::In(lits) => lits.iter().any(|lit| equal(e, lit)),
                ElemTest::Like(pattern) => matches!(e, ArrayElem::Str(s) if pattern.matches(s.as_bytes())),
            }),
            ArrayPred::Equals(lits) => {
                row.len() == lits.len() && row.iter().zip(lits).all(|(e, lit)| equal(e, lit))
            }
        }
    }
}

/// Whether `op` holds for an ordering (`None`: incomparable, which never holds; `!=` holds
/// for ordered, unequal values).
fn holds(op: CmpOp, ord: Option<Ordering>) -> bool {
    match (op, ord) {
        (_, None) => false,
        (CmpOp::Ne, Some(o)) => o != Ordering::Equal,
        (op, Some(o)) => op.holds(o),
    }
}

/// Orders an element against a literal of its domain; `None` across domains.
fn cmp(e: ArrayElem<'_>, lit: &ElemLit) -> Option<Ordering> {
    match (e, lit) {
        (ArrayElem::Bool(a), ElemLit::Bool(b)) => Some(a.cmp(b)),
        (ArrayElem::Int(a), ElemLit::Int(b)) => Some(a.cmp(b)),
        (ArrayElem::Int(a), ElemLit::Float(f)) => int_float_cmp(a, *f),
        (ArrayElem::Float(a), ElemLit::Float(b)) => a.partial_cmp(b),
        (ArrayElem::Str(a), ElemLit::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        _ => None,
    }
}

/// Orders an integer against a float exactly (no rounding of either).
fn int_float_cmp(a: i64, f: f64) -> Option<Ordering> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if f.is_nan() {
        return None;
    }
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f < -LIMIT {
        return Some(Ordering::Greater);
    }
    let floor = f.floor();
    Some(match a.cmp(&(floor as i64)) {
        Ordering::Equal if f > floor => Ordering::Less,
        other => other,
    })
}

/// Evaluates `pred` (flipped if `negate`) over every row of an array column; the caller masks
/// out null rows.
pub(super) fn evaluate(col: ColumnRef<'_>, pred: &ArrayPred, negate: bool) -> Bitset {
    pack(col.len(), negate, |r| col.array_at(r).is_some_and(|row| pred.test(row)))
}

/// The plan of `expr` when it reads an array field; `None` for every other expression.
///
/// # Errors
/// A form arrays do not support, a path other than one integer index, or a literal that does
/// not fit the element type, located at the offending token.
pub(super) fn plan(p: &Planner<'_>, expr: &Expr) -> Result<Option<Node>> {
    let ident = match expr {
        Expr::Compare { field, .. }
        | Expr::In { field, .. }
        | Expr::Like { field, .. }
        | Expr::IsNull { field, .. }
        | Expr::Contains { field, .. }
        | Expr::Length { field, .. }
        | Expr::ArrayEq { field, .. }
        | Expr::Field(field)
        | Expr::Exists(field) => field,
        Expr::Or(_) | Expr::And(_) | Expr::Not(_) | Expr::Const(_) => return Ok(None),
    };
    let Some(field) = p.schema.field_index(&ident.name) else {
        return Ok(None);
    };
    let ty = p.schema.fields[field].field_type;
    let FieldType::Array { element, .. } = ty else {
        return Ok(None);
    };
    let array = ArrayField { p, ident, element, ty };
    let node = |pred: ArrayPred, negate: bool| Node::Array { field, pred, negate };
    if !ident.path.is_empty() {
        let index = array.index()?;
        let element_node = |test: ElemTest, negate: bool| node(ArrayPred::Element { index, test }, negate);
        return Ok(Some(match expr {
            Expr::Compare { op, op_span, lit, .. } => {
                if element == ElementType::Bool && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    let msg = format!("`{}` holds Bool elements: only == and != apply", ident.name);
                    return Err(p.err(*op_span, msg));
                }
                element_node(ElemTest::Cmp { op: *op, lit: array.lit(lit)? }, false)
            }
            Expr::In { list, negated, .. } => element_node(ElemTest::In(array.lits(list)?), *negated),
            Expr::Like { pattern, negated, .. } => {
                let (ElementType::VarChar, LitValue::Str(text)) = (element, &pattern.value) else {
                    let msg = format!("`like` needs VarChar elements, `{}` is {}", ident.name, ty.describe());
                    return Err(p.err(ident.span, msg));
                };
                element_node(ElemTest::Like(LikePattern::new(text)), *negated)
            }
            Expr::Field(_) if element == ElementType::Bool => {
                element_node(ElemTest::Cmp { op: CmpOp::Eq, lit: ElemLit::Bool(true) }, false)
            }
            _ => {
                let msg = format!(
                    "an element of `{}` takes a comparison, `in` or `like` (or stands alone if Bool); \
                     `is null` and the array functions apply to the whole field",
                    ident.name
                );
                return Err(p.err(ident.span, msg));
            }
        }));
    }
    Ok(Some(match expr {
        Expr::IsNull { negated, .. } => Node::IsNull { field, negated: *negated },
        Expr::Contains { mode, values, .. } => {
            node(ArrayPred::Contains { mode: *mode, lits: array.lits(values)? }, false)
        }
        Expr::Length { op, lit, .. } => {
            let LitValue::Int(len) = lit.value else {
                let msg = format!("array_length compares with an integer, not {}", lit.kind());
                return Err(p.err(lit.span, msg));
            };
            node(ArrayPred::Length { op: *op, len }, false)
        }
        Expr::ArrayEq { list, negated, .. } => node(ArrayPred::Equals(array.lits(list)?), *negated),
        _ => return Err(not_scalar(p, ident, ty)),
    }))
}

/// The error for an array field used like a scalar (`a > 1`, `a in [..]`, a bare `a`).
pub(super) fn not_scalar(p: &Planner<'_>, ident: &Ident, ty: FieldType) -> Error {
    let msg = format!(
        "field `{}` is {}: compare an element (`{0}[0] > 1`), use array_contains, array_contains_all, \
         array_contains_any or array_length, or compare the whole array (`{0} == [..]`)",
        ident.name,
        ty.describe()
    );
    p.err(ident.span, msg)
}

/// The error for `field == [..]` on a field that is not an array.
pub(super) fn list_on_non_array(p: &Planner<'_>, ident: &Ident) -> Error {
    let what =
        p.schema.field(&ident.name).map_or_else(|| "not a field".to_owned(), |f| f.field_type.describe());
    let msg = format!(
        "only an ARRAY field compares with a list (`== [..]`, `!= [..]`); `{}` is {what}",
        ident.name
    );
    p.err(ident.span, msg)
}

/// The array field an expression reads, for checking its path and literals.
struct ArrayField<'p> {
    p: &'p Planner<'p>,
    ident: &'p Ident,
    element: ElementType,
    ty: FieldType,
}

impl ArrayField<'_> {
    /// The element index of `a[i]`: the path must be exactly one integer index.
    fn index(&self) -> Result<usize> {
        match self.ident.path.as_slice() {
            [PathStep::Index(i)] => Ok(*i),
            _ => {
                let msg = format!(
                    "field `{}` is {}: it takes one integer element index, as in `{0}[0]`",
                    self.ident.name,
                    self.ty.describe()
                );
                Err(self.p.err(self.ident.span, msg))
            }
        }
    }

    fn lits(&self, lits: &[Lit]) -> Result<Vec<ElemLit>> {
        lits.iter().map(|lit| self.lit(lit)).collect()
    }

    /// `lit` in the element type's domain.
    fn lit(&self, lit: &Lit) -> Result<ElemLit> {
        use ElementType as E;
        Ok(match (self.element, &lit.value) {
            (E::Bool, LitValue::Bool(b)) => ElemLit::Bool(*b),
            (E::Int8 | E::Int16 | E::Int32 | E::Int64, LitValue::Int(v)) => ElemLit::Int(*v),
            (E::Int8 | E::Int16 | E::Int32 | E::Int64, LitValue::Float(f)) => ElemLit::Float(*f),
            (E::Float, LitValue::Int(v)) => ElemLit::Float(f64::from(*v as f32)),
            (E::Float, LitValue::Float(f)) => ElemLit::Float(f64::from(*f as f32)),
            (E::Double, LitValue::Int(v)) => ElemLit::Float(*v as f64),
            (E::Double, LitValue::Float(f)) => ElemLit::Float(*f),
            (E::VarChar, LitValue::Str(s)) => ElemLit::Str(s.clone()),
            _ => {
                let msg = format!(
                    "field `{}` is {} and its elements cannot be compared with {}",
                    self.ident.name,
                    self.ty.describe(),
                    lit.kind()
                );
                return Err(self.p.err(lit.span, msg));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_order_exactly_against_floats() {
        assert_eq!(int_float_cmp(2, 2.5), Some(Ordering::Less));
        assert_eq!(int_float_cmp(3, 2.5), Some(Ordering::Greater));
        assert_eq!(int_float_cmp(-3, -2.5), Some(Ordering::Less));
        assert_eq!(int_float_cmp(2, 2.0), Some(Ordering::Equal));
        assert_eq!(int_float_cmp(i64::MAX, 9.3e18), Some(Ordering::Less));
        assert_eq!(int_float_cmp(i64::MIN, -9.3e18), Some(Ordering::Greater));
        assert_eq!(int_float_cmp(0, f64::NAN), None);
        assert!(!holds(CmpOp::Ne, None));
        assert!(holds(CmpOp::Ne, Some(Ordering::Less)));
    }
}
