//! Randomized tests of hostile input through the public API: filter strings (generated from the
//! grammar, mutated, raw bytes, deeply nested) and JSON values (generated documents, mutated and
//! raw texts), over collections with every scalar type, a JSON field and dynamic fields.
//!
//! Filter invariants, for every string: parsing never panics and a refused filter is
//! `INVALID_ARGUMENT`; for an accepted filter `e`:
//! - the same rows match on two collections holding the same rows in different segment layouts
//!   (one sealed and indexed; several sealed, compacted and growing);
//! - `query(e)` returns `count_where(e)` distinct rows;
//! - `not (e)` selects exactly the other rows: `count(e) + count(not e) == total`. The crate's
//!   logic is two-valued (a comparison with a null is false, `not` complements), so this holds
//!   on null rows too;
//! - a comparison and its complement on a nullable scalar field split the non-null rows:
//!   `count(f op v) + count(f !op v) + count(f is null) == total`; on a JSON path `==`/`!=`,
//!   `in`/`not in` and `like`/`not like` split the rows whose JSON is not null (a missing path or
//!   a value of another kind fails `==` and matches `!=`, as in Milvus);
//! - filtered search returns only rows of `query(e)`: exactly `min(topk, count(e))` of them on the
//!   flat path, at most that many through the HNSW index.
//!
//! JSON invariants: a document is accepted exactly when it keeps the storage rules (at most 64
//! levels deep, finite numbers, valid Unicode, no repeated key, at most 65,536 bytes); an
//! accepted one comes back from `get` byte for byte and every filter reads it (`exists`,
//! comparisons, `like`, `array_length`, `json_contains` along random paths); a refused one is
//! `INVALID_VALUE` naming the field and the row.
//!
//! By default each test runs a fixed set of seeds in a few seconds. `VECLITE_FUZZ_SECONDS=N`
//! runs each test for N seconds on fresh seeds; a failure prints its seed, and
//! `VECLITE_FUZZ_SEED=S` replays that one case.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value as Json};
use veclite::{
    Column, ColumnData, Context, Database, Field, FieldType, IndexParams, Metric, Options, PrimaryKeys,
    Schema, SearchRequest, Status, SyncPolicy,
};
use veclite::{MAX_JSON_DEPTH, MAX_JSON_LENGTH};

// ---- Running seeded cases ----

/// Runs `case` on seeds `0..cases` (CI), or on fresh seeds for `VECLITE_FUZZ_SECONDS`, or on the
/// one seed `VECLITE_FUZZ_SEED`. A failing case's seed is printed before its panic resumes.
fn run_cases(test: &str, cases: u64, mut case: impl FnMut(u64)) {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let mut run = |seed: u64| {
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(seed))) {
            eprintln!("{test}: case failed; replay with VECLITE_FUZZ_SEED={seed}");
            std::panic::resume_unwind(panic);
        }
    };
    if let Some(seed) = env("VECLITE_FUZZ_SEED") {
        return run(seed);
    }
    let Some(seconds) = env("VECLITE_FUZZ_SECONDS") else {
        return (0..cases).for_each(run);
    };
    let start = Instant::now();
    let first =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let mut done = 0u64;
    while start.elapsed() < Duration::from_secs(seconds) {
        run(first.wrapping_add(done));
        done += 1;
    }
    eprintln!("{test}: {done} cases in {:.0?} from seed {first}", start.elapsed());
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

// ---- Literals and paths as filter text ----

