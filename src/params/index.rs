//! Index types and their build parameters, with Milvus's names, defaults and ranges.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::params::sparse::{self, DropRatio, SparseAlgo};

/// Milvus's default HNSW `M` (links per node).
pub const DEFAULT_HNSW_M: u32 = 30;
/// Milvus's default HNSW `efConstruction` (candidates while building).
pub const DEFAULT_HNSW_EF_CONSTRUCTION: u32 = 360;
/// Milvus's default IVF `nlist` (k-means clusters).
pub const DEFAULT_IVF_NLIST: u32 = 128;
/// What `AUTOINDEX` builds on a vector field: HNSW with the parameters of Milvus's
/// `autoIndex.params.build` (`M` 18, `efConstruction` 240).
pub const AUTOINDEX_VECTOR: IndexParams = IndexParams::Hnsw { m: 18, ef_construction: 240 };

/// Index type and build parameters, with Milvus's names, defaults and ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexParams {
    /// Exact search; no index data.
    Flat,
    /// Hierarchical navigable small-world graph: `m` links per node (2..=2048, default
    /// [`DEFAULT_HNSW_M`]), `ef_construction` candidates while building (1..=i32::MAX, default
    /// [`DEFAULT_HNSW_EF_CONSTRUCTION`]).
    Hnsw { m: u32, ef_construction: u32 },
    /// Inverted file over `nlist` k-means clusters (1..=65536, default [`DEFAULT_IVF_NLIST`]).
    IvfFlat { nlist: u32 },
    /// Scalar: the field's distinct values in order, each with the rows holding it (equality,
    /// `in`, ranges, prefix `like`). Bool, integer, float and VarChar fields.
    Inverted,
    /// Scalar: the rows in value order (equality, `in`, ranges). Integer and float fields.
    StlSort,
    /// Scalar: a bitmap of rows per distinct value, for low-cardinality fields. Bool, integer
    /// and VarChar fields other than the primary key.
    Bitmap,
    /// Scalar: the strings in order with their rows (equality, `in`, ranges, prefix `like`).
    /// VarChar fields.
    Trie,
    /// Sparse vectors: a posting list per dimension, searched by `algo`; the smallest
    /// `drop_ratio_build` of all values (by magnitude) are left out of the lists.
    SparseInvertedIndex { drop_ratio_build: DropRatio, algo: SparseAlgo },
    /// Sparse vectors: SPARSE_INVERTED_INDEX searched by WAND (Milvus's older name for it).
    SparseWand { drop_ratio_build: DropRatio },
}

/// The integer build parameters an index type reads, under Milvus's names.
fn build_keys(params: &IndexParams) -> &'static [&'static str] {
    match params {
        IndexParams::Flat
        | IndexParams::Inverted
        | IndexParams::StlSort
        | IndexParams::Bitmap
        | IndexParams::Trie => &[],
        IndexParams::Hnsw { .. } => &["M", "efConstruction"],
        IndexParams::IvfFlat { .. } => &["nlist"],
        // Read by the sparse parameters' own parser (a ratio and a name, not integers).
        IndexParams::SparseInvertedIndex { .. } | IndexParams::SparseWand { .. } => &[],
    }
}

