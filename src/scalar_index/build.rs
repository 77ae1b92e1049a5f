//! Building the body of a scalar index file from one segment's column (layout: the docs of
//! [`crate::expr::ScalarIndex`]'s module).

use crate::column::ColumnRef;
use crate::error::{Error, Result};
use crate::expr::{BITMAP_FLAG, BODY_HEADER_LEN, KeyKind};

/// One distinct value of the column, as the index orders it.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Key<'a> {
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
}

/// The `(value, row)` pairs of the non-null rows of `column`, the key kind and whether a row's
/// value is indexed (float NaNs are not: no predicate matches them).
fn entries<'a>(
    column: ColumnRef<'a>,
    valid: impl Fn(usize) -> bool,
) -> Result<(KeyKind, Vec<(Key<'a>, u32)>)> {
    fn ints<T: Copy + Into<i64>>(vals: &[T], valid: &dyn Fn(usize) -> bool) -> Vec<(Key<'static>, u32)> {
        vals.iter()
            .enumerate()
            .filter(|(r, _)| valid(*r))
            .map(|(r, &v)| (Key::Int(v.into()), r as u32))
            .collect()
    }
    fn floats<T: Copy + Into<f64>>(vals: &[T], valid: &dyn Fn(usize) -> bool) -> Vec<(Key<'static>, u32)> {
        vals.iter()
            .enumerate()
            .filter(|&(r, &v)| valid(r) && !v.into().is_nan())
            // `-0.0` and `0.0` are one value, as the scan compares them.
            .map(|(r, &v)| (Key::Float(v.into() + 0.0), r as u32))
            .collect()
    }
    let valid: &dyn Fn(usize) -> bool = &valid;
    Ok(match column {
        ColumnRef::Bool(v) => (KeyKind::Int, ints(v, valid)),
        ColumnRef::Int8(v) => (KeyKind::Int, ints(v, valid)),
        ColumnRef::Int16(v) => (KeyKind::Int, ints(v, valid)),
        ColumnRef::Int32(v) => (KeyKind::Int, ints(v, valid)),
        ColumnRef::Int64(v) => (KeyKind::Int, ints(v, valid)),
        ColumnRef::Float(v) => (KeyKind::Float, floats(v, valid)),
        ColumnRef::Double(v) => (KeyKind::Float, floats(v, valid)),
        ColumnRef::VarChar { offsets, bytes } => {
            let rows = offsets.len().saturating_sub(1);
            let mut out = Vec::with_capacity(rows);
            for r in (0..rows).filter(|&r| valid(r)) {
                let value = bytes.get(offsets[r] as usize..offsets[r + 1] as usize).ok_or_else(|| {
                    Error::SchemaMismatch(format!("scalar index: row {r}'s string lies outside the column"))
                })?;
                out.push((Key::Str(value), r as u32));
            }
            (KeyKind::Str, out)
        }
        other => {
            return Err(Error::InvalidArgument(format!(
                "a scalar index cannot be built over a {} column",
                other.type_name()
            )));
        }
    })
}

fn order(a: &Key<'_>, b: &Key<'_>) -> std::cmp::Ordering {
    match (a, b) {
        (Key::Int(x), Key::Int(y)) => x.cmp(y),
        (Key::Float(x), Key::Float(y)) => x.total_cmp(y),
        (Key::Str(x), Key::Str(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

fn pad8(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(8), 0);
}

/// The body of a scalar index over `column` (`rows` rows; `validity` as the segment stores it,
/// `None` when every row has a value). With `bitmaps`, a value held by at least 1/32 of the rows
/// stores its rows as a bitmap instead of a row list (the smaller of the two).
///
/// The body is a pure function of its inputs, so a verifier can rebuild and compare it.
///
/// # Errors
/// [`Error::InvalidArgument`] for a column type no scalar index covers; [`Error::SchemaMismatch`]
/// for a column or validity whose length is not `rows`.
pub(crate) fn build(column: ColumnRef<'_>, validity: Option<&[u8]>, bitmaps: bool) -> Result<Vec<u8>> {
    let rows = column.len();
    if validity.is_some_and(|v| v.len() != rows) || u32::try_from(rows).is_err() {
        return Err(Error::SchemaMismatch(format!(
            "scalar index: {rows} rows with {} validity bytes",
            validity.map_or(rows, <[u8]>::len)
        )));
    }
    let (kind, mut entries) = entries(column, |r| validity.is_none_or(|v| v[r] != 0))?;
    // Stable: each value's rows stay ascending.
    entries.sort_by(|a, b| order(&a.0, &b.0));
    let mut groups: Vec<(Key<'_>, Vec<u32>)> = Vec::new();
    for (key, row) in entries {
        match groups.last_mut() {
            Some((last, group)) if order(last, &key).is_eq() => group.push(row),
            _ => groups.push((key, vec![row])),
        }
    }
    let words = rows.div_ceil(64);
    let mut out = Vec::new();
    for v in [kind as u32, rows as u32, groups.len() as u32, u32::from(bitmaps)] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    debug_assert_eq!(out.len(), BODY_HEADER_LEN);
    match kind {
        KeyKind::Int | KeyKind::Float => {
            for (key, _) in &groups {
                let bytes = match key {
                    Key::Int(v) => v.to_le_bytes(),
                    Key::Float(v) => v.to_le_bytes(),
                    Key::Str(_) => [0; 8],
                };
                out.extend_from_slice(&bytes);
            }
        }
        KeyKind::Str => {
            let mut at = 0u64;
            out.extend_from_slice(&at.to_le_bytes());
            for (key, _) in &groups {
                at += if let Key::Str(s) = key { s.len() as u64 } else { 0 };
                out.extend_from_slice(&at.to_le_bytes());
            }
            for (key, _) in &groups {
                if let Key::Str(s) = key {
                    out.extend_from_slice(s);
                }
            }
            pad8(&mut out);
        }
    }
    // Postings: a directory of starts (in u32 units of the payload; bit 63 = bitmap), then the
    // payload.
    let mut payload: Vec<u32> = Vec::new();
    let mut directory = Vec::with_capacity(groups.len() + 1);
    for (_, group) in &groups {
        if bitmaps && group.len() * 32 >= rows {
            directory.push(payload.len() as u64 | BITMAP_FLAG);
            let start = payload.len();
            payload.resize(start + 2 * words, 0);
            for &r in group {
                let (word, bit) = (r as usize / 64, r % 64);
                let half = start + 2 * word + usize::from(bit >= 32);
                payload[half] |= 1 << (bit % 32);
            }
        } else {
            directory.push(payload.len() as u64);
            payload.extend_from_slice(group);
        }
    }
    directory.push(payload.len() as u64);
    for d in directory {
        out.extend_from_slice(&d.to_le_bytes());
    }
    for p in payload {
        out.extend_from_slice(&p.to_le_bytes());
    }
    Ok(out)
}
