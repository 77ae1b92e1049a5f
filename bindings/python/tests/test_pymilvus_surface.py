"""pymilvus's names, module paths and behaviours that programs written for pymilvus call:
top-level names and helpers, deep module paths (``veclite.client.types``, ...),
``install_as_pymilvus``, schema functions, ``Index`` objects, load states, replicas, server
version, properties, ``AsyncMilvusClient``."""

import asyncio
import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import veclite
from veclite import DataType, MilvusClient


def run_python(code, cwd):
    """Runs ``code`` in a fresh interpreter (import order and sys.modules start clean)."""
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def quick(client, name="c", dim=4, rows=6):
    client.create_collection(name, dimension=dim, metric_type="L2")
    rng = np.random.default_rng(7)
    data = [{"id": i, "vector": rng.random(dim).astype(np.float32), "tag": i % 2} for i in range(rows)]
    client.insert(name, data)
    return data


# --- names and module paths --------------------------------------------------------------------


def test_top_level_names_are_pymilvus_names():
    for name in ("Function", "FunctionType", "AnnSearchRequest", "RRFRanker", "WeightedRanker", "LoadState",
                 "IndexType", "Index", "AsyncMilvusClient", "list_collections", "has_collection",
                 "drop_collection", "has_partition", "loading_progress", "wait_for_loading_complete",
                 "index_building_progress", "wait_for_index_building_complete", "install_as_pymilvus", "Shard"):
        assert hasattr(veclite, name), name
        assert name in veclite.__all__, name
    assert veclite.LoadState.Loaded == 3 and str(veclite.LoadState.Loaded) == "Loaded"
    assert repr(veclite.IndexType.IVF_FLAT) == "<IndexType: IVFLAT>" and veclite.IndexType.HNSW == 11
    assert veclite.FunctionType.BM25 == 1


def test_deep_module_paths_import_in_a_fresh_interpreter(tmp_path):
    out = run_python("""
        from veclite.orm.types import infer_dtype_bydata
        from veclite.client.types import LoadState, DataType, IndexType, FunctionType
        from veclite.client.abstract import BaseRanker, AnnSearchRequest
        from veclite.milvus_client.index import IndexParams
        from veclite.milvus_client.milvus_client import MilvusClient
        from veclite.milvus_client import AsyncMilvusClient
        from veclite.orm.schema import CollectionSchema, FieldSchema, Function
        from veclite.orm.collection import Collection
        from veclite.orm.connections import connections
        from veclite.orm import utility
        import veclite.orm.utility as u
        import veclite
        assert MilvusClient is veclite.MilvusClient and IndexParams is veclite.IndexParams
        assert issubclass(veclite.RRFRanker, BaseRanker) and LoadState is veclite.LoadState
        assert u.list_collections == veclite.list_collections
        assert utility is veclite.utility and connections is veclite.connections
        print(infer_dtype_bydata([1.0, 2.0]).name, infer_dtype_bydata("x").name)
    """, tmp_path)
    assert out.split() == ["FLOAT_VECTOR", "VARCHAR"]


def test_install_as_pymilvus_registers_the_pymilvus_names(tmp_path):
    out = run_python("""
        import sys
        import pymilvus as real  # the real package is installed next to veclite in the test venv
        import veclite
        veclite.install_as_pymilvus()
        import pymilvus
        from pymilvus import MilvusClient, AsyncMilvusClient, Function, FunctionType, DataType
        from pymilvus.client.types import LoadState
        from pymilvus.client.abstract import BaseRanker
        from pymilvus.milvus_client.index import IndexParams
        from pymilvus.orm.types import infer_dtype_bydata
        from pymilvus.exceptions import MilvusException
        assert pymilvus is veclite and pymilvus is not real
        assert MilvusClient is veclite.MilvusClient and MilvusException is veclite.MilvusException
        assert sys.modules["pymilvus.client.types"] is sys.modules["veclite.client.types"]
        # No module of the real pymilvus is left registered.
        assert all(m.__name__.startswith("veclite") for n, m in sys.modules.items()
                   if n.startswith("pymilvus") and m is not None)
        try:
            import pymilvus.bulk_writer
        except ModuleNotFoundError as e:
            print("not provided:", e.name)
        c = MilvusClient("./db")
        c.create_collection("c", dimension=2)
        print(c.list_collections(), LoadState(c.get_load_state("c")["state"]).name)
    """, tmp_path)
    assert out.splitlines() == ["not provided: pymilvus.bulk_writer", "['c'] Loaded"]


def test_infer_dtype_bydata_matches_pymilvus():
    ours = veclite.orm.types.infer_dtype_bydata
    ref = pytest.importorskip("pymilvus.orm.types").infer_dtype_bydata
    samples = [1, 1.5, np.float32(1.5), np.float64(2), True, "s", b"\x01", None, np.int32(3), np.int16(3),
               np.int8(3), {"a": 1}, [1.0, 2.0], [1, 2], [1, 2.5], ["a", "b"], [True, False], [],
               np.zeros(4, dtype=np.float32), np.zeros(4, dtype=np.int64), np.array(["a"]), [1, "a"], ["a", 1.0],
               [{"a": 1}], (0.5, 0.25)]
    for s in samples:
        assert ours(s).name == ref(s).name, s


