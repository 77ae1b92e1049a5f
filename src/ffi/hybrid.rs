//! `veclite_hybrid_search`: several ANN searches fused by a ranker, built with a
//! `veclite_hybrid_request`.

use super::search::metric;
use super::{
    FfiError, FfiResult, call, context_arg, out_arg, put, slice_arg, str_arg, veclite_ctx, veclite_db,
    veclite_error, veclite_search_options, veclite_search_result, veclite_status, with_db,
};
use crate::params::{DEFAULT_RRF_K, HybridRequest, Ranker, SearchRequest};

/// One ANN request of a hybrid search: its settings and its own copy of the queries.
struct SubSearch {
    /// Everything but the queries (left empty here).
    request: SearchRequest<'static>,
    queries: Vec<f32>,
}

/// A hybrid search being built: ANN requests, the ranker that fuses them and the settings of
/// the whole search. Under the hood a `Box`. Create with `veclite_hybrid_request_new`, free with
/// `veclite_hybrid_request_free`. Not safe for concurrent mutation.
pub struct veclite_hybrid_request {
    searches: Vec<SubSearch>,
    ranker: Ranker,
    offset: usize,
    partitions: Vec<String>,
    output_fields: Vec<String>,
    round_decimal: Option<u32>,
}

/// A new hybrid request: no ANN request yet, reciprocal-rank fusion with k = 60 (Milvus's
/// default), all partitions, no output fields, offset 0, no rounding.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_hybrid_request_new() -> *mut veclite_hybrid_request {
    Box::into_raw(Box::new(veclite_hybrid_request {
        searches: Vec::new(),
        ranker: Ranker::Rrf { k: DEFAULT_RRF_K },
        offset: 0,
        partitions: Vec::new(),
        output_fields: Vec::new(),
        round_decimal: None,
    }))
}

/// Frees a hybrid request. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_free(request: *mut veclite_hybrid_request) {
    if !request.is_null() {
        // SAFETY: `request` came from `veclite_hybrid_request_new` and is freed once.
        drop(unsafe { Box::from_raw(request) });
    }
}

fn with_request(
    request: *mut veclite_hybrid_request,
    err_out: *mut *mut veclite_error,
    f: impl FnOnce(&mut veclite_hybrid_request) -> FfiResult,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `request` is NULL or live and not used concurrently (API contract).
        let r = unsafe { request.as_mut() }.ok_or_else(|| FfiError::null("request"))?;
        f(r)
    })
}

/// Adds an ANN request: `nq` query vectors of `dim` floats (`queries`, `nq * dim` floats,
/// copied), its best `limit` hits by `metric_type` (`VECLITE_METRIC_*`), and from `options`
/// (copied; NULL for the defaults) its vector field, filter, index search parameters and range.
/// Every request of one hybrid search has the same `nq`. Options that set partitions, output
/// fields, an offset, rounding or group-by make `veclite_hybrid_search` fail: set those on the
/// hybrid request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_add_search(
    request: *mut veclite_hybrid_request,
    options: *const veclite_search_options,
    queries: *const f32,
    nq: usize,
    dim: usize,
    limit: usize,
    metric_type: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        if nq == 0 || dim == 0 {
            return Err(FfiError::invalid(format!("nq ({nq}) and dim ({dim}) must be positive")));
        }
        let n = nq.checked_mul(dim).ok_or_else(|| FfiError::invalid("nq * dim overflows"))?;
        // SAFETY: `queries` points to `nq * dim` floats (API contract).
        let queries = unsafe { slice_arg(queries, n, "queries") }?.to_vec();
        let metric = metric(metric_type)?;
        // SAFETY: `options` is NULL or live (API contract).
        let request = match unsafe { options.as_ref() } {
            Some(o) => SearchRequest { queries: &[], topk: limit, metric, ..o.request.clone() },
            None => SearchRequest::new(&[], limit, metric),
        };
        r.searches.push(SubSearch { request, queries });
        Ok(())
    })
}