impl IndexParams {
    /// Parses an index request in Milvus's terms: the type name and its build parameters as
    /// Milvus's key/value map.
    ///
    /// Type names (any case): `FLAT` (also named `BIN_FLAT`, binary vectors' name for it; it
    /// takes Milvus's `nlist`, checked and without effect), `HNSW`, `IVF_FLAT` (also named `BIN_IVF_FLAT`), `AUTOINDEX` or an empty name (which
    /// build [`AUTOINDEX_VECTOR`]; on a scalar field the collection resolves `AUTOINDEX` with
    /// `scalar_index::auto_index` instead), and the scalar types `INVERTED`,
    /// `STL_SORT`, `BITMAP` and `TRIE`; the sparse-vector types `SPARSE_INVERTED_INDEX` and
    /// `SPARSE_WAND` read their own keys (see the `sparse` parameters module). Keys: `M` and `efConstruction` for HNSW, `nlist` for
    /// IVF_FLAT (none for the others); values are decimal integers; an absent key or an empty value
    /// takes the default ([`DEFAULT_HNSW_M`], [`DEFAULT_HNSW_EF_CONSTRUCTION`],
    /// [`DEFAULT_IVF_NLIST`]). The result is checked with [`IndexParams::validate`]: as in
    /// Milvus, `0` is out of range for every parameter, not a request for the default.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for any other index type and for a key the type does not read
    /// (it would be ignored); [`Error::InvalidArgument`] for a key given twice, a value that is
    /// not a non-negative 32-bit integer, a value out of range, or `index_type` / `metric_type`
    /// among the build parameters (they are arguments of their own).
    pub fn from_milvus(index_type: &str, params: &[(&str, &str)]) -> Result<IndexParams> {
        let type_name = index_type.trim().to_ascii_uppercase();
        if let Some(sparse) = sparse::from_milvus(&type_name, params)? {
            return Ok(sparse);
        }
        let shape = match type_name.as_str() {
            "FLAT" | "BIN_FLAT" => IndexParams::Flat,
            "AUTOINDEX" | "" => AUTOINDEX_VECTOR,
            "HNSW" => IndexParams::Hnsw { m: 0, ef_construction: 0 },
            "IVF_FLAT" | "BIN_IVF_FLAT" => IndexParams::IvfFlat { nlist: 0 },
            "INVERTED" => IndexParams::Inverted,
            "STL_SORT" => IndexParams::StlSort,
            "BITMAP" => IndexParams::Bitmap,
            "TRIE" => IndexParams::Trie,
            _ => {
                return Err(Error::Unsupported(format!(
                    "index type `{index_type}`: veclite builds FLAT, HNSW and IVF_FLAT on vector fields (BIN_FLAT and BIN_IVF_FLAT on binary ones) \
                     (AUTOINDEX builds HNSW), SPARSE_INVERTED_INDEX and SPARSE_WAND on sparse vector fields, \
                     and INVERTED, STL_SORT, BITMAP and TRIE on scalar fields"
                )));
            }
        };
        let auto = matches!(type_name.as_str(), "AUTOINDEX" | "");
        let shown = if type_name.is_empty() { "AUTOINDEX" } else { type_name.as_str() };
        let keys: &[&str] = if auto { &[] } else { build_keys(&shape) };
        // Per key: None = not given, Some(None) = given empty (the default).
        let mut values: Vec<Option<Option<u32>>> = vec![None; keys.len()];
        for &(key, value) in params {
            if key == "index_type" || key == "metric_type" {
                return Err(Error::InvalidArgument(format!(
                    "index param `{key}`: give the {} beside the build params, not among them",
                    if key == "index_type" { "index type" } else { "metric" }
                )));
            }
            if shape == IndexParams::Flat && key == "nlist" {
                // Milvus's FLAT and BIN_FLAT take the `nlist` SDKs send with them (milvus-sdk-go's
                // NewIndexBinFlat always does): checked, kept in the given map, and without
                // effect, since an exact index has no lists (as in Milvus).
                if let Some(nlist) = parse_build_value(key, value)? {
                    IndexParams::IvfFlat { nlist }.validate()?;
                }
                continue;
            }
            let Some(i) = keys.iter().position(|k| *k == key) else {
                let reads = if keys.is_empty() { "no build params".to_owned() } else { keys.join(" and ") };
                return Err(Error::Unsupported(format!(
                    "index param `{key}` for {shown} ({shown} reads {reads})"
                )));
            };
            if values[i].is_some() {
                return Err(Error::InvalidArgument(format!("index param `{key}` is given twice")));
            }
            values[i] = Some(parse_build_value(key, value)?);
        }
        let value = |i: usize, default: u32| values[i].flatten().unwrap_or(default);
        let params = match shape {
            _ if auto => AUTOINDEX_VECTOR,
            IndexParams::Flat
            | IndexParams::Inverted
            | IndexParams::StlSort
            | IndexParams::Bitmap
            | IndexParams::Trie => shape,
            IndexParams::Hnsw { .. } => IndexParams::Hnsw {
                m: value(0, DEFAULT_HNSW_M),
                ef_construction: value(1, DEFAULT_HNSW_EF_CONSTRUCTION),
            },
            IndexParams::IvfFlat { .. } => IndexParams::IvfFlat { nlist: value(0, DEFAULT_IVF_NLIST) },
            IndexParams::SparseInvertedIndex { .. } | IndexParams::SparseWand { .. } => shape,
        };
        params.validate()?;
        Ok(params)
    }

