"""MilvusClient: every call and its pymilvus return shape."""

import numpy as np
import pytest

import veclite
from veclite import DataType, MilvusClient


def rows(n, dim=5, start=0):
    rng = np.random.default_rng(start)
    return [{"id": start + i, "vector": rng.random(dim).tolist(), "color": f"c{(start + i) % 3}"} for i in range(n)]


def make(client, name="demo", dim=5):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("color", DataType.VARCHAR, max_length=16)
    idx = client.prepare_index_params()
    idx.add_index(field_name="vector", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 64})
    client.create_collection(name, schema=schema, index_params=idx)
    return name


def test_quick_create_defaults_and_describe(client):
    client.create_collection("quick", dimension=4)
    assert client.has_collection("quick") and client.list_collections() == ["quick"]
    d = client.describe_collection("quick")
    assert d["collection_name"] == "quick" and d["auto_id"] is False
    names = [(f["name"], f["type"]) for f in d["fields"]]
    assert names == [("id", DataType.INT64), ("vector", DataType.FLOAT_VECTOR)]
    assert d["fields"][1]["params"] == {"dim": 4}
    assert (d["num_shards"], d["consistency_level"], d["properties"]) == (1, 2, {})
    assert client.list_indexes("quick") == ["vector"]
    idx = client.describe_index("quick", "vector")
    assert idx["metric_type"] == "COSINE" and idx["index_type"] == "HNSW" and idx["field_name"] == "vector"
    client.create_collection("q2", dimension=2, primary_field_name="pk", vector_field_name="emb", id_type="string",
                             metric_type="IP", max_length=32)
    d2 = client.describe_collection("q2")
    assert [(f["name"], f["type"]) for f in d2["fields"]] == [("pk", DataType.VARCHAR), ("emb", DataType.FLOAT_VECTOR)]
    r = client.insert("q2", [{"pk": "a", "emb": [1, 0]}, {"pk": "b", "emb": [0, 1]}])
    assert r == {"insert_count": 2, "ids": ["a", "b"]}
    hits = client.search("q2", [[1.0, 0.1]], limit=1)
    assert hits[0][0]["id"] == "a"
    client.drop_collection("q2")
    assert not client.has_collection("q2")


def test_auto_id_quick(client):
    client.create_collection("auto", dimension=3, auto_id=True)
    r = client.insert("auto", [{"vector": [0.1, 0.2, 0.3]}, {"vector": [0.3, 0.2, 0.1]}])
    assert r["insert_count"] == 2 and len(set(r["ids"])) == 2 and all(isinstance(i, int) for i in r["ids"])
    with pytest.raises(veclite.ParamError) as e:
        client.upsert("auto", [{"id": r["ids"][0], "vector": [0.1, 0.2, 0.3]}])
    assert "auto_id" in e.value.message
    with pytest.raises(veclite.MilvusException):
        client.insert("auto", [{"id": 5, "vector": [0.1, 0.2, 0.3]}])
    assert client.get_collection_stats("auto") == {"row_count": 2}


def test_insert_upsert_delete_get_query_count(client):
    make(client)
    assert client.insert("demo", rows(10)) == {"insert_count": 10, "ids": list(range(10))}
    with pytest.raises(veclite.PrimaryKeyException):
        client.insert("demo", rows(1))
    r = client.upsert("demo", rows(5, start=8))
    assert r == {"upsert_count": 5, "ids": [8, 9, 10, 11, 12]}
    assert client.get_collection_stats("demo")["row_count"] == 13
    assert client.upsert("demo", []) == {"upsert_count": 0, "ids": []}
    assert client.insert("demo", []) == {"insert_count": 0, "ids": []}
    got = client.get("demo", ids=[3, 1, 999])
    assert [g["id"] for g in got] == [3, 1]
    assert set(got[0]) == {"id", "vector", "color"} and len(got[0]["vector"]) == 5
    assert client.get("demo", 2, output_fields=["color"]) == [{"id": 2, "color": "c2"}]
    q = client.query("demo", filter='color == "c0"', output_fields=["color"])
    assert sorted(r["id"] for r in q) == [0, 3, 6, 9, 12]
    assert all(set(r) == {"id", "color"} for r in q)
    assert client.query("demo", filter="id >= 0", output_fields=["count(*)"]) == [{"count(*)": 13}]
    assert client.query("demo", filter='color in ["c1"]', output_fields=["count(*)"]) == [{"count(*)": 4}]
    page = client.query("demo", filter="id >= 0", limit=3, offset=2)
    assert len(page) == 3 and set(page[0]) == {"id", "vector", "color"}  # no output_fields: every field
    assert len(client.query("demo", ids=[1, 2])) == 2
    assert client.delete("demo", ids=[0, 1, 1000]) == {"delete_count": 2}
    assert client.delete("demo", filter="id > 10") == {"delete_count": 2}
    assert client.delete("demo", ids=5) == {"delete_count": 1}
    assert client.get_collection_stats("demo") == {"row_count": 8}
    with pytest.raises(veclite.ParamError):
        client.delete("demo")


