//! `veclite_search`, its options and its result.

use super::index::pairs_arg;
use super::{
    FfiError, FfiResult, call, context_arg, out_arg, put, slice_arg, str_arg, veclite_column, veclite_ctx,
    veclite_db, veclite_error, veclite_result, veclite_status, with_db,
};
use crate::column::PrimaryKeys;
use crate::error::Status;
use crate::params::{Metric, SearchRequest, VectorKind};
use crate::result::QueryResult;
use crate::result::SearchHits;
use crate::schema::FieldType;

/// Metric: squared Euclidean distance, ascending.
pub const VECLITE_METRIC_L2: u32 = 0;
/// Metric: inner product, descending.
pub const VECLITE_METRIC_IP: u32 = 1;
/// Metric: cosine similarity, descending.
pub const VECLITE_METRIC_COSINE: u32 = 2;

/// Optional search settings: partitions, filter, vector field, output fields, offset, index
/// search parameters, range, rounding and grouping. Under the hood a `Box`. Create with
/// `veclite_search_options_new`, free with `veclite_search_options_free`. Not safe for
/// concurrent mutation.
pub struct veclite_search_options {
    /// Everything but the queries, `topk` and metric, which `veclite_search` takes.
    pub(crate) request: SearchRequest<'static>,
}

/// New options: all partitions, no filter, the only vector field, no output fields, offset 0.
#[unsafe(no_mangle)]
pub extern "C" fn veclite_search_options_new() -> *mut veclite_search_options {
    Box::into_raw(Box::new(veclite_search_options { request: SearchRequest::new(&[], 1, Metric::L2) }))
}

/// Frees search options. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_free(options: *mut veclite_search_options) {
    if !options.is_null() {
        // SAFETY: `options` came from `veclite_search_options_new` and is freed once.
        drop(unsafe { Box::from_raw(options) });
    }
}

fn with_options(
    options: *mut veclite_search_options,
    text: *const u8,
    len: usize,
    err_out: *mut *mut veclite_error,
    f: impl FnOnce(&mut SearchRequest<'static>, &str),
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let o = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        // SAFETY: API contract.
        let text = unsafe { str_arg(text, len, "text") }?;
        f(&mut o.request, text);
        Ok(())
    })
}

/// Sets the filter expression (copied).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_filter(
    options: *mut veclite_search_options,
    expr: *const u8,
    expr_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_options(options, expr, expr_len, err_out, |o, t| o.filter = t.to_owned())
}

/// Names the vector field to search (needed when the collection has several).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_vector_field(
    options: *mut veclite_search_options,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_options(options, name, name_len, err_out, |o, t| o.vector_field = Some(t.to_owned()))
}

/// Adds a partition to search (none added = all partitions).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_add_partition(
    options: *mut veclite_search_options,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_options(options, name, name_len, err_out, |o, t| o.partitions.push(t.to_owned()))
}

/// Adds a field to return with each hit (`"*"` = all fields).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_add_output_field(
    options: *mut veclite_search_options,
    name: *const u8,
    name_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_options(options, name, name_len, err_out, |o, t| o.output_fields.push(t.to_owned()))
}

/// Sets how many best hits to skip before the `topk` returned (`offset + topk` ≤ 16384).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_offset(
    options: *mut veclite_search_options,
    offset: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let o = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        o.request.offset = offset;
        Ok(())
    })
}

/// Milvus's `ignore_growing`: `true` searches only sealed segments, leaving out the rows
/// written since the last seal (flush or automatic seal); `false` (the default) searches all.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_ignore_growing(
    options: *mut veclite_search_options,
    ignore_growing: bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let o = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        o.request.ignore_growing = ignore_growing;
        Ok(())
    })
}

