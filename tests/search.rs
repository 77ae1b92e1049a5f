//! Search results equal a brute-force scalar oracle (keys and scores) on random data, for each
//! metric, with deletes, upserts, partitions, filters and several segments, before and after
//! flush and compaction and across reopen; plus limits, ties and fewer-than-k.

mod common;

use std::collections::HashMap;

use common::*;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKey, PrimaryKeys,
    Schema, SearchHits, SearchParams, SearchRequest, Status,
};

const DIM: usize = 16;

/// The model: key → (partition, tag, vector).
type Model = HashMap<i64, (String, i64, Vec<f32>)>;

/// A filter case: expression, partitions, and the oracle's row predicate (partition, tag).
type Case<'a> = (&'a str, &'a [&'a str], &'a dyn Fn(&str, i64) -> bool);

fn schema() -> Schema {
    Schema::builder("c")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

fn write(db: &Database, model: &mut Model, rng: &mut impl Rng, partition: &str, keys: &[i64]) {
    let tags: Vec<i64> = keys.iter().map(|_| rng.random_range(0..10)).collect();
    let vecs: Vec<f32> = (0..keys.len() * DIM).map(|_| rng.random_range(-1.0..1.0)).collect();
    db.upsert(
        "c",
        partition,
        vec![
            Column::int64("ID", keys.to_vec()),
            Column::int64("tag", tags.clone()),
            Column::float_vector("v", DIM, vecs.clone()),
        ],
    )
    .unwrap();
    let name = if partition.is_empty() { "_default" } else { partition };
    for (i, &k) in keys.iter().enumerate() {
        model.insert(k, (name.to_owned(), tags[i], vecs[i * DIM..(i + 1) * DIM].to_vec()));
    }
}

fn oracle_score(metric: Metric, q: &[f32], v: &[f32]) -> f64 {
    let dot: f64 = q.iter().zip(v).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
    match metric {
        Metric::L2 => q.iter().zip(v).map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2)).sum(),
        Metric::Ip => dot,
        Metric::Cosine => {
            let n = |x: &[f32]| x.iter().map(|a| f64::from(*a).powi(2)).sum::<f64>().sqrt();
            dot / (n(q) * n(v))
        }
        Metric::Hamming | Metric::Jaccard => unreachable!("float vectors take L2, IP and COSINE"),
    }
}

/// Oracle: (key, score) of the best `k` rows of `model` matching `keep`.
fn oracle(
    model: &Model,
    metric: Metric,
    q: &[f32],
    k: usize,
    keep: &dyn Fn(&str, i64) -> bool,
) -> Vec<(i64, f64)> {
    let mut all: Vec<(i64, f64)> = model
        .iter()
        .filter(|(_, (p, tag, _))| keep(p, *tag))
        .map(|(&key, (_, _, v))| (key, oracle_score(metric, q, v)))
        .collect();
    all.sort_by(|a, b| {
        let ord = if metric == Metric::L2 { a.1.total_cmp(&b.1) } else { b.1.total_cmp(&a.1) };
        ord.then(a.0.cmp(&b.0))
    });
    all.truncate(k);
    all
}

fn check(hits: &SearchHits, expected: &[(i64, f64)], what: &str) {
    let PrimaryKeys::Int(ids) = &hits.ids else { panic!("int keys") };
    assert_eq!(ids.len(), expected.len(), "{what}: hit count");
    for (i, ((id, score), (eid, escore))) in ids.iter().zip(&hits.scores).zip(expected).enumerate() {
        let close = (f64::from(*score) - escore).abs() <= 1e-4 * (1.0 + escore.abs());
        // Near-ties may swap order under f32 rounding; then the score must still match the oracle's.
        assert!(close, "{what}: rank {i}: got {id} {score}, expected {eid} {escore}");
        if id != eid {
            let other = expected.iter().find(|(k, _)| k == id).map(|e| e.1);
            assert!(
                other.is_some_and(|s| (s - escore).abs() <= 1e-4 * (1.0 + s.abs())),
                "{what}: rank {i}: {id} vs {eid}"
            );
        }
    }
}

