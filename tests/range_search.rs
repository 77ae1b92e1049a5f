//! Range search (`radius` / `range_filter`, Milvus's direction per metric) and `round_decimal`,
//! against a brute-force oracle: exact on FLAT and on growing data, every returned hit in range
//! and high recall on HNSW, exact on IVF_FLAT probing every list.

mod common;

use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Schema, SearchParams, SearchRequest,
    Status,
};

const DIM: usize = 16;
const ROWS: i64 = 3_000;

fn schema() -> Schema {
    Schema::builder("c")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

/// A database with rows `0..ROWS`: two thirds sealed (indexed with `index`, if any), the rest
/// growing. Returns it with every row's vector.
fn database(dir: &std::path::Path, index: Option<(IndexParams, Metric)>) -> (Database, Vec<Vec<f32>>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let vectors: Vec<Vec<f32>> =
        (0..ROWS).map(|_| (0..DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect()).collect();
    let db = common::open(dir);
    db.create_collection(schema()).unwrap();
    let upsert = |range: std::ops::Range<i64>| {
        let data = range.clone().flat_map(|i| vectors[i as usize].clone()).collect();
        db.upsert("c", "", vec![Column::int64("ID", range.collect()), Column::float_vector("v", DIM, data)])
            .unwrap();
    };
    upsert(0..2 * ROWS / 3);
    if let Some((params, metric)) = index {
        db.create_index(&Context::background(), "c", "v", "", metric, params).unwrap();
    }
    db.flush("c").unwrap();
    upsert(2 * ROWS / 3..ROWS);
    (db, vectors)
}

fn score(metric: Metric, q: &[f32], v: &[f32]) -> f32 {
    let dot: f32 = q.iter().zip(v).map(|(a, b)| a * b).sum();
    match metric {
        Metric::L2 => q.iter().zip(v).map(|(a, b)| (a - b) * (a - b)).sum(),
        Metric::Ip => dot,
        Metric::Cosine => {
            let n = |x: &[f32]| x.iter().map(|a| a * a).sum::<f32>().sqrt();
            dot / (n(q) * n(v))
        }
        Metric::Hamming | Metric::Jaccard => unreachable!("float vectors take L2, IP and COSINE"),
    }
}

/// The bounds (radius, range_filter) of a band holding roughly the rows ranked 100th to 400th,
/// and the oracle's keys in it, best first.
fn band(metric: Metric, query: &[f32], vectors: &[Vec<f32>]) -> (f32, f32, Vec<(i64, f32)>) {
    let mut scored: Vec<(i64, f32)> =
        vectors.iter().enumerate().map(|(i, v)| (i as i64, score(metric, query, v))).collect();
    let better = |a: &(i64, f32), b: &(i64, f32)| {
        let by_score = if metric == Metric::L2 { a.1.total_cmp(&b.1) } else { b.1.total_cmp(&a.1) };
        by_score.then(a.0.cmp(&b.0))
    };
    scored.sort_by(better);
    // Bounds halfway between neighbours, so float rounding cannot move a row across them.
    let mid = |i: usize| (scored[i - 1].1 + scored[i].1) / 2.0;
    let (inner, outer) = (mid(100), mid(400));
    let expected = scored[100..400].to_vec();
    // L2 keeps range_filter <= d < radius; IP and COSINE keep radius < s <= range_filter.
    (outer, inner, expected)
}

fn search(db: &Database, req: &SearchRequest<'_>) -> Vec<(i64, f32)> {
    let hits = db.search(&Context::background(), "c", req).unwrap().remove(0);
    let veclite::PrimaryKeys::Int(ids) = hits.ids else { panic!("integer keys") };
    ids.into_iter().zip(hits.scores).collect()
}

fn check_exact(db: &Database, vectors: &[Vec<f32>], metric: Metric, params: SearchParams, what: &str) {
    let query = vectors[17].clone();
    let (radius, range_filter, expected) = band(metric, &query, vectors);
    for topk in [50, 1_000] {
        let req = SearchRequest::new(&query, topk, metric).params(params).range(radius, Some(range_filter));
        let got = search(db, &req);
        let want: Vec<i64> = expected.iter().take(topk).map(|e| e.0).collect();
        let got_keys: Vec<i64> = got.iter().map(|g| g.0).collect();
        assert_eq!(got_keys, want, "{what} {metric:?} topk {topk}");
    }
}

#[test]
fn range_search_on_flat_and_growing_data_is_exact_for_every_metric() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, vectors) = database(tmp.path(), None);
    for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
        check_exact(&db, &vectors, metric, SearchParams::default(), "flat");
    }
}

