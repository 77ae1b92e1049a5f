"""auto_id on a VARCHAR primary key: generated int64 keys returned as decimal strings."""

import pytest

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema


def test_quick_form_string_auto_id(client):
    client.create_collection("auto", dimension=2, id_type="string", max_length=32, auto_id=True, metric_type="L2")
    d = client.describe_collection("auto")
    assert d["auto_id"] is True and d["fields"][0]["type"] == DataType.VARCHAR
    r = client.insert("auto", [{"vector": [1.0, 0.0]}, {"vector": [0.0, 1.0]}, {"vector": [5.0, 5.0]}])
    ids = r["ids"]
    assert r["insert_count"] == 3 and all(isinstance(i, str) and i.isdigit() for i in ids)
    assert [int(i) for i in ids] == sorted(int(i) for i in ids) and len(set(ids)) == 3
    hits = client.search("auto", [[0.9, 0.1]], limit=1)
    assert hits[0][0]["id"] == ids[0]
    got = client.get("auto", ids=[ids[1]], output_fields=["vector"])
    assert got[0]["id"] == ids[1] and got[0]["vector"] == [0.0, 1.0]
    assert client.query("auto", filter=f'id == "{ids[2]}"')[0]["id"] == ids[2]
    with pytest.raises(veclite.ParamError, match="auto_id"):
        client.upsert("auto", [{"id": ids[0], "vector": [0.1, 0.2]}])
    with pytest.raises(veclite.MilvusException, match="must not supply it"):
        client.insert("auto", [{"id": "x", "vector": [0.1, 0.2]}])
    assert client.delete("auto", ids=[ids[0], "nope"])["delete_count"] == 1
    assert client.get_collection_stats("auto") == {"row_count": 2}


def test_orm_schema_string_auto_id_and_short_max_length(orm):
    def schema(max_length):
        return CollectionSchema([FieldSchema("pk", DataType.VARCHAR, is_primary=True, auto_id=True,
                                             max_length=max_length),
                                 FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])

    c = Collection("auto", schema(64))
    r = c.insert([[[0.1, 0.2], [0.3, 0.4]]])
    assert r.insert_count == 2 and all(isinstance(k, str) for k in r.primary_keys)
    assert c.schema.auto_id is True
    short = Collection("short", schema(8))
    with pytest.raises(veclite.MilvusException, match="exceeds max_length 8"):
        short.insert([[[0.1, 0.2]]])
    assert short.num_entities == 0
