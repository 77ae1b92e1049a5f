//! Reads: get by primary key, count, and ordered iteration of live rows.

use super::{Collection, State};
use crate::bitset::Bitset;
use crate::column::{Column, ColumnData, PrimaryKeys};
use crate::error::{Error, ObjectKind, Result};
use crate::result::QueryResult;
use crate::segment::Segment;

/// Largest `offset + limit` of a query, as in Milvus.
pub const MAX_QUERY_WINDOW: usize = 16_384;

impl Collection {
    /// Field indexes to return for `output_fields`: the primary key first, then the named fields
    /// in order (`"*"` = every field), each once.
    ///
    /// # Errors
    /// [`Error::NotFound`] naming an unknown field.
    pub fn output_field_indexes(&self, output_fields: &[&str]) -> Result<Vec<usize>> {
        let mut out = vec![self.schema.pk_index()];
        for name in output_fields {
            let wanted: Vec<usize> = if *name == "*" {
                (0..self.schema.fields.len()).collect()
            } else {
                vec![
                    self.schema
                        .field_index(name)
                        .ok_or_else(|| Error::not_found_in(ObjectKind::Field, name, self.name()))?,
                ]
            };
            for f in wanted {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
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
        let scope = state.partition_ids(partitions, self.name())?;
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<(u64, usize)> = (0..keys.len())
            .filter_map(|i| state.pk.get(keys, i).map(|loc| (i, loc)))
            .filter(|(_, loc)| scope.contains(&state.segments[&loc.segment].partition))
            .filter(|(_, loc)| seen.insert((loc.segment, loc.row)))
            .map(|(_, loc)| (loc.segment, loc.row as usize))
            .collect();
        self.gather(&state, &fields, &rows)
    }

    /// Number of live rows in `partitions` (empty = all).
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
        let scope = state.partition_ids(partitions, self.name())?;
        let mut rows = Vec::new();
        let mut skipped = 0;
        let wanted = limit.unwrap_or(usize::MAX);
        'segments: for segment in state
            .segments
            .values()
            .filter(|s| scope.contains(&s.partition))
        {
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

    /// Copies the given fields of the given `(segment, row)` pairs into result columns.
    pub(crate) fn gather(
        &self,
        state: &State,
        fields: &[usize],
        rows: &[(u64, usize)],
    ) -> Result<QueryResult> {
        let mut columns = Vec::with_capacity(fields.len());
        for &f in fields {
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
            let column = Column::new(field.name.clone(), data);
            columns.push(match validity {
                Some(v) => column.with_validity(v),
                None => column,
            });
        }
        Ok(QueryResult { columns })
    }
}
