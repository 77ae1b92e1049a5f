//! Evaluation: a planned [`Node`] × one segment's columns → [`Bitset`].
//!
//! Contract: each needed column and validity is fetched from the [`ColumnSource`] once per
//! evaluation; leaves run tight loops over the typed slices, packing 64 results per word, or
//! ask the field's scalar index for the rows (then the column is not read at all when the
//! index answers every leaf on the field); the logical nodes combine whole bitsets. No per-row
//! allocation or dynamic dispatch.

use super::ColumnSource;
use super::indexed::ScalarIndex;
use super::plan::{Node, Pred};
use crate::bitset::Bitset;
use crate::column::ColumnRef;
use crate::error::{Error, Result};
use crate::json::lookup;
use crate::schema::{FieldType, Schema};

/// The inputs of one evaluation: the column and validity of every field the plan reads.
struct Inputs<'a> {
    rows: usize,
    /// Indexed by schema field; `None` for fields the plan does not read.
    columns: Vec<Option<ColumnRef<'a>>>,
    /// Validity as a bitset (set = holds a value); `None` when the field has no nulls.
    valid: Vec<Option<Bitset>>,
    /// Parsed rows of the JSON fields the plan reads (`None` for a row that does not parse, read
    /// like a missing path); `None` for other fields.
    json: Vec<Option<Vec<Option<serde_json::Value>>>>,
    /// The scalar index of each field that has one.
    indexes: Vec<Option<ScalarIndex<'a>>>,
}

/// Evaluates `node` over the rows of `source`, reading `fields` (schema indices).
///
/// # Errors
/// Whatever the source returns when reading a column (e.g. a checksum failure), or
/// `Error::SchemaMismatch` when a column's type or length does not match the schema.
pub(crate) fn evaluate(
    node: &Node,
    fields: &[usize],
    schema: &Schema,
    source: &dyn ColumnSource,
) -> Result<Bitset> {
    let rows = source.num_rows();
    let n = schema.fields.len();
    let mut inputs = Inputs {
        rows,
        columns: vec![None; n],
        valid: vec![None; n],
        json: vec![None; n],
        indexes: vec![None; n],
    };
    for &f in fields {
        let field = &schema.fields[f];
        inputs.indexes[f] = source.scalar_index(f)?;
        if let Some(v) = source.validity(f)? {
            if v.len() != rows {
                return Err(Error::SchemaMismatch(format!(
                    "filter on field `{}`: expected {rows} validity bytes, got {}",
                    field.name,
                    v.len()
                )));
            }
            inputs.valid[f] = Some(pack(v.len(), false, |i| v[i] != 0));
        }
        if !needs_column(node, f, inputs.indexes[f].as_ref()) {
            continue;
        }
        let col = source.column(f)?;
        if !col.matches(field.field_type) || col.len() != rows {
            return Err(Error::SchemaMismatch(format!(
                "filter on field `{}`: expected a column of type {} with {rows} rows, got {} with {} rows",
                field.name,
                field.field_type.describe(),
                col.type_name(),
                col.len()
            )));
        }
        if field.field_type == FieldType::Json {
            inputs.json[f] = Some((0..rows).map(|r| serde_json::from_slice(col.bytes_at(r)).ok()).collect());
        }
        inputs.columns[f] = Some(col);
    }
    Ok(eval(node, &inputs))
}

/// Whether evaluating `node` reads the column of field `field`: a JSON or array test, or a leaf that
/// `index` (the field's scalar index, if any) cannot answer.
fn needs_column(node: &Node, field: usize, index: Option<&ScalarIndex<'_>>) -> bool {
    match node {
        Node::Const(_) | Node::IsNull { .. } => false,
        Node::Not(inner) => needs_column(inner, field, index),
        Node::And(terms) | Node::Or(terms) => terms.iter().any(|t| needs_column(t, field, index)),
        Node::Json { field: f, .. } | Node::Array { field: f, .. } => *f == field,
        Node::Leaf { field: f, pred } => *f == field && !index.is_some_and(|i| i.answers(pred)),
    }
}

