//! The files of Milvus bulk import, as pymilvus's `LocalBulkWriter` writes them: Parquet, JSON
//! (`{"rows": [...]}`) and NumPy (one `.npy` per field in a directory).
//!
//! Every format maps each field type in one place, so a new type is one arm per format:
//! [`parquet::arrow_type`], [`parquet::to_arrow`] and [`parquet::cell`] (Arrow type, export,
//! import), [`json::write_cell`] and [`json::cell`], [`numpy::descr`] and [`numpy::read_field`],
//! and [`Builder::push`] (the checks every imported value goes through). ARRAY fields are lists
//! in Parquet and JSON ([`Builder::push_array`] checks each element as a value of its type);
//! NumPy files refuse them ([`check_supported`]).

pub mod json;
pub mod numpy;
pub mod packed;
pub mod parquet;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use veclite::{Column, ColumnData, Field, FieldType, QueryResult, Schema, Value};
use veclite::{DYNAMIC_FIELD, MAX_VECTOR_NORM};

/// A bulk file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One `.parquet` file per part: a column per field, vectors as lists, JSON as text.
    Parquet,
    /// One `.json` file per part: `{"rows": [{field: value, ...}, ...]}`.
    Json,
    /// One directory per part holding `<field>.npy` for every field.
    Numpy,
}

impl Format {
    /// The format of an import source: by file extension, or NumPy for a directory of `.npy`.
    pub fn of(path: &Path) -> Option<Format> {
        if path.is_dir() {
            return has_npy(path).then_some(Format::Numpy);
        }
        match path.extension()?.to_str()? {
            "parquet" => Some(Format::Parquet),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// The error for an ARRAY field, which veclite's bulk files do not carry yet.
pub fn array_refusal(field: &Field, format: &str) -> String {
    format!(
        "field `{}` is {}: ARRAY fields are not supported by veclite's {format} bulk files yet",
        field.name,
        field.field_type.describe()
    )
}

/// Checks that `fields` can go through a bulk file of `format`: every type can, but ARRAY only
/// in JSON (lists) and Parquet (list columns) files.
///
/// # Errors
/// The first ARRAY field, named.
pub fn check_supported(fields: &[Field], format: Format) -> Result<(), String> {
    let name = match format {
        Format::Parquet => "parquet",
        Format::Json => "json",
        Format::Numpy => "numpy",
    };
    match fields.iter().find(|f| matches!(f.field_type, FieldType::Array { .. })) {
        Some(f) if format == Format::Numpy => Err(array_refusal(f, name)),
        _ => Ok(()),
    }
}

/// The fields a file of `schema` holds, in schema order (`$meta` last, as in the schema): every
/// field except an auto_id primary key, which Milvus generates and refuses in import files.
pub fn file_fields(schema: &Schema) -> Vec<Field> {
    schema.fields.iter().filter(|f| !(f.primary_key && f.auto_id)).cloned().collect()
}

/// The rows `rows` of `batch`, as a new result.
pub fn slice(batch: &QueryResult, rows: Range<usize>) -> QueryResult {
    let columns = batch
        .columns
        .iter()
        .map(|c| {
            let mut data = ColumnData::empty_like(c.data());
            data.extend_from_rows(c.data().as_ref(), rows.clone());
            let mut column = Column::new(c.name(), data);
            if c.is_json() {
                column = column.into_json();
            }
            match c.validity() {
                Some(v) => column.with_validity(v[rows.clone()].to_vec()),
                None => column,
            }
        })
        .collect();
    QueryResult { columns }
}

/// The columns of `batch` in the order of `fields` (a missing column is an internal error).
pub fn columns_of<'b>(batch: &'b QueryResult, fields: &[Field]) -> Result<Vec<&'b Column>, String> {
    fields
        .iter()
        .map(|f| batch.column(&f.name).ok_or_else(|| format!("the read returned no column `{}`", f.name)))
        .collect()
}

/// A part of an export being written: one file (or, for NumPy, one directory).
pub trait PartWriter {
    /// The part's estimated size in bytes once `rows` of `batch` are written too (besides the
    /// rows written so far). Grows with `rows.end`.
    fn size_with(&self, batch: &QueryResult, rows: Range<usize>) -> Result<u64, String>;
    /// Writes every row of `batch`.
    fn write(&mut self, batch: &QueryResult) -> Result<(), String>;
    /// Rows written so far.
    fn rows(&self) -> usize;
    /// Completes the part; returns its path.
    fn finish(self: Box<Self>) -> Result<PathBuf, String>;
}

/// One import source: a file, or a NumPy directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub format: Format,
}

