//! Partition-key collections: routing by Milvus's hash, atomic multi-partition batches (also
//! across a torn WAL record), refusals of manual partition calls, pruning, key-changing
//! upserts, reopen and compaction.

use veclite::partition_key::{self, DEFAULT_NUM_PARTITIONS, MAX_NUM_PARTITIONS};
use veclite::{
    CollectionChange, Column, ColumnData, Context, Database, Error, Field, FieldType, Metric, Options,
    PrimaryKeys, Schema, SearchRequest,
};

const DIM: usize = 4;

/// `id` Int64 key, `tenant` Int64 partition key, `name` VarChar, `v` FloatVector(4).
fn schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("tenant", FieldType::Int64).partition_key(true))
        .field(Field::new("name", FieldType::VarChar { max_length: 200 }))
        .field(Field::new("v", FieldType::FloatVector { dim: DIM as u32 }))
        .build()
        .unwrap()
}

fn with_partitions(n: u32) -> CollectionChange {
    CollectionChange { num_partitions: Some(n), ..CollectionChange::default() }
}

/// Rows `ids`, tenant `id % 10` plus `shift`, name `"n{id}"`, vector components `id + j`.
fn rows(ids: &[i64], shift: i64) -> Vec<Column> {
    vec![
        Column::int64("id", ids.to_vec()),
        Column::int64("tenant", ids.iter().map(|i| i % 10 + shift).collect()),
        Column::varchar("name", ids.iter().map(|i| format!("n{i}"))),
        Column::float_vector(
            "v",
            DIM,
            ids.iter().flat_map(|&i| (0..DIM).map(move |j| (i + j as i64) as f32)).collect(),
        ),
    ]
}

fn open(dir: &std::path::Path) -> Database {
    Database::open(dir, Options::default()).unwrap()
}

/// Rows counted in each partition `_default_0..n`.
fn per_partition(db: &Database, n: u32) -> Vec<u64> {
    partition_key::partition_names(n).iter().map(|p| db.count("c", &[p]).unwrap()).collect()
}

/// Rows of each partition as the test computes it from the tenants of `ids`.
fn expected(ids: &[i64], shift: i64, n: u32) -> Vec<u64> {
    let mut out = vec![0; n as usize];
    for i in ids {
        out[(partition_key::hash_int64(i % 10 + shift) % n) as usize] += 1;
    }
    out
}

fn int_ids(r: &veclite::QueryResult, field: &str) -> Vec<i64> {
    let ColumnData::Int64(ids) = r.column(field).unwrap().data() else { panic!("not Int64") };
    ids.clone()
}

#[test]
fn hashes_are_milvus_s() {
    // Computed with Go's hash/crc32 and github.com/spaolacci/murmur3 v1.1.0 (the libraries
    // Milvus's typeutil uses), following HashKey2PartitionsWithFilter: (key, hash, %16, %7).
    let ints = [
        (0i64, 1_669_671_676u32, 12, 1),
        (1, 1_392_991_556, 4, 5),
        (-1, 1_651_860_712, 8, 5),
        (42, 1_871_679_806, 14, 3),
        (1 << 40, 703_999_778, 2, 6),
        (i64::MIN, 1_366_273_829, 5, 4),
        (i64::MAX, 40_977_599, 15, 5),
    ];
    for (key, hash, m16, m7) in ints {
        assert_eq!(partition_key::hash_int64(key), hash, "key {key}");
        assert_eq!((hash % 16, hash % 7), (m16, m7));
    }
    let long = "x".repeat(150);
    let strs = [
        ("", 0u32, 0, 0),
        ("a", 3_904_355_907, 3, 4),
        ("hello", 907_060_870, 6, 2),
        (long.as_str(), 1_577_999_759, 15, 0),
        ("日本", 3_350_711_756, 12, 0),
    ];
    for (key, hash, m16, m7) in strs {
        assert_eq!(partition_key::hash_varchar(key.as_bytes()), hash, "key {key:?}");
        assert_eq!((hash % 16, hash % 7), (m16, m7));
    }
}

