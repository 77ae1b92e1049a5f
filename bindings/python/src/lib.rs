//! `veclite._veclite`: the native half of the Python package.
//!
//! A thin layer over [`veclite::Database`]: the pure-Python modules (`veclite.milvus_client`,
//! `veclite.orm`) turn pymilvus-shaped calls into these primitives. Columns cross as numpy
//! arrays of the field's exact dtype (one `memcpy` of the buffer, never a Python object per
//! row) or, for VarChar and JSON (as JSON text), as a list of `str`; JSON columns (`$meta`
//! included) come back as parsed Python objects. Every call that can take long or writes
//! releases the GIL while the core works. Errors raise [`VecliteError`] with
//! `(code, status, message, object_kind)`, which the Python layer maps to `MilvusException`
//! subclasses. The core's events go to Python's `logging` (logger `veclite`; see [`logging`]).

mod array;
mod logging;
mod sparse;
mod vector_types;

use std::path::PathBuf;
use std::time::Duration;

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use veclite::{
    CollectionChange, Column, ColumnData, ConsistencyLevel, Context, Database, Field, FieldType,
    HybridRequest, Metric, Options, PrimaryKeys, Property, QueryResult, Ranker, Schema, SearchRequest,
    SyncPolicy, Value,
};

create_exception!(
    _veclite,
    VecliteError,
    PyException,
    "A veclite core error: args are (code, status, message, object_kind); object_kind is the kind of \
     object a NOT_FOUND / ALREADY_EXISTS error names (\"collection\", \"partition\", \"field\", \"index\") \
     or None."
);

/// Converts a core error into a [`VecliteError`] carrying the status number and name, the
/// message and the object kind's name (`None` when the error names no object).
/// The floats of a `(nq, dim)` array, row after row.
fn query_data(queries: &PyReadonlyArray2<'_, f32>) -> Vec<f32> {
    match queries.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => queries.as_array().iter().copied().collect(),
    }
}

/// `(key, value)` pairs as borrowed strings.
fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Search hits as one `(ids, scores, columns)` tuple per query.
fn hits_to_py(py: Python<'_>, hits: Vec<veclite::SearchHits>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for h in hits {
        let ids = keys_to_py(py, &h.ids)?;
        let columns = columns_to_py(py, h.fields)?;
        out.append((ids, h.scores, columns))?;
    }
    Ok(out)
}

/// `expr` with its `{name}` placeholders replaced by the values of the JSON object
/// `params_json` (Milvus's `filter_params`).
#[pyfunction]
fn render_filter(expr: &str, params_json: &str) -> PyResult<String> {
    veclite::render_template_json(expr, params_json).map_err(err)
}

fn err(e: veclite::Error) -> PyErr {
    let status = e.status();
    let kind = e.object_kind().map(veclite::ObjectKind::name);
    VecliteError::new_err((status as u32, status.name(), e.to_string(), kind))
}

/// A [`VecliteError`] with status `INVALID_ARGUMENT` raised by the binding itself.
fn invalid(message: String) -> PyErr {
    err(veclite::Error::InvalidArgument(message))
}

/// The call context of `timeout` seconds (`None` = no deadline; negative counts as zero).
fn context(timeout: Option<f64>) -> Context {
    match timeout {
        Some(t) => {
            Context::with_timeout(Duration::from_secs_f64(if t.is_finite() { t.max(0.0) } else { 0.0 }))
        }
        None => Context::background(),
    }
}

/// Parses the upper-case type names of `veclite.DataType` into a [`FieldType`].
fn field_type(name: &str, dim: Option<u32>, max_length: Option<u32>) -> PyResult<FieldType> {
    Ok(match name {
        "BOOL" => FieldType::Bool,
        "INT8" => FieldType::Int8,
        "INT16" => FieldType::Int16,
        "INT32" => FieldType::Int32,
        "INT64" => FieldType::Int64,
        "FLOAT" => FieldType::Float,
        "DOUBLE" => FieldType::Double,
        "JSON" => FieldType::Json,
        "VARCHAR" => FieldType::VarChar {
            max_length: max_length.ok_or_else(|| invalid("a VARCHAR field needs max_length".into()))?,
        },
        "FLOAT_VECTOR" => FieldType::FloatVector {
            dim: dim.ok_or_else(|| invalid("a FLOAT_VECTOR field needs dim".into()))?,
        },
        sparse::TYPE_NAME => FieldType::SparseFloatVector,
        other => match vector_types::field_type(other, dim) {
            Some(ty) => ty?,
            None => return Err(invalid(format!("data type {other} is not supported by veclite"))),
        },
    })
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Bool => "BOOL",
        FieldType::Int8 => "INT8",
        FieldType::Int16 => "INT16",
        FieldType::Int32 => "INT32",
        FieldType::Int64 => "INT64",
        FieldType::Float => "FLOAT",
        FieldType::Double => "DOUBLE",
        FieldType::VarChar { .. } => "VARCHAR",
        FieldType::Json => "JSON",
        FieldType::FloatVector { .. } => "FLOAT_VECTOR",
        FieldType::Array { .. } => "ARRAY",
        FieldType::SparseFloatVector => sparse::TYPE_NAME,
        other => other.vector_kind().map_or("UNKNOWN", |(kind, _)| kind.milvus_name()),
    }
}

