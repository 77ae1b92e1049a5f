//! Sparse float vector fields end to end: writes canonicalised (rows sorted by index), reads,
//! exact inner-product search against a naive oracle on growing, sealed, reopened and compacted
//! data, filters, partitions, offset, round_decimal, range search, group-by, every validation
//! rule (all or nothing), schema rules, metrics, and the index types sparse fields refuse.

mod common;

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use veclite::{
    Column, ColumnData, Context, Database, Field, FieldType, Metric, PrimaryKeys, Schema, SearchRequest,
    SparseRows, Status,
};

const ROWS: i64 = 500;
const VOCAB: u32 = 300;

type Row = Vec<(u32, f32)>;

fn schema() -> Schema {
    Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", FieldType::SparseFloatVector))
        .build()
        .unwrap()
}

/// `n` random rows of up to 12 distinct indices (some empty), entries in random order.
fn random_rows(n: usize, seed: u64) -> Vec<Row> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let len = rng.random_range(0..12);
            let mut row: BTreeMap<u32, f32> = BTreeMap::new();
            while row.len() < len {
                row.insert(rng.random_range(0..VOCAB), rng.random_range(-1.0..2.0));
            }
            let mut row: Row = row.into_iter().collect();
            // Shuffle: writes sort rows.
            for i in (1..row.len()).rev() {
                row.swap(i, rng.random_range(0..=i));
            }
            row
        })
        .collect()
}

fn sorted(row: &Row) -> Row {
    let mut r = row.clone();
    r.sort_by_key(|e| e.0);
    r
}

fn columns(ids: &[i64], rows: &[Row]) -> Vec<Column> {
    vec![
        Column::int64("id", ids.to_vec()),
        Column::int64("tag", ids.iter().map(|i| i % 3).collect()),
        Column::sparse_vector("v", ids.iter().map(|&i| rows[i as usize].clone())),
    ]
}

/// The oracle: inner product, and whether the rows share an index.
fn ip(q: &Row, v: &Row) -> (f64, bool) {
    let mut sum = 0.0;
    let mut shared = false;
    for (i, a) in q {
        if let Some((_, b)) = v.iter().find(|(j, _)| j == i) {
            sum += f64::from(*a) * f64::from(*b);
            shared = true;
        }
    }
    (sum, shared)
}

fn csr(rows: &[Row]) -> ColumnData {
    ColumnData::sparse(rows)
}

fn rows_of(data: &ColumnData) -> SparseRows<'_> {
    data.as_ref().sparse_rows().unwrap()
}

/// Checks the top 10 of each query against the oracle over `rows` (keys with `keep(key)`).
fn check_search(db: &Database, rows: &[Row], queries: &[Row], filter: &str, keep: impl Fn(i64) -> bool) {
    let data = csr(queries);
    let req = SearchRequest::sparse(rows_of(&data), 10, Metric::Ip).filter(filter);
    let all = db.search(&Context::background(), "c", &req).unwrap();
    assert_eq!(all.len(), queries.len());
    for (q, hits) in queries.iter().zip(all) {
        let mut oracle: Vec<(f64, i64)> = (0..rows.len() as i64)
            .filter(|&i| keep(i))
            .filter_map(|i| match ip(q, &rows[i as usize]) {
                (s, true) => Some((s, i)),
                _ => None,
            })
            .collect();
        oracle.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        oracle.truncate(10);
        assert_eq!(hits.len(), oracle.len(), "query {q:?}");
        let PrimaryKeys::Int(ids) = &hits.ids else { panic!("int keys") };
        for (i, (&id, &s)) in ids.iter().zip(&hits.scores).enumerate() {
            let want = oracle[i].0;
            assert!((f64::from(s) - want).abs() <= 1e-4, "hit {i}: score {s} vs {want}");
            let own = ip(q, &rows[id as usize]);
            assert!(own.1 && (own.0 - want).abs() <= 1e-4, "hit {i}: id {id} is not among the best");
            assert!(keep(id));
        }
    }
}

fn check_get(db: &Database, rows: &[Row], ids: &[i64]) {
    let got = db.get("c", &[], &PrimaryKeys::Int(ids.to_vec()), &["v"]).unwrap();
    let want = csr(&ids.iter().map(|&i| sorted(&rows[i as usize])).collect::<Vec<_>>());
    assert_eq!(got.column("v").unwrap().data(), &want);
}