    /// The numeric build parameters under Milvus's names with their values: `M` and
    /// `efConstruction` for HNSW, `nlist` for IVF_FLAT, none for the others (the sparse types'
    /// parameters are a ratio and a name: `IndexParams::sparse_milvus_params`).
    pub fn milvus_params(&self) -> Vec<(&'static str, u32)> {
        let values = match *self {
            IndexParams::Flat
            | IndexParams::Inverted
            | IndexParams::StlSort
            | IndexParams::Bitmap
            | IndexParams::Trie
            | IndexParams::SparseInvertedIndex { .. }
            | IndexParams::SparseWand { .. } => vec![],
            IndexParams::Hnsw { m, ef_construction } => vec![m, ef_construction],
            IndexParams::IvfFlat { nlist } => vec![nlist],
        };
        build_keys(self).iter().copied().zip(values).collect()
    }

    /// Milvus's type name: "FLAT", "HNSW", "IVF_FLAT", "INVERTED", "STL_SORT", "BITMAP" or
    /// "Trie" (Milvus spells it so).
    pub fn type_name(&self) -> &'static str {
        match self {
            IndexParams::Flat => "FLAT",
            IndexParams::Hnsw { .. } => "HNSW",
            IndexParams::IvfFlat { .. } => "IVF_FLAT",
            IndexParams::Inverted => "INVERTED",
            IndexParams::StlSort => "STL_SORT",
            IndexParams::Bitmap => "BITMAP",
            IndexParams::Trie => "Trie",
            IndexParams::SparseInvertedIndex { .. } => "SPARSE_INVERTED_INDEX",
            IndexParams::SparseWand { .. } => "SPARSE_WAND",
        }
    }

    /// Whether this is a sparse-vector index type (SPARSE_INVERTED_INDEX, SPARSE_WAND).
    pub fn is_sparse(&self) -> bool {
        matches!(self, IndexParams::SparseInvertedIndex { .. } | IndexParams::SparseWand { .. })
    }

    /// The search algorithm of a sparse index type (`None` for the others).
    pub fn sparse_algo(&self) -> Option<SparseAlgo> {
        match *self {
            IndexParams::SparseInvertedIndex { algo, .. } => Some(algo),
            IndexParams::SparseWand { .. } => Some(SparseAlgo::DaatWand),
            _ => None,
        }
    }

    /// Whether this is a vector index type (FLAT, HNSW, IVF_FLAT, SPARSE_INVERTED_INDEX,
    /// SPARSE_WAND).
    pub fn is_vector_index(&self) -> bool {
        !self.is_scalar()
    }

    /// Whether this is a scalar index type (INVERTED, STL_SORT, BITMAP, TRIE).
    pub fn is_scalar(&self) -> bool {
        matches!(self, IndexParams::Inverted | IndexParams::StlSort | IndexParams::Bitmap | IndexParams::Trie)
    }

    /// Checks the parameter ranges.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the parameter, its range and the value given.
    pub fn validate(&self) -> Result<()> {
        let range = |name: &str, v: u32, lo: u32, hi: u32| {
            if v < lo || v > hi {
                Err(Error::InvalidArgument(format!("{name} out of range: [{lo}, {hi}], got {v}")))
            } else {
                Ok(())
            }
        };
        match *self {
            IndexParams::Flat
            | IndexParams::Inverted
            | IndexParams::StlSort
            | IndexParams::Bitmap
            | IndexParams::Trie => Ok(()),
            IndexParams::Hnsw { m, ef_construction } => {
                range("M", m, 2, 2048)?;
                range("efConstruction", ef_construction, 1, i32::MAX as u32)
            }
            IndexParams::IvfFlat { nlist } => range("nlist", nlist, 1, 65_536),
            IndexParams::SparseInvertedIndex { drop_ratio_build, .. }
            | IndexParams::SparseWand { drop_ratio_build } => {
                DropRatio::new("drop_ratio_build", drop_ratio_build.get()).map(|_| ())
            }
        }
    }

    /// Whether the index has per-segment data to build.
    pub fn has_data(&self) -> bool {
        !matches!(self, IndexParams::Flat)
    }
}

