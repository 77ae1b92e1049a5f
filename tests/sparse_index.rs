//! The sparse index types at the collection level: their parameters parse, fields and searches
//! they do not apply to refuse them by name, and SPARSE_INVERTED_INDEX / SPARSE_WAND built on
//! sealed segments answer every search shape (filters, offset, group-by, range) like the exact
//! scan of an unindexed twin collection, through reopen, later seals, compaction and drop_index;
//! drop ratios lower recall within bounds while scores stay exact.

use veclite::{Context, Database, Field, FieldType, Options, Schema, SearchParams, Status};

fn db_with_float_vectors(dir: &std::path::Path) -> Database {
    let db = Database::open(dir, Options::default()).unwrap();
    let schema = Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 4 }))
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    db
}

#[test]
fn sparse_index_types_refuse_float_vector_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_float_vectors(dir.path());
    let ctx = Context::background();
    for index_type in ["SPARSE_INVERTED_INDEX", "SPARSE_WAND"] {
        let e = db
            .create_milvus_index(&ctx, "c", "v", "", index_type, "IP", &[("drop_ratio_build", "0.1")])
            .unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument, "{e}");
        let text = e.to_string();
        assert!(
            text.contains(index_type) && text.contains("SPARSE_FLOAT_VECTOR") && text.contains("`v`"),
            "{text}"
        );
    }
    assert!(db.describe_index("c", None).unwrap().is_empty());
}

#[test]
fn drop_ratio_search_needs_a_sparse_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_float_vectors(dir.path());
    let params = SearchParams::from_milvus(&[("drop_ratio_search", "0.2")]).unwrap();
    let e = db.check_search_params("c", None, params).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument, "{e}");
    assert!(
        e.to_string().contains("`drop_ratio_search`") && e.to_string().contains("SPARSE_INVERTED_INDEX"),
        "{e}"
    );
    db.check_search_params("c", None, SearchParams::default()).unwrap();
}

// ---- Sparse indexes built through a collection ----

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use veclite::{Column, ColumnData, Metric, PrimaryKeys, SearchHits, SearchRequest};

type Row = Vec<(u32, f32)>;

const VOCAB: u32 = 400;

fn sparse_schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", FieldType::SparseFloatVector))
        .build()
        .unwrap()
}

/// `n` rows of 5–20 distinct indices, skewed towards small indices, positive values (so every
/// shared index lifts the score above 0, and the exact scan and the index see the same rows).
fn random_rows(n: usize, seed: u64) -> Vec<Row> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let len = rng.random_range(5..20);
            let mut row = BTreeMap::new();
            while row.len() < len {
                let i = (rng.random_range(0.0f64..1.0).powi(2) * f64::from(VOCAB)) as u32;
                row.insert(i, rng.random_range(0.01f32..1.0));
            }
            row.into_iter().collect()
        })
        .collect()
}

fn insert(db: &Database, collection: &str, rows: &[Row], ids: std::ops::Range<i64>) {
    let ids: Vec<i64> = ids.collect();
    db.insert(
        collection,
        "",
        vec![
            Column::int64("id", ids.clone()),
            Column::int64("tag", ids.iter().map(|i| i % 3).collect()),
            Column::sparse_vector("v", ids.iter().map(|&i| rows[i as usize].clone())),
        ],
    )
    .unwrap();
}

/// Two collections with the same rows: `c` (indexed once the test creates the index) and `e`
/// (never indexed: searched exactly), the first 1,500 rows sealed, the last 300 growing.
fn twin_collections(dir: &std::path::Path, rows: &[Row]) -> Database {
    let db = Database::open(dir, Options::default()).unwrap();
    for name in ["c", "e"] {
        db.create_collection(sparse_schema(name)).unwrap();
        insert(&db, name, rows, 0..1_500);
        db.flush(name).unwrap();
        insert(&db, name, rows, 1_500..1_800);
    }
    db
}

fn search(db: &Database, collection: &str, req: &SearchRequest<'_>) -> Vec<SearchHits> {
    db.search(&Context::background(), collection, req).unwrap()
}

