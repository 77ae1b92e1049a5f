//! Binary, float16, bfloat16 and int8 vector fields end to end: writes stored as given, reads,
//! exact search against a brute-force oracle on growing, sealed, reopened and compacted data,
//! every validation rule, range search on HAMMING and JACCARD, several vector fields in one
//! collection, and the index types these fields take.

mod common;

use rand::{Rng, SeedableRng};
use veclite::simd::{bf16_to_f32, f16_to_f32, f32_to_bf16, f32_to_f16};
use veclite::{
    Column, ColumnData, Context, Database, Field, FieldType, IndexParams, Metric, PrimaryKeys, Schema,
    SearchRequest, Status, VectorKind,
};

const ROWS: i64 = 600;

fn dim_of(kind: VectorKind) -> usize {
    if kind == VectorKind::Binary { 64 } else { 16 }
}

fn schema(kind: VectorKind) -> Schema {
    Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", kind.field_type(dim_of(kind) as u32)))
        .build()
        .unwrap()
}

/// `n` random stored rows of `kind`, each `kind.row_bytes(dim)` bytes.
fn rows(kind: VectorKind, n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dim = dim_of(kind);
    (0..n)
        .map(|_| match kind {
            VectorKind::Binary | VectorKind::Int8 => (0..kind.row_bytes(dim)).map(|_| rng.random()).collect(),
            VectorKind::Float16 => {
                (0..dim).flat_map(|_| f32_to_f16(rng.random_range(-1.0..1.0)).to_le_bytes()).collect()
            }
            VectorKind::BFloat16 => {
                (0..dim).flat_map(|_| f32_to_bf16(rng.random_range(-1.0..1.0)).to_le_bytes()).collect()
            }
        })
        .collect()
}

fn components(kind: VectorKind, row: &[u8]) -> Vec<f64> {
    match kind {
        VectorKind::Binary => (0..row.len() * 8).map(|i| f64::from((row[i / 8] >> (i % 8)) & 1)).collect(),
        VectorKind::Int8 => row.iter().map(|&b| f64::from(b as i8)).collect(),
        VectorKind::Float16 => {
            row.chunks(2).map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])).into()).collect()
        }
        VectorKind::BFloat16 => {
            row.chunks(2).map(|c| bf16_to_f32(u16::from_le_bytes([c[0], c[1]])).into()).collect()
        }
    }
}

/// The oracle's score (Milvus's: a distance for L2/HAMMING/JACCARD, a similarity otherwise).
fn score(kind: VectorKind, metric: Metric, q: &[u8], v: &[u8]) -> f64 {
    let (a, b) = (components(kind, q), components(kind, v));
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    let n = |x: &[f64]| x.iter().map(|c| c * c).sum::<f64>().sqrt();
    match metric {
        Metric::L2 => a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum(),
        Metric::Ip => dot,
        Metric::Cosine => dot / (n(&a) * n(&b)),
        Metric::Hamming => a.iter().zip(&b).filter(|(x, y)| x != y).count() as f64,
        Metric::Jaccard => {
            let both = a.iter().zip(&b).filter(|(x, y)| **x == 1.0 && **y == 1.0).count() as f64;
            let any = a.iter().zip(&b).filter(|(x, y)| **x == 1.0 || **y == 1.0).count() as f64;
            if any == 0.0 { 0.0 } else { 1.0 - both / any }
        }
    }
}

fn columns(kind: VectorKind, ids: std::ops::Range<i64>, vectors: &[Vec<u8>]) -> Vec<Column> {
    let data = ids.clone().flat_map(|i| vectors[i as usize].clone()).collect();
    vec![
        Column::int64("id", ids.clone().collect()),
        Column::int64("tag", ids.clone().map(|i| i % 3).collect()),
        Column::packed_vector("v", kind, dim_of(kind), data),
    ]
}