/// `s` as a double-quoted filter string literal.
fn lit_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `like` pattern matching exactly `s`.
fn like_exactly(s: &str) -> String {
    lit_str(&s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn render_path(steps: &[Step]) -> String {
    steps.iter().fold(String::new(), |mut out, step| {
        match step {
            Step::Key(k) => {
                let _ = write!(out, "[{}]", lit_str(k));
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
        out
    })
}

/// A filter literal equal to a JSON scalar, when the filter grammar can write it exactly.
fn json_literal(v: &Json) -> Option<String> {
    match v {
        Json::Bool(b) => Some(b.to_string()),
        Json::String(s) => Some(lit_str(s)),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Some(i.to_string()),
            // Eighths and similar short decimals parse exactly in every reader.
            (None, Some(f)) if n.as_u64().is_none() && (f * 8.0).fract() == 0.0 && f.abs() < 1e6 => {
                Some(format!("{f:?}"))
            }
            _ => None,
        },
        _ => None,
    }
}

// ---- JSON documents ----

const KEYS: [&str; 9] = ["a", "b", "x", "arr", "é", "with space", "q\"uote", "back\\slash", ""];

fn gen_key(rng: &mut StdRng) -> String {
    match rng.random_range(0..6) {
        0 => gen_text(rng),
        _ => pick(rng, &KEYS).to_owned(),
    }
}

/// Text with the characters that stress escaping: quotes, backslashes, controls, `%`, `_`,
/// accents, astral characters (surrogate pairs in JSON escapes), NUL.
fn gen_text(rng: &mut StdRng) -> String {
    const PARTS: [&str; 16] = [
        "a", "b", "ab", "%", "_", "\\", "\"", "'", "\n", "\u{0}", "\u{1f}", "é", "😀", "\u{ffff}", " ", "red",
    ];
    (0..rng.random_range(0..5)).map(|_| pick(rng, &PARTS)).collect()
}

fn gen_number(rng: &mut StdRng) -> Json {
    match rng.random_range(0..8) {
        0..=2 => Json::from(rng.random_range(-5i64..5)),
        3 => Json::from(pick(rng, &[i64::MIN, i64::MAX, 0, -1])),
        4 => Json::from(pick(rng, &[u64::MAX, 1 << 63, i64::MAX as u64 + 2])),
        5 => Json::from(f64::from(rng.random_range(-40i32..40)) / 8.0),
        6 => Json::from(pick(rng, &[1e308, -1e308, f64::MAX, f64::MIN_POSITIVE, 5e-324, -0.0, 1e-7])),
        _ => {
            let f = f64::from_bits(rng.random());
            Json::from(if f.is_finite() { f } else { 0.5 })
        }
    }
}

fn gen_scalar(rng: &mut StdRng) -> Json {
    match rng.random_range(0..6) {
        0 => Json::Null,
        1 => Json::Bool(rng.random()),
        2 | 3 => gen_number(rng),
        _ => Json::String(gen_text(rng)),
    }
}

/// A document exactly `depth` levels deep (a scalar at 0), with shallow siblings along the way.
fn gen_doc(rng: &mut StdRng, depth: usize) -> Json {
    if depth == 0 {
        return gen_scalar(rng);
    }
    let spine = gen_doc(rng, depth - 1);
    let siblings: Vec<Json> = (0..rng.random_range(0..3))
        .map(|_| {
            let depth = rng.random_range(0..depth.min(3));
            gen_doc(rng, depth)
        })
        .collect();
    if rng.random_bool(0.5) {
        let mut items = siblings;
        items.insert(rng.random_range(0..=items.len()), spine);
        Json::Array(items)
    } else {
        let mut object = Map::new();
        for sibling in siblings {
            object.insert(gen_key(rng), sibling);
        }
        object.insert(gen_key(rng), spine);
        Json::Object(object)
    }
}

/// A depth for a generated document: mostly shallow, often at the limit, sometimes far past it.
fn gen_depth(rng: &mut StdRng) -> usize {
    match rng.random_range(0..10) {
        0..=4 => rng.random_range(0..6),
        5..=8 => rng.random_range(MAX_JSON_DEPTH - 2..=MAX_JSON_DEPTH + 2),
        _ => rng.random_range(100..300),
    }
}

fn depth_of(v: &Json) -> usize {
    match v {
        Json::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Json::Object(map) => 1 + map.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

/// A random path from the root of `v` and the value it ends at.
fn gen_path<'v>(rng: &mut StdRng, mut v: &'v Json) -> (Vec<Step>, &'v Json) {
    let mut steps = Vec::new();
    loop {
        match v {
            Json::Array(items) if !items.is_empty() && rng.random_bool(0.9) => {
                let i = rng.random_range(0..items.len());
                steps.push(Step::Index(i));
                v = &items[i];
            }
            Json::Object(map) if !map.is_empty() && rng.random_bool(0.9) => {
                let (k, next) = map.iter().nth(rng.random_range(0..map.len())).unwrap();
                steps.push(Step::Key(k.clone()));
                v = next;
            }
            _ => return (steps, v),
        }
    }
}

/// Conditions that must hold of a row whose JSON at `path` (filter text) is `v`.
fn conditions_at(path: &str, v: &Json, has_steps: bool) -> Vec<String> {
    let mut out = Vec::new();
    if has_steps {
        out.push(format!("exists {path}"));
        out.push(format!("{path} is {}null", if v.is_null() { "" } else { "not " }));
    }
    match v {
        Json::Bool(b) => {
            out.push(format!("{path} == {b}"));
            out.push(if *b { path.to_owned() } else { format!("not {path}") });
        }
        Json::String(s) => {
            out.push(format!("{path} like {}", like_exactly(s)));
            out.push(format!("{path} >= {}", lit_str(s)));
        }
        Json::Number(n) if n.as_u64().is_some_and(|u| u > i64::MAX as u64) => {
            out.push(format!("{path} > {}", i64::MAX));
        }
        Json::Array(items) => {
            out.push(format!("array_length({path}) == {}", items.len()));
            if let Some(lit) = items.iter().find_map(json_literal) {
                out.push(format!("json_contains({path}, {lit})"));
                out.push(format!("json_contains_any({path}, [{lit}, \"-\"])"));
            }
        }
        Json::Object(map) => {
            if let Some(k) = map.keys().next() {
                out.push(format!("exists {path}[{}]", lit_str(k)));
            }
        }
        _ => {}
    }
    if let Some(lit) = json_literal(v) {
        out.push(format!("{path} == {lit}"));
        out.push(format!("{path} in [{lit}, \"other\"]"));
        out.push(format!("not ({path} != {lit})"));
    }
    out
}

// ---- The filter fixture: two collections holding the same rows ----

const ROWS: usize = 400;
const WORDS: [&str; 10] = ["", "a", "ab", "abc", "b", "red%", "x_y", "é", "back\\slash", "q\"uote"];

fn fixture_schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("i", FieldType::Int64).nullable(true))
        .field(Field::new("n", FieldType::Int8))
        .field(Field::new("d", FieldType::Double).nullable(true))
        .field(Field::new("f", FieldType::Float))
        .field(Field::new("s", FieldType::VarChar { max_length: 24 }).nullable(true))
        .field(Field::new("b", FieldType::Bool).nullable(true))
        .field(Field::new("j", FieldType::Json).nullable(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 4 }))
        .enable_dynamic_field(true)
        .build()
        .unwrap()
}

/// A batch of rows with keys `ids`: nullable values in small domains so comparisons hit,
/// shallow JSON documents, dynamic keys `k` (Int64) and `t` (VarChar), and `$meta` objects.
fn fixture_batch(rng: &mut StdRng, ids: &[i64]) -> Vec<Column> {
    let n = ids.len();
    let mut valid = |p: f64| (0..n).map(|_| rng.random_bool(p)).collect::<Vec<bool>>();
    let (vi, vd, vs, vb, vj, vk, vt) =
        (valid(0.8), valid(0.8), valid(0.8), valid(0.8), valid(0.8), valid(0.6), valid(0.6));
    let docs: Vec<String> = (0..n)
        .map(|_| {
            let depth = rng.random_range(0..4);
            gen_doc(rng, depth).to_string()
        })
        .collect();
    let metas: Vec<String> = (0..n)
        .map(|_| {
            let mut object = Map::new();
            for key in ["x", "arr", "o"] {
                if rng.random_bool(0.6) {
                    let depth = rng.random_range(0..3);
                    object.insert(key.to_owned(), gen_doc(rng, depth));
                }
            }
            Json::Object(object).to_string()
        })
        .collect();
    vec![
        Column::int64("id", ids.to_vec()),
        Column::int64("i", (0..n).map(|_| rng.random_range(-5..5)).collect()).with_validity(vi),
        Column::int8("n", (0..n).map(|_| rng.random_range(-128..=127)).collect()),
        Column::double("d", (0..n).map(|_| f64::from(rng.random_range(-10i32..10)) / 4.0).collect())
            .with_validity(vd),
        Column::float("f", (0..n).map(|_| rng.random_range(-4i32..4) as f32 / 10.0).collect()),
        Column::varchar("s", (0..n).map(|_| pick(rng, &WORDS)).collect::<Vec<_>>()).with_validity(vs),
        Column::bool("b", (0..n).map(|_| rng.random()).collect()).with_validity(vb),
        Column::json("j", &docs).with_validity(vj),
        Column::float_vector("v", 4, (0..n * 4).map(|_| rng.random_range(-1.0f32..1.0)).collect()),
        Column::int64("k", (0..n).map(|_| rng.random_range(-3..3)).collect()).with_validity(vk),
        Column::varchar("t", (0..n).map(|_| pick(rng, &WORDS)).collect::<Vec<_>>()).with_validity(vt),
        Column::json("$meta", &metas),
    ]
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: Database,
    total: u64,
}

/// Collections `a` and `b` with the same rows: `a` one sealed segment with an HNSW index; `b`
/// flushed in steps, compacted, and its last writes still growing. Both see upserts and deletes.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { sync: SyncPolicy::None, worker_threads: 2, ..Options::default() };
    let db = Database::open(dir.path(), options).unwrap();
    for name in ["a", "b"] {
        db.create_collection(fixture_schema(name)).unwrap();
    }
    let mut rng = StdRng::seed_from_u64(20_240_613);
    let ids: Vec<i64> = (0..ROWS as i64).collect();
    for (step, chunk) in ids.chunks(80).enumerate() {
        let columns = fixture_batch(&mut rng, chunk);
        for name in ["a", "b"] {
            db.insert(name, "", columns.clone()).unwrap();
        }
        if step % 2 == 1 || step == ROWS / 80 - 1 {
            db.flush("b").unwrap();
        }
        if step == 3 {
            db.compact("b").unwrap();
        }
    }
    let replaced: Vec<i64> = (0..ROWS as i64).step_by(7).collect();
    let columns = fixture_batch(&mut rng, &replaced);
    let gone = PrimaryKeys::Int((3..ROWS as i64).step_by(11).collect());
    for name in ["a", "b"] {
        db.upsert(name, "", columns.clone()).unwrap();
        db.delete_by_pks(name, "", &gone).unwrap();
    }
    db.flush("a").unwrap();
    let index = IndexParams::Hnsw { m: 8, ef_construction: 64 };
    db.create_index(&Context::background(), "a", "v", "", Metric::L2, index).unwrap();
    let total = db.count("a", &[]).unwrap();
    assert_eq!(db.count("b", &[]).unwrap(), total);
    let (sealed, growing) = db.collection("b").unwrap().segment_counts();
    assert!(sealed >= 2 && growing >= 1, "b mixes segment kinds: {sealed} sealed, {growing} growing");
    Fixture { _dir: dir, db, total }
}

