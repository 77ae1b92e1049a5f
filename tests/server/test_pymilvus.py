"""veclite-server through the real pymilvus (unmodified, from PyPI).

Run by tests/server/run.sh, which starts the server and sets VECLITE_SERVER_URI (and, for the
authentication tests, VECLITE_SERVER_TOKEN_URI / VECLITE_SERVER_TOKEN of a second server
started with --token).
"""

import os
import random
import struct

import pytest
from pymilvus import (
    AnnSearchRequest,
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    MilvusClient,
    MilvusException,
    RRFRanker,
    connections,
    utility,
)

URI = os.environ["VECLITE_SERVER_URI"]
DIM = 8


@pytest.fixture
def client():
    c = MilvusClient(uri=URI)
    for alias in c.list_aliases()["aliases"]:
        c.drop_alias(alias)
    for name in c.list_collections():
        c.drop_collection(name)
    yield c
    c.close()


def rows(n, start=0, seed=7):
    rng = random.Random(seed)
    return [
        {"id": i, "vector": [rng.random() for _ in range(DIM)], "tag": f"t{i % 3}", "n": i}
        for i in range(start, start + n)
    ]


def test_hello_world_round_trip(client):
    client.create_collection("hello", dimension=DIM)
    assert client.has_collection("hello")
    data = rows(50)
    assert client.insert("hello", data)["insert_count"] == 50
    assert client.upsert("hello", data[:5])["upsert_count"] == 5
    hits = client.search("hello", data=[data[3]["vector"]], limit=3, output_fields=["tag", "n"])
    assert len(hits) == 1 and len(hits[0]) == 3
    assert hits[0][0]["id"] == 3
    assert hits[0][0]["entity"] == {"tag": "t0", "n": 3}
    got = client.get("hello", ids=[4, 5], output_fields=["tag"])
    assert sorted((r["id"], r["tag"]) for r in got) == [(4, "t1"), (5, "t2")]
    assert client.query("hello", filter="n >= 40", output_fields=["count(*)"])[0]["count(*)"] == 10
    assert client.delete("hello", filter="n >= 40")["delete_count"] == 10
    assert client.query("hello", output_fields=["count(*)"])[0]["count(*)"] == 40
    assert client.get_collection_stats("hello")["row_count"] == 40


def test_missing_collection_has_milvus_codes(client):
    assert not client.has_collection("nope")
    with pytest.raises(MilvusException) as e:
        client.describe_collection("nope")
    assert e.value.code == 100
    with pytest.raises(MilvusException) as e:
        client.query("nope", filter="id > 0")
    assert e.value.code == 100


def test_unsupported_rpc_returns_a_status_not_a_hang(client):
    with pytest.raises(MilvusException) as e:
        client.create_user("alice", "secret123")
    assert e.value.code == 10
    assert "CreateCredential" in e.value.message
    with pytest.raises(MilvusException) as e:
        client.create_database("db1")
    assert e.value.code == 3000


def test_vectors_round_trip_exactly(client):
    client.create_collection("exact", dimension=DIM)
    data = rows(20)
    client.insert("exact", data)
    got = client.query("exact", filter="id in [2, 7]", output_fields=["vector"])
    by_id = {r["id"]: r["vector"] for r in got}
    for i in (2, 7):
        # Exactly the float32 values sent.
        assert by_id[i] == [struct.unpack("f", struct.pack("f", v))[0] for v in data[i]["vector"]]


def test_range_search_and_group_by(client):
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("tag", DataType.VARCHAR, max_length=8)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection("rs", schema=schema, index_params=index)
    data = rows(60)
    client.insert("rs", data)
    q = data[0]["vector"]
    plain = client.search("rs", data=[q], limit=10, search_params={"metric_type": "L2"})[0]
    radius = plain[5]["distance"]
    ranged = client.search(
        "rs", data=[q], limit=10, search_params={"metric_type": "L2", "params": {"radius": radius}}
    )[0]
    assert [h["id"] for h in ranged] == [h["id"] for h in plain[:5]]
    grouped = client.search(
        "rs", data=[q], limit=3, group_by_field="tag", output_fields=["tag"],
        search_params={"metric_type": "L2"},
    )[0]
    assert sorted(h["entity"]["tag"] for h in grouped) == ["t0", "t1", "t2"]


def test_search_iterator_returns_every_hit_once_in_order(client):
    client.create_collection("it", dimension=DIM, metric_type="L2")
    client.insert("it", rows(230))
    it = client.search_iterator(
        "it", data=[rows(1, seed=99)[0]["vector"]], batch_size=40,
        search_params={"metric_type": "L2"},
    )
    seen, scores = [], []
    while True:
        page = it.next()
        if len(page) == 0:
            break
        seen += [h["id"] for h in page]
        scores += [h["distance"] for h in page]
    it.close()
    assert sorted(seen) == list(range(230))
    assert scores == sorted(scores)