/// Checks the top 10 of `query` against the oracle over the live rows (`vectors`, tag filter
/// `tag == 1` when `filtered`): same keys where scores are not tied, same scores.
fn check_search(
    db: &Database,
    kind: VectorKind,
    metric: Metric,
    vectors: &[Vec<u8>],
    query: &[u8],
    filtered: bool,
) {
    let mut req = SearchRequest::packed(kind, query, 10, metric);
    if filtered {
        req = req.filter("tag == 1");
    }
    let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
    let mut oracle: Vec<(f64, i64)> = (0..vectors.len() as i64)
        .filter(|i| !filtered || i % 3 == 1)
        .map(|i| (score(kind, metric, query, &vectors[i as usize]), i))
        .collect();
    let sign = if matches!(metric, Metric::Ip | Metric::Cosine) { -1.0 } else { 1.0 };
    oracle.sort_by(|a, b| (sign * a.0).total_cmp(&(sign * b.0)).then(a.1.cmp(&b.1)));
    assert_eq!(hits.len(), 10);
    let PrimaryKeys::Int(ids) = &hits.ids else { panic!("int keys") };
    for (i, (&id, &s)) in ids.iter().zip(&hits.scores).enumerate() {
        let want = oracle[i].0;
        let tolerance = 1e-3 * want.abs().max(1.0);
        assert!((f64::from(s) - want).abs() <= tolerance, "{kind:?} {metric:?} hit {i}: score {s} vs {want}");
        let own = score(kind, metric, query, &vectors[id as usize]);
        assert!(
            (own - want).abs() <= tolerance,
            "{kind:?} {metric:?} hit {i}: id {id} is not among the best"
        );
        assert!(!filtered || id % 3 == 1);
    }
}

fn check_get(db: &Database, kind: VectorKind, vectors: &[Vec<u8>], ids: &[i64]) {
    let got = db.get("c", &[], &PrimaryKeys::Int(ids.to_vec()), &["v"]).unwrap();
    let want: Vec<u8> = ids.iter().flat_map(|&i| vectors[i as usize].clone()).collect();
    assert_eq!(
        got.column("v").unwrap().data(),
        &ColumnData::PackedVector { kind, dim: dim_of(kind), data: want },
        "{kind:?}"
    );
}

#[test]
fn every_kind_round_trips_and_searches_exactly() {
    for kind in VectorKind::ALL {
        let dir = tempfile::tempdir().unwrap();
        let mut vectors = rows(kind, ROWS as usize, 1);
        let queries = rows(kind, 3, 2);
        let db = common::open(dir.path());
        db.create_collection(schema(kind)).unwrap();
        db.insert("c", "", columns(kind, 0..ROWS / 2, &vectors)).unwrap();
        db.flush("c").unwrap();
        db.insert("c", "", columns(kind, ROWS / 2..ROWS, &vectors)).unwrap();
        // Upsert a third of the rows with new vectors, into both segments.
        let fresh = rows(kind, ROWS as usize, 3);
        for i in (0..ROWS).step_by(3) {
            vectors[i as usize] = fresh[i as usize].clone();
        }
        let upserted: Vec<i64> = (0..ROWS).step_by(3).collect();
        let data = upserted.iter().flat_map(|&i| vectors[i as usize].clone()).collect();
        db.upsert(
            "c",
            "",
            vec![
                Column::int64("id", upserted.clone()),
                Column::int64("tag", upserted.iter().map(|i| i % 3).collect()),
                Column::packed_vector("v", kind, dim_of(kind), data),
            ],
        )
        .unwrap();
        let check_all = |db: &Database| {
            check_get(db, kind, &vectors, &[0, 1, 299, 300, 599]);
            for &metric in kind.metrics() {
                for q in &queries {
                    check_search(db, kind, metric, &vectors, q, false);
                }
                check_search(db, kind, metric, &vectors, &queries[0], true);
            }
        };
        check_all(&db);
        let queried = db.query("c", &[], "id in [5, 7]", &["v"], None, 0).unwrap();
        let want: Vec<u8> = [5usize, 7].iter().flat_map(|&i| vectors[i].clone()).collect();
        assert_eq!(
            queried.column("v").unwrap().data(),
            &ColumnData::PackedVector { kind, dim: dim_of(kind), data: want }
        );
        db.flush("c").unwrap();
        check_all(&db);
        db.close().unwrap();
        let db = common::open(dir.path());
        check_all(&db);
        db.compact("c").unwrap();
        check_all(&db);
        assert_eq!(db.count("c", &[]).unwrap(), ROWS as u64);
        db.close().unwrap();
        let report = veclite::verify(dir.path());
        assert!(report.problems.is_empty(), "{kind:?}: {:?}", report.problems);
    }
}