fn run_all_checks(db: &Database, model: &Model, rng: &mut impl Rng, what: &str) {
    // 3 queries take the 4 × 4 multi-query kernel, 17 the packed-panel one (16 + a tail).
    for (metric, nq) in [Metric::L2, Metric::Ip, Metric::Cosine].into_iter().flat_map(|m| [(m, 3), (m, 17)]) {
        let queries: Vec<f32> = (0..nq * DIM).map(|_| rng.random_range(-1.0..1.0)).collect();
        let cases: [Case<'_>; 4] = [
            ("", &[], &|_, _| true),
            ("tag < 3", &[], &|_, t| t < 3),
            ("tag == 7", &["p"], &|p, t| p == "p" && t == 7),
            ("", &["_default"], &|p, _| p == "_default"),
        ];
        for (filter, partitions, keep) in cases {
            for k in [1, 10, 500] {
                let req = SearchRequest::new(&queries, k, metric).filter(filter).partitions(partitions);
                let results = db.search(&Context::background(), "c", &req).unwrap();
                assert_eq!(results.len(), nq);
                for (q, hits) in results.iter().enumerate() {
                    let expected = oracle(model, metric, &queries[q * DIM..(q + 1) * DIM], k, keep);
                    check(
                        hits,
                        &expected,
                        &format!("{what} {metric:?} filter `{filter}` {partitions:?} k={k} q={q}"),
                    );
                }
            }
        }
    }
}

#[test]
fn search_matches_brute_force_oracle_through_the_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { seal_threshold_bytes: 64 * 1024, worker_threads: 2, ..Options::default() };
    let db = Database::open(dir.path(), options.clone()).unwrap();
    db.create_collection(schema()).unwrap();
    db.create_partition("c", "p").unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut model = Model::new();
    let keys: Vec<i64> = (0..3_000).collect();
    for chunk in keys.chunks(500) {
        write(&db, &mut model, &mut rng, "", chunk);
    }
    write(&db, &mut model, &mut rng, "p", &keys[1_000..1_600]);
    let gone: Vec<i64> = (0..3_000).step_by(7).collect();
    db.delete_by_pks("c", "", &PrimaryKeys::Int(gone.clone())).unwrap();
    gone.iter().for_each(|k| {
        model.remove(k);
    });
    let (sealed, growing) = db.collection("c").unwrap().segment_counts();
    assert!(sealed >= 2 && growing >= 1, "mixed sealed and growing: {sealed} {growing}");
    run_all_checks(&db, &model, &mut rng, "growing+sealed");
    db.flush("c").unwrap();
    run_all_checks(&db, &model, &mut rng, "flushed");
    write(&db, &mut model, &mut rng, "", &keys[2_500..2_700]);
    db.compact("c").unwrap();
    run_all_checks(&db, &model, &mut rng, "compacted");
    db.close().unwrap();
    let db = Database::open(dir.path(), options).unwrap();
    run_all_checks(&db, &model, &mut rng, "reopened");
}

#[test]
fn replaced_and_deleted_rows_never_return_with_their_old_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    let ids: Vec<i64> = (0..100).collect();
    db.upsert("c", "", seed_columns(&ids, 0.0)).unwrap();
    db.flush("c").unwrap();
    let old7: Vec<f32> = (0..8).map(|j| (7 + j) as f32).collect();
    let search = |db: &Database| {
        let hits =
            db.search(&Context::background(), "c", &SearchRequest::new(&old7, 110, Metric::L2)).unwrap();
        let PrimaryKeys::Int(v) = hits[0].ids.clone() else { panic!() };
        (v, hits[0].scores.clone())
    };
    let (ids0, scores0) = search(&db);
    assert_eq!((ids0[0], scores0[0]), (7, 0.0));
    db.delete_by_pks("c", "", &PrimaryKeys::Int(vec![7])).unwrap();
    assert!(!search(&db).0.contains(&7));
    db.upsert("c", "", seed_columns(&[7], 100.0)).unwrap();
    let (ids, scores) = search(&db);
    let pos = ids.iter().position(|&k| k == 7).unwrap();
    assert_eq!(ids.iter().filter(|&&k| k == 7).count(), 1);
    assert!(scores[pos] > 1000.0, "only the new vector is found");
    db.flush("c").unwrap();
    drop(db);
    let db = open(dir.path());
    let (ids2, scores2) = search(&db);
    assert_eq!((ids2, scores2), (ids, scores));
}

