//! The sparse index types at the collection level: their parameters parse, and fields and
//! searches they do not apply to refuse them by name.

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
