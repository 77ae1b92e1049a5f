#!/usr/bin/env python3
"""search_overhead.py - the cost of the Python layer of MilvusClient.search, measured in one
process: each query goes once through the native call that MilvusClient.search wraps
(``Database.search`` of the extension module: query array in, ids/distances lists out) and once
through MilvusClient.search (search-param parsing, one hit dict per result), interleaved, so
the machine's load hits both alike. 1,000,000 x 128 random rows in one sealed segment; top-10
L2, 40 single queries and 3 batches of 1,000 (medians).

    $VENV/bin/python bindings/python/bench/search_overhead.py [--n 1000000]

($VENV: any venv with numpy and the veclite package, e.g. the one of
benches/requirements-peers.txt after ``$VENV/bin/pip install ./bindings/python``.)
"""
import argparse
import os
import statistics
import tempfile
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    n, dim = ap.parse_args().n, 128
    import veclite

    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as d:
        veclite.connections.connect(uri=os.path.join(d, "db"))
        coll = veclite.Collection("b", veclite.CollectionSchema([
            veclite.FieldSchema("id", veclite.DataType.INT64, is_primary=True),
            veclite.FieldSchema("v", veclite.DataType.FLOAT_VECTOR, dim=dim)]))
        for start in range(0, n, 50_000):
            coll.insert([np.arange(start, start + 50_000), rng.standard_normal((50_000, dim), dtype=np.float32)])
        coll.flush()
        client = veclite.MilvusClient(os.path.join(d, "db"))
        db = client._engine.db  # the extension's Database, which MilvusClient.search calls
        queries = rng.standard_normal((1010, dim), dtype=np.float32)

        def native(q):
            return db.search("b", q, 10, "L2", None, [], "", [], 0, [], None)

        def wrapped(q):
            return client.search("b", q, limit=10, search_params={"metric_type": "L2"})

        for nq, reps in ((1, 40), (1000, 3)):
            native(queries[:nq])
            wrapped(queries[:nq])
            tn, tw = [], []
            for i in range(reps):
                q = queries[i:i + nq]
                t = time.perf_counter()
                native(q)
                tn.append(time.perf_counter() - t)
                t = time.perf_counter()
                wrapped(q)
                tw.append(time.perf_counter() - t)
            mn, mw = statistics.median(tn), statistics.median(tw)
            print(f"nq={nq}: native {mn * 1e3:.2f} ms, MilvusClient.search {mw * 1e3:.2f} ms, "
                  f"ratio {mw / mn:.3f} (load {os.getloadavg()[0]:.2f})")
        client.close()
        veclite.connections.disconnect("default")


if __name__ == "__main__":
    main()
