//! What a search asks for: the queries, `topk`, metric, scope, filter, output fields, paging and
//! the index's search-time parameters.

use crate::params::Metric;

/// Largest `topk`, `nq` and `offset + topk`, as in Milvus.
pub const MAX_TOPK: usize = 16_384;
/// Largest number of query vectors per call.
pub const MAX_NQ: usize = 16_384;

/// Per-search tuning: HNSW `ef` (default: `max(64, k)`; a given `ef` is raised to `k`) and IVF `nprobe`
/// (default 8, clamped to nlist).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchParams {
    pub ef: Option<usize>,
    pub nprobe: Option<usize>,
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