#[test]
fn sparse_rows_round_trip_and_search_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = random_rows(ROWS as usize, 1);
    let queries = {
        let mut q = random_rows(4, 2);
        q.retain(|r| !r.is_empty());
        q.push(vec![(VOCAB + 7, 1.0)]);
        q
    };
    let db = common::open(dir.path());
    db.create_collection(schema()).unwrap();
    let first: Vec<i64> = (0..ROWS / 2).collect();
    let second: Vec<i64> = (ROWS / 2..ROWS).collect();
    db.insert("c", "", columns(&first, &rows)).unwrap();
    db.flush("c").unwrap();
    db.insert("c", "", columns(&second, &rows)).unwrap();
    let fresh = random_rows(ROWS as usize, 3);
    let upserted: Vec<i64> = (0..ROWS).step_by(3).collect();
    for &i in &upserted {
        rows[i as usize] = fresh[i as usize].clone();
    }
    db.upsert("c", "", columns(&upserted, &rows)).unwrap();
    let check_all = |db: &Database| {
        check_get(db, &rows, &[0, 1, 3, 249, 250, 499]);
        check_search(db, &rows, &queries, "", |_| true);
        check_search(db, &rows, &queries, "tag == 1", |i| i % 3 == 1);
        let queried = db.query("c", &[], "id in [5, 7]", &["v"], None, 0).unwrap();
        assert_eq!(queried.column("v").unwrap().data(), &csr(&[sorted(&rows[5]), sorted(&rows[7])]));
    };
    check_all(&db);
    db.flush("c").unwrap();
    check_all(&db);
    db.close().unwrap();
    let db = common::open(dir.path());
    check_all(&db);
    db.delete("c", "", "id < 10").unwrap();
    db.compact("c").unwrap();
    let live = |i: i64| i >= 10;
    check_search(&db, &rows, &queries, "", live);
    assert_eq!(db.count("c", &[]).unwrap(), (ROWS - 10) as u64);
    // Rows written after the compaction come back from the log (or the segment sealed at close).
    db.upsert("c", "", columns(&[3, 4], &rows)).unwrap();
    drop(db);
    let db = common::open(dir.path());
    check_get(&db, &rows, &[3, 4, 11]);
    check_search(&db, &rows, &queries, "", |i| live(i) || i == 3 || i == 4);
    db.close().unwrap();
    let report = veclite::verify(dir.path());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn search_options_apply_to_sparse_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    db.create_collection(schema()).unwrap();
    // Row i has index 1 with value i and index 2 with value 1.
    let rows: Vec<Row> = (0..20).map(|i| vec![(1, i as f32), (2, 1.0)]).collect();
    let ids: Vec<i64> = (0..20).collect();
    db.insert("c", "", columns(&ids, &rows)).unwrap();
    let q = csr(&[vec![(1, 1.0)]]);
    let search = |req: SearchRequest<'_>| db.search(&Context::background(), "c", &req).unwrap().remove(0);
    let keys = |h: &veclite::SearchHits| match &h.ids {
        PrimaryKeys::Int(v) => v.clone(),
        _ => panic!("int keys"),
    };
    let base = || SearchRequest::sparse(rows_of(&q), 3, Metric::Ip);
    assert_eq!(keys(&search(base())), [19, 18, 17]);
    assert_eq!(keys(&search(base().offset(2))), [17, 16, 15]);
    // Range search: IP scores in (radius, range_filter].
    let ranged = search(SearchRequest { topk: 10, ..base().range(4.0, Some(7.0)) });
    assert_eq!(keys(&ranged), [7, 6, 5]);
    // Scores rounded.
    let q2 = csr(&[vec![(2, 0.123456)]]);
    let mut req = SearchRequest::sparse(rows_of(&q2), 1, Metric::Ip);
    req.round_decimal = Some(2);
    assert_eq!(search(req).scores, [0.12]);
    // Group by tag: the best hit of each of the three groups.
    let grouped = search(base().group_by("tag", 1, false));
    assert_eq!(keys(&grouped), [19, 18, 17]);
    let grouped = search(SearchRequest::sparse(rows_of(&q), 2, Metric::Ip).group_by("tag", 2, false));
    assert_eq!(keys(&grouped), [19, 16, 18, 15]);
    // Output fields come back with the hits.
    let mut req = base();
    req.output_fields = vec!["v".into()];
    let hits = search(req);
    assert_eq!(
        hits.fields.column("v").unwrap().data(),
        &csr(&[rows[19].clone(), rows[18].clone(), rows[17].clone()])
    );
}