/// A build parameter's value: a decimal integer in `0..=u32::MAX`, or `None` when empty (the
/// default).
fn parse_build_value(key: &str, value: &str) -> Result<Option<u32>> {
    let text = value.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        Error::InvalidArgument(format!(
            "index param `{key}` = `{value}`: expected a non-negative integer at most {}",
            u32::MAX
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(index_type: &str, params: &[(&str, &str)]) -> Result<IndexParams> {
        IndexParams::from_milvus(index_type, params)
    }

    fn message(r: Result<IndexParams>) -> (crate::error::Status, String) {
        let e = r.expect_err("should fail");
        (e.status(), e.to_string())
    }

    #[test]
    fn every_type_with_its_params() {
        assert_eq!(parse("FLAT", &[]).unwrap(), IndexParams::Flat);
        assert_eq!(
            parse("HNSW", &[("M", "8"), ("efConstruction", "40")]).unwrap(),
            IndexParams::Hnsw { m: 8, ef_construction: 40 }
        );
        assert_eq!(parse("IVF_FLAT", &[("nlist", "16")]).unwrap(), IndexParams::IvfFlat { nlist: 16 });
    }

    #[test]
    fn absent_and_empty_take_the_defaults() {
        let hnsw = IndexParams::Hnsw { m: DEFAULT_HNSW_M, ef_construction: DEFAULT_HNSW_EF_CONSTRUCTION };
        assert_eq!(parse("HNSW", &[]).unwrap(), hnsw);
        assert_eq!(parse("HNSW", &[("M", ""), ("efConstruction", " ")]).unwrap(), hnsw);
        assert_eq!(
            parse("HNSW", &[("efConstruction", "50")]).unwrap(),
            IndexParams::Hnsw { m: 30, ef_construction: 50 }
        );
        assert_eq!(parse("IVF_FLAT", &[]).unwrap(), IndexParams::IvfFlat { nlist: 128 });
    }

    #[test]
    fn type_names_in_any_case_and_autoindex_is_hnsw() {
        assert_eq!(parse("hnsw", &[("M", "4")]).unwrap(), IndexParams::Hnsw { m: 4, ef_construction: 360 });
        assert_eq!(parse(" Ivf_Flat ", &[]).unwrap(), IndexParams::IvfFlat { nlist: 128 });
        assert_eq!(parse("flat", &[]).unwrap(), IndexParams::Flat);
        assert_eq!(parse("AUTOINDEX", &[]).unwrap(), AUTOINDEX_VECTOR);
        assert_eq!(parse("autoindex", &[]).unwrap(), AUTOINDEX_VECTOR);
        assert_eq!(parse("", &[]).unwrap(), AUTOINDEX_VECTOR);
        assert_eq!(AUTOINDEX_VECTOR, IndexParams::Hnsw { m: 18, ef_construction: 240 });
        for (name, p) in [
            ("inverted", IndexParams::Inverted),
            ("STL_SORT", IndexParams::StlSort),
            ("Bitmap", IndexParams::Bitmap),
            ("TRIE", IndexParams::Trie),
            ("Trie", IndexParams::Trie),
        ] {
            assert_eq!(parse(name, &[]).unwrap(), p);
            assert!(p.is_scalar() && p.has_data());
        }
    }

    #[test]
    fn other_types_are_unsupported() {
        for t in ["IVF_PQ", "IVF_SQ8", "DISKANN", "SCANN", "HYBRID", "nonsense"] {
            let (status, text) = message(parse(t, &[]));
            assert_eq!(status, crate::error::Status::Unsupported, "{t}");
            assert!(text.contains(&format!("`{t}`")) && text.contains("FLAT, HNSW and IVF_FLAT"), "{text}");
            assert!(text.contains("INVERTED, STL_SORT, BITMAP and TRIE"), "{text}");
        }
    }

    #[test]
    fn bin_ivf_flat_is_ivf_flat_with_nlist() {
        assert_eq!(parse("bin_ivf_flat", &[("nlist", "64")]).unwrap(), IndexParams::IvfFlat { nlist: 64 });
    }

    #[test]
    fn keys_the_type_does_not_read_are_refused_by_name() {
        let cases: [(&str, (&str, &str), &[&str]); 6] = [
            ("HNSW", ("nlist", "16"), &["`nlist`", "HNSW reads M and efConstruction"]),
            ("FLAT", ("M", "8"), &["`M`", "FLAT reads no build params"]),
            ("AUTOINDEX", ("nlist", "4"), &["`nlist`", "AUTOINDEX reads no build params"]),
            ("INVERTED", ("M", "4"), &["`M`", "INVERTED reads no build params"]),
            ("IVF_FLAT", ("mmap.enabled", "true"), &["`mmap.enabled`", "IVF_FLAT reads nlist"]),
            // Milvus's names are case-sensitive: `m` is IVF_PQ's parameter, not HNSW's `M`.
            ("HNSW", ("m", "8"), &["`m`", "HNSW reads M"]),
        ];
        for (t, kv, words) in cases {
            let (status, text) = message(parse(t, &[kv]));
            assert_eq!(status, crate::error::Status::Unsupported, "{text}");
            for w in words {
                assert!(text.contains(w), "{text} lacks {w}");
            }
        }
    }

    #[test]
    fn values_and_ranges_are_checked() {
        let invalid = |t: &str, kv: (&str, &str), words: &[&str]| {
            let (status, text) = message(parse(t, &[kv]));
            assert_eq!(status, crate::error::Status::InvalidArgument, "{text}");
            for w in words {
                assert!(text.contains(w), "{text} lacks {w}");
            }
        };
        invalid("HNSW", ("M", "-1"), &["`M`", "`-1`", "non-negative integer"]);
        invalid("HNSW", ("M", "8.5"), &["`M`", "integer"]);
        invalid("HNSW", ("efConstruction", "1099511627776"), &["efConstruction", "at most 4294967295"]);
        invalid("HNSW", ("M", "1"), &["M out of range: [2, 2048], got 1"]);
        // As in Milvus, 0 is out of range rather than the default.
        invalid("HNSW", ("M", "0"), &["M out of range: [2, 2048], got 0"]);
        invalid("HNSW", ("efConstruction", "0"), &["efConstruction out of range: [1, 2147483647], got 0"]);
        invalid("IVF_FLAT", ("nlist", "0"), &["nlist out of range: [1, 65536], got 0"]);
        invalid("HNSW", ("M", "2049"), &["M out of range"]);
        invalid("HNSW", ("efConstruction", "2147483648"), &["efConstruction out of range"]);
        invalid("IVF_FLAT", ("nlist", "65537"), &["nlist out of range: [1, 65536]"]);
        assert_eq!(
            parse("HNSW", &[("M", "2048")]).unwrap(),
            IndexParams::Hnsw { m: 2048, ef_construction: 360 }
        );
        assert_eq!(parse("IVF_FLAT", &[("nlist", "65536")]).unwrap(), IndexParams::IvfFlat { nlist: 65_536 });
        invalid(
            "IVF_FLAT",
            ("metric_type", "L2"),
            &["`metric_type`", "give the metric beside the build params"],
        );
        invalid("HNSW", ("index_type", "HNSW"), &["`index_type`", "give the index type beside"]);
        let (status, text) = message(parse("HNSW", &[("M", "8"), ("M", "16")]));
        assert_eq!(status, crate::error::Status::InvalidArgument);
        assert!(text.contains("`M` is given twice"), "{text}");
    }

    #[test]
    fn milvus_params_round_trip() {
        for p in [
            IndexParams::Flat,
            IndexParams::Hnsw { m: 8, ef_construction: 40 },
            IndexParams::IvfFlat { nlist: 9 },
            IndexParams::Trie,
        ] {
            let text: Vec<(&str, String)> =
                p.milvus_params().into_iter().map(|(k, v)| (k, v.to_string())).collect();
            let pairs: Vec<(&str, &str)> = text.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(parse(p.type_name(), &pairs).unwrap(), p);
        }
    }
}
