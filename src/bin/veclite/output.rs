//! Output: an aligned table for people, JSON lines for programs.

use std::io::{IsTerminal, Write};

use serde_json::Value as Json;
use veclite::{Column, ColumnData, QueryResult, Value};

/// How results are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An aligned table with a header row.
    Table,
    /// One JSON object per line.
    Json,
}

impl Mode {
    /// JSON lines when asked for or when stdout is not a terminal; a table otherwise.
    pub fn pick(json: bool, table: bool) -> Mode {
        if json {
            Mode::Json
        } else if table || std::io::stdout().is_terminal() {
            Mode::Table
        } else {
            Mode::Json
        }
    }
}

/// Rows of named cells, written as a table or as JSON lines.
#[derive(Debug, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Json>>,
}

impl Rows {
    pub fn new(columns: &[&str]) -> Rows {
        Rows { columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<Json>) {
        self.rows.push(row);
    }

    /// Writes the rows to stdout in `mode`.
    pub fn print(&self, mode: Mode) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`veclite query … | head`) ends the output; nothing else to do.
        let _ = match mode {
            Mode::Json => self.write_json(&mut out),
            Mode::Table => self.write_table(&mut out),
        };
    }

    fn write_json(&self, out: &mut impl Write) -> std::io::Result<()> {
        for row in &self.rows {
            writeln!(out, "{}", object_text(&self.columns, row))?;
        }
        Ok(())
    }

    /// Writes the rows as an aligned table to `out`.
    pub fn write_table_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        self.write_table(out)
    }

    fn write_table(&self, out: &mut impl Write) -> std::io::Result<()> {
        let cells: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(cell_text).collect()).collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        write_line(out, &self.columns, &widths)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        write_line(out, &rule, &widths)?;
        for row in &cells {
            write_line(out, row, &widths)?;
        }
        Ok(())
    }
}

/// A JSON object with `columns` as keys in their order (serde_json's map sorts keys).
pub fn object_text(columns: &[String], row: &[Json]) -> String {
    let members: Vec<String> =
        columns.iter().zip(row).map(|(k, v)| format!("{}:{v}", Json::String(k.clone()))).collect();
    format!("{{{}}}", members.join(","))
}

/// One table line: cells left-aligned to `widths`, two spaces apart, no trailing blanks.
fn write_line(out: &mut impl Write, cells: &[String], widths: &[usize]) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(cell);
        line.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.chars().count())));
    }
    writeln!(out, "{}", line.trim_end())
}

/// A table cell: strings bare, everything else as compact JSON.
fn cell_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// The rows of a query result, one cell per column.
pub fn query_rows(result: &QueryResult) -> Rows {
    let mut rows =
        Rows { columns: result.columns.iter().map(|c| c.name().to_owned()).collect(), rows: Vec::new() };
    for row in 0..result.len() {
        rows.push(result.columns.iter().map(|c| cell(c, row)).collect());
    }
    rows
}

/// Row `row` of `column` as JSON: null for nulls, arrays for vectors and ARRAY fields, parsed
/// JSON for JSON fields.
pub fn cell(column: &Column, row: usize) -> Json {
    if !column.is_valid(row) {
        return Json::Null;
    }
    if let ColumnData::FloatVector { dim, data } = column.data() {
        return Json::Array(
            data[row * dim..(row + 1) * dim].iter().map(|x| float(f64::from(*x), true)).collect(),
        );
    }
    if let Some(items) = column.data().as_ref().array_at(row) {
        return items.to_json().unwrap_or(Json::Null);
    }
    if let ColumnData::PackedVector { kind, .. } = column.data() {
        let text = crate::bulk::packed::json_text(*kind, column.data().as_ref().packed_at(row));
        return serde_json::from_str(&text).unwrap_or(Json::Null);
    }
    let single = matches!(column.data(), ColumnData::Float(_));
    match column.value(row) {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Int(i) => Json::from(i),
        Value::Float(f) => float(f, single),
        Value::Text(s) if column.is_json() => serde_json::from_str(&s).unwrap_or(Json::String(s)),
        Value::Text(s) => Json::String(s),
    }
}

/// A float as JSON; `single` values print with the shortest digits that give back the f32.
pub fn float(value: f64, single: bool) -> Json {
    let shortest = if single { (value as f32).to_string().parse().unwrap_or(value) } else { value };
    serde_json::Number::from_f64(shortest).map_or(Json::Null, Json::Number)
}