#[test]
fn partitions_and_several_vector_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("dense", FieldType::FloatVector { dim: 2 }))
        .field(Field::new("v", FieldType::SparseFloatVector))
        .field(Field::new("w", FieldType::SparseFloatVector))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    db.create_partition("c", "p").unwrap();
    let write = |part: &str, ids: Vec<i64>| {
        let n = ids.len();
        db.insert(
            part.strip_prefix('-').map_or("c", |_| "c"),
            part.trim_start_matches('-'),
            vec![
                Column::float_vector("dense", 2, ids.iter().flat_map(|&i| [i as f32, 1.0]).collect()),
                Column::sparse_vector("v", ids.iter().map(|&i| vec![(0u32, i as f32)])),
                Column::sparse_vector("w", ids.iter().map(|&i| vec![(0u32, -(i as f32))])),
                Column::int64("id", ids),
            ],
        )
        .map(|r| assert_eq!(r.insert_count, n as u64))
        .unwrap();
    };
    write("", vec![1, 2, 3]);
    write("p", vec![10, 11]);
    let q = csr(&[vec![(0, 1.0)]]);
    let mut req = SearchRequest::sparse(rows_of(&q), 2, Metric::Ip);
    let e = db.search(&Context::background(), "c", &req).unwrap_err();
    assert!(e.to_string().contains("several vector fields"), "{e}");
    req.vector_field = Some("v".into());
    let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
    assert_eq!(hits.ids, PrimaryKeys::Int(vec![11, 10]));
    req.partitions = vec!["_default".into()];
    let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
    assert_eq!(hits.ids, PrimaryKeys::Int(vec![3, 2]));
    req.vector_field = Some("w".into());
    req.partitions.clear();
    let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
    assert_eq!(hits.ids, PrimaryKeys::Int(vec![1, 2]));
    // A sparse query on the dense field, and a dense query on a sparse field.
    req.vector_field = Some("dense".into());
    let e = db.search(&Context::background(), "c", &req).unwrap_err();
    assert!(e.to_string().contains("sparse query vectors search SPARSE_FLOAT_VECTOR fields only"), "{e}");
    let mut dense = SearchRequest::new(&[1.0, 0.0], 2, Metric::Ip);
    dense.vector_field = Some("v".into());
    let e = db.search(&Context::background(), "c", &dense).unwrap_err();
    assert!(e.to_string().contains("search it with sparse query vectors"), "{e}");
}

