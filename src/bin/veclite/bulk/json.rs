//! JSON files: `{"rows": [{"field": value, ...}, ...]}`, one object per row as `LocalBulkWriter`
//! writes them: numbers and text as JSON scalars, vectors as arrays of numbers, JSON fields as
//! their JSON value, dynamic keys in a `$meta` object, nulls as `null`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;
use veclite::{Column, ColumnRef, Field, FieldType, QueryResult};

use super::{Builder, Cell, PartWriter, columns_of};

/// A JSON part being written.
pub struct JsonPart {
    path: PathBuf,
    out: BufWriter<File>,
    fields: Vec<Field>,
    rows: usize,
    bytes: u64,
}

const HEAD: &str = "{\"rows\": [\n";
const TAIL: &str = "\n]}\n";
const SEPARATOR: &str = ",\n";

impl JsonPart {
    /// Creates the part file `path` for rows of `fields`.
    pub fn create(path: &Path, fields: &[Field]) -> Result<JsonPart, String> {
        let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut out = BufWriter::new(file);
        out.write_all(HEAD.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(JsonPart {
            path: path.to_owned(),
            out,
            fields: fields.to_vec(),
            rows: 0,
            bytes: (HEAD.len() + TAIL.len()) as u64,
        })
    }
}

impl PartWriter for JsonPart {
    fn size_with(&self, batch: &QueryResult, rows: Range<usize>) -> Result<u64, String> {
        let columns = columns_of(batch, &self.fields)?;
        let mut total = self.bytes;
        let mut text = String::new();
        for (i, row) in rows.enumerate() {
            text.clear();
            write_row(&mut text, &self.fields, &columns, row)?;
            let separator = if self.rows + i > 0 { SEPARATOR.len() } else { 0 };
            total += (text.len() + separator) as u64;
        }
        Ok(total)
    }

    fn write(&mut self, batch: &QueryResult) -> Result<(), String> {
        let columns = columns_of(batch, &self.fields)?;
        let mut text = String::new();
        for row in 0..batch.len() {
            text.clear();
            if self.rows > 0 {
                text.push_str(SEPARATOR);
            }
            write_row(&mut text, &self.fields, &columns, row)?;
            self.out.write_all(text.as_bytes()).map_err(|e| format!("{}: {e}", self.path.display()))?;
            self.bytes += text.len() as u64;
            self.rows += 1;
        }
        Ok(())
    }

    fn rows(&self) -> usize {
        self.rows
    }

    fn finish(mut self: Box<Self>) -> Result<PathBuf, String> {
        let fail = |e: std::io::Error| format!("{}: {e}", self.path.display());
        self.out.write_all(TAIL.as_bytes()).map_err(fail)?;
        let file = self.out.into_inner().map_err(|e| format!("{}: {}", self.path.display(), e.error()))?;
        file.sync_all().map_err(|e| format!("{}: {e}", self.path.display()))?;
        Ok(self.path)
    }
}

/// Appends row `row` as a JSON object: every field of `fields` by name, in order.
fn write_row(out: &mut String, fields: &[Field], columns: &[&Column], row: usize) -> Result<(), String> {
    out.push('{');
    for (i, (field, column)) in fields.iter().zip(columns).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&serde_json::to_string(&field.name).map_err(|e| e.to_string())?);
        out.push_str(": ");
        if column.is_valid(row) {
            write_cell(out, field, column.data().as_ref(), row)?;
        } else {
            out.push_str("null");
        }
    }
    out.push('}');
    Ok(())
}