/// Sets the index search parameters from Milvus's key/value map (`n` pairs as four parallel
/// arrays of `(ptr, len)` UTF-8 strings, NULL when `n` is 0), replacing any set before: `ef`
/// for HNSW (1..=2^31-1; the effective width is `max(ef, topk)`, default `max(64, topk)`) and
/// `nprobe` for IVF_FLAT (1..=65536, default 8, at most nlist), decimal integers;
/// `page_retain_order` may be `false`; `ignore_growing` `true` searches sealed segments only
/// (as `veclite_search_options_set_ignore_growing`); `radius` and `range_filter`
/// (finite numbers) make a range search with Milvus's direction per metric (L2:
/// `range_filter <= distance < radius`; IP, COSINE: `radius < similarity <= range_filter`).
/// Other keys fail with `VECLITE_STATUS_UNSUPPORTED`, bad values with
/// `VECLITE_STATUS_INVALID_ARGUMENT` (nothing is changed then). `veclite_search` refuses a
/// parameter the searched field's index does not take (`ef` without an HNSW index, `nprobe`
/// without an IVF_FLAT one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_params(
    options: *mut veclite_search_options,
    keys: *const *const u8,
    key_lens: *const usize,
    values: *const *const u8,
    value_lens: *const usize,
    n: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let o = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        // SAFETY: API contract.
        let pairs = unsafe { pairs_arg(keys, key_lens, values, value_lens, n) }?;
        let cleared =
            SearchRequest { radius: None, range_filter: None, ignore_growing: false, ..o.request.clone() };
        o.request = cleared.with_milvus_params(&pairs)?;
        Ok(())
    })
}

/// Rounds returned scores to `decimals` places (0..=6; `veclite_search` refuses more). A
/// negative value (Milvus's -1) turns rounding off.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_round_decimal(
    options: *mut veclite_search_options,
    decimals: i32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: `options` is NULL or live and not used concurrently (API contract).
        let o = unsafe { options.as_mut() }.ok_or_else(|| FfiError::null("options"))?;
        o.request.round_decimal = u32::try_from(decimals).ok();
        Ok(())
    })
}

/// Makes the search a group-by search on scalar field `field` (Bool, Int8..Int64 or VarChar):
/// `topk` and the offset count groups, ranked by their best hit, each returning its best
/// `group_size` hits (at least 1; `(offset + topk) × group_size` at most 16384, checked by
/// `veclite_search`). veclite fills every group as far as the data allows, so
/// `strict_group_size` true and false return the same hits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_options_set_group_by(
    options: *mut veclite_search_options,
    field: *const u8,
    field_len: usize,
    group_size: usize,
    strict_group_size: bool,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_options(options, field, field_len, err_out, |r, name| {
        r.group_by_field = Some(name.to_owned());
        r.group_size = group_size;
        r.strict_group_size = strict_group_size;
    })
}

/// Hits of every query of a search, with their keys and output fields. Caller owns it; free
/// with `veclite_search_result_free`. Immutable; safe to share across threads.
pub struct veclite_search_result {
    queries: Vec<QueryHits>,
}

struct QueryHits {
    ids: veclite_column,
    scores: Vec<f32>,
    fields: veclite_result,
}

pub(crate) fn metric(number: u32) -> FfiResult<Metric> {
    match number {
        VECLITE_METRIC_L2 => Ok(Metric::L2),
        VECLITE_METRIC_IP => Ok(Metric::Ip),
        VECLITE_METRIC_COSINE => Ok(Metric::Cosine),
        super::VECLITE_METRIC_HAMMING => Ok(Metric::Hamming),
        super::VECLITE_METRIC_JACCARD => Ok(Metric::Jaccard),
        other => Err(FfiError::invalid(format!("unknown metric {other}"))),
    }
}

/// Top-`topk` search (through the field's index where one is built, exact elsewhere) of `nq`
/// query vectors of `dim` floats (`queries`, `nq * dim` floats, borrowed) with `metric`
/// (`VECLITE_METRIC_*`). `options` may be NULL for the defaults; `ctx` may be NULL.
///
/// Fast path, caller buffers (each may be NULL when not wanted): `ids_out` and `scores_out` hold
/// `nq * topk` entries, query after query, best first; a query with fewer hits is padded with id
/// -1 and score +INFINITY; `counts_out[q]` receives the real number of hits of query `q`.
/// `ids_out` requires an Int64 primary key (use `result_out` for VarChar keys). `result_out`
/// (may be NULL) receives a result object with keys, scores and output fields per query (caller
/// owns it). Nothing is written on failure. L2 scores are squared distances (smaller is closer);
/// IP and COSINE are similarities (larger is closer); equal scores order by smaller key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    queries: *const f32,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    ids_out: *mut i64,
    scores_out: *mut f32,
    counts_out: *mut usize,
    result_out: *mut *mut veclite_search_result,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    let outs = SearchOutputs { ids_out, scores_out, counts_out, result_out };
    // SAFETY: forwarded API contract.
    unsafe {
        search_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            dim,
            topk,
            metric_type,
            outs,
            err_out,
            |n| {
                // SAFETY: `queries` points to `nq * dim` floats (API contract).
                Ok((slice_arg(queries, n, "queries")?, None))
            },
        )
    }
}

