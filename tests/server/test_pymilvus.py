"""veclite-server through the real pymilvus (unmodified, from PyPI).

Run by tests/server/run.sh, which starts the server and sets VECLITE_SERVER_URI (and, for the
authentication tests, VECLITE_SERVER_TOKEN_URI / VECLITE_SERVER_TOKEN of a second server
started with --token).
"""

import asyncio
import math
import os
import random
import struct

import pytest
from pymilvus import (
    AnnSearchRequest,
    AsyncMilvusClient,
    Collection,
    CollectionSchema,
    DataType,
    FieldSchema,
    MilvusClient,
    MilvusException,
    RRFRanker,
    WeightedRanker,
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


def two_vector_collection(client, name, metric="COSINE"):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("a", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("b", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("n", DataType.INT64)
    index = client.prepare_index_params()
    index.add_index("a", index_type="FLAT", metric_type=metric)
    index.add_index("b", index_type="FLAT", metric_type=metric)
    client.create_collection(name, schema=schema, index_params=index)
    rng = random.Random(11)
    data = [{"id": i, "a": [rng.uniform(-1, 1) for _ in range(DIM)],
             "b": [rng.uniform(-1, 1) for _ in range(DIM)], "n": i} for i in range(80)]
    client.insert(name, data)
    return data


def fused(client, name, reqs, score_of, limit, **search_kwargs):
    """The expected fused ranking: each request searched alone, scores combined by score_of(i, rank, score)."""
    total = {}
    for i, r in enumerate(reqs):
        hits = client.search(name, data=r.data, anns_field=r.anns_field, limit=r.limit,
                             filter=r.expr or "", **search_kwargs)[0]
        for rank, h in enumerate(hits):
            total[h["id"]] = total.get(h["id"], 0.0) + score_of(i, rank, h["distance"])
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def test_hybrid_search_rrf(client):
    data = two_vector_collection(client, "hy")
    reqs = [AnnSearchRequest(data=[data[3]["a"]], anns_field="a", param={}, limit=20),
            AnnSearchRequest(data=[data[3]["b"]], anns_field="b", param={}, limit=20, expr="n >= 10")]
    got = client.hybrid_search("hy", reqs, RRFRanker(k=30), limit=8, output_fields=["n"])[0]
    want = fused(client, "hy", reqs, lambda i, rank, s: 1 / (30 + rank + 1), 8)
    assert [h["id"] for h in got] == [i for i, _ in want]
    assert [h["distance"] for h in got] == pytest.approx([s for _, s in want], rel=1e-5)
    assert all(h["entity"]["n"] == h["id"] for h in got)
    # offset and round_decimal apply to the fused hits; the filter to its request only.
    page = client.hybrid_search("hy", reqs, RRFRanker(k=30), limit=3, offset=2, round_decimal=3)[0]
    assert [h["id"] for h in page] == [i for i, _ in want[2:5]]
    assert [h["distance"] for h in page] == [round(s, 3) for _, s in want[2:5]]


def test_hybrid_search_weighted(client):
    data = two_vector_collection(client, "hw", metric="IP")
    reqs = [AnnSearchRequest(data=[data[5]["a"]], anns_field="a", param={"metric_type": "IP"}, limit=15),
            AnnSearchRequest(data=[data[5]["b"]], anns_field="b", param={"metric_type": "IP"}, limit=15)]
    weights = (0.7, 0.3)
    got = client.hybrid_search("hw", reqs, WeightedRanker(*weights), limit=6)[0]
    want = fused(client, "hw", reqs, lambda i, rank, s: weights[i] * (0.5 + math.atan(s) / math.pi), 6)
    assert [h["id"] for h in got] == [i for i, _ in want]
    assert [h["distance"] for h in got] == pytest.approx([s for _, s in want], rel=1e-5)
    raw = client.hybrid_search("hw", reqs, WeightedRanker(*weights, norm_score=False), limit=6)[0]
    want = fused(client, "hw", reqs, lambda i, rank, s: weights[i] * s, 6)
    assert [h["id"] for h in raw] == [i for i, _ in want]
    with pytest.raises(MilvusException) as e:
        client.hybrid_search("hw", reqs, WeightedRanker(0.5), limit=3)
    assert "weight" in e.value.message


def test_hybrid_search_partitions_and_refusals(client):
    data = two_vector_collection(client, "hp")
    client.create_partition("hp", "p1")
    client.insert("hp", [{**r, "id": 1000 + r["id"]} for r in data[:10]], partition_name="p1")
    reqs = [AnnSearchRequest(data=[data[1]["a"]], anns_field="a", param={}, limit=5),
            AnnSearchRequest(data=[data[1]["b"]], anns_field="b", param={}, limit=5)]
    got = client.hybrid_search("hp", reqs, RRFRanker(), limit=5, partition_names=["p1"])[0]
    assert got[0]["id"] == 1001 and all(h["id"] >= 1000 for h in got)
    with pytest.raises(MilvusException) as e:
        client.hybrid_search("hp", reqs, RRFRanker(), limit=5, group_by_field="n")
    assert e.value.code == 3000 and "group_by_field" in e.value.message
    with pytest.raises(MilvusException) as e:
        client.hybrid_search("nope", reqs, RRFRanker(), limit=5)
    assert e.value.code == 100


def test_hybrid_search_orm(client):
    data = two_vector_collection(client, "ho")
    alias = "veclite-orm-hybrid"
    connections.connect(alias, uri=URI)
    try:
        coll = Collection("ho", using=alias)
        reqs = [AnnSearchRequest(data=[data[9]["a"]], anns_field="a", param={"metric_type": "COSINE"}, limit=10),
                AnnSearchRequest(data=[data[9]["b"]], anns_field="b", param={"metric_type": "COSINE"}, limit=10)]
        res = coll.hybrid_search(reqs, RRFRanker(), limit=4, output_fields=["n"])
        assert len(res) == 1 and len(res[0]) == 4
        assert res[0][0].id == 9 and res[0][0].entity.get("n") == 9
    finally:
        connections.disconnect(alias)


def rows_schema(client):
    """The typed schema of rows(): id, vector, tag, n."""
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("tag", DataType.VARCHAR, max_length=8)
    schema.add_field("n", DataType.INT64)
    return schema


def test_group_size(client):
    schema = rows_schema(client)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection("gs", schema=schema, index_params=index)
    data = rows(90)
    client.insert("gs", data)
    q = data[0]["vector"]
    plain = client.search("gs", data=[q], limit=90, output_fields=["tag"])[0]
    for strict in (False, True):
        grouped = client.search("gs", data=[q], limit=2, group_by_field="tag", group_size=3,
                                strict_group_size=strict, output_fields=["tag"])[0]
        # The two best groups, each with its three best hits.
        best_tags = []
        for h in plain:
            if h["entity"]["tag"] not in best_tags:
                best_tags.append(h["entity"]["tag"])
        want = {t: [h["id"] for h in plain if h["entity"]["tag"] == t][:3] for t in best_tags[:2]}
        got = {}
        for h in grouped:
            got.setdefault(h["entity"]["tag"], []).append(h["id"])
        assert got == want
    with pytest.raises(MilvusException) as e:
        client.search("gs", data=[q], limit=2, group_size=3)
    assert e.value.code == 1100


def test_filter_templates(client):
    client.create_collection("tpl", dimension=DIM)
    data = rows(30)
    client.insert("tpl", data)
    got = client.query("tpl", filter="n >= {lo} and tag in {tags}", filter_params={"lo": 20, "tags": ["t0", "t1"]},
                       output_fields=["n"])
    assert sorted(r["n"] for r in got) == [i for i in range(20, 30) if i % 3 != 2]
    hits = client.search("tpl", data=[data[0]["vector"]], limit=30, filter="n < {hi}", filter_params={"hi": 5.0})[0]
    assert sorted(h["id"] for h in hits) == [0, 1, 2, 3, 4]
    assert client.delete("tpl", filter="tag == {t}", filter_params={"t": "t2"})["delete_count"] == 10
    with pytest.raises(MilvusException) as e:
        client.query("tpl", filter="n > {lo}", filter_params={"hi": 1})
    assert e.value.code == 1100 and "lo" in e.value.message


def test_async_client():
    async def run():
        c = AsyncMilvusClient(uri=URI)
        try:
            if "as" in await c.list_collections():
                await c.drop_collection("as")
            await c.create_collection("as", dimension=DIM)
            data = rows(40)
            assert (await c.insert("as", data))["insert_count"] == 40
            hits = await c.search("as", data=[data[7]["vector"]], limit=2, output_fields=["tag"])
            assert hits[0][0]["id"] == 7 and hits[0][0]["entity"]["tag"] == "t1"
            got = await c.query("as", filter="n < 3", output_fields=["n"])
            assert sorted(r["n"] for r in got) == [0, 1, 2]
            assert (await c.delete("as", filter="n < 30"))["delete_count"] == 30
            count = await c.query("as", output_fields=["count(*)"])
            assert count[0]["count(*)"] == 10
            await c.drop_collection("as")
        finally:
            await c.close()

    asyncio.run(run())


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


def test_array_fields_round_trip(client):
    schema = rows_schema(client)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=4, max_length=8)
    schema.add_field("small", DataType.ARRAY, element_type=DataType.INT8, max_capacity=3)
    schema.add_field("scores", DataType.ARRAY, element_type=DataType.DOUBLE, max_capacity=2)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection("arr", schema=schema, index_params=index)
    data = rows(6)
    for r in data:
        i = r["id"]
        r.update(tags=[f"a{i}", f"b{i % 2}"], small=[i, -i], scores=[i / 2])
    client.insert("arr", data)
    got = client.query("arr", filter='array_contains(tags, "b1")', output_fields=["tags", "small", "scores"])
    assert sorted((g["id"], g["tags"], g["small"], g["scores"]) for g in got) == [
        (i, [f"a{i}", "b1"], [i, -i], [i / 2]) for i in (1, 3, 5)]
    hits = client.search("arr", data=[data[4]["vector"]], limit=1, output_fields=["tags"])
    assert hits[0][0]["entity"]["tags"] == ["a4", "b0"]
    # No row matches: the empty result still names the array field.
    assert client.query("arr", filter="id > 100", output_fields=["tags"]) == []


@pytest.fixture
def databases(client):
    """The client, with every database but default dropped before and after the test."""

    def drop_all():
        for db in client.list_databases():
            if db != "default":
                scoped = MilvusClient(uri=URI, db_name=db)
                for name in scoped.list_collections():
                    scoped.drop_collection(name)
                scoped.close()
                client.drop_database(db)

    drop_all()
    yield client
    drop_all()


def count(c, name):
    return c.query(name, output_fields=["count(*)"])[0]["count(*)"]


def test_databases_are_separate_namespaces(databases):
    c = databases
    c.create_database("db1")
    assert c.list_databases() == ["default", "db1"]
    assert c.describe_database("db1")["name"] == "db1"
    with pytest.raises(MilvusException) as e:
        c.create_database("db1")
    assert "already exists" in e.value.message
    # The same collection name in two databases: db_name= at connection, then using_database.
    c.create_collection("same", dimension=DIM)
    c.insert("same", rows(5))
    d1 = MilvusClient(uri=URI, db_name="db1")
    d1.create_collection("same", dimension=DIM)
    d1.insert("same", rows(3, start=100))
    assert (count(c, "same"), count(d1, "same")) == (5, 3)
    assert d1.search("same", data=[rows(3, start=100)[1]["vector"]], limit=1)[0][0]["id"] == 101
    c.create_collection("only_default", dimension=DIM)
    assert sorted(c.list_collections()) == ["only_default", "same"] and d1.list_collections() == ["same"]
    c.using_database("db1")
    assert count(c, "same") == 3 and c.list_collections() == ["same"]
    c.using_database("default")
    # The ORM path names the database at connect.
    connections.connect("veclite-db1", uri=URI, db_name="db1")
    try:
        assert utility.list_collections(using="veclite-db1") == ["same"]
        assert Collection("same", using="veclite-db1").num_entities == 3
    finally:
        connections.disconnect("veclite-db1")
    with pytest.raises(MilvusException) as e:
        c.alter_database_properties("db1", {"k": "v"})
    assert e.value.code == 3000
    # A database with collections cannot be dropped; an empty one can, and is gone afterwards.
    with pytest.raises(MilvusException) as e:
        c.drop_database("db1")
    assert "not empty" in e.value.message
    d1.drop_collection("same")
    c.drop_database("db1")
    assert c.list_databases() == ["default"] and count(c, "same") == 5
    with pytest.raises(MilvusException) as e:
        d1.list_collections()
    assert e.value.code == 800
    d1.close()


def test_scalar_indexes_and_index_properties(client):
    schema = rows_schema(client)
    ip = client.prepare_index_params()
    ip.add_index("vector", index_type="FLAT", metric_type="L2")
    ip.add_index("tag", index_type="INVERTED", index_name="tag_idx")
    ip.add_index("n", index_type="STL_SORT")
    client.create_collection("scalar", schema=schema, index_params=ip)
    client.insert("scalar", rows(30))
    assert sorted(client.list_indexes("scalar")) == ["n", "tag_idx", "vector"]
    tag = client.describe_index("scalar", "tag_idx")
    assert (tag["index_type"], tag["field_name"]) == ("INVERTED", "tag") and "metric_type" not in tag
    assert client.describe_index("scalar", "n")["index_type"] == "STL_SORT"
    got = client.query("scalar", filter='tag == "t1" and n < 10', output_fields=["n"])
    assert sorted(r["n"] for r in got) == [1, 4, 7]
    # Drop, then AUTOINDEX on a scalar field: the engine's default for the type (INVERTED on VarChar).
    client.drop_index("scalar", "tag_idx")
    assert sorted(client.list_indexes("scalar")) == ["n", "vector"]
    ip = client.prepare_index_params()
    ip.add_index("tag", index_type="AUTOINDEX")
    client.create_index("scalar", ip)
    assert client.describe_index("scalar", "tag")["index_type"] == "INVERTED"
    # A second index type on an indexed field is refused, naming the field.
    ip = client.prepare_index_params()
    ip.add_index("n", index_type="BITMAP", index_name="n_bitmap")
    with pytest.raises(MilvusException) as e:
        client.create_index("scalar", ip)
    assert e.value.code == 1100 and "`n`" in e.value.message
    # Index properties: a key veclite does not know is refused with "unsupported operation".
    with pytest.raises(MilvusException) as e:
        client.alter_index_properties("scalar", "vector", {"no.such.key": "1"})
    assert e.value.code == 3000 and "no.such.key" in e.value.message
    with pytest.raises(MilvusException) as e:
        client.drop_index_properties("scalar", "vector", ["mmap.enabled"])
    assert e.value.code == 3000
    connections.connect("veclite-progress", uri=URI)
    try:
        progress = utility.index_building_progress("scalar", index_name="vector", using="veclite-progress")
        assert progress["total_rows"] == 30 and 0 <= progress["indexed_rows"] <= 30
    finally:
        connections.disconnect("veclite-progress")


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


def _packed(dtype, rng):
    """(numpy rows, query vectors) of 6 rows of the packed vector type dtype, dim 16, and the
    bytes Milvus carries a row as."""
    import numpy as np

    if dtype == DataType.BINARY_VECTOR:
        bits = [[rng.randint(0, 1) for _ in range(16)] for _ in range(6)]
        rows = [bytes(np.packbits(b).tolist()) for b in bits]
        return rows, rows
    if dtype == DataType.FLOAT16_VECTOR:
        rows = [np.array([rng.random() for _ in range(16)], dtype=np.float16) for _ in range(6)]
        return rows, [r.tobytes() for r in rows]
    if dtype == DataType.BFLOAT16_VECTOR:
        # bfloat16 bit patterns: the top 16 bits of each float32 (pymilvus takes the bytes).
        rows = [np.array([rng.random() for _ in range(16)], dtype=np.float32) for _ in range(6)]
        raw = [(r.view(np.uint32) >> 16).astype("<u2").tobytes() for r in rows]
        return raw, raw
    rows = [np.array([rng.randint(-128, 127) for _ in range(16)], dtype=np.int8) for _ in range(6)]
    return rows, [r.tobytes() for r in rows]


PACKED_METRICS = [
    (DataType.BINARY_VECTOR, "HAMMING"),
    (DataType.FLOAT16_VECTOR, "L2"),
    (DataType.FLOAT16_VECTOR, "IP"),
    (DataType.BFLOAT16_VECTOR, "COSINE"),
    (DataType.BFLOAT16_VECTOR, "L2"),
    (DataType.INT8_VECTOR, "L2"),
    (DataType.INT8_VECTOR, "IP"),
    (DataType.INT8_VECTOR, "COSINE"),
]


@pytest.mark.parametrize("dtype,metric", PACKED_METRICS, ids=[f"{d.name}-{m}" for d, m in PACKED_METRICS])
def test_packed_vectors_round_trip(client, dtype, metric):
    # Insert, upsert, query and search output, and search of each packed vector type: the
    # vectors cross the protocol as contiguous bytes and come back byte for byte.
    rng = random.Random(11)
    data, raw = _packed(dtype, rng)
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", dtype, dim=16)
    schema.add_field("n", DataType.INT64)
    index = client.prepare_index_params()
    flat = "BIN_FLAT" if dtype == DataType.BINARY_VECTOR else "FLAT"
    index.add_index("v", index_type=flat, metric_type=metric)
    client.create_collection("packed", schema=schema, index_params=index)
    fields = {f["name"]: f for f in client.describe_collection("packed")["fields"]}
    assert fields["v"]["type"] == dtype and fields["v"]["params"]["dim"] == 16
    assert client.insert("packed", [{"id": i, "v": data[i], "n": i} for i in range(5)])["insert_count"] == 5
    assert client.upsert("packed", [{"id": 5, "v": data[5], "n": 5}])["upsert_count"] == 1
    got = client.query("packed", filter="id >= 0", output_fields=["v"])
    assert {g["id"]: bytes(g["v"][0] if isinstance(g["v"], list) else g["v"]) for g in got} == dict(enumerate(raw))
    # Each stored row is its own nearest neighbour (distance 0, or the largest similarity).
    query = data[2] if dtype != DataType.BFLOAT16_VECTOR else raw[2]
    hits = client.search("packed", data=[query], anns_field="v", limit=2, output_fields=["v", "n"],
                         search_params={"metric_type": metric})
    assert len(hits[0]) == 2 and hits[0][0]["id"] == 2 and hits[0][0]["entity"]["n"] == 2
    v = hits[0][0]["entity"]["v"]
    assert bytes(v[0] if isinstance(v, list) else v) == raw[2]
    if metric in ("L2", "HAMMING"):
        assert hits[0][0]["distance"] == 0
    # No match: the empty result still names the vector field.
    assert client.query("packed", filter="id > 100", output_fields=["v"]) == []


def test_sparse_vectors_have_a_clear_status(client):
    # veclite-server does not carry sparse vectors: creating the collection, or writing one,
    # fails with a Milvus status naming the type (never a hang or a crash).
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("s", DataType.SPARSE_FLOAT_VECTOR)
    try:
        client.create_collection("sparse", schema=schema)
    except MilvusException as e:
        assert "Sparse" in str(e)
        return
    with pytest.raises(MilvusException) as e:
        client.insert("sparse", [{"id": 1, "s": {3: 0.5}}])
    assert "Sparse" in str(e.value)


def default_of(field):
    """A described field's default value: pymilvus gives Milvus's ValueField message."""
    d = field.get("default_value")
    return getattr(d, d.WhichOneof("data")) if hasattr(d, "WhichOneof") else d


def test_nullable_and_default_values(client):
    # Nullable fields take None (or no value) and return None; a defaulted field left out, or
    # given None, stores its default; describe_collection reports both.
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("note", DataType.VARCHAR, max_length=16, nullable=True)
    schema.add_field("score", DataType.DOUBLE, nullable=True)
    schema.add_field("copies", DataType.INT32, default_value=3)
    schema.add_field("label", DataType.VARCHAR, max_length=8, default_value="none", nullable=True)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4, nullable=True)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="L2")
    client.create_collection("nulls", schema=schema, index_params=index)
    fields = {f["name"]: f for f in client.describe_collection("nulls")["fields"]}
    assert fields["note"].get("nullable") is True and fields["score"].get("nullable") is True
    assert default_of(fields["copies"]) == 3 and not fields["copies"].get("nullable", False)
    assert default_of(fields["label"]) == "none" and default_of(fields["score"]) is None
    client.insert("nulls", [
        {"id": 1, "vector": [1, 0], "note": "a", "score": 1.5, "copies": 7, "label": "x", "tags": [1, 2]},
        {"id": 2, "vector": [0, 1], "note": None, "score": None, "copies": None, "label": None},
        {"id": 3, "vector": [1, 1]},
    ])
    client.upsert("nulls", [{"id": 4, "vector": [2, 2], "note": "d"}])
    got = {g["id"]: g for g in client.query("nulls", filter="id > 0",
                                            output_fields=["note", "score", "copies", "label", "tags"])}
    assert {i: (g["note"], g["score"], g["copies"], g["label"], g["tags"]) for i, g in got.items()} == {
        1: ("a", 1.5, 7, "x", [1, 2]), 2: (None, None, 3, "none", None), 3: (None, None, 3, "none", None),
        4: ("d", None, 3, "none", None)}
    assert [g["id"] for g in client.query("nulls", filter="note is null", output_fields=["id"])] in ([2, 3], [3, 2])
    hits = client.search("nulls", data=[[0, 1]], limit=4, output_fields=["note", "score"])
    by_id = {h["id"]: h["entity"] for h in hits[0]}
    assert by_id[2] == {"note": None, "score": None} and by_id[1] == {"note": "a", "score": 1.5}
