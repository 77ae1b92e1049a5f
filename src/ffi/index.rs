//! Vector indexes: `veclite_create_index`, `veclite_describe_index`, `veclite_drop_index`.

use super::search::metric;
use super::{
    FfiError, FfiResult, context_arg, opt_str_arg, out_arg, put, put_bytes, str_arg, veclite_ctx, veclite_db,
    veclite_error, veclite_status, with_db,
};
use crate::collection::IndexInfo;
use crate::params::{IndexParams, Metric};

/// Index type: exact search (no index data).
pub const VECLITE_INDEX_FLAT: u32 = 0;
/// Index type: HNSW graph (`param0` = M, `param1` = efConstruction).
pub const VECLITE_INDEX_HNSW: u32 = 1;
/// Index type: IVF_FLAT inverted file (`param0` = nlist).
pub const VECLITE_INDEX_IVF_FLAT: u32 = 2;

fn index_params(index_type: u32, param0: u32, param1: u32) -> FfiResult<IndexParams> {
    Ok(match index_type {
        VECLITE_INDEX_FLAT => IndexParams::Flat,
        VECLITE_INDEX_HNSW => IndexParams::Hnsw { m: param0, ef_construction: param1 },
        VECLITE_INDEX_IVF_FLAT => IndexParams::IvfFlat { nlist: param0 },
        other => return Err(FfiError::invalid(format!("unknown index type {other}"))),
    })
}

/// Creates an index on vector field `field` and builds it for every sealed segment (on the
/// database's worker threads, checking `ctx`, which may be NULL); segments sealed later are
/// indexed automatically. `name` may be NULL (the field name is used). `index_type` is a
/// `VECLITE_INDEX_*` value; `param0` / `param1` are M / efConstruction for HNSW and nlist / 0
/// for IVF_FLAT (ranges as in Milvus: M 2..=2048, nlist 1..=65536). Creating the same index again
/// is a no-op; a different index on the same field fails.
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
    index_type: u32,
    metric_type: u32,
    param0: u32,
    param1: u32,
    err_out: *mut *mut veclite_error,
) -> veclite_status {
    with_db(db, err_out, |db| {
        // SAFETY: API contract.
        let (ctx, c, f, n) = unsafe {
            (
                context_arg(ctx),
                str_arg(collection, collection_len, "collection")?,
                str_arg(field, field_len, "field")?,
                opt_str_arg(name, name_len, "name")?,
            )
        };
        let params = index_params(index_type, param0, param1)?;
        Ok(db.create_index(&ctx, c, f, n, metric(metric_type)?, params)?)
    })
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
        let info = db.describe_index(c, Some(f))?.swap_remove(0);
        // SAFETY: `out` is non-NULL and writable.
        unsafe { put(out, Box::into_raw(Box::new(veclite_index_info { inner: info }))) };
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
/// `VECLITE_INDEX_*` type, `VECLITE_METRIC_*` metric, parameters (as for
/// `veclite_create_index`), and build progress in rows: indexed (sealed segments with their
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
    };
    let metric = match i.index.metric {
        Metric::L2 => super::VECLITE_METRIC_L2,
        Metric::Ip => super::VECLITE_METRIC_IP,
        Metric::Cosine => super::VECLITE_METRIC_COSINE,
    };
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
