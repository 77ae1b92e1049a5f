//! The commands: each opens the database through the public API, does one thing and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::{Value as Json, json};
use veclite::{
    Context, Database, Error, FieldType, IndexParams, Metric, Options, PrimaryKeys, RecoveryReport,
    SearchParams, SearchRequest,
};

use crate::output::{Mode, Rows, cell, float, query_rows};
use crate::{Command, Format, Target};

/// A command's failure, as printed after `veclite: `.
pub type Failure = String;

/// Arguments of `veclite search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    target: Target,
    /// Query vector(s) as JSON: `[0.1, 0.2, …]` or `[[…], […]]`.
    #[arg(long, required_unless_present = "vectors_npy", conflicts_with = "vectors_npy")]
    vector: Option<String>,
    /// Query vectors from a NumPy file: float32 or float64, shape (dim,) or (nq, dim).
    #[arg(long)]
    vectors_npy: Option<PathBuf>,
    /// The vector field; the collection's only vector field when omitted.
    #[arg(long)]
    field: Option<String>,
    /// L2, IP or COSINE; the field's index metric when omitted (L2 without an index).
    #[arg(long)]
    metric: Option<String>,
    /// Hits per query.
    #[arg(long, default_value_t = 10)]
    topk: usize,
    /// Filter expression (Milvus syntax).
    #[arg(long, default_value = "")]
    filter: String,
    /// Fields to print with each hit, comma-separated (`*` = all).
    #[arg(long, value_delimiter = ',')]
    output_fields: Vec<String>,
    /// Partition to search (repeatable); all partitions when omitted.
    #[arg(long = "partition")]
    partitions: Vec<String>,
    /// HNSW search width.
    #[arg(long)]
    ef: Option<usize>,
    /// IVF_FLAT clusters probed.
    #[arg(long)]
    nprobe: Option<usize>,
    #[command(flatten)]
    format: Format,
}

/// Arguments of `veclite create-index`.
#[derive(Debug, Args)]
pub struct CreateIndexArgs {
    #[command(flatten)]
    target: Target,
    /// The field to index.
    #[arg(long)]
    field: String,
    /// HNSW, IVF_FLAT, FLAT or AUTOINDEX (= HNSW) on a vector field; INVERTED, STL_SORT,
    /// BITMAP, TRIE or AUTOINDEX on a scalar field.
    #[arg(long = "type")]
    index_type: String,
    /// L2, IP or COSINE (vector indexes; scalar indexes take none).
    #[arg(long, default_value = "")]
    metric: String,
    /// Build parameter KEY=VALUE (repeatable), Milvus's names: M and efConstruction for HNSW
    /// (defaults 30 and 360), nlist for IVF_FLAT (default 128).
    #[arg(long = "param", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// Index name; the field name when omitted.
    #[arg(long)]
    name: Option<String>,
}