/// Appends the JSON value of row `row` of `data`, a column of `field`.
///
/// # Errors
/// A float that JSON cannot hold (NaN or infinite), naming field and row.
pub fn write_cell(out: &mut String, field: &Field, data: ColumnRef<'_>, row: usize) -> Result<(), String> {
    let finite = |x: f64, text: String| {
        if x.is_finite() {
            Ok(text)
        } else {
            Err(format!("field `{}` row {row}: {x} cannot be written as JSON", field.name))
        }
    };
    let text = match data {
        ColumnRef::Bool(v) => (v[row] != 0).to_string(),
        ColumnRef::Int8(v) => v[row].to_string(),
        ColumnRef::Int16(v) => v[row].to_string(),
        ColumnRef::Int32(v) => v[row].to_string(),
        ColumnRef::Int64(v) => v[row].to_string(),
        ColumnRef::Float(v) => finite(v[row].into(), float32(v[row]))?,
        ColumnRef::Double(v) => finite(v[row], serde_json::to_string(&v[row]).map_err(|e| e.to_string())?)?,
        ColumnRef::VarChar { .. } if field.field_type == FieldType::Json => data.str_at(row).to_owned(),
        ColumnRef::VarChar { .. } => serde_json::to_string(data.str_at(row)).map_err(|e| e.to_string())?,
        ColumnRef::PackedVector { kind, .. } => super::packed::json_text(kind, data.packed_at(row)),
        ColumnRef::SparseVector(rows) => {
            let (indices, values) = rows.row(row);
            super::packed::sparse_json_text(indices, values)
        }
        ColumnRef::FloatVector { .. } => {
            let mut text = String::from("[");
            for (i, x) in data.vector_at(row).iter().enumerate() {
                if i > 0 {
                    text.push_str(", ");
                }
                let _ = write!(text, "{}", finite(f64::from(*x), float32(*x))?);
            }
            text.push(']');
            text
        }
        ColumnRef::Array { .. } => match data.array_at(row).and_then(|a| a.to_json()) {
            Some(items) => items.to_string(),
            None => {
                return Err(format!(
                    "field `{}` row {row}: a non-finite element cannot be written as JSON",
                    field.name
                ));
            }
        },
    };
    out.push_str(&text);
    Ok(())
}

/// The shortest decimal that reads back as `x` when parsed as a 32-bit float (`0.1`, not the
/// `0.10000000149011612` of its 64-bit widening), with a `.0` on whole numbers.
fn float32(x: f32) -> String {
    let text = x.to_string();
    if text.contains(['.', 'e', 'N', 'i']) { text } else { format!("{text}.0") }
}

/// Reads the JSON file `path` into one column per field of `fields` present in the file (the
/// `$meta` field gathers `$meta` objects and, with dynamic fields, keys that are not fields).
/// JSON values keep their text as written, without the whitespace between tokens.
///
/// # Errors
/// Malformed JSON, a row that is not an object, an unknown key (dynamic fields off), a value
/// its field does not take, a row without a field that other rows have and that takes no null:
/// naming the row and field (the caller adds the file).
pub fn read(path: &Path, fields: &[Field]) -> Result<Vec<Column>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File<'a> {
        #[serde(borrow)]
        rows: Vec<BTreeMap<String, &'a RawValue>>,
    }
    let file: File<'_> = serde_json::from_str(&text)
        .map_err(|e| format!("not a bulk JSON file ({{\"rows\": [{{...}}, ...]}}): {e}"))?;
    let dynamic = fields.iter().position(|f| f.is_dynamic);
    let mut builders: Vec<Builder> = fields.iter().map(Builder::new).collect();
    // Per field: whether any row has it, and the first row without it.
    let mut present = vec![false; fields.len()];
    let mut first_missing: Vec<Option<usize>> = vec![None; fields.len()];
    for (row, object) in file.rows.iter().enumerate() {
        let at = |e: String| format!("row {row}: {e}");
        let mut extra = serde_json::Map::new();
        let mut meta: Option<&RawValue> = None;
        let mut seen = vec![false; fields.len()];
        for (key, raw) in object {
            match fields.iter().position(|f| &f.name == key) {
                Some(f) if Some(f) == dynamic => meta = Some(raw),
                Some(f) if fields[f].field_type == FieldType::Json => {
                    builders[f].push(Cell::Text(&compact(raw.get())), row).map_err(at)?;
                    seen[f] = true;
                }
                Some(f) if matches!(fields[f].field_type, FieldType::Array { .. }) => {
                    let value: serde_json::Value =
                        serde_json::from_str(raw.get()).map_err(|e| at(e.to_string()))?;
                    push_array(&mut builders[f], &fields[f], &value, row).map_err(at)?;
                    seen[f] = true;
                }
                Some(f) => {
                    let value: serde_json::Value =
                        serde_json::from_str(raw.get()).map_err(|e| at(e.to_string()))?;
                    builders[f].push(cell(&fields[f], &value).as_cell(), row).map_err(at)?;
                    seen[f] = true;
                }
                None if dynamic.is_some() => {
                    let value = serde_json::from_str(raw.get()).map_err(|e| at(e.to_string()))?;
                    extra.insert(key.clone(), value);
                }
                None => return Err(at(format!("key `{key}` is not a field (dynamic fields are off)"))),
            }
        }
        if let Some(d) = dynamic {
            let text = match (meta, extra.is_empty()) {
                (None, _) => serde_json::Value::Object(extra).to_string(),
                (Some(raw), true) => compact(raw.get()),
                (Some(raw), false) => match serde_json::from_str(raw.get()) {
                    Ok(serde_json::Value::Object(mut object)) => {
                        object.extend(extra);
                        serde_json::Value::Object(object).to_string()
                    }
                    _ => compact(raw.get()),
                },
            };
            builders[d].push(Cell::Text(&text), row).map_err(at)?;
            seen[d] = true;
        }
        // A key missing from a row is a null (or the default) where the field takes one.
        for (f, field) in fields.iter().enumerate().filter(|(f, _)| !seen[*f]) {
            if field.nullable || field.default_value.is_some() {
                builders[f].push(Cell::Null, row).map_err(at)?;
            } else {
                first_missing[f].get_or_insert(row);
            }
        }
        for (p, s) in present.iter_mut().zip(&seen) {
            *p |= s;
        }
    }
    let mut columns = Vec::new();
    for ((builder, field), (present, missing)) in
        builders.into_iter().zip(fields).zip(present.into_iter().zip(first_missing))
    {
        match (present, missing) {
            (false, _) => {}
            (true, Some(row)) => return Err(format!("row {row}: no value for field `{}`", field.name)),
            (true, None) => columns.push(builder.finish()),
        }
    }
    Ok(columns)
}

