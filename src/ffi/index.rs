//! Vector and scalar indexes: `veclite_create_index`, `veclite_describe_index`, `veclite_drop_index`, and
//! `veclite_metric_parse`.

use super::{
    FfiResult, call, context_arg, opt_str_arg, out_arg, put, put_bytes, str_arg, strs_arg, veclite_ctx,
    veclite_db, veclite_error, veclite_status, with_db,
};
use crate::collection::IndexInfo;
use crate::params::{IndexParams, Metric};

/// Index type: exact search (no index data).
pub const VECLITE_INDEX_FLAT: u32 = 0;
/// Index type: HNSW graph (`param0` = M, `param1` = efConstruction).
pub const VECLITE_INDEX_HNSW: u32 = 1;
/// Index type: IVF_FLAT inverted file (`param0` = nlist).
pub const VECLITE_INDEX_IVF_FLAT: u32 = 2;
/// Scalar index type: INVERTED (sorted values with their rows).
pub const VECLITE_INDEX_INVERTED: u32 = 3;
/// Scalar index type: STL_SORT (rows in value order; numeric fields).
pub const VECLITE_INDEX_STL_SORT: u32 = 4;
/// Scalar index type: BITMAP (a bitmap per frequent value).
pub const VECLITE_INDEX_BITMAP: u32 = 5;
/// Scalar index type: Trie (sorted strings; VarChar fields).
pub const VECLITE_INDEX_TRIE: u32 = 6;
/// Index type: SPARSE_INVERTED_INDEX (sparse vectors; `param0` = drop_ratio_build as f32 bits,
/// `param1` = inverted_index_algo: 0 TAAT_NAIVE, 1 DAAT_WAND, 2 DAAT_MAXSCORE).
pub const VECLITE_INDEX_SPARSE_INVERTED_INDEX: u32 = 7;
/// Index type: SPARSE_WAND (sparse vectors; `param0` = drop_ratio_build as f32 bits).
pub const VECLITE_INDEX_SPARSE_WAND: u32 = 8;

/// Key/value pairs given as four parallel arrays of `n` `(ptr, len)` UTF-8 strings.
///
/// # Safety
/// Each array is NULL (only when `n == 0`) or holds `n` entries; each string satisfies
/// [`str_arg`](super::str_arg)'s contract.
pub(crate) unsafe fn pairs_arg<'a>(
    keys: *const *const u8,
    key_lens: *const usize,
    values: *const *const u8,
    value_lens: *const usize,
    n: usize,
) -> FfiResult<Vec<(&'a str, &'a str)>> {
    // SAFETY: forwarded caller contract.
    let (k, v) = unsafe {
        (strs_arg(keys, key_lens, n, "param keys")?, strs_arg(values, value_lens, n, "param values")?)
    };
    Ok(k.into_iter().zip(v).collect())
}

/// Creates an index on field `field` and builds it for every sealed segment (on the
/// database's worker threads, checking `ctx`, which may be NULL); segments sealed later are
/// indexed automatically. `name` may be NULL (the field name is used).
///
/// The index is described in Milvus's terms: on a vector field `index_type` is `"FLAT"`,
/// `"HNSW"`, `"IVF_FLAT"` or `"AUTOINDEX"` (builds HNSW with M 18, efConstruction 240; empty
/// means AUTOINDEX), any case, and `metric_type` is `"L2"`, `"IP"` or `"COSINE"`, any case. On a
/// scalar field `index_type` is `"INVERTED"`, `"STL_SORT"`, `"BITMAP"`, `"Trie"` or
/// `"AUTOINDEX"` (BITMAP for Bool, INVERTED otherwise), allowed by field type as in Milvus (a
/// type the field does not take fails with `VECLITE_STATUS_INVALID_ARGUMENT`), and
/// `metric_type` is NULL or empty. The build parameters are `n_params` key/value strings (four
/// parallel arrays, NULL when `n_params` is 0) under Milvus's names: `M` (2..=2048, default 30)
/// and `efConstruction` (1..=2^31-1, default 360) for HNSW, `nlist` (1..=65536, default 128)
/// for IVF_FLAT, decimal integers (absent or empty: the default). They are kept as given and
/// reported by `veclite_index_info_param`. Another index type, or a key the type does not read,
/// fails with `VECLITE_STATUS_UNSUPPORTED`; a bad value with `VECLITE_STATUS_INVALID_ARGUMENT`.
/// Creating the same index again is a no-op; a different index on the same field fails.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_create_index(
    db: *const veclite_db,
    ctx: *const veclite_ctx,
    collection: *const u8,
    collection_len: usize,
    field: *const u8,
    field_len: usize,
    name: *const u8,
    name_len: usize,
    index_type: *const u8,
    index_type_len: usize,
    metric_type: *const u8,
    metric_type_len: usize,
    param_keys: *const *const u8,
    param_key_lens: *const usize,
    param_values: *const *const u8,
    param_value_lens: *const usize,
    n_params: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, f, n, t, m, params) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                str_arg(field, field_len, "field")?,
                opt_str_arg(name, name_len, "name")?,
                opt_str_arg(index_type, index_type_len, "index_type")?,
                opt_str_arg(metric_type, metric_type_len, "metric_type")?,
                pairs_arg(param_keys, param_key_lens, param_values, param_value_lens, n_params)?,
            )
        };
        Ok(db.create_milvus_index(&ctx, c, f, n, t, m, &params)?)
    })
}

