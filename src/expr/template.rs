//! Filter templates, Milvus's `filter_params` / `expr_params`: `age > {min} and name in {names}`
//! with the values given apart from the text. [`render`] replaces every `{name}` placeholder by
//! the literal of its value and returns a plain filter; every API that takes a filter takes the
//! result, and the bindings pass the values as one JSON object ([`render_json`]).

use std::collections::BTreeMap;

use super::lexer::{Tok, tokenize};
use super::span::syntax_error;
use crate::error::{Error, Result};

/// The value of one placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateValue {
    Bool(bool),
    Int(i64),
    /// Finite.
    Float(f64),
    Str(String),
    /// For `in [...]`: scalars, not arrays.
    Array(Vec<TemplateValue>),
}

/// `expr` with each `{name}` placeholder replaced by the literal of `params[name]`: integers and
/// floats as numbers (floats printed so they read back exactly), strings double-quoted with
/// `\` and `"` escaped, booleans as `true` / `false`, arrays as `[a, b, …]`. Text outside
/// placeholders, string literals included, is kept byte for byte.
///
/// # Errors
/// [`Error::InvalidArgument`]: a placeholder without a value (naming its offset), a value no
/// placeholder uses, a non-finite float, an array inside an array, and the lexical errors of a
/// filter.
pub fn render(expr: &str, params: &BTreeMap<String, TemplateValue>) -> Result<String> {
    let mut out = String::with_capacity(expr.len());
    let mut copied = 0;
    let mut used = std::collections::BTreeSet::new();
    let tokens = tokenize(expr)?;
    for token in &tokens {
        let Tok::Param(name) = &token.tok else { continue };
        let value = params.get(name).ok_or_else(|| {
            syntax_error(expr, token.span, format!("no value for placeholder `{name}` in filter_params"))
        })?;
        out.push_str(&expr[copied..token.span.start]);
        write_literal(&mut out, name, value, true)?;
        copied = token.span.end;
        used.insert(name.as_str());
    }
    if let Some(unused) = params.keys().find(|k| !used.contains(k.as_str())) {
        return Err(Error::InvalidArgument(format!(
            "filter_params `{unused}` is not used by the filter: it has no `{{{unused}}}` placeholder"
        )));
    }
    out.push_str(&expr[copied..]);
    Ok(out)
}

/// [`render`] with the values given as a JSON object (`{"min": 3, "names": ["a", "b"]}`):
/// integers that fit `i64` are integers, other numbers floats.
///
/// # Errors
/// [`Error::InvalidArgument`] when `params_json` is not a JSON object of booleans, numbers,
/// strings and arrays of those; those of [`render`].
pub fn render_json(expr: &str, params_json: &str) -> Result<String> {
    let bad = |why: String| Error::InvalidArgument(format!("filter_params: {why}"));
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(params_json).map_err(|e| bad(format!("not a JSON object: {e}")))?;
    let params = object
        .into_iter()
        .map(|(name, value)| from_json(&name, value).map(|v| (name, v)))
        .collect::<Result<_>>()?;
    render(expr, &params)
}

fn from_json(name: &str, value: serde_json::Value) -> Result<TemplateValue> {
    use serde_json::Value as J;
    Ok(match value {
        J::Bool(b) => TemplateValue::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => TemplateValue::Int(i),
            None => TemplateValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => TemplateValue::Str(s),
        J::Array(items) => {
            TemplateValue::Array(items.into_iter().map(|v| from_json(name, v)).collect::<Result<_>>()?)
        }
        J::Null | J::Object(_) => {
            return Err(Error::InvalidArgument(format!(
                "filter_params `{name}`: a value is a boolean, number, string or array of those"
            )));
        }
    })
}

fn write_literal(out: &mut String, name: &str, value: &TemplateValue, top: bool) -> Result<()> {
    use std::fmt::Write;
    match value {
        TemplateValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        TemplateValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        TemplateValue::Float(f) if f.is_finite() => {
            let _ = write!(out, "{f:?}");
        }
        TemplateValue::Float(f) => {
            return Err(Error::InvalidArgument(format!(
                "filter_params `{name}`: {f} is not a finite number"
            )));
        }
        TemplateValue::Str(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        TemplateValue::Array(_) if !top => {
            return Err(Error::InvalidArgument(format!(
                "filter_params `{name}`: arrays inside arrays are not supported"
            )));
        }
        TemplateValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_literal(out, name, item, false)?;
            }
            out.push(']');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, TemplateValue)]) -> BTreeMap<String, TemplateValue> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn placeholders_become_literals_and_other_text_is_kept() {
        let p = params(&[
            ("a", TemplateValue::Int(-3)),
            (
                "names",
                TemplateValue::Array(vec![
                    TemplateValue::Str("x\"y\\".into()),
                    TemplateValue::Str("{b}".into()),
                ]),
            ),
            ("f", TemplateValue::Float(0.1)),
            ("ok", TemplateValue::Bool(true)),
        ]);
        let out = render("age > {a} and name in { names } and s == '{a}' or w < {f} and {ok}", &p).unwrap();
        assert_eq!(out, r#"age > -3 and name in ["x\"y\\", "{b}"] and s == '{a}' or w < 0.1 and true"#);
    }

    #[test]
    fn missing_unused_and_bad_values_are_refused() {
        let err = render("x > {a} and y < {b}", &params(&[("a", TemplateValue::Int(1))])).unwrap_err();
        assert!(err.to_string().contains("offset 16 (\"{b}\"): no value for placeholder `b`"), "{err}");
        let err = render("x > 1", &params(&[("a", TemplateValue::Int(1))])).unwrap_err();
        assert!(err.to_string().contains("filter_params `a` is not used"), "{err}");
        let err = render("x > {a}", &params(&[("a", TemplateValue::Float(f64::NAN))])).unwrap_err();
        assert!(err.to_string().contains("not a finite number"), "{err}");
        let nested = TemplateValue::Array(vec![TemplateValue::Array(vec![])]);
        assert!(render("x in {a}", &params(&[("a", nested)])).is_err());
        assert!(render("x > {1a}", &params(&[])).unwrap_err().to_string().contains("template placeholder"));
        assert!(render("x > {a", &params(&[])).is_err());
    }

    #[test]
    fn json_values_keep_integers_and_floats_apart() {
        let out = render_json(
            "a == {i} and b == {f} and c in {l}",
            r#"{"i": 7, "f": 7.5, "l": [1, "two", false]}"#,
        )
        .unwrap();
        assert_eq!(out, r#"a == 7 and b == 7.5 and c in [1, "two", false]"#);
        assert!(render_json("a == {i}", r#"{"i": null}"#).is_err());
        assert!(render_json("a == {i}", "[1]").unwrap_err().to_string().contains("not a JSON object"));
    }
}