/// Runs `command`; `Ok` carries the exit status.
pub fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Info { dir, format } => crate::inspect::info(&dir, mode(format)),
        Command::Describe { target, format } => crate::inspect::describe(&target, mode(format)),
        Command::Count { target, filter, partitions, format } => {
            let db = open(&target.dir)?;
            let n = db.count_where(&target.collection, &strs(&partitions), &filter).map_err(fail)?;
            let mut rows = Rows::new(&["count"]);
            rows.push(vec![json!(n)]);
            rows.print(mode(format));
            done(db)
        }
        Command::Query { target, filter, output_fields, limit, offset, partitions, format } => {
            let db = open(&target.dir)?;
            let result = db
                .query(&target.collection, &strs(&partitions), &filter, &strs(&output_fields), limit, offset)
                .map_err(fail)?;
            query_rows(&result).print(mode(format));
            done(db)
        }
        Command::Get { target, ids, output_fields, partitions, format } => {
            let db = open(&target.dir)?;
            let keys = primary_keys(&db, &target.collection, &ids)?;
            let result =
                db.get(&target.collection, &strs(&partitions), &keys, &strs(&output_fields)).map_err(fail)?;
            query_rows(&result).print(mode(format));
            done(db)
        }
        Command::Search(args) => search(&args),
        Command::Delete { target, filter, ids, partition, format } => {
            let db = open(&target.dir)?;
            let result = match (filter, ids) {
                (Some(filter), _) => db.delete(&target.collection, &partition, &filter),
                (None, Some(ids)) => {
                    let keys = primary_keys(&db, &target.collection, &ids)?;
                    db.delete_by_pks(&target.collection, &partition, &keys)
                }
                (None, None) => return Err("give --filter or --ids".into()),
            }
            .map_err(fail)?;
            let mut rows = Rows::new(&["delete_count"]);
            rows.push(vec![json!(result.delete_count)]);
            rows.print(mode(format));
            done(db)
        }
        Command::Flush { target } => {
            let db = open(&target.dir)?;
            db.flush(&target.collection).map_err(fail)?;
            done(db)
        }
        Command::Compact { target, format } => {
            let db = open(&target.dir)?;
            let stats = db.compact(&target.collection).map_err(fail)?;
            let mut rows = Rows::new(&["segments_in", "segments_out", "rows_dropped"]);
            rows.push(vec![json!(stats.segments_in), json!(stats.segments_out), json!(stats.rows_dropped)]);
            rows.print(mode(format));
            done(db)
        }
        Command::CreateIndex(args) => create_index(&args),
        Command::DropIndex { target, field } => {
            let db = open(&target.dir)?;
            db.drop_index(&target.collection, &field).map_err(fail)?;
            done(db)
        }
        Command::Export(args) => crate::export::run(&args),
        Command::Import(args) => crate::import::run(&args),
        Command::Verify { dir, format } => verify(&dir, mode(format)),
        Command::Recover { dir, format } => recover(&dir, mode(format)),
    }
}

/// The output mode `format` asks for (see [`Mode::pick`]).
fn mode(format: Format) -> Mode {
    Mode::pick(format.json, format.table)
}

/// `values` as string slices, for the engine's `&[&str]` arguments.
fn strs(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}

/// The message for an engine error; a locked database also says what to do.
pub fn fail(err: Error) -> Failure {
    match err {
        Error::Locked(_) => format!(
            "{err}\n  Close the program that has the database open (only one process may open it at a \
             time), then run the command again. `veclite verify` works while it is open: it reads a copy."
        ),
        _ => err.to_string(),
    }
}

/// Opens the existing database in `dir` (never creating one).
pub fn open(dir: &Path) -> Result<Database, Failure> {
    Database::open(dir, existing_only()).map_err(fail)
}

/// Options that open only an existing database.
fn existing_only() -> Options {
    Options { create_if_missing: false, ..Options::default() }
}

/// Closes `db` (syncing its WALs) and reports success.
pub fn done(db: Database) -> Result<ExitCode, Failure> {
    db.close().map_err(fail)?;
    Ok(ExitCode::SUCCESS)
}

/// `ids` as keys of the collection's primary-key type.
fn primary_keys(db: &Database, collection: &str, ids: &[String]) -> Result<PrimaryKeys, Failure> {
    let schema = db.describe_collection(collection).map_err(fail)?.schema;
    let pk = schema.fields.iter().find(|f| f.primary_key).ok_or("the collection has no primary key")?;
    if pk.field_type == FieldType::Int64 {
        let keys = ids
            .iter()
            .map(|id| {
                id.trim().parse().map_err(|_| format!("--ids: {id:?} is not an Int64 key of {:?}", pk.name))
            })
            .collect::<Result<_, _>>()?;
        Ok(PrimaryKeys::Int(keys))
    } else {
        Ok(PrimaryKeys::Str(ids.to_vec()))
    }
}

/// Parses a `--param KEY=VALUE` of create-index.
fn parse_param(text: &str) -> Result<(String, String), String> {
    let (key, value) = text.split_once('=').ok_or_else(|| format!("{text:?} is not KEY=VALUE"))?;
    Ok((key.trim().to_owned(), value.trim().to_owned()))
}