/// Parses a metric name (`"L2"`, `"IP"` or `"COSINE"`, any case) into `*metric_out`
/// (`VECLITE_METRIC_*`), as `veclite_search` takes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_metric_parse(
    name: *const u8,
    name_len: usize,
    metric_out: *mut u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    call(err_out, || {
        // SAFETY: API contract.
        let name = unsafe { str_arg(name, name_len, "name") }?;
        let out = out_arg(metric_out, "metric_out")?;
        let metric = Metric::parse(name)?;
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, metric_number(metric)) };
        Ok(())
    })
}

fn metric_number(metric: Metric) -> u32 {
    match metric {
        Metric::L2 => super::VECLITE_METRIC_L2,
        Metric::Ip => super::VECLITE_METRIC_IP,
        Metric::Cosine => super::VECLITE_METRIC_COSINE,
        Metric::Hamming => super::VECLITE_METRIC_HAMMING,
        Metric::Jaccard => super::VECLITE_METRIC_JACCARD,
    }
}

/// Drops the index of `field`; searches of it become exact.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_drop_index(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    field: *const u8,
    field_len: usize,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (c, f) = unsafe {
            (str_arg(collection, collection_len, "collection")?, str_arg(field, field_len, "field")?)
        };
        Ok(db.drop_index(c, f)?)
    })
}

/// Description and build progress of an index. Caller owns it; free with
/// `veclite_index_info_free`. Immutable; safe to share across threads.
pub struct veclite_index_info {
    inner: IndexInfo,
    /// `index_type`, `metric_type`, then the build parameters (see `veclite_index_info_param`).
    params: Vec<(String, String)>,
}

/// Stores the index of `field` with its build progress in `*info_out` (caller owns it). Fails
/// with `VECLITE_STATUS_NOT_FOUND` when the field has no index.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_describe_index(
    db: *const veclite_db,
    collection: *const u8,
    collection_len: usize,
    field: *const u8,
    field_len: usize,
    info_out: *mut *mut veclite_index_info,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (c, f) = unsafe {
            (str_arg(collection, collection_len, "collection")?, str_arg(field, field_len, "field")?)
        };
        let out = out_arg(info_out, "info_out")?;
        let inner = db.describe_index(c, Some(f))?.swap_remove(0);
        let mut params = vec![
            ("index_type".to_owned(), inner.index.params.type_name().to_owned()),
            ("metric_type".to_owned(), inner.index.metric_name().to_owned()),
        ];
        params.extend(inner.index.milvus_params());
        params.extend(inner.index.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(veclite_index_info { inner, params }))) };
        Ok(())
    })
}

/// Frees an index description. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_index_info_free(info: *mut veclite_index_info) {
    if !info.is_null() {
        // SAFETY: `info` came from `veclite_describe_index` and is freed once.
        drop(unsafe { Box::from_raw(info) });
    }
}

