"""Every argument is honoured or refused with a ParamError naming it: never ignored
(consistency_level and timeout are the documented exceptions). Negative numbers, server URIs
and deeply nested values are clear errors, never a raw OverflowError / RecursionError."""

import inspect
import os
import sys

import numpy as np
import pytest

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema, MilvusClient, Partition, connections, utility

from conftest import rng_vectors


def refused(call, *words, exc=veclite.ParamError):
    with pytest.raises(exc) as e:
        call()
    for w in words:
        assert w in e.value.message, (w, e.value.message)
    return e.value


def make(client, name="demo", index="HNSW", params=None):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("tag", DataType.INT64)
    idx = client.prepare_index_params()
    idx.add_index("vector", index_type=index, metric_type="L2", params=params or {})
    client.create_collection(name, schema=schema, index_params=idx)
    rng = np.random.default_rng(0)
    client.insert(name, [{"id": i, "vector": rng.random(4).tolist(), "tag": i % 3} for i in range(20)])
    return name


Q = [[0.5, 0.5, 0.5, 0.5]]


# --- search -------------------------------------------------------------------------------------

@pytest.mark.parametrize("search_params, words", [
    ({"params": {"radius": "x"}}, ["radius", "must be a number", "got str"]),
    ({"params": {"range_filter": 0.1, "ef": 16}}, ["range_filter needs radius"]),
    ({"radius": 0.5, "range_filter": 0.5}, ["range_filter must be", "than radius"]),  # the flat form too
    ({"params": {"search_list": 30}}, ["search_list"]),
    ({"params": {"page_retain_order": True}}, ["page_retain_order"]),
    ({"ignore_growing": 2}, ["ignore_growing", "true or false"]),
    ({"params": {"ef": 16}, "ef": 32}, ["ef", "given twice"]),
    ({"params": {"ef": -1}}, ["ef", "at least 1"]),
    ({"params": {"ef": 2**70}}, ["ef", "at most"]),
    ({"params": {"ef": "sixteen"}}, ["ef", "number"]),
    ({"params": {"ef": "1.5"}}, ["ef", "positive integer"]),
    ({"params": {"nprobe": 4}}, ["nprobe", "IVF_FLAT", "HNSW"]),
])
def test_search_params_that_would_be_ignored_are_refused(client, search_params, words):
    make(client)
    refused(lambda: client.search("demo", Q, limit=3, search_params=search_params), *words)


@pytest.mark.parametrize("kwarg, words", [
    ({"group_by_field": "vector"}, ["group_by_field `vector`", "grouping takes"]),
    ({"group_size": 2}, ["group_size needs group_by_field"]),
    ({"strict_group_size": True}, ["strict_group_size needs group_by_field"]),
    ({"filter_params": {"t": 1}}, ["filter_params `t` is not used"]),
    ({"ranker": object()}, ["ranker"]),
    ({"hints": "iterative_filter"}, ["hints"]),
    ({"ignore_growing": 1}, ["ignore_growing must be a bool"]),
    ({"round_decimal": 7}, ["round_decimal"]),
    ({"round_decimal": 1.5}, ["round_decimal"]),
    ({"offset": -1}, ["offset", "non-negative"]),
    ({"limit": -1}, ["limit", "at least 1"]),
    ({"limit": 0}, ["limit", "at least 1"]),
    ({"timeout": -1}, ["timeout"]),
    ({"consistency_level": "Strongest"}, ["consistency_level"]),
    ({"made_up": 1}, ["made_up", "search()"]),
])
def test_search_kwargs_that_would_be_ignored_are_refused(client, kwarg, words):
    make(client)
    refused(lambda: client.search("demo", Q, **{"limit": 3, **kwarg}), *words)


