//! ARRAY fields: schema rules, write validation (capacity, element type, VarChar length,
//! non-finite floats, layout), every filter form (nulls and out-of-range indexes included) on
//! growing and sealed data, outputs of query/get/search, upsert, flush, reopen and compaction,
//! and a randomized check of array filters against a reference evaluator.

mod common;

use common::open;
use serde_json::{Value as Json, json};
use veclite::{
    Column, ColumnData, Context, Database, ElementType, Field, FieldType, Metric, PrimaryKeys, QueryResult,
    Schema, SearchRequest, Value,
};

fn array(element: ElementType, max_capacity: u32, max_length: u32) -> FieldType {
    FieldType::Array { element, max_capacity, max_length }
}

/// `id` Int64 PK, `v` FloatVector(2), `ints` Array(Int64, 4), `tags` nullable
/// Array(VarChar(8), 3), `fl` Array(Float, 4), `flags` nullable Array(Bool, 2).
fn schema() -> Schema {
    Schema::builder("a")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .field(Field::new("ints", array(ElementType::Int64, 4, 0)))
        .field(Field::new("tags", array(ElementType::VarChar, 3, 8)).nullable(true))
        .field(Field::new("fl", array(ElementType::Float, 4, 0)))
        .field(Field::new("flags", array(ElementType::Bool, 2, 0)).nullable(true))
        .build()
        .unwrap()
}

fn lens<T>(rows: &[Vec<T>]) -> Vec<usize> {
    rows.iter().map(Vec::len).collect()
}

fn ints(name: &str, rows: &[Vec<i64>]) -> Column {
    Column::array(name, ColumnData::Int64(rows.concat()), lens(rows)).unwrap()
}

fn floats(name: &str, rows: &[Vec<f32>]) -> Column {
    Column::array(name, ColumnData::Float(rows.concat()), lens(rows)).unwrap()
}

fn texts(name: &str, rows: &[Vec<&str>]) -> Column {
    Column::array(name, ColumnData::varchar(rows.concat()), lens(rows)).unwrap()
}

fn bools(name: &str, rows: &[Vec<bool>]) -> Column {
    let flat = rows.concat().into_iter().map(u8::from).collect();
    Column::array(name, ColumnData::Bool(flat), lens(rows)).unwrap()
}

/// Five rows (ids 0..5); `tags` and `flags` are null in row 1.
fn seed_columns() -> Vec<Column> {
    vec![
        Column::int64("id", vec![0, 1, 2, 3, 4]),
        Column::float_vector("v", 2, (0..5).flat_map(|i| [i as f32, 1.0]).collect()),
        ints("ints", &[vec![1, 2, 3], vec![], vec![3], vec![5, 6, 7, 8], vec![-1, 3]]),
        texts("tags", &[vec!["a", "b"], vec![], vec!["b"], vec![], vec!["c", "a", "b"]])
            .with_validity(vec![true, false, true, true, true]),
        floats("fl", &[vec![0.1, 2.5], vec![], vec![1.0], vec![0.5], vec![-2.0, 0.1, 3.0]]),
        bools("flags", &[vec![true], vec![], vec![false, true], vec![], vec![true, true]])
            .with_validity(vec![true, false, true, true, true]),
    ]
}

fn seeded(dir: &std::path::Path) -> Database {
    let db = open(dir);
    db.create_collection(schema()).unwrap();
    db.insert("a", "", seed_columns()).unwrap();
    db
}

fn ids(r: &QueryResult) -> Vec<i64> {
    match r.column("id").unwrap().data() {
        ColumnData::Int64(v) => v.clone(),
        other => panic!("{other:?}"),
    }
}

fn hits(db: &Database, expr: &str) -> Vec<i64> {
    let mut v = ids(&db.query("a", &[], expr, &[], None, 0).unwrap_or_else(|e| panic!("{expr}: {e}")));
    v.sort_unstable();
    v
}

