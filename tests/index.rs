//! Vector indexes through the Rust API: recall against exact search on a fixed-seed Gaussian
//! mixture, upserts and deletes after indexing, reopen without rebuild, corruption, filters,
//! describe/drop, parameter errors and cancellation.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_distr_free::gaussian;
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys, Schema,
    SearchParams, SearchRequest, Status,
};

const DIM: usize = 32;

/// Box–Muller normal draws, so the test needs no distribution crate.
mod rand_distr_free {
    use rand::Rng;
    pub fn gaussian(rng: &mut impl Rng) -> f32 {
        let (u1, u2): (f64, f64) = (rng.random_range(1e-12..1.0), rng.random());
        ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
    }
}

/// A Gaussian mixture: 25 centres ~ N(0, 1), points = centre + 0.3 · N(0, 1).
fn mixture(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let centres: Vec<f32> = (0..25 * DIM).map(|_| gaussian(&mut rng)).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .flat_map(|_| {
            let c = rng.random_range(0..25);
            (0..DIM).map(|j| centres[c * DIM + j] + 0.3 * gaussian(&mut rng)).collect::<Vec<_>>()
        })
        .collect()
}

fn schema() -> Schema {
    Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

fn upsert(db: &Database, first: i64, vectors: &[f32]) {
    let n = vectors.len() / DIM;
    let ids: Vec<i64> = (first..first + n as i64).collect();
    db.upsert(
        "c",
        "",
        vec![
            Column::int64("id", ids.clone()),
            Column::int64("tag", ids.iter().map(|i| i % 100).collect()),
            Column::float_vector("v", DIM, vectors.to_vec()),
        ],
    )
    .unwrap();
}

fn ids_of(db: &Database, req: &SearchRequest<'_>) -> Vec<Vec<i64>> {
    db.search(&Context::background(), "c", req)
        .unwrap()
        .into_iter()
        .map(|h| match h.ids {
            PrimaryKeys::Int(v) => v,
            other => panic!("{other:?}"),
        })
        .collect()
}

/// recall@k of an indexed collection against the same search with the index dropped.
fn recall(indexed: &[Vec<i64>], exact: &[Vec<i64>]) -> f64 {
    let hits: usize = indexed
        .iter()
        .zip(exact)
        .map(|(a, b)| {
            let truth: HashSet<_> = b.iter().collect();
            a.iter().filter(|x| truth.contains(x)).count()
        })
        .sum();
    hits as f64 / exact.iter().map(Vec::len).sum::<usize>() as f64
}

fn indexed_db(dir: &Path, n: usize, metric: Metric, params: IndexParams) -> Database {
    let db = Database::open(dir, Options { seal_threshold_bytes: 1 << 30, ..Options::default() }).unwrap();
    db.create_collection(schema()).unwrap();
    upsert(&db, 0, &mixture(n, 1));
    db.flush("c").unwrap();
    db.create_index(&Context::background(), "c", "v", "", metric, params).unwrap();
    db
}

#[test]
fn recall_at_default_params_for_every_metric_and_index_type() {
    let queries = mixture(100, 2);
    let kinds = [IndexParams::Hnsw { m: 30, ef_construction: 360 }, IndexParams::IvfFlat { nlist: 128 }];
    for params in kinds {
        for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
            let dir = tempfile::tempdir().unwrap();
            let db = indexed_db(dir.path(), 10_000, metric, params);
            let info = &db.describe_index("c", Some("v")).unwrap()[0];
            assert!(info.finished() && info.indexed_rows == 10_000, "{info:?}");
            let req = SearchRequest::new(&queries, 10, metric);
            let indexed = ids_of(&db, &req);
            db.drop_index("c", "v").unwrap();
            let exact = ids_of(&db, &req);
            let r = recall(&indexed, &exact);
            assert!(r >= 0.95, "{params:?} {metric:?}: recall@10 {r}");
        }
    }
}

