//! JSON values: the one check every stored JSON value passes ([`check`]), conversion of typed
//! cells into JSON (dynamic columns), path lookup and key selection (dynamic output fields).
//!
//! A JSON value is stored as its UTF-8 text in a variable-length column; this module is the only
//! place that parses or produces that text.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::column::{Column, ColumnRef, VectorKind};
use crate::error::{Error, Result};
use crate::schema::{MAX_JSON_DEPTH, MAX_JSON_LENGTH};

/// One step of a JSON path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// Checks that `bytes` (row `row` of field `field`) is a JSON text veclite may store, without
/// building the value. JSON fields and the dynamic field `$meta` pass this one check, and every
/// filter, `get` and binding reads whatever passes it. The rules:
///
/// - well-formed JSON text (RFC 8259) of at most [`MAX_JSON_LENGTH`] bytes;
/// - arrays and objects nest at most [`MAX_JSON_DEPTH`] levels deep;
/// - every number is finite as an `f64`: `1e400` (which would read as infinity) is refused, as
///   NaN and ±Inf are everywhere else;
/// - strings are valid Unicode: a lone surrogate escape such as `"\ud800"` is refused;
/// - no object repeats a key (readers would disagree on which value it has).
///
/// # Errors
/// [`Error::InvalidValue`] naming the field, the row, the rule and where in the text it broke.
pub fn check(field: &str, row: usize, bytes: &[u8]) -> Result<()> {
    check_length(field, row, bytes.len())?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Rules { depth: 0 }.deserialize(&mut de).and_then(|()| de.end()).map_err(|e| invalid(field, row, &e))
}

/// Parses row `row` of field `field`, with the checks of [`check`].
///
/// # Errors
/// As [`check`].
pub fn parse(field: &str, row: usize, bytes: &[u8]) -> Result<Value> {
    check(field, row, bytes)?;
    serde_json::from_slice(bytes).map_err(|e| invalid(field, row, &e))
}

/// The error for a text that breaks a rule of [`check`].
fn invalid(field: &str, row: usize, e: &serde_json::Error) -> Error {
    let e = e.to_string();
    let hint =
        if e.starts_with("number out of range") { " (numbers must be finite: ±Inf is refused)" } else { "" };
    Error::InvalidValue(format!("field `{field}` row {row}: invalid JSON: {e}{hint}"))
}

/// The rules of [`check`] as a visitor that walks a JSON value without building it.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// Arrays and objects enclosing the value.
    depth: usize,
}

impl Rules {
    /// The rules for the items of an array or object that is the current value.
    fn items<E: de::Error>(self) -> std::result::Result<Rules, E> {
        if self.depth == MAX_JSON_DEPTH {
            return Err(E::custom(format_args!(
                "arrays and objects nest deeper than {MAX_JSON_DEPTH} levels"
            )));
        }
        Ok(Rules { depth: self.depth + 1 })
    }
}

impl<'de> DeserializeSeed<'de> for Rules {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Rules {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<(), E> {
        // The parser already refuses numbers that overflow; this keeps the rule local.
        if v.is_finite() { Ok(()) } else { Err(E::custom("number out of range")) }
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let items = self.items()?;
        while seq.next_element_seed(items)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let items = self.items()?;
        let mut keys: HashSet<Cow<'de, str>, foldhash::fast::RandomState> = HashSet::default();
        while let Some(key) = map.next_key_seed(Key)? {
            if keys.contains(&key) {
                return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
            }
            map.next_value_seed(items)?;
            keys.insert(key);
        }
        Ok(())
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
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
        c @ ColumnRef::Array { .. } => c.array_at(row).and_then(|a| a.to_json()).ok_or_else(|| {
            Error::InvalidValue(format!(
                "field `{}` row {row}: NaN or infinity is not allowed (values must be finite)",
                column.name()
            ))
        })?,
        // Milvus's JSON forms: bytes of binary vectors, components of the others.
        c @ ColumnRef::PackedVector { kind: VectorKind::Binary, .. } => {
            Value::Array(c.packed_at(row).iter().map(|&b| b.into()).collect())
        }
        c @ ColumnRef::PackedVector { kind: VectorKind::Int8, .. } => {
            Value::Array(c.packed_at(row).iter().map(|&b| (b as i8).into()).collect())
        }
        c @ ColumnRef::PackedVector { kind, .. } => {
            Value::Array(kind.widen(c.packed_at(row)).into_iter().map(f32_number).collect::<Result<_>>()?)
        }
        // Milvus's JSON form of a sparse vector: an object from index (as text) to value.
        ColumnRef::SparseVector(rows) => {
            let (indices, values) = rows.row(row);
            let entries = indices.iter().zip(values).map(|(i, &v)| Ok((i.to_string(), f32_number(v)?)));
            Value::Object(entries.collect::<Result<_>>()?)
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
    fn one_rule_set_for_every_stored_value() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let objects = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
        for ok in [
            nested(MAX_JSON_DEPTH),
            objects(MAX_JSON_DEPTH),
            r#"{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}"#.to_owned(),
            r#"["\ud83d\ude00", "\u00e9", 1e308, -1e-400, 18446744073709551615]"#.to_owned(),
            r#"{"\u0061":1,"b":2}"#.to_owned(),
        ] {
            check("j", 0, ok.as_bytes()).unwrap_or_else(|e| panic!("{ok}: {e}"));
            let value = parse("j", 0, ok.as_bytes()).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&value.to_string()).unwrap(), value);
        }
        let deep = format!("arrays and objects nest deeper than {MAX_JSON_DEPTH} levels");
        let cases = [
            (nested(MAX_JSON_DEPTH + 1), deep.as_str()),
            (objects(MAX_JSON_DEPTH + 1), &deep),
            (nested(200), &deep),
            (nested(30_000), &deep),
            ("[1e400]".to_owned(), "number out of range at line 1 column 6 (numbers must be finite"),
            (format!("-1{}", "0".repeat(400)), "number out of range"),
            (r#"{"s": "\ud800"}"#.to_owned(), "unexpected end of hex escape"),
            (r#""\udc00x""#.to_owned(), "lone leading surrogate"),
            (r#"{"a":1,"b":2,"a":3}"#.to_owned(), "duplicate key \"a\" at line 1 column 16"),
            (r#"[{"x":{"\u0062":1,"b":2}}]"#.to_owned(), "duplicate key \"b\""),
            ("NaN".to_owned(), "expected value"),
            ("[1] [2]".to_owned(), "trailing characters"),
            ("".to_owned(), "EOF"),
        ];
        for (text, want) in cases {
            for err in
                [check("j", 7, text.as_bytes()).unwrap_err(), parse("j", 7, text.as_bytes()).unwrap_err()]
            {
                let err = err.to_string();
                assert!(err.starts_with("invalid value: field `j` row 7: invalid JSON: "), "{err}");
                assert!(err.contains(want), "{}: want {want:?}, got {err}", &text[..text.len().min(40)]);
            }
        }
        let bad_utf8 = b"\"\xff\"";
        assert!(check("j", 0, bad_utf8).unwrap_err().to_string().contains("invalid unicode"));
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