fn ids_of(columns: &veclite::QueryResult) -> Vec<i64> {
    match columns.column("id").unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("{other:?}"),
    }
}

/// The rows of `collection` matching `expr` (or the error), checked against `count_where`.
fn matching(db: &Database, collection: &str, expr: &str) -> Result<BTreeSet<i64>, veclite::Error> {
    let count = db.count_where(collection, &[], expr);
    let rows = db.query(collection, &[], expr, &[], None, 0);
    match (count, rows) {
        (Ok(count), Ok(rows)) => {
            let ids = ids_of(&rows);
            let set: BTreeSet<i64> = ids.iter().copied().collect();
            assert_eq!(set.len(), ids.len(), "{collection}: query returned a row twice for `{expr}`");
            assert_eq!(count, ids.len() as u64, "{collection}: count_where vs query for `{expr}`");
            Ok(set)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "count_where and query fail alike for `{expr}`");
            Err(a)
        }
        (a, b) => {
            panic!("{collection}: count_where {a:?} but query {:?} for `{expr}`", b.map(|r| ids_of(&r)))
        }
    }
}

/// Every invariant of the module docs for one filter string; returns the matching rows.
fn check_filter(fx: &Fixture, expr: &str) -> Option<BTreeSet<i64>> {
    let in_a = matching(&fx.db, "a", expr);
    let in_b = matching(&fx.db, "b", expr);
    let rows = match (in_a, in_b) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "the two layouts disagree on `{expr}`");
            a
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.status(), Status::InvalidArgument, "`{expr}`: {a}");
            assert_eq!(a.to_string(), b.to_string());
            return None;
        }
        (a, b) => panic!("one layout accepts `{expr}`: {a:?} vs {b:?}"),
    };
    if !expr.trim().is_empty() {
        match matching(&fx.db, "b", &format!("not ({expr})")) {
            Ok(others) => {
                assert!(rows.is_disjoint(&others), "`{expr}` and its negation share rows");
                assert_eq!(
                    rows.len() + others.len(),
                    fx.total as usize,
                    "count(e) + count(not e) for `{expr}`"
                );
            }
            // `e` nests at the limit already.
            Err(e) => assert!(e.to_string().contains("filter nests deeper than"), "not ({expr}): {e}"),
        }
    }
    check_search(fx, expr, &rows);
    Some(rows)
}

