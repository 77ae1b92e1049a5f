//! Group-by search (`group_by_field`, `group_size`, offset counting groups) against a
//! brute-force oracle: exact on FLAT and growing data for integer, VarChar and nullable Bool
//! groups; well-formed groups through an HNSW index; Milvus's rules for the field and sizes.

mod common;

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, PrimaryKeys, QueryResult, Schema,
    SearchRequest, Status,
};

const DIM: usize = 8;
const ROWS: usize = 2_000;

/// How a test names a row's group.
type GroupOf<'a> = &'a dyn Fn(&Row) -> String;

struct Row {
    doc: i64,
    label: String,
    flag: Option<bool>,
    vector: Vec<f32>,
}

fn rows() -> Vec<Row> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    (0..ROWS)
        .map(|i| Row {
            doc: rng.random_range(0..60),
            label: format!("label-{}", rng.random_range(0..25)),
            flag: [Some(true), Some(false), None][i % 3],
            vector: (0..DIM).map(|_| rng.random_range(-1.0f32..1.0)).collect(),
        })
        .collect()
}

fn database(dir: &std::path::Path, rows: &[Row], index: Option<IndexParams>) -> Database {
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("doc", FieldType::Int64))
        .field(Field::new("label", FieldType::VarChar { max_length: 16 }))
        .field(Field::new("flag", FieldType::Bool).nullable(true))
        .field(Field::new("score", FieldType::Double))
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap();
    let db = common::open(dir);
    db.create_collection(schema).unwrap();
    let write = |range: std::ops::Range<usize>| {
        let part = &rows[range.clone()];
        db.upsert(
            "c",
            "",
            vec![
                Column::int64("id", range.map(|i| i as i64).collect()),
                Column::int64("doc", part.iter().map(|r| r.doc).collect()),
                Column::varchar("label", part.iter().map(|r| r.label.as_str())),
                Column::bool("flag", part.iter().map(|r| r.flag.unwrap_or(false)).collect())
                    .with_validity(part.iter().map(|r| r.flag.is_some()).collect()),
                Column::double("score", vec![0.0; part.len()]),
                Column::float_vector("v", DIM, part.iter().flat_map(|r| r.vector.clone()).collect()),
            ],
        )
        .unwrap();
    };
    write(0..ROWS / 2);
    if let Some(params) = index {
        db.create_index(&Context::background(), "c", "v", "", Metric::L2, params).unwrap();
    }
    db.flush("c").unwrap();
    write(ROWS / 2..ROWS);
    db
}

fn l2(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The oracle: groups (by `group_of`) ranked by their best row, `group_size` rows each, after
/// skipping `offset` groups; returns row ids group after group.
fn oracle(
    rows: &[Row],
    query: &[f32],
    group_of: &dyn Fn(&Row) -> String,
    topk: usize,
    size: usize,
    offset: usize,
) -> Vec<Vec<i64>> {
    let mut scored: Vec<(f32, i64)> =
        rows.iter().enumerate().map(|(i, r)| (l2(query, &r.vector), i as i64)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<i64>> = HashMap::new();
    for (_, id) in scored {
        let g = group_of(&rows[id as usize]);
        let members = groups.entry(g.clone()).or_insert_with(|| {
            order.push(g.clone());
            Vec::new()
        });
        if members.len() < size {
            members.push(id);
        }
    }
    order.into_iter().skip(offset).take(topk).map(|g| groups.remove(&g).unwrap()).collect()
}

fn ids(result: &QueryResult) -> Vec<i64> {
    match PrimaryKeys::from_column(result.columns[0].data().as_ref()).unwrap() {
        PrimaryKeys::Int(ids) => ids,
        other => panic!("{other:?}"),
    }
}

#[test]
fn group_by_is_exact_on_flat_and_growing_data() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = rows();
    let db = database(tmp.path(), &rows, None);
    let query = rows[5].vector.clone();
    let cases: [(&str, GroupOf<'_>); 3] = [
        ("doc", &|r| r.doc.to_string()),
        ("label", &|r| r.label.clone()),
        ("flag", &|r| format!("{:?}", r.flag)),
    ];
    for (field, group_of) in cases {
        for (topk, size, offset) in [(5, 1, 0), (4, 3, 0), (3, 2, 2), (100, 2, 0)] {
            let req = SearchRequest::new(&query, topk, Metric::L2).group_by(field, size, true).offset(offset);
            let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
            let want: Vec<i64> = oracle(&rows, &query, group_of, topk, size, offset).concat();
            assert_eq!(
                ids(&hits.fields),
                want,
                "group by {field}, topk {topk}, group_size {size}, offset {offset}"
            );
            assert_eq!(hits.scores.len(), want.len());
        }
    }
}

#[test]
fn group_by_through_an_index_returns_well_formed_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = rows();
    let db = database(tmp.path(), &rows, Some(IndexParams::Hnsw { m: 16, ef_construction: 200 }));
    let query = rows[9].vector.clone();
    let req = SearchRequest::new(&query, 10, Metric::L2).group_by("doc", 3, false).output_fields(&["doc"]);
    let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
    let got = ids(&hits.fields);
    assert_eq!(got.len(), 30, "ten groups of three: every doc has far more than three rows");
    let docs: Vec<i64> = got.iter().map(|&id| rows[id as usize].doc).collect();
    for (g, chunk) in docs.chunks(3).enumerate() {
        assert!(chunk.iter().all(|&d| d == chunk[0]), "group {g} mixes docs: {docs:?}");
    }
    let distinct: std::collections::HashSet<_> = docs.iter().collect();
    assert_eq!(distinct.len(), 10, "{docs:?}");
    let want = oracle(&rows, &query, &|r| r.doc.to_string(), 10, 3, 0);
    let found = want.iter().flatten().filter(|id| got.contains(id)).count();
    assert!(found >= 27, "recall {found}/30");
}

#[test]
fn group_by_follows_milvus_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = rows();
    let db = database(tmp.path(), &rows, None);
    let q = &rows[0].vector;
    let refused = |req: SearchRequest<'_>, status: Status, needle: &str| {
        let err = db.search(&Context::background(), "c", &req).unwrap_err();
        assert_eq!(err.status(), status, "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    };
    refused(
        SearchRequest::new(q, 5, Metric::L2).group_by("score", 1, false),
        Status::InvalidArgument,
        "Double",
    );
    refused(
        SearchRequest::new(q, 5, Metric::L2).group_by("v", 1, false),
        Status::InvalidArgument,
        "grouping takes",
    );
    refused(SearchRequest::new(q, 5, Metric::L2).group_by("nope", 1, false), Status::NotFound, "nope");
    refused(
        SearchRequest::new(q, 5, Metric::L2).group_by("doc", 0, false),
        Status::InvalidArgument,
        "group_size [0]",
    );
    refused(
        SearchRequest::new(q, 5_000, Metric::L2).group_by("doc", 4, false),
        Status::InvalidArgument,
        "16384",
    );
}
