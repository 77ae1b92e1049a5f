"""Differential test: one fixed-seed workload run on veclite and on Milvus Lite (pymilvus
``MilvusClient``), results compared.

Both sides get the same schema (``id`` Int64 key, ``tag`` Int64, ``score`` Double, ``name``
VarChar, ``v`` FloatVector), a FLAT index (exact search) per metric, and the same sequence of
inserts, upserts (half overwrites, half new keys), deletes by key and by filter. After every step
the test compares what veclite and Milvus agree on: ``count(*)`` (with and without a filter), the
keys and values a query returns, ``get`` by key (deleted keys included), the write results
(``insert_count`` / ``upsert_count`` / ``ids``), and top-k search results (ids and distances
within float tolerance, with and without a filter). Milvus Lite's distance conventions, checked
by running it: L2 is the squared distance, IP the inner product, COSINE the cosine similarity;
veclite must report the same numbers.

Where veclite deliberately differs from Milvus, the ``test_difference_*`` tests assert veclite's
behaviour and name the difference (docs/semantics.md).

Milvus Lite and pymilvus are pinned in ``tests/requirements-milvus-lite.txt`` and installed by
``make test-python``; without them every test here fails, saying how to install them.
"""

import math

import numpy as np
import pytest

import veclite

try:
    import milvus_lite  # noqa: F401  (pymilvus runs a local *.db path through it)
    import pymilvus
except ImportError as e:  # reported by the `pair` fixture, so the tests fail instead of skipping
    pymilvus = None
    _IMPORT_ERROR = e

SEED = 20240601
DIM = 16
TOPK = 10
METRICS = ("L2", "IP", "COSINE")
TOL = 1e-4


# --- both engines ---------------------------------------------------------------------------


def _schema(client, module):
    """The differential schema, built with ``client``'s own API (``module`` gives ``DataType``)."""
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", module.DataType.INT64, is_primary=True)
    s.add_field("tag", module.DataType.INT64)
    s.add_field("score", module.DataType.DOUBLE)
    s.add_field("name", module.DataType.VARCHAR, max_length=32)
    s.add_field("v", module.DataType.FLOAT_VECTOR, dim=DIM)
    return s


def _create(client, module, metric):
    """Creates collection ``c_<metric>`` with a FLAT index of that metric."""
    index = client.prepare_index_params()
    index.add_index(field_name="v", index_type="FLAT", metric_type=metric)
    client.create_collection(f"c_{metric}", schema=_schema(client, module), index_params=index,
                             consistency_level="Strong")
    return f"c_{metric}"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """``(veclite client, Milvus Lite client)``, each with one collection per metric."""
    if pymilvus is None:
        pytest.fail(
            "pymilvus / milvus-lite are not installed, so the differential test cannot run: "
            "`pip install -r bindings/python/tests/requirements-milvus-lite.txt` "
            f"(`make test-python` does it). Import error: {_IMPORT_ERROR}",
            pytrace=False,
        )
    root = tmp_path_factory.mktemp("differential")
    ours = veclite.MilvusClient(str(root / "veclite_db"))
    theirs = pymilvus.MilvusClient(str(root / "milvus_lite.db"))
    for metric in METRICS:
        _create(ours, veclite, metric)
        _create(theirs, pymilvus, metric)
    yield ours, theirs
    ours.close()
    theirs.close()


# --- data -----------------------------------------------------------------------------------


def _rows(ids, rng):
    """Rows with fresh random values for ``ids``; vectors are float32, doubles have full precision."""
    vectors = rng.standard_normal((len(ids), DIM)).astype(np.float32)
    return [
        {"id": int(i), "tag": int(rng.integers(0, 5)), "score": float(rng.random()), "name": f"n{i}-{rng.integers(99)}",
         "v": vectors[k]}
        for k, i in enumerate(ids)
    ]


def _workload():
    """The fixed-seed steps: ``(kind, argument)`` with kind insert / upsert / delete_ids / delete_filter."""
    rng = np.random.default_rng(SEED)
    steps = [("insert", _rows(range(0, 400), rng))]
    steps.append(("upsert", _rows(range(200, 600), rng)))  # 200 overwrites, 200 new keys
    steps.append(("delete_ids", [int(i) for i in rng.choice(700, 60, replace=False)]))  # some absent
    steps.append(("delete_filter", "tag == 3 and score < 0.5"))
    steps.append(("upsert", _rows(sorted(int(i) for i in rng.choice(800, 150, replace=False)), rng)))
    steps.append(("insert", _rows(range(800, 900), rng)))
    return steps, rng.standard_normal((12, DIM)).astype(np.float32)