def test_search_params_are_honoured(client):
    make(client)
    base = client.search("demo", Q, limit=5, search_params={"metric_type": "L2", "params": {"ef": 64}})[0]
    flat = client.search("demo", Q, limit=5, search_params={"metric_type": "L2", "ef": 64})[0]
    assert flat.ids == base.ids
    # offset as an argument or in search_params (not both), consistency levels accepted
    assert client.search("demo", Q, limit=3, offset=2, consistency_level="Strong")[0].ids == base.ids[2:5]
    assert client.search("demo", Q, limit=3, search_params={"offset": 2})[0].ids == base.ids[2:5]
    refused(lambda: client.search("demo", Q, limit=3, offset=1, search_params={"offset": 2}), "offset")
    # round_decimal rounds every distance (to the nearest float32, as Milvus returns it)
    rounded = client.search("demo", Q, limit=5, round_decimal=2)[0]
    assert rounded.distances != base.distances
    assert all(abs(r - round(d, 2)) < 1e-6 for r, d in zip(rounded.distances, base.distances))
    assert client.search("demo", Q, limit=5, round_decimal=-1)[0].distances == base.distances


def test_tuning_params_must_match_the_index(client):
    make(client, "flat", index="FLAT")
    refused(lambda: client.search("flat", Q, limit=3, search_params={"params": {"ef": 16}}),
            "`ef`", "HNSW", "`vector`", "a FLAT index")
    make(client, "ivf", index="IVF_FLAT", params={"nlist": 4})
    assert len(client.search("ivf", Q, limit=3, search_params={"params": {"nprobe": 2}})[0]) == 3
    refused(lambda: client.search("ivf", Q, limit=3, search_params={"params": {"ef": 16}}), "ef", "IVF_FLAT index")
    client.drop_index("ivf", "vector")
    refused(lambda: client.search("ivf", Q, limit=3, search_params={"params": {"nprobe": 2}}), "nprobe", "no index")


def test_orm_search_refuses_and_rounds(hello):
    hello.upsert([list(range(10)), [i / 10 for i in range(10)], rng_vectors(10, 8)])
    q = rng_vectors(1, 8, seed=3)
    refused(lambda: hello.search(q, "embeddings", {"params": {"radius": "far"}}, limit=3), "radius")
    refused(lambda: hello.search(q, "embeddings", {}, limit=3, group_by_field="random"), "group_by_field `random`")
    part = Partition(hello, "p")
    part.upsert([[100, 101], [0.1, 0.2], rng_vectors(2, 8, seed=100)])
    refused(lambda: part.search(q, "embeddings", {}, limit=3, group_by_field="random"), "grouping takes")
    refused(lambda: part.search(q, "embeddings", {"params": {"range_filter": 1.0}}, limit=3), "range_filter")
    exact = hello.search(q, "embeddings", {"metric_type": "COSINE"}, limit=3)[0]
    rounded = hello.search(q, "embeddings", {"metric_type": "COSINE"}, limit=3, round_decimal=1)[0]
    assert all(abs(r - round(d, 1)) < 1e-6 for r, d in zip(rounded.distances, exact.distances))
    assert sorted(part.search(q, "embeddings", {}, limit=3, round_decimal=1)[0].ids) == [100, 101]
    refused(lambda: hello.search(q, "embeddings", {}, limit=3, round_decimal=9), "round_decimal")


# --- query, get, negative numbers ------------------------------------------------------------------

def test_negative_and_non_integer_windows_are_refused(client):
    make(client)
    for kwargs, words in [({"limit": -5}, ["limit", "non-negative", "-5"]), ({"offset": -1}, ["offset", "-1"]),
                          ({"limit": 2**70}, ["limit", "at most"]), ({"limit": 2.5}, ["limit", "integer"]),
                          ({"offset": "3"}, ["offset", "integer"]), ({"limit": True}, ["limit", "integer"])]:
        refused(lambda: client.query("demo", "id >= 0", **kwargs), *words)
    assert len(client.query("demo", "id >= 0", limit=3, offset=2)) == 3
    assert len(client.query("demo", "id >= 0")) == 20