#[test]
fn schema_and_num_partitions_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    let bad = |f: Field| {
        Schema::builder("b")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(f)
            .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
            .build()
            .unwrap_err()
            .to_string()
    };
    assert!(bad(Field::new("k", FieldType::Double).partition_key(true)).contains("Int64 or VarChar"));
    assert!(bad(Field::new("k", FieldType::Int64).nullable(true).partition_key(true)).contains("nullable"));
    let pk_as_key = Schema::builder("b")
        .field(Field::new("id", FieldType::Int64).primary_key().partition_key(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap_err();
    assert!(pk_as_key.to_string().contains("primary key"), "{pk_as_key}");
    let two = Schema::builder("b")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("a", FieldType::Int64).partition_key(true))
        .field(Field::new("b", FieldType::VarChar { max_length: 4 }).partition_key(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap_err();
    assert!(two.to_string().contains("more than one partition key"), "{two}");

    for n in [0, MAX_NUM_PARTITIONS + 1] {
        let e = db.create_collection_with(schema("c"), &with_partitions(n)).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{n}: {e}");
    }
    let plain = veclite::Schema::builder("p")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap();
    let e = db.create_collection_with(plain.clone(), &with_partitions(4)).unwrap_err();
    assert!(e.to_string().contains("partition key"), "{e}");
    db.create_collection(plain).unwrap();
    assert_eq!(db.describe_collection("p").unwrap().settings.num_partitions, 0);
    assert_eq!(db.list_partitions("p").unwrap(), vec!["_default"]);

    db.create_collection(schema("c")).unwrap();
    let info = db.describe_collection("c").unwrap();
    assert_eq!(info.settings.num_partitions, DEFAULT_NUM_PARTITIONS);
    assert_eq!(info.partitions, partition_key::partition_names(DEFAULT_NUM_PARTITIONS));
    assert_eq!(info.partitions[15], "_default_15");
    assert!(info.schema.fields[1].is_partition_key);
    let e = db.alter_collection("c", &with_partitions(4)).unwrap_err();
    assert!(e.to_string().contains("num_partitions"), "{e}");
}

#[test]
fn rows_are_routed_by_the_hash_and_manual_partitions_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection_with(schema("c"), &with_partitions(5)).unwrap();
    let ids: Vec<i64> = (0..200).collect();
    let r = db.insert("c", "", rows(&ids, 0)).unwrap();
    assert_eq!(r.insert_count, 200);
    let want = expected(&ids, 0, 5);
    assert!(want.iter().filter(|&&c| c > 0).count() >= 3, "the batch spans several partitions: {want:?}");
    assert_eq!(per_partition(&db, 5), want);

    let msg = "not support manually specifying the partition names if partition key mode is used";
    let refused = |e: Error| assert!(e.to_string().contains(msg), "{e}");
    refused(db.insert("c", "_default_0", rows(&[1000], 0)).unwrap_err());
    refused(db.upsert("c", "_default_0", rows(&[1000], 0)).unwrap_err());
    refused(db.delete("c", "_default_0", "id == 1").unwrap_err());
    refused(db.delete_by_pks("c", "_default_0", &PrimaryKeys::Int(vec![1])).unwrap_err());
    refused(db.query("c", &["_default_1"], "id >= 0", &[], Some(10), 0).unwrap_err());
    refused(db.count_where("c", &["_default_1"], "id > 0").unwrap_err());
    refused(db.get("c", &["_default_1"], &PrimaryKeys::Int(vec![1]), &[]).unwrap_err());
    let q = [0.0f32; DIM];
    let req = SearchRequest::new(&q, 3, Metric::L2).partitions(&["_default_1"]);
    refused(db.search(&Context::background(), "c", &req).unwrap_err());
    let e = db.create_partition("c", "extra").unwrap_err();
    assert!(e.to_string().contains("disable create partition if partition key mode is used"), "{e}");
    let e = db.drop_partition("c", "_default_1").unwrap_err();
    assert!(e.to_string().contains("disable drop partition if partition key mode is used"), "{e}");
    assert_eq!(db.count("c", &[]).unwrap(), 200, "refused calls change nothing");
}

#[test]
fn a_bad_row_rejects_the_whole_multi_partition_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection(schema("c")).unwrap();
    let mut cols = rows(&(0..50).collect::<Vec<_>>(), 0);
    let ColumnData::FloatVector { data, .. } = cols[3].data() else { panic!() };
    let mut data = data.clone();
    data[49 * DIM] = f32::NAN;
    cols[3] = Column::float_vector("v", DIM, data);
    assert!(db.insert("c", "", cols).is_err());
    assert_eq!(db.count("c", &[]).unwrap(), 0);
}

