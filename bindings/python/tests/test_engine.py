"""numpy zero-copy, the GIL released during searches, reopen persistence."""

import threading
import time
import tracemalloc

import numpy as np

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema, MilvusClient, connections


def test_numpy_float32_upsert_creates_no_per_row_objects(orm):
    c = Collection("big", CollectionSchema([FieldSchema("id", DataType.INT64, is_primary=True),
                                            FieldSchema("v", DataType.FLOAT_VECTOR, dim=128)]))
    n = 50_000
    vectors = np.random.default_rng(1).random((n, 128), dtype=np.float32)
    ids = np.arange(n, dtype=np.int64)
    tracemalloc.start()
    try:
        r = c.upsert([ids, vectors])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.upsert_count == n
    # The 25.6 MB array crosses as one buffer copy in Rust (not traced); Python-side allocations are
    # only the result's primary_keys list (50,000 ints, ~2 MB). A Python object per row or per
    # component would cost far more than the array itself.
    assert peak < vectors.nbytes / 8, peak
    hit = c.search(vectors[12345:12346], "v", {"metric_type": "L2"}, limit=1)[0][0]
    assert hit.id == 12345 and hit.distance == 0.0


def test_two_searching_threads_run_concurrently(tmp_path):
    client = MilvusClient(str(tmp_path / "t"))
    client.create_collection("c", dimension=64, metric_type="L2")
    vecs = np.random.default_rng(2).random((40_000, 64), dtype=np.float32)
    client._engine.write("c", [np.arange(len(vecs)), vecs], None, True, None)
    queries = vecs[:32]
    intervals = {0: [], 1: []}
    barrier = threading.Barrier(2)

    def worker(k):
        barrier.wait()
        for _ in range(12):
            t0 = time.perf_counter()
            res = client.search("c", queries, limit=5)
            intervals[k].append((t0, time.perf_counter()))
            assert res[0][0]["id"] == 0

    threads = [threading.Thread(target=worker, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    overlapping = sum(any(a0 < b1 and b0 < a1 for b0, b1 in intervals[1]) for a0, a1 in intervals[0])
    assert len(intervals[0]) == len(intervals[1]) == 12
    # With the GIL held during a search, one thread's call could not start while the other's runs.
    assert overlapping >= 6, (overlapping, intervals)
    client.close()


def test_gil_released_lets_python_threads_progress(tmp_path):
    client = MilvusClient(str(tmp_path / "g"))
    client.create_collection("c", dimension=128, metric_type="L2")
    vecs = np.random.default_rng(3).random((60_000, 128), dtype=np.float32)
    client._engine.write("c", [np.arange(len(vecs)), vecs], None, True, None)
    ticks = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.01)
        before = ticks[0]
        t0 = time.perf_counter()
        client.search("c", vecs[:256], limit=10)
        elapsed = time.perf_counter() - t0
        during = ticks[0] - before
    finally:
        stop.set()
        t.join()
    assert elapsed > 0.02
    assert during > 1000, (during, elapsed)
    client.close()


def test_reopen_persistence_orm(tmp_path):
    uri = str(tmp_path / "persist")
    connections.connect(uri=uri)
    schema = CollectionSchema([FieldSchema("ID", DataType.INT64, is_primary=True),
                               FieldSchema("random", DataType.DOUBLE),
                               FieldSchema("embeddings", DataType.FLOAT_VECTOR, dim=8)])
    c = Collection("hello", schema)
    v = np.random.default_rng(4).random((3000, 8))
    c.upsert([list(range(3000)), list(np.linspace(0, 1, 3000)), v])
    c.flush()
    c.upsert([list(range(1500)), [0.5] * 1500, v[:1500]])
    c.delete("ID in [2999]")
    connections.disconnect("default")
    connections.connect(uri=uri)
    c = Collection("hello")
    assert c.num_entities == 2999
    assert c.query("ID == 10", output_fields=["random"]) == [{"ID": 10, "random": 0.5}]
    assert c.query("ID == 2999") == []
    connections.disconnect("default")


def test_locked_by_another_process(tmp_path):
    import subprocess
    import sys

    uri = str(tmp_path / "lock")
    client = MilvusClient(uri)
    code = f"import veclite\ntry:\n    veclite.MilvusClient({uri!r})\nexcept veclite.LockedException as e:\n    print(e.status)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "LOCKED", out.stderr
    client.close()