#[test]
fn writes_are_validated_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    let expect = |kind: VectorKind, dim: usize, data: Vec<u8>, status: Status, words: &[&str]| {
        let name = format!("c{}", kind.milvus_name().to_lowercase());
        let schema = Schema::builder(&name)
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", kind.field_type(dim_of(kind) as u32)))
            .build()
            .unwrap();
        let _ = db.create_collection(schema);
        let rows = data.len() / kind.row_bytes(dim_of(kind)).max(1);
        let cols = vec![
            Column::int64("id", (0..rows.max(1) as i64).collect()),
            Column::packed_vector("v", kind, dim, data),
        ];
        let e = db.insert(&name, "", cols).unwrap_err();
        assert_eq!(e.status(), status, "{e}");
        for w in words {
            assert!(e.to_string().contains(w), "{kind:?}: `{w}` not in `{e}`");
        }
        assert_eq!(db.count(&name, &[]).unwrap(), 0);
    };
    // Dimension and byte counts.
    expect(VectorKind::Binary, 32, vec![0; 4], Status::DimensionMismatch, &["`v`", "dim 64", "dim 32"]);
    expect(
        VectorKind::Binary,
        64,
        vec![0; 12],
        Status::DimensionMismatch,
        &["`v`", "12 bytes", "8 bytes each"],
    );
    expect(VectorKind::Int8, 16, vec![0; 17], Status::DimensionMismatch, &["17 bytes"]);
    expect(VectorKind::Float16, 16, vec![0; 33], Status::DimensionMismatch, &["33 bytes"]);
    // NaN and infinity, with the row and component named; the whole batch is refused.
    let mut data = vec![0u8; 3 * 32];
    data[2 * 32 + 6..2 * 32 + 8].copy_from_slice(&0x7c00u16.to_le_bytes());
    expect(VectorKind::Float16, 16, data, Status::InvalidValue, &["`v` row 2", "component 3 is infinity"]);
    let mut data = vec![0u8; 2 * 32];
    data[32..34].copy_from_slice(&0x7fc0u16.to_le_bytes());
    expect(VectorKind::BFloat16, 16, data, Status::InvalidValue, &["`v` row 1", "component 0 is NaN"]);
    let data: Vec<u8> = (0..16).flat_map(|_| f32_to_bf16(1e37).to_le_bytes()).collect();
    expect(VectorKind::BFloat16, 16, data, Status::InvalidValue, &["row 0", "norm"]);
    // A column of another type.
    let schema = Schema::builder("mixed")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::Float16Vector { dim: 4 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    let e = db
        .insert(
            "mixed",
            "",
            vec![
                Column::int64("id", vec![1]),
                Column::packed_vector("v", VectorKind::BFloat16, 4, vec![0; 8]),
            ],
        )
        .unwrap_err();
    assert!(e.to_string().contains("FLOAT16_VECTOR") || e.to_string().contains("Float16Vector"), "{e}");
    // Schema rules.
    let bad_dim = Schema::builder("b")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::BinaryVector { dim: 12 }))
        .build()
        .unwrap_err();
    assert!(bad_dim.to_string().contains("multiple of 8"), "{bad_dim}");
    let nullable = Schema::builder("b")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::Int8Vector { dim: 4 }).nullable(true))
        .build()
        .unwrap_err();
    assert!(nullable.to_string().contains("vector fields cannot"), "{nullable}");
}

