"""SPARSE_FLOAT_VECTOR fields through MilvusClient and the ORM: every accepted input form
({index: value} dicts, (index, value) pairs, scipy.sparse rows and matrices when scipy is
installed), pymilvus's result form (one {index: value} dict a row), exact inner-product search,
and the errors."""

import math
import numpy as np
import pytest

import veclite
from veclite import DataType

def make(client, name="s"):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("tag", DataType.INT64)
    schema.add_field("v", DataType.SPARSE_FLOAT_VECTOR)
    client.create_collection(name, schema=schema)
    return name


def rows(n, seed=1):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        idx = rng.choice(200, size=int(rng.integers(1, 10)), replace=False)
        out.append({int(i): float(np.float32(rng.random())) for i in idx})
    return out


def ip(a, b):
    return sum(v * b[i] for i, v in a.items() if i in b), any(i in b for i in a)


def test_round_trip_and_exact_search(client):
    make(client)
    data = rows(300)
    # Dicts, pair lists (out of order) and a mix.
    entities = []
    for i, r in enumerate(data):
        v = r if i % 2 else sorted(r.items(), reverse=True)
        entities.append({"id": i, "tag": i % 3, "v": v})
    assert client.insert("s", entities)["insert_count"] == 300
    got = client.get("s", ids=[0, 1, 7], output_fields=["v"])
    for g in got:
        assert g["v"] == data[g["id"]]
        assert list(g["v"]) == sorted(g["v"])  # pymilvus's dicts come sorted by index
    queries = rows(3, seed=2)
    for flush in (False, True):
        if flush:
            client.flush("s")
        res = client.search("s", queries, limit=5, filter="tag != 0", output_fields=["v"],
                            search_params={"metric_type": "IP"})
        assert len(res) == 3
        for q, hits in zip(queries, res):
            oracle = sorted(((ip(q, r)[0], i) for i, r in enumerate(data) if i % 3 != 0 and ip(q, r)[1]),
                            key=lambda t: (-t[0], t[1]))[:5]
            assert [h["distance"] for h in hits] == pytest.approx([s for s, _ in oracle], rel=1e-5)
            for h in hits:
                assert h["entity"]["v"] == data[h["id"]]
    # One dict alone is one query; the default metric of a sparse field is IP.
    one = client.search("s", queries[0], limit=1)
    assert len(one) == 1 and one[0][0]["distance"] > 0


def test_scipy_inputs(client):
    sp = pytest.importorskip("scipy.sparse")
    make(client)
    m = sp.csr_matrix(np.array([[0, 1.5, 0, 2.0], [0, 0, 0, 0], [3.0, 0, 0, 0]], dtype=np.float32))
    client.insert("s", [{"id": i, "tag": 0, "v": m[i]} for i in range(3)])
    assert [r["v"] for r in client.query("s", "id >= 0", output_fields=["v"])] == [{1: 1.5, 3: 2.0}, {}, {0: 3.0}]
    res = client.search("s", m[0], limit=3, search_params={"metric_type": "IP"})
    assert [h["id"] for h in res[0]] == [0] and res[0][0]["distance"] == pytest.approx(6.25)
    res = client.search("s", sp.csr_matrix(np.array([[1.0, 1.0, 0, 0], [0, 0, 0, 1.0]])), limit=3)
    assert [[h["id"] for h in hits] for hits in res] == [[2, 0], [0]]


def test_errors(client):
    make(client)
    bad = [
        ({1: 1.0, 2: math.nan}, "row 0", "finite"),
        ({2**32 - 1: 1.0}, "row 0", "2^32-1"),
        ({-1: 1.0}, "row 0", "0.."),
        ([(1, 1.0), (1, 2.0)], "row 0", "appears twice"),
        ("text", "row 0", "sparse vector"),
    ]
    for v, where, what in bad:
        with pytest.raises(veclite.MilvusException) as e:
            client.insert("s", [{"id": 0, "tag": 0, "v": v}])
        assert where in str(e.value) and what in str(e.value), str(e.value)
    assert client.query("s", "id >= 0") == []
    client.insert("s", [{"id": 1, "tag": 0, "v": {}}, {"id": 2, "tag": 0, "v": {5: -1.0, 0: 0.0}}])
    with pytest.raises(veclite.MilvusException) as e:
        client.search("s", [{1: 1.0}], limit=1, search_params={"metric_type": "L2"})
    assert "use IP" in str(e.value)
    with pytest.raises(veclite.MilvusException) as e:
        client.create_index("s", client.prepare_index_params("v", index_type="FLAT", metric_type="IP"))
    assert "SPARSE_FLOAT_VECTOR" in str(e.value) and "SPARSE_INVERTED_INDEX" in str(e.value)
    with pytest.raises(veclite.MilvusException) as e:
        client.create_collection("bad", schema=veclite.CollectionSchema([
            veclite.FieldSchema("id", DataType.INT64, is_primary=True),
            veclite.FieldSchema("v", DataType.SPARSE_FLOAT_VECTOR, dim=8),
        ]))
    assert "dim" in str(e.value)


def test_dataframe_column(client):
    pd = pytest.importorskip("pandas")
    make(client)
    df = pd.DataFrame({"id": [1, 2], "tag": [0, 1], "v": [{3: 1.0}, {4: 2.0, 1: 0.5}]})
    client.insert("s", df)
    assert [r["v"] for r in client.query("s", "id > 0", output_fields=["v"])] == [{3: 1.0}, {1: 0.5, 4: 2.0}]
