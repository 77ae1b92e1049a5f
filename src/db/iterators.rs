//! Query iterators: key-ordered pages of a query (see [`Collection::query_page`]).

use super::Database;
use crate::collection::Collection;
use crate::column::PrimaryKey;
use crate::error::Result;
use crate::result::QueryResult;

impl Database {
    /// One page of a query iterator: the live rows of `partitions` (empty = all) matching
    /// `expr` (empty = all) with a primary key greater than `after` (`None` = from the start),
    /// in ascending key order, at most `batch` (1..=16384) of them. Paging with the last key of
    /// each page as the next `after` returns no key twice and every row alive for the whole
    /// iteration, under concurrent writes, with memory bounded by `batch`.
    ///
    /// # Errors
    /// Unknown collection, partition or field; filter errors; a batch out of range or a cursor
    /// of the wrong key type ([`crate::Error::InvalidArgument`]).
    pub fn query_page(
        &self,
        collection: &str,
        partitions: &[&str],
        expr: &str,
        output_fields: &[&str],
        after: Option<&PrimaryKey>,
        batch: usize,
    ) -> Result<QueryResult> {
        self.with_collection(collection, |c: &Collection| {
            c.query_page(partitions, expr, output_fields, after, batch)
        })
    }
}