def test_query_by_ids_pages_and_refuses_a_filter(client):
    make(client)
    rows = client.query("demo", ids=[9, 3, 7, 1, 5], limit=2, offset=1)
    assert [r["id"] for r in rows] == [3, 7]
    assert [r["id"] for r in client.query("demo", ids=[9, 3, 7], offset=1)] == [3, 7]
    refused(lambda: client.query("demo", "tag == 1", ids=[1]), "filter", "ids")
    refused(lambda: client.query("demo", "", output_fields=["count(*)"], limit=5), "count(*)")
    assert client.query("demo", "", output_fields=["count(*)"]) == [{"count(*)": 20}]
    refused(lambda: client.get("demo", [1], limit=1), "limit", "get()")


def test_negative_dims_lengths_and_build_params_are_param_errors(client):
    refused(lambda: client.create_collection("n", dimension=-1), "dim", "non-negative")
    refused(lambda: FieldSchema("v", DataType.FLOAT_VECTOR, dim=-8), "dim", "-8")
    refused(lambda: FieldSchema("s", DataType.VARCHAR, max_length=-1), "max_length")
    refused(lambda: FieldSchema("v", DataType.FLOAT_VECTOR, dim=2**40), "dim", "at most")
    client.create_collection("q", dimension=4)
    client.drop_index("q", "vector")
    for params, words in [({"M": -1}, ["M", "non-negative"]), ({"nlist": -3}, ["nlist"]),
                          ({"efConstruction": 2**40}, ["efConstruction", "at most"])]:
        kind = "IVF_FLAT" if "nlist" in params else "HNSW"
        idx = client.prepare_index_params()
        idx.add_index("vector", index_type=kind, metric_type="L2", params=params)
        refused(lambda: client.create_index("q", idx), *words)
    refused(lambda: client.search("q", [[0.1] * 4], limit=-3), "limit")
    refused(lambda: client.flush("q", timeout=-1), "timeout")


# --- every other call ------------------------------------------------------------------------------

def client_calls(client):
    """(name, call taking **kwargs) for every MilvusClient call with **kwargs."""
    make(client)
    idx = client.prepare_index_params()
    idx.add_index("vector", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 64})
    row = {"id": 99, "vector": [0.1] * 4, "tag": 1}
    return [
        ("create_collection", lambda **k: client.create_collection("other", dimension=4, **k)),
        ("list_collections", lambda **k: client.list_collections(**k)),
        ("has_collection", lambda **k: client.has_collection("demo", **k)),
        ("describe_collection", lambda **k: client.describe_collection("demo", **k)),
        ("alter_collection_properties", lambda **k: client.alter_collection_properties("demo", {"owner": "me"}, **k)),
        ("drop_collection_properties", lambda **k: client.drop_collection_properties("demo", ["owner"], **k)),
        ("get_collection_stats", lambda **k: client.get_collection_stats("demo", **k)),
        ("load_collection", lambda **k: client.load_collection("demo", **k)),
        ("release_collection", lambda **k: client.release_collection("demo", **k)),
        ("load_partitions", lambda **k: client.load_partitions("demo", ["_default"], **k)),
        ("release_partitions", lambda **k: client.release_partitions("demo", ["_default"], **k)),
        ("get_load_state", lambda **k: client.get_load_state("demo", **k)),
        ("create_partition", lambda **k: client.create_partition("demo", "p", **k)),
        ("has_partition", lambda **k: client.has_partition("demo", "p", **k)),
        ("list_partitions", lambda **k: client.list_partitions("demo", **k)),
        ("insert", lambda **k: client.insert("demo", row, **k)),
        ("upsert", lambda **k: client.upsert("demo", row, **k)),
        ("delete", lambda **k: client.delete("demo", ids=[99], **k)),
        ("flush", lambda **k: client.flush("demo", **k)),
        ("compact", lambda **k: client.compact("demo", **k)),
        ("get_compaction_state", lambda **k: client.get_compaction_state(0, **k)),
        ("get", lambda **k: client.get("demo", [1], **k)),
        ("query", lambda **k: client.query("demo", "id < 3", **k)),
        ("search", lambda **k: client.search("demo", Q, limit=2, **k)),
        ("list_indexes", lambda **k: client.list_indexes("demo", **k)),
        ("describe_index", lambda **k: client.describe_index("demo", "vector", **k)),
        ("drop_index", lambda **k: client.drop_index("demo", "vector", **k)),
        ("create_index", lambda **k: client.create_index("demo", idx, **k)),
        ("drop_partition", lambda **k: client.drop_partition("demo", "p", **k)),
        ("drop_collection", lambda **k: client.drop_collection("demo", **k)),
    ]