/// Filtered search returns only matching rows: all `min(topk, count)` of them on the flat path.
fn check_search(fx: &Fixture, expr: &str, rows: &BTreeSet<i64>) {
    let ctx = Context::background();
    let query: Vec<f32> = (0..4).map(|i| (expr.len() % 7) as f32 - i as f32).collect();
    for (collection, metric, exact) in
        [("a", Metric::L2, false), ("b", Metric::Cosine, true), ("b", Metric::Ip, true)]
    {
        let topk = 1 + expr.len() % 60;
        let hits =
            fx.db.search(&ctx, collection, &SearchRequest::new(&query, topk, metric).filter(expr)).unwrap();
        let PrimaryKeys::Int(ids) = &hits[0].ids else { panic!("int keys") };
        assert!(
            ids.iter().all(|id| rows.contains(id)),
            "{collection}: search hits outside `{expr}`: {ids:?}"
        );
        let want = topk.min(rows.len());
        if exact {
            assert_eq!(ids.len(), want, "{collection} {metric:?}: flat search hit count for `{expr}`");
        } else {
            assert!(ids.len() <= want, "{collection}: indexed search hit count for `{expr}`");
        }
    }
}

// ---- Filter strings ----

const SCALARS: [&str; 7] = ["i", "n", "d", "f", "s", "b", "id"];
const OPS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];

fn gen_int(rng: &mut StdRng) -> String {
    let v: i64 = match rng.random_range(0..6) {
        0 => i64::MIN,
        1 => i64::MAX,
        2 => rng.random_range(-300..300),
        _ => rng.random_range(-6..6),
    };
    let sign = if v < 0 { "-" } else { pick(rng, &["", "", "+"]) };
    let m = v.unsigned_abs();
    match rng.random_range(0..8) {
        0 => format!("{sign}0x{m:X}"),
        1 => format!("{sign}0b{m:b}"),
        2 => format!("{sign}0o{m:o}"),
        3 if m != 0 => format!("{sign}0{m:o}"),
        _ => format!("{sign}{m}"),
    }
}

fn gen_float(rng: &mut StdRng) -> String {
    match rng.random_range(0..5) {
        0 => format!("{:e}", f64::from(rng.random_range(-50i32..50)) / 4.0),
        1 => format!("{}.", rng.random_range(0..5)),
        2 => format!(".{}", rng.random_range(0..100)),
        3 => pick(rng, &["1e308", "-1.7976931348623157e308", "5e-324", "1e-400", "0.0", "-0.0"]).to_owned(),
        _ => format!("{:?}", f64::from(rng.random_range(-50i32..50)) / 8.0),
    }
}