/// The rows of an array column as JSON (`null` for null rows).
fn rows_of(r: &QueryResult, name: &str) -> Vec<Json> {
    let c = r.column(name).unwrap_or_else(|| panic!("no column {name}"));
    (0..c.len())
        .map(|i| {
            if c.is_valid(i) { c.data().as_ref().array_at(i).unwrap().to_json().unwrap() } else { Json::Null }
        })
        .collect()
}

const FILTER_CASES: &[(&str, &[i64])] = &[
    ("array_contains(ints, 3)", &[0, 2, 4]),
    ("json_contains(ints, 3)", &[0, 2, 4]),
    ("ARRAY_CONTAINS(ints, 3.0)", &[0, 2, 4]),
    ("array_contains(ints, 2.5)", &[]),
    ("array_contains_all(ints, [1, 3])", &[0]),
    ("array_contains_any(ints, [5, -1])", &[3, 4]),
    ("not array_contains_any(ints, [5, -1])", &[0, 1, 2]),
    ("array_length(ints) == 0", &[1]),
    ("array_length(ints) >= 2", &[0, 3, 4]),
    ("array_length(ints) != 1", &[0, 1, 3, 4]),
    ("ints[0] > 2", &[2, 3]),
    ("ints[0] == 1", &[0]),
    ("ints[0] < 2.5", &[0, 4]),
    ("1 < ints[1] <= 6", &[0, 3, 4]),
    // Out-of-range indexes match nothing, `!=` included; `not in` complements `in`.
    ("ints[3] == 8", &[3]),
    ("ints[3] != 8", &[]),
    ("ints[9] != 8", &[]),
    ("ints[1] != 2", &[3, 4]),
    ("ints[0] in [1, 5]", &[0, 3]),
    ("ints[0] not in [1, 5]", &[1, 2, 4]),
    ("not (ints[3] == 8)", &[0, 1, 2, 4]),
    ("ints == [1, 2, 3]", &[0]),
    ("ints == [1, 2]", &[]),
    ("ints == []", &[1]),
    ("ints != [3]", &[0, 1, 3, 4]),
    // Null rows (row 1 of tags/flags) match no test; `is null` finds them.
    ("array_contains(tags, 'b')", &[0, 2, 4]),
    ("not array_contains(tags, 'b')", &[1, 3]),
    ("array_length(tags) == 0", &[3]),
    ("tags is null", &[1]),
    ("tags is not null", &[0, 2, 3, 4]),
    ("tags[0] like 'a%'", &[0]),
    ("tags[0] not like 'a%'", &[2, 3, 4]),
    ("tags[1] == 'a'", &[4]),
    ("tags[0] >= 'b'", &[2, 4]),
    ("tags == ['b']", &[2]),
    ("tags != ['b']", &[0, 3, 4]),
    ("array_contains(fl, 0.1)", &[0, 4]),
    ("fl[0] < 0.6", &[0, 3, 4]),
    ("fl[2] == 3", &[4]),
    ("flags[0]", &[0, 4]),
    ("flags[1] == true", &[2, 4]),
    ("array_contains(flags, false)", &[2]),
    ("flags == [true, true]", &[4]),
    ("array_contains(ints, 3) and tags[0] == 'c'", &[4]),
    ("array_length(ints) == 4 or flags[0] == false", &[2, 3]),
];

fn check_filters(db: &Database, when: &str) {
    for (expr, want) in FILTER_CASES {
        assert_eq!(hits(db, expr), *want, "{when}: {expr}");
    }
}

#[test]
fn filters_match_on_growing_and_sealed_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    check_filters(&db, "growing");
    db.flush("a").unwrap();
    check_filters(&db, "sealed");
}

#[test]
fn bad_filters_name_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let cases = [
        ("ints > 1", "compare an element"),
        ("ints in [1]", "compare an element"),
        ("ints", "compare an element"),
        ("ints['a'] == 1", "one integer element index"),
        ("ints[0][1] == 1", "one integer element index"),
        ("array_contains(ints, 'x')", "cannot be compared with a string literal"),
        ("tags[0] > 1", "cannot be compared with an integer literal"),
        ("flags[0] > true", "only == and != apply"),
        ("ints[0] like 'a'", "`like` needs VarChar elements"),
        ("array_length(ints) == 1.5", "array_length compares with an integer"),
        ("exists ints", "compare an element"),
        ("ints[0] is null", "apply to the whole field"),
        ("id == [1]", "only an ARRAY field compares with a list"),
        ("ints == ['a']", "cannot be compared with a string literal"),
    ];
    for (expr, want) in cases {
        let err = db.query("a", &[], expr, &[], None, 0).unwrap_err().to_string();
        assert!(err.contains(want), "{expr}: {err}");
        assert!(err.contains("filter error at offset"), "{expr}: {err}");
    }
}