def test_search_shapes_params_filter_partitions(client):
    make(client)
    data = rows(50)
    client.insert("demo", data)
    q = [data[7]["vector"], data[20]["vector"]]
    res = client.search("demo", q, limit=3, output_fields=["color"], search_params={"params": {"ef": 32}})
    assert len(res) == 2 and [len(h) for h in res] == [3, 3]
    top = res[0][0]
    assert top["id"] == 7 and top["distance"] == pytest.approx(0.0, abs=1e-5) and top["entity"] == {"color": "c1"}
    assert set(top) == {"id", "distance", "entity"}
    assert res[0][0]["distance"] <= res[0][1]["distance"] <= res[0][2]["distance"]  # L2 ascending
    res = client.search("demo", np.asarray(q, dtype=np.float64), limit=2, filter='color == "c2"')
    assert all(h["id"] % 3 == 2 for hits in res for h in hits) and res[1][0]["entity"] == {}
    assert client.search("demo", data[3]["vector"], limit=1)[0][0]["id"] == 3  # one flat vector
    client.create_partition("demo", "p1")
    assert client.has_partition("demo", "p1") and client.list_partitions("demo") == ["_default", "p1"]
    client.insert("demo", rows(2, start=100), partition_name="p1")
    res = client.search("demo", q, limit=5, partition_names=["p1"])
    assert sorted(h["id"] for h in res[0]) == [100, 101]
    with pytest.raises(veclite.PartitionNotExistException):
        client.search("demo", q, limit=5, partition_names=["nope"])
    flushed = client.flush("demo")
    assert flushed is None
    idx = client.describe_index("demo", "vector")
    assert idx["index_type"] == "HNSW" and idx["M"] == 8 and idx["efConstruction"] == 64
    res = client.search("demo", q, limit=1, search_params={"metric_type": "L2", "params": {"ef": 64}})
    assert res[0][0]["id"] == 7
    with pytest.raises(veclite.ParamError):
        client.search("demo", q, limit=1, search_params={"metric_type": "IP"})
    res = client.search("demo", q, limit=2, offset=1)
    assert res[0][0]["id"] != 7
    client.drop_partition("demo", "p1")
    assert not client.has_partition("demo", "p1")


def test_indexes_compact_load_release(client):
    make(client)
    client.insert("demo", rows(300))
    client.flush("demo")
    client.delete("demo", filter="id < 100")
    stats = client.compact("demo")
    assert set(stats) == {"segments_in", "segments_out", "rows_dropped"}
    assert client.get_collection_stats("demo")["row_count"] == 200
    client.drop_index("demo", "vector")
    assert client.list_indexes("demo") == []
    assert client.describe_index("demo", "vector") is None  # pymilvus returns None for a missing index
    with pytest.raises(veclite.IndexNotExistException):
        client.drop_index("demo", "vector")
    idx = client.prepare_index_params()
    idx.add_index("vector", index_type="IVF_FLAT", metric_type="IP", params={"nlist": 4})
    client.create_index("demo", idx)
    i = client.describe_index("demo", "vector")
    assert i["index_type"] == "IVF_FLAT" and i["nlist"] == 4 and i["metric_type"] == "IP"
    res = client.search("demo", [[0.5] * 5], limit=3, search_params={"params": {"nprobe": 4}})
    assert len(res[0]) == 3 and res[0][0]["distance"] >= res[0][2]["distance"]  # IP descending
    client.load_collection("demo")
    client.release_collection("demo")
    client.create_partition("demo", "p")
    client.load_partitions("demo", ["p"])
    client.release_partitions("demo", "p")
    assert client.get_load_state("demo")["state"] == veclite.LoadState.Loaded
    with pytest.raises(veclite.CollectionNotExistException):
        client.load_collection("nope")
    with pytest.raises(veclite.PartitionNotExistException):
        client.load_partitions("demo", ["nope"])
    with pytest.raises(veclite.ParamError):
        idx = client.prepare_index_params()
        idx.add_index("vector", index_type="DISKANN")
        client.create_index("demo", idx)