/// `veclite create-index`: creates the index and builds it for the sealed segments.
fn create_index(args: &CreateIndexArgs) -> Result<ExitCode, Failure> {
    let params: Vec<(&str, &str)> = args.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Checked before the database is opened, so a bad argument leaves it untouched.
    IndexParams::from_milvus(&args.index_type, &params).map_err(fail)?;
    if !args.metric.is_empty() {
        Metric::parse(&args.metric).map_err(fail)?;
    }
    let db = open(&args.target.dir)?;
    let name = args.name.as_deref().unwrap_or(&args.field);
    let (collection, field) = (&args.target.collection, &args.field);
    db.create_milvus_index(
        &Context::background(),
        collection,
        field,
        name,
        &args.index_type,
        &args.metric,
        &params,
    )
    .map_err(fail)?;
    done(db)
}

/// The query vectors of `args`: `(dim, components)`.
fn query_vectors(args: &SearchArgs) -> Result<(usize, Vec<f32>), Failure> {
    if let Some(path) = &args.vectors_npy {
        let v = crate::npy::read(path)?;
        return Ok((v.dim, v.data));
    }
    let text = args.vector.as_deref().unwrap_or_default();
    let value: Json = serde_json::from_str(text).map_err(|e| format!("--vector: not JSON: {e}"))?;
    let rows: Vec<Json> = match value {
        Json::Array(items) if items.iter().all(Json::is_array) && !items.is_empty() => items,
        single @ Json::Array(_) => vec![single],
        _ => return Err("--vector: expected [x, y, …] or [[…], […]]".into()),
    };
    let mut dim = None;
    let mut data = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let items = row.as_array().map(Vec::as_slice).unwrap_or_default();
        if *dim.get_or_insert(items.len()) != items.len() {
            return Err(format!("--vector: query {i} has {} components, query 0 has {dim:?}", items.len()));
        }
        for x in items {
            data.push(x.as_f64().ok_or_else(|| format!("--vector: query {i}: {x} is not a number"))? as f32);
        }
    }
    Ok((dim.unwrap_or(0), data))
}

/// `veclite search`: one output row per hit, numbered by query and rank.
fn search(args: &SearchArgs) -> Result<ExitCode, Failure> {
    let (_, queries) = query_vectors(args)?;
    let db = open(&args.target.dir)?;
    let collection = &args.target.collection;
    let metric = match &args.metric {
        Some(m) => Metric::parse(m).map_err(fail)?,
        None => index_metric(&db, collection, args.field.as_deref())?.unwrap_or(Metric::L2),
    };
    let request = SearchRequest {
        vector_field: args.field.clone(),
        partitions: args.partitions.clone(),
        filter: args.filter.clone(),
        output_fields: args.output_fields.clone(),
        ..SearchRequest::new(&queries, args.topk, metric)
    }
    .params(SearchParams { ef: args.ef, nprobe: args.nprobe, drop_ratio_search: None });
    let hits = db.search(&Context::background(), collection, &request).map_err(fail)?;
    let mut header = vec!["query".to_owned(), "rank".to_owned(), "id".to_owned(), "score".to_owned()];
    let field_names: Vec<String> = hits
        .first()
        .map(|h| h.fields.columns.iter().skip(1).map(|c| c.name().to_owned()).collect())
        .unwrap_or_default();
    header.extend(field_names);
    let mut rows = Rows { columns: header, rows: Vec::new() };
    for (q, h) in hits.iter().enumerate() {
        let ids = h.ids.to_column("id");
        for i in 0..h.len() {
            let mut row = vec![json!(q), json!(i), cell(&ids, i), float(f64::from(h.scores[i]), true)];
            row.extend(h.fields.columns.iter().skip(1).map(|c| cell(c, i)));
            rows.push(row);
        }
    }
    rows.print(mode(args.format));
    done(db)
}