/// The import sources under `path`: the file or NumPy directory itself, or every `.parquet` and
/// `.json` file and NumPy directory below it (as `LocalBulkWriter` leaves them: `<uuid>/1.parquet`,
/// `<uuid>/2.parquet`, ...), in natural order of their paths.
///
/// # Errors
/// A path that does not exist, a file of another kind, a directory with nothing to import.
pub fn sources(path: &Path) -> Result<Vec<Source>, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    if let Some(format) = Format::of(path) {
        return Ok(vec![Source { path: path.to_owned(), format }]);
    }
    if !path.is_dir() {
        return Err(format!(
            "{}: not a bulk file (expected .parquet, .json, or a directory of .npy files)",
            path.display()
        ));
    }
    let mut found = Vec::new();
    walk(path, &mut found)?;
    if found.is_empty() {
        return Err(format!("{}: no .parquet, .json or .npy files in this directory", path.display()));
    }
    found.sort_by_key(|s| natural_key(&s.path));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<Source>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        match Format::of(&path) {
            Some(format) => found.push(Source { path, format }),
            None if path.is_dir() => walk(&path, found)?,
            None => {}
        }
    }
    Ok(())
}

fn has_npy(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| e.path().extension().is_some_and(|x| x == "npy") && e.path().is_file())
    })
}

/// A sort key that orders `2.parquet` before `10.parquet`: each run of digits compares as a number.
fn natural_key(path: &Path) -> Vec<(String, u64)> {
    let text = path.to_string_lossy();
    let mut key = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut digits = c.to_string();
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                digits.push(d);
            }
            key.push((std::mem::take(&mut word), digits.parse().unwrap_or(u64::MAX)));
        } else {
            word.push(c);
        }
    }
    key.push((word, 0));
    key
}

/// One value read from a file, before it is checked against its field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text: a VarChar value, or the text of a JSON value.
    Text(&'a str),
    Vector(&'a [f32]),
    /// A value no field type takes, described (`an object`).
    Unsupported(&'static str),
}

impl Cell<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "null",
            Cell::Bool(_) => "a boolean",
            Cell::Int(_) => "an integer",
            Cell::Float(_) => "a float",
            Cell::Text(_) => "text",
            Cell::Vector(_) => "a vector",
            Cell::Unsupported(what) => what,
        }
    }
}

/// The column of one field being read from a file: every value is checked as it is pushed, with
/// the rules a write applies, so a file is refused before anything of it is written.
#[derive(Debug)]
pub struct Builder {
    field: Field,
    data: ColumnData,
    validity: Vec<bool>,
    has_null: bool,
}

impl Builder {
    pub fn new(field: &Field) -> Builder {
        Builder {
            field: field.clone(),
            data: ColumnData::empty(field.field_type),
            validity: Vec::new(),
            has_null: false,
        }
    }

