//! Collection aliases: usable wherever a collection name is, unique, never a collection's name,
//! moved by alter_alias, blocking drop_collection until dropped, and kept across reopen.

mod common;

use common::{open, seed_columns, seed_schema};
use veclite::{Context, Error, Metric, ObjectKind, SearchRequest, Status};

#[test]
fn an_alias_stands_for_its_collection_everywhere_and_survives_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection(seed_schema("books")).unwrap();
    db.create_collection(seed_schema("films")).unwrap();
    db.create_alias("books", "current").unwrap();
    db.create_alias("books", "current").unwrap(); // the same alias again: no change

    db.upsert("current", "", seed_columns(&[1, 2, 3], 0.0)).unwrap();
    assert_eq!(db.count("books", &[]).unwrap(), 3);
    assert_eq!(db.count("current", &[]).unwrap(), 3);
    assert!(db.has_collection("current").unwrap());
    assert_eq!(db.describe_collection("current").unwrap().schema.name, "books");
    let q = [1.0f32; 8];
    let hits = db.search(&Context::background(), "current", &SearchRequest::new(&q, 2, Metric::L2)).unwrap();
    assert_eq!(hits[0].len(), 2);
    assert_eq!(db.list_collections().unwrap(), ["books", "films"], "aliases are not collections");

    db.alter_alias("films", "current").unwrap();
    assert_eq!(db.describe_alias("current").unwrap(), "films");
    assert_eq!(db.count("current", &[]).unwrap(), 0);
    db.create_alias("books", "archive").unwrap();
    assert_eq!(db.list_aliases(Some("books")).unwrap(), ["archive"]);
    assert_eq!(db.list_aliases(None).unwrap(), ["archive", "current"]);
    db.close().unwrap();

    let db = open(tmp.path());
    assert_eq!(db.describe_alias("archive").unwrap(), "books");
    assert_eq!(db.count("archive", &[]).unwrap(), 3);
    assert_eq!(db.describe_alias("current").unwrap(), "films");
}

#[test]
fn alias_rules_follow_milvus() {
    let tmp = tempfile::tempdir().unwrap();
    let db = open(tmp.path());
    db.create_collection(seed_schema("books")).unwrap();
    db.create_collection(seed_schema("films")).unwrap();
    db.create_alias("books", "a").unwrap();

    let err = db.create_alias("films", "a").unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { kind: ObjectKind::Alias, .. }), "{err}");
    assert!(err.to_string().contains("books"), "{err}");
    let err = db.create_alias("books", "films").unwrap_err();
    assert_eq!(err.status(), Status::InvalidArgument, "{err}");
    let err = db.create_collection(seed_schema("a")).unwrap_err();
    assert!(err.to_string().contains("is an alias of collection `books`"), "{err}");
    assert_eq!(db.create_alias("missing", "b").unwrap_err().status(), Status::NotFound);
    assert_eq!(db.create_alias("books", "bad name").unwrap_err().status(), Status::InvalidArgument);
    let err = db.alter_alias("books", "nope").unwrap_err();
    assert_eq!(err.object_kind(), Some(ObjectKind::Alias), "{err}");
    assert_eq!(db.describe_alias("nope").unwrap_err().status(), Status::NotFound);

    let err = db.drop_collection("books").unwrap_err();
    assert!(err.to_string().contains("has aliases [\"a\"]"), "{err}");
    assert!(db.has_collection("books").unwrap());
    db.drop_alias("a").unwrap();
    db.drop_alias("a").unwrap(); // dropping a missing alias changes nothing
    db.drop_collection("books").unwrap();
    assert_eq!(db.count("a", &[]).unwrap_err().status(), Status::NotFound);
}