# --- comparisons ----------------------------------------------------------------------------

FILTERS = ["", "tag in [1, 2]", "score > 0.25 and tag != 4", 'name like "n1%"']


def _plain(row):
    """A result row as plain Python values (vectors as float lists), for comparison."""
    out = {}
    for k, val in dict(row).items():
        if isinstance(val, (list, tuple, np.ndarray)):
            val = [float(x) for x in val]
        out[k] = val
    return out


def _by_id(rows):
    return sorted((_plain(r) for r in rows), key=lambda r: r["id"])


def _count(client, name, expr):
    return client.query(name, filter=expr, output_fields=["count(*)"])[0]["count(*)"]


def _check_reads(ours, theirs, name, live):
    """count(*), query and get agree, and match the expected live rows ``live`` (id -> row)."""
    for expr in FILTERS:
        assert _count(ours, name, expr) == _count(theirs, name, expr), f"count(*) where {expr!r}"
    assert _count(ours, name, "") == len(live)
    for expr in FILTERS[1:]:
        fields = ["tag", "score", "name"]
        a = _by_id(ours.query(name, filter=expr, output_fields=fields))
        b = _by_id(theirs.query(name, filter=expr, output_fields=fields))
        assert a == b, f"query where {expr!r}"
    probe = sorted(live)[::37] + [5000, 650]  # some live keys and keys that never existed / were deleted
    a = _by_id(ours.get(name, ids=probe, output_fields=["tag", "score", "name", "v"]))
    b = _by_id(theirs.get(name, ids=probe, output_fields=["tag", "score", "name", "v"]))
    assert a == b
    assert [r["id"] for r in a] == sorted(i for i in probe if i in live)
    for r in a:
        want = live[r["id"]]
        assert (r["tag"], r["score"], r["name"]) == (want["tag"], want["score"], want["name"])
        assert r["v"] == [float(x) for x in want["v"]]


def _same_hits(a, b, what):
    """Equal distances (within TOL) rank by rank, and equal ids and entities wherever the ids
    agree. Ids may differ only where the distances are equal, i.e. between tied rows."""
    assert len(a) == len(b), what
    da = [h["distance"] for h in a]
    db = [h["distance"] for h in b]
    assert np.allclose(da, db, rtol=TOL, atol=TOL), f"{what}: distances {da} vs {db}"
    same = [x["id"] == y["id"] for x, y in zip(a, b)]
    assert sum(same) >= len(a) - 2, f"{what}: ids {[h['id'] for h in a]} vs {[h['id'] for h in b]}"
    for x, y, eq in zip(a, b, same):
        if eq:
            assert _plain(x["entity"]) == _plain(y["entity"]), f"{what}: entity of {x['id']}"


def _expected_distance(metric, q, v):
    v = np.asarray(v, dtype=np.float64)
    q = q.astype(np.float64)
    if metric == "L2":
        return float(((q - v) ** 2).sum())
    if metric == "IP":
        return float(q @ v)
    return float(q @ v / (np.linalg.norm(q) * np.linalg.norm(v)))


def _check_search(ours, theirs, name, metric, queries, live):
    for expr in ["", "tag in [0, 1]", "score < 0.3"]:
        a = ours.search(name, queries, limit=TOPK, filter=expr, output_fields=["tag", "score"],
                        search_params={"metric_type": metric})
        b = theirs.search(name, queries, limit=TOPK, filter=expr, output_fields=["tag", "score"],
                          search_params={"metric_type": metric})
        assert len(a) == len(b) == len(queries)
        for qi, (ha, hb) in enumerate(zip(a, b)):
            _same_hits(list(ha), list(hb), f"{metric} query {qi} filter {expr!r}")
            for h in ha:  # the distance convention, independently of Milvus Lite
                want = _expected_distance(metric, queries[qi], live[h["id"]]["v"])
                assert math.isclose(h["distance"], want, rel_tol=1e-3, abs_tol=1e-3)