#[test]
fn a_torn_multi_partition_record_is_replayed_whole_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection_with(schema("c"), &with_partitions(8)).unwrap();
    let first: Vec<i64> = (0..40).collect();
    db.insert("c", "", rows(&first, 0)).unwrap();
    // The second batch moves keys 0..20 to other tenants and adds 40..80: one WAL record.
    let second: Vec<i64> = (0..20).chain(40..80).collect();
    db.upsert("c", "", rows(&second, 3)).unwrap();
    let dir = db.collection("c").unwrap().dir().to_path_buf();
    db.close().unwrap();
    let wal = dir.join("wal-0.log");
    let pristine = std::fs::read(&wal).unwrap();
    let mut starts = Vec::new();
    let mut pos = 16;
    while pos < pristine.len() {
        starts.push(pos);
        pos += 8 + u32::from_le_bytes(pristine[pos..pos + 4].try_into().unwrap()) as usize;
    }
    assert_eq!(starts.len(), 2, "one WAL record per batch");
    let (last, end) = (starts[1], pristine.len());

    let all = PrimaryKeys::Int((0..80).collect());
    let before = expected(&first, 0, 8);
    for cut in [last + 1, last + 8, last + 9, (last + end) / 2, end - 1] {
        std::fs::write(&wal, &pristine[..cut]).unwrap();
        let db = open(tmp.path());
        assert_eq!(db.count("c", &[]).unwrap(), 40, "cut at {cut}");
        assert_eq!(per_partition(&db, 8), before, "cut at {cut}");
        let r = db.get("c", &[], &all, &["tenant"]).unwrap();
        assert_eq!(int_ids(&r, "tenant"), first.iter().map(|i| i % 10).collect::<Vec<_>>());
        db.close().unwrap();
    }
    std::fs::write(&wal, &pristine).unwrap();
    let db = open(tmp.path());
    assert_eq!(db.count("c", &[]).unwrap(), 80);
    // Keys 0..20 moved: each lives once, in the partition of its new tenant.
    let mut want = expected(&(20..40).collect::<Vec<_>>(), 0, 8);
    for (w, e) in want.iter_mut().zip(expected(&second, 3, 8)) {
        *w += e;
    }
    assert_eq!(per_partition(&db, 8), want);
    let r = db.query("c", &[], "id < 20", &["tenant"], None, 0).unwrap();
    let ids = int_ids(&r, "id");
    assert_eq!(ids.len(), 20, "a key-changing upsert leaves one row per key");
    assert!(ids.iter().zip(int_ids(&r, "tenant")).all(|(i, t)| t == i % 10 + 3));
    db.close().unwrap();
}

/// Sorted ids of a query.
fn query_ids(db: &Database, expr: &str) -> Vec<i64> {
    let mut ids = int_ids(&db.query("c", &[], expr, &[], None, 0).unwrap(), "id");
    ids.sort_unstable();
    ids
}

fn search_ids(db: &Database, expr: &str) -> Vec<i64> {
    let q = [3.0f32; DIM];
    let req = SearchRequest::new(&q, 20, Metric::L2).filter(expr);
    let hits = db.search(&Context::background(), "c", &req).unwrap();
    let PrimaryKeys::Int(ids) = &hits[0].ids else { panic!() };
    ids.clone()
}

