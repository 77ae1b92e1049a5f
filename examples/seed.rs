//! The seed workload end to end: create a database in a local directory, upsert 3,000 rows
//! (`ID` Int64, `random` Double, `embeddings` FloatVector dim 8), upsert half of them again,
//! flush, query, and print every MutationResult.
//!
//! Run: `cargo run --release --example seed [directory]` (default `./veclite_demo_db`).

use rand::{Rng, SeedableRng};
use veclite::{Column, Database, Field, FieldType, MutationResult, Options, Schema};

const ROWS: usize = 3_000;
const DIM: usize = 8;

fn columns(rng: &mut impl Rng, ids: &[i64]) -> Vec<Column> {
    vec![
        Column::int64("ID", ids.to_vec()),
        Column::double("random", ids.iter().map(|_| rng.random::<f64>()).collect()),
        Column::float_vector("embeddings", DIM, (0..ids.len() * DIM).map(|_| rng.random::<f32>()).collect()),
    ]
}

fn print_result(label: &str, r: &MutationResult) {
    let keys = r.primary_keys.len();
    println!(
        "{label}: MutationResult {{ insert_count: {}, delete_count: {}, upsert_count: {}, succ_count: {}, \
         succ_index: [0..{}], err_count: {}, err_index: {:?}, primary_keys: {keys} keys, timestamp: {} }}",
        r.insert_count,
        r.delete_count,
        r.upsert_count,
        r.succ_count,
        r.succ_index.len(),
        r.err_count,
        r.err_index,
        r.timestamp
    );
}

fn main() -> veclite::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "veclite_demo_db".into());
    let db = Database::open(&dir, Options::default())?;
    if db.has_collection("hello_veclite")? {
        db.drop_collection("hello_veclite")?;
    }
    let schema = Schema::builder("hello_veclite")
        .field(Field::new("ID", FieldType::Int64).primary_key())
        .field(Field::new("random", FieldType::Double))
        .field(Field::new("embeddings", FieldType::FloatVector { dim: DIM as u32 }))
        .build()?;
    db.create_collection(schema)?;

    let mut rng = rand::rngs::StdRng::seed_from_u64(20240601);
    let ids: Vec<i64> = (0..ROWS as i64).collect();
    let first = db.upsert("hello_veclite", "", columns(&mut rng, &ids))?;
    print_result("upsert 3000 new rows", &first);
    let again = db.upsert("hello_veclite", "", columns(&mut rng, &ids[..ROWS / 2]))?;
    print_result("upsert 1500 existing rows", &again);
    db.flush("hello_veclite")?;

    let count = db.count_where("hello_veclite", &[], "")?;
    println!("count(*) = {count}");
    let top = db.query("hello_veclite", &[], "random > 0.99", &["random"], Some(5), 0)?;
    println!("query `random > 0.99` limit 5: {} rows", top.len());
    for i in 0..top.len() {
        let id = top.columns[0].value(i);
        let random = top.columns[1].value(i);
        println!("  ID {id:?} random {random:?}");
    }
    db.close()
}
