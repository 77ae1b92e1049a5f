//! Indexes of packed vector fields (binary, float16, bfloat16, int8): recall of every (type ×
//! index × metric) Milvus allows against the exact scan, the refusals, AUTOINDEX, search
//! parameters, filters, range and group-by searches through the index, reopen without rebuild,
//! compaction and a corrupted index file.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use veclite::{
    Column, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys, Schema,
    SearchRequest, Status, VectorKind, simd,
};

const N: usize = 3_000;
const NQ: usize = 20;

fn dim_of(kind: VectorKind) -> usize {
    if kind == VectorKind::Binary { 256 } else { 32 }
}

fn schema(kind: VectorKind) -> Schema {
    let dim = dim_of(kind) as u32;
    Schema::builder("c")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tag", FieldType::Int64))
        .field(Field::new("v", kind.field_type(dim)))
        .build()
        .unwrap()
}

/// `n` stored rows of `kind` around 30 seeded centres: components near a centre (binary: the
/// centre's bits with one in eight flipped).
fn rows(kind: VectorKind, n: usize, seed: u64) -> Vec<u8> {
    let dim = dim_of(kind);
    let mut centres = StdRng::seed_from_u64(99);
    let centres: Vec<Vec<f32>> =
        (0..30).map(|_| (0..dim).map(|_| centres.random_range(-1.0f32..1.0)).collect()).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n * kind.row_bytes(dim));
    for _ in 0..n {
        let c = &centres[rng.random_range(0..30)];
        let x: Vec<f32> = c.iter().map(|v| v + rng.random_range(-0.4f32..0.4)).collect();
        match kind {
            VectorKind::Binary => {
                for byte in c.chunks(8) {
                    let bits = byte.iter().enumerate().fold(0u8, |b, (i, &v)| {
                        let bit = (v > 0.0) ^ rng.random_bool(0.125);
                        b | (u8::from(bit) << i)
                    });
                    out.push(bits);
                }
            }
            VectorKind::Float16 => x.iter().for_each(|&v| out.extend(simd::f32_to_f16(v).to_le_bytes())),
            VectorKind::BFloat16 => x.iter().for_each(|&v| out.extend(simd::f32_to_bf16(v).to_le_bytes())),
            VectorKind::Int8 => x.iter().for_each(|&v| out.push((v * 60.0).round() as i8 as u8)),
        }
    }
    out
}

fn options() -> Options {
    Options { worker_threads: 2, ..Options::default() }
}

/// A database with collection `c` of `kind` holding `N` rows (tag = id % 10), flushed.
fn collection(dir: &std::path::Path, kind: VectorKind) -> Database {
    let db = Database::open(dir, options()).unwrap();
    db.create_collection(schema(kind)).unwrap();
    let ids: Vec<i64> = (0..N as i64).collect();
    let tags = ids.iter().map(|i| i % 10).collect();
    let v = Column::packed_vector("v", kind, dim_of(kind), rows(kind, N, 1));
    db.insert("c", "", vec![Column::int64("id", ids), Column::int64("tag", tags), v]).unwrap();
    db.flush("c").unwrap();
    db
}

fn ids(db: &Database, req: &SearchRequest<'_>) -> Vec<Vec<i64>> {
    let hits = db.search(&Context::background(), "c", req).unwrap();
    hits.iter().map(|h| int_ids(&h.ids)).collect()
}

fn int_ids(keys: &PrimaryKeys) -> Vec<i64> {
    match keys {
        PrimaryKeys::Int(ids) => ids.clone(),
        PrimaryKeys::Str(_) => panic!("int64 keys expected"),
    }
}

fn recall(got: &[Vec<i64>], truth: &[Vec<i64>]) -> f64 {
    let hit: usize = got.iter().zip(truth).map(|(g, t)| g.iter().filter(|id| t.contains(id)).count()).sum();
    hit as f64 / truth.iter().map(Vec::len).sum::<usize>() as f64
}

/// A key/value parameter in Milvus's terms.
type Param = (&'static str, &'static str);

