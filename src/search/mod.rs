//! Vector search: exact top-k over growing and sealed segments, with partitions, filters,
//! output fields and paging, merged across segments deterministically.
//!
//! Semantics: `L2` is the squared distance, ascending; `IP` and `COSINE` are similarities,
//! descending (cosine uses the norms stored at insert time). Equal scores order by smaller
//! primary key. Deleted and replaced rows never appear and a key appears at most once per query.
//! A query with fewer matching rows than `topk` returns fewer hits.

mod scan;
pub mod topk;

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::collection::Collection;
use crate::column::{ColumnRef, PrimaryKeys};
use crate::context::Context;
use crate::error::{Error, ObjectKind, Result};
use crate::expr::Filter;
use crate::index::SearchParams;
use crate::result::QueryResult;
use crate::schema::{FieldType, vector_norm_excess};
use crate::simd;
use scan::{Queries, Task};
use topk::TopK;

/// Largest `topk`, `nq` and `offset + topk`, as in Milvus.
pub const MAX_TOPK: usize = 16_384;
/// Largest number of query vectors per call.
pub const MAX_NQ: usize = 16_384;
/// Rows per parallel work item.
const RANGE_ROWS: usize = 1 << 16;
/// Queries per parallel work item on an index.
const QUERIES_PER_INDEX_TASK: usize = 8;
/// An index is used only when at least one row in this many is allowed.
const INDEX_MIN_SELECTIVITY: usize = 10;

/// Distance or similarity measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Squared Euclidean distance; smaller is closer.
    L2,
    /// Inner product; larger is closer.
    Ip,
    /// Cosine similarity in [-1, 1]; larger is closer.
    Cosine,
}

impl Metric {
    /// Whether larger scores are better.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::L2)
    }

    /// Parses `"L2"`, `"IP"` or `"COSINE"` (any case).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for any other name.
    pub fn parse(name: &str) -> Result<Metric> {
        match name.to_ascii_uppercase().as_str() {
            "L2" => Ok(Metric::L2),
            "IP" => Ok(Metric::Ip),
            "COSINE" => Ok(Metric::Cosine),
            _ => Err(Error::InvalidArgument(format!("unknown metric `{name}`: use L2, IP or COSINE"))),
        }
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::L2 => "L2",
            Metric::Ip => "IP",
            Metric::Cosine => "COSINE",
        }
    }
}

/// A search request. Build with [`SearchRequest::new`] and the setters.
#[derive(Debug, Clone)]
pub struct SearchRequest<'q> {
    /// `nq × dim` query components, query after query.
    pub queries: &'q [f32],
    pub topk: usize,
    pub metric: Metric,
    /// The vector field; `None` picks the collection's only vector field.
    pub vector_field: Option<String>,
    /// Partitions to search; empty = all.
    pub partitions: Vec<String>,
    /// Filter expression; empty = none.
    pub filter: String,
    /// Fields returned with each hit (besides the key); `"*"` = all.
    pub output_fields: Vec<String>,
    /// Hits skipped before the `topk` returned.
    pub offset: usize,
    /// Index search parameters (`ef` for HNSW, `nprobe` for IVF_FLAT).
    pub params: SearchParams,
}

impl<'q> SearchRequest<'q> {
    /// A request for the `topk` nearest rows to each query in `queries`.
    pub fn new(queries: &'q [f32], topk: usize, metric: Metric) -> Self {
        SearchRequest {
            queries,
            topk,
            metric,
            vector_field: None,
            partitions: Vec::new(),
            filter: String::new(),
            output_fields: Vec::new(),
            offset: 0,
            params: SearchParams::default(),
        }
    }

    /// Sets the index search parameters.
    pub fn params(mut self, params: SearchParams) -> Self {
        self.params = params;
        self
    }

    /// Sets the vector field.
    pub fn vector_field(mut self, name: &str) -> Self {
        self.vector_field = Some(name.to_owned());
        self
    }

    /// Restricts the search to these partitions.
    pub fn partitions(mut self, names: &[&str]) -> Self {
        self.partitions = names.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Sets the filter expression.
    pub fn filter(mut self, expr: &str) -> Self {
        self.filter = expr.to_owned();
        self
    }

    /// Sets the output fields.
    pub fn output_fields(mut self, names: &[&str]) -> Self {
        self.output_fields = names.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Sets the offset.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }
}

/// Hits of one query, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHits {
    /// Primary keys of the hits.
    pub ids: PrimaryKeys,
    /// Distance (L2) or similarity (IP, COSINE) of each hit.
    pub scores: Vec<f32>,
    /// Requested output fields of the hits (the key column first).
    pub fields: QueryResult,
}

