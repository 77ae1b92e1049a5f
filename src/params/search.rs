//! What a search asks for: the queries, `topk`, metric, scope, filter, output fields, paging and
//! the index's search-time parameters.

use crate::error::{Error, Result};
use crate::params::sparse::parse_drop_ratio_search;
use crate::params::{DropRatio, Metric, SparseRows, VectorKind};

/// Largest `topk`, `nq` and `offset + topk`, as in Milvus.
pub const MAX_TOPK: usize = 16_384;
/// Largest number of query vectors per call.
pub const MAX_NQ: usize = 16_384;
/// Most decimal places `round_decimal` may ask for, as in Milvus.
pub const MAX_ROUND_DECIMAL: u32 = 6;

/// HNSW's search width when a search gives no `ef`: `max(DEFAULT_EF, k)`.
pub const DEFAULT_EF: usize = 64;
/// IVF_FLAT's number of lists probed when a search gives no `nprobe` (Milvus's default).
pub const DEFAULT_NPROBE: usize = 8;
/// Largest `ef` (Milvus: `[1, int_max]`).
pub const MAX_EF: usize = i32::MAX as usize;
/// Largest `nprobe` (Milvus: at most `nlist`, whose largest value is 65536).
pub const MAX_NPROBE: usize = 65_536;

/// Per-search tuning: HNSW `ef` (default `max(DEFAULT_EF, k)` = `max(64, k)`; a given `ef` is
/// raised to `k`), IVF_FLAT `nprobe` (default [`DEFAULT_NPROBE`], clamped to nlist) and the sparse
/// indexes' `drop_ratio_search` (default 0: every query value is used). A search
/// applies the one the field's index reads;
/// [`Database::check_search_params`](crate::Database::check_search_params) refuses the
/// other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchParams {
    pub ef: Option<usize>,
    pub nprobe: Option<usize>,
    pub drop_ratio_search: Option<DropRatio>,
}