/// Every index type each kind takes, with its build parameters and the search parameter that
/// reads it.
fn cases(kind: VectorKind) -> Vec<(&'static str, Vec<Param>, Param)> {
    let hnsw = ("HNSW", vec![("M", "16"), ("efConstruction", "100")], ("ef", "64"));
    let ivf = |name| (name, vec![("nlist", "32")], ("nprobe", "8"));
    match kind {
        VectorKind::Binary => vec![ivf("BIN_IVF_FLAT"), hnsw],
        VectorKind::Int8 => vec![hnsw],
        _ => vec![hnsw, ivf("IVF_FLAT")],
    }
}

#[test]
fn every_packed_index_recalls_the_exact_scan() {
    let queries_of = |kind| rows(kind, NQ, 7);
    for kind in VectorKind::ALL {
        let dir = tempfile::tempdir().unwrap();
        let db = collection(dir.path(), kind);
        let queries = queries_of(kind);
        for &metric in kind.metrics() {
            let exact = ids(&db, &SearchRequest::packed(kind, &queries, 10, metric));
            let filtered_exact =
                ids(&db, &SearchRequest::packed(kind, &queries, 10, metric).filter("tag in [1, 2, 3]"));
            for (index_type, build, search) in cases(kind) {
                let ctx = Context::background();
                db.create_milvus_index(&ctx, "c", "v", "", index_type, metric.name(), &build).unwrap();
                let info = db.describe_index("c", Some("v")).unwrap();
                assert!(info[0].finished(), "{kind:?} {index_type}: built");
                let req =
                    SearchRequest::packed(kind, &queries, 10, metric).with_milvus_params(&[search]).unwrap();
                let got = ids(&db, &req);
                let r = recall(&got, &exact);
                assert!(r >= 0.9, "{kind:?} {index_type} {}: recall {r}", metric.name());
                // The index answers (not the exact scan): one probed list or a beam of 1 misses
                // some of the true neighbours.
                let narrow = if search.0 == "ef" { ("ef", "10") } else { ("nprobe", "1") };
                let narrow =
                    SearchRequest::packed(kind, &queries, 10, metric).with_milvus_params(&[narrow]).unwrap();
                let r_narrow = recall(&ids(&db, &narrow), &exact);
                assert!(r_narrow < 1.0, "{kind:?} {index_type}: narrow recall {r_narrow}");
                let req = req.filter("tag in [1, 2, 3]");
                let got = ids(&db, &req);
                let r = recall(&got, &filtered_exact);
                assert!(r >= 0.9, "{kind:?} {index_type} {} filtered: recall {r}", metric.name());
                db.drop_index("c", "v").unwrap();
            }
        }
    }
}

#[test]
fn index_types_are_checked_against_the_kind() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path(), options()).unwrap();
    let ctx = Context::background();
    for kind in VectorKind::ALL {
        let mut s = schema(kind);
        s.name = format!("{kind:?}");
        db.create_collection(s).unwrap();
    }
    let e = db.create_milvus_index(&ctx, "Int8", "v", "", "IVF_FLAT", "L2", &[]).unwrap_err();
    assert_eq!(e.status(), Status::Unsupported, "{e}");
    assert!(e.to_string().contains("INT8_VECTOR: the type takes FLAT, HNSW"), "{e}");
    let e = db.create_milvus_index(&ctx, "Float16", "v", "", "BIN_IVF_FLAT", "L2", &[]).unwrap_err();
    assert!(e.to_string().contains("BIN_IVF_FLAT indexes BINARY_VECTOR fields only"), "{e}");
    let e = db.create_milvus_index(&ctx, "Binary", "v", "", "IVF_FLAT", "HAMMING", &[]).unwrap_err();
    assert!(e.to_string().contains("takes BIN_IVF_FLAT"), "{e}");
    let e = db.create_milvus_index(&ctx, "Binary", "v", "", "HNSW", "L2", &[]).unwrap_err();
    assert!(e.to_string().contains("HAMMING, JACCARD"), "{e}");
    // AUTOINDEX maps as Milvus maps it.
    for (kind, want) in [
        (VectorKind::Binary, IndexParams::IvfFlat { nlist: 1024 }),
        (VectorKind::Float16, IndexParams::Hnsw { m: 18, ef_construction: 240 }),
        (VectorKind::BFloat16, IndexParams::Hnsw { m: 18, ef_construction: 240 }),
        (VectorKind::Int8, IndexParams::Hnsw { m: 18, ef_construction: 240 }),
    ] {
        let name = format!("{kind:?}");
        let metric = kind.metrics()[0].name();
        db.create_milvus_index(&ctx, &name, "v", "", "AUTOINDEX", metric, &[]).unwrap();
        assert_eq!(db.describe_index(&name, Some("v")).unwrap()[0].index.params, want, "{kind:?}");
    }
}

