"""Partition keys through the pymilvus surface: schema flags, num_partitions, describe output,
routing by Milvus's hash and the refusals of manual partitions."""
import pytest

import veclite
from veclite import DataType


def schema(client, **kwargs):
    s = client.create_schema(**kwargs)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("tenant", DataType.INT64, is_partition_key="partition_key_field" not in kwargs)
    s.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    return s


def test_rows_route_by_the_partition_key(client):
    client.create_collection("c", schema=schema(client), num_partitions=16)
    d = client.describe_collection("c")
    assert d["num_partitions"] == 16
    assert [f.get("is_partition_key", False) for f in d["fields"]] == [False, True, False]
    assert client.list_partitions("c") == [f"_default_{i}" for i in range(16)]
    # Milvus's hash sends tenant 42 to _default_14 and tenant 0 to _default_12 (of 16).
    client.insert("c", [{"id": 1, "tenant": 42, "v": [0, 0]}, {"id": 2, "tenant": 0, "v": [1, 1]},
                        {"id": 3, "tenant": 42, "v": [2, 2]}])
    assert client.get_partition_stats("c", "_default_14")["row_count"] == 2
    assert client.get_partition_stats("c", "_default_12")["row_count"] == 1
    rows = client.query("c", filter="tenant == 42", output_fields=["id"])
    assert sorted(r["id"] for r in rows) == [1, 3]
    # An upsert that changes the key moves the row: one row per primary key.
    client.upsert("c", [{"id": 1, "tenant": 0, "v": [0, 0]}])
    assert client.get_partition_stats("c", "_default_14")["row_count"] == 1
    assert sorted(r["id"] for r in client.query("c", filter="tenant == 0", output_fields=["id"])) == [1, 2]


def test_manual_partitions_are_refused(client):
    client.create_collection("c", schema=schema(client, partition_key_field="tenant"))
    assert client.describe_collection("c")["num_partitions"] == 16
    with pytest.raises(veclite.MilvusException, match="partition key mode"):
        client.insert("c", [{"id": 1, "tenant": 1, "v": [0, 0]}], partition_name="_default_0")
    with pytest.raises(veclite.MilvusException, match="partition key mode"):
        client.query("c", filter="id > 0", partition_names=["_default_0"])
    with pytest.raises(veclite.MilvusException, match="disable create partition"):
        client.create_partition("c", "p")


def test_num_partitions_rules(client):
    with pytest.raises(veclite.MilvusException, match="partition key field enabled"):
        client.create_collection("plain", dimension=2, num_partitions=4)
    with pytest.raises(veclite.MilvusException, match="exceeds max configuration"):
        client.create_collection("c", schema=schema(client), num_partitions=2000)
    bad = veclite.CollectionSchema([
        veclite.FieldSchema("id", DataType.INT64, is_primary=True),
        veclite.FieldSchema("k", DataType.DOUBLE, is_partition_key=True),
        veclite.FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ])
    with pytest.raises(veclite.MilvusException, match="Int64 or VarChar"):
        client.create_collection("d", schema=bad)


def test_orm_collection_takes_num_partitions(orm):
    fields = [
        veclite.FieldSchema("id", DataType.INT64, is_primary=True),
        veclite.FieldSchema("tenant", DataType.VARCHAR, max_length=16, is_partition_key=True),
        veclite.FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ]
    c = veclite.Collection("orm_pk", veclite.CollectionSchema(fields), num_partitions=4)
    assert len(c.partitions) == 4
    assert c.schema.fields[1].is_partition_key
