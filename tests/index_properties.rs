//! Index properties (Milvus's `AlterIndex`): `mmap.enabled` stored in the catalog, returned by
//! describe, kept across reopen and re-creation of the same index; other keys refused.

mod common;

use common::{open, seed_columns, seed_schema};
use veclite::{Context, IndexParams, Metric, Status};

fn props(db: &veclite::Database) -> Vec<(String, String)> {
    let info = db.describe_index("c", Some("embeddings")).unwrap().swap_remove(0);
    info.index.properties.into_iter().collect()
}

#[test]
fn mmap_enabled_is_recorded_and_other_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = open(dir.path());
        db.create_collection(seed_schema("c")).unwrap();
        db.insert("c", "", seed_columns(&[1, 2], 0.0)).unwrap();
        let hnsw = IndexParams::Hnsw { m: 8, ef_construction: 32 };
        db.create_index(&Context::background(), "c", "embeddings", "idx", Metric::L2, hnsw).unwrap();
        db.alter_index_properties("c", "idx", &[("mmap.enabled", "True")]).unwrap();
        assert_eq!(props(&db), [("mmap.enabled".to_owned(), "True".to_owned())]);
        let refused = [
            (&[("warmup", "sync")][..], Status::InvalidArgument, "warmup is not configable index param"),
            (&[("mmap.enabled", "yes")], Status::InvalidArgument, "invalid mmap.enabled value"),
            (&[("mmap.enabled", "true"), ("mmap.enabled", "false")], Status::InvalidArgument, "given twice"),
        ];
        for (set, status, part) in refused {
            let e = db.alter_index_properties("c", "idx", set).unwrap_err();
            assert_eq!(e.status(), status, "{e}");
            assert!(e.to_string().contains(part), "{e}");
        }
        let e = db.alter_index_properties("c", "nope", &[("mmap.enabled", "true")]).unwrap_err();
        assert_eq!(e.status(), Status::NotFound);
        // Re-creating the same index keeps its properties.
        db.create_index(&Context::background(), "c", "embeddings", "idx", Metric::L2, hnsw).unwrap();
        assert_eq!(props(&db).len(), 1);
        db.close().unwrap();
    }
    let db = open(dir.path());
    assert_eq!(props(&db), [("mmap.enabled".to_owned(), "True".to_owned())], "kept in the catalog");
    db.drop_index_properties("c", "idx", &["mmap.enabled", "never.set"]).unwrap();
    assert!(props(&db).is_empty());
    assert_eq!(db.drop_index_properties("c", "idx", &[""]).unwrap_err().status(), Status::InvalidArgument);
}
