//! Hybrid search: several ANN searches over one snapshot of the collection, their hits fused by
//! a [`Ranker`] into one ranking per query.

use std::collections::HashMap;

use super::Collection;
use crate::column::{PrimaryKey, PrimaryKeys};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::params::{HybridRequest, SearchRequest, round_score};
use crate::result::SearchHits;

/// A fused hit: its score and where its row is.
struct Fused {
    score: f32,
    segment: u64,
    row: usize,
}

impl Collection {
    /// Runs every request of `req` on the same snapshot of the collection (each restricted to
    /// `req.partitions`), fuses their hits per query with `req.ranker`, and returns the best
    /// `topk` after `offset` (larger fused score first, ties by smaller key) with the requested
    /// output fields. A row found by several requests is one hit.
    ///
    /// # Errors
    /// Those of [`HybridRequest::check`]; requests with different numbers of queries
    /// ([`Error::InvalidArgument`]); every error of [`Collection::search`] for each request.
    pub fn hybrid_search(&self, ctx: &Context, req: &HybridRequest<'_>) -> Result<Vec<SearchHits>> {
        req.check()?;
        let output: Vec<&str> = req.output_fields.iter().map(String::as_str).collect();
        let fields = self.output_field_indexes(&output)?;
        let state = self.read_state();
        let mut per_request = Vec::with_capacity(req.requests.len());
        for sub in &req.requests {
            let scoped = SearchRequest { partitions: req.partitions.clone(), ..sub.clone() };
            per_request.push(self.select(ctx, &state, &scoped)?);
        }
        let nq = per_request[0].len();
        if let Some(i) = per_request.iter().position(|r| r.len() != nq) {
            return Err(Error::InvalidArgument(format!(
                "search request {i} of the hybrid search has {} queries, request 0 has {nq}: every request needs the same number",
                per_request[i].len()
            )));
        }
        (0..nq)
            .map(|q| {
                let mut fused: HashMap<PrimaryKey, Fused> = HashMap::new();
                for (i, (sub, hits)) in req.requests.iter().zip(&per_request).enumerate() {
                    for (rank, hit) in hits[q].iter().enumerate() {
                        let add = req.ranker.contribution(i, rank, sub.metric, sub.score(hit.cost));
                        fused.entry(hit.key.clone()).and_modify(|f| f.score += add).or_insert(Fused {
                            score: add,
                            segment: hit.segment,
                            row: hit.row,
                        });
                    }
                }
                let mut ranked: Vec<(PrimaryKey, Fused)> = fused.into_iter().collect();
                ranked.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then_with(|| a.0.cmp(&b.0)));
                let ranked: Vec<_> = ranked.into_iter().skip(req.offset).take(req.topk).collect();
                let rows: Vec<(u64, usize)> = ranked.iter().map(|(_, f)| (f.segment, f.row)).collect();
                let scores = ranked.iter().map(|(_, f)| round_score(f.score, req.round_decimal)).collect();
                let fields = self.gather(&state, &fields, &rows)?;
                let ids = PrimaryKeys::from_column(fields.columns[0].data().as_ref())?;
                Ok(SearchHits { ids, scores, fields })
            })
            .collect()
    }
}
