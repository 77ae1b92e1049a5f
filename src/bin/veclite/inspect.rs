//! `veclite info` and `veclite describe`: what a database directory and a collection hold.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{Value as Json, json};
use veclite::{Database, IndexParams, Schema};

use crate::Target;
use crate::commands::{Failure, done, fail, open};
use crate::output::{Mode, Rows};

/// One row per field of `schema`: name, type and flags.
fn field_rows(schema: &Schema) -> Rows {
    let mut rows = Rows::new(&[
        "field",
        "type",
        "primary_key",
        "auto_id",
        "nullable",
        "default",
        "dynamic",
        "description",
    ]);
    for f in &schema.fields {
        let default =
            f.default_value.as_ref().map_or(Json::Null, |v| serde_json::to_value(v).unwrap_or(Json::Null));
        rows.push(vec![
            json!(f.name),
            json!(f.field_type.describe()),
            json!(f.primary_key),
            json!(f.auto_id),
            json!(f.nullable),
            default,
            json!(f.is_dynamic),
            json!(f.description),
        ]);
    }
    rows
}

/// One row per index of `collection`: type, metric, parameters and build progress.
fn index_rows(db: &Database, collection: &str) -> Result<Rows, Failure> {
    let mut rows = Rows::new(&INDEX_COLUMNS);
    for i in db.describe_index(collection, None).map_err(fail)? {
        let params = match i.index.params {
            IndexParams::Hnsw { m, ef_construction } => json!({"M": m, "efConstruction": ef_construction}),
            IndexParams::IvfFlat { nlist } => json!({"nlist": nlist}),
            _ => json!({}),
        };
        rows.push(vec![
            json!(i.index.name),
            json!(i.index.field),
            json!(i.index.params.type_name()),
            json!(i.index.metric_name()),
            params,
            json!(i.indexed_rows),
            json!(i.pending_rows),
            json!(i.total_rows),
        ]);
    }
    Ok(rows)
}

/// `veclite describe`: the schema, partitions and indexes of a collection.
pub fn describe(target: &Target, mode: Mode) -> Result<ExitCode, Failure> {
    let db = open(&target.dir)?;
    let info = db.describe_collection(&target.collection).map_err(fail)?;
    let fields = field_rows(&info.schema);
    let indexes = index_rows(&db, &target.collection)?;
    match mode {
        Mode::Json => {
            let object = json!({
                "collection": info.schema.name,
                "description": info.schema.description,
                "enable_dynamic_field": info.schema.enable_dynamic_field,
                "partitions": info.partitions,
                "fields": objects(&fields),
                "indexes": objects(&indexes),
            });
            println!("{object}");
        }
        Mode::Table => {
            println!(
                "collection {:?}  dynamic fields: {}",
                info.schema.name, info.schema.enable_dynamic_field
            );
            println!("partitions: {}\n", info.partitions.join(", "));
            fields.print(mode);
            if !indexes.rows.is_empty() {
                println!();
                indexes.print(mode);
            }
        }
    }
    done(db)
}

/// `rows` as an array of JSON objects.
fn objects(rows: &Rows) -> Json {
    Json::Array(
        rows.rows
            .iter()
            .map(|r| Json::Object(rows.columns.iter().cloned().zip(r.iter().cloned()).collect()))
            .collect(),
    )
}

/// Bytes of every file under `dir`, and of its WAL files (`wal-*.log`).
fn disk_use(dir: &Path) -> (u64, u64) {
    let mut total = 0;
    let mut wal = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            let (t, w) = disk_use(&entry.path());
            total += t;
            wal += w;
        } else {
            total += meta.len();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("wal-") && name.ends_with(".log") {
                wal += meta.len();
            }
        }
    }
    (total, wal)
}

/// `veclite info`: format versions, disk use and, per collection, rows, partitions, segments,
/// indexes and WAL bytes.
pub fn info(dir: &Path, mode: Mode) -> Result<ExitCode, Failure> {
    let db = open(dir)?;
    let (total, _) = disk_use(dir);
    let mut collections = Vec::new();
    for name in db.list_collections().map_err(fail)? {
        let mut partitions = Vec::new();
        for p in db.list_partitions(&name).map_err(fail)? {
            partitions.push(json!({"name": p, "rows": db.count(&name, &[&p]).map_err(fail)?}));
        }
        let storage = db.storage_info(&name).map_err(fail)?;
        let segments: Vec<Json> = storage
            .segments
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "partition": s.partition,
                    "state": if s.sealed { "sealed" } else { "growing" },
                    "rows": s.rows,
                    "deleted": s.deleted_rows,
                    "bytes": s.file_bytes,
                    "indexed_fields": s.indexed_fields,
                })
            })
            .collect();
        collections.push(json!({
            "name": name,
            "id": db.describe_collection(&name).map_err(fail)?.id,
            "rows": db.count(&name, &[]).map_err(fail)?,
            "partitions": partitions,
            "segments": segments,
            "indexes": objects(&index_rows(&db, &name)?),
            "wal_bytes": storage.wal_bytes,
            "disk_bytes": storage.disk_bytes,
        }));
    }
    let report = json!({
        "directory": dir.display().to_string(),
        "manifest_version": veclite::MANIFEST_VERSION,
        "wal_version": veclite::WAL_VERSION,
        "veclite_version": env!("CARGO_PKG_VERSION"),
        "collections": collections,
        "disk_bytes": total,
    });
    match mode {
        Mode::Json => println!("{report}"),
        Mode::Table => print_info(&report),
    }
    done(db)
}

/// The lists of a collection in `info`, with their columns in table order.
const INFO_TABLES: [(&str, &[&str]); 3] = [
    ("partitions", &["name", "rows"]),
    ("segments", &["id", "partition", "state", "rows", "deleted", "bytes"]),
    ("indexes", &INDEX_COLUMNS),
];

const INDEX_COLUMNS: [&str; 8] =
    ["index", "field", "type", "metric", "params", "indexed_rows", "pending_rows", "total_rows"];

/// The `info` report as text: a summary line per collection and a table per list.
fn print_info(report: &Json) {
    println!("database   {}", report["directory"].as_str().unwrap_or_default());
    println!(
        "format     manifest v{}, WAL v{} (veclite {})",
        report["manifest_version"],
        report["wal_version"],
        report["veclite_version"].as_str().unwrap_or_default()
    );
    println!("disk use   {}", human_bytes(report["disk_bytes"].as_u64().unwrap_or(0)));
    for c in report["collections"].as_array().into_iter().flatten() {
        println!(
            "\ncollection {}  rows {}  WAL {}  disk {}",
            c["name"],
            c["rows"],
            human_bytes(c["wal_bytes"].as_u64().unwrap_or(0)),
            human_bytes(c["disk_bytes"].as_u64().unwrap_or(0))
        );
        for (key, columns) in INFO_TABLES {
            let items = c[key].as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                println!("  {key}: none");
                continue;
            }
            println!("  {key}:");
            let columns: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
            let rows = items.iter().map(|i| columns.iter().map(|k| i[k].clone()).collect()).collect();
            let table = Rows { columns, rows };
            let mut text = Vec::new();
            let _ = table.write_table_to(&mut text);
            for line in String::from_utf8_lossy(&text).lines() {
                println!("    {line}");
            }
        }
    }
}

/// `n` bytes in binary units, with the exact count.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {} ({n} bytes)", UNITS[unit]) }
}