impl SearchHits {
    /// Number of hits.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether there are no hits.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
}

impl Collection {
    /// Top-k search: sealed segments through the field's index when one is built, everything else
    /// exactly. Returns one [`SearchHits`] per query.
    ///
    /// # Errors
    /// `topk`, `nq` or `offset + topk` outside 1..=16384 ([`Error::InvalidArgument`]); query
    /// length not a multiple of the field's dim ([`Error::DimensionMismatch`]); NaN/Inf in a
    /// query ([`Error::InvalidValue`]); a query whose norm exceeds
    /// [`MAX_VECTOR_NORM`](crate::schema::MAX_VECTOR_NORM) ([`Error::InvalidArgument`]); unknown
    /// partition or field; filter errors; a cancelled or
    /// expired `ctx`; [`Error::Corrupted`] for damaged segments.
    pub fn search(&self, ctx: &Context, req: &SearchRequest<'_>) -> Result<Vec<SearchHits>> {
        let (field, dim) = self.vector_field(req.vector_field.as_deref())?;
        let norms = validate(req, dim, &self.schema.fields[field].name)?;
        let nq = norms.len();
        let filter = Filter::parse(&req.filter, &self.schema)?;
        let output: Vec<&str> = req.output_fields.iter().map(String::as_str).collect();
        let fields = self.output_field_indexes(&output)?;
        let queries =
            Queries { metric: req.metric, dim, nq, data: req.queries, norms, k: req.offset + req.topk };
        ctx.check()?;
        let state = self.read_state();
        let field_name = &self.schema.fields[field].name;
        if let Some(index) = state.indexes.iter().find(|i| &i.field == field_name)
            && index.metric != req.metric
        {
            return Err(Error::InvalidArgument(format!(
                "metric type not match: the index on `{field_name}` uses {}, the search asked for {}",
                index.metric.name(),
                req.metric.name()
            )));
        }
        let partitions: Vec<&str> = req.partitions.iter().map(String::as_str).collect();
        let scope = state.partition_ids(&partitions, self.name())?;
        let segments: Vec<_> = state.segments.values().filter(|s| scope.contains(&s.partition)).collect();
        let mut allowed = Vec::with_capacity(segments.len());
        for s in &segments {
            let has_deletes = s.deleted.count_ones() > 0;
            allowed.push(match (filter.is_empty(), has_deletes) {
                (true, false) => None,
                (true, true) => Some(s.live_bitset()),
                (false, _) => {
                    let mut bits = filter.evaluate(*s)?;
                    bits.and_not_with(&s.deleted);
                    Some(bits)
                }
            });
        }
        let mut tasks = Vec::new();
        for (s, allowed) in segments.iter().zip(&allowed) {
            let ColumnRef::FloatVector { data, .. } = s.column(field)? else { continue };
            let keys = s.column(self.schema.pk_index())?;
            let norms = if req.metric == Metric::Ip { &[] } else { s.norms(field)? };
            let sparse = allowed.as_ref().is_some_and(|a| scan::is_sparse(a.count_ones(), s.rows()));
            let allowed_rows = allowed.as_ref().map_or(s.rows(), |a| a.count_ones());
            if allowed_rows == 0 {
                continue;
            }
            // A very selective filter makes graph and list traversal wasteful and lossy: such
            // segments are scanned exactly instead.
            let index = s.indexes.get(&field).filter(|_| allowed_rows * INDEX_MIN_SELECTIVITY >= s.rows());
            if let Some(index) = index {
                for first in (0..nq).step_by(QUERIES_PER_INDEX_TASK) {
                    tasks.push(Task {
                        index: Some(index),
                        queries: first..(first + QUERIES_PER_INDEX_TASK).min(nq),
                        params: req.params,
                        segment: s.id,
                        vectors: data,
                        norms: s.norms(field)?,
                        keys,
                        allowed: allowed.as_ref(),
                        sparse: false,
                        start: 0,
                        end: s.rows(),
                    });
                }
                continue;
            }
            for start in (0..s.rows()).step_by(RANGE_ROWS) {
                tasks.push(Task {
                    index: None,
                    queries: 0..nq,
                    params: req.params,
                    segment: s.id,
                    vectors: data,
                    norms,
                    keys,
                    allowed: allowed.as_ref(),
                    sparse,
                    start,
                    end: (start + RANGE_ROWS).min(s.rows()),
                });
            }
        }
        let tops = run_tasks(ctx, &queries, &tasks, self.options.worker_threads)?;
        tops.into_iter()
            .map(|top| {
                let hits: Vec<_> = top.into_sorted().into_iter().skip(req.offset).collect();
                let rows: Vec<(u64, usize)> = hits.iter().map(|h| (h.segment, h.row)).collect();
                let scores = hits
                    .iter()
                    .map(|h| if req.metric.higher_is_better() { -h.cost } else { h.cost })
                    .collect();
                let fields = self.gather(&state, &fields, &rows)?;
                let ids = PrimaryKeys::from_column(fields.columns[0].data().as_ref())?;
                Ok(SearchHits { ids, scores, fields })
            })
            .collect()
    }