#[test]
fn writes_and_queries_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    db.create_collection(schema()).unwrap();
    let expect = |rows: Vec<Row>, status: Status, words: &[&str]| {
        let ids: Vec<i64> = (0..rows.len() as i64).collect();
        let e = db.insert("c", "", columns(&ids, &rows)).unwrap_err();
        assert_eq!(e.status(), status, "{e}");
        for w in words {
            assert!(e.to_string().contains(w), "`{w}` not in `{e}`");
        }
        assert_eq!(db.count("c", &[]).unwrap(), 0, "all or nothing");
    };
    let ok = vec![(1, 1.0)];
    expect(
        vec![ok.clone(), vec![(3, 1.0), (u32::MAX, 1.0)]],
        Status::InvalidValue,
        &["field `v` row 1", "must be less than 2^32-1"],
    );
    expect(
        vec![ok.clone(), ok.clone(), vec![(4, 1.0), (2, 1.0), (4, 2.0)]],
        Status::InvalidValue,
        &["field `v` row 2", "index 4 appears twice"],
    );
    expect(vec![vec![(1, f32::NAN)]], Status::InvalidValue, &["row 0", "NaN"]);
    expect(vec![ok.clone(), vec![(9, f32::NEG_INFINITY)]], Status::InvalidValue, &["row 1", "infinity"]);
    // Malformed CSR arrays.
    let bad = |offsets: Vec<u64>, indices: Vec<u32>, values: Vec<f32>| {
        let n = offsets.len().saturating_sub(1) as i64;
        let cols = vec![
            Column::int64("id", (0..n).collect()),
            Column::int64("tag", vec![0; n as usize]),
            Column::new("v", ColumnData::SparseVector { offsets, indices, values }),
        ];
        db.insert("c", "", cols).unwrap_err()
    };
    assert!(bad(vec![0, 2], vec![1, 2], vec![1.0]).to_string().contains("2 sparse indices but 1 values"));
    assert!(bad(vec![0, 2, 1], vec![1, 2], vec![1.0, 1.0]).to_string().contains("offsets must rise"));
    // Empty rows, zero and negative values and the largest index are accepted.
    let good = vec![vec![], vec![(0, 0.0), (veclite::MAX_SPARSE_INDEX, -1.5)]];
    db.insert("c", "", columns(&[0, 1], &good)).unwrap();
    check_get(&db, &good, &[0, 1]);
    // A null row of a sparse field.
    let cols = vec![
        Column::int64("id", vec![5]),
        Column::int64("tag", vec![0]),
        Column::sparse_vector("v", [vec![(1u32, 1.0f32)]]).with_validity(vec![false]),
    ];
    let e = db.insert("c", "", cols).unwrap_err();
    assert!(e.to_string().contains("null"), "{e}");
    // Queries: metric, rules, emptiness.
    let search = |q: &ColumnData, metric: Metric| {
        db.search(&Context::background(), "c", &SearchRequest::sparse(rows_of(q), 5, metric))
    };
    for metric in [Metric::L2, Metric::Cosine, Metric::Hamming] {
        let e = search(&csr(std::slice::from_ref(&ok)), metric).unwrap_err();
        assert!(e.to_string().contains("of type SPARSE_FLOAT_VECTOR: use IP"), "{e}");
    }
    let e = search(&csr(&[ok.clone(), vec![(2, 1.0), (2, 1.0)]]), Metric::Ip).unwrap_err();
    assert!(e.to_string().contains("query 1") && e.to_string().contains("appears twice"), "{e}");
    let e = search(&csr(&[vec![(2, f32::NAN)]]), Metric::Ip).unwrap_err();
    assert_eq!(e.status(), Status::InvalidValue);
    let e = search(&csr(&[]), Metric::Ip).unwrap_err();
    assert!(e.to_string().contains("at least one sparse query"), "{e}");
    // An empty query shares no index with any row: no hits.
    assert!(search(&csr(&[vec![]]), Metric::Ip).unwrap()[0].ids.is_empty());
    // Unsorted query entries are sorted.
    let hits = search(&csr(&[vec![(veclite::MAX_SPARSE_INDEX, 1.0), (0, 1.0)]]), Metric::Ip).unwrap();
    assert_eq!(hits[0].ids, PrimaryKeys::Int(vec![1]));
    assert_eq!(hits[0].scores, [-1.5]);
}

#[test]
fn schema_and_index_rules() {
    let base = || Schema::builder("s").field(Field::new("id", FieldType::Int64).primary_key());
    let e = Schema::builder("s")
        .field(Field::new("id", FieldType::SparseFloatVector).primary_key())
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("Int64 or VarChar"), "{e}");
    let e = base().field(Field::new("v", FieldType::SparseFloatVector).nullable(true)).build().unwrap_err();
    assert!(e.to_string().contains("vector fields cannot be nullable"), "{e}");
    let e =
        base().field(Field::new("v", FieldType::SparseFloatVector).partition_key(true)).build().unwrap_err();
    assert!(e.to_string().contains("partition key"), "{e}");
    let mut five = base();
    for i in 0..5 {
        five = five.field(Field::new(format!("v{i}"), FieldType::SparseFloatVector));
    }
    let e = five.build().unwrap_err();
    assert!(e.to_string().contains("maximum number of vector fields in a collection is 4"), "{e}");
    // Sparse fields alone satisfy the vector-field rule.
    base().field(Field::new("v", FieldType::SparseFloatVector)).build().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    db.create_collection(schema()).unwrap();
    let ctx = Context::background();
    for index in ["FLAT", "HNSW", "IVF_FLAT"] {
        let e = db.create_milvus_index(&ctx, "c", "v", "", index, "IP", &[]).unwrap_err();
        assert_eq!(e.status(), Status::Unsupported, "{e}");
        assert!(e.to_string().contains("field `v`") && e.to_string().contains("SPARSE_FLOAT_VECTOR"), "{e}");
        assert!(e.to_string().contains("SPARSE_INVERTED_INDEX"), "{e}");
    }
    let e = db.create_milvus_index(&ctx, "c", "v", "", "SPARSE_INVERTED_INDEX", "L2", &[]).unwrap_err();
    assert!(e.to_string().contains("use IP"), "{e}");
    // A filter on a sparse field is refused.
    let e = db.query("c", &[], "v == 1", &[], None, 0).unwrap_err();
    assert!(e.to_string().contains("vector field"), "{e}");
}
