"""Scalar indexes through MilvusClient and the ORM: created by type, described without a
metric, used by filters (same rows as without), refused where Milvus refuses them."""

import pytest

import veclite
from veclite import DataType, MilvusClient

from conftest import rng_vectors


def _collection(client: MilvusClient, n: int = 300) -> None:
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("age", DataType.INT64)
    schema.add_field("color", DataType.VARCHAR, max_length=16)
    schema.add_field("flag", DataType.BOOL)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
    client.create_collection("c", schema=schema, index_params=index_params)
    vectors = rng_vectors(n, 4)
    client.insert("c", [{"id": i, "age": i % 50, "color": f"c{i % 13}", "flag": i % 3 == 0, "vector": vectors[i]}
                        for i in range(n)])
    client.flush("c")


def _ids(client: MilvusClient, expr: str):
    return sorted(r["id"] for r in client.query("c", filter=expr, output_fields=["id"]))


def test_milvus_client_scalar_indexes(client):
    _collection(client)
    filters = ["age == 7", "age in [1, 2, 3]", "age > 45", 'color like "c1%"', 'color == "c3"', "flag == true",
               'age < 10 and color != "c2"']
    before = {f: _ids(client, f) for f in filters}
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="age", index_type="STL_SORT")
    index_params.add_index(field_name="color", index_type="Trie", index_name="color_trie")
    index_params.add_index(field_name="flag", index_type="BITMAP")
    client.create_index("c", index_params)
    assert sorted(client.list_indexes("c")) == ["age", "color_trie", "flag", "vector"]
    info = client.describe_index("c", "color_trie")
    assert info["index_type"] == "Trie" and info["field_name"] == "color" and "metric_type" not in info
    assert client.describe_index("c", "age")["index_type"] == "STL_SORT"
    for f in filters:
        assert _ids(client, f) == before[f], f
    client.drop_index("c", "color_trie")
    assert "color_trie" not in client.list_indexes("c")
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="color", index_type="AUTOINDEX")
    client.create_index("c", index_params)
    assert client.describe_index("c", "color")["index_type"] == "INVERTED"
    for f in filters:
        assert _ids(client, f) == before[f], f


@pytest.mark.parametrize("field,index_type,words", [
    ("age", "Trie", "Trie indexes only VarChar"),
    ("color", "STL_SORT", "STL_SORT indexes only numeric"),
    ("id", "BITMAP", "the primary key"),
    ("vector", "INVERTED", "INVERTED indexes only"),
])
def test_refused_pairings(client, field, index_type, words):
    _collection(client, 10)
    index_params = client.prepare_index_params()
    index_params.add_index(field_name=field, index_type=index_type)
    with pytest.raises(veclite.MilvusException, match=words):
        client.create_index("c", index_params)


def test_orm_scalar_index(hello):
    hello.insert([list(range(100)), [i / 100 for i in range(100)], rng_vectors(100, 8)])
    hello.flush()
    before = sorted(r["ID"] for r in hello.query("random < 0.25", output_fields=["ID"]))
    hello.create_index("random", {"index_type": "STL_SORT"})
    assert hello.has_index()
    assert sorted(r["ID"] for r in hello.query("random < 0.25", output_fields=["ID"])) == before
