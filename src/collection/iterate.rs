//! Key-ordered pages of a query: the core of query iterators.
//!
//! A page holds the live rows matching a filter whose primary key is greater than a cursor,
//! smallest keys first, at most `batch` of them. Each page is read from one consistent state;
//! paging with the last key of each page as the next cursor returns no key twice and every row
//! that stays alive (same key, not deleted) for the whole iteration, whatever writes run
//! between pages. Memory is bounded by the batch: a page keeps only its `batch` smallest keys
//! while it scans.

use std::collections::BinaryHeap;

use super::Collection;
use crate::column::{ColumnRef, PrimaryKey};
use crate::error::{Error, Result};
use crate::expr::Filter;
use crate::result::QueryResult;

use super::read::MAX_QUERY_WINDOW;

/// A candidate row of a page: its key and where it is.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    key: PrimaryKey,
    segment: u64,
    row: usize,
}

impl Collection {
    /// The live rows of `partitions` (empty = all) matching filter `expr` (empty = all) whose
    /// primary key is greater than `after` (`None` = from the first key), in ascending key
    /// order (integers numerically, strings by their UTF-8 bytes), at most `batch` of them.
    /// `output_fields` as for [`Collection::get`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a batch outside `1..=16384` or a cursor of the wrong key
    /// type; unknown partition or field; filter errors.
    pub fn query_page(
        &self,
        partitions: &[&str],
        expr: &str,
        output_fields: &[&str],
        after: Option<&PrimaryKey>,
        batch: usize,
    ) -> Result<QueryResult> {
        if !(1..=MAX_QUERY_WINDOW).contains(&batch) {
            return Err(Error::InvalidArgument(format!(
                "iterator batch size {batch} must be in 1..={MAX_QUERY_WINDOW}"
            )));
        }
        self.check_cursor(after)?;
        let filter = Filter::parse(expr, &self.schema)?;
        let fields = self.output_field_indexes(output_fields)?;
        let pk = self.schema.pk_index();
        let state = self.read_state();
        let scope = self.read_scope(&state, partitions, Some(&filter))?;
        // Max-heap of the `batch` smallest keys seen so far.
        let mut best: BinaryHeap<Candidate> = BinaryHeap::with_capacity(batch + 1);
        for segment in state.segments.values().filter(|s| scope.contains(&s.partition)) {
            let mut selected = segment.live_bitset();
            if !filter.is_empty() {
                selected.and_with(&filter.evaluate(segment)?);
            }
            let keys = segment.column(pk)?;
            for row in selected.iter_ones() {
                let Some(key) = key_after(keys, row, after, best.peek().map(|c| &c.key), best.len() == batch)
                else {
                    continue;
                };
                best.push(Candidate { key, segment: segment.id, row });
                if best.len() > batch {
                    best.pop();
                }
            }
        }
        let rows: Vec<(u64, usize)> =
            best.into_sorted_vec().into_iter().map(|c| (c.segment, c.row)).collect();
        self.gather(&state, &fields, &rows)
    }

    /// Refuses a cursor whose type is not the primary key's.
    fn check_cursor(&self, after: Option<&PrimaryKey>) -> Result<()> {
        let int = self.schema.pk_field().field_type == crate::schema::FieldType::Int64;
        match after {
            Some(PrimaryKey::Int(_)) if !int => Err(Error::InvalidArgument(format!(
                "iterator cursor is an integer but primary key `{}` is VarChar",
                self.schema.pk_field().name
            ))),
            Some(PrimaryKey::Str(_)) if int => Err(Error::InvalidArgument(format!(
                "iterator cursor is a string but primary key `{}` is Int64",
                self.schema.pk_field().name
            ))),
            _ => Ok(()),
        }
    }
}

/// Key of `row` when it is past the cursor `after` and, with a full page (`full`), below the
/// page's largest key `worst`; `None` otherwise. Compares before copying a string key.
fn key_after(
    keys: ColumnRef<'_>,
    row: usize,
    after: Option<&PrimaryKey>,
    worst: Option<&PrimaryKey>,
    full: bool,
) -> Option<PrimaryKey> {
    match keys {
        ColumnRef::Int64(k) => {
            let key = k[row];
            let past = after.is_none_or(|a| matches!(a, PrimaryKey::Int(a) if key > *a));
            let wanted = !full || worst.is_none_or(|w| matches!(w, PrimaryKey::Int(w) if key < *w));
            (past && wanted).then_some(PrimaryKey::Int(key))
        }
        c @ ColumnRef::VarChar { .. } => {
            let key = c.str_at(row);
            let past = after.is_none_or(|a| matches!(a, PrimaryKey::Str(a) if key > a.as_str()));
            let wanted = !full || worst.is_none_or(|w| matches!(w, PrimaryKey::Str(w) if key < w.as_str()));
            (past && wanted).then(|| PrimaryKey::Str(key.to_owned()))
        }
        _ => None,
    }
}