/// Describes an index: its name as `(ptr, len)` (valid until `info` is freed), its
/// `VECLITE_INDEX_*` type, `VECLITE_METRIC_*` metric (`VECLITE_METRIC_L2` for a scalar index,
/// which has none), parameters (`param0` / `param1`: M /
/// efConstruction for HNSW, nlist / 0 for IVF_FLAT, 0 / 0 for FLAT), and build progress in rows: indexed (sealed segments with their
/// index built), total (all segments, growing ones included) and pending (sealed segments still
/// searched exactly). Each out-param may be NULL. Returns false for a NULL `info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_index_info_get(
    info: *const veclite_index_info,
    name_out: *mut *const u8,
    name_len_out: *mut usize,
    type_out: *mut u32,
    metric_out: *mut u32,
    param0_out: *mut u32,
    param1_out: *mut u32,
    indexed_rows_out: *mut u64,
    total_rows_out: *mut u64,
    pending_rows_out: *mut u64,
) -> bool {
    // SAFETY: `info` is NULL or live (API contract).
    let Some(info) = (unsafe { info.as_ref() }) else { return false };
    let i = &info.inner;
    let (kind, p0, p1) = match i.index.params {
        IndexParams::Flat => (VECLITE_INDEX_FLAT, 0, 0),
        IndexParams::Hnsw { m, ef_construction } => (VECLITE_INDEX_HNSW, m, ef_construction),
        IndexParams::IvfFlat { nlist } => (VECLITE_INDEX_IVF_FLAT, nlist, 0),
        IndexParams::Inverted => (VECLITE_INDEX_INVERTED, 0, 0),
        IndexParams::StlSort => (VECLITE_INDEX_STL_SORT, 0, 0),
        IndexParams::Bitmap => (VECLITE_INDEX_BITMAP, 0, 0),
        IndexParams::Trie => (VECLITE_INDEX_TRIE, 0, 0),
        IndexParams::SparseInvertedIndex { drop_ratio_build, algo } => {
            (VECLITE_INDEX_SPARSE_INVERTED_INDEX, drop_ratio_build.to_bits(), algo.number())
        }
        IndexParams::SparseWand { drop_ratio_build } => {
            (VECLITE_INDEX_SPARSE_WAND, drop_ratio_build.to_bits(), 0)
        }
    };
    let metric = metric_number(i.index.metric);
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(i.index.name.as_bytes(), name_out, name_len_out);
        for (out, v) in [(type_out, kind), (metric_out, metric), (param0_out, p0), (param1_out, p1)] {
            if !out.is_null() {
                out.write(v);
            }
        }
        for (out, v) in [
            (indexed_rows_out, i.indexed_rows),
            (total_rows_out, i.total_rows),
            (pending_rows_out, i.pending_rows),
        ] {
            if !out.is_null() {
                out.write(v);
            }
        }
    }
    true
}

/// Number of Milvus parameters of an index description (see `veclite_index_info_param`); 0 for
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_index_info_params_len(info: *const veclite_index_info) -> usize {
    // SAFETY: `info` is NULL or live (API contract).
    unsafe { info.as_ref() }.map_or(0, |i| i.params.len())
}

/// The `i`-th Milvus parameter of an index description, as DescribeIndex reports it:
/// `index_type` (the type built: FLAT, HNSW, IVF_FLAT, INVERTED, STL_SORT, BITMAP or Trie;
/// AUTOINDEX reads as the type it built), `metric_type` (empty for a scalar index), then the build
/// parameters as given to `veclite_create_index` with the value used for each parameter the type
/// reads (defaults included), sorted by key, then the index's properties (`mmap.enabled`, set
/// with `veclite_alter_index_properties`), sorted by key. Key and value are `(ptr, len)` UTF-8 strings valid
/// until `info` is freed; out-params may be NULL. Returns false for a NULL `info` or `i` out of
/// range (nothing written).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn veclite_index_info_param(
    info: *const veclite_index_info,
    i: usize,
    key_out: *mut *const u8,
    key_len_out: *mut usize,
    value_out: *mut *const u8,
    value_len_out: *mut usize,
) -> bool {
    // SAFETY: `info` is NULL or live (API contract).
    let Some((key, value)) = (unsafe { info.as_ref() }).and_then(|info| info.params.get(i)) else {
        return false;
    };
    // SAFETY: out-params are NULL or writable (API contract).
    unsafe {
        put_bytes(key.as_bytes(), key_out, key_len_out);
        put_bytes(value.as_bytes(), value_out, value_len_out);
    }
    true
}