#[test]
fn upserts_and_deletes_after_indexing_are_exact_and_found_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = indexed_db(dir.path(), 5_000, Metric::L2, IndexParams::Hnsw { m: 16, ef_construction: 100 });
    let probe: Vec<f32> = mixture(1, 9);
    // Row 7 gets the probe vector: found at once (growing segment, exact) ...
    upsert(&db, 7, &probe);
    let top = |db: &Database| ids_of(db, &SearchRequest::new(&probe, 5, Metric::L2))[0].clone();
    assert_eq!(top(&db)[0], 7);
    // ... and after flush (indexed sealed segment).
    db.flush("c").unwrap();
    assert!(db.describe_index("c", Some("v")).unwrap()[0].finished());
    assert_eq!(top(&db)[0], 7);
    // The old vector of row 7 never comes back; a deleted row never appears.
    db.delete("c", "", "id == 7").unwrap();
    assert!(!top(&db).contains(&7));
    db.flush("c").unwrap();
    let all = ids_of(&db, &SearchRequest::new(&probe, 100, Metric::L2))[0].clone();
    assert!(!all.contains(&7) && all.len() == 100);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 100, "a key appears once");
}

#[test]
fn filters_keep_k_results_and_very_selective_filters_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let db = indexed_db(dir.path(), 5_000, Metric::L2, IndexParams::Hnsw { m: 16, ef_construction: 100 });
    let queries = mixture(20, 3);
    for filter in ["tag < 50", "tag == 3", "id < 40"] {
        let req = SearchRequest::new(&queries, 10, Metric::L2).filter(filter);
        let with_index = ids_of(&db, &req);
        assert!(with_index.iter().all(|h| h.len() == 10), "{filter}: k results");
        let rows = db.query("c", &[], filter, &["tag"], None, 0).unwrap();
        let allowed: HashSet<i64> = match rows.column("id").unwrap().data() {
            veclite::ColumnData::Int64(v) => v.iter().copied().collect(),
            _ => unreachable!(),
        };
        assert!(with_index.iter().flatten().all(|id| allowed.contains(id)), "{filter}: only matching rows");
        if filter != "tag < 50" {
            // 1 % and 0.8 % selectivity: the planner scans exactly, so results equal exact search.
            db.drop_index("c", "v").unwrap();
            assert_eq!(ids_of(&db, &req), with_index, "{filter}");
            db.create_index(
                &Context::background(),
                "c",
                "v",
                "",
                Metric::L2,
                IndexParams::Hnsw { m: 16, ef_construction: 100 },
            )
            .unwrap();
        }
    }
}

#[test]
fn reopen_uses_the_index_files_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    let queries = mixture(10, 4);
    let params = SearchParams { ef: Some(32), nprobe: None, drop_ratio_search: None };
    let before = {
        let db =
            indexed_db(dir.path(), 3_000, Metric::Cosine, IndexParams::Hnsw { m: 16, ef_construction: 64 });
        assert_eq!(db.collection("c").unwrap().index_builds(), 1);
        let r = ids_of(&db, &SearchRequest::new(&queries, 10, Metric::Cosine).params(params));
        db.close().unwrap();
        r
    };
    let db = Database::open(dir.path(), Options::default()).unwrap();
    let after = ids_of(&db, &SearchRequest::new(&queries, 10, Metric::Cosine).params(params));
    assert_eq!(after, before);
    assert_eq!(db.collection("c").unwrap().index_builds(), 0, "no index is rebuilt on reopen");
    assert!(db.describe_index("c", None).unwrap()[0].finished());
}

/// Builds an L2-indexed database of `rows` rows in `dir`, closes it and returns its index file.
fn index_file(dir: &Path, rows: usize, params: IndexParams) -> PathBuf {
    let db = indexed_db(dir, rows, Metric::L2, params);
    let cdir = db.collection("c").unwrap().dir().to_path_buf();
    db.close().unwrap();
    std::fs::read_dir(cdir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().unwrap() == "idx")
        .unwrap()
}

