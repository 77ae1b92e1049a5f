//! `veclite export`: a collection's rows as files Milvus's bulk import takes as they are.
//!
//! The rows are read through the public API in batches (the matching primary keys first, then
//! the rows of a few thousand keys at a time), so memory holds the keys and one batch, never the
//! whole collection.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use veclite::{Field, FieldType, PrimaryKeys, QueryResult};

use crate::bulk::json::JsonPart;
use crate::bulk::numpy::NumpyPart;
use crate::bulk::parquet::ParquetPart;
use crate::bulk::{Format, PartWriter, file_fields, slice};
use crate::commands::{Failure, done, fail, open};
use crate::output::{Mode, Rows};
use crate::{Target, progress};

/// The help text after the options of `veclite export`.
pub const HELP: &str = "\
Files are named 1.parquet, 2.parquet, ... (1.json, ...; NumPy: directories 1/, 2/, ... of \
<field>.npy) in the --out directory, laid out as pymilvus's LocalBulkWriter writes them: give \
them to Milvus's bulk import (docs/outgrowing-one-machine.md). An auto_id primary key is left \
out (Milvus generates it). NumPy files cannot hold nulls: a null fails the export.

Examples:
  veclite export ./veclite_demo_db hello_veclite --format parquet --out ./export
  veclite export ./veclite_demo_db hello_veclite --format json --out ./export --max-file-size 64M
  veclite export ./veclite_demo_db hello_veclite --format numpy --out ./export --filter 'random > 0.5'";

/// Arguments of `veclite export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    target: Target,
    /// File format: parquet, json or numpy.
    #[arg(long, value_enum)]
    format: Format,
    /// Directory to create for the files (it must not exist, or be empty).
    #[arg(long)]
    out: PathBuf,
    /// Largest size of one file (NumPy: one part directory), in bytes (suffixes K, M, G = 1024,
    /// 1024², 1024³); rows are split over files 1, 2, ... so each stays under it. One file when
    /// omitted.
    #[arg(long, value_parser = parse_size)]
    max_file_size: Option<u64>,
    /// Export only the rows matching this filter (Milvus syntax).
    #[arg(long, default_value = "")]
    filter: String,
    /// Partition to export (repeatable); all partitions when omitted.
    #[arg(long = "partition")]
    partitions: Vec<String>,
    #[command(flatten)]
    output: crate::Format,
}

/// Bytes of rows read at a time.
const BATCH_BYTES: usize = 8 << 20;
/// Most rows read at a time.
const BATCH_ROWS: usize = 4096;

/// Parses a size: a number of bytes, optionally followed by K, M or G (powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 10),
        Some((i, 'M' | 'm')) => (&t[..i], 20),
        Some((i, 'G' | 'g')) => (&t[..i], 30),
        _ => (t, 0),
    };
    let n: u64 =
        digits.trim().parse().map_err(|_| format!("{text:?} is not a size (e.g. 1048576, 512K, 64M, 2G)"))?;
    let bytes =
        n.checked_shl(shift).filter(|b| b >> shift == n).ok_or_else(|| format!("{text:?} is too large"))?;
    if bytes == 0 {
        return Err("the size must be positive".into());
    }
    Ok(bytes)
}

/// `veclite export`: writes the parts, then prints one row per part (file, rows, bytes). A failed
/// export removes what it wrote under `--out`.
pub fn run(args: &ExportArgs) -> Result<ExitCode, Failure> {
    let existed = args.out.exists();
    prepare_out(&args.out)?;
    let result = export(args);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&args.out);
        if existed {
            let _ = std::fs::create_dir(&args.out);
        }
    }
    result
}

fn export(args: &ExportArgs) -> Result<ExitCode, Failure> {
    let db = open(&args.target.dir)?;
    let collection = &args.target.collection;
    let schema = db.describe_collection(collection).map_err(fail)?.schema;
    let fields = file_fields(&schema);
    crate::bulk::check_supported(&fields, args.format)?;
    let partitions: Vec<&str> = args.partitions.iter().map(String::as_str).collect();
    let pk = schema.pk_field().name.clone();
    let keys = db.query(collection, &partitions, &args.filter, &[pk.as_str()], None, 0).map_err(fail)?;
    let keys = match keys.column(&pk) {
        Some(column) => PrimaryKeys::from_column(column.data().as_ref()).map_err(fail)?,
        None => return Err(format!("the read returned no column `{pk}`")),
    };
    let mut export = Export { args, fields, parts: Vec::new(), current: None, rows: 0 };
    let bar = progress::bar(keys.len() as u64, "export", "rows");
    let batch_rows = (BATCH_BYTES / row_estimate(&schema.fields)).clamp(1, BATCH_ROWS);
    for start in (0..keys.len()).step_by(batch_rows) {
        let end = (start + batch_rows).min(keys.len());
        let chunk = match &keys {
            PrimaryKeys::Int(k) => PrimaryKeys::Int(k[start..end].to_vec()),
            PrimaryKeys::Str(k) => PrimaryKeys::Str(k[start..end].to_vec()),
        };
        let batch = db.get(collection, &partitions, &chunk, &["*"]).map_err(fail)?;
        export.write(&batch)?;
        bar.inc(batch.len() as u64);
    }
    export.finish_part()?;
    bar.finish_and_clear();
    print_parts(&export.parts, Mode::pick(args.output.json, args.output.table));
    done(db)
}

