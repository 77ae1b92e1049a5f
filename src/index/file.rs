//! Index files: `s<segment id>-f<field>.idx`, written once beside the segment and mapped.
//!
//! ```text
//! magic "VECLIDX\0" (8) | version u32 | kind u32 (1 = HNSW, 2 = IVF_FLAT, 3 = INVERTED,
//! 4 = STL_SORT, 5 = BITMAP, 6 = TRIE, 7 = SPARSE_INVERTED_INDEX, 8 = SPARSE_WAND) |
//! metric u32 (0 for scalar indexes) | param0 u32 (M, nlist, or drop_ratio_build's f32 bits) |
//! param1 u32 (efConstruction, the sparse algorithm number, or 0) | reserved u32 |
//! body length u64 | body (kind-specific, see hnsw.rs / ivf.rs / sparse.rs / scalar) | crc32c u32
//! of all bytes before
//! ```
//!
//! The header is checked when the file is opened; the checksum of the body the first time it is
//! searched or filtered with, so opening reads no index data.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::sparse::{self, SparseSearchParams};
use super::{Candidates, IndexQuery, Space, hnsw, ivf};
use crate::bitset::Bitset;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::params::IndexParams;
use crate::params::{DropRatio, Metric, SearchParams, SparseAlgo, SparseRows};
use crate::storage::fs;
use crate::storage::mmap::MappedFile;

const MAGIC: &[u8; 8] = b"VECLIDX\0";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 40;

/// A built, persisted index of one segment's vector field.
#[derive(Debug)]
pub struct SegmentIndex {
    path: PathBuf,
    map: MappedFile,
    params: IndexParams,
    metric: Metric,
    verified: OnceLock<std::result::Result<(), String>>,
}

/// The file kind of an index type.
fn kind_number(params: IndexParams) -> u32 {
    match params {
        IndexParams::Flat => 0,
        IndexParams::Hnsw { .. } => 1,
        IndexParams::IvfFlat { .. } => 2,
        IndexParams::Inverted => 3,
        IndexParams::StlSort => 4,
        IndexParams::Bitmap => 5,
        IndexParams::Trie => 6,
        IndexParams::SparseInvertedIndex { .. } => 7,
        IndexParams::SparseWand { .. } => 8,
    }
}

fn metric_number(m: Metric) -> u32 {
    match m {
        Metric::L2 => 0,
        Metric::Ip => 1,
        Metric::Cosine => 2,
        Metric::Hamming => 3,
        Metric::Jaccard => 4,
    }
}

impl SegmentIndex {
    /// Builds the index described by `params` over `vectors` (on up to `threads` threads), writes
    /// it to `path` durably and maps it.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for FLAT (nothing to build); a cancelled or expired `ctx`;
    /// [`Error::Io`].
    pub fn build<S: Space>(
        path: &Path,
        params: IndexParams,
        vectors: S,
        threads: usize,
        ctx: &Context,
    ) -> Result<SegmentIndex> {
        let (p0, p1, body) = match params {
            IndexParams::Hnsw { m, ef_construction } => (
                m,
                ef_construction,
                hnsw::build(vectors, m as usize, ef_construction as usize, threads, ctx)?,
            ),
            IndexParams::IvfFlat { nlist } => (nlist, 0, ivf::build(vectors, nlist as usize, ctx)?),
            other => {
                return Err(Error::InvalidArgument(format!(
                    "{} has no vector index data to build",
                    other.type_name()
                )));
            }
        };
        Self::write(path, params, metric_number(vectors.metric()), [p0, p1], &body)
    }