#[test]
fn limits_ties_fewer_than_k_and_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db(dir.path());
    // Keys 5, 3, 9 share one vector: equal scores order by smaller key.
    let same = vec![1.0f32; 8];
    db.upsert(
        "c",
        "",
        vec![
            Column::int64("ID", vec![5, 3, 9, 1]),
            Column::double("random", vec![0.0; 4]),
            Column::float_vector(
                "embeddings",
                8,
                [same.clone(), same.clone(), same.clone(), vec![9.0; 8]].concat(),
            ),
        ],
    )
    .unwrap();
    let ctx = Context::background();
    let hits = db.search(&ctx, "c", &SearchRequest::new(&same, 10, Metric::L2)).unwrap();
    assert_eq!(hits[0].ids, PrimaryKeys::Int(vec![3, 5, 9, 1]), "fewer than k; ties by key");
    let hits = db.search(&ctx, "c", &SearchRequest::new(&same, 2, Metric::Ip).offset(1)).unwrap();
    assert_eq!(
        hits[0].ids,
        PrimaryKeys::Int(vec![3, 5]),
        "IP descending: key 1 (dot 72) first, skipped by offset"
    );
    let hits = db
        .search(&ctx, "c", &SearchRequest::new(&same, 1, Metric::L2).output_fields(&["random", "embeddings"]))
        .unwrap();
    assert_eq!(hits[0].fields.columns.len(), 3);
    assert_eq!(hits[0].fields.column("embeddings").unwrap().data().as_ref().vector_at(0), &same[..]);

    let bad = |req: SearchRequest<'_>, status: Status, needle: &str| {
        let err = db.search(&ctx, "c", &req).unwrap_err();
        assert_eq!(err.status(), status, "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    };
    bad(SearchRequest::new(&same, 0, Metric::L2), Status::InvalidArgument, "topk [0]");
    bad(SearchRequest::new(&same, 16_385, Metric::L2), Status::InvalidArgument, "topk [16385]");
    bad(
        SearchRequest::new(&same, 10, Metric::L2).offset(16_380),
        Status::InvalidArgument,
        "offset+topk [16390]",
    );
    bad(SearchRequest::new(&same[..7], 1, Metric::L2), Status::DimensionMismatch, "dim 8");
    bad(SearchRequest::new(&[], 1, Metric::L2), Status::DimensionMismatch, "dim 8");
    let many = vec![0.5f32; 8 * 16_385];
    bad(SearchRequest::new(&many, 1, Metric::L2), Status::InvalidArgument, "nq");
    let mut nan = same.clone();
    nan[3] = f32::NAN;
    bad(SearchRequest::new(&nan, 1, Metric::L2), Status::InvalidValue, "component 3");
    bad(SearchRequest::new(&same, 1, Metric::L2).partitions(&["zz"]), Status::NotFound, "partition `zz`");
    bad(
        SearchRequest::new(&same, 1, Metric::L2).vector_field("random"),
        Status::SchemaMismatch,
        "not a vector",
    );
    bad(SearchRequest::new(&same, 1, Metric::L2).filter("nope > 1"), Status::InvalidArgument, "nope");
    bad(SearchRequest::new(&same, 1, Metric::L2).output_fields(&["nope"]), Status::NotFound, "field `nope`");

    let cancelled = Context::background();
    cancelled.cancel();
    let err = db.search(&cancelled, "c", &SearchRequest::new(&same, 1, Metric::L2)).unwrap_err();
    assert_eq!(err.status(), Status::Cancelled);
    let expired = Context::with_deadline(std::time::Instant::now() - std::time::Duration::from_millis(1));
    let err = db.search(&expired, "c", &SearchRequest::new(&same, 1, Metric::L2)).unwrap_err();
    assert_eq!(err.status(), Status::DeadlineExceeded);
}