fn eval(node: &Node, inputs: &Inputs<'_>) -> Bitset {
    match node {
        Node::Const(true) => Bitset::full(inputs.rows),
        Node::Const(false) => Bitset::new(inputs.rows),
        Node::Not(inner) => {
            let mut b = eval(inner, inputs);
            b.negate();
            b
        }
        Node::And(terms) => {
            let mut acc = Bitset::full(inputs.rows);
            for t in terms {
                if acc.words().iter().all(|w| *w == 0) {
                    break;
                }
                acc.and_with(&eval(t, inputs));
            }
            acc
        }
        Node::Or(terms) => {
            let mut acc = Bitset::new(inputs.rows);
            for t in terms {
                if acc.count_ones() == inputs.rows {
                    break;
                }
                acc.or_with(&eval(t, inputs));
            }
            acc
        }
        Node::IsNull { field, negated } => {
            let mut b = inputs.valid[*field].clone().unwrap_or_else(|| Bitset::full(inputs.rows));
            if !negated {
                b.negate();
            }
            b
        }
        Node::Json { field, path, pred, negate } => {
            let Some(values) = &inputs.json[*field] else {
                // Unreachable: the plan's field list covers every leaf.
                return Bitset::new(inputs.rows);
            };
            let mut b =
                pack(inputs.rows, *negate, |r| pred.test(values[r].as_ref().and_then(|v| lookup(v, path))));
            if let Some(valid) = &inputs.valid[*field] {
                b.and_with(valid);
            }
            b
        }
        Node::Array { field, pred, negate } => {
            let Some(col) = inputs.columns[*field] else {
                // Unreachable: the plan's field list covers every leaf.
                return Bitset::new(inputs.rows);
            };
            let mut b = super::array::evaluate(col, pred, *negate);
            if let Some(valid) = &inputs.valid[*field] {
                b.and_with(valid);
            }
            b
        }
        Node::Leaf { field, pred } => {
            let indexed =
                inputs.indexes[*field].as_ref().filter(|i| i.answers(pred)).and_then(|i| i.lookup(pred));
            let mut b = match (indexed, inputs.columns[*field]) {
                (Some((mut b, negate)), _) => {
                    if negate {
                        b.negate();
                    }
                    b
                }
                (None, Some(col)) => leaf(col, pred),
                // Unreachable: `evaluate` reads the column of every leaf its index cannot answer.
                (None, None) => return Bitset::new(inputs.rows),
            };
            if let Some(valid) = &inputs.valid[*field] {
                b.and_with(valid);
            }
            b
        }
    }
}

/// Packs `test(0..len)` (flipped if `negate`) into a bitset, 64 results per word.
#[inline]
pub(super) fn pack(len: usize, negate: bool, test: impl Fn(usize) -> bool) -> Bitset {
    let flip = if negate { u64::MAX } else { 0 };
    let mut words = Vec::with_capacity(len.div_ceil(64));
    let mut base = 0;
    while base < len {
        let end = (base + 64).min(len);
        let mut w = 0u64;
        for i in base..end {
            w |= u64::from(test(i)) << (i - base);
        }
        words.push(w ^ flip);
        base = end;
    }
    Bitset::from_words(words, len)
}

/// Packs `test(v)` over a typed slice, 64 results per word.
#[inline]
fn pack_slice<T: Copy>(vals: &[T], negate: bool, test: impl Fn(T) -> bool) -> Bitset {
    let flip = if negate { u64::MAX } else { 0 };
    let words = vals
        .chunks(64)
        .map(|chunk| {
            let mut w = 0u64;
            for (i, &v) in chunk.iter().enumerate() {
                w |= u64::from(test(v)) << i;
            }
            w ^ flip
        })
        .collect();
    Bitset::from_words(words, vals.len())
}

/// Range test over an integer slice; `lo..=hi` is within `T`'s range (the planner clamps).
fn int_range<T: Copy + PartialOrd + TryFrom<i64>>(vals: &[T], lo: i64, hi: i64, negate: bool) -> Bitset {
    match (T::try_from(lo), T::try_from(hi)) {
        (Ok(lo), Ok(hi)) if lo <= hi => pack_slice(vals, negate, |v| v >= lo && v <= hi),
        // Empty range.
        _ => pack_slice(vals, negate, |_| false),
    }
}

