"""Databases through MilvusClient (db_name=, create/list/describe/drop/use_database) and the ORM's
``db`` module: collections namespaced by database, ``default`` always there, non-empty databases
not dropped."""

import pytest

import veclite
from veclite import MilvusClient, connections, db
from veclite.exceptions import MilvusException


def test_client_databases(tmp_path):
    d = str(tmp_path / "dbs")
    c = MilvusClient(d)
    assert c.list_databases() == ["default"]
    c.create_database("db1", properties={"owner": "ann"})
    assert c.list_databases() == ["default", "db1"]
    assert c.describe_database("db1") == {"name": "db1", "owner": "ann"}
    c.create_collection("docs", dimension=2)
    c.insert("docs", [{"id": 1, "vector": [1.0, 0.0]}])

    c1 = MilvusClient(d, db_name="db1")
    assert c1.list_collections() == []
    c1.create_collection("docs", dimension=2)
    c1.insert("docs", [{"id": 7, "vector": [0.0, 1.0]}, {"id": 8, "vector": [1.0, 1.0]}])
    assert c1.query("docs", "id > 0", output_fields=["id"]) == [{"id": 7}, {"id": 8}]
    assert c.query("docs", "id > 0", output_fields=["id"]) == [{"id": 1}]
    assert c1.describe_collection("docs")["collection_name"] == "docs"

    with pytest.raises(MilvusException, match="not empty"):
        c.drop_database("db1")
    with pytest.raises(MilvusException, match="default"):
        c.drop_database("default")
    c.use_database("db1")
    assert c.query("docs", "id > 0", output_fields=["id"]) == [{"id": 7}, {"id": 8}]
    c.drop_collection("docs")
    c.use_database("default")
    assert c.query("docs", "id > 0", output_fields=["id"]) == [{"id": 1}]
    c.drop_database("db1")
    assert c.list_databases() == ["default"]
    with pytest.raises(MilvusException, match="analytics"):
        MilvusClient(d, db_name="analytics")
    c1.close()
    c.close()


def test_orm_db_module(orm):
    db.create_database("db2")
    assert db.list_database() == ["default", "db2"]
    db.using_database("db2")
    fields = [veclite.FieldSchema("id", veclite.DataType.INT64, is_primary=True),
              veclite.FieldSchema("v", veclite.DataType.FLOAT_VECTOR, dim=2)]
    coll = veclite.Collection("c", veclite.CollectionSchema(fields))
    coll.insert([[1, 2], [[0.0, 1.0], [1.0, 0.0]]])
    assert coll.num_entities == 2
    db.using_database("default")
    assert not veclite.utility.has_collection("c")
    assert db.describe_database("db2") == {"name": "db2"}
    with pytest.raises(MilvusException):
        db.using_database("nope")
    connections.connect("other", uri=str(orm), db_name="db2")
    assert veclite.Collection("c", using="other").num_entities == 2
    connections.disconnect("other")


def test_rename_collection(client, orm):
    client.create_collection("a", dimension=2)
    client.insert("a", [{"id": 1, "vector": [1.0, 0.0]}])
    client.create_alias("a", "al")
    client.rename_collection("a", "b")
    assert client.list_collections() == ["b"]
    assert client.query("al", "id > 0", output_fields=["id"]) == [{"id": 1}]
    with pytest.raises(MilvusException, match="db9"):
        client.rename_collection("b", "c", target_db="db9")
    client.create_database("db9")
    with pytest.raises(MilvusException, match="has aliases"):
        client.rename_collection("b", "c", target_db="db9")
    client.drop_alias("al")
    client.rename_collection("b", "c", target_db="db9")
    client.use_database("db9")
    assert client.query("c", "id > 0", output_fields=["id"]) == [{"id": 1}]

    fields = [veclite.FieldSchema("id", veclite.DataType.INT64, is_primary=True),
              veclite.FieldSchema("v", veclite.DataType.FLOAT_VECTOR, dim=2)]
    veclite.Collection("x", veclite.CollectionSchema(fields))
    veclite.utility.rename_collection("x", "y")
    assert veclite.utility.list_collections() == ["y"]