#[test]
fn varchar_keys_search_and_tie_break() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(rich_schema("r")).unwrap();
    db.upsert(
        "r",
        "",
        vec![
            Column::varchar("pk", ["b", "a", "c"]),
            Column::float_vector("v", 3, vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
        ],
    )
    .unwrap();
    let hits = db
        .search(&Context::background(), "r", &SearchRequest::new(&[1.0, 0.0, 0.0], 3, Metric::Cosine))
        .unwrap();
    assert_eq!(hits[0].ids, PrimaryKeys::Str(vec!["a".into(), "b".into(), "c".into()]));
    assert_eq!(hits[0].scores, vec![1.0, 1.0, 0.0]);
}

#[test]
fn l2_is_exact_even_when_norms_dwarf_distances() {
    // Every vector sits near (1000, …, 1000): |x|² ≈ 1.6e7 while neighbors differ by ~1e-2, so
    // an L2 computed from inner products alone would lose the ranking to rounding.
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(schema()).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut model = Model::new();
    let n = 2_000;
    let vecs: Vec<f32> = (0..n * DIM).map(|_| 1000.0 + rng.random_range(-0.05f32..0.05)).collect();
    db.upsert(
        "c",
        "",
        vec![
            Column::int64("ID", (0..n as i64).collect()),
            Column::int64("tag", vec![0; n]),
            Column::float_vector("v", DIM, vecs.clone()),
        ],
    )
    .unwrap();
    for i in 0..n {
        model.insert(i as i64, ("_default".into(), 0, vecs[i * DIM..(i + 1) * DIM].to_vec()));
    }
    db.flush("c").unwrap();
    let queries: Vec<f32> = (0..4 * DIM).map(|_| 1000.0 + rng.random_range(-0.05f32..0.05)).collect();
    let hits = db.search(&Context::background(), "c", &SearchRequest::new(&queries, 10, Metric::L2)).unwrap();
    for (q, h) in hits.iter().enumerate() {
        let expected = oracle(&model, Metric::L2, &queries[q * DIM..(q + 1) * DIM], 10, &|_, _| true);
        check(h, &expected, &format!("offset data, query {q}"));
    }
}