def test_every_client_call_refuses_unknown_kwargs_and_accepts_consistency_level(client):
    calls = client_calls(client)
    for name, call in calls:
        refused(lambda: call(bogus_option=1), f"{name}()", "bogus_option")
        refused(lambda: call(_async=True), "_async")
    for name, call in calls:  # in order: each call works with the documented exceptions
        call(consistency_level="Strong", timeout=30)


def test_client_and_schema_arguments(client, tmp_path):
    refused(lambda: client.create_collection("c", dimension=4, num_shards=2), "num_shards", "one shard")
    refused(lambda: client.create_collection("c", dimension=4, max_length=8), "max_length", "string")
    refused(lambda: client.create_collection("c", dimension=4, properties={"collection.ttl.seconds": "ten"}),
            "collection.ttl.seconds", "non-negative integer")
    refused(lambda: client.create_collection("c", dimension=4, properties=[("mmap.enabled", True)]), "dict")
    refused(lambda: client.create_collection("c", dimension=4, partition_key_field="id"), "partition_key_field")
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    refused(lambda: client.create_collection("c", schema=schema, dimension=8), "dimension", "quick form")
    refused(lambda: client.create_collection("c", schema=schema, metric_type="L2", auto_id=True), "metric_type",
            "auto_id")
    refused(lambda: client.create_collection("c", schema=schema, enable_dynamic_field=True), "enable_dynamic_field")
    refused(lambda: client.create_collection("c", schema=client.create_schema(partition_key_field="x")),
            "partition key field x not exist")
    refused(lambda: client.create_schema(functions=[1]), "Function")
    assert not client.has_collection("c")
    client.create_collection("c", schema=schema, num_shards=1)
    # the quick form takes index_params instead of its AUTOINDEX index
    idx = client.prepare_index_params("vector", index_type="HNSW", metric_type="IP", M=8)
    client.create_collection("quick", dimension=4, index_params=idx)
    info = client.describe_index("quick", "vector")
    assert (info["index_type"], info["metric_type"], info["M"]) == ("HNSW", "IP", 8)
    refused(lambda: client.create_collection("q2", dimension=4, metric_type="L2", index_params=idx), "metric_type")
    # schema-level auto_id applies to a primary key added later, as in pymilvus
    auto = client.create_schema(auto_id=True)
    auto.add_field("pk", DataType.INT64, is_primary=True)
    auto.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    client.create_collection("auto", schema=auto)
    assert client.describe_collection("auto")["auto_id"] is True
    assert client.insert("auto", [{"v": [0.1, 0.2]}])["insert_count"] == 1
    named = client.create_schema(primary_field="nope")
    named.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    refused(lambda: client.create_collection("named", schema=named), "primary_field", "nope")
    refused(lambda: client.load_collection("c", replica_number=2), "replica_number")
    client.load_collection("c", replica_number=1)
    refused(lambda: client.compact("c", is_clustering=True), "is_clustering")
    refused(lambda: client.compact("c", target_size=64), "target_size")