impl SearchParams {
    /// Parses Milvus's search params (the map pymilvus nests under `"params"`, or the Go SDK's
    /// `SearchParam.Params()`), values as text: `ef` (1..=[`MAX_EF`]) and `nprobe`
    /// (1..=[`MAX_NPROBE`]) as decimal integers; `drop_ratio_search` as a number in `[0, 1)`;
    /// `page_retain_order` and `ignore_growing` as `true` / `false`, where only `false`
    /// (Milvus's default) is accepted here (a `true` `ignore_growing` is the request's
    /// [`SearchRequest::ignore_growing`]).
    /// The metric is not one of them: it is the search's own argument.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for range search keys (`radius`, `range_filter`) and a `true`
    /// `ignore_growing` (see [`SearchRequest::with_milvus_params`]); [`Error::Unsupported`] for
    /// a `true` `page_retain_order` and every other key (it would be ignored);
    /// [`Error::InvalidArgument`] for a key given twice, a value out of its range, or
    /// `metric_type` (the search's own argument).
    pub fn from_milvus(params: &[(&str, &str)]) -> Result<SearchParams> {
        let mut out = SearchParams::default();
        let mut seen: Vec<&str> = Vec::with_capacity(params.len());
        for &(key, value) in params {
            if seen.contains(&key) {
                return Err(Error::InvalidArgument(format!("search param `{key}` is given twice")));
            }
            seen.push(key);
            match key {
                "ef" => out.ef = Some(positive(key, value, MAX_EF)?),
                "nprobe" => out.nprobe = Some(positive(key, value, MAX_NPROBE)?),
                "drop_ratio_search" => out.drop_ratio_search = Some(parse_drop_ratio_search(value)?),
                "radius" | "range_filter" => {
                    return Err(Error::InvalidArgument(format!(
                        "search param `{key}` sets a range search: read it with SearchRequest::with_milvus_params"
                    )));
                }
                "page_retain_order" => {
                    if flag(key, value)? {
                        return Err(Error::Unsupported(format!(
                            "search param `{key}` = {value}: hits are ordered by score, then by key"
                        )));
                    }
                }
                "ignore_growing" => {
                    if flag(key, value)? {
                        return Err(Error::InvalidArgument(format!(
                            "search param `{key}` = {value} sets the search's scope: read it with SearchRequest::with_milvus_params"
                        )));
                    }
                }
                "metric_type" => {
                    return Err(Error::InvalidArgument(
                        "search param `metric_type`: give the metric as the search's metric, beside the params"
                            .into(),
                    ));
                }
                _ => {
                    return Err(Error::Unsupported(format!(
                        "search param `{key}`: veclite reads `ef` (HNSW), `nprobe` (IVF_FLAT) and \
                         `drop_ratio_search` (SPARSE_INVERTED_INDEX, SPARSE_WAND)"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// Checks a `round_decimal`: `None` (not set) or at most [`MAX_ROUND_DECIMAL`] places.
///
/// # Errors
/// [`Error::InvalidArgument`] above [`MAX_ROUND_DECIMAL`].
pub fn check_round_decimal(decimals: Option<u32>) -> Result<()> {
    match decimals {
        Some(d) if d > MAX_ROUND_DECIMAL => Err(Error::InvalidArgument(format!(
            "round_decimal {d} is invalid: it should be in range [-1, {MAX_ROUND_DECIMAL}]"
        ))),
        _ => Ok(()),
    }
}

/// `score` rounded to `decimals` places, half away from zero (`None`: unchanged).
pub fn round_score(score: f32, decimals: Option<u32>) -> f32 {
    match decimals {
        Some(d) => {
            let scale = 10f64.powi(d as i32);
            ((score as f64 * scale).round() / scale) as f32
        }
        None => score,
    }
}

/// A decimal integer in `1..=max`.
fn positive(key: &str, value: &str, max: usize) -> Result<usize> {
    match value.trim().parse::<usize>() {
        Ok(v) if (1..=max).contains(&v) => Ok(v),
        _ => Err(Error::InvalidArgument(format!(
            "search param `{key}` = `{value}`: expected a positive integer (at least 1, at most {max})"
        ))),
    }
}

/// `true` or `false` (any case).
fn flag(key: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::InvalidArgument(format!("search param `{key}` = `{value}`: expected true or false"))),
    }
}

/// A search request. Build with [`SearchRequest::new`] and the setters.
#[derive(Debug, Clone)]
pub struct SearchRequest<'q> {
    /// `nq × dim` query components, query after query (f32 vector fields).
    pub queries: &'q [f32],
    /// For binary, float16, bfloat16 and int8 vector fields: the queries' type and the queries
    /// in its stored form, query after query (`dim / 8` bytes a binary vector, 2 little-endian
    /// bytes a 16-bit float component, 1 byte an int8 component); `queries` is then empty.
    pub packed: Option<(VectorKind, &'q [u8])>,
    /// For sparse float vector fields: the queries as CSR rows (one row a query); `queries` is
    /// then empty.
    pub sparse: Option<SparseRows<'q>>,
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
    /// Range search: only hits beyond this bound from the query are returned: a distance below
    /// `radius` (L2) or a similarity above it (IP, COSINE). See [`SearchRequest::cost_range`].
    pub radius: Option<f32>,
    /// With `radius`: the other, inclusive bound of the range: a distance at least
    /// `range_filter` (L2) or a similarity at most `range_filter` (IP, COSINE).
    pub range_filter: Option<f32>,
    /// Scores rounded to this many decimal places (0..=6); `None` = as computed.
    pub round_decimal: Option<u32>,
    /// Group-by search: hits are grouped by this scalar field (Bool, Int8..Int64, VarChar) and
    /// `topk` counts groups, ranked by their best hit.
    pub group_by_field: Option<String>,
    /// Hits returned per group (default 1).
    pub group_size: usize,
    /// Whether groups must hold `group_size` hits when the data has them. veclite always fills
    /// groups that far, so both settings return the same hits.
    pub strict_group_size: bool,
    /// Milvus's `ignore_growing`: search only sealed segments, leaving out the rows still in
    /// growing segments (written since the last seal).
    pub ignore_growing: bool,
}

/// The costs a range search keeps: `lo <= cost < hi`, where a cost is the squared L2 distance or
/// the negated similarity (lower is better, as everywhere in search).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostRange {
    pub lo: f32,
    pub hi: f32,
}

impl CostRange {
    /// Whether `cost` is in the range.
    #[inline]
    pub fn contains(&self, cost: f32) -> bool {
        self.lo <= cost && cost < self.hi
    }
}

impl<'q> SearchRequest<'q> {
    /// A request for the `topk` nearest rows to each query in `queries`.
    pub fn new(queries: &'q [f32], topk: usize, metric: Metric) -> Self {
        SearchRequest {
            queries,
            packed: None,
            sparse: None,
            topk,
            metric,
            vector_field: None,
            partitions: Vec::new(),
            filter: String::new(),
            output_fields: Vec::new(),
            offset: 0,
            params: SearchParams::default(),
            radius: None,
            range_filter: None,
            round_decimal: None,
            group_by_field: None,
            group_size: 1,
            strict_group_size: false,
            ignore_growing: false,
        }
    }

    /// A request for the `topk` nearest rows to each query of a `kind` vector field (binary,
    /// float16, bfloat16 or int8), given in its stored form (see [`SearchRequest::packed`]).
    pub fn packed(kind: VectorKind, queries: &'q [u8], topk: usize, metric: Metric) -> Self {
        SearchRequest { packed: Some((kind, queries)), ..SearchRequest::new(&[], topk, metric) }
    }

    /// A request for the `topk` best rows by `metric` (IP) for each query row of a sparse float
    /// vector field.
    pub fn sparse(queries: SparseRows<'q>, topk: usize, metric: Metric) -> Self {
        SearchRequest { sparse: Some(queries), ..SearchRequest::new(&[], topk, metric) }
    }

    /// Makes this a group-by search on `field`, with `group_size` hits a group.
    pub fn group_by(mut self, field: &str, group_size: usize, strict_group_size: bool) -> Self {
        self.group_by_field = Some(field.to_owned());
        self.group_size = group_size;
        self.strict_group_size = strict_group_size;
        self
    }

    /// Applies Milvus's search params map (`search_params["params"]`): `radius` and
    /// `range_filter` make this a range search, `ignore_growing` (`true` / `false`) sets
    /// [`SearchRequest::ignore_growing`], the other keys are the index's
    /// ([`SearchParams::from_milvus`]).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a range bound that is not a finite number, an
    /// `ignore_growing` that is not a boolean, or either given twice; those of
    /// [`SearchParams::from_milvus`].
    pub fn with_milvus_params(mut self, params: &[(&str, &str)]) -> Result<Self> {
        let is_range = |key: &str| matches!(key, "radius" | "range_filter");
        let growing: Vec<&str> =
            params.iter().filter(|(key, _)| *key == "ignore_growing").map(|&(_, v)| v).collect();
        if growing.len() > 1 {
            return Err(Error::InvalidArgument("search param `ignore_growing` is given twice".into()));
        }
        if let Some(value) = growing.first() {
            self.ignore_growing = flag("ignore_growing", value)?;
        }
        let index: Vec<(&str, &str)> =
            params.iter().copied().filter(|(key, _)| !is_range(key) && *key != "ignore_growing").collect();
        let range = params.iter().copied().filter(|(key, _)| is_range(key));
        for (key, value) in range {
            let bound = match value.trim().parse::<f32>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    return Err(Error::InvalidArgument(format!(
                        "search param `{key}` = `{value}`: expected a finite number"
                    )));
                }
            };
            let slot = if key == "radius" { &mut self.radius } else { &mut self.range_filter };
            if slot.replace(bound).is_some() {
                return Err(Error::InvalidArgument(format!("search param `{key}` is given twice")));
            }
        }
        self.params = SearchParams::from_milvus(&index)?;
        Ok(self)
    }

    /// Makes this a range search (Milvus's `radius` and optional `range_filter`).
    pub fn range(mut self, radius: f32, range_filter: Option<f32>) -> Self {
        self.radius = Some(radius);
        self.range_filter = range_filter;
        self
    }

    /// Rounds returned scores to `decimals` places.
    pub fn round_decimal(mut self, decimals: u32) -> Self {
        self.round_decimal = Some(decimals);
        self
    }

    /// The costs a range search keeps, with Milvus's direction per metric: for L2, HAMMING and
    /// JACCARD, `range_filter <= distance < radius`; for IP and COSINE, `radius < similarity <=
    /// range_filter`. `None` when this is not a range search.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a non-finite bound, `range_filter` without `radius`, or
    /// bounds in the wrong order for the metric.
    pub fn cost_range(&self) -> Result<Option<CostRange>> {
        let Some(radius) = self.radius else {
            return match self.range_filter {
                Some(_) => Err(Error::InvalidArgument(
                    "range_filter needs radius: a range search is asked for by radius".into(),
                )),
                None => Ok(None),
            };
        };
        if !radius.is_finite() || self.range_filter.is_some_and(|f| !f.is_finite()) {
            return Err(Error::InvalidArgument("radius and range_filter must be finite".into()));
        }
        if self.metric.higher_is_better() {
            let filter = self.range_filter.unwrap_or(f32::INFINITY);
            if filter <= radius {
                return Err(Error::InvalidArgument(format!(
                    "range_filter must be greater than radius for {}: radius {radius}, range_filter {filter}",
                    self.metric.name()
                )));
            }
            Ok(Some(CostRange { lo: -filter, hi: -radius }))
        } else {
            let filter = self.range_filter.unwrap_or(f32::NEG_INFINITY);
            if filter >= radius {
                return Err(Error::InvalidArgument(format!(
                    "range_filter must be less than radius for {}: radius {radius}, range_filter {filter}",
                    self.metric.name()
                )));
            }
            Ok(Some(CostRange { lo: filter, hi: radius }))
        }
    }

    /// Checks `round_decimal` ([`check_round_decimal`]).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] above [`MAX_ROUND_DECIMAL`].
    pub fn check_round_decimal(&self) -> Result<()> {
        check_round_decimal(self.round_decimal)
    }

    /// The score of a hit of `cost`: the distance (L2) or the similarity (IP, COSINE).
    pub fn score(&self, cost: f32) -> f32 {
        if self.metric.higher_is_better() { -cost } else { cost }
    }

    /// `score` rounded as `round_decimal` asks ([`round_score`]).
    pub fn rounded(&self, score: f32) -> f32 {
        round_score(score, self.round_decimal)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

    fn refused(params: &[(&str, &str)], status: Status, words: &[&str]) {
        let e = SearchParams::from_milvus(params).expect_err("should fail");
        assert_eq!(e.status(), status, "{e}");
        for w in words {
            assert!(e.to_string().contains(w), "{e} lacks {w}");
        }
    }

    #[test]
    fn ef_and_nprobe_are_read() {
        assert_eq!(SearchParams::from_milvus(&[]).unwrap(), SearchParams::default());
        assert_eq!(
            SearchParams::from_milvus(&[("ef", "40"), ("nprobe", " 4 ")]).unwrap(),
            SearchParams { ef: Some(40), nprobe: Some(4), drop_ratio_search: None }
        );
        let max = MAX_EF.to_string();
        assert_eq!(SearchParams::from_milvus(&[("ef", &max)]).unwrap().ef, Some(MAX_EF));
        assert_eq!(SearchParams::from_milvus(&[("nprobe", "65536")]).unwrap().nprobe, Some(65_536));
    }

    #[test]
    fn drop_ratio_search_is_read() {
        let p = SearchParams::from_milvus(&[("drop_ratio_search", "0.2")]).unwrap();
        assert_eq!(p.drop_ratio_search, Some(DropRatio::new("x", 0.2).unwrap()));
        for v in ["1", "-0.5", "x", "", "inf"] {
            refused(&[("drop_ratio_search", v)], Status::InvalidArgument, &["`drop_ratio_search`", "[0, 1)"]);
        }
    }

    #[test]
    fn values_out_of_range_are_invalid() {
        for (k, v) in [
            ("ef", "0"),
            ("ef", "-1"),
            ("ef", "16.5"),
            ("ef", "2147483648"),
            ("nprobe", "65537"),
            ("nprobe", "x"),
        ] {
            refused(&[(k, v)], Status::InvalidArgument, &[&format!("`{k}`"), "positive integer", "at most"]);
        }
        refused(&[("ef", "8"), ("ef", "9")], Status::InvalidArgument, &["`ef` is given twice"]);
        refused(&[("page_retain_order", "maybe")], Status::InvalidArgument, &["true or false"]);
    }

    #[test]
    fn what_veclite_would_ignore_is_unsupported() {
        refused(&[("radius", "0.5")], Status::InvalidArgument, &["`radius`", "with_milvus_params"]);
        refused(&[("page_retain_order", "true")], Status::Unsupported, &["page_retain_order"]);
        refused(
            &[("ignore_growing", "True")],
            Status::InvalidArgument,
            &["ignore_growing", "with_milvus_params"],
        );
        refused(&[("search_list", "30")], Status::Unsupported, &["`search_list`", "`ef` (HNSW)"]);
        refused(&[("metric_type", "L2")], Status::InvalidArgument, &["`metric_type`", "the search's metric"]);
        refused(&[("EF", "16")], Status::Unsupported, &["`EF`"]);
        let defaults = [("page_retain_order", "false"), ("ignore_growing", "FALSE")];
        assert_eq!(SearchParams::from_milvus(&defaults).unwrap(), SearchParams::default());
    }

    #[test]
    fn milvus_params_set_the_range_and_the_index_params() {
        let q = [0.0f32; 2];
        let req = SearchRequest::new(&q, 5, Metric::Ip)
            .with_milvus_params(&[("radius", "0.2"), ("range_filter", "0.9"), ("ef", "32")])
            .unwrap();
        assert_eq!((req.radius, req.range_filter, req.params.ef), (Some(0.2), Some(0.9), Some(32)));
        let err = SearchRequest::new(&q, 5, Metric::Ip).with_milvus_params(&[("radius", "x")]).unwrap_err();
        assert!(err.to_string().contains("finite number"), "{err}");
        let twice = [("radius", "1"), ("radius", "2")];
        let err = SearchRequest::new(&q, 5, Metric::Ip).with_milvus_params(&twice).unwrap_err();
        assert!(err.to_string().contains("given twice"), "{err}");
    }
}