#[test]
fn arrays_round_trip_through_writes_reads_flush_reopen_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let want_ints = json!([[1, 2, 3], [], [3], [5, 6, 7, 8], [-1, 3]]);
    let want_tags = json!([["a", "b"], null, ["b"], [], ["c", "a", "b"]]);
    let want_fl = json!([[0.1, 2.5], [], [1.0], [0.5], [-2.0, 0.1, 3.0]]);
    let want_flags = json!([[true], null, [false, true], [], [true, true]]);
    let check = |db: &Database, when: &str| {
        let r = db.query("a", &[], "id >= 0", &["*"], None, 0).unwrap();
        let order = ids(&r);
        let pick = |all: &Json| Json::Array(order.iter().map(|&i| all[i as usize].clone()).collect());
        assert_eq!(Json::Array(rows_of(&r, "ints")), pick(&want_ints), "{when}");
        assert_eq!(Json::Array(rows_of(&r, "tags")), pick(&want_tags), "{when}");
        assert_eq!(Json::Array(rows_of(&r, "fl")), pick(&want_fl), "{when}");
        assert_eq!(Json::Array(rows_of(&r, "flags")), pick(&want_flags), "{when}");
        let got = db.get("a", &[], &PrimaryKeys::Int(vec![4, 1]), &["tags", "ints"]).unwrap();
        assert_eq!(ids(&got), [4, 1], "{when}");
        assert_eq!(rows_of(&got, "tags"), [json!(["c", "a", "b"]), Json::Null], "{when}");
        assert_eq!(rows_of(&got, "ints"), [json!([-1, 3]), json!([])], "{when}");
        let q = [3.0f32, 1.0];
        let req =
            SearchRequest::new(&q, 2, Metric::L2).output_fields(&["ints"]).filter("array_contains(ints, 3)");
        let res = db.search(&Context::background(), "a", &req).unwrap();
        assert_eq!(res[0].ids, PrimaryKeys::Int(vec![2, 4]), "{when}");
        assert_eq!(rows_of(&res[0].fields, "ints"), [json!([3]), json!([-1, 3])], "{when}");
    };
    {
        let db = seeded(dir.path());
        check(&db, "growing");
        db.close().unwrap();
    }
    {
        let db = open(dir.path());
        check(&db, "replayed from the WAL");
        db.flush("a").unwrap();
        check(&db, "sealed");
        db.close().unwrap();
    }
    let db = open(dir.path());
    check(&db, "reopened sealed");
    // Upsert row 2 with new arrays, delete row 3, compact: the rest is untouched.
    let mut cols = vec![
        Column::int64("id", vec![2]),
        Column::float_vector("v", 2, vec![2.0, 1.0]),
        ints("ints", &[vec![9, 9]]),
        texts("tags", &[vec!["zz"]]),
        floats("fl", &[vec![]]),
    ];
    cols.push(bools("flags", &[vec![]]).with_validity(vec![false]));
    db.upsert("a", "", cols).unwrap();
    db.delete("a", "", "ints[3] == 8").unwrap();
    db.flush("a").unwrap();
    db.compact("a").unwrap();
    assert_eq!(hits(&db, "array_contains(ints, 9)"), [2]);
    assert_eq!(hits(&db, "flags is null"), [1, 2]);
    assert_eq!(hits(&db, "array_contains(ints, 3)"), [0, 4]);
    let got = db.get("a", &[], &PrimaryKeys::Int(vec![2, 0]), &["ints", "tags", "flags", "fl"]).unwrap();
    assert_eq!(rows_of(&got, "ints"), [json!([9, 9]), json!([1, 2, 3])]);
    assert_eq!(rows_of(&got, "tags"), [json!(["zz"]), json!(["a", "b"])]);
    assert_eq!(rows_of(&got, "flags"), [Json::Null, json!([true])]);
    assert_eq!(rows_of(&got, "fl"), [json!([]), json!([0.1, 2.5])]);
    assert!(veclite::verify(dir.path()).problems.is_empty());
}