@pytest.mark.parametrize("field, words", [
    (FieldSchema("x", DataType.INT64, mmap_enabled=True), ["`x`", "mmap_enabled"]),
    (FieldSchema("x", DataType.INT64, dim=4), ["`x`", "dim", "INT64"]),
    (FieldSchema("x", DataType.INT64, max_length=4), ["`x`", "max_length"]),
    (FieldSchema("x", DataType.VARCHAR, max_length=4, is_clustering_key=True), ["is_clustering_key"]),
    (FieldSchema("x", DataType.FLOAT_VECTOR, dim=4, max_length=8), ["max_length", "FLOAT_VECTOR"]),
])
def test_field_settings_veclite_would_ignore_are_refused(client, field, words):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=4)
    schema.fields.append(field)
    refused(lambda: client.create_collection("c", schema=schema), *words)
    assert not client.has_collection("c")


def test_index_params_veclite_would_ignore_are_refused(client):
    client.create_collection("q", dimension=4)
    client.drop_index("q", "vector")
    for kind, params, words in [("HNSW", {"M": 8, "nlist": 4}, ["nlist", "HNSW"]),
                                ("FLAT", {"M": 8}, ["M", "FLAT"]), ("AUTOINDEX", {"nlist": 4}, ["nlist"]),
                                ("IVF_FLAT", {"nlist": 4, "mmap.enabled": True}, ["mmap.enabled"]),
                                ("HNSW", {"M": 8, "params": {"M": 16}}, ["M", "twice"])]:
        refused(lambda: client.create_index("q", client.prepare_index_params("vector", index_type=kind,
                                                                            metric_type="L2", params=params)),
                *words)
    assert client.list_indexes("q") == []


def test_orm_calls_refuse_unknown_kwargs(hello):
    hello.upsert([[1, 2], [0.1, 0.2], rng_vectors(2, 8)])
    q = rng_vectors(1, 8)
    calls = [
        ("insert", lambda **k: hello.insert([[3], [0.3], rng_vectors(1, 8, seed=3)], **k)),
        ("upsert", lambda **k: hello.upsert([[3], [0.3], rng_vectors(1, 8, seed=3)], **k)),
        ("delete", lambda **k: hello.delete("ID == 3", **k)),
        ("query", lambda **k: hello.query("ID > 0", **k)),
        ("search", lambda **k: hello.search(q, "embeddings", {}, 2, **k)),
        ("flush", lambda **k: hello.flush(**k)),
        ("compact", lambda **k: hello.compact(**k)),
        ("load", lambda **k: hello.load(**k)),
        ("release", lambda **k: hello.release(**k)),
        ("create_index", lambda **k: hello.create_index("embeddings", {"index_type": "FLAT", "metric_type": "L2"},
                                                        **k)),
        ("has_index", lambda **k: hello.has_index(**k)),
        ("drop_index", lambda **k: hello.drop_index(**k)),
        ("create_partition", lambda **k: hello.create_partition("p", **k)),
        ("drop_partition", lambda **k: hello.drop_partition("p", **k)),
        ("utility.has_collection", lambda **k: utility.has_collection("hello", **k)),
        ("utility.list_collections", lambda **k: utility.list_collections(**k)),
        ("utility.has_partition", lambda **k: utility.has_partition("hello", "p", **k)),
        ("Collection", lambda **k: Collection("hello", **k)),
    ]
    for name, call in calls:
        refused(lambda: call(bogus_option=1), f"{name}()", "bogus_option")
    for name, call in calls:
        call(consistency_level="Bounded")
    refused(lambda: utility.drop_collection("hello", bogus_option=1), "bogus_option")
    refused(lambda: hello.load(replica_number=3), "replica_number")
    refused(lambda: hello.compact(is_clustering=True), "is_clustering")
    refused(lambda: hello.create_partition("d", description="kept nowhere"), "description")
    refused(lambda: Partition(hello, "d", description="kept nowhere"), "description")
    refused(lambda: Collection("hello", shards_num=2), "num_shards")
    refused(lambda: hello.query("", output_fields=["count(*)"], offset=1), "count(*)")
    assert not hello.has_partition("d")


