//! Filter expressions through the public API: every construct, precedence, nulls, errors, the
//! primary-key fast path, and a property test against a naive per-row interpreter.

use proptest::prelude::*;
use veclite::{
    Bitset, ColumnData, ColumnRef, ColumnSource, Error, Field, FieldType, Filter, PrimaryKeys, Result, Schema,
};

/// One segment held in memory: a column per schema field plus optional validity bytes.
struct Segment {
    rows: usize,
    columns: Vec<ColumnData>,
    validity: Vec<Option<Vec<u8>>>,
}

impl ColumnSource for Segment {
    fn num_rows(&self) -> usize {
        self.rows
    }
    fn column(&self, field: usize) -> Result<ColumnRef<'_>> {
        Ok(self.columns[field].as_ref())
    }
    fn validity(&self, field: usize) -> Result<Option<&[u8]>> {
        Ok(self.validity[field].as_deref())
    }
}

fn schema() -> Schema {
    Schema::builder("t")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("age", FieldType::Int8).nullable(true))
        .field(Field::new("score", FieldType::Double).nullable(true))
        .field(Field::new("ratio", FieldType::Float))
        .field(Field::new("name", FieldType::VarChar { max_length: 64 }).nullable(true))
        .field(Field::new("flag", FieldType::Bool))
        .field(Field::new("n32", FieldType::Int32))
        .field(Field::new("vec", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap()
}

/// Six rows; row 3 has null `age`, `score` and `name`.
fn segment() -> Segment {
    let valid = |null_row: usize| Some((0..6).map(|i| u8::from(i != null_row)).collect());
    Segment {
        rows: 6,
        columns: vec![
            ColumnData::Int64(vec![10, 11, 12, 13, 14, 15]),
            ColumnData::Int8(vec![-5, 0, 7, 0, 100, 7]),
            ColumnData::Double(vec![0.5, 1.0, 2.5, 0.0, -1.0, 3.0]),
            ColumnData::Float(vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
            ColumnData::varchar(["apple", "banana", "apricot", "", "cherry", "grape%"]),
            ColumnData::Bool(vec![1, 0, 1, 0, 1, 0]),
            ColumnData::Int32(vec![1, 2, 3, 4, 5, 6]),
            ColumnData::FloatVector { dim: 2, data: vec![0.0; 12] },
        ],
        validity: vec![None, valid(3), valid(3), None, valid(3), None, None, None],
    }
}

fn rows(expr: &str) -> Vec<usize> {
    let f = Filter::parse(expr, &schema()).unwrap_or_else(|e| panic!("{expr}: {e}"));
    f.evaluate(&segment()).unwrap().iter_ones().collect()
}

fn error(expr: &str) -> String {
    match Filter::parse(expr, &schema()) {
        Ok(_) => panic!("{expr} parsed"),
        Err(e @ Error::InvalidArgument(_)) => e.to_string(),
        Err(e) => panic!("{expr}: wrong error kind {e:?}"),
    }
}

#[test]
fn empty_filter_matches_everything() {
    for expr in ["", "   ", "\n\t"] {
        let f = Filter::parse(expr, &schema()).unwrap();
        assert!(f.is_empty() && f.fields().is_empty());
        assert_eq!(f.evaluate(&segment()).unwrap(), Bitset::full(6));
        assert_eq!(f.primary_keys(&schema()), None);
    }
}

#[test]
fn comparisons_both_orders() {
    assert_eq!(rows("id == 12"), [2]);
    assert_eq!(rows("id != 12"), [0, 1, 3, 4, 5]);
    assert_eq!(rows("id < 12"), [0, 1]);
    assert_eq!(rows("id <= 12"), [0, 1, 2]);
    assert_eq!(rows("id > 13"), [4, 5]);
    assert_eq!(rows("id >= 13"), [3, 4, 5]);
    assert_eq!(rows("12 > id"), [0, 1]);
    assert_eq!(rows("13 <= id"), [3, 4, 5]);
    assert_eq!(rows("id == 0xC"), [2]);
    assert_eq!(rows("age == -5"), [0]);
    assert_eq!(rows("n32 >= +5"), [4, 5]);
}

#[test]
fn chained_ranges() {
    assert_eq!(rows("11 < id < 14"), [2, 3]);
    assert_eq!(rows("11 <= id <= 14"), [1, 2, 3, 4]);
    assert_eq!(rows("14 > id > 11"), [2, 3]);
    assert_eq!(rows("14 >= id >= 11"), [1, 2, 3, 4]);
    assert_eq!(rows("0 <= score < 2.5"), [0, 1]);
    assert_eq!(rows("5 < id < 1"), Vec::<usize>::new());
}

#[test]
fn mixed_int_and_float() {
    assert_eq!(rows("id < 12.5"), [0, 1, 2]);
    assert_eq!(rows("id > 12.5"), [3, 4, 5]);
    assert_eq!(rows("id <= 12.0"), [0, 1, 2]);
    assert_eq!(rows("id == 12.0"), [2]);
    assert_eq!(rows("id == 12.5"), Vec::<usize>::new());
    assert_eq!(rows("id != 12.5"), [0, 1, 2, 3, 4, 5]);
    assert_eq!(rows("id >= -1e30"), [0, 1, 2, 3, 4, 5]);
    assert_eq!(rows("id < 1e30"), [0, 1, 2, 3, 4, 5]);
    assert_eq!(rows("id in [12.0, 13.5]"), [2]);
    assert_eq!(rows("score == 1"), [1]);
    assert_eq!(rows("score > 0"), [0, 1, 2, 5]);
    assert_eq!(rows("score in [3, 0.5]"), [0, 5]);
    // Float fields compare with the literal rounded to f32.
    assert_eq!(rows("ratio == 0.1"), [0]);
    assert_eq!(rows("ratio <= 0.3"), [0, 1, 2]);
    assert_eq!(rows("ratio > 0.3"), [3, 4, 5]);
    assert_eq!(rows("ratio in [0.2, 0.5]"), [1, 4]);
}

#[test]
fn narrow_ints_out_of_range_never_match() {
    assert_eq!(rows("age == 300"), Vec::<usize>::new());
    assert_eq!(rows("age != 300"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("age < 300"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("age > -300"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("age in [300, 7]"), [2, 5]);
    assert_eq!(rows("n32 < 9223372036854775807"), [0, 1, 2, 3, 4, 5]);
}

#[test]
fn membership() {
    assert_eq!(rows("id in [10, 15, 99]"), [0, 5]);
    assert_eq!(rows("id not in [10, 15]"), [1, 2, 3, 4]);
    assert_eq!(rows("id in []"), Vec::<usize>::new());
    assert_eq!(rows("id not in []"), [0, 1, 2, 3, 4, 5]);
    let many: Vec<String> = (0..100).map(|i| (i * 2).to_string()).collect();
    assert_eq!(rows(&format!("id in [{}]", many.join(","))), [0, 2, 4]);
    assert_eq!(rows("name in ['apple', \"cherry\", 'zzz']"), [0, 4]);
    assert_eq!(rows("name not in ['apple']"), [1, 2, 4, 5]);
    assert_eq!(rows("flag in [true]"), [0, 2, 4]);
    assert_eq!(rows("flag in [true, false]"), [0, 1, 2, 3, 4, 5]);
    assert_eq!(rows("flag not in [true]"), [1, 3, 5]);
    assert_eq!(rows("id IN [11]"), [1]);
}

#[test]
fn logic_and_precedence() {
    // or binds loosest: a or (b and c).
    assert_eq!(rows("id == 10 or id > 11 and id < 13"), [0, 2]);
    assert_eq!(rows("(id == 10 or id > 11) and id < 13"), [0, 2]);
    // not binds tighter than and.
    assert_eq!(rows("not id == 10 and id < 12"), [1]);
    assert_eq!(rows("not (id == 10 and id < 12)"), [1, 2, 3, 4, 5]);
    assert_eq!(rows("!(id < 12) && id < 14 || id == 15"), [2, 3, 5]);
    assert_eq!(rows("NOT id < 12 AND id < 14 OR id == 15"), [2, 3, 5]);
    assert_eq!(rows("not not id == 10"), [0]);
    assert_eq!(rows("true"), [0, 1, 2, 3, 4, 5]);
    assert_eq!(rows("false or id == 10"), [0]);
}

#[test]
fn bool_fields() {
    assert_eq!(rows("flag"), [0, 2, 4]);
    assert_eq!(rows("not flag"), [1, 3, 5]);
    assert_eq!(rows("flag == true"), [0, 2, 4]);
    assert_eq!(rows("flag == False"), [1, 3, 5]);
    assert_eq!(rows("flag != TRUE"), [1, 3, 5]);
    assert_eq!(rows("true == flag and id > 10"), [2, 4]);
}

#[test]
fn strings_and_like() {
    assert_eq!(rows("name == \"apple\""), [0]);
    assert_eq!(rows("name != 'apple'"), [1, 2, 4, 5]);
    assert_eq!(rows("name < 'b'"), [0, 2]);
    assert_eq!(rows("name >= \"banana\""), [1, 4, 5]);
    assert_eq!(rows("name like 'ap%'"), [0, 2]);
    assert_eq!(rows("name like '%an%'"), [1]);
    assert_eq!(rows("name like '%y'"), [4]);
    assert_eq!(rows("name like 'a%t'"), [2]);
    assert_eq!(rows("name like '_pple'"), [0]);
    assert_eq!(rows("name like '%'"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("name like 'grape\\%'"), [5]);
    assert_eq!(rows("name like 'grape%'"), [5]);
    assert_eq!(rows("name LIKE 'apple'"), [0]);
    assert_eq!(rows("name not like 'ap%'"), [1, 4, 5]);
}

#[test]
fn nulls_use_two_valued_logic() {
    // Row 3 is null in age, score and name: comparisons there are false...
    assert_eq!(rows("age == 0"), [1]);
    assert_eq!(rows("age != 0"), [0, 2, 4, 5]);
    assert_eq!(rows("score >= -100"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("name not in []"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("name not like 'zz%'"), [0, 1, 2, 4, 5]);
    // ...and `not` complements them, so the null row comes back.
    assert_eq!(rows("not (age == 0)"), [0, 2, 3, 4, 5]);
    assert_eq!(rows("not score > 1"), [0, 1, 3, 4]);
    // Null tests.
    assert_eq!(rows("age is null"), [3]);
    assert_eq!(rows("age IS NOT NULL"), [0, 1, 2, 4, 5]);
    assert_eq!(rows("name is null or name == 'apple'"), [0, 3]);
    // A field without a validity array has no nulls.
    assert_eq!(rows("id is null"), Vec::<usize>::new());
    assert_eq!(rows("id is not null"), [0, 1, 2, 3, 4, 5]);
}

#[test]
fn fields_lists_what_is_read() {
    let f = Filter::parse("name like 'a%' or (id > 3 and age is null) or 1 < id < 5", &schema()).unwrap();
    assert_eq!(f.fields(), &[0, 1, 4]);
}

#[test]
fn errors_name_offset_and_token() {
    let cases = [
        ("bogus == 1", "filter error at offset 0 (\"bogus\"): field `bogus` does not exist"),
        ("id == 1 and bogus > 2", "offset 12 (\"bogus\"): field `bogus` does not exist"),
        ("id ==", "offset 5 (end of input): expected a literal after \"==\""),
        ("id == and", "offset 6 (\"and\"): expected a literal after \"==\""),
        ("vec == 1", "offset 0 (\"vec\"): field `vec` is a vector field (FloatVector(2))"),
        ("vec is null", "offset 0 (\"vec\"): field `vec` is a vector field"),
        ("id == 'x'", "offset 6 (\"'x'\"): field `id` is Int64 and cannot be compared with a string literal"),
        ("id == true", "offset 6 (\"true\"): field `id` is Int64 and cannot be compared with a boolean"),
        ("name == 5", "offset 8 (\"5\"): field `name` is VarChar(64) and cannot be compared with an integer"),
        ("score < \"a\"", "offset 8 (\"\\\"a\\\"\"): field `score` is Double"),
        ("flag == 1", "offset 8 (\"1\"): field `flag` is Bool and cannot be compared with an integer"),
        ("flag < true", "offset 5 (\"<\"): field `flag` is Bool: only == and != apply"),
        ("id in [1, 'a']", "offset 10 (\"'a'\"): field `id` is Int64 and cannot be compared with a string"),
        ("name in ['a', 2]", "offset 14 (\"2\"): field `name` is VarChar(64)"),
        ("id like 'a%'", "offset 0 (\"id\"): `like` needs a VarChar field, `id` is Int64"),
        ("age", "offset 0 (\"age\"): field `age` is Int8, not Bool"),
        ("id = 1", "offset 3 (\"=\"): unexpected character (did you mean \"==\"?)"),
        ("id == 1 &", "offset 8 (\"&\"): unexpected character"),
        ("(id == 1", "offset 8 (end of input): expected \")\""),
        ("id == 'abc", "offset 6 (\"'abc\"): unterminated string literal"),
        ("id == 1 id == 2", "offset 8 (\"id\"): expected \"and\", \"or\""),
        ("id == 12abc", "offset 6 (\"12abc\"): malformed number"),
        ("1 < id > 5", "offset 7 (\">\"): a chained range needs"),
        ("id == score", "offset 6 (\"score\"): expected a literal after \"==\" (comparing two fields"),
    ];
    for (expr, want) in cases {
        let got = error(expr);
        assert!(got.contains(want), "{expr}\n got: {got}\nwant: {want}");
    }
    assert_eq!(
        error("bogus == 1"),
        "invalid argument: filter error at offset 0 (\"bogus\"): field `bogus` does not exist"
    );
}

#[test]
fn primary_key_fast_path() {
    let s = schema();
    let pks = |expr: &str| Filter::parse(expr, &s).unwrap().primary_keys(&s);
    assert_eq!(pks("id == 5"), Some(PrimaryKeys::Int(vec![5])));
    assert_eq!(pks("id in [3, 1, 3]"), Some(PrimaryKeys::Int(vec![1, 3])));
    assert_eq!(pks("id in []"), Some(PrimaryKeys::Int(vec![])));
    assert_eq!(pks("5 == id"), Some(PrimaryKeys::Int(vec![5])));
    assert_eq!(pks("id == 2.5"), Some(PrimaryKeys::Int(vec![])));
    for other in ["id > 5", "id != 5", "id not in [1]", "id == 1 or id == 2", "age == 5", "not id == 5", ""] {
        assert_eq!(pks(other), None, "{other}");
    }

    let vs = Schema::builder("v")
        .field(Field::new("pk", FieldType::VarChar { max_length: 8 }).primary_key())
        .field(Field::new("vec", FieldType::FloatVector { dim: 2 }))
        .build()
        .unwrap();
    let spks = |expr: &str| Filter::parse(expr, &vs).unwrap().primary_keys(&vs);
    assert_eq!(spks("pk == 'a'"), Some(PrimaryKeys::Str(vec!["a".into()])));
    assert_eq!(spks("pk in ['b', 'a', 'b']"), Some(PrimaryKeys::Str(vec!["a".into(), "b".into()])));
    assert_eq!(spks("pk like 'a'"), None);
}

#[test]
fn evaluation_checks_columns_against_the_schema() {
    let f = Filter::parse("id > 1", &schema()).unwrap();
    let mut seg = segment();
    seg.columns[0] = ColumnData::Int32(vec![0; 6]);
    let err = f.evaluate(&seg).unwrap_err().to_string();
    assert!(err.contains("field `id`: expected a column of type Int64 with 6 rows, got Int32"), "{err}");
    let mut seg = segment();
    seg.columns[0] = ColumnData::Int64(vec![0; 5]);
    assert!(f.evaluate(&seg).is_err());
}

#[test]
fn long_columns_cross_word_boundaries() {
    let n = 1000;
    let s = Schema::builder("big")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("vec", FieldType::FloatVector { dim: 1 }))
        .build()
        .unwrap();
    let seg = Segment {
        rows: n,
        columns: vec![
            ColumnData::Int64((0..n as i64).collect()),
            ColumnData::FloatVector { dim: 1, data: vec![0.0; n] },
        ],
        validity: vec![None, None],
    };
    let b = Filter::parse("id % 0 == 0", &s).map(|_| ()).unwrap_err();
    assert!(matches!(b, Error::InvalidArgument(_)));
    let got = Filter::parse("63 <= id < 130 or id >= 999", &s).unwrap().evaluate(&seg).unwrap();
    assert_eq!(got.len(), n);
    assert_eq!(got.iter_ones().collect::<Vec<_>>(), (63..130).chain([999]).collect::<Vec<_>>());
    let neg = Filter::parse("not id < 500", &s).unwrap().evaluate(&seg).unwrap();
    assert_eq!(neg.count_ones(), 500);
}

/// Runs `f` on a thread with a 256 KiB stack: a recursion the depth bound misses would overflow it
/// (and kill the test process) long before it could the 8 MiB main thread of an application.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap()
}

#[test]
fn deep_nesting_is_refused_and_long_flat_chains_work() {
    use veclite::MAX_FILTER_DEPTH as MAX;
    let nested = |open: &str, n: usize, close: &str| format!("{}id > 12{}", open.repeat(n), close.repeat(n));
    // The issue's inputs, and others of the same kind: refused with a clear error, no crash.
    let too_deep = [
        nested("(", 10_000, ")"),
        nested("not ", 10_000, ""),
        "(".repeat(10_000),
        nested("!", 100_000, ""),
        nested("not (", 5_000, ")"),
        nested("(id > 0 or ", 10_000, ")"),
        nested("(", MAX + 1, ")"),
        nested("NOT ", MAX + 1, ""),
    ];
    let errors = on_small_stack(move || too_deep.map(|src| error(&src)));
    for err in errors {
        assert!(err.contains(&format!("filter nests deeper than {MAX} levels")), "{err}");
    }
    // Sign chains, nested lists and long paths are not recursive: plain syntax errors.
    let flat = [
        (format!("id == {}1", "-".repeat(100_000)), "offset 7 (\"-\"): expected a number after \"-\""),
        (
            format!("id in {}1{}", "[".repeat(100_000), "]".repeat(100_000)),
            "offset 7 (\"[\"): expected a literal",
        ),
        (format!("name{} == 1", "[0]".repeat(100_000)), "field `name` is VarChar(64), not JSON"),
    ];
    let errors = on_small_stack(move || flat.map(|(src, want)| (error(&src), want)));
    for (err, want) in errors {
        assert!(err.contains(want), "{err}");
    }
    // At the limit the filter is exact, even on a small stack: an even number of `not`s is none.
    let at_limit = [nested("(", MAX, ")"), nested("not ", MAX, ""), nested("not (", MAX / 2, ")")];
    let got = on_small_stack(move || at_limit.map(|src| rows(&src)));
    assert_eq!(got, [vec![3, 4, 5], vec![3, 4, 5], vec![3, 4, 5]]);
    // Long flat chains are not nesting: thousands of terms parse and evaluate on a small stack.
    let chains = on_small_stack(|| {
        let any: Vec<String> = (0..10_000).map(|i| format!("id == {}", 10_000 - i)).collect();
        let none_of: Vec<String> = (0..10_000).filter(|i| i % 3 != 0).map(|i| format!("id != {i}")).collect();
        let mixed: Vec<String> = (0..5_000).map(|i| format!("(id == {i} and not (age < 0))")).collect();
        [rows(&any.join(" or ")), rows(&none_of.join(" && ")), rows(&mixed.join(" || "))]
    });
    // Row 3's `age` is null: `age < 0` is false there, so `not (age < 0)` holds.
    assert_eq!(chains, [vec![0, 1, 2, 3, 4, 5], vec![2, 5], vec![1, 2, 3, 4, 5]]);
}

// ---- Property test: column-wise evaluation == a naive per-row interpreter. ----

/// Generated expression over fields `a` (Int64), `x` (Double), `s` (VarChar), all nullable.
#[derive(Debug, Clone)]
enum T {
    IntCmp { op: usize, lit: Num, flipped: bool },
    DblCmp { op: usize, lit: Num, flipped: bool },
    StrCmp { op: usize, lit: String },
    IntRange { lo: i64, lo_strict: bool, hi: i64, hi_strict: bool },
    IntIn { list: Vec<i64>, negated: bool },
    StrIn { list: Vec<String>, negated: bool },
    Like { pattern: String, negated: bool },
    IsNull { field: usize, negated: bool },
    Not(Box<T>),
    And(Box<T>, Box<T>, usize),
    Or(Box<T>, Box<T>, usize),
}

#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

const OPS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];
const FLIPPED: [&str; 6] = ["==", "!=", ">", ">=", "<", "<="];
const WORDS: [&str; 8] = ["", "a", "ab", "abc", "b", "ba", "é", "aé"];
const PATTERNS: [&str; 10] = ["a%", "%b", "%a%", "a_", "_", "%", "ab", "a%c", "%é", "_%b"];

#[derive(Debug)]
struct Data {
    a: Vec<Option<i64>>,
    x: Vec<Option<f64>>,
    s: Vec<Option<String>>,
}

fn num_str(n: Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => format!("{f:?}"),
    }
}

fn render(t: &T) -> String {
    let cmp = |field: &str, op: usize, lit: String, flipped: bool| {
        if flipped { format!("{lit} {} {field}", FLIPPED[op]) } else { format!("{field} {} {lit}", OPS[op]) }
    };
    let list = |items: Vec<String>| format!("[{}]", items.join(", "));
    match t {
        T::IntCmp { op, lit, flipped } => cmp("a", *op, num_str(*lit), *flipped),
        T::DblCmp { op, lit, flipped } => cmp("x", *op, num_str(*lit), *flipped),
        T::StrCmp { op, lit } => cmp("s", *op, format!("{lit:?}"), false),
        T::IntRange { lo, lo_strict, hi, hi_strict } => {
            let l = if *lo_strict { "<" } else { "<=" };
            let h = if *hi_strict { "<" } else { "<=" };
            format!("{lo} {l} a {h} {hi}")
        }
        T::IntIn { list: l, negated } => {
            format!(
                "a {}in {}",
                if *negated { "not " } else { "" },
                list(l.iter().map(|v| v.to_string()).collect())
            )
        }
        T::StrIn { list: l, negated } => {
            format!(
                "s {}in {}",
                if *negated { "not " } else { "" },
                list(l.iter().map(|v| format!("'{v}'")).collect())
            )
        }
        T::Like { pattern, negated } => {
            format!("s {}like \"{pattern}\"", if *negated { "not " } else { "" })
        }
        T::IsNull { field, negated } => {
            format!("{} is {}null", ["a", "x", "s"][*field], if *negated { "not " } else { "" })
        }
        T::Not(inner) => format!("not ({})", render(inner)),
        T::And(l, r, spelling) => {
            format!("({} {} {})", render(l), ["and", "&&", "AND"][*spelling], render(r))
        }
        T::Or(l, r, spelling) => format!("({} {} {})", render(l), ["or", "||", "OR"][*spelling], render(r)),
    }
}

fn cmp_f64(op: usize, v: f64, lit: f64) -> bool {
    [v == lit, v != lit, v < lit, v <= lit, v > lit, v >= lit][op]
}

fn like_naive(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('%', rest)) => (0..=t.len()).any(|k| like_naive(rest, &t[k..])),
        Some(('_', rest)) => !t.is_empty() && like_naive(rest, &t[1..]),
        Some((c, rest)) => t.first() == Some(c) && like_naive(rest, &t[1..]),
    }
}

fn naive(t: &T, d: &Data, row: usize) -> bool {
    match t {
        T::IntCmp { op, lit, .. } => d.a[row].is_some_and(|v| match lit {
            Num::Int(i) => [v == *i, v != *i, v < *i, v <= *i, v > *i, v >= *i][*op],
            Num::Float(f) => cmp_f64(*op, v as f64, *f),
        }),
        T::DblCmp { op, lit, .. } => d.x[row].is_some_and(|v| {
            let l = match lit {
                Num::Int(i) => *i as f64,
                Num::Float(f) => *f,
            };
            cmp_f64(*op, v, l)
        }),
        T::StrCmp { op, lit } => d.s[row].as_deref().is_some_and(|v| {
            let l = lit.as_str();
            [v == l, v != l, v < l, v <= l, v > l, v >= l][*op]
        }),
        T::IntRange { lo, lo_strict, hi, hi_strict } => d.a[row].is_some_and(|v| {
            (if *lo_strict { *lo < v } else { *lo <= v }) && (if *hi_strict { v < *hi } else { v <= *hi })
        }),
        T::IntIn { list, negated } => d.a[row].is_some_and(|v| list.contains(&v) != *negated),
        T::StrIn { list, negated } => d.s[row].as_ref().is_some_and(|v| list.contains(v) != *negated),
        T::Like { pattern, negated } => d.s[row].as_ref().is_some_and(|v| {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = v.chars().collect();
            like_naive(&p, &t) != *negated
        }),
        T::IsNull { field, negated } => {
            let null = match field {
                0 => d.a[row].is_none(),
                1 => d.x[row].is_none(),
                _ => d.s[row].is_none(),
            };
            null != *negated
        }
        T::Not(inner) => !naive(inner, d, row),
        T::And(l, r, _) => naive(l, d, row) && naive(r, d, row),
        T::Or(l, r, _) => naive(l, d, row) || naive(r, d, row),
    }
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        (-6i64..6).prop_map(Num::Int),
        (-12i32..12).prop_map(|h| Num::Float(f64::from(h) / 2.0)),
        prop_oneof![Just(-0.0), Just(0.3), Just(-2.7), Just(1e300)].prop_map(Num::Float),
    ]
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(&WORDS[..]).prop_map(str::to_owned)
}

fn leaf() -> impl Strategy<Value = T> {
    prop_oneof![
        (0..6usize, num(), any::<bool>()).prop_map(|(op, lit, flipped)| T::IntCmp { op, lit, flipped }),
        (0..6usize, num(), any::<bool>()).prop_map(|(op, lit, flipped)| T::DblCmp { op, lit, flipped }),
        (0..6usize, word()).prop_map(|(op, lit)| T::StrCmp { op, lit }),
        (-6i64..6, any::<bool>(), -6i64..6, any::<bool>())
            .prop_map(|(lo, lo_strict, hi, hi_strict)| T::IntRange { lo, lo_strict, hi, hi_strict }),
        (prop::collection::vec(-6i64..6, 0..12), any::<bool>())
            .prop_map(|(list, negated)| T::IntIn { list, negated }),
        (prop::collection::vec(word(), 0..4), any::<bool>())
            .prop_map(|(list, negated)| T::StrIn { list, negated }),
        (prop::sample::select(&PATTERNS[..]), any::<bool>())
            .prop_map(|(p, negated)| T::Like { pattern: p.to_owned(), negated }),
        (0..3usize, any::<bool>()).prop_map(|(field, negated)| T::IsNull { field, negated }),
    ]
}

fn expr() -> impl Strategy<Value = T> {
    leaf().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| T::Not(Box::new(t))),
            (inner.clone(), inner.clone(), 0..3usize).prop_map(|(l, r, s)| T::And(
                Box::new(l),
                Box::new(r),
                s
            )),
            (inner.clone(), inner, 0..3usize).prop_map(|(l, r, s)| T::Or(Box::new(l), Box::new(r), s)),
        ]
    })
}