#[test]
fn every_element_type_round_trips_through_a_sealed_segment() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let mut b = Schema::builder("t")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 1 }));
    for e in ElementType::ALL {
        let len = if e == ElementType::VarChar { 6 } else { 0 };
        b = b.field(Field::new(e.milvus_name().to_lowercase(), array(e, 3, len)));
    }
    db.create_collection(b.build().unwrap()).unwrap();
    let two = [2usize, 1];
    let cols = vec![
        Column::int64("id", vec![1, 2]),
        Column::float_vector("v", 1, vec![0.0, 1.0]),
        Column::array("bool", ColumnData::Bool(vec![1, 0, 1]), two).unwrap(),
        Column::array("int8", ColumnData::Int8(vec![-128, 127, 0]), two).unwrap(),
        Column::array("int16", ColumnData::Int16(vec![-300, 300, 1]), two).unwrap(),
        Column::array("int32", ColumnData::Int32(vec![i32::MIN, 5, i32::MAX]), two).unwrap(),
        Column::array("int64", ColumnData::Int64(vec![i64::MIN, 5, i64::MAX]), two).unwrap(),
        Column::array("float", ColumnData::Float(vec![1.5, -0.25, 1e30]), two).unwrap(),
        Column::array("double", ColumnData::Double(vec![1e300, -0.5, 2.0]), two).unwrap(),
        Column::array("varchar", ColumnData::varchar(["héé", "", "abcd"]), two).unwrap(),
    ];
    db.insert("t", "", cols.clone()).unwrap();
    db.flush("t").unwrap();
    let r = db.query("t", &[], "", &["*"], None, 0).unwrap();
    for c in &cols[2..] {
        assert_eq!(r.column(c.name()).unwrap().data(), c.data(), "{}", c.name());
    }
    let cases: &[(&str, &[i64])] = &[
        ("array_contains(int8, -128)", &[1]),
        ("int8[0] == 0", &[2]),
        ("int16[1] == 300", &[1]),
        ("int32[0] < 0", &[1]),
        ("int64[0] == 9223372036854775807", &[2]),
        ("float[0] == 1e30", &[2]),
        ("double[0] > 1e299", &[1]),
        ("varchar[0] == 'héé'", &[1]),
        ("array_contains(bool, false)", &[1]),
        ("bool[0]", &[1, 2]),
    ];
    for (expr, want) in cases {
        let mut got = ids(&db.query("t", &[], expr, &[], None, 0).unwrap());
        got.sort_unstable();
        assert_eq!(got, *want, "{expr}");
    }
}