fn value_from_py(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = v.cast::<pyo3::types::PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if let Ok(i) = v.extract::<i64>() {
        Ok(Value::Int(i))
    } else if let Ok(f) = v.extract::<f64>() {
        Ok(Value::Float(f))
    } else if let Ok(s) = v.extract::<String>() {
        Ok(Value::Text(s))
    } else {
        Err(invalid(format!("unsupported default value {v}")))
    }
}

fn value_to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any().unbind(),
        Value::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Value::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
        Value::Text(s) => s.into_pyobject(py)?.into_any().unbind(),
    })
}

fn get<'py, T: FromPyObjectOwned<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<T>> {
    match d.get_item(key)? {
        Some(v) if !v.is_none() => Ok(Some(v.extract::<T>().map_err(Into::into)?)),
        _ => Ok(None),
    }
}

/// One field from the dict the Python layer builds (`FieldSchema.to_dict()`).
fn field_from_dict(d: &Bound<'_, PyDict>) -> PyResult<Field> {
    let name: String = get(d, "name")?.ok_or_else(|| invalid("a field needs a name".into()))?;
    let ty: String = get(d, "type")?.ok_or_else(|| invalid(format!("field `{name}` needs a type")))?;
    let ty = match ty.as_str() {
        "ARRAY" => array::field_type(&name, d)?,
        _ => field_type(&ty, get(d, "dim")?, get(d, "max_length")?)?,
    };
    let mut field = Field::new(name, ty)
        .auto_id(get(d, "auto_id")?.unwrap_or(false))
        .nullable(get(d, "nullable")?.unwrap_or(false))
        .partition_key(get(d, "is_partition_key")?.unwrap_or(false))
        .description(get::<String>(d, "description")?.unwrap_or_default());
    if get(d, "is_primary")?.unwrap_or(false) {
        field = field.primary_key();
    }
    if let Some(v) = d.get_item("default_value")?
        && !v.is_none()
    {
        field = field.default_value(value_from_py(&v)?);
    }
    Ok(field)
}

fn field_to_dict<'py>(py: Python<'py>, f: &Field) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", &f.name)?;
    d.set_item("type", type_name(f.field_type))?;
    match f.field_type {
        FieldType::VarChar { max_length } => d.set_item("max_length", max_length)?,
        FieldType::FloatVector { dim } => d.set_item("dim", dim)?,
        ty @ FieldType::Array { .. } => array::describe(&d, ty)?,
        other if other.vector_kind().is_some() => d.set_item("dim", f.dim())?,
        _ => {}
    }
    d.set_item("is_primary", f.primary_key)?;
    d.set_item("auto_id", f.auto_id)?;
    d.set_item("is_dynamic", f.is_dynamic)?;
    d.set_item("nullable", f.nullable)?;
    d.set_item("is_partition_key", f.is_partition_key)?;
    let default = match &f.default_value {
        Some(v) => value_to_py(py, v)?,
        None => py.None(),
    };
    d.set_item("default_value", default)?;
    d.set_item("description", &f.description)?;
    Ok(d)
}

/// Copies a 1-D numpy array of element type `T` into a `Vec` (one `memcpy` when contiguous).
fn vec1<T: numpy::Element + Copy>(data: &Bound<'_, PyAny>, field: &str, want: &str) -> PyResult<Vec<T>> {
    let array: PyReadonlyArray1<'_, T> = data.extract().map_err(|_| {
        err(veclite::Error::SchemaMismatch(format!("field `{field}` expects a 1-D {want} array")))
    })?;
    Ok(match array.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => array.as_array().iter().copied().collect(),
    })
}

/// One column from `(name, type, data, validity)` as built by `veclite._data`.
fn column_from_py(item: &Bound<'_, PyAny>) -> PyResult<Column> {
    let (name, ty, data, validity): (String, String, Bound<'_, PyAny>, Option<Vec<bool>>) = item.extract()?;
    let data = match ty.as_str() {
        "BOOL" => ColumnData::Bool(vec1::<bool>(&data, &name, "bool")?.into_iter().map(u8::from).collect()),
        "INT8" => ColumnData::Int8(vec1(&data, &name, "int8")?),
        "INT16" => ColumnData::Int16(vec1(&data, &name, "int16")?),
        "INT32" => ColumnData::Int32(vec1(&data, &name, "int32")?),
        "INT64" => ColumnData::Int64(vec1(&data, &name, "int64")?),
        "FLOAT" => ColumnData::Float(vec1(&data, &name, "float32")?),
        "DOUBLE" => ColumnData::Double(vec1(&data, &name, "float64")?),
        "VARCHAR" | "JSON" => ColumnData::varchar(data.extract::<Vec<String>>().map_err(|_| {
            err(veclite::Error::SchemaMismatch(format!("field `{name}` expects a list of str")))
        })?),
        "FLOAT_VECTOR" => {
            let array: PyReadonlyArray2<'_, f32> = data.extract().map_err(|_| {
                err(veclite::Error::SchemaMismatch(format!(
                    "field `{name}` expects a 2-D float32 array (rows x dim)"
                )))
            })?;
            let dim = array.shape()[1];
            // The vector column is one memcpy of the caller's buffer.
            let data = match array.as_slice() {
                Ok(s) => s.to_vec(),
                Err(_) => array.as_array().iter().copied().collect(),
            };
            ColumnData::FloatVector { dim, data }
        }
        "ARRAY" => array::column_data(&name, &data)?,
        sparse::TYPE_NAME => sparse::column(&name, &data)?,
        other => match vector_types::column(&name, other, &data) {
            Some(data) => data?,
            None => return Err(invalid(format!("field `{name}`: column type {other} is not supported"))),
        },
    };
    let column = Column::new(name, data);
    let column = if ty == "JSON" { column.into_json() } else { column };
    Ok(match validity {
        Some(v) => column.with_validity(v),
        None => column,
    })
}

