//! What a hybrid search asks for: several ANN requests whose results are fused by a ranker.

use crate::error::{Error, Result};
use crate::params::{MAX_TOPK, Metric, SearchRequest, check_round_decimal};

/// Most ANN requests one hybrid search may hold, as in Milvus.
pub const MAX_HYBRID_REQUESTS: usize = 1024;
/// Milvus's default `k` of reciprocal-rank fusion.
pub const DEFAULT_RRF_K: f32 = 60.0;

/// How the results of a hybrid search's requests are fused into one ranking (larger is better).
#[derive(Debug, Clone, PartialEq)]
pub enum Ranker {
    /// Reciprocal-rank fusion: a hit scores `Σ 1 / (k + rank)` over the requests that returned
    /// it, `rank` counting from 1. `k` in (0, 16384); Milvus's default is 60.
    Rrf { k: f32 },
    /// Weighted scores: `Σ weight_i × s_i`, one weight in [0, 1] per request. With
    /// `norm_score`, `s_i` is the score normalized to [0, 1] for its metric (COSINE
    /// `(1 + s) / 2`, IP `0.5 + atan(s) / π`, L2 `1 − 2·atan(d) / π`); without it, IP and COSINE
    /// scores are used as they are and L2 distances turned so that larger is better
    /// (`1 − 2·atan(d) / π`), as Milvus does.
    Weighted { weights: Vec<f32>, norm_score: bool },
}

impl Ranker {
    /// Checks the ranker against `requests` ANN requests.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the rule.
    pub fn check(&self, requests: usize) -> Result<()> {
        match self {
            Ranker::Rrf { k } if !(*k > 0.0 && *k < 16_384.0) => {
                Err(Error::InvalidArgument(format!("RRF k {k} is invalid: it should be in range (0, 16384)")))
            }
            Ranker::Weighted { weights, .. } if weights.len() != requests => {
                Err(Error::InvalidArgument(format!(
                    "the weighted ranker has {} weights for {requests} search requests: give one weight per request",
                    weights.len()
                )))
            }
            Ranker::Weighted { weights, .. } => match weights.iter().position(|w| !(0.0..=1.0).contains(w)) {
                Some(i) => Err(Error::InvalidArgument(format!(
                    "weight {i} of the weighted ranker is {}: weights should be in range [0, 1]",
                    weights[i]
                ))),
                None => Ok(()),
            },
            Ranker::Rrf { .. } => Ok(()),
        }
    }

    /// The fused contribution of the hit at 0-based position `rank` of request `request`, whose
    /// metric is `metric` and score `score` (a distance for L2, a similarity otherwise).
    pub fn contribution(&self, request: usize, rank: usize, metric: Metric, score: f32) -> f32 {
        match self {
            Ranker::Rrf { k } => 1.0 / (k + (rank + 1) as f32),
            Ranker::Weighted { weights, norm_score } => {
                let atan = |x: f32| (x as f64).atan() as f32 / std::f32::consts::PI;
                let s = match (metric, norm_score) {
                    (Metric::L2 | Metric::Hamming | Metric::Jaccard, _) => 1.0 - 2.0 * atan(score),
                    (Metric::Cosine, true) => (1.0 + score) * 0.5,
                    (Metric::Ip, true) => 0.5 + atan(score),
                    (_, false) => score,
                };
                weights[request] * s
            }
        }
    }
}

/// A hybrid search: ANN requests (each with its vector field, queries, metric, `topk`, filter,
/// index parameters and range), fused by `ranker` into the best `topk` hits after `offset`.
/// `partitions`, `output_fields` and `round_decimal` apply to the whole search; the requests
/// must leave theirs unset, and every request has the same number of queries.
#[derive(Debug, Clone)]
pub struct HybridRequest<'q> {
    pub requests: Vec<SearchRequest<'q>>,
    pub ranker: Ranker,
    pub topk: usize,
    pub offset: usize,
    pub partitions: Vec<String>,
    pub output_fields: Vec<String>,
    pub round_decimal: Option<u32>,
}

impl<'q> HybridRequest<'q> {
    /// A hybrid search returning the best `topk` fused hits of `requests`.
    pub fn new(requests: Vec<SearchRequest<'q>>, ranker: Ranker, topk: usize) -> Self {
        HybridRequest {
            requests,
            ranker,
            topk,
            offset: 0,
            partitions: Vec::new(),
            output_fields: Vec::new(),
            round_decimal: None,
        }
    }

    /// Checks what the requests and the ranker must agree on.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the rule: no request or more than
    /// [`MAX_HYBRID_REQUESTS`]; `topk` / `offset + topk` outside 1..=16384; a request with its own
    /// partitions, output fields, offset, rounding or group-by; a `round_decimal` above 6; the
    /// ranker's rules.
    pub fn check(&self) -> Result<()> {
        let bad = |why: String| Err(Error::InvalidArgument(why));
        if self.requests.is_empty() || self.requests.len() > MAX_HYBRID_REQUESTS {
            return bad(format!(
                "a hybrid search takes 1 to {MAX_HYBRID_REQUESTS} search requests, got {}",
                self.requests.len()
            ));
        }
        if self.topk == 0 || self.offset + self.topk > MAX_TOPK {
            return bad(format!(
                "limit [{}] and offset [{}] are invalid: limit should be positive and offset + limit at most {MAX_TOPK}",
                self.topk, self.offset
            ));
        }
        for (i, r) in self.requests.iter().enumerate() {
            let own = [
                (!r.partitions.is_empty(), "partitions"),
                (!r.output_fields.is_empty(), "output fields"),
                (r.offset != 0, "an offset"),
                (r.round_decimal.is_some(), "round_decimal"),
                (r.group_by_field.is_some(), "group-by"),
            ];
            if let Some((_, what)) = own.iter().find(|(set, _)| *set) {
                return bad(format!(
                    "search request {i} of the hybrid search sets {what}: set it on the hybrid search itself"
                ));
            }
        }
        check_round_decimal(self.round_decimal)?;
        self.ranker.check(self.requests.len())
    }
}