/// Rows whose norms span 1 to just under the bound, the issue's three rows scaled to it first.
fn magnitude_rows(rng: &mut impl Rng, n: usize) -> Vec<f32> {
    let edge = 0.999 * veclite::MAX_VECTOR_NORM;
    let mut data = vec![0.0f32; n * DIM];
    data[0] = edge;
    data[DIM] = 1.0;
    data[2 * DIM..2 * DIM + 2].copy_from_slice(&[edge / 2f32.sqrt(), edge / 2f32.sqrt()]);
    for row in data.chunks_exact_mut(DIM).skip(3) {
        let direction: Vec<f32> = (0..DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect();
        let length = direction.iter().map(|x| x * x).sum::<f32>().sqrt();
        let norm = edge * 10f32.powf(-rng.random_range(0.0f32..18.0));
        row.iter_mut().zip(&direction).for_each(|(x, d)| *x = d / length * norm);
    }
    data
}

#[test]
fn vectors_up_to_the_norm_bound_score_right_flat_and_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let db =
        Database::open(dir.path(), Options { seal_threshold_bytes: 1 << 30, ..Options::default() }).unwrap();
    db.create_collection(schema()).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let n = 400;
    let data = magnitude_rows(&mut rng, n);
    db.insert(
        "c",
        "",
        vec![
            Column::int64("ID", (0..n as i64).collect()),
            Column::int64("tag", vec![0; n]),
            Column::float_vector("v", DIM, data.clone()),
        ],
    )
    .unwrap();
    let model: Model = (0..n)
        .map(|i| (i as i64, ("_default".to_owned(), 0, data[i * DIM..(i + 1) * DIM].to_vec())))
        .collect();
    // Queries: the largest row itself, the unit row, then rows of every magnitude.
    let queries: Vec<f32> =
        [&data[..DIM], &data[DIM..2 * DIM], &magnitude_rows(&mut rng, 8)[3 * DIM..]].concat();
    let nq = queries.len() / DIM;
    db.flush("c").unwrap();
    let ctx = Context::background();
    let indexes = [
        ("flat", None),
        ("HNSW", Some(IndexParams::Hnsw { m: 16, ef_construction: 200 })),
        ("IVF_FLAT", Some(IndexParams::IvfFlat { nlist: 16 })),
    ];
    for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
        for (what, params) in indexes {
            if let Some(params) = params {
                db.create_index(&ctx, "c", "v", "", metric, params).unwrap();
            }
            let exhaustive = SearchParams { ef: Some(n), nprobe: Some(16), drop_ratio_search: None };
            let req = SearchRequest::new(&queries, 10, metric).params(exhaustive);
            let results = db.search(&ctx, "c", &req).unwrap();
            assert_eq!(results.len(), nq);
            for (q, hits) in results.iter().enumerate() {
                assert!(
                    hits.scores.iter().all(|s| s.is_finite()),
                    "{what} {metric:?} q={q}: {:?}",
                    hits.scores
                );
                let expected = oracle(&model, metric, &queries[q * DIM..(q + 1) * DIM], 10, &|_, _| true);
                check(hits, &expected, &format!("{what} {metric:?} q={q}"));
            }
            // The issue's cases: the largest row finds itself at distance 0, and the unit row is
            // as similar to it as it is to itself under COSINE.
            let best = |q: usize| (results[q].ids.get(0), results[q].scores[0]);
            match metric {
                Metric::L2 => assert_eq!(best(0), (PrimaryKey::Int(0), 0.0), "{what}"),
                Metric::Cosine => assert_eq!(results[1].scores[..2], [1.0, 1.0], "{what}"),
                Metric::Ip => assert_eq!(best(0).0, PrimaryKey::Int(0), "{what}"),
                Metric::Hamming | Metric::Jaccard => unreachable!("float vectors take L2, IP and COSINE"),
            }
            if params.is_some() {
                db.drop_index("c", "v").unwrap();
            }
        }
    }
}

#[test]
fn queries_beyond_the_norm_bound_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(schema()).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(12);
    write(&db, &mut Model::new(), &mut rng, "", &[1, 2, 3]);
    let mut within = vec![0.0f32; DIM];
    within[..2].copy_from_slice(&[7e17, 7e17]);
    for (big, norm) in
        [(vec![1e20f32], "1.000e20"), (vec![3e38, 3e38], "4.243e38"), (vec![8e17, -8e17], "1.131e18")]
    {
        let mut beyond = vec![0.0f32; DIM];
        beyond[..big.len()].copy_from_slice(&big);
        let queries = [within.clone(), beyond].concat();
        for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
            let err =
                db.search(&Context::background(), "c", &SearchRequest::new(&queries, 3, metric)).unwrap_err();
            assert_eq!(err.status(), Status::InvalidArgument, "{err}");
            let want = format!("query 1: vector norm {norm} exceeds the maximum of 1e18");
            assert!(err.to_string().contains(&want), "want {want:?}, got {err}");
        }
    }
    let hits = db.search(&Context::background(), "c", &SearchRequest::new(&within, 3, Metric::L2)).unwrap();
    assert_eq!(hits[0].len(), 3);
}