def test_orm_index_params_and_names_are_honoured(hello):
    hello.create_index("embeddings", {"index_type": "HNSW", "metric_type": "L2", "M": 8, "efConstruction": 40},
                       index_name="emb")
    (info,) = hello.indexes
    assert (info.index_name, info.params["params"]["M"], info.params["params"]["efConstruction"]) == ("emb", 8, 40)
    assert hello.has_index() and hello.has_index(index_name="emb") and not hello.has_index(index_name="other")
    hello.drop_index(index_name="other")
    assert hello.has_index()
    hello.drop_index(index_name="emb")
    refused(lambda: hello.create_index("embeddings", {"index_type": "HNSW", "metric_type": "L2", "nlist": 8}),
            "nlist")
    assert not hello.has_index()


# --- URIs and connections ---------------------------------------------------------------------------

SERVER_URIS = ["localhost:19530", "127.0.0.1:19530", "[::1]:19530", "http://localhost:19530",
               "https://in01.zillizcloud.com:19538", "tcp://localhost:19530", "grpc://localhost:19530",
               "unix:/tmp/milvus.sock", "unix:///tmp/milvus.sock", "HTTP://LOCALHOST"]


def test_server_uris_are_refused_and_create_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for uri in SERVER_URIS:
        refused(lambda: MilvusClient(uri), uri, "Milvus server address", "local directory path",
                "not available in-process")
        refused(lambda: connections.connect("x", uri=uri), "Milvus server address")
    for uri in ["", "  ", "file://"]:
        refused(lambda: MilvusClient(uri), "uri is empty")
    refused(lambda: connections.connect("x", uri=""), "uri is empty")
    refused(lambda: connections.connect("x", host="localhost", port="19530"), "host", "uri=")
    refused(lambda: connections.connect("x", uri="./d", host="localhost"), "host")
    refused(lambda: connections.connect("x"), "uri=")
    assert os.listdir(tmp_path) == []
    # Milvus Lite file names are directories here.
    for uri in ["./milvus_demo.db", "milvus.db", "data/v1:2", f"file://{tmp_path}/f"]:
        MilvusClient(uri).close()
    assert sorted(os.listdir(tmp_path)) == ["data", "f", "milvus.db", "milvus_demo.db"]


def test_credentials_are_refused(tmp_path):
    d = str(tmp_path / "db")
    for kwargs, words in [({"user": "root", "password": "Milvus"}, ["user"]), ({"token": "root:Milvus"}, ["token"]),
                          ({"secure": True}, ["secure"]), ({"dedicated": True}, ["dedicated"])]:
        refused(lambda: MilvusClient(d, **kwargs), *words)
        refused(lambda: connections.connect("x", uri=d, **kwargs), *words)
    refused(lambda: MilvusClient(d, timeout=-1), "timeout")
    MilvusClient(d, db_name="default", timeout=5).close()
    connections.connect("x", uri=d, db_name="default")
    connections.disconnect("x")


# --- deeply nested values -----------------------------------------------------------------------------

def nested(depth, leaf=1, container=list):
    value = leaf
    for _ in range(depth):
        value = [value] if container is list else {"k": value}
    return value


@pytest.fixture
def jcoll(client):
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("j", DataType.JSON)
    client.create_collection("j", schema=schema)
    return client