fn int_in<T: Copy + Into<i64>>(vals: &[T], set: &[i64], negate: bool) -> Bitset {
    if set.len() <= 8 {
        pack_slice(vals, negate, |v| set.contains(&v.into()))
    } else {
        pack_slice(vals, negate, |v| set.binary_search(&v.into()).is_ok())
    }
}

fn float_in<T: Copy + Into<f64>>(vals: &[T], set: &[f64], negate: bool) -> Bitset {
    pack_slice(vals, negate, |v| {
        let v: f64 = v.into() + 0.0;
        set.binary_search_by(|x| x.total_cmp(&v)).is_ok()
    })
}

fn leaf(col: ColumnRef<'_>, pred: &Pred) -> Bitset {
    use ColumnRef as C;
    match (col, pred) {
        (C::Int8(v), Pred::IntRange { lo, hi, negate }) => int_range(v, *lo, *hi, *negate),
        (C::Int16(v), Pred::IntRange { lo, hi, negate }) => int_range(v, *lo, *hi, *negate),
        (C::Int32(v), Pred::IntRange { lo, hi, negate }) => int_range(v, *lo, *hi, *negate),
        (C::Int64(v), Pred::IntRange { lo, hi, negate }) => int_range(v, *lo, *hi, *negate),
        (C::Int8(v), Pred::IntIn { values, negate }) => int_in(v, values, *negate),
        (C::Int16(v), Pred::IntIn { values, negate }) => int_in(v, values, *negate),
        (C::Int32(v), Pred::IntIn { values, negate }) => int_in(v, values, *negate),
        (C::Int64(v), Pred::IntIn { values, negate }) => int_in(v, values, *negate),
        (C::Float(v), Pred::FloatRange { lo, hi, negate }) => {
            // Exact: the planner computed both bounds as f32 values.
            let (lo, hi) = (*lo as f32, *hi as f32);
            pack_slice(v, *negate, |x| x >= lo && x <= hi)
        }
        (C::Double(v), Pred::FloatRange { lo, hi, negate }) => {
            let (lo, hi) = (*lo, *hi);
            pack_slice(v, *negate, |x| x >= lo && x <= hi)
        }
        (C::Float(v), Pred::FloatIn { values, negate }) => float_in(v, values, *negate),
        (C::Double(v), Pred::FloatIn { values, negate }) => float_in(v, values, *negate),
        (C::Bool(v), Pred::Bool { on_true, on_false }) => {
            let (t, f) = (*on_true, *on_false);
            pack_slice(v, false, |b| if b != 0 { t } else { f })
        }
        (c @ C::VarChar { .. }, Pred::StrCmp { op, value }) => {
            use super::lexer::CmpOp;
            let value = &value[..];
            match op {
                CmpOp::Eq => strings(c, false, |s| s == value),
                CmpOp::Ne => strings(c, true, |s| s == value),
                CmpOp::Lt => strings(c, false, |s| s < value),
                CmpOp::Le => strings(c, false, |s| s <= value),
                CmpOp::Gt => strings(c, false, |s| s > value),
                CmpOp::Ge => strings(c, false, |s| s >= value),
            }
        }
        (c @ C::VarChar { .. }, Pred::StrIn { set, negate }) => strings(c, *negate, |s| set.contains(s)),
        (c @ C::VarChar { .. }, Pred::Like { pattern, negate }) => {
            strings(c, *negate, |s| pattern.matches(s))
        }
        // Unreachable: `evaluate` checked every column against the schema the plan was built on.
        (c, _) => Bitset::new(c.len()),
    }
}

/// Packs `test(value)` over the rows of a VarChar column, 64 results per word.
fn strings(col: ColumnRef<'_>, negate: bool, test: impl Fn(&[u8]) -> bool) -> Bitset {
    let ColumnRef::VarChar { offsets, bytes } = col else {
        return Bitset::new(col.len());
    };
    let rows = offsets.len().saturating_sub(1);
    pack(rows, negate, |i| {
        let range = offsets[i] as usize..offsets[i + 1] as usize;
        test(bytes.get(range).unwrap_or_default())
    })
}
