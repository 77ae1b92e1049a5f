//! Reads: get by primary key, count, and ordered iteration of live rows.

use super::{Collection, State};
use crate::bitset::Bitset;
use crate::column::{Column, ColumnData, PrimaryKeys};
use crate::error::{Error, ObjectKind, Result};
use crate::expr::Filter;
use crate::json;
use crate::result::QueryResult;
use crate::schema::FieldType;
use crate::segment::Segment;

/// The fields a read returns, from its `output_fields`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFields {
    /// Schema positions, primary key first.
    pub fields: Vec<usize>,
    /// Dynamic keys `$meta` is reduced to; empty = the whole `$meta`.
    pub dynamic_keys: Vec<String>,
}

/// Largest `offset + limit` of a query, as in Milvus.
pub const MAX_QUERY_WINDOW: usize = 16_384;

impl Collection {
    /// The fields to return for `output_fields`: the primary key first, then the named fields
    /// in order (`"*"` = every field, `$meta` included), each once. With dynamic fields, a name
    /// that is not a schema field is a dynamic key: `$meta` is returned reduced to the keys asked
    /// for, unless `$meta` itself or `"*"` is asked for too.
    ///
    /// # Errors
    /// [`Error::NotFound`] naming an unknown field (dynamic fields off).
    pub fn output_field_indexes(&self, output_fields: &[&str]) -> Result<OutputFields> {
        let dynamic = self.schema.dynamic_field_index();
        let mut out = OutputFields { fields: vec![self.schema.pk_index()], dynamic_keys: Vec::new() };
        let mut whole_meta = false;
        for name in output_fields {
            let wanted: Vec<usize> = if *name == "*" {
                whole_meta = true;
                (0..self.schema.fields.len()).collect()
            } else if let Some(f) = self.schema.field_index(name) {
                whole_meta |= Some(f) == dynamic;
                vec![f]
            } else if let Some(meta) = dynamic {
                if !out.dynamic_keys.iter().any(|k| k == name) {
                    out.dynamic_keys.push((*name).to_owned());
                }
                vec![meta]
            } else {
                return Err(Error::not_found_in(ObjectKind::Field, name, self.name()));
            };
            for f in wanted {
                if !out.fields.contains(&f) {
                    out.fields.push(f);
                }
            }
        }
        if whole_meta {
            out.dynamic_keys.clear();
        }
        Ok(out)
    }

    /// The live rows with the given primary keys, in request order (each key once; missing keys
    /// are skipped), restricted to `partitions` (empty = all).
    ///
    /// # Errors
    /// Unknown partition or field; [`Error::Corrupted`] for a damaged segment.
    pub fn get(
        &self,
        partitions: &[&str],
        keys: &PrimaryKeys,
        output_fields: &[&str],
    ) -> Result<QueryResult> {
        let fields = self.output_field_indexes(output_fields)?;
        let state = self.read_state();
        let scope = self.read_scope(&state, partitions, None)?;
        state.pk.prepare()?;
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<(u64, usize)> = (0..keys.len())
            .filter_map(|i| state.pk.get(keys, i, &state.segments).map(|loc| (i, loc)))
            .filter(|(_, loc)| scope.contains(&state.segments[&loc.segment].partition))
            .filter(|(_, loc)| seen.insert((loc.segment, loc.row)))
            .map(|(_, loc)| (loc.segment, loc.row as usize))
            .collect();
        self.gather(&state, &fields, &rows)
    }

    /// Number of live rows in `partitions` (empty = all): partition statistics, so the
    /// partitions of a partition-key collection may be named (as in Milvus's
    /// `GetPartitionStatistics`).
    ///
    /// # Errors
    /// Unknown partition.
    pub fn count(&self, partitions: &[&str]) -> Result<u64> {
        let state = self.read_state();
        let scope = state.partition_ids(partitions, self.name())?;
        Ok(state
            .segments
            .values()
            .filter(|s| scope.contains(&s.partition))
            .map(|s| s.live_rows() as u64)
            .sum())
    }

    /// Number of live rows in `partitions` (empty = all) matching filter expression `expr`
    /// (empty = every row): `count(*)`.
    ///
    /// # Errors
    /// Unknown partition; a filter syntax, name or type error.
    pub fn count_where(&self, partitions: &[&str], expr: &str) -> Result<u64> {
        let filter = Filter::parse(expr, &self.schema)?;
        if filter.is_empty() {
            return self.count(partitions);
        }
        let state = self.read_state();
        let scope = self.read_scope(&state, partitions, Some(&filter))?;
        let mut total = 0;
        for segment in state.segments.values().filter(|s| scope.contains(&s.partition)) {
            let mut hits = filter.evaluate(segment)?;
            hits.and_not_with(&segment.deleted);
            total += hits.count_ones() as u64;
        }
        Ok(total)
    }

    /// Live rows of `partitions` (empty = all) matching filter expression `expr`, in storage
    /// order, after skipping `offset` and keeping at most `limit`.
    ///
    /// # Errors
    /// As [`Collection::scan`], plus filter syntax, name and type errors.
    pub fn query(
        &self,
        partitions: &[&str],
        expr: &str,
        output_fields: &[&str],
        limit: Option<usize>,
        offset: usize,
    ) -> Result<QueryResult> {
        let filter = Filter::parse(expr, &self.schema)?;
        if let Some(keys) = filter.primary_keys(&self.schema) {
            let all = self.get(partitions, &keys, output_fields)?;
            return Ok(page(all, limit, offset));
        }
        let pruned = super::partition_key::prune(&self.schema, &self.read_state(), &filter);
        let select = |segment: &Segment| {
            if pruned.as_ref().is_some_and(|ids| !ids.contains(&segment.partition)) {
                Ok(Some(crate::bitset::Bitset::new(segment.rows())))
            } else if filter.is_empty() {
                Ok(None)
            } else {
                filter.evaluate(segment).map(Some)
            }
        };
        self.scan(partitions, output_fields, limit, offset, &select)
    }

