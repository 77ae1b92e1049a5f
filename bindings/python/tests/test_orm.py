"""ORM of seed 000: every data form of upsert, MutationResult, Collection / Partition calls."""

import numpy as np
import pytest

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema, Partition, connections, utility

from conftest import rng_vectors


def seed_columns(n, start=0, dtype=np.float32):
    ids = list(range(start, start + n))
    return [ids, [i / 1000 for i in ids], rng_vectors(n, 8, seed=start, dtype=dtype)]


def test_seed_upsert_mutation_result(hello):
    r = hello.upsert(seed_columns(3000))
    assert (r.insert_count, r.upsert_count, r.delete_count) == (3000, 3000, 0)
    assert (r.succ_count, r.err_count, r.err_index) == (3000, 0, [])
    assert r.succ_index == list(range(3000)) and r.primary_keys == list(range(3000))
    r2 = hello.upsert(seed_columns(1500))
    assert (r2.insert_count, r2.delete_count, r2.upsert_count) == (1500, 1500, 1500)
    assert r2.timestamp > r.timestamp
    text = repr(r2)
    assert "insert count: 1500" in text and "delete count: 1500" in text and "upsert count: 1500" in text
    assert hello.num_entities == 3000
    hello.flush()
    assert hello.num_entities == 3000
    ins = hello.insert(seed_columns(2, start=5000))
    assert (ins.insert_count, ins.upsert_count, ins.primary_keys) == (2, 0, [5000, 5001])


@pytest.mark.parametrize("form", ["columns", "columns_f64", "columns_lists", "rows", "row", "dataframe"])
def test_every_data_form(hello, form):
    ids, rnd, vecs = seed_columns(4, start=10)
    if form == "columns":
        data = [ids, rnd, vecs]
    elif form == "columns_f64":
        data = [np.asarray(ids), np.asarray(rnd), vecs.astype(np.float64)]
    elif form == "columns_lists":
        data = [ids, rnd, vecs.tolist()]
    elif form == "rows":
        data = [{"ID": i, "random": r, "embeddings": v} for i, r, v in zip(ids, rnd, vecs)]
    elif form == "row":
        data = {"ID": 10, "random": 0.01, "embeddings": vecs[0].tolist()}
    else:
        pd = pytest.importorskip("pandas")
        data = pd.DataFrame({"ID": ids, "random": rnd, "embeddings": list(vecs)})
    r = hello.upsert(data)
    n = 1 if form == "row" else 4
    assert r.upsert_count == n and r.primary_keys == ids[:n]
    got = hello.query(expr="ID >= 10", output_fields=["random", "embeddings"])
    assert len(got) == n
    assert got[0]["embeddings"] == pytest.approx(vecs[0].tolist())
    assert got[0]["random"] == pytest.approx(0.01)


def test_collection_and_partition_calls(hello):
    hello.upsert(seed_columns(100))
    assert hello.name == "hello" and hello.schema.primary_field.name == "ID"
    assert [p.name for p in hello.partitions] == ["_default"]
    p = Partition(hello, "p1")
    assert [x.name for x in hello.partitions] == ["_default", "p1"]
    r = p.upsert(seed_columns(10, start=95))  # 95..99 move from _default into p1
    assert (r.upsert_count, r.delete_count) == (10, 5)
    assert p.num_entities == 10 and hello.num_entities == 105
    assert hello.query("ID in [95, 96]", output_fields=["count(*)"]) == [{"count(*)": 2}]
    assert len(p.query("ID >= 0")) == 10
    res = p.search(rng_vectors(1, 8, seed=95), "embeddings", {"metric_type": "L2"}, limit=3)
    assert all(95 <= h.id < 105 for h in res[0])
    d = p.delete("ID in [100, 101, 1]")
    assert d.delete_count == 2  # ID 1 lives in _default, not p1: exact count
    d = hello.delete("ID in [1, 2, 3000]")
    assert d.delete_count == 2 and sorted(d.primary_keys) == [1, 2]
    pi = p.insert(seed_columns(1, start=7000))
    assert pi.insert_count == 1
    hello.create_index("embeddings", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 8, "efConstruction": 40}})
    assert hello.has_index() and hello.indexes[0].params["index_type"] == "HNSW"
    hello.flush()
    res = hello.search(rng_vectors(2, 8, seed=0), "embeddings", {"metric_type": "L2", "params": {"ef": 50}}, limit=2,
                       output_fields=["random"])
    assert res[0][0].id == 0 and res[0][0].entity.get("random") == pytest.approx(0.0)
    assert len(res[0].ids) == 2 and res[0].distances[0] <= res[0].distances[1]
    hello.drop_index()
    assert not hello.has_index()
    assert utility.has_collection("hello") and utility.list_collections() == ["hello"]
    hello.drop()
    assert not utility.has_collection("hello")


def test_collection_open_existing_and_missing(hello):
    again = Collection("hello")
    assert again.schema == hello.schema
    with pytest.raises(veclite.CollectionNotExistException):
        Collection("nope")
    other = CollectionSchema([FieldSchema("k", DataType.INT64, is_primary=True),
                              FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
    with pytest.raises(veclite.ParamError):
        Collection("hello", other)
    utility.drop_collection("hello")
    assert utility.list_collections() == []


def test_varchar_pk_nullable_and_default(orm):
    schema = CollectionSchema([
        FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=10),
        FieldSchema("n", DataType.INT32, nullable=True),
        FieldSchema("d", DataType.FLOAT, default_value=1.5),
        FieldSchema("b", DataType.BOOL),
        FieldSchema("i8", DataType.INT8),
        FieldSchema("i16", DataType.INT16),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
    ])
    c = Collection("typed", schema)
    c.upsert([{"pk": "a", "b": True, "i8": -3, "i16": 300, "v": [1, 0]},
              {"pk": "b", "n": 7, "d": 2.5, "b": False, "i8": 4, "i16": -1, "v": [0, 1]}])
    got = {r["pk"]: r for r in c.query('pk in ["a", "b"]', output_fields=["*"])}
    assert got["a"]["n"] is None and got["a"]["d"] == 1.5 and got["a"]["b"] is True
    assert got["b"]["n"] == 7 and got["b"]["d"] == 2.5 and got["b"]["i16"] == -1
    d = c.delete('pk == "a"')
    assert d.delete_count == 1 and d.primary_keys == ["a"]


def test_connect_requires_uri():
    with pytest.raises(veclite.ParamError):
        connections.connect("default", host="localhost", port="19530")
    with pytest.raises(veclite.ConnectionNotExistException):
        utility.list_collections(using="nowhere")


def test_collection_consistency_level_is_recorded(orm, tmp_path):
    schema = CollectionSchema([FieldSchema("k", DataType.INT64, is_primary=True),
                               FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)])
    Collection("lvl", schema, consistency_level="Eventually")
    with pytest.raises(veclite.ParamError, match="consistency_level"):
        Collection("bad", schema, consistency_level="Strongest")
    d = veclite.MilvusClient(str(tmp_path / "orm_db")).describe_collection("lvl")
    assert d["consistency_level"] == 3 and not utility.has_collection("bad")