def test_query_iterator_pages_through_every_row(client):
    client.create_collection("qi", dimension=DIM)
    client.insert("qi", rows(150))
    # Upserted rows move to the end of storage: pages must still follow primary key order.
    client.upsert("qi", rows(5, start=12) + rows(3, start=140))
    it = client.query_iterator("qi", batch_size=32, filter="n >= 10", output_fields=["n"])
    seen = []
    while True:
        page = it.next()
        if not page:
            break
        seen += [r["n"] for r in page]
    it.close()
    assert sorted(seen) == list(range(10, 150))


def test_partitions_and_load_state(client):
    client.create_collection("parts", dimension=DIM)
    client.create_partition("parts", "p1")
    client.insert("parts", rows(10, start=100), partition_name="p1")
    client.insert("parts", rows(10))
    assert client.list_partitions("parts") == ["_default", "p1"]
    assert client.query("parts", filter="id >= 0", partition_names=["p1"], output_fields=["count(*)"])[0]["count(*)"] == 10
    with pytest.raises(MilvusException) as e:
        client.drop_partition("parts", "p1")  # loaded
    assert e.value.code == 1100
    client.release_partitions("parts", ["p1"])
    assert str(client.get_load_state("parts", "p1")["state"]) == "NotLoad"
    client.drop_partition("parts", "p1")
    client.release_collection("parts")
    with pytest.raises(MilvusException) as e:
        client.query("parts", filter="id >= 0")
    assert e.value.code == 101
    client.load_collection("parts")
    assert client.query("parts", filter="id >= 0", output_fields=["count(*)"])[0]["count(*)"] == 10


def test_aliases(client):
    client.create_collection("a1", dimension=DIM)
    client.create_alias("a1", "al")
    assert client.describe_alias("al")["collection_name"] == "a1"
    assert client.list_aliases("a1")["aliases"] == ["al"]
    client.insert("al", rows(3))
    assert client.query("a1", filter="id >= 0", output_fields=["count(*)"])[0]["count(*)"] == 3
    client.drop_alias("al")


def test_hybrid_search_is_refused_with_a_status(client):
    client.create_collection("hy", dimension=DIM)
    client.insert("hy", rows(5))
    req = AnnSearchRequest(data=[rows(1)[0]["vector"]], anns_field="vector", param={}, limit=2)
    with pytest.raises(MilvusException) as e:
        client.hybrid_search("hy", [req, req], RRFRanker(), limit=2)
    assert e.value.code == 3000


def test_orm_path(client):
    alias = "veclite-orm"
    connections.connect(alias, uri=URI)
    try:
        fields = [
            FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=64),
            FieldSchema("score", DataType.DOUBLE),
            FieldSchema("emb", DataType.FLOAT_VECTOR, dim=DIM),
        ]
        coll = Collection("orm", CollectionSchema(fields), using=alias)
        coll.insert([[f"k{i}" for i in range(30)], [float(i) for i in range(30)],
                     [r["vector"] for r in rows(30)]])
        coll.flush()
        coll.create_index("emb", {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 8, "efConstruction": 64}})
        coll.load()
        assert utility.load_state("orm", using=alias).name == "Loaded"
        res = coll.search([rows(30)[4]["vector"]], "emb", {"metric_type": "IP", "params": {"ef": 32}},
                          limit=2, output_fields=["score"])
        assert len(res[0]) == 2
        assert coll.num_entities == 30
        assert coll.query('pk in ["k1", "k2"]', output_fields=["score"])[0]["score"] in (1.0, 2.0)
        coll.drop()
    finally:
        connections.disconnect(alias)


@pytest.mark.skipif("VECLITE_SERVER_TOKEN_URI" not in os.environ, reason="no --token server")
def test_token_is_checked_on_every_call():
    uri, token = os.environ["VECLITE_SERVER_TOKEN_URI"], os.environ["VECLITE_SERVER_TOKEN"]
    ok = MilvusClient(uri=uri, token=token)
    assert isinstance(ok.list_collections(), list)
    ok.close()
    ok = MilvusClient(uri=uri, user="root", password=token)
    assert isinstance(ok.list_collections(), list)
    ok.close()
    with pytest.raises(MilvusException) as e:
        MilvusClient(uri=uri, token="wrong").list_collections()
    assert e.value.code == 1400