#[test]
fn searches_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    db.create_collection(schema(VectorKind::Binary)).unwrap();
    let vectors = rows(VectorKind::Binary, 20, 1);
    db.insert("c", "", columns(VectorKind::Binary, 0..20, &vectors)).unwrap();
    let search = |req: SearchRequest<'_>| db.search(&Context::background(), "c", &req).unwrap_err();
    let e = search(SearchRequest::packed(VectorKind::Binary, &[0; 8], 5, Metric::L2));
    assert!(e.to_string().contains("metric L2 does not apply to field `v` of type BINARY_VECTOR"), "{e}");
    let e = search(SearchRequest::packed(VectorKind::Binary, &[0; 7], 5, Metric::Hamming));
    assert_eq!(e.status(), Status::DimensionMismatch, "{e}");
    let e = search(SearchRequest::new(&[0.0; 64], 5, Metric::Hamming));
    assert!(e.to_string().contains("BINARY_VECTOR query vectors"), "{e}");
    let e = db.create_index(&Context::background(), "c", "v", "", Metric::L2, IndexParams::Flat).unwrap_err();
    assert!(e.to_string().contains("HAMMING, JACCARD"), "{e}");
    let e =
        db.create_milvus_index(&Context::background(), "c", "v", "", "IVF_FLAT", "HAMMING", &[]).unwrap_err();
    assert!(e.to_string().contains("takes BIN_IVF_FLAT, not IVF_FLAT"), "{e}");
    db.create_milvus_index(&Context::background(), "c", "v", "", "BIN_FLAT", "JACCARD", &[]).unwrap();
    let e = search(SearchRequest::packed(VectorKind::Binary, &[0; 8], 5, Metric::Hamming));
    assert!(e.to_string().contains("metric type not match"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    db.create_collection(schema(VectorKind::Float16)).unwrap();
    let mut query = vec![0u8; 32];
    query[30..32].copy_from_slice(&0xfc00u16.to_le_bytes());
    let e = db
        .search(
            &Context::background(),
            "c",
            &SearchRequest::packed(VectorKind::Float16, &query, 5, Metric::L2),
        )
        .unwrap_err();
    assert!(e.to_string().contains("query 0: component 15 is infinity"), "{e}");

    let e = db
        .search(
            &Context::background(),
            "c",
            &SearchRequest::packed(VectorKind::Int8, &[0; 32], 5, Metric::L2),
        )
        .unwrap_err();
    assert!(e.to_string().contains("search it with FLOAT16_VECTOR query vectors, not INT8_VECTOR"), "{e}");

    let f32_db_dir = tempfile::tempdir().unwrap();
    let f32_db = common::seed_db(f32_db_dir.path());
    let e = f32_db
        .search(&Context::background(), "c", &SearchRequest::new(&[0.0; 8], 5, Metric::Hamming))
        .unwrap_err();
    assert!(e.to_string().contains("FLOAT_VECTOR"), "{e}");
}

#[test]
fn range_search_on_binary_metrics_keeps_milvus_direction() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    db.create_collection(schema(VectorKind::Binary)).unwrap();
    let vectors = rows(VectorKind::Binary, ROWS as usize, 5);
    db.insert("c", "", columns(VectorKind::Binary, 0..ROWS / 2, &vectors)).unwrap();
    db.flush("c").unwrap();
    db.insert("c", "", columns(VectorKind::Binary, ROWS / 2..ROWS, &vectors)).unwrap();
    let query = &vectors[0];
    for (metric, radius, range_filter) in [(Metric::Hamming, 30.0f32, 26.0f32), (Metric::Jaccard, 0.7, 0.6)] {
        let req =
            SearchRequest::packed(VectorKind::Binary, query, 1000, metric).range(radius, Some(range_filter));
        let hits = db.search(&Context::background(), "c", &req).unwrap().remove(0);
        let want = vectors
            .iter()
            .filter(|v| {
                let s = score(VectorKind::Binary, metric, query, v) as f32;
                range_filter <= s && s < radius
            })
            .count();
        assert!(want > 0, "{metric:?}: the band holds rows");
        assert_eq!(hits.len(), want, "{metric:?}");
        assert!(hits.scores.iter().all(|&s| range_filter <= s && s < radius), "{metric:?}");
        assert!(hits.scores.windows(2).all(|w| w[0] <= w[1]), "{metric:?}: ascending distances");
        let wrong =
            SearchRequest::packed(VectorKind::Binary, query, 10, metric).range(range_filter, Some(radius));
        let e = db.search(&Context::background(), "c", &wrong).unwrap_err();
        assert!(e.to_string().contains("range_filter must be less than radius"), "{e}");
    }
}