/// Creates `out`, or accepts it if it is an empty directory.
fn prepare_out(out: &Path) -> Result<(), Failure> {
    match std::fs::read_dir(out).map(|mut entries| entries.next().is_none()) {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!("--out {}: the directory is not empty", out.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).map_err(|e| format!("--out {}: {e}", out.display()))
        }
        Err(e) => Err(format!("--out {}: {e}", out.display())),
    }
}

/// Rough bytes of one row of `fields` (strings counted at 64 bytes), to size read batches.
fn row_estimate(fields: &[Field]) -> usize {
    fields
        .iter()
        .map(|f| match f.field_type {
            FieldType::FloatVector { dim } => 4 * dim as usize,
            FieldType::VarChar { .. } | FieldType::Json => 64,
            other => other.vector_kind().map_or(8, |(kind, dim)| kind.row_bytes(dim)),
        })
        .sum::<usize>()
        .max(1)
}

/// A finished part: its path, rows and bytes.
struct Part {
    path: PathBuf,
    rows: usize,
    bytes: u64,
}

/// An export in progress: the parts written and the one being written.
struct Export<'a> {
    args: &'a ExportArgs,
    fields: Vec<Field>,
    parts: Vec<Part>,
    current: Option<Box<dyn PartWriter>>,
    /// Rows in finished parts.
    rows: usize,
}

impl Export<'_> {
    /// The part being written, opening part `parts.len() + 1` if there is none.
    fn part(&mut self, batch: &QueryResult) -> Result<&mut Box<dyn PartWriter>, Failure> {
        if self.current.is_none() {
            let n = self.parts.len() + 1;
            let out = &self.args.out;
            let part: Box<dyn PartWriter> = match self.args.format {
                Format::Parquet => {
                    let row_bytes = if batch.is_empty() { 1 } else { batch_row_bytes(batch) };
                    Box::new(ParquetPart::create(&out.join(format!("{n}.parquet")), &self.fields, row_bytes)?)
                }
                Format::Json => Box::new(JsonPart::create(&out.join(format!("{n}.json")), &self.fields)?),
                Format::Numpy => {
                    Box::new(NumpyPart::create(&out.join(n.to_string()), &self.fields, self.rows)?)
                }
            };
            self.current = Some(part);
        }
        Ok(self.current.as_mut().expect("a part was just opened"))
    }

    /// Writes `batch`, starting new parts so that none exceeds `--max-file-size`.
    fn write(&mut self, batch: &QueryResult) -> Result<(), Failure> {
        let Some(max) = self.args.max_file_size else {
            return self.part(batch)?.write(batch);
        };
        let n = batch.len();
        let mut start = 0;
        while start < n {
            let part = self.part(batch)?;
            let fits = |part: &dyn PartWriter, end: usize| -> Result<bool, Failure> {
                Ok(part.size_with(batch, start..end)? <= max)
            };
            if !fits(part.as_ref(), start + 1)? {
                if part.rows() == 0 {
                    let need = part.size_with(batch, start..start + 1)?;
                    return Err(format!(
                        "--max-file-size {max}: row {} of the export alone takes about {need} bytes in a file",
                        self.rows + start
                    ));
                }
                self.finish_part()?;
                continue;
            }
            // The largest end whose rows still fit (sizes grow with the end).
            let (mut lo, mut hi) = (start + 1, n);
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if fits(part.as_ref(), mid)? { lo = mid } else { hi = mid - 1 }
            }
            part.write(&slice(batch, start..lo))?;
            start = lo;
            if start < n {
                self.finish_part()?;
            }
        }
        Ok(())
    }

    /// Completes the part being written, if any.
    fn finish_part(&mut self) -> Result<(), Failure> {
        if let Some(part) = self.current.take() {
            let rows = part.rows();
            let path = part.finish()?;
            self.rows += rows;
            self.parts.push(Part { bytes: disk_bytes(&path), path, rows });
        }
        Ok(())
    }
}

/// Average bytes of a row of `batch` in memory.
fn batch_row_bytes(batch: &QueryResult) -> usize {
    let total: usize = batch.columns.iter().map(|c| c.data().byte_size()).sum();
    (total / batch.len().max(1)).max(1)
}

/// Bytes of a file, or of the files in a directory.
fn disk_bytes(path: &Path) -> u64 {
    match std::fs::read_dir(path) {
        Ok(entries) => entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum(),
        Err(_) => std::fs::metadata(path).map_or(0, |m| m.len()),
    }
}

fn print_parts(parts: &[Part], mode: Mode) {
    let mut rows = Rows::new(&["file", "rows", "bytes"]);
    for part in parts {
        rows.push(vec![json!(part.path.display().to_string()), json!(part.rows), json!(part.bytes)]);
    }
    rows.print(mode);
    if parts.is_empty() && mode == Mode::Table {
        println!("no rows matched: no files written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12X").unwrap_err().contains("not a size"));
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
