#!/usr/bin/env python3
"""server_vs_milvus_lite.py - veclite-server and Milvus Lite through the same pymilvus, one run.

Both engines are driven by the same pymilvus MilvusClient: veclite-server (target/veclite-server,
`make server`) on a free loopback port, a fresh directory, `--sync every_write` unless --sync says
otherwise; Milvus Lite through MilvusClient("DIR/lite.db") (pymilvus starts its local server).
Workloads (the data of benches/milvus_lite_upsert.py: np.random.default_rng(SEED + dim), uniform
[0, 1) float32 vectors and doubles; schema id Int64 PK, random Double, embeddings
FloatVector(dim), FLAT index, metric L2, Strong consistency):
  upsert  --upsert-n rows (all new ids) upserted in batches of 3,000: rows/s of the upsert calls
  search  --search-n rows inserted in batches of 10,000 (rows/s reported, not a target), flushed,
          then --queries exact top-10 searches of one query vector each, one at a time
          (after 5 warm-up searches): latency p50 / p99 / mean, and the top-10 ids of both engines
          compared (they must agree: both are exact)

Setup, into a venv outside the repository:
  python3 -m venv $VENV && $VENV/bin/pip install -r benches/requirements-server.txt
Run from the repository root (after `make server`):
  $VENV/bin/python benches/server_vs_milvus_lite.py [--upsert-n 100000] [--search-n 1000000]
      [--dim 128] [--queries 200] [--sync every_write] [--json benches/server_vs_milvus_lite_results.json]
  (--search-n 0 runs the upsert workload only)
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workloads import SEED  # noqa: E402

UPSERT_BATCH = 3000
LOAD_BATCH = 10000
WARMUP = 5
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(*a):
    print(*a, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VecliteServer:
    """target/veclite-server on a fresh directory and a free loopback port, stopped by SIGTERM."""

    def __init__(self, binary, tmp, sync):
        self.port = free_port()
        self.log = open(os.path.join(tmp, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [binary, "--dir", os.path.join(tmp, "veclite.db"), "--address", f"127.0.0.1:{self.port}", "--sync", sync],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            self.log.seek(0)
            if f" at http://127.0.0.1:{self.port}" in self.log.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.log.seek(0)
        raise RuntimeError(f"veclite-server did not start: {self.log.read()}")

    @property
    def uri(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


class RpcTimer:
    """Times the gRPC calls pymilvus makes (the stub's Upsert and Search): what the engine, the
    protocol and the transport cost, apart from pymilvus's own conversion of rows and results."""

    def __init__(self, client, names=("Upsert", "Search")):
        stub = client._get_connection()._stub
        self.seconds = {n: [] for n in names}
        for n in names:
            setattr(stub, n, self._timed(getattr(stub, n), self.seconds[n]))

    @staticmethod
    def _timed(call, into):
        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return call(*a, **k)
            finally:
                into.append(time.perf_counter() - t)
        return timed

    def reset(self):
        for v in self.seconds.values():
            v.clear()


def create(client, name, dim):
    from pymilvus import DataType, MilvusClient

    s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("random", DataType.DOUBLE)
    s.add_field("embeddings", DataType.FLOAT_VECTOR, dim=dim)
    ip = client.prepare_index_params()
    ip.add_index(field_name="embeddings", index_type="FLAT", metric_type="L2", params={})
    client.create_collection(name, schema=s, index_params=ip, consistency_level="Strong")


def rows_of(X, R, first, last):
    return [{"id": i, "random": float(R[i]), "embeddings": X[i]} for i in range(first, last)]


def bench_upsert(client, timer, X, R, dim):
    create(client, "upsert", dim)
    batches = [rows_of(X, R, b, min(b + UPSERT_BATCH, len(X))) for b in range(0, len(X), UPSERT_BATCH)]
    gc.collect()
    timer.reset()
    t = time.perf_counter()
    for rows in batches:
        client.upsert("upsert", rows)
    dt = time.perf_counter() - t
    rpc = sum(timer.seconds["Upsert"])
    client.flush("upsert")
    count = client.query("upsert", output_fields=["count(*)"])[0]["count(*)"]
    assert count == len(X), f"upsert: count(*) {count}, want {len(X)}"
    n = len(batches)
    return {"rows": len(X), "seconds": dt, "rows_per_s": len(X) / dt, "rpc_seconds": rpc,
            "client_seconds": dt - rpc, "batches": n, "rpc_ms_per_batch": rpc / n * 1e3,
            "client_ms_per_batch": (dt - rpc) / n * 1e3,
            # The rate if the Upsert RPCs took no time at all: pymilvus's packing alone.
            "client_bound_rows_per_s": len(X) / (dt - rpc)}


def bench_search(client, timer, X, R, Q, dim):
    create(client, "search", dim)
    t = time.perf_counter()
    for b in range(0, len(X), LOAD_BATCH):
        client.insert("search", rows_of(X, R, b, min(b + LOAD_BATCH, len(X))))
    client.flush("search")
    load_s = time.perf_counter() - t
    count = client.query("search", output_fields=["count(*)"])[0]["count(*)"]
    assert count == len(X), f"search: count(*) {count}, want {len(X)}"
    params = {"metric_type": "L2"}
    for q in Q[:WARMUP]:
        client.search("search", data=[q], limit=10, search_params=params)
    lat, top = [], []
    timer.reset()
    for q in Q:
        t = time.perf_counter()
        hits = client.search("search", data=[q], limit=10, search_params=params)[0]
        lat.append(time.perf_counter() - t)
        top.append([h["id"] for h in hits])
    ms = np.array(lat) * 1e3
    rpc_ms = np.array(timer.seconds["Search"]) * 1e3
    return {
        "rpc_p50_ms": float(np.percentile(rpc_ms, 50)), "client_p50_ms": float(np.percentile(ms - rpc_ms, 50)),
        "rows": len(X), "load_seconds": load_s, "load_rows_per_s": len(X) / load_s, "queries": len(Q),
        "p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)), "mean_ms": float(ms.mean()),
    }, top


def run_engine(name, connect, args, data):
    """Runs both workloads on one engine: connect() -> (client, stop)."""
    log(f"{name}:")
    out = {}
    client, stop = connect()
    timer = RpcTimer(client)
    try:
        out["upsert"] = u = bench_upsert(client, timer, *data["upsert"], args.dim)
        log(f"  upsert {args.upsert_n} x {args.dim}: {u['rows_per_s']:,.0f} rows/s "
            f"({u['rpc_seconds']:.2f} s in the Upsert RPCs, {u['client_seconds']:.2f} s in pymilvus; "
            f"per batch {u['rpc_ms_per_batch']:.1f} ms RPC, {u['client_ms_per_batch']:.1f} ms pymilvus)")
        client.drop_collection("upsert")
        if args.search_n == 0:
            return out, []
        out["search"], top = bench_search(client, timer, *data["search"], data["queries"], args.dim)
        s = out["search"]
        log(f"  search {args.search_n} x {args.dim}: p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms "
            f"(RPC p50 {s['rpc_p50_ms']:.2f} ms, pymilvus p50 {s['client_p50_ms']:.2f} ms; "
            f"loaded at {s['load_rows_per_s']:,.0f} rows/s)")
    finally:
        client.close()
        stop()
    return out, top


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upsert-n", type=int, default=100_000)
    ap.add_argument("--search-n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--sync", default="every_write", choices=["every_write", "interval", "none"])
    ap.add_argument("--server", default=os.path.join(REPO, "target", "veclite-server"))
    ap.add_argument("--json", default=os.path.join(REPO, "benches", "server_vs_milvus_lite_results.json"))
    args = ap.parse_args()
    if not os.access(args.server, os.X_OK):
        sys.exit(f"{args.server} is missing: run `make server` first")
    import pymilvus
    from pymilvus import MilvusClient

    rng = np.random.default_rng(SEED + args.dim)
    data = {
        "upsert": (rng.random((args.upsert_n, args.dim), dtype=np.float32), rng.random(args.upsert_n)),
        "search": (rng.random((args.search_n, args.dim), dtype=np.float32), rng.random(args.search_n)),
        "queries": rng.random((args.queries, args.dim), dtype=np.float32),
    }
    tmp = tempfile.mkdtemp(prefix="server_vs_lite_")
    results = {"pymilvus": pymilvus.__version__, "dim": args.dim, "sync": args.sync,
               "load_start": os.getloadavg()[0], "cpus": os.cpu_count()}
    try:
        def veclite():
            d = os.path.join(tmp, "veclite")
            os.makedirs(d)
            server = VecliteServer(args.server, d, args.sync)
            return MilvusClient(uri=server.uri), server.stop

        def lite():
            d = os.path.join(tmp, "lite")
            os.makedirs(d)
            return MilvusClient(os.path.join(d, "lite.db")), lambda: None

        results["veclite-server"], top_v = run_engine("veclite-server", veclite, args, data)
        results["milvus-lite"], top_m = run_engine("Milvus Lite", lite, args, data)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    same = sum(a == b for a, b in zip(top_v, top_m))
    results["same_top10"] = same
    results["load_end"] = os.getloadavg()[0]
    v, m = results["veclite-server"], results["milvus-lite"]
    log(f"top-10 ids equal on {same}/{len(top_v)} queries")
    log(f"upsert: veclite-server / Milvus Lite = {v['upsert']['rows_per_s'] / m['upsert']['rows_per_s']:.1f}x rows/s")
    log(f"upsert bound: with zero-time RPCs veclite-server could reach "
        f"{v['upsert']['client_bound_rows_per_s'] / m['upsert']['rows_per_s']:.1f}x Milvus Lite's rows/s "
        f"(pymilvus's packing alone)")
    if args.search_n:
        log(f"search p50: Milvus Lite / veclite-server = {m['search']['p50_ms'] / v['search']['p50_ms']:.1f}x, "
            f"p99 {m['search']['p99_ms'] / v['search']['p99_ms']:.1f}x")
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