    /// Builds the sparse index `params` (SPARSE_INVERTED_INDEX or SPARSE_WAND, metric IP) over
    /// `rows`, writes it to `path` durably and maps it.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for another index type or malformed rows; a cancelled or
    /// expired `ctx`; [`Error::Io`].
    pub fn build_sparse(
        path: &Path,
        params: IndexParams,
        rows: SparseRows<'_>,
        ctx: &Context,
    ) -> Result<SegmentIndex> {
        let (
            Some(algo),
            IndexParams::SparseInvertedIndex { drop_ratio_build, .. }
            | IndexParams::SparseWand { drop_ratio_build },
        ) = (params.sparse_algo(), params)
        else {
            return Err(Error::InvalidArgument(format!("{} is not a sparse index type", params.type_name())));
        };
        let body = sparse::build(rows, drop_ratio_build, ctx)?;
        Self::write(
            path,
            params,
            metric_number(Metric::Ip),
            [drop_ratio_build.to_bits(), algo.number()],
            &body,
        )
    }

    /// Writes the scalar index `params` (INVERTED, STL_SORT, BITMAP or Trie) with `body` (built
    /// by the `scalar_index` module) to `path` durably and maps it.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a vector index type; [`Error::Io`].
    pub fn write_scalar(path: &Path, params: IndexParams, body: &[u8]) -> Result<SegmentIndex> {
        if !params.is_scalar() {
            return Err(Error::InvalidArgument(format!("{} is not a scalar index type", params.type_name())));
        }
        Self::write(path, params, 0, [0, 0], body)
    }