/// The values of a JSON column (a JSON field or `$meta`) as Python objects, parsed with
/// `json.loads` as pymilvus does (None for nulls). A value `json.loads` cannot convert (one
/// nested past the interpreter's recursion limit) is a [`VecliteError`] naming field and row,
/// never a raw `RecursionError`.
fn json_values_to_py<'py>(py: Python<'py>, column: &Column) -> PyResult<Bound<'py, PyList>> {
    let loads = py.import("json")?.getattr("loads")?;
    let list = PyList::empty(py);
    for row in 0..column.len() {
        match column.value(row) {
            Value::Text(text) => {
                let value = loads.call1((text,)).map_err(|e| {
                    err(veclite::Error::InvalidValue(format!(
                        "field `{}` row {row}: the stored JSON value cannot be converted to Python ({e})",
                        column.name()
                    )))
                })?;
                list.append(value)?
            }
            other => list.append(value_to_py(py, &other)?)?,
        }
    }
    Ok(list)
}

/// A read result as a list of `(name, values)`: a list (None for nulls) per scalar column, a
/// 2-D float32 array per vector column. JSON columns (`$meta` included) arrive parsed.
fn columns_to_py<'py>(py: Python<'py>, result: QueryResult) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for column in result.columns {
        let values: Bound<'py, PyAny> = match column.data() {
            ColumnData::FloatVector { dim, data } => {
                let rows = data.len().checked_div(*dim).unwrap_or(0);
                PyArray1::from_slice(py, data).reshape([rows, *dim])?.into_any()
            }
            packed @ ColumnData::PackedVector { .. } => vector_types::values(py, packed)?,
            sparse @ ColumnData::SparseVector { .. } => sparse::values(py, sparse)?,
            _ if column.is_json() => json_values_to_py(py, &column)?.into_any(),
            ColumnData::Array { .. } => array::rows_to_py(py, &column)?.into_any(),
            _ => {
                let list = PyList::empty(py);
                for row in 0..column.len() {
                    list.append(value_to_py(py, &column.value(row))?)?;
                }
                list.into_any()
            }
        };
        out.append((column.name(), values))?;
    }
    Ok(out)
}

fn keys_from_py(keys: &Bound<'_, PyAny>) -> PyResult<PrimaryKeys> {
    if let Ok(v) = keys.extract::<Vec<i64>>() {
        Ok(PrimaryKeys::Int(v))
    } else if let Ok(v) = keys.extract::<Vec<String>>() {
        Ok(PrimaryKeys::Str(v))
    } else {
        Err(invalid("primary keys must all be int or all be str".into()))
    }
}

fn keys_to_py<'py>(py: Python<'py>, keys: &PrimaryKeys) -> PyResult<Bound<'py, PyList>> {
    match keys {
        PrimaryKeys::Int(v) => PyList::new(py, v),
        PrimaryKeys::Str(v) => PyList::new(py, v),
    }
}

fn mutation_to_py<'py>(py: Python<'py>, r: &veclite::MutationResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("insert_count", r.insert_count)?;
    d.set_item("delete_count", r.delete_count)?;
    d.set_item("upsert_count", r.upsert_count)?;
    d.set_item("succ_count", r.succ_count)?;
    // succ_index is always 0..n and err_index empty (writes are all-or-nothing): the Python
    // layer derives them on demand instead of building two lists per write.
    d.set_item("err_count", r.err_count)?;
    d.set_item("primary_keys", keys_to_py(py, &r.primary_keys)?)?;
    d.set_item("timestamp", r.timestamp)?;
    Ok(d)
}

/// The shortest sync interval accepted (a shorter one would keep the syncer thread spinning).
const MIN_SYNC_INTERVAL: Duration = Duration::from_millis(1);

/// The engine options of `Database(path, ...)`: the sync policy of [`parse_sync_policy`]; a `None`
/// size or thread count keeps the default. The Python layer checks the same rules first, with
/// messages naming its call; these checks keep bad values from reaching the core.
fn options_from_args(
    sync_policy: &str,
    sync_interval: Option<f64>,
    seal_threshold_bytes: Option<usize>,
    worker_threads: Option<usize>,
) -> PyResult<Options> {
    let mut options = Options { sync: parse_sync_policy(sync_policy, sync_interval)?, ..Options::default() };
    for (name, value, slot) in [
        ("seal_threshold_bytes", seal_threshold_bytes, &mut options.seal_threshold_bytes),
        ("worker_threads", worker_threads, &mut options.worker_threads),
    ] {
        match value {
            Some(0) => return Err(invalid(format!("{name} must be positive, got 0"))),
            Some(n) => *slot = n,
            None => {}
        }
    }
    Ok(options)
}