def test_errors_carry_code_status_message(client):
    with pytest.raises(veclite.CollectionNotExistException) as e:
        client.insert("missing", [{"id": 1, "vector": [0.0]}])
    err = e.value
    assert isinstance(err, veclite.MilvusException) and err.status == "NOT_FOUND" and err.code == 3
    assert "missing" in err.message and "code=3" in str(err)
    client.create_collection("c", dimension=2)
    with pytest.raises(veclite.AlreadyExistsException):
        client.create_collection("c", dimension=2)
    with pytest.raises(veclite.ParamError):
        client.create_collection("bad name", dimension=2)


def test_close_and_reopen_persists(tmp_path):
    uri = str(tmp_path / "p.db")
    c = MilvusClient(uri)
    make(c)
    c.insert("demo", rows(20))
    c.upsert("demo", rows(5))
    c.delete("demo", ids=[19])
    c.close()
    c.close()
    with pytest.raises(veclite.ConnectionNotExistException):
        c.list_collections()
    c2 = MilvusClient(uri)
    assert c2.list_collections() == ["demo"]
    assert c2.get_collection_stats("demo") == {"row_count": 19}
    assert c2.get("demo", [4], output_fields=["color"]) == [{"id": 4, "color": "c1"}]
    assert c2.describe_index("demo", "vector")["index_type"] == "HNSW"
    c2.close()


def test_two_clients_share_one_directory(tmp_path):
    a = MilvusClient(str(tmp_path / "d"))
    b = MilvusClient(str(tmp_path / "d"))
    a.create_collection("x", dimension=2)
    assert b.has_collection("x")
    a.close()
    assert b.list_collections() == ["x"]
    b.close()


def test_timeout_is_honoured(client):
    make(client)
    client.insert("demo", rows(10))
    with pytest.raises(veclite.MilvusTimeoutException) as e:
        client.search("demo", [[0.1] * 5], limit=1, timeout=0)
    assert e.value.status == "DEADLINE_EXCEEDED"
    with pytest.raises(veclite.MilvusTimeoutException):
        client.upsert("demo", rows(1), timeout=0)
    with pytest.raises(veclite.MilvusTimeoutException):
        client.flush("demo", timeout=0)
    assert client.get_collection_stats("demo")["row_count"] == 10
    assert client.search("demo", [[0.1] * 5], limit=1, timeout=30)[0]


def test_unknown_keys_are_refused_without_dynamic_fields(client):
    client.create_collection("quick", dimension=2, enable_dynamic_field=False)
    with pytest.raises(veclite.DataNotMatchException) as e:
        client.insert("quick", [{"id": 1, "vector": [0.1, 0.2], "color": "red"}])
    assert "`color`" in e.value.message and "row 0" in e.value.message
    assert client.get_collection_stats("quick")["row_count"] == 0


def test_collection_settings_live_in_the_catalog(tmp_path):
    path = str(tmp_path / "db")
    c = veclite.MilvusClient(path)
    c.create_collection("s", dimension=4, consistency_level="Strong",
                        properties={"mmap.enabled": True, "collection.ttl.seconds": 0, "team": "search"})
    c.alter_collection_properties("s", {"team": "ranking", "lazyload.enabled": "false"})
    c.drop_collection_properties("s", ["mmap.enabled", "never.set"])
    with pytest.raises(veclite.ParamError, match="allow_insert_auto_id"):
        c.alter_collection_properties("s", {"allow_insert_auto_id": "true", "team": "lost"})
    c.close()
    d = veclite.MilvusClient(path).describe_collection("s")
    assert d["consistency_level"] == 0 and d["num_shards"] == 1
    assert d["properties"] == {"collection.ttl.seconds": "0", "team": "ranking", "lazyload.enabled": "false"}