#[test]
fn a_corrupted_index_file_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = index_file(dir.path(), 2_000, IndexParams::IvfFlat { nlist: 16 });
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    let err = db
        .search(&Context::background(), "c", &SearchRequest::new(&mixture(1, 5), 10, Metric::L2))
        .unwrap_err();
    assert_eq!(err.status(), Status::Corrupted);
    assert!(err.to_string().contains(".idx") && err.to_string().contains("checksum"), "{err}");
}

#[test]
fn index_api_errors_describe_drop_and_cancellation() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    db.create_collection(schema()).unwrap();
    upsert(&db, 0, &mixture(3_000, 6));
    db.flush("c").unwrap();
    let ctx = Context::background();
    let bad = |field: &str, params: IndexParams, needle: &str| {
        let err = db.create_index(&ctx, "c", field, "", Metric::L2, params).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    };
    bad("v", IndexParams::Hnsw { m: 1, ef_construction: 8 }, "M out of range: [2, 2048], got 1");
    bad("v", IndexParams::IvfFlat { nlist: 70_000 }, "nlist out of range");
    bad("tag", IndexParams::Flat, "not a vector field");
    bad("nope", IndexParams::Flat, "field `nope`");
    assert_eq!(db.describe_index("c", Some("v")).unwrap_err().status(), Status::NotFound);

    let cancelled = Context::background();
    cancelled.cancel();
    let err = db
        .create_index(
            &cancelled,
            "c",
            "v",
            "idx",
            Metric::Ip,
            IndexParams::Hnsw { m: 8, ef_construction: 32 },
        )
        .unwrap_err();
    assert_eq!(err.status(), Status::Cancelled);
    let info = &db.describe_index("c", Some("v")).unwrap()[0];
    assert!(!info.finished() && info.pending_rows == 3_000, "defined, not built: {info:?}");
    // The same definition again builds it; a different one is refused.
    db.create_index(&ctx, "c", "v", "idx", Metric::Ip, IndexParams::Hnsw { m: 8, ef_construction: 32 })
        .unwrap();
    assert!(db.describe_index("c", None).unwrap()[0].finished());
    let err =
        db.create_index(&ctx, "c", "v", "other", Metric::L2, IndexParams::IvfFlat { nlist: 8 }).unwrap_err();
    assert!(err.to_string().contains("at most one distinct index"), "{err}");
    let err = db.search(&ctx, "c", &SearchRequest::new(&mixture(1, 7), 3, Metric::L2)).unwrap_err();
    assert!(err.to_string().contains("metric type not match"), "{err}");
    db.drop_index("c", "v").unwrap();
    assert_eq!(db.drop_index("c", "v").unwrap_err().status(), Status::NotFound);
    assert!(db.describe_index("c", None).unwrap().is_empty());
    let files: Vec<_> = std::fs::read_dir(db.collection("c").unwrap().dir()).unwrap().collect();
    assert!(files.iter().all(|f| !f.as_ref().unwrap().path().to_string_lossy().ends_with(".idx")));
}

#[test]
fn segments_sealed_later_are_indexed_automatically() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { seal_threshold_bytes: 200 * 1024, ..Options::default() };
    let db = Database::open(dir.path(), options).unwrap();
    db.create_collection(schema()).unwrap();
    db.create_index(&Context::background(), "c", "v", "", Metric::L2, IndexParams::IvfFlat { nlist: 8 })
        .unwrap();
    let data = mixture(6_000, 8);
    for (i, chunk) in data.chunks(500 * DIM).enumerate() {
        upsert(&db, (i * 500) as i64, chunk);
    }
    db.flush("c").unwrap();
    let info = &db.describe_index("c", Some("v")).unwrap()[0];
    assert!(info.finished() && info.indexed_rows == 6_000, "{info:?}");
    assert!(db.collection("c").unwrap().index_builds() >= 2);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let q: Vec<f32> = (0..DIM).map(|_| rng.random_range(-1.0..1.0)).collect();
    assert_eq!(ids_of(&db, &SearchRequest::new(&q, 10, Metric::L2))[0].len(), 10);
}