/// `"every_write"`, `"interval"` (fsync every `interval` seconds, at least 1 ms: required with
/// it, refused with the others) or `"none"`.
fn parse_sync_policy(name: &str, interval: Option<f64>) -> PyResult<SyncPolicy> {
    match (name, interval) {
        ("every_write", None) => Ok(SyncPolicy::EveryWrite),
        ("none", None) => Ok(SyncPolicy::None),
        ("interval", Some(seconds)) => match Duration::try_from_secs_f64(seconds) {
            Ok(every) if every >= MIN_SYNC_INTERVAL => Ok(SyncPolicy::Interval(every)),
            _ => Err(invalid(format!(
                "sync_interval must be from 0.001 to {} seconds, got {seconds}",
                Duration::MAX.as_secs()
            ))),
        },
        ("interval", None) => Err(invalid("sync_policy \"interval\" needs sync_interval".into())),
        ("every_write" | "none", Some(_)) => {
            Err(invalid(format!("sync_interval applies to sync_policy \"interval\" only, not \"{name}\"")))
        }
        (other, _) => Err(invalid(format!(
            "sync_policy must be \"every_write\", \"interval\" or \"none\", got \"{other}\""
        ))),
    }
}

/// `{"sync_policy", "sync_interval" (seconds; None unless "interval"), "seal_threshold_bytes",
/// "worker_threads"}`: the options [`options_from_args`] reads, under the same names.
fn options_to_dict<'py>(py: Python<'py>, options: &Options) -> PyResult<Bound<'py, PyDict>> {
    let (policy, interval) = match options.sync {
        SyncPolicy::EveryWrite => ("every_write", None),
        SyncPolicy::Interval(every) => ("interval", Some(every.as_secs_f64())),
        SyncPolicy::None => ("none", None),
    };
    let d = PyDict::new(py);
    d.set_item("sync_policy", policy)?;
    d.set_item("sync_interval", interval)?;
    d.set_item("seal_threshold_bytes", options.seal_threshold_bytes)?;
    d.set_item("worker_threads", options.worker_threads)?;
    Ok(d)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// An open database directory. Thread-safe; every method may be called from any thread.
#[pyclass(name = "Database", module = "veclite._veclite", frozen)]
struct PyDatabase {
    db: Database,
}