/// The caller's result buffers of a search (see `veclite_search`).
pub(crate) struct SearchOutputs {
    pub ids_out: *mut i64,
    pub scores_out: *mut f32,
    pub counts_out: *mut usize,
    pub result_out: *mut *mut veclite_search_result,
}

/// The query vectors of a search: f32 components, or packed queries of a kind, or sparse rows.
pub(crate) struct QueryVectors<'q> {
    pub dense: &'q [f32],
    pub packed: Option<(VectorKind, &'q [u8])>,
    pub sparse: Option<crate::params::SparseRows<'q>>,
}

impl<'q> From<(&'q [f32], Option<(VectorKind, &'q [u8])>)> for QueryVectors<'q> {
    fn from((dense, packed): (&'q [f32], Option<(VectorKind, &'q [u8])>)) -> Self {
        QueryVectors { dense, packed, sparse: None }
    }
}

/// `veclite_search` for queries that `queries` reads given `nq * dim`: f32 components, or a
/// packed vector type and its stored bytes, or sparse rows.
///
/// # Safety
/// As `veclite_search`; `queries` may read the caller's query buffer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn search_with<'q>(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    outs: SearchOutputs,
    err_out: *mut *mut veclite_error,
    queries: impl FnOnce(usize) -> FfiResult<(&'q [f32], Option<(VectorKind, &'q [u8])>)>,
) -> veclite_status {
    // SAFETY: forwarded contract.
    unsafe {
        search_vectors_with(
            db,
            ctx,
            collection,
            collection_len,
            options,
            nq,
            dim,
            topk,
            metric_type,
            outs,
            err_out,
            |n| queries(n).map(QueryVectors::from),
        )
    }
}

/// [`search_with`] for any [`QueryVectors`].
///
/// # Safety
/// As [`search_with`].
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn search_vectors_with<'q>(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    options: *const veclite_search_options,
    nq: usize,
    dim: usize,
    topk: usize,
    metric_type: u32,
    outs: SearchOutputs,
    err_out: *mut *mut veclite_error,
    queries: impl FnOnce(usize) -> FfiResult<QueryVectors<'q>>,
) -> veclite_status {
    let SearchOutputs { ids_out, scores_out, counts_out, result_out } = outs;
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c) = unsafe { (context_arg(ctx), str_arg(collection, collection_len, "collection")?) };
        let n = nq.checked_mul(dim).ok_or_else(|| FfiError::invalid("nq * dim overflows"))?;
        let QueryVectors { dense: queries, packed, sparse } = queries(n)?;
        let asked =
            SearchRequest { packed, sparse, ..SearchRequest::new(queries, topk, metric(metric_type)?) };
        // SAFETY: `options` is NULL or live (API contract).
        let request = match unsafe { options.as_ref() } {
            Some(o) => {
                SearchRequest { queries, packed, sparse, topk, metric: asked.metric, ..o.request.clone() }
            }
            None => asked,
        };
        if nq == 0 || dim == 0 {
            return Err(FfiError::invalid(format!("nq ({nq}) and dim ({dim}) must be positive")));
        }
        if !ids_out.is_null() && db.collection(c)?.schema().pk_field().field_type != FieldType::Int64 {
            return Err(FfiError::new(
                Status::InvalidArgument,
                "ids_out needs an Int64 primary key; read VarChar keys through result_out",
            ));
        }
        db.check_search_params(c, request.vector_field.as_deref(), request.params)?;
        let hits = db.search(&ctx, c, &request)?;
        let total = nq * topk;
        // SAFETY: each non-NULL buffer holds `nq * topk` (ids, scores) or `nq` (counts) entries
        // (API contract); nothing was written before this point.
        unsafe {
            let ids = (!ids_out.is_null()).then(|| std::slice::from_raw_parts_mut(ids_out, total));
            let scores = (!scores_out.is_null()).then(|| std::slice::from_raw_parts_mut(scores_out, total));
            let counts = (!counts_out.is_null()).then(|| std::slice::from_raw_parts_mut(counts_out, nq));
            fill_buffers(&hits, topk, ids, scores, counts);
        }
        if !result_out.is_null() {
            let out = out_arg(result_out, "result_out")?;
            // SAFETY: `out` is non-NULL and writable.
            unsafe { put(out, veclite_search_result::boxed(hits)) };
        }
        Ok(())
    })
}