fn gen_literal(rng: &mut StdRng) -> String {
    match rng.random_range(0..8) {
        0..=2 => gen_int(rng),
        3 | 4 => gen_float(rng),
        5 => pick(rng, &["true", "false", "True", "FALSE"]).to_owned(),
        6 => format!("'{}'", pick(rng, &WORDS).replace('\\', "\\\\").replace('\'', "\\'")),
        _ => lit_str(pick(rng, &WORDS)),
    }
}

/// A literal of the kind field `field` holds (most of the time).
fn gen_literal_for(rng: &mut StdRng, field: &str) -> String {
    if rng.random_bool(0.1) {
        return gen_literal(rng);
    }
    match field {
        "s" | "t" => lit_str(pick(rng, &WORDS)),
        "b" => pick(rng, &["true", "false"]).to_owned(),
        "d" | "f" if rng.random_bool(0.5) => gen_float(rng),
        "i" | "n" | "d" | "f" | "id" | "k" => gen_int(rng),
        _ => gen_literal(rng),
    }
}

fn gen_list(rng: &mut StdRng, field: &str) -> String {
    let items: Vec<String> = (0..rng.random_range(0..5)).map(|_| gen_literal_for(rng, field)).collect();
    let trailing = if !items.is_empty() && rng.random_bool(0.2) { "," } else { "" };
    format!("[{}{trailing}]", items.join(", "))
}

/// A JSON path: a JSON field, `$meta`, or a dynamic key, with 0..3 steps.
fn gen_json_path(rng: &mut StdRng) -> String {
    let base = pick(rng, &["j", "j", "$meta", "x", "arr", "o", "k", "t", "missing"]);
    let steps: Vec<Step> =
        (0..rng.random_range(0..3))
            .map(|_| {
                if rng.random_bool(0.5) {
                    Step::Key(gen_key(rng))
                } else {
                    Step::Index(rng.random_range(0..3))
                }
            })
            .collect();
    format!("{base}{}", render_path(&steps))
}

const LIKE: [&str; 8] = ["a%", "%b", "%", "_", "a_", "%\\%%", "x\\_y", "%é"];