#[pymethods]
impl PyDatabase {
    /// Opens (creating if needed) the database directory `path` with the options of
    /// [`options_from_args`].
    #[new]
    #[pyo3(signature = (path, sync_policy = "every_write", sync_interval = None, seal_threshold_bytes = None,
        worker_threads = None))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        sync_policy: &str,
        sync_interval: Option<f64>,
        seal_threshold_bytes: Option<usize>,
        worker_threads: Option<usize>,
    ) -> PyResult<Self> {
        let options = options_from_args(sync_policy, sync_interval, seal_threshold_bytes, worker_threads)?;
        let db = py.detach(|| Database::open(&path, options)).map_err(err)?;
        Ok(PyDatabase { db })
    }

    /// The options the database was opened with (see [`options_to_dict`]); status CLOSED once closed.
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        options_to_dict(py, &self.db.options().map_err(err)?)
    }

    /// Syncs and releases the directory; later calls raise status CLOSED. Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.db.close()).map_err(err)
    }

    /// Whether the handle is open.
    fn is_open(&self) -> bool {
        self.db.is_open()
    }

    /// Creates a collection; `consistency_level` is Milvus's number (default Bounded),
    /// `properties` `(key, value)` pairs kept in the catalog as given.
    #[pyo3(signature = (name, fields, description = String::new(), enable_dynamic_field = false,
                        consistency_level = None, num_shards = None, properties = Vec::new(),
                        num_partitions = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_collection(
        &self,
        name: String,
        fields: Vec<Bound<'_, PyDict>>,
        description: String,
        enable_dynamic_field: bool,
        consistency_level: Option<u32>,
        num_shards: Option<u32>,
        properties: Vec<(String, String)>,
        num_partitions: Option<u32>,
    ) -> PyResult<()> {
        let mut builder =
            Schema::builder(name).description(description).enable_dynamic_field(enable_dynamic_field);
        for f in &fields {
            builder = builder.field(field_from_dict(f)?);
        }
        let schema = builder.build().map_err(err)?;
        let change = CollectionChange {
            consistency_level: consistency_level
                .map(ConsistencyLevel::from_number)
                .transpose()
                .map_err(err)?,
            shard_num: num_shards,
            num_partitions,
            set_properties: properties.into_iter().map(|(key, value)| Property { key, value }).collect(),
            ..CollectionChange::default()
        };
        self.db.create_collection_with(schema, &change).map_err(err)
    }

    /// Sets and removes collection properties in one catalog commit.
    fn alter_collection(
        &self,
        name: &str,
        properties: Vec<(String, String)>,
        delete_keys: Vec<String>,
    ) -> PyResult<()> {
        let change = CollectionChange {
            set_properties: properties.into_iter().map(|(key, value)| Property { key, value }).collect(),
            delete_properties: delete_keys,
            ..CollectionChange::default()
        };
        self.db.alter_collection(name, &change).map_err(err)
    }

    fn drop_collection(&self, py: Python<'_>, name: &str) -> PyResult<()> {
        py.detach(|| self.db.drop_collection(name)).map_err(err)
    }

    fn has_collection(&self, name: &str) -> PyResult<bool> {
        self.db.has_collection(name).map_err(err)
    }

    fn list_collections(&self) -> PyResult<Vec<String>> {
        self.db.list_collections().map_err(err)
    }

    /// `{"id", "name", "description", "enable_dynamic_field", "fields", "partitions",
    /// "created_timestamp", "consistency_level", "num_shards", "num_partitions", "properties"}`
    /// (`num_partitions`: of a partition-key collection, else 0); `fields` includes
    /// the hidden `$meta` field (`is_dynamic`); `consistency_level` is Milvus's number;
    /// `properties` is a dict in the order the keys were first set.
    fn describe_collection<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyDict>> {
        let info = self.db.describe_collection(name).map_err(err)?;
        let d = PyDict::new(py);
        d.set_item("id", info.id)?;
        d.set_item("name", &info.schema.name)?;
        d.set_item("description", &info.schema.description)?;
        d.set_item("enable_dynamic_field", info.schema.enable_dynamic_field)?;
        let fields = PyList::empty(py);
        for f in &info.schema.fields {
            fields.append(field_to_dict(py, f)?)?;
        }
        d.set_item("fields", fields)?;
        d.set_item("partitions", info.partitions)?;
        d.set_item("created_timestamp", info.created_timestamp)?;
        d.set_item("consistency_level", info.settings.consistency_level.number())?;
        d.set_item("num_shards", info.settings.shard_num)?;
        d.set_item("num_partitions", info.settings.num_partitions)?;
        let properties = PyDict::new(py);
        for p in &info.settings.properties {
            properties.set_item(&p.key, &p.value)?;
        }
        d.set_item("properties", properties)?;
        Ok(d)
    }

    fn create_partition(&self, collection: &str, partition: &str) -> PyResult<()> {
        self.db.create_partition(collection, partition).map_err(err)
    }

    fn drop_partition(&self, py: Python<'_>, collection: &str, partition: &str) -> PyResult<()> {
        py.detach(|| self.db.drop_partition(collection, partition)).map_err(err)
    }

    fn has_partition(&self, collection: &str, partition: &str) -> PyResult<bool> {
        self.db.has_partition(collection, partition).map_err(err)
    }

    fn list_partitions(&self, collection: &str) -> PyResult<Vec<String>> {
        self.db.list_partitions(collection).map_err(err)
    }

    /// Writes `columns` (`(name, type, data, validity)` tuples): an upsert, or an insert when
    /// `upsert` is false. Returns the MutationResult as a dict (without `succ_index` / `err_index`).
    #[pyo3(signature = (collection, partition, columns, upsert, timeout = None))]
    fn write<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        partition: &str,
        columns: Vec<Bound<'py, PyAny>>,
        upsert: bool,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ctx = context(timeout);
        let columns = columns.iter().map(column_from_py).collect::<PyResult<Vec<_>>>()?;
        let result = py
            .detach(|| {
                // The core's writes take no context: the deadline is checked before the write.
                ctx.check()?;
                if upsert {
                    self.db.upsert(collection, partition, columns)
                } else {
                    self.db.insert(collection, partition, columns)
                }
            })
            .map_err(err)?;
        mutation_to_py(py, &result)
    }

    /// Upserts `columns` in merge mode (`partial_update=True`): fields not given keep the live
    /// row's values and dynamic keys merge; `ops` are `(field, operation)` pairs
    /// (`array_append`, `array_remove`, `replace`) applied to given Array fields. Returns the
    /// MutationResult as `write` does.
    #[pyo3(signature = (collection, partition, columns, timeout = None, ops = None))]
    fn partial_upsert<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        partition: &str,
        columns: Vec<Bound<'py, PyAny>>,
        timeout: Option<f64>,
        ops: Option<Vec<(String, String)>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ctx = context(timeout);
        let columns = columns.iter().map(column_from_py).collect::<PyResult<Vec<_>>>()?;
        let ops = ops.unwrap_or_default();
        let ops = ops
            .iter()
            .map(|(f, op)| Ok((f.as_str(), veclite::FieldOp::parse(op)?)))
            .collect::<veclite::Result<Vec<_>>>()
            .map_err(err)?;
        let result = py
            .detach(|| {
                ctx.check()?;
                self.db.partial_upsert_with_ops(collection, partition, columns, &ops)
            })
            .map_err(err)?;
        mutation_to_py(py, &result)
    }

    /// Deletes by filter expression (`keys` None) or by primary keys.
    #[pyo3(signature = (collection, partition, expr = None, keys = None, timeout = None))]
    fn delete<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        partition: &str,
        expr: Option<String>,
        keys: Option<Bound<'py, PyAny>>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ctx = context(timeout);
        let keys = keys.map(|k| keys_from_py(&k)).transpose()?;
        let result = py
            .detach(|| {
                ctx.check()?;
                match (&keys, &expr) {
                    (Some(keys), _) => self.db.delete_by_pks(collection, partition, keys),
                    (None, Some(expr)) => self.db.delete(collection, partition, expr),
                    (None, None) => {
                        Err(veclite::Error::InvalidArgument("delete needs a filter expression or ids".into()))
                    }
                }
            })
            .map_err(err)?;
        mutation_to_py(py, &result)
    }

    /// The rows with these primary keys, as `[(name, values), ...]`.
    #[pyo3(signature = (collection, keys, output_fields, partitions = Vec::new(), timeout = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        keys: Bound<'py, PyAny>,
        output_fields: Vec<String>,
        partitions: Vec<String>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ctx = context(timeout);
        let keys = keys_from_py(&keys)?;
        let result = py
            .detach(|| {
                ctx.check()?;
                self.db.get(collection, &strs(&partitions), &keys, &strs(&output_fields))
            })
            .map_err(err)?;
        columns_to_py(py, result)
    }

    /// Rows matching `expr` (empty = all), as `[(name, values), ...]`.
    #[pyo3(signature = (collection, expr, output_fields, partitions = Vec::new(), limit = None, offset = 0, timeout = None))]
    #[allow(clippy::too_many_arguments)]
    fn query<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        expr: &str,
        output_fields: Vec<String>,
        partitions: Vec<String>,
        limit: Option<usize>,
        offset: usize,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ctx = context(timeout);
        let result = py
            .detach(|| {
                ctx.check()?;
                self.db.query(collection, &strs(&partitions), expr, &strs(&output_fields), limit, offset)
            })
            .map_err(err)?;
        columns_to_py(py, result)
    }

    /// One page of a query iterator: rows matching `expr` with a primary key greater than
    /// `after` (None = from the start), in key order, at most `batch`; as `[(name, values), ...]`.
    #[pyo3(signature = (collection, expr, output_fields, after, batch, partitions = Vec::new(), timeout = None))]
    #[allow(clippy::too_many_arguments)]
    fn query_page<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        expr: &str,
        output_fields: Vec<String>,
        after: Option<Bound<'py, PyAny>>,
        batch: usize,
        partitions: Vec<String>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ctx = context(timeout);
        let after = match after {
            None => None,
            Some(key) => Some(match key.extract::<i64>() {
                Ok(v) => veclite::PrimaryKey::Int(v),
                Err(_) => veclite::PrimaryKey::Str(
                    key.extract::<String>()
                        .map_err(|_| invalid("an iterator cursor must be an int or a str".into()))?,
                ),
            }),
        };
        let result = py
            .detach(|| {
                ctx.check()?;
                self.db.query_page(
                    collection,
                    &strs(&partitions),
                    expr,
                    &strs(&output_fields),
                    after.as_ref(),
                    batch,
                )
            })
            .map_err(err)?;
        columns_to_py(py, result)
    }

    /// `count(*)` of the rows matching `expr` (empty = all).
    #[pyo3(signature = (collection, expr = "", partitions = Vec::new(), timeout = None))]
    fn count(
        &self,
        py: Python<'_>,
        collection: &str,
        expr: &str,
        partitions: Vec<String>,
        timeout: Option<f64>,
    ) -> PyResult<u64> {
        let ctx = context(timeout);
        py.detach(|| {
            ctx.check()?;
            self.db.count_where(collection, &strs(&partitions), expr)
        })
        .map_err(err)
    }

    /// Top-`limit` search of a `(nq, dim)` float32 array. `params` is Milvus's search params map
    /// as text (`ef`, `nprobe`, `radius`, `range_filter`, ...); `group_by` is `(field, size,
    /// strict)`. Returns one `(ids, distances, columns)` per query.
    #[pyo3(signature = (collection, queries, limit, metric, vector_field = None, partitions = Vec::new(),
        filter = String::new(), output_fields = Vec::new(), offset = 0, params = Vec::new(), timeout = None,
        round_decimal = None, group_by = None))]
    #[allow(clippy::too_many_arguments)]
    fn search<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        queries: Bound<'py, PyAny>,
        limit: usize,
        metric: &str,
        vector_field: Option<String>,
        partitions: Vec<String>,
        filter: String,
        output_fields: Vec<String>,
        offset: usize,
        params: Vec<(String, String)>,
        timeout: Option<f64>,
        round_decimal: Option<u32>,
        group_by: Option<(String, usize, bool)>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ctx = context(timeout);
        let metric = Metric::parse(metric).map_err(err)?;
        // Packed vector queries arrive as (Milvus type name, bytes), sparse ones as (type name,
        // (offsets, indices, values)), f32 ones as a 2-D array.
        let (data, packed, csr) = match queries.extract::<(String, Bound<'py, PyAny>)>() {
            Ok((ty, body)) if ty == sparse::TYPE_NAME => {
                (Vec::new(), None, Some(sparse::csr("sparse query vectors", &body)?))
            }
            Ok((ty, body)) => {
                (Vec::new(), Some((vector_types::query_kind(&ty)?, body.extract::<Vec<u8>>()?)), None)
            }
            Err(_) => (query_data(&queries.extract::<PyReadonlyArray2<'py, f32>>()?), None, None),
        };
        let request = SearchRequest {
            packed: packed.as_ref().map(|(kind, bytes)| (*kind, bytes.as_slice())),
            sparse: csr.as_ref().map(sparse::rows).transpose()?,
            vector_field,
            partitions,
            filter,
            output_fields,
            offset,
            round_decimal,
            ..SearchRequest::new(&data, limit, metric)
        };
        let mut request = request.with_milvus_params(&pairs(&params)).map_err(err)?;
        if let Some((field, size, strict)) = group_by {
            request = request.group_by(&field, size, strict);
        }
        let hits = py
            .detach(|| {
                self.db.check_search_params(collection, request.vector_field.as_deref(), request.params)?;
                self.db.search(&ctx, collection, &request)
            })
            .map_err(err)?;
        hits_to_py(py, hits)
    }

    /// Hybrid search: `requests` are `(queries, anns_field, metric, limit, filter, params)`;
    /// `ranker` is `("rrf", [k])` or `("weighted", weights)` with `norm_score`. Returns one
    /// `(ids, scores, columns)` per query.
    #[pyo3(signature = (collection, requests, ranker, ranker_args, norm_score, limit, offset = 0,
        output_fields = Vec::new(), partitions = Vec::new(), round_decimal = None, timeout = None))]
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn hybrid_search<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        requests: Vec<(
            PyReadonlyArray2<'py, f32>,
            Option<String>,
            String,
            usize,
            String,
            Vec<(String, String)>,
        )>,
        ranker: &str,
        ranker_args: Vec<f32>,
        norm_score: bool,
        limit: usize,
        offset: usize,
        output_fields: Vec<String>,
        partitions: Vec<String>,
        round_decimal: Option<u32>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let ctx = context(timeout);
        let ranker = match (ranker, ranker_args.as_slice()) {
            ("rrf", [k]) => Ranker::Rrf { k: *k },
            ("weighted", weights) => Ranker::Weighted { weights: weights.to_vec(), norm_score },
            _ => return Err(err(veclite::Error::InvalidArgument(format!("unknown ranker `{ranker}`")))),
        };
        let data: Vec<Vec<f32>> = requests.iter().map(|r| query_data(&r.0)).collect();
        let mut searches = Vec::with_capacity(requests.len());
        for ((_, field, metric, limit, filter, params), data) in requests.iter().zip(&data) {
            let metric = Metric::parse(metric).map_err(err)?;
            let request = SearchRequest {
                vector_field: field.clone(),
                filter: filter.clone(),
                ..SearchRequest::new(data, *limit, metric)
            };
            searches.push(request.with_milvus_params(&pairs(params)).map_err(err)?);
        }
        let request = HybridRequest {
            offset,
            output_fields,
            partitions,
            round_decimal,
            ..HybridRequest::new(searches, ranker, limit)
        };
        let hits = py
            .detach(|| {
                for r in &request.requests {
                    self.db.check_search_params(collection, r.vector_field.as_deref(), r.params)?;
                }
                self.db.hybrid_search(&ctx, collection, &request)
            })
            .map_err(err)?;
        hits_to_py(py, hits)
    }

    /// A handle to the same directory working in database `name` (`""` = `default`).
    fn using_database(&self, name: &str) -> PyResult<PyDatabase> {
        Ok(PyDatabase { db: self.db.using_database(name).map_err(err)? })
    }

    /// The database this handle works in.
    fn database_name(&self) -> String {
        self.db.database_name().to_owned()
    }

    /// Creates database `name` with `properties` (`(key, value)` strings).
    #[pyo3(signature = (name, properties = Vec::new()))]
    fn create_database(&self, py: Python<'_>, name: &str, properties: Vec<(String, String)>) -> PyResult<()> {
        py.detach(|| self.db.create_database(name, &properties)).map_err(err)
    }

    /// Renames collection `old` to `new` in database `new_db` (`""` = this handle's).
    fn rename_collection(&self, py: Python<'_>, old: &str, new: &str, new_db: &str) -> PyResult<()> {
        py.detach(|| self.db.rename_collection(old, new, Some(new_db))).map_err(err)
    }

    /// Drops the empty database `name`.
    fn drop_database(&self, py: Python<'_>, name: &str) -> PyResult<()> {
        py.detach(|| self.db.drop_database(name)).map_err(err)
    }

    /// Every database name, `default` first.
    fn list_databases(&self) -> PyResult<Vec<String>> {
        self.db.list_databases().map_err(err)
    }

    /// Sets `set` and removes `delete` among the properties of database `name`.
    fn alter_database_properties(
        &self,
        name: &str,
        set: Vec<(String, String)>,
        delete: Vec<String>,
    ) -> PyResult<()> {
        let set: Vec<(&str, &str)> = set.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let delete: Vec<&str> = delete.iter().map(String::as_str).collect();
        self.db.alter_database_properties(name, &set, &delete).map_err(err)
    }

    /// The properties of database `name`, as `{key: value}`.
    fn describe_database(&self, name: &str) -> PyResult<std::collections::BTreeMap<String, String>> {
        Ok(self.db.describe_database(name).map_err(err)?.properties)
    }

    /// Makes `alias` another name of collection `collection`.
    fn create_alias(&self, py: Python<'_>, collection: &str, alias: &str) -> PyResult<()> {
        py.detach(|| self.db.create_alias(collection, alias)).map_err(err)
    }

    /// Points the existing `alias` to collection `collection`.
    fn alter_alias(&self, py: Python<'_>, collection: &str, alias: &str) -> PyResult<()> {
        py.detach(|| self.db.alter_alias(collection, alias)).map_err(err)
    }

    /// Removes `alias` (a missing alias is no error).
    fn drop_alias(&self, py: Python<'_>, alias: &str) -> PyResult<()> {
        py.detach(|| self.db.drop_alias(alias)).map_err(err)
    }

    /// The collection `alias` points to.
    fn describe_alias(&self, alias: &str) -> PyResult<String> {
        self.db.describe_alias(alias).map_err(err)
    }

    /// The aliases of `collection` (of every collection when `None`), sorted.
    #[pyo3(signature = (collection = None))]
    fn list_aliases(&self, collection: Option<&str>) -> PyResult<Vec<String>> {
        self.db.list_aliases(collection).map_err(err)
    }

    #[pyo3(signature = (collection, timeout = None))]
    fn flush(&self, py: Python<'_>, collection: &str, timeout: Option<f64>) -> PyResult<()> {
        let ctx = context(timeout);
        py.detach(|| self.db.flush_with(&ctx, collection)).map_err(err)
    }

    /// Flushes and compacts; returns `{"segments_in", "segments_out", "rows_dropped"}`.
    #[pyo3(signature = (collection, timeout = None))]
    fn compact<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ctx = context(timeout);
        let stats = py.detach(|| self.db.compact_with(&ctx, collection)).map_err(err)?;
        let d = PyDict::new(py);
        d.set_item("segments_in", stats.segments_in)?;
        d.set_item("segments_out", stats.segments_out)?;
        d.set_item("rows_dropped", stats.rows_dropped)?;
        Ok(d)
    }

    /// Creates an index in Milvus's terms: the core parses the type name, the metric name and the
    /// build parameters (`(key, value)` text pairs; see `IndexParams::from_milvus`).
    #[pyo3(signature = (collection, field, name, metric, index_type, params = Vec::new(), timeout = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_index(
        &self,
        py: Python<'_>,
        collection: &str,
        field: &str,
        name: &str,
        metric: &str,
        index_type: &str,
        params: Vec<(String, String)>,
        timeout: Option<f64>,
    ) -> PyResult<()> {
        let ctx = context(timeout);
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        py.detach(|| self.db.create_milvus_index(&ctx, collection, field, name, index_type, metric, &pairs))
            .map_err(err)
    }

    /// Sets properties of the index named `index` (`mmap.enabled` only) and removes the keys
    /// `delete` (Milvus's `AlterIndex`).
    #[pyo3(signature = (collection, index, set, delete))]
    fn alter_index_properties(
        &self,
        collection: &str,
        index: &str,
        set: Vec<(String, String)>,
        delete: Vec<String>,
    ) -> PyResult<()> {
        let set: Vec<(&str, &str)> = set.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let delete: Vec<&str> = delete.iter().map(String::as_str).collect();
        if delete.is_empty() {
            self.db.alter_index_properties(collection, index, &set).map_err(err)
        } else if set.is_empty() {
            self.db.drop_index_properties(collection, index, &delete).map_err(err)
        } else {
            Err(err(veclite::Error::InvalidArgument("set or remove index properties, not both".into())))
        }
    }

    /// Indexes of the collection (of `field` only, when given) as dicts: names, Milvus's
    /// `index_type` and `metric_type` (vector indexes only), the build parameters as given with the value used for
    /// each one the type reads (defaults included, as ints), and build progress.
    #[pyo3(signature = (collection, field = None))]
    fn describe_index<'py>(
        &self,
        py: Python<'py>,
        collection: &str,
        field: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let infos = self.db.describe_index(collection, field).map_err(err)?;
        let out = PyList::empty(py);
        for info in infos {
            let d = PyDict::new(py);
            d.set_item("index_name", &info.index.name)?;
            d.set_item("field_name", &info.index.field)?;
            // A scalar index has no metric; Milvus describes it without one.
            if info.index.params.is_vector_index() {
                d.set_item("metric_type", info.index.metric.name())?;
            }
            d.set_item("index_type", info.index.params.type_name())?;
            for (key, value) in &info.index.given_params {
                d.set_item(key, value)?;
            }
            for (key, value) in info.index.params.milvus_params() {
                d.set_item(key, value)?;
            }
            for (key, value) in info.index.params.sparse_milvus_params() {
                d.set_item(key, value)?;
            }
            for (key, value) in &info.index.properties {
                d.set_item(key, value)?;
            }
            d.set_item("indexed_rows", info.indexed_rows)?;
            d.set_item("total_rows", info.total_rows)?;
            d.set_item("pending_index_rows", info.pending_rows)?;
            d.set_item("state", if info.finished() { "Finished" } else { "InProgress" })?;
            out.append(d)?;
        }
        Ok(out)
    }

    fn drop_index(&self, py: Python<'_>, collection: &str, field: &str) -> PyResult<()> {
        py.detach(|| self.db.drop_index(collection, field)).map_err(err)
    }
}

/// The options a database opened without any has (as [`PyDatabase::options`] reports them).
#[pyfunction]
fn default_options(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    options_to_dict(py, &Options::default())
}

/// The native module `veclite._veclite`.
#[pymodule]
fn _veclite(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDatabase>()?;
    m.add_function(wrap_pyfunction!(default_options, m)?)?;
    m.add_function(wrap_pyfunction!(render_filter, m)?)?;
    m.add("VecliteError", m.py().get_type::<VecliteError>())?;
    let statuses = PyDict::new(m.py());
    for s in veclite::Status::all() {
        statuses.set_item(s as u32, s.name())?;
    }
    m.add("STATUS_NAMES", statuses)?;
    logging::install(m.py())
}