#[test]
fn an_index_file_that_disagrees_with_the_manifest_is_rejected_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = index_file(dir.path(), 1_000, IndexParams::Hnsw { m: 8, ef_construction: 32 });
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[20..24].copy_from_slice(&9u32.to_le_bytes()); // M recorded in the header: 8 -> 9
    std::fs::write(&path, &bytes).unwrap();
    let err = Database::open(dir.path(), Options::default()).unwrap_err();
    assert_eq!(err.status(), Status::Corrupted);
    assert!(err.to_string().contains("does not match the index the manifest defines"), "{err}");
}

#[test]
fn milvus_index_params_are_parsed_kept_as_given_described_and_checked_at_search() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::background();
    let given = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    {
        let db = Database::open(dir.path(), Options::default()).unwrap();
        db.create_collection(schema()).unwrap();
        upsert(&db, 0, &mixture(500, 3));
        db.flush("c").unwrap();
        let err = db.create_milvus_index(&ctx, "c", "v", "", "HNSW", "IP", &[("nlist", "8")]).unwrap_err();
        assert_eq!(err.status(), Status::Unsupported, "{err}");
        db.create_milvus_index(&ctx, "c", "v", "", "hnsw", "ip", &[("M", "8")]).unwrap();
        // The same index spelled otherwise is the same index; a different one is refused.
        db.create_milvus_index(&ctx, "c", "v", "", "HNSW", "IP", &[("M", "8"), ("efConstruction", "360")])
            .unwrap();
        db.create_index(&ctx, "c", "v", "", Metric::Ip, IndexParams::Hnsw { m: 8, ef_construction: 360 })
            .unwrap();
        let err = db.create_milvus_index(&ctx, "c", "v", "", "HNSW", "IP", &[("M", "9")]).unwrap_err();
        assert!(err.to_string().contains("at most one distinct index"), "{err}");
        db.close().unwrap();
    }
    let db = Database::open(dir.path(), Options::default()).unwrap();
    let info = db.describe_index("c", Some("v")).unwrap().remove(0);
    assert_eq!(
        (info.index.metric, info.index.params),
        (Metric::Ip, IndexParams::Hnsw { m: 8, ef_construction: 360 })
    );
    assert_eq!(info.index.given_params, given(&[("M", "8")]));
    assert_eq!(info.index.milvus_params(), given(&[("M", "8"), ("efConstruction", "360")]));
    // Search params the HNSW index does not take are refused before the search.
    let ef = SearchParams { ef: Some(16), nprobe: None, drop_ratio_search: None };
    db.check_search_params("c", None, ef).unwrap();
    let nprobe = SearchParams { ef: None, nprobe: Some(4), drop_ratio_search: None };
    let err = db.check_search_params("c", Some("v"), nprobe).unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(
        err.to_string().contains(
            "`nprobe` applies to IVF_FLAT indexes, and field `v` of collection `c` has a HNSW index"
        ),
        "{err}"
    );
    db.drop_index("c", "v").unwrap();
    let err = db.check_search_params("c", None, ef).unwrap_err();
    assert!(
        err.to_string().contains("`ef` applies to HNSW indexes") && err.to_string().contains("no index"),
        "{err}"
    );
}

#[test]
fn an_index_created_without_a_metric_takes_milvus_default() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path(), Options::default()).unwrap();
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 8 }))
        .field(Field::new("b", FieldType::BinaryVector { dim: 64 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    let ctx = Context::background();
    db.create_milvus_index(&ctx, "c", "v", "iv", "HNSW", "", &[]).unwrap();
    db.create_milvus_index(&ctx, "c", "b", "ib", "BIN_FLAT", " ", &[]).unwrap();
    assert_eq!(db.describe_index("c", Some("v")).unwrap()[0].index.metric, Metric::Cosine);
    assert_eq!(db.describe_index("c", Some("b")).unwrap()[0].index.metric, Metric::Hamming);
}
