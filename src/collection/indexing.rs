//! Vector and scalar indexes of a collection: create, describe, drop, and building the index files of sealed
//! segments that lack them.
//!
//! Builds read a sealed segment through its shared mapping without holding any lock, then
//! publish the file under the writer lock (if the segment and the index still exist). Growing
//! segments and sealed segments not indexed yet are searched exactly, so new rows are found at
//! once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{Collection, index_path};
use crate::catalog::IndexMeta;
use crate::column::{ColumnRef, VectorKind};
use crate::context::Context;
use crate::error::{Error, ObjectKind, Result};
use crate::index::Vectors;
use crate::index::file::SegmentIndex;
use crate::index::packed::PackedVectors;
use crate::params::IndexParams;
use crate::params::Metric;
use crate::scalar_index as scalar;
use crate::schema::FieldType;
use crate::segment::sealed::SealedSegment;

/// What `describe_index` reports for one index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexInfo {
    pub index: IndexMeta,
    /// Rows (deleted ones included) of sealed segments whose index is built.
    pub indexed_rows: u64,
    /// Rows of all segments, growing ones included.
    pub total_rows: u64,
    /// Rows of sealed segments still waiting for their index (searched exactly meanwhile).
    pub pending_rows: u64,
}

impl IndexInfo {
    /// Whether every sealed segment has its index.
    pub fn finished(&self) -> bool {
        self.pending_rows == 0
    }
}

/// One index file to build.
struct Job {
    segment: u64,
    file: Arc<SealedSegment>,
    field: usize,
    index: IndexMeta,
}

impl Collection {
    /// Creates an index on field `field` and builds it for every sealed segment (later
    /// segments are indexed automatically when they are sealed). `name` may be empty (the field
    /// name is used). Creating the same index again is a no-op. A vector field takes FLAT, HNSW
    /// or IVF_FLAT (a sparse vector field SPARSE_INVERTED_INDEX or SPARSE_WAND, metric IP); a
    /// scalar field a scalar type its field type allows
    /// ([`scalar::check_field`]), whose `metric` is unused (pass [`Metric::L2`]).
    ///
    /// # Errors
    /// Unknown field; an index type the field's type does not take; parameters out of range; a
    /// different index already on the field; a cancelled or expired `ctx` (the index stays
    /// defined and is built later); I/O.
    pub fn create_index(
        &self,
        ctx: &Context,
        field: &str,
        name: &str,
        metric: Metric,
        params: IndexParams,
    ) -> Result<()> {
        self.add_index(ctx, field, name, metric, params, BTreeMap::new())
    }