# --- schema functions --------------------------------------------------------------------------


def test_bm25_function_constructs_and_is_refused_clearly(client):
    fn = veclite.Function("bm25", veclite.FunctionType.BM25, input_field_names="text",
                          output_field_names="sparse")
    assert (fn.input_field_names, fn.output_field_names, fn.type) == (["text"], ["sparse"], veclite.FunctionType.BM25)
    with pytest.raises(veclite.ParamError, match="unknown function type"):
        veclite.Function("f", 99, "a")
    with pytest.raises(veclite.ParamError, match="both input and output"):
        veclite.Function("f", veclite.FunctionType.BM25, "a", "a")
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=100)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.verify()  # fine without a function
    schema.add_function(fn)
    assert schema.to_dict()["functions"][0]["name"] == "bm25"
    with pytest.raises(veclite.FeatureNotSupportedException, match=r"function `bm25` \(BM25\).*not supported"):
        schema.verify()
    with pytest.raises(veclite.FeatureNotSupportedException, match="function `bm25`"):
        client.create_collection("docs", schema=schema)
    assert not client.has_collection("docs")
    assert veclite.CollectionSchema(schema.fields, functions=[fn]).functions == [fn]


def test_schema_verify_names_the_problem(client):
    schema = client.create_schema()
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    with pytest.raises(veclite.ParamError, match="primary key"):
        schema.verify()


def test_create_schema_auto_id_is_honoured(client):
    schema = client.create_schema(auto_id=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    client.create_collection("a", schema=schema)
    assert client.describe_collection("a")["auto_id"] is True
    ids = client.insert("a", [{"v": [0.1, 0.2]}, {"v": [0.3, 0.4]}])["ids"]
    assert len(set(ids)) == 2


# --- MilvusClient --------------------------------------------------------------------------------


def test_drop_missing_collection_succeeds_as_in_milvus(client, orm):
    client.drop_collection("never_created")
    veclite.utility.drop_collection("never_created")
    veclite.drop_collection("never_created")


def test_query_without_output_fields_returns_every_field(client):
    data = quick(client)
    (row,) = client.query("c", filter="id == 3")
    assert set(row) == {"id", "vector", "tag"} and row["tag"] == 1
    assert np.allclose(row["vector"], data[3]["vector"])
    assert client.query("c", filter="id == 3", output_fields=["tag"]) == [{"id": 3, "tag": 1}]


def test_delete_by_pks_as_pymilvus_spells_it(client):
    quick(client)
    assert client.delete("c", pks=[1, 2]) == {"delete_count": 2}
    assert client.delete("c", ids=4, pks=5) == {"delete_count": 2}
    assert sorted(r["id"] for r in client.query("c", filter="", output_fields=["id"], limit=10)) == [0, 3]
    with pytest.raises(veclite.ParamError, match="not both"):
        client.delete("c", pks=[0], filter="id > 0")


def test_server_version_replica_partition_stats_refresh_load(client):
    quick(client)
    assert client.get_server_version() == veclite.__version__
    assert client.get_server_version(detail=True) == {"version": veclite.__version__, "deploy_mode": "EMBEDDED"}
    (replica,) = client.describe_replica("c")
    assert replica.id == 1 and replica.group_nodes == (1,) and len(replica.shards) == 1
    client.create_partition("c", "p")
    client.insert("c", [{"id": 100, "vector": [0.0] * 4, "tag": 0}], partition_name="p")
    assert client.get_partition_stats("c", "p") == {"row_count": 1}
    assert client.get_partition_stats("c", "_default") == {"row_count": 6}
    with pytest.raises(veclite.PartitionNotExistException):
        client.get_partition_stats("c", "nope")
    client.refresh_load("c")
    with pytest.raises(veclite.CollectionNotExistException):
        client.refresh_load("nope")
    with pytest.raises(veclite.CollectionNotExistException):
        client.describe_replica("nope")
    assert client.get_load_state("c") == {"state": veclite.LoadState.Loaded}


def test_collection_and_index_properties_are_stored(client):
    quick(client)
    client.alter_collection_properties("c", {"mmap.enabled": True})
    assert client.describe_collection("c")["properties"]["mmap.enabled"] == "True"
    client.drop_collection_properties("c", ["mmap.enabled"])
    assert "mmap.enabled" not in client.describe_collection("c")["properties"]
    client.alter_index_properties("c", "vector", {"mmap.enabled": True})
    assert client.describe_index("c", "vector")["mmap.enabled"] == "True"
    client.drop_index_properties("c", "vector", ["mmap.enabled"])
    assert "mmap.enabled" not in client.describe_index("c", "vector")
    with pytest.raises(veclite.MilvusException, match="warmup is not configable index param"):
        client.alter_index_properties("c", "vector", {"warmup": "sync"})
    with pytest.raises(veclite.MilvusException, match="invalid mmap.enabled value"):
        client.alter_index_properties("c", "vector", {"mmap.enabled": "maybe"})
    with pytest.raises(veclite.IndexNotExistException):
        client.alter_index_properties("c", "nope", {"mmap.enabled": True})


def test_client_using_alias_opens_orm_collections(tmp_path):
    client = MilvusClient(str(tmp_path / "db"))
    quick(client)
    coll = veclite.Collection("c", using=client._using)
    assert coll.num_entities == 6
    client.close()
    with pytest.raises(veclite.ConnectionNotExistException):
        veclite.Collection("c", using=client._using)
    # The directory is free again: another client with other options may open it.
    other = MilvusClient(str(tmp_path / "db"), sync_policy="none")
    assert other.has_collection("c")
    other.close()


# --- ORM ---------------------------------------------------------------------------------------


def test_collection_indexes_are_index_objects(hello):
    with pytest.raises(veclite.IndexNotExistException):
        hello.index()
    hello.create_index("embeddings", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 8}},
                       index_name="emb")
    (index,) = hello.indexes
    assert isinstance(index, veclite.Index)
    assert (index.field_name, index.index_name, index.collection_name) == ("embeddings", "emb", "hello")
    assert index.params["index_type"] == "HNSW" and index.params["metric_type"] == "L2"
    assert index.params["params"]["M"] == 8
    assert hello.index() == index and hello.index(index_name="emb") == index
    assert index.to_dict()["index_param"] == index.params
    with pytest.raises(veclite.IndexNotExistException):
        hello.index(index_name="other")
    index.drop()
    assert hello.indexes == []
    made = veclite.Index(hello, "embeddings", {"index_type": "FLAT", "metric_type": "IP"})
    assert made.index_name == "embeddings" and hello.index().params["metric_type"] == "IP"