def _apply(client, name, kind, arg):
    """Runs one step; returns the write result."""
    if kind == "insert":
        return client.insert(name, arg)
    if kind == "upsert":
        return client.upsert(name, arg)
    if kind == "delete_ids":
        return client.delete(name, ids=arg)
    return client.delete(name, filter=arg)


def _deleted(live, kind, arg):
    """Applies a delete step to the model ``live``; returns the keys really deleted."""
    if kind == "delete_ids":
        gone = [i for i in arg if i in live]
    else:
        gone = [i for i, r in live.items() if r["tag"] == 3 and r["score"] < 0.5]
    for i in gone:
        del live[i]
    return gone


# --- the differential workload --------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
def test_same_workload_same_results(pair, metric):
    ours, theirs = pair
    name = f"c_{metric}"
    steps, queries = _workload()
    live = {}
    for kind, arg in steps:
        ra = _apply(ours, name, kind, arg)
        rb = _apply(theirs, name, kind, arg)
        if kind in ("insert", "upsert"):
            key = f"{kind}_count"
            assert ra == {key: rb[key], "ids": list(rb["ids"])}, kind  # pymilvus also has "cost"
            live.update({r["id"]: r for r in arg})
        else:
            gone = _deleted(live, kind, arg)
            # Difference (docs/semantics.md: delete_count is exact): veclite counts rows really
            # deleted; Milvus Lite's MilvusClient returns the keys it was sent (by ids) or matched.
            assert ra == {"delete_count": len(gone)}
            if kind == "delete_filter":
                assert sorted(rb) == sorted(gone)
        _check_reads(ours, theirs, name, live)
        _check_search(ours, theirs, name, metric, queries, live)
    ours.flush(name)
    theirs.flush(name)
    _check_reads(ours, theirs, name, live)
    _check_search(ours, theirs, name, metric, queries, live)
    # output_fields=["*"]: every field, the key and the vector included.
    a = ours.search(name, queries[:3], limit=TOPK, output_fields=["*"])
    b = theirs.search(name, queries[:3], limit=TOPK, output_fields=["*"])
    for qi, (ha, hb) in enumerate(zip(a, b)):
        assert all(set(h["entity"]) == {"id", "tag", "score", "name", "v"} for h in ha)
        _same_hits(list(ha), list(hb), f"{metric} query {qi} output_fields=['*']")


def test_distance_conventions(pair):
    """L2 is the squared distance, IP the inner product, COSINE the cosine similarity, on both."""
    ours, theirs = pair
    q = np.array([[3.0] + [0.0] * (DIM - 1)], dtype=np.float32)
    row = {"id": 10_000, "tag": 9, "score": 0.0, "name": "x", "v": np.array([1.0] * DIM, dtype=np.float32)}
    for metric, want in (("L2", 4.0 + (DIM - 1)), ("IP", 3.0), ("COSINE", 1 / math.sqrt(DIM))):
        for client in (ours, theirs):
            client.upsert(f"c_{metric}", [row])
            hit = client.search(f"c_{metric}", q, limit=1, filter="tag == 9")[0][0]
            assert hit["id"] == 10_000 and math.isclose(hit["distance"], want, rel_tol=1e-5), (metric, client)
            client.delete(f"c_{metric}", ids=[10_000])


# --- deliberate differences (veclite's behaviour asserted) ------------------------------------


def _fresh(client, module, name):
    index = client.prepare_index_params()
    index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=_schema(client, module), index_params=index)
    return name


def test_difference_insert_existing_key_is_rejected(pair):
    """Difference: insert enforces the key. veclite raises DUPLICATE_PRIMARY_KEY
    (PrimaryKeyException) and writes nothing; Milvus accepts an insert of an existing key."""
    ours, _ = pair
    name = _fresh(ours, veclite, "dup_insert")
    rows = _rows(range(3), np.random.default_rng(1))
    ours.insert(name, rows)
    with pytest.raises(veclite.PrimaryKeyException):
        ours.insert(name, _rows([2, 3], np.random.default_rng(2)))
    assert _count(ours, name, "") == 3 and ours.get(name, ids=[3]) == []
    with pytest.raises(veclite.PrimaryKeyException):
        ours.insert(name, _rows([7, 7], np.random.default_rng(3)))


