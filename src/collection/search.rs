//! Collection-level search: plans one task per segment range (exact scan) or per query group
//! (a segment's index), runs them with [`search::run`] and turns the merged selections into
//! [`SearchHits`] with the requested output fields.

use super::{Collection, State};
use crate::column::{ColumnRef, PrimaryKeys};
use crate::context::Context;
use crate::error::{Error, ObjectKind, Result};
use crate::expr::Filter;
use crate::params::{IndexParams, MAX_NQ, MAX_TOPK, Metric, SearchParams, SearchRequest};
use crate::result::SearchHits;
use crate::schema::{FieldType, vector_norm_excess};
use crate::search::topk::Hit;
use crate::search::{self, Queries, Task};
use crate::simd;

/// Rows per parallel work item.
const RANGE_ROWS: usize = 1 << 16;
/// Queries per parallel work item on an index.
const QUERIES_PER_INDEX_TASK: usize = 8;
/// An index is used only when at least one row in this many is allowed.
const INDEX_MIN_SELECTIVITY: usize = 10;

impl Collection {
    /// Top-k search: sealed segments through the field's index when one is built, everything else
    /// exactly. Returns one [`SearchHits`] per query. A range search returns the best `topk` hits
    /// inside the range (an index is asked for more candidates until the range is covered, the
    /// index runs out, or `topk` are found); scores are rounded last.
    ///
    /// # Errors
    /// `topk`, `nq` or `offset + topk` outside 1..=16384 ([`Error::InvalidArgument`]); query
    /// length not a multiple of the field's dim ([`Error::DimensionMismatch`]); NaN/Inf in a
    /// query ([`Error::InvalidValue`]); a query whose norm exceeds
    /// [`MAX_VECTOR_NORM`](crate::schema::MAX_VECTOR_NORM) ([`Error::InvalidArgument`]); unknown
    /// partition or field; filter errors; range bounds or `round_decimal` out of their rules
    /// ([`SearchRequest::cost_range`], [`Error::InvalidArgument`]); a cancelled or expired
    /// `ctx`; [`Error::Corrupted`] for damaged segments.
    pub fn search(&self, ctx: &Context, req: &SearchRequest<'_>) -> Result<Vec<SearchHits>> {
        let output: Vec<&str> = req.output_fields.iter().map(String::as_str).collect();
        let fields = self.output_field_indexes(&output)?;
        let state = self.read_state();
        let selections = self.select(ctx, &state, req)?;
        selections
            .into_iter()
            .map(|hits| {
                let rows: Vec<(u64, usize)> = hits.iter().map(|h| (h.segment, h.row)).collect();
                let scores = hits.iter().map(|h| req.rounded(req.score(h.cost))).collect();
                let fields = self.gather(&state, &fields, &rows)?;
                let ids = PrimaryKeys::from_column(fields.columns[0].data().as_ref())?;
                Ok(SearchHits { ids, scores, fields })
            })
            .collect()
    }