impl veclite_search_result {
    /// A new result object owning `hits`, for the caller to free.
    pub(crate) fn boxed(hits: Vec<SearchHits>) -> *mut veclite_search_result {
        Box::into_raw(Box::new(veclite_search_result { queries: hits.into_iter().map(query_hits).collect() }))
    }
}

fn query_hits(h: SearchHits) -> QueryHits {
    let name = h.fields.columns.first().map_or("", |c| c.name()).to_owned();
    QueryHits {
        ids: veclite_column { inner: h.ids.to_column(&name) },
        scores: h.scores,
        fields: veclite_result::new(QueryResult { columns: h.fields.columns }),
    }
}

fn fill_buffers(
    hits: &[SearchHits],
    topk: usize,
    mut ids: Option<&mut [i64]>,
    mut scores: Option<&mut [f32]>,
    mut counts: Option<&mut [usize]>,
) {
    for (q, h) in hits.iter().enumerate() {
        let row = q * topk..(q + 1) * topk;
        if let Some(ids) = ids.as_deref_mut() {
            let dst = &mut ids[row.clone()];
            dst.fill(-1);
            if let PrimaryKeys::Int(keys) = &h.ids {
                dst[..keys.len()].copy_from_slice(keys);
            }
        }
        if let Some(scores) = scores.as_deref_mut() {
            let dst = &mut scores[row];
            dst.fill(f32::INFINITY);
            dst[..h.scores.len()].copy_from_slice(&h.scores);
        }
        if let Some(counts) = counts.as_deref_mut() {
            counts[q] = h.len();
        }
    }
}

/// Frees a search result. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_result_free(result: *mut veclite_search_result) {
    if !result.is_null() {
        // SAFETY: `result` came from `veclite_search` and is freed once (API contract).
        drop(unsafe { Box::from_raw(result) });
    }
}

fn query<'a>(result: *const veclite_search_result, q: usize) -> Option<&'a QueryHits> {
    // SAFETY: `result` is NULL or live (API contract); the reference lives as long as it.
    unsafe { result.as_ref() }.and_then(|r| r.queries.get(q))
}

/// Number of queries; 0 for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_result_nq(result: *const veclite_search_result) -> usize {
    // SAFETY: `result` is NULL or live (API contract).
    unsafe { result.as_ref() }.map_or(0, |r| r.queries.len())
}

/// Number of hits of query `q`; 0 when out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_result_count(
    result: *const veclite_search_result,
    q: usize,
) -> usize {
    query(result, q).map_or(0, |h| h.scores.len())
}

/// Keys of the hits of query `q`, best first, as a column named after the primary key
/// (borrowed; valid until the result is freed), or NULL when out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_result_ids(
    result: *const veclite_search_result,
    q: usize,
) -> *const veclite_column {
    query(result, q).map_or(std::ptr::null(), |h| &h.ids)
}

/// Scores of the hits of query `q` (borrowed pointer and count); NULL / 0 when out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_result_scores(
    result: *const veclite_search_result,
    q: usize,
    scores_out: *mut *const f32,
    len_out: *mut usize,
) {
    let (ptr, len) = query(result, q).map_or((std::ptr::null(), 0), |h| (h.scores.as_ptr(), h.scores.len()));
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        if !scores_out.is_null() {
            scores_out.write(ptr);
        }
        if !len_out.is_null() {
            len_out.write(len);
        }
    }
}

/// Output fields of the hits of query `q` (the key column first), as a result whose rows follow
/// the hits; borrowed (do not free; valid until the search result is freed). NULL when out of
/// range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_search_result_fields(
    result: *const veclite_search_result,
    q: usize,
) -> *const veclite_result {
    query(result, q).map_or(std::ptr::null(), |h| &h.fields)
}
