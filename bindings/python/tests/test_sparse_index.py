"""SPARSE_INVERTED_INDEX and SPARSE_WAND through MilvusClient: create_index with
drop_ratio_build / inverted_index_algo, describe_index, search with drop_ratio_search, answers
equal to the exact search without drops; and pymilvus's sparse example programs, run unmodified
but for imports and the connect URI."""

import pathlib
import subprocess
import sys

import numpy as np
import pytest

import veclite
from veclite import DataType

EXAMPLES = pathlib.Path(__file__).parent / "examples"


def rows(n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        idx = rng.choice(300, size=int(rng.integers(3, 15)), replace=False)
        out.append({int(i): float(np.float32(rng.random() + 0.01)) for i in idx})
    return out


def index(client, index_type, **params):
    p = client.prepare_index_params()
    p.add_index(field_name="v", index_type=index_type, metric_type="IP", params=params)
    client.create_index("s", p)


def ids(res):
    return [[h["id"] for h in hits] for hits in res]


def test_sparse_indexes_build_describe_and_search(client):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("tag", DataType.INT64)
    schema.add_field("v", DataType.SPARSE_FLOAT_VECTOR)
    client.create_collection("s", schema=schema)
    data = rows(600, 1)
    client.insert("s", [{"id": i, "tag": i % 3, "v": r} for i, r in enumerate(data)])
    client.flush("s")
    queries = rows(5, 2)

    def search(params=None):
        sp = {"metric_type": "IP"}
        if params is not None:
            sp["params"] = params
        return client.search("s", queries, limit=8, filter="tag != 1", search_params=sp)

    exact = search()
    with pytest.raises(veclite.MilvusException) as e:
        search({"drop_ratio_search": 0.2})
    assert "drop_ratio_search" in str(e.value)

    for index_type, params in [("SPARSE_INVERTED_INDEX", {"drop_ratio_build": 0.0, "inverted_index_algo": "TAAT_NAIVE"}),
                               ("SPARSE_INVERTED_INDEX", {}),
                               ("SPARSE_WAND", {"drop_ratio_build": 0.0})]:
        index(client, index_type, **params)
        [d] = [client.describe_index("s", name) for name in client.list_indexes("s")]
        assert d["index_type"] == index_type and d["metric_type"] == "IP", d
        assert float(d["drop_ratio_build"]) == 0.0, d
        if index_type == "SPARSE_INVERTED_INDEX":
            assert d["inverted_index_algo"] == params.get("inverted_index_algo", "DAAT_MAXSCORE"), d
        got = search({"drop_ratio_search": 0.0})
        assert ids(got) == ids(exact), index_type
        assert [h["distance"] for hits in got for h in hits] == pytest.approx(
            [h["distance"] for hits in exact for h in hits], rel=1e-5)
        # Dropping the query's smaller half still answers, with exact scores.
        assert all(len(hits) > 0 for hits in search({"drop_ratio_search": 0.5}))
        client.release_collection("s")
        client.drop_index("s", client.list_indexes("s")[0])

    with pytest.raises(veclite.MilvusException) as e:
        index(client, "SPARSE_INVERTED_INDEX", inverted_index_algo="BLOCK_MAX")
    assert "inverted_index_algo" in str(e.value)
    with pytest.raises(veclite.MilvusException) as e:
        index(client, "SPARSE_WAND", drop_ratio_build=1.0)
    assert "drop_ratio_build" in str(e.value)


@pytest.mark.parametrize("name", ["sparse.py", "hello_sparse.py"])
def test_pymilvus_sparse_examples_run(tmp_path, name):
    # pymilvus's two sparse programs, unmodified but for the import and the connection line: an
    # auto_id VarChar key, SPARSE_INVERTED_INDEX with drop_ratio_build, searches with
    # drop_ratio_search given as text, queries and deletes.
    p = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "search" in p.stdout.lower(), p.stdout
