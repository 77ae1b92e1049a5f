//! Database properties (Milvus's `AlterDatabase`): set, removed, described, kept across reopen,
//! on `default` too; the keys veclite cannot honour are refused.

mod common;

use common::open;
use veclite::Status;

/// A refused change: the keys set, the keys removed, the status and a part of the message.
type Refused<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], Status, &'a str);

#[test]
fn properties_are_altered_described_and_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path());
        db.create_database("db1", &[("owner".into(), "ann".into())]).unwrap();
        db.alter_database_properties("db1", &[("database.replica.number", "1"), ("team", "x")], &[]).unwrap();
        db.alter_database_properties("db1", &[], &["owner", "never.set"]).unwrap();
        db.alter_database_properties("", &[("note", "main")], &[]).unwrap();
        db.close().unwrap();
    }
    let db = open(dir.path());
    let props = |name: &str| db.describe_database(name).unwrap().properties.into_iter().collect::<Vec<_>>();
    let p = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(props("db1"), [p("database.replica.number", "1"), p("team", "x")]);
    assert_eq!(props("default"), [p("note", "main")]);
    assert_eq!(db.list_databases().unwrap(), ["default", "db1"], "default is listed once");
    let refused: [Refused<'_>; 5] = [
        (&[("database.replica.number", "2")], &[], Status::InvalidArgument, "one in-process replica"),
        (&[("database.resource_groups", "rg1")], &[], Status::Unsupported, "database.resource_groups"),
        (&[("database.force.deny.writing", "true")], &[], Status::Unsupported, "database.force.deny.writing"),
        (&[("team", "y")], &["team"], Status::InvalidArgument, "given twice"),
        (&[("", "y")], &[], Status::InvalidArgument, "empty key"),
    ];
    for (set, delete, status, part) in refused {
        let e = db.alter_database_properties("db1", set, delete).unwrap_err();
        assert_eq!(e.status(), status, "{e}");
        assert!(e.to_string().contains(part), "{e}");
    }
    assert_eq!(
        db.alter_database_properties("nope", &[("a", "b")], &[]).unwrap_err().status(),
        Status::NotFound
    );
    let e = db.create_database("db2", &[("database.diskQuota.mb".into(), "10".into())]).unwrap_err();
    assert_eq!(e.status(), Status::Unsupported);
    assert_eq!(props("db1").len(), 2, "nothing changed by refused calls");
    db.drop_database("db1").unwrap();
}