fn keys(h: &SearchHits) -> Vec<i64> {
    match &h.ids {
        PrimaryKeys::Int(v) => v.clone(),
        _ => panic!("int keys"),
    }
}

/// Asserts that both collections answer `req` with the same keys and scores (to rounding).
fn same_answers(db: &Database, req: &SearchRequest<'_>, what: &str) {
    let (got, want) = (search(db, "c", req), search(db, "e", req));
    assert_eq!(got.len(), want.len());
    for (q, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(keys(g), keys(w), "{what}: query {q}");
        for (a, b) in g.scores.iter().zip(&w.scores) {
            assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{what}: query {q}: {a} vs {b}");
        }
    }
}

/// Every search shape answered alike by the indexed and the exact collection.
fn check_all_shapes(db: &Database, queries: &ColumnData, what: &str) {
    let rows = queries.as_ref().sparse_rows().unwrap();
    let base = || SearchRequest::sparse(rows, 10, Metric::Ip);
    same_answers(db, &base(), what);
    same_answers(db, &base().filter("tag == 1"), &format!("{what}, filter"));
    same_answers(db, &base().filter("id < 40"), &format!("{what}, selective filter"));
    same_answers(db, &base().offset(5), &format!("{what}, offset"));
    same_answers(db, &base().group_by("tag", 2, false), &format!("{what}, group-by"));
    same_answers(db, &SearchRequest { topk: 50, ..base().range(0.5, Some(2.0)) }, &format!("{what}, range"));
}

fn recall(db: &Database, req: &SearchRequest<'_>) -> f64 {
    let (got, want) = (search(db, "c", req), search(db, "e", req));
    let (mut found, mut total) = (0, 0);
    for (g, w) in got.iter().zip(&want) {
        let w = keys(w);
        found += keys(g).iter().filter(|k| w.contains(k)).count();
        total += w.len();
    }
    found as f64 / total as f64
}

/// Index files (`*.idx`) under `dir`.
fn index_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() { index_files(&p) } else { usize::from(p.extension().is_some_and(|x| x == "idx")) }
        })
        .sum()
}

fn describe(db: &Database) -> veclite::IndexInfo {
    db.describe_index("c", Some("v")).unwrap().remove(0)
}

#[test]
fn sparse_indexes_answer_like_the_exact_scan() {
    let dir = tempfile::tempdir().unwrap();
    let rows = random_rows(1_800, 7);
    let db = twin_collections(dir.path(), &rows);
    let queries = ColumnData::sparse(random_rows(20, 99));
    let ctx = Context::background();
    for (index_type, params) in [
        ("SPARSE_INVERTED_INDEX", vec![("inverted_index_algo", "TAAT_NAIVE")]),
        ("SPARSE_INVERTED_INDEX", vec![("inverted_index_algo", "DAAT_WAND")]),
        ("SPARSE_INVERTED_INDEX", vec![("drop_ratio_build", "0")]),
        ("SPARSE_WAND", vec![]),
        ("AUTOINDEX", vec![]),
    ] {
        db.create_milvus_index(&ctx, "c", "v", "", index_type, "IP", &params).unwrap();
        let info = describe(&db);
        assert!(info.finished() && info.indexed_rows == 1_500 && info.pending_rows == 0, "{info:?}");
        assert!(info.index.params.is_sparse(), "{index_type}: {:?}", info.index.params);
        check_all_shapes(&db, &queries, index_type);
        db.drop_index("c", "v").unwrap();
    }
    // AUTOINDEX on a sparse field is SPARSE_INVERTED_INDEX with DAAT_MAXSCORE.
    db.create_milvus_index(&ctx, "c", "v", "", "AUTOINDEX", "IP", &[]).unwrap();
    let shown = describe(&db).index.params.sparse_milvus_params();
    assert_eq!(describe(&db).index.params.type_name(), "SPARSE_INVERTED_INDEX");
    assert_eq!(shown[1], ("inverted_index_algo", "DAAT_MAXSCORE".to_owned()));
    db.drop_index("c", "v").unwrap();
    db.check_search_params("c", None, SearchParams::from_milvus(&[("drop_ratio_search", "0.2")]).unwrap())
        .unwrap_err();
}