    fn write(
        path: &Path,
        params: IndexParams,
        metric: u32,
        p: [u32; 2],
        body: &[u8],
    ) -> Result<SegmentIndex> {
        let mut bytes = Vec::with_capacity(HEADER_LEN + body.len() + 4);
        bytes.extend_from_slice(MAGIC);
        for v in [VERSION, kind_number(params), metric, p[0], p[1], 0] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
        bytes.extend_from_slice(body);
        let crc = crc32c::crc32c(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        fs::write_atomic(path, &bytes)?;
        Self::open(path)
    }

    /// Maps the index file at `path` and checks its header.
    ///
    /// # Errors
    /// [`Error::Corrupted`] for a missing or short file or a bad header;
    /// [`Error::UnsupportedFormat`]; [`Error::Io`].
    pub fn open(path: &Path) -> Result<SegmentIndex> {
        let map = MappedFile::open(path, HEADER_LEN + 4)?;
        let b = map.bytes();
        let bad = |reason: &str| Error::corrupted(path, reason);
        if &b[..8] != MAGIC {
            return Err(bad("not a veclite index file"));
        }
        let u32_at = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        let version = u32_at(8);
        if version != VERSION {
            return Err(Error::UnsupportedFormat {
                file: path.display().to_string(),
                version,
                supported: VERSION,
            });
        }
        let (p0, p1) = (u32_at(20), u32_at(24));
        let params = match u32_at(12) {
            1 => IndexParams::Hnsw { m: p0, ef_construction: p1 },
            2 => IndexParams::IvfFlat { nlist: p0 },
            3 => IndexParams::Inverted,
            4 => IndexParams::StlSort,
            5 => IndexParams::Bitmap,
            6 => IndexParams::Trie,
            7 | 8 => {
                let drop_ratio_build =
                    DropRatio::from_bits(p0).ok_or_else(|| bad("invalid drop_ratio_build"))?;
                match (u32_at(12), SparseAlgo::from_number(p1)) {
                    (7, Some(algo)) => IndexParams::SparseInvertedIndex { drop_ratio_build, algo },
                    (8, Some(SparseAlgo::DaatWand)) => IndexParams::SparseWand { drop_ratio_build },
                    _ => return Err(bad("invalid sparse index algorithm")),
                }
            }
            _ => return Err(bad("unknown index kind")),
        };
        let metric = match u32_at(16) {
            0 => Metric::L2,
            1 => Metric::Ip,
            2 => Metric::Cosine,
            3 => Metric::Hamming,
            4 => Metric::Jaccard,
            _ => return Err(bad("unknown metric")),
        };
        let mut len = [0u8; 8];
        len.copy_from_slice(&b[32..40]);
        if u64::from_le_bytes(len) != (b.len() - HEADER_LEN - 4) as u64 {
            return Err(bad("index body length does not match the file size"));
        }
        Ok(SegmentIndex { path: path.to_owned(), map, params, metric, verified: OnceLock::new() })
    }

    /// The index type and build parameters.
    pub fn params(&self) -> IndexParams {
        self.params
    }

    /// The metric the index was built for ([`Metric::L2`] for scalar indexes, which have none).
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// The body bytes as stored (unchecked).
    pub fn body(&self) -> &[u8] {
        let b = self.map.bytes();
        &b[HEADER_LEN..b.len() - 4]
    }

    /// Path of the index file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The body bytes, verified on first use: checksum, then the structure against `vectors`.
    fn checked_body<S: Space>(&self, vectors: &S) -> Result<&[u8]> {
        self.verified_body(|body| match self.params {
            IndexParams::Hnsw { .. } => hnsw::validate(body, vectors.len()),
            IndexParams::IvfFlat { .. } => ivf::validate(body, vectors),
            _ => Ok(()),
        })
    }

    /// The body bytes, verified on first use: checksum, then `check` (the structure).
    fn verified_body(&self, check: impl FnOnce(&[u8]) -> std::result::Result<(), String>) -> Result<&[u8]> {
        let b = self.map.bytes();
        let (data, crc) = b.split_at(b.len() - 4);
        let body = &data[HEADER_LEN..];
        let verdict = self.verified.get_or_init(|| {
            if crc32c::crc32c(data).to_le_bytes() != crc {
                return Err("index checksum mismatch".into());
            }
            check(body)
        });
        match verdict {
            Ok(()) => Ok(body),
            Err(reason) => Err(Error::corrupted(&self.path, reason.clone())),
        }
    }

    /// The best `k` allowed rows of a sparse index by inner product with the query (indices
    /// ascending), best first, with exact scores as costs (negated inner products); `rows` are
    /// the segment's rows the index was built from, `params` the search's (`drop_ratio_search`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a malformed query or an index that is not sparse;
    /// [`Error::Corrupted`] when the file fails its checksum or structure checks.
    pub fn search_sparse(
        &self,
        rows: SparseRows<'_>,
        query_indices: &[u32],
        query_values: &[f32],
        k: usize,
        params: &SearchParams,
        allowed: Option<&Bitset>,
    ) -> Result<Candidates> {
        sparse::check_vector(query_indices, query_values)
            .map_err(|e| Error::InvalidArgument(format!("sparse query vector: {e}")))?;
        let Some(sparse_params) = SparseSearchParams::new(&self.params, params) else {
            return Err(Error::InvalidArgument(format!("{} is not a sparse index", self.params.type_name())));
        };
        let body = self.verified_body(|body| sparse::validate(body, rows))?;
        sparse::search(body, rows, query_indices, query_values, k, sparse_params, allowed)
            .map_err(|r| Error::corrupted(&self.path, r))
    }

    /// The best `query.k` allowed rows by the index (approximate), best first.
    ///
    /// # Errors
    /// [`Error::Corrupted`] when the file fails its checksum or structure checks.
    pub fn search<S: Space>(&self, vectors: S, query: &IndexQuery<'_, S::Query>) -> Result<Candidates> {
        let body = self.checked_body(&vectors)?;
        let corrupted = |reason: &str| Error::corrupted(&self.path, reason);
        match self.params {
            IndexParams::Hnsw { .. } => hnsw::search(body, vectors, query).map_err(|r| corrupted(&r)),
            IndexParams::IvfFlat { .. } => ivf::search(body, vectors, query).map_err(|r| corrupted(&r)),
            _ => Ok(Vec::new()),
        }
    }

    /// The body of a scalar index, its checksum and then `check` (the structure) verified on
    /// first use; `None` for a vector index.
    ///
    /// # Errors
    /// [`Error::Corrupted`] naming the file when it fails its checksum or `check`.
    pub fn scalar_body(
        &self,
        check: impl FnOnce(&[u8]) -> std::result::Result<(), String>,
    ) -> Result<Option<&[u8]>> {
        if !self.params.is_scalar() {
            return Ok(None);
        }
        self.verified_body(check).map(Some)
    }
}
