//! Search of packed vector fields (binary, float16, bfloat16, int8): sealed segments through the
//! field's index when one is built, everything else by exact scans through the type's kernels,
//! planned per segment range like the f32 search.

use super::search::{check_limits, check_nq};
use super::search_sparse::check_sparse_index;
use super::{Collection, State};
use crate::column::{ColumnRef, VectorKind};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::expr::Filter;
use crate::params::{IndexParams, SearchRequest};
use crate::search::scan_packed::{self, PackedQueries, PackedTask};
use crate::search::topk::Hit;

/// Rows per parallel work item.
const RANGE_ROWS: usize = 1 << 16;
/// An index is used only when at least one row in this many is allowed.
const INDEX_MIN_SELECTIVITY: usize = 10;

impl Collection {
    /// [`Collection::select`] for packed vector field `field` of `kind`: the queries are
    /// `req.packed`, checked here.
    ///
    /// # Errors
    /// As [`Collection::search`]; a metric the kind does not take or f32 queries
    /// ([`Error::InvalidArgument`]); query bytes not a whole, non-zero number of vectors
    /// ([`Error::DimensionMismatch`]); a float16 or bfloat16 query with NaN, infinity or a norm
    /// beyond [`MAX_VECTOR_NORM`](crate::schema::MAX_VECTOR_NORM) ([`Error::InvalidValue`]).
    pub(super) fn select_packed(
        &self,
        ctx: &Context,
        state: &State,
        req: &SearchRequest<'_>,
        field: usize,
        kind: VectorKind,
    ) -> Result<Vec<Vec<Hit>>> {
        let name = &self.schema.fields[field].name;
        let dim = self.schema.fields[field].dim().unwrap_or(0);
        kind.check_metric(name, req.metric)?;
        check_limits(req)?;
        let bytes = check_queries(req, kind, dim, name)?;
        let range = req.cost_range()?;
        req.check_round_decimal()?;
        let filter = Filter::parse(&req.filter, &self.schema)?;
        let group_by = self.group_by_field(req)?;
        let queries = PackedQueries::new(
            kind,
            req.metric,
            dim,
            bytes,
            req.offset + req.topk,
            range,
            group_by.map(|_| req.group_size),
        );
        ctx.check()?;
        let (segments, allowed) = self.searched_rows(state, req, field, &filter)?;
        let mut tasks = Vec::new();
        for (s, allowed) in segments.iter().zip(&allowed) {
            let ColumnRef::PackedVector { data, .. } = s.column(field)? else { continue };
            if allowed.as_ref().is_some_and(|a| a.count_ones() == 0) {
                continue;
            }
            let keys = s.column(self.schema.pk_index())?;
            let group = match group_by {
                Some(g) => Some((s.column(g)?, s.validity(g)?)),
                None => None,
            };
            let norms = s.norms(field)?;
            let task = |start: usize, end: usize, index| PackedTask {
                segment: s.id,
                vectors: data,
                norms,
                keys,
                allowed: allowed.as_ref(),
                start,
                end,
                group,
                index,
                params: req.params,
            };
            // As for f32 vectors, a very selective filter makes graph and list traversal
            // wasteful and lossy: such segments are scanned exactly instead.
            let allowed_rows = allowed.as_ref().map_or(s.rows(), |a| a.count_ones());
            if let Some(index) =
                s.indexes.get(&field).filter(|_| allowed_rows * INDEX_MIN_SELECTIVITY >= s.rows())
            {
                tasks.push(task(0, s.rows(), Some(index.as_ref())));
                continue;
            }
            for start in (0..s.rows()).step_by(RANGE_ROWS) {
                tasks.push(task(start, (start + RANGE_ROWS).min(s.rows()), None));
            }
        }
        let tops = scan_packed::run(ctx, &queries, &tasks, self.options.worker_threads)?;
        // `offset` skips hits, or whole groups in a group-by search.
        Ok(tops
            .into_iter()
            .map(|top| top.into_groups().into_iter().skip(req.offset).flatten().collect())
            .collect())
    }
}