def test_difference_duplicate_keys_in_one_upsert_are_rejected(pair):
    """Difference (with Milvus Lite 3, which keeps both; Milvus ≥ 2.6.7 rejects the batch too):
    a key repeated inside one upsert batch is DUPLICATE_PRIMARY_KEY and nothing is written."""
    ours, _ = pair
    name = _fresh(ours, veclite, "dup_upsert")
    with pytest.raises(veclite.PrimaryKeyException):
        ours.upsert(name, _rows([4, 5, 4], np.random.default_rng(4)))
    assert _count(ours, name, "") == 0


def test_difference_upsert_moves_key_across_partitions(pair):
    """Difference: upsert keeps the key unique per collection. Upserting into partition B a key
    that lives in A moves the row to B; Milvus scopes the delete to B and can keep both rows."""
    ours, _ = pair
    name = _fresh(ours, veclite, "parts")
    ours.create_partition(name, "A")
    ours.create_partition(name, "B")
    first, second = _rows([5], np.random.default_rng(5)), _rows([5], np.random.default_rng(6))
    ours.insert(name, first, partition_name="A")
    ours.upsert(name, second, partition_name="B")
    assert _count(ours, name, "") == 1
    assert ours.query(name, filter="id == 5", output_fields=["count(*)"], partition_names=["A"]) == [{"count(*)": 0}]
    got = ours.get(name, ids=[5], output_fields=["score"], partition_names=["B"])
    assert got == [{"id": 5, "score": second[0]["score"]}]


def test_difference_delete_count_is_exact(pair):
    """Difference: ``delete_count`` counts rows really deleted; Milvus counts the keys sent."""
    ours, _ = pair
    name = _fresh(ours, veclite, "del_count")
    ours.insert(name, _rows(range(4), np.random.default_rng(7)))
    assert ours.delete(name, ids=[1, 2, 99, 100]) == {"delete_count": 2}
    assert ours.delete(name, ids=[1]) == {"delete_count": 0}


def test_difference_nan_vectors_are_rejected(pair):
    """Difference: NaN / ±Inf in vectors are INVALID_VALUE in veclite (Milvus Lite stores them)."""
    ours, _ = pair
    name = _fresh(ours, veclite, "nan")
    bad = _rows([1], np.random.default_rng(8))
    bad[0]["v"] = np.full(DIM, np.nan, dtype=np.float32)
    with pytest.raises(veclite.InvalidValueException):
        ours.insert(name, bad)
    assert _count(ours, name, "") == 0


DYNAMIC_FILTERS = [
    "n > 3",
    "n in [1, 4]",
    'color == "red" and n >= 2',
    'color like "b%"',
    'info["a"] == 1',
    'info["a"] < 2 or n == 5',
    "json_contains(tags, 3)",
    "json_contains_all(tags, [1, 2])",
    "json_contains_any(tags, [5, 7])",
    "array_contains_any(tags, [0, 6]) and n < 5",
    "not json_contains(tags, 1)",
    "array_length(tags) == 2",
    "array_length(tags) >= 1 and n > 2",
]


def test_dynamic_keys_and_json_functions_same_results(pair):
    """Dynamic keys of several JSON kinds (some rows lack them): filters on them, including the
    json_contains family, select the same rows on both engines."""
    ours, theirs = pair
    rng = np.random.default_rng(SEED + 1)
    rows = []
    for i in range(300):
        row = {"id": i, "v": rng.standard_normal(DIM).astype(np.float32)}
        if i % 5:
            row["n"] = int(rng.integers(0, 6))
        if i % 3:
            row["color"] = ["red", "blue", "black"][int(rng.integers(0, 3))]
        if i % 4:
            row["tags"] = [int(t) for t in rng.choice(8, int(rng.integers(0, 4)), replace=False)]
        if i % 7:
            row["info"] = {"a": int(rng.integers(0, 3))}
        rows.append(row)
    for client, module in ((ours, veclite), (theirs, pymilvus)):
        schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
        schema.add_field("id", module.DataType.INT64, is_primary=True)
        schema.add_field("v", module.DataType.FLOAT_VECTOR, dim=DIM)
        index = client.prepare_index_params()
        index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
        client.create_collection("dyn", schema=schema, index_params=index, consistency_level="Strong")
        assert client.insert("dyn", rows)["insert_count"] == len(rows)
    for expr in DYNAMIC_FILTERS:
        a = sorted(r["id"] for r in ours.query("dyn", filter=expr, output_fields=["id"]))
        b = sorted(r["id"] for r in theirs.query("dyn", filter=expr, output_fields=["id"]))
        assert a == b, f"query where {expr!r}"
        assert a, f"{expr!r} selects no row: the case proves nothing"
    a = _by_id(ours.query("dyn", filter="id < 20", output_fields=["n", "color", "tags", "info"]))
    b = _by_id(theirs.query("dyn", filter="id < 20", output_fields=["n", "color", "tags", "info"]))
    assert a == b


