//! `veclite import`: rows from Milvus bulk-import files (Parquet, JSON, NumPy), as `veclite
//! export` and pymilvus's `LocalBulkWriter` write them, each file all or nothing.
//!
//! A file is read and checked whole before anything of it is written: with every value checked
//! against its field, its rows go in one write. A file whose rows take more memory than
//! `--max-write-bytes` is read twice: every batch is checked first, then the batches are written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use veclite::{Column, Database, Field, QueryResult, Schema};

use crate::bulk::{self, Format, SeenKeys, Source, concat, slice};
use crate::commands::{Failure, done, fail, open};
use crate::output::{Mode, Rows};
use crate::{Target, progress};

/// The help text after the options of `veclite import`.
pub const HELP: &str = "\
Reads .parquet and .json files and directories of .npy files (a directory is searched at any \
depth, in natural order). Each file is checked whole (types, dims, lengths, nulls, repeated \
keys) before any of its rows are written, then written in one insert (or upsert): a file goes \
in whole or not at all (a file over --max-write-bytes is checked whole, then written in batches). \
Errors name the file, the row and the field.

Examples:
  veclite import ./veclite_demo_db hello_veclite --from ./export
  veclite import ./veclite_demo_db hello_veclite --from ./bulk_data/1.parquet --upsert";

/// Arguments of `veclite import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    target: Target,
    /// A .parquet or .json file, a directory of .npy files, or a directory holding any of them
    /// at any depth (e.g. the output directory of LocalBulkWriter or `veclite export`).
    #[arg(long = "from")]
    from: PathBuf,
    /// Replace rows whose primary key exists; without it, an existing key fails the file (as an
    /// insert does).
    #[arg(long)]
    upsert: bool,
    /// Partition to write into.
    #[arg(long, default_value = "")]
    partition: String,
    /// A file whose rows take more memory than this many bytes is checked batch by batch, then
    /// written batch by batch, instead of in one write.
    #[arg(long, default_value_t = 256 << 20)]
    max_write_bytes: u64,
    #[command(flatten)]
    output: crate::Format,
}

/// Rows read at a time.
const BATCH_ROWS: usize = 4096;

/// `veclite import`: imports every source, then prints one row per file (file, rows).
pub fn run(args: &ImportArgs) -> Result<ExitCode, Failure> {
    let sources = bulk::sources(&args.from)?;
    let db = open(&args.target.dir)?;
    let schema = db.describe_collection(&args.target.collection).map_err(fail)?.schema;
    for source in &sources {
        bulk::check_supported(&schema.fields, source.format)?;
    }
    let bar = progress::bar(sources.len() as u64, "import", "files");
    let mut report = Rows::new(&["file", "rows"]);
    for source in &sources {
        bar.set_message(source.path.display().to_string());
        let rows =
            import_file(&db, args, &schema, source).map_err(|e| format!("{}: {e}", source.path.display()))?;
        report.push(vec![json!(source.path.display().to_string()), json!(rows)]);
        bar.inc(1);
    }
    bar.finish_and_clear();
    report.print(Mode::pick(args.output.json, args.output.table));
    done(db)
}

/// Calls `visit` with each batch of at most [`BATCH_ROWS`] rows of `source` (columns of the
/// fields it holds) and the batch's first row.
fn read_batches(
    source: &Source,
    fields: &[Field],
    visit: &mut dyn FnMut(Vec<Column>, usize) -> Result<(), String>,
) -> Result<(), String> {
    let whole = match source.format {
        Format::Parquet => return bulk::parquet::read_batches(&source.path, fields, BATCH_ROWS, visit),
        Format::Json => bulk::json::read(&source.path, fields)?,
        Format::Numpy => bulk::numpy::read_dir(&source.path, fields)?,
    };
    let result = QueryResult { columns: whole };
    for start in (0..result.len()).step_by(BATCH_ROWS) {
        let batch = slice(&result, start..(start + BATCH_ROWS).min(result.len()));
        visit(batch.columns, start)?;
    }
    Ok(())
}

/// Imports one file all or nothing; returns its row count.
fn import_file(db: &Database, args: &ImportArgs, schema: &Schema, source: &Source) -> Result<usize, String> {
    let mut seen = SeenKeys::default();
    let mut kept = Vec::new();
    let mut bytes = 0u64;
    let mut rows = 0;
    let mut checked_fields = false;
    read_batches(source, &schema.fields, &mut |columns, first| {
        if !checked_fields {
            check_fields(schema, &columns)?;
            checked_fields = true;
        }
        let pk = schema.pk_field();
        if let Some(keys) = columns.iter().find(|c| c.name() == pk.name)
            && let Some((row, key)) = seen.add(keys)
        {
            return Err(format!("row {}: primary key {key} is repeated in the file", first + row));
        }
        rows += columns.first().map_or(0, Column::len);
        bytes += columns.iter().map(|c| c.data().byte_size() as u64).sum::<u64>();
        if bytes <= args.max_write_bytes {
            kept.push(columns);
        } else {
            kept.clear();
        }
        Ok(())
    })?;
    if rows == 0 {
        return Ok(0);
    }
    if bytes <= args.max_write_bytes {
        write(db, args, concat(kept))?;
    } else {
        let mut written = 0;
        read_batches(source, &schema.fields, &mut |columns, first| {
            let n = columns.first().map_or(0, Column::len);
            write(db, args, columns).map_err(|e| {
                format!("rows {first}..{}: {e} (rows 0..{written} of this file were written)", first + n)
            })?;
            written = first + n;
            Ok(())
        })?;
    }
    Ok(rows)
}

/// Refuses a file without a column for a field that needs one, or with the auto_id key.
fn check_fields(schema: &Schema, columns: &[Column]) -> Result<(), String> {
    let has = |name: &str| columns.iter().any(|c| c.name() == name);
    let pk = schema.pk_field();
    if pk.auto_id && has(&pk.name) {
        return Err(format!(
            "the primary key `{}` is auto_id (generated on import): the file must not have it",
            pk.name
        ));
    }
    for field in &schema.fields {
        let optional = field.nullable || field.default_value.is_some() || field.is_dynamic || field.auto_id;
        if !optional && !has(&field.name) {
            return Err(format!(
                "no values for field `{}`, which is neither nullable nor defaulted",
                field.name
            ));
        }
    }
    Ok(())
}

/// One insert (or upsert) of `columns`.
fn write(db: &Database, args: &ImportArgs, columns: Vec<Column>) -> Result<(), String> {
    let collection = &args.target.collection;
    let result = if args.upsert {
        db.upsert(collection, &args.partition, columns)
    } else {
        db.insert(collection, &args.partition, columns)
    };
    result.map(|_| ()).map_err(fail)
}