@pytest.mark.parametrize("container", [list, dict])
def test_deep_values_are_clear_errors_never_recursion_errors(jcoll, container):
    deep = nested(10_000, container=container)
    row = {"id": 1, "vector": [0.1, 0.2], "j": {"ok": 1}}
    e = refused(lambda: jcoll.insert("j", [{**row, "j": deep}]), "field `j`", "row 0", "nests deeper",
                exc=veclite.InvalidValueException)
    assert len(e.message) < 300
    refused(lambda: jcoll.insert("j", [row, {**row, "id": 2, "extra": deep}]), "dynamic field `extra`", "row 1",
            exc=veclite.InvalidValueException)
    refused(lambda: jcoll.insert("j", [{**row, "$meta": {"extra": deep}}]), "extra", exc=veclite.InvalidValueException)
    text = "[" * 10_000 + "]" * 10_000
    refused(lambda: jcoll.insert("j", [{**row, "$meta": '{"a": ' + text + "}"}]), "`$meta`", "nests deeper",
            exc=veclite.InvalidValueException)
    refused(lambda: jcoll.insert("j", [{**row, "id": deep}]), "`id`", "row 0", exc=veclite.DataNotMatchException)
    refused(lambda: jcoll.insert("j", [{**row, "vector": deep}]), "`vector`", exc=veclite.MilvusException)
    refused(lambda: jcoll.search("j", deep, limit=1), "search vectors")
    cyclic = []
    cyclic.append(cyclic)
    refused(lambda: jcoll.insert("j", [{**row, "j": cyclic}]), "nests deeper", exc=veclite.InvalidValueException)
    assert jcoll.get_collection_stats("j")["row_count"] == 0
    # Nesting within the bound is stored and read back.
    jcoll.insert("j", [{**row, "j": nested(20, container=container)}])
    assert jcoll.get("j", [1])[0]["j"] == nested(20, container=container)


def test_deep_json_text_is_refused_or_read_back_as_a_clear_error(jcoll):
    row = {"id": 1, "vector": [0.1, 0.2], "j": "[" * 10_000 + "]" * 10_000}  # JSON text goes to the core as is
    try:
        jcoll.insert("j", [row])
    except veclite.MilvusException as e:
        assert "j" in e.message
        return
    refused(lambda: jcoll.get("j", [1]), "field `j`", "row 0", exc=veclite.InvalidValueException)
    refused(lambda: jcoll.query("j", "id == 1", output_fields=["j"]), "field `j`", exc=veclite.InvalidValueException)


def test_reads_past_the_recursion_limit_are_clear_errors(jcoll):
    jcoll.insert("j", [{"id": 1, "vector": [0.1, 0.2], "j": nested(60), "deep_key": nested(60)}])
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(60 + len(inspect.stack()))
    try:
        refused(lambda: jcoll.get("j", [1]), "row 0", "cannot be converted to Python", exc=veclite.InvalidValueException)
    finally:
        sys.setrecursionlimit(limit)
    assert jcoll.get("j", [1])[0]["deep_key"] == nested(60)


#: The core's message for a build parameter HNSW does not read; the Go package's
#: TestIndexParamErrorsComeFromTheLibrary expects the same text.
CORE_INDEX_PARAM_ERROR = "not supported: index param `nlist` for HNSW (HNSW reads M and efConstruction)"


def test_index_param_errors_come_from_the_core(client):
    client.create_collection("q", dimension=4)
    client.drop_index("q", "vector")
    idx = client.prepare_index_params("vector", index_type="HNSW", metric_type="L2", M=8, nlist=16)
    e = refused(lambda: client.create_index("q", idx), exc=veclite.FeatureNotSupportedException)
    assert (e.status, e.message) == ("UNSUPPORTED", CORE_INDEX_PARAM_ERROR)
    idx = client.prepare_index_params("vector", index_type="hnsw", metric_type="l2", M=1)
    e = refused(lambda: client.create_index("q", idx))
    assert (e.status, e.message) == ("INVALID_ARGUMENT", "invalid argument: M out of range: [2, 2048], got 1")
    assert client.list_indexes("q") == []
    # Names in any case; describe reports what was given with the defaults the core filled in.
    client.create_index("q", client.prepare_index_params("vector", index_type="hnsw", metric_type="ip", M=8))
    info = client.describe_index("q", "vector")
    assert (info["index_type"], info["metric_type"], info["M"], info["efConstruction"]) == ("HNSW", "IP", 8, 360)