#[test]
fn writes_are_validated_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let attempt = |replace: Column| {
        let mut cols = seed_columns();
        for c in &mut cols {
            if c.name() == replace.name() {
                *c = replace.clone();
            }
        }
        let ids: Vec<i64> = (10..15).collect();
        cols[0] = Column::int64("id", ids);
        db.insert("a", "", cols).unwrap_err().to_string()
    };
    let cases = [
        (
            ints("ints", &[vec![1], vec![1, 2, 3, 4, 5], vec![], vec![], vec![]]),
            "field `ints` row 1: the array has 5 elements, more than max_capacity 4",
        ),
        (
            texts("tags", &[vec!["a"], vec![], vec!["b", "123456789"], vec![], vec![]]),
            "field `tags` row 2: element 1: length 9 exceeds max_length 8",
        ),
        (
            floats("fl", &[vec![], vec![], vec![], vec![1.0, f32::NAN], vec![]]),
            "field `fl` row 3: element 1: NaN is not allowed",
        ),
        (
            floats("fl", &[vec![], vec![], vec![], vec![], vec![f32::INFINITY]]),
            "field `fl` row 4: element 0: infinity is not allowed",
        ),
        (
            Column::array("ints", ColumnData::Int32(vec![1; 5]), [1; 5]).unwrap(),
            "field `ints` is Array(Int64, 4) but the column holds Array(Int32)",
        ),
        (Column::int64("ints", vec![1; 5]), "field `ints` is Array(Int64, 4) but the column holds Int64"),
        (
            Column::new(
                "ints",
                ColumnData::Array {
                    offsets: vec![0, 1, 9, 9, 9, 9],
                    values: Box::new(ColumnData::Int64(vec![1])),
                },
            ),
            "field `ints`: the row offsets must rise from 0 to the number of elements (1)",
        ),
        (
            ints("ints", &[vec![], vec![], vec![], vec![], vec![]])
                .with_validity(vec![true, false, true, true, true]),
            "field `ints` row 1: null given for a field that is neither nullable nor defaulted",
        ),
    ];
    for (column, want) in cases {
        let err = attempt(column);
        assert!(err.contains(want), "{want}\n got: {err}");
    }
    assert_eq!(db.count("a", &[]).unwrap(), 5, "no failed write may leave rows");
    // An omitted nullable array field is null; an omitted required one is refused.
    let base = |id: i64| vec![Column::int64("id", vec![id]), Column::float_vector("v", 2, vec![0.0, 0.0])];
    let mut cols = base(20);
    cols.push(ints("ints", &[vec![7]]));
    cols.push(floats("fl", &[vec![]]));
    db.insert("a", "", cols).unwrap();
    assert_eq!(hits(&db, "tags is null and flags is null"), [1, 20]);
    let err = db.insert("a", "", base(21)).unwrap_err().to_string();
    assert!(err.contains("field `ints` is missing"), "{err}");
}