#[test]
fn range_search_on_ivf_probing_every_list_is_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, vectors) = database(tmp.path(), Some((IndexParams::IvfFlat { nlist: 16 }, Metric::L2)));
    check_exact(&db, &vectors, Metric::L2, SearchParams { nprobe: Some(16), ..Default::default() }, "ivf");
}

#[test]
fn range_search_on_hnsw_finds_the_band_beyond_the_first_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let hnsw = IndexParams::Hnsw { m: 16, ef_construction: 200 };
    for metric in [Metric::L2, Metric::Ip] {
        let dir = tmp.path().join(metric.name());
        let (db, vectors) = database(&dir, Some((hnsw, metric)));
        let query = vectors[17].clone();
        let (radius, range_filter, expected) = band(metric, &query, &vectors);
        let got = search(&db, &SearchRequest::new(&query, 50, metric).range(radius, Some(range_filter)));
        for (key, s) in &got {
            let in_range = if metric == Metric::L2 {
                range_filter <= *s && *s < radius
            } else {
                radius < *s && *s <= range_filter
            };
            assert!(in_range, "{metric:?}: key {key} score {s} outside [{range_filter}, {radius})");
        }
        // The band starts 100 rows out, past the 50 candidates an index returns first; asking
        // for more must reach it.
        let expected = &expected[..50];
        let found = expected.iter().filter(|e| got.iter().any(|g| g.0 == e.0)).count();
        assert!(found * 100 >= expected.len() * 90, "{metric:?}: recall {found}/{}", expected.len());
    }
}

#[test]
fn range_bounds_follow_milvus_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, vectors) = database(tmp.path(), None);
    let q = &vectors[0];
    let refused = |req: SearchRequest<'_>, needle: &str| {
        let err = db.search(&Context::background(), "c", &req).unwrap_err();
        assert_eq!(err.status(), Status::InvalidArgument, "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    };
    refused(
        SearchRequest::new(q, 5, Metric::L2).range(1.0, Some(2.0)),
        "range_filter must be less than radius",
    );
    refused(
        SearchRequest::new(q, 5, Metric::Ip).range(1.0, Some(0.5)),
        "range_filter must be greater than radius",
    );
    refused(SearchRequest::new(q, 5, Metric::L2).range(f32::NAN, None), "finite");
    let mut filter_only = SearchRequest::new(q, 5, Metric::L2);
    filter_only.range_filter = Some(1.0);
    refused(filter_only, "range_filter needs radius");
    refused(SearchRequest::new(q, 5, Metric::L2).round_decimal(7), "round_decimal 7");

    // A radius alone: every L2 distance below it, nothing else.
    let got = search(&db, &SearchRequest::new(q, 10_000 / 2, Metric::L2).range(2.0, None));
    let want = vectors.iter().filter(|v| score(Metric::L2, q, v) < 2.0).count();
    assert_eq!(got.len(), want);
}

#[test]
fn round_decimal_rounds_scores_half_away_from_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, vectors) = database(tmp.path(), None);
    let q = &vectors[3];
    let plain = search(&db, &SearchRequest::new(q, 20, Metric::Ip));
    let rounded = search(&db, &SearchRequest::new(q, 20, Metric::Ip).round_decimal(2));
    assert_eq!(
        plain.iter().map(|p| p.0).collect::<Vec<_>>(),
        rounded.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    for ((_, p), (_, r)) in plain.iter().zip(&rounded) {
        assert_eq!(*r, ((*p as f64 * 100.0).round() / 100.0) as f32);
        assert!((r * 100.0 - (r * 100.0).round()).abs() < 1e-3, "{r} has two decimals");
    }
    assert!(plain.iter().zip(&rounded).any(|(p, r)| p.1 != r.1), "rounding changed something");
}