    /// Live rows of `partitions` (empty = all) selected by `select` (given each segment, returns
    /// the rows it selects among the segment's rows), in storage order, after skipping `offset`
    /// and keeping at most `limit`.
    ///
    /// # Errors
    /// Unknown partition or field; `offset + limit` over [`MAX_QUERY_WINDOW`]; errors of `select`.
    pub fn scan(
        &self,
        partitions: &[&str],
        output_fields: &[&str],
        limit: Option<usize>,
        offset: usize,
        select: &dyn Fn(&Segment) -> Result<Option<Bitset>>,
    ) -> Result<QueryResult> {
        if let Some(limit) = limit
            && (limit == 0 || offset + limit > MAX_QUERY_WINDOW)
        {
            return Err(Error::InvalidArgument(format!(
                "query window offset + limit = {} must be in 1..={MAX_QUERY_WINDOW}",
                offset + limit
            )));
        }
        let fields = self.output_field_indexes(output_fields)?;
        let state = self.read_state();
        let scope = self.read_scope(&state, partitions, None)?;
        let mut rows = Vec::new();
        let mut skipped = 0;
        let wanted = limit.unwrap_or(usize::MAX);
        'segments: for segment in state.segments.values().filter(|s| scope.contains(&s.partition)) {
            let mut selected = segment.live_bitset();
            if let Some(filter) = select(segment)? {
                selected.and_with(&filter);
            }
            for row in selected.iter_ones() {
                if skipped < offset {
                    skipped += 1;
                    continue;
                }
                if rows.len() == wanted {
                    break 'segments;
                }
                rows.push((segment.id, row));
            }
        }
        self.gather(&state, &fields, &rows)
    }

    /// Primary keys of the live rows of `partitions` (`None` = all) matching `filter`.
    pub(crate) fn matching_keys(
        &self,
        state: &State,
        scope: Option<u64>,
        filter: &Filter,
    ) -> Result<PrimaryKeys> {
        let pk = self.schema.pk_index();
        let mut keys = ColumnData::empty(self.schema.pk_field().field_type);
        for segment in state.segments.values().filter(|s| scope.is_none_or(|p| s.partition == p)) {
            let mut hits = filter.evaluate(segment)?;
            hits.and_not_with(&segment.deleted);
            keys.extend_from_rows(segment.column(pk)?, hits.iter_ones());
        }
        PrimaryKeys::from_column(keys.as_ref())
    }

    /// Copies the given fields of the given `(segment, row)` pairs into result columns.
    pub(crate) fn gather(
        &self,
        state: &State,
        output: &OutputFields,
        rows: &[(u64, usize)],
    ) -> Result<QueryResult> {
        let mut columns = Vec::with_capacity(output.fields.len());
        for &f in &output.fields {
            let field = &self.schema.fields[f];
            let mut data = ColumnData::empty(field.field_type);
            let mut validity = field.nullable.then(|| Vec::with_capacity(rows.len()));
            for run in rows.chunk_by(|a, b| a.0 == b.0) {
                let segment = &state.segments[&run[0].0];
                data.extend_from_rows(segment.column(f)?, run.iter().map(|&(_, r)| r));
                if let Some(valid) = &mut validity {
                    match segment.validity(f)? {
                        Some(v) => valid.extend(run.iter().map(|&(_, r)| v[r] != 0)),
                        None => valid.extend(run.iter().map(|_| true)),
                    }
                }
            }
            if field.is_dynamic && !output.dynamic_keys.is_empty() {
                let view = data.as_ref();
                let texts: Vec<String> = (0..view.len())
                    .map(|r| json::select_keys(view.bytes_at(r), &output.dynamic_keys))
                    .collect();
                data = ColumnData::varchar(texts);
            }
            let mut column = Column::new(field.name.clone(), data);
            if field.field_type == FieldType::Json {
                column = column.into_json();
            }
            columns.push(match validity {
                Some(v) => column.with_validity(v),
                None => column,
            });
        }
        Ok(QueryResult { columns })
    }
}

/// Applies `offset` and `limit` to an already materialized result.
fn page(result: QueryResult, limit: Option<usize>, offset: usize) -> QueryResult {
    let n = result.len();
    let start = offset.min(n);
    let end = limit.map_or(n, |l| (start + l).min(n));
    if start == 0 && end == n {
        return result;
    }
    let rows: Vec<usize> = (start..end).collect();
    let columns = result
        .columns
        .into_iter()
        .map(|c| {
            let mut data = ColumnData::empty_like(c.data());
            data.extend_from_rows(c.data().as_ref(), rows.iter().copied());
            let out = Column::new(c.name(), data);
            let out = if c.is_json() { out.into_json() } else { out };
            match c.validity() {
                Some(v) => out.with_validity(rows.iter().map(|&r| v[r]).collect()),
                None => out,
            }
        })
        .collect();
    QueryResult { columns }
}