/// Fuses the requests' hits by reciprocal rank: a hit scores `Σ 1 / (k + rank)`, `rank`
/// counting from 1 in each request that returned it. `k` in (0, 16384).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_set_rrf(
    request: *mut veclite_hybrid_request,
    k: f32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        let ranker = Ranker::Rrf { k };
        ranker.check(r.searches.len())?;
        r.ranker = ranker;
        Ok(())
    })
}

/// Fuses the requests' hits by weighted scores: `Σ weight_i × s_i` with `n` weights (copied) in
/// [0, 1], one per request in the order they were added (checked by `veclite_hybrid_search`).
/// With `norm_score`, each score is first normalized to [0, 1] for its metric (COSINE
/// `(1 + s) / 2`, IP `0.5 + atan(s) / π`); L2 distances always become `1 − 2·atan(d) / π`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_set_weighted(
    request: *mut veclite_hybrid_request,
    weights: *const f32,
    n: usize,
    norm_score: bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        // SAFETY: `weights` points to `n` floats (API contract).
        let weights = unsafe { slice_arg(weights, n, "weights") }?.to_vec();
        r.ranker = Ranker::Weighted { weights, norm_score };
        Ok(())
    })
}

/// Sets how many best fused hits to skip before the `limit` returned (`offset + limit` ≤
/// 16384).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_set_offset(
    request: *mut veclite_hybrid_request,
    offset: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        r.offset = offset;
        Ok(())
    })
}

/// Adds a partition every request searches (none added = all partitions).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_add_partition(
    request: *mut veclite_hybrid_request,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        r.partitions.push(name.to_owned());
        Ok(())
    })
}

/// Adds a field to return with each fused hit (`"*"` = all fields).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_add_output_field(
    request: *mut veclite_hybrid_request,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        r.output_fields.push(name.to_owned());
        Ok(())
    })
}

/// Rounds the fused scores to `decimals` places (0..=6; `veclite_hybrid_search` refuses more).
/// A negative value (Milvus's -1) turns rounding off.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_request_set_round_decimal(
    request: *mut veclite_hybrid_request,
    decimals: i32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_request(request, err_out, |r| {
        r.round_decimal = u32::try_from(decimals).ok();
        Ok(())
    })
}

/// Runs the hybrid search `request` (borrowed, unchanged) on `collection`: every ANN request on
/// the same snapshot, their hits fused per query by the ranker, the best `limit` fused hits after
/// the offset returned in `*result_out` (caller owns it; read it with the
/// `veclite_search_result_*` functions), larger fused score first, ties by smaller key; a row
/// found by several requests is one hit. `ctx` may be NULL. Fails with
/// `VECLITE_STATUS_INVALID_ARGUMENT` naming the rule when there is no request, requests differ
/// in `nq`, the weights do not match the requests, or a request sets what belongs to the whole
/// search; with the errors of `veclite_search` for each request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_hybrid_search(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    request: *const veclite_hybrid_request,
    limit: usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c) = unsafe { (context_arg(ctx), str_arg(collection, collection_len, "collection")?) };
        // SAFETY: `request` is NULL or live (API contract).
        let r = unsafe { request.as_ref() }.ok_or_else(|| FfiError::null("request"))?;
        let out = out_arg(result_out, "result_out")?;
        let requests: Vec<SearchRequest<'_>> =
            r.searches.iter().map(|s| SearchRequest { queries: &s.queries, ..s.request.clone() }).collect();
        for s in &requests {
            db.check_search_params(c, s.vector_field.as_deref(), s.params)?;
        }
        let hybrid = HybridRequest {
            offset: r.offset,
            partitions: r.partitions.clone(),
            output_fields: r.output_fields.clone(),
            round_decimal: r.round_decimal,
            ..HybridRequest::new(requests, r.ranker.clone(), limit)
        };
        let hits = db.hybrid_search(&ctx, c, &hybrid)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, veclite_search_result::boxed(hits)) };
        Ok(())
    })
}