    /// [`Collection::create_index`] in Milvus's terms: the index type name, the metric name and
    /// the build parameters as Milvus's key/value map, parsed by [`IndexParams::from_milvus`]
    /// and [`Metric::parse`]. The map is kept as given and reported by
    /// [`Collection::describe_index`]. On a scalar field `AUTOINDEX` (or an empty type) builds
    /// [`scalar::auto_index`]'s type, and the metric must be empty (scalar indexes have none); on
    /// a sparse vector field it builds SPARSE_INVERTED_INDEX (DAAT_MAXSCORE).
    ///
    /// # Errors
    /// Those of [`IndexParams::from_milvus`] and [`Metric::parse`]; those of
    /// [`Collection::create_index`].
    pub fn create_milvus_index(
        &self,
        ctx: &Context,
        field: &str,
        name: &str,
        index_type: &str,
        metric: &str,
        params: &[(&str, &str)],
    ) -> Result<()> {
        let type_name = index_type.trim().to_ascii_uppercase();
        let auto = matches!(type_name.as_str(), "AUTOINDEX" | "");
        let sparse = self.schema.field(field).is_some_and(|f| f.field_type == FieldType::SparseFloatVector);
        let resolved =
            IndexParams::from_milvus(if sparse && auto { AUTOINDEX_SPARSE } else { index_type }, params)?;
        let definition = self
            .schema
            .field(field)
            .ok_or_else(|| Error::not_found_in(ObjectKind::Field, field, self.name()))?;
        let packed = definition.field_type.vector_kind().map(|(kind, _)| kind);
        let resolved = match (scalar::auto_index(definition), packed) {
            (Some(scalar_auto), _) if auto => scalar_auto,
            (_, Some(kind)) if auto => auto_packed_index(kind),
            _ => resolved,
        };
        check_binary_names(field, &type_name, packed, || definition.field_type.describe())?;
        if resolved.is_scalar() || !definition.field_type.is_vector() {
            scalar::check_field(resolved, definition)?;
        }
        let metric = if resolved.is_scalar() {
            if !metric.trim().is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "field `{field}`: a {} index takes no metric_type (got `{metric}`); metrics apply to vector indexes",
                    resolved.type_name()
                )));
            }
            Metric::L2
        } else if metric.trim().is_empty() {
            default_metric(&definition.field_type)
        } else {
            Metric::parse(metric)?
        };
        let given = params.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect();
        self.add_index(ctx, field, name, metric, resolved, given)
    }

    fn add_index(
        &self,
        ctx: &Context,
        field: &str,
        name: &str,
        metric: Metric,
        params: IndexParams,
        given_params: BTreeMap<String, String>,
    ) -> Result<()> {
        let position = self
            .schema
            .field_index(field)
            .ok_or_else(|| Error::not_found_in(ObjectKind::Field, field, self.name()))?;
        let definition = &self.schema.fields[position];
        if params.is_scalar() || !definition.field_type.is_vector() {
            scalar::check_field(params, definition)?;
        }
        params.validate()?;
        self.check_index_type(position, metric, &params)?;
        let meta = IndexMeta {
            name: if name.is_empty() { field.to_owned() } else { name.to_owned() },
            field: field.to_owned(),
            metric,
            params,
            given_params,
            properties: BTreeMap::new(),
        };
        {
            let _writer = self.writer();
            let existing = self.read_state().indexes.iter().find(|i| i.field == field).cloned();
            match existing {
                Some(e) if e.same_definition(&meta) => {}
                Some(e) => {
                    return Err(Error::InvalidArgument(format!(
                        "at most one distinct index is allowed per field: `{field}` already has {} ({} {:?})",
                        e.name,
                        e.metric.name(),
                        e.params
                    )));
                }
                None => {
                    self.update_meta(|c| {
                        c.indexes.push(meta.clone());
                        Ok(())
                    })?;
                    self.write_state().indexes.push(meta);
                }
            }
        }
        self.build_missing_indexes(ctx).map(|_| ())
    }

    /// The indexes (of `field` only, when given) with their build progress.
    ///
    /// # Errors
    /// [`Error::NotFound`] when `field` is given and has no index.
    pub fn describe_index(&self, field: Option<&str>) -> Result<Vec<IndexInfo>> {
        let state = self.read_state();
        let infos: Vec<IndexInfo> = state
            .indexes
            .iter()
            .filter(|i| field.is_none_or(|f| i.field == f))
            .map(|index| {
                let position = self.schema.field_index(&index.field).unwrap_or(usize::MAX);
                let mut info =
                    IndexInfo { index: index.clone(), indexed_rows: 0, total_rows: 0, pending_rows: 0 };
                for s in state.segments.values() {
                    let rows = s.rows() as u64;
                    info.total_rows += rows;
                    if s.is_growing() {
                        continue;
                    }
                    if s.indexes.contains_key(&position) || !index.params.has_data() {
                        info.indexed_rows += rows;
                    } else {
                        info.pending_rows += rows;
                    }
                }
                info
            })
            .collect();
        match field {
            Some(f) if infos.is_empty() => Err(Error::not_found_in(ObjectKind::Index, f, self.name())),
            _ => Ok(infos),
        }
    }

    /// Drops the index of `field` and deletes its files; searches become exact.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the field has no index; I/O.
    pub fn drop_index(&self, field: &str) -> Result<()> {
        let _writer = self.writer();
        if !self.read_state().indexes.iter().any(|i| i.field == field) {
            return Err(Error::not_found_in(ObjectKind::Index, field, self.name()));
        }
        let position = self.schema.field_index(field).unwrap_or(usize::MAX) as u32;
        let dropped = self.update_meta(|c| {
            c.indexes.retain(|i| i.field != field);
            let mut dropped = Vec::new();
            for s in &mut c.segments {
                if s.indexed_fields.contains(&position) {
                    s.indexed_fields.retain(|&f| f != position);
                    dropped.push(s.id);
                }
            }
            Ok(dropped)
        })?;
        {
            let mut state = self.write_state();
            state.indexes.retain(|i| i.field != field);
            for s in state.segments.values_mut() {
                s.indexes.remove(&(position as usize));
            }
        }
        dropped.iter().try_for_each(|&id| {
            crate::storage::fs::remove_file_if_exists(&index_path(&self.dir, id, position as usize))
        })
    }

    /// Number of index files this collection has built since it was opened (diagnostics: a
    /// reopen loads index files and builds nothing).
    pub fn index_builds(&self) -> u64 {
        self.index_builds.load(Ordering::Relaxed)
    }

    /// Builds every missing index file of sealed segments; returns how many were built.
    ///
    /// # Errors
    /// A cancelled or expired `ctx`; I/O; [`Error::Corrupted`] for damaged segments.
    pub fn build_missing_indexes(&self, ctx: &Context) -> Result<usize> {
        let _builder = self.index_build.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let jobs = self.missing_index_jobs();
        let mut built = 0;
        for job in jobs {
            ctx.check()?;
            let path = index_path(&self.dir, job.segment, job.field);
            let started = std::time::Instant::now();
            let index = if job.index.params.is_scalar() {
                let (column, validity) = (job.file.column(job.field)?, job.file.validity(job.field)?);
                let body = scalar::build(column, validity, job.index.params == IndexParams::Bitmap)?;
                SegmentIndex::write_scalar(&path, job.index.params, &body)?
            } else if let ColumnRef::SparseVector(rows) = job.file.column(job.field)? {
                SegmentIndex::build_sparse(&path, job.index.params, rows, ctx)?
            } else {
                let (params, threads) = (job.index.params, self.options.worker_threads);
                let (norms, metric) = (job.file.norms(job.field)?, job.index.metric);
                match job.file.column(job.field)? {
                    ColumnRef::FloatVector { dim, data } => SegmentIndex::build(
                        &path,
                        params,
                        Vectors { dim, data, norms, metric },
                        threads,
                        ctx,
                    )?,
                    ColumnRef::PackedVector { kind, dim, data } => {
                        let vectors = PackedVectors { kind, dim, data, norms, metric };
                        SegmentIndex::build(&path, params, vectors, threads, ctx)?
                    }
                    _ => continue,
                }
            };
            self.index_builds.fetch_add(1, Ordering::Relaxed);
            let published = self.publish_index(&job, index)?;
            log::info!(
                "built {} index `{}` of segment {} of collection `{}`: {} {} in {} ms{}",
                job.index.params.type_name(),
                job.index.name,
                job.segment,
                self.name(),
                job.file.rows(),
                if job.index.params.is_scalar() { "rows" } else { "vectors" },
                started.elapsed().as_millis(),
                if published { "" } else { " (discarded: the segment or index is gone)" }
            );
            built += usize::from(published);
        }
        Ok(built)
    }

    fn missing_index_jobs(&self) -> Vec<Job> {
        let state = self.read_state();
        let mut jobs = Vec::new();
        for index in state.indexes.iter().filter(|i| i.params.has_data()) {
            let Some(field) = self.schema.field_index(&index.field) else { continue };
            for s in state.segments.values() {
                if let Some(file) = s.sealed_file()
                    && !s.indexes.contains_key(&field)
                {
                    jobs.push(Job { segment: s.id, file: Arc::clone(file), field, index: index.clone() });
                }
            }
        }
        jobs
    }

    /// Records a built index file, unless its segment or index went away meanwhile (then the
    /// file is removed). Returns whether it was recorded.
    fn publish_index(&self, job: &Job, index: SegmentIndex) -> Result<bool> {
        let _writer = self.writer();
        let current = {
            let state = self.read_state();
            state.segments.contains_key(&job.segment) && state.indexes.contains(&job.index)
        };
        if !current {
            crate::storage::fs::remove_file_if_exists(index.path())?;
            return Ok(false);
        }
        self.update_meta(|c| {
            if let Some(s) = c.segments.iter_mut().find(|s| s.id == job.segment) {
                s.indexed_fields.push(job.field as u32);
            }
            Ok(())
        })?;
        if let Some(s) = self.write_state().segments.get_mut(&job.segment) {
            s.indexes.insert(job.field, Arc::new(index));
        }
        Ok(true)
    }
}