#[test]
fn schema_rules_for_array_fields() {
    let with = |f: Field| {
        Schema::builder("s")
            .field(Field::new("id", FieldType::Int64).primary_key())
            .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
            .field(f)
            .build()
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    with(Field::new("a", array(ElementType::VarChar, 4096, 65_535)).nullable(true)).unwrap();
    let cases = [
        (Field::new("a", array(ElementType::Int64, 0, 0)), "max_capacity must be in 1..=4096, got 0"),
        (Field::new("a", array(ElementType::Int64, 4097, 0)), "max_capacity must be in 1..=4096, got 4097"),
        (
            Field::new("a", array(ElementType::VarChar, 4, 0)),
            "max_length of VarChar elements must be in 1..=65535",
        ),
        (Field::new("a", array(ElementType::Int32, 4, 8)), "max_length applies to VarChar elements only"),
        (
            Field::new("a", array(ElementType::Int32, 4, 0)).default_value(Value::Int(1)),
            "array fields cannot have a default value",
        ),
    ];
    for (field, want) in cases {
        let err = with(field).unwrap_err();
        assert!(err.contains("field `a`") && err.contains(want), "{err}");
    }
    let pk = Schema::builder("s")
        .field(Field::new("id", array(ElementType::Int64, 4, 0)).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap_err()
        .to_string();
    assert!(pk.contains("the primary key must be Int64 or VarChar"), "{pk}");
    assert_eq!(array(ElementType::VarChar, 3, 8).describe(), "Array(VarChar(8), 3)");
}

/// A small deterministic generator (no dependency needed for a few hundred draws).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

#[test]
fn randomized_array_filters_agree_with_a_reference() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.create_collection(schema()).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n = 300;
    let rows: Vec<Vec<i64>> = (0..n).map(|_| (0..rng.below(5)).map(|_| rng.below(7) - 3).collect()).collect();
    let null: Vec<bool> = (0..n).map(|_| rng.below(5) == 0).collect();
    let tags: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().take(3).map(|&x| ["a", "b", "c", "d", "e", "f", "g"][(x + 3) as usize]).collect())
        .collect();
    let cols = vec![
        Column::int64("id", (0..n as i64).collect()),
        Column::float_vector("v", 2, vec![0.5; 2 * n]),
        ints("ints", &rows),
        texts("tags", &tags).with_validity(null.iter().map(|&x| !x).collect()),
        floats("fl", &rows.iter().map(|r| r.iter().map(|&x| x as f32 / 2.0).collect()).collect::<Vec<_>>()),
        bools("flags", &vec![vec![]; n]),
    ];
    db.insert("a", "", cols).unwrap();
    let ops = ["==", "!=", "<", "<=", ">", ">="];
    let holds = |op: &str, a: i64, b: i64| match op {
        "==" => a == b,
        "!=" => a != b,
        "<" => a < b,
        "<=" => a <= b,
        ">" => a > b,
        _ => a >= b,
    };
    for round in 0..120 {
        if round == 60 {
            db.flush("a").unwrap();
        }
        let v = rng.below(7) - 3;
        let w = rng.below(7) - 3;
        let i = rng.below(5) as usize;
        let op = ops[rng.below(6) as usize];
        type Reference = Box<dyn Fn(usize) -> bool>;
        let (expr, reference): (String, Reference) = match round % 6 {
            0 => (format!("array_contains(ints, {v})"), {
                let rows = rows.clone();
                Box::new(move |r| rows[r].contains(&v))
            }),
            1 => (format!("array_contains_all(ints, [{v}, {w}])"), {
                let rows = rows.clone();
                Box::new(move |r| rows[r].contains(&v) && rows[r].contains(&w))
            }),
            2 => (
                format!(
                    "array_contains_any(tags, ['{}', 'zz'])",
                    ["a", "b", "c", "d", "e", "f", "g"][(v + 3) as usize]
                ),
                {
                    let (rows, null) = (rows.clone(), null.clone());
                    Box::new(move |r| !null[r] && rows[r].iter().take(3).any(|&x| x == v))
                },
            ),
            3 => (format!("array_length(ints) {op} {}", i), {
                let rows = rows.clone();
                Box::new(move |r| holds(op, rows[r].len() as i64, i as i64))
            }),
            4 => (format!("ints[{i}] {op} {v}"), {
                let rows = rows.clone();
                Box::new(move |r| rows[r].get(i).is_some_and(|&x| holds(op, x, v)))
            }),
            _ => (format!("not (fl[{i}] {op} {}) or tags is null", v as f64 / 2.0), {
                let (rows, null) = (rows.clone(), null.clone());
                Box::new(move |r| null[r] || !rows[r].get(i).is_some_and(|&x| holds(op, x, v)))
            }),
        };
        let want: Vec<i64> = (0..n).filter(|&r| reference(r)).map(|r| r as i64).collect();
        assert_eq!(hits(&db, &expr), want, "round {round}: {expr}");
    }
}

#[test]
fn an_array_column_for_a_dynamic_key_becomes_a_json_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let schema = Schema::builder("d")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("v", FieldType::FloatVector { dim: 1 }))
        .enable_dynamic_field(true)
        .build()
        .unwrap();
    db.create_collection(schema).unwrap();
    let cols = vec![
        Column::int64("id", vec![1, 2]),
        Column::float_vector("v", 1, vec![0.0, 1.0]),
        ints("extra", &[vec![1, 2], vec![]]),
        floats("bad", &[vec![], vec![]]),
    ];
    db.insert("d", "", cols).unwrap();
    let got = db.query("d", &[], "json_contains(extra, 2)", &["extra"], None, 0).unwrap();
    assert_eq!(ids(&got), [1]);
    let meta = got.column("$meta").unwrap();
    let text = meta.data().as_ref().str_at(0).to_owned();
    assert_eq!(serde_json::from_str::<Json>(&text).unwrap(), json!({"extra": [1, 2]}));
    let cols = vec![
        Column::int64("id", vec![3]),
        Column::float_vector("v", 1, vec![0.0]),
        floats("bad", &[vec![f32::NAN]]),
    ];
    let err = db.insert("d", "", cols).unwrap_err().to_string();
    assert!(err.contains("field `bad` row 0: NaN or infinity is not allowed"), "{err}");
}
