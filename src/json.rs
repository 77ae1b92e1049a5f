//! JSON values: the checks every stored JSON value passes, conversion of typed cells into JSON
//! (dynamic columns), path lookup and key selection (dynamic output fields).
//!
//! A JSON value is stored as its UTF-8 text in a variable-length column; this module is the only
//! place that parses or produces that text.

use serde_json::{Map, Number, Value};

use crate::column::{Column, ColumnRef};
use crate::error::{Error, Result};
use crate::schema::MAX_JSON_LENGTH;

/// One step of a JSON path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// Checks that `bytes` (row `row` of field `field`) is a JSON text of at most
/// [`MAX_JSON_LENGTH`] bytes, without building the value.
///
/// # Errors
/// [`Error::InvalidValue`] naming the field, the row and the rule.
pub fn check(field: &str, row: usize, bytes: &[u8]) -> Result<()> {
    check_length(field, row, bytes.len())?;
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(drop)
        .map_err(|e| Error::InvalidValue(format!("field `{field}` row {row}: invalid JSON: {e}")))
}

/// Parses row `row` of field `field`, with the checks of [`check`].
///
/// # Errors
/// As [`check`].
pub fn parse(field: &str, row: usize, bytes: &[u8]) -> Result<Value> {
    check_length(field, row, bytes.len())?;
    serde_json::from_slice(bytes)
        .map_err(|e| Error::InvalidValue(format!("field `{field}` row {row}: invalid JSON: {e}")))
}

/// Checks the length rule for a JSON text of `len` bytes.
///
/// # Errors
/// [`Error::InvalidValue`] when `len` exceeds [`MAX_JSON_LENGTH`].
pub fn check_length(field: &str, row: usize, len: usize) -> Result<()> {
    if len > MAX_JSON_LENGTH {
        return Err(Error::InvalidValue(format!(
            "field `{field}` row {row}: JSON length {len} exceeds the maximum of {MAX_JSON_LENGTH} bytes"
        )));
    }
    Ok(())
}

/// The JSON form of row `row` of a dynamic column, `None` for a null row. Integers and booleans
/// map to themselves, floats to numbers (a Float is written as its shortest `f32` decimal, so
/// `0.1f32` reads back as `0.1`), text to strings, vectors to arrays of numbers.
///
/// # Errors
/// [`Error::InvalidValue`] for NaN or infinity.
pub fn cell(column: &Column, row: usize) -> Result<Option<Value>> {
    if !column.is_valid(row) {
        return Ok(None);
    }
    let number = |x: f64| {
        Number::from_f64(x).map(Value::Number).ok_or_else(|| {
            Error::InvalidValue(format!(
                "field `{}` row {row}: {x} is not allowed (values must be finite)",
                column.name()
            ))
        })
    };
    let f32_number = |x: f32| number(x.to_string().parse::<f64>().unwrap_or(f64::NAN));
    Ok(Some(match column.data().as_ref() {
        ColumnRef::Bool(v) => Value::Bool(v[row] != 0),
        ColumnRef::Int8(v) => v[row].into(),
        ColumnRef::Int16(v) => v[row].into(),
        ColumnRef::Int32(v) => v[row].into(),
        ColumnRef::Int64(v) => v[row].into(),
        ColumnRef::Float(v) => f32_number(v[row])?,
        ColumnRef::Double(v) => number(v[row])?,
        c @ ColumnRef::VarChar { .. } => match std::str::from_utf8(c.bytes_at(row)) {
            Ok(s) => Value::String(s.to_owned()),
            Err(_) => {
                return Err(Error::InvalidValue(format!(
                    "field `{}` row {row}: text is not valid UTF-8",
                    column.name()
                )));
            }
        },
        c @ ColumnRef::FloatVector { .. } => {
            Value::Array(c.vector_at(row).iter().map(|&x| f32_number(x)).collect::<Result<_>>()?)
        }
    }))
}

/// The value at `path` inside `value`, if every step exists.
pub fn lookup<'v>(value: &'v Value, path: &[PathStep]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, step| match step {
        PathStep::Key(k) => v.as_object()?.get(k),
        PathStep::Index(i) => v.as_array()?.get(*i),
    })
}

/// The JSON text of object `text` restricted to `keys` (keys it lacks are left out); a text
/// that is not an object becomes `{}`.
pub fn select_keys(text: &[u8], keys: &[String]) -> String {
    let mut out = Map::new();
    if let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(text) {
        for k in keys {
            if let Some(v) = map.remove(k) {
                out.insert(k.clone(), v);
            }
        }
    }
    Value::Object(out).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_field_row_and_rule() {
        check("j", 0, br#"{"a": [1, 2.5, "x", null]}"#).unwrap();
        let err = check("j", 3, b"{oops").unwrap_err().to_string();
        assert!(err.contains("field `j` row 3: invalid JSON"), "{err}");
        let long = format!("\"{}\"", "x".repeat(MAX_JSON_LENGTH));
        let err = check("j", 1, long.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("exceeds the maximum of 65536 bytes"), "{err}");
    }

    #[test]
    fn cells_become_json() {
        let f = Column::float("f", vec![0.1]);
        assert_eq!(cell(&f, 0).unwrap(), Some(serde_json::json!(0.1)));
        let n = Column::int64("n", vec![7, 8]).with_validity(vec![true, false]);
        assert_eq!(cell(&n, 0).unwrap(), Some(serde_json::json!(7)));
        assert_eq!(cell(&n, 1).unwrap(), None);
        let nan = Column::double("d", vec![f64::NAN]);
        assert!(cell(&nan, 0).unwrap_err().to_string().contains("must be finite"));
    }

    #[test]
    fn paths_and_key_selection() {
        let v = serde_json::json!({"a": {"b": [10, {"c": true}]}});
        let path = [PathStep::Key("a".into()), PathStep::Key("b".into()), PathStep::Index(1)];
        assert_eq!(lookup(&v, &path), Some(&serde_json::json!({"c": true})));
        assert_eq!(lookup(&v, &[PathStep::Key("x".into())]), None);
        assert_eq!(select_keys(br#"{"a":1,"b":2}"#, &["b".into(), "z".into()]), r#"{"b":2}"#);
        assert_eq!(select_keys(b"[1]", &["b".into()]), "{}");
    }
}