/// The stored-form queries of `req` for a field of `kind` and `dim` called `field`, checked.
fn check_queries<'q>(req: &SearchRequest<'q>, kind: VectorKind, dim: usize, field: &str) -> Result<&'q [u8]> {
    let bytes = match req.packed {
        Some((given, bytes)) if given == kind => bytes,
        given => {
            return Err(Error::InvalidArgument(format!(
                "field `{field}` is a {} field: search it with {} query vectors, not {}",
                kind.milvus_name(),
                kind.milvus_name(),
                given.map_or("FLOAT_VECTOR", |(k, _)| k.milvus_name())
            )));
        }
    };
    let row_bytes = kind.row_bytes(dim);
    if bytes.is_empty() || !bytes.len().is_multiple_of(row_bytes) {
        return Err(Error::DimensionMismatch(format!(
            "field `{field}` is {} of dim {dim} ({row_bytes} bytes a vector); {} query bytes is not a whole, \
             non-zero number of vectors",
            kind.milvus_name(),
            bytes.len()
        )));
    }
    check_nq(bytes.len() / row_bytes)?;
    for (q, row) in bytes.chunks_exact(row_bytes).enumerate() {
        kind.check_row(row).map_err(|rule| Error::InvalidValue(format!("query {q}: {rule}")))?;
    }
    Ok(bytes)
}

impl Collection {
    /// Checks that an index of `params` with `metric` applies to field `field`: binary metrics
    /// for binary vectors and L2, IP or COSINE for the others; the index types each packed kind
    /// takes in Milvus ([`packed_index_types`]); the sparse index types (with IP) on sparse
    /// fields only ([`check_sparse_index`]).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a metric the field's type does not take, or a sparse
    /// index type on a field that is not sparse; [`Error::Unsupported`] for an index type the
    /// field's type does not take.
    pub(super) fn check_index_type(
        &self,
        field: usize,
        metric: crate::params::Metric,
        params: &crate::params::IndexParams,
    ) -> Result<()> {
        let field = &self.schema.fields[field];
        if field.field_type == crate::schema::FieldType::SparseFloatVector {
            return check_sparse_index(&field.name, metric, params);
        }
        if params.is_sparse() {
            return Err(Error::InvalidArgument(format!(
                "index type {} indexes SPARSE_FLOAT_VECTOR fields only: field `{}` is {}",
                params.type_name(),
                field.name,
                field.field_type.describe()
            )));
        }
        let Some((kind, _)) = field.field_type.vector_kind() else {
            if metric.is_binary() {
                return Err(Error::InvalidArgument(format!(
                    "metric {} does not apply to field `{}` of type FLOAT_VECTOR: use L2, IP, COSINE",
                    metric.name(),
                    field.name
                )));
            }
            return Ok(());
        };
        kind.check_metric(&field.name, metric)?;
        let takes = matches!(
            (kind, params),
            (_, IndexParams::Flat)
                | (_, IndexParams::Hnsw { .. })
                | (
                    VectorKind::Binary | VectorKind::Float16 | VectorKind::BFloat16,
                    IndexParams::IvfFlat { .. }
                )
        );
        if !takes {
            return Err(Error::Unsupported(format!(
                "index type {} on field `{}` of type {}: the type takes {}",
                params.type_name(),
                field.name,
                kind.milvus_name(),
                packed_index_types(kind)
            )));
        }
        Ok(())
    }
}

/// The index types a packed kind takes, as Milvus names them.
fn packed_index_types(kind: VectorKind) -> &'static str {
    match kind {
        VectorKind::Binary => "BIN_FLAT, BIN_IVF_FLAT, HNSW (AUTOINDEX builds BIN_IVF_FLAT)",
        VectorKind::Float16 | VectorKind::BFloat16 => "FLAT, HNSW, IVF_FLAT (AUTOINDEX builds HNSW)",
        VectorKind::Int8 => "FLAT, HNSW (AUTOINDEX builds HNSW)",
    }
}
