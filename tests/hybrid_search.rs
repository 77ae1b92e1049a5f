//! Hybrid search: two ANN requests on two vector fields (different metrics and filters) fused
//! by RRF and by weighted scores, against an oracle that runs the requests exactly and fuses
//! them with Milvus's formulas; plus the rules a hybrid request must follow.

mod common;

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, HybridRequest, Metric, PrimaryKeys, Ranker, Schema,
    SearchRequest, Status,
};

const ROWS: usize = 1_500;

struct Data {
    a: Vec<Vec<f32>>,
    b: Vec<Vec<f32>>,
    tag: Vec<i64>,
}

fn database(dir: &std::path::Path) -> (Database, Data) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut vectors = |dim: usize| -> Vec<Vec<f32>> {
        (0..ROWS).map(|_| (0..dim).map(|_| rng.random_range(-1.0f32..1.0)).collect()).collect()
    };
    let data = Data { a: vectors(8), b: vectors(4), tag: (0..ROWS as i64).map(|i| i % 5).collect() };
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("a", FieldType::FloatVector { dim: 8 }))
        .field(Field::new("b", FieldType::FloatVector { dim: 4 }))
        .build()
        .unwrap();
    let db = common::open(dir);
    db.create_collection(schema).unwrap();
    let write = |range: std::ops::Range<usize>| {
        db.upsert(
            "c",
            "",
            vec![
                Column::int64("id", range.clone().map(|i| i as i64).collect()),
                Column::int64("tag", data.tag[range.clone()].to_vec()),
                Column::float_vector("a", 8, data.a[range.clone()].concat()),
                Column::float_vector("b", 4, data.b[range].concat()),
            ],
        )
        .unwrap();
    };
    write(0..ROWS / 2);
    db.flush("c").unwrap();
    write(ROWS / 2..ROWS);
    (db, data)
}

fn score(metric: Metric, q: &[f32], v: &[f32]) -> f32 {
    match metric {
        Metric::L2 => q.iter().zip(v).map(|(x, y)| (x - y) * (x - y)).sum(),
        _ => q.iter().zip(v).map(|(x, y)| x * y).sum(),
    }
}

/// The exact hits (id, score) of one request: rows passing `keep`, best `limit` first.
fn exact(
    vectors: &[Vec<f32>],
    q: &[f32],
    metric: Metric,
    limit: usize,
    keep: &dyn Fn(usize) -> bool,
) -> Vec<(i64, f32)> {
    let mut hits: Vec<(i64, f32)> =
        (0..ROWS).filter(|&i| keep(i)).map(|i| (i as i64, score(metric, q, &vectors[i]))).collect();
    hits.sort_by(|x, y| {
        let by = if metric == Metric::L2 { x.1.total_cmp(&y.1) } else { y.1.total_cmp(&x.1) };
        by.then(x.0.cmp(&y.0))
    });
    hits.truncate(limit);
    hits
}

/// Milvus's fusion of the requests' hit lists.
fn fuse(lists: &[(Metric, Vec<(i64, f32)>)], ranker: &Ranker, topk: usize, offset: usize) -> Vec<(i64, f32)> {
    let mut fused: HashMap<i64, f32> = HashMap::new();
    for (i, (metric, hits)) in lists.iter().enumerate() {
        for (rank, &(id, s)) in hits.iter().enumerate() {
            let add = match ranker {
                Ranker::Rrf { k } => 1.0 / (k + rank as f32 + 1.0),
                Ranker::Weighted { weights, norm_score } => {
                    let atan = |x: f32| x.atan() / std::f32::consts::PI;
                    let n = match (metric, norm_score) {
                        (Metric::L2, _) => 1.0 - 2.0 * atan(s),
                        (Metric::Ip, true) => 0.5 + atan(s),
                        (Metric::Cosine, true) => (1.0 + s) / 2.0,
                        _ => s,
                    };
                    weights[i] * n
                }
            };
            *fused.entry(id).or_default() += add;
        }
    }
    let mut ranked: Vec<(i64, f32)> = fused.into_iter().collect();
    ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    ranked.into_iter().skip(offset).take(topk).collect()
}