#[test]
fn several_vector_fields_in_one_collection() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(dir.path());
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("f", FieldType::FloatVector { dim: 4 }))
        .field(Field::new("b", FieldType::BinaryVector { dim: 16 }))
        .field(Field::new("h", FieldType::Float16Vector { dim: 4 }))
        .field(Field::new("q", FieldType::Int8Vector { dim: 4 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    let n = 50i64;
    let half = |x: f32| f32_to_f16(x).to_le_bytes();
    let h: Vec<u8> =
        (0..n).flat_map(|i| [half(i as f32), half(0.0), half(0.0), half(0.0)].concat()).collect();
    db.insert(
        "c",
        "",
        vec![
            Column::int64("id", (0..n).collect()),
            Column::float_vector("f", 4, (0..n).flat_map(|i| [i as f32, 0.0, 0.0, 0.0]).collect()),
            Column::packed_vector("b", VectorKind::Binary, 16, (0..n).flat_map(|i| [i as u8, 0]).collect()),
            Column::packed_vector("h", VectorKind::Float16, 4, h),
            Column::packed_vector(
                "q",
                VectorKind::Int8,
                4,
                (0..n).flat_map(|i| [i as u8, 0, 0, 0]).collect(),
            ),
        ],
    )
    .unwrap();
    let ctx = Context::background();
    let e = db.search(&ctx, "c", &SearchRequest::new(&[7.0, 0.0, 0.0, 0.0], 1, Metric::L2)).unwrap_err();
    assert!(e.to_string().contains("several vector fields"), "{e}");
    let top = |req: SearchRequest<'_>| {
        let hits = db.search(&ctx, "c", &req).unwrap().remove(0);
        let PrimaryKeys::Int(ids) = hits.ids else { panic!() };
        ids[0]
    };
    assert_eq!(top(SearchRequest::new(&[7.0, 0.0, 0.0, 0.0], 1, Metric::L2).vector_field("f")), 7);
    assert_eq!(
        top(SearchRequest::packed(VectorKind::Binary, &[9, 0], 1, Metric::Hamming).vector_field("b")),
        9
    );
    let q: Vec<u8> = [half(11.0), half(0.0), half(0.0), half(0.0)].concat();
    assert_eq!(top(SearchRequest::packed(VectorKind::Float16, &q, 1, Metric::L2).vector_field("h")), 11);
    assert_eq!(
        top(SearchRequest::packed(VectorKind::Int8, &[13, 0, 0, 0], 1, Metric::L2).vector_field("q")),
        13
    );
    let e = db
        .search(
            &ctx,
            "c",
            &SearchRequest::packed(VectorKind::Binary, &[9, 0], 1, Metric::Hamming).vector_field("f"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("FLOAT_VECTOR"), "{e}");
    let got = db.get("c", &[], &PrimaryKeys::Int(vec![3]), &["*"]).unwrap();
    assert_eq!(
        got.column("b").unwrap().data(),
        &ColumnData::PackedVector { kind: VectorKind::Binary, dim: 16, data: vec![3, 0] }
    );
    assert_eq!(
        got.column("q").unwrap().data(),
        &ColumnData::PackedVector { kind: VectorKind::Int8, dim: 4, data: vec![3, 0, 0, 0] }
    );
}