#[test]
fn indexed_packed_fields_reopen_compact_range_and_group() {
    let dir = tempfile::tempdir().unwrap();
    let kind = VectorKind::Float16;
    let queries = rows(kind, 3, 7);
    let ctx = Context::background();
    {
        let db = collection(dir.path(), kind);
        db.create_milvus_index(
            &ctx,
            "c",
            "v",
            "",
            "HNSW",
            "COSINE",
            &[("M", "16"), ("efConstruction", "64")],
        )
        .unwrap();
        assert_eq!(db.collection("c").unwrap().index_builds(), 1);
        db.close().unwrap();
    }
    let db = Database::open(dir.path(), options()).unwrap();
    let req = SearchRequest::packed(kind, &queries, 10, Metric::Cosine);
    let before = ids(&db, &req);
    assert_eq!(db.collection("c").unwrap().index_builds(), 0, "the index file is loaded, not rebuilt");
    assert!(before.iter().all(|h| h.len() == 10));
    // Range search through the index: every score inside (0.5, 1].
    let hits = db
        .search(&ctx, "c", &SearchRequest::packed(kind, &queries, 50, Metric::Cosine).range(0.5, None))
        .unwrap();
    assert!(hits.iter().all(|h| !h.scores.is_empty() && h.scores.iter().all(|&s| s > 0.5)), "{hits:?}");
    // Group-by through the index: distinct tags.
    let hits = db
        .search(
            &ctx,
            "c",
            &SearchRequest::packed(kind, &queries, 5, Metric::Cosine).group_by("tag", 1, false),
        )
        .unwrap();
    for h in &hits {
        let tags: std::collections::BTreeSet<i64> = int_ids(&h.ids).iter().map(|i| i % 10).collect();
        assert_eq!(tags.len(), 5, "{h:?}");
    }
    // Deletes and compaction: the index is rebuilt for the compacted segment, deleted rows never
    // come back.
    let gone: Vec<i64> = before.iter().map(|h| h[0]).collect();
    db.delete("c", "", &format!("id in {gone:?}")).unwrap();
    db.compact("c").unwrap();
    let after = ids(&db, &req);
    assert!(after.iter().flatten().all(|id| !gone.contains(id)));
    assert!(db.describe_index("c", Some("v")).unwrap()[0].finished());
}

#[test]
fn a_corrupted_packed_index_file_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let kind = VectorKind::Binary;
    {
        let db = collection(dir.path(), kind);
        db.create_milvus_index(
            &Context::background(),
            "c",
            "v",
            "",
            "BIN_IVF_FLAT",
            "HAMMING",
            &[("nlist", "16")],
        )
        .unwrap();
        db.close().unwrap();
    }
    let mut files = Vec::new();
    let mut stack = vec![dir.path().to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "idx") {
                files.push(p);
            }
        }
    }
    assert_eq!(files.len(), 1);
    let mut bytes = std::fs::read(&files[0]).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x55;
    std::fs::write(&files[0], &bytes).unwrap();
    let db = Database::open(dir.path(), options()).unwrap();
    let q = rows(kind, 1, 7);
    let e = db
        .search(&Context::background(), "c", &SearchRequest::packed(kind, &q, 10, Metric::Hamming))
        .unwrap_err();
    assert_eq!(e.status(), Status::Corrupted, "{e}");
    assert!(e.to_string().contains(".idx") && e.to_string().contains("checksum"), "{e}");
}