    /// Appends `cell` as the value of the next row; `row` (in the file) is for messages.
    ///
    /// # Errors
    /// The rule `cell` breaks, naming the field (the caller adds file and row).
    pub fn push(&mut self, cell: Cell<'_>, row: usize) -> Result<(), String> {
        let name = &self.field.name;
        let ty = self.field.field_type;
        let wrong = || format!("field `{name}`: expected {}, got {}", ty.describe(), cell.kind());
        if cell == Cell::Null {
            if !self.field.nullable && self.field.default_value.is_none() {
                return Err(format!("field `{name}` is not nullable and has no default value, got null"));
            }
            self.data.push_repeated(&Value::Null, 1);
            self.validity.push(false);
            self.has_null = true;
            return Ok(());
        }
        let int = |lo: i64, hi: i64| match cell {
            Cell::Int(v) if (lo..=hi).contains(&v) => Ok(v),
            Cell::Int(v) => Err(format!("field `{name}`: {v} is out of range for {}", ty.describe())),
            _ => Err(wrong()),
        };
        match (&mut self.data, ty) {
            (ColumnData::Bool(d), FieldType::Bool) => match cell {
                Cell::Bool(b) => d.push(u8::from(b)),
                _ => return Err(wrong()),
            },
            (ColumnData::Int8(d), FieldType::Int8) => d.push(int(i8::MIN.into(), i8::MAX.into())? as i8),
            (ColumnData::Int16(d), FieldType::Int16) => d.push(int(i16::MIN.into(), i16::MAX.into())? as i16),
            (ColumnData::Int32(d), FieldType::Int32) => d.push(int(i32::MIN.into(), i32::MAX.into())? as i32),
            (ColumnData::Int64(d), FieldType::Int64) => d.push(int(i64::MIN, i64::MAX)?),
            (ColumnData::Float(d), FieldType::Float) => d.push(number(cell).ok_or_else(wrong)? as f32),
            (ColumnData::Double(d), FieldType::Double) => d.push(number(cell).ok_or_else(wrong)?),
            (data @ ColumnData::VarChar { .. }, FieldType::VarChar { max_length }) => {
                let Cell::Text(text) = cell else { return Err(wrong()) };
                if text.len() > max_length as usize {
                    return Err(format!(
                        "field `{name}`: {} bytes exceed max_length {max_length}",
                        text.len()
                    ));
                }
                data.push_repeated(&Value::Text(text.to_owned()), 1);
            }
            (data @ ColumnData::VarChar { .. }, FieldType::Json) => {
                let Cell::Text(text) = cell else { return Err(wrong()) };
                // A nullable JSON field's `null` is a null (pymilvus writes nulls so).
                if self.field.nullable && text.trim() == "null" {
                    return self.push(Cell::Null, row);
                }
                veclite::check_json(name, row, text.as_bytes()).map_err(|e| e.to_string())?;
                if self.field.is_dynamic && !text.trim_start().starts_with('{') {
                    return Err(format!("field `{DYNAMIC_FIELD}` must hold a JSON object, got {text}"));
                }
                data.push_repeated(&Value::Text(text.to_owned()), 1);
            }
            (ColumnData::FloatVector { dim, data }, FieldType::FloatVector { .. }) => {
                let Cell::Vector(v) = cell else { return Err(wrong()) };
                if v.len() != *dim {
                    return Err(format!("field `{name}`: expected {dim} components, got {}", v.len()));
                }
                if let Some(bad) = v.iter().position(|x| !x.is_finite()) {
                    return Err(format!(
                        "field `{name}`: component {bad} is {}, not a finite number",
                        v[bad]
                    ));
                }
                let norm = v.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
                if norm > f64::from(MAX_VECTOR_NORM) {
                    return Err(format!(
                        "field `{name}`: vector norm {norm:.3e} exceeds {MAX_VECTOR_NORM:e}"
                    ));
                }
                data.extend_from_slice(v);
            }
            _ => return Err(format!("field `{name}`: type {} cannot be imported", ty.describe())),
        }
        self.validity.push(true);
        Ok(())
    }

    /// Appends `items` as the array of the next row of an ARRAY field; `row` (in the file) is
    /// for messages.
    ///
    /// # Errors
    /// A field that is not an ARRAY, more elements than its max_capacity, or the rule an
    /// element breaks (each element is checked as a value of the element type), naming the
    /// field and the element.
    pub fn push_array(&mut self, items: &[Cell<'_>], row: usize) -> Result<(), String> {
        let name = self.field.name.clone();
        let (FieldType::Array { element, max_capacity, max_length }, ColumnData::Array { offsets, values }) =
            (self.field.field_type, &mut self.data)
        else {
            return Err(format!("field `{name}`: expected {}, got a list", self.field.field_type.describe()));
        };
        if items.len() > max_capacity as usize {
            return Err(format!(
                "field `{name}`: {} elements exceed max_capacity {max_capacity}",
                items.len()
            ));
        }
        let ty = element.scalar_type(max_length);
        let mut elements = Builder {
            field: Field::new(name, ty),
            data: std::mem::replace(values.as_mut(), ColumnData::empty(ty)),
            validity: Vec::new(),
            has_null: false,
        };
        let pushed = items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| elements.push(*item, row).map_err(|e| format!("{e} (element {i})")));
        **values = elements.data;
        pushed?;
        offsets.push(values.len() as u64);
        self.validity.push(true);
        Ok(())
    }

    /// The column: JSON-marked for JSON fields, with a validity mask when a value was null.
    pub fn finish(self) -> Column {
        let mut column = Column::new(self.field.name.clone(), self.data);
        if self.field.field_type == FieldType::Json {
            column = column.into_json();
        }
        if self.has_null { column.with_validity(self.validity) } else { column }
    }
}