#: Array filters compared between the engines (every one must select some row). Left out:
#: negations over missing elements (three-valued in Milvus, two-valued here) and the forms Milvus
#: Lite's parser refuses (`a[i] in [..]`, `a == [..]`); docs/semantics.md states both.
ARRAY_FILTERS = [
    "array_contains(nums, 3)",
    "ARRAY_CONTAINS_ALL(nums, [1, 2])",
    "array_contains_any(nums, [0, 7])",
    "array_length(nums) == 0",
    "array_length(nums) >= 3",
    "nums[0] > 4",
    "nums[1] <= 2",
    "nums[2] == 5",
    "array_contains(tags, 'b')",
    "array_contains_any(tags, ['a', 'c'])",
    "tags[0] == 'a'",
    "tags is null",
    "tags is not null",
    "array_contains(scores, 0.5)",
    "scores[0] < 1.25",
    "flags[0] == true",
    "array_contains(nums, 3) and tags[1] == 'c'",
]


def test_array_fields_same_results(pair):
    """ARRAY fields of several element types (a nullable one): array filters select the same
    rows on both engines and reads return the same lists."""
    ours, theirs = pair
    rng = np.random.default_rng(SEED + 2)
    rows = []
    for i in range(300):
        n = int(rng.integers(0, 5))
        row = {
            "id": i,
            "v": rng.standard_normal(DIM).astype(np.float32),
            "nums": [int(x) for x in rng.integers(0, 8, n)],
            "tags": None if i % 6 == 0 else [["a", "b", "c"][int(t)] for t in rng.integers(0, 3, n % 3)],
            "scores": [float(x) / 4 for x in rng.integers(0, 8, n % 2 + 1)],
            "flags": [bool(b) for b in rng.integers(0, 2, n % 3)],
        }
        rows.append(row)
    for client, module in ((ours, veclite), (theirs, pymilvus)):
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", module.DataType.INT64, is_primary=True)
        schema.add_field("v", module.DataType.FLOAT_VECTOR, dim=DIM)
        schema.add_field("nums", module.DataType.ARRAY, element_type=module.DataType.INT64, max_capacity=4)
        schema.add_field("tags", module.DataType.ARRAY, element_type=module.DataType.VARCHAR, max_capacity=4,
                         max_length=4, nullable=True)
        schema.add_field("scores", module.DataType.ARRAY, element_type=module.DataType.DOUBLE, max_capacity=4)
        schema.add_field("flags", module.DataType.ARRAY, element_type=module.DataType.BOOL, max_capacity=4)
        index = client.prepare_index_params()
        index.add_index(field_name="v", index_type="FLAT", metric_type="L2")
        client.create_collection("arr", schema=schema, index_params=index, consistency_level="Strong")
        assert client.insert("arr", rows)["insert_count"] == len(rows)
    for expr in ARRAY_FILTERS:
        a = sorted(r["id"] for r in ours.query("arr", filter=expr, output_fields=["id"]))
        b = sorted(r["id"] for r in theirs.query("arr", filter=expr, output_fields=["id"]))
        assert a == b, f"query where {expr!r}"
        assert a, f"{expr!r} selects no row: the case proves nothing"
    fields = ["nums", "tags", "scores", "flags"]

    def lists(client):
        got = client.query("arr", filter="id < 30", output_fields=fields)
        return sorted(({k: (list(v) if v is not None else None) for k, v in dict(r).items() if k in fields}
                       | {"id": r["id"]} for r in got), key=lambda r: r["id"])

    assert lists(ours) == lists(theirs)