    /// The hits of each query of `req` in `state`, best first, after `offset` (hits, or whole
    /// groups in a group-by search).
    ///
    /// # Errors
    /// As [`Collection::search`].
    pub(super) fn select(
        &self,
        ctx: &Context,
        state: &State,
        req: &SearchRequest<'_>,
    ) -> Result<Vec<Vec<Hit>>> {
        let (field, dim) = self.vector_field(req.vector_field.as_deref())?;
        if self.schema.fields[field].field_type == FieldType::SparseFloatVector {
            return self.select_sparse(ctx, state, req, field);
        }
        if req.sparse.is_some() {
            return Err(Error::InvalidArgument(format!(
                "field `{}` is {}: sparse query vectors search SPARSE_FLOAT_VECTOR fields only",
                self.schema.fields[field].name,
                self.schema.fields[field].field_type.describe()
            )));
        }
        if let Some((kind, _)) = self.schema.fields[field].field_type.vector_kind() {
            return self.select_packed(ctx, state, req, field, kind);
        }
        if req.packed.is_some() || req.metric.is_binary() {
            return Err(Error::InvalidArgument(format!(
                "field `{}` is a FLOAT_VECTOR field: search it with f32 query vectors and L2, IP or COSINE",
                self.schema.fields[field].name
            )));
        }
        let norms = validate(req, dim, &self.schema.fields[field].name)?;
        let range = req.cost_range()?;
        req.check_round_decimal()?;
        let nq = norms.len();
        let filter = Filter::parse(&req.filter, &self.schema)?;
        let group_by = self.group_by_field(req)?;
        let queries = Queries {
            metric: req.metric,
            dim,
            nq,
            data: req.queries,
            norms,
            k: req.offset + req.topk,
            range,
            group_size: group_by.map(|_| req.group_size),
        };
        ctx.check()?;
        let (segments, allowed) = self.searched_rows(state, req, field, &filter)?;
        let mut tasks = Vec::new();
        for (s, allowed) in segments.iter().zip(&allowed) {
            let ColumnRef::FloatVector { data, .. } = s.column(field)? else { continue };
            let keys = s.column(self.schema.pk_index())?;
            let group = match group_by {
                Some(g) => Some((s.column(g)?, s.validity(g)?)),
                None => None,
            };
            let norms = if req.metric == Metric::Ip { &[] } else { s.norms(field)? };
            let sparse = allowed.as_ref().is_some_and(|a| search::is_sparse(a.count_ones(), s.rows()));
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
                        group,
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
                    group,
                });
            }
        }
        let tops = search::run(ctx, &queries, &tasks, self.options.worker_threads)?;
        // `offset` skips hits, or whole groups in a group-by search.
        Ok(tops
            .into_iter()
            .map(|top| top.into_groups().into_iter().skip(req.offset).flatten().collect())
            .collect())
    }

    /// The segments `req` searches (its partitions; sealed ones only with `ignore_growing`) and, for each, the rows it may return: `None`
    /// when every row may, else the live rows that match `filter`. Checks that the metric is
    /// the one of the index on `field`, if it has one.
    ///
    /// # Errors
    /// A metric other than the index's; an unknown partition; filter evaluation errors.
    pub(super) fn searched_rows<'s>(
        &self,
        state: &'s State,
        req: &SearchRequest<'_>,
        field: usize,
        filter: &Filter,
    ) -> Result<(Vec<&'s crate::segment::Segment>, Vec<Option<crate::bitset::Bitset>>)> {
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
        let scope = self.read_scope(state, &partitions, Some(filter))?;
        let segments: Vec<_> = state
            .segments
            .values()
            .filter(|s| scope.contains(&s.partition) && !(req.ignore_growing && s.is_growing()))
            .collect();
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
        Ok((segments, allowed))
    }

    /// Schema position of the group-by field of `req`, if it asks for one, checked: a Bool,
    /// integer or VarChar field, and `group_size` such that `(offset + topk) × group_size` is at
    /// most [`MAX_TOPK`].
    pub(super) fn group_by_field(&self, req: &SearchRequest<'_>) -> Result<Option<usize>> {
        let Some(name) = req.group_by_field.as_deref() else { return Ok(None) };
        let field = self
            .schema
            .field_index(name)
            .ok_or_else(|| Error::not_found_in(ObjectKind::Field, name, self.name()))?;
        let ty = self.schema.fields[field].field_type;
        let groupable = matches!(
            ty,
            FieldType::Bool
                | FieldType::Int8
                | FieldType::Int16
                | FieldType::Int32
                | FieldType::Int64
                | FieldType::VarChar { .. }
        );
        if !groupable {
            return Err(Error::InvalidArgument(format!(
                "group_by_field `{name}` is {}: grouping takes a Bool, Int8, Int16, Int32, Int64 or VarChar field",
                ty.describe()
            )));
        }
        let hits = (req.offset + req.topk).saturating_mul(req.group_size);
        if req.group_size == 0 || hits > MAX_TOPK {
            return Err(Error::InvalidArgument(format!(
                "group_size [{}] is invalid: it should be at least 1, and (offset + topk) × group_size at most {MAX_TOPK}",
                req.group_size
            )));
        }
        Ok(Some(field))
    }

    /// Index and dim of the vector field `name` (or of the only vector field).
    pub(super) fn vector_field(&self, name: Option<&str>) -> Result<(usize, usize)> {
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
            other if other.is_vector() => Ok((field, self.schema.fields[field].dim().unwrap_or(0))),
            other => Err(Error::SchemaMismatch(format!(
                "field `{}` is {}, not a vector field",
                self.schema.fields[field].name,
                other.describe()
            ))),
        }
    }

    /// Refuses a search parameter the searched field's index does not take (the search would
    /// ignore it): `ef` needs an HNSW index, `nprobe` an IVF_FLAT one (or a FLAT index, which
    /// takes it as Milvus does, without effect: it probes everything); no index takes neither. `vector_field` as in [`SearchRequest::vector_field`]. The
    /// Milvus-shaped entry points (C, Go, Python) call it before [`Collection::search`], which
    /// itself applies whichever parameter the index reads.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the parameter, the field and its index; those of
    /// finding the vector field.
    pub fn check_search_params(&self, vector_field: Option<&str>, params: SearchParams) -> Result<()> {
        if params == SearchParams::default() {
            return Ok(());
        }
        let (field, _) = self.vector_field(vector_field)?;
        let field = &self.schema.fields[field].name;
        let index = self.read_state().indexes.iter().find(|i| &i.field == field).map(|i| i.params);
        let refuse = |key: &str, wanted: &str| {
            let has = index.map_or("no index".to_owned(), |p| format!("a {} index", p.type_name()));
            Err(Error::InvalidArgument(format!(
                "search param `{key}` applies to {wanted} indexes, and field `{field}` of collection `{}` has {has} \
                 (remove it: the search of that field does not use it)",
                self.name()
            )))
        };
        if params.ef.is_some() && !matches!(index, Some(IndexParams::Hnsw { .. })) {
            return refuse("ef", "HNSW");
        }
        // FLAT takes the `nprobe` SDKs send with it (milvus-sdk-go's NewIndexBinFlatSearchParam
        // always does), as Milvus does: an exact search probes everything.
        if params.nprobe.is_some() && !matches!(index, Some(IndexParams::IvfFlat { .. } | IndexParams::Flat))
        {
            return refuse("nprobe", "IVF_FLAT");
        }
        if params.drop_ratio_search.is_some() && !index.is_some_and(|p| p.is_sparse()) {
            return refuse("drop_ratio_search", "SPARSE_INVERTED_INDEX and SPARSE_WAND");
        }
        Ok(())
    }
}

/// Checks limits and queries; returns the norm of each query.
fn validate(req: &SearchRequest<'_>, dim: usize, field: &str) -> Result<Vec<f32>> {
    check_limits(req)?;
    if req.queries.is_empty() || !req.queries.len().is_multiple_of(dim) {
        return Err(Error::DimensionMismatch(format!(
            "field `{field}` has dim {dim}; {} query floats is not a whole, non-zero number of vectors",
            req.queries.len()
        )));
    }
    let nq = req.queries.len() / dim;
    check_nq(nq)?;
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

/// Checks `topk` and `offset + topk` against [`MAX_TOPK`].
pub(super) fn check_limits(req: &SearchRequest<'_>) -> Result<()> {
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
    Ok(())
}

/// Checks the number of queries against [`MAX_NQ`].
pub(super) fn check_nq(nq: usize) -> Result<()> {
    if nq == 0 || nq > MAX_NQ {
        return Err(Error::InvalidArgument(format!(
            "nq (number of search vectors per request) should be in range [1, {MAX_NQ}], but got {nq}"
        )));
    }
    Ok(())
}