def test_collection_set_properties(hello):
    hello.set_properties({"mmap.enabled": False})
    from veclite.orm import connections

    described = connections._get("default").describe("hello")
    assert dict(described["properties"])["mmap.enabled"] == "False"
    with pytest.raises(veclite.ParamError, match="collection.ttl.seconds"):
        hello.set_properties({"collection.ttl.seconds": "-1"})


def test_utility_helpers(hello):
    rng = np.random.default_rng(1)
    hello.insert([list(range(50)), rng.random(50).tolist(), rng.random((50, 8)).astype(np.float32)])
    hello.flush()
    hello.create_index("embeddings", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 4}})
    assert veclite.utility.wait_for_index_building_complete("hello", timeout=20) is True
    progress = veclite.index_building_progress("hello")
    assert progress["indexed_rows"] == progress["total_rows"] == 50 and progress["pending_index_rows"] == 0
    assert veclite.loading_progress("hello") == {"loading_progress": "100%"}
    veclite.wait_for_loading_complete("hello", partition_names=["_default"])
    with pytest.raises(veclite.PartitionNotExistException):
        veclite.loading_progress("hello", ["nope"])
    assert veclite.utility.load_state("hello") == veclite.LoadState.Loaded
    assert veclite.utility.load_state("nope") == veclite.LoadState.NotExist
    assert veclite.utility.list_indexes("hello") == ["embeddings"]
    assert veclite.list_collections() == ["hello"] and veclite.has_collection("hello")
    assert veclite.has_partition("hello", "_default")
    veclite.utility.create_alias("hello", "hi")
    assert veclite.utility.list_aliases("hello") == ["hi"]
    veclite.utility.drop_alias("hi")
    assert veclite.utility.get_server_version() == veclite.__version__


# --- AsyncMilvusClient -------------------------------------------------------------------------


def test_async_client_runs_calls_off_the_loop(tmp_path):
    async def main():
        async with veclite.AsyncMilvusClient(str(tmp_path / "db")) as client:
            assert inspect.iscoroutinefunction(client.insert) and inspect.iscoroutinefunction(client.search)
            schema = client.create_schema(auto_id=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
            index = client.prepare_index_params()
            index.add_index("v", "FLAT", metric_type="L2")
            await client.create_collection("c", schema=schema, index_params=index)
            r = await client.insert("c", [{"id": i, "v": [float(i), 0.0]} for i in range(20)])
            assert r["insert_count"] == 20
            searches = [client.search("c", [[float(q), 0.0]], limit=1) for q in range(5)]
            results = await asyncio.gather(*searches)
            assert [res[0][0]["id"] for res in results] == [0, 1, 2, 3, 4]
            assert await client.delete("c", ids=[0]) == {"delete_count": 1}
            rows = await client.query("c", filter="id < 3", output_fields=["id"])
            assert sorted(r["id"] for r in rows) == [1, 2]
            assert await client.get_server_version() == veclite.__version__
            with pytest.raises(AttributeError):
                client.no_such_method
            with pytest.raises(veclite.CollectionNotExistException):
                await client.describe_collection("nope")

    asyncio.run(main())


def test_describe_collection_lists_aliases(client):
    quick(client)
    assert client.describe_collection("c")["aliases"] == []
    client.create_alias("c", "b_alias")
    client.create_alias("c", "a_alias")
    assert client.describe_collection("c")["aliases"] == ["a_alias", "b_alias"]
    assert client.describe_collection("a_alias") == client.describe_collection("c")
