//! FFI overhead: the same upserts through the C ABI (`veclite_column_new_*` + `veclite_upsert`)
//! and through the Rust API (`Column::*` + `Database::upsert`), interleaved in one run.
//!
//! Both paths start from borrowed buffers, so both copy the input once into columns. Sync policy
//! `None` keeps fsync time out of the comparison (it would only dilute the overhead).
//! Workloads: the seed (3,000 rows, dim 8) and 100,000 rows × dim 128 in batches of 3,000, all
//! overwriting the same keys. Prints median times and the C / Rust ratio (target ≤ 1.05).
//!
//! Run: `cargo bench --bench ffi`

use std::ptr;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use veclite::ffi::*;
use veclite::{Column, Database, Field, FieldType, Options, Schema, Status, SyncPolicy};

struct Workload {
    name: &'static str,
    dim: usize,
    ids: Vec<i64>,
    random: Vec<f64>,
    vectors: Vec<f32>,
    batch: usize,
}

impl Workload {
    fn new(name: &'static str, rows: usize, dim: usize, batch: usize) -> Self {
        let mut rng = rand::rngs::StdRng::seed_from_u64(20240601);
        Workload {
            name,
            dim,
            ids: (0..rows as i64).collect(),
            random: (0..rows).map(|_| rng.random()).collect(),
            vectors: (0..rows * dim).map(|_| rng.random()).collect(),
            batch,
        }
    }

    fn batches(&self) -> impl Iterator<Item = (&[i64], &[f64], &[f32])> {
        let d = self.dim;
        self.ids
            .chunks(self.batch)
            .zip(self.random.chunks(self.batch))
            .zip(self.vectors.chunks(self.batch * d))
            .map(|((i, r), v)| (i, r, v))
    }
}

fn schema(name: &str, dim: usize) -> Schema {
    Schema::builder(name)
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: dim as u32 }))
        .build()
        .expect("valid schema")
}

fn run_rust(db: &Database, coll: &str, w: &Workload) -> Duration {
    let start = Instant::now();
    for (ids, random, vectors) in w.batches() {
        db.upsert(
            coll,
            "",
            vec![
                Column::int64("ID", ids.to_vec()),
                Column::double("random", random.to_vec()),
                Column::float_vector("embeddings", w.dim, vectors.to_vec()),
            ],
        )
        .expect("rust upsert");
    }
    start.elapsed()
}

fn run_c(db: *const veclite_db, coll: &str, w: &Workload) -> Duration {
    let start = Instant::now();
    for (ids, random, vectors) in w.batches() {
        let mut cols: [*mut veclite_column; 3] = [ptr::null_mut(); 3];
        let mut result: *mut veclite_mutation_result = ptr::null_mut();
        let null = ptr::null_mut();
        // SAFETY: every pointer passed is valid for the call; the buffers outlive it.
        unsafe {
            let ok = [
                veclite_column_new_int64(
                    b"ID".as_ptr(),
                    2,
                    ids.as_ptr(),
                    ids.len(),
                    ptr::null(),
                    &mut cols[0],
                    null,
                ),
                veclite_column_new_double(
                    b"random".as_ptr(),
                    6,
                    random.as_ptr(),
                    random.len(),
                    ptr::null(),
                    &mut cols[1],
                    null,
                ),
                veclite_column_new_float_vector(
                    b"embeddings".as_ptr(),
                    10,
                    vectors.as_ptr(),
                    w.dim,
                    ids.len(),
                    &mut cols[2],
                    null,
                ),
                veclite_upsert(
                    db,
                    ptr::null(),
                    coll.as_ptr(),
                    coll.len(),
                    ptr::null(),
                    0,
                    cols.as_ptr().cast(),
                    3,
                    &mut result,
                    null,
                ),
            ];
            assert!(ok.iter().all(|s| *s == Status::Ok), "C upsert failed: {ok:?}");
            veclite_mutation_result_free(result);
            cols.iter().for_each(|&c| veclite_column_free(c));
        }
    }
    start.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Opens a database through the C API with sync policy `None`.
fn open_c(path: &str) -> *mut veclite_db {
    let mut db: *mut veclite_db = ptr::null_mut();
    // SAFETY: valid pointers for the calls; the options are freed after the open.
    unsafe {
        let options = veclite_options_new();
        assert_eq!(
            veclite_options_set_sync_policy(options, VECLITE_SYNC_NONE, 0, ptr::null_mut()),
            Status::Ok
        );
        assert_eq!(veclite_db_open(path.as_ptr(), path.len(), options, &mut db, ptr::null_mut()), Status::Ok);
        veclite_options_free(options);
    }
    db
}

fn main() {
    let (c_dir, rust_dir) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    let c_db = open_c(c_dir.path().to_str().expect("utf-8 path"));
    let rust = Database::open(rust_dir.path(), Options { sync: SyncPolicy::None, ..Options::default() })
        .expect("open rust db");
    let workloads =
        [Workload::new("seed 3000 x 8", 3_000, 8, 3_000), Workload::new("100k x 128", 100_000, 128, 3_000)];
    println!("{:<16} {:>12} {:>12} {:>10}", "workload", "Rust ms", "C ms", "C / Rust");
    for w in &workloads {
        let coll = format!("c{}", w.dim);
        rust.create_collection(schema(&coll, w.dim)).expect("create");
        create_collection_c(c_db, &schema(&coll, w.dim));
        // Warm up both paths (first writes allocate the growing segments).
        run_rust(&rust, &coll, w);
        run_c(c_db, &coll, w);
        let rounds = if w.ids.len() > 10_000 { 9 } else { 41 };
        let (mut r, mut c) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            r.push(run_rust(&rust, &coll, w));
            c.push(run_c(c_db, &coll, w));
        }
        let (r, c) = (median(r), median(c));
        println!(
            "{:<16} {:>12.3} {:>12.3} {:>10.3}",
            w.name,
            r.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3,
            c.as_secs_f64() / r.as_secs_f64()
        );
    }
    // SAFETY: `c_db` came from veclite_db_open and is closed once.
    unsafe { veclite_db_close(c_db, ptr::null_mut()) };
}

fn create_collection_c(db: *const veclite_db, schema: &Schema) {
    let mut builder: *mut veclite_schema_builder = ptr::null_mut();
    let mut built: *mut veclite_schema = ptr::null_mut();
    let null = ptr::null_mut();
    // SAFETY: valid pointers for the calls; the builder is consumed by build.
    unsafe {
        assert_eq!(
            veclite_schema_builder_new(schema.name.as_ptr(), schema.name.len(), &mut builder, null),
            Status::Ok
        );
        for f in &schema.fields {
            let (ty, param) = match f.field_type {
                FieldType::Int64 => (VECLITE_FIELD_INT64, 0),
                FieldType::Double => (VECLITE_FIELD_DOUBLE, 0),
                FieldType::FloatVector { dim } => (VECLITE_FIELD_FLOAT_VECTOR, dim),
                other => panic!("unused type {other:?}"),
            };
            let flags = if f.primary_key { VECLITE_FLAG_PRIMARY_KEY } else { 0 };
            assert_eq!(
                veclite_schema_builder_add_field(
                    builder,
                    f.name.as_ptr(),
                    f.name.len(),
                    ty,
                    param,
                    flags,
                    null
                ),
                Status::Ok
            );
        }
        assert_eq!(veclite_schema_builder_build(builder, &mut built, null), Status::Ok);
        assert_eq!(veclite_create_collection(db, built, null), Status::Ok);
        veclite_schema_free(built);
    }
}