    /// Index and dim of the vector field `name` (or of the only vector field).
    fn vector_field(&self, name: Option<&str>) -> Result<(usize, usize)> {
        let vector_fields: Vec<usize> =
            (0..self.schema.fields.len()).filter(|&f| self.schema.fields[f].field_type.is_vector()).collect();
        let field = match name {
            Some(n) if !n.is_empty() => self
                .schema
                .field_index(n)
                .ok_or_else(|| Error::not_found_in(ObjectKind::Field, n, self.name()))?,
            _ if vector_fields.len() == 1 => vector_fields[0],
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "collection `{}` has several vector fields: name the one to search",
                    self.name()
                )));
            }
        };
        match self.schema.fields[field].field_type {
            FieldType::FloatVector { dim } => Ok((field, dim as usize)),
            other => Err(Error::SchemaMismatch(format!(
                "field `{}` is {}, not a vector field",
                self.schema.fields[field].name,
                other.describe()
            ))),
        }
    }
}

/// Checks limits and queries; returns the norm of each query.
fn validate(req: &SearchRequest<'_>, dim: usize, field: &str) -> Result<Vec<f32>> {
    if req.topk == 0 || req.topk > MAX_TOPK {
        return Err(Error::InvalidArgument(format!(
            "topk [{}] is invalid, it should be in range [1, {MAX_TOPK}]",
            req.topk
        )));
    }
    if req.offset + req.topk > MAX_TOPK {
        return Err(Error::InvalidArgument(format!(
            "offset+topk [{}] is invalid, it should be in range [1, {MAX_TOPK}]",
            req.offset + req.topk
        )));
    }
    if req.queries.is_empty() || !req.queries.len().is_multiple_of(dim) {
        return Err(Error::DimensionMismatch(format!(
            "field `{field}` has dim {dim}; {} query floats is not a whole, non-zero number of vectors",
            req.queries.len()
        )));
    }
    let nq = req.queries.len() / dim;
    if nq > MAX_NQ {
        return Err(Error::InvalidArgument(format!(
            "nq (number of search vectors per request) should be in range [1, {MAX_NQ}], but got {nq}"
        )));
    }
    if let Some(i) = req.queries.iter().position(|x| !x.is_finite()) {
        return Err(Error::InvalidValue(format!(
            "query {} component {}: values must be finite",
            i / dim,
            i % dim
        )));
    }
    let norms: Vec<f32> = req.queries.chunks_exact(dim).map(simd::norm).collect();
    for (q, (query, &norm)) in req.queries.chunks_exact(dim).zip(&norms).enumerate() {
        if let Some(why) = vector_norm_excess(query, norm) {
            return Err(Error::InvalidArgument(format!("query {q}: {why}")));
        }
    }
    Ok(norms)
}

/// Runs the tasks on up to `workers` threads and merges their selections.
fn run_tasks(ctx: &Context, queries: &Queries<'_>, tasks: &[Task<'_>], workers: usize) -> Result<Vec<TopK>> {
    let new_tops = || (0..queries.nq).map(|_| TopK::new(queries.k)).collect::<Vec<_>>();
    let worker = |next: &AtomicUsize| -> Result<Vec<TopK>> {
        let mut tops = new_tops();
        let mut buf = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(task) = tasks.get(i) else { return Ok(tops) };
            ctx.check()?;
            scan::scan(queries, task, &mut tops, &mut buf)?;
        }
    };
    let next = AtomicUsize::new(0);
    let workers = workers.min(tasks.len()).max(1);
    if workers == 1 {
        return worker(&next);
    }
    let partials: Vec<Result<Vec<TopK>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(|| worker(&next))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut merged = new_tops();
    for partial in partials {
        for (m, p) in merged.iter_mut().zip(partial?) {
            m.merge(p);
        }
    }
    Ok(merged)
}
