//! Scalar indexes: INVERTED, STL_SORT, BITMAP and Trie, one per sealed segment and scalar
//! field. This module holds Milvus's rules on which type indexes which field and builds the
//! index bodies ([`build`]); the files are written by [`crate::index::file::SegmentIndex`] and
//! read by the filter evaluator through [`crate::expr::ScalarIndex`] (layout: its docs).

mod build;

pub(crate) use build::build;

use crate::error::{Error, Result};
use crate::params::IndexParams;
use crate::schema::{Field, FieldType};

/// Checks that scalar index type `params` may index `field`, with Milvus's rules: INVERTED on
/// Bool, integer, float and VarChar fields; STL_SORT on integer and float fields; TRIE on
/// VarChar fields; BITMAP on Bool, integer and VarChar fields other than the primary key.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the field, its type, the index type and the rule.
pub fn check_field(params: IndexParams, field: &Field) -> Result<()> {
    let ty = field.field_type;
    let (integer, float, string) = (
        matches!(ty, FieldType::Int8 | FieldType::Int16 | FieldType::Int32 | FieldType::Int64),
        matches!(ty, FieldType::Float | FieldType::Double),
        matches!(ty, FieldType::VarChar { .. }),
    );
    let bool_ = ty == FieldType::Bool;
    let (allowed, rule) = match params {
        IndexParams::Inverted => {
            (bool_ || integer || float || string, "Bool, integer, float and VarChar fields")
        }
        IndexParams::StlSort => (integer || float, "numeric (integer and float) fields"),
        IndexParams::Trie => (string, "VarChar fields"),
        IndexParams::Bitmap if field.primary_key => (false, "fields other than the primary key"),
        IndexParams::Bitmap => (bool_ || integer || string, "Bool, integer and VarChar fields"),
        other => {
            return Err(Error::InvalidArgument(format!(
                "field `{}` is {}, not a vector field: {} indexes vector fields; a scalar field takes INVERTED, STL_SORT, \
                 BITMAP, Trie or AUTOINDEX",
                field.name,
                ty.describe(),
                other.type_name()
            )));
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "field `{}` is {}{}: {} indexes only {rule}",
            field.name,
            ty.describe(),
            if field.primary_key { " (the primary key)" } else { "" },
            params.type_name()
        )))
    }
}

/// What `AUTOINDEX` builds on a scalar field of type `ty`: BITMAP for Bool, INVERTED for
/// integer, float and VarChar fields; `None` for types no scalar index covers.
pub fn auto_index(field: &Field) -> Option<IndexParams> {
    match field.field_type {
        FieldType::Bool if !field.primary_key => Some(IndexParams::Bitmap),
        FieldType::Bool
        | FieldType::Int8
        | FieldType::Int16
        | FieldType::Int32
        | FieldType::Int64
        | FieldType::Float
        | FieldType::Double
        | FieldType::VarChar { .. } => Some(IndexParams::Inverted),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::ColumnRef;
    use crate::expr::{CmpOp, LikePattern, Pred, ScalarIndex};

    fn rows_of(index: &ScalarIndex<'_>, pred: &Pred) -> Vec<usize> {
        let (mut bits, negate) = index.lookup(pred).expect("fits");
        if negate {
            bits.negate();
        }
        bits.iter_ones().collect()
    }

    #[test]
    fn lookups_by_kind_and_the_scan_threshold() {
        // 64 rows: value r % 4, row 5 null.
        let values: Vec<i64> = (0..64).map(|r| r % 4).collect();
        let validity: Vec<u8> = (0..64).map(|r| u8::from(r != 5)).collect();
        for bitmaps in [false, true] {
            let body = build(ColumnRef::Int64(&values), Some(&validity), bitmaps).unwrap();
            let index = ScalarIndex::parse(&body, 64).unwrap();
            let eq1 = Pred::IntIn { values: vec![1], negate: false };
            let expected: Vec<usize> = (0..64).filter(|r| r % 4 == 1 && *r != 5).collect();
            assert_eq!(rows_of(&index, &eq1), expected);
            let range = Pred::IntRange { lo: 2, hi: 3, negate: true };
            let (bits, negate) = index.lookup(&range).unwrap();
            assert!(negate && bits.iter_ones().all(|r| r % 4 >= 2));
            // A quarter of the rows each: row lists are left to the scan, bitmaps answer.
            assert_eq!(index.answers(&eq1), bitmaps);
            assert!(!index.answers(&Pred::FloatIn { values: vec![1.0], negate: false }));
        }
    }

    #[test]
    fn floats_strings_and_damage() {
        let floats = [0.0f64, -0.0, f64::NAN, 1.5, -2.0];
        let body = build(ColumnRef::Double(&floats), None, false).unwrap();
        let index = ScalarIndex::parse(&body, 5).unwrap();
        assert_eq!(rows_of(&index, &Pred::FloatIn { values: vec![-0.0], negate: false }), [0, 1]);
        assert_eq!(rows_of(&index, &Pred::FloatRange { lo: -2.0, hi: 0.0, negate: false }), [0, 1, 4]);
        // NaN is not indexed: only a negated test selects it.
        assert_eq!(rows_of(&index, &Pred::FloatRange { lo: -9.0, hi: 9.0, negate: true }), [2]);

        let offsets = [0u64, 2, 4, 7, 9];
        let body = build(ColumnRef::VarChar { offsets: &offsets, bytes: b"abacabcab" }, None, false).unwrap();
        let index = ScalarIndex::parse(&body, 4).unwrap();
        let like = |p: &str| Pred::Like { pattern: LikePattern::new(p), negate: false };
        assert_eq!(rows_of(&index, &like("ab%")), [0, 2, 3]);
        assert_eq!(rows_of(&index, &like("%c")), [1, 2]);
        assert_eq!(rows_of(&index, &like("a_")), [0, 1, 3]);
        assert_eq!(rows_of(&index, &Pred::StrCmp { op: CmpOp::Gt, value: b"ab".to_vec().into() }), [1, 2]);

        assert!(ScalarIndex::parse(&body, 5).unwrap_err().contains("covers 4 rows"));
        let mut bad = body.clone();
        let at = bad.len() - 4;
        bad[at] = 9; // the last posting's row
        assert!(ScalarIndex::parse(&bad, 4).unwrap_err().contains("names a row past the segment"));
        assert!(ScalarIndex::parse(&body[..20], 4).is_err());
    }
}