#[test]
fn fused_rankings_match_milvus_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, data) = database(tmp.path());
    let (qa, qb) = (data.a[7].clone(), data.b[11].clone());
    let rankers = [
        Ranker::Rrf { k: 60.0 },
        Ranker::Rrf { k: 1.5 },
        Ranker::Weighted { weights: vec![0.7, 0.3], norm_score: true },
        Ranker::Weighted { weights: vec![0.2, 1.0], norm_score: false },
    ];
    for ranker in rankers {
        for (topk, offset) in [(10, 0), (15, 5)] {
            let requests = vec![
                SearchRequest::new(&qa, 40, Metric::L2).vector_field("a"),
                SearchRequest::new(&qb, 30, Metric::Ip).vector_field("b").filter("tag != 2"),
            ];
            let mut req = HybridRequest::new(requests, ranker.clone(), topk);
            req.offset = offset;
            req.output_fields = vec!["tag".into()];
            let hits = db.hybrid_search(&Context::background(), "c", &req).unwrap().remove(0);
            let lists = [
                (Metric::L2, exact(&data.a, &qa, Metric::L2, 40, &|_| true)),
                (Metric::Ip, exact(&data.b, &qb, Metric::Ip, 30, &|i| data.tag[i] != 2)),
            ];
            let want = fuse(&lists, &ranker, topk, offset);
            let PrimaryKeys::Int(ids) = &hits.ids else { panic!() };
            assert_eq!(
                ids,
                &want.iter().map(|w| w.0).collect::<Vec<_>>(),
                "{ranker:?} topk {topk} offset {offset}"
            );
            for (got, w) in hits.scores.iter().zip(&want) {
                assert!((got - w.1).abs() < 1e-5, "{ranker:?}: score {got} vs {}", w.1);
            }
            let tags = hits.fields.column("tag").unwrap();
            for (row, id) in ids.iter().enumerate() {
                assert_eq!(tags.value(row), veclite::Value::Int(data.tag[*id as usize]));
            }
        }
    }
}

#[test]
fn hybrid_requests_follow_the_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, data) = database(tmp.path());
    let (qa, qb) = (data.a[0].clone(), data.b[0].clone());
    let two = || {
        vec![
            SearchRequest::new(&qa, 5, Metric::L2).vector_field("a"),
            SearchRequest::new(&qb, 5, Metric::L2).vector_field("b"),
        ]
    };
    let refused = |req: HybridRequest<'_>, needle: &str| {
        let err = db.hybrid_search(&Context::background(), "c", &req).unwrap_err();
        assert_eq!(err.status(), Status::InvalidArgument, "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    };
    refused(
        HybridRequest::new(two(), Ranker::Weighted { weights: vec![1.0], norm_score: true }, 5),
        "1 weights for 2",
    );
    refused(
        HybridRequest::new(two(), Ranker::Weighted { weights: vec![1.0, 1.5], norm_score: true }, 5),
        "[0, 1]",
    );
    refused(HybridRequest::new(two(), Ranker::Rrf { k: 0.0 }, 5), "RRF k 0");
    refused(HybridRequest::new(Vec::new(), Ranker::Rrf { k: 60.0 }, 5), "1 to 1024");
    refused(HybridRequest::new(two(), Ranker::Rrf { k: 60.0 }, 0), "limit [0]");
    let mut own_output = two();
    own_output[1] = own_output[1].clone().output_fields(&["tag"]);
    refused(
        HybridRequest::new(own_output, Ranker::Rrf { k: 60.0 }, 5),
        "request 1 of the hybrid search sets output fields",
    );
    let two_queries = [qb.clone(), qb.clone()].concat();
    let mut uneven = two();
    uneven[1] = SearchRequest::new(&two_queries, 5, Metric::L2).vector_field("b");
    refused(HybridRequest::new(uneven, Ranker::Rrf { k: 60.0 }, 5), "same number");
    let mut rounded = HybridRequest::new(two(), Ranker::Rrf { k: 60.0 }, 5);
    rounded.round_decimal = Some(9);
    refused(rounded, "round_decimal 9");
}