/// Appends `value` (a JSON list, or null) as the next row of ARRAY field `field`.
fn push_array(
    builder: &mut Builder,
    field: &Field,
    value: &serde_json::Value,
    row: usize,
) -> Result<(), String> {
    let FieldType::Array { element, max_length, .. } = field.field_type else {
        return Err(format!("field `{}` is not an ARRAY", field.name));
    };
    match value {
        serde_json::Value::Null => builder.push(Cell::Null, row),
        serde_json::Value::Array(items) => {
            let element = Field::new(field.name.clone(), element.scalar_type(max_length));
            let owned: Vec<Owned> = items.iter().map(|item| cell(&element, item)).collect();
            let cells: Vec<Cell<'_>> = owned.iter().map(Owned::as_cell).collect();
            builder.push_array(&cells, row)
        }
        _ => Err(format!("field `{}`: expected {}, a JSON list", field.name, field.field_type.describe())),
    }
}

/// `text`, a JSON text, without the whitespace between its tokens (strings keep theirs).
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// A parsed JSON value as the cell of `field`, owning what it needs.
pub fn cell(field: &Field, value: &serde_json::Value) -> Owned {
    use serde_json::Value as J;
    match (field.field_type, value) {
        (_, J::Null) => Owned::Null,
        (FieldType::Json, value) => Owned::Text(value.to_string()),
        (FieldType::FloatVector { .. }, J::Array(items)) => {
            match items.iter().map(|x| x.as_f64().map(|x| x as f32)).collect::<Option<Vec<f32>>>() {
                Some(v) => Owned::Vector(v),
                None => Owned::Other("an array with a non-number"),
            }
        }
        (_, J::Bool(b)) => Owned::Bool(*b),
        (_, J::Number(n)) => match n.as_i64() {
            Some(i) => Owned::Int(i),
            None => Owned::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        (_, J::String(s)) => Owned::Text(s.clone()),
        (_, J::Array(_)) => Owned::Other("an array"),
        (_, J::Object(_)) => Owned::Other("an object"),
    }
}

/// An owned [`Cell`].
#[derive(Debug)]
pub enum Owned {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Vector(Vec<f32>),
    /// A value no field type takes, described.
    Other(&'static str),
}

impl Owned {
    pub fn as_cell(&self) -> Cell<'_> {
        match self {
            Owned::Null => Cell::Null,
            Owned::Bool(b) => Cell::Bool(*b),
            Owned::Int(i) => Cell::Int(*i),
            Owned::Float(f) => Cell::Float(*f),
            Owned::Text(t) => Cell::Text(t),
            Owned::Vector(v) => Cell::Vector(v),
            Owned::Other(what) => Cell::Unsupported(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_drops_whitespace_outside_strings() {
        assert_eq!(
            compact("{\n  \"a b\": [1, 2],\n  \"c\": \"x \\\" y\"\n}"),
            r#"{"a b":[1,2],"c":"x \" y"}"#
        );
    }

    #[test]
    fn doubles_parse_back_exactly() {
        let field = Field::new("d", FieldType::Double);
        for x in [0.18181818181818182f64, 1.0 / 3.0, 2.2250738585072014e-308, 1e300 / 7.0] {
            let value: serde_json::Value = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
            assert!(matches!(cell(&field, &value), Owned::Float(y) if y == x), "{x}");
        }
    }

    #[test]
    fn floats_print_as_their_shortest_decimal() {
        assert_eq!(float32(0.1), "0.1");
        assert_eq!(float32(3.0), "3.0");
        assert_eq!(float32(1e-10), "0.0000000001");
    }
}