#[test]
fn drop_ratios_bound_recall_and_prove_the_index_is_searched() {
    let dir = tempfile::tempdir().unwrap();
    let rows = random_rows(1_800, 11);
    let db = twin_collections(dir.path(), &rows);
    let queries = ColumnData::sparse(random_rows(20, 5));
    let rows_q = queries.as_ref().sparse_rows().unwrap();
    let ctx = Context::background();
    db.create_milvus_index(&ctx, "c", "v", "", "SPARSE_INVERTED_INDEX", "IP", &[("drop_ratio_build", "0.3")])
        .unwrap();
    let shown = describe(&db).index.params.sparse_milvus_params();
    assert_eq!(shown[0], ("drop_ratio_build", "0.3".to_owned()));
    assert_eq!(index_files(dir.path()), 1, "one sealed segment, one index file");
    let plain = SearchRequest::sparse(rows_q, 10, Metric::Ip);
    let r = recall(&db, &plain);
    assert!(
        (0.7..1.0).contains(&r),
        "drop_ratio_build 0.3: recall {r} (1.0 would mean the index was not read)"
    );
    // drop_ratio_search is taken now, and drops more.
    let params = SearchParams::from_milvus(&[("drop_ratio_search", "0.5")]).unwrap();
    db.check_search_params("c", None, params).unwrap();
    let dropping = SearchRequest { params, ..SearchRequest::sparse(rows_q, 10, Metric::Ip) };
    let r2 = recall(&db, &dropping);
    assert!((0.4..=r).contains(&r2), "drop_ratio_search 0.5: recall {r2} (build only: {r})");
    // Scores stay exact: every hit's score is its row's inner product with the full query.
    for (q, hits) in search(&db, "c", &dropping).iter().enumerate() {
        let (qi, qv) = rows_q.row(q);
        for (&id, &score) in keys(hits).iter().zip(&hits.scores) {
            let exact: f32 = rows[id as usize]
                .iter()
                .filter_map(|(i, v)| qi.iter().position(|x| x == i).map(|p| v * qv[p]))
                .sum();
            assert!((exact - score).abs() <= 1e-4, "query {q}, id {id}: {score} vs {exact}");
        }
    }
    // Without drops the answers are the exact scan's again.
    db.drop_index("c", "v").unwrap();
    assert_eq!(index_files(dir.path()), 0, "drop_index deletes the index files");
    db.create_milvus_index(&ctx, "c", "v", "", "SPARSE_WAND", "IP", &[]).unwrap();
    same_answers(&db, &plain, "SPARSE_WAND after drop_index");
}

#[test]
fn sparse_index_survives_reopen_seal_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let rows = random_rows(2_400, 3);
    let queries = ColumnData::sparse(random_rows(15, 8));
    let ctx = Context::background();
    {
        let db = twin_collections(dir.path(), &rows);
        db.create_milvus_index(
            &ctx,
            "c",
            "v",
            "",
            "SPARSE_INVERTED_INDEX",
            "IP",
            &[("inverted_index_algo", "DAAT_MAXSCORE")],
        )
        .unwrap();
        assert_eq!(describe(&db).indexed_rows, 1_500);
    }
    let db = Database::open(dir.path(), Options::default()).unwrap();
    let info = describe(&db);
    assert!(info.finished(), "{info:?}");
    check_all_shapes(&db, &queries, "reopened");
    // A newly sealed segment is indexed after the flush.
    for name in ["c", "e"] {
        insert(&db, name, &rows, 1_800..2_400);
        db.flush(name).unwrap();
    }
    let info = describe(&db);
    assert!(info.finished() && info.indexed_rows == 2_400, "{info:?}");
    check_all_shapes(&db, &queries, "after a second seal");
    // Compaction rewrites segments without the deleted rows and indexes them again.
    for name in ["c", "e"] {
        db.delete(name, "", "id < 600").unwrap();
        db.compact(name).unwrap();
    }
    let info = describe(&db);
    assert!(info.finished() && info.indexed_rows == 1_800, "{info:?}");
    check_all_shapes(&db, &queries, "after compaction");
}