fn gen_predicate(rng: &mut StdRng) -> String {
    let field = pick(rng, &SCALARS);
    let op = pick(rng, &OPS);
    let not = pick(rng, &["", "not ", "NOT "]);
    match rng.random_range(0..16) {
        0..=3 => format!("{field} {op} {}", gen_literal_for(rng, field)),
        4 => format!("{} {op} {field}", gen_literal_for(rng, field)),
        5 => {
            let (lo, hi) = (gen_literal_for(rng, field), gen_literal_for(rng, field));
            let (a, b) = if rng.random_bool(0.5) { ("<", "<=") } else { (">=", ">") };
            format!("{lo} {a} {field} {b} {hi}")
        }
        6 => format!("{field} {not}in {}", gen_list(rng, field)),
        7 => format!("{} {not}like {}", pick(rng, &["s", "t", "j['a']", "x"]), lit_str(pick(rng, &LIKE))),
        8 => format!("{} is {not}null", pick(rng, &["i", "d", "s", "b", "j", "j['a']", "x", "k", "$meta"])),
        9 => pick(rng, &["b", "true", "false", "TRUE", "j['a']", "x"]).to_owned(),
        10 | 11 => {
            let path = gen_json_path(rng);
            match rng.random_range(0..3) {
                0 => format!("{path} {not}in {}", gen_list(rng, "")),
                _ => format!("{path} {op} {}", gen_literal(rng)),
            }
        }
        12 => {
            let f = pick(rng, &["json_contains", "JSON_CONTAINS_ALL", "json_contains_any", "array_contains"]);
            let arg = if f.ends_with("contains") { gen_literal(rng) } else { gen_list(rng, "") };
            format!("{f}({}, {arg})", gen_json_path(rng))
        }
        13 => format!("exists {}", gen_json_path(rng)),
        14 => format!("array_length({}) {op} {}", gen_json_path(rng), rng.random_range(0..4)),
        _ => format!(
            "id in [{}]",
            (0..rng.random_range(0..6))
                .map(|_| rng.random_range(-2..ROWS as i64 + 2).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A filter from the grammar, `depth` levels of logic deep at most.
fn gen_filter(rng: &mut StdRng, depth: usize) -> String {
    if depth == 0 || rng.random_bool(0.3) {
        return gen_predicate(rng);
    }
    let and = pick(rng, &["and", "AND", "&&"]);
    let or = pick(rng, &["or", "OR", "||"]);
    match rng.random_range(0..5) {
        0 => format!("{} {and} {}", gen_filter(rng, depth - 1), gen_filter(rng, depth - 1)),
        1 => format!("{} {or} {}", gen_filter(rng, depth - 1), gen_filter(rng, depth - 1)),
        2 => format!("{}({})", pick(rng, &["not ", "NOT ", "!", "not"]), gen_filter(rng, depth - 1)),
        3 => format!("({})", gen_filter(rng, depth - 1)),
        _ => {
            let terms: Vec<String> = (0..rng.random_range(2..40)).map(|_| gen_predicate(rng)).collect();
            terms.join(&format!(" {} ", if rng.random_bool(0.5) { and } else { or }))
        }
    }
}

/// Groups and `not`s `levels` deep around a predicate, sometimes unbalanced.
fn gen_nested(rng: &mut StdRng) -> String {
    let levels = match rng.random_range(0..3) {
        0 => rng.random_range(60..70),
        1 => rng.random_range(0..200),
        _ => rng.random_range(1_000..20_000),
    };
    let mut open = String::new();
    let mut close = String::new();
    for _ in 0..levels {
        match rng.random_range(0..3) {
            0 => open.push_str("not "),
            1 => open.push('!'),
            _ => {
                open.push('(');
                close.push(')');
            }
        }
    }
    if rng.random_bool(0.2) {
        close.pop();
    }
    format!("{open}{}{close}", gen_predicate(rng))
}

const FRAGMENTS: [&str; 28] = [
    "(",
    ")",
    "[",
    "]",
    "\"",
    "'",
    "\\",
    "not ",
    " and ",
    " or ",
    "==",
    "<",
    "-",
    "+",
    "1e400",
    "0x",
    "9223372036854775808",
    "$meta",
    "é",
    "\u{0}",
    "%",
    ",",
    "json_contains(",
    "exists ",
    "array_length(",
    " in ",
    " is null",
    "\\u{d800}",
];

/// `text` with a few random edits: deletions, insertions of tokens or characters, duplication,
/// truncation.
fn mutate(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.random_range(1..5) {
        let at = rng.random_range(0..=chars.len());
        match rng.random_range(0..5) {
            0 if !chars.is_empty() => {
                let end = (at + rng.random_range(1..4)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => chars.splice(at..at, pick(rng, &FRAGMENTS).chars()).for_each(drop),
            2 => chars.insert(at, char::from_u32(rng.random_range(0..0x80)).unwrap_or('?')),
            3 => {
                let piece: Vec<char> = chars[at..].iter().take(rng.random_range(1..12)).copied().collect();
                chars.splice(at..at, piece).for_each(drop);
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

/// One filter string for `seed`: from the grammar, mutated, raw bytes, or deeply nested.
fn gen_any_filter(rng: &mut StdRng) -> String {
    match rng.random_range(0..10) {
        0..=4 => gen_filter(rng, 4),
        5 | 6 => {
            let valid = gen_filter(rng, 3);
            mutate(rng, &valid)
        }
        7 => {
            let bytes: Vec<u8> = (0..rng.random_range(0..48)).map(|_| rng.random()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        8 => (0..rng.random_range(0..24)).map(|_| pick(rng, &FRAGMENTS)).collect(),
        _ => gen_nested(rng),
    }
}

#[test]
fn random_filters_keep_every_invariant() {
    let fx = fixture();
    let mut accepted = 0;
    let mut cases = 0;
    run_cases("random_filters_keep_every_invariant", 600, |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        let expr = gen_any_filter(&mut rng);
        cases += 1;
        accepted += usize::from(check_filter(&fx, &expr).is_some());
    });
    // The generator reaches past the parser: a good share of its filters are valid.
    assert!(accepted * 4 >= cases, "only {accepted} of {cases} generated filters parse");
}

#[test]
fn comparisons_and_their_complements_split_the_rows() {
    let fx = fixture();
    let pairs = [("==", "!="), ("<", ">="), ("<=", ">"), ("in", "not in"), ("like", "not like")];
    let count = |expr: &str| fx.db.count_where("b", &[], expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    run_cases("comparisons_and_their_complements_split_the_rows", 300, |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        // A nullable scalar field splits its non-null rows; a JSON path, the rows with JSON
        // (where an order comparison is false on a value of another kind, so only the negated
        // forms complement).
        let (field, present) = match rng.random_range(0..4) {
            0 => ("i", "i is not null"),
            1 => ("d", "d is not null"),
            2 => ("s", "s is not null"),
            _ => ("", "j is not null"),
        };
        let choices: &[usize] = if field.is_empty() { &[0, 3, 4] } else { &[0, 1, 2, 3, 4] };
        let (op, complement) = pairs[pick(&mut rng, choices)];
        let (path, literal) = if field.is_empty() {
            let path = match rng.random_range(0..3) {
                0 => "j".to_owned(),
                1 => format!("j{}", render_path(&[Step::Key(gen_key(&mut rng))])),
                _ => format!("j[{}]", rng.random_range(0..3)),
            };
            (path, gen_literal(&mut rng))
        } else {
            (field.to_owned(), gen_literal_for(&mut rng, field))
        };
        let (a, b) = match op {
            "in" => {
                let list = gen_list(&mut rng, field);
                (format!("{path} in {list}"), format!("{path} not in {list}"))
            }
            "like" => {
                let pattern = lit_str(pick(&mut rng, &LIKE));
                (format!("{path} like {pattern}"), format!("{path} not like {pattern}"))
            }
            _ => (format!("{path} {op} {literal}"), format!("{path} {complement} {literal}")),
        };
        // Type mismatches are refused on scalar fields; both halves alike.
        match (fx.db.count_where("b", &[], &a), fx.db.count_where("b", &[], &b)) {
            (Ok(x), Ok(y)) => assert_eq!(x + y, count(present), "`{a}` + `{b}` vs `{present}`"),
            (Err(x), Err(_)) => assert_eq!(x.status(), Status::InvalidArgument, "{a}: {x}"),
            (x, y) => panic!("`{a}`: {x:?}, `{b}`: {y:?}"),
        }
    });
}

// ---- JSON values ----

/// An independent reading of a JSON text keeping every object entry, so repeated keys show.
enum Tree {
    Leaf,
    List(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Tree;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Tree::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Tree::Object(entries))
            }
        }
        d.deserialize_any(V)
    }
}

impl Tree {
    fn depth(&self) -> usize {
        match self {
            Tree::Leaf => 0,
            Tree::List(items) => 1 + items.iter().map(Tree::depth).max().unwrap_or(0),
            Tree::Object(entries) => 1 + entries.iter().map(|e| e.1.depth()).max().unwrap_or(0),
        }
    }

    fn repeats_a_key(&self) -> bool {
        match self {
            Tree::Leaf => false,
            Tree::List(items) => items.iter().any(Tree::repeats_a_key),
            Tree::Object(entries) => {
                let keys: BTreeSet<&str> = entries.iter().map(|e| e.0.as_str()).collect();
                keys.len() < entries.len() || entries.iter().any(|e| e.1.repeats_a_key())
            }
        }
    }
}

/// Whether a reader independent of veclite finds `text` within the storage rules. (It stops at
/// serde_json's own recursion limit, 128 levels, which is past the rules' 64.)
fn keeps_the_rules(text: &[u8]) -> bool {
    text.len() <= MAX_JSON_LENGTH
        && serde_json::from_slice::<Tree>(text)
            .is_ok_and(|t| t.depth() <= MAX_JSON_DEPTH && !t.repeats_a_key())
}

const JSON_SCHEMA_FIELDS: [&str; 3] = ["id", "j", "v"];

fn json_schema(name: &str) -> Schema {
    Schema::builder(name)
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("j", FieldType::Json).nullable(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .enable_dynamic_field(true)
        .build()
        .unwrap()
}

fn json_db() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { sync: SyncPolicy::None, ..Options::default() };
    let db = Database::open(dir.path(), options).unwrap();
    (dir, db)
}

/// Inserts `text` as field `field` of row `id` into `c`: `Ok` if stored, else the error, which
/// must be `INVALID_VALUE` naming the field and the row.
fn insert_json(db: &Database, id: i64, field: &str, text: &[u8]) -> bool {
    let column =
        Column::new(field, ColumnData::VarChar { offsets: vec![0, text.len() as u64], bytes: text.to_vec() })
            .into_json();
    let columns = vec![Column::int64("id", vec![id]), Column::float_vector("v", 2, vec![1.0, 0.0]), column];
    match db.insert("c", "", columns) {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(e.status(), Status::InvalidValue, "{e}");
            assert!(e.to_string().contains(&format!("field `{field}` row 0: ")), "{e}");
            false
        }
    }
}

/// Whether row `id` of `c` passes `condition`.
fn row_passes(db: &Database, id: i64, condition: &str) -> bool {
    let expr = format!("id == {id} and ({condition})");
    match db.count_where("c", &[], &expr).unwrap_or_else(|e| panic!("`{condition}`: {e}")) {
        0 => false,
        1 => true,
        n => panic!("{n} rows with id {id}"),
    }
}

/// Checks that row `id`, holding `doc` at `base` (`j` or a dynamic key), is read by filters along
/// random paths.
fn check_readable(db: &Database, rng: &mut StdRng, id: i64, base: &str, doc: &Json) {
    for _ in 0..4 {
        let (steps, value) = gen_path(rng, doc);
        let path = format!("{base}{}", render_path(&steps));
        for condition in conditions_at(&path, value, !steps.is_empty() || base != "j") {
            assert!(row_passes(db, id, &condition), "row {id} fails `{condition}`: {doc}");
            assert!(
                !row_passes(db, id, &format!("not ({condition})")),
                "row {id} passes `not ({condition})`"
            );
        }
    }
}

#[test]
fn random_json_documents_round_trip_or_are_refused() {
    run_cases("random_json_documents_round_trip_or_are_refused", 150, |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        let (_dir, db) = json_db();
        db.create_collection(json_schema("c")).unwrap();
        for id in 0..4 {
            let depth = gen_depth(&mut rng);
            let doc = gen_doc(&mut rng, depth);
            let text = if rng.random_bool(0.8) {
                doc.to_string()
            } else {
                serde_json::to_string_pretty(&doc).unwrap()
            };
            let fits = depth_of(&doc) <= MAX_JSON_DEPTH && text.len() <= MAX_JSON_LENGTH;
            assert_eq!(
                insert_json(&db, id, "j", text.as_bytes()),
                fits,
                "depth {depth}, {} bytes",
                text.len()
            );
            // As a dynamic key the document sits one level deeper.
            let meta = Json::Object(Map::from_iter([("doc".to_owned(), doc.clone())])).to_string();
            let meta_fits = depth_of(&doc) < MAX_JSON_DEPTH && meta.len() <= MAX_JSON_LENGTH;
            assert_eq!(
                insert_json(&db, 100 + id, "$meta", meta.as_bytes()),
                meta_fits,
                "$meta depth {depth}"
            );
            if fits {
                let got = db.get("c", &[], &PrimaryKeys::Int(vec![id]), &["j"]).unwrap();
                assert_eq!(got.column("j").unwrap().data().as_ref().bytes_at(0), text.as_bytes());
                check_readable(&db, &mut rng, id, "j", &doc);
            }
            if meta_fits {
                let got = db.get("c", &[], &PrimaryKeys::Int(vec![100 + id]), &["doc"]).unwrap();
                let stored: Json =
                    serde_json::from_slice(got.column("$meta").unwrap().data().as_ref().bytes_at(0)).unwrap();
                assert_eq!(stored.as_object().map(Map::len), Some(1));
                let base = if rng.random_bool(0.5) { "doc" } else { "$meta[\"doc\"]" };
                check_readable(&db, &mut rng, 100 + id, base, &doc);
            }
        }
    });
}

/// Texts near JSON: mutations of valid documents (the edits that break the rules included) and
/// raw bytes.
fn gen_json_text(rng: &mut StdRng) -> Vec<u8> {
    const EDITS: [&str; 14] = [
        "[", "]", "{", "}", "\"", ",", ":", "\\", "\\ud800", "\\udc00", "1e400", "-1e400", "\u{0}",
        "\"a\":1,",
    ];
    match rng.random_range(0..6) {
        0 => (0..rng.random_range(0..32)).map(|_| rng.random()).collect(),
        1 => {
            let open = "[".repeat(rng.random_range(60..70));
            let close = "]".repeat(rng.random_range(60..70));
            format!("{open}{close}").into_bytes()
        }
        _ => {
            let depth = rng.random_range(0..5);
            let mut text = gen_doc(rng, depth).to_string().into_bytes();
            for _ in 0..rng.random_range(0..4) {
                let at = rng.random_range(0..=text.len());
                match rng.random_range(0..4) {
                    0 => {
                        let end = (at + rng.random_range(1..4)).min(text.len());
                        text.drain(at..end);
                    }
                    1 => {
                        let piece = text[..at].to_vec();
                        let start = piece.len().saturating_sub(rng.random_range(1..16));
                        text.splice(at..at, piece[start..].iter().copied()).for_each(drop);
                    }
                    2 => text.insert(at, rng.random()),
                    _ => text.splice(at..at, pick(rng, &EDITS).bytes()).for_each(drop),
                }
            }
            text
        }
    }
}

#[test]
fn random_json_texts_are_readable_or_refused_with_a_clear_error() {
    let (_dir, db) = json_db();
    let mut next_id = 0i64;
    let mut accepted = 0;
    let mut cases = 0;
    run_cases("random_json_texts_are_readable_or_refused_with_a_clear_error", 400, |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        // A fresh collection every few cases keeps each filter's scan short.
        if next_id % 40 == 0 {
            let _ = db.drop_collection("c");
            db.create_collection(json_schema("c")).unwrap();
        }
        let text = gen_json_text(&mut rng);
        let id = next_id;
        next_id += 1;
        cases += 1;
        let stored = insert_json(&db, id, "j", &text);
        assert_eq!(stored, keeps_the_rules(&text), "{:?}", String::from_utf8_lossy(&text));
        if !stored {
            return;
        }
        accepted += 1;
        let got = db.get("c", &[], &PrimaryKeys::Int(vec![id]), &["j"]).unwrap();
        assert_eq!(got.column("j").unwrap().data().as_ref().bytes_at(0), &text[..]);
        let doc: Json = serde_json::from_slice(&text).expect("what is stored parses");
        assert!(row_passes(&db, id, "j is not null"));
        check_readable(&db, &mut rng, id, "j", &doc);
        if let Json::Object(map) = &doc
            && !map.keys().any(|k| JSON_SCHEMA_FIELDS.contains(&k.as_str()) || k == "$meta")
        {
            let meta_id = 1_000_000 + id;
            assert!(
                insert_json(&db, meta_id, "$meta", &text),
                "an object accepted in j is accepted in $meta"
            );
            check_readable(&db, &mut rng, meta_id, "$meta", &doc);
        }
    });
    assert!(accepted * 10 >= cases, "only {accepted} of {cases} texts were JSON");
}