#[test]
fn pruned_reads_match_unpruned_ones_across_flush_reopen_and_compaction() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection_with(schema("c"), &with_partitions(4)).unwrap();
    for b in 0..4i64 {
        db.insert("c", "", rows(&(b * 50..b * 50 + 50).collect::<Vec<_>>(), 0)).unwrap();
        if b % 2 == 0 {
            db.flush("c").unwrap();
        }
    }
    db.delete("c", "", "id in [3, 13, 23]").unwrap();
    let check = |db: &Database| {
        // `key == v`, `key in [...]` and `and` terms prune; the `or` forms visit every partition.
        let cases = [
            ("tenant == 3", "tenant == 3 or tenant == 3"),
            ("tenant in [1, 7]", "tenant == 1 or tenant == 7"),
            ("tenant == 5 and id > 100", "(tenant == 5 or tenant == 5) and id > 100"),
            ("tenant in []", "tenant == 99 or tenant == 99"),
        ];
        for (pruned, full) in cases {
            assert_eq!(query_ids(db, pruned), query_ids(db, full), "{pruned}");
            assert_eq!(search_ids(db, pruned), search_ids(db, full), "{pruned}");
            assert_eq!(db.count_where("c", &[], pruned).unwrap(), db.count_where("c", &[], full).unwrap());
        }
        let threes = query_ids(db, "tenant == 3");
        assert_eq!(threes, (0..200).filter(|i| i % 10 == 3 && ![3, 13, 23].contains(i)).collect::<Vec<_>>());
    };
    check(&db);
    db.close().unwrap();
    let db = open(tmp.path());
    check(&db);
    db.flush("c").unwrap();
    db.compact("c").unwrap();
    check(&db);
    assert_eq!(per_partition(&db, 4).iter().sum::<u64>(), 197);
    db.close().unwrap();
}

#[test]
fn varchar_partition_keys_route_and_survive_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    let s = Schema::builder("c")
        .field(Field::new("id", FieldType::VarChar { max_length: 8 }).primary_key())
        .field(Field::new("k", FieldType::VarChar { max_length: 200 }).partition_key(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap();
    db.create_collection_with(s, &with_partitions(16)).unwrap();
    let keys = ["", "a", "hello", &"x".repeat(150), "日本"];
    let cols = vec![
        Column::varchar("id", (0..5).map(|i| format!("r{i}"))),
        Column::varchar("k", keys),
        Column::float_vector("v", 2, vec![0.0; 10]),
    ];
    db.insert("c", "", cols).unwrap();
    db.close().unwrap();
    let db = open(tmp.path());
    // Partitions from the Milvus hashes in `hashes_are_milvus_s`: 0, 3, 6, 15, 12.
    for (p, want) in [(0, 1), (3, 1), (6, 1), (15, 1), (12, 1), (1, 0)] {
        assert_eq!(db.count("c", &[&format!("_default_{p}")]).unwrap(), want, "partition {p}");
    }
    let r = db.query("c", &[], "k in [\"hello\", \"a\"]", &[], None, 0).unwrap();
    assert_eq!(r.column("id").unwrap().len(), 2);
    db.close().unwrap();
}

#[test]
fn only_key_equalities_select_partitions_to_prune_to() {
    let s = schema("c");
    let values = |expr: &str| veclite::Filter::parse(expr, &s).unwrap().field_values(1, &s);
    assert_eq!(values("tenant == 3"), Some(PrimaryKeys::Int(vec![3])));
    assert_eq!(values("tenant in [7, 1] and id > 4"), Some(PrimaryKeys::Int(vec![1, 7])));
    assert_eq!(values("id > 4 and tenant == 2"), Some(PrimaryKeys::Int(vec![2])));
    for unpruned in
        ["tenant == 3 or id == 1", "tenant != 3", "tenant > 3", "not tenant in [1]", "id == 3", ""]
    {
        assert_eq!(values(unpruned), None, "{unpruned}");
    }
}