/// A number as `f64`: floats, and integers (JSON writes `1.0` as `1` in some writers).
fn number(cell: Cell<'_>) -> Option<f64> {
    match cell {
        Cell::Float(v) => Some(v),
        Cell::Int(v) => Some(v as f64),
        _ => None,
    }
}

/// The primary keys seen in the files of one import, to refuse a key repeated across batches of
/// a file before anything of it is written.
#[derive(Debug, Default)]
pub struct SeenKeys {
    ints: HashSet<i64>,
    strs: HashSet<String>,
}

impl SeenKeys {
    /// Records the keys of `column`; returns the row (within the column) of the first repeated key.
    pub fn add(&mut self, column: &Column) -> Option<(usize, String)> {
        let data = column.data().as_ref();
        for row in 0..column.len() {
            let (new, text) = match data {
                veclite::ColumnRef::Int64(v) => (self.ints.insert(v[row]), v[row].to_string()),
                _ => (self.strs.insert(data.str_at(row).to_owned()), format!("{:?}", data.str_at(row))),
            };
            if !new {
                return Some((row, text));
            }
        }
        None
    }
}

/// Concatenates batches of columns with the same names, in order.
pub fn concat(batches: Vec<Vec<Column>>) -> Vec<Column> {
    let mut batches = batches.into_iter();
    let Some(first) = batches.next() else { return Vec::new() };
    let mut out: Vec<(Column, Vec<bool>, bool)> = first
        .into_iter()
        .map(|c| {
            let valid = (0..c.len()).map(|r| c.is_valid(r)).collect();
            let null = c.validity().is_some();
            (c, valid, null)
        })
        .collect();
    for batch in batches {
        for ((acc, valid, null), c) in out.iter_mut().zip(batch) {
            let mut data = acc.data().clone();
            data.extend_from(c.data().as_ref());
            valid.extend((0..c.len()).map(|r| c.is_valid(r)));
            *null |= c.validity().is_some();
            let json = acc.is_json();
            *acc = Column::new(acc.name(), data);
            if json {
                *acc = acc.clone().into_json();
            }
        }
    }
    out.into_iter().map(|(c, valid, null)| if null { c.with_validity(valid) } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut paths =
            vec![PathBuf::from("d/10.parquet"), PathBuf::from("d/2.parquet"), PathBuf::from("d/1.parquet")];
        paths.sort_by_key(|p| natural_key(p));
        assert_eq!(
            paths,
            [PathBuf::from("d/1.parquet"), PathBuf::from("d/2.parquet"), PathBuf::from("d/10.parquet")]
        );
    }

    #[test]
    fn builder_checks_each_rule() {
        let mut b = Builder::new(&Field::new("x", FieldType::Int8));
        b.push(Cell::Int(-128), 0).unwrap();
        assert!(b.push(Cell::Int(128), 1).unwrap_err().contains("out of range for Int8"));
        assert!(b.push(Cell::Null, 1).unwrap_err().contains("not nullable"));
        assert!(b.push(Cell::Text("1"), 1).unwrap_err().contains("expected Int8, got text"));
        let mut v = Builder::new(&Field::new("v", FieldType::FloatVector { dim: 2 }));
        assert!(v.push(Cell::Vector(&[1.0]), 0).unwrap_err().contains("expected 2 components"));
        assert!(v.push(Cell::Vector(&[1.0, f32::NAN]), 0).unwrap_err().contains("component 1"));
        let mut s = Builder::new(&Field::new("s", FieldType::VarChar { max_length: 2 }));
        assert!(s.push(Cell::Text("abc"), 0).unwrap_err().contains("3 bytes exceed max_length 2"));
        let mut j = Builder::new(&Field::new("j", FieldType::Json).nullable(true));
        j.push(Cell::Text("null"), 0).unwrap();
        j.push(Cell::Text("{\"a\": 1}"), 1).unwrap();
        assert!(j.push(Cell::Text("{"), 2).is_err());
        let c = j.finish();
        assert_eq!((c.is_valid(0), c.is_valid(1), c.is_json()), (false, true, true));
    }

    #[test]
    fn concat_keeps_validity_and_json() {
        let a = vec![Column::json("j", ["1"]), Column::int64("k", vec![1])];
        let b = vec![Column::json("j", ["2"]).with_validity(vec![false]), Column::int64("k", vec![2])];
        let c = concat(vec![a, b]);
        assert_eq!(c[0].len(), 2);
        assert!(c[0].is_json() && c[0].is_valid(0) && !c[0].is_valid(1));
        assert_eq!(c[1].validity(), None);
    }
}
