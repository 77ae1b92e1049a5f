//! Databases: namespaces of collections and aliases, `default` always there, created, listed,
//! described, dropped only when empty, and kept across reopen.

mod common;

use common::{open, seed_columns, seed_schema};
use veclite::{DEFAULT_DATABASE, Error, ObjectKind, Status};

#[test]
fn collections_live_in_their_database_and_survive_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    assert_eq!(db.list_databases().unwrap(), [DEFAULT_DATABASE]);
    assert_eq!(db.database_name(), "default");
    db.create_database("db1", &[("owner".into(), "ann".into())]).unwrap();
    let db1 = db.using_database("db1").unwrap();
    assert_eq!(db1.database_name(), "db1");

    // The same name in two databases: two collections.
    db.create_collection(seed_schema("books")).unwrap();
    db1.create_collection(seed_schema("books")).unwrap();
    db1.create_collection(seed_schema("films")).unwrap();
    db.upsert("books", "", seed_columns(&[1, 2], 0.0)).unwrap();
    db1.upsert("books", "", seed_columns(&[1, 2, 3], 0.0)).unwrap();
    assert_eq!(db.count("books", &[]).unwrap(), 2);
    assert_eq!(db1.count("books", &[]).unwrap(), 3);
    assert_eq!(db.list_collections().unwrap(), ["books"]);
    assert_eq!(db1.list_collections().unwrap(), ["books", "films"]);
    assert!(!db.has_collection("films").unwrap());
    assert_eq!(db1.describe_collection("books").unwrap().schema.name, "books");
    assert_eq!(db.count("films", &[]).unwrap_err().status(), Status::NotFound);

    // Aliases are per database.
    db1.create_alias("films", "movies").unwrap();
    assert_eq!(db1.describe_alias("movies").unwrap(), "films");
    assert_eq!(db1.list_aliases(None).unwrap(), ["movies"]);
    assert!(db.list_aliases(None).unwrap().is_empty());
    assert_eq!(db.describe_alias("movies").unwrap_err().status(), Status::NotFound);
    assert_eq!(db.create_alias("films", "x").unwrap_err().status(), Status::NotFound);
    db.close().unwrap();

    let db = open(tmp.path());
    assert_eq!(db.list_databases().unwrap(), ["default", "db1"]);
    let info = db.describe_database("db1").unwrap();
    assert_eq!(info.properties.get("owner").map(String::as_str), Some("ann"));
    let db1 = db.using_database("db1").unwrap();
    assert_eq!(db1.count("books", &[]).unwrap(), 3);
    assert_eq!(db1.describe_alias("movies").unwrap(), "films");
    assert_eq!(db.using_database("").unwrap().count("books", &[]).unwrap(), 2);
}

#[test]
fn database_rules_follow_milvus() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    let err = db.drop_database("default").unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument, "{err}");
    let err = db.create_database("default", &[]).unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { kind: ObjectKind::Database, .. }), "{err}");
    assert_eq!(db.create_database("bad name", &[]).unwrap_err().status(), Status::InvalidArgument);
    let err = db.using_database("nope").unwrap_err();
    assert_eq!(err.object_kind(), Some(ObjectKind::Database), "{err}");
    assert_eq!(db.drop_database("nope").unwrap_err().status(), Status::NotFound);
    assert_eq!(db.describe_database("nope").unwrap_err().status(), Status::NotFound);
    assert!(db.describe_database("default").unwrap().properties.is_empty());

    db.create_database("db1", &[]).unwrap();
    assert_eq!(db.create_database("db1", &[]).unwrap_err().status(), Status::AlreadyExists);
    let db1 = db.using_database("db1").unwrap();
    db1.create_collection(seed_schema("c")).unwrap();
    let err = db.drop_database("db1").unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument);
    assert!(err.to_string().contains("not empty") && err.to_string().contains("\"c\""), "{err}");
    db1.drop_collection("c").unwrap();
    db.drop_database("db1").unwrap();
    assert_eq!(db.list_databases().unwrap(), ["default"]);
    // A handle of a dropped database cannot create collections in it.
    let err = db1.create_collection(seed_schema("c")).unwrap_err();
    assert_eq!(err.object_kind(), Some(ObjectKind::Database), "{err}");
}

#[test]
fn rename_keeps_rows_indexes_and_aliases_and_may_move_to_another_database() {
    use veclite::{Context, Metric, SearchRequest};
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection(seed_schema("books")).unwrap();
    db.upsert("books", "", seed_columns(&(0..50).collect::<Vec<_>>(), 0.0)).unwrap();
    db.flush("books").unwrap();
    db.upsert("books", "", seed_columns(&(50..60).collect::<Vec<_>>(), 0.0)).unwrap(); // growing
    db.create_milvus_index(&Context::background(), "books", "embeddings", "idx", "HNSW", "L2", &[]).unwrap();
    db.create_alias("books", "shelf").unwrap();

    db.rename_collection("books", "novels", None).unwrap();
    assert_eq!(db.list_collections().unwrap(), ["novels"]);
    assert_eq!(db.count("novels", &[]).unwrap(), 60);
    assert_eq!(db.count("books", &[]).unwrap_err().status(), Status::NotFound);
    assert_eq!(db.describe_alias("shelf").unwrap(), "novels");
    assert_eq!(db.count("shelf", &[]).unwrap(), 60);
    assert_eq!(db.describe_index("novels", None).unwrap()[0].index.name, "idx");
    assert_eq!(db.describe_collection("novels").unwrap().schema.name, "novels");
    let q = [3.0f32, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    let hits = db.search(&Context::background(), "novels", &SearchRequest::new(&q, 1, Metric::L2)).unwrap();
    assert_eq!(hits[0].len(), 1);
    db.upsert("novels", "", seed_columns(&[100], 0.0)).unwrap();

    // Milvus's rules.
    db.create_collection(seed_schema("other")).unwrap();
    assert_eq!(db.rename_collection("novels", "other", None).unwrap_err().status(), Status::AlreadyExists);
    assert_eq!(db.rename_collection("novels", "shelf", None).unwrap_err().status(), Status::AlreadyExists);
    let err = db.rename_collection("shelf", "x", None).unwrap_err();
    assert!(err.to_string().contains("is an alias"), "{err}");
    assert_eq!(db.rename_collection("missing", "x", None).unwrap_err().status(), Status::NotFound);
    assert_eq!(
        db.rename_collection("novels", "bad name", None).unwrap_err().status(),
        Status::InvalidArgument
    );
    db.create_database("archive", &[]).unwrap();
    let err = db.rename_collection("novels", "old", Some("archive")).unwrap_err();
    assert!(err.to_string().contains("has aliases"), "{err}");
    assert_eq!(db.rename_collection("novels", "x", Some("nope")).unwrap_err().status(), Status::NotFound);
    db.drop_alias("shelf").unwrap();
    db.rename_collection("novels", "old", Some("archive")).unwrap();
    assert_eq!(db.list_collections().unwrap(), ["other"]);
    db.close().unwrap();

    let db = open(tmp.path());
    let archive = db.using_database("archive").unwrap();
    assert_eq!(archive.list_collections().unwrap(), ["old"]);
    assert_eq!(archive.count("old", &[]).unwrap(), 61);
    assert_eq!(archive.describe_index("old", None).unwrap().len(), 1);
    // And back again, from the archive's handle.
    archive.rename_collection("old", "books", Some("default")).unwrap();
    assert_eq!(db.count("books", &[]).unwrap(), 61);
}