/// The index type `AUTOINDEX` builds on a sparse vector field, as Milvus maps it
/// (`autoIndex.params.sparse.build`): SPARSE_INVERTED_INDEX, whose default algorithm is
/// DAAT_MAXSCORE; the build parameters given are read as that type's.
const AUTOINDEX_SPARSE: &str = "SPARSE_INVERTED_INDEX";

/// What `AUTOINDEX` builds on a packed vector field, as Milvus maps it: BIN_IVF_FLAT with
/// `nlist` 1024 on binary vectors (`autoIndex.params.binary.build`), the float AUTOINDEX (HNSW)
/// on float16, bfloat16 and int8 vectors.
pub fn auto_packed_index(kind: VectorKind) -> IndexParams {
    match kind {
        VectorKind::Binary => IndexParams::IvfFlat { nlist: 1024 },
        _ => crate::params::AUTOINDEX_VECTOR,
    }
}

/// Milvus's naming rule for binary vector indexes: `BIN_FLAT` and `BIN_IVF_FLAT` index
/// BINARY_VECTOR fields only, and a BINARY_VECTOR field takes them rather than `FLAT` and
/// `IVF_FLAT`. `describe` gives the field's type for the message.
fn check_binary_names(
    field: &str,
    type_name: &str,
    packed: Option<VectorKind>,
    describe: impl Fn() -> String,
) -> Result<()> {
    let binary = packed == Some(VectorKind::Binary);
    let message = match type_name {
        "BIN_FLAT" | "BIN_IVF_FLAT" if !binary => {
            format!("{type_name} indexes BINARY_VECTOR fields only (the field is {})", describe())
        }
        "FLAT" | "IVF_FLAT" if binary => {
            format!("a BINARY_VECTOR field takes BIN_{type_name}, not {type_name}")
        }
        _ => return Ok(()),
    };
    Err(Error::InvalidArgument(format!("field `{field}`: {message}")))
}

/// The metric of a vector index created without one, as Milvus picks it: HAMMING for binary
/// vectors, COSINE for the other dense types (sparse fields take IP, in their own path).
fn default_metric(field_type: &crate::schema::FieldType) -> Metric {
    match field_type.vector_kind() {
        Some((crate::params::VectorKind::Binary, _)) => Metric::Hamming,
        _ => Metric::Cosine,
    }
}