fn data() -> impl Strategy<Value = Data> {
    (0usize..150).prop_flat_map(|n| {
        (
            prop::collection::vec(prop::option::weighted(0.8, -6i64..6), n),
            prop::collection::vec(
                prop::option::weighted(0.8, (-12i32..12).prop_map(|h| f64::from(h) / 2.0)),
                n,
            ),
            prop::collection::vec(prop::option::weighted(0.8, word()), n),
        )
            .prop_map(|(a, x, s)| Data { a, x, s })
    })
}

fn prop_schema() -> Schema {
    Schema::builder("p")
        .field(Field::new("id", FieldType::Int64).primary_key())
        .field(Field::new("a", FieldType::Int64).nullable(true))
        .field(Field::new("x", FieldType::Double).nullable(true))
        .field(Field::new("s", FieldType::VarChar { max_length: 16 }).nullable(true))
        .field(Field::new("v", FieldType::FloatVector { dim: 1 }))
        .build()
        .unwrap()
}

fn to_segment(d: &Data) -> Segment {
    let n = d.a.len();
    let valid = |f: &dyn Fn(usize) -> bool| Some((0..n).map(|i| u8::from(f(i))).collect::<Vec<u8>>());
    Segment {
        rows: n,
        columns: vec![
            ColumnData::Int64((0..n as i64).collect()),
            ColumnData::Int64(d.a.iter().map(|v| v.unwrap_or(0)).collect()),
            ColumnData::Double(d.x.iter().map(|v| v.unwrap_or(0.0)).collect()),
            ColumnData::varchar(d.s.iter().map(|v| v.clone().unwrap_or_default())),
            ColumnData::FloatVector { dim: 1, data: vec![0.0; n] },
        ],
        validity: vec![
            None,
            valid(&|i| d.a[i].is_some()),
            valid(&|i| d.x[i].is_some()),
            valid(&|i| d.s[i].is_some()),
            None,
        ],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn evaluate_matches_naive_interpreter(t in expr(), d in data()) {
        let text = render(&t);
        let filter = Filter::parse(&text, &prop_schema()).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let got = filter.evaluate(&to_segment(&d)).unwrap();
        prop_assert_eq!(got.len(), d.a.len());
        for row in 0..d.a.len() {
            prop_assert_eq!(got.get(row), naive(&t, &d, row), "row {} of `{}`", row, text);
        }
    }
}

#[test]
fn templates_render_to_the_filter_written_out() {
    let template = "age > {min} and name in {names} or score == {score} and flag == {flag}";
    let rendered = veclite::render_template_json(
        template,
        r#"{"min": 0, "names": ["apple", "apricot", "cherry"], "score": 3.0, "flag": false}"#,
    )
    .unwrap();
    let written =
        "age > 0 and name in [\"apple\", \"apricot\", \"cherry\"] or score == 3.0 and flag == false";
    assert_eq!(rendered, written);
    assert_eq!(rows(&rendered), rows(written));
    assert_eq!(rows(&rendered), [2, 4, 5]);
    let err = error("age > {min}");
    assert!(err.contains("offset 6 (\"{min}\"): a template placeholder needs its value"), "{err}");
}
