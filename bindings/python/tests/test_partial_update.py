"""Upsert in merge mode (``partial_update=True``), through MilvusClient and the ORM, and the
``collection.ttl.seconds`` property."""

import time

import pytest

import veclite
from veclite import DataType


def make(client):
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("name", DataType.VARCHAR, max_length=32)
    schema.add_field("price", DataType.FLOAT, nullable=True)
    client.create_collection("p", schema=schema)
    client.insert("p", [{"id": 1, "vector": [1, 0], "name": "a", "price": 1.5, "b": 1},
                        {"id": 2, "vector": [0, 1], "name": "b", "price": 2.5}])


def test_partial_update_keeps_other_fields_and_merges_dynamic_keys(client):
    make(client)
    r = client.upsert("p", [{"id": 1, "price": 9.0, "g": "new"}], partial_update=True)
    assert r == {"upsert_count": 1, "ids": [1]}
    row = client.get("p", ids=[1], output_fields=["*"])[0]
    assert (row["name"], row["price"], row["vector"], row["b"], row["g"]) == ("a", 9.0, [1.0, 0.0], 1, "new")
    # Plain upsert replaces the whole row, dynamic keys included (Milvus's override mode).
    client.upsert("p", [{"id": 1, "vector": [1, 1], "name": "a2", "h": 2}])
    row = client.get("p", ids=[1], output_fields=["*"])[0]
    assert "b" not in row and "g" not in row and row["h"] == 2 and row["price"] is None


def test_partial_update_errors_write_nothing(client):
    make(client)
    with pytest.raises(veclite.MilvusException, match=r"row 1.*`vector`"):
        client.upsert("p", [{"id": 2, "name": "x"}, {"id": 3, "name": "y"}], partial_update=True)
    assert client.get("p", ids=[2, 3], output_fields=["name"]) == [{"id": 2, "name": "b"}]
    with pytest.raises(veclite.ParamError, match="row 1 gives fields"):
        client.upsert("p", [{"id": 1, "name": "x"}, {"id": 2, "price": 1.0}], partial_update=True)
    with pytest.raises(veclite.MilvusException, match="ARRAY_APPEND names field `tags`, which is not in the schema"):
        client.upsert("p", [{"id": 1, "name": "x"}], partial_update=True, field_ops={"tags": "array_append"})
    with pytest.raises(veclite.ParamError, match="partial_update must be a bool"):
        client.upsert("p", [{"id": 1, "name": "x"}], partial_update="yes")


def test_orm_partial_update(hello):
    hello.insert([[1, 2], [0.5, 0.25], [[0.0] * 8, [1.0] * 8]])
    r = hello.upsert([{"ID": 2, "random": 7.0}], partial_update=True)
    assert (r.upsert_count, r.delete_count) == (1, 1)
    row = hello.query("ID == 2", output_fields=["random", "embeddings"])[0]
    assert row["random"] == 7.0 and row["embeddings"] == [1.0] * 8


def test_ttl_expires_rows(client):
    client.create_collection("t", dimension=2, properties={"collection.ttl.seconds": 1})
    client.insert("t", [{"id": 1, "vector": [1, 0]}])
    assert client.query("t", filter="", output_fields=["count(*)"])[0]["count(*)"] == 1
    time.sleep(1.1)  # lets wall time pass beyond the 1-second TTL
    assert client.query("t", filter="", output_fields=["count(*)"])[0]["count(*)"] == 0
    assert client.get("t", ids=[1]) == []
    client.alter_collection_properties("t", {"collection.ttl.seconds": 0})
    client.insert("t", [{"id": 1, "vector": [1, 0]}])
    assert client.describe_collection("t")["properties"]["collection.ttl.seconds"] == "0"
