//! Search of sparse float vector fields: inner product only; sealed segments through the
//! field's sparse index when one is built, everything else by exact scans planned per segment
//! range (see [`crate::search::scan_sparse`]).

use super::search::{check_limits, check_nq};
use super::{Collection, State};
use crate::column::{ColumnData, ColumnRef, sparse};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::expr::Filter;
use crate::params::{IndexParams, Metric, SearchRequest, SparseRows};
use crate::search::scan_sparse::{self, SparseQueries, SparseTask};
use crate::search::topk::Hit;
use crate::segment::Segment;

/// Rows per parallel work item.
const RANGE_ROWS: usize = 1 << 14;

/// Milvus's name of the type, for messages.
const TYPE_NAME: &str = "SPARSE_FLOAT_VECTOR";

impl Collection {
    /// [`Collection::select`] for sparse vector field `field`: the queries are `req.sparse`,
    /// checked and sorted here.
    ///
    /// # Errors
    /// As [`Collection::search`]; a metric other than IP or queries of another type
    /// ([`Error::InvalidArgument`]); no queries ([`Error::InvalidArgument`]); a query entry
    /// that breaks a rule of sparse rows ([`Error::InvalidValue`], naming the query).
    pub(super) fn select_sparse(
        &self,
        ctx: &Context,
        state: &State,
        req: &SearchRequest<'_>,
        field: usize,
    ) -> Result<Vec<Vec<Hit>>> {
        let name = &self.schema.fields[field].name;
        check_metric(name, req.metric)?;
        check_limits(req)?;
        let sorted = check_queries(req, name)?;
        let rows = match &sorted {
            Some(ColumnData::SparseVector { offsets, indices, values }) => {
                SparseRows { offsets, indices, values }
            }
            _ => req.sparse.unwrap_or_default(),
        };
        let range = req.cost_range()?;
        req.check_round_decimal()?;
        let filter = Filter::parse(&req.filter, &self.schema)?;
        let group_by = self.group_by_field(req)?;
        let queries = SparseQueries {
            rows,
            k: req.offset + req.topk,
            range,
            group_size: group_by.map(|_| req.group_size),
            params: req.params,
        };
        ctx.check()?;
        let (segments, allowed) = self.searched_rows(state, req, field, &filter)?;
        let mut tasks = Vec::new();
        for (s, allowed) in segments.iter().zip(&allowed) {
            self.plan_sparse_segment(s, field, allowed.as_ref(), group_by, &mut tasks)?;
        }
        let tops = scan_sparse::run(ctx, &queries, &tasks, self.options.worker_threads)?;
        // `offset` skips hits, or whole groups in a group-by search.
        Ok(tops
            .into_iter()
            .map(|top| top.into_groups().into_iter().skip(req.offset).flatten().collect())
            .collect())
    }

    /// Plans the search of sparse field `field` in segment `s` (rows `allowed`, `None` = all):
    /// one task searching the segment's sparse index when it has one built (the filter is applied
    /// exactly inside the index walk, so any selectivity goes through it), else ranges of
    /// [`RANGE_ROWS`] scanned exactly.
    fn plan_sparse_segment<'s>(
        &self,
        s: &'s Segment,
        field: usize,
        allowed: Option<&'s crate::bitset::Bitset>,
        group_by: Option<usize>,
        tasks: &mut Vec<SparseTask<'s>>,
    ) -> Result<()> {
        let ColumnRef::SparseVector(rows) = s.column(field)? else { return Ok(()) };
        if allowed.is_some_and(|a| a.count_ones() == 0) {
            return Ok(());
        }
        let keys = s.column(self.schema.pk_index())?;
        let group = match group_by {
            Some(g) => Some((s.column(g)?, s.validity(g)?)),
            None => None,
        };
        let task =
            |start, end, index| SparseTask { segment: s.id, rows, keys, allowed, start, end, group, index };
        if let Some(index) = s.indexes.get(&field).filter(|i| i.params().is_sparse()) {
            tasks.push(task(0, s.rows(), Some(index.as_ref())));
            return Ok(());
        }
        for start in (0..s.rows()).step_by(RANGE_ROWS) {
            tasks.push(task(start, (start + RANGE_ROWS).min(s.rows()), None));
        }
        Ok(())
    }
}

/// Checks an index request on sparse field `field`: the metric must be IP and the type
/// SPARSE_INVERTED_INDEX or SPARSE_WAND, as in Milvus.
///
/// # Errors
/// [`Error::InvalidArgument`] for another metric; [`Error::Unsupported`] for another index type,
/// naming it, the field and the types it takes.
pub(super) fn check_sparse_index(field: &str, metric: Metric, params: &IndexParams) -> Result<()> {
    check_metric(field, metric)?;
    if params.is_sparse() {
        return Ok(());
    }
    Err(Error::Unsupported(format!(
        "index type {} on field `{field}` of type {TYPE_NAME}: the type takes SPARSE_INVERTED_INDEX \
         and SPARSE_WAND (AUTOINDEX builds SPARSE_INVERTED_INDEX)",
        params.type_name()
    )))
}

/// Checks that `metric` applies to a sparse field called `field`: IP only, as in Milvus.
fn check_metric(field: &str, metric: Metric) -> Result<()> {
    if metric == Metric::Ip {
        return Ok(());
    }
    Err(Error::InvalidArgument(format!(
        "metric {} does not apply to field `{field}` of type {TYPE_NAME}: use IP",
        metric.name()
    )))
}

/// Checks the sparse queries of `req` for field `field`; returns them sorted when a query's
/// entries were not in index order (`None`: use them as given).
fn check_queries(req: &SearchRequest<'_>, field: &str) -> Result<Option<ColumnData>> {
    let Some(rows) = req.sparse else {
        let given = match req.packed {
            Some((kind, _)) => kind.milvus_name(),
            None => "FLOAT_VECTOR",
        };
        return Err(Error::InvalidArgument(format!(
            "field `{field}` is a {TYPE_NAME} field: search it with sparse query vectors, not {given}"
        )));
    };
    if rows.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "field `{field}`: a search needs at least one sparse query vector"
        )));
    }
    check_nq(rows.len())?;
    rows.check_rows(true).map_err(|(q, rule)| Error::InvalidValue(format!("query {q}: {rule}")))?;
    Ok((!rows.is_sorted()).then(|| sparse::sorted(rows)))
}