/// The metric of the index on `field` (the only vector field when `None`), if it has one.
fn index_metric(db: &Database, collection: &str, field: Option<&str>) -> Result<Option<Metric>, Failure> {
    let indexes = db.describe_index(collection, None).map_err(fail)?;
    let schema = db.describe_collection(collection).map_err(fail)?.schema;
    let field = match field {
        Some(f) => f.to_owned(),
        None => match schema.fields.iter().find(|f| f.field_type.is_vector()) {
            Some(f) => f.name.clone(),
            None => return Ok(None),
        },
    };
    Ok(indexes.iter().find(|i| i.index.field == field).map(|i| i.index.metric))
}

/// `veclite verify`: the problems, notes and a summary; status 1 when there is a problem.
fn verify(dir: &Path, mode: Mode) -> Result<ExitCode, Failure> {
    if !dir.is_dir() {
        return Err(format!("{}: no such directory", dir.display()));
    }
    let report = veclite::verify(dir);
    let mut rows = Rows::new(&["file", "offset", "problem"]);
    for p in &report.problems {
        let offset = match (p.offset, mode) {
            (None, Mode::Table) => json!("-"),
            (offset, _) => json!(offset),
        };
        rows.push(vec![json!(p.file.display().to_string()), offset, json!(p.what)]);
    }
    match mode {
        Mode::Json => {
            rows.print(mode);
            for note in &report.notes {
                println!("{}", json!({"note": note}));
            }
            println!(
                "{}",
                json!({"ok": report.problems.is_empty(), "problems": report.problems.len(), "files": report.files, "rows": report.rows})
            );
        }
        Mode::Table => {
            if !report.problems.is_empty() {
                rows.print(mode);
            }
            for note in &report.notes {
                println!("note: {note}");
            }
            if report.problems.is_empty() {
                println!("ok: {} files checked, {} rows read", report.files, report.rows);
            } else {
                println!(
                    "{} problem(s) found. `veclite recover {}` keeps what is readable and preserves the \
                     originals under quarantine/ (try it on a copy first).",
                    report.problems.len(),
                    dir.display()
                );
            }
        }
    }
    Ok(if report.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `veclite recover`: recovers the database in `dir` and prints what it kept and skipped.
fn recover(dir: &Path, mode: Mode) -> Result<ExitCode, Failure> {
    let (db, report) = Database::recover(dir, existing_only()).map_err(fail)?;
    print_recovery(&report, mode);
    done(db)
}

/// One row per kept, skipped and preserved file of `report`, then a summary.
fn print_recovery(report: &RecoveryReport, mode: Mode) {
    let path = |p: &Path| json!(p.display().to_string());
    let mut lines = Rows::new(&["action", "file", "offset", "len", "records", "detail"]);
    for k in &report.kept {
        lines.push(vec![json!("kept"), path(&k.file), Json::Null, Json::Null, json!(k.records), Json::Null]);
    }
    for s in &report.skipped {
        lines.push(vec![
            json!("skipped"),
            path(&s.file),
            json!(s.offset),
            json!(s.len),
            Json::Null,
            json!(s.reason),
        ]);
    }
    for p in &report.preserved {
        let detail = format!("original preserved at {}", p.copy.display());
        lines.push(vec![
            json!("preserved"),
            path(&p.file),
            Json::Null,
            Json::Null,
            Json::Null,
            json!(detail),
        ]);
    }
    lines.print(mode);
    let summary = if report.is_clean() {
        "recovered: nothing was damaged, nothing changed".to_owned()
    } else {
        format!(
            "recovered: {} item(s) skipped; originals preserved in {}",
            report.skipped.len(),
            report.quarantine.as_deref().map_or("(none)".into(), |q| q.display().to_string())
        )
    };
    match mode {
        Mode::Json => println!("{}", json!({"clean": report.is_clean(), "summary": summary})),
        Mode::Table => println!("{summary}"),
    }
}
